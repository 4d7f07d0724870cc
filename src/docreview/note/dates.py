"""Calendar dates in a note, and the date each giving is told on.

Edge case 5 sums the administrations *on the date of service*. Notes often tell other days'
doses beside today's ("Last Prolia 60 mg SC given 04/18 in clinic", "D1-2 given 04/06 and
04/07", a flowsheet with a "06/12:" line over each day's rows). A giving dated to another day
than the claim's is no administration of the billed line; a giving with no date of its own is
told on the note's day.

A date is read as written: "04/18", "4/18/25", "2025-04-18", "April 18, 2025". A bare
month/day ("3/3") is only a date where a date is expected (after "on", "given", "last" ...,
at the start of a line or record, or before a clock time): "MSSA in 3/3 cultures" is a ratio.
Expiry, birth, lot and order dates are never a giving's date.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

_MONTHS = {name: i + 1 for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march",), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
)) for name in names}  # "mar" is left out: MAR is the administration record
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"

_FULL_RE = re.compile(
    rf"(?<![\d/.-])(?:(?P<iy>(?:19|20)\d\d)-(?P<im>{_MON})-(?P<id>{_DAY})"
    rf"|(?P<m>{_MON})(?P<sep>[/-])(?P<d>{_DAY})(?P=sep)(?P<y>\d{{4}}|\d{{2}}))(?![\d/])"
)
# "05/2025", "May 2025", "March of 2007": a month, told with its year.
_MONTH_YEAR_RE = re.compile(rf"(?<![\d/.:-])(?P<m>{_MON})/(?P<y>(?:19|20)\d\d)(?![\d/])")
_NAMED_MONTH_RE = re.compile(rf"\b(?P<mn>{_MONTH})\.?,?\s+(?:of\s+)?(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_SHORT_RE = re.compile(rf"(?<![\d/.:-])(?P<m>{_MON})/(?P<d>{_DAY})(?![\d/]|\.\d)")
_NAMED_RE = re.compile(
    rf"\b(?:(?P<mn>{_MONTH})\.?\s+(?P<d>{_DAY})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?"
    rf"|(?P<d2>{_DAY})(?:st|nd|rd|th)?\s+(?P<mn2>{_MONTH})\.?,?\s+(?P<y2>(?:19|20)\d\d))\b(?!\s*(?:mg|mcg|ml|units?|g)\b)",
    re.IGNORECASE,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "mon", "tues", "tue", "wed", "thurs", "thur", "thu", "fri", "sat", "sun")
# Words after which a bare "4/18" is a date.
_SHORT_CUE_RE = re.compile(
    r"(?:^|[|]|\b(?:on|given|dated?|dos|since|until|thru|through|last|prior|previous|next|administered|received|"
    r"infused|injected|started|completed|hung|visit|dose|due|d\d+|day\s*\d+|c\d+d\d+|cycle\s*\d+|wk\s*\d+|week\s*\d+|"
    rf"{'|'.join(_WEEKDAYS)})[:,.]?"
    r")\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_CHAIN_RE = re.compile(r"\s*(?:,|and|&|-|to|thru|through)\s*", re.IGNORECASE)
_COUNTED_DOSE_RE = re.compile(r"(?<!last )(?<!next )(?<!prior )\b(?:dose|infusion|injection|cycle|#)\s*$", re.IGNORECASE)
_PAIN_RE = re.compile(r"\b(?:pain|score|scale|rated|rates|severity|vas|nrs|strength|murmur)\b", re.IGNORECASE)
_AFTER_SHORT_RE = re.compile(r"\s*(?::|@|at\b|\|?\s*(?:[01]\d[0-5]\d\b|2[0-3][0-5]\d\b|\d{1,2}:\d\d))", re.IGNORECASE)  # "03/05 | 0805" in a grid too
# A date that is not a day of giving: a product's expiry or use-by, a vial's first opening, a birth, a lot, an order.
_NOT_GIVING_RE = re.compile(
    r"\b(?:exp(?:ires?|iry|iration)?(?:\s+date)?|bud|beyond[\s-]use(?:\s+date)?|use\s+by|discard\s+after|dob|d\.o\.b|born|"
    r"birth\s*date|date\s+of\s+birth|lmp|edd|lot(?:\s*#)?(?:\s*\S+)?|"
    # "5 mL multi-dose vial, opened 02/07/23": the day the vial was first opened
    r"(?:first\s+)?(?:opened|punctured|accessed|open\s+date|date\s+opened)(?:\s+on)?|"
    # "ordered Dr. Amari 03/09": the day of the order, not of a giving under it
    r"order(?:ed|\s+date)?(?:\s+by)?(?:\s+(?:dr\.?\s*)?[a-z][a-z.'-]*)?(?:\s+on)?)\.?\s*[:#]?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    month: int
    day: int  # 0: a whole month ("after 3.0 mL Radiesse 05/2025"), written with its year
    year: int | None = None

    def same_day(self, other: date) -> bool:
        if not self.day:
            return (self.month, self.year) == (other.month, other.year)
        return (self.month, self.day) == (other.month, other.day) and self.year in (None, other.year)

    def may_share_a_day(self, other: DateMention) -> bool:
        """The two dates could be one day: the same month, and the same day unless one is a whole month."""
        return (self.month == other.month and (not self.day or not other.day or self.day == other.day)
                and (self.year is None or other.year is None or self.year == other.year))

    def __str__(self) -> str:
        if not self.day:
            return f"{self.month:02d}/{self.year}"
        return f"{self.month:02d}/{self.day:02d}" + (f"/{self.year}" if self.year else "")


def _year(written: str | None) -> int | None:
    if not written:
        return None
    year = int(written)
    return year + 2000 if year < 100 else year


def _valid(month: int, day: int, year: int | None) -> bool:
    try:
        date(year or 2024, month, day)  # 2024: a leap year, so 02/29 stands without a year
    except ValueError:
        return False
    return True


def find_dates(text: str) -> tuple[DateMention, ...]:
    """Every calendar date in the note that could be a day of giving, in order."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in _FULL_RE.finditer(text):
        if m.group("iy"):
            month, day, year = int(m.group("im")), int(m.group("id")), int(m.group("iy"))
        else:
            month, day, year = int(m.group("m")), int(m.group("d")), _year(m.group("y"))
        found.append(DateMention(m.start(), m.end(), month, day, year))
        taken.append((m.start(), m.end()))
    for m in _NAMED_RE.finditer(text):
        name = (m.group("mn") or m.group("mn2")).lower()
        found.append(DateMention(m.start(), m.end(), _MONTHS[name], int(m.group("d") or m.group("d2")), _year(m.group("y") or m.group("y2"))))
        taken.append((m.start(), m.end()))
    for m in [*_MONTH_YEAR_RE.finditer(text), *_NAMED_MONTH_RE.finditer(text)]:
        if any(s <= m.start() < e for s, e in taken):
            continue
        month = _MONTHS[m.group("mn").lower()] if "mn" in m.groupdict() else int(m.group("m"))
        found.append(DateMention(m.start(), m.end(), month, 0, int(m.group("y"))))
        taken.append((m.start(), m.end()))
    for m in _SHORT_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        chained = any(0 < m.start() - d.end <= 12 and _CHAIN_RE.fullmatch(text, d.end, m.start()) for d in found)  # "04/06 and 04/07"
        if not (chained or _SHORT_CUE_RE.search(text[max(line_start, m.start() - 30) : m.start()]) or _AFTER_SHORT_RE.match(text, m.end())):
            continue
        if _PAIN_RE.search(text, max(line_start, m.start() - 40), min(len(text), m.end() + 12)):
            continue  # "pain 7/10", "rated 3/10": a score
        if _COUNTED_DOSE_RE.search(text, max(line_start, m.start() - 12), m.start()) and int(m.group("m")) <= int(m.group("d")) <= 12:
            continue  # "dose 4/6 after HD": the fourth dose of six, not April 6
        found.append(DateMention(m.start(), m.end(), int(m.group("m")), int(m.group("d"))))
    kept = [d for d in found if _valid(d.month, d.day or 1, d.year)
            and not _NOT_GIVING_RE.search(text, max(0, d.start - 30), d.start)]
    return tuple(sorted(kept, key=lambda d: d.start))


_HEADING_WORDS = frozenset({
    "day", "dos", "date", "visit", "infusion", "injection", "dose", "cycle", "today", "prior", "previous", "last", "next",
    *_WEEKDAYS, "on", "of", "service",
})


# Text an EHR copied forward from an earlier visit is dated by its banner, up to "*** end copied text ***".
_COPY_WORDS = frozenset({"copied", "carried", "pasted"})
_COPY_END_RE = re.compile(r"^.*\bend\s+(?:of\s+)?(?:the\s+)?(?:copied|carried|pasted)\b.*$", re.IGNORECASE | re.MULTILINE)
_BLOCK_END_RE = re.compile(r"\n[ \t]*\n|\n[ \t]*[A-Za-z][A-Za-z /&-]{0,40}:[ \t]*(?=\n|$)")


def date_headings(text: str, dates: tuple[DateMention, ...]) -> list[tuple[int, int, DateMention]]:
    """Lines that hold only a date (and words such as "Day 2", "Wed", "Visit"), or a banner over text
    copied forward from that date: each dates the lines under it, up to the next such line, a blank
    line or a header line with no date (a copy banner, up to its end marker).
    (line start, end of its block, date), in order."""
    out: list[tuple[int, int, DateMention]] = []
    for d in dates:
        if not d.day:
            continue  # a month dates no lines under it
        start = text.rfind("\n", 0, d.start) + 1
        end = text.find("\n", d.end)
        end = len(text) if end < 0 else end
        rest = (text[start : d.start] + " " + text[d.end : end]).lower()
        words = re.findall(r"[a-z]+|\d+", rest)
        # A banner line: "*** Copied forward from 05/12/2025 visit - review and update ***" (a few words).
        copied = len(words) <= 10 and not _COPY_WORDS.isdisjoint(words)
        if not copied and (len(words) > 4 or not all(w in _HEADING_WORDS or (w.isdigit() and len(w) <= 2) for w in words)):
            continue
        if out and out[-1][0] == start:
            continue  # one heading a line ("04/06 - 04/07": the first)
        block_end = _BLOCK_END_RE.search(text, end)
        block_end_at = block_end.start() if block_end else len(text)
        copy_end = _COPY_END_RE.search(text, end, block_end_at) if copied else None
        out.append((start, copy_end.end() if copy_end else block_end_at, d))
    for k in range(len(out) - 1):
        start, end, d = out[k]
        out[k] = (start, min(end, out[k + 1][0]), d)
    return out


def _open_parenthesis(text: str, start: int, end: int) -> bool:
    """text[start:end] opens a parenthesis it does not close, or closes one it did not open."""
    depth = 0
    for ch in text[start:end]:
        depth += 1 if ch in "([" else -1 if ch in ")]" else 0
        if depth < 0:
            return True
    return depth != 0


@dataclass(frozen=True)
class DayMarker:
    """A day counted from an event: "DOL 18", "HD#3", "POD 2"."""

    start: int
    end: int
    kind: str  # "life", "hospital", "postop" or "treatment" (a transplant's or cell therapy's "day 0", "day +5")
    number: int
    today: bool = False  # "today day +5": the note's own day, no giving's

    def __str__(self) -> str:
        if self.kind == "treatment":
            return f"day {self.number:+d}" if self.number else "day 0"
        return {"life": "DOL", "hospital": "HD", "postop": "POD"}[self.kind] + f" {self.number}"


_DAY_MARKER_RE = re.compile(
    r"\b(?:(?P<life>dol|day\s+of\s+life)|(?P<hospital>hd|hospital\s+day)|(?P<postop>pod|post-?op(?:erative)?\s+day))\s*#?\s*(?P<n>\d{1,3})\b"
    # "infused on day 0, today day +5", "D+14": counted from the infusion, signed (a cycle's "day 3 of 14" is no such count)
    r"|\b(?P<treatment>day|d)\s*(?:(?P<sign>[+-])\s*(?P<tn>\d{1,3})|(?<=day )(?P<zero>0))(?!\d|[./]\d)",
    re.IGNORECASE,
)
# "today day +5", "today is D+5": the note's own day, wherever the note says it.
_TODAY_BEFORE_RE = re.compile(r"\btoday\s*(?:is\s*)?[:=,-]?\s*$", re.IGNORECASE)


def find_day_markers(text: str) -> tuple[DayMarker, ...]:
    out = []
    for m in _DAY_MARKER_RE.finditer(text):
        today = _TODAY_BEFORE_RE.search(text, max(0, m.start() - 14), m.start()) is not None
        if m.group("treatment"):
            number = 0 if m.group("zero") else int(m.group("tn")) * (-1 if m.group("sign") == "-" else 1)
            out.append(DayMarker(m.start(), m.end(), "treatment", number, today))
        else:
            out.append(DayMarker(m.start(), m.end(), next(k for k in ("life", "hospital", "postop") if m.group(k)), int(m.group("n")), today))
    return tuple(out)


def note_days(text: str, markers: tuple[DayMarker, ...]) -> dict[str, int]:
    """The note's own day by each count, from its first two lines ("NICU PROGRESS NOTE -- DOL 18")
    or where the note calls it today ("today day +5")."""
    second = text.find("\n", text.find("\n") + 1)
    head_end = len(text) if second < 0 else second
    days: dict[str, int] = {}
    for marker in markers:
        # (a transplant's day only where the note calls it today: a header's "Day -6 to -4" is a span)
        if marker.today or (marker.start < head_end and marker.kind != "treatment"):
            days.setdefault(marker.kind, marker.number)
    return days


def _in_clause(text: str, sentence: tuple[int, int], mention: tuple[int, int], start: int, end: int) -> bool:
    """text[start:end] is in the mention's sentence, on its side of any semicolon, and not in an
    aside the mention is not in."""
    s_start, s_end = sentence
    m_start, m_end = mention
    if not s_start <= start < s_end:
        return False
    lo, hi = (end, m_start) if end <= m_start else (m_end, start)
    return ";" not in text[lo:hi] and not _open_parenthesis(text, lo, hi)


def giving_days(text: str, markers: tuple[DayMarker, ...], sentence: tuple[int, int], mention: tuple[int, int]) -> tuple[DayMarker, ...]:
    """The counted days ("was given DOL 1") of a mention's clause (not the note's own "today day +5")."""
    return tuple(d for d in markers if not d.today and _in_clause(text, sentence, mention, d.start, d.end))


def giving_dates(text: str, dates: tuple[DateMention, ...], headings: list[tuple[int, int, DateMention]],
                 sentence: tuple[int, int], mention: tuple[int, int]) -> tuple[DateMention, ...]:
    """The dates a mention's giving is told on: those of its sentence (not inside an aside the
    mention is not in, not across a semicolon), else the date heading over its line."""
    m_start = mention[0]
    own = [d for d in dates if _in_clause(text, sentence, mention, d.start, d.end)]
    if own:
        return tuple(own)
    starts = [s for s, _, _ in headings]
    k = bisect_right(starts, m_start) - 1
    return (headings[k][2],) if k >= 0 and m_start < headings[k][1] else ()


def service_date(written: str | None) -> date | None:
    """The claim's date of service: ISO "2025-04-18" or "04/18/2025"; None when absent or unreadable."""
    if not written:
        return None
    for d in find_dates(written.strip()):
        if d.year and d.day:
            try:
                return date(d.year, d.month, d.day)
            except ValueError:
                return None
    return None
