//! `Admin::reset_offset_by_time` against a fake broker that answers INVOKE_BROKER_TO_RESET_OFFSET with
//! CONSUMER_NOT_ONLINE (an older broker with no consumer online): the admin then resets every queue itself, as
//! Java's `resetOffsetByTimestampOld`: consume stats, SEARCH_OFFSET_BY_TIMESTAMP, and UPDATE_CONSUMER_OFFSET only
//! where the offset moves back (or always with `force`).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::*;
use fulmen_client::{Admin, AdminConfig, MessageQueue, ResetOffsetOutcome, RollbackStats};
use fulmen_protocol::body::{ConsumeStats, JsonBody, OffsetWrapper};
use fulmen_protocol::header::{ResetOffsetRequestHeader, SearchOffsetResponseHeader};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

fn script(broker: &FakeBroker, code: RequestCode, answer: RemotingCommand) {
    broker.state.scripted.lock().unwrap().insert(code.0, answer);
}

#[tokio::test]
async fn consumer_not_online_falls_back_to_the_admin_side_reset() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["ResetTopic"], true).await;
        script(
            &broker,
            RequestCode::INVOKE_BROKER_TO_RESET_OFFSET,
            RemotingCommand::response(ResponseCode::CONSUMER_NOT_ONLINE, Some("not online".into())),
        );
        // The group is at 8 of 10 on queue 0 and at 1 of 10 on queue 1; another topic's queue is ignored.
        let mut stats = ConsumeStats::default();
        let wrapper = |broker_offset, consumer_offset| OffsetWrapper {
            broker_offset,
            consumer_offset,
            pull_offset: consumer_offset,
            last_timestamp: 0,
        };
        stats
            .offset_table
            .insert(MessageQueue::new("ResetTopic", "broker-a", 0), wrapper(10, 8));
        stats
            .offset_table
            .insert(MessageQueue::new("ResetTopic", "broker-a", 1), wrapper(10, 1));
        stats
            .offset_table
            .insert(MessageQueue::new("Other", "broker-a", 0), wrapper(5, 5));
        script(
            &broker,
            RequestCode::GET_CONSUME_STATS,
            RemotingCommand::response(ResponseCode::SUCCESS, None).with_body(stats.encode().unwrap()),
        );
        // The timestamp is at offset 3 in every queue.
        script(
            &broker,
            RequestCode::SEARCH_OFFSET_BY_TIMESTAMP,
            RemotingCommand::response(ResponseCode::SUCCESS, None)
                .with_header(&SearchOffsetResponseHeader { offset: 3 }),
        );

        let admin = Admin::start(AdminConfig::new(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        let outcome = admin
            .reset_offset_by_time("ResetTopic", "ResetGroup", 1_700_000_000_000, false)
            .await
            .unwrap();
        let ResetOffsetOutcome::RolledBack(stats) = outcome else {
            panic!("expected the admin-side reset, got {outcome:?}");
        };
        let expected = |queue_id, consumer_offset, rollback_offset| RollbackStats {
            broker_name: "broker-a".into(),
            queue_id,
            broker_offset: 10,
            consumer_offset,
            timestamp_offset: 3,
            rollback_offset,
        };
        // Without force only queue 0 moves (back from 8 to 3); queue 1 stays at 1.
        assert_eq!(stats, [expected(0, 8, 3), expected(1, 1, 1)]);
        let stored = broker.state.offsets.lock().unwrap().clone();
        assert_eq!(
            stored.get(&("ResetGroup".into(), "ResetTopic".into(), 0)),
            Some(&3)
        );
        assert_eq!(stored.get(&("ResetGroup".into(), "ResetTopic".into(), 1)), None);
        let header: ResetOffsetRequestHeader =
            broker.state.requests(RequestCode::INVOKE_BROKER_TO_RESET_OFFSET)[0]
                .decode_header()
                .unwrap();
        assert_eq!(
            (header.queue_id, header.offset, header.is_force),
            (Some(-1), Some(-1), false)
        );

        // With force queue 1 moves forward too.
        let outcome = admin
            .reset_offset_by_time("ResetTopic", "ResetGroup", 1_700_000_000_000, true)
            .await
            .unwrap();
        let ResetOffsetOutcome::RolledBack(stats) = outcome else {
            panic!("expected the admin-side reset, got {outcome:?}");
        };
        assert_eq!(stats[1], expected(1, 1, 3));
        let stored = broker.state.offsets.lock().unwrap().clone();
        assert_eq!(
            stored.get(&("ResetGroup".into(), "ResetTopic".into(), 1)),
            Some(&3)
        );
        admin.shutdown().await;
    })
    .await;
}
