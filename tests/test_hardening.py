"""Issue 14, hardening round two: every case a hostile tester found, as a test.

The numbers in the section titles are the issue's. Each test failed on the code before the fix.
Planning tests run the real registry and data but never start a kernel (``run_jobs`` fails the
test if called); the few that need one use the tiny fixture notebooks or one real notebook whose
validation cell fails within a second.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from nq57lib import cli, config, data_files, data_package, geography, render, run_record, runner, series_ranking, text
from nq57lib import errors
from nq57lib.errors import DataError, ParameterError
from nq57lib.params import validate_parameters
from nq57lib.provenance import sha256_file

from conftest import HEADERS, OBSERVATIONS, _obs, write_csv  # noqa: E402
from test_runner import env, fixture_env, notebooks_dir, nq57_process, nq57_run  # noqa: F401,E402


def load(root, **kw):
    return data_package.load_package(root, use_env=False, **kw)


def plan_only(monkeypatch, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """``nq57 run`` with the real notebooks and data, failing the test if a kernel would start."""
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    return nq57_run(tmp_path / "reports", *args)


def one_line_naming(code: int, err: str, name: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and f"parameter '{name}'" in lines[0], err


# ---------------------------------------------------------------------------------------------
# 1. Data text is plain text: markup is refused when the data is loaded

@pytest.mark.parametrize("field, value", [
    ("publisher", "[Ministry of Finance](javascript:alert(document.domain))"),
    ("title", "Report ![x](https://example.org/pixel.png)"),
    ("title", "see [the site][1]"),
])
def test_markdown_link_or_image_in_a_source_is_refused_at_load(mini_root, field, value):
    src = [dict(source_id="my-src", publisher="Me", title="Notes", url="https://example.org/me", published="2025",
                tier="other", kind="other", language="en") | {field: value}]
    path = write_csv(mini_root / "my_sources.csv", "sources", src)
    with pytest.raises(DataError, match=rf"my_sources\.csv row 2 column '{field}': text looks like a Markdown link"):
        load(mini_root, extra_sources=path)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x"])
def test_only_http_urls_are_accepted_in_data(mini_root, url):
    src = [dict(source_id="my-src", publisher="Me", title="Notes", url=url, published="2025", tier="other",
                kind="other", language="en")]
    path = write_csv(mini_root / "my_sources.csv", "sources", src)
    with pytest.raises(DataError, match=r"column 'url'.*http\(s\) URL"):
        load(mini_root, extra_sources=path)


def test_plain_escapes_markdown_in_data_text():
    escaped = text.plain("[Ministry of Finance](javascript:alert(1)) ![i](x) *b* <i>")
    import markdown_it

    html = markdown_it.MarkdownIt().render(escaped)
    assert "<a " not in html and "<img" not in html and "<em>" not in html and "<i>" not in html
    assert text.plain("Bộ Tài chính (MoF), 2024") == "Bộ Tài chính (MoF), 2024"  # ordinary text unchanged


# ---------------------------------------------------------------------------------------------
# 2. Safe outputs: output_dir never inside the project's data, notebooks or code; no unknown -p

@pytest.mark.parametrize("value", ["../data", "../data/sub", "../notebooks", "../nq57lib", str(config.DATA_DIR)])
def test_output_dir_inside_the_project_is_refused(monkeypatch, value):
    monkeypatch.chdir(config.NOTEBOOKS_DIR)  # papermill's --cwd notebooks
    with pytest.raises(ParameterError, match=r"parameter 'output_dir': .*resolves into the project's"):
        validate_parameters("scorecard", geo="vn", output_dir=value)


def test_output_dir_elsewhere_is_accepted(monkeypatch, tmp_path):
    monkeypatch.chdir(config.NOTEBOOKS_DIR)
    assert validate_parameters("scorecard", geo="vn", output_dir=str(tmp_path)).output_dir == str(tmp_path)
    assert validate_parameters("scorecard", geo="vn", output_dir="../reports/x").output_dir == "../reports/x"


def _papermill(tmp_path: Path, **parameters):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as caught:
        papermill.execute_notebook(str(config.NOTEBOOKS_DIR / "scorecard.ipynb"), str(tmp_path / "out.ipynb"),
                                   parameters=parameters, cwd=str(config.NOTEBOOKS_DIR), progress_bar=False,
                                   kernel_name=runner.pick_kernel(None))
    return caught.value


@pytest.mark.slow
def test_plain_papermill_cannot_write_into_data(tmp_path):
    before = {p.name: sha256_file(p) for p in config.DATA_DIR.glob("*.csv")}
    error = _papermill(tmp_path, geo="vn", output_dir="../data")
    assert error.ename == "ParameterError" and "output_dir" in error.evalue
    assert {p.name: sha256_file(p) for p in config.DATA_DIR.glob("*.csv")} == before


@pytest.mark.slow
def test_plain_papermill_refuses_an_unknown_parameter(tmp_path):
    error = _papermill(tmp_path, geo="vn", target_year=1999)
    assert error.ename == "ParameterError" and "parameter 'target_year': unknown parameter" in error.evalue


def test_injected_names_are_read_from_the_injected_cell():
    from nq57lib.params import injected_names

    history = ["", "geo: str = 'x'\n", "# Parameters\ngeo = \"vn\"\ntarget_year = 1999\n", "P = ..."]
    assert injected_names({"_ih": history}) == ["geo", "target_year"]
    assert injected_names({"_ih": ["geo = 1"]}) == [] and injected_names({}) == []
    with pytest.raises(ParameterError, match="parameter 'target_year': unknown parameter of notebook 'scorecard'"):
        validate_parameters("scorecard", {"geo": "vn", "lang": "en", "output_dir": "", "target_year": 1999,
                                          "_ih": history})


# ---------------------------------------------------------------------------------------------
# 3. Spreadsheet formula injection: refused at load (see README "Limits")

@pytest.mark.parametrize("note", ["=HYPERLINK(\"https://evil.example\",\"x\")", "@SUM(1+1)*cmd|' /C calc'!A0",
                                  "+1+cmd", "-2+3", "\t=1+1"])
def test_formula_text_in_a_user_file_is_refused(mini_root, note):
    path = write_csv(mini_root / "mine.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", note=note)])
    with pytest.raises(DataError, match=r"mine\.csv row 2 column 'note': text starts with =, \+, -, @"):
        load(mini_root, extra_observations=path)


# ---------------------------------------------------------------------------------------------
# 4. and 5. Values an engine would refuse are refused before any kernel (exit 2, one line)

@pytest.mark.parametrize("args, name", [
    (["--notebook", "digital_economy", "--geo", "vn", "-p", "n_paths=50"], "n_paths"),
    (["--notebook", "digital_economy", "--geo", "vn", "-p", "n_paths=1000000", "-p", "horizon_year=2100"], "n_paths"),
    (["--notebook", "digital_economy", "--geo", "vn", "-p", "horizon_year=2030"], "horizon_year"),
    (["--notebook", "digital_economy", "--geo", "vn", "-p", "ceiling_pct=0.001"], "ceiling_pct"),
    (["--notebook", "budget_floor", "--geo", "vn", "-p", "base_expenditure_bn_vnd=1e308"], "base_expenditure_bn_vnd"),
    (["--notebook", "scorecard", "--geo", "all", "--geo", "atlantis", "--geo", "../../etc"], "geo"),
    (["--notebook", "scorecard", "--geo", "vn", "-p", "lang=en", "-p", "lang=vi"], "lang"),
    (["--notebook", "scorecard", "--geo", "Bắc Ninh"], "geo"),
    (["--notebook", "scorecard", "--geo", "Phu Tho"], "geo"),
    (["--notebook", "scorecard", "--geo", "v\u200bn"], "geo"),
    (["--notebook", "scorecard", "--geo", "\u200fvn"], "geo"),
    (["--notebook", "scorecard", "--geo", "\ufeffvn"], "geo"),
    (["--notebook", "scorecard", "--geo", "ｖｎ"], "geo"),
])
def test_engine_bounds_and_bad_selections_exit_2_before_any_kernel(monkeypatch, tmp_path, args, name):
    code, _, err = plan_only(monkeypatch, tmp_path, *args)
    one_line_naming(code, err, name)
    assert not (tmp_path / "reports").exists()


def test_the_pre_kernel_check_and_the_engine_share_one_definition():
    from nq57lib import bounds, floor_cost, monte_carlo

    assert monte_carlo.check_sim_size is bounds.check_sim_size and monte_carlo.MIN_PATHS is bounds.MIN_PATHS
    assert floor_cost.bounds is bounds
    spec = {s.name: s for s in runner.spec_for("digital_economy")}["n_paths"]
    assert (spec.low, spec.high) == (bounds.MIN_PATHS, bounds.MAX_PATHS)


@pytest.mark.parametrize("text_, ids", [("Bắc Ninh", "bac-ninh, bac-ninh-2025"), ("Phu Tho", "phu-tho, phu-tho-2025")])
def test_a_name_shared_by_an_old_and_a_new_unit_lists_both_ids(text_, ids):
    with pytest.raises(ParameterError, match=f"names several units: {ids}"):
        geography.resolve_geo(text_)
    assert geography.resolve_geo("phu-tho") == "phu-tho" and geography.resolve_geo("Bắc Ninh (mới)") == "bac-ninh-2025"


def test_a_name_that_resolves_prints_its_id(capsys):
    runner.echo_resolved_geos(["Vĩnh Phúc", "vn", "all"])
    assert capsys.readouterr().err.strip().splitlines() == ["geo 'Vĩnh Phúc' -> vinh-phuc"]


def test_echoed_values_are_cut_to_200_characters(monkeypatch, tmp_path):
    code, _, err = plan_only(monkeypatch, tmp_path, "--notebook", "x" * 100_000)
    assert code == 2 and len(err) < 600 and "100000 characters" in err
    code, _, err = plan_only(monkeypatch, tmp_path, "--notebook", "scorecard", "-p", "y" * 100_000 + "=1")
    assert code == 2 and len(err) < 600


@pytest.mark.parametrize("args", [["--reports-dir", ""], ["--reports-dir", "  "], ["--timeout", "soon"]])
def test_empty_reports_dir_and_bad_timeout_are_usage_errors(tmp_path, args):
    err = io.StringIO()
    with pytest.raises(SystemExit) as caught, contextlib.redirect_stderr(err):
        cli.main(["run", "--notebook", "scorecard", *args])
    assert caught.value.code == 2 and "Traceback" not in err.getvalue()


def test_jobs_are_capped_by_cores_and_memory(monkeypatch):
    monkeypatch.setattr(runner, "_cores", lambda: 2)
    monkeypatch.setattr(runner, "available_memory_bytes", lambda: 4 * 2**30)
    workers, why = runner.cap_jobs(1000, 17)
    assert workers == 2 and "--jobs 1000 capped at 2: 2 CPU core(s), 4.0 GB available" in why
    monkeypatch.setattr(runner, "available_memory_bytes", lambda: runner.JOB_MEMORY_BYTES)
    assert runner.cap_jobs(2, 17)[0] == 1
    assert runner.cap_jobs(None, 1) == (1, None)


@pytest.mark.slow
def test_a_fractional_timeout_runs(notebooks_dir, tmp_path):
    with fixture_env(notebooks_dir):
        code, _, err = nq57_run(tmp_path / "reports", "--notebook", "tiny", "--geo", "alpha", "--timeout", "30.5")
    assert code == 0, err


# ---------------------------------------------------------------------------------------------
# 7. User files

def test_a_file_above_the_size_limit_is_refused(mini_root, monkeypatch):
    path = write_csv(mini_root / "big.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 1000 + i, 6.0, "% y/y", note="x" * 100) for i in range(1000)])
    monkeypatch.setattr(data_files, "MAX_TABLE_BYTES", 100_000)  # above every table of the mini package
    with pytest.raises(DataError, match=r"big\.csv: file is 0\.2 MB, above the limit of 0\.0953674 MB"):
        load(mini_root, extra_observations=path)


def _workbook(path: Path, sheet: str, rows: list[dict]) -> Path:
    frame = pd.DataFrame(rows, columns=HEADERS["observations"])
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return path


def test_excel_date_cells_are_accepted(mini_root):
    row = _obs("ha-noi", "grdp_growth_pct", 2024, 6.5, "% y/y", published=pd.Timestamp("2025-01-15"))
    pkg = load(mini_root, extra_observations=_workbook(mini_root / "mine.xlsx", "observations", [row]))
    got = series_ranking.series(pkg, "ha-noi", "grdp_growth_pct").set_index("year").loc[2024]
    assert str(got["published"])[:10] == "2025-01-15"
    assert len(pkg.observations) == len(OBSERVATIONS) + 1


def test_a_workbook_without_an_observations_sheet_is_refused(mini_root):
    path = _workbook(mini_root / "mine.xlsx", "Sheet1", [_obs("ha-noi", "grdp_growth_pct", 2024, 6.5, "% y/y")])
    with pytest.raises(DataError, match=r"mine\.xlsx: no sheet named 'observations' \(sheets: Sheet1\)"):
        load(mini_root, extra_observations=path)


def test_a_nul_byte_is_refused(mini_root):
    path = write_csv(mini_root / "nul.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", note="fine\x00not")])
    with pytest.raises(DataError, match=r"nul\.csv row 2 column 'note': text contains a control character"):
        load(mini_root, extra_observations=path)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_future_official_figure_is_refused(mini_root, suffix):
    src = [dict(source_id="my-src", publisher="Me", title="Notes", url="https://example.org/me", published="2029-01",
                tier="other", kind="other", language="en")]
    src_path = write_csv(mini_root / "my_sources.csv", "sources", src)
    row = _obs("ha-noi", "grdp_growth_pct", 2028, 6.5, "% y/y", source="my-src", published="2029-01")
    path = (write_csv(mini_root / "mine.csv", "observations", [row]) if suffix == "csv"
            else _workbook(mini_root / "mine.xlsx", "observations", [row]))
    with pytest.raises(DataError, match=rf"mine\.{suffix} row 2 column 'year': official figure for 2028, a future year"):
        load(mini_root, extra_observations=path, extra_sources=src_path)


def test_nq57_run_takes_extra_observations_and_checks_them_before_any_kernel(monkeypatch, tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text(",".join(HEADERS["observations"]) + "\nvn,de_share_pct\n", encoding="utf-8")
    monkeypatch.delenv(config.ENV_EXTRA_OBSERVATIONS, raising=False)
    code, _, err = plan_only(monkeypatch, tmp_path, "--notebook", "scorecard", "--geo", "vn",
                             "--extra-observations", str(bad), "--extra-sources", str(bad))
    assert code == 2 and "mine.csv" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists()


# ---------------------------------------------------------------------------------------------
# 8. to 11. Faults

def test_a_truncated_executed_notebook_is_never_published(tmp_path):
    job = runner.Job(notebook="tiny", geo="alpha", parameters={}, input_path="tiny.ipynb", notebook_sha256="",
                     kernel="", timeout_s=1, reports_dir=str(tmp_path), job_dir="runs/r/tiny/alpha", run_id="r")
    folder = tmp_path / job.job_dir
    folder.mkdir(parents=True)
    (folder / render.PARTIAL_NOTEBOOK).write_text('{"cells": [{"cell_type": "co', encoding="utf-8")
    record = runner._lost_job_record(job, "OSError: [Errno 28] No space left on device")
    assert record["status"] == "failed" and record["executed_notebook"] is None
    assert "unreadable" in record["error"] and list(folder.iterdir()) == []


def test_a_manifest_that_cannot_be_written_gives_one_line(env, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner, "execute_batch", lambda jobs, workers, **kw: ([], False))
    monkeypatch.setattr(run_record, "write_manifest", full)
    code, _, err = nq57_run(tmp_path / "reports", "--notebook", "tiny", "--geo", "alpha")
    assert code == 1 and err.strip().splitlines()[-1].startswith("nq57: error: cannot write ")
    assert "No space left on device" in err and "Traceback" not in err


def test_a_lock_that_cannot_be_taken_gives_one_line(env, tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    (reports / ".index.lock").mkdir(parents=True)  # as unopenable as a lock in a read-only folder
    monkeypatch.setattr(runner, "execute_batch", lambda jobs, workers, **kw: ([], False))
    code, _, err = nq57_run(reports, "--notebook", "tiny", "--geo", "alpha")
    assert code == 1 and "cannot take the lock" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(errors.OutputError):
        run_record.update_index(reports, "now")


@pytest.mark.parametrize("manifest", [
    {"duration_s": None}, {"jobs": "x"}, {"schema": "other/1"}, {"jobs": [{"notebook": 1}]}, "not json",
])
def test_a_corrupt_or_foreign_manifest_is_skipped_with_a_warning(tmp_path, capsys, manifest):
    good = {"schema": run_record.MANIFEST_SCHEMA, "run_id": "20260101T000000Z-aaaa", "duration_s": 1.0, "jobs": [],
            "counts": {}, "started_utc": "", "skipped": []}
    for run_id, content in (("20260101T000000Z-aaaa", good), ("20260102T000000Z-bbbb",
                                                                 {**good, "run_id": "b", **manifest}
                                                                 if isinstance(manifest, dict) else manifest)):
        folder = tmp_path / "runs" / run_id
        folder.mkdir(parents=True)
        (folder / run_record.MANIFEST_NAME).write_text(content if isinstance(content, str) else json.dumps(content))
    run_record.update_index(tmp_path, "now")
    assert "Run 20260101T000000Z-aaaa" in (tmp_path / "index.html").read_text()
    err = capsys.readouterr().err
    assert "warning: skipped" in err and "20260102T000000Z-bbbb" in err


@pytest.mark.slow
def test_sigterm_is_handled_like_ctrl_c(notebooks_dir, tmp_path):
    reports = tmp_path / "reports"
    proc = nq57_process(notebooks_dir, reports, "--notebook", "tiny", "--notebook", "tiny_hang", "--geo", "alpha",
                        "--timeout", "900", "--jobs", "2")
    deadline = time.monotonic() + 900  # a hang guard, not a speed check (a loaded machine is slow)
    while not list(reports.glob("runs/*/tiny/alpha/report.html")):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGTERM)  # what kill, systemd or a scheduler's timeout sends
    proc.communicate(timeout=900)
    assert proc.returncode == 130
    manifests, _ = run_record.read_manifests(reports)
    assert manifests[0]["interrupted"] is True
    assert [(j["notebook"], j["status"]) for j in manifests[0]["jobs"]] == [("tiny", "ok")]
