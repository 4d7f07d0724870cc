"""Check each document's code facts against the CMS descriptor of its code.

A document that names another drug than CMS does (the seed pages' J1320, J2253, J1250,
J1411) is a conflict: a checker that trusted it would pass the wrong drug.
"""

from __future__ import annotations

from docreview.knowledge.corpus import CodeDocument
from docreview.knowledge.facts import moiety, normalize_name
from docreview.knowledge.hcpcs import parse_descriptor
from docreview.records import Record


class Conflict(Record):
    code: str
    document: str
    document_drug: str
    cms_descriptor: str
    problem: str


def _mentions(text: str, names: list[str]) -> bool:
    haystack = f" {normalize_name(text)} "
    return any(f" {normalize_name(n)} " in haystack for n in names if normalize_name(n))


def validate_document(doc: CodeDocument, cms: dict[str, str]) -> list[Conflict]:
    """Conflicts between one document and the CMS file (empty when they agree)."""
    descriptor = cms.get(doc.code)
    claimed = doc.claimed_drug or "(no drug stated)"
    if descriptor is None:
        return [Conflict(code=doc.code, document=doc.source, document_drug=claimed, cms_descriptor="",
                         problem=f"{doc.code} is not in the CMS HCPCS file")]
    parsed = parse_descriptor(doc.code, descriptor)
    cms_names = [parsed.drug, moiety(parsed.drug), *parsed.brands]
    out = []
    if doc.front is not None:
        if doc.front.descriptor is not None and " ".join(doc.front.descriptor.split()) != descriptor:
            out.append(Conflict(code=doc.code, document=doc.source, document_drug=claimed, cms_descriptor=descriptor,
                                problem=f"front-matter descriptor differs from CMS: '{doc.front.descriptor}'"))
        if doc.front.drug and not (_mentions(doc.front.drug, cms_names) or _mentions(descriptor, [doc.front.drug])):
            out.append(Conflict(code=doc.code, document=doc.source, document_drug=doc.front.drug,
                                cms_descriptor=descriptor, problem="the document's drug is not the CMS descriptor's drug"))
        for similar in doc.front.similar_codes:
            theirs = cms.get(similar.code.strip().upper())
            if similar.descriptor is not None and " ".join(similar.descriptor.split()) != theirs:
                out.append(Conflict(code=doc.code, document=doc.source, document_drug=claimed, cms_descriptor=theirs or "",
                                    problem=f"similar code {similar.code}: descriptor differs from CMS: '{similar.descriptor}'"))
        return out
    # A plain page: its definition must name the CMS drug (or brand).
    definition = doc.section("definition")
    text = definition.text if definition else " ".join(s.text for s in doc.sections[:1])
    if not _mentions(text, cms_names):
        out.append(Conflict(code=doc.code, document=doc.source, document_drug=claimed, cms_descriptor=descriptor,
                            problem="the page's definition names another drug than the CMS descriptor"))
    return out
