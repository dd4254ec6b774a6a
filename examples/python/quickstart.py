"""Quickstart: start an embedded RocketMQ, send a few messages, and read them back.

Run it with ``python examples/python/quickstart.py`` after ``pip install ./python``.
"""

from fulmen import Message, Producer, PullConsumer
from fulmen.testing import LocalCluster

with LocalCluster() as cluster:
    with Producer(cluster.namesrv_addr, group="quickstart-producer") as producer:
        for i in range(3):
            result = producer.send(Message("Quickstart", f"hello {i}".encode(), tags="greeting", keys=[f"k{i}"]))
            print(f"sent {result.msg_id} to queue {result.queue.queue_id} at offset {result.queue_offset}")

    consumer = PullConsumer(cluster.namesrv_addr, group="quickstart-consumer", subscribe={"Quickstart": "*"})
    with consumer:
        received = 0
        for message in consumer:
            print(f"received {message.body.decode()!r} (tags={message.tags}, keys={message.keys})")
            received += 1
            if received == 3:
                break
print("done")
