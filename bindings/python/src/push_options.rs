//! A push consumer's keyword options into [`PushConsumerConfig`]: the client options plus the consumer's own, named
//! as the Rust fields. Defaults and range checks stay in [`PushConsumerConfig`].

use fulmen_client::{AllocateStrategy, ConsumeFromWhere, MessageModel, PushConsumerConfig};
use indexmap::IndexMap;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::options::{self, Options};

/// The config of a push consumer of `group` subscribing `subscriptions` (topic → tag expression).
///
/// Options: `message_model` (`"CLUSTERING"` / `"BROADCASTING"`), `consume_from_where`
/// (`"CONSUME_FROM_LAST_OFFSET"` / `"CONSUME_FROM_FIRST_OFFSET"` / `"CONSUME_FROM_TIMESTAMP"`), `consume_timestamp`
/// (`yyyyMMddHHmmss`), `allocate_strategy` (`"AVG"` / `"AVG_BY_CIRCLE"` / `"CONSISTENT_HASH"`), the counts and
/// limits `consume_thread_min`, `consume_thread_max`, `consume_concurrently_max_span`, `pull_threshold_for_queue`,
/// `pull_threshold_size_for_queue`, `pull_threshold_for_topic`, `pull_threshold_size_for_topic`,
/// `consume_message_batch_max_size`, `pull_batch_size`, `pull_batch_size_in_bytes`, `max_reconsume_times`,
/// `max_message_size`, the durations `pull_interval`, `suspend_current_queue_time`, `consume_timeout`,
/// `await_termination_when_shutdown`, `pull_delay_on_exception`, `persist_offset_interval`, `rebalance_interval`,
/// `rebalance_min_interval`, `lock_interval`, `unlock_delay`, `max_time_consume_continuously`,
/// `reset_offset_pause`, and `local_offset_store_dir`; plus [`options::client`]'s.
pub(crate) fn push_consumer(
    namesrv: String,
    group: String,
    subscriptions: IndexMap<String, String>,
    options: &mut Options<'_>,
) -> PyResult<PushConsumerConfig> {
    let mut config = PushConsumerConfig::new(String::new(), group);
    config.client = options::client(namesrv, options)?;
    config.subscriptions = subscriptions;
    if let Some(model) = options.take::<String>("message_model")? {
        config.message_model = match model.to_ascii_uppercase().as_str() {
            "CLUSTERING" => MessageModel::Clustering,
            "BROADCASTING" => MessageModel::Broadcasting,
            _ => return Err(bad("message_model", &model, "\"CLUSTERING\" or \"BROADCASTING\"")),
        };
    }
    if let Some(start) = options.take::<String>("consume_from_where")? {
        config.consume_from_where = match ConsumeFromWhere::from_name(&start.to_ascii_uppercase()) {
            ConsumeFromWhere::Other(_) => {
                return Err(bad(
                    "consume_from_where",
                    &start,
                    "a ConsumeFromWhere name such as \"CONSUME_FROM_FIRST_OFFSET\"",
                ));
            }
            known => known,
        };
    }
    if let Some(timestamp) = options.take("consume_timestamp")? {
        config.consume_timestamp = timestamp;
    }
    if let Some(name) = options.take::<String>("allocate_strategy")? {
        config.allocate_strategy =
            AllocateStrategy::from_name(&name.to_ascii_uppercase()).ok_or_else(|| {
                bad(
                    "allocate_strategy",
                    &name,
                    "\"AVG\", \"AVG_BY_CIRCLE\" or \"CONSISTENT_HASH\"",
                )
            })?;
    }
    counts(&mut config, options)?;
    durations(&mut config, options)?;
    if let Some(dir) = options.take::<std::path::PathBuf>("local_offset_store_dir")? {
        config.local_offset_store_dir = dir;
    }
    Ok(config)
}

fn counts(config: &mut PushConsumerConfig, options: &mut Options<'_>) -> PyResult<()> {
    macro_rules! take {
        ($($field:ident),+) => {
            $(if let Some(value) = options.take(stringify!($field))? {
                config.$field = value;
            })+
        };
    }
    take!(
        consume_thread_min,
        consume_thread_max,
        consume_concurrently_max_span,
        pull_threshold_for_queue,
        pull_threshold_size_for_queue,
        pull_threshold_for_topic,
        pull_threshold_size_for_topic,
        consume_message_batch_max_size,
        pull_batch_size,
        pull_batch_size_in_bytes,
        max_reconsume_times,
        max_message_size
    );
    Ok(())
}

fn durations(config: &mut PushConsumerConfig, options: &mut Options<'_>) -> PyResult<()> {
    macro_rules! take {
        ($($field:ident),+) => {
            $(if let Some(value) = options.take_duration(stringify!($field))? {
                config.$field = value;
            })+
        };
    }
    take!(
        pull_interval,
        suspend_current_queue_time,
        consume_timeout,
        await_termination_when_shutdown,
        pull_delay_on_exception,
        persist_offset_interval,
        rebalance_interval,
        rebalance_min_interval,
        lock_interval,
        unlock_delay,
        max_time_consume_continuously,
        reset_offset_pause
    );
    Ok(())
}

fn bad(option: &str, value: &str, expected: &str) -> PyErr {
    PyValueError::new_err(format!("{option} must be {expected}, not {value:?}"))
}
