"""Push consumers: :class:`AsyncPushConsumer` for asyncio and its blocking twin :class:`PushConsumer`.

The Rust consumer pulls, balances queues, commits offsets and retries; Python only runs the listener. A pump task
takes the listener calls the consumer makes (``NativePushConsumer.next_deliveries``), runs the listener for each (a
plain function on a thread pool, a coroutine function on the event loop) and acks it. An orderly consumer never
hands over a queue's next batch before the previous one is acked, so order is kept without Python's help.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from os import PathLike
from typing import Literal

from . import _loop
from ._native import Delivery, MessageQueue, NativePushConsumer
from ._twin import AsyncBase, SyncTwin
from .listener import MessageListener, is_async, succeeded

__all__ = ["AsyncPushConsumer", "PushConsumer"]

Seconds = float | timedelta

_log = logging.getLogger("fulmen.consumer")

# Deliveries taken per wake-up of the pump.
_PUMP_BATCH = 64
# Java's consumeThreadMax default: the thread pool size for plain-function listeners.
_DEFAULT_THREADS = 20
# How long close() waits for listener calls in flight, so that messages a listener is finishing are committed
# instead of delivered again (Java's awaitTerminationMillisWhenShutdown is 0: not at all).
_DEFAULT_AWAIT_TERMINATION = 5.0


class _PushConsumerOptions:
    """What both push consumers are built from; the options default to Apache's ``DefaultMQPushConsumer``."""

    def __init__(
        self,
        namesrv: str,
        group: str,
        *,
        subscribe: Mapping[str, str],
        listener: MessageListener,
        orderly: bool = False,
        broadcasting: bool = False,
        consume_from_where: Literal["CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP"]
        | None = None,
        consume_timestamp: str | None = None,
        allocate_strategy: Literal["AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH"] | None = None,
        consume_thread_min: int | None = None,
        consume_thread_max: int | None = None,
        consume_concurrently_max_span: int | None = None,
        pull_threshold_for_queue: int | None = None,
        pull_threshold_size_for_queue: int | None = None,
        pull_threshold_for_topic: int | None = None,
        pull_threshold_size_for_topic: int | None = None,
        consume_message_batch_max_size: int | None = None,
        pull_batch_size: int | None = None,
        pull_batch_size_in_bytes: int | None = None,
        max_reconsume_times: int | None = None,
        max_message_size: int | None = None,
        pull_interval: Seconds | None = None,
        suspend_current_queue_time: Seconds | None = None,
        consume_timeout: Seconds | None = None,
        await_termination_when_shutdown: Seconds | None = None,
        pull_delay_on_exception: Seconds | None = None,
        persist_offset_interval: Seconds | None = None,
        rebalance_interval: Seconds | None = None,
        rebalance_min_interval: Seconds | None = None,
        lock_interval: Seconds | None = None,
        unlock_delay: Seconds | None = None,
        max_time_consume_continuously: Seconds | None = None,
        local_offset_store_dir: str | PathLike[str] | None = None,
        instance_name: str | None = None,
        unit_name: str | None = None,
        rpc_timeout: Seconds | None = None,
        route_poll_interval: Seconds | None = None,
        heartbeat_interval: Seconds | None = None,
        serialize_type: Literal["JSON", "ROCKETMQ"] | None = None,
    ) -> None:
        options = dict(locals())
        for name in ("self", "namesrv", "group", "subscribe", "listener", "orderly", "broadcasting", "__class__"):
            options.pop(name, None)
        if local_offset_store_dir is not None:
            options["local_offset_store_dir"] = str(local_offset_store_dir)
        if broadcasting:
            options["message_model"] = "BROADCASTING"
        self.namesrv = namesrv
        self.group = group
        self.orderly = orderly
        self.broadcasting = broadcasting
        self.listener = listener
        self._subscriptions = dict(subscribe)
        self._options: dict[str, object] = {k: v for k, v in options.items() if v is not None}
        self._options.setdefault("await_termination_when_shutdown", _DEFAULT_AWAIT_TERMINATION)

    def _copy_into(self, other: _PushConsumerOptions) -> None:
        other.namesrv, other.group, other.orderly, other.broadcasting = (
            self.namesrv,
            self.group,
            self.orderly,
            self.broadcasting,
        )
        other.listener = self.listener
        other._subscriptions = dict(self._subscriptions)
        other._options = dict(self._options)


class AsyncPushConsumer(_PushConsumerOptions, AsyncBase[NativePushConsumer]):
    """Consumes messages pushed to ``listener`` from asyncio code.

    ``subscribe`` maps topics to tag expressions (``{"Orders": "*", "Audit": "TagA || TagB"}``). ``listener`` gets a
    list of :class:`~fulmen.MessageView` (one message unless ``consume_message_batch_max_size`` is larger) and
    returns ``None`` / ``True`` / ``ConsumeResult.SUCCESS`` when they are consumed, ``False`` /
    ``ConsumeResult.RECONSUME_LATER`` to have them delivered again later; an exception also retries (and is logged
    on the ``fulmen.consumer`` logger). A plain function runs on a thread pool of ``consume_thread_max`` threads
    (default 20), so a slow one never blocks the event loop; a coroutine function runs on the loop ``start()`` ran
    on. ``orderly=True`` consumes each queue one batch at a time, in queue order; ``broadcasting=True`` gives every
    member of the group every message (offsets in ``local_offset_store_dir``). Several consumers of one group in
    one process need distinct ``instance_name``\\ s. Closing waits up to ``await_termination_when_shutdown`` (5 s
    by default) for listener calls in flight.

    Use ``async with AsyncPushConsumer(...) as consumer:`` or ``await consumer.start()`` / ``await
    consumer.aclose()``. The other keyword options default to Apache's.
    """

    _what = "consumer"
    _pump: asyncio.Task[None] | None = None
    _executor: ThreadPoolExecutor | None = None

    async def start(self) -> AsyncPushConsumer:
        """Starts consuming; returns ``self``."""
        if self._native is not None:
            return self
        native = await NativePushConsumer.start(
            self.namesrv, self.group, dict(self._subscriptions), self.orderly, dict(self._options)
        )
        executor = None
        if not is_async(self.listener):
            threads = self._options.get("consume_thread_max", _DEFAULT_THREADS)
            executor = ThreadPoolExecutor(
                max_workers=threads if isinstance(threads, int) else _DEFAULT_THREADS,
                thread_name_prefix=f"fulmen-consumer-{self.group}",
            )
        self._native, self._executor = native, executor
        self._pump = asyncio.get_running_loop().create_task(
            self._run_pump(native, executor), name=f"fulmen-pump-{self.group}"
        )
        return self

    def assigned_queues(self) -> list[MessageQueue]:
        """The queues this consumer owns now, sorted."""
        return self._started().assigned_queues()

    async def subscribe(self, topic: str, expression: str = "*") -> None:
        """Subscribes ``topic`` with the tag ``expression`` while running (the next rebalance assigns its queues)."""
        await self._started().subscribe(topic, expression)
        self._subscriptions[topic] = expression

    async def unsubscribe(self, topic: str) -> None:
        """Stops consuming ``topic``; its queues are given up at the next rebalance."""
        await self._started().unsubscribe(topic)
        self._subscriptions.pop(topic, None)

    def suspend(self) -> None:
        """Pauses pulling; messages already pulled are still delivered."""
        self._started().suspend()

    def resume(self) -> None:
        """Resumes pulling."""
        self._started().resume()

    async def aclose(self) -> None:
        """Stops pulling, waits up to ``await_termination_when_shutdown`` (5 s here, unlike Java's 0; 0 = not at all)
        for listener calls in flight, commits the offsets and closes; calls still running then are abandoned (their
        messages come again). Idempotent."""
        native, self._native = self._native, None
        if native is None:
            return
        pump, self._pump = self._pump, None
        executor, self._executor = self._executor, None
        try:
            await native.shutdown()
        finally:
            if pump is not None:
                pump.cancel()
                await asyncio.gather(pump, return_exceptions=True)
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)

    async def _run_pump(self, native: NativePushConsumer, executor: ThreadPoolExecutor | None) -> None:
        """Takes the consumer's listener calls and runs each as its own task until the consumer shuts down."""
        running: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        try:
            while batch := await native.next_deliveries(_PUMP_BATCH):
                for delivery in batch:
                    task = loop.create_task(self._consume(delivery, executor))
                    running.add(task)
                    task.add_done_callback(running.discard)
        except Exception:
            _log.exception("consumer group %s stopped taking messages", self.group)
        finally:
            # Shut down: unacked deliveries are dropped, so their messages come again.
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _consume(self, delivery: Delivery, executor: ThreadPoolExecutor | None) -> None:
        """Runs the listener on one delivery (a plain function on ``executor``) and acks it."""
        messages = delivery.messages
        try:
            if executor is None:
                answer = await self.listener(messages)  # type: ignore[misc]
            else:
                answer = await asyncio.get_running_loop().run_in_executor(executor, self.listener, messages)
                if inspect.isawaitable(answer):  # a plain callable returning a coroutine (e.g. a lambda)
                    answer = await answer
            ok = succeeded(answer)
        except Exception:
            _log.exception(
                "listener of consumer group %s failed on %d message(s); they will be delivered again",
                self.group,
                len(messages),
            )
            ok = False
        delivery.ack(ok)


class PushConsumer(_PushConsumerOptions, SyncTwin[AsyncPushConsumer]):
    """The blocking twin of :class:`AsyncPushConsumer`, with the same options and methods.

    Use it as ``with PushConsumer(...) as consumer:`` or ``consumer.start()`` / ``consumer.close()``. A plain-function
    listener runs on the thread pool; a coroutine-function listener runs on Fulmen's background event loop.
    """

    _what = "consumer"

    def _make_async(self) -> AsyncPushConsumer:
        aio = AsyncPushConsumer(self.namesrv, self.group, subscribe={}, listener=self.listener)
        self._copy_into(aio)
        return aio

    def assigned_queues(self) -> list[MessageQueue]:
        """See :meth:`AsyncPushConsumer.assigned_queues`."""
        return self._started().assigned_queues()

    def subscribe(self, topic: str, expression: str = "*") -> None:
        """See :meth:`AsyncPushConsumer.subscribe`."""
        _loop.run(self._started().subscribe(topic, expression))
        self._subscriptions[topic] = expression

    def unsubscribe(self, topic: str) -> None:
        """See :meth:`AsyncPushConsumer.unsubscribe`."""
        _loop.run(self._started().unsubscribe(topic))
        self._subscriptions.pop(topic, None)

    def suspend(self) -> None:
        """See :meth:`AsyncPushConsumer.suspend`."""
        self._started().suspend()

    def resume(self) -> None:
        """See :meth:`AsyncPushConsumer.resume`."""
        self._started().resume()
