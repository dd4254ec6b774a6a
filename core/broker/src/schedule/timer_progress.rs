//! The timer's progress, `config/timerProgress.json` (a Fulmen format; Java's timer keeps `config/timercheck`
//! and its wheel files instead): every offset of the timer queue below `checkpointOffset` is done (delivered or
//! dropped), and so is each offset in `doneRanges` (half-open `[start, end)` runs done above the checkpoint, out
//! of order because a later entry may be due sooner; runs keep the file small when one far-off message holds the
//! checkpoint back while many later ones are delivered). At start the timer reads the queue again from the checkpoint and skips the done
//! offsets, so after a clean stop nothing is delivered twice; after a crash, what was done since the last write
//! is delivered again (at least once).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::body::JsonBody;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::persist::ConfigFile;

/// The file's content.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ProgressFile {
    checkpoint_offset: i64,
    done_ranges: Vec<(i64, i64)>,
}

impl JsonBody for ProgressFile {}

/// The checkpoint and the done runs above it, keyed by start (disjoint, not adjacent, all above the checkpoint).
#[derive(Debug, Default)]
struct Progress {
    checkpoint_offset: i64,
    done_runs: BTreeMap<i64, i64>,
}

impl Progress {
    fn from_file(file: ProgressFile) -> Progress {
        let mut progress = Progress {
            checkpoint_offset: file.checkpoint_offset,
            done_runs: BTreeMap::new(),
        };
        for (start, end) in file.done_ranges {
            progress.mark_run(start, end);
        }
        progress
    }

    fn to_file(&self) -> ProgressFile {
        ProgressFile {
            checkpoint_offset: self.checkpoint_offset,
            done_ranges: self.done_runs.iter().map(|(start, end)| (*start, *end)).collect(),
        }
    }

    fn is_done(&self, offset: i64) -> bool {
        offset < self.checkpoint_offset
            || self
                .done_runs
                .range(..=offset)
                .next_back()
                .is_some_and(|(_, end)| offset < *end)
    }

    fn mark_done(&mut self, offset: i64) {
        self.mark_run(offset, offset.saturating_add(1));
    }

    /// Records `[start, end)` as done, merging it with the runs it touches and the checkpoint.
    fn mark_run(&mut self, start: i64, end: i64) {
        let mut start = start.max(self.checkpoint_offset);
        let mut end = end;
        if start >= end {
            return;
        }
        let touching: Vec<(i64, i64)> = self
            .done_runs
            .range(..=end)
            .rev()
            .take_while(|(_, run_end)| **run_end >= start)
            .map(|(run_start, run_end)| (*run_start, *run_end))
            .collect();
        for (run_start, run_end) in touching {
            self.done_runs.remove(&run_start);
            start = start.min(run_start);
            end = end.max(run_end);
        }
        if start <= self.checkpoint_offset {
            self.checkpoint_offset = end;
        } else {
            self.done_runs.insert(start, end);
        }
    }

    fn skip_below(&mut self, min: i64) {
        if self.checkpoint_offset >= min {
            return;
        }
        self.checkpoint_offset = min;
        let runs = std::mem::take(&mut self.done_runs);
        for (start, end) in runs {
            if end <= min {
                continue;
            }
            if start <= min {
                self.checkpoint_offset = end;
            } else {
                self.done_runs.insert(start, end);
            }
        }
    }
}

/// Which offsets of the timer queue are done.
#[derive(Debug)]
pub(crate) struct TimerProgress {
    progress: Mutex<Progress>,
    file: ConfigFile,
}

impl TimerProgress {
    /// Loads `config/timerProgress.json` if it exists. Blocking.
    pub(crate) fn load(config_dir: &Path) -> Result<Self> {
        let file = ConfigFile::new(config_dir.join("timerProgress.json"));
        let progress = Progress::from_file(file.read_json()?);
        Ok(TimerProgress {
            progress: Mutex::new(progress),
            file,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where reading the timer queue starts: every offset below is done.
    pub(crate) fn checkpoint(&self) -> i64 {
        self.lock().checkpoint_offset
    }

    /// Whether `offset` is done.
    pub(crate) fn is_done(&self, offset: i64) -> bool {
        self.lock().is_done(offset)
    }

    /// Records `offset` as done, moving the checkpoint over every done offset that follows it.
    pub(crate) fn mark_done(&self, offset: i64) {
        self.lock().mark_done(offset);
    }

    /// Treats every offset below `min` (no longer in the queue) as done.
    pub(crate) fn skip_below(&self, min: i64) {
        self.lock().skip_below(min);
    }

    /// Writes `config/timerProgress.json`.
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file.write_with(|| Ok(self.lock().to_file().encode()?)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn done_offsets_move_the_checkpoint_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let progress = TimerProgress::load(dir.path()).unwrap();
        progress.mark_done(1);
        progress.mark_done(3);
        assert_eq!(progress.checkpoint(), 0);
        progress.mark_done(0);
        assert_eq!(progress.checkpoint(), 2);
        assert!(progress.is_done(3) && !progress.is_done(2) && !progress.is_done(4));
        progress.persist().await.unwrap();
        let text = std::fs::read_to_string(dir.path().join("timerProgress.json")).unwrap();
        assert_eq!(text, r#"{"checkpointOffset":2,"doneRanges":[[3,4]]}"#);
        let again = TimerProgress::load(dir.path()).unwrap();
        assert!(again.is_done(1) && again.is_done(3) && !again.is_done(2));
        again.mark_done(2);
        assert_eq!(again.checkpoint(), 4);
        again.skip_below(10);
        assert_eq!(again.checkpoint(), 10);
    }

    #[test]
    fn done_offsets_are_kept_as_runs() {
        let mut progress = Progress::default();
        for offset in [5, 7, 6, 9, 20, 21] {
            progress.mark_done(offset);
        }
        assert_eq!(progress.to_file().done_ranges, [(5, 8), (9, 10), (20, 22)]);
        assert!(progress.is_done(7) && !progress.is_done(8) && progress.is_done(21) && !progress.is_done(22));
        progress.mark_done(8);
        assert_eq!(progress.to_file().done_ranges, [(5, 10), (20, 22)]);
        for offset in 0..5 {
            progress.mark_done(offset);
        }
        assert_eq!(
            (progress.checkpoint_offset, progress.to_file().done_ranges),
            (10, vec![(20, 22)])
        );
        progress.skip_below(21);
        assert_eq!((progress.checkpoint_offset, progress.done_runs.len()), (22, 0));
        let reloaded = Progress::from_file(ProgressFile {
            checkpoint_offset: 3,
            done_ranges: vec![(3, 5), (8, 9)],
        });
        assert_eq!(
            (reloaded.checkpoint_offset, reloaded.to_file().done_ranges),
            (5, vec![(8, 9)])
        );
    }
}
