"""The report runner: fail fast on bad input, survive bad notebooks, publish atomically, index runs.

Kernel-running tests use the tiny fixture notebooks (tests/fixtures/notebooks: no heavy imports)
and the fake ``nq57lib.geography`` and ``nq57lib.data_package`` of ``fixture_specs``, so they test the runner, not the data. The
``tiny_raise``/``tiny_hang``/``tiny_die`` copies fail on purpose in one batch beside a good one.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from nq57lib import cli, config, report_html, results_files, run_record, runner, shipped
from nq57lib.errors import ParameterError
from nq57lib import registry
from nq57lib.registry import SPECS
from nq57lib.provenance import sha256_file

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
sys.path.insert(0, str(FIXTURES))
import fixture_specs  # noqa: E402
from conftest import run_once  # noqa: E402

TITLE = 'Tom & Jerry\'s "report"'  # free text with characters HTML must escape
# A guard against a hang, never a speed check: long enough for a 2-core machine loaded far beyond its cores
# (issue 24: the runner tests pass with 4 busy processes beside them), short enough to end a hung test.
HANG_GUARD_S = 900


@pytest.fixture(scope="session")
def notebooks_dir(tmp_path_factory) -> Path:
    """The fixture notebooks as .ipynb (converted from the jupytext file, as the real ones are); one
    folder for every worker of the run (conftest.run_once), so runs shared between workers name the same
    notebooks, byte for byte."""
    return run_once(tmp_path_factory, "fixture-notebooks", _write_fixture_notebooks)


def _write_fixture_notebooks(folder: Path) -> Path:
    import jupytext
    import nbformat

    nb = jupytext.read(FIXTURES / "tiny.py")
    for name in fixture_specs.FIXTURE_SPECS:
        nbformat.write(nb, folder / f"{name}.ipynb")
    shutil.copy(FIXTURES / "fixture_specs.py", folder)  # imported by the notebooks in their kernel
    return folder


@contextlib.contextmanager
def fixture_env(notebooks_dir: Path):
    with pytest.MonkeyPatch.context() as mp:
        for name, module in fixture_specs.fake_data_modules().items():
            mp.setitem(sys.modules, name, module)
        mp.setattr(registry, "available_geos", fixture_specs.available_geos)
        for name, spec in fixture_specs.FIXTURE_SPECS.items():
            mp.setitem(SPECS, name, spec)
        mp.setattr(config, "NOTEBOOKS_DIR", notebooks_dir)
        mp.setattr(shipped, "committed_cells", shipped.read_cells)  # the fixtures count as committed, unedited
        yield mp


@pytest.fixture
def env(notebooks_dir):
    with fixture_env(notebooks_dir) as mp:
        yield mp


def nq57_run(reports_dir: Path, *args: str) -> tuple[int, str, str]:
    """``nq57 run`` in this process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["run", "--reports-dir", str(reports_dir), *args])
    return code, out.getvalue(), err.getvalue()


def nq57_process(notebooks_dir: Path, reports_dir: Path, *args: str, **popen) -> subprocess.Popen:
    """``nq57 run`` on the fixtures in a separate process (for concurrent and killed runs). Its Ctrl-C is the
    terminal's default even when the suite itself runs with SIGINT ignored (``nohup … &`` in a script ignores
    it, and a child inherits that), as a user's ``nq57 run`` in a terminal has it."""
    code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "sys.path.insert(1, sys.argv[1]); import fixture_specs; sys.exit(fixture_specs.main(sys.argv[2:]))")
    return subprocess.Popen([sys.executable, "-c", code, str(FIXTURES), str(notebooks_dir),
                             "--reports-dir", str(reports_dir), *args],
                            cwd=config.PROJ_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------
# Before any kernel: bad arguments exit 2 with one line, and nothing is written

@pytest.mark.parametrize("args,name", [
    (["-p", "n=0"], "n"),
    (["-p", "n='5'"], "n"),
    (["-p", "n=2.5"], "n"),
    (["-p", "n=True"], "n"),
    (["-p", "mode=explode"], "mode"),
    (["-p", "title=<b>hi</b>"], "title"),
    (["-p", "geo=beta"], "geo"),
    (["-p", "output_dir=/tmp/elsewhere"], "output_dir"),
    (["-p", "horizon_year=2050"], "horizon_year"),
    (["-p", "nn=5"], "nn"),
    (["-p", "n"], "n"),
    (["--geo", "../alpha"], "geo"),
    (["--geo", "/etc"], "geo"),
    (["--geo", "alpah"], "geo"),
    (["--notebook", "tinyy"], "notebook"),
    (["--kernel", "no-such-kernel"], "kernel"),
])
def test_bad_arguments_exit_2_before_any_kernel_starts(env, tmp_path, monkeypatch, args, name):
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    reports = tmp_path / "reports"
    code, out, err = nq57_run(reports, "--notebook", "tiny", "--geo", "alpha", *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"parameter '{name}'" in lines[0], err
    assert not reports.exists()


def test_unusable_reports_dir_exits_2(env, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    (tmp_path / "file").write_text("not a folder")
    code, _, err = nq57_run(tmp_path / "file", "--notebook", "tiny", "--geo", "alpha")
    assert code == 2 and "parameter 'reports-dir': cannot create a run folder" in err


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--timeout", "-1"], ["--timeout", "nan"], ["--jobs", "x"]])
def test_bad_options_are_usage_errors(env, tmp_path, args):
    with pytest.raises(SystemExit) as caught, contextlib.redirect_stderr(io.StringIO()):
        nq57_run(tmp_path / "reports", "--notebook", "tiny", *args)
    assert caught.value.code == 2


def test_plan_dedupes_aliases_and_skips_geographies_without_data(env):
    planned, skipped = runner.plan_jobs(["tiny"], ["alpha", "Alpha Province", "gamma"], {"n": 4})
    assert [(p.notebook, p.geo, p.n) for p in planned] == [("tiny", "alpha", 4)]
    assert skipped == [{"notebook": "tiny", "geo": "gamma", "reason": "no observations of test_indicator"}]
    planned, skipped = runner.plan_jobs(["tiny", "tiny_raise"], ["all"], {})
    assert [(p.notebook, p.geo) for p in planned] == [("tiny", "alpha"), ("tiny", "beta"),
                                                      ("tiny_raise", "alpha"), ("tiny_raise", "beta")]
    assert [s["geo"] for s in skipped] == ["gamma", "gamma"]


def test_a_run_in_which_every_report_is_skipped_exits_2_with_one_line_and_writes_nothing(env, tmp_path):
    """Issue 22, item 9: a batch that runs nothing is not a success (it used to exit 0 with an empty run)."""
    reports = tmp_path / "reports"
    code, out, err = nq57_run(reports, "--notebook", "tiny", "--geo", "gamma")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert "parameter 'geo': nothing to run" in lines[0] and "tiny / gamma: no observations of test_indicator" in lines[0]
    assert not list(reports.glob("runs/*")), "nothing is written for a run that runs nothing"
    two = runner.nothing_to_run([{"notebook": "a", "geo": "x", "reason": "why\nnot"},
                                 {"notebook": "b", "geo": "y", "reason": "other"}])
    assert "\n" not in two and two.endswith("a / x: why not (and 1 more skipped)")


def test_overrides_apply_only_to_notebooks_that_have_the_parameter(env):
    assert runner.parse_overrides(["n=4", "title=x"], ["tiny"]) == {"n": 4, "title": "x"}
    with pytest.raises(ParameterError, match="did you mean 'title'"):
        runner.parse_overrides(["titel=x"], ["tiny"])


def test_list_params_prints_the_parameters_cells(tmp_path):
    code, out, _ = nq57_run(tmp_path, "--list-params", "--notebook", "digital_economy")
    assert code == 0
    assert "horizon_year: int = 2045  # last year projected" in out
    assert not list(tmp_path.iterdir())


def test_default_kernel_is_installed():
    from jupyter_client.kernelspec import KernelSpecManager

    assert runner.pick_kernel(None) in KernelSpecManager().find_kernel_specs()


# ---------------------------------------------------------------------------------------------
# Two real batches into one reports/ folder, inspected by the tests below

@pytest.fixture(scope="module")
def batches(notebooks_dir, tmp_path_factory):
    """Batch 1: a good notebook beside one that raises, one that hangs and one whose kernel dies.
    Batch 2: the good notebook for every geography with data (gamma has none). Once a test run
    (conftest.run_once)."""
    return run_once(tmp_path_factory, "runner-batches", lambda reports: _batches(notebooks_dir, reports))


def _batches(notebooks_dir: Path, reports: Path) -> SimpleNamespace:
    with fixture_env(notebooks_dir):
        t0 = time.perf_counter()
        first = nq57_run(reports, "--notebook", "tiny", "--notebook", "tiny_raise", "--notebook", "tiny_hang",
                         "--notebook", "tiny_die", "--geo", "alpha", "--timeout", "3", "--jobs", "4",
                         "-p", f"title={TITLE}")
        first_s = time.perf_counter() - t0
        second = nq57_run(reports, "--notebook", "tiny", "--geo", "all", "-p", "n=5")
    runs = sorted((reports / "runs").iterdir())
    manifests = [json.loads((run / "manifest.json").read_text(encoding="utf-8")) for run in runs]
    return SimpleNamespace(reports=reports, first=first, second=second, first_s=first_s,
                           m1=manifests[0], m2=manifests[1])


def job(manifest: dict, notebook: str, geo: str = "alpha") -> dict:
    return next(j for j in manifest["jobs"] if (j["notebook"], j["geo"]) == (notebook, geo))


@pytest.mark.slow
def test_failures_do_not_stop_the_batch_and_keep_the_executed_notebook(batches):
    code, out, _ = batches.first
    assert code == 1
    m1, reports = batches.m1, batches.reports
    assert m1["counts"] == {"ok": 1, "failed": 3, "skipped": 0, "not_run": 0}
    assert job(m1, "tiny")["status"] == "ok"
    errors = {nb: job(m1, nb)["error"] for nb in ("tiny_raise", "tiny_hang", "tiny_die")}
    assert errors["tiny_raise"].startswith("RuntimeError: tiny fixture failed on purpose")
    assert errors["tiny_hang"] == "timed out: a cell ran longer than 3 s"
    assert "kernel died" in errors["tiny_die"]
    for nb, error in errors.items():
        record = job(m1, nb)
        executed = reports / record["executed_notebook"]
        assert executed.is_file() and record["report_html"] is None and record["results_dir"] is None
        assert not (executed.parent / "report.html").exists() and not (executed.parent / "results").exists()
        assert f"FAILED {nb} / alpha: {error}" in out and str(executed) in out
    assert "tiny fixture failed on purpose" in (reports / job(m1, "tiny_raise")["executed_notebook"]).read_text()


@pytest.mark.slow
def test_one_warm_worker_replaces_its_kernel_after_each_failure_and_keeps_it_after_success(env, tmp_path):
    """One worker, eight notebooks: a kernel that died, raised or hung is not used again; a good one is, also a
    replacement."""
    reports = tmp_path / "reports"
    code, out, _ = nq57_run(reports, "--notebook", "tiny_die", "--notebook", "tiny", "--notebook", "tiny_raise",
                            "--notebook", "tiny_hang", "--geo", "alpha", "--geo", "beta", "--jobs", "1", "--timeout", "3")
    assert code == 1
    manifest = run_record.read_manifests(reports)[0][0]
    assert manifest["kernels"] == "warm" and manifest["workers"] == 1
    kernels = {}
    for record in manifest["jobs"]:
        executed = json.loads((reports / record["executed_notebook"]).read_text(encoding="utf-8"))
        kernels[(record["notebook"], record["geo"])] = executed["metadata"]["nq57"]["kernel"]
        assert record["status"] == ("ok" if record["notebook"] == "tiny" else "failed"), record
        first_code = next(c for c in executed["cells"] if c["cell_type"] == "code")
        assert first_code["execution_count"] == 1  # the counter starts afresh in a kept kernel too
    numbers = [(k["kernel"], k["notebook_in_kernel"]) for k in kernels.values()]
    # every failure ends its kernel; the third kernel (a replacement) runs both good notebooks and a failure
    assert numbers == [(1, 1), (2, 1), (3, 1), (3, 2), (3, 3), (4, 1), (5, 1), (6, 1)], kernels
    assert "timed out" in job(manifest, "tiny_hang", "beta")["error"]
    assert "kernel died" in job(manifest, "tiny_die", "beta")["error"]
    # nothing imported ahead for notebooks the registry names no kernel imports for (the tests' fixtures)
    assert imported_ahead(reports, job(manifest, "tiny", "alpha")) is False


def imported_ahead(reports: Path, record: dict) -> bool:
    """What the tiny notebook printed: whether its kernel had statsmodels loaded before the notebook's first line."""
    executed = json.loads((reports / record["executed_notebook"]).read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", []))
    answer = printed.split("statsmodels loaded: ")[1].split()[0]
    return {"True": True, "False": False}[answer]


@pytest.mark.slow
def test_a_kept_kernel_imports_what_its_notebooks_registry_entries_name_before_the_first(env, tmp_path):
    """A notebook registered with kernel imports (as the digital-economy report is: statsmodels, whose warning
    filters the fresh namespace must keep) has them loaded before its first line, in a kept kernel."""
    env.setitem(registry.NOTEBOOKS, "tiny", registry.Notebook(
        "tiny", fixture_specs.TINY, "fixture_specs", kernel_imports=registry.DIGITAL_ECONOMY_KERNEL_IMPORTS))
    reports = tmp_path / "reports"
    code, _, _ = nq57_run(reports, "--notebook", "tiny", "--geo", "alpha", "--jobs", "1")
    assert code == 0
    manifest = run_record.read_manifests(reports)[0][0]
    assert imported_ahead(reports, job(manifest, "tiny", "alpha")) is True


def test_fresh_kernels_runs_each_notebook_in_a_kernel_of_its_own(env, tmp_path):
    reports = tmp_path / "reports"
    code, _, _ = nq57_run(reports, "--notebook", "tiny", "--geo", "alpha", "--geo", "beta", "--jobs", "1",
                          "--fresh-kernels")
    assert code == 0
    manifest = run_record.read_manifests(reports)[0][0]
    assert manifest["kernels"] == "fresh"
    for record in manifest["jobs"]:
        executed = json.loads((reports / record["executed_notebook"]).read_text(encoding="utf-8"))
        assert "kernel" not in executed["metadata"].get("nq57", {})  # papermill's own engine, as plain papermill


@pytest.mark.slow
def test_all_geographies_runs_those_with_data_and_skips_the_rest(batches):
    code, out, _ = batches.second
    assert code == 0 and "2 ok, 0 failed, 1 skipped" in out
    assert [(j["geo"], j["status"]) for j in batches.m2["jobs"]] == [("alpha", "ok"), ("beta", "ok")]
    assert batches.m2["skipped"] == [{"notebook": "tiny", "geo": "gamma",
                                      "reason": "no observations of test_indicator"}]


@pytest.mark.slow
def test_manifest_records_parameters_timings_status_and_input_checksums(batches, notebooks_dir):
    m1 = batches.m1
    assert m1["schema"] == run_record.MANIFEST_SCHEMA and m1["overrides"] == {"title": TITLE}
    assert m1["data"]["checksum"] == fixture_specs.DATA_CHECKSUM
    good = job(m1, "tiny")
    assert good["parameters"] == {"geo": "alpha", "lang": "en", "mode": "ok", "n": 3, "title": TITLE}
    assert good["inputs"] == {"notebook": "tiny.ipynb", "notebook_sha256": sha256_file(notebooks_dir / "tiny.ipynb"),
                              "notebook_edited": False, "data_checksum": fixture_specs.DATA_CHECKSUM}
    assert 0 < good["execute_s"] < good["duration_s"] and good["export_s"] > 0


@pytest.mark.slow
def test_report_html_hides_code_and_carries_the_escaped_provenance_header(batches):
    page = (batches.reports / job(batches.m1, "tiny")["report_html"]).read_text(encoding="utf-8")
    assert "validate_parameters" not in page and "import base64" not in page  # no code
    body = page[page.index("<body"):]
    assert "jp-InputArea-editor" not in body and "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body
    # the title and its links come first; the run record is at the end, folded (issue 21)
    assert page.index('<header class="nq57-title">') < page.index('class="jp-Cell')
    header = page[page.index('<footer class="nq57-provenance">'):page.index("</footer>")]
    assert page.rindex('class="jp-Cell') < page.index('<footer class="nq57-provenance">') and "<details>" in header
    # nbconvert re-serializes the page (BeautifulSoup): quotes in text stay, '&' '<' '>' are escaped
    assert html.escape(json.dumps(TITLE), quote=False) in header and TITLE not in page
    assert "0.0.0-test&lt;&amp;&gt;" in header and "test<&>" not in page
    assert fixture_specs.DATA_CHECKSUM in header and results_files.package_version() in header
    assert "<title>Tiny fixture report — alpha</title>" in page
    assert "data:image/png;base64," in page  # the figure is embedded
    assert report_html.external_references(page) == [] and "<script src" not in page


@pytest.mark.slow
def test_results_are_published_only_for_successful_runs(batches):
    for manifest, n in ((batches.m1, 3), (batches.m2, 5)):
        record = job(manifest, "tiny")
        results = json.loads((batches.reports / record["results_dir"] / "results.json").read_text(encoding="utf-8"))
        assert results["parameters"]["n"] == n and results["tables"]["series"]["n_rows"] == n
        assert results["data"] == {"version": fixture_specs.DATA_VERSION, "checksum": fixture_specs.DATA_CHECKSUM,
                                   "extra_files": []}
    leftovers = [p for p in batches.reports.rglob("*") if p.name.startswith(".") and p.name != ".index.lock"]
    assert leftovers == []


@pytest.mark.slow
def test_index_links_every_run_and_the_latest_report_of_each(batches):
    reports = batches.reports
    page = (reports / "index.html").read_text(encoding="utf-8")
    for manifest in (batches.m1, batches.m2):
        assert f"Run {manifest['run_id']}" in page
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert [(r["notebook"], r["geo"], r["run_id"]) for r in latest] == [
        ("tiny", "alpha", batches.m2["run_id"]), ("tiny", "beta", batches.m2["run_id"])]
    import re

    links = re.findall(r'href="([^"]+)"', page)
    assert links and all((reports / html.unescape(link)).is_file() for link in links)
    assert report_html.external_references(page) == []
    assert "0.0.0-test&lt;&amp;&gt;" in page and "test<&>" not in page


# ---------------------------------------------------------------------------------------------
# Faults: concurrent runs, a run killed hard

@pytest.mark.slow
def test_two_runs_at_once_into_one_reports_folder(notebooks_dir, tmp_path):
    reports = tmp_path / "reports"
    procs = [nq57_process(notebooks_dir, reports, "--notebook", "tiny", "--geo", geo, "--jobs", "1")
             for geo in ("alpha", "beta")]
    outputs = [proc.communicate(timeout=HANG_GUARD_S) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    manifests, incomplete = run_record.read_manifests(reports)
    assert len(manifests) == 2 and incomplete == []
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert all(f"Run {m['run_id']}" in page for m in manifests)
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert sorted(r["geo"] for r in latest) == ["alpha", "beta"]


@pytest.mark.slow
def test_a_run_killed_hard_leaves_no_file_at_a_final_path(notebooks_dir, tmp_path, env):
    reports = tmp_path / "reports"
    proc = nq57_process(notebooks_dir, reports, "--notebook", "tiny", "--notebook", "tiny_hang", "--geo", "alpha",
                        "--timeout", str(HANG_GUARD_S), "--jobs", "2", start_new_session=True)
    deadline = time.monotonic() + HANG_GUARD_S
    while not list(reports.glob("runs/*/tiny/alpha/report.html")):  # one job done, one hanging
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its worker processes, mid-batch
    proc.communicate()
    run_dir = next((reports / "runs").iterdir())
    assert not (run_dir / "manifest.json").exists()
    hung = run_dir / "tiny_hang" / "alpha"
    assert not any((hung / name).exists() for name in ("notebook.ipynb", "report.html", "results"))
    final = [p for p in files_under(reports) if not p.name.startswith(".")]
    assert all(p.name in ("report.html", "notebook.ipynb", "results.json", "series.csv") for p in final)

    code, out, _ = nq57_run(reports, "--notebook", "tiny", "--geo", "alpha")  # the next run is unaffected
    assert code == 0
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert f"Run {run_dir.name}: no manifest" in page


@pytest.mark.slow
def test_ctrl_c_stops_running_notebooks_and_records_the_finished_ones(notebooks_dir, tmp_path):
    reports = tmp_path / "reports"
    proc = nq57_process(notebooks_dir, reports, "--notebook", "tiny", "--notebook", "tiny_hang", "--geo", "alpha",
                        "--timeout", str(HANG_GUARD_S), "--jobs", "2", start_new_session=True)
    deadline = time.monotonic() + HANG_GUARD_S
    while not list(reports.glob("runs/*/tiny/alpha/report.html")):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    time.sleep(0.5)  # let the runner record the finished job
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    out, _ = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == 130
    manifests, _ = run_record.read_manifests(reports)
    assert manifests[0]["interrupted"] is True
    assert [(j["notebook"], j["status"]) for j in manifests[0]["jobs"]] == [("tiny", "ok")]
    assert manifests[0]["counts"]["not_run"] == 1 and "interrupted: 1 notebook(s) did not finish" in out
    hung = reports / "runs" / manifests[0]["run_id"] / "tiny_hang" / "alpha"
    assert not (hung / "notebook.ipynb").exists() and not (hung / "report.html").exists()


# ---------------------------------------------------------------------------------------------
# Library parts without kernels

def test_a_job_process_that_dies_fails_only_its_own_job(tmp_path, monkeypatch):
    def execute(job, kernel=None):
        if job.geo == "beta":
            os._exit(3)  # a crash of the process itself (not of the kernel)
        return {"notebook": job.notebook, "geo": job.geo, "status": "ok", "error": None}

    monkeypatch.setattr(runner, "execute_job", execute)  # job processes are forked: they see this
    jobs = [runner.Job(notebook="tiny", geo=geo, parameters={}, input_path="", notebook_sha256="", kernel="",
                       timeout_s=1, reports_dir=str(tmp_path), job_dir=f"runs/r/tiny/{geo}", run_id="r")
            for geo in ("alpha", "beta", "gamma")]
    records = []
    runner.run_jobs(jobs, 2, records.append)
    by_geo = {r["geo"]: r for r in records}
    assert by_geo["alpha"]["status"] == by_geo["gamma"]["status"] == "ok"
    assert by_geo["beta"]["status"] == "failed" and "exit code 3" in by_geo["beta"]["error"]


def run_tiny_jobs_where_the_first_worker_dies(tmp_path, monkeypatch, geos, die) -> list[dict]:
    """``run_jobs`` of one trivial job per geography on one fresh-kernel worker at a time, where the first
    worker forked calls ``die()`` before reading any job (it must not return); the records."""
    real_worker = runner._worker_process
    marker = tmp_path / "first-worker-died"

    def worker(connection, *args):
        if not marker.exists():
            marker.touch()
            die()
        real_worker(connection, *args)

    def execute(job, kernel=None):
        return {"notebook": job.notebook, "geo": job.geo, "status": "ok", "error": None}

    monkeypatch.setattr(runner, "_worker_process", worker)
    monkeypatch.setattr(runner, "execute_job", execute)
    jobs = [runner.Job(notebook="tiny", geo=geo, parameters={}, input_path="", notebook_sha256="", kernel="",
                       timeout_s=1, reports_dir=str(tmp_path), job_dir=f"runs/r/tiny/{geo}", run_id="r")
            for geo in geos]
    records = []
    runner.run_jobs(jobs, 1, records.append, fresh_kernels=True)
    assert marker.exists()
    return records


def test_a_worker_that_dies_before_taking_its_job_is_replaced_and_the_job_runs(tmp_path, monkeypatch):
    records = run_tiny_jobs_where_the_first_worker_dies(tmp_path, monkeypatch, ("alpha", "beta", "gamma"),
                                                        lambda: os._exit(9))
    assert sorted((r["geo"], r["status"]) for r in records) == [("alpha", "ok"), ("beta", "ok"), ("gamma", "ok")]


def test_a_dead_worker_is_seen_even_while_another_process_holds_its_pipe(tmp_path, monkeypatch):
    # A process forked while a worker's pipe is open (here the worker's own child; in a test
    # session, any thread that forks) keeps the pipe from reporting end-of-file: the runner must
    # notice the worker's exit from the process itself, or it waits for as long as that copy lives.
    holder_pid = tmp_path / "holder.pid"

    def fork_a_holder_then_die():
        pid = os.fork()
        if pid == 0:  # the holder: keeps the worker's end of the pipe open for 30 s
            time.sleep(30)
            os._exit(0)
        holder_pid.write_text(str(pid))
        os._exit(9)

    started = time.monotonic()
    try:
        records = run_tiny_jobs_where_the_first_worker_dies(tmp_path, monkeypatch, ("alpha",), fork_a_holder_then_die)
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(holder_pid.read_text()), signal.SIGKILL)
    assert [(r["geo"], r["status"]) for r in records] == [("alpha", "ok")]
    assert time.monotonic() - started < 20


def test_atomic_write_leaves_no_temp_file_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    results_files.atomic_write_text(target, "first")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        results_files.atomic_write_text(target, "second")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_save_results_is_byte_identical_across_runs_and_processes(tmp_path, monkeypatch):
    for name, module in fixture_specs.fake_data_modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setitem(SPECS, "tiny", fixture_specs.TINY)
    fixture_specs.write_sample_results(tmp_path / "a")
    fixture_specs.write_sample_results(tmp_path / "b")
    code = ("import sys; sys.path.insert(1, sys.argv[1]); import fixture_specs; fixture_specs.install(); "
            "fixture_specs.write_sample_results(sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, str(FIXTURES), str(tmp_path / "c")], cwd=config.PROJ_ROOT,
                   check=True, env={**os.environ, "PYTHONHASHSEED": "123"})
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["by_geo.csv", "results.json", "series.csv"]
    for name in names:
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes(), name

    results = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))
    assert list(results) == sorted(results)
    assert results["scalars"] == {"missing": None, "n_years": 4, "nested": {"a": True, "z": [1, 2.5, None]},
                                  "note": "Vĩnh Phúc", "total_pct": 0.3}
    assert results["parameters"] == {"geo": "beta", "lang": "en", "mode": "ok", "n": 4, "title": "Tiny"}
    assert results["tables"]["by_geo"]["columns"] == ["geo_id", "value"]  # a named index is kept
    assert (tmp_path / "a" / "series.csv").read_text(encoding="utf-8").splitlines()[1:3] == ["2025,0.3,a", "2026,0.4,b"]


@pytest.mark.parametrize("kwargs,match", [
    ({"scalars": {"x": float("inf")}}, "infinite"),
    ({"scalars": {"x": object()}}, "type object"),
    ({"tables": {"Bad Name": None}}, "lower-case slug"),
    ({"tables": {"../up": None}}, "lower-case slug"),
    ({"tables": {"results": None}}, "other than 'results'"),
    ({"tables": {"t": [1, 2]}}, "DataFrame"),
])
def test_save_results_rejects_what_it_cannot_write_faithfully(tmp_path, monkeypatch, kwargs, match):
    for name, module in fixture_specs.fake_data_modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setitem(SPECS, "tiny", fixture_specs.TINY)
    import pandas as pd

    from nq57lib.params import validate_parameters

    P = validate_parameters("tiny", output_dir=str(tmp_path / "out"))
    with pytest.raises(ParameterError, match=match):
        results_files.save_results(P, **{"tables": {"fine": pd.DataFrame({"a": [1]})}, **kwargs})
    assert not (tmp_path / "out").exists()  # checked before anything is written


def test_html_export_refuses_remote_resources_but_keeps_plain_links():
    import nbformat.v4 as v4

    with pytest.raises(ValueError, match="offline"):
        report_html.notebook_to_html(v4.new_notebook(cells=[v4.new_markdown_cell("![x](https://example.org/x.png)")]),
                                "t", "")
    page = report_html.notebook_to_html(v4.new_notebook(cells=[v4.new_markdown_cell("[src](https://example.org/a)")]),
                                   "t", "")
    assert 'href="https://example.org/a"' in page


@pytest.mark.parametrize("snippet,remote", [
    ('<script src="https://cdn.example/x.js"></script>', True),
    ("<img src='//cdn.example/x.png'>", True),
    ('<link rel="stylesheet" href="http://cdn.example/x.css">', True),
    ("<style>@import 'https://fonts.example/f.css';</style>", True),
    ('<div style="background: url(https://x.example/a.png)"></div>', True),
    ('<a href="https://example.org">source</a>', False),
    ('<img src="data:image/png;base64,AAAA">', False),
    ("see https://example.org in the text", False),
])
def test_external_references(snippet, remote):
    assert bool(report_html.external_references(snippet)) is remote


def test_provenance_header_escapes_every_value():
    header = report_html.provenance_header_html(
        "<b>T</b>", {"title": "<script>x</script>", "n": 3}, {"version": "1<2", "checksum": "&"}, "0.1", "r&d",
        "2025-01-01T00:00:00Z", lang="vi")
    assert "<script>" not in header and "<b>" not in header and "1&lt;2" in header and "r&amp;d" in header
    assert "Tham số" in header


# ---------------------------------------------------------------------------------------------
# Issue 24, cases 1 and 4: an edited notebook is a what-if in a kernel of its own; X.py and X.ipynb agree.

# An IPython AST transformer (process-wide, untouched by the warm kernel's reset) that turns every literal 3
# into 4: the fixture's default n = 3 becomes 4 rows, while the manifest would still say n = 3.
TRANSFORMER = """import ast
class Three(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.copy_location(ast.Constant(4), node) if node.value == 3 else node
get_ipython().ast_transformers.append(Three())"""


@pytest.fixture
def edited_env(env, notebooks_dir, tmp_path):
    """The fixtures in a folder of their own, ``tiny_raise`` edited (a first cell that installs TRANSFORMER);
    the committed notebooks are the session's unedited fixtures."""
    import nbformat

    folder = tmp_path / "notebooks"
    shutil.copytree(notebooks_dir, folder)
    nb = nbformat.read(folder / "tiny_raise.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(TRANSFORMER))
    nbformat.write(nb, folder / "tiny_raise.ipynb")
    env.setattr(config, "NOTEBOOKS_DIR", folder)
    env.setattr(shipped, "committed_cells", lambda path: shipped.read_cells(notebooks_dir / Path(path).name))
    return folder


@pytest.mark.slow
def test_an_edited_notebook_runs_in_a_kernel_of_its_own_and_is_a_what_if(edited_env, tmp_path):
    reports = tmp_path / "reports"
    code, out, err = nq57_run(reports, "--notebook", "tiny_raise", "--notebook", "tiny", "--geo", "alpha",
                              "-p", "mode=ok", "--jobs", "1")
    assert code == 0, out + err
    manifest = run_record.read_manifests(reports)[0][0]
    edited, shipped_job = job(manifest, "tiny_raise"), job(manifest, "tiny")
    assert edited["inputs"]["notebook_edited"] is True and shipped_job["inputs"]["notebook_edited"] is False
    assert manifest["notebooks"]["tiny_raise"]["edited"] is True
    for record, warm in ((edited, False), (shipped_job, True)):
        executed = json.loads((reports / record["executed_notebook"]).read_text(encoding="utf-8"))
        assert ("kernel" in executed["metadata"].get("nq57", {})) is warm
    # the edited notebook's transformer reached its own kernel only: the next notebook computed with n = 3
    edited_rows = json.loads((reports / edited["results_dir"] / "results.json").read_text(encoding="utf-8"))
    rows = json.loads((reports / shipped_job["results_dir"] / "results.json").read_text(encoding="utf-8"))
    assert edited_rows["scalars"]["total_pct"] != rows["scalars"]["total_pct"]
    assert rows["parameters"]["n"] == 3 and rows["scalars"]["total_pct"] == pytest.approx(1.0)
    latest = {(r["notebook"], r["what_if"]) for r in
              json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]}
    assert latest == {("tiny_raise", True), ("tiny", False)}
    assert "edited notebook" in (reports / "index.html").read_text(encoding="utf-8")


def test_an_edit_of_the_py_not_synced_into_the_ipynb_stops_the_run(edited_env, tmp_path):
    import jupytext

    nb = jupytext.read(edited_env / "tiny.ipynb")
    jupytext.write(nb, edited_env / "tiny.py", fmt="py:percent")
    runner.select_notebooks(["tiny"])  # in sync: fine
    nb.cells[-1].source += "\nprint('an edit made in the .py')"
    jupytext.write(nb, edited_env / "tiny.py", fmt="py:percent")
    code, out, err = nq57_run(tmp_path / "reports", "--notebook", "tiny", "--geo", "alpha")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "tiny.ipynb and tiny.py differ" in lines[0], err
    assert f"jupytext --sync {edited_env / 'tiny.py'}" in lines[0] or "jupytext --sync" in lines[0]
    assert not (tmp_path / "reports").exists()
