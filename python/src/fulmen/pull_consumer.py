"""Pull consumers: :class:`AsyncPullConsumer` for asyncio and its blocking twin :class:`PullConsumer`.

The application asks for messages (``poll`` or iteration) instead of registering a listener. Background tasks in
Rust pull the consumer's queues ahead; a poll hands out one queue's batch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Iterable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Literal

from . import _loop
from ._native import MessageQueue, MessageView, NativePullConsumer
from ._twin import AsyncBase, SyncTwin
from .errors import ClosedError

__all__ = ["AsyncPullConsumer", "PullConsumer"]

Seconds = float | timedelta


class _PullConsumerOptions:
    """What both pull consumers are built from; the options default to Apache's ``DefaultLitePullConsumer``."""

    def __init__(
        self,
        namesrv: str,
        group: str,
        *,
        subscribe: Mapping[str, str] | None = None,
        message_model: Literal["CLUSTERING", "BROADCASTING"] | None = None,
        allocate_strategy: Literal["AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH"] | None = None,
        consume_from_where: str | None = None,
        consume_timestamp: str | None = None,
        auto_commit: bool | None = None,
        auto_commit_interval: Seconds | None = None,
        pull_thread_nums: int | None = None,
        pull_batch_size: int | None = None,
        pull_threshold_for_all: int | None = None,
        consume_max_span: int | None = None,
        pull_threshold_for_queue: int | None = None,
        pull_threshold_size_for_queue: int | None = None,
        poll_timeout: Seconds | None = None,
        consumer_timeout_when_suspend: Seconds | None = None,
        pull_delay_on_exception: Seconds | None = None,
        topic_metadata_check_interval: Seconds | None = None,
        persist_offset_interval: Seconds | None = None,
        rebalance_interval: Seconds | None = None,
        rebalance_min_interval: Seconds | None = None,
        assign_expressions: Mapping[str, str] | None = None,
        local_offset_store_dir: str | Path | None = None,
        max_message_size: int | None = None,
        instance_name: str | None = None,
        unit_name: str | None = None,
        rpc_timeout: Seconds | None = None,
        route_poll_interval: Seconds | None = None,
        heartbeat_interval: Seconds | None = None,
        serialize_type: Literal["JSON", "ROCKETMQ"] | None = None,
    ) -> None:
        options = dict(locals())
        for name in ("self", "namesrv", "group", "subscribe", "__class__"):
            options.pop(name, None)
        self.namesrv = namesrv
        self.group = group
        self.subscriptions: dict[str, str] = dict(subscribe or {})
        self._options: dict[str, object] = {k: v for k, v in options.items() if v is not None}
        if assign_expressions is not None:
            self._options["assign_expressions"] = dict(assign_expressions)
        if local_offset_store_dir is not None:
            self._options["local_offset_store_dir"] = str(local_offset_store_dir)


class AsyncPullConsumer(_PullConsumerOptions, AsyncBase[NativePullConsumer]):
    """Consumes messages by polling, from asyncio code.

    ``subscribe`` maps topics to tag expressions (``{"Orders": "A || B"}``); the group's members share the queues
    of those topics. Without it, give queues with :meth:`assign`. Use it as ``async with AsyncPullConsumer(...) as
    consumer:`` then ``async for message in consumer:`` (batches are polled and handed out one message at a time;
    the loop ends when the consumer is closed, also from another task) or ``await consumer.poll()``.

    With ``auto_commit`` (the default) what was polled is committed every ``auto_commit_interval`` and at close;
    with ``auto_commit=False`` call :meth:`commit`. Keyword options are the fields of Rust's
    ``LitePullConsumerConfig`` (durations in seconds or ``timedelta``).
    """

    _what = "consumer"
    _closing: bool = False
    _polling: Awaitable[list[MessageView]] | None = None
    """The poll in flight, if any."""

    async def start(self) -> AsyncPullConsumer:
        """Starts the consumer and subscribes its topics; returns ``self``."""
        if self._native is None:
            self._closing = False
            self._native = await NativePullConsumer.start(
                self.namesrv, self.group, list(self.subscriptions.items()), dict(self._options)
            )
        return self

    async def poll(self, timeout: Seconds | None = None) -> list[MessageView]:
        """The next batch of one queue (at most ``pull_batch_size`` messages), waiting up to ``timeout`` (default
        the ``poll_timeout`` option, 5 s); empty when nothing arrived in time."""
        batch = await self._poll(timeout)
        if batch is None:
            raise ClosedError("the consumer was closed while polling")
        return batch

    async def _poll(self, timeout: Seconds | None = None) -> list[MessageView] | None:
        """A poll that :meth:`aclose` ends early (the core answers a waiting poll at once when it shuts down):
        ``None`` when the consumer is closing."""
        if self._closing:
            return None
        polling = self._started().poll(timeout)
        self._polling = polling
        try:
            batch = await polling
        except ClosedError:
            if self._closing:  # the poll began just after the shutdown did
                return None
            raise
        finally:
            self._polling = None
        return None if self._closing and not batch else batch

    async def _next_batch(self) -> list[MessageView] | None:
        """The next non-empty batch, or ``None`` once the consumer is closed."""
        while True:
            batch = await self._poll()
            if batch is None or batch:
                return batch

    async def __aiter__(self) -> AsyncIterator[MessageView]:
        while True:
            batch = await self._next_batch()
            if batch is None:
                return
            for message in batch:
                yield message

    async def subscribe(self, topic: str, expression: str = "*") -> None:
        """Subscribes ``topic`` with a tag expression (``"*"``, ``"A || B"``)."""
        await self._started().subscribe(topic, expression)
        self.subscriptions[topic] = expression

    def unsubscribe(self, topic: str) -> None:
        """Stops consuming ``topic`` (batches already pulled can still be polled)."""
        self._started().unsubscribe(topic)
        self.subscriptions.pop(topic, None)

    def assign(self, queues: Iterable[MessageQueue]) -> None:
        """Pulls exactly ``queues`` from now on, without group coordination (not with ``subscribe``)."""
        self._started().assign(list(queues))

    def assignment(self) -> list[MessageQueue]:
        """The queues this consumer pulls now, sorted."""
        return self._started().assignment()

    async def fetch_queues(self, topic: str) -> list[MessageQueue]:
        """The readable queues of ``topic`` (for :meth:`assign`)."""
        return await self._started().fetch_queues(topic)

    async def seek(self, queue: MessageQueue, offset: int) -> None:
        """Makes the next poll of ``queue`` (an assigned one) start at ``offset``."""
        await self._started().seek(queue, offset)

    async def seek_to_begin(self, queue: MessageQueue) -> None:
        """Makes ``queue`` start again at its first stored message."""
        await self._started().seek_to_begin(queue)

    async def seek_to_end(self, queue: MessageQueue) -> None:
        """Skips to the end of ``queue``: only messages stored from now on follow."""
        await self._started().seek_to_end(queue)

    async def offset_for_timestamp(self, queue: MessageQueue, timestamp_ms: int) -> int:
        """The offset of the first message of ``queue`` stored at or after ``timestamp_ms`` (ms since the epoch)."""
        return await self._started().offset_for_timestamp(queue, timestamp_ms)

    async def commit(
        self,
        offsets: Mapping[MessageQueue, int] | Iterable[MessageQueue] | None = None,
        *,
        persist: bool = False,
    ) -> None:
        """Commits how far polling got.

        Without arguments every assigned queue is committed; an iterable of queues commits those; a mapping
        commits explicit offsets (the next offset to consume). Offsets reach the broker with the periodic persist
        and at close, or at once with ``persist=True``.
        """
        native = self._started()
        if offsets is None:
            if not persist:
                native.commit_sync()
                return
            offsets = native.assignment()
        if isinstance(offsets, Mapping):
            await native.commit_offsets(list(offsets.items()), persist)
        else:
            await native.commit_queues(list(offsets), persist)

    async def committed(self, queue: MessageQueue) -> int | None:
        """The committed offset of ``queue`` (memory first, then the broker), or ``None`` when there is none."""
        return await self._started().committed(queue)

    def pause(self, queues: Iterable[MessageQueue]) -> None:
        """Stops pulling ``queues`` (batches already pulled can still be polled)."""
        self._started().pause(list(queues))

    def resume(self, queues: Iterable[MessageQueue]) -> None:
        """Resumes pulling ``queues``."""
        self._started().resume(list(queues))

    async def aclose(self) -> None:
        """Ends any poll or iteration, persists committed offsets, unregisters and closes; idempotent."""
        self._closing = True
        native, self._native = self._native, None
        if native is not None:
            await native.shutdown()


class PullConsumer(_PullConsumerOptions, SyncTwin[AsyncPullConsumer]):
    """The blocking twin of :class:`AsyncPullConsumer`, with the same options and methods.

    Use it as ``with PullConsumer(namesrv, group, subscribe={"T": "*"}) as consumer:`` and ``for message in
    consumer:`` (one wait per batch, not per message; the loop ends when :meth:`close` is called, also from another
    thread). Calls release the GIL while they wait, and Ctrl-C interrupts them.
    """

    _what = "consumer"

    def _make_async(self) -> AsyncPullConsumer:
        aio = AsyncPullConsumer(self.namesrv, self.group, subscribe=self.subscriptions)
        aio._options = dict(self._options)
        return aio

    def poll(self, timeout: Seconds | None = None) -> list[MessageView]:
        """See :meth:`AsyncPullConsumer.poll`."""
        return _loop.run(self._started().poll(timeout))

    def __iter__(self) -> Iterator[MessageView]:
        aio = self._started()
        pending: deque[MessageView] = deque()
        while True:
            while pending:
                yield pending.popleft()
            batch = _loop.run(aio._next_batch())
            if batch is None:
                return
            pending.extend(batch)

    def subscribe(self, topic: str, expression: str = "*") -> None:
        """See :meth:`AsyncPullConsumer.subscribe`."""
        _loop.run(self._started().subscribe(topic, expression))

    def unsubscribe(self, topic: str) -> None:
        """See :meth:`AsyncPullConsumer.unsubscribe`."""
        self._started().unsubscribe(topic)

    def assign(self, queues: Iterable[MessageQueue]) -> None:
        """See :meth:`AsyncPullConsumer.assign`."""
        self._started().assign(queues)

    def assignment(self) -> list[MessageQueue]:
        """See :meth:`AsyncPullConsumer.assignment`."""
        return self._started().assignment()

    def fetch_queues(self, topic: str) -> list[MessageQueue]:
        """See :meth:`AsyncPullConsumer.fetch_queues`."""
        return _loop.run(self._started().fetch_queues(topic))

    def seek(self, queue: MessageQueue, offset: int) -> None:
        """See :meth:`AsyncPullConsumer.seek`."""
        _loop.run(self._started().seek(queue, offset))

    def seek_to_begin(self, queue: MessageQueue) -> None:
        """See :meth:`AsyncPullConsumer.seek_to_begin`."""
        _loop.run(self._started().seek_to_begin(queue))

    def seek_to_end(self, queue: MessageQueue) -> None:
        """See :meth:`AsyncPullConsumer.seek_to_end`."""
        _loop.run(self._started().seek_to_end(queue))

    def offset_for_timestamp(self, queue: MessageQueue, timestamp_ms: int) -> int:
        """See :meth:`AsyncPullConsumer.offset_for_timestamp`."""
        return _loop.run(self._started().offset_for_timestamp(queue, timestamp_ms))

    def commit(
        self,
        offsets: Mapping[MessageQueue, int] | Iterable[MessageQueue] | None = None,
        *,
        persist: bool = False,
    ) -> None:
        """See :meth:`AsyncPullConsumer.commit`."""
        _loop.run(self._started().commit(offsets, persist=persist))

    def committed(self, queue: MessageQueue) -> int | None:
        """See :meth:`AsyncPullConsumer.committed`."""
        return _loop.run(self._started().committed(queue))

    def pause(self, queues: Iterable[MessageQueue]) -> None:
        """See :meth:`AsyncPullConsumer.pause`."""
        self._started().pause(queues)

    def resume(self, queues: Iterable[MessageQueue]) -> None:
        """See :meth:`AsyncPullConsumer.resume`."""
        self._started().resume(queues)
