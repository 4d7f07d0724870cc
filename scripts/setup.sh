#!/usr/bin/env bash
# Install docreview and its test tools from the lock file, compiling nothing.
#   VENV=path  where the virtual environment goes (default .venv; created if absent).
# The lock (requirements/lock.txt) pins every package with its sha256: a fresh machine gets
# exactly the versions the tests ran with. Update it with scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
pip_install() {  # this machine's pip config names local mirrors that may be absent: drop that noise
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
pip_install --require-hashes --no-deps -r requirements/lock.txt
pip_install --no-deps -e .
