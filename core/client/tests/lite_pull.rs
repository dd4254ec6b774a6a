//! The lite pull consumer against a Fulmen `LocalCluster`: assign + poll of every queue, subscribe with two members
//! splitting the queues, auto and manual commits seen by the broker (QUERY_CONSUMER_OFFSET), seek back and the seek
//! guard against pulls in flight, pause / resume, offsets persisted at shutdown, tag filters, and Java's errors.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod lite_support;
mod push_support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use lite_support::{POLL, body, bounded, next_offsets, poll_until, queues_of};

use fulmen_client::{
    Admin, AdminConfig, ConsumeFromWhere, LitePullConsumer, LitePullConsumerConfig, Message, MessageQueue,
    MessageView, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, TopicSettings, TopicTarget,
};
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(90);

/// A config reading from the first offset, with short intervals.
fn config(cluster: &LocalCluster, group: &str) -> LitePullConsumerConfig {
    let mut config = LitePullConsumerConfig::new(cluster.namesrv_addr(), group);
    config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
    config.auto_commit_interval = Duration::from_secs(1);
    config.persist_offset_interval = Duration::from_millis(300);
    config.rebalance_interval = Duration::from_secs(1);
    config
}

async fn producer(cluster: &LocalCluster) -> Producer {
    Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
        .await
        .unwrap()
}

/// Sends `count` messages tagged `tag` to `topic`; returns their bodies.
async fn send(producer: &Producer, topic: &str, prefix: &str, count: usize, tag: &str) -> BTreeSet<String> {
    let mut bodies = BTreeSet::new();
    for i in 0..count {
        let body = format!("{prefix}{i}");
        producer
            .send(Message::new(topic, body.clone()).with_tags(tag))
            .await
            .unwrap();
        bodies.insert(body);
    }
    bodies
}

/// Sends `count` messages to one queue.
async fn send_to(producer: &Producer, queue: &MessageQueue, prefix: &str, count: usize) -> BTreeSet<String> {
    let mut bodies = BTreeSet::new();
    for i in 0..count {
        let body = format!("{prefix}{i}");
        producer
            .send_to_queue(Message::new(&queue.topic, body.clone()), queue.clone())
            .await
            .unwrap();
        bodies.insert(body);
    }
    bodies
}

/// Polls for `period`, returning everything.
async fn poll_for(consumer: &LitePullConsumer, period: Duration) -> Vec<MessageView> {
    let end = tokio::time::Instant::now() + period;
    let mut all = Vec::new();
    while tokio::time::Instant::now() < end {
        all.extend(consumer.poll(POLL).await.unwrap());
    }
    all
}

/// The group's offsets on the broker, asked with QUERY_CONSUMER_OFFSET through the pull primitive.
async fn broker_offsets(cluster: &LocalCluster, group: &str, queues: &[MessageQueue]) -> BTreeMap<i32, i64> {
    let primitive = PullConsumer::start(PullConsumerConfig::new(cluster.namesrv_addr(), group))
        .await
        .unwrap();
    let mut offsets = BTreeMap::new();
    for queue in queues {
        offsets.insert(
            queue.queue_id,
            primitive.query_offset(queue).await.unwrap().unwrap_or(-1),
        );
    }
    primitive.shutdown().await;
    offsets
}

/// Waits until the broker has the wanted offsets of `group`.
async fn wait_for_broker_offsets(
    cluster: &LocalCluster,
    group: &str,
    queues: &[MessageQueue],
    wanted: &BTreeMap<i32, i64>,
) {
    while &broker_offsets(cluster, group, queues).await != wanted {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_polls_every_message_of_four_queues_one_queue_batch_at_a_time() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteAssign", "m", 60, "A").await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_ASSIGN"))
            .await
            .unwrap();
        let queues = queues_of(&consumer, "LiteAssign").await;
        assert_eq!(queues.len(), 4);
        consumer.assign(queues.clone()).unwrap();
        assert_eq!(consumer.assignment(), queues);

        let mut seen = BTreeSet::new();
        while seen != sent {
            let batch = consumer.poll(POLL).await.unwrap();
            assert!(batch.len() <= 10, "at most pullBatchSize per poll");
            let ids: BTreeSet<i32> = batch.iter().map(|m| m.queue.queue_id).collect();
            assert!(ids.len() <= 1, "one queue per batch");
            for message in &batch {
                assert!(seen.insert(body(message)), "no duplicates without a seek");
            }
        }
        consumer.shutdown().await;
        consumer.shutdown().await;
        let error = consumer.poll(POLL).await.unwrap_err();
        assert_eq!(
            error.message(),
            "The consumer not running, please start it first."
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_subscribed_members_split_the_queues_and_consume_everything() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        send(&producer, "LiteSplit", "warm", 1, "A").await;
        let first = LitePullConsumer::start(config(&cluster, "CG_SPLIT"))
            .await
            .unwrap();
        let second = LitePullConsumer::start(config(&cluster, "CG_SPLIT"))
            .await
            .unwrap();
        first.subscribe("LiteSplit", "*").await.unwrap();
        second.subscribe("LiteSplit", "*").await.unwrap();
        loop {
            let (a, b) = (first.assignment(), second.assignment());
            if a.len() == 2 && b.len() == 2 && a.iter().all(|q| !b.contains(q)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut sent = send(&producer, "LiteSplit", "s", 40, "A").await;
        sent.insert("warm0".into());
        let mut seen = BTreeSet::new();
        let mut by_member = [BTreeSet::new(), BTreeSet::new()];
        while !sent.is_subset(&seen) {
            for (index, consumer) in [&first, &second].into_iter().enumerate() {
                for message in consumer.poll(Duration::from_millis(50)).await.unwrap() {
                    by_member[index].insert(message.queue.queue_id);
                    seen.insert(body(&message));
                }
            }
        }
        assert!(by_member[0].is_disjoint(&by_member[1]), "{by_member:?}");
        first.shutdown().await;
        second.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_commit_reaches_the_broker_and_a_fresh_consumer_resumes_there() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteAuto", "m", 30, "A").await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_AUTO"))
            .await
            .unwrap();
        let queues = queues_of(&consumer, "LiteAuto").await;
        consumer.assign(queues.clone()).unwrap();
        let polled = poll_until(&consumer, &sent).await;
        let wanted = next_offsets(&polled);
        // The commit happens inside a poll once the 1 s interval has passed, the persist 300 ms later.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        assert!(consumer.poll(POLL).await.unwrap().is_empty());
        wait_for_broker_offsets(&cluster, "CG_AUTO", &queues, &wanted).await;
        assert_eq!(
            consumer.committed(&queues[0]).await.unwrap(),
            Some(wanted[&queues[0].queue_id])
        );
        consumer.shutdown().await;

        let later = send(&producer, "LiteAuto", "later", 8, "A").await;
        let fresh = LitePullConsumer::start(config(&cluster, "CG_AUTO"))
            .await
            .unwrap();
        fresh.assign(queues).unwrap();
        let polled = poll_until(&fresh, &later).await;
        assert!(
            polled.iter().all(|m| later.contains(&body(m))),
            "nothing before the commit again"
        );
        fresh.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_commit_with_persist_is_on_the_broker_at_once() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteManual", "m", 20, "A").await;
        let mut manual = config(&cluster, "CG_MANUAL");
        manual.auto_commit = false;
        manual.persist_offset_interval = Duration::from_secs(600);
        let consumer = LitePullConsumer::start(manual).await.unwrap();
        let queues = queues_of(&consumer, "LiteManual").await;
        consumer.assign(queues.clone()).unwrap();
        let polled = poll_until(&consumer, &sent).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        // No auto commit: the broker has no offset (it answers 0 while a queue still holds its first message).
        let before = broker_offsets(&cluster, "CG_MANUAL", &queues).await;
        assert!(before.values().all(|offset| *offset <= 0), "{before:?}");

        let wanted = next_offsets(&polled);
        let offsets: HashMap<MessageQueue, i64> =
            queues.iter().map(|q| (q.clone(), wanted[&q.queue_id])).collect();
        consumer.commit(offsets, true).await.unwrap();
        wait_for_broker_offsets(&cluster, "CG_MANUAL", &queues, &wanted).await;

        // commit_sync commits what poll handed out, in memory; committed() reads it back.
        let more = send_to(&producer, &queues[1], "more", 3).await;
        poll_until(&consumer, &more).await;
        consumer.commit_sync().unwrap();
        assert_eq!(
            consumer.committed(&queues[1]).await.unwrap(),
            Some(wanted[&queues[1].queue_id] + 3)
        );
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seek_back_redelivers_and_no_pre_seek_message_comes_out_after_a_seek() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let mut seek_config = config(&cluster, "CG_SEEK");
        seek_config.auto_commit = false;
        let consumer = LitePullConsumer::start(seek_config).await.unwrap();
        let queue = consumer.fetch_message_queues("LiteSeek").await;
        // The topic does not exist before the first send.
        assert!(queue.is_err());
        let warm = producer
            .send(Message::new("LiteSeek", "warm"))
            .await
            .unwrap()
            .queue;
        let queues = queues_of(&consumer, "LiteSeek").await;
        let others: Vec<&MessageQueue> = queues.iter().filter(|q| **q != warm).collect();
        let queue = others[0].clone();
        send_to(&producer, &queue, "q", 200).await;
        consumer.assign(vec![queue.clone()]).unwrap();

        // Seek repeatedly while the pull task runs ahead (batches buffered, pulls in flight): the first message
        // polled after each seek is the seek offset, and offsets run on from there without gaps.
        for target in [150_i64, 3, 120, 0, 199, 57] {
            consumer.poll(POLL).await.unwrap();
            consumer.seek(&queue, target).await.unwrap();
            let mut expected = target;
            while expected < (target + 25).min(200) {
                for message in consumer.poll(POLL).await.unwrap() {
                    assert_eq!(message.queue_offset, expected, "after seeking to {target}");
                    expected += 1;
                }
            }
        }

        // A pull held by the broker (nothing new) is in flight during this seek; the messages it then returns
        // were pulled for the old position and must not come out.
        consumer.seek_to_end(&queue).await.unwrap();
        assert!(poll_for(&consumer, Duration::from_millis(500)).await.is_empty());
        consumer.seek(&queue, 10).await.unwrap();
        send_to(&producer, &queue, "new", 5).await;
        let mut expected = 10;
        while expected < 205 {
            for message in consumer.poll(POLL).await.unwrap() {
                assert_eq!(message.queue_offset, expected);
                expected += 1;
            }
        }

        consumer.seek_to_begin(&queue).await.unwrap();
        let first = consumer.poll(Duration::from_secs(5)).await.unwrap();
        assert_eq!(first[0].queue_offset, 0);

        // offset_for_timestamp: the first message stored at or after the time.
        let stored = first[3].store_timestamp;
        let found = consumer.offset_for_timestamp(&queue, stored).await.unwrap();
        assert!(found <= 3 && first[usize::try_from(found).unwrap()].store_timestamp >= stored);
        let later = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let end = consumer
            .offset_for_timestamp(&queue, i64::try_from(later).unwrap() + 60_000)
            .await
            .unwrap();
        assert!(
            end >= 204,
            "a time after every message is at the queue's end, got {end}"
        );

        let error = consumer.seek(&queue, 10_000).await.unwrap_err();
        assert_eq!(
            error.message(),
            "Seek offset illegal, seek offset = 10000, min offset = 0, max offset = 205"
        );
        let other = others[1].clone();
        let error = consumer.seek(&other, 0).await.unwrap_err();
        assert_eq!(
            error.message(),
            format!("The message queue is not in assigned list, message queue: {other}")
        );
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_stops_a_queue_and_resume_restarts_it() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        send(&producer, "LitePause", "warm", 1, "A").await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_PAUSE"))
            .await
            .unwrap();
        let queues = queues_of(&consumer, "LitePause").await;
        let (paused, running) = (queues[0].clone(), queues[1].clone());
        consumer.seek_to_end(&paused).await.unwrap_err(); // not assigned yet
        consumer.assign(vec![paused.clone(), running.clone()]).unwrap();
        consumer.seek_to_end(&running).await.unwrap();
        consumer.pause(std::slice::from_ref(&paused));
        // The seek replaces the queue's pull task (and a pull it may have had in flight); the new one sees the pause.
        consumer.seek_to_end(&paused).await.unwrap();
        poll_for(&consumer, Duration::from_millis(300)).await;

        let held = send_to(&producer, &paused, "p", 5).await;
        let flowing = send_to(&producer, &running, "r", 5).await;
        let polled = poll_for(&consumer, Duration::from_secs(2)).await;
        let bodies: BTreeSet<String> = polled.iter().map(body).collect();
        assert!(flowing.is_subset(&bodies));
        assert!(bodies.is_disjoint(&held), "a paused queue is not pulled");

        consumer.resume(std::slice::from_ref(&paused));
        poll_until(&consumer, &held).await;
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_commits_and_persists_the_polled_offsets() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteShutdown", "m", 24, "A").await;
        let mut slow = config(&cluster, "CG_SHUTDOWN");
        slow.auto_commit_interval = Duration::from_secs(600);
        slow.persist_offset_interval = Duration::from_secs(600);
        let consumer = LitePullConsumer::start(slow).await.unwrap();
        let queues = queues_of(&consumer, "LiteShutdown").await;
        consumer.assign(queues.clone()).unwrap();
        let polled = poll_until(&consumer, &sent).await;
        consumer.shutdown().await;
        wait_for_broker_offsets(&cluster, "CG_SHUTDOWN", &queues, &next_offsets(&polled)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broker_knows_a_subscribed_member_when_subscribe_returns() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        send(&producer, "LiteSubscribeKnown", "m", 1, "A").await;
        // The send created the topic; the broker registers it with the name server asynchronously.
        let admin = Admin::start(AdminConfig::new(cluster.namesrv_addr()))
            .await
            .unwrap();
        while admin.topic_route("LiteSubscribeKnown").await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        admin.shutdown().await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_SUBSCRIBE_KNOWN"))
            .await
            .unwrap();
        consumer.subscribe("LiteSubscribeKnown", "*").await.unwrap();
        // No wait: subscribe's heartbeat must already have reached the topic's broker (it went nowhere when it was
        // sent before the consumer's fresh instance knew any broker, and the first rebalance then found no member).
        // The broker is asked directly: the name server learns the group's retry topic only when the broker next
        // registers, which is asynchronous.
        let broker = cluster.broker_addr(0).unwrap().to_string();
        let connection = push_support::consumer_connection(&broker, "CG_SUBSCRIBE_KNOWN").await;
        assert_eq!(connection.connection_set.len(), 1);
        assert!(connection.subscription_table.contains_key("LiteSubscribeKnown"));
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_created_after_subscribe_is_consumed_without_waiting_for_the_periodic_heartbeat() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let mut slow_heartbeats = config(&cluster, "CG_LATE_TOPIC");
        slow_heartbeats.client.heartbeat_interval = Duration::from_secs(600);
        let consumer = LitePullConsumer::start(slow_heartbeats).await.unwrap();
        // No route yet: subscribe's heartbeat reaches no broker, and the first periodic one (at 1 s) neither.
        consumer.subscribe("LiteLateTopic", "*").await.unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let admin = Admin::start(AdminConfig::new(cluster.namesrv_addr()))
            .await
            .unwrap();
        admin
            .create_topic(
                &TopicTarget::Cluster("DefaultCluster".into()),
                &TopicSettings::new("LiteLateTopic"),
            )
            .await
            .unwrap();
        admin.shutdown().await;
        // The next rebalance (1 s) finds the route and connects to the broker, and the heartbeat on that new
        // connection makes the consumer a member: without it, the group stayed empty for 600 s.
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteLateTopic", "late", 4, "A").await;
        let polled = tokio::time::timeout(Duration::from_secs(20), poll_until(&consumer, &sent))
            .await
            .expect("consumed within 20 s");
        assert_eq!(polled.len(), 4);
        consumer.shutdown().await;
        producer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_a_waiting_poll_at_once() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        send(&producer, "LiteShutdownPoll", "m", 1, "A").await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_SHUTDOWN_POLL"))
            .await
            .unwrap();
        let queues = queues_of(&consumer, "LiteShutdownPoll").await;
        consumer.assign(queues.clone()).unwrap();
        for queue in &queues {
            consumer.seek_to_end(queue).await.unwrap();
        }
        let waiting = tokio::spawn({
            let consumer = consumer.clone();
            async move {
                let started = tokio::time::Instant::now();
                // (a poll that only starts after the shutdown fails at once: also no wait)
                let batch = consumer.poll(Duration::from_secs(60)).await.unwrap_or_default();
                (batch.len(), started.elapsed())
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await; // the poll is waiting on an empty buffer
        consumer.shutdown().await;
        let (polled, waited) = waiting.await.unwrap();
        assert_eq!(polled, 0);
        assert!(waited < Duration::from_secs(10), "the poll waited {waited:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_expressions_filter_in_both_modes_and_the_modes_exclude_each_other() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let a = send(&producer, "LiteTags", "a", 10, "A").await;
        let b = send(&producer, "LiteTags", "b", 10, "B").await;
        let c = send(&producer, "LiteTags", "c", 10, "C").await;

        let assigned =
            LitePullConsumer::start(config(&cluster, "CG_TAGS_ASSIGN").assign_expression("LiteTags", "A"))
                .await
                .unwrap();
        let queues = queues_of(&assigned, "LiteTags").await;
        assigned.assign(queues).unwrap();
        let error = assigned.subscribe("LiteTags", "*").await.unwrap_err();
        assert_eq!(error.message(), "Subscribe and assign are mutually exclusive.");
        poll_until(&assigned, &a).await;
        let rest: BTreeSet<String> = poll_for(&assigned, Duration::from_millis(600))
            .await
            .iter()
            .map(body)
            .collect();
        assert!(rest.is_empty(), "{rest:?}");
        assigned.shutdown().await;

        let subscribed = LitePullConsumer::start(config(&cluster, "CG_TAGS_SUB"))
            .await
            .unwrap();
        subscribed.subscribe("LiteTags", "A || C").await.unwrap();
        let error = subscribed
            .assign(vec![MessageQueue::new("LiteTags", "x", 0)])
            .unwrap_err();
        assert_eq!(error.message(), "Subscribe and assign are mutually exclusive.");
        let error = subscribed.assign(Vec::new()).unwrap_err();
        assert_eq!(error.message(), "Message queues can not be null or empty.");
        let error = subscribed.subscribe("", "*").await.unwrap_err();
        assert_eq!(error.message(), "Topic can not be null or empty.");
        let wanted: BTreeSet<String> = a.union(&c).cloned().collect();
        let polled: BTreeSet<String> = poll_until(&subscribed, &wanted).await.iter().map(body).collect();
        assert!(polled.is_disjoint(&b));
        let rest: BTreeSet<String> = poll_for(&subscribed, Duration::from_millis(600))
            .await
            .iter()
            .map(body)
            .collect();
        assert!(rest.is_disjoint(&b));
        subscribed.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasting_members_each_get_every_queue_and_resume_from_their_offset_file() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteBroadcast", "m", 20, "A").await;
        let dir = std::env::temp_dir().join(format!("fulmen-lite-broadcast-{}", std::process::id()));
        let member = |name: &str| {
            let mut config = config(&cluster, "CG_BROADCAST");
            config.message_model = fulmen_client::MessageModel::Broadcasting;
            config.local_offset_store_dir = dir.clone();
            config.client.instance_name = name.to_owned();
            config
        };
        let first = LitePullConsumer::start(member("b1")).await.unwrap();
        let second = LitePullConsumer::start(member("b2")).await.unwrap();
        first.subscribe("LiteBroadcast", "*").await.unwrap();
        second.subscribe("LiteBroadcast", "*").await.unwrap();
        poll_until(&first, &sent).await;
        poll_until(&second, &sent).await;
        assert_eq!(first.assignment().len(), 4);
        assert_eq!(second.assignment().len(), 4);
        first.shutdown().await;
        second.shutdown().await;

        let later = send(&producer, "LiteBroadcast", "later", 6, "A").await;
        let again = LitePullConsumer::start(member("b1")).await.unwrap();
        again.subscribe("LiteBroadcast", "*").await.unwrap();
        let polled = poll_until(&again, &later).await;
        assert!(
            polled.iter().all(|m| later.contains(&body(m))),
            "resumed from the offset file"
        );
        again.shutdown().await;
        std::fs::remove_dir_all(&dir).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsubscribe_stops_a_topic_and_keeps_the_others() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let kept = send(&producer, "LiteKept", "k", 4, "A").await;
        let dropped = send(&producer, "LiteDropped", "d", 4, "A").await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_UNSUB"))
            .await
            .unwrap();
        consumer.subscribe("LiteKept", "*").await.unwrap();
        consumer.subscribe("LiteDropped", "*").await.unwrap();
        let both: BTreeSet<String> = kept.union(&dropped).cloned().collect();
        poll_until(&consumer, &both).await;
        assert_eq!(consumer.assignment().len(), 8);

        consumer.unsubscribe("LiteDropped");
        assert!(consumer.assignment().iter().all(|q| q.topic == "LiteKept"));
        let ignored = send(&producer, "LiteDropped", "late", 4, "A").await;
        let more = send(&producer, "LiteKept", "more", 4, "A").await;
        let polled: BTreeSet<String> = poll_until(&consumer, &more).await.iter().map(body).collect();
        let rest: BTreeSet<String> = poll_for(&consumer, Duration::from_millis(1_500))
            .await
            .iter()
            .map(body)
            .collect();
        assert!(polled.is_disjoint(&ignored) && rest.is_disjoint(&ignored));
        assert!(
            consumer.assignment().iter().all(|q| q.topic == "LiteKept"),
            "the rebalance keeps it out"
        );
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_change_listener_hears_when_a_broker_leaves_the_topic() {
    bounded(TEST_BOUND, async {
        let cluster = LocalCluster::builder().brokers(2).start().await.unwrap();
        let producer = producer(&cluster).await;
        // The first send creates the topic on one broker (through TBW102); a send to the other broker's queue 0
        // creates it there too.
        let first = producer.send(Message::new("LiteWatch", "a")).await.unwrap().queue;
        let other = cluster
            .brokers()
            .iter()
            .map(|(name, _)| name.clone())
            .find(|name| *name != first.broker_name);
        let other = other.unwrap();
        producer
            .send_to_queue(
                Message::new("LiteWatch", "b"),
                MessageQueue::new("LiteWatch", other.clone(), 0),
            )
            .await
            .unwrap();

        let mut watching = config(&cluster, "CG_WATCH");
        watching.topic_metadata_check_interval = Duration::from_millis(200);
        let consumer = LitePullConsumer::start(watching).await.unwrap();
        while queues_of(&consumer, "LiteWatch").await.len() != 8 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        consumer
            .register_topic_queue_change_listener("LiteWatch", move |topic, queues| {
                tx.send((topic.to_owned(), queues.to_vec())).unwrap();
            })
            .await
            .unwrap();
        let index = cluster
            .brokers()
            .iter()
            .position(|(name, _)| *name == other)
            .unwrap();
        cluster.stop_broker(index).await.unwrap();
        let (topic, queues) = rx.recv().await.unwrap();
        assert_eq!(topic, "LiteWatch");
        assert_eq!(queues.len(), 4);
        assert!(queues.iter().all(|q| q.broker_name == first.broker_name));
        consumer.shutdown().await;
    })
    .await;
}

/// Compile-time check: handles are `Send + Sync` and cheap to clone, and their futures can be spawned.
#[allow(dead_code)]
fn handles_are_send_sync_and_futures_are_send(consumer: &LitePullConsumer, queue: &MessageQueue) {
    fn send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    fn send<T: Send>(_: T) {}
    send_sync(consumer);
    send(consumer.poll(POLL));
    send(consumer.seek(queue, 0));
    send(consumer.subscribe("T", "*"));
    send(consumer.commit(HashMap::new(), true));
    send(consumer.shutdown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brokers_see_an_active_consumer_and_get_its_running_info() {
    bounded(TEST_BOUND, async {
        use fulmen_protocol::body::{ConsumerRunningInfo, JsonBody};
        use fulmen_protocol::header::GetConsumerRunningInfoRequestHeader;
        use fulmen_protocol::{RemotingCommand, RequestCode};

        let cluster = LocalCluster::start().await.unwrap();
        let producer = producer(&cluster).await;
        let sent = send(&producer, "LiteInfo", "m", 8, "A").await;
        let consumer = LitePullConsumer::start(config(&cluster, "CG_INFO"))
            .await
            .unwrap();
        consumer.subscribe("LiteInfo", "A").await.unwrap();
        poll_until(&consumer, &sent).await;
        consumer.commit_sync().unwrap();

        let broker = cluster.broker_addr(0).unwrap().to_string();
        let connection = push_support::consumer_connection(&broker, "CG_INFO").await;
        assert_eq!(connection.consume_type.as_str(), "CONSUME_ACTIVELY");
        assert_eq!(connection.consume_from_where.as_str(), "CONSUME_FROM_LAST_OFFSET");
        let topics: Vec<&str> = connection.subscription_table.keys().map(String::as_str).collect();
        assert_eq!(topics, ["LiteInfo"], "no retry topic for a lite pull consumer");

        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_RUNNING_INFO).with_header(
            &GetConsumerRunningInfoRequestHeader {
                consumer_group: "CG_INFO".into(),
                client_id: consumer.client_id().into(),
                jstack_enable: Some(false),
            },
        );
        let response = push_support::admin_call(&broker, request).await;
        let info = ConsumerRunningInfo::decode(&response.body).unwrap();
        assert_eq!(info.properties["PROP_CONSUME_TYPE"], "CONSUME_ACTIVELY");
        assert_eq!(info.properties["pullBatchSize"], "10");
        assert_eq!(info.subscription_set.len(), 1);
        assert_eq!(info.mq_table.len(), 4);
        let committed: i64 = info.mq_table.values().map(|q| q.commit_offset).sum();
        assert_eq!(committed, 8, "every polled message committed");
        consumer.shutdown().await;
    })
    .await;
}
