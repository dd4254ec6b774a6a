//! Small pieces every consumer request to a broker needs: the master address of a queue's broker (refreshing the
//! topic's route once when the broker is unknown, as Java's `findBrokerAddressInSubscribe` callers do), the
//! readable queues of a route (Java's `topicRouteData2TopicSubscribeInfo`), and turning a non-SUCCESS answer into
//! an error.

use fulmen_protocol::body::{MessageQueue, TopicRouteData};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use crate::error::{Error, ErrorKind, Result};
use crate::instance::ClientInstance;

/// `PermName.PERM_READ`.
const PERM_READ: i32 = 0x4;

/// The master address of `queue`'s broker.
pub(crate) async fn master_addr_of(instance: &ClientInstance, queue: &MessageQueue) -> Result<String> {
    instance.ensure_open()?;
    if let Some(addr) = instance.master_addr(&queue.broker_name) {
        return Ok(addr);
    }
    instance.update_route(&queue.topic).await?;
    instance.master_addr(&queue.broker_name).ok_or_else(|| {
        Error::new(
            ErrorKind::RouteNotFound,
            format!("The broker[{}] not exist", queue.broker_name),
        )
        .with_broker(queue.broker_name.clone())
    })
}

/// Queues `0..readQueueNums` of every readable broker of `route`, in route order.
pub(crate) fn readable_queues(route: &TopicRouteData, topic: &str) -> Vec<MessageQueue> {
    route
        .queue_datas
        .iter()
        .filter(|data| data.perm & PERM_READ != 0)
        .flat_map(|data| {
            (0..data.read_queue_nums.max(0)).map(|id| MessageQueue::new(topic, data.broker_name.clone(), id))
        })
        .collect()
}

/// `response` if it is SUCCESS, else the error it stands for, naming `broker`.
pub(crate) fn expect_success(response: RemotingCommand, broker: &str) -> Result<RemotingCommand> {
    match response.response_code() {
        ResponseCode::SUCCESS => Ok(response),
        code => Err(Error::from_response(
            code,
            response.remark.as_deref(),
            Some(broker),
        )),
    }
}
