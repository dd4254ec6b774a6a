//! The offset store of a clustering consumer: offsets live on the brokers (Java's `RemoteBrokerOffsetStore`).
//! Reads from the store are QUERY_CONSUMER_OFFSET; persisting is UPDATE_CONSUMER_OFFSET, oneway.

use std::time::Duration;

use fulmen_protocol::body::MessageQueue;

use super::ReadOffsetType;
use super::table::OffsetTable;
use crate::consumer::{broker_call::master_addr_of, offsets};
use crate::instance::ClientInstance;

/// The timeout of offset requests (Java's hard-coded 5 000 ms).
const OFFSET_RPC_TIMEOUT: Duration = Duration::from_secs(5);

/// Offsets of one group kept in memory and on the brokers.
#[derive(Debug)]
pub(crate) struct RemoteOffsetStore {
    instance: ClientInstance,
    group: String,
    pub(super) table: OffsetTable,
}

impl RemoteOffsetStore {
    pub(crate) fn new(instance: ClientInstance, group: String) -> Self {
        RemoteOffsetStore {
            instance,
            group,
            table: OffsetTable::default(),
        }
    }

    pub(super) async fn read(&self, queue: &MessageQueue, read: ReadOffsetType) -> i64 {
        if read == ReadOffsetType::ReadFromMemory {
            return self.table.get(queue).unwrap_or(-1);
        }
        match self.query(queue).await {
            Ok(Some(offset)) => {
                self.table.update(queue, offset, false);
                offset
            }
            Ok(None) => -1,
            Err(error) => {
                tracing::warn!(%queue, %error, "querying the consumer offset failed");
                -2
            }
        }
    }

    async fn query(&self, queue: &MessageQueue) -> crate::Result<Option<i64>> {
        let addr = master_addr_of(&self.instance, queue).await?;
        let request = offsets::query_request(&self.group, queue);
        let response = self
            .instance
            .invoke_broker(&addr, request, OFFSET_RPC_TIMEOUT)
            .await?;
        offsets::query_result(&response, queue)
    }

    /// Sends the offset of `queue` to its broker, oneway, if one is known.
    pub(super) async fn persist(&self, queue: &MessageQueue) {
        let Some(offset) = self.table.get(queue) else {
            return;
        };
        let result = async {
            let addr = master_addr_of(&self.instance, queue).await?;
            let request = offsets::update_request(&self.group, queue, offset);
            self.instance.invoke_broker_oneway(&addr, request).await
        }
        .await;
        if let Err(error) = result {
            tracing::debug!(%queue, %error, "persisting the consumer offset failed");
        }
    }

    /// Persists the offsets of `queues` and forgets every other entry.
    pub(super) async fn persist_all(&self, queues: &[MessageQueue]) {
        for queue in queues {
            self.persist(queue).await;
        }
        self.table.retain(queues);
    }
}
