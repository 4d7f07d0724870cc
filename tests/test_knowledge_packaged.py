"""The packaged code knowledge (knowledge/data/codes.json.gz): every drug code out of the box,
names, packages, classes, indications, and what the checks do with them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from docreview import review
from docreview.knowledge.facts import KnowledgeBase, knowledge_base, normalize_name
from docreview.knowledge.hcpcs import parse_descriptor
from docreview.knowledge.packaged import packaged
from docreview.note.reasons import condition_vocabulary, find_reasons
from docreview.resources import load_json
from tests.conftest import CMS_2025, need


def ids(r) -> set[str]:
    return {f.rule_id for f in r.findings}


def test_packaged_data_is_versioned_and_covers_the_cms_2025_drug_table():
    data = packaged()
    assert len(data.version) == 16 and data.sources
    codes = data.codes
    assert len(codes) >= 1800
    kb = knowledge_base()
    assert set(codes) <= set(kb.codes)
    j = [c for c in codes if c.startswith("J")]
    # Measured coverage must not regress (README "Code knowledge").
    assert sum(bool(codes[c].ingredients) for c in j) / len(j) > 0.95
    assert sum(bool(codes[c].packages) for c in j) / len(j) > 0.6
    assert sum(bool(codes[c].indications or codes[c].symptom_groups) for c in j) / len(j) > 0.5


def test_packaged_codes_match_the_shared_cms_table():
    import csv

    with need(CMS_2025).open(newline="", encoding="utf-8") as handle:
        table = {r["hcpcs"]: " ".join(r["long_description"].split()) for r in csv.DictReader(handle)}
    assert {c: e.descriptor for c, e in packaged().codes.items()} == table


def test_a_code_with_no_ndc_is_named_by_the_products_of_its_whole_generic():
    kb = knowledge_base()
    # "interferon, gamma 1-b": Actimmune ("interferon gamma-1b") is its product, not the alfa codes'.
    assert "Actimmune" in kb.facts("J9216").brands and "Actimmune" not in kb.facts("J9214").brands
    # A co-formulation's brand belongs to the co-formulation's codes, not to the plain drug's.
    assert "Darzalex Faspro" in kb.facts("C9062").brands and "Darzalex Faspro" not in kb.facts("C9476").brands
    # A pass-through code with no product in any table: the brand CMS's short description names.
    assert kb.facts("C9137").brands == ["Adynovate"] and kb.facts("C9136").brands == ["Eloctate"]
    # A liposomal or biosimilar code borrows no brand of the drug's other formulation; an
    # imported product CMS names is the code's only product.
    assert "Remicade" not in kb.facts("Q5102").brands and "Remicade" in kb.facts("J1745").brands
    assert kb.facts("Q2049").brands == ["lipodox"] and kb.facts("Q2049").product_specific
    assert "Adriamycin" not in kb.facts("Q2050").brands


def test_a_radiotracers_brand_is_found_however_its_isotope_is_written():
    # FDA's "FLUTEMETAMOL F-18" is CMS's "flutemetamol f18".
    kb = knowledge_base()
    assert "Vizamyl" in kb.facts("C9459").brands and "Neuraceq" in kb.facts("C9458").brands


def test_a_code_billed_by_its_ingredients_combined_mass_names_them():
    # "pertuzumab, trastuzumab, and hyaluronidase-zzxf, per 10 mg": Phesgo's 15 mL vial is 180 units
    # (CMS crosswalk), 1,200 mg + 600 mg. Imipenem's "cilastatin sodium; imipenem, per 250 mg" counts
    # the imipenem alone, a product with stated shares is read by them, a salt is no second ingredient.
    kb = knowledge_base()
    assert kb.facts("J9316").combined_ingredients == ("pertuzumab", "trastuzumab")
    assert set(kb.facts("J0295").combined_ingredients) == {"ampicillin", "sulbactam"}
    assert kb.facts("J0743").combined_ingredients == ()
    assert kb.facts("J2405").combined_ingredients == ()  # ondansetron, ondansetron hcl
    assert kb.facts("J9356").combined_ingredients == ()  # trastuzumab; hyaluronidase is dosed in units
    # Two ingredients of one name told apart by the word they do not share; salts of one drug are one.
    assert kb.facts("J0558").combined_ingredients == ("benzathine", "procaine")
    assert kb.facts("J0456").combined_ingredients == ()  # azithromycin dihydrate, monohydrate


def test_the_use_a_descriptor_restricts_its_code_to_is_checked_against_the_claim():
    # "... for use as hiv pre-exposure prophylaxis (not for use as treatment for hiv)": B20 is not it.
    kb = knowledge_base()
    assert {p for ind in kb.facts("J0799").restricted_uses for p in ind.icd10} == {"Z2981", "Z206"}
    assert not kb.facts("J0799").indications  # a condition of payment, no use a note's reasons are read against
    from docreview.review_engine import default_reviewer
    from docreview.schema import Claim

    note = "HIV clinic. Cabotegravir ER 600 mg/3 mL IM gluteal given 1010. Dx: HIV infection on ART."
    review = default_reviewer(mode="rules").review(note, Claim(code="J0738", units=600, modifiers=["JZ"], icd10=["B20"]))
    assert review.elements["indication"].status == "inconsistent"
    assert any(f.rule_id == "IND009" for f in review.findings)


def test_brand_before_generic_parses_generic_as_drug():
    parsed = parse_descriptor("J0171", "Injection, adrenalin, epinephrine, 0.1 mg")
    assert parsed.drug == "epinephrine" and parsed.brands == ("adrenalin",) and parsed.lead_brand
    assert (parsed.unit_amount, parsed.unit) == (0.1, "mg")
    # Not a brand-first descriptor: the first segment stays the drug.
    assert parse_descriptor("J1940", "Injection, furosemide, up to 20 mg").drug == "furosemide"
    facts = knowledge_base().facts("J0171")
    assert not facts.product_specific and "epinephrine" in facts.names()


@pytest.mark.parametrize(
    ("code", "note", "units"),
    [
        ("J0171", "Anaphylaxis after bee sting. Epinephrine 0.3 mg IM to the left thigh at 1405. No waste.", 3),
        ("J1940", "Acute decompensated heart failure with volume overload. Furosemide 40 mg IV push at 0900. No waste.", 2),
        ("J3010", "Severe pain after a femur fracture. Fentanyl 100 mcg IV push at 2210. No waste.", 1),
        ("J2704", "PROCEDURE: colonoscopy. Propofol 200 mg IV given for procedural sedation during the procedure. No waste.", 20),
    ],
)
def test_codes_outside_the_corpus_review_without_hcpcs(code, note, units):
    r = review(note, {"code": code, "units": units, "modifiers": ["JZ"]})
    assert r.status("dosage").value == "documented", [(f.rule_id, f.message) for f in r.findings]
    assert r.status("route").value == "documented"


def test_hcpcs_file_overrides_the_packaged_descriptor(tmp_path):
    path = tmp_path / "hcpcs.csv"
    path.write_text('hcpcs,long_description\nJ1940,"Injection, furosemide, up to 40 mg"\n', encoding="utf-8")
    kb = KnowledgeBase(hcpcs=path)
    assert kb.facts("J1940").unit_amount == 40
    assert kb.facts("J3010").unit_amount == 0.1  # codes the file lacks still come from the package


def test_no_billable_drug_in_the_drugs_without_a_code_list():
    kb = knowledge_base()
    names = {normalize_name(n) for f in kb.all_facts() for n in f.names()}
    leftover = [n for n in load_json("other_drugs.json")["names"] if normalize_name(n) in names]
    assert leftover == []


def test_look_alike_product_of_an_uncurated_code_is_recognised():
    # Sublimaze is fentanyl's brand (crosswalk/NDC data): a note naming it reads as J3010.
    note = "Sublimaze 50 mcg IV push at 1300 for pain after the fracture reduction. No waste."
    r = review(note, {"code": "J3010", "units": 1, "modifiers": ["JZ"]})
    assert r.status("dosage").value == "documented", [(f.rule_id, f.message) for f in r.findings]


def test_packages_give_container_sizes_and_smallest_vial():
    facts = knowledge_base().facts("J9035")
    assert any(p.name == "Avastin" for p in facts.packages)
    assert facts.container_units[:2] == [10.0, 40.0]
    assert facts.vials_for(30) == [40.0]


# --- wastage against the code's containers ----------------------------------------------------

BEV = "Bevacizumab 300 mg IV over 90 min via port for metastatic colon cancer. {waste}"


def test_wst012_fires_when_given_plus_waste_exceed_the_largest_container():
    r = review(BEV.format(waste="Remaining 200 mg discarded."), {"code": "J9035", "units": 30, "modifiers": ["JW"], "waste_units": 20, "icd10": ["C18.9"]})
    assert "WST012" in ids(r) and r.status("wastage").value == "inconsistent"


def test_wst012_quiet_when_waste_fits_the_container():
    r = review(BEV.format(waste="Remaining 100 mg discarded."), {"code": "J9035", "units": 30, "modifiers": ["JW"], "waste_units": 10, "icd10": ["C18.9"]})
    assert not ids(r) & {"WST012", "WST013", "WST014"}
    assert r.status("wastage").value == "documented"


LEV = "Seizure disorder. Levetiracetam {dose} mg IVPB over 15 min via PIV, from a {vial} mg single-dose vial; remaining {waste} mg discarded."


def test_wst013_fires_for_a_vial_size_no_ndc_has():
    r = review(LEV.format(dose=700, vial=750, waste=50), {"code": "J1953", "units": 70, "modifiers": ["JW"], "waste_units": 5})
    assert "WST013" in ids(r), [(f.rule_id, f.message) for f in r.findings]


def test_wst013_quiet_for_a_real_vial_size():
    r = review(LEV.format(dose=450, vial=500, waste=50), {"code": "J1953", "units": 45, "modifiers": ["JW"], "waste_units": 5})
    assert "WST013" not in ids(r) and "WST012" not in ids(r)


def test_wst014_fires_when_a_smaller_container_fits_the_dose():
    note = "Bevacizumab 100 mg IV over 30 min for metastatic colon cancer, from a 400 mg vial; remaining 300 mg discarded."
    r = review(note, {"code": "J9035", "units": 10, "modifiers": ["JW"], "waste_units": 30, "icd10": ["C18.9"]})
    assert "WST014" in ids(r), [(f.rule_id, f.message) for f in r.findings]
    quiet = review(BEV.format(waste="Remaining 100 mg discarded."), {"code": "J9035", "units": 30, "modifiers": ["JW"], "waste_units": 10})
    assert "WST014" not in ids(quiet)


# --- indications from terminologies -----------------------------------------------------------


def test_symptom_codes_in_organ_chapters_support_an_analgesic():
    kb = knowledge_base()
    from docreview.note.reasons import supports_prefixes

    fentanyl = kb.facts("J3010").indication_prefixes
    for code in ("N23", "M54.50", "R10.9", "G89.18"):  # renal colic, low back pain, abdominal pain, post-procedural
        assert supports_prefixes((code,), fentanyl), code
    assert not supports_prefixes(("I10",), fentanyl)


def _code_without_indications() -> str:
    kb = knowledge_base()
    return next(c for c in sorted(packaged().codes) if c.startswith("J") and kb.facts(c).unit and not kb.facts(c).indications
                and not kb.facts(c).document)


def test_ind007_fires_when_no_source_knows_an_indication():
    code = _code_without_indications()
    facts = knowledge_base().facts(code)
    note = f"Diagnosis: hypertension. {facts.names()[0]} 1 unit IV given. No waste."
    r = review(note, {"code": code, "modifiers": ["JZ"], "icd10": ["I10"]})
    assert "IND007" in ids(r), (code, [(f.rule_id, f.message) for f in r.findings])


def test_ind007_quiet_when_indications_are_known():
    note = "Acute decompensated heart failure. Furosemide 40 mg IV push at 0900. No waste."
    r = review(note, {"code": "J1940", "units": 2, "modifiers": ["JZ"], "icd10": ["I50.9"]})
    assert "IND007" not in ids(r) and r.status("indication").value == "documented"


def test_an_unclassified_code_bills_the_drug_given_that_has_no_code_of_its_own():
    kb = knowledge_base()
    assert all(kb.facts(c).unclassified and kb.facts(c).names() == [] for c in ("J3490", "J3590", "J9999", "Q9977", "J8499"))
    # A drug named "not otherwise specified" is still a drug; so is a class of products.
    assert not any(kb.facts(c).unclassified for c in ("J9020", "Q2050", "Q4100"))
    note = ("Order: valproate sodium 500 mg IV in 50 mL NS over 60 min x1.\n"
            "09:40 ondansetron 4 mg IV push.\n"
            "09:45-10:45 valproate sodium 100 mg/mL, 5 mL single-dose vial = 500 mg, infused IV over 60 min. No waste.")
    r = review(note, {"code": "J3490", "units": 1, "modifiers": ["JZ"], "icd10": ["G40.209"]})
    assert r.status("dosage").value == "documented" and "500 mg" in r.elements["dosage"].summary
    # A drug with a code of its own belongs under that code.
    note = "Invega Sustenna 156 mg IM L deltoid at 10:05, lot 88K1. Whole syringe given."
    r = review(note, {"code": "J3490", "units": 1, "modifiers": ["JZ"], "icd10": ["F20.9"]})
    assert r.status("dosage").value == "inconsistent"
    # So does one given with no amount of its own: the product is another code's.
    note = "Cervical dystonia. Xeomin injected IM into the L sternocleidomastoid and R splenius under EMG guidance. Tolerated."
    r = review(note, {"code": "J3590", "units": 1, "icd10": ["G24.3"]})
    assert r.status("dosage").value == "inconsistent"


def test_a_descriptor_drug_cms_misspells_is_named_as_notes_spell_it():
    kb = knowledge_base()
    assert "aprotinin" in kb.facts("J0365").names()  # CMS: "Injection, aprotonin, 10,000 kiu"
    # A kallikrein inhibitor unit counts in units: 20 mL of 10,000 KIU/mL is 20 units of 10,000 KIU.
    note = "Redo CABG. Aprotinin (Trasylol) 10,000 KIU/mL: 20 mL IV test and loading dose via CVC at 08:25."
    r = review(note, {"code": "J0365", "units": 20, "icd10": ["I25.10"], "setting": "inpatient"})
    assert r.status("dosage").value == "documented", r.elements["dosage"].summary


def test_a_combination_no_source_knows_is_named_by_each_of_its_drugs():
    kb = knowledge_base()
    # "casirivimab and imdevimab" (three codes of one drug) and "bamlanivimab and etesevimab".
    assert {"casirivimab", "imdevimab"} <= set(kb.facts("Q0243").names())
    assert "etesevimab" in kb.facts("Q0245").names()
    note = ("COVID-19 mAb infusion. Wt 15 kg, high risk per EUA.\n"
            "Bamlanivimab 175 mg + etesevimab 350 mg in 50 mL NS, infused IV over 60 min via PIV 16:10-17:10.")
    r = review(note, {"code": "Q0245", "units": 1, "modifiers": ["JZ"], "icd10": ["U07.1"]})
    assert r.status("dosage").value == "documented" and r.status("route").value == "documented"


def test_each_product_a_skin_substitute_descriptor_lists_names_it():
    kb = knowledge_base()
    assert {"grafix core", "grafixpl core"} <= set(kb.facts("Q4132").names())
    assert kb.facts("J7050").names() == ["normal saline solution"]  # a fluid stays named by its whole phrase


def test_claim_code_is_checked_on_an_uncurated_code():
    # Derived uses confirm but cannot refute: a claim code outside them, for a condition the note
    # documents, is a warning to check.
    note = "Acute decompensated heart failure. Hx R knee OA. Furosemide 40 mg IV push at 0900. No waste."
    r = review(note, {"code": "J1940", "units": 2, "modifiers": ["JZ"], "icd10": ["M17.11"]})
    assert "IND008" in ids(r) and "IND003" not in ids(r)
    assert r.status("indication").value == "documented"


@pytest.mark.parametrize(("note", "code", "claim", "status"), [
    # The note's diagnosis is the reason; the claim's glaucoma is nowhere in it.
    ("Retina clinic\nA: center-involving diabetic macular edema OS (E11.3312)\nAflibercept 2 mg intravitreal OS. No waste.",
     "J0178", ["H40.1132"], "inconsistent"),
    # The same claim beside a documented glaucoma: the terminologies may miss a use, so a warning.
    ("Retina clinic\nA: center-involving diabetic macular edema OS (E11.3312); POAG OS\nAflibercept 2 mg intravitreal OS. No waste.",
     "J0178", ["H40.1132"], "documented"),
    # A symptom reason may be the claim's disease in other words: hydromorphone for flank pain of a stone.
    ("ED. Severe flank pain. Hydromorphone 1 mg IV push for pain. No waste.", "J1170", ["N20.1"], "documented"),
])
def test_a_documented_diagnosis_contradicts_a_claim_code_the_note_never_names(note, code, claim, status):
    r = review(note, {"code": code, "units": 1 if code == "J1170" else 2, "modifiers": ["JZ"], "icd10": claim})
    assert r.status("indication").value == status, [(f.rule_id, f.message) for f in r.findings]


def test_ind008_quiet_when_a_derived_use_confirms_reason_and_claim():
    note = "Acute decompensated heart failure. Furosemide 40 mg IV push at 0900. No waste."
    r = review(note, {"code": "J1940", "units": 2, "modifiers": ["JZ"], "icd10": ["I50.9"]})
    assert "IND008" not in ids(r) and r.status("indication").value == "documented"


def test_no_reason_on_an_uncurated_code_is_missing():
    r = review("Furosemide 40 mg IV push at 0900. No waste.", {"code": "J1940", "units": 2, "modifiers": ["JZ"], "icd10": ["I50.9"]})
    assert r.status("indication").value == "missing" and "IND001" in ids(r)


# --- conditions from ICD-10-CM; abbreviations only in diagnostic positions ----------------------


@pytest.mark.parametrize(("note", "name", "prefix"), [
    ("Dx: syncope.", "syncope", "R55"),  # "Syncope and collapse"
    ("A: acromegaly, on lanreotide.", "acromegaly", "E220"),  # "Acromegaly and pituitary gigantism"
    ("Dx: cellulitis of the left leg.", "cellulitis", "L03"),  # not "cellulitis of [unspecified male genital organ]"
])
def test_each_condition_of_a_joined_description_is_a_reason_and_no_term_is_cut_short(note, name, prefix):
    found = find_reasons(note, knowledge_base().facts("J1930"))
    assert len(found) == 1 and name in found[0].name and any(p.startswith(prefix) for p in found[0].icd10), found


def test_an_indication_named_by_one_condition_of_a_joined_description_maps():
    assert [i.icd10 for i in knowledge_base().facts("J1930").indications] == [["E220"]]


def test_eye_side_and_hospital_day_abbreviations_are_not_diagnoses():
    facts = knowledge_base().facts("J2778")
    note = "HD 3. Ranibizumab 0.5 mg intravitreal injection OD for wet AMD."
    names = {r.name for r in find_reasons(note, facts)}
    assert "drug overdose or poisoning" not in names and "chronic kidney disease" not in names
    assert any("macular degeneration" in n for n in names)


def test_abbreviation_counts_in_a_diagnostic_position():
    facts = knowledge_base().facts("J2310")
    names = {r.name for r in find_reasons("Dx: OD. Naloxone 0.4 mg IV given.", facts)}
    assert "drug overdose or poisoning" in names
    assert "drug overdose or poisoning" in {r.name for r in find_reasons("Naloxone 0.4 mg IV given for OD.", facts)}
    # (an opioid named with it is the opioid overdose)
    assert "opioid overdose" in {r.name for r in find_reasons("Naloxone 0.4 mg IV given for heroin overdose.", facts)}


def test_icd10_descriptions_are_the_condition_vocabulary():
    found = {t.name for _, _, t in condition_vocabulary().find("history of hyperkalemia and acute pancreatitis")}
    assert "hyperkalemia" in found and any("pancreatitis" in n for n in found)


# --- procedural purpose by structure --------------------------------------------------------

CHOLE = (
    "PROCEDURE: Laparoscopic cholecystectomy.\n"
    "Preoperative diagnosis: symptomatic cholelithiasis.\n"
    "Fentanyl 50 mcg IV given in PACU at 1400. No waste."
)


def test_procedural_purpose_from_structure_for_any_fitting_class():
    r = review(CHOLE, {"code": "J3010", "units": 1, "modifiers": ["JZ"], "icd10": ["K80.20"]})
    assert r.status("indication").value == "documented", [(f.rule_id, f.message) for f in r.findings]


def test_procedural_purpose_still_checks_the_claim_diagnosis():
    r = review(CHOLE, {"code": "J3010", "units": 1, "modifiers": ["JZ"], "icd10": ["I10"]})
    assert "IND003" in ids(r) and r.status("indication").value == "inconsistent"


def test_procedural_purpose_needs_a_fitting_class():
    facts = knowledge_base().facts("J1953")  # an anticonvulsant has no procedural purpose
    assert not [r for r in find_reasons(CHOLE, facts) if r.from_code]


# --- the codes command ---------------------------------------------------------------------------


def test_codes_json_lists_the_new_knowledge():
    out = subprocess.run([sys.executable, "-m", "docreview.cli", "codes", "J3010", "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("ingredients", "brands", "packages", "drug_class", "indications"):
        assert key in data
    assert data["packages"] and set(data["packages"][0]) >= {"ndc", "name", "billing_units"}
    assert data["drug_class"] == "Opioid Agonist"
    assert all("source" in i for i in data["indications"])
    table = subprocess.run([sys.executable, "-m", "docreview.cli", "codes", "J3010"], capture_output=True, text=True, timeout=120)
    assert "ingredients:" in table.stdout and "packages:" in table.stdout


def test_look_alike_of_an_uncurated_code_names_the_right_code():
    # A biosimilar documented on the reference product's line: its own code and units.
    note = "Metastatic colon cancer. Mvasi 400 mg IV over 90 min via port. No waste."
    r = review(note, {"code": "J9035", "units": 40, "modifiers": ["JZ"], "icd10": ["C18.9"]})
    assert r.status("dosage").value == "inconsistent"
    assert any(f.rule_id == "DOS005" and "Q5107" in (f.suggestion or "") for f in r.findings)
    same = review(note.replace("Mvasi", "Avastin"), {"code": "J9035", "units": 40, "modifiers": ["JZ"], "icd10": ["C18.9"]})
    assert same.status("dosage").value == "documented" and same.status("indication").value == "documented"


def test_batch_reviews_a_code_outside_the_corpus(tmp_path):
    cases = tmp_path / "cases.jsonl"
    note = "Anaphylaxis after bee sting. Epinephrine 0.3 mg IM to the left thigh at 1405. No waste."
    cases.write_text(json.dumps({"id": "epi-1", "note": note, "claim": {"code": "J0171", "units": 3, "modifiers": ["JZ"], "icd10": ["T78.2XXA"]}}) + "\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "docreview.cli", "batch", str(cases), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert lines[0]["id"] == "epi-1" and lines[0]["review"]["code"]["drug"] == "epinephrine"


def test_stored_descriptor_parse_equals_the_live_parser():
    # The build stores each descriptor's parse; it is used only while the parser's inputs match.
    from docreview.knowledge.packaged import parser_fingerprint

    assert packaged().parser == parser_fingerprint(), "rebuild: python scripts/build_knowledge.py"
    for code, entry in packaged().codes.items():
        live = parse_descriptor(code, entry.descriptor)
        stored = KnowledgeBase.parse(code, entry.descriptor)
        assert (stored.drug, stored.brands, stored.unit_amount, stored.unit, stored.up_to, stored.routes, stored.lead_brand, stored.parts) == (
            live.drug, live.brands, live.unit_amount, live.unit, live.up_to, live.routes, live.lead_brand, live.parts), code


ENDOSCOPY = ("PROCEDURE: Upper endoscopy with biopsy.,PROCEDURE INDICATION: , Admitted for coffee-ground emesis.,"
             "MEDICATIONS: , Versed 4 mg IV push and fentanyl 75 mcg IV push, titrated during the case.")


def test_an_opioid_for_a_documented_endoscopy_is_procedural_sedation():
    r = review(ENDOSCOPY, {"code": "J3010", "units": 1, "setting": "inpatient"})
    assert r.status("indication").value == "documented", [(f.rule_id, f.message) for f in r.findings]


def test_coffee_ground_emesis_documents_the_hematemesis_code():
    r = review(ENDOSCOPY, {"code": "J3010", "units": 1, "icd10": ["K92.0"], "setting": "inpatient"})
    assert r.status("indication").value == "documented", [(f.rule_id, f.message) for f in r.findings]


@pytest.mark.parametrize(("text", "code"), [
    ("Dx: L breast IDC, ER+/PR+/HER2 3+.", "C50"),
    ("Dx: rectal adenocarcinoma, metastatic to liver.", "C20"),
    ("Stage IV NSCLC, PD-L1 80%.", "C34"),
])
def test_oncology_notes_name_their_cancer_by_site(text, code):
    found = {p for _, _, t in condition_vocabulary().find(text) for p in t.prefixes}
    assert any(code.startswith(p) for p in found), found


def test_procedural_purpose_with_no_diagnosis_in_the_note_warns_instead_of_refuting():
    note = ("PROCEDURE: Newborn circumcision.\nANESTHESIA: Dorsal penile nerve block.\n"
            "Lidocaine 1% 1 mL without epinephrine was injected at the base of the penis.")
    r = review(note, {"code": "J2003", "units": 10, "modifiers": ["JZ"], "icd10": ["Z41.2"]})
    assert r.status("indication").value == "documented" and "IND008" in ids(r), [(f.rule_id, f.message) for f in r.findings]
    assert r.status("route").value == "documented"


def test_a_brand_reaches_a_code_whose_ingredient_is_listed_with_its_hydrate_form():
    # The NDC file lists regadenoson and "regadenoson anhydrous": one moiety, so Lexiscan is J2785's.
    assert "Lexiscan" in knowledge_base().facts("J2785").brands


def test_a_code_with_no_products_of_its_own_is_named_by_its_ingredients_products():
    # J0886 (epoetin alfa for ESRD on dialysis) lists no NDC; Epogen and Procrit are epoetin alfa.
    assert {"Epogen", "Procrit"} <= set(knowledge_base().facts("J0886").brands)


def test_a_class_abbreviation_in_a_descriptor_is_no_brand():
    # "Injection, filgrastim (g-csf)": "CSF" in a note is cerebrospinal fluid, never filgrastim.
    for code in ("J1442", "J2820"):
        assert not any("csf" in b.lower() for b in knowledge_base().facts(code).brands)


def test_a_chart_brand_no_public_source_lists_names_its_drug():
    from docreview.note.reading import read

    kb = knowledge_base()
    reading = read("Induction given: Cytoxan 0.75gm/m2 (1.25gm) with Decadron 6mg IV every 6 hours.", kb.facts("J9070"), kb)
    assert reading.administration.dose_base == 1250
    reading = read("Medications: IV heparin. IV ReoPro 0.25 mg/kg bolus, weight 80 kg.", kb.facts("J0130"), kb)
    assert reading.administration.state == "given"


def test_a_descriptor_route_word_names_the_codes_route():
    # "Dexamethasone, lacrimal ophthalmic insert": placed in the canaliculus.
    assert knowledge_base().facts("J1096").allowed_routes == {"intracanalicular"}


@pytest.mark.parametrize(("descriptor", "amount"), [
    ("Injection, ceftolozane 50 mg and tazobactam 25 mg", 75.0),  # a 1.5 g Zerbaxa vial is 20 units
    ("Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg", 6.0),  # 1 mL of Celestone
    ("Injection, imipenem 4 mg, cilastatin 4 mg and relebactam 2 mg", 10.0),
    ("Instillation, taurolidine 1.35 mg and heparin sodium 100 units (catheter lock)", 100.0),  # two kinds: the last
    ("Injection, thyrotropin alpha, 0.9 mg, provided in 1.1 mg vial", 1.1),  # a container, not an ingredient
])
def test_a_combination_codes_unit_counts_every_ingredient(descriptor, amount):
    assert parse_descriptor("J9999", descriptor).unit_amount == amount


def test_a_descriptor_drug_a_source_files_whole_has_its_uses():
    # The NDC ingredients of epoetin alfa read "epoetin" and "erythropoietin"; DrugCentral files
    # "epoetin alfa" whole, so the descriptor's own name finds its uses.
    from docreview.knowledge.facts import knowledge_base

    uses = knowledge_base().facts("J0885").indications
    assert any(u.icd10 and u.icd10[0].startswith("D6") for u in uses)


def test_an_antineoplastic_antibiotic_is_no_antibacterial():
    from docreview.knowledge.facts import knowledge_base

    kb = knowledge_base()
    assert "antibacterial" not in kb.facts("J9280").purposes  # mitomycin
    assert "antibacterial" in kb.facts("J0690").purposes  # cefazolin


def test_a_biosimilar_with_no_uses_of_its_own_borrows_its_drugs_as_related():
    facts = knowledge_base().facts("Q5106")
    assert facts.indications and all(ind.source == "related" for ind in facts.indications)
    assert any(p.startswith("D63") for ind in facts.indications for p in ind.icd10)


def test_a_brand_the_ndc_list_names_in_brackets_names_its_ingredients_code():
    # "Interferon beta-1b 0.3 mg Syringe [Betaseron]": no pairs-file row, no crosswalk row.
    assert {"Betaseron", "Extavia"} <= set(knowledge_base().facts("J1830").brands)


def test_a_drug_newer_than_the_sources_takes_the_class_and_uses_of_its_stem():
    # Efbemalenograstim (2022) is not in DrugCentral 2016; "-grastim" is filgrastim's stem.
    facts = knowledge_base().facts("J9361")
    assert facts.drug_class == "Leukocyte Growth Factor"
    assert any(i.icd10 and i.icd10[0].startswith("D70") for i in facts.indications)  # neutropenia


def test_wst012_counts_the_vials_the_note_says_were_opened():
    # A dose that fits one vial, stopped early: the waste is the bag's rest plus the second vial's.
    note = ("Trilaciclib (Cosela) 240 mg/m2 = 456 mg ordered for ES-SCLC. Two 300 mg vials reconstituted; 456 mg diluted in D5W 250 mL.\n"
            "1012 trilaciclib started via 22G PIV R forearm. 1030 infiltration, infusion STOPPED.\n"
            "Pharmacy reconciliation: 300 mg of trilaciclib actually infused; 156 mg left in the bag plus 144 mg left in vial 2 "
            "discarded = 300 mg discarded.\n")
    r = review(note, {"code": "J1448", "units": 300, "modifiers": ["JW"], "waste_units": 300, "icd10": ["C34.90"]})
    assert "WST012" not in ids(r) and r.status("wastage").value == "documented", [(f.rule_id, f.message) for f in r.findings]


def test_wst012_leaves_billed_units_the_note_does_not_support_to_dosage():
    # 100 billed, 96 documented: dosage is inconsistent; the 40 mg discarded still fits the two vials.
    note = ("1010 PEMETREXED 960 mg in NS 100 mL IV over 10 min via PIV L forearm. Dx: NSCLC.\n"
            "Pharmacy: pemetrexed 500 mg single-dose vials x2; remaining 40 mg (1.6 mL) wasted in hazardous bin, witnessed.\n")
    r = review(note, {"code": "J9305", "units": 100, "modifiers": ["JW"], "waste_units": 4, "icd10": ["C34.12"]})
    assert r.status("dosage").value == "inconsistent" and r.status("wastage").value == "documented"


TIVDAK = ("GYN ONC INFUSION\nDx: recurrent squamous cell carcinoma of the cervix, metastatic to lung.\n"
          "0930-1000 tisotumab vedotin-tftv 140 mg (2 mg/kg) in NS 100 mL IV over 30 min. No waste.")


def test_with_no_known_use_a_claim_naming_another_cancer_than_the_documented_one_is_inconsistent():
    assert not knowledge_base().facts("J9273").indications
    r = review(TIVDAK, {"code": "J9273", "units": 140, "modifiers": ["JZ"], "icd10": ["C56.9"]})
    assert "IND003" in ids(r) and r.status("indication").value == "inconsistent"
    r = review(TIVDAK, {"code": "J9273", "units": 140, "modifiers": ["JZ"], "icd10": ["C53.9"]})
    assert r.status("indication").value == "documented", [(f.rule_id, f.message) for f in r.findings]


BIZENGRI = ("INFUSION 04/07/25 - zenocutuzumab C3D15\n69F, NSCLC adenoca, NRG1 fusion+, stage IV.  HTN, DM2 - stable.\n"
            "Bizengri 750 mg (2 x 375 mg/18.75 mL vials, no residual) in NS 250 mL IV via port over 4 h, 0830-1230.\n")


def test_an_oral_antiemetic_billed_at_the_time_of_chemotherapy_needs_a_cancer_claimed():
    pacu = "1010 c/o nausea 4/10.\n1012 metoclopramide 10 mg tab PO given for PONV - RN J.T.\n1040 nausea resolved.\n"
    r = review(pacu, {"code": "Q0181", "modifiers": [], "icd10": ["R11.0"], "separately_payable": False})
    assert r.status("dosage").value == "documented"  # an oral antiemetic with no oral code of its own
    assert "IND009" in ids(r) and r.status("indication").value == "inconsistent"
    r = review(pacu, {"code": "Q0181", "modifiers": [], "icd10": ["C34.90", "Z51.11"], "separately_payable": False})
    assert "IND009" not in ids(r)


def test_a_product_of_the_drug_is_none_of_the_products_a_descriptor_names():
    # J2427 "paliperidone palmitate extended release (invega hafyera, or invega trinza)": Sustenna is J2426's.
    note = ("LAI Clinic. Dx: schizophrenia, paranoid (F20.0).\nToday: INVEGA SUSTENNA 156 mg/1 mL prefilled syringe, lot 24KC01.\n"
            "IM L deltoid 23G 1\". Full syringe administered.\n")
    r = review(note, {"code": "J2427", "units": 156, "modifiers": ["JZ"], "icd10": ["F20.0"]})
    assert r.status("dosage").value == "inconsistent" and "J2426" in " ".join(f.message for f in r.findings)


def test_a_not_otherwise_classified_product_code_bills_the_product_with_no_code():
    # "monoclonal antibody products ... for hospitalized adults ... not otherwise classified, 1 mg"
    assert knowledge_base().facts("Q0235").unclassified


def test_a_chemotherapy_code_for_a_documented_cancer_needs_a_claim_code_about_a_cancer():
    # The claim's hypertension and diabetes are documented, but the drug was given for the lung cancer.
    r = review(BIZENGRI, {"code": "J9382", "units": 750, "modifiers": ["JZ"], "icd10": ["I10", "E11.9"]})
    assert "IND003" in ids(r) and r.status("indication").value == "inconsistent"
    for claimed in (["C34.90"], ["Z51.11", "I10"], ["C7A.090"]):  # the cancer, the chemotherapy encounter, a neuroendocrine tumour
        r = review(BIZENGRI, {"code": "J9382", "units": 750, "modifiers": ["JZ"], "icd10": claimed})
        assert "IND003" not in ids(r), claimed
    # A diagnosis the note gives as the reason stands: axatilimab for chronic GVHD after a cured leukemia.
    gvhd = ("Dx: chronic graft-versus-host disease, severe (D89.811); allogeneic HCT 2022 for AML, in remission.\n"
            "Axatilimab-csfr 21 mg in NS 50 mL infused IV 13:00-13:30. No waste.\n")
    r = review(gvhd, {"code": "J9038", "units": 210, "modifiers": ["JZ"], "icd10": ["D89.811"]})
    assert "IND003" not in ids(r)


def test_metastases_name_no_other_cancer_than_the_primary_claimed():
    # "midgut NET w/ liver mets" billed C7A.012 (a neuroendocrine primary, now a cancer): the liver
    # metastases tell where it spread, not another cancer (guard: the primary became a cancer this session).
    note = ("Lu-177 DOTATATE THERAPY - CYCLE 1\nDx: well-diff midgut NET (ileum) w/ liver mets, SSTR+; progression on octreotide LAR.\n"
            "NM RECORD\n Lutathera vial pre-infusion assay 201.0 mCi @ 10:40\n 10:42 infusion start, 20G PIV R hand\n"
            " est. administered 122.6 mCi\n")
    r = review(note, {"code": "C9031", "units": 123, "modifiers": ["JZ"], "icd10": ["C7A.012", "C7B.02"]})
    assert "IND003" not in ids(r), [(f.rule_id, f.message) for f in r.findings]


def test_an_injection_billed_under_the_drugs_inhalation_solution_code_names_the_injection_code():
    note = "ECT suite. 0802 glycopyrrolate 0.2 mg IV (antisialagogue). 0805 methohexital 80 mg IV.\n"
    r = review(note, {"code": "J7642", "units": 1, "icd10": ["F33.2"], "setting": "outpatient"})
    assert r.status("dosage").value == "inconsistent" and r.status("route").value == "inconsistent"
    f = next(f for f in r.findings if f.rule_id == "DOS005")
    assert "J1596" in f.message and "J1596" in (f.suggestion or "") and "x 2" in (f.suggestion or "")


def test_a_code_renumbered_in_the_crosswalk_keeps_its_products_names():
    # The 2026 crosswalk files NebuPent under J2516, the 2025 table's J2545 ("Pentamidine non-comp unit").
    kb = knowledge_base()
    assert "Nebupent" in kb.facts("J2545").brands and "Nebupent" not in kb.facts("J7676").brands
    note = ("NebuPent (pentamidine isethionate for inhalation) 300 mg single-dose vial reconstituted w/ 6 mL SWFI, "
            "via Respirgard II 1405-1432. Whole vial.")
    r = review(note, {"code": "J7676", "units": 1, "modifiers": ["JZ"], "icd10": ["B20"]})
    f = next(f for f in r.findings if f.rule_id == "DOS005")
    assert r.status("dosage").value == "inconsistent" and "J2545" in f.message, f.message


def test_a_crosswalk_product_named_by_another_codes_drug_is_no_brand():
    # The crosswalk files one albuterol sulfate NDC under levalbuterol's codes too: "Albuterol
    # Sulfate" is albuterol (DrugCentral knows it as salbutamol), no levalbuterol brand.
    kb = knowledge_base()
    assert "albuterol sulfate" not in {n.lower() for n in kb.facts("J7612").names()}
    assert "albuterol sulfate" not in {b.lower() for b in packaged().codes["J7614"].brands}
