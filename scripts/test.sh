#!/usr/bin/env bash
# Quickstart (2): install and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/ruff check src tests
.venv/bin/python -m pytest "$@"
