"""An asyncio producer and an AsyncPushConsumer whose listener is a coroutine function.

Run it with ``python examples/python/async_consumer.py`` after ``pip install ./python``.
"""

import asyncio

from fulmen import AsyncProducer, AsyncPushConsumer, ConsumeResult, Message, MessageView
from fulmen.testing import LocalCluster

COUNT = 10


async def main() -> None:
    async with LocalCluster() as cluster:
        async with AsyncProducer(cluster.namesrv_addr, "async-example-producer") as producer:
            sends = [producer.send(Message("AsyncExample", f"order {i}".encode(), tags="new")) for i in range(COUNT)]
            for result in await asyncio.gather(*sends):
                print(f"sent {result.msg_id} to queue {result.queue.queue_id}")

        received: list[MessageView] = []
        all_in = asyncio.Event()

        async def listener(messages: list[MessageView]) -> ConsumeResult:
            for message in messages:
                await asyncio.sleep(0.01)  # stands for asynchronous work, e.g. a database write
                print(f"consumed {message.body.decode()!r} from queue {message.queue.queue_id}")
            received.extend(messages)
            if len(received) >= COUNT:
                all_in.set()
            return ConsumeResult.SUCCESS

        async with AsyncPushConsumer(
            cluster.namesrv_addr,
            "async-example-consumer",
            subscribe={"AsyncExample": "new"},
            listener=listener,
            consume_from_where="CONSUME_FROM_FIRST_OFFSET",
        ):
            await asyncio.wait_for(all_in.wait(), timeout=30)
    print(f"done: {len(received)} messages consumed")


if __name__ == "__main__":
    asyncio.run(main())
