//! How full the disk under a store directory is (Java's `UtilAll.getDiskPartitionSpaceUsedPercent`): the
//! `statvfs` source the store uses, and a simulated one for tests.

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of disk usage.
pub trait DiskUsage: Send + Sync + fmt::Debug {
    /// The used fraction (0.0..=1.0) of the partition holding `path`, or `None` if it cannot be read (then
    /// the clean service treats the disk as not over any ratio).
    fn used_ratio(&self, path: &Path) -> Option<f64>;
}

/// The real disk: `statvfs` of the path, computed like Java (and `df`): used = total − free blocks, and the
/// ratio is used / (used + blocks available to unprivileged users), rounded up to a whole percent.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatvfsDiskUsage;

impl DiskUsage for StatvfsDiskUsage {
    fn used_ratio(&self, path: &Path) -> Option<f64> {
        let stat = rustix::fs::statvfs(path).ok()?;
        let used = stat.f_blocks.checked_sub(stat.f_bfree)?;
        let entire = used.checked_add(stat.f_bavail)?;
        if stat.f_blocks == 0 || entire == 0 {
            return None;
        }
        let percent = (u128::from(used) * 100).div_ceil(u128::from(entire));
        Some(percent as f64 / 100.0)
    }
}

/// A disk whose usage the test sets (for every path), e.g. to simulate a full disk.
#[derive(Debug, Default)]
pub struct SimulatedDiskUsage {
    ratio_bits: AtomicU64,
}

impl SimulatedDiskUsage {
    /// A disk used to `ratio` (0.0..=1.0).
    pub fn new(ratio: f64) -> Self {
        let usage = SimulatedDiskUsage::default();
        usage.set(ratio);
        usage
    }

    /// Changes the simulated usage.
    pub fn set(&self, ratio: f64) {
        self.ratio_bits.store(ratio.to_bits(), Ordering::Release);
    }
}

impl DiskUsage for SimulatedDiskUsage {
    fn used_ratio(&self, _path: &Path) -> Option<f64> {
        Some(f64::from_bits(self.ratio_bits.load(Ordering::Acquire)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statvfs_reads_a_ratio_and_the_simulation_reports_what_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let ratio = StatvfsDiskUsage.used_ratio(dir.path()).unwrap();
        assert!((0.0..=1.0).contains(&ratio), "{ratio}");
        assert_eq!(StatvfsDiskUsage.used_ratio(&dir.path().join("missing")), None);
        let simulated = SimulatedDiskUsage::new(0.5);
        assert_eq!(simulated.used_ratio(dir.path()), Some(0.5));
        simulated.set(0.95);
        assert_eq!(simulated.used_ratio(dir.path()), Some(0.95));
    }
}
