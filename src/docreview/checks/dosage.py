"""Dosage: an administered amount of the billed drug, and billed units that match it."""

from __future__ import annotations

import re

from docreview.checks.base import CheckContext, Outcome, evidence, line_evidence, make_finding
from docreview.checks.units import billing_units, format_number, to_base
from docreview.knowledge.facts import CodeFacts, normalize_name
from docreview.note.amounts import Amount, find_amounts
from docreview.note.extract import DoseEvent
from docreview.schema import Status

_DILUENT_RE = re.compile(r"(?:\bin|diluted\s+in|\bns|\bd5w|saline|sodium\s+chloride|\blr|\bbag|\bflush(?:ed)?|\bwith)\s*(?:\d+\s*%\s*)?(?:ns\s+|nacl\s+|d5w\s+)?$", re.IGNORECASE)


_TIMED_RE = re.compile(r"[ \t]*(?:[A-Za-z]+[ \t]+){0,3}(?:at|@)[ \t]*(?:[01]\d|2[0-3]):?[0-5]\d\b", re.IGNORECASE)


def _is_diluent(note: str, amount: Amount) -> bool:
    """'diluted in NS 100 mL', 'in 250 mL D5W': a carrier volume, not the drug's dose."""
    return amount.kind == "volume" and bool(_DILUENT_RE.search(note[max(0, amount.start - 20) : amount.start]))


def _concentrations(events: list[DoseEvent], ctx: CheckContext) -> list[Amount]:
    own = [a for e in events for a in e.amounts if a.is_concentration]
    vials = [a for a, _ in ctx.read.waste.vial_contents if a.is_concentration]
    return own + vials


def event_dose(event: DoseEvent, facts: CodeFacts, ctx: CheckContext, concs: list[Amount]) -> tuple[float | None, str]:
    """The dose of one administration in the code's base unit, or (None, what is missing)."""
    weight = ctx.read.weight.kg if ctx.read.weight else None
    if event.entries:  # each MAR entry is one administration
        converted = [to_base(a, facts.unit or "", weight, concs)[0] for a in event.entries]
        if all(v is not None for v in converted):
            return sum(v for v in converted if v is not None), ""
    amounts = [a for a in event.dose_amounts if not _is_diluent(ctx.note, a)]
    if not amounts:
        # A drip: the infused total ("Pump total: 63 mL = 126 mg"), not the bag, is the dose.
        amounts = _infused_total(ctx, event)
        # Dosed by a rate of drug ("5 mcg/kg/min", "18 units/kg/h"): a continuous drip, whose bag
        # is not what was given. A piggyback run at "125 mL/h" empties its bag: that bag is the dose.
        if not amounts and _is_drip(ctx, event):
            return None, "the amount infused (a drip's rate and bag content are not a dose)"
    if not amounts:
        # "500 mg/100 mL premixed bag" or "0.5 mg/0.05 mL injected": the container's content.
        amounts = [a for a in event.amounts if a.is_concentration and not a.rate and a.volume_stated][:1]
    if not amounts:
        return None, ""
    plain = [a for a in amounts if not a.per_kg and a.kind != "volume"]
    # "Vancomycin 15 mg/kg (1,200 mg)": the plain amount wins; "1 g (1,000 mg)" is one dose.
    ordered = plain or amounts
    values: list[float] = []
    needed = ""
    for amount in ordered:
        value, need = to_base(amount, facts.unit or "", weight, concs)
        if value is None:
            needed = needed or need
            continue
        if all(abs(value - v) > 1e-9 for v in values):
            values.append(value)
    if not values:
        return None, needed
    # "2 mg IV at 1301 and 2 mg IV at 1309": each amount with its own time is a dose.
    timed = [a for a in ordered if _TIMED_RE.match(ctx.note, a.end)]
    if len(timed) > 1:
        converted = [to_base(a, facts.unit or "", weight, concs)[0] for a in timed]
        if all(v is not None for v in converted):
            return sum(v for v in converted if v is not None), ""
    # Several different amounts in one statement are separate doses only when it says so.
    if len(values) > 1 and event.repeat:
        return sum(values), ""
    return values[0], ""


_DRIP_RE = re.compile(r"\b(?:drip|gtt|continuous\s+infusion|titrat\w*)\b", re.IGNORECASE)
# "Pump total: 63 mL = 126 mg", "infused 150 mL (300 mg)", "I&O: 150 mL = 600 mg": the amount
# a rate-based infusion delivered, stated without the drug's name on the lines after it.
_INFUSED_TOTAL_RE = re.compile(
    r"\b(?:pump\s+total|total\s+(?:infused|volume\s+infused|delivered)|volume\s+infused|infused(?:\s+total)?|i\s*&\s*o|intake)\b"
    r"[^\n]{0,40}?\d[\d,.]*\s*ml\s*(?:=|\()\s*(?=\d)",
    re.IGNORECASE,
)


def _is_drip(ctx: CheckContext, event: DoseEvent) -> bool:
    """A continuous infusion: dosed by a rate of drug, or called a drip ("gtt", "titrate")."""
    return any(a.rate and a.kind != "volume" for a in event.amounts) or bool(_DRIP_RE.search(ctx.note, event.sentence.start, event.sentence.end))


def _infused_total(ctx: CheckContext, event: DoseEvent) -> list[Amount]:
    """The infused total stated near a drip's bag content, before another drug is named."""
    if not any(a.is_concentration for a in event.amounts):
        return []
    note, sent = ctx.note, event.sentence
    others = [e.mention.start for e in ctx.read.events if e.mention.start > event.mention.end]
    stop = min([*others, len(note)])
    for later in ctx.read.sentences:
        if later.start < sent.start or later.start >= stop or later.paragraph != sent.paragraph or later.line - sent.line > 3:
            continue
        m = _INFUSED_TOTAL_RE.search(note, later.start, later.end)
        if m:
            found = [a for a in find_amounts(note, m.end(), later.end) if a.kind != "volume" and not a.rate and not a.is_concentration]
            if found:
                return found[:1]
    return []


_TOTAL_BEFORE_RE = re.compile(r"\btotal(?:\s+(?:dose|of|given|administered))?\s*(?:of\s+)?[:=]?\s*$", re.IGNORECASE)
_TOTAL_BETWEEN_RE = re.compile(r"\btotal\b", re.IGNORECASE)


def _is_total_line(ctx: CheckContext, event: DoseEvent) -> bool:
    """'Total midazolam 4 mg', 'midazolam total 4 mg': a sum of doses already listed."""
    first = event.dose_amounts[:1]
    if not first:
        return False
    before = ctx.note[max(event.sentence.start, event.mention.start - 16) : event.mention.start]
    between = ctx.note[event.mention.end : first[0].start]
    return bool(_TOTAL_BEFORE_RE.search(before) or _TOTAL_BETWEEN_RE.search(between))


def total_dose(events: list[DoseEvent], facts: CodeFacts, ctx: CheckContext) -> tuple[float | None, str, list[DoseEvent]]:
    """Sum every administration on the date of service; a repeated mention of one dose counts once."""
    concs = _concentrations(events, ctx)
    rows = [(e, *event_dose(e, facts, ctx, concs), _is_total_line(ctx, e)) for e in events]
    # A total sums the doses listed; when none of those has an amount, the total is the dose.
    if any(row[3] for row in rows) and any(dose is not None and not is_total for _, dose, _, is_total in rows):
        rows = [row for row in rows if not row[3]]
    total, needed, counted = 0.0, "", []
    seen: dict[float, set[str]] = {}
    for event, dose, need, _ in rows:
        if dose is None:
            needed = needed or need
            continue
        key = round(dose, 6)
        times = set(event.times)
        if key in seen and not event.repeat and not (times and times - seen[key]):
            continue
        seen.setdefault(key, set()).update(times)
        total += dose
        counted.append(event)
    return (total if counted else None), needed, counted


def _suggest_code(ctx: CheckContext, event: DoseEvent) -> tuple[CodeFacts | None, int | None]:
    """The code (and units) that fits the documented drug and dose best."""
    candidates = [ctx.kb.facts(c) for c in sorted(event.mention.codes) if c in ctx.kb.codes]
    candidates = [c for c in candidates if c.unit and c.unit_amount]
    if not candidates:
        return None, None
    best, best_units, best_key = None, None, None
    for facts in candidates:
        dose, _, _ = total_dose([event], facts, ctx)
        if facts.per_dose:
            units = 1
        elif dose is None:
            continue
        else:
            units = billing_units(dose, facts.unit or "", facts.unit_amount or 1)
        key = (facts.document is None, (units or 0) * (facts.unit_amount or 0), units)
        if best_key is None or key < best_key:
            best, best_units, best_key = facts, units, key
    if best is None:
        best = next((c for c in candidates if c.document), candidates[0])
    return best, best_units


def _class_only(ctx: CheckContext, event: DoseEvent) -> bool:
    """A product-specific code's drug named only by its class ("IVIG" for Bivigam)."""
    brands = {normalize_name(b) for b in ctx.facts.brands}
    return ctx.facts.product_specific and normalize_name(event.mention.name.split(" / ")[-1]) not in brands and len(event.mention.codes) > 1


def _wrong_drug_event(ctx: CheckContext, same_drug_only: bool = False) -> DoseEvent | None:
    """Another drug administered with an amount, when the billed drug is absent from the note."""
    # Only a drug with a code of its own can be "billed under the wrong code".
    others = [e for e in ctx.read.events if e.given and e.dose_amounts and e.mention.codes and ctx.facts.code not in e.mention.codes]
    if not others:
        return None
    moiety = ctx.facts.moiety
    if same_drug_only:
        # "Seizalam not stocked; generic midazolam 10 mg IM given": another product of the drug.
        return next((e for e in others if moiety and any(moiety in normalize_name(ctx.kb.facts(c).drug)
                                                          for c in e.mention.codes if c in ctx.kb.codes)), None)
    similar = set(ctx.facts.similar_codes)
    # Prefer the same drug in another formulation, then a look-alike code, then the first.
    for e in others:
        if moiety and any(moiety in normalize_name(ctx.kb.facts(c).drug) for c in e.mention.codes if c in ctx.kb.codes):
            return e
    for e in others:
        if e.mention.codes & similar:
            return e
    return others[0]


def check_dosage(ctx: CheckContext) -> Outcome:
    facts, note, claim = ctx.facts, ctx.note, ctx.claim
    billed = ctx.read.events_for(facts.code)
    given = [e for e in billed if e.given]
    if given and all(_class_only(ctx, e) for e in given) and _wrong_drug_event(ctx, same_drug_only=True):
        # "IVIG infusion ... Gammagard Liquid 30 g": the class name is resolved by the product named.
        given = []
    if not given:
        wrong = _wrong_drug_event(ctx, same_drug_only=True) if billed else None
        if billed and wrong is None:
            e = billed[0]
            ev = [line_evidence(note, e.mention.start, e.mention.end)]
            f = make_finding(ctx, "DOS003", f"{facts.drug} is documented but not as given ({e.why_not_given}).", ev)
            return Outcome(Status.missing, f"{facts.drug} not administered ({e.why_not_given})", ev, [f])
        wrong = wrong or _wrong_drug_event(ctx)
        if wrong is not None:
            ctx.administrations = [wrong]
            ev = [line_evidence(note, wrong.mention.start, wrong.mention.end)]
            right, units = _suggest_code(ctx, wrong)
            drug = note[wrong.mention.start : wrong.mention.end]
            fix = (
                f"Bill {right.code} ({right.descriptor}) x {units} for the documented {drug}."
                if right and units
                else f"Find the code for {drug}; {facts.code} is {facts.descriptor}."
            )
            f = make_finding(ctx, "DOS005", f"The note documents {drug}, not {facts.display_drug} ({facts.code}).", ev, fix)
            return Outcome(Status.inconsistent, f"documented drug is {drug}, not {facts.drug}", ev, [f])
        f = make_finding(ctx, "DOS004", f"The note does not mention {facts.display_drug}.")
        return Outcome(Status.missing, f"{facts.drug} not documented", [], [f])

    ctx.administrations = given
    ev = [line_evidence(note, e.mention.start, e.mention.end) for e in given[:3]]
    findings = []
    # Product-specific codes: a class name ("IVIG") does not identify the product.
    if all(_class_only(ctx, e) for e in given):
        findings.append(make_finding(ctx, "DOS010", f"{facts.code} is for {facts.display_drug}; the note names only the drug class.", ev))

    if facts.per_dose:
        units: int | None = len(given)
        ctx.administered_base = None
    else:
        total, needed, counted = total_dose(given, facts, ctx)
        if total is None:
            if needed:
                f = make_finding(ctx, "DOS006", f"The documented amount of {facts.drug} cannot be converted to {facts.unit}: the note lacks {needed}.", ev)
                return Outcome(Status.missing, f"amount not convertible (needs {needed})", ev, [*findings, f])
            f = make_finding(ctx, "DOS002", f"{facts.drug} is documented as given without an amount.", ev)
            return Outcome(Status.missing, f"{facts.drug} given, no amount documented", ev, [*findings, f])
        ctx.administered_base = total
        ctx.administrations = counted  # route is judged on the administrations that carry a dose
        if not any(e.routes for e in counted):
            # "Drip: dobutamine ... via R IJ CVC" then "I&O: dobutamine 456 mL": one infusion.
            ctx.administrations = counted + [e for e in given if e not in counted and e.routes and _is_drip(ctx, e)]
        units = billing_units(total, facts.unit or "", facts.unit_amount or 1)
        ev = [evidence(note, a.start, a.end) for e in counted for a in e.dose_amounts[:1]] + ev[:1]
        family = _family_findings(ctx, total, units)
        if family and family[0].rule_id == "DOS007":
            return Outcome(Status.inconsistent, family[0].message, ev, [*findings, *family])
        findings.extend(family)

    dose_text = _dose_text(ctx)
    if claim.units is None:
        findings.append(make_finding(ctx, "DOS009", f"{dose_text} bills as {units} unit(s) of {facts.code}.", ev, f"Bill {facts.code} x {units}."))
        return Outcome(Status.documented, f"{dose_text} = {units} unit(s); claim gives no units", ev, findings)
    if abs(claim.units - (units or 0)) > 1e-9:
        f = make_finding(
            ctx,
            "DOS001",
            f"{dose_text} bills as {units} unit(s) of {_unit_text(facts)}; the claim bills {format_number(claim.units)}.",
            ev,
            f"Bill {facts.code} x {units}, or correct the documented dose.",
        )
        return Outcome(Status.inconsistent, f"billed {format_number(claim.units)} unit(s), documentation supports {units}", ev, [*findings, f])
    return Outcome(Status.documented, f"{dose_text} = {units} unit(s), as billed", ev, findings)


def _unit_text(facts: CodeFacts) -> str:
    prefix = "up to " if facts.up_to else ""
    return f"{prefix}{format_number(facts.unit_amount or 1)} {facts.unit}"


def _dose_text(ctx: CheckContext) -> str:
    facts = ctx.facts
    if facts.per_dose or ctx.administered_base is None:
        return f"{len(ctx.administrations)} administration(s) of {facts.drug}"
    from docreview.checks.units import code_unit_kind

    kind = code_unit_kind(facts.unit)
    value = ctx.administered_base / (kind[1] if kind else 1)
    return f"{format_number(value)} {facts.unit} of {facts.drug}"


def _family_findings(ctx: CheckContext, total: float, units: int):
    """Strength families (edge case 7): a smaller code that covers the dose, or a combination."""
    facts = ctx.facts
    out = []
    for other in ctx.kb.family(facts):
        if not other.unit_amount or not facts.unit_amount:
            continue
        other_units = billing_units(total, other.unit or "", other.unit_amount)
        if other.unit_amount < facts.unit_amount and other_units == 1:
            out.insert(0, make_finding(
                ctx, "DOS007",
                f"{other.code} ({_unit_text(other)}) covers the documented dose in one unit; {facts.code} is {_unit_text(facts)}.",
                suggestion=f"Bill {other.code} x 1.",
            ))
        elif other.unit_amount > facts.unit_amount and other_units == 1 and units > 1:
            out.append(make_finding(
                ctx, "DOS008",
                f"{facts.code} x {units} bills a dose that {other.code} x 1 ({_unit_text(other)}) also covers.",
                suggestion=f"Check the payer's policy; {other.code} x 1 is the usual choice.",
            ))
    return out
