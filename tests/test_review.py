"""The public API end to end in rules mode."""

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from docreview import review
from docreview.schema import Status

NOTE = (
    "ED course: breakthrough seizure in known epilepsy.\n"
    "1415 Keppra 500 mg/5 mL, 15 mL given IVPB via R AC PIV.\n"
    "Entire vial contents used, no waste.\n"
)


def test_concentration_and_volume_documented():
    r = review(NOTE, {"code": "J1953", "units": 150, "modifiers": ["JZ"], "icd10": ["G40.909"]})
    assert r.predicted() == {"dosage": "documented", "route": "documented", "indication": "documented",
                             "wastage": "documented", "verdict": "pass"}
    assert r.computed_units == 150


def test_a_multiple_dose_vial_of_another_drug_in_the_syringe_leaves_the_billed_drugs_wastage_to_be_judged():
    note = ("Then, through the same needle, injected one syringe containing:\n"
            "   Depo-Medrol (methylprednisolone acetate) 40 mg/mL - 1 mL (40 mg), single-dose vial, entire vial drawn up, no waste\n"
            "   Lidocaine HCl 1% (10 mg/mL) - 4 mL (40 mg) from 30 mL multiple-dose vial\n"
            "Route: intra-articular, right knee.\n")
    r = review(note, {"code": "J1010", "units": 40, "modifiers": ["JZ"], "icd10": ["M17.11"]})
    assert r.predicted()["wastage"] == "documented"
    # The billed drug's own multiple-dose vial makes wastage not applicable.
    r = review(note.replace("single-dose vial", "multiple-dose vial"), {"code": "J1010", "units": 40, "icd10": ["M17.11"]})
    assert r.predicted()["wastage"] == "not_applicable"


def test_a_multiple_dose_vial_named_after_another_drug_in_a_sentence_with_a_prep_is_that_drugs():
    note = ("RIGHT knee: chlorhexidine prep, skin wheal lidocaine 1% 1 mL (MDV). Superolateral approach, 18G. "
            "Genvisc 850 (sodium hyaluronate) 25 mg/2.5 mL PFS injected intra-articular, full syringe.\n")
    r = review(note, {"code": "J7320", "units": 25, "modifiers": ["JZ"], "icd10": ["M17.11"]})
    assert r.predicted()["wastage"] == "documented"


def test_every_evidence_quote_is_a_span_of_the_note():
    r = review(NOTE, {"code": "J1953", "units": 100, "modifiers": ["JW"], "icd10": ["I10"]})
    assert r.verdict.value == "fail"
    quotes = [e for el in r.elements.values() for e in el.evidence] + [e for f in r.findings for e in f.evidence]
    assert quotes
    for e in quotes:
        assert NOTE[e.start : e.end] == e.quote


def test_home_medication_is_not_an_administration():
    note = "Home meds: Keppra 500 mg PO BID.\nDx: epilepsy, seizure free.\nToday: BP check only."
    r = review(note, {"code": "J1953", "units": 50, "modifiers": ["JZ"], "icd10": ["G40.909"]})
    assert r.status("dosage") == Status.missing and r.status("route") == Status.missing


def test_rules_mode_never_imports_torch_or_chromadb():
    code = (
        "import sys; from docreview import review; "
        "review('Zofran 4 mg IV push given for nausea and vomiting. No waste.', {'code': 'J2405', 'units': 4, 'modifiers': ['JZ']}); "
        "print(sorted(m for m in ('torch', 'chromadb', 'sentence_transformers', 'spacy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


_words = st.sampled_from(["Keppra", "1,000 mg", "IV", "given", "held", "seizure", "no waste", "wasted 20 mg", "\n", ".", "PO", "mL",
                          "levetiracetam", "500 mg/5 mL", "10 mL", "home meds:", "plan:", "wt 70 kg", "20 mg/kg", "G40.909", "x2"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_words, min_size=1, max_size=30))
def test_spans_hold_on_arbitrary_notes(parts):
    note = " ".join(parts)
    if not note.strip():
        return
    r = review(note, {"code": "J1953", "units": 100, "modifiers": ["JW"], "waste_units": 2, "icd10": ["G40.909"]})
    for el in r.elements.values():
        for e in el.evidence:
            assert note[e.start : e.end] == e.quote
    for f in r.findings:
        for e in f.evidence:
            assert note[e.start : e.end] == e.quote


def test_unitless_shorthand_dose_reads_in_the_code_unit():
    r = review("Zofran 4 IVP x1 for nausea and vomiting. No waste.", {"code": "J2405", "units": 4, "modifiers": ["JZ"]})
    assert r.status("dosage") == Status.documented and r.computed_units == 4


def test_dose_given_by_ems_is_not_this_providers_administration():
    note = "Solu-Medrol 125 mg IV given by EMS prior to arrival for asthma exacerbation.\nNebs x3 in ED."
    r = review(note, {"code": "J2930", "units": 1, "modifiers": ["JZ"], "icd10": ["J45.901"]})
    assert r.status("dosage") == Status.missing and r.status("route") == Status.missing
    assert any(f.rule_id == "DOS003" for f in r.findings)


def test_the_date_of_service_decides_which_days_givings_count():
    note = ("Infusion clinic 2025-05-20. Keppra 1,000 mg IVPB given 05/06 for seizures.\n"
            "Today: seizure free, no dose given; next infusion 06/03.")
    claim = {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"]}
    assert review(note, claim).status("dosage") == Status.documented  # no date: the giving is read as told
    r = review(note, {**claim, "date_of_service": "2025-05-20"})
    assert r.status("dosage") == Status.missing
    assert any(f.rule_id == "DOS003" and "05/06" in f.message for f in r.findings)


def test_an_unreadable_date_of_service_is_an_input_error():
    import pytest

    from docreview.review_engine import InputError

    with pytest.raises(InputError, match="date of service"):
        review(NOTE, {"code": "J1953", "date_of_service": "last Tuesday"})


def test_a_risk_list_does_not_refute_the_procedures_claim_diagnosis():
    note = ("PROCEDURE: Removal of hardware, left distal radius.\n"
            "Consent: risks including infection, bleeding, headache and nerve injury were reviewed.\n"
            "Local: 5 mL of 0.5% bupivacaine infiltrated along the incision.\n"
            "Return precautions: fever, chest pain, spreading redness.")
    r = review(note, {"code": "J0665", "units": 50, "modifiers": ["JZ"], "icd10": ["Z47.2"]})
    assert r.status("indication") == Status.documented


def test_a_use_the_note_calls_off_label_is_no_recognised_use():
    note = ("Dx: ACE-inhibitor angioedema of the lip, no hereditary angioedema.\n"
            "2310 icatibant 30 mg/3 mL prefilled syringe, full 3 mL injected subcutaneously, abdomen "
            "(off-label, per attending).")
    claim = {"code": "J1744", "units": 30, "modifiers": ["JZ"], "icd10": ["T78.3XXA"]}
    r = review(note, claim)
    assert r.status("indication") == Status.inconsistent
    assert any(f.rule_id == "IND002" and "off-label" in f.message for f in r.findings)
    labelled = note.replace(" (off-label, per attending)", "")
    assert review(labelled, claim).status("indication") != Status.inconsistent


def test_another_drug_named_by_an_abbreviation_is_shown_with_the_drug_it_stands_for():
    note = "CODE BLUE 0212: vaso 40 units IV push x1 via L AC; ROSC 0220.\n"
    r = review(note, {"code": "J2805", "units": 1, "icd10": ["I46.9"], "setting": "outpatient"})
    assert "vaso (vasopressin)" in r.elements["dosage"].summary, r.elements["dosage"].summary


def test_a_bag_of_the_codes_own_size_bills_that_code_however_much_ran_in():
    # A code per 1,000 mL bag bills the bag hung; the 500 mL code's covering the 350 mL run in is
    # no reason to call the line the wrong code.
    note = ("0210 NS 1000 mL started via 20g L forearm, pump 1000 mL/hr. Dehydration, alcohol withdrawal.\n"
            "0231 site infiltrated. Infusion stopped. Approx 350 mL infused per pump. Remaining ~650 mL left in bag discarded.\n")
    r = review(note, {"code": "J7030", "units": 1, "modifiers": ["JZ"], "icd10": ["E86.0"], "setting": "office"})
    assert r.status("dosage") == Status.documented
    # A 500 mL bag's dose under the 1,000 mL code is still the smaller code's.
    r = review(note.replace("1000 mL started", "500 mL started").replace("~650 mL", "~150 mL"),
               {"code": "J7030", "units": 1, "modifiers": ["JZ"], "icd10": ["E86.0"], "setting": "office"})
    assert r.status("dosage") == Status.inconsistent


def test_influenza_virus_vaccine_is_charted_as_a_flu_vaccine():
    note = ("IMMUNIZATION RECORD 11/05/2024\nOffered seasonal flu vaccine per protocol - accepted. Screening: no contraindications.\n"
            "Vaccine: Flucelvax 2024-2025, 5 mL multi-dose vial, lot 428331.\n0.5 mL IM R deltoid - LPN Quist - 1014.\n"
            "Dx: encounter for immunization.\n")
    r = review(note, {"code": "Q2039", "units": 1, "icd10": ["Z23"], "setting": "office"})
    assert r.status("dosage") == Status.documented and r.status("route") == Status.documented
    r = review(note.replace("seasonal flu vaccine", "seasonal influenza vaccine"), {"code": "Q2039", "units": 1, "icd10": ["Z23"]})
    assert r.status("dosage") == Status.documented


def test_a_reason_told_with_another_drugs_giving_is_that_drugs():
    note = ("Lemtrada infusion #2 of 3 (course 2).\n"
            "0945 Lemtrada 12 mg/1.2 mL vial - entire contents in NS 100 mL - started IV via PIV L AC @ 25 mL/h; completed 1345.\n"
            "Pruritus 1130 - diphenhydramine 25 mg IV x1, resolved.\n")
    r = review(note, {"code": "J0202", "units": 12, "modifiers": ["JZ"], "icd10": ["G35"], "setting": "outpatient"})
    assert r.status("indication") == Status.missing
    r = review(note.replace("(course 2).", "(course 2) for relapsing MS."),
               {"code": "J0202", "units": 12, "modifiers": ["JZ"], "icd10": ["G35"], "setting": "outpatient"})
    assert r.status("indication") == Status.documented
