#!/usr/bin/env bash
# Decodes every vector file under <dir> (e.g. written by Fulmen's Rust encoders) with the official Apache
# RocketMQ 5.3.3 Java classes and checks that Java sees exactly the file's "expected". Exit status 1 and a
# list of differences when it does not. --strict-order also fails on arrays that differ only in element order.
set -euo pipefail
if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 <dir> [--strict-order]" >&2
    exit 2
fi
dir="$(cd "$1" && pwd)"
shift
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run-java.sh" fulmen.interop.VerifyVectors "$dir" "$@"
