//! [`Producer`]: sends messages with Java's `DefaultMQProducer` algorithm: route lookup with the `TBW102`
//! fallback for unknown topics, queue choice by the fault strategy (`fault/`), retries (`sync_send.rs`,
//! `async_send.rs`), selectors and sharding keys (`selector.rs`), batches (`batch.rs`); transactions live in
//! `transaction/`. Each send reuses [`PreparedMessage`] for the request and [`response::send_result`] for the
//! answer.

mod async_send;
mod batch;
pub(crate) mod errors;
mod fault;
mod publish_info;
mod request;
mod response;
mod selector;
mod sync_send;
pub mod transaction;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::msgid::MessageIdGenerator;
use tokio::time::Instant;

use crate::config::ProducerConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::instance::{ClientInstance, identity};
use crate::message::Message;
use crate::send_result::SendResult;
use crate::validation::check_message;
use errors::{broker_not_exist_error, no_route_error};
pub use fault::FaultDetectorConfig;
use fault::FaultStrategy;
use publish_info::{TopicPublishInfo, route_from_template};
use request::PreparedMessage;
use response::AttemptError;
pub use selector::{QueueSelector, SelectByHash, SelectByRandom, queue_index_by_hash};

/// A message producer. Cheap to clone; clones share connections and tasks. Dropping the last clone stops the
/// background tasks; [`Producer::shutdown`] also unregisters the group from the brokers.
///
/// Which send to use:
/// - [`send`](Producer::send): waits for the broker, retries on another broker (Java's sync send);
/// - [`send_async`](Producer::send_async): the same as a `'static` future to spawn, with Java's async retry rules;
/// - [`send_oneway`](Producer::send_oneway): fire and forget;
/// - [`send_to_queue`](Producer::send_to_queue), [`send_with_selector`](Producer::send_with_selector),
///   [`send_orderly`](Producer::send_orderly): a queue of the caller's choice, one attempt;
/// - [`send_batch`](Producer::send_batch): several messages of one topic in one request.
///
/// With [`ProducerConfig::send_latency_fault_enable`] a broker whose sends were slow or failed is avoided for a
/// while (Java's latency fault tolerance); without it (the default) a retry only avoids the previous attempt's
/// broker.
#[derive(Clone)]
pub struct Producer {
    inner: Arc<ProducerInner>,
}

struct ProducerInner {
    config: ProducerConfig,
    instance: ClientInstance,
    ids: MessageIdGenerator,
    fault: FaultStrategy,
    publish_infos: Mutex<HashMap<String, Arc<TopicPublishInfo>>>,
}

impl Producer {
    /// Checks `config` and starts a producer on the current tokio runtime. No connection is made until the
    /// first send.
    pub async fn start(config: ProducerConfig) -> Result<Producer> {
        config.validate()?;
        let instance = ClientInstance::start(config.client.clone().with_pid_instance_name())?;
        instance.register_producer(&config.group);
        let producer = Producer {
            inner: Arc::new(ProducerInner {
                ids: identity::message_id_generator(identity::local_ip()),
                fault: FaultStrategy::new(config.send_latency_fault_enable, config.detector.enabled),
                config,
                instance,
                publish_infos: Mutex::new(HashMap::new()),
            }),
        };
        fault::detector::spawn(&producer);
        Ok(producer)
    }

    /// The configuration.
    pub fn config(&self) -> &ProducerConfig {
        &self.inner.config
    }

    /// The client id this producer announces (`ip@pid#nanos` unless an instance name is configured).
    pub fn client_id(&self) -> &str {
        self.inner.instance.client_id()
    }

    /// Sends `message` and waits until the broker stored it, retrying on another queue up to
    /// [`ProducerConfig::retry_times`] times within [`ProducerConfig::send_timeout`] (Java's synchronous
    /// `send(msg)`).
    ///
    /// A broker error whose code is not in [`ProducerConfig::retry_response_codes`] is returned at once. When every
    /// attempt failed, the error names the attempts and brokers and carries as
    /// [`response_code`](crate::Error::response_code) the broker's code, or Java's client codes 10001 (connect
    /// failure), 10002 (timeout), 10003 (no broker address).
    pub async fn send(&self, message: Message) -> Result<SendResult> {
        let started = Instant::now();
        let prepared = self.prepare(&message)?;
        let info = self.publish_info(&message.topic).await?;
        self.send_with_retries(&prepared, &info, started).await
    }

    /// Sends `message` to `queue` once (no retry), waiting until the broker stored it.
    pub async fn send_to_queue(&self, message: Message, queue: MessageQueue) -> Result<SendResult> {
        if message.topic != queue.topic {
            return Err(Error::invalid_argument(format!(
                "message's topic not equal mq's topic: {} != {}",
                message.topic, queue.topic
            )));
        }
        let prepared = self.prepare(&message)?;
        if self.inner.instance.master_addr(&queue.broker_name).is_none() {
            self.publish_info(&message.topic).await?;
        }
        self.send_to(&prepared, &queue, self.inner.config.send_timeout)
            .await
            .map_err(AttemptError::into_error)
    }

    /// Sends `message` once without waiting for the broker's answer (no retry, as Java's `sendOneway`).
    pub async fn send_oneway(&self, message: Message) -> Result<()> {
        let prepared = self.prepare(&message)?;
        let info = self.publish_info(&message.topic).await?;
        let queue = self
            .inner
            .fault
            .select(&info, None, false)
            .ok_or_else(|| no_route_error(&message.topic))?;
        let addr = self.broker_addr(&queue.broker_name)?;
        let request = prepared.request(queue, &self.inner.config, identity::unix_millis());
        let started = Instant::now();
        let outcome = self
            .inner
            .instance
            .invoke_broker_oneway(&addr, request.into_oneway())
            .await;
        // as Java's ONEWAY pass of sendDefaultImpl: a written request counts as a success, a failure isolates
        let failed = outcome.is_err();
        self.inner
            .fault
            .update(&queue.broker_name, started.elapsed(), failed, true);
        outcome
    }

    /// Stops the tasks, unregisters the producer group from the brokers and closes the connections.
    /// Idempotent; sends afterwards fail with [`ErrorKind::Closed`].
    pub async fn shutdown(&self) {
        self.inner.instance.shutdown().await;
    }

    /// Validates `message` and gives it an id, properties and its wire body.
    fn prepare(&self, message: &Message) -> Result<PreparedMessage> {
        self.inner.instance.ensure_open()?;
        check_message(message, self.inner.config.max_message_size)?;
        let uniq_key = self.inner.ids.next_id(identity::unix_millis());
        PreparedMessage::new(message, uniq_key, &self.inner.config)
    }

    /// One attempt: `prepared` to `queue` within `timeout`.
    async fn send_to(
        &self,
        prepared: &PreparedMessage,
        queue: &MessageQueue,
        timeout: Duration,
    ) -> Result<SendResult, AttemptError> {
        let addr = self
            .broker_addr(&queue.broker_name)
            .map_err(AttemptError::Client)?;
        let request = prepared.request(queue, &self.inner.config, identity::unix_millis());
        let response = self
            .inner
            .instance
            .invoke_broker(&addr, request, timeout)
            .await
            .map_err(AttemptError::from_invoke)?;
        response::send_result(
            &response,
            queue,
            &prepared.uniq_key,
            prepared.batch_ids.as_deref(),
        )
        .map_err(|error| match error.response_code() {
            Some(_) => AttemptError::Broker(error),
            None => AttemptError::Transport(error),
        })
    }

    fn broker_addr(&self, broker_name: &str) -> Result<String> {
        self.inner
            .instance
            .master_addr(broker_name)
            .ok_or_else(|| broker_not_exist_error(broker_name))
    }

    /// The writable queues of `topic`, from its route, or from the template topic's route for a topic the name
    /// server does not know yet.
    async fn publish_info(&self, topic: &str) -> Result<Arc<TopicPublishInfo>> {
        let instance = &self.inner.instance;
        let route = match instance.route(topic).await {
            Ok(route) => route,
            Err(error) if error.kind() == ErrorKind::RouteNotFound => {
                let template = instance
                    .fetch_route(&self.inner.config.create_topic_key)
                    .await
                    .map_err(|template_error| match template_error.kind() {
                        ErrorKind::RouteNotFound => no_route_error(topic),
                        _ => template_error,
                    })?;
                let route = route_from_template(&template, self.inner.config.default_topic_queue_nums);
                instance.store_route(topic, route)
            }
            Err(error) => return Err(error),
        };
        let mut infos = self
            .inner
            .publish_infos
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(info) = infos.get(topic)
            && Arc::ptr_eq(&info.route, &route)
        {
            return Ok(info.clone());
        }
        let info = Arc::new(TopicPublishInfo::new(topic, route, fastrand::u32(..)));
        if info.is_empty() {
            return Err(no_route_error(topic));
        }
        infos.insert(topic.to_owned(), info.clone());
        Ok(info)
    }
}

impl fmt::Debug for Producer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("group", &self.inner.config.group)
            .field("instance", &self.inner.instance)
            .finish()
    }
}
