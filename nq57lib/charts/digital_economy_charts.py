"""The digital-economy share figure: history, scenarios, Monte Carlo fan, targets and required paths.

One figure answers the report's question at a glance: where the share stands (observed points, marked
by how firm the source is), where each scenario takes it, how uncertain that is, and what the targets
require. Every element is optional so a notebook can build the figure up layer by layer, and every
label exists in English and Vietnamese (``lang``).
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd
from matplotlib.lines import Line2D

from ..errors import ParameterError, check_choice
from ..formatting import format_number, percent_text
from ..monte_carlo import SimulationResult
from ..share_formulas import check_history
from ..share_projection import ProjectionResult
from ..text import bilingual
from ..text import t
from .chart_style import (LANGS, MAX_LINES_PER_PANEL, PALETTE, STATUS_MARKERS, add_footnote, figure_title, label,
                          label_line_ends, new_figure, scenario_colour, scenario_style, set_message)

_LABELS = bilingual("charts.digital_economy")
_CURRENT_TREND = t("common.scenario.current_trend", "en")  # the English name the reports give the current trend
_CONCEPT_COLORS = {"nso": PALETTE["black"], "ministry": PALETTE["grey"]}
# '=' targets are printed "about X" in their sources, hence the approximately-equal sign.
_COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "≈", "between": ""}


def _text(key: str, lang: str) -> str:
    return label(key, lang, _LABELS)


def plot_share_outlook(history: pd.DataFrame, *, projection: ProjectionResult | None = None,
                       bands: SimulationResult | pd.DataFrame | None = None, geo_id: str | None = None,
                       targets: pd.DataFrame | Iterable[dict] | None = None,
                       required: pd.DataFrame | None = None,
                       lang: str = "en", title: str | None = None, footnotes: Iterable[str] = ()):
    """Draw the share's history, scenarios, fan chart, targets and required paths; return the Figure.

    ``history`` follows the data contract of :mod:`nq57lib.share_projection` (both definitions may appear; each
    is drawn as its own series, with a marker per source status). ``projection`` comes from
    :func:`~nq57lib.share_projection.project`, ``bands`` from :func:`~nq57lib.monte_carlo.simulate` (its result
    or its ``bands`` table; pass ``geo_id`` when it holds several geographies), ``required`` from
    :func:`~nq57lib.share_formulas.required_paths`, ``targets`` as in the data package. The footnote lists
    the sources of the history, the definition caveats of the targets and any ``footnotes`` given.
    """
    lang = check_choice("lang", lang, LANGS)
    frame = check_history(history)
    band_table, band_note = _band_table(bands, geo_id, lang)
    if projection is not None and not isinstance(projection, ProjectionResult):
        raise ParameterError("projection", f"expected a ProjectionResult, got {type(projection).__name__}")
    target_table = None if targets is None else pd.DataFrame(targets if not isinstance(targets, dict) else [targets])

    fig, ax = new_figure(9.0, 5.2)
    top = [frame["value"].max()]
    if band_table is not None:
        _draw_bands(ax, band_table, lang)
        top.append(band_table["p95_share_pct"].max())
    if projection is not None:
        _draw_scenarios(ax, projection.table, lang)
        top.append(projection.table["share_pct"].max())
    if required is not None and not required.empty:
        _draw_required(ax, required, lang)
    definition_marks = {} if required is None else dict(zip(required["target_id"], required["definition_status"]))
    if target_table is not None and not target_table.empty:
        _draw_targets(ax, target_table, definition_marks, lang)
        top.append(target_table["value"].max())
    _draw_history(ax, frame, lang)

    ax.set_ylim(0, min(100.0, max(top) * 1.12 + 1.0))
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(_text("ylabel", lang))
    ax.set_title(title or _text("title", lang), loc="left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color=PALETTE["grey"], marker=m, linestyle="none", label=label(s, lang))
                for s, m in STATUS_MARKERS.items() if "status" in frame and (frame["status"] == s).any()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)

    lines = [_sources_line(frame, lang), _text("scenarios_note", lang) if projection is not None else "", band_note]
    lines += _definition_lines(required, lang)
    lines += list(footnotes)
    add_footnote(fig, lines, lang)
    return fig


def _band_table(bands: Any, geo_id: str | None, lang: str) -> tuple[pd.DataFrame | None, str]:
    """The fan-chart rows of one geography, and the footnote line describing the simulation."""
    if bands is None:
        return None, ""
    note = ""
    if isinstance(bands, SimulationResult):
        note = _text("mc_note", lang).format(n=format_number(bands.n_paths, lang, 0), seed=bands.seed)
        bands = bands.bands
    if not isinstance(bands, pd.DataFrame) or "p05_share_pct" not in bands.columns:
        raise ParameterError("bands", "expected a SimulationResult or its bands table")
    geos = sorted(bands["geo_id"].unique())
    if geo_id is None:
        if len(geos) != 1:
            raise ParameterError("geo_id", f"bands hold several geographies ({', '.join(geos)}); choose one")
        geo_id = geos[0]
    check_choice("geo_id", geo_id, geos)
    return bands[bands["geo_id"] == geo_id].sort_values("year"), note


def _draw_bands(ax, bands: pd.DataFrame, lang: str) -> None:
    color = PALETTE["sky"]
    ax.fill_between(bands["year"], bands["p05_share_pct"], bands["p95_share_pct"], color=color, alpha=0.18,
                    linewidth=0, label=_text("band_90", lang))
    ax.fill_between(bands["year"], bands["p25_share_pct"], bands["p75_share_pct"], color=color, alpha=0.38,
                    linewidth=0, label=_text("band_50", lang))
    ax.plot(bands["year"], bands["p50_share_pct"], linewidth=1.0, label=_text("median", lang),
            **scenario_style("median"))


def _draw_scenarios(ax, table: pd.DataFrame, lang: str) -> None:
    """Each scenario's path, in its id's style (``chart_style.scenario_style``), named in the legend."""
    name_column = "scenario_vi" if lang == "vi" else "scenario"
    ids = _scenario_ids(table)
    for name, path in table.groupby("scenario", sort=False):
        style = scenario_style(ids[path.index[0]])
        path = path.sort_values("year")
        ax.plot(path["year"], path["share_pct"], linewidth=1.8, label=path[name_column].iloc[0], **style)
        if path["share_lo_pct"].notna().any():
            ax.fill_between(path["year"], path["share_lo_pct"], path["share_hi_pct"], color=style["color"],
                            alpha=0.12, linewidth=0,
                            label=f"{path[name_column].iloc[0]}: {_text('interval', lang)}")


def _draw_required(ax, required: pd.DataFrame, lang: str) -> None:
    for i, row in enumerate(required.itertuples()):
        ax.plot([row.base_year, row.target_year], [row.base_share_pct, row.target_pct], color=PALETTE["grey"],
                linestyle=(0, (1, 2)), linewidth=1.2, label=_text("required", lang) if i == 0 else None)


def _draw_targets(ax, targets: pd.DataFrame, definition_marks: dict, lang: str) -> None:
    """One star per target level and year; targets repeated by several documents share its label."""
    groups: dict[tuple, list[dict]] = {}
    for row in targets.to_dict("records"):
        high = row.get("value_high") if row.get("comparator") == "between" else None
        groups.setdefault((row["year"], row["value"], None if pd.isna(high) else high), []).append(row)
    for i, ((year, value, high), rows) in enumerate(groups.items()):
        ax.plot(year, value, marker="*", markersize=13, color=PALETTE["vermillion"],
                markeredgecolor=PALETTE["black"], linestyle="none", zorder=5,
                label=label("target", lang) if i == 0 else None)
        signs = "/".join(dict.fromkeys(_COMPARATOR_SIGNS.get(r.get("comparator"), "") for r in rows))
        marks = "".join(dict.fromkeys({"unstated": "*", "different": "≠"}.get(
            definition_marks.get(r.get("target_id")), "") for r in rows))
        if high is not None:
            ax.vlines(year, value, high, color=PALETTE["vermillion"], linewidth=2)
            text = percent_text(f"{format_number(value, lang)}–{format_number(high, lang)}", lang) + marks
        else:
            text = signs + percent_text(format_number(value, lang), lang) + marks
        # up and to the left of the star: the right of a line's end is its label's
        ax.annotate(text, (year, value), textcoords="offset points", xytext=(-7, 7), ha="right", fontsize=9)


# History statuses of a starting share built by the report (merged unit, relative level): never drawn as observed.
NOT_OBSERVED_STATUSES = ("imputed", "assumed")


def _draw_history(ax, frame: pd.DataFrame, lang: str) -> None:
    statuses = frame["status"] if "status" in frame else pd.Series("official", index=frame.index)
    assumed = frame[statuses.isin(NOT_OBSERVED_STATUSES)]
    for i, (concept, rows) in enumerate(assumed.groupby("concept", sort=True)):
        ax.plot(rows["year"], rows["value"], linestyle="none", marker="X", markersize=8,
                color=_CONCEPT_COLORS.get(concept, PALETTE["purple"]), markerfacecolor="white", zorder=7,
                label=_text("assumed_base", lang) if i == 0 else None)
    frame = frame[~statuses.isin(NOT_OBSERVED_STATUSES)]
    for concept, rows in frame.groupby("concept", sort=True):
        color = _CONCEPT_COLORS.get(concept, PALETTE["purple"])
        key = f"observed_{concept}"
        name = _text(key, lang) if key in _LABELS else f"{label('observed', lang)}: {concept}"
        segments = [segment.sort_values("year") for _, segment in rows.groupby("segment")]
        # the legend names the series once, on its first segment that draws a line (a lone point before a
        # method break is only a marker)
        named = next((k for k, segment in enumerate(segments) if len(segment) > 1), 0)
        for k, segment in enumerate(segments):
            ax.plot(segment["year"], segment["value"], color=color, linewidth=1.2,
                    label=name if k == named else None, zorder=6)
            statuses = segment["status"] if "status" in segment else pd.Series("official", index=segment.index)
            for status, points in segment.groupby(statuses):
                ax.plot(points["year"], points["value"], linestyle="none", color=color, markersize=6,
                        marker=STATUS_MARKERS.get(status, "o"), markerfacecolor="white", zorder=7)


def _sources_line(frame: pd.DataFrame, lang: str) -> str:
    if "source_id" not in frame:
        return ""
    publishers = frame["publisher"] if "publisher" in frame else pd.Series("", index=frame.index)
    items = []
    for publisher, source_id in dict.fromkeys(zip(publishers, frame["source_id"])):
        if isinstance(source_id, str) and source_id:
            from ..data_texts import text_in  # the publisher in the chart's language (data texts, issue 27)

            publisher = text_in(None, "publisher", publisher, lang)
            items.append(f"{publisher} ({source_id})" if isinstance(publisher, str) and publisher else source_id)
    return _text("sources_line", lang).format(items="; ".join(items)) if items else ""


def _definition_lines(required: pd.DataFrame | None, lang: str) -> list[str]:
    if required is None or required.empty:
        return []
    concept = required["series_concept"].iloc[0]
    statuses = set(required["definition_status"])
    return [_text(f"{status}_note", lang).format(concept=concept)
            for status in ("unstated", "different") if status in statuses]


def _panel_note(title: str, frame: pd.DataFrame, required: pd.DataFrame | None, lang: str) -> str:
    """One footnote line per panel, without ids: its title, its sources' publishers and what its target
    marks mean (each target is compared on the definition the report's rule gives it)."""
    publishers = list(dict.fromkeys(p for p in frame.get("publisher", pd.Series(dtype=object)).dropna()
                                    if isinstance(p, str) and p))
    parts = [_text("sources_line", lang).format(items="; ".join(publishers)).rstrip(".")] if publishers else []
    statuses = set() if required is None or required.empty else set(required["definition_status"])
    parts += [_text(f"panel_{status}_note", lang) for status in ("unstated", "different") if status in statuses]
    return f"{title}: " + "; ".join(parts) + "." if parts else ""


# The order in which scenarios take the panel's lines (at most ``MAX_LINES_PER_PANEL`` a panel): the path the
# targets need, the current trend, a researcher's own scenarios (ids not listed), then the other readings of
# the same data. Scenarios left out are named under the figure; every one stays in the scenarios table.
DRAW_ORDER = ("target_path", "current_trend", None, "damped", "logistic", "decomposition", "ets", "relative",
              "linear")
_METHOD_IDS = {"pp": "linear", "path": "target_path", "logistic": "logistic", "decomposition": "decomposition",
               "damped": "damped", "relative": "relative", "ets": "ets"}
PANEL_WIDTH_IN = 4.0  # a panel's share of the figure's width; two panels: 11 in, 1,210 px at 110 dpi
MAX_LABEL_CHARS = 24  # a longer line-end label wraps
TITLE_CHARS = 52  # a longer panel title wraps (the panel's width at 11 pt)


def scenario_id(name: str, method: str) -> str:
    """The id a scenario's path is styled by (``chart_style.scenario_style``), the same in every report:
    its method (``pp`` is ``linear``, ``path`` ``target_path``), the current trend for the constant-growth
    path the report calls so, and any other constant-growth path (a researcher's what-if) its own name."""
    if method in _METHOD_IDS:
        return _METHOD_IDS[method]
    if name == _CURRENT_TREND:
        return "current_trend"
    return str(name)


def _scenario_ids(table: pd.DataFrame) -> pd.Series:
    """Each row's scenario id: the table's own ``scenario_id`` where it has one, else :func:`scenario_id`."""
    if "scenario_id" in table.columns:
        return table["scenario_id"].astype(str)
    methods = table["method"] if "method" in table.columns else pd.Series("", index=table.index)
    return pd.Series([scenario_id(n, m) for n, m in zip(table["scenario"], methods)], index=table.index)


def _draw_order(ids: Iterable[str]) -> list[str]:
    known = [i for i in DRAW_ORDER if i is not None]
    ids = list(dict.fromkeys(ids))
    ordered = []
    for slot in DRAW_ORDER:
        ordered += [i for i in ids if i not in known] if slot is None else [i for i in ids if i == slot]
    return ordered


def _wrapped(text: str, width: int = MAX_LABEL_CHARS) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _lines_of_history(frame: pd.DataFrame) -> int:
    """Lines the history draws (a segment of one point is a marker, not a line)."""
    statuses = frame["status"] if "status" in frame else pd.Series("official", index=frame.index)
    observed = frame[~statuses.isin(NOT_OBSERVED_STATUSES)]
    return int(sum(len(seg) > 1 for _, rows in observed.groupby("concept") for _, seg in rows.groupby("segment")))


def _draw_scenario_lines(ax, table: pd.DataFrame, lang: str, room: int) -> tuple[list, list[str]]:
    """At most ``room`` scenario paths, in ``DRAW_ORDER``, each in its id's style; returns the line ends to
    label and the names of the scenarios left out."""
    name_column = "scenario_vi" if lang == "vi" and "scenario_vi" in table.columns else "scenario"
    table = table.assign(_id=_scenario_ids(table))
    ends, left_out = [], []
    for k, sid in enumerate(_draw_order(table["_id"])):
        path = table[table["_id"] == sid].sort_values("year")
        name = str(path[name_column].iloc[0])
        if k >= room:
            left_out.append(name)
            continue
        style = scenario_style(sid)
        ax.plot(path["year"], path["share_pct"], linewidth=1.8, label=name, **style)
        if path["share_lo_pct"].notna().any():
            ax.fill_between(path["year"], path["share_lo_pct"], path["share_hi_pct"], color=style["color"],
                            alpha=0.12, linewidth=0, label=f"{name}: {_text('interval', lang)}")
        last = path.iloc[-1]
        ends.append((float(last["year"]), float(last["share_pct"]), _wrapped(name), scenario_colour(sid)))
    return ends, left_out


def plot_share_outlooks(panels: list[dict], *, geo_id: str | None = None, lang: str = "en",
                        title: str | None = None, footnotes: Iterable[str] = ()):
    """One panel per definition, side by side on a shared y-axis from 0: the definitions are never drawn on
    one path. Each ``panels`` item holds ``title`` and the arguments of :func:`plot_share_outlook`
    (``history``, ``projection``, ``bands`` (a bands table of that definition's fan), ``targets``,
    ``required``). Returns the Figure.

    A panel reads at a glance: at most ``MAX_LINES_PER_PANEL`` lines (the observed series, the fan's median
    where a fan is drawn, then scenarios in ``DRAW_ORDER``; those left out are named under the figure), each
    labelled at its end in its scenario's colour (the same in every report); targets are stars labelled
    with their level. Only symbols (observed points by status, targets, the fan's bands) are in the legend,
    under the panels. The figure's text alternative says where the share stands and what the nearest target
    needs, per definition (``chart_style.set_message``)."""
    import matplotlib.pyplot as plt

    from .chart_style import apply_style

    lang = check_choice("lang", lang, LANGS)
    if not panels:
        raise ParameterError("panels", "expected at least one definition to draw")
    apply_style()
    width = min(11.0, 3.0 + PANEL_WIDTH_IN * len(panels))
    fig, axes = plt.subplots(1, len(panels), figsize=(width, 4.6), layout="constrained", sharey=True, squeeze=False)
    top, lines, left_out, sentences, frames, history_lines = [], [], [], [], [], []
    for ax, panel in zip(axes[0], panels):
        frame = check_history(panel["history"])
        room = MAX_LINES_PER_PANEL - _lines_of_history(frame)
        ends = []
        band_table = None
        if panel.get("bands") is not None and not panel["bands"].empty:
            band_table, _ = _band_table(panel["bands"], geo_id, lang)
            _draw_bands(ax, band_table, lang)
            last = band_table.iloc[-1]
            ends.append((float(last["year"]), float(last["p50_share_pct"]), _wrapped(_text("median", lang)),
                         scenario_colour("median")))
            room -= 1
            top.append(band_table["p95_share_pct"].max())
        projection = panel.get("projection")
        if projection is not None:
            drawn, skipped = _draw_scenario_lines(ax, projection.table, lang, room)
            ends += drawn
            left_out += skipped
            top.append(projection.table["share_pct"].max())
        required = panel.get("required")
        targets = panel.get("targets")
        marks = {} if required is None else dict(zip(required["target_id"], required["definition_status"]))
        if targets is not None and not targets.empty:
            _draw_targets(ax, pd.DataFrame(targets), marks, lang)
            top.append(pd.DataFrame(targets)["value"].max())
        drawn_before = len(ax.lines)
        _draw_history(ax, frame, lang)
        history_lines += ax.lines[drawn_before:]
        frames.append(frame)
        top.append(frame["value"].max())
        ax.set_title(_wrapped(panel.get("title", ""), TITLE_CHARS), loc="left", fontsize=11)
        ax.set_xlabel(label("year", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
        label_line_ends(ax, ends)
        lines.append(_panel_note(panel.get("title", ""), frame, required, lang))
        sentences.append(_panel_message(panel, frame, band_table is not None, lang))
    axes[0][0].set_ylabel(_text("ylabel", lang))
    axes[0][0].set_ylim(0, min(100.0, max(top) * 1.12 + 1.0))
    figure_title(fig, title or _text("title", lang))
    handles = {}  # the legend: symbols and the observed series; paths are labelled at their ends
    for ax in axes[0]:
        for handle, name in zip(*ax.get_legend_handles_labels()):
            is_path = isinstance(handle, Line2D) and handle.get_linestyle() not in ("None", "none", "")
            if not is_path or handle in history_lines:
                handles.setdefault(name, handle)
    for frame in frames:
        for status, marker in STATUS_MARKERS.items():
            if "status" in frame and (frame["status"] == status).any():
                handles.setdefault(label(status, lang), Line2D([], [], color=PALETTE["grey"], marker=marker,
                                                               markerfacecolor="white", linestyle="none"))
    widest = max((len(name) for name in handles), default=0)  # long (Vietnamese) labels: fewer columns fit
    columns = 3 if widest <= 32 else 2 if widest <= 55 else 1
    legend = fig.legend(handles=list(handles.values()), labels=list(handles), loc="lower center", borderaxespad=0,
                        ncols=min(columns, max(1, len(handles))), frameon=False, fontsize=9) if handles else None
    notes = list(dict.fromkeys(line for line in lines if line))
    notes.append(_text("scenarios_note", lang))
    if left_out:
        notes.append(bilingual("charts.glance")["left_out_note"][lang].format(names=", ".join(dict.fromkeys(left_out))))
    add_footnote(fig, notes + list(footnotes), lang, legend=legend)
    set_message(fig, " ".join([f"{title or _text('title', lang)}."] + [s for s in sentences if s]))
    return fig


def _panel_message(panel: dict, frame: pd.DataFrame, fan: bool, lang: str) -> str:
    """One sentence of the text alternative for a panel: the latest share, the pace the nearest target
    read on this definition needs, the current trend's value in its year, and whether a fan is drawn."""
    from ..formatting import format_number

    words = bilingual("charts.alt")
    say = lambda key, **kw: words[key][lang].format(**kw)  # noqa: E731
    last = frame.sort_values("year").iloc[-1]
    name = str(panel.get("title", ""))
    parts = [say("outlook_panel", panel=name[:1].upper() + name[1:], value=format_number(float(last["value"]), lang, 2),
                 year=int(last["year"]))]
    required = panel.get("required")
    if required is not None and not required.empty:
        read_on = required[required["compared_on"]] if "compared_on" in required.columns else required
        row = (read_on if not read_on.empty else required).sort_values("target_year").iloc[0]
        sign = _COMPARATOR_SIGNS.get(row["comparator"], "")
        pace = row["required_growth_pct"]
        target = f"{sign}{format_number(float(row['target_pct']), lang)} %"
        if pd.notna(pace):
            parts.append(say("outlook_target", target=target, target_year=int(row["target_year"]),
                             pace=format_number(float(pace), lang, 1), base_year=int(row["base_year"])))
        projection = panel.get("projection")
        if projection is not None:
            table = projection.table.assign(_id=_scenario_ids(projection.table))
            at = table[(table["_id"] == "current_trend") & (table["year"] == int(row["target_year"]))]
            if not at.empty:
                parts.append(say("outlook_trend", value=format_number(float(at["share_pct"].iloc[0]), lang, 1),
                                 year=int(row["target_year"])))
    parts.append(say("outlook_fan" if fan else "outlook_no_fan"))
    return "; ".join(parts) + "."


def plot_tornado(table: pd.DataFrame, *, years: Iterable[int] = (2030, 2045), labels: dict[str, str] | None = None,
                 lang: str = "en", title: str | None = None):
    """Tornado chart of a sensitivity table (:func:`nq57lib.outlook_sensitivity.sensitivity_table`):
    one panel per year in ``years``; per assumption a bar from the base outlook to the share at each
    end of its range (below the base in one colour, above it in another), labelled with the end, the
    rows in the table's order (largest swing on top). ``labels`` maps assumption ids to reader labels.
    Returns the Figure."""
    import matplotlib.pyplot as plt

    from .chart_style import apply_style

    lang = check_choice("lang", lang, LANGS)
    years = list(years)
    needed = {"assumption"} | {f"share_{y}_{end}_pct" for y in years for end in ("low", "high", "base")}
    if not isinstance(table, pd.DataFrame) or table.empty or not needed <= set(table.columns):
        raise ParameterError("table", f"expected a non-empty sensitivity table with {sorted(needed)}")
    apply_style()
    fig, axes = plt.subplots(1, len(years), figsize=(min(11.0, 4.6 * len(years) + 1.8), 0.6 * len(table) + 1.8),
                             layout="constrained", sharey=True, squeeze=False)
    rows = table.iloc[::-1].reset_index(drop=True)  # largest swing on top
    names = labels or {}
    decimal = "," if lang == "vi" else "."
    for ax, year in zip(axes[0], years):
        base = float(table[f"share_{year}_base_pct"].iloc[0])
        shown = set()
        for i, row in rows.iterrows():
            for end in ("low", "high"):
                value = float(row[f"share_{year}_{end}_pct"])
                if value == base:
                    continue
                side = "tornado_below" if value < base else "tornado_above"
                ax.barh(i, value - base, left=base, color=PALETTE["sky"] if value < base else PALETTE["orange"],
                        height=0.6, label=_text(side, lang) if side not in shown else None)
                shown.add(side)
                text = f"{value:.1f}".replace(".", decimal)
                end_label = row.get(f"{end}_label")
                if isinstance(end_label, str) and end_label:
                    text += f" ({end_label})"
                ax.annotate(text, (value, i), textcoords="offset points", xytext=(3 if value > base else -3, 0),
                                ha="left" if value > base else "right", va="center", fontsize=8)
        ax.axvline(base, color=PALETTE["black"], linewidth=1,
                   label=_text("tornado_base", lang).format(value=f"{base:.1f}".replace(".", decimal)))
        ax.set_yticks(range(len(rows)), [names.get(a, a) for a in rows["assumption"]])
        ax.set_xlabel(_text("tornado_xlabel", lang).format(year=year))
        ax.set_title(str(year), loc="left", fontsize=10)
        ax.margins(x=0.45)
    handles = {h.get_label(): h for ax in axes[0] for h in ax.get_legend_handles_labels()[0]}
    legend = fig.legend(handles=list(handles.values()), loc="lower center", borderaxespad=0, ncols=3, frameon=False,
                        fontsize=9)
    figure_title(fig, title or _text("tornado_title", lang))
    add_footnote(fig, [_text("tornado_note", lang)], lang, legend=legend)
    set_message(fig, _tornado_message(table, years[0], names, title or _text("tornado_title", lang), lang))
    return fig


def _tornado_message(table: pd.DataFrame, year: int, names: dict[str, str], title: str, lang: str) -> str:
    """The tornado's text alternative: the assumption that moves the first year's share most, its range."""
    from ..formatting import format_number

    row = table.iloc[0]  # the largest swing first
    low, high = sorted((float(row[f"share_{year}_low_pct"]), float(row[f"share_{year}_high_pct"])))
    return f"{title}. " + bilingual("charts.alt")["tornado"][lang].format(
        year=year, name=names.get(row["assumption"], row["assumption"]), low=format_number(low, lang, 1),
        high=format_number(high, lang, 1), base=format_number(float(row[f"share_{year}_base_pct"]), lang, 1))
