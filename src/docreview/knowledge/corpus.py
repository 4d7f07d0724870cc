"""Code documents: Markdown with YAML front matter, or plain pages shaped like the seeds.

A document becomes a `CodeDocument` (front-matter facts, when present) and a list of
`Section`s, one per `## ` or `### ` heading, which is what the index embeds and reviews cite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ConfigDict, Field, ValidationError

from docreview.records import Record

_TITLE_CODE_RE = re.compile(r"\b([A-Z]\d{4})\b")
_HEADING_RE = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_BOILERPLATE = (
    re.compile(r"^\s*you cannot copy content of this page\s*$", re.IGNORECASE | re.MULTILINE),
    re.compile(r"^\s*(?:share this|related posts?|leave a (?:reply|comment)).*$", re.IGNORECASE | re.MULTILINE),
)
# Phrases that introduce the drug a plain page claims its code stands for.
_DRUG_CLAIM_RE = re.compile(
    r"(?:administration of|injection of|designate the drug|the drug|describe the administration of)"
    r"\s+(?:the\s+)?(?:drug\s+)?([a-z][a-z0-9\- ]{2,60}?(?:\s*\([^)]{2,40}\))?)"
    r"(?=[,.;]| in | by | per | a | for | delivered| dispensed| is | which)",
    re.IGNORECASE,
)


class Indication(Record):
    name: str
    icd10: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    source: str = "corpus"  # corpus | related (another code's corpus uses) | drugcentral | labeledin | icd10cm-symptom


class SimilarCode(Record):
    code: str
    descriptor: str | None = None  # the CMS long descriptor: makes the code known without a document
    why: str = ""


class FrontMatter(Record):
    """Code facts a document declares (corpus/FORMAT.md)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    descriptor: str | None = None
    title: str | None = None
    drug: str | None = None
    brands: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    product_specific: bool = False
    drug_class: str | None = None
    unit_amount: float | None = None
    unit: str | None = None
    up_to: bool = False
    routes: list[str] = Field(default_factory=list)
    accepted_routes: list[str] = Field(default_factory=list)
    containers: str | None = None
    vial_sizes: list[str] = Field(default_factory=list)
    indications: list[Indication] = Field(default_factory=list)
    similar_codes: list[SimilarCode] = Field(default_factory=list)


@dataclass(frozen=True)
class Section:
    code: str
    heading: str  # "Documentation requirements > Wastage"
    text: str
    source: str  # file name

    @property
    def chunk_id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")
        return f"{self.code}:{self.source}:{slug}"



@dataclass
class CodeDocument:
    path: Path
    code: str
    front: FrontMatter | None
    sections: list[Section] = field(default_factory=list)
    claimed_drug: str | None = None  # what the document says the code's drug is

    @property
    def source(self) -> str:
        return self.path.name

    def section(self, wanted: str) -> Section | None:
        """The section whose heading ends with `wanted` (case-insensitive)."""
        wanted = wanted.lower()
        for section in self.sections:
            if section.heading.lower().endswith(wanted):
                return section
        return None


class DocumentError(ValueError):
    """A file that cannot be read as a code document."""


def _split_front_matter(text: str) -> tuple[dict | None, str]:
    if not text.startswith("---"):
        return None, text
    end = text.find("\n---", 3)
    if end < 0:
        raise DocumentError("front matter opened with '---' but never closed")
    import yaml  # only when documents are parsed: a review reads them from the derived cache

    # libyaml's C loader when PyYAML was built with it: several times faster than pure Python.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text[3:end], Loader=loader) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DocumentError("front matter must be a mapping")
    return data, text[end + 4 :].lstrip("\n")


def _clean(text: str) -> str:
    for pattern in _BOILERPLATE:
        text = pattern.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _sections(code: str, body: str, source: str) -> list[Section]:
    headings = list(_HEADING_RE.finditer(body))
    out: list[Section] = []
    parent = ""
    for i, match in enumerate(headings):
        level, title = len(match.group(1)), match.group(2).strip()
        stop = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        content = _clean(body[match.end() : stop])
        if level == 1:
            continue  # the document title
        if level == 2:
            parent = title
            heading = title
        else:
            heading = f"{parent} > {title}" if parent else title
        if content:
            out.append(Section(code=code, heading=heading, text=content, source=source))
    return out


def _claimed_drug(sections: list[Section], body: str) -> str | None:
    definition = next((s.text for s in sections if s.heading.lower().startswith("definition")), body[:1500])
    match = _DRUG_CLAIM_RE.search(definition)
    return " ".join(match.group(1).split()).lower() if match else None


def load_document(path: Path) -> CodeDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read: {exc}") from exc
    data, body = _split_front_matter(text)
    if data is not None:
        try:
            front = FrontMatter.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise DocumentError(f"front matter field '{loc}': {first['msg']}") from exc
        code = front.code.strip().upper()
        sections = _sections(code, body, path.name)
        return CodeDocument(path, code, front, sections, claimed_drug=front.drug)
    # A plain page: the code comes from the title line (first non-empty line).
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    match = _TITLE_CODE_RE.search(first_line)
    if not match:
        raise DocumentError("no HCPCS code in the title line and no front matter")
    code = match.group(1)
    if not body.lstrip().startswith("#"):
        body = "# " + body.lstrip()  # the title line becomes the H1
    sections = _sections(code, body, path.name)
    if not sections:
        raise DocumentError("no '## ' sections found")
    return CodeDocument(path, code, None, sections, claimed_drug=_claimed_drug(sections, body))


@dataclass
class CorpusLoad:
    documents: list[CodeDocument]
    errors: list[tuple[str, str]]  # (file name, reason)


def load_corpus(directory: Path) -> CorpusLoad:
    """Every .md/.txt file below directory; unreadable ones are reported, not fatal."""
    if not directory.is_dir():
        raise DocumentError(f"corpus directory not found: {directory}")
    documents, errors = [], []
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() not in {".md", ".txt"} or not path.is_file():
            continue
        if path.name.upper() in {"README.MD", "FORMAT.MD"}:
            continue
        try:
            documents.append(load_document(path))
        except DocumentError as exc:
            errors.append((str(path.relative_to(directory)), str(exc)))
    return CorpusLoad(documents, errors)
