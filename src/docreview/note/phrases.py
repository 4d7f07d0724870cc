"""Word lists from data files as regular expressions: one alternation, longest phrase first."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """The phrases as one group; a space in a phrase matches any run of whitespace."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


def phrases(words: Iterable[str]) -> str:
    """Whole phrases: not inside a longer word or number, also where a phrase ends in "/" ("w/", "r/t")."""
    return rf"(?<![A-Za-z0-9]){alternation(words)}(?![A-Za-z0-9])"


def pattern(regex: str) -> re.Pattern[str]:
    """A vocabulary pattern: matched case-insensitively, as every word list in data/ is."""
    return re.compile(regex, re.IGNORECASE)
