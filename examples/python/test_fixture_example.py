"""Testing your own code against a real (embedded) RocketMQ with the ``local_cluster`` pytest fixture.

Installing ``fulmen`` registers its pytest plugin, so a test only has to ask for the fixture: one LocalCluster
(name server and broker on 127.0.0.1, in the test process) serves the whole session. Run it with
``pytest examples/python/test_fixture_example.py``.
"""

from __future__ import annotations

from fulmen import Message, Producer, SendResult, SendStatus
from fulmen.testing import LocalCluster


def publish_order_events(producer: Producer, order_id: str, events: list[str]) -> list[SendResult]:
    """The code under test: publishes each event of an order, keyed by the order id, in the order's queue."""
    return [
        producer.send(Message("OrderEvents", event.encode(), tags=event, keys=[order_id], sharding_key=order_id))
        for event in events
    ]


def test_order_events_are_stored_in_order(local_cluster: LocalCluster) -> None:
    # The cluster is shared by the session: use topics and groups of your own.
    with Producer(local_cluster.namesrv_addr, group="example-order-service") as producer:
        results = publish_order_events(producer, "order-42", ["created", "paid", "shipped"])

    assert [result.status for result in results] == [SendStatus.SEND_OK] * 3
    # One order's events share a queue (its sharding key), at consecutive offsets: a consumer sees them in order.
    assert len({result.queue for result in results}) == 1
    offsets = [result.queue_offset for result in results]
    assert offsets == list(range(offsets[0], offsets[0] + 3))
