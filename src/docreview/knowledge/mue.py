"""CMS NCCI Medically Unlikely Edits: per-code daily unit caps (loaded, never hard-coded)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


class MueFileError(ValueError):
    pass


@dataclass
class MueTable:
    limits: dict[str, int]
    service_type: str

    @classmethod
    def load(cls, path: Path, service_type: str = "Practitioner") -> MueTable:
        """A CSV with hcpcs and mue_uos columns (CMS's 'HCPCS/CPT Code' and 'MUE Values' work too)."""
        if not path.is_file():
            raise MueFileError(f"MUE file not found: {path}")
        limits: dict[str, int] = {}
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            cols = {c.lower().strip(): c for c in reader.fieldnames or []}
            code_col = cols.get("hcpcs") or cols.get("hcpcs/cpt code")
            value_col = cols.get("mue_uos") or cols.get("mue values")
            type_col = cols.get("mue_service_type")
            if not code_col or not value_col:
                raise MueFileError(f"{path}: needs 'hcpcs' and 'mue_uos' columns")
            for row in reader:
                if type_col and row[type_col].strip() != service_type:
                    continue
                try:
                    limits[row[code_col].strip().upper()] = int(float(row[value_col]))
                except ValueError:
                    continue
        return cls(limits, service_type)

    def limit(self, code: str) -> int | None:
        return self.limits.get(code.upper())
