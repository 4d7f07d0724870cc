"""Calendar dates and the day each giving is told on, on snippets written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from docreview.knowledge.facts import knowledge_base
from docreview.note.dates import date_headings, find_dates, giving_dates, service_date
from docreview.note.extract import read_note
from docreview.note.reading import read


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def written(text: str) -> list[str]:
    return [text[d.start : d.end] for d in find_dates(text)]


def test_dates_in_the_forms_charts_use():
    text = "Seen 2025-03-02. Dose on 3/9/25, next due 3/30. Infused March 16, 2025 and 23 March 2025."
    assert written(text) == ["2025-03-02", "3/9/25", "3/30", "March 16, 2025", "23 March 2025"]
    assert [str(d) for d in find_dates(text)][:2] == ["03/02/2025", "03/09/2025"]


def test_a_counted_dose_is_no_date():
    # "dose 4/6": the fourth of six doses; "last dose 4/6" and a day past 12 are dates.
    assert written("imipenem 500 mg IV over 30 min, dose 4/6 after HD.") == []
    assert written("last dose 4/6, next dose 11/18.") == ["4/6", "11/18"]


def test_a_bare_fraction_is_a_date_only_where_a_date_is_expected():
    # cultures, pain scores and strengths are ratios; a date follows a word that dates something
    assert written("Growth in 2/3 bottles. Pain 6/10, was 8/10 on arrival. Motor 4/5.") == []
    assert written("Cycle 2 doses given 05/04 and 05/11.") == ["05/04", "05/11"]
    assert written("| 05/18 | 0900 | 1 g |") == ["05/18"]
    # A weekday before it, or a clock time in the next cell, dates a grid's row.
    assert written("Tue 06/10 | 0815 | streptomycin 1 g IM") == ["06/10"]
    assert written("Row 3: 06/12 | 0820 | streptomycin 1 g IM") == ["06/12"]


def test_expiry_birth_and_lot_dates_are_not_days_of_giving():
    assert written("Vial exp 11/30/2027; DOB 02/14/1961; use by 12/01/26.") == []


def test_a_date_line_dates_the_rows_under_it_up_to_a_blank_line():
    text = "Thu 08/07:\n0800 cefepime 2 g IV\n2000 cefepime 2 g IV\n\nToday:\n0800 cefepime 2 g IV\n"
    dates = find_dates(text)
    headings = date_headings(text, dates)
    assert len(headings) == 1
    start, end, day = headings[0]
    assert text[start:end].strip().endswith("2000 cefepime 2 g IV") and str(day) == "08/07"


def test_text_copied_forward_from_an_earlier_visit_is_dated_by_its_banner(kb):
    note = ("INFUSION VISIT 06/09/2025\n"
            "*** Copied forward from 05/12/2025 visit - review and update ***\n"
            "   Leqembi 680 mg IV in NS 250 mL over 1 h via PIV; tolerated.\n"
            "*** end copied text ***\n"
            "Today: infusion held for ARIA-E, not given.")
    admin = read(note, kb.facts("J0174"), kb, service_date("2025-06-09")).administration
    assert admin.state != "given"
    # A long dictated line that happens to say "carried out" holds no banner.
    told = "PROCEDURE: The patient presented on 09/04/2003; dissection was carried out and 9 cc of 1% lidocaine was infiltrated."
    assert date_headings(told, find_dates(told)) == []


def test_a_giving_takes_the_dates_of_its_own_clause_not_those_of_an_aside():
    text = "Pemetrexed 500 mg/m2 IV today (C1 given 07/02 at outside clinic); last labs 07/20, ok."
    dates = find_dates(text)
    mention = (0, len("Pemetrexed"))
    assert giving_dates(text, dates, [], (0, len(text)), mention) == ()
    text = "Prior dose: ferric carboxymaltose 750 mg IV given 01/06."
    dates = find_dates(text)
    start = text.index("ferric")
    assert [str(d) for d in giving_dates(text, dates, [], (0, len(text)), (start, start + 6))] == ["01/06"]


def test_the_claims_date_of_service_reads_iso_and_us_forms():
    assert service_date("2025-08-08") == date(2025, 8, 8)
    assert service_date("08/08/2025") == date(2025, 8, 8)
    assert service_date("next Tuesday") is None and service_date(None) is None


def test_a_giving_told_on_another_day_is_not_this_days_administration(kb):
    text = ("Ortho clinic 09/15/2025. Kenalog-40 40 mg injected into the R knee on 06/10/2025; "
            "good relief until last week. No injection today, PT referral.")
    facts = kb.facts("J3301")
    assert read(text, facts, kb).administration.state == "given"  # no date of service: read as given
    on_the_day = read(text, facts, kb, date(2025, 9, 15)).administration
    assert on_the_day.state == "not_given" and on_the_day.other_days
    assert read(text, facts, kb, date(2025, 6, 10)).administration.state == "given"


def test_a_dot_grids_row_of_another_day_is_no_giving_of_this_one(kb):
    # The dose line states the order (no time); the rows are the givings, one per day.
    text = ("Dose: streptomycin 1 g IM (15 mg/kg = 1,050 mg, capped at 1 g) Tue/Thu/Sat.\n"
            "Date      | Time | Drug / dose        | Site\n"
            "Tue 06/10 | 0815 | streptomycin 1 g IM | L gluteal\n"
            "Thu 06/12 | 0820 | streptomycin 1 g IM | R gluteal\n")
    admin = read(text, kb.facts("J3000"), kb, date(2025, 6, 12)).administration
    assert admin.state == "given" and admin.dose_base == 1000


def test_a_flowsheet_sums_only_the_date_of_services_rows(kb):
    text = ("MAR - cefazolin\n09/14:\n0600 cefazolin 2 g IV\n1400 cefazolin 2 g IV\n\n"
            "09/15:\n0600 cefazolin 2 g IV\n")
    facts = kb.facts("J0690")  # cefazolin, per 500 mg
    admin = read(text, facts, kb, date(2025, 9, 15)).administration
    assert admin.state == "given" and admin.dose_base == 2000
    assert read_note(text, facts, kb).events[-1].dates[0].day == 15


def test_the_day_a_drug_was_ordered_is_not_the_day_of_the_givings_under_it(kb):
    from datetime import date

    from docreview.note.reading import read

    note = ("MAR - 03/11/2025\ncefepime 2 g IVPB q.8 h. - ordered Dr. Amari 03/09\n"
            "  0600  2 g IVPB  given  RN AL\n  1400  2 g IVPB  given  RN AL\n")
    admin = read(note, kb.facts("J0692"), kb, date(2025, 3, 11)).administration
    assert admin.state == "given" and admin.dose_base == 4000.0


def test_the_day_a_multi_dose_vial_was_opened_is_no_day_of_giving():
    assert written("5 mL MULTI-DOSE vial, lot 2K118, opened 02/07/23. Given: 250 mg IM 02/14/23.") == ["02/14/23"]


def test_days_counted_from_an_infusion_and_the_notes_own_day():
    from docreview.note.dates import find_day_markers, note_days

    text = "NEURO CONSULT\nRequested by BMT.\nDLBCL s/p axi-cel infusion on day 0, today day +5. Cycle day 3 of 14. D-7 conditioning.\n"
    markers = find_day_markers(text)
    assert [(m.kind, m.number, m.today) for m in markers] == [("treatment", 0, False), ("treatment", 5, True), ("treatment", -7, False)]
    assert note_days(text, markers) == {"treatment": 5}


def test_a_cell_therapy_infused_on_day_0_is_no_giving_of_a_note_on_day_5(kb):
    text = ("NEUROLOGY CONSULT - ICANS\nRequesting: BMT\n58M R/R DLBCL s/p axicabtagene ciloleucel (Yescarta) infusion on day 0, "
            "today day +5. ICE 6/10.\nP: dexamethasone 10 mg IV q6h.\n")
    admin = read(text, kb.facts("Q2041"), kb).administration
    assert admin.state != "given" and not admin.counted


def test_a_month_with_its_year_dates_a_giving_to_that_month():
    text = "Touch-up after 3.0 mL Radiesse 05/2025; Sculptra in March of 2024. Exp 08/2026. Seen 07/09/2025."
    assert written(text) == ["05/2025", "March of 2024", "07/09/2025"]  # an expiry is no day of giving
    month = find_dates(text)[0]
    assert str(month) == "05/2025"
    assert month.same_day(date(2025, 5, 20)) and not month.same_day(date(2025, 7, 9))
    assert service_date("05/2025") is None  # a claim's date of service is a day


def test_a_giving_dated_to_another_month_is_not_this_days_administration(kb):
    text = "Pt returns for touch-up after 3.0 mL Radiesse 05/2025. Tolerated well."
    facts = kb.facts("Q2026")
    assert read(text, facts, kb, date(2025, 7, 9)).administration.state == "not_given"
    assert read(text, facts, kb, date(2025, 5, 14)).administration.state == "given"  # the same month may be the day
