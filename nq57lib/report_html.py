"""The HTML report of one executed notebook: the title and provenance header, the nbconvert export with the
code hidden, and the checks that the page is self-contained (no script, no fetch from elsewhere).

nbconvert is imported inside the functions that need it (``warm_up_exporter`` loads it ahead of time).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from .results_files import RESULTS_JSON


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

    param_rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(parameter_text(v))}</td></tr>"
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


def parameter_text(value: Any) -> str:
    """A parameter's value as a reader sees it: text in quotes (JSON), anything else as ``str``."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def index_name(lang: str) -> str:
    """The index page of a language: ``index.html`` (English), ``index.vi.html`` (Vietnamese)."""
    return "index.html" if lang == "en" else f"index.{lang}.html"


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
