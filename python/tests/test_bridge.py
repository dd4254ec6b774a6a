"""The asyncio bridge of native futures: results are settled in batches per event loop, so several loops awaiting at
once must each get exactly their own results, and cancelling some futures of a batch must not hold up the others."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from fulmen import AsyncProducer, Message, Producer, SendStatus
from fulmen.testing import LocalCluster


def test_loops_in_several_threads_each_get_their_own_results(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    namesrv, topic = local_cluster.namesrv_addr, unique_name("loops")
    results: dict[int, list[str]] = {}
    failures: list[BaseException] = []

    async def send_all(worker: int) -> list[str]:
        async with AsyncProducer(namesrv, unique_name("pg")) as producer:
            sent = await asyncio.gather(
                *(producer.send(Message(topic, f"{worker}:{i}".encode())) for i in range(200))
            )
        assert all(result.status == SendStatus.SEND_OK for result in sent)
        return [result.msg_id for result in sent]

    def worker(index: int) -> None:
        try:
            results[index] = asyncio.run(send_all(index))
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    # Meanwhile the sync API settles on the background loop: a fourth loop in the same batches.
    with Producer(namesrv, unique_name("pg")) as producer:
        sync_ids = [producer.send(Message(topic, b"sync")).msg_id for _ in range(50)]
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    all_ids = [msg_id for index in range(3) for msg_id in results[index]] + sync_ids
    assert len(all_ids) == len(set(all_ids)) == 3 * 200 + 50


async def test_cancelling_some_sends_leaves_the_others_to_complete(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("cancel")
    async with AsyncProducer(local_cluster.namesrv_addr, unique_name("pg")) as producer:
        tasks = [asyncio.ensure_future(producer.send(Message(topic, b"%d" % i))) for i in range(300)]
        for task in tasks[::2]:
            task.cancel()
        outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
        # The producer still works after cancellations.
        after = await producer.send(Message(topic, b"after"))
    kept = outcomes[1::2]
    assert all(not isinstance(outcome, BaseException) and outcome.status == SendStatus.SEND_OK for outcome in kept)
    assert all(
        isinstance(outcome, asyncio.CancelledError) or not isinstance(outcome, BaseException)
        for outcome in outcomes[::2]
    )
    assert after.status == SendStatus.SEND_OK
