#!/usr/bin/env bash
# Install docreview and its test tools from the lock file, compiling nothing.
#   VENV=path  where the virtual environment goes (default .venv; created if absent).
# requirements/requirements.lock pins every package with its sha256, so a fresh machine gets exactly
# the versions the tests ran with; uv (itself hash-pinned in requirements/bootstrap.txt)
# installs them in parallel. Update the locks with scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
# This machine's pip config names local mirrors that may be absent: drop that noise.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/bootstrap.txt \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
# The CPU build of torch is a local wheel on these machines (PIP_FIND_LINKS, /opt/wheels).
links=()
for dir in ${PIP_FIND_LINKS:-} /opt/wheels; do [ -d "$dir" ] && links+=(--find-links "$dir"); done
# --compile-bytecode: the first `docreview check` does not compile ~240 modules (about a second
# here, and every run where PYTHONDONTWRITEBYTECODE is set).
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --require-hashes --no-deps --compile-bytecode "${links[@]}" -r requirements/requirements.lock
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -e .
"$VENV/bin/python" -m compileall -q src/docreview
