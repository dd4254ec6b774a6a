//! The bridge between Rust futures and asyncio: pyo3-async-runtimes' generic runtime traits implemented over
//! `fulmen_ffi::runtime` (fork-aware), and [`to_py`], which every async native method uses to return an awaitable.

use std::pin::Pin;

use fulmen_ffi::{panic, runtime};
use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt, JoinError, Runtime};
use tokio::sync::OnceCell;

use crate::errors;

/// Fulmen's runtime as pyo3-async-runtimes sees it.
pub(crate) struct FulmenRuntime;

/// A failed tokio task, as pyo3-async-runtimes wants it.
pub(crate) struct TaskFailure(tokio::task::JoinError);

impl JoinError for TaskFailure {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0.into_panic()
    }
}

type Joined = Pin<Box<dyn Future<Output = Result<(), TaskFailure>> + Send>>;

impl Runtime for FulmenRuntime {
    type JoinError = TaskFailure;
    type JoinHandle = Joined;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = runtime::handle().spawn(fut);
        Box::pin(async move { task.await.map_err(TaskFailure) })
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        let task = runtime::handle().spawn_blocking(f);
        Box::pin(async move { task.await.map_err(TaskFailure) })
    }
}

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl ContextExt for FulmenRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new_with(Some(locals));
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|cell| cell.get().cloned())
            .unwrap_or_default()
    }
}

/// Starts `future` on Fulmen's runtime now and returns an asyncio awaitable for its result, on the running loop.
///
/// The future runs without the GIL. A Fulmen error becomes the matching `fulmen.errors` exception (built on a
/// blocking thread, never on a runtime worker) and a panic becomes `fulmen.errors.InternalError`. Cancelling the
/// awaitable drops the future.
pub(crate) fn to_py<'py, T>(
    py: Python<'py>,
    future: impl Future<Output = fulmen_client::Result<T>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    generic::future_into_py::<FulmenRuntime, _, T>(py, async move {
        match panic::guard(future).await {
            Ok(value) => Ok(value),
            Err(error) => Err(errors::to_py_err_off_runtime(error).await),
        }
    })
}
