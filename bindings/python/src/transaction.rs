//! `NativeTransactionProducer`: the transactional producer under `fulmen.AsyncTransactionProducer` /
//! `fulmen.TransactionProducer`.
//!
//! The core's [`TransactionListener`] is implemented over `fulmen_ffi::dispatch`: each `execute` or `check` becomes
//! a [`NativeTransactionCall`] that the Python side takes with `next_calls` on its event loop, runs its listener
//! for, and answers with `reply`. Python code never runs on a runtime worker; a call dropped unanswered (or
//! answered `None`) counts as UNKNOW, so the broker checks back later.
//!
//! The `arg` of a send never enters Rust: the Python side keeps it under a number and passes the number, which
//! comes back in the `execute` call. No Python object is ever owned (or dropped) by a runtime worker.

use std::sync::{Arc, Mutex};

use fulmen_client::{
    LocalTransactionState, Message, MessageView, TransactionArg, TransactionFuture, TransactionListener,
    TransactionProducer, TransactionProducerConfig,
};
use fulmen_ffi::ForkBound;
use fulmen_ffi::dispatch::{self, Call, Calls, Dispatcher};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPyResult;
use crate::message::PyMessage;
use crate::options::{self, Options};
use crate::rt::to_py;
use crate::send_result::PySendResult;
use crate::view::PyMessageView;

/// Calls waiting for Python beyond this make the Rust side wait for room.
const CALL_CAPACITY: usize = 1024;

/// What the core asks the Python listener.
#[derive(Debug)]
enum Request {
    /// Run the local transaction of a half message just stored.
    Execute { message: Message, arg: u64 },
    /// Tell the state of a half message the broker checks back on.
    Check { message: MessageView },
}

type TxCall = Call<Request, LocalTransactionState>;

/// The number the Python side keeps a send's `arg` under, carried through the core as its `arg`.
struct ArgToken(u64);

/// The core's listener: hands every call to Python through the dispatcher.
struct DispatchListener {
    dispatcher: Dispatcher<Request, LocalTransactionState>,
}

impl DispatchListener {
    fn ask(&self, request: Request) -> TransactionFuture {
        let dispatcher = self.dispatcher.clone();
        Box::pin(async move {
            dispatcher
                .call(request)
                .await
                .unwrap_or(LocalTransactionState::Unknown)
        })
    }
}

impl TransactionListener for DispatchListener {
    fn execute(&self, message: &Message, arg: &TransactionArg) -> TransactionFuture {
        let Some(ArgToken(arg)) = arg.downcast_ref::<ArgToken>() else {
            return Box::pin(async { LocalTransactionState::Unknown });
        };
        self.ask(Request::Execute {
            message: message.clone(),
            arg: *arg,
        })
    }

    fn check(&self, message: &MessageView) -> TransactionFuture {
        self.ask(Request::Check {
            message: message.clone(),
        })
    }
}

/// A started producer and the calls its listener makes.
#[derive(Clone)]
struct Started {
    producer: TransactionProducer,
    calls: Arc<Calls<Request, LocalTransactionState>>,
}

/// A started transactional producer.
#[pyclass(module = "fulmen._native", name = "NativeTransactionProducer", frozen)]
pub(crate) struct NativeTransactionProducer {
    started: ForkBound<Started>,
}

impl std::fmt::Debug for NativeTransactionProducer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeTransactionProducer")
            .finish_non_exhaustive()
    }
}

impl NativeTransactionProducer {
    fn started(&self, py: Python<'_>) -> PyResult<Started> {
        self.started.get().cloned().py(py)
    }
}

#[pymethods]
impl NativeTransactionProducer {
    /// Starts a transactional producer of `group`; resolves to the `NativeTransactionProducer`. Its listener's
    /// calls wait in `next_calls` until the Python side answers them. Options: the producer's, plus
    /// `check_queue_capacity` and `check_concurrency`.
    #[staticmethod]
    #[pyo3(signature = (namesrv, group, options=None))]
    fn start<'py>(
        py: Python<'py>,
        namesrv: String,
        group: String,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = Options::new("TransactionProducer", options);
        let mut config = TransactionProducerConfig::from(options::producer(namesrv, group, &mut options)?);
        if let Some(capacity) = options.take("check_queue_capacity")? {
            config.check_queue_capacity = capacity;
        }
        if let Some(concurrency) = options.take("check_concurrency")? {
            config.check_concurrency = concurrency;
        }
        options.finish()?;
        to_py(py, async move {
            let (dispatcher, calls) = dispatch::channel(CALL_CAPACITY);
            let producer = TransactionProducer::start(config, DispatchListener { dispatcher }).await?;
            Ok(NativeTransactionProducer {
                started: ForkBound::new(Started {
                    producer,
                    calls: Arc::new(calls),
                }),
            })
        })
    }

    #[getter]
    fn client_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.started(py)?.producer.producer().client_id().to_owned())
    }

    #[getter]
    fn group(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.started(py)?.producer.producer().config().group.clone())
    }

    /// Sends the half message, lets the listener's `execute` (a call from `next_calls`, whose `arg` is `arg`: the
    /// number the caller keeps its object under) run the local transaction, and ends the transaction; resolves to
    /// `(SendResult, state name)`.
    fn send_in_transaction<'py>(
        &self,
        py: Python<'py>,
        message: PyRef<'py, PyMessage>,
        arg: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.started(py)?.producer;
        let message = message.0.clone();
        let arg = ArgToken(arg);
        to_py(py, async move {
            let result = producer.send_in_transaction(message, arg).await?;
            Ok((
                PySendResult(result.send_result),
                result.local_transaction_state.name(),
            ))
        })
    }

    /// Waits for the listener's next calls (up to `max`); resolves to an empty list once the producer shut down.
    fn next_calls<'py>(&self, py: Python<'py>, max: usize) -> PyResult<Bound<'py, PyAny>> {
        let calls = self.started(py)?.calls;
        to_py(py, async move {
            let batch = calls.next_batch(max).await;
            Ok(batch
                .into_iter()
                .map(|call| NativeTransactionCall {
                    call: Mutex::new(Some(call)),
                })
                .collect::<Vec<_>>())
        })
    }

    /// Stops answering checks, shuts the producer down and ends `next_calls`; idempotent. In a forked child it only
    /// forgets the parent's producer.
    fn shutdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let started = self.started.in_this_process().cloned();
        to_py(py, async move {
            if let Some(started) = started {
                started.producer.shutdown().await;
                started.calls.close().await;
            }
            Ok(())
        })
    }
}

/// One question of the core to the Python listener, answered once with `reply`.
#[pyclass(module = "fulmen._native", name = "NativeTransactionCall", frozen)]
pub(crate) struct NativeTransactionCall {
    call: Mutex<Option<TxCall>>,
}

impl NativeTransactionCall {
    fn with_request<T>(&self, read: impl FnOnce(&Request) -> T) -> PyResult<T> {
        let call = self
            .call
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match call.as_ref() {
            Some(call) => Ok(read(&call.request)),
            None => Err(PyValueError::new_err("the transaction call was already answered")),
        }
    }
}

#[pymethods]
impl NativeTransactionCall {
    /// `"execute"` (run a local transaction) or `"check"` (the broker asks for a state).
    #[getter]
    fn kind(&self) -> PyResult<&'static str> {
        self.with_request(|request| match request {
            Request::Execute { .. } => "execute",
            Request::Check { .. } => "check",
        })
    }

    /// The `Message` to execute for, or the `MessageView` the broker checks.
    #[getter]
    fn message(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        // copied out under the lock, turned into Python objects after it
        enum Copied {
            Message(Box<PyMessage>),
            View(Box<PyMessageView>),
        }
        let copied = self.with_request(|request| match request {
            Request::Execute { message, .. } => Copied::Message(Box::new(PyMessage(message.clone()))),
            Request::Check { message } => Copied::View(Box::new(PyMessageView(message.clone()))),
        })?;
        match copied {
            Copied::Message(message) => Ok(Py::new(py, *message)?.into_any()),
            Copied::View(view) => Ok(Py::new(py, *view)?.into_any()),
        }
    }

    /// The `arg` number given to `send_in_transaction` (`None` for a check).
    #[getter]
    fn arg(&self) -> PyResult<Option<u64>> {
        self.with_request(|request| match request {
            Request::Execute { arg, .. } => Some(*arg),
            Request::Check { .. } => None,
        })
    }

    /// Answers with a state name (`"COMMIT_MESSAGE"`, `"ROLLBACK_MESSAGE"`, `"UNKNOW"`) or `None` (unknown);
    /// `False` when the core stopped waiting. A second answer is an error.
    #[pyo3(signature = (state=None))]
    fn reply(&self, state: Option<&str>) -> PyResult<bool> {
        let state = match state {
            None => LocalTransactionState::Unknown,
            Some("COMMIT_MESSAGE") => LocalTransactionState::CommitMessage,
            Some("ROLLBACK_MESSAGE") => LocalTransactionState::RollbackMessage,
            Some("UNKNOW") => LocalTransactionState::Unknown,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "not a transaction state: {other:?}"
                )));
            }
        };
        let call = self
            .call
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match call {
            Some(call) => Ok(call.reply(state)),
            None => Err(PyValueError::new_err("the transaction call was already answered")),
        }
    }
}
