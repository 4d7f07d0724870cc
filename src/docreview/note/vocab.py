"""Vocabularies loaded from data files: routes, units. Compiled once per process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from docreview.resources import load_json


@dataclass(frozen=True)
class RouteMatch:
    route: str
    start: int
    end: int
    implied: bool


class RouteVocabulary:
    def __init__(self) -> None:
        data = load_json("routes.json")
        self._patterns: list[tuple[str, bool, re.Pattern[str]]] = []
        for route, spec in data["routes"].items():
            for implied, key in ((False, "stated"), (True, "implied")):
                for pattern in spec.get(key, []):
                    self._patterns.append((route, implied, re.compile(_letter_first(pattern), re.IGNORECASE)))
        self.descriptor_words: dict[str, str] = data["descriptor_route_words"]
        self.injection_routes: frozenset[str] = frozenset(data["injection_routes"])
        self.steroid_site_routes: frozenset[str] = frozenset(data["steroid_site_routes"])
        self.canonical: tuple[str, ...] = tuple(data["routes"])
        self.fits_as: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in data.get("fits_as", {}).items()}

    def fits(self, route: str, allowed: set[str]) -> bool:
        """The route is one the code allows, or counts as one ("local infiltration" as soft tissue)."""
        return route in allowed or bool(self.fits_as.get(route, frozenset()) & allowed)

    def find(self, text: str) -> list[RouteMatch]:
        """Every route mention in text, leftmost first; overlapping matches keep the longer."""
        found = [
            RouteMatch(route, m.start(), m.end(), implied)
            for route, implied, pattern in self._patterns
            for m in pattern.finditer(text)
            if not inside_a_code(text, m.start(), m.end())
        ]
        # Stated words first: an implied phrase ("injected ... OS") never hides a stated route
        # inside it ("injected subconjunctivally OS").
        out: list[RouteMatch] = []
        for implied in (False, True):
            group = sorted((r for r in found if r.implied == implied), key=lambda r: (r.start, -(r.end - r.start)))
            for match in group:
                if any(match.start < kept.end and kept.start < match.end for kept in out):
                    continue
                out.append(match)
        out.sort(key=lambda r: r.start)
        # An implied word right after a stated route is that route's device or process, no route
        # of its own: "INTRATHECAL PUMP", "subcutaneous infusion".
        stated_ends = {r.end for r in out if not r.implied}
        return [r for r in out if not (r.implied and _right_after(text, stated_ends, r.start))]

    def routes_in(self, descriptor: str) -> list[str]:
        """Canonical routes named by words in a CMS descriptor."""
        words = re.findall(r"[a-z-]+", descriptor.lower())
        return [self.descriptor_words[w] for w in words if w in self.descriptor_words]


_BOUNDARY_THEN_LETTER_RE = re.compile(r"^\\b([a-z])(?=[a-z\\])", re.IGNORECASE)


def _letter_first(pattern: str) -> str:
    """`\\bintra...` as `i(?<=\\bi)ntra...`: the same matches, but a pattern that opens with a
    letter lets the regex engine skip to the places that letter stands, where one that opens with
    `\\b` tries every position of the note (some 200 route patterns run over every note)."""
    return _BOUNDARY_THEN_LETTER_RE.sub(lambda m: f"{m.group(1)}(?<=\\b{m.group(1)})", pattern, count=1)


def _right_after(text: str, ends: set[int], start: int) -> bool:
    """A match ends at most two blanks or hyphens before `start`."""
    k = start
    while k > 0 and start - k < 2 and text[k - 1] in " \t-":
        k -= 1
    return k in ends


# "lot IM-0331": a hyphen, then two digits or more that are not an amount ("IV-10 mg" is one).
_CODE_TAIL_RE = re.compile(r"(?:\d|-\d\d)(?![\d.,]*\s*(?:mg|mcg|g|ml|cc|units?|iu|meq)\b)", re.IGNORECASE)


def inside_a_code(text: str, start: int, end: int) -> bool:
    """An abbreviation run into digits is part of a lot or model number ("lot IM400-2502",
    "lot IM-0331", "lot MS-2290"): no route, no drug."""
    return end - start <= 4 and text[start:end].replace(".", "").isalpha() and runs_on_as_a_code(text, end)


def runs_on_as_a_code(text: str, end: int) -> bool:
    """Digits, or a hyphen and two digits, right after `end` ("IM400", "M24-1107"), that are no amount."""
    return bool(_CODE_TAIL_RE.match(text, end))


@lru_cache(maxsize=1)
def route_vocabulary() -> RouteVocabulary:
    return RouteVocabulary()
