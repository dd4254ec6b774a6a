//! `KvConfigManager`: the name server's namespaced key-value store (PUT/GET/DELETE_KV_CONFIG,
//! GET_KVLIST_BY_NAMESPACE), kept in memory.
//!
//! The one namespace the name server itself reads is [`ORDER_TOPIC_CONFIG_NAMESPACE`]: topic → order config text
//! (`"broker-a:4;broker-b:4"`), served in routes and to registering brokers. As in Java, deleting the last key
//! of a namespace keeps the (empty) namespace.

use std::collections::BTreeMap;

use fulmen_protocol::body::KvTable;
use tracing::info;

/// The namespace of order-topic configs (Java's `NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`).
pub const ORDER_TOPIC_CONFIG_NAMESPACE: &str = "ORDER_TOPIC_CONFIG";

/// Values by key, by namespace.
#[derive(Debug, Clone, Default)]
pub struct KvConfigManager {
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
}

impl KvConfigManager {
    /// An empty store.
    pub fn new() -> Self {
        KvConfigManager::default()
    }

    /// Stores `value` under `key` in `namespace`, replacing any earlier value.
    pub fn put(&mut self, namespace: &str, key: &str, value: &str) {
        let previous = self
            .namespaces
            .entry(namespace.to_owned())
            .or_default()
            .insert(key.to_owned(), value.to_owned());
        match previous {
            Some(_) => info!(namespace, key, value, "KV config updated"),
            None => info!(namespace, key, value, "KV config created"),
        }
    }

    /// The value under `key` in `namespace`.
    pub fn get(&self, namespace: &str, key: &str) -> Option<&str> {
        self.namespaces.get(namespace)?.get(key).map(String::as_str)
    }

    /// Removes `key` from `namespace`; the namespace stays, even empty.
    pub fn delete(&mut self, namespace: &str, key: &str) {
        if let Some(value) = self
            .namespaces
            .get_mut(namespace)
            .and_then(|entries| entries.remove(key))
        {
            info!(namespace, key, value, "KV config deleted");
        }
    }

    /// Every entry of `namespace`, sorted by key, or `None` when the namespace never existed.
    pub fn list(&self, namespace: &str) -> Option<KvTable> {
        let entries = self.namespaces.get(namespace)?;
        Some(KvTable {
            table: entries
                .iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_delete_and_list() {
        let mut kv = KvConfigManager::new();
        assert!(kv.list(ORDER_TOPIC_CONFIG_NAMESPACE).is_none());
        kv.put(ORDER_TOPIC_CONFIG_NAMESPACE, "T", "broker-a:4");
        kv.put(ORDER_TOPIC_CONFIG_NAMESPACE, "A", "broker-b:8");
        kv.put(ORDER_TOPIC_CONFIG_NAMESPACE, "T", "broker-a:2");
        assert_eq!(kv.get(ORDER_TOPIC_CONFIG_NAMESPACE, "T"), Some("broker-a:2"));
        assert_eq!(kv.get("other", "T"), None);
        let listed = kv.list(ORDER_TOPIC_CONFIG_NAMESPACE).unwrap();
        assert_eq!(listed.table.keys().collect::<Vec<_>>(), ["A", "T"]);

        kv.delete(ORDER_TOPIC_CONFIG_NAMESPACE, "A");
        kv.delete(ORDER_TOPIC_CONFIG_NAMESPACE, "T");
        kv.delete("never", "x");
        assert_eq!(kv.get(ORDER_TOPIC_CONFIG_NAMESPACE, "T"), None);
        assert_eq!(kv.list(ORDER_TOPIC_CONFIG_NAMESPACE), Some(KvTable::default()));
        assert!(kv.list("never").is_none());
    }
}
