//! Admin requests on brokers' topics: WIPE_WRITE_PERM_OF_BROKER, ADD_WRITE_PERM_OF_BROKER,
//! DELETE_TOPIC_IN_NAMESRV and REGISTER_TOPIC_IN_NAMESRV.

use fulmen_protocol::RemotingCommand;
use fulmen_protocol::body::{JsonBody, TopicRouteData};
use fulmen_protocol::header::{
    AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader,
    DeleteTopicFromNamesrvRequestHeader, RegisterTopicRequestHeader, WipeWritePermOfBrokerRequestHeader,
    WipeWritePermOfBrokerResponseHeader,
};
use fulmen_remoting::RequestContext;
use tracing::info;

use super::{Handled, body_or_none, success};
use crate::state::{NamesrvState, write};

/// WIPE_WRITE_PERM_OF_BROKER (205): makes the broker's queues read-only; answers how many topics changed.
pub(super) fn wipe_write_perm(
    state: &NamesrvState,
    ctx: &RequestContext,
    request: &RemotingCommand,
) -> Handled {
    let header: WipeWritePermOfBrokerRequestHeader = request.decode_header()?;
    let wipe_topic_count = write(&state.routes).wipe_write_perm(&header.broker_name);
    info!(broker = %header.broker_name, peer = %ctx.peer_addr(), topics = wipe_topic_count, "write permission wiped");
    Ok(success().with_header(&WipeWritePermOfBrokerResponseHeader { wipe_topic_count }))
}

/// ADD_WRITE_PERM_OF_BROKER (327): makes the broker's queues readable and writable again.
pub(super) fn add_write_perm(
    state: &NamesrvState,
    ctx: &RequestContext,
    request: &RemotingCommand,
) -> Handled {
    let header: AddWritePermOfBrokerRequestHeader = request.decode_header()?;
    let add_topic_count = write(&state.routes).add_write_perm(&header.broker_name);
    info!(broker = %header.broker_name, peer = %ctx.peer_addr(), topics = add_topic_count, "write permission added");
    Ok(success().with_header(&AddWritePermOfBrokerResponseHeader { add_topic_count }))
}

/// DELETE_TOPIC_IN_NAMESRV (216): removes the topic from one cluster's brokers, or from all when no (or an
/// empty) cluster is named.
pub(super) fn delete_topic(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: DeleteTopicFromNamesrvRequestHeader = request.decode_header()?;
    let mut routes = write(&state.routes);
    match header
        .cluster_name
        .as_deref()
        .filter(|cluster| !cluster.is_empty())
    {
        Some(cluster) => routes.delete_topic_in_cluster(&header.topic, cluster),
        None => routes.delete_topic(&header.topic),
    }
    Ok(success())
}

/// REGISTER_TOPIC_IN_NAMESRV (217): sets the topic's queue data from the body's route; a body without queue
/// data, or naming an unknown broker, changes nothing. Always SUCCESS, as in Java.
pub(super) fn register_topic(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: RegisterTopicRequestHeader = request.decode_header()?;
    if let Some(body) = body_or_none(request) {
        let route = TopicRouteData::decode(body)?;
        if !route.queue_datas.is_empty() {
            write(&state.routes).register_topic(&header.topic, route.queue_datas);
        }
    }
    Ok(success())
}
