"""Units arithmetic (domain.md section 1) with examples and properties."""

import math

from hypothesis import given
from hypothesis import strategies as st

from docreview.units import billing_units, waste_units


def test_domain_examples():
    assert billing_units(1500, "mg", 10) == 150  # J1953
    assert billing_units(1000, "mg", 250) == 4  # J0696 1 g
    assert billing_units(3.5, "mg", 1) == 4  # J2405
    assert billing_units(4, "mg", 10) == 1  # J2270 up to 10 mg, below one unit
    assert billing_units(15, "mg", 10) == 2
    assert billing_units(1000, "mg", 125) == 8  # J2930 1 g
    assert billing_units(0.5, "mg", 0.1) == 5  # J2778
    assert billing_units(0.001, "mcg", 0.1) == 10  # J0636 1 mcg (base unit mg)
    assert billing_units(0.0025, "mcg", 1) == 3  # J2501 2.5 mcg
    assert billing_units(7500, "units", 1000) == 8  # J1644


def test_waste_rounds_down():
    assert waste_units(30, "mg", 100) == 0
    assert waste_units(250, "mg", 10) == 25
    assert waste_units(75, "mg", 10) == 7


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from([0.1, 1, 10, 15, 20, 40, 125, 250, 500, 1000]))
def test_units_cover_the_dose_and_never_overshoot_by_a_unit(dose_tenths, amount):
    dose = dose_tenths / 10
    units = billing_units(dose, "mg", amount)
    assert units >= 1
    assert units * amount >= dose - 1e-9
    assert (units - 1) * amount < dose or units == 1


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from([1, 10, 100, 250]))
def test_waste_units_are_floor(discarded, amount):
    assert waste_units(discarded, "mg", amount) == math.floor(discarded / amount)


def test_area_and_activity_codes_have_arithmetic():
    from docreview.note.amounts import find_amounts
    from docreview.units import to_base

    text = "196 cm2 applied; 10.2 mCi given"
    area, activity = find_amounts(text)
    assert (area.kind, activity.kind) == ("area", "activity")
    assert billing_units(to_base(area, "sq cm", None, [])[0], "sq cm", 10) == 20
    assert to_base(activity, "mCi", None, [])[0] == 10.2


def test_a_mass_converts_to_the_volume_a_code_bills_by_through_a_stated_strength():
    from docreview.note.amounts import find_amounts
    from docreview.units import to_base

    text = "1 g/50 mL bag; 1 g given"
    strength, dose = find_amounts(text)
    assert to_base(dose, "mL", None, [strength])[0] == 50.0
    assert to_base(dose, "mL", None, [])[0] is None


def test_powers_of_ten_count_plaque_forming_units_and_convert_a_volume():
    from docreview.note.amounts import find_amounts
    from docreview.units import to_base

    text = "Total 3.6 mL of 10^6 PFU/mL (3.6 x 10^6 PFU) injected; 250 million PFU"
    volume, strength, dose, spelled = find_amounts(text)
    assert (strength.value, strength.per_volume_ml, dose.value, spelled.value) == (1e6, 1.0, 3.6e6, 2.5e8)
    assert billing_units(to_base(volume, "pfu", None, [strength])[0], "pfu", 1e6) == 4
    assert [text[a.start : a.end] for a in find_amounts("WBC 4.5 x 10^9/L")] == []


def test_an_insulin_strength_and_an_anti_xa_unit_convert_a_volume():
    from docreview.note.amounts import find_amounts
    from docreview.units import to_base

    text = "Lyumjev U-100 0.15 mL; Innohep 20,000 anti-Xa IU/mL, 0.72 mL"
    insulin, insulin_ml, tinzaparin, tinzaparin_ml = find_amounts(text)
    assert to_base(insulin_ml, "units", None, [insulin])[0] == 15
    assert round(to_base(tinzaparin_ml, "units", None, [tinzaparin])[0]) == 14_400
