//! A push consumer answering what brokers ask it, against a Fulmen `LocalCluster`, the requests sent the way
//! `mqadmin` sends them: the heartbeat announces it (GET_CONSUMER_CONNECTION_LIST), GET_CONSUMER_RUNNING_INFO
//! (consumerStatus), CONSUME_MESSAGE_DIRECTLY (consumeMessage) and INVOKE_BROKER_TO_RESET_OFFSET
//! (resetOffsetByTime), which the broker turns into RESET_CONSUMER_CLIENT_OFFSET.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_client::{
    ConsumeFromWhere, ConsumeResult, Message, MessageView, Producer, ProducerConfig, PushConsumer,
    PushConsumerConfig,
};
use fulmen_protocol::body::{
    CmResult, ConsumeMessageDirectlyResult, ConsumerConnection, ConsumerRunningInfo, JsonBody,
};
use fulmen_protocol::header::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerConnectionListRequestHeader,
    GetConsumerRunningInfoRequestHeader, ResetOffsetRequestHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RemotingClient;
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(60);
const RPC: Duration = Duration::from_secs(10);

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

type Log = Arc<Mutex<Vec<MessageView>>>;

fn bodies(log: &Log) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .map(|m| String::from_utf8(m.body.to_vec()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_admin_requests_forwarded_by_the_broker() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let broker = cluster.broker_addr(0).unwrap().to_string();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let mut sent = Vec::new();
        for i in 0..6 {
            sent.push(
                producer
                    .send(Message::new("PushAdmin", format!("m{i}")))
                    .await
                    .unwrap(),
            );
        }
        let log: Log = Arc::default();
        let listener = {
            let log = log.clone();
            move |messages: Vec<MessageView>| {
                log.lock().unwrap().extend(messages);
                std::future::ready(ConsumeResult::Success)
            }
        };
        let mut config =
            PushConsumerConfig::new(cluster.namesrv_addr(), "CG_ADMIN").subscribe("PushAdmin", "*");
        config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
        config.persist_offset_interval = Duration::from_millis(200);
        config.reset_offset_pause = Duration::from_millis(200);
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        eventually(|| bodies(&log).len() == 6).await;
        let admin = RemotingClient::new(fulmen_remoting::ClientConfig::default()).unwrap();

        // The heartbeat announced a push consumer with Java's enum names and the retry subscription.
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST).with_header(
            &GetConsumerConnectionListRequestHeader {
                consumer_group: "CG_ADMIN".into(),
            },
        );
        let response = admin.invoke(&broker, request, RPC).await.unwrap();
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let connection = ConsumerConnection::decode(&response.body).unwrap();
        assert_eq!(connection.consume_type.as_str(), "CONSUME_PASSIVELY");
        assert_eq!(connection.message_model.as_str(), "CLUSTERING");
        assert_eq!(
            connection.consume_from_where.as_str(),
            "CONSUME_FROM_FIRST_OFFSET"
        );
        let topics: BTreeSet<&str> = connection.subscription_table.keys().map(String::as_str).collect();
        assert_eq!(topics, BTreeSet::from(["%RETRY%CG_ADMIN", "PushAdmin"]));

        // consumerStatus.
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_RUNNING_INFO).with_header(
            &GetConsumerRunningInfoRequestHeader {
                consumer_group: "CG_ADMIN".into(),
                client_id: consumer.client_id().into(),
                jstack_enable: Some(false),
            },
        );
        let response = admin.invoke(&broker, request, RPC).await.unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let info = ConsumerRunningInfo::decode(&response.body).unwrap();
        assert_eq!(info.properties["PROP_CONSUME_TYPE"], "CONSUME_PASSIVELY");
        assert_eq!(info.properties["PROP_CONSUMEORDERLY"], "false");
        assert!(
            info.properties["PROP_CONSUMER_START_TIMESTAMP"]
                .parse::<i64>()
                .unwrap()
                > 0
        );
        assert_eq!(info.subscription_set.len(), 2);
        let queues = info.mq_table.keys().filter(|q| q.topic == "PushAdmin").count();
        assert_eq!(queues, 4);

        // consumeMessage: the listener runs on the stored message.
        let request = RemotingCommand::request(RequestCode::CONSUME_MESSAGE_DIRECTLY).with_header(
            &ConsumeMessageDirectlyResultRequestHeader {
                consumer_group: "CG_ADMIN".into(),
                client_id: Some(consumer.client_id().into()),
                msg_id: Some(sent[0].offset_msg_id.clone()),
                broker_name: None,
                topic: Some("PushAdmin".into()),
                topic_sys_flag: None,
                group_sys_flag: None,
            },
        );
        let response = admin.invoke(&broker, request, RPC).await.unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let result = ConsumeMessageDirectlyResult::decode(&response.body).unwrap();
        assert_eq!(result.consume_result, CmResult::Success);
        assert!(!result.order);
        assert_eq!(bodies(&log).len(), 7);
        assert_eq!(bodies(&log)[6], "m0");

        // resetOffsetByTime to the beginning: everything is consumed again.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let request = RemotingCommand::request(RequestCode::INVOKE_BROKER_TO_RESET_OFFSET).with_header(
            &ResetOffsetRequestHeader {
                group: "CG_ADMIN".into(),
                topic: "PushAdmin".into(),
                queue_id: None,
                offset: None,
                timestamp: 0,
                is_force: true,
            },
        );
        let response = admin.invoke(&broker, request, RPC).await.unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        eventually(|| bodies(&log).len() >= 13).await;
        let again: BTreeSet<String> = bodies(&log)[7..].iter().cloned().collect();
        assert_eq!(again, (0..6).map(|i| format!("m{i}")).collect());

        admin.shutdown().await;
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
