"""The steps of the Airflow DAG (``dags/nq57_reports.py``) that run in nq57's own environment.

The DAG's ``plan`` and ``publish`` tasks call these through Airflow's ``ExternalPythonOperator``, so
Airflow and nq57 never share one set of dependencies. Both take plain JSON data (the trigger-time
values, the plan) and return plain JSON data (Airflow keeps it as XCom).

- ``plan_batch``: every parameter checked and the run folder created (``runner.plan_run``, the
  planning step of ``nq57 run``), and, unless ``force``, each job whose report an earlier
  successful run already made (same fingerprint, files present) marked to be reused rather than
  executed, as ``nq57 run`` does. A bad value prints one line and exits with status 2.
- ``publish_batch``: every job published into the run folder (executed ones rendered, unchanged
  ones linked), the manifest written and the index rebuilt (``render.render_planned``).
"""

from __future__ import annotations

import sys
from typing import Any

from .errors import Nq57Error

CONF_KEYS = ("notebooks", "geos", "overrides", "reports_dir", "kernel", "force")


def plan_batch(conf: dict[str, Any]) -> dict[str, Any]:
    """The plan of one DAG run from its trigger-time values (``CONF_KEYS``), checked before any kernel starts.

    The values are used as data, never as templates. Exits with status 2 and one line on stderr for a
    bad value (an unknown geography, notebook or parameter, a refused reports folder): a validation
    error, which the DAG does not retry.
    """
    from . import runner

    try:
        unknown = sorted(set(conf) - set(CONF_KEYS))
        if unknown:
            from .errors import ParameterError

            raise ParameterError(unknown[0], f"unknown trigger-time value (known: {', '.join(CONF_KEYS)})")
        reports_dir = conf.get("reports_dir") or None
        reusable = {} if conf.get("force") else runner.reusable_reports(reports_dir)
        plan = runner.plan_run(conf.get("notebooks") or None, conf.get("geos") or None,
                               conf.get("overrides") or {}, reports_dir, reusable=reusable)
    except Nq57Error as error:
        print(f"nq57: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    for job in plan["jobs"]:
        previous = reusable.get(job["fingerprint"])
        if previous is not None:
            job["reuse"] = previous
    return plan


def publish_batch(plan: dict[str, Any], kernel: str) -> dict[str, int]:
    """Publish the run (reports, results, manifest, index); return its counts. Fails if a job failed."""
    from .render import render_planned

    manifest = render_planned(plan, runner="airflow", kernel=kernel,
                              reused=sum(1 for job in plan["jobs"] if job.get("reuse")))
    failed = [f"{j['notebook']} / {j['geo']}: {j['error']}" for j in manifest["jobs"] if j["status"] != "ok"]
    if failed:
        raise RuntimeError(f"{len(failed)} notebook(s) failed: " + "; ".join(failed))
    return manifest["counts"]
