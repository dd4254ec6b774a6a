//! The broker.conf keys of retention (Java's `MessageStoreConfig`: `fileReservedTime`, `deleteWhen`, the disk
//! ratios, `cleanResourceInterval`, `deleteFileBatchMax`, `cleanFileForciblyEnable`, the deletion pauses), read
//! into [`fulmen_store::RetentionConfig`]. Two keys are Fulmen's own, for tests that cannot wait hours:
//! `fileReservedTimeMillis` (the reserved time in milliseconds instead of Java's hours) and
//! `cleanResourceInitialDelay` (milliseconds before the first clean pass; Java always waits 60 s).

use std::time::Duration;

use super::{Setter, boolean, millis, parse, text};

/// The retention keys, with how each is applied.
pub(super) const SETTERS: &[(&str, Setter)] = &[
    ("fileReservedTime", |c, v| {
        parse::<u64>(v).map(|hours| c.store.retention.file_reserved_time = Duration::from_secs(hours * 3600))
    }),
    ("fileReservedTimeMillis", |c, v| {
        millis(v).map(|x| c.store.retention.file_reserved_time = x)
    }),
    ("deleteWhen", |c, v| {
        text(v).map(|x| c.store.retention.delete_when = x)
    }),
    ("diskMaxUsedSpaceRatio", |c, v| {
        parse(v).map(|x| c.store.retention.disk_max_used_space_ratio = x)
    }),
    ("diskSpaceWarningLevelRatio", |c, v| {
        parse(v).map(|x| c.store.retention.disk_space_warning_level_ratio = x)
    }),
    ("diskSpaceCleanForciblyRatio", |c, v| {
        parse(v).map(|x| c.store.retention.disk_space_clean_forcibly_ratio = x)
    }),
    ("cleanFileForciblyEnable", |c, v| {
        boolean(v).map(|x| c.store.retention.clean_file_forcibly_enable = x)
    }),
    ("cleanResourceInterval", |c, v| {
        millis(v).map(|x| c.store.retention.clean_resource_interval = x)
    }),
    ("cleanResourceInitialDelay", |c, v| {
        millis(v).map(|x| c.store.retention.clean_initial_delay = x)
    }),
    ("deleteCommitLogFilesInterval", |c, v| {
        millis(v).map(|x| c.store.retention.delete_commit_log_files_interval = x)
    }),
    ("deleteConsumeQueueFilesInterval", |c, v| {
        millis(v).map(|x| c.store.retention.delete_consume_queue_files_interval = x)
    }),
    ("deleteFileBatchMax", |c, v| {
        parse(v).map(|x| c.store.retention.delete_file_batch_max = x)
    }),
];

#[cfg(test)]
mod tests {
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
        ];
        config.apply_properties(fulmen).unwrap();
        assert_eq!(config.store.retention.file_reserved_time.as_millis(), 1500);
        assert_eq!(config.store.retention.clean_initial_delay.as_millis(), 100);
        let error = config
            .apply_properties([("deleteFileBatchMax", "many")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("deleteFileBatchMax=many"), "{error}");
    }
}
