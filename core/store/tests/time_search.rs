//! SEARCH_OFFSET_BY_TIMESTAMP and GET_EARLIEST_MSG_STORETIME against the timestamps the store assigned.

mod common;

use std::time::Duration;

use common::*;
use fulmen_store::{BoundaryType, MessageStore};

/// Java's answer, computed by brute force over the store timestamps of a queue.
fn expected(times: &[i64], timestamp: i64, boundary: BoundaryType) -> i64 {
    let equal: Vec<usize> = (0..times.len()).filter(|&i| times[i] == timestamp).collect();
    if let (Some(first), Some(last)) = (equal.first(), equal.last()) {
        return match boundary {
            BoundaryType::Lower => *first as i64,
            BoundaryType::Upper => *last as i64,
        };
    }
    let left = (0..times.len()).rev().find(|&i| times[i] < timestamp);
    let right = (0..times.len()).find(|&i| times[i] > timestamp);
    match (left, right) {
        (Some(l), Some(r)) => {
            if timestamp - times[l] > times[r] - timestamp {
                r as i64
            } else {
                l as i64
            }
        }
        (Some(l), None) => l as i64,
        (None, Some(r)) => r as i64,
        (None, None) => 0,
    }
}

#[test]
fn search_by_timestamp_follows_java() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let mut times = Vec::new();
    for index in 0..40 {
        let append = put_ok(&store, message("T", 0, &format!("m{index}"), None))
            .append
            .unwrap();
        times.push(append.store_timestamp);
        if index % 4 == 3 {
            std::thread::sleep(Duration::from_millis(3));
        }
    }
    assert!(
        times.windows(2).all(|pair| pair[0] <= pair[1]),
        "store times never go back"
    );
    assert_eq!(store.earliest_store_time("T", 0), Some(times[0]));
    assert_eq!(store.store_time_at("T", 0, 39), Some(times[39]));
    assert_eq!(store.earliest_store_time("T", 9), None);
    let mut probes: Vec<i64> = times.iter().flat_map(|t| [t - 1, *t, t + 1]).collect();
    probes.extend([0, i64::MAX / 2]);
    for probe in probes {
        for boundary in [BoundaryType::Lower, BoundaryType::Upper] {
            assert_eq!(
                store.offset_by_time("T", 0, probe, boundary),
                expected(&times, probe, boundary),
                "{probe} {boundary:?}"
            );
        }
    }
    assert_eq!(store.offset_by_time("nope", 0, times[0], BoundaryType::Lower), 0);
    assert_eq!(BoundaryType::parse("upper"), BoundaryType::Upper);
    assert_eq!(BoundaryType::parse("LOWER"), BoundaryType::Lower);
}
