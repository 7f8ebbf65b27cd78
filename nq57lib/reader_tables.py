"""Tables for readers: human headers, numbers formatted by kind, status badges, links, footnotes.

A results table is for machines (ids, unit-bearing column names, full precision); a reader table
shows the same rows the way a report reader needs them. :func:`reader_table` takes a frame and a
list of :class:`Column` (which column, its header in the report's language, its kind) and returns a
:class:`ReaderTable` that renders as static, self-contained HTML (works offline, every value
escaped). Why not a table library: pandas ``Styler`` has no group rows, no footnotes and no
per-cell HTML with escaping of the rest; great-tables has all three but adds a dependency tree
(Babel, htmltools, commonmark, faicons) for about sixty lines of markup written here and tested.

- **Kinds** (:data:`KINDS`): 'text' (left-aligned), 'int' (ranks, counts: no decimals, thousands
  separators), 'year' (no separators),
  'share' (1 decimal by default), 'money' (thousands separators, no decimals), 'number'
  (``decimals`` given), 'number_text' (a number already written with its unit, e.g. '5.5 % a
  year': right-aligned as a number), 'badge' (a status word on a colour), 'link' (an ``(text, url)``
  pair).
  Numbers are right-aligned and use the language's decimal mark (``nq57lib.formatting``).
- **Badges**: every status has a colour AND a word (:func:`badge_html`), so colour is never the only
  signal (greyscale print, colour-vision deficiencies); the colours are light enough for black text.
- **Groups**: rows sharing ``group`` get one full-width group row instead of a repeated cell.
- **Footnotes**: a note that applies to several rows is written once under the table and the rows
  carry its number (``footnote_marks``).

Other notebooks can adopt this module; the scorecard is the first user.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import pandas as pd

from .errors import ParameterError, check_choice
from .formatting import LANGS, format_date, format_number, format_significant

KINDS = ("text", "int", "year", "share", "money", "number", "number_text", "badge", "link")
NUMERIC_KINDS = ("int", "year", "share", "money", "number", "number_text")
# Badge key -> background colour (light tints of the Okabe–Ito palette, black text readable on all).
BADGE_COLOURS = {
    "met": "#b8e3c9",
    "on track": "#cdeedd",
    "at risk": "#fbe3a6",
    "off track": "#f5c0a0",
    "not met": "#f5c0a0",
    "target year passed": "#e0d2e8",
    "insufficient data": "#dcebf7",
    "no data": "#e6e6e6",
    "other definition": "#d9d2c5",
    "not assessed": "#eeeeee",
    "unverified": "#fff3b0",
    "depends on definition": "#fbe3a6",
    "cannot tell": "#dcebf7",
}
# Badge key -> a shape drawn before the word, a second non-colour signal.
BADGE_SYMBOLS = {
    "met": "✔", "on track": "▲", "at risk": "◆", "off track": "▼", "not met": "✖",
    "target year passed": "□",
    "insufficient data": "○", "no data": "–", "other definition": "≠", "not assessed": "·", "unverified": "?",
    "depends on definition": "◐",
    "cannot tell": "?",
}
CSS = """
.nq57-reader { max-width: 100%; overflow-x: auto; }
.nq57-reader table { border-collapse: collapse; width: 100%; table-layout: auto; font-size: 0.9rem; }
.nq57-reader caption { text-align: left; font-weight: 600; font-size: 1.05rem; padding: 0.3rem 0; }
.nq57-reader th, .nq57-reader td { text-align: left !important; padding: 0.25rem 0.5rem; vertical-align: top; }
.nq57-reader th { border-bottom: 2px solid #444; vertical-align: bottom; white-space: normal !important;
                  overflow-wrap: normal; hyphens: auto; }
.nq57-reader td { border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
.nq57-reader td.nq57-link { min-width: 6.5rem; }
.nq57-reader td.nq57-num, .nq57-reader th.nq57-num { text-align: right !important; white-space: nowrap; }
.nq57-reader td.nq57-badge-cell { white-space: nowrap; }
.nq57-reader td:first-child { min-width: 14rem; }
.nq57-reader.nq57-results td:first-child { min-width: 0; }
.nq57-reader.nq57-results td { overflow-wrap: normal; }
.nq57-reader tr.nq57-group td { font-weight: 600; background: #f3f3f3; border-bottom: 1px solid #bbb;
                                padding-top: 0.6rem; }
.nq57-badge { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 0.7rem; color: #000;
              border: 1px solid #888; font-size: 0.85em; }
.nq57-reader sup { font-size: 0.75em; margin-left: 0.1em; }
.nq57-reader ol.nq57-footnotes { font-size: 0.85em; color: #333; margin: 0.4rem 0 0 1.2rem; padding: 0; }
.nq57-reader ol.nq57-footnotes li { text-align: left; }
/* Phones: below 600 px every reader table stacks as one card per row, each cell under its header's words;
   in a verdict table the verdict comes first. No column is ever off-screen. */
@media (max-width: 600px) {
  .nq57-reader { overflow-x: visible; }
  .nq57-reader table, .nq57-reader tbody, .nq57-reader tr, .nq57-reader td, .nq57-reader caption {
    display: block; width: auto; }
  .nq57-reader thead { display: none; }
  .nq57-reader tr { display: flex; flex-direction: column; border: 1px solid #ccc; border-radius: 6px;
                    margin: 0 0 0.6rem 0; padding: 0.3rem 0.5rem; }
  .nq57-reader tr.nq57-group { border: none; padding: 0.4rem 0 0 0; }
  .nq57-reader td { border: none; padding: 0.1rem 0; min-width: 0 !important; text-align: left !important;
                    white-space: normal !important; }
  .nq57-reader td:first-child { min-width: 0; font-weight: 600; }
  .nq57-reader td[data-label]:not(:first-child)::before { content: attr(data-label) ": "; color: #555;
                                                          font-weight: 600; font-size: 0.85em; }
  .nq57-reader td.nq57-badge-cell::before { content: none !important; }
  .nq57-reader.nq57-verdicts td.nq57-badge-cell { order: -1; }
  .nq57-reader td:empty { display: none; }
}
/* Print (A4): every column within the page width, long words broken, nothing clipped. */
@media print {
  .nq57-reader table { table-layout: auto; width: 100%; }
  .nq57-reader td { min-width: 0 !important; overflow-wrap: anywhere; }
  .nq57-reader th { min-width: 0 !important; overflow-wrap: normal; }
  .nq57-reader td:first-child, .nq57-reader td.nq57-link { min-width: 0; }
  .nq57-reader td.nq57-badge-cell, .nq57-reader td.nq57-num { white-space: nowrap; overflow-wrap: normal; }
}
"""


@dataclass(frozen=True)
class Column:
    """One column of a reader table: the frame's ``key``, its ``header`` (already in the report's
    language), its ``kind`` (:data:`KINDS`), for 'number' and 'share' its ``decimals``, and a minimum
    width (e.g. '9rem') for a column whose labels read badly when broken into many lines. ``row_kinds``
    gives each row its own numeric kind (the inputs table's value column holds years, counts, shares and
    money side by side); ``decimals`` then applies to its 'share' and 'number' rows."""

    key: str
    header: str
    kind: str = "text"
    decimals: int | None = None
    min_width: str = ""  # a CSS length, for short labels that read badly when broken into many lines
    row_kinds: tuple[str, ...] = ()  # one kind per row, for a column whose rows hold different quantities

    def __post_init__(self):
        check_choice("kind", self.kind, KINDS)
        for kind in self.row_kinds:
            check_choice("row_kinds", kind, NUMERIC_KINDS)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_value(value: Any, kind: str, lang: str, decimals: int | None = None) -> str:
    """``value`` as text for a reader: integers for 'int' and 'year', one decimal for 'share' unless told,
    thousands separators and no decimals for 'money', the language's decimal mark; '' when missing.

    Text kinds are returned as they are (not escaped: :func:`reader_table` escapes).
    """
    lang = check_choice("lang", lang, LANGS)
    if _is_missing(value):
        return ""
    if kind == "int":
        return format_number(round(float(value)), lang, 0)
    if kind == "year":
        return str(int(round(float(value))))
    if kind == "share":
        return format_number(float(value), lang, 1 if decimals is None else decimals)
    if kind == "money":
        return format_number(float(value), lang, 0 if decimals is None else decimals)
    if kind == "number":
        shown = 2 if decimals is None else decimals
        if value != 0 and abs(float(value)) < 0.5 * 10 ** -shown:  # would read as 0.00: significant figures
            return format_significant(float(value), lang)
        return format_number(float(value), lang, decimals)
    return str(value)


def badge_html(key: str, word: str) -> str:
    """A status badge: symbol and word on the status colour (colour is never the only signal)."""
    if key not in BADGE_COLOURS:
        raise ParameterError("badge", f"unknown status {key!r}; expected one of {', '.join(BADGE_COLOURS)}")
    return (f'<span class="nq57-badge nq57-badge-{key.replace(" ", "-")}" style="background:{BADGE_COLOURS[key]}">'
            f'{BADGE_SYMBOLS[key]} {html.escape(word)}</span>')


def link_html(text: str, url: Any) -> str:
    """``text`` as a link to ``url`` when it is an http(s) URL, else the escaped text."""
    label = html.escape(str(text))
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'
    return label


def footnote_marks(notes: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Number each distinct non-empty note once: (per-row marks like '1' or '', the notes in order)."""
    order: dict[str, int] = {}
    marks = []
    for note in notes:
        if _is_missing(note) or not str(note).strip():
            marks.append("")
            continue
        order.setdefault(str(note), len(order) + 1)
        marks.append(str(order[str(note)]))
    return marks, list(order)


@dataclass
class ReaderTable:
    """A rendered reader table: ``html`` (self-contained, with its CSS) and the ``frame`` shown."""

    html: str
    frame: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        return self.html


def reader_table(frame: pd.DataFrame, columns: Sequence[Column], lang: str, *, group: str | None = None,
                 marks: str | None = None, footnotes: Iterable[str] = (), caption: str = "",
                 css_class: str = "") -> ReaderTable:
    """Render ``frame`` for readers (see the module docstring).

    ``columns`` says which columns are shown, in order, with their headers and kinds (ids stay out
    unless listed). ``group``: a column whose value starts a new group row when it changes (rows
    must already be in group order). ``marks``: a column of footnote numbers appended to the first
    shown column. ``footnotes``: the notes, in number order, written once under the table.
    'badge' cells hold ``(key, word)`` pairs; 'link' cells hold ``(text, url)`` pairs.
    """
    lang = check_choice("lang", lang, LANGS)
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError("frame", "expected a DataFrame")
    missing = [c.key for c in columns if c.key not in frame.columns]
    missing += [c for c in (group, marks) if c and c not in frame.columns]
    if missing:
        raise ParameterError("columns", f"not in the table: {', '.join(missing)}")
    shown = [c.key for c in columns]
    cells = pd.DataFrame(index=range(len(frame)), columns=shown, dtype=object)
    for column in columns:
        values = frame[column.key].tolist()
        if column.kind == "badge":
            out = ["" if _is_missing(v) else badge_html(*v) for v in values]
        elif column.kind == "link":
            out = ["" if _is_missing(v) else link_html(*v) for v in values]
        elif column.row_kinds:
            if len(column.row_kinds) != len(values):
                raise ParameterError("row_kinds", f"{column.key}: {len(column.row_kinds)} kinds for {len(values)} rows")
            out = [html.escape(format_value(v, k, lang, column.decimals if k in ("share", "number") else None))
                   for v, k in zip(values, column.row_kinds)]
        else:
            out = [html.escape(format_value(v, column.kind, lang, column.decimals)) for v in values]
        cells[column.key] = out
    if marks:
        first = shown[0]
        cells[first] = [f"{c}<sup>{html.escape(str(m))}</sup>" if m else c
                        for c, m in zip(cells[first], frame[marks].tolist())]
    head = "".join(
        f'<th class="{"nq57-num" if c.kind in NUMERIC_KINDS else ""}"'
        + (f' style="min-width:{html.escape(c.min_width)}"' if c.min_width else "")
        + f">{html.escape(c.header)}</th>" for c in columns)
    body = []
    current = object()
    groups = frame[group].tolist() if group else [None] * len(frame)
    for i, name in enumerate(groups):
        if group and name != current:
            body.append(f'<tr class="nq57-group"><td colspan="{len(columns)}">{html.escape(str(name))}</td></tr>')
            current = name
        tds = []
        for column in columns:
            css = "nq57-num" if column.kind in NUMERIC_KINDS else "nq57-badge-cell" if column.kind == "badge" else ""
            css += " nq57-link" if column.kind == "link" else ""
            tds.append(f'<td class="{css}" data-label="{html.escape(column.header)}">{cells.at[i, column.key]}</td>')
        body.append(f"<tr>{''.join(tds)}</tr>")
    notes = list(footnotes)
    foot = ""
    if notes:
        foot = '<ol class="nq57-footnotes">' + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ol>"
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    extra = f" {html.escape(css_class)}" if css_class else ""
    page = (f'<div class="nq57-reader{extra}" lang="{lang}"><style>{CSS}</style><table>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{foot}</div>")
    return ReaderTable(page, frame)


# Results columns a reader never sees (ids stay in the results files) and notes that become footnotes.
HIDDEN_SUFFIXES = ("_id",)
NOTE_COLUMNS = ("note", "band_note", "reason", "definition_note", "pace_note")


def kind_of(name: str, values: pd.Series) -> str:
    """The reader kind of a results column, from the unit in its name (PUDL-style names) and its dtype:
    ``*_url`` a link, years and ``n_*`` counts integers, ``*_bn_vnd`` money, ``*_pct``/``*_pp`` shares
    with two decimals, other numbers with two decimals, everything else text. A ``year`` token anywhere
    in the name (``attained_year_low``) makes a year, never one with a thousands separator."""
    n = name.lower()
    if n == "url" or n.endswith("_url"):
        return "link"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "text"
    if n.endswith(("_bn_vnd", "_vnd")):  # before years: 'spending_last_year_bn_vnd' is money, grouped
        return "money"
    if (n == "year" or n.endswith("_year") or n.startswith("year_") or "_year_" in n) and "_per_year" not in n:
        return "year"
    if n == "n" or n.startswith("n_") or n.endswith(("_rank", "_years", "_count")) or n == "rank":
        return "int"
    if n.endswith(("_pct", "_pp")) or "_pct_" in n or "_pp_" in n:
        return "share"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    return "number"


# Units (data/labels.csv, engine units) whose values are whole counts.
COUNT_UNITS = ("paths", "years", "enterprises", "organisations", "persons", "services", "procedures",
               "industrial parks")


def kind_of_unit(unit: Any) -> str:
    """The reader kind of a value from its unit (English, as the data and the engines write it): 'year' a
    year, a count unit (:data:`COUNT_UNITS`) an integer, a VND unit money, a percentage or percentage
    points a share (two decimals in a results table), anything else (no unit) a number."""
    text = "" if _is_missing(unit) else str(unit).strip().lower()
    if text == "year":
        return "year"
    if text in COUNT_UNITS:
        return "int"
    if "vnd" in text:
        return "money"
    if text.startswith(("%", "pp")):
        return "share"
    return "number"


def value_kinds(frame: pd.DataFrame) -> pd.Series | None:
    """The reader kind of each row's ``value`` in a table whose rows hold different quantities: from the
    row's ``unit`` (the inputs table) or from the unit in its ``input`` name (the budget sensitivity by
    input, e.g. ``base_expenditure_bn_vnd``); None when the table has no such ``value`` column."""
    if "value" not in frame.columns or not pd.api.types.is_numeric_dtype(frame["value"]):
        return None
    if "unit" in frame.columns:
        return frame["unit"].map(kind_of_unit)
    if "input" in frame.columns:
        return frame["input"].map(lambda name: kind_of(str(name), frame["value"]))
    return None


def results_table(frame: pd.DataFrame, headers: dict[str, str], lang: str, caption: str = "",
                  row_kinds: dict[str, Sequence[str]] | None = None) -> ReaderTable:
    """Any results table for readers: ids hidden, headers from ``headers`` (the report's language),
    numbers by :func:`kind_of` (or, for a column in ``row_kinds``, by each row's kind: see
    :func:`value_kinds`), a URL column as a link on the ``title`` (or the URL), and a note column
    whose text repeats written once as a footnote."""
    frame = frame.reset_index(drop=True)
    shown = [c for c in frame.columns if not str(c).lower().endswith(HIDDEN_SUFFIXES)]
    frame = frame[shown].copy()
    marks, footnotes = None, []
    for note in (c for c in NOTE_COLUMNS if c in frame.columns):
        values = [v for v in frame[note].tolist() if not _is_missing(v) and str(v).strip()]
        if len(values) > len(set(values)):  # a note that repeats: one footnote, numbered in the rows
            row_marks, footnotes = footnote_marks(frame[note].tolist())
            frame["_marks"], marks = row_marks, "_marks"
            frame = frame.drop(columns=[note])
            break
    columns = []
    for name in [c for c in frame.columns if c != "_marks"]:
        kind = kind_of(str(name), frame[name])
        if kind == "link":
            text = frame["title"] if "title" in frame.columns else frame[name]
            frame[name] = list(zip(text.fillna("").tolist(), frame[name].tolist()))
            if "title" in frame.columns:
                columns = [c for c in columns if c.key != "title"]
        if name == "title" and any(str(c).lower() == "url" for c in frame.columns):
            continue
        header = headers.get(name) or str(name).replace("_", " ")
        kinds = tuple((row_kinds or {}).get(name, ()))
        columns.append(Column(name, header, "number" if kinds else kind,
                              2 if kinds or kind in ("share", "number") else None, row_kinds=kinds))
    return reader_table(frame, columns, lang, marks=marks, footnotes=footnotes, caption=caption,
                        css_class="nq57-results")


def sources_table(sources: pd.DataFrame, lang: str) -> ReaderTable:
    """The cited sources for readers: publisher, title (a link to the source), date published; in Vietnamese the
    data's Vietnamese titles and publishers (``data.texts_in``).

    Headers and caption come from ``[report.columns]`` and ``[report.captions]``; source ids stay
    in the results file.
    """
    from .data_texts import texts_in
    from .text import t

    lang = check_choice("lang", lang, LANGS)
    sources = texts_in(None, sources, lang)  # titles and publishers in the report's language (issue 27)
    frame = pd.DataFrame({
        "publisher": sources["publisher"].tolist(),
        "title": list(zip(sources["title"].fillna("").tolist(), sources["url"].tolist())),
        "published": [format_date(p, lang) for p in sources["published"].tolist()],
    })
    columns = [Column("publisher", t("report.columns.publisher", lang)),
               Column("title", t("report.columns.title", lang), "link"),
               Column("published", t("report.columns.published", lang))]
    return reader_table(frame, columns, lang, caption=t("report.captions.sources", lang))
