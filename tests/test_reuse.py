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

from nq57lib import results_files, reuse, run_record, runner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_once  # noqa: E402
from test_runner import env, fixture_env, notebooks_dir, nq57_run  # noqa: F401,E402


def manifests(reports: Path) -> list[dict]:
    found, _ = run_record.read_manifests(reports)
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
    removed = run_record.prune_runs(reports, 1, "now")
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
@pytest.mark.parametrize("change", ["parameter", "data_checksum", "extra_file", "package_version", "code", "notebook",
                                    "kernel", "matplotlibrc", "environment"])
def test_any_changed_input_executes_again(env, executed, tmp_path, recorder, monkeypatch, notebooks_dir, change):
    reports = copy_reports(executed, tmp_path)
    args = ["--notebook", "tiny", "--geo", "alpha"]
    vintage = results_files.data_vintage()
    if change == "parameter":
        args += ["-p", "n=4"]
    elif change == "data_checksum":
        monkeypatch.setattr(results_files, "data_vintage", lambda: dict(vintage, checksum="f" * 64))
    elif change == "extra_file":
        monkeypatch.setattr(results_files, "data_vintage", lambda: dict(vintage, extra_files=["mine.csv"]))
    elif change == "package_version":
        monkeypatch.setattr(results_files, "package_version", lambda: "9.9.9")
    elif change == "code":
        monkeypatch.setattr(reuse, "code_digest", lambda: "e" * 64)
    elif change == "kernel":  # issue 24: --kernel python3 reused the nq57 kernel's report
        args += ["--kernel", "python3" if runner.pick_kernel(None) != "python3" else "nq57"]
    elif change == "environment":  # issue 24: another locked environment (constraints, library versions)
        monkeypatch.setattr(reuse, "environment_digest", lambda: "9" * 64)
    elif change == "matplotlibrc":  # issue 24: matplotlib reads the notebook folder's matplotlibrc
        changed = tmp_path / "notebooks"
        shutil.copytree(notebooks_dir, changed)
        (changed / "matplotlibrc").write_text("figure.dpi: 200\n", encoding="utf-8")
        monkeypatch.setattr(runner.config, "NOTEBOOKS_DIR", changed)
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


# Issue 24, case 5: reuse checks the files it links, never trusts them.
@pytest.mark.slow
@pytest.mark.parametrize("tamper", ["edited results.json", "empty results.json", "edited report",
                                    "another geography's files", "no checksums recorded"])
def test_reuse_checks_the_earlier_files(env, executed, tmp_path, recorder, tamper):
    reports = copy_reports(executed, tmp_path)
    manifest_path = next(reports.glob("runs/*/manifest.json"))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    old = next(j for j in manifest["jobs"] if j["notebook"] == "tiny")
    results_json = reports / old["results_dir"] / "results.json"
    for path in reports.rglob("*"):  # the copy's own files: edits must not reach the module's fixture (hard links)
        if path.is_file():
            path.write_bytes(path.read_bytes())
    if tamper == "edited results.json":
        document = json.loads(results_json.read_text(encoding="utf-8"))
        document["scalars"]["total_pct"] = 99.0
        results_json.write_text(json.dumps(document), encoding="utf-8")
    elif tamper == "empty results.json":
        results_json.write_bytes(b"")
    elif tamper == "edited report":
        (reports / old["report_html"]).write_text("<p>not the report</p>", encoding="utf-8")
    elif tamper == "another geography's files":  # vn's job pointed at Vinh Phuc's files: here alpha's at beta's
        own = reports / Path(old["report_html"]).parent
        shutil.copytree(own, own.parent / "beta")  # same bytes, so the recorded checksums match
        for key in ("executed_notebook", "report_html", "results_dir"):
            old[key] = old[key].replace("/tiny/alpha/", "/tiny/beta/")
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    else:  # a manifest of an earlier version, or edited: nothing to check against
        old.pop("files_sha256")
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    nq57_run(reports, "--notebook", "tiny", "--geo", "alpha")
    assert recorder == [("tiny", "alpha")]


@pytest.mark.slow
def test_a_successful_job_records_the_checksum_of_every_published_file(executed):
    job = next(j for j in manifests(executed)[0]["jobs"] if j["notebook"] == "tiny")
    checksums = job["files_sha256"]
    assert {"notebook.ipynb", "report.html", "results/results.json"} <= set(checksums)
    folder = executed / Path(job["report_html"]).parent
    assert checksums == reuse.file_checksums(folder)


def test_the_fingerprint_covers_the_kernel_matplotlibrc_and_the_environment(tmp_path, monkeypatch):
    base = dict(notebook_sha256="a" * 64, parameters={"geo": "vn"}, data={"checksum": "c" * 64},
                package_version="1.0", kernel="nq57", notebook_dir=tmp_path)
    key = reuse.fingerprint(**base)
    assert reuse.fingerprint(**dict(base, kernel="python3")) != key
    (tmp_path / "matplotlibrc").write_text("figure.dpi: 200\n", encoding="utf-8")
    assert reuse.fingerprint(**base) != key
    with_rc = reuse.fingerprint(**base)
    monkeypatch.setattr(reuse, "environment_digest", lambda: "9" * 64)
    assert reuse.fingerprint(**base) != with_rc


def test_the_environment_digest_covers_the_constraints_and_library_versions(tmp_path, monkeypatch):
    from importlib import metadata

    from nq57lib import config

    reuse.environment_digest.cache_clear()
    key = reuse.environment_digest()
    (tmp_path / "constraints.txt").write_text("numpy==0.0.1\n", encoding="utf-8")
    monkeypatch.setattr(config, "PROJ_ROOT", tmp_path)
    reuse.environment_digest.cache_clear()
    other_constraints = reuse.environment_digest()
    monkeypatch.undo()
    real_version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.1" if name == "pandas" else real_version(name))
    reuse.environment_digest.cache_clear()
    other_pandas = reuse.environment_digest()
    monkeypatch.undo()
    reuse.environment_digest.cache_clear()
    assert len({key, other_constraints, other_pandas}) == 3 and reuse.environment_digest() == key
