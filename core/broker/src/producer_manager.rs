//! Online producers (Java's `ProducerManager`): per group, the connections that announced it by heartbeat.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use indexmap::IndexMap;

use crate::consumer_manager::ClientChannel;

/// The online producer groups.
#[derive(Debug, Default)]
pub(crate) struct ProducerManager {
    groups: Mutex<HashMap<String, IndexMap<u64, ClientChannel>>>,
}

impl ProducerManager {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, IndexMap<u64, ClientChannel>>> {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers (or refreshes) a producer.
    pub(crate) fn register(&self, group: &str, channel: ClientChannel) {
        self.lock()
            .entry(group.to_owned())
            .or_default()
            .insert(channel.connection.id(), channel);
    }

    /// Removes the producer on `connection_id` from `group`.
    pub(crate) fn unregister(&self, group: &str, connection_id: u64) {
        let mut groups = self.lock();
        if let Some(channels) = groups.get_mut(group) {
            channels.shift_remove(&connection_id);
            if channels.is_empty() {
                groups.remove(group);
            }
        }
    }

    /// Removes a closed connection from every group.
    pub(crate) fn connection_closed(&self, connection_id: u64) {
        self.lock().retain(|_, channels| {
            channels.shift_remove(&connection_id);
            !channels.is_empty()
        });
    }

    /// The producers of `group`.
    pub(crate) fn channels(&self, group: &str) -> Vec<ClientChannel> {
        self.lock()
            .get(group)
            .map_or_else(Vec::new, |channels| channels.values().cloned().collect())
    }
}
