//! `CommitLog`: every message of every topic, as stored units (REMOTING.md §5.1) back to back in mapped files of
//! one size (§7.1). A unit never straddles two files: when one does not fit, the rest of the file gets the BLANK
//! filler and the unit goes to the next file.
//!
//! Appends are serialised by an internal lock. Units arrive already encoded (see `message_to_store.rs`) and only
//! their QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP fields are patched under the lock.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use fulmen_protocol::message::MessageExt;

use crate::error::{Result, StoreError};
use crate::mapped_file::{CreateSync, MappedFile};
use crate::mapped_file_queue::MappedFileQueue;
use crate::unit_layout::{
    self, BLANK_MIN_LEN, PHYSICAL_OFFSET_POSITION, QUEUE_OFFSET_POSITION, STORE_TIMESTAMP_READ_LEN,
    UNIT_HEADER_LEN, UnitHeader,
};

/// One encoded unit inside an [`EncodedUnits`] buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitSlot {
    /// Where the unit starts in the buffer.
    pub start: usize,
    /// Its TOTALSIZE.
    pub len: usize,
    /// Where its STORETIMESTAMP field is, relative to `start`.
    pub store_timestamp_position: usize,
}

/// One message or a batch, encoded back to back, waiting for its offsets.
#[derive(Debug, Default, Clone)]
pub struct EncodedUnits {
    /// The units' bytes.
    pub bytes: BytesMut,
    /// Where each unit is in `bytes`.
    pub units: Vec<UnitSlot>,
}

impl EncodedUnits {
    /// Encodes `message` at the end of the buffer.
    pub fn push(&mut self, message: &MessageExt) -> fulmen_protocol::Result<()> {
        let start = self.bytes.len();
        message.encode(&mut self.bytes)?;
        self.units.push(UnitSlot {
            start,
            len: self.bytes.len() - start,
            store_timestamp_position: unit_layout::store_timestamp_position(message.effective_sys_flag()),
        });
        Ok(())
    }

    /// The total size of the units.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there is no unit.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

/// Where the units of one append landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The physical offset of each unit, in order.
    pub physical_offsets: Vec<u64>,
    /// The offset just past the last unit.
    pub end_offset: u64,
}

/// The commitlog of a store.
pub struct CommitLog {
    files: MappedFileQueue,
    append_lock: Mutex<()>,
}

impl fmt::Debug for CommitLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommitLog").field("files", &self.files).finish()
    }
}

impl CommitLog {
    /// Opens the commitlog in `dir`. Positions are unknown until recovery sets them (see `recovery.rs`). Its files
    /// are made durable as they are created ([`CreateSync::Now`]): the commitlog cannot be rebuilt, and the
    /// allocator thread creates its files off the put path anyway.
    pub fn open(dir: &Path, file_size: usize) -> Result<CommitLog> {
        Ok(CommitLog {
            files: MappedFileQueue::open(dir, file_size, CreateSync::Now)?,
            append_lock: Mutex::new(()),
        })
    }

    /// The mapped files.
    pub fn files(&self) -> &MappedFileQueue {
        &self.files
    }

    /// The size of each file.
    pub fn file_size(&self) -> usize {
        self.files.file_size()
    }

    /// The largest unit (or batch of units) that fits a file, leaving room for the BLANK filler.
    pub fn max_append_len(&self) -> usize {
        self.file_size().saturating_sub(BLANK_MIN_LEN)
    }

    /// The offset of the oldest byte still stored.
    pub fn min_offset(&self) -> u64 {
        self.files.min_offset()
    }

    /// The offset just past the last unit.
    pub fn max_offset(&self) -> u64 {
        self.files.max_offset()
    }

    /// The offset below which everything is durable.
    pub fn flushed_offset(&self) -> u64 {
        self.files.flushed_offset()
    }

    /// Makes every appended unit durable; returns the flushed offset.
    pub fn flush(&self) -> Result<u64> {
        self.files.flush()
    }

    /// Appends `units` in one file, in order. Unit `i` gets QUEUEOFFSET `first_queue_offset + i` (or 0 for every
    /// unit when `first_queue_offset` is `None`), its PHYSICALOFFSET, and STORETIMESTAMP `store_timestamp`.
    pub fn append(
        &self,
        units: &mut EncodedUnits,
        first_queue_offset: Option<i64>,
        store_timestamp: i64,
    ) -> Result<Appended> {
        let _guard = self
            .append_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let len = units.len();
        let file = self.file_with_room(len)?;
        let base = file.start_offset() + file.write_position() as u64;
        let mut physical_offsets = Vec::with_capacity(units.units.len());
        for (index, slot) in units.units.iter().enumerate() {
            let physical = base + slot.start as u64;
            let unit = &mut units.bytes[slot.start..slot.start + slot.len];
            let queue_offset = first_queue_offset.map_or(0, |first| first + index as i64);
            unit_layout::patch_i64(unit, QUEUE_OFFSET_POSITION, queue_offset);
            unit_layout::patch_i64(unit, PHYSICAL_OFFSET_POSITION, physical as i64);
            unit_layout::patch_i64(unit, slot.store_timestamp_position, store_timestamp);
            physical_offsets.push(physical);
        }
        file.append(&units.bytes)?;
        self.files.note_append(&file);
        Ok(Appended {
            physical_offsets,
            end_offset: base + len as u64,
        })
    }

    /// The file to append `len` bytes to: the last one, or the next one (usually the preallocated spare) after
    /// writing the BLANK filler.
    fn file_with_room(&self, len: usize) -> Result<Arc<MappedFile>> {
        if len > self.max_append_len() {
            return Err(StoreError::NoSpace {
                path: self.files.dir().to_path_buf(),
                position: 0,
                needed: len,
                size: self.file_size(),
            });
        }
        if let Some(last) = self.files.last_file() {
            let remaining = last.remaining();
            if len + BLANK_MIN_LEN <= remaining {
                return Ok(last);
            }
            if remaining >= BLANK_MIN_LEN {
                last.append(&unit_layout::blank(remaining))?;
            }
            last.mark_full();
        }
        self.files.create_next_file()
    }

    /// The unit at `physical_offset` as bytes, if a message unit starts there.
    pub fn unit_at(&self, physical_offset: u64) -> Option<Bytes> {
        let file = self.files.find(physical_offset)?;
        let position = (physical_offset - file.start_offset()) as usize;
        let UnitHeader::Message(len) = UnitHeader::parse(file.read_array::<UNIT_HEADER_LEN>(position)?)
        else {
            return None;
        };
        // The offset comes from a client: a forged header must not size the allocation beyond the written data.
        if len > file.write_position().saturating_sub(position) {
            return None;
        }
        let mut out = Vec::with_capacity(len);
        file.read_into(position, len, &mut out).then(|| Bytes::from(out))
    }

    /// The message at `physical_offset`, decoded, if a valid unit starts there.
    pub fn message_at(&self, physical_offset: u64) -> Option<MessageExt> {
        let bytes = self.unit_at(physical_offset)?;
        let (message, _) = MessageExt::decode(&bytes).ok()?;
        (message.commit_log_offset == physical_offset as i64).then_some(message)
    }

    /// Copies the `size` bytes at `physical_offset` to the end of `out`; `false` if they are not stored.
    pub fn read_into(&self, physical_offset: u64, size: usize, out: &mut Vec<u8>) -> bool {
        let Some(file) = self.files.find(physical_offset) else {
            return false;
        };
        let position = (physical_offset - file.start_offset()) as usize;
        file.read_into(position, size, out)
    }

    /// The STORETIMESTAMP of the unit at `physical_offset`.
    pub fn store_timestamp_at(&self, physical_offset: u64) -> Option<i64> {
        let file = self.files.find(physical_offset)?;
        let position = (physical_offset - file.start_offset()) as usize;
        let len = STORE_TIMESTAMP_READ_LEN.min(file.write_position().checked_sub(position)?);
        file.with_bytes(position, len, unit_layout::read_store_timestamp)?
    }
}
