#!/usr/bin/env bash
# Create .venv (if absent) and install docreview with its test tools. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
# torch==2.13.0 (CPU) is pinned in pyproject.toml; pip finds it on this machine's wheel mirror.
.venv/bin/python -m pip install --quiet -e ".[dev]"
