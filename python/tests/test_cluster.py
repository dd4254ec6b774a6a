"""fulmen.testing.LocalCluster: sync and async context managers, several name servers and brokers, and brokers that
stop, crash and come back with their messages."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fulmen import Message, Producer, PullConsumer
from fulmen.errors import ClosedError
from fulmen.testing import LocalCluster


def test_addresses_of_a_bigger_cluster() -> None:
    with LocalCluster(name_servers=2, brokers=2) as cluster:
        addrs = cluster.namesrv_addr.split(";")
        assert len(addrs) == 2 and all(a.startswith("127.0.0.1:") for a in addrs)
        assert [name for name, _ in cluster.brokers] == ["broker-a", "broker-b"]
        assert all(addr.startswith("127.0.0.1:") for _, addr in cluster.brokers)
        assert cluster.store_dir.is_dir()
        store = cluster.store_dir
    assert not store.exists()  # a temporary store goes with the cluster
    with pytest.raises(ClosedError):
        _ = cluster.namesrv_addr


async def test_async_with() -> None:
    async with LocalCluster() as cluster:
        assert cluster.namesrv_addr.startswith("127.0.0.1:")
    with pytest.raises(ClosedError):
        _ = cluster.brokers


def test_restarted_and_crashed_brokers_keep_their_messages(
    tmp_path: Path, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("restart")
    with LocalCluster(store_dir=tmp_path / "store") as cluster:
        with Producer(cluster.namesrv_addr, group=unique_name("pg"), send_timeout=5) as producer:
            for i in range(4):
                producer.send(Message(topic, b"before %d" % i))
            cluster.stop_broker(0)
            cluster.restart_broker(0)
            producer.send(Message(topic, b"after restart"))
            cluster.kill_broker(0)
            cluster.restart_broker(0)
            producer.send(Message(topic, b"after crash"))

        bodies: set[bytes] = set()
        deadline = time.monotonic() + 30
        with PullConsumer(cluster.namesrv_addr, group=unique_name("cg"), subscribe={topic: "*"},
                          consume_from_where="CONSUME_FROM_FIRST_OFFSET") as consumer:
            while len(bodies) < 6 and time.monotonic() < deadline:
                bodies.update(message.body for message in consumer.poll(timeout=1.0))
    assert bodies == {b"before 0", b"before 1", b"before 2", b"before 3", b"after restart", b"after crash"}
    assert (tmp_path / "store").is_dir()  # a given store_dir is kept
