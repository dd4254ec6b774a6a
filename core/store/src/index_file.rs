//! One index file: the hash index behind query-by-key (Apache RocketMQ's `IndexFile`, REMOTING.md §7.3).
//!
//! ```text
//! @0                         40-byte header (index_header.rs)
//! @40                        hash_slot_num × int: the number of the latest entry whose key hashes here (0 = none)
//! @40 + hash_slot_num × 4    index_num × 20-byte entries; entry n at 40 + hash_slot_num × 4 + n × 20:
//!                              int keyHash, long commitLogOffset, int timeDiffSeconds, int prevIndexNo (0 = end)
//! ```
//!
//! Entry numbers start at 1 (entry 0 is never written), so a file holds at most `index_num - 1` entries. Each slot
//! heads a chain of entries linked newest to oldest through `prevIndexNo`. Keys are `topic#key` ([`build_key`]),
//! hashed with Java's `String.hashCode` made non-negative ([`index_key_hash`]); a lookup walks the slot's chain
//! and keeps the entries whose stored hash equals the key's hash (keys are not stored: two keys with one hash
//! both match, as in Java) and whose time lies in the asked range.
//!
//! The file is mapped through `mmap.rs` (the crate's only `unsafe`). Puts take a write lock, lookups a read lock.
//! File rotation, dispatch from the put path and lookups across files belong to the index service
//! (`index_service.rs`); dropping entries after an unclean stop is in `index_file/truncate.rs`.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use memmap2::MmapMut;

mod truncate;

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::sync_dir;
use crate::index_header::{INDEX_HEADER_SIZE, IndexHeader};
use crate::mmap::map_file;

/// Java's default `maxHashSlotNum`.
pub const DEFAULT_HASH_SLOT_NUM: u32 = 5_000_000;
/// Java's default `maxIndexNum`.
pub const DEFAULT_INDEX_NUM: u32 = 20_000_000;
/// The size of one hash slot (an int).
pub const HASH_SLOT_SIZE: usize = 4;
/// The size of one entry: key hash (4), commitlog offset (8), time difference (4), previous entry (4).
pub const INDEX_ENTRY_SIZE: usize = 20;
/// Java's `invalidIndex`: the slot or chain value meaning "no entry".
const INVALID_INDEX: i32 = 0;

/// The shape of an index file: how many hash slots and how many entries it has room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexFileGeometry {
    /// Number of hash slots (Java's `maxHashSlotNum`).
    pub hash_slot_num: u32,
    /// Number of entries, entry 0 included although never used (Java's `maxIndexNum`).
    pub index_num: u32,
}

impl Default for IndexFileGeometry {
    fn default() -> Self {
        IndexFileGeometry {
            hash_slot_num: DEFAULT_HASH_SLOT_NUM,
            index_num: DEFAULT_INDEX_NUM,
        }
    }
}

impl IndexFileGeometry {
    /// The file size, `40 + hash_slot_num × 4 + index_num × 20` (Java's `fileTotalSize`). Both numbers must be
    /// positive and the size must fit a Java `int`, as Java computes it in one.
    pub fn file_size(&self) -> Result<usize> {
        if self.hash_slot_num == 0 || self.index_num == 0 {
            return Err(StoreError::InvalidConfig(format!(
                "index file hash slot count ({}) and index count ({}) must be positive",
                self.hash_slot_num, self.index_num
            )));
        }
        let size = INDEX_HEADER_SIZE as u64
            + u64::from(self.hash_slot_num) * HASH_SLOT_SIZE as u64
            + u64::from(self.index_num) * INDEX_ENTRY_SIZE as u64;
        if size > i32::MAX as u64 {
            return Err(StoreError::InvalidConfig(format!(
                "an index file of {} hash slots and {} entries has {size} bytes, more than a Java int holds",
                self.hash_slot_num, self.index_num
            )));
        }
        usize::try_from(size).map_err(|_| StoreError::InvalidConfig(format!("index file size {size}")))
    }

    /// Where the entries start.
    fn entries_at(&self) -> usize {
        INDEX_HEADER_SIZE + self.hash_slot_num as usize * HASH_SLOT_SIZE
    }

    /// Where the slot of `key_hash` (non-negative) lies.
    fn slot_at(&self, key_hash: i32) -> usize {
        let slot = key_hash.unsigned_abs() % self.hash_slot_num;
        INDEX_HEADER_SIZE + slot as usize * HASH_SLOT_SIZE
    }

    /// Where entry `number` (non-negative) lies.
    fn entry_at(&self, number: i32) -> usize {
        self.entries_at() + number.unsigned_abs() as usize * INDEX_ENTRY_SIZE
    }
}

/// The key indexed for `key` of a message of `topic`: `topic#key` (Java's `IndexService#buildKey`).
pub fn build_key(topic: &str, key: &str) -> String {
    format!("{topic}#{key}")
}

/// Java's `IndexFile#indexKeyHashMethod`: `Math.abs(key.hashCode())`, with the one negative result (for a hash
/// of `Integer.MIN_VALUE`, whose absolute value overflows) replaced by 0. `String.hashCode` runs over the
/// UTF-16 code units: `h = 31 × h + unit`, wrapping.
pub fn index_key_hash(key: &str) -> i32 {
    let hash = key
        .encode_utf16()
        .fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)));
    let positive = hash.wrapping_abs();
    if positive < 0 { 0 } else { positive }
}

/// The name of an index file created at `epoch_millis`: `yyyyMMddHHmmssSSS` (Java's
/// `UtilAll#timeMillisToHumanString`, used by `IndexService#getAndCreateLastIndexFile`). Java formats the time
/// in the JVM's default time zone; this crate has no time-zone database, so the caller passes that zone's
/// offset from UTC at that instant (0 for UTC). Names only need to sort by creation time.
pub fn index_file_name(epoch_millis: i64, utc_offset_millis: i64) -> String {
    let local = epoch_millis.saturating_add(utc_offset_millis);
    let millis = local.rem_euclid(1000);
    let seconds = local.div_euclid(1000);
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}{millis:03}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// The proleptic Gregorian date of a day number counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The mapping and the header, which change together.
struct State {
    map: MmapMut,
    header: IndexHeader,
}

/// One index file, mapped into memory.
pub struct IndexFile {
    path: PathBuf,
    file: File,
    geometry: IndexFileGeometry,
    size: usize,
    state: RwLock<State>,
}

impl std::fmt::Debug for IndexFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexFile")
            .field("path", &self.path)
            .field("geometry", &self.geometry)
            .field("header", &self.header())
            .finish()
    }
}

impl IndexFile {
    /// Creates the index file `path` (which must not exist), all zero, and maps it. The file's length and its
    /// name are made durable before it is used.
    ///
    /// As Java's `IndexFile` constructor does for a new file, a positive `end_phy_offset` or `end_timestamp`
    /// (the previous file's end) becomes both the begin and the end value of the header and is written at once;
    /// the first put replaces the begin values.
    pub fn create(
        path: &Path,
        geometry: IndexFileGeometry,
        end_phy_offset: i64,
        end_timestamp: i64,
    ) -> Result<IndexFile> {
        let size = geometry.file_size()?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .with_path("create index file", path)?;
        file.set_len(size as u64)
            .with_path("preallocate index file", path)?;
        file.sync_all().with_path("sync index file", path)?;
        if let Some(dir) = path.parent() {
            sync_dir(dir)?;
        }
        let mut map = map_file(&file, size).with_path("map index file", path)?;
        let mut header = IndexHeader::default();
        // Java writes only the fields it sets; the rest of the header stays zero until the first put or flush.
        if end_phy_offset > 0 {
            header.begin_phy_offset = end_phy_offset;
            header.end_phy_offset = end_phy_offset;
            map[16..32].copy_from_slice(&header.encode()[16..32]);
        }
        if end_timestamp > 0 {
            header.begin_timestamp = end_timestamp;
            header.end_timestamp = end_timestamp;
            map[0..16].copy_from_slice(&header.encode()[0..16]);
        }
        Ok(IndexFile {
            path: path.to_path_buf(),
            file,
            geometry,
            size,
            state: RwLock::new(State { map, header }),
        })
    }

    /// Opens and maps the existing index file `path`, which must have the size `geometry` gives, and loads its
    /// header (Java's `IndexFile#load`: an index count of 0 or less counts as 1).
    pub fn open(path: &Path, geometry: IndexFileGeometry) -> Result<IndexFile> {
        let size = geometry.file_size()?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .with_path("open index file", path)?;
        let len = file.metadata().with_path("stat index file", path)?.len();
        if len != size as u64 {
            return Err(StoreError::corrupt(
                path,
                0,
                format!("the index file has {len} bytes, the configured geometry needs {size}"),
            ));
        }
        let map = map_file(&file, size).with_path("map index file", path)?;
        let header = IndexHeader::load(&map)
            .ok_or_else(|| StoreError::corrupt(path, 0, "the index file is shorter than its header"))?;
        Ok(IndexFile {
            path: path.to_path_buf(),
            file,
            geometry,
            size,
            state: RwLock::new(State { map, header }),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file size in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The file's geometry.
    pub fn geometry(&self) -> IndexFileGeometry {
        self.geometry
    }

    /// The header as kept in memory.
    pub fn header(&self) -> IndexHeader {
        self.read_state().header
    }

    /// Store time of the first entry (Java's `getBeginTimestamp`).
    pub fn begin_timestamp(&self) -> i64 {
        self.header().begin_timestamp
    }

    /// Store time of the latest entry (Java's `getEndTimestamp`).
    pub fn end_timestamp(&self) -> i64 {
        self.header().end_timestamp
    }

    /// Commitlog offset of the latest entry (Java's `getEndPhyOffset`).
    pub fn end_phy_offset(&self) -> i64 {
        self.header().end_phy_offset
    }

    /// Whether no entry fits any more (Java's `isWriteFull`).
    pub fn is_write_full(&self) -> bool {
        i64::from(self.header().index_count) >= i64::from(self.geometry.index_num)
    }

    /// Whether the file's time span overlaps `begin..=end` (Java's `isTimeMatched`).
    pub fn is_time_matched(&self, begin: i64, end: i64) -> bool {
        let header = self.header();
        let (first, last) = (header.begin_timestamp, header.end_timestamp);
        (begin < first && end > last) || (begin >= first && begin <= last) || (end >= first && end <= last)
    }

    /// Indexes `key` (already built with [`build_key`]) for the message at `phy_offset` stored at
    /// `store_timestamp` (Java's `IndexFile#putKey`). `Ok(false)` when the file is full.
    ///
    /// The new entry takes number `index_count`, records the slot's previous head as its predecessor (a head
    /// of 0 or beyond `index_count` counts as none) and becomes the slot's head. Its time difference is
    /// `(store_timestamp - begin_timestamp) / 1000` seconds, 0 while the header has no begin time yet (the
    /// first entry of a file created without a previous end), clamped to `0..=i32::MAX`. The first entry sets
    /// the header's begin values; every entry sets the end values.
    pub fn put_key(&self, key: &str, phy_offset: i64, store_timestamp: i64) -> Result<bool> {
        let mut state = self.write_state();
        let count = state.header.index_count;
        if i64::from(count) >= i64::from(self.geometry.index_num) {
            tracing::warn!(
                file = %self.path.display(),
                index_count = count,
                index_num = self.geometry.index_num,
                "index file is full"
            );
            return Ok(false);
        }
        let key_hash = index_key_hash(key);
        let slot_at = self.geometry.slot_at(key_hash);
        let mut slot_value = read_i32(&state.map, slot_at).ok_or_else(|| self.out_of_bounds(slot_at))?;
        if slot_value <= INVALID_INDEX || slot_value > count {
            slot_value = INVALID_INDEX;
        }

        let begin = state.header.begin_timestamp;
        let time_diff = store_timestamp.wrapping_sub(begin) / 1000;
        let time_diff = if begin <= 0 {
            0
        } else if time_diff > i64::from(i32::MAX) {
            i32::MAX
        } else if time_diff < 0 {
            0
        } else {
            time_diff as i32
        };

        let mut entry = [0u8; INDEX_ENTRY_SIZE];
        entry[0..4].copy_from_slice(&key_hash.to_be_bytes());
        entry[4..12].copy_from_slice(&phy_offset.to_be_bytes());
        entry[12..16].copy_from_slice(&time_diff.to_be_bytes());
        entry[16..20].copy_from_slice(&slot_value.to_be_bytes());
        let entry_at = self.geometry.entry_at(count);
        write_bytes(&mut state.map, entry_at, &entry).ok_or_else(|| self.out_of_bounds(entry_at))?;
        write_bytes(&mut state.map, slot_at, &count.to_be_bytes())
            .ok_or_else(|| self.out_of_bounds(slot_at))?;

        let header = &mut state.header;
        if count <= 1 {
            header.begin_phy_offset = phy_offset;
            header.begin_timestamp = store_timestamp;
        }
        if slot_value == INVALID_INDEX {
            header.hash_slot_count = header.hash_slot_count.wrapping_add(1);
        }
        header.index_count = count.wrapping_add(1);
        header.end_phy_offset = phy_offset;
        header.end_timestamp = store_timestamp;
        // Java writes each changed field; after any put all six have been written, so writing the whole header
        // leaves the same bytes.
        let encoded = header.encode();
        state.map[..INDEX_HEADER_SIZE].copy_from_slice(&encoded);
        Ok(true)
    }

    /// The commitlog offsets of the entries for `key` stored within `begin..=end`, newest first, at most
    /// `max_num` (Java's `IndexFile#selectPhyOffset`).
    pub fn select_phy_offsets(&self, key: &str, max_num: usize, begin: i64, end: i64) -> Vec<i64> {
        let mut offsets = Vec::new();
        self.select_phy_offsets_into(&mut offsets, key, max_num, begin, end);
        offsets
    }

    /// As [`select_phy_offsets`](Self::select_phy_offsets), appending to `offsets` and counting its earlier
    /// contents towards `max_num` (Java passes one list through all files).
    ///
    /// Walks the key's slot chain from the newest entry: stops when `offsets` holds `max_num`, at an entry
    /// with a negative time difference, after an entry stored before `begin`, or at a predecessor of 0, beyond
    /// `index_count` or equal to the entry itself. An entry counts if its hash is the key's and its time
    /// (`begin_timestamp + diff × 1000`) lies within `begin..=end`. An empty file (`index_count <= 1`) yields
    /// nothing. Unlike Java, the walk also stops after `index_count` (at most `index_num`) steps, so a corrupt
    /// chain with a cycle cannot loop forever (a valid chain is shorter: predecessors have smaller numbers).
    pub fn select_phy_offsets_into(
        &self,
        offsets: &mut Vec<i64>,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) {
        let state = self.read_state();
        let map = &state.map;
        let header = state.header;
        let count = header.index_count;
        let key_hash = index_key_hash(key);
        let Some(slot_value) = read_i32(map, self.geometry.slot_at(key_hash)) else {
            return;
        };
        if slot_value <= INVALID_INDEX || slot_value > count || count <= 1 {
            return;
        }
        let mut next = slot_value;
        let max_steps = count.unsigned_abs().min(self.geometry.index_num);
        for _ in 0..max_steps {
            if offsets.len() >= max_num {
                break;
            }
            let at = self.geometry.entry_at(next);
            let Some(entry) = map.get(at..at.saturating_add(INDEX_ENTRY_SIZE)) else {
                break;
            };
            let (Some(hash_read), Some(offset_read), Some(diff_read), Some(prev_read)) = (
                read_i32(entry, 0),
                read_i64(entry, 4),
                read_i32(entry, 12),
                read_i32(entry, 16),
            ) else {
                break;
            };
            if diff_read < 0 {
                break;
            }
            let time_read = header.begin_timestamp.wrapping_add(i64::from(diff_read) * 1000);
            if hash_read == key_hash && time_read >= begin && time_read <= end {
                offsets.push(offset_read);
            }
            if prev_read <= INVALID_INDEX || prev_read > count || prev_read == next || time_read < begin {
                break;
            }
            next = prev_read;
        }
    }

    /// Writes the header and makes the file durable (Java's `IndexFile#flush`: `updateByteBuffer`, then
    /// `force`).
    pub fn flush(&self) -> Result<()> {
        {
            let mut state = self.write_state();
            let encoded = state.header.encode();
            state.map[..INDEX_HEADER_SIZE].copy_from_slice(&encoded);
        }
        self.file.sync_data().with_path("flush index file", &self.path)
    }

    /// Deletes the file from disk; the mapping stays valid while this value lives.
    pub fn delete(&self) -> Result<()> {
        std::fs::remove_file(&self.path).with_path("delete index file", &self.path)
    }

    fn out_of_bounds(&self, at: usize) -> StoreError {
        StoreError::corrupt(&self.path, at as u64, "index file position beyond the mapping")
    }

    fn read_state(&self) -> RwLockReadGuard<'_, State> {
        // A poisoned lock only means a thread panicked while holding it; the bytes are still the file's bytes.
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_state(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn read_i32(bytes: &[u8], at: usize) -> Option<i32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(i32::from_be_bytes(slice.try_into().ok()?))
}

fn read_i64(bytes: &[u8], at: usize) -> Option<i64> {
    let slice = bytes.get(at..at.checked_add(8)?)?;
    Some(i64::from_be_bytes(slice.try_into().ok()?))
}

fn write_bytes(bytes: &mut [u8], at: usize, data: &[u8]) -> Option<()> {
    bytes
        .get_mut(at..at.checked_add(data.len())?)?
        .copy_from_slice(data);
    Some(())
}
