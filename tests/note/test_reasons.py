"""Reasons: what ties a condition to the drug, diagnostic positions, procedures and timing (data/reason_cues.json)."""

from __future__ import annotations

import re

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.note.phrases import phrases
from docreview.note.reading import read
from docreview.note.reasons import Reason, diagnostic_position, find_reasons, is_linked, procedure_timing


def _reason(text: str, words: str) -> Reason:
    start = text.index(words)
    return Reason(start, start + len(words), words, (), False, False)


@pytest.mark.parametrize("text", [
    "Keppra 1 g IV given for breakthrough seizures",
    "Ondansetron 4 mg IV r/t nausea",
    "Indication: community-acquired pneumonia",
    "Toradol 30 mg IM given for R hip pain",
    "Solu-Medrol 125 mg IV w/ asthma exacerbation",
])
def test_a_link_word_ties_the_reason(text: str) -> None:
    words = text.split()[-1]
    assert is_linked(text, _reason(text, words), 0)


def test_a_reason_far_past_the_link_word_or_after_a_full_stop_is_not_tied() -> None:
    text = "Given for comfort. Patient has a long history of chronic migraine"
    assert not is_linked(text, _reason(text, "migraine"), 0)


@pytest.mark.parametrize("text, words", [
    ("Dx: PE", "PE"),
    ("Pre-op diagnosis - OD", "OD"),
    ("Reason for visit: HD", "HD"),
    ("admitted with likely PE", "PE"),
    ("PE s/p lysis on 3/2", "PE"),
    ("AF on warfarin", "AF"),
    ("CHF (EF 30%)", "CHF"),
    # An organism names the infection written after (or before) it.
    ("Improving Pseudomonas VAP.", "VAP"),
    ("CRAB (carbapenem-resistant Acinetobacter baumannii) VAP", "VAP"),
    ("UTI - E. coli, pan-sensitive", "UTI"),
    # A summary line opening with age and sex.
    ("62F seropositive erosive RA on weekly injectable MTX.", "RA"),
    ("68 y/o M COPD w/ acute hypercapnic resp failure", "COPD"),
])
def test_diagnostic_positions(text: str, words: str) -> None:
    start = text.index(words)
    assert diagnostic_position(text, start, start + len(words))


@pytest.mark.parametrize("text, words", [
    ("Pupils OD reactive", "OD"),
    ("HD on exam unremarkable", "HD"),
    ("PE on arrival was normal", "PE"),
    ("62F seen today; exam: PE on arrival was normal", "PE"),
])
def test_not_diagnostic_positions(text: str, words: str) -> None:
    start = text.index(words)
    assert not diagnostic_position(text, start, start + len(words))


def test_timing_counts_only_where_a_procedure_is_documented() -> None:
    note = "PROCEDURE: Laparoscopic cholecystectomy.\nCefazolin 2 g IV given prior to incision. Ondansetron 4 mg IV at the end of the case."
    spans = [note[s:e].lower() for s, e in procedure_timing(note)]
    assert spans == ["prior to incision", "at the end of the case"]
    assert procedure_timing("Clinic visit. Ondansetron 4 mg IV given postoperatively.") == []
    recovery = "Appendectomy. Morphine 4 mg IV in the PACU, post-op."
    assert [recovery[s:e] for s, e in procedure_timing(recovery)] == ["in the PACU", "post-op"]


def test_procedure_names_by_suffix_and_word() -> None:
    for note in ("s/p appendectomy today", "Knee arthroscopy performed", "Lumbar puncture procedure", "after C-section"):
        assert procedure_timing(note + ". Dose given postoperatively.") != [], note


def test_phrases_match_whole_words_also_after_a_slash() -> None:
    pattern = re.compile(phrases(["w/", "r/t", "for"]), re.IGNORECASE)
    assert [m.group(0) for m in pattern.finditer("w/ asthma, r/t pain, For seizures, forearm, w/o")] == ["w/", "r/t", "For"]


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def test_a_local_anesthetic_infiltrated_for_a_documented_procedure_has_its_purpose(kb):
    text = ("PROCEDURE: Excision of a 1 cm sebaceous cyst, upper back.\n"
            "The skin was infiltrated with 4 mL of 1% lidocaine. The cyst was excised and the wound closed.")
    reading = read(text, kb.facts("J2003"), kb)
    assert any(r.name == "local anesthesia for the procedure" for r in reading.note.reasons)


def test_a_vaccine_given_at_an_immunization_encounter_has_its_purpose(kb):
    text = ("Prenatal visit -- 24w1d. Flu vaccine offered - pt accepts.\nVaccine: Afluria Quadrivalent 0.5 mL IM L deltoid 1055.\n"
            "A/P: IUP 24w, routine; encounter for immunization.")
    reading = read(text, kb.facts("Q2037"), kb)
    assert any(r.name == "immunization" and r.supports for r in reading.note.reasons)


def test_protamine_after_documented_heparin_is_heparin_reversal(kb):
    text = "Heparin 5000 units IV given before clamping. After the anastomosis, protamine 50 mg IV was given."
    reading = read(text, kb.facts("J2720"), kb)
    assert any(r.name == "heparin reversal" for r in reading.note.reasons)


@pytest.mark.parametrize(("text", "code", "prefix"), [
    ("history of pauciarticular arthritis of her left knee", "J3303", "M08"),
    ("Dx: JIA, left knee", "J3303", "M08"),
    ("persistent joint swelling of the left knee", "J3303", "M25.4"),
    # a cancer named by its site around a cancer noun
    ("Dx: SCC glottic larynx, T3N1M0; concurrent RT.", "J9060", "C32"),
    ("squamous cell carcinoma of the left tongue base", "J9060", "C01"),
    ("poorly differentiated carcinoma of the right breast", "J9060", "C50"),
    ("45M, T1DM on a pump, glucose 398", "J1812", "E10"),
    ("here for his HIV pre-exposure prophylaxis injection, every 2 months", "J0739", "Z29"),
    ("5 yo M, SMA type 1 (2 SMN2 copies), on nusinersen loading", "J2326", "G12.0"),
    ("6 yo M, X-linked hypophosphatemia (PHEX pathogenic variant), genu varum", "J0584", "E83.31"),
    ("HD#9, VAP with MDR Acinetobacter on meropenem", "J2185", "J95.851"),
    ("34F, HIV on ART (VL 400), here for labor", "J3485", "B20"),
    # Chart abbreviations in a history line; an eponym written without its noun.
    ("Hx: acute SOB since last noc, HR 118, D-dimer 2.9", "Q9967", "R06.0"),
    ("Ind: pre-op CV eval; LBBB on baseline ECG -> vasodilator stress; DOE", "J0151", "I44.7"),
    ("Indication: GI hypotonia for MR enterography (Crohn's)", "J1611", "K50"),
    ("15 yo M, HAE type 1, wt 56 kg. Facial + upper lip swelling onset 08:30", "J0596", "D84.1"),
    ("REASON FOR THE EXAM: , Chest discomfort.", "J2785", "R07"),
    ("62F pancreatic adenoca, new L leg swelling; duplex today: occlusive DVT L femoral + popliteal v.", "J1645", "I82"),
    ("Dx: hypotension of prematurity (MAP < GA), suspected sepsis", "J1265", "P29.89"),
    # Chart shorthand of the ICU and the transplant and dialysis clinics; "w/" is "with".
    ("Admitted 10/15 (inpatient) AF w/ RVR + acute on chronic HFpEF.", "J1163", "I48"),
    ("DDKT 01/2024. Bx 5/16: acute TCMR Banff IIA. Cr 2.4.", "J7504", "T86"),
    ("Pt 29F - atypical HUS (CFH variant), s/p PLEX x5.", "Q5139", "D59.3"),
    ("Cefepime 2 g IV post-HD - dose 2 of 14 per ID for Pseudomonas CRBSI.", "J0701", "T80.21"),
    ("LDKT 06/2025 (POD 45). Rejection prophylaxis regimen: tac, MMF, pred.", "J7517", "Z94.0"),
    ("Belinostat D3 07/09/25  (PTCL, relapsed)", "J9032", "C84.4"),
])
def test_conditions_in_everyday_words_document_their_codes(kb, text, code, prefix):
    from docreview.note.reasons import find_reasons

    found = find_reasons(text, kb.facts(code))
    assert any(p.startswith(prefix) for r in found for p in r.icd10), [(r.name, r.icd10) for r in found]


def test_a_shortened_word_inside_a_condition_name_is_read_whole(kb):
    from docreview.note.reasons import find_reasons

    found = find_reasons("Bipolar d/o, most recent episode manic; on LAI.", kb.facts("J2358"))
    assert any(p.startswith("F31") for r in found for p in r.icd10), [(r.name, r.icd10) for r in found]


def test_a_derived_use_named_as_the_terminology_writes_it_is_a_reason(kb):
    from docreview.note.reasons import find_reasons

    # "Fusarium Infection" is DrugCentral's name for a voriconazole use; no ICD-10-CM description says it.
    found = find_reasons("Day 6 of therapy for fusarium infection, repeat cultures pending.", kb.facts("J3465"))
    assert [(r.name, r.supports, r.from_code) for r in found] == [("Fusarium Infection", True, False)]
    # where the condition vocabulary reads the words, its reading (and its code) stands
    found = find_reasons("Dilaudid for severe pain, R flank.", kb.facts("J1170"))
    assert all(not (r.name == "Pain" and r.icd10 == ("G89",)) for r in found)


def test_a_product_with_no_known_use_borrows_the_curated_uses_of_its_drug(kb):
    from docreview.note.reasons import find_reasons

    facts = kb.facts("J1576")  # immune globulin (Panzyga): no document, no terminology entry
    assert facts.indications and {i.source for i in facts.indications} == {"related"}
    found = find_reasons("Dx: CIDP on maintenance IVIG every 3 weeks.", facts)
    assert any(r.supports and "G61.81" in r.icd10 for r in found)


def test_calcium_is_no_cancer(kb):
    from docreview.note.reasons import find_reasons

    assert not find_reasons("Ca 8.8, renal function normal.", kb.facts("J9060"))


def test_a_review_of_systems_negates_every_condition_of_its_list():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.reading import read

    kb = knowledge_base()
    note = ("RESPIRATIONS: No shortness of breath or cough, although easily winded.\n"
            "Levaquin 500 mg IV given.")
    assert not [r for r in read(note, kb.facts("J1956"), kb).note.reasons if "bronchitis" in r.name]
    # A condition after the clause turns is not negated.
    note = "No fever, but a productive cough for 3 days. Levaquin 500 mg IV given."
    assert [r for r in read(note, kb.facts("J1956"), kb).note.reasons if "bronchitis" in r.name]


def test_an_eponym_reads_with_or_without_its_possessive_and_a_coordinated_term_names_each_part():
    from docreview.note.reasons import condition_vocabulary

    vocab = condition_vocabulary()
    for text in ("early Alzheimer disease", "ALZHEIMER'S DISEASE"):
        assert [t.prefixes for _, _, t in vocab.find(text)] == [("G30",)], text
    assert [t.prefixes for _, _, t in vocab.find("abnormal uterine bleeding")] == [("N939",)]


def test_a_condition_only_weighed_in_a_differential_is_no_reason():
    kb = knowledge_base()
    note = ("MRI more consistent with multiple sclerosis and less likely glioma. Encephalitis and tumor were in "
            "the differential diagnosis.\nCytoxan 1.25 g IV given.")
    names = {r.name for r in read(note, kb.facts("J9070"), kb).note.reasons}
    assert not any("tumor" in n or "glioma" in n for n in names) and any("sclerosis" in n for n in names), names


def test_a_spinal_anesthetic_has_its_procedures_purpose():
    kb = knowledge_base()
    note = ("ANESTHESIA NOTE - spinal for R knee arthroscopy\n"
            "Chloroprocaine 1% 50 mg/5 mL ampule: 4 mL (40 mg) injected intrathecally at L3-L4.")
    assert any(r.supports for r in read(note, kb.facts("J2402"), kb).note.reasons)


def test_a_claim_style_code_typed_in_small_letters_is_read_with_its_decimals_only():
    kb = knowledge_base()
    note = "dx: acute dvt r femoral vein, i82.411. a1c 6.1, c5 radiculopathy ruled out.\nenoxaparin 90 mg subq given."
    codes = [r.name for r in read(note, kb.facts("J1650"), kb).note.reasons if r.is_code]
    assert codes == ["I82.411"]


def test_a_patient_sedated_with_the_drugs_listed_above_documents_procedural_sedation(kb) -> None:
    from docreview.note.reasons import find_reasons

    note = ("MEDICATIONS: 1. Versed intravenously. 2. Demerol intravenously. PROCEDURE: Consent signed; the patient was "
            "sedated with the above medications and the scope was passed.")
    assert "procedural sedation" in {r.name for r in find_reasons(note, kb.facts("J2175")) if r.supports}


@pytest.mark.parametrize("note", [
    "SEDATION RECORD -- IR suite 2     Procedure: L arm AVF fistulagram + venous angioplasty\n 1002  midazolam 1 mg IV",
    "Indication: anxiolysis for repair of 2 cm chin laceration - child combative.\n1215 Midazolam 4.5 mg intranasal",
])
def test_a_sedation_record_or_anxiolysis_for_a_procedure_documents_procedural_sedation(kb, note) -> None:
    from docreview.note.reasons import find_reasons

    assert "procedural sedation" in {r.name for r in find_reasons(note, kb.facts("J2250")) if r.supports}


def test_a_rare_disease_only_a_child_code_names_confirms_a_use_but_refutes_none(kb):
    from docreview.note.reasons import find_reasons

    # "Fabry (-Anderson) disease" is E75.21's own description; agalsidase beta has no known use list.
    found = find_reasons("39M with Fabry disease, enzyme replacement every 2 weeks.", kb.facts("J0180"))
    assert any(p.startswith("E75.2") or p.startswith("E752") for r in found for p in r.icd10), [(r.name, r.icd10) for r in found]
    # Under a drug with known uses it is no reason against them: a comorbidity, not the indication.
    found = find_reasons("39M with Fabry disease; ondansetron 4 mg IV for nausea.", kb.facts("J2405"))
    assert not any(p.startswith("E75") for r in found for p in r.icd10), [(r.name, r.icd10) for r in found]


def test_a_condition_word_that_names_a_test_is_no_reason(kb):
    from docreview.note.reasons import find_reasons

    found = find_reasons("PROCEDURE: Exercise stress test (Bruce protocol), 9 minutes.", kb.facts("J2785"))
    assert not any("stress" in r.name for r in found), [(r.name, r.icd10) for r in found]


@pytest.mark.parametrize("text", [
    "Hx: acute SOB, HR 118, SpO2 89% RA, Wells 6.",  # the room air a saturation was taken on
    "Abx: ciprofloxacin 400 mg IVPB (ED allergy: PCN), hung 1415",  # an allergy list's name
    "Dx: adenosine stress MPI, vasodilator stress",  # a stress test
])
def test_words_that_name_a_reading_a_list_or_a_test_are_no_reason(kb, text: str) -> None:
    from docreview.note.reasons import find_reasons

    assert not {r.name for r in find_reasons(text, kb.facts("J0744"))} & {"rheumatoid arthritis", "allergy", "stress"}


@pytest.mark.parametrize("text", ["Indication (on order): bipolar I disorder, maintenance", "Dx: bipolar 2 disorder, depressed"])
def test_a_bipolar_subtype_is_bipolar_disorder(text: str) -> None:
    from docreview.note.reasons import find_reasons

    found = find_reasons(text, knowledge_base().facts("J2801"))
    assert [r.name for r in found] == ["bipolar disorder"] and found[0].supports


def test_primary_hypogonadism_is_testicular_hypofunction_too() -> None:
    from docreview.note.reasons import find_reasons

    found = find_reasons("52M primary hypogonadism (Klinefelter mosaic), AM testosterone 190.", knowledge_base().facts("J3145"))
    assert found and "E29.1" in found[0].icd10 and found[0].supports


@pytest.mark.parametrize(("text", "name"), [
    ("Bladder irrigation today for struvite bladder stones.", "bladder calculus"),  # plural of a clinical synonym
    ("Cystoscopy showed two bladder calculi.", "bladder calculus"),  # an irregular plural
    ("CT today: a 6 mm left kidney calculus.", "calculus of kidney"),  # ICD-10-CM's "X of Y" written "Y X"
])
def test_plural_and_word_order_variants_of_a_condition_are_read(text: str, name: str) -> None:
    from docreview.note.reasons import find_reasons

    found = find_reasons(text, knowledge_base().facts("Q2004"))
    assert name in [r.name for r in found]


def test_heparin_given_once_the_sheaths_are_in_is_procedural_anticoagulation() -> None:
    from docreview.note.reasons import find_reasons

    text = "Right femoral access with a 6 Fr sheath. Heparin 5,000 units was given after placement of the sheaths."
    assert "procedural anticoagulation" in [r.name for r in find_reasons(text, knowledge_base().facts("J1644"))]


def test_a_diagnosis_field_documents_the_reason_for_a_code_with_no_known_uses():
    kb = knowledge_base()
    note = "Infusion visit, cycle 3\nDx: CD22-positive precursor B-lineage disease, second relapse.\nWeight 70 kg.\n"
    facts = kb.facts("C9049")
    assert not facts.indications
    assert [r.name for r in find_reasons(note, facts)] == ["CD22-positive precursor B-lineage disease, second relapse"]
    # Under a code with a use list the field still documents why; its unknown words confirm no use.
    assert [r.supports for r in find_reasons(note, kb.facts("J9035")) if "CD22" in r.name] == [False]


def test_a_dx_line_below_the_first_is_a_diagnostic_position():
    text = "Kanamycin 27 mg IM L thigh.\nNext dose tomorrow.\nDx: UTI due to E. coli"
    assert diagnostic_position(text, text.index("UTI"), text.index("UTI") + 3)
    assert [r.name for r in find_reasons(text, knowledge_base().facts("J1850"))] == ["urinary tract infection"]


@pytest.mark.parametrize("text, code, name", [
    ("Suboxone 8 mg/2 mg SL film x1 now for opioid withdrawal, COWS 16.", "J0574", "opioid withdrawal"),
    ("Tretten IV monthly for congenital factor XIII A-subunit deficiency.", "J7181", "factor xiii deficiency"),
    ("Elzonris cycle 2 for BPDCN; cycle 1 given inpatient.", "C9049", "blastic plasmacytoid dendritic cell neoplasm"),
])
def test_withdrawal_and_rare_deficiencies_are_conditions(text, code, name):
    assert name in [r.name for r in find_reasons(text, knowledge_base().facts(code))]


@pytest.mark.parametrize(("text", "name"), [
    ("ID: Candida albicans candidemia (BCx 10/30 x2 +), CSF cx neg.", "candidemia"),
    ("Invasive pulmonary aspergillosis after allo-HCT.", "aspergillosis"),
])
def test_an_invasive_fungal_infection_is_a_use_of_an_antifungal_whatever_its_list_calls_it(text, name):
    # Liposomal amphotericin's list says "Candidal Septicemia", not "candidemia".
    assert [(r.name, r.supports) for r in find_reasons(text, knowledge_base().facts("J0289"))] == [(name, True)]


def test_accented_and_plain_spellings_of_a_condition_are_the_same_words():
    # ICD-10-CM writes "Sézary disease"; notes write "Sezary syndrome" or keep the accent.
    facts = knowledge_base().facts("C9038")
    for note in ("Dx: Sezary syndrome after failure of bexarotene.", "Dx: Sézary disease, stage IVA1."):
        assert [r.icd10 for r in find_reasons(note, facts)] == [("C84.1",)]


def test_an_abbreviation_that_is_also_a_word_is_a_diagnosis_only_in_capitals():
    facts = knowledge_base().facts("J9039")
    assert [r.name for r in find_reasons("Dx: relapsed ALL after allo-SCT.", facts)] == ["acute lymphoblastic leukemia"]
    assert not find_reasons("Drew up from 2 vials, all given IV; all vials used.", facts)
    ms = knowledge_base().facts("J2350")
    assert [r.icd10 for r in find_reasons("51 y/o M with primary progressive MS, first dose.", ms)] == [("G35",)]
    assert not [r for r in find_reasons("Seen with Ms. Lee, for her daughter.", ms) if r.icd10 == ("G35",)]


def test_the_cosmetic_lines_a_neuromodulator_treats_are_a_reason(kb):
    from docreview.note.reasons import find_reasons

    found = find_reasons("CC: glabellar lines, moderate-severe at max frown.", kb.facts("J0589"))
    assert [r.name for r in found] == ["facial wrinkles"]


def test_a_condition_the_instructions_say_may_happen_is_no_reason(kb):
    note = "Ycanth (cantharidin) 0.7% applied topically to each lesion. Wash off in 24 h or sooner if blistering/pain."
    assert read(note, kb.facts("J7354"), kb).note.reasons == []
    note = "Ycanth (cantharidin) 0.7% applied topically to each lesion for molluscum contagiosum. Call if fever."
    assert [r.name for r in read(note, kb.facts("J7354"), kb).note.reasons if r.name == "fever"] == []


@pytest.mark.parametrize(("text", "read"), [
    ("Rx 8 mCi flotufolastat F18 IV for restaging.", False),  # a tracer's isotope
    ("F18 FDG PET/CT skull base to thigh.", False),
    ("Dx: nasopharyngeal carcinoma C11, here for cycle 2.", True),  # a diagnosis code after its name
    ("Next: C11 09/09/25.", False),  # a chemotherapy cycle's number, dated
    ("Tolerated well; next cycle C11 in 3 weeks.", False),
])
def test_an_isotope_after_a_tracer_is_no_diagnosis_code(kb, text, read):
    from docreview.note.reasons import find_reasons

    codes = {r.name for r in find_reasons(text, kb.facts("J9045")) if r.is_code}
    assert bool(codes & {"F18", "C11"}) == read, codes


@pytest.mark.parametrize(("text", "found"), [
    # The right eye, the capillaries and a drug's short name are no overdose, pneumonia or sclerosis.
    ("Procedure: intravitreal injection, OD, aflibercept 2 mg/0.05 mL injected 10:05.", set()),
    ("Thumb pale, cool, cap refill 5 s.", set()),
    ("Meds: Zofran 4 mg IV, MS 4 mg IV at 0310.", set()),
    # Introduced as a diagnosis, they are one.
    ("Narcan 0.4 mg IN given for OD at 2140.", {"drug overdose or poisoning"}),
    ("Dx: CAP, day 2 of ceftriaxone.", {"pneumonia"}),
])
def test_an_abbreviation_with_another_sense_in_charts_needs_a_diagnosis_cue(kb, text, found):
    names = {r.name for r in find_reasons(text, kb.facts("J2310"))} | {r.name for r in find_reasons(text, kb.facts("J0696"))}
    assert names & {"drug overdose or poisoning", "pneumonia", "multiple sclerosis"} == found



@pytest.mark.parametrize(("text", "name"), [
    ("19F intentional ingestion ~40 x 500 mg APAP (20 g) ~0100.", "drug overdose or poisoning"),
    ("Housing unit outbreak; repeat post-exposure prophylaxis dose per EUA.", "exposure to a communicable disease"),
])
def test_a_poisoning_and_an_exposure_are_reasons(kb, text, name):
    assert name in {r.name for r in find_reasons(text, kb.facts("Q0240"))}


def test_a_diagnosis_field_stands_where_the_only_condition_read_is_negated(kb):
    # "no reflux" (of the injected bleb) asserts no condition, so the fields still say why.
    text = ("PREOP DX: Leber congenital amaurosis, biallelic RPE65 mutation, OU\n"
            "DESCRIPTION: LUXTURNA 1.5 x 10^11 vg in 0.3 mL delivered subretinally, no reflux.\n")
    reading = read(text, kb.facts("C9032"), kb)
    assert [r.name for r in reading.note.reasons] == ["Leber congenital amaurosis, biallelic RPE65 mutation, OU"]


@pytest.mark.parametrize(("text", "name"), [
    ("RRMM, 5 prior lines.", "multiple myeloma"),
    ("Palliative melphalan, relapsed MM.", "multiple myeloma"),
    ("Romidepsin D1. CTCL - MF, refractory.", "cutaneous T-cell lymphoma"),
])
def test_a_cancer_by_the_short_name_clinicians_write(text, name):
    from docreview.note.reasons import condition_vocabulary

    assert name in [term.name for _, _, term in condition_vocabulary().find(text)]


@pytest.mark.parametrize(("text", "code", "name"), [
    ("Reason: luteal phase support after frozen embryo transfer.", "J2675", "infertility"),
    ("G3P1, prior sPTB at 33 weeks; weekly injections continue.", "J1726", "preterm birth"),
    ("Plan: spinal; multimodal post-cesarean analgesia with intrathecal morphine.", "J2274", "post-procedural pain"),
    # In labour "GBS" is group B streptococcus (elsewhere Guillain-Barre syndrome).
    ("Dx: IUP 39w2d, spont labor. GBS POSITIVE (rectovag cx 05/23/25).", "J0290", "group b streptococcus carrier or infection"),
])
def test_obstetric_and_fertility_reasons_are_read(kb, text, code, name):
    assert name in {r.name for r in find_reasons(text, kb.facts(code))}


def test_a_lot_number_that_starts_like_a_code_is_no_diagnosis(kb):
    for text in ("Methotrexate (Accord) 25 mg/mL PF, 2 mL single-dose vial, lot M24-1107 exp 11/26",
                 "Drug: Kenalog-40, lot: J45, exp 2026", "Lot # M54 in the log"):
        assert not [r for r in find_reasons(text, kb.facts("J9255")) if r.is_code], text


def test_a_diagnosis_field_that_points_elsewhere_names_no_reason(kb):
    from docreview.note.reasons import find_reasons

    assert find_reasons("Order: doripenem 500 mg IV q8h\nDx: see problem list\n", kb.facts("J1267")) == []
    assert find_reasons("Dx: chronic recurrent multifocal osteomyelitis\n", kb.facts("J1267"))


def test_an_ind_field_states_the_indication(kb):
    # "Ind:" is the indication's field, so its condition words ("HD": dialysis-dependent CKD) are read as reasons.
    assert find_reasons("Ind: graft clotted at HD this AM, no thrill.\nContrast: Conray 43, 30 mL via sheath.\n", kb.facts("Q9960"))


def test_a_condition_scored_zero_is_absent():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.reading import read

    kb = knowledge_base()
    note = "0950-1120 Pain 0/10 at every check.\nMAR: hydromorphone 0.5 mg IV - NOT GIVEN (not needed)."
    assert not [r for r in read(note, kb.facts("J1171"), kb).note.reasons if r.name == "pain"]
    note = "Pain 7/10 R hip.\n1400 hydromorphone 0.5 mg IV given."
    assert [r for r in read(note, kb.facts("J1171"), kb).note.reasons if r.name == "pain"]


def test_terminal_respiratory_secretions_are_a_condition():
    from docreview.knowledge.facts import knowledge_base

    kb = knowledge_base()
    found = find_reasons("Order: glycopyrrolate 0.2 mg IV q4h for terminal respiratory secretions ('death rattle').", kb.facts("J1596"))
    assert {"R09.3"} <= {code for r in found for code in r.icd10}
