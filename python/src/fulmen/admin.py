"""The admin client: :class:`AsyncAdmin` for asyncio and its blocking twin :class:`Admin` (what ``mqadmin`` does, as
typed calls): topics, cluster, consumer progress, message lookup and offsets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from . import _loop
from ._native import MessageQueue, MessageView, NativeAdmin
from .admin_types import (
    BrokerData,
    ClusterInfo,
    ConsumeStats,
    ConsumerClient,
    ConsumerConnection,
    ConsumerSubscription,
    MessageTrack,
    QueueConsumeOffset,
    QueueData,
    ResetOffsetResult,
    RollbackStats,
    StoredMessage,
    TopicCreated,
    TopicOffset,
    TopicRoute,
    TopicStatus,
    _millis,
    _utc,
)
from ._twin import AsyncBase, SyncTwin
from .errors import InvalidArgumentError

__all__ = ["Admin", "AsyncAdmin"]

Seconds = float | timedelta


def _stored(raw: tuple[MessageView, int, int, int]) -> StoredMessage:
    return StoredMessage(*raw)


class _AdminOptions:
    """What both admins are built from: the name servers and the client options (``rpc_timeout`` defaults to 5 s,
    as Apache's ``DefaultMQAdminExt``)."""

    def __init__(
        self,
        namesrv: str,
        *,
        instance_name: str | None = None,
        unit_name: str | None = None,
        rpc_timeout: Seconds | None = None,
        route_poll_interval: Seconds | None = None,
        heartbeat_interval: Seconds | None = None,
        serialize_type: Literal["JSON", "ROCKETMQ"] | None = None,
    ) -> None:
        options = dict(locals())
        for name in ("self", "namesrv", "__class__"):
            options.pop(name, None)
        self.namesrv = namesrv
        self._options: dict[str, object] = {k: v for k, v in options.items() if v is not None}


class AsyncAdmin(_AdminOptions, AsyncBase[NativeAdmin]):
    """Administers a RocketMQ cluster from asyncio code.

    Use it as ``async with AsyncAdmin(namesrv) as admin:`` or ``await admin.start()`` / ``await admin.aclose()``.
    Nothing is sent until a call is made.
    """

    _what = "admin"

    async def start(self) -> AsyncAdmin:
        """Starts the admin client; returns ``self``."""
        if self._native is None:
            self._native = await NativeAdmin.start(self.namesrv, dict(self._options))
        return self

    async def create_topic(
        self,
        topic: str,
        *,
        cluster: str | None = None,
        broker_addr: str | None = None,
        read_queue_nums: int | None = None,
        write_queue_nums: int | None = None,
        perm: int | None = None,
        order: bool | None = None,
        topic_sys_flag: int | None = None,
        attributes: str | None = None,
    ) -> TopicCreated:
        """Creates or updates ``topic`` on every master of ``cluster`` or on the broker at ``broker_addr`` (give one).

        Defaults are mqadmin's ``updateTopic``: 8 read and 8 write queues, ``perm`` 6 (read + write), not ordered.
        ``attributes`` are ``+key=value`` / ``-key`` items, comma separated. The name servers learn the topic at the
        brokers' next registration.
        """
        if (cluster is None) == (broker_addr is None):
            raise InvalidArgumentError("give exactly one of cluster and broker_addr")
        addrs, order_conf = await self._started().create_topic(
            topic,
            cluster=cluster,
            broker_addr=broker_addr,
            read_queue_nums=read_queue_nums,
            write_queue_nums=write_queue_nums,
            perm=perm,
            order=order,
            topic_sys_flag=topic_sys_flag,
            attributes=attributes,
        )
        return TopicCreated(addrs, order_conf)

    async def create_subscription_group(
        self, group: str, *, cluster: str | None = None, broker_addr: str | None = None
    ) -> list[str]:
        """Creates consumer group ``group`` with mqadmin's defaults on every master of ``cluster`` or on the broker at
        ``broker_addr`` (give one); returns the brokers' addresses. Brokers store offsets only for groups they
        know."""
        if (cluster is None) == (broker_addr is None):
            raise InvalidArgumentError("give exactly one of cluster and broker_addr")
        return await self._started().create_subscription_group(group, cluster=cluster, broker_addr=broker_addr)

    async def delete_topic(self, topic: str, cluster: str) -> list[str]:
        """Deletes ``topic`` from every master of ``cluster`` and from the name servers; returns the brokers'
        addresses."""
        return await self._started().delete_topic(topic, cluster)

    async def topic_list(self) -> list[str]:
        """Every topic the name server knows, system, retry and DLQ topics included."""
        return await self._started().topic_list()

    async def topic_route(self, topic: str) -> TopicRoute:
        """The route of ``topic`` (raises :class:`fulmen.errors.RouteNotFoundError` for an unknown topic)."""
        order_conf, queues, brokers = await self._started().topic_route(topic)
        return TopicRoute(
            topic,
            [QueueData(*queue) for queue in queues],
            [BrokerData._from_native(broker) for broker in brokers],
            order_conf,
        )

    async def topic_status(self, topic: str) -> TopicStatus:
        """The min / max offsets and last update time of every queue of ``topic``."""
        offsets, put_tps = await self._started().topic_status(topic)
        return TopicStatus(
            {queue: TopicOffset(queue, low, high, _utc(updated)) for queue, low, high, updated in offsets}, put_tps
        )

    async def topic_consumer_groups(self, topic: str) -> list[str]:
        """The consumer groups that consume ``topic``."""
        return await self._started().topic_consumer_groups(topic)

    async def cluster_info(self) -> ClusterInfo:
        """Every broker group and the broker names of every cluster, as the name server knows them."""
        brokers, clusters = await self._started().cluster_info()
        return ClusterInfo(
            {name: BrokerData._from_native(broker) for name, broker in brokers},
            {cluster: list(names) for cluster, names in clusters},
        )

    async def broker_runtime_stats(self, broker_addr: str) -> dict[str, str]:
        """The runtime statistics of the broker at ``broker_addr`` (``putTps``, ``brokerVersionDesc``...)."""
        return dict(await self._started().broker_runtime_stats(broker_addr))

    async def consume_stats(self, group: str, topic: str | None = None) -> ConsumeStats:
        """The offsets of ``group`` on every queue it consumes (only ``topic``'s when given), with the lag."""
        offsets, tps = await self._started().consume_stats(group, topic)
        return ConsumeStats(
            {
                queue: QueueConsumeOffset(queue, broker, consumer, pull, _utc(last))
                for queue, broker, consumer, pull, last in offsets
            },
            tps,
        )

    async def consumer_connection(self, group: str) -> ConsumerConnection | None:
        """The online members of ``group`` and their subscriptions, or ``None`` when none is online. Raises
        :class:`fulmen.errors.RouteNotFoundError` for a group no consumer ever joined (it has no retry topic)."""
        raw = await self._started().consumer_connection(group)
        if raw is None:
            return None
        clients, subscriptions, consume_type, message_model, consume_from_where = raw
        return ConsumerConnection(
            [ConsumerClient(*client) for client in clients],
            [ConsumerSubscription(topic, expr, list(tags), kind) for topic, expr, tags, kind in subscriptions],
            consume_type,
            message_model,
            consume_from_where,
        )

    async def query_message_by_id(self, topic: str, msg_id: str) -> StoredMessage | None:
        """The message of ``topic`` with ``msg_id`` (the client id ``SendResult.msg_id`` or the broker's
        ``offset_msg_id``), or ``None`` when no broker has it."""
        raw = await self._started().query_message_by_id(topic, msg_id)
        return None if raw is None else _stored(raw)

    async def query_messages_by_key(
        self,
        topic: str,
        key: str,
        *,
        max_num: int = 64,
        begin: datetime | None = None,
        end: datetime | None = None,
    ) -> list[StoredMessage]:
        """The messages of ``topic`` with ``key`` among their keys, stored between ``begin`` and ``end`` (default:
        any time), at most ``max_num`` per broker."""
        begin_ms = 0 if begin is None else _millis(begin)
        end_ms = 2**63 - 1 if end is None else _millis(end)
        found = await self._started().query_messages_by_key(topic, key, max_num, begin_ms, end_ms)
        return [_stored(raw) for raw in found]

    async def message_tracks(self, topic: str, msg_id: str) -> list[MessageTrack] | None:
        """How far each consumer group of ``topic`` got with the message ``msg_id``; ``None`` when no broker has
        it."""
        raw = await self._started().message_tracks(topic, msg_id)
        return None if raw is None else [MessageTrack(*track) for track in raw]

    async def min_offset(self, queue: MessageQueue) -> int:
        """The smallest offset still stored in ``queue``."""
        return await self._started().min_offset(queue)

    async def max_offset(self, queue: MessageQueue) -> int:
        """The offset after the last message of ``queue``."""
        return await self._started().max_offset(queue)

    async def search_offset(self, queue: MessageQueue, when: datetime) -> int:
        """The first offset of ``queue`` whose message was stored at or after ``when``."""
        return await self._started().search_offset(queue, _millis(when))

    async def update_consumer_offset(self, group: str, queue: MessageQueue, offset: int) -> None:
        """Stores ``offset`` as ``group``'s committed offset of ``queue``."""
        await self._started().update_consumer_offset(group, queue, offset)

    async def reset_offset_by_time(
        self, topic: str, group: str, when: datetime, *, force: bool = True
    ) -> ResetOffsetResult:
        """Resets ``group``'s offsets of ``topic`` to the first message stored at or after ``when``.

        The brokers do it and tell the group's online consumers; when the broker reports no consumer online, the
        admin searches and stores each queue's offset itself, moving it back only unless ``force`` (mqadmin's
        ``resetOffsetByTime``).
        """
        by_broker, offsets, rolled = await self._started().reset_offset_by_time(topic, group, _millis(when), force)
        return ResetOffsetResult(by_broker, dict(offsets), [RollbackStats(*stats) for stats in rolled])

    async def aclose(self) -> None:
        """Closes every connection; idempotent."""
        native, self._native = self._native, None
        if native is not None:
            await native.shutdown()


class Admin(_AdminOptions, SyncTwin[AsyncAdmin]):
    """The blocking twin of :class:`AsyncAdmin`, with the same options and methods.

    Use it as ``with Admin(namesrv) as admin:`` or ``admin.start()`` / ``admin.close()``.
    """

    _what = "admin"

    def _make_async(self) -> AsyncAdmin:
        aio = AsyncAdmin(self.namesrv)
        aio._options = dict(self._options)
        return aio

    def create_topic(
        self,
        topic: str,
        *,
        cluster: str | None = None,
        broker_addr: str | None = None,
        read_queue_nums: int | None = None,
        write_queue_nums: int | None = None,
        perm: int | None = None,
        order: bool | None = None,
        topic_sys_flag: int | None = None,
        attributes: str | None = None,
    ) -> TopicCreated:
        """See :meth:`AsyncAdmin.create_topic`."""
        return _loop.run(
            self._started().create_topic(
                topic,
                cluster=cluster,
                broker_addr=broker_addr,
                read_queue_nums=read_queue_nums,
                write_queue_nums=write_queue_nums,
                perm=perm,
                order=order,
                topic_sys_flag=topic_sys_flag,
                attributes=attributes,
            )
        )

    def create_subscription_group(
        self, group: str, *, cluster: str | None = None, broker_addr: str | None = None
    ) -> list[str]:
        """See :meth:`AsyncAdmin.create_subscription_group`."""
        return _loop.run(self._started().create_subscription_group(group, cluster=cluster, broker_addr=broker_addr))

    def delete_topic(self, topic: str, cluster: str) -> list[str]:
        """See :meth:`AsyncAdmin.delete_topic`."""
        return _loop.run(self._started().delete_topic(topic, cluster))

    def topic_list(self) -> list[str]:
        """See :meth:`AsyncAdmin.topic_list`."""
        return _loop.run(self._started().topic_list())

    def topic_route(self, topic: str) -> TopicRoute:
        """See :meth:`AsyncAdmin.topic_route`."""
        return _loop.run(self._started().topic_route(topic))

    def topic_status(self, topic: str) -> TopicStatus:
        """See :meth:`AsyncAdmin.topic_status`."""
        return _loop.run(self._started().topic_status(topic))

    def topic_consumer_groups(self, topic: str) -> list[str]:
        """See :meth:`AsyncAdmin.topic_consumer_groups`."""
        return _loop.run(self._started().topic_consumer_groups(topic))

    def cluster_info(self) -> ClusterInfo:
        """See :meth:`AsyncAdmin.cluster_info`."""
        return _loop.run(self._started().cluster_info())

    def broker_runtime_stats(self, broker_addr: str) -> dict[str, str]:
        """See :meth:`AsyncAdmin.broker_runtime_stats`."""
        return _loop.run(self._started().broker_runtime_stats(broker_addr))

    def consume_stats(self, group: str, topic: str | None = None) -> ConsumeStats:
        """See :meth:`AsyncAdmin.consume_stats`."""
        return _loop.run(self._started().consume_stats(group, topic))

    def consumer_connection(self, group: str) -> ConsumerConnection | None:
        """See :meth:`AsyncAdmin.consumer_connection`."""
        return _loop.run(self._started().consumer_connection(group))

    def query_message_by_id(self, topic: str, msg_id: str) -> StoredMessage | None:
        """See :meth:`AsyncAdmin.query_message_by_id`."""
        return _loop.run(self._started().query_message_by_id(topic, msg_id))

    def query_messages_by_key(
        self,
        topic: str,
        key: str,
        *,
        max_num: int = 64,
        begin: datetime | None = None,
        end: datetime | None = None,
    ) -> list[StoredMessage]:
        """See :meth:`AsyncAdmin.query_messages_by_key`."""
        return _loop.run(self._started().query_messages_by_key(topic, key, max_num=max_num, begin=begin, end=end))

    def message_tracks(self, topic: str, msg_id: str) -> list[MessageTrack] | None:
        """See :meth:`AsyncAdmin.message_tracks`."""
        return _loop.run(self._started().message_tracks(topic, msg_id))

    def min_offset(self, queue: MessageQueue) -> int:
        """See :meth:`AsyncAdmin.min_offset`."""
        return _loop.run(self._started().min_offset(queue))

    def max_offset(self, queue: MessageQueue) -> int:
        """See :meth:`AsyncAdmin.max_offset`."""
        return _loop.run(self._started().max_offset(queue))

    def search_offset(self, queue: MessageQueue, when: datetime) -> int:
        """See :meth:`AsyncAdmin.search_offset`."""
        return _loop.run(self._started().search_offset(queue, when))

    def update_consumer_offset(self, group: str, queue: MessageQueue, offset: int) -> None:
        """See :meth:`AsyncAdmin.update_consumer_offset`."""
        _loop.run(self._started().update_consumer_offset(group, queue, offset))

    def reset_offset_by_time(self, topic: str, group: str, when: datetime, *, force: bool = True) -> ResetOffsetResult:
        """See :meth:`AsyncAdmin.reset_offset_by_time`."""
        return _loop.run(self._started().reset_offset_by_time(topic, group, when, force=force))
