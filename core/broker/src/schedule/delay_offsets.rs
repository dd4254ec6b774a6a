//! The schedule service's progress (Java's `ScheduleMessageService` as a `ConfigManager`): for each delay level,
//! the next offset to deliver in its `SCHEDULE_TOPIC_XXXX` queue, kept in `config/delayOffset.json` as
//! `DelayOffsetSerializeWrapper` writes it: `{"dataVersion":{...},"offsetTable":{1:5,3:0}}` (fastjson's bare
//! integer keys; only levels that moved are present). The same JSON answers GET_ALL_DELAY_OFFSET.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::body::{DataVersion, JsonBody};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::persist::ConfigFile;
use crate::time::now_millis;

/// The `dataVersion` moves once every this many offset updates (`delayOffsetUpdateVersionStep`, 200).
const VERSION_STEP: u64 = 200;

/// The content of delayOffset.json. A file without `dataVersion` loads too.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct DelayOffsetFile {
    data_version: DataVersion,
    offset_table: BTreeMap<i32, i64>,
}

impl JsonBody for DelayOffsetFile {}

#[derive(Debug, Default)]
struct Table {
    content: DelayOffsetFile,
    updates: u64,
}

/// The next offset to deliver of every level.
#[derive(Debug)]
pub(crate) struct DelayOffsets {
    table: Mutex<Table>,
    file: ConfigFile,
}

impl DelayOffsets {
    /// Loads `config/delayOffset.json` if it exists. Blocking.
    pub(crate) fn load(config_dir: &Path) -> Result<Self> {
        let file = ConfigFile::new(config_dir.join("delayOffset.json"));
        let content = file.read_json()?;
        Ok(DelayOffsets {
            table: Mutex::new(Table { content, updates: 0 }),
            file,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next offset to deliver of `level`, if it ever moved.
    pub(crate) fn get(&self, level: i32) -> Option<i64> {
        self.lock().content.offset_table.get(&level).copied()
    }

    /// Records the next offset to deliver of `level` (Java's `updateOffset`).
    pub(crate) fn update(&self, level: i32, offset: i64) {
        let mut table = self.lock();
        table.content.offset_table.insert(level, offset);
        table.updates += 1;
        if table.updates % VERSION_STEP == 0 {
            table.content.data_version.counter += 1;
            table.content.data_version.timestamp = now_millis();
        }
    }

    /// Clamps each stored offset into its queue's `[min, max]` (Java's `correctDelayOffset`, run at load);
    /// `bounds(level)` gives the queue's min and max offsets.
    pub(crate) fn correct(&self, bounds: impl Fn(i32) -> (i64, i64)) {
        let mut table = self.lock();
        for (level, offset) in table.content.offset_table.iter_mut() {
            let (min, max) = bounds(*level);
            let corrected = (*offset).max(min).min(max);
            if corrected != *offset {
                tracing::error!(level, from = *offset, to = corrected, "corrected a delay offset");
                *offset = corrected;
            }
        }
    }

    /// Every level that moved and its next offset to deliver, level 1 first.
    pub(crate) fn all(&self) -> Vec<(i32, i64)> {
        let table = self.lock();
        table
            .content
            .offset_table
            .iter()
            .map(|(level, offset)| (*level, *offset))
            .collect()
    }

    /// The JSON Java's `encode()` gives (GET_ALL_DELAY_OFFSET's body).
    pub(crate) fn encode(&self) -> Result<Vec<u8>> {
        Ok(self.lock().content.encode()?)
    }

    /// Writes `config/delayOffset.json`.
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file.write_with(|| self.encode()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn offsets_are_written_as_java_writes_them_and_load_again() {
        let dir = tempfile::tempdir().unwrap();
        let offsets = DelayOffsets::load(dir.path()).unwrap();
        offsets.update(3, 7);
        offsets.update(1, 2);
        offsets.persist().await.unwrap();
        let text = std::fs::read_to_string(dir.path().join("delayOffset.json")).unwrap();
        assert!(text.contains(r#""offsetTable":{1:2,3:7}"#), "{text}");
        assert!(text.starts_with(r#"{"dataVersion":{"#), "{text}");
        let again = DelayOffsets::load(dir.path()).unwrap();
        assert_eq!(
            (again.get(1), again.get(2), again.get(3)),
            (Some(2), None, Some(7))
        );
        again.correct(|level| if level == 3 { (0, 5) } else { (4, 9) });
        assert_eq!((again.get(1), again.get(3)), (Some(4), Some(5)));
    }

    #[test]
    fn a_file_without_data_version_and_with_quoted_keys_loads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("delayOffset.json"), r#"{"offsetTable":{"2":11}}"#).unwrap();
        assert_eq!(DelayOffsets::load(dir.path()).unwrap().get(2), Some(11));
    }

    #[test]
    fn the_data_version_moves_every_200_updates() {
        let dir = tempfile::tempdir().unwrap();
        let offsets = DelayOffsets::load(dir.path()).unwrap();
        for offset in 0..199 {
            offsets.update(1, offset);
        }
        assert_eq!(offsets.lock().content.data_version.counter, 0);
        offsets.update(1, 199);
        assert_eq!(offsets.lock().content.data_version.counter, 1);
    }
}
