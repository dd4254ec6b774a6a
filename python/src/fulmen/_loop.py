"""The background event loop the sync classes run on.

The sync API (``Producer``, ``PushConsumer``, ``PullConsumer``, ``Admin``, ``LocalCluster``) is the asyncio API run on
one daemon thread's event loop. :func:`run` waits for a coroutine in short slices, so Ctrl-C raises
``KeyboardInterrupt`` promptly in the waiting thread (and cancels the coroutine). A forked child starts its own loop
thread on first use.
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_WAIT_SLICE = 0.2

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None


def loop() -> asyncio.AbstractEventLoop:
    """The running background loop, started on first use."""
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive():
            started = threading.Event()
            new_loop = asyncio.new_event_loop()

            def serve() -> None:
                asyncio.set_event_loop(new_loop)
                new_loop.call_soon(started.set)
                new_loop.run_forever()

            _thread = threading.Thread(target=serve, name="fulmen-loop", daemon=True)
            _loop = new_loop
            _thread.start()
            started.wait()
        return _loop


def in_loop_thread() -> bool:
    """Whether the caller runs on the background loop (where blocking on it would deadlock)."""
    return _thread is not None and threading.current_thread() is _thread


def run(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Runs ``coro`` on the background loop and waits for its result.

    Raises ``RuntimeError`` when called from the loop's own thread (for example from an async listener), since that
    would wait forever; use the ``Async*`` classes there.
    """
    if in_loop_thread():
        coro.close()
        raise RuntimeError("a blocking Fulmen call inside Fulmen's event loop: use the Async* classes there")
    future = asyncio.run_coroutine_threadsafe(coro, loop())
    try:
        # Waiting in slices returns to the interpreter, which raises KeyboardInterrupt on Ctrl-C. (Not
        # future.result(slice): a TimeoutError raised by the coroutine itself would look like a slice ending.)
        deadline = None if timeout is None else time.monotonic() + timeout
        while not future.done():
            remaining = _WAIT_SLICE if deadline is None else min(_WAIT_SLICE, deadline - time.monotonic())
            if remaining <= 0:
                raise builtins.TimeoutError(f"no result within {timeout} s")
            concurrent.futures.wait([future], timeout=remaining)
        return future.result()
    except BaseException:
        future.cancel()
        raise


def call(function: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Calls ``function(*args)`` on the background loop (where native methods find a running loop) and waits for
    the awaitable it returns, as :func:`run` does."""

    async def on_loop() -> T:
        return await function(*args)

    return run(on_loop())


def _forget_parent_loop() -> None:
    """In a forked child: the parent's loop thread does not exist here."""
    global _lock, _loop, _thread
    _lock = threading.Lock()
    _loop = None
    _thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_parent_loop)
