"""Consumer options the other suites leave out, against the session's LocalCluster: orderly push consumers in a
broadcasting group, broadcasting pull consumers, the circle allocation strategy, unsubscribing a pull consumer,
offsets by store time, and the admin's view of an online group."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from fulmen import (
    AsyncAdmin,
    AsyncProducer,
    AsyncPullConsumer,
    AsyncPushConsumer,
    Message,
    MessageListener,
    MessageView,
)
from fulmen.admin_types import ConsumerConnection
from fulmen.errors import RouteNotFoundError
from fulmen.testing import LocalCluster
from support import WAIT, receive, send_to_one_queue, wait_for_route

FIRST: Final = "CONSUME_FROM_FIRST_OFFSET"


async def send(namesrv: str, messages: list[Message]) -> set[str]:
    """Sends ``messages`` round-robin; returns their ids."""
    async with AsyncProducer(namesrv, f"{messages[0].topic}-producer") as producer:
        return {(await producer.send(message)).msg_id for message in messages}


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"not within {WAIT} s: {what}"
        await asyncio.sleep(0.05)


async def test_orderly_broadcasting_gives_every_member_every_key_in_order(
    local_cluster: LocalCluster, unique_name: Callable[[str], str], tmp_path: Path
) -> None:
    topic, group = unique_name("t"), unique_name("cg")
    keys = [f"order-{n}" for n in range(3)]
    await send(
        local_cluster.namesrv_addr,
        [Message(topic, f"{key}:{step}".encode(), sharding_key=key) for step in range(10) for key in keys],
    )
    inboxes: list[list[MessageView]] = [[], []]
    busy: set[tuple[int, int]] = set()
    overlaps: list[tuple[int, int]] = []

    def listener_of(member: int) -> MessageListener:
        async def listener(messages: list[MessageView]) -> None:
            slot = (member, messages[0].queue.queue_id)
            if slot in busy:
                overlaps.append(slot)
            busy.add(slot)
            await asyncio.sleep(0.002)  # lets another call for this queue start, were it allowed to
            inboxes[member].extend(messages)
            busy.discard(slot)

        return listener

    members = [
        AsyncPushConsumer(
            local_cluster.namesrv_addr,
            group,
            subscribe={topic: "*"},
            listener=listener_of(n),
            orderly=True,
            broadcasting=True,
            consume_from_where=FIRST,
            instance_name=f"member-{n}",
            local_offset_store_dir=tmp_path,
        )
        for n in range(2)
    ]
    async with members[0], members[1]:
        await wait_until(lambda: all(len(inbox) >= 30 for inbox in inboxes), "both members got all 30")
    for inbox in inboxes:
        per_key: dict[str, list[int]] = {}
        for message in inbox:
            key, step = message.body.decode().split(":")
            per_key.setdefault(key, []).append(int(step))
        assert per_key == {key: list(range(10)) for key in keys}
    assert overlaps == []


async def test_broadcasting_pull_consumers_each_read_everything(
    local_cluster: LocalCluster, unique_name: Callable[[str], str], tmp_path: Path
) -> None:
    topic, group = unique_name("t"), unique_name("cg")
    ids = await send(local_cluster.namesrv_addr, [Message(topic, b"%d" % i) for i in range(12)])
    all_queues = set(await wait_for_route(local_cluster.namesrv_addr, topic))
    members = [
        AsyncPullConsumer(
            local_cluster.namesrv_addr,
            group,
            subscribe={topic: "*"},
            message_model="BROADCASTING",
            consume_from_where=FIRST,
            instance_name=f"member-{n}",
            local_offset_store_dir=tmp_path,
        )
        for n in range(2)
    ]
    async with members[0], members[1]:
        for member in members:
            assert {m.msg_id for m in await receive(member, len(ids))} == ids
            assert set(member.assignment()) == all_queues


async def test_circle_allocation_deals_the_queues_out_in_turn(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic, group = unique_name("t"), unique_name("cg")
    await send(local_cluster.namesrv_addr, [Message(topic, b"create")])
    all_queues = set(await wait_for_route(local_cluster.namesrv_addr, topic))
    assert len(all_queues) == 4
    members = [
        AsyncPullConsumer(
            local_cluster.namesrv_addr,
            group,
            subscribe={topic: "*"},
            allocate_strategy="AVG_BY_CIRCLE",
            instance_name=f"member-{n}",
        )
        for n in range(2)
    ]
    async with members[0], members[1]:

        def split() -> bool:
            owned = [set(member.assignment()) for member in members]
            return not owned[0] & owned[1] and owned[0] | owned[1] == all_queues and len(owned[0]) == 2

        await wait_until(split, "the queues split two and two")
        # One broker, queues sorted: the circle gives one member queues 0 and 2, the other 1 and 3 (AVG would give
        # 0 and 1, 2 and 3).
        owned = sorted(sorted(q.queue_id for q in member.assignment()) for member in members)
        assert owned == [[0, 2], [1, 3]]


async def test_unsubscribed_topic_is_no_longer_read(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    kept, dropped = unique_name("kept"), unique_name("dropped")
    namesrv = local_cluster.namesrv_addr
    for topic in (kept, dropped):
        await send(namesrv, [Message(topic, b"create")])
        await wait_for_route(namesrv, topic)
    async with AsyncPullConsumer(namesrv, unique_name("cg"), subscribe={kept: "*", dropped: "*"}) as consumer:
        # Both "create" messages first: like Java's, unsubscribe leaves batches already pulled to be polled.
        assert {m.topic for m in await receive(consumer, 2)} == {kept, dropped}
        consumer.unsubscribe(dropped)
        await wait_until(lambda: {q.topic for q in consumer.assignment()} == {kept}, "the topic unassigned")
        await send(namesrv, [Message(dropped, b"late %d" % i) for i in range(4)])
        await send(namesrv, [Message(kept, b"late %d" % i) for i in range(4)])
        got = await receive(consumer, 4)
        got += await consumer.poll(timeout=1.0)
    assert [(m.topic, m.body) for m in got if m.topic != kept] == []
    assert sorted(m.body for m in got) == [b"late %d" % i for i in range(4)]


async def test_offset_for_timestamp_finds_the_first_message_stored_at_or_after_it(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    namesrv, producer_group = local_cluster.namesrv_addr, unique_name("pg")
    queue = await send_to_one_queue(namesrv, producer_group, topic, [b"a", b"b", b"c"])
    await asyncio.sleep(0.3)
    await send_to_one_queue(namesrv, producer_group, topic, [b"d", b"e"])
    async with AsyncPullConsumer(namesrv, unique_name("cg")) as consumer:
        consumer.assign([queue])
        await consumer.seek_to_begin(queue)
        stored = {m.body: round(m.stored_at.timestamp() * 1000) for m in await receive(consumer, 5)}
        # Java's search: a message stored at exactly that time, else the nearer neighbour.
        assert await consumer.offset_for_timestamp(queue, stored[b"d"]) == 3
        assert await consumer.offset_for_timestamp(queue, stored[b"d"] - 10) == 3
        assert await consumer.offset_for_timestamp(queue, stored[b"c"] + 10) == 2
        assert await consumer.offset_for_timestamp(queue, 0) == 0
        await consumer.seek(queue, await consumer.offset_for_timestamp(queue, stored[b"d"]))
        assert [m.body for m in await receive(consumer, 2)] == [b"d", b"e"]


async def online_connection(admin: AsyncAdmin, group: str) -> ConsumerConnection:
    """The group's connection once the name server routes its retry topic (the broker registers it asynchronously
    after the first heartbeat) and the broker lists a member."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            connection = await admin.consumer_connection(group)
        except RouteNotFoundError:
            connection = None
        if connection is not None:
            return connection
        assert time.monotonic() < deadline, f"{group} not online within {WAIT} s"
        await asyncio.sleep(0.05)


async def test_admin_sees_online_push_and_pull_groups(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic, push_group, pull_group = unique_name("t"), unique_name("push"), unique_name("pull")
    namesrv = local_cluster.namesrv_addr
    await send(namesrv, [Message(topic, b"create")])
    await wait_for_route(namesrv, topic)

    async def ignore(messages: list[MessageView]) -> None:
        pass

    async with (
        AsyncAdmin(namesrv) as admin,
        AsyncPushConsumer(
            namesrv, push_group, subscribe={topic: "A || B"}, listener=ignore, consume_from_where=FIRST
        ) as push,
        AsyncPullConsumer(namesrv, pull_group, subscribe={topic: "*"}),
    ):
        connection = await online_connection(admin, push_group)
        assert [client.language for client in connection.clients] == ["RUST"]
        assert (connection.consume_type, connection.message_model, connection.consume_from_where) == (
            "CONSUME_PASSIVELY",
            "CLUSTERING",
            FIRST,
        )
        subscription = next(s for s in connection.subscriptions if s.topic == topic)
        assert (subscription.expression, sorted(subscription.tags)) == ("A || B", ["A", "B"])

        pulling = await online_connection(admin, pull_group)
        assert len(pulling.clients) == 1
        assert pulling.consume_type == "CONSUME_ACTIVELY"
        await push.aclose()
        assert await admin.consumer_connection(push_group) is None  # closing unregisters at once
