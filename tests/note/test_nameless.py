"""Givings that name no drug ("1005 infusion started via PIV") read as the record's drug."""

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.note.reading import read
from tests.note.reading_helpers import counted_routes, dose_of


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


INFUSION_RECORD = """INFUSION CENTER - TREATMENT RECORD
Wt 64 kg
Order: Inflectra 5 mg/kg IV q8wk, maintenance
Drug: INFLECTRA (infliximab-dyyb) 100 mg vial x 4, lot 7X22A, exp 01/2027
Dose prepared: 320 mg (32 mL) in 0.9% NaCl 250 mL
Premed: acetaminophen 650 mg PO, diphenhydramine 25 mg PO at 0950
1005 infusion started via PIV, 22g R forearm, at 10 mL/h, titrated per protocol
1210 infusion complete. Tolerated well.
"""


def test_a_timed_infusion_line_is_the_record_drugs_administration(kb):
    reading = read(INFUSION_RECORD, kb.facts("Q5103"), kb)
    nameless = [e for e in reading.note.events if e.nameless]
    assert len(nameless) == 1  # "infusion complete" is the same giving, not a second one
    giving = nameless[0]
    assert reading.text[giving.mention.start : giving.mention.end] == "infusion"
    assert {r.route for r in giving.routes} == {"intravenous"}
    assert reading.administration.state == "given"
    assert reading.administration.dose_base == 320  # the prepared dose, not the gauge or the vial


def test_the_order_and_product_lines_keep_their_roles(kb):
    reading = read(INFUSION_RECORD, kb.facts("Q5103"), kb)
    named = {reading.text[e.mention.start : e.mention.end]: e.role for e in reading.note.events if not e.nameless}
    assert named["Inflectra"] == "ordered"
    assert named["acetaminophen"] == "administered"


def test_a_needle_gauge_before_a_limb_is_no_amount(kb):
    reading = read(INFUSION_RECORD, kb.facts("Q5103"), kb)
    assert not any(reading.text[a.start : a.end] == "22g" for a in reading.note.annotations.amounts)


def test_a_held_infusion_is_no_giving(kb):
    text = "Order: Venofer 200 mg IV over 15 min.\nInfusion held today: patient febrile 38.6 C. Rescheduled."
    reading = read(text, kb.facts("J1756"), kb)
    assert not any(e.nameless for e in reading.note.events)
    assert reading.administration.state == "not_given"


def test_an_earlier_infusion_told_in_the_history_is_no_giving(kb):
    text = "Order: Venofer 200 mg IV over 15 min.\nHPI: last infusion given 2 weeks ago without issue."
    reading = read(text, kb.facts("J1756"), kb)
    assert not any(e.nameless for e in reading.note.events)


def test_two_drugs_ordered_leave_the_giving_unresolved(kb):
    text = "Orders: Rocephin 1 g IM; Toradol 30 mg IM.\n1400 injection given L gluteus."
    reading = read(text, kb.facts("J0696"), kb)
    assert not any(e.nameless for e in reading.note.events)


def test_a_giving_line_an_open_order_took_is_not_read_twice(kb):
    text = "ED course: Ceftriaxone 1 g ordered. Ketorolac 30 mg ordered.\n1400 injection given IM L gluteus."
    reading = read(text, kb.facts("J0696"), kb)
    assert not any(e.nameless for e in reading.note.events)


def test_a_product_line_given_without_an_amount_takes_its_orders_dose(kb):
    text = ("Order: denosumab (Prolia) 60 mg SC every 6 months.\n"
            "Product: Prolia 60 mg/mL prefilled syringe, lot 1134F, exp 08/2027.\n"
            "Injection given SC R upper arm at 1415 by RN.")
    reading = read(text, kb.facts("J0897"), kb)
    assert reading.administration.state == "given"
    assert reading.administration.dose_base == 60


def test_a_total_line_under_a_site_table_is_the_dose_of_the_drug_above_it(kb):
    text = ("Drug: Botox (onabotulinumtoxinA) 200-unit single-dose vial, reconstituted with 4 mL preservative-free NS (5 U/0.1 mL).\n"
            "Technique: intramuscular injections, 30g 0.5-inch needle, 5 U (0.1 mL) per site:\n"
            "  procerus 5 U (1 site)\n  corrugator 10 U (2 sites)\n  frontalis 20 U (4 sites)\n"
            "Total 35 units in 7 sites. Remaining 165 units in the vial discarded.")
    reading = read(text, kb.facts("J0585"), kb)
    assert reading.administration.dose_base == 35
    assert [r.route for e in reading.administration.counted for r in e.routes] == ["intramuscular"]


def test_a_total_line_does_not_replace_a_dose_the_giving_states(kb):
    text = "Ketorolac 30 mg IM R deltoid at 1400.\nTotal 60 mg today."
    assert read(text, kb.facts("J1885"), kb).administration.dose_base == 30


PREPARED_THEN_INFUSED = """HOME INFUSION VISIT
Access: L cephalic midline, flushes easily.
0915  Cefepime 2 g vial reconstituted with 10 mL SWFI, 2 g drawn up and added to NS 100 mL.
0920  Infusion started via midline, over 30 min.
0955  Infusion complete.
"""


def test_a_giving_line_lends_its_route_to_the_drug_prepared_before_it(kb):
    reading = read(PREPARED_THEN_INFUSED, kb.facts("J0692"), kb)
    given = reading.administration.given
    assert given and {r.route for r in given[0].routes} == {"intravenous"}


def test_a_drug_with_a_route_of_its_own_keeps_it(kb):
    text = "Toradol 30 mg given IM to the L gluteus.\nInjection site without redness; tolerated well, no infusion reaction."
    reading = read(text, kb.facts("J1885"), kb)
    assert {r.route for e in reading.administration.given for r in e.routes} == {"intramuscular"}


SITE_TABLE = """BOTULINUM TOXIN PROCEDURE NOTE
Product: Dysport 300-unit vial, reconstituted with 1.5 mL NS (20 units/0.1 mL).
EMG guided, injection needle, intramuscular.

Muscle        | Side | Units
Gastrocnemius | R    | 150
Soleus        | R    | 100
Total injected: 250 units. Remaining 50 units discarded.
"""


def test_a_total_line_after_a_site_table_is_the_products_dose(kb):
    reading = read(SITE_TABLE, kb.facts("J0586"), kb)
    assert reading.administration.state == "given"
    assert reading.administration.dose_base == 250
    assert {r.route for e in reading.administration.given for r in e.routes} == {"intramuscular"}


def test_a_timed_row_with_a_route_is_a_giving_and_its_continuation_adds_to_it(kb):
    note = ("ChiRhoStim 16 mcg vial reconstituted with 8 mL NS (2 mcg/mL). Planned dose 0.2 mcg/kg = 16 mcg.\n"
            "1010 test dose 0.2 mcg IV, no reaction.\n"
            "1012 remaining 15.8 mcg IV over 1 min, whole vial used.")
    admin = read(note, kb.facts("J2850"), kb).administration
    assert admin.dose_base == pytest.approx(0.016)  # 16 mcg, in mg: not the vial read as a third dose
    assert len([e for e in admin.counted if e.nameless]) == 2


def test_a_route_line_reaches_past_a_stock_line_and_a_prep_agent_to_the_giving(kb):
    note = ("Drug: [ ] Vabysmo  [x] Eylea\n"
            "Medication: EYLEA (aflibercept) 2 mg/0.05 mL vial, lot 7Z11, exp 01/2027.\n"
            "Procedure: time-out; povidone-iodine 5%; speculum; 30g, 4 mm post-limbus; intravitreal injection OD.")
    admin = read(note, kb.facts("J0178"), kb).administration
    assert {r.route for e in admin.counted for r in e.routes} == {"intravitreal"}


@pytest.mark.parametrize(("note", "code", "dose"), [
    # A test dose, then the rest of the dose on a line that names no drug.
    ("Plan: iron dextran 100 mg today.\n1000 TEST DOSE: iron dextran 25 mg IV over 5 min. No reaction.\n"
     "1105 Remaining 75 mg IV push over 2 min.", "J1750", 100),
    # A titrated sedation: the same amount again is a second dose, not a restatement.
    ("Midazolam 1 mg IV at 0902.\nAdditional 1 mg given at 0910 for comfort.", "J2250", 2),
    # What remained was discarded, not given.
    ("Iron dextran 25 mg IV given.\nRemaining 75 mg wasted in sharps.", "J1750", 25),
    # Two drugs on the line before: whose dose it is cannot be told.
    ("Fentanyl 50 mcg IV and midazolam 1 mg IV at 0902.\nAdditional 1 mg given at 0910.", "J2250", 1),
    # After a lead-in, a volume more of a drug dosed by volume (its additive took no dose of its own).
    ("Then 6 cc of 0.5% Marcaine with epinephrine was infiltrated about the incision.  In addition, "
     "an additional 4 cc were used on the skin of the palm.", "J0665", 50),
])
def test_a_continuation_line_adds_to_the_drug_given_just_before(kb, note, code, dose):
    reading = read(note, kb.facts(code), kb)
    assert reading.administration.dose_base == dose, [(e.mention.name, e.role, e.amounts) for e in reading.note.events]


def test_an_order_field_names_the_drug_of_a_flowsheet_whose_rows_name_none(kb):
    note = ("Order: infliximab-abda (RENFLEXIS) 5 mg/kg IV every 8 weeks = 410 mg in 0.9% NaCl 250 mL\n"
            "Premeds (0915): acetaminophen 650 mg PO, cetirizine 10 mg PO.\n"
            "| Time | Rate (mL/h) | Comment |\n| 0930 | 10 | start via 22g R forearm PIV |\n"
            "| 1130 | -- | infusion complete, 410 mg infused; line flushed NS |")
    reading = read(note, kb.facts("Q5104"), kb)
    assert reading.administration.state == "given" and reading.administration.dose_base == 410
    # A plan is still no record: "Plan: start infliximab 5 mg/kg" then "infusion ... tolerated" in another visit's words.
    plan = "Plan: infliximab-abda 5 mg/kg IV at the next visit.\nToday: infusion chair cleaned."
    assert read(plan, kb.facts("Q5104"), kb).administration.state != "given"


def test_a_mar_grid_under_one_drugs_order_records_a_giving_on_each_dosed_row(kb):
    from datetime import date

    from docreview.note.reading import read

    note = ("MAR - MICAFUNGIN (MYCAMINE)\nOrder: micafungin 100 mg IV q24h.\n\n"
            "Date | Time | Dose | Route | Init\n"
            "03/02/25 | 0900 | 100 mg | IV | KL\n"
            "03/03/25 | 0905 | 100 mg | IV | KL\n"
            "03/04/25 | 0900 | HELD | -- | RB\n")
    facts = kb.facts("J2248")
    assert read(note, facts, kb).administration.dose_base == 200.0  # every dosed row, no date asked
    admin = read(note, facts, kb, date(2025, 3, 3)).administration
    assert admin.dose_base == 100.0 and admin.counted[0].routes
    assert read(note, facts, kb, date(2025, 3, 4)).administration.state == "not_given"


def test_a_double_spaced_mar_grid_is_read_row_by_row(kb):
    from docreview.note.reading import read

    note = ("MAR - MICAFUNGIN\n\nOrder: micafungin 100 mg IV q24h.\n\n"
            "Date | Time | Dose | Route | Init\n\n"
            "03/02/25 | 0900 | 100 mg | IV | KL\n\n"
            "03/03/25 | 0905 | 100 mg | IV | KL\n\n"
            "03/04/25 | 0900 | HELD | -- | RB\n")
    assert read(note, kb.facts("J2248"), kb).administration.dose_base == 200.0


def test_a_dose_and_a_stated_route_charted_without_a_verb_under_a_vial_line_are_the_giving(kb):
    note = ("Depo-Estradiol (estradiol cypionate) 5 mg/mL, 5 mL multiple-dose vial, lot Q12. 1 mL (5 mg) IM L gluteal.\n"
            "Rest of the vial kept for next month.")
    assert read(note, kb.facts("J1000"), kb).administration.dose_base == 5.0  # not the vial's 25 mg


def test_a_vial_line_taken_as_the_giving_gives_way_to_a_giving_that_names_no_drug(kb):
    note = ("Procedure: Xiaflex injection into the cord.\n"
            "Xiaflex 0.9 mg single-dose vial (lot B77) reconstituted with 0.39 mL of supplied diluent.\n"
            "Palm marked and prepped; the 0.58 mg dose injected intralesionally in three passes.\n"
            "Leftover 0.32 mg discarded.")
    reading = read(note, kb.facts("J0775"), kb)
    assert reading.administration.dose_base == 0.58
    assert [e.role for e in reading.note.events if not e.nameless] == ["restatement", "container"]  # title, vial; no diluent
    nameless = [e for e in reading.note.events if e.nameless]
    assert len(nameless) == 1 and "J0775" in nameless[0].mention.codes


def test_a_drugless_line_that_opens_with_its_giving_verb_tells_the_dose_given(kb):
    note = ("Prep: JELMYTO 2 x 40 mg mitomycin vials reconstituted -> 20 mL at 4 mg/mL.\n"
            "Instilled 12 mL (48 mg) via R ureteral catheter into the renal pelvis; catheter out.\n"
            "Remaining 8 mL (32 mg) discarded.")
    reading = read(note, kb.facts("J9281"), kb)
    assert reading.administration.dose_base == 48.0
    assert {r.route for e in reading.administration.counted for r in e.routes} == {"pyelocalyceal"}


def test_a_giving_that_names_no_drug_takes_the_route_of_the_line_after_it(kb):
    note = ("MEDICATION: aflibercept (EYLEA) 2 mg/0.05 mL single-dose vial, lot 9Q1.\n"
            "   Overfill expelled to the line; full 2 mg dose injected.\n"
            "INJECTION: 30g needle, 4 mm post-limbus, superotemporal, intravitreal OS.")
    admin = read(note, kb.facts("J0178"), kb).administration
    assert admin.dose_base == 2.0 and [r.route for e in admin.counted for r in e.routes] == ["intravitreal"]


def test_a_line_under_an_administration_header_with_a_stated_route_is_the_ordered_drugs_giving(kb):
    note = ("ORDER: tocilizumab 8 mg/kg = 560 mg IV over 60 min.\n"
            "PHARMACY PREP: 400 mg/20 mL vial x1, 200 mg/10 mL vial x1; withdrawn 28 mL = 560 mg into NS, final volume 100 mL.\n"
            "ADMINISTRATION: IV infusion via right forearm PIV, 09:05-10:07 at 100 mL/h. No reaction.")
    admin = read(note, kb.facts("J3262"), kb).administration
    assert admin.state == "given" and admin.dose_base == 560.0


def test_a_volume_delivered_after_the_injection_clause_is_the_vials_drug_past_surface_anesthetics(kb):
    note = ("Aflibercept 2 mg/0.05 mL single-dose vial, lot X1.\n"
            "Anesthesia: topical tetracaine drops, 3.5% lidocaine gel pledget. Antisepsis: povidone-iodine 5%.\n"
            "Injected intravitreally OS, inferotemporal, 4.0 mm posterior to limbus; 0.05 mL delivered.")
    reading = read(note, kb.facts("J0178"), kb)
    assert reading.administration.state == "given" and reading.administration.dose_base == 2.0
    assert [r.route for e in reading.administration.given for r in e.routes] == ["intravitreal"]


def test_an_oral_premedication_is_no_record_of_an_iv_infusion_that_names_no_drug(kb):
    note = ("Infusion note - alemtuzumab, day 2 of 5\n"
            "Premedication: cetirizine 10 mg PO; valacyclovir 500 mg PO BID (prophylaxis, ongoing).\n"
            "Drug: LEMTRADA (alemtuzumab) 12 mg/1.2 mL single-dose vial, lot Q1; full 1.2 mL added to 100 mL NS.\n"
            "09:25 IV infusion started via right forearm PIV; 13:30 complete.")
    admin = read(note, kb.facts("J0202"), kb).administration
    assert admin.state == "given" and admin.dose_base == 12.0
    assert [e.nameless for e in admin.given] == [True]  # the infusion line is the giving, the vial line describes it


def test_vials_named_by_their_drug_hold_the_drug_and_the_line_below_gives_the_made_up_volume(kb):
    note = ("Admixture (pharmacy): 2 x 20 mg mitomycin vials + hydrogel -> 2 mg/mL, 20 mL total (40 mg).\n"
            "Instilled 12 mL (24 mg) through the nephrostomy into the renal pelvis; tube clamped 2 h.")
    admin = read(note, kb.facts("C9064"), kb).administration
    assert admin.state == "given" and admin.dose_base == 24.0


def test_a_line_that_opens_with_the_giving_verb_and_a_route_gives_the_ordered_product(kb):
    note = ("Cell product: remestemcel-L (Ryoncil), ordered 2 x 10^6 cells/kg; two bags thawed at the bedside.\n"
            "Premed: diphenhydramine 1 mg/kg IV 15 min prior.\n"
            "1405-1420 infused IV via L chest port, no filter, by gravity per protocol.\n")
    reading = read(note, kb.facts("J3402"), kb)
    assert reading.administration.state == "given"
    giving = next(e for e in reading.note.events if e.nameless)
    assert reading.text[giving.mention.start : giving.mention.end] == "infused"


def test_the_drawn_dose_on_the_giving_line_is_the_dose_of_the_unnamed_giving(kb):
    note = ("Nplate (romiplostim) 250 mcg single-dose vial reconstituted with 0.72 mL SWFI = 500 mcg/mL.\n"
            "Drew 0.36 mL (180 mcg). Given subcut R abdomen 09:40 by RN.\n"
            "Remaining 70 mcg in vial discarded.")
    admin = read(note, kb.facts("J2802"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(0.18)  # mg


def test_a_reconstitution_fluid_is_no_giving_and_an_infused_line_gives_the_route(kb):
    note = ("Pharmacy: Ogivri 420 mg multiple-dose vial (reconstituted 0815 with 20 mL bacteriostatic water; 21 mg/mL). "
            "19 mL (399 mg) added to NS 250 mL.\n"
            "Vial returned to the refrigerator.\n"
            "1000-1030 infused IV via port.")
    reading = read(note, kb.facts("Q5114"), kb)
    water = next(e for e in reading.note.events if e.mention.name == "bacteriostatic water")
    assert water.role == "other"
    assert reading.administration.dose_base == 399
    assert {r.route for e in reading.administration.counted for r in e.routes} == {"intravenous"}


def test_the_volume_used_after_a_preparation_given_by_percent_is_its_dose_at_each_site(kb):
    note = ("Lidocaine 1% with 1:100,000 epinephrine was injected into the anterior septum.  Approximately 8 cc total was used.  "
            "A flap was raised.\nAttention then was directed toward the left turbinate.  Lidocaine 1% with 1:100,000 "
            "epinephrine was injected there.  Approximately 8 cc total was used.")
    admin = read(note, kb.facts("J2004"), kb).administration
    assert admin.dose_base == 160  # 2 x 8 mL x 10 mg/mL, the base drug of the one preparation


def test_mar_rows_under_an_order_with_a_strength_are_its_givings_not_a_preparation(kb):
    note = ("MAR (labetalol HCl injection 5 mg/mL, 20 mL multiple-dose vial, Hikma):\n"
            "   14:05  2 mL (10 mg) IV push over 2 min ........ BP 14:15 190/104\n"
            "   14:25  4 mL (20 mg) IV push over 2 min ........ BP 14:40 170/96\n")
    assert read(note, kb.facts("J1921"), kb).administration.dose_base == 30


@pytest.mark.parametrize(("note", "code", "dose"), [
    ("INFUSION CENTER - Zynlonta (loncastuximab tesirine) cycle 2 day 1\n"
     "Dx: relapsed DLBCL (C83.38). Wt 70 kg.\n"
     "Dexamethasone 4 mg PO BID day -1, day 1, day 2 (taken).\n"
     "Dose 0.15 mg/kg = 10.5 mg.\n"
     "1000-1030 infused IV over 30 min via port. No reaction.", "J9359", 10.5),
    # A weight line that works out the dose is such a line too.
    ("Lipid clinic infusion\n"
     "HoFH on statin and apheresis.\n"
     "Vials: Evkeeza 345 mg/2.3 mL x3, lot EV7714.\n"
     "Wt 62.0 kg -> 15 mg/kg = 930 mg (6.2 mL of 150 mg/mL).\n"
     "Diluted in NS to 250 mL; IV over 60 min via PIV, 13:15-14:15. No reaction.", "J1305", 930),
])
def test_a_dose_line_of_the_record_that_names_no_drug_is_the_unnamed_givings_dose(kb, note, code, dose):
    admin = read(note, kb.facts(code), kb).administration
    assert admin.state == "given" and admin.dose_base == dose


def test_a_container_given_whole_stands_for_the_drug_of_its_stock_line(kb):
    note = ("MEDS THIS RUN\n"
            "10:05  Triferic AVNU (ferric pyrophosphate citrate) 6.75 mg iron / 4.5 mL ampule, lot T8812.\n"
            "       Run IV into the venous line by syringe pump over 3 h; whole ampule delivered.")
    admin = read(note, kb.facts("Q9976"), kb).administration
    assert admin.state == "given" and abs(admin.dose_base - 6.75) < 1e-9
    assert {r.route for e in admin.counted for r in e.routes} == {"intravenous"}


def test_the_amount_a_vial_line_makes_up_into_its_bag_is_the_dose_of_a_giving_that_names_no_drug(kb):
    note = ("INFUSION RECORD - zanidatamab-hrii (Ziihera) cycle 2 day 1\n"
            "Weight 70 kg; 20 mg/kg = 1,400 mg every 2 weeks.\n"
            "Pharmacy: Ziihera 300 mg single-dose vials x5 (lot QZ118), each reconstituted to 50 mg/mL (6 mL); "
            "28 mL (1,400 mg) into NS 250 mL; 2 mL (100 mg) left in the last vial discarded.\n"
            "Premeds: acetaminophen 650 mg PO.\n"
            "09:00-10:30 infused IV through the port over 90 min; tolerated.")
    admin = read(note, kb.facts("J9276"), kb).administration
    assert admin.state == "given" and admin.dose_base == 1400.0


def test_a_giving_verb_with_an_implied_route_opens_the_records_giving(kb):
    note = ("Order: avalglucosidase alfa (Nexviazyme) 20 mg/kg = 1,300 mg IV every 2 weeks. Weight 65 kg.\n"
            "Pharmacy: fourteen 100 mg vials reconstituted; 1,300 mg withdrawn.\n"
            "Infused via PIV with stepwise rate increases, 0830-1330, without reaction.")
    admin = read(note, kb.facts("J0219"), kb).administration
    assert admin.state == "given"


def test_the_dose_drawn_on_the_preparation_line_is_the_dose_of_a_giving_charted_by_its_span(kb):
    # The giving names no drug and no time at the start of its line, only the span it ran; the
    # dose is the amount drawn up, not the vials' content.
    note = ("ENZYME INFUSION\nOrder: Naglazyme (galsulfase) 1 mg/kg IV weekly.\n"
            "Prep: Naglazyme 5 mg/5 mL vials x 4 (20 mg). Withdrawn 18 mL = 18 mg, diluted with NS to 250 mL.\n"
            "Infusion IV via port 0830-1235, rate per label. Unused 2 mL discarded.")
    admin = read(note, kb.facts("J1458"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(18.0)
    # The amount written before the draw word is the dose drawn too.
    note = ("Naglazyme 5 mg/5 mL vials x 4 (20 mg). 18 mL (18 mg) withdrawn, diluted in NS to 250 mL; "
            "infused IV over 4 h, R forearm PIV.")
    admin = read(note, kb.facts("J1458"), kb).administration
    assert admin.state == "given" and admin.dose_base == pytest.approx(18.0)


def test_a_container_that_only_arrived_is_no_giving_and_an_application_is_one(kb):
    note = ("DERMATOLOGY CLINIC - gene therapy gel\n"
            "Vyjuvek (beremagene geperpavec) gel drawn up by pharmacy; 1.5 mL syringe received.\n"
            "Applied topically in drops over the left calf wound, 0.6 mL total. Dressing placed.")
    nameless = [e for e in read(note, kb.facts("J3401"), kb).note.events if e.nameless]
    assert [e.sentence.line for e in nameless] == [2]


TWO_BAG_RECORD = """ONCOLOGY FLOWSHEET - cycle 1 day 2
Regimen: rituximab + ibrutinib (ibrutinib tablets start next week)
Order: rituximab 375 mg/m2 = 700 mg, split: day 1 100 mg, day 2 600 mg
Pharmacy: Rituxan 500 mg/50 mL vial x1 and 100 mg/10 mL vial x2
  Bag 1: 100 mg in NS 100 mL, given day 1.
  Bag 2: 600 mg in NS 250 mL.
0800 premeds: acetaminophen 650 mg PO; diphenhydramine 25 mg IV.
0830 Bag 2 started via R arm PIV at 50 mg/h.
1145 Bag 2 complete.
"""


def test_a_giving_that_names_a_labelled_bag_gives_that_bags_dose(kb):
    # The tablet named in the regimen line (no HCPCS code) does not make the bag's drug ambiguous.
    admin = read(TWO_BAG_RECORD, kb.facts("J9312"), kb).administration
    assert admin.state == "given" and admin.dose_base == 600.0


def test_the_last_draw_line_gives_the_dose_though_other_lines_stand_between(kb):
    note = ("Pharmacist note - Mylotarg day 4\n"
            "Vial: gemtuzumab ozogamicin 4.5 mg, reconstituted to 1 mg/mL.\n"
            "Drew 3.2 mL = 3.2 mg; diluted in NS to 50 mL.\n"
            "Residual 1.3 mL discarded.\n"
            "Premeds 09:00: acetaminophen 650 mg PO, diphenhydramine 50 mg IV.\n"
            "Administered IV over 2 h via port, 09:30-11:30.\n")
    admin = read(note, kb.facts("J9203"), kb).administration
    assert admin.state == "given" and admin.dose_base == 3.2


def test_a_flush_is_not_the_dose_and_the_stocked_strength_converts_the_volume_drawn(kb):
    note = ("OPAT visit\n"
            "Ertapenem 1 g IV daily ordered.\n"
            "Stock: Invanz 1 g vial reconstituted to 100 mg/mL (10 mL).\n"
            "All 10 mL withdrawn and added to NS 50 mL.\n"
            "Given IV piggyback over 30 min via PICC, then NS 10 mL flush.\n")
    admin = read(note, kb.facts("J1335"), kb).administration
    assert admin.dose_base == 1000.0


def test_an_infusion_stopped_early_gives_what_went_in(kb):
    note = ("Order: AmBisome 3 mg/kg = 210 mg IV, weight 70 kg.\n"
            "Premeds 12:30: acetaminophen 650 mg PO.\n"
            "1300 infusion started via PICC.\n"
            "1350 chills and rigors -> infusion stopped. Pump volume infused 90 mL (90 mg).\n")
    admin = read(note, kb.facts("J0289"), kb).administration
    assert admin.dose_base == 90.0


def test_a_charted_row_that_opens_with_its_route_is_the_records_giving(kb):
    note = ("Vimizim weekly infusion - 03/04\n"
            "2 mg/kg = 40 mg = 40 mL (1 mg/mL).\n"
            "8 x 5 mg/5 mL vials; 40 mL added to NS for 100 mL total.\n"
            "IV over 4 h via PIV: 3 mL/h for 15 min, then 36 mL/h; 09:00-13:00.\n")
    admin = read(note, kb.facts("J1322"), kb).administration
    assert admin.state == "given" and admin.dose_base == 40.0


def test_a_volume_withdrawn_into_a_bag_is_drawn_up_and_the_records_strength_converts_it(kb):
    # "withdrew" also tells of fluid taken out of a patient; here the drug goes into a bag.
    note = ("Kanuma infusion visit\n"
            "Wt 70 kg.\n"
            "Vials: 4 x 20 mg/10 mL (NDC on file). Withdrew 35 mL; added to NS 100 mL.\n"
            "IV over 2 h via port, 10:00-12:00.\n")
    admin = read(note, kb.facts("J2840"), kb).administration
    assert admin.dose_base == 70.0


def test_a_fluid_bolus_is_the_fluids_giving_not_the_records_drug(kb):
    note = ("FAMILY PRACTICE - IV THERAPY VISIT\n"
            "72 y/o man with myeloma (C90.00); calcium 13.2 mg/dL. Zoledronic acid held for creatinine 2.5; hematology agreed to etidronate.\n"
            "Weight 75 kg. Etidronate 7.5 mg/kg/day x 3 days.\n"
            "Day 1 today: 1 L NS bolus first. Then Didronel IV (etidronate disodium) 300 mg/6 mL ampules x 2 = 600 mg, entire contents "
            "of both ampules added to 250 mL NS, infused IV over 2 hours (13:00-15:05). Nothing left over.\n")
    admin = read(note, kb.facts("J1436"), kb).administration
    assert not any(e.nameless for e in admin.counted) and admin.dose_base == 600.0


def test_a_giving_verb_after_a_fields_label_opens_the_sentence(kb):
    note = ("Pharmacy note - enzyme replacement, 06/04\n"
            "Galsulfase (Naglazyme) weekly infusion for a 7-year-old with MPS VI. Weight 20 kg.\n"
            "Order: 1 mg/kg IV once weekly. 1 mg/kg x 20 kg = 20 mg = 20 mL of the 1 mg/mL solution.\n"
            "Vials pulled: 4 x 5 mg/5 mL. Removed 20 mL from a NS 100 mL bag and added 20 mL drug.\n"
            "Pre-medication 09:50: cetirizine 5 mg PO, acetaminophen 240 mg PO.\n"
            "Nursing addendum: started 10:40 via PIV L hand at 6 mL/h, advanced per protocol; complete 14:40.\n")
    admin = read(note, kb.facts("J1458"), kb).administration
    assert admin.state == "given" and admin.dose_base == 20.0


PEDIATRIC_PUSH = """OUTPATIENT INFUSION - Fosdenopterin, day 122 of therapy
Wt today 5.8 kg. Current dose: 0.9 mg/kg once daily = 5.22 mg.
Caregiver training (mother performs home doses; today's dose given by RN in clinic).
Prep: Nulibry 9.5 mg single-dose vial reconstituted with 5 mL SWFI -> 1.9 mg/mL.
      2.75 mL (5.22 mg) withdrawn into 3 mL syringe.
Admin: 1105 IV push via PICC by syringe pump; flushed NS 2 mL.
"""


def test_the_dosed_giving_line_wins_over_an_undosed_word_about_the_giving(kb):
    reading = read(PEDIATRIC_PUSH, kb.facts("J1809"), kb)
    nameless = [e for e in reading.note.events if e.nameless]
    assert [reading.text[e.mention.start : e.mention.end] for e in nameless] == ["push"]
    assert reading.administration.dose_base == pytest.approx(5.22)


TRACER_LOG = """PET/CT RADIOTRACER LOG - FES
Tracer: Cerianna (fluoroestradiol F 18) multiple-dose vial from radiopharmacy, lot FES-1119-02.
Dose drawn 6.1 mCi at 08:55; residual in syringe after injection 0.3 mCi; administered 5.8 mCi (215 MBq).
Injected IV over 1-2 min via R AC 22 g at 09:01, NS flush 10 mL - K. Shah CNMT.
"""


def test_a_tracer_injected_after_its_assay_line_takes_the_activity_not_the_gauge_or_the_flush(kb):
    reading = read(TRACER_LOG, kb.facts("C9060"), kb)
    assert reading.administration.state == "given"
    assert reading.administration.dose_base == pytest.approx(5.8)


BARE_PRODUCT = """HTC (hospital outpatient) - pre-procedure factor dose before dental extractions
Moderate hemophilia A. Wt 55 kg.
Product: Adynovate.
Vials by label potency: 1,968 IU (2000 IU vial) + 781 IU (750 IU vial) = 2,749 IU.
Both vials reconstituted with supplied diluent and pooled; all product drawn up.
Time | BP | HR
1215 | (2,749 IU IV push over 5 min, 23G butterfly L antecubital)
"""


def test_a_giving_that_names_no_drug_is_the_bare_products_when_nothing_else_awaits_one(kb):
    reading = read(BARE_PRODUCT, kb.facts("J7207"), kb)
    assert reading.administration.state == "given"
    assert reading.administration.dose_base == pytest.approx(2749)


PREP_LABEL = """OPAT - gatifloxacin dose #3
Product: gatifloxacin 10 mg/mL, 40 mL single-use vial (400 mg).
Prep: 20 mL (200 mg) withdrawn and diluted in 100 mL D5W; remaining 20 mL (200 mg) discarded.
0840-0940 infused IV via R hand PIV. Tolerated.
"""


def test_a_draw_line_behind_a_field_label_gives_the_dose_not_the_vial(kb):
    reading = read(PREP_LABEL, kb.facts("J1590"), kb)
    assert reading.administration.dose_base == pytest.approx(200)


def test_timed_rows_under_one_drugs_record_line_are_each_a_giving(kb):
    note = ("ANESTHESIA MEDICATION SUMMARY\n"
            "Tranexamic acid 100 mg/mL, 10 mL vials:\n"
            "  07:40  loading dose 1,000 mg IV over 10 min via CVC\n"
            "  08:00-10:00  infusion 80 mg/h IV x 2 h = 160 mg\n"
            "  10:05  second bolus 1,000 mg - held, EBL low\n"
            "Other: cefazolin 2 g IV 07:30.")
    admin = read(note, kb.facts("J3290"), kb).administration
    assert admin.state == "given" and admin.dose_base == 1160


def test_a_preparation_verb_joined_to_a_giving_verb_opens_the_records_giving(kb):
    note = ("WOUND CLINIC - diabetic foot ulcer, L heel, 3.0 x 3.0 cm after debridement.\n"
            "Product: Apligraf 4 cm x 4 cm sheet (16 cm2), lot AP3307.\n"
            "Trimmed to 3 x 3 cm and applied to the wound bed (9 cm2 applied). Excess 7 cm2 discarded.")
    admin = read(note, kb.facts("Q4101"), kb).administration
    assert admin.state == "given" and admin.dose_base == 9


def test_a_dose_given_per_order_below_its_vial_line_is_that_drugs_giving(kb):
    # "per order" says the giving followed the order; it is no plan.
    note = ("Testosterone cypionate 200 mg/mL, 10 mL multiple-dose vial (opened 04/01, lot T6610).\n"
            "0.5 mL (100 mg) given per order. Pt tolerated well.\n")
    assert read(note, kb.facts("J1071"), kb).administration.dose_base == 100


def test_a_syringe_named_after_insulin_is_no_second_drug_between_the_draw_and_the_giving(kb):
    note = ("Testosterone cypionate 200 mg/mL (10 mL multi-dose vial, lot 22P417). Withdrew 0.5 mL = 100 mg "
            "with 27G insulin-type syringe. Injected into the left deltoid, 08:55.\n")
    reading = read(note, kb.facts("J1071"), kb)
    assert [reading.text[e.mention.start : e.mention.end] for e in reading.note.events if "insulin" in e.mention.name] == []
    assert reading.administration.dose_base == 100


def test_the_amount_infused_before_a_stop_below_the_rate_rows_is_the_dose(kb):
    # The vials summed before one container word are no dose; "before stop" is no stop of this giving.
    note = ('OUTPATIENT INFUSION - IVIG maintenance #6\n'
            'Dx: CIDP (G61.81) | Wt 87.5 kg | Order: Privigen 0.4 g/kg = 35 g IV q3wk\n'
            'Premeds 0845: acetaminophen 650 mg PO, cetirizine 10 mg PO\n'
            'Access: R chest port accessed 20g 3/4" huber, +blood return\n'
            'Product: Privigen 10% - 20 g + 10 g + 5 g vials pooled (350 mL)\n'
            'time | rate mL/hr | BP | HR | init\n'
            '0900 | 50 | 128/76 | 70 | LK\n'
            '0930 | 100 | 124/74 | 72 | LK\n'
            '1000 | 200 | 126/78 | 71 | LK\n'
            '1040 | STOPPED - rigors, HR 118, T 38.3 | 134/82 | 118 | LK\n'
            'Dr. Mendez at chair side: d/c infusion, not to resume today. 250 mL (25 g) infused before stop; remaining 100 mL (10 g) discarded, witnessed B. Tran RN.\n'
            'Meperidine 12.5 mg IV x1 1045, rigors resolved by 1110.\n')
    assert read(note, kb.facts("J1459"), kb).administration.dose_base == 25_000


def test_a_drawn_volume_plus_its_diluent_is_the_bags_volume_not_the_dose(kb):
    note = ('RAVULIZUMAB INFUSION RECORD\n'
            'DOS 01/22/2025 | Dx paroxysmal nocturnal hemoglobinuria (D59.5) | maintenance q8 weeks\n'
            'Weight 104 kg -> weight band >= 100 kg: maintenance 3,600 mg.\n'
            'Pharmacy note: Ultomiris 300 mg/3 mL vials on backorder. Dispensed Ultomiris 1,100 mg/11 mL vial x 4 (lot UR9921). Drew 36 mL (3,600 mg) + NS 36 mL = 72 mL (50 mg/mL). Discarded: 8 mL (800 mg) residual from 4th vial, logged on hazardous waste sheet.\n'
            'RN: infusion 1045-1127 via port, pump 103 mL/h. Tolerated, no reaction. LDH 289.\n')
    assert read(note, kb.facts("J1303"), kb).administration.dose_base == 3_600


def test_a_labelled_span_run_through_a_line_is_the_records_giving_and_a_calc_line_no_drug(kb):
    # "Infusion: 1310-1411 via L forearm PIV" names no drug; "Calc:" is no drug either.
    note = ('NEUROLOGY INFUSION - VYVGART cycle 3, infusion 2 of 4, 09/16/2025\n'
            'Dx: generalized myasthenia gravis, AChR antibody positive (G70.00). MG-ADL 7 (baseline 11).\n'
            'Weight 68 kg. Order: efgartigimod alfa-fcab (Vyvgart) 10 mg/kg IV weekly x 4.\n'
            'Calc: 10 mg/kg x 68 kg = 680 mg = 34 mL of 20 mg/mL.\n'
            'Pharmacy: Vyvgart 400 mg/20 mL vial x 2 (lot E2217A). 34 mL withdrawn, diluted with NS to total 125 mL. Remaining 6 mL (120 mg) discarded in pharmacy - documented on waste log.\n'
            'Infusion: 1310-1411 via L forearm PIV (0.2 micron filter), flushed with NS. VS stable, no headache.\n'
            'Next infusion 09/23/2025.\n')
    reading = read(note, kb.facts("J9332"), kb)
    assert "Calc" not in [reading.text[e.mention.start : e.mention.end] for e in reading.note.events]
    assert reading.administration.dose_base == 680


def test_a_volume_per_site_is_that_much_at_each_site_the_sentence_counts(kb):
    # Hizentra 20%: 12.5 mL at each of 4 sites is 50 mL, 10 g.
    note = ('SCIG TEACHING / ADMINISTRATION VISIT - Allergy & Immunology office\n'
            'Date 02/10/2025. Dx: common variable immunodeficiency (D83.9), transition from IVIG to SCIG.\n'
            'Order: Hizentra 20% (immune globulin subcutaneous) 10 g SC weekly.\n'
            'Product: Hizentra 4 g/20 mL x 2 + 2 g/10 mL x 1 (lots P10022, P10022, P10019) = 10 g / 50 mL; all vials pooled into syringes, nothing left.\n'
            'Administered by RN with patient return demonstration: 4 sites (L/R abdomen, L/R thigh), 12.5 mL per site, 24 g SC needle sets, pump 15 mL/h/site x first 15 min then 25 mL/h/site. Infusion 1005-1050. Subcutaneous infusion well tolerated; mild local swelling resolved.\n')
    assert read(note, kb.facts("J1559"), kb).administration.dose_base == 10_000


def test_a_study_done_with_contrast_tells_no_giving_of_it(kb):
    # "with contrast" names the study; it says neither the agent nor how it went in.
    note = "CT ABDOMEN WITH CONTRAST\nIMPRESSION: Acute appendicitis.\n"
    admin = read(note, kb.facts("Q9967"), kb).administration
    assert not any(e.routes for e in admin.counted)


def test_a_contrast_giving_told_without_the_agent_is_the_codes_kind_of_giving(kb):
    note = ("CT CHEST WITH CONTRAST\nTECHNIQUE: Axial images were obtained after the intravenous administration of contrast.\n"
            "IMPRESSION: No pulmonary embolism.")
    admin = read(note, kb.facts("Q9967"), kb).administration
    assert admin.state == "absent" and admin.dose_base is None
    assert [note[e.mention.start : e.mention.end] for e in admin.counted] == ["contrast"]
    assert {r.route for r in admin.counted[0].routes} == {"intravenous"}
    # Without contrast, or with the agent named, there is no such giving.
    assert read("CT head performed without IV contrast. No bleed.", kb.facts("Q9967"), kb).administration.counted == ()
    named = read("Omnipaque 350, 80 mL IV contrast given for the CT.", kb.facts("Q9967"), kb).note
    assert named.by_kind == ()


# Drugless lines that are the record's giving: (note, code, dose, routes of the counted givings).
DRUGLESS_GIVINGS = [
    pytest.param(  # a line that gives the vials by an injection route states the dose their potencies add to
        "Wt 58 kg.\n0905 ALPROLIX (coagulation factor IX, Fc fusion)\n     2,000 IU vial - actual 1,962 IU\n"
        "     1,000 IU vial - actual 1,031 IU\n     both vials reconstituted and fully given   2,993 IU   IV push\n"
        "0940 FIX activity 71%", "J7201", 2993, {"intravenous"}, id="vials-given-by-a-route"),
    pytest.param(  # a route told in the next clause of a drugless line is the record's
        "GI clinic - Rebyota administration\n"
        "Product: Rebyota (fecal microbiota, live-jslm) 150 mL single-dose suspension, lot 5521.\n"
        "Applicator tip lubricated and inserted per rectum; entire 150 mL instilled over 1 min.", "J1440", None, {"rectal"},
        id="route-in-the-next-clause"),
    pytest.param(  # a line that opens with the entire volume given; the allergen shot is a product of its own
        "15 y/o F, exercise-induced bronchoconstriction: FEV1 fell 16% after a running test. Tremor with SABA; "
        "trial of cromolyn pretreatment before a repeat challenge per Dr. Lee.\n"
        "Allergen immunotherapy given today (separate service): 0.4 mL SC R arm, tree/grass maintenance vial A.\n"
        "Cromolyn: cromolyn sodium 20 mg/2 mL unit-dose ampule (lot CR4410). 09:40 entire 2 mL ampule (20 mg) "
        "nebulized via jet nebulizer, 10 min; ampule empty.", "J7632", 20, None, id="entire-volume-given"),
    pytest.param(  # a drugless row with a stated route and a closing time is the order's giving
        "RN note\nHemophilia B, L knee bleed.\nAlprolix 50 IU/kg ordered. Wt 40 kg -> 2,000 IU.\n"
        "1 vial 2,000 IU reconstituted, whole vial IV push R AC over 5 min 1015.\nIce, elevate.", "J7201", 2000, {"intravenous"},
        id="row-with-route-and-time"),
    pytest.param(  # the vials of an ordered product, given by a route, are its giving
        "Plan (Dr. M): Humate-P 60 IU/kg x 70 kg = 4,200 IU pre-op; TXA 1,300 mg PO TID x5 d post-op.\n"
        "RN: all 3 vials reconstituted and infused IV via L AC PIV 11:20-11:38. No reaction.\n",
        "J7187", 4200, {"intravenous"}, id="vials-of-an-order"),
    pytest.param(  # an injection line under "Inj:" tells the route of the giving a later line tells
        "Med: Xipere (triamcinolone acetonide) 4 mg/0.1 mL, lot XP2209\n"
        "Inj: intravitreal injection OD via 30g needle, 4 mm posterior to limbus, inferotemporal.\n"
        "Tolerated; IOP 19 post.  Entire dose given, no waste.\n", "C9092", 4, {"intravitreal"}, id="injection-line-route"),
    pytest.param(  # a row that opens with a dose and its route; the port's Huber needle is no drug and no grams
        "Order (HTC): IXINITY (coagulation factor IX recombinant) 50 IU/kg = 4,000 IU IV twice weekly.\n"
        "Supply: Ixinity 2,000 IU nominal x2 - actual potency on labels: 2,040 IU + 1,985 IU = 4,025 IU.\n"
        "Access: R chest port (Huber 20g), blood return +.\n"
        "1015 vials reconstituted w/ supplied diluent; 1020-1030 4,025 IU IV via port over 10 min.\n",
        "J7213", 4025, {"intravenous"}, id="dose-and-route-row"),
    pytest.param(  # a timed "infusion start" charts the giving and its line
        "Lu-177 DOTATATE THERAPY - CYCLE 1\nNM RECORD\n Lutathera vial pre-infusion assay 201.0 mCi @ 10:40\n"
        " 10:42 infusion start, 20G PIV R hand (only access obtainable)\n"
        " 10:55 INFUSION STOPPED, extravasation suspected.\n est. administered 122.6 mCi\n",
        "C9031", None, {"intravenous"}, id="timed-infusion-start"),
    pytest.param(  # a drug named in an earlier paragraph leaves the giving to the record's product
        "MD: seronegative RA, on Simponi Aria since 11/2024. Continue golimumab IV 2 mg/kg q8wk. Wt 84 kg -> 168 mg. "
        "Continue MTX 15 mg weekly.\n\n"
        "RN ADMINISTRATION\nProduct: golimumab (SIMPONI ARIA) 50 mg/4 mL single-dose vials x4 (200 mg)\n"
        "Withdrew 13.44 mL (168 mg), diluted in NS to 100 mL.\n"
        "0935 infusion started IV via R hand PIV 22g, over 30 min\n", "J1602", 168, None, id="earlier-paragraph"),
    pytest.param(  # a name in an aside of the record's total neither makes the giving ambiguous nor hides the total
        "34 yo F, von Willebrand disease type 1 (VWF:Ag 24%, VWF:RCo 19%, FVIII 38%). Wt 70 kg.\n"
        "Plan (Dr. M): Humate-P 60 IU VWF:RCo/kg x 70 kg = 4,200 IU VWF:RCo pre-op; TXA 1,300 mg PO TID x5 d post-op.\n"
        "Pharmacy dispensed (actual potency per vial label): 2,400 IU vial = 2,412 IU VWF:RCo; 1,200 IU vial = 1,188; "
        "600 IU vial = 620. Total 4,220 IU VWF:RCo (1,760 IU FVIII).\n"
        "RN: all 3 vials reconstituted and infused IV via L AC PIV ~4 mL/min 11:20-11:38. Entire contents infused, no waste.\n",
        "J7187", 4220, {"intravenous"}, id="aside-of-the-total"),
    pytest.param(  # a timed row that opens with the infusion's step
        "Eravacycline (Xerava) 1 mg/kg q12h; wt 90 kg -> 90 mg per dose.\n"
        "2 x 50 mg vials reconstituted (10 mg/mL); 9 mL (90 mg) added to NS, total 300 mL.\n"
        "PICC R basilic, double lumen. Dressing changed.\n"
        "Ambulatory pump 300 mL/h; 0800 start, 0900 complete.\n", "J0122", 90, None, id="step-opens-the-row"),
    pytest.param(  # a kit made up with its diluent (and no stock word) gives the volume injected, by the procedure's route
        "P/Procedure: L knee IA injection.\n   ZILRETTA (triamcinolone acetonide ER injectable suspension) 32 mg single-dose kit, "
        "reconstituted w/ 5 mL diluent per IFU; full 5 mL injected, kit empty.\n", "Q9993", 32, {"intra-articular"}, id="kit-made-up-with-diluent"),
    pytest.param(  # a timed row that opens with a word for part of the product ("CD8 component"), then its route and verb
        "Product: Breyanzi (lisocabtagene maraleucel), CD8 component (2 vials) and CD4 component (2 vials).\n"
        "Premed 13:20: acetaminophen 650 mg PO.\n"
        "13:42 CD8 component infused IV via CVC lumen, complete 13:52.\n", "Q2054", None, {"intravenous"},
        id="timed-row-naming-part-of-the-product"),
    pytest.param(  # a MAR printed in columns aligned by spaces counts each row under the order, as a pipe table
        # does; a drug named above it only in an allergy or a stopped pretreatment does not head it
        "Allergies: sulfa; ondansetron - AVOID w/ apomorphine\n"
        "ORDER: Apomorphine HCl inj (APOKYN pen) 10 mg/mL - inject 2 mg SUBCUT PRN off episode.\n\n"
        "DATE/TIME      DOSE   ROUTE/SITE     REASON                      INIT\n"
        "04/08/25 0712  2 mg   SC L abd       AM off, freezing            JT LPN\n"
        "04/08/25 1425  2 mg   SC R thigh     wearing off before lunch    MS RN\n"
        "Pen cartridge #2 remains in use.\n", "J0364", 4.0, {"subcutaneous"}, id="mar-printed-in-columns"),
]


@pytest.mark.parametrize(("note", "code", "dose", "routes"), DRUGLESS_GIVINGS)
def test_a_drugless_line_is_the_records_giving(kb, note, code, dose, routes):
    assert read(note, kb.facts(code), kb).administration.state == "given"
    if dose is not None:
        assert dose_of(kb, note, code) == pytest.approx(dose)
    if routes is not None:
        assert counted_routes(kb, note, code) == routes


@pytest.mark.parametrize(("row", "dose"), [
    # The access it ran through, after the row's time, charts the giving.
    ("0900 infusion via PIV R hand, titrated per protocol; 1330 complete.\n", 60),
    # So does the infusion's step that opens the row.
    ("0930 start via port: 3 mL/h x15 min -> 6 mL/h x15 min -> 12 mL/h\n1350 complete.\n", 60),
])
def test_a_timed_row_through_a_line_is_the_prepared_drugs_giving(kb, row, dose):
    text = ("Pharmacy: Vimizim 5 mg/5 mL SDV x12 (lot VZ4415); all 12 vials fully withdrawn (60 mL = 60 mg), diluted to 250 mL NS.\n"
            + row)
    reading = read(text, kb.facts("J1322"), kb)
    assert reading.administration.state == "given"
    assert dose_of(kb, text, "J1322") == dose
    assert counted_routes(kb, text, "J1322") == {"intravenous"}


def test_a_row_that_opens_with_the_step_then_its_time_gives_the_route_to_the_prepared_drug_above_its_field_lines(kb):
    text = ("LINE 1 - PEMFEXY (pemetrexed injection 25 mg/mL)\n"
            " Order: 500 mg/m2 x 1.6 m2 = 800 mg\n"
            " Vials: Pemfexy 500 mg/20 mL x2: 32 mL (800 mg) withdrawn into NS 100 mL\n"
            " Discarded: 8 mL = 200 mg, witnessed\n"
            " Pump (ch A): rate 796 mL/h, VTBI 132 mL, programmed 09:05\n"
            " Start 09:06 via L forearm PIV -> End 09:16\n")
    assert counted_routes(kb, text, "J9304") == {"intravenous"}


def test_a_route_told_after_a_stock_line_reaches_that_drugs_giving_past_other_drugs(kb):
    text = ("IGF-1 1.6x ULN on octreotide LAR 30 mg -> switched to pasireotide LAR 40 mg q4wk; dose #3 today.\n"
            "Home meds: metformin 500 mg BID, cabergoline 0.5 mg twice weekly, lisinopril 20 mg.\n"
            "RN: Signifor LAR (pasireotide) 40 mg kit (powder vial + 2 mL diluent PFS), lot SL7732, exp 12/2026. Reconstituted per IFU. "
            "1412 entire suspension injected deep IM L gluteal. Whole kit used, no waste.\n")
    assert dose_of(kb, text, "J2502") == 40
    assert counted_routes(kb, text, "J2502") == {"intramuscular"}


@pytest.mark.parametrize(("note", "code"), [
    # A row that names what it gives first is that thing's ("amino acids 1 L IV").
    ("Lu-177 DOTATATE THERAPY - CYCLE 1\nPremeds: granisetron 1 mg IV 10:05; amino acids 1 L IV from 10:10.\n", "C9031"),
    # The step written after another drug's giving on its line is that drug's.
    ("HOME ORAL CHEMOTHERAPY (patient-administered):\n Capecitabine 1,000 mg/m2 PO BID = 1,950 mg per dose.\n"
     "CLINIC ADMINISTRATION TODAY\n 2  09:30 Oxaliplatin 254 mg in D5W 500 mL IV over 2 h via L port; completed 11:32\n", "J8520"),
])
def test_a_row_that_names_another_drug_or_substance_gives_none_of_the_records(kb, note, code):
    assert read(note, kb.facts(code), kb).administration.state != "given"


def test_a_giving_that_names_no_drug_gives_the_product_on_its_field_line(kb):
    # The oral prophylaxis ordered above is not what is infused through the CVC, nor is the
    # conditioning drug the story mentions: the product line's cell therapy is.
    note = ("Admitted 10/08 for myeloablative busulfan (d-6 to d-3). Day 0 today.\n"
            "ID prophylaxis: levofloxacin 500 mg PO daily, acyclovir 800 mg PO BID.\n"
            "Product: lovotibeglogene autotemcel (LYFGENIA), 1 bag, cryopreserved.\n"
            "Premed: acetaminophen 650 mg PO, diphenhydramine 25 mg IV (1405).\n"
            "Thawed 37C water bath; infused IV by gravity through CVC 1418-1441.\n")
    assert read(note, kb.facts("J3394"), kb).administration.state == "given"
    assert counted_routes(kb, note, "J3394") == {"intravenous"}


def test_a_giving_that_opens_a_list_is_dosed_by_the_lists_total(kb):
    note = ("Product: Radiesse (calcium hydroxylapatite) 1.5 mL syringe x 2. Lot R5533.\n"
            "A/P: injected subdermally (deep subcutaneous plane) bilateral malar regions via 25g cannula:\n"
            " - syringe 1: R side 1.5 mL, fully expressed\n"
            " - syringe 2: L side 1.5 mL, fully expressed\n"
            "Total 3.0 mL. No residual product.\n")
    assert dose_of(kb, note, "Q2026") == 3.0


def test_a_vial_given_whole_gives_its_content_and_the_technique_line_its_route(kb):
    # The reconstituted volume is no dose of a drug billed by mass; the vial's stated content is.
    note = ("Product: Sculptra (poly-L-lactic acid) single-use vial, 150 mg PLLA. Reconstituted with 8 mL sterile water.\n"
            "Technique: deep subdermal / supraperiosteal injection, fanning + depot, 25g cannula.\n"
            "Volume: entire reconstituted vial (9 mL total suspension) injected, R 4.5 mL / L 4.5 mL.\n")
    assert dose_of(kb, note, "Q2028") == 150.0
    assert counted_routes(kb, note, "Q2028") == {"subdermal"}
    # A line between that tells no injection lends no route: "Declined an oral anxiolytic".
    note = ("Product: Sculptra (poly-L-lactic acid) single-use vial, 150 mg PLLA.\n"
            "Declined an oral anxiolytic.\n"
            "Volume: entire reconstituted vial (9 mL total suspension) injected.\n")
    assert counted_routes(kb, note, "Q2028") == set()
