"""Drug mentions with no billing code: the derived lexicon and the shape of an unlisted name.
Snippets are written for these tests."""

from __future__ import annotations

import pytest

from docreview.data_files import DrugLexiconFile, data_file
from docreview.knowledge.facts import knowledge_base
from docreview.note.drug_shape import find_unknown_drugs
from docreview.note.drugs import lexicon_for
from docreview.note.extract import read_note


@pytest.fixture(scope="module")
def lexicon():
    return lexicon_for(knowledge_base())


def names(lexicon, text: str) -> list[tuple[str, bool]]:
    """(text of each mention, whether it carries a code)."""
    return [(text[m.start : m.end], bool(m.codes)) for m in lexicon.find(text)]


def test_lexicon_file_is_compact_and_normalised():
    lex = data_file("drug_lexicon.json")
    assert isinstance(lex, DrugLexiconFile)
    assert 3000 < len(lex.names) < 20000
    assert "atenolol" in lex.names and "oxygen" not in lex.names and "water" not in lex.names


def test_home_medications_from_the_public_lexicon_carry_no_code(lexicon):
    found = names(lexicon, "Home meds: atenolol 50 mg daily, hydrochlorothiazide 25 mg, alprazolam 0.5 mg prn.")
    assert found == [("atenolol", False), ("hydrochlorothiazide", False), ("alprazolam", False)]


def test_a_billed_name_wins_over_a_longer_public_name(lexicon):
    # "lidocaine hydrochloride" is a public ingredient name; the billed "lidocaine" keeps its code.
    found = names(lexicon, "Lidocaine hydrochloride 1% 5 mL infiltrated.")
    assert found and found[0][1]


def test_an_inn_acid_is_known_by_its_us_name(lexicon):
    # DrugCentral lists "alendronic acid"; US charts write "alendronate".
    assert names(lexicon, "Stopped alendronate in 2019 for reflux.") == [("alendronate", False)]
    assert names(lexicon, "Acetic acid 2% drops.")[0][0].lower() == "acetic acid"


def test_a_chemical_prefix_written_apart_names_the_same_drug(lexicon):
    text = "1 mL of a solution of 0.5% Marcaine and 80 mg of methyl prednisolone acetate"
    found = lexicon.find(text)
    assert [text[m.start : m.end] for m in found][-1] == "methyl prednisolone acetate"
    assert "J1040" in found[-1].codes


def test_a_public_name_that_opens_with_a_billed_name_is_one_mention_with_its_code(lexicon):
    text = "1130 insulin aspart 6 units SQ per sliding scale -- given"
    found = lexicon.find(text)
    assert [(text[m.start : m.end], "J1815" in m.codes) for m in found] == [("insulin aspart", True)]


def test_lab_values_are_not_drugs(lexicon):
    assert names(lexicon, "Glucose 110 mg/dL. Potassium 4.1 mEq/L. Hemoglobin 12 g/dL.") == []
    # A name that is also an analyte's is the drug's only before a dose: albumin given, not measured.
    assert names(lexicon, "Albumin 3.2 g/dL, low albumin.") == []
    assert names(lexicon, "LVP: 4 L removed, albumin 25% 50 g IV given.") == [("albumin", False)]


def test_an_unlisted_brand_with_a_strength_or_frequency_is_a_drug():
    text = "Zorvexa 100 mg b.i.d. Also Quintrol daily. Pelmora XL 50 mg."
    assert [n for _, _, n in find_unknown_drugs(text, [])] == ["zorvexa", "quintrol", "pelmora"]


def test_english_words_units_and_analytes_with_numbers_are_not_drugs():
    text = "Weight 70 kg. Total 4 mg given. Creatinine 1.2 mg/dL. Hemoglobin 12 g/dL. Patient 2 tablets."
    assert find_unknown_drugs(text, []) == []


def test_a_pumps_volume_left_to_be_infused_is_no_drug():
    assert find_unknown_drugs("Bag 2 hung 1600 -> infused 800 mL (LTBI 200 mL, VTBI 1000 mL)", []) == []


@pytest.mark.parametrize("text", ["0930 meperidine-promethazine 25 mg IM given", "promethazine/meperidine 25 mg IM"])
def test_a_combinations_moieties_joined_in_either_order_name_its_code(lexicon, text):
    # Each moiety alone has codes of its own (J2175, J2550): joined, they are the combination's (J2180).
    assert [m.codes for m in lexicon.find(text)] == [frozenset({"J2180"})]


def test_a_route_word_before_an_unlisted_name_gives_it_away():
    text = "Topical EMLA applied 1300. IV Zorvexa over 10 min. IV access obtained."
    assert [n for _, _, n in find_unknown_drugs(text, [])] == ["emla", "zorvexa"]


def test_drug_verbs_lists_and_glosses_give_a_name_away():
    text = ("She was started on Zorvexa last year.\n"
            "MEDICATIONS: Quintrol, Pelmora.\n"
            "Also Vantrel (atenolol).")
    taken = [(text.index("atenolol"), text.index("atenolol") + 8)]
    assert [n for _, _, n in find_unknown_drugs(text, taken)] == ["zorvexa", "quintrol", "pelmora", "vantrel"]


def test_a_numbered_list_on_its_own_lines_is_one_list_of_drugs():
    text = "Admission medications as follows:\n1.  Zorvexa.\n2.  atenolol.\n3.  Pelmora.\nExam: Quintrol clinic visit."
    taken = [(text.index("atenolol"), text.index("atenolol") + 8)]
    assert [n for _, _, n in find_unknown_drugs(text, taken)] == ["zorvexa", "pelmora"]


def test_a_name_recognised_once_is_a_drug_everywhere_in_the_note():
    text = "Zorvexa 25 mg nightly.\nSide effects of Zorvexa reviewed."
    assert [n for _, _, n in find_unknown_drugs(text, [])] == ["zorvexa", "zorvexa"]


def test_instruments_and_sutures_are_not_drugs():
    text = "Closed with 3-0 Vantrel. Metzbaum scissors used. MEDICATIONS: Vantrel suture."
    assert find_unknown_drugs(text, []) == []


def test_vaccines_are_named_by_the_words_before_the_head():
    text = "Offered the influenza vaccine today. Needs hepatitis A vaccination. Received Shingrix vaccine."
    found = [n for _, _, n in find_unknown_drugs(text, [])]
    # "Shingrix" is a drug by its verb already ("Received Shingrix"); the vaccine span adds nothing.
    assert found == ["influenza vaccine", "hepatitis a vaccination", "shingrix"]


def test_chart_abbreviations_carry_the_codes_of_the_drug_they_stand_for():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.drugs import lexicon_for

    kb = knowledge_base()
    text = "KCl 20 mEq/100 mL IVPB over 2 h; TXA 1 g IV."
    found = {text[m.start : m.end]: m.codes for m in lexicon_for(kb).find(text)}
    assert "J3480" in found["KCl"] and "J3290" in found["TXA"]
    text = "0600 TMP-SMX 5 mg/kg (TMP) IV over 60 min -- given"
    assert {text[m.start : m.end]: m.codes for m in lexicon_for(kb).find(text)}["TMP-SMX"] == {"J2865"}
    text = "Doxo 50 mg/m2 IV push, then VCR 1.4 mg/m2 IV."
    found = {text[m.start : m.end]: m.codes for m in lexicon_for(kb).find(text)}
    assert "J9000" in found["Doxo"] and "J9370" in found["VCR"]


def test_a_short_name_run_into_a_lot_number_is_no_drug():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.drugs import lexicon_for

    text = "Kit lot MS-2290 exp 11/26. MS 4 mg IV given."
    found = [(m.start, text[m.start : m.end]) for m in lexicon_for(knowledge_base()).find(text)]
    assert found == [(27, "MS")]


def test_a_route_word_ending_a_product_name_is_left_to_be_read_as_a_route(lexicon):
    text = "given some Phenergan and Zofran IV"
    mentions = lexicon.find(text)
    assert [text[m.start : m.end] for m in mentions] == ["Phenergan", "Zofran"]
    assert "J2405" in mentions[1].codes


@pytest.mark.parametrize("text", [
    "infiltrated with 10 mL of 0.5% Xylocaine with 1:200,000 epinephrine",
    "1% lidocaine w/ epi 5 mL",
    "lidocaine 2% with 1:100,000 units of epinephrine",
])
def test_two_ingredients_written_as_one_preparation_name_the_combination_code(lexicon, text):
    mentions = lexicon.with_combinations(text, lexicon.find(text))
    assert "J2004" in mentions[0].codes


@pytest.mark.parametrize(("text", "codes"), [
    # Each part with its amount, joined by a slash: the combination, not aztreonam alone (J0457).
    ("LOADING dose 2.67 g (aztreonam 2 g / avibactam 0.67 g) IV over 3 h", {"J0458"}),
    # Neither part has a code of its own: the parts are matched by name ("tenofovir DF" is tenofovir
    # disoproxil, and tenofovir alone names alafenamide's combination too).
    ("Truvada (emtricitabine 200 mg/tenofovir DF 300 mg) 2 tabs PO", {"J0750", "J0751"}),
])
def test_a_combinations_parts_written_together_name_its_code(lexicon, text, codes):
    mentions = lexicon.with_combinations(text, lexicon.find(text))
    assert next(m for m in mentions if m.codes).codes == codes


@pytest.mark.parametrize(("text", "codes"), [
    # The biosimilar's proper name names its own code, whatever codes the brand is known by.
    ("Starting adalimumab-aaty (Yuflyma) - loading 160 mg day 1.", {"Q5141"}),
    ("Cyltezo (adalimumab-adbm) 20 mg SC R thigh", {"Q5143"}),
])
def test_a_biosimilars_suffixed_name_glossing_a_brand_keeps_its_code(text, codes):
    from docreview.note.reading import read

    kb = knowledge_base()
    events = read(text, kb.facts("J0135"), kb).note.events
    assert events[0].mention.codes == codes


def test_two_drugs_in_a_list_are_no_combination(lexicon):
    text = "Given Xylocaine 50 mg IV, then epinephrine 1 mg IV for arrest."
    mentions = lexicon.with_combinations(text, lexicon.find(text))
    assert "J2004" not in mentions[0].codes


def test_twin_codes_share_their_generic_names_not_their_brands():
    from docreview.note.reading import read

    kb = knowledge_base()
    # Only the C-code lists "ceftolozane": a gloss by it still names the J-code's drug.
    reading = read("Zerbaxa (ceftolozane 1 g/tazobactam 0.5 g) 1.5 g in NS 100 mL infused IV.", kb.facts("J0695"), kb)
    assert reading.administration.state == "given"
    # A pass-through code's brand list names a sibling product (Darzalex Faspro under C9476): not the IV code's.
    reading = read("Darzalex Faspro 1,800 mg/15 mL injected subcutaneously into the abdomen.", kb.facts("J9145"), kb)
    assert reading.administration.state != "given"


def test_a_brand_suffix_is_found_written_with_a_hyphen():
    from docreview.note.drugs import lexicon_for

    found = lexicon_for(knowledge_base()).find("Bicillin C-R 1,200,000 units deep IM")
    assert [sorted(m.codes) for m in found] == [["J0558"]]


def test_of_two_glossed_names_with_no_code_in_common_the_brand_names_the_product():
    from docreview.note.reading import read

    kb = knowledge_base()
    note = "penicillin G benzathine/penicillin G procaine (BICILLIN C-R) 1,200,000 units/2 mL prefilled syringe - 1,200,000 units deep IM"
    reading = read(note, kb.facts("J0558"), kb)
    assert reading.administration.state == "given" and reading.administration.dose_base == 1_200_000


def test_a_route_written_as_one_word_in_capitals_is_no_drug_name():
    from docreview.note.drug_shape import find_unknown_drugs

    text = "0.92 ML = 92 MG GIVEN SUBCUT L ABDOMEN; INTRAVENOUSLY NOTHING ELSE."
    assert find_unknown_drugs(text, []) == []


def test_a_descriptor_that_names_no_drug_gives_no_drug_name(lexicon):
    assert names(lexicon, "Total time in critical care services was 40 min.") == []


def test_a_lab_abbreviation_with_a_percent_is_no_unknown_drug():
    text = "Labs: Hgb 11.8, TSAT 24%, ferritin 412."
    assert find_unknown_drugs(text, []) == []


def test_twin_codes_of_one_generic_descriptor_share_a_brand_no_other_code_lists(lexicon):
    text = "Lemtrada 12 mg IV over 4 h. Darzalex Faspro 1,800 mg SC."
    found = {text[m.start : m.end]: m.codes for m in lexicon.find(text)}
    assert {"J0202", "Q9979"} <= found["Lemtrada"]  # both "Injection, alemtuzumab, 1 mg"
    # C9476 ("daratumumab, 10 mg", J9145's twin) lists the brand, but J9144 is its code: J9145 gets none of it.
    assert "J9144" in found["Darzalex Faspro"] and "J9145" not in found["Darzalex Faspro"]


def test_an_english_action_noun_before_a_dose_is_no_drug():
    text = "0930 Titration dose wk 1-2: 0.0625 mg (0.25 mL) drawn up and injected subQ."
    assert [text[m.start : m.end] for m in find_unknown_drugs(text, [])] == []


def test_a_drug_written_without_the_other_ingredient_is_not_the_combinations(lexicon):
    text = "Local anesthesia with 1% lidocaine without epinephrine, 8 mL, infiltrated at the port site."
    lidocaine = lexicon.with_combinations(text, lexicon.find(text))[0]
    assert "J2004" not in lidocaine.codes and "J2003" in lidocaine.codes


def _codes_of(text: str, code: str, name: str) -> frozenset[str]:
    from docreview.note.extract import read_note

    kb = knowledge_base()
    events = read_note(text, kb.facts(code), kb).events
    return next(e.mention.codes for e in events if text[e.mention.start : e.mention.end].startswith(name))


def test_a_product_named_in_a_form_segment_of_the_descriptor_is_a_brand_of_the_plain_code():
    # J7314 "intravitreal implant (yutiq)" names a product; C9450 is the drug's code with none, and
    # its drug phrase carries a route word ("fluocinolone acetonide intravitreal").
    text = "Retina clinic, OS. Yutiq (fluocinolone acetonide intravitreal implant) 0.18 mg injected via the pars plana."
    assert {"C9450", "J7314"} <= _codes_of(text, "C9450", "Yutiq")


def test_a_skin_substitute_is_named_by_its_one_word_product_name():
    text = "Ulcer debrided. EpiFix 2 x 3 cm (6 sq cm) applied to the wound bed and secured."
    assert "Q4186" in _codes_of(text, "Q4186", "EpiFix")


def test_a_product_line_named_without_its_strength_names_the_billed_strength_too():
    # Q9967 (300-399 mg iodine/mL) lists "Omnipaque 300" and "Omnipaque 350"; the strength is unwritten.
    assert "Q9967" in _codes_of("CT abdomen with 125 cc of Omnipaque IV.", "Q9967", "Omnipaque")
    assert "Q9967" not in _codes_of("CT abdomen with Omnipaque 240, 100 mL IV.", "Q9967", "Omnipaque 240")


def test_a_product_line_name_and_a_form_letter_carry_the_lines_code_of_the_same_drug(lexicon):
    # J1815 lists "Humulin"; the crosswalk puts "Humulin R" under the pump code J1817 only.
    text = "Regular insulin (Humulin R U-100) 10 units IV push; glycopyrrolate (GlyRx-PF) 0.2 mg IV"
    found = {text[m.start : m.end]: m.codes for m in lexicon.find(text)}
    assert {"J1815", "J1817"} <= found["Humulin R"]
    assert found["GlyRx-PF"] == {"J1597"}  # its own product's code, not the generic's


def test_a_brand_charted_without_its_package_word_is_that_brand(lexicon):
    text = "1115 Sandostatin LAR 20 mg injected IM; Sandostatin 100 mcg SC"
    found = {text[m.start : m.end]: m.codes for m in lexicon.find(text)}
    assert found["Sandostatin LAR"] == {"J2353"} and "J2353" not in found["Sandostatin"]


def test_a_code_borrows_the_ingredient_name_its_brand_siblings_ship_under():
    # Q9973's own NDC rows name "epoetin beta"; the other Mircera codes name the pegylated form.
    text = "Mircera (methoxy polyethylene glycol-epoetin beta) 100 mcg SC to the abdomen today."
    assert "Q9973" in _codes_of(text, "Q9973", "Mircera")


def test_a_two_word_generic_is_named_by_its_distinctive_first_word(lexicon):
    found = lexicon.find("13:10 gemtuzumab 4.5 mg IV over 2 h")
    assert [(m.name, "J9203" in m.codes) for m in found] == [("gemtuzumab", True)]


def test_a_first_word_of_disease_or_test_language_names_no_drug(lexicon):
    # "prothrombin complex", "coagulation factor": words of tests and diseases in ICD-10-CM
    text = "Prothrombin time 14 s; coagulation panel normal; lymphocyte count low."
    assert not [m for m in lexicon.find(text) if m.codes]


def test_a_name_is_not_read_across_a_comma(lexicon):
    found = names(lexicon, "Premeds: dexamethasone 12 mg IV, acetaminophen 650 mg PO")
    assert ("IV, acetaminophen", True) not in found and ("acetaminophen", True) in found


def test_the_first_word_of_a_combination_names_no_combination(lexicon):
    # "cilastatin sodium; imipenem": cilastatin alone is one ingredient, not the product.
    assert not [m for m in lexicon.find("imipenem 500 mg / cilastatin 500 mg / relebactam 250 mg") if m.name == "cilastatin" and m.codes]


def test_a_radiotracer_is_named_with_its_isotope_apart_or_by_its_compound():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.drugs import lexicon_for

    kb = knowledge_base()
    lexicon = lexicon_for(kb)
    for text, code in [("Azedra (iobenguane I 131) 5.2 mCi IV", "C9408"), ("fluoroestradiol F-18 5.8 mCi", "C9060"),
                       ("iobenguane 5.2 mCi IV", "C9408"),
                       # CMS writes the compound as the segment after the isotope ("Gallium ga-68, dotatoc, ...").
                       ("Ga-68 DOTATOC 1.8 mCi IV", "C9067"), ("Ga68 DOTATOC PET", "C9067"), ("Cu 64 dotatate 4 mCi", "C9068")]:
        assert any(code in m.codes for m in lexicon.find(text)), text
    # the element alone names no tracer: "povidone-iodine prep" is no iobenguane
    assert not any("C9408" in m.codes for m in lexicon.find("Skin prepped with iodine solution."))


def test_a_salts_abbreviation_and_its_full_word_name_one_product():
    kb = knowledge_base()
    lexicon = lexicon_for(kb)
    # CMS writes Q0173 "trimethobenzamide hydrochloride" and J3250 "trimethobenzamide hcl"
    for text in ("trimethobenzamide HCl 300 mg capsule PO", "trimethobenzamide hydrochloride 300 mg PO"):
        codes = set().union(*(m.codes for m in lexicon.find(text)))
        assert {"Q0173", "J3250"} <= codes, text


def test_twin_codes_are_found_however_cms_punctuates_or_misspells_the_descriptor(lexicon):
    # C9486 "granisetron extended release" = J1627 "granisetron, extended-release"; C9069
    # "belantamab mafodontin-blmf" = J9037 "belantamab mafodotin-blmf".
    text = "Sustol 10 mg SC. Blenrep 185 mg IV."
    found = {text[m.start : m.end]: m.codes for m in lexicon.find(text)}
    assert {"C9486", "J1627"} <= found["Sustol"]
    assert {"C9069", "J9037"} <= found["Blenrep"]


def test_a_lab_abbreviation_that_is_also_a_drugs_names_the_drug_only_before_a_dose(lexicon):
    text = "Pregnancy test: serum hCG 1,840 mIU/mL.\n1015 hCG 2,000 units (2 mL) IM R deltoid.\n0810 DHE 1 mg IV over 3 min.\n"
    found = [(text[m.start : m.end], sorted(m.codes)) for m in lexicon.find(text)]
    assert found == [("hCG", ["J0725"]), ("DHE", ["J1110"])]


def test_the_diluent_a_kit_comes_with_is_no_drug(lexicon):
    text = "ZILRETTA 32 mg single-dose kit, reconstituted w/ 5 mL diluent per IFU; full 5 mL injected."
    assert [text[m.start : m.end] for m in lexicon.find(text)] == ["ZILRETTA"]


@pytest.mark.parametrize(("abbreviation", "code"), [
    ("FUDR", "J9200"), ("5-FU", "J9190"), ("ara-C", "J9100"), ("MTX", "J9250"), ("tPA", "J2997"), ("TNK", "J3101"), ("NAC", "J0132"),
])
def test_common_drug_abbreviations_carry_their_drugs_codes(abbreviation, code):
    kb = knowledge_base()
    events = read_note(f"1000 {abbreviation} 100 mg IV given.\n", kb.facts("J9200"), kb).events
    assert [code in e.mention.codes for e in events] == [True]


def test_a_name_in_a_devices_field_is_no_drug():
    text = "Pump: Medtronic SynchroMed II 40 mL.  Residual aspirated 3.4 mL, discarded.\n"
    assert find_unknown_drugs(text, []) == []


@pytest.mark.parametrize(("text", "codes"), [
    ("Doxorubicin 50 mg IV", {"J9000", "Q2050"}),
    # A formulation written beside the name picks the drug's codes of that formulation ...
    ("Doxorubicin liposomal 50 mg IV over 1 h.", {"Q2050"}),
    ("pegylated liposomal doxorubicin 40 mg IV", {"Q2050"}),
    ("Tacrolimus XR 4 mg PO daily", {"J7503", "J7508"}),
    # ... and a plain one, those of none (J7521/J7525 are tacrolimus's oral suspension and injection).
    ("conventional doxorubicin HCl 50 mg IV", {"J9000"}),
    ("tacrolimus immediate-release 2 mg PO q12h", {"J7507", "J7521", "J7525"}),
])
def test_a_formulation_written_beside_a_name_picks_its_codes(text, codes):
    kb = knowledge_base()
    assert read_note(text, kb.facts("J9000"), kb).events[0].mention.codes == codes


@pytest.mark.parametrize(("text", "name", "kept", "dropped"), [
    # Another salt than any code of the drug states: no code of it (caffeine citrate is J0706).
    ("caffeine sodium benzoate 500 mg IV slow push", "caffeine sodium benzoate", set(), {"J0706"}),
    ("magnesium chloride 2 g IV", "magnesium chloride", set(), {"J3475"}),
    # The salt a code states keeps its code; the other salt's codes go.
    ("methylprednisolone sodium succinate 125 mg IV", "methylprednisolone sodium succinate", {"J2930"}, {"J1040"}),
    ("ondansetron HCl 4 mg IV", "ondansetron HCl", {"J2405"}, set()),
])
def test_a_name_that_states_a_salt_keeps_only_the_codes_of_that_salt(text, name, kept, dropped):
    kb = knowledge_base()
    note = read_note(text, kb.facts("J0706"), kb)
    mention = next(e.mention for e in note.events if text[e.mention.start : e.mention.end] == name)
    assert kept <= mention.codes and not dropped & mention.codes


def test_another_salt_of_the_billed_drug_given_is_another_product():
    from docreview.note.reading import read

    kb = knowledge_base()
    admin = read("Anesthesia: caffeine sodium benzoate 500 mg IV (250 mg/mL, 2 mL vial) slow push 0903.\n", kb.facts("J0706"), kb).administration
    assert admin.state == "other_drug" and admin.other_code is None


def test_a_name_that_heads_an_icd10_code_is_no_drug(lexicon):
    assert names(lexicon, "IDA (D50.0), chronic GI blood loss. D50 25 g IV push for BG 40.") == [("D50", False)]


def test_a_name_joined_by_hyphens_or_before_its_inhaler_device_is_a_drug():
    text = "MEDS: Klor-Con 20 mEq daily, Advair Diskus 1 puff b.i.d., K-wire removal planned. Follow-up in 2 weeks."
    assert [n for _, _, n in find_unknown_drugs(text, [])] == ["klor-con", "advair"]


def test_a_word_before_a_known_word_after_its_hyphen_stays_a_word_of_its_own():
    # "Afrin-soaked pledgets": the soaked pledgets carry Afrin, a drug named on its own.
    text = "The nose was packed with Afrin-soaked pledgets. Steri-Strips applied."
    assert [n for _, _, n in find_unknown_drugs(text, [])] == ["afrin"]


def test_a_title_before_a_name_is_no_short_drug_name(lexicon):
    assert names(lexicon, "Thank you for sending Ms. Rivera, 52, for review.") == []
    assert names(lexicon, "MS 4 mg IV given for pain.") == [("MS", True)]


def test_a_name_past_the_first_sentence_of_a_device_field_is_a_drug():
    # "Procedure:" is a device's field ("Procedure: Medtronic kit"), but only in its first sentence.
    text = "Procedure: site prepped. Zorvexa 5 mg/mL 1 mL single-use vial. 0.05 mL injected intralesionally."
    assert [n for _, _, n in find_unknown_drugs(text, [])] == ["zorvexa"]
