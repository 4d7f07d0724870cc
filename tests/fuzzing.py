"""Random and mutated notes and claims for fuzzing docreview (tests/test_fuzz.py, benchmarks/fuzz.py).

Every generator takes a `random.Random`: the benchmark passes a seeded one, the property tests
pass hypothesis' `st.randoms()` (so hypothesis drives and shrinks the choices). One copy of
the grammar serves both.

The contract checked (README "Exit codes", review-spec.md "findings"): an input is either
reviewed or refused as a clear input error; every evidence quote is note[start:end].
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

# --- the grammar of clinical fragments ---------------------------------------------------

DRUGS = [
    "Keppra", "levetiracetam", "Levetiracetam", "LEVETIRACETAM", "Solu-Medrol", "methylprednisolone sodium succinate",
    "Kenalog", "Kenalog-40", "triamcinolone acetonide", "ceftriaxone", "Rocephin", "ondansetron", "Zofran", "B12",
    "vitamin B12", "cyanocobalamin", "dexamethasone", "Decadron", "ketorolac", "Toradol", "morphine", "IVIG",
    "Gammagard Liquid", "Bivigam", "promethazine", "diphenhydramine", "Benadryl", "normal saline", "Tylenol", "lorazepam",
]
NUMBERS = ["1,000", "1000", "500", "250", "100", "40", "4", "2", "1", "0.5", ".5", "1.5", "10", "125", "60", "0", "30",
           "２０", "１，０００", "1 000", "1.000,5", "999999999999", "1e3", "-5", "½"]
UNITS = ["mg", "MG", "mg/5 mL", "mg/mL", "mL", "mcg", "μg", "µg", "g", "gm", "units", "U", "mg/kg", "mEq", "vial", "vials",
         "tabs", "tablet", "bag", "amp", "%"]
AMOUNTS_FIXED = ["1,000 mg", "500 mg/5 mL", "0.5mL", "40-mg", "1000 μg", "1000 µg", "２０ mg", "1 g", "2 grams", "4 mg",
                 "125 mg/2 mL", "40 mg/mL", "1,000 mcg/mL", "20 mg/kg", "1.5 g", "1 vial", "2 x 500 mg vials", "100 mL NS",
                 "15 mg/kg (1,050 mg)", "mg", "0 mg", "-10 mg", "10mg", "1000mg", "1.000 mg", "1,0000 mg"]
ROUTES = ["IV", "IVPB", "IV push", "IM", "SQ", "subQ", "SC", "left deltoid", "right gluteal", "PO", "po", "by mouth",
          "intravenously", "intramuscular", "intra-articular", "R knee", "over 15 min", "over 30 minutes", "infusion", "drip"]
WASTE = ["wasted 500 mg", "500 mg discarded", "no waste", "No wastage.", "remainder discarded", "waste witnessed by RN",
         "discarded amount 0 mg", "entire vial used", "single-dose vial, 250 mg wasted", "JW 50 units", "waste: none",
         "wasted 2 mL", "not wasted"]
NEGATIONS = ["held", "refused", "not given", "declined", "patient refused", "deferred", "discontinued", "hold for SBP < 90",
             "did not receive", "no", "denies", "plan to give", "if needed", "PRN", "history of", "allergic to"]
HEADERS = ["A/P:", "Meds:", "MAR:", "Assessment/Plan:", "HPI:", "Plan:", "Medications administered:", "Allergies:",
           "Impression:", "Procedure:", "Orders:", "Home meds:", "ROS:", "Dx:", "Vitals:"]
TIMES = ["0930", "09:30", "1415", "2359", "0000", "9:30 AM", "noon", "@ 1300", "at 0800 and 2000", "q12h", "BID", "x1"]
REASONS = ["for seizures", "for breakthrough seizure", "status epilepticus", "for nausea", "CINV", "for pneumonia", "UTI",
           "for B12 deficiency", "pernicious anemia", "for asthma exacerbation", "knee OA", "for pain", "G40.909",
           "D51.0", "R11.2", "J18.9", "epilepsy", "gonorrhea", "for sleep", "allergic reaction"]
FILLER = ["Pt tolerated well.", "VSS.", "No adverse reaction.", "Seen and examined.", "Will follow up in 2 weeks.",
          "Lot # 12345A exp 12/2026.", "Given by RN J. Smith.", "Weight 70 kg.", "Wt: 154 lb.", "Pt is 45 yo M.",
          "Labs pending.", "Ordered:", "Administered:", "see MAR", "per protocol", "Dr. O'Brien", "—", "->", "•", "***"]
PUNCT = [" ", " ", " ", "  ", "\t", ", ", ". ", "; ", ": ", " - ", "\n", "\n", "\r\n", "\n\n", " / ", "(", ")", "|"]

# Characters that stress text handling: controls, combining marks, RTL, emoji, zero-width, odd spaces,
# look-alikes, a BOM, line and paragraph separators, characters whose NFKC form is longer than one.
ODD_CHARS = [
    "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u00a0", "\u2007", "\u202f", "\u3000", "\u200b",
    "\u200d", "\u2028", "\u2029", "\ufeff", "\u0301", "\u0338", "\u202e", "\u05d0", "\u0627", "\U0001f489", "\U0001f600",
    "\ufb01", "\u2163", "\u2153", "\u00bd", "\u00b2", "\u2082", "\u33a1", "\u3392", "\u338e", "\u338f", "\u2126", "\u212b",
    "\u00df", "\u0130", "\u0131", "\u1e9e", "\u03bc", "\u00b5", "\u0410", "\u041c", "\u0435", "\u2010", "\u2011", "\u2013",
    "\u2212", "\uff0c", "\uff0e", "\uff4d", "\uff47", "\U0001d7ce", "\U000e0001", "\ufffd", "\uffff", "\U0010ffff",
]
# Unicode look-alikes of ASCII characters (the mutation "swap look-alikes").
LOOKALIKES = {
    "0": ["\uff10", "\u0660", "\u06f0", "O", "\u2070", "\U0001d7ce"], "1": ["\uff11", "l", "I", "\u0661", "\u00b9"],
    "2": ["\uff12", "\u00b2", "\u0662"], "5": ["\uff15", "\u2075"], "m": ["\uff4d", "\u217f", "\u043c", "rn"],
    "g": ["\uff47", "\u0261", "\u0581"], "L": ["\uff2c", "\u216c", "\u2113"], "l": ["\u2113", "1", "\u0399"],
    "c": ["\u0441", "\u217d"], "e": ["\u0435", "\u212f"], "o": ["\u043e", "\u03bf", "0"], "a": ["\u0430", "\u03b1"],
    "p": ["\u0440"], "V": ["\u2164", "\u0474"], "I": ["\u2160", "\u0406", "l"], "u": ["\u03bc", "\u00b5"],
    ",": ["\uff0c", "\u060c", "\u201a"], ".": ["\uff0e", "\u3002", "\u2024"], "-": ["\u2010", "\u2212", "\u2013", "\uff0d"],
    " ": ["\u00a0", "\u2009", "\u3000", "\u200b", ""], "/": ["\u2215", "\u2044", "\uff0f"], ":": ["\uff1a", "\u2236"],
    "B": ["\u0392", "\u0412"], "K": ["\u039a", "\u212a"], "M": ["\u039c", "\u216f"],
}

SEED_NOTES = [
    (
        "ED NOTE 03/14/2025\nHPI: 34 yo F with known epilepsy, breakthrough seizure at home.\n"
        "A/P: Breakthrough seizure, G40.909.\nMeds: Keppra (levetiracetam) 1,000 mg IVPB over 15 min at 0930.\n"
        "Single-dose vial 500 mg/5 mL x2, entire vials used, no waste.\n"
    ),
    (
        "Clinic visit. Dx: pernicious anemia (D51.0).\nB12 (cyanocobalamin) 1000 \u00b5g IM left deltoid given 1415 by RN.\n"
        "Pt tolerated well. Next injection in 1 month.\n"
    ),
    (
        "Infusion center\nAssessment/Plan: community-acquired pneumonia J18.9.\n"
        "Ceftriaxone (Rocephin) 1 g IV given at 0800. Vial 2 g; remainder 1 g wasted, witnessed by RN Lee.\n"
    ),
    (
        "Oncology day unit. CINV prophylaxis R11.2.\nMAR: ondansetron 4 mg IV push 0930.\n"
        "Solu-Medrol 40-mg IV held - pt refused.\nNo adverse reaction.\n"
    ),
    (
        "Ortho clinic. Impression: primary osteoarthritis R knee (M17.11).\nProcedure: Kenalog-40 40 mg/mL, 1 mL injected "
        "intra-articular R knee under sterile technique. Lot 12AB. Single-dose vial, no waste.\n"
    ),
]

# --- claims -------------------------------------------------------------------------------

CODES = ["J1953", "J3420", "J0696", "J1100", "J2930", "J3301", "J2405", "J1885", "J2250", "J0131", "J1569", "J1459", "J2270",
         "J1200", "J0690", "J2550", "J3370", "J1644", "J2920", "J2501", "J1030", "J1040", "J1020"]
JUNK_CODES = ["", " ", "j1953", " J1953 ", "J195", "J19533", "J9999", "A0001", "Q4000", "1953J", "JJ953", "J-1953", "J１９５３",
              "J1953\n", "\u0000", "None", "null", "J0000", "Z9999", "C9399", "J3490", "J3590", "\u0130953", "ǰ1953"]
UNIT_VALUES: list[Any] = [0, 1, 100, 150, 4, 2.5, 0.5, -1, -100, 1e9, 1e308, 10**30, 1e-9, "100", " 100 ", "NaN", "nan",
                          "inf", "-inf", "Infinity", "1e400", "abc", "", "1,000", "0x10", True, None, [], {}, "−5", "١٠٠"]
MODIFIERS = ["JW", "JZ", "jz", " JW ", "25", "59", "KX", "JG", "TB", "J", "JWZ", "", "J W", "ＪＷ", "\u00a0JZ", "Jz", "00",
             "JW;JZ", "ǰW"]
ICD10 = ["G40.909", "G40909", "D51.0", "R11.2", "J18.9", "M17.11", "A54.00", "J45.901", "E53.8", "Z00.00", "G40.901",
         "g40.909", " G40.909 ", "G40.9099999", "XYZ", "40.909", "G4O.909", "", " ", "U07.1", "C50.911", "Q", "G40.",
         "G40..909", "Ｇ40.909", "G40.909\n", "\u200bG40.909"]
SETTINGS = ["office", "outpatient", "inpatient", "rhc-fqhc", "esrd-facility", "11", "22", "23", "50", "24", "21", "65", "99",
            "0", "hospital outpatient", "RHC/FQHC", "rhc fqhc", "ASC", "ED", "er", "home", "Outpatient ", "OUTPATIENT",
            "", " ", "office\n", "ＯＦＦＩＣＥ", "-", "//", "pharmacy", "telehealth", "1 1", "11.0"]
DATES = ["2025-03-14", "2025-02-30", "03/14/2025", "", "yesterday", "9999-99-99"]


def _pick(rng: random.Random, items: list) -> Any:
    return items[rng.randrange(len(items))]


def random_unicode(rng: random.Random, n: int) -> str:
    """Arbitrary code points, lone surrogates and NUL included (the API must refuse those, not crash)."""
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.45:
            out.append(chr(rng.randrange(0x20, 0x7F)))
        elif roll < 0.65:
            out.append(_pick(rng, ODD_CHARS))
        elif roll < 0.8:
            out.append(chr(rng.randrange(0x80, 0x3000)))
        elif roll < 0.995:
            cp = rng.randrange(0, 0x110000)
            out.append(chr(cp if not 0xD800 <= cp < 0xE000 else cp - 0x1000))
        else:
            out.append(_pick(rng, ["\x00", "\ud800", "\udfff", "\udc80"]))
    return "".join(out)


def amount(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return _pick(rng, AMOUNTS_FIXED)
    return _pick(rng, NUMBERS) + _pick(rng, ["", " ", "-", "\u00a0"]) + _pick(rng, UNITS)


def fragment(rng: random.Random) -> str:
    kind = rng.randrange(12)
    if kind == 0:
        return _pick(rng, HEADERS)
    if kind in (1, 2, 3):  # an administration line, in any order
        parts = [_pick(rng, DRUGS), amount(rng)]
        if rng.random() < 0.8:
            parts.append(_pick(rng, ROUTES))
        if rng.random() < 0.5:
            parts.append(_pick(rng, TIMES))
        if rng.random() < 0.4:
            parts.append(_pick(rng, REASONS))
        if rng.random() < 0.25:
            parts.insert(rng.randrange(len(parts) + 1), _pick(rng, NEGATIONS))
        if rng.random() < 0.2:
            rng.shuffle(parts)
        return " ".join(parts)
    if kind == 4:
        return _pick(rng, WASTE)
    if kind == 5:
        return _pick(rng, NEGATIONS)
    if kind == 6:
        return _pick(rng, TIMES)
    if kind == 7:
        return _pick(rng, REASONS)
    if kind == 8:
        return _pick(rng, FILLER)
    if kind == 9:
        return amount(rng)
    if kind == 10:
        return _pick(rng, ROUTES)
    return random_unicode(rng, rng.randrange(1, 12))


def grammar_note(rng: random.Random, max_fragments: int = 30) -> str:
    out = []
    for _ in range(rng.randrange(1, max_fragments + 1)):
        out.append(fragment(rng))
        out.append(_pick(rng, PUNCT))
    return "".join(out)


def special_note(rng: random.Random) -> Any:
    """Edge shapes: empty, whitespace, NUL, surrogates, huge lines, pure noise, not text at all."""
    kind = rng.randrange(14)
    if kind == 0:
        return _pick(rng, ["", " ", "\n", "\t\r\n ", "\u3000\u00a0\u2028", "\ufeff", "\u200b"])
    if kind == 1:
        return grammar_note(rng, 5) + "\x00" + grammar_note(rng, 3)
    if kind == 2:
        return grammar_note(rng, 5) + _pick(rng, ["\ud800", "\udfff", "\udc80"]) + grammar_note(rng, 3)
    if kind == 3:  # a very long line (kept under ~4,000 characters: longer runs of digits or doses are quadratic today)
        return "Keppra 1,000 mg IV " + _pick(rng, ["x", "9", " ", ",", "mg ", "1,000 ", "\u0301"]) * rng.randrange(1000, 4000)
    if kind == 4:  # many lines
        return "\n".join(grammar_note(rng, 3) for _ in range(rng.randrange(50, 400)))
    if kind == 5:
        return random_unicode(rng, rng.randrange(1, 400))
    if kind == 6:
        return "".join(_pick(rng, ODD_CHARS) for _ in range(rng.randrange(1, 200)))
    if kind == 7:
        return _pick(rng, [None, b"Keppra 1000 mg IV", 42, ["Keppra"], {"note": "x"}])
    if kind == 8:  # long run of digits and separators (number parsers)
        return "levetiracetam " + "".join(_pick(rng, list("0123456789,. ")) for _ in range(rng.randrange(10, 2000))) + " mg IV"
    if kind == 9:  # deep nesting of brackets / repeated headers
        return "A/P: " * rng.randrange(1, 500) + "Keppra 500 mg IV"
    if kind == 10:
        return "".join(_pick(rng, LOOKALIKES.get(c, [c])) for c in _pick(rng, SEED_NOTES))
    if kind == 11:  # over the 1 MB limit (refused); many administrations on one line are quadratic, so not 1 MB of them
        return _pick(rng, ["Keppra 1,000 mg IV. ", "x", "\u00b5"]) * 1_000_001
    if kind == 12:
        return "\r".join(grammar_note(rng, 4) for _ in range(rng.randrange(2, 20)))
    return _pick(rng, SEED_NOTES) + random_unicode(rng, rng.randrange(1, 50))


MutationFn = Callable[[random.Random, str], str]


def _insert(rng: random.Random, s: str) -> str:
    i = rng.randrange(len(s) + 1)
    ins = _pick(rng, [random_unicode(rng, rng.randrange(1, 6)), fragment(rng), _pick(rng, ODD_CHARS), _pick(rng, PUNCT)])
    return s[:i] + ins + s[i:]


def _delete(rng: random.Random, s: str) -> str:
    if not s:
        return s
    i = rng.randrange(len(s))
    return s[:i] + s[i + rng.randrange(1, 8):]


def _replace(rng: random.Random, s: str) -> str:
    if not s:
        return s
    i = rng.randrange(len(s))
    return s[:i] + _pick(rng, [random_unicode(rng, 1), _pick(rng, ODD_CHARS), _pick(rng, list("0123456789 .,-/:\n"))]) + s[i + 1:]


def _lookalike(rng: random.Random, s: str) -> str:
    spots = [i for i, c in enumerate(s) if c in LOOKALIKES]
    if not spots:
        return s
    for i in sorted(rng.sample(spots, min(len(spots), rng.randrange(1, 6))), reverse=True):
        s = s[:i] + _pick(rng, LOOKALIKES[s[i]]) + s[i + 1:]
    return s


def _dup_line(rng: random.Random, s: str) -> str:
    lines = s.splitlines(keepends=True)
    if not lines:
        return s
    i = rng.randrange(len(lines))
    return "".join(lines[: i + 1] + [lines[i]] * rng.randrange(1, 4) + lines[i + 1:])


def _join_lines(rng: random.Random, s: str) -> str:
    return s.replace("\n", _pick(rng, ["", " ", "; ", "\r", "\u2028"]), rng.randrange(1, 4))


def _swap_fragment(rng: random.Random, s: str) -> str:
    # replace a known fragment (drug, amount, route, waste) with another of the grammar
    for pool in rng.sample([DRUGS, AMOUNTS_FIXED, ROUTES, WASTE, NEGATIONS, HEADERS, TIMES], 7):
        hits = [w for w in pool if w in s]
        if hits:
            return s.replace(_pick(rng, hits), fragment(rng), 1)
    return s


def _splice(rng: random.Random, s: str) -> str:
    other = _pick(rng, SEED_NOTES)
    i, j = rng.randrange(len(s) + 1), rng.randrange(len(other) + 1)
    return s[:i] + other[j:]


MUTATIONS: list[MutationFn] = [_insert, _delete, _replace, _lookalike, _dup_line, _join_lines, _swap_fragment, _splice]


def mutate(rng: random.Random, note: str, rounds: int | None = None) -> str:
    for _ in range(rounds if rounds is not None else rng.randrange(1, 9)):
        note = _pick(rng, MUTATIONS)(rng, note)
    return note


def mutated_note(rng: random.Random) -> str:
    return mutate(rng, _pick(rng, SEED_NOTES))


def random_note(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.55:
        return grammar_note(rng)
    if roll < 0.8:
        return mutated_note(rng)
    return special_note(rng)


def _list(rng: random.Random, pool: list, k: int = 3) -> list:
    return [_pick(rng, pool) for _ in range(rng.randrange(0, k + 1))]


def _field(rng: random.Random, good: list, bad: list, p_bad: float) -> Any:
    return _pick(rng, bad) if rng.random() < p_bad else _pick(rng, good)


GOOD_MODIFIERS, BAD_MODIFIERS = MODIFIERS[:2] + ["jz", " JW ", "25", "59", "KX", "JG", "Jz"], MODIFIERS[2:]
GOOD_ICD10, BAD_ICD10 = ICD10[:11] + ["g40.909", " G40.909 ", "U07.1", "C50.911"], ICD10[11:]
GOOD_SETTINGS, BAD_SETTINGS = SETTINGS[:20] + ["Outpatient ", "OUTPATIENT"], SETTINGS[20:]


def random_claim(rng: random.Random, p_bad: float = 0.08) -> Any:
    """A claim dict: mostly plausible, each field broken with probability ~p_bad, sometimes not a dict at all."""
    if rng.random() < 0.02:
        return _pick(rng, [None, [], "J1953", 42, {"units": 100}])
    claim: dict[str, Any] = {"code": _field(rng, CODES, JUNK_CODES, p_bad)}
    if rng.random() < p_bad / 3:
        claim["code"] = random_unicode(rng, rng.randrange(0, 8))
    if rng.random() < 0.9:
        claim["units"] = _pick(rng, UNIT_VALUES) if rng.random() < p_bad * 2 else rng.choice([rng.randrange(0, 400), rng.uniform(0, 300)])
    if rng.random() < 0.8:
        claim["modifiers"] = [_field(rng, GOOD_MODIFIERS, BAD_MODIFIERS, p_bad) for _ in range(rng.randrange(0, 3))]
        if rng.random() < p_bad / 3:
            claim["modifiers"] = [random_unicode(rng, 2)]
    if rng.random() < 0.15:
        claim["waste_units"] = _pick(rng, UNIT_VALUES) if rng.random() < 0.5 else rng.randrange(0, 200)
    if rng.random() < 0.85:
        claim["icd10"] = [_field(rng, GOOD_ICD10, BAD_ICD10, p_bad) for _ in range(rng.randrange(0, 4))]
        if rng.random() < p_bad / 3:
            claim["icd10"] = [random_unicode(rng, rng.randrange(0, 9))]
    if rng.random() < 0.7:
        claim["setting"] = _field(rng, GOOD_SETTINGS, BAD_SETTINGS, p_bad)
        if rng.random() < p_bad / 3:
            claim["setting"] = random_unicode(rng, rng.randrange(0, 10))
    if rng.random() < 0.1:
        claim["date_of_service"] = _pick(rng, DATES)
    if rng.random() < 0.1:
        claim["separately_payable"] = _pick(rng, [True, False, None, "no", 0, "yes"])
    if rng.random() < 0.03:
        claim["unexpected"] = "ignored"
    if rng.random() < 0.03:  # wrong types for list fields
        claim[_pick(rng, ["modifiers", "icd10"])] = _pick(rng, ["JZ", None, 5, [None], [1, 2], {"a": 1}])
    return claim


def random_case(rng: random.Random) -> tuple[Any, Any]:
    """A note and a claim; the note usually mentions drugs the claim's code may or may not cover."""
    return random_note(rng), random_claim(rng)


# --- the properties -------------------------------------------------------------------------


def input_error_types() -> tuple[type[BaseException], ...]:
    from pydantic import ValidationError

    from docreview.knowledge.facts import UnknownCodeError
    from docreview.review_engine import InputError

    return (InputError, UnknownCodeError, ValidationError)


def quote_violations(review: Any, note: str) -> list[str]:
    """Every evidence quote must be note[start:end], with 0 <= start <= end <= len(note)."""
    bad = []
    items = [(f"elements.{name}", el.evidence) for name, el in review.elements.items()]
    items += [(f"findings[{i}]:{f.rule_id}", f.evidence) for i, f in enumerate(review.findings)]
    for where, evidence in items:
        for ev in evidence:
            if not (0 <= ev.start <= ev.end <= len(note)) or note[ev.start : ev.end] != ev.quote:
                bad.append(f"{where} [{ev.start},{ev.end}) quote={ev.quote[:60]!r} note has {note[ev.start:ev.end][:60]!r}")
    return bad


def quote_violations_json(data: dict, note: str) -> list[str]:
    """The same check on a Review as JSON (the CLI's --format json)."""
    bad = []
    items = [(f"elements.{k}", v.get("evidence", [])) for k, v in data.get("elements", {}).items()]
    items += [(f"findings[{i}]:{f.get('rule_id')}", f.get("evidence", [])) for i, f in enumerate(data.get("findings", []))]
    for where, evidence in items:
        for ev in evidence:
            s, e, q = ev["start"], ev["end"], ev["quote"]
            if not (0 <= s <= e <= len(note)) or note[s:e] != q:
                bad.append(f"{where} [{s},{e}) quote={q[:60]!r} note has {note[s:e][:60]!r}")
    return bad


def short_repr(value: Any, limit: int = 120) -> str:
    """A short repr for reports: never a whole note."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}...{text[-limit // 3:]} (len {len(value) if hasattr(value, '__len__') else '?'})"


def claim_to_argv(claim: Any, rng: random.Random) -> list[str]:
    """`docreview check` options for a claim dict (values that cannot be argv are made printable)."""
    if not isinstance(claim, dict):
        return ["--code", "J1953"]

    def arg(value: Any) -> str:
        text = str(value).replace("\x00", "")
        return text.encode("utf-8", "replace").decode("utf-8")

    argv: list[str] = []
    if "code" in claim:
        argv.append(f"--code={arg(claim['code'])}")
    if claim.get("units") is not None:
        argv.append(f"--units={arg(claim['units'])}")
    if claim.get("waste_units") is not None:
        argv.append(f"--waste-units={arg(claim['waste_units'])}")
    mods = claim.get("modifiers")
    for m in mods if isinstance(mods, list) else [mods]:
        if m is not None:
            argv.append(f"-m{arg(m)}" if rng.random() < 0.2 else f"--modifier={arg(m)}")
    codes = claim.get("icd10")
    for c in codes if isinstance(codes, list) else [codes]:
        if c is not None:
            argv.append(f"--icd10={arg(c)}")
    if claim.get("setting") is not None:
        argv.append(f"--setting={arg(claim['setting'])}")
    if claim.get("date_of_service"):
        argv.append(f"--date={arg(claim['date_of_service'])}")
    return argv
