//! QUERY_MESSAGE (12) over the wire: messages sent with KEYS and UNIQ_KEY are found by key and by unique key,
//! with Java's response header, body and not-found answer.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fulmen_protocol::header::{QueryMessageRequestHeader, QueryMessageResponseHeader};
use fulmen_protocol::message::{MessageExt, decode_all};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_store::IndexFileGeometry;

fn send_keyed(topic: &str, body: &str, keys: &str, unique: &str) -> RemotingCommand {
    let mut properties = tagged("TagA");
    properties.insert("KEYS", keys);
    properties.insert("UNIQ_KEY", unique);
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&send_header(topic, 0, &properties))
        .with_body(body.as_bytes().to_vec())
}

fn query(topic: &str, key: &str, max_num: i32, unique: Option<bool>) -> RemotingCommand {
    RemotingCommand::request(RequestCode::QUERY_MESSAGE).with_header(&QueryMessageRequestHeader {
        topic: topic.into(),
        key: key.into(),
        max_num,
        begin_timestamp: 0,
        end_timestamp: i64::MAX,
        unique_key_query: unique,
    })
}

fn found(response: &RemotingCommand) -> Vec<MessageExt> {
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
    decode_all(&response.body).unwrap()
}

fn bodies(messages: &[MessageExt]) -> Vec<String> {
    messages
        .iter()
        .map(|message| String::from_utf8(message.body.to_vec()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_found_by_key_and_by_unique_key() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.store.index_geometry = IndexFileGeometry {
                hash_slot_num: 64,
                index_num: 1000,
            };
        })
        .await;
        cluster.invoke(create_topic("Orders", 1, 1)).await;
        for (body, keys, unique) in [
            ("m0", "order-1 dup", "U0"),
            ("m1", "order-2 dup", "U1"),
            ("m2", "dup", "U2"),
        ] {
            let response = cluster.invoke(send_keyed("Orders", body, keys, unique)).await;
            assert_eq!(
                response.response_code(),
                ResponseCode::SUCCESS,
                "{:?}",
                response.remark
            );
        }

        let response = cluster.invoke(query("Orders", "order-2", 32, Some(false))).await;
        let messages = found(&response);
        assert_eq!(bodies(&messages), ["m1"]);
        assert_eq!(messages[0].properties.get("UNIQ_KEY"), Some("U1"));
        assert_eq!(messages[0].topic, "Orders");
        let header = response.decode_header::<QueryMessageResponseHeader>().unwrap();
        // The index ends at the last message indexed: m2.
        let newest = &found(&cluster.invoke(query("Orders", "U2", 1, None)).await)[0];
        assert_eq!(header.index_last_update_phyoffset, newest.commit_log_offset);
        assert_eq!(header.index_last_update_timestamp, newest.store_timestamp);
        assert!(messages[0].commit_log_offset < newest.commit_log_offset);

        // maxNum keeps the newest; the body is the stored units back to back, oldest first.
        let response = cluster.invoke(query("Orders", "dup", 2, None)).await;
        assert_eq!(bodies(&found(&response)), ["m1", "m2"]);
        let response = cluster.invoke(query("Orders", "dup", 10, None)).await;
        let messages = found(&response);
        assert_eq!(bodies(&messages), ["m0", "m1", "m2"]);
        let total: usize = messages.iter().map(|message| message.store_size as usize).sum();
        assert_eq!(response.body.len(), total);

        // By unique key: `_UNIQUE_KEY_QUERY=true` replaces maxNum by defaultQueryMaxNum (32).
        let response = cluster.invoke(query("Orders", "U0", 0, Some(true))).await;
        assert_eq!(bodies(&found(&response)), ["m0"]);
        let response = cluster.invoke(query("Orders", "dup", 1, Some(true))).await;
        assert_eq!(bodies(&found(&response)), ["m0", "m1", "m2"]);

        // Nothing: QUERY_NOT_FOUND with Java's remark and a zero header.
        for request in [
            query("Orders", "nope", 32, None),
            query("Other", "dup", 32, None),
            query("Orders", "dup", 0, None),
        ] {
            let response = cluster.invoke(request).await;
            assert_answer(
                &response,
                ResponseCode::QUERY_NOT_FOUND,
                "can not find message, maybe time range not correct",
            );
            let header = response.decode_header::<QueryMessageResponseHeader>().unwrap();
            assert_eq!(
                (
                    header.index_last_update_timestamp,
                    header.index_last_update_phyoffset
                ),
                (0, 0)
            );
        }
        cluster.stop().await;
    })
    .await;
}
