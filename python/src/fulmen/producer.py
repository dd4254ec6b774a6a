"""Producers: :class:`AsyncProducer` for asyncio and its blocking twin :class:`Producer`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal

from . import _loop
from ._native import Message, MessageQueue, NativeProducer, SendResult
from ._twin import AsyncBase, SyncTwin
from .errors import InvalidArgumentError

__all__ = ["AsyncProducer", "Producer", "QueueSelector"]

QueueSelector = Callable[[Sequence[MessageQueue], Message, Any], "MessageQueue | int"]
"""``selector(queues, message, arg)`` returns the queue (or its index in ``queues``) to send to."""

Seconds = float | timedelta


class _ProducerOptions:
    """What both producers are built from; the options default to Apache's (send timeout 3 s, 2 retries...)."""

    def __init__(
        self,
        namesrv: str,
        group: str = "DEFAULT_PRODUCER",
        *,
        send_timeout: Seconds | None = None,
        retry_times: int | None = None,
        retry_times_async: int | None = None,
        compress_over: int | None = None,
        compress_level: int | None = None,
        max_message_size: int | None = None,
        send_latency_fault_enable: bool | None = None,
        retry_another_broker_when_not_store_ok: bool | None = None,
        default_topic_queue_nums: int | None = None,
        create_topic_key: str | None = None,
        instance_name: str | None = None,
        unit_name: str | None = None,
        rpc_timeout: Seconds | None = None,
        route_poll_interval: Seconds | None = None,
        heartbeat_interval: Seconds | None = None,
        serialize_type: Literal["JSON", "ROCKETMQ"] | None = None,
    ) -> None:
        options = dict(locals())
        for name in ("self", "namesrv", "group", "__class__"):
            options.pop(name, None)
        self.namesrv = namesrv
        self.group = group
        self._options: dict[str, object] = {k: v for k, v in options.items() if v is not None}


class AsyncProducer(_ProducerOptions, AsyncBase[NativeProducer]):
    """Sends messages to a RocketMQ cluster from asyncio code.

    ``namesrv`` lists name servers (``"host:port;host:port"``); the keyword options default to Apache's. Use it as
    ``async with AsyncProducer(namesrv, group) as producer:`` or ``await producer.start()`` / ``await
    producer.aclose()``. Each ``send`` is independent, so ``asyncio.gather`` keeps many in flight.
    """

    _what = "producer"

    async def start(self) -> AsyncProducer:
        """Starts the producer (connections open lazily on the first send); returns ``self``."""
        if self._native is None:
            self._native = await NativeProducer.start(self.namesrv, self.group, dict(self._options))
        return self

    async def send(
        self,
        message: Message,
        *,
        queue: MessageQueue | None = None,
        selector: QueueSelector | None = None,
        arg: Any = None,
    ) -> SendResult:
        """Sends ``message`` and waits until the broker stored it.

        - By default the queue is chosen round-robin, with retries on another broker (``retry_times``).
        - A message with a ``sharding_key`` goes to the queue that key hashes to (as Java's
          ``SelectMessageQueueByHash``), once, so that one key's messages stay in order.
        - ``queue=`` sends to that queue once; ``selector=`` calls ``selector(queues, message, arg)`` to choose it.
        """
        native = self._started()
        if queue is not None and selector is not None:
            raise InvalidArgumentError("give either queue or selector, not both")
        if selector is not None:
            queues = await native.publish_queues(message.topic)
            chosen = selector(queues, message, arg)
            if isinstance(chosen, int):
                if not 0 <= chosen < len(queues):
                    raise InvalidArgumentError(f"the selector chose queue index {chosen} of {len(queues)}")
                chosen = queues[chosen]
            queue = chosen
        if queue is not None:
            return await native.send_to_queue(message, queue)
        if message.sharding_key:
            return await native.send_orderly(message)
        return await native.send(message)

    async def send_oneway(self, message: Message) -> None:
        """Sends ``message`` without waiting for the broker's answer (no retry, no result)."""
        await self._started().send_oneway(message)

    async def send_batch(self, messages: Sequence[Message]) -> SendResult:
        """Sends messages of one topic as one request; the result's ``msg_id`` joins their ids with commas."""
        return await self._started().send_batch(list(messages))

    async def queues(self, topic: str) -> list[MessageQueue]:
        """The writable queues of ``topic`` (what a selector chooses from)."""
        return await self._started().publish_queues(topic)

    async def aclose(self) -> None:
        """Unregisters the producer and closes its connections; idempotent."""
        native, self._native = self._native, None
        if native is not None:
            await native.shutdown()


class Producer(_ProducerOptions, SyncTwin[AsyncProducer]):
    """The blocking twin of :class:`AsyncProducer`, with the same options and methods.

    Use it as ``with Producer(namesrv, group) as producer:`` or ``producer.start()`` / ``producer.close()``. Calls
    release the GIL while they wait, and Ctrl-C interrupts them.
    """

    _what = "producer"

    def _make_async(self) -> AsyncProducer:
        aio = AsyncProducer(self.namesrv, self.group)
        aio._options = dict(self._options)
        return aio

    def send(
        self,
        message: Message,
        *,
        queue: MessageQueue | None = None,
        selector: QueueSelector | None = None,
        arg: Any = None,
    ) -> SendResult:
        """See :meth:`AsyncProducer.send`."""
        return _loop.run(self._started().send(message, queue=queue, selector=selector, arg=arg))

    def send_oneway(self, message: Message) -> None:
        """See :meth:`AsyncProducer.send_oneway`."""
        _loop.run(self._started().send_oneway(message))

    def send_batch(self, messages: Sequence[Message]) -> SendResult:
        """See :meth:`AsyncProducer.send_batch`."""
        return _loop.run(self._started().send_batch(messages))

    def queues(self, topic: str) -> list[MessageQueue]:
        """See :meth:`AsyncProducer.queues`."""
        return _loop.run(self._started().queues(topic))
