"""Wastage: discarded drug from single-dose containers against the claim's JW/JZ."""

from __future__ import annotations

from docreview.checks.base import CheckContext, Outcome, evidence, make_finding
from docreview.knowledge.facts import moiety
from docreview.note.amounts import Amount
from docreview.note.doses import concentrations
from docreview.note.waste import Quoted
from docreview.schema import Finding, Status
from docreview.units import billing_units, code_unit_kind, format_number, ratio, to_base, waste_units

NOT_SEPARATE_SETTINGS = {"inpatient", "rhc-fqhc", "esrd-facility"}


def _not_applicable_reason(ctx: CheckContext) -> tuple[str, list] | None:
    facts, claim, waste = ctx.facts, ctx.claim, ctx.read.waste
    if facts.per_dose:
        return f"{facts.code} is billed per therapeutic dose", []
    if ctx.setting in NOT_SEPARATE_SETTINGS:
        return f"{ctx.setting} setting", []
    if not claim.separately_payable:
        return "the drug is not separately payable on this claim", []
    multi_dose = [q for q in waste.multi_dose if not _another_drugs(ctx, q.start)]
    if multi_dose:
        return "the note documents a multi-dose container", [evidence(ctx.note, q.start, q.end) for q in multi_dose[:1]]
    if facts.containers == "multi-dose":
        return f"{facts.drug} comes only in multi-dose containers", []
    return None


def _another_drugs(ctx: CheckContext, pos: int) -> bool:
    """'Lidocaine 1% - 4 mL from 30 mL multiple-dose vial' under the Depo-Medrol code: a container
    told in a sentence that names only drugs other than the billed one (or the one given in its
    stead) is theirs."""
    # (A skin prep no code knows is no drug the container could hold: "chlorhexidine prep, skin wheal
    # lidocaine 1% 1 mL (MDV)".)
    named = [e for e in ctx.read.events if e.sentence.start <= pos < e.sentence.end and not e.nameless
             and (e.mention.codes or e.role != "other")]
    # (or the drug given in its stead, by any of its names: "BENDEKA (bendamustine HCl)" vials, "bendamustine" given)
    given = {moiety(part) for e in ctx.administration.counted for part in e.mention.name.split(" / ")}
    # (A name no code knows, "Miacalcin", may be the billed drug's brand: not another drug's.)
    return bool(named) and all(e.mention.codes and ctx.facts.code not in e.mention.codes
                               and given.isdisjoint(moiety(p) for p in e.mention.name.split(" / ")) for e in named)


def _discarded(ctx: CheckContext) -> tuple[float | None, list]:
    """Discarded amount in the code's base unit, with its evidence (None when none recorded)."""
    kind = code_unit_kind(ctx.facts.unit)
    if kind is None:
        return None, []
    total, ev = 0.0, []
    by_kind = _own_ingredients(ctx, [(a, q) for a, q in ctx.read.waste.discarded if a.kind == kind[0]])
    if not by_kind and kind[0] != "volume":
        # "remaining 0.5 mL discarded" of a 1 mcg/mL ampule: convert with the concentration.
        concs = concentrations(list(ctx.read.events), ctx.read, ctx.facts)
        for amount, quoted in ctx.read.waste.discarded:
            value, _ = to_base(amount, ctx.facts.unit or "", None, concs)
            if value is not None:
                total += value
                ev.append(evidence(ctx.note, quoted.start, quoted.end))
        return (total if ev else None), ev
    for amount, quoted in by_kind:
        total += amount.total
        ev.append(evidence(ctx.note, quoted.start, quoted.end))
    return (total if ev else None), ev


def _own_ingredients(ctx: CheckContext, discarded: list[tuple[Amount, Quoted]]) -> list[tuple[Amount, Quoted]]:
    """'15.5 mL (34 mg dauno / 77.4 mg cytarabine) remaining -> discarded' under the code counted
    in daunorubicin: of amounts each named by the drug after it, the billed drug's are its waste."""
    text = ctx.note

    def named(a: Amount) -> frozenset[str] | None:
        return next((e.mention.codes for e in ctx.read.events
                     if a.end <= e.mention.start <= a.end + 3 and not text[a.end : e.mention.start].strip()), None)

    names = [named(a) for a, _ in discarded]
    if not any(codes is not None and ctx.facts.code in codes for codes in names):
        return discarded
    return [d for d, codes in zip(discarded, names, strict=True) if codes is None or ctx.facts.code in codes]


def _implied(ctx: CheckContext) -> tuple[float | None, list]:
    """Waste implied by a stated vial size larger than the administered dose."""
    kind = code_unit_kind(ctx.facts.unit)
    if kind is None or ctx.administered_base is None:
        return None, []
    for amount, quoted in ctx.read.waste.vial_contents:
        if amount.kind == kind[0] and not amount.is_concentration and amount.value > ctx.administered_base + 1e-9:
            count = max(1, -(-ctx.administered_base // amount.value))  # vials needed
            leftover = amount.value * count - ctx.administered_base
            return leftover, [evidence(ctx.note, quoted.start, quoted.end)]
    return None, []


def _vial_equals_dose(ctx: CheckContext) -> list:
    """A stated vial content equal to the administered dose: nothing was left to waste."""
    kind = code_unit_kind(ctx.facts.unit)
    if kind is None or ctx.administered_base is None:
        return []
    for amount, quoted in ctx.read.waste.vial_contents:
        if amount.kind == kind[0] and not amount.is_concentration and abs(amount.value * amount.multiplier - ctx.administered_base) < 1e-9:
            return [evidence(ctx.note, quoted.start, quoted.end)]
    return []


def _note_vial_units(ctx: CheckContext) -> list[tuple[float, Quoted, int]]:
    """Vial sizes the note states, in billing units, with their quote and count."""
    kind = code_unit_kind(ctx.facts.unit)
    if kind is None or not ctx.facts.unit_amount:
        return []
    return [(ratio(a.value, ctx.facts.unit or "", ctx.facts.unit_amount), q, a.multiplier) for a, q in ctx.read.waste.vial_contents
            if a.kind == kind[0] and not a.is_concentration and a.value > 0]


def _container_findings(ctx: CheckContext, waste: float) -> list[Finding]:
    """JW against the code's containers (CMS crosswalk billing units per item) and the note's vial size."""
    facts, claim = ctx.facts, ctx.claim
    sizes = facts.container_units
    stated = _note_vial_units(ctx)
    if (not sizes and not stated) or facts.tier:
        return []  # a tier code's unit is one giving, not an amount a container holds
    # Where the billed units are not what the note documents as given, dosage says so; the
    # containers are judged only on units both agree on ("774 billed, 738 mcg given" + 162 mcg
    # discarded from three 300 mcg vials is dosage's finding, not wastage's).
    documented = (billing_units(ctx.administered_base, facts.unit or "", facts.unit_amount)
                  if ctx.administered_base is not None and facts.unit_amount else None)
    if documented is None:
        given = claim.units
    elif claim.units in (None, documented):
        given = documented
    else:
        given = None
    out: list[Finding] = []
    ev = [evidence(ctx.note, q.start, q.end) for _, q, _ in stated[:3]]
    # A dose that fits in one container leaves its waste in that container: given + waste cannot
    # exceed it. The container is the largest of the vials the note names (several sizes pooled
    # count together) and the code's largest NDC package; the note's reading of counts is partial,
    # so the larger bound is used. A larger dose spans containers (and a stopped infusion of a
    # pooled bag can waste more than one vial), so only the one-container case is judged.
    # ("500 mg single-dose vials x2": a stated count of one size counts each container.)
    counts = {u: max(n for v, _, n in stated if v == u) for u, _, _ in stated}
    capacity = max(sum(u * n for u, n in counts.items()), max(sizes, default=0.0))
    over = given is not None and given <= capacity + 1e-9 and given + waste > capacity + 1e-9
    where = "the vial(s) the note documents" if stated and capacity > max(sizes, default=0.0) else f"the largest {facts.drug} container (CMS crosswalk and note)"
    if over and given is not None:
        out.append(make_finding(ctx, "WST012", f"{format_number(given)} administered + {format_number(waste)} discarded units exceed "
                                f"{where} ({format_number(capacity)} units).", ev))
    if sizes and stated:
        odd = [(u, q) for u, q, _ in stated if all(abs(u - c) > 1e-6 for c in sizes)]
        if odd:
            u, q = odd[0]
            out.append(make_finding(ctx, "WST013", f"The documented vial ({format_number(u)} units) matches no {facts.code} package "
                                    f"(containers: {', '.join(format_number(c) for c in sizes)} units).", [evidence(ctx.note, q.start, q.end)]))
    if sizes and given is not None and not out:
        fits = facts.vials_for(given)
        if fits and given + waste > fits[0] + 1e-9:
            out.append(make_finding(ctx, "WST014", f"A {format_number(fits[0])}-unit container holds the {format_number(given)}-unit dose; "
                                    f"{format_number(given + waste)} units billed in all."))
    return out


def _no_container_form(descriptor: str) -> str | None:
    """The form a descriptor names that comes in no single-dose container ("metered dose inhaler")."""
    from docreview.data_files import WasteWordsFile, data_file_as

    text = " ".join(descriptor.lower().split())
    return next((f for f in data_file_as("waste_words.json", WasteWordsFile).no_container_forms if f in text), None)


def check_wastage(ctx: CheckContext) -> Outcome:
    facts, claim, note = ctx.facts, ctx.claim, ctx.note
    jw, jz = claim.has_jw, claim.has_jz
    na = _not_applicable_reason(ctx)
    if na is not None:
        reason, ev = na
        if jw:
            f = make_finding(ctx, "WST007", f"JW is billed but wastage does not apply: {reason}.", ev)
            return Outcome(Status.inconsistent, f"JW billed where wastage does not apply ({reason})", ev, [f])
        findings = [make_finding(ctx, "WST010", f"JZ is not needed: {reason}.", ev)] if jz else []
        return Outcome(Status.not_applicable, reason, ev, findings)

    if not jw and not jz and "oral" in facts.descriptor_routes:
        # Tablets, capsules and films come in no single-dose vial: the JW/JZ policy does not reach
        # an oral code's line (a JZ there is accepted, a JW is judged against the note below).
        return Outcome(Status.not_applicable, f"{facts.code} is an oral drug (no single-dose container)", [], [])
    if not jw and not jz and (form := _no_container_form(facts.descriptor)) is not None:
        # So does a metered dose inhaler's, an intrauterine system's or a vaginal ring's.
        return Outcome(Status.not_applicable, f"{facts.code} is for a {form} product (no single-dose container)", [], [])

    if jw and jz:
        f = make_finding(ctx, "WST004", "The claim carries both JW and JZ.")
        return Outcome(Status.inconsistent, "JW and JZ both billed", [], [f])

    unit, amount = facts.unit or "", facts.unit_amount or 1
    discarded, ev_discard = _discarded(ctx)
    zero = [evidence(note, q.start, q.end) for q in ctx.read.waste.zero_waste]
    if not zero and not ev_discard:
        zero = _vial_equals_dose(ctx)
    implied, ev_implied = (None, []) if (discarded is not None or zero) else _implied(ctx)
    recorded_units = waste_units(discarded, unit, amount) if discarded is not None else None
    implied_units = waste_units(implied, unit, amount) if implied is not None else None
    to_text = lambda base: format_number(base / (code_unit_kind(unit) or ("", 1))[1])  # noqa: E731

    if jw:
        if zero and discarded is None:
            f = make_finding(ctx, "WST006", "The note says there was no waste, but JW is billed.", zero[:1])
            return Outcome(Status.inconsistent, "JW billed, note says no waste", zero[:1], [f])
        units, ev, findings = recorded_units, ev_discard, []
        if units is None and implied_units is not None:
            units, ev = implied_units, ev_implied
            findings.append(make_finding(ctx, "WST011", f"The vial size implies {to_text(implied)} {unit} discarded; the note does not state it.", ev))
        if units is None:
            f = make_finding(ctx, "WST002", "JW is billed but the note records no discarded amount.")
            return Outcome(Status.missing, "JW billed, no discarded amount recorded", [], [f])
        if units < 1:
            f = make_finding(ctx, "WST008", f"The discarded amount is less than one billing unit ({format_number(amount)} {unit}); a JW line needs a whole unit.", ev)
            return Outcome(Status.inconsistent, "JW for less than one unit of waste", ev, [*findings, f])
        if claim.waste_units is not None and abs(claim.waste_units - units) > 1e-9:
            f = make_finding(ctx, "WST005", f"The recorded waste bills as JW x {units}; the claim bills JW x {format_number(claim.waste_units)}.", ev, f"Bill the JW line as {units} unit(s).")
            return Outcome(Status.inconsistent, f"JW units {format_number(claim.waste_units)} vs {units} recorded", ev, [*findings, f])
        containers = _container_findings(ctx, float(units))
        if any(f.rule_id == "WST012" for f in containers):
            return Outcome(Status.inconsistent, "JW units exceed the container", ev, [*findings, *containers])
        return Outcome(Status.documented, f"waste recorded, JW x {units}", ev, [*findings, *containers])

    wasted_units = recorded_units if recorded_units is not None else implied_units
    wasted_ev = ev_discard or ev_implied
    if wasted_units is not None and wasted_units >= 1:
        what = "JZ is billed" if jz else "the claim has no JW line"
        rid_msg = f"{wasted_units} unit(s) were discarded ({'stated' if ev_discard else 'implied by the vial size'}) but {what}."
        f = make_finding(ctx, "WST003", rid_msg, wasted_ev, f"Bill a JW line x {wasted_units} and drop JZ.")
        return Outcome(Status.inconsistent, f"waste recorded but {what}", wasted_ev, [f])
    if jz:
        if zero or discarded is not None:
            ev = zero[:1] or ev_discard
            return Outcome(Status.documented, "no billable waste, JZ billed", ev, [])
        f = make_finding(ctx, "WST009", "JZ is billed and the note is silent on waste; the attestation stands.", suggestion="Add 'no waste' to the administration record.")
        return Outcome(Status.documented, "JZ billed; note silent on waste", [], [f])
    f = make_finding(ctx, "WST001", f"{facts.code} is a single-dose line with neither JW nor JZ.", zero[:1], "Add JZ if nothing was wasted, or a JW line with the discarded units.")
    return Outcome(Status.missing, "neither JW nor JZ billed", zero[:1], [f])
