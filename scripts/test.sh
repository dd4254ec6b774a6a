#!/usr/bin/env bash
# Runs every check of the project, installing what it needs first. CI (.ci/run) calls exactly this script.
#
#   scripts/test.sh            fmt, clippy, all tests, golden vectors (Java -> Rust and Rust -> Java), Java interop
#                              tests against the fulmen binary, the Rust client against Apache's name server and broker,
#                              the Python package (scripts/python-test.sh), fuzz smoke
#
# Environment:
#   FULMEN_FUZZ_SECONDS=N      seconds per fuzz target in the smoke run (default 20; 0 skips fuzzing)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
fuzz_seconds="${FULMEN_FUZZ_SECONDS:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo --version
# sed, not head: head exits after one line and under pipefail the writer's broken pipe would fail the script.
java -version 2>&1 | sed -n 1p
mvn -v 2>/dev/null | sed -n 1p

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "golden vectors: regenerate with the official Java classes and compare with the committed copy"
interop/java/check-vectors.sh

step "reverse vectors: bytes written by Fulmen's encoders, decoded by the official Java classes"
rust_vectors="$work/rust-vectors"
FULMEN_RUST_VECTORS_DIR="$rust_vectors" cargo test -p fulmen-protocol --locked --test rust_vectors -q
interop/java/verify-vectors.sh "$rust_vectors" --strict-order

step "interop: the official Java clients, admin tool and broker code against the fulmen binary on 127.0.0.1"
cargo build -p fulmen-cli --locked
interop/java/run-interop-tests.sh target/debug/fulmen

step "apache: Fulmen's Rust client against the official Apache RocketMQ 5.3.3 name server and broker on 127.0.0.1"
cargo clippy -p fulmen-client --all-targets --features apache --locked -- -D warnings
cargo test -p fulmen-client --features apache --locked --test 'apache_*'

step "apache: fulmen's mqadmin-like subcommands beside Apache's own mqadmin, against Apache's name server and broker"
cargo clippy -p fulmen-cli --all-targets --features apache --locked -- -D warnings
cargo test -p fulmen-cli --features apache --locked --test 'apache_*'

step "python: pip install ./python, stubtest and mypy, pytest, the examples, a maturin wheel in a clean venv"
FULMEN_CLI="$root/target/debug/fulmen" scripts/python-test.sh

step "quickstart: the README's first command"
cargo run -q --locked -p fulmen-cli -- quickstart > "$work/quickstart.log"
tail -2 "$work/quickstart.log"

if [ "$fuzz_seconds" != "0" ]; then
  step "fuzz smoke: ${fuzz_seconds}s per target, seeded with the golden vectors"
  scripts/fuzz.sh "$fuzz_seconds"
fi

step "all checks passed"
