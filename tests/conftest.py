"""Shared fixtures. Tests that read ../shared skip with a reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CMS_2025 = SHARED / "data" / "hcpcs" / "hcpcs_2025_oct_drugs.csv"
CMS_2020 = SHARED / "data" / "hcpcs" / "HCPC2020_ANWEB_w_disclaimer.txt"
SEEDS = SHARED / "seeds"
MTSAMPLES = SHARED / "data" / "mtsamples" / "mtsamples.csv"
MUE = SHARED / "data" / "cms" / "mue_2024q2_jcodes.csv"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is only beside the maintainers' checkout)")
    return path


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Never touch the user's real data directory.
    os.environ["DOCREVIEW_HOME"] = str(tmp_path_factory.mktemp("docreview-home"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.pop("DOCREVIEW_HCPCS", None)
