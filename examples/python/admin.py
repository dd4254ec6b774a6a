"""Admin: create a topic, send to it, then look at it the way ``mqadmin`` would, with the Rust client's log records
shown through ``logging``.

Run it with ``FULMEN_LOG=info python examples/python/admin.py`` after ``pip install ./python``.
"""

import logging

from fulmen import Admin, Message, Producer
from fulmen.testing import LocalCluster

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")

with LocalCluster() as cluster, Admin(cluster.namesrv_addr) as admin:
    info = admin.cluster_info()
    for name, broker in info.brokers.items():
        print(f"broker {name} of {broker.cluster} at {broker.master_addr}")
    cluster_name = next(iter(info.clusters))

    admin.create_topic("AdminDemo", cluster=cluster_name, read_queue_nums=2, write_queue_nums=2)
    print("queues:", admin.topic_route("AdminDemo").read_queues)

    with Producer(cluster.namesrv_addr, group="admin-demo-producer") as producer:
        sent = [producer.send(Message("AdminDemo", f"order {i}".encode(), keys=[f"order-{i}"])) for i in range(4)]

    for offset in admin.topic_status("AdminDemo").offsets.values():
        print(f"queue {offset.queue.queue_id}: offsets {offset.min_offset}..{offset.max_offset}")

    stored = admin.query_message_by_id("AdminDemo", sent[0].msg_id)
    assert stored is not None
    print(f"by id: {stored.message.body!r}, stored at {stored.message.stored_at:%H:%M:%S}, {stored.store_size} bytes")

    admin.create_subscription_group("admin-demo-consumer", cluster=cluster_name)
    queue = sent[0].queue
    admin.update_consumer_offset("admin-demo-consumer", queue, 1)
    print("lag of admin-demo-consumer:", admin.consume_stats("admin-demo-consumer", "AdminDemo").lag)

    admin.delete_topic("AdminDemo", cluster_name)
    print("deleted:", "AdminDemo" not in admin.topic_list())
print("done")
