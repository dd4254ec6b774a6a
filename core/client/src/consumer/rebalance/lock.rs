//! Broker-side queue locks of orderly clustering consumers: LOCK_BATCH_MQ and UNLOCK_BATCH_MQ per broker
//! (Java's `RebalanceImpl#lock`, `lockAll`, `unlock`, `unlockAll`).

use std::collections::BTreeMap;
use std::time::Duration;

use fulmen_protocol::body::{
    JsonBody, LockBatchRequestBody, LockBatchResponseBody, MessageQueue, UnlockBatchRequestBody,
};
use fulmen_protocol::header::{LockBatchMqRequestHeader, UnlockBatchMqRequestHeader};
use fulmen_protocol::{RemotingCommand, RequestCode};

use super::RebalanceCore;
use crate::consumer::broker_call::{expect_success, master_addr_of};
use crate::error::Result;

/// The timeout of lock requests (Java's 1 000 ms).
const LOCK_TIMEOUT: Duration = Duration::from_secs(1);

impl RebalanceCore {
    /// Locks one queue; records the outcome on its process queue. Errors count as not locked.
    pub(crate) async fn lock(&self, queue: &MessageQueue) -> bool {
        match self.lock_batch(std::slice::from_ref(queue)).await {
            Ok(locked) => {
                let ok = locked.contains(queue);
                if let Some(pq) = self.process_queue(queue) {
                    pq.set_locked(ok);
                }
                ok
            }
            Err(error) => {
                tracing::warn!(%queue, %error, "locking the queue failed");
                false
            }
        }
    }

    /// Renews the locks of every process queue, broker by broker; queues the broker did not grant are marked
    /// unlocked.
    pub(crate) async fn lock_all(&self) {
        for queues in self.queues_by_broker().into_values() {
            match self.lock_batch(&queues).await {
                Ok(locked) => {
                    for queue in &queues {
                        if let Some(pq) = self.process_queue(queue) {
                            pq.set_locked(locked.contains(queue));
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "renewing the queue locks failed"),
            }
        }
    }

    /// Releases the locks of every process queue (at shutdown), synchronously.
    pub(crate) async fn unlock_all(&self) {
        for queues in self.queues_by_broker().into_values() {
            if let Err(error) = self.unlock_batch(&queues, false).await {
                tracing::warn!(%error, "unlocking the queues failed");
            }
            for queue in &queues {
                if let Some(pq) = self.process_queue(queue) {
                    pq.set_locked(false);
                }
            }
        }
    }

    /// Releases the lock of one queue, oneway.
    pub(crate) async fn unlock(&self, queue: &MessageQueue) {
        if let Err(error) = self.unlock_batch(std::slice::from_ref(queue), true).await {
            tracing::debug!(%queue, %error, "unlocking the queue failed");
        }
    }

    fn queues_by_broker(&self) -> BTreeMap<String, Vec<MessageQueue>> {
        let mut by_broker: BTreeMap<String, Vec<MessageQueue>> = BTreeMap::new();
        for (queue, _) in self.process_queues() {
            by_broker
                .entry(queue.broker_name.clone())
                .or_default()
                .push(queue);
        }
        by_broker
    }

    async fn lock_batch(&self, queues: &[MessageQueue]) -> Result<Vec<MessageQueue>> {
        let Some(first) = queues.first() else {
            return Ok(Vec::new());
        };
        let addr = master_addr_of(&self.instance, first).await?;
        let body = LockBatchRequestBody {
            consumer_group: self.config.group.clone(),
            client_id: self.instance.client_id().to_owned(),
            only_this_broker: false,
            mq_set: queues.to_vec(),
        };
        let request = RemotingCommand::request(RequestCode::LOCK_BATCH_MQ)
            .with_header(&LockBatchMqRequestHeader {})
            .with_body(body.encode()?);
        let response = self.instance.invoke_broker(&addr, request, LOCK_TIMEOUT).await?;
        let response = expect_success(response, &first.broker_name)?;
        Ok(LockBatchResponseBody::decode(&response.body)?.lock_ok_mq_set)
    }

    async fn unlock_batch(&self, queues: &[MessageQueue], oneway: bool) -> Result<()> {
        let Some(first) = queues.first() else {
            return Ok(());
        };
        let addr = master_addr_of(&self.instance, first).await?;
        let body = UnlockBatchRequestBody {
            consumer_group: self.config.group.clone(),
            client_id: self.instance.client_id().to_owned(),
            only_this_broker: false,
            mq_set: queues.to_vec(),
        };
        let request = RemotingCommand::request(RequestCode::UNLOCK_BATCH_MQ)
            .with_header(&UnlockBatchMqRequestHeader {})
            .with_body(body.encode()?);
        if oneway {
            return self.instance.invoke_broker_oneway(&addr, request).await;
        }
        self.instance.invoke_broker(&addr, request, LOCK_TIMEOUT).await?;
        Ok(())
    }
}
