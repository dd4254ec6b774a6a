"""The admin client against the session's LocalCluster: topic lifecycle (create, route, list, status, delete),
cluster info and broker stats, consumer offsets and lag, message lookup by id and key, offsets by time, and its
usage errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import pytest

from fulmen import Admin, AsyncAdmin, Message, MessageQueue, Producer
from fulmen.admin_types import StoredMessage
from fulmen.errors import BrokerError, ClosedError, InvalidArgumentError, RouteNotFoundError
from fulmen.testing import LocalCluster
from support import wait_for_route_sync

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 20.0) -> T:
    """Polls ``probe`` until it returns something other than None (name server and index updates are async)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def cluster_name(admin: Admin) -> str:
    clusters = list(admin.cluster_info().clusters)
    assert len(clusters) == 1
    return clusters[0]


def test_cluster_info_lists_the_broker(local_cluster: LocalCluster) -> None:
    with Admin(local_cluster.namesrv_addr) as admin:
        info = admin.cluster_info()
        name = cluster_name(admin)
        (broker_name, broker_addr) = local_cluster.brokers[0]
        assert info.clusters[name] == [broker_name]
        broker = info.brokers[broker_name]
        assert (broker.cluster, broker.master_addr) == (name, broker_addr)
        assert info.cluster_brokers(name) == [broker]
        stats = admin.broker_runtime_stats(broker_addr)
        assert stats["brokerVersionDesc"].startswith("V") and "brokerActive" in stats


def test_topic_create_route_status_delete(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("admin-topic")
    with Admin(local_cluster.namesrv_addr) as admin:
        cluster = cluster_name(admin)
        broker_name, broker_addr = local_cluster.brokers[0]
        created = admin.create_topic(topic, cluster=cluster, read_queue_nums=3, write_queue_nums=3)
        assert created.broker_addrs == [broker_addr] and created.order_conf is None

        def route_with_3_queues() -> bool | None:
            try:
                route = admin.topic_route(topic)
            except RouteNotFoundError:
                return None
            queues = route.queues
            return True if [(q.broker_name, q.read_queue_nums, q.write_queue_nums) for q in queues] == [
                (broker_name, 3, 3)
            ] else None

        eventually(route_with_3_queues, "the route shows 3 queues")
        route = admin.topic_route(topic)
        assert route.read_queues == [MessageQueue(topic, broker_name, i) for i in range(3)]
        assert [b.master_addr for b in route.brokers] == [broker_addr]
        assert route.queues[0].perm == 6
        assert topic in admin.topic_list()

        status = admin.topic_status(topic)
        assert set(status.offsets) == set(route.read_queues) and status.total == 0
        with Producer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
            for i in range(6):
                producer.send(Message(topic, b"%d" % i))
        status = admin.topic_status(topic)
        assert status.total == 6
        assert sum(o.max_offset for o in status.offsets.values()) == 6
        assert all(o.last_updated is not None and o.last_updated.tzinfo is not None for o in status.offsets.values())

        assert admin.delete_topic(topic, cluster) == [broker_addr]
        assert topic not in admin.topic_list()
        with pytest.raises(RouteNotFoundError):
            admin.topic_route(topic)


def test_update_topic_on_a_broker_with_order(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("admin-ordered")
    broker_name, broker_addr = local_cluster.brokers[0]
    with Admin(local_cluster.namesrv_addr) as admin:
        created = admin.create_topic(topic, broker_addr=broker_addr, write_queue_nums=2, read_queue_nums=2, order=True)
        assert created.broker_addrs == [broker_addr]
        assert created.order_conf == f"{broker_name}:2"
        route = eventually(
            lambda: admin.topic_route(topic) if topic in admin.topic_list() else None, "the ordered topic's route"
        )
        assert [(q.broker_name, q.write_queue_nums) for q in route.queues] == [(broker_name, 2)]
        # The order configuration is in the name server's KV store; routes carry it only with orderMessageEnable.
        assert route.order_topic_conf is None


def test_consumer_offsets_lag_and_reset(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic, group = unique_name("admin-lag"), unique_name("cg")
    with Producer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        queue = producer.queues(topic)[0]
        for i in range(5):
            producer.send(Message(topic, b"%d" % i), queue=queue)
    wait_for_route_sync(local_cluster.namesrv_addr, topic)
    with Admin(local_cluster.namesrv_addr) as admin:
        assert (admin.min_offset(queue), admin.max_offset(queue)) == (0, 5)
        assert admin.search_offset(queue, datetime(2000, 1, 1, tzinfo=timezone.utc)) == 0
        # Past the last message: the last message's offset, as Java's lower boundary search.
        assert admin.search_offset(queue, datetime.now(timezone.utc) + timedelta(hours=1)) == 4

        with pytest.raises(BrokerError, match="SUBSCRIPTION_GROUP_NOT_EXIST"):
            admin.update_consumer_offset(group, queue, 3)  # brokers keep offsets of known groups only
        assert admin.create_subscription_group(group, cluster=cluster_name(admin)) == [local_cluster.brokers[0][1]]
        admin.update_consumer_offset(group, queue, 3)
        stats = admin.consume_stats(group, topic)
        offsets = stats.offsets[queue]
        assert (offsets.broker_offset, offsets.consumer_offset, offsets.lag) == (5, 3, 2)
        assert stats.lag == 2
        with pytest.raises(RouteNotFoundError, match="%RETRY%"):
            admin.consumer_connection(group)  # no consumer ever joined: no retry topic

        reset = admin.reset_offset_by_time(topic, group, datetime(2000, 1, 1, tzinfo=timezone.utc))
        if reset.by_broker:
            assert reset.offsets[queue] == 0
        else:
            rolled = [s for s in reset.rolled_back if s.queue_id == queue.queue_id]
            assert [(s.consumer_offset, s.rollback_offset) for s in rolled] == [(3, 0)]
        assert admin.consume_stats(group, topic).offsets[queue].consumer_offset == 0


def test_query_message_by_id_and_key(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("admin-query")
    key = unique_name("order")
    with Producer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        sent = producer.send(Message(topic, b"find me", tags="T", keys=[key]))
        producer.send(Message(topic, b"another", keys=["other"]))
    wait_for_route_sync(local_cluster.namesrv_addr, topic)
    with Admin(local_cluster.namesrv_addr) as admin:

        def check(stored: StoredMessage | None) -> None:
            assert stored is not None
            view = stored.message
            assert (view.msg_id, view.body, view.tags, view.keys) == (sent.msg_id, b"find me", "T", [key])
            assert stored.store_size > 0

        check(eventually(lambda: admin.query_message_by_id(topic, sent.msg_id), "found by client id"))
        check(admin.query_message_by_id(topic, sent.offset_msg_id))
        assert admin.query_message_by_id(topic, "0" * 32) is None

        found = eventually(lambda: admin.query_messages_by_key(topic, key) or None, "found by key")
        assert len(found) == 1
        check(found[0])
        assert admin.query_messages_by_key(topic, key, end=datetime(2000, 1, 1, tzinfo=timezone.utc)) == []
        assert admin.message_tracks(topic, sent.msg_id) == []  # no consumer group consumes the topic


async def test_async_admin(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("admin-async")
    async with AsyncAdmin(local_cluster.namesrv_addr, rpc_timeout=timedelta(seconds=3)) as admin:
        info = await admin.cluster_info()
        cluster = next(iter(info.clusters))
        await admin.create_topic(topic, cluster=cluster, read_queue_nums=2, write_queue_nums=2)
        assert topic in await admin.topic_list()
        assert await admin.topic_consumer_groups(topic) == []
        await admin.delete_topic(topic, cluster)


def test_usage_errors(local_cluster: LocalCluster) -> None:
    with pytest.raises(ClosedError):
        Admin(local_cluster.namesrv_addr).topic_list()
    with pytest.raises(TypeError, match="seconds"):
        Admin(local_cluster.namesrv_addr, rpc_timeout="soon").start()  # type: ignore[arg-type]
    with Admin(local_cluster.namesrv_addr) as admin:
        with pytest.raises(InvalidArgumentError):
            admin.create_topic("t")
        with pytest.raises(InvalidArgumentError):
            admin.create_topic("t", cluster="c", broker_addr="127.0.0.1:1")
        with pytest.raises(InvalidArgumentError):
            admin.create_topic("bad topic!", cluster=cluster_name(admin))
    admin.close()  # idempotent
