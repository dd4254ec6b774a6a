//! `NativeAdmin`: the admin client under `fulmen.AsyncAdmin` / `fulmen.Admin`. Results cross as plain tuples,
//! lists and dicts (times as Unix milliseconds) that `fulmen/admin_types.py` turns into frozen dataclasses, so the
//! native surface stays small and typed.

use std::collections::BTreeMap;

use fulmen_client::{Admin, AdminConfig, ResetOffsetOutcome, StoredMessage, TopicSettings, TopicTarget};
use fulmen_ffi::ForkBound;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPyResult;
use crate::options::{self, Options};
use crate::rt::to_py;
use crate::send_result::PyMessageQueue;
use crate::view::PyMessageView;

/// `(cluster, broker name, {broker id: address}, zone name)`.
type BrokerTuple = (String, String, BTreeMap<i64, String>, Option<String>);
/// `(message, sys flag, store size, body CRC)`.
type StoredTuple = (PyMessageView, i32, i32, i32);

/// An admin's config: the client options; `rpc_timeout` defaults to the admin's 5 s.
fn admin_config(namesrv: String, options: &mut Options<'_>) -> PyResult<AdminConfig> {
    let mut config = AdminConfig::new(namesrv.clone());
    let timeout = options.take_duration("rpc_timeout")?;
    let default_timeout = config.client.rpc_timeout;
    config.client = options::client(namesrv, options)?;
    config.client.rpc_timeout = timeout.unwrap_or(default_timeout);
    Ok(config)
}

/// Where to apply a topic or group: exactly one of `cluster` and `broker_addr`.
fn target(cluster: Option<String>, broker_addr: Option<String>) -> PyResult<TopicTarget> {
    match (cluster, broker_addr) {
        (Some(cluster), None) => Ok(TopicTarget::Cluster(cluster)),
        (None, Some(addr)) => Ok(TopicTarget::Broker(addr)),
        _ => Err(PyValueError::new_err(
            "give exactly one of cluster and broker_addr",
        )),
    }
}

fn broker_tuple(broker: fulmen_protocol::body::BrokerData) -> BrokerTuple {
    (
        broker.cluster,
        broker.broker_name,
        broker.broker_addrs,
        broker.zone_name,
    )
}

fn stored_tuple(stored: StoredMessage) -> StoredTuple {
    (
        PyMessageView(stored.message),
        stored.sys_flag,
        stored.store_size,
        stored.body_crc,
    )
}

/// A started admin client.
#[pyclass(module = "fulmen._native", name = "NativeAdmin", frozen)]
#[derive(Debug)]
pub(crate) struct NativeAdmin {
    admin: ForkBound<Admin>,
}

impl NativeAdmin {
    fn admin(&self, py: Python<'_>) -> PyResult<Admin> {
        self.admin.get().cloned().py(py)
    }
}

#[pymethods]
impl NativeAdmin {
    /// Starts an admin client on the name servers `namesrv`; resolves to the `NativeAdmin`.
    #[staticmethod]
    #[pyo3(signature = (namesrv, options=None))]
    fn start<'py>(
        py: Python<'py>,
        namesrv: String,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = Options::new("Admin", options);
        let config = admin_config(namesrv, &mut options)?;
        options.finish()?;
        to_py(py, async move {
            let admin = Admin::start(config).await?;
            Ok(NativeAdmin {
                admin: ForkBound::new(admin),
            })
        })
    }

    #[getter]
    fn client_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.admin(py)?.client_id().to_owned())
    }

    /// Creates or updates `topic` on every master of `cluster` or on the broker at `broker_addr`; resolves to
    /// `(broker addresses, order configuration or None)`.
    #[pyo3(signature = (topic, *, cluster=None, broker_addr=None, read_queue_nums=None, write_queue_nums=None,
        perm=None, order=None, topic_sys_flag=None, attributes=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_topic<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        cluster: Option<String>,
        broker_addr: Option<String>,
        read_queue_nums: Option<i32>,
        write_queue_nums: Option<i32>,
        perm: Option<i32>,
        order: Option<bool>,
        topic_sys_flag: Option<i32>,
        attributes: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let target = target(cluster, broker_addr)?;
        let mut settings = TopicSettings::new(topic);
        settings.read_queue_nums = read_queue_nums.unwrap_or(settings.read_queue_nums);
        settings.write_queue_nums = write_queue_nums.unwrap_or(settings.write_queue_nums);
        settings.perm = perm.unwrap_or(settings.perm);
        settings.order = order.unwrap_or(settings.order);
        settings.topic_sys_flag = topic_sys_flag.unwrap_or(settings.topic_sys_flag);
        settings.attributes = attributes;
        let admin = self.admin(py)?;
        to_py(py, async move { admin.create_topic(&target, &settings).await })
    }

    /// Creates the subscription group `group` (mqadmin's defaults) on every master of `cluster` or on the broker at
    /// `broker_addr`; resolves to the broker addresses.
    #[pyo3(signature = (group, *, cluster=None, broker_addr=None))]
    fn create_subscription_group<'py>(
        &self,
        py: Python<'py>,
        group: String,
        cluster: Option<String>,
        broker_addr: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let target = target(cluster, broker_addr)?;
        let admin = self.admin(py)?;
        to_py(py, async move {
            admin.create_subscription_group(&target, &group).await
        })
    }

    /// Deletes `topic` from every master of `cluster` and from the name servers; resolves to the broker addresses.
    fn delete_topic<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        cluster: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move { admin.delete_topic(&topic, &cluster).await })
    }

    /// Every topic the name server knows.
    fn topic_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move { admin.topic_list().await })
    }

    /// `(order conf, [(broker, read, write, perm, sys flag)], [broker])` of `topic`.
    fn topic_route<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let route = admin.topic_route(&topic).await?;
            let queues: Vec<(String, i32, i32, i32, i32)> = route
                .queue_datas
                .into_iter()
                .map(|q| {
                    (
                        q.broker_name,
                        q.read_queue_nums,
                        q.write_queue_nums,
                        q.perm,
                        q.topic_sys_flag,
                    )
                })
                .collect();
            let brokers: Vec<BrokerTuple> = route.broker_datas.into_iter().map(broker_tuple).collect();
            Ok((route.order_topic_conf, queues, brokers))
        })
    }

    /// `([(queue, min offset, max offset, last update ms)], put TPS)` of `topic`.
    fn topic_status<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let status = admin.topic_status(&topic).await?;
            let offsets: Vec<(PyMessageQueue, i64, i64, i64)> = status
                .offset_table
                .into_iter()
                .map(|(queue, o)| {
                    (
                        PyMessageQueue(queue),
                        o.min_offset,
                        o.max_offset,
                        o.last_update_timestamp,
                    )
                })
                .collect();
            Ok((offsets, status.topic_put_tps))
        })
    }

    /// The consumer groups consuming `topic`.
    fn topic_consumer_groups<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move { admin.topic_consumer_groups(&topic).await })
    }

    /// `({broker name: broker}, {cluster: [broker names]})`.
    fn cluster_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let info = admin.cluster_info().await?;
            let brokers: Vec<(String, BrokerTuple)> = info
                .broker_addr_table
                .into_iter()
                .map(|(name, broker)| (name, broker_tuple(broker)))
                .collect();
            let clusters: Vec<(String, Vec<String>)> = info.cluster_addr_table.into_iter().collect();
            Ok((brokers, clusters))
        })
    }

    /// The runtime statistics table of the broker at `addr`.
    fn broker_runtime_stats<'py>(&self, py: Python<'py>, addr: String) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            Ok(admin
                .broker_runtime_stats(&addr)
                .await?
                .into_iter()
                .collect::<Vec<_>>())
        })
    }

    /// `([(queue, broker offset, consumer offset, pull offset, last consumed ms)], consume TPS)` of `group`.
    #[pyo3(signature = (group, topic=None))]
    fn consume_stats<'py>(
        &self,
        py: Python<'py>,
        group: String,
        topic: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let stats = admin.consume_stats(&group, topic.as_deref()).await?;
            let offsets: Vec<(PyMessageQueue, i64, i64, i64, i64)> = stats
                .offset_table
                .into_iter()
                .map(|(queue, o)| {
                    (
                        PyMessageQueue(queue),
                        o.broker_offset,
                        o.consumer_offset,
                        o.pull_offset,
                        o.last_timestamp,
                    )
                })
                .collect();
            Ok((offsets, stats.consume_tps))
        })
    }

    /// `None`, or `([(client id, address, language, version)], [(topic, expression, tags, expression type)],
    /// consume type, message model, consume from where)` of `group`'s online consumers.
    fn consumer_connection<'py>(&self, py: Python<'py>, group: String) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let Some(connection) = admin.consumer_connection(&group).await? else {
                return Ok(None);
            };
            let clients: Vec<(String, String, String, i32)> = connection
                .connection_set
                .into_iter()
                .map(|c| {
                    let language = c
                        .language
                        .name()
                        .map_or_else(|| format!("{:?}", c.language), str::to_owned);
                    (c.client_id, c.client_addr, language, c.version)
                })
                .collect();
            let subscriptions: Vec<(String, String, Vec<String>, String)> = connection
                .subscription_table
                .into_values()
                .map(|s| {
                    let kind = s.expression_type.as_str().to_owned();
                    (s.topic, s.sub_string, s.tags_set.into_iter().collect(), kind)
                })
                .collect();
            Ok(Some((
                clients,
                subscriptions,
                connection.consume_type.as_str().to_owned(),
                connection.message_model.as_str().to_owned(),
                connection.consume_from_where.as_str().to_owned(),
            )))
        })
    }

    /// The stored message of `topic` with `msg_id` (client or offset id), or `None`.
    fn query_message_by_id<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        msg_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            Ok(admin
                .query_message_by_id(&topic, &msg_id)
                .await?
                .map(stored_tuple))
        })
    }

    /// The stored messages of `topic` with `key`, stored between `begin_ms` and `end_ms`.
    fn query_messages_by_key<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        key: String,
        max_num: i32,
        begin_ms: i64,
        end_ms: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let found = admin
                .query_messages_by_key(&topic, &key, max_num, begin_ms, end_ms)
                .await?;
            Ok(found.into_iter().map(stored_tuple).collect::<Vec<_>>())
        })
    }

    /// `[(consumer group, track type, exception text)]` for the message of `topic` with `msg_id`, or `None` when
    /// no broker has it.
    fn message_tracks<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        msg_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            let Some(message) = admin.query_message_by_id(&topic, &msg_id).await? else {
                return Ok(None);
            };
            let tracks: Vec<(String, String, Option<String>)> = admin
                .message_tracks(&message)
                .await?
                .into_iter()
                .map(|t| (t.consumer_group, t.track_type.name().to_owned(), t.exception_desc))
                .collect();
            Ok(Some(tracks))
        })
    }

    /// The smallest offset still in `queue`.
    fn min_offset<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (admin, queue) = (self.admin(py)?, queue.0.clone());
        to_py(py, async move { admin.min_offset(&queue).await })
    }

    /// The offset after the last message of `queue`.
    fn max_offset<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (admin, queue) = (self.admin(py)?, queue.0.clone());
        to_py(py, async move { admin.max_offset(&queue).await })
    }

    /// The first offset of `queue` stored at or after `timestamp_ms`.
    fn search_offset<'py>(
        &self,
        py: Python<'py>,
        queue: PyRef<'py, PyMessageQueue>,
        timestamp_ms: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (admin, queue) = (self.admin(py)?, queue.0.clone());
        to_py(py, async move { admin.search_offset(&queue, timestamp_ms).await })
    }

    /// Stores `offset` as `group`'s committed offset of `queue`.
    fn update_consumer_offset<'py>(
        &self,
        py: Python<'py>,
        group: String,
        queue: PyRef<'py, PyMessageQueue>,
        offset: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (admin, queue) = (self.admin(py)?, queue.0.clone());
        to_py(py, async move {
            admin.update_consumer_offset(&group, &queue, offset).await
        })
    }

    /// Resets `group`'s offsets of `topic` to `timestamp_ms`; resolves to `(True, [(queue, offset)], [])` when the
    /// brokers reset them, `(False, [], [(broker, queue id, broker offset, consumer offset, timestamp offset,
    /// rollback offset)])` when the admin did.
    fn reset_offset_by_time<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        group: String,
        timestamp_ms: i64,
        force: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            type Rollback = (String, i32, i64, i64, i64, i64);
            Ok(
                match admin
                    .reset_offset_by_time(&topic, &group, timestamp_ms, force)
                    .await?
                {
                    ResetOffsetOutcome::Reset(offsets) => {
                        let reset: Vec<(PyMessageQueue, i64)> = offsets
                            .into_iter()
                            .map(|(q, offset)| (PyMessageQueue(q), offset))
                            .collect();
                        (true, reset, Vec::<Rollback>::new())
                    }
                    ResetOffsetOutcome::RolledBack(stats) => {
                        let rolled: Vec<Rollback> = stats
                            .into_iter()
                            .map(|s| {
                                (
                                    s.broker_name,
                                    s.queue_id,
                                    s.broker_offset,
                                    s.consumer_offset,
                                    s.timestamp_offset,
                                    s.rollback_offset,
                                )
                            })
                            .collect();
                        (false, Vec::new(), rolled)
                    }
                },
            )
        })
    }

    /// Closes every connection; idempotent.
    fn shutdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let admin = self.admin(py)?;
        to_py(py, async move {
            admin.shutdown().await;
            Ok(())
        })
    }
}
