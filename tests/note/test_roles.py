"""Mention roles on short snippets written for these tests (real-chart styles)."""

from __future__ import annotations

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.note.extract import read_note
from docreview.note.reading import read
from docreview.note.roles import ROLES, role_cues


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def roles_of(kb, text: str, code: str = "J3301") -> list[tuple[str, str]]:
    events = read_note(text, kb.facts(code), kb).events
    return [(text[e.mention.start : e.mention.end], e.role) for e in events]


def test_cue_file_loads_and_every_role_is_known():
    cues = role_cues()
    assert cues.container_after and cues.waste and "left" not in cues.waste  # "left deltoid" is not waste
    assert len(ROLES) == len(set(ROLES)) == 11


def test_container_mention_beside_the_dose_is_not_a_dose(kb):
    text = "R knee injected with triamcinolone 40 mg IA, drawn from a Kenalog-40 1 mL vial. Tolerated well."
    roles = roles_of(kb, text)
    assert roles == [("triamcinolone", "administered"), ("Kenalog-40", "container")]
    read = read_note(text, kb.facts("J3301"), kb)
    given = [e for e in read.events if e.given]
    assert len(given) == 1 and given[0].dose_amounts[0].value == 40


def test_a_strength_in_a_packages_volume_with_a_count_names_the_stock(kb):
    text = ("Infliximab-dyyb (Inflectra) 5 mg/kg = 400 mg.\n"
            "Pharmacy: Inflectra 100 mg/10 mL x4 = 400 mg; added to NS 250 mL.")
    assert [r for _, r in roles_of(kb, text, "Q5103")] == ["administered", "container"]
    # A dose written with its volume and no count of packages is still the dose.
    assert roles_of(kb, "Inflectra 400 mg/40 mL IV over 2 h.", "Q5103") == [("Inflectra", "administered")]


def test_a_lone_container_mention_that_reports_the_giving_is_the_administration(kb):
    roles = roles_of(kb, "Kenalog-40 1 mL vial: 1 mL injected into the L knee joint.")
    assert [r for _, r in roles] == ["administered"]


def test_waste_and_inventory_lines(kb):
    text = ("Triamcinolone 20 mg injected into the L shoulder.\n"
            "Kenalog lot 4471A exp 03/2027\n"
            "Remaining 20 mg of Kenalog discarded.")
    assert [r for _, r in roles_of(kb, text)] == ["administered", "inventory", "waste"]


def test_title_and_repeat_mentions_are_restatements(kb):
    text = ("Procedure performed: Kenalog injection, right knee.\n"
            "Kenalog 40 mg injected into the right knee joint.\n"
            "Patient tolerated the Kenalog well.")
    assert [r for _, r in roles_of(kb, text)] == ["restatement", "administered", "restatement"]


def test_not_given_planned_and_requested(kb):
    text = ("Toradol held for creatinine 2.1.\n"
            "Plan: start ondansetron 4 mg IV q6h prn.\n"
            "Neurology recommends Keppra 1000 mg IV load.")
    roles = dict(roles_of(kb, text, "J1885"))
    assert roles["Toradol"] == "deferred"
    assert roles["ondansetron"] in {"ordered", "requested"}
    assert roles["Keppra"] == "requested"


def test_a_dose_per_week_with_no_giving_is_the_regimen_the_patient_is_on(kb):
    text = ("Pt 47F RA, switching oral MTX 20 mg/wk -> SC due to GI intolerance.\n"
            "Given today: methotrexate 25 mg/mL injection, 1 mL (25 mg) SC L abdomen 1130.")
    roles = roles_of(kb, text, "J8610")
    assert roles == [("MTX", "historical"), ("methotrexate", "administered")], roles


def test_a_verbal_order_read_back_and_advice_by_phone_are_no_givings(kb):
    text = ("Read back and verified: Berinert 1,000 units IV x1 at 4 mL/min.\n"
            "Hematology advised Kcentra 25 units/kg before the procedure.")
    roles = dict(roles_of(kb, text, "J0597"))
    assert roles["Berinert"] in {"ordered", "requested"}
    assert roles["Kcentra"] in {"ordered", "requested"}


def test_givings_under_a_given_prior_to_transfer_header_are_this_visits_and_phone_advice_is_no_giving(kb):
    text = ("Hematology by phone 0740: factor VIII 50 IU/kg now, then transfer.\n"
            "GIVEN PRIOR TO TRANSFER:\n"
            "  0805  Advate 2,000 IU IV push over 5 min via L AC.\n"
            "  0820  ondansetron 4 mg IV\n")
    roles = dict(roles_of(kb, text, "J7192"))
    assert roles["factor VIII"] in {"ordered", "requested", "restatement"}
    assert roles["Advate"] == "administered" and roles["ondansetron"] == "administered"


def test_a_drug_given_to_be_taken_later_is_a_prescription(kb):
    text = "She was discharged home. She was given ferrous sulfate 325 mg to be taken twice a day for three months."
    assert dict(roles_of(kb, text, "J1756"))["ferrous sulfate"] == "ordered"


def test_inline_headers_of_a_transcription_set_the_role(kb):
    text = ("HISTORY: , Seen for hives.,MEDICATIONS AT HOME: , Keppra 500 mg.,ALLERGIES: , TORADOL, PENICILLIN.,"
            "ED COURSE: , Epinephrine 0.3 mg IM given.")
    roles = dict(roles_of(kb, text, "J0171") if "J0171" in kb.codes else roles_of(kb, text, "J1953"))
    assert roles["Keppra"] == "historical"
    assert roles["TORADOL"] == "allergy"


def test_a_drug_level_is_not_a_dose(kb):
    assert roles_of(kb, "Keppra level pending. Dx: epilepsy.", "J1953") == [("Keppra", "other")]


def test_a_medication_list_is_history_and_a_timed_meds_line_is_a_record(kb):
    listed = roles_of(kb, "MEDICATIONS: , Keppra 500 mg b.i.d., Zofran 4 mg p.r.n.", "J1953")
    assert [r for _, r in listed] == ["historical", "historical"]
    given = roles_of(kb, "Meds:\n 1315 ondansetron 4 mg IVP via L hand PIV", "J2405")
    assert [r for _, r in given] == ["administered"]


def test_a_calculation_beside_the_timed_record_is_counted_once(kb):
    text = ("Wt 80 kg. Levetiracetam 20 mg/kg = 1600 mg -> 1500 mg.\n"
            "1010 Levetiracetam 1500 mg in NS 100 mL IVPB over 15 min.")
    read = read_note(text, kb.facts("J1953"), kb)
    assert [e.role for e in read.events] == ["restatement", "administered"]


def test_a_short_abbreviation_held_or_ordered_is_the_drug_and_a_slashed_cue_counts(kb):
    # "TNK" with no number beside it is the drug when a hold or order word follows it; "HELD/cancelled" holds it.
    text = "1418 TNK ordered, kit to bedside.\n1422 CSC accepts for PCI -> TNK HELD/cancelled, not reconstituted.\n"
    assert roles_of(kb, text, "J3101") == [("TNK", "ordered"), ("TNK", "deferred")]


def test_a_dose_form_word_names_the_product_only_where_the_product_line_goes_on(kb):
    # "from a Kenalog injection in this knee 5 months ago" is an earlier giving, no container; a
    # product line's "for injection," is the product's name, not a giving.
    text = ("Indication: R knee OA. Patient previously had good relief from a Kenalog injection in this knee 5 months ago.\n"
            "Procedure: 40 mg triamcinolone injected R knee.")
    assert roles_of(kb, text)[0][1] != "container"
    text = "Product: daptomycin for injection, Xellia, two 350 mg vials reconstituted (700 mg total).\n570 mg in 50 mL NS infused via PICC."
    assert roles_of(kb, text, "J0878")[0][1] == "container"


def test_a_product_named_without_its_strength_is_the_same_product(kb):
    text = ("CONTRAST: Omnipaque 240, 2 mL epidural.\nDrawn from Omnipaque 240 10 mL vial.\n"
            "Remaining Omnipaque (8 mL) discarded.")
    assert roles_of(kb, text, "Q9966")[-1] == ("Omnipaque", "waste")


def test_allergy_cues_around_a_mention(kb):
    text = "She is allergic to penicillin. Probable Coumadin hypersensitivity."
    assert [r for _, r in roles_of(kb, text)] == ["allergy", "allergy"]
    # "intol", the charting short form of intolerance, after the drug it is about.
    text = "Linezolid 600 mg PO BID x 10 d (vanc intol - AKI 2023). Day 3."
    assert roles_of(kb, text, "J3370")[1] == ("vanc", "allergy")


def test_home_medication_headers_by_their_first_words(kb):
    text = ("Ketorolac 30 mg IV given at 10:15.\n"
            "Home meds per pharmacy: lisinopril 10 mg daily, metformin 500 mg BID.\n"
            "Current: atenolol 25 mg daily.")
    assert [r for _, r in roles_of(kb, text, "J1885")] == ["administered", "historical", "historical", "historical"]


def test_a_history_narrative_is_historical_unless_told_as_today(kb):
    text = ("HISTORY OF PRESENT ILLNESS: He was started on levetiracetam by his neurologist. "
            "EMS gave lorazepam 2 mg. In the emergency department he received lorazepam 2 mg IV.")
    assert [r for _, r in roles_of(kb, text, "J2060")] == ["historical", "historical", "administered"]


def test_the_clinician_telling_a_start_in_the_first_person_is_a_giving_now(kb):
    # "on norepinephrine" is a history cue; "I started her on" tells this encounter's start.
    text = ("HPI: Septic, admitted from the nursing home. She has been on warfarin for years. "
            "Pressures fell after intubation and I started her on norepinephrine at 8 mcg/min.")
    assert [r for _, r in roles_of(kb, text, "J0897")] == ["historical", "administered"]


def test_a_history_cue_does_not_reach_a_drug_that_is_the_subject_of_its_own_clause(kb):
    # "was on" speaks of cefazolin; "Zosyn was hung" is its own clause, told as a giving.
    text = "MEDICATIONS: She was on cefazolin and Zosyn was hung x1 in the pre-op holding area."
    assert [r for _, r in roles_of(kb, text, "J2543")] == ["historical", "administered"]


def test_a_subject_of_several_words_still_opens_its_own_clause(kb):
    text = "He arrived stable on heparin and tirofiban bolus and infusion were started in the lab."
    assert [r for _, r in roles_of(kb, text, "J3246")] == ["historical", "administered"]


def test_a_subordinating_word_ends_a_cues_scope(kb):
    # medspaCy's default terminators: "although", "because", "unless" open a clause of their own.
    text = "Pt declined ketorolac although ondansetron 4 mg IV was accepted."
    assert [r for _, r in roles_of(kb, text, "J2405")] == ["deferred", "administered"]
    text = "Morphine held because ondansetron 4 mg IV was given first."
    assert [r for _, r in roles_of(kb, text, "J2405")] == ["deferred", "administered"]


def test_a_drug_the_patient_injects_at_home_is_historical(kb):
    text = "Dupixent 300 mg/2 mL pen - pt self-injects SC q2wk, last dose Sunday. No injection in clinic today."
    assert [r for _, r in roles_of(kb, text, "J3590")][0] == "historical"


def test_a_procedure_med_list_is_a_record_and_a_home_list_is_not(kb):
    procedure = "MEDICATIONS: Fentanyl 100 mcg, Versed 4 mg.\nPROCEDURE: Colonoscopy."
    home = "MEDICATIONS: Lasix 40 mg p.o. twice a day, aspirin daily.\nPROCEDURE: Colonoscopy."
    assert [r for _, r in roles_of(kb, procedure, "J2250")] == ["administered", "administered"]
    assert [r for _, r in roles_of(kb, home, "J1940")] == ["historical", "historical"]


def test_talked_about_measured_and_compound_mentions_are_other(kb):
    text = ("Reviewed insulin pen technique with the patient.\n"
            "Vancomycin trough before the next dose.\n"
            "History of heparin-induced thrombocytopenia.")
    assert [r for _, r in roles_of(kb, text, "J3370")] == ["other", "other", "other"]


def test_recommendations_and_conditions_are_requests(kb):
    text = ("I recommended that he be treated with ceftriaxone 1 g IV daily.\n"
            "Start norepinephrine drip if MAP < 65.")
    assert [r for _, r in roles_of(kb, text, "J0696")] == ["requested", "requested"]


def test_a_stock_line_is_inventory_without_an_administration(kb):
    text = "CLINIC INVENTORY\nOndansetron 4 mg/2 mL SDV, NDC 0409-4755-03, qty 25, lot EM2211, exp 08/2026"
    assert [r for _, r in roles_of(kb, text, "J2405")] == ["inventory"]


def test_a_gloss_shares_the_role_of_a_name_that_was_not_given(kb):
    from docreview.note.roles import mention_readings

    text = "Home: Lotensin (benazepril) 20 mg daily.\nKetorolac 30 mg IV given at 10:00."
    events = read_note(text, kb.facts("J1885"), kb).events
    assert [r.role for r in mention_readings(events)] == ["historical", "historical", "administered"]


def test_a_vial_named_on_both_sides_is_the_container_even_in_a_clause_that_gives_the_dose(kb):
    text = "Injection: 40 mg triamcinolone drawn from a Kenalog-40 1 mL vial + 2 mL 1% lido, injected into R knee joint."
    assert ("Kenalog-40", "container") in roles_of(kb, text, "J3304")


def test_a_vial_named_by_another_codes_product_makes_the_dose_that_product(kb):
    from docreview.note.reading import read

    text = "Injection: 40 mg triamcinolone drawn from a Kenalog-40 1 mL vial + 2 mL 1% lido, injected into R knee joint."
    admin = read(text, kb.facts("J3304"), kb).administration
    assert admin.state == "other_drug" and admin.other_code == "J3301" and admin.other_units == 4


def test_a_total_written_before_the_drugs_amount_restates_the_doses(kb):
    text = "Received 3 mg of Versed for the TEE, then 2 mg of Versed for total of 5 mg of Versed."
    assert [r for _, r in roles_of(kb, text, "J2250")] == ["administered", "administered", "restatement"]


def test_a_negation_after_the_drug_wins_over_a_forward_phrase_it_overlaps(kb):
    # "was not" reads forward and "not performed" backward: the drug sits before them.
    text = "Isoproterenol infusion was not performed to look for SVT."
    assert roles_of(kb, text, "J1953") == [("Isoproterenol", "deferred")]


def test_an_order_undone_by_a_later_clause_is_deferred(kb):
    assert roles_of(kb, "Pt was ordered Demerol 50 mg IM for pain, but he refused.", "J2175") == [("Demerol", "deferred")]
    assert roles_of(kb, "Phenytoin considered but not needed after the seizure stopped.", "J1165") == [("Phenytoin", "deferred")]
    # the negation in the later clause belongs to the drug it names
    roles = roles_of(kb, "Zofran ordered, but Toradol refused.", "J2405")
    assert roles[0] == ("Zofran", "ordered")


def test_a_container_not_opened_was_not_given(kb):
    text = ("Pt doesn't want the shot today, wants to discuss switching to oral w/ Dr. Ruud. Declined after education.\n"
            "Aristada 662 mg syringe NOT opened - returned to stock.\n")
    assert roles_of(kb, text, "J1944") == [("Aristada", "deferred")]
    # "not" right before a drug's name: that product is not the one given.
    assert roles_of(kb, "** SQ formulation - NOT Vyvgart IV **\n", "J9333")[0] == ("Vyvgart", "deferred")


def test_a_label_header_speaks_for_the_lines_under_it(kb):
    text = ("Infliximab 400 mg IV infused 10:15-12:15.\n"
            "Vials: Remicade 100 mg x4 (lot 9RM412), reconstituted in sterile water.\n"
            "Lot: infliximab RM412; Remicade RM413.\n"
            "Discussed next steps: Remicade infusion kit for home.")
    assert [r for _, r in roles_of(kb, text, "J1745")] == ["administered", "container", "inventory", "inventory", "other"]


def test_a_product_received_from_the_pharmacy_is_stock_not_a_giving(kb):
    text = ("0832   Pharmacy: LUXTURNA lot 24-121C syringe 0.3 mL (1.5 x 10^11 vg) received from J.Lin PharmD\n"
            "0840   LUXTURNA 1.5 x 10^11 vg/0.3 mL injected subretinal OS by Dr K Osei\n")
    assert [r for _, r in roles_of(kb, text, "C9032")] == ["inventory", "administered"]
    # The patient who received a drug from someone was given it.
    assert [r for _, r in roles_of(kb, "1030 Pt received ceftriaxone 1 g IM from the triage RN.\n", "J0696")] == ["administered"]


def test_a_vial_prepared_in_another_sentence_of_its_stock_line_is_stock(kb):
    text = ("Product: Botox 200-unit vial, Lot C5521C3, Exp 11/2026; reconstituted with 4 mL saline.\n"
            "155 units of Botox injected IM across 31 sites.")
    assert [r for _, r in roles_of(kb, text, "J0585")] == ["inventory", "administered"]


def test_a_drug_mixed_into_another_shares_its_role(kb):
    text = ("Local anesthesia: two 1.7 mL cartridges of articaine 4% with epinephrine 1:100,000, IANB.\n"
            "Then 3 mL of lidocaine 1% with 1:100,000 epinephrine infiltrated at the second site.")
    assert [r for _, r in roles_of(kb, text, "J0171")] == ["administered", "administered", "administered", "administered"]
    # "mixed with" is a preparation, not a mixture named by its strengths
    assert _mixed(kb, "Kenalog 40 mg mixed with lidocaine 2 mL injected.") is False


def _mixed(kb, text: str) -> bool:
    from docreview.note.roles import _mixed_into, _Tokens, role_cues

    events = read_note(text, kb.facts("J3301"), kb).events
    return _mixed_into(_Tokens(text), events[0], events[1], role_cues())


def test_a_history_cue_outranks_a_past_start_unless_told_as_now(kb):
    assert roles_of(kb, "Indications: seen by Dr. Y, who started her recently on methadone.", "J1230") == [("methadone", "historical")]
    assert roles_of(kb, "Currently on cefazolin 2 g IV q8h (started by primary team 10/01).", "J0690") == [("cefazolin", "historical")]
    assert roles_of(kb, "Heparin drip started today at 10:15, previously on enoxaparin.", "J1644")[0][1] == "administered"
    # A transport crew's own drug is not this provider's giving.
    text = "1640 midazolam stopped - flight crew assumed care, started own propofol"
    assert roles_of(kb, text, "J2704") == [("midazolam", "administered"), ("propofol", "historical")]


def test_an_intolerance_is_an_allergy_each_time_the_sentence_names_the_drug(kb):
    assert roles_of(kb, "Pain: the patient has not tolerated morphine in the past.", "J2270") == [("morphine", "allergy")]
    text = "Codeine caused her to be excitable, but she had no allergic reaction to codeine."
    assert [r for _, r in roles_of(kb, text, "J1953")] == ["allergy", "allergy"]


def test_a_record_in_the_mentions_own_parenthesis_is_the_giving(kb):
    assert roles_of(kb, "Dispensed today: ketorolac 30 mg x1 (pt J.M., given IM 15:20).", "J1885") == [("ketorolac", "administered")]
    # a parenthesis after other words is not the mention's own record
    assert roles_of(kb, "Dispensed today: ketorolac 30 mg x1 for home use (pharmacy, given 15:20).", "J1885") == [("ketorolac", "ordered")]


def test_a_bag_beside_an_infusion_told_by_its_rate_is_the_container(kb):
    text = "Continues on dobutamine infusion at 5 mcg/kg/min via PICC (premix bag dobutamine 250 mg/250 mL D5W)."
    assert [r for _, r in roles_of(kb, text, "J1250")] == ["administered", "container"]


def test_a_treatment_plan_section_orders(kb):
    text = "TREATMENT PLAN:\n1. We begin a weaning schedule for her morphine by decreasing in 60 mg intervals."
    assert roles_of(kb, text, "J2270") == [("morphine", "ordered")]


def test_a_sedation_named_by_its_drug_is_a_giving(kb):
    text = ("UPPER ENDOSCOPY\n"
            "OPERATIVE NOTE: The patient was not tolerating conscious sedation. We continued the procedure with propofol sedation.\n"
            "The scope was reintroduced after propofol sedation.")
    assert [r for _, r in roles_of(kb, text, "J2704")] == ["administered", "restatement"]


def test_a_sentence_or_clause_that_opens_with_a_recommendation_asks_for_each_drug(kb):
    text = ("Impression: I recommended that she be treated with Bactrim for a week at home, "
            "bacitracin, or another ointment applied at each change for two weeks.")
    assert [r for _, r in roles_of(kb, text, "J1953")] == ["requested", "requested"]
    text = ("When the INR falls, I would initiate low-molecular weight heparin, either Fragmin daily "
            "or Lovenox twice daily, for about a month.")
    assert {r for _, r in roles_of(kb, text, "J1650")} == {"requested"}


def test_a_drug_that_is_the_subject_of_a_condition_is_other(kb):
    text = "Recommendations: 2. If daptomycin unavailable, could use vancomycin with a slower infusion."
    roles = dict(roles_of(kb, text, "J3370"))
    assert roles["daptomycin"] == "other" and roles["vancomycin"] == "requested"


def test_a_following_negation_with_no_drug_of_its_own_goes_on_about_the_drug(kb):
    text = "Milrinone discussed as alternative; not started given renal function.\nFurosemide 80 mg IV given at 06:00."
    assert [r for _, r in roles_of(kb, text, "J2260")] == ["deferred", "administered"]
    # a next sentence that names its own drug speaks of that one
    text = "Milrinone discussed as alternative; not started dobutamine.\nFurosemide 80 mg IV given at 06:00."
    assert roles_of(kb, text, "J2260")[0] == ("Milrinone", "other")


def test_a_history_sentence_that_goes_on_with_then_keeps_the_time_before_it(kb):
    text = ("HISTORY OF PRESENT ILLNESS: Dr. X was called early this morning due to hypotension. "
            "He then changed antibiotics to vancomycin. He had been treated with cefazolin for cellulitis.")
    roles = dict(roles_of(kb, text, "J3370"))
    assert roles["vancomycin"] == "administered" and roles["cefazolin"] == "historical"


def test_a_postoperative_start_in_a_history_is_this_stay(kb):
    text = "HISTORY OF PRESENT ILLNESS: Admitted for knee arthroplasty, and postoperatively, she was placed on Coumadin."
    assert roles_of(kb, text, "J1953") == [("Coumadin", "administered")]


def test_context_vocabulary_for_immunity_history_and_modal_giving(kb):
    assert roles_of(kb, "Treatment: burn dressing applied. Tetanus immunization is up to date.", "J1953")[0][1] == "historical"
    text = "Findings: submucosal hemorrhage, possibly due to longstanding bolus impaction and Coumadin therapy."
    assert roles_of(kb, text, "J1953") == [("Coumadin", "historical")]
    assert roles_of(kb, "Impression: at home, they may administer Diastat 10 mg at seizure onset.", "J1953")[0][1] != "administered"


def test_a_relative_clause_that_lists_the_orders_keeps_their_scope(kb):
    text = "ICU was called to leave orders in addition to my initial orders, which included albuterol q2h and Levaquin 500 mg IV."
    assert {r for _, r in roles_of(kb, text, "J1956")} == {"ordered"}


def test_a_med_list_item_beside_recorded_items_is_recorded_unless_it_has_a_frequency(kb):
    text = "MEDICATIONS: , Fentanyl 50 mcg, Versed 1 mg, 4% lidocaine spray to the throat."
    assert [r for _, r in roles_of(kb, text, "J2250")] == ["administered", "administered", "administered"]
    text = "MEDICATIONS: , Fentanyl 25 mcg, Versed 2 mg, omeprazole daily."
    assert roles_of(kb, text, "J2250")[-1] == ("omeprazole", "historical")


def test_an_aside_that_specifies_a_talked_about_name_is_talked_about_too(kb):
    text = "DIABETES EDUCATION VISIT\nReviewed insulin pen technique (insulin lispro, insulin glargine). Demonstrated injection."
    assert {r for _, r in roles_of(kb, text, "J1815")} == {"other"}


def test_a_bare_name_listed_after_another_is_what_the_list_is(kb):
    text = "Critical care note: my initial orders for the ICU team: Levaquin 500 mg IV, as well as Solu-Medrol."
    assert [r for _, r in roles_of(kb, text, "J1956")] == ["ordered", "ordered"]


def test_a_correction_takes_back_what_was_written_before_it(kb):
    text = ("Knee injection.\nDrew up 2 mL of triamcinolone from a Kenalog-40 vial -- correction: single Kenalog-40 1 mL vial; "
            "1 mL (40 mg) triamcinolone injected intra-articular L knee.")
    assert [r for _, r in roles_of(kb, text)] == ["other", "other", "container", "administered"]


def test_a_regimen_changed_during_the_stay_was_given(kb):
    text = "HOSPITAL COURSE: Her blood pressure was 180/90. Medication was adjusted to benazepril 20 mg a day."
    assert roles_of(kb, text, "J1953") == [("benazepril", "administered")]


def test_a_vial_named_after_its_drug_leaves_the_giving_and_the_dose_to_that_drug(kb):
    text = "ED course: Levetiracetam load: Keppra 500 mg/5 mL vials; 20 mL (2000 mg) given IVPB over 15 min at 21:55."
    events = read_note(text, kb.facts("J1953"), kb).events
    assert [(text[e.mention.start : e.mention.end], e.role) for e in events] == [("Levetiracetam", "administered"), ("Keppra", "container")]
    assert [a.value for a in events[0].dose_amounts] == [20, 2000]


def test_guards_on_the_clause_mechanisms(kb):
    # a conditional hold keeps the plan; "no relief" after a giving is no refusal of it
    assert roles_of(kb, "Plan: continue Lasix 40 mg IV daily, but hold if SBP < 90.", "J1940") == [("Lasix", "ordered")]
    assert roles_of(kb, "Zofran 4 mg IV at 10:00; no relief.", "J2405") == [("Zofran", "administered")]
    # a date is no recommendation: "May 3: ..."
    assert [r for _, r in roles_of(kb, "May 3: Kenalog 40 mg injected into the right knee.")] == ["administered"]
    # a label header opens with its inventory word; a header that merely mentions stock is no stock line
    text = "Ondansetron 4 mg IV given at 10:00.\nGiven from clinic stock: ondansetron 4 mg IV at 10:00."
    assert roles_of(kb, text, "J2405")[1][1] != "inventory"


def test_a_drug_handed_over_for_later_is_ordered(kb):
    text = "TREATMENT: She is given Tylenol No. 3, tabs #6, to take home, one every six hours p.r.n."
    assert roles_of(kb, text, "J1953") == [("Tylenol", "ordered")]
    assert roles_of(kb, "Discharge: given a prescription for Keflex 500 mg q.i.d.", "J1953")[0][1] == "ordered"
    assert roles_of(kb, "Rocephin 1 g IM given at 10:00.", "J0696") == [("Rocephin", "administered")]


def test_an_aside_that_names_a_home_list_makes_the_drug_the_patients_own(kb):
    text = "Infliximab 400 mg infused 10:15-12:15 via PIV.\nAzathioprine 100 mg daily continues (home)."
    assert roles_of(kb, text, "J1745")[-1] == ("Azathioprine", "historical")
    # an aside that names a place is not a home list
    assert roles_of(kb, "Ondansetron 4 mg IV (outpatient clinic).", "J2405") == [("Ondansetron", "administered")]


def test_an_allergy_list_with_reactions_is_allergies_throughout(kb):
    text = "Pt: 71 F   Allergies: penicillin (hives), morphine (itching)\n0600  metoprolol tartrate 25 mg PO given."
    assert dict(roles_of(kb, text, "J2270"))["morphine"] == "allergy"


def test_the_all_abbreviation_heads_an_allergy_field(kb):
    text = "1512 Pt to rm 14, c/o RLQ pain. Home meds: none. All: codeine (N/V).\n1535 Morphine 4 mg IVP given per order."
    assert roles_of(kb, text, "J2270") == [("codeine", "allergy"), ("Morphine", "administered")]


def test_a_cue_inside_an_items_parenthesis_stays_with_that_item(kb):
    text = "Home meds: lisinopril 10 mg (held morning of surgery), sertraline 50 mg (taken AM with sip of water).\n0712 Premed: midazolam 2 mg IV."
    got = dict(roles_of(kb, text, "J2250"))
    assert got["lisinopril"] == "deferred" and got["sertraline"] == "historical" and got["midazolam"] == "administered"


def test_a_cartridge_or_carpuject_the_dose_came_from_is_its_container(kb):
    text = "1620 Dilaudid 0.5 mg IVP given from 1 mg/mL Dilaudid carpuject; waste 0.5 mg witnessed."
    assert [r for _, r in roles_of(kb, text, "J1170")][:2] == ["administered", "container"]


@pytest.mark.parametrize("text", ["History of iron deficiency anemia.", "She was iron deficient last year."])
def test_a_drug_name_that_names_a_deficiency_is_other(kb, text):
    assert [r for _, r in roles_of(kb, text, "J1756")] == ["other"]


def test_a_plan_after_an_opening_condition_is_a_request(kb):
    got = dict(roles_of(kb, "Plan: if blood cultures are positive, start vancomycin 1 g IV q12h.", "J3370"))
    assert got["vancomycin"] == "requested"
    assert dict(roles_of(kb, "Plan: start vancomycin 1 g IV q12h.", "J3370"))["vancomycin"] == "ordered"


def test_tolerated_the_described_drug_restates_the_giving(kb):
    text = ("Dexamethasone 10 mg/mL: 1 mL (10 mg) injected into the epidural space.\n"
            "POST-PROCEDURE: Tolerated the epidural dexamethasone injection without complication.")
    assert [r for _, r in roles_of(kb, text, "J1100")] == ["administered", "restatement"]


def test_diuresed_with_records_a_giving(kb):
    text = "Hospital course: Diuresed with furosemide 40 mg IV BID with net -3.2 L."
    assert dict(roles_of(kb, text, "J1940"))["furosemide"] == "administered"


def test_can_be_given_is_a_request_not_a_record(kb):
    text = "Resume home medications; can be given a pneumococcal vaccination before discharge. Zofran 4 mg IV given at 0900."
    got = roles_of(kb, text, "J2405")
    assert got[0][1] == "requested" and got[-1] == ("Zofran", "administered")


def test_stopping_a_drug_is_no_giving_and_agreeing_with_one_asks_for_it(kb):
    text = "PT/INR elevated despite stopping Coumadin last week. I agree with erythropoietin support."
    got = roles_of(kb, text, "J0885")
    assert got == [("Coumadin", "deferred"), ("erythropoietin", "requested")]


def test_preparing_the_dose_is_not_giving_it(kb):
    text = ("A total of 8 mL of 0.5% bupivacaine was injected, 2 mL into each trigger point. "
            "Bupivacaine was drawn up from a 30 mL multidose vial of Sensorcaine 0.5%.")
    assert [r for _, r in roles_of(kb, text, "J0666")][:2] == ["administered", "restatement"]


def test_a_medication_list_among_the_history_sections_is_the_patients(kb):
    # Strengths without frequencies: in a procedure note this list records what was given; beside
    # the history sections it is the patient's own.
    text = ("CHIEF COMPLAINT:, Chest pain.,MEDICATIONS:,  Digoxin 0.25 mg, metoprolol 50 mg, metformin 500 mg."
            ",PAST MEDICAL HISTORY: , Atrial fibrillation.")
    assert [r for _, r in roles_of(kb, text, "J1160")] == ["historical"] * 3
    procedure = "MEDICATIONS: , Fentanyl 25 mcg, Versed 2 mg.,INSTRUMENT: , GIF 160.,PROCEDURE REPORT: , Scope passed."
    assert [r for _, r in roles_of(kb, procedure, "J3010")] == ["administered"] * 2


def test_new_negations_and_a_setting_said_once_for_the_sentence(kb):
    text = ("Rifampin not yet started.\nNeostigmine not used.\nFolic acid no longer needed.\n"
            "He was given epinephrine, lidocaine, amiodarone and defibrillated and intubated in the field.")
    roles = roles_of(kb, text, "J0171")
    assert [r for _, r in roles[:3]] == ["deferred"] * 3
    assert [r for _, r in roles[3:]] == ["historical"] * 3


def test_skin_prep_refills_and_home_list_asides(kb):
    text = ("Prep: povidone-iodine 5% to lashes and lid margins.\n"
            "Aflibercept 2 mg intravitreal injection OS.\n"
            "Refill sent: EpiPen 2-Pak #1.\n"
            "Home med list in chart (losartan 50 mg daily, sertraline 100 mg daily) reviewed with pt.")
    assert [r for _, r in roles_of(kb, text, "J0178")] == ["other", "administered", "ordered", "historical", "historical"]


def test_an_as_needed_order_with_its_condition_is_an_order(kb):
    roles = roles_of(kb, "PACU orders: ondansetron 4 mg IV x1 p.r.n. PONV if >30 min since last dose.", "J2405")
    assert [r for _, r in roles] == ["ordered"]


def test_a_title_citing_its_billing_codes_restates_the_injection(kb):
    text = ("Procedure: Intravitreal injection of aflibercept 2 mg/0.05 mL, left eye (67028-LT)\n"
            "Aflibercept 2 mg/0.05 mL injected intravitreally OS via 30g needle.")
    assert [r for _, r in roles_of(kb, text, "J0178")] == ["restatement", "administered"]


def test_the_patient_asking_for_a_drug_is_a_request(kb):
    text = "Pt asked about switching to Vabysmo for longer intervals.\nPt asked for a Toradol shot today -- not given."
    assert [r for _, r in roles_of(kb, text, "J0178")] == ["requested", "deferred"]


def test_a_giving_dated_by_month_and_year_is_earlier_and_an_expiry_is_not(kb):
    text = ("Immunization history reviewed with parent.\nHep A #2 given 02/2023.\nPt carries her EpiPen 0.3 mg.\n"
            "Heparin 2000 units IV bolus at initiation.\nKenalog lot 4471A exp 03/2027")
    roles = roles_of(kb, text, "J1644")
    assert [r for _, r in roles[:3]] == ["historical", "historical", "administered"]


def test_family_allergies_recommendations_after_the_drug_and_outside_care(kb):
    text = ("Mother has penicillin allergy.\n"
            "Lidocaine 5% patch recommended nightly over trapezius.\n"
            "Upon arrival at a local ER he required defibrillation, epinephrine and amiodarone.\n"
            "Last Prolia 60 mg SC given 04/18.\n"
            "Takes calcium citrate 630 mg b.i.d. and vitamin D3 2000 IU daily.")
    roles = dict(roles_of(kb, text, "J0897"))
    assert roles["penicillin"] == "other" and roles["Lidocaine"] == "requested"
    assert roles["epinephrine"] == roles["amiodarone"] == "historical"
    assert roles["Prolia"] == "historical" and roles["vitamin D3"] == "historical"


def test_this_am_in_a_history_narrative_is_today(kb):
    text = ("HISTORY OF PRESENT ILLNESS: He eloped from the unit. This a.m., he continued to be aggressive and "
            "required four-point restraints in addition to Haldol 1 mg intramuscularly.")
    assert [r for _, r in roles_of(kb, text, "J1630")] == ["administered"]


@pytest.mark.parametrize(("text", "role"), [
    ("HISTORY OF PRESENT ILLNESS: The child was admitted and started on IV Unasyn, which he tolerated well.", "administered"),
    ("HISTORY OF PRESENT ILLNESS: He was started on Unasyn by his pediatrician last month for otitis.", "historical"),
])
def test_a_history_narrative_of_this_admission_tells_this_stays_givings(kb, text, role):
    assert dict(roles_of(kb, text, "J0295"))["Unasyn"] == role


@pytest.mark.parametrize(("text", "drug", "role"), [
    ("Mother received ampicillin 2 g 4 hours prior to delivery. Baby admitted to the NICU.", "ampicillin", "historical"),
    ("Family administered Diastat 10 mg rectally at home before EMS arrived.", "Diastat", "historical"),
    ("Family history: mother on warfarin after valve replacement.", "warfarin", "other"),
])
def test_a_drug_given_to_or_by_a_family_member_is_not_this_patients_giving(kb, text, drug, role):
    assert dict(roles_of(kb, text, "J0290"))[drug] == role


def test_a_consultants_start_the_patient_on_is_a_plan(kb):
    text = "I would stop the oral Levaquin and start the patient on intravenous Ancef 2 g q.8 h. for a month."
    assert dict(roles_of(kb, text, "J0690"))["Ancef"] in ("requested", "ordered")


def test_a_payers_approval_is_no_giving_and_the_product_given_instead_keeps_its_record(kb):
    text = ("Benefits: prior authorization approved for infliximab-dyyb (Inflectra) IV 5 mg/kg.\n"
            "1015 infliximab (REMICADE) 400 mg IV in NS 250 mL over 2 h - given. Inflectra not in stock.\n"
            "1220 infusion complete. All drug given.\n")
    got = roles_of(kb, text, "Q5103")
    assert got[0] == ("infliximab-dyyb (Inflectra", "ordered")
    assert [drug for drug, role in got if role == "administered"] == ["infliximab (REMICADE"]


def test_a_title_over_a_held_infusion_is_no_administration(kb):
    text = ("INFUSION CENTER - TYSABRI INFUSION #27\nPt febrile 38.4 C.\n"
            "0950 Discussed with Dr. Patel -> HOLD natalizumab 300 mg IV today; reschedule when afebrile.")
    got = roles_of(kb, text, "J2323")
    assert "administered" not in {role for _, role in got}


def test_the_drug_switched_to_is_not_the_one_discontinued(kb):
    text = ("End of treatment: Parsabiv (etelcalcetide) 5 mg IV bolus into venous line.\n"
            "Cinacalcet PO discontinued (switched to Parsabiv). Calcitriol not given today.")
    roles = dict(roles_of(kb, text, "J0606"))
    assert roles["Cinacalcet"] == "deferred" and roles["Calcitriol"] == "deferred"
    assert roles["Parsabiv (etelcalcetide"] == "administered"  # not overruled by the discontinuation


def test_a_next_dose_header_is_a_plan(kb):
    roles = dict(roles_of(kb, "Stelara 390 mg in NS 250 mL infused IV over 60 min.\n"
                              "Next: ustekinumab 90 mg SC in 8 weeks (self-injected).", "J3358"))
    assert roles["Stelara"] == "administered" and roles["ustekinumab"] != "administered"


def test_a_current_medication_list_entry_is_no_giving_without_a_time(kb):
    text = ("ALLERGIES: , NKDA.,CURRENT MEDICATIONS:  ,1.  Lovenox 80 mg subcutaneously q.12h. initiated.,"
            "2.  Coumadin 7.5 mg p.o., was administered on 03/04/2011 and 03/06/2011.")
    assert dict(roles_of(kb, text, "J1650"))["Lovenox"] == "historical"


def test_the_same_dose_told_again_is_a_restatement_and_another_time_or_site_is_not(kb):
    told_twice = ("He received etomidate 20 mg. PROCEDURE NOTE: Bed positioned and suction ready, "
                  "given 20 mg of etomidate and 100 mg of succinylcholine.")
    assert [r for _, r in roles_of(kb, told_twice, "J1953")] == ["administered", "restatement", "administered"]
    timed = "Versed 2 mg IV at 1301.\nVersed 2 mg IV at 1309."
    assert [r for _, r in roles_of(kb, timed, "J2250")] == ["administered", "administered"]
    sites = ("Kenalog 40 mg was injected into the right knee. Attention was then turned to the left knee. "
             "Kenalog 40 mg was injected into the left knee.")
    assert [r for _, r in roles_of(kb, sites)] == ["administered", "administered"]


def test_a_prn_regimen_started_is_an_order_but_a_charted_prn_dose_is_a_giving(kb):
    roles = dict(roles_of(kb, "For pain he was placed on Demerol 75 and Vistaril 50 mg IM q4h p.r.n.", "J2175"))
    assert roles["Demerol"] == "ordered"
    mar = "hydromorphone 1 mg IV q3h PRN severe pain: 0300 1 mg IV (pain 8) AB; 0915 1 mg IV (pain 7) CD"
    assert dict(roles_of(kb, mar, "J1170"))["hydromorphone"] == "administered"


def test_a_dose_the_patient_accepted_was_given_and_one_refused_was_not(kb):
    text = ("23:10 Offered olanzapine 10 mg IM - pt refused injection. Offered PO alternative: accepted olanzapine ODT "
            "(Zyprexa Zydis) 10 mg, placed on tongue and dissolved, observed swallowing at 23:12.")
    roles = [r for _, r in roles_of(kb, text, "J2359")]
    assert roles[:2] == ["deferred", "administered"]


def test_a_dose_given_by_the_transferring_facility_is_not_given_here(kb):
    text = ("Transferred from Mercy Rural ED: there received pantoprazole 80 mg IV bolus at 1330 (per transfer MAR).\n"
            "Arrived here 1610. Pantoprazole infusion 8 mg/h started 1630 via R AC 18g.")
    assert [r for _, r in roles_of(kb, text, "J2472")] == ["historical", "administered"]


def test_a_last_dose_told_with_a_place_of_this_visit_is_still_history(kb):
    text = "Declines today's shot. Last Prolia 60 mg SC given 04/18 in clinic (dose #6)."
    assert ("Prolia", "historical") in roles_of(kb, text, "J0897")


def test_a_flowsheet_row_marked_not_given_after_its_dot_leader_is_not_a_giving(kb):
    text = ("PREMEDS:\n0930  cetirizine 10 mg PO ............ GIVEN  RN/TB\n"
            "----  methylprednisolone 40 mg IV ....... NOT GIVEN - dropped from the order set by Dr. Obi\n")
    assert [r for _, r in roles_of(kb, text, "J2920")] == ["administered", "deferred"]


def test_a_dose_kept_for_another_day_is_not_given_today(kb):
    text = "Port to be locked with heparin 500 units (5 mL of 100 units/mL) at the last pump disconnect -- not today."
    assert [r for _, r in roles_of(kb, text, "J1642")] == ["deferred"]


def test_a_clause_turned_by_a_terminator_is_not_asked_for_by_the_sentence_opener(kb):
    text = ("I would not add oxycodone right now as he is already on three drugs for the pain (naproxen, "
            "duloxetine, and pregabalin from his PCP).")
    roles = dict(roles_of(kb, text, "J2270"))
    assert roles["oxycodone"] == "requested"
    assert roles["naproxen"] == roles["pregabalin"] == "historical"


def test_an_order_received_is_an_order_and_the_verified_giving_is_the_dose(kb):
    text = ("Order received: ertapenem 1 g IV daily x 5 days for the abscess.\n"
            "Given: ertapenem 500 mg IV over 30 min via PICC (renal dose per pharmacist).")
    assert [r for _, r in roles_of(kb, text, "J1335")] == ["ordered", "administered"]


def test_a_table_row_marked_not_due_is_not_given(kb):
    text = ("| Drug | Dose | Route | Status |\n| Methotrexate 15 mg | weekly | SC | given |\n"
            "| Cyanocobalamin 1,000 mcg | q9 weeks | IM | not due |")
    assert dict(roles_of(kb, text, "J3420"))["Cyanocobalamin"] == "deferred"


def test_a_participle_after_the_comma_speaks_of_the_drug_before_it(kb):
    text = "Cell product: remestemcel-L (Ryoncil), ordered 2 x 10^6 cells/kg."
    assert [r for _, r in roles_of(kb, text, "J3402")] == ["ordered"]


def test_an_interval_history_line_tells_an_earlier_use(kb):
    note = ("LAI clinic.\nInterval: took oral paliperidone 6 mg daily for a week, no side effects.\n"
            "Today: paliperidone palmitate 234 mg IM R deltoid, prefilled syringe, all given.")
    assert roles_of(kb, note, "J2426") == [("paliperidone", "historical"), ("paliperidone palmitate", "administered")]


def test_a_pharmacy_label_names_the_product_prepared_not_a_second_giving(kb):
    note = ("Pharmacy label: Pemetrexed Injection (Hospira) 25 mg/mL, 500 mg/20 mL single-dose vial.\n"
            "1010  pemetrexed in NS 100 mL  36 mL  IV over 10 min  JT")
    assert roles_of(kb, note, "J9305") == [("Pemetrexed", "container"), ("pemetrexed", "administered")]


def test_a_pharmacy_verification_stamped_with_its_time_is_the_dose_prepared_not_a_giving(kb):
    note = ("Pharmacy verification 2210: Voraxaze 2,000 units (two 1,000-unit vials) reconstituted, checked against order.\n"
            "2235 glucarpidase 2,000 units IV push over 5 min.")
    assert roles_of(kb, note, "C9293") == [("Voraxaze", "container"), ("glucarpidase", "administered")]


def test_a_dose_with_its_route_is_a_giving_though_its_vials_lot_follows(kb):
    note = ("C1D1 03/02: glofitamab 2.5 mg IV over 4 h.\n"
            "C1D8 03/09: glofitamab 10 mg IV over 8 h via port - 2.5 mg/2.5 mL vials x4 (lot GF2210), all used.")
    assert roles_of(kb, note, "J9286") == [("glofitamab", "administered"), ("glofitamab", "administered")]


def test_an_allergy_word_that_names_a_purpose_is_no_allergy(kb):
    note = "Premeds 30 min before paclitaxel (hypersensitivity prophylaxis): diphenhydramine 25 mg IV, famotidine 20 mg IV."
    assert roles_of(kb, note, "J1200")[1] == ("diphenhydramine", "administered")


def test_a_device_held_for_a_while_is_no_held_dose(kb):
    note = ("Today: Kenalog-40 (triamcinolone acetonide 40 mg/mL), single-dose vial, 1 mL given into the right gluteal "
            "muscle by the medical assistant under my supervision; held 10 seconds before withdrawing the needle.")
    assert [r for _, r in roles_of(kb, note, "J3301")] == ["administered"]
    held = "Today: Kenalog-40 40 mg IM ordered; held, patient febrile."
    assert [r for _, r in roles_of(kb, held, "J3301")] == ["deferred"]



def test_a_list_item_with_a_time_of_day_is_the_patients_regimen(kb):
    text = ("MEDICATIONS: , ,1.  Ambien 10 mg at bedtime p.r.n.,2.  Lantus insulin 50 units in the morning.,"
            "3.  Lasix 80 mg daily.,DIAGNOSES:,1.  Diabetes mellitus type 2.")
    assert ("insulin", "historical") in [(t.split()[-1], r) for t, r in roles_of(kb, text, "J1815")]


def test_a_dose_schedule_by_weekday_is_the_patients_regimen(kb):
    text = ("HPI: myelofibrosis followed in clinic. His current Jakafi dose is now 15 mg on Mondays and Fridays "
            "and 10 mg on all other days. No new complaints.")
    assert [r for _, r in roles_of(kb, text, "J8999") if r == "administered"] == []


def test_a_charge_line_is_what_was_billed_not_a_giving(kb):
    text = ("Lupron Depot 22.5 mg IM given L gluteal 10:10.\n"
            "Charge capture: J9217 (leuprolide acetate 7.5 mg) x3, JZ.\n"
            "Charge nurse: leuprolide given by RN Ames.")
    roles = roles_of(kb, text, "J9217")
    assert roles[1][1] == "other" and roles[0][1] == "administered"
    assert roles[2][1] != "other"  # a charge nurse is a person, not a charge


def test_a_consulting_services_dose_is_its_recommendation(kb):
    text = ("Pt 61 y/o M, hemophilia A, Wt 81 kg. Hematology: Esperoct 50 IU/kg pre-procedure.\n"
            "07:32 Esperoct 4,078 IU IV push over 4 min via L forearm PIV. Vials empty.")
    roles = roles_of(kb, text, "J7204")
    assert [r for _, r in roles] == ["requested", "administered"]


def test_an_aside_with_a_comma_does_not_end_the_mentions_clause(kb):
    # "(1 mL ampul, full)": the route after the aside is the giving's, so each timed row is a giving.
    text = "0810 DHE 1 mg (1 mL ampul, full) IV over 3 min.\n1600 DHE 1 mg (1 mL ampul, full) IV over 3 min.\n"
    assert [role for _, role in roles_of(kb, text, "J1110")] == ["administered", "administered"]
    # The aside's own words are not the clause's: "no waste" inside it makes no waste statement.
    text = "Ondansetron 8 mg IV given 08:05, drawn from ondansetron 40 mg/20 mL multi-dose vial (MDV, retained - no waste)."
    assert roles_of(kb, text, "J2405")[1][1] != "waste"


def test_an_allergy_word_inside_an_aside_is_no_allergy_to_the_drug_after_it(kb):
    # "(allergy)" names the ordering doctor's specialty; "allergic to penicillin" still is one.
    assert roles_of(kb, "Dr. Whelan (allergy) Xolair 300 mg SC given today.\n", "J2357") == [("Xolair", "administered")]
    assert roles_of(kb, "Pt is allergic to penicillin (hives).\n", "J0561")[0][1] == "allergy"


def test_an_expiry_date_in_an_aside_does_not_date_the_giving_earlier(kb):
    got = roles_of(kb, "09:50 Given: tacrolimus granules 0.2 mg packets x 3 (lot GR2201, exp 11/2026) = 0.6 mg PO.\n", "J7521")
    assert got == [("tacrolimus", "administered")]
    # A month and year that dates the giving itself still makes it an earlier one.
    got = roles_of(kb, "Prolia 60 mg SC given 04/2024 in the R arm.\n", "J0897")
    assert got[0][1] == "historical"


def test_a_route_dated_by_month_and_year_is_an_earlier_giving(kb):
    text = ("ID CLINIC / INFUSION - PENTAMIDINE IV FOR PJP PROPHYLAXIS\n"
            "Pt 34F HIV (B20), CD4 88. Aerosolized pentamidine 01/2025 -> severe bronchospasm, pt refuses again.\n"
            "Plan (Dr Haddad): monthly IV pentamidine 4 mg/kg for PJP prophylaxis.\n"
            "PREP: Pentam 300 (pentamidine isethionate for injection) 300 mg SDV; 2.8 mL (280 mg) into D5W 250 mL.\n"
            "1010-1112 infused IV over 60 min via PIV L FA.\n")
    assert roles_of(kb, text, "J2545")[1] == ("pentamidine", "historical")


def test_a_drug_the_patient_did_not_bring_is_not_given(kb):
    text = "ED course: pt's own Jivi not with him; ED stock factor VIII = Advate.\n"
    assert roles_of(kb, text, "J7208")[0] == ("Jivi", "deferred")


def test_a_medication_label_inside_a_line_opens_the_patients_list(kb):
    # "PMH HTN, hypothyroid. Meds: ...": the label opens a sentence mid-line; its drugs are the patient's.
    text = "PMH HTN, hypothyroid. Meds: amlodipine, levothyroxine, donepezil 10 mg.\nInj time 0934, route IV.\n"
    assert roles_of(kb, text, "C9458")[-1] == ("donepezil", "historical")


def test_a_negation_after_a_product_with_its_strengths_reaches_it(kb):
    text = "Infusion RN addendum 10:40: PHESGO 600 mg/600 mg/20,000 units (10 mL) NOT administered per cardio-onc hold.\n"
    assert roles_of(kb, text, "J9316") == [("PHESGO", "deferred")]


def test_a_frequency_reaches_the_name_across_its_gloss(kb):
    # The parenthesis is one word of the scope: "q6h" makes the order line an order, the MAR rows the givings.
    text = ("Renal dosing: piperacillin-tazobactam (ZOSYN) 2.25 g (piperacillin 2 g / tazobactam 0.25 g) IV q6h over 30 min.\n"
            "0600 Zosyn 2.25 g IV over 30 min - given\n")
    assert roles_of(kb, text, "J2543") == [("piperacillin-tazobactam (ZOSYN", "ordered"), ("Zosyn", "administered")]


def test_a_form_word_closing_an_aside_is_the_products_name_not_a_giving(kb):
    # "(BluePoint pemetrexed for injection)": the product's name and form, what the prepared vials hold.
    text = ("Pemetrexed (BluePoint) 500 mg/m2 = 950 mg in NS 100 mL IV over 10 min via port. Start 1012 / stop 1023.\n"
            "Pharmacy prep: 2 x 500 mg single-dose vials (BluePoint pemetrexed for injection) reconstituted = 1000 mg;"
            " 950 mg used; 50 mg discarded.\n")
    assert roles_of(kb, text, "J9322")[-1] == ("pemetrexed", "container")
    assert read(text, kb.facts("J9322"), kb).administration.dose_base == 950


def test_a_drug_labelling_the_field_its_product_fills_restates_the_giving(kb):
    text = ("Health maintenance:\n - Influenza vaccine: Agriflu 2015-2016, 0.5 mL prefilled syringe (lot 154802) 0.5 mL IM L deltoid"
            " - given by RN 11:20\n")
    assert roles_of(kb, text, "Q2034") == [("Influenza vaccine", "restatement"), ("Agriflu", "administered")]


def test_a_drug_under_the_disposition_is_planned(kb):
    text = ("1304 Wezlana 390 mg IV infusion begun (pump 250 mL/h)\n1406 complete, NS flush.\n"
            "Disp: home, ambulatory. SC maint (Wezlana 90 mg) wk 8 - specialty pharmacy.\n")
    assert [role for _, role in roles_of(kb, text, "Q5138")] == ["administered", "ordered"]


def test_the_items_of_an_order_list_joined_by_semicolons_are_ordered(kb):
    # The label ("phone order ... (read back):") opens the list; each later clause after a semicolon is an item of it.
    text = ("P: on-call NP phone order 0150 (read back): chlordiazepoxide 50 mg PO now; thiamine 100 mg IM; NS 1 liter IV over 1 hr.\n"
            "0200 thiamine 100 mg IM L deltoid given.\n")
    assert roles_of(kb, text, "J3411") == [("chlordiazepoxide", "ordered"), ("thiamine", "ordered"), ("thiamine", "administered")]


def test_the_drug_named_again_beside_its_vials_in_the_givings_parenthesis_is_the_container(kb):
    text = ("1000 treosulfan 14,000 mg (10 g/m2) in NS IV over 2 h via CVC, 1000-1200 "
            "(Grafapex: 2 x 5 g + 4 x 1 g vials; nothing left over)")
    assert roles_of(kb, text, "J0614") == [("treosulfan", "administered"), ("Grafapex", "container")]
    assert read(text, kb.facts("J0614"), kb).administration.dose_base == 14000.0


def test_a_drug_the_patient_uses_is_a_home_medication(kb):
    text = "S: 52F COPD, uses home nebulizer w/ levalbuterol 0.63 mg per treatment, last tx 3 h ago.\n1015 albuterol 2.5 mg neb.\n"
    assert roles_of(kb, text, "J7614") == [("levalbuterol", "historical"), ("albuterol", "administered")]


def test_an_operative_reports_history_of_procedure_is_its_narrative(kb):
    # "HISTORY OF PROCEDURE" tells what was done in the operation, not the patient's history.
    text = ("PROCEDURE PERFORMED:, Left thoracotomy.,HISTORY OF PROCEDURE:, The patient was brought to the operating room. "
            "The patient had Marcaine infused into the incision area. The incision was closed.")
    assert roles_of(kb, text, "J0665") == [("Marcaine", "administered")]


def test_a_regimen_beside_the_timed_row_that_gives_its_dose_restates_it(kb):
    # The consultant's regimen (a dose with q8h, no clock) is what the timed row with its own route records: one giving.
    text = ("Admitted for pyelonephritis. ID (Dr. Lee): doripenem 500 mg IV q8h to complete 10 d; 1400 dose given in suite on clinic days, "
            "others via home infusion.\n"
            "1402 doripenem 500 mg/NS 100 mL IV via R PICC over 1 h\n")
    assert roles_of(kb, text, "J1267") == [("doripenem", "restatement"), ("doripenem", "administered")]
    assert read(text, kb.facts("J1267"), kb).administration.dose_base == 500.0


def test_an_order_over_mar_rows_with_no_route_keeps_its_role(kb):
    # The MAR rows state no route: the order line above them is where the route is read, so it stays a giving.
    text = ("IDArubicin 12 mg/m2 = 21 mg IV push via PICC daily days 1-3\n"
            "   06/12/2024 10:05  idarubicin 21 mg  GIVEN (day 2)\n")
    assert roles_of(kb, text, "J9211")[0] == ("IDArubicin", "administered")


def test_a_refill_line_that_records_the_giving_is_an_administration(kb):
    # A pump refilled in clinic is given; a refill sent to the pharmacy is an order.
    text = ("Refill: Infumorph (preservative-free morphine sulfate) 25 mg/mL, one 20 mL ampule = 500 mg, "
            "filtered and instilled into reservoir via refill kit.\n")
    assert roles_of(kb, text, "J2274")[0] == ("Infumorph", "administered")
    assert [role for _, role in roles_of(kb, "Refill sent: morphine sulfate ER 15 mg tabs #60.\n", "J2270")] == ["ordered"]


def test_the_visits_purpose_is_no_giving(kb):
    # "here for C4D1 X": what the visit was booked for, not what was given (the cycle was held).
    text = ("S: 66 y/o F with relapsed multiple myeloma, here for C4D1 melphalan flufenamide (Pepaxto) 40 mg.\n"
            "A/P: C4D1 held for platelets <50K.\n")
    assert roles_of(kb, text, "C9080")[0][1] != "administered"
    assert read(text, kb.facts("C9080"), kb).administration.state == "not_given"
    # A giving told after it still gives.
    text = "Here for Prolia. 1010 Prolia 60 mg SC given L upper arm.\n"
    assert read(text, kb.facts("J0897"), kb).administration.state == "given"
