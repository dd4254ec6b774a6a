"""The value classes: Message (mutable, bytes bodies, keys, properties, delays), MessageQueue, reprs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fulmen import Message, MessageQueue


def test_message_fields_round_trip() -> None:
    message = Message("orders", b"hi", tags="A", keys=["o-1", "o-2"], properties={"region": "eu"})
    assert (message.topic, message.body, message.tags) == ("orders", b"hi", "A")
    assert message.keys == ["o-1", "o-2"]
    assert message.properties == {"region": "eu"}
    message.keys = "single"
    assert message.keys == ["single"]
    message.body = bytearray(b"changed")
    assert message.body == b"changed"
    message.body = memoryview(b"view")
    assert message.body == b"view"


def test_str_body_is_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="encode"):
        Message("orders", "text")  # type: ignore[arg-type]


def test_delays() -> None:
    message = Message("orders", b"x", delay=timedelta(seconds=1.5))
    assert message.delay == timedelta(seconds=1.5)
    assert Message("orders", b"x", delay=2).delay == timedelta(seconds=2)
    at = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    message = Message("orders", b"x", deliver_at=at)
    assert message.deliver_at == at
    assert message.delay is None
    assert Message("orders", b"x", delay_level=3).delay_level == 3
    with pytest.raises(TypeError):
        Message("orders", b"x", delay=1, deliver_at=at)
    with pytest.raises(ValueError):
        Message("orders", b"x", delay=-1)


def test_reprs_read_like_python() -> None:
    message = Message("orders", b"hi", tags="A", keys=["o-1"])
    assert repr(message) == "Message(topic='orders', body=b'hi', tags='A', keys=['o-1'])"
    long = repr(Message("orders", bytes(100)))
    assert long.endswith("... (100 bytes))")
    queue = MessageQueue("orders", "broker-a", 2)
    assert repr(queue) == "MessageQueue(topic='orders', broker_name='broker-a', queue_id=2)"


def test_message_queues_compare_and_hash() -> None:
    a = MessageQueue("t", "broker-a", 1)
    assert a == MessageQueue("t", "broker-a", 1)
    assert a != MessageQueue("t", "broker-a", 2)
    assert a < MessageQueue("t", "broker-a", 2)
    assert len({a, MessageQueue("t", "broker-a", 1)}) == 1
