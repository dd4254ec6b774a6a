//! Dropping the newest entries of an index file: what recovery after an unclean stop does to the file that holds
//! entries for commitlog units it is about to scan (and re-index) again, or that it cut off.
//!
//! Entries are added in commitlog order, so the entries for offsets at or after a cut are a suffix of the entry
//! numbers. Each slot chain runs from newer to older entries, so a slot whose head is in that suffix is moved
//! back along its chain to the first kept entry. Java has no such operation: after an unclean stop it deletes
//! whole files newer than the checkpoint (`IndexService#load`), see `index_service.rs`.

use super::{INDEX_ENTRY_SIZE, INVALID_INDEX, IndexFile, read_i32, read_i64, write_bytes};
use crate::error::Result;
use crate::index_header::INDEX_HEADER_SIZE;

impl IndexFile {
    /// Drops every entry for a commitlog offset at or after `cut` and returns how many were dropped. The header
    /// then ends at the last kept entry; its end timestamp is `store_time(offset)` of that entry, or, if that is
    /// unknown, the entry's time rounded up to the second.
    pub(crate) fn truncate_from(&self, cut: i64, store_time: &dyn Fn(i64) -> Option<i64>) -> Result<usize> {
        let mut state = self.write_state();
        let count = state.header.index_count;
        if count <= 1 || state.header.end_phy_offset < cut {
            return Ok(0);
        }
        let offset_of = |map: &[u8], number: i32| read_i64(map, self.geometry.entry_at(number) + 4);
        let mut keep = count;
        for number in 1..count {
            let offset = offset_of(&state.map, number).ok_or_else(|| self.out_of_bounds(0))?;
            if offset >= cut {
                keep = number;
                break;
            }
        }
        let mut used_slots = 0i32;
        for slot in 0..self.geometry.hash_slot_num as usize {
            let slot_at = INDEX_HEADER_SIZE + slot * super::HASH_SLOT_SIZE;
            let head = read_i32(&state.map, slot_at).ok_or_else(|| self.out_of_bounds(slot_at))?;
            let mut kept = head;
            while kept >= keep && kept < count {
                let prev_at = self.geometry.entry_at(kept) + 16;
                let prev = read_i32(&state.map, prev_at).ok_or_else(|| self.out_of_bounds(prev_at))?;
                if prev >= kept {
                    kept = INVALID_INDEX;
                    break;
                }
                kept = prev;
            }
            if kept <= INVALID_INDEX || kept >= keep {
                kept = INVALID_INDEX;
            }
            if kept != head {
                write_bytes(&mut state.map, slot_at, &kept.to_be_bytes())
                    .ok_or_else(|| self.out_of_bounds(slot_at))?;
            }
            if kept != INVALID_INDEX {
                used_slots += 1;
            }
        }
        let zeros = [0u8; INDEX_ENTRY_SIZE];
        for number in keep..count {
            let at = self.geometry.entry_at(number);
            write_bytes(&mut state.map, at, &zeros).ok_or_else(|| self.out_of_bounds(at))?;
        }
        let (end_phy_offset, end_timestamp) = if keep > 1 {
            let last_at = self.geometry.entry_at(keep - 1);
            let offset = read_i64(&state.map, last_at + 4).ok_or_else(|| self.out_of_bounds(last_at))?;
            let diff = read_i32(&state.map, last_at + 12).ok_or_else(|| self.out_of_bounds(last_at))?;
            let rounded_up = state
                .header
                .begin_timestamp
                .saturating_add(i64::from(diff.max(0)) * 1000 + 999);
            (offset, store_time(offset).unwrap_or(rounded_up))
        } else {
            (state.header.begin_phy_offset, state.header.begin_timestamp)
        };
        let header = &mut state.header;
        header.end_phy_offset = end_phy_offset;
        header.end_timestamp = end_timestamp;
        header.index_count = keep;
        header.hash_slot_count = used_slots;
        let encoded = header.encode();
        state.map[..INDEX_HEADER_SIZE].copy_from_slice(&encoded);
        Ok((count - keep) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index_file::IndexFileGeometry;

    #[test]
    fn drops_the_newest_entries_and_relinks_the_chains() {
        let dir = tempfile::tempdir().unwrap();
        let geometry = IndexFileGeometry {
            hash_slot_num: 4,
            index_num: 20,
        };
        let file = IndexFile::create(&dir.path().join("f"), geometry, 0, 0).unwrap();
        for offset in 0..10i64 {
            let key = if offset % 2 == 0 { "T#even" } else { "T#odd" };
            assert!(
                file.put_key(key, offset * 100, 1_000_000 + offset * 1000)
                    .unwrap()
            );
        }
        let no_time = |_: i64| None;
        assert_eq!(file.truncate_from(2000, &no_time).unwrap(), 0, "nothing that far");
        assert_eq!(file.truncate_from(550, &no_time).unwrap(), 4);
        let header = file.header();
        assert_eq!(header.index_count, 7);
        assert_eq!(header.end_phy_offset, 500);
        assert_eq!(
            header.end_timestamp, 1_005_999,
            "rounded up without the commitlog"
        );
        assert_eq!(file.select_phy_offsets("T#even", 10, 0, i64::MAX), [400, 200, 0]);
        assert_eq!(file.select_phy_offsets("T#odd", 10, 0, i64::MAX), [500, 300, 100]);
        assert!(file.put_key("T#even", 600, 1_006_000).unwrap());
        assert_eq!(
            file.select_phy_offsets("T#even", 10, 0, i64::MAX),
            [600, 400, 200, 0]
        );

        let at = |offset: i64| Some(offset * 10);
        assert_eq!(file.truncate_from(0, &at).unwrap(), 7);
        assert_eq!(file.header().index_count, 1);
        assert_eq!(file.header().hash_slot_count, 0);
        assert!(file.select_phy_offsets("T#even", 10, 0, i64::MAX).is_empty());
    }
}
