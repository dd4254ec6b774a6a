//! The bridge between Rust futures and asyncio: [`to_py`] starts a future on Fulmen's fork-aware runtime
//! (`fulmen_ffi::runtime`) and returns an asyncio future for its result; every async native method uses it.
//!
//! Python objects are created, converted and dropped only on threads attached to the interpreter (the caller's, and
//! a blocking thread that settles the result), never on a runtime worker. A worker that dropped one would queue the
//! decref under pyo3's global lock, and a `fork()` landing while a worker holds that lock would leave it held
//! forever in the child, whose first call into the native module would then hang.

use std::sync::Mutex;

use fulmen_ffi::{panic, runtime};
use pyo3::IntoPyObjectExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::sync::oneshot;

use crate::errors;

/// `asyncio.get_running_loop`, looked up once.
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Starts `future` on Fulmen's runtime now and returns an asyncio future for its result, on the running loop.
///
/// The future runs without the GIL and must not own Python objects. A Fulmen error becomes the matching
/// `fulmen.errors` exception and a panic becomes `fulmen.errors.InternalError`, both built on a blocking thread.
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
    let pending = Pending {
        event_loop: event_loop.unbind(),
        future: awaitable.clone().unbind(),
    };
    let runtime = runtime::handle();
    let settler = runtime.clone();
    runtime.spawn(async move {
        let outcome = tokio::select! {
            biased;
            // Cancelled (or the callback is gone, which only happens once nobody waits): drop the future.
            _ = cancelled => None,
            result = panic::guard(future) => Some(result),
        };
        settler.spawn_blocking(move || Python::attach(|py| pending.settle(py, outcome)));
    });
    Ok(awaitable)
}

/// The asyncio future a Rust future resolves, and its loop; dropped only while attached (see the module comment).
struct Pending {
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
}

impl Pending {
    /// Hands the outcome to the loop's thread, which sets it unless the future was cancelled meanwhile; a
    /// cancelled run (`None`) only releases the references, here, attached.
    fn settle<T>(self, py: Python<'_>, outcome: Option<fulmen_client::Result<T>>)
    where
        T: for<'a> IntoPyObject<'a>,
    {
        let Some(result) = outcome else { return };
        let (complete, value) = match result
            .map_err(|error| errors::to_py_err(py, &error))
            .and_then(|value| value.into_py_any(py))
        {
            Ok(value) => (intern!(py, "set_result"), value),
            Err(error) => (intern!(py, "set_exception"), error.into_value(py).into_any()),
        };
        let future = self.future.bind(py);
        let scheduled = future.getattr(complete).and_then(|complete| {
            self.event_loop.bind(py).call_method1(
                intern!(py, "call_soon_threadsafe"),
                (SetIfPending, future, complete, value),
            )
        });
        // Only fails when the loop is closed: nobody can be waiting for the result any more.
        drop(scheduled);
    }
}

/// Called on the loop's thread: completes the future unless it was cancelled while the result travelled.
#[pyclass(module = "fulmen._native", frozen)]
struct SetIfPending;

#[pymethods]
impl SetIfPending {
    fn __call__(
        &self,
        future: &Bound<'_, PyAny>,
        complete: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        if !future.call_method0(intern!(future.py(), "done"))?.is_truthy()? {
            complete.call1((value,))?;
        }
        Ok(())
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
