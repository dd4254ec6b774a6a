//! The index file (REMOTING.md §7.3): Java's key hash, slot chaining, time filtering, capacity, reopen, exact
//! on-disk bytes, and robustness against corrupt files.

use fulmen_store::{
    INDEX_HEADER_SIZE, IndexFile, IndexFileGeometry, IndexHeader, StoreError, build_key, index_file_name,
    index_key_hash,
};
use proptest::prelude::*;

fn geometry(hash_slot_num: u32, index_num: u32) -> IndexFileGeometry {
    IndexFileGeometry {
        hash_slot_num,
        index_num,
    }
}

#[test]
fn key_hash_is_javas_string_hash_code_made_non_negative() {
    // "hello".hashCode() == 99162322.
    assert_eq!(index_key_hash("hello"), 99_162_322);
    // "a#b": 97 × 31² + 35 × 31 + 98 = 93217 + 1085 + 98 = 94400.
    assert_eq!(index_key_hash("a#b"), 94_400);
    // "Aa" and "BB" collide in Java (65 × 31 + 97 = 66 × 31 + 66 = 2112).
    assert_eq!(index_key_hash("Aa"), 2112);
    assert_eq!(index_key_hash("BB"), 2112);
    // Negative Java hashes become their absolute value (hashCode of "TopicTest#ORDER-1" is -1111209712).
    assert_eq!(index_key_hash("TopicTest#ORDER-1"), 1_111_209_712);
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE; Math.abs keeps it negative, Java then uses 0.
    assert_eq!(index_key_hash("polygenelubricants"), 0);
    // Java hashes UTF-16 code units: "é" is one unit (233), "😀" the pair D83D DE00: 55357 × 31 + 56832.
    assert_eq!(index_key_hash("é"), 233);
    assert_eq!(index_key_hash("😀"), 55_357 * 31 + 56_832);
    assert_eq!(index_key_hash(""), 0);
}

#[test]
fn keys_are_topic_hash_key() {
    assert_eq!(build_key("TopicTest", "ORDER-1"), "TopicTest#ORDER-1");
    assert_eq!(build_key("", ""), "#");
}

#[test]
fn file_names_are_the_creation_time() {
    assert_eq!(index_file_name(0, 0), "19700101000000000");
    // 1700000000123 ms = 2023-11-14 22:13:20.123 UTC.
    assert_eq!(index_file_name(1_700_000_000_123, 0), "20231114221320123");
    assert_eq!(
        index_file_name(1_700_000_000_123, 8 * 3600 * 1000),
        "20231115061320123"
    );
    // 2024-02-29 23:59:59.999 UTC (a leap day).
    assert_eq!(index_file_name(1_709_251_199_999, 0), "20240229235959999");
    assert_eq!(index_file_name(-1, 0), "19691231235959999");
}

#[test]
fn geometry_sizes_like_java_and_rejects_nonsense() {
    assert_eq!(IndexFileGeometry::default().file_size().unwrap(), 420_000_040);
    assert_eq!(geometry(7, 4).file_size().unwrap(), 40 + 7 * 4 + 4 * 20);
    assert!(matches!(
        geometry(0, 4).file_size(),
        Err(StoreError::InvalidConfig(_))
    ));
    assert!(matches!(
        geometry(4, 0).file_size(),
        Err(StoreError::InvalidConfig(_))
    ));
    // More than a Java int can address.
    assert!(matches!(
        geometry(1, 200_000_000).file_size(),
        Err(StoreError::InvalidConfig(_))
    ));
}

#[test]
fn round_trips_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = IndexFile::create(&dir.path().join("idx"), geometry(64, 100), 0, 0).unwrap();
    assert!(file.select_phy_offsets("T#k1", 10, 0, i64::MAX).is_empty());
    for i in 0..20i64 {
        assert!(
            file.put_key(
                &build_key("T", &format!("k{}", i % 4)),
                1000 + i,
                10_000 + i * 1000
            )
            .unwrap()
        );
    }
    // Newest first.
    assert_eq!(
        file.select_phy_offsets("T#k1", 100, 0, i64::MAX),
        vec![1017, 1013, 1009, 1005, 1001]
    );
    assert_eq!(file.select_phy_offsets("T#k1", 2, 0, i64::MAX), vec![1017, 1013]);
    assert!(file.select_phy_offsets("T#k9", 100, 0, i64::MAX).is_empty());
    assert!(file.select_phy_offsets("U#k1", 100, 0, i64::MAX).is_empty());
    let header = file.header();
    assert_eq!(header.index_count, 21);
    assert_eq!((header.begin_phy_offset, header.end_phy_offset), (1000, 1019));
    assert_eq!((header.begin_timestamp, header.end_timestamp), (10_000, 29_000));
    assert!(header.hash_slot_count >= 1 && header.hash_slot_count <= 4);
    assert!(file.is_time_matched(0, 10_000));
    assert!(file.is_time_matched(29_000, 40_000));
    assert!(file.is_time_matched(0, 50_000));
    assert!(!file.is_time_matched(30_000, 50_000));

    // Results accumulate across calls (as Java's list across files) and count towards the limit.
    let mut offsets = vec![1];
    file.select_phy_offsets_into(&mut offsets, "T#k2", 3, 0, i64::MAX);
    assert_eq!(offsets, vec![1, 1018, 1014]);
}

#[test]
fn colliding_keys_share_a_chain_and_equal_hashes_both_match() {
    let dir = tempfile::tempdir().unwrap();
    // One slot: every key lands in it.
    let file = IndexFile::create(&dir.path().join("idx"), geometry(1, 10), 0, 0).unwrap();
    assert!(file.put_key("T#a", 100, 1_000).unwrap());
    assert!(file.put_key("T#b", 200, 2_000).unwrap());
    assert!(file.put_key("T#a", 300, 3_000).unwrap());
    assert_eq!(file.select_phy_offsets("T#a", 10, 0, i64::MAX), vec![300, 100]);
    assert_eq!(file.select_phy_offsets("T#b", 10, 0, i64::MAX), vec![200]);
    assert_eq!(file.header().hash_slot_count, 1);

    // Keys are not stored: "T#Aa" and "T#BB" have one Java hash, so a lookup of either finds both (as in Java;
    // the broker filters by the message's keys afterwards).
    assert_eq!(index_key_hash("T#Aa"), index_key_hash("T#BB"));
    assert!(file.put_key("T#Aa", 400, 4_000).unwrap());
    assert!(file.put_key("T#BB", 500, 5_000).unwrap());
    assert_eq!(file.select_phy_offsets("T#Aa", 10, 0, i64::MAX), vec![500, 400]);
}

#[test]
fn time_range_filters_and_stops_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let file = IndexFile::create(&dir.path().join("idx"), geometry(8, 10), 0, 0).unwrap();
    // Times are stored in whole seconds after the first entry's time: 10_000, 12_000 (12_500 truncated), 20_000.
    assert!(file.put_key("T#k", 1, 10_000).unwrap());
    assert!(file.put_key("T#k", 2, 12_500).unwrap());
    assert!(file.put_key("T#k", 3, 20_000).unwrap());
    assert_eq!(file.select_phy_offsets("T#k", 10, 0, i64::MAX), vec![3, 2, 1]);
    assert_eq!(file.select_phy_offsets("T#k", 10, 12_000, 20_000), vec![3, 2]);
    assert_eq!(file.select_phy_offsets("T#k", 10, 12_001, 20_000), vec![3]);
    assert_eq!(file.select_phy_offsets("T#k", 10, 0, 11_999), vec![1]);
    assert_eq!(file.select_phy_offsets("T#k", 10, 10_000, 10_000), vec![1]);
    assert!(file.select_phy_offsets("T#k", 10, 20_001, 30_000).is_empty());
    assert!(file.select_phy_offsets("T#k", 0, 0, i64::MAX).is_empty());
}

#[test]
fn time_differences_are_clamped_like_java() {
    let dir = tempfile::tempdir().unwrap();
    // A file that continues a previous one begins at that file's end time.
    let file = IndexFile::create(&dir.path().join("idx"), geometry(8, 10), 500, 100_000).unwrap();
    assert_eq!(file.header().begin_timestamp, 100_000);
    // Stored before the begin time: the difference is clamped to 0. The first put then replaces the begin time
    // with its own, so the entry reads back at 50_000.
    assert!(file.put_key("T#early", 600, 50_000).unwrap());
    assert_eq!(file.begin_timestamp(), 50_000);
    assert_eq!(file.header().begin_phy_offset, 600);
    assert_eq!(file.select_phy_offsets("T#early", 10, 50_000, 50_000), vec![600]);
    // Beyond i32::MAX seconds: clamped to i32::MAX.
    let far = 50_000 + (i64::from(i32::MAX) + 10) * 1000;
    assert!(file.put_key("T#far", 700, far).unwrap());
    let clamped = 50_000 + i64::from(i32::MAX) * 1000;
    assert_eq!(file.select_phy_offsets("T#far", 10, clamped, clamped), vec![700]);
}

/// Java measures the first entry's difference from the begin time the file was created with, then makes that
/// entry's own time the begin time: the first entry reads back shifted by the difference.
#[test]
fn the_first_entry_of_a_continuing_file_reads_back_shifted_as_in_java() {
    let dir = tempfile::tempdir().unwrap();
    let file = IndexFile::create(&dir.path().join("idx"), geometry(8, 10), 500, 100_000).unwrap();
    // Stored with difference (103_500 - 100_000) / 1000 = 3 s; the begin time becomes 103_500.
    assert!(file.put_key("T#k", 600, 103_500).unwrap());
    assert_eq!(file.begin_timestamp(), 103_500);
    assert!(file.select_phy_offsets("T#k", 10, 103_500, 103_500).is_empty());
    assert_eq!(file.select_phy_offsets("T#k", 10, 106_500, 106_500), vec![600]);
}

#[test]
fn a_full_file_refuses_keys() {
    let dir = tempfile::tempdir().unwrap();
    // Three entries of room, entry 0 unused: two keys fit.
    let file = IndexFile::create(&dir.path().join("idx"), geometry(4, 3), 0, 0).unwrap();
    assert!(!file.is_write_full());
    assert!(file.put_key("T#a", 1, 1_000).unwrap());
    assert!(file.put_key("T#b", 2, 2_000).unwrap());
    assert!(file.is_write_full());
    assert!(!file.put_key("T#c", 3, 3_000).unwrap());
    assert_eq!(file.header().index_count, 3);
    assert_eq!(file.end_phy_offset(), 2);
    assert!(file.select_phy_offsets("T#c", 10, 0, i64::MAX).is_empty());
    assert_eq!(file.select_phy_offsets("T#b", 10, 0, i64::MAX), vec![2]);
}

#[test]
fn header_and_entries_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(index_file_name(1_700_000_000_123, 0));
    let g = geometry(16, 50);
    let header = {
        let file = IndexFile::create(&path, g, 0, 0).unwrap();
        for i in 0..10i64 {
            assert!(
                file.put_key(&format!("T#{}", i % 3), i * 100, 5_000 + i * 1000)
                    .unwrap()
            );
        }
        file.flush().unwrap();
        file.header()
    };
    let file = IndexFile::open(&path, g).unwrap();
    assert_eq!(file.header(), header);
    assert_eq!(file.path(), path);
    assert_eq!(file.size(), g.file_size().unwrap());
    assert_eq!(
        file.select_phy_offsets("T#0", 10, 0, i64::MAX),
        vec![900, 600, 300, 0]
    );
    // Writing continues after the reloaded count.
    assert!(file.put_key("T#0", 1000, 15_000).unwrap());
    assert_eq!(file.select_phy_offsets("T#0", 2, 0, i64::MAX), vec![1000, 900]);
    assert_eq!(file.header().index_count, 12);
    drop(file);

    // A geometry that does not fit the file's size is refused.
    assert!(matches!(
        IndexFile::open(&path, geometry(16, 51)),
        Err(StoreError::Corrupt { .. })
    ));
    // Creating over an existing file is refused.
    assert!(IndexFile::create(&path, g, 0, 0).is_err());
    // Deleting removes it.
    let file = IndexFile::open(&path, g).unwrap();
    file.delete().unwrap();
    assert!(!path.exists());
}

#[test]
fn an_unwritten_file_reloads_with_count_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    let g = geometry(4, 8);
    drop(IndexFile::create(&path, g, 0, 0).unwrap());
    // Java writes nothing until the first put or flush: the header is all zero on disk.
    assert_eq!(std::fs::read(&path).unwrap(), vec![0; g.file_size().unwrap()]);
    let file = IndexFile::open(&path, g).unwrap();
    assert_eq!(file.header(), IndexHeader::default());
    assert!(file.select_phy_offsets("T#a", 10, 0, i64::MAX).is_empty());
}

/// Exact bytes of two entries, derived by hand from Java's `IndexFile#putKey`.
#[test]
fn golden_bytes_match_javas_put_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    // 7 slots, 4 entries: 40 + 7 × 4 + 4 × 20 = 148 bytes; slots at 40..68, entry n at 68 + n × 20.
    let g = geometry(7, 4);
    let file = IndexFile::create(&path, g, 0, 0).unwrap();
    // hash("a#b") = 94400 = 0x000170C0; slot = 94400 % 7 = 5 (7 × 13485 = 94395), at 40 + 5 × 4 = 60.
    // First put: entry 1 at 68 + 20 = 88; begin time 0 so time diff 0; slot empty so prev 0; slot := 1.
    assert!(file.put_key("a#b", 1000, 1_700_000_000_000).unwrap());
    // Second put: entry 2 at 108; time diff (1_700_000_005_999 - 1_700_000_000_000) / 1000 = 5; prev 1; slot := 2.
    assert!(file.put_key("a#b", 2000, 1_700_000_005_999).unwrap());
    drop(file);

    let mut expected = vec![0u8; 148];
    let header = IndexHeader {
        begin_timestamp: 1_700_000_000_000,
        end_timestamp: 1_700_000_005_999,
        begin_phy_offset: 1000,
        end_phy_offset: 2000,
        hash_slot_count: 1,
        index_count: 3,
    };
    expected[..INDEX_HEADER_SIZE].copy_from_slice(&header.encode());
    expected[60..64].copy_from_slice(&[0, 0, 0, 2]);
    expected[88..108].copy_from_slice(&[
        0x00, 0x01, 0x70, 0xC0, // key hash 94400
        0, 0, 0, 0, 0, 0, 0x03, 0xE8, // commitlog offset 1000
        0, 0, 0, 0, // time diff 0 s
        0, 0, 0, 0, // prev: none
    ]);
    expected[108..128].copy_from_slice(&[
        0x00, 0x01, 0x70, 0xC0, // key hash 94400
        0, 0, 0, 0, 0, 0, 0x07, 0xD0, // commitlog offset 2000
        0, 0, 0, 5, // time diff 5 s
        0, 0, 0, 1, // prev: entry 1
    ]);
    assert_eq!(std::fs::read(&path).unwrap(), expected);
    // Header bytes spelled out once: begin timestamp 1_700_000_000_000 = 0x0000018BCFE56800.
    assert_eq!(&expected[0..8], &[0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00]);
    assert_eq!(&expected[32..40], &[0, 0, 0, 1, 0, 0, 0, 3]);
}

/// Java's constructor writes only the previous file's end values; `flush` then writes the whole header.
#[test]
fn a_continuing_file_writes_only_the_end_values_until_flushed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    let g = geometry(2, 2);
    let file = IndexFile::create(&path, g, 0x1234, 0x5678).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut expected = [0u8; INDEX_HEADER_SIZE];
    expected[0..8].copy_from_slice(&0x5678i64.to_be_bytes());
    expected[8..16].copy_from_slice(&0x5678i64.to_be_bytes());
    expected[16..24].copy_from_slice(&0x1234i64.to_be_bytes());
    expected[24..32].copy_from_slice(&0x1234i64.to_be_bytes());
    assert_eq!(&bytes[..INDEX_HEADER_SIZE], &expected);
    file.flush().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    expected[36..40].copy_from_slice(&1i32.to_be_bytes());
    assert_eq!(&bytes[..INDEX_HEADER_SIZE], &expected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any bytes at all, header and chains included, neither panic nor hang a lookup or a put.
    #[test]
    fn corrupt_files_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 40 + 4 * 4 + 6 * 20),
        keys in proptest::collection::vec("[a-c]{1,2}", 1..4),
        begin in any::<i64>(),
        end in any::<i64>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idx");
        std::fs::write(&path, &bytes).unwrap();
        let file = IndexFile::open(&path, geometry(4, 6)).unwrap();
        for key in &keys {
            let found = file.select_phy_offsets(key, 1000, begin, end);
            prop_assert!(found.len() <= 6);
            let _ = file.select_phy_offsets(key, 1000, i64::MIN, i64::MAX);
            let _ = file.put_key(key, 7, begin).unwrap();
        }
        let _ = file.is_time_matched(begin, end);
    }
}
