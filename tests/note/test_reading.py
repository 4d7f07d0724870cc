"""The reading: the billed code's administrations and their dose, decided once before any check."""

import dataclasses

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.note.reading import amend, read
from tests.note.reading_helpers import counted_routes, dose_of


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def test_administered_doses_add_up_and_a_restated_total_counts_once(kb):
    note = "Versed 2 mg IV at 1301.\nVersed 2 mg IV at 1309.\nTotal Versed 4 mg."
    admin = read(note, kb.facts("J2250"), kb).administration
    assert admin.state == "given"
    assert admin.dose_base == 4.0
    assert len(admin.counted) == 2


def test_a_drug_only_ordered_is_not_given(kb):
    admin = read("Plan: Zofran 4 mg IV q6h PRN nausea ordered.", kb.facts("J2405"), kb).administration
    assert admin.state == "not_given"
    assert admin.counted == () and admin.dose_base is None


def test_another_coded_drug_given_is_named_with_its_code_and_units(kb):
    note = "Ondansetron 4 mg IV push given at 1400 for nausea."
    admin = read(note, kb.facts("J1953"), kb).administration
    assert admin.state == "other_drug"
    assert note[admin.other.mention.start : admin.other.mention.end] == "Ondansetron"
    assert admin.other_code == "J2405" and admin.other_units == 4


def test_a_line_that_names_no_drug_after_another_product_was_given_is_that_products(kb):
    # The ordered biosimilar was out of stock; the reference product was given, and the closing
    # line that names no drug tells of that infusion, not of the order's product.
    text = ("Order: infliximab-dyyb (Inflectra) 5 mg/kg IV over 2 h.\nInflectra not in stock.\n"
            "1015 infliximab (REMICADE) 400 mg IV in NS 250 mL - given.\n1220 infusion complete, all drug given.\n")
    admin = read(text, kb.facts("Q5103"), kb).administration
    assert admin.state == "other_drug" and "J1745" in admin.other.mention.codes


def test_nothing_about_the_drug_is_absent(kb):
    assert read("Patient seen for follow up. Vitals stable.", kb.facts("J1953"), kb).administration.state == "absent"


def test_a_volume_needs_a_concentration_and_the_reading_says_so(kb):
    admin = read("Keppra 15 mL IVPB given over 15 min.", kb.facts("J1953"), kb).administration
    assert admin.state == "given" and admin.dose_base is None
    assert "concentration" in admin.needed


def test_the_reading_is_immutable_and_amend_reads_the_administrations_again(kb):
    facts = kb.facts("J1953")
    reading = read("Levetiracetam 1,000 mg IVPB given for seizures.", facts, kb)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.administration = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.note.events = []  # type: ignore[misc]
    amended = amend(reading, facts, kb, events=[])
    assert amended.administration.state == "absent"
    assert reading.administration.state == "given" and reading.administration.dose_base == 1000.0


def test_times_listed_after_given_are_one_administration_each(kb):
    admin = read("MAR: cefepime 2 g IVPB q8h - given 0600, 1400, 2200.", kb.facts("J0692"), kb).administration
    assert admin.dose_base == 6000.0


def test_additional_saline_is_not_a_second_dose(kb):
    note = ("PROCEDURE: L5-S1 epidural steroid injection with 120 mg of Depo-Medrol.\n"
            "Depo-Medrol 120 mg along with an additional bacteriostatic normal saline was injected.")
    assert read(note, kb.facts("J1030"), kb).administration.dose_base == 120.0


def test_the_same_dose_at_the_next_site_is_given_again(kb):
    note = ("Depo-Medrol 80 mg plus 1 cc of 4% lidocaine was injected. Attention was then turned to the next injection. "
            "Depo-Medrol 80 mg plus 1 cc of 4% lidocaine was injected.")
    assert read(note, kb.facts("J1040"), kb).administration.dose_base == 160.0


def test_a_later_explicit_negation_overrules_an_administration_read_by_default(kb):
    note = "Zofran 4 mg IV for nausea.\nZofran not given: patient refused."
    assert read(note, kb.facts("J2405"), kb).administration.state == "not_given"


def test_a_charted_dose_is_not_overruled_by_a_discharge_line(kb):
    note = "1510 diphenhydramine 50 mg IV push - improved.\nD/c w/ diphenhydramine 25 mg PO q6h x2 d."
    assert read(note, kb.facts("J1200"), kb).administration.state == "given"


def test_a_stated_route_beats_an_implied_one():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.extract import read_note

    kb = knowledge_base()
    text = "Ranibizumab 0.5 mg injected subconjunctivally OS."
    event = next(e for e in read_note(text, kb.facts("J2778"), kb).events)
    assert [r.route for r in event.routes] == ["periocular"]


def test_milliequivalents_are_an_amount_and_bill_by_the_code_unit(kb):
    admin = read("KCl 20 mEq/100 mL IVPB over 2 h via PIV given 1300-1500.", kb.facts("J3480"), kb).administration
    assert admin.dose_base == 20.0


@pytest.mark.parametrize("code, note, dose", [
    ("J3301", "After aspiration, 1 mL of Kenalog-40 was injected into the knee.", 40.0),
    ("J3301", "Kenalog-10 0.5 mL injected intralesionally into the chalazion.", 5.0),
    ("J1030", "Into the joint went 0.5 mL of Depo-Medrol 80 with 0.5 mL of 0.5% Marcaine.", 40.0),
    ("J3301", "Kenalog 40 mg was injected into the knee.", 40.0),  # the number before a unit is the dose
])
def test_a_strength_in_the_products_name_converts_its_volume(kb, code, note, dose):
    assert read(note, kb.facts(code), kb).administration.dose_base == dose


def test_a_number_after_the_name_that_is_no_known_strength_converts_nothing(kb):
    admin = read("1 mL of Depo-Medrol 60 was injected into the knee.", kb.facts("J1030"), kb).administration
    assert admin.dose_base is None and "concentration" in admin.needed


def test_bcg_named_by_its_abbreviation_is_the_codes_drug(kb):
    note = "BCG 50 mg reconstituted in 50 mL diluent and instilled intravesically by gravity; catheter removed."
    admin = read(note, kb.facts("J9030"), kb).administration
    assert admin.state == "given" and admin.dose_base == 50.0


def test_a_totals_line_restates_each_dose_it_names(kb):
    note = ("0902 midazolam 2 mg IV + fentanyl 50 mcg IV\n0910 fentanyl 25 mcg IV\n0921 fentanyl 25 mcg IV\n"
            "Totals: midazolam 2 mg IV; fentanyl 100 mcg IV (50 mcg/mL, 2 mL single-dose vial).")
    admin = read(note, kb.facts("J3010"), kb).administration
    assert admin.dose_base == pytest.approx(0.1)  # 100 mcg, not 200


def test_a_clause_that_opens_with_the_dose_is_the_drugs_giving(kb):
    note = ("Invanz (ertapenem) 1 g vial reconstituted with 10 mL SWFI and added to NS 50 mL; "
            "1 g IVPB via PICC over 30 min, 1010-1040.")
    reading = read(note, kb.facts("J1335"), kb)
    assert reading.administration.dose_base == 1000  # not the diluent's 10 or 50 mL
    assert [r.route for e in reading.administration.counted for r in e.routes] == ["intravenous"]


def test_a_generic_name_glossed_by_its_brand_is_the_brands_product(kb):
    note = "paliperidone palmitate ER (INVEGA SUSTENNA) 234 mg/1.5 mL prefilled syringe - 234 mg IM L deltoid, 1320."
    reading = read(note, kb.facts("J2426"), kb)
    assert len(reading.note.events) == 1
    assert reading.administration.dose_base == 234


def test_a_stated_total_counts_the_infusion_the_bolus_amounts_leave_out(kb):
    note = ("Anticoagulation for PCI: bivalirudin (Angiomax) 0.75 mg/kg IV bolus = 67.5 mg at 1012, then infusion "
            "1.75 mg/kg/h (157.5 mg/h) IV 1012-1112, stopped at end of PCI. Total bivalirudin administered 225 mg.")
    assert read(note, kb.facts("J0583"), kb).administration.dose_base == 225


def test_a_plan_to_initiate_a_drug_is_not_its_giving(kb):
    note = "IMPRESSION: We will initiate therapy with amiodarone 150 mg intravenous (IV) bolus at this juncture."
    assert read(note, kb.facts("J0282"), kb).administration.state == "not_given"


def test_a_title_naming_the_billed_drug_while_the_body_gives_another_is_another_drug(kb):
    text = ("TYPE OF TEST: Adenosine with nuclear scan.\nPost-Lexiscan 0.4 mg, heart rate was 83.\n"
            "Nondiagnostic adenosine stress test.")
    reading = read(text, kb.facts("J0153"), kb)
    assert reading.administration.state == "other_drug"
    assert reading.administration.other_code == "J2785"


def test_a_bare_mention_beside_a_dosed_product_of_another_code_is_that_products_giving(kb):
    text = ("CF CLINIC - RT NOTE\nPt 31M CF, chronic P. aeruginosa, on-cycle month for inhaled tobramycin; FEV1 54%.\n"
            "RT: TOBI (tobramycin inhalation solution, USP) 300 mg/5 mL single-use ampule, lot T1204.\n"
            "1010-1024 300 mg nebulized via PARI LC PLUS; ampule fully used.\n")
    admin = read(text, kb.facts("J7685"), kb).administration  # the compounded product's code
    assert admin.state == "other_drug" and admin.other_code == "J7682"


def test_an_amount_written_with_the_oral_route_is_no_dose_of_an_injection_code(kb):
    text = "In the ED she received diltiazem (a total of 20 mg intravenously and 30 mg orally) for rapid AF."
    reading = read(text, kb.facts("J1163"), kb)
    assert reading.administration.dose_base == 20
    assert {r.route for e in reading.administration.counted for r in e.routes} == {"intravenous"}


def test_a_planned_injection_reported_done_was_given(kb):
    text = ("ASSESSMENT: Bilateral lateral epicondylitis.\nPLAN: We will inject each elbow with 40-mg of Kenalog "
            "and 1 cc of lidocaine mixed. A lateral approach was used. She tolerated both procedures well.")
    reading = read(text, kb.facts("J3301"), kb)
    assert reading.administration.state == "given" and reading.administration.dose_base == 40


def test_a_planned_injection_not_reported_done_is_not_given(kb):
    text = "ASSESSMENT: Lateral epicondylitis.\nPLAN: We will inject the elbow with 40 mg of Kenalog next visit if no better."
    reading = read(text, kb.facts("J3301"), kb)
    assert reading.administration.state == "not_given"


MAR_ROWS = """MAR - 4 WEST
piperacillin-tazobactam (ZOSYN) 4.5 g IVPB in 100 mL NS q6h, infuse over 30 min
   0000  GIVEN   4.5 g   R AC PIV        JT RN
   0600  GIVEN   4.5 g   R AC PIV        MS RN
   1200  NOT GIVEN - pt off unit; rescheduled to 1400
   1400  GIVEN   4.5 g   R AC PIV        MS RN
"""


def test_mar_rows_that_open_with_a_charting_word_are_entries_and_initials_are_no_drug(kb):
    reading = read(MAR_ROWS, kb.facts("J2543"), kb)
    assert not any(reading.text[e.mention.start : e.mention.end] == "MS" for e in reading.note.events)
    assert reading.administration.dose_base == 13500


def test_the_remaining_dose_given_after_a_test_dose_is_no_waste(kb):
    text = ("1000 TEST DOSE: iron dextran (INFeD) 25 mg IV over 5 min. Observed 60 min, no reaction.\n"
            "1105 Remaining 75 mg (1.5 mL) IV push over 2 min.")
    reading = read(text, kb.facts("J1750"), kb)
    assert not reading.note.waste.discarded


@pytest.mark.parametrize(("text", "code", "dose"), [
    pytest.param("Entyvio (vedolizumab) 300 mg SDV reconstituted w/ 4.8 mL SWFI, added to NS 250 mL; "
                 "infused IV over 30 min. Full vial, no waste.", "J3380", 300, id="a full vial with no waste is the dose"),
    pytest.param("Entyvio 300 mg SDV reconstituted w/ 4.8 mL SWFI; infused IV over 30 min. 20 mg discarded.",
                 "J3380", None, id="a vial with waste is not the dose"),
    pytest.param("Pharmacologic stress: a total of 0.4 mg of Lexiscan IV injection was received. "
                 "Expected response to Lexiscan. CONCLUSION: Normal Lexiscan perfusion.", "J2785", 0.4,
                 id="a total given is the dose when later mentions only name the study"),
    pytest.param("Peribulbar block: 10 mL in all of a 70/30 mixture of 2% Xylocaine without epinephrine "
                 "and 0.75% bupivacaine.", "J2003", 140, id="each drug of a ratio mixture takes its share"),
    pytest.param("Nucala (mepolizumab) 100 mg/mL prefilled autoinjector administered subcutaneously L abdomen by RN.",
                 "J2182", 100, id="a prefilled device labelled per mL holds 1 mL"),
    pytest.param("CISplatin 74 mg in 250 mL NS IV over 60 min via port.\n"
                 "  Source: cisplatin injection 1 mg/mL, 100 mL multiple-dose vial (stock vial retained).", "J9060", 74,
                 id="a product line naming its dose form and vial is the container"),
    pytest.param("The nasal septum was next injected with 3 mL of 1% lidocaine with 1:100,000 epinephrine. "
                 "After that, 50 additional mL of 1% lidocaine with 1:100,000 epinephrine was injected about the nose.", "J2004", 530,
                 id="a volume injected with, of the drug, is its dose; an additional amount adds"),
    # The bag's 5 mg/mL, told beside the 240 mL later infused, not the vial's 10 mg/mL.
    pytest.param("Preparation: Soliris 300 mg/30 mL vial x 4; 120 mL drug + 120 mL NS = 240 mL (5 mg/mL).\n"
                 "Administration: infused IV via R AC PIV 0905-0945, 240 mL.\n", "J1300", 1200,
                 id="the strength beside the volume given converts it"),
    pytest.param("Pt: 58 F   Dx: ALS (G12.21)\nEdaravone (RADICAVA) 60 mg IV daily, cycle 5 day 2.\nFlowsheet:\n"
                 " 1300  PIV 22g L forearm, flushed\n"
                 " 1305  RADICAVA 30 mg/100 mL bag #1 IV over 30 min - complete 1335\n"
                 " 1336  RADICAVA 30 mg/100 mL bag #2 started IV\n"
                 " 1352  INFUSION STOPPED - PIV infiltrated. ~50 mL of bag #2 infused (15 mg). Remaining 50 mL (15 mg) discarded.\n"
                 "Total edaravone administered today: 45 mg.\n", "C9493", 45,
                 id="a total the record says was given stands over a larger sum"),
    pytest.param("Medication                                          0800                      1400        2000\n"
                 "Brovana (arformoterol) 15 mcg/2 mL UD neb BID       given via SVN, RN K           -           given via SVN, RN T\n"
                 "budesonide 0.5 mg/2 mL neb BID                      given RN K                    -           given RN T\n",
                 "J7605", 0.03, id="a mar whose columns are the times due counts each cell charted given"),
    pytest.param("MAR\n0228  Eloctate 3000 IU vial (actual 3,090 IU, lot 5B2201) IV push via R FA 22g over 6 min, full vial   RN KM\n"
                 "1405  Eloctate 1500 IU vial (actual 1,540 IU, lot 5B1874) IV push L AC over 3 min, entire vial given   RN TS\n",
                 "J7205", 4630, id="a container given whole gives its actual potency"),
    pytest.param("RN NOTE\nPump filled 10:42 with 30 mL FUDR mix (below); needle removed.\n\n"
                 "PHARMACY COMPOUNDING RECORD\n FUDR dose = 0.12 mg/kg/day x 78 kg x 14 days = 131 mg\n"
                 " floxuridine 500 mg vial reconstituted w/ 5 mL SWFI; 1.31 mL withdrawn + NS qs 30 mL\n", "J9200", 131,
                 id="a volume given with no strength takes the dose its record states"),
    pytest.param("busulfan (BUSULFEX) 6 mg/mL - 10.8 mg (1.8 mL) diluted in NS to 21.6 mL, infused over 2 h via CVC:\n"
                 " 0000 dose #5 10.8 mg IV - R. Dubois RN\n 0600 dose #6 10.8 mg IV - R. Dubois RN\n"
                 " 1200 dose #7 10.8 mg IV - A. Mensah RN\n", "J0594", 32.4, id="numbered doses on timed rows are each given"),
    pytest.param("ORDER: calaspargase pegol-mknl (ASPARLAS) 2,500 units/m2 = 1,750 units IV over 1 hr x1.\n"
                 "PHARMACY PREP: Asparlas 3,750 units/5 mL single-dose vial (750 units/mL) x1. Withdrawn 2.33 mL = 1,750 units into NS 100 mL.\n"
                 "RN ADMIN:\n 1002 Asparlas infusion started via R chest port, 100 mL/hr\n 1105 infusion complete, flushed NS 10 mL\n",
                 "J9118", 1750, id="a flush after the infusion is no volume of the drug"),
    pytest.param("Pharmacy: Amondys 45 100 mg/2 mL SDV x9; 16.8 mL (840 mg) drawn; 1.2 mL (60 mg) discarded.\n"
                 "RN:\n 1005 infusion started via PIV 24g L hand, 120 mL/h\n"
                 " 1040 PIV infiltrated. Infusion STOPPED. Pump: 70 mL infused = 490 mg.\n", "J1426", 490,
                 id="what the pump says went in outweighs what was drawn up"),
    pytest.param("ED MAR EXPORT | Wt 20 kg | Allergies NKDA | ORDER 1402 sodium thiosulfate 25% (Hope) 5 g = 20 mL IV over 10 min x1 "
                 "| GIVEN 1418 | Site L hand PIV 22g |", "J0209", 5000, id="a cell of allergies ends at its bar"),
])
def test_the_dose_the_note_states(kb, text, code, dose):
    reading = read(text, kb.facts(code), kb)
    assert reading.administration.dose_base == (None if dose is None else pytest.approx(dose))


def test_a_premedication_is_not_the_other_drug_a_record_documents(kb):
    text = ("Order: imiglucerase 40 units/kg IV q2wk = 2,400 units.\n\n"
            "Drug: Cerezyme (imiglucerase for injection) 400-unit vials x6, lot X1. 60 mL (2,400 units) -> NS 200 mL.\n"
            "Premed: cetirizine 10 mg PO 0900.\n0915 start via PIV R AC 100 mL/h; 1115 complete.\n")
    reading = read(text, kb.facts("J0205"), kb)
    assert reading.administration.state == "other_drug" and reading.administration.other_code == "J1786"


def test_a_product_line_with_the_dose_and_a_timed_giving_are_one_administration(kb):
    text = ("Product: BEQVEZ (fidanacogene elaparvovec-dzkt) - one-time dose 5 x 10^11 vg/kg x 80 kg = 4.0 x 10^13 vg.\n"
            "1005 Beqvez infused IV via L forearm PIV over ~60 min; complete 1108.\n")
    reading = read(text, kb.facts("C9172"), kb)
    assert len(reading.administration.counted) == 1


def test_one_giving_told_twice_is_judged_on_the_statement_that_says_how(kb):
    note = ("FINDINGS: Bile was aspirated after the administration of 3 mcg of Kinevac.\n"
            "PROCEDURE: Prior to this, 3 mcg of IV Kinevac was given to aid the stimulation of bile.")
    administration = read(note, kb.facts("J2805"), kb).administration
    assert administration.dose_base == 0.003  # counted once
    assert [r.route for e in administration.counted for r in e.routes] == ["intravenous"]


@pytest.mark.parametrize(("note", "dose"), [
    # The hours on the date of service, at the record's fixed rate; the line of the day before has no range.
    ("VASOPRESSIN 20 units/100 mL NS, fixed 0.03 units/min = 9 mL/h via R IJ CVC\n  06/02 2200 started (prior day)\n"
     "  06/03 0000-1600 running at 0.03 units/min\n  06/03 1600 OFF\nMeropenem 1 g IV q8h.", 28.8),
    # A line's own rate wins: 0.03 units/min for 2 h, then 0.04 units/min for 1 h.
    ("Vasopressin drip 0.03 units/min via CVC.\n0800-1000 at 0.03 units/min\n1000-1100 at 0.04 units/min", 6.0),
    # A rate per kg needs the weight the drip was dosed on: no figure.
    ("Vasopressin 0.0005 units/kg/min via CVC.\n0800-1000 running.", None),
    # A titrated drip: each rate for the minutes until the next timed line, up to the line that stops it: 60 x 0.03 + 90 x 0.02.
    ("0200 Vasopressin 20 units/100 mL started at 0.03 units/min via L IJ\n0230 MAP 62\n"
     "0300 vaso decreased to 0.02 units/min\n0430 vasopressin gtt off, MAP 70 on norepi alone", 3.6),
    # Past midnight: 2330 to 0030 at 0.04 units/min.
    ("2330 vasopressin drip 0.04 units/min started\n0030 vasopressin discontinued", 2.4),
    # No stop time written: how long it ran is unknown.
    ("0200 vasopressin drip started at 0.03 units/min\n0300 vaso increased to 0.04 units/min", None),
])
def test_a_drip_gives_each_rate_for_the_minutes_its_record_says_it_ran(kb, note, dose):
    assert read(note, kb.facts("J2598"), kb).administration.dose_base == (pytest.approx(dose) if dose else None)


def test_each_timed_row_of_a_pipe_table_is_a_dose(kb):
    note = ("Time | Med | Dose | Route\n1402 | midazolam | 2 mg | IV\n1403 | fentanyl | 50 mcg | IV\n"
            "1406 | midazolam | 1 mg | IV\n1410 | midazolam | 1 mg | IV\n1414 | reduction performed")
    assert read(note, kb.facts("J2250"), kb).administration.dose_base == 4.0  # 1406 and 1410 are two doses of 1 mg


def test_a_stated_total_written_as_a_sum_is_read_whole(kb):
    note = ("| 1402 | Tirofiban (AGGRASTAT) 25 mcg/kg bolus = 2,250 mcg IV over 3 min |\n"
            "| 1402 | Tirofiban infusion 0.15 mcg/kg/min = 13.5 mcg/min started |\n"
            "| 1512 | Tirofiban infusion stopped (no post-PCI infusion; bleeding risk) - infused 70 min x 13.5 mcg/min = 945 mcg |\n"
            "Tirofiban total this date: 2,250 + 945 = 3,195 mcg (3.195 mg).")
    assert read(note, kb.facts("J3246"), kb).administration.dose_base == pytest.approx(3.195)


def test_a_gloss_that_describes_the_vial_leaves_the_giving_and_its_volume_to_the_drug(kb):
    note = ("1346 3% chloroprocaine (Nesacaine-MPF 30 mg/mL, 20 mL single-dose vial) 10 mL via epidural catheter.\n"
            "1349 additional 3% chloroprocaine 5 mL via epidural catheter. Remaining 5 mL of vial discarded.")
    assert read(note, kb.facts("J2401"), kb).administration.dose_base == 450  # 15 mL x 30 mg/mL, not the 20 mL vial


def test_a_whole_vial_diluted_to_a_volume_and_instilled_is_the_vials_content(kb):
    note = ("Pharmacy prep: TICE BCG 50 mg vial reconstituted w/ 1 mL sterile NS, then diluted to 50 mL total in NS.\n"
            "Procedure: 14 Fr catheter placed, residual 20 mL drained. Entire 50 mg / 50 mL suspension instilled "
            "intravesically by gravity. No vial residual - whole vial used.")
    reading = read(note, kb.facts("J9030"), kb)
    assert reading.administration.dose_base == 50  # the diluent volumes are no dose; urine drained is no waste
    assert not reading.note.waste.discarded


def test_the_same_dose_at_a_second_port_is_a_second_dose(kb):
    note = ("An umbilical incision was made after injecting 0.25% Marcaine, 2 mL.  Insufflation followed.  "
            "A second port went in low in the midline after 2 mL of 0.25% Marcaine was injected.")
    assert read(note, kb.facts("J0665"), kb).administration.dose_base == 10.0  # 4 mL x 2.5 mg/mL


def test_a_negation_set_off_at_the_end_of_a_list_line_holds_every_drug_on_it(kb):
    note = ("ANC 0.7 -- cycle 4 deferred.\n"
            "Irinotecan 180 mg/m2, leucovorin 400 mg/m2 (760 mg), fluorouracil 400 mg/m2 bolus -- NOT given today.")
    assert read(note, kb.facts("J0640"), kb).administration.state == "not_given"


def test_a_dose_told_on_another_counted_day_is_not_this_notes(kb):
    note = ("NICU PROGRESS NOTE -- DOL 12\nWt 1.4 kg.\n"
            "Caffeine citrate 7 mg IV q24h given 0900.\n"
            "(Caffeine citrate load 28 mg IV was given DOL 2.)")
    admin = read(note, kb.facts("J0706"), kb).administration
    assert admin.state == "given" and admin.dose_base == 7.0
    assert [str(e.earlier_day) for e in admin.other_days] == ["DOL 2"]


def test_a_subcutaneous_coformulation_is_named_by_its_full_name(kb):
    note = ("Pertuzumab given.\nRituximab and hyaluronidase (Rituxan Hycela) 1,400 mg/23,400 units/11.7 mL vial; "
            "full 11.7 mL injected subcutaneously in the abdomen over 5 min.")
    admin = read(note, kb.facts("J9311"), kb).administration
    assert admin.state == "given" and admin.dose_base == 1400.0


def test_a_mar_grid_with_a_given_column_counts_each_row_with_a_time_given(kb):
    note = ("MAR 11/02\nMed | Due | Given | RN\n"
            "enoxaparin 40 mg SQ q12h | 0900 | 0905 L abd | AK\n"
            "                          | 2100 | HELD - plt 48K | TM\n"
            "cefepime 2 g IV q8h | 0800 | 0811 | AK\n")
    admin = read(note, kb.facts("J1650"), kb).administration  # enoxaparin, per 10 mg
    assert admin.state == "given" and admin.dose_base == 40.0


def test_a_billed_contrast_agent_is_named_by_its_products(kb):
    note = "TECHNIQUE: CT abdomen after 100 mL of intravenous Omnipaque 300 contrast."
    admin = read(note, kb.facts("Q9967"), kb).administration
    assert admin.state == "given" and admin.dose_base == 100.0
    other = read(note, kb.facts("Q9966"), kb).administration  # the 200-299 mg/mL strength
    assert other.state == "other_drug" and other.other_code == "Q9967"


def test_a_per_dose_title_without_an_amount_restates_the_dosed_giving(kb):
    note = ("Knee clinic 09/16\nEuflexxa injection 2 of 3, left knee.\n"
            "Euflexxa 20 mg/2 mL prefilled syringe injected intra-articularly into the L knee.")
    assert len(read(note, kb.facts("J7323"), kb).administration.counted) == 1
    # With no amount anywhere, the regimen line restates the giving told by a time or a verb.
    regimen = ("8 y/o F s/p allo-HSCT day +41 for AML.\n"
               "Remestemcel-L-rknd (RYONCIL) 2 x 10^6 MSC/kg IV twice weekly x4 wk - infusion #3 of 8.\n"
               "Wt 26 kg -> dose 52 x 10^6 MSC, thawed/prepared by cell therapy lab.\n"
               "Premeds 1000: hydrocortisone 26 mg IV, diphenhydrAMINE 25 mg IV.\n"
               "1030 Ryoncil infused IV via CVC (red lumen), complete 1045.\nNext Ryoncil 10/27.")
    assert len(read(regimen, kb.facts("J3402"), kb).administration.counted) == 1


def test_a_planned_dose_and_its_timed_giving_are_one_giving(kb):
    note = ("A/P: reversal - Kcentra 25 units/kg x 80 kg = 2,000 units IV.\n"
            "MAR:\n1322 Kcentra 2,000 units IV via L AC over 12 min.")
    assert read(note, kb.facts("J7168"), kb).administration.dose_base == 2000.0
    twice = "Versed 2 mg IV at 1301.\nVersed 2 mg IV at 1309."
    assert read(twice, kb.facts("J2250"), kb).administration.dose_base == 4.0


def test_a_drugless_line_after_a_preparation_tells_the_dose_given(kb):
    vial = ("Drug: Jetrea (ocriplasmin) 0.375 mg/0.3 mL vial, lot 55.\nPrep: proparacaine, betadine 5%.\n"
            "0.1 mL (0.125 mg) injected intravitreally OS.\nRest of vial discarded.")
    admin = read(vial, kb.facts("J7316"), kb).administration
    assert admin.dose_base == 0.125 and admin.counted[0].routes
    made_up = "The fibroid was then injected with vasopressin, 20 units mixed in 40 cc of saline. 10 cc was injected."
    assert read(made_up, kb.facts("J2598"), kb).administration.dose_base == 5.0


def test_a_ratio_written_as_a_dilution_joins_the_two_drugs_into_one_preparation(kb):
    note = "ANESTHESIA: Xylocaine 1% with 1:200,000 dilution of epinephrine totaling 3 mL."
    admin = read(note, kb.facts("J2004"), kb).administration
    assert admin.state == "given" and admin.dose_base == 30.0


def test_the_epinephrine_ratio_converts_no_volume_of_the_local_anesthetic_it_is_mixed_with(kb):
    note = "The palate was infiltrated with lidocaine with epinephrine 1:200,000, a total of 3 mL."
    assert read(note, kb.facts("J2004"), kb).administration.dose_base is None  # the lidocaine's percent is not written
    assert read("Epinephrine 1:1000, 0.3 mL IM to the thigh.", kb.facts("J0171"), kb).administration.dose_base == 0.3


def test_another_product_of_a_drug_named_with_its_dosage_form_is_the_drug_given_instead(kb):
    from docreview.knowledge.facts import moiety

    assert moiety("leuprolide acetate for depot suspension") == "leuprolide"
    note = "Lutrate Depot on backorder.\nGiven: ELIGARD 22.5 mg (leuprolide acetate) SubQ L abdomen at 0910."
    admin = read(note, kb.facts("J1954"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "J9217"


def test_the_solution_product_under_the_powder_products_code_is_another_product(kb):
    from docreview.knowledge.facts import moiety

    assert moiety("ferric pyrophosphate citrate powder") == "ferric pyrophosphate"  # a dosage form is no part of the drug
    note = "11/03 HD chair 11\nTriferic 5 mL amp (27.2 mg elemental Fe) added to bicarb jug at setup, via dialysate x 4h.\n"
    admin = read(note, kb.facts("J1444"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "J1443"


def test_the_generic_name_under_a_brand_code_is_the_plain_product_when_the_drug_has_one(kb):
    # Furosemide has plain codes of its own: under Furoscix's code it is another product, not a class name.
    note = "MAR: 0800 furosemide 80 mg IV push -- given\nDispo: consider Furoscix on-body infusor at home if wt up.\n"
    admin = read(note, kb.facts("J1941"), kb).administration
    assert admin.state == "other_drug" and admin.other_code in ("J1940", "J1938")


def test_a_generic_code_billed_per_instillation_covers_the_product_another_code_bills_per_mg(kb):
    note = ("TICE BCG 1 vial (50 mg) reconstituted in 50 mL preservative-free NS by pharmacy.\n"
            "Instilled intravesically via 14 Fr catheter by gravity at 14:10; catheter removed.\n")
    assert read(note, kb.facts("J9031"), kb).administration.state == "given"
    assert read(note, kb.facts("J9030"), kb).administration.dose_base == 50


def test_a_contrast_product_named_with_its_strength_is_that_bands_product(kb):
    note = "Fistulogram. Contrast: Omnipaque 300 (iohexol 300 mgI/mL) 42 mL total, hand injections through the sheath.\n"
    admin = read(note, kb.facts("Q9962"), kb).administration
    assert admin.state == "other_drug" and admin.other_code in ("Q9967", "Q9951")


def test_a_count_of_injections_of_an_amount_each_multiplies_the_dose(kb):
    note = "A digital block was done using 3 injections of 0.5 cc each, 1% plain lidocaine."
    assert read(note, kb.facts("J2001"), kb).administration.dose_base == 15.0


def test_the_generic_named_with_the_maker_of_a_makers_code_is_that_product(kb):
    with_maker = read("MAR: PEMEtrexed injection 25 mg/mL (Hospira) 900 mg (36 mL) IV over 10 min.", kb.facts("J9294"), kb)
    assert with_maker.administration.state == "given" and with_maker.administration.dose_base == 900.0
    without = read("MAR: pemetrexed 900 mg IV over 10 min.", kb.facts("J9294"), kb)
    assert without.administration.state == "other_drug"  # the maker's code needs the maker's product
    # A flowsheet entry taken back as written in error is no giving.
    corrected = ("MAR: PEMEtrexed (Hospira) 900 mg IV over 10 min.\n"
                 "CORRECTION: flowsheet entry documented pemetrexed 1,000 mg in error (vial size).")
    assert read(corrected, kb.facts("J9294"), kb).administration.dose_base == 900.0


def test_every_mention_of_the_drug_is_the_makers_product_once_one_names_the_maker(kb):
    note = ("OPAT visit. Dx: MSSA osteomyelitis, week 4 of 6 of cefazolin.\n"
            "1015 Cefazolin 2 g IV over 30 min via PICC - Baxter premixed frozen bag.")
    reading = read(note, kb.facts("J0689"), kb)  # cefazolin sodium (baxter): the salt tells no product apart
    assert reading.administration.state == "given" and reading.administration.dose_base == 2000.0


def test_the_maker_named_anywhere_later_on_the_line_or_by_its_short_name_names_the_product(kb):
    note = ("1430 Vasopressin 1 unit IV push, drawn from the 20 units/mL single-dose vial (American Regent).\n"
            "1436 vasopressin 1 unit IV")
    assert read(note, kb.facts("J2599"), kb).administration.dose_base == 2.0
    # "IMS" is International Medication Systems; "epi" answers only to the drug's other codes.
    note = "EPINEPHrine 0.1 mg/mL IMS Abboject, single dose: 1402 epi 20 mcg IV."
    assert read(note, kb.facts("J0168"), kb).administration.state == "given"
    # "MTX" answers to the drug's injection codes and its oral code ("Methotrexate; oral"): still only the drug.
    note = ("Product: Methotrexate Injection USP (Accord) 25 mg/mL, 2 mL SDV x2; 3.5 mL (88 mg) drawn\n"
            "  1425 MTX 88 mg given. Tolerated.\n")
    assert read(note, kb.facts("J9255"), kb).administration.dose_base == 88.0
    # Another coded drug named between the name and a maker is that drug's maker.
    note = "Linezolid 600 mg IV given 0700; ondansetron 4 mg IV (Hospira)."
    assert read(note, kb.facts("J2021"), kb).administration.state == "other_drug"


def test_timed_rows_summed_up_in_an_aside_naming_the_drug_are_each_a_giving(kb):
    note = ("Phenylephrine 100 mcg/mL syringe (Biorphen):\n"
            "  0912  80 mcg IV\n"
            "  0915  80 mcg IV\n"
            "  0919  160 mcg IV      (total phenylephrine 320 mcg)")
    assert read(note, kb.facts("J2372"), kb).administration.dose_base == 0.32


def test_a_timed_row_of_what_was_discarded_is_no_giving_of_the_order_above_it(kb):
    note = ("MAR\n"
            " 0340-0352 Kcentra 2,000 units IV via R AC PIV, tolerated\n"
            " 0355 120 units residual reconstituted product wasted, witness RN")
    assert read(note, kb.facts("J7168"), kb).administration.dose_base == 2000.0


def test_a_giving_told_as_a_count_of_vials_is_that_many_containers_content(kb):
    # J0841 bills 120 mg, and its one NDC package (one vial) bills 1 unit: six vials are 720 mg.
    note = "0115 Anavip 6 vials reconstituted in NS 250 mL, infused IV over 1 h. All vials used."
    assert read(note, kb.facts("J0841"), kb).administration.dose_base == 720.0
    # Some of it discarded: the vials held more than was given.
    wasted = "0115 Anavip 6 vials reconstituted in NS 250 mL, infused IV. 30 mL remaining discarded."
    assert read(wasted, kb.facts("J0841"), kb).administration.dose_base is None


def test_a_volume_infused_line_below_a_drips_rate_table_is_its_dose(kb):
    rows = "".join(f"{h:02d}00 | 0.03 | 9 | 118/70 | MK\n" for h in range(8, 18))
    note = ("Vasopressin 20 units/100 mL NS (0.2 units/mL) via L IJ.\n"
            "TIME | units/min | mL/h | BP | RN\n" + rows.replace("1200 | 0.03 | 9 | 118/70 | MK", "1200 | 0.03 | 9 | 118/70 | MK acetaminophen 650 mg PO") +
            "Volume infused 0800-1800: 90 mL (18 units).")
    assert read(note, kb.facts("J2598"), kb).administration.dose_base == 18.0


def test_a_line_placed_with_its_gauge_is_no_dose_in_grams(kb):
    note = "Glucagon 1 mg IM given.\n0615 20g IV placed."
    assert read(note, kb.facts("J1610"), kb).administration.dose_base == 1.0


def test_the_bag_a_vial_is_added_to_is_no_part_of_the_dose(kb):
    note = "0915 alemtuzumab 12 mg/1.2 mL single-dose vial - entire vial added to 100 mL NS, infused IV over 4 h."
    assert read(note, kb.facts("J0202"), kb).administration.dose_base == 12.0


def test_a_name_between_an_amount_and_its_volume_says_what_the_amount_counts(kb):
    note = "- Triferic (ferric pyrophosphate citrate) 5.44 mg iron / 2.5 mL ampule added to the bicarbonate concentrate, run via dialysate."
    events = read(note, kb.facts("J1443"), kb).note.events
    assert len(events) == 1 and "iron" not in events[0].mention.name


def test_a_preparation_line_mixes_the_drugs_a_nameless_mixture_then_gives(kb):
    note = ("Mixing: BCG 50 mg (1 vial) reconstituted in 50 mL NS; nogapendekin alfa inbakicept-pmln 400 mcg/0.4 mL vial - full 0.4 mL added to the BCG syringe.\n"
            "Procedure: catheter passed with lidocaine jelly, bladder drained (40 mL residual), combined suspension instilled intravesically.")
    admin = read(note, kb.facts("C9169"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(0.4)  # mg
    assert [r.route for e in admin.given for r in e.routes] == ["intravesical"]


def test_a_salt_or_a_dosage_form_between_a_name_and_its_gloss_keeps_them_one_mention(kb):
    note = "Medication: EUFLEXXA (sodium hyaluronate 20 mg/2 mL) prefilled syringe - full syringe injected into the left knee joint."
    events = read(note, kb.facts("J7323"), kb).note.events
    assert len(events) == 1 and events[0].amounts
    note = "Procedure: insertion of travoprost intracameral implant (iDose TR 75 mcg), right eye."
    reading = read(note, kb.facts("J7355"), kb)
    assert reading.administration.dose_base == pytest.approx(0.075)  # mg
    assert [r.route for e in reading.administration.given for r in e.routes] == ["intraocular"]


def test_a_billed_fluid_is_named_by_its_own_name(kb):
    note = "3. 10% sodium chloride (hypertonic saline) 8 mL injected epidurally through the catheter."
    admin = read(note, kb.facts("J7131"), kb).administration
    assert admin.state == "given" and admin.dose_base == 8.0


def test_a_volume_converts_by_the_strength_the_generic_name_carries_beside_the_product(kb):
    note = ("Product: immune globulin intravenous, human-ifas 10% (PANZYGA), 0.4 g/kg every 3 weeks.\n"
            "Weight 62.5 kg -> 25 g (250 mL).\n"
            "Vials: 10 g/100 mL x3. 250 mL infused IV via PIV 0910-1150; the rest discarded.")
    reading = read(note, kb.facts("J1576"), kb)
    assert reading.administration.dose_base == 25000.0


def test_a_ratio_mixtures_volume_after_its_parts_is_shared_and_an_additive_is_no_part(kb):
    note = ("Using a 1:1 mix of 1% lidocaine with 1:200,000 epinephrine and 0.5% bupivacaine, the port sites "
            "were infiltrated with 10 mL total.")
    assert read(note, kb.facts("J2004"), kb).administration.dose_base == 50.0  # 5 mL of 1%
    assert read(note, kb.facts("J0665"), kb).administration.dose_base == 25.0  # 5 mL of 0.5%


def test_a_drugless_line_after_a_mixture_of_two_drugs_is_not_read_as_one_drugs_dose(kb):
    note = "A syringe holding 2 cc of Kenalog-10 and 2 cc of 1% lidocaine was prepared; 1 cc of this was injected into the A1 pulley."
    assert read(note, kb.facts("J3301"), kb).administration.dose_base != 10.0


def test_another_biosimilar_of_the_billed_drug_is_named_before_any_premedication(kb):
    note = ("Premeds 0845: acetaminophen 650 mg PO, diphenhydramine 25 mg IV.\n"
            "Rituximab-abbs (TRUXIMA) 375 mg/m2 = 700 mg IV\nInfusion via port:\n  0915 started\n  1040 complete")
    admin = read(note, kb.facts("Q5119"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "Q5115"


def test_a_giving_that_fulfils_an_order_takes_the_orders_route(kb):
    note = ("Order: Abelcet 5 mg/kg = 300 mg in 300 mL D5W IV via PICC over 2 h.\n"
            "1305 infusion started.\n1505 infusion complete, 300 mg given.")
    admin = read(note, kb.facts("J0287"), kb).administration
    assert admin.counted and all(e.routes for e in admin.counted)


def test_a_bare_number_before_a_route_written_out_is_the_dose(kb):
    for route in ("IM", "intramuscularly"):
        note = f"Plan: toradol 30 {route} given R glute at 1320 (30 mg/mL 1 mL SDV, entire dose)."
        assert read(note, kb.facts("J1885"), kb).administration.dose_base == 30.0, route


def test_a_note_that_says_the_patient_is_an_inpatient_is_an_inpatient_stay(kb):
    note = "RAPID RESPONSE, 4 North. Pt is an inpatient, day 3 for pneumonia.\n0210 Calcium gluconate 1 g IV."
    assert read(note, kb.facts("J0610"), kb).note.inpatient is not None
    assert read("Seen as an outpatient; would be an inpatient procedure elsewhere.", kb.facts("J0610"), kb).note.inpatient is None
    note = "Pt: 7 mo F   admitted to PICU from ED 01/18/2025.\n1000 emapalumab 7.9 mg IV over 1 h via CVL."
    assert read(note, kb.facts("C9050"), kb).note.inpatient is not None
    note = "PMH CVID on q4wk IVIG; dose due 2/20 - ID + immunology agree to give while inpatient.\n1410 ALYGLO 30 g IV."
    assert read(note, kb.facts("J1552"), kb).note.inpatient is not None


def test_a_products_ingredients_spelled_out_after_its_dose_are_its_composition(kb):
    note = "0800 Avycaz (ceftazidime-avibactam) 1.25 g (ceftazidime 1 g / avibactam 0.25 g) IV over 2 h via PICC."
    reading = read(note, kb.facts("J0714"), kb)
    assert len(reading.note.events) == 1
    assert reading.administration.dose_base == 1250.0


def test_the_product_named_as_used_makes_the_generic_name_that_product(kb):
    note = ("| Pemetrexed 500 mg/m2 | 950 mg | IV | 1050-1100 | given |\n"
            "Pharmacy: Pemfexy (pemetrexed injection 25 mg/mL) dispensed in place of the lyophilized product.\n"
            "Pemfexy 500 mg/20 mL vials x2 (1,000 mg). Leftover 2 mL (50 mg) wasted by pharmacy.")
    admin = read(note, kb.facts("J9304"), kb).administration
    assert admin.state == "given" and admin.dose_base == 950
    assert [note[e.mention.start : e.mention.end] for e in admin.counted] == ["Pemetrexed"]  # the vials hold it
    # The brand told as unavailable names no product: the generic given is another code's.
    other = read("Pemfexy not stocked; pemetrexed 950 mg IV given 1050-1100.", kb.facts("J9304"), kb).administration
    assert other.state == "other_drug"
    # A brand glossing the generic names the product given: Prograf is the immediate-release J7507,
    # not the extended-release code billed.
    glossed = read("Tacrolimus 1 mg caps (Prograf): 2 mg PO q12h 0900 given.", kb.facts("J7503"), kb).administration
    assert glossed.state == "other_drug" and glossed.other_code == "J7507"


def test_a_dose_drawn_from_vials_under_a_premix_code_is_the_plain_products(kb):
    # Midazolam premixed in sodium chloride (J2251, J2252) is no vial of midazolam (J2250).
    note = ("SEDATION RECORD\nDrug: midazolam 1 mg/mL, 2 mL single-dose vials x2 (Fresenius) -- 4 mg drawn\n"
            " 1002  midazolam 1 mg IV\n 1015  midazolam 1 mg IV\n")
    admin = read(note, kb.facts("J2251"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "J2250"
    bag = read("1002 midazolam 100 mg/100 mL premixed bag, 2 mg/h IV; total infused 4 mg.\n", kb.facts("J2251"), kb).administration
    assert bag.state == "given"


def test_a_dose_pushed_under_a_premix_code_is_the_plain_products(kb):
    # A premixed bag runs as an infusion: midazolam pushed in 1 mg doses came from the plain product.
    note = "1402  midazolam 1 mg IV push\n1408  midazolam 1 mg IV push\nTotal midazolam 2 mg.\n"
    admin = read(note, kb.facts("J2252"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "J2250"


def test_a_negation_of_the_plain_product_does_not_overrule_the_named_products_giving(kb):
    # "plain bupivacaine" is another product than Exparel: its negation takes nothing back.
    note = ("Exparel (bupivacaine liposome) 266 mg/20 mL single-dose vial, entire vial, was expanded with 40 mL normal saline "
            "to 60 mL and infiltrated under direct vision into the wound edges for postoperative analgesia. "
            "No plain bupivacaine was given within 20 min.")
    admin = read(note, kb.facts("J0666"), kb).administration
    assert admin.state == "given" and admin.dose_base == 266.0
    # The same drug's own negation still overrules a giving read by default.
    assert read("Exparel 266 mg for the wound edges.\nExparel not given: surgeon declined.",
                kb.facts("J0666"), kb).administration.state == "not_given"


def test_a_premixed_product_in_use_makes_the_short_name_of_its_drug_that_product(kb):
    from docreview.knowledge.facts import moiety

    assert moiety("epinephrine in sodium chloride") == "epinephrine"  # the premix's vehicle is no part of the drug
    note = ("0215 Premixed epinephrine bag 8 mg/250 mL (Endo), single-dose bag hung, epi gtt at 5 mcg/min.\n"
            "0315 epi gtt off. Epinephrine total infused: 300 mcg.")
    admin = read(note, kb.facts("J0163"), kb).administration
    assert admin.state == "given" and admin.dose_base == 0.3
    # Plain lidocaine is not the premix "lidocaine in 5% dextrose", and a brand only planned names no product.
    assert "J2002" not in read("Lidocaine 1% 3 mL infiltrated.", kb.facts("J2002"), kb).note.events[0].mention.codes
    planned = read("Plan: Hemady 20 mg PO weekly.\nDexamethasone sodium phosphate 20 mg IV push given.", kb.facts("J8541"), kb)
    assert planned.administration.state != "given"


def test_a_dose_line_under_the_title_is_the_order_the_body_giving_fulfils(kb):
    note = ("INFUSION NOTE - Poteligeo (mogamulizumab) cycle 3\n"
            "Wt 70 kg. Dose 1 mg/kg = 70 mg.\n"
            "1000 infusion started L hand PIV. 1030 infiltration, infusion stopped.\n"
            "Mogamulizumab actually infused: 100 mL x 0.28 mg/mL = 28 mg.")
    admin = read(note, kb.facts("J9204"), kb).administration
    assert admin.dose_base == 28


def test_the_bag_of_a_continuous_infusion_told_on_another_line_is_no_dose(kb):
    note = ("Argatroban continuous IV infusion per nomogram. Wt 70 kg.\n"
            "Premixed argatroban 250 mg/250 mL (1 mg/mL) hung by nursing.\n"
            "Rate 2 mcg/kg/min = 8.4 mL/h.")
    admin = read(note, kb.facts("C9121"), kb).administration
    assert admin.dose_base is None and "amount infused" in admin.needed
    # A daily dose is no drip: its prefilled syringe given SC is the dose.
    note = "Order: tbo-filgrastim 5 mcg/kg/day SC.\nGranix 300 mcg/0.5 mL prefilled syringe, full syringe given SC 0840."
    assert read(note, kb.facts("J1447"), kb).administration.dose_base == pytest.approx(0.3)  # mg


def test_a_pooled_vials_strength_converts_the_volume_infused_and_a_rounding_step_is_no_dose(kb):
    note = ("Weekly augmentation - Prolastin-C Liquid 60 mg/kg; wt 70 kg -> 4,200 mg.\n"
            "Five 1,000 mg/20 mL vials pooled; 84 mL infused IV via R hand PIV 0915-0935.")
    assert read(note, kb.facts("J0256"), kb).administration.dose_base == 4200
    note = ("P: Crysvita 1 mg/kg -> rounded to nearest 10 mg = 70 mg. Two 30 mg/mL vials and one 10 mg/mL vial drawn.\n"
            "Given SQ 1 mL L upper arm + 1.33 mL R upper arm.")
    reading = read(note, kb.facts("J0584"), kb)
    assert reading.administration.dose_base == 70
    assert {r.route for e in reading.administration.counted for r in e.routes} == {"subcutaneous"}  # "Given SQ ..."


def test_plain_bupivacaine_under_the_liposomal_code_is_another_product_of_the_drug(kb):
    # CMS spells J0665's drug "bupivicaine"; its NDCs' ingredient is "bupivacaine hcl".
    note = "At closure 0.25% Marcaine with epinephrine was infiltrated into all port sites."
    admin = read(note, kb.facts("J0666"), kb).administration
    assert admin.state == "other_drug" and note[admin.other.mention.start : admin.other.mention.end] == "Marcaine"


def test_a_stopped_infusion_converts_the_volume_that_ran_by_its_bags_strength(kb):
    note = ("0900 Oritavancin (Kimyrsa) 1,200 mg/250 mL in D5W hung via PIV at 250 mL/h.\n"
            "0918 Hives and wheeze. Infusion stopped. Pump shows 50 mL infused.\n"
            "0920 Diphenhydramine 25 mg IV given.")
    admin = read(note, kb.facts("J2406"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(240.0)


def test_a_code_billed_by_volume_takes_a_premixed_bags_mass_as_its_volume(kb):
    note = "Calcium gluconate 1 g/50 mL (WG Critical Care premixed bag) given IVPB over 10 min at 0815 for hyperkalemia; entire bag infused."
    admin = read(note, kb.facts("J0611"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(50.0)


def test_a_makers_name_in_a_gloss_is_no_drug_and_leaves_the_dose_to_the_drug(kb):
    note = "0745  Glycopyrrolate (Fresenius Kabi 0.2 mg/mL) 0.2 mg (1 mL) IV before the block."
    reading = read(note, kb.facts("J1598"), kb)
    assert [note[e.mention.start : e.mention.end] for e in reading.note.events] == ["Glycopyrrolate"]
    assert reading.administration.dose_base == pytest.approx(0.2)


def test_a_singular_medication_field_with_times_records_the_giving(kb):
    note = ("History: esophageal candidiasis on EGD last week.\n"
            "Medication: micafungin 100 mg/100 mL, IV via PIV over 1 h, 09:00-10:00. Entire bag infused.")
    admin = read(note, kb.facts("J2246"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(100.0)


def test_a_biosimilar_suffix_the_lexicon_lacks_still_joins_the_brand_gloss(kb):
    note = "Insulin lispro-aabc (Lyumjev) 100 units/mL: 10 units SC given at 2250."
    reading = read(note, kb.facts("J1814"), kb)
    assert [note[e.mention.start : e.mention.end] for e in reading.note.events] == ["Insulin lispro-aabc (Lyumjev"]
    assert reading.administration.state == "given"


def test_a_correction_that_names_no_drug_replaces_the_amount_not_the_drug(kb):
    note = "Lyumjev 100 units/mL: 15 units SC - correction: 8 units SC given, abdomen, 2250."
    admin = read(note, kb.facts("J1814"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(8.0)


def test_a_brand_glossed_by_its_generic_is_the_named_product_beside_a_sibling_product(kb):
    note = ("0905 ARISTADA INITIO (aripiprazole lauroxil) 675 mg IM, left deltoid.\n"
            "0910 ARISTADA (aripiprazole lauroxil) 662 mg IM, right gluteal.")
    admin = read(note, kb.facts("C9035"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(675.0)


def test_the_result_of_a_statements_arithmetic_is_the_dose_not_its_operands(kb):
    note = "0840 ondansetron 4 mg tab x2 = 8 mg PO, observed by RN, before chemotherapy."
    admin = read(note, kb.facts("Q0162"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(8.0)


def test_of_two_amounts_of_one_kind_the_one_said_to_be_applied_is_the_dose(kb):
    note = "Qutenza topical system 280 cm2: trimmed to the mapped area; 140 cm2 applied to both feet for 30 min."
    admin = read(note, kb.facts("J7335"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(140.0)


def test_each_side_a_line_names_makes_the_same_dose_another_giving(kb):
    note = ("Right ear: myringotomy. Otiprio (ciprofloxacin otic suspension) 0.1 mL (6 mg) instilled into the middle ear.\n"
            "Left ear: same. Otiprio 0.1 mL (6 mg) instilled into the middle ear.")
    reading = read(note, kb.facts("C9479"), kb)
    assert reading.administration.dose_base == pytest.approx(12.0)
    assert len(reading.administration.counted) == 2


def test_a_negation_of_another_drug_does_not_reach_the_billed_drug_named_in_its_aside(kb):
    note = ("Zynrelef (bupivacaine and meloxicam) 200 mg/6 mg, 7 mL, applied to the wound bed before closure.\n"
            "Ketorolac not given (NSAID already in Zynrelef).")
    admin = read(note, kb.facts("J0668"), kb).administration
    assert admin.state == "given"


def test_a_limit_after_the_computed_dose_wins_but_the_portions_it_is_divided_into_do_not(kb):
    capped = "0705 levetiracetam 60 mg/kg: wt 85 kg -> 5,100 mg, capped at 4,500 mg IV over 15 min."
    assert read(capped, kb.facts("J1953"), kb).administration.dose_base == pytest.approx(4500.0)
    divided = "GamaSTAN 0.1 mL/kg = 6 mL IM, divided 3 mL right gluteal and 3 mL left gluteal."
    assert read(divided, kb.facts("J1460"), kb).administration.dose_base == pytest.approx(6.0)


def test_a_later_correction_that_names_an_entrys_time_replaces_that_entry(kb):
    note = ("0930  Linezolid 600 mg PO given.\n"
            "Addendum 1400: correction to 09:30 entry - PO was charted in error. Linezolid 600 mg/300 mL bag infused IV "
            "via PICC, 09:30-10:30.")
    admin = read(note, kb.facts("J2020"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(600.0)


def test_an_addendum_that_calls_an_entrys_dose_wrong_replaces_the_entry_filed_under_that_time(kb):
    note = ("MAR (first entry 0945): Soliris (eculizumab) 600 mg IV over 35 min, R PIV.\n"
            "Late entry 1530, signed: the 0945 entry shows the wrong dose (order-set default). Actual dose "
            "given: Soliris 900 mg in 180 mL, infused IV 0950-1025.")
    admin = read(note, kb.facts("J1300"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(900.0)


def test_a_record_line_that_states_the_total_and_names_no_drug_is_the_dose(kb):
    note = ("Andexxa (coagulation factor Xa, recombinant) low-dose regimen:\n"
            " 14:00 bolus 400 mg IV at 30 mg/min\n"
            " 14:15-16:15 infusion 4 mg/min x 120 min\n"
            " Total administered 880 mg.")
    admin = read(note, kb.facts("J7169"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(880.0)


def test_a_stated_total_above_a_per_site_dose_counts_the_sites_the_dose_left_out(kb):
    note = ("Trigger point injections, 4 sites.\n"
            "Per site: hydrocortisone acetate 25 mg/mL, 0.5 mL with lidocaine 1% 1 mL.\n"
            "Total hydrocortisone acetate: 2 mL = 50 mg.")
    admin = read(note, kb.facts("J1700"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(50.0)


def test_a_makers_name_with_an_apostrophe_names_the_billed_makers_product(kb):
    note = "Bortezomib for injection (Dr. Reddy's) 3.5 mg vial, reconstituted; bortezomib 2.6 mg SC given in the abdomen."
    admin = read(note, kb.facts("J9046"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(2.6)


def test_a_brand_glossed_by_the_billed_generic_codes_own_drug_name_is_that_codes_drug(kb):
    note = "ARISTADA (aripiprazole lauroxil) 662 mg IM right gluteal, 1000, full syringe."
    assert read(note, kb.facts("C9470"), kb).administration.state == "given"
    # A code with a qualifier of its own (preservative free) is not every product of the drug.
    kenalog = "Kenalog-40 (triamcinolone acetonide) 40 mg injected into the left knee."
    assert read(kenalog, kb.facts("J3300"), kb).administration.state != "given"


def test_a_brand_alone_is_a_product_of_a_code_that_names_no_product_of_its_drug(kb):
    # The crosswalk files the brand under the narrower codes only: Syfovre under the intravitreal
    # code, Acthar Gel under its own; the plain code of the same drug covers them.
    syfovre = "Syfovre 15 mg/0.1 mL injected intravitreally, right eye."
    assert read(syfovre, kb.facts("C9151"), kb).administration.state == "given"
    acthar = "Acthar Gel 80 units injected subcut, left abdomen."
    assert read(acthar, kb.facts("J0800"), kb).administration.state == "given"
    # Not a co-formulation of the drug, nor a product told apart by its strength band.
    faspro = "Darzalex Faspro 1,800 mg SC given in the abdomen over 5 minutes."
    assert read(faspro, kb.facts("J9145"), kb).administration.state == "other_drug"
    optiray = "100 mL Optiray 350 given IV for the CT."
    assert read(optiray, kb.facts("Q9966"), kb).administration.state == "other_drug"


def test_a_charted_infusion_step_gives_its_route_to_the_one_giving_left_without_one(kb):
    # The drugs charted between with routes of their own are whole records.
    head = "Gaucher disease type 1. Imiglucerase (Cerezyme) 60 units/kg = 3,600 units today.\n"
    for rows in ["0815 Acetaminophen 650 mg PO given.\nPharmacy: nine 400-unit vials pooled in NS 250 mL.\n"
                 "0830 start via PIV R hand, 1 mL/min.\n1030 complete, no reaction.",
                 "Premeds 0815 IV: diphenhydramine 25 mg.\n0830-1030 via port, no reaction."]:
        admin = read(head + rows, kb.facts("J1786"), kb).administration
        assert [r.route for e in admin.counted for r in e.routes] == ["intravenous"], rows
    # A line placed is no step of the infusion.
    placed = head + "0815 Acetaminophen 650 mg PO given.\n0830 PIV placed R hand, 22 g."
    assert not any(e.routes for e in read(placed, kb.facts("J1786"), kb).administration.counted)


def test_an_amount_on_a_following_line_told_of_another_place_is_no_part_of_the_dose(kb):
    note = ("Given today: Benefix, IV push over 10 min, L hand, 0940.\n"
            "Pt says about 1500 units were given at an outside urgent care on 03/02, not by us.")
    admin = read(note, kb.facts("J7195"), kb).administration
    assert admin.dose_base is None


def test_a_regimen_line_is_the_order_whose_giving_the_record_tells_after_it(kb):
    note = ("OUTPATIENT INFUSION\nRegimen: Folotyn (pralatrexate) 30 mg/m2 IV weekly x 6, week 2\nDx: PTCL\n"
            "BSA 1.90 m2 -> dose 57 mg\nVial: 40 mg/2 mL x 2 = 80 mg\n"
            "Drawn: 2.85 mL = 57 mg. Pushed IV over 4 min via R port 1012. Discarded: 1.15 mL (23 mg).")
    admin = read(note, kb.facts("J9307"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(57.0)


def test_a_billed_iv_fluid_is_read_as_the_chart_writes_it(kb):
    note = "1340 D5NS 500 mL IV bolus via L AC PIV, complete 1425.\nKetorolac 15 mg IV given for headache."
    admin = read(note, kb.facts("J7042"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(500.0)
    hung = "D5W 1,000 mL hung at 100 mL/h, R hand PIV; 400 mL infused by discharge."
    assert read(hung, kb.facts("J7070"), kb).administration.state == "given"
    # A short name counts only with its volume beside it: "NS" as a carrier names no giving of its own.
    carrier = "Cefazolin 2 g in NS given IV over 30 min before incision."
    assert read(carrier, kb.facts("J7050"), kb).administration.state != "given"


def test_an_arithmetic_told_with_i_e_gives_its_result_as_the_dose(kb):
    note = ("Order: Humate-P 40 IU VWF:RCo per kg, i.e. 2,800 IU VWF:RCo, IV once today. "
            "All vials reconstituted and infused IV via R forearm PIV 0910-0925.")
    admin = read(note, kb.facts("J7187"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(2800.0)


def test_a_statements_own_total_of_its_parts_is_the_dose(kb):
    note = "Kenalog-10 injected intralesionally: chin 10 mg, jawline 6 mg, neck 4 mg (20 mg total)."
    assert read(note, kb.facts("J3301"), kb).administration.dose_base == pytest.approx(20.0)
    # A total the parts do not add up to is some other total.
    other = "Kenalog-10 10 mg injected intralesionally into the keloid, total volume 1 mL."
    assert read(other, kb.facts("J3301"), kb).administration.dose_base == pytest.approx(10.0)


def test_plain_lidocaine_under_the_lidocaine_with_epinephrine_code_is_another_product(kb):
    note = "The site was infiltrated with 1% lidocaine without epinephrine before the incision."
    admin = read(note, kb.facts("J2004"), kb).administration
    assert admin.state == "other_drug" and "J2004" not in admin.other.mention.codes


def test_a_dose_per_kg_spelled_out_and_the_result_named_in_words(kb):
    # A dictation with no slashes: "mg per kg" is mg/kg, and the amount "equals" gives is the dose.
    note = ("weight this morning 61 kg. lumizyme 20 mg per kg equals 1220 mg, diluted in saline and "
            "infused by vein over four hours without reaction.")
    admin = read(note, kb.facts("J0221"), kb).administration
    assert admin.dose_base == 1220.0


def test_a_vial_named_by_its_content_and_used_in_full_is_the_dose(kb):
    # The reconstitution volume is the diluent's; "entire 300 mg" says the vial's content was given.
    note = ("Pentamidine 300 mg single-dose vial reconstituted in 6 mL sterile water and given by inhalation "
            "through a Respirgard nebulizer over 30 minutes. Entire 300 mg nebulized.")
    admin = read(note, kb.facts("J2545"), kb).administration
    assert admin.dose_base == 300.0


def test_an_aside_that_breaks_a_product_into_its_parts_restates_its_dose(kb):
    note = ("Recarbrio 1.25 g (imipenem 500 mg / cilastatin 500 mg / relebactam 250 mg) in NS 100 mL, "
            "IV over 30 minutes via PICC at 0900.")
    admin = read(note, kb.facts("J0742"), kb).administration
    assert admin.dose_base == 1250.0
    assert [note[e.mention.start : e.mention.end] for e in admin.counted] == ["Recarbrio"]


def test_lidocaine_with_epinephrine_is_the_combination_not_plain_lidocaine(kb):
    # No amount to choose a code by: the preparation written names the combination.
    note = "The incision line was infiltrated with 1% lidocaine with 1:100,000 epinephrine before the cut."
    assert read(note, kb.facts("J2004"), kb).administration.state == "given"
    plain = read(note, kb.facts("J2003"), kb).administration
    assert plain.state == "other_drug" and plain.other_code == "J2004"


def test_a_patient_who_left_before_the_infusion_was_given_nothing(kb):
    note = ("Infusion clinic. Order: reslizumab 3 mg/kg = 210 mg IV.\n"
            "10:05 patient left before the infusion was started (ride arrived); will reschedule.")
    assert read(note, kb.facts("J2786"), kb).administration.state != "given"


@pytest.mark.parametrize(("note", "billed"), [
    ("Skin over the port site numbed with 1% plain lidocaine before access.", "J2004"),
    ("Site infiltrated with 2% Xylocaine 1:100,000 epinephrine prior to the incision.", "J2003"),
])
def test_plain_lidocaine_is_no_combination_and_a_ratio_alone_joins_one(kb, note, billed):
    assert read(note, kb.facts(billed), kb).administration.state == "other_drug"


def test_each_time_a_mar_row_charts_as_given_is_a_giving(kb):
    note = ("SCHEDULED                                  0800                 2000\n"
            "Minocin (minocycline for injection) 100 mg   given 0810, PIV  K.L.   given 2005  D.M.\n"
            "  IV q12h over 60 min")
    admin = read(note, kb.facts("J2265"), kb).administration
    assert admin.dose_base == 200.0


def test_a_drug_given_for_the_billed_drugs_purpose_is_the_drug_documented(kb):
    # No lidocaine anywhere; bupivacaine (another local anaesthetic) was infiltrated, no amount.
    note = "Operative note. The incision line was infiltrated with 0.5% Marcaine with epinephrine. Closure in layers."
    admin = read(note, kb.facts("J2001"), kb).administration
    assert admin.state == "other_drug" and note[admin.other.mention.start : admin.other.mention.end] == "Marcaine"
    # A drug of no shared purpose is no substitute: the billed antiemetic is simply absent.
    assert read("Cefazolin given IV before the incision.", kb.facts("J2405"), kb).administration.state == "absent"


def test_what_one_capsule_holds_gives_way_to_the_dose_given(kb):
    note = "MAR 05/02: ondansetron 4 mg tabs - 8 mg (2 tabs) PO 0800: given."
    assert read(note, kb.facts("Q0162"), kb).administration.dose_base == 8.0
    note = "0715 dronabinol 2.5 mg caps x2 (5 mg) PO given before chemotherapy."
    assert read(note, kb.facts("Q0167"), kb).administration.dose_base == 5.0


def test_each_charted_giving_of_a_unit_dose_order_gives_the_unit_dose(kb):
    note = ("Nebulizer record\n"
            "Levalbuterol 1.25 mg/3 mL unit-dose via nebulizer q8h:\n"
            "0600 given\n1400 given\n2200 given\n")
    assert read(note, kb.facts("J7614"), kb).administration.dose_base == 3.75


def test_a_gloss_in_square_brackets_is_the_same_mention(kb):
    note = ("MAR: 1300 Alprolix [coagulation factor IX (recombinant), Fc fusion protein] 3,000 IU IV push "
            "via R antecubital PIV.")
    admin = read(note, kb.facts("J7201"), kb).administration
    assert admin.state == "given" and admin.dose_base == 3000.0


def test_the_amount_remaining_in_a_vial_is_the_waste_not_the_vial(kb):
    note = ("Pharmacy issued one 2,000 IU vial and one 1,000 IU vial. 2,250 IU given slow IV push at 09:40; "
            "the 750 IU remaining in the 1,000 IU vial was discarded.")
    waste = read(note, kb.facts("J7186"), kb).note.waste
    assert [a.value for a, _ in waste.discarded] == [750.0]


def test_a_factor_activity_result_is_no_administration(kb):
    note = ("Recombinant porcine FVIII (Obizur) 6,000 U IV bolus at 10:05.\n"
            "Thirty minutes later FVIII activity 92%. Also given: pRBC 1 unit.")
    reading = read(note, kb.facts("J7188"), kb)
    assert reading.administration.dose_base == 6000.0
    roles = {reading.text[e.mention.start : e.mention.end]: e.role for e in reading.note.events}
    assert roles["FVIII"] == "other"


def test_an_order_row_of_a_tracking_board_is_no_giving(kb):
    note = ("2240 ORD ziprasidone (Geodon) 20 mg IM once | ordering MD Lee | reason: acute agitation\n"
            "2251 GIVEN ziprasidone 20 mg IM L deltoid | RN AB\n")
    admin = read(note, kb.facts("J3486"), kb).administration
    assert admin.dose_base == 20.0


def test_two_vials_joined_by_a_plus_are_one_preparation_and_its_total_is_the_dose(kb):
    note = "1410 Advate 1,500 IU vial + 500 IU vial = 2,000 IU IV push over 5 min, L AC PIV. No waste."
    assert read(note, kb.facts("J7192"), kb).administration.dose_base == 2000.0
    note = "1410 Advate 1,500 IU vial + 500 IU vial IV push over 5 min, L AC PIV. No waste."
    assert read(note, kb.facts("J7192"), kb).administration.dose_base == 2000.0


def test_a_dates_year_is_no_charted_time(kb):
    note = ("Product: Jivi, two vials\n"
            "  total 4,030 IU reconstituted and infused IV push over 6 min, 10:20\n"
            "  both vials fully administered\n"
            "Last home dose 04/25/2025 4,000 IU (patient log) - not part of this visit.\n")
    assert read(note, kb.facts("J7208"), kb).administration.dose_base == 4030.0


def test_a_skin_substitute_sheets_size_is_no_dose_and_the_area_applied_is(kb):
    note = ("Product: Oasis wound matrix 3 x 7 cm (21 sq cm) sheet, lot on file.\n"
            "Applied to the wound bed after debridement: 12 sq cm of matrix placed; 9 sq cm trimmed off and discarded.\n")
    assert read(note, kb.facts("Q4102"), kb).administration.dose_base == 12.0


def test_a_strength_on_a_line_before_the_volume_drawn_converts_it(kb):
    note = ("Regimen: Fyarro (sirolimus protein-bound particles) 100 mg/m2, C2D1\n"
            "BSA 1.80 m2, dose 180 mg\n"
            "Reconstituted 2 x 100 mg vials (20 mL each, 5 mg/mL); 36 mL withdrawn\n"
            "Infused IV over 30 minutes via port.\n")
    assert read(note, kb.facts("J9331"), kb).administration.dose_base == 180.0


def test_a_film_under_the_tongue_is_sublingual_and_fits_an_oral_code(kb):
    from docreview.note.vocab import route_vocabulary

    note = "0915 Suboxone (buprenorphine/naloxone) 4 mg/1 mg film placed under tongue; dissolved by 0925."
    routes = {r.route for e in read(note, kb.facts("J0573"), kb).administration.counted for r in e.routes}
    assert routes == {"sublingual"}
    assert route_vocabulary().fits("sublingual", {"oral"})


def test_the_device_placed_is_the_giving_of_the_drug_it_carries(kb):
    note = ("Procedure: levonorgestrel-releasing intrauterine system 52 mg (Mirena) inserted.\n"
            "Speculum placed, cervix cleansed with povidone, tenaculum applied, uterus sounded to 7 cm.\n"
            "Device inserted into the uterine cavity with the supplied inserter; strings trimmed to 3 cm.\n")
    routes = {r.route for e in read(note, kb.facts("J7298"), kb).administration.counted for r in e.routes}
    assert routes == {"intrauterine"}


def test_a_lot_number_holds_no_clock_time(kb):
    # With "0931" read as a time, the preparation line and the infusion were two timed givings.
    note = ("Day 1 orders:\n  2) polatuzumab vedotin-piiq 1.8 mg/kg = 126 mg IV over 30 min\n"
            "Polatuzumab prep: POLIVY 140 mg single-dose vial (lot PV0931) reconstituted with 7.2 mL SWFI -> 20 mg/mL; "
            "6.3 mL (126 mg) added to 100 mL NS.\n"
            "Polatuzumab infused 12:20-12:52 via PIV; observed 30 min.\n")
    assert read(note, kb.facts("J9309"), kb).administration.dose_base == 126.0


def test_a_timed_row_with_a_colon_under_the_vial_line_is_the_dose_given(kb):
    text = ("Order: pegademase bovine (Adagen) 20 U/kg IM weekly.\n"
            "Vial: Adagen 250 U/mL, 1.5 mL single-dose vial (375 U), lot AD0917, refrigerated, not shaken.\n"
            "Given 1015: 0.61 mL (152 U) IM L anterolateral thigh, 25 G 5/8 in. K. Moss RN.\n")
    reading = read(text, kb.facts("J2504"), kb)
    assert reading.administration.dose_base == pytest.approx(152.5)  # 0.61 mL of 250 U/mL, not the 375 U vial


def test_a_pharmacy_vial_line_gives_way_to_the_charted_infusion_of_the_order(kb):
    text = ("Dx: mycosis fungoides. Cycle 2 Day 8 romidepsin.\n"
            "Order: romidepsin 14 mg/m2 x 1.92 m2 = 26.88 mg, rounded 26.9 mg IV in 500 mL NS over 4 h.\n"
            "Premed: ondansetron 8 mg IV at 0905.\n"
            "Pharmacy: Romidepsin Injection (non-lyophilized) 27.5 mg/5.5 mL (5 mg/mL) single-dose vial, lot RM2231. "
            "5.38 mL (26.9 mg) withdrawn into 500 mL NS. 0.12 mL (0.6 mg) left in vial discarded.\n"
            "0920 romidepsin infusion started via R chest port at 125 mL/h.\n"
            "1320 infusion complete; port flushed 10 mL NS.\n")
    reading = read(text, kb.facts("C9065"), kb)
    assert len(reading.administration.counted) == 1  # one infusion, not the vial line as well
    assert reading.administration.dose_base == pytest.approx(26.88, abs=0.05)


def test_an_untimed_statement_of_what_two_timed_givings_add_up_to_counts_once(kb):
    note = ("Order: Firmagon (degarelix) 240 mg SC loading dose given as two 120 mg injections.\n"
            "09:10 degarelix (Firmagon) vial #1 120 mg SC abdomen, right lower\n"
            "09:14 degarelix (Firmagon) vial #2 120 mg SC abdomen, left lower\n")
    assert read(note, kb.facts("J9155"), kb).administration.dose_base == 240


def test_a_dose_by_mouth_beside_injected_doses_is_no_dose_of_the_injection_code(kb):
    note = ("MAR:\n11:20 potassium chloride ER 20 mEq tab x2 = 40 mEq PO\n"
            "11:30 potassium chloride 10 mEq/100 mL premix IVPB over 1 h, R AC PIV -- bag #1\n"
            "12:35 potassium chloride 10 mEq/100 mL premix IVPB over 1 h -- bag #2\n")
    assert read(note, kb.facts("J3480"), kb).administration.dose_base == 20
    # Given only by mouth, the dose is judged as written (edge case 3).
    assert read("11:20 potassium chloride 40 mEq PO given.\n", kb.facts("J3480"), kb).administration.dose_base == 40


def test_a_brand_in_brackets_after_a_percent_strength_is_the_same_mention(kb):
    note = "Local: CHLOROPROCAINE 3% (Nesacaine) 20 mL vial; 15 mL (450 mg) injected perineural."
    events = read(note, kb.facts("J2401"), kb).note.events
    assert [note[e.mention.start : e.mention.end] for e in events if not e.nameless] == ["CHLOROPROCAINE 3% (Nesacaine"]


@pytest.mark.parametrize("note, dose", [
    ("The wound was debrided. Normal saline 2000 cc was used for the irrigation.", 2000.0),
    ("Irrigation was performed with an additional 2 liters of normal saline.", 2000.0),
])
def test_a_fluids_volume_written_with_its_own_name_is_its_dose(kb, note, dose):
    assert read(note, kb.facts("J7030"), kb).administration.dose_base == dose


def test_a_line_about_the_premedications_tells_nothing_of_the_products_route(kb):
    text = ("Product: Asceniv 10 g/100 mL bottles x 4, lot A24K117.\n"
            "PIV 22g R AC.  0830 premeds PO given.\n"
            " 1212  infusion complete - total 40 g (400 mL) infused IV. All 4 bottles fully infused, no waste.\n")
    assert counted_routes(kb, text, "J1554") == {"intravenous"}


# Records that state a dose in their own way, each written for a mechanism the reader has.
RECORD_DOSES = [
    pytest.param(  # a timed giving by a route after its preparation is the record, not the per-kg advice above it
        "Weight 52 kg. HTC (phone): Advate about 40 IU/kg, round to nearest vial.\n"
        "MAR: 1340 Advate [antihemophilic factor, recombinant] 1 vial (2,000 IU) reconstituted, IV push over 5 min "
        "via L antecubital; entire vial given.", "J7192", 2000, id="timed-giving-not-advice"),
    pytest.param(  # a dose rounded to whole vials after the per-kg arithmetic is the dose
        "Hematology advised Kcentra 50 units/kg for the reversal.\n"
        "Wt 61 kg -> 3,050 units, rounded to nearest vial: 3,000 units IV push 1412-1420 via R AC.", "J7168", 3000, id="rounded-to-vials"),
    pytest.param(  # a dose said to follow weeks later is no part of today's
        "Ms. R is a 41-year-old woman with relapsing MS. We are starting ocrelizumab today, first dose 300 mg IV "
        "over 2.5 hours, second dose 600 mg in 2 weeks.\n"
        "RN: 0900 OCREVUS 300 mg/10 mL single-dose vial, entire vial into NS 250 mL. 0905 IV infusion started R forearm PIV.",
        "J2350", 300, id="later-dose-not-today"),
    pytest.param(  # a MAR row works out what its volume held; the vial's 100 mcg/mL is no strength of the bag
        "Iloprost 100 mcg/mL vial: 1 mL diluted in NS to 500 mL = 0.2 mcg/mL.\n06:00 0.5 ng/kg/min = 12.3 mL/h\n"
        "Pump history at stop 12:00: 258.3 mL infused = 51.66 mcg.\n", "J1749", 0.05166, id="row-result-of-its-volume"),
    pytest.param(  # a giving of both vials takes the total the record states for them
        "Rx: IDELVION 40 IU/kg IV q7 days prophylaxis (3,000 IU, round to vials)\n"
        "Vials: Idelvion 2000 IU (actual 2,050 IU) lot P100291 + Idelvion 1000 IU (actual 1,020 IU) lot P100288\n"
        "Total actual: 3,070 IU\nAdmin: 1120 slow IVP over 6 min via 23g PIV R forearm. Both vials reconstituted and fully given.\n",
        "J7202", 3070, id="total-of-both-vials"),
    pytest.param(  # ... or the pooled total told before "all vials given"
        "07:40  ADYNOVATE (rurioctocog alfa pegol) reconstituted with supplied diluent:\n"
        "        vial 2,000 IU nominal - labeled actual 1,968 IU, lot LE21A\n"
        "        vial 1,000 IU nominal - labeled actual 1,042 IU, lot LE19C\n"
        "       Pooled, total 3,010 IU IV push over 5 min via R antecubital 20G PIV. Entire contents of all vials given.\n",
        "J7207", 3010, id="pooled-total"),
    pytest.param(  # the amount made up into a bag whose carrier has an aside
        "Order: ALDURAZYME 0.58 mg/kg IV weekly over ~4 hr = 17.4 mg\n"
        "Prep: Aldurazyme 2.9 mg/5 mL SDV x 7 = 20.3 mg. 30 mL (17.4 mg) added to NS (0.1% albumin) 250 mL bag.\n"
        "0915-1320 infused via port, 2 -> 4 -> 8 -> 16 -> 32 -> 64 mL/hr q15min, then 84 mL/hr.\n", "J1931", 17.4, id="made-up-into-bag"),
    pytest.param(  # what a sized vial holds gives way to the stated total infused
        "Weight 82 kg.  Agent: adenosine (Adenoscan) 3 mg/mL, 30 mL single-dose vial (90 mg).\n"
        "Infusion 0.14 mg/kg/min x 6 min via L AC, pump. Start 09:32, stop 09:38.\n"
        "Total adenosine infused 68.9 mg (23.0 mL). Unused 7.0 mL (21.1 mg) discarded.\n", "J0151", 68.9, id="sized-vial-vs-total"),
    pytest.param(  # a count of vials is no vial size: the one vial given is the dose
        "MAR: 2015 Eloctate 1 vial (2,000 IU) reconstituted, IV push over 8 min; entire vial given.\n", "J7205", 2000, id="counted-vial"),
    pytest.param(  # rows timed by the span they ran are each a dose
        "Andexxa (coagulation factor Xa recombinant, inactivated-zhzo) 200 mg vials:\n"
        " 15:21-15:35  400 mg IV bolus at 30 mg/min\n 15:36-17:36  480 mg IV infusion at 4 mg/min\n", "J7169", 880, id="rows-by-span"),
    pytest.param(  # whole vials given: each vial's content times their count (mg)
        "15:30  CroFab (crotalidae polyvalent immune Fab, ovine) 1 g vials x 6, each reconstituted w/ 18 mL NS, "
        "in 250 mL NS, IV via L AC over 60 min.\n16:50  CroFab 1 g vials x 4 in 250 mL NS IV over 60 min.\n"
        "Pharmacy: 10 vials dispensed/reconstituted, all 10 infused, no waste.\n", "J0840", 10_000, id="vials-times-count"),
    pytest.param(  # an order line's rounding joined by a semicolon doses a giving that names no amount
        "Therapy: taliglucerase alfa (Elelyso) ERT q2 weeks.\n"
        "Order: 60 units/kg = 4,080 units; round to nearest whole vial per standing order -> 4,200 units (21 x 200-unit vials).\n"
        "All 21 vials reconstituted w/ SWFI, pooled and diluted in NS to 130 mL; infused via ambulatory pump over 2 h, 09:45-11:50.\n",
        "J3060", 4200, id="order-rounded-to-vials"),
    pytest.param(  # a dose written "each" after a count of implants is that many doses
        "Procedure: applicator inserted subdermally; four (4) implants (buprenorphine 74.2 mg each, kit lot PB2209) deployed in a fan shape.\n",
        "J0570", 4 * 74.2, id="implants-each"),
    pytest.param(  # a total told with its own doses is the giving, not the vial the drug was prepared from
        "Drug prep (RN): vinblastine sulfate 1 mg/mL, 10 mL single-dose vial (10 mg). Withdrew 1 mL (1 mg) and diluted with 4 mL NS -> 0.2 mg/mL.\n"
        "Injection: 0.1 mL into each of 6 lesions, intralesional, 30g = 0.6 mL total = 0.12 mg vinblastine.\n", "J9360", 0.12,
        id="total-over-its-vial"),
    pytest.param(  # a gram of gel weighed out from a tube is the dose, not the tube
        "Drug: AMELUZ (aminolevulinic acid HCl) 10% gel, 2 g tube (opened today). 1 g weighed on scale = 100 mg ALA, applied topically.\n",
        "J7345", 100, id="weighed-from-a-tube"),
    pytest.param(  # the vials' potencies added up between an order and its giving are what it gave
        "Wt 60 kg. Ordered: fibrinogen concentrate (human) RiaSTAP 70 mg/kg = 4,200 mg IV.\n"
        "Pharmacy dispensed 4 vials by actual labeled potency: 1,070 mg + 1,040 mg + 1,110 mg + 1,020 mg = 4,240 mg.\n"
        "All 4 vials reconstituted and infused IV, L AC PIV, 1410-1432. Nothing left in the vials.\n", "J7178", 4240,
        id="sum-between-order-and-giving"),
    pytest.param(  # a vial's content over the volume it was reconstituted with converts the volume pushed
        "Today's dose: Koate (antihemophilic factor, human), one vial with labeled actual potency 1,060 IU (nominal size 1,000), "
        "reconstituted with 10 mL sterile water.\nMother performed venipuncture R hand with 23g butterfly; full 10 mL pushed IV over 5 min.\n",
        "J7190", 1060, id="reconstituted-vial-strength"),
    pytest.param(  # a drip's bags the record says ran out were given whole
        "MAR\n11:05  Nexterone (amiodarone HCl in dextrose) 150 mg/100 mL premixed bag, IV over 10 min via 18g R AC\n"
        "11:20  Nexterone 360 mg/200 mL premixed bag IV @ 1 mg/min (33.3 mL/h)\n12:10  KCl 40 mEq PO\n"
        "17:20  360 mg/200 mL bag complete (6 h). Both bags fully infused.\n", "J0283", 510, id="bags-ran-out"),
    pytest.param(  # two vials given at two sites, then their total: each vial once, the total not again
        "RN administration 1340:\n - YEZTUGO (lenacapavir) 463.5 mg/1.5 mL vial #1 -> 1.5 mL SC L abdomen\n"
        " - YEZTUGO 463.5 mg/1.5 mL vial #2 -> 1.5 mL SC R abdomen\n Total 927 mg SC. Both vials withdrawn completely, no waste.\n",
        "J0738", 927, id="two-sites-then-their-total"),
]


def test_a_site_table_with_dot_leaders_adds_up_to_its_total(kb):
    from docreview.note.normalize import fold

    text = ("Product: DAXXIFY (daxibotulinumtoxinA-lanm) 50 U vial, reconstituted with 0.63 mL NS (approx 8 U/0.1 mL).\n"
            "Injection map (IM):\n  procerus .......... 8 U\n  R corrugator ...... 8 U\n  L corrugator ...... 8 U\n"
            "  TOTAL ............. 24 U\n")
    assert dose_of(kb, fold(text), "J0589") == 24


@pytest.mark.parametrize(("text", "code", "dose"), RECORD_DOSES)
def test_the_dose_a_record_states(kb, text, code, dose):
    assert dose_of(kb, text, code) == pytest.approx(dose)


def test_an_order_told_as_given_in_words_on_the_next_line_is_the_giving(kb):
    text = "RN 0930: BRIXADI monthly 128 mg/0.36 mL PFS, lot BX8801, SC back of L upper arm.\nFull dose injected, no waste. Tolerated.\n"
    reading = read(text, kb.facts("J0578"), kb)
    assert [e.role for e in reading.note.events if not e.nameless] == ["administered"]


def test_a_formulation_named_by_its_schedule_is_no_standing_order(kb):
    text = "RN: 1610 Brixadi 64 mg (monthly formulation) 0.18 mL PFS, lot BX6650 - SC L abdomen. Tolerated.\n"
    assert read(text, kb.facts("J0578"), kb).administration.state == "given"


def test_a_date_or_a_header_after_an_order_does_not_tell_it_given(kb):
    text = ("ORDER (standing, 06/09): filgrastim-aafi (NIVESTYM) 300 mcg SubQ daily x7 days, hold if ANC > 10,000.\n"
            "Days 3-4 (06/11, 06/12) given at North satellite clinic per their MAR.\n"
            "Nivestym HELD today per parameters (ANC > 10,000). Not given.\n")
    assert read(text, kb.facts("Q5110"), kb).administration.state != "given"


COMBINATION_DOSES = [
    # One ingredient's amount stands for the product it is part of: 600 mg rilpivirine is 200 units
    # of "cabotegravir and rilpivirine, 2mg/3mg", 1,000 mg of the product.
    pytest.param("0915 cabotegravir 400 mg IM R gluteal; rilpivirine 600 mg IM L gluteal. Both vials used.\n", "J0741", 1000, id="each-named"),
    pytest.param("Combogesic IV: acetaminophen 1,000 mg/ibuprofen 300 mg in 100 mL, infused IV over 15 min.\n", "J0138", 1300, id="slash-named"),
    # Names listed together, then the amounts in their order.
    pytest.param("Zynrelef (bupivacaine and meloxicam) 300 mg/9 mg instilled into the incision.\n", "J0668", 309, id="names-then-amounts"),
    # The product's own amount, after the ingredients' (or with their names joined), is the product's.
    pytest.param("Zerbaxa (ceftolozane 1 g/tazobactam 0.5 g) 1.5 g in NS 100 mL infused IV over 1 h.\n", "J0695", 1500, id="product-after-parts"),
    pytest.param("ceftolozane/tazobactam 3 g IV over 1 h via PICC.\n", "J0695", 3000, id="joined-names"),
    # A percent strength and a volume between the name and its amount.
    pytest.param("sodium nitrite 3% 10 mL (300 mg) IV over 5 min.\n", "J0211", 12800, id="percent-between"),
]


@pytest.mark.parametrize(("text", "code", "dose"), COMBINATION_DOSES)
def test_an_ingredients_amount_counts_the_combination_it_is_part_of(kb, text, code, dose):
    assert dose_of(kb, text, code) == pytest.approx(dose)


@pytest.mark.parametrize("text", [
    "A: malaria, unable to tolerate oral therapy.\nP: Chloroquine HCl injection 50 mg/mL, 5 mL single-dose ampule: "
    "5 mL = 250 mg chloroquine HCl given IM L gluteal at 13:15.\n",
    "Unable to take PO.\nChloroquine HCl injection 50 mg/mL, 5 mL ampule; 250 mg chloroquine HCl given IM L gluteal at 13:15.\n",
])
def test_of_one_dose_told_twice_the_statement_that_says_it_was_given_gives_the_route(kb, text):
    # The product line takes the "oral" before it; the giving's own "IM" is the route judged.
    assert dose_of(kb, text, "J0390") == 250
    assert counted_routes(kb, text, "J0390") == {"intramuscular"}


GIVEN_DOSES = [
    # A generic name glossed by its brand answers to the brand's own code of that drug, a per-mL
    # strength between them or not; the order line glossed the same way stays an order.
    pytest.param("ED MAR\n19:48  EPINEPHrine (Adrenalin) 1 mg/mL, 1 mL single-dose vial -- 0.5 mg (0.5 mL) IM R thigh -- GIVEN\n",
                 "J0169", 0.5, id="generic-glossed-by-the-codes-brand"),
    pytest.param("ORDER 14:34: EPINEPHrine 1 mg/mL (Adrenalin) 0.3 mg IM x1 now; may repeat x1 if no improvement.\n\n"
                 "MAR\n14:35 | Adrenalin (epinephrine inj) 1 mg/mL | 0.3 mg | IM | R vastus lateralis | JT RN\n",
                 "J0169", 0.3, id="strength-between-name-and-brand"),
    # A brand the code names in parentheses before its amount ("biosimilar, (ziextenzo) 0.5 mg").
    pytest.param("Ziextenzo 6 mg SC given L arm at 1100.\n", "C9058", 6, id="brand-before-the-codes-amount"),
    # A brand "or therapeutically equivalent" names the code's drug, and so does its generic.
    pytest.param("Binder: Renvela 800 mg tabs x 2 given PO with snack at 10:40 (1,600 mg total), observed.\n", "J0601", 1600,
                 id="brand-or-therapeutic-equivalent"),
    pytest.param("1040 sevelamer carbonate 1,600 mg PO given with lunch.\n", "J0601", 1600, id="generic-of-a-brand-or-equivalent"),
    # A code that restricts the patients, not the product ("tocilizumab-anoh, for hospitalized adult
    # patients with covid-19 ..."), bills every product of its drug.
    pytest.param("1010 Tocilizumab-anoh (Avtozma) 560 mg IV over 60 min.\n", "Q0237", 560, id="use-restriction-names-no-product"),
    # A brand glossed by one ingredient of its combination keeps the brand's code.
    pytest.param("0930 RITUXAN HYCELA (rituximab 1,400 mg / hyaluronidase 23,400 units per 11.7 mL single-dose vial) - "
                 "1,400 mg subcutaneously into abdomen over 5 min. Entire vial.\n", "J9311", 1400, id="brand-glossed-by-an-ingredient"),
    # The activity a radiopharmaceutical record says was administered is the dose.
    pytest.param("TECH LOG\n Rx 8 mCi (296 MBq) flotufolastat F18 IV\n assay 8.6 mCi @ 13:05\n inj 13:08 IV bolus, 22G PIV L AC\n"
                 " residual syringe 0.3 mCi @ 13:09\n administered 8.3 mCi\n", "C9156", 8.3, id="activity-administered"),
    # A tracer charted by its isotope's short form is the code's drug.
    pytest.param("NM RECORD\n10:42 Lu-177 DOTATATE 200 mCi infused IV over 30 min via R hand PIV.\n", "C9031", 200, id="tracer-short-form"),
    # A product line whose name says "Injection" is the container, not a giving.
    pytest.param("PHARMACY CONSULT\n  Wt 82 kg -> 5 mg/kg x 82 kg = 410 mg\n"
                 "  Product: Ganciclovir Injection (Exela) 500 mg/250 mL ready-to-use bag (2 mg/mL), single-dose.\n\n"
                 "RN 0830: ganciclovir 410 mg (205 mL) IV via R arm PICC over 1 h, end 0930.\n", "J1574", 410, id="product-line-says-injection"),
    # "No partial packet": nothing was cut short, so the water the granules were suspended in is no dose.
    pytest.param("09:50 Given: tacrolimus granules 0.2 mg unit-dose packets x 3 (lot GR2201, exp 11/2026) = 0.6 mg. Entire contents of "
                 "all 3 packets suspended in 3 mL water, drawn into an oral syringe and given PO. No partial packet, no waste.\n",
                 "J7521", 0.6, id="denied-partial-cue"),
    # One pipe-separated MAR line: the order's time and weight-based dose, then the giving of two vials.
    pytest.param("ED MAR | REBINYN [coagulation factor IX (recombinant), glycoPEGylated] | ORDER 0935 40 IU/kg, wt 62 kg = 2,480 IU, "
                 "round to vial sizes = 2,500 IU | GIVEN 0958 2,000 IU vial + 500 IU vial, complete, IV push over 5 min, R AC | no waste\n",
                 "J7203", 2500, id="order-stamp-and-added-vials"),
    # A part counted out, then the total it makes.
    pytest.param("I injected Radiesse 1.5 cc syringes times two so 3.0 cc total into the subdermal plane of both cheeks.\n",
                 "Q2026", 3.0, id="part-counted-out-then-total"),
    # A combination's total, then its parts: one dose (the part scaled to the combination differs only by rounding).
    pytest.param("Emblaveo LOADING dose 2.67 g (aztreonam 2 g / avibactam 0.67 g) IV over 3 h.\n1400-1700 loading dose infused via R IJ CVC\n",
                 "J0458", 2670, id="combination-total-then-its-parts"),
    # Under a code billed by volume, the volume given is the dose, not a part's mass through another part's concentration.
    pytest.param("Product: testosterone enanthate 90 mg + estradiol valerate 4 mg per mL, single-dose 2 mL vial.\n"
                 "Given today: 2 mL (testosterone enanthate 180 mg / estradiol valerate 8 mg) intramuscular, left ventrogluteal.\n",
                 "J0900", 2, id="volume-code-volume-given"),
    # Under an oral code, the injection given beside the tablets is the injectable product's.
    pytest.param("1045 lenacapavir 927 mg SC: 2 x 1.5 mL inj, abdomen L and R.\n"
                 "1052 lenacapavir 300 mg tab x2 (600 mg) PO w/ water, witnessed by RN.\n", "J0752", 600, id="oral-code-beside-an-injection"),
    # A "+" between one drug's doses at two sites adds them; containers added up are stock.
    pytest.param("RN 0945: Cimzia (certolizumab pegol) 200 mg/mL prefilled syringe x2 (lot CM3321): 200 mg SC L abdomen + 200 mg SC "
                 "R abdomen = 400 mg. Both syringes fully given, no waste.\n", "J0717", 400, id="plus-between-two-sites"),
    pytest.param("Wt 80 kg. Rasburicase 0.2 mg/kg = 16 mg IV over 30 min at 0820 (pharmacy: 2 x 7.5 mg + 1 x 1.5 mg vials = 16.5 mg "
                 "reconstituted; 0.5 mg discarded).\n", "J2783", 16, id="plus-between-containers"),
    # Under a code billed per vial, the vials the record counts out (on the giving's line or the product's).
    pytest.param("MAR: 13:15  DigiFab (digoxin immune fab, ovine) 40 mg/vial x 4 vials, each reconstituted w/ 4 mL SWFI, in 50 mL NS, "
                 "IV over 30 min (13:15-13:45). All 4 vials used, no waste.\n", "J1162", 4, id="per-vial-code-on-the-giving-line"),
    pytest.param("Product: CytoGam 2.5 g/50 mL (50 mg/mL) single-dose vial x3 (7.5 g)  Lot 4417A\n"
                 "Volume to infuse 144 mL. Residual 6 mL (300 mg) in vial #3 discarded - less than one vial.\n"
                 "1010  CytoGam IV started @ 15 mg/kg/h x 30 min -> 30 mg/kg/h\n1240  infusion complete, 144 mL (7.2 g) infused.\n",
                 "J0850", 3, id="per-vial-code-on-the-product-line"),
    # A note that names the billed product by its brand calls it by its generic too ("IG"), and a
    # product co-formulated with hyaluronidase is dosed by its other drug.
    pytest.param("36 y/o F, CVID D83.9 - order Asceniv 35 g IV; 7 x 5 g/50 mL vials dispensed.\n1010 start, PIV L hand.\n"
                 "Vials 1-5 infused w/o issue (250 mL).\n1342 HA 7/10 -> INFUSION STOPPED. Pump total 270 mL.\n"
                 "Total IG given today: 27 g.\n", "J1554", 27000, id="generic-of-the-named-product"),
    pytest.param("HyQvia 30 g/300 mL unit (lot LHX0402): HY 15 mL first, then IG 300 mL; SC bilat abdomen, 2 sites (150 mL each), "
                 "0902-1215.\nEntire unit infused - no waste.\n", "J1575", 30000, id="coformulated-with-hyaluronidase"),
    # A weight-based dose told only roughly describes the premixed bag, which is the dose.
    pytest.param("Wt 44 kg.\n0412  Theophylline in 5% dextrose 200 mg/50 mL premix (4 mg/mL) ~4.6 mg/kg, IV via PIV over 30 min; "
                 "entire bag in 0412-0442.\n", "J2810", 200, id="approximate-per-kg-beside-the-bag"),
    # A single-dose device labelled per mL, its device words before the strength; the device's own
    # name after the product's is the product.
    pytest.param("Acthar Gel SelfJect single-dose prefilled injector 80 USP units/1 mL (lot 3J1187), pt self-injected SC R abdomen "
                 "under RN supervision 1115.\n", "J0800", 80, id="single-dose-device-before-the-strength"),
    # "Entire vial." on its own, and containers added up to a stated sum, emptied.
    pytest.param("Kimyrsa (oritavancin) 1,200 mg vial reconstituted, diluted to 250 mL D5W, IV over 1 h 1120-1220 via PIV R hand. "
                 "Entire vial.\n", "J2406", 1200, id="entire-vial-alone"),
    pytest.param("Product verified w/ pt: Cuvitru (immune globulin subcutaneous human) 20% - 10 g/50 mL vial x1 + 2 g/10 mL vial x1 = "
                 "12 g (60 mL), lots LB2291 / LB2276.\nProcedure: Freedom60 pump, 2 subq sites (L + R lower abdomen), start 0948, "
                 "complete 1052.\nVials and syringes emptied, no residual product.\n", "J1555", 12000, id="containers-summed-and-emptied"),
    # (A sentence that states its own total is dosed by it, not by its containers used in full.)
    pytest.param("Given: NovoEight 2000 IU vial (label actual potency 2,060 IU) + NovoEight 1000 IU vial (label actual 980 IU) = "
                 "3,040 IU total, slow IV push over 5 min, 0915. Both vials used in full.\n", "J7182", 3040, id="stated-total-over-containers"),
    # An order field does not run on into the timed record lines indented under it.
    pytest.param("Order: Asceniv 10% 0.4 g/kg = 24.8 g IV.\n 0900 APAP 650 PO - given\n 0925 Asceniv 248 mL (24.8 g) IV via R hand PIV\n"
                 " 1218 complete\n", "J1554", 24800, id="timed-lines-under-an-order-field"),
    # Under a code billed per implant, the implants counted, and one implant placed when none are.
    pytest.param("Sclerotomy made. ENCELTO implant (lot EN24-0388, 1 implant, single-unit container) inserted into the vitreous "
                 "cavity, anchor sutured to sclera.\n", "J3403", 1, id="per-implant-code-counted"),
    pytest.param("Encelto implant inserted into the vitreous cavity OD through the sclerotomy; anchor loop sutured.\n",
                 "J3403", 1, id="per-implant-code-one-placed"),
    # Tablets counted out after what one holds, with no total: that many times the strength.
    pytest.param("ondansetron 4 mg tab x2 PO given at 0900.\n", "Q0162", 8, id="tablets-counted"),
    pytest.param("NURSING: 1415 Truvada (emtricitabine 200 mg/tenofovir DF 300 mg) 2 tabs PO loading dose taken in clinic, witnessed.\n",
                 "J0750", 1000, id="combination-tablets-counted"),
    # A giving told by its amount; containers glossed or named for injection; a maker beside the name.
    pytest.param("INTRATHECAL PUMP REFILL (office)\nNew drug: PRIALT 100 mcg/mL, 5 mL vial.\n"
                 "Refill: 4.8 mL (480 mcg) instilled into reservoir via template, neg aspiration, no pain on injection.\n",
                 "J2278", 0.48, id="amount-is-the-subject"),
    pytest.param("1400  clevidipine (Cleviprex 0.5 mg/mL, 100 mL single-dose vial = 50 mg) drip started 2 mg/h via L FA PIV\n"
                 "1430  clevidipine OFF (ran 30 min = 1 mg). Vial discarded w/ 49 mg remaining\n",
                 "J0759", 1, id="one-container-glossed-in-an-aside"),
    pytest.param("5  0950 Cyclophosphamide 600 mg/m2   600 x 1.80 = 1,080 mg   IV infusion in NS 250 mL over 30 min\n"
                 "   Vial: cyclophosphamide for injection 1 g + 500 mg (lots A1, B2), reconstituted 20 mg/mL\n",
                 "J9070", 1080, id="vial-line-for-injection"),
    pytest.param("0930-1000  paclitaxel protein-bound (Teva) 213 mg (125 mg/m2) IV over 30 min via port\n",
                 "J9258", 213, id="maker-beside-name-without-form-word"),
    # The ingredients a product's own gloss spells out are no drugs of their own, and a "+" inside
    # the gloss parts no clause; a dose told in parts, one per site, is their sum.
    pytest.param("HD CATHETER CARE\n1500 lock instilled: DefenCath (taurolidine 13.5 mg/mL + heparin 1,000 units/mL) - red lumen 1.6 mL, "
                 "blue lumen 1.8 mL\n", "J0911", 3400, id="product-gloss-ingredients-and-per-lumen-parts"),
    # A rounding told as the containers it adds up.
    pytest.param("1410 Alprolix 50 IU/kg = 3,550 IU -> rounded to vials: 3,000 IU + 500 IU, both vials reconstituted and pushed IV.\n",
                 "J7201", 3500, id="rounded-to-vials-added-up"),
    # The rest of a split dose, given tomorrow, is no part of today's.
    pytest.param("C1D1 Rybrevant 350 mg today (rest of the 1,050 mg dose, i.e. 700 mg, given tomorrow); infused IV via PIV 0900-1130.\n",
                 "C9083", 350, id="split-dose-rest-tomorrow"),
    # A stopped infusion: the pump's volume infused, at the bag's strength.
    pytest.param("Herceptin dose: 4 mg/kg = 300 mg.\nPrep: 300 mg in NS 250 mL (1.2 mg/mL).\n0900 infusion started via port.\n"
                 "0945 reaction, infusion stopped. Pump: volume infused 100 mL.\n", "J9355", 120, id="pump-volume-infused-at-bag-strength"),
    # A stock line's made-up amount is what the nameless giving after it gives, not the vials stocked.
    pytest.param("Vials: gemcitabine 1 g x2, lot G55. 1,700 mg -> NS 250 mL; 300 mg left in vial 2 discarded.\nIV over 30 min via port 1000-1030.\n",
                 "J9201", 1700, id="stock-line-made-up-dose"),
    # A drip's total told on a pump-history line that shares the drip's start time is that drip's, once.
    pytest.param("Wt 80 kg.\nMAR:\n heparin infusion - DISCONTINUED 0700 (HIT)\n"
                 " lepirudin (Refludan) 0.4 mg/kg IV bolus = 32 mg IV push over 20 sec - 0812 GIVEN\n"
                 " lepirudin infusion 0.15 mg/kg/h = 12 mg/h (Refludan 100 mg/250 mL NS = 0.4 mg/mL @ 30 mL/h) started 0815\n"
                 "    aPTT 1415: 96 s -> rate decr to 6 mg/h (15 mL/h) at 1430 per protocol\n"
                 "    pump history 0815-2359: 320 mL infused = 128 mg lepirudin\n", "J1945", 160, id="pump-history-shares-the-start-time"),
    # A code billed by its ingredients' combined mass: each ingredient's own mass is part of the dose.
    pytest.param("1005 PHESGO (pertuzumab 1,200 mg / trastuzumab 600 mg / hyaluronidase-zzxf 30,000 units) 15 mL vial,\n"
                 "     injected SUBQ L thigh over 8 min. Entire vial given.\n", "J9316", 1800, id="combined-ingredient-masses"),
    # Two ingredients of one name (penicillin G), each told by its salt, in the activity units the code counts.
    pytest.param("Bicillin C-R (penicillin G benzathine 600,000 u + penicillin G procaine 600,000 u) given IM R gluteal.\n", "J0558", 1_200_000,
                 id="combined-ingredient-activity-units"),
    # The gloss that breaks the product into its ingredients, on the record's next line.
    pytest.param("SEQ  TIME   DRUG / DOSE                          ROUTE / SITE\n"
                 "3    09:12  PHESGO loading dose 15 mL            SUBCUT L thigh, 8 min   JR\n"
                 "            (pertuzumab 1,200 mg / trastuzumab 600 mg /\n"
                 "             hyaluronidase 30,000 units)\n"
                 "            Vial: Phesgo 15 mL single-dose vial, entire vial drawn into syringe, no residual.\n", "J9316", 1800,
                 id="ingredient-gloss-on-the-records-next-line"),
    # The whole reconstituted suspension given: the kit's content is the dose, not its diluent.
    pytest.param("1030 Risperdal Consta 50 mg vial kit (lot 4MM02) reconstituted w/ 2 mL diluent - full suspension IM R gluteal.\n",
                 "J2794", 50, id="the-full-suspension-of-a-kit"),
    # A second run of contrast at a rate, with a different volume, is another giving, not the first told again.
    pytest.param("Timing bolus: ISOVUE-370 15 mL @ 5 mL/s, ROI main PA, peak 11 s\n"
                 "Diagnostic run: ISOVUE-370 70 mL @ 5 mL/s + 40 mL NS chaser\n", "Q9967", 85, id="a-test-bolus-and-the-run"),
    # A drip dosed by rate: the pump's infused total below it, past a tracer named later on the drip's line.
    pytest.param("Adenosine (Adenoscan) 140 mcg/kg/min x 6 min by infusion pump via R AC 20g; Tc99m tetrofosmin 28.9 mCi at 3 min via L AC.\n"
                 "Drawn up: 2 vials x 60 mg/20 mL (3 mg/mL) = 40 mL\nInfused per pump: 25.8 mL (77.3 mg)\n", "J0151", 77.3,
                 id="a-rate-dosed-drips-infused-total"),
    # The pharmacy's rounding of a weight-based dose has the last word.
    # (and "IDA (D50.0)" is an ICD-10-CM code, no dextrose given)
    pytest.param("INFUSION RECORD - Injectafer #1/2\nWt 45.2 kg (<50 kg -> 15 mg/kg). IDA (D50.0).\n"
                 "Dose 15 mg/kg x 45.2 = 678 mg -> pharmacy rounded 675 mg.\nIV over 15 min 1010-1026. No HSR.\n", "Q9970", 675,
                 id="the-pharmacys-rounding"),
    # A whole vial given by its labelled potency, its reconstitution volume no dose.
    pytest.param("1405 Advate 1000 IU vial (label actual potency 1,046 IU), ED stock, reconstituted 5 mL, entire vial IV push over 3 min.\n",
                 "J7192", 1046, id="a-whole-vials-labelled-potency"),
    # Drinks counted before the amount each holds.
    pytest.param("Oral contrast: BREEZA oral MR contrast, 3 bottles x 450 mL\n  0800 btl 1 / 0820 btl 2 / 0845 btl 3 -- pt drank all\n",
                 "Q9954", 1350, id="bottles-counted-before-their-volume"),
    # Pus aspirated on the next line is no volume of the premix.
    pytest.param("Abx: ciprofloxacin 400 mg/200 mL premix IVPB over 60 min, hung 1415, complete 1515\n"
                 "Access lower pole posterior calyx, 8.5F locking pigtail; 30 mL pus aspirated, sent for cx.\n", "J0744", 400,
                 id="pus-aspirated-is-no-dose"),
    # One giving split between two sites, each part with its own route: the row's parts together.
    pytest.param("P: Bicillin C-R 2,400,000 units/4 mL prefilled syringe\n"
                 "   - 1420 2 mL IM R ventrogluteal, 2 mL IM L ventrogluteal (MA T. Reyes), lot 3BC117.\n", "J0558", 2_400_000,
                 id="a-mar-rows-parts-at-two-sites"),
    pytest.param("Unasyn (ampicillin sodium 2 g / sulbactam sodium 1 g) IVPB over 30 min at 0600.\n", "J0295", 3000,
                 id="combined-ingredient-masses-in-grams"),
    # Imipenem's code counts the imipenem; a mass in units (hyaluronidase) is no part of a mass dose.
    pytest.param("Primaxin (imipenem 500 mg / cilastatin 500 mg) IVPB over 30 min at 0600.\n", "J0743", 500, id="imipenem-counts-alone"),
    pytest.param("Herceptin Hylecta (trastuzumab 600 mg / hyaluronidase-oysk 10,000 units) 5 mL injected SC R thigh.\n", "J9356", 600,
                 id="hyaluronidase-units-are-no-mass"),
    # The drug named again after a result arrow holds the dose; the amount it multiplied is one vial's.
    pytest.param("Opdivo Qvantig (nivolumab 600 mg + hyaluronidase-nvhy 10,000 units per 5 mL vial) x2 -> nivolumab 1,200 mg/"
                 "hyaluronidase 20,000 units in 10 mL, injected subcut L lower abdomen over 5 min.\n", "J9289", 1200,
                 id="the-arithmetics-result-on-the-line"),
    # A route word before a bracket is the product's route, not the start of "IV acetaminophen".
    pytest.param("0915 COMBOGESIC IV (acetaminophen 1,000 mg / ibuprofen 300 mg per 100 mL) 100 mL IV over 15 min\n", "J0138", 1300,
                 id="a-route-word-before-the-products-gloss"),
    # A part told per lesion, with its mass in brackets; the needle the injection was given with is no amount.
    pytest.param("Med: triamcinolone hexacetonide (Aristospan) 5 mg/mL, 5 mL multiple-dose vial, opened today.\n"
                 "Injected intralesionally with 30g: R lobe 2.4 mL (12 mg), L lobe 1.6 mL (8 mg). TOTAL 4.0 mL = 20 mg.\n",
                 "J3303", 20, id="parts-per-lobe-and-a-needle-written-onto-its-g"),
    # A dose per m2 is no drip rate; two visits, each with its own dose and clock time, are two doses.
    pytest.param("Synribo (omacetaxine) 1.25 mg/m2 SC BID.\nVISIT 1  0745-0830\n  2.3 mg SC L thigh 0758.\n"
                 "VISIT 2  1945-2025\n  2.3 mg SC R thigh 2004.\n", "J9262", 4.6, id="two-visits-two-nameless-doses"),
    # A contrast bottle glossed by its generic and strength, then a power-injector line (a label
    # before its amount, the volume run in at a rate): the volume run in, not the bottle.
    pytest.param("CT ABD/PELVIS W CONTRAST\nOmnipaque 350 (iohexol injection, 350 mg iodine/mL), 125 mL single-dose bottle, lot K44.\n"
                 "Power injector via L AC 20 g: 90 mL at 3 mL/s, then 30 mL saline flush.\n", "Q9967", 90, id="contrast-run-in-at-a-rate"),
    # A "Product:" line with its dose form and vials is the product; the line that opens with the
    # amount and infuses it (in its diluent) is the giving.
    pytest.param("OPAT visit\nProduct: cefazolin for injection, two 1 g vials reconstituted (2 g total).\n"
                 "1.5 g in 50 mL NS infused via L arm PIV over 30 min, 0900-0930.\n", "J0690", 1500, id="product-line-then-dosed-infusion"),
    # An aside that dates a dose on another day is that day's dose.
    pytest.param("Infusion MAR 05/14/25 - day 8 of dalbavancin course (1,500 mg given 05/07).\n"
                 "0930 dalbavancin 500 mg in D5W 100 mL IV over 30 min - given\n", "J0875", 500, id="dated-aside-is-another-day"),
    # A dose worked out per kg (no time, verb or route) awaits the giving below that names no drug.
    pytest.param("Wt 70 kg. Novoeight 40 IU/kg = 2,800 IU; per protocol to nearest vial -> 3,000 IU x1\n"
                 "Product: Novoeight 3,000 IU single-dose vial, lot Z9\n"
                 "0815 3,000 IU IV push over 4 min via R AC 22g. Entire vial administered.\n", "J7182", 3000, id="worked-out-dose-then-nameless-push"),
    # A push's own vial strength explains the push's volume; the drip's volume converts by the drip's bag.
    pytest.param("Drip: dilTIAZem 125 mg/125 mL NS (1 mg/mL) premix bag, lot 7Q\n0745 dilTIAZem 10 mg IV push (2 mL of 5 mg/mL vial) per Dr Ng\n"
                 "0800 gtt started 10 mg/h\n1600 gtt off\nI&O 0700-1900: dilTIAZem gtt 110 mL\n", "J1163", 120, id="drip-volume-by-the-drips-bag"),
    # Under a code billed per vial, each giving's count of vials adds.
    pytest.param("MAR\n0830 pantoprazole sodium 40 mg vial, recon 10 mL NS, IV push over 2 min -- given (1 vial)\n"
                 "2030 pantoprazole sodium 40 mg vial IV push -- given (1 vial)\n", "C9113", 2, id="vials-of-two-givings-add"),
    # A drip's pump total below its timed rows, converted by the bag's strength (not the carrier's 0.9%).
    pytest.param("EPINEPHrine in 0.9% NaCl premix 4 mg/250 mL (16 mcg/mL) - Baxter, lot 25K\n0600 start 0.05 mcg/kg/min = 5 mcg/min = 18.75 mL/h\n"
                 "0800 no change\n1200 no change\n1600 OFF\nPump total: 187.5 mL\n", "J0164", 3, id="pump-total-below-timed-rows"),
    # One line, two timed entries of the same dose: two givings.
    pytest.param("MAR: 0800 furosemide 10 mg/mL, 8 mL (80 mg) IV push -- given; 1600 furosemide 80 mg IV push -- given\n", "J1940", 160,
                 id="two-timed-entries-on-one-line"),
    # A bolus, then a drip at one rate over a clock span told in the same sentence.
    pytest.param("Nesiritide 2 mcg/kg IV bolus (144 mcg) at 0830, then 0.01 mcg/kg/min (0.72 mcg/min) 0830-2030.\n", "J2325", 0.6624,
                 id="bolus-then-drip-over-a-span"),
    # A drug level on a row ("lido level 5.8") does not end the drip's record before its pump volume.
    pytest.param("CCU FLOWSHEET\nLidocaine in 5% dextrose 2 g/500 mL (4 mg/mL) premixed, lot L1\n0000 running 2 mg/min = 30 mL/h\n"
                 "1400 decreased to 1 mg/min = 15 mL/h (lido level 5.8)\n2400 continues 1 mg/min\n24-h pump volume: 570 mL\n", "J2002", 2280,
                 id="pump-volume-past-a-level"),
    # A pump's total in the drug's own unit closes the record.
    pytest.param("Tirofiban (Aggrastat) premix 12.5 mg/250 mL (50 mcg/mL)\n0557 bolus 25 mcg/kg = 2,000 mcg (40 mL) IV over 3 min\n"
                 "0600 infusion 0.15 mcg/kg/min = 12 mcg/min\nPump total 11/24: 299.2 mL (14,960 mcg)\n", "J3246", 14.96, id="pump-total-in-mass"),
    # The bag supplied with a product to dilute it in is its carrier, not its dose.
    pytest.param("1000 lefamulin (Xenleta) 150 mg/15 mL single-dose vial, entire vial diluted in supplied 250 mL citrate-buffered NS bag, "
                 "IV over 60 min -- given.\n", "C9054", 150, id="supplied-diluent-bag"),
    # Two containers joined by "+" and given whole add up.
    pytest.param("ED: severe hemophilia A, calf bleed.\n1312 Jivi 1,000 IU vial + 500 IU vial, entire contents IV over 5 min R AC.\n",
                 "C9141", 1500, id="containers-added-and-used-up"),
    # A premixed bag given by a timed line states its dose: not the order's mg/kg.
    pytest.param("Order: vancomycin 15 mg/kg IV q12h (wt 80 kg).\n"
                 "1400 Vancomycin 1.25 g/250 mL premix bag, lot V1, IV over 2 h via L FA PIV. Whole bag infused.\n", "J3370", 1250,
                 id="premix-bag-over-the-orders-dose"),
    # The product line between an order and its MAR rows tells what was hung; the rows are still the order's.
    pytest.param("cefepime 2 g IVPB q12h\n  Product: Cefepime for Injection 2 g vial, NDC 0000-0000-00, lot CF2\n"
                 "  0800 GIVEN via R PICC -- JR RN\n  2000 GIVEN via R PICC -- KL RN\n", "J0692", 4000, id="mar-rows-below-a-product-line"),
    # A later day's dose in the order ("then 80 mg PO days 2-3") is no part of today's.
    pytest.param("SNF MAR 03/02 - Day 1 carboplatin\nondansetron (Zofran) 16 mg tab PO 30 min before chemo (day 1), then 8 mg PO days 2-3\n"
                 " 0900 Zofran 16 mg PO given w/ water -- L.Ng RN\n", "Q0162", 16, id="later-days-of-the-regimen"),
    # Of a bag hung and the volume that went in, the volume in; a "24h IV totals:" line restates the bags.
    pytest.param("Bag #1 D5W 1,000 mL hung 0500 via R PICC -> completed 1300 (1,000 mL)\n"
                 "Bag #2 D5W 1,000 mL hung 1300 -> @ 2400 infused 900 mL (LTBI 100 mL, continuing)\n24h IV totals: D5W 1,900 mL; IVPB 100 mL.\n",
                 "J7070", 1900, id="volume-infused-from-a-bag-and-totals-line"),
    # A MAR row is its line: its route in one sentence, "Given:" and the signature in the next.
    pytest.param("buprenorphine-naloxone 8 mg-2 mg SL film daily 0800 -- OUD maintenance\n 0806 1 film placed under tongue, watched until "
                 "fully dissolved (10 min), oral check done. Given: M. Cruz LPN,\n      witness: B. Hale RN.\n", "J0574", 8, id="row-told-in-two-sentences"),
    # A line opening with the total given is the giving's sum, its vial and lot told beside it.
    pytest.param("Injections by site:\n  R masseter 30 U | L masseter 30 U\n  Total 60 Units Xeomin 100 U vial, lot X12\n", "J0588", 60,
                 id="total-line-with-its-lot"),
    # A bag hung, then the same bag told empty: one giving, its two times the start and the end.
    pytest.param("IV record\n1015 LR 1000 mL bag hung, bolus via PIV\n1120 LR 1000 mL infused - bag empty, saline locked\n", "J7120", 1000,
                 id="bag-hung-then-empty"),
    # A total line that adds up the equal doses its giving lists at two sites.
    pytest.param("Tx: ciprofloxacin 6% otic suspension 0.1 mL (6 mg) instilled into left ear canal, then 0.1 mL (6 mg) into right ear canal.\n"
                 "total 0.2 mL = 12 mg.\n", "J7342", 12,
                 id="total-line-adds-up-the-sites"),
    # An untimed order line, then three timed rows of its dose: three givings (the first joins the order's).
    pytest.param("Renal dosing: piperacillin-tazobactam (ZOSYN) 2.25 g (piperacillin 2 g / tazobactam 0.25 g) IV q6h over 30 min.\n"
                 "MAR 5/2:\n0000 Zosyn 2.25 g IV over 30 min - given\n0600 Zosyn 2.25 g IV over 30 min - given\n"
                 "1200 Zosyn 2.25 g IV over 30 min - given\n", "J2543", 6750, id="order-line-then-timed-rows"),
    # Each eye's line, labelled OD and OS, gives its own dose.
    pytest.param("Bilateral same session.\n OD: VABYSMO 6 mg/0.05 mL vial, lot V22 -- IVT 4mm, 30g. 6 mg given.\n"
                 " OS: VABYSMO 6 mg/0.05 mL vial, lot V22 -- IVT 4mm, 30g. 6 mg given.\n", "J2777", 12, id="each-eye-labelled"),
    # A class code's example drugs name it ("visualization adjunct (e.g., methylene blue, isosulfan blue)").
    pytest.param("SLN mapping: isosulfan blue 1% 3 mL (30 mg) injected intradermally around the areola at 0815.\n", "Q9968", 30,
                 id="class-codes-example-drug"),
    # A prefilled syringe's gloss is what it holds; a timed row under a timed giving, vitals before its
    # dose, is a second push; the lot number "IM-2207" is no route.
    pytest.param("0914 MAP 55 -> epinephrine 10 mcg/mL, 10 mL prefilled syringe (100 mcg), lot IM-2207: 10 mcg IV\n"
                 "0919 MAP 61 -> 10 mcg IV\n0930 MAP 74\n", "J0165", 0.02, id="prefilled-syringe-then-vitals-rows"),
    # An intrauterine system's product line states its content; the insertion states none.
    pytest.param("IUD insertion\nDevice: MIRENA (levonorgestrel-releasing IUS) 52 mg, lot TU55, sterile pack\n"
                 " - Mirena inserted to the fundus, strings trimmed to 3 cm\n", "J7298", 52, id="whole-product-line-gives-content"),
    # "MU" is million units, as interferons are written.
    pytest.param("Interferon alfa-2b (Intron A) 3 MU (0.3 mL) injected SC R thigh.\n", "J9214", 3_000_000, id="million-units-mu"),
    # A chart's short name for an oncology drug ("dauno") takes that drug's dose, not the next drug's.
    pytest.param("Vyxeos infused IV over 90 min via port; dose 44 mg dauno / 100 mg cytarabine.\n", "J9153", 44,
                 id="short-name-dauno"),
    # Two vials given whole, each with its labelled potency after the nominal size: the potencies added.
    pytest.param("1030 THROMBATE III 2 x 1000 IU vials, label potency 1,010 IU + 985 IU = 1,995 IU, reconstituted, entire contents"
                 " IV over 20 min via PICC.\n", "J7197", 1995, id="labelled-potencies-added"),
    # A pump's total volume converts by the premix strength the drip's order names.
    pytest.param("Order: midazolam 100 mg/100 mL NS premix (1 mg/mL) continuous IV, 1-5 mg/h titrate to RASS.\n"
                 "0200 midazolam premix started 2 mg/h via R IJ CVC\n0600 increased to 3 mg/h\n1200 stopped\n"
                 "Pump: midazolam total volume infused this DOS 28 mL.\n", "J2251", 28, id="pump-volume-by-the-orders-premix"),
    # Timed rows under the bag's line that name no drug tell the drip's rates until one stops it (RASS is
    # a sedation score, no drug; the flight crew's own propofol is not this drip).
    pytest.param("Post-intubation sedation:\n  midazolam in 0.9% NaCl premixed bag 100 mg/100 mL (1 mg/mL), lot MZ0502, IV via L AC 18G\n"
                 "  1410 start 2 mg/h\n  1510 increased to 4 mg/h (RASS +1)\n"
                 "  1640 stopped - flight crew assumed care, started own propofol\n", "J2251", 8, id="drip-rows-naming-no-drug"),
    pytest.param("midazolam in 0.9% NaCl premixed bag 100 mg/100 mL (1 mg/mL), IV via L AC 18G\n  1410 start 2 mg/h\n"
                 "  1510 increased to 4 mg/h\n  1640 stopped\n", "J2251", 8, id="drip-rows-under-the-bags-giving-line"),
    # A rate change that mentions something else switched off is no stop.
    pytest.param("NITROGLYCERIN INFUSION RECORD\nProduct: nitroglycerin in D5W 50 mg/250 mL (200 mcg/mL), premixed glass bottle, lot NG0925B\n"
                 "1410 start 12 mL/h (40 mcg/min)     BP 204/110\n1430 up to 24 mL/h (80 mcg/min)     BP 176/96\n"
                 "1500 up to 30 mL/h (100 mcg/min)    BP 148/84\n1800 down to 15 mL/h (50 mcg/min)   BP 132/78, off BiPAP 1745\n"
                 "2000 OFF                            BP 138/80\n", "J2305", 27.2, id="drip-rows-a-vitals-off-is-no-stop"),
    # A side label opening a long line names the side of the giving at its end: the other knee's line is another dose.
    pytest.param("RIGHT knee: chlorhexidine prep, skin wheal lidocaine 1% 1 mL (MDV). Superolateral approach, 18G. Aspirated 6 mL"
                 " clear straw fluid (discarded). Genvisc 850 (sodium hyaluronate) 25 mg/2.5 mL PFS injected intra-articular, full syringe.\n"
                 "LEFT knee: same prep, lidocaine 1% 1 mL wheal. No effusion aspirated. Genvisc 850 25 mg/2.5 mL injected intra-articular,"
                 " full syringe.\n", "J7320", 50, id="side-label-opening-a-long-line"),
    # A line that names no drug and works a dose out gives the drug named on the line above it
    # (a regimen per m2, or a title naming no amount: "2L" there is the line of therapy).
    pytest.param("Trabectedin (YONDELIS) 1.5 mg/m2 every 3 weeks, cycle 3.\nBSA 1.75 m2 -> 2.625 mg.\n"
                 "08:45 trabectedin started via right chest port on ambulatory pump at 23 mL/h x 24 h.\n", "J9352", 2.625,
                 id="a-dose-worked-out-below-a-regimen"),
    pytest.param("tafasitamab - C3D1  10/01/2025   (DLBCL, 2L)\nwt 61.0 kg (down from 66) -> 12 mg/kg = 732 mg\n"
                 "4 x 200 mg vials, 68 mg left in last vial discarded\nNS 250 mL IV via port 1010-1145, tol well\n", "C9070", 732,
                 id="a-dose-worked-out-below-a-title"),
    # The worked-out result, not the cap beside it; the timed giving line states the same dose once more.
    pytest.param("Belantamab mafodotin (BLENREP) 2.5 mg/kg IV q3wk - cycle 4.\nWt 80.0 kg -> 200 mg (cap 250 mg).\n"
                 "1000-1030 Blenrep 200 mg infused IV via port.\n", "J9037", 200, id="a-dose-worked-out-not-its-cap"),
    # A brand the sources know only as an injection, taken by mouth under the oral code, is the oral form.
    pytest.param("MAR 0850: trimethobenzamide (Tigan) 300 mg cap PO - swallowed w/ water, observed - RN P. Hart\n", "Q0173", 300,
                 id="a-brand-taken-the-oral-codes-way"),
    # "300 micrograms (1500 i.u.)": the descriptor gives its unit in two measures, and converts one into the other.
    pytest.param("28 wk, Rh negative, antibody screen neg.\nRhoGAM 300 mcg prefilled syringe, lot 2305K1, given IM L deltoid 1040.\n",
                 "J2790", 1500, id="a-descriptors-own-equivalence"),
]


def test_a_dose_log_by_time_and_route_gives_the_tracer_its_product_line_names(kb):
    # "Inj time 0803, route IV": a charted injection (the time after "time" is a clock time, comma or not).
    note = "PET DOSE LOG\nTracer: flutemetamol F18 unit dose, lot X12\n  Assay 5.0 mCi @ 0800\n  Inj time 0803, route IV L AC\n  residual 0.1 mCi\n"
    reading = read(note, kb.facts("C9459"), kb)
    assert reading.administration.state == "given"
    assert {r.route for e in reading.administration.given for r in e.routes} == {"intravenous"}


def test_an_oral_nos_code_bills_the_drug_whose_codes_are_all_for_other_forms(kb):
    # Olanzapine's only code is the long-acting injection's; oral dexamethasone has J8540.
    note = ("Antiemetics:\n  0905 olanzapine 5 mg PO - given\n  0905 dexamethasone 12 mg PO - given\n"
            "  0910 palonosetron 0.25 mg IV - given\n")
    admin = read(note, kb.facts("J8597"), kb).administration
    assert admin.state == "given" and [e.mention.name.lower() for e in admin.counted] == ["olanzapine"]


def test_a_mass_under_a_code_billed_per_vial_needs_the_vials_opened(kb):
    admin = read("DigiFab 160 mg IV over 30 min at 1315.\n", kb.facts("J1162"), kb).administration
    assert admin.dose_base is None and admin.needed == "the count of the vials opened (the note gives mass)"


@pytest.mark.parametrize(("text", "code", "dose"), GIVEN_DOSES)
def test_the_giving_a_record_tells_and_its_dose(kb, text, code, dose):
    admin = read(text, kb.facts(code), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(dose)


def test_another_drug_given_for_the_billed_drugs_purpose_is_the_one_named(kb):
    # Of two other drugs given, the antiemetic is what stands in for the billed antiemetic.
    note = "Cefazolin 2 g IV at 0800.\nProchlorperazine 10 mg IV given at 0810 for nausea.\n"
    admin = read(note, kb.facts("J2405"), kb).administration
    assert admin.state == "other_drug"
    assert note[admin.other.mention.start : admin.other.mention.end] == "Prochlorperazine"


def test_another_product_of_the_drug_is_read_from_its_charted_giving(kb):
    note = ("HPI: severe hemophilia A on Jivi 3000 IU IV q5d home ppx.\n"
            "ED course: pt's own Jivi not with him; ED stock factor VIII = Advate. OK to give Advate 50 IU/kg (4,100) rounded to 4,000 IU.\n"
            "MAR\n1512  Advate 2 x 2000 IU vials = 4,000 IU IV push over 5 min R AC. Entire vials given, no waste.\n")
    admin = read(note, kb.facts("J7208"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "J7192"
    assert {r.route for r in admin.other.routes} == {"intravenous"}


def test_a_dose_injected_under_an_inhalation_solutions_code_is_the_injection_product(kb):
    # The injection has a code of its own; the inhalation solution's code bills another product.
    admin = read("0802  glycopyrrolate 0.2 mg IV (antisialagogue)\n0805  methohexital 80 mg IV\n", kb.facts("J7642"), kb).administration
    assert (admin.state, admin.other_code, admin.other_units) == ("other_drug", "J1596", 2)
    # Taken by mouth under the inhalation code, or injected under an oral code, it is judged as written (edge case 3).
    assert read("Acetylcysteine 20% solution 12 g PO given in juice.\n", kb.facts("J7608"), kb).administration.state == "given"
    assert read("Cyclophosphamide 1,080 mg IV over 30 min.\n", kb.facts("J8530"), kb).administration.state == "given"


def test_a_rate_is_no_dose_of_a_per_dose_codes_giving(kb):
    # The dose line and the timed infusion line with its pump rate are one giving of a per-dose code.
    note = ("Dose: delandistrogene moxeparvovec-rokl 1.33 x 10^14 vg/kg = 2.61 x 10^15 vg; kit per weight band; 196 mL drawn into syringes.\n"
            "0930-1100 ELEVIDYS infused IV via syringe pump through PIV L hand over 90 min (rate 2.2 mL/min max).\n")
    admin = read(note, kb.facts("J1413"), kb).administration
    assert admin.state == "given" and len(admin.counted) == 1


def test_a_dose_line_that_names_its_partner_only_after_with_is_the_drug_above_it(kb):
    # The indented line opens with the amount given and names the oil it was emulsified with.
    note = ("TACE, R lobe HCC\n"
            "MITOMYCIN 40 mg vial reconstituted w/ 80 mL SW (0.5 mg/mL)\n"
            "  20 mg (40 mL) mixed w/ Lipiodol 15 mL, given intra-arterially via microcatheter\n"
            "  remaining 20 mg discarded\n")
    admin = read(note, kb.facts("J9280"), kb).administration
    assert admin.dose_base == 20.0
    assert counted_routes(kb, note, "J9280") == {"intra-arterial"}


def test_a_flush_of_the_line_is_not_the_drug_documented_for_another_code(kb):
    note = ("Order: Brandnamex 500 mg IV q12h.\n"
            "0900 start via PICC\n"
            "1000 stop, flushed NS/heparin lock 10 units/mL 5 mL\n")
    admin = read(note, kb.facts("J1267"), kb).administration
    assert admin.state != "other_drug"


def test_a_nameless_giving_takes_the_order_dose_past_the_vials_diluent(kb):
    # The vial line's reconstitution and bag volumes are the carrier, not the dose.
    note = ("Order: meropenem 1 g IVPB q8h.\n"
            "Meropenem 1 g single-dose vial reconstituted w/ 20 mL, full vial added to 100 mL NS.\n"
            "0800 IVPB started via PIV\n"
            "0830 completed\n")
    assert dose_of(kb, note, "J2185") == 1000.0


def test_a_clause_of_the_days_after_on_a_timed_row_is_no_second_giving(kb):
    note = ("0900 prednisone 60 mg PO - taken in clinic, witnessed; D2-5 60 mg PO daily at home\n"
            "0910 ondansetron 8 mg IV\n")
    assert dose_of(kb, note, "J7512") == 60.0


def test_a_dilution_to_a_final_volume_does_not_scale_the_vial_strength(kb):
    note = ("Exparel 266 mg/20 mL single-dose vial, expanded with 20 mL NS to 40 mL, infiltrated into the "
            "incision at closure. Entire vial used.")
    assert dose_of(kb, note, "C9290") == 266.0


def test_a_pump_run_by_volume_gives_the_strength_times_the_volume_over_its_hours(kb):
    # 0.05 mL/h for the whole day at 2 mg/mL: 2.4 mg; the pump's name is no morphine ("MS").
    note = ("Treprostinil 2 mg/mL, 20 mL multi-dose vial. SC continuous via CADD-MS 3, R abdomen.\n"
            "10/02: 0000-2400 infusing at 0.05 mL/h, no alarms.\n")
    assert dose_of(kb, note, "J3285") == pytest.approx(2.4)


def test_a_piggyback_bag_run_at_a_volume_rate_gives_its_content(kb):
    note = "Anidulafungin 100 mg/100 mL IVPB via PICC 1300-1430 (1.1 mL/min). Entire bag infused."
    assert dose_of(kb, note, "J0348") == 100.0


def test_a_dose_drawn_in_a_clause_after_a_semicolon_and_mixed_with_another_product_is_the_drug_before_it(kb):
    # The clause after the vial's semicolon gives the amount drawn; lidocaine, with its own amount
    # after the partner word, is what the dose was mixed with, not the dose.
    note = ("Procedure 10:05: phentolamine mesylate 5 mg vial reconstituted w/ 1 mL SW (5 mg/mL); "
            "0.4 mL (2 mg) drawn and mixed w/ 0.6 mL lidocaine 1% plain; 1 mL injected as local infiltration at the site.\n"
            "Remaining 3 mg in vial discarded.\n")
    assert dose_of(kb, note, "J2760") == 2.0


def test_a_stop_told_only_after_the_amount_given_cuts_nothing_short(kb):
    # "reaction" on the diagnosis line comes after the run's "UF 2.1 L": no infusion was stopped.
    note = ("0930 per order diphenhydramine 25 mg IV push via venous port.\n"
            "1000 hives fading. Tx completed 4h, UF 2.1 L.\n"
            "Dx: urticaria, suspected dialyzer reaction.\n")
    assert dose_of(kb, note, "J1200") == 25.0


def test_a_timed_row_under_a_plan_header_records_the_giving(kb):
    note = ("PLAN\n"
            "1. Diuresis in clinic today:\n"
            "   1340 furosemide 40 mg IV push over 2 min via R AC PIV.\n"
            "2. Recheck BMP in 3 days.\n")
    assert dose_of(kb, note, "J1940") == 40.0


def test_a_timed_row_under_an_order_header_is_the_order(kb):
    # The clock on an order row is when it was ordered; the MAR rows below record the givings.
    note = ("ORDERS\n"
            " 0700 cefazolin 2 g IVPB x1 now, then cefazolin 1 g IVPB q8h\n"
            "MAR\n"
            " cefazolin 2 g   0715 GIVEN IVPB\n")
    assert dose_of(kb, note, "J0690") == 2000.0


def test_the_iodine_strength_stated_beside_a_contrast_brand_picks_its_band(kb):
    # The brand is listed under the 250-299 mg/mL band; the note states 202 mg iodine/mL.
    note = "Contrast: Conray 43 (iothalamate meglumine 43%, 202 mg iodine/mL), 30 mL injected through 6F sheath.\n"
    admin = read(note, kb.facts("Q9960"), kb).administration
    assert admin.state == "given" and admin.dose_base == 30.0


def test_a_volume_run_through_a_sheath_is_intravascular(kb):
    note = "Contrast: Omnipaque 300, 25 mL total via 6F sheaths.\n"
    assert counted_routes(kb, note, "Q9967") == {"intravenous"}


def test_a_biosimilars_moiety_names_it_among_the_drugs_products(kb):
    # "infliximab" is a class of products, Inflectra one of them: under the Ixifi code the dosed
    # giving is Inflectra's, another product's.
    note = ("RA, infliximab maintenance, infusion #4.\n"
            "Product: Inflectra (infliximab-dyyb) 100 mg vials x 4, 40 mL (400 mg) added to 250 mL NS.\n"
            "Infused IV over 2 h.\n")
    admin = read(note, kb.facts("Q5109"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "Q5103"


def test_a_unit_dose_vial_written_after_an_inhaled_drug_is_the_unit_dose_product(kb):
    # J7612 bills levalbuterol in its concentrated form; the note gives the unit-dose product (J7614/J7615).
    note = "1420 levalbuterol 0.63 mg/3 mL unit-dose vial via nebulizer w/ mask, entire vial.\n"
    admin = read(note, kb.facts("J7612"), kb).administration
    assert admin.state == "other_drug" and admin.other_code in {"J7614", "J7615"}


def test_a_manufacturer_product_written_after_an_inhaled_drug_is_the_non_compounded_code(kb):
    note = "Protocol: ipratropium bromide 0.5 mg/2.5 mL unit-dose vial, manufacturer product, via nebulizer x1.\n"
    assert read(note, kb.facts("J7644"), kb).administration.state == "given"
    assert read(note, kb.facts("J7645"), kb).administration.state == "other_drug"


def test_a_later_hold_of_the_giving_by_its_kind_overrules_a_default_reading(kb):
    # The regimen table says what was planned; the nurse's line holds it by its kind.
    note = ("Regimen table (planned for today): paclitaxel protein-bound particles 206 mg IV; gemcitabine 1,650 mg IV.\n"
            "RN 09:45: chemotherapy held per Dr. Baptiste; neutropenic precautions reviewed.\n")
    assert read(note, kb.facts("J9264"), kb).administration.state == "not_given"
    # "No infusion reaction" holds nothing, and a pause that resumes is no hold.
    for after in ("No infusion reaction.", "Infusion held x 15 min for chills, then resumed at half rate."):
        note = f"Rituximab 700 mg IV via port.\n{after}\n"
        assert read(note, kb.facts("J9312"), kb).administration.state == "given", after
