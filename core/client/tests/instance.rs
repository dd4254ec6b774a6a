//! The client instance's route and name server handling, observed through a producer and a push consumer: the name
//! server in use stopping mid-life, a topic growing queues, and a topic disappearing from the name servers.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{FakeBroker, bounded, namesrv};
use fulmen_client::{
    Admin, AdminConfig, ConsumeResult, ErrorKind, Message, MessageView, Producer, ProducerConfig,
    PushConsumer, PushConsumerConfig, TopicSettings, TopicTarget,
};
use fulmen_protocol::header::{CreateTopicRequestHeader, DeleteTopicFromNamesrvRequestHeader};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{ClientConfig, RemotingClient};
use fulmen_testkit::LocalCluster;

const SHORT: Duration = Duration::from_millis(100);

fn producer_config(namesrv_addr: String) -> ProducerConfig {
    let mut config = ProducerConfig::new(namesrv_addr, "PG");
    config.client.route_poll_interval = SHORT;
    config.client.heartbeat_interval = SHORT;
    config
}

/// Sends `request` to `addr` on a throwaway connection and checks the answer is SUCCESS.
async fn admin_request(addr: &str, request: RemotingCommand) {
    let client = RemotingClient::new(ClientConfig::default()).unwrap();
    let response = client
        .invoke(addr, request, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
    client.shutdown().await;
}

async fn create_topic(broker_addr: &str, topic: &str, queues: i32) {
    let header = CreateTopicRequestHeader {
        topic: topic.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: queues,
        write_queue_nums: queues,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        topic_sys_flag: None,
        order: false,
        attributes: None,
        force: None,
    };
    let request = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_TOPIC).with_header(&header);
    admin_request(broker_addr, request).await;
}

/// Sends until `done` holds for a send's outcome, at most `limit` times, 50 ms apart.
async fn send_until(
    producer: &Producer,
    topic: &str,
    limit: usize,
    mut done: impl FnMut(&fulmen_client::Result<fulmen_client::SendResult>) -> bool,
) -> bool {
    for _ in 0..limit {
        let outcome = producer.send(Message::new(topic, "x")).await;
        if done(&outcome) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_name_server_in_use_moves_the_client_to_the_other() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .name_servers(2)
            .configure_broker(|_, config| config.register_period = Duration::from_millis(200))
            .start()
            .await
            .unwrap();
        let producer = Producer::start(producer_config(cluster.namesrv_addr()))
            .await
            .unwrap();
        producer.send(Message::new("Before", "x")).await.unwrap();

        // Whichever server the random start chose, after these two steps the one in use has been stopped: the
        // client either moved to the second at the first step and is stopped again at the second, or stayed on
        // the second until the second step. Each new topic needs a name server answer.
        cluster.stop_name_server(0).await.unwrap();
        producer.send(Message::new("WhileFirstDown", "x")).await.unwrap();
        cluster.restart_name_server(0).await.unwrap();
        // the restarted name server learns the broker at its next registration
        tokio::time::sleep(Duration::from_millis(600)).await;
        cluster.stop_name_server(1).await.unwrap();
        producer.send(Message::new("WhileSecondDown", "x")).await.unwrap();

        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn route_refresh_picks_up_a_new_queue_count() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .auto_create_topics(false)
            .start()
            .await
            .unwrap();
        let broker_addr = cluster.broker_addr(0).unwrap().to_string();
        create_topic(&broker_addr, "Growing", 2).await;
        let producer = Producer::start(producer_config(cluster.namesrv_addr()))
            .await
            .unwrap();
        let mut queues = BTreeSet::new();
        assert!(
            send_until(&producer, "Growing", 40, |outcome| {
                if let Ok(result) = outcome {
                    queues.insert(result.queue.queue_id);
                }
                queues.len() == 2
            })
            .await
        );
        assert_eq!(queues, BTreeSet::from([0, 1]));

        create_topic(&broker_addr, "Growing", 4).await;
        // the broker registers the change; the next refresh (100 ms) sees four queues
        queues.clear();
        assert!(
            send_until(&producer, "Growing", 100, |outcome| {
                queues.insert(outcome.as_ref().unwrap().queue.queue_id);
                queues.len() == 4
            })
            .await,
            "only queues {queues:?} were used"
        );
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_topic_that_disappears_stops_being_used_and_its_broker_gets_no_more_heartbeats() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        // two topics: a single-topic registration is an incremental update the name server refuses first
        broker.register(&namesrv, &["Vanishing", "Unused"], false).await;
        let producer = Producer::start(producer_config(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        producer.send(Message::new("Vanishing", "x")).await.unwrap();

        let header = DeleteTopicFromNamesrvRequestHeader {
            topic: "Vanishing".into(),
            cluster_name: None,
        };
        let request = RemotingCommand::request(RequestCode::DELETE_TOPIC_IN_NAMESRV).with_header(&header);
        admin_request(&namesrv.local_addr().to_string(), request).await;

        // Java would keep the old route and go on sending to the broker; Fulmen forgets it at the next refresh
        let mut last_error = None;
        let gone = send_until(&producer, "Vanishing", 60, |outcome| match outcome {
            Ok(_) => false,
            Err(error) => {
                last_error = Some(error.kind());
                true
            }
        })
        .await;
        assert!(gone, "the producer kept sending to the deleted topic");
        assert_eq!(last_error, Some(ErrorKind::RouteNotFound));

        // nothing reaches the broker any more: no send, and no heartbeat (it is in no route)
        let sends = broker.state.requests(RequestCode::SEND_MESSAGE_V2).len();
        let heartbeats = broker.state.requests(RequestCode::HEART_BEAT).len();
        let error = producer.send(Message::new("Vanishing", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RouteNotFound);
        tokio::time::sleep(4 * SHORT).await;
        assert_eq!(broker.state.requests(RequestCode::SEND_MESSAGE_V2).len(), sends);
        assert_eq!(broker.state.requests(RequestCode::HEART_BEAT).len(), heartbeats);

        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_consumer_gives_up_the_queues_of_a_deleted_topic() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .auto_create_topics(false)
            .start()
            .await
            .unwrap();
        let admin = Admin::start(AdminConfig::new(cluster.namesrv_addr()))
            .await
            .unwrap();
        let mut settings = TopicSettings::new("Fleeting");
        settings.read_queue_nums = 4;
        settings.write_queue_nums = 4;
        admin
            .create_topic(&TopicTarget::Cluster("DefaultCluster".into()), &settings)
            .await
            .unwrap();

        let mut config = PushConsumerConfig::new(cluster.namesrv_addr(), "CG").subscribe("Fleeting", "*");
        config.client.route_poll_interval = SHORT;
        config.client.heartbeat_interval = SHORT;
        config.rebalance_interval = Duration::from_millis(200);
        let consumer = PushConsumer::start(config, |_: Vec<MessageView>| async { ConsumeResult::Success })
            .await
            .unwrap();
        let assigned = |count: usize| {
            let consumer = consumer.clone();
            async move {
                for _ in 0..100 {
                    let queues = consumer
                        .assigned_queues()
                        .into_iter()
                        .filter(|queue| queue.topic == "Fleeting")
                        .count();
                    if queues == count {
                        return true;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                false
            }
        };
        assert!(assigned(4).await, "the consumer never took the topic's 4 queues");

        admin.delete_topic("Fleeting", "DefaultCluster").await.unwrap();
        // Java would keep pulling the stale queues forever; the next route refresh forgets the topic and the next
        // rebalance gives its queues up
        assert!(assigned(0).await, "the consumer kept the deleted topic's queues");

        consumer.shutdown().await;
        admin.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
