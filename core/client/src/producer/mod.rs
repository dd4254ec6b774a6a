//! [`Producer`]: sends messages with Java's `DefaultMQProducer` algorithm: route lookup with the `TBW102`
//! fallback for unknown topics, round-robin queue choice avoiding the broker that just failed, and up to
//! `1 + retry_times` attempts within the send timeout.
//!
//! Batches, asynchronous sends, queue selectors and transactions will be added beside [`Producer::send`]: they
//! reuse [`PreparedMessage`] for the request and [`response::send_result`] for the answer.

mod publish_info;
mod request;
mod response;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::msgid::MessageIdGenerator;
use tokio::time::Instant;

use crate::config::ProducerConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::instance::{ClientInstance, identity};
use crate::message::Message;
use crate::send_result::SendResult;
use crate::validation::check_message;
use publish_info::{TopicPublishInfo, route_from_template};
use request::PreparedMessage;

/// A message producer. Cheap to clone; clones share connections and tasks. Dropping the last clone stops the
/// background tasks; [`Producer::shutdown`] also unregisters the group from the brokers.
#[derive(Clone)]
pub struct Producer {
    inner: Arc<ProducerInner>,
}

struct ProducerInner {
    config: ProducerConfig,
    instance: ClientInstance,
    ids: MessageIdGenerator,
    publish_infos: Mutex<HashMap<String, Arc<TopicPublishInfo>>>,
}

impl Producer {
    /// Checks `config` and starts a producer on the current tokio runtime. No connection is made until the
    /// first send.
    pub async fn start(config: ProducerConfig) -> Result<Producer> {
        config.validate()?;
        let instance = ClientInstance::start(config.client.clone().with_pid_instance_name())?;
        instance.register_producer(&config.group);
        Ok(Producer {
            inner: Arc::new(ProducerInner {
                ids: identity::message_id_generator(identity::local_ip()),
                config,
                instance,
                publish_infos: Mutex::new(HashMap::new()),
            }),
        })
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
    /// [`ProducerConfig::retry_times`] times within [`ProducerConfig::send_timeout`].
    pub async fn send(&self, message: Message) -> Result<SendResult> {
        let started = Instant::now();
        let deadline = started + self.inner.config.send_timeout;
        let prepared = self.prepare(&message)?;
        let info = self.publish_info(&message.topic).await?;
        let attempts = 1 + self.inner.config.retry_times;
        let mut last_failed_broker: Option<String> = None;
        let mut last_error: Option<Error> = None;
        let mut made = 0;
        for _ in 0..attempts {
            let Some(queue) = info.select(last_failed_broker.as_deref()).cloned() else {
                break;
            };
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(send_timeout_error(&message.topic, made, last_error));
            }
            made += 1;
            match self.send_to(&prepared, &queue, remaining).await {
                Ok(result) => return Ok(result),
                Err(error) if response::is_retryable(&error) => {
                    tracing::debug!(%error, broker = queue.broker_name, "send failed, retrying");
                    last_failed_broker = Some(queue.broker_name.clone());
                    last_error = Some(error);
                }
                Err(error) => return Err(error),
            }
        }
        Err(match last_error {
            Some(error) if error.kind() == ErrorKind::Timeout => {
                send_timeout_error(&message.topic, made, Some(error))
            }
            Some(error) => error.with_context(format!(
                "Send [{made}] times, still failed, cost [{}]ms, Topic: {}",
                started.elapsed().as_millis(),
                message.topic
            )),
            None => no_route_error(&message.topic),
        })
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
    }

    /// Sends `message` once without waiting for the broker's answer.
    pub async fn send_oneway(&self, message: Message) -> Result<()> {
        let prepared = self.prepare(&message)?;
        let info = self.publish_info(&message.topic).await?;
        let queue = info.select(None).ok_or_else(|| no_route_error(&message.topic))?;
        let addr = self.broker_addr(&queue.broker_name)?;
        let request = prepared.request(queue, &self.inner.config, identity::unix_millis());
        self.inner
            .instance
            .invoke_broker_oneway(&addr, request.into_oneway())
            .await
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
        timeout: std::time::Duration,
    ) -> Result<SendResult> {
        let addr = self.broker_addr(&queue.broker_name)?;
        let request = prepared.request(queue, &self.inner.config, identity::unix_millis());
        let response = self.inner.instance.invoke_broker(&addr, request, timeout).await?;
        response::send_result(&response, queue, &prepared.uniq_key)
    }

    fn broker_addr(&self, broker_name: &str) -> Result<String> {
        self.inner.instance.master_addr(broker_name).ok_or_else(|| {
            Error::new(
                ErrorKind::RouteNotFound,
                format!("The broker[{broker_name}] not exist"),
            )
            .with_broker(broker_name)
        })
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

fn no_route_error(topic: &str) -> Error {
    Error::new(
        ErrorKind::RouteNotFound,
        format!(
            "No route info of this topic: {topic}, See http://rocketmq.apache.org/docs/faq/ for further details."
        ),
    )
}

fn send_timeout_error(topic: &str, attempts: u32, last: Option<Error>) -> Error {
    let mut message = format!("sendDefaultImpl call timeout after {attempts} attempt(s), Topic: {topic}");
    if let Some(last) = &last {
        message.push_str(&format!("; last error: {last}"));
    }
    let mut error = Error::new(ErrorKind::Timeout, message);
    if let Some(broker) = last.as_ref().and_then(Error::broker) {
        error = error.with_broker(broker);
    }
    error
}

impl fmt::Debug for Producer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("group", &self.inner.config.group)
            .field("instance", &self.inner.instance)
            .finish()
    }
}
