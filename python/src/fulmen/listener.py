"""What a push consumer's listener returns (:class:`ConsumeResult`) and how its answer is read."""

from __future__ import annotations

import enum
import inspect
from collections.abc import Awaitable, Callable

from ._native import MessageView

__all__ = ["ConsumeResult", "MessageListener"]


class ConsumeResult(enum.Enum):
    """A listener's answer for its batch of messages."""

    SUCCESS = "SUCCESS"
    """Every message is consumed."""
    RECONSUME_LATER = "RECONSUME_LATER"
    """Deliver the messages again later (an orderly consumer pauses the queue and retries the same messages)."""


ListenerAnswer = ConsumeResult | bool | None
"""``None``, ``True`` or ``SUCCESS``: consumed; ``False`` or ``RECONSUME_LATER``: deliver them again later."""

MessageListener = Callable[[list[MessageView]], ListenerAnswer | Awaitable[ListenerAnswer]]
"""``listener(messages)``: a plain function (run on a thread pool) or a coroutine function (run on the event loop)."""


def is_async(listener: MessageListener) -> bool:
    """Whether ``listener`` is a coroutine function (or an object whose ``__call__`` is one)."""
    return inspect.iscoroutinefunction(listener) or inspect.iscoroutinefunction(getattr(listener, "__call__", None))


def succeeded(answer: object) -> bool:
    """Reads a listener's answer; anything but the documented values is a ``TypeError`` (the messages come again)."""
    if answer is None or answer is True or answer is ConsumeResult.SUCCESS:
        return True
    if answer is False or answer is ConsumeResult.RECONSUME_LATER:
        return False
    raise TypeError(f"a listener returns None, a bool or a ConsumeResult, not {answer!r}")
