"""The role question on the real llama.cpp path, run by tests/test_model_roles.py in a child
process (a crash in native code fails one test with its signal). Usage: python tests/native_roles.py GGUF
"""

from __future__ import annotations

import sys
from pathlib import Path

from docreview.knowledge.facts import knowledge_base
from docreview.model.config import ModelConfig
from docreview.model.roles import ANSWER_ROLES, build_role_asker, questions
from docreview.note.extract import read_note

# The rules read the levetiracetam line as an order with no section to say more: a `planned` doubt.
NOTE = "ED note.\nLevetiracetam 500 mg BID.\nMidazolam 10 mg IM at 03:12."


def main(argv: list[str]) -> int:
    kb = knowledge_base()
    events = read_note(NOTE, kb.facts("J1953"), kb).events
    asker = build_role_asker(ModelConfig(model_path=str(Path(argv[1])), n_threads=2), cache=True)
    asked = questions(NOTE, events)
    assert [q.reason for q in asked] == ["planned"], asked
    (verdict,) = asker.review(NOTE, events)
    # A small model's verdict is poor; the plumbing is what is checked: the grammar keeps the
    # answer to the allowed roles, or the problem says why it does not stand.
    assert verdict.role in (*ANSWER_ROLES, None), verdict
    assert verdict.role is not None or verdict.problem, verdict
    assert asker.calls == 1 and all(0 < s["input_tokens"] <= 600 for s in asker.stats), asker.stats
    (again,) = asker.review(NOTE, events)
    assert again.cached and asker.calls == 1 and again.role == verdict.role  # the cache answers
    print("scenario roles: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
