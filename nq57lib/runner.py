"""``nq57 run``: execute report notebooks for many geographies in parallel and publish the reports.

A report is mostly kernel start-up and imports (papermill on an empty notebook takes ~1.7 s), so
the runner (1) checks every parameter of every (notebook, geography) before any kernel starts,
(2) runs ``--jobs`` worker processes, forked from the runner after papermill and nbconvert are
imported, each keeping one warm kernel in which it runs notebook after notebook, each in a fresh
namespace (``nq57lib.kernel_pool``; ``--fresh-kernels``: a kernel per notebook), and (3) exports
HTML in the worker instead of spawning ``jupyter nbconvert``.

After papermill returns, each notebook is rendered by ``nq57lib.render`` (the step ``nq57 render``
and the Airflow DAG use too): ``reports/runs/<run_id>/<notebook>/<geo>/`` gets ``notebook.ipynb``
(the executed notebook: the audit log, kept for failures too), ``report.html`` and ``results/``
(only for successful runs); then ``reports/runs/<run_id>/manifest.json`` is written and
``reports/index.html`` rebuilt.
A failing, hanging (per-cell ``--timeout``) or crashing notebook is recorded as failed and the
rest of the batch carries on; the exit status is 1 if any failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import math
import os
import signal
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from . import config, registry, render, report_html, results_files, reuse, run_record, shipped
from .errors import ParameterError, check_choice, shorten
from .params import (Parameters, default_reports_dir, parameters_cell, parse_override, spec_for,
                     validate_parameters)
from .provenance import sha256_file
from .registry import notebook_names
from .render import PARTIAL_NOTEBOOK, STAGING_RESULTS, first_line, utc_now

ALL_GEOS = "all"
DEFAULT_TIMEOUT_S = 600.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``nq57 run`` (the ``nq57`` command wires them in ``nq57lib.cli``)."""
    parser.add_argument("--notebook", action="append", metavar="NAME",
                        help=f"notebook to run: {', '.join(notebook_names())}; repeatable (default: all)")
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
    parser.add_argument("--reports-dir", type=_folder, metavar="DIR",
                        help="where reports go (default: reports/ or $NQ57_REPORTS_DIR)")
    parser.add_argument("--kernel", metavar="NAME",
                        help="Jupyter kernel (default: 'nq57', installed by make or 'nq57 kernel install')")
    parser.add_argument("--extra-observations", action="append", metavar="FILE",
                        help="your own observations (CSV or Excel, same schema) for every notebook; repeatable")
    parser.add_argument("--extra-sources", action="append", metavar="FILE",
                        help="sources cited by your observations (CSV or Excel); repeatable")
    parser.add_argument("--force", action="store_true",
                        help="execute every notebook, even one whose report from an earlier run has the same "
                             "notebook, parameters, data and package version (reused by default)")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="start a new kernel for every notebook, as plain papermill does (default: each "
                             "worker keeps its kernel and runs each notebook in a fresh namespace; slower)")
    parser.add_argument("--list-params", action="store_true",
                        help="print each notebook's parameters (as its parameters cell) and exit")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {shorten(text)!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {shorten(text)}")
    return value


def _folder(text: str) -> Path:
    """A folder argument: an empty one would silently mean the current folder, so it is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty (it would mean the current folder)")
    return Path(text)


# Measured by benchmarks/bench_memory.py: a report kernel peaks at ~0.19 GB with the defaults and
# ~0.75 GB with the largest Monte Carlo the memory guard allows. The runner starts no more jobs than
# the cores and the available memory allow at the larger size each (README "Limits").
JOB_MEMORY_BYTES = 768 * 2**20


def available_memory_bytes() -> int | None:
    """Memory available to new processes (Linux ``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def cap_jobs(requested: int | None, n_jobs: int) -> tuple[int, str | None]:
    """Workers to use for ``n_jobs`` jobs, and why fewer than ``requested`` (None if not capped).

    At most one per CPU core and one per ``JOB_MEMORY_BYTES`` of available memory (at least one).
    """
    cores = _cores()
    memory = available_memory_bytes()
    by_memory = max(1, memory // JOB_MEMORY_BYTES) if memory is not None else cores
    limit = max(1, min(cores, by_memory))
    workers = max(1, min(requested or cores, limit, max(n_jobs, 1)))
    if requested is not None and requested > limit and n_jobs > limit:
        memory_text = f"{memory / 2**30:.1f} GB available" if memory is not None else "memory unknown"
        return workers, (f"--jobs {requested} capped at {workers}: {cores} CPU core(s), {memory_text}, "
                         f"~{JOB_MEMORY_BYTES / 2**30:.1f} GB per notebook")
    return workers, None


# ---------------------------------------------------------------------------------------------
# Planning: everything here runs before any kernel starts, and raises ParameterError (exit 2).

def select_notebooks(names: list[str] | None) -> list[str]:
    """The notebooks to run, each checked to exist as ``notebooks/<name>.ipynb``."""
    selected = list(dict.fromkeys(names or notebook_names()))
    for name in selected:
        spec_for(name)  # unknown name: "did you mean"
        if not notebook_path(name).is_file():
            raise ParameterError("notebook", f"notebook file {notebook_path(name)} not found")
        shipped.check_pair(notebook_path(name))  # an edit of X.py not synced into X.ipynb would be ignored
    return selected


def notebook_path(name: str) -> Path:
    return Path(config.NOTEBOOKS_DIR) / f"{name}.ipynb"


def parse_overrides(texts: list[str], notebooks: list[str]) -> dict[str, Any]:
    """``-p name=value`` texts as typed values; each name must belong to a selected notebook."""
    overrides: dict[str, Any] = {}
    for text in texts:
        name, value = parse_override(text)
        if name in overrides:
            raise ParameterError(name, f"given twice with -p ({shorten(overrides[name])!r} and {shorten(value)!r}); "
                                       "pass it once")
        overrides[name] = value
    return check_overrides(overrides, notebooks)


def check_overrides(overrides: dict[str, Any], notebooks: list[str]) -> dict[str, Any]:
    """``overrides`` if each name belongs to a selected notebook and is not set by the runner itself."""
    known = list(dict.fromkeys(spec.name for nb in notebooks for spec in spec_for(nb)))
    for name in overrides:
        if name == "geo":
            raise ParameterError("geo", "choose geographies with --geo, not -p")
        if name == "output_dir":
            raise ParameterError("output_dir", "is set by the runner; choose the folder with --reports-dir")
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else ""
            raise ParameterError(name, f"unknown parameter of notebook(s) {', '.join(notebooks)}{suffix}")
    return dict(overrides)


def use_extra_files(observations: list[str] | None, sources: list[str] | None) -> None:
    """Merge the user's own observations and sources into every notebook of this run.

    They are validated here, before any kernel starts (one line naming file, row and column), then
    passed to the kernels through ``NQ57_EXTRA_OBSERVATIONS`` / ``NQ57_EXTRA_SOURCES`` as absolute paths.
    """
    if not observations and not sources:
        return
    from . import data_package

    obs = [str(Path(p).resolve()) for p in observations or []]
    src = [str(Path(p).resolve()) for p in sources or []]
    data_package.load_package(extra_observations=obs, extra_sources=src)
    for name, files in ((config.ENV_EXTRA_OBSERVATIONS, obs), (config.ENV_EXTRA_SOURCES, src)):
        if files:
            os.environ[name] = os.pathsep.join(p for p in [*files, os.environ.get(name, "")] if p)


def echo_resolved_geos(texts: list[str]) -> None:
    """Print, for each --geo given as a name, the id it resolved to (``'Vĩnh Phúc' -> vinh-phuc``)."""
    from .geography import resolve_geo

    for text in texts:
        if text != ALL_GEOS:
            geo_id = resolve_geo(text)
            if geo_id != text:
                print(f"geo {shorten(text)!r} -> {geo_id}", file=sys.stderr)


def geo_availability(notebook: str) -> dict[str, str | None]:
    """Every geography -> None if ``notebook`` has the data it needs there, else the reason not."""
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


def plan_jobs(notebooks: list[str], geos: list[str], overrides: dict[str, Any],
              unchanged: Callable[[Parameters], bool] | None = None
              ) -> tuple[list[Parameters], list[dict[str, str]]]:
    """Validated parameters of every (notebook, geography) to run, and the skipped pairs with why.

    ``geos`` may contain ``"all"``: every geography where the notebook has its data. A geography
    named explicitly but lacking the data is skipped with the reason too (not failed).
    ``unchanged(params)`` True means an earlier successful job had exactly these inputs (same
    notebook, parameters, data and code: ``nq57lib.reuse``), so the data checks it passed then
    need not be repeated; the parameters are still validated.
    """
    planned: list[Parameters] = []
    skipped: list[dict[str, str]] = []
    for notebook in notebooks:
        names = {spec.name for spec in spec_for(notebook)}
        own = {k: v for k, v in overrides.items() if k in names}
        availability = geo_availability(notebook) if ALL_GEOS in geos else None  # else asked when needed
        if availability is not None:
            for geo in geos:  # every other entry must still be a real geography
                if geo != ALL_GEOS:
                    validate_parameters(notebook, geo=geo, **own)
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
            if unchanged is not None and unchanged(params):
                planned.append(params)
                continue
            if availability is None:
                availability = geo_availability(notebook)
            why = availability.get(params.geo, "not in the data package")
            if why is None:
                why = input_problem(params, set(own))
            if why is not None:
                skipped.append({"notebook": notebook, "geo": params.geo, "reason": why})
            else:
                planned.append(params)
    return planned, skipped


def nothing_to_run(skipped: list[dict[str, str]]) -> str:
    """The one-line reason of a batch in which every (notebook, geography) was skipped."""
    if not skipped:
        return "nothing to run: no notebook and geography selected"
    first = skipped[0]
    reason = " ".join(str(first["reason"]).split())
    more = f" (and {len(skipped) - 1} more skipped)" if len(skipped) > 1 else ""
    return (f"nothing to run: every report was skipped; {first['notebook']} / {first['geo']}: {reason}{more}")


def pick_kernel(name: str | None) -> str:
    """The kernel to run with: ``name``, by default 'nq57'; one that is not installed is an error naming it
    (never a silent fall-back to another kernel, which would run the reports on another environment)."""
    wanted = name or "nq57"
    if wanted in kernel_spec_dirs():  # found where Jupyter looks first: no need to import jupyter_client
        return wanted
    from jupyter_client.kernelspec import KernelSpecManager

    installed = sorted(KernelSpecManager().find_kernel_specs())
    if name is None and "nq57" not in installed:
        raise ParameterError("kernel", "the Jupyter kernel 'nq57' is not installed; run 'make' (or "
                                       "'nq57 kernel install --sys-prefix'), or choose one with --kernel "
                                       f"(installed: {', '.join(installed) or 'none'})")
    return check_choice("kernel", wanted, installed)


def kernel_spec_dirs() -> set[str]:
    """Names of the kernel specs in Jupyter's kernel folders (a folder with a ``kernel.json``).

    The same folders ``jupyter_client``'s ``KernelSpecManager`` searches, without its ~0.3 s import
    (most of a run whose reports are all reused); any other name is looked up by jupyter_client.
    """
    from jupyter_core.paths import jupyter_path

    return {entry.name for folder in jupyter_path("kernels") if os.path.isdir(folder)
            for entry in os.scandir(folder) if os.path.isfile(os.path.join(entry.path, "kernel.json"))}


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
    fingerprint: str = ""           # nq57lib.reuse.fingerprint of the job's inputs
    notebook_edited: bool = True    # not the committed notebook (nq57lib.shipped): run in a kernel of its own
    given: dict[str, Any] | None = None  # what papermill injects: the values the user gave (None: every parameter)


def execute_job(job: Job, kernel: Any = None) -> dict[str, Any]:
    """Run one notebook through papermill, then render it (``nq57lib.render``); never raises.

    ``kernel``: a ``kernel_pool.WarmKernel`` to run it in (a fresh namespace in a kept kernel),
    or None for a kernel of its own, as plain papermill does. A notebook that differs from the
    committed one (``job.notebook_edited``) always gets a kernel of its own: a fresh namespace does
    not undo every process-wide change (a patched library, an IPython input transformer, a thread)
    that unreviewed code can make, and the warm kernel's next notebook must not inherit one.
    Returns the job's manifest record.
    The executed notebook is kept for a failed run (it shows the traceback); the HTML report and
    results are published only for a successful one.
    """
    import papermill

    started_utc, t_start = utc_now(), time.perf_counter()
    job_dir = Path(job.reports_dir) / job.job_dir
    job_dir.mkdir(parents=True, exist_ok=True)
    staging, partial = job_dir / STAGING_RESULTS, job_dir / PARTIAL_NOTEBOOK
    cwd = str(Path(job.input_path).parent)
    if job.notebook_edited:
        kernel = None
    error = None
    try:
        papermill.execute_notebook(
            job.input_path, str(partial), parameters=dict(job.parameters if job.given is None else job.given,
                                                          output_dir=str(staging)),
            kernel_name=job.kernel, cwd=cwd, progress_bar=False,
            log_output=False, execution_timeout=math.ceil(job.timeout_s),  # nbclient wants whole seconds
            # Every cell has finished and its outputs are in the notebook when the kernel is shut
            # down, so stop it at once: the graceful handshake sometimes stalls ~3 s.
            shutdown_kernel="immediate",
            # ipykernel's own log lines (a plain-TCP warning, the interrupt jupyter_client sends
            # before shutdown) would repeat in every batch log; cell errors are in the notebook.
            # A batch kernel keeps no command history: IPython would write every cell to its
            # SQLite history file (a background thread, ~3 % of a batch's CPU), for nobody to recall.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"],
            **(kernel.engine_kwargs(cwd) if kernel is not None else {}))
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook is recorded, not raised
        error = describe_failure(exc, job.timeout_s)
        if kernel is not None:  # an error, a timeout or a dead kernel: the next notebook gets a new kernel
            kernel.discard()
    if not partial.exists():  # papermill stopped before writing anything (e.g. the kernel did not start)
        return _lost_job_record(job, error or "papermill wrote no executed notebook")
    executed = render.Executed(path=partial, results_dir=staging, move=True, error=error,
                               started_utc=started_utc, execute_s=time.perf_counter() - t_start)
    try:
        record = render.render_job(executed, job.reports_dir, job.run_id, notebook=job.notebook)
        return dict(record, **{reuse.FINGERPRINT_KEY: job.fingerprint}) if job.fingerprint else record
    except Exception as exc:  # noqa: BLE001 - e.g. an executed notebook left unreadable by a dying kernel
        return _lost_job_record(job, error or f"rendering failed: {type(exc).__name__}: {first_line(exc)}")


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


def run_jobs(jobs: list[Job], workers: int, on_done: Callable[[dict], None], fresh_kernels: bool = False) -> None:
    """Run the jobs in ``workers`` worker processes; ``on_done(record)`` as each job ends.

    Each worker is a process forked from the runner after the imports below, so no job pays for
    them again (~0.6 s for papermill, ~0.5 s for the report template). A worker keeps one warm
    kernel (``nq57lib.kernel_pool``) and runs job after job in it, each in a fresh namespace; with
    ``fresh_kernels`` a worker runs one job, in a kernel of its own, and exits.

    Isolation: a failed job gets its kernel replaced (``execute_job``); a worker that dies while
    running a job is recorded as that job's failure and replaced; one that dies before taking its
    job hands it to another worker (at most ``HAND_OVERS`` times, then the job fails); Ctrl-C kills
    the workers, and their kernels exit by themselves (ipykernel watches its parent).
    """
    import multiprocessing
    from multiprocessing.connection import wait

    import papermill  # noqa: F401 - imported once here, inherited by every forked worker

    from . import kernel_pool

    report_html.warm_up_exporter()
    context = multiprocessing.get_context("fork")
    per_worker = 1 if fresh_kernels else kernel_pool.MAX_NOTEBOOKS_PER_WORKER
    # what a warm kernel imports before its first notebook (an edited notebook runs in a kernel of its own)
    imports = registry.kernel_imports(job.notebook for job in jobs if not job.notebook_edited)
    pending, idle, busy = list(reversed(jobs)), [], {}
    lost: dict[tuple[str, str], int] = {}  # per job: workers that died before taking it

    def dead_worker(worker: _Worker, job: Job, started: bool) -> None:
        worker.stop()
        key = (job.notebook, job.geo)
        lost[key] = lost.get(key, 0) + (not started)
        if not started and lost[key] <= HAND_OVERS:
            pending.append(job)  # not the job's fault: another worker takes it
        else:
            on_done(_lost_job_record(job, f"the job process died (exit code {worker.process.exitcode})"))

    try:
        while pending or busy:
            while pending and len(idle) + len(busy) < workers:
                idle.append(_Worker(context, jobs[0].kernel, per_worker, not fresh_kernels, imports))
            while pending and idle:
                worker, job = idle.pop(), pending.pop()
                if worker.give(job):
                    busy[worker.connection] = worker
                else:  # the worker had died while idle
                    dead_worker(worker, job, started=False)
            # Wait on each busy worker's pipe and process sentinel, and ask the OS (waitpid) at
            # least every WATCH_S whether a worker has exited: its pipe and sentinel report the exit
            # only once every copy of their ends is closed, and a process forked meanwhile (by the
            # worker, or by any thread of the caller) may hold a copy for as long as it lives.
            owner = {**busy, **{worker.process.sentinel: worker for worker in busy.values()}}
            ready = [owner[obj] for obj in wait(list(owner), timeout=WATCH_S)]
            exited = [worker for worker in busy.values() if not worker.process.is_alive()]
            for worker in dict.fromkeys([*ready, *exited]):
                connection = worker.connection
                try:
                    if not connection.poll():  # exited with nothing left to read
                        raise EOFError
                    message = connection.recv()
                except (EOFError, OSError):  # the worker died
                    del busy[connection]
                    dead_worker(worker, worker.job, worker.started)
                    continue
                if message == _STARTED:
                    worker.started = True
                    continue
                del busy[connection]
                if worker.done < per_worker:
                    idle.append(worker)
                else:
                    worker.stop()
                on_done(message)
        for worker in idle:
            worker.stop()
    except KeyboardInterrupt:
        for worker in [*idle, *busy.values()]:
            worker.process.kill()
        for worker in [*idle, *busy.values()]:
            worker.process.join()
        raise


_STARTED = "started"  # what a worker sends when it has taken a job, before its record
WATCH_S = 1.0  # how often the runner checks that its busy workers are alive
HAND_OVERS = 2  # a job whose workers keep dying before taking it fails after this many hand-overs


class _Worker:
    """A worker process of ``run_jobs`` and the runner's end of its pipe."""

    def __init__(self, context: Any, kernel: str, max_jobs: int, warm: bool, imports: tuple[str, ...]):
        self.connection, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_process, name="nq57 worker",
                                       args=(child, kernel, max_jobs, warm, os.getpid(), imports))
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started = False  # whether the worker has taken self.job
        self.done = 0

    def give(self, job: Job) -> bool:
        """Send the worker a job; False if it has died (the job was not given)."""
        if not self.process.is_alive():
            return False
        try:
            self.connection.send(job)
        except OSError:
            return False
        self.job, self.started, self.done = job, False, self.done + 1
        return True

    def stop(self) -> None:
        """Let the worker finish (it shuts its kernel down), then reap it."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.connection.close()
        self.process.join()


def _worker_process(connection: Any, kernel_name: str, max_jobs: int, warm: bool, parent_pid: int,
                    imports: tuple[str, ...]) -> None:
    """Body of a worker: run up to ``max_jobs`` jobs sent by the runner, sending back each record. A warm
    worker's kernel imports ``imports`` before its first notebook (``registry.kernel_imports``)."""
    import threading

    from . import kernel_pool

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the runner's SIGTERM handler is for the runner only

    def exit_if_orphaned() -> None:  # the runner was killed: stop, so the kernel stops too
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=exit_if_orphaned, daemon=True).start()
    kernel = kernel_pool.WarmKernel(kernel_name, imports) if warm else None
    try:
        for _ in range(max_jobs):
            job = connection.recv()
            if job is None:
                break
            connection.send(_STARTED)
            connection.send(execute_job(job, kernel))
    except (EOFError, OSError):  # the runner closed the pipe, or is gone
        pass
    finally:
        if kernel is not None:
            kernel.discard()
        connection.close()


def _lost_job_record(job: Job, error: str) -> dict[str, Any]:
    """Record of a job whose process died; its partial notebook is kept, as for any failure."""
    job_dir = Path(job.reports_dir) / job.job_dir
    executed = None
    partial = job_dir / PARTIAL_NOTEBOOK
    if partial.exists():
        try:
            render.read_executed(partial)  # a notebook truncated by a full disk is not published
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook
            partial.unlink(missing_ok=True)
            error = f"{error}; the executed notebook was unreadable ({type(exc).__name__}) and was removed"
        else:
            os.replace(partial, job_dir / "notebook.ipynb")
            executed = f"{job.job_dir}/notebook.ipynb"
    shutil.rmtree(job_dir / STAGING_RESULTS, ignore_errors=True)
    return {"notebook": job.notebook, "geo": job.geo, "status": "failed", "parameters": job.parameters,
            "inputs": {"notebook": Path(job.input_path).name, "notebook_sha256": job.notebook_sha256},
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
        for name in args.notebook or notebook_names():
            print(f"# {name}\n{parameters_cell(name)}\n")
        return 0
    t_start, started_utc = time.perf_counter(), utc_now()
    skip_slow_optional_imports()

    # 1. Check everything and create the run folder; nothing is written before the checks passed.
    args.reports_dir = default_reports_dir(args.reports_dir)  # never data/, notebooks/, nq57lib/ or the root
    use_extra_files(getattr(args, "extra_observations", None), getattr(args, "extra_sources", None))
    kernel = pick_kernel(args.kernel)
    force = getattr(args, "force", False)
    fresh_kernels = getattr(args, "fresh_kernels", False)
    reusable = {} if force else reusable_reports(args.reports_dir)
    plan = plan_run(args.notebook, args.geo, parse_overrides(args.param, select_notebooks(args.notebook)),
                    args.reports_dir, reusable=reusable, kernel=kernel)
    if ALL_GEOS not in (args.geo or []):  # with "all", skips are expected; the manifest lists them
        for item in plan["skipped"]:
            print(f"skipped {item['notebook']} / {item['geo']}: {item['reason']}", file=sys.stderr)

    # 2. Run every notebook into its own folder of this run, rendering each as it finishes.
    reports_dir, run_id = Path(plan["reports_dir"]), plan["run_id"]
    jobs = [Job(notebook=j["notebook"], geo=j["geo"], parameters=j["parameters"], input_path=j["input_nb"],
                notebook_sha256=plan["notebooks"][j["notebook"]]["sha256"], kernel=kernel, timeout_s=args.timeout,
                reports_dir=str(reports_dir), job_dir=j["job_dir"], run_id=run_id, fingerprint=j["fingerprint"],
                notebook_edited=plan["notebooks"][j["notebook"]]["edited"], given=j.get("given"))
            for j in plan["jobs"]]
    echo_resolved_geos(args.geo or [])
    reused, jobs = reuse_unchanged(jobs, reusable)
    workers, capped = cap_jobs(args.jobs, len(jobs))
    if capped and jobs:
        print(capped, file=sys.stderr)
    with sigterm_as_interrupt():
        records, interrupted = execute_batch(jobs, workers, fresh_kernels=fresh_kernels)
    order = {(j["notebook"], j["geo"]): i for i, j in enumerate(plan["jobs"])}
    records = sorted(reused + records, key=lambda r: order[(r["notebook"], r["geo"])])

    # 3. Record the run, then rebuild the index from every run's manifest.
    manifest = render.finish_run(
        reports_dir, run_id, records, started_utc=started_utc, duration_s=time.perf_counter() - t_start,
        runner="nq57 run",
        skipped=plan["skipped"], not_run=len(jobs) + len(reused) - len(records), interrupted=interrupted,
        kernel=kernel, kernels="fresh" if fresh_kernels else "warm", reused=len(reused),
        workers=workers, timeout_s=args.timeout, data=plan["data"], overrides=plan["overrides"],
        notebooks=plan["notebooks"])
    render.print_summary(manifest, reports_dir)
    if interrupted:
        raise KeyboardInterrupt
    return 1 if manifest["counts"]["failed"] else 0


def reusable_reports(reports_dir: str | Path | None) -> dict[str, dict]:
    """Fingerprint -> the newest successful job of an earlier run into ``reports_dir`` with its files."""
    folder = default_reports_dir(reports_dir)
    manifests, _ = run_record.read_manifests(folder)
    return reuse.reusable_jobs(manifests, folder)


def reuse_unchanged(jobs: list[Job], found: dict[str, dict]) -> tuple[list[dict], list[Job]]:
    """Records of the jobs whose report an earlier successful run already made, and the jobs to execute.

    A job is reused when an earlier job of ``nq57 run`` into the same reports folder had the same
    fingerprint (notebook bytes, parameters, data checksum and user data files, package version and
    code), succeeded, and still has its files (``found``: ``reusable_reports``; empty with --force).
    """
    reused, remaining = [], []
    for job in jobs:
        previous = found.get(job.fingerprint)
        if previous is None:
            remaining.append(job)
            continue
        now = utc_now()
        try:
            record = reuse.reuse_job(previous, job.reports_dir, job.job_dir, now, now)
        except OSError:  # the earlier files vanished meanwhile (pruned): execute instead
            remaining.append(job)
            continue
        reused.append(record)
        print(f"reused {job.notebook} / {job.geo} from run {record['reused_from']} (unchanged inputs; "
              "--force re-runs)", file=sys.stderr)
    return reused, remaining


_UNSET = object()


def parameters_cell_values(notebook: str) -> dict[str, Any]:
    """The values of the notebook's own ``parameters`` cell (``render.cell_assignments``)."""
    import nbformat

    path = notebook_path(notebook)
    return render.cell_assignments(nbformat.read(str(path), as_version=4), path, "parameters")


def plan_run(notebooks: list[str] | None, geos: list[str] | None, overrides: dict[str, Any],
             reports_dir: str | Path | None, reusable: dict[str, dict] | None = None,
             kernel: str | None = None) -> dict[str, Any]:
    """Check a batch and create its run folder; return the plan as plain data (JSON-ready).

    The one planning step of every route that runs the notebooks itself: ``nq57 run`` and the
    Airflow DAG (whose tasks run papermill on each planned job, then ``render.render_planned``).
    ``None`` or empty notebooks and geographies mean ``nq57 run``'s defaults. Each job names its
    input notebook, where papermill writes the executed notebook (``output_nb``), and its
    parameters including ``output_dir``, and the fingerprint of its inputs (``nq57lib.reuse``).
    ``reusable`` (fingerprint -> earlier job) spares the data checks of jobs an earlier run passed.
    ``kernel`` is part of the fingerprint (default: the one ``nq57 run`` would pick).
    Raises ``ParameterError`` before anything is written.
    """
    selected = select_notebooks(notebooks or None)
    overrides = check_overrides(overrides or {}, selected)
    data = results_files.data_vintage()
    sha = {nb: sha256_file(notebook_path(nb)) for nb in selected}
    edited = {nb: shipped.is_edited(notebook_path(nb)) for nb in selected}
    cells = {nb: parameters_cell_values(nb) for nb in selected}
    version = results_files.package_version()
    kernel = kernel or pick_kernel(None)

    def fingerprint(params: Parameters) -> str:
        return reuse.fingerprint(sha[params.notebook], dict(params.items()), data, version, kernel=kernel,
                                 notebook_dir=config.NOTEBOOKS_DIR)

    planned, skipped = plan_jobs(selected, list(geos or config.DEFAULT_REPORT_GEOS), overrides,
                                 unchanged=(lambda params: fingerprint(params) in reusable) if reusable else None)
    if not planned:  # every pair skipped: a run that runs nothing is an error, said in one line, nothing written
        raise ParameterError("geo", nothing_to_run(skipped))
    reports_dir = default_reports_dir(reports_dir)
    run_id = render.new_run_id()
    try:
        (reports_dir / "runs" / run_id).mkdir(parents=True)
    except OSError as error:
        raise ParameterError("reports-dir", f"cannot create a run folder in {reports_dir}: {error.strerror}") from None
    jobs = []
    for params in planned:
        job_dir = render.job_dir_of(run_id, params.notebook, params.geo)
        (reports_dir / job_dir).mkdir(parents=True)  # papermill writes only into an existing folder
        jobs.append({"notebook": params.notebook, "geo": params.geo, "job_dir": job_dir,
                     "input_nb": str(notebook_path(params.notebook).resolve()),
                     "output_nb": str(reports_dir / job_dir / PARTIAL_NOTEBOOK),
                     "parameters": {k: v for k, v in params.items() if k != "output_dir"},
                     # injected by papermill: the geography, the -p values and any value the notebook's parameters
                     # cell does not already hold, so the kernel's ``P.given`` names what the user gave (a default
                     # passed explicitly is the user's) and the registry's values still win over an edited cell
                     "given": {k: v for k, v in params.items() if k != "output_dir" and (
                         k in params.given | {"geo"} or cells[params.notebook].get(k, _UNSET) != v)},
                     "output_dir": str(reports_dir / job_dir / STAGING_RESULTS),
                     "fingerprint": fingerprint(params)})
    return {"run_id": run_id, "reports_dir": str(reports_dir), "started_utc": utc_now(), "data": data,
            "overrides": overrides, "skipped": skipped, "jobs": jobs,
            "notebooks": {nb: {"path": notebook_path(nb).name, "sha256": sha[nb], "edited": edited[nb]}
                          for nb in selected}}


def execute_batch(jobs: list[Job], workers: int, fresh_kernels: bool = False) -> tuple[list[dict], bool]:
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
            run_jobs(jobs, workers, on_done, fresh_kernels=fresh_kernels)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
    order = {(job.notebook, job.geo): i for i, job in enumerate(jobs)}
    return sorted(records, key=lambda r: order[(r["notebook"], r["geo"])]), interrupted


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Handle SIGTERM (``kill``, systemd, a scheduler's timeout) like Ctrl-C while the batch runs.

    The running notebooks are stopped, the finished ones and the ``interrupted`` flag are recorded
    in the manifest. Job processes (forked) restore the default handler.
    """
    def interrupt(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
