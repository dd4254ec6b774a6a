"""The log bridge: Rust ``tracing`` events reach Python ``logging`` under ``fulmen.*`` with Rust's time, thread and
fields; ``FULMEN_LOG`` filters them in Rust; and a Python thread holding the GIL does not hold up the client (its
records wait in the queue instead). Each scenario runs in a subprocess, since the filter is set once per process."""

from __future__ import annotations

import json
import threading
import logging
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import fulmen
from fulmen import _logbridge
from fulmen._logbridge import TRACE, logger_name

COLLECT = """
import json, logging, sys, time
import fulmen

records = []

class Collect(logging.Handler):
    def emit(self, record):
        records.append({
            "name": record.name, "level": record.levelno, "message": record.getMessage(),
            "thread": record.threadName, "created": record.created,
            "fields": getattr(record, "fulmen_fields", None),
        })

logging.getLogger("fulmen").addHandler(Collect())
logging.getLogger("fulmen").setLevel(1)
"""

UNREACHABLE = """
from fulmen import Message, Producer
from fulmen.errors import FulmenError

started = time.time()
with Producer("127.0.0.1:1", "log-pg", send_timeout=3, retry_times=0) as producer:
    try:
        producer.send(Message("log-topic", b"x"))
    except FulmenError as error:
        pass
fulmen.flush_logs()
print(json.dumps({"started": started, "records": records}))
"""

FORK = """
import os, threading
from fulmen import Message, Producer
from fulmen.errors import FulmenError

def send():
    with Producer("127.0.0.1:1", "fork-pg", send_timeout=2, retry_times=0) as producer:
        try:
            producer.send(Message("fork-topic", b"x"))
        except FulmenError:
            pass

send()
fulmen.flush_logs()
parent = len(records)
pid = os.fork()
if pid == 0:
    records.clear()
    send()
    # No flush: the child's own drain thread must deliver.
    deadline = time.monotonic() + 20
    while not any(r["name"].startswith("fulmen.client.") for r in records) and time.monotonic() < deadline:
        time.sleep(0.02)
    delivered = any(r["name"].startswith("fulmen.client.") for r in records)
    os._exit(0 if delivered else 3)
_, status = os.waitpid(pid, 0)
print(json.dumps({"parent": parent, "child": os.waitstatus_to_exitcode(status)}))
"""

GIL_HOG = """
import asyncio
from fulmen import AsyncProducer, Message
from fulmen.testing import LocalCluster

async def main():
    async with LocalCluster() as cluster:
        async with AsyncProducer(cluster.namesrv_addr, "hog-pg") as producer:
            await producer.send(Message("warm-up-topic", b"w"))  # the cluster is registered, connections are up
            fulmen.flush_logs()
            records.clear()
            sys.setswitchinterval(60)  # no other Python thread gets the GIL until this one waits
            started = time.time()
            sends = [asyncio.ensure_future(producer.send(Message("hog-topic", b"%d" % i))) for i in range(50)]
            await asyncio.sleep(0)  # every send is now running in Rust (connecting, fetching the route)
            while time.time() < started + 1.5:
                pass
            ended = time.time()
            sys.setswitchinterval(0.005)
            results = await asyncio.wait_for(asyncio.gather(*sends), 30)
    fulmen.flush_logs()
    # Rust stamps records in whole milliseconds: one that came within a millisecond of `started` reads as earlier.
    during = sorted({r["name"] for r in records if started - 0.002 <= r["created"] <= ended})
    print(json.dumps({"sent": len(results), "during": during, "hog": ended - started}))

asyncio.run(main())
"""


def run(script: str, log_filter: str, **env_vars: str) -> Any:
    env = dict(os.environ, FULMEN_LOG=log_filter, **env_vars)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(COLLECT) + textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_debug_records_reach_logging() -> None:
    out = run(UNREACHABLE, "debug")
    records = out["records"]
    client = [r for r in records if r["name"].startswith("fulmen.client.")]
    assert client, records
    unreachable = [r for r in client if "name server unreachable" in r["message"]]
    assert unreachable, client
    first = unreachable[0]
    assert first["name"] == "fulmen.client.instance.routes"
    assert first["level"] == logging.DEBUG
    assert first["fields"]["namesrv"] == "127.0.0.1:1"
    assert "namesrv=127.0.0.1:1" in first["message"]
    assert first["thread"].startswith("fulmen")  # the Rust thread that logged it
    assert out["started"] - 5 <= first["created"] <= out["started"] + 60


def test_the_filter_drops_records_in_rust() -> None:
    out = run(UNREACHABLE, "error")
    assert [r for r in out["records"] if r["level"] < logging.ERROR] == []
    out = run(UNREACHABLE, "warn,fulmen_client::instance=trace")
    names = {r["name"] for r in out["records"] if r["level"] < logging.WARNING}
    assert names and all(name.startswith("fulmen.client.instance") for name in names), names


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_gets_its_own_drain_thread() -> None:
    out = run(FORK, "debug")
    assert out["parent"] > 0
    assert out["child"] == 0  # 3: no record reached logging in the child within 20 s


def test_a_thread_holding_the_gil_does_not_stall_the_client() -> None:
    out = run(GIL_HOG, "debug", FULMEN_WORKER_THREADS="2")
    assert out["sent"] == 50
    assert out["hog"] >= 1.5
    # Rust kept working and logging while Python could not run: the name server (in this process, on the same two
    # runtime workers) answered the route request for the new topic and logged, then the broker created the topic
    # on the first send and logged. Had logging waited for the GIL, each worker would have stopped at its first
    # record and the later stage could not have happened before the GIL was released.
    during = out["during"]
    assert "fulmen.namesrv.processor.route" in during, out
    assert any(name.startswith("fulmen.broker.topic") for name in during), out


def test_logger_names_and_levels() -> None:
    assert logger_name("fulmen_client::producer::sync_send") == "fulmen.client.producer.sync_send"
    assert logger_name("fulmen_remoting") == "fulmen.remoting"
    assert logger_name("tokio::net") == "fulmen.tokio.net"
    assert logging.getLevelName(TRACE) == "TRACE"
    fulmen.flush_logs()  # nothing queued: returns at once


def test_records_keep_rust_time_thread_and_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE, logger="fulmen")
    record = (TRACE, "fulmen_client::producer::sync_send", "retrying broker=b", [("broker", "b")], 1.5e9 + 0.25, "rt-1")
    _logbridge._deliver([record], 0)
    (got,) = [r for r in caplog.records if r.name == "fulmen.client.producer.sync_send"]
    assert (got.levelno, got.levelname, got.getMessage()) == (TRACE, "TRACE", "retrying broker=b")
    assert (got.created, got.msecs, got.threadName) == (1.5e9 + 0.25, 250.0, "rt-1")
    assert got.__dict__["fulmen_fields"] == {"broker": "b"}
    assert got.thread != threading.get_ident()


def test_dropped_records_are_reported_once_per_drain(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="fulmen")
    _logbridge._deliver([], 17)
    assert [r.getMessage() for r in caplog.records if r.name == "fulmen"] == [
        "17 log records of the Rust client were dropped: the log queue was full"
    ]


def test_disabled_loggers_skip_records(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fulmen")
    _logbridge._deliver([(logging.DEBUG, "fulmen_client::x", "quiet", [], 1.0, "t")], 0)
    assert [r for r in caplog.records if r.name == "fulmen.client.x"] == []
