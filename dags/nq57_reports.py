"""nq57 reports on Airflow 3: the batch ``nq57 run`` does, as one task per notebook and geography.

    trigger_conf ──> plan ──> papermill_jobs ──> execute (one mapped task per notebook x geography)
                                                    ──> publish ──> outcome

- ``trigger_conf`` reads the trigger-time values as data (never as Jinja templates: a value such as
  ``{{ var.value.x }}`` stays that text) and checks that the Jupyter kernel exists on this worker.
- ``plan`` checks every parameter and creates the run folder (``nq57lib.airflow_steps.plan_batch``,
  the planning step of ``nq57 run``): a bad value fails here, before any kernel starts, and is not
  retried. A report whose inputs are unchanged since an earlier successful run is reused, not run.
- ``execute`` runs each notebook with the papermill provider's ``PapermillOperator`` on the kernel
  (``nq57`` by default; ``nq57 kernel install --user`` makes it visible to the worker), in the
  Airflow pool ``nq57_kernels`` (at most as many kernels at once as the pool has slots). An error
  that a retry cannot mend (a bad parameter or data file, a missing kernel) is not retried.
- ``publish`` renders every executed notebook into the report HTML, results, the run manifest and the
  index (``nq57lib.airflow_steps.publish_batch``, the code ``nq57 render`` and ``nq57 run`` use). It
  runs only when every notebook succeeded or was reused (trigger rule ``none_failed``): a batch is
  published whole or not at all.
- ``outcome`` runs last whatever happened (``all_done``). When the batch was not published it moves
  the unpublished run folder from ``runs/`` to ``failed/<run_id>/`` in the reports folder (the
  executed notebooks are kept there for diagnosis; the index and ``latest.json`` are left as they
  were) and fails, so the DAG run fails.

Every failed task calls ``on_failure`` (``on_failure_callback``): one log line naming the DAG run, the
task and the error. Replace or extend it to alert people (e-mail, chat) in your deployment.

``plan`` and ``publish`` run in nq57's own environment (``ExternalPythonOperator``), so Airflow
and nq57 never share one set of dependencies: the Airflow environment needs only Airflow and the
papermill provider (``make airflow-env``: pinned in ``constraints-airflow.txt``).

Trigger-time parameters (``airflow dags trigger nq57_reports --conf '{...}'``), empty for the
defaults of ``nq57 run``: ``notebooks``, ``geos`` (``["all"]``: every geography with data),
``overrides`` (notebook parameters, e.g. ``{"lang": "vi"}``), ``reports_dir``, ``kernel``, ``force``
(run every notebook even when its report could be reused).

Schedule: Mondays 06:00 Vietnam time (``Asia/Ho_Chi_Minh``, UTC+7: Sunday 23:00 UTC).

Environment of the scheduler and workers: ``NQ57_HOME`` (the nq57 clone; default: the folder
above this file), ``NQ57_PYTHON`` (nq57's Python; default ``$NQ57_HOME/.venv/bin/python``),
``NQ57_REPORTS_DIR`` (default ``$NQ57_HOME/reports``), ``NQ57_AIRFLOW_POOL`` (the pool of the
notebook tasks; default ``nq57_kernels``), ``NQ57_AIRFLOW_CONCURRENCY`` (notebooks run at once per DAG
run; default 2), ``NQ57_AIRFLOW_TASK_TIMEOUT_MIN`` (per notebook; default 30).
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.papermill.operators.papermill import PapermillOperator
from airflow.sdk import DAG, Param, TriggerRule, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

NQ57_HOME = Path(os.environ.get("NQ57_HOME") or Path(__file__).resolve().parent.parent)
NQ57_PYTHON = os.environ.get("NQ57_PYTHON") or str(NQ57_HOME / ".venv" / "bin" / "python")
POOL = os.environ.get("NQ57_AIRFLOW_POOL") or "nq57_kernels"
CONCURRENCY = int(os.environ.get("NQ57_AIRFLOW_CONCURRENCY") or 2)
TASK_TIMEOUT = timedelta(minutes=float(os.environ.get("NQ57_AIRFLOW_TASK_TIMEOUT_MIN") or 30))
TIMEZONE = "Asia/Ho_Chi_Minh"
# What a notebook raises for a bad parameter or data file: a retry would fail the same way.
NOT_RETRIED = ("ParameterError", "DataError", "NoSuchKernel")

log = logging.getLogger("nq57_reports")


def on_failure(context) -> None:
    """The DAG's failure callback (every task's ``on_failure_callback``): one line in the task's log.

    Names the DAG run, the task (and map index) and the error's first line. Replace or extend it to
    alert people (e-mail, chat): it receives Airflow's task context.
    """
    ti = context.get("ti") or context.get("task_instance")
    error = str(context.get("exception") or "").strip().splitlines()
    where = f"{getattr(ti, 'task_id', '?')}" + (f"[{ti.map_index}]" if getattr(ti, "map_index", -1) >= 0 else "")
    log.error("nq57_reports FAILED: run %s, task %s: %s", context.get("run_id"), where,
              error[0] if error else "see the task log")


class NotebookOperator(PapermillOperator):
    """``PapermillOperator`` that renders no templates and does not retry what a retry cannot mend.

    Its arguments come from the plan (XCom), built from trigger-time values: they are used as they are
    (``template_fields`` is empty), so no value is ever evaluated as Jinja. A notebook that stops on a
    bad parameter or data file, or a kernel that does not exist, fails the task without retries.
    """

    template_fields = ()

    def execute(self, context):
        from papermill.exceptions import PapermillExecutionError

        # papermill fills {name} in notebook paths from the parameters (str.format): a reports folder
        # with braces in its name stays that name
        self.input_nb, self.output_nb = (str(p).replace("{", "{{").replace("}", "}}")
                                         for p in (self.input_nb, self.output_nb))
        try:
            return super().execute(context)
        except PapermillExecutionError as error:
            if error.ename in NOT_RETRIED:
                raise AirflowFailException(f"{error.ename}: {str(error.evalue).strip()[:300]} (not retried)") from None
            raise
        except Exception as error:  # noqa: BLE001 - jupyter_client's NoSuchKernel, without importing it here
            if type(error).__name__ in NOT_RETRIED:
                raise AirflowFailException(f"{type(error).__name__}: {error} (not retried)") from None
            raise


@task(retries=0)
def trigger_conf() -> dict:
    """The trigger-time values, as data (never rendered as templates); the kernel must exist here.

    Runs in Airflow's environment, where papermill will start the kernel, so a kernel name that this
    worker does not know fails now, once, before anything is planned or written.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    params = get_current_context()["params"]
    conf = {key: params[key] for key in ("notebooks", "geos", "overrides", "reports_dir", "kernel", "force")}
    installed = sorted(KernelSpecManager().find_kernel_specs())
    if conf["kernel"] not in installed:
        raise AirflowFailException(f"kernel {conf['kernel']!r} is not installed for this worker (installed: "
                                   f"{', '.join(installed) or 'none'}); run: nq57 kernel install --user")
    return conf


@task.external_python(python=NQ57_PYTHON, expect_airflow=False, retries=0)
def plan(conf: dict) -> dict:
    """Check every (notebook, geography) and its parameters; create the run folder. Runs in nq57's env."""
    from nq57lib.airflow_steps import plan_batch

    return plan_batch(conf)


@task(retries=0)
def papermill_jobs(batch: dict, conf: dict) -> list[dict]:
    """One set of notebook-task arguments per planned job that is not reused."""
    return [{"input_nb": job["input_nb"], "output_nb": job["output_nb"], "kernel_name": conf["kernel"],
             "parameters": {**job.get("given", job["parameters"]), "output_dir": job["output_dir"]}}
            for job in batch["jobs"] if not job.get("reuse")]


@task.external_python(python=NQ57_PYTHON, expect_airflow=False, retries=0, trigger_rule=TriggerRule.NONE_FAILED)
def publish(batch: dict, conf: dict) -> dict:
    """Render every executed notebook (link every reused one), write the manifest and the index."""
    from nq57lib.airflow_steps import publish_batch

    return publish_batch(batch, kernel=conf["kernel"])


@task(retries=0, trigger_rule=TriggerRule.ALL_DONE)
def outcome() -> dict:
    """Succeed when the batch was published; else keep its files in ``failed/`` and fail the DAG run."""
    ti = get_current_context()["ti"]
    counts = ti.xcom_pull(task_ids="publish")
    if counts:
        return counts
    batch = ti.xcom_pull(task_ids="plan")
    if not batch:
        raise AirflowFailException("nothing was published: the batch was not planned (see trigger_conf and plan)")
    reports_dir = Path(batch["reports_dir"])
    run_dir = reports_dir / "runs" / batch["run_id"]
    kept = reports_dir / "failed" / batch["run_id"]
    if (run_dir / "manifest.json").exists():
        raise AirflowFailException(f"publishing failed (see the publish task); the run's manifest: {run_dir}")
    if run_dir.is_dir() and not run_dir.is_symlink():
        kept.parent.mkdir(exist_ok=True)
        os.replace(run_dir, kept)  # out of runs/: the index, latest.json and prune never see it
    raise AirflowFailException(f"nothing was published: a notebook failed (see the execute tasks); "
                               f"the executed notebooks are in {kept}")


with DAG(
    dag_id="nq57_reports",
    description="nq57 report notebooks for every notebook and geography, published like nq57 run",
    doc_md=__doc__,
    schedule="0 6 * * 1",  # Mondays 06:00 in Vietnam (the start date's time zone)
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30), "on_failure_callback": on_failure},
    params={
        "notebooks": Param([], type="array", items={"type": "string"},
                           description="report notebooks to run (empty: all, as nq57 run)"),
        "geos": Param([], type="array", items={"type": "string"},
                      description="geography ids or names, or ['all'] (empty: nq57 run's defaults)"),
        "overrides": Param({}, type="object", description="notebook parameters, e.g. {\"lang\": \"vi\"}"),
        "reports_dir": Param("", type="string", description="reports folder (empty: $NQ57_REPORTS_DIR or reports/)"),
        "kernel": Param("nq57", type="string", description="Jupyter kernel the notebooks run on"),
        "force": Param(False, type="boolean", description="run every notebook, even one whose report is unchanged"),
    },
    tags=["nq57"],
) as dag:
    conf = trigger_conf()
    batch = plan(conf)
    execute = NotebookOperator.partial(
        task_id="execute",
        pool=POOL,
        max_active_tis_per_dagrun=CONCURRENCY,
        execution_timeout=TASK_TIMEOUT,
        do_xcom_push=False,
    ).expand_kwargs(papermill_jobs(batch, conf))
    finished = outcome()
    execute >> publish(batch, conf) >> finished
    execute >> finished  # outcome waits for every notebook, also when publish will not run
