//! `NativePullConsumer`: the lite pull consumer under `fulmen.AsyncPullConsumer` / `fulmen.PullConsumer`. Methods
//! that talk to brokers or wait return awaitables; the rest answer at once.

use std::collections::HashMap;
use std::time::Duration;

use fulmen_client::{LitePullConsumer, MessageQueue};
use fulmen_ffi::{ForkBound, panic, runtime};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPyResult;
use crate::options::Options;
use crate::pull_options;
use crate::rt::to_py;
use crate::send_result::PyMessageQueue;
use crate::time;
use crate::view::PyMessageView;

/// A started lite pull consumer.
#[pyclass(module = "fulmen._native", name = "NativePullConsumer", frozen)]
#[derive(Debug)]
pub(crate) struct NativePullConsumer {
    consumer: ForkBound<LitePullConsumer>,
}

impl NativePullConsumer {
    fn consumer(&self, py: Python<'_>) -> PyResult<LitePullConsumer> {
        self.consumer.get().cloned().py(py)
    }

    /// Starts `call` with the consumer and `queue` on the runtime; returns its awaitable.
    fn on_queue<'py, T, F>(
        &self,
        py: Python<'py>,
        queue: &PyMessageQueue,
        call: impl FnOnce(LitePullConsumer, MessageQueue) -> F,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        F: Future<Output = fulmen_client::Result<T>> + Send + 'static,
        T: for<'a> IntoPyObject<'a> + Send + 'static,
    {
        to_py(py, call(self.consumer(py)?, queue.0.clone()))
    }

    /// Runs a synchronous core method inside Fulmen's runtime (some start pull tasks), panics contained.
    fn run<T>(
        &self,
        py: Python<'_>,
        call: impl FnOnce(&LitePullConsumer) -> fulmen_client::Result<T>,
    ) -> PyResult<T> {
        let consumer = self.consumer(py)?;
        let _runtime = runtime::handle().enter();
        panic::guard_sync(|| call(&consumer)).py(py)
    }
}

fn queues(given: &[PyRef<'_, PyMessageQueue>]) -> Vec<MessageQueue> {
    given.iter().map(|queue| queue.0.clone()).collect()
}

fn py_queues(queues: Vec<MessageQueue>) -> Vec<PyMessageQueue> {
    queues.into_iter().map(PyMessageQueue).collect()
}

#[pymethods]
impl NativePullConsumer {
    /// Starts a consumer of `group` and subscribes `subscriptions` (topic → tag expression); resolves to the
    /// `NativePullConsumer`. Without subscriptions, queues come from `assign`.
    #[staticmethod]
    #[pyo3(signature = (namesrv, group, subscriptions=None, options=None))]
    fn start<'py>(
        py: Python<'py>,
        namesrv: String,
        group: String,
        subscriptions: Option<Vec<(String, String)>>,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = Options::new("PullConsumer", options);
        let config = pull_options::lite_pull(namesrv, group, &mut options)?;
        options.finish()?;
        to_py(py, async move {
            let consumer = LitePullConsumer::start(config).await?;
            for (topic, expression) in subscriptions.unwrap_or_default() {
                if let Err(error) = consumer.subscribe(&topic, &expression).await {
                    consumer.shutdown().await;
                    return Err(error);
                }
            }
            Ok(NativePullConsumer {
                consumer: ForkBound::new(consumer),
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

    /// Subscribes `topic` with the tag `expression`.
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
    fn unsubscribe(&self, py: Python<'_>, topic: &str) -> PyResult<()> {
        self.run(py, |consumer| {
            consumer.unsubscribe(topic);
            Ok(())
        })
    }

    /// The next batch of one queue, waiting up to `timeout` seconds (the `poll_timeout` option when `None`).
    #[pyo3(signature = (timeout=None))]
    fn poll<'py>(&self, py: Python<'py>, timeout: Option<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        let timeout: Option<Duration> = timeout.map(|value| time::duration(&value)).transpose()?;
        to_py(py, async move {
            let batch = match timeout {
                Some(timeout) => consumer.poll(timeout).await?,
                None => consumer.poll_default().await?,
            };
            Ok(batch.into_iter().map(PyMessageView).collect::<Vec<_>>())
        })
    }

    /// Pulls exactly `queues` from now on, without group coordination.
    fn assign(&self, py: Python<'_>, queues: Vec<PyRef<'_, PyMessageQueue>>) -> PyResult<()> {
        let queues = self::queues(&queues);
        self.run(py, |consumer| consumer.assign(queues))
    }

    /// The queues currently pulled, sorted.
    fn assignment(&self, py: Python<'_>) -> PyResult<Vec<PyMessageQueue>> {
        self.run(py, |consumer| Ok(py_queues(consumer.assignment())))
    }

    /// The readable queues of `topic`, from the name server.
    fn fetch_queues<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        to_py(py, async move {
            Ok(py_queues(consumer.fetch_message_queues(&topic).await?))
        })
    }

    /// Makes the next poll of `queue` start at `offset`.
    fn seek<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
        offset: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.on_queue(py, &queue, move |consumer, queue| async move {
            consumer.seek(&queue, offset).await
        })
    }

    /// Seeks `queue` to its first stored message.
    fn seek_to_begin<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.on_queue(py, &queue, |consumer, queue| async move {
            consumer.seek_to_begin(&queue).await
        })
    }

    /// Seeks `queue` to its end.
    fn seek_to_end<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.on_queue(py, &queue, |consumer, queue| async move {
            consumer.seek_to_end(&queue).await
        })
    }

    /// The offset of the first message of `queue` stored at or after `timestamp` (ms since the epoch).
    fn offset_for_timestamp<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
        timestamp: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.on_queue(py, &queue, move |consumer, queue| async move {
            consumer.offset_for_timestamp(&queue, timestamp).await
        })
    }

    /// Commits how far `poll` has consumed every assigned queue (in memory; sent with the periodic persist).
    fn commit_sync(&self, py: Python<'_>) -> PyResult<()> {
        self.run(py, LitePullConsumer::commit_sync)
    }

    /// Commits how far `poll` has consumed `queues`; with `persist`, sends the offsets at once.
    fn commit_queues<'py>(
        &self,
        py: Python<'py>,
        queues: Vec<PyRef<'py, PyMessageQueue>>,
        persist: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        let queues = self::queues(&queues);
        to_py(py, async move { consumer.commit_queues(&queues, persist).await })
    }

    /// Commits the given offsets (the next offset to consume of each queue); with `persist`, sends them at once.
    fn commit_offsets<'py>(
        &self,
        py: Python<'py>,
        offsets: Vec<(PyRef<'py, PyMessageQueue>, i64)>,
        persist: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer(py)?;
        let offsets: HashMap<MessageQueue, i64> = offsets
            .iter()
            .map(|(queue, offset)| (queue.0.clone(), *offset))
            .collect();
        to_py(py, async move { consumer.commit(offsets, persist).await })
    }

    /// The committed offset of `queue`, or `None`.
    fn committed<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.on_queue(py, &queue, |consumer, queue| async move {
            consumer.committed(&queue).await
        })
    }

    /// Stops pulling `queues`.
    fn pause(&self, py: Python<'_>, queues: Vec<PyRef<'_, PyMessageQueue>>) -> PyResult<()> {
        let queues = self::queues(&queues);
        self.run(py, |consumer| {
            consumer.pause(&queues);
            Ok(())
        })
    }

    /// Resumes pulling `queues`.
    fn resume(&self, py: Python<'_>, queues: Vec<PyRef<'_, PyMessageQueue>>) -> PyResult<()> {
        let queues = self::queues(&queues);
        self.run(py, |consumer| {
            consumer.resume(&queues);
            Ok(())
        })
    }

    /// Stops pulling, persists the committed offsets, unregisters and closes; idempotent. In a forked child it only
    /// forgets the parent's consumer.
    fn shutdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer.in_this_process().cloned();
        to_py(py, async move {
            if let Some(consumer) = consumer {
                consumer.shutdown().await;
            }
            Ok(())
        })
    }
}
