"""Billing-units arithmetic (domain.md section 1; CMS Pub. 100-04 ch. 17).

Administered: units = ceil(dose / amount per unit), at least 1; "per therapeutic dose" codes
bill 1 per administration. Discarded (JW): units = floor(discarded / amount per unit).
"""

from __future__ import annotations

import math

from docreview.note.amounts import Amount
from docreview.resources import load_json

_KINDS: dict[str, tuple[str, float]] = {k: (v[0], float(v[1])) for k, v in load_json("units.json")["unit_kinds"].items()}
_EPS = 1e-9
# Kinds a strength per mL converts to and from a volume ("5 mg/mL", "10^8 PFU/mL").
_PER_VOLUME_KINDS = frozenset({"mass", "units", "equivalents", "pfu", "vg"})


def code_unit_kind(unit: str | None) -> tuple[str, float] | None:
    """(kind, base factor) of a descriptor unit: mg -> (mass, 1), mcg -> (mass, 0.001)."""
    return _KINDS.get(unit or "")


def ratio(dose_base: float, unit: str, unit_amount: float) -> float:
    kind = code_unit_kind(unit)
    if kind is None:
        raise ValueError(f"no arithmetic for unit '{unit}'")
    return round(dose_base / kind[1] / unit_amount, 9)


def billing_units(dose_base: float, unit: str, unit_amount: float) -> int:
    """Units to bill for an administered dose given in the kind's base unit (mg, units, mL)."""
    if dose_base <= 0:
        return 0
    return max(1, math.ceil(ratio(dose_base, unit, unit_amount) - _EPS))


def in_tier(dose_base: float, unit: str, tier: tuple[float | None, float | None]) -> bool:
    """A dose (in the kind's base unit) within a tier code's (above, up to] bounds, in `unit`."""
    kind = code_unit_kind(unit)
    if kind is None:
        return False
    dose = dose_base / kind[1]
    above, up_to = tier
    return (above is None or dose > above + _EPS) and (up_to is None or dose <= up_to + _EPS)


def waste_units(discarded_base: float, unit: str, unit_amount: float) -> int:
    """Units a JW line may carry: the discarded amount rounded down."""
    if discarded_base <= 0:
        return 0
    return math.floor(ratio(discarded_base, unit, unit_amount) + _EPS)


def to_base(amount: Amount, unit: str, weight_kg: float | None, concentrations: list[Amount]) -> tuple[float | None, str]:
    """An amount in the code's base unit, or (None, what is needed to convert it)."""
    kind = code_unit_kind(unit)
    if kind is None:
        return None, f"the code's unit '{unit}'"
    if amount.per_kg:
        if weight_kg is None:
            return None, "the patient's weight (the dose is per kg)"
        value = amount.total * weight_kg
    else:
        value = amount.total
    if amount.kind == kind[0]:
        return value, ""
    if amount.kind == "volume" and kind[0] in _PER_VOLUME_KINDS:
        conc = next((c for c in concentrations if c.kind == kind[0]), None)
        if conc is None or not conc.per_volume_ml:
            return None, "the concentration (a volume was documented without mg/mL)"
        return value * conc.value / conc.per_volume_ml, ""
    if kind[0] == "volume" and amount.kind in _PER_VOLUME_KINDS:
        # A code billed per volume ("calcium gluconate, per 10 mL"): "2 g/100 mL" gives 2 g as 100 mL.
        conc = next((c for c in concentrations if c.kind == amount.kind and c.value), None)
        if conc is None or not conc.per_volume_ml:
            return None, f"the concentration (a {amount.kind} amount was documented for a code billed by volume)"
        return value * conc.per_volume_ml / conc.value, ""
    if kind[0] == "containers":
        return None, f"the count of the {unit}s opened (the note gives {amount.kind})"  # a code billed per vial
    return None, f"a {kind[0]} amount (the note gives {amount.kind})"


def format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"
