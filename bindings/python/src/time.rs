//! Time values between Rust and Python: Unix milliseconds as timezone-aware UTC `datetime`s, and durations given as
//! seconds (`float`) or `timedelta`.

use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDelta, PyTzInfo};

/// A UTC-aware `datetime` for `millis` since the Unix epoch.
pub(crate) fn datetime_from_millis(py: Python<'_>, millis: i64) -> PyResult<Bound<'_, PyDateTime>> {
    let utc = PyTzInfo::utc(py)?;
    // Milliseconds fit a double exactly for any plausible date.
    #[allow(clippy::cast_precision_loss)]
    let seconds = millis as f64 / 1000.0;
    PyDateTime::from_timestamp(py, seconds, Some(&utc))
}

/// Milliseconds since the Unix epoch for a `datetime` (a naive one is taken as local time, like `timestamp()`).
pub(crate) fn millis_from_datetime(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    if !value.is_instance_of::<PyDateTime>() {
        return Err(PyTypeError::new_err("expected a datetime.datetime"));
    }
    let seconds: f64 = value.call_method0("timestamp")?.extract()?;
    let millis = (seconds * 1000.0).round();
    if !millis.is_finite() || millis.abs() > 9.0e15 {
        return Err(PyValueError::new_err("datetime out of range"));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(millis as i64)
}

/// A duration from seconds (`int`/`float`, not negative) or a `timedelta`.
pub(crate) fn duration(value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let seconds: f64 = if value.is_instance_of::<PyDelta>() {
        value.call_method0("total_seconds")?.extract()?
    } else {
        value
            .extract()
            .map_err(|_| PyTypeError::new_err("expected seconds (a number) or a datetime.timedelta"))?
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        PyValueError::new_err(format!(
            "a duration must be finite and not negative, got {seconds}"
        ))
    })
}

/// Milliseconds of a duration given as seconds or `timedelta` (for message delays).
pub(crate) fn duration_millis(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    i64::try_from(duration(value)?.as_millis()).map_err(|_| PyValueError::new_err("duration too long"))
}
