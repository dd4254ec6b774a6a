//! Recovery on open: find where the commitlog's valid data ends, cut off whatever follows, and make the consume
//! queues agree with it.
//!
//! * Clean stop (no `abort` marker): every file but the last is trusted; the last commitlog file is walked unit
//!   by unit (no CRC) to find its end, and consume-queue entries past that end are dropped.
//! * Unclean stop: the commitlog is scanned from the file holding the checkpoint's recovery offset (or the
//!   first file), checking each unit's magic, size, physical offset and body CRC. The scan stops at the first
//!   torn or invalid unit; everything from there is zeroed or deleted. Consume-queue entries that point at or
//!   after the scan's first file are dropped and rebuilt from the scanned units.
//! * Index files follow the scan (`index_service.rs`): after an unclean stop, entries at or after the scan's
//!   first offset are dropped and the scan re-indexes every unit; either way, entries past the data's end go.
//! * Either way, empty files after the last written one are deleted first: a spare the allocator preallocated
//!   (named by the offset it would start at) but the writer never used, or a file created just before a crash.
//! * While rebuilding, a unit must also carry the queue offset its consume queue expects next (the queue's end
//!   after the entries pointing before the scan were kept). The checkpoint guarantees that the queues hold every
//!   entry for the units before the scan, so a unit whose queue offset jumps past the end cannot be one the
//!   store wrote there: like a unit whose PHYSICALOFFSET is not its position, it is invalid and ends the data.
//!   (Writing filler entries up to it would lose the skipped offsets and, for a wild offset, fill the disk.) A
//!   queue without entries takes its first unit's offset as its start, as at run time.
//!
//! * Consume-queue files are created without fsync and become durable with their first flush
//!   (`CreateSync::OnFirstFlush`). After a power loss, one created since the last flush may be missing, or have
//!   a wrong length and be deleted when loading (`queue_files.rs`). Either way it held only entries that the
//!   scan rebuilds: the checkpoint's consume-queue offset is sampled before the queues are flushed, a flush makes
//!   every file that holds an entry below it durable (file, name and directories), and the scan starts at or
//!   below that offset. After an unclean stop, the first flush also makes the loaded files and directories
//!   durable again (`ConsumeQueueTable::assume_creation_not_durable`): they may have been in the page cache only.
//!
//! * Retention may have deleted the first files of the commitlog, of consume queues and of the index: the
//!   commitlog then starts at its first file's offset, and each consume queue's min offset moves past the
//!   entries that point below it (Java's `recoverOffsetTable` → `correctMinOffset`).
//!
//! A unit acknowledged under sync flush was fsynced before the acknowledgement, and fsynced data below the
//! checkpoint is never rescanned, so it survives any crash.

use std::sync::Arc;

use bytes::Bytes;
use fulmen_protocol::message::MessageExt;

use crate::checkpoint::Checkpoint;
use crate::commit_log::CommitLog;
use crate::consume_queue::{CqEntry, CqPut};
use crate::consume_queue_table::ConsumeQueueTable;
use crate::error::Result;
use crate::index_service::IndexService;
use crate::mapped_file::MappedFile;
use crate::message_to_store::is_indexed;
use crate::tags_code::TagsCodeResolver;
use crate::unit_layout::{UNIT_HEADER_LEN, UnitHeader};

/// How to recover.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecoveryMode<'a> {
    /// Whether the last stop was unclean (an `abort` marker was found).
    pub(crate) unclean: bool,
    /// The checkpoint, if one was stored.
    pub(crate) checkpoint: Option<&'a Checkpoint>,
    /// Whether to check body CRCs during an unclean scan.
    pub(crate) check_crc: bool,
}

/// What recovery found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Recovered {
    /// The commitlog offset where valid data ends.
    pub(crate) commit_log_end: u64,
    /// The store timestamp of the last unit scanned, if any was.
    pub(crate) last_store_timestamp: Option<i64>,
    /// How many units were rebuilt into consume queues.
    pub(crate) redispatched: usize,
}

/// Recovers the commitlog and the consume queues together.
pub(crate) fn recover(
    commit_log: &CommitLog,
    queues: &ConsumeQueueTable,
    index: &IndexService,
    resolver: &Arc<dyn TagsCodeResolver>,
    mode: RecoveryMode<'_>,
) -> Result<Recovered> {
    let store_time = |offset: i64| {
        u64::try_from(offset)
            .ok()
            .and_then(|offset| commit_log.store_timestamp_at(offset))
    };
    for queue in queues.all() {
        queue.recover_end()?;
    }
    commit_log.files().drop_empty_tail(UNIT_HEADER_LEN)?;
    let files = commit_log.files().files();
    let Some(last_index) = files.len().checked_sub(1) else {
        for queue in queues.all() {
            queue.drop_entries_past(0)?;
        }
        index.truncate_from(0, &store_time)?;
        return Ok(Recovered::default());
    };
    let start_index = if mode.unclean {
        mode.checkpoint.map_or(0, |checkpoint| {
            let offset = checkpoint.recovery_offset();
            files
                .iter()
                .rposition(|file| file.start_offset() <= offset)
                .unwrap_or(0)
        })
    } else {
        last_index
    };
    for file in &files[..start_index] {
        file.set_write_position(file.size());
        file.set_flushed_position(file.size());
    }
    let scan_start = files[start_index].start_offset();
    commit_log.files().set_flushed_offset(scan_start);
    if mode.unclean {
        tracing::warn!(
            from = scan_start,
            "the store did not stop cleanly: scanning the commitlog"
        );
        for queue in queues.all() {
            queue.truncate_from_commit_log_offset(scan_start)?;
        }
        index.truncate_from(scan_start as i64, &store_time)?;
    }
    let mut scan = Scan {
        check_crc: mode.unclean && mode.check_crc,
        dispatch: mode.unclean,
        queues,
        index,
        resolver,
        recovered: Recovered::default(),
    };
    let mut end = scan_start;
    let mut clean_tail = true;
    for file in &files[start_index..] {
        match scan.file(file)? {
            FileEnd::Full => {
                file.set_write_position(file.size());
                end = file.end_offset();
            }
            FileEnd::Zeros(position) => {
                end = file.start_offset() + position as u64;
                break;
            }
            FileEnd::Invalid(position) => {
                end = file.start_offset() + position as u64;
                clean_tail = false;
                break;
            }
        }
    }
    let last = &files[last_index];
    if !mode.unclean && clean_tail && last.start_offset() <= end {
        // A clean stop leaves zeros after the last unit (appends are sequential and truncation erases), so
        // there is nothing to erase: skip reading the rest of a possibly large file.
        last.set_write_position((end - last.start_offset()) as usize);
    } else {
        tracing::warn!(offset = end, "truncating the commitlog after its last valid unit");
        commit_log.files().truncate_from(end)?;
    }
    for queue in queues.all() {
        queue.drop_entries_past(end)?;
    }
    // Index entries for units cut off (the index's last entry is a unit start, below `end` if it survived).
    index.truncate_from(end as i64, &store_time)?;
    // Retention may have deleted the first commitlog files: entries pointing below them are not served.
    let min = commit_log.min_offset();
    for queue in queues.all() {
        queue.correct_min_offset(min);
    }
    scan.recovered.commit_log_end = end;
    Ok(scan.recovered)
}

/// Where a file's valid data ends.
enum FileEnd {
    /// The file is used up (a BLANK filler or too little room left): continue with the next file.
    Full,
    /// The data ends at this position, where the file holds zeros (nothing was written there).
    Zeros(usize),
    /// The data ends at this position, where the file holds a torn or invalid unit.
    Invalid(usize),
}

struct Scan<'a> {
    check_crc: bool,
    dispatch: bool,
    queues: &'a ConsumeQueueTable,
    index: &'a IndexService,
    resolver: &'a Arc<dyn TagsCodeResolver>,
    recovered: Recovered,
}

impl Scan<'_> {
    fn file(&mut self, file: &MappedFile) -> Result<FileEnd> {
        let size = file.size();
        let mut position = 0;
        loop {
            if position + UNIT_HEADER_LEN > size {
                return Ok(FileEnd::Full);
            }
            let header = file
                .with_raw_bytes(position, UNIT_HEADER_LEN, |bytes| {
                    bytes.try_into().map_or(UnitHeader::Invalid, UnitHeader::parse)
                })
                .unwrap_or(UnitHeader::Invalid);
            match header {
                UnitHeader::Empty => return Ok(FileEnd::Zeros(position)),
                UnitHeader::Blank(len) if position + len == size => return Ok(FileEnd::Full),
                UnitHeader::Message(len) if len <= size - position => {
                    let physical = file.start_offset() + position as u64;
                    let Some(message) = self.valid_message(file, position, len, physical) else {
                        return Ok(FileEnd::Invalid(position));
                    };
                    if self.dispatch && !self.redispatch(&message, physical, len)? {
                        tracing::warn!(
                            file = %file.path().display(), position, topic = %message.topic,
                            queue_id = message.queue_id, queue_offset = message.queue_offset,
                            "an invalid unit ends the data: its queue offset does not follow its consume queue"
                        );
                        return Ok(FileEnd::Invalid(position));
                    }
                    self.recovered.last_store_timestamp = Some(message.store_timestamp);
                    position += len;
                }
                _ => {
                    tracing::warn!(file = %file.path().display(), position, "an invalid unit header ends the data");
                    return Ok(FileEnd::Invalid(position));
                }
            }
        }
    }

    /// The unit at `position` decoded, if it is entirely valid.
    fn valid_message(
        &self,
        file: &MappedFile,
        position: usize,
        len: usize,
        physical: u64,
    ) -> Option<MessageExt> {
        let bytes = file.with_raw_bytes(position, len, Bytes::copy_from_slice)?;
        let reject = |reason: &str| {
            tracing::warn!(file = %file.path().display(), position, reason, "an invalid unit ends the data");
            None
        };
        let message = match MessageExt::decode(&bytes) {
            Ok((message, _)) => message,
            Err(_) => return reject("it does not decode"),
        };
        if message.commit_log_offset != physical as i64 {
            return reject("its PHYSICALOFFSET is not its position");
        }
        if self.check_crc && !message.body_crc_matches() {
            return reject("its body CRC does not match");
        }
        Some(message)
    }

    /// Writes the unit's consume-queue entry and its key index entries; `false` (and nothing written) if its
    /// queue offset does not fit the queue.
    fn redispatch(&mut self, message: &MessageExt, physical: u64, len: usize) -> Result<bool> {
        if is_indexed(message.sys_flag) && !self.redispatch_to_queue(message, physical, len)? {
            return Ok(false);
        }
        if let Err(error) = self.index.build_index(
            &message.topic,
            message.sys_flag,
            &message.properties,
            physical as i64,
            message.store_timestamp,
        ) {
            tracing::error!(%error, offset = physical, "re-indexing a message's keys failed");
        }
        Ok(true)
    }

    fn redispatch_to_queue(&mut self, message: &MessageExt, physical: u64, len: usize) -> Result<bool> {
        let queue = self.queues.get_or_create(&message.topic, message.queue_id)?;
        let entry = CqEntry {
            commit_log_offset: physical as i64,
            size: len as i32,
            tags_code: self
                .resolver
                .tags_code(&message.topic, &message.properties, message.store_timestamp),
        };
        match queue.put(message.queue_offset, entry)? {
            CqPut::Written => self.recovered.redispatched += 1,
            CqPut::AlreadyStored => {}
            CqPut::OutOfOrder { .. } => return Ok(false),
        }
        Ok(true)
    }
}
