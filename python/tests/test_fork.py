"""Fork safety: a child process forked from a parent that uses Fulmen starts its own runtime and loop thread, can make
new clients, gets ``ClosedError`` (never a hang) from the parent's objects, and the parent keeps working.

Each child reports through its exit code and is waited for with a deadline, so a deadlock fails the test instead of
hanging it (the child is then killed).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.queues import Queue
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable

import pytest

import fulmen._native
from fulmen import AsyncProducer, Message, Producer, SendStatus, _loop
from fulmen.errors import ClosedError
from fulmen.testing import LocalCluster

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    pytest.mark.timeout(90),
    # Python 3.12+ warns that forking a process with threads may deadlock the child: that is what these tests check.
    pytest.mark.filterwarnings(r"ignore:.*use of fork\(\) may lead to deadlocks:DeprecationWarning"),
]

CHILD_DEADLINE = 30.0


def _in_child(body: Callable[[], None]) -> int:
    """Forks; the child runs ``body`` and exits 0 (1 on an exception, with its traceback on stderr). Returns the
    child's exit code, killing the child and failing if it has not exited within :data:`CHILD_DEADLINE`."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, reported through the exit code
        code = 1
        try:
            body()
            code = 0
        except BaseException:
            os.write(2, f"child {os.getpid()} failed:\n{traceback.format_exc()}".encode())
        finally:
            os._exit(code)
    return _wait(pid)


def _wait(pid: int) -> int:
    deadline = time.monotonic() + CHILD_DEADLINE
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"the forked child {pid} did not exit within {CHILD_DEADLINE} s (deadlock?)")


def _send_fresh(namesrv: str, topic: str, group: str, body: bytes) -> None:
    """What a child does: a new producer of its own, one send that must be stored."""
    with Producer(namesrv, group) as producer:
        result = producer.send(Message(topic, body))
    assert result.status == SendStatus.SEND_OK, result


def test_child_makes_its_own_producer_and_parent_objects_are_closed(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    namesrv, topic = local_cluster.namesrv_addr, unique_name("fork")
    with Producer(namesrv, unique_name("pg")) as producer:
        assert producer.send(Message(topic, b"before fork")).status == SendStatus.SEND_OK

        def child() -> None:
            _send_fresh(namesrv, topic, unique_name("child-pg"), b"from the child")
            with pytest.raises(ClosedError, match="fork"):
                producer.send(Message(topic, b"parent's producer in the child"))
            with pytest.raises(ClosedError):
                _ = local_cluster.namesrv_addr
            # Closing the parent's objects in the child (a `with` block the child leaves) only forgets them here.
            producer.close()
            with pytest.raises(ClosedError, match="not started"):
                producer.send(Message(topic, b"closed"))
            local_cluster.shutdown()

        assert _in_child(child) == 0
        # The parent's producer and cluster are untouched by the child.
        assert producer.send(Message(topic, b"after fork")).status == SendStatus.SEND_OK
    assert local_cluster.namesrv_addr == namesrv


def test_grandchild_forked_from_a_child_works_too(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    namesrv, topic = local_cluster.namesrv_addr, unique_name("fork2")
    _send_fresh(namesrv, topic, unique_name("pg"), b"parent")

    def child() -> None:
        _send_fresh(namesrv, topic, unique_name("child-pg"), b"child")
        assert _in_child(lambda: _send_fresh(namesrv, topic, unique_name("grandchild-pg"), b"grandchild")) == 0
        _send_fresh(namesrv, topic, unique_name("child-pg"), b"child again")

    assert _in_child(child) == 0


def _send_in_worker(namesrv: str, topic: str, group: str, results: Queue[str]) -> None:
    """The target of a multiprocessing worker: sends once, reports the message id (or the error) on ``results``."""
    try:
        with Producer(namesrv, group) as producer:
            result = producer.send(Message(topic, b"from multiprocessing"))
        status = "SEND_OK" if result.status == SendStatus.SEND_OK else repr(result.status)
        results.put(f"ok {status} {result.msg_id}")
    except BaseException as error:  # pragma: no cover - reported to the parent
        results.put(f"error {error!r}")
        raise


def test_multiprocessing_fork_context(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    namesrv, topic = local_cluster.namesrv_addr, unique_name("mp")
    _send_fresh(namesrv, topic, unique_name("pg"), b"warm the parent up first")
    context = multiprocessing.get_context("fork")
    results: Queue[str] = context.Queue()
    workers = [
        context.Process(target=_send_in_worker, args=(namesrv, topic, unique_name("mp-pg"), results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        answers = sorted(results.get(timeout=CHILD_DEADLINE) for _ in workers)
        for worker in workers:
            worker.join(timeout=CHILD_DEADLINE)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()
    assert [answer.split()[:2] for answer in answers] == [["ok", "SEND_OK"]] * 2, answers
    assert [worker.exitcode for worker in workers] == [0, 0]
    results.close()
    results.join_thread()


def test_fork_while_another_thread_is_sending(
    local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    """Forks repeatedly while a parent thread sends without pause, so that forks land while runtime workers and the
    loop thread hold their locks: no child may deadlock, and the sending thread must not notice."""
    namesrv, topic = local_cluster.namesrv_addr, unique_name("busy")
    stop = threading.Event()
    sent = 0
    failures: list[BaseException] = []
    warmed_up = threading.Event()

    def keep_sending(producer: Producer) -> None:
        nonlocal sent
        try:
            while not stop.is_set():
                producer.send(Message(topic, b"x" * 256))
                sent += 1
                if sent == 20:
                    warmed_up.set()
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
            warmed_up.set()

    with Producer(namesrv, unique_name("pg")) as producer:
        sender = threading.Thread(target=keep_sending, args=(producer,), name="busy-sender")
        sender.start()
        try:
            assert warmed_up.wait(CHILD_DEADLINE)
            for attempt in range(8):

                def child() -> None:
                    with pytest.raises(ClosedError):
                        producer.send(Message(topic, b"parent's producer"))
                    _send_fresh(namesrv, topic, unique_name(f"child{attempt}-pg"), b"child")

                sent_before = sent
                assert _in_child(child) == 0, f"fork {attempt}"
                deadline = time.monotonic() + CHILD_DEADLINE
                while sent == sent_before and not failures and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert sent > sent_before, "the parent's sending thread stalled after a fork"
        finally:
            stop.set()
            sender.join(CHILD_DEADLINE)
        assert not sender.is_alive()
    assert not failures, failures


def test_many_forks_while_sends_are_in_flight(local_cluster: LocalCluster, unique_name: Callable[[str], str]) -> None:
    """Forks many times while the background loop keeps hundreds of asyncio sends in flight, so that forks land while
    runtime workers complete sends. Each child calls into the native module at once (which must not find a lock
    held by a parent thread: completing a send never touches Python objects on a runtime worker), and every 25th
    child sends with a producer of its own. Before that rule, about one fork in 700 hung here."""
    namesrv, topic = local_cluster.namesrv_addr, unique_name("inflight")
    producer = AsyncProducer(namesrv, unique_name("pg"))
    _loop.run(producer.start())
    stop = threading.Event()

    async def pump() -> int:
        message, limit, done = Message(topic, b"y" * 64), asyncio.Semaphore(256), 0

        async def one() -> None:
            nonlocal done
            try:
                await producer.send(message)
                done += 1
            finally:
                limit.release()

        tasks: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            await limit.acquire()
            task = asyncio.ensure_future(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        return done

    def child(attempt: int) -> None:
        assert "CLOSED" in fulmen._native.error_codes()
        if attempt % 25 == 0:
            _send_fresh(namesrv, topic, unique_name("child-pg"), b"child")

    in_flight = asyncio.run_coroutine_threadsafe(pump(), _loop.loop())
    try:
        for attempt in range(200):
            assert _in_child(lambda: child(attempt)) == 0, f"fork {attempt}"
            assert not in_flight.done(), in_flight.exception()
    finally:
        stop.set()
        sent = in_flight.result(timeout=CHILD_DEADLINE)
        _loop.run(producer.aclose())
    assert sent > 200


if sys.platform == "darwin":  # pragma: no cover - fork without exec is unsafe with macOS system frameworks
    pytestmark.append(pytest.mark.skip(reason="fork without exec is not supported on macOS"))
