"""Claim settings as users write them (review-spec.md edge case 14).

`data/settings.json` maps CMS place-of-service codes and common names to the spec's five
settings; matching ignores case, spaces and punctuation ("RHC/FQHC" = "rhc fqhc"). An
ambulatory surgical center is `outpatient` with drugs packaged (separately_payable false).
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import Field

from docreview.records import Record
from docreview.resources import load_json

SETTINGS = ("office", "outpatient", "inpatient", "rhc-fqhc", "esrd-facility")


class SettingEntry(Record):
    setting: str = Field(pattern="^(office|outpatient|inpatient|rhc-fqhc|esrd-facility)$")
    names: list[str]
    pos: list[str] = Field(default_factory=list)
    packaged: bool = False


class SettingsFile(Record):
    settings: list[SettingEntry]


class ResolvedSetting(Record):
    setting: str
    packaged: bool = False


def _key(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.lower())


@cache
def _table() -> tuple[dict[str, SettingEntry], SettingsFile]:
    data = SettingsFile.model_validate(load_json("settings.json"))
    table: dict[str, SettingEntry] = {}
    for entry in data.settings:
        for word in [*entry.names, *entry.pos]:
            key = _key(word)
            if key in table and table[key] is not entry:
                raise ValueError(f"settings.json: '{word}' names two settings")
            table[key] = entry
    return table, data


def accepted_text() -> str:
    """What `setting` accepts, for error messages and --help."""
    _, data = _table()
    parts = []
    for entry in data.settings:
        label = entry.setting + (" (drugs packaged)" if entry.packaged else "")
        names = ", ".join(f'"{n}"' for n in entry.names if n != entry.setting)
        pos = ", ".join(entry.pos)
        parts.append(f"{label}: {names}" + (f"; POS {pos}" if pos else ""))
    return "; ".join(parts)


def resolve_setting(value: str) -> ResolvedSetting:
    """The spec's setting for a name or POS code; ValueError listing what is accepted."""
    table, _ = _table()
    key = _key(str(value))
    if key.startswith("pos") and key[3:].isdigit():
        key = key[3:]  # "POS 11"
    if key.isdigit() and len(key) == 1:
        key = "0" + key  # POS codes are two digits: "9" is "09"
    entry = table.get(key)
    if entry is None:
        raise ValueError(f"'{value}' is not a setting docreview knows. Accepted: {accepted_text()}")
    return ResolvedSetting(setting=entry.setting, packaged=entry.packaged)
