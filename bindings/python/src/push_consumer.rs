//! `NativePushConsumer`: the push consumer under `fulmen.AsyncPushConsumer` / `fulmen.PushConsumer`. Its listener
//! is Python code, reached through [`fulmen_ffi::listener`]: the Python side pumps [`Delivery`] batches with
//! `next_deliveries`, runs its listener on each and acks it. Rust never calls Python.

use std::sync::{Arc, Mutex, PoisonError};

use fulmen_client::{ConsumeResult, MessageView, PushConsumer};
use fulmen_ffi::ForkBound;
use fulmen_ffi::listener::{self, Deliveries};
use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPyResult;
use crate::options::Options;
use crate::push_options;
use crate::rt::to_py;
use crate::send_result::PyMessageQueue;
use crate::view::PyMessageView;

/// A started push consumer whose listener calls wait in `next_deliveries`.
#[pyclass(module = "fulmen._native", name = "NativePushConsumer", frozen)]
#[derive(Debug)]
pub(crate) struct NativePushConsumer {
    consumer: ForkBound<PushConsumer>,
    deliveries: Arc<Deliveries>,
    orderly: bool,
}

impl NativePushConsumer {
    fn consumer(&self, py: Python<'_>) -> PyResult<PushConsumer> {
        self.consumer.get().cloned().py(py)
    }
}

#[pymethods]
impl NativePushConsumer {
    /// Starts a consumer of `group` subscribing `subscriptions` (topic → tag expression), concurrently or
    /// `orderly`; resolves to the `NativePushConsumer`.
    #[staticmethod]
    #[pyo3(signature = (namesrv, group, subscriptions, orderly=false, options=None))]
    fn start<'py>(
        py: Python<'py>,
        namesrv: String,
        group: String,
        subscriptions: IndexMap<String, String>,
        orderly: bool,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = Options::new("PushConsumer", options);
        let config = push_options::push_consumer(namesrv, group, subscriptions, &mut options)?;
        options.finish()?;
        // Room for every listener call the consumer may run at once.
        let capacity = usize::try_from(config.consume_thread_min).unwrap_or(1);
        to_py(py, async move {
            let (listener, deliveries) = listener::host_listener(capacity);
            let consumer = if orderly {
                PushConsumer::start_orderly(config, listener).await?
            } else {
                PushConsumer::start(config, listener).await?
            };
            Ok(NativePushConsumer {
                consumer: ForkBound::new(consumer),
                deliveries: Arc::new(deliveries),
                orderly,
            })
        })
    }

    #[getter]
    fn client_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.consumer(py)?.client_id().to_owned())
    }

    #[getter]
    fn group(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.consumer(py)?.config().group.clone())
    }

    #[getter]
    fn orderly(&self) -> bool {
        self.orderly
    }

    /// Waits for listener calls and resolves to up to `max` of them; to `[]` once shut down.
    #[pyo3(signature = (max=64))]
    fn next_deliveries<'py>(&self, py: Python<'py>, max: usize) -> PyResult<Bound<'py, PyAny>> {
        let deliveries = self.deliveries.clone();
        to_py(py, async move {
            let batch = deliveries.next_batch(max).await;
            Ok(batch.into_iter().map(Delivery::new).collect::<Vec<_>>())
        })
    }

    /// Subscribes `topic` with the tag `expression` while running.
    fn subscribe<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        expression: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        to_py(py, async move { consumer.subscribe(&topic, &expression).await })
    }

    /// Stops consuming `topic`.
    fn unsubscribe<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        to_py(py, async move {
            consumer.unsubscribe(&topic).await;
            Ok(())
        })
    }

    /// Pauses pulling.
    fn suspend(&self, py: Python<'_>) -> PyResult<()> {
        self.consumer(py)?.suspend();
        Ok(())
    }

    /// Resumes pulling.
    fn resume(&self, py: Python<'_>) -> PyResult<()> {
        self.consumer(py)?.resume();
        Ok(())
    }

    /// The queues this consumer owns now, sorted.
    fn assigned_queues(&self, py: Python<'_>) -> PyResult<Vec<PyMessageQueue>> {
        let queues = self.consumer(py)?.assigned_queues();
        Ok(queues.into_iter().map(PyMessageQueue).collect())
    }

    /// Stops pulling, waits (up to `await_termination_when_shutdown`) for listener calls in flight, commits the
    /// offsets and closes; then ends pending `next_deliveries` with `[]`. Idempotent.
    fn shutdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        let deliveries = self.deliveries.clone();
        to_py(py, async move {
            consumer.shutdown().await;
            deliveries.close().await;
            Ok(())
        })
    }
}

/// One listener call: a batch of messages, acked once. Dropped unacked, it counts as "reconsume later".
#[pyclass(module = "fulmen._native", name = "Delivery", frozen)]
#[derive(Debug)]
pub(crate) struct Delivery {
    messages: Vec<MessageView>,
    call: Mutex<Option<listener::Delivery>>,
}

impl Delivery {
    fn new(mut call: listener::Delivery) -> Self {
        Delivery {
            messages: std::mem::take(&mut call.request),
            call: Mutex::new(Some(call)),
        }
    }
}

#[pymethods]
impl Delivery {
    /// The messages of this call (one unless `consume_message_batch_max_size` is larger; for an orderly consumer,
    /// of one queue, in queue order).
    #[getter]
    fn messages(&self) -> Vec<PyMessageView> {
        self.messages.iter().cloned().map(PyMessageView).collect()
    }

    /// Answers the call: `True` = consumed, `False` = deliver them again later. Only the first answer counts;
    /// returns whether this one reached the consumer.
    fn ack(&self, success: bool) -> bool {
        let call = self.call.lock().unwrap_or_else(PoisonError::into_inner).take();
        let result = if success {
            ConsumeResult::Success
        } else {
            ConsumeResult::ReconsumeLater
        };
        call.is_some_and(|call| call.reply(result))
    }

    fn __len__(&self) -> usize {
        self.messages.len()
    }

    fn __repr__(&self) -> String {
        format!("Delivery({} message(s))", self.messages.len())
    }
}
