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

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd

from .provenance import SOURCE_ID_PATTERN, Assumption

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
        """(tables, scalars) for ``nq57lib.report.save_results``: assumptions and sources included."""
        tables = dict(self.tables)
        tables["assumptions"] = self.assumptions
        tables["sources"] = self.sources
        return tables, dict(self.scalars)


def assumptions_frame(records: Iterable[Assumption]) -> pd.DataFrame:
    """Assumption records as a table, duplicates (same name, value and basis) removed, order kept."""
    rows = [a.as_dict() for a in records]
    frame = pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)
    return frame.drop_duplicates(subset=["name", "value", "basis"]).reset_index(drop=True)


def sources_frame(pkg, source_ids: Iterable[str]) -> pd.DataFrame:
    """The cited sources (from ``pkg.sources``) among ``source_ids``, in id order."""
    wanted = sorted({s for s in source_ids if isinstance(s, str) and s})
    frame = pkg.sources[pkg.sources["source_id"].isin(wanted)][SOURCE_COLUMNS]
    return frame.sort_values("source_id").reset_index(drop=True)


def source_ids_in(*texts: Any) -> set[str]:
    """Source ids of the package mentioned in free text (assumption bases, notes)."""
    import re

    found: set[str] = set()
    for text in texts:
        if isinstance(text, str):
            found.update(re.findall(SOURCE_ID_PATTERN, text))
    return found


def fmt_number(value: Any, lang: str, decimals: int = 1) -> str:
    """A number for prose: thousands grouped, '.' decimal in English, ',' decimal in Vietnamese."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    from .charts.chart_style import format_number

    return format_number(float(value), lang, decimals)


def fmt_pct(value: Any, lang: str, decimals: int = 1) -> str:
    """A percentage for prose ('22.9 %' / '22,9 %')."""
    return f"{fmt_number(value, lang, decimals)} %"


def pick(lang: str, en: str, vi: str) -> str:
    """The English or Vietnamese variant of a sentence."""
    return vi if lang == "vi" else en


def comparator_text(comparator: str, value: float, value_high: float | None, lang: str, decimals: int = 1) -> str:
    """A target condition in words, e.g. '≥ 35.0' or '40.0–50.0'."""
    if comparator == "between":
        return f"{fmt_number(value, lang, decimals)}–{fmt_number(value_high, lang, decimals)}"
    symbol = {">=": "≥", "<=": "≤", "=": "≈"}.get(comparator, comparator)
    return f"{symbol} {fmt_number(value, lang, decimals)}"


# --------------------------------------------------------------------------------------------
# Display helpers for the notebooks (kept here so notebooks stay thin)
# --------------------------------------------------------------------------------------------

HEADINGS = {
    "paths": {"en": "Required paths, attainment and probabilities", "vi": "Lộ trình cần thiết, thời điểm đạt và xác suất"},
    "data": {"en": "Data and assumptions", "vi": "Số liệu và giả định"},
    "budget": {"en": "Budget path and floor scenarios", "vi": "Lộ trình ngân sách và các kịch bản mức sàn"},
    "sensitivity": {"en": "Sensitivity", "vi": "Phân tích độ nhạy"},
    "targets": {"en": "Targets", "vi": "Các mục tiêu"},
    "panels": {"en": "Cross-province comparison", "vi": "So sánh giữa các tỉnh"},
}

TABLE_CAPTIONS = {
    "history": {"en": "Observed history (best observation per year)", "vi": "Số liệu quan sát (số liệu tốt nhất mỗi năm)"},
    "targets": {"en": "Registered targets", "vi": "Các mục tiêu đã đăng ký"},
    "required_paths": {"en": "Pace required from the latest observation", "vi": "Tốc độ cần thiết từ năm quan sát gần nhất"},
    "attainment": {"en": "Year each scenario reaches each target", "vi": "Năm mỗi kịch bản đạt mục tiêu"},
    "probabilities": {"en": "Probability of meeting each target (Monte Carlo)", "vi": "Xác suất đạt mục tiêu (Monte Carlo)"},
    "assessment": {"en": "Progress assessment (Eurostat, UNSD)", "vi": "Đánh giá tiến độ (Eurostat, UNSD)"},
    "targets_due": {"en": "Targets already due", "vi": "Mục tiêu đã đến hạn"},
    "assumptions": {"en": "Every input: observed, derived or assumed", "vi": "Mọi đầu vào: quan sát, suy ra hay giả định"},
    "sources": {"en": "Sources", "vi": "Nguồn"},
    "national_targets": {"en": "National targets (Resolution 57 and related)", "vi": "Mục tiêu quốc gia (Nghị quyết 57 và liên quan)"},
    "panel_de_share_ministry": {"en": "Digital-economy share of GRDP by province (ministry estimate)",
                                "vi": "Tỷ trọng kinh tế số trong GRDP theo tỉnh (ước tính của Bộ)"},
    "panel_dti_rank_basis_63": {"en": "DTI rank among 63 provinces", "vi": "Xếp hạng DTI trong 63 tỉnh"},
    "panel_pii_rank_basis_63": {"en": "PII rank among 63 provinces", "vi": "Xếp hạng PII trong 63 tỉnh"},
    "panel_pii_rank_basis_34": {"en": "PII rank among 34 units", "vi": "Xếp hạng PII trong 34 đơn vị"},
    "yearly": {"en": "Yearly spending by scenario", "vi": "Chi tiêu hằng năm theo kịch bản"},
    "milestones": {"en": "Spending by scenario in selected years (bn VND; full table in the results)",
                   "vi": "Chi theo kịch bản ở một số năm (tỷ đồng; bảng đầy đủ trong tệp kết quả)"},
    "periods": {"en": "Cumulative totals by period", "vi": "Tổng cộng dồn theo giai đoạn"},
    "sensitivity": {"en": "Sensitivity: floor × budget growth", "vi": "Độ nhạy: mức sàn × tăng trưởng ngân sách"},
    "absorption": {"en": "Absorption check", "vi": "Kiểm tra khả năng hấp thụ"},
    "rnd": {"en": "R&D target: public and non-state spending", "vi": "Mục tiêu R&D: chi nhà nước và ngoài nhà nước"},
}


def heading(report: Report, key: str) -> Any:
    """A Markdown section heading in the report's language, for ``display``."""
    from IPython.display import Markdown

    return Markdown(f"### {HEADINGS[key][report.lang]}")


# Column headers for readers (machine-readable results keep the raw names).
COLUMN_LABELS = {
    "indicator": ("Indicator", "Chỉ tiêu"), "target": ("Target", "Mục tiêu"), "target_year": ("By", "Năm"),
    "latest_value": ("Latest", "Mới nhất"), "latest_year": ("Year", "Năm số liệu"),
    "latest_status": ("Status", "Tình trạng"), "required_growth_pct_per_year": ("Needed, % a year", "Cần, %/năm"),
    "required_places_per_year": ("Needed, places a year", "Cần, bậc/năm"),
    "assessment_text": ("Assessment", "Đánh giá"), "relation": ("Set by", "Đặt bởi"),
    "latest_source_id": ("Source", "Nguồn"), "source_id": ("Source", "Nguồn"), "set_by": ("Set by", "Đặt bởi"),
    "name": ("Input", "Đầu vào"), "value": ("Value", "Giá trị"), "unit": ("Unit", "Đơn vị"),
    "kind": ("Kind", "Loại"), "label": ("What it is", "Nội dung"), "basis": ("Basis", "Căn cứ"),
    "publisher": ("Publisher", "Cơ quan công bố"), "title": ("Title", "Tiêu đề"), "url": ("URL", "Địa chỉ"),
    "published": ("Published", "Ngày công bố"), "tier": ("Tier", "Cấp nguồn"), "year": ("Year", "Năm"),
    "scenario": ("Scenario", "Kịch bản"), "status": ("Status", "Tình trạng"),
}

# The columns a reader needs from wide tables (all columns stay in the results files).
READER_COLUMNS = {
    "targets": ["indicator", "target", "target_year", "latest_value", "latest_year", "latest_status",
                "required_growth_pct_per_year", "required_places_per_year", "assessment_text", "set_by",
                "latest_source_id"],
    "national_targets": ["indicator", "target", "target_year", "latest_value", "latest_year",
                         "required_growth_pct_per_year", "assessment_text", "latest_source_id"],
    "sources": ["source_id", "publisher", "title", "url", "published", "tier"],
}


def table_view(report: Report, name: str, caption: str | None = None) -> Any:
    """A readable view of one result table: captioned, index hidden, numbers rounded, headers in
    the report's language, and only the columns a reader needs (``READER_COLUMNS``).

    Values are HTML-escaped by the Styler, so text from data or parameters cannot inject markup.
    """
    frame = report.assumptions if name == "assumptions" else report.sources if name == "sources" \
        else report.tables[name]
    if name in READER_COLUMNS and frame is not None:
        frame = frame[[c for c in READER_COLUMNS[name] if c in frame.columns]]
    text = caption or TABLE_CAPTIONS.get(name, {}).get(report.lang, name)
    if frame is None or frame.empty:
        from IPython.display import Markdown

        return Markdown(f"*{text}: " + pick(report.lang, "none.*", "không có.*"))
    view = frame.copy()
    for column in view.columns:
        if view[column].dtype == object:
            view[column] = view[column].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                                            else v)
    position = 1 if report.lang == "vi" else 0
    view = view.rename(columns={c: COLUMN_LABELS[c][position] for c in view.columns if c in COLUMN_LABELS})
    floats = [c for c in view.columns if pd.api.types.is_float_dtype(view[c])]
    styler = view.style.format(na_rep="", escape="html")  # integers (years, ranks) as they are
    if floats:
        styler = styler.format(subset=floats, precision=2, na_rep="", escape="html",
                               thousands="." if report.lang == "vi" else ",",
                               decimal="," if report.lang == "vi" else ".")
    return styler.hide(axis="index").set_caption(text)


def show(fig) -> None:
    """Display a matplotlib figure once and free it (no duplicate at the end of the cell)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)
