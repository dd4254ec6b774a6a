"""Messages produced by the Rust ``fulmen`` command line (``fulmen sendMessage``, mqadmin's command) are consumed by
the Python package with every field intact: two programs, one protocol."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fulmen import PullConsumer
from fulmen.testing import LocalCluster

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fulmen_cli() -> Path:
    """The ``fulmen`` binary: ``$FULMEN_CLI`` (scripts/test.sh sets it), else the debug build, built if missing."""
    given = os.environ.get("FULMEN_CLI")
    if given:
        return Path(given)
    binary = REPO / "target" / "debug" / "fulmen"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "fulmen-cli", "--locked"], cwd=REPO, check=True)
    return binary


def test_python_consumes_what_the_cli_sent(
    fulmen_cli: Path, local_cluster: LocalCluster, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("cli")
    sent: dict[str, tuple[str, str]] = {}
    for i in range(5):
        body, key, tag = f"from the CLI {i}", f"cli-key-{i}", "A" if i % 2 else "B"
        out = subprocess.run(
            [str(fulmen_cli), "sendMessage", "-n", local_cluster.namesrv_addr, "-t", topic, "-p", body,
             "-k", key, "-c", tag],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
        assert "SEND_OK" in out, out
        sent[body] = (key, tag)

    received: dict[str, tuple[list[str], str | None]] = {}
    deadline = time.monotonic() + 30
    with PullConsumer(local_cluster.namesrv_addr, group=unique_name("cli-cg"), subscribe={topic: "*"},
                      consume_from_where="CONSUME_FROM_FIRST_OFFSET") as consumer:
        while len(received) < len(sent) and time.monotonic() < deadline:
            for message in consumer.poll(timeout=1.0):
                assert message.topic == topic
                received[message.body.decode()] = (message.keys, message.tags)
    assert received == {body: ([key], tag) for body, (key, tag) in sent.items()}
