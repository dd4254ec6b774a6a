"""Fulmen: Apache RocketMQ for Python, on a Rust core.

asyncio classes (``AsyncProducer``...) and their blocking twins (``Producer``...) share options and behaviour; the
embedded cluster for tests is :class:`fulmen.testing.LocalCluster`, and errors are in :mod:`fulmen.errors`. The
Rust client's log records go to the ``logging`` loggers under ``"fulmen"`` (level set by ``FULMEN_LOG``, default
``"warn"``; see :func:`flush_logs`).
"""

from __future__ import annotations

from . import _logbridge
from ._logbridge import flush_logs
from ._native import Message, MessageQueue, MessageView, SendResult, SendStatus, __version__
from .admin import Admin, AsyncAdmin
from .errors import FulmenError
from .listener import ConsumeResult, MessageListener
from .producer import AsyncProducer, Producer, QueueSelector
from .pull_consumer import AsyncPullConsumer, PullConsumer
from .push_consumer import AsyncPushConsumer, PushConsumer
from .transaction import (
    AsyncTransactionProducer,
    LocalTransactionState,
    TransactionListener,
    TransactionProducer,
    TransactionSendResult,
)

_logbridge.start()

__all__ = [
    "Admin",
    "AsyncAdmin",
    "AsyncProducer",
    "AsyncPullConsumer",
    "AsyncPushConsumer",
    "AsyncTransactionProducer",
    "ConsumeResult",
    "FulmenError",
    "LocalTransactionState",
    "Message",
    "MessageListener",
    "MessageQueue",
    "MessageView",
    "Producer",
    "PullConsumer",
    "PushConsumer",
    "QueueSelector",
    "SendResult",
    "SendStatus",
    "TransactionListener",
    "TransactionProducer",
    "TransactionSendResult",
    "__version__",
    "flush_logs",
]
