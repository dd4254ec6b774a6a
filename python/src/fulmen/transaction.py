"""Transactional producers: :class:`AsyncTransactionProducer` for asyncio and its blocking twin
:class:`TransactionProducer`, with the listener protocol and results they use.

A transactional send stores a half message, runs the listener's ``execute`` (the local transaction), and commits
or rolls the message back by its answer. An unknown answer leaves the decision to the broker, which later asks the
listener's ``check``. The Rust core hands both questions to Python as calls that a task on the producer's event loop
answers, so Python code never runs on a Rust thread.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, Union

from . import _loop
from ._native import (
    Message,
    MessageQueue,
    MessageView,
    NativeTransactionCall,
    NativeTransactionProducer,
    SendResult,
    SendStatus,
)
from ._twin import AsyncBase, SyncTwin
from .producer import _ProducerOptions

__all__ = [
    "AsyncTransactionProducer",
    "LocalTransactionState",
    "TransactionListener",
    "TransactionProducer",
    "TransactionSendResult",
]

_logger = logging.getLogger("fulmen.producer")

_CALL_BATCH = 64


class LocalTransactionState(enum.Enum):
    """The outcome of a local transaction; the values are Java's names."""

    COMMIT = "COMMIT_MESSAGE"
    """Deliver the message."""
    ROLLBACK = "ROLLBACK_MESSAGE"
    """Discard the message."""
    UNKNOWN = "UNKNOW"
    """Not known yet: the broker asks ``check`` later."""


Answer = Union[LocalTransactionState, bool, None]
"""What a listener returns: a state, ``True`` (commit), ``False`` (rollback) or ``None`` (unknown)."""


class TransactionListener(Protocol):
    """Runs and checks local transactions; each method may be a plain function or ``async def``.

    Plain functions run in a thread pool, coroutines on the producer's event loop. An exception counts as
    ``UNKNOWN`` (and is logged on the ``fulmen.producer`` logger).
    """

    def execute(self, message: Message, arg: Any) -> Answer | Awaitable[Answer]:
        """Runs the local transaction of ``message``, whose half message the broker stored; ``arg`` is what was
        given to ``send_in_transaction``."""
        ...

    def check(self, message: MessageView) -> Answer | Awaitable[Answer]:
        """Tells the state of the local transaction of a half message the broker asks about."""
        ...


@dataclass(frozen=True)
class TransactionSendResult:
    """The outcome of ``send_in_transaction``: how the half message was stored and the state reported."""

    send_result: SendResult
    """How the half message was stored."""
    local_transaction_state: LocalTransactionState
    """The state told to the broker (``UNKNOWN`` leaves it to the check)."""

    @property
    def status(self) -> SendStatus:
        """The store status of the half message."""
        return self.send_result.status

    @property
    def msg_id(self) -> str:
        """The message's client-side id."""
        return self.send_result.msg_id

    @property
    def offset_msg_id(self) -> str:
        """The broker-side id of the half message."""
        return self.send_result.offset_msg_id

    @property
    def queue(self) -> MessageQueue:
        """The queue the message was sent to."""
        return self.send_result.queue

    @property
    def queue_offset(self) -> int:
        """The half message's offset."""
        return self.send_result.queue_offset

    @property
    def transaction_id(self) -> str | None:
        """The transaction's id, as the broker reported it."""
        return self.send_result.transaction_id


def _state(answer: object) -> LocalTransactionState:
    if isinstance(answer, LocalTransactionState):
        return answer
    if isinstance(answer, bool):
        return LocalTransactionState.COMMIT if answer else LocalTransactionState.ROLLBACK
    if answer is None:
        return LocalTransactionState.UNKNOWN
    raise TypeError(f"a transaction listener returned {answer!r}, not a LocalTransactionState or bool")


async def _invoke(method: Callable[..., object], *args: object) -> object:
    """Awaits a coroutine function on this loop; runs a plain one in a thread pool."""
    if inspect.iscoroutinefunction(method):
        result: object = await method(*args)
    else:
        result = await asyncio.to_thread(method, *args)
    if inspect.isawaitable(result):
        result = await result
    return result


async def _answer(listener: TransactionListener, args: dict[int, object], call: NativeTransactionCall) -> None:
    """Runs the listener for one call and replies; anything going wrong answers ``UNKNOWN``. ``args`` holds the
    ``arg`` of each send in flight under the number the call carries."""
    state = LocalTransactionState.UNKNOWN
    kind = call.kind
    try:
        message = call.message
        if kind == "execute":
            token = call.arg
            answer = await _invoke(listener.execute, message, None if token is None else args.get(token))
        else:
            answer = await _invoke(listener.check, message)
        state = _state(answer)
    except Exception:
        _logger.exception("the transaction listener's %s failed; the state is UNKNOWN", kind)
    finally:
        call.reply(state.value)


async def _pump(listener: TransactionListener, args: dict[int, object], native: NativeTransactionProducer) -> None:
    """Answers the producer's calls until it shuts down, each call in a task of its own."""
    running: set[asyncio.Task[None]] = set()
    while True:
        try:
            calls = await native.next_calls(_CALL_BATCH)
        except Exception:
            _logger.exception("the transaction producer stopped answering its listener's calls")
            break
        if not calls:
            break
        for call in calls:
            task = asyncio.ensure_future(_answer(listener, args, call))
            running.add(task)
            task.add_done_callback(running.discard)
    if running:
        await asyncio.gather(*running, return_exceptions=True)


class _TransactionProducerOptions(_ProducerOptions):
    """What both transactional producers are built from: a listener, the check limits and the producer options."""

    def __init__(
        self,
        namesrv: str,
        group: str = "DEFAULT_PRODUCER",
        *,
        listener: TransactionListener,
        check_queue_capacity: int | None = None,
        check_concurrency: int | None = None,
        **options: Any,
    ) -> None:
        super().__init__(namesrv, group, **options)
        self.listener = listener
        if check_queue_capacity is not None:
            self._options["check_queue_capacity"] = check_queue_capacity
        if check_concurrency is not None:
            self._options["check_concurrency"] = check_concurrency


class AsyncTransactionProducer(_TransactionProducerOptions, AsyncBase[NativeTransactionProducer]):
    """Sends transactional messages from asyncio code.

    ``listener`` has ``execute(message, arg)`` and ``check(message_view)`` (see :class:`TransactionListener`);
    ``check_queue_capacity`` and ``check_concurrency`` bound the broker's check-backs (Apache: 2 000 and 1); the
    other keyword options are :class:`fulmen.AsyncProducer`'s. The listener's calls are answered by a task on the
    event loop the producer was started on. Use ``async with AsyncTransactionProducer(...) as producer:``.
    """

    _what = "producer"
    _pump_task: asyncio.Task[None] | None = None
    _args: dict[int, object]
    _tokens: Iterator[int]

    async def start(self) -> AsyncTransactionProducer:
        """Starts the producer and the task answering its listener's calls; returns ``self``."""
        if self._native is None:
            native = await NativeTransactionProducer.start(self.namesrv, self.group, dict(self._options))
            self._args, self._tokens = {}, itertools.count()
            self._pump_task = asyncio.ensure_future(_pump(self.listener, self._args, native))
            self._native = native
        return self

    async def send_in_transaction(self, message: Message, arg: Any = None) -> TransactionSendResult:
        """Sends ``message`` as a half message, runs the listener's ``execute(message, arg)`` and ends the
        transaction by its answer. Fails only when the half message cannot be stored; the message's delay is
        dropped (as in Java)."""
        native = self._started()
        # the arg stays here: the native side carries only its number
        token = next(self._tokens)
        self._args[token] = arg
        try:
            send_result, state = await native.send_in_transaction(message, token)
        finally:
            del self._args[token]
        return TransactionSendResult(send_result, LocalTransactionState(state))

    async def aclose(self) -> None:
        """Stops answering checks, unregisters the producer and closes its connections; idempotent."""
        native, self._native = self._native, None
        pump, self._pump_task = self._pump_task, None
        if native is not None:
            await native.shutdown()
        if pump is not None:
            await pump


class TransactionProducer(_TransactionProducerOptions, SyncTwin[AsyncTransactionProducer]):
    """The blocking twin of :class:`AsyncTransactionProducer`, with the same options and methods.

    The listener's calls are answered on Fulmen's background event loop: plain-function listeners in a thread
    pool, ``async def`` ones on that loop. Use ``with TransactionProducer(namesrv, group, listener=...) as p:``.
    """

    _what = "producer"

    def _make_async(self) -> AsyncTransactionProducer:
        aio = AsyncTransactionProducer(self.namesrv, self.group, listener=self.listener)
        aio._options = dict(self._options)
        return aio

    def send_in_transaction(self, message: Message, arg: Any = None) -> TransactionSendResult:
        """See :meth:`AsyncTransactionProducer.send_in_transaction`."""
        return _loop.run(self._started().send_in_transaction(message, arg))
