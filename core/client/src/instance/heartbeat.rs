//! HEART_BEAT to the brokers in use, announcing this client's groups, and UNREGISTER_CLIENT on shutdown
//! (`MQClientInstance.sendHeartbeatToAllBroker`, `unregisterClient`).

use bytes::Bytes;
use fulmen_protocol::body::{HeartbeatData, JsonBody, ProducerData};
use fulmen_protocol::header::{HeartbeatRequestHeader, UnregisterClientRequestHeader};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

use super::ClientInstance;

impl ClientInstance {
    /// The heartbeat body: the client id and every registered group.
    pub(crate) fn heartbeat_data(&self) -> HeartbeatData {
        let state = self.state();
        HeartbeatData {
            client_id: self.client_id().to_owned(),
            producer_data_set: state
                .producer_groups
                .iter()
                .map(|group| ProducerData {
                    group_name: group.clone(),
                })
                .collect(),
            consumer_data_set: state.consumers.clone(),
            heartbeat_fingerprint: 0,
            without_sub: false,
        }
    }

    /// Sends one heartbeat to every known broker, or only to the masters when there is no consumer (slaves serve
    /// only reads); failures are logged, not returned.
    pub(crate) async fn heartbeat_all_brokers(&self) {
        let Some((body, targets)) = self.prepared_heartbeat() else {
            return;
        };
        for addr in targets {
            self.send_heartbeat(&addr, body.clone()).await;
        }
    }

    /// Sends one heartbeat to the broker at `addr` alone, if [`heartbeat_all_brokers`](Self::heartbeat_all_brokers)
    /// would send it one; returns whether the broker accepted it.
    pub(crate) async fn heartbeat_broker(&self, addr: &str) -> bool {
        let Some((body, targets)) = self.prepared_heartbeat() else {
            return false;
        };
        targets.iter().any(|target| target == addr) && self.send_heartbeat(addr, body).await
    }

    /// The encoded heartbeat and the brokers it goes to; `None` when there is no group to announce.
    fn prepared_heartbeat(&self) -> Option<(Bytes, Vec<String>)> {
        let data = self.heartbeat_data();
        if data.producer_data_set.is_empty() && data.consumer_data_set.is_empty() {
            return None;
        }
        let body = match data.encode() {
            Ok(body) => Bytes::from(body),
            Err(error) => {
                tracing::warn!(%error, "could not encode the heartbeat");
                return None;
            }
        };
        let targets = if data.consumer_data_set.is_empty() {
            self.master_addrs()
        } else {
            self.broker_addrs()
        };
        Some((body, targets))
    }

    /// Sends the heartbeat `body` to `addr`; failures are logged. Returns whether the broker accepted it.
    async fn send_heartbeat(&self, addr: &str, body: Bytes) -> bool {
        let request = RemotingCommand::request(RequestCode::HEART_BEAT)
            .with_header(&HeartbeatRequestHeader {})
            .with_body(body);
        match self.invoke_broker(addr, request, self.config().rpc_timeout).await {
            Ok(response) if response.response_code() == ResponseCode::SUCCESS => true,
            Ok(response) => {
                tracing::warn!(
                    broker = addr,
                    code = %response.response_code(),
                    remark = ?response.remark,
                    "heartbeat refused"
                );
                false
            }
            Err(error) => {
                tracing::warn!(broker = addr, %error, "heartbeat failed");
                false
            }
        }
    }
}

/// Tells every known broker, masters and slaves, that this client's groups are gone (one request per group), as Java's
/// `unregisterClientWithLock` does. Failures are logged.
pub(super) async fn unregister_everywhere(instance: &ClientInstance) {
    let (producers, consumers) = {
        let state = instance.state();
        let consumers: Vec<String> = state.consumers.iter().map(|c| c.group_name.clone()).collect();
        (state.producer_groups.clone(), consumers)
    };
    let headers = producers
        .into_iter()
        .map(|group| (Some(group), None))
        .chain(consumers.into_iter().map(|group| (None, Some(group))));
    let headers: Vec<_> = headers
        .map(|(producer_group, consumer_group)| UnregisterClientRequestHeader {
            client_id: instance.client_id().to_owned(),
            producer_group,
            consumer_group,
        })
        .collect();
    let timeout = instance.config().rpc_timeout;
    for addr in instance.broker_addrs() {
        for header in &headers {
            let request = RemotingCommand::request(RequestCode::UNREGISTER_CLIENT).with_header(header);
            let result = instance.inner.remoting.invoke(&addr, request, timeout).await;
            if let Err(error) = result {
                tracing::debug!(broker = addr, %error, "unregistering the client failed");
            }
        }
    }
}
