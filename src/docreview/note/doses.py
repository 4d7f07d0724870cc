"""How much of a code's drug the note's administrations add up to, in the code's base unit.

Part of the reading, computed once before any check: which administrations carry a dose, the
dose of each (MAR entries, timed doses, an infused total, a premixed bag's content) and their
sum for the date of service, a repeated mention of one dose counted once.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import cache, lru_cache
from typing import NamedTuple

from docreview.data_files import DoseCuesFile, data_file_as
from docreview.knowledge.facts import CodeFacts, normalize_name
from docreview.note.amounts import (
    CONTAINER_AFTER_RE,
    OPEN_PAREN_RE,
    PLUS_RE,
    TIME_RANGE_RE,
    TOTAL_BEFORE_RE,
    UNIT_ALT,
    Amount,
    find_amounts,
    flowsheet_rows,
    is_dose,
    span_minutes,
    without_unit_strengths,
)
from docreview.note.extract import DoseEvent, NoteFacts, dose_order, is_fluid_volume, result_before
from docreview.note.normalize import NUMBER_WORDS
from docreview.note.phrases import alternation, pattern
from docreview.note.roles import STOCK
from docreview.note.text import Sentence
from docreview.note.waste import containers_counted
from docreview.units import code_unit_kind, to_base

_TIMED_RE = re.compile(r"[ \t]*(?:[A-Za-z]+[ \t]+){0,3}(?:at|@)[ \t]*(?:[01]\d|2[0-3]):?[0-5]\d\b", re.IGNORECASE)
_TOTAL_BETWEEN_RE = re.compile(r"\btotal\b", re.IGNORECASE)
_TOTAL_AFTER_RE = re.compile(r"[ \t]*(?:in[ \t]+)?total\b", re.IGNORECASE)
# A line headed "Totals:" or "Total doses:" sums every dose it names.
_TOTAL_HEADER_RE = re.compile(r"[ \t]*(?:[-*•][ \t]*)?(?:[\w/&]+[ \t]+){0,2}totals?\b[^:\n]{0,30}:", re.IGNORECASE)  # "24h IV totals:" too
# A product's strength in its name: "Kenalog-40", "Depo-Medrol 80" (mg/mL), not followed by a unit.
_NAME_STRENGTH_RE = re.compile(r"[- ](\d{1,3})$")
_UNIT_AFTER_RE = re.compile(rf"[ \t]*(?:{UNIT_ALT})\b", re.IGNORECASE)
_STRENGTH_AFTER_NAME_RE = re.compile(rf"[ \t]*-?[ \t]*(\d{{1,3}})(?![\d.,/]|[ \t]*(?:%|(?:{UNIT_ALT})\b))", re.IGNORECASE)


class _Patterns(NamedTuple):
    """The patterns built from data/dose_cues.json: the words there, the structure here."""

    diluent: re.Pattern[str]
    dosed_with: re.Pattern[str]
    drip: re.Pattern[str]
    continuous: re.Pattern[str]  # drip words without the prefixes: another giving told as a continuous infusion
    infused_total: re.Pattern[str]
    infused_volume: re.Pattern[str]  # "Pump: volume infused 187.5 mL": a volume alone (the match ends where it starts)
    next_site: re.Pattern[str]
    single_dose_device: re.Pattern[str]
    single_dose_device_before: re.Pattern[str]  # "single-dose prefilled injector 80 USP units/1 mL"
    ratio_owner: re.Pattern[str]
    dose_limit: re.Pattern[str]  # "capped at" right before an amount
    record_total: re.Pattern[str]  # a record line that opens with "Total infused"
    bag_completed: re.Pattern[str]  # "360 mg/200 mL bag complete", "Both bags fully infused"
    drip_stop: re.Pattern[str]  # "vaso discontinued", "epi gtt OFF"
    later: re.Pattern[str]  # "in 2 weeks", "next visit" right after an amount: a dose for another day
    site_label: re.Pattern[str]  # "arterial lumen", "R deltoid:" right before an amount, after a list break


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """Built on the first dose added up, not at import (a cold check pays only for what it runs)."""
    cues = data_file_as("dose_cues.json", DoseCuesFile)
    return _Patterns(
        # "diluted in NS 100 mL", "in 0.9% NaCl 250 mL": a carrier's name, then maybe its strength, before the volume.
        # ("added to NS (0.1% albumin) 250 mL bag": an aside about the carrier may follow its name.)
        # ("diluted in supplied 250 mL citrate-buffered NS bag": the bag that comes with the product)
        diluent=pattern(rf"(?:\b{alternation(cues.carriers)}|{alternation(cues.carrier_word_ends)})\s*(?:\([^()\n]{{0,30}}\)\s*)?"
                        rf"(?:(?:the|a|supplied|provided|accompanying)\s+)?(?:\d+\s*%\s*)?"
                        rf"(?:{alternation(cues.carrier_after_strength)}\s+)?$"),
        dosed_with=pattern(rf"\b{alternation(cues.dosed_with)}\s+with\s*$"),
        drip=pattern(rf"\b(?:{alternation(cues.drip)}|{alternation(cues.drip_prefixes)}\w*)\b"),
        continuous=pattern(rf"\b{alternation(cues.drip)}\b"),
        # "Pump total: 63 mL = 126 mg", "infused 150 mL (300 mg)", "I&O: 150 mL = 600 mg": the amount
        # a rate-based infusion delivered, stated without the drug's name on the lines after it.
        # (or after the volume: "Pump: 70 mL infused = 490 mg")
        infused_total=pattern(rf"\b(?:{alternation(cues.infused_total)}|i\s*&\s*o)\b"
                               r"[^\n]{0,40}?\d[\d,.]*\s*ml\s*(?:=|\()\s*(?=\d)"
                               r"|\d[\d,.]*\s*ml\s+(?:infused|delivered)\s*(?:=|\()\s*(?=\d)"),
        # (a pump's reading of a stopped infusion, in volume only: the bag's strength converts it; not I&O)
        infused_volume=pattern(rf"\b(?:{alternation(cues.infused_total)})\b[ \t:]*(?=\d[\d,.]*\s*(?:ml|cc)\b(?!\s*/))"),
        # Between two statements of the same dose, or in the second: the procedure moved to another
        # site ("Attention was then turned to the next injection", "at the L4-5 level just as at the
        # L5-S1 level"): the same dose given again, not the dose restated.
        single_dose_device=pattern(rf"[^.;\n]{{0,25}}?\b{alternation(cues.single_dose_devices)}"),
        single_dose_device_before=pattern(rf"\b{alternation(cues.single_dose_devices)}[ \t]*$"),
        ratio_owner=pattern(rf"\b({alternation(cues.vasoconstrictors)})(?:\s+(?:of|at|dilution|concentration|in))*\s*$"),
        next_site=pattern(rf"\b{alternation(cues.next_words)}\s+{alternation(cues.next_site)}\b|\b{alternation(cues.moved_on)}\b"
                           rf"|\b{alternation(cues.other_side)}\s+{alternation(cues.other_sites)}\b"),
        record_total=pattern(rf"[ \t]*(?:[-*\u2022][ \t]*)?(?:(?:[01]?\d|2[0-3]):?[0-5]\d[ \t]+)?{alternation(cues.record_totals)}\b"),
        bag_completed=pattern(rf"\b{alternation(cues.bags_completed)}\b"),
        drip_stop=pattern(rf"\b{alternation(cues.drip_stops)}(?![\w'])"),
        dose_limit=pattern(rf"\b{alternation(cues.dose_limits)}\s*[:=]?\s*$"),  # "round to vial sizes = 2,500 IU"
        # At a list break, a site word with up to two words before it ("arterial lumen", "L deltoid"), then the amount.
        site_label=pattern(rf"(?:^|\n|[,;:(]|[ \t]-|\band\b)[ \t]*(?:[A-Za-z]+[ \t]+){{0,2}}{alternation(cues.labelled_sites)}s?[ \t]*[:=-]?[ \t]*$"),
        later=pattern(rf"(?:[ \t]+(?:(?:in|after)[ \t]+(?:\d+|one|two|three|four|five|six|eight|twelve)(?:[ \t]*-[ \t]*\d+)?[ \t]*{alternation(cues.later_spans)}"
                      rf"|(?:at[ \t]+|on[ \t]+)?(?:the[ \t]+)?next[ \t]+{alternation(cues.later_occasions)})\b"
                      # "700 mg, given tomorrow D2": a dose for the next day
                      # "then 80 mg PO days 2-3": a route's short word may stand between
                      rf"|[ \t]*,?[ \t]*(?:[A-Za-z]{{2,4}}[ \t]+)?(?:(?:to[ \t]+be[ \t]+)?(?:given|due|scheduled|planned)[ \t]+)?{alternation(cues.later_days)}\b)"),
    )


_OF_AFTER_RE = re.compile(r"\s*of\b", re.IGNORECASE)


def is_diluent(text: str, amount: Amount) -> bool:
    """'diluted in NS 100 mL', 'in 250 mL D5W', 'added to 100 mL NS': a carrier volume, not the
    drug's dose ('injected with 3 mL of 1% lidocaine', 'infiltrated with 10 mL' are the drug's own volume)."""
    if amount.kind != "volume":
        return False
    before = text[max(0, amount.start - 20) : amount.start]
    patterns = _patterns()
    return ((bool(patterns.diluent.search(before)) and not _OF_AFTER_RE.match(text, amount.end) and not patterns.dosed_with.search(before))
            or (amount.bag_volume_ml is None and is_fluid_volume(text, amount)))  # "10 mL in 100 mL NS": the NS is the bag's


_RECORD_LINES = 8  # lines: how far from a giving its record's other lines (preparation, a total, a bag run out) may stand


def _amounts_in(note: NoteFacts, start: int, end: int) -> list[Amount]:
    return note.annotations.amounts_in(start, end) if note.annotations else find_amounts(note.text, start, end)


def concentrations(events: list[DoseEvent], note: NoteFacts, facts: CodeFacts | None = None) -> list[Amount]:
    """Strengths a volume converts with: the administrations' own, the vial's, the stocked
    product's, then the strength a product's name carries ("1 mL of Kenalog-40")."""
    own = [a for e in events for a in e.amounts if a.is_concentration and not _others_ratio(note.text, a, facts)]
    # "dilTIAZem 10 mg IV push (2 mL of 5 mg/mL vial)": a strength beside a giving that states its
    # own mass explains that giving's volume; another's volume ("gtt 110 mL") converts by it only
    # when no other strength is told (the drip's bag: "Drip: dilTIAZem 125 mg/125 mL").
    dosed = {id(a) for e in events if any(is_dose(d) and d.kind != "volume" and not d.per_kg for d in e.dose_amounts)
             for a in e.amounts if a.is_concentration}
    spent = [a for a in own if id(a) in dosed]
    own = [a for a in own if id(a) not in dosed]
    # "120 mL drug + 120 mL NS = 240 mL (5 mg/mL)" ... "240 mL infused IV": the strength told beside
    # the very volume given is the bag's, before the vial's.
    beside = _strengths_beside_volumes(events, note)
    # "immune globulin intravenous, human-slra 10% (ASCENIV)": the strength the drug's generic
    # name carries in the product's own sentence.
    drug = facts.moiety if facts is not None else ""
    sentences = {e.sentence for e in events}
    given = {id(e) for e in events}
    generic = [a for e in note.events if id(e) not in given and e.sentence in sentences and drug
               and normalize_name(e.mention.name).startswith(drug) for a in e.amounts if a.is_concentration]
    # "Five 1,000 mg/20 mL vials pooled; 91.2 mL infused": a vial's content over its volume.
    vials = [a for _, quoted in note.waste.vial_contents for a in find_amounts(note.text, quoted.start, quoted.end) if a.is_concentration]
    # "Pharmacy: Zemdri 500 mg/10 mL x3; 20.4 mL withdrawn": the strength of the product the record
    # stocks or prepares from.
    stock = [a for e in note.events if id(e) not in given and facts is not None and facts.code in e.mention.codes
             and e.role in STOCK for a in e.amounts if a.is_concentration and not a.rate]
    # "Vials: 2 x 500 mg/10 mL (NDC ...). 21.84 mL drawn", "Reconstituted 2 x 100 mg vials (20 mL each,
    # 5 mg/mL); 34.4 mL withdrawn": a strength on a line of the giving's record that names no drug
    # (not a percent there: "Hgb 8.4, retic 9%").
    naming = {e.sentence for e in note.events if not e.nameless}
    record = [a for e in events for x in _record_sentences(note, e) if x not in naming
              for a in _amounts_in(note, x.start, x.end) if a.is_concentration and not a.rate and "%" not in note.text[a.start : a.end]]
    named = product_strengths(events, note.text, facts) if facts is not None else []
    # "Order: midazolam 100 mg/100 mL NS premix (1 mg/mL) continuous IV" ... "Pump: total volume
    # infused 28 mL": the order names the bag the giving ran from; its strength comes last.
    ordered = [a for e in note.events if id(e) not in given and facts is not None and facts.code in e.mention.codes
               and e.role == "ordered" for a in e.amounts if a.is_concentration and not a.rate and not a.per_kg]
    found = own + beside + generic + vials + stock + record + named + reconstituted_strengths(events, note) + spent + ordered
    # ("EPINEPHrine in 0.9% NaCl premix 4 mg/250 mL": the percent is the carrier's strength.)
    return [a for a in found if not ("%" in note.text[a.start : a.end] and is_fluid_volume(note.text, a))]


def _strengths_beside_volumes(events: list[DoseEvent], note: NoteFacts) -> list[Amount]:
    """The strength written in parentheses right after another statement of a volume an event gives."""
    if note.annotations is None:
        return []
    given = {(a.value, a.start) for e in events for a in e.amounts if a.kind == "volume" and not (a.rate or a.is_concentration or a.per_kg)}
    values = {v for v, _ in given}
    found: list[Amount] = []
    amounts = note.annotations.amounts
    for k, a in enumerate(amounts[:-1]):
        nxt = amounts[k + 1]
        if (a.kind == "volume" and a.value in values and (a.value, a.start) not in given and not a.is_concentration
                and nxt.is_concentration and not nxt.rate and OPEN_PAREN_RE.fullmatch(note.text, a.end, nxt.start)):
            found.append(nxt)
    return found


def _record_sentences(note: NoteFacts, event: DoseEvent) -> list[Sentence]:
    """The sentences of a giving's record: its paragraph, within a few lines of it."""
    lo = bisect_left(note.sentences, event.sentence.line - _RECORD_LINES, key=lambda x: x.line)
    hi = bisect_right(note.sentences, event.sentence.line + _RECORD_LINES, key=lambda x: x.line)
    return [x for x in note.sentences[lo:hi] if x.paragraph == event.sentence.paragraph]


# "one vial with labeled actual potency 1,060 IU ..., reconstituted with 10 mL sterile water"
_RECONSTITUTED_RE = re.compile(r"\breconstituted\s+(?:with|in|using)\s+(?:[a-z]+\s+){0,2}?(?=\d)", re.IGNORECASE)


def reconstituted_strengths(events: list[DoseEvent], note: NoteFacts) -> list[Amount]:
    """What one vial holds over the volume it was reconstituted with, told in one sentence of the
    giving's record ("Koate, one vial of 1,060 IU, reconstituted with 10 mL sterile water" ...
    "full 10 mL pushed IV"): the strength a volume given converts with."""
    out: list[Amount] = []
    for sent in dict.fromkeys(x for e in events for x in _record_sentences(note, e)):
        for m in _RECONSTITUTED_RE.finditer(note.text, sent.start, sent.end):
            after = _amounts_in(note, m.end(), sent.end)
            before = [a for a in _amounts_in(note, sent.start, m.start()) if a.kind != "volume" and not a.is_concentration
                      and not a.rate and not a.per_kg and a.multiplier == 1]
            if after and after[0].kind == "volume" and after[0].value > 0 and before:
                out.append(replace(before[-1], per_volume_ml=after[0].value, volume_stated=True, container=False))
    return out


def _others_ratio(text: str, amount: Amount, facts: CodeFacts | None) -> bool:
    """'lidocaine with epinephrine 1:200,000, a total of 3 mL': a ratio strength written after a
    vasoconstrictor is that additive's, which converts no volume of the lidocaine."""
    if facts is None or ":" not in text[amount.start : amount.end]:
        return False
    named = _patterns().ratio_owner.search(text, max(0, amount.start - 40), amount.start)
    return named is not None and not facts.drug.lower().startswith(named.group(1).lower())


def product_strengths(events: list[DoseEvent], text: str, facts: CodeFacts) -> list[Amount]:
    """'1 mL of Kenalog-40', '0.5 mL of Depo-Medrol 80': a bare number after a product's name
    that is one of the code's strengths in mg/mL (from its products' names and vial sizes)."""
    kind = code_unit_kind(facts.unit)
    if kind is None or kind[0] != "mass":
        return []
    known = {round(a.value / a.per_volume_ml, 6) for size in facts.vial_sizes for a in find_amounts(size)
             if a.is_concentration and a.kind == "mass" and a.per_volume_ml}
    known |= {float(m.group(1)) for brand in facts.brands if (m := _NAME_STRENGTH_RE.search(brand.strip()))}
    out = []
    for event in events:
        if facts.code not in event.mention.codes:
            continue
        start, end = event.mention.start, event.mention.end
        # "Kenalog 40 mg" (the lexicon's name "kenalog 40" then a unit): the number is the dose.
        inside = None if _UNIT_AFTER_RE.match(text, end) else _NAME_STRENGTH_RE.search(text, start, end)
        found = inside or _STRENGTH_AFTER_NAME_RE.match(text, end)
        if found and float(found.group(1)) in known:
            out.append(Amount(start=found.start(1), end=found.end(1), value=float(found.group(1)), kind="mass", per_volume_ml=1.0))
    return out


def is_drip(note: NoteFacts, event: DoseEvent) -> bool:
    """A continuous infusion: dosed by a rate of drug, or called a drip ("gtt", "titrate"), here or
    in another giving of the drug in its paragraph ("Argatroban continuous IV infusion per
    nomogram." then "Premixed argatroban 250 mg/250 mL hung": the bag of that drip)."""
    # ("Synribo 1.25 mg/m2 SC BID": a dose per m2 is the patient's size, no rate of time.)
    if any(a.rate and a.kind != "volume" and not a.per_m2 for a in event.amounts) or _patterns().drip.search(note.text, event.sentence.start, event.sentence.end):
        return True
    # Another giving tells a continuous infusion only by its words or a rate per minute or hour
    # (not "5 mcg/kg/day", not "titrated" boluses).
    return any(_patterns().continuous.search(note.text, e.sentence.start, e.sentence.end)
               or any(a.rate and a.kind != "volume" and _RATE_TIME_RE.search(note.text, a.start, a.end) for a in e.amounts)
               for e in note.events
               if e is not event and e.given and e.mention.same_drug(event.mention) and e.sentence.paragraph == event.sentence.paragraph)


def _other_drugs_injected(note: NoteFacts, givings: list[DoseEvent]) -> list[int]:
    """Where the note names another drug given, not by mouth: the end of a drug's record (an oral
    one between, "KCl 40 mEq PO", "transitioned to oral nicardipine", cannot have been infused)."""
    return [e.mention.start for e in note.events if e.given and not any(e.mention.same_drug(g.mention) for g in givings)
            and not (e.routes and all(r.route == "oral" for r in e.routes))]


def _bag_ran_out(note: NoteFacts, event: DoseEvent) -> bool:
    """'Nexterone 360 mg/200 mL premixed bag IV @ 1 mg/min' ... '17:20 360 mg/200 mL bag complete
    (6 h). Both bags fully infused.': a drip's bag the record says ran out was given whole, its
    content the dose. The record's line names no drug and stands below the bag before another
    drug is injected (an oral one between, "KCl 40 mEq PO", is no infusion)."""
    if not any(a.is_concentration and a.volume_stated and not a.rate for a in event.amounts):
        return False
    return any(sent.paragraph == event.sentence.paragraph and _patterns().bag_completed.search(note.text, sent.start, sent.end)
               for sent in _record_lines_below(note, [event]))


def _record_lines_below(note: NoteFacts, givings: list[DoseEvent]) -> Iterator[Sentence]:
    """The sentences of the givings' record below the last of them: within a few lines (a pipe
    table's rate rows count as one block) and before another drug is named given, not by mouth
    (an oral one between, "KCl 40 mEq PO", "transitioned to oral nicardipine", cannot have been infused)."""
    last = max(givings, key=lambda e: e.sentence.start).sentence
    others = _other_drugs_injected(note, givings)
    for sent in note.sentences:
        if sent.start < last.end or sent.line - last.line - _grid_rows(note.text, last.end, sent.start) > _RECORD_LINES:
            continue
        if any(last.start < o < sent.end for o in others):
            return
        yield sent


def _infused_total(note: NoteFacts, event: DoseEvent) -> list[Amount]:
    """The infused total stated near a drip's bag content or rate, before another drug is named
    ("Adenosine 140 mcg/kg/min x 6 min by pump" ... "Infused per pump: 25.8 mL (77.3 mg)")."""
    if not any(a.is_concentration or a.rate for a in event.amounts):
        return []
    # (a drug named later on the giving's own line, "...; Tc99m tetrofosmin 28.9 mCi at 3 min", stops nothing below it)
    # (nor does the drug's own name on a row below, or a level: "1400 decreased to 1 mg/min (lido level 5.8)")
    others = [e.mention.start for e in note.events if e.mention.start > event.mention.end and e.sentence.line > event.sentence.line
              and not e.mention.same_drug(event.mention) and e.role != "other"]
    return infused_total(note.text, note.sentences, lambda start, end: _amounts_in(note, start, end), event.sentence,
                         min([*others, len(note.text)]))


def infused_total(text: str, sentences: Sequence[Sentence], amounts_in: Callable[[int, int], list[Amount]], sent: Sentence,
                  stop: int) -> list[Amount]:
    """What a record says went in ("Pump total: 63 mL = 126 mg", "Pump volume infused 185 mL (185
    mg)"), from `sent` on, within three lines of its paragraph and before `stop`."""
    for later in sentences:
        if later.start < sent.start or later.start >= stop or later.paragraph != sent.paragraph:
            continue
        # (the drip's timed rows between, "0800 no change  MAP 66", are its record, not lines apart)
        if later.line - sent.line - flowsheet_rows(text, sent.end, later.start) > 3:
            continue
        m = _patterns().infused_total.search(text, later.start, later.end)
        if m:
            found = [a for a in amounts_in(m.end(), later.end) if a.kind != "volume" and not a.rate and not a.is_concentration]
            if found:
                return found[:1]
        if later.start > sent.start and (v := _patterns().infused_volume.search(text, later.start, later.end)):
            found = [a for a in amounts_in(v.end(), later.end) if a.kind == "volume" and a.start == v.end() and not a.rate and not a.is_concentration]
            if found:
                return found[:1]
    return []


_PER_MINUTES = {"min": 1.0, "minute": 1.0, "h": 60.0, "hr": 60.0, "hour": 60.0}
_RATE_TIME_RE = re.compile(r"/\s*(min|minute|hr|hour|h)\s*$", re.IGNORECASE)


def _per_minute(text: str, amount: Amount) -> float | None:
    """A drug rate per minute ("0.03 units/min" -> 0.03, "2 mg/h" -> 2/60); None for a per-kg rate."""
    rate = _drug_rate(text, amount)
    return None if rate is None or rate[2] or "kg" in text[amount.start : amount.end].lower() else rate[0]


def _volume_per_minute(text: str, amount: Amount) -> float | None:
    """A pump's volume rate per minute ("0.033 mL/h" -> 0.00055)."""
    m = _RATE_TIME_RE.search(text, amount.start, amount.end)
    if not amount.rate or amount.kind != "volume" or m is None or amount.per_kg:
        return None
    return amount.value / _PER_MINUTES[m.group(1).lower()]


def _rate_by_running_times(note: NoteFacts, event: DoseEvent) -> list[Amount]:
    """'VASOPRESSIN ... 0.03 units/min' then '06/03 0000-1600 running at 0.03 units/min': a fixed-rate
    drip's dose is its rate times the hours each line of its record says it ran (a line's own rate
    first). Only time ranges written on the record's lines count, before another drug is named.
    A pump run by volume ("Remodulin (treprostinil) 5 mg/mL" ... "0000-2400 infusing at 0.033 mL/h")
    gives the drug's one stated strength times the volume it ran."""
    text, sent = note.text, event.sentence
    rates = {r for a in event.amounts if (r := _per_minute(text, a)) is not None}
    # (a per-mL strength, not a bag's content: "100 mg/100 mL IVPB ... 1300-1430 (1.1 mL/min)" gave the bag)
    strengths = {(a.kind, a.value / a.per_volume_ml) for a in event.amounts
                 if a.is_concentration and a.per_volume_ml and not a.volume_stated and a.kind not in ("volume", "area") and not a.rate}
    if len(rates) == 1:
        kind = next(a.kind for a in event.amounts if _per_minute(text, a) is not None)

        def drug_rate(a: Amount) -> float | None:
            return _per_minute(text, a) if a.kind == kind else None
    elif not rates and len(strengths) == 1:
        kind, per_ml = next(iter(strengths))

        def drug_rate(a: Amount) -> float | None:
            volume = _volume_per_minute(text, a)
            return None if volume is None else volume * per_ml
    else:
        return []
    own_rate = next((r for a in event.amounts if (r := drug_rate(a)) is not None), None)
    others = [e.mention.start for e in note.events if e.mention.start > event.mention.end]
    stop = min([*others, len(text)])
    total, span = 0.0, None
    for line in note.sentences:
        if line.start < sent.start or line.start >= stop or line.paragraph != sent.paragraph or line.line - sent.line > 6:
            continue
        for m in TIME_RANGE_RE.finditer(text, line.start, line.end):
            # (a line's own rate first)
            rate = next((r for a in _amounts_in(note, line.start, line.end) if (r := drug_rate(a)) is not None), own_rate)
            if rate is None:
                continue
            total += span_minutes(m) * rate
            span = span or (m.start(), m.end())
    if span is None:
        return []
    return [Amount(start=span[0], end=span[1], value=round(total, 6), kind=kind)]


# A record line's clock time at its start ("1610 VASOPRESSIN ...", "- 11:18 BP 112/66 ..."), not a time range's.
_LINE_CLOCK_RE = re.compile(r"[ \t]*(?:[-*\u2022][ \t]*)?(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?[ \t]+)?([01]\d|2[0-3]):?([0-5]\d)h?(?![\d/:.]|[ \t]*(?:-|\u2013|to)[ \t]*\d)")


def _line_clock(text: str, sent: Sentence) -> int | None:
    m = _LINE_CLOCK_RE.match(text, text.rfind("\n", 0, sent.start) + 1)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def _drug_rate(text: str, amount: Amount) -> tuple[float, str, bool] | None:
    """A drug rate per minute, its kind and whether per kg ("0.5 mcg/kg/min" -> 0.0005 mg, mass, per kg)."""
    m = _RATE_TIME_RE.search(text, amount.start, amount.end)
    if not amount.rate or amount.kind == "volume" or m is None:
        return None
    return amount.value / _PER_MINUTES[m.group(1).lower()], amount.kind, amount.per_kg


def titrated_drip(note: NoteFacts, given: Sequence[DoseEvent]) -> tuple[Amount, list[DoseEvent]] | None:
    """'1610 VASOPRESSIN ... started 0.03 units/min', '1730 Vaso increased to 0.04 units/min', '2150
    Vasopressin and norepinephrine discontinued': a drip whose timed record lines change its rate
    gives each rate for the minutes until the next line, up to the time a line stops it. No stop
    time written, no dose (how long it ran is unknown). Returns the amount infused and the givings
    it stands for (the start and each rate change)."""
    text = note.text
    first = next((e for e in sorted(given, key=lambda e: e.mention.start)
                  if _line_clock(text, _rate_line(note, e)) is not None and any(_drug_rate(text, a) for a in e.amounts)), None)
    if first is None:
        return None
    start_rate = next(r for a in first.amounts if (r := _drug_rate(text, a)))
    kind, per_kg = start_rate[1], start_rate[2]
    first_row = _rate_line(note, first)
    steps = [(_line_clock(text, first_row) or 0, start_rate[0])]
    used, stop = [first], None
    for event in sorted(note.events, key=lambda e: e.mention.start):
        if event.mention.start <= first.mention.end or not (event.mention.same_drug(first.mention) or event.mention.codes & first.mention.codes):
            continue
        clock = _line_clock(text, event.sentence)
        if clock is None:
            continue
        clock += 1440 if clock < steps[-1][0] else 0  # past midnight
        if "NOT_GIVEN" in event.categories or _patterns().drip_stop.search(text, event.mention.end, event.sentence.end):
            if any(not a.rate and not a.is_concentration and a.kind != "volume" for a in event.amounts):
                return None  # "Argatroban infusion stopped (210 min x 160 mcg/min = 33.6 mg infused)": the record tells the amount
            stop = clock
            break
        rates = [r for a in event.amounts if (r := _drug_rate(text, a)) and r[1:] == (kind, per_kg)]
        if rates and event in given:
            steps.append((clock, rates[0][0]))
            used.append(event)
    # (not where the record states what went in: "Pump history: 136 mL infused = 27.2 mg")
    if stop is None and len(used) == 1 and not any(e is not first and e.dose_amounts for e in given) and not _infused_total(note, first):
        steps, stop = _rows_naming_no_drug(note, first, first_row, steps, (kind, per_kg))
    if stop is None:
        return None
    total = sum(rate * (end - begin) for (begin, rate), (end, _) in zip(steps, [*steps[1:], (stop, 0.0)], strict=True))
    if total <= 0:
        return None
    return Amount(start=first.mention.start, end=first.sentence.end, value=round(total, 9), kind=kind, per_kg=per_kg), used


def _rate_line(note: NoteFacts, event: DoseEvent) -> Sentence:
    """The sentence a giving's first drug rate is written in: its own, or the timed row under its
    bag's line that starts the drip ("midazolam ... premixed bag 100 mg/100 mL" then "1410 start 2 mg/h")."""
    rate = next((a for a in event.amounts if _drug_rate(note.text, a)), None)
    if rate is None or event.sentence.start <= rate.start < event.sentence.end or _line_clock(note.text, event.sentence) is not None:
        return event.sentence
    return next((x for x in note.sentences if x.start <= rate.start < x.end), event.sentence)


_DRIP_ROWS = 12  # lines below the first row a drip's record may run on


def _rows_naming_no_drug(note: NoteFacts, first: DoseEvent, row: Sentence, steps: list[tuple[int, float]],
                         kind: tuple[str, bool]) -> tuple[list[tuple[int, float]], int | None]:
    """'1410 start 2 mg/h', '1510 increased to 4 mg/h', '1640 stopped' under the drip's bag line: timed
    rows after the first (`row`) that name no drug go on telling the drip's rate until one stops it
    (before another drug is named)."""
    text = note.text
    steps = list(steps)
    named = [e.mention.start for e in note.events if e.mention.start > row.end and not e.mention.same_drug(first.mention)]
    limit = min([*named, len(text)])
    for line in note.sentences:
        if line.start < row.end:
            continue
        if line.start >= limit or line.paragraph != row.paragraph or line.line - row.line > _DRIP_ROWS:
            break
        clock = _line_clock(text, line)
        if clock is None:
            continue
        clock += 1440 if clock < steps[-1][0] else 0  # past midnight
        scanned = _amounts_in(note, line.start, line.end)
        rates = [r for a in scanned if (r := _drug_rate(text, a)) and r[1:] == kind]
        if rates:  # (a rate change: "1800 down to 15 mL/h, off BiPAP 1745" stops nothing)
            steps.append((clock, rates[0][0]))
        elif _patterns().drip_stop.search(text, line.start, line.end):
            return steps, clock
    return steps, None


def _counted_re(item: str, count: str) -> re.Pattern[str]:
    """'4 vials', 'vials x 4', '1 single-dose vial': how many of an item, written before or after it."""
    return re.compile(rf"\b({count})[ \t]+(?:single[- ]dose[ \t]+)?{item}s?\b|\b{item}s?[ \t]*(?:x|\u00d7)[ \t]*(\d{{1,2}})(?![\d.])",
                      re.IGNORECASE)


# "Anavip 10 vials ... all 10 vials infused", "vials x 4": how many of the product's containers;
# "1 implant", "Single implant", "implant x1": how many implants a code billed per implant counts.
_VIALS_COUNTED_RE = _counted_re("vial", r"\d{1,2}")
_IMPLANTS_COUNTED_RE = _counted_re("implant", r"\d{1,2}|one|two|three|single")
_COUNT_WORDS = {"one": 1, "single": 1, "two": 2, "three": 3}


def vials_opened(note: NoteFacts, events: Sequence[DoseEvent], unit: str = "vial") -> float | None:
    """Under a code billed per vial ("digoxin immune fab (ovine), per vial"), the vials the record
    counts out for the giving ("40 mg/vial x 4 vials", "single-dose vial x3"): each one opened is a
    unit, the part of the last one discarded included; each giving's count adds ("0830 ... given
    (1 vial)", "2030 ... given (1 vial)"). Under a code billed per implant, the implants it counts
    ("1 implant, single-unit container")."""
    counted_re = _IMPLANTS_COUNTED_RE if unit == "implant" else _VIALS_COUNTED_RE
    counts = []
    for event in events:
        m = counted_re.search(note.text, event.mention.end, event.sentence.end)
        if m is not None:
            count = m.group(1) or m.group(2)
            counts.append(float(_COUNT_WORDS.get(count.lower(), count)))
    return sum(counts) if counts else None


def _containers_given(note: NoteFacts, event: DoseEvent, facts: CodeFacts) -> Amount | None:
    """A giving told only as a count of vials, of a product whose every package (one container,
    per the NDC crosswalk) bills the same units: that many containers' content (not when some
    of it was discarded: then the vials held more than was given)."""
    kind = code_unit_kind(facts.unit)
    if kind is None or not facts.unit_amount or len(facts.container_units) != 1 or note.waste.discarded:
        return None
    m = _VIALS_COUNTED_RE.search(note.text, event.mention.end, event.sentence.end)
    if m is None:
        return None
    count = int(m.group(1) or m.group(2))
    value = count * facts.container_units[0] * facts.unit_amount * kind[1]
    return Amount(start=m.start(), end=m.end(), value=value, kind=kind[0])


# "300 mg/9 mg": an amount the next ingredient's amount follows.
_PAIRED_AMOUNT_RE = re.compile(rf"[ \t]*/[ \t]*(?:\d[\d,]*(?:\.\d+)?|\.\d+)[ \t]*(?:{UNIT_ALT})\b", re.IGNORECASE)
# "bupivacaine and meloxicam", "ceftolozane/tazobactam": ingredient names listed as one product.
_NAMES_JOINED_RE = re.compile(r"[ \t]*(?:/|-|\+|&|\band\b|\bwith\b)[ \t]*", re.IGNORECASE)


def ingredient_share(note: NoteFacts, amount: Amount, facts: CodeFacts) -> float:
    """How much of a combination product an amount of one of its ingredients stands for, as a
    factor: "rilpivirine 600 mg IM" under "cabotegravir and rilpivirine, 2mg/3mg" is 200 units'
    worth (5/3 of 600 mg); "ZYNRELEF (bupivacaine and meloxicam) 300 mg/9 mg" pairs its amounts
    with the names in their order, "Cabenuva 400 mg/600 mg" with the descriptor's; "Zerbaxa
    1.5 g" and "ceftolozane/tazobactam 1.5 g" are the product's own amount (1)."""
    if not facts.parts or amount.kind != "mass":
        return 1.0
    text = note.text
    whole = sum(share for _, share in facts.parts)
    start = max(text.rfind("\n", 0, amount.start) + 1, amount.start - 80)
    named = sorted((m.start(), m.end(), i) for i, (name, _) in enumerate(facts.parts)
                   for m in re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE).finditer(text, start, amount.start))
    paired = _PAIRED_AMOUNT_RE.match(text, amount.end) is not None
    if not named:
        return whole / facts.parts[0][1] if paired else 1.0
    # "(ceftolozane 1 g/tazobactam 0.5 g) 1.5 g": an amount after the last name's own is the
    # product's ("sodium nitrite 3% 10 mL (300 mg)": a percent strength is the ingredient's too).
    if any(a.kind == "mass" and "%" not in text[a.start : a.end] for a in _amounts_in(note, named[-1][1], amount.start)):
        return 1.0
    group = [named[-1]]
    while len(group) < len(named) and _NAMES_JOINED_RE.fullmatch(text, named[-len(group) - 1][1], group[0][0]):
        group.insert(0, named[-len(group) - 1])
    if len(group) > 1:
        return whole / facts.parts[group[0][2]][1] if paired else 1.0
    return whole / facts.parts[group[0][2]][1]


_COUNTED_BEFORE_TOTAL_RE = re.compile(rf"\b(?:x|times)[ \t]*(?:\d{{1,2}}|{'|'.join(w for w, n in NUMBER_WORDS.items() if 2 <= n <= 12)})\b",
                                      re.IGNORECASE)


def event_dose(event: DoseEvent, facts: CodeFacts, note: NoteFacts, concs: list[Amount]) -> tuple[float | None, str]:
    """The dose of one administration statement in the code's base unit (times the sites it was
    given at: "on each side"), or (None, what is missing)."""
    dose, needed = _statement_dose(event, facts, note, concs)
    if dose is not None and not event.entries:
        dose *= event.sites
    if dose is not None and (run := _then_run_at_a_rate(note, event)) is not None:
        more, _ = to_base(run, facts.unit or "", note.weight.kg if note.weight else None, concs)
        dose += more or 0.0
    return dose, needed


_THEN_RE = re.compile(r"\bthen\b", re.IGNORECASE)


def _then_run_at_a_rate(note: NoteFacts, event: DoseEvent) -> Amount | None:
    """'Nesiritide 2 mcg/kg IV bolus (144 mcg) at 0830, then 0.01 mcg/kg/min (0.72 mcg/min)
    0830-2030': a bolus, then a drip told in the same sentence at one rate over a clock span; the
    drip adds its rate times the span."""
    text, sent = note.text, event.sentence
    doses = [a for a in event.dose_amounts if not a.rate and not a.per_kg and sent.start <= a.start < sent.end]
    rates = [a for a in event.amounts if sent.start <= a.start < sent.end and _per_minute(text, a) is not None]
    if not doses or len({_per_minute(text, a) for a in rates}) != 1 or not _THEN_RE.search(text, doses[0].end, rates[0].start):
        return None
    spans = list(TIME_RANGE_RE.finditer(text, rates[-1].end, sent.end))
    if len(spans) != 1:
        return None
    m = spans[0]
    rate = _per_minute(text, rates[0]) or 0.0
    return Amount(start=m.start(), end=m.end(), value=round(rate * span_minutes(m), 6), kind=rates[0].kind)


_EQUIVALENCE_RE = re.compile(r"([\d,.]+\s*[a-z]+)\s*\(\s*([\d,.]+\s*[a-z]+)\s*\)", re.IGNORECASE)


@lru_cache(maxsize=256)
def _descriptor_equivalent(descriptor: str, kind: str, unit: str) -> float | None:
    """'rho d immune globulin, full dose, 300 micrograms (1500 i.u.)': a descriptor that gives its
    unit in two measures converts one into the other; the factor from `kind` to the code's base unit."""
    code_kind = code_unit_kind(unit)
    if code_kind is None or code_kind[0] == kind:
        return None
    for m in _EQUIVALENCE_RE.finditer(re.sub(r"\bi\.u\.", "IU", descriptor, flags=re.IGNORECASE)):
        pair = [find_amounts(m.group(1)), find_amounts(m.group(2))]
        if all(len(p) == 1 for p in pair):
            by_kind = {p[0].kind: p[0].total for p in pair}
            if set(by_kind) == {kind, code_kind[0]} and by_kind[kind]:
                return by_kind[code_kind[0]] / by_kind[kind]
    return None


def _statement_dose(event: DoseEvent, facts: CodeFacts, note: NoteFacts, concs: list[Amount]) -> tuple[float | None, str]:
    weight = note.weight.kg if note.weight else None
    unit = facts.unit or ""

    def base(a: Amount) -> tuple[float | None, str]:
        value, need = to_base(a, unit, weight, concs)
        if value is None and not a.per_kg and (equal := _descriptor_equivalent(facts.descriptor, a.kind, unit)) is not None:
            value, need = a.total * equal, ""  # "300 mcg" under "300 micrograms (1500 i.u.)": the descriptor's own equivalence
        return (value * ingredient_share(note, a, facts) if value is not None else None), need

    if event.entries:  # each MAR entry is one administration
        converted = [base(a)[0] for a in event.entries]
        if all(v is not None for v in converted):
            return sum(v for v in converted if v is not None), ""
    # ("Normal saline 3000 cc was used for the irrigation": right after the fluid's own name, its volume is its dose.)
    amounts = _corrected([a for a in event.dose_amounts if not is_diluent(note.text, a) or _right_after_name(note.text, event, a)],
                         note.text, event)
    # "first dose 150 mg IV over 4 hours, second dose 450 mg in 2 weeks": the later dose is no part of today's.
    today = [a for a in amounts if not _patterns().later.match(note.text, a.end)]
    amounts = today if today else amounts
    # "(Nesacaine-MPF 30 mg/mL, 20 mL single-dose vial) 10 mL via epidural catheter": the vial's
    # volume gives way to a volume given.
    vial_volumes = [a for a in amounts if a.kind == "volume" and CONTAINER_AFTER_RE.match(note.text, a.end)]
    if vial_volumes and any(a.kind == "volume" and a not in vial_volumes for a in amounts):
        amounts = [a for a in amounts if a not in vial_volumes]
    amounts = without_unit_strengths(note.text, amounts)
    if not amounts:
        # A drip: the infused total ("Pump total: 63 mL = 126 mg"), not the bag, is the dose.
        amounts = _infused_total(note, event) or _rate_by_running_times(note, event)
        # Dosed by a rate of drug ("5 mcg/kg/min", "18 units/kg/h"): a continuous drip, whose bag
        # is not what was given. A piggyback run at "125 mL/h" empties its bag: that bag is the dose.
        if not amounts and is_drip(note, event) and not _bag_ran_out(note, event):
            return None, "the amount infused (a drip's rate and bag content are not a dose)"
    if amounts and all(a.per_kg for a in amounts) and all(_APPROXIMATE_BEFORE_RE.search(note.text, max(0, a.start - 12), a.start) for a in amounts):
        # "Theophylline 200 mg/50 mL premix (4 mg/mL) ~4.6 mg/kg, IV ... entire bag in": a weight-based
        # dose told only roughly describes the bag's content, which is the dose.
        content = [a for a in event.amounts if a.is_concentration and not a.rate and a.volume_stated and not a.per_kg]
        if content:
            amounts = content[:1]
    if not amounts and note.waste.zero_waste and not note.waste.discarded and not _states_a_total(note, event):
        # "Entyvio 300 mg SDV ... infused IV. Full vial, no waste": the container's whole content;
        # "2,000 IU vial + 500 IU vial, complete, IV push | no waste": the containers' together.
        # ("CroFab 1 g vials x 6 ... all 10 infused, no waste": each container times their count; a
        # sentence that states its own total, "2000 IU vial + 1000 IU vial = 3,040 IU total", is dosed by it.)
        content = [a for a in event.amounts if a.container and not a.rate and not a.is_concentration and a.multiplier == 1]
        # ("Advate 1000 IU vial (label actual potency 1,046 IU)": the vial's gloss says what it held.)
        content = [a for a in content if not any(b.start > a.end and _GLOSS_OPEN_RE.fullmatch(note.text, a.end, b.start) for b in content)]
        if content and len({(a.kind, a.per_kg) for a in content}) == 1:
            amounts = [replace(content[0], value=sum(a.value * _containers_counted(note.text, a) for a in content),
                               container=False, end=content[-1].end)]
    if not amounts:
        # "500 mg/100 mL premixed bag" or "0.5 mg/0.05 mL injected": the container's content.
        amounts = [a for a in event.amounts if a.is_concentration and not a.rate and a.volume_stated][:1]
    if not amounts:
        # "Nucala 100 mg/mL prefilled autoinjector administered", "single-dose prefilled injector 80
        # USP units/1 mL": a single-dose device labelled per mL holds 1 mL.
        amounts = [replace(a, per_volume_ml=None) for a in event.amounts
                   if a.is_concentration and not a.rate and a.per_volume_ml == 1 and a.kind != "volume"
                   and (_patterns().single_dose_device.match(note.text, a.end)
                        or _patterns().single_dose_device_before.search(note.text, max(0, a.start - 40), a.start))][:1]
    if not amounts and (counted := _containers_given(note, event, facts)) is not None:
        amounts = [counted]
    if not amounts:
        return None, ""
    # "Qutenza topical system 280 cm2 x1: cut to fit; 196 cm2 applied": of two amounts of one kind,
    # the one a giving verb follows is the dose; the other is what the product held.
    verbed = [a for a in amounts if _given_after(note.text, a) or _given_before(note.text, a)]
    # "D5W 1,000 mL hung 1600 -> @ 2400 infused 800 mL": of a bag hung and the volume that went in, the volume in is the dose.
    went_in = [a for a in verbed if a.kind == "volume" and _infused_volume(note.text, a)]
    if went_in and len(went_in) < len(verbed):
        verbed = went_in
    if verbed and len({a.kind for a in amounts}) == 1 and len(verbed) < len(amounts):
        amounts = verbed
    # "L shin 0.4 mL, R forearm 0.3 mL, L hand 0.1 mL (0.8 mL total)": the statement's own total of
    # its parts is the dose (when the parts before it add up to it: "total volume 250 mL" is none).
    totals = [a for a in amounts if _TOTAL_AFTER_RE.match(note.text, a.end) or TOTAL_BEFORE_RE.search(note.text, max(0, a.start - 30), a.start)]
    parts = [a for a in amounts if totals and a.start < totals[-1].start and a.kind == totals[-1].kind]
    if len(parts) > 1 and abs(sum(a.value for a in parts) - totals[-1].value) <= 1e-6 * max(1.0, totals[-1].value):
        amounts = [totals[-1]]
    elif parts and _COUNTED_BEFORE_TOTAL_RE.search(note.text, parts[-1].end, totals[-1].start) and all(a.value < totals[-1].value for a in parts):
        # "Radiesse 1.5 cc syringes times two so 3.0 cc total": a part counted out, then the total it makes.
        amounts = [totals[-1]]
    # "ondansetron 8 mg tab x2 = 16 mg", "1.3 mg/m2 x 1.78 = 2.31 mg -> 2.3 mg": the result of the
    # statement's arithmetic is the dose, not its operands; a limit stated after it ("-> 5,520 mg,
    # capped at 4,500 mg") still has the last word.
    # ("Drew 36 mL (3,600 mg) + NS 36 mL = 72 mL": a volume that adds the diluent is the bag's, no dose.)
    diluents = [a for a in event.dose_amounts if is_diluent(note.text, a)]
    results = [a for a in amounts if result_before().search(note.text, max(0, a.start - 16), a.start) and not a.calculated
               and not (a.kind == "volume" and any(d.start < a.start for d in diluents))]
    # ("Wt 72 kg -> 14,400 U, rounded to whole vials: 14,500 U": the rounding has it too.)
    limits = [a for a in amounts if results and a.start > results[-1].start and a.kind == results[-1].kind
              and _patterns().dose_limit.search(note.text, max(0, a.start - 40), a.start)]
    if limits:
        # "rounded to vials: 2,000 IU + 500 IU": the limit told as the containers it adds up.
        added = [limits[-1]]
        for a in amounts:
            if a.start > added[-1].end and a.kind == added[-1].kind and PLUS_RE.fullmatch(note.text, added[-1].end, a.start):
                added.append(a)
        amounts = [replace(limits[-1], value=sum(a.value for a in added), end=added[-1].end)]
    elif results and any(a.start < results[-1].start and a.kind == results[-1].kind for a in amounts):
        amounts = [results[-1]]
    # "PHESGO (pertuzumab 1,200 mg / trastuzumab 600 mg / hyaluronidase 30,000 units)": under a code
    # billed by its ingredients' combined mass, each ingredient's own mass is a part of the one dose.
    if len(combined := _ingredient_masses(note.text, amounts, facts)) > 1:
        converted = [base(a)[0] for a in combined]
        if all(v is not None for v in converted):
            return sum(v for v in converted if v is not None), ""
    # "Vancomycin 15 mg/kg (1,200 mg)": the plain amount wins; "1 g (1,000 mg)" is one dose. Under
    # a code billed by volume ("up to 1 cc"), "2 mL (testosterone enanthate 180 mg / estradiol
    # valerate 8 mg)": the volume is the dose as billed, a mass only through a concentration.
    volumes = [a for a in amounts if a.kind == "volume" and not (a.per_kg or a.rate or a.is_concentration)] if "volume" in (code_unit_kind(unit) or ()) else []
    ordered = volumes or dose_order(amounts)
    values: list[float] = []
    needed = ""
    for amount in ordered:
        value, need = base(amount)
        if value is None:
            needed = needed or need
            continue
        if all(abs(value - v) > 1e-9 for v in values):
            values.append(value)
    if not values:
        return None, needed
    # "2 mg IV at 1301 and 2 mg IV at 1309": each amount with its own time is a dose.
    timed = [a for a in ordered if _TIMED_RE.match(note.text, a.end)]
    if len(timed) > 1:
        converted = [base(a)[0] for a in timed]
        if all(v is not None for v in converted):
            return sum(v for v in converted if v is not None), ""
    # "arterial lumen 1.9 mL, venous lumen 2.0 mL": one dose told in parts, each after its own site.
    # ("R lobe 2.4 mL (12 mg), L lobe 1.6 mL (8 mg)": a part's gloss in another kind is that part too.)
    told = volumes or amounts
    sited = [a for a in told if not (a.rate or a.is_concentration) and _patterns().site_label.search(note.text, max(0, a.start - 40), a.start)]
    sited += [a for a in told if a not in sited and not (a.rate or a.is_concentration)
              and any(OPEN_PAREN_RE.fullmatch(note.text, p.end, a.start) for p in sited)]
    for kind in sorted({(a.kind, a.per_kg) for a in sited}):
        parts = [a for a in sited if (a.kind, a.per_kg) == kind]
        converted = [base(a)[0] for a in parts]
        if len(parts) > 1 and len(parts) * 2 >= len(sited) and all(v is not None for v in converted):
            return sum(v for v in converted if v is not None), ""
    # Several different amounts in one statement are separate doses only when it says so.
    if len(values) > 1 and event.repeat:
        return sum(values), ""
    return values[0], ""


# Between a container's amount and the amount its parenthesis glosses it with: "vial (label actual potency ".
_GLOSS_OPEN_RE = re.compile(r"[^()\n+]{0,20}\([^()\n]{0,40}")


def _ingredient_masses(text: str, amounts: list[Amount], facts: CodeFacts) -> list[Amount]:
    """The first amount told right after each ingredient a code's unit counts together
    ("pertuzumab 1,200 mg", "trastuzumab 600 mg"; "ampicillin sodium 2 g"; "penicillin G
    procaine 1,200,000 u"), in the kind the code counts (mass, or activity units)."""
    if not facts.combined_ingredients or (kind := code_unit_kind(facts.unit)) is None or kind[0] not in ("mass", "units"):
        return []
    named = _ingredient_label_re(facts.combined_ingredients)
    found: dict[str, Amount] = {}
    for a in amounts:
        if a.kind != kind[0] or a.rate or a.per_kg or a.is_concentration or a.is_range:
            continue
        if (label := named.search(text, max(0, a.start - 40), a.start)) is not None:
            found.setdefault(label.group(1).lower(), a)
    return list(found.values())


@cache
def _ingredient_label_re(names: tuple[str, ...]) -> re.Pattern[str]:
    # the name, its salt or suffix ("sodium", "-zzxf"), then the amount: nothing else between
    return re.compile(rf"\b({'|'.join(map(re.escape, names))})[\w-]*(?:[ \t]+[a-z]+)?[ \t]*[:=]?[ \t]*$", re.IGNORECASE)


# "~4.6 mg/kg", "approx. 5 mg/kg", "about 15 mg/kg": a dose told only roughly.
_APPROXIMATE_BEFORE_RE = re.compile(r"(?:~|\u2248|\bapprox\.?|\bapproximately|\babout|\bca\.)[ \t]*$", re.IGNORECASE)
def _states_a_total(note: NoteFacts, event: DoseEvent) -> bool:
    """An amount of the statement's sentence told as a total ("= 3,040 IU total", "Total 2.5 mL")."""
    return any(_TOTAL_AFTER_RE.match(note.text, a.end) or TOTAL_BEFORE_RE.search(note.text, max(0, a.start - 30), a.start)
               for a in _amounts_in(note, event.sentence.start, event.sentence.end))


_WORD_AFTER_RE = re.compile(r"[ \t]*(?:\([^()\n]{0,30}\)[ \t]*)?(?:(?:was|were)[ \t]+)?([A-Za-z]+)")


def _right_after_name(text: str, event: DoseEvent, amount: Amount) -> bool:
    """'Normal saline 3000 cc', '3 liters of normal saline': the amount written with the fluid's own name."""
    if event.nameless:
        return False
    if amount.start >= event.mention.end:
        return not text[event.mention.end : amount.start].strip(" \t:,")
    return amount.end <= event.mention.start and re.fullmatch(r"\s+of\s+", text[amount.end : event.mention.start]) is not None


def _given_after(text: str, amount: Amount) -> bool:
    """'196 cm2 applied', '2.3 mL (2.3 mg) given': a giving verb right after the amount."""
    from docreview.note.roles import role_cues  # local: roles reads the doses this module adds up

    m = _WORD_AFTER_RE.match(text, amount.end)
    return m is not None and m.group(1).lower() in role_cues().administration_verbs


_WORD_BEFORE_RE = re.compile(r"\b([A-Za-z]+)[ \t]*:?[ \t]*$")


def _given_before(text: str, amount: Amount) -> bool:
    """'drawn 6.1 mCi; residual 0.3 mCi; administered 5.8 mCi': a giving verb right before the amount."""
    from docreview.note.roles import role_cues  # local: roles reads the doses this module adds up

    m = _WORD_BEFORE_RE.search(text, max(0, amount.start - 24), amount.start)
    return m is not None and m.group(1).lower() in role_cues().administration_verbs


def _infused_volume(text: str, amount: Amount) -> bool:
    """'infused 800 mL', 'volume infused: 250 mL': the volume a record says went in."""
    return any(m.end() == amount.start for m in _patterns().infused_volume.finditer(text, max(0, amount.start - 30), amount.end))


def _corrected(amounts: list[Amount], text: str, event: DoseEvent) -> list[Amount]:
    """'15 units SC - correction: 10 units SC given': the amounts after the statement's last
    correction replace those before it."""
    from docreview.note.roles import retraction_pattern  # local: roles reads the doses this module adds up

    fixes = list(retraction_pattern().finditer(text, event.mention.end, event.sentence.end))
    after = [a for a in amounts if fixes and a.start >= fixes[-1].end()]
    return after or amounts


def _sums_timed_rows(event: DoseEvent, dose: float | None, rows: list[tuple[DoseEvent, float | None, str, bool]]) -> bool:
    timed = [d for e, d, _, _ in rows if e is not event and e.times and d is not None]
    return (dose is not None and not event.times and len(timed) >= 2
            and abs(sum(timed) - dose) <= 1e-6 * max(dose, 1.0))


def _is_total_line(note: NoteFacts, event: DoseEvent) -> bool:
    """'Total midazolam 4 mg', 'midazolam total 4 mg', 'Totals: midazolam 3 mg IV; fentanyl 100 mcg IV':
    a sum of doses already listed."""
    first = event.dose_amounts[:1]
    if not first:
        return False
    before = note.text[max(event.sentence.start, event.mention.start - 16) : event.mention.start]
    between = note.text[event.mention.end : first[0].start]
    line_start = note.text.rfind("\n", 0, event.mention.start) + 1
    return bool(TOTAL_BEFORE_RE.search(before) or _TOTAL_BETWEEN_RE.search(between)
                or _TOTAL_HEADER_RE.match(note.text, line_start, event.mention.start))


def _next_site(note: NoteFacts, first: DoseEvent, later: DoseEvent) -> bool:
    return next_site(note.text, first, later)


def next_site(text: str, first: DoseEvent, later: DoseEvent) -> bool:
    """The later statement of the same dose is given at another site (a new administration)."""
    if later.sentence.start <= first.sentence.start:
        return False
    spans = _next_site_spans(text)  # (found once per note: a run-on line of many givings asks for each pair)
    k = bisect_left(spans, (first.sentence.end, -1))
    if k < len(spans) and spans[k][1] <= later.sentence.end:
        return True
    # "Right ear: ... OTIPRIO 0.1 mL instilled" then "Left ear: ... OTIPRIO 0.1 mL instilled": each line names its side.
    sides = {_side(text, first), _side(text, later)}
    return None not in sides and len(sides) == 2


# "left", "Lt", or a capital L or R before a site word ("SC L abdomen", "IM R deltoid"); an eye, "OD"
# (the right) or "OS" (the left).
_SIDE_RE = re.compile(r"\b(?i:(left|right)\b|(lt|rt)\b\.?)|(?<![\w./-])([LR])(?=[ \t]+[a-z]{3,})|\bO([DS])\b")
_EYE_SIDES = {"d": "r", "s": "l"}


@lru_cache(maxsize=4)
def _next_site_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _patterns().next_site.finditer(text)]


_SIDE_LABEL_REACH = 120  # characters before the giving's sentence
_SIDE_LABEL_RE = re.compile(r"[ \t]*(?:[-*\u2022][ \t]*)?(left|right|lt|rt)\b[^:\n]{0,30}:", re.IGNORECASE)


def _side(text: str, event: DoseEvent) -> str | None:
    """The one side (left or right) the giving's line names up to the end of its sentence."""
    # (A line's label stands a few words before the giving: a run-on line of many givings is not read whole for each.)
    line_start = max(text.rfind("\n", 0, event.mention.start) + 1, event.sentence.start - _SIDE_LABEL_REACH)
    named = {(m.group(1) or m.group(2) or m.group(3) or _EYE_SIDES[m.group(4).lower()])[0].lower()
             for m in _SIDE_RE.finditer(text, line_start, event.sentence.end)}
    # ("RIGHT knee: prep, wheal, approach, aspirate ... Genvisc injected": a label opening the line
    # names its side however long the line runs.)
    if label := _SIDE_LABEL_RE.match(text, text.rfind("\n", 0, event.mention.start) + 1):
        named.add(label.group(1)[0].lower())
    return named.pop() if len(named) == 1 else None


def total_dose(events: list[DoseEvent], facts: CodeFacts, note: NoteFacts,
               restated: list[DoseEvent] | None = None) -> tuple[float | None, str, list[DoseEvent]]:
    """Sum every administration on the date of service; a repeated mention of one dose counts once.

    `restated`: the drug's other mentions, among which a stated total ("Total bivalirudin
    administered 225 mg") is the dose when a rate-run infusion makes the listed amounts fall short.
    Returns (total in the code's base unit or None, what a conversion lacks, the events counted).
    """
    concs = concentrations(events, note, facts)
    rows = [(e, *event_dose(e, facts, note, concs), _is_total_line(note, e)) for e in events]
    drip = titrated_drip(note, events)
    if drip is not None and not any(e.dose_amounts for e in drip[1]):
        # The drip's start and rate changes, no amount stated, are one giving: the amount its timed lines add up to.
        infused, steps = drip
        dose, need = to_base(infused, facts.unit or "", note.weight.kg if note.weight else None, concs)
        rows = [(steps[0], dose, need, False), *(row for row in rows if row[0] not in steps)]
    stated = [(e, dose) for e in (restated or []) if _is_total_line(note, e) for dose, _ in [event_dose(e, facts, note, concs)] if dose is not None]
    stated += [(e, dose) for e, dose, _, is_total in rows if is_total and dose is not None]
    # "Order: Firmagon 240 mg SC given as two 120 mg injections" over two timed rows of 120 mg: an
    # untimed statement whose dose is what two or more timed givings of it add up to sums them.
    rows = [(e, dose, need, is_total or _sums_timed_rows(e, dose, rows)) for e, dose, need, is_total in rows]
    # A total sums the doses listed; when none of those has an amount, the total is the dose.
    if any(row[3] for row in rows) and any(dose is not None and not is_total for _, dose, _, is_total in rows):
        rows = [row for row in rows if not row[3]]
    summed, needed, counted = _sum(rows, note)
    stated_total = _record_total(events, facts, note, concs)
    if stated_total is not None:
        # "Bolus 400 mg IV" ... "Infusion 4 mg/min x 120 min" ... "Total administered 880 mg": the
        # record's own total, on a line that names no drug, is what was given.
        return stated_total, "", counted or list(events)
    if stated and summed is not None and all(_vial_only(note, e) for e in counted):
        # "Agent: adenosine 3 mg/mL, 30 mL single-dose vial (90 mg)" ... "Total adenosine infused
        # 68.9 mg (23.0 mL)": what the vial held is no dose beside the stated total infused.
        event, dose = max(stated, key=lambda pair: pair[1])
        return dose, needed, [event]
    told_given = [(e, dose) for e, dose in stated if "ADMINISTERED" in e.categories]
    if told_given and summed is not None and len(told_given) == 1 and told_given[0][1] < summed - 1e-9:
        # "bag #2 stopped, ~50 mL infused (15 mg)" ... "Total edaravone administered today: 45 mg":
        # the record's own total of what was given stands over a sum that counted a planned dose.
        event, dose = told_given[0]
        return dose, needed, [*counted, event]
    if stated and summed is not None and max(dose for _, dose in stated) > summed + 1e-9:
        # "0.75 mg/kg bolus = 67.5 mg, then 1.75 mg/kg/h ... Total administered 225 mg": the
        # infusion's share is in the stated total only; "0.5 mL per site" at three sites ...
        # "Total hydrocortisone acetate: 1.5 mL": so are the repeats a per-site dose leaves out.
        event, dose = max(stated, key=lambda pair: pair[1])
        return dose, needed, [*counted, event]
    return summed, needed, counted


def _ran_out(note: NoteFacts, hung: DoseEvent, later: DoseEvent) -> bool:
    """The later statement of a bag's dose says it ran out ("bag empty", "infusion complete"), and
    the earlier, which hung or started it, says nothing of its end."""
    completed = _patterns().bag_completed
    return (hung.sentence.start < later.sentence.start and bool(completed.search(note.text, later.sentence.start, later.sentence.end))
            and not completed.search(note.text, hung.sentence.start, hung.sentence.end))


def _containers_counted(text: str, amount: Amount) -> int:
    """'1 g vials x 6': the count of containers of that content (note/waste.py counts them)."""
    container = CONTAINER_AFTER_RE.match(text, amount.end)
    return containers_counted(text, amount.start, container.end()) if container else 1


def _vial_only(note: NoteFacts, event: DoseEvent) -> bool:
    """Every amount of the statement tells a container: "30 mL single-dose vial (90 mg)"."""
    return bool(event.dose_amounts) and all(
        a.container or (a.kind == "volume" and CONTAINER_AFTER_RE.match(note.text, a.end)) for a in event.dose_amounts)


def _grid_rows(text: str, start: int, end: int) -> int:
    """The rows of a pipe table between two points: a drip's rate table is one block of its record."""
    return sum(1 for line in text[start:end].split("\n") if line.count("|") >= 2)


def _record_total(events: list[DoseEvent], facts: CodeFacts, note: NoteFacts, concs: list[Amount]) -> float | None:
    """The total a line of the drug's record states without naming a drug ("Total infused 12 mg
    (24 mL)"), below its last giving and before another drug given by injection is named (an oral
    drug named between, "transitioned to oral nicardipine", cannot have been infused)."""
    if not events or note.annotations is None:
        return None
    for sent in _record_lines_below(note, events):
        if any(sent.start <= e.mention.start < sent.end for e in note.events):
            continue
        if _patterns().record_total.match(note.text, sent.start):
            weight = note.weight.kg if note.weight else None
            for amount in note.annotations.amounts_in(sent.start, sent.end):
                if amount.rate or amount.is_concentration or amount.is_range:
                    continue
                value, _ = to_base(amount, facts.unit or "", weight, concs)
                # A volume is the total only of a code billed by volume ("24 mL" beside "12 mg" is the bag's share).
                if value is not None and (amount.kind != "volume" or amount.kind == (code_unit_kind(facts.unit) or ("",))[0]):
                    return value
    return None


_SAME_DOSE_TOLERANCE = 0.005  # relative: two statements this close tell one dose


def _sum(rows: list[tuple[DoseEvent, float | None, str, bool]], note: NoteFacts) -> tuple[float | None, str, list[DoseEvent]]:
    total, needed, counted = 0.0, "", []
    seen: dict[float, set[str]] = {}
    last: dict[float, DoseEvent] = {}
    for event, dose, need, _ in rows:
        if dose is None:
            needed = needed or need
            continue
        # "2.67 g (aztreonam 2 g / avibactam 0.67 g)": an ingredient's amount scaled to the
        # combination differs from the stated total only by the note's rounding.
        key = next((k for k in seen if abs(k - dose) <= _SAME_DOSE_TOLERANCE * max(k, dose)), round(dose, 6))
        # ("0800 furosemide 80 mg IV push -- given; 1600 furosemide 80 mg IV push -- given": on a
        # line of two entries, each is timed by the clock before its own name.)
        times = set(event.clock_before(note.text)) or set(event.times)
        # Two times make two givings; an untimed mention of the same dose (a plan line, a summary)
        # and a timed one are one giving told twice, and so are two that share a time ("started
        # 0815" and "pump history 0815-2359: ... = 128.6 mg").
        # ("1340 D5NS 1000 mL bag hung" then "1445 D5NS 1000 mL infused - bag empty": the bag hung ran
        # out; its two times tell one giving.)
        if (key in seen and not event.repeat and (not (times and seen[key] and not times & seen[key]) or _ran_out(note, last[key], event))
                and not _next_site(note, last[key], event) and not event.on_other_day_than(last[key])):
            if event.routes and (not last[key].routes or ("ADMINISTERED" in event.categories and "ADMINISTERED" not in last[key].categories)):
                # One giving told twice ("after the administration of 3 mcg of Kinevac" ... "3 mcg
                # of IV Kinevac was given"): the statement that says how is the one route judges,
                # and of two that do, the one that says it was given ("Chloroquine HCl injection
                # 50 mg/mL, 5 mL ampule" ... "250 mg chloroquine given IM").
                counted[counted.index(last[key])] = last[key] = event
            # (an untimed order line, then "0200 ... given", "1000 ... given": the first time joins the
            # order's giving, and a later time is a giving of its own)
            seen[key].update(times)
            continue
        seen.setdefault(key, set()).update(times)
        last[key] = event
        total += dose
        counted.append(event)
    return (total if counted else None), needed, counted
