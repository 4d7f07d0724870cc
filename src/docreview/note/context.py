"""ConText for clinical notes: is a fact negated, planned, historical or affirmed as given?

The algorithm is ConText (Chapman et al.) as medspaCy implements it: modifier phrases from
a rule file (data/context_rules.json, medspaCy's rule shape), each with a category, a
direction and a maximum scope in words, clipped to the sentence and stopped by TERMINATE
phrases. medspaCy itself is not used at run time: it pulls in spaCy, whose import takes
seconds and loads torch through thinc, which the rules path must not (see README).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docreview.note.text import Token

# The categories that say a giving did not happen here and now.
NOT_HERE_NOW = frozenset({"NOT_GIVEN", "PLANNED", "HISTORICAL", "ELSEWHERE"})


@dataclass(frozen=True)
class ContextRule:
    words: tuple[str, ...]
    category: str
    direction: str  # FORWARD | BACKWARD | BIDIRECTIONAL | TERMINATE | PSEUDO
    max_scope: int
    max_targets: int | None = None  # medspaCy's max_targets; 1: only the nearest target


@dataclass(frozen=True)
class Modifier:
    rule: ContextRule
    first: int  # token indices [first, last]
    last: int


@lru_cache(maxsize=1)
def context_rules() -> tuple[ContextRule, ...]:
    from docreview.data_files import ContextRulesFile, data_file_as

    rule_file = data_file_as("context_rules.json", ContextRulesFile)
    rules = [ContextRule(r.words(), r.category, r.direction, r.max_scope, r.max_targets) for r in rule_file.context_rules]
    # Longest phrases first so "not given" wins over "given"; between two of one length that
    # overlap, the one that also reads backward: "isoproterenol was not performed" is "not
    # performed" (of the drug before it), not "was not" (of what follows).
    return tuple(sorted(rules, key=lambda r: (-len(r.words), r.direction == "FORWARD")))


@lru_cache(maxsize=1)
def _rules_by_first_word() -> dict[str, list[tuple[int, ContextRule]]]:
    index: dict[str, list[tuple[int, ContextRule]]] = {}
    for rank, rule in enumerate(context_rules()):
        index.setdefault(rule.words[0], []).append((rank, rule))
    return index


def find_modifiers(toks: list[Token]) -> list[Modifier]:
    """Rule phrases in the tokens; a longer phrase wins over a shorter one it overlaps."""
    words = [t.text for t in toks]
    index = _rules_by_first_word()
    candidates = [
        (rank, i, rule)
        for i, word in enumerate(words)
        for rank, rule in index.get(word, ())
        if tuple(words[i : i + len(rule.words)]) == rule.words
    ]
    # "TNK HELD/cancelled": each word of a slashed pair is a cue of its own (not "mg/kg": words only).
    candidates += [(rank, i, rule) for i, word in enumerate(words) if "/" in word and word.replace("/", "").isalpha()
                   for part in word.split("/") for rank, rule in index.get(part, ()) if len(rule.words) == 1]
    candidates.sort(key=lambda c: (c[0], c[1]))  # rule order (longest first), then left to right
    taken = [False] * len(words)
    out: list[Modifier] = []
    for _, i, rule in candidates:
        n = len(rule.words)
        if not any(taken[i : i + n]):
            for j in range(i, i + n):
                taken[j] = True
            out.append(Modifier(rule, i, i + n - 1))
    out.sort(key=lambda m: m.first)
    return out


def categories_for(
    toks: list[Token], modifiers: list[Modifier], first: int, last: int, others: list[tuple[int, int]] = (),  # type: ignore[assignment]
    text: str | None = None,
) -> set[str]:
    """Categories of the modifiers whose scope covers tokens [first, last] of the sentence.

    `others` are the token spans of the sentence's other targets: a rule with max_targets 1
    modifies only the target nearest to it ("Gammagard given (Bivigam on backorder)"). With the
    sentence's `text`, a modifier inside a parenthesis reaches no target after it closes
    ("lisinopril 10 mg (held morning of surgery), sertraline 50 mg").
    """
    found: set[str] = set()
    stops = {m.first for m in modifiers if m.rule.direction == "TERMINATE"}
    stops |= {i for i, t in enumerate(toks) if t.text == ";"}
    commas = {i for i, t in enumerate(toks) if t.text == ","}
    opens = _own_clause(toks, first, last)
    for mod in modifiers:
        rule = mod.rule
        if rule.direction in ("TERMINATE", "PSEUDO"):
            continue
        if rule.direction in ("FORWARD", "BIDIRECTIONAL") and mod.last < first:
            gap = range(mod.last + 1, first)
            if (_span(toks, mod.last, first, text) <= rule.max_scope and (opens is None or mod.last > opens) and not any(i in stops for i in gap) and not _nearer(rule, others, gap)
                    and not (text is not None and _closes_parenthesis(text[toks[mod.last].end : toks[first].start]))):
                found.add(rule.category)
        if rule.direction in ("BACKWARD", "BIDIRECTIONAL") and mod.first > last:
            gap = range(last + 1, mod.first)
            if _nearer(rule, others, gap):
                continue
            # A comma also closes a backward scope ("Keppra given, Zofran held"), unless it only
            # separates the items of a list the modifier ends: "given epinephrine, lidocaine,
            # amiodarone and intubated in the field".
            # A negation set off at the end of a list line reaches the whole line.
            # A participle that opens the clause right after the comma speaks of the drug before it
            # ("remestemcel-L (Ryoncil), ordered 2 x 10^6 cells/kg"); another drug after it takes it forward.
            told_of = mod.first - 1 if not any(a > mod.last for a, _ in others) else None
            in_scope = _span(toks, last, mod.first, text) <= rule.max_scope and not any(
                i in commas for i in gap if not _listed(toks, others, last, i) and i != told_of)
            verdict = text is not None and rule.category == "NOT_GIVEN" and _verdict_on_the_line(toks, mod, text)
            if (in_scope or verdict) and not any(i in stops for i in gap):
                found.add(rule.category)
    if "PLANNED" in found and not found & {"ADMINISTERED", "NOT_GIVEN"} and _plan_undone(modifiers, stops, last, others):
        found.add("NOT_GIVEN")
    return found


def _span(toks: list[Token], a: int, b: int, text: str | None) -> int:
    """Words from token a to token b, a closed parenthesis between them counted as one: "Avycaz
    1.25 g (ceftazidime 1 g / avibactam 0.25 g) IV q8h" is a dose, its gloss and a frequency."""
    if text is None or "(" not in text[toks[a].end : toks[b].start]:
        return b - a
    count, depth, cursor = 0, 0, toks[a].end
    for i in range(a + 1, b + 1):
        between = text[cursor : toks[i].start]
        was = depth
        depth = max(0, depth + between.count("(") - between.count(")"))
        count += not depth or not was  # a word outside, or the first inside an aside
        cursor = toks[i].end
    return count if not depth else b - a  # an aside left open is no aside


_AUXILIARIES = frozenset({"was", "were", "is", "are", "has", "had", "have"})
_CLAUSE_JOINS = frozenset({"and", "but"})


_VERDICT_TAIL = frozenset({"today", "now", "this", "visit", "cycle", "dose", "doses"})


def _verdict_on_the_line(toks: list[Token], mod: Modifier, text: str) -> bool:
    """A negation set off by a dash at the end of the sentence speaks of everything before it:
    "Oxaliplatin 85 mg/m2, levoleucovorin 400 mg, 5-FU 400 mg/m2 -- NOT given today"."""
    if mod.first == 0 or not all(t.text in _VERDICT_TAIL for t in toks[mod.last + 1 :]):
        return False
    between = text[toks[mod.first - 1].end : toks[mod.first].start]
    return "--" in between or "\u2014" in between or " - " in between


def _own_clause(toks: list[Token], first: int, last: int) -> int | None:
    """The conjunction that opens the target's own clause, when the target is its subject: "The
    patient was on vancomycin and Levaquin was given x1": "was on" speaks of vancomycin only. At
    most two words ("and then IV Levaquin was ...") stand between the conjunction and the target."""
    # The subject may run on a few words ("Integrilin bolus and infusion was initiated").
    aux = next((k for k in range(last + 1, min(len(toks), last + 5)) if toks[k].text.lower() in _AUXILIARIES), None)
    if aux is None or any(not toks[k].text.isalpha() for k in range(last + 1, aux)):
        return None
    return next((i for i in range(first - 1, max(-1, first - 4), -1) if toks[i].text.lower() in _CLAUSE_JOINS), None)


def _plan_undone(modifiers: list[Modifier], stops: set[int], last: int, others: list[tuple[int, int]]) -> bool:
    """An order or plan that a later clause of the sentence undoes: "Demerol 50 mg IM was ordered,
    but he refused", "Phenytoin considered but not needed". The negation reaches back across one
    clause break (a terminating word, not a semicolon) when no other drug stands between."""
    for mod in modifiers:
        rule = mod.rule
        if rule.category != "NOT_GIVEN" or rule.direction not in ("BACKWARD", "BIDIRECTIONAL") or mod.first <= last:
            continue
        breaks = [m.first for m in modifiers if m.rule.direction == "TERMINATE" and last < m.first < mod.first]
        if any(m.rule.category == "PLANNED" and mod.last < m.first <= mod.last + 2 for m in modifiers):
            continue  # "continue Lasix daily, but hold if SBP < 90": a conditional hold keeps the plan
        gap = range(last + 1, mod.first)
        if (len(breaks) == 1 and mod.first - breaks[0] <= rule.max_scope and not any(i in stops for i in gap if i != breaks[0])
                and not any(gap.start <= a and b < gap.stop for a, b in others)):
            return True
    return False


_LIST_WORDS = frozenset({",", "and", "or", "&"})


def _listed(toks: list[Token], others: list[tuple[int, int]], last: int, comma: int) -> bool:
    """The comma at `comma` separates list items: only list material (other targets, commas,
    'and') stands between the target ending at `last` and it, and another target follows it."""
    between = all(toks[i].text in _LIST_WORDS or any(a <= i <= b for a, b in others) for i in range(last + 1, comma))
    nxt = comma + 1
    while nxt < len(toks) and toks[nxt].text in _LIST_WORDS:
        nxt += 1
    return between and any(a == nxt for a, _ in others)


def _closes_parenthesis(between: str) -> bool:
    """The stretch closes a parenthesis it did not open: the modifier was inside it."""
    depth = 0
    for ch in between:
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
        if depth < 0:
            return True
    return False


def _nearer(rule: ContextRule, others: list[tuple[int, int]], gap: range) -> bool:
    """Another target sits between the modifier and this one, and the rule takes only the nearest."""
    return rule.max_targets == 1 and any(gap.start <= a and b < gap.stop for a, b in others)
