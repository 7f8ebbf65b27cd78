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
/* Phones (390 px): figures shrink to the page, a wide table scrolls inside its own box, never the page. */
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
@media (max-width: 600px) {
  body.jp-Notebook { padding: 8px !important; }
  .jp-Cell { padding: 2px 0 !important; }
  .nq57-provenance td { word-break: break-all; }
}
/* Print (A4): nothing clipped, tables and figures not split mid-row, headers repeated on each page. */
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body.jp-Notebook { padding: 0 !important; font-size: 10pt; background: #fff; }
  .jp-Cell { padding: 0 !important; }
  .jp-OutputArea-output, .nq57-reader { overflow: visible !important; }
  .nq57-reader table { font-size: 8pt; }
  img { max-width: 100% !important; height: auto; break-inside: avoid; }
  tr, .nq57-badge { break-inside: avoid; }
  thead { display: table-header-group; }
  h1, h2, h3, caption { break-after: avoid; }
  a { color: inherit; }
}
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


# Parameters that say which report a job is, not how it was computed (never make a run a what-if).
_IDENTITY_PARAMETERS = frozenset({"geo", "output_dir"})


def differing_parameters(job: Mapping[str, Any], manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of ``job`` that differ from its notebook's defaults (``geo`` and ``output_dir`` aside).

    A registered notebook is compared with the registry's defaults; a notebook the registry does not know
    (e.g. a user's own) with the run's ``-p`` overrides, the only departures the runner knows of.
    """
    from .registry import SPECS

    parameters = job.get("parameters") or {}
    if job.get("notebook") in SPECS:
        defaults = {spec.name: spec.default for spec in SPECS[job["notebook"]]}
        return {k: v for k, v in parameters.items()
                if k not in _IDENTITY_PARAMETERS and k in defaults and v != defaults[k]}
    return {k: v for k, v in (manifest.get("overrides") or {}).items()
            if k not in _IDENTITY_PARAMETERS and k in parameters}


def is_what_if(job: Mapping[str, Any], manifest: Mapping[str, Any]) -> bool:
    """A what-if run: a parameter differs from the defaults, the run merged user data files, or the notebook
    differs from the committed one (``nq57lib.shipped``)."""
    return bool(differing_parameters(job, manifest) or (manifest.get("data") or {}).get("extra_files")
                or edited_notebook(job))


def edited_notebook(job: Mapping[str, Any]) -> bool:
    """Whether the job ran a notebook that differs from the committed one (its record says so)."""
    inputs = job.get("inputs")
    return isinstance(inputs, Mapping) and inputs.get("notebook_edited") is True


def latest_reports(manifests: list[dict]) -> list[dict]:
    """The newest successful default report of each (notebook, geography), from manifests newest first.

    A what-if run (``is_what_if``) never replaces a default report; it is "latest" only for a (notebook,
    geography) that has no default report at all, and then says so (``what_if``: true).
    """
    latest: dict[tuple[str, str], dict] = {}
    for manifest in manifests:
        for job in manifest.get("jobs", []):
            key = (job["notebook"], job["geo"])
            if job.get("status") != "ok":
                continue
            what_if = is_what_if(job, manifest)
            if key in latest and (what_if or not latest[key]["what_if"]):
                continue
            latest[key] = {"notebook": job["notebook"], "geo": job["geo"], "run_id": manifest["run_id"],
                           "finished_utc": job.get("finished_utc", ""), "report_html": job.get("report_html"),
                           "results_dir": job.get("results_dir"),
                           "executed_notebook": job.get("executed_notebook"), "what_if": what_if,
                           "lang": (job.get("parameters") or {}).get("lang", "en"),
                           "differing_parameters": differing_parameters(job, manifest),
                           "extra_files": list((manifest.get("data") or {}).get("extra_files") or []),
                           "edited_notebook": edited_notebook(job)}
    return [latest[key] for key in sorted(latest)]


# Headline numbers on the index, per notebook: (results scalar, label, unit, decimals). Only scalars a run
# actually wrote are shown; a missing one is left out, never guessed.
INDEX_HEADLINES: dict[str, tuple[tuple[str, str, str, int], ...]] = {
    "digital_economy": (("base_share_pct", "digital-economy share", " % of GRDP", 2),
                        ("current_trend_growth_pct", "current trend", " % a year", 1)),
    "budget_floor": (("floor_pct", "S&T floor", " % of budget", 1),
                     ("required_2030_bn_vnd", "floor spending 2030", " bn VND", 0),
                     ("cumulative_2025_2030_bn_vnd", "cumulative 2025-2030", " bn VND", 0)),
    "scorecard": (("n_targets", "targets", "", 0), ("n_met", "met", "", 0), ("n_on_track", "on track", "", 0),
                  ("n_at_risk", "at risk", "", 0), ("n_off_track", "off track", "", 0), ("n_no_data", "no data", "", 0)),
}


def headline_numbers(reports_dir: str | Path, row: Mapping[str, Any]) -> list[str]:
    """The index's headline numbers of one report, read from its ``results.json`` (empty if unreadable)."""
    if not row.get("results_dir"):
        return []
    try:
        scalars = json.loads((Path(reports_dir) / row["results_dir"] / RESULTS_JSON).read_text(encoding="utf-8"))
        scalars = scalars.get("scalars") or {}
    except (OSError, ValueError, AttributeError):
        return []
    numbers = []
    for key, label, unit, decimals in INDEX_HEADLINES.get(row["notebook"], ()):
        value = scalars.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            text = f"{value:,.{decimals}f}{unit}"
            if key == "base_share_pct" and scalars.get("base_year"):
                concept = f", {scalars['concept']} definition" if scalars.get("concept") else ""
                assumed = ", assumed: no published value" if scalars.get("base_is_assumed") else ""
                text += f" ({scalars['base_year']}{concept}{assumed})"
            if key == "current_trend_growth_pct" and scalars.get("pace_label"):
                text += f" (pace of {scalars['pace_label']})"
            numbers.append(f"{label} {text}")
    return numbers


def update_index(reports_dir: str | Path, generated_utc: str) -> Path:
    """Rebuild ``index.html`` and ``latest.json`` from every run manifest, under the reports lock."""
    reports_dir = Path(reports_dir)
    with locked(reports_dir / ".index.lock"):
        manifests, incomplete = read_manifests(reports_dir)
        latest = latest_reports(manifests)
        atomic_write_text(reports_dir / "latest.json", dumps_json({"schema": LATEST_SCHEMA, "reports": latest}))
        return atomic_write_text(reports_dir / "index.html",
                                 render_index(manifests, incomplete, latest, generated_utc, reports_dir))


def prune_runs(reports_dir: str | Path, keep: int, generated_utc: str) -> list[str]:
    """Remove finished runs older than the ``keep`` newest; return the removed run ids (oldest last).

    Never removed: a run that holds a latest report (default, or what-if where no default exists), and a
    run folder without a manifest (in progress, or interrupted: the runner's own business). Runs the index
    lock, moves each run out of ``runs/`` in one rename, deletes it, then rebuilds the index.
    """
    import shutil

    if keep < 0:
        raise ParameterError("--keep", f"must be 0 or more, got {keep}")
    reports_dir = Path(reports_dir)
    removed = []
    with locked(reports_dir / ".index.lock"):
        manifests, _ = read_manifests(reports_dir)
        protected = {row["run_id"] for row in latest_reports(manifests)}
        for manifest in manifests[keep:]:
            run_id = manifest["run_id"]
            run_dir = reports_dir / "runs" / run_id
            if run_id in protected or Path(run_id).name != run_id or not (run_dir / MANIFEST_NAME).is_file():
                continue
            trash = reports_dir / f".pruning-{run_id}"
            os.replace(run_dir, trash)
            shutil.rmtree(trash)
            removed.append(run_id)
    if removed:
        update_index(reports_dir, generated_utc)
    return removed


_INDEX_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f3f3f3; }
.ok { color: #1a7f37; } .failed { color: #b3261e; font-weight: 600; } .muted { color: #777; }
code { font-size: 90%; }
.whatif { background: #fff3cd; color: #6b4e00; border: 1px solid #e0c36a; border-radius: 3px; padding: 0 4px;
          font-size: 85%; font-weight: 600; }
@media (max-width: 600px) { table { display: block; overflow-x: auto; } }
"""


def _link(path: str | None, text: str) -> str:
    if not path:
        return ""
    return f'<a href="{html.escape(quote(path))}">{html.escape(text)}</a>'


def _describe(row: Mapping[str, Any]) -> str:
    """Language, parameters that differ from the defaults and user data files of one report, escaped."""
    esc = html.escape
    bits = [f"language {esc(str(row.get('lang', 'en')))}"]
    differing = row.get("differing_parameters") or {}
    bits.append("parameters: " + ", ".join(f"<code>{esc(k)}={esc(_text(v))}</code>" for k, v in differing.items())
                if differing else "default parameters")
    if row.get("extra_files"):
        bits.append("user data files: " + ", ".join(f"<code>{esc(f)}</code>" for f in row["extra_files"]))
    if row.get("edited_notebook"):
        bits.append("edited notebook")
    return "; ".join(bits)


def what_if_reports(manifests: list[dict]) -> list[dict]:
    """Every successful what-if job (newest first), described like ``latest_reports`` rows."""
    rows = []
    for manifest in manifests:
        for job in manifest.get("jobs", []):
            if job.get("status") == "ok" and is_what_if(job, manifest):
                rows.append({"notebook": job["notebook"], "geo": job["geo"], "run_id": manifest["run_id"],
                             "finished_utc": job.get("finished_utc", ""), "report_html": job.get("report_html"),
                             "results_dir": job.get("results_dir"), "what_if": True,
                             "lang": (job.get("parameters") or {}).get("lang", "en"),
                             "differing_parameters": differing_parameters(job, manifest),
                             "extra_files": list((manifest.get("data") or {}).get("extra_files") or []),
                             "edited_notebook": edited_notebook(job)})
    return rows


def geo_heading(geo: str) -> str:
    """A geography's name for the index (its id when the data package cannot name it)."""
    from . import data

    try:
        return data.geo_name(data.load_package(), geo, "en")
    except Exception:  # noqa: BLE001 - an index heading never fails an index
        return geo


def render_index(manifests: list[dict], incomplete: list[str], latest: list[dict], generated_utc: str,
                 reports_dir: str | Path | None = None) -> str:
    """The index page: one section per geography (its latest default reports with their headline numbers),
    then the what-if runs, labelled and kept apart, then every run's jobs."""
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>nq57 reports</title><style>{_INDEX_CSS}</style></head><body>",
             "<h1>nq57 reports</h1>",
             f'<p class="muted">Index rebuilt {esc(generated_utc)} UTC from {len(manifests)} run manifest(s). '
             "Each geography shows its latest default report per notebook; what-if runs (parameters other "
             "than the defaults, user data files, or an edited notebook) are listed apart and never replace a default report.</p>"]
    if latest:
        for geo in sorted({row["geo"] for row in latest}):
            parts.append(f'<section class="geo"><h2>{esc(geo_heading(geo))} <small class="muted">'
                         f'(--geo {esc(geo)})</small></h2>')
            parts.append("<table><tr><th>Notebook</th><th>Headline numbers</th><th>Report</th><th>Results</th>"
                         "<th>Executed notebook</th><th>Run</th><th>Finished (UTC)</th></tr>")
            for row in (r for r in latest if r["geo"] == geo):
                numbers = headline_numbers(reports_dir, row) if reports_dir is not None else []
                label = '<span class="whatif">what-if</span> ' if row.get("what_if") else ""
                parts.append(f"<tr><td>{label}{esc(row['notebook'])}<br><small>{_describe(row)}</small></td>"
                             f"<td>{'<br>'.join(esc(n) for n in numbers)}</td>"
                             f"<td>{_link(row['report_html'], 'report')}</td>"
                             f"<td>{_link(row['results_dir'] and row['results_dir'] + '/' + RESULTS_JSON, 'results.json')}</td>"
                             f"<td>{_link(row['executed_notebook'], 'notebook.ipynb')}</td>"
                             f"<td>{esc(row['run_id'])}</td><td>{esc(row['finished_utc'])}</td></tr>")
            parts.append("</table></section>")
    else:
        parts.append("<p>No successful report yet.</p>")
    what_ifs = what_if_reports(manifests)
    if what_ifs:
        parts.append('<section class="what-if"><h2>What-if runs</h2><p class="muted">Ad-hoc runs with '
                     "parameters other than the defaults or with user data files: not the scheduled reports.</p>")
        parts.append("<table><tr><th>Notebook</th><th>Geography</th><th>What differs</th><th>Report</th>"
                     "<th>Run</th><th>Finished (UTC)</th></tr>")
        for row in what_ifs[:_INDEX_RUNS_SHOWN]:
            parts.append(f'<tr><td><span class="whatif">what-if</span> {esc(row["notebook"])}</td>'
                         f"<td>{esc(row['geo'])}</td><td>{_describe(row)}</td>"
                         f"<td>{_link(row['report_html'], 'report')}</td>"
                         f"<td>{esc(row['run_id'])}</td><td>{esc(row['finished_utc'])}</td></tr>")
        parts.append("</table></section>")
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
