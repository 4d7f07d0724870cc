"""docreview eval on a mention-role set: scoring, and the CLI in a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

from docreview.evaluate_mentions import is_mention_file, load_mentions, score_mentions

NOTE = "Kenalog 40 mg injected into the R knee joint, drawn from a Kenalog-40 vial. Home meds: Keppra 500 mg BID."


def _write(tmp_path: Path) -> Path:
    k1, k2, kep = NOTE.index("Kenalog"), NOTE.index("Kenalog", 10), NOTE.index("Keppra")
    gold = {"id": "t-1", "note": NOTE, "split": "test", "mentions": [
        {"start": k1, "end": k1 + 7, "drug": "triamcinolone", "role": "administered", "amount": "40 mg", "route": "intra-articular"},
        {"start": k2, "end": k2 + 7, "drug": "triamcinolone", "role": "container", "amount": None, "route": None},
        {"start": kep, "end": kep + 6, "drug": "levetiracetam", "role": "historical", "amount": None, "route": None},
    ]}
    path = tmp_path / "mentions.jsonl"
    path.write_text(json.dumps(gold) + "\n" + "not json\n", encoding="utf-8")
    return path


def test_scores_roles_and_attachments(tmp_path):
    path = _write(tmp_path)
    assert is_mention_file(path)
    items, problems = load_mentions(path, None, None)
    assert len(items) == 1 and problems and "line 2" in problems[0]
    report = score_mentions(items)
    assert report["mentions"] == 3 and report["found"] == 1.0
    assert report["roles"]["container"]["recall"] == 1.0
    assert report["roles"]["historical"]["recall"] == 1.0
    assert report["amount_attachment"] == {"accuracy": 1.0, "support": 1}
    assert report["route_attachment"]["support"] == 1


def test_cli_writes_the_roles_json(tmp_path):
    path = _write(tmp_path)
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "docreview.cli", "eval", str(path), "--json", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert set(report["roles"]) >= {"administered", "container", "historical"}
    assert {"precision", "recall", "f1", "support"} <= set(report["roles"]["administered"])
