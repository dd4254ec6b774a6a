//! A push consumer answering what brokers ask it, against a Fulmen `LocalCluster`, the requests sent the way
//! `mqadmin` sends them: the heartbeat announces it (GET_CONSUMER_CONNECTION_LIST), GET_CONSUMER_RUNNING_INFO
//! (consumerStatus), CONSUME_MESSAGE_DIRECTLY (consumeMessage) and INVOKE_BROKER_TO_RESET_OFFSET
//! (resetOffsetByTime), which the broker turns into RESET_CONSUMER_CLIENT_OFFSET.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::time::Duration;

use fulmen_client::{Message, PushConsumer};
use fulmen_protocol::body::{CmResult, ConsumeMessageDirectlyResult, ConsumerRunningInfo, JsonBody};
use fulmen_protocol::header::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader, ResetOffsetRequestHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode};
use push_support::{Fixture, Received, admin_call, bounded, consumer_connection, eventually};

mod push_support;

const TEST_BOUND: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_admin_requests_forwarded_by_the_broker() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let (cluster, producer) = (&fixture.cluster, &fixture.producer);
        let broker = cluster.broker_addr(0).unwrap().to_string();
        let mut sent = Vec::new();
        for i in 0..6 {
            sent.push(
                producer
                    .send(Message::new("PushAdmin", format!("m{i}")))
                    .await
                    .unwrap(),
            );
        }
        let log = Received::default();
        let listener = log.listener();
        let mut config = fixture.config("CG_ADMIN", "PushAdmin");
        config.reset_offset_pause = Duration::from_millis(200);
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        eventually(|| log.bodies().len() == 6).await;

        // The heartbeat announced a push consumer with Java's enum names and the retry subscription.
        let connection = consumer_connection(&broker, "CG_ADMIN").await;
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
        let response = admin_call(&broker, request).await;
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
        let response = admin_call(&broker, request).await;
        let result = ConsumeMessageDirectlyResult::decode(&response.body).unwrap();
        assert_eq!(result.consume_result, CmResult::Success);
        assert!(!result.order);
        assert_eq!(log.bodies().len(), 7);
        assert_eq!(log.bodies()[6], "m0");

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
        admin_call(&broker, request).await;
        eventually(|| log.bodies().len() >= 13).await;
        let again: BTreeSet<String> = log.bodies()[7..].iter().cloned().collect();
        assert_eq!(again, (0..6).map(|i| format!("m{i}")).collect());

        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}
