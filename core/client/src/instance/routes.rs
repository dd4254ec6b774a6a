//! Topic routes: asking the name servers (GET_ROUTEINFO_BY_TOPIC, with failover to the next name server when a
//! connection fails), caching the answer, and learning broker addresses from it.

use std::sync::Arc;

use fulmen_protocol::body::{JsonBody, TopicRouteData};
use fulmen_protocol::header::GetRouteInfoRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use tokio::time::Instant;

use super::{ClientInstance, State};
use crate::error::{Error, ErrorKind, Result};

impl ClientInstance {
    /// The cached route of `topic`, asking the name servers on first use.
    pub(crate) async fn route(&self, topic: &str) -> Result<Arc<TopicRouteData>> {
        if let Some(route) = self.cached_route(topic) {
            return Ok(route);
        }
        self.update_route(topic).await
    }

    /// The cached route of `topic`, if any.
    pub(crate) fn cached_route(&self, topic: &str) -> Option<Arc<TopicRouteData>> {
        self.state().routes.get(topic).cloned()
    }

    /// Asks the name servers for the route of `topic` and caches it.
    pub(crate) async fn update_route(&self, topic: &str) -> Result<Arc<TopicRouteData>> {
        let route = self.fetch_route(topic).await?;
        Ok(self.store_route(topic, route))
    }

    /// Caches `route` as the route of `topic` (refreshed periodically from then on) and learns its brokers.
    pub(crate) fn store_route(&self, topic: &str, route: TopicRouteData) -> Arc<TopicRouteData> {
        let route = Arc::new(route);
        let mut state = self.state();
        for broker in &route.broker_datas {
            state
                .brokers
                .insert(broker.broker_name.clone(), broker.broker_addrs.clone());
        }
        state.routes.insert(topic.to_owned(), route.clone());
        clean_offline_brokers(&mut state);
        route
    }

    /// Drops the cached route of `topic`, which the name servers no longer know, and the addresses of brokers no
    /// other route mentions. The next use asks the name servers again.
    ///
    /// Java keeps the last route of a deleted topic forever and goes on sending to its queues; Fulmen stops using
    /// it, as issue 5 asks ("a topic that disappears stops being used").
    pub(crate) fn forget_route(&self, topic: &str) {
        let mut state = self.state();
        if state.routes.remove(topic).is_some() {
            clean_offline_brokers(&mut state);
        }
    }

    /// The topics whose routes are cached.
    pub(crate) fn used_topics(&self) -> Vec<String> {
        self.state().routes.keys().cloned().collect()
    }

    /// Asks the name servers for the route of `topic` without caching it. A topic the name server does not
    /// know gives [`ErrorKind::RouteNotFound`].
    pub(crate) async fn fetch_route(&self, topic: &str) -> Result<TopicRouteData> {
        let header = GetRouteInfoRequestHeader {
            topic: topic.to_owned(),
            accept_standard_json_only: None,
        };
        let request = RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_header(&header);
        let response = self.invoke_namesrv(request).await?;
        match response.response_code() {
            ResponseCode::SUCCESS if !response.body.is_empty() => Ok(TopicRouteData::decode(&response.body)?),
            ResponseCode::SUCCESS | ResponseCode::TOPIC_NOT_EXIST => Err(Error::new(
                ErrorKind::RouteNotFound,
                format!("No route info of this topic: {topic}"),
            )
            .with_response_code(ResponseCode::TOPIC_NOT_EXIST.0)),
            code => Err(Error::from_response(code, response.remark.as_deref(), None)
                .with_context(format!("getting the route of {topic}"))),
        }
    }

    /// Sends `request` to the name server in use; when connecting to it fails, to the next ones in turn, all
    /// within the RPC timeout.
    pub(crate) async fn invoke_namesrv(&self, request: RemotingCommand) -> Result<RemotingCommand> {
        self.ensure_open()?;
        let timeout = self.inner.config.rpc_timeout;
        let deadline = Instant::now() + timeout;
        let selector = &self.inner.namesrv;
        let mut last_error = None;
        for _ in 0..selector.len() {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                break;
            }
            let (index, addr) = selector.current();
            match self.inner.remoting.invoke(addr, request.clone(), remaining).await {
                Ok(response) => return Ok(response),
                Err(error) if error.kind() == fulmen_remoting::RemotingErrorKind::Connection => {
                    tracing::debug!(namesrv = addr, %error, "name server unreachable, trying the next one");
                    self.inner.remoting.close_connection(addr);
                    selector.failed(index);
                    last_error = Some(Error::from(error).with_broker(addr));
                }
                Err(error) => return Err(Error::from(error).with_broker(addr)),
            }
        }
        Err(last_error.unwrap_or_else(|| Error::new(ErrorKind::Timeout, "no name server answered in time")))
    }
}

/// Forgets every broker address that no cached route mentions, and the broker names left without one
/// (`MQClientInstance.cleanOfflineBroker`), so heartbeats and sends stop going to brokers that left the routes.
fn clean_offline_brokers(state: &mut State) {
    let State { routes, brokers, .. } = state;
    let mentioned = |name: &str, addr: &str| {
        routes.values().any(|route| {
            route
                .broker_datas
                .iter()
                .any(|broker| broker.broker_name == name && broker.broker_addrs.values().any(|a| a == addr))
        })
    };
    brokers.retain(|name, addrs| {
        addrs.retain(|_, addr| mentioned(name, addr));
        !addrs.is_empty()
    });
}
