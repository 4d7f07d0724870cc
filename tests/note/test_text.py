"""Sections and sentences on snippets: inline headers inside one transcription line."""

import pytest

from docreview.note.text import classify_header, section_at, sections, sentences, tokens


def test_inline_all_caps_headers_inside_a_line_are_sections():
    text = "HISTORY: , Fell.,HOME MEDICATIONS: , Atenolol.,ALLERGIES: , SULFA.,PLAN: , Home."
    found = [(s.header, s.category) for s in sections(text)]
    assert ("HOME MEDICATIONS", "HOME_MEDICATION") in found
    assert ("ALLERGIES", "ALLERGY") in found
    assert section_at(sections(text), text.index("SULFA")).header == "ALLERGIES"
    assert section_at(sections(text), text.index("Atenolol")).header == "HOME MEDICATIONS"


def test_a_known_header_between_a_transcriptions_line_break_commas_needs_no_colon():
    text = "Knee hurts with stairs.,ALLERGIES,1.  CODEINE.,2.  LATEX.,MEDICATIONS,1.  Zestril.,EXAM,Knee swollen."
    secs = sections(text)
    assert section_at(secs, text.index("CODEINE")).category == "ALLERGY"
    assert section_at(secs, text.index("Zestril")).category == "MED_LIST"
    # "EXAM" is no header the table lists: the medication list runs on to it, as before.
    assert "EXAM" not in [s.header for s in secs]


def test_an_aside_in_a_label_is_no_part_of_its_word_count():
    text = "Charge capture (auto from the pump library): vasopressin 20 units/100 mL bag x1."
    assert [s.header for s in sections(text)] == ["Charge capture (auto from the pump library)"]


def test_a_list_of_drug_names_is_no_header():
    text = "She takes her pills.,PHENYTOIN, KEPPRA,  and nothing else."
    assert [s.header for s in sections(text)] == []


def test_a_sentence_ending_in_a_colon_introduces_its_lines_and_opens_no_section():
    text = "MEDICATIONS:\nThe patient's medications on admission include:\n1.  Zestril.\n2.  Lipitor."
    assert section_at(sections(text), text.index("Lipitor")).category == "MED_LIST"


def test_a_mixed_case_word_with_a_colon_inside_a_sentence_is_not_a_header():
    text = "Given at 0930, mood: calm. Keppra 1000 mg IV."
    assert [s.header for s in sections(text)] == []


def test_a_label_right_after_a_flattened_line_break_is_a_header_known_or_not():
    # The line breaks became commas with no space after them: each "Label:" opened a line.
    text = "Dialysis run,Access: L AVF,Meds this tx:,calcitriol 1 mcg IV at end of run,A: SHPT - cont calcitriol"
    secs = sections(text)
    assert [s.header for s in secs] == ["Access", "Meds this tx", "A"]
    assert section_at(secs, text.index("calcitriol")).header == "Meds this tx"
    assert section_at(secs, text.index("SHPT")).header == "A"


def test_a_lead_in_after_a_flattened_line_break_heads_no_section():
    text = "HEENT normal.,MEDICATIONS:,At present include:,1.  Lisinopril.,2.  Metformin."
    assert section_at(sections(text), text.index("Metformin")).category == "MED_LIST"


def test_a_comma_then_a_space_is_no_line_break_and_opens_no_header():
    text = "Given at 0930, Mood: calm. Toradol 30 mg IV."
    assert [s.header for s in sections(text)] == []


def test_a_plain_medications_header_is_a_list_not_a_history_section():
    # ED and dialysis notes list what was given under "Meds:"; the role stage reads each line.
    assert [(s.kind, s.category) for s in sections("Meds: ondansetron 4 mg IV @ 0210")] == [("neutral", "MED_LIST")]


def test_a_sentence_ends_where_an_inline_header_begins():
    from docreview.note.text import sections, sentences

    text = "PREOPERATIVE DIAGNOSIS:,  Lumbar radiculopathy, 724.4.,INJECTATE USED:,  80 mg of Depo-Medrol."
    secs = sections(text)
    sents = sentences(text, breaks=[s.header_start for s in secs if s.header_start > 0])
    assert [text[s.start : s.end] for s in sents][-1].startswith("INJECTATE USED")


def test_a_transcriptions_comma_line_break_ends_a_sentence():
    from docreview.note.text import sentences

    text = "VA dissociation was present.,Since there was no dual pathway, isoproterenol was not given.,Done."
    assert [text[s.start : s.end] for s in sentences(text)] == [
        "VA dissociation was present.",
        "Since there was no dual pathway, isoproterenol was not given.",
        "Done.",
    ]
    # a decimal or a comma inside a sentence is no break
    assert len(sentences("Gave 2.5 mg, then 1.5 mg.")) == 1


def test_a_products_number_does_not_end_a_sentence():
    from docreview.note.text import sentences

    assert len(sentences("The patient is given Tylenol No. 3, tabs #4, to take home.")) == 1
    assert len(sentences("Given at 10:00. 2 mg repeated at 10:15.")) == 2


def test_a_header_the_table_does_not_list_speaks_by_its_words():
    assert classify_header("Treatment history") == ("history", "HISTORICAL")
    assert classify_header("Prior treatment OS") == ("history", "HISTORICAL")
    # "30 min prior" is before the infusion, not the patient's history
    assert classify_header("Premeds 30 min prior") == ("neutral", "NEUTRAL")
    # the pump's log of this infusion, not the patient's history
    assert classify_header("Pump history at stop") == ("neutral", "NEUTRAL")
    assert classify_header("PACU orders") == ("plan", "PLAN")
    assert classify_header("Allergy clinic") == ("neutral", "NEUTRAL")  # a clinic's name is no allergy list
    assert classify_header("History of present illness")[0] == "administration"  # the table still wins


@pytest.mark.parametrize(("header", "kind"), [
    ("DISCHARGE INSTRUCTIONS/MEDICATIONS", "plan"),
    ("HOME MEDICATIONS/ALLERGIES", "not_given"),
    ("Procedure/Technique", "administration"),
])
def test_a_joined_header_takes_the_kind_of_its_first_listed_part(header, kind):
    assert classify_header(header)[0] == kind


def test_a_double_spaced_note_keeps_its_lines_and_sections_together():
    from docreview.note.text import sentences

    single = "ORDERS:\nCefepime 2 g IVPB q8h\nGiven 0900 via PICC\nTolerated"
    double = single.replace("\n", "\n\n")
    # Blank lines are layout: the record's lines count by content and stay one paragraph.
    assert [(s.line, s.paragraph) for s in sentences(double)] == [(s.line, s.paragraph) for s in sentences(single)]
    orders = sections(double)[0]
    assert double[orders.start : orders.end].strip().endswith("Tolerated")


def test_a_blank_line_still_ends_a_paragraph_and_a_section_in_a_single_spaced_note():
    from docreview.note.text import sentences

    text = "MEDS GIVEN:\nKeppra 500 mg IV\n\nPlan: recheck level\nFollow up 2 wk"
    paragraph = {text[s.start : s.end]: s.paragraph for s in sentences(text)}
    assert paragraph["Keppra 500 mg IV"] == 0 and paragraph["Follow up 2 wk"] == 1
    given = sections(text)[0]
    assert text[given.start : given.end].strip() == "Keppra 500 mg IV"


def test_a_header_alone_on_its_line_covers_the_body_under_a_blank_line():
    text = "ADMINISTERED:\n\nOndansetron 4 mg IV 1015\n\nDisposition: home"
    given = next(s for s in sections(text) if s.header == "ADMINISTERED")
    assert "Ondansetron" in text[given.start : given.end]
    assert "Disposition" not in text[given.start : given.end]


def test_an_honorific_and_a_dosing_abbreviation_end_no_sentence_in_any_case():
    from docreview.note.text import sentences

    text = "Seen by Dr. Okafor today. Started on Demerol 50 mg IM q3-4h. p.r.n. for pain. Tolerated."
    for note in (text, text.upper()):
        found = [note[s.start : s.end] for s in sentences(note)]
        assert len(found) == 3 and found[1].lower().endswith("p.r.n. for pain.")


def test_a_unit_letter_after_a_number_may_end_a_sentence_but_an_initial_does_not():
    from docreview.note.text import sentences

    text = "Net output was 1.5 L. Her home diuretic stays on hold. Reviewed with Dr. K. Osei at bedside."
    found = [text[s.start : s.end] for s in sentences(text)]
    assert found == ["Net output was 1.5 L.", "Her home diuretic stays on hold.", "Reviewed with Dr. K. Osei at bedside."]


def test_capitals_mark_no_header_in_a_note_written_all_in_capitals():
    text = ("INFUSION NOTE\nGIVEN 0930 CEFTRIAXONE 1 G IVPB OVER 30 MIN\nTOLERATED WELL\n"
            "ALLERGIES: NKDA\nPT TEACHING DONE, FOLLOW UP IN CLINIC NEXT WEEK")
    headers = [s.header for s in sections(text)]
    assert "ALLERGIES" in headers
    assert "TOLERATED WELL" not in headers and "INFUSION NOTE" not in headers


def test_a_known_header_set_apart_by_spaces_starts_its_own_section():
    text = "Regimen: R-CHOP q21 days x 6      Dx: diffuse large B-cell lymphoma (C83.38)\nHt 173 cm   Wt 75 kg"
    dx = next(s for s in sections(text) if s.header == "Dx")
    assert dx.kind == "reason" and "lymphoma" in text[dx.start : dx.end]
    assert [s.header for s in sections(text)] == ["Regimen", "Dx"]


def test_a_clock_time_after_spaces_opens_the_next_record_only_in_a_run_on_line():
    from docreview.note.text import sentences

    run_on = ("INFUSION FLOWSHEET  Pt: R.K.   DOB 1968   Allergies: PCN  0905 PIV 20g L forearm placed  "
              "0910 levetiracetam 1,000 mg in NS 100 mL IVPB started  0925 infusion complete, line flushed")
    allergies = next(s for s in sections(run_on) if s.header == "Allergies")
    assert run_on[allergies.start : allergies.end].strip() == "PCN"
    assert any(run_on[s.start : s.end].startswith("0910 levetiracetam") for s in sentences(run_on))
    row = "metoprolol tartrate 25 mg PO  0900  HELD for HR 52"
    assert len(sentences(row)) == 1


def test_a_note_typed_without_capitals_still_ends_its_sentences():
    from docreview.note.text import sentences

    text = ("peds ed. 9 y/o m, wt 37.5 kg, focal sz. lev 20 mg/kg = 750 mg iv over 15 min. drew from 2 x 500 mg/5 ml vials; "
            "7.5 ml given. sz resolved by 1450, dx focal epilepsy. seen with dr. ortiz, dose q12h. p.r.n. nothing.")
    found = [text[s.start : s.end] for s in sentences(text)]
    assert "drew from 2 x 500 mg/5 ml vials" in found
    assert any(f.startswith("seen with dr. ortiz") and f.endswith("p.r.n. nothing.") for f in found)


def test_a_conjunction_after_a_full_stop_opens_no_sentence_in_a_note_written_in_capitals():
    from docreview.note.text import sentences

    text = "MY ORDERS INCLUDED ALBUTEROL Q. 2H. AND LEVAQUIN 500 MG IV. PATIENT TRANSFERRED."
    assert len(sentences(text)) == 2


def test_a_dot_leader_ties_a_flowsheet_row_but_an_ellipsis_may_end_a_sentence():
    from docreview.note.text import sentences

    row = "1015  methylprednisolone 125 mg IV ......... NOT GIVEN - dropped from the order set by Dr. Obi"
    assert len(sentences(row)) == 1
    told = "Pt drowsy after the dose... She woke at 1400."
    assert len(sentences(told)) == 2


def test_a_long_line_wrapped_mid_sentence_is_one_sentence():
    text = ("Speculum placed, cervix cleansed, tenaculum applied, uterus sounded to 7 cm. The device\n"
            "was inserted into the uterine cavity to the fundus with its inserter.\n"
            "Ondansetron 4 mg IV given for nausea before the procedure, per protocol\n"
            "ketorolac 30 mg IV given after it.\n")
    found = [text[s.start : s.end] for s in sentences(text)]
    assert "The device\nwas inserted into the uterine cavity to the fundus with its inserter." in found
    # A line that opens with a drug and its dose is a record of its own, a slash or a gloss in its name too.
    assert "ketorolac 30 mg IV given after it." in found
    text = ("PICU MAR 03/30/2025 -- 9 yo M, wt 30 kg, VRE faecium CLABSI; dapto MIC 8, linezolid d/c'd for plt 31k\n"
            "quinupristin/dalfopristin (Synercid) 7.5 mg/kg = 225 mg in D5W 100 mL IV over 60 min via CVL q8h\n")
    assert any(text[s.start : s.end].startswith("quinupristin/dalfopristin") for s in sentences(text))


def test_the_end_of_an_aside_before_a_colon_heads_no_section():
    text = "Order (Dr. Whelan, allergy/immunology): ASCENIV 40 g IV q4wk.\nAllergies: sulfa.\n"
    assert [(s.header, s.kind) for s in sections(text)] == [("Allergies", "not_given")]


def test_a_slash_joins_no_word_to_a_number_with_a_thousands_comma():
    # "mg/20,000 units": the comma is the number's, no clause break a negation's scope stops at.
    text = "PHESGO 600 mg/600 mg/20,000 units (10 mL) NOT administered"
    assert "20,000" in [t.text for t in tokens(text)] and "," not in [t.text for t in tokens(text)]
