//! `fulmen._native`: the compiled half of the `fulmen` Python package. It holds the value classes and thin native
//! handles over the Rust client; the public API (asyncio classes, sync twins, errors, testing helpers) is written in
//! Python in `python/src/fulmen/` on top of it.

mod admin;
mod body;
mod cluster;
mod errors;
mod log;
mod message;
mod options;
mod producer;
mod pull_consumer;
mod pull_options;
mod push_consumer;
mod push_options;
mod repr;
mod rt;
mod send_result;
mod time;
mod transaction;
mod view;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<message::PyMessage>()?;
    module.add_class::<view::PyMessageView>()?;
    module.add_class::<send_result::PySendResult>()?;
    module.add_class::<send_result::PySendStatus>()?;
    module.add_class::<send_result::PyMessageQueue>()?;
    module.add_class::<producer::NativeProducer>()?;
    module.add_class::<cluster::NativeLocalCluster>()?;
    module.add_class::<pull_consumer::NativePullConsumer>()?;
    module.add_class::<transaction::NativeTransactionProducer>()?;
    module.add_class::<transaction::NativeTransactionCall>()?;
    module.add_class::<admin::NativeAdmin>()?;
    module.add_function(wrap_pyfunction!(log::_log_install, module)?)?;
    module.add_function(wrap_pyfunction!(log::_log_drain, module)?)?;
    module.add_function(wrap_pyfunction!(log::_log_stop_waiting, module)?)?;
    module.add_function(wrap_pyfunction!(log::_log_wake, module)?)?;
    module.add_class::<push_consumer::NativePushConsumer>()?;
    module.add_class::<push_consumer::Delivery>()?;
    module.add_function(wrap_pyfunction!(errors::error_codes, module)?)?;
    module.add_function(wrap_pyfunction!(errors::_raise_error, module)?)?;
    Ok(())
}
