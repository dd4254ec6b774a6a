#!/usr/bin/env bash
# Writes the golden vectors produced by the official Apache RocketMQ 5.3.3 Java classes into <outdir>
# (normally core/protocol/tests/vectors). Deterministic: two runs give byte-identical files.
set -euo pipefail
if [[ $# -ne 1 ]]; then
    echo "usage: $0 <outdir>" >&2
    exit 2
fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run-java.sh" fulmen.interop.GenerateVectors "$out"
