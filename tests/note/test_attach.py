"""Attachment by structure on snippets: routes and amounts go to the drug they belong to."""

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.note.extract import read_note
from docreview.note.reading import read
from tests.note.reading_helpers import counted_routes


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def routes(kb, text: str, code: str) -> dict[str, list[str]]:
    read = read_note(text, kb.facts(code), kb)
    return {text[e.mention.start : e.mention.end]: [r.route for r in e.routes] for e in read.events}


def test_a_route_after_the_last_drug_of_a_list_serves_the_list(kb):
    got = routes(kb, "Pt given 4 mg ondansetron, and 25 mg Benadryl intravenously for nausea.", "J2405")
    assert got["ondansetron"] == ["intravenous"]


def test_a_route_before_a_drug_belongs_to_that_drug_only(kb):
    got = routes(kb, "Sedation: ketorolac 30 mg and 2 mg of IV Versed.", "J1885")
    assert got["ketorolac"] == []
    assert got["Versed"] == ["intravenous"]


def test_an_amount_in_micrograms_before_the_drug_is_its_dose(kb):
    read = read_note("She received a total of 2 mg of Versed and 50 micrograms of fentanyl.", kb.facts("J2250"), kb)
    fentanyl = next(e for e in read.events if "fentanyl" in read.text[e.mention.start : e.mention.end].lower())
    assert [read.text[a.start : a.end] for a in fentanyl.dose_amounts] == ["50 micrograms"]


def test_a_percent_strength_is_a_concentration_and_the_volume_before_it_is_the_dose(kb):
    read = read_note("20 cc of 0.25% Marcaine was injected into the portals.", kb.facts("J0665"), kb)
    event = next(e for e in read.events if e.given)
    conc = [a for a in event.amounts if a.is_concentration]
    assert [(a.value, a.per_volume_ml) for a in conc] == [(2.5, 1.0)]  # 0.25% = 2.5 mg/mL
    assert [read.text[a.start : a.end] for a in event.dose_amounts] == ["20 cc"]


def test_a_rate_change_in_a_flowsheet_is_not_a_dose(kb):
    note = "IVIG 10% 0.5 g/kg = 30 g infused IV\n0900 start 60 mL/h -> 1000 240 mL/h -> complete 1145"
    read = read_note(note, kb.facts("J1599"), kb)
    assert all(not e.entries for e in read.events)


def test_a_run_on_transcription_line_lends_no_far_route(kb):
    # One long line: the p.o. of another drug, sentences earlier, is not this drug's route.
    note = ("HPI: He takes his meds p.o. daily. He has CHF. He was admitted for fluid overload. "
            "Overnight he was given 80 mg of Lasix for fluid retention.")
    read = read_note(note, kb.facts("J1940"), kb)
    lasix = next(e for e in read.events if e.given)
    assert lasix.routes == []


def test_subcutaneous_fascia_is_anatomy_not_a_route(kb):
    note = "Dissection through the subcutaneous fascia.\nHeparin 5000 units was given."
    read = read_note(note, kb.facts("J1644"), kb)
    assert all(not e.routes for e in read.events)


def test_a_procedure_title_gives_its_route_to_the_drug_injected_in_it(kb):
    note = ("PROCEDURE:,  Lumbar epidural steroid injection.,SEDATION:,  none,INJECTATE:,  8 mL of 0.5% lidocaine "
            "and 80 mg of Depo-Medrol.,TECHNIQUE:,  Time-out held; skin prepped.")
    got = routes(kb, note, "J1040")
    assert got["Depo-Medrol"] == ["epidural"]


def test_a_title_naming_two_routes_gives_none(kb):
    note = "PROCEDURE PERFORMED: Trigger point and epidural injections.\n\nDetails: 80 mg of Depo-Medrol was injected."
    assert routes(kb, note, "J1040")["Depo-Medrol"] == []


def test_intravenous_access_is_not_a_route(kb):
    got = routes(kb, "Intravenous access was obtained. Depo-Medrol 80 mg given.", "J1040")
    assert got["Depo-Medrol"] == []


def test_a_route_after_a_mixture_serves_every_drug_in_it(kb):
    got = routes(kb, "Kenalog 40 mg + 2 mL lidocaine 1%, injected into the R knee joint.", "J3301")
    assert got["Kenalog 40"] == ["intra-articular"]


def test_a_products_parts_written_with_their_strengths_share_its_route(kb):
    got = routes(kb, "0800 netupitant 300 mg/palonosetron 0.5 mg (Akynzeo) 1 capsule PO, witnessed", "Q9978")
    assert set(got["netupitant"]) == {"oral"}
    # (not the parts a gloss spells out after the product's own name)
    got = routes(kb, "Avycaz 2.5 g (ceftazidime 2 g / avibactam 0.5 g) IV q8h ordered.", "J0714")
    assert got["ceftazidime"] == []


def test_a_device_right_after_a_stated_route_is_that_routes(kb):
    from docreview.note.vocab import route_vocabulary

    found = route_vocabulary().find("INTRATHECAL PUMP REFILL; Pump: Medtronic, 20 mL")
    assert [(r.route, r.implied) for r in found] == [("intrathecal", False), ("intravenous", True)]


def test_a_block_names_its_route(kb):
    assert routes(kb, "Digital block of the L hallux with 3 mL of 1% lidocaine.", "J2001")["lidocaine"] == ["perineural"]


def test_an_amount_right_after_a_drug_is_its_own_even_before_the_next_drug(kb):
    text = "ANESTHESIA: Midazolam 2 mg IV Fentanyl 50 mcg IV."
    read = read_note(text, kb.facts("J2250"), kb)
    doses = {text[e.mention.start : e.mention.end]: [text[a.start : a.end] for a in e.dose_amounts] for e in read.events}
    assert doses == {"Midazolam": ["2 mg"], "Fentanyl": ["50 mcg"]}


def test_a_needle_check_for_intrathecal_flow_is_not_a_route(kb):
    text = "With no intravascular or intrathecal flow, 1 mL of Kenalog 40 mg/mL was injected."
    assert routes(kb, text, "J3301")["Kenalog 40"] == []


def test_periocular_and_topical_phrasings_are_routes(kb):
    assert routes(kb, "Ancef 50 mg and Decadron 4 mg were injected sub-Tenon.", "J0690")["Ancef"] == ["periocular"]
    assert routes(kb, "The sternum was then smeared with vancomycin 1 g.", "J3370")["vancomycin"] == ["topical"]
    # "IA" beside a joint is intra-articular (after "radial cocktail" it would be intra-arterial: no joint, no route).
    assert routes(kb, "L knee IA injection: triamcinolone 40 mg injected.", "J3301")["triamcinolone"] == ["intra-articular"]


def test_ductal_nasal_and_scleral_phrasings_are_routes(kb):
    assert routes(kb, "Cholangiogram: Omnipaque 300 12 mL injected via the catheter into the common bile duct.", "Q9967")["Omnipaque 300"] == [
        "intrabiliary"]
    assert routes(kb, "Lidocaine 4% 2 mL on pledgets, 1 per naris, for 5 min.", "J2001")["Lidocaine"] == ["intranasal"]
    assert routes(kb, "Mitomycin 0.4 mg/mL on Weck-cel sponges applied to the sclera for 1 minute.", "J7315")["Mitomycin"] == ["topical"]


def test_imaging_words_imply_a_vein_and_an_intraocular_lens_is_no_route(kb):
    assert routes(kb, "We injected 6 mL of Omnipaque 300 through the sheath for a venogram.", "Q9967")["Omnipaque 300"] == [
        "intravenous"]
    assert routes(kb, "TECHNIQUE: Post-contrast CT abdomen, 90 mL Omnipaque 350.", "Q9967")["Omnipaque 350"] == ["intravenous"]
    text = ("PROCEDURE: Phacoemulsification with posterior chamber intraocular lens, left eye.\n"
            "At the end of the case moxifloxacin drops were instilled in the eye and a shield placed.\n")
    assert routes(kb, text, "J2280")["moxifloxacin"] == ["topical"]
    text = "Vancomycin 1 mg in 0.1 mL was injected through the inferotemporal pars plana with a 30-gauge needle."
    assert routes(kb, text, "J3370")["Vancomycin"] == ["intravitreal"]


def test_the_agent_a_contrast_studys_images_were_taken_with_goes_by_the_titles_route(kb):
    title = "CT ABDOMEN AND PELVIS WITH CONTRAST,REASON FOR EXAM: , Abdominal pain.,TECHNIQUE:,  "
    body = "Axial CT images of the abdomen and pelvis were obtained utilizing 100 mL of Isovue-300.,FINDINGS: , Normal."
    assert routes(kb, title + body, "Q9967")["Isovue-300"] == ["intravenous"]
    # With no title naming a contrast study, the images alone say nothing of how the agent was given.
    assert routes(kb, "REASON FOR EXAM: , Abdominal pain.,TECHNIQUE:,  " + body, "Q9967")["Isovue-300"] == []


def test_a_product_line_of_another_code_lends_its_route_to_the_drug_named_above_it(kb):
    text = ("BSA 1.80. Pemetrexed 500 mg/m2 = 900 mg.\n"
            "Product dispensed: PEMFEXY (pemetrexed injection) 25 mg/mL, 500 mg/20 mL single-dose vial x 2 (lots PF0613, PF0614).\n"
            "36 mL (900 mg) withdrawn -> NS 100 mL. IV over 10 min via PIV R forearm 1105-1115.\n")
    assert routes(kb, text, "J9294")["Pemetrexed"] == ["intravenous"]


def test_hand_injections_through_a_vascular_sheath_imply_a_vessel_but_not_a_tendon_sheath(kb):
    text = "Contrast: Omnipaque 300 (iohexol 300 mgI/mL) 42 mL total, hand injections through the 7 Fr sheath."
    assert routes(kb, text, "Q9967")["Omnipaque 300 (iohexol"] == ["intravenous"]
    text = "Kenalog 10 mg injected via the flexor tendon sheath of the R ring finger."
    assert routes(kb, text, "J3301")["Kenalog 10"] == ["tendon sheath"]


def test_an_infusion_set_is_a_device_not_a_vein(kb):
    text = ("VYVGART HYTRULO (efgartigimod alfa 1,008 mg / hyaluronidase-qvfc 11,200 units per 5.6 mL) single-dose vial.\n"
            "5.6 mL drawn into syringe w/ winged infusion set; injected SQ periumbilical over ~80 s, 1015. Entire vial.\n")
    assert routes(kb, text, "J9334")["VYVGART HYTRULO (efgartigimod alfa"] == ["subcutaneous"]


def test_a_product_lines_semicolon_clause_tells_its_giving_but_not_after_a_giving_told(kb):
    text = "Fluorouracil 50 mg/mL 1 mL vial, lot 5F-102; sponges soaked and applied to the bare sclera for 3 min.\n"
    assert set(routes(kb, text, "J9190")["Fluorouracil"]) == {"topical"}
    text = "Triptorelin 22.5 mg given after mixing; lidocaine cream applied 1 h before.\n"
    assert routes(kb, text, "J3316")["Triptorelin"] == []


def test_clauses_joined_by_semicolons_go_on_telling_one_giving(kb):
    text = ("Pembrolizumab 200 mg/8 mL vial x1; 8 mL (200 mg) added to NS 100 mL; infused over 30 min "
            "via L chest port.")
    assert set(routes(kb, text, "J9271")["Pembrolizumab"]) == {"intravenous"}


def test_the_next_line_that_gives_the_drug_lends_its_route_whatever_its_aside_says(kb):
    # "last L" in the aside tells the last site, not an earlier giving of this dose.
    text = ("1010  HERCEPTIN HYLECTA (trastuzumab 600 mg / hyaluronidase-oysk 10,000 units) 5 mL\n"
            "      injected SUBCUT R thigh over 3 min (alternating thighs; last L)\n")
    assert routes(kb, text, "J9356")["HERCEPTIN HYLECTA (trastuzumab"] == ["subcutaneous"]


def test_a_line_device_named_after_its_site_implies_the_vein(kb):
    got = routes(kb, "Vancomycin 1,250 mg in NS 250 mL via L IJ CVC over 2 h.", "J3370")
    assert got["Vancomycin"] == ["intravenous"]


def test_the_mention_that_says_how_a_prepared_dose_was_given_lends_its_route(kb):
    text = ("Pharmacy: Remicade 100 mg vials x4 reconstituted; 400 mg in NS 250 mL.\n"
            "VS stable.\nRemicade infused IV over 2 h via R arm PIV.")
    admin = read(text, kb.facts("J1745"), kb).administration
    assert admin.dose_base == 400 and any(r.route == "intravenous" for e in admin.counted for r in e.routes)


def test_intracoronary_is_an_intra_arterial_route(kb):
    got = routes(kb, "Spasm at the stent edge relieved with 200 mcg intracoronary nitroglycerin.", "J2001")
    assert got["nitroglycerin"] == ["intra-arterial"]


def test_a_route_right_before_a_drug_is_its_own_over_one_further_back(kb):
    got = routes(kb, "Treated with frequent nebulizers, treated with IV Solu-Medrol 125 mg for COPD.", "J2930")
    assert got["Solu-Medrol"] == ["intravenous"]


def test_a_route_before_a_list_does_not_reach_a_drug_after_the_list(kb):
    text = "Intravenous sedation using morphine and Versed was begun and the great toe was blocked with 1% Xylocaine."
    assert routes(kb, text, "J2001")["Xylocaine"] == ["perineural"]


def test_a_route_phrase_ending_in_with_goes_to_the_drug_after_it(kb):
    text = "Intravenous sedation using morphine and Versed was begun and the great toe was blocked with 1% Xylocaine."
    assert "perineural" not in routes(kb, text, "J2250")["Versed"]


def test_drops_in_an_eye_are_not_a_drip(kb):
    got = routes(kb, "Proparacaine 0.5% 1 gtt OD. Heparin gtt at 18 units/kg/h.", "J1644")
    assert got["Proparacaine"] == ["topical"]
    assert got["Heparin gtt"] == ["intravenous"]


def test_a_list_shares_a_route_written_inside_the_last_product_name(kb):
    got = routes(kb, "She was then admitted after giving some Phenergan and Zofran IV.", "J2550")
    assert got == {"Phenergan": ["intravenous"], "Zofran": ["intravenous"]}


def test_a_route_before_a_list_reaches_every_item_even_where_a_later_phrase_governs_the_next_drug(kb):
    got = routes(kb, "Intravenous sedation using morphine and Versed was begun and the great toe was blocked with 1% Xylocaine.", "J2250")
    assert got["Versed"] == ["intravenous"]
    assert got["Xylocaine"] == ["perineural"]


def test_drugs_inside_a_parenthesis_take_the_route_stated_after_it(kb):
    text = "Next 1 cc of the solution (8 cc of 0.5% Marcaine with 2 cc of Triamcinolone) was injected into the joint."
    got = routes(kb, text, "J3301")
    assert got["Marcaine"] == ["intra-articular"] and got["Triamcinolone"] == ["intra-articular"]


def test_a_route_after_a_parenthesis_is_not_taken_past_another_drug(kb):
    got = routes(kb, "A syringe (lidocaine 2 mL) was set aside while Kenalog 40 mg was injected into the knee.", "J3301")
    assert got["lidocaine"] == [] and got["Kenalog 40"] == ["intra-articular"]


def test_a_list_later_in_the_sentence_takes_its_first_drugs_own_route(kb):
    text = ("After a 10-minute wait the lidocaine jelly was removed, and the bladder was instilled with DMSO, Kenalog, heparin, "
            "and sodium bicarbonate.")
    got = routes(kb, text, "J3301")
    assert got["DMSO"] == got["Kenalog"] == got["heparin"] == got["sodium bicarbonate"] == ["intravesical"]


def test_a_route_phrase_then_with_governs_the_drug_after_it(kb):
    got = routes(kb, "Ondansetron 4 mg PO was taken at home, and in clinic the bladder was instilled with heparin 10,000 units.", "J1644")
    assert got == {"Ondansetron": ["oral"], "heparin": ["intravesical"]}


def test_a_route_right_before_a_drug_after_a_list_word_is_that_drugs(kb):
    got = routes(kb, "She did receive preoperative antibiotics of Cleocin as well as IV Decadron.", "J0720")
    assert got == {"Cleocin": [], "Decadron": ["intravenous"]}
    assert routes(kb, "Midazolam 2 mg IV Fentanyl 50 mcg IV given.", "J2250")["Midazolam"] == ["intravenous"]


def test_a_route_abbreviation_before_with_stays_with_its_drug(kb):
    got = routes(kb, "He received 75 mg of Demerol IM along with 12.5 mg of Phenergan.", "J2175")
    assert got["Demerol"] == ["intramuscular"]


def test_the_verbless_first_sentence_of_a_procedure_section_is_its_title(kb):
    text = ("PROCEDURE:, Superior Gluteal Nerve Block, Left.,After verbal informed consent, a 27-gauge needle was advanced "
            "and the mixture was easily injected.,INJECTATE INCLUDED:,Methylprednisolone: 20 mg,Bupivacaine: 2 cc.")
    got = routes(kb, text, "J1030")
    assert got["Methylprednisolone"] == ["perineural"] and got["Bupivacaine"] == ["perineural"]


def test_a_long_title_naming_one_route_gives_it(kb):
    text = ("PROCEDURE: , Right L4-L5 transforaminal epidural steroid injection (L4 root) and Right L5-S1 transforaminal "
            "epidural steroid injection (L5 root) with fluoroscopy.,PATIENT PROFILE: , A 51-year-old.,"
            "DESCRIPTION OF PROCEDURE: , Needle tip confirmed.  1 mL of a 40 mg/mL Kenalog solution and 1 mL of 1% Lidocaine was injected.")
    got = routes(kb, text, "J3301")
    assert got["Kenalog"] == ["epidural"]


def test_a_narrating_first_sentence_is_no_title(kb):
    text = ("PROCEDURE: The patient was placed prone, prepped and draped in the usual sterile fashion, and the epidural space was "
            "entered with a Tuohy needle under fluoroscopy. Contrast confirmed the spread. Later Kenalog 40 mg was injected.")
    assert routes(kb, text, "J3301")["Kenalog 40"] == []


def test_the_stated_dose_is_the_plain_amount_a_volume_restates(kb):
    read = read_note("Toradol 60 mg/2 mL vial: 1 mL (30 mg) given IM R gluteal.", kb.facts("J1885"), kb)
    event = next(e for e in read.events if e.given)
    assert read.text[event.stated_dose.start : event.stated_dose.end] == "30 mg"


def test_the_stated_dose_of_a_dose_written_as_its_container_content(kb):
    read = read_note("Ranibizumab 0.5 mg/0.05 mL injected intravitreally OD.", kb.facts("J2778"), kb)
    event = next(e for e in read.events if e.given)
    assert event.stated_dose is not None and event.stated_dose.value == 0.5


def test_a_transcriptions_opening_title_gives_its_one_route(kb):
    text = ("ACROMIOCLAVICULAR JOINT INJECTION,PROCEDURE:,:  Consent signed.  Skin over the joint cleaned with chlorhexidine.  "
            "Next 1 mL of Depo-Medrol and 2 mL of 0.25% Marcaine were injected from an anterior approach.")
    assert routes(kb, text, "J1030")["Depo-Medrol"] == ["intra-articular"]


def test_an_opening_title_alone_on_its_line_gives_its_one_route(kb):
    text = ("SUBACROMIAL BURSA INJECTION\nPROCEDURE:\nConsent signed.\nTime-out done.\nSkin cleaned with chlorhexidine.\n"
            "Shoulder positioned.\nNext 1 mL of Depo-Medrol and 3 mL of 1% lidocaine were injected from a lateral approach.")
    assert routes(kb, text, "J1030")["Depo-Medrol"] == ["bursa"]


@pytest.mark.parametrize("sentence", [
    "About 12 cc of 0.25% Marcaine was placed in the port sites.",
    "The wound bed was flooded with 0.5% Marcaine, roughly 10 mL.",
    "Marcaine 0.25%, 8 mL, was applied for local anesthesia before closure.",
])
def test_a_local_anesthetic_put_into_tissue_is_infiltrated_locally(kb, sentence):
    assert routes(kb, sentence, "J0665")["Marcaine"] == ["local infiltration"]


def test_a_site_anesthetized_with_a_local_anesthetic_is_infiltrated_and_what_is_mixed_in_goes_with_it(kb):
    got = routes(kb, "The facet area was then anesthetized with 1 cc of Marcaine 0.5% with 10 mg of Kenalog.", "J3301")
    assert got["Marcaine"] == got["Kenalog"] == ["local infiltration"]


def test_a_local_anesthetic_used_to_localize_a_site_is_infiltrated(kb):
    assert routes(kb, "1% lidocaine, about 4 cc, was then used to localize the neck.", "J2001")["lidocaine"] == ["local infiltration"]


def test_a_local_anesthetic_placed_on_no_tissue_site_gets_no_route(kb):
    assert routes(kb, "Marcaine 0.25% 10 mL was placed on the back table.", "J0665")["Marcaine"] == []


def test_an_intracameral_implant_code_takes_an_intracameral_route(kb):
    assert "intraocular" in kb.facts("J7351").allowed_routes  # "bimatoprost, intracameral implant"
    assert routes(kb, "Durysta 10 mcg implant released into the anterior chamber (intracameral) OD.", "J7351")["Durysta"][0] == "intraocular"


def test_an_opening_sentence_that_narrates_is_no_title(kb):
    text = ("Patient was seen for joint injection today,PROCEDURE:,:  Consent obtained.  "
            "Next 1 mL of Depo-Medrol and 2 mL of 0.25% Marcaine were injected from an anterior approach.")
    assert routes(kb, text, "J1030")["Depo-Medrol"] == []


def test_a_product_line_whose_rows_record_the_giving_gives_its_route(kb):
    text = ("Dx: metastatic breast CA; C4 fulvestrant 500 mg today.\n"
            "Faslodex (fulvestrant) 250 mg/5 mL prefilled syringe x2, lot F2U0114:\n"
            " - 250 mg IM R dorsogluteal, 13:10\n - 250 mg IM L dorsogluteal, 13:13\n")
    read = read_note(text, kb.facts("J9395"), kb)
    given = [e for e in read.events if e.role == "administered"]
    assert [r.route for e in given for r in e.routes] == ["intramuscular"]


def test_an_amount_read_as_discarded_is_never_the_dose(kb):
    text = "1722 Lovenox 100 mg/1 mL prefilled syringe: 0.08 mL (8 mg) expelled and wasted before injection, 92 mg given subcut L abdomen."
    from docreview.note.reading import read

    assert read(text, kb.facts("J1650"), kb).administration.dose_base == 92


def test_a_gauge_with_its_site_before_the_catheter_is_no_amount(kb):
    from docreview.note.amounts import find_amounts

    assert find_amounts("slow IV push via 22g L hand PIV 0910") == []
    assert [a.value for a in find_amounts("Rocephin 1 g IV via PIV")] == [1000.0]


def test_a_line_of_therapy_is_no_volume():
    from docreview.note.amounts import find_amounts

    # "2L": the second line of therapy, after a diagnosis in its parenthesis or before a therapy word
    assert find_amounts("tafasitamab - C3D1  10/01/2025   (DLBCL, 2L)") == []
    assert find_amounts("polatuzumab for 3L+ therapy") == []
    assert [a.value for a in find_amounts("NS 1L bolus, then 2 L NS")] == [1000.0, 2000.0]
    assert [a.value for a in find_amounts("(DLBCL, 2 L)")] == [2000.0]


def test_a_row_ending_in_its_clock_span_tells_the_route_of_the_one_open_giving(kb):
    from docreview.note.reading import read

    text = ("Pralatrexate (FOLOTYN) 30 mg/m2 days 1, 8, 15 q28d\nBSA 1.90 m2 -> 57 mg.\n"
            "Product: pralatrexate injection 20 mg/mL single-dose vials x 3 (lot PX11).\n"
            "Drawn 2.85 mL = 57 mg, diluted in NS 50 mL, IV over 5 min via port 1015-1020.\n")
    admin = read(text, kb.facts("J9307"), kb).administration
    assert admin.dose_base == 57 and [r.route for e in admin.counted for r in e.routes] == ["intravenous"]


def test_a_ratio_strength_converts_a_volume():
    from docreview.note.amounts import find_amounts

    found = find_amounts("treated with epinephrine 1:1000, 0.3 mL subcutaneously; seen at 1:30 pm")
    assert [(a.value, a.per_volume_ml) for a in found] == [(1.0, 1.0), (0.3, None)]
    assert [a.value for a in find_amounts("lidocaine 1% with epinephrine 1:100,000")] == [10.0, 0.01]


def test_a_route_on_the_line_before_is_not_taken_from_another_giving(kb):
    text = ("1405 PIV 20g R AC, labs drawn. NS 1,000 mL IV bolus started.\n"
            "1410 Pepcid (famotidine) 20 mg given per order.\n")
    assert [r for name, r in routes(kb, text, "J1308").items() if name.startswith("Pepcid")] == [[]]
    title = "Procedure: intravitreal injection OD.\nRanibizumab 0.5 mg given.\n"
    assert [r for name, r in routes(kb, title, "J2778").items() if name.startswith("Ranibizumab")] == [["intravitreal"]]


def test_the_fluid_a_dose_is_mixed_in_is_no_drug_of_its_own(kb):
    from docreview.note.reading import read

    text = ("Drug: KEYTRUDA (pembrolizumab) 100 mg/4 mL single-dose vial x2 (lot W012345, exp 03/2027)\n"
            "Dose prepared: 200 mg (8 mL) in 0.9% NaCl 50 mL\n"
            "1012 infusion started IV @ 116 mL/hr\n")
    reading = read(text, kb.facts("J9271"), kb)
    # The product line and the infusion line that gives it; the saline is neither.
    assert [text[e.mention.start : e.mention.end] for e in reading.note.events] == ["KEYTRUDA (pembrolizumab", "infusion"]
    assert reading.administration.dose_base == 200
    # Given with, not mixed in: "Insulin regular 10 units IV with dextrose 50% 25 g IV" names two drugs.
    both = read_note("Insulin regular 10 units IV with dextrose 50% 25 g IV at 11:10.", kb.facts("J1815"), kb).events
    assert len(both) == 2


def test_the_sedations_route_is_the_route_of_the_sedatives_listed_for_it(kb):
    text = ("PROCEDURE: Colonoscopy.,MEDICATIONS: , Fentanyl 100 mcg and versed 10 mg.,PROCEDURE DETAIL: ,"
            "After titrated intravenous sedation the scope was advanced to the cecum.")
    got = routes(kb, text, "J3010")
    assert got["Fentanyl"] == ["intravenous"]
    assert got["versed"] == ["intravenous"]


def test_a_route_in_another_sentence_before_the_word_anesthesia_is_no_sedation_route(kb):
    text = ("ANESTHESIA: , General endotracheal and injectable 1% lidocaine.,"
            "Ancef 1 g was given IV. General anesthesia was induced.")
    assert routes(kb, text, "J2001")["lidocaine"] == []


def test_a_retrobulbar_injection_is_perineural(kb):
    got = routes(kb, "First, a 4 cc retrobulbar injection was given with 2% Xylocaine under MAC.", "J2003")
    assert got["Xylocaine"] == ["perineural"]


def test_lidocaine_given_to_the_incision_is_local_infiltration(kb):
    got = routes(kb, "Lidocaine 1% (8 mL) was next administered to the lateral aspect of the incision.", "J2003")
    assert got["Lidocaine"] == ["local infiltration"]


def test_a_route_written_after_another_drug_on_the_line_before_is_that_drugs(kb):
    text = "PROCEDURE MEDICATIONS:,1.  Clopidogrel (Plavix) 225 mg PO,2.  Promethazine (Phenergan) 12.5 mg total dose."
    got = routes(kb, text, "J2550")
    assert next(found for name, found in got.items() if name.startswith("Promethazine")) == []



@pytest.mark.parametrize(("text", "code", "expected"), [
    pytest.param("ESTIMATED BLOOD LOSS: , 400 mL.,FLUIDS:  ,One liter of normal saline and one liter of 5% of albumin.,ANESTHESIA:  ,"
                 "General endotracheal.", "J7030", {"intravenous"}, id="an operation's fluids field names fluids given into a vein"),
    pytest.param("ESTIMATED BLOOD LOSS:,  Minimal.,FLUIDS: , Crystalloid.  The patient was given Ancef preop antibiotic.",
                 "J0690", set(), id="the fluids field lends no route to the next sentence's drug"),
    pytest.param("The fascia was approximated at the port sites. Marcaine 0.25% was then utilized in all three incision sites and "
                 "the skin was closed.", "J0665", {"local infiltration"}, id="a local anesthetic used in the incisions is infiltrated"),
    pytest.param("Hemostasis of the wound bed was ensured using epinephrine-soaked Telfa pads.", "J0171", {"topical"},
                 id="a drug soaked into pads is put on the surface"),
    pytest.param("The nose was decongested using Afrin-soaked pledgets followed by the injection of 1% lidocaine with 1:100,000 "
                 "epinephrine in the submucoperichondrial planes bilaterally.", "J2004", {"local infiltration"},
                 id="another drug's soaked pledgets leave the injected anesthetic infiltrated"),
    pytest.param("Urology nurse clinic - bladder irrigation\n79M, chronic indwelling 18Fr Foley.\n"
                 "Renacidin irrigation: 30 mL instilled through the catheter by gravity, clamped 30 min, drained.",
                 "Q2004", {"intravesical"}, id="a bladder irrigation goes into the bladder"),
    pytest.param("0840   LUXTURNA 1.5 x 10^11 vg/0.3 mL injected subretinal OS by Dr K Osei, bleb under fovea.",
                 "C9032", {"intraocular"}, id="a subretinal injection goes into the eye"),
    pytest.param("In total 5 mL of 1% lidocaine with 1:100,000 epinephrine was infiltrated into the incision line.",
                 "J2004", {"local infiltration"}, id="a mixture with a ratio strength shares the route after it"),
    pytest.param("PROCEDURE: Excision of sebaceous cyst, back.\nANESTHESIA: Digital block.\n"
                 "DESCRIPTION: 3 mL of 1% lidocaine plain was instilled at the base. The cyst was excised.",
                 "J2003", {"perineural"}, id="an anesthesia field names the route of the local anesthetic"),
    pytest.param("PROCEDURE: Left knee joint steroid injection.\nPROCEDURE NOTE: The knee was prepped with Betadine. "
                 "40 mg of Kenalog was drawn up into a 5 mL syringe with 3 mL of 1% lidocaine. "
                 "The patient was injected with a 25-gauge needle at the lateral aspect of the flexed knee.",
                 "J3301", {"intra-articular"}, id="the title's route reaches a drug drawn up before a drugless injection sentence"),
    pytest.param("INFUSION FLOWSHEET - mFOLFOX6 C5D1\nDx: Adenocarcinoma of sigmoid colon.\nBSA 1.88. ANC 2.4.\n"
                 "Premeds given at 0900: palonosetron (Aloxi) 0.25 mg; dexamethasone 12 mg.\n"
                 "0930 oxaliplatin 160 mg in D5W 250 mL IV over 2 h via port.",
                 "J2469", set(), id="a title naming an infusion visit gives no route to a premed"),
    pytest.param("The nasal septum was next injected with 2 mL of 1% lidocaine with 1:100,000 epinephrine beneath the perichondrium.",
                 "J2004", {"local infiltration"}, id="a local anesthetic injected into tissue is infiltrated"),
    pytest.param("ANESTHESIA: General endotracheal and injectable 1% lidocaine and 0.25% Marcaine.",
                 "J2003", set(), id="an injectable anesthetic is named, not injected"),
    pytest.param("Kenalog 40 mg was injected with a 25-gauge needle.", "J3301", set(), id="only a local anesthetic is infiltrated by default"),
    pytest.param("ANESTHESIA: General. Each side also got 6 mL of 0.25% Marcaine local anesthetic.\n"
                 "PROCEDURE NOTE: The skin was closed. At closure the wound was injected with 6 mL of 0.25% Marcaine local anesthetic.",
                 "J0665", {"local infiltration"}, id="the body's injection, a restatement, names the field's giving's route"),
    pytest.param("Following placement of an epidural and induction of general anesthesia, 1 gm of Ancef was administered before the prep.",
                 "J0690", set(), id="an epidural placed is an anesthetic, not the antibiotic's route"),
    pytest.param("An epidural catheter was placed and 10 mL of 0.25% bupivacaine was given via the epidural.",
                 "J0666", {"epidural"}, id="a drug given via the epidural"),
    pytest.param("The endarterectomy was completed. Topical ________ Gelfoam was utilized. Of note, the patient did receive "
                 "an additional 7000 units of aqueous heparin.", "J1644", set(), id="a route that modifies a thing that is no drug is its own"),
    pytest.param("Blood culture and CBC sent. IV fluids of D10 running at 6 mL an hour. Ampicillin and gentamicin begun "
                 "per NICU protocol. Infant was fed breast milk and formula per os.", "J0290", set(), id="the fluids' and the feeding's routes"),
    pytest.param("IV access obtained. Ampicillin 2 g was given at 1010.", "J0290", set(), id="an access line is no route statement"),
    pytest.param("PCO2 was 29 and pO2 was 66 on 15 liters. The patient was given a total of 5 mg of Versed.", "J2250", set(),
                 id="a blood gas's pO2 is no oral route"),
    pytest.param("PROCEDURE PERFORMED: Application of short-leg cast, right foot.\nThen 4.5 cc of 1% lidocaine was given.",
                 "J2003", set(), id="applying a cast is no topical route"),
    pytest.param("Product: Cardene IV premixed nicardipine 20 mg/200 mL (0.1 mg/mL), single-use bag, infused over 2 h. No waste.",
                 "J2404", {"intravenous"}, id="two names of one product in a sentence share the route"),
    pytest.param("Peripheral IV placed in the R AC. Pump set up, IV infusion started. Ampicillin 2 g was given at 1010.", "J0290",
                 {"intravenous"}, id="the route of the line before still serves a drug with none"),
    pytest.param("Acthar Gel 80 USP units/mL - 5 mL multi-dose vial. 1 mL (80 units) drawn, SC L lateral thigh, 1010.", "J0800",
                 {"subcutaneous"}, id="a route word in an injection's brand name is the name's"),
    # A catheter lock instilled into the lumens goes in by the vein the catheter sits in; a chewable
    # tablet chewed is taken by mouth.
    pytest.param("1500 catheter lock: DefenCath (taurolidine 13.5 mg/mL + heparin 1,000 units/mL) - red lumen 1.6 mL, blue lumen 1.8 mL",
                 "J0911", {"intravenous"}, id="catheter-lock-lumens"),
    pytest.param("0800 lanthanum carbonate 1,000 mg chewable - chewed with breakfast, given", "J0607", {"oral"}, id="chewed"),
    pytest.param("Sclerosis: mechlorethamine 10 mg reconstituted, diluted to 30 mL NS and instilled into the pericardial space via the pigtail.",
                 "J9230", {"intrapericardial"}, id="into-the-pericardial-space"),
    pytest.param("Anesthesia: topical tetracaine + MAC.\nDEXTENZA (dexamethasone ophthalmic insert) 0.4 mg inserted into R lower "
                 "canaliculus through the punctum.", "J1096", {"intracanalicular"}, id="into-the-canaliculus"),
    pytest.param("Refill needle attached; SUSVIMO (ranibizumab injection) 100 mg/mL - 0.02 mL (2 mg) delivered via implant septum.",
                 "J2779", {"intravitreal"}, id="through-the-ocular-implants-septum"),
    # An infusion record's timed line below the dose, naming no drug, states the giving's route.
    pytest.param("HOPD INFUSION CENTER - BIOLOGIC INFUSION RECORD\nEvinacumab-dgnb (Evkeeza) q4wk - HoFH (E78.01).\n"
                 "Weight today: 68.0 kg    Dose: 15 mg/kg = 1,020 mg\nPharmacy: 1 x 1,200 mg/8 mL vial; 6.8 mL (1,020 mg) into NS 250 mL.\n"
                 "Infusion start 0945 / stop 1048 via PIV R forearm, 0.2 micron filter. VS stable.\n", "C9079", {"intravenous"},
                 id="the-infusion-records-timed-line"),
    pytest.param("tafasitamab - C3D1  10/01/2025   (DLBCL, 2L)\nwt 61.0 kg -> 12 mg/kg = 732 mg\n4 x 200 mg vials, 68 mg left in last vial discarded\n"
                 "NS 250 mL IV via port 1010-1145, tol well\n", "C9070", {"intravenous"}, id="the-hours-an-infusion-ran"),
    # A line placed at a time is no giving: its route is no drug's.
    pytest.param("ED note.\nKeppra 1,000 mg given 1310.\nAccess: 20g R AC peripheral IV at 1305.\n", "J1953", set(), id="an-access-line-gives-no-route"),
])
def test_the_route_of_the_billed_administration(kb, text, code, expected):
    reading = read(text, kb.facts(code), kb)
    assert {r.route for e in reading.administration.given for r in e.routes} == expected


@pytest.mark.parametrize(("text", "code", "drug", "route"), [
    ("With the patient asleep, 20 mg of Aristospan were injected on the right knee.", "J3303", "Aristospan", "intra-articular"),
    ("Repair: Local w/ 4 mL 1% lidocaine, 27g needle, 3 simple interrupted sutures.", "J2003", "lidocaine", "local infiltration"),
    ("ANESTHESIA: Includes 4 cc of 1% lidocaine locally.", "J2003", "lidocaine", "local infiltration"),
    ("About 3 cc of 1% lidocaine was injected into the groin site.", "J2003", "lidocaine", "local infiltration"),
    ("Local anesthesia was achieved with roughly 7 mL of buffered 1% lidocaine.", "J2003", "lidocaine", "local infiltration"),
    ("After irrigation, a local injection with a blend of morphine and Toradol was infiltrated around the capsule.",
     "J1885", "Toradol", "local infiltration"),
    ("For the lavage, 5 mg of Versed for sedation was placed on the endotracheal tube.", "J2250", "Versed", "endotracheal"),
    ("Dextenza 0.4 mg was placed into the right lower punctum.", "J1096", "Dextenza", "intracanalicular"),
    ("The sternum was then spilled with vancomycin paste.", "J3370", "vancomycin", "topical"),
    ("Application of mitomycin-C. The stent was removed.", "J9280", "mitomycin", "topical"),
    # Irrigation is a route of its own: saline washed through a wound is no infusion.
    ("The fracture ends were copiously irrigated with normal saline and curetted.", "J7030", "normal saline", "irrigation"),
])
def test_route_phrasings(kb, text, code, drug, route):
    assert routes(kb, text, code)[drug] == [route]


@pytest.mark.parametrize(("text", "code", "dose"), [
    # A gloss by a name with no code of its own (an oral brand) keeps the coded name's code.
    ("2150 acetazolamide (Diamox) 500 mg IV push over 2 min, full vial", "J1120", 500),
    # A run-on list: the amount after a gloss's parenthesis is that drug's, not the next drug's.
    ("MEDS: , Fentanyl (Sublimase) 0.1 mg IV Versed (midazolam) 2 mg IV,SPECIMENS: , None.", "J3010", 0.1),
    # A formulation word may stand between a generic and the product glossing it.
    ("1015 doxorubicin HCl liposome (Lipodox, imported) 40 mg IV over 60 min via port.", "Q2049", 40),
    # So may the device: the product's content in the gloss is the device's, given whole.
    ("Today: Prolia prefilled syringe (denosumab 60 mg/1 mL), single-use, given subcutaneously R upper arm.", "J0897", 60),
])
def test_a_glossed_drug_keeps_its_code_and_its_amount(kb, text, code, dose):
    assert read(text, kb.facts(code), kb).administration.dose_base == pytest.approx(dose)


PODIATRY_BLOCK = ("Once IV sedation was administered by anesthesia, a total of 15 cc of a 1:1 mixture "
                  "of 1% plain Lidocaine and 0.5% plain Marcaine was injected about the forefoot as a Mayo-type block.")
PODIATRY_MIX = ("With IV sedation given by the anesthesia team, a 10 cc mixture made of "
                "4.5 cc of 1% lidocaine / 4 cc of 0.5% Marcaine / 1.5 cc of Kenalog went into the left forefoot as an infiltrative block.")


@pytest.mark.parametrize(("text", "code", "dose"), [
    # Each drug of a 1:1 mixture takes half the mixture's volume, at its own strength (the "1%" before it).
    (PODIATRY_BLOCK, "J2003", 75.0),
    (PODIATRY_BLOCK, "J0665", 37.5),
    # A drug's own volume, not the mixture's total.
    (PODIATRY_MIX, "J2003", 45.0),
])
def test_a_mixture_gives_each_drug_its_own_share(kb, text, code, dose):
    reading = read(text, kb.facts(code), kb)
    assert reading.administration.dose_base == pytest.approx(dose)
    # The sedation given before is not the local anesthetic's route.
    assert {r.route for e in reading.administration.counted for r in e.routes} == {"local infiltration"}


def test_a_sedation_header_still_names_its_drugs_route(kb):
    text = "OPERATION: Left chest tube placement.\nIV SEDATION: 5 mg of Versed total given under pulse ox monitoring."
    reading = read(text, kb.facts("J2250"), kb)
    assert {r.route for e in reading.administration.counted for r in e.routes} == {"intravenous"}


def test_the_giving_after_a_preparation_is_the_dose(kb):
    text = ("2214 naloxone 0.4 mg/mL 1 mL single-dose vials x4 drawn up (1.6 mg); 1.4 mg (3.5 mL) given IV push via 24g L hand PIV.\n"
            "Remaining 0.5 mL (0.2 mg) in last vial discarded.")
    assert read(text, kb.facts("J2312"), kb).administration.dose_base == pytest.approx(1.4)
    # A needle's gauge and length on the giving line are no dose.
    text = ("Haloperidol decanoate 100 mg/mL, 5 mL MULTIPLE-DOSE vial, lot HD8831: 1 mL = 100 mg drawn.\n"
            "Given deep IM L gluteal (Z-track) 10:50, 21g 1.5\". Tolerated.")
    assert read(text, kb.facts("J1631"), kb).administration.dose_base == 100


def test_a_line_that_opens_with_a_route_tells_how_the_drug_above_was_given(kb):
    text = ("Abilify Maintena 400 mg prefilled syringe: full dose, nothing to discard.\n"
            "Deep IM L gluteal, 21g 1.5 in needle. 11:40.")
    assert routes(kb, text, "J0401")["Abilify Maintena"] == ["intramuscular"]


def test_a_joint_injected_and_a_steroid_introduced_into_the_carpal_tunnel_are_routes(kb):
    got = routes(kb, "At the end of the case the shoulder was injected with Depo-Medrol and bupivacaine.", "J1030")
    assert got["Depo-Medrol"] == ["intra-articular"]
    got = routes(kb, "Two cc of Kenalog was then introduced into the carpal canal.", "J3301")
    assert got["Kenalog"] == ["soft tissue"]


def test_a_drug_added_by_a_dilution_ratio_leaves_the_mixtures_volume_to_the_base_drug(kb):
    text = "The incision line was infiltrated with 1% Xylocaine with 1:100,000 epinephrine, 6 mL total."
    read_ = read_note(text, kb.facts("J2001"), kb)
    got = {text[e.mention.start : e.mention.end]: [(a.value, a.kind) for a in e.amounts] for e in read_.events}
    assert (6.0, "volume") in got["Xylocaine"]
    assert got["epinephrine"] == [(0.01, "mass")]  # the ratio is the additive's, not the base drug's


def test_a_header_that_names_a_route_gives_it_to_the_drugs_under_it(kb):
    text = "SICU NOTE\nDrips: dexmedetomidine 0.4 mcg/kg/h, insulin regular 2 units/hr.\n"
    assert routes(kb, text, "J1815")["insulin"] == ["intravenous"]
    # over a route read from the line above the header
    text = "Topical benzocaine 20% to the fold.\nIANB: articaine 4% with epinephrine 1:100,000, 1.7 mL.\n"
    assert routes(kb, text, "J2001")["articaine"] == ["perineural"]


def test_a_dose_form_after_the_last_drug_of_a_list_is_that_products_alone(kb):
    got = routes(kb, "MEDICATIONS: Fentanyl 50 mcg, Versed 3 mg, 4% lidocaine spray to the oropharynx.", "J2250")
    assert got["Versed"] == [] and got["lidocaine"] == ["topical"]


def test_a_drop_in_the_eye_and_a_rate_per_minute_imply_their_routes(kb):
    assert routes(kb, "Tetracaine 0.5% 1 drop OD before the injection.", "J2250")["Tetracaine"] == ["topical"]
    assert routes(kb, "Nitroglycerin was titrated to 40 mcg per minute for chest pain.", "J2001")["Nitroglycerin"] == ["intravenous"]


def test_a_drug_added_to_the_iv_fluids_is_given_intravenously(kb):
    got = routes(kb, "After delivery of the placenta, oxytocin was added to her IV fluids.", "J2590")
    assert got["oxytocin"] == ["intravenous"]


def test_a_route_after_a_list_reaches_a_drug_glossed_in_a_long_parenthesis(kb):
    from docreview.note.reading import read

    note = ("Edetate disodium 3 g (150 mg/mL, 20 mL single-dose vial - entire contents) + ascorbic acid 7 g in 500 mL sterile water.\n"
            "IV infusion via 22g L forearm 0900-1200.")
    admin = read(note, kb.facts("J3520"), kb).administration
    assert admin.counted and admin.counted[0].routes


def test_an_oral_lesion_is_no_oral_route_and_a_lesion_localized_with_lidocaine_is_infiltrated():
    from docreview.note.vocab import route_vocabulary

    found = [r.route for r in route_vocabulary().find("the oral lesion was localized with 1% lidocaine, about 4 cc")]
    assert found == ["local infiltration"]
    assert [r.route for r in route_vocabulary().find("ondansetron 4 mg oral")] == ["oral"]


def test_sedation_provided_as_needed_was_given(kb):
    from docreview.note.extract import read_note

    text = "Intravenous sedation was provided as needed with Versed and fentanyl during the implant."
    events = read_note(text, kb.facts("J3010"), kb).events
    assert {e.role for e in events} == {"administered"}


def test_a_local_anesthetic_used_to_anesthetize_tissue_is_infiltrated(kb):
    got = routes(kb, "Then 1% Xylocaine plain was used to anesthetize the skin over the mass.", "J2001")
    assert got["Xylocaine"] == ["local infiltration"]
    got = routes(kb, "The lesion was excised after anesthetizing the area with 0.5% Marcaine.", "J0665")
    assert got["Marcaine"] == ["local infiltration"]


def test_a_drug_instilled_subacromially_goes_into_the_bursa(kb):
    assert routes(kb, "Portals closed. 0.25% Marcaine was instilled subacromially.", "J0665")["Marcaine"] == ["bursa"]


def test_the_airway_of_a_general_anesthetic_is_no_route_of_the_local_anesthetic(kb):
    note = ("ANESTHESIA: General via endotracheal tube.\n"
            "PROCEDURE: The brow was injected with 2 cc of 1% Xylocaine with 1:100,000 epinephrine.")
    assert routes(kb, note, "J2004")["Xylocaine"] == ["local infiltration"]


def test_a_drug_put_into_the_nasal_cavity_goes_by_the_nose(kb):
    got = routes(kb, "Cotton pledgets soaked with 4 mL of 4% lidocaine were inserted into the left nasal cavity.", "J2001")
    assert got["lidocaine"] == ["intranasal"]


def test_a_sig_field_under_the_drug_line_gives_its_route():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.reading import read

    kb = knowledge_base()
    note = ("Med: RYKINDO (risperidone) ER injectable suspension 25 mg vial kit\nSig: 25 mg IM every 2 weeks\n"
            "Date   Time  Status  Init\ntoday  1015  GIVEN   JT\nComment: entire suspension administered, none wasted.")
    admin = read(note, kb.facts("J2801"), kb).administration
    assert {r.route for e in admin.counted for r in e.routes} == {"intramuscular"}


def test_a_local_anesthetic_given_at_each_biopsy_site_is_infiltrated_but_the_class_name_alone_is_no_route():
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.reading import read

    kb = knowledge_base()
    note = "The sites were cleaned. A local anesthetic (1% lidocaine) was given at each site. Two 4 mm punch biopsies were taken."
    admin = read(note, kb.facts("J2001"), kb).administration
    assert {r.route for e in admin.given for r in e.routes} == {"local infiltration"}
    note = "ANESTHESIA: The patient received 3 mL of 0.5% Marcaine and local anesthetic."
    assert [r for e in read(note, kb.facts("J0666"), kb).administration.given for r in e.routes] == []


def test_a_local_anaesthetic_flooded_or_placed_into_the_joint_is_intra_articular(kb):
    assert routes(kb, "Before closure 20 mL of 0.25% Marcaine was flooded into the joint.", "J0666")["Marcaine"] == ["intra-articular"]
    assert routes(kb, "Then 10 mL of 0.5% Marcaine was placed into the knee joint.", "J0666")["Marcaine"] == ["intra-articular"]
    assert routes(kb, "A Duragesic patch was placed on the left shoulder.", "J7335").get("Duragesic", []) == []


def test_a_penile_or_insulin_pump_implies_no_intravenous_route_but_an_infusion_pump_does(kb):
    assert routes(kb, "Caverject 10 mcg injected into the corpus after the vacuum pump trial failed.", "J0270")["Caverject"] != ["intravenous"]
    assert set(routes(kb, "Remicade 400 mg infused via ambulatory pump over 2 h.", "J1745")["Remicade"]) == {"intravenous"}


def test_a_stage_or_class_written_in_roman_numerals_is_no_route():
    from docreview.note.vocab import route_vocabulary

    vocab = route_vocabulary()
    assert [m.route for m in vocab.find("Dx: stage IV gastric adenocarcinoma; NYHA class IV heart failure.")] == []
    assert [m.route for m in vocab.find("Oxaliplatin 150 mg IV over 2 h.")] == ["intravenous"]


def test_a_sclerosant_injected_into_a_varix_has_its_route():
    from docreview.note.vocab import route_vocabulary

    assert [m.route for m in route_vocabulary().find("Sodium tetradecyl 1% injected intravariceally, 2 mL per column.")] == ["intravariceal"]


@pytest.mark.parametrize("text", [
    "PROCEDURE: After sedation and local Xylocaine anesthesia, the patient was prepped and draped.",
    "Under 2% lidocaine anesthesia, the right femoral artery was entered.",
    "ANESTHESIA: I.V. sedation and local (1% Lidocaine).",
    "ANESTHESIA: Xylocaine 1% plain totaling 2 mL.",
])
def test_a_local_anesthetic_named_as_the_local_anesthesia_is_infiltrated(kb, text):
    found = routes(kb, text, "J2001")
    assert ["local infiltration"] in found.values(), found


def test_a_local_anesthetic_given_intravenously_keeps_its_route(kb):
    found = routes(kb, "ANESTHESIA: General. Lidocaine 100 mg IV at induction.", "J2001")
    assert list(found.values()) == [["intravenous"]]


def test_a_route_field_below_a_syringes_contents_is_every_listed_drugs_route(kb):
    text = ("Then injected one syringe containing:\n"
            "   Depo-Medrol (methylprednisolone acetate) 40 mg/mL - 1 mL (40 mg), single-dose vial\n"
            "   Lidocaine HCl 1% - 4 mL (40 mg)\n"
            "Route: intra-articular, right knee. No resistance.\n")
    got = routes(kb, text, "J1010")
    assert got["Depo-Medrol (methylprednisolone acetate"] == ["intra-articular"] and got["Lidocaine HCl"] == ["intra-articular"]


def test_a_route_told_after_a_preparation_verb_in_the_next_sentence_is_the_products(kb):
    text = ("2. Levulan Kerastick (aminolevulinic acid HCl) 20% topical solution, 354 mg applicator, lot 0K441, exp 11/2025. "
            "Crushed ampules, shaken 3 min, and applied topically to the face.\n")
    assert routes(kb, text, "J7308")["Levulan Kerastick (aminolevulinic acid HCl"] == ["topical"]


def test_injections_into_a_named_muscle_are_intramuscular(kb):
    text = ("Drug: Botox (onabotulinumtoxinA) 200 Units, single-dose vial, diluted to 30 mL.\n"
            "Using a 27G injection needle, 30 injections of 1 mL each (~6.7 Units each) were given into the detrusor muscle. "
            "Total 200 Units injected.\n")
    admin = read(text, kb.facts("J0585"), kb).administration
    assert admin.dose_base == 200  # the stated total, not one site's share (nor the needle's gauge)
    assert [r.route for e in admin.counted for r in e.routes] == ["intramuscular"]


def test_a_route_after_a_combinations_parts_written_with_a_slash_serves_both(kb):
    text = "09:00  netupitant 300 mg / palonosetron 0.5 mg (Akynzeo) 1 capsule by mouth, taken with water\n"
    assert set(routes(kb, text, "J8655")["netupitant"]) == {"oral"}


def test_a_clause_that_opens_with_the_dose_and_its_giving_verb_tells_the_route(kb):
    text = ("PRE-OP HOLDING: pegulicianine (LUMISIGHT) 1 mg/kg; weight 68 kg -> 68 mg. Two 39 mg vials reconstituted; "
            "68 mg given IV over 3 min at 07:05 via right hand PIV; remaining 10 mg discarded.\n")
    assert routes(kb, text, "C9171")["pegulicianine (LUMISIGHT"] == ["intravenous"]


def test_a_template_route_field_followed_by_a_site_field_is_the_products_route(kb):
    # "IV site" is the catheter's site; "Route: IV" then "Site: ..." on the next line states the route.
    text = ("MEDICATION ADMINISTERED (template):\n Drug: Prolia (denosumab) 60 mg/mL prefilled syringe\n Dose: 60 mg\n"
            " Route: IV\n Site: R antecubital\n Time: 1005\nEntire syringe contents given, no waste.\n")
    admin = read(text, kb.facts("J0897"), kb).administration
    assert {r.route for e in admin.counted for r in e.routes} == {"intravenous"}


@pytest.mark.parametrize("note", [
    "The wound was debrided. Normal saline 3000 cc was used for the irrigation.",
    "The ulcers were Pulsavaced bilaterally with 3 liters of normal saline.",
])
def test_saline_used_to_irrigate_is_given_by_irrigation(kb, note):
    assert counted_routes(kb, note, "J7030") == {"irrigation"}


def test_a_drug_instilled_into_the_surgical_site_is_infiltrated_locally(kb):
    note = ("After mesh fixation, ZYNRELEF (bupivacaine and meloxicam) 200 mg/6 mg was drawn up and instilled via "
            "soft-tipped applicator into the surgical site; no needle.")
    assert counted_routes(kb, note, "J0668") == {"local infiltration"}


def test_a_dose_restated_by_the_ingredient_in_an_aside_is_the_givings_own(kb):
    note = "1020 Jelmyto 20 mL (80 mg mitomycin) instilled via the ureteral catheter, left renal pelvis."
    reading = read(note, kb.facts("J9281"), kb)
    assert reading.administration.dose_base == 80.0


def test_a_stated_route_that_qualifies_an_implied_one_is_the_route(kb):
    # "hepatic arterial infusion": the infusion is into the artery, not a vein.
    got = routes(kb, "Continuous hepatic arterial infusion of floxuridine via pump x14 days.", "J9200")
    assert got["floxuridine"][0] == "intra-arterial"


def test_a_procedure_list_that_states_two_routes_lends_neither(kb):
    # The first listed procedure's epidural is not the viscosupplement's route; its own sentence tells it.
    text = ("SPINE PROCEDURE NOTE\nDOS 10/15/2025    Pt 69 y/o M    Attending: N. Castellano MD (IR/pain)\n"
            "PROCEDURES:\n 1) L4-5 interlaminar epidural steroid injection, fluoroscopic guidance\n"
            " 2) L knee intra-articular viscosupplement injection (Hymovis #2 of 2), fluoroscopic guidance\n"
            "INDICATIONS:\n 1) Lumbar spinal stenosis w/ neurogenic claudication, failed PT\n 2) Primary osteoarthritis L knee.\n"
            "Consent signed, time-out done.\n\n"
            "PROC 1: Prone. Lidocaine 1% 3 mL skin. Triamcinolone 80 mg (Kenalog-40 2 mL) injected epidurally.\n"
            "PROC 2: Supine, L knee prepped. Lidocaine 1% 2 mL skin. Hymovis (hyaluronan) 24 mg/3 mL prefilled syringe injected "
            "into the L knee joint w/o resistance - entire syringe given.\n")
    assert counted_routes(kb, text, "C9471") == {"intra-articular"}


def test_a_procedure_list_with_a_route_only_in_its_items_lends_none_and_reads_cleanly(kb):
    text = ("Procedure:\n1. Face cleansed with acetone scrub.\n2. Levulan Kerastick (aminolevulinic acid HCl) 20% topical solution, "
            "354 mg single-unit applicator, applied topically to the entire face.\n3. Blue light illumination 10 J/cm2.\n")
    assert counted_routes(kb, text, "J7308") == {"topical"}


@pytest.mark.parametrize("text", [
    "0800  acetylcysteine 10% 4 mL (400 mg) via neb, entire vial -- RT G. Amin",
    "0810 arformoterol 15 mcg/2 mL given by SVN.",
    "Albuterol 2.5 mg HHN x1 at 0915.",
])
def test_a_nebulizer_written_short_is_the_inhaled_route(kb, text):
    got = routes(kb, text, "J7608")
    assert "inhalation" in next(iter(got.values()))


def test_saline_used_to_irrigate_is_irrigation(kb):
    got = routes(kb, "Following meticulous hemostasis, saline was used to irrigate and no further bleeding noted.", "J7050")
    assert got == {"saline": ["irrigation"]}


def test_a_route_after_the_second_drug_of_a_neb_is_the_firsts_past_its_own_amounts(kb):
    # The first drug's amounts and its dose-form words stand between it and the "+".
    text = ("1610 levalbuterol (Xopenex) inhalation solution 1.25 mg/3 mL unit-dose vial (premixed) "
            "+ ipratropium 0.5 mg/2.5 mL UD via nebulizer w/ mask\n")
    assert counted_routes(kb, text, "J7614") == {"inhalation"}


def test_a_solution_instilled_via_a_suprapubic_catheter_is_intravesical(kb):
    text = "1300 Renacidin 30 mL instilled via SP catheter per standing order, clamped 30 min.\n"
    assert counted_routes(kb, text, "Q2004") == {"intravesical"}
