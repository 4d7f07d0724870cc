"""Dosage: an administered amount of the billed drug, and billed units that match it.

A pure function of the reading: which administrations count and their total dose were read
before any check (docreview.note.reading); this module compares them with the code and claim.
"""

from __future__ import annotations

from docreview.checks.base import CheckContext, Outcome, evidence, line_evidence, make_finding
from docreview.knowledge.facts import CodeFacts, normalize_name
from docreview.schema import Status
from docreview.units import billing_units, code_unit_kind, format_number, in_tier


def check_dosage(ctx: CheckContext) -> Outcome:
    facts, note, claim, admin = ctx.facts, ctx.note, ctx.claim, ctx.administration
    if admin.state == "not_given" and admin.other_days:
        e = admin.other_days[0]
        ev = [line_evidence(note, e.mention.start, e.mention.end)]
        days = ", ".join(dict.fromkeys(str(d) for x in admin.other_days for d in (x.dates or [x.earlier_day]) if d is not None))
        this_day = f"the date of service {claim.date_of_service}" if claim.date_of_service else "the day of this note"
        f = make_finding(ctx, "DOS003", f"{facts.drug} is documented as given on {days}, not on {this_day}.", ev,
                         "Bill the line for the day the drug was given, or document this day's administration.")
        return Outcome(Status.missing, f"{facts.drug} given on {days}, not on the date of service", ev, [f])
    if admin.state == "not_given":
        e = admin.billed[0]
        ev = [line_evidence(note, e.mention.start, e.mention.end)]
        f = make_finding(ctx, "DOS003", f"{facts.drug} is documented but not as given ({e.why_not_given}).", ev)
        return Outcome(Status.missing, f"{facts.drug} not administered ({e.why_not_given})", ev, [f])
    if admin.state == "other_drug" and admin.other is not None:
        other = admin.other
        ev = [line_evidence(note, other.mention.start, other.mention.end)]
        right = ctx.kb.facts(admin.other_code) if admin.other_code else None
        drug = other.mention.name if other.nameless else note[other.mention.start : other.mention.end]
        drug += ")" if drug.count("(") > drug.count(")") else ""  # "Triferic AVNU (ferric pyrophosphate citrate solution"
        if right is not None and not other.nameless and "(" not in drug and normalize_name(right.drug) not in normalize_name(drug):
            drug = f"{drug} ({right.drug})"  # "vaso (vasopressin)", "Hope (sodium thiosulfate)": what the name stands for
        fix = (
            f"Bill {right.code} ({right.descriptor}) x {admin.other_units} for the documented {drug}."
            if right and admin.other_units
            else f"Find the code for {drug}; {facts.code} is {facts.descriptor}."
        )
        if right is not None and right.moiety == facts.moiety:
            # The same drug, another product of it ("glycopyrrolate 0.2 mg IV" under the inhalation solution's code).
            f = make_finding(ctx, "DOS005", f"The note documents {drug} as {right.code}'s product ({right.descriptor}), "
                             f"not {facts.code}'s ({facts.descriptor}).", ev, fix)
            return Outcome(Status.inconsistent, f"documented {drug} is {right.code}'s product, not {facts.code}'s", ev, [f])
        f = make_finding(ctx, "DOS005", f"The note documents {drug}, not {facts.display_drug} ({facts.code}).", ev, fix)
        return Outcome(Status.inconsistent, f"documented drug is {drug}, not {facts.display_drug}", ev, [f])
    if admin.state == "absent" and admin.counted:
        kind = admin.counted[0]
        ev = [line_evidence(note, kind.mention.start, kind.mention.end)]
        f = make_finding(ctx, "DOS004", f"The note does not name {facts.display_drug}; it tells only a giving of '{kind.mention.name}'.", ev,
                         f"Document the drug given and its amount; {facts.code} is {facts.descriptor}.")
        return Outcome(Status.missing, f"{facts.drug} not named (only '{kind.mention.name}')", ev, [f])
    if admin.state == "absent":
        f = make_finding(ctx, "DOS004", f"The note does not mention {facts.display_drug}.")
        return Outcome(Status.missing, f"{facts.drug} not documented", [], [f])

    ev = [line_evidence(note, e.mention.start, e.mention.end) for e in admin.given[:3]]
    findings = []
    # Product-specific codes: a class name ("IVIG") does not identify the product.
    if admin.class_only:
        findings.append(make_finding(ctx, "DOS010", f"{facts.code} is for {facts.display_drug}; the note names only the drug class.", ev))

    if facts.unclassified:
        return _unclassified_outcome(ctx, ev, findings)
    if facts.per_dose:
        units: int | None = len(admin.counted)
    else:
        total = admin.dose_base
        if total is None:
            if admin.needed:
                f = make_finding(ctx, "DOS006", f"The documented amount of {facts.drug} cannot be converted to {facts.unit}: the note lacks {admin.needed}.", ev)
                return Outcome(Status.missing, f"amount not convertible (needs {admin.needed})", ev, [*findings, f])
            f = make_finding(ctx, "DOS002", f"{facts.drug} is documented as given without an amount.", ev)
            return Outcome(Status.missing, f"{facts.drug} given, no amount documented", ev, [*findings, f])
        ev = [evidence(note, a.start, a.end) for e in admin.counted for a in e.dose_amounts[:1]] + ev[:1]
        if facts.tier:
            # A tier code bills one unit when the day's dose lies in its tier: edge case 5 sums
            # every administration on the date of service before converting ("2 mg SL film" at
            # 0910 and 1050: 4 mg, J0573's "greater than 3 mg, up to 6 mg").
            units = 1
            tier_outcome = _tier_outcome(ctx, total, ev, findings)
            if tier_outcome is not None:
                return tier_outcome
            family = []
        else:
            units = billing_units(total, facts.unit or "", facts.unit_amount or 1)
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


def _unclassified_outcome(ctx: CheckContext, ev: list, findings: list) -> Outcome:
    """An unclassified code bills the drug by its documented amount; the claim's units are the
    payer's convention for the line, not a conversion the descriptor defines."""
    note, facts, admin = ctx.note, ctx.facts, ctx.administration
    drug = admin.counted[0].mention.name
    # "5 mL (500 mg)": the drug's own measure before the volume it came in.
    amounts = sorted((a for e in admin.counted for a in e.dose_amounts), key=lambda a: a.kind == "volume")
    if not amounts:
        f = make_finding(ctx, "DOS002", f"{drug}, billed under {facts.code}, is documented as given without an amount.", ev)
        return Outcome(Status.missing, f"{drug} given, no amount documented", ev, [*findings, f])
    ev = [evidence(note, a.start, a.end) for a in amounts[:1]] + ev[:1]
    amount = note[amounts[0].start : amounts[0].end]
    return Outcome(Status.documented, f"{amount} of {drug}, a drug with no code of its own", ev, findings)


def _tier_outcome(ctx: CheckContext, day_base: float, ev: list, findings: list) -> Outcome | None:
    """The day's dose outside the billed tier code's tier: the tier code that covers it."""
    facts = ctx.facts
    if facts.tier is None or in_tier(day_base, facts.unit or "", facts.tier):
        return None
    covering = [o for o in ctx.kb.family(facts) if o.tier and in_tier(day_base, o.unit or "", o.tier)]
    dose_text = _dose_text(ctx)
    fix = f"Bill {covering[0].code} x 1." if covering else "Bill the code whose tier covers the dose."
    where = f"; {covering[0].code} ({_unit_text(covering[0])}) covers it" if covering else ""
    f = make_finding(ctx, "DOS007", f"{dose_text} lies outside {facts.code}'s tier ({_unit_text(facts)}){where}.", ev, fix)
    return Outcome(Status.inconsistent, f"dose outside {facts.code}'s tier", ev, [*findings, f])


def _unit_text(facts: CodeFacts) -> str:
    if facts.tier:
        above, up_to = facts.tier
        bounds = [f"greater than {format_number(above)} {facts.unit}"] if above is not None else []
        bounds += [f"up to {format_number(up_to)} {facts.unit}"] if up_to is not None else []
        return " and ".join(bounds) + " on the date of service"
    prefix = "up to " if facts.up_to else ""
    return f"{prefix}{format_number(facts.unit_amount or 1)} {facts.unit}"


def _dose_text(ctx: CheckContext) -> str:
    facts = ctx.facts
    if facts.per_dose or ctx.administered_base is None:
        return f"{len(ctx.administrations)} administration(s) of {facts.drug}"
    kind = code_unit_kind(facts.unit)
    value = ctx.administered_base / (kind[1] if kind else 1)
    unit = f"{facts.unit}(s)" if kind and kind[0] == "containers" else facts.unit  # "4 vial(s) of digoxin immune fab"
    return f"{format_number(value)} {unit} of {facts.drug}"


def _container_of_the_code(ctx: CheckContext) -> bool:
    """'NS 1000 mL started' ... 'approx 350 mL infused' under the 1,000 mL code: a code per bag of
    a volume bills the bag the record names hung, however much of it ran in."""
    facts = ctx.facts
    kind = code_unit_kind(facts.unit)
    if kind is None or kind[0] != "volume" or not facts.unit_amount:
        return False
    size = facts.unit_amount * kind[1]
    notes = ctx.reading.note.annotations
    return notes is not None and any(
        a.kind == "volume" and not (a.rate or a.is_concentration) and abs(a.value - size) < 1e-6
        for e in ctx.administration.billed for a in notes.amounts_in(e.sentence.start, e.sentence.end))


def _family_findings(ctx: CheckContext, total: float, units: int):
    """Strength families (edge case 7): a smaller code that covers the dose, or a combination."""
    facts = ctx.facts
    out = []
    for other in ctx.kb.family(facts):
        if not other.unit_amount or not facts.unit_amount or other.tier:
            continue
        other_units = billing_units(total, other.unit or "", other.unit_amount)
        if other.unit_amount < facts.unit_amount and other_units == 1 and not _container_of_the_code(ctx):
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
