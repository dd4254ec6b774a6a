#!/usr/bin/env bash
# Runs every cargo-fuzz target of fulmen-protocol for a while, seeded with the golden vectors.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, all targets)
#
# Installs the nightly toolchain and cargo-fuzz when they are missing. Prints the executions each target ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

cd "$root/core/protocol/fuzz"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

python3 "$root/scripts/fuzz_seeds.py" "$root/core/protocol/tests/vectors" corpus

for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log="$(mktemp)"
  if ! cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
      -max_len=1048576 >"$log" 2>&1; then
    tail -60 "$log"
    echo "fuzz target $target failed" >&2
    exit 1
  fi
  runs="$(grep -o 'Done [0-9]* runs' "$log" | tail -1 || true)"
  echo "fuzz $target: ${runs:-finished} in ${seconds}s, no crash"
  rm -f "$log"
done
