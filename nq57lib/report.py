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
.nq57-provenance summary { cursor: pointer; font-weight: 600; }
.nq57-title { font-family: system-ui, sans-serif; margin: 8px 0 4px 0; }
.nq57-title h1 { font-size: 22px; margin: 4px 0 4px 0; }
.nq57-title nav { font-size: 13px; display: flex; flex-wrap: wrap; column-gap: 1em; }
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
  /* JupyterLab keeps an output whole on one page: a tall answer then leaves page 1 empty but the title */
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output, .nq57-answer,
  .nq57-reader { break-inside: auto !important; }
  .nq57-reader td.nq57-badge-cell { white-space: normal; }  /* a long verdict wraps inside the page */
  .nq57-reader td:first-child { min-width: 7em; }  /* never one letter a line */
  thead { display: table-header-group; }
  h1, h2, h3, caption { break-after: avoid; }
  a { color: inherit; }
}
"""

# The lab template minus everything that would fetch from the network (require.js, MathJax, mermaid,
# widget manager), plus the title and its links at the top of the body and the run record (provenance,
# folded) at its end: a reader's first screen is the answer.
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.nq57_css }}</style>{%- endblock html_head_css -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- set alt=output | get_metadata('alt', 'image/png') -%}
{%- if alt %} alt="{{ alt | escape_html }}"{%- endif %}
{%- set width=output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width={{ width | escape_html }}{%- endif %}
>
</div>
{%- endblock data_png %}
{%- block body_header -%}{{ super() }}
{{ resources.nq57_title }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.nq57_header }}
{{ super() }}
{%- endblock body_footer -%}
"""


def provenance_header_html(title: str, parameters: Mapping[str, Any], data: Mapping[str, str],
                           package: str, run_id: str, started_utc: str, lang: str = "en") -> str:
    """The report's run record, shown folded at the end of the page: what was run, on which data, with which
    code (``title`` names the report in the summary line). Everything escaped."""
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
    return (f'<footer class="nq57-provenance"><details><summary>{label("record")}</summary>'
            f"<table>{info_rows}</table>"
            f"<p>{label('parameters')}</p><table>{param_rows}</table></details>"
            "</footer>")


def title_html(title: str, geo: str, lang: str = "en", has_results: bool = True) -> str:
    """The report's first lines: its title and links to the index (the geography's other reports are listed
    there) and to its results files. A report's folder is ``runs/RUN/NOTEBOOK/GEO/``."""
    from .text import t

    lang = lang if lang in ("en", "vi") else "en"
    links = [(f"../../../../{index_name(lang)}#geo-{quote(geo)}", t("report.page.nav_geo", lang)),
             (f"../../../../{index_name(lang)}", t("report.page.nav_index", lang))]
    if has_results:
        links.append((f"results/{RESULTS_JSON}", t("report.page.nav_results", lang)))
    nav = "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in links)
    return f'<header class="nq57-title"><h1>{html.escape(title)}</h1><nav>{nav}</nav></header>'



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
        nbformat.v4.new_notebook(), resources={"metadata": {"name": ""}, "nq57_header": "", "nq57_css": "",
                                               "nq57_title": ""})


def notebook_to_html(nb: Any, title: str, header_html: str, lang: str = "en", title_block: str = "") -> str:
    """Render an executed notebook as a self-contained HTML report: code hidden, figures inline.

    Runs nbconvert in this process (a ``jupyter nbconvert`` subprocess costs ~1.8 s of start-up).
    Offline means offline: raises ``ValueError`` if the page would load or run anything by itself
    (``external_references``: remote images, styles, frames, scripts of any kind, a refresh, a base
    URL), then sanitises the page with an allow-list (``sanitise_page``) and checks the result again.
    """
    body, _ = _html_exporter().from_notebook_node(
        nb, resources={"metadata": {"name": title}, "nq57_header": header_html, "nq57_css": _HEADER_CSS,
                       "nq57_title": title_block or f'<header class="nq57-title"><h1>{html.escape(title)}</h1></header>'})
    if lang in ("en", "vi"):  # the page's language, for screen readers, hyphenation and translation tools
        body = body.replace('<html lang="en">', f'<html lang="{lang}">', 1)
    refuse_remote(body)
    body = sanitise_page(body)
    refuse_remote(body)  # the sanitised page, checked again
    return body


def refuse_remote(page: str) -> None:
    """Raise ``ValueError`` naming the first thing ``page`` would fetch or run by itself (``external_references``)."""
    remote = external_references(page)
    if remote:
        raise ValueError(f"report would load {len(remote)} remote resource(s) or script(s), e.g. "
                         f"{remote[0]!r}; reports must open offline")


# What a report page may hold (nh3, the Ammonia HTML sanitiser): the elements and attributes nbconvert's
# lab template, the reader tables and Markdown cells produce. Everything else is removed; a script or
# template element with its content. Images only as data: URLs; links http(s), mailto, relative, #anchor.
_BODY_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins",
    "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "style", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"})
_BODY_ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "style", "tabindex", "data-mime-type", "align"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan", "data-label"},
    "th": {"colspan", "rowspan", "scope"}, "details": {"open"}, "style": {"type"}, "ol": {"start"}}
_HEAD_TAGS = frozenset({"meta", "title", "style"})
_HEAD_ATTRIBUTES = {"meta": {"charset", "name", "content"}, "style": {"type"}}
_BODY_TAG = re.compile(r'<body(?:\s+(?:class|data-jp-theme-light|data-jp-theme-name)="[^"<>]*")*\s*>')


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: an image source only as a data: URL, inline CSS only without url() or @import."""
    if attribute == "src" and not value.strip().lower().startswith("data:image/"):
        return None
    if attribute == "style" and css_problem(value):
        return None
    return value


def sanitise_page(page: str) -> str:
    """The report page rebuilt from allow-listed parts: its head (meta, title, styles) and body cleaned by
    nh3 (``_BODY_TAGS``, ``_BODY_ATTRIBUTES``; scripts removed with their content; no event handlers,
    frames, forms, SVG, ``<base>``, ``<link>`` or ``<meta http-equiv>``). CSS is checked, not rewritten:
    ``external_references`` refuses a style sheet that would fetch."""
    import nh3

    lang = re.search(r'<html lang="(en|vi)"', page)
    head = re.search(r"<head>(.*?)</head>", page, flags=re.DOTALL)
    body_open = _BODY_TAG.search(page)
    start = page.find(">", page.find("<body")) + 1 if "<body" in page else 0
    end = page.rfind("</body>") if "</body>" in page else len(page)
    common = dict(clean_content_tags={"script", "template", "noscript"}, strip_comments=True, link_rel=None,
                  url_schemes={"http", "https", "mailto", "data"}, attribute_filter=_keep_attribute)
    clean_head = nh3.clean(head.group(1), tags=set(_HEAD_TAGS), attributes=_HEAD_ATTRIBUTES, **common) if head else ""
    clean_body = nh3.clean(page[start:end], tags=set(_BODY_TAGS), attributes=_BODY_ATTRIBUTES, **common)
    return (f'<!DOCTYPE html>\n<html lang="{lang.group(1) if lang else "en"}">\n<head>{clean_head}</head>\n'
            f'{body_open.group(0) if body_open else "<body>"}{clean_body}</body>\n</html>\n')


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_FETCH = re.compile(r"""(@import|\b(?:url|image|image-set|cross-fade|src)\s*\(\s*(?!["']?\s*data:)[^)]*)""",
                        re.IGNORECASE)


def css_problem(css: str) -> str | None:
    """What in the CSS text ``css`` would fetch a resource (``@import``, ``url()`` other than a data: URL), or None.

    Comments are dropped and CSS escapes decoded first, so ``u\\72l(`` is seen as ``url(``.
    """
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)
    found = _CSS_FETCH.search(text)
    return found.group(0)[:120] if found else None


# Attributes whose value a browser loads by itself (any tag), and the tags that load or run something
# whatever their attributes say. ``<a href>`` is a link the reader may follow, never fetched on opening.
_FETCH_ATTRIBUTES = frozenset({"src", "srcset", "data", "poster", "action", "formaction", "background", "ping",
                               "href", "xlink:href", "codebase", "archive", "longdesc", "lowsrc", "dynsrc",
                               "manifest", "icon", "profile", "imagesrcset"})
_ALWAYS_REFUSED = frozenset({"script", "base", "iframe", "frame", "frameset", "object", "embed", "applet",
                             "portal", "fencedframe"})
_SCHEME = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|[\\/]{2})")


def external_references(page: str) -> list[str]:
    """What the browser would fetch or run on its own when opening ``page``, one description each.

    Refused: an absolute or scheme-relative URL in any loading attribute (``src``, ``srcset``, SVG
    ``<image href>``, ``<link href>``, ...), also without ``//`` (``https:host``), unless a data: URL;
    ``<meta http-equiv="refresh">``; ``<base>``, ``<script>`` (inline too), frames, objects and embeds;
    event-handler attributes; CSS ``@import`` and ``url()`` other than data: URLs, in style sheets and
    ``style`` attributes. Plain ``<a href>`` links in the text are not fetched and are not reported.
    """
    from html.parser import HTMLParser

    found: list[str] = []

    class Scan(HTMLParser):
        style_depth = 0

        def handle_starttag(self, tag, attrs):
            tag = tag.lower()
            if tag in _ALWAYS_REFUSED:
                found.append(f"<{tag}>")
            if tag == "style":
                self.style_depth += 1
            values = {k.lower(): (v or "") for k, v in attrs}
            if tag == "meta" and values.get("http-equiv", "").strip().lower() in ("refresh", "set-cookie",
                                                                                  "content-security-policy"):
                found.append(f"<meta http-equiv={values['http-equiv']}>")
            for name, value in values.items():
                if name.startswith("on"):
                    found.append(f"<{tag} {name}=...>")
                elif name in _FETCH_ATTRIBUTES and not (tag == "a" and name == "href"):
                    for url in (value.split(",") if "srcset" in name else [value]):
                        if _SCHEME.match(url) and not url.strip().lower().startswith("data:"):
                            found.append(url.strip()[:200])
                elif name == "style" and css_problem(value):
                    found.append(css_problem(value))

        def handle_endtag(self, tag):
            if tag.lower() == "style":
                self.style_depth = max(0, self.style_depth - 1)

        def handle_data(self, data):
            if self.style_depth and css_problem(data):
                found.append(css_problem(data))

    scan = Scan(convert_charrefs=True)
    scan.feed(page)
    scan.close()
    return found


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
        f"<code>{esc(k)}={esc(_text(v))}</code>" for k, v in differing.items()))
                if differing else _t("index.default_parameters", lang))
    if row.get("extra_files"):
        bits.append(_t("index.user_files", lang, files=", ".join(f"<code>{esc(f)}</code>" for f in row["extra_files"])))
    if row.get("edited_notebook"):
        bits.append(_t("index.edited_notebook", lang))
    return "; ".join(bits)


def _t(key: str, lang: str, **fmt: Any) -> str:
    from .text import t

    return t(key, lang if lang in ("en", "vi") else "en", **fmt)


def index_name(lang: str) -> str:
    """The index page of a language: ``index.html`` (English), ``index.vi.html`` (Vietnamese)."""
    return "index.html" if lang == "en" else f"index.{lang}.html"


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
    from . import data

    try:
        return data.geo_name(data.load_package(), geo, lang)
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
