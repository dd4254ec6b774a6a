"""Push consumers against LocalCluster: sync and coroutine listeners, retries after an exception or ``False``,
orderly per-key order, broadcasting and clustering groups, a slow listener beside a fast one, close and restart."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest

from fulmen import AsyncProducer, AsyncPushConsumer, ConsumeResult, Message, MessageView, Producer, PushConsumer
from fulmen.errors import ClosedError, InvalidArgumentError
from fulmen.testing import LocalCluster
from support import wait_for_route_sync

FIRST: Final = "CONSUME_FROM_FIRST_OFFSET"
WAIT = 30.0


class Inbox:
    """Messages a listener got, thread-safe, with waits bounded by a deadline."""

    def __init__(self) -> None:
        self.messages: list[MessageView] = []
        self.changed = threading.Condition()

    def add(self, messages: list[MessageView]) -> None:
        with self.changed:
            self.messages.extend(messages)
            self.changed.notify_all()

    def ids(self) -> set[str]:
        with self.changed:
            return {m.msg_id for m in self.messages}

    def wait_for(self, predicate: Callable[[list[MessageView]], bool], timeout: float = WAIT) -> list[MessageView]:
        with self.changed:
            if not self.changed.wait_for(lambda: predicate(self.messages), timeout):
                raise AssertionError(f"not reached within {timeout} s; got {len(self.messages)} message(s)")
            return list(self.messages)

    def wait_ids(self, expected: set[str], timeout: float = WAIT) -> list[MessageView]:
        return self.wait_for(lambda got: expected <= {m.msg_id for m in got}, timeout)


def send(namesrv: str, topic: str, count: int, **fields: object) -> list[str]:
    """Sends ``count`` messages; returns their ids once the name server routes the topic."""
    with Producer(namesrv, group=f"{topic}-producer") as producer:
        ids = [producer.send(Message(topic, b"m%d" % i, **fields)).msg_id for i in range(count)]  # type: ignore[arg-type]
    wait_for_route_sync(namesrv, topic)
    return ids


def members(
    cluster: LocalCluster, group: str, topic: str, inboxes: list[Inbox], **options: Any
) -> list[PushConsumer]:
    """Consumers of one group, one per inbox, told apart by their instance names (one process, one client id)."""
    return [
        PushConsumer(
            cluster.namesrv_addr,
            group,
            subscribe={topic: "*"},
            listener=inbox.add,
            consume_from_where=FIRST,
            instance_name=f"member-{n}",
            **options,
        )
        for n, inbox in enumerate(inboxes)
    ]


def test_sync_listener_gets_every_message_intact(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    ids = send(local_cluster.namesrv_addr, topic, 20, tags="TagA", keys=["k1", "k2"], properties={"color": "red"})
    inbox = Inbox()
    threads: set[str] = set()

    def listener(messages: list[MessageView]) -> None:
        threads.add(threading.current_thread().name)
        inbox.add(messages)

    group = unique_name("cg")
    with PushConsumer(
        local_cluster.namesrv_addr, group, subscribe={topic: "TagA"}, listener=listener, consume_from_where=FIRST
    ) as consumer:
        got = inbox.wait_ids(set(ids))
        assert consumer.client_id
        assert {q.topic for q in consumer.assigned_queues()} >= {topic}
    assert {m.body for m in got} == {b"m%d" % i for i in range(20)}
    for message in got:
        assert message.topic == topic
        assert message.tags == "TagA"
        assert message.keys == ["k1", "k2"]
        assert message.properties["color"] == "red"
        assert message.reconsume_times == 0
    assert all(name.startswith("fulmen-consumer") for name in threads)


async def test_coroutine_listener_runs_on_the_starting_loop(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    loop = asyncio.get_running_loop()
    got: list[MessageView] = []
    done = asyncio.Event()

    async def listener(messages: list[MessageView]) -> ConsumeResult:
        assert asyncio.get_running_loop() is loop
        await asyncio.sleep(0)
        got.extend(messages)
        if len({m.msg_id for m in got}) >= 30:
            done.set()
        return ConsumeResult.SUCCESS

    async with AsyncProducer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        sent = await asyncio.gather(*(producer.send(Message(topic, b"%d" % i)) for i in range(30)))
    async with AsyncPushConsumer(
        local_cluster.namesrv_addr, unique_name("cg"), subscribe={topic: "*"}, listener=listener, consume_from_where=FIRST
    ):
        await asyncio.wait_for(done.wait(), WAIT)
    assert {m.msg_id for m in got} == {r.msg_id for r in sent}


def test_the_sync_twin_runs_coroutine_listeners_on_its_background_loop(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    ids = set(send(local_cluster.namesrv_addr, topic, 6))
    inbox, again = Inbox(), Inbox()
    threads: set[str] = set()

    async def listener(messages: list[MessageView]) -> bool:
        threads.add(threading.current_thread().name)
        await asyncio.sleep(0)
        inbox.add(messages)
        return True

    async def later(messages: list[MessageView]) -> None:
        again.add(messages)

    with PushConsumer(
        local_cluster.namesrv_addr, unique_name("cg"), subscribe={topic: "*"}, listener=listener, consume_from_where=FIRST
    ):
        inbox.wait_ids(ids)
    assert threads == {"fulmen-loop"}
    # A plain callable that returns a coroutine works too: the coroutine is awaited on the loop.
    with PushConsumer(
        local_cluster.namesrv_addr,
        unique_name("cg"),
        subscribe={topic: "*"},
        listener=lambda messages: later(messages),
        consume_from_where=FIRST,
    ):
        again.wait_ids(ids)


def test_exception_and_false_deliver_again(
    local_cluster: LocalCluster, unique_name: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    topic = unique_name("t")
    raising, refusing = send(local_cluster.namesrv_addr, topic, 2)
    inbox = Inbox()

    def listener(messages: list[MessageView]) -> bool:
        inbox.add(messages)
        first_time = all(m.reconsume_times == 0 for m in messages)
        if first_time and messages[0].msg_id == raising:
            raise RuntimeError("listener failure on purpose")
        return not first_time

    with PushConsumer(
        local_cluster.namesrv_addr, unique_name("cg"), subscribe={topic: "*"}, listener=listener, consume_from_where=FIRST
    ):
        # The broker delays the first retry by delay level 3 (10 s).
        got = inbox.wait_for(lambda got: {m.msg_id for m in got if m.reconsume_times >= 1} >= {raising, refusing}, 60)
    failures = [r for r in caplog.records if r.name == "fulmen.consumer" and r.exc_info]
    assert failures and "listener failure on purpose" in str(failures[0].exc_info[1])  # type: ignore[index]
    for msg_id in (raising, refusing):
        deliveries = [m for m in got if m.msg_id == msg_id]
        assert deliveries[0].reconsume_times == 0
        assert any(m.reconsume_times >= 1 and m.topic == topic and m.body == deliveries[0].body for m in deliveries)


def test_orderly_keeps_each_key_in_order(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("t")
    keys = [f"order-{n}" for n in range(4)]
    with Producer(local_cluster.namesrv_addr, group=unique_name("pg")) as producer:
        for step in range(15):
            for key in keys:
                producer.send(Message(topic, f"{key}:{step}".encode(), sharding_key=key))
    inbox = Inbox()
    busy: dict[int, int] = {}
    overlaps: list[int] = []
    lock = threading.Lock()

    def listener(messages: list[MessageView]) -> None:
        queue = messages[0].queue.queue_id
        with lock:
            if busy.get(queue):
                overlaps.append(queue)
            busy[queue] = busy.get(queue, 0) + 1
        time.sleep(random.uniform(0, 0.01))
        inbox.add(messages)
        with lock:
            busy[queue] -= 1

    with PushConsumer(
        local_cluster.namesrv_addr,
        unique_name("cg"),
        subscribe={topic: "*"},
        listener=listener,
        orderly=True,
        consume_from_where=FIRST,
    ):
        got = inbox.wait_for(lambda got: len(got) >= 60)
    per_key: dict[str, list[int]] = {}
    for message in got:
        key, position = message.body.decode().split(":")
        per_key.setdefault(key, []).append(int(position))
    assert sorted(per_key) == keys
    for steps in per_key.values():
        assert steps == list(range(15))
    assert overlaps == []  # never two calls for one queue at once


def test_broadcasting_gives_every_member_every_message(
    local_cluster: LocalCluster, unique_name: Callable[[str], str], tmp_path: Path
) -> None:
    topic = unique_name("t")
    ids = set(send(local_cluster.namesrv_addr, topic, 16))
    group = unique_name("cg")
    inboxes = [Inbox(), Inbox()]
    consumers = members(
        local_cluster, group, topic, inboxes, broadcasting=True, local_offset_store_dir=str(tmp_path)
    )
    with consumers[0], consumers[1]:
        for inbox in inboxes:
            inbox.wait_ids(ids)
        assert consumers[0].assigned_queues() == consumers[1].assigned_queues()


def test_clustering_members_share_queues_and_messages(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    first_ids = set(send(local_cluster.namesrv_addr, topic, 8))
    group = unique_name("cg")
    inboxes = [Inbox(), Inbox()]
    consumers = members(local_cluster, group, topic, inboxes)
    with consumers[0], consumers[1]:
        deadline = time.monotonic() + WAIT
        while True:
            owned = [{q for q in c.assigned_queues() if q.topic == topic} for c in consumers]
            if owned[0] and owned[1] and not owned[0] & owned[1]:
                break
            assert time.monotonic() < deadline, f"queues not split: {owned}"
            time.sleep(0.05)
        later_ids = set(send(local_cluster.namesrv_addr, topic, 16))
        everything = first_ids | later_ids
        deadline = time.monotonic() + WAIT
        while not everything <= inboxes[0].ids() | inboxes[1].ids():
            assert time.monotonic() < deadline, "not every message was consumed"
            time.sleep(0.05)
    # Round-robin sends reach every queue, so both members consumed some of the later messages.
    assert inboxes[0].ids() & later_ids and inboxes[1].ids() & later_ids
    assert len(owned[0] | owned[1]) == len({m.queue for m in inboxes[0].messages + inboxes[1].messages})


async def test_a_slow_sync_listener_does_not_block_a_coroutine_listener(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    slow_topic, fast_topic = unique_name("slow"), unique_name("fast")
    release = threading.Event()
    slow_started = threading.Event()

    def slow(messages: list[MessageView]) -> None:
        slow_started.set()
        release.wait(WAIT)

    fast_got: set[str] = set()
    fast_done = asyncio.Event()

    async def fast(messages: list[MessageView]) -> None:
        fast_got.update(m.msg_id for m in messages)
        if len(fast_got) >= 10:
            fast_done.set()

    async with AsyncProducer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        await producer.send(Message(slow_topic, b"slow"))
        fast_ids = {(await producer.send(Message(fast_topic, b"%d" % i))).msg_id for i in range(10)}
    namesrv = local_cluster.namesrv_addr
    try:
        async with (
            AsyncPushConsumer(
                namesrv, unique_name("cg"), subscribe={slow_topic: "*"}, listener=slow, consume_from_where=FIRST
            ),
            AsyncPushConsumer(
                namesrv, unique_name("cg"), subscribe={fast_topic: "*"}, listener=fast, consume_from_where=FIRST
            ),
        ):
            await asyncio.wait_for(asyncio.to_thread(slow_started.wait, WAIT), WAIT)
            await asyncio.wait_for(fast_done.wait(), WAIT)
            assert not release.is_set()
            release.set()  # before closing, which waits for listener calls in flight
    finally:
        release.set()
    assert fast_got == fast_ids


def test_close_is_idempotent_and_stops_deliveries(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    ids = set(send(local_cluster.namesrv_addr, topic, 5))
    inbox = Inbox()
    consumer = PushConsumer(
        local_cluster.namesrv_addr, unique_name("cg"), subscribe={topic: "*"}, listener=inbox.add, consume_from_where=FIRST
    )
    consumer.start()
    inbox.wait_ids(ids)
    consumer.close()
    consumer.close()
    with pytest.raises(ClosedError):
        consumer.suspend()
    send(local_cluster.namesrv_addr, topic, 5)
    time.sleep(1.5)  # an observation window: nothing may arrive after close
    assert inbox.ids() == ids


def test_a_restarted_group_resumes_from_committed_offsets(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic, group = unique_name("t"), unique_name("cg")
    old = set(send(local_cluster.namesrv_addr, topic, 10))
    first = Inbox()
    with PushConsumer(
        local_cluster.namesrv_addr, group, subscribe={topic: "*"}, listener=first.add, consume_from_where=FIRST
    ):
        first.wait_ids(old)
    new = set(send(local_cluster.namesrv_addr, topic, 10))
    second = Inbox()
    with PushConsumer(
        local_cluster.namesrv_addr, group, subscribe={topic: "*"}, listener=second.add, consume_from_where=FIRST
    ):
        second.wait_ids(new)
    assert second.ids() == new


def test_close_waits_for_a_listener_in_flight_when_asked(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic, group = unique_name("t"), unique_name("cg")
    (old,) = send(local_cluster.namesrv_addr, topic, 1)
    started, release = threading.Event(), threading.Event()
    finished: list[float] = []

    def slow(messages: list[MessageView]) -> None:
        started.set()
        release.wait(WAIT)
        finished.append(time.monotonic())

    consumer = PushConsumer(
        local_cluster.namesrv_addr,
        group,
        subscribe={topic: "*"},
        listener=slow,
        consume_from_where=FIRST,
        await_termination_when_shutdown=WAIT,
    )
    consumer.start()
    assert started.wait(WAIT)
    closing = threading.Thread(target=consumer.close)
    closing.start()
    closing.join(0.5)
    assert closing.is_alive()  # close waits for the listener call in flight...
    release.set()
    closing.join(WAIT)
    assert not closing.is_alive() and finished  # ...and its ack commits the offset
    (new,) = send(local_cluster.namesrv_addr, topic, 1)
    inbox = Inbox()
    with PushConsumer(
        local_cluster.namesrv_addr, group, subscribe={topic: "*"}, listener=inbox.add, consume_from_where=FIRST
    ):
        inbox.wait_ids({new})
    assert old not in inbox.ids()


async def test_suspend_resume_and_subscribe_while_running(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    first_topic, second_topic = unique_name("t"), unique_name("t")
    got: set[str] = set()
    arrived = asyncio.Event()

    async def listener(messages: list[MessageView]) -> None:
        got.update(m.msg_id for m in messages)
        arrived.set()

    async with AsyncProducer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        one = (await producer.send(Message(first_topic, b"1"))).msg_id
        two = (await producer.send(Message(second_topic, b"2"))).msg_id
        async with AsyncPushConsumer(
            local_cluster.namesrv_addr,
            unique_name("cg"),
            subscribe={first_topic: "*"},
            listener=listener,
            consume_from_where=FIRST,
        ) as consumer:
            await asyncio.wait_for(arrived.wait(), WAIT)
            assert got == {one}
            await consumer.subscribe(second_topic)
            deadline = time.monotonic() + WAIT
            while two not in got:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            consumer.suspend()
            consumer.resume()
            await consumer.unsubscribe(first_topic)
            three = (await producer.send(Message(second_topic, b"3"))).msg_id
            deadline = time.monotonic() + WAIT
            while three not in got:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)


def test_options_are_checked(local_cluster: LocalCluster) -> None:
    def consumer(**options: object) -> PushConsumer:
        return PushConsumer(
            local_cluster.namesrv_addr, "cg-options", subscribe={"T": "*"}, listener=print, **options  # type: ignore[arg-type]
        )

    with pytest.raises(TypeError):
        consumer(no_such_option=1).start()
    with pytest.raises(ValueError, match="consume_from_where"):
        consumer(consume_from_where="SOMEWHERE").start()
    with pytest.raises(ValueError, match="allocate_strategy"):
        consumer(allocate_strategy="RANDOM").start()
    with pytest.raises(InvalidArgumentError, match="consumeThreadMin Out of range"):
        consumer(consume_thread_min=0).start()
    with pytest.raises(ClosedError):
        PushConsumer(local_cluster.namesrv_addr, "cg", subscribe={}, listener=print).suspend()
