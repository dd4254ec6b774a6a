"""The log bridge: the Rust client's ``tracing`` events as records of Python ``logging``.

Rust formats each event enabled by the filter (``FULMEN_LOG``, ``RUST_LOG`` syntax, default ``"warn"``) into a
bounded queue without ever waiting for Python; the daemon thread ``fulmen-log`` drains it (waiting without the GIL)
into the logger ``"fulmen." + target`` (``fulmen_client::producer::sync_send`` logs to
``fulmen.client.producer.sync_send``). Levels map to ``logging``'s, TRACE to 5 (named ``"TRACE"``); the record's
``created`` time and ``threadName`` are the Rust event's, and its fields are also in ``record.fulmen_fields``. When
the queue overflowed, one warning on ``fulmen`` says how many records were lost. As for any library, ``fulmen`` has a
``NullHandler``: nothing is printed until the application configures ``logging``.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import warnings

from . import _native

__all__ = ["TRACE", "flush_logs", "logger_name", "start"]

TRACE = 5
"""The ``logging`` level of Rust's TRACE events."""

logging.addLevelName(TRACE, "TRACE")
logging.getLogger("fulmen").addHandler(logging.NullHandler())

_BATCH = 256
_WAIT = 0.5

Record = tuple[int, str, str, list[tuple[str, str]], float, str]

_lock = threading.Lock()  # one delivery at a time, so that batches stay in order
_progress = threading.Condition()
_iterations = 0
_thread: threading.Thread | None = None
_installed = False
_stopping = False


def logger_name(target: str) -> str:
    """The logger of a Rust target: ``fulmen_client::producer`` → ``fulmen.client.producer``, ``tokio::net`` →
    ``fulmen.tokio.net``."""
    parts = [part for part in target.split("::") if part]
    if parts and parts[0].startswith("fulmen_"):
        parts[0] = parts[0][len("fulmen_") :]
    elif parts and parts[0] == "fulmen":
        parts = parts[1:]
    return ".".join(["fulmen", *parts])


def _deliver(records: list[Record], dropped: int) -> None:
    for level, target, message, fields, created, thread_name in records:
        logger = logging.getLogger(logger_name(target))
        if not logger.isEnabledFor(level):
            continue
        record = logger.makeRecord(
            logger.name,
            level,
            target,
            0,
            message,
            (),
            None,
            extra={"fulmen_fields": dict(fields), "fulmen_target": target},
        )
        record.relativeCreated += (created - record.created) * 1000
        record.created = created
        record.msecs = int((created - int(created)) * 1000) + 0.0
        record.threadName = thread_name
        record.thread = None
        logger.handle(record)
    if dropped:
        logging.getLogger("fulmen").warning(
            "%d log records of the Rust client were dropped: the log queue was full", dropped
        )


def _serve() -> None:
    global _iterations
    while not _stopping:
        try:
            records, dropped = _native._log_drain(_BATCH, _WAIT)
            if records or dropped:
                with _lock:
                    _deliver(records, dropped)
        except Exception:  # noqa: BLE001 - a failing handler must not end the bridge
            logging.getLogger("fulmen").exception("the log bridge failed to deliver records")
        finally:
            with _progress:
                _iterations += 1
                _progress.notify_all()


def start() -> None:
    """Installs the bridge (once per process) and starts its drain thread; a no-op when another library already
    set the process's tracing subscriber."""
    global _installed, _thread
    with _progress:
        if not _installed:
            try:
                _installed = _native._log_install(None)
            except ValueError as error:
                warnings.warn(f"FULMEN_LOG: {error}; using \"warn\"", RuntimeWarning, stacklevel=2)
                _installed = _native._log_install("warn")
        if _installed and (_thread is None or not _thread.is_alive()) and not _stopping:
            _thread = threading.Thread(target=_serve, name="fulmen-log", daemon=True)
            _thread.start()


def flush_logs(timeout: float = 2.0) -> None:
    """Delivers every record queued so far to ``logging`` before returning (waiting at most ``timeout`` seconds for
    a batch the drain thread holds)."""
    thread = _thread
    if thread is not None and thread.is_alive() and thread is not threading.current_thread():
        with _progress:
            seen = _iterations
        _native._log_wake()
        with _progress:
            _progress.wait_for(lambda: _iterations > seen or not thread.is_alive(), timeout)
    with _lock:
        while True:
            records, dropped = _native._log_drain(_BATCH, 0.0)
            if not records and not dropped:
                break
            _deliver(records, dropped)


def _stop() -> None:
    """At exit: ends the drain thread while the interpreter is still whole, then delivers what is left."""
    global _stopping
    _stopping = True
    _native._log_stop_waiting()
    thread = _thread
    if thread is not None:
        thread.join(1.0)
    flush_logs(0.2)


def _after_fork_in_child() -> None:
    """The parent's drain thread does not exist in a forked child (Rust gives the child a fresh queue)."""
    global _lock, _progress, _thread
    _lock = threading.Lock()
    _progress = threading.Condition()
    was_running = _thread is not None
    _thread = None
    if was_running:
        start()


atexit.register(_stop)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
