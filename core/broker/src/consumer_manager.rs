//! Online consumers (Java's `ConsumerManager` / `ConsumerGroupInfo`): per group, the connections of its members
//! and the subscriptions they registered by heartbeat. Every change of membership returns the connections to
//! tell (NOTIFY_CONSUMER_IDS_CHANGED); the caller sends the notices.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use fulmen_protocol::LanguageCode;
use fulmen_protocol::body::{ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData};
use fulmen_remoting::Connection;
use indexmap::IndexMap;
use tracing::info;

/// One client on one connection.
#[derive(Debug, Clone)]
pub(crate) struct ClientChannel {
    /// The client id the client announced.
    pub(crate) client_id: String,
    /// Its connection (to call it back).
    pub(crate) connection: Connection,
    /// Its language.
    pub(crate) language: LanguageCode,
    /// Its protocol version.
    pub(crate) version: i32,
    /// When it last sent a heartbeat.
    pub(crate) last_update: Instant,
}

/// A consumer group's online members and subscriptions.
#[derive(Debug, Clone)]
pub(crate) struct ConsumerGroupInfo {
    /// Members by connection id.
    pub(crate) channels: IndexMap<u64, ClientChannel>,
    /// Subscriptions by topic.
    pub(crate) subscriptions: IndexMap<String, SubscriptionData>,
    /// How the group consumes.
    pub(crate) consume_type: ConsumeType,
    /// Clustering or broadcasting.
    pub(crate) message_model: MessageModel,
    /// Where a new member starts.
    pub(crate) consume_from_where: ConsumeFromWhere,
}

impl ConsumerGroupInfo {
    fn connections(&self) -> Vec<Connection> {
        self.channels
            .values()
            .map(|channel| channel.connection.clone())
            .collect()
    }

    /// Java's `updateSubscription`: adds new topics, replaces newer versions, drops topics no longer listed.
    /// Returns whether the set of topics changed.
    fn update_subscriptions(&mut self, subscriptions: Vec<SubscriptionData>) -> bool {
        let mut changed = false;
        for subscription in &subscriptions {
            match self.subscriptions.get(&subscription.topic) {
                None => {
                    changed = true;
                    self.subscriptions
                        .insert(subscription.topic.clone(), subscription.clone());
                }
                Some(old) if subscription.sub_version > old.sub_version => {
                    self.subscriptions
                        .insert(subscription.topic.clone(), subscription.clone());
                }
                Some(_) => {}
            }
        }
        let before = self.subscriptions.len();
        self.subscriptions
            .retain(|topic, _| subscriptions.iter().any(|s| &s.topic == topic));
        changed || self.subscriptions.len() != before
    }
}

/// What a heartbeat registers for one consumer group.
#[derive(Debug)]
pub(crate) struct ConsumerRegistration {
    /// The member.
    pub(crate) channel: ClientChannel,
    /// How it consumes.
    pub(crate) consume_type: ConsumeType,
    /// Clustering or broadcasting.
    pub(crate) message_model: MessageModel,
    /// Where it starts.
    pub(crate) consume_from_where: ConsumeFromWhere,
    /// Its subscriptions; `None` keeps the registered ones (a heartbeat v2 `withoutSub`).
    pub(crate) subscriptions: Option<Vec<SubscriptionData>>,
}

/// The online consumer groups.
#[derive(Debug, Default)]
pub(crate) struct ConsumerManager {
    groups: Mutex<HashMap<String, ConsumerGroupInfo>>,
    /// The heartbeat fingerprint each group last sent (Java's `consumerGroupHeartbeatTable`; 0 for v1).
    fingerprints: Mutex<HashMap<String, i32>>,
}

/// A group whose members should be told that membership changed.
pub(crate) type Notice = (String, Vec<Connection>);

impl ConsumerManager {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, ConsumerGroupInfo>> {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers (or refreshes) a member; returns the connections to notify when membership or subscriptions
    /// changed.
    pub(crate) fn register(
        &self,
        group: &str,
        registration: ConsumerRegistration,
    ) -> Option<Vec<Connection>> {
        let mut groups = self.lock();
        let info = groups
            .entry(group.to_owned())
            .or_insert_with(|| ConsumerGroupInfo {
                channels: IndexMap::new(),
                subscriptions: IndexMap::new(),
                consume_type: registration.consume_type.clone(),
                message_model: registration.message_model.clone(),
                consume_from_where: registration.consume_from_where.clone(),
            });
        info.consume_type = registration.consume_type;
        info.message_model = registration.message_model;
        info.consume_from_where = registration.consume_from_where;
        let id = registration.channel.connection.id();
        let new_member = match info.channels.get_mut(&id) {
            Some(existing) => {
                existing.last_update = registration.channel.last_update;
                existing.client_id = registration.channel.client_id.clone();
                false
            }
            None => {
                info!(%group, client_id = %registration.channel.client_id, "consumer joined");
                info.channels.insert(id, registration.channel);
                true
            }
        };
        let subscriptions_changed = registration
            .subscriptions
            .is_some_and(|subscriptions| info.update_subscriptions(subscriptions));
        (new_member || subscriptions_changed).then(|| info.connections())
    }

    /// Records the heartbeat fingerprint of `group`; returns the one recorded before, if any.
    pub(crate) fn swap_fingerprint(&self, group: &str, fingerprint: i32) -> Option<i32> {
        self.fingerprints
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(group.to_owned(), fingerprint)
    }

    /// Removes the member on `connection_id` from `group`; returns the remaining members to notify.
    pub(crate) fn unregister(&self, group: &str, connection_id: u64) -> Option<Vec<Connection>> {
        let mut groups = self.lock();
        let info = groups.get_mut(group)?;
        info.channels.shift_remove(&connection_id)?;
        info!(%group, "consumer left");
        if info.channels.is_empty() {
            groups.remove(group);
            return None;
        }
        Some(info.connections())
    }

    /// Removes a closed connection from every group; returns the groups to notify.
    pub(crate) fn connection_closed(&self, connection_id: u64) -> Vec<Notice> {
        let groups: Vec<String> = self.lock().keys().cloned().collect();
        groups
            .into_iter()
            .filter_map(|group| {
                let remaining = self.unregister(&group, connection_id)?;
                Some((group, remaining))
            })
            .collect()
    }

    /// Removes members without a heartbeat for `expiry`; returns the groups to notify and the expired
    /// connections (Java closes them).
    pub(crate) fn scan_expired(&self, now: Instant, expiry: Duration) -> (Vec<Notice>, Vec<Connection>) {
        let mut expired = Vec::new();
        for info in self.lock().values() {
            for channel in info.channels.values() {
                if now.saturating_duration_since(channel.last_update) > expiry {
                    expired.push(channel.connection.clone());
                }
            }
        }
        let notices = expired
            .iter()
            .flat_map(|connection| self.connection_closed(connection.id()))
            .collect();
        (notices, expired)
    }

    /// The group's state, if it has members.
    pub(crate) fn group(&self, group: &str) -> Option<ConsumerGroupInfo> {
        self.lock().get(group).cloned()
    }

    /// The groups with a member subscribed to `topic` (Java's `queryTopicConsumeByWho`).
    pub(crate) fn groups_subscribing(&self, topic: &str) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|(_, info)| info.subscriptions.contains_key(topic))
            .map(|(group, _)| group.clone())
            .collect()
    }

    /// The client ids of the group's members.
    pub(crate) fn client_ids(&self, group: &str) -> Vec<String> {
        self.lock().get(group).map_or_else(Vec::new, |info| {
            info.channels
                .values()
                .map(|channel| channel.client_id.clone())
                .collect()
        })
    }
}
