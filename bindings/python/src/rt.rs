//! The bridge between Rust futures and asyncio: [`to_py`] starts a future on Fulmen's fork-aware runtime
//! (`fulmen_ffi::runtime`) and returns an asyncio future for its result; every async native method uses it.
//!
//! Python objects are created, converted and dropped only on threads attached to the interpreter, never on a
//! runtime worker: a worker that dropped one would queue the decref under pyo3's global lock, and a `fork()`
//! landing while a worker holds that lock would leave it held forever in the child, whose first call into the
//! native module would then hang. Finished futures go to one settler thread per process, which attaches once per
//! batch and hands each event loop its results in one `call_soon_threadsafe`.

use std::sync::Mutex;

use fulmen_ffi::{panic, runtime};
use pyo3::IntoPyObjectExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyTuple};
use tokio::sync::{mpsc, oneshot};

use crate::errors;

/// At most this many results are settled per attach.
const BATCH: usize = 1024;

/// `asyncio.get_running_loop`, looked up once.
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// This process's settler: its process id and the way to it. Locked only by threads attached to the interpreter
/// (in [`to_py`]), so `fork()` (which runs attached) never finds it held by another thread.
static SETTLER: Mutex<Option<(u32, mpsc::UnboundedSender<Settled>)>> = Mutex::new(None);

/// Starts `future` on Fulmen's runtime now and returns an asyncio future for its result, on the running loop.
///
/// The future runs without the GIL and must not own Python objects. A Fulmen error becomes the matching
/// `fulmen.errors` exception and a panic becomes `fulmen.errors.InternalError`, both built off the runtime.
/// Cancelling the asyncio future drops the Rust future.
pub(crate) fn to_py<'py, T>(
    py: Python<'py>,
    future: impl Future<Output = fulmen_client::Result<T>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let get_running_loop = GET_RUNNING_LOOP.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
    })?;
    let event_loop = get_running_loop.bind(py).call0()?;
    let awaitable = event_loop.call_method0(intern!(py, "create_future"))?;
    let (cancel, cancelled) = oneshot::channel();
    awaitable.call_method1(
        intern!(py, "add_done_callback"),
        (CancelOnDone(Mutex::new(Some(cancel))),),
    )?;
    let settler = settler();
    let mut settled = Settled {
        event_loop: event_loop.unbind(),
        future: awaitable.clone().unbind(),
        outcome: None,
    };
    runtime::handle().spawn(async move {
        settled.outcome = tokio::select! {
            biased;
            // Cancelled (or the callback is gone, which only happens once nobody waits): drop the future.
            _ = cancelled => None,
            result = panic::guard(future) => Some(Box::new(move |py| convert(py, result))),
        };
        // Fails only when the settler is gone (interpreter shutdown): then nothing waits, and the objects leak.
        if let Err(mpsc::error::SendError(unsent)) = settler.send(settled) {
            std::mem::forget(unsent);
        }
    });
    Ok(awaitable)
}

/// The outcome as the Python value to set (`Ok`) or the exception to raise (`Err`).
fn convert<T>(py: Python<'_>, result: fulmen_client::Result<T>) -> Result<Py<PyAny>, Py<PyAny>>
where
    T: for<'a> IntoPyObject<'a>,
{
    result
        .map_err(|error| errors::to_py_err(py, &error))
        .and_then(|value| value.into_py_any(py))
        .map_err(|error| error.into_value(py).into_any())
}

type Conversion = Box<dyn FnOnce(Python<'_>) -> Result<Py<PyAny>, Py<PyAny>> + Send>;

/// A finished (or cancelled: no outcome) future on its way to the settler; dropped only while attached.
struct Settled {
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
    outcome: Option<Conversion>,
}

/// The sender to this process's settler thread, starting it first in a new (or forked) process.
fn settler() -> mpsc::UnboundedSender<Settled> {
    let pid = std::process::id();
    let mut current = SETTLER.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((owner, sender)) = current.as_ref()
        && *owner == pid
    {
        return sender.clone();
    }
    let (sender, receiver) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("fulmen-settle".into())
        .spawn(move || settle_forever(receiver))
        .unwrap_or_else(|error| panic!("cannot start Fulmen's settler thread: {error}"));
    if let Some(parent) = current.replace((pid, sender.clone())) {
        // The parent's settler thread does not exist in this process, and its queue may hold its objects.
        std::mem::forget(parent);
    }
    sender
}

/// The settler thread: takes finished futures in batches and settles each batch under one attach.
///
/// The thread keeps one Python thread state for its whole life (the outer attach) and only takes and releases the
/// GIL per batch. Attaching without a thread state creates and deletes one each time under the interpreter's head
/// lock, and a `fork()` landing while this thread held that lock left the child hung in CPython's after-fork
/// cleanup (`_PyThreadState_DeleteExcept`, CPython 3.11): about one fork in 3000 under load.
fn settle_forever(mut receiver: mpsc::UnboundedReceiver<Settled>) {
    let kept = Python::try_attach(|py| {
        py.detach(|| {
            let mut batch = Vec::with_capacity(BATCH);
            while receiver.blocking_recv_many(&mut batch, BATCH) > 0 {
                let attached = Python::try_attach(|py| settle(py, std::mem::take(&mut batch)));
                if attached.is_none() {
                    finalizing(batch);
                }
            }
        });
    });
    if kept.is_none() {
        finalizing(Vec::new());
    }
}

/// The interpreter is shutting down: nobody waits for these results any more, and nothing may be dropped or
/// attached without it (returning through the outer attach would re-take the GIL during finalization), so the
/// thread parks until the process exits.
fn finalizing(batch: Vec<Settled>) -> ! {
    std::mem::forget(batch);
    loop {
        std::thread::park();
    }
}

/// Converts each outcome and schedules, per event loop, one call that completes its futures.
fn settle(py: Python<'_>, batch: Vec<Settled>) {
    let mut per_loop: Vec<(Py<PyAny>, Vec<Bound<'_, PyTuple>>)> = Vec::new();
    for settled in batch {
        let Some(outcome) = settled.outcome else { continue };
        let (complete, value) = match outcome(py) {
            Ok(value) => (intern!(py, "set_result"), value),
            Err(exception) => (intern!(py, "set_exception"), exception),
        };
        let future = settled.future.bind(py);
        let Ok(complete) = future.getattr(complete) else {
            continue;
        };
        let Ok(item) = PyTuple::new(py, [future.clone(), complete, value.into_bound(py)]) else {
            continue;
        };
        match per_loop
            .iter_mut()
            .find(|(event_loop, _)| event_loop.is(&settled.event_loop))
        {
            Some((_, items)) => items.push(item),
            None => per_loop.push((settled.event_loop, vec![item])),
        }
    }
    for (event_loop, items) in per_loop {
        let scheduled = PyList::new(py, items).and_then(|items| {
            event_loop
                .bind(py)
                .call_method1(intern!(py, "call_soon_threadsafe"), (SetIfPending, items))
        });
        // Only fails when the loop is closed: nobody can be waiting for these results any more.
        drop(scheduled);
    }
}

/// Called on the loop's thread with `[(future, set_result or set_exception, value)]`: completes each future that
/// was not cancelled while its result travelled.
#[pyclass(module = "fulmen._native", frozen)]
struct SetIfPending;

#[pymethods]
impl SetIfPending {
    fn __call__(&self, items: &Bound<'_, PyList>) {
        let py = items.py();
        for item in items.iter() {
            let completed = item
                .extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>, Bound<'_, PyAny>)>()
                .and_then(|(future, complete, value)| {
                    if !future.call_method0(intern!(py, "done"))?.is_truthy()? {
                        complete.call1((value,))?;
                    }
                    Ok(())
                });
            // One future failing to complete must not keep the others of the batch waiting.
            if let Err(error) = completed {
                error.write_unraisable(py, Some(&item));
            }
        }
    }
}

/// The done-callback of the asyncio future: tells the Rust side when it was cancelled. (Called with the GIL on the
/// loop's thread only, so its lock is never held by another thread at `fork()`.)
#[pyclass(module = "fulmen._native", frozen)]
struct CancelOnDone(Mutex<Option<oneshot::Sender<()>>>);

#[pymethods]
impl CancelOnDone {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future
            .call_method0(intern!(future.py(), "cancelled"))?
            .is_truthy()?
        {
            let sender = self.0.lock().ok().and_then(|mut sender| sender.take());
            if let Some(sender) = sender {
                let _ = sender.send(());
            }
        }
        Ok(())
    }
}
