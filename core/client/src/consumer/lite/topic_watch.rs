//! Listeners told when the queue set of a topic changes (Java's `registerTopicMessageQueueChangeListener` and the
//! `fetchTopicMessageQueuesAndCompare` task of `DefaultLitePullConsumerImpl`): the queues of each watched topic are
//! fetched from the name server every `topic_metadata_check_interval` (30 s; Java waits 10 s before the first
//! check, Fulmen the shorter of 10 s and the interval) and the listener is called with the new set when it differs.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use fulmen_protocol::body::MessageQueue;
use indexmap::IndexMap;
use tokio::task::JoinHandle;

use super::{Inner, LitePullConsumer};
use crate::consumer::periodic::spawn_periodic;
use crate::consumer::pull_consumer::fetch_subscribe_queues;
use crate::error::Result;

/// Java's initial delay of the check task.
const FIRST_CHECK_DELAY: Duration = Duration::from_secs(10);

/// Called with the topic and its new queues (sorted) when they change.
type QueuesListener = Arc<dyn Fn(&str, &[MessageQueue]) + Send + Sync>;

/// The watched topics: listener and the queues last seen.
#[derive(Default)]
pub(super) struct TopicWatches {
    entries: Mutex<IndexMap<String, (QueuesListener, Vec<MessageQueue>)>>,
}

impl TopicWatches {
    fn entries(&self) -> MutexGuard<'_, IndexMap<String, (QueuesListener, Vec<MessageQueue>)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl LitePullConsumer {
    /// Calls `listener` with the queues of `topic` whenever the periodic check finds they changed (a listener
    /// registered again for the same topic replaces the old one). Fails when the topic has no readable queue now.
    pub async fn register_topic_queue_change_listener(
        &self,
        topic: &str,
        listener: impl Fn(&str, &[MessageQueue]) + Send + Sync + 'static,
    ) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        let queues = fetch_subscribe_queues(&inner.instance, topic).await?;
        let previous = inner
            .topic_watches
            .entries()
            .insert(topic.to_owned(), (Arc::new(listener), queues));
        if previous.is_some() {
            tracing::warn!(topic, "a new queue change listener replaces the old one");
        }
        Ok(())
    }
}

/// Fetches the queues of every watched topic and tells the listeners of those that changed.
async fn check_topics(inner: &Inner) {
    let topics: Vec<String> = inner.topic_watches.entries().keys().cloned().collect();
    for topic in topics {
        let queues = match fetch_subscribe_queues(&inner.instance, &topic).await {
            Ok(queues) => queues,
            Err(error) => {
                tracing::warn!(topic, %error, "checking the queues of a watched topic failed");
                continue;
            }
        };
        let listener = {
            let mut entries = inner.topic_watches.entries();
            match entries.get_mut(&topic) {
                Some((listener, seen)) if *seen != queues => {
                    seen.clone_from(&queues);
                    Some(listener.clone())
                }
                _ => None,
            }
        };
        if let Some(listener) = listener {
            listener(&topic, &queues);
        }
    }
}

/// Checks the watched topics periodically until the consumer stops.
pub(super) fn spawn_check_task(inner: &Arc<Inner>) -> JoinHandle<()> {
    let period = inner.config.topic_metadata_check_interval;
    let initial = FIRST_CHECK_DELAY.min(period);
    spawn_periodic(inner, inner.stop.clone(), initial, period, |inner| async move {
        check_topics(&inner).await;
    })
}
