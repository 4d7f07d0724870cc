"""Route fit: a route that counts as one the code allows (data/routes.json `fits_as`)."""

from functools import cache

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.review_engine import Reviewer
from docreview.schema import Review


@cache
def _reviewer() -> Reviewer:
    return Reviewer(knowledge_base())


def _review(note: str, claim: dict) -> Review:
    return _reviewer().review(note, claim)


def test_a_steroid_infiltrated_into_an_incision_fits_a_soft_tissue_code():
    note = "Postop: 1 mL of dexamethasone sodium phosphate 4 mg/mL was injected into the incision site for swelling."
    review = _review(note, {"code": "J1100", "units": 4, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "documented"


def test_an_antibiotic_under_the_tenon_capsule_does_not_fit_an_iv_code():
    note = "Ancef 50 mg was injected sub-Tenon at the end of the case."
    review = _review(note, {"code": "J0690", "units": 1, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "inconsistent"


def test_pain_from_a_documented_injury_is_billed_with_the_injury_code():
    note = "CC: R hip pain s/p fall. ED course: Toradol 15 mg IV given at 1130. Dx: R hip contusion."
    review = _review(note, {"code": "J1885", "units": 1, "modifiers": ["JZ"], "icd10": ["S70.01XA"]})
    assert review.elements["indication"].status.value == "documented"


def test_a_procedure_diagnosis_is_documented_without_its_qualifiers():
    note = "ASC - cataract extraction OD. Anesthesia record: ondansetron 4 mg IV at induction for PONV prophylaxis."
    review = _review(note, {"code": "J2405", "units": 4, "modifiers": ["JZ"], "icd10": ["H25.11"]})
    assert review.elements["indication"].status.value == "documented"


def test_an_oral_word_beside_the_codes_own_route_is_how_that_route_was_taken():
    note = "1422 Loxapine inhalation powder 10 mg single-use inhaler - pt inhaled one dose by mouth, observed 1 h."
    review = _review(note, {"code": "J2062", "units": 10})
    assert review.elements["route"].status.value == "documented"
    # An injectable product taken by mouth is still an oral dose: "IV solution" names the product.
    note = "Dexamethasone 10 mg PO (IV solution given by mouth in juice)."
    review = _review(note, {"code": "J1100", "units": 10, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "inconsistent"


def test_a_code_that_names_no_route_and_no_injection_takes_the_stated_route():
    note = "Rebyota 150 mL single-dose suspension given rectally by enema, pt left lateral, retained 15 min."
    review = _review(note, {"code": "J1440", "units": 150, "modifiers": ["JZ"], "icd10": ["A04.72"]})
    assert review.elements["route"].status.value == "documented"
    # An injection code still wants an injection route.
    note = "Ondansetron 4 mg given rectally (compounded suppository)."
    review = _review(note, {"code": "J2405", "units": 4, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "inconsistent"


def test_a_device_code_names_its_route_and_a_placement_at_the_fundus_implies_it():
    kb = knowledge_base()
    assert kb.facts("Q9984").descriptor_routes == ("intrauterine",)  # "... intrauterine contraceptive system"
    note = "Kyleena (levonorgestrel 19.5 mg) placed at the fundus without difficulty; strings trimmed to 3 cm."
    review = _review(note, {"code": "Q9984", "units": 1, "icd10": ["Z30.430"]})
    assert review.elements["route"].status.value == "documented"
    # "intrauterine pregnancy" is no route
    from docreview.note.vocab import route_vocabulary

    assert route_vocabulary().find("Ultrasound: single intrauterine pregnancy, 8 weeks.") == []


def test_a_code_whose_long_descriptor_names_no_route_takes_its_short_descriptions():
    kb = knowledge_base()
    assert kb.facts("Q9978").descriptor_routes == ("oral",)  # "Netupitant palonosetron oral"
    note = "0900 Akynzeo 1 capsule (netupitant 300 mg / palonosetron 0.5 mg) PO with water, witnessed."
    review = _review(note, {"code": "Q9978", "units": 1, "icd10": ["C25.0"], "setting": "office"})
    assert review.elements["wastage"].status.value == "not_applicable"  # an oral code has no single-dose container


def test_a_route_abbreviation_run_into_a_lot_number_is_no_route():
    from docreview.note.vocab import route_vocabulary

    found = route_vocabulary().find("Iomeron 400, 100 mL single-dose bottle, lot IM400-2502. Toradol 30 mg IM.")
    assert [r.route for r in found] == ["intramuscular"] and found[0].start > 50
    # (a hyphen between: "lot IM-0417"; "IV-10 mg" still names a route and its dose)
    found = route_vocabulary().find("Lot IM-0417 exp 03/27. Ketorolac IV-15 mg.")
    assert [r.route for r in found] == ["intravenous"]


def test_phrasings_of_bladder_muscle_and_wound_bed_routes():
    from docreview.note.vocab import route_vocabulary

    def routes(text):
        return [r.route for r in route_vocabulary().find(text)]

    assert routes("Cystografin instilled by gravity through the 18 Fr Foley - 250 mL") == ["intravesical"]
    assert routes("Cymetra injected into the left thyroarytenoid muscle, 0.8 cc") == ["intramuscular"]
    assert routes("amniotic allograft applied dry to the wound bed and trimmed") == ["topical"]


def test_a_device_inserted_intrauterine_and_a_dose_into_a_vein_through_the_port():
    from docreview.note.vocab import route_vocabulary

    def routes(text):
        return [r.route for r in route_vocabulary().find(text)]

    assert routes("Kyleena 19.5 mg IUS inserted intrauterine at 0912") == ["intrauterine"]
    assert routes("single live intrauterine pregnancy") == []
    assert set(routes("200 mg in 100 mL, into a vein through your port.")) == {"intravenous"}


def test_contrast_given_iv_without_its_agent_documents_the_route_not_the_dose():
    note = "CT ABDOMEN WITH CONTRAST. Images were obtained following intravenous contrast administration. No abscess."
    review = _review(note, {"code": "Q9967", "units": 100, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "documented"
    dosage = review.elements["dosage"]
    assert dosage.status.value == "missing" and "contrast" in dosage.summary


def test_a_dose_down_a_feeding_tube_is_enteral_which_no_injection_code_fits():
    note = ("Neuro switched from IV Radicava to RADICAVA ORS 105 mg/5 mL on 6/2.\n"
            "0930 Radicava ORS 105 mg (5 mL) given via PEG tube, flushed 30 mL water before/after.\n")
    review = _review(note, {"code": "J1301", "units": 105, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "inconsistent"  # the IV drug it replaced is history
    assert review.elements["dosage"].status.value == "documented"


def test_an_implant_put_under_the_skin_is_subdermal_and_fits_a_subcutaneous_code():
    from docreview.note.vocab import route_vocabulary

    found = route_vocabulary().find("Nexplanon (etonogestrel implant 68 mg) inserted subdermally w/ preloaded applicator.")
    assert [r.route for r in found] == ["subdermal"]
    assert route_vocabulary().find("Closed with 4-0 Monocryl subdermal sutures.") == []  # a closure, no route
    assert route_vocabulary().find("Dx: encounter for removal of subdermal contraceptive implant.") == []  # the device's name
    for text in ["3.0 cc total into the subdermal plane of the bilateral malar areas", "Injected deep subdermal/supraperiosteal temples"]:
        assert [r.route for r in route_vocabulary().find(text)] == ["subdermal"], text
    note = "Mirena (levonorgestrel-releasing IUS 52 mg), lot TU02K8N, inserted to the uterine fundus without difficulty."
    review = _review(note, {"code": "J7298", "units": 1, "modifiers": ["JZ"], "icd10": ["Z30.430"]})
    assert review.elements["route"].status.value == "documented"


def test_saline_used_to_irrigate_or_distend_does_not_fit_an_infusion_code():
    """An infusion code (no injection named) goes into a vein; the bare word 'saline' names the fluid."""
    claim = {"code": "J7030", "units": 3, "setting": "inpatient"}
    note = "The wound was irrigated with 3 liters of sterile saline, then closed in layers."
    review = _review(note, claim)
    assert review.elements["dosage"].status.value == "documented"
    assert review.elements["route"].status.value == "inconsistent"
    note = "The portion was dissected down by injecting saline into the lumbar subarachnoid catheter."
    assert _review(note, claim).elements["route"].status.value == "inconsistent"
    # ... while the same fluid hung into a vein fits.
    note = "Sterile saline 3 liters infused IV wide open via 18g PIV."
    assert _review(note, claim).elements["route"].status.value == "documented"


def test_saline_beside_a_word_that_makes_it_another_product_is_not_the_infusion():
    claim = {"code": "J7050", "units": 1, "setting": "inpatient"}
    for note in ("We will arrange saline nasal spray at the bedside for p.r.n. use.",
                 "Saline-soaked gauze was placed in the wound.",
                 "The heparinized saline was flushed through the catheter."):
        review = _review(note, claim)
        assert review.elements["dosage"].status.value == "missing", note
        assert review.elements["route"].status.value == "missing", note


def test_iv_fluids_of_no_named_kind_state_the_route_but_not_the_drug():
    claim = {"code": "J7030", "units": 1, "setting": "inpatient"}
    review = _review("She was given 1 L of IV fluids and was admitted for observation.", claim)
    assert review.elements["dosage"].status.value == "missing"
    assert review.elements["route"].status.value == "documented"
    # "Crystalloid" with no route written states neither.
    review = _review("FLUIDS: 1500 cc of crystalloids.\nESTIMATED BLOOD LOSS: Minimal.", claim)
    assert review.elements["route"].status.value == "missing"


def test_tumescent_infiltration_is_no_intravenous_infusion():
    note = ("A stab incision was made and tumescent infiltration of lactated ringers with 1 cc of epinephrine to 1000 cc "
            "of lactated ringers was infused with a tumescent blunt needle. 200 cc was infiltrated on each side.")
    review = _review(note, {"code": "J7120", "units": 1, "setting": "outpatient", "separately_payable": False})
    assert review.elements["route"].status.value == "inconsistent"


def test_an_implied_route_in_the_procedure_title_does_not_outrank_the_givings_own():
    note = ("PROCEDURE: Placement of lumbar subarachnoid catheter connected to reservoir for aspiration and infusion.\n"
            "DESCRIPTION: The tumor was dissected down by injecting saline into the lumbar subarachnoid catheter.")
    review = _review(note, {"code": "J7030", "units": 1, "setting": "inpatient"})
    assert review.elements["route"].status.value == "inconsistent"


def test_a_heparin_flush_through_a_port_is_the_lock_flush_given_into_a_vein():
    note = "Chemo complete. Port flushed with heparin flush 500 units (5 mL of 100 units/mL) and de-accessed."
    review = _review(note, {"code": "J1642", "units": 50, "modifiers": ["JZ"], "setting": "outpatient"})
    assert review.elements["dosage"].status.value == "documented"
    assert review.elements["route"].status.value == "documented"


def test_a_drugs_code_beside_its_hyaluronidase_co_formulation_is_the_intravenous_product():
    """Derived from the HCPCS descriptors: 'daratumumab, 10 mg and hyaluronidase-fihj' is the
    subcutaneous product, so 'daratumumab, 10 mg' is the intravenous one."""
    kb = knowledge_base()
    assert kb.facts("J9144").allowed_routes == {"subcutaneous"}
    assert kb.facts("J9145").allowed_routes == {"intravenous"}
    assert kb.facts("Q5115").allowed_routes == {"intravenous"}  # a rituximab biosimilar
    assert kb.facts("J1559").allowed_routes == set()  # immune globulins are a class: nothing set
    note = "Darzalex (daratumumab) 1,600 mg injected SC into the abdomen over 5 min. Myeloma, cycle 3."
    review = _review(note, {"code": "J9145", "units": 160, "modifiers": ["JZ"], "icd10": ["C90.00"]})
    assert review.elements["route"].status.value == "inconsistent"


def test_a_drug_solution_irrigating_a_joint_is_given_by_irrigation():
    """'irrigated with gentamicin solution': the solution is the drug's own, not a thing that owns the route."""
    note = "The joint was then copiously irrigated with gentamicin solution and suctioned dry. The capsule was repaired."
    review = _review(note, {"code": "J1580", "units": 1, "setting": "inpatient"})
    assert review.elements["dosage"].status.value == "missing"
    assert review.elements["route"].status.value == "inconsistent"


def test_route_patterns_rewritten_to_open_with_a_letter_match_as_written():
    import re

    from docreview.note.vocab import _letter_first
    from docreview.resources import load_json

    text = ("Kenalog 40 mg IM R deltoid; IV push ondansetron 4 mg; stage IV disease; injected intra-articular L knee, "
            "SUBCUT abdomen, po daily; infusion via port-a-cath; intravitreal OD; 1% lidocaine infiltrated locally; "
            "Intradermal wheal; epidural at L4-5; gtt ou; via PICC; IVPB over 30 min; sub-q; INTRAVENOUSLY; ivp")
    patterns = [p for spec in load_json("routes.json")["routes"].values() for key in ("stated", "implied") for p in spec.get(key, [])]
    rewritten = [p for p in patterns if _letter_first(p) != p]
    assert len(rewritten) > 100
    for p in patterns:
        as_written = [m.span() for m in re.finditer(p, text, re.IGNORECASE)]
        assert [m.span() for m in re.finditer(_letter_first(p), text, re.IGNORECASE)] == as_written, p
    assert _letter_first(r"\bintraven\w*") == r"i(?<=\bi)ntraven\w*"
    assert _letter_first(r"\bi?v") == r"\bi?v"  # an optional first letter is left as written


@pytest.mark.parametrize(("code", "route", "fits"), [
    # A corticosteroid's acetate is a crystalline suspension: never IV (the spec's methylprednisolone acetate example).
    ("J1700", "intravenous", False), ("J1700", "intra-articular", True), ("J1094", "intravenous", False),
    ("J1050", "subcutaneous", True),
    # Triamcinolone acetonide's products go into the eye and the suprachoroidal space too: left to the corpus.
    ("J3300", "intravitreal", True),
])
def test_a_depot_salt_of_its_drug_limits_the_routes(code, route, fits):
    from docreview.note.vocab import route_vocabulary

    allowed = knowledge_base().facts(code).allowed_routes
    assert (not allowed or route_vocabulary().fits(route, allowed)) is fits


def test_emg_guided_injections_and_an_ear_canal_name_their_routes():
    from docreview.note.vocab import route_vocabulary

    def routes(text):
        return [r.route for r in route_vocabulary().find(text)]

    assert routes("EMG-guided injections: L SCM 1,500 U | R splenius capitis 2,500 U") == ["intramuscular"]
    assert routes("0.2 mL instilled R ear canal, then 0.2 mL L ear canal") == ["otic", "otic"]
    assert routes("Mirena removed; Kyleena 19.5 mg inserted to fundus, arms released") == ["intrauterine"]
    assert routes("Liletta inserted with the single-handed inserter, fundal placement, strings cut") == ["intrauterine"]


def test_an_instillation_into_the_renal_pelvis_past_its_side_or_via_a_nephrostomy_is_pyelocalyceal():
    for note in ["Mitomycin gel 40 mg (10 mL) instilled via ureteral catheter into the R renal pelvis.",
                 "Mitomycin gel 40 mg instilled antegrade via L nephrostomy tube, tube clamped 2 h."]:
        review = _review(note, {"code": "J9281", "units": 40, "modifiers": ["JZ"]})
        assert review.elements["route"].status.value == "documented", note


def test_a_urethral_suppository_inserted_intraurethrally_fits_its_code():
    note = "Alprostadil 500 mcg urethral suppository inserted intraurethrally by the patient under supervision at 1030."
    review = _review(note, {"code": "J0275", "units": 1})
    assert review.elements["route"].status.value == "documented"
