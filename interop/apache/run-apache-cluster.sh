#!/usr/bin/env bash
# Starts the official Apache RocketMQ 5.3.3 name server and broker on 127.0.0.1 in one small JVM
# (fulmen.interop.apache.ApacheCluster) and prints "APACHE_CLUSTER_READY namesrv=... broker=..." once the broker is
# registered; stops when stdin closes or on SIGTERM:
#   run-apache-cluster.sh [broker.conf key=value ...]
# Needs Java 17+ and Maven 3.8+ (see run-apache-java.sh).
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run-apache-java.sh" fulmen.interop.apache.ApacheCluster "$@"
