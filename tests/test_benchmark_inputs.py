"""The benchmarks' synthetic inputs are valid data: a benchmark that cannot start measures nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from nq57lib import data_package

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic_panel import synthetic_package  # noqa: E402


def test_the_synthetic_panel_is_a_valid_package_three_times_as_wide(tmp_path):
    summary = synthetic_package(tmp_path / "data")
    pkg = data_package.load_package(tmp_path / "data")  # the shipped package's checks: schema, sources, Vietnamese texts
    provinces = pkg.geography[pkg.geography["level"] == "province"]
    assert summary["provinces_after"] == 3 * summary["provinces"] == len(provinces)
    assert len(pkg.observations) == summary["observations_after"]
