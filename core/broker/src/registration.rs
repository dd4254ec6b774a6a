//! Registration with the name servers (Java's `BrokerOuterAPI#registerBrokerAll`): REGISTER_BROKER with the
//! topic table as a plain-JSON `RegisterBrokerBody`, to every name server at once; failures are logged and the
//! next period tries again. At shutdown, UNREGISTER_BROKER to every name server (`unregisterBrokerAll`), after
//! which no registration is sent any more.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use fulmen_protocol::body::{JsonBody, RegisterBrokerBody};
use fulmen_protocol::header::{RegisterBrokerRequestHeader, UnRegisterBrokerRequestHeader};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::state::BrokerState;
use crate::topic_manager::{PERM_READ, PERM_WRITE};

/// How long the name server keeps the registration alive without a new one (`heartbeatTimeoutMillis`).
const REGISTRATION_TTL_MILLIS: i64 = 120_000;

/// How long one UNREGISTER_BROKER may take (Java's `BrokerOuterAPI#unregisterBroker` waits 3 s).
pub(crate) const UNREGISTER_TIMEOUT: Duration = Duration::from_secs(3);

/// Registers with every configured name server; returns how many accepted. Does nothing once the broker
/// unregistered.
pub(crate) async fn register_all(state: &BrokerState) -> usize {
    if state.unregistered.load(Ordering::Acquire) {
        return 0;
    }
    let mut topics = state.topics.snapshot();
    let broker_permission = state.live.broker_permission();
    if broker_permission & (PERM_READ | PERM_WRITE) != PERM_READ | PERM_WRITE {
        // Java's registerBrokerAll: a broker that stopped reads or writes announces every topic with the
        // permission masked by its own, so clients route around it.
        for topic in topics.topic_config_table.values_mut() {
            topic.perm &= broker_permission;
        }
    }
    let body = RegisterBrokerBody {
        topic_config_serialize_wrapper: topics,
        filter_server_list: Vec::new(),
    };
    let body = match body.encode() {
        Ok(body) => bytes::Bytes::from(body),
        Err(error) => {
            warn!(%error, "could not encode the registration body");
            return 0;
        }
    };
    let addr = state.advertised_addr;
    let header = RegisterBrokerRequestHeader {
        broker_name: state.config.broker_name.clone(),
        broker_addr: addr.to_string(),
        cluster_name: state.config.cluster_name.clone(),
        ha_server_addr: format!("{}:{}", addr.ip(), addr.port().wrapping_add(1)),
        broker_id: state.config.broker_id,
        heartbeat_timeout_millis: Some(REGISTRATION_TTL_MILLIS),
        enable_acting_master: Some(false),
        compressed: Some(false),
        body_crc32: Some((crc32fast::hash(&body) & 0x7FFF_FFFF) as i32),
        zone_name: None,
    };
    let attempts = state.config.namesrv_addrs.iter().map(|namesrv| {
        let request = RemotingCommand::request(RequestCode::REGISTER_BROKER)
            .with_header(&header)
            .with_body(body.clone());
        async move {
            match state
                .namesrv_client
                .invoke(namesrv, request, state.config.register_timeout)
                .await
            {
                Ok(response) if response.response_code() == ResponseCode::SUCCESS => {
                    debug!(%namesrv, "registered with name server");
                    true
                }
                Ok(response) => {
                    warn!(%namesrv, code = response.code, remark = ?response.remark, "name server refused the registration");
                    false
                }
                Err(error) => {
                    warn!(%namesrv, %error, "could not register with name server");
                    false
                }
            }
        }
    });
    futures::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|ok| *ok)
        .count()
}

/// Registers every period, and at once when [`BrokerState::request_registration`] is called, until `stop`
/// (which also abandons a registration in flight).
pub(crate) async fn run_registration(state: Arc<BrokerState>, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(state.config.register_period) => {}
            _ = state.register_now.notified() => {}
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = register_all(&state) => {}
        }
    }
}

/// Sends UNREGISTER_BROKER (brokerName, brokerAddr, clusterName, brokerId) to every configured name server at
/// once, each bounded by [`UNREGISTER_TIMEOUT`]; failures are logged. Later [`register_all`] calls do nothing.
/// Returns how many name servers accepted.
pub(crate) async fn unregister_all(state: &BrokerState) -> usize {
    state.unregistered.store(true, Ordering::Release);
    let header = UnRegisterBrokerRequestHeader {
        broker_name: state.config.broker_name.clone(),
        broker_addr: state.advertised_addr.to_string(),
        cluster_name: state.config.cluster_name.clone(),
        broker_id: state.config.broker_id,
    };
    let attempts = state.config.namesrv_addrs.iter().map(|namesrv| {
        let request = RemotingCommand::request(RequestCode::UNREGISTER_BROKER).with_header(&header);
        async move {
            match state
                .namesrv_client
                .invoke(namesrv, request, UNREGISTER_TIMEOUT)
                .await
            {
                Ok(response) if response.response_code() == ResponseCode::SUCCESS => {
                    info!(%namesrv, "unregistered from name server");
                    true
                }
                Ok(response) => {
                    warn!(
                        %namesrv, code = response.code, remark = ?response.remark,
                        "name server refused the unregistration"
                    );
                    false
                }
                Err(error) => {
                    warn!(%namesrv, %error, "could not unregister from name server");
                    false
                }
            }
        }
    });
    futures::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|ok| *ok)
        .count()
}
