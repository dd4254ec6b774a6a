#!/usr/bin/env bash
# Builds this Maven project when its sources changed, then runs one of its main classes:
#   run-java.sh <main class> [args...]
# Needs Java 17+ and Maven 3.8+; the first build downloads the RocketMQ 5.3.3 artifacts from Maven Central,
# later builds work offline. Used by generate-vectors.sh and verify-vectors.sh.
#
# Environment (for interop/apache/run-apache-java.sh, which runs its own project the same way):
#   FULMEN_JAVA_PROJECT=DIR    the Maven project to build and run (default: this script's directory)
#   FULMEN_JAVA_OPTS="..."     more JVM options (split on spaces)
set -euo pipefail

project="${FULMEN_JAVA_PROJECT:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
target="$project/target"
classpath_file="$target/classpath.txt"
stamp="$target/.built"

for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run-java.sh: '$tool' not found on PATH" >&2; exit 127; }
done

stale=1
if [[ -f "$stamp" && -f "$classpath_file" ]]; then
    # Only the main sources count: the JUnit tests under src/test are not part of the vector tools.
    if [[ -z "$(find "$project/pom.xml" "$project/src/main" -newer "$stamp" -print -quit)" ]]; then
        stale=0
    fi
fi
if [[ "$stale" == 1 ]]; then
    mkdir -p "$target"
    log="$target/build.log"
    if ! mvn -q -B -Dstyle.color=never -f "$project/pom.xml" compile dependency:build-classpath \
        -Dmdep.outputFile="$classpath_file" -DincludeScope=runtime >"$log" 2>&1; then
        cat "$log" >&2
        echo "run-java.sh: Maven build failed (log: $log)" >&2
        exit 1
    fi
    touch "$stamp"
fi

main="$1"
shift
read -ra extra_opts <<< "${FULMEN_JAVA_OPTS:-}"
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${extra_opts[@]}" \
    -cp "$target/classes:$(cat "$classpath_file")" "$main" "$@"
