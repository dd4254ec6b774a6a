//! Fulmen's client against the official Apache RocketMQ 5.3.3 name server and broker (feature `apache`): topics
//! auto-created through TBW102, sync and oneway sends with tags, keys, user properties and a compressed body, read
//! back with the pull primitive byte for byte (msgId included), tag filtering, consumer offsets and the broker's
//! rejection codes; and mixed with the official Java client: what Fulmen sends the Java consumer reads identically,
//! and the other way round.
//!
//! One Apache cluster serves every test of this binary ([`ApacheCluster::shared`]); each test uses its own topic and
//! group. Run with `cargo test -p fulmen-client --features apache --test apache_broker` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod apache;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use apache::{ApacheCluster, run_java_client, run_java_main};
use fulmen_client::{
    ErrorKind, Message, MessageQueue, MessageView, Producer, ProducerConfig, PullConsumer,
    PullConsumerConfig, PullStatus, SendStatus, SerializeType,
};

/// No test may run longer than this once the cluster is up.
const TEST_BOUND: Duration = Duration::from_secs(30);
const PULL_TIMEOUT: Duration = Duration::from_secs(3);

/// The mixed test also starts a JVM for the Java client.
const MIXED_TEST_BOUND: Duration = Duration::from_secs(150);

async fn bounded<F: Future>(test: F) -> F::Output {
    bounded_by(TEST_BOUND, test).await
}

async fn bounded_by<F: Future>(bound: Duration, test: F) -> F::Output {
    tokio::time::timeout(bound, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// A Fulmen producer and pull consumer on the shared cluster, groups named after the test.
struct Clients {
    producer: Producer,
    consumer: PullConsumer,
}

impl Clients {
    async fn start(name: &str) -> Clients {
        let namesrv = ApacheCluster::shared().namesrv_addr.clone();
        let producer = Producer::start(ProducerConfig::new(namesrv.clone(), format!("{name}PG")))
            .await
            .unwrap();
        let consumer = PullConsumer::start(PullConsumerConfig::new(namesrv, format!("{name}CG")))
            .await
            .unwrap();
        Clients { producer, consumer }
    }

    async fn shutdown(self) {
        self.consumer.shutdown().await;
        self.producer.shutdown().await;
    }
}

/// The one message at `offset` of `queue`. Apache answers SEND_OK once the commitlog holds the message and builds
/// the consume queue afterwards (`DefaultMessageStore.ReputMessageService`), so a pull right after the send may
/// still find nothing (PULL_NOT_FOUND); the pull is repeated then (bounded by the test's bound).
async fn pull_one(consumer: &PullConsumer, queue: &MessageQueue, offset: i64) -> MessageView {
    loop {
        let result = consumer.pull(queue, "*", offset, 1, PULL_TIMEOUT).await.unwrap();
        if result.status == PullStatus::NoNewMsg {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        assert_eq!(result.status, PullStatus::Found, "{queue:?} at {offset}");
        assert_eq!(result.messages.len(), 1);
        assert_eq!(result.next_begin_offset, offset + 1);
        return result.messages.into_iter().next().unwrap();
    }
}

/// Every message of `topic` from offset 0, once `expected` are stored (bounded by [`TEST_BOUND`]). Oneway sends
/// return before the broker auto-creates the topic, so the route may be missing at first.
async fn pull_all(consumer: &PullConsumer, topic: &str, expected: usize) -> Vec<MessageView> {
    loop {
        let queues = match consumer.fetch_message_queues(topic).await {
            Ok(queues) => queues,
            Err(error) if error.kind() == ErrorKind::RouteNotFound => Vec::new(),
            Err(error) => panic!("{error}"),
        };
        let mut found = Vec::new();
        for queue in queues {
            let result = consumer.pull(&queue, "*", 0, 32, PULL_TIMEOUT).await.unwrap();
            found.extend(result.messages);
        }
        if found.len() >= expected {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sync_sends_round_trip_through_the_apache_broker() {
    let cluster = ApacheCluster::shared();
    bounded(async {
        let topic = "FulmenApacheSync";
        let clients = Clients::start("FulmenApacheSync").await;
        let (producer, consumer) = (&clients.producer, &clients.consumer);
        let big: Vec<u8> = (0..10 * 1024).map(|i| b"fulmen-apache "[i % 14]).collect();
        let sent = [
            Message::new(topic, "hello apache")
                .with_tags("TagA")
                .with_keys(["k1", "k2"])
                .with_property("color", "blue")
                .with_property("ünïcode", "wert=1;x"),
            Message::new(topic, big.clone())
                .with_tags("TagB")
                .with_keys(["big"]),
            Message::new(topic, vec![0u8, 1, 2, 255]).with_flag(7),
        ];
        for message in sent {
            // the first send finds no route and goes through TBW102; the broker creates the topic
            let result = producer.send(message.clone()).await.unwrap();
            assert_eq!(result.status, SendStatus::SendOk);
            assert_eq!(result.queue.topic, topic);
            assert_eq!(result.queue.broker_name, cluster.broker_name);
            assert!(
                result.offset_msg_id.starts_with("7F000001"),
                "{}",
                result.offset_msg_id
            );
            assert_eq!(result.msg_id.len(), 32);

            let read = pull_one(consumer, &result.queue, result.queue_offset).await;
            assert_eq!(read.topic, topic);
            assert_eq!(read.queue, result.queue);
            assert_eq!(read.queue_offset, result.queue_offset);
            assert_eq!(read.msg_id, result.msg_id, "UNIQ_KEY survives the Apache broker");
            assert_eq!(read.property("UNIQ_KEY"), Some(result.msg_id.as_str()));
            assert_eq!(read.offset_msg_id, result.offset_msg_id);
            assert_eq!(&read.body[..], &message.body[..], "body (decompressed when big)");
            assert_eq!(read.tags, message.tags);
            assert_eq!(read.keys, message.keys);
            assert_eq!(read.flag, message.flag);
            for (name, value) in &message.properties {
                assert_eq!(read.property(name), Some(value.as_str()), "property {name}");
            }
            assert_eq!(read.store_host, cluster.broker_addr);
            assert!(read.born_host.starts_with("127.0.0.1:"), "{}", read.born_host);
            assert_eq!(read.reconsume_times, 0);
        }
        clients.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn oneway_sends_are_stored_by_the_apache_broker() {
    ApacheCluster::shared(); // started (and built) outside the time bound
    bounded(async {
        let topic = "FulmenApacheOneway";
        let clients = Clients::start("FulmenApacheOneway").await;
        let (producer, consumer) = (&clients.producer, &clients.consumer);
        for i in 0..4 {
            let message = Message::new(topic, format!("oneway {i}"))
                .with_tags("TagO")
                .with_keys([format!("key-{i}")])
                .with_property("index", i.to_string());
            producer.send_oneway(message).await.unwrap();
        }

        let mut read = pull_all(consumer, topic, 4).await;
        assert_eq!(read.len(), 4);
        read.sort_by_key(|message| message.property("index").unwrap().parse::<i32>().unwrap());
        for (i, message) in read.iter().enumerate() {
            assert_eq!(&message.body[..], format!("oneway {i}").as_bytes());
            assert_eq!(message.tags.as_deref(), Some("TagO"));
            assert_eq!(message.keys, [format!("key-{i}")]);
            assert_eq!(message.msg_id.len(), 32);
            assert_eq!(message.property("UNIQ_KEY"), Some(message.msg_id.as_str()));
        }
        let mut ids: Vec<&str> = read.iter().map(|message| message.msg_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 4, "every oneway message has its own msgId");
        clients.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn tag_filter_and_consumer_offsets_on_the_apache_broker() {
    ApacheCluster::shared(); // started (and built) outside the time bound
    bounded(async {
        let topic = "FulmenApacheTags";
        let clients = Clients::start("FulmenApacheTags").await;
        let (producer, consumer) = (&clients.producer, &clients.consumer);
        let first = producer
            .send(Message::new(topic, "a0").with_tags("A"))
            .await
            .unwrap();
        let queue = first.queue.clone();
        for (tag, body) in [("B", "b1"), ("A", "a2"), ("C", "c3")] {
            let message = Message::new(topic, body).with_tags(tag);
            producer.send_to_queue(message, queue.clone()).await.unwrap();
        }
        // the last one is in the consume queue, so are the others
        assert_eq!(&pull_one(consumer, &queue, 3).await.body[..], b"c3");

        let result = consumer
            .pull(&queue, "A || C", 0, 32, PULL_TIMEOUT)
            .await
            .unwrap();
        assert_eq!(result.status, PullStatus::Found);
        let bodies: Vec<&[u8]> = result.messages.iter().map(|message| &message.body[..]).collect();
        assert_eq!(bodies, [&b"a0"[..], b"a2", b"c3"]);
        assert_eq!(result.next_begin_offset, 4);
        assert_eq!(result.max_offset, 4);
        let unmatched = consumer.pull(&queue, "D", 0, 32, PULL_TIMEOUT).await.unwrap();
        assert_eq!(unmatched.status, PullStatus::NoMatchedMsg);
        assert!(unmatched.messages.is_empty());
        assert_eq!(unmatched.next_begin_offset, 4);
        let none = consumer.pull(&queue, "*", 4, 32, PULL_TIMEOUT).await.unwrap();
        assert_eq!(none.status, PullStatus::NoNewMsg);
        assert_eq!(none.next_begin_offset, 4);
        let past = consumer.pull(&queue, "*", 100, 32, PULL_TIMEOUT).await.unwrap();
        assert_eq!(past.status, PullStatus::OffsetIllegal);
        assert_eq!(past.next_begin_offset, 4);

        // No commit yet, and the queue's first message is still in memory: Apache answers 0, not QUERY_NOT_FOUND
        // (ConsumerManageProcessor.queryConsumerOffset, setZeroIfNotFound left unset as Java's offset store does).
        assert_eq!(consumer.query_offset(&queue).await.unwrap(), Some(0));
        consumer.update_offset(&queue, 3).await.unwrap();
        assert_eq!(consumer.query_offset(&queue).await.unwrap(), Some(3));
        clients.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn delayed_messages_reach_their_topic_through_the_apache_schedule() {
    ApacheCluster::shared(); // started (and built) outside the time bound
    bounded(async {
        let topic = "FulmenApacheDelay";
        let clients = Clients::start("FulmenApacheDelay").await;
        let (producer, consumer) = (&clients.producer, &clients.consumer);
        // level 1 is 1 s in Apache's default messageDelayLevel
        let message = Message::new(topic, "later")
            .with_tags("TagD")
            .with_keys(["delayed"])
            .with_property("color", "red")
            .with_delay_level(1);
        let sent = producer.send(message).await.unwrap();
        assert_eq!(sent.status, SendStatus::SendOk);
        assert_eq!(
            sent.queue.topic, topic,
            "the result names the topic asked for, not SCHEDULE_TOPIC_XXXX"
        );

        let read = pull_all(consumer, topic, 1).await;
        assert_eq!(read.len(), 1);
        let read = &read[0];
        assert_eq!(read.msg_id, sent.msg_id, "the msgId survives the schedule hop");
        assert_eq!(&read.body[..], b"later");
        assert_eq!(read.tags.as_deref(), Some("TagD"));
        assert_eq!(read.keys, ["delayed"]);
        assert_eq!(read.property("color"), Some("red"));
        assert_eq!(read.property("REAL_TOPIC"), Some(topic));
        assert_eq!(read.delay_level(), Some(1));
        assert!(
            read.store_timestamp - read.born_timestamp >= 900,
            "delivered after about a second: born {} stored {}",
            read.born_timestamp,
            read.store_timestamp
        );
        clients.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn fulmen_and_the_java_client_read_each_others_messages_identically() {
    let cluster = ApacheCluster::shared();
    bounded_by(MIXED_TEST_BOUND, async {
        let to_java = "FulmenApacheToJava";
        let from_java = "FulmenApacheFromJava";
        let clients = Clients::start("FulmenApacheMixed").await;
        let (producer, consumer) = (&clients.producer, &clients.consumer);
        let big: Vec<u8> = (0..12 * 1024).map(|i| b"fulmen to java "[i % 15]).collect();
        let messages = [
            Message::new(to_java, "from fulmen")
                .with_tags("TagF")
                .with_keys(["fk1", "fk2"])
                .with_property("origin", "fulmen")
                .with_property("ünïcode", "wert"),
            Message::new(to_java, big).with_tags("TagG").with_keys(["big"]),
        ];
        let mut sent = Vec::new();
        for message in &messages {
            sent.push(producer.send(message.clone()).await.unwrap());
        }

        let namesrv = cluster.namesrv_addr.clone();
        let count = messages.len();
        let run = tokio::task::spawn_blocking(move || run_java_client(&namesrv, to_java, count, from_java))
            .await
            .unwrap();

        // Fulmen -> Apache broker -> Java consumer
        assert_eq!(run.read.len(), messages.len(), "{run:?}");
        for (message, result) in messages.iter().zip(&sent) {
            let java = run.read.iter().find(|read| read.msg_id == result.msg_id).unwrap();
            assert_eq!(java.queue_id, result.queue.queue_id);
            assert_eq!(java.queue_offset, result.queue_offset);
            assert_eq!(
                java.body,
                &message.body[..],
                "Java decompresses Fulmen's zlib body"
            );
            // Java's MessageDecoder.decode clears COMPRESSED_FLAG (0x1) once it inflated the body and keeps the
            // compression type bits: 0x300 is zlib (MessageSysFlag.COMPRESSION_ZLIB_TYPE)
            let compressed = java.sys_flag & 0x700 == 0x300;
            assert_eq!(
                compressed,
                message.body.len() >= 4096,
                "sysFlag {:#x}",
                java.sys_flag
            );
            if compressed {
                assert!(
                    (java.store_size as usize) < message.body.len() / 4,
                    "stored compressed: {java:?}"
                );
            }
            assert_eq!(java.tags, message.tags);
            assert_eq!(java.keys.as_deref(), Some(message.keys.join(" ").as_str()));
            // Fulmen's pull of the same message has exactly the properties Java's has.
            let fulmen = pull_one(consumer, &result.queue, result.queue_offset).await;
            let fulmen_properties: BTreeMap<String, String> = fulmen.properties.clone().into_iter().collect();
            assert_eq!(fulmen_properties, java.properties);
            for (name, value) in &message.properties {
                assert_eq!(java.properties.get(name), Some(value), "property {name}");
            }
        }

        // Java producer -> Apache broker -> Fulmen pull
        assert_eq!(run.sent.len(), 2, "{run:?}");
        let pattern = b"java-apache ";
        let java_big: Vec<u8> = (0..10 * 1024).map(|i| pattern[i % pattern.len()]).collect();
        let expected: [(&[u8], &str, &[&str]); 2] = [
            (b"from java", "TagJ", &["jk1", "jk2"]),
            (&java_big, "TagK", &["big"]),
        ];
        for (java, (body, tags, keys)) in run.sent.iter().zip(expected) {
            let queue = MessageQueue::new(from_java, cluster.broker_name.clone(), java.queue_id);
            let read = pull_one(consumer, &queue, java.queue_offset).await;
            assert_eq!(read.msg_id, java.msg_id, "Java's UNIQ_KEY is Fulmen's msgId");
            assert_eq!(&read.body[..], body, "Fulmen decompresses Java's zlib body");
            assert_eq!(read.tags.as_deref(), Some(tags));
            assert_eq!(read.keys, keys);
        }
        let first = run.sent.first().unwrap();
        let queue = MessageQueue::new(from_java, cluster.broker_name.clone(), first.queue_id);
        let read = pull_one(consumer, &queue, first.queue_offset).await;
        assert_eq!(read.property("origin"), Some("java"));
        clients.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_apache_brokers_rejections_come_back_with_its_response_codes() {
    ApacheCluster::shared(); // started (and built) outside the time bound
    bounded(async {
        let topic = "FulmenApacheReject";
        let mut config = ProducerConfig::new(
            ApacheCluster::shared().namesrv_addr.clone(),
            "FulmenApacheRejectPG",
        );
        // past the client's own check, so that the broker's limit (maxMessageSize, 4 MiB) decides
        config.max_message_size = 8 * 1024 * 1024;
        let producer = Producer::start(config).await.unwrap();
        producer.send(Message::new(topic, "small")).await.unwrap();

        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let noise: Vec<u8> = (0..5 * 1024 * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let error = producer.send(Message::new(topic, noise)).await.unwrap_err();
        assert_eq!(error.response_code(), Some(13), "MESSAGE_ILLEGAL: {error}");
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert!(
            error.message().contains("msg body length limit 4194304B"),
            "{error}"
        );
        producer.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn binary_header_sends_and_pulls_through_the_apache_broker() {
    ApacheCluster::shared(); // started (and built) outside the time bound
    bounded(async {
        let topic = "FulmenApacheBinaryHeader";
        let namesrv = ApacheCluster::shared().namesrv_addr.clone();
        let mut producer_config = ProducerConfig::new(namesrv.clone(), "FulmenApacheBinaryPG");
        producer_config.client.serialize_type = SerializeType::RocketMq;
        let producer = Producer::start(producer_config).await.unwrap();
        let mut consumer_config = PullConsumerConfig::new(namesrv, "FulmenApacheBinaryCG");
        consumer_config.client.serialize_type = SerializeType::RocketMq;
        let consumer = PullConsumer::start(consumer_config).await.unwrap();

        let message = Message::new(topic, "binary header")
            .with_tags("TagBin")
            .with_keys(["kb"])
            .with_property("form", "ROCKETMQ");
        let sent = producer.send(message).await.unwrap();
        assert_eq!(sent.status, SendStatus::SendOk);
        let read = pull_one(&consumer, &sent.queue, sent.queue_offset).await;
        assert_eq!(&read.body[..], b"binary header");
        assert_eq!(read.msg_id, sent.msg_id);
        assert_eq!(read.tags.as_deref(), Some("TagBin"));
        assert_eq!(read.keys, ["kb"]);
        assert_eq!(read.property("form"), Some("ROCKETMQ"));
        consumer.shutdown().await;
        producer.shutdown().await;
    })
    .await;
}

/// The Java side of scripts/bench-vs-java.sh runs and prints its result line (2 s of sends; speed not asserted).
#[tokio::test]
async fn java_bench_producer_prints_a_result_line() {
    let namesrv = ApacheCluster::shared().namesrv_addr.clone();
    let stdout = tokio::task::spawn_blocking(move || {
        let args = [
            "-n",
            &namesrv,
            "-t",
            "FulmenBenchSmoke",
            "-w",
            "2",
            "-s",
            "128",
            "-d",
            "2",
        ];
        run_java_main("fulmen.interop.apache.bench.BenchProducer", &args)
    })
    .await
    .unwrap();
    let line = stdout
        .lines()
        .find(|line| line.starts_with("BENCH_RESULT "))
        .unwrap_or_else(|| panic!("no BENCH_RESULT line: {stdout}"));
    let fields: BTreeMap<&str, &str> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|field| field.split_once('='))
        .collect();
    assert_eq!(fields["client"], "java");
    assert_eq!(fields["header"], "ROCKETMQ");
    assert!(fields["ok"].parse::<u64>().unwrap() > 0, "{line}");
    assert_eq!(fields["failed"], "0", "{line}");
    for key in ["tps", "avg_ms", "p50_ms", "p99_ms", "p999_ms", "max_ms"] {
        assert!(fields[key].parse::<f64>().unwrap() >= 0.0, "{key} in {line}");
    }
}
