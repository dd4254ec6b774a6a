#!/usr/bin/env bash
# Regenerates the golden vectors into a temporary directory and fails if they differ from the committed copy
# (default: core/protocol/tests/vectors of this repository; README.md there is hand-written and not compared).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
committed="$(cd "${1:-$here/../../core/protocol/tests/vectors}" && pwd)"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
"$here/generate-vectors.sh" "$fresh" >/dev/null
if ! diff -r -x README.md "$committed" "$fresh"; then
    echo "check-vectors.sh: $committed differs from a fresh generation; run interop/java/generate-vectors.sh" >&2
    exit 1
fi
echo "vectors in $committed are up to date"
