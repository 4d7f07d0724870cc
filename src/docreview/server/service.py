"""What the routes share: the reviewer (loaded once), the code list, the audit log, the versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from docreview.audit.store import AuditLog, entry_for, note_sha256
from docreview.audit.versions import Versions, versions
from docreview.schema import Claim, Review
from docreview.server.settings import ServerSettings


@dataclass
class Service:
    settings: ServerSettings
    audit: AuditLog | None = field(default=None)

    def __post_init__(self) -> None:
        from docreview.review_engine import default_reviewer

        self.reviewer = default_reviewer(corpus=self.settings.corpus, hcpcs=self.settings.hcpcs, mode=self.settings.mode)
        self.kb = self.reviewer.kb
        if self.settings.audit and self.audit is None:
            self.audit = AuditLog()
        self.versions: Versions = versions(self.settings.mode, self.settings.corpus, self.settings.hcpcs)

    @cached_property
    def code_list(self) -> list[dict[str, str]]:
        out = []
        for code in self.kb.codes:
            facts = self.kb.facts(code)
            out.append({"code": code, "descriptor": facts.descriptor, "drug": facts.drug})
        return out

    def search_codes(self, q: str, limit: int) -> list[dict[str, str]]:
        query = q.strip().lower()
        if not query:
            return self.code_list[:limit]
        starts = [c for c in self.code_list if c["code"].lower().startswith(query)]
        rest = [c for c in self.code_list if c not in starts and (query in c["descriptor"].lower() or query in c["drug"].lower())]
        return [*starts, *rest][:limit]

    def code_detail(self, code: str) -> dict[str, Any]:
        f = self.kb.facts(code)  # UnknownCodeError
        doc = getattr(f, "document", None)
        return {
            "code": f.code, "descriptor": f.descriptor, "drug": f.drug, "brands": list(getattr(f, "brands", []) or []),
            "unit_amount": f.unit_amount, "unit": f.unit, "up_to": bool(f.up_to), "routes": sorted(getattr(f, "allowed_routes", []) or []),
            "containers": getattr(f, "containers", None),
            "indications": [{"name": i.name, "icd10": list(i.icd10)} for i in getattr(f, "indications", []) or []],
            "similar_codes": list(getattr(f, "similar_codes", []) or []),
            "source": doc.source if doc else "CMS HCPCS", "sections": [s.heading for s in doc.sections] if doc else [],
        }

    def review(self, note: str, claim: Claim, user: str, source: str) -> tuple[Review, str | None, str]:
        review = self.reviewer.review(note, claim)
        digest = note_sha256(note)
        review_id = None
        if self.audit is not None:
            review_id = self.audit.record_entry(entry_for(review, note, self.settings.store_notes), user=user, source=source,
                                                versions=self.versions)
        return review, review_id, digest
