"""Which model the judge uses: an explicit `ModelConfig`, local unless configured otherwise.

The CLI builds one from its options (`--model`, `--base-url`, `--log-prompts`, `--no-model-cache`)
over the environment's defaults below (`ModelConfig.resolve`) and passes it down: to the
reviewer, to eval, to every batch worker. Nothing writes the environment.

| setting | environment | meaning |
|---|---|---|
| provider | DOCREVIEW_MODEL | `local` (default), `openai-compatible[:NAME]`, `ollama[:NAME]`, or any `provider:model` that LangChain's `init_chat_model` accepts |
| model file | DOCREVIEW_MODEL_PATH | a GGUF for `local` (default: the bundled Qwen2.5-Coder-1.5B, verified by sha256) |
| server | DOCREVIEW_BASE_URL | base URL for `openai-compatible` (required) and `ollama` |
| model name | DOCREVIEW_MODEL_NAME | the served model's name when DOCREVIEW_MODEL has none |
| prompt log | DOCREVIEW_LOG_PROMPTS=1 | log prompts and answers (they contain the note: PHI) |
| cache | DOCREVIEW_MODEL_CACHE=0 | do not read or write the response cache |

Notes are PHI: a remote provider is used only when one is named explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

LOCAL, OPENAI_COMPATIBLE, OLLAMA, LANGCHAIN = "local", "openai-compatible", "ollama", "langchain"
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ModelConfig:
    provider: str = LOCAL  # local | openai-compatible | ollama | langchain
    model: str | None = None  # served model name, or the `provider:model` string for langchain
    model_path: str | None = None
    base_url: str | None = None
    log_prompts: bool = False
    cache: bool = True
    n_threads: int | None = None

    @classmethod
    def parse(cls, spec: str | None, **kwargs) -> ModelConfig:
        """`local`, `openai-compatible[:NAME]`, `ollama[:NAME]` or `provider:model`."""
        spec = (spec or LOCAL).strip()
        head, _, tail = spec.partition(":")
        head_l = head.lower()
        if head_l in (LOCAL, "llama.cpp", "llamacpp"):
            return cls(provider=LOCAL, model=tail or None, **kwargs)
        if head_l in (OPENAI_COMPATIBLE, "openai_compatible"):
            return cls(provider=OPENAI_COMPATIBLE, model=tail or None, **kwargs)
        if head_l == OLLAMA:
            return cls(provider=OLLAMA, model=tail or None, **kwargs)
        if tail:
            return cls(provider=LANGCHAIN, model=spec, **kwargs)
        raise ValueError(
            f"unknown model '{spec}': use local, openai-compatible[:NAME], ollama[:NAME] or a LangChain 'provider:model' string"
        )

    @classmethod
    def from_env(cls) -> ModelConfig:
        """The defaults the environment sets (table above)."""
        return cls.resolve()

    @classmethod
    def resolve(
        cls,
        model: str | None = None,
        base_url: str | None = None,
        log_prompts: bool | None = None,
        cache: bool | None = None,
    ) -> ModelConfig:
        """Options given on the command line win over the environment's defaults."""
        env = os.environ
        threads = env.get("DOCREVIEW_MODEL_THREADS")
        config = cls.parse(
            model or env.get("DOCREVIEW_MODEL"),
            model_path=env.get("DOCREVIEW_MODEL_PATH") or None,
            base_url=base_url or env.get("DOCREVIEW_BASE_URL") or None,
            log_prompts=log_prompts if log_prompts is not None else env.get("DOCREVIEW_LOG_PROMPTS", "").lower() in _TRUE,
            cache=cache if cache is not None else env.get("DOCREVIEW_MODEL_CACHE", "1").lower() in _TRUE,
            n_threads=int(threads) if threads and threads.isdigit() else None,
        )
        if config.model is None and config.provider in (OPENAI_COMPATIBLE, OLLAMA) and env.get("DOCREVIEW_MODEL_NAME"):
            config = replace(config, model=env["DOCREVIEW_MODEL_NAME"])
        return config

    def served_name(self) -> str | None:
        return self.model or None

    def describe(self) -> dict[str, str | None]:
        """What a report may say about the model (no keys, no prompts)."""
        return {"provider": self.provider, "model": self.model, "base_url": self.base_url}

    @property
    def remote(self) -> bool:
        return self.provider != LOCAL
