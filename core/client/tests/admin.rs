//! The Admin facade against a Fulmen `LocalCluster` of two name servers and two brokers: cluster-wide topic
//! create / update / delete (on every master and every name server), topic list, route and status, cluster info
//! and broker runtime stats, consumer progress, query by id (offset id and unique key) and by key, queue offsets
//! and reset by time.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::future::Future;
use std::time::Duration;

use fulmen_client::{
    Admin, AdminConfig, ErrorKind, Message, MessageQueue, Producer, ProducerConfig, PullConsumer,
    PullConsumerConfig, ResetOffsetOutcome, SendResult, TopicSettings, TopicTarget, TrackType,
};
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(60);
const CLUSTER: &str = "DefaultCluster";

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

async fn two_broker_cluster() -> LocalCluster {
    LocalCluster::builder()
        .name_servers(2)
        .brokers(2)
        .auto_create_topics(false)
        .start()
        .await
        .unwrap()
}

/// Waits until the name servers route `topic` to `brokers` brokers.
async fn wait_for_route(admin: &Admin, topic: &str, brokers: usize) {
    loop {
        if let Ok(route) = admin.topic_route(topic).await {
            if route.broker_datas.len() == brokers {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates `topic` with 4 queues on every master of the cluster and waits for its route.
async fn create_topic(admin: &Admin, topic: &str) {
    let mut settings = TopicSettings::new(topic);
    settings.read_queue_nums = 4;
    settings.write_queue_nums = 4;
    admin
        .create_topic(&TopicTarget::Cluster(CLUSTER.into()), &settings)
        .await
        .unwrap();
    wait_for_route(admin, topic, 2).await;
}

async fn send(producer: &Producer, queue: MessageQueue, body: &str, key: &str) -> SendResult {
    let message = Message::new(queue.topic.clone(), body.to_owned()).with_keys([key.to_owned()]);
    producer.send_to_queue(message, queue).await.unwrap()
}

#[tokio::test]
async fn creates_updates_lists_and_deletes_topics_cluster_wide() {
    bounded(async {
        let cluster = two_broker_cluster().await;
        let admin = Admin::start(AdminConfig::new(cluster.namesrv_addr()))
            .await
            .unwrap();

        let info = admin.cluster_info().await.unwrap();
        assert_eq!(info.cluster_addr_table[CLUSTER].len(), 2);
        let brokers = admin.cluster_brokers(CLUSTER).await.unwrap();
        assert_eq!(brokers[0].broker_name, "broker-a");
        assert_eq!(brokers[1].broker_name, "broker-b");
        for (_, addr) in cluster.brokers() {
            let stats = admin.broker_runtime_stats(&addr.to_string()).await.unwrap();
            assert!(stats.contains_key("brokerVersionDesc"), "{stats:?}");
        }

        let mut settings = TopicSettings::new("AdminTopic");
        settings.read_queue_nums = 3;
        settings.write_queue_nums = 2;
        let (addrs, order_conf) = admin
            .create_topic(&TopicTarget::Cluster(CLUSTER.into()), &settings)
            .await
            .unwrap();
        assert_eq!(addrs.len(), 2, "created on every master");
        assert_eq!(order_conf, None);
        wait_for_route(&admin, "AdminTopic", 2).await;
        let route = admin.topic_route("AdminTopic").await.unwrap();
        for queue in &route.queue_datas {
            assert_eq!(
                (queue.read_queue_nums, queue.write_queue_nums, queue.perm),
                (3, 2, 6)
            );
        }
        assert!(
            admin
                .topic_list()
                .await
                .unwrap()
                .contains(&"AdminTopic".to_owned())
        );

        // Update on one broker only: read-only perm and 5 queues on broker-a.
        let broker_a = cluster.broker_addr(0).unwrap().to_string();
        settings.read_queue_nums = 5;
        settings.write_queue_nums = 5;
        settings.perm = 4;
        admin
            .create_topic(&TopicTarget::Broker(broker_a), &settings)
            .await
            .unwrap();
        loop {
            let route = admin.topic_route("AdminTopic").await.unwrap();
            let a = route
                .queue_datas
                .iter()
                .find(|queue| queue.broker_name == "broker-a")
                .unwrap();
            if a.read_queue_nums == 5 && a.perm == 4 {
                let b = route
                    .queue_datas
                    .iter()
                    .find(|queue| queue.broker_name == "broker-b")
                    .unwrap();
                assert_eq!((b.read_queue_nums, b.perm), (3, 6), "broker-b untouched");
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let deleted = admin.delete_topic("AdminTopic", CLUSTER).await.unwrap();
        assert_eq!(deleted.len(), 2);
        // Gone from every name server, not only the one in use.
        for namesrv in cluster.namesrv_addrs() {
            let single = Admin::start(AdminConfig::new(namesrv.to_string())).await.unwrap();
            let error = single.topic_route("AdminTopic").await.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::RouteNotFound);
            assert!(
                !single
                    .topic_list()
                    .await
                    .unwrap()
                    .contains(&"AdminTopic".to_owned())
            );
            single.shutdown().await;
        }
        admin.shutdown().await;
        admin.shutdown().await; // idempotent
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn ordered_topic_gets_its_order_conf_on_the_name_servers() {
    bounded(async {
        let cluster = two_broker_cluster().await;
        let admin = Admin::start(AdminConfig::new(cluster.namesrv_addr()))
            .await
            .unwrap();
        let mut settings = TopicSettings::new("AdminOrdered");
        settings.order = true;
        settings.write_queue_nums = 4;
        let (_, order_conf) = admin
            .create_topic(&TopicTarget::Cluster(CLUSTER.into()), &settings)
            .await
            .unwrap();
        // In the order of the Java HashSet mqadmin reads the broker names from.
        assert_eq!(order_conf.as_deref(), Some("broker-b:4;broker-a:4"));
        for namesrv in cluster.namesrv_addrs() {
            let single = Admin::start(AdminConfig::new(namesrv.to_string())).await.unwrap();
            let stored = single
                .kv_config("ORDER_TOPIC_CONFIG", "AdminOrdered")
                .await
                .unwrap();
            assert_eq!(stored.as_deref(), Some("broker-b:4;broker-a:4"));
            assert_eq!(
                single.kv_config("ORDER_TOPIC_CONFIG", "Unknown").await.unwrap(),
                None
            );
            single.shutdown().await;
        }
        admin.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn status_progress_queries_and_reset() {
    bounded(async {
        let cluster = two_broker_cluster().await;
        let namesrv = cluster.namesrv_addr();
        let admin = Admin::start(AdminConfig::new(namesrv.clone())).await.unwrap();
        create_topic(&admin, "AdminData").await;
        let producer = Producer::start(ProducerConfig::new(namesrv.clone(), "AdminPG"))
            .await
            .unwrap();
        let a1 = MessageQueue::new("AdminData", "broker-a", 1);
        let b0 = MessageQueue::new("AdminData", "broker-b", 0);
        let mut sent = Vec::new();
        for i in 0..3 {
            sent.push(send(&producer, a1.clone(), &format!("a{i}"), "key-a").await);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        let before_b = fulmen_client_now();
        tokio::time::sleep(Duration::from_millis(20)).await;
        sent.push(send(&producer, b0.clone(), "b0", "key-b").await);

        // topicStatus: every queue of both brokers, sorted, offsets right.
        let status = admin.topic_status("AdminData").await.unwrap();
        assert_eq!(status.offset_table.len(), 8);
        let queues: Vec<_> = status.offset_table.keys().cloned().collect();
        let mut sorted = queues.clone();
        sorted.sort();
        assert_eq!(queues, sorted);
        assert_eq!(status.offset_table[&a1].max_offset, 3);
        assert_eq!(status.offset_table[&a1].min_offset, 0);
        assert!(status.offset_table[&a1].last_update_timestamp > 0);
        assert_eq!(status.offset_table[&b0].max_offset, 1);
        assert_eq!(admin.max_offset(&a1).await.unwrap(), 3);
        assert_eq!(admin.min_offset(&a1).await.unwrap(), 0);

        // consumerProgress: commit offset 1 on a1; lag 2 there, 1 on b0.
        let mut config = PullConsumerConfig::new(namesrv.clone(), "AdminCG");
        config.client.heartbeat_interval = Duration::from_millis(100);
        let consumer = PullConsumer::start(config).await.unwrap();
        // The group exists on a broker once the consumer's heartbeat reached it.
        while consumer.update_offset(&a1, 1).await.is_err() || consumer.update_offset(&b0, 0).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Found through the route of %RETRY%AdminCG, which lists a broker once the group's retry topic was
        // registered there (as with Java).
        let stats = loop {
            let stats = admin.consume_stats("AdminCG", Some("AdminData")).await.unwrap();
            if stats.offset_table.contains_key(&a1) && stats.offset_table.contains_key(&b0) {
                break stats;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        // The message tracks below find the group through that route; consume_stats could fall back to the topic's.
        wait_for_route(&admin, "%RETRY%AdminCG", 2).await;
        assert_eq!(stats.offset_table[&a1].broker_offset, 3);
        assert_eq!(stats.offset_table[&a1].consumer_offset, 1);
        assert_eq!(stats.offset_table[&b0].consumer_offset, 0);
        assert_eq!(stats.total_diff(), 3);
        admin.update_consumer_offset("AdminCG", &a1, 0).await.unwrap();
        assert_eq!(consumer.query_offset(&a1).await.unwrap(), Some(0));

        // queryMsgById by the offset id and by the unique key.
        let by_offset = admin
            .query_message_by_id("AdminData", &sent[1].offset_msg_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&by_offset.message.body[..], b"a1");
        assert_eq!(by_offset.message.queue_offset, 1);
        assert_eq!(by_offset.message.msg_id, sent[1].msg_id);
        assert!(by_offset.store_size > 0);
        let by_uniq = admin
            .query_message_by_id("AdminData", &sent[3].msg_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&by_uniq.message.body[..], b"b0");
        assert_eq!(by_uniq.message.queue.broker_name, "broker-b");
        assert!(
            admin
                .query_message_by_id("AdminData", "0A0B0C0D0E0F10111213141516171819")
                .await
                .unwrap()
                .is_none()
        );

        // queryMsgByKey across both brokers.
        let by_key = admin
            .query_messages_by_key("AdminData", "key-a", 64, 0, i64::MAX)
            .await
            .unwrap();
        let mut bodies: Vec<_> = by_key.iter().map(|found| found.message.body.clone()).collect();
        bodies.sort();
        assert_eq!(bodies, ["a0", "a1", "a2"].map(bytes_of));
        assert_eq!(
            admin
                .query_messages_by_key("AdminData", "key-b", 64, 0, i64::MAX)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            admin
                .query_messages_by_key("AdminData", "none", 64, 0, i64::MAX)
                .await
                .unwrap()
                .is_empty()
        );

        // searchOffset and reset by time: to the moment before b0, b0 goes back to 0 and a1 to the offset the
        // broker finds for a time after its last message.
        assert_eq!(admin.search_offset(&b0, before_b).await.unwrap(), 0);
        let a1_target = admin.search_offset(&a1, before_b).await.unwrap();
        assert!((2..=3).contains(&a1_target), "{a1_target}"); // Fulmen's broker says 2, like Java's
        let outcome = admin
            .reset_offset_by_time("AdminData", "AdminCG", before_b, true)
            .await
            .unwrap();
        let stored_after = |queue: MessageQueue| {
            let consumer = consumer.clone();
            async move { consumer.query_offset(&queue).await.unwrap() }
        };
        match outcome {
            ResetOffsetOutcome::Reset(table) => {
                assert_eq!(table.get(&a1), Some(&a1_target), "{table:?}");
                assert_eq!(table.get(&b0), Some(&0), "{table:?}");
            }
            ResetOffsetOutcome::RolledBack(stats) => {
                assert!(
                    stats
                        .iter()
                        .any(|queue| queue.queue_id == 1 && queue.rollback_offset == a1_target),
                    "{stats:?}"
                );
            }
        }
        assert_eq!(stored_after(a1.clone()).await, Some(a1_target));
        assert_eq!(stored_after(b0.clone()).await, Some(0));

        // Who consumed it: the online pull group, then, once it is gone, a group that is not online.
        let tracks = admin.message_tracks(&by_offset).await.unwrap();
        let track = tracks
            .iter()
            .find(|track| track.consumer_group == "AdminCG")
            .unwrap();
        assert_eq!(track.track_type, TrackType::Pull, "{tracks:?}");
        assert_eq!(
            track.to_string(),
            "MessageTrack [consumerGroup=AdminCG, trackType=PULL, exceptionDesc=null]"
        );
        consumer.shutdown().await;
        let tracks = admin.message_tracks(&by_offset).await.unwrap();
        let track = tracks
            .iter()
            .find(|track| track.consumer_group == "AdminCG")
            .unwrap();
        assert_eq!(track.track_type, TrackType::NotOnline, "{tracks:?}");
        assert!(
            track
                .exception_desc
                .as_deref()
                .unwrap()
                .starts_with("CODE:206 DESC:"),
            "{tracks:?}"
        );
        producer.shutdown().await;
        admin.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_topics_and_clusters_are_errors() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let admin = Admin::start(AdminConfig::new(cluster.namesrv_addr()))
            .await
            .unwrap();
        let error = admin.topic_status("NoSuchTopic").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RouteNotFound);
        let error = admin
            .create_topic(
                &TopicTarget::Cluster("NoSuchCluster".into()),
                &TopicSettings::new("T"),
            )
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        let error = admin
            .create_topic(
                &TopicTarget::Cluster("DefaultCluster".into()),
                &TopicSettings::new("bad topic"),
            )
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        admin.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

fn bytes_of(text: &str) -> bytes::Bytes {
    bytes::Bytes::copy_from_slice(text.as_bytes())
}

fn fulmen_client_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
