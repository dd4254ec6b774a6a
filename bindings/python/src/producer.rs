//! `NativeProducer`: the producer under `fulmen.AsyncProducer` / `fulmen.Producer`. Every method starts its send
//! at once and returns an awaitable, so `asyncio.gather` keeps many sends in flight.

use fulmen_client::{Message, Producer};
use fulmen_ffi::ForkBound;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPyResult;
use crate::message::PyMessage;
use crate::options::{self, Options};
use crate::rt::to_py;
use crate::send_result::{PyMessageQueue, PySendResult};

/// A started producer.
#[pyclass(module = "fulmen._native", name = "NativeProducer", frozen)]
#[derive(Debug)]
pub(crate) struct NativeProducer {
    producer: ForkBound<Producer>,
}

impl NativeProducer {
    fn producer(&self, py: Python<'_>) -> PyResult<Producer> {
        self.producer.get().cloned().py(py)
    }
}

#[pymethods]
impl NativeProducer {
    /// Starts a producer of `group` on the name servers `namesrv`; resolves to the `NativeProducer`.
    #[staticmethod]
    #[pyo3(signature = (namesrv, group, options=None))]
    fn start<'py>(
        py: Python<'py>,
        namesrv: String,
        group: String,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = Options::new("Producer", options);
        let config = options::producer(namesrv, group, &mut options)?;
        options.finish()?;
        to_py(py, async move {
            let producer = Producer::start(config).await?;
            Ok(NativeProducer {
                producer: ForkBound::new(producer),
            })
        })
    }

    #[getter]
    fn client_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.producer(py)?.client_id().to_owned())
    }

    #[getter]
    fn group(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.producer(py)?.config().group.clone())
    }

    /// Sends with retries on other brokers; resolves to a `SendResult`.
    fn send<'py>(&self, py: Python<'py>, message: PyRef<'py, PyMessage>) -> PyResult<Bound<'py, PyAny>> {
        let send = self.producer(py)?.send_async(message.0.clone());
        to_py(py, async move { Ok(PySendResult(send.await?)) })
    }

    /// Sends once to `queue`.
    fn send_to_queue<'py>(
        &self,
        py: Python<'py>,
        message: PyRef<'py, PyMessage>,
        queue: PyRef<'py, PyMessageQueue>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer(py)?;
        let (message, queue) = (message.0.clone(), queue.0.clone());
        to_py(py, async move {
            Ok(PySendResult(producer.send_to_queue(message, queue).await?))
        })
    }

    /// Sends once to the queue Java's `SelectMessageQueueByHash` picks for the message's sharding key.
    fn send_orderly<'py>(
        &self,
        py: Python<'py>,
        message: PyRef<'py, PyMessage>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer(py)?;
        let message = message.0.clone();
        to_py(py, async move {
            Ok(PySendResult(producer.send_orderly(message).await?))
        })
    }

    /// Sends without waiting for the broker's answer.
    fn send_oneway<'py>(
        &self,
        py: Python<'py>,
        message: PyRef<'py, PyMessage>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer(py)?;
        let message = message.0.clone();
        to_py(py, async move { producer.send_oneway(message).await })
    }

    /// Sends messages of one topic as one batch; resolves to one `SendResult` with comma-joined ids.
    fn send_batch<'py>(
        &self,
        py: Python<'py>,
        messages: Vec<PyRef<'py, PyMessage>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer(py)?;
        let messages: Vec<Message> = messages.iter().map(|message| message.0.clone()).collect();
        to_py(py, async move {
            Ok(PySendResult(producer.send_batch(messages).await?))
        })
    }

    /// The writable queues of `topic`, for a selector to choose from.
    fn publish_queues<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer(py)?;
        to_py(py, async move {
            let queues = producer.publish_queues(&topic).await?;
            Ok(queues.into_iter().map(PyMessageQueue).collect::<Vec<_>>())
        })
    }

    /// Unregisters and closes; idempotent. In a forked child it only forgets the parent's producer.
    fn shutdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer.in_this_process().cloned();
        to_py(py, async move {
            if let Some(producer) = producer {
                producer.shutdown().await;
            }
            Ok(())
        })
    }
}
