#!/usr/bin/env bash
# Runs the JUnit 5 interop tests: the official Apache RocketMQ 5.3.3 Java classes (broker registration, admin tool,
# producer) against Fulmen's servers, started from the given binary:
#   run-interop-tests.sh <path-to-fulmen-binary> [more mvn arguments, e.g. -Dtest='NameServerInteropTest$AdminTool']
# Prints one line per test and a total; the logs of each test class (fulmen's and Java's) are in
# target/surefire-reports/*-output.txt. Needs Java 17+ and Maven 3.8+; the first run downloads the artifacts from
# Maven Central. Works from any directory.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 <path-to-fulmen-binary> [mvn arguments...]" >&2
    exit 2
fi
for tool in java mvn awk; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run-interop-tests.sh: '$tool' not found on PATH" >&2; exit 127; }
done
if [[ ! -f "$1" || ! -x "$1" ]]; then
    echo "run-interop-tests.sh: '$1' is not an executable file (build it with: cargo build -p fulmen-cli)" >&2
    exit 2
fi
fulmen_bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
project="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
reports="$project/target/surefire-reports"

# One line per test case of the surefire XML reports, then the totals.
summarize() {
    local files=("$reports"/TEST-*.xml)
    if [[ ! -e "${files[0]}" ]]; then
        echo "no surefire reports in $reports"
        return
    fi
    awk '
        function attr(line, key,    m) {
            if (match(line, key "=\"[^\"]*\"")) return substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 3)
            return ""
        }
        function emit() {
            if (name == "") return
            sub(/^.*\./, "", cls)
            printf "  %-8s %6.2fs  %s.%s%s\n", status, t, cls, name, (note == "" ? "" : "  (" note ")")
            count[status]++; total++; seconds += t; name = ""
        }
        /<testcase / {
            emit(); name = attr($0, "name"); cls = attr($0, "classname"); t = attr($0, "time") + 0
            status = "ok"; note = ""
            if ($0 ~ /\/>[[:space:]]*$/) emit()
            next
        }
        /<skipped/ { status = "SKIPPED"; note = attr($0, "message") }
        /<failure/ { status = "FAILED" }
        /<error/   { status = "ERROR" }
        /<\/testcase>/ { emit() }
        END {
            printf "%d tests: %d passed, %d failed, %d errors, %d skipped (%.1f s in tests)\n", total, count["ok"],
                count["FAILED"], count["ERROR"], count["SKIPPED"], seconds
        }
    ' "${files[@]}"
}

rm -rf "$reports"
status=0
# Maven 3.8 prints colour resets even in batch mode; strip them.
mvn -q -B -Dstyle.color=never -f "$project/pom.xml" test -Dfulmen.bin="$fulmen_bin" "$@" 2>&1 \
    | sed -e 's/\x1b\[[0-9;]*m//g' || status=$?
summarize
if [[ "$status" != 0 ]]; then
    echo "run-interop-tests.sh: tests failed; logs: $reports/*-output.txt" >&2
fi
exit "$status"
