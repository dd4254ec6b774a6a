//! Fulmen errors as Python exceptions: the classes live in `fulmen/errors.py` (so that they can subclass builtins
//! such as `TimeoutError`); this file finds the class for an error's stable code and fills `code`,
//! `response_code` and `broker`.

use fulmen_client::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// `fulmen.errors._BY_CODE`, looked up once.
static BY_CODE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// The Python exception for `error`.
pub(crate) fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    build(py, error).unwrap_or_else(|failure| failure)
}

/// Extension for results of the client: `.py()?` in synchronous native methods.
pub(crate) trait IntoPyResult<T> {
    /// Converts a Fulmen error into its Python exception.
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for fulmen_client::Result<T> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|error| to_py_err(py, &error))
    }
}

fn build(py: Python<'_>, error: &Error) -> Result<PyErr, PyErr> {
    let by_code = BY_CODE.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let module = py.import("fulmen.errors")?;
        Ok(module.getattr("_BY_CODE")?.cast_into::<PyDict>()?.unbind())
    })?;
    let class = match by_code.bind(py).get_item(error.code())? {
        Some(class) => class,
        None => py.import("fulmen.errors")?.getattr("FulmenError")?,
    };
    let exception = class.call1((error.to_string(),))?;
    exception.setattr("code", error.code())?;
    exception.setattr("response_code", error.response_code())?;
    exception.setattr("broker", error.broker())?;
    Ok(PyErr::from_value(exception))
}

/// Every error code the native module can raise (`fulmen.errors` must have a class for each).
#[pyfunction]
pub(crate) fn error_codes() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|kind| kind.code()).collect()
}

/// Raises the exception of the error kind `code` with `message` (for tests of the error mapping).
#[pyfunction]
pub(crate) fn _raise_error(
    py: Python<'_>,
    code: &str,
    message: &str,
    response_code: Option<i32>,
) -> PyResult<()> {
    let kind = ErrorKind::ALL
        .iter()
        .copied()
        .find(|kind| kind.code() == code)
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("unknown error code {code}")))?;
    let mut error = Error::new(kind, message);
    if let Some(response_code) = response_code {
        error = error.with_response_code(response_code);
    }
    Err(to_py_err(py, &error))
}
