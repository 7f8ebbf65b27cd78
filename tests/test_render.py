"""``nq57 render``: a notebook executed by plain papermill becomes a report the index lists, exactly
as ``nq57 run`` publishes one; bad inputs are refused with one line before anything is written."""

from __future__ import annotations

import contextlib
import copy
import filecmp
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from conftest import run_once
from nq57lib import cli, config, data_package

BIN = Path(sys.executable).parent


def nq57(*args: str, cwd: Path) -> SimpleNamespace:
    """``nq57 ARGS`` run from ``cwd`` in this process (the data package loads once for all tests)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory) -> Path:
    """The README's plain papermill call (scorecard for the nation), run from a scratch folder, once a test
    run (conftest.run_once)."""
    return run_once(tmp_path_factory, "render-plain-run", _plain_run)


def _plain_run(folder: Path) -> Path:
    out = subprocess.run([str(BIN / "papermill"), str(config.NOTEBOOKS_DIR / "scorecard.ipynb"), "out.ipynb",
                          "-p", "geo", "Việt Nam", "-p", "output_dir", "res", "--no-progress-bar"],
                         cwd=folder, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return folder


def only_manifest(reports: Path) -> dict:
    manifests = list(reports.glob("runs/*/manifest.json"))
    assert len(manifests) == 1
    return json.loads(manifests[0].read_text(encoding="utf-8"))


@pytest.mark.slow
def test_plain_papermill_output_becomes_a_report_the_index_lists(plain_run, tmp_path):
    reports = tmp_path / "reports"
    out = nq57("render", "out.ipynb", "--reports-dir", str(reports), cwd=plain_run)
    assert out.returncode == 0, out.stderr
    manifest = only_manifest(reports)
    assert manifest["runner"] == "nq57 render" and manifest["counts"]["ok"] == 1
    job = manifest["jobs"][0]
    assert (job["notebook"], job["geo"], job["status"]) == ("scorecard", "vn", "ok")  # the name resolved to its id
    assert job["parameters"] == {"geo": "vn", "lang": "en"}
    assert job["inputs"]["notebook"] == "scorecard.ipynb" and job["inputs"]["notebook_sha256"]
    page = (reports / job["report_html"]).read_text(encoding="utf-8")
    assert data_package.load_package(use_env=False).checksum in page and "validate_parameters" not in page
    assert "data:image/png;base64," in page
    published = reports / job["results_dir"]
    names = sorted(p.name for p in (plain_run / "res").iterdir())
    assert "results.json" in names and sorted(p.name for p in published.iterdir()) == names
    assert filecmp.cmpfiles(plain_run / "res", published, names, shallow=False)[1:] == ([], [])
    assert (plain_run / "out.ipynb").is_file() and (plain_run / "res").is_dir()  # copied, not moved
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert [(r["notebook"], r["geo"], r["report_html"]) for r in latest] == [("scorecard", "vn", job["report_html"])]
    assert f'href="{job["report_html"]}"' in (reports / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_failed_execution_is_recorded_with_its_error_and_no_report(plain_run, tmp_path):
    nb = nbformat.read(plain_run / "out.ipynb", as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    cell.outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue="'grdp'\nmore", traceback=[])]
    nb.metadata.papermill.exception = True
    nbformat.write(nb, tmp_path / "failed.ipynb")
    reports = tmp_path / "reports"
    out = nq57("render", "failed.ipynb", "--results", str(plain_run / "res"), "--reports-dir", str(reports),
               cwd=tmp_path)
    assert out.returncode == 1
    job = only_manifest(reports)["jobs"][0]
    assert job["status"] == "failed" and job["error"] == f"KeyError: 'grdp' (cell [{cell.execution_count}])"
    assert f"FAILED scorecard / vn: {job['error']}" in out.stdout
    assert (reports / job["executed_notebook"]).is_file()
    assert job["report_html"] is None and not list(reports.glob("runs/*/*/*/report.html"))


@pytest.mark.slow
def test_results_of_another_run_are_refused_before_anything_is_written(plain_run, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(plain_run / "res", other)
    results = json.loads((other / "results.json").read_text(encoding="utf-8"))
    results["parameters"]["lang"] = "vi"
    (other / "results.json").write_text(json.dumps(results), encoding="utf-8")
    reports = tmp_path / "reports"
    out = nq57("render", str(plain_run / "out.ipynb"), "--results", str(other), "--reports-dir", str(reports),
               cwd=tmp_path)
    assert out.returncode == 2 and "written by another run" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not reports.exists()


def test_a_notebook_papermill_did_not_execute_is_refused(tmp_path):
    out = nq57("render", str(config.NOTEBOOKS_DIR / "scorecard.ipynb"), "--reports-dir", str(tmp_path / "r"),
               cwd=tmp_path)
    assert out.returncode == 2 and "no papermill metadata" in out.stderr and not (tmp_path / "r").exists()
    out = nq57("render", "missing.ipynb", cwd=tmp_path)
    assert out.returncode == 2 and "missing.ipynb: no such file" in out.stderr


@pytest.mark.slow
def test_planned_batch_renders_like_the_dag_publish_task_and_can_be_repeated(tmp_path):
    """The DAG's publish step without Airflow: one planned job executed by papermill, one never started."""
    import papermill

    from nq57lib import render, runner

    plan = runner.plan_run(["scorecard"], ["vn", "vinh-phuc"], {}, tmp_path)
    done, lost = plan["jobs"]
    papermill.execute_notebook(done["input_nb"], done["output_nb"], progress_bar=False, kernel_name="nq57",
                               parameters={**done["parameters"], "output_dir": done["output_dir"]})
    first = render.render_planned(plan, runner="airflow", kernel="nq57")
    assert first["runner"] == "airflow" and first["counts"] == {"ok": 1, "failed": 1, "skipped": 0, "not_run": 0}
    ok, failed = first["jobs"]
    assert (ok["geo"], ok["status"]) == ("vn", "ok") and (tmp_path / ok["results_dir"] / "results.json").is_file()
    assert failed["geo"] == "vinh-phuc" and failed["error"].startswith("no executed notebook")
    again = render.render_planned(plan, runner="airflow", kernel="nq57")  # a retried publish task
    assert [j["status"] for j in again["jobs"]] == ["ok", "failed"]
    assert (tmp_path / ok["report_html"]).is_file() and (tmp_path / ok["results_dir"] / "results.json").is_file()
    assert not list(tmp_path.rglob(".*partial*"))


# ---------------------------------------------------------------------------------------------
# Issue 24, cases 2 and 3: status and identity come from the executed notebook itself.

@pytest.fixture
def no_scratch(tmp_path, monkeypatch):
    """An empty default reports folder, so no scratch results of other runs are found (reports/scratch/...)."""
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "default-reports")


_PREPARED: dict[tuple[str, ...], nbformat.NotebookNode] = {}  # (notebook, *args) -> prepared


def prepared(tmp_path: Path, *args: str, edit=None) -> nbformat.NotebookNode:
    """``papermill --prepare-only`` of the scorecard (parameters injected, nothing run); ``edit(nb)`` first. Written to
    ``tmp_path/prepared.ipynb``; papermill's command runs once a test process for the same ``args`` (without an
    edit), and each test gets its own copy."""
    source = config.NOTEBOOKS_DIR / "scorecard.ipynb"
    key = (str(source), *args)
    if edit is None and key in _PREPARED:
        nb = copy.deepcopy(_PREPARED[key])
        nb.metadata.papermill["output_path"] = str(tmp_path / "prepared.ipynb")  # as papermill writes it here
        nbformat.write(nb, tmp_path / "prepared.ipynb")
        return nb
    if edit is not None:
        nb = nbformat.read(source, as_version=4)
        edit(nb)
        source = tmp_path / "scorecard.ipynb"
        nbformat.write(nb, source)
    out = subprocess.run([str(BIN / "papermill"), "--prepare-only", str(source), str(tmp_path / "prepared.ipynb"),
                          *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    nb = nbformat.read(tmp_path / "prepared.ipynb", as_version=4)
    if edit is None:
        _PREPARED[key] = copy.deepcopy(nb)
    return nb


def as_if_executed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What papermill's execution adds to a prepared notebook: start and end, every code cell completed in order."""
    nb.metadata.papermill.update(start_time="2026-01-01T00:00:00.000001", end_time="2026-01-01T00:00:09.000001",
                                 duration=9.0, exception=None)
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip():
            count += 1
            cell.execution_count = count
            cell.metadata["papermill"] = {"status": "completed", "exception": False}
    return nb


def test_a_notebook_prepared_but_never_run_is_not_published_as_ok(tmp_path, no_scratch):
    prepared(tmp_path, "-p", "geo", "vn")
    out = nq57("render", "prepared.ipynb", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode == 1
    job = only_manifest(tmp_path / "r")["jobs"][0]
    assert job["status"] == "failed" and "not executed" in job["error"] and job["report_html"] is None
    assert not list((tmp_path / "r").glob("runs/*/*/*/report.html"))


@pytest.mark.parametrize("problem, expected", [
    ("never_ran", "never completed"), ("out_of_order", "did not run in order"), ("no_end", "not executed")])
def test_an_incomplete_execution_is_a_failure(tmp_path, no_scratch, problem, expected):
    nb = as_if_executed(prepared(tmp_path, "-p", "geo", "vn"))
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if problem == "never_ran":
        code[-1].execution_count, code[-1].metadata["papermill"]["status"] = None, "pending"
    elif problem == "out_of_order":
        code[2].execution_count, code[3].execution_count = code[3].execution_count, code[2].execution_count
    else:
        del nb.metadata.papermill["end_time"]
    nbformat.write(nb, tmp_path / "executed.ipynb")
    out = nq57("render", "executed.ipynb", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    job = only_manifest(tmp_path / "r")["jobs"][0]
    assert out.returncode == 1 and job["status"] == "failed" and expected in job["error"], job["error"]


def test_identity_is_read_from_the_parameters_cell_that_ran(tmp_path, no_scratch):
    """A parameters cell edited to geo = "vn", run without -p, is the vn report (an edited notebook: a what-if)."""
    def edit(nb):
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = cell.source.replace('geo: str = "vinh-phuc"', 'geo: str = "vn"')
        assert 'geo: str = "vn"' in cell.source

    nbformat.write(as_if_executed(prepared(tmp_path, edit=edit)), tmp_path / "executed.ipynb")
    out = nq57("render", "executed.ipynb", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    job = only_manifest(tmp_path / "r")["jobs"][0]
    assert (job["notebook"], job["geo"], job["parameters"]["geo"]) == ("scorecard", "vn", "vn")
    assert job["inputs"]["notebook_edited"] is True
    latest = json.loads((tmp_path / "r" / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert [(r["geo"], r["what_if"]) for r in latest] == [("vn", True)]


def test_the_unedited_notebook_is_not_a_what_if(tmp_path, no_scratch):
    nbformat.write(as_if_executed(prepared(tmp_path, "-p", "geo", "vn")), tmp_path / "executed.ipynb")
    out = nq57("render", "executed.ipynb", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    job = only_manifest(tmp_path / "r")["jobs"][0]
    assert job["inputs"]["notebook_edited"] is False and job["status"] == "ok"
    latest = json.loads((tmp_path / "r" / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert [(r["geo"], r["what_if"]) for r in latest] == [("vn", False)]


def test_metadata_that_disagrees_with_the_injected_cell_is_refused(tmp_path, no_scratch):
    nb = as_if_executed(prepared(tmp_path, "-p", "geo", "vn"))
    nb.metadata.papermill.parameters["geo"] = "vinh-phuc"
    nbformat.write(nb, tmp_path / "executed.ipynb")
    out = nq57("render", "executed.ipynb", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode == 2 and "disagree" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_results_an_earlier_run_left_in_the_folder_are_refused(plain_run, tmp_path):
    """Same notebook and parameters, but written before this execution started: not this run's results."""
    import os

    earlier = tmp_path / "scratch"
    shutil.copytree(plain_run / "res", earlier)
    hour_ago = (earlier / "results.json").stat().st_mtime - 3600
    os.utime(earlier / "results.json", (hour_ago, hour_ago))
    out = nq57("render", str(plain_run / "out.ipynb"), "--results", str(earlier), "--reports-dir",
               str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode == 2 and "not written while" in out.stderr and not (tmp_path / "r").exists()


def test_a_prepared_notebook_never_takes_the_results_an_earlier_scratch_run_left(tmp_path, no_scratch):
    """Results of the same notebook and parameters in the default scratch folder are not this notebook's."""
    prepared(tmp_path, "-p", "geo", "vn")
    scratch = config.REPORTS_DIR / "scratch" / "scorecard" / "vn"
    scratch.mkdir(parents=True)
    (scratch / "results.json").write_text(json.dumps({"notebook": "scorecard", "parameters": {"geo": "vn", "lang": "en"},
                                                      "scalars": {}}), encoding="utf-8")
    out = nq57("render", "prepared.ipynb", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode != 0
    assert not list((tmp_path / "r").glob("runs/*/*/*/results")) and not list((tmp_path / "r").glob("runs/*/*/*/report.html"))
