"""Assign each eval case a fixed split (70% dev / 30% test) from a hash of its id.

Usage: python scripts/split_cases.py eval/cases.jsonl [more.jsonl ...] > out.jsonl
The split never changes for an id, so tuning on dev never leaks into test.
"""

from __future__ import annotations

import hashlib
import json
import sys


def split_for(case_id: str) -> str:
    return "dev" if int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 10 < 7 else "test"


def main(paths: list[str]) -> None:
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                case = json.loads(line)
                case["split"] = split_for(case["id"])
                print(json.dumps(case, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
