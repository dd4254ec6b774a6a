//! Keyword options of `fulmen.PullConsumer` / `fulmen.AsyncPullConsumer` into a [`LitePullConsumerConfig`]. Option
//! names are the config's field names; defaults and range checks stay in the Rust config.

use std::path::PathBuf;

use fulmen_client::{AllocateStrategy, ConsumeFromWhere, LitePullConsumerConfig, MessageModel};
use indexmap::IndexMap;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::options::{self, Options};

/// A lite pull consumer's config: the client options plus every field of [`LitePullConsumerConfig`] (durations in
/// seconds or `timedelta`; `message_model`, `allocate_strategy` and `consume_from_where` by their Java names).
pub(crate) fn lite_pull(
    namesrv: String,
    group: String,
    options: &mut Options<'_>,
) -> PyResult<LitePullConsumerConfig> {
    let mut config = LitePullConsumerConfig::new(String::new(), group);
    config.client = options::client(namesrv, options)?;
    if let Some(model) = options.take::<String>("message_model")? {
        config.message_model = message_model(&model)?;
    }
    if let Some(name) = options.take::<String>("allocate_strategy")? {
        config.allocate_strategy = AllocateStrategy::from_name(&name.to_ascii_uppercase()).ok_or_else(|| {
            PyValueError::new_err(format!(
                "allocate_strategy must be \"AVG\", \"AVG_BY_CIRCLE\" or \"CONSISTENT_HASH\", not {name:?}"
            ))
        })?;
    }
    if let Some(from) = options.take::<String>("consume_from_where")? {
        config.consume_from_where = consume_from_where(&from)?;
    }
    if let Some(timestamp) = options.take("consume_timestamp")? {
        config.consume_timestamp = timestamp;
    }
    if let Some(auto) = options.take("auto_commit")? {
        config.auto_commit = auto;
    }
    if let Some(interval) = options.take_duration("auto_commit_interval")? {
        config.auto_commit_interval = interval;
    }
    if let Some(nums) = options.take("pull_thread_nums")? {
        config.pull_thread_nums = nums;
    }
    if let Some(size) = options.take("pull_batch_size")? {
        config.pull_batch_size = size;
    }
    if let Some(threshold) = options.take("pull_threshold_for_all")? {
        config.pull_threshold_for_all = threshold;
    }
    if let Some(span) = options.take("consume_max_span")? {
        config.consume_max_span = span;
    }
    if let Some(threshold) = options.take("pull_threshold_for_queue")? {
        config.pull_threshold_for_queue = threshold;
    }
    if let Some(mib) = options.take("pull_threshold_size_for_queue")? {
        config.pull_threshold_size_for_queue = mib;
    }
    if let Some(timeout) = options.take_duration("poll_timeout")? {
        config.poll_timeout = timeout;
    }
    if let Some(timeout) = options.take_duration("consumer_timeout_when_suspend")? {
        config.consumer_timeout_when_suspend = timeout;
    }
    if let Some(delay) = options.take_duration("pull_delay_on_exception")? {
        config.pull_delay_on_exception = delay;
    }
    if let Some(interval) = options.take_duration("topic_metadata_check_interval")? {
        config.topic_metadata_check_interval = interval;
    }
    if let Some(interval) = options.take_duration("persist_offset_interval")? {
        config.persist_offset_interval = interval;
    }
    if let Some(interval) = options.take_duration("rebalance_interval")? {
        config.rebalance_interval = interval;
    }
    if let Some(interval) = options.take_duration("rebalance_min_interval")? {
        config.rebalance_min_interval = interval;
    }
    if let Some(expressions) = options.take::<IndexMap<String, String>>("assign_expressions")? {
        config.assign_expressions = expressions;
    }
    if let Some(dir) = options.take::<PathBuf>("local_offset_store_dir")? {
        config.local_offset_store_dir = dir;
    }
    if let Some(bytes) = options.take("max_message_size")? {
        config.max_message_size = bytes;
    }
    Ok(config)
}

/// `"CLUSTERING"` or `"BROADCASTING"` (any case).
fn message_model(name: &str) -> PyResult<MessageModel> {
    match name.to_ascii_uppercase().as_str() {
        "CLUSTERING" => Ok(MessageModel::Clustering),
        "BROADCASTING" => Ok(MessageModel::Broadcasting),
        _ => Err(PyValueError::new_err(format!(
            "message_model must be \"CLUSTERING\" or \"BROADCASTING\", not {name:?}"
        ))),
    }
}

/// A Java `ConsumeFromWhere` name (`CONSUME_FROM_LAST_OFFSET`...) or its short form (`LAST_OFFSET`...), any case;
/// which values a consumer accepts is its config's check.
fn consume_from_where(name: &str) -> PyResult<ConsumeFromWhere> {
    let upper = name.to_ascii_uppercase();
    let full = if upper.starts_with("CONSUME_FROM_") {
        upper
    } else {
        format!("CONSUME_FROM_{upper}")
    };
    match ConsumeFromWhere::from_name(&full) {
        ConsumeFromWhere::Other(_) => Err(PyValueError::new_err(format!(
            "consume_from_where must be \"CONSUME_FROM_LAST_OFFSET\", \"CONSUME_FROM_FIRST_OFFSET\" or \
             \"CONSUME_FROM_TIMESTAMP\", not {name:?}"
        ))),
        known => Ok(known),
    }
}
