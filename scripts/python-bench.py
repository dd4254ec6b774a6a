#!/usr/bin/env python3
"""Benchmark of Fulmen's Python package against the Rust client, on one embedded cluster.

Starts a LocalCluster (``fulmen.testing``) and measures, on topic ``BenchmarkTest`` with 1 KiB bodies:

- sync ``Producer.send`` from 1 thread and from N threads (one shared producer);
- ``AsyncProducer.send`` with K sends in flight (K worker tasks on one asyncio loop);
- the consume rate of ``AsyncPullConsumer`` (``async for``), ``PullConsumer`` (``for``), ``AsyncPushConsumer``
  (coroutine listener) and ``PushConsumer`` (plain-function listener), each in a new group reading a topic filled
  once beforehand (``--consume-messages``) from its first offset;

and, against the same cluster, the Rust client's ``fulmen bench producer`` after each send case with the same
message size and concurrency, and on the consume cases' topic the Rust client's own consumers through ``fulmen bench
consumer --from-start``: ``--api lite`` (its LitePullConsumer, under both Python pull consumers) for the pull rows and
``--api push`` (its PushConsumer, under both Python push consumers) for the push rows, each once, in a new group. It
prints msg/s (and p50/p99 send latency) per case, and the python/rust ratio. A consume case's window ends early when the
backlog runs out (the Rust side reports that rate too: "Consume TPS while active").

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
from typing import Final

import fulmen
from fulmen import (
    AsyncProducer,
    AsyncPullConsumer,
    AsyncPushConsumer,
    Message,
    MessageView,
    Producer,
    PullConsumer,
    PushConsumer,
)
from fulmen.errors import FulmenError
from fulmen.testing import LocalCluster

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "BenchmarkTest"
# Messages filled for the consume cases: enough for the default warm-up + window of the Python consumers at the
# rates seen on a 2-core machine (about 30,000 msg/s); `fulmen bench consumer` reads it in a few seconds.
DEFAULT_BACKLOG = 1_000_000
SMOKE_BACKLOG = 20_000


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
    p50_ms: float | None
    p99_ms: float | None
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


# --- consume cases: one topic filled once, read from its first offset by each consumer in a new group --------------


@dataclass
class Backlog:
    """The consume cases' topic and how many messages it holds (what a consumer from the first offset can read)."""

    topic: str
    messages: int
    fill_rate: float


def fill(namesrv: str, topic: str, body: bytes, count: int, in_flight: int = 256) -> Backlog:
    """Sends ``count`` messages to ``topic`` with ``in_flight`` sends outstanding (an ``AsyncProducer``)."""

    async def main() -> Backlog:
        async with AsyncProducer(namesrv, f"py-bench-fill-{os.getpid()}") as producer:
            message = Message(topic, body)
            left, stored = count, 0

            async def task() -> None:
                nonlocal left, stored
                while left > 0:
                    left -= 1
                    try:
                        await producer.send(message)
                    except FulmenError:
                        continue
                    stored += 1

            started = time.perf_counter()
            await asyncio.gather(*(task() for _ in range(in_flight)))
            seconds = time.perf_counter() - started
        return Backlog(topic, stored, stored / seconds if seconds > 0 else 0.0)

    return asyncio.run(main())


@dataclass
class Tally:
    """Messages received, and those received inside the window. The clock starts at the first message (a new
    group's rebalance takes a while): warm-up, then the measured window. ``over`` is set once the whole backlog
    arrived or the window closed; the window ends early, with the last message, when the backlog ran out."""

    warmup: float
    duration: float
    expected: int
    plan: Plan | None = None
    total: int = 0
    counted: int = 0
    last: float = 0.0
    created: float = field(default_factory=time.perf_counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    over: threading.Event = field(default_factory=threading.Event)

    def add(self, messages: int) -> bool:
        """Counts ``messages`` just received; ``False`` once the case is over."""
        now = time.perf_counter()
        with self.lock:
            if self.plan is None:
                self.plan = Plan.starting_now(self.warmup, self.duration)
            self.total += messages
            if self.plan.warm_until <= now <= self.plan.stop_at:
                self.counted += messages
                self.last = now
            over = self.total >= self.expected or now > self.plan.stop_at
        if over:
            self.over.set()
        return not over

    def overdue(self) -> bool:
        """Whether the consumer stalled: nothing came within ``CONSUME_START`` of its creation, or the window
        closed ``CONSUME_GRACE`` ago without a message to notice it."""
        with self.lock:
            limit = self.created + CONSUME_START if self.plan is None else self.plan.stop_at + CONSUME_GRACE
        return time.perf_counter() > limit

    def wait(self) -> None:
        """Blocks until the case is over or overdue."""
        while not self.over.wait(0.05) and not self.overdue():
            pass

    def result(self) -> Result | str:
        """The rate over the window, which ends early when the backlog ran out before it closed."""
        if self.plan is None:
            return f"failed (no message within {CONSUME_START:g} s)"
        if self.counted == 0:
            if 0 < self.expected <= self.total:
                return "failed (the backlog ran out during the warm-up: raise --consume-messages)"
            return f"failed (received {self.total} of {self.expected} messages, none in the measured window)"
        end = self.plan.stop_at if self.total < self.expected else self.last
        seconds = end - self.plan.warm_until
        return Result(rate=self.counted / seconds if seconds > 0 else 0.0, p50_ms=None, p99_ms=None)


# How long a new consumer may take to receive its first message, and how long after its window closed a consumer
# that receives nothing more is given up on.
CONSUME_START = 60.0
CONSUME_GRACE = 10.0
FROM_FIRST: Final = "CONSUME_FROM_FIRST_OFFSET"


def guarded(run: Callable[[str, Backlog, Tally], Result | str]) -> Callable[[str, Backlog, Tally], Result | str]:
    """A consume case whose exception becomes a ``failed (...)`` row instead of ending the run."""

    def safe(namesrv: str, backlog: Backlog, tally: Tally) -> Result | str:
        try:
            return run(namesrv, backlog, tally)
        except Exception as error:  # reported in the table
            return f"failed ({type(error).__name__}: {error})"

    return safe


def group_for(kind: str) -> str:
    return f"py-bench-{kind}-{os.getpid()}-{time.monotonic_ns()}"


@guarded
def async_pull_case(namesrv: str, backlog: Backlog, tally: Tally) -> Result | str:
    """``async for`` over an ``AsyncPullConsumer``."""

    async def main() -> None:
        consumer = AsyncPullConsumer(
            namesrv, group_for("async-pull"), subscribe={backlog.topic: "*"}, consume_from_where=FROM_FIRST
        )
        async with consumer:

            async def watchdog() -> None:
                while not tally.over.is_set() and not tally.overdue():
                    await asyncio.sleep(0.05)
                await consumer.aclose()  # ends the iteration of a consumer that stalled

            guard = asyncio.create_task(watchdog())
            async for _ in consumer:
                if not tally.add(1):
                    break
            guard.cancel()

    asyncio.run(main())
    return tally.result()


@guarded
def pull_case(namesrv: str, backlog: Backlog, tally: Tally) -> Result | str:
    """``for`` over a ``PullConsumer``."""
    with PullConsumer(
        namesrv, group_for("pull"), subscribe={backlog.topic: "*"}, consume_from_where=FROM_FIRST
    ) as consumer:

        def watchdog() -> None:
            tally.wait()
            if not tally.over.is_set():
                consumer.close()  # ends the iteration of a consumer that stalled

        guard = threading.Thread(target=watchdog, daemon=True)
        guard.start()
        for _ in consumer:
            if not tally.add(1):
                break
        tally.over.set()
        guard.join()
    return tally.result()


@guarded
def async_push_case(namesrv: str, backlog: Backlog, tally: Tally) -> Result | str:
    """An ``AsyncPushConsumer`` with a coroutine listener."""

    async def listener(messages: list[MessageView]) -> None:
        tally.add(len(messages))

    async def main() -> None:
        async with AsyncPushConsumer(
            namesrv,
            group_for("async-push"),
            subscribe={backlog.topic: "*"},
            listener=listener,
            consume_from_where=FROM_FIRST,
        ):
            while not tally.over.is_set() and not tally.overdue():
                await asyncio.sleep(0.05)

    asyncio.run(main())
    return tally.result()


@guarded
def push_case(namesrv: str, backlog: Backlog, tally: Tally) -> Result | str:
    """A ``PushConsumer`` with a plain-function listener (run on the consumer's thread pool)."""

    def listener(messages: list[MessageView]) -> None:
        tally.add(len(messages))

    with PushConsumer(
        namesrv, group_for("push"), subscribe={backlog.topic: "*"}, listener=listener, consume_from_where=FROM_FIRST
    ):
        tally.wait()
    return tally.result()


@dataclass(frozen=True)
class ConsumeCase:
    """A consume case, compared with the ``fulmen bench consumer --api <rust_api>`` run: the Rust consumer it wraps."""

    name: str
    run: Callable[[str, Backlog, Tally], Result | str]
    rust_api: str


CONSUME_CASES = [
    ConsumeCase("consume, AsyncPullConsumer", async_pull_case, "lite"),
    ConsumeCase("consume, PullConsumer", pull_case, "lite"),
    ConsumeCase("consume, AsyncPushConsumer", async_push_case, "push"),
    ConsumeCase("consume, PushConsumer", push_case, "push"),
]


# --- the Rust twin -----------------------------------------------------------------------------------------------

COMPLETE = re.compile(r"\[Complete\].*?Send Failed: (\d+) \| Send TPS: ([\d.]+)")
LATENCY = re.compile(r"Send RT\(ms\): avg [\d.]+ \| p50 ([\d.]+) \| p90 [\d.]+ \| p99 ([\d.]+)")


def run_bench(cli: Path, kind: str, namesrv: str, topic: str, seconds: int, warmup: int, *extra: str) -> str:
    """Runs ``fulmen bench <kind>`` for ``seconds`` (``warmup`` of them left out) and returns its output, or a
    ``failed (...)`` line. The Python clients use the default header form (JSON): the Rust one does the same here."""
    command = [str(cli), "bench", kind, "--namesrv", namesrv, "--topic", topic, "--duration", str(seconds),
               "--warmup", str(warmup), "--report-interval", "0", "--header", "json", *extra]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"failed ({error})"
    if done.returncode != 0 or "[Complete]" not in done.stdout:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"failed (exit {done.returncode}: {tail[0]})"
    return done.stdout


def rust_case(cli: Path, namesrv: str, case: Case, size: int, warmup: float, duration: float) -> Result | str:
    """Runs ``fulmen bench producer`` against ``namesrv`` and parses its summary."""
    whole = max(1, round(warmup + duration))
    out = run_bench(cli, "producer", namesrv, TOPIC, whole, min(whole - 1, round(warmup)),
                    "--message-size", str(size), *case.rust_args)
    complete, latency = COMPLETE.search(out), LATENCY.search(out)
    if complete is None or latency is None:
        return out if out.startswith("failed") else "failed (no summary in the output)"
    return Result(
        rate=float(complete.group(2)),
        p50_ms=float(latency.group(1)),
        p99_ms=float(latency.group(2)),
        failures=int(complete.group(1)),
    )


CONSUMED = re.compile(r"\[Complete\] Receive Total: (\d+) \| Pull Failed: (\d+) \| Consume TPS: ([\d.]+)")
ACTIVE = re.compile(r"Consume TPS while active: ([\d.]+)")
RUST_CONSUME_WARMUP = 1


def rust_consume_case(
    cli: Path, namesrv: str, backlog: Backlog, api: str, warmup: float, duration: float
) -> Result | str:
    """Runs ``fulmen bench consumer --api <api> --from-start`` on the backlog's topic (a new group reading from the
    first offset with the Rust LitePullConsumer or PushConsumer, client defaults; it stops when the backlog is read)
    and parses its summary. Its rate is the one "while active", from the end of its warm-up to the last message, as
    the Python cases' window ends when the backlog runs out. It may read faster than the Python consumers, so its
    warm-up is at most ``RUST_CONSUME_WARMUP``: a longer one could eat the backlog."""
    whole = max(1, round(warmup + duration))
    out = run_bench(cli, "consumer", namesrv, backlog.topic, whole, min(whole - 1, round(warmup), RUST_CONSUME_WARMUP),
                    "--api", api, "--group", group_for(f"rust-{api}"), "--from-start",
                    "--messages", str(backlog.messages))
    complete, active = CONSUMED.search(out), ACTIVE.search(out)
    if complete is None:
        return out if out.startswith("failed") else "failed (no summary in the output)"
    if int(complete.group(1)) == 0:
        return "failed (nothing received after the warm-up: raise --consume-messages)"
    rate = float(active.group(1)) if active is not None else float(complete.group(3))
    return Result(rate=rate, p50_ms=None, p99_ms=None, failures=int(complete.group(2)))


# --- the table -----------------------------------------------------------------------------------------------------


def cells(result: Result | str | None) -> list[str]:
    if isinstance(result, Result):
        failed = f" ({result.failures} failed)" if result.failures else ""
        # Consume rows have no latency: their messages waited in a backlog filled beforehand.
        p50, p99 = (f"{ms:.2f}" if ms is not None else "" for ms in (result.p50_ms, result.p99_ms))
        return [f"{result.rate:,.0f}{failed}", p50, p99]
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


def consume_rows(
    namesrv: str, body: bytes, args: argparse.Namespace, rust_cli: Path | None, rust_note: str
) -> list[tuple[str, Result | str, Result | str | None]]:
    """Fills a fresh topic once, then runs every consume case on it (each in a new group, from the first offset),
    and ``fulmen bench consumer --api <api>`` once per Rust consumer the cases wrap, for the comparison."""
    topic = f"PyBenchConsume{os.getpid()}"
    backlog = fill(namesrv, topic, body, args.consume_messages)
    print(f"  backlog: {backlog.messages:,} messages on {topic}, filled at {backlog.fill_rate:,.0f} msg/s", flush=True)
    rust: dict[str, Result | str] = {}
    if rust_cli is not None:
        for api in dict.fromkeys(case.rust_api for case in CONSUME_CASES):
            rust[api] = rust_consume_case(rust_cli, namesrv, backlog, api, args.warmup, args.duration)
            print(f"  consume, rust bench consumer --api {api}: {cells(rust[api])[0]} msg/s", flush=True)
    rows: list[tuple[str, Result | str, Result | str | None]] = []
    for case in CONSUME_CASES:
        python = case.run(namesrv, backlog, Tally(args.warmup, args.duration, backlog.messages))
        rows.append((case.name, python, rust.get(case.rust_api, rust_note)))
        print(f"  {case.name}: python {cells(python)[0]} msg/s", flush=True)
    return rows


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
    parser.add_argument("--consume-messages", type=int, default=DEFAULT_BACKLOG,
                        help=f"messages filled for the consume cases (default {DEFAULT_BACKLOG:,}; 0: no consume "
                        "cases); each case ends early when it has read them all")
    parser.add_argument("--no-rust", action="store_true", help="skip the Rust client's runs")
    parser.add_argument("--fulmen", type=Path, default=ROOT / "target" / "release" / "fulmen",
                        help="the release `fulmen` CLI (default target/release/fulmen)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.duration, args.warmup, args.in_flight = 0.8, 0.2, "64"
        args.consume_messages = min(args.consume_messages, SMOKE_BACKLOG)
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
        if args.consume_messages > 0:
            rows += consume_rows(namesrv, body, args, rust_cli, rust_note)
    print_table(rows)
    print(f"\nload average at the end {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
