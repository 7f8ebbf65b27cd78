"""What a report run leaves on disk: results files, the HTML report, the run manifest and the index.

Every file is written atomically (a temporary file in the same folder, then ``os.replace``), so
a run killed at any moment never leaves a half-written file at a path where a finished one is
expected. Runs write into their own folder ``reports/runs/<run_id>/``; only ``reports/index.html``
and ``reports/latest.json`` are shared, and they are rebuilt from the manifests under a lock file,
so two runs into the same ``reports/`` both end with a valid index. The layout and the results
schema are documented in ``reports/README.md``.

Heavy libraries (nbconvert, pandas) are imported inside the functions that need them: the runner
imports this module before any notebook runs, and a notebook imports it for ``save_results``.
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from .errors import OutputError, ParameterError

RESULTS_SCHEMA = "nq57-results/1"
MANIFEST_SCHEMA = "nq57-run-manifest/1"
LATEST_SCHEMA = "nq57-latest/1"
MANIFEST_NAME = "manifest.json"
RESULTS_JSON = "results.json"
FLOAT_DIGITS = 12  # significant digits of every float in results: stable text, far below data precision
_TABLE_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_INDEX_RUNS_SHOWN = 50


# ---------------------------------------------------------------------------------------------
# Atomic writes

def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Readers see either the old file or the complete new one, never a prefix; if the process dies
    before the rename, only a hidden ``.<name>.*.tmp`` file is left, never the final path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)  # NamedTemporaryFile creates 0600; reports are meant to be shared
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """``atomic_write_bytes`` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def dumps_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


@contextlib.contextmanager
def locked(lock_path: str | Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if needed) for the ``with`` block."""
    lock_path = Path(lock_path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")
    except OSError as exc:
        raise OutputError(lock_path, f"cannot take the lock ({exc.strerror or exc}); is the folder writable?") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------
# Provenance

def data_vintage() -> dict[str, Any]:
    """Version and checksum of the data the notebooks read, as recorded in every output.

    Taken from the loaded package, so researcher-supplied observation files (environment
    variables ``NQ57_EXTRA_*``) are part of the checksum and listed by name.
    """
    from .data import load_package  # lazy: nq57lib.data imports pandas; the load is cached

    package = load_package()
    return {"version": package.version, "checksum": package.checksum,
            "extra_files": [Path(p).name for p in package.extra_files]}


def package_version() -> str:
    from . import __version__

    return __version__


# ---------------------------------------------------------------------------------------------
# Machine-readable results

def save_results(P: Mapping[str, Any], tables: Mapping[str, Any] | None = None,
                 scalars: Mapping[str, Any] | None = None) -> None:
    """Write a notebook's results into ``P.output_dir``: ``results.json`` plus one CSV per table.

    ``P`` is the ``Parameters`` from ``validate_parameters``; ``tables`` maps a name (lower-case
    slug, it becomes ``<name>.csv``) to a pandas DataFrame; ``scalars`` maps names to numbers,
    strings, booleans, None, or lists/dicts of them (numpy scalars are converted; NaN becomes
    null). The files are deterministic: sorted keys, floats to ``FLOAT_DIGITS`` significant
    digits, no timestamps, so the same parameters and seed give byte-identical files. Returns
    None, so a notebook's last line ``save_results(...)`` shows nothing in the report.
    Schema: ``reports/README.md``.
    """
    from .params import default_output_dir

    csv_texts, table_meta = {}, {}
    for name in sorted(tables or {}):
        if not isinstance(name, str) or not _TABLE_NAME.match(name) or name == "results":
            raise ParameterError("tables", f"table name {name!r} must be a lower-case slug other than 'results'")
        frame = _tidy_frame(name, tables[name])
        csv_texts[name] = frame.to_csv(index=False, float_format=f"%.{FLOAT_DIGITS}g", lineterminator="\n")
        table_meta[name] = {
            "path": f"{name}.csv",
            "columns": [str(c) for c in frame.columns],
            "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
            "n_rows": int(len(frame)),
        }
    document = {
        "schema": RESULTS_SCHEMA,
        "notebook": getattr(P, "notebook", ""),
        "parameters": {k: plain_value(k, v) for k, v in P.items() if k != "output_dir"},
        "nq57lib_version": package_version(),
        "data": data_vintage(),
        "scalars": {str(k): plain_value(str(k), v) for k, v in (scalars or {}).items()},
        "tables": table_meta,
    }
    text = dumps_json(document)  # everything is checked before the first file is written
    out_dir = Path(P["output_dir"]) if P["output_dir"] else default_output_dir(P)
    for name, csv_text in csv_texts.items():
        atomic_write_text(out_dir / f"{name}.csv", csv_text)
    atomic_write_text(out_dir / RESULTS_JSON, text)


def _tidy_frame(name: str, frame: Any) -> Any:
    """The frame as written: a named index (e.g. ``geo_id``) becomes columns, an unnamed one is dropped."""
    if not hasattr(frame, "to_csv") or not hasattr(frame, "columns"):
        raise ParameterError("tables", f"table {name!r} must be a pandas DataFrame, got {type(frame).__name__}")
    if any(level is not None for level in frame.index.names):
        frame = frame.reset_index()
    return frame


def plain_value(name: str, value: Any) -> Any:
    """``value`` as plain JSON data with floats rounded to ``FLOAT_DIGITS`` significant digits."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy scalar
        return plain_value(name, value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ParameterError("scalars", f"{name!r} is infinite; results must be finite")
        return float(f"{value:.{FLOAT_DIGITS}g}")
    if isinstance(value, Mapping):
        return {str(k): plain_value(f"{name}.{k}", v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_value(f"{name}[{i}]", v) for i, v in enumerate(value)]
    raise ParameterError("scalars", f"{name!r} has type {type(value).__name__}; use numbers, text, lists or dicts")


# ---------------------------------------------------------------------------------------------
# HTML report

_HEADER_CSS = """
.nq57-provenance { font-family: system-ui, sans-serif; font-size: 13px; color: #333; background: #f6f6f6;
  border: 1px solid #ddd; border-radius: 4px; padding: 8px 14px; margin: 12px 0 20px 0; }
.nq57-provenance h1 { font-size: 20px; margin: 4px 0 8px 0; }
.nq57-provenance table { border-collapse: collapse; }
.nq57-provenance th { text-align: left; font-weight: 600; padding: 1px 12px 1px 0; vertical-align: top; }
.nq57-provenance td { padding: 1px 12px 1px 0; font-family: ui-monospace, monospace; word-break: break-all; }
.jp-Cell.jp-mod-noOutputs.jp-mod-noInput { display: none; }  /* steps whose output the reader does not need */
"""

# The lab template minus everything that would fetch from the network (require.js, MathJax, mermaid,
# widget manager), plus the provenance header at the top of the body.
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.nq57_css }}</style>{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}
{{ resources.nq57_header }}
{%- endblock body_header -%}
"""


def provenance_header_html(title: str, parameters: Mapping[str, Any], data: Mapping[str, str],
                           package: str, run_id: str, started_utc: str, lang: str = "en") -> str:
    """The report's header block: what was run, on which data, with which code. Everything escaped."""
    lang = lang if lang in ("en", "vi") else "en"

    def label(key: str) -> str:
        from .text import t

        return html.escape(t(f"report.page.{key}", lang))

    param_rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_text(v))}</td></tr>"
                         for k, v in parameters.items())
    rows = [
        (label("data"), html.escape(str(data.get("version", "")))),
        (label("checksum"), html.escape(str(data.get("checksum", "")))),
        *([(label("extra"), html.escape(", ".join(data["extra_files"])))] if data.get("extra_files") else []),
        (label("package"), html.escape(package)),
        (label("run"), html.escape(run_id)),
        (label("started"), html.escape(started_utc)),
    ]
    info_rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (f'<header class="nq57-provenance"><h1>{html.escape(title)}</h1>'
            f"<table>{info_rows}</table>"
            f"<details open><summary>{label('parameters')}</summary><table>{param_rows}</table></details>"
            "</header>")


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


@lru_cache(maxsize=1)
def _html_exporter():
    """One configured exporter per process (building it loads the templates: ~0.1 s)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    # The parameters cells hold no output worth showing; authors can drop cells or outputs by tag.
    config.TagRemovePreprocessor.remove_cell_tags = {"parameters", "injected-parameters", "remove_cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output"}
    exporter = HTMLExporter(
        config=config,
        template_name="lab",
        extra_loaders=[DictLoader({"nq57_report.html.j2": _REPORT_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.template_file = "nq57_report.html.j2"
    return exporter


def warm_up_exporter() -> None:
    """Load and compile the report template now (~0.5 s), e.g. before forking worker processes."""
    import nbformat

    _html_exporter().from_notebook_node(
        nbformat.v4.new_notebook(), resources={"metadata": {"name": ""}, "nq57_header": "", "nq57_css": ""})


def notebook_to_html(nb: Any, title: str, header_html: str, lang: str = "en") -> str:
    """Render an executed notebook as a self-contained HTML report: code hidden, figures inline.

    Runs nbconvert in this process (a ``jupyter nbconvert`` subprocess costs ~1.8 s of start-up).
    Raises ``ValueError`` if the page would load anything from the network.
    """
    body, _ = _html_exporter().from_notebook_node(
        nb, resources={"metadata": {"name": title}, "nq57_header": header_html, "nq57_css": _HEADER_CSS})
    if lang in ("en", "vi"):  # the page's language, for screen readers, hyphenation and translation tools
        body = body.replace('<html lang="en">', f'<html lang="{lang}">', 1)
    remote = external_references(body)
    if remote:
        raise ValueError(f"report would load {len(remote)} remote resource(s), e.g. {remote[0]!r}; "
                         "reports must open offline")
    return body


_REMOTE = re.compile(
    r"""(?:\b(?:src|srcset|data|poster|action)\s*=\s*["']?\s*|<link\b[^>]*\bhref\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["'])"""
    r"""((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)


def external_references(page: str) -> list[str]:
    """URLs the browser would fetch on its own when opening ``page`` (scripts, images, styles).

    Plain ``<a href>`` links in the text are not fetched and are not reported.
    """
    return _REMOTE.findall(page)


# ---------------------------------------------------------------------------------------------
# Manifest and index

def write_manifest(run_dir: str | Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` of a run (atomically; its presence marks the run as finished)."""
    return atomic_write_text(Path(run_dir) / MANIFEST_NAME, dumps_json(dict(manifest)))


def read_manifests(reports_dir: str | Path) -> tuple[list[dict], list[str]]:
    """Manifests of all finished runs (newest first) and ids of run folders without one.

    A manifest that is not valid JSON, or not one of ours (another schema, a field of the wrong
    type), is skipped with a one-line warning on stderr, so one bad file never breaks later runs.
    """
    runs_dir = Path(reports_dir) / "runs"
    manifests, incomplete = [], []
    for run_dir in sorted(runs_dir.iterdir(), reverse=True) if runs_dir.is_dir() else []:
        if not run_dir.is_dir():
            continue
        path = run_dir / MANIFEST_NAME
        if not path.exists():  # no manifest yet (running or killed)
            incomplete.append(run_dir.name)
            continue
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            problem = manifest_problem(manifest)
        except (OSError, ValueError) as exc:
            problem = f"unreadable ({type(exc).__name__})"
        if problem is not None:
            print(f"nq57: warning: skipped {path}: {problem}", file=sys.stderr)
            continue
        manifests.append(manifest)
    return manifests, incomplete


def manifest_problem(manifest: Any) -> str | None:
    """Why ``manifest`` is not a run manifest of this schema the index can show, or None."""
    if not isinstance(manifest, dict) or manifest.get("schema") != MANIFEST_SCHEMA:
        return "not an nq57 run manifest (schema)"
    if not isinstance(manifest.get("run_id"), str) or not isinstance(manifest.get("jobs"), list):
        return "run_id or jobs missing"
    if not isinstance(manifest.get("duration_s"), (int, float)) or isinstance(manifest.get("duration_s"), bool):
        return "duration_s is not a number"
    for field in ("counts", "data"):
        if not isinstance(manifest.get(field, {}), dict):
            return f"{field} is not an object"
    for job in manifest["jobs"]:
        if not isinstance(job, dict) or not all(isinstance(job.get(k), str) for k in ("notebook", "geo", "status")):
            return "a job lacks notebook, geo or status"
        if not isinstance(job.get("duration_s") or 0, (int, float)):
            return "a job's duration_s is not a number"
        for key in ("report_html", "executed_notebook", "results_dir", "error"):
            if job.get(key) is not None and not isinstance(job[key], str):
                return f"a job's {key} is not text"
    if not isinstance(manifest.get("skipped", []), list) or not all(
            isinstance(s, dict) and all(isinstance(s.get(k), str) for k in ("notebook", "geo", "reason"))
            for s in manifest.get("skipped", [])):
        return "skipped is malformed"
    return None


def latest_reports(manifests: list[dict]) -> list[dict]:
    """The newest successful report of each (notebook, geography), from manifests newest first."""
    latest: dict[tuple[str, str], dict] = {}
    for manifest in manifests:
        for job in manifest.get("jobs", []):
            key = (job["notebook"], job["geo"])
            if job.get("status") == "ok" and key not in latest:
                latest[key] = {"notebook": job["notebook"], "geo": job["geo"], "run_id": manifest["run_id"],
                               "finished_utc": job.get("finished_utc", ""), "report_html": job.get("report_html"),
                               "results_dir": job.get("results_dir"),
                               "executed_notebook": job.get("executed_notebook")}
    return [latest[key] for key in sorted(latest)]


def update_index(reports_dir: str | Path, generated_utc: str) -> Path:
    """Rebuild ``index.html`` and ``latest.json`` from every run manifest, under the reports lock."""
    reports_dir = Path(reports_dir)
    with locked(reports_dir / ".index.lock"):
        manifests, incomplete = read_manifests(reports_dir)
        latest = latest_reports(manifests)
        atomic_write_text(reports_dir / "latest.json", dumps_json({"schema": LATEST_SCHEMA, "reports": latest}))
        return atomic_write_text(reports_dir / "index.html",
                                 render_index(manifests, incomplete, latest, generated_utc))


_INDEX_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f3f3f3; }
.ok { color: #1a7f37; } .failed { color: #b3261e; font-weight: 600; } .muted { color: #777; }
code { font-size: 90%; }
"""


def _link(path: str | None, text: str) -> str:
    if not path:
        return ""
    return f'<a href="{html.escape(quote(path))}">{html.escape(text)}</a>'


def render_index(manifests: list[dict], incomplete: list[str], latest: list[dict], generated_utc: str) -> str:
    """The index page: the latest report of each (notebook, geography), then every run's jobs."""
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>nq57 reports</title><style>{_INDEX_CSS}</style></head><body>",
             "<h1>nq57 reports</h1>",
             f'<p class="muted">Index rebuilt {esc(generated_utc)} UTC from {len(manifests)} run manifest(s).</p>',
             "<h2>Latest report per notebook and geography</h2>"]
    if latest:
        parts.append("<table><tr><th>Notebook</th><th>Geography</th><th>Report</th><th>Results</th>"
                     "<th>Executed notebook</th><th>Run</th><th>Finished (UTC)</th></tr>")
        for row in latest:
            parts.append(f"<tr><td>{esc(row['notebook'])}</td><td>{esc(row['geo'])}</td>"
                         f"<td>{_link(row['report_html'], 'report')}</td>"
                         f"<td>{_link(row['results_dir'] and row['results_dir'] + '/' + RESULTS_JSON, 'results.json')}</td>"
                         f"<td>{_link(row['executed_notebook'], 'notebook.ipynb')}</td>"
                         f"<td>{esc(row['run_id'])}</td><td>{esc(row['finished_utc'])}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No successful report yet.</p>")
    parts.append("<h2>Runs</h2>")
    for run_id in incomplete:
        parts.append(f'<p class="muted">Run {esc(run_id)}: no manifest (still running, or interrupted).</p>')
    for manifest in manifests[:_INDEX_RUNS_SHOWN]:
        counts = manifest.get("counts", {})
        run_id = manifest["run_id"]
        parts.append(f"<h3>Run {esc(run_id)}</h3><p>Started {esc(manifest.get('started_utc', ''))} UTC, "
                     f"{float(manifest.get('duration_s', 0)):.1f} s; "
                     + ", ".join(f"{esc(str(counts.get(k, 0)))} {k}" for k in ("ok", "failed", "skipped"))
                     + f"; data {esc(str(manifest.get('data', {}).get('version', '')))}; "
                     + _link(f"runs/{run_id}/{MANIFEST_NAME}", "manifest") + "</p>")
        parts.append("<table><tr><th>Notebook</th><th>Geography</th><th>Status</th><th>Seconds</th>"
                     "<th>Report</th><th>Executed notebook</th><th>Error</th></tr>")
        for job in manifest.get("jobs", []):
            status = job.get("status", "")
            parts.append(f"<tr><td>{esc(job['notebook'])}</td><td>{esc(job['geo'])}</td>"
                         f'<td class="{esc(status)}">{esc(status)}</td>'
                         f"<td>{float(job.get('duration_s') or 0):.1f}</td>"
                         f"<td>{_link(job.get('report_html'), 'report')}</td>"
                         f"<td>{_link(job.get('executed_notebook'), 'notebook.ipynb')}</td>"
                         f"<td><code>{esc(job.get('error') or '')}</code></td></tr>")
        parts.append("</table>")
        skipped = manifest.get("skipped", [])
        if skipped:
            parts.append(f"<details><summary>{len(skipped)} skipped (no data)</summary><ul>"
                         + "".join(f"<li>{esc(s['notebook'])} / {esc(s['geo'])}: {esc(s['reason'])}</li>"
                                   for s in skipped) + "</ul></details>")
    if len(manifests) > _INDEX_RUNS_SHOWN:
        parts.append(f'<p class="muted">{len(manifests) - _INDEX_RUNS_SHOWN} older run(s) not shown; '
                     "their manifests are under runs/.</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
