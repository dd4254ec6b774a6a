"""Producers against the session's LocalCluster: sync and async sends, batch, oneway, queue / selector / sharding
key, delays, option errors and lifecycle errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from fulmen import AsyncProducer, Message, MessageQueue, Producer, SendStatus
from fulmen.errors import ClosedError, InvalidArgumentError
from fulmen.testing import LocalCluster


def test_sync_send_returns_a_stored_result(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("t")
    with Producer(local_cluster.namesrv_addr, group=unique_name("pg")) as producer:
        first = producer.send(Message(topic, b"one", tags="A", keys=["k1"]))
        second = producer.send(Message(topic, b"two"))
    assert first.status == SendStatus.SEND_OK
    assert first.queue.topic == topic
    assert len(first.msg_id) == 32 and first.msg_id != second.msg_id
    assert first.offset_msg_id.startswith("7F000001")  # stored on 127.0.0.1
    assert "sendStatus=SEND_OK" in str(first)


async def test_async_sends_in_flight_together(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    async with AsyncProducer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        results = await asyncio.gather(*(producer.send(Message(topic, b"%d" % i)) for i in range(300)))
    assert len({r.msg_id for r in results}) == 300
    per_queue: dict[int, list[int]] = {}
    for result in results:
        per_queue.setdefault(result.queue.queue_id, []).append(result.queue_offset)
    assert len(per_queue) > 1  # round-robin over the topic's queues
    for offsets in per_queue.values():
        assert sorted(offsets) == list(range(len(offsets)))


def test_batch_oneway_and_queue_choice(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("t")
    with Producer(local_cluster.namesrv_addr, group=unique_name("pg")) as producer:
        batch = producer.send_batch([Message(topic, b"a"), Message(topic, b"b"), Message(topic, b"c")])
        assert len(batch.msg_id.split(",")) == 3
        producer.send_oneway(Message(topic, b"fire and forget"))
        queues = producer.queues(topic)
        assert [q.queue_id for q in queues] == list(range(len(queues)))
        to_last = producer.send(Message(topic, b"x"), queue=queues[-1])
        assert to_last.queue == queues[-1]

        seen: list[Any] = []

        def pick_by_arg(candidates: Sequence[MessageQueue], message: Message, arg: Any) -> int:
            seen.append((len(candidates), message.topic, arg))
            return int(arg) % len(candidates)

        chosen = producer.send(Message(topic, b"y"), selector=pick_by_arg, arg=5)
        assert chosen.queue.queue_id == 5 % len(queues)
        assert seen == [(len(queues), topic, 5)]
        with pytest.raises(InvalidArgumentError):
            producer.send(Message(topic, b"z"), selector=lambda qs, m, a: 99)


def test_sharding_key_picks_javas_hash_queue(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("t")
    with Producer(local_cluster.namesrv_addr, group=unique_name("pg")) as producer:
        count = len(producer.queues(topic))
        # Java's String.hashCode("order-42") is 1234255197; SelectMessageQueueByHash takes abs(hash % count).
        expected = abs(1234255197 % count)
        for _ in range(3):
            result = producer.send(Message(topic, b"o", sharding_key="order-42"))
            assert result.queue.queue_id == expected


def test_delayed_messages_are_accepted(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("t")
    with Producer(local_cluster.namesrv_addr, group=unique_name("pg")) as producer:
        assert producer.send(Message(topic, b"later", delay_level=1)).status == SendStatus.SEND_OK
        assert producer.send(Message(topic, b"later", delay=0.5)).status == SendStatus.SEND_OK


def test_bad_input_and_lifecycle_errors(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    with pytest.raises(TypeError, match="send_timeot"):
        Producer(local_cluster.namesrv_addr, group="g", **{"send_timeot": 1}).start()  # type: ignore[arg-type]
    producer = Producer(local_cluster.namesrv_addr, group=unique_name("pg"), send_timeout=2)
    with pytest.raises(ClosedError):
        producer.send(Message("t", b"x"))
    with producer:
        with pytest.raises(InvalidArgumentError):
            producer.send(Message("bad topic name!", b"x"))
        with pytest.raises(ValueError):
            producer.send(Message(unique_name("t"), bytes(4 * 1024 * 1024 + 1)))
    with pytest.raises(ClosedError):
        producer.send(Message("t", b"x"))
