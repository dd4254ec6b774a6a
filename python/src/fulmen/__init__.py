"""Fulmen: Apache RocketMQ for Python, on a Rust core.

asyncio classes (``AsyncProducer``...) and their blocking twins (``Producer``...) share options and behaviour; the
embedded cluster for tests is :class:`fulmen.testing.LocalCluster`, and errors are in :mod:`fulmen.errors`.
"""

from __future__ import annotations

from ._native import Message, MessageQueue, MessageView, SendResult, SendStatus, __version__
from .errors import FulmenError
from .producer import AsyncProducer, Producer, QueueSelector
from .pull_consumer import AsyncPullConsumer, PullConsumer
from .transaction import (
    AsyncTransactionProducer,
    LocalTransactionState,
    TransactionListener,
    TransactionProducer,
    TransactionSendResult,
)

__all__ = [
    "AsyncProducer",
    "AsyncPullConsumer",
    "AsyncTransactionProducer",
    "FulmenError",
    "LocalTransactionState",
    "Message",
    "MessageQueue",
    "MessageView",
    "Producer",
    "PullConsumer",
    "QueueSelector",
    "SendResult",
    "SendStatus",
    "TransactionListener",
    "TransactionProducer",
    "TransactionSendResult",
    "__version__",
]
