"""Incremental runs: an unchanged job reuses its earlier successful report; any changed input re-runs it.

Real kernels run the tiny fixture notebook (tests/fixtures/notebooks) once per reports folder; the
change-detection tests then replace the executor with a recorder, so they see which jobs a run would
execute without starting a kernel.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from nq57lib import report, reuse, runner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_once  # noqa: E402
from test_runner import env, fixture_env, notebooks_dir, nq57_run  # noqa: F401,E402


def manifests(reports: Path) -> list[dict]:
    found, _ = report.read_manifests(reports)
    return found  # newest first


@pytest.fixture(scope="module")
def executed(notebooks_dir, tmp_path_factory):
    """One real run of the good fixture notebook and one of the failing one, once a test run
    (conftest.run_once; the tests work on copies)."""
    return run_once(tmp_path_factory, "reuse-executed", lambda reports: _executed(notebooks_dir, reports))


def _executed(notebooks_dir: Path, reports: Path) -> Path:
    with fixture_env(notebooks_dir):
        code, _, _ = nq57_run(reports, "--notebook", "tiny", "--notebook", "tiny_raise", "--geo", "alpha")
    assert code == 1  # tiny_raise fails on purpose
    return reports


@pytest.fixture
def recorder(monkeypatch):
    """Replace execution with a recorder: the (notebook, geo) of every job a run would execute."""
    ran: list[tuple[str, str]] = []

    def fake_batch(jobs, workers, fresh_kernels=False):
        ran.extend((job.notebook, job.geo) for job in jobs)
        return [], False

    monkeypatch.setattr(runner, "execute_batch", fake_batch)
    return ran


def copy_reports(executed: Path, tmp_path: Path) -> Path:
    target = tmp_path / "reports"
    shutil.copytree(executed, target)
    return target


@pytest.mark.slow
def test_an_unchanged_job_reuses_the_report_and_the_index_lists_it(env, executed, tmp_path, recorder):
    reports = copy_reports(executed, tmp_path)
    first = manifests(reports)[0]
    code, out, err = nq57_run(reports, "--notebook", "tiny", "--geo", "alpha")
    assert code == 0 and recorder == []  # no kernel started
    second = manifests(reports)[0]
    assert second["run_id"] != first["run_id"] and second["reused"] == 1
    job = second["jobs"][0]
    old = next(j for j in first["jobs"] if j["notebook"] == "tiny")
    assert job["status"] == "ok" and job["reused"] is True and job["reused_from"] == first["run_id"]
    assert job[reuse.FINGERPRINT_KEY] == old[reuse.FINGERPRINT_KEY]
    for key in ("executed_notebook", "report_html", "results_dir"):  # the new run folder is complete
        assert job[key].startswith(f"runs/{second['run_id']}/tiny/alpha/")
        assert (reports / job[key]).exists()
    assert (reports / job["report_html"]).read_bytes() == (reports / old["report_html"]).read_bytes()
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert [(r["notebook"], r["geo"], r["run_id"]) for r in latest] == [("tiny", "alpha", second["run_id"])]
    assert "reused tiny / alpha" in err and "1 report(s) reused" in out


@pytest.mark.slow
def test_pruning_the_original_run_leaves_the_reusing_run_complete(env, executed, tmp_path, recorder):
    reports = copy_reports(executed, tmp_path)
    first = manifests(reports)[0]
    nq57_run(reports, "--notebook", "tiny", "--geo", "alpha")
    removed = report.prune_runs(reports, 1, "now")
    assert removed == [first["run_id"]]
    job = manifests(reports)[0]["jobs"][0]
    assert all((reports / job[key]).exists() for key in ("executed_notebook", "report_html", "results_dir"))


@pytest.mark.slow
def test_force_executes_again(env, executed, tmp_path, recorder):
    reports = copy_reports(executed, tmp_path)
    nq57_run(reports, "--notebook", "tiny", "--geo", "alpha", "--force")
    assert recorder == [("tiny", "alpha")]


@pytest.mark.slow
def test_a_failed_report_is_never_reused(env, executed, tmp_path, recorder):
    reports = copy_reports(executed, tmp_path)
    nq57_run(reports, "--notebook", "tiny_raise", "--geo", "alpha")
    assert recorder == [("tiny_raise", "alpha")]


@pytest.mark.slow
def test_a_report_whose_files_are_gone_is_not_reused(env, executed, tmp_path, recorder):
    reports = copy_reports(executed, tmp_path)
    old = next(j for j in manifests(reports)[0]["jobs"] if j["notebook"] == "tiny")
    (reports / old["report_html"]).unlink()
    nq57_run(reports, "--notebook", "tiny", "--geo", "alpha")
    assert recorder == [("tiny", "alpha")]


@pytest.mark.slow
@pytest.mark.parametrize("change", ["parameter", "data_checksum", "extra_file", "package_version", "code", "notebook"])
def test_any_changed_input_executes_again(env, executed, tmp_path, recorder, monkeypatch, notebooks_dir, change):
    reports = copy_reports(executed, tmp_path)
    args = ["--notebook", "tiny", "--geo", "alpha"]
    vintage = report.data_vintage()
    if change == "parameter":
        args += ["-p", "n=4"]
    elif change == "data_checksum":
        monkeypatch.setattr(report, "data_vintage", lambda: dict(vintage, checksum="f" * 64))
    elif change == "extra_file":
        monkeypatch.setattr(report, "data_vintage", lambda: dict(vintage, extra_files=["mine.csv"]))
    elif change == "package_version":
        monkeypatch.setattr(report, "package_version", lambda: "9.9.9")
    elif change == "code":
        monkeypatch.setattr(reuse, "code_digest", lambda: "e" * 64)
    else:  # the notebook's bytes (a copy of the folder, so other tests keep the original)
        changed = tmp_path / "notebooks"
        shutil.copytree(notebooks_dir, changed)
        nb = json.loads((changed / "tiny.ipynb").read_text(encoding="utf-8"))
        nb["cells"][-1]["source"] += "\n# edited"
        (changed / "tiny.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        monkeypatch.setattr(runner.config, "NOTEBOOKS_DIR", changed)
    nq57_run(reports, *args)
    assert recorder == [("tiny", "alpha")]


def test_the_fingerprint_covers_every_input():
    base = dict(notebook_sha256="a" * 64, parameters={"geo": "vn", "n": 3, "output_dir": "/x"},
                data={"checksum": "c" * 64, "extra_files": []}, package_version="1.0")
    key = reuse.fingerprint(**base)
    assert reuse.fingerprint(**dict(base, parameters={"geo": "vn", "n": 3, "output_dir": "/y"})) == key
    variants = [dict(base, notebook_sha256="b" * 64), dict(base, parameters={"geo": "vn", "n": 4}),
                dict(base, data={"checksum": "d" * 64, "extra_files": []}),
                dict(base, data={"checksum": "c" * 64, "extra_files": ["mine.csv"]}),
                dict(base, package_version="1.1")]
    assert len({key, *(reuse.fingerprint(**v) for v in variants)}) == 6
