//! `RetentionConfig`: when the store deletes old commitlog files, with Apache's defaults (Java's
//! `MessageStoreConfig`: `fileReservedTime`, `deleteWhen`, the disk ratios, `cleanResourceInterval`,
//! `deleteFileBatchMax`, `cleanFileForciblyEnable`), and the `deleteWhen` hour check (`UtilAll.isItTimeToDo`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::disk_usage::{DiskUsage, StatvfsDiskUsage};

/// How long, how often and how much the clean service deletes (design note §7).
#[derive(Clone)]
pub struct RetentionConfig {
    /// How long a commitlog file is kept after its last write (`fileReservedTime`, 72 hours; Java's key is in
    /// hours, Fulmen's `Duration` lets tests use milliseconds).
    pub file_reserved_time: Duration,
    /// The local hours of the day at which expired files are deleted, `;`-separated (`deleteWhen`, `"04"`): a
    /// pass deletes during the whole matching hour.
    pub delete_when: String,
    /// Above this disk usage (percent) expired files are deleted at any hour (`diskMaxUsedSpaceRatio`, 75).
    pub disk_max_used_space_ratio: u32,
    /// Above this usage (percent, clamped to 35..=90) the disk counts as full: puts fail with
    /// `SERVICE_NOT_AVAILABLE`, and files are deleted whatever their age (`diskSpaceWarningLevelRatio`, 90).
    pub disk_space_warning_level_ratio: u32,
    /// Above this usage (percent, clamped to 30..=85) files are deleted whatever their age
    /// (`diskSpaceCleanForciblyRatio`, 85).
    pub disk_space_clean_forcibly_ratio: u32,
    /// Whether a disk over the force or warning ratio deletes files before they expire
    /// (`cleanFileForciblyEnable`, true).
    pub clean_file_forcibly_enable: bool,
    /// How often the clean service runs (`cleanResourceInterval`, 10 s).
    pub clean_resource_interval: Duration,
    /// How long after open the clean service first runs (Java's fixed 60 s; Fulmen makes it configurable).
    pub clean_initial_delay: Duration,
    /// The pause between two commitlog file deletions (`deleteCommitLogFilesInterval`, 100 ms).
    pub delete_commit_log_files_interval: Duration,
    /// The pause after deleting files of one consume queue (`deleteConsumeQueueFilesInterval`, 100 ms).
    pub delete_consume_queue_files_interval: Duration,
    /// The most commitlog files one pass deletes (`deleteFileBatchMax`, 10).
    pub delete_file_batch_max: usize,
    /// Where the disk usage comes from: `statvfs` of the store directories; tests inject a simulated one.
    pub disk_usage: Arc<dyn DiskUsage>,
}

impl fmt::Debug for RetentionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetentionConfig")
            .field("file_reserved_time", &self.file_reserved_time)
            .field("delete_when", &self.delete_when)
            .field("disk_max_used_space_ratio", &self.disk_max_used_space_ratio)
            .field(
                "disk_space_warning_level_ratio",
                &self.disk_space_warning_level_ratio,
            )
            .field(
                "disk_space_clean_forcibly_ratio",
                &self.disk_space_clean_forcibly_ratio,
            )
            .field("clean_file_forcibly_enable", &self.clean_file_forcibly_enable)
            .field("clean_resource_interval", &self.clean_resource_interval)
            .field("clean_initial_delay", &self.clean_initial_delay)
            .field("delete_file_batch_max", &self.delete_file_batch_max)
            .finish_non_exhaustive()
    }
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            file_reserved_time: Duration::from_secs(72 * 3600),
            delete_when: "04".to_owned(),
            disk_max_used_space_ratio: 75,
            disk_space_warning_level_ratio: 90,
            disk_space_clean_forcibly_ratio: 85,
            clean_file_forcibly_enable: true,
            clean_resource_interval: Duration::from_secs(10),
            clean_initial_delay: Duration::from_secs(60),
            delete_commit_log_files_interval: Duration::from_millis(100),
            delete_consume_queue_files_interval: Duration::from_millis(100),
            delete_file_batch_max: 10,
            disk_usage: Arc::new(StatvfsDiskUsage),
        }
    }
}

impl RetentionConfig {
    /// The warning ratio as a fraction, clamped to 0.35..=0.90 like Java's `getDiskSpaceWarningLevelRatio`.
    pub fn warning_ratio(&self) -> f64 {
        (f64::from(self.disk_space_warning_level_ratio) / 100.0).clamp(0.35, 0.90)
    }

    /// The force ratio as a fraction, clamped to 0.30..=0.85 like Java's `getDiskSpaceCleanForciblyRatio`.
    pub fn force_ratio(&self) -> f64 {
        (f64::from(self.disk_space_clean_forcibly_ratio) / 100.0).clamp(0.30, 0.85)
    }

    /// The max used ratio as a fraction (`diskMaxUsedSpaceRatio` / 100).
    pub fn max_used_ratio(&self) -> f64 {
        f64::from(self.disk_max_used_space_ratio) / 100.0
    }

    /// Whether `hour` (0..=23) is one of the `deleteWhen` hours. Like Java, each `;`-separated item is compared
    /// as a number with the hour, so `"4"` and `"04"` both match 4; items that are not numbers never match.
    pub fn is_delete_hour(&self, hour: u8) -> bool {
        self.delete_when
            .split(';')
            .filter_map(|item| item.trim().parse::<u8>().ok())
            .any(|item| item == hour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_apaches() {
        let config = RetentionConfig::default();
        assert_eq!(config.file_reserved_time, Duration::from_secs(72 * 3600));
        assert_eq!(config.delete_when, "04");
        assert_eq!(
            (
                config.disk_max_used_space_ratio,
                config.disk_space_warning_level_ratio
            ),
            (75, 90)
        );
        assert_eq!(config.disk_space_clean_forcibly_ratio, 85);
        assert_eq!(config.clean_resource_interval, Duration::from_secs(10));
        assert_eq!(config.delete_file_batch_max, 10);
        assert!(config.clean_file_forcibly_enable);
    }

    #[test]
    fn ratios_are_clamped_like_java() {
        let config = RetentionConfig {
            disk_space_warning_level_ratio: 99,
            disk_space_clean_forcibly_ratio: 10,
            ..RetentionConfig::default()
        };
        assert_eq!(config.warning_ratio(), 0.90);
        assert_eq!(config.force_ratio(), 0.30);
    }

    #[test]
    fn delete_when_lists_hours() {
        let config = RetentionConfig {
            delete_when: "04;4;13; 23;x".into(),
            ..RetentionConfig::default()
        };
        assert!(config.is_delete_hour(4));
        assert!(config.is_delete_hour(13));
        assert!(config.is_delete_hour(23));
        assert!(!config.is_delete_hour(5));
        assert!(!RetentionConfig::default().is_delete_hour(3));
    }
}
