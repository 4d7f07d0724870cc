"""The eval harness and the regression gate."""

import json
from pathlib import Path

import pytest

from docreview.evaluate import element_metrics, load_cases, run_eval
from tests.conftest import MTSAMPLES, ROOT, need

CASES = ROOT / "eval" / "cases.jsonl"
BASELINE = ROOT / "eval" / "baseline.json"


def test_metrics_on_a_toy_confusion():
    m = element_metrics([("documented", "documented"), ("missing", "documented"), ("missing", "missing"), ("inconsistent", "missing")])
    assert m["accuracy"] == 0.5
    assert m["by_status"]["missing"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["deficiency"]["recall"] == round(2 / 3, 4)


def test_malformed_lines_are_reported_and_skipped(tmp_path: Path):
    good = CASES.read_text().splitlines()[0]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join([good, "{not json", '{"id": "x", "claim": {"code": "J1953"}}', good]) + "\n")
    loaded = load_cases(path)
    assert len(loaded.cases) == 1
    assert [p.split(":")[0] for p in loaded.problems] == ["line 2", "line 3", "line 4"]


def test_eval_set_shape():
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    assert len(cases) >= 200
    assert {c["split"] for c in cases} == {"dev", "test"}


@pytest.mark.parametrize("split", ["test"])
def test_regression_gate(split):
    baseline = json.loads(BASELINE.read_text())[split]
    report = run_eval(load_cases(CASES, split=split).cases, retrieval=False)
    for element, acc in baseline.items():
        got = report["verdict"]["accuracy"] if element == "verdict" else report["elements"][element]["accuracy"]
        assert got >= acc - 0.01, f"{element} accuracy fell from {acc} to {got}"


def test_mtsamples_cases_resolve():
    loaded = load_cases(ROOT / "eval" / "mtsamples.jsonl", mtsamples=need(MTSAMPLES))
    assert len(loaded.cases) >= 40 and not loaded.problems
    report = run_eval(loaded.cases, retrieval=False)
    assert not report["failed_cases"]


def test_sample_is_the_same_subset_whatever_the_order():
    from docreview.evaluate import load_cases, sample_cases

    cases = load_cases(Path(__file__).parents[1] / "eval" / "cases.jsonl").cases
    first = [c.id for c, _ in sample_cases(cases, 10)]
    again = [c.id for c, _ in sample_cases(list(reversed(cases)), 10)]
    assert len(first) == 10
    assert sorted(first) == sorted(again)
    assert set(first) < {c.id for c, _ in cases}


@pytest.mark.parametrize("name", ["firstseen.jsonl", "firstseen_b.jsonl", "firstseen_c.jsonl", "firstseen_d.jsonl", "firstseen_e.jsonl",
                                  "firstseen_f.jsonl", "firstseen_g.jsonl", "firstseen_h.jsonl", "firstseen_i.jsonl",
                                  "firstseen_j.jsonl", "firstseen_k.jsonl", "firstseen_l.jsonl", "firstseen_m.jsonl",
                                  "firstseen_n.jsonl", "firstseen_o.jsonl", "firstseen_p.jsonl", "firstseen_q.jsonl",
                                  "firstseen_r.jsonl", "firstseen_s.jsonl", "firstseen_t.jsonl", "firstseen_u.jsonl",
                                  "firstseen_v.jsonl", "firstseen_w.jsonl", "firstseen_x.jsonl", "firstseen_y.jsonl",
                                  "firstseen_z.jsonl", "firstseen_aa.jsonl", "firstseen_ab.jsonl", "firstseen_ac.jsonl",
                                  "firstseen_ad.jsonl", "firstseen_ae.jsonl", "firstseen_af.jsonl", "firstseen_ag.jsonl",
                                  "firstseen_ah.jsonl", "firstseen_ai.jsonl", "firstseen_aj.jsonl", "firstseen_ak.jsonl",
                                  "firstseen_al.jsonl", "firstseen_am.jsonl", "firstseen_an.jsonl", "firstseen_ao.jsonl",
                                  "firstseen_ap.jsonl", "firstseen_aq.jsonl", "firstseen_ar.jsonl", "firstseen_as.jsonl",
                                  "firstseen_at.jsonl", "firstseen_au.jsonl", "firstseen_av.jsonl", "firstseen_aw.jsonl",
                                  "firstseen_ax.jsonl", "firstseen_ay.jsonl", "firstseen_az.jsonl", "firstseen_ba.jsonl",
                                  "firstseen_bb.jsonl", "firstseen_bc.jsonl",
                                  "firstseen_bd.jsonl", "firstseen_be.jsonl", "firstseen_bf.jsonl", "firstseen_bg.jsonl",
                                  "firstseen_bh.jsonl", "firstseen_bi.jsonl",
                                  "firstseen_bj.jsonl", "firstseen_bk.jsonl", "firstseen_bl.jsonl", "firstseen_bm.jsonl",
                                  "firstseen_bn.jsonl", "firstseen_bo.jsonl", "firstseen_bp.jsonl", "firstseen_bq.jsonl",
                                  "firstseen_br.jsonl", "firstseen_bs.jsonl", "firstseen_bt.jsonl", "firstseen_bu.jsonl",
                                  "firstseen_bv.jsonl", "firstseen_bw.jsonl", "firstseen_bx.jsonl", "firstseen_by.jsonl", "firstseen_bz.jsonl", "firstseen_ca.jsonl",
                                  "firstseen_cb.jsonl", "firstseen_cc.jsonl", "firstseen_cd.jsonl", "firstseen_ce.jsonl",
                                  "firstseen_cf.jsonl", "firstseen_cg.jsonl", "firstseen_ch.jsonl", "firstseen_ci.jsonl",
                                  "firstseen_cj.jsonl", "firstseen_ck.jsonl", "firstseen_cl.jsonl", "firstseen_cm.jsonl"])
def test_first_seen_sets_load_whole_and_hold_no_transcription_text(name):
    path = ROOT / "eval" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(("note" in r) != ("source" in r) for r in rows), "a case is either a note or a MTSamples row"
    assert {r["split"] for r in rows} == {"dev", "test"}
    loaded = load_cases(path, mtsamples=need(MTSAMPLES))
    assert len(loaded.cases) == len(rows) and not loaded.problems
