"""Annotate once: the whole note's route words and amounts, looked up by span."""

from docreview.note.annotate import Annotations
from docreview.note.text import sentences


def spans(text, items):
    return [text[x.start : x.end] for x in items]


def test_routes_and_amounts_are_looked_up_by_span():
    text = "Zofran 4 mg IV push. Toradol 30 mg IM to the left deltoid."
    notes = Annotations(text)
    first = sentences(text)[0]
    assert [r.route for r in notes.routes_in(first.start, first.end)] == ["intravenous"]
    assert spans(text, notes.amounts_in(first.start, first.end)) == ["4 mg"]
    assert {r.route for r in notes.routes_in(first.end, len(text))} == {"intramuscular"}


def test_a_span_that_ends_inside_a_strength_keeps_the_whole_strength():
    text = "Keppra 500 mg/5 mL vial"
    notes = Annotations(text)
    cut = text.index("/")
    found = notes.amounts_in(0, cut)
    assert len(found) == 1 and found[0].is_concentration and text[found[0].start : found[0].end].startswith("500 mg/5")


def test_a_route_word_cut_by_the_span_is_not_read():
    text = "given intravenously"
    notes = Annotations(text)
    assert notes.routes_in(0, text.index("venously")) == []


def test_tokens_and_context_are_made_once_per_sentence():
    text = "Zofran 4 mg IV was not given."
    notes = Annotations(text)
    sent = sentences(text)[0]
    first = notes.context(sent)
    assert notes.context(sent) is first
    assert any(m.rule.category == "NOT_GIVEN" for m in first[1])


def test_fluid_taken_out_of_the_patient_is_not_an_amount_given():
    text = "Synvisc-One 48 mg/6 mL injected after aspiration of 10 mL clear fluid. EBL 50 mL."
    notes = Annotations(text)
    assert spans(text, notes.amounts_in(0, len(text))) == ["48 mg/6 mL"]
    # Told after the volume too; a volume drawn up from a vial is the dose.
    text = "Paracentesis: 4.2 L removed, 900 mL drained from the bag. 10.8 mL (21.6 mg) withdrawn from the vial."
    assert spans(text, Annotations(text).amounts) == ["10.8 mL", "21.6 mg"]
    # What came out may stand between the volume and its verb; a drug's dose then injected stays one.
    text = "Access lower pole calyx; 30 mL pus aspirated. 20 mL of clear yellow fluid drained, then 2 mL of 1% lidocaine, aspiration negative, injected."
    assert spans(text, Annotations(text).amounts) == ["2 mL", "1%"]


def test_million_units_and_phenytoin_equivalents_are_amounts():
    from docreview.note.amounts import find_amounts

    text = "Penicillin G 2.5 million units IVPB. Fosphenytoin 20 mg PE/kg = 1300 mg PE IVPB."
    found = {text[a.start : a.end]: (a.value, a.kind, a.per_kg) for a in find_amounts(text)}
    assert found["2.5 million units"] == (2_500_000, "units", False)
    assert found["20 mg PE/kg"] == (20, "mass", True)
    assert found["1300 mg PE"] == (1300, "mass", False)


def test_a_multiple_dose_vials_volume_is_what_it_holds_not_a_dose():
    from docreview.note.amounts import find_amounts, is_dose

    text = "Fiasp U-100, 10 mL multiple-dose vial; Kenalog 1 mL vial, 1 mL injected"
    found = {text[a.start : a.end]: is_dose(a) for a in find_amounts(text) if a.kind == "volume"}
    assert found == {"10 mL": False, "1 mL": True}


def test_amounts_summed_before_one_container_word_are_each_a_container():
    from docreview.note.amounts import find_amounts, is_dose

    text = "Gamunex-C 10% 20 g + 10 g bottles - 28 g (280 mL) infused IV"
    assert {text[a.start : a.end]: is_dose(a) for a in find_amounts(text) if a.kind == "mass" and not a.is_concentration} == {
        "20 g": False, "10 g": False, "28 g": True}


def test_a_container_glossed_with_its_content_is_no_dose_but_containers_counted_to_a_total_are():
    from docreview.note.amounts import find_amounts, is_dose

    def doses(text):
        return {text[a.start : a.end]: is_dose(a) for a in find_amounts(text) if not a.is_concentration and not a.rate}

    # What one container of a stated size holds, in parentheses or after "=" closing an aside: its size and content.
    assert doses("Cleviprex (0.5 mg/mL, 100 mL single-dose vial = 50 mg) drip at 2 mg/h") == {"100 mL": False, "50 mg": False}
    assert doses("drawn from a 30 mL single-dose vial (90 mg)") == {"30 mL": False, "90 mg": False}
    # The vial given whole, and containers counted to a total: the total is what was given.
    assert doses("valproate 100 mg/mL, 5 mL single-dose vial = 500 mg, infused IV")["500 mg"] is True
    assert doses("Advate 2 x 2000 IU vials = 4,000 IU IV push") == {"2000 IU": False, "4,000 IU": True}


def test_a_vials_labelled_potency_and_the_content_of_vials_opened_are_no_dose():
    from docreview.note.amounts import find_amounts, is_dose

    text = "1,000 IU vial, label actual 1,046 IU; labeled 2,800 IU after reconstitution; 1,046 IU given"
    assert [(text[a.start : a.end], is_dose(a)) for a in find_amounts(text)] == [
        ("1,000 IU", False), ("1,046 IU", False), ("2,800 IU", False), ("1,046 IU", True)]
    text = "Marcaine 0.5% 30 mL vials x2 opened (60 mL = 300 mg); 20 mL (100 mg) injected"
    assert {text[a.start : a.end]: is_dose(a) for a in find_amounts(text) if a.start > text.index("(")} == {
        "60 mL": False, "300 mg": False, "20 mL": True, "100 mg": True}


def test_a_needle_gauge_before_a_route_or_a_needle_kind_is_no_amount():
    from docreview.note.amounts import find_amounts

    for text in ["4 sites, 12.5 mL per site, 24 g SC needle sets", "30 mL injected through a 22-g non-coring needle"]:
        assert [a.kind for a in find_amounts(text)] == ["volume"] * len([a for a in find_amounts(text)]), text


def test_an_eye_surgerys_instrument_gauge_is_no_amount():
    from docreview.note.amounts import find_amounts

    # The finest subretinal cannulas run past 32 gauge; a vitrectomy and its trocars are named by gauge.
    for text in ["3 port 23g PPV, core vit, PVD induced", "0805 Incision / 23g trocars OS",
                 "41g subretinal cannula introduced superotemporal to the arcade"]:
        assert find_amounts(text) == [], text
    assert [a.kind for a in find_amounts("IVIG 35 g IV started at 1000")] == ["mass"]


def test_a_number_joined_to_its_unit_by_a_hyphen_is_an_amount_and_a_range_stays_a_range():
    from docreview.note.amounts import find_amounts

    text = "inject 40-mg of Kenalog; Zofran 4-8 mg IV prn"
    found = {text[a.start : a.end]: (a.value, a.is_range) for a in find_amounts(text)}
    assert found == {"40-mg": (40, False), "4-8 mg": (8, True)}


def test_a_gauge_in_parentheses_after_the_catheter_is_no_amount():
    from docreview.note.amounts import find_amounts

    text = "infusion started via L forearm PIV (22g), rate 250 mL/h"
    assert [text[a.start : a.end] for a in find_amounts(text)] == ["250 mL/h"]


def test_a_calculated_figure_is_marked_and_gives_way_to_the_dose_written_beside_it():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.amounts import find_amounts
    from docreview.note.reading import read

    text = "vinCRIStine 1.4 mg/m2 (calc 2.73 mg) - CAPPED at 2 mg per protocol, IV via port."
    assert [(text[a.start : a.end], a.calculated) for a in find_amounts(text)] == [("1.4 mg/m2", False), ("2.73 mg", True), ("2 mg", False)]
    kb = knowledge_base()
    assert read(text, kb.facts("J9370"), kb).administration.dose_base == 2
    # Alone, a calculated dose is still the dose the note states.
    assert read("Vincristine calculated dose 1.5 mg IV push via port.", kb.facts("J9370"), kb).administration.dose_base == 1.5


def test_a_year_is_no_clock_time():
    from docreview.note.amounts import find_times

    text = "Illness dates back to October of 2006; Coumadin was administered on 02/19/2007. 1402 | midazolam; given at 0930."
    assert find_times(text, 0, len(text)) == ["1402", "0930"]
    # An ISO date's year either: "DOS 2025-06-10", "at 2010-01-05"; a range of clock times stays two times.
    text = "HyQvia RAMP-UP - infusion #3    DOS 2025-06-10. Seen at 2010-01-05. Ran 2015-2030."
    assert find_times(text, 0, len(text)) == ["2015", "2030"]
    # A birth year either: "DOB 1952"; a time after "time" stays one, a comma after it or not.
    text = "Pt: MRN 0048817   DOB 1952   Exam: PET. Inj time 0934, route IV."
    assert find_times(text, 0, len(text)) == ["0934"]


def test_a_per_ml_strength_before_a_slash_and_a_drug_name_is_no_rate():
    from docreview.note.amounts import find_amounts

    text = "DefenCath (taurolidine 13.5 mg/mL / heparin 1,000 units/mL)"
    assert [a.rate for a in find_amounts(text, 0, len(text))] == [False, False]


def test_a_clock_time_that_ends_the_sentence_is_a_time_and_a_decimal_is_not():
    from docreview.note.amounts import find_times

    text = "Whole vial IV push L AC over 4 min 0940. Dose 1000.5 mg charted. On Topamax since March 2007."
    assert find_times(text, 0, len(text)) == ["0940"]


def test_a_container_told_as_given_whole_or_emptied_is_zero_waste():
    from docreview.note.waste import read_waste

    for text in ("Kimyrsa 1,200 mg vial reconstituted, IV over 1 h 1120-1220. Entire vial.",
                 "Cromolyn 20 mg/2 mL ampule via neb. Ampule used in full.",
                 "Cuvitru 10 g/50 mL vial x1 pooled into syringes. Vials and syringes emptied, no residual product."):
        assert read_waste(text).zero_waste, text
    assert not read_waste("Wide local excision; margins clear, no residual disease.").zero_waste


def test_an_amount_left_unused_and_discarded_is_waste():
    from docreview.note.waste import read_waste

    assert [a.value for a, _ in read_waste("Vials 5 mg + 2 mg mixed; 250 mcg unused, discarded.").discarded] == [0.25]  # mg


def test_the_container_a_remainder_was_left_in_is_no_waste_its_parenthesis_is():
    from docreview.note.waste import read_waste

    text = "Chloroquine 97 mg (1.9 mL) IM. Remainder of 5 mL amp (3.1 mL) discarded in sharps."
    assert [text[a.start : a.end] for a, _ in read_waste(text).discarded] == ["3.1 mL"]


def test_an_aside_of_each_ingredients_remainder_is_read_whole():
    from docreview.note.waste import read_waste

    text = "Left: 10.2 mL (22.4 mg dauno / 50.9 mg cytarabine) remaining -> discarded."
    assert [text[a.start : a.end] for a, _ in read_waste(text).discarded] == ["22.4 mg", "50.9 mg"]


def test_a_vial_discarded_at_a_time_with_an_amount_remaining_is_waste():
    from docreview.note.waste import read_waste

    text = "Vial discarded 17:25 with 18.25 mg (36.5 mL) remaining (lipid emulsion, not reused) - waste witnessed."
    assert [a.value for a, _ in read_waste(text).discarded][:1] == [18.25]
    assert [a.value for a, _ in read_waste("Vial discarded w/ 24 mg (48 mL) remaining, witness RN").discarded][:1] == [24]


def test_a_bar_parts_the_dose_drawn_from_the_amount_discarded():
    from docreview.note.waste import read_waste

    text = "  dose 41 mg withdrawn | 19 mg discarded in hazardous waste bin"
    assert [text[a.start : a.end] for a, _ in read_waste(text).discarded] == ["19 mg"]


def test_an_amount_named_as_the_leftover_a_few_words_before_the_discard_verb_is_waste():
    from docreview.note.waste import read_waste

    assert [a.value for a, _ in read_waste("2310 450 units residual diluted factor solution discarded per policy").discarded] == [450.0]
    # A giving told before a far "not used" is no waste: "over 1 h" numbers the words between.
    assert read_waste("0900 cefepime 2 g IVPB over 1 h via new PIV (port not used)").discarded == []


def test_joint_fluid_aspirated_and_discarded_is_no_drug_waste():
    from docreview.note.waste import read_waste

    assert read_waste("Aspirated 12 mL clear yellow fluid (discarded, not sent). Injected hyaluronan 25 mg.").discarded == []


def test_a_post_void_residual_is_urine_not_waste():
    from docreview.note.waste import read_waste

    assert read_waste("Voided 280 mL at 12:05; post-void residual 110 mL.").discarded == []
    assert [a.value for a, _ in read_waste("Dose calibrator: syringe residual 0.3 mCi at 10:14.").discarded] == [0.3]


def test_a_strength_per_ml_is_no_container_content_but_a_stated_volume_is():
    from docreview.note.waste import read_waste

    contents = [a.value for a, _ in read_waste("Ranibizumab 0.3 mg (0.05 mL of 6 mg/mL single-dose prefilled syringe) IVT OD.").vial_contents]
    assert contents == []
    contents = [a.value for a, _ in read_waste("Ondansetron 4 mg/2 mL single-dose vial, 4 mg IV push.").vial_contents]
    assert contents == [4.0]


def test_a_vial_size_is_read_on_its_own_line_and_an_sdv_is_a_vial():
    from docreview.note.waste import read_waste

    text = ("Bevacizumab (Avastin) 5 mg/kg x 82 kg = 410 mg\n"
            "Vials used: Avastin 400 mg/16 mL SDV lot 3491128 + Avastin 100 mg/4 mL SDV lot 3488802")
    assert [a.value for a, _ in read_waste(text).vial_contents] == [400.0, 100.0]  # not the dose on the line above


def test_a_catheter_site_before_an_attached_g_makes_a_gauge():
    from docreview.note.amounts import find_amounts

    text = "acetylcysteine 150 mg/kg IV load in D5W 200 mL over 60 min - started R AC 20g."
    assert [text[a.start : a.end] for a in find_amounts(text)] == ["150 mg/kg", "200 mL"]
    spaced = "IVIG left arm 20 g infused"
    assert [spaced[a.start : a.end] for a in find_amounts(spaced)] == ["20 g"]


def test_a_fractional_needle_length_after_the_gauge_makes_it_a_gauge():
    from docreview.note.amounts import find_amounts

    text = "Invega Sustenna 156 mg IM R deltoid, 23g 5/8 in needle."
    assert [text[a.start : a.end] for a in find_amounts(text)] == ["156 mg"]


def test_the_digits_after_a_thousands_comma_are_no_amount_of_their_own():
    from docreview.note.amounts import find_amounts

    text = "Phesgo 1,200 mg/600 mg/30,000 units/15 mL vial"
    assert all(a.value > 0 for a in find_amounts(text))
    assert "000 units" not in [text[a.start : a.end] for a in find_amounts(text)]


def test_a_discard_after_a_thousands_comma_keeps_the_whole_amount():
    from docreview.note.waste import read_waste

    text = "Rest of the bag (~190 mL, 1,900 mg) discarded, witnessed."
    assert [a.value for a, _ in read_waste(text).discarded] == [1900.0]


def test_a_bare_kilogram_of_something_else_is_no_body_weight():
    from docreview.note.amounts import find_weight

    assert find_weight("Wt not done today. Grip strength R 31 kg / L 29 kg.") is None
    assert find_weight("Grip strength 31 kg. Wt 64 kg.").kg == 64.0


def test_usp_units_are_units():
    from docreview.note.amounts import find_amounts

    text = "Hylenex 150 USP units/mL vial; 75 USP units injected SC."
    assert [(a.value, a.kind) for a in find_amounts(text)] == [(150.0, "units"), (75.0, "units")]


def test_a_unit_dose_container_is_no_amount_of_units():
    from docreview.note.amounts import find_amounts

    text = "Cromolyn sodium inhalation soln 20 mg/2 mL - 1 unit-dose ampule via neb; 2 unit dose vials on hand; 10 units SC."
    assert [(a.value, a.kind) for a in find_amounts(text)] == [(20.0, "mass"), (10.0, "units")]


def test_a_dose_per_week_is_a_rate_no_dose_given():
    from docreview.note.amounts import find_amounts

    text = "switching oral MTX 20 mg/wk -> SC; etanercept 50 mg per week; 25 mg SC today."
    assert [(a.value, a.rate) for a in find_amounts(text)] == [(20.0, True), (50.0, True), (25.0, False)]


def test_a_power_injectors_rate_per_second_is_a_rate_and_drinks_counted_before_their_amount_multiply_it():
    from docreview.note.amounts import find_amounts

    text = "ISOVUE-370 70 mL @ 5 mL/s + 40 mL NS chaser. Oral contrast: BREEZA, 3 bottles x 450 mL."
    assert [(a.value, a.rate, a.multiplier) for a in find_amounts(text)] == [(70.0, False, 1), (5.0, True, 1), (40.0, False, 1), (450.0, False, 3)]


def test_the_needle_an_injection_was_given_with_is_no_amount():
    from docreview.note.amounts import find_amounts

    assert [a.kind for a in find_amounts("Injected intralesionally with 30g: R lobe 2.4 mL")] == ["volume"]
    assert [a.value for a in find_amounts("mixed with 25g albumin")] == [25000.0]  # no injection: grams


def test_a_dose_per_m2_is_per_body_surface_no_rate_of_time():
    from docreview.note.amounts import find_amounts

    text = "Synribo 1.25 mg/m2 SC BID; heparin 18 units/kg/h; 500 mg/m2/day"
    assert [(a.value, a.rate, a.per_m2) for a in find_amounts(text)] == [(1.25, True, True), (18.0, True, False), (500.0, True, False)]


def test_a_bare_gauge_closing_a_list_of_procedure_details_is_no_amount():
    from docreview.note.amounts import find_amounts

    text = "Eylea 2 mg/0.05 mL injected intravitreal OS, 3.5 mm post limbus IT quad, 30g. Tolerated."
    assert [text[a.start : a.end] for a in find_amounts(text)] == ["2 mg/0.05 mL"]
    assert [a.value for a in find_amounts("Gammagard 10%, 30g IV over 4 h.")][-1] == 30000.0
    # So does one closing an aside's list of sites.
    text = "1030 given subcut, 2 sites (abd L and R, 0.6 mL each) 26g.\n"
    assert [text[a.start : a.end] for a in find_amounts(text)] == ["0.6 mL"]


def test_a_multi_dose_regimen_is_no_multi_dose_container():
    from docreview.note.waste import read_waste

    assert read_waste("Unreliable for multi-dose outpt regimen. Plan: single-dose oritavancin.").multi_dose == []
    assert len(read_waste("Drawn from a 10 mL multi-dose vial.").multi_dose) == 1


def test_the_vial_a_remainder_was_left_in_is_no_waste():
    from docreview.note.waste import read_waste

    text = "6 mL (60 mg) left in the 100 mg vial - discarded, witnessed."
    assert [a.value for a, _ in read_waste(text).discarded if a.kind == "mass"] == [60.0]


def test_a_number_before_a_unit_is_no_clock_time():
    from docreview.note.amounts import find_times

    text = "Vitamin D3 2000 IU daily; KCl 1200 mEq? no -- 20 mEq at 1430."
    assert find_times(text, 0, len(text)) == ["1430"]


def test_a_time_right_after_a_giving_verb_is_a_clock_time():
    from docreview.note.amounts import find_times

    text = "Ancef 2 g IV given 0742, 30 min before incision."
    assert find_times(text, 0, len(text)) == ["0742"]


def test_a_discard_participle_after_a_comma_tells_of_the_amount_before_it():
    from docreview.note.waste import read_waste

    text = "left in the 80 mg vial: 2.8 mL = 56 mg, discarded to pharmaceutical waste."
    assert [text[a.start : a.end] for a, _ in read_waste(text).discarded] == ["2.8 mL", "56 mg"]
    # A verb that tells its own amount leaves the dose before the comma alone.
    text = "Ceftriaxone 1 g IVPB from a 2 g vial, discarded remaining 1 g."
    assert [a.start for a, _ in read_waste(text).discarded] == [text.rindex("1 g")]


def test_fluid_drained_with_its_volume_in_parentheses_is_not_an_amount_given():
    text = "Bladder drained (60 mL residual), then the suspension was instilled."
    assert spans(text, Annotations(text, sentences(text)).amounts) == []


def test_a_limit_is_no_amount_given_but_what_a_vial_contains_is_a_content():
    from docreview.note.amounts import find_amounts, is_dose

    text = "Total lidocaine kept at no more than 300 mg."
    assert [is_dose(a) for a in find_amounts(text)] == [False]
    text = "Each vial contains not more than 120 mg of protein."
    assert [is_dose(a) for a in find_amounts(text)] == [True]


def test_a_total_of_the_discarded_amounts_told_before_it_is_no_more_waste():
    from docreview.note.waste import read_waste

    text = ("Vial residual 0.5 mL (2 mg) discarded at prep.\n"
            "Bag returned with 40 mL (12 mg) discarded + 2 mg vial residual = 14 mg total wasted.")
    assert sorted(a.value for a, _ in read_waste(text).discarded if a.kind == "mass") == [2.0, 12.0]


def test_what_a_multiple_dose_vial_holds_is_a_container_not_a_dose():
    from docreview.note.amounts import find_amounts

    text = "Ogivri 420 mg MULTIPLE-DOSE vial reconstituted."
    assert [a.container for a in find_amounts(text, 0, len(text))] == [True]


def test_a_lung_function_reading_is_no_amount_given():
    text = ("1405 TOBI 300 mg/5 mL ampule via nebulizer.\n1435 Post-dose FEV1 2.24 L (-3%).\n"
            "0905-0930 Serial FEV1: 3.32 / 3.25 / 3.30 L (max fall 4.7%)\nNS 1 L IV bolus.")
    notes = Annotations(text)
    read = spans(text, notes.amounts_in(0, len(text)))
    assert "300 mg/5 mL" in read and "1 L" in read
    assert not {"2.24 L", "3.32", "3.30 L"} & set(read)


def test_a_contrast_strength_in_iodine_per_ml_is_a_concentration():
    from docreview.note.amounts import find_amounts

    text = "Cystografin (diatrizoate 30%, 141 mg iodine/mL) 250 mL. Omnipaque 350 mgI/mL 80 mL IV."
    found = {text[a.start : a.end]: a.is_concentration for a in find_amounts(text)}
    assert found["141 mg iodine/mL"] and found["350 mgI/mL"]
    assert not found["250 mL"] and not found["80 mL"]


def test_a_strength_of_the_drugs_base_per_ml_is_a_concentration():
    from docreview.note.amounts import find_amounts

    text = "Chloroquine HCl 50 mg/mL (= 40 mg base/mL), 5 mL ampule: 250 mg (200 mg base) IM."
    found = {text[a.start : a.end]: a.is_concentration for a in find_amounts(text)}
    assert found["40 mg base/mL"] and found["50 mg/mL"]
    assert not found["250 mg"] and not found["200 mg"]


def test_a_gauge_written_apart_after_the_lines_site_is_no_amount():
    from docreview.note.amounts import find_amounts

    text = "Injected IV over 1 min via R AC 22 g at 09:01. IVIG 20 g IV via port."
    assert [text[a.start : a.end] for a in find_amounts(text)] == ["20 g"]


def test_an_items_strength_before_a_count_and_its_total_is_no_dose():
    from docreview.note.amounts import find_amounts, is_dose

    text = "08:30 calcium acetate 667 mg caps - 3 capsules (2,001 mg) PO with lunch"
    doses = [text[a.start : a.end] for a in find_amounts(text) if is_dose(a)]
    assert doses == ["2,001 mg"]
    text = "sevelamer 800 mg tab x 2 = 1,600 mg PO"
    assert [text[a.start : a.end] for a in find_amounts(text) if is_dose(a)] == ["1,600 mg"]
    # Two doses a count does not join stay doses.
    text = "ondansetron 4 mg IV, then 8 mg IV at 0900"
    assert [text[a.start : a.end] for a in find_amounts(text) if is_dose(a)] == ["4 mg", "8 mg"]


def test_a_lab_value_per_decilitre_and_fluid_draining_out_are_no_amounts_given():
    from docreview.note.annotate import Annotations

    text = "ESR 29 mm/h, CRP 4.3mg/DL. Lidocaine 1% injected; the bag started draining at least 400 mL of fluid."
    assert [text[a.start : a.end] for a in Annotations(text).amounts] == ["1%"]


def test_a_labelled_field_repeating_the_one_discarded_amount_is_no_more_waste():
    from docreview.note.waste import read_waste

    text = "150 mg drawn; 50 mg left in vial #2 discarded. Discarded amount: 50 mg. Witness S. Park RN."
    assert [a.value for a, _ in read_waste(text).discarded] == [50]
    # Two amounts told apart still add up ("vial 1: 50 mg wasted; vial 2: 50 mg wasted").
    assert [a.value for a, _ in read_waste("Vial 1: 50 mg wasted. Vial 2: 50 mg wasted.").discarded] == [50, 50]


def test_a_figure_on_its_grams_after_an_eye_or_a_cannula_is_a_gauge():
    from docreview.note.amounts import find_amounts

    for text in ["Izervay 0.1 mL injected intravitreal OD superotemporal 30g.", "0.5 mL per side via 25g cannula, subdermal"]:
        assert {a.kind for a in find_amounts(text)} == {"volume"}, text
    assert [a.value for a in find_amounts("IVIG 30g IV over 3 h")] == [30_000]  # mg: a dose in grams stays one


def test_a_tubes_size_is_its_content_and_a_counted_tubes_gloss_is_not():
    from docreview.note.amounts import find_amounts, is_dose

    text = "AMELUZ 10% gel, 2 g tube (opened today). One 2 g tube (200 mg ALA) applied."
    assert {text[a.start : a.end]: is_dose(a) for a in find_amounts(text) if a.kind == "mass" and not a.is_concentration} == {
        "2 g": False, "200 mg": True}


def test_the_same_waste_glossed_in_another_unit_after_its_place_is_one_amount():
    from docreview.note.waste import read_waste

    text = "Waste: remaining 9 mL in vial (9 mg) + 4.4 mL of dilution (0.88 mg) = 9.88 mg vinblastine discarded."
    assert sorted((a.kind, a.value) for a, _ in read_waste(text).discarded) == [("mass", 0.88), ("mass", 9.0), ("volume", 9.0)]


def test_a_gauge_closing_a_listed_detail_before_its_device_is_no_amount():
    from docreview.note.amounts import find_amounts

    text = "Site R thigh, subcutaneous, 29g autoinjector. Loading: IVIG 30g, 30g IV over 4 h."
    # (a route after the figure is the dose's: grams of IVIG)
    assert [text[a.start : a.end] for a in find_amounts(text) if a.kind == "mass"] == ["30g", "30g"]
