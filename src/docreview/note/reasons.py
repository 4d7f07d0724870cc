"""Reasons for giving a drug: conditions, ICD-10-CM codes and procedural purposes in the note.

The condition vocabulary is ICD-10-CM's (descriptions and inclusion terms, shipped in the
packaged knowledge) plus common clinical synonyms (data/conditions.json). Short ambiguous
abbreviations (OD, HD, PE) count only in diagnostic positions. A procedural purpose (edge
case 8) comes from the note's structure: a procedure (section, name) and intra/post-procedure
timing, for any drug whose class fits the purpose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from docreview.data_files import ConditionsFile, PurposesFile, ReasonCuesFile, data_file_as
from docreview.derived_cache import derived
from docreview.knowledge import icd10
from docreview.knowledge.facts import CodeFacts
from docreview.knowledge.packaged import description_stems, packaged
from docreview.note.amounts import UNIT_ALT
from docreview.note.phrases import alternation, phrases
from docreview.note.vocab import runs_on_as_a_code
from docreview.resources import load_json

# "I82.411"; typed in small letters only with its decimals ("i82.411"), so "c5" or "a1c" is none.
_ICD_RE = re.compile(r"(?<![A-Za-z0-9.])([A-TV-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4})?|[a-tv-z][0-9][0-9ab]\.[0-9a-z]{1,4})(?![A-Za-z0-9])")
_TOKEN_RE = re.compile(r"[a-z0-9']+")
_LINE_OPENING_RE = re.compile(r"[ \t]*(?:[-*\u2022]|\d+[.)])?[ \t]*")
# "62F seropositive erosive RA on weekly MTX", "68 y/o M COPD w/ ...": the age and sex a chart's summary
# line opens with, then up to three words that qualify the problem.
_AGE_SEX_OPENING_RE = re.compile(r"[ \t]*\d{1,3}[ \t]*(?:y/?o|yo|y|yr|years?[ \t]+old)?[ \t]*(?:[MF]|male|female|man|woman)\b[,:]?[ \t]+"
                                 r"(?:[\w-]+[ \t]+){0,3}", re.IGNORECASE)
_EXTERNAL = ("V", "W", "X", "Y")  # external causes are never a reason for a drug

_CUES = data_file_as("reason_cues.json", ReasonCuesFile)
# "EXERCISE STRESS TEST", "pregnancy test negative": the condition's word names a test.
_TEST_AFTER_RE = re.compile(rf"\s+{phrases(_CUES.test_nouns)}", re.IGNORECASE) if _CUES.test_nouns else re.compile(r"(?!)")
# A reason tied to the administration: "for seizures", "indication: CAP", "dx: G40.909".
_LINK_RE = re.compile(rf"{phrases(_CUES.link)}[^.;\n]{{0,60}}$", re.IGNORECASE)
# Where an ambiguous abbreviation is a diagnosis: a Dx-type line, or right after a linking word.
# (matched at a line's start: a "^" there would match only the note's first line)
_DX_LINE_RE = re.compile(rf"[ \t]*(?:[-*\u2022][ \t]*)?{phrases(_CUES.diagnosis_lines)}[^:\n]{{0,30}}[:\-]", re.IGNORECASE)
_DX_BEFORE_RE = re.compile(rf"(?:{phrases(_CUES.diagnosis_before)}|[,;])\s+(?:\w+\s+){{0,2}}$", re.IGNORECASE)
# "Pseudomonas VAP", "CRAB (carbapenem-resistant Acinetobacter baumannii) VAP": the organism names the infection after it.
_ORGANISM_BEFORE_RE = re.compile(rf"{phrases(_CUES.organisms_before)}[\w-]*\)?\s+(?:[\w-]+\)?\s+){{0,2}}$", re.IGNORECASE)
_ORGANISM_AFTER_RE = re.compile(rf"[ \t]*(?:[-:(\u2013][ \t]*|due\s+to\s+|from\s+)?{phrases(_CUES.organisms_before)}", re.IGNORECASE)  # "VAP - Pseudomonas"
# A problem statement opening a line: "AF on warfarin" (a treatment, not "on exam"), "PE s/p lysis", "CHF (EF 30%)".
_PROBLEM_AFTER_RE = re.compile(
    rf"\s+(?:on\s+(?!{phrases(_CUES.on_not_a_treatment)})|{phrases(_CUES.problem_after)})|\s*\(", re.IGNORECASE)

# Structure of a procedure: a section, a procedure name, and timing relative to it.
_PROC_HEADER_RE = re.compile(rf"^\s*{phrases(_CUES.procedure_headers)}[^:\n]{{0,20}}:", re.IGNORECASE | re.MULTILINE)
_PROC_NAME_RE = re.compile(
    rf"\b\w+{alternation(_CUES.procedure_suffixes)}\b|{phrases(_CUES.procedure_words)}", re.IGNORECASE)
_TIMING_RE = re.compile(
    rf"{phrases(_CUES.timing_words)}|(?<![A-Za-z0-9]){alternation(_CUES.timing_relations)}\s+(?:the\s+)?{phrases(_CUES.procedure_events)}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reason:
    start: int
    end: int
    name: str
    icd10: tuple[str, ...]
    supports: bool  # a recognised use of the billed code's drug
    from_code: bool  # matched the billed code's own indication terms (or a procedural purpose)
    is_code: bool = False  # an ICD-10-CM code written in the note


def _term_regex(terms: list[str]) -> re.Pattern[str] | None:
    terms = sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    alt = "|".join(re.escape(t).replace(r"\ ", r"[\s-]+") for t in terms)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alt})(?![A-Za-z0-9])", re.IGNORECASE)


def _words(text: str) -> tuple[str, ...]:
    return tuple(_plain(w) for w in _TOKEN_RE.findall(folded(text.lower())))


def folded(lowered: str) -> str:
    """Accents dropped letter by letter, offsets kept: ICD-10-CM's "Sézary disease" and a note's
    "Sezary syndrome", "Guillain-Barré" and "Guillain-Barre" are the same words."""
    return lowered if lowered.isascii() else "".join(map(_fold, lowered))


@cache
def _fold(c: str) -> str:
    base = unicodedata.normalize("NFKD", c)[:1]
    return base if base.isascii() and base.isalpha() else c


def _plain(word: str) -> str:
    """A word as terms are matched: an eponym with or without its possessive ("Alzheimer's" ->
    "alzheimer"), a plural as its singular ("stones" -> "stone", "calculi" -> "calculus"). Note
    and terms are folded alike, so "diabetes" -> "diabete" matches itself."""
    word = word.removesuffix("'s").rstrip("'") or word
    irregular = _word_forms().get(word)
    if irregular is not None:
        return irregular
    if len(word) > 4 and word.endswith("s") and not word.endswith(_NOT_PLURAL_ENDINGS):
        return word[:-1]
    return word


_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ys", "ous")


@lru_cache(maxsize=1)
def _capitals_only() -> frozenset[str]:
    return frozenset(data_file_as("conditions.json", ConditionsFile).capitals_only)


@lru_cache(maxsize=1)
def _cue_only() -> frozenset[str]:
    return frozenset(data_file_as("conditions.json", ConditionsFile).cue_only)


@lru_cache(maxsize=1)
def _word_forms() -> dict[str, str]:
    return data_file_as("conditions.json", ConditionsFile).word_forms


def _reordered(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """ICD-10-CM's "calculus in bladder", "cellulitis of left lower limb" as clinicians write
    them: "bladder calculus", "left lower limb cellulitis" (a one- or two-word condition, a site
    of up to three words)."""
    for k, word in enumerate(words):
        if word in ("in", "of") and 1 <= k <= 2 and 1 <= len(words) - k - 1 <= 3:
            return (*words[k + 1 :], *words[:k])
    return None


class _Term(NamedTuple):
    words: tuple[str, ...]
    name: str
    prefixes: tuple[str, ...]
    abbreviation: bool
    confirms_only: bool = False  # a rare disease named only by an ICD-10-CM child code: confirms a use, refutes none


class ConditionVocabulary:
    """Condition terms keyed by first word; matched on note tokens, longest first."""

    def __init__(self) -> None:
        # Half a million characters of terms to tokenise: built once and kept between runs, each
        # first word's terms packed in one string (11,000 tuples took 18 ms to unpickle), unpacked
        # on the first lookup of that word.
        self._packed = derived("condition-terms", "", lambda: _pack(self._index()))
        self._by_first: dict[str, tuple[_Term, ...]] = {}

    def _terms(self, word: str) -> tuple[_Term, ...]:
        found = self._by_first.get(word)
        if found is None:
            packed = self._packed.get(word)
            found = self._by_first[word] = tuple(_unpack(line) for line in packed.split("\n")) if packed else ()
        return found

    @staticmethod
    def _index() -> dict[str, list[_Term]]:
        by_first: dict[str, list[_Term]] = {}
        # ("ED allergy: PCN": the ICD-10-CM index's "allergy" names the list, never a reason.)
        seen: set[tuple[str, ...]] = {tuple(w.split()) for w in data_file_as("conditions.json", ConditionsFile).not_diagnoses}

        def add(words: tuple[str, ...], name: str, prefixes: tuple[str, ...], abbreviation: bool, confirms_only: bool = False) -> None:
            if words and words not in seen:
                seen.add(words)
                by_first.setdefault(words[0], []).append(_Term(words, name, prefixes, abbreviation, confirms_only))

        # Hand-curated synonyms first: their names are the ones clinicians write.
        for cond in load_json("conditions.json")["conditions"]:
            prefixes = tuple(cond["icd10"])
            for term in cond["terms"]:
                add(_words(term), cond["name"], prefixes, False)
            for term in cond.get("abbreviations", []):
                add(_words(term), cond["name"], prefixes, True)
        for term, prefixes in packaged().conditions:
            if prefixes and not all(p.startswith(_EXTERNAL) for p in prefixes):
                add(_words(term), term, tuple(prefixes), False)
        for term, prefixes in packaged().conditions:
            # After every term as written, so a reordered variant never takes a term's own words.
            reordered = _reordered(_words(term)) if "," not in term else None
            if reordered and prefixes and not all(p.startswith(_EXTERNAL) for p in prefixes):
                add(reordered, term, tuple(prefixes), False)
        for term, prefixes in packaged().rare_conditions:
            if prefixes and not all(p.startswith(_EXTERNAL) for p in prefixes):
                add(_words(term), term, tuple(prefixes), False, confirms_only=True)
        for terms in by_first.values():
            terms.sort(key=lambda t: -len(t.words))
        return by_first

    def find(self, text: str, confirms: Callable[[tuple[str, ...]], bool] = lambda prefixes: True) -> list[tuple[int, int, _Term]]:
        """`confirms(prefixes)`: whether a confirm-only term would confirm a use; one that would not
        is passed over, so a shorter term at the same words still matches."""
        tokens = _expanded_tokens(folded(text.lower()))
        out = []
        i = 0
        while i < len(tokens):
            hit = None
            for term in self._terms(tokens[i][0]):
                n = len(term.words)
                if term.confirms_only and not confirms(term.prefixes):
                    continue
                if tuple(t for t, _, _ in tokens[i : i + n]) == term.words:
                    start, end = tokens[i][1], tokens[i + n - 1][2]
                    if term.abbreviation and not diagnostic_position(text, start, end):
                        continue
                    if term.abbreviation and " ".join(term.words) in _capitals_only() and not text[start:end].isupper():
                        continue  # "all vials used", "Ms. Lee": words, not "ALL" or "MS"
                    if term.abbreviation and " ".join(term.words) in _cue_only() and not _introduced(text, start):
                        continue  # "intravitreal injection, OD", "cap refill 3 s": the eye, the capillaries
                    if term.abbreviation and _AMOUNT_AFTER_RE.match(text, end):
                        continue  # "MS 4 mg IV": a drug's short name with its dose
                    if term.abbreviation and _READING_BEFORE_RE.search(text, max(0, start - 12), start):
                        continue  # "SpO2 89% RA", "98% on RA": the room air a reading was taken on
                    hit = (start, end, term, n)
                    break
            if hit:
                out.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return self._cancer_by_site(tokens, out)

    def _cancer_by_site(self, tokens: list[tuple[str, int, int]], found: list[tuple[int, int, _Term]]) -> list[tuple[int, int, _Term]]:
        """The matches `found`, plus 'SCC glottic larynx', 'adenocarcinoma of the sigmoid colon': a
        cancer noun and a site word near it (data/conditions.json `cancer_sites`) where no
        enumerated term matched, or only the bare noun did."""
        heads, sites = _cancer_sites()
        out = list(found)
        words = [t for t, _, _ in tokens]
        for i in range(len(tokens)):
            head = next((h for h in heads if tuple(words[i : i + len(h)]) == h), None)
            if head is None:
                continue
            last = i + len(head) - 1
            near = [k for k in range(last + 1, min(len(tokens), last + 6))] + [k for k in range(max(0, i - 2), i)]
            site = next((k for k in near if words[k] in sites), None)
            if site is None:
                continue
            start, end = tokens[min(i, site)][1], tokens[max(last, site)][2]
            overlapping = [m for m in out if m[0] < end and start < m[1]]
            # A bare cancer noun matched alone ("carcinoma") gives way to the cancer its site names.
            if any(m[2].words not in heads for m in overlapping):
                continue
            out = [m for m in out if m not in overlapping]
            out.append((start, end, _Term(tuple(words[min(i, site) : max(last, site) + 1]), f"{words[site]} cancer", tuple(sites[words[site]]), False)))
        return sorted(out, key=lambda m: m[0])


def _pack(by_first: dict[str, list[_Term]]) -> dict[str, str]:
    """A line per term, its fields by tab: words (by space), name, ICD-10 prefixes (by comma),
    "1" for an abbreviation, "1" for a term that only confirms a use."""
    def line(term: _Term) -> str:
        fields = (" ".join(term.words), term.name, ",".join(term.prefixes), "1" if term.abbreviation else "", "1" if term.confirms_only else "")
        return "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields)

    return {first: "\n".join(line(t) for t in terms) for first, terms in by_first.items()}


def _unpack(line: str) -> _Term:
    words, name, prefixes, abbreviation, confirms_only = line.split("\t")
    return _Term(tuple(words.split(" ")), name, tuple(prefixes.split(",")) if prefixes else (), abbreviation == "1", confirms_only == "1")


@lru_cache(maxsize=1)
def _cancer_sites() -> tuple[list[tuple[str, ...]], dict[str, list[str]]]:
    from docreview.data_files import ConditionsFile

    sites = data_file_as("conditions.json", ConditionsFile).cancer_sites
    if sites is None:
        return [], {}
    heads = sorted((tuple(_words(h)) for h in sites.heads), key=len, reverse=True)
    return heads, {_plain(site): codes for site, codes in sites.sites.items()}


@lru_cache(maxsize=1)
def _word_abbreviations() -> tuple[re.Pattern[str], dict[str, str]] | None:
    words = data_file_as("conditions.json", ConditionsFile).word_abbreviations
    if not words:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![a-z0-9])"), words


def _expanded_tokens(lowered: str) -> list[tuple[str, int, int]]:
    """The text's tokens, a shortened word ("d/o") read as the word it stands for."""
    tokens = [(_plain(m.group(0)), m.start(), m.end()) for m in _TOKEN_RE.finditer(lowered)]
    abbreviations = _word_abbreviations()
    if abbreviations is None:
        return tokens
    pattern, words = abbreviations
    for m in reversed(list(pattern.finditer(lowered))):
        inside = [k for k, (_, s, e) in enumerate(tokens) if m.start() <= s and e <= m.end()]
        if inside:
            tokens[inside[0] : inside[-1] + 1] = [(words[m.group(0)], m.start(), m.end())]
    return tokens


@cache
def condition_vocabulary() -> ConditionVocabulary:
    """One per process: loading the packed terms costs ~2 ms, and each first word's terms are
    unpacked once, on first use."""
    return ConditionVocabulary()


_READING_BEFORE_RE = re.compile(r"\d[ \t]*%[ \t]*(?:on[ \t]+)?$", re.IGNORECASE)
_AMOUNT_AFTER_RE = re.compile(rf"\s+\d[\d.,]*\s*(?:{UNIT_ALT})\b", re.IGNORECASE)
_DX_CUE_RE = re.compile(rf"\b(?:{phrases(_CUES.diagnosis_before)})\s*$", re.IGNORECASE)


def _introduced(text: str, start: int) -> bool:
    """Right after a diagnosis line's label ("Dx: OD") or a word that introduces one ("for OD")."""
    label = _DX_LINE_RE.match(text, text.rfind("\n", 0, start) + 1)
    if label is not None and label.end() <= start and not text[label.end() : start].strip():
        return True
    return bool(_DX_CUE_RE.search(text[max(0, start - 40) : start]))


def diagnostic_position(text: str, start: int, end: int | None = None) -> bool:
    """A Dx/assessment/indication line, right after 'for', 'due to', 'h/o' ..., or a problem
    statement opening a line ("AF on warfarin", "CHF (EF 30%)", "PE s/p lysis")."""
    line_start = text.rfind("\n", 0, start) + 1
    if (label := _DX_LINE_RE.match(text, line_start)) is not None and label.end() <= start:
        return True
    if end is not None and (_LINE_OPENING_RE.fullmatch(text, line_start, start) or _AGE_SEX_OPENING_RE.fullmatch(text, line_start, start)) \
            and _PROBLEM_AFTER_RE.match(text, end):
        return True
    before = text[max(line_start, start - 40) : start]
    return bool(_DX_BEFORE_RE.search(before) or _ORGANISM_BEFORE_RE.search(before) or (end is not None and _ORGANISM_AFTER_RE.match(text, end)))


def _supports(prefixes: tuple[str, ...], facts: CodeFacts) -> bool:
    return supports_prefixes(prefixes, facts.indication_prefixes)


def supports_prefixes(prefixes: tuple[str, ...] | list[str], code_prefixes: list[str]) -> bool:
    normalized = _normalized_prefixes(tuple(code_prefixes))
    for p in prefixes:
        a = icd10.normalize(p)
        if a and any(a.startswith(b) or b.startswith(a) for b in normalized):
            return True
    return False


@lru_cache(maxsize=64)
def _normalized_prefixes(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """A code's indication prefixes, normalised once (a note's terms are checked against them by the thousand)."""
    return tuple(b for b in map(icd10.normalize, prefixes) if b)


@lru_cache(maxsize=1)
def _purposes() -> tuple[tuple[str, tuple[str, ...], re.Pattern[str], bool], ...]:
    out = []
    for purpose in data_file_as("purposes.json", PurposesFile).purposes:
        pattern = _term_regex(purpose.cues)
        if pattern:
            out.append((purpose.name, tuple(purpose.classes), pattern, purpose.by_timing))
    return tuple(out)


@lru_cache(maxsize=1)
def _purpose_codes() -> dict[str, tuple[str, ...]]:
    return {p.name: tuple(p.icd10) for p in data_file_as("purposes.json", PurposesFile).purposes}


def purpose_codes(name: str) -> tuple[str, ...]:
    """Claim codes that name a procedural purpose itself ("post-procedural pain": G89.1)."""
    return _purpose_codes().get(name, ())


def class_text(facts: CodeFacts) -> str:
    """The drug's classes and purpose groups, and its own name ("influenza virus vaccine" is a vaccine)."""
    return " | ".join([facts.drug_class or "", *facts.classes, *facts.purposes, facts.drug or ""]).lower()


def procedure_timing(text: str) -> list[tuple[int, int]]:
    """Intra/post-procedure timing spans, when the note documents a procedure at all."""
    if not (_PROC_HEADER_RE.search(text) or _PROC_NAME_RE.search(text)):
        return []
    return [(m.start(), m.end()) for m in _TIMING_RE.finditer(text)]


@lru_cache(maxsize=4096)
def _own_terms(facts_key: str, terms: tuple[tuple[str, tuple[str, ...], tuple[str, ...], bool], ...]) -> tuple:
    """Compiled patterns of a code's indication terms (once per code), each with whether it is curated."""
    out = []
    for name, icd, words, curated in terms:
        pattern = _term_regex(list(words))
        if pattern:
            out.append((name, icd, pattern, curated))
    return tuple(out)


_OFF_LABEL_RE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(_CUES.off_label, key=len, reverse=True)) + r")\b", re.IGNORECASE) if _CUES.off_label else None


def find_off_label(text: str) -> list[tuple[int, int]]:
    """Where the note itself calls a use off-label ("attending decision, off-label for ACE-I angioedema")."""
    return [(m.start(), m.end()) for m in _OFF_LABEL_RE.finditer(text)] if _OFF_LABEL_RE else []


def find_reasons(text: str, facts: CodeFacts, counts: Callable[[Reason], bool] = lambda reason: True) -> list[Reason]:
    """The note's reasons. `counts(reason)`: whether the note asserts it (not "no reflux"); the
    diagnosis fields stand in only where no asserted condition is read."""
    found: list[Reason] = []
    classes = class_text(facts)
    timing = None
    for name, cls, pattern, by_timing in _purposes():
        if classes and any(c in classes for c in cls):
            for m in pattern.finditer(text):
                found.append(Reason(m.start(), m.end(), name, (), True, True))
            if not by_timing:  # heparin after surgery is VTE prophylaxis, not the procedure's anticoagulation
                continue
            # By structure: a documented procedure and the drug's timing relative to it.
            timing = procedure_timing(text) if timing is None else timing
            found.extend(Reason(s, e, name, (), True, True) for s, e in timing)
    # The code's own uses name the words a note writes for them: curated terms, and a derived
    # use's name as DrugCentral or LabeledIn writes it ("Candidemia" for micafungin).
    # (A derived name is a diagnosis like any other, not one of the code's own terms.)
    own = tuple((ind.name, tuple(ind.icd10), tuple([*ind.terms, ind.name]), ind.source in ("corpus", "related"))
                for ind in facts.indications if ind.source != "icd10cm-symptom")
    derived: list[Reason] = []
    for name, icd, pattern, curated in _own_terms(facts.code, own):
        for m in pattern.finditer(text):
            (found if curated else derived).append(Reason(m.start(), m.end(), name, icd, True, curated))
    # A rare disease only an ICD-10-CM child code names confirms a use, or stands for a code with
    # no known uses at all ("Fabry disease" under agalsidase beta); it never refutes one.
    confirms = (lambda prefixes: True) if not facts.indications else (lambda prefixes: _supports(prefixes, facts))
    conditions = [Reason(start, end, term.name, term.prefixes, _supports(term.prefixes, facts), False)
                  for start, end, term in condition_vocabulary().find(text, confirms) if not _TEST_AFTER_RE.match(text, end)]
    found.extend(conditions)
    # A derived name only fills a gap in the condition vocabulary ("candidemia"): where the
    # vocabulary reads the words ("severe pain", "schizophrenia, paranoid type"), its reading stands.
    found.extend(r for r in derived if not any(c.start < r.end and r.start < c.end for c in conditions))
    if not any(counts(r) for r in found):  # (a code written in the field is read below)
        # "Dx: accidental epinephrine injection L thumb": the field documents why, in words the
        # vocabulary does not read (whether they fit the code's uses cannot be confirmed).
        found.extend(_diagnosis_fields(text))
    for m in _ICD_RE.finditer(text):
        code = m.group(1).upper()
        if icd10.is_valid(code) and not _isotope(text, m) and not _cycle_number(text, m) and not _identifier(text, m):
            found.append(Reason(m.start(1), m.end(1), code, (code,), _supports((code,), facts), False, is_code=True))
    # Keep the longest match where they overlap; a code's own term wins a tie.
    found.sort(key=lambda r: (r.start, -(r.end - r.start), not r.from_code))
    out: list[Reason] = []
    for reason in found:
        if out and reason.start < out[-1].end:
            if reason.supports and not out[-1].supports and reason.end - reason.start >= out[-1].end - out[-1].start:
                out[-1] = reason
            continue
        out.append(reason)
    return out


# "lot M24-0913", "Lot: J45": a lot number or another identifier that starts like a code
# (data/reason_cues.json identifier_before).
_IDENTIFIER_BEFORE_RE = re.compile(rf"{phrases(_CUES.identifier_before)}\s*$", re.IGNORECASE)


def _identifier(text: str, m: re.Match[str]) -> bool:
    return runs_on_as_a_code(text, m.end(1)) or bool(_IDENTIFIER_BEFORE_RE.search(text, max(0, m.start(1) - 16), m.start(1)))


# "Next: C10 09/09/25", "cycle C3": a chemotherapy cycle's number, no cancer category code
# (data/reason_cues.json cycle_before).
_CYCLE_CODE_RE = re.compile(r"C\d{1,2}", re.IGNORECASE)
_CYCLE_BEFORE_RE = re.compile(rf"\b{phrases(_CUES.cycle_before)}\W*$", re.IGNORECASE)
_DATE_AFTER_RE = re.compile(r"[ \t]+(?:on[ \t]+)?\d{1,2}/\d{1,2}\b")


def _cycle_number(text: str, m: re.Match[str]) -> bool:
    if not _CYCLE_CODE_RE.fullmatch(m.group(1)):
        return False
    return bool(_CYCLE_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()) or _DATE_AFTER_RE.match(text, m.end()))


# "flotufolastat F18", "Ammonia N13 PET", "F18 FDG": a radionuclide's symbol and mass number, no
# diagnosis code (data/reason_cues.json isotope_codes, isotope_after).
_ISOTOPE_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z-]{3,})[ \t]$")
_ISOTOPE_AFTER_RE = re.compile(rf"[ \t-]*{phrases(_CUES.isotope_after)}\b", re.IGNORECASE)


def _isotope(text: str, m: re.Match[str]) -> bool:
    from docreview.data_files import english_words

    if m.group(1).upper() not in _CUES.isotope_codes:
        return False
    # (after a tracer's name, not after an English word: "nasopharyngeal carcinoma C11" is a code)
    before = _ISOTOPE_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
    return bool((before and before.group(1).lower() not in english_words()) or _ISOTOPE_AFTER_RE.match(text, m.end()))


_DX_FIELD_RE = re.compile(rf"^[ \t]*(?:[-*\u2022][ \t]*)?{phrases(_CUES.diagnosis_fields)}[ \t]*:[ \t]*(?P<content>[^\n]*?[A-Za-z]{{3}}[^\n]*?)[ \t.;]*$",
                          re.IGNORECASE | re.MULTILINE)

_FIELD_REFERENCE_RE = re.compile(rf"{phrases(_CUES.field_references)}", re.IGNORECASE)  # "see problem list"


def _diagnosis_fields(text: str) -> list[Reason]:
    """'Dx: relapsed CD22-positive B-cell precursor ALL': a diagnosis field the condition vocabulary
    reads nothing in still documents why (for a code with no known uses to check it against)."""
    return [Reason(m.start("content"), m.end("content"), m.group("content")[:60], (), False, False) for m in _DX_FIELD_RE.finditer(text)
            if not _FIELD_REFERENCE_RE.match(m.group("content"))]  # ("Dx: see problem list" points elsewhere)


def word_stems(text: str) -> frozenset[str]:
    """The note's word stems (first six letters), read once for `note_documents_code`."""
    return frozenset(w[:6] for w in _TOKEN_RE.findall(text.lower()) if len(w) > 2)


# ICD-10-CM description boilerplate (stems): qualifiers a note rarely repeats ("Age-related
# nuclear cataract, right eye" is documented by "cataract extraction OD").
_QUALIFIER_STEMS = frozenset({"age", "relate", "unspec", "other", "initia", "encoun", "subseq", "sequel", "withou", "with",
                              "eye", "left", "right", "bilate", "site", "specif", "elsewh", "classi", "due", "type"})


def note_documents_code(note_stems: frozenset[str], code: str) -> bool:
    """The note names the code's diagnosis in its own words: at least half the meaningful word
    stems of the code's ICD-10-CM description, or of an ancestor's ('colon polyps' for Z86.0100)."""
    for stems in description_stems(code):
        meaningful = stems - _QUALIFIER_STEMS or stems
        if len(meaningful & note_stems) * 2 >= len(meaningful):
            return True
    return False


def is_linked(text: str, reason: Reason, sentence_start: int) -> bool:
    """'for seizures', 'indication: CAP', 'dx: G40.909' — a reason tied to the administration."""
    return bool(_LINK_RE.search(text[sentence_start : reason.start]))
