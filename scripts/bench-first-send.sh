#!/usr/bin/env bash
# Measures how fast a fresh `fulmen cluster` serves: the time from launching it to its boot lines, and to the first
# SEND_OK of `fulmen bench producer -q 1` started the moment the boot lines appear (a new topic, so the time includes
# the process start of the producer, its route lookup, the topic's creation from TBW102 and the first store write).
#
#   scripts/bench-first-send.sh [RUNS] [FULMEN_BINARY]     (default: 5 runs of target/release/fulmen)
#
# TOPIC=BenchmarkTest (a topic every broker defines) leaves the topic's creation out.
# Every run uses a new store in a temporary directory (removed afterwards) and free ports on 127.0.0.1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
bin="${2:-$root/target/release/fulmen}"
[ -x "$bin" ] || { echo "no executable $bin; build it with: cargo build --release -p fulmen-cli" >&2; exit 1; }

now_us() { local t="$EPOCHREALTIME"; echo "${t/./}"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

boots=()
firsts=()
for run in $(seq 1 "$runs"); do
  store="$(mktemp -d -t fulmen-first-send.XXXXXX)"
  started="$(now_us)"
  exec 3< <(FULMEN_LOG=warn exec "$bin" cluster --namesrv-listen 127.0.0.1:0 --broker-listen 127.0.0.1:0 \
    --store-dir "$store" 2>/dev/null)
  cluster=$!
  read -r namesrv_line <&3
  read -r _broker_line <&3
  booted="$(now_us)"
  namesrv="${namesrv_line##* }"
  out="$(FULMEN_LOG=warn "$bin" bench producer -n "$namesrv" -t "${TOPIC:-FirstSendTopic}" -q 1 -w 1 --report-interval 0)"
  kill -TERM "$cluster"
  wait "$cluster" 2>/dev/null || true
  exec 3<&-
  rm -rf "$store"
  first_line="$(grep '^First SEND_OK' <<<"$out" || true)"
  [ -n "$first_line" ] || { echo "run $run: no SEND_OK:"; echo "$out"; exit 1; }
  first_unix_ms="$(sed -n 's/.*(unix ms \([0-9]*\)).*/\1/p' <<<"$first_line")"
  in_producer="$(sed -n 's/^First SEND_OK: \([0-9.]*\) ms.*/\1/p' <<<"$first_line")"
  boot_us=$((booted - started))
  first_us=$((first_unix_ms * 1000 - started))
  boots+=("$boot_us")
  firsts+=("$first_us")
  echo "run $run: boot lines after $(ms "$boot_us") ms, first SEND_OK after $(ms "$first_us") ms" \
    "(${in_producer} ms of it from the producer's start)"
done

summary() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "min %.1f ms, median %.1f ms, max %.1f ms", v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
}
echo "launch -> boot lines:    $(summary "${boots[@]}")"
echo "launch -> first SEND_OK: $(summary "${firsts[@]}")"
