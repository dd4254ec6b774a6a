"""``scripts/python-bench.py --smoke --no-rust`` runs end to end (about a second per case) and prints its table with a
positive rate for every send and every consume case, so the benchmark cannot rot unnoticed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "python-bench.py"


@pytest.mark.skipif(not SCRIPT.is_file(), reason="runs from a source checkout")
@pytest.mark.timeout(120)
def test_benchmark_smoke_run_prints_its_table() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--no-rust"], capture_output=True, text=True, timeout=100
    )
    assert done.returncode == 0, done.stderr
    rows = {
        cells[0]: cells[1:]
        for line in done.stdout.splitlines()
        if line.startswith("| ")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    assert rows["case"][:3] == ["python msg/s", "p50 ms", "p99 ms"], done.stdout
    producer_cases = [name for name in rows if name.startswith(("sync,", "async,"))]
    assert producer_cases == ["sync, 1 thread", "sync, 8 threads", "async, 64 in flight"], done.stdout
    for name in producer_cases:
        rate, p50, p99, rust = rows[name][:4]
        assert re.fullmatch(r"[\d,]+", rate) and int(rate.replace(",", "")) > 0, (name, rate)
        assert 0 < float(p50) <= float(p99), (name, p50, p99)
        assert rust.startswith("skipped"), rust
    consume_cases = [name for name in rows if name.startswith("consume,")]
    assert consume_cases == [
        "consume, AsyncPullConsumer",
        "consume, PullConsumer",
        "consume, AsyncPushConsumer",
        "consume, PushConsumer",
    ], done.stdout
    for name in consume_cases:
        rate, p50, p99, rust = (rows[name] + ["", "", ""])[:4]  # a failed case prints its reason as one cell
        assert re.fullmatch(r"[\d,]+", rate) and int(rate.replace(",", "")) > 0, (name, rate, done.stdout)
        assert (p50, p99) == ("", ""), (name, p50, p99)
        assert rust.startswith("skipped"), rust
