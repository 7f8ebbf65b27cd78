"""The index says what each report is (issue 13 item 5), and ``nq57 prune`` removes old runs safely."""

from __future__ import annotations

import json
from pathlib import Path

from nq57lib import cli, run_record


def _run(reports: Path, run_id: str, jobs: list[tuple[str, str, dict]], *, overrides=None, extra_files=(),
         finished: bool = True, scalars=None) -> None:
    run_dir = reports / "runs" / run_id
    records = []
    for notebook, geo, parameters in jobs:
        base = f"runs/{run_id}/{notebook}/{geo}"
        (run_dir / notebook / geo / "results").mkdir(parents=True)
        (run_dir / notebook / geo / "report.html").write_text("<html></html>", encoding="utf-8")
        (run_dir / notebook / geo / "results" / "results.json").write_text(
            json.dumps({"scalars": scalars or {}}), encoding="utf-8")
        records.append({"notebook": notebook, "geo": geo, "status": "ok", "parameters": parameters,
                        "report_html": f"{base}/report.html", "results_dir": f"{base}/results",
                        "executed_notebook": f"{base}/notebook.ipynb", "finished_utc": run_id})
    if finished:
        run_record.write_manifest(run_dir, {"schema": run_record.MANIFEST_SCHEMA, "run_id": run_id, "jobs": records, "duration_s": 1.0,
                                        "overrides": overrides or {},
                                        "data": {"version": "t", "extra_files": list(extra_files)}})


def test_what_if_runs_never_replace_the_latest_default_report(tmp_path):
    reports = tmp_path / "reports"
    _run(reports, "20260101T000000Z-a", [("budget_floor", "vn", {"geo": "vn", "lang": "en"})],
         scalars={"floor_pct": 3.0, "required_at_ramp_bn_vnd": 123456.7, "ramp_year": 2030})
    _run(reports, "20260102T000000Z-b", [("budget_floor", "vn", {"geo": "vn", "lang": "en", "floor_pct": 2.0})],
         overrides={"floor_pct": 2.0})
    _run(reports, "20260103T000000Z-c", [("budget_floor", "vn", {"geo": "vn", "lang": "vi"})])
    _run(reports, "20260104T000000Z-d", [("budget_floor", "vn", {"geo": "vn", "lang": "en"})],
         extra_files=["my_obs.csv"])
    run_record.update_index(reports, "now")
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    # a lang=vi run with default parameters is the default report in Vietnamese, not a what-if
    assert [(r["run_id"], r["lang"], r["what_if"]) for r in latest] == [
        ("20260101T000000Z-a", "en", False), ("20260103T000000Z-c", "vi", False)]
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert '<section class="geo" id="geo-vn"><h2>Vietnam <small class="muted">(--geo vn)</small></h2>' in page
    assert "S&amp;T floor 3.0 % of budget" in page and "floor spending 2030 123,457 bn VND" in page
    what_if = page[page.index("What-if runs"):page.index("<h2>Runs</h2>")]
    assert what_if.count('class="whatif"') == 2
    assert "<code>floor_pct=2.0</code>" in what_if and "lang=" not in what_if
    assert "user data files: <code>my_obs.csv</code>" in what_if
    assert "20260101T000000Z-a" not in what_if and "20260103T000000Z-c" not in what_if
    vi = (reports / "index.vi.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi and "Báo cáo nq57" in vi and '<a href="index.html">English</a>' in vi
    assert vi.index("20260103T000000Z-c") < vi.index("20260101T000000Z-a")  # its own language first


def test_a_what_if_is_latest_only_where_no_default_report_exists(tmp_path):
    reports = tmp_path / "reports"
    _run(reports, "20260101T000000Z-a", [("digital_economy", "vn", {"geo": "vn", "seed": 1})])
    latest = run_record.latest_reports(run_record.read_manifests(reports)[0])
    assert [(r["run_id"], r["what_if"], r["differing_parameters"]) for r in latest] == [
        ("20260101T000000Z-a", True, {"seed": 1})]
    page = run_record.render_index(run_record.read_manifests(reports)[0], [], latest, "now", reports)
    assert '<span class="whatif">what-if</span> digital_economy' in page


def test_prune_keeps_the_newest_the_latest_default_and_runs_in_progress(tmp_path, capsys):
    reports = tmp_path / "reports"
    _run(reports, "20260101T000000Z-a", [("scorecard", "vn", {"geo": "vn"})])  # the latest default report
    _run(reports, "20260102T000000Z-b", [("scorecard", "vn", {"geo": "vn", "lang": "vi"})])
    _run(reports, "20260103T000000Z-c", [("scorecard", "vn", {"geo": "vn", "lang": "vi"})], finished=False)
    _run(reports, "20260104T000000Z-d", [("scorecard", "vn", {"geo": "vn", "lang": "vi"})])
    _run(reports, "20260105T000000Z-e", [("scorecard", "vn", {"geo": "vn", "lang": "vi"})])
    assert cli.main(["prune", "--keep", "1", "--reports-dir", str(reports)]) == 0
    assert "removed 2 run(s)" in capsys.readouterr().out
    left = sorted(p.name for p in (reports / "runs").iterdir())
    assert left == ["20260101T000000Z-a", "20260103T000000Z-c", "20260105T000000Z-e"]
    assert not list(reports.glob(".pruning-*"))
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert "20260102T000000Z-b" not in page and "20260101T000000Z-a" in page
    # the newest run holds the latest default report in Vietnamese: nothing more goes
    assert run_record.prune_runs(reports, 0, "now") == []
    assert sorted(p.name for p in (reports / "runs").iterdir()) == [
        "20260101T000000Z-a", "20260103T000000Z-c", "20260105T000000Z-e"]


def test_prune_rejects_a_negative_keep(tmp_path, capsys):
    assert cli.main(["prune", "--keep", "-1", "--reports-dir", str(tmp_path)]) == 2
    assert "--keep" in capsys.readouterr().err


def test_headline_numbers_say_when_a_starting_share_is_assumed(tmp_path):
    reports = tmp_path / "reports"
    _run(reports, "20260101T000000Z-a", [("digital_economy", "x", {"geo": "x"})],
         scalars={"base_share_pct": 18.4649, "base_year": 2022, "concept": "ministry", "base_is_assumed": True,
                  "current_trend_growth_pct": 15.39, "pace_label": "Vietnam (ministry)"})
    row = run_record.latest_reports(run_record.read_manifests(reports)[0])[0]
    # the ministry's pace no longer leads the index: each target's verdict does (issue 21)
    assert run_record.headline_numbers(reports, row) == [
        "digital-economy share 18.46 % of GRDP (2022, ministry's broader estimate, assumed: no published value)"]
    assert run_record.headline_numbers(reports, row, "vi") == [
        "tỷ trọng kinh tế số 18,46% GRDP (2022, ước tính rộng hơn của Bộ TT&TT (nay là Bộ KH&CN), giả định: chưa có số liệu công bố)"]


def test_geography_sections_are_headed_by_name_with_the_cli_id(tmp_path):
    reports = tmp_path / "reports"
    _run(reports, "20260101T000000Z-a", [("budget_floor", "vn", {"geo": "vn", "lang": "en"})],
         scalars={"floor_pct": 3.0, "required_at_ramp_bn_vnd": 123456.7, "ramp_year": 2030})
    manifests, incomplete = run_record.read_manifests(reports)
    page = run_record.render_index(manifests, incomplete, run_record.latest_reports(manifests), "now", reports)
    assert '<h2>Vietnam <small class="muted">(--geo vn)</small></h2>' in page
