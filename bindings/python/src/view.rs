//! `MessageView`: a received message, immutable; fields are converted to Python objects only when read.

use fulmen_client::MessageView;
use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDateTime};

use crate::send_result::PyMessageQueue;
use crate::{repr, time};

/// A message as a consumer receives it.
#[pyclass(module = "fulmen._native", name = "MessageView", frozen)]
#[derive(Debug)]
pub(crate) struct PyMessageView(pub(crate) MessageView);

#[pymethods]
impl PyMessageView {
    /// The client-side id (`UNIQ_KEY`), the same the producer's `SendResult.msg_id` showed.
    #[getter]
    fn msg_id(&self) -> &str {
        &self.0.msg_id
    }

    #[getter]
    fn offset_msg_id(&self) -> &str {
        &self.0.offset_msg_id
    }

    /// The topic the message was sent to (the original one for a retried message).
    #[getter]
    fn topic(&self) -> &str {
        &self.0.topic
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
    fn commit_log_offset(&self) -> i64 {
        self.0.commit_log_offset
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.body)
    }

    #[getter]
    fn tags(&self) -> Option<&str> {
        self.0.tags.as_deref()
    }

    #[getter]
    fn keys(&self) -> Vec<String> {
        self.0.keys.clone()
    }

    /// All properties, user and system ones.
    #[getter]
    fn properties(&self) -> IndexMap<String, String> {
        self.0.properties.clone()
    }

    #[getter]
    fn flag(&self) -> i32 {
        self.0.flag
    }

    #[getter]
    fn born_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        time::datetime_from_millis(py, self.0.born_timestamp)
    }

    #[getter]
    fn stored_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        time::datetime_from_millis(py, self.0.store_timestamp)
    }

    #[getter]
    fn born_host(&self) -> &str {
        &self.0.born_host
    }

    #[getter]
    fn store_host(&self) -> &str {
        &self.0.store_host
    }

    /// How many times the message has been redelivered after a failed consumption.
    #[getter]
    fn reconsume_times(&self) -> i32 {
        self.0.reconsume_times
    }

    #[getter]
    fn delay_level(&self) -> Option<i32> {
        self.0.delay_level()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut text = format!(
            "MessageView(topic={}, msg_id={}, queue_id={}, queue_offset={}",
            repr::of(py, &self.0.topic),
            repr::of(py, &self.0.msg_id),
            self.0.queue.queue_id,
            self.0.queue_offset
        );
        if let Some(tags) = &self.0.tags {
            text.push_str(&format!(", tags={}", repr::of(py, tags)));
        }
        if !self.0.keys.is_empty() {
            text.push_str(&format!(", keys={}", repr::of(py, &self.0.keys)));
        }
        if self.0.reconsume_times > 0 {
            text.push_str(&format!(", reconsume_times={}", self.0.reconsume_times));
        }
        text.push_str(&format!(", body={})", repr::body(py, &self.0.body)));
        text
    }
}
