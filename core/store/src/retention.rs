//! One retention pass (design note §7): Java's `CleanCommitLogService` (when to delete, the disk-full flag,
//! which commitlog files go) followed by `CleanConsumeQueueService` (consume-queue and index files that only
//! point below the new commitlog minimum). The thread that runs passes lives in `clean_service.rs`.
//!
//! A pass deletes commitlog files if the hour is one of `deleteWhen`, the disk is over a ratio, or a manual
//! delete was asked for (the next 20 passes, admin DELETE_EXPIRED_COMMITLOG). Deletion goes from the oldest
//! file, never the active one, at most `deleteFileBatchMax` files, and stops at the first file written less
//! than `fileReservedTime` ago, unless the disk is over the force or warning ratio (and
//! `cleanFileForciblyEnable`): then files go whatever their age. Over the warning ratio the disk is marked full
//! and puts fail with `SERVICE_NOT_AVAILABLE` until a pass finds it below again. Java quirk kept: between
//! `diskMaxUsedSpaceRatio` (75 %) and the force ratio (85 %) only expired files go, at any hour.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use crate::commit_log::CommitLog;
use crate::consume_queue_table::ConsumeQueueTable;
use crate::error::Result;
use crate::index_service::IndexService;
use crate::retention_config::RetentionConfig;

/// How many passes a manual delete request covers (Java's `MAX_MANUAL_DELETE_FILE_TIMES`).
const MANUAL_DELETE_PASSES: u32 = 20;

/// What a pass works on.
pub(crate) struct CleanScope<'a> {
    pub(crate) config: &'a RetentionConfig,
    pub(crate) commit_log: &'a CommitLog,
    pub(crate) queues: &'a ConsumeQueueTable,
    pub(crate) index: &'a IndexService,
    pub(crate) consume_queue_dir: &'a Path,
}

/// The clock a pass reads: now in ms since the epoch, and the local hour of day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CleanClock {
    pub(crate) now_millis: i64,
    pub(crate) hour: u8,
}

/// What a pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanReport {
    /// Commitlog files deleted.
    pub commit_log_files: usize,
    /// Consume-queue files deleted (all queues).
    pub consume_queue_files: usize,
    /// Index files deleted.
    pub index_files: usize,
}

/// The state retention keeps between passes.
#[derive(Debug, Default)]
pub(crate) struct Retention {
    manual_passes: AtomicU32,
    disk_full: AtomicBool,
    /// The commitlog min offset the consume queues last followed (Java's `lastPhysicalMinOffset`).
    last_physical_min: AtomicU64,
    /// One pass at a time (the clean thread and a caller of `clean_now`).
    pass: Mutex<()>,
}

/// The outcome of the disk check (Java's `isSpaceToDelete` and its `cleanImmediately`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SpaceCheck {
    delete: bool,
    clean_immediately: bool,
}

impl Retention {
    /// Makes the next 20 passes delete expired files whatever the hour (Java's `executeDeleteFilesManually`).
    pub(crate) fn request_manual_delete(&self) {
        self.manual_passes.store(MANUAL_DELETE_PASSES, Ordering::Release);
        tracing::info!("a manual delete of expired commitlog files was requested");
    }

    /// Whether the last pass found the disk over the warning ratio (Java's `DISK_FULL` running flag).
    pub(crate) fn is_disk_full(&self) -> bool {
        self.disk_full.load(Ordering::Acquire)
    }

    /// Runs one pass: the commitlog, then the consume queues and index files that follow it.
    pub(crate) fn run_pass(&self, scope: &CleanScope<'_>, clock: CleanClock) -> Result<CleanReport> {
        let _pass = self.pass.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut report = CleanReport {
            commit_log_files: self.clean_commit_log(scope, clock)?,
            ..CleanReport::default()
        };
        let (queue_files, index_files) = self.follow_commit_log(scope)?;
        report.consume_queue_files = queue_files;
        report.index_files = index_files;
        Ok(report)
    }

    fn clean_commit_log(&self, scope: &CleanScope<'_>, clock: CleanClock) -> Result<usize> {
        let config = scope.config;
        let time_up = config.is_delete_hour(clock.hour);
        let space = self.check_space(scope);
        let manual = self
            .manual_passes
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| left.checked_sub(1))
            .is_ok();
        if !(time_up || space.delete || manual) {
            return Ok(0);
        }
        let clean_at_once = config.clean_file_forcibly_enable && space.clean_immediately;
        let reserved = i64::try_from(config.file_reserved_time.as_millis()).unwrap_or(i64::MAX);
        tracing::debug!(
            time_up,
            space_to_delete = space.delete,
            manual,
            clean_at_once,
            "deleting expired commitlog files"
        );
        let deleted = scope.commit_log.files().delete_expired_files(
            config.delete_file_batch_max,
            config.delete_commit_log_files_interval,
            |file| {
                clean_at_once
                    || file
                        .last_modified_millis()
                        .is_some_and(|modified| clock.now_millis >= modified.saturating_add(reserved))
            },
        )?;
        if deleted == 0 && space.delete {
            tracing::warn!("the disk will be full soon, but no commitlog file could be deleted");
        }
        Ok(deleted)
    }

    /// Java's `isSpaceToDelete`; an unreadable usage counts as Java's -1 (not over the warning and force
    /// ratios, but "delete by time").
    fn check_space(&self, scope: &CleanScope<'_>) -> SpaceCheck {
        let config = scope.config;
        let usage = &config.disk_usage;
        let physic = usage.used_ratio(scope.commit_log.files().dir());
        if let Some(check) = self.check_ratio(config, physic, "commitlog") {
            return check;
        }
        let logics = usage.used_ratio(scope.consume_queue_dir);
        if let Some(check) = self.check_ratio(config, logics, "consume queue") {
            return check;
        }
        let over_max = |ratio: Option<f64>| ratio.is_none_or(|ratio| ratio > config.max_used_ratio());
        SpaceCheck {
            delete: over_max(physic) || over_max(logics),
            clean_immediately: false,
        }
    }

    fn check_ratio(&self, config: &RetentionConfig, ratio: Option<f64>, what: &str) -> Option<SpaceCheck> {
        let over = |limit: f64| ratio.is_some_and(|ratio| ratio > limit);
        let forced = SpaceCheck {
            delete: true,
            clean_immediately: true,
        };
        if over(config.warning_ratio()) {
            if !self.disk_full.swap(true, Ordering::AcqRel) {
                tracing::error!(
                    ?ratio,
                    what,
                    "the disk is nearly full: refusing puts until files are deleted"
                );
            }
            return Some(forced);
        }
        if over(config.force_ratio()) {
            return Some(forced);
        }
        if self.disk_full.swap(false, Ordering::AcqRel) {
            tracing::info!(?ratio, what, "disk space is fine again: accepting puts");
        }
        None
    }

    /// Java's `CleanConsumeQueueService`: once the commitlog min offset grew, every queue drops the files that
    /// only point below it (and its min offset follows), then the index files that end below it go.
    fn follow_commit_log(&self, scope: &CleanScope<'_>) -> Result<(usize, usize)> {
        let min = scope.commit_log.min_offset();
        if min <= self.last_physical_min.load(Ordering::Acquire) {
            return Ok((0, 0));
        }
        let mut queue_files = 0;
        for queue in scope.queues.all() {
            let deleted = queue.delete_expired(min)?;
            queue_files += deleted;
            let pause = scope.config.delete_consume_queue_files_interval;
            if deleted > 0 && !pause.is_zero() {
                std::thread::sleep(pause);
            }
        }
        let index_files = scope.index.delete_expired(min as i64)?;
        self.last_physical_min.store(min, Ordering::Release);
        Ok((queue_files, index_files))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::disk_usage::SimulatedDiskUsage;
    use crate::index_file::IndexFileGeometry;

    struct Fixture {
        _dir: tempfile::TempDir,
        commit_log: CommitLog,
        queues: ConsumeQueueTable,
        index: IndexService,
        cq_dir: std::path::PathBuf,
    }

    fn fixture(files: usize) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let commit_log = CommitLog::open(&dir.path().join("commitlog"), 4096).unwrap();
        for _ in 0..files {
            let file = commit_log.files().create_next_file().unwrap();
            file.mark_full();
        }
        let cq_dir = dir.path().join("consumequeue");
        let queues = ConsumeQueueTable::load(&cq_dir, 10).unwrap();
        let index =
            IndexService::load(&dir.path().join("index"), IndexFileGeometry::default(), true).unwrap();
        Fixture {
            _dir: dir,
            commit_log,
            queues,
            index,
            cq_dir,
        }
    }

    fn config(ratio: f64) -> RetentionConfig {
        RetentionConfig {
            delete_when: String::new(),
            delete_commit_log_files_interval: Duration::ZERO,
            delete_consume_queue_files_interval: Duration::ZERO,
            disk_usage: Arc::new(SimulatedDiskUsage::new(ratio)),
            ..RetentionConfig::default()
        }
    }

    fn pass(retention: &Retention, fixture: &Fixture, config: &RetentionConfig, clock: CleanClock) -> usize {
        let scope = CleanScope {
            config,
            commit_log: &fixture.commit_log,
            queues: &fixture.queues,
            index: &fixture.index,
            consume_queue_dir: &fixture.cq_dir,
        };
        retention.run_pass(&scope, clock).unwrap().commit_log_files
    }

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64
    }

    #[test]
    fn nothing_goes_outside_the_delete_hours_on_a_roomy_disk_without_a_request() {
        let fixture = fixture(4);
        let retention = Retention::default();
        let far_future = CleanClock {
            now_millis: now() + 1_000 * 3600 * 1000,
            hour: 3,
        };
        assert_eq!(pass(&retention, &fixture, &config(0.5), far_future), 0);
        let at_four = RetentionConfig {
            delete_when: "04".into(),
            ..config(0.5)
        };
        assert_eq!(
            pass(&retention, &fixture, &at_four, far_future),
            0,
            "03:00 is not 04"
        );
        let four = CleanClock {
            hour: 4,
            ..far_future
        };
        assert_eq!(
            pass(&retention, &fixture, &at_four, four),
            3,
            "every expired file but the last"
        );
        assert_eq!(fixture.commit_log.min_offset(), 3 * 4096);
    }

    #[test]
    fn young_files_stay_unless_the_disk_is_over_the_force_ratio() {
        let fixture = fixture(5);
        let retention = Retention::default();
        let clock = CleanClock {
            now_millis: now(),
            hour: 0,
        };
        retention.request_manual_delete();
        assert_eq!(
            pass(&retention, &fixture, &config(0.5), clock),
            0,
            "72 h not over"
        );
        assert_eq!(
            pass(&retention, &fixture, &config(0.80), clock),
            0,
            "over 75 %: only expired files"
        );
        let small_batch = RetentionConfig {
            delete_file_batch_max: 2,
            ..config(0.86)
        };
        assert_eq!(
            pass(&retention, &fixture, &small_batch, clock),
            2,
            "over 85 %: any age, batch max"
        );
        assert!(!retention.is_disk_full());
        let no_force = RetentionConfig {
            clean_file_forcibly_enable: false,
            ..config(0.95)
        };
        assert_eq!(pass(&retention, &fixture, &no_force, clock), 0);
        assert!(retention.is_disk_full(), "over 90 %: the disk is full");
        assert_eq!(
            pass(&retention, &fixture, &config(0.95), clock),
            2,
            "never the last file"
        );
        assert_eq!(fixture.commit_log.files().files().len(), 1);
        pass(&retention, &fixture, &config(0.5), clock);
        assert!(!retention.is_disk_full(), "cleared once below the ratios");
    }
}
