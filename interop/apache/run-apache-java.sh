#!/usr/bin/env bash
# Runs a main class of this Maven project (the official Apache RocketMQ 5.3.3 name server, broker and client jars on
# its classpath) in a small JVM, with interop/java/run-java.sh (which builds the project first when its sources
# changed; the first build downloads the artifacts from Maven Central):
#   run-apache-java.sh <main class> [args...]
# Needs Java 17+ and Maven 3.8+. FULMEN_APACHE_JAVA_OPTS="..." adds JVM options (after the defaults, so they win).
# The Maven log goes to target/build.log. The JVM replaces this process (exec), so the caller's SIGTERM and closed
# stdin reach it directly.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 ]]; then
    echo "usage: $0 <main class> [args...]" >&2
    exit 2
fi
export FULMEN_JAVA_PROJECT="$here"
# A small heap; the broker refuses writes above 98 % disk use instead of Apache's 90 % (shared CI disks).
opts="-Xms64m -Xmx256m -XX:MaxDirectMemorySize=128m -Xss512k -Djava.net.preferIPv4Stack=true"
opts+=" -Drocketmq.broker.diskSpaceWarningLevelRatio=0.98"
opts+=" ${FULMEN_APACHE_JAVA_OPTS:-}"
export FULMEN_JAVA_OPTS="$opts"
exec "$here/../java/run-java.sh" "$@"
