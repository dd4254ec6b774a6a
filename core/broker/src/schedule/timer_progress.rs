//! The timer's progress, `config/timerProgress.json` (a Fulmen format; Java's timer keeps `config/timercheck`
//! and its wheel files instead): every offset of the timer queue below `checkpointOffset` is done (delivered or
//! dropped), and so is each offset in `doneOffsets` (done above the checkpoint, out of order because a later
//! entry may be due sooner). At start the timer reads the queue again from the checkpoint and skips the done
//! offsets, so after a clean stop nothing is delivered twice; after a crash, what was done since the last write
//! is delivered again (at least once).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::body::JsonBody;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::persist::ConfigFile;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Progress {
    checkpoint_offset: i64,
    done_offsets: BTreeSet<i64>,
}

impl JsonBody for Progress {}

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
        let progress = file.read_json()?;
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
        let progress = self.lock();
        offset < progress.checkpoint_offset || progress.done_offsets.contains(&offset)
    }

    /// Records `offset` as done, moving the checkpoint over every done offset that follows it.
    pub(crate) fn mark_done(&self, offset: i64) {
        let mut progress = self.lock();
        if offset < progress.checkpoint_offset {
            return;
        }
        progress.done_offsets.insert(offset);
        loop {
            let next = progress.checkpoint_offset;
            if !progress.done_offsets.remove(&next) {
                break;
            }
            progress.checkpoint_offset = next + 1;
        }
    }

    /// Treats every offset below `min` (no longer in the queue) as done.
    pub(crate) fn skip_below(&self, min: i64) {
        let mut progress = self.lock();
        if progress.checkpoint_offset < min {
            progress.checkpoint_offset = min;
            progress.done_offsets = progress.done_offsets.split_off(&min);
        }
    }

    /// Writes `config/timerProgress.json`.
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file.write_with(|| Ok(self.lock().encode()?)).await
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
        assert_eq!(text, r#"{"checkpointOffset":2,"doneOffsets":[3]}"#);
        let again = TimerProgress::load(dir.path()).unwrap();
        assert!(again.is_done(1) && again.is_done(3) && !again.is_done(2));
        again.mark_done(2);
        assert_eq!(again.checkpoint(), 4);
        again.skip_below(10);
        assert_eq!(again.checkpoint(), 10);
    }
}
