//! The broker.conf keys of retention (Java's `MessageStoreConfig`: `fileReservedTime`, `deleteWhen`, the disk
//! ratios, `cleanResourceInterval`, `deleteFileBatchMax`, `cleanFileForciblyEnable`, the deletion pauses), read
//! into [`fulmen_store::RetentionConfig`], at start and by UPDATE_BROKER_CONFIG. Three keys are Fulmen's own, for
//! tests: `fileReservedTimeMillis` (the reserved time in milliseconds instead of Java's hours),
//! `cleanResourceInitialDelay` (milliseconds before the first clean pass; Java always waits 60 s) and
//! `simulatedDiskUsedRatio` (a fraction 0.0..=1.0 the clean service takes as the disk usage instead of asking
//! `statvfs`, so that a test neither depends on how full the machine's disk is nor needs to fill it).

use std::sync::Arc;
use std::time::Duration;

use fulmen_store::{MessageStore, RetentionConfig, SimulatedDiskUsage};

use super::{boolean, millis, parse, text};

type Setter = fn(&mut RetentionConfig, &str) -> std::result::Result<(), String>;

/// The retention keys, with how each is applied.
const SETTERS: &[(&str, Setter)] = &[
    ("fileReservedTime", |r, v| {
        parse::<u64>(v).map(|hours| r.file_reserved_time = Duration::from_secs(hours.saturating_mul(3600)))
    }),
    ("fileReservedTimeMillis", |r, v| {
        millis(v).map(|x| r.file_reserved_time = x)
    }),
    ("deleteWhen", |r, v| text(v).map(|x| r.delete_when = x)),
    ("diskMaxUsedSpaceRatio", |r, v| {
        parse(v).map(|x| r.disk_max_used_space_ratio = x)
    }),
    ("diskSpaceWarningLevelRatio", |r, v| {
        parse(v).map(|x| r.disk_space_warning_level_ratio = x)
    }),
    ("diskSpaceCleanForciblyRatio", |r, v| {
        parse(v).map(|x| r.disk_space_clean_forcibly_ratio = x)
    }),
    ("cleanFileForciblyEnable", |r, v| {
        boolean(v).map(|x| r.clean_file_forcibly_enable = x)
    }),
    ("cleanResourceInterval", |r, v| {
        millis(v).map(|x| r.clean_resource_interval = x)
    }),
    ("cleanResourceInitialDelay", |r, v| {
        millis(v).map(|x| r.clean_initial_delay = x)
    }),
    ("deleteCommitLogFilesInterval", |r, v| {
        millis(v).map(|x| r.delete_commit_log_files_interval = x)
    }),
    ("deleteConsumeQueueFilesInterval", |r, v| {
        millis(v).map(|x| r.delete_consume_queue_files_interval = x)
    }),
    ("deleteFileBatchMax", |r, v| {
        parse(v).map(|x| r.delete_file_batch_max = x)
    }),
    ("simulatedDiskUsedRatio", |r, v| {
        let ratio: f64 = parse(v)?;
        if !(0.0..=1.0).contains(&ratio) {
            return Err("expected a fraction from 0.0 to 1.0".into());
        }
        r.disk_usage = Arc::new(SimulatedDiskUsage::new(ratio));
        Ok(())
    }),
];

/// Applies `key` to `retention` if it is a retention key (`None` otherwise); an error names why the value does
/// not parse.
pub(crate) fn set(
    retention: &mut RetentionConfig,
    key: &str,
    value: &str,
) -> Option<std::result::Result<(), String>> {
    SETTERS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, set)| set(retention, value.trim()))
}

/// UPDATE_BROKER_CONFIG: applies the retention keys among `entries` to the store's settings, which its next
/// clean pass uses (Java updates `MessageStoreConfig` in place). A value that does not parse leaves its setting
/// unchanged, as Java's `properties2Object` does. Returns the retention keys found.
pub(crate) fn update_store(store: &MessageStore, entries: &[(String, String)]) -> Vec<String> {
    let mut retention = store.retention_config();
    let mut found = Vec::new();
    for (key, value) in entries {
        match set(&mut retention, key, value) {
            Some(Ok(())) => found.push(key.clone()),
            Some(Err(reason)) => {
                tracing::warn!(key, value, reason, "update broker config: value ignored");
                found.push(key.clone());
            }
            None => {}
        }
    }
    if !found.is_empty() {
        store.set_retention_config(retention);
    }
    found
}

/// The retention settings as GET_BROKER_CONFIG reports them, under Java's keys (`fileReservedTime` in whole
/// hours, intervals in milliseconds).
pub(crate) fn properties(retention: &RetentionConfig) -> Vec<(&'static str, String)> {
    let millis = |duration: Duration| duration.as_millis().to_string();
    vec![
        (
            "fileReservedTime",
            (retention.file_reserved_time.as_secs() / 3600).to_string(),
        ),
        ("deleteWhen", retention.delete_when.clone()),
        (
            "diskMaxUsedSpaceRatio",
            retention.disk_max_used_space_ratio.to_string(),
        ),
        (
            "diskSpaceWarningLevelRatio",
            retention.disk_space_warning_level_ratio.to_string(),
        ),
        (
            "diskSpaceCleanForciblyRatio",
            retention.disk_space_clean_forcibly_ratio.to_string(),
        ),
        (
            "cleanFileForciblyEnable",
            retention.clean_file_forcibly_enable.to_string(),
        ),
        ("cleanResourceInterval", millis(retention.clean_resource_interval)),
        (
            "deleteCommitLogFilesInterval",
            millis(retention.delete_commit_log_files_interval),
        ),
        (
            "deleteConsumeQueueFilesInterval",
            millis(retention.delete_consume_queue_files_interval),
        ),
        ("deleteFileBatchMax", retention.delete_file_batch_max.to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BrokerConfig;

    #[test]
    fn reads_the_retention_keys() {
        let mut config = BrokerConfig::new("/tmp/default");
        let entries = [
            ("fileReservedTime", "48"),
            ("deleteWhen", "01;13"),
            ("diskMaxUsedSpaceRatio", "70"),
            ("diskSpaceWarningLevelRatio", "88"),
            ("diskSpaceCleanForciblyRatio", "80"),
            ("cleanFileForciblyEnable", "false"),
            ("cleanResourceInterval", "2000"),
            ("deleteFileBatchMax", "3"),
            ("deleteCommitLogFilesInterval", "0"),
            ("deleteConsumeQueueFilesInterval", "5"),
        ];
        let applied = config.apply_properties(entries).unwrap();
        assert!(applied.ignored.is_empty(), "{applied:?}");
        let retention = &config.store.retention;
        assert_eq!(retention.file_reserved_time.as_secs(), 48 * 3600);
        assert_eq!(retention.delete_when, "01;13");
        assert_eq!(
            (
                retention.disk_max_used_space_ratio,
                retention.disk_space_warning_level_ratio,
                retention.disk_space_clean_forcibly_ratio
            ),
            (70, 88, 80)
        );
        assert!(!retention.clean_file_forcibly_enable);
        assert_eq!(retention.clean_resource_interval.as_millis(), 2000);
        assert_eq!(retention.delete_file_batch_max, 3);
        assert!(retention.delete_commit_log_files_interval.is_zero());
        assert_eq!(retention.delete_consume_queue_files_interval.as_millis(), 5);
        assert_eq!(
            retention.clean_initial_delay.as_secs(),
            60,
            "Java's initial delay by default"
        );

        let fulmen = [
            ("fileReservedTimeMillis", "1500"),
            ("cleanResourceInitialDelay", "100"),
            ("simulatedDiskUsedRatio", "0.95"),
        ];
        config.apply_properties(fulmen).unwrap();
        assert_eq!(config.store.retention.file_reserved_time.as_millis(), 1500);
        assert_eq!(config.store.retention.clean_initial_delay.as_millis(), 100);
        let disk = &config.store.retention.disk_usage;
        assert_eq!(disk.used_ratio(std::path::Path::new("/")), Some(0.95));
        assert!(
            config
                .apply_properties([("simulatedDiskUsedRatio", "95")])
                .is_err()
        );
        let error = config
            .apply_properties([("deleteFileBatchMax", "many")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("deleteFileBatchMax=many"), "{error}");
        assert_eq!(set(&mut config.store.retention, "brokerName", "x"), None);
    }
}
