"""The bundled corpus: every document valid, CMS-correct and in the project's own words."""

import csv
import re

import pytest

from docreview.knowledge.corpus import load_corpus
from docreview.knowledge.facts import KnowledgeBase
from docreview.knowledge.validate import validate_document
from docreview.resources import bundled_corpus
from tests.conftest import CMS_2025, SEEDS, need

REQUIRED = {"J1953", "J1320", "J2253", "J1250", "J1411", "J2920", "J2930", "J1459", "J1020", "J1030", "J1040", "J1094",
            "J1100", "J1200", "J2270", "J2778", "J1556", "J2501", "J0636", "J1738"}
SECTIONS = ["Definition", "Clinical use and indications", "Documentation requirements", "Common denial reasons",
            "Payer notes", "Similar codes and traps"]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(bundled_corpus())


def test_corpus_has_required_codes_and_a_general_document(corpus):
    codes = {d.code for d in corpus.documents}
    assert not corpus.errors
    assert codes >= REQUIRED
    assert len(codes - {"GENERAL"}) >= 30
    assert "GENERAL" in codes


def test_every_document_has_the_sections_in_order(corpus):
    for doc in corpus.documents:
        tops = list(dict.fromkeys(s.heading.split(" > ")[0] for s in doc.sections))
        assert tops == SECTIONS, doc.source
        subs = [s.heading.split(" > ")[1] for s in doc.sections if s.heading.startswith("Documentation requirements > ")]
        assert subs == ["Dosage and units", "Route", "Indication", "Wastage"], doc.source


def test_descriptors_equal_cms_2025():
    rows = {r["hcpcs"]: r["long_description"] for r in csv.DictReader(need(CMS_2025).open())}
    for doc in load_corpus(bundled_corpus()).documents:
        if doc.code == "GENERAL":
            continue
        assert doc.front.descriptor == rows[doc.code], doc.source
        assert validate_document(doc, rows) == [], doc.source


def test_facts_from_front_matter_agree_with_descriptor():
    kb = KnowledgeBase()
    for code in kb.documents:
        facts = kb.facts(code)
        front = facts.document.front
        assert front.unit_amount == facts.unit_amount, code
        assert front.up_to == facts.up_to, code


def test_corpus_is_written_in_own_words():
    def grams(text: str, n: int = 10) -> set[str]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}

    seed = set().union(*(grams(p.read_text(errors="ignore")) for p in need(SEEDS).glob("*.txt")))
    for path in bundled_corpus().rglob("*.md"):
        assert not grams(path.read_text()) & seed, path.name


def test_similar_codes_are_known_from_their_descriptors():
    """A look-alike code named with its CMS descriptor is known without a document of its own."""
    kb = KnowledgeBase()
    assert "J1569" not in kb.documents and "J1569" in kb.codes
    gammagard = kb.facts("J1569")
    assert (gammagard.unit_amount, gammagard.unit, gammagard.brands) == (500.0, "mg", ["gammagard liquid"])
    # Several immune globulin codes: the brand names the product, the class name does not.
    assert gammagard.product_specific and gammagard.names() == ["gammagard liquid"]
    # A manufacturer-only code of a drug other codes share is not named by the generic drug.
    assert kb.facts("J0134").names() == [] and "acetaminophen" in kb.facts("J0131").names()
