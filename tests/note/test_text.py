"""Sections and sentences on snippets: inline headers inside one transcription line."""

import pytest

from docreview.note.text import classify_header, section_at, sections


def test_inline_all_caps_headers_inside_a_line_are_sections():
    text = "HISTORY: , Fell.,HOME MEDICATIONS: , Atenolol.,ALLERGIES: , SULFA.,PLAN: , Home."
    found = [(s.header, s.category) for s in sections(text)]
    assert ("HOME MEDICATIONS", "HOME_MEDICATION") in found
    assert ("ALLERGIES", "ALLERGY") in found
    assert section_at(sections(text), text.index("SULFA")).header == "ALLERGIES"
    assert section_at(sections(text), text.index("Atenolol")).header == "HOME MEDICATIONS"


def test_a_mixed_case_word_with_a_colon_inside_a_sentence_is_not_a_header():
    text = "Given at 0930, mood: calm. Keppra 1000 mg IV."
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
