"""nq57 reports on Airflow 3: the batch ``nq57 run`` does, as one task per notebook and geography.

    plan ──> papermill_jobs ──> execute (one mapped task per notebook x geography) ──> publish

- ``plan`` checks every parameter and creates the run folder (``nq57lib.runner.plan_run``, the
  planning step of ``nq57 run``): a bad parameter fails here, before any kernel starts.
- ``execute`` runs each notebook with the papermill provider's ``PapermillOperator`` on the
  Jupyter kernel ``nq57`` (``nq57 kernel install --user`` makes it visible to the worker).
- ``publish`` renders every executed notebook into the report HTML, results, the run manifest and
  the index (``nq57lib.render``, the step ``nq57 render`` and ``nq57 run`` use); it runs even when
  some notebooks failed, records them, and then fails so the DAG run shows the failure.

``plan`` and ``publish`` run in nq57's own environment (``ExternalPythonOperator``), so Airflow
and nq57 never share one set of dependencies: the Airflow environment needs only Airflow and the
papermill provider (``make airflow-env``: pinned in ``constraints-airflow.txt``).

Trigger-time parameters (``airflow dags trigger nq57_reports --conf '{...}'``), empty for the
defaults of ``nq57 run``: ``notebooks``, ``geos`` (``["all"]``: every geography with data),
``overrides`` (notebook parameters, e.g. ``{"lang": "vi"}``), ``reports_dir``, ``kernel``.

Environment of the scheduler and workers: ``NQ57_HOME`` (the nq57 clone; default: the folder
above this file), ``NQ57_PYTHON`` (nq57's Python; default ``$NQ57_HOME/.venv/bin/python``),
``NQ57_REPORTS_DIR`` (default ``$NQ57_HOME/reports``), ``NQ57_AIRFLOW_CONCURRENCY`` (notebooks run
at once per DAG run; default 2), ``NQ57_AIRFLOW_TASK_TIMEOUT_MIN`` (per notebook; default 30).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.papermill.operators.papermill import PapermillOperator
from airflow.sdk import DAG, Param, task

NQ57_HOME = Path(os.environ.get("NQ57_HOME") or Path(__file__).resolve().parent.parent)
NQ57_PYTHON = os.environ.get("NQ57_PYTHON") or str(NQ57_HOME / ".venv" / "bin" / "python")
CONCURRENCY = int(os.environ.get("NQ57_AIRFLOW_CONCURRENCY") or 2)
TASK_TIMEOUT = timedelta(minutes=float(os.environ.get("NQ57_AIRFLOW_TASK_TIMEOUT_MIN") or 30))


@task.external_python(python=NQ57_PYTHON, expect_airflow=False, retries=0)
def plan(notebooks: str, geos: str, overrides: str, reports_dir: str) -> dict:
    """Check every (notebook, geography) and its parameters; create the run folder. Runs in nq57's env.

    The list and dict parameters arrive as JSON text (templates render text).
    """
    import json

    from nq57lib.runner import plan_run

    return plan_run(json.loads(notebooks), json.loads(geos), json.loads(overrides), reports_dir or None)


@task
def papermill_jobs(batch: dict) -> list[dict]:
    """One set of ``PapermillOperator`` arguments per planned job."""
    return [{"input_nb": job["input_nb"], "output_nb": job["output_nb"],
             "parameters": {**job["parameters"], "output_dir": job["output_dir"]}}
            for job in batch["jobs"]]


@task.external_python(python=NQ57_PYTHON, expect_airflow=False, trigger_rule="all_done", retries=1)
def publish(batch: dict, kernel: str) -> dict:
    """Render every executed notebook, write the manifest and the index; fail if a notebook failed."""
    from nq57lib.render import render_planned

    manifest = render_planned(batch, runner="airflow", kernel=kernel)
    failed = [f"{j['notebook']} / {j['geo']}: {j['error']}" for j in manifest["jobs"] if j["status"] != "ok"]
    if failed:
        raise RuntimeError(f"{len(failed)} notebook(s) failed: " + "; ".join(failed))
    return manifest["counts"]


with DAG(
    dag_id="nq57_reports",
    description="nq57 report notebooks for every notebook and geography, published like nq57 run",
    doc_md=__doc__,
    schedule="0 6 * * 1",  # Mondays 06:00, as the README's cron line
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30)},
    params={
        "notebooks": Param([], type="array", items={"type": "string"},
                           description="report notebooks to run (empty: all, as nq57 run)"),
        "geos": Param([], type="array", items={"type": "string"},
                      description="geography ids or names, or ['all'] (empty: nq57 run's defaults)"),
        "overrides": Param({}, type="object", description="notebook parameters, e.g. {\"lang\": \"vi\"}"),
        "reports_dir": Param("", type="string", description="reports folder (empty: $NQ57_REPORTS_DIR or reports/)"),
        "kernel": Param("nq57", type="string", description="Jupyter kernel the notebooks run on"),
    },
    tags=["nq57"],
) as dag:
    batch = plan(notebooks="{{ params.notebooks | tojson }}", geos="{{ params.geos | tojson }}",
                 overrides="{{ params.overrides | tojson }}", reports_dir="{{ params.reports_dir }}")
    execute = PapermillOperator.partial(
        task_id="execute",
        kernel_name="{{ params.kernel }}",
        max_active_tis_per_dagrun=CONCURRENCY,
        execution_timeout=TASK_TIMEOUT,
        do_xcom_push=False,
    ).expand_kwargs(papermill_jobs(batch))
    execute >> publish(batch, kernel="{{ params.kernel }}")
