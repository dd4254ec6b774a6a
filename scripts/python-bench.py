#!/usr/bin/env python3
"""Benchmark of Fulmen's Python package against the Rust client, on one embedded cluster.

Starts a LocalCluster (``fulmen.testing``) and measures, on topic ``BenchmarkTest`` with 1 KiB bodies:

- sync ``Producer.send`` from 1 thread and from N threads (one shared producer);
- ``AsyncProducer.send`` with K sends in flight (K worker tasks on one asyncio loop);
- the consume rate (``PullConsumer``), when the package has one;

and after each Python case, against the same cluster, the Rust client's ``fulmen bench producer`` with the same
message size and concurrency. It prints msg/s and p50/p99 latency per case, and the python/rust ratio.

Use the release build: ``pip install ./python`` (maturin builds release) and ``cargo build --release -p fulmen-cli``.

    target/python-venv/bin/python scripts/python-bench.py                  # 15 s per case, 3 s of warm-up
    target/python-venv/bin/python scripts/python-bench.py --smoke --no-rust # about 1 s per case (the test suite)

The cluster runs in this process, so the Python client shares its CPUs with the broker, and so does the Rust CLI
(another process on the same machine): compare ratios, not absolute numbers, on a busy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fulmen
from fulmen import AsyncProducer, Message, Producer
from fulmen.errors import FulmenError
from fulmen.testing import LocalCluster

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "BenchmarkTest"


@dataclass(frozen=True)
class Plan:
    """When a case measures: sends completing in ``[warm_until, stop_at]`` count."""

    warm_until: float
    stop_at: float

    @classmethod
    def starting_now(cls, warmup: float, duration: float) -> Plan:
        now = time.perf_counter()
        return cls(now + warmup, now + warmup + duration)

    @property
    def seconds(self) -> float:
        return self.stop_at - self.warm_until


@dataclass
class Recorder:
    """Latencies of the sends that completed inside the plan's window (one recorder per thread: no lock)."""

    plan: Plan
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    def running(self) -> bool:
        return time.perf_counter() < self.plan.stop_at

    def done(self, started: float) -> None:
        ended = time.perf_counter()
        if self.plan.warm_until <= ended <= self.plan.stop_at:
            self.latencies.append(ended - started)

    def failed(self) -> None:
        self.failures += 1


@dataclass(frozen=True)
class Result:
    """One measured case."""

    rate: float
    p50_ms: float
    p99_ms: float
    failures: int = 0

    @classmethod
    def of(cls, recorders: Sequence[Recorder]) -> Result:
        latencies = sorted(latency for recorder in recorders for latency in recorder.latencies)
        seconds = recorders[0].plan.seconds
        return cls(
            rate=len(latencies) / seconds if seconds > 0 else 0.0,
            p50_ms=percentile(latencies, 0.50) * 1000,
            p99_ms=percentile(latencies, 0.99) * 1000,
            failures=sum(recorder.failures for recorder in recorders),
        )


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The value at ``fraction`` of ``ordered`` (nearest rank); 0 when empty."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@dataclass(frozen=True)
class Case:
    """A producer case, and the ``fulmen bench producer`` options of its Rust twin."""

    name: str
    run: Callable[[str, str, bytes, Plan], Result]
    rust_args: tuple[str, ...]


# --- Python cases ------------------------------------------------------------------------------------------------


def sync_case(threads: int) -> Callable[[str, str, bytes, Plan], Result]:
    """``threads`` threads each calling ``Producer.send`` in a loop, on one shared producer."""

    def run(namesrv: str, topic: str, body: bytes, plan: Plan) -> Result:
        with Producer(namesrv, f"py-bench-sync-{threads}") as producer:
            message = Message(topic, body)
            producer.send(message)  # routes and the connection are ready before the clock matters
            recorders = [Recorder(plan) for _ in range(threads)]

            def loop(recorder: Recorder) -> None:
                while recorder.running():
                    started = time.perf_counter()
                    try:
                        producer.send(message)
                    except FulmenError:
                        recorder.failed()
                    else:
                        recorder.done(started)

            workers = [threading.Thread(target=loop, args=(recorder,)) for recorder in recorders]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        return Result.of(recorders)

    return run


def async_case(in_flight: int) -> Callable[[str, str, bytes, Plan], Result]:
    """``in_flight`` tasks on one asyncio loop, each awaiting ``AsyncProducer.send`` in a loop: a bounded pool that
    keeps exactly that many sends outstanding."""

    def run(namesrv: str, topic: str, body: bytes, plan: Plan) -> Result:
        async def main() -> Result:
            async with AsyncProducer(namesrv, f"py-bench-async-{in_flight}") as producer:
                message = Message(topic, body)
                await producer.send(message)
                recorder = Recorder(plan)

                async def task() -> None:
                    while recorder.running():
                        started = time.perf_counter()
                        try:
                            await producer.send(message)
                        except FulmenError:
                            recorder.failed()
                        else:
                            recorder.done(started)

                await asyncio.gather(*(task() for _ in range(in_flight)))
            return Result.of([recorder])

        return asyncio.run(main())

    return run


# --- consume rate: PullConsumer / PushConsumer are being added; measured when the package has them ----------------


def consume_case(namesrv: str, body: bytes, warmup: float, duration: float) -> Result | str:
    """Receives the messages of a topic filled first; ``"skipped ..."`` when ``fulmen.PullConsumer`` is missing.

    CONSUME CASE: written against the API of ``examples/python/quickstart.py`` (``PullConsumer(namesrv, group=...,
    subscribe={topic: "*"})``, iterating yields messages); adjust here when that API settles.
    """
    pull_consumer: Any = getattr(fulmen, "PullConsumer", None)
    if pull_consumer is None:
        return "skipped (fulmen.PullConsumer is not in this build)"
    topic = f"PyBenchConsume{os.getpid()}"
    # Fill a topic of its own for as long as the case will consume, so that the consumer never runs dry.
    filled = async_case(256)(namesrv, topic, body, Plan.starting_now(0.0, warmup + duration))
    plan = Plan.starting_now(warmup, duration)
    recorder = Recorder(plan)
    failure: list[str] = []

    def consume() -> None:
        try:
            consumer = pull_consumer(namesrv, group=f"py-bench-consume-{os.getpid()}", subscribe={topic: "*"})
            with consumer:
                last = time.perf_counter()
                for _ in consumer:
                    recorder.done(last)
                    last = time.perf_counter()
                    if not recorder.running():
                        break
        except Exception as error:  # the API is still moving: report instead of failing the run
            failure.append(f"{type(error).__name__}: {error}")

    consumer_thread = threading.Thread(target=consume, daemon=True)
    consumer_thread.start()
    consumer_thread.join(warmup + duration + 30)
    if consumer_thread.is_alive() or failure:
        reason = failure[0] if failure else "no message for 30 s after the end"
        return f"failed ({reason}; the topic was filled at {filled.rate:,.0f} msg/s)"
    return Result.of([recorder])


# --- the Rust twin -----------------------------------------------------------------------------------------------

COMPLETE = re.compile(r"\[Complete\].*?Send Failed: (\d+) \| Send TPS: ([\d.]+)")
LATENCY = re.compile(r"Send RT\(ms\): avg [\d.]+ \| p50 ([\d.]+) \| p90 [\d.]+ \| p99 ([\d.]+)")


def rust_case(cli: Path, namesrv: str, case: Case, size: int, warmup: float, duration: float) -> Result | str:
    """Runs ``fulmen bench producer`` against ``namesrv`` and parses its summary."""
    whole = max(1, round(warmup + duration))
    command = [
        str(cli),
        "bench",
        "producer",
        "--namesrv",
        namesrv,
        "--topic",
        TOPIC,
        "--message-size",
        str(size),
        "--duration",
        str(whole),
        "--warmup",
        str(min(whole - 1, round(warmup))),
        "--report-interval",
        "0",
        # The Python producer uses the client's default header form (JSON): the Rust one does the same here.
        "--header",
        "json",
        *case.rust_args,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=whole + 60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"failed ({error})"
    complete, latency = COMPLETE.search(done.stdout), LATENCY.search(done.stdout)
    if done.returncode != 0 or complete is None or latency is None:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"failed (exit {done.returncode}: {tail[0]})"
    return Result(
        rate=float(complete.group(2)),
        p50_ms=float(latency.group(1)),
        p99_ms=float(latency.group(2)),
        failures=int(complete.group(1)),
    )


# --- the table -----------------------------------------------------------------------------------------------------


def cells(result: Result | str | None) -> list[str]:
    if isinstance(result, Result):
        failed = f" ({result.failures} failed)" if result.failures else ""
        return [f"{result.rate:,.0f}{failed}", f"{result.p50_ms:.2f}", f"{result.p99_ms:.2f}"]
    return [result or "-", "", ""]


def ratio(python: Result | str, rust: Result | str | None) -> str:
    if isinstance(python, Result) and isinstance(rust, Result) and rust.rate > 0:
        return f"{python.rate / rust.rate:.2f}"
    return "-"


def print_table(rows: list[tuple[str, Result | str, Result | str | None]]) -> None:
    header = ["case", "python msg/s", "p50 ms", "p99 ms", "rust msg/s", "p50 ms", "p99 ms", "py/rust"]
    lines = [header] + [[name, *cells(python), *cells(rust), ratio(python, rust)] for name, python, rust in rows]
    # A skipped or failed case prints its reason across the row instead of aligned numbers.
    aligned = [line for line in lines if not line[1].startswith(("skipped", "failed"))]
    widths = [max(len(line[i]) for line in (lines if i == 0 else aligned)) for i in range(8)]
    print()
    for index, line in enumerate(lines):
        if line[1].startswith(("skipped", "failed")):
            print(f"| {line[0].ljust(widths[0])} | {line[1]}")
            continue
        print("| " + " | ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in
                                 enumerate(zip(line, widths))) + " |")
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    sys.stdout.flush()


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def parse_counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per case (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring (default 3)")
    parser.add_argument("--size", type=int, default=1024, help="body bytes (default 1024)")
    parser.add_argument("--threads", default="1,8", help="sync cases: sending threads (default 1,8)")
    parser.add_argument("--in-flight", default="64,256,1024", help="async cases: sends in flight")
    parser.add_argument("--smoke", action="store_true", help="about 1 s per case, one async case (for tests)")
    parser.add_argument("--no-rust", action="store_true", help="skip the Rust client's runs")
    parser.add_argument("--fulmen", type=Path, default=ROOT / "target" / "release" / "fulmen",
                        help="the release `fulmen` CLI (default target/release/fulmen)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.duration, args.warmup, args.in_flight = 0.8, 0.2, "64"
    threads, in_flight = parse_counts(args.threads), parse_counts(args.in_flight)
    cases = [Case(f"sync, {n} thread{'s' if n > 1 else ''}", sync_case(n), ("--mode", "sync", "--threads", str(n)))
             for n in threads]
    cases += [Case(f"async, {k} in flight", async_case(k),
                   ("--mode", "async", "--threads", "1", "--in-flight", str(k))) for k in in_flight]

    rust_cli: Path | None = None
    rust_note = "skipped (--no-rust)"
    if not args.no_rust:
        if args.fulmen.is_file() and os.access(args.fulmen, os.X_OK):
            rust_cli = args.fulmen
        else:
            rust_note = f"skipped (no {args.fulmen}: cargo build --release -p fulmen-cli)"

    body = os.urandom(args.size // 2 + 1).hex()[: args.size].encode()
    print(f"fulmen {fulmen.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {load_average()}")
    print(f"topic {TOPIC}, body {args.size} B, warm-up {args.warmup:g} s, measured {args.duration:g} s per case, "
          f"rust: {rust_cli or rust_note}")
    rows: list[tuple[str, Result | str, Result | str | None]] = []
    with LocalCluster() as cluster:
        namesrv = cluster.namesrv_addr
        for case in cases:
            python = case.run(namesrv, TOPIC, body, Plan.starting_now(args.warmup, args.duration))
            rust: Result | str = rust_note
            if rust_cli is not None:
                rust = rust_case(rust_cli, namesrv, case, args.size, args.warmup, args.duration)
            rows.append((case.name, python, rust))
            versus = f", rust {cells(rust)[0]} msg/s" if isinstance(rust, Result) else ""
            print(f"  {case.name}: python {cells(python)[0]} msg/s{versus}", flush=True)
        consumed = consume_case(namesrv, body, args.warmup, args.duration)
        rows.append(("consume (PullConsumer)", consumed, None))
    print_table(rows)
    print(f"\nload average at the end {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
