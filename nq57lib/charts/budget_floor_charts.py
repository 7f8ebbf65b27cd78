"""Figures of the S&T budget engine: required vs status-quo spending, cumulative gap, sensitivity.

Each function takes a result of ``nq57lib.floor_cost`` and returns a matplotlib ``Figure`` whose
footnote lists the sources (data-package ids) and every assumption of the run, in English or
Vietnamese, so a figure copied out of a report still says where its numbers come from. Titles name
the geography by ``geo_name`` (the caller's display name, e.g. from ``nq57lib.geography.geo_name``);
without it, the result's geography id is shown.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Sequence

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..floor_cost import BudgetResult, SensitivityResult
from ..errors import ParameterError, check_choice
from ..provenance import ASSUMED, DERIVED, OBSERVED, SOURCE_ID_PATTERN, Assumption
from ..formatting import format_number
from ..text import bilingual
from .chart_style import (LANGS, PALETTE, add_footnote, label, label_line_ends, new_figure, scenario_colour,
                          scenario_style, set_message)

_SOURCE_ID = re.compile(SOURCE_ID_PATTERN)

_LABELS = bilingual("charts.budget_floor")

# Short names of the inputs for footnotes; ``Assumption.label`` (English, longer) is the fallback.
_INPUT_NAMES = bilingual("charts.budget_floor.input_names")
_UNITS = bilingual("charts.budget_floor.units")
_ALT = bilingual("charts.alt")

HEATMAP_METRICS = ("cumulative_spending_bn_vnd", "cumulative_spending_const_bn_vnd", "cumulative_gap_bn_vnd",
                   "spending_last_year_bn_vnd")


def _text(key: str, lang: str, **values) -> str:
    return label(key, lang, _LABELS).format(**values)


def _title_geo(result: BudgetResult | SensitivityResult, geo_name: str | None) -> str:
    """The display name for titles: ``geo_name`` if given, else the inputs' geography id."""
    if geo_name is None:
        return result.inputs.geography
    if not isinstance(geo_name, str) or not geo_name.strip():
        raise ParameterError("geo_name", f"expected a non-empty display name, got {geo_name!r}")
    return geo_name


def _format_value(record: Assumption, lang: str) -> str:
    if record.unit == "year":
        return str(int(record.value))
    unit = "" if record.unit == "year" else _UNITS.get(record.unit, {}).get(lang, f" {record.unit}")  # 2030, not 2030 year
    return format_number(record.value, lang) + unit


def footnote_lines(assumptions: Sequence[Assumption], lang: str,
                   source_names: Mapping[str, str] | None = None) -> list[str]:
    """Footnote lines: observed, derived and assumed inputs with their values, then the sources.

    With ``source_names`` (source id -> publisher, e.g. from ``nq57lib.budget_floor_prose.source_names``) the
    sources line names the publishers a reader knows; without it, the data-package ids.
    """
    check_choice("lang", lang, LANGS)
    lines = []
    for kind, key in ((OBSERVED, "observed_line"), (DERIVED, "derived_line"), (ASSUMED, "assumed_line")):
        items = [f"{_INPUT_NAMES.get(a.name, {}).get(lang, a.label_in(lang))} {_format_value(a, lang)}"
                 for a in assumptions if a.kind == kind]
        if items:
            lines.append(_text(key, lang, items="; ".join(items)))
    ids = sorted({match for a in assumptions for match in _SOURCE_ID.findall(a.basis)})
    if ids and source_names is not None:
        lines.append(_text("sources_named_line", lang, names="; ".join(dict.fromkeys(
            source_names.get(i, i) for i in ids))))
    elif ids:
        lines.append(_text("sources_line", lang, ids=", ".join(ids)))
    return lines


def _scenario_label(scenario: str, result: BudgetResult, lang: str) -> str:
    inputs = result.inputs
    return _text(scenario, lang, floor=format_number(inputs.floor_pct, lang),
                 current=format_number(inputs.current_share_pct, lang),
                 start=inputs.start_year, ramp=inputs.ramp_year)


def _check_result(result) -> BudgetResult:
    if not isinstance(result, BudgetResult):
        raise ParameterError("result", f"expected a BudgetResult from run_budget, got {type(result).__name__}")
    return result


def _format_axes(ax, lang: str) -> None:
    """Whole years on x; thousands separators of ``lang`` on y."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, 0)))


def plot_spending_paths(result: BudgetResult, lang: str = "en", constant_prices: bool = False,
                        scenarios: Sequence[str] | None = None, geo_name: str | None = None,
                        comparison: BudgetResult | Sequence[BudgetResult] | Mapping[str, BudgetResult] | None = None,
                        source_names: Mapping[str, str] | None = None):
    """Required S&T spending per scenario against the status quo, with the absorptive capacity.

    ``comparison`` is another run on the same budget path (e.g. the national floor applied to a
    province), a list of them, or a mapping of scenario ids to them (``floor_paths.BudgetPaths.comparisons``:
    the id gives each floor its colour, the same in every report), whose ``floor`` scenario is drawn as one
    more line each, so a reader sees every floor compared. Every line is labelled at its end (no legend),
    the y-axis starts at 0.
    """
    check_choice("lang", lang, LANGS)
    _check_result(result)
    if not isinstance(constant_prices, bool):
        raise ParameterError("constant_prices", f"expected True or False, got {constant_prices!r}")
    chosen = result.scenarios if scenarios is None else scenarios
    if isinstance(chosen, str) or not chosen:
        raise ParameterError("scenarios", f"expected a non-empty sequence of scenario names, got {chosen!r}")
    chosen = [check_choice("scenarios", s, result.scenarios) for s in chosen]
    if comparison is None:
        comparisons = {}
    elif isinstance(comparison, BudgetResult):
        comparisons = {"comparison": comparison}
    elif isinstance(comparison, Mapping):
        comparisons = dict(comparison)
    elif isinstance(comparison, Sequence) and not isinstance(comparison, str):
        comparisons = {f"comparison_{i + 1}": other for i, other in enumerate(comparison)}
    else:
        raise ParameterError("comparison", "expected a BudgetResult with a 'floor' scenario, or a list of them")
    for other in comparisons.values():
        if not isinstance(other, BudgetResult) or "floor" not in other.scenarios:
            raise ParameterError("comparison", "expected a BudgetResult with a 'floor' scenario")
        if other.inputs.base_year != result.inputs.base_year:
            raise ParameterError("comparison", f"must share the base year {result.inputs.base_year} "
                                               f"(its constant prices), got {other.inputs.base_year}")
    geo = _title_geo(result, geo_name)

    # A comparison floor equal to the status-quo share would draw the status quo's line again: it is
    # named in the status quo's label instead (and its sources stay in the footnote).
    same = [o for o in comparisons.values() if o.inputs.floor_pct == result.inputs.current_share_pct]
    comparisons = {k: o for k, o in comparisons.items() if o.inputs.floor_pct != result.inputs.current_share_pct}
    column = "spending_const_bn_vnd" if constant_prices else "spending_bn_vnd"
    fig, ax = new_figure(9.0, 4.8)
    ends = []
    for scenario in chosen:
        rows = result.yearly[result.yearly["scenario"] == scenario]
        name = "status_quo_equal" if scenario == "status_quo" and same else scenario
        text = _scenario_label(name, result, lang)
        ax.plot(rows["year"], rows[column], label=text, linewidth=2, **scenario_style(scenario))
        ends.append((rows["year"].iloc[-1], rows[column].iloc[-1], text, scenario_colour(scenario)))
    assumptions = list(result.assumptions)
    assumptions += [replace(a, name="comparison_floor_pct") for o in same for a in o.assumptions
                    if a.name == "floor_pct"]
    for scenario_id, other in comparisons.items():
        rows = other.yearly[other.yearly["scenario"] == "floor"]
        text = _scenario_label("comparison", other, lang)
        ax.plot(rows["year"], rows[column], label=text, linewidth=1.5, **scenario_style(scenario_id))
        ends.append((rows["year"].iloc[-1], rows[column].iloc[-1], text, scenario_colour(scenario_id)))
        assumptions += [replace(a, name="comparison_floor_pct") for a in other.assumptions
                        if a.name == "floor_pct"]
    first = result.yearly[result.yearly["scenario"] == chosen[0]]
    if first["capacity_bn_vnd"].notna().all():
        capacity = first["capacity_bn_vnd"] / (first["price_index"] if constant_prices else 1.0)
        ax.plot(first["year"], capacity, linewidth=1.5, label=_text("capacity", lang), **scenario_style("capacity"))
        ends.append((first["year"].iloc[-1], capacity.iloc[-1], _text("capacity", lang), scenario_colour("capacity")))
    for _first, last in result.inputs.periods[:-1]:
        ax.axvline(last + 0.5, color=PALETTE["grey"], linewidth=0.8, alpha=0.6)
    ax.set_title(_text("title_paths", lang, geo=geo))
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(_text("bn_const", lang, year=result.inputs.base_year) if constant_prices
                  else _text("bn_current", lang))
    _format_axes(ax, lang)
    ax.set_ylim(bottom=0)
    label_line_ends(ax, [(x, y, _wrapped(text), colour) for x, y, text, colour in ends])
    add_footnote(fig, footnote_lines(assumptions, lang, source_names), lang)
    set_message(fig, _spending_message(result, column, ax.get_title(), lang))
    return fig


def _wrapped(text: str, width: int = 26) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _spending_message(result: BudgetResult, column: str, title: str, lang: str) -> str:
    """The spending chart's text alternative: what the floor needs at the first period's end against the
    status quo."""
    year = result.inputs.periods[0][1]
    at = result.yearly[result.yearly["year"] == year].set_index("scenario")[column]
    if "floor" not in at.index or "status_quo" not in at.index:
        return title
    floor, status_quo = float(at["floor"]), float(at["status_quo"])
    return f"{title}. " + _ALT["spending"][lang].format(
        year=year, floor=format_number(result.inputs.floor_pct, lang), required=format_number(floor, lang, 0),
        status_quo=format_number(status_quo, lang, 0), current=format_number(result.inputs.current_share_pct, lang),
        ratio=format_number(floor / status_quo, lang, 1) if status_quo > 0 else "–")


def plot_cumulative_gap(result: BudgetResult, lang: str = "en", geo_name: str | None = None,
                        source_names: Mapping[str, str] | None = None):
    """Running total of (scenario spending - status quo) from the base year, with period-end values."""
    check_choice("lang", lang, LANGS)
    _check_result(result)
    geo = _title_geo(result, geo_name)
    scenarios = [s for s in result.scenarios if s != "status_quo"]
    if not scenarios:
        raise ParameterError("result", "has only the status quo, whose gap to itself is zero; run a floor or ramp")
    period_ends = [last for _first, last in result.inputs.periods]
    fig, ax = new_figure()
    labels = []  # (year, value, colour) of each period-end point
    line_ends = []  # each line's end, labelled there
    for scenario in scenarios:
        rows = result.yearly[result.yearly["scenario"] == scenario]
        style = scenario_style(scenario)
        text = _scenario_label(scenario, result, lang)
        ax.plot(rows["year"], rows["cumulative_gap_bn_vnd"], label=text, linewidth=2, **style)
        last = rows.iloc[-1]
        line_ends.append((last["year"], last["cumulative_gap_bn_vnd"], _wrapped(text), style["color"]))
        ends = rows[rows["year"].isin(period_ends)]
        ax.scatter(ends["year"], ends["cumulative_gap_bn_vnd"], color=style["color"], zorder=3)
        labels += [(year, value, style["color"]) for year, value in zip(ends["year"], ends["cumulative_gap_bn_vnd"])]
    # At each period end the highest value is labelled above its point, the others below it, stacked, on a
    # white ground: labels never sit on each other or on a line.
    for year in period_ends:
        at_year = sorted((item for item in labels if item[0] == year), key=lambda item: -item[1])
        for rank, (_, value, colour) in enumerate(at_year):
            offset = (-6, 7) if rank == 0 else (-6, -7 - 12 * (rank - 1))
            ax.annotate(format_number(value, lang, 0), (year, value), textcoords="offset points", xytext=offset,
                        ha="right", va="bottom" if rank == 0 else "top", fontsize=8.5, color=colour, zorder=4,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_title(_text("title_gap", lang, year=result.inputs.base_year, geo=geo))
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(_text("bn_current", lang))
    _format_axes(ax, lang)
    lowest = min(float(np.nanmin(line.get_ydata())) for line in ax.get_lines())
    if lowest >= 0:  # from 0 (below it only where a floor spends less than the status quo)
        ax.set_ylim(bottom=0)
    label_line_ends(ax, line_ends)
    add_footnote(fig, footnote_lines(result.assumptions, lang, source_names), lang)
    set_message(fig, _gap_message(result, ax.get_title(), lang))
    return fig


def _gap_message(result: BudgetResult, title: str, lang: str) -> str:
    """The cumulative gap's text alternative: each scenario's total above the status quo at the first period's end."""
    year = result.inputs.periods[0][1]
    at = result.yearly[result.yearly["year"] == year].set_index("scenario")["cumulative_gap_bn_vnd"]
    parts = [_ALT["gap"][lang].format(name=_scenario_label(s, result, lang), gap=format_number(float(at[s]), lang, 0),
                                      year=year, base=result.inputs.base_year)
             for s in result.scenarios if s != "status_quo" and s in at.index]
    return f"{title}. " + "; ".join(parts) + "."


def plot_sensitivity_heatmap(sensitivity: SensitivityResult, lang: str = "en", period: str | None = None,
                             metric: str = "cumulative_spending_bn_vnd", geo_name: str | None = None,
                             source_names: Mapping[str, str] | None = None):
    """Heat map of one metric over floor (rows) x budget growth (columns), each cell labelled.

    ``period`` is a period label such as '2025–2030' (default: the first period).
    """
    check_choice("lang", lang, LANGS)
    if not isinstance(sensitivity, SensitivityResult):
        raise ParameterError("sensitivity", f"expected a SensitivityResult, got {type(sensitivity).__name__}")
    metric = check_choice("metric", metric, HEATMAP_METRICS)
    periods = list(dict.fromkeys(sensitivity.table["period"]))
    period = periods[0] if period is None else check_choice("period", period, periods)
    geo = _title_geo(sensitivity, geo_name)

    rows = sensitivity.table[sensitivity.table["period"] == period]
    grid = rows.pivot(index="floor_pct", columns="budget_growth_pct", values=metric).sort_index()
    values = grid.to_numpy(dtype=float)
    fig, ax = new_figure(width=7.5, height=4.2)
    image = ax.imshow(values, cmap="cividis", origin="lower", aspect="auto")
    ax.grid(False)
    ax.set_xticks(range(grid.shape[1]), [format_number(g, lang) for g in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [format_number(f, lang) for f in grid.index])
    middle = (np.nanmin(values) + np.nanmax(values)) / 2.0
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            ax.text(j, i, format_number(values[i, j], lang, 0), ha="center", va="center", fontsize=8,
                    color="black" if values[i, j] > middle else "white")
    metric_label = _text(metric, lang, year=sensitivity.inputs.base_year)
    colorbar = fig.colorbar(image, ax=ax)
    colorbar.formatter = FuncFormatter(lambda v, _pos: format_number(v, lang, 0))
    colorbar.update_ticks()
    ax.set_title(_text("title_heat", lang, metric=metric_label, period=period, geo=geo))
    ax.set_xlabel(_text("growth_axis", lang))
    ax.set_ylabel(_text("floor_axis", lang))
    add_footnote(fig, [_text("heat_grid", lang)] + footnote_lines(sensitivity.assumptions, lang, source_names), lang)
    low = np.unravel_index(np.nanargmin(values), values.shape)
    high = np.unravel_index(np.nanargmax(values), values.shape)
    set_message(fig, f"{ax.get_title()}. " + _ALT["heat"][lang].format(
        low=format_number(values[low], lang, 0), floor_low=format_number(grid.index[low[0]], lang),
        growth_low=format_number(grid.columns[low[1]], lang), high=format_number(values[high], lang, 0),
        floor_high=format_number(grid.index[high[0]], lang), growth_high=format_number(grid.columns[high[1]], lang)))
    return fig
