"""The DAG on real Airflow: ``airflow dags test nq57_reports`` with its default parameters, in the
Airflow environment ``make airflow-env`` builds, against a throwaway SQLite metadata database.

Every task succeeds, the publish task writes what ``nq57 run`` writes (reports, results, a manifest,
the index), and each ``results.json`` and results table equals those of ``nq57 run`` with the same
(default) parameters. The kernel is found the way the README says: ``nq57 kernel install --user``,
with ``HOME`` in a temporary folder.

Needs ``.venv-airflow`` (or ``$NQ57_AIRFLOW_VENV``): ``.ci/run`` builds it. Outside CI the test is
skipped when it is missing; in CI (``CI`` set) its absence is a failure.
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

from conftest import run_once
from nq57lib import config

AIRFLOW_VENV = Path(os.environ.get("NQ57_AIRFLOW_VENV") or config.PROJ_ROOT / ".venv-airflow")
AIRFLOW = AIRFLOW_VENV / "bin" / "airflow"
NOTEBOOKS = ("budget_floor", "digital_economy", "scorecard")

pytestmark = pytest.mark.slow

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
            "NQ57_PYTHON": sys.executable, "NQ57_REPORTS_DIR": str(tmp / "reports")}


@pytest.fixture(scope="module")
def dag_run(tmp_path_factory):
    """One ``airflow dags test`` of the DAG with its defaults, once a test run (conftest.run_once);
    returns (tmp folder, output, seconds)."""
    return run_once(tmp_path_factory, "airflow-dags-test", _dag_run)


def _dag_run(tmp: Path):
    env = airflow_env(tmp)
    nq57 = Path(sys.executable).with_name("nq57")
    subprocess.run([str(nq57), "kernel", "install", "--user"], env=env, check=True, capture_output=True)
    migrate = subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, capture_output=True, text=True, timeout=600)
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]
    start = time.perf_counter()
    out = subprocess.run([str(AIRFLOW), "dags", "test", "nq57_reports"], env=env, cwd=tmp, capture_output=True,
                         text=True, timeout=1800)
    seconds = time.perf_counter() - start
    (tmp / "dags-test.log").write_text(out.stdout + out.stderr, encoding="utf-8")
    print(f"airflow dags test nq57_reports: {seconds:.0f} s (log: {tmp / 'dags-test.log'})")
    return tmp, out, seconds


def test_every_task_succeeded(dag_run):
    tmp, out, _ = dag_run
    with sqlite3.connect(tmp / "airflow.db") as db:
        rows = db.execute("SELECT task_id, map_index, state FROM task_instance WHERE dag_id = 'nq57_reports'").fetchall()
        runs = db.execute("SELECT state FROM dag_run WHERE dag_id = 'nq57_reports'").fetchall()
    assert runs == [("success",)], f"see {tmp / 'dags-test.log'}"
    assert sorted(rows) == sorted([("plan", -1, "success"), ("papermill_jobs", -1, "success"),
                                   ("publish", -1, "success")] + [("execute", i, "success") for i in range(9)])


def test_publish_writes_what_nq57_run_writes(dag_run):
    tmp, _, _ = dag_run
    reports = tmp / "reports"
    manifests = list(reports.glob("runs/*/manifest.json"))
    assert len(manifests) == 1
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
    latest = json.loads((reports / "latest.json").read_text(encoding="utf-8"))["reports"]
    assert len(latest) == 9 and all(r["run_id"] == manifest["run_id"] for r in latest)
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(j["report_html"] in index for j in manifest["jobs"])


def test_results_equal_those_of_nq57_run(dag_run, report_run):
    tmp, _, _ = dag_run
    run_reports, run_manifest = report_run
    compared = 0
    for job in run_manifest["jobs"]:
        ours = run_reports / job["results_dir"]
        theirs = next((tmp / "reports").glob(f"runs/*/{job['notebook']}/{job['geo']}/results"))
        assert sorted(p.name for p in theirs.iterdir()) == sorted(p.name for p in ours.iterdir())
        assert json.loads((theirs / "results.json").read_text(encoding="utf-8")) == \
            json.loads((ours / "results.json").read_text(encoding="utf-8")), job["results_dir"]
        for table in ours.glob("*.csv"):
            assert (theirs / table.name).read_bytes() == table.read_bytes(), (job["results_dir"], table.name)
        compared += 1
    assert compared == 9
