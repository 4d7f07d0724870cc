"""Indication: a documented reason that is a recognised use, with claim codes that support it."""

from __future__ import annotations

from functools import cache

from docreview.checks.base import CheckContext, Outcome, evidence, make_finding
from docreview.data_files import ReasonCuesFile, data_file_as
from docreview.knowledge import icd10
from docreview.knowledge.hcpcs import chemotherapy_use, dialysis_use
from docreview.note.reasons import note_documents_code, purpose_codes, supports_prefixes
from docreview.schema import Finding, Status


def _claim_code_findings(ctx: CheckContext) -> tuple[list, list[str], list[str]]:
    """Findings for invalid/non-billable claim codes, plus (valid codes, supporting codes)."""
    findings, valid, supporting = [], [], []
    prefixes = ctx.facts.indication_prefixes
    for code in ctx.claim.icd10:
        if not icd10.is_valid(code):
            findings.append(make_finding(ctx, "IND004", f"{code} is not an ICD-10-CM code."))
            continue
        valid.append(code)
        if not icd10.is_billable(code):
            findings.append(make_finding(ctx, "IND006", f"{code} is a category; a more specific code is required."))
        if icd10.matches_prefix(code, prefixes):
            supporting.append(code)
    return findings, valid, supporting


def check_indication(ctx: CheckContext) -> Outcome:
    facts, note, read = ctx.facts, ctx.note, ctx.read
    findings, valid_claim, supporting_claim = _claim_code_findings(ctx)
    has_uses = bool(facts.indications)
    supporting = [r for r in read.reasons if r.supports]
    unsupported_linked = [r for r in read.linked_reasons if not r.supports]
    claim_unsupported = bool(valid_claim) and not supporting_claim and has_uses

    admin = ctx.administration
    if admin.state == "not_given" and admin.billed and all(e.role == "allergy" for e in admin.billed):
        # "ALLERGIES: Demerol, codeine": an allergy is a reason not to give the drug, and a
        # condition elsewhere in the note (pain, a fracture) is not tied to a dose never given.
        ev = [evidence(note, e.mention.start, e.mention.end) for e in admin.billed[:2]]
        f = make_finding(ctx, "IND001", f"{facts.drug} appears only as an allergy; the note gives no reason to give it.", ev)
        return Outcome(Status.missing, "named only as an allergy", ev, [*findings, f])

    if (restricted := _dialysis_use_refuted(ctx, valid_claim) or _descriptor_use_refuted(ctx, valid_claim)
            or _chemotherapy_use_refuted(ctx, valid_claim)) is not None:
        return Outcome(Status.inconsistent, restricted.message, [], [*findings, restricted])

    if cancers := _cancer_treated_but_not_claimed(ctx, valid_claim):
        ev = [evidence(note, r.start, r.end) for r in cancers[:3]]
        f = make_finding(ctx, "IND003", f"{facts.code} is a chemotherapy code and the note documents {cancers[0].name}; claim codes "
                         f"{', '.join(valid_claim)} name no neoplasm.", ev)
        return Outcome(Status.inconsistent, "claim diagnosis codes name no cancer", ev, [*findings, f], confident=False)

    if not has_uses:
        reasons = read.linked_reasons or read.reasons
        if valid_claim:
            # Never a silent pass: with no indication from any source the claim codes go unchecked.
            findings.append(make_finding(ctx, "IND007", f"No indication for {facts.drug} is known from the corpus, DrugCentral or LabeledIn; "
                                         f"claim codes {', '.join(valid_claim)} cannot be confirmed."))
        if reasons and _called_off_label(ctx):
            ev = [evidence(note, r.start, r.end) for r in reasons[:3]]
            f = make_finding(ctx, "IND002", f"The note calls the use of {facts.drug} off-label ({reasons[0].name}).", ev)
            return Outcome(Status.inconsistent, f"off-label use: {reasons[0].name}", ev, [*findings, f])
        if reasons and admin.state == "absent" and not admin.counted and valid_claim and not _claim_is_documented_diagnosis(ctx, valid_claim):
            # The note never names the drug, no known use ties its conditions to it, and it documents
            # none of the claim's diagnoses: nothing in it says why this drug would be given.
            ev = [evidence(note, r.start, r.end) for r in reasons[:3]]
            names = ", ".join(dict.fromkeys(r.name for r in reasons[:3]))
            f = make_finding(ctx, "IND001", f"The note never names {facts.drug}, and none of the conditions it documents ({names}) is a claim "
                             "diagnosis: no reason for it is documented.", ev)
            return Outcome(Status.missing, f"no reason for {facts.drug} documented", ev, [*findings, f], confident=False)
        if reasons and valid_claim and _another_cancer_claimed(ctx, valid_claim):
            # The note documents the cancer treated (cervical), and the claim carries only another
            # site's (C56.9, ovary) that the note never documents.
            ev = [evidence(note, r.start, r.end) for r in reasons[:3]]
            f = make_finding(ctx, "IND003", f"Claim codes {', '.join(valid_claim)} name a cancer the note does not document; "
                             f"the note documents {reasons[0].name}.", ev)
            return Outcome(Status.inconsistent, "claim diagnosis codes name another cancer", ev, [*findings, f], confident=False)
        if reasons:
            ev = [evidence(note, r.start, r.end) for r in reasons[:3]]
            findings.append(make_finding(ctx, "IND005", f"{facts.code} has no recognised-use list; a reason is documented.", ev))
            return Outcome(Status.documented, f"reason documented: {reasons[0].name}", ev, findings, confident=False)
        f = make_finding(ctx, "IND001", f"No reason for {facts.drug} is documented.")
        return Outcome(Status.missing, "no reason documented", [], [*findings, f])

    # Uses derived from public terminologies (DrugCentral, LabeledIn) can confirm a reason but
    # not refute one: they miss labelled uses (and name another product's, e.g. ziv-aflibercept
    # for aflibercept). Only a curated corpus list makes a mismatch `inconsistent`.
    curated = any(ind.source == "corpus" for ind in facts.indications)
    if not curated:
        return _derived_uses(ctx, findings, valid_claim, supporting_claim, supporting)

    if supporting:
        ev = [evidence(note, r.start, r.end) for r in supporting[:3]]
        # A procedural purpose (prophylaxis, sedation, PONV, post-procedural pain) has no
        # diagnosis of its own: the claim carries the procedure's diagnosis (edge case 8).
        procedural = any(r.from_code and not r.icd10 for r in supporting)
        # The claim then carries the procedure's diagnosis: one the note documents. So does pain
        # from a documented injury: "Toradol for R hip pain ... Dx: hip contusion (S70.01XA)".
        injury_pain = any(_pain(r) for r in supporting) and all(c.upper().startswith(("S", "T")) for c in valid_claim)
        if claim_unsupported and (procedural or injury_pain) and _claim_is_documented_diagnosis(ctx, valid_claim):
            claim_unsupported = False
        if claim_unsupported and _claim_names_purpose(supporting, valid_claim):
            claim_unsupported = False
        if claim_unsupported:
            f = make_finding(ctx, "IND003", f"Claim codes {', '.join(valid_claim)} do not support {facts.drug}; the note documents {supporting[0].name}.", ev)
            return Outcome(Status.inconsistent, "claim diagnosis codes do not support the drug", ev, [*findings, f])
        return Outcome(Status.documented, f"{supporting[0].name}", ev, findings)
    if unsupported_linked:
        ev = [evidence(note, r.start, r.end) for r in unsupported_linked[:3]]
        names = ", ".join(dict.fromkeys(r.name for r in unsupported_linked))
        f = make_finding(ctx, "IND002", f"The documented reason ({names}) is not a recognised use of {facts.drug}.", ev)
        return Outcome(Status.inconsistent, f"{names} is not a use of {facts.drug}", ev, [*findings, f])
    f = make_finding(ctx, "IND001", f"No reason for {facts.drug} is documented in the note.")
    extra = []
    if claim_unsupported:
        extra.append(make_finding(ctx, "IND003", f"Claim codes {', '.join(valid_claim)} do not support {facts.drug} either."))
    # Unlinked conditions elsewhere in the note are not enough to call it inconsistent.
    return Outcome(Status.missing, "no reason documented", [], [*findings, f, *extra], confident=not read.reasons)


def _derived_uses(ctx: CheckContext, findings: list, valid_claim: list[str], supporting_claim: list[str], supporting: list) -> Outcome:
    """Indication against uses derived from terminologies only: a mismatch is a warning (IND008)."""
    facts, note, read = ctx.facts, ctx.note, ctx.read
    reasons = supporting or read.linked_reasons or read.reasons
    if not reasons:
        f = make_finding(ctx, "IND001", f"No reason for {facts.drug} is documented in the note.")
        return Outcome(Status.missing, "no reason documented", [], [*findings, f], confident=False)
    ev = [evidence(note, r.start, r.end) for r in reasons[:3]]
    procedural = any(r.from_code and not r.icd10 for r in supporting)
    if procedural and (not valid_claim or supporting_claim or _claim_is_documented_diagnosis(ctx, valid_claim)
                       or _claim_names_purpose(supporting, valid_claim)):
        return Outcome(Status.documented, f"{supporting[0].name}", ev, findings)
    if procedural and _claim_refuted(ctx, valid_claim):
        # Edge case 8: the claim carries the procedure's diagnosis, which the note must document.
        f = make_finding(ctx, "IND003", f"Claim codes {', '.join(valid_claim)} do not support {facts.drug}; the note documents {supporting[0].name}.", ev)
        return Outcome(Status.inconsistent, "claim diagnosis codes do not support the drug", ev, [*findings, f])
    if procedural:
        # The note may name the procedure's diagnosis in other words than the code's description.
        findings.append(make_finding(
            ctx, "IND008", f"The note documents {supporting[0].name}; claim codes {', '.join(valid_claim)} are not a diagnosis "
            "docreview finds in the note, so it cannot confirm them.", ev))
        return Outcome(Status.documented, f"{supporting[0].name} (claim diagnosis not confirmed)", ev, findings, confident=False)
    if valid_claim and not supporting_claim and _claim_contradicts_note(ctx, valid_claim, supporting or read.linked_reasons):
        # The terminologies cannot refute a use, but the note can: it documents why the drug was
        # given (diabetic macular edema), and the claim carries a diagnosis the note never
        # documents and that is not near it (glaucoma).
        f = make_finding(ctx, "IND003", f"Claim codes {', '.join(valid_claim)} are not a diagnosis the note documents; the note documents {reasons[0].name}.", ev)
        return Outcome(Status.inconsistent, "claim diagnosis codes do not match the documented reason", ev, [*findings, f])
    if not supporting and _called_off_label(ctx):
        # "icatibant ... injected SC (off-label for ACE-I angioedema)": the note says the use is no labelled one.
        names = ", ".join(dict.fromkeys(r.name for r in reasons[:3]))
        f = make_finding(ctx, "IND002", f"The note calls the use off-label; the documented reason ({names}) is not a recognised use of {facts.drug}.", ev)
        return Outcome(Status.inconsistent, f"off-label use: {names}", ev, [*findings, f])
    unconfirmed = []
    if not supporting and ctx.administration.state == "absent" and not ctx.administration.counted:
        # The note never names the drug, and no known use of it ties the conditions it documents to
        # it: nothing in the note says why this drug would be given.
        names = ", ".join(dict.fromkeys(r.name for r in reasons[:3]))
        f = make_finding(ctx, "IND001", f"The note never names {facts.drug}, and the conditions it documents ({names}) are not among "
                         "its uses known from DrugCentral and LabeledIn: no reason for it is documented.", ev)
        return Outcome(Status.missing, f"no reason for {facts.drug} documented ({names}: use not confirmed)", ev, [*findings, f], confident=False)
    if not supporting:
        names = ", ".join(dict.fromkeys(r.name for r in reasons[:3]))
        unconfirmed.append(f"the documented reason ({names})")
    if valid_claim and not supporting_claim:
        unconfirmed.append(f"claim codes {', '.join(valid_claim)}")
    if unconfirmed:
        findings.append(make_finding(
            ctx, "IND008",
            f"{_sentence_case(' and '.join(unconfirmed))} are not among the uses of {facts.drug} known from DrugCentral and LabeledIn; "
            "docreview cannot confirm them.", ev))
        return Outcome(Status.documented, f"reason documented: {reasons[0].name} (use not confirmed)", ev, findings, confident=False)
    return Outcome(Status.documented, f"{reasons[0].name}", ev, findings)


@cache
def _reason_cues() -> ReasonCuesFile:
    return data_file_as("reason_cues.json", ReasonCuesFile)


def _dialysis_use_refuted(ctx: CheckContext, valid_claim: list[str]) -> Finding | None:
    """A code CMS bills only for ESRD on dialysis (Q0139, J0886) with claim codes that show
    neither; one billed for non-ESRD use (Q0138, J0885) with a claim code for ESRD or dialysis."""
    use = dialysis_use(ctx.facts.descriptor)
    if use is None or not valid_claim:
        return None
    cues = _reason_cues()
    codes = ", ".join(valid_claim)
    if use == "esrd" and not any(icd10.matches_prefix(c, cues.esrd_icd10) for c in valid_claim):
        return make_finding(ctx, "IND009", f"{ctx.facts.code} is billed only for ESRD on dialysis; claim codes {codes} show neither ESRD nor dialysis.")
    # (ESRD itself, N18.6, as much as dialysis: "argatroban (for non-esrd use)" for a patient with ESRD on HD)
    esrd = [c for c in valid_claim if icd10.matches_prefix(c, cues.esrd_icd10)]
    if use == "non-esrd" and esrd:
        return make_finding(ctx, "IND009", f"{ctx.facts.code} is billed for non-ESRD use; claim code {esrd[0]} shows ESRD or dialysis, "
                            "which the drug's ESRD code bills.")
    return None


def _chemotherapy_use_refuted(ctx: CheckContext, valid_claim: list[str]) -> Finding | None:
    """An oral antiemetic code billed only "at the time of chemotherapy treatment", with claim codes
    that show neither a neoplasm nor the chemotherapy encounter (PONV after arthroscopy, R11.0).
    With no reason in the note, or no giving of an antiemetic, the reason is what is missing (edge case 8)."""
    if not chemotherapy_use(ctx.facts.descriptor) or not valid_claim or not ctx.read.reasons or not ctx.administration.counted:
        return None
    if any(icd10.matches_prefix(c, _reason_cues().chemotherapy_icd10) for c in valid_claim):
        return None
    return make_finding(ctx, "IND009", f"{ctx.facts.code} is billed only at the time of chemotherapy; claim codes {', '.join(valid_claim)} "
                        "show neither a cancer nor the chemotherapy encounter.")


def _descriptor_use_refuted(ctx: CheckContext, valid_claim: list[str]) -> Finding | None:
    """A code whose descriptor names the one use CMS pays it for ("for use as hiv pre-exposure
    prophylaxis", "for treatment of iron deficiency anemia"), with claim codes none of which is that use."""
    uses = ctx.facts.restricted_uses
    if not uses or not valid_claim or supports_prefixes(tuple(valid_claim), [p for ind in uses for p in ind.icd10]):
        return None
    if dialysis_use(ctx.facts.descriptor) == "esrd":
        return None  # Q0139's iron deficiency "for esrd on dialysis" is charted as anemia in CKD (D63.1): the ESRD rule governs
    return make_finding(ctx, "IND009", f"{ctx.facts.code} is billed only for {uses[0].name} (its HCPCS descriptor); "
                        f"claim codes {', '.join(valid_claim)} show none of it.")


def _sentence_case(text: str) -> str:
    """The first letter up, the rest as written (claim codes stay "C83.38"; str.capitalize lowers them)."""
    return text[:1].upper() + text[1:]


# Pain codes: unspecified and chronic pain, joint, limb, back, abdominal and head pain.
_PAIN_PREFIXES = ("R52", "G89", "M25.5", "M79.6", "M54", "R10", "R51")


def _pain(reason) -> bool:
    return bool(reason.icd10) and all(p.upper().startswith(_PAIN_PREFIXES) for p in reason.icd10)


def _claim_refuted(ctx: CheckContext, valid_claim: list[str]) -> bool:
    """The note documents diagnoses, and none is near a claim code (same ICD-10-CM block letter and
    first digit): the claim carries another condition ("I10" on a cholecystectomy's fentanyl), not
    the procedure's diagnosis in other words ("goiter" for E05.00)."""
    # Only diagnoses the note ties to the giving or states as such (a Dx, an indication): a risk
    # list ("headache, bleeding") or return precautions ("chest pain, fever") document none.
    documented = {p.upper()[:2] for r in ctx.read.linked_reasons if r.icd10 and not r.from_code for p in r.icd10}
    return bool(documented) and not any(c.upper()[:2] in documented for c in valid_claim)


def _claim_contradicts_note(ctx: CheckContext, valid_claim: list[str], documented: list) -> bool:
    """The note documents a coded reason for the giving, and no claim code is that reason, near it
    (same ICD-10-CM category) or any other diagnosis the note documents. (A documented condition
    that is no known use may still be one: the terminologies miss uses, such as lorazepam for
    alcohol withdrawal.)"""
    # A symptom (pain, nausea) or an organism may be written for a disease the claim names
    # (hydromorphone "for pain" of a ureteral stone): only a specific diagnosis can contradict.
    categories = {icd10.normalize(p)[:3] for r in documented if not r.from_code and r.icd10 and not any(_nonspecific(p) for p in r.icd10)
                  for p in r.icd10}
    if not categories:
        return False
    if any(icd10.normalize(c)[:3] in categories for c in valid_claim):
        return False
    return not _claim_is_documented_diagnosis(ctx, valid_claim)


def _another_cancer_claimed(ctx: CheckContext, valid_claim: list[str]) -> bool:
    """Every claim code is a malignancy (C00-C96), and the note ties a cancer to the giving that
    none of them is, is near, or is otherwise documented (`_claim_contradicts_note` on cancers)."""
    # (Metastases, C77-C79, tell where a cancer spread, not which it is: "midgut NET w/ liver mets", C7A.012.)
    cancers = [r for r in ctx.read.linked_reasons if r.icd10 and all(_cancer(p) and not _secondary(p) for p in r.icd10)]
    return bool(cancers) and all(_cancer(c) for c in valid_claim) and _claim_contradicts_note(ctx, valid_claim, cancers)


def _cancer(code: str) -> bool:
    c = icd10.normalize(code)  # C00-C96, C4A (Merkel cell) and C7A/C7B (neuroendocrine) included
    return c[:1] == "C" and c[1:2].isdigit() and (not c[1:3].isdigit() or int(c[1:3]) <= 96)


def _cancer_treated_but_not_claimed(ctx: CheckContext, valid_claim: list[str]) -> list:
    """A chemotherapy code (J9000-J9999) on a note that documents a cancer, with claim codes none of
    which is about a cancer or a diagnosis the note ties to the giving: "NSCLC ... Bizengri 750 mg
    IV" billed with I10 and E11.9. (Axatilimab for "Dx: chronic GVHD (D89.811)" after AML is not.)"""
    if not ctx.facts.code.startswith("J9") or not valid_claim:
        return []
    if any(icd10.matches_prefix(c, _reason_cues().cancer_claim_icd10) for c in valid_claim):
        return []
    cancers = [r for r in ctx.read.reasons if r.icd10 and all(_cancer(p) for p in r.icd10)]
    linked = [p for r in ctx.read.linked_reasons if r.icd10 for p in r.icd10]
    return [] if not cancers or supports_prefixes(tuple(valid_claim), linked) else cancers


def _secondary(code: str) -> bool:
    return icd10.normalize(code)[:3] in {"C77", "C78", "C79"}




_NONSPECIFIC = ("R", "Z", "A49", "B95", "B96", "B97")  # symptoms, encounters, organisms and unspecified infection


def _nonspecific(code: str) -> bool:
    return icd10.normalize(code).startswith(_NONSPECIFIC)


def _claim_names_purpose(supporting: list, valid_claim: list[str]) -> bool:
    """A claim code that names the documented purpose itself: G89.18 for "postoperative analgesia"."""
    prefixes = [p for r in supporting if r.from_code and not r.icd10 for p in purpose_codes(r.name)]
    return bool(prefixes) and supports_prefixes(tuple(valid_claim), prefixes)


def _claim_is_documented_diagnosis(ctx: CheckContext, valid_claim: list[str]) -> bool:
    """A claim code the note documents (by its condition or its code): the procedure's diagnosis."""
    documented = [p for r in ctx.read.reasons if r.icd10 for p in r.icd10]
    return any(supports_prefixes((c,), documented) or note_documents_code(ctx.read.word_stems, c) for c in valid_claim)


def _called_off_label(ctx: CheckContext) -> bool:
    """The note calls the use off-label in the sentence of a giving it counts."""
    spans = ctx.read.off_label
    return any(e.sentence.start <= start < e.sentence.end for e in ctx.administration.counted for start, _ in spans)
