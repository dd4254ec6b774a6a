#!/usr/bin/env bash
# Runs a main class of this Maven project (the official Apache RocketMQ 5.3.3 name server, broker and client jars on
# its classpath) in a small JVM:
#   run-apache-java.sh <main class> [args...]
# Builds this Maven project first when its sources changed (the first build downloads the artifacts from Maven
# Central; later builds work offline). Needs Java 17+ and Maven 3.8+. The Maven log goes to target/build.log.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$project/target"
classpath_file="$target/classpath.txt"
stamp="$target/.built"

for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run-apache-java.sh: '$tool' not found on PATH" >&2; exit 127; }
done

if [[ ! -f "$stamp" || ! -f "$classpath_file" \
      || -n "$(find "$project/pom.xml" "$project/src" -newer "$stamp" -print -quit)" ]]; then
    mkdir -p "$target"
    log="$target/build.log"
    if ! mvn -q -B -Dstyle.color=never -f "$project/pom.xml" compile dependency:build-classpath \
        -Dmdep.outputFile="$classpath_file" -DincludeScope=runtime >"$log" 2>&1; then
        cat "$log" >&2
        echo "run-apache-java.sh: Maven build failed (log: $log)" >&2
        exit 1
    fi
    touch "$stamp"
fi

if [[ $# -lt 1 ]]; then
    echo "usage: $0 <main class> [args...]" >&2
    exit 2
fi
main="$1"
shift
# exec: the JVM is this process, so the caller's SIGTERM and closed stdin reach it directly.
exec java -Xms64m -Xmx256m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k \
    -Djava.net.preferIPv4Stack=true -Drocketmq.broker.diskSpaceWarningLevelRatio=0.98 \
    -cp "$target/classes:$(cat "$classpath_file")" "$main" "$@"
