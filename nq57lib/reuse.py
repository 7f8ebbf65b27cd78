"""Incremental runs: reuse a report whose inputs have not changed since a successful run.

A report is fully determined by its inputs: the notebook's bytes, its parameters, the data it read
(the data checksum covers every shipped table and every user data file; their names are added so a
renamed file is a new input), the version of nq57lib that computed it (its version number and
a digest of its source files, for checkouts edited in place), the ``matplotlibrc`` of the notebook's
folder (matplotlib reads it from the working directory), the kernel's name and the locked
environment (``constraints.txt`` and the installed versions of the libraries the reports compute
with: ``environment_digest``). ``fingerprint`` hashes exactly these. ``nq57 run`` records each job's fingerprint in its manifest; a later run finds a
successful job with the same fingerprint whose files are all still there, and links them into its
own run folder instead of executing the notebook again (``reused_from`` names the run that executed
it). ``nq57 run --force`` executes every notebook. A failed job is never reused.

Reuse checks, never trusts, the earlier files: a successful job records the SHA-256 of each file it
published (``files_sha256``: the executed notebook, the report page, every results file); a job is
reused only if its files are in its own folder (``runs/<run_id>/<notebook>/<geo>/``, so a manifest
cannot point one job at another geography's files), none is a symbolic link, and every checksum
still matches (an edited or emptied ``results.json`` is not reused; the job is executed again).

The linked files are hard links where the file system allows (copies elsewhere): published files
are only ever replaced whole (atomic renames), never edited in place, so a link cannot change under
a reader, and pruning the older run leaves the newer one complete.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Mapping

FINGERPRINT_KEY = "input_fingerprint"
CHECKSUMS_KEY = "files_sha256"

# The libraries whose versions change what a report computes or shows (with constraints.txt).
KEY_PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "pandera", "openpyxl", "papermill",
                "nbclient", "nbconvert", "ipykernel", "jupytext")


def fingerprint(notebook_sha256: str, parameters: Mapping[str, Any], data: Mapping[str, Any],
                package_version: str, *, kernel: str = "", notebook_dir: str | Path | None = None) -> str:
    """SHA-256 over everything a report depends on (parameters without ``output_dir``)."""
    from .results_files import plain_value

    document = {
        "notebook_sha256": notebook_sha256,
        "parameters": {k: plain_value(k, v) for k, v in sorted(parameters.items()) if k != "output_dir"},
        "data_checksum": data.get("checksum", ""),
        "extra_files": sorted(data.get("extra_files") or []),
        "nq57lib_version": package_version,
        "nq57lib_code": code_digest(),
        "kernel": kernel,
        "matplotlibrc": _file_digest(Path(notebook_dir) / "matplotlibrc") if notebook_dir is not None else None,
        "environment": environment_digest(),
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over nq57lib's own files (code and locale texts): an edit in a source checkout changes
    the reports without changing the version number, so it counts as a new input too."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml") and p.is_file()
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@functools.lru_cache(maxsize=1)
def environment_digest() -> str:
    """SHA-256 over ``constraints.txt`` (the locked environment) and the installed versions of ``KEY_PACKAGES``."""
    from importlib import metadata

    from . import config

    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    document = {"constraints": _file_digest(Path(config.PROJ_ROOT) / "constraints.txt"), "versions": versions}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode("utf-8")).hexdigest()


def file_checksums(job_dir: str | Path) -> dict[str, str] | None:
    """SHA-256 of each file a job published (``notebook.ipynb``, ``report.html``, ``results/...``), by path
    relative to its folder; None if one of them is a symbolic link (reuse never follows one)."""
    job_dir = Path(job_dir)
    files = [job_dir / "notebook.ipynb", job_dir / "report.html"]
    results = job_dir / "results"
    if results.is_symlink():
        return None
    if results.is_dir():
        files += sorted(p for p in results.rglob("*") if p.is_symlink() or p.is_file())
    checksums = {}
    for path in files:
        if path.is_symlink():
            return None
        if path.is_file():
            checksums[path.relative_to(job_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return checksums


def reusable_jobs(manifests: list[dict], reports_dir: str | Path) -> dict[str, dict]:
    """Fingerprint -> the newest successful job record (with its ``run_id``) whose files check out.

    ``manifests`` newest first (``run_record.read_manifests``). A job of an interrupted run counts as
    long as it finished ok; its files are checked, not trusted (``verified``).
    """
    found: dict[str, dict] = {}
    for manifest in manifests:
        for job in manifest.get("jobs", []):
            key = job.get(FINGERPRINT_KEY)
            if not isinstance(key, str) or key in found or job.get("status") != "ok":
                continue
            if verified(job, manifest.get("run_id"), reports_dir):
                found[key] = dict(job, run_id=manifest["run_id"])
    return found


def verified(job: Mapping[str, Any], run_id: Any, reports_dir: str | Path) -> bool:
    """Whether ``job`` (of run ``run_id``) published its files in its own folder and they are unchanged."""
    root = Path(reports_dir).resolve()
    if not all(isinstance(v, str) and v for v in (run_id, job.get("notebook"), job.get("geo"))):
        return False
    rel_dir = f"runs/{run_id}/{job['notebook']}/{job['geo']}"
    folder = root / rel_dir
    if root not in folder.resolve().parents or folder.is_symlink():  # never follow a path out of reports/
        return False
    if (job.get("executed_notebook"), job.get("report_html")) != (f"{rel_dir}/notebook.ipynb", f"{rel_dir}/report.html"):
        return False  # another job's (another geography's) files
    if job.get("results_dir") not in (None, f"{rel_dir}/results"):
        return False
    recorded = job.get(CHECKSUMS_KEY)
    if not isinstance(recorded, dict) or "report.html" not in recorded or "notebook.ipynb" not in recorded:
        return False  # nothing to check the files against
    if (job.get("results_dir") is None) != (not any(k.startswith("results/") for k in recorded)):
        return False
    return file_checksums(folder) == recorded


def reuse_job(previous: Mapping[str, Any], reports_dir: str | Path, job_dir: str, started_utc: str,
              finished_utc: str) -> dict[str, Any]:
    """Link ``previous``'s files into ``job_dir`` (relative to ``reports_dir``); return the new record."""
    root = Path(reports_dir)
    target = root / job_dir
    target.mkdir(parents=True, exist_ok=True)
    record = dict(previous)
    source_run = record.pop("run_id")
    for key, name in (("executed_notebook", "notebook.ipynb"), ("report_html", "report.html"),
                      ("results_dir", "results")):
        if previous.get(key) is None:
            continue
        _link(root / previous[key], target / name)
        record[key] = f"{job_dir}/{name}"
    record.update(reused=True, reused_from=previous.get("reused_from") or source_run,
                  reused_at_utc=started_utc, finished_utc=finished_utc, execute_s=0.0, export_s=0.0,
                  duration_s=0.0, error=None)
    return record


def _link(source: Path, target: Path) -> None:
    """Hard-link ``source`` (a file or a folder of files) to ``target``; copy where links fail."""
    staging = target.with_name(f".{target.name}.reuse.tmp")
    if source.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source, staging, copy_function=_link_or_copy)
    else:
        staging.unlink(missing_ok=True)
        _link_or_copy(source, staging)
    os.replace(staging, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
