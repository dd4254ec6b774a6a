//! Route and listing requests: GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO,
//! GET_ALL_TOPIC_LIST_FROM_NAMESERVER, GET_TOPICS_BY_CLUSTER and GET_SYSTEM_TOPIC_LIST_FROM_NS.

use fulmen_protocol::body::JsonBody;
use fulmen_protocol::header::{GetRouteInfoRequestHeader, GetTopicsByClusterRequestHeader};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use tracing::debug;

use super::{Handled, failure, success};
use crate::kv_config::ORDER_TOPIC_CONFIG_NAMESPACE;
use crate::state::{NamesrvState, read};

/// Java's FAQ hint appended to "no route" remarks (`FAQUrl.suggestTodo(APPLY_TOPIC_URL)`).
const APPLY_TOPIC_HINT: &str =
    "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.";

/// GET_ROUTEINFO_BY_TOPIC (105): the topic's route, in standard JSON for clients from 4.9.4 on or asking for it
/// and in fastjson's legacy form otherwise; `TOPIC_NOT_EXIST` when no broker has the topic.
pub(super) fn route_by_topic(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: GetRouteInfoRequestHeader = request.decode_header()?;
    let route = read(&state.routes).topic_route(&header.topic);
    let Some(mut route) = route else {
        debug!(topic = %header.topic, "no route for topic");
        return Ok(failure(
            ResponseCode::TOPIC_NOT_EXIST,
            format!(
                "No topic route info in name server for the topic: {}{APPLY_TOPIC_HINT}",
                header.topic
            ),
        ));
    };
    if state.switches().order_message_enable {
        route.order_topic_conf = read(&state.kv)
            .get(ORDER_TOPIC_CONFIG_NAMESPACE, &header.topic)
            .map(str::to_owned);
    }
    let body = route.encode_for(request.version, header.accept_standard_json_only.unwrap_or(false))?;
    Ok(success().with_body(body))
}

/// GET_BROKER_CLUSTER_INFO (106): every broker group and cluster, in fastjson's default form.
pub(super) fn cluster_info(state: &NamesrvState) -> Handled {
    let info = read(&state.routes).cluster_info();
    Ok(success().with_body(info.encode()?))
}

/// GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206): every topic, unless the listing is switched off.
pub(super) fn all_topics(state: &NamesrvState) -> Handled {
    if !state.switches().enable_all_topic_list {
        return Ok(failure(ResponseCode::SYSTEM_ERROR, "disable"));
    }
    let topics = read(&state.routes).all_topics();
    Ok(success().with_body(topics.encode()?))
}

/// GET_TOPICS_BY_CLUSTER (224): the topics on a cluster's brokers, unless topic listings are switched off.
pub(super) fn topics_by_cluster(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    if !state.switches().enable_topic_list {
        return Ok(failure(ResponseCode::SYSTEM_ERROR, "disable"));
    }
    let header: GetTopicsByClusterRequestHeader = request.decode_header()?;
    let topics = read(&state.routes).topics_by_cluster(&header.cluster);
    Ok(success().with_body(topics.encode()?))
}

/// GET_SYSTEM_TOPIC_LIST_FROM_NS (304): cluster and broker names, as Java lists them.
pub(super) fn system_topics(state: &NamesrvState) -> Handled {
    let topics = read(&state.routes).system_topics();
    Ok(success().with_body(topics.encode()?))
}
