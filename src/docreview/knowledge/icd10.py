"""ICD-10-CM code validation from the maintained code set of `simple-icd-10-cm`.

The package's module parses its XML at import (about 3 s); docreview only needs the code
list, so it reads the package's bundled code-list file directly (a few milliseconds).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from docreview.derived_cache import derived, inputs_fingerprint

_PACKAGE = "simple_icd_10_cm"
_SHAPE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")


class CodeSet:
    """Codes grouped by their three-character category, each group one string: it unpickles in
    about a millisecond where a frozenset of 74,000 strings takes 30 (a cold `check` reads it)."""

    def __init__(self, codes: Iterable[str]) -> None:
        groups: dict[str, list[str]] = {}
        for code in codes:
            groups.setdefault(code[:3], []).append(code)
        self._groups = {category: "\n" + "\n".join(members) + "\n" for category, members in groups.items()}

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        group = self._groups.get(code[:3])
        return group is not None and f"\n{code}\n" in group

    def __len__(self) -> int:
        return sum(group.count("\n") - 1 for group in self._groups.values())


@lru_cache(maxsize=1)
def _codes() -> tuple[CodeSet, CodeSet]:
    """(all codes and categories without dots, billable leaf codes), kept between runs."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the ICD-10-CM code set package 'simple-icd-10-cm' is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    lists = sorted(data.glob("code-list-*.txt"))
    if not lists:
        raise RuntimeError(f"no ICD-10-CM code list found in {data}")
    return derived("icd10-codes", inputs_fingerprint([lists[-1]]), lambda: _code_sets(lists[-1]))


def _code_sets(code_list: Path) -> tuple[CodeSet, CodeSet]:
    codes = sorted({c for c in (line.strip() for line in code_list.read_text(encoding="utf-8").splitlines()) if len(c) >= 3 and "-" not in c})
    # In sorted order a code's children follow it directly: a code is billable (a leaf)
    # unless the next code extends it.
    leaves = [c for c, nxt in zip(codes, [*codes[1:], ""], strict=True) if not nxt.startswith(c)]
    return CodeSet(codes), CodeSet(leaves)


def normalize(code: str) -> str:
    return code.strip().upper().replace(".", "")


def looks_like_icd10(code: str) -> bool:
    return bool(_SHAPE_RE.match(code.strip().upper()))


def is_valid(code: str) -> bool:
    """A code or category that exists in ICD-10-CM."""
    return normalize(code) in _codes()[0]


def is_billable(code: str) -> bool:
    return normalize(code) in _codes()[1]


def matches_prefix(code: str, prefixes: list[str]) -> bool:
    norm = normalize(code)
    return any(norm.startswith(normalize(p)) for p in prefixes if p)


def code_set_version() -> str:
    spec = importlib.util.find_spec(_PACKAGE)
    data = Path(next(iter(spec.submodule_search_locations))) / "data" if spec and spec.submodule_search_locations else None
    names = sorted(p.stem for p in data.glob("code-list-*.txt")) if data else []
    return names[-1].replace("code-list-", "") if names else "unknown"
