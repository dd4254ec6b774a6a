"""Transactional producers against a LocalCluster that checks back unresolved transactions every 0.3 s: commit
delivers, rollback never does, unknown outcomes and failing listeners are settled by ``check``; async and sync
listeners, async and sync producers."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from fulmen import (
    AsyncPullConsumer,
    AsyncTransactionProducer,
    LocalTransactionState,
    Message,
    MessageView,
    SendStatus,
    TransactionProducer,
)
from fulmen.testing import LocalCluster
from support import WAIT, receive, wait_for_route


@pytest.fixture(scope="module")
def tx_cluster() -> Iterator[LocalCluster]:
    """A cluster whose broker checks half messages older than 0.3 s every 0.3 s."""
    with LocalCluster(transaction_check_interval=0.3) as cluster:
        yield cluster


class Recording:
    """A sync listener: ``execute`` answers what the body says, ``check`` answers ``on_check``."""

    def __init__(self, on_check: LocalTransactionState | bool) -> None:
        self.on_check = on_check
        self.executed: list[tuple[bytes, object]] = []
        self.checked: list[MessageView] = []
        self.threads: set[str] = set()
        self.lock = threading.Lock()

    def execute(self, message: Message, arg: object) -> LocalTransactionState | bool | None:
        with self.lock:
            self.executed.append((message.body, arg))
            self.threads.add(threading.current_thread().name)
        answers: dict[bytes, LocalTransactionState | bool | None] = {
            b"commit": LocalTransactionState.COMMIT,
            b"rollback": False,
            b"unknown": None,
        }
        if message.body not in answers:
            raise RuntimeError(f"cannot execute {message.body!r}")
        return answers[message.body]

    def check(self, message: MessageView) -> LocalTransactionState | bool:
        with self.lock:
            self.checked.append(message)
        return self.on_check


class AsyncRecording:
    """An async listener: ``execute`` answers UNKNOWN (or raises for ``b"boom"``), ``check`` answers True."""

    def __init__(self) -> None:
        self.args: list[object] = []
        self.checked: list[str] = []

    async def execute(self, message: Message, arg: object) -> LocalTransactionState:
        await asyncio.sleep(0)
        self.args.append(arg)
        if message.body == b"boom":
            raise ValueError("the local transaction failed")
        return LocalTransactionState.UNKNOWN

    async def check(self, message: MessageView) -> bool:
        await asyncio.sleep(0)
        self.checked.append(message.msg_id)
        return True


async def consume(namesrv: str, group: str, topic: str, count: int) -> list[MessageView]:
    """``count`` messages of ``topic`` from its first offset, or fails after WAIT seconds."""
    await wait_for_route(namesrv, topic)
    async with AsyncPullConsumer(namesrv, group, subscribe={topic: "*"}, consume_from_where="FIRST_OFFSET") as consumer:
        return await receive(consumer, count)


async def test_commit_delivers_and_rollback_never_does(
    tx_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("tx")
    listener = Recording(on_check=LocalTransactionState.ROLLBACK)
    marker = object()
    async with AsyncTransactionProducer(
        tx_cluster.namesrv_addr, unique_name("tpg"), listener=listener, default_topic_queue_nums=1
    ) as producer:
        rolled_back = await producer.send_in_transaction(Message(topic, b"rollback"), arg=marker)
        committed = await producer.send_in_transaction(Message(topic, b"commit"), arg=42)
    assert rolled_back.local_transaction_state is LocalTransactionState.ROLLBACK
    assert committed.local_transaction_state is LocalTransactionState.COMMIT
    assert committed.status == SendStatus.SEND_OK and committed.transaction_id
    assert committed.msg_id == committed.send_result.msg_id
    assert listener.executed[0][1] is marker and listener.executed[1] == (b"commit", 42)
    assert not any(t == threading.current_thread().name for t in listener.threads)  # sync listeners: thread pool
    assert rolled_back.queue == committed.queue
    # one queue: the rolled-back message came first, so it would be seen before the committed one
    received = await consume(tx_cluster.namesrv_addr, unique_name("cg"), topic, 1)
    assert [m.body for m in received] == [b"commit"]
    assert received[0].msg_id == committed.msg_id
    assert listener.checked == []  # both settled at once


async def test_unknown_is_settled_by_the_check(tx_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("tx")
    listener = AsyncRecording()
    async with AsyncTransactionProducer(tx_cluster.namesrv_addr, unique_name("tpg"), listener=listener) as producer:
        result = await producer.send_in_transaction(Message(topic, b"later"), arg=["x"])
        assert result.local_transaction_state is LocalTransactionState.UNKNOWN
        received = await consume(tx_cluster.namesrv_addr, unique_name("cg"), topic, 1)
    assert received[0].body == b"later" and received[0].msg_id == result.msg_id
    assert result.msg_id in listener.checked
    assert listener.args == [["x"]]


async def test_a_failing_execute_is_unknown_and_logged(
    tx_cluster: LocalCluster, unique_name: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    topic = unique_name("tx")
    caplog.set_level(logging.ERROR, logger="fulmen.producer")
    async with AsyncTransactionProducer(
        tx_cluster.namesrv_addr, unique_name("tpg"), listener=AsyncRecording()
    ) as producer:
        result = await producer.send_in_transaction(Message(topic, b"boom"))
        assert result.local_transaction_state is LocalTransactionState.UNKNOWN
        received = await consume(tx_cluster.namesrv_addr, unique_name("cg"), topic, 1)
    assert received[0].msg_id == result.msg_id  # the check committed it
    failures = [r for r in caplog.records if r.name == "fulmen.producer" and r.exc_info]
    assert failures and "the local transaction failed" in str(failures[0].exc_info[1])  # type: ignore[index]


def test_sync_producer_with_sync_listener_and_check(
    tx_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("tx")
    listener = Recording(on_check=True)
    with TransactionProducer(tx_cluster.namesrv_addr, unique_name("tpg"), listener=listener) as producer:
        unknown = producer.send_in_transaction(Message(topic, b"unknown"))
        failed = producer.send_in_transaction(Message(topic, b"no such answer"))
        assert unknown.local_transaction_state is LocalTransactionState.UNKNOWN
        assert failed.local_transaction_state is LocalTransactionState.UNKNOWN
        deadline = time.monotonic() + WAIT
        while {m.msg_id for m in listener.checked} < {unknown.msg_id, failed.msg_id}:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    received = asyncio.run(consume(tx_cluster.namesrv_addr, unique_name("cg"), topic, 2))
    assert {m.msg_id for m in received} == {unknown.msg_id, failed.msg_id}


def test_sync_producer_with_async_listener(tx_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("tx")
    listener = AsyncRecording()
    with TransactionProducer(tx_cluster.namesrv_addr, unique_name("tpg"), listener=listener) as producer:
        result = producer.send_in_transaction(Message(topic, b"async"), arg=7)
        assert result.local_transaction_state is LocalTransactionState.UNKNOWN
        deadline = time.monotonic() + WAIT
        while result.msg_id not in listener.checked:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert listener.args == [7]
