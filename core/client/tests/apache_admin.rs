//! The Admin facade against the official Apache RocketMQ 5.3.3 name server and broker (feature `apache`): create
//! a topic on the cluster and see its route, topic status, cluster info and runtime stats, consumer progress, query
//! by offset id, unique key and key, reset by time (the broker's own answer shape), and delete from broker and name
//! server. Run with `cargo test -p fulmen-client --features apache --test apache_admin` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod apache;

use std::future::Future;
use std::time::Duration;

use apache::ApacheCluster;
use fulmen_client::{
    Admin, AdminConfig, ErrorKind, Message, MessageQueue, Producer, ProducerConfig, PullConsumer,
    PullConsumerConfig, ResetOffsetOutcome, TopicSettings, TopicTarget,
};

const TEST_BOUND: Duration = Duration::from_secs(60);
/// The cluster name `ApacheCluster.java` gives its broker.
const CLUSTER: &str = "ApacheCluster";

async fn bounded<F: Future>(test: F) -> F::Output {
    let cluster = ApacheCluster::shared(); // started outside the bound: the first start may build the project
    assert!(!cluster.namesrv_addr.is_empty());
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

async fn admin() -> Admin {
    Admin::start(AdminConfig::new(ApacheCluster::shared().namesrv_addr.clone()))
        .await
        .unwrap()
}

#[tokio::test]
async fn topic_lifecycle_on_apache() {
    bounded(async {
        let apache = ApacheCluster::shared();
        let admin = admin().await;
        let info = admin.cluster_info().await.unwrap();
        assert_eq!(
            info.cluster_addr_table[CLUSTER],
            std::slice::from_ref(&apache.broker_name)
        );
        // A broker that started moments ago answers SYSTEM_ERROR until its first stats sample (Java quirk).
        let stats = loop {
            match admin.broker_runtime_stats(&apache.broker_addr).await {
                Ok(stats) => break stats,
                Err(error) => assert_eq!(error.response_code(), Some(1), "{error}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(stats.get("brokerVersionDesc").map(String::as_str), Some("V5_3_3"));
        assert!(stats.contains_key("putTps"));

        let mut settings = TopicSettings::new("ApacheAdminTopic");
        settings.read_queue_nums = 3;
        settings.write_queue_nums = 3;
        let (addrs, _) = admin
            .create_topic(&TopicTarget::Cluster(CLUSTER.into()), &settings)
            .await
            .unwrap();
        assert_eq!(addrs, std::slice::from_ref(&apache.broker_addr));
        let route = loop {
            if let Ok(route) = admin.topic_route("ApacheAdminTopic").await {
                break route;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(route.queue_datas[0].read_queue_nums, 3);
        assert!(
            admin
                .topic_list()
                .await
                .unwrap()
                .contains(&"ApacheAdminTopic".to_owned())
        );
        let status = admin.topic_status("ApacheAdminTopic").await.unwrap();
        assert_eq!(status.offset_table.len(), 3);
        assert!(
            status
                .offset_table
                .values()
                .all(|offsets| offsets.max_offset == 0)
        );

        admin.delete_topic("ApacheAdminTopic", CLUSTER).await.unwrap();
        let error = admin.topic_route("ApacheAdminTopic").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RouteNotFound);
        assert!(
            !admin
                .topic_list()
                .await
                .unwrap()
                .contains(&"ApacheAdminTopic".to_owned())
        );
        admin.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn messages_progress_and_reset_on_apache() {
    bounded(async {
        let apache = ApacheCluster::shared();
        let admin = admin().await;
        let mut settings = TopicSettings::new("ApacheAdminData");
        settings.read_queue_nums = 2;
        settings.write_queue_nums = 2;
        admin
            .create_topic(&TopicTarget::Broker(apache.broker_addr.clone()), &settings)
            .await
            .unwrap();
        while admin.topic_route("ApacheAdminData").await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let namesrv = apache.namesrv_addr.clone();
        let producer = Producer::start(ProducerConfig::new(namesrv.clone(), "ApacheAdminPG"))
            .await
            .unwrap();
        let q1 = MessageQueue::new("ApacheAdminData", apache.broker_name.clone(), 1);
        let mut sent = Vec::new();
        for body in ["one", "two", "three"] {
            let message = Message::new("ApacheAdminData", body).with_keys(["apache-key"]);
            sent.push(producer.send_to_queue(message, q1.clone()).await.unwrap());
        }

        let status = admin.topic_status("ApacheAdminData").await.unwrap();
        assert_eq!(status.offset_table[&q1].max_offset, 3);
        assert_eq!(admin.max_offset(&q1).await.unwrap(), 3);

        // By offset message id (VIEW_MESSAGE_BY_ID at the store host) and by unique key (QUERY_MESSAGE): the
        // broker's index is built asynchronously, so the key lookups may need a moment.
        let by_offset = admin
            .query_message_by_id("ApacheAdminData", &sent[0].offset_msg_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&by_offset.message.body[..], b"one");
        assert_eq!(by_offset.message.msg_id, sent[0].msg_id);
        let by_uniq = loop {
            if let Some(found) = admin
                .query_message_by_id("ApacheAdminData", &sent[1].msg_id)
                .await
                .unwrap()
            {
                break found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(&by_uniq.message.body[..], b"two");
        assert_eq!(by_uniq.message.queue_offset, 1);
        let by_key = loop {
            let found = admin
                .query_messages_by_key("ApacheAdminData", "apache-key", 64, 0, i64::MAX)
                .await
                .unwrap();
            if found.len() == 3 {
                break found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let mut offsets: Vec<i64> = by_key.iter().map(|found| found.message.queue_offset).collect();
        offsets.sort();
        assert_eq!(offsets, [0, 1, 2]);

        // Consumer progress of a group that committed offset 1 on q1.
        let mut config = PullConsumerConfig::new(namesrv.clone(), "ApacheAdminCG");
        config.client.heartbeat_interval = Duration::from_millis(200);
        let consumer = PullConsumer::start(config).await.unwrap();
        while consumer.update_offset(&q1, 1).await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let stats = loop {
            if let Ok(stats) = admin
                .consume_stats("ApacheAdminCG", Some("ApacheAdminData"))
                .await
            {
                if stats
                    .offset_table
                    .get(&q1)
                    .is_some_and(|offsets| offsets.consumer_offset == 1)
                {
                    break stats;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(stats.offset_table[&q1].broker_offset, 3);
        assert_eq!(stats.total_diff(), 2);

        // Reset to before the first message: Apache's broker resets server-side and answers with the offsets.
        let outcome = admin
            .reset_offset_by_time("ApacheAdminData", "ApacheAdminCG", 0, true)
            .await
            .unwrap();
        match outcome {
            ResetOffsetOutcome::Reset(table) => assert_eq!(table.get(&q1), Some(&0), "{table:?}"),
            other => panic!("expected a broker-side reset, got {other:?}"),
        }
        assert_eq!(consumer.query_offset(&q1).await.unwrap(), Some(0));

        consumer.shutdown().await;
        producer.shutdown().await;
        admin.shutdown().await;
    })
    .await;
}
