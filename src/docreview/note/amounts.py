"""Amounts with units: doses, concentrations, per-kg doses, rates, ranges, weights, times."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from docreview.note.phrases import alternation, pattern, phrases
from docreview.resources import load_json

_UNITS: dict[str, tuple[str, float]] = {k: (v[0], float(v[1])) for k, v in load_json("units.json")["note_units"].items()}
UNIT_ALT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"

# "40-mg" joins a number to its unit with a hyphen ("5-10 mg" stays a range); "50 additional mL";
# "20 mg per kg" is "20 mg/kg" ("5 mL/s", a power injector's, is a rate); "20,000 anti-Xa IU/mL" names what a heparin's units measure;
# "40 mg base/mL" is a concentration of the drug's base;
# "3.6 x 10^6 PFU", "10^8 PFU/mL": a count in powers of ten. ("CRP 4.3mg/DL" is a lab value, no amount;
# "1 unit-dose ampule" is a container, no amount.)
_AMOUNT_RE = re.compile(
    rf"(?<![\w./])(?<!\d,)(?<!\d:)(?:(?P<lo>{NUM})\s*(?:-|–|to)\s*)?(?:(?P<num>{NUM})(?:\s*[x×*]\s*10\s*\^\s*(?P<exp>\d{{1,2}}))?|10\s*\^\s*(?P<exp0>\d{{1,2}}))"
    rf"(?:\s*|-|\s+(?:additional|more|further|extra)\s+|\s+anti-?(?:factor\s+)?xa\s+)(?P<unit>{UNIT_ALT})(?![a-z])(?!\s*/\s*dl\b)(?!(?<=unit)[- ]dose\b)"
    rf"(?:(?:\s+(?:base|salt|elemental))?(?:\s*/\s*|\s+per\s+)(?:(?P<pnum>{NUM})\s*)?(?P<per>kg|ml|cc|l|hr|h|hour|min|minute|sec|s|day|wk|week|dose|m2)(?![a-z])"
    rf"(?:\s*/\s*(?P<per2>hr|h|hour|min|minute|day)(?![a-z]))?)?"
    rf"(?:\s+in\s+(?P<bagnum>{NUM})\s*(?P<bagunit>ml|cc|l)(?![a-z]))?"
    rf"(?:\s*(?:x|×|times)\s*(?P<mult>\d{{1,2}})(?![\d.])(?!\s*(?:days?|d\b|weeks?|wks?|hours?|hrs?|h\b|months?|min|mg|ml|kg|lbs?)))?",
    re.IGNORECASE,
)
# "13:01", "1301 h", "1301 given"; and "at 1301." / "given 0742,": a clock time after "at", "@" or a giving verb; "2000 IU" is an amount.
_NOT_AN_AMOUNT = r"(?!\s*(?:mg|mcg|g\b|units?\b|iu\b|u\b|ml|cc|meq|mmol|international|million|kg\b|lbs?\b|l\b|%))"
# A year is no clock time: "02/19/2007", "October of 2006", "in 2006", "since 2019", "2025-06-10".
_NOT_A_YEAR = (r"(?<!\bin )(?<!\bof )(?<!\bsince )(?<!\bduring )(?<!\byear )(?<!\bcirca )(?<!\bsummer )(?<!\bwinter )(?<!\bspring )"
               r"(?<!\bdob )(?<!\bdob: )(?<!\bborn )(?<!\byob )(?<!\byob: )"  # "DOB 1952": a birth year
               # "since March 2007.": a month's name before it
               + "".join(rf"(?<!\b{m} )" for m in ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                                                   "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                                                   "sep", "sept", "oct", "nov", "dec")))
# (not inside a lot or ID number: "lot PV0931")
_TIME_RE = re.compile(r"(?<![A-Za-z\d.:/])" + _NOT_A_YEAR + r"(?:(?:[01]?\d|2[0-3]):[0-5]\d|(?:[01]\d|2[0-3])[0-5]\d(?=\s*(?:h\b|hrs\b|:|-|\||\)|$|\s+[a-z]|\.(?!\d)))(?!-[01]\d-[0-3]\d))(?!\d|\.\d)" + _NOT_AN_AMOUNT
                      + r"|(?:(?<=\bat )|(?<=@)|(?<=@ )|(?<=\bgiven )|(?<=\bstarted )|(?<=\badministered )|(?<=\btime )|(?<=\btime: ))(?:[01]\d|2[0-3])[0-5]\d(?!\d|\.\d|-[01]\d-[0-3]\d)"
                      + _NOT_AN_AMOUNT, re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    value: float  # in the kind's base unit: mg, units or mL
    kind: str  # mass | units | volume | equivalents | area | activity | pfu | vg
    per_kg: bool = False
    rate: bool = False
    weekly: bool = False  # "20 mg/wk": a dose per week, a regimen's rate
    per_m2: bool = False  # "1.25 mg/m2": a dose per body surface area (a rate of the patient's size, not of time)
    is_range: bool = False
    multiplier: int = 1
    per_volume_ml: float | None = None  # "500 mg/5 mL" -> 5 (a concentration)
    volume_stated: bool = False  # "40 mg/1 mL" names a container volume; "40 mg/mL" does not
    container: bool = False  # "3 x 10 g vials": what a vial holds, not what was given
    bag_volume_ml: float | None = None  # "250 mg in 250 mL"
    calculated: bool = False  # "calc 2.73 mg": a formula's figure; another dose in the statement wins

    @property
    def is_concentration(self) -> bool:
        return self.per_volume_ml is not None

    @property
    def total(self) -> float:
        return self.value * self.multiplier


def is_dose(a: Amount) -> bool:
    """An amount that says how much was given (not a rate, a range, a concentration or a vial size)."""
    return not a.rate and not a.is_range and not a.is_concentration and not a.container


def without_unit_strengths(text: str, amounts: list[Amount]) -> list[Amount]:
    """'mycophenolate 250 mg caps - 750 mg (3 caps)', 'dronabinol 2.5 mg caps x2 (5 mg)': what one
    capsule or tablet holds gives way to an amount of the same kind given beside it; so does what
    a prefilled device holds ("10 mL ready-to-use syringe (400 mcg) ...: 80 mcg IV")."""
    devices = [m.end() for a in amounts if a.kind == "volume" and (m := _patterns().glossed_device_after.match(text, a.end))]
    strengths = [a for a in amounts if not a.is_concentration and (_patterns().unit_form.match(text, a.end)
                                                                     or any(OPEN_PAREN_RE.fullmatch(text, end, a.start) for end in devices))]
    if any(a.kind == s.kind and a not in strengths for s in strengths for a in amounts):
        return [a for a in amounts if a not in strengths]
    return amounts


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _scientific(m: re.Match[str]) -> float:
    """The number of an amount: '3.6 x 10^6' is 3,600,000; '10^8' is 100,000,000."""
    if m.group("exp0"):
        return 10.0 ** int(m.group("exp0"))
    return _num(m.group("num")) * (10.0 ** int(m.group("exp")) if m.group("exp") else 1.0)


_CONTAINS_RE = re.compile(r"\bcontain(?:s|ing|ed)?\b", re.IGNORECASE)
# ("3 x 7 cm (21 sq cm) sheet": a skin substitute sheet's size, its parenthesis closed before the word)
CONTAINER_AFTER_RE = re.compile(r"\s*(?:\)\s*(?=sheets?\b))?(?:single[- ]dose\s+|single[- ]use\s+|multi(?:ple)?[- ]?dose\s+|sdv\s+|mdv\s+|glass\s+)?(?:vials?|amps?|ampules?|ampoules?|ampuls?|bottles?|sdvs?|mdvs?|sheets?|tubes?|jars?)\b", re.IGNORECASE)
_MULTI_DOSE_AFTER_RE = re.compile(r"\s*(?:multi(?:ple)?[- ]?dose|mdv)\b", re.IGNORECASE)


class _Patterns(NamedTuple):
    """The patterns built from data/amount_cues.json: the words there, the structure here."""

    weight: re.Pattern[str]
    not_weight_before: re.Pattern[str]
    gauge_after: re.Pattern[str]
    gauge_before: re.Pattern[str]
    line_placed: re.Pattern[str]
    gauge_site_before: re.Pattern[str]
    gauge_via_site_before: re.Pattern[str]
    gauge_eye_before: re.Pattern[str]
    gauge_with_before: re.Pattern[str]
    percent: re.Pattern[str]
    calculated: re.Pattern[str]
    count_nouns: str  # an alternation of data/amount_cues.json count_nouns
    bound: re.Pattern[str]
    unit_form: re.Pattern[str]
    taken_count: re.Pattern[str]
    counted_before: re.Pattern[str]
    vial_potency: re.Pattern[str]
    opened_containers: re.Pattern[str]
    glossed_device_after: re.Pattern[str]
    therapy_line_after: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """Built on the first amount read, not at import (a cold check pays only for what it runs)."""
    # Imported here: docreview.units imports this module and, without this, no pydantic.
    from docreview.data_files import AmountCuesFile, data_file_as

    cues = data_file_as("amount_cues.json", AmountCuesFile)

    return _Patterns(
        weight=pattern(
            rf"\b{alternation(cues.weight_words)}\b\.?\s*(?:of|is|=|:)?\s*(?P<num>{NUM})\s*(?P<unit>kg|kgs|lb|lbs|pounds)\b"
            rf"|(?<![/\w])(?P<num2>{NUM})\s*(?P<unit2>kg)\b(?!\s*/)"),
        not_weight_before=pattern(rf"\b{alternation(cues.not_weight_before)}\b"),
        # "22g spinal needle", "25 g 1.5 in needle", "PIV 20g R AC": a needle gauge, not grams.
        # "22g L hand PIV": the site may sit between the gauge and the catheter.
        # "IV started 22g R forearm": a side and a limb alone say where the catheter went.
        gauge_after=pattern(rf"\s*(?:[\d.]+(?:/\d+)?\s*-?\s*(?:in|inch|\"|cm)\s*)?(?:{alternation(cues.needle_site_words)}\s+){{0,3}}"
                            rf"(?:{alternation(cues.needle_after_prefixes)}|x\s*[\d.]+\s*(?:in|inch|\"))"
                            rf"|\s*(?:{alternation(cues.needle_site_words)}\s+){{0,2}}{alternation(cues.catheter_sites)}\b"
                            r"|\s*[\d.]+(?:/\d+)?\s*-?\s*(?:in\b|inch|\")"),  # "21g 1.5\"", "18g 5/8 in": a needle's gauge and length
        gauge_before=pattern(rf"{alternation(cues.needle_before_word_ends)}[\s,;:(-]*$"),  # "PIV (22g)"
        # "US-guided 20g IV placed": a line put in, not 20 g given IV ("IVIG 20 g IV started" is a dose).
        line_placed=pattern(rf"\s*(?:p?iv|peripheral iv|iv line|iv catheter)\s+(?:\w+\s+){{0,2}}?{alternation(cues.line_placed_words)}\b"),
        # "started R AC 20g": the catheter's site before its gauge.
        gauge_site_before=pattern(rf"\b(?:{alternation(cues.needle_site_words)}\s+)+{alternation(cues.catheter_sites)}[\s,;:(-]*$"),
        # "IV via R AC 22 g": a line's site after "via", then its gauge written apart.
        gauge_via_site_before=pattern(rf"\bvia\s+(?:{alternation(cues.needle_site_words)}\s+)*{alternation(cues.catheter_sites)}[\s,;:(-]*$"),
        # "intravitreal OD superotemporal 30g": an eye or its quadrant, then the needle's gauge.
        gauge_eye_before=pattern(rf"\b{alternation(cues.eye_sites)}[\s,;:(-]*$"),
        # "injected intralesionally with 30g": the needle an injection was given with.
        gauge_with_before=pattern(rf"\b{alternation(cues.needle_with_verbs)}\b[^.;\n]{{0,30}}?\bwith\s+(?:an?\s+)?$"),
        # "1% lidocaine", "0.25% Marcaine": a weight/volume percent is a concentration (1% = 1 g per
        # 100 mL = 10 mg/mL). Not "50% of the dose", not "98% on room air".
        percent=pattern(rf"(?<![\w.])(?P<num>{NUM})\s*%"
                         rf"(?!\s*(?:{alternation(cues.not_a_strength_after)}\b|{alternation(cues.not_a_strength_after_prefixes)}))"),
        calculated=pattern(rf"{phrases(cues.calculated)}\s*(?:[:=~]|is|of)?\s*$"),
        count_nouns=alternation(cues.count_nouns),
        bound=pattern(rf"{phrases(cues.bounds)}\s*$"),
        unit_form=pattern(rf"\s*{alternation(cues.unit_forms)}\b"),
        # "4 mg tab x2", "4 mg ODT x 2 tablets", "(200 mg/300 mg) 2 tabs": how many of the unit forms
        # were taken. ("x2" alone may be two givings: the form names the count.)
        # "3 bottles x 450 mL", "2 cups of 240 mL": that many of a drink, each of the amount after.
        counted_before=pattern(rf"\b(\d{{1,2}})[ \t]*{alternation(cues.counted_before)}[ \t]*(?:x|\u00d7|of|@)[ \t]*$")
        if cues.counted_before else pattern(r"(?!)"),
        taken_count=pattern(rf"[ \t]*(?:\)[ \t]*)?(?:{alternation(cues.unit_forms)}[ \t]*(?:x|\u00d7)[ \t]*(\d{{1,2}})(?![\d.])"
                            rf"|(?:x|\u00d7)?[ \t]*(\d{{1,2}})[ \t]+{alternation(cues.unit_forms)}\b)"),
        # "2,000 IU vial, label actual 2,067 IU", "labeled 2,800 IU after reconstitution": a vial's potency.
        vial_potency=pattern(rf"\b{alternation(cues.vial_potency)}\s*:?\s*(?:of\s+)?$"),
        # "20 mL single-dose vials x2 opened (40 mL = 1200 mg)": the bracket says what the opened vials held.
        # "10 mL ready-to-use syringe (400 mcg)": a manufactured single-dose device, whose gloss says
        # what it holds. (A bare "5 mL syringe" is what was drawn up, often the dose.)
        glossed_device_after=pattern(rf"\s*{alternation(cues.glossed_devices)}s?\b") if cues.glossed_devices else pattern(r"(?!)"),
        therapy_line_after=pattern(rf"\+?\s*(?:{alternation(cues.therapy_lines)})\b") if cues.therapy_lines else pattern(r"(?!)"),
        opened_containers=pattern(rf"\b(?:vials?|ampules?|ampoules?|bottles?|sdvs?|kits?)[ \t]*(?:x[ \t]*\d+[ \t]*)?"
                                  rf"{alternation(cues.opened_words)}[ \t]*\([^()\n]*$"),
    )


# "... 4.0 mm post limbus ST quad, 30g." : a bare "30g" closing a comma list of procedure details
# (or an aside's: "given subcut, 2 sites (abd L and R, 0.6 mL each) 26g.").
_LISTED_DETAIL_RE = re.compile(r"[,;)]\s$")
_DETAIL_END_RE = re.compile(r"\s*(?:[.;,)]|$)", re.MULTILINE)
# "..., subcutaneous, 27g autoinject.": one word after it closes the detail (the device).
_DETAIL_WORD_END_RE = re.compile(r"[ \t]+([A-Za-z][A-Za-z-]{2,})[ \t]*(?:[.;,)]|$)", re.MULTILINE)


def _device_word_closes(text: str, end: int) -> bool:
    """The detail a listed gauge opens ends after one word that is no route ('IVIG 30g, 30g IV.')."""
    from docreview.note.vocab import route_vocabulary  # local: vocab reads amounts

    m = _DETAIL_WORD_END_RE.match(text, end)
    return m is not None and not route_vocabulary().find(m.group(1))


def _is_gauge(text: str, m: re.Match[str]) -> bool:
    """'22g spinal needle', 'PIV 20g R AC': a needle gauge, not grams."""
    if m.group("unit").lower() not in {"g", "gm"} or m.group("per") or m.group("exp") or m.group("exp0"):
        return False
    value = _num(m.group("num"))
    patterns = _patterns()
    if value.is_integer() and 32 < value <= 42:
        # "41g subretinal cannula": the finest cannulas, named as such right after.
        return bool(patterns.gauge_after.match(text, m.end()))
    if not (14 <= value <= 32 and value.is_integer()):
        return False
    attached = " " not in m.group(0)
    return bool(patterns.gauge_after.match(text, m.end()) or patterns.gauge_before.search(text[max(0, m.start() - 14) : m.start()])
                or (attached and bool(patterns.line_placed.match(text, m.end())))
                or (attached and bool(patterns.gauge_site_before.search(text[max(0, m.start() - 24) : m.start()])))
                or bool(patterns.gauge_via_site_before.search(text[max(0, m.start() - 28) : m.start()]))
                or (attached and bool(patterns.gauge_eye_before.search(text[max(0, m.start() - 20) : m.start()])))
                or (attached and bool(patterns.gauge_with_before.search(text[max(0, m.start() - 60) : m.start()])))
                or (attached and bool(_LISTED_DETAIL_RE.search(text, max(0, m.start() - 2), m.start()))
                    and (bool(_DETAIL_END_RE.match(text, m.end())) or _device_word_closes(text, m.end()))))


# "(DLBCL, 2L)": a line of therapy closing a diagnosis's parenthesis.
_THERAPY_LINE_ASIDE_BEFORE_RE = re.compile(r"\(\s*[A-Z][A-Za-z0-9-]*[A-Z][^()\n]{0,30},\s*$")
_THERAPY_LINE_ASIDE_AFTER_RE = re.compile(r"\+?\s*\)")


def _is_therapy_line(text: str, m: re.Match[str]) -> bool:
    """'2L therapy', '(DLBCL, 2L)': the line of therapy, written as a capital L on a small whole
    number, not two litres."""
    if m.group("unit") != "L" or " " in m.group(0) or m.group("per") or not (m.group("num") or "").isdigit() or not 1 <= int(m.group("num")) <= 9:
        return False
    return bool(_patterns().therapy_line_after.match(text, m.end())
                or (_THERAPY_LINE_ASIDE_BEFORE_RE.search(text[max(0, m.start() - 40) : m.start()])
                    and _THERAPY_LINE_ASIDE_AFTER_RE.match(text, m.end())))


def _milli_units(m: re.Match[str]) -> bool:
    """'5 MU', '18 MIU': million units, as interferons and penicillin G are written; 'mU', 'mIU'
    (a lab's milli-units, "hCG 5 mIU/mL") are no amount here."""
    return m.group("unit").lower() in {"mu", "miu"} and m.group("unit")[0] == "m"


MG_PER_ML_PER_PERCENT = 10.0


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    end = len(text) if end is None else end
    out = _percent_strengths(text, start, end) + _insulin_strengths(text, start, end)
    for m in _AMOUNT_RE.finditer(text, start, end):
        if _is_gauge(text, m) or _milli_units(m) or _is_therapy_line(text, m):
            continue
        kind, factor = _UNITS[m.group("unit").lower()]
        per = (m.group("per") or "").lower()
        per2 = (m.group("per2") or "").lower()
        # ("20 mg/wk": a weekly regimen, no dose given)
        rate = per in {"hr", "h", "hour", "min", "minute", "sec", "s", "day", "wk", "week"} or bool(per2) or per == "m2"
        per_volume = None
        if per in {"ml", "cc", "l"}:
            per_volume = (_num(m.group("pnum")) if m.group("pnum") else 1.0) * (1000.0 if per == "l" else 1.0)
        bag = None
        if m.group("bagnum"):
            bag = _num(m.group("bagnum")) * (1000.0 if m.group("bagunit").lower() == "l" else 1.0)
        out.append(
            Amount(
                start=m.start(),
                end=m.end(),
                value=_scientific(m) * factor,
                kind=kind,
                per_kg=per == "kg" and not per2,
                rate=rate,
                weekly=per in {"wk", "week"},
                per_m2=per == "m2" and not per2,
                # "no more than 500 mg": a limit is a range from nothing to it, no amount given.
                # ("each vial contains not more than 120 mg" is what a vial holds, read as a content.)
                is_range=bool(m.group("lo")) or (bool(_patterns().bound.search(text, max(0, m.start() - 24), m.start()))
                                                 and not _CONTAINS_RE.search(text, max(0, m.start() - 40), m.start())),
                multiplier=int(m.group("mult")) if m.group("mult") else 1,
                per_volume_ml=per_volume,
                volume_stated=bool(m.group("pnum")),
                # "10 g vials" says what a vial holds; "(1 mL vial)" is still the volume given, but
                # no dose is a whole multiple-dose vial ("U-100, 10 mL multiple-dose vial").
                container=bool((CONTAINER_AFTER_RE if kind != "volume" else _MULTI_DOSE_AFTER_RE).match(text, m.end()))
                or (kind != "volume" and bool(_patterns().vial_potency.search(text, max(0, m.start() - 24), m.start())))
                or bool(_patterns().opened_containers.search(text, max(0, m.start() - 60), m.start())),
                bag_volume_ml=bag,
                calculated=bool(_patterns().calculated.search(text, max(0, m.start() - 24), m.start())),
            )
        )
    return _joined_containers(text, _counted_before(text, _taken_items(text, _counted_strengths(text, sorted(out, key=lambda a: a.start)))))


def _counted_before(text: str, amounts: list[Amount]) -> list[Amount]:
    """'BREEZA oral MR contrast, 3 bottles x 450 mL': the count of drinks written before the amount
    each one holds multiplies it."""
    out = []
    for a in amounts:
        m = None if a.rate or a.is_concentration or a.per_kg or a.multiplier != 1 else _patterns().counted_before.search(
            text, max(0, a.start - 24), a.start)
        out.append(replace(a, multiplier=int(m.group(1))) if m is not None and 2 <= int(m.group(1)) <= 24 else a)
    return out


_JOIN_RE = re.compile(r"\s*(?:\+|and|&)\s*", re.IGNORECASE)


# "one 2 g tube", "1 2 g tube": a count of one before a container's size.
_ONE_BEFORE_RE = re.compile(r"\b(?:one|1|a\s+single)\s+$", re.IGNORECASE)
# "30 mL single-dose vial (90 mg)": what a container of a stated size holds, in parentheses after
# its word (or after an equals sign, closing an aside).
OPEN_PAREN_RE = re.compile(r"\s*\(\s*")
PLUS_RE = re.compile(r"\s*\+\s*")  # "2,000 IU + 500 IU": the plus between two amounts
_EQUALS_RE = re.compile(r"\s*=\s*")
_CLOSE_RE = re.compile(r"\s*\)")
_JOINED_BEFORE_RE = re.compile(r"(?:\+|\band\b|&)\s*$", re.IGNORECASE)


def _joined_containers(text: str, amounts: list[Amount]) -> list[Amount]:
    """'Gamunex-C 10% 20 g + 10 g bottles': the container word after the last amount of a sum
    says what each of them is; so does one before a gloss: 'single-dose vial (90 mg)'."""
    # (Not after a count of containers: "1 vial (2,000 IU) ... entire vial given", "one 2 g tube
    # (200 mg ALA) applied" is the dose.)
    sized = {a.start: m.end() for a in amounts if (m := CONTAINER_AFTER_RE.match(text, a.end)) and not _ONE_BEFORE_RE.search(text, max(0, a.start - 12), a.start)}
    # One container's "=" in an aside that describes it ends there: "(Cleviprex 0.5 mg/mL, 50 mL
    # single-dose vial = 25 mg)"; not "5 mL single-dose vial = 500 mg, infused IV" (the vial given
    # whole), nor "1,500 IU vial + 500 IU vial = 2,000 IU" (two added).
    one = {end for start, end in sized.items() if text[end - 1] not in "sS" and not _JOINED_BEFORE_RE.search(text, max(0, start - 20), start)}

    def glosses(end: int, a: Amount) -> bool:
        return a.start > end and bool(OPEN_PAREN_RE.fullmatch(text, end, a.start)
                                      or (end in one and _EQUALS_RE.fullmatch(text, end, a.start) and _CLOSE_RE.match(text, a.end)))

    glossed = {e for e in sized.values() if any(glosses(e, a) for a in amounts)}
    # The gloss is the container's content, and the volume before the word with it then is the
    # container's size, not a volume given.
    out = [replace(a, container=True) if not a.container and (sized.get(a.start) in glossed or any(glosses(e, a) for e in glossed)) else a
           for a in amounts]
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if b.container and not a.container and a.kind == b.kind and not a.is_concentration and _JOIN_RE.fullmatch(text, a.end, b.start):
            out[i] = replace(a, container=True)
    return out


def _counted_strengths(text: str, amounts: list[Amount]) -> list[Amount]:
    """'500 mg chewable - 2 tablets (1,000 mg)', '0.2 mg packets x 3 ... = 0.6 mg': an amount, a
    count k of items, then k times the amount. The first is what one item holds (marked a
    container's content), the second the dose."""
    out = list(amounts)
    for i, (a, b) in enumerate(zip(amounts, amounts[1:], strict=False)):
        plain = not (a.rate or b.rate or a.is_concentration or b.is_concentration or a.per_kg or b.per_kg)
        if not plain or a.kind != b.kind or a.value <= 0 or b.start - a.end > 80 or "\n" in text[a.end : b.start]:
            continue
        k = b.value / a.value
        if abs(k - round(k)) > 0.01 * k or not 2 <= round(k) <= 24:
            continue
        count = rf"(?<![\d.]){round(k)}(?![\d.])"
        nouns = _patterns().count_nouns
        if re.search(rf"\bx\s*{count}|{count}\s*x\b|{count}\s+(?:[a-z-]+\s+){{0,2}}?{nouns}\b|{nouns}\s+x\s*{count}", text[a.end : b.start], re.IGNORECASE):
            out[i] = replace(a, container=True)
    return out


# "200 mg/tenofovir DF 300 mg": a combination's next part, whose amount the count follows.
_PAIR_SLASH_RE = re.compile(r"[ \t]*/[ \t]*[A-Za-z][\w -]{0,30}?[ \t]*")


def _taken_items(text: str, amounts: list[Amount]) -> list[Amount]:
    """An oral strength counted out in tablets or capsules, with no total after it: that many times
    the strength. (With its total, "300 mg tab x2 (600 mg)", the total is the dose: _counted_strengths.)"""
    out = list(amounts)
    for i, a in enumerate(amounts):
        if a.rate or a.is_concentration or a.per_kg or a.container or a.multiplier != 1 or a.kind not in ("mass", "units"):
            continue
        nxt = amounts[i + 1] if i + 1 < len(amounts) else None
        # "emtricitabine 200 mg/tenofovir DF 300 mg) 2 tabs": the count follows the last part.
        after = nxt.end if nxt is not None and _PAIR_SLASH_RE.fullmatch(text, a.end, nxt.start) else a.end
        m = _patterns().taken_count.match(text, after)
        if m is None:
            continue
        count = int(m.group(1) or m.group(2))
        total = next((b for b in amounts if b.start >= m.end()), None)
        if 2 <= count <= 24 and not (total is not None and total.start - m.end() < 30 and abs(total.value - count * a.value) < 1e-6):
            out[i] = replace(a, multiplier=count)
    return out


# "epinephrine 1:1000", "1:10,000": a ratio strength, 1 g in that many mL (1:1000 = 1 mg/mL).
# Four digits at least, so a clock time ("1:30") or a dilution step is never one.
_RATIO_RE = re.compile(r"(?<![\d:.,])1\s*:\s*(\d{1,3}(?:,\d{3})+|\d{4,7})(?![\d:])")


def _percent_strengths(text: str, start: int, end: int) -> list[Amount]:
    out = []
    for m in _patterns().percent.finditer(text, start, end):
        value = _num(m.group("num"))
        if 0 < value <= 50:
            out.append(Amount(start=m.start(), end=m.end(), value=value * MG_PER_ML_PER_PERCENT, kind="mass", per_volume_ml=1.0))
    for m in _RATIO_RE.finditer(text, start, end):
        ml_per_gram = _num(m.group(1))
        if ml_per_gram >= 1000:
            out.append(Amount(start=m.start(), end=m.end(), value=1000.0 / ml_per_gram, kind="mass", per_volume_ml=1.0))
    return out


# "Fiasp (insulin aspart) U-100", "Humulin R U-500": an insulin's strength, that many units per mL.
_INSULIN_STRENGTH_RE = re.compile(r"(?<![\w-])U-?(100|200|300|500)(?![\w.]|\s*(?:units?|iu|mg|ml|mcg)\b)")


def _insulin_strengths(text: str, start: int, end: int) -> list[Amount]:
    return [Amount(start=m.start(), end=m.end(), value=float(m.group(1)), kind="units", per_volume_ml=1.0)
            for m in _INSULIN_STRENGTH_RE.finditer(text, start, end)]


@dataclass(frozen=True)
class Weight:
    start: int
    end: int
    kg: float


def find_weight(text: str) -> Weight | None:
    patterns = _patterns()
    for m in patterns.weight.finditer(text):
        if m.group("num2") and patterns.not_weight_before.search(text, max(0, m.start() - 30), m.start()):
            continue  # "Grip strength R 28 kg / L 26 kg": a bare kg of something else
        value = _num(m.group("num") or m.group("num2"))
        unit = (m.group("unit") or m.group("unit2")).lower()
        kg = value * 0.45359237 if unit.startswith(("lb", "pound")) else value
        if 1.0 <= kg <= 400.0:
            return Weight(m.start(), m.end(), kg)
    return None


# A flowsheet or MAR line (or row) opening with its clock time: "1010 test dose 0.2 mcg IV".
# "0000-1600", "09:30 - 11:45", "0930 to 1130", "0000-2400" (the whole day): the hours a giving ran
# (groups: start and end hour, minute).
TIME_RANGE_RE = re.compile(r"(?<![\d/:.])([01]?\d|2[0-3]):?([0-5]\d)\s*(?:-|\u2013|to)\s*([01]?\d|2[0-3]|24(?=:?00)):?([0-5]\d)(?![\d/:]|\.\d)")
TIMED_LINE_RE = re.compile(r"[ \t]*(?:[01]\d|2[0-3]):?[0-5]\d\b")

# The words a total may take before its amount: "Total dose:", "total actual", "Total administered".
_TOTAL_WORDS = r"(?:[ \t]+(?:dose|amount|actual|prepared|of|given|administered|injected|pooled))*"
# "Total 155 units in 31 sites", "Total dose: 200 units", "Total administered: 40 mg": a line a total opens.
TOTAL_LINE_RE = re.compile(rf"[ \t]*(?:[-*\u2022][ \t]*)?total\b{_TOTAL_WORDS}[ \t]*:?[ \t]*(?=\d)", re.IGNORECASE)
# "total 3,538 IU", "Total actual: 3,070 IU", "total dose prepared 350 mg": an amount a total word heads.
TOTAL_BEFORE_RE = re.compile(rf"\btotal\b{_TOTAL_WORDS}[ \t]*[:=]?[ \t]*$", re.IGNORECASE)


def span_minutes(m: re.Match[str]) -> int:
    """The minutes a TIME_RANGE_RE match spans ("2200-0200" runs past midnight: 240)."""
    begin, end = int(m.group(1)) * 60 + int(m.group(2)), int(m.group(3)) * 60 + int(m.group(4))
    return end - begin if end > begin else end + 1440 - begin


def flowsheet_rows(text: str, start: int, end: int) -> int:
    """The lines wholly between two points that are a flowsheet's rows (a pipe table's, or one that
    opens with a clock time: "0800 no change  MAP 66"): a record's lines stand below them."""
    first, last = text.find("\n", start), text.rfind("\n", 0, end)
    if first < 0 or first >= last:
        return 0
    return sum(1 for line in text[first + 1 : last].splitlines() if "|" in line or TIMED_LINE_RE.match(line))


def find_times(text: str, start: int, end: int) -> list[str]:
    return [m.group(0).replace(":", "") for m in _TIME_RE.finditer(text, start, end)]


def unit_in_base(unit: str) -> tuple[str, float] | None:
    """A unit as written ("g", "mcg", "mL") -> (kind, factor to the kind's base unit), or None."""
    return _UNITS.get(unit.strip().lower().replace("\u03bc", "\u00b5"))
