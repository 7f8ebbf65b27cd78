"""The DAG on real Airflow: ``airflow dags test nq57_reports``, in the Airflow environment ``make
airflow-env`` builds, against a throwaway SQLite metadata database set up with the README's steps.

- With its default parameters every task succeeds, the publish task writes what ``nq57 run`` writes
  (reports, results, a manifest, the index), and each ``results.json`` and results table equals those
  of ``nq57 run`` with the same (default) parameters; run again, every report is reused, no notebook runs.
- Issue 24: a bad kernel name and an unknown geography each end in a failed DAG run, are not retried,
  call the failure callback and leave the index and ``latest.json`` as they were; a trigger-time value
  written as a template (``{{ var.value.secret_token }}``) is used as text, never evaluated; the schedule
  is stated in Vietnam's time; the notebook tasks run in the pool ``nq57_kernels``; ``airflow dags list``
  lists the DAG without import errors.

The kernel is found the way the README says: ``nq57 kernel install --user``, with ``HOME`` in a
temporary folder. Needs ``.venv-airflow`` (or ``$NQ57_AIRFLOW_VENV``): ``.ci/run`` builds it. Outside
CI the test is skipped when it is missing; in CI (``CI`` set) its absence is a failure.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nq57lib import config, run_record

AIRFLOW_VENV = Path(os.environ.get("NQ57_AIRFLOW_VENV") or config.PROJ_ROOT / ".venv-airflow")
AIRFLOW = AIRFLOW_VENV / "bin" / "airflow"
NOTEBOOKS = ("budget_floor", "digital_economy", "scorecard")
SECRET = "S3CRET-token-5f2c"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("airflow")]

if not AIRFLOW.is_file():
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must build the Airflow environment ({AIRFLOW} missing; see .ci/run: make airflow-env)")
    pytest.skip(f"Airflow environment not built ({AIRFLOW} missing; run: make airflow-env)", allow_module_level=True)


def airflow_env(tmp: Path) -> dict[str, str]:
    """A clean environment for Airflow: its home, SQLite database, DAG folder and reports in ``tmp``."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("AIRFLOW", "JUPYTER", "NQ57_", "XDG_")) and k not in ("HOME", "PYTHONPATH")}
    return {**keep, "HOME": str(tmp / "home"), "AIRFLOW_HOME": str(tmp / "airflow"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp / 'airflow.db'}",
            "AIRFLOW__CORE__DAGS_FOLDER": str(config.PROJ_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # importing Airflow and the papermill provider takes seconds; on a loaded test machine more than
            # the default 30 s DAG import timeout (seen at a load average of 18 on 2 cores)
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600", "AIRFLOW__CORE__DAG_FILE_PROCESSOR_TIMEOUT": "900",
            "NQ57_PYTHON": sys.executable, "NQ57_REPORTS_DIR": str(tmp / "reports")}


def airflow(env: dict, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(AIRFLOW), *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Airflow set up as the README says (kernel, database, pool), plus a Variable holding a secret."""
    tmp = tmp_path_factory.mktemp("airflow")
    env = airflow_env(tmp)
    nq57 = Path(sys.executable).with_name("nq57")
    subprocess.run([str(nq57), "kernel", "install", "--user"], env=env, check=True, capture_output=True)
    for step in (["db", "migrate"], ["pools", "set", "nq57_kernels", "2", "kernels of nq57 report notebooks"],
                 ["variables", "set", "secret_token", SECRET]):
        done = airflow(env, *step)
        assert done.returncode == 0, (step, done.stdout[-3000:] + done.stderr[-3000:])
    return tmp, env


def dags_test(home, name: str, conf: dict | None = None, reports: Path | None = None) -> dict:
    """One ``airflow dags test nq57_reports`` (with ``conf``); its DAG run's state, tasks and log."""
    tmp, env = home
    env = dict(env, **({"NQ57_REPORTS_DIR": str(reports)} if reports else {}))
    with sqlite3.connect(tmp / "airflow.db") as db:
        before = {r for (r,) in db.execute("SELECT run_id FROM dag_run WHERE dag_id = 'nq57_reports'")}
    args = ["dags", "test", "nq57_reports"] + (["--conf", json.dumps(conf)] if conf is not None else [])
    start = time.perf_counter()
    out = subprocess.run([str(AIRFLOW), *args], env=env, cwd=tmp, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    log = tmp / f"dags-test-{name}.log"
    log.write_text(out.stdout + out.stderr, encoding="utf-8")
    print(f"airflow dags test nq57_reports ({name}): {seconds:.0f} s (log: {log})")
    with sqlite3.connect(tmp / "airflow.db") as db:
        runs = [r for r in db.execute("SELECT run_id, state FROM dag_run WHERE dag_id = 'nq57_reports'")
                if r[0] not in before]
        assert len(runs) == 1, f"see {log}"
        tasks = db.execute("SELECT task_id, map_index, state, try_number FROM task_instance "
                           "WHERE dag_id = 'nq57_reports' AND run_id = ?", (runs[0][0],)).fetchall()
    return {"state": runs[0][1], "tasks": {(t, i): (s, n) for t, i, s, n in tasks}, "log": out.stdout + out.stderr,
            "log_path": log, "seconds": seconds}


@pytest.fixture(scope="module")
def dag_run(home):
    """``airflow dags test`` with the DAG's defaults, then once more with nothing changed."""
    tmp, _ = home
    first = dags_test(home, "defaults")
    second = dags_test(home, "defaults-again")
    return tmp, first, second


def test_every_task_succeeded(dag_run):
    _, first, _ = dag_run
    assert first["state"] == "success", f"see {first['log_path']}"
    assert {k: s for k, (s, _) in first["tasks"].items()} == {
        **{(t, -1): "success" for t in ("trigger_conf", "plan", "papermill_jobs", "publish", "outcome")},
        **{("execute", i): "success" for i in range(9)}}


def test_publish_writes_what_nq57_run_writes(dag_run):
    tmp, _, _ = dag_run
    reports = tmp / "reports"
    manifests = sorted(reports.glob("runs/*/manifest.json"))
    assert len(manifests) == 2
    manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
    assert manifest["runner"] == "airflow" and manifest["kernel"] == "nq57"
    assert manifest["counts"] == {"ok": 9, "failed": 0, "skipped": 0, "not_run": 0}
    assert {(j["notebook"], j["geo"]) for j in manifest["jobs"]} == {
        (n, g) for n in NOTEBOOKS for g in config.DEFAULT_REPORT_GEOS}
    for job in manifest["jobs"]:
        for key in ("executed_notebook", "report_html"):
            assert (reports / job[key]).is_file(), job[key]
        assert (reports / job["results_dir"] / "results.json").is_file()
    assert not [p for p in reports.rglob(".*partial*")]  # staging files were moved into place
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(j["report_html"] in index for j in manifest["jobs"])


def test_unchanged_reports_are_reused(dag_run):
    tmp, _, second = dag_run
    assert second["state"] == "success", f"see {second['log_path']}"
    states = {k: s for k, (s, _) in second["tasks"].items()}
    assert states[("publish", -1)] == "success" and states[("outcome", -1)] == "success"
    assert not [k for k, s in states.items() if k[0] == "execute" and s == "success"]  # no notebook ran
    reports = tmp / "reports"
    newest = sorted(reports.glob("runs/*/manifest.json"))[-1]
    manifest = json.loads(newest.read_text(encoding="utf-8"))
    assert manifest["reused"] == 9 and all(j.get("reused") for j in manifest["jobs"])
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert len(latest) == 9 and all(r["run_id"] == manifest["run_id"] for r in latest)


def test_results_equal_those_of_nq57_run(dag_run, report_run):
    tmp, _, _ = dag_run
    run_reports, run_manifest = report_run
    first = sorted((tmp / "reports").glob("runs/*/manifest.json"))[0].parent
    compared = 0
    for job in run_manifest["jobs"]:
        ours = run_reports / job["results_dir"]
        theirs = first / job["notebook"] / job["geo"] / "results"
        assert sorted(p.name for p in theirs.iterdir()) == sorted(p.name for p in ours.iterdir())
        assert json.loads((theirs / "results.json").read_text(encoding="utf-8")) == \
            json.loads((ours / "results.json").read_text(encoding="utf-8")), job["results_dir"]
        for table in ours.glob("*.csv"):
            assert (theirs / table.name).read_bytes() == table.read_bytes(), (job["results_dir"], table.name)
        compared += 1
    assert compared == 9


# ---------------------------------------------------------------------------------------------
# Issue 24: failures fail the DAG run, are not retried, call the callback and leave the index alone

def reports_with_an_index(folder: Path) -> dict[str, bytes]:
    """A reports folder with an index and latest.json already there; returns their bytes."""
    folder.mkdir(parents=True)
    run_record.update_index(folder, "2026-01-01T00:00:00Z")
    return {name: (folder / name).read_bytes() for name in ("index.html", "latest.json")}


@pytest.mark.parametrize("case, conf, failing_task", [
    ("bad-kernel", {"kernel": "nq57-typo"}, "trigger_conf"),
    ("unknown-geography", {"geos": ["atlantis"]}, "plan"),
])
def test_a_failed_batch_fails_the_dag_run_and_leaves_the_index(home, case, conf, failing_task):
    tmp, _ = home
    reports = tmp / f"reports-{case}"
    before = reports_with_an_index(reports)
    result = dags_test(home, case, conf, reports=reports)
    assert result["state"] == "failed", f"see {result['log_path']}"
    tasks = result["tasks"]
    assert tasks[(failing_task, -1)] == ("failed", 1), "a validation error is not retried"
    assert tasks[("publish", -1)][0] == "upstream_failed"
    assert not [k for k, (s, _) in tasks.items() if k[0] == "execute" and s == "success"]
    assert {name: (reports / name).read_bytes() for name in before} == before  # index and latest.json unchanged
    assert not list(reports.glob("runs/*/manifest.json"))
    assert f"nq57_reports FAILED: run " in result["log"] and f"task {failing_task}: " in result["log"]
    assert "TypeError" not in result["log"]


def test_trigger_time_values_are_never_templates(home):
    tmp, _ = home
    folder = tmp / "rep-{{ var.value.secret_token }}"
    result = dags_test(home, "template-in-conf", {"notebooks": ["budget_floor"], "geos": ["vn"],
                                                  "reports_dir": str(folder), "force": True})
    assert SECRET not in result["log"]
    assert result["state"] == "success", f"see {result['log_path']}"
    (manifest,) = folder.glob("runs/*/manifest.json")  # the folder is the literal text, braces and all
    assert json.loads(manifest.read_text(encoding="utf-8"))["counts"]["ok"] == 1
    assert not [p for p in tmp.iterdir() if SECRET in p.name]


# ---------------------------------------------------------------------------------------------
# The DAG as Airflow loads it: listed, scheduled in Vietnam's time, notebook tasks in the pool

def test_airflow_dags_list_after_the_readme_steps(home):
    _, env = home
    listed = airflow(env, "dags", "list", "--output", "json")
    assert listed.returncode == 0, listed.stderr[-3000:]
    (table,) = [line for line in listed.stdout.splitlines() if line.startswith("[{")]  # log lines aside
    assert "nq57_reports" in [d["dag_id"] for d in json.loads(table)]
    errors = airflow(env, "dags", "list-import-errors", "--output", "json")
    assert "nq57_reports.py" not in errors.stdout, errors.stdout


SCHEDULE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import pendulum
import nq57_reports as m
from airflow.timetables.base import TimeRestriction
from airflow.timetables.trigger import CronTriggerTimetable

dag = m.dag
table = CronTriggerTimetable(dag.timetable.expression, timezone=dag.timetable.timezone)
after = pendulum.datetime(2027, 3, 6, 12, tz="UTC")  # a Saturday
info = table.next_dagrun_info(last_automated_data_interval=None,
                              restriction=TimeRestriction(earliest=after, latest=None, catchup=True))
print(json.dumps({"tz": dag.timezone.name, "next_utc": info.run_after.in_timezone("UTC").isoformat(),
                  "pool": dag.get_task("execute").pool,
                  "callbacks": [bool(dag.get_task(t).on_failure_callback) for t in dag.task_ids]}))
"""


def test_schedule_in_vietnam_time_and_kernels_in_a_pool(home):
    _, env = home
    done = subprocess.run([str(AIRFLOW_VENV / "bin" / "python"), "-c", SCHEDULE, str(config.PROJ_ROOT / "dags")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    described = json.loads(done.stdout.strip().splitlines()[-1])
    assert described["tz"] == "Asia/Ho_Chi_Minh"
    assert described["next_utc"] == "2027-03-07T23:00:00+00:00"  # Monday 8 March 06:00 in Vietnam (UTC+7)
    assert described["pool"] == "nq57_kernels"
    assert described["callbacks"] and all(described["callbacks"])
