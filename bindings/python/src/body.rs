//! Message bodies from Python: `bytes`, `bytearray`, `memoryview` or anything else with the buffer protocol. A `str`
//! is refused, since its encoding is the caller's choice.

use bytes::Bytes;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The bytes of a body argument, copied once.
pub(crate) fn extract(value: &Bound<'_, PyAny>) -> PyResult<Bytes> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Bytes::copy_from_slice(bytes.as_bytes()));
    }
    if value.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "a message body must be bytes, not str: encode it first, e.g. text.encode()",
        ));
    }
    let converted = value
        .py()
        .get_type::<PyBytes>()
        .call1((value,))
        .map_err(|_| PyTypeError::new_err("a message body must be bytes, bytearray or memoryview"))?;
    let bytes = converted.cast::<PyBytes>()?;
    Ok(Bytes::copy_from_slice(bytes.as_bytes()))
}
