"""Drug names nobody listed, read the way a coder reads a medication list.

A lexicon never holds every brand ("Topamax", "Coreg", "Symbicort"). A word that is neither
common English (data/english_words.json) nor a clinical word the project knows reads as a
drug name when the note treats it as one:

- a strength in a dose unit follows it ("Topamax 100 mg", "Sarapin: 1 cc"; a lab unit such
  as mg/dL does not count), or a dosing frequency or dose form ("Flomax daily", "Atrovent
  inhaler");
- a drug verb frames it ("started on Trileptal", "Coreg held this AM"), or a route word
  stands right before it ("Topical EMLA applied");
- it is coordinated with a known drug ("Reglan, Pepcid, and Carafate"), glosses one
  ("Lotensin (benazepril)"), or stands as an item of a medication/allergy list;
- the same word was recognised as a drug elsewhere in the note.

A vaccine is named by the words before a vaccine head word ("Shingrix vaccine"). The cues are
in data/drug_shape.json. Lower-case words count only with a drug-name stem (USAN: -olol,
-pril, -statin...) or as list items. Found names carry no billing code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from docreview.note.amounts import find_amounts
from docreview.note.text import FIELD_LABEL_RE, sections

if TYPE_CHECKING:
    from docreview.data_files import DrugShapeFile

_CANDIDATE_RE = re.compile(r"(?<![\w/.-])[A-Za-z][a-zA-Z]{3,}(?![\w/])")
# A name joined by hyphens ("Klor-Con", "K-Dur", "LMX-4"); "Afrin-soaked" leaves "Afrin" a word of its own.
_JOINED_RE = re.compile(r"(?<![\w/.-])[A-Za-z][a-zA-Z]*(?:-[A-Za-z0-9]+)+(?![\w/-])")
_STRENGTH_RE = re.compile(
    r"(?:[ \t-]+(?:[A-Za-z]{1,3}|\d{1,3}|[A-Z][a-zA-Z]+)(?=[\s,:]))?[ \t,:]*\(?\d[\d,]*(?:\.\d+)?(?:/\d[\d.]*)?"
    r"(?:[ \t]+\d+)?[ \t]*([A-Za-z]+|%)(?:[ \t]*/[ \t]*([A-Za-z0-9]+))?"
)
_NEXT_WORDS_RE = re.compile(r"[A-Za-z0-9.%-]+|[,;:()\n]")
_ITEM_START_RE = re.compile(r"(?:^|[:,;]|\n|[-*•]|\d[.)]|\band|\bor)[ \t]*$", re.IGNORECASE)
_ITEM_END_RE = re.compile(r"[ \t]*(?:$|[,.;(\n]|and\b|or\b)", re.IGNORECASE)
_COORDINATED_RE = re.compile(r"[ \t]*(?:,|/|\band\b|\bor\b|,[ \t]*and\b|,[ \t]*or\b)[ \t]*", re.IGNORECASE)
_GLOSS_RE = re.compile(r"[ \t]*\([ \t]*")
_WORDS_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SUTURE_SIZE_RE = re.compile(r"\d-0[ \t]+$")
_WORD_GAP_RE = re.compile(r"[A-Za-z][ \t]+$")
_LIST_LINE_RE = re.compile(r"[ \t]*(?:\d{1,2}[.)]|[-*•])[ \t]")
_LIST_REACH = 150  # characters: a drug item this close on the line makes a list a medication list


@dataclass(frozen=True)
class ShapeCues:
    dose_units: frozenset[str]
    lab_unit_after: frozenset[str]
    frequencies: frozenset[str]
    dose_forms: frozenset[str]
    vaccine_heads: frozenset[str]
    vaccine_stop: frozenset[str]
    list_categories: frozenset[str]
    inn_stems: tuple[str, ...]
    before: tuple[tuple[str, ...], ...]
    after: frozenset[str]
    device_after: frozenset[str]
    word_prefixes: tuple[str, ...]
    known_words: frozenset[str]  # English and clinical words: never an unknown drug name
    vaccine_re: re.Pattern[str]


@lru_cache(maxsize=1)
def shape_cues() -> ShapeCues:
    from docreview.data_files import DrugShapeFile, data_file_as

    cues = data_file_as("drug_shape.json", DrugShapeFile)
    known = _known_words(cues)
    heads = "|".join(sorted(cues.vaccine_heads, key=len, reverse=True))
    return ShapeCues(
        frozenset(cues.dose_units), frozenset(cues.lab_unit_after), frozenset(cues.frequencies), frozenset(cues.dose_forms),
        frozenset(cues.vaccine_heads), frozenset(cues.vaccine_stop), frozenset(cues.list_categories), tuple(cues.inn_stems),
        tuple(tuple(p.split()) for p in cues.before), frozenset(cues.after), frozenset(cues.device_after),
        tuple(cues.word_prefixes),
        frozenset(known), re.compile(rf"\b({heads})\b", re.IGNORECASE),
    )


def _known_words(cues: DrugShapeFile) -> frozenset[str]:
    """English and clinical words, kept between runs as one string (30,000 words from three
    files took a cold check about 15 ms to gather)."""
    from docreview.derived_cache import derived
    from docreview.resources import load_json

    def gather() -> str:
        words = set(load_json("english_words.json")["words"]) | set(cues.not_drugs) | _clinical_words()
        return "\n".join(sorted(words))

    return frozenset(derived("known-words", "", gather).split("\n"))


def _clinical_words() -> set[str]:
    """Words of the project's own vocabularies (conditions, purposes, section headers, cues)."""
    from docreview.resources import load_json

    words: set[str] = set()

    def add(phrase: str) -> None:
        words.update(re.findall(r"[a-z]+", phrase.lower()))

    for condition in load_json("conditions.json")["conditions"]:
        add(condition["name"])
        for term in condition["terms"]:
            add(term)
    for purpose in load_json("purposes.json")["purposes"]:
        for cue in purpose["cues"]:
            add(cue)
    for group in load_json("sections.json")["sections"]:
        for header in group["headers"]:
            add(header)
    for rule in load_json("context_rules.json")["context_rules"]:
        add(rule["literal"])
    for key, value in load_json("role_cues.json").items():
        if not key.startswith("_"):
            for item in value:
                add(item if isinstance(item, str) else " ".join(item))
    drug_words = load_json("drug_words.json")
    for term in drug_words["stop_terms"] + drug_words["salts"] + drug_words["labelers"]:
        add(term)  # "acetonide" is a salt word, "Kabi" (Fresenius Kabi) a maker: not drugs of their own
    for unit in load_json("units.json")["note_units"]:
        add(unit)
    return words


class _Reader:
    def __init__(self, text: str, taken: list[tuple[int, int]], cues: ShapeCues) -> None:
        self.text, self.cues = text, cues
        self.taken = sorted(taken)
        self._list_spans: list[tuple[int, int]] | None = None

    def free(self, start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in self.taken)

    def list_spans(self) -> list[tuple[int, int]]:
        if self._list_spans is None:
            self._list_spans = [(s.start, s.end) for s in sections(self.text) if s.category in self.cues.list_categories]
        return self._list_spans

    def evidence(self, start: int, end: int, capitalised: bool, stem: bool) -> bool:
        # "Metzenbaum scissors", "Vicryl suture", "2-0 Vicryl": an instrument or suture, not a drug.
        after = _WORDS_RE.findall(self.text[end : end + 20].lower())[:1]
        if (after and after[0] in self.cues.device_after) or _SUTURE_SIZE_RE.search(self.text, max(0, start - 6), start):
            return False
        # "Pump: Medtronic SynchroMed II 40 mL": a name among the first words of a device's field is the device's.
        label = FIELD_LABEL_RE.match(self.text, self.text.rfind("\n", 0, start) + 1)
        # ("Procedure: site prepped. Zorbex 5 mg/mL ...": past the field's first sentence the name is no longer the device's.)
        if (label and label.end() <= start and label.group(1).split()[-1].lower() in self.cues.device_after
                and len(self.text[label.end() : start].split()) <= 2 and not re.search(r"[.;]\s", self.text[label.end() : start])):
            return False
        if (capitalised or stem) and (self.dose_follows(end) or self.verb_frames(start, end) or self.beside_drug(start, end)
                                      or self.route_before(start)):
            return True
        return self.list_item(start, end, capitalised)

    def dose_follows(self, end: int) -> bool:
        """A strength in a dose unit, a frequency or a dose form right after the word."""
        text, cues = self.text, self.cues
        strength = _STRENGTH_RE.match(text, end, end + 40)
        if strength and strength.group(1).lower() in cues.dose_units:
            if strength.group(1).lower() in ("g", "gm") and not find_amounts(text, strength.start(), strength.end()):
                return False  # "port (Huber 20g)": a needle's gauge, not grams
            return (strength.group(2) or "").lower() not in cues.lab_unit_after
        words = [w.lower().rstrip(".") for w in _NEXT_WORDS_RE.findall(text, end, end + 30)[:3]]
        if words and words[0] in cues.dose_forms:
            return True
        for w in words:
            if w in cues.frequencies or f"{w}." in cues.frequencies:
                return True
            if w in {",", ";", ":", "(", ")", "\n"}:
                break
        return False

    def verb_frames(self, start: int, end: int) -> bool:
        """'started on Trileptal', 'after receiving Maalox', 'Coreg held this AM'."""
        before = tuple(_WORDS_RE.findall(self.text[max(0, start - 30) : start].lower()))
        if any(len(before) >= len(p) and before[-len(p) :] == p for p in self.cues.before):
            return bool(_WORD_GAP_RE.search(self.text, max(0, start - 4), start))  # no punctuation between
        after = _WORDS_RE.findall(self.text[end : end + 20].lower())
        return bool(after) and after[0] in self.cues.after and self.text[end : end + 1] == " "

    def route_before(self, start: int) -> bool:
        """'Topical EMLA applied', 'IV Toradol': a route word right before it is the drug's own."""
        before = _WORDS_RE.findall(self.text[max(0, start - 20) : start].lower())[-1:]
        return bool(before) and _route_word(before[0]) and bool(_WORD_GAP_RE.search(self.text, max(0, start - 4), start))

    def beside_drug(self, start: int, end: int) -> bool:
        """Coordinated with a known drug ('Pepcid, and Carafate') or glossing one ('Lotensin (benazepril)')."""
        for s, e in self.taken:
            if e <= start and _COORDINATED_RE.fullmatch(self.text, e, start):
                return True
            if s >= end and (_COORDINATED_RE.fullmatch(self.text, end, s) or _GLOSS_RE.fullmatch(self.text, end, s)):
                return True
            if e <= start and self.text[e:start].strip() == "(":
                return True
        return False

    def list_item(self, start: int, end: int, capitalised: bool) -> bool:
        """An item of a medication/allergy list, or of a list whose other items are drugs."""
        text = self.text
        line_start = max(text.rfind("\n", 0, start) + 1, start - 30)
        if not _ITEM_START_RE.search(text[line_start:start]) or not _ITEM_END_RE.match(text, end):
            return False
        if any(s - 40 <= start < e for s, e in self.list_spans()):
            return True
        # "1. Fosamax., 2. TriCor., 3. Gabapentin.": another item of the list is a known drug.
        return capitalised and any(
            abs(s - start) <= _LIST_REACH and _one_list(text[min(s, start) : max(s, start)])
            and _ITEM_START_RE.search(text[max(0, s - 30) : s]) for s, _ in self.taken
        )


def _one_list(between: str) -> bool:
    """Two items of one list: on one line, or on lines each opening with an item's number or bullet."""
    return all(_LIST_LINE_RE.match(line) for line in between.split("\n")[1:])


# "Titration dose wk 1-2: 0.0625 mg": an English action noun, no drug's name.
_NOUN_ENDING_RE = re.compile(r"[a-z]{3,}(?:tion|sion)s?")


def _known(word: str, cues: ShapeCues) -> bool:
    """An English or clinical word, or one made from it: 'ligaments', 'unremarkable'. A word
    joined by hyphens is a name only with a word of three letters or more that is not known, and
    not when it ends in a known word ('Klor-Con', 'K-Dur', 'LMX-4'; not 'follow-up', 'K-wire',
    'Steri-Strips', or initials, 'RN-AB')."""
    if "-" in word:
        parts = [p for p in word.split("-") if p.isalpha()]
        unknown = [p for p in parts if len(p) >= 3 and not _known(p, cues)]
        return not unknown or (len(parts[-1]) >= 3 and _known(parts[-1], cues)) or _known(word.replace("-", ""), cues)
    known = cues.known_words
    if word in known or _NOUN_ENDING_RE.fullmatch(word):
        return True
    for suffix in ("s", "es", "ed", "ing", "ly", "al"):
        if word.endswith(suffix) and word[: -len(suffix)] in known:
            return True
    return any(word.startswith(p) and word[len(p) :] in known for p in cues.word_prefixes)


@lru_cache(maxsize=4096)
def _route_word(word: str) -> bool:
    """A route written as one word ("SUBCUT" in an all-caps note) is no drug name."""
    from docreview.note.vocab import route_vocabulary

    return any(r.start == 0 and r.end == len(word) for r in route_vocabulary().find(word))


def find_unknown_drugs(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of each drug name the shape of the note gives away, outside `taken`."""
    cues = shape_cues()
    reader = _Reader(text, taken, cues)
    candidates = []
    joined = [m for m in _JOINED_RE.finditer(text) if not _known(m.group(0).lower(), cues)]
    for m in sorted([*joined, *_CANDIDATE_RE.finditer(text)], key=lambda m: m.start()):
        word = m.group(0).lower()
        if "-" not in word and any(j.start() <= m.start() < j.end() for j in joined):
            continue  # "Klor" of "Klor-Con"
        # (a dose form or device is the drug's, never one: "Advair Diskus")
        if not _known(word, cues) and word not in cues.dose_forms and not _route_word(word) and reader.free(m.start(), m.end()):
            candidates.append((m.start(), m.end(), word, m.group(0)[0].isupper(), word.endswith(cues.inn_stems)))
    found: dict[int, tuple[int, int, str]] = {}
    changed = True
    while changed:  # a newly found drug can make its list neighbour one ("Pepcid, Carafate, and Zantac")
        changed = False
        for start, end, word, capitalised, stem in candidates:
            if start not in found and reader.evidence(start, end, capitalised, stem):
                found[start] = (start, end, word)
                reader.taken.append((start, end))
                changed = True
    # The same word recognised once is the same drug wherever the note names it again.
    names = {name for _, _, name in found.values()}
    for start, end, word, _, _ in candidates:
        if word in names and start not in found:
            found[start] = (start, end, word)
            reader.taken.append((start, end))
    out = list(found.values())
    out.extend(v for v in _vaccines(text, cues) if reader.free(v[0], v[1]))
    out.sort()
    return out


def _vaccines(text: str, cues: ShapeCues) -> list[tuple[int, int, str]]:
    """'Shingrix vaccine', 'influenza vaccination', 'COVID booster': the words before the head."""
    out = []
    for m in cues.vaccine_re.finditer(text):
        start = m.start()
        base = max(0, m.start() - 40)
        taken = 0
        for w in reversed(list(re.finditer(r"[A-Za-z0-9-]+", text[base : m.start()]))):
            gap = text[base + w.end() : start]
            word = w.group(0)
            # "a flu vaccine" stops at "a"; "hepatitis A vaccine" names the vaccine with it.
            if taken == 2 or (word.lower() in cues.vaccine_stop and word != "A") or gap.strip():
                break
            start = base + w.start()
            taken += 1
        if taken:
            out.append((start, m.end(), " ".join(text[start : m.end()].lower().split())))
    return out
