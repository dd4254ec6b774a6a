"""Helpers the consumer and transaction tests share (no fixtures: those come from the fulmen pytest plugin)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from fulmen import Admin, AsyncProducer, AsyncPullConsumer, Message, MessageQueue, MessageView
from fulmen.errors import RouteNotFoundError

WAIT = 30.0
"""How long a test waits for messages before failing."""


async def receive(consumer: AsyncPullConsumer, count: int) -> list[MessageView]:
    """``count`` messages from ``async for``, or fails after WAIT seconds."""

    async def take() -> list[MessageView]:
        got: list[MessageView] = []
        async for message in consumer:
            got.append(message)
            if len(got) == count:
                break
        return got

    return await asyncio.wait_for(take(), WAIT)


async def send_to_one_queue(
    namesrv: str, group: str, topic: str, messages: Sequence[Message | bytes], index: int = 0
) -> MessageQueue:
    """Sends ``messages`` (bytes become bodies) in order to queue ``index`` of ``topic``; returns that queue once
    the name server routes the topic."""
    async with AsyncProducer(namesrv, group) as producer:
        queue = (await producer.queues(topic))[index]
        for message in messages:
            await producer.send(message if isinstance(message, Message) else Message(topic, message), queue=queue)
    await wait_for_route(namesrv, topic)
    return queue



def wait_for_route_sync(namesrv: str, topic: str) -> list[MessageQueue]:
    """The readable queues of ``topic`` once the name server routes it (a broker registers a topic it created on the
    first send asynchronously); fails after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    with Admin(namesrv) as admin:
        while True:
            try:
                return admin.topic_route(topic).read_queues
            except RouteNotFoundError:
                assert time.monotonic() < deadline, f"{topic} not routed within {WAIT} s"
                time.sleep(0.02)


async def wait_for_route(namesrv: str, topic: str) -> list[MessageQueue]:
    """:func:`wait_for_route_sync` from asyncio code."""
    return await asyncio.to_thread(wait_for_route_sync, namesrv, topic)
