#!/usr/bin/env bash
# Quickstart (1): install, build the index from the bundled corpus, check the example note.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/docreview index
set +e
.venv/bin/docreview check examples/keppra-note.txt --code J1953 --units 150 -m JZ --icd10 G40.909 --setting outpatient
status=$?
set -e
echo "docreview check exit code: $status (0 pass, 1 hold the claim)"
[ "$status" -le 1 ]
