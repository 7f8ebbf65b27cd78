"""The record of report runs: each run's manifest, the index pages and ``latest.json`` built from all
manifests, and pruning of old runs.

Runs write into their own folder ``reports/runs/<run_id>/``; only ``reports/index.html``,
``reports/index.vi.html`` and ``reports/latest.json`` are shared, and they are rebuilt from the manifests
under a lock file, so two runs into the same ``reports/`` both end with a valid index. A manifest is data and is
validated as such before it is read. The layout is documented in ``reports/README.md``.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .errors import ParameterError
from .report_html import index_name, parameter_text
from .results_files import RESULTS_JSON, atomic_write_text, dumps_json, locked


MANIFEST_SCHEMA = "nq57-run-manifest/1"
LATEST_SCHEMA = "nq57-latest/1"
MANIFEST_NAME = "manifest.json"
_INDEX_RUNS_SHOWN = 50

# ---------------------------------------------------------------------------------------------
# Manifest and index


def write_manifest(run_dir: str | Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` of a run (atomically; its presence marks the run as finished)."""
    return atomic_write_text(Path(run_dir) / MANIFEST_NAME, dumps_json(dict(manifest)))


# A run folder's name: the UTC start and a random suffix (``render.new_run_id``). Prune touches only these.
RUN_ID_PATTERN = r"^[0-9]{8}T[0-9]{6}Z-[0-9a-z]+$"
# A link in the index: a plain relative path inside the reports folder (no scheme, host, "..", backslash).
_RELATIVE_LINK = r"^(?![/\\])(?!.*//)(?!(.*/)?\.\.?(/|$))[A-Za-z0-9_./@+=-]+$"
_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_PLAIN_NAME = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "maxLength": 200}
_LINK = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": _RELATIVE_LINK, "maxLength": 1000}]}
MANIFEST_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "run_id", "jobs", "duration_s"],
    "properties": {
        "schema": {"const": MANIFEST_SCHEMA},
        "run_id": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "maxLength": 100},
        "runner": _TEXT, "started_utc": _TEXT, "finished_utc": _TEXT, "duration_s": {"type": "number"},
        "interrupted": {"type": "boolean"}, "nq57lib_version": _TEXT, "python": _TEXT, "kernel": _TEXT,
        "reused": {"type": "integer"}, "overrides": {"type": "object"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "data": {"type": "object", "properties": {"version": _TEXT, "checksum": _TEXT,
                                                  "extra_files": {"type": "array", "items": _TEXT}}},
        "jobs": {"type": "array", "items": {
            "type": "object",
            "required": ["notebook", "geo", "status"],
            "properties": {
                "notebook": _PLAIN_NAME, "geo": _PLAIN_NAME, "status": {"type": "string", "maxLength": 40},
                "parameters": {"type": "object"}, "started_utc": _TEXT_OR_NULL, "finished_utc": _TEXT_OR_NULL,
                "duration_s": _NUMBER_OR_NULL, "execute_s": _NUMBER_OR_NULL, "export_s": _NUMBER_OR_NULL,
                "report_html": _LINK, "executed_notebook": _LINK, "results_dir": _LINK, "error": _TEXT_OR_NULL,
                "reused": {"type": "boolean"}, "reused_from": _TEXT_OR_NULL,
            },
        }},
        "skipped": {"type": "array", "items": {"type": "object", "required": ["notebook", "geo", "reason"],
                                               "properties": {"notebook": _TEXT, "geo": _TEXT, "reason": _TEXT}}},
    },
}


def read_manifests(reports_dir: str | Path) -> tuple[list[dict], list[str]]:
    """Manifests of all finished runs (newest first) and ids of run folders without one.

    Run records are data and are validated as such: a manifest that is not valid JSON, not one of
    ours, or fails ``MANIFEST_JSON_SCHEMA`` (a field of the wrong type, a link out of the reports
    folder), whose ``run_id`` is not its folder's name (a copied run folder), or a run folder that is a
    symbolic link, is skipped with a one-line warning on stderr, so one bad file never breaks later runs.
    """
    runs_dir = Path(reports_dir) / "runs"
    manifests, incomplete = [], []
    for run_dir in sorted(runs_dir.iterdir(), reverse=True) if runs_dir.is_dir() else []:
        if run_dir.is_symlink():
            print(f"nq57: warning: skipped {run_dir}: a symbolic link, not a run folder", file=sys.stderr)
            continue
        if not run_dir.is_dir():
            continue
        path = run_dir / MANIFEST_NAME
        if not path.exists():  # no manifest yet (running or killed)
            incomplete.append(run_dir.name)
            continue
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            problem = manifest_problem(manifest)
        except (OSError, ValueError, RecursionError) as exc:
            problem = f"unreadable ({type(exc).__name__})"
        if problem is None and manifest["run_id"] != run_dir.name:
            problem = f"its run_id {manifest['run_id']!r} is not its folder's name (a copied run?)"
        if problem is not None:
            print(f"nq57: warning: skipped {path}: {problem}", file=sys.stderr)
            continue
        manifests.append(manifest)
    return manifests, incomplete


def manifest_problem(manifest: Any) -> str | None:
    """Why ``manifest`` is not a run manifest of this schema (``MANIFEST_JSON_SCHEMA``), in one line, or None."""
    import jsonschema

    if not isinstance(manifest, dict) or manifest.get("schema") != MANIFEST_SCHEMA:
        return "not an nq57 run manifest (schema)"
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(MANIFEST_JSON_SCHEMA).iter_errors(manifest))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(top)"
    return f"{where}: {shorten_text(error.message, 160)}"


def shorten_text(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


# Parameters that say which report a job is, not how it was computed (never make a run a what-if).
# A report is identified by its notebook, geography and language: a default report exists in each language.
_IDENTITY_PARAMETERS = frozenset({"geo", "output_dir", "lang"})


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
    """The newest successful default report of each (notebook, geography, language), from manifests newest first.

    A what-if run (``is_what_if``) never replaces a default report; it is "latest" only for a (notebook,
    geography) that has no default report at all, and then says so (``what_if``: true).
    """
    latest: dict[tuple[str, str], dict] = {}
    for manifest in manifests:
        for job in manifest.get("jobs", []):
            key = (job["notebook"], job["geo"], str((job.get("parameters") or {}).get("lang", "en")))
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


NOTEBOOK_NAMES = ("digital_economy", "budget_floor", "scorecard")  # named in the index's words ([index.notebook])
# Headline numbers on the index, per notebook: (results scalar, label, unit, decimals). Only scalars a run
# actually wrote are shown; a missing one is left out, never guessed. The names never embed a parameter's value
# (the ramp year is ``ramp_year``, the period ``periods``), so a run with other years keeps its headline numbers.
INDEX_HEADLINES: dict[str, tuple[tuple[str, str, str, int], ...]] = {
    "digital_economy": (("base_share_pct", "share", "pct_grdp", 2),),
    "budget_floor": (("floor_pct", "floor", "pct_budget", 1),
                     ("required_at_ramp_bn_vnd", "spending_at_ramp", "bn_vnd", 0),
                     ("cumulative_to_ramp_bn_vnd", "cumulative", "bn_vnd", 0)),
    "scorecard": (("n_targets", "targets", "", 0), ("n_met", "met", "", 0), ("n_not_met", "not_met", "", 0),
                  ("n_on_track", "on_track", "", 0), ("n_at_risk", "at_risk", "", 0),
                  ("n_off_track", "off_track", "", 0), ("n_cannot_tell", "cannot_tell", "", 0)),
}


def headline_numbers(reports_dir: str | Path, row: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The index's headline numbers of one report, read from its ``results.json`` (empty if unreadable), in
    ``lang``'s words ([index.headline])."""
    from .formatting import format_number, trim_zeros

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
            unit = "pct_gdp" if unit == "pct_grdp" and row.get("geo") == "vn" else unit  # the nation has GDP
            text = trim_zeros(format_number(float(value), lang, decimals), lang) + (_t("index.unit." + unit, lang)
                                                                                   if unit else "")
            if key == "base_share_pct" and scalars.get("base_year"):
                concept = _t("index.concept." + scalars["concept"], lang) if scalars.get("concept") in ("nso", "ministry") else ""
                assumed = _t("index.assumed", lang) if scalars.get("base_is_assumed") else ""
                text += f" ({scalars['base_year']}{', ' + concept if concept else ''}{assumed})"
            periods = scalars.get("periods")
            span = periods.get("to_ramp") if isinstance(periods, dict) else None
            first, last = span if isinstance(span, list) and len(span) == 2 else ("", "")
            words = _t("index.headline." + label, lang, year=scalars.get("ramp_year", ""), first=first, last=last)
            numbers.append(f"{words} {text}")
    return numbers


def update_index(reports_dir: str | Path, generated_utc: str) -> Path:
    """Rebuild ``index.html`` (English), ``index.vi.html`` (Vietnamese) and ``latest.json`` from every run manifest,
    under the reports lock."""
    reports_dir = Path(reports_dir)
    with locked(reports_dir / ".index.lock"):
        manifests, incomplete = read_manifests(reports_dir)
        latest = latest_reports(manifests)
        atomic_write_text(reports_dir / "latest.json", dumps_json({"schema": LATEST_SCHEMA, "reports": latest}))
        atomic_write_text(reports_dir / index_name("vi"),
                          render_index(manifests, incomplete, latest, generated_utc, reports_dir, lang="vi"))
        return atomic_write_text(reports_dir / "index.html",
                                 render_index(manifests, incomplete, latest, generated_utc, reports_dir))


def prune_runs(reports_dir: str | Path, keep: int, generated_utc: str) -> list[str]:
    """Remove finished runs older than the ``keep`` newest; return the removed run ids (oldest last).

    Decided from folder names and its own checks, never from what a manifest claims: only a real
    folder (not a link) under ``runs/`` named like a run id (``RUN_ID_PATTERN``) whose valid manifest
    names that same folder counts as a run; the ``keep`` newest by name are kept. Never removed: a run
    that holds a latest report (default, or what-if where no default exists), a run folder without a
    manifest (in progress, or interrupted: the runner's own business), anything else under ``runs/``.
    A missing reports folder is an error (nothing is created). Runs under the index lock, moves each
    run out of ``runs/`` in one rename, deletes it, then rebuilds the index.
    """
    import shutil

    if keep < 0:
        raise ParameterError("--keep", f"must be 0 or more, got {keep}")
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir() or not (reports_dir / "runs").is_dir():
        raise ParameterError("reports-dir", f"{reports_dir}: no runs/ folder here; nothing to prune")
    removed = []
    with locked(reports_dir / ".index.lock"):
        manifests, _ = read_manifests(reports_dir)  # valid, run_id == folder name, no links; newest first
        runs = [m for m in manifests if re.fullmatch(RUN_ID_PATTERN, m["run_id"])]
        protected = {row["run_id"] for row in latest_reports(manifests)}
        for manifest in runs[keep:]:
            run_id = manifest["run_id"]
            run_dir = reports_dir / "runs" / run_id
            if (run_id in protected or run_dir.is_symlink() or not run_dir.is_dir()
                    or not (run_dir / MANIFEST_NAME).is_file()):
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
.nq57-badge { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 0.7rem; color: #000;
              border: 1px solid #888; font-size: 0.85em; white-space: nowrap; }
"""


def _link(path: str | None, text: str) -> str:
    if not path or not re.fullmatch(_RELATIVE_LINK, path):  # never a link off the reports folder
        return ""
    return f'<a href="{html.escape(quote(path))}">{html.escape(text)}</a>'


def _describe(row: Mapping[str, Any], lang: str = "en") -> str:
    """Language, parameters that differ from the defaults and user data files of one report, escaped."""
    esc = html.escape
    bits = [_t("index.language", lang, code=esc(str(row.get("lang", "en"))))]
    differing = row.get("differing_parameters") or {}
    bits.append(_t("index.parameters", lang, parameters=", ".join(
        f"<code>{esc(k)}={esc(parameter_text(v))}</code>" for k, v in differing.items()))
                if differing else _t("index.default_parameters", lang))
    if row.get("extra_files"):
        bits.append(_t("index.user_files", lang, files=", ".join(f"<code>{esc(f)}</code>" for f in row["extra_files"])))
    if row.get("edited_notebook"):
        bits.append(_t("index.edited_notebook", lang))
    return "; ".join(bits)


def _t(key: str, lang: str, **fmt: Any) -> str:
    from .text import t

    return t(key, lang if lang in ("en", "vi") else "en", **fmt)


def report_verdicts(reports_dir: str | Path, row: Mapping[str, Any]) -> list[dict]:
    """The verdicts a report saved (``results/verdicts.csv``: ``target_verdicts``), the geography's own targets;
    empty when it saved none or the file cannot be read."""
    import csv

    if not row.get("results_dir"):
        return []
    path = Path(reports_dir) / row["results_dir"] / "verdicts.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return [r for r in csv.DictReader(handle) if r.get("relation") == "own"]
    except (OSError, ValueError, csv.Error):
        return []


def _verdicts_html(rows: list[dict], lang: str) -> str:
    """The index's verdict table of one geography, in the words its report saved."""
    from .reader_tables import badge_html

    esc = html.escape
    out = [f"<table class=\"verdicts\"><tr><th>{esc(_t('index.col_target', lang))}</th>"
           f"<th>{esc(_t('index.col_verdict', lang))}</th><th>{esc(_t('index.col_why', lang))}</th></tr>"]
    for r in rows:
        why = r.get("evidence", "") + (_t("index.beside", lang, beside=r["beside"]) if r.get("beside") else "")
        out.append(f"<tr><td>{esc(r.get('target', ''))}</td>"
                   f"<td>{badge_html(r.get('verdict', ''), r.get('verdict_text', ''))}</td><td>{esc(why)}</td></tr>")
    out.append("</table>")
    return "".join(out)


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


def geo_heading(geo: str, lang: str = "en") -> str:
    """A geography's name for the index (its id when the data package cannot name it)."""
    from . import data_package, geography

    try:
        return geography.geo_name(data_package.load_package(), geo, lang)
    except Exception:  # noqa: BLE001 - an index heading never fails an index
        return geo


def render_index(manifests: list[dict], incomplete: list[str], latest: list[dict], generated_utc: str,
                 reports_dir: str | Path | None = None, lang: str = "en") -> str:
    """The index page in ``lang``: one section per geography (each target's verdict as its latest default report
    in this language saved it, then its latest default reports with their headline numbers), then the what-if
    runs, labelled and kept apart, then every run's jobs."""
    esc = html.escape
    lang = lang if lang in ("en", "vi") else "en"
    other = "vi" if lang == "en" else "en"
    parts = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(_t('index.title', lang))}</title><style>{_INDEX_CSS}</style></head><body>",
             f"<h1>{esc(_t('index.title', lang))}</h1>",
             f'<p><a href="{index_name(other)}">{esc(_t("index.other_language", lang))}</a></p>',
             f'<p class="muted">{esc(_t("index.lead", lang, generated=generated_utc, n=len(manifests)))}</p>']
    if latest:
        for geo in sorted({row["geo"] for row in latest}):
            rows = [r for r in latest if r["geo"] == geo]
            rows = sorted(rows, key=lambda r: (r.get("lang", "en") != lang, r["notebook"]))
            parts.append(f'<section class="geo" id="geo-{esc(quote(geo))}"><h2>{esc(geo_heading(geo, lang))} '
                         f'<small class="muted">(--geo {esc(geo)})</small></h2>')
            verdicts = []
            if reports_dir is not None:
                for notebook in ("scorecard", "digital_economy", "budget_floor"):
                    mine = [r for r in rows if r["notebook"] == notebook and r.get("lang", "en") == lang
                            and not r.get("what_if")]
                    verdicts = report_verdicts(reports_dir, mine[0]) if mine else []
                    if verdicts:
                        break
            if verdicts:
                parts.append(f"<h3>{esc(_t('index.verdicts', lang))}</h3>" + _verdicts_html(verdicts, lang))
            parts.append(f"<table><tr><th>{esc(_t('index.col_notebook', lang))}</th>"
                         f"<th>{esc(_t('index.col_headline', lang))}</th><th>{esc(_t('index.col_report', lang))}</th>"
                         f"<th>{esc(_t('index.col_results', lang))}</th><th>{esc(_t('index.col_executed', lang))}</th>"
                         f"<th>{esc(_t('index.col_run', lang))}</th><th>{esc(_t('index.col_finished', lang))}</th></tr>")
            for row in rows:
                numbers = headline_numbers(reports_dir, row, lang) if reports_dir is not None else []
                label = f'<span class="whatif">{esc(_t("index.what_if", lang))}</span> ' if row.get("what_if") else ""
                parts.append(f"<tr><td>{label}{esc(_t('index.notebook.' + row['notebook'], lang) if row['notebook'] in NOTEBOOK_NAMES else row['notebook'])}"
                             f"<br><small>{_describe(row, lang)}</small></td>"
                             f"<td>{'<br>'.join(esc(n) for n in numbers)}</td>"
                             f"<td>{_link(row['report_html'], _t('index.report', lang))}</td>"
                             f"<td>{_link(row['results_dir'] and row['results_dir'] + '/' + RESULTS_JSON, 'results.json')}</td>"
                             f"<td>{_link(row['executed_notebook'], 'notebook.ipynb')}</td>"
                             f"<td>{esc(row['run_id'])}</td><td>{esc(row['finished_utc'])}</td></tr>")
            parts.append("</table></section>")
    else:
        parts.append(f"<p>{esc(_t('index.none', lang))}</p>")
    what_ifs = what_if_reports(manifests)
    if what_ifs:
        parts.append(f'<section class="what-if"><h2>{esc(_t("index.what_if_heading", lang))}</h2>'
                     f'<p class="muted">{esc(_t("index.what_if_lead", lang))}</p>')
        parts.append(f"<table><tr><th>{esc(_t('index.col_notebook', lang))}</th><th>{esc(_t('index.col_geo', lang))}</th>"
                     f"<th>{esc(_t('index.col_differs', lang))}</th><th>{esc(_t('index.col_report', lang))}</th>"
                     f"<th>{esc(_t('index.col_run', lang))}</th><th>{esc(_t('index.col_finished', lang))}</th></tr>")
        for row in what_ifs[:_INDEX_RUNS_SHOWN]:
            parts.append(f'<tr><td><span class="whatif">{esc(_t("index.what_if", lang))}</span> {esc(row["notebook"])}</td>'
                         f"<td>{esc(row['geo'])}</td><td>{_describe(row, lang)}</td>"
                         f"<td>{_link(row['report_html'], _t('index.report', lang))}</td>"
                         f"<td>{esc(row['run_id'])}</td><td>{esc(row['finished_utc'])}</td></tr>")
        parts.append("</table></section>")
    parts.append(f"<h2>{esc(_t('index.runs', lang))}</h2>")
    for run_id in incomplete:
        parts.append(f'<p class="muted">{esc(_t("index.incomplete", lang, run=run_id))}</p>')
    status_words = {k: _t("index.status." + k, lang) for k in ("ok", "failed", "skipped", "reused")}
    for manifest in manifests[:_INDEX_RUNS_SHOWN]:
        counts = manifest.get("counts", {})
        run_id = manifest["run_id"]
        parts.append(f"<h3>{esc(_t('index.run', lang, run=run_id))}</h3><p>"
                     + esc(_t("index.run_line", lang, started=manifest.get("started_utc", ""),
                              seconds=f"{float(manifest.get('duration_s', 0)):.1f}",
                              counts=", ".join(f"{counts.get(k, 0)} {status_words[k]}" for k in ("ok", "failed", "skipped")),
                              version=str(manifest.get("data", {}).get("version", ""))))
                     + "; " + _link(f"runs/{run_id}/{MANIFEST_NAME}", "manifest") + "</p>")
        parts.append(f"<table><tr><th>{esc(_t('index.col_notebook', lang))}</th><th>{esc(_t('index.col_geo', lang))}</th>"
                     f"<th>{esc(_t('index.col_status', lang))}</th><th>{esc(_t('index.col_seconds', lang))}</th>"
                     f"<th>{esc(_t('index.col_report', lang))}</th><th>{esc(_t('index.col_executed', lang))}</th>"
                     f"<th>{esc(_t('index.col_error', lang))}</th></tr>")
        for job in manifest.get("jobs", []):
            status = job.get("status", "")
            parts.append(f"<tr><td>{esc(job['notebook'])}</td><td>{esc(job['geo'])}</td>"
                         f'<td class="{esc(status)}">{esc(status_words.get(status, status))}</td>'
                         f"<td>{float(job.get('duration_s') or 0):.1f}</td>"
                         f"<td>{_link(job.get('report_html'), _t('index.report', lang))}</td>"
                         f"<td>{_link(job.get('executed_notebook'), 'notebook.ipynb')}</td>"
                         f"<td><code>{esc(job.get('error') or '')}</code></td></tr>")
        parts.append("</table>")
        skipped = manifest.get("skipped", [])
        if skipped:
            parts.append(f"<details><summary>{esc(_t('index.skipped', lang, n=len(skipped)))}</summary><ul>"
                         + "".join(f"<li>{esc(s['notebook'])} / {esc(s['geo'])}: {esc(s['reason'])}</li>"
                                   for s in skipped) + "</ul></details>")
    if len(manifests) > _INDEX_RUNS_SHOWN:
        parts.append(f'<p class="muted">{esc(_t("index.older", lang, n=len(manifests) - _INDEX_RUNS_SHOWN))}</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)
