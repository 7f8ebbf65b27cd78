"""The main job on the shipped data: the default report set, its HTML, and byte-identical results."""

from __future__ import annotations

import filecmp

import pytest

from nq57lib import data_package
from nq57lib.report_html import external_references

pytestmark = pytest.mark.slow


def test_default_report_set_is_complete(report_run):
    reports_dir, manifest = report_run
    pairs = {(j["notebook"], j["geo"]) for j in manifest["jobs"] if j["status"] == "ok"}
    assert pairs == {(n, g) for n in ("digital_economy", "budget_floor", "scorecard")
                     for g in ("vinh-phuc", "phu-tho-2025", "vn")}
    index = (reports_dir / "index.html").read_text(encoding="utf-8")
    assert index.count("report.html") >= 9


def test_html_reports_hide_code_and_carry_provenance(report_run):
    reports_dir, manifest = report_run
    checksum = data_package.load_package(use_env=False).checksum
    for job in manifest["jobs"]:
        page = (reports_dir / job["report_html"]).read_text(encoding="utf-8")
        assert checksum in page, job["report_html"]
        assert "validate_parameters" not in page and "import " not in page  # no code cells
        assert "Traceback" not in page
        assert "Report notebook of" not in page  # the researchers' intro cell is tagged remove_cell
        assert external_references(page) == []
        assert page.count("data:image/png;base64,") >= 1


def test_same_parameters_and_seed_give_identical_results(report_run, warm_and_fresh_runs):
    reports_dir, manifest = report_run
    _, other_run = warm_and_fresh_runs  # another `nq57 run` of these notebooks, parameters and seeds (fresh kernels)
    for notebook in ("digital_economy", "budget_floor"):
        first = next(reports_dir / j["results_dir"] for j in manifest["jobs"]
                     if j["notebook"] == notebook and j["geo"] == "vinh-phuc")
        second = other_run / notebook / "vinh-phuc" / "results"
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir()) and "results.json" in names
        match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
        assert mismatch == [] and errors == [], (notebook, mismatch, errors)
