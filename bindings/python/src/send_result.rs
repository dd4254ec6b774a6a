//! `SendResult`, `SendStatus` and `MessageQueue`: immutable Python views of what the client returns.

use fulmen_client::{MessageQueue, SendResult, SendStatus};
use pyo3::prelude::*;

use crate::repr;

/// How the broker stored a sent message; every status stores the message, only `SEND_OK` means fully as configured.
#[pyclass(module = "fulmen._native", name = "SendStatus", eq, eq_int, frozen, hash)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub(crate) enum PySendStatus {
    /// Stored.
    SEND_OK,
    /// Stored, but the synchronous flush timed out.
    FLUSH_DISK_TIMEOUT,
    /// Stored, but the synchronous replication timed out.
    FLUSH_SLAVE_TIMEOUT,
    /// Stored, but no slave was available.
    SLAVE_NOT_AVAILABLE,
}

impl From<SendStatus> for PySendStatus {
    fn from(status: SendStatus) -> Self {
        match status {
            SendStatus::SendOk => PySendStatus::SEND_OK,
            SendStatus::FlushDiskTimeout => PySendStatus::FLUSH_DISK_TIMEOUT,
            SendStatus::FlushSlaveTimeout => PySendStatus::FLUSH_SLAVE_TIMEOUT,
            SendStatus::SlaveNotAvailable => PySendStatus::SLAVE_NOT_AVAILABLE,
        }
    }
}

/// One queue of a topic on one broker.
#[pyclass(module = "fulmen._native", name = "MessageQueue", frozen, eq, ord, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PyMessageQueue(pub(crate) MessageQueue);

#[pymethods]
impl PyMessageQueue {
    #[new]
    fn new(topic: String, broker_name: String, queue_id: i32) -> Self {
        PyMessageQueue(MessageQueue {
            topic,
            broker_name,
            queue_id,
        })
    }

    #[getter]
    fn topic(&self) -> &str {
        &self.0.topic
    }

    #[getter]
    fn broker_name(&self) -> &str {
        &self.0.broker_name
    }

    #[getter]
    fn queue_id(&self) -> i32 {
        self.0.queue_id
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "MessageQueue(topic={}, broker_name={}, queue_id={})",
            repr::of(py, &self.0.topic),
            repr::of(py, &self.0.broker_name),
            self.0.queue_id
        )
    }
}

/// What a successful send returns.
#[pyclass(module = "fulmen._native", name = "SendResult", frozen)]
#[derive(Debug)]
pub(crate) struct PySendResult(pub(crate) SendResult);

#[pymethods]
impl PySendResult {
    #[getter]
    fn status(&self) -> PySendStatus {
        self.0.status.into()
    }

    /// The client-side message id (`UNIQ_KEY`), the one to search for.
    #[getter]
    fn msg_id(&self) -> &str {
        &self.0.msg_id
    }

    /// The broker's id: store host and commit log offset.
    #[getter]
    fn offset_msg_id(&self) -> &str {
        &self.0.offset_msg_id
    }

    #[getter]
    fn queue(&self) -> PyMessageQueue {
        PyMessageQueue(self.0.queue.clone())
    }

    #[getter]
    fn queue_offset(&self) -> i64 {
        self.0.queue_offset
    }

    #[getter]
    fn transaction_id(&self) -> Option<&str> {
        self.0.transaction_id.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SendResult(status=SendStatus.{}, msg_id={}, queue={}, queue_offset={})",
            self.0.status.name(),
            repr::of(py, &self.0.msg_id),
            PyMessageQueue(self.0.queue.clone()).__repr__(py),
            self.0.queue_offset
        )
    }

    /// Java's `SendResult.toString()`.
    fn __str__(&self) -> String {
        self.0.to_string()
    }
}
