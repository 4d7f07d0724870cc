"""Prompt files (prompts/judge/*.md): loaded, versioned, filled with string.Template."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

import yaml

from docreview.resources import bundled_prompts

PROMPT_SET = "judge"
ELEMENT_PROMPTS = ("dosage", "route", "indication", "wastage")


class PromptError(RuntimeError):
    pass


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: Template

    def render(self, values: dict[str, str]) -> str:
        try:
            return self.template.substitute(values).strip()
        except (KeyError, ValueError) as exc:
            raise PromptError(f"prompt {self.name} needs a value for {exc}") from exc


@dataclass(frozen=True)
class PromptSet:
    system: Prompt
    context: Prompt  # the code facts and the note excerpt, shared by the questions
    questions: dict[str, Prompt]
    version: str  # declared versions + a hash of the files: changes whenever a prompt does


def _load(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise PromptError(f"{path} has no front matter with a version")
    end = text.find("\n---", 3)
    if end < 0:
        raise PromptError(f"{path}: front matter is not closed")
    front = yaml.safe_load(text[3:end]) or {}
    if "version" not in front:
        raise PromptError(f"{path}: front matter has no version")
    return str(front["version"]), text[end + 4 :].lstrip("\n")


@lru_cache(maxsize=4)
def load_prompts(folder: str | None = None) -> PromptSet:
    root = Path(folder) if folder else bundled_prompts() / PROMPT_SET
    digest = hashlib.sha256()
    loaded: dict[str, Prompt] = {}
    for name in ("system", "context", *ELEMENT_PROMPTS):
        path = root / f"{name}.md"
        if not path.is_file():
            raise PromptError(f"prompt file missing: {path}")
        version, body = _load(path)
        digest.update(name.encode() + b"\0" + path.read_bytes())
        loaded[name] = Prompt(name, version, Template(body))
    declared = ",".join(f"{n}{p.version}" for n, p in loaded.items())
    return PromptSet(
        system=loaded["system"],
        context=loaded["context"],
        questions={n: loaded[n] for n in ELEMENT_PROMPTS},
        version=f"{PROMPT_SET}/{declared}/{digest.hexdigest()[:12]}",
    )
