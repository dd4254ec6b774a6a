//! Finding the master address of a queue's broker, refreshing the topic's route once when the broker is unknown
//! (Java's `findBrokerAddressInSubscribe` + `updateTopicRouteInfoFromNameServer` retry).

use fulmen_protocol::body::MessageQueue;

use crate::error::{Error, ErrorKind, Result};
use crate::instance::ClientInstance;

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
