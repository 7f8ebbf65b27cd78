"""``nq57 run``: execute report notebooks for many geographies in parallel and publish the reports.

A report is mostly kernel start-up and imports (papermill on an empty notebook takes ~1.7 s), so
the runner (1) checks every parameter of every (notebook, geography) before any kernel starts,
(2) runs ``--jobs`` notebooks at once, each in a process forked from the runner after papermill
and nbconvert are imported, and (3) exports HTML in that process instead of spawning
``jupyter nbconvert``.

Each run writes ``reports/runs/<run_id>/<notebook>/<geo>/`` with ``notebook.ipynb`` (the executed
notebook: the audit log, kept for failures too), ``report.html`` and ``results/`` (only for
successful runs), then ``reports/runs/<run_id>/manifest.json``, then rebuilds ``reports/index.html``.
A failing, hanging (per-cell ``--timeout``) or crashing notebook is recorded as failed and the
rest of the batch carries on; the exit status is 1 if any failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import difflib
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from . import config, report
from .errors import ParameterError, check_choice
from .params import Parameters, parameters_cell, parse_override, spec_for, validate_parameters
from .provenance import sha256_file
from .registry import SPECS

ALL_GEOS = "all"
DEFAULT_TIMEOUT_S = 600.0
PARTIAL_NOTEBOOK = ".notebook.partial.ipynb"  # papermill saves here while cells run
STAGING_RESULTS = ".results.partial"          # the notebook's output_dir until the run succeeds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``nq57 run`` (the ``nq57`` command wires them in ``nq57lib.cli``)."""
    parser.add_argument("--notebook", action="append", metavar="NAME",
                        help=f"notebook to run: {', '.join(SPECS)}; repeatable (default: all)")
    parser.add_argument("--geo", action="append", metavar="GEO",
                        help="geography id or name; repeatable; 'all' = every geography with the data the "
                             f"notebook needs (default: {', '.join(config.DEFAULT_REPORT_GEOS)})")
    parser.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", default=[],
                        help="parameter override, typed like papermill's -p (2045, 0.5, True, text; quote "
                             "to force text); applies to every selected notebook that has it; repeatable")
    parser.add_argument("--jobs", type=_positive_int, metavar="N",
                        help="notebooks run at once (default: the number of CPU cores)")
    parser.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                        help=f"a cell running longer fails its notebook (default: {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--reports-dir", type=Path, metavar="DIR",
                        help="where reports go (default: reports/ or $NQ57_REPORTS_DIR)")
    parser.add_argument("--kernel", metavar="NAME",
                        help="Jupyter kernel (default: 'nq57' if installed, else 'python3')")
    parser.add_argument("--list-params", action="store_true",
                        help="print each notebook's parameters (as its parameters cell) and exit")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


# ---------------------------------------------------------------------------------------------
# Planning: everything here runs before any kernel starts, and raises ParameterError (exit 2).

def select_notebooks(names: list[str] | None) -> list[str]:
    """The notebooks to run, each checked to exist as ``notebooks/<name>.ipynb``."""
    selected = list(dict.fromkeys(names or SPECS))
    for name in selected:
        spec_for(name)  # unknown name: "did you mean"
        if not notebook_path(name).is_file():
            raise ParameterError("notebook", f"notebook file {notebook_path(name)} not found")
    return selected


def notebook_path(name: str) -> Path:
    return Path(config.NOTEBOOKS_DIR) / f"{name}.ipynb"


def parse_overrides(texts: list[str], notebooks: list[str]) -> dict[str, Any]:
    """``-p name=value`` texts as typed values; each name must belong to a selected notebook."""
    known = list(dict.fromkeys(spec.name for nb in notebooks for spec in spec_for(nb)))
    overrides: dict[str, Any] = {}
    for text in texts:
        name, value = parse_override(text)
        if name == "geo":
            raise ParameterError("geo", "choose geographies with --geo, not -p")
        if name == "output_dir":
            raise ParameterError("output_dir", "is set by the runner; choose the folder with --reports-dir")
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else ""
            raise ParameterError(name, f"unknown parameter of notebook(s) {', '.join(notebooks)}{suffix}")
        overrides[name] = value
    return overrides


def geo_availability(notebook: str) -> dict[str, str | None]:
    """Every geography -> None if ``notebook`` has the data it needs there, else the reason not."""
    from . import registry

    return registry.available_geos(notebook)


def input_problem(params: Parameters, overridden: set[str]) -> str | None:
    """Why the report's builder cannot run with ``params`` (e.g. no budget base for a province), or None.

    Asked before any kernel starts. A problem with a value the user set (``-p floor_pct=0.15``)
    is the user's error: it is raised, so the run exits 2 with one line naming the parameter. Any
    other problem (the data lack what the notebook needs for this geography) skips the geography
    with the builder's own one-line reason instead of failing inside a kernel. Notebooks without a
    builder in ``nq57lib.registry`` (test fixtures) have nothing to check.
    """
    from .registry import input_error

    error = input_error(params)
    if error is None:
        return None
    if isinstance(error, ParameterError) and error.name in overridden:
        raise error
    return str(error)


def plan_jobs(notebooks: list[str], geos: list[str], overrides: dict[str, Any]
              ) -> tuple[list[Parameters], list[dict[str, str]]]:
    """Validated parameters of every (notebook, geography) to run, and the skipped pairs with why.

    ``geos`` may contain ``"all"``: every geography where the notebook has its data. A geography
    named explicitly but lacking the data is skipped with the reason too (not failed).
    """
    planned: list[Parameters] = []
    skipped: list[dict[str, str]] = []
    for notebook in notebooks:
        names = {spec.name for spec in spec_for(notebook)}
        own = {k: v for k, v in overrides.items() if k in names}
        availability = geo_availability(notebook)
        if ALL_GEOS in geos:
            wanted = [geo for geo, why in availability.items() if why is None]
            skipped += [{"notebook": notebook, "geo": geo, "reason": why}
                        for geo, why in sorted(availability.items()) if why is not None]
        else:
            wanted = geos
        seen: set[str] = set()
        for geo in wanted:
            params = validate_parameters(notebook, geo=geo, **own)
            if params.geo in seen:
                continue
            seen.add(params.geo)
            why = availability.get(params.geo, "not in the data package")
            if why is None:
                why = input_problem(params, set(own))
            if why is not None:
                skipped.append({"notebook": notebook, "geo": params.geo, "reason": why})
            else:
                planned.append(params)
    return planned, skipped


def pick_kernel(name: str | None) -> str:
    """The kernel to run with: ``name`` if installed, else 'nq57' if installed, else 'python3'."""
    from jupyter_client.kernelspec import KernelSpecManager

    installed = sorted(KernelSpecManager().find_kernel_specs())
    if name is None:
        return "nq57" if "nq57" in installed else "python3"
    return check_choice("kernel", name, installed)


# ---------------------------------------------------------------------------------------------
# Execution: one job per (notebook, geography), in a worker process.

@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one notebook for one geography (picklable)."""

    notebook: str
    geo: str
    parameters: dict[str, Any]      # validated; output_dir is added by the worker
    input_path: str
    notebook_sha256: str
    kernel: str
    timeout_s: float
    reports_dir: str
    job_dir: str                    # relative to reports_dir: runs/<run_id>/<notebook>/<geo>
    run_id: str
    data: dict[str, Any] = field(default_factory=dict)
    package_version: str = ""


def execute_job(job: Job) -> dict[str, Any]:
    """Run one notebook through papermill, then publish its HTML and results; never raises.

    Returns the job's manifest record. The executed notebook is kept for a failed run (it shows
    the traceback); the HTML report and results are published only for a successful one.
    """
    import papermill

    started_utc, t_start = utc_now(), time.perf_counter()
    job_dir = Path(job.reports_dir) / job.job_dir
    job_dir.mkdir(parents=True, exist_ok=True)
    staging, partial = job_dir / STAGING_RESULTS, job_dir / PARTIAL_NOTEBOOK
    record: dict[str, Any] = {
        "notebook": job.notebook, "geo": job.geo, "status": "failed", "parameters": job.parameters,
        "inputs": {"notebook": Path(job.input_path).name, "notebook_sha256": job.notebook_sha256,
                   "data_checksum": job.data.get("checksum", "")},
        "started_utc": started_utc, "executed_notebook": None, "report_html": None, "results_dir": None,
        "error": None,
    }
    executed = None
    try:
        executed = papermill.execute_notebook(
            job.input_path, str(partial), parameters=dict(job.parameters, output_dir=str(staging)),
            kernel_name=job.kernel, cwd=str(Path(job.input_path).parent), progress_bar=False,
            log_output=False, execution_timeout=job.timeout_s,
            # Every cell has finished and its outputs are in the notebook when the kernel is shut
            # down, so stop it at once: the graceful handshake sometimes stalls ~3 s.
            shutdown_kernel="immediate",
            # ipykernel's own log lines (a plain-TCP warning, the interrupt jupyter_client sends
            # before shutdown) would repeat in every batch log; cell errors are in the notebook.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook is recorded, not raised
        record["error"] = describe_failure(exc, job.timeout_s)
    execute_s = time.perf_counter() - t_start
    if partial.exists():
        os.replace(partial, job_dir / "notebook.ipynb")
        record["executed_notebook"] = f"{job.job_dir}/notebook.ipynb"
    t_export = time.perf_counter()
    if record["error"] is None:
        try:
            publish(job, executed, job_dir, started_utc)
            record.update(status="ok", report_html=f"{job.job_dir}/report.html")
            if (job_dir / "results").is_dir():
                record["results_dir"] = f"{job.job_dir}/results"
        except Exception as exc:  # noqa: BLE001
            record["error"] = f"publishing the report failed: {type(exc).__name__}: {first_line(exc)}"
    shutil.rmtree(staging, ignore_errors=True)  # left only when the run failed
    record.update(finished_utc=utc_now(), execute_s=round(execute_s, 3),
                  export_s=round(time.perf_counter() - t_export, 3),
                  duration_s=round(time.perf_counter() - t_start, 3))
    return record


def publish(job: Job, executed: Any, job_dir: Path, started_utc: str) -> None:
    """Write ``report.html`` and move the staged results to ``results/`` (each step atomic)."""
    lang = str(job.parameters.get("lang", "en"))
    title = page_title(executed, job.notebook, job.geo, lang)
    header = report.provenance_header_html(
        title, job.parameters, job.data, job.package_version, job.run_id, started_utc, lang=lang)
    report.atomic_write_text(job_dir / "report.html", report.notebook_to_html(executed, title, header, lang=lang))
    staging = job_dir / STAGING_RESULTS
    if staging.is_dir():
        os.replace(staging, job_dir / "results")


def page_title(nb: Any, notebook: str, geo: str, lang: str) -> str:
    """The report page's title in the report's language: the notebook's name (``<notebook>.notebook_name``
    in the locale files, else its first heading) and the geography's name (its id if unknown)."""
    from . import data
    from .text import t

    try:
        name = t(f"{notebook}.notebook_name", lang)
    except (KeyError, ParameterError):
        name = notebook_title(nb, notebook)
    try:
        place = data.geo_name(data.load_package(), geo, lang)
    except Exception:  # noqa: BLE001 - a title never fails a report
        place = geo
    return f"{name} — {place}"


def notebook_title(nb: Any, fallback: str) -> str:
    """The first markdown heading of the notebook, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def describe_failure(exc: BaseException, timeout_s: float) -> str:
    """One line saying why a notebook failed: the notebook's own error, a timeout, a dead kernel."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {first_line(exc.evalue)} (cell [{exc.exec_count}])"
    if isinstance(exc, CellTimeoutError):
        return f"timed out: a cell ran longer than {timeout_s:g} s"
    if isinstance(exc, DeadKernelError):
        return "the kernel died (crashed, ran out of memory, or was killed)"
    return f"{type(exc).__name__}: {first_line(exc)}"


def first_line(value: Any) -> str:
    lines = str(value).strip().splitlines()
    return lines[0] if lines else ""


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_jobs(jobs: list[Job], workers: int, on_done: Callable[[dict], None]) -> None:
    """Run each job in its own forked process, ``workers`` at a time; ``on_done(record)`` as each ends.

    A process per job isolates notebooks from each other (a crash fails one job only) and lets
    Ctrl-C stop running notebooks at once: the processes are killed, and their kernels exit by
    themselves (ipykernel watches its parent). Forking after the imports below means no job pays
    for them again (~0.6 s for papermill, ~0.5 s for the report template).
    """
    import multiprocessing
    from multiprocessing.connection import wait

    import papermill  # noqa: F401 - imported once here, inherited by every forked job

    report.warm_up_exporter()
    context = multiprocessing.get_context("fork")
    pending, running = list(reversed(jobs)), {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.pop()
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_job_process, args=(job, writer, os.getpid()),
                                          name=f"nq57 {job.notebook}/{job.geo}")
                process.start()
                writer.close()
                running[reader] = (process, job)
            for reader in wait(list(running)):
                process, job = running.pop(reader)
                try:
                    record = reader.recv()
                except EOFError:  # the job process died before reporting
                    process.join()
                    record = _lost_job_record(job, f"the job process died (exit code {process.exitcode})")
                process.join()
                reader.close()
                on_done(record)
    except KeyboardInterrupt:
        for process, _ in running.values():
            process.kill()
        for process, _ in running.values():
            process.join()
        raise


def _job_process(job: Job, writer: Any, parent_pid: int) -> None:
    """Body of a job process: run the job, send its record to the runner."""
    import threading

    def exit_if_orphaned() -> None:  # the runner was killed: stop, so the kernel stops too
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=exit_if_orphaned, daemon=True).start()
    writer.send(execute_job(job))
    writer.close()


def _lost_job_record(job: Job, error: str) -> dict[str, Any]:
    """Record of a job whose process died; its partial notebook is kept, as for any failure."""
    job_dir = Path(job.reports_dir) / job.job_dir
    executed = None
    if (job_dir / PARTIAL_NOTEBOOK).exists():
        os.replace(job_dir / PARTIAL_NOTEBOOK, job_dir / "notebook.ipynb")
        executed = f"{job.job_dir}/notebook.ipynb"
    shutil.rmtree(job_dir / STAGING_RESULTS, ignore_errors=True)
    return {"notebook": job.notebook, "geo": job.geo, "status": "failed", "parameters": job.parameters,
            "error": error, "executed_notebook": executed, "report_html": None, "results_dir": None}


class Progress:
    """A progress bar on a terminal, plain log lines otherwise (cron, CI, Airflow logs)."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.stream = total, 0, stream or sys.stderr
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="report", file=self.stream, dynamic_ncols=True)

    def __call__(self, record: dict) -> None:
        self.done += 1
        status = "ok" if record["status"] == "ok" else "FAILED"
        line = f"[{self.done}/{self.total}] {status:6} {record['notebook']} / {record['geo']}"
        line += f"  {record.get('duration_s', 0):.1f} s" + (f"  {record['error']}" if record["error"] else "")
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
            self.bar.update(1)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---------------------------------------------------------------------------------------------
# The command

def main(args: argparse.Namespace) -> int:
    """Run ``nq57 run``; returns 0 if every notebook succeeded, 1 if any failed.

    Raises ``ParameterError`` (the ``nq57`` command prints it on one line and exits 2) for a
    bad option or parameter, before anything is written or any kernel starts.
    """
    if args.list_params:
        for name in args.notebook or SPECS:
            print(f"# {name}\n{parameters_cell(name)}\n")
        return 0
    t_start, started_utc = time.perf_counter(), utc_now()
    skip_slow_optional_imports()

    # 1. Check everything; nothing is written before this block has passed.
    notebooks = select_notebooks(args.notebook)
    overrides = parse_overrides(args.param, notebooks)
    planned, skipped = plan_jobs(notebooks, args.geo or list(config.DEFAULT_REPORT_GEOS), overrides)
    kernel = pick_kernel(args.kernel)
    data, package = report.data_vintage(), report.package_version()
    if ALL_GEOS not in (args.geo or []):  # with "all", skips are expected; the manifest lists them
        for item in skipped:
            print(f"skipped {item['notebook']} / {item['geo']}: {item['reason']}", file=sys.stderr)

    # 2. Run every notebook into its own folder of this run.
    reports_dir = Path(args.reports_dir or config.REPORTS_DIR).resolve()
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    try:
        (reports_dir / "runs" / run_id).mkdir(parents=True)
    except OSError as error:
        raise ParameterError("reports-dir", f"cannot create a run folder in {reports_dir}: {error.strerror}") from None
    checksums = {nb: sha256_file(notebook_path(nb)) for nb in notebooks}
    jobs = [Job(notebook=p.notebook, geo=p.geo, parameters={k: v for k, v in p.items() if k != "output_dir"},
                input_path=str(notebook_path(p.notebook)), notebook_sha256=checksums[p.notebook], kernel=kernel,
                timeout_s=args.timeout, reports_dir=str(reports_dir), job_dir=f"runs/{run_id}/{p.notebook}/{p.geo}",
                run_id=run_id, data=data, package_version=package)
            for p in planned]
    workers = max(1, min(args.jobs or _cores(), len(jobs)))
    records, interrupted = execute_batch(jobs, workers)

    # 3. Record the run, then rebuild the index from every run's manifest.
    failed = [r for r in records if r["status"] != "ok"]
    manifest = {
        "schema": report.MANIFEST_SCHEMA, "run_id": run_id, "started_utc": started_utc, "finished_utc": utc_now(),
        "duration_s": round(time.perf_counter() - t_start, 3), "interrupted": interrupted,
        "nq57lib_version": package, "python": sys.version.split()[0], "kernel": kernel, "workers": workers,
        "timeout_s": args.timeout, "data": data, "overrides": overrides,
        "notebooks": {nb: {"path": notebook_path(nb).name, "sha256": checksums[nb]} for nb in notebooks},
        "counts": {"ok": len(records) - len(failed), "failed": len(failed), "skipped": len(skipped),
                   "not_run": len(jobs) - len(records)},
        "jobs": records, "skipped": skipped,
    }
    report.write_manifest(reports_dir / "runs" / run_id, manifest)
    index = report.update_index(reports_dir, utc_now())
    print_summary(manifest, reports_dir, index)
    if interrupted:
        raise KeyboardInterrupt
    return 1 if failed else 0


def execute_batch(jobs: list[Job], workers: int) -> tuple[list[dict], bool]:
    """Job records in the order of ``jobs``, and whether the batch was interrupted (Ctrl-C).

    On an interrupt the notebooks that finished are still returned, so the manifest records them.
    """
    progress, records = Progress(len(jobs)), []

    def on_done(record: dict) -> None:
        records.append(record)
        progress(record)

    interrupted = False
    try:
        if jobs:
            run_jobs(jobs, workers, on_done)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
    order = {(job.notebook, job.geo): i for i, job in enumerate(jobs)}
    return sorted(records, key=lambda r: order[(r["notebook"], r["geo"])]), interrupted


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax``, which builds a grammar for ~0.9 s.

    nbformat (under papermill and nbconvert) imports jsonschema, which imports that optional
    package, when installed, only to check the "iri" string format; no notebook schema uses it.
    Measured here: ``import papermill, nbconvert`` takes 1.85 s with it and 0.56 s without.
    Only this process is affected (kernels never import jsonschema).
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules makes its import fail


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def print_summary(manifest: dict, reports_dir: Path, index: Path) -> None:
    counts = manifest["counts"]
    print(f"nq57 run {manifest['run_id']}: {counts['ok']} ok, {counts['failed']} failed, "
          f"{counts['skipped']} skipped in {manifest['duration_s']:.1f} s with {manifest['workers']} worker(s)")
    if counts["not_run"]:
        print(f"interrupted: {counts['not_run']} notebook(s) did not finish")
    for record in manifest["jobs"]:
        if record["status"] != "ok":
            print(f"FAILED {record['notebook']} / {record['geo']}: {record['error']}")
            if record.get("executed_notebook"):
                print(f"       executed notebook: {reports_dir / record['executed_notebook']}")
    print(f"manifest: {reports_dir / 'runs' / manifest['run_id'] / report.MANIFEST_NAME}")
    print(f"index: {index}")

