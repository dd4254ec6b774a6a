//! GET_BROKER_CONFIG (26) and UPDATE_BROKER_CONFIG (25) (Java's `AdminBrokerProcessor#getBrokerConfig` and
//! `#updateBrokerConfig`).
//!
//! GET answers the configuration as sorted Java properties text, with the `version` header field of
//! `GetBrokerConfigResponseHeader` (the configuration's `DataVersion` as JSON). UPDATE refuses the black-listed
//! keys as Java does (NO_PERMISSION), applies the settings that are live in Fulmen ([`crate::live_config`], and
//! the store's retention settings, `config_properties/retention.rs`) and, like Java for keys it does not know,
//! accepts and ignores the others (logged): Fulmen has no broker config file to write them to, and its other
//! settings are fixed at start.

use fulmen_protocol::body::JsonBody;
use fulmen_protocol::properties;
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;

use super::{CONFIG_BLACK_LIST, Reply, reply, success};
use crate::broker_properties::broker_properties;
use crate::state::BrokerState;

/// The configuration as properties text, and its version.
pub(super) fn get(state: &BrokerState) -> Reply {
    let text = properties::format(broker_properties(state));
    let version = state
        .live
        .data_version()
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    let version =
        String::from_utf8(version).map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    let mut response = success().with_body(text.into_bytes());
    response.set_ext_field("version", version);
    Ok(response)
}

/// Applies a properties body.
pub(super) fn update(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    if request.body.is_empty() {
        // Java skips everything without a body.
        return Ok(success());
    }
    let text = String::from_utf8_lossy(&request.body);
    let entries = properties::parse(&text);
    tracing::info!(caller = %ctx.peer_addr(), ?entries, "update broker config");
    if entries
        .iter()
        .any(|(key, _)| CONFIG_BLACK_LIST.contains(&key.as_str()))
    {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            "Can not update config in black list.",
        ));
    }
    let retention = crate::config_properties::retention::update_store(&state.store, &entries);
    let mut ignored = state.live.apply(&entries);
    if entries.iter().any(|(key, _)| key == "brokerPermission") {
        // Java registers at once with the new permission, under a new data version so name servers take it.
        state.topics.next_version();
        state.request_registration();
    }
    ignored.retain(|key| !retention.contains(key));
    if !ignored.is_empty() {
        tracing::warn!(
            ?ignored,
            "update broker config: these keys are not live-updatable in Fulmen and were ignored"
        );
    }
    Ok(success())
}
