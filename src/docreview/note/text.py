"""Sentences, sections and word tokens, each with character spans into the original note."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from docreview.resources import load_json

_HEADER_RE = re.compile(r"^[ \t]*([A-Za-z][A-Za-z0-9 /&()'-]{0,45}?)[ \t]*:(?!\d)", re.MULTILINE)
_CAPS_HEADER_RE = re.compile(r"^[ \t]*([A-Z][A-Z /&-]{2,45})[ \t]*$", re.MULTILINE)
# Transcriptions run sections together on one line: "..., None.,ALLERGIES: , TORADOL, ...".
# Inside a line, after a sentence or list break, an ALL-CAPS header or a known one counts.
_INLINE_HEADER_RE = re.compile(r"(?<=[.,;])[ \t]*([A-Za-z][A-Za-z /&()'-]{2,45}?)[ \t]*:(?!\d)")
# A comma with no space after it is a line break the transcription flattened ("...640,Meds this
# tx:,paricalcitol ..."): a capitalised label of a few words right after it is a header, known or
# not. Labels in capitals are _INLINE_HEADER_RE's, except a SOAP letter ("...,A: SHPT ...").
# A label with a number for its value is a field of a record ("...,Bupivacaine: 2 cc."), no header.
_LINE_BREAK_HEADER_RE = re.compile(r"(?<=[A-Za-z0-9.)%],)([A-Z][A-Za-z0-9/&()'-]*(?: [A-Za-z0-9/&()'-]+){0,4}?)[ \t]*:(?![ \t]*\d)")
# Charts set fields apart by a run of spaces: "Regimen: R-CHOP x 6      Dx: DLBCL (C83.38)".
# Transcriptions also drop the colon: "...minimal relief.,ALLERGIES,1.  PENICILLIN.,MEDICATIONS,1.  Toprol."
# A known header in capitals between two line-break commas opens a section.
_COMMA_HEADER_RE = re.compile(r"(?<=[.,])[ \t]*([A-Z][A-Z /&'-]{2,45}?)[ \t]*,(?=[ \t]*(?:\d+[.)]|[A-Z]))")
_SPACED_HEADER_RE = re.compile(r"(?<=\S)(?: {3,}|\t+)([A-Za-z][A-Za-z /&()'-]{1,30}?)[ \t]*:(?![\d/])")
# A sentence ends at a full stop/!/? followed by space and a capital or digit, at a
# semicolon, or at a line break. Decimal points and abbreviations (p.o., I.V.) do not end one.
# Transcriptions write a line break as a comma: "...was normal.,Since there was ..." ends one.
# "Tylenol No. 3" is a product's number, not a sentence's end.
# A dot leader ("hydrocortisone 100 mg IV ....... NOT GIVEN") ties a record's fields; an ellipsis
# of three dots may still end a sentence.
# An initial ("J. Smith") ends none; a unit after a number ("net -3.2 L. Home ...") may.
# "Dr. Kaczander" and "q3-4h. p.r.n." (any case) go on: the words are in data/sections.json.
@lru_cache(maxsize=2)
def _sentence_end_re(lower_case: bool = False) -> re.Pattern[str]:
    """`lower_case`: a note typed without capitals, where a full stop before a small letter ends a sentence too."""
    data = load_json("sections.json")
    not_after = "".join(rf"(?<!\b(?i:{re.escape(a)}))" for a in sorted(data.get("abbreviations", [])))
    continuations = "|".join(re.escape(a) for a in sorted(data.get("dotted_continuations", []), key=len, reverse=True))
    not_before = rf"(?!\s+(?i:{continuations})\b)" if continuations else ""
    # "Q. 2H. AND LEVAQUIN" in a note written in capitals: no sentence opens with a conjunction.
    not_before += r"(?!\s+(?:AND|OR|WITH|OF|TO|FOR|BY|AS)\b)"
    return re.compile(
        r"(?<![A-Za-z]\.[A-Za-z])(?<!(?<!\d )\b[A-Za-z])(?<!\.\.\.)" + not_after
        + (r"(?:[.!?](?=\s+[A-Za-z(]|,\s*[A-Za-z0-9(])" if lower_case else r"(?:[.!?](?=\s+[A-Z(]|,\s*[A-Z0-9(])") + not_before
        + r"|(?<!\b[Nn]o)[.!?](?=\s+[0-9]))|;|\n|" + _RECORD_START
    )


# The label a line or sentence opens with, past a bullet ("Prep: 20 mL ...", "- Hematology: ..."):
# group 1 is the label's words.
# An aside in parentheses, innermost: "(alternating thighs; last L)".
ASIDE_RE = re.compile(r"\([^()]*\)")
FIELD_LABEL_RE = re.compile(r"[ \t]*(?:[-*\u2022][ \t]*)?([A-Za-z][A-Za-z /]{0,30}?)[ \t]*:(?=[ \t]*\S)")


# A flowsheet run together on one line: a clock time after a run of spaces opens the next
# record ("Allergies: PCN  0905 PIV placed  0910 levetiracetam 1,000 mg IVPB started").
_RECORD_START = r"(?<=\S)(?= {2,}(?:[01]\d|2[0-3]):?[0-5]\d\s+[A-Za-z])"
_RECORD_START_RE = re.compile(_RECORD_START)
_RUN_ON = 160  # characters: a line this long holds several records, not a table row


def opens_labelled_field(text: str, start: int, end: int) -> bool:
    """text[start:end] (a drug's name) opens the value of its line's labelled field: "Product: Lenmeldy ..."."""
    label = FIELD_LABEL_RE.match(text, text.rfind("\n", 0, start) + 1, end)
    return label is not None and label.end() <= start and not text[label.end() : start].strip()


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """The start and end of the line that holds `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)


def _run_on_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return (len(text) if end < 0 else end) - start >= _RUN_ON

# ("mg/20,000 units": a slash does not join a word to a number with a thousands comma, whose comma is no clause break.)
_TOKEN_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[A-Za-z0-9]+(?:['/.-](?!\d{1,3},\d{3}(?!\d))[A-Za-z0-9]+)*'?[A-Za-z]*|->|[;,:]")


@dataclass(frozen=True)
class Token:
    text: str  # lower-cased
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    line: int  # index of the line it sits on
    paragraph: int


@dataclass(frozen=True)
class SectionSpan:
    header: str
    kind: str  # administration | not_given | plan | history | reason | neutral
    category: str
    start: int  # the body, after "HEADER:"
    end: int
    header_start: int = -1  # where the header itself begins (-1: not known)


@lru_cache(maxsize=1)
def _section_table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for group in load_json("sections.json")["sections"]:
        for header in group["headers"]:
            table[header] = (group["kind"], group["category"])
    return table


@lru_cache(maxsize=1)
def _header_words() -> tuple[tuple[frozenset[str], frozenset[str], tuple[str, str]], ...]:
    return tuple((frozenset(g["words"]), frozenset(g.get("unless", ())), (g["kind"], g["category"]))
                 for g in load_json("sections.json").get("header_words", []))


_BEFORE_NOW_RE = re.compile(r"\b\d+\s*(?:min|mins|minutes|h|hr|hrs|hours)\.?\s+(?:prior|before)\b")


def classify_header(header: str) -> tuple[str, str]:
    # "Home meds (per wife)" is a "home meds" header.
    key = " ".join(re.sub(r"\([^)]*\)", " ", header).lower().replace("_", " ").split())
    # "Premeds 30 min prior": before the infusion, not the patient's history.
    key = " ".join(_BEFORE_NOW_RE.sub(" ", key).split())
    found = _section_table().get(key)
    if found is not None:
        return found
    # "DISCHARGE INSTRUCTIONS/MEDICATIONS": a joined header takes the kind of its first listed part.
    table = _section_table()
    parts = [" ".join(p.split()) for p in re.split(r"[/&]|\band\b", key) if p.strip()]
    if len(parts) > 1:
        first = parts[0].split()
        listed = [table.get(p) or table.get(" ".join([*first[:-1], p])) for p in parts]
        found = next((kind for kind in listed if kind is not None), None)
        if found is not None:
            return found
    # A header the table does not list speaks by its words: "Treatment history", "PACU orders".
    words = set(re.findall(r"[a-z]+", key))
    return next((kind for group, unless, kind in _header_words() if not words.isdisjoint(group) and words.isdisjoint(unless)),
                ("neutral", "NEUTRAL"))


def _known_header(header: str) -> bool:
    """Listed in data/sections.json, or named by its words ("SOCIAL HISTORY")."""
    key = " ".join(header.lower().split())
    return key in _section_table() or classify_header(key)[0] != "neutral"


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.group(0).lower(), m.start() + start, m.end() + start) for m in _TOKEN_RE.finditer(text[start:end])]


def sentences(text: str, breaks: Iterable[int] = ()) -> list[Sentence]:
    """Sentences with spans; a sentence also ends where a section header begins (`breaks`):
    a transcription line "..., 724.4.,INJECTATE USED: 10 mL ..." holds two sentences."""
    out = _sentences(text)
    cuts = sorted(set(breaks))
    if not cuts:
        return out
    split: list[Sentence] = []
    for sent in out:
        lo = bisect_right(cuts, sent.start)
        hi = bisect_left(cuts, sent.end)
        start = sent.start
        for cut in cuts[lo:hi]:
            piece = text[start:cut]
            if piece.strip(" \t,;:"):
                lead = len(piece) - len(piece.lstrip())
                split.append(Sentence(start + lead, start + len(piece.rstrip()), sent.line, sent.paragraph))
            start = cut
        split.append(Sentence(start, sent.end, sent.line, sent.paragraph))
    return split


def _double_spaced(text: str) -> bool:
    """Most lines are followed by a blank one: the blank lines are layout, not paragraph breaks."""
    gaps = re.findall(r"\n[ \t]*(?:\n[ \t]*)*(?=\S)", text.strip())
    return len(gaps) >= 2 and sum(g.count("\n") > 1 for g in gaps) >= 0.6 * len(gaps)


def _sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    line_no, paragraph, cursor = 0, 0, 0
    blank_lines, paragraph_gap = 0, 2 if _double_spaced(text) else 1
    for match in _sentence_end_re(_no_capitals(text)).finditer(text + "\n"):
        if match.group(0) != "\n" and inside_parentheses(text, cursor, match.start()):
            continue  # "Octagam (substituted; Privigen on backorder), 25 g" is one sentence
        if match.group(0) == "" and not _run_on_line(text, match.start()):
            continue  # a time in a table row's column ("metoprolol 25 mg PO  0900  HELD") opens no record
        if match.group(0) == "\n" and _wrapped(text, match.start()):
            line_no += 1  # a long line the record wrapped mid-sentence: the sentence goes on
            continue
        if match.group(0) == "\n" and _gloss_goes_on(text, cursor, match.start()):
            line_no += 1  # "PHESGO 15 mL SUBCUT" / "   (pertuzumab 1,200 mg / trastuzumab 600 mg)": its gloss
            continue
        end = min(match.start() + (match.group(0) in ".!?"), len(text))
        segment = text[cursor:end]
        if segment.strip(" \t\n,"):
            lead = len(segment) - len(segment.lstrip(" \t\n,"))  # not the comma of a transcription's line break
            trail = len(segment.rstrip())
            out.append(Sentence(cursor + lead, cursor + trail, line_no, paragraph))
        if match.group(0) == "\n":
            # Lines are counted by content: a blank line is no line of the record ("the next line").
            if segment.strip() == "" and text[max(0, cursor - 1) : cursor] == "\n":
                blank_lines += 1
                if blank_lines == paragraph_gap:
                    paragraph += 1
            else:
                line_no += 1
                blank_lines = 0
        cursor = match.end()
    return out


_WRAP_WIDTH = 60  # a line shorter than this ended where its writer ended it


def _wrapped(text: str, pos: int) -> bool:
    """'... uterus sounded to 7.5 cm. Device' / 'inserted into the uterine cavity ...': a long line
    (text extracted from a PDF or a fax) broken mid-sentence, the next line going on in small letters."""
    line = text[text.rfind("\n", 0, pos) + 1 : pos].rstrip()
    # Not a table's rows ("| GIVEN 0915-1145, per protocol" / "cyclophosphamide | 750 mg/m2") nor a
    # record opening with its drug and dose ("vancomycin 1,250 mg in 250 mL NS IV",
    # "quinupristin/dalfopristin (Synercid) 7.5 mg/kg").
    after = re.match(r"[ \t]*[a-z](?!\S*(?:[ \t]+\([^()\n]{1,40}\))?[ \t]+\d)", text[pos + 1 : pos + 80])
    return len(line) >= _WRAP_WIDTH and bool(re.search(r"[a-z,]$", line)) and "|" not in line and after is not None


# An indented line opening with a parenthesis of more than one word (not a list marker or a lone
# word: "(1)", "(a)", "(cont)").
_GLOSS_LINE_RE = re.compile(r"[ \t]+\([ \t]*[A-Za-z][A-Za-z-]+(?![A-Za-z-]*\))")


def _gloss_goes_on(text: str, start: int, pos: int) -> bool:
    """A parenthesis written under its record line, indented ("(pertuzumab 1,200 mg / ...") or one
    opened on the line that closes on the next: the record's gloss, no sentence of its own."""
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    if not line.strip():
        return False
    nxt_end = text.find("\n", pos + 1)
    nxt = text[pos + 1 : nxt_end if nxt_end != -1 else len(text)]
    if _GLOSS_LINE_RE.match(nxt):
        return True
    before = text[max(start, pos - len(line)) : pos]
    return before.count("(") > before.count(")") and ")" in nxt and "(" not in nxt.split(")", 1)[0]


def inside_parentheses(text: str, start: int, pos: int) -> bool:
    """An opened parenthesis that closes later on the same line."""
    before = text[start:pos]
    if before.count("(") <= before.count(")"):
        return False
    line_end = text.find("\n", pos)
    after = text[pos : line_end if line_end != -1 else len(text)]
    return ")" in after


def _capitals_share(text: str) -> float | None:
    """The share of the note's letters written as capitals (None for a note too short to tell)."""
    letters = re.findall(r"[A-Za-z]", text)
    return sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 40 else None


def _no_capitals(text: str) -> bool:
    share = _capitals_share(text)
    return share is not None and share <= 0.02


def _all_caps(text: str) -> bool:
    share = _capitals_share(text)
    return share is not None and share >= 0.9


@lru_cache(maxsize=1)
def _lead_in_endings() -> frozenset[str]:
    return frozenset(load_json("sections.json").get("lead_in_endings", []))


def _lead_in(header: str) -> bool:
    """'The patient's medications on admission include:' is a sentence introducing the lines
    under it, not a header of its own: not in capitals, not a known header, and six words or
    more or ending on a verb that introduces a list ('Right now include:'). An aside is no part
    of the count: 'Charge capture (auto from pump library):' is a header of two words."""
    words = re.sub(r"\([^()]*\)", " ", header).lower().split()
    return (bool(words) and header != header.upper() and classify_header(header)[0] == "neutral"
            and (len(words) >= 6 or words[-1] in _lead_in_endings()))


def sections(text: str) -> list[SectionSpan]:
    """Header-delimited regions; text before the first header is a neutral section."""
    marks: list[tuple[int, int, str]] = []  # (header start, content start, header text)
    # In a note written all in capitals, capitals mark no header: only a known one counts.
    shouting = _all_caps(text)
    for m in _HEADER_RE.finditer(text):
        if not _lead_in(m.group(1)):
            marks.append((m.start(1), m.end(), m.group(1)))
    for m in _CAPS_HEADER_RE.finditer(text):
        if not shouting or classify_header(m.group(1).strip())[0] != "neutral":
            marks.append((m.start(1), m.end(), m.group(1)))
    for m in _SPACED_HEADER_RE.finditer(text):
        if classify_header(m.group(1).strip())[0] != "neutral":
            marks.append((m.start(1), m.end(), m.group(1)))
    if not shouting:
        for m in _COMMA_HEADER_RE.finditer(text):
            if _known_header(m.group(1)):
                marks.append((m.start(1), m.end(), m.group(1)))
    for m in _INLINE_HEADER_RE.finditer(text):
        header = m.group(1).strip()
        if header.count("(") != header.count(")"):
            continue  # "Order (Dr. Whelan, allergy/immunology): ...": the end of an aside, no header
        if header == header.upper() or classify_header(header)[0] != "neutral":
            marks.append((m.start(1), m.end(), m.group(1)))
    for m in _LINE_BREAK_HEADER_RE.finditer(text):
        header = m.group(1).strip()
        if (header != header.upper() and not _lead_in(header)) or (len(header) == 1 and _known_header(header)):
            marks.append((m.start(1), m.end(), m.group(1)))
    marks = sorted(set(marks))
    out: list[SectionSpan] = []
    double_spaced = _double_spaced(text)
    for i, (_h_start, c_start, header) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        stop = min(stop, _section_end(text, c_start, double_spaced))
        kind, category = classify_header(header)
        out.append(SectionSpan(header.strip(), kind, category, c_start, stop, _h_start))
    return out


_CONTINUATION_RE = re.compile(r"[ \t]+\S|[ \t]*[-*•]\s|[ \t]*\d+[.)]\s")
# " 0925 Asceniv 248 mL IV": an indented line that opens with a clock time is a record of its own,
# not the field above it continued ("Order: Asceniv 0.4 g/kg = 24.8 g IV.").
_TIMED_LINE_RE = re.compile(r"[ \t]+(?:[01]\d|2[0-3]):?[0-5]\d\s+[A-Za-z]")


def _section_end(text: str, content_start: int, double_spaced: bool = False) -> int:
    """Where a section's body ends.

    'Allergies: NKDA' (text on the header line) covers that line and any indented or
    bulleted lines under it; a header alone on its line covers the lines below it (past blank
    lines right under it) up to a blank line. In a double-spaced note it takes two blank lines
    to end a section.
    """
    line_end = text.find("\n", content_start)
    if line_end < 0:
        line_end = len(text)
    inline = text[content_start:line_end].strip() != ""
    record = _RECORD_START_RE.search(text, content_start, line_end) if inline and _run_on_line(text, content_start) else None
    if record is not None:
        return record.start()  # "Allergies: PCN  0905 PIV placed": the field ends where the next record opens
    if line_end == len(text):
        return len(text)
    pos, body_started, blanks = line_end, inline, 0
    last_end = line_end  # the end of the section's last line with text
    while pos < len(text):
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos + 1 : nxt]
        if not line.strip():
            blanks += 1
            if body_started and blanks >= (2 if double_spaced else 1):
                return last_end
        elif inline and (not _CONTINUATION_RE.match(line) or _TIMED_LINE_RE.match(line)):
            return last_end
        else:
            body_started, blanks, last_end = True, 0, nxt
        pos = nxt
    return len(text)


def section_at(spans: Sequence[SectionSpan], pos: int) -> SectionSpan | None:
    # A header's own line counts as its section ("Home meds: Keppra 500 mg").
    for span in spans:
        if span.start - len(span.header) - 2 <= pos < span.end:
            return span
    return None


def enclosing_parenthesis(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The parenthesis text[start:end] stands in, looked for within [lo, hi): the offsets of its
    "(" and its ")" (-1 when it does not close by hi); None when it stands in none."""
    opened = text.rfind("(", lo, start)
    if opened < 0 or ")" in text[opened:start]:
        return None
    return opened, text.find(")", end, hi)
