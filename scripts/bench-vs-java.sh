#!/usr/bin/env bash
# Fulmen's client against Apache RocketMQ's official Java client (5.3.3), on the same broker in the same run:
#   scripts/bench-vs-java.sh [--duration S] [--warmup S] [--sizes "128 1024"] [--threads "16 64"]
#                            [--brokers "fulmen apache"] [--header ROCKETMQ|JSON] [--no-example]
#
# For each broker (Fulmen's `fulmen cluster`, then Apache's name server + broker in one JVM, ApacheCluster), one at
# a time on 127.0.0.1 and warmed up first by --warmup seconds of unmeasured sends, and for each message size and concurrency: `fulmen bench producer` and the Java harness
# fulmen.interop.apache.bench.BenchProducer (DefaultMQProducer, sync sends from N threads, as Apache's benchmark
# Producer does) each run --duration seconds against that broker, the first --warmup seconds left out of the
# figures, one after the other, the order alternating from one pair to the next. Then, as a cross-check of the
# Java side's TPS, Apache's own benchmark tool (org.apache.rocketmq.example.benchmark.Producer) runs once per
# broker with its defaults (64 threads, 128 B) and its 10 s TPS line after 20 s is shown.
#
# Prints a Markdown table (TPS, avg/p50/p99/p99.9/max send latency in ms, failures, the client's CPU seconds for
# the whole run, warm-up and JVM start included, and the 1-minute load average when the run began) and keeps every
# log in the work directory it names. Performance is never asserted: this is a measurement, not a test. Needs cargo, Java 17+ and Maven 3.8+ (the first run downloads the jars).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=25
warmup=10
sizes="128 1024"
threads="16 64"
brokers="fulmen apache"
header=ROCKETMQ
example=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --sizes) sizes="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --brokers) brokers="$2"; shift 2 ;;
        --header) header="${2^^}"; shift 2 ;;
        --no-example) example=0; shift ;;
        *) echo "usage: $0 [--duration S] [--warmup S] [--sizes \"128 1024\"] [--threads \"16 64\"]" \
               "[--brokers \"fulmen apache\"] [--header ROCKETMQ|JSON] [--no-example]" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fulmen-bench-vs-java.XXXXXX")"
results="$work/results.tsv"
: >"$results"
broker_pid=""
note() { echo "[bench-vs-java] $*" >&2; }

# --- build -------------------------------------------------------------------------------------------------------
export CARGO_INCREMENTAL=0
note "building fulmen (release)"
cargo build --release --quiet -p fulmen-cli --manifest-path "$root/Cargo.toml"
fulmen="$root/target/release/fulmen"

apache="$root/interop/apache"
note "building the Java harness (interop/apache)"
mvn -q -B -Dstyle.color=never -f "$apache/pom.xml" compile dependency:build-classpath \
    -Dmdep.outputFile="$apache/target/classpath.txt" -DincludeScope=runtime >"$work/mvn-harness.log" 2>&1 \
    || { cat "$work/mvn-harness.log" >&2; exit 1; }
harness_cp="$apache/target/classes:$(cat "$apache/target/classpath.txt")"
example_cp=""
if [[ "$example" == 1 ]]; then
    example_pom="$apache/example-producer/pom.xml"
    if mvn -q -B -Dstyle.color=never -f "$example_pom" dependency:build-classpath \
        -Dmdep.outputFile="$apache/example-producer/target/classpath.txt" -DincludeScope=runtime \
        >"$work/mvn-example.log" 2>&1; then
        example_cp="$(cat "$apache/example-producer/target/classpath.txt")"
    else
        note "Apache's benchmark tool could not be resolved (log: $work/mvn-example.log); no cross-check"
    fi
fi
# Apache's tools.sh (which benchmark/producer.sh runs) gives the client JVM these.
client_jvm=(-server -Xms1g -Xmx1g -Xmn256m -XX:MetaspaceSize=128m -XX:MaxMetaspaceSize=128m
    -Djava.net.preferIPv4Stack=true)

# --- brokers -----------------------------------------------------------------------------------------------------
# Waits (at most 90 s) until `file` has a line matching `pattern`; prints that line.
await_line() {
    local file="$1" pattern="$2" pid="$3"
    for _ in $(seq 900); do
        if grep -q -- "$pattern" "$file" 2>/dev/null; then
            grep -m1 -- "$pattern" "$file"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; note "the broker exited"; return 1; }
        sleep 0.1
    done
    cat "$file" >&2
    note "timed out waiting for '$pattern'"
    return 1
}

# Starts the broker `$1` and sets namesrv.
start_broker() {
    local log="$work/broker-$1.log"
    case "$1" in
        fulmen)
            "$fulmen" cluster --namesrv-listen 127.0.0.1:0 --broker-listen 127.0.0.1:0 \
                --store-dir "$work/fulmen-store" >"$log" 2>&1 &
            broker_pid=$!
            namesrv="$(await_line "$log" "The Name Server boot success" "$broker_pid" | sed 's/.*address //')"
            await_line "$log" "The broker\[" "$broker_pid" >/dev/null
            ;;
        apache)
            # Stops when its stdin closes: fd 3 keeps the fifo open until stop_broker closes it.
            mkfifo "$work/apache.stdin"
            exec 3<>"$work/apache.stdin"
            # The broker with Apache's commitlog file size and worker threads, G1 and the full JIT (as runbroker.sh
            # runs it) instead of the test harness's small settings.
            local jvm="-XX:-UseSerialGC -XX:+UseG1GC -XX:TieredStopAtLevel=4 -Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g"
            FULMEN_APACHE_JAVA_OPTS="$jvm" \
                "$apache/run-apache-cluster.sh" mappedFileSizeCommitLog=1073741824 serverWorkerThreads=8 \
                <"$work/apache.stdin" >"$log" 2>&1 &
            broker_pid=$!
            namesrv="$(await_line "$log" "APACHE_CLUSTER_READY" "$broker_pid" \
                | sed 's/.*namesrv=\([^ ]*\).*/\1/')"
            ;;
    esac
    note "$1 broker up, name server $namesrv"
}

stop_broker() {
    [[ -n "$broker_pid" ]] || return 0
    exec 3>&- # the Apache cluster's stdin (closing an unopened descriptor is fine)
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
    # The Fulmen store holds gigabytes after a run (the Apache cluster removes its own).
    rm -rf "$work/apache.stdin" "$work/fulmen-store"
}
trap 'stop_broker; note "logs kept in $work"' EXIT

# --- runs --------------------------------------------------------------------------------------------------------
# Runs one client (`fulmen` or `java`) and appends its figures to the results.
run_client() {
    local client="$1" broker="$2" size="$3" tasks="$4"
    local log="$work/$broker-$client-s$size-w$tasks.log"
    local common=(-n "$namesrv" -t BenchmarkTest -w "$tasks" -s "$size" -d "$duration" --warmup "$warmup")
    note "$broker broker, $client client, $size B, $tasks in flight"
    local load
    load="$(cut -d' ' -f1 /proc/loadavg)"
    case "$client" in
        fulmen) /usr/bin/time -f "CPU_SECONDS %U %S" -o "$log.time" \
                    "$fulmen" bench producer "${common[@]}" --header "${header,,}" >"$log" 2>&1 ;;
        java) /usr/bin/time -f "CPU_SECONDS %U %S" -o "$log.time" \
                  java "${client_jvm[@]}" -cp "$harness_cp" fulmen.interop.apache.bench.BenchProducer \
                  "${common[@]}" --header "$header" >"$log" 2>&1 ;;
    esac
    local complete rt cpu
    complete="$(grep -m1 '^\[Complete\] Send Total' "$log")" || { cat "$log" >&2; note "no summary"; exit 1; }
    rt="$(grep -m1 '^Send RT(ms):' "$log")"
    cpu="$(awk '/CPU_SECONDS/ { printf "%.1f", $2 + $3 }' "$log.time")"
    # [Complete] ... | Send Failed: F | Send TPS: T | ...   Send RT(ms): avg A | p50 B | p90 C | p99 D | p99.9 E | max M
    local failed tps
    failed="$(sed 's/.*Send Failed: \([0-9]*\).*/\1/' <<<"$complete")"
    tps="$(sed 's/.*Send TPS: \([0-9.]*\).*/\1/' <<<"$complete")"
    read -r avg p50 p99 p999 max < <(sed 's/.*avg \([0-9.]*\) | p50 \([0-9.]*\) | p90 [0-9.]* | p99 \([0-9.]*\) | p99.9 \([0-9.]*\) | max \([0-9.]*\).*/\1 \2 \3 \4 \5/' <<<"$rt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$broker" "$size" "$tasks" "$client" "$tps" \
        "$avg" "$p50" "$p99" "$p999" "$max" "$failed" "$cpu" "$load" >>"$results"
}

# Apache's own tool with its defaults; its TPS line at 20 s covers seconds 10 to 20.
run_example() {
    local broker="$1" log="$work/$broker-apache-example.log"
    note "$broker broker, Apache's benchmark Producer (64 threads, 128 B)"
    timeout -s TERM 23 java "${client_jvm[@]}" -cp "$example_cp" \
        org.apache.rocketmq.example.benchmark.Producer -n "$namesrv" -t BenchmarkTest -w 64 -s 128 -ri 10000 \
        >"$log" 2>&1 || true
    local line
    line="$(grep 'Send TPS' "$log" | tail -1)"
    echo "$broker|${line:-no TPS line (see $log)}" >>"$work/example.txt"
}

: >"$work/example.txt"
{
    echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "fulmen: $(git -C "$root" rev-parse --short HEAD) ($(rustc --version)), java: $(java -version 2>&1 | head -1)"
    echo "duration ${duration} s per run, first ${warmup} s left out; header ${header}; topic BenchmarkTest"
} >"$work/header.txt"

# The broker's own warm-up (the Apache broker's JIT), so the first measured client does not pay for it.
warm_broker() {
    note "$1 broker warm-up (${warmup} s, not measured)"
    "$fulmen" bench producer -n "$namesrv" -t BenchmarkTest -w 64 -s 1024 -d "$warmup" --report-interval 0 \
        --header "${header,,}" >"$work/broker-$1-warmup.log" 2>&1
}

pair=0
for broker in $brokers; do
    start_broker "$broker"
    warm_broker "$broker"
    for size in $sizes; do
        for tasks in $threads; do
            if (( pair % 2 == 0 )); then order="fulmen java"; else order="java fulmen"; fi
            for client in $order; do
                run_client "$client" "$broker" "$size" "$tasks"
            done
            pair=$((pair + 1))
        done
    done
    if [[ -n "$example_cp" ]]; then
        run_example "$broker"
    fi
    stop_broker
done

# --- table -------------------------------------------------------------------------------------------------------
cat "$work/header.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| broker | size (B) | in flight | client | TPS | avg ms | p50 ms | p99 ms | p99.9 ms | max ms | failed | client CPU s | load |"
echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' "$results"
echo
echo "Fulmen / Java per pair:"
awk -F'\t' '{ key = $1 " " $2 " B, " $3 " in flight"; if ($4 == "fulmen") { f[key] = $5; fp[key] = $8 } else { j[key] = $5; jp[key] = $8 } ; order[NR] = key }
    END { for (i = 1; i <= NR; i++) { k = order[i]; if (seen[k]++ || !(k in f) || !(k in j) || j[k] == 0 || jp[k] == 0) continue;
          printf "  %s: TPS x%.2f, p99 x%.2f\n", k, f[k] / j[k], fp[k] / jp[k] } }' "$results"
if [[ -s "$work/example.txt" ]]; then
    echo
    echo "Apache's benchmark Producer (rocketmq-example 5.5.0 tool class on the 5.3.3 client jars), 64 threads, 128 B, TPS over seconds 10-20:"
    while IFS='|' read -r broker line; do
        echo "  $broker broker: $line"
    done <"$work/example.txt"
fi
echo
echo "logs: $work"
