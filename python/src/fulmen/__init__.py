"""Fulmen: Apache RocketMQ for Python, on a Rust core.

asyncio classes (``AsyncProducer``...) and their blocking twins (``Producer``...) share options and behaviour; the
embedded cluster for tests is :class:`fulmen.testing.LocalCluster`, and errors are in :mod:`fulmen.errors`.
"""

from __future__ import annotations

from ._native import Message, MessageQueue, MessageView, SendResult, SendStatus, __version__
from .errors import FulmenError
from .listener import ConsumeResult, MessageListener
from .producer import AsyncProducer, Producer, QueueSelector
from .push_consumer import AsyncPushConsumer, PushConsumer

__all__ = [
    "AsyncProducer",
    "AsyncPushConsumer",
    "ConsumeResult",
    "FulmenError",
    "Message",
    "MessageListener",
    "MessageQueue",
    "MessageView",
    "Producer",
    "PushConsumer",
    "QueueSelector",
    "SendResult",
    "SendStatus",
    "__version__",
]
