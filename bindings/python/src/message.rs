//! `Message`: what a producer sends, a mutable Python object over the client's `Message`.

use fulmen_client::{DeliveryTime, Message};
use indexmap::IndexMap;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::{body, repr, time};

/// A message to send: a topic, a bytes body, and optional tags, keys, properties, delay and sharding key.
#[pyclass(module = "fulmen._native", name = "Message")]
#[derive(Debug, Clone)]
pub(crate) struct PyMessage(pub(crate) Message);

#[pymethods]
impl PyMessage {
    #[new]
    #[pyo3(signature = (topic, body, *, tags=None, keys=None, properties=None, delay_level=None, delay=None,
        deliver_at=None, sharding_key=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        topic: String,
        body: &Bound<'_, PyAny>,
        tags: Option<String>,
        keys: Option<&Bound<'_, PyAny>>,
        properties: Option<IndexMap<String, String>>,
        delay_level: Option<i32>,
        delay: Option<&Bound<'_, PyAny>>,
        deliver_at: Option<&Bound<'_, PyAny>>,
        sharding_key: Option<String>,
    ) -> PyResult<Self> {
        let mut message = PyMessage(Message::new(topic, body::extract(body)?));
        message.0.tags = tags;
        message.set_keys(keys)?;
        message.0.properties = properties.unwrap_or_default();
        message.0.delay_level = delay_level;
        if delay.is_some() && deliver_at.is_some() {
            return Err(PyTypeError::new_err("give either delay or deliver_at, not both"));
        }
        message.set_delay(delay)?;
        if deliver_at.is_some() {
            message.set_deliver_at(deliver_at)?;
        }
        message.0.sharding_key = sharding_key;
        Ok(message)
    }

    #[getter]
    fn topic(&self) -> &str {
        &self.0.topic
    }

    #[setter]
    fn set_topic(&mut self, topic: String) {
        self.0.topic = topic;
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.body)
    }

    #[setter]
    fn set_body(&mut self, body: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.body = body::extract(body)?;
        Ok(())
    }

    #[getter]
    fn tags(&self) -> Option<&str> {
        self.0.tags.as_deref()
    }

    #[setter]
    fn set_tags(&mut self, tags: Option<String>) {
        self.0.tags = tags;
    }

    /// The keys the broker indexes for query by key.
    #[getter]
    fn keys(&self) -> Vec<String> {
        self.0.keys.clone()
    }

    #[setter]
    fn set_keys(&mut self, keys: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.0.keys = match keys {
            None => Vec::new(),
            Some(one) if one.is_instance_of::<PyString>() => vec![one.extract()?],
            Some(many) => many
                .extract()
                .map_err(|_| PyTypeError::new_err("keys must be a str or a sequence of str"))?,
        };
        Ok(())
    }

    /// User properties (a copy: assign a new dict to change them).
    #[getter]
    fn properties(&self) -> IndexMap<String, String> {
        self.0.properties.clone()
    }

    #[setter]
    fn set_properties(&mut self, properties: Option<IndexMap<String, String>>) {
        self.0.properties = properties.unwrap_or_default();
    }

    /// Apache's delay level (1 = 1 s ... 18 = 2 h with the default table).
    #[getter]
    fn delay_level(&self) -> Option<i32> {
        self.0.delay_level
    }

    #[setter]
    fn set_delay_level(&mut self, level: Option<i32>) {
        self.0.delay_level = level;
    }

    /// A delay after which the message is delivered (timer messages, in ms), as a `timedelta`.
    #[getter]
    fn delay(&self) -> Option<std::time::Duration> {
        match self.0.delivery_time? {
            DeliveryTime::DelayMs(ms) => u64::try_from(ms).ok().map(std::time::Duration::from_millis),
            DeliveryTime::DelaySec(s) => u64::try_from(s).ok().map(std::time::Duration::from_secs),
            DeliveryTime::DeliverAtMs(_) => None,
        }
    }

    #[setter]
    fn set_delay(&mut self, delay: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.0.delivery_time = delay
            .map(time::duration_millis)
            .transpose()?
            .map(DeliveryTime::DelayMs);
        Ok(())
    }

    /// The time at which the message is delivered (timer messages), as a UTC `datetime`.
    #[getter]
    fn deliver_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.0.delivery_time {
            Some(DeliveryTime::DeliverAtMs(ms)) => Ok(Some(time::datetime_from_millis(py, ms)?.into_any())),
            _ => Ok(None),
        }
    }

    #[setter]
    fn set_deliver_at(&mut self, deliver_at: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.0.delivery_time = deliver_at
            .map(time::millis_from_datetime)
            .transpose()?
            .map(DeliveryTime::DeliverAtMs);
        Ok(())
    }

    /// The key that picks the queue in `send(..., sharding_key)` style ordered sends.
    #[getter]
    fn sharding_key(&self) -> Option<&str> {
        self.0.sharding_key.as_deref()
    }

    #[setter]
    fn set_sharding_key(&mut self, key: Option<String>) {
        self.0.sharding_key = key;
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut text = format!(
            "Message(topic={}, body={}",
            repr::of(py, &self.0.topic),
            repr::body(py, &self.0.body)
        );
        if let Some(tags) = &self.0.tags {
            text.push_str(&format!(", tags={}", repr::of(py, tags)));
        }
        if !self.0.keys.is_empty() {
            text.push_str(&format!(", keys={}", repr::of(py, &self.0.keys)));
        }
        if !self.0.properties.is_empty() {
            text.push_str(&format!(", properties={}", repr::of(py, &self.0.properties)));
        }
        if let Some(level) = self.0.delay_level {
            text.push_str(&format!(", delay_level={level}"));
        }
        if let Some(key) = &self.0.sharding_key {
            text.push_str(&format!(", sharding_key={}", repr::of(py, key)));
        }
        text.push(')');
        text
    }
}
