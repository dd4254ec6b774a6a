"""Orderly consumption: messages sent with a sharding key land on one queue per key, and an orderly PushConsumer
consumes each queue one message at a time, so every order's steps arrive in the order they were sent.

Run it with ``python examples/python/orderly.py`` after ``pip install ./python``.
"""

import random
import threading
import time

from fulmen import Message, MessageView, Producer, PushConsumer
from fulmen.testing import LocalCluster

ORDERS = ["order-1", "order-2", "order-3"]
STEPS = ["created", "paid", "shipped", "delivered"]

with LocalCluster() as cluster:
    with Producer(cluster.namesrv_addr, "orderly-example-producer") as producer:
        for step in STEPS:
            for order in ORDERS:
                result = producer.send(Message("OrderlyExample", f"{order}:{step}".encode(), sharding_key=order))
                print(f"sent {order} {step} to queue {result.queue.queue_id}")

    seen: dict[str, list[str]] = {}
    lock = threading.Lock()
    all_in = threading.Event()

    def listener(messages: list[MessageView]) -> None:
        for message in messages:
            time.sleep(random.uniform(0, 0.02))  # uneven work does not reorder a key's messages
            order, step = message.body.decode().split(":")
            with lock:
                seen.setdefault(order, []).append(step)
                if sum(len(steps) for steps in seen.values()) == len(ORDERS) * len(STEPS):
                    all_in.set()

    with PushConsumer(
        cluster.namesrv_addr,
        "orderly-example-consumer",
        subscribe={"OrderlyExample": "*"},
        listener=listener,
        orderly=True,
        consume_from_where="CONSUME_FROM_FIRST_OFFSET",
    ):
        if not all_in.wait(timeout=30):
            raise SystemExit("not every message arrived")

for order, steps in sorted(seen.items()):
    print(f"{order}: {' -> '.join(steps)}  {'in order' if steps == STEPS else 'OUT OF ORDER'}")
