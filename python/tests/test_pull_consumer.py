"""Pull consumers against the session's LocalCluster: async and sync iteration, tag filters, manual commits that a
new member resumes from, seeking, closing during iteration, queues shared between members, pause / resume, and
option and mode errors."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from fulmen import _loop
from fulmen import (
    AsyncProducer,
    AsyncPullConsumer,
    Message,
    MessageQueue,
    MessageView,
    Producer,
    PullConsumer,
    SendResult,
)
from fulmen.errors import ClosedError, InvalidArgumentError
from fulmen.testing import LocalCluster
from support import WAIT, receive, send_to_one_queue, wait_for_route

async def send_all(namesrv: str, group: str, messages: list[Message]) -> list[SendResult]:
    async with AsyncProducer(namesrv, group) as producer:
        return [await producer.send(message) for message in messages]


async def wait_until_polling(consumer: AsyncPullConsumer) -> None:
    """Waits until ``consumer`` has a poll in flight (what closing must interrupt)."""
    deadline = time.monotonic() + WAIT
    while consumer._polling is None:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)


def check_fields(sent: list[SendResult], messages: list[Message], received: list[MessageView]) -> None:
    by_id = {view.msg_id: view for view in received}
    assert len(by_id) == len(sent)
    for result, message in zip(sent, messages):
        view = by_id[result.msg_id]
        assert view.topic == message.topic
        assert view.body == message.body
        assert view.tags == message.tags
        assert view.keys == message.keys
        assert view.properties["color"] == message.properties["color"]
        assert view.queue == result.queue
        assert view.queue_offset == result.queue_offset


def sample(topic: str, count: int) -> list[Message]:
    return [
        Message(topic, b"body-%d" % i, tags="T%d" % (i % 3), keys=[f"k{i}"], properties={"color": f"c{i}"})
        for i in range(count)
    ]


async def test_async_for_receives_everything_intact(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("pull")
    messages = sample(topic, 25)
    sent = await send_all(local_cluster.namesrv_addr, unique_name("pg"), messages)
    async with AsyncPullConsumer(
        local_cluster.namesrv_addr, unique_name("cg"), subscribe={topic: "*"}, consume_from_where="FIRST_OFFSET"
    ) as consumer:
        received = await receive(consumer, len(messages))
    check_fields(sent, messages, received)


def test_sync_for_receives_everything_intact(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("pull")
    messages = sample(topic, 25)
    with Producer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        sent = [producer.send(message) for message in messages]
    received: list[MessageView] = []
    deadline = time.monotonic() + WAIT
    with PullConsumer(
        local_cluster.namesrv_addr,
        unique_name("cg"),
        subscribe={topic: "*"},
        consume_from_where="CONSUME_FROM_FIRST_OFFSET",
        pull_batch_size=4,
    ) as consumer:
        for message in consumer:
            received.append(message)
            assert time.monotonic() < deadline
            if len(received) == len(messages):
                break
    check_fields(sent, messages, received)


async def test_tag_expression_filters(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("tags")
    tags = ["C", "A", "C", "B", "C", "A", "B"]
    tagged = [Message(topic, f"{tag}{i}".encode(), tags=tag) for i, tag in enumerate(tags)]
    await send_to_one_queue(local_cluster.namesrv_addr, unique_name("pg"), topic, tagged)
    async with AsyncPullConsumer(
        local_cluster.namesrv_addr, unique_name("cg"), subscribe={topic: "A || B"}, consume_from_where="FIRST_OFFSET"
    ) as consumer:
        received = await receive(consumer, 4)
    # one queue, in order: the last message (B6) came after every C, so no C can follow
    assert [m.body for m in received] == [b"A1", b"B3", b"A5", b"B6"]


async def test_manual_commit_is_where_the_next_member_resumes(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic, group = unique_name("commit"), unique_name("cg")
    queue = await send_to_one_queue(
        local_cluster.namesrv_addr, unique_name("pg"), topic, [b"%d" % i for i in range(10)]
    )

    def member() -> AsyncPullConsumer:
        return AsyncPullConsumer(
            local_cluster.namesrv_addr,
            group,
            subscribe={topic: "*"},
            auto_commit=False,
            consume_from_where="FIRST_OFFSET",
            pull_batch_size=4,
        )

    async with member() as first:
        batch: list[MessageView] = []
        deadline = time.monotonic() + WAIT
        while not batch:
            assert time.monotonic() < deadline
            batch = await first.poll(timeout=1.0)
        assert [m.body for m in batch] == [b"0", b"1", b"2", b"3"]
        await first.commit()
        assert await first.committed(queue) == 4
        # polled further but not committed: the next member must see these again
        more = await receive(first, 6)
        assert [m.body for m in more] == [b"%d" % i for i in range(4, 10)]
    async with member() as second:
        resumed = await receive(second, 6)
    assert [m.body for m in resumed] == [b"%d" % i for i in range(4, 10)]


async def test_explicit_offsets_commit_and_persist(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic, group = unique_name("commit"), unique_name("cg")
    queue = await send_to_one_queue(
        local_cluster.namesrv_addr, unique_name("pg"), topic, [b"%d" % i for i in range(5)]
    )
    async with AsyncPullConsumer(
        local_cluster.namesrv_addr, group, subscribe={topic: "*"}, auto_commit=False, consume_from_where="FIRST_OFFSET"
    ) as consumer:
        await receive(consumer, 5)
        await consumer.commit({queue: 3}, persist=True)
        assert await consumer.committed(queue) == 3
    async with AsyncPullConsumer(
        local_cluster.namesrv_addr, group, subscribe={topic: "*"}, auto_commit=False
    ) as consumer:
        assert [m.body for m in await receive(consumer, 2)] == [b"3", b"4"]


async def test_seek_in_assigned_queues(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("seek")
    queue = await send_to_one_queue(
        local_cluster.namesrv_addr, unique_name("pg"), topic, [b"%d" % i for i in range(5)], index=1
    )
    async with AsyncPullConsumer(local_cluster.namesrv_addr, unique_name("cg")) as consumer:
        queues = await consumer.fetch_queues(topic)
        assert queue in queues
        consumer.assign([queue])
        assert consumer.assignment() == [queue]
        await consumer.seek_to_begin(queue)
        assert [m.body for m in await receive(consumer, 5)] == [b"0", b"1", b"2", b"3", b"4"]
        await consumer.seek(queue, 2)
        assert [m.body for m in await receive(consumer, 3)] == [b"2", b"3", b"4"]
        await consumer.seek_to_end(queue)
        assert await consumer.poll(timeout=0.5) == []


async def test_closing_ends_async_iteration(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    consumer = AsyncPullConsumer(local_cluster.namesrv_addr, unique_name("cg"), subscribe={unique_name("idle"): "*"})
    await consumer.start()
    iterating = asyncio.Event()
    received: list[MessageView] = []

    async def iterate() -> None:
        iterating.set()
        async for message in consumer:
            received.append(message)

    task = asyncio.ensure_future(iterate())
    await asyncio.wait_for(iterating.wait(), WAIT)
    await wait_until_polling(consumer)
    await consumer.aclose()
    await asyncio.wait_for(task, 5)  # ends cleanly, no exception
    assert received == []


def test_closing_ends_sync_iteration_from_another_thread(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    consumer = PullConsumer(local_cluster.namesrv_addr, unique_name("cg"), subscribe={unique_name("idle"): "*"})
    consumer.start()
    started = threading.Event()
    errors: list[BaseException] = []

    def iterate() -> None:
        started.set()
        try:
            for _ in consumer:
                pass
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    thread = threading.Thread(target=iterate)
    thread.start()
    assert started.wait(WAIT)
    aio = consumer._aio
    assert aio is not None
    _loop.run(wait_until_polling(aio))
    consumer.close()
    thread.join(5)
    assert not thread.is_alive()
    assert errors == []


async def test_two_members_split_the_queues(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic, group = unique_name("split"), unique_name("cg")
    await send_all(local_cluster.namesrv_addr, unique_name("pg"), [Message(topic, b"create")])
    namesrv = local_cluster.namesrv_addr
    await wait_for_route(namesrv, topic)
    async with AsyncPullConsumer(namesrv, group, subscribe={topic: "*"}) as one:
        all_queues = set(await one.fetch_queues(topic))
        assert len(all_queues) > 1
        async with AsyncPullConsumer(namesrv, group, subscribe={topic: "*"}) as two:
            deadline = time.monotonic() + WAIT
            while True:
                mine, theirs = set(one.assignment()), set(two.assignment())
                if mine and theirs and not mine & theirs and mine | theirs == all_queues:
                    break
                assert time.monotonic() < deadline, (mine, theirs)
                await asyncio.sleep(0.1)
    assert abs(len(mine) - len(theirs)) <= 1


async def test_pause_stops_a_queue_and_resume_restarts_it(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("pause")
    namesrv, producer_group = local_cluster.namesrv_addr, unique_name("pg")
    queue = await send_to_one_queue(namesrv, producer_group, topic, [b"before"])
    async with AsyncPullConsumer(namesrv, unique_name("cg")) as consumer:
        consumer.assign([queue])
        await consumer.seek_to_begin(queue)
        assert [m.body for m in await receive(consumer, 1)] == [b"before"]
        consumer.pause([queue])
        # a pull already waiting at the broker still delivers what arrives next (as in Java); drain it
        await send_to_one_queue(namesrv, producer_group, topic, [b"flush"])
        flushed = [m.body for m in await consumer.poll(timeout=1.5)]
        assert flushed in ([], [b"flush"])
        await send_to_one_queue(namesrv, producer_group, topic, [b"while paused"])
        assert await consumer.poll(timeout=1.5) == []  # a paused queue is not pulled again
        consumer.resume([queue])
        rest = [b"while paused"] if flushed else [b"flush", b"while paused"]
        assert [m.body for m in await receive(consumer, len(rest))] == rest


def test_option_and_mode_errors(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    namesrv = local_cluster.namesrv_addr
    with pytest.raises(ValueError, match="message_model"):
        PullConsumer(namesrv, unique_name("cg"), message_model="EVERYONE").start()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="autoCommitIntervalMillis"):
        PullConsumer(namesrv, unique_name("cg"), auto_commit_interval=0.5).start()
    with pytest.raises(ClosedError):
        PullConsumer(namesrv, unique_name("cg")).poll()
    with PullConsumer(namesrv, unique_name("cg"), subscribe={unique_name("t"): "*"}) as consumer:
        queue = MessageQueue(unique_name("t"), "broker-a", 0)
        with pytest.raises(InvalidArgumentError, match="mutually exclusive"):
            consumer.assign([queue])
    with pytest.raises(ClosedError):
        consumer.poll()
