//! Queue allocation against the golden vectors of the official Java classes
//! (`core/protocol/tests/vectors/allocate/`, written by `interop/java/generate-vectors.sh`): Fulmen sorts the
//! inputs into the order `RebalanceImpl` sorts them, and every strategy gives every client id of the group (and an
//! outsider) exactly the queues, in the order, that Java's `AllocateMessageQueueStrategy` gave.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::{Path, PathBuf};

use fulmen_client::{AllocateStrategy, MessageQueue, sort_for_allocation};
use serde_json::Value;

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../protocol/tests/vectors/allocate");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn queues(value: &Value) -> Vec<MessageQueue> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|queue| {
            MessageQueue::new(
                queue["topic"].as_str().unwrap(),
                queue["brokerName"].as_str().unwrap(),
                i32::try_from(queue["queueId"].as_i64().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_strategy_allocates_like_java() {
    let files = vector_files();
    assert!(files.len() >= 13, "only {} allocate vectors", files.len());
    let mut checked = 0;
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let vector: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(vector["kind"], "allocate", "{name}");
        let expected = &vector["expected"];
        let group = expected["consumerGroup"].as_str().unwrap();

        let mut mq_all = queues(&expected["messageQueues"]);
        let mut cid_all = strings(&expected["clientIds"]);
        sort_for_allocation(&mut mq_all, &mut cid_all);
        assert_eq!(
            mq_all,
            queues(&expected["sortedMessageQueues"]),
            "{name}: queue order"
        );
        assert_eq!(
            cid_all,
            strings(&expected["sortedClientIds"]),
            "{name}: client id order"
        );

        let allocations = expected["allocations"].as_object().unwrap();
        let names: Vec<&str> = allocations.keys().map(String::as_str).collect();
        assert_eq!(names, ["AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH"], "{name}");
        for (strategy_name, by_client) in allocations {
            let mut strategy = AllocateStrategy::from_name(strategy_name).unwrap();
            if let (AllocateStrategy::ConsistentHash { virtual_node_count }, Some(count)) =
                (&mut strategy, expected["virtualNodeCount"].as_u64())
            {
                *virtual_node_count = usize::try_from(count).unwrap();
            }
            for (current, java) in by_client.as_object().unwrap() {
                let rust = strategy.allocate(group, current, &mq_all, &cid_all).unwrap();
                assert_eq!(rust, queues(java), "{name}: {strategy_name} for {current}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "only {checked} allocations compared");
}
