//! GET_NAMESRV_CONFIG and UPDATE_NAMESRV_CONFIG: the name server's settings as Java properties text.
//!
//! The keys are Java's (`NamesrvConfig`, `NettyServerConfig`). Only the switches can change while the name
//! server runs; other known keys and unknown keys are ignored, as Java ignores keys it has no setting for.
//! Keys on Java's black list are refused with `NO_PERMISSION`.

use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;
use tracing::info;

use super::{Handled, failure, success};
use crate::config::Switches;
use crate::state::{NamesrvState, write};
use fulmen_protocol::properties;

/// Keys no admin may update (Java's built-in `configBlackList`).
const BLACK_LIST: &[&str] = &[
    "configBlackList",
    "configStorePath",
    "kvConfigPath",
    "rocketmqHome",
];

/// GET_NAMESRV_CONFIG (319): the settings as `key=value` lines, sorted by key.
pub(super) fn get(state: &NamesrvState) -> Handled {
    let switches = state.switches();
    let listen_addr = state.fixed.listen_addr();
    let entries = [
        ("bindAddress", listen_addr.ip().to_string()),
        ("configBlackList", BLACK_LIST[..3].join(";")),
        (
            "deleteTopicWithBrokerRegistration",
            switches.delete_topic_with_broker_registration.to_string(),
        ),
        ("enableAllTopicList", switches.enable_all_topic_list.to_string()),
        ("enableTopicList", switches.enable_topic_list.to_string()),
        ("listenPort", listen_addr.port().to_string()),
        ("orderMessageEnable", switches.order_message_enable.to_string()),
        (
            "returnOrderTopicConfigToBroker",
            switches.return_order_topic_config_to_broker.to_string(),
        ),
        (
            "scanNotActiveBrokerInterval",
            state.fixed.scan_interval.as_millis().to_string(),
        ),
    ];
    Ok(success().with_body(properties::format(entries)))
}

/// UPDATE_NAMESRV_CONFIG (318): applies the switches named in the body's properties.
pub(super) fn update(state: &NamesrvState, ctx: &RequestContext, request: &RemotingCommand) -> Handled {
    info!(peer = %ctx.peer_addr(), "name server config update");
    if request.body.is_empty() {
        return Ok(success());
    }
    let entries = properties::parse(&String::from_utf8_lossy(&request.body));
    if entries.iter().any(|(key, _)| BLACK_LIST.contains(&key.as_str())) {
        return Ok(failure(
            ResponseCode::NO_PERMISSION,
            "Can not update config in black list.",
        ));
    }
    let switches = {
        let mut switches = write(&state.switches);
        for (key, value) in &entries {
            apply(&mut switches, key, value);
        }
        *switches
    };
    write(&state.routes)
        .set_delete_topic_with_broker_registration(switches.delete_topic_with_broker_registration);
    Ok(success())
}

/// Sets the switch named `key` from `value`, read like Java's `Boolean.parseBoolean`.
fn apply(switches: &mut Switches, key: &str, value: &str) {
    let enabled = value.eq_ignore_ascii_case("true");
    let switch = match key {
        "orderMessageEnable" => &mut switches.order_message_enable,
        "returnOrderTopicConfigToBroker" => &mut switches.return_order_topic_config_to_broker,
        "enableAllTopicList" => &mut switches.enable_all_topic_list,
        "enableTopicList" => &mut switches.enable_topic_list,
        "deleteTopicWithBrokerRegistration" => &mut switches.delete_topic_with_broker_registration,
        _ => return,
    };
    if *switch != enabled {
        info!(key, value = enabled, "name server setting changed");
    }
    *switch = enabled;
}
