"""Cross-province panel figure of the scorecard: one sorted horizontal bar chart per table.

The reader's question is "where does my province stand?", so the report's geography and the units
related to it (old provinces of a merged unit, the successor of an old province) are drawn in their
own colours and hatching (distinguishable in colour-blind vision and in greyscale print), the best
unit is at the top, and the footnote names the sources.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd
from matplotlib.patches import Patch

from ..errors import ParameterError, check_choice
from ..formatting import format_number
from ..text import bilingual
from .chart_style import LANGS, PALETTE, add_footnote, figure_title, label, new_figure

_LABELS = bilingual("charts.scorecard")
# Role -> bar style. Vermillion and orange differ in hue and lightness; hatching keeps them apart in print.
_STYLES = {
    "geography": {"color": PALETTE["vermillion"], "hatch": ""},
    "old unit": {"color": PALETTE["orange"], "hatch": "//"},
    "successor": {"color": PALETTE["orange"], "hatch": "//"},
    "nation": {"color": PALETTE["blue"], "hatch": ""},
    "other": {"color": PALETTE["grey"], "hatch": ""},
}
_REQUIRED = ("geo_id", "name", "value", "highlight")


def _text(key: str, lang: str) -> str:
    return label(key, lang, _LABELS)


def _role(row) -> str:
    if row.highlight:
        return row.highlight
    return "nation" if getattr(row, "level", "") == "nation" else "other"


def plot_panel(table: pd.DataFrame, *, kind: str, title: str, unit: str = "", lang: str = "en",
               sources: Iterable[str] = (), footnotes: Iterable[str] = ()):
    """Draw one cross-province table as a sorted horizontal bar chart and return the Figure.

    ``table`` has the scorecard panel columns (``geo_id``, ``name``, ``value``, ``highlight``, and
    optionally ``level`` and ``rank_out_of``). ``kind`` is 'rank' (bar length = rank, rank 1 at the
    top) or 'value' (highest at the top). ``highlight`` holds 'geography', 'old unit', 'successor'
    or '' per row; the nation's row (``level`` 'nation') has its own colour.
    """
    lang = check_choice("lang", lang, LANGS)
    kind = check_choice("kind", kind, ("rank", "value"))
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in _REQUIRED):
        raise ParameterError("table", f"expected a DataFrame with columns {', '.join(_REQUIRED)}")
    if table.empty:
        raise ParameterError("table", "has no rows to draw")
    rows = table.sort_values("value", ascending=(kind == "rank"), kind="mergesort").reset_index(drop=True)
    height = max(2.6, 0.9 + 0.19 * len(rows))
    fig, ax = new_figure(8.0, height)
    positions = list(range(len(rows)))[::-1]  # first row (the best) at the top
    roles = [_role(r) for r in rows.itertuples()]
    bars = ax.barh(positions, rows["value"], height=0.72,
                   color=[_STYLES[r]["color"] for r in roles], edgecolor=PALETTE["black"], linewidth=0.4)
    for bar, role in zip(bars, roles):
        bar.set_hatch(_STYLES[role]["hatch"])
    ax.set_yticks(positions, [str(n) for n in rows["name"]], fontsize=7 if len(rows) > 30 else 8)
    for tick, role in zip(ax.get_yticklabels(), roles):
        if role in ("geography", "old unit", "successor"):
            tick.set_fontweight("bold")
    decimals = 0 if kind == "rank" else 2
    top = float(rows["value"].max())
    for pos, value in zip(positions, rows["value"]):
        ax.text(value + top * 0.01, pos, format_number(value, lang, decimals), va="center", fontsize=6.5)
    ax.set_xlim(0, top * 1.1)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    if kind == "rank":
        out_of = table["rank_out_of"].dropna() if "rank_out_of" in table else pd.Series(dtype=float)
        ax.set_xlabel(_text("rank_axis", lang).format(n=int(out_of.max())) if not out_of.empty
                      else _text("rank_axis_plain", lang))
    else:
        ax.set_xlabel(_text("value_axis", lang).format(unit=unit))
    figure_title(fig, title)  # flush left at the figure's margin: a long title has the width of the figure
    present = list(dict.fromkeys(roles))
    handles = [Patch(facecolor=_STYLES[r]["color"], hatch=_STYLES[r]["hatch"], edgecolor=PALETTE["black"],
                     linewidth=0.4, label=_text(r, lang)) for r in ("geography", "old unit", "successor", "nation",
                                                                     "other") if r in present]
    # Short bars leave room: at the top for ranks (rank 1 first), at the bottom for values.
    ax.legend(handles=handles, loc="upper right" if kind == "rank" else "lower right", frameon=True,
              framealpha=0.9, fontsize=8)
    items = [s for s in sources if s]
    lines = [f"{label('sources' if len(items) > 1 else 'source', lang)}: {'; '.join(items)}."] if items else []
    add_footnote(fig, lines + list(footnotes), lang)
    return fig
