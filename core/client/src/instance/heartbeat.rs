//! HEART_BEAT to the brokers in use, announcing this client's groups, and UNREGISTER_CLIENT on shutdown
//! (`MQClientInstance.sendHeartbeatToAllBroker`, `unregisterClient`).

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
        let data = self.heartbeat_data();
        if data.producer_data_set.is_empty() && data.consumer_data_set.is_empty() {
            return;
        }
        let body = match data.encode() {
            Ok(body) => body,
            Err(error) => {
                tracing::warn!(%error, "could not encode the heartbeat");
                return;
            }
        };
        let timeout = self.config().rpc_timeout;
        let targets = if data.consumer_data_set.is_empty() {
            self.master_addrs()
        } else {
            self.broker_addrs()
        };
        for addr in targets {
            let request = RemotingCommand::request(RequestCode::HEART_BEAT)
                .with_header(&HeartbeatRequestHeader {})
                .with_body(body.clone());
            match self.invoke_broker(&addr, request, timeout).await {
                Ok(response) if response.response_code() == ResponseCode::SUCCESS => {}
                Ok(response) => tracing::warn!(
                    broker = addr,
                    code = %response.response_code(),
                    remark = ?response.remark,
                    "heartbeat refused"
                ),
                Err(error) => tracing::warn!(broker = addr, %error, "heartbeat failed"),
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
