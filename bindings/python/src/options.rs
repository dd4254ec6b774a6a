//! Keyword options from Python into the client's config structs. The Python classes pass only the options the
//! user gave; defaults and validation stay in the Rust config types. An option this file does not know is an error,
//! not silently ignored.

use std::time::Duration;

use fulmen_client::{ClientConfig, ProducerConfig, SerializeType};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::time;

/// The options of one constructor call, consumed key by key.
pub(crate) struct Options<'py> {
    given: Option<Bound<'py, PyDict>>,
    what: &'static str,
}

impl<'py> Options<'py> {
    /// Options for `what` (named in errors), from a dict the Python class built.
    pub(crate) fn new(what: &'static str, given: Option<Bound<'py, PyDict>>) -> Self {
        Options { given, what }
    }

    /// Removes and converts the option `name`, if given and not `None`.
    pub(crate) fn take<T>(&mut self, name: &str) -> PyResult<Option<T>>
    where
        T: for<'a> FromPyObject<'a, 'py>,
    {
        match self.take_raw(name)? {
            Some(value) => value.extract::<T>().map(Some).map_err(|_| {
                PyTypeError::new_err(format!("{}: option {name} has the wrong type", self.what))
            }),
            None => Ok(None),
        }
    }

    /// Removes the option `name` as a duration (seconds or `timedelta`), if given.
    pub(crate) fn take_duration(&mut self, name: &str) -> PyResult<Option<Duration>> {
        self.take_raw(name)?
            .map(|value| time::duration(&value))
            .transpose()
    }

    /// Removes the option `name` unconverted, if given and not `None`.
    pub(crate) fn take_raw(&mut self, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(given) = &self.given else {
            return Ok(None);
        };
        let value = given.get_item(name)?;
        if value.is_some() {
            given.del_item(name)?;
        }
        Ok(value.filter(|value| !value.is_none()))
    }

    /// Fails on any option left over: a misspelt or unsupported option.
    pub(crate) fn finish(self) -> PyResult<()> {
        let Some(given) = self.given else { return Ok(()) };
        let left: Vec<String> = given.keys().iter().map(|key| key.to_string()).collect();
        if left.is_empty() {
            Ok(())
        } else {
            Err(PyTypeError::new_err(format!(
                "{}: unknown option(s): {}",
                self.what,
                left.join(", ")
            )))
        }
    }
}

/// The shared client options: `instance_name`, `unit_name`, `rpc_timeout`, `route_poll_interval`,
/// `heartbeat_interval`, `serialize_type` (`"JSON"` or `"ROCKETMQ"`).
pub(crate) fn client(namesrv: String, options: &mut Options<'_>) -> PyResult<ClientConfig> {
    let mut config = ClientConfig::new(namesrv);
    if let Some(name) = options.take("instance_name")? {
        config.instance_name = name;
    }
    config.unit_name = options.take("unit_name")?;
    if let Some(timeout) = options.take_duration("rpc_timeout")? {
        config.rpc_timeout = timeout;
    }
    if let Some(interval) = options.take_duration("route_poll_interval")? {
        config.route_poll_interval = interval;
    }
    if let Some(interval) = options.take_duration("heartbeat_interval")? {
        config.heartbeat_interval = interval;
    }
    if let Some(kind) = options.take::<String>("serialize_type")? {
        config.serialize_type = match kind.to_ascii_uppercase().as_str() {
            "JSON" => SerializeType::Json,
            "ROCKETMQ" => SerializeType::RocketMq,
            other => {
                return Err(PyValueError::new_err(format!(
                    "serialize_type must be \"JSON\" or \"ROCKETMQ\", not {other:?}"
                )));
            }
        };
    }
    Ok(config)
}

/// A producer's config: the client options plus `send_timeout`, `retry_times`, `retry_times_async`,
/// `compress_over`, `compress_level`, `max_message_size`, `send_latency_fault_enable`,
/// `retry_another_broker_when_not_store_ok`, `default_topic_queue_nums`, `create_topic_key`.
pub(crate) fn producer(
    namesrv: String,
    group: String,
    options: &mut Options<'_>,
) -> PyResult<ProducerConfig> {
    let mut config = ProducerConfig::new(String::new(), group);
    config.client = client(namesrv, options)?;
    if let Some(timeout) = options.take_duration("send_timeout")? {
        config.send_timeout = timeout;
    }
    if let Some(times) = options.take("retry_times")? {
        config.retry_times = times;
    }
    if let Some(times) = options.take("retry_times_async")? {
        config.retry_times_async = times;
    }
    if let Some(bytes) = options.take("compress_over")? {
        config.compress_over = bytes;
    }
    if let Some(level) = options.take("compress_level")? {
        config.compress_level = level;
    }
    if let Some(bytes) = options.take("max_message_size")? {
        config.max_message_size = bytes;
    }
    if let Some(enabled) = options.take("send_latency_fault_enable")? {
        config.send_latency_fault_enable = enabled;
    }
    if let Some(retry) = options.take("retry_another_broker_when_not_store_ok")? {
        config.retry_another_broker_when_not_store_ok = retry;
    }
    if let Some(nums) = options.take("default_topic_queue_nums")? {
        config.default_topic_queue_nums = nums;
    }
    if let Some(key) = options.take("create_topic_key")? {
        config.create_topic_key = key;
    }
    Ok(config)
}
