"""What a report shows: the ``Report`` container, its assumptions and sources tables, and the
display helpers the notebooks use (``table_view``, ``heading``, ``show``).

The notebook modules (``nq57lib.digital_economy``, ``nq57lib.budget_floor``, ``nq57lib.scorecard``)
read the data package, call the pure engines (``nq57lib.share_projection``, ``nq57lib.monte_carlo``,
``nq57lib.progress_assessment``, ``nq57lib.floor_cost``) and return a ``Report`` holding

- ``tables``: the machine-readable results (tidy DataFrames, unit-bearing column names),
- ``scalars``: named single results,
- ``assumptions``: every input that was observed, derived or assumed, with its basis,
- ``sources``: every source cited, with URL,
- ``narrative``: Markdown paragraphs written from the numbers (never hard-coded prose),
- ``figures``: named functions that draw a figure on demand.

Everything here is testable without a kernel; the notebooks only arrange it on the page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd

from .provenance import SOURCE_ID_PATTERN, Assumption
from .text import section, t

_SOURCE_ID = re.compile(SOURCE_ID_PATTERN)
_SOURCE_ID_RUN = re.compile(rf"{SOURCE_ID_PATTERN}(?:(?:, |; ?){SOURCE_ID_PATTERN})*")

ASSUMPTION_COLUMNS = ["name", "value", "unit", "kind", "label", "basis"]
SOURCE_COLUMNS = ["source_id", "publisher", "title", "url", "published", "tier"]


@dataclass
class Report:
    """Everything one report notebook displays and saves."""

    notebook: str
    geo_id: str
    lang: str
    title: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    scalars: dict[str, Any] = field(default_factory=dict)
    assumptions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ASSUMPTION_COLUMNS))
    sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SOURCE_COLUMNS))
    narrative: list[str] = field(default_factory=list)
    figures: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def narrative_markdown(self) -> str:
        return "\n\n".join(self.narrative)

    def figure(self, name: str):
        """Draw the named figure and return it (matplotlib Figure)."""
        return self.figures[name]()

    def results(self) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        """(tables, scalars) for ``nq57lib.results_files.save_results``: assumptions and sources included."""
        tables = dict(self.tables)
        tables["assumptions"] = self.assumptions
        tables["sources"] = self.sources
        return tables, dict(self.scalars)


def assumptions_frame(records: Iterable[Assumption], lang: str = "en") -> pd.DataFrame:
    """Assumption records as a table, duplicates (same name, value and basis) removed, order kept.

    ``name`` is the stable English key; ``label`` and ``basis`` are in ``lang`` (the report's language).
    """
    rows = [a.as_dict(lang) for a in records]
    frame = pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)
    return frame.drop_duplicates(subset=["name", "value", "basis"]).reset_index(drop=True)


def sources_frame(pkg, source_ids: Iterable[str]) -> pd.DataFrame:
    """The cited sources (from ``pkg.sources``) among ``source_ids``, in id order."""
    wanted = sorted({s for s in source_ids if isinstance(s, str) and s})
    frame = pkg.sources[pkg.sources["source_id"].isin(wanted)][SOURCE_COLUMNS]
    return frame.sort_values("source_id").reset_index(drop=True)


def source_ids_in(*texts: Any) -> set[str]:
    """Source ids of the package mentioned in free text (assumption bases, notes)."""
    found: set[str] = set()
    for text in texts:
        if isinstance(text, str):
            found.update(_SOURCE_ID.findall(text))
    return found


# --------------------------------------------------------------------------------------------
# Display helpers for the notebooks (kept here so notebooks stay thin)
# --------------------------------------------------------------------------------------------

def heading(report: Report, key: str) -> Any:
    """A Markdown section heading in the report's language, for ``display``."""
    from IPython.display import Markdown

    return Markdown(f"### {t(f'report.headings.{key}', report.lang)}")


# The columns a reader needs from wide tables (all columns stay in the results files).
READER_COLUMNS = {
    "targets": ["indicator", "target", "target_year", "latest_value", "latest_year", "latest_status",
                "required_growth_pct_per_year", "required_places_per_year", "assessment_text", "set_by",
                "latest_source_id"],
    "national_targets": ["indicator", "target", "target_year", "latest_value", "latest_year",
                         "required_growth_pct_per_year", "assessment_text", "latest_source_id"],
    "sources": ["source_id", "publisher", "title", "url", "published", "tier"],
    "assumptions": ["label", "value", "unit", "kind", "basis"],
    "sensitivity_inputs": ["input_label", "case_label", "value", "period", "cumulative_spending_bn_vnd",
                           "cumulative_spending_const_bn_vnd", "change_from_run_pct"],
    "status_quo_shares": ["label", "share_pct", "period", "cumulative_spending_bn_vnd", "cumulative_floor_bn_vnd",
                          "cumulative_gap_bn_vnd"],
    "coming_plan": ["scenario", "floor_pct", "year", "required_bn_vnd", "plan_bn_vnd", "plan_to_required_pct",
                    "expenditure_bn_vnd", "plan_share_of_expenditure_pct"],
}


# A table whose every value of this column is missing says nothing: a one-line note is shown instead.
EMPTY_WITHOUT = {"absorption": "capacity_bn_vnd"}


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Two blocks of rows with equal values (numbers within float noise, missing equal to missing)."""
    if a.shape != b.shape:
        return False
    for column in a.columns:
        x, y = a[column].reset_index(drop=True), b[column].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            x, y = x.astype("float64"), y.astype("float64")
            same = ((x - y).abs() <= 1e-9 * y.abs().clip(lower=1.0)) | (x.isna() & y.isna())
        else:
            same = (x.astype(object) == y.astype(object)) | (x.isna() & y.isna())
        if not bool(same.all()):
            return False
    return True


def merge_status_quo_twins(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The budget tables' rows of a compared floor identical to the status quo's (its share equals the
    floor) shown once: the compared floor's rows dropped, the status quo's label naming both."""
    if "scenario" not in frame.columns or not (frame["scenario"] == "status_quo").any():
        return frame
    words = section("report.scenario", lang)
    status_quo = frame[frame["scenario"] == "status_quo"].drop(columns="scenario")
    for scenario in [s for s in dict.fromkeys(frame["scenario"]) if s not in ("status_quo", "floor", "ramp")]:
        rows = frame[frame["scenario"] == scenario].drop(columns="scenario")
        if _same_rows(rows, status_quo):
            label = t("report.scenario_same", lang, status_quo=words["status_quo"],
                      other=words.get(scenario, scenario))
            frame = frame[frame["scenario"] != scenario].assign(
                scenario=frame["scenario"].where(frame["scenario"] != "status_quo", label))
            break
    return frame


def table_view(report: Report, name: str, caption: str | None = None, headers: dict[str, str] | None = None) -> Any:
    """A reader's view of one result table (``reader_tables.results_table``): captioned, ids hidden,
    numbers formatted by the unit in the column name, headers in the report's language (``headers``, else
    ``report.columns`` in the locale files), only the columns a reader needs (``READER_COLUMNS``), the
    sources' titles as links. Every value is HTML-escaped.
    """
    from .reader_tables import results_table, sources_table, value_kinds

    frame = report.assumptions if name == "assumptions" else report.sources if name == "sources" \
        else report.tables[name]
    text = caption or section("report.captions", report.lang).get(name, name)
    if frame is None or frame.empty:
        from IPython.display import Markdown

        return Markdown(f"*{text}: {t('report.none', report.lang)}*")
    from . import data_texts

    if name == "sources":  # titles and publishers in the report's language (data texts, issue 27)
        return sources_table(frame, report.lang)
    if name in EMPTY_WITHOUT and EMPTY_WITHOUT[name] in frame.columns and frame[EMPTY_WITHOUT[name]].isna().all():
        from IPython.display import Markdown

        return Markdown(f"*{text}: {t(f'report.empty_table.{name}', report.lang)}*")
    value_kind = value_kinds(frame)  # a value column whose rows hold years, counts, shares and money
    if name in READER_COLUMNS:
        frame = frame[[c for c in READER_COLUMNS[name] if c in frame.columns]]
    frame = data_texts.texts_in(None, frame, report.lang)  # the data's titles, publishers, instruments, notes
    empty = [c for c in frame.columns if frame[c].isna().all()]
    if empty:  # an all-empty column says nothing: hidden, named in one line under the caption
        names = headers or section("report.columns", report.lang)
        text += " " + t("report.hidden_columns", report.lang, columns=", ".join(names.get(c, c) for c in empty))
        frame = frame.drop(columns=empty)
    frame = merge_status_quo_twins(frame, report.lang)
    if name == "assumptions":  # kind and unit in the report's language (labels and bases: see the README)
        kinds = section("report.kind", report.lang)
        frame = frame.assign(kind=frame["kind"].map(lambda k: kinds.get(k, k)),
                             unit=frame["unit"].map(lambda u: data_texts.label("unit", u, report.lang, default=u)
                                                    if isinstance(u, str) else u))
        if "basis" in frame.columns:
            frame = frame.assign(basis=frame["basis"].map(lambda b: publishers_for_ids(b, report.lang)))
    if "scenario" in frame.columns:  # the budget report's scenario ids in words (a user's own floor keeps its name)
        words = section("report.scenario", report.lang)
        frame = frame.assign(scenario=frame["scenario"].map(lambda s: words.get(s, s)))
    row_kinds = ({"value": value_kind.loc[frame.index].tolist()} if value_kind is not None and "value" in frame.columns
                 else None)
    return results_table(frame, headers or section("report.columns", report.lang), report.lang, caption=text,
                         row_kinds=row_kinds)


def publishers_for_ids(text: Any, lang: str = "en") -> Any:
    """A basis for readers: source ids replaced by their publishers, target ids (``target-id: `` or
    ``target-id, ``) dropped.

    A run of ids ("gso-1, gso-2; vn-3") becomes its publishers, each named once; an id the data
    does not know stays. The results file keeps the ids (its sources table maps them).
    """
    if not isinstance(text, str) or not text:
        return text
    from . import data_package, data_texts

    pkg = data_package.shared_package()
    publishers, targets = _reader_names(pkg)

    def names(match) -> str:  # the publishers in the report's language (data texts, issue 27)
        return ", ".join(dict.fromkeys(str(data_texts.text_in(pkg, "publisher", publishers.get(i, i), lang))
                                       for i in _SOURCE_ID.findall(match.group(0))))

    return _SOURCE_ID_RUN.sub(names, targets.sub("", text))


@functools.lru_cache(maxsize=4)
def _reader_names(pkg) -> tuple[dict[str, str], Any]:
    """Publisher by source id, and a pattern of the target ids, of one (shared, cached) data package."""
    ids = sorted(pkg.targets["target_id"], key=len, reverse=True)  # the longest first: an id that extends another
    targets = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, ids))})(?![\w-])(?:: |, )")
    return dict(zip(pkg.sources["source_id"], pkg.sources["publisher"].astype(str))), targets


def figure_png(fig) -> bytes:
    """The figure as PNG at its own dpi, laid out once and drawn once.

    No ``bbox_inches='tight'`` pass (nq57 figures hold their footnote and margins inside:
    ``charts.chart_style.add_footnote``), and the layout engine runs once with the canvas's renderer
    (``savefig`` would run it inside a separate draw without output first); the figure keeps its engine.
    """
    import io

    import matplotlib as mpl

    buffer = io.BytesIO()
    engine = fig.get_layout_engine()
    # 'standard' bbox: a user's rc 'tight' would draw the figure twice; no rc layout replaces the engine.
    with mpl.rc_context({"savefig.bbox": "standard", "figure.autolayout": False,
                         "figure.constrained_layout.use": False}):
        if engine is not None:
            engine.execute(fig)
            fig.set_layout_engine(None)
        try:
            fig.savefig(buffer, format="png", dpi=fig.dpi, facecolor=fig.get_facecolor(),
                        edgecolor=fig.get_edgecolor())
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
    return buffer.getvalue()


def figure_alt(fig) -> str:
    """A figure's text alternative: what the chart says, as its chart function wrote it from the numbers
    (``charts.chart_style.set_message``: e.g. where the share stands and what the target needs); else what it
    shows, from its own words (figure title, each panel's title and axis labels), so a screen reader or a
    page without images still says what the chart is about."""
    from .charts.chart_style import message

    if message(fig):
        return message(fig)[:1000]
    words = []
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    words += [title] if title else []
    words += [text.get_text() for text in fig.texts if text.get_text() and text.get_text() != title][:1]
    for ax in fig.axes:
        bits = [ax.get_title(), ax.get_ylabel()]
        words.append(" — ".join(b for b in bits if b))
    return ". ".join(w.strip() for w in words if w and w.strip())[:600]


def show(fig, alt: str | None = None) -> None:
    """Display a matplotlib figure once as PNG (``figure_png``) with its text alternative (``alt``, by default
    :func:`figure_alt`) and free it (no duplicate at the end of the cell). The output is what ``display(fig)``
    gives: an image/png and the figure's text/plain line."""
    import base64

    import matplotlib.pyplot as plt
    from IPython.display import display

    try:
        display({"image/png": base64.b64encode(figure_png(fig)).decode("ascii"), "text/plain": repr(fig)},
                metadata={"image/png": {"alt": alt or figure_alt(fig)}}, raw=True)
    finally:
        plt.close(fig)
