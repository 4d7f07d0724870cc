"""Folding keeps every offset: spans found in the folded note quote the original."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docreview.note.normalize import MICRO, fold


def test_greek_mu_micro_sign_fullwidth_and_nbsp():
    assert fold("1000 \u03bcg") == f"1000 {MICRO}g"
    assert fold("1000 \u00b5g") == f"1000 {MICRO}g"
    assert fold("\uff12\uff10 mg\u00a0IV") == "20 mg IV"


def test_characters_whose_compatibility_form_is_longer_are_kept():
    assert fold("\u338e") == "\u338e"  # the squared mg sign would become two characters


@given(st.text())
def test_length_is_preserved(text):
    assert len(fold(text)) == len(text)


def test_a_number_word_before_a_unit_is_read_as_digits_and_offsets_hold():
    from docreview.note.normalize import fold

    text = "The patient received one gram of Rocephin and twenty units of insulin; one of them."
    folded = fold(text)
    assert len(folded) == len(text)
    assert "1   gram" in folded and "20     units" in folded and "one of them" in folded


@pytest.mark.parametrize("text, digits", [
    ("a total of three thousand two hundred forty IU, IV push", "3240"),
    ("seventy-five mg given", "75"),
    ("one hundred and twenty milligrams", "120"),
    ("two thousand units", "2000"),
])
def test_a_number_written_in_several_words_before_a_unit_is_read_as_one_number(text, digits):
    folded = fold(text)
    assert len(folded) == len(text) and digits in folded.split()


@pytest.mark.parametrize("text, folded", [
    ("dose l,86O mg", "dose 1,860 mg"),  # a scan's look-alike letters in a number
    ("Vials: 5OO mg x 4", "Vials: 500 mg x 4"),
    ("PIV O931-1OO3, DOS O6/O3/2O25", "PIV 0931-1003, DOS 06/03/2025"),
    ("O2 via NC", "O2 via NC"),  # one digit and no unit: a word
    ("acute DVT, I82.411; O80", "acute DVT, I82.411; O80"),  # ICD-10-CM codes
    ("sodium iodide I-131 100 mCi", "sodium iodide I-131 100 mCi"),
])
def test_a_scanned_numbers_look_alike_letters_are_read_as_digits(text, folded):
    assert fold(text) == folded


def test_number_words_that_make_no_number_are_left_as_written():
    assert fold("five twenty mg") == "five twenty mg"


@pytest.mark.parametrize("text, folded", [
    ("1/2 cc of solution was injected", "0.5 cc of solution was injected"),
    ("Give 2 1/2 mg now", "Give 2.5   mg now"),
    ("3/4 mL of Kenalog", ".75 mL of Kenalog"),
    ("1/8 mL", "1/8 mL"),  # .125 does not fit in three characters: left as written
    ("BP 120/80, 1/2 tab", "BP 120/80, 1/2 tab"),  # no unit after it
])
def test_a_fraction_before_a_unit_is_read_as_a_decimal_in_place(text, folded):
    assert fold(text) == folded


def test_a_fraction_that_cannot_be_folded_is_never_read_as_its_denominator():
    from docreview.note.amounts import find_amounts

    assert find_amounts(fold("1/8 mL of contrast")) == []


@pytest.mark.parametrize(("text", "folded"), [
    ("Route: [ ] IM   [x] SubQ     Site: L thigh", "Route: [ ]      [x] SubQ     Site: L thigh"),
    ("Drug: [X] Gvoke 1 mg  [ ] Gvoke 0.5 mg  [ ] D50W IV", "Drug: [X] Gvoke 1 mg  [ ]               [ ]        "),
    ("Eye: ( ) OD (x) OS", "Eye: ( )    (x) OS"),
    ("\u2610 IM \u2612 IV", "\u2610    \u2612 IV"),
    ("Zofran 4 mg (2 mL) IV given", "Zofran 4 mg (2 mL) IV given"),  # parentheses that are no box
])
def test_an_option_whose_box_is_left_empty_is_blanked_in_place(text, folded):
    assert fold(text) == folded


def test_a_tables_dot_leaders_are_blanked_in_place():
    assert fold("  TOTAL ........ 40 U\nDone... ok") == "  TOTAL          40 U\nDone... ok"
