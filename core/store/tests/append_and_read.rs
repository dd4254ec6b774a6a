//! Appending across several commitlog files (BLANK filler at each file's end), batches, refused puts, and reading
//! back by queue offset and by physical offset.

mod common;

use bytes::Bytes;
use common::*;
use fulmen_protocol::message::{BLANK_MAGIC_CODE, BatchEntry, MessageSysFlag, Properties, body_crc, keys};
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_store::{BatchToStore, MessageStore, PutMessageStatus};

#[test]
fn messages_roll_over_files_with_a_blank_filler_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let mut results = Vec::new();
    for index in 0..100 {
        results.push(put_ok(
            &store,
            message("T", 0, &format!("msg-{index:03}"), Some("TagA")),
        ));
    }
    let files = commit_log_files(dir.path());
    assert!(files.len() >= 3, "{files:?}");
    assert_eq!(files[1].file_name().unwrap(), "00000000000000004096");
    // Every full file ends with `int remaining, int BLANK_MAGIC_CODE`. (The files after the one being written
    // to, if any, are a preallocated spare.)
    let full_files = (store.commit_log_max_offset() / 4096) as usize;
    assert!(full_files >= 2 && full_files <= files.len(), "{files:?}");
    for file in &files[..full_files] {
        let bytes = std::fs::read(file).unwrap();
        let mut position = 0;
        loop {
            let size = i32::from_be_bytes(bytes[position..position + 4].try_into().unwrap()) as usize;
            let magic = i32::from_be_bytes(bytes[position + 4..position + 8].try_into().unwrap());
            if magic == BLANK_MAGIC_CODE {
                assert_eq!(size, 4096 - position);
                break;
            }
            position += size;
        }
    }
    let messages = read_queue(&store, "T", 0);
    assert_eq!(messages.len(), 100);
    for (index, (message, result)) in messages.iter().zip(&results).enumerate() {
        let append = result.append.as_ref().unwrap();
        assert_eq!(message.body, format!("msg-{index:03}").as_bytes());
        assert_eq!(message.queue_offset, index as i64);
        assert_eq!(append.queue_offset, index as i64);
        assert_eq!(message.commit_log_offset, append.physical_offset());
        assert_eq!(message.store_timestamp, append.store_timestamp);
        assert_eq!(message.body_crc, body_crc(&message.body));
        assert_eq!(message.tags(), Some("TagA"));
        let id = OffsetMessageId::parse(&append.joined_msg_id()).unwrap();
        assert_eq!(id.commit_log_offset, append.physical_offset());
        assert_eq!(id.store_host, "192.168.1.2:10911".parse().unwrap());
        let by_offset = store.message_at(append.physical_offset()).unwrap();
        assert_eq!(&by_offset, message);
        assert_eq!(
            store.unit_at(append.physical_offset()).unwrap().len(),
            append.wrote_bytes
        );
    }
    assert!(store.message_at(1).is_none(), "not a unit boundary");
    assert!(store.message_at(-1).is_none());
    assert!(store.message_at(store.commit_log_max_offset()).is_none());
    assert_eq!(store.commit_log_min_offset(), 0);
    assert_eq!(store.max_offset("T", 0), 100);
    store.shutdown().unwrap();
}

fn batch(topic: &str, count: usize, body_len: usize) -> BatchToStore {
    let entries = (0..count)
        .map(|index| {
            let mut properties = Properties::new();
            properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, format!("B{index}"));
            BatchEntry {
                flag: index as i32,
                body: Bytes::from(vec![b'a' + index as u8; body_len]),
                properties,
            }
        })
        .collect();
    let mut template = message(topic, 1, "", None);
    template.properties = Properties::new();
    template.properties.insert("CLUSTER", "c1");
    BatchToStore { template, entries }
}

#[test]
fn a_batch_becomes_consecutive_units_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    put_ok(&store, message("B", 1, "single", None));
    let result = futures::executor::block_on(store.put_messages(batch("B", 5, 100)));
    assert_eq!(result.status, PutMessageStatus::PutOk);
    let append = result.append.unwrap();
    assert_eq!(append.message_count(), 5);
    assert_eq!(append.queue_offset, 1);
    assert_eq!(append.joined_msg_id().split(',').count(), 5);
    let pulled = pull(&store, "B", 1, 1, 32);
    let messages = decoded(&pulled);
    assert_eq!(pulled.queue_offsets, vec![1, 2, 3, 4, 5]);
    for (index, message) in messages.iter().enumerate() {
        assert_eq!(message.queue_offset, 1 + index as i64);
        assert_eq!(message.commit_log_offset, append.physical_offsets[index]);
        assert_eq!(message.flag, index as i32);
        assert_eq!(message.uniq_key(), Some(format!("B{index}").as_str()));
        assert_eq!(
            message.properties.get("CLUSTER"),
            Some("c1"),
            "template properties are added"
        );
        assert_eq!(message.store_timestamp, append.store_timestamp);
        if index > 0 {
            let previous = &messages[index - 1];
            assert_eq!(
                message.commit_log_offset,
                previous.commit_log_offset + previous.store_size as i64
            );
        }
    }
    // A batch that does not fit the rest of the file starts the next file, whole.
    let big = futures::executor::block_on(store.put_messages(batch("B", 8, 300)))
        .append
        .unwrap();
    assert_eq!(big.physical_offset(), 4096);
    assert_eq!(store.max_offset("B", 1), 14);
}

#[test]
fn illegal_puts_are_refused_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = small_config(dir.path());
    config.max_message_size = 2000;
    let store = MessageStore::open(config).unwrap();
    let mut big = message("T", 0, "", None);
    big.body = Bytes::from(vec![0u8; 2001]);
    assert_eq!(put(&store, big).status, PutMessageStatus::MessageIllegal);
    let mut long_properties = message("T", 0, "x", None);
    long_properties.properties.insert("K", "v".repeat(40_000));
    assert_eq!(
        put(&store, long_properties).status,
        PutMessageStatus::PropertiesSizeExceeded
    );
    assert_eq!(
        put(&store, message("../x", 0, "x", None)).status,
        PutMessageStatus::MessageIllegal
    );
    assert_eq!(
        put(&store, message("", 0, "x", None)).status,
        PutMessageStatus::MessageIllegal
    );
    let empty = BatchToStore {
        template: message("T", 0, "", None),
        entries: Vec::new(),
    };
    assert_eq!(
        futures::executor::block_on(store.put_messages(empty)).status,
        PutMessageStatus::MessageIllegal
    );
    let mut transactional = batch("T", 2, 10);
    transactional.template.sys_flag = MessageSysFlag::TRANSACTION_PREPARED_TYPE;
    assert_eq!(
        futures::executor::block_on(store.put_messages(transactional)).status,
        PutMessageStatus::MessageIllegal
    );
    // Bigger than a 4 KiB commitlog file, though within max_message_size.
    let too_big_for_a_file = batch("T", 3, 1500);
    assert_eq!(
        futures::executor::block_on(store.put_messages(too_big_for_a_file)).status,
        PutMessageStatus::MessageIllegal
    );
    assert_eq!(store.commit_log_max_offset(), 0);
    store.shutdown().unwrap();
    assert_eq!(
        put(&store, message("T", 0, "late", None)).status,
        PutMessageStatus::ServiceNotAvailable
    );
    assert!(store.get_messages("T", 0, 0, 1, 1, None).is_err());
}

#[test]
fn half_and_rollback_messages_are_not_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    put_ok(&store, message("T", 0, "normal", None));
    let mut half = message("T", 0, "half", None);
    half.sys_flag = MessageSysFlag::TRANSACTION_PREPARED_TYPE;
    let half = put_ok(&store, half).append.unwrap();
    assert_eq!(half.queue_offset, 0);
    let mut commit = message("T", 0, "commit", None);
    commit.sys_flag = MessageSysFlag::TRANSACTION_COMMIT_TYPE;
    commit.prepared_transaction_offset = half.physical_offset();
    assert_eq!(put_ok(&store, commit).append.unwrap().queue_offset, 1);
    assert_eq!(store.max_offset("T", 0), 2);
    let stored_half = store.message_at(half.physical_offset()).unwrap();
    assert_eq!(stored_half.body, &b"half"[..]);
    assert_eq!(stored_half.queue_offset, 0);
    assert_eq!(bodies(&pull(&store, "T", 0, 0, 32)), ["normal", "commit"]);
}
