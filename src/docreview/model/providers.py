"""LangChain chat models for the judge: local llama.cpp, OpenAI-compatible servers, Ollama, or
any `provider:model` that `init_chat_model` accepts.

The local provider is a thin LangChain `BaseChatModel` over `llama_cpp.Llama.create_chat_completion`
(in process; the GGUF's own chat template; JSON-schema-constrained decoding through
`response_format`). langchain-community's `ChatLlamaCpp` does the same job, but its structured
output goes through function-calling chat formats and the package pulls in SQLAlchemy, aiohttp
and langchain-classic; the adapter below is the part of it this project needs.

Structured output: every provider is asked for JSON that fits the answer's pydantic schema
(`response_format` for llama.cpp and OpenAI-compatible servers, `format` for Ollama,
`with_structured_output` otherwise) and the text is parsed by LangChain's PydanticOutputParser.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from pydantic import BaseModel, ConfigDict, PrivateAttr

from docreview.model.config import LANGCHAIN, LOCAL, OLLAMA, OPENAI_COMPATIBLE, ModelConfig

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


class ProviderError(RuntimeError):
    """The configured chat model cannot be built or loaded."""


class UnreadableAnswer(OutputParserException):
    """The model answered, but not in the schema; `usage` keeps the tokens the call spent."""

    def __init__(self, message: str, usage: dict[str, int]) -> None:
        super().__init__(message)
        self.usage = usage


class LlamaCppChatModel(BaseChatModel):
    """A GGUF model run in process by llama.cpp, as a LangChain chat model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 2048
    n_threads: int | None = None
    max_tokens: int = 200
    temperature: float = 0.0
    seed: int = 0
    _llama: Any = PrivateAttr(default=None)

    def model_post_init(self, __context: Any) -> None:
        # llama.cpp's OpenMP threads spin while they wait; on a shared machine that starves them
        # (measured here: 30 tokens in 24 s spinning, 4 s passive). Set before llama_cpp loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ProviderError("the local model needs llama-cpp-python: pip install 'docreview[local]'") from exc
        if not Path(self.model_path).is_file():
            raise ProviderError(f"model file not found: {self.model_path}")
        with open(self.model_path, "rb") as handle:
            if handle.read(4) != b"GGUF":
                raise ProviderError(f"{self.model_path} is not a GGUF file")
        threads = self.n_threads or max(1, min(os.cpu_count() or 1, 8))
        try:
            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=threads, n_threads_batch=threads,
                                seed=self.seed, verbose=False)
        except Exception as exc:  # llama.cpp says little more than "failed to load"
            raise ProviderError(f"llama.cpp could not load {self.model_path}: {exc}") from exc
        # Free it before the interpreter tears llama_cpp down: Llama.__del__ at shutdown prints
        # "Exception ignored ... 'NoneType' object is not callable".
        atexit.register(self._llama.close)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature, "max_tokens": self.max_tokens}

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        out = self._llama.create_chat_completion(
            messages=payload,
            temperature=kwargs.get("temperature", self.temperature),
            max_tokens=kwargs.get("max_tokens", self.max_tokens),
            response_format=kwargs.get("response_format"),
            stop=stop,
            seed=self.seed,
        )
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
            response_metadata={"finish_reason": choice.get("finish_reason")},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


@dataclass
class ChatBackend:
    """A chat model, how to ask it for JSON, and the id responses are cached under."""

    model: BaseChatModel
    kind: str  # local | openai-compatible | ollama | langchain | text (fakes: parse the text as is)
    model_id: str

    def bound(self, schema: type[BaseModel]) -> Runnable:
        """The chat model, told to answer JSON that fits `schema` where the provider can be told."""
        json_schema = schema.model_json_schema()
        if self.kind == LOCAL:
            return self.model.bind(response_format={"type": "json_object", "schema": json_schema})
        if self.kind == OPENAI_COMPATIBLE:
            return self.model.bind(response_format={"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": json_schema}})
        if self.kind == OLLAMA:
            return self.model.bind(format=json_schema)
        return self.model

    def answer(self, messages: list[BaseMessage], schema: type[BaseModel]) -> tuple[BaseModel, str, dict[str, int]]:
        """(the parsed answer, the raw text, token usage); OutputParserException when unreadable."""
        if self.kind == LANGCHAIN:
            try:
                out = self.model.with_structured_output(schema, include_raw=True).invoke(messages)
            except NotImplementedError:
                out = None
            if out is not None:
                raw = out.get("raw")
                if out.get("parsed") is None:
                    raise UnreadableAnswer(f"unreadable structured output: {type(out.get('parsing_error')).__name__}", _usage(raw))
                return _as_model(schema)(out["parsed"]), getattr(raw, "text", ""), _usage(raw)
        message = self.bound(schema).invoke(messages)
        try:
            parsed = PydanticOutputParser(pydantic_object=schema).invoke(message)
        except OutputParserException as exc:
            raise UnreadableAnswer(str(exc), _usage(message)) from exc
        return parsed, message.text, _usage(message)


def _usage(message: Any) -> dict[str, int]:
    meta = getattr(message, "usage_metadata", None) or {}
    return {"input_tokens": int(meta.get("input_tokens", 0)), "output_tokens": int(meta.get("output_tokens", 0))}


def _as_model(schema: type[BaseModel]) -> Callable[[Any], BaseModel]:
    def convert(value: Any) -> BaseModel:
        return value if isinstance(value, schema) else schema.model_validate(value)

    return convert


def build_backend(config: ModelConfig) -> ChatBackend:
    """The chat model for `config`; ProviderError when it cannot be built or loaded."""
    if config.provider == LOCAL:
        return _local(config)
    if config.provider == OPENAI_COMPATIBLE:
        if not config.base_url:
            raise ProviderError("openai-compatible needs a base URL: --base-url or DOCREVIEW_BASE_URL (e.g. http://localhost:8000/v1)")
        name = config.served_name()
        if not name:
            raise ProviderError("openai-compatible needs a model name: --model openai-compatible:NAME or DOCREVIEW_MODEL_NAME")
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ProviderError("openai-compatible needs langchain-openai: pip install 'docreview[remote]'") from exc
        key = os.environ.get("OPENAI_API_KEY") or "not-needed"  # local servers (vLLM, llama.cpp) ignore it
        model = ChatOpenAI(model=name, base_url=config.base_url, api_key=key, temperature=0, max_retries=1)
        return ChatBackend(model, OPENAI_COMPATIBLE, f"openai-compatible:{config.base_url}:{name}")
    if config.provider == OLLAMA:
        name = config.served_name()
        if not name:
            raise ProviderError("ollama needs a model name: --model ollama:NAME or DOCREVIEW_MODEL_NAME")
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise ProviderError("ollama needs langchain-ollama: pip install 'docreview[remote]'") from exc
        kwargs = {"base_url": config.base_url} if config.base_url else {}
        return ChatBackend(ChatOllama(model=name, temperature=0, **kwargs), OLLAMA, f"ollama:{config.base_url or ''}:{name}")
    if config.provider == LANGCHAIN:
        try:
            from langchain.chat_models import init_chat_model
        except ImportError as exc:
            raise ProviderError(f"'{config.model}' needs LangChain's init_chat_model: pip install 'docreview[remote]'") from exc
        kwargs = {"base_url": config.base_url} if config.base_url else {}
        try:
            model = init_chat_model(config.model, temperature=0, **kwargs)
        except Exception as exc:  # unknown provider, missing integration package or key
            raise ProviderError(f"cannot build '{config.model}': {exc}") from exc
        return ChatBackend(model, LANGCHAIN, f"langchain:{config.model}")
    raise ProviderError(f"unknown provider {config.provider}")


def _local(config: ModelConfig) -> ChatBackend:
    from importlib.util import find_spec

    from docreview.model import weights

    if find_spec("llama_cpp") is None:
        raise ProviderError("the local model needs llama-cpp-python: pip install 'docreview[local]' (it builds llama.cpp from source)")
    if config.model_path:
        path = Path(config.model_path).expanduser()
        model_id = f"local:{path.name}:{path.stat().st_size if path.exists() else 0}"
    else:
        try:
            path = weights.ensure_bundled_model()
        except weights.WeightsError as exc:
            raise ProviderError(str(exc)) from exc
        model_id = f"local:{weights.MODEL_FILE}:{weights.MODEL_SHA256[:16]}"
    model = LlamaCppChatModel(model_path=str(path), n_threads=config.n_threads)
    return ChatBackend(model, LOCAL, model_id)
