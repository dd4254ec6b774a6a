"""Ctrl-C: a blocking Fulmen call that would wait a long time (a send to a name server that accepts connections but
never answers) is interrupted by SIGINT within moments, with ``KeyboardInterrupt``, and the process then exits: no
Fulmen thread keeps it alive. Each case runs a small script in a subprocess and sends it SIGINT."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX"),
    pytest.mark.timeout(60),
]

# How long the call has been waiting when SIGINT arrives, and how long the process may take to exit after it.
WAIT_BEFORE_SIGINT = 1.0
EXIT_WITHIN = 3.0

SYNC_SEND = """
import sys, time
from fulmen import Message, Producer

producer = Producer(sys.argv[1], "ctrl-c-pg", send_timeout=120, rpc_timeout=120).start()
started = time.monotonic()
try:
    print("waiting", flush=True)
    producer.send(Message("CtrlC", b"never answered"))
except KeyboardInterrupt:
    print(f"interrupted after {time.monotonic() - started:.2f} s", flush=True)
    if sys.argv[2] == "reraise":
        raise
    producer.close()
    print("closed", flush=True)
"""

ASYNCIO_SEND = """
import asyncio, sys
from fulmen import AsyncProducer, Message

async def main() -> None:
    async with AsyncProducer(sys.argv[1], "ctrl-c-pg", send_timeout=120, rpc_timeout=120) as producer:
        print("waiting", flush=True)
        await producer.send(Message("CtrlC", b"never answered"))

asyncio.run(main())
"""


@pytest.fixture
def silent_namesrv() -> Iterator[str]:
    """A TCP address on 127.0.0.1 that accepts connections (the kernel's backlog does) and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        host, port = listener.getsockname()
        yield f"{host}:{port}"


def _interrupt(script: str, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Runs ``script`` until it prints ``waiting``, lets it wait, sends SIGINT; returns what it printed and how long
    it took to exit after the signal (killing it and failing when it does not exit in time)."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.strip() == "waiting", first + (process.stderr.read() if process.stderr else "")
        time.sleep(WAIT_BEFORE_SIGINT)  # the call must be in its long wait, not racing the signal
        assert process.poll() is None, "the call returned before it was interrupted"
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        try:
            stdout, stderr = process.communicate(timeout=EXIT_WITHIN + 10)
        except subprocess.TimeoutExpired:
            pytest.fail("the process did not exit after SIGINT (a thread keeps it alive, or the wait ignores it)")
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, first + stdout, stderr), took


def test_ctrl_c_interrupts_a_blocking_send_and_the_process_exits(silent_namesrv: str) -> None:
    done, took = _interrupt(SYNC_SEND, silent_namesrv, "reraise")
    assert took < EXIT_WITHIN, (took, done)
    assert "interrupted after" in done.stdout, done
    assert done.stderr.rstrip().endswith("KeyboardInterrupt"), done.stderr
    assert done.returncode == -signal.SIGINT, done.returncode  # Python re-raises an uncaught Ctrl-C as SIGINT


def test_an_interrupted_send_can_be_caught_and_the_producer_closed(silent_namesrv: str) -> None:
    done, took = _interrupt(SYNC_SEND, silent_namesrv, "catch")
    assert took < EXIT_WITHIN, (took, done)
    assert done.returncode == 0, done
    assert done.stdout.splitlines()[-1] == "closed", done
    assert "Traceback" not in done.stderr, done.stderr


def test_ctrl_c_cancels_an_awaited_send_under_asyncio_run(silent_namesrv: str) -> None:
    done, took = _interrupt(ASYNCIO_SEND, silent_namesrv)
    assert took < EXIT_WITHIN, (took, done)
    assert done.stderr.rstrip().endswith("KeyboardInterrupt"), done.stderr
    assert done.returncode != 0
