//! Python-style `repr` pieces for the value classes: quoted strings, lists and dicts as Python prints them, and
//! bodies cut short.

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// How much of a body a `repr` shows.
const BODY_BYTES: usize = 48;

/// Python's `repr` of `value` converted to a Python object (`'text'`, `['a', 'b']`, `{'k': 'v'}`).
pub(crate) fn of<'py>(py: Python<'py>, value: impl IntoPyObject<'py>) -> String {
    value
        .into_bound_py_any(py)
        .and_then(|object| object.repr())
        .map_or_else(|_| "?".to_owned(), |repr| repr.to_string())
}

/// `b'...'` for the first bytes of `body`, with the full length when it is cut.
pub(crate) fn body(py: Python<'_>, body: &[u8]) -> String {
    let shown = &body[..body.len().min(BODY_BYTES)];
    let text = of(py, PyBytes::new(py, shown));
    if shown.len() < body.len() {
        format!("{text}... ({} bytes)", body.len())
    } else {
        text
    }
}
