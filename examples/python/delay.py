"""Delayed messages: a message sent with ``delay=`` (or ``delay_level=``, Apache's 18 fixed levels: 1 s, 5 s, 10 s...)
reaches consumers only after that time. As in Apache RocketMQ, the broker's timer rounds a ``delay=`` deliver time
down to whole seconds, so such a message may arrive up to a second early.

Run it with ``python examples/python/delay.py`` after ``pip install ./python``.
"""

from __future__ import annotations

import time
from datetime import timedelta

from fulmen import Message, Producer, PullConsumer
from fulmen.testing import LocalCluster

TOPIC = "Reminders"

with LocalCluster() as cluster:
    with Producer(cluster.namesrv_addr, "reminder-writer") as producer:
        sent_at = time.monotonic()
        producer.send(Message(TOPIC, b"in 3 seconds", delay=timedelta(seconds=3)))
        producer.send(Message(TOPIC, b"level 1 (1 second)", delay_level=1))
        producer.send(Message(TOPIC, b"right now"))
        print("sent three messages")

    # The topic exists now (the first send created it), so the consumer finds its queues at once.
    with PullConsumer(
        cluster.namesrv_addr, "reminder-reader", subscribe={TOPIC: "*"}, consume_from_where="FIRST_OFFSET"
    ) as consumer:
        received = 0
        for message in consumer:
            elapsed = time.monotonic() - sent_at
            held = (message.stored_at - message.born_at).total_seconds()
            print(f"after {elapsed:4.1f} s: {message.body.decode()!r} (held back {held:.1f} s by the broker)")
            received += 1
            if received == 3:
                break
