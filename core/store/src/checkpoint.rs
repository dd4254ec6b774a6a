//! The `checkpoint` file (REMOTING.md §7.4): a 4 KiB file whose first 40 bytes have Java's layout, plus one
//! Fulmen field that Java ignores.
//!
//! | offset | field | Fulmen's meaning |
//! |---|---|---|
//! | 0 | `physicMsgTimestamp` | store time of the newest message when the commitlog was last flushed |
//! | 8 | `logicsMsgTimestamp` | store time of the newest message when the consume queues were last flushed |
//! | 16 | `indexMsgTimestamp` | end timestamp of the index files when they were last flushed (informative) |
//! | 24 | `masterFlushedOffset` | commitlog offset below which everything was durable |
//! | 32 | `confirmPhyOffset` | the same (no replication) |
//! | 40 | Fulmen `logicsFlushedOffset` | commitlog offset below which every consume-queue entry was durable |
//!
//! Recovery after an unclean stop starts scanning at the commitlog file that holds the smaller of the two
//! offsets. The file is rewritten in place (48 bytes within one sector) and fsynced after the data it describes.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};

/// The size of the checkpoint file.
pub const CHECKPOINT_FILE_SIZE: u64 = 4096;
const FIELDS_LEN: usize = 48;

/// The values a checkpoint holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// Store time of the newest message when the commitlog was last flushed.
    pub physic_msg_timestamp: i64,
    /// Store time of the newest message when the consume queues were last flushed.
    pub logics_msg_timestamp: i64,
    /// Store time of the newest indexed message when the index files were last flushed (recovery does not use it).
    pub index_msg_timestamp: i64,
    /// Commitlog offset below which everything was durable.
    pub master_flushed_offset: i64,
    /// Commitlog offset confirmed (no replication: the flushed offset).
    pub confirm_phy_offset: i64,
    /// Commitlog offset below which every consume-queue entry was durable (Fulmen's field at byte 40).
    pub logics_flushed_offset: i64,
}

impl Checkpoint {
    /// Where a scan after an unclean stop may start: everything below is durable in commitlog and queues.
    pub fn recovery_offset(&self) -> u64 {
        self.master_flushed_offset.min(self.logics_flushed_offset).max(0) as u64
    }

    fn to_bytes(self) -> [u8; FIELDS_LEN] {
        let mut bytes = [0u8; FIELDS_LEN];
        let fields = [
            self.physic_msg_timestamp,
            self.logics_msg_timestamp,
            self.index_msg_timestamp,
            self.master_flushed_offset,
            self.confirm_phy_offset,
            self.logics_flushed_offset,
        ];
        for (chunk, field) in bytes.chunks_exact_mut(8).zip(fields) {
            chunk.copy_from_slice(&field.to_be_bytes());
        }
        bytes
    }

    fn from_bytes(bytes: &[u8; FIELDS_LEN]) -> Checkpoint {
        let mut fields = bytes
            .chunks_exact(8)
            .map(|chunk| chunk.try_into().map_or(0, i64::from_be_bytes));
        let mut next = || fields.next().unwrap_or(0);
        Checkpoint {
            physic_msg_timestamp: next(),
            logics_msg_timestamp: next(),
            index_msg_timestamp: next(),
            master_flushed_offset: next(),
            confirm_phy_offset: next(),
            logics_flushed_offset: next(),
        }
    }
}

/// The open checkpoint file.
#[derive(Debug)]
pub struct CheckpointFile {
    path: PathBuf,
    file: File,
}

impl CheckpointFile {
    /// Opens (or creates, 4 KiB of zeros) the checkpoint at `path` and returns what it holds; `None` for a new
    /// or short file.
    pub fn open(path: &Path) -> Result<(CheckpointFile, Option<Checkpoint>)> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_path("open checkpoint", path)?;
        let len = file.metadata().with_path("stat checkpoint", path)?.len();
        let mut stored = None;
        if len >= FIELDS_LEN as u64 {
            let mut bytes = [0u8; FIELDS_LEN];
            file.read_exact(&mut bytes).with_path("read checkpoint", path)?;
            stored = Some(Checkpoint::from_bytes(&bytes));
        }
        if len < CHECKPOINT_FILE_SIZE {
            file.set_len(CHECKPOINT_FILE_SIZE)
                .with_path("preallocate checkpoint", path)?;
            file.sync_all().with_path("sync checkpoint", path)?;
        }
        Ok((
            CheckpointFile {
                path: path.to_path_buf(),
                file,
            },
            stored,
        ))
    }

    /// Writes `checkpoint` and makes it durable.
    pub fn store(&self, checkpoint: &Checkpoint) -> Result<()> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))
            .with_path("write checkpoint", &self.path)?;
        file.write_all(&checkpoint.to_bytes())
            .with_path("write checkpoint", &self.path)?;
        file.sync_data().with_path("sync checkpoint", &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_javas_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint");
        let (file, stored) = CheckpointFile::open(&path).unwrap();
        assert_eq!(stored, None, "a new file holds nothing");
        let checkpoint = Checkpoint {
            physic_msg_timestamp: 1,
            logics_msg_timestamp: 2,
            index_msg_timestamp: 3,
            master_flushed_offset: 400,
            confirm_phy_offset: 5,
            logics_flushed_offset: 300,
        };
        file.store(&checkpoint).unwrap();
        drop(file);
        let raw = std::fs::read(&path).unwrap();
        assert_eq!(raw.len(), 4096);
        assert_eq!(&raw[24..32], &400i64.to_be_bytes());
        let (_, stored) = CheckpointFile::open(&path).unwrap();
        assert_eq!(stored, Some(checkpoint));
        assert_eq!(checkpoint.recovery_offset(), 300);
    }
}
