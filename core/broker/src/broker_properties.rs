//! The broker's configuration as Java properties, the body of GET_BROKER_CONFIG (26): Java 5.3.3 answers every
//! field of `BrokerConfig`, `NettyServerConfig`, `NettyClientConfig` and `MessageStoreConfig` with a value
//! (`MixAll.object2Properties`), sorted by key (`properties2String(…, true)`). Fulmen answers the fields it has or
//! whose Java default describes what it does, under Java's key names; fields of features it does not implement
//! (HA, POP, thread pools) are left out rather than reported falsely.

use std::time::Duration;

use fulmen_store::FlushMode;

use crate::state::BrokerState;

/// Java's `Duration`-free settings are milliseconds.
fn millis(duration: Duration) -> String {
    duration.as_millis().to_string()
}

/// The `key=value` entries, sorted by key.
pub(crate) fn broker_properties(state: &BrokerState) -> Vec<(&'static str, String)> {
    let config = &state.config;
    let store = &config.store;
    let live = &state.live;
    let ip = state.advertised_addr.ip().to_string();
    let flush_interval = match store.flush_mode {
        FlushMode::Async { interval } => interval,
        // Java keeps its default interval under SYNC_FLUSH (the field is unused then).
        FlushMode::Sync => Duration::from_millis(500),
    };
    let flush_disk_type = match store.flush_mode {
        FlushMode::Async { .. } => "ASYNC_FLUSH",
        FlushMode::Sync => "SYNC_FLUSH",
    };
    let processors = std::thread::available_parallelism().map_or(1, |count| count.get());
    let mut entries = vec![
        // BrokerIdentity / BrokerConfig
        ("brokerClusterName", config.cluster_name.clone()),
        ("brokerName", config.broker_name.clone()),
        ("brokerId", config.broker_id.to_string()),
        ("brokerIP1", ip.clone()),
        ("brokerIP2", ip),
        ("listenPort", state.advertised_addr.port().to_string()),
        ("brokerPermission", live.broker_permission().to_string()),
        (
            "defaultTopicQueueNums",
            config.default_topic_queue_nums.to_string(),
        ),
        (
            "autoCreateTopicEnable",
            live.auto_create_topic_enable().to_string(),
        ),
        ("clusterTopicEnable", "true".into()),
        ("brokerTopicEnable", "true".into()),
        (
            "autoCreateSubscriptionGroup",
            live.auto_create_subscription_group().to_string(),
        ),
        ("enableCreateSysGroup", "true".into()),
        ("msgTraceTopicName", crate::topic_validator::TRACE_TOPIC.into()),
        ("traceTopicEnable", "false".into()),
        (
            "flushConsumerOffsetInterval",
            millis(config.offset_persist_interval),
        ),
        ("longPollingEnable", live.long_polling_enable().to_string()),
        ("shortPollingTimeMills", millis(live.short_polling_time())),
        ("notifyConsumerIdsChangedEnable", "true".into()),
        ("regionId", live.region_id()),
        ("traceOn", live.trace_on().to_string()),
        ("registerBrokerTimeoutMills", millis(config.register_timeout)),
        ("registerNameServerPeriod", millis(config.register_period)),
        ("channelExpiredTimeout", millis(config.client_expiry)),
        ("slaveReadEnable", "false".into()),
        ("enablePropertyFilter", "false".into()),
        ("litePullMessageEnable", "true".into()),
        ("validateSystemTopicWhenUpdateTopic", "true".into()),
        ("enableMixedMessageType", "false".into()),
        ("filterServerNums", "0".into()),
        ("configBlackList", crate::processor::CONFIG_BLACK_LIST.join(";")),
        // NettyClientConfig
        ("clientCallbackExecutorThreads", processors.to_string()),
        // MessageStoreConfig
        ("storePathRootDir", store.root_dir.display().to_string()),
        ("mappedFileSizeCommitLog", store.commit_log_file_size.to_string()),
        (
            "mappedFileSizeConsumeQueue",
            (store.consume_queue_entries_per_file * 20).to_string(),
        ),
        ("flushDiskType", flush_disk_type.into()),
        ("flushIntervalCommitLog", millis(flush_interval)),
        (
            "flushIntervalConsumeQueue",
            millis(store.consume_queue_flush_interval),
        ),
        ("maxMessageSize", store.max_message_size.to_string()),
        (
            "maxTransferBytesOnMessageInMemory",
            store.max_transfer_bytes.to_string(),
        ),
        (
            "maxTransferCountOnMessageInMemory",
            store.max_transfer_count.to_string(),
        ),
        ("checkCRCOnRecover", store.check_crc_on_recover.to_string()),
        ("brokerRole", "ASYNC_MASTER".into()),
        ("messageDelayLevel", config.message_delay_level.clone()),
        (
            "flushDelayOffsetInterval",
            millis(config.flush_delay_offset_interval),
        ),
        ("timerWheelEnable", config.timer_wheel_enable.to_string()),
        ("timerMaxDelaySec", config.timer_max_delay_sec.to_string()),
        ("timerPrecisionMs", config.timer_precision_ms.to_string()),
        ("timerFlushIntervalMs", millis(config.timer_flush_interval)),
    ];
    entries.extend(config.transaction.java_properties());
    entries.extend(crate::config_properties::retention::properties(
        &state.store.retention_config(),
    ));
    if !config.namesrv_addrs.is_empty() {
        // Java leaves out a null namesrvAddr.
        entries.push(("namesrvAddr", config.namesrv_addrs.join(";")));
    }
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}
