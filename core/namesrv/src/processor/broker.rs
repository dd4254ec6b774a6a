//! Requests brokers send: REGISTER_BROKER, UNREGISTER_BROKER, BROKER_HEARTBEAT and QUERY_DATA_VERSION.

use fulmen_protocol::body::{DataVersion, JsonBody, RegisterBrokerBody, TopicConfigSerializeWrapper};
use fulmen_protocol::header::{
    BrokerHeartbeatRequestHeader, QueryDataVersionRequestHeader, QueryDataVersionResponseHeader,
    RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader,
};
use fulmen_protocol::{ProtocolError, RemotingCommand, ResponseCode, Version};
use fulmen_remoting::RequestContext;
use tracing::{debug, info, warn};

use super::{Handled, body_or_none, failure, success};
use crate::kv_config::ORDER_TOPIC_CONFIG_NAMESPACE;
use crate::route::{BrokerRegistration, RegistrationOutcome};
use crate::state::{NamesrvState, read, write};

/// REGISTER_BROKER (103): checks the body's CRC, decodes it (plain or compressed), registers the broker and
/// answers its master's addresses and the order-topic configs.
pub(super) fn register(state: &NamesrvState, ctx: &RequestContext, request: &RemotingCommand) -> Handled {
    let header: RegisterBrokerRequestHeader = request.decode_header()?;
    if let Some(expected) = header.body_crc32.filter(|crc| *crc != 0) {
        let actual = (crc32fast::hash(&request.body) & 0x7FFF_FFFF) as i32;
        if actual != expected {
            warn!(peer = %ctx.peer_addr(), broker = %header.broker_name, "REGISTER_BROKER body crc32 does not match");
            return Ok(failure(ResponseCode::SYSTEM_ERROR, "crc32 not match"));
        }
    }
    let topic_config = decode_topic_configs(request, header.compressed.unwrap_or(false))?;
    let registration = BrokerRegistration {
        cluster_name: header.cluster_name,
        broker_addr: header.broker_addr,
        broker_name: header.broker_name,
        broker_id: header.broker_id,
        ha_server_addr: header.ha_server_addr,
        zone_name: header.zone_name,
        heartbeat_timeout_millis: header.heartbeat_timeout_millis,
        enable_acting_master: header.enable_acting_master,
        topic_config,
        connection: Some(ctx.connection().id()),
    };
    let (cluster, name, id, addr) = (
        registration.cluster_name.clone(),
        registration.broker_name.clone(),
        registration.broker_id,
        registration.broker_addr.clone(),
    );
    let now = state.clock.now_millis();
    let outcome = write(&state.routes).register_broker(registration, now);

    let response_header = match outcome {
        RegistrationOutcome::Registered {
            master_addr,
            ha_server_addr,
            newly_live,
        } => {
            if newly_live {
                info!(%cluster, broker = %name, broker_id = id, %addr, peer = %ctx.peer_addr(), "broker registered");
            } else {
                debug!(%cluster, broker = %name, broker_id = id, %addr, "broker registration renewed");
            }
            RegisterBrokerResponseHeader {
                ha_server_addr,
                master_addr,
            }
        }
        RegistrationOutcome::StaleStateVersion => RegisterBrokerResponseHeader::default(),
        RegistrationOutcome::SingleTopicBeforeFullRegistration => {
            return Ok(failure(ResponseCode::SYSTEM_ERROR, "register broker failed"));
        }
    };
    let mut response = success().with_header(&response_header);
    if state.switches().return_order_topic_config_to_broker {
        if let Some(table) = read(&state.kv).list(ORDER_TOPIC_CONFIG_NAMESPACE) {
            response = response.with_body(table.encode()?);
        }
    }
    Ok(response)
}

/// The topic configs of a REGISTER_BROKER body: a `RegisterBrokerBody` from 3.0.11 on, a bare
/// `TopicConfigSerializeWrapper` before; no body means no topics at data version 0.
fn decode_topic_configs(
    request: &RemotingCommand,
    compressed: bool,
) -> Result<TopicConfigSerializeWrapper, ProtocolError> {
    let Some(body) = body_or_none(request) else {
        return Ok(TopicConfigSerializeWrapper::default());
    };
    let wrapper = if request.version >= Version::V3_0_11 {
        RegisterBrokerBody::decode_for(body, compressed, request.version)?.topic_config_serialize_wrapper
    } else {
        TopicConfigSerializeWrapper::decode(body)?
    };
    Ok(wrapper)
}

/// UNREGISTER_BROKER (104): removes the broker at once (Java queues it and answers SUCCESS too).
pub(super) fn unregister(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: UnRegisterBrokerRequestHeader = request.decode_header()?;
    let removed = write(&state.routes).unregister_broker(
        &header.cluster_name,
        &header.broker_addr,
        &header.broker_name,
    );
    info!(
        cluster = %header.cluster_name, broker = %header.broker_name, broker_id = header.broker_id,
        addr = %header.broker_addr, removed, "broker unregistered"
    );
    Ok(success())
}

/// BROKER_HEARTBEAT (904): renews the broker's registration.
pub(super) fn heartbeat(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: BrokerHeartbeatRequestHeader = request.decode_header()?;
    let now = state.clock.now_millis();
    write(&state.routes).heartbeat(&header.cluster_name, &header.broker_addr, now);
    Ok(success())
}

/// QUERY_DATA_VERSION (322): tells the broker whether its data version differs from the registered one, renews
/// its registration, and answers the registered version as body.
pub(super) fn query_data_version(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: QueryDataVersionRequestHeader = request.decode_header()?;
    let data_version = DataVersion::decode(&request.body)?;
    let now = state.clock.now_millis();
    let (changed, registered) = {
        let mut routes = write(&state.routes);
        let changed =
            routes.is_data_version_changed(&header.cluster_name, &header.broker_addr, &data_version);
        routes.heartbeat(&header.cluster_name, &header.broker_addr, now);
        (
            changed,
            routes.data_version(&header.cluster_name, &header.broker_addr),
        )
    };
    let mut response = success().with_header(&QueryDataVersionResponseHeader { changed });
    if let Some(registered) = registered {
        response = response.with_body(registered.encode()?);
    }
    Ok(response)
}
