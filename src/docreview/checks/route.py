"""Route: stated (or unambiguously implied) for the administration, and fitting the code."""

from __future__ import annotations

from docreview.checks.base import CheckContext, Outcome, evidence, line_evidence, make_finding
from docreview.note.vocab import route_vocabulary
from docreview.schema import Status


def check_route(ctx: CheckContext) -> Outcome:
    facts, note = ctx.facts, ctx.note
    events = ctx.administrations
    if not events:
        f = make_finding(ctx, "RTE001", f"No administration of {facts.drug} is documented, so no route is either.")
        return Outcome(Status.missing, "no administration, so no route", [], [f])
    routes = [r for e in events for r in e.routes]
    if not routes:
        ev = [line_evidence(note, e.mention.start, e.mention.end) for e in events[:2]]
        f = make_finding(ctx, "RTE001", f"The administration of {facts.drug} states no route.", ev)
        return Outcome(Status.missing, "no route stated for the administration", ev, [f])

    vocab = route_vocabulary()
    # A code that names no route: an injection's routes when its descriptor says "injection";
    # else (a device, a suspension for enema) any stated route fits.
    injection_code = "injection" in facts.descriptor.lower() or "infusion" in facts.descriptor.lower()
    allowed = facts.allowed_routes or set(vocab.injection_routes if injection_code else vocab.canonical)
    accepted = set(facts.accepted_routes)
    ev = [evidence(note, r.start, r.end) for r in routes]
    found = list(dict.fromkeys(r.route for r in routes))
    oral = [r for r in routes if r.route == "oral"]
    # "inhaled one dose by mouth": an oral word beside the code's own route is how that route was taken.
    if oral and "oral" not in allowed and not any(vocab.fits(r, allowed) or r in accepted for r in found if r != "oral"):
        ev_oral = [line_evidence(note, r.start, r.end) for r in oral[:1]]
        injection = set(allowed) <= set(vocab.injection_routes)
        kind = "an injection code" if injection else f"billed for {', '.join(sorted(allowed))}"
        f = make_finding(ctx, "RTE003", f"The dose is documented as oral; {facts.code} is {kind}.", ev_oral)
        summary = "oral route under an injection code" if injection else "oral route under a non-oral code"
        return Outcome(Status.inconsistent, summary, ev_oral, [f])
    bad = [r for r in found if not vocab.fits(r, allowed) and r not in accepted]
    if bad and not any(vocab.fits(r, allowed) for r in found):
        allowed_text = ", ".join(sorted(allowed))
        f = make_finding(ctx, "RTE002", f"Route {', '.join(bad)} does not fit {facts.code} ({facts.drug}: {allowed_text}).", ev)
        return Outcome(Status.inconsistent, f"{', '.join(bad)} does not fit the code", ev, [f])
    findings = []
    off_label = [r for r in found if r in accepted and not vocab.fits(r, allowed)]
    if off_label:
        findings.append(make_finding(ctx, "RTE004", f"{', '.join(off_label)} is accepted by payers for {facts.drug} but is off-label.", ev))
    fitting = [r for r in found if vocab.fits(r, allowed) or r in accepted]
    return Outcome(Status.documented, f"{', '.join(fitting)}", ev, findings)
