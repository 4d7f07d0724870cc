"""Every rule docreview can report: a stable id, its element, severity and documentation.

Like a linter's rule table: ids never change meaning, `--select`/`--ignore` take them, and
docs/rules.md is generated from this table (a test keeps the two in sync).
"""

from __future__ import annotations

from dataclasses import dataclass

from docreview.schema import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    element: str
    severity: Severity
    title: str
    what: str
    why: str
    example: str
    fix: str
    carc: tuple[str, ...] = ()


E, W, INFO = Severity.error, Severity.warning, Severity.info

RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        Rule("DOS001", "dosage", E, "Billed units do not match the documented dose",
             "Computes units from the administered amount (round up, at least 1; sum repeat doses) and compares them with the billed units.",
             "Units above the documented dose are overbilling; units below it lose revenue. Both are audit findings.",
             "Levetiracetam 1,500 mg under J1953 (10 mg) billed as 100 units; the dose supports 150.",
             "Bill the computed units, or correct the documented dose if the note is wrong.", ("CO-151", "CO-16")),
        Rule("DOS002", "dosage", E, "Drug named without an administered amount",
             "The billed drug is documented as given but no amount is stated.",
             "Units cannot be supported without a documented dose.",
             "'Keppra given IV for seizure' with no mg.",
             "Add the administered amount (and strength) from the MAR.", ("CO-16",)),
        Rule("DOS003", "dosage", E, "Billed drug not given",
             "Every mention of the billed drug is held, refused, planned, only ordered, historical or a home medication.",
             "Only administered drug is billable; an order or plan is not an administration.",
             "'Zofran 4 mg IV ordered PRN nausea' with no administration entry.",
             "Remove the line, or document the administration (time, dose, route, who gave it).", ("CO-16", "CO-50")),
        Rule("DOS004", "dosage", E, "Billed drug not documented",
             "The note never names the billed code's drug.",
             "A drug line without any record of the drug is unsupported.",
             "J1953 billed; the note documents only ondansetron.",
             "Check the code against the MAR; document the drug if it was given.", ("CO-16",)),
        Rule("DOS005", "dosage", E, "Documented drug or formulation is not the code's drug",
             "The administered drug belongs to another code (another drug, salt or product).",
             "The line is billed under the wrong code; payers deny or recoup it (N657).",
             "Methylprednisolone acetate 80 mg IM billed as J2930 (sodium succinate); the right code is J1040 x 1.",
             "Bill the code of the drug actually given, with its units.", ("CO-16", "N657")),
        Rule("DOS006", "dosage", E, "Amount cannot be converted to billing units",
             "A volume is documented without a concentration, or a per-kg dose without the patient's weight.",
             "The billed units cannot be verified from the record.",
             "'Vancomycin 15 mg/kg IV' with no weight in the note.",
             "Document the concentration (mg/mL) or the weight, or the total amount given.", ("CO-16",)),
        Rule("DOS007", "dosage", E, "A smaller code of the same drug covers the dose",
             "The billed code is a larger strength of a drug family whose smaller code covers the whole dose in one unit.",
             "Strength families (J1020/J1030/J1040) must be billed with the code that matches the dose.",
             "Methylprednisolone acetate 40 mg billed as J1040 (80 mg); J1030 x 1 is right.",
             "Bill the smaller-strength code.", ("CO-16", "N657")),
        Rule("DOS008", "dosage", W, "Combination across a strength family",
             "Billed units of a smaller code where a larger code of the same drug covers the dose in one unit.",
             "Payers differ on whether they accept the combination.",
             "Methylprednisolone sodium succinate 80 mg billed as J2920 x 2 instead of J2930 x 1.",
             "Check the payer's policy; most expect the single larger code.", ()),
        Rule("DOS009", "dosage", INFO, "No units on the claim: computed units",
             "The claim gives no units; the units the documentation supports are reported.",
             "Lets the coder fill in the units from the documented dose.",
             "Ceftriaxone 1 g documented, claim without units: 4 units of J0696.",
             "Enter the computed units on the claim.", ()),
        Rule("DOS010", "dosage", W, "Product not named for a product-specific code",
             "The code is for one product, but the note names only the drug class.",
             "Product-specific codes (Privigen, Bivigam) need the product in the record, or the NDC.",
             "'IVIG 30 g IV' under J1459.",
             "Name the product (brand) or record the NDC.", ("CO-16",)),
        Rule("DOS011", "dosage", W, "Units above the Medically Unlikely Edit",
             "Billed units exceed the CMS MUE for the code (when an MUE table is given).",
             "Units above the MUE are denied for the line or the day without review.",
             "J2405 billed 80 units; the practitioner MUE is 64.",
             "Check the units; document medical necessity and split only where the MAI allows.", ("CO-151", "N362")),
        Rule("RTE001", "route", E, "No route documented",
             "The administration of the billed drug states no route (a route in an order or plan does not count).",
             "The route decides whether the code applies (an injection code needs an injection route).",
             "'Keppra 1,000 mg given' with no IV/IVPB.",
             "Document the route (IV push, IVPB, IM with site, SQ, intra-articular ...).", ("CO-16",)),
        Rule("RTE002", "route", E, "Route does not fit the code",
             "The documented route is not one the code's drug is labelled for.",
             "A route outside the label suggests the wrong code or an unsafe administration.",
             "Depo-Medrol (methylprednisolone acetate) documented IV; it is not for intravenous use.",
             "Check the drug and code; correct the route or the code.", ("CO-16", "N657")),
        Rule("RTE003", "route", E, "Oral route under an injection code",
             "The documented route is oral but the code is for an injection.",
             "Oral drugs are never billable under an injection J-code.",
             "Ondansetron 4 mg ODT billed as J2405.",
             "Do not bill the injection code for an oral dose.", ("CO-96",)),
        Rule("RTE004", "route", W, "Route accepted by payers but off-label",
             "The route is not on the label but the code's document lists it as an accepted use (e.g. epidural steroid).",
             "Payers may ask for the rationale.",
             "Methylprednisolone acetate 80 mg epidural under J1040.",
             "Make sure the procedure note supports the route.", ()),
        Rule("IND001", "indication", E, "No reason documented",
             "The note states no diagnosis, symptom or purpose for the drug (a claim diagnosis code alone does not count).",
             "Medical necessity must be supported by the record.",
             "Ketorolac 30 mg IM with no pain or diagnosis in the note.",
             "Document why the drug was given.", ("CO-50",)),
        Rule("IND002", "indication", E, "Documented reason is not a recognised use",
             "The reason tied to the administration is not among the drug's recognised uses.",
             "Payers deny drugs given outside their covered indications.",
             "Levetiracetam for knee osteoarthritis.",
             "Check the drug and the reason; document the actual indication.", ("CO-50", "CO-11")),
        Rule("IND003", "indication", E, "Claim diagnosis codes do not support the drug",
             "None of the claim's ICD-10-CM codes is a recognised use of the drug.",
             "Diagnosis-to-procedure edits deny the line (CO-11).",
             "IVIG (J1459) billed with I10 (hypertension) only.",
             "Add the ICD-10-CM code of the documented indication.", ("CO-11", "CO-167")),
        Rule("IND004", "indication", E, "Invalid ICD-10-CM code on the claim",
             "A claim diagnosis code does not exist in the ICD-10-CM code set.",
             "An invalid code makes the claim unprocessable.",
             "'G40.999X' on the claim.",
             "Correct the code.", ("CO-16",)),
        Rule("IND005", "indication", INFO, "No recognised-use list for this code",
             "The code has no corpus document listing its recognised uses, so only the presence of a reason was checked.",
             "Coverage cannot be confirmed without the drug's indications.",
             "A J-code known only from the CMS file.",
             "Check the payer's LCD or the label; add a corpus document for the code.", ()),
        Rule("IND006", "indication", W, "ICD-10-CM code is a category, not a billable code",
             "A claim code exists but has more specific child codes.",
             "Claims need the most specific (billable) code.",
             "'G40' instead of 'G40.909'.",
             "Use a billable code.", ("CO-16",)),
        Rule("WST001", "wastage", E, "Neither JW nor JZ on a single-dose line",
             "Wastage applies (single-dose container, separately payable) but the claim carries neither modifier.",
             "Since 2023-07-01 such lines need JW or JZ; they may be returned unprocessable.",
             "Ondansetron 4 mg from a 4 mg single-dose vial billed without JZ.",
             "Add JZ (no waste) or a JW line with the discarded units.", ("CO-4",)),
        Rule("WST002", "wastage", E, "JW billed but no discarded amount recorded",
             "The claim has a JW line but the note records no discarded amount.",
             "JW requires the discarded amount in the record.",
             "JW x 20 with no waste statement.",
             "Document vial size, amount given and amount discarded, or remove JW.", ("CO-4", "CO-16")),
        Rule("WST003", "wastage", E, "Waste recorded but not billed with JW",
             "At least one whole unit was discarded (or the vial size implies it) but the claim carries JZ or no JW line.",
             "JZ attests that nothing was wasted; a contradiction is an audit finding.",
             "'Wasted 200 mg' of levetiracetam with JZ on the claim.",
             "Bill a JW line with the discarded units and drop JZ.", ("CO-4",)),
        Rule("WST004", "wastage", E, "JW and JZ both on the claim",
             "The claim carries both JW and JZ for the code.",
             "The modifiers contradict each other (N519).",
             "Modifiers JW and JZ on the same J1953 claim.",
             "Keep JW (with waste) or JZ (no waste), not both.", ("CO-4", "N519")),
        Rule("WST005", "wastage", E, "JW units do not match the discarded amount",
             "JW units differ from the recorded discarded amount rounded down to whole units.",
             "Discarded units round down; more is overbilling.",
             "70 mg discarded of a 10 mg code billed as JW x 8 (7 is right).",
             "Bill the discarded amount rounded down.", ("CO-4", "CO-151")),
        Rule("WST006", "wastage", E, "JW billed although the note says no waste",
             "The note says there was no waste (or the whole vial was given) but JW is billed.",
             "Billing waste that did not occur is overbilling.",
             "'Entire vial administered' with a JW line.",
             "Remove the JW line and use JZ.", ("CO-4",)),
        Rule("WST007", "wastage", E, "JW where wastage does not apply",
             "JW is billed on a multi-dose container, an inpatient, RHC/FQHC or ESRD line, a packaged line, or a per-dose code.",
             "JW on multi-dose vials and on such lines is denied.",
             "JW on heparin from a multi-dose vial.",
             "Remove the JW line.", ("CO-4",)),
        Rule("WST008", "wastage", E, "JW for less than one billing unit",
             "The discarded amount is less than one whole billing unit after rounding down.",
             "A JW line needs at least one whole discarded unit.",
             "70 mg given from a 100 mg vial of a 100 mg code: 30 mg discarded, 0 units.",
             "Remove the JW line; bill JZ.", ("CO-4",)),
        Rule("WST009", "wastage", INFO, "JZ stands; note 'no waste' in the record",
             "The claim carries JZ and the note says nothing about waste.",
             "The JZ attestation stands, but an explicit statement protects it in an audit.",
             "Ondansetron 4 mg with JZ and no waste statement.",
             "Add 'no waste' (or 'entire vial administered') to the record.", ()),
        Rule("WST010", "wastage", INFO, "JZ on a line where wastage does not apply",
             "JZ is billed on a multi-dose, inpatient, RHC/FQHC, ESRD, packaged or per-dose line.",
             "Harmless, but the modifier is not needed there.",
             "JZ on Seizalam (multiple-dose vials).",
             "JZ may be dropped.", ()),
        Rule("WST011", "wastage", W, "Waste implied by the vial size, not stated",
             "The note gives a single-dose vial size larger than the dose but no discarded amount.",
             "Payers expect the vial content, the amount given and the amount discarded.",
             "'500 mg vial, 300 mg given' with a JW line.",
             "State the discarded amount.", ("CO-16",)),
        Rule("MDL001", "any", W, "Model and rules disagree",
             "In --mode model or hybrid, the element's status with the model's reading of the note differs from the rules' own; the finding gives both views and the model's quotes.",
             "The model reads what the rules cannot (an unusual dose line, a reason in clinical prose) but a small model errs too: a person should look.",
             "Rules: dosage missing (read as not given); model: 'Midazolam 10 mg IM R deltoid given' is an administration, so dosage is documented.",
             "Read the quoted passage and decide; fix the note or the claim as for the element's own rules."),
        Rule("MDL002", "any", INFO, "Model abstained",
             "The model's answer could not be used: its quotes are not in the note, it gave none, they do not contain what the answer rests on (a route word, words about leftover drug, a recognised use), or its answer was unreadable; the rules' outcome stands.",
             "A model's claim is only as good as the text it quotes; unverifiable claims are dropped (review spec).",
             "The model says 'given with amount' but quotes a sentence that is not in the note.",
             "Nothing to fix; the rules' findings for the element apply."),
    ]
}


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


def rules_markdown() -> str:
    """docs/rules.md, generated from RULES."""
    lines = [
        "# docreview rules",
        "",
        "Generated by `docreview rules --markdown` from `src/docreview/checks/registry.py`; do not edit by hand.",
        "Select or ignore rules with `--select ID` / `--ignore ID` (a prefix such as `WST` works too).",
        "",
        "| id | element | severity | title |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r.id} | {r.element} | {r.severity.value} | {r.title} |" for r in RULES.values()]
    for r in RULES.values():
        carc = f" Denial it prevents: {', '.join(r.carc)}." if r.carc else ""
        lines += [
            "",
            f"## {r.id}: {r.title}",
            "",
            f"*Element:* {r.element}. *Severity:* {r.severity.value}.{carc}",
            "",
            f"**What it checks.** {r.what}",
            "",
            f"**Why it matters.** {r.why}",
            "",
            f"**Example.** {r.example}",
            "",
            f"**Fix.** {r.fix}",
        ]
    return "\n".join(lines) + "\n"
