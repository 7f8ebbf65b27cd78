"""``nq57 render``: publish executed notebooks, from any papermill route, as reports.

Whoever ran papermill (``nq57 run``, an Airflow task, cron, a researcher's own call), the executed
notebook carries what a report needs: papermill records the input notebook and the injected
parameters in ``metadata.papermill``, the notebook wrote its machine-readable results into its
``output_dir``, and a failed cell is in the notebook. Rendering turns each executed notebook into
``reports/runs/<run_id>/<notebook>/<geo>/`` (``notebook.ipynb``, and for a successful run
``report.html`` and ``results/``), then writes the run's ``manifest.json`` and rebuilds
``reports/index.html``. ``nq57 run`` renders each notebook right after papermill returns, so every
route publishes the same files.

Everything about the inputs is checked before the run folder is created: a file that is not a
papermill output, parameters the notebook's spec rejects, or results written by another run
(their ``results.json`` names other parameters) are errors naming the file.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import config, report_html, results_files, reuse, run_record, shipped
from .errors import OutputError, ParameterError
from .params import default_reports_dir
from .provenance import sha256_file

PARTIAL_NOTEBOOK = ".notebook.partial.ipynb"  # papermill saves here while cells run (nq57 run, the DAG)
STAGING_RESULTS = ".results.partial"          # the notebook's output_dir until the run succeeds


@dataclass(frozen=True)
class Executed:
    """One executed notebook to render, and what the route that ran it knows beyond the notebook.

    ``move`` moves the notebook and results into the run folder (a runner's own staging files);
    otherwise they are copied and the originals are left alone. ``error`` is the route's reason
    for a failure the notebook cannot show (a timeout, a dead kernel); without it, the failure is
    read from the notebook. ``started_utc`` and ``execute_s`` default to papermill's timings.
    """

    path: Path
    results_dir: Path | None = None
    move: bool = False
    error: str | None = None
    started_utc: str | None = None
    execute_s: float | None = None


def new_run_id() -> str:
    """UTC start time plus a random suffix: sorts by time, unique across concurrent runs."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_line(value: Any) -> str:
    lines = str(value).strip().splitlines()
    return lines[0] if lines else ""


# ---------------------------------------------------------------------------------------------
# Reading an executed notebook

def read_executed(path: str | Path) -> Any:
    """The executed notebook at ``path``; an error naming the file if it is not a papermill output."""
    import nbformat

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise ParameterError("notebook", f"{path}: no such file") from None
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets one line
        raise ParameterError("notebook", f"{path}: not a readable notebook ({type(exc).__name__})") from None
    if "papermill" not in nb.metadata or not isinstance(nb.metadata.papermill, dict) \
            or "parameters" not in nb.metadata.papermill:
        raise ParameterError("notebook", f"{path}: no papermill metadata; render the output of a papermill run")
    problem = papermill_metadata_problem(nb.metadata.papermill)
    if problem:
        raise ParameterError("notebook", f"{path}: malformed papermill metadata: {problem}")
    return nb


def papermill_metadata_problem(meta: Any) -> str | None:
    """What in a notebook's ``metadata.papermill`` is not as papermill writes it (types, timestamps), or None.

    Checked when the notebook is read, so a malformed one is one error line before any run folder exists.
    """
    if not isinstance(meta.get("parameters"), dict) or not all(isinstance(k, str) for k in meta["parameters"]):
        return "parameters is not a mapping of names to values"
    for key in ("input_path", "output_path", "start_time", "end_time"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            return f"{key} is not text"
    for key in ("start_time", "end_time"):
        if meta.get(key):
            try:
                datetime.fromisoformat(str(meta[key]))
            except ValueError:
                return f"{key} {str(meta[key])[:40]!r} is not an ISO date and time"
    duration = meta.get("duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, (int, float))
                                 or not duration >= 0 or duration == float("inf")):
        return "duration is not a number of seconds"
    if meta.get("exception") not in (None, True, False):
        return "exception is not true, false or null"
    return None


def notebook_name(nb: Any, path: Path, name: str | None = None) -> str:
    """The report notebook ``nb`` was executed from: ``name`` if given, else its input file's name."""
    from .registry import notebook_names

    if name is None:
        name = Path(str(nb.metadata.papermill.get("input_path") or "")).stem
    if name not in notebook_names():
        raise ParameterError("notebook", f"{path}: executed from {name!r}, not a report notebook "
                                         f"({', '.join(notebook_names())}); name it with --notebook")
    return name


def executed_parameters(nb: Any, path: Path, notebook: str) -> tuple[Any, str]:
    """The notebook's validated parameters (``output_dir`` kept) and the raw ``output_dir`` given.

    Read from what ran: the values of the ``parameters`` cell, overridden by papermill's injected
    cell; papermill's metadata must name exactly the injected values (issue 24: a parameters cell
    edited to ``geo = "vn"`` and run without ``-p`` is the ``vn`` report, not the default one).
    """
    from .params import validate_parameters

    injected, cell_values = cell_assignments(nb, path, "injected-parameters"), cell_assignments(nb, path, "parameters")
    recorded = dict(nb.metadata.papermill.parameters or {})
    if injected != recorded:
        differ = sorted(k for k in set(injected) | set(recorded) if injected.get(k, _MISSING) != recorded.get(k, _MISSING))
        raise ParameterError("notebook", f"{path}: papermill's metadata and the injected parameters cell disagree "
                                         f"({', '.join(differ)}); the notebook was edited after papermill ran")
    given = {**cell_values, **injected}
    output_dir = str(given.pop("output_dir", "") or "")
    try:
        return validate_parameters(notebook, **given, output_dir=output_dir), output_dir
    except ParameterError as error:
        raise ParameterError(error.name, f"{path}: {error.problem}") from None


_MISSING = object()


def cell_assignments(nb: Any, path: Path, tag: str) -> dict[str, Any]:
    """``name = literal`` assignments of the code cell tagged ``tag`` (papermill's ``parameters`` or
    ``injected-parameters``); {} if there is none. A value that is not a literal cannot be read: an error."""
    import ast

    values: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or tag not in cell.get("metadata", {}).get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            raise ParameterError("notebook", f"{path}: the {tag} cell is not valid Python") from None
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target, value = node.targets[0].id, node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                target, value = node.target.id, node.value
            else:
                raise ParameterError("notebook", f"{path}: the {tag} cell holds more than name = value lines "
                                                 f"(line {node.lineno}); its parameters cannot be read")
            try:
                values[target] = ast.literal_eval(value)
            except ValueError:
                raise ParameterError(target, f"{path}: the {tag} cell sets it to an expression, not a value; "
                                             "its parameters cannot be read") from None
    return values


def notebook_error(nb: Any) -> str | None:
    """Why the execution failed, read from the notebook (None: every cell ran without error)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename')}: {first_line(output.get('evalue', ''))} (cell [{cell.execution_count}])"
    if nb.metadata.papermill.get("exception"):
        return "papermill recorded an exception; the notebook did not run to the end"
    return execution_problem(nb)


def execution_problem(nb: Any) -> str | None:
    """Why ``nb`` is not a complete papermill execution, or None: papermill recorded its start and end,
    and every code cell with code ran (papermill's status ``completed``, an execution count), in order.

    A notebook prepared with ``papermill --prepare-only`` has parameters but ran nothing (issue 24).
    """
    meta = nb.metadata.papermill
    if not meta.get("start_time") or not meta.get("end_time"):
        return "the notebook was not executed (papermill recorded no start and end; prepared only?)"
    last = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue  # papermill runs no empty cell
        count = cell.get("execution_count")
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if status != "completed" or not isinstance(count, int) or isinstance(count, bool):
            return f"the notebook did not run to the end (cell {index + 1} never completed)"
        if count <= last:
            return f"the cells did not run in order (cell {index + 1} ran as [{count}] after [{last}])"
        last = count
    return None


def results_written_during(results_dir: Path, nb: Any) -> bool:
    """Whether ``results.json`` was written while the notebook ran (between papermill's start and end,
    two seconds of slack each side): results an earlier run left in the same folder are not this run's."""
    start, end = nb.metadata.papermill.get("start_time"), nb.metadata.papermill.get("end_time")
    if not start or not end:
        return False
    def utc(text: Any) -> float:  # papermill writes naive UTC times
        moment = datetime.fromisoformat(str(text))
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()

    try:
        written = (results_dir / results_files.RESULTS_JSON).stat().st_mtime
        return utc(start) - 2 <= written <= utc(end) + 2
    except (OSError, ValueError):
        return False


def shipped_notebook(notebook: str) -> Path:
    """The repository's notebook of that name (``notebooks/<name>.ipynb``), what an executed one is compared with."""
    return Path(config.NOTEBOOKS_DIR) / f"{notebook}.ipynb"


def page_title(nb: Any, notebook: str, geo: str, lang: str) -> str:
    """The report page's title in the report's language: the notebook's name (``<notebook>.notebook_name``
    in the locale files, else its first heading) and the geography's name (its id if unknown)."""
    from . import data_package, geography
    from .text import t

    try:
        name = t(f"{notebook}.notebook_name", lang)
    except (KeyError, ParameterError):
        name = notebook_title(nb, notebook)
    try:
        place = geography.geo_name(data_package.load_package(), geo, lang)
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


def papermill_timings(nb: Any) -> tuple[str | None, float | None]:
    """Start (UTC, ``...Z``) and duration in seconds that papermill recorded, where it did."""
    meta = nb.metadata.papermill
    started = None
    if meta.get("start_time"):
        started = datetime.fromisoformat(str(meta.start_time)).strftime("%Y-%m-%dT%H:%M:%SZ")
    duration = meta.get("duration")
    return started, (round(float(duration), 3) if duration is not None else None)


def check_results(results_dir: Path, notebook: str, params: Any) -> None:
    """Refuse results that another run wrote: ``results.json`` must name this notebook and parameters."""
    import json

    path = results_dir / results_files.RESULTS_JSON
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ParameterError("results", f"{path}: unreadable ({type(error).__name__})") from None
    expected = {k: results_files.plain_value(k, v) for k, v in params.items() if k != "output_dir"}
    if document.get("notebook") != notebook or document.get("parameters") != expected:
        raise ParameterError("results", f"{path} was written by another run (notebook or parameters differ "
                                        f"from the executed notebook's)")


# ---------------------------------------------------------------------------------------------
# Rendering one executed notebook into a run folder

def job_dir_of(run_id: str, notebook: str, geo: str) -> str:
    """A job's folder relative to the reports folder."""
    return f"runs/{run_id}/{notebook}/{geo}"


def render_job(executed: Executed, reports_dir: str | Path, run_id: str, *, notebook: str | None = None,
               nb: Any = None) -> dict[str, Any]:
    """Publish one executed notebook into ``runs/<run_id>/<notebook>/<geo>/``; return its manifest record.

    The executed notebook becomes ``notebook.ipynb`` (kept for a failure: it shows where and why);
    a successful run also gets ``report.html`` and ``results/``. A failure while publishing is
    recorded as the job's error, never raised.
    """
    t_start = time.perf_counter()
    path = Path(executed.path)
    nb = nb if nb is not None else read_executed(path)
    notebook = notebook_name(nb, path, notebook)
    params, _ = executed_parameters(nb, path, notebook)
    parameters = {k: v for k, v in params.items() if k != "output_dir"}
    rel_dir = job_dir_of(run_id, notebook, params.geo)
    job_dir = Path(reports_dir) / rel_dir
    job_dir.mkdir(parents=True, exist_ok=True)
    started, duration = papermill_timings(nb)
    input_path = Path(str(nb.metadata.papermill.get("input_path") or ""))
    record: dict[str, Any] = {
        "notebook": notebook, "geo": params.geo, "status": "failed", "parameters": parameters,
        "inputs": {"notebook": input_path.name,
                   "notebook_sha256": sha256_file(input_path) if input_path.is_file() else None,
                   "notebook_edited": shipped.is_edited(shipped_notebook(notebook), nb),
                   "data_checksum": ""},
        "started_utc": executed.started_utc or started, "executed_notebook": None, "report_html": None,
        "results_dir": None, "error": executed.error or notebook_error(nb),
    }
    place(path, job_dir / "notebook.ipynb", executed.move)
    record["executed_notebook"] = f"{rel_dir}/notebook.ipynb"
    results = executed.results_dir
    data = results_data(results) or results_files.data_vintage()  # what the kernel read, where it says so
    record["inputs"]["data_checksum"] = data.get("checksum", "")
    if record["error"] is None:
        try:
            lang = str(parameters.get("lang", "en"))
            title = page_title(nb, notebook, params.geo, lang)
            header = report_html.provenance_header_html(title, parameters, data, results_files.package_version(), run_id,
                                                   record["started_utc"] or "", lang=lang)
            top = report_html.title_html(title, params.geo, lang, has_results=results is not None and results.is_dir())
            results_files.atomic_write_text(job_dir / "report.html",
                                     report_html.notebook_to_html(nb, title, header, lang=lang, title_block=top))
            if results is not None and results.is_dir():
                place(results, job_dir / "results", executed.move)
                record["results_dir"] = f"{rel_dir}/results"
            record.update(status="ok", report_html=f"{rel_dir}/report.html")
            record[reuse.CHECKSUMS_KEY] = reuse.file_checksums(job_dir)  # what a later reuse checks
        except Exception as exc:  # noqa: BLE001
            record["error"] = f"publishing the report failed: {type(exc).__name__}: {first_line(exc)}"
    if executed.move and results is not None and record["results_dir"] is None:
        shutil.rmtree(results, ignore_errors=True)  # a failed run's staged results are not published
    execute_s = executed.execute_s if executed.execute_s is not None else duration or 0.0
    export_s = time.perf_counter() - t_start
    record.update(finished_utc=utc_now(), execute_s=round(execute_s, 3), export_s=round(export_s, 3),
                  duration_s=round(execute_s + export_s, 3))
    return record


def results_data(results_dir: Path | None) -> dict[str, Any] | None:
    """The data vintage the notebook's kernel used, as its ``results.json`` records it."""
    import json

    if results_dir is None or not (results_dir / results_files.RESULTS_JSON).is_file():
        return None
    return json.loads((results_dir / results_files.RESULTS_JSON).read_text(encoding="utf-8")).get("data")


def place(source: Path, target: Path, move: bool) -> None:
    """Move (same file system, atomic) or copy ``source`` to ``target`` without a half-written target."""
    if move:
        os.replace(source, target)
    elif source.is_dir():
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
        shutil.copytree(source, staging, dirs_exist_ok=True)
        os.replace(staging, target)
    else:
        results_files.atomic_write_bytes(target, source.read_bytes())


# ---------------------------------------------------------------------------------------------
# A run: its manifest and the index

def finish_run(reports_dir: str | Path, run_id: str, records: list[dict], *, started_utc: str, duration_s: float,
               runner: str, skipped: list[dict] | None = None, not_run: int = 0, interrupted: bool = False,
               **fields: Any) -> dict:
    """Write the run's ``manifest.json`` and rebuild the index; return the manifest.

    ``runner`` says which route ran the notebooks (``nq57 run``, ``nq57 render``, ``airflow``);
    ``fields`` are the route's own manifest entries (kernel, workers, timeout, overrides...).
    """
    reports_dir = Path(reports_dir)
    skipped = skipped or []
    failed = [r for r in records if r["status"] != "ok"]
    manifest = {
        "schema": run_record.MANIFEST_SCHEMA, "run_id": run_id, "runner": runner, "started_utc": started_utc,
        "finished_utc": utc_now(), "duration_s": round(duration_s, 3), "interrupted": interrupted,
        "nq57lib_version": results_files.package_version(), "python": sys.version.split()[0],
        **fields,
        "counts": {"ok": len(records) - len(failed), "failed": len(failed), "skipped": len(skipped),
                   "not_run": not_run},
        "jobs": records, "skipped": skipped,
    }
    run_dir = reports_dir / "runs" / run_id
    try:
        run_record.write_manifest(run_dir, manifest)
    except OSError as exc:
        raise OutputError(run_dir / run_record.MANIFEST_NAME, f"{exc.strerror or exc}; the run's files are in {run_dir}") from None
    try:
        run_record.update_index(reports_dir, utc_now())
    except OSError as exc:
        raise OutputError(reports_dir / "index.html", f"{exc.strerror or exc}; the run's manifest is "
                                                      f"{run_dir / run_record.MANIFEST_NAME}") from None
    return manifest


def render_planned(plan: dict[str, Any], runner: str = "airflow", **fields: Any) -> dict[str, Any]:
    """Render every job of a ``runner.plan_run`` plan that another route executed; return the manifest.

    The Airflow DAG's publish step: its tasks ran papermill on each planned job (executed notebook
    at ``output_nb``, results in ``output_dir``). A job without an executed notebook failed before
    papermill wrote one; its record says so. Safe to repeat (a retried task): a job already
    published is rendered again from its published files.
    """
    reports_dir = default_reports_dir(plan["reports_dir"])
    records = []
    for job in plan["jobs"]:
        if job.get("reuse"):  # unchanged since an earlier successful run: its files are linked, not rendered
            from .reuse import reuse_job

            records.append(reuse_job(job["reuse"], reports_dir, job["job_dir"], utc_now(), utc_now()))
            continue
        job_dir = reports_dir / job["job_dir"]
        source = next((p for p in (Path(job["output_nb"]), job_dir / "notebook.ipynb") if p.is_file()), None)
        results = next((p for p in (Path(job["output_dir"]), job_dir / "results") if p.is_dir()), None)
        if source is None:
            records.append({"notebook": job["notebook"], "geo": job["geo"], "status": "failed",
                            "parameters": job["parameters"], "executed_notebook": None, "report_html": None,
                            "results_dir": None, "error": "no executed notebook: papermill did not start "
                                                          "(see the execute task's log)"})
            continue
        record = render_job(Executed(path=source, results_dir=results, move=True), reports_dir,
                            plan["run_id"], notebook=job["notebook"])
        if job.get("fingerprint"):  # what a later run compares to reuse this report (nq57lib.reuse)
            from .reuse import FINGERPRINT_KEY

            record[FINGERPRINT_KEY] = job["fingerprint"]
        records.append(record)
    started = datetime.strptime(plan["started_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return finish_run(reports_dir, plan["run_id"], records, started_utc=plan["started_utc"],
                      duration_s=(datetime.now(timezone.utc) - started).total_seconds(), runner=runner,
                      skipped=plan["skipped"], data=plan["data"], overrides=plan["overrides"],
                      notebooks=plan["notebooks"], **fields)


def print_summary(manifest: dict, reports_dir: Path) -> None:
    counts = manifest["counts"]
    workers = f" with {manifest['workers']} worker(s)" if manifest.get("workers") else ""
    print(f"{manifest['runner']} {manifest['run_id']}: {counts['ok']} ok, {counts['failed']} failed, "
          f"{counts['skipped']} skipped in {manifest['duration_s']:.1f} s{workers}")
    if manifest.get("reused"):
        print(f"{manifest['reused']} report(s) reused from earlier runs (inputs unchanged; --force re-runs them)")
    if counts["not_run"]:
        print(f"interrupted: {counts['not_run']} notebook(s) did not finish")
    for record in manifest["jobs"]:
        if record["status"] != "ok":
            print(f"FAILED {record['notebook']} / {record['geo']}: {record['error']}")
            if record.get("executed_notebook"):
                print(f"       executed notebook: {reports_dir / record['executed_notebook']}")
    print(f"manifest: {reports_dir / 'runs' / manifest['run_id'] / run_record.MANIFEST_NAME}")
    print(f"index: {reports_dir / 'index.html'}")


# ---------------------------------------------------------------------------------------------
# The command

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``nq57 render``."""
    parser.add_argument("executed", nargs="+", type=Path, metavar="EXECUTED.ipynb",
                        help="notebook(s) executed by papermill (any route); each becomes one report of the run")
    parser.add_argument("--results", type=Path, metavar="DIR",
                        help="folder the notebook wrote its results to (one notebook only; default: its "
                             "output_dir parameter, or reports/scratch/<notebook>/<geo> when that is empty)")
    parser.add_argument("--notebook", metavar="NAME",
                        help="the report notebook it was executed from (default: papermill's input file name)")
    parser.add_argument("--reports-dir", type=Path, metavar="DIR",
                        help="where reports go (default: reports/ or $NQ57_REPORTS_DIR)")


def plan_render(paths: list[Path], results: Path | None, notebook: str | None) -> list[tuple[Executed, Any, str]]:
    """Read and check every executed notebook and its results before anything is written."""
    from .params import default_output_dir

    if results is not None and len(paths) > 1:
        raise ParameterError("results", "give --results with one executed notebook only")
    planned, seen = [], set()
    for path in paths:
        nb = read_executed(path)
        name = notebook_name(nb, path, notebook)
        params, output_dir = executed_parameters(nb, path, name)
        if (name, params.geo) in seen:
            raise ParameterError("notebook", f"{path}: a second {name} report for {params.geo} in one run")
        seen.add((name, params.geo))
        folder = results or (Path(output_dir) if output_dir else default_output_dir(params))
        if (folder / results_files.RESULTS_JSON).is_file():
            check_results(folder, name, params)
            if not results_written_during(folder, nb):
                raise ParameterError("results", f"{folder / results_files.RESULTS_JSON} was not written while {path} ran "
                                                "(results of another run)")
        elif results is not None:
            raise ParameterError("results", f"{folder}: no {results_files.RESULTS_JSON}")
        else:
            if notebook_error(nb) is None:
                print(f"note: {path}: no results in {folder}; the report is published without them",
                      file=sys.stderr)
            folder = None
        planned.append((Executed(path=path, results_dir=folder), nb, name))
    return planned


def main(args: argparse.Namespace) -> int:
    """Run ``nq57 render``; returns 0 if every notebook had succeeded, 1 if any had failed."""
    t_start, started_utc = time.perf_counter(), utc_now()
    reports_dir = default_reports_dir(args.reports_dir)  # never data/, notebooks/, nq57lib/ or the root
    planned = plan_render(args.executed, args.results, args.notebook)
    run_id = new_run_id()
    try:
        (reports_dir / "runs" / run_id).mkdir(parents=True)
    except OSError as error:
        raise ParameterError("reports-dir", f"cannot create a run folder in {reports_dir}: {error.strerror}") from None
    records = [render_job(executed, reports_dir, run_id, notebook=name, nb=nb) for executed, nb, name in planned]
    manifest = finish_run(reports_dir, run_id, records, started_utc=started_utc,
                          duration_s=time.perf_counter() - t_start, runner="nq57 render", data=results_files.data_vintage(),
                          kernel=", ".join(sorted({nb.metadata.get("kernelspec", {}).get("name", "")
                                                   for _, nb, _ in planned})),
                          sources=[str(e.path) for e, _, _ in planned])
    print_summary(manifest, reports_dir)
    return 1 if manifest["counts"]["failed"] else 0
