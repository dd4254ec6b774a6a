//! The native half of the log bridge (`fulmen/_logbridge.py`): installs `fulmen_ffi::log` as the process's tracing
//! subscriber and hands its queued records to the Python drain thread, waiting without the GIL.

use std::time::Duration;

use fulmen_ffi::log::{self, LogRecord};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use tracing::Level;

/// `(level number, target, message, fields, created (Unix seconds), thread name)`, as `logging` wants them.
type RecordTuple = (u8, String, String, Vec<(String, String)>, f64, String);

/// Python `logging` level numbers; TRACE is 5.
fn level_number(level: Level) -> u8 {
    match level {
        Level::TRACE => 5,
        Level::DEBUG => 10,
        Level::INFO => 20,
        Level::WARN => 30,
        Level::ERROR => 40,
    }
}

fn record_tuple(record: LogRecord) -> RecordTuple {
    // Milliseconds fit a double exactly for any plausible date.
    #[allow(clippy::cast_precision_loss)]
    let created = record.timestamp_ms as f64 / 1000.0;
    (
        level_number(record.level),
        record.target,
        record.message,
        record.fields,
        created,
        record.thread,
    )
}

/// Installs the bridge as the global tracing subscriber with `filter` (`RUST_LOG` syntax; `None`: the `FULMEN_LOG`
/// variable, else `"warn"`). Returns False when a subscriber was already installed.
#[pyfunction]
#[pyo3(signature = (filter=None))]
pub(crate) fn _log_install(filter: Option<&str>) -> PyResult<bool> {
    log::install(filter).map_err(PyValueError::new_err)
}

/// Up to `max` records and the number dropped since the last call, waiting (without the GIL) at most `timeout`
/// seconds for the first record.
#[pyfunction]
pub(crate) fn _log_drain(py: Python<'_>, max: usize, timeout: f64) -> PyResult<(Vec<RecordTuple>, u64)> {
    let timeout = Duration::try_from_secs_f64(timeout)
        .map_err(|_| PyValueError::new_err("timeout must be finite and not negative"))?;
    let records = py.detach(|| log::drain(max, timeout));
    Ok((
        records.into_iter().map(record_tuple).collect(),
        log::take_dropped(),
    ))
}

/// Makes every waiting and later `_log_drain` return without waiting (interpreter shutdown).
#[pyfunction]
pub(crate) fn _log_stop_waiting(py: Python<'_>) {
    py.detach(log::stop_waiting);
}

/// Makes the `_log_drain` calls waiting now return at once.
#[pyfunction]
pub(crate) fn _log_wake(py: Python<'_>) {
    py.detach(log::wake);
}
