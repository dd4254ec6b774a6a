//! Where a producer may write a topic: the writable queues of its masters and the rotating index that picks one
//! (Java's `TopicPublishInfo` with its `ThreadLocalIndex`). Which filters apply is [`super::fault`]'s business.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use fulmen_protocol::body::{MessageQueue, TopicRouteData};

/// `PermName.PERM_WRITE`.
const PERM_WRITE: i32 = 0x2;

/// The queues a topic can be written to, and the rotating index that picks one.
#[derive(Debug)]
pub(crate) struct TopicPublishInfo {
    /// The route these queues were built from.
    pub(crate) route: Arc<TopicRouteData>,
    /// Writable queues, grouped by broker name in order.
    pub(crate) queues: Vec<MessageQueue>,
    next: AtomicU32,
}

impl TopicPublishInfo {
    /// The queues of `topic` in `route` (`MQClientInstance.topicRouteData2TopicPublishInfo`): the expansion of
    /// `orderTopicConf` when set; otherwise, by broker name, queues `0..writeQueueNums` of every writable queue
    /// data whose broker has a master. `start` is the first index used (random in production).
    pub(crate) fn new(topic: &str, route: Arc<TopicRouteData>, start: u32) -> Self {
        let queues = match route.order_topic_conf.as_deref().filter(|conf| !conf.is_empty()) {
            Some(conf) => order_topic_queues(topic, conf),
            None => writable_queues(topic, &route),
        };
        TopicPublishInfo {
            route,
            queues,
            next: AtomicU32::new(start),
        }
    }

    /// Whether there is no queue to write to.
    pub(crate) fn is_empty(&self) -> bool {
        self.queues.is_empty()
    }

    /// The first of at most `queues.len()` next queues that passes `filter` (`selectOneMessageQueue(filters)`).
    pub(crate) fn select_matching(&self, filter: impl Fn(&MessageQueue) -> bool) -> Option<&MessageQueue> {
        if self.queues.is_empty() {
            return None;
        }
        (0..self.queues.len())
            .map(|_| self.next_queue())
            .find(|queue| filter(queue))
    }

    /// The next queue round robin (`selectOneMessageQueue()`), `None` only without queues.
    pub(crate) fn select_next(&self) -> Option<&MessageQueue> {
        (!self.queues.is_empty()).then(|| self.next_queue())
    }

    /// Restarts the index at a random position (`ThreadLocalIndex.reset`).
    pub(crate) fn reset_index(&self) {
        self.next.store(fastrand::u32(..0x7FFF_FFFF), Ordering::Relaxed);
    }

    /// `incrementAndGet() & 0x7FFFFFFF`, then `% size`.
    fn next_queue(&self) -> &MessageQueue {
        let index = self.next.fetch_add(1, Ordering::Relaxed).wrapping_add(1) & 0x7FFF_FFFF;
        &self.queues[index as usize % self.queues.len()]
    }
}

fn writable_queues(topic: &str, route: &TopicRouteData) -> Vec<MessageQueue> {
    let mut queue_datas: Vec<_> = route.queue_datas.iter().collect();
    queue_datas.sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
    let has_master = |name: &str| {
        route
            .broker_datas
            .iter()
            .any(|broker| broker.broker_name == name && broker.master_addr().is_some())
    };
    queue_datas
        .into_iter()
        .filter(|data| data.perm & PERM_WRITE != 0 && has_master(&data.broker_name))
        .flat_map(|data| {
            (0..data.write_queue_nums.max(0)).map(|id| MessageQueue::new(topic, data.broker_name.clone(), id))
        })
        .collect()
}

/// `"brokerA:4;brokerB:4"` → queues 0..4 of each broker; malformed items are skipped.
fn order_topic_queues(topic: &str, conf: &str) -> Vec<MessageQueue> {
    conf.split(';')
        .filter_map(|item| {
            let (broker, count) = item.split_once(':')?;
            Some((broker.to_owned(), count.trim().parse::<i32>().ok()?))
        })
        .flat_map(|(broker, count)| {
            (0..count.max(0)).map(move |id| MessageQueue::new(topic, broker.clone(), id))
        })
        .collect()
}

/// The route of an unknown topic made from the template topic's route, as Java does for `TBW102`: every queue
/// data gets `min(default_queue_nums, readQueueNums)` read and write queues.
pub(crate) fn route_from_template(template: &TopicRouteData, default_queue_nums: i32) -> TopicRouteData {
    let mut route = template.clone();
    for data in &mut route.queue_datas {
        let nums = default_queue_nums.min(data.read_queue_nums);
        data.read_queue_nums = nums;
        data.write_queue_nums = nums;
    }
    route
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use fulmen_protocol::body::{BrokerData, QueueData};

    use super::*;

    fn queue_data(broker: &str, write: i32, perm: i32) -> QueueData {
        QueueData {
            broker_name: broker.into(),
            read_queue_nums: 8,
            write_queue_nums: write,
            perm,
            topic_sys_flag: 0,
        }
    }

    fn broker(name: &str, master: bool) -> BrokerData {
        let id = if master { 0 } else { 1 };
        BrokerData {
            cluster: "C".into(),
            broker_name: name.into(),
            broker_addrs: BTreeMap::from([(id, format!("{name}:10911"))]),
            ..BrokerData::default()
        }
    }

    fn route() -> Arc<TopicRouteData> {
        Arc::new(TopicRouteData {
            queue_datas: vec![
                queue_data("b", 2, 6),
                queue_data("a", 2, 6),
                queue_data("readonly", 2, 4),
                queue_data("slave-only", 2, 6),
            ],
            broker_datas: vec![
                broker("a", true),
                broker("b", true),
                broker("readonly", true),
                broker("slave-only", false),
            ],
            ..TopicRouteData::default()
        })
    }

    fn names(queues: &[MessageQueue]) -> Vec<String> {
        queues
            .iter()
            .map(|q| format!("{}:{}", q.broker_name, q.queue_id))
            .collect()
    }

    #[test]
    fn writable_master_queues_sorted_by_broker() {
        let info = TopicPublishInfo::new("T", route(), 0);
        assert_eq!(names(&info.queues), ["a:0", "a:1", "b:0", "b:1"]);
        assert!(info.queues.iter().all(|q| q.topic == "T"));
    }

    #[test]
    fn round_robin_with_and_without_filters() {
        let info = TopicPublishInfo::new("T", route(), u32::MAX);
        let picks: Vec<_> = (0..5).map(|_| info.select_next().unwrap().clone()).collect();
        assert_eq!(names(&picks), ["a:0", "a:1", "b:0", "b:1", "a:0"]);
        // the index is now at a:0; the next queue not on "a" is b:0
        assert_eq!(
            names(&[info.select_matching(|q| q.broker_name != "a").unwrap().clone()]),
            ["b:0"]
        );
        assert!(info.select_matching(|_| false).is_none());
        info.reset_index();
        assert!(info.select_next().is_some());
        let empty = TopicPublishInfo::new("T", Arc::new(TopicRouteData::default()), 0);
        assert!(empty.is_empty() && empty.select_next().is_none());
        assert!(empty.select_matching(|_| true).is_none());
    }

    #[test]
    fn order_topic_conf_and_template_routes() {
        let ordered = Arc::new(TopicRouteData {
            order_topic_conf: Some("x:2;bad;y:1".into()),
            ..TopicRouteData::default()
        });
        assert_eq!(
            names(&TopicPublishInfo::new("T", ordered, 0).queues),
            ["x:0", "x:1", "y:0"]
        );
        let template = route_from_template(&route(), 4);
        assert!(
            template
                .queue_datas
                .iter()
                .all(|d| d.read_queue_nums == 4 && d.write_queue_nums == 4)
        );
    }
}
