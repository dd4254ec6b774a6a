#!/usr/bin/env bash
# Builds the Python package and runs its checks; scripts/test.sh calls it, and it runs alone as well.
#
#   scripts/python-test.sh           venv with the pinned tools, `pip install ./python`, stubtest, mypy --strict,
#                                    pytest (python/tests and examples/python), the example scripts, and a wheel
#                                    built by `maturin build` installed into a clean venv
#
# Environment:
#   FULMEN_PYTHON=path      the interpreter (default: pyenv's 3.11, else python3.11, else python3; 3.10 or newer)
#   FULMEN_PYTEST_ARGS=...  extra pytest arguments (e.g. "-k producer -x")
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n==> python: %s\n' "$*"; }

pick_python() {
  if [ -n "${FULMEN_PYTHON:-}" ]; then echo "$FULMEN_PYTHON"; return; fi
  local pyenv_root
  pyenv_root="$(pyenv root 2>/dev/null || true)"
  for candidate in "$pyenv_root"/versions/3.11*/bin/python3.11 "$(command -v python3.11 || true)" \
    "$(command -v python3 || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  echo "no Python 3.10+ interpreter found (set FULMEN_PYTHON)" >&2
  exit 1
}

python="$(pick_python)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
  echo "$python is older than 3.10" >&2
  exit 1
}

step "venv with the pinned tools ($("$python" --version))"
venv="$root/target/python-venv"
if ! "$venv/bin/python" -c 'import sys' 2>/dev/null ||
  [ "$("$venv/bin/python" -c 'import sys; print(sys.version)')" != "$("$python" -c 'import sys; print(sys.version)')" ]; then
  "$python" -m venv --clear "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install --only-binary :all: -r python/requirements-dev.txt

step "pip install ./python (maturin, release build of the native module)"
"${pip[@]}" install ./python

step "stubtest: the .pyi against the built module; mypy --strict on the package, tests and examples"
(cd "$work" && "$venv/bin/python" -m mypy.stubtest fulmen._native fulmen.errors \
  --allowlist "$root/python/stubtest-allowlist.txt")
"$venv/bin/python" -m mypy --config-file python/pyproject.toml python/src/fulmen python/tests examples/python

step "pytest: python/tests and examples/python"
# shellcheck disable=SC2086 # FULMEN_PYTEST_ARGS is a list of arguments
(cd python && "$venv/bin/python" -m pytest -q -p no:cacheprovider tests ../examples/python ${FULMEN_PYTEST_ARGS:-})

step "the example scripts, each against a LocalCluster of its own"
for example in examples/python/*.py; do
  case "$(basename "$example")" in test_*) continue ;; esac
  echo "--- $example"
  timeout 120 "$venv/bin/python" "$example"
done

step "maturin build: the wheel installs into a clean venv without build tools and works"
(cd python && "$venv/bin/maturin" build --release --locked --quiet -o "$work/wheels")
"$python" -m venv "$work/clean-venv"
"$work/clean-venv/bin/python" -m pip --disable-pip-version-check -q install "$work"/wheels/fulmen-*.whl
(cd "$work" && "$work/clean-venv/bin/python" "$root/examples/python/quickstart.py")
