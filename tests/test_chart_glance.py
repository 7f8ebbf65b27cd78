"""Charts that read at a glance (issue 21 item 6) and a panel drawn once for every report (issue 26 item 3).

Every chart of the default reports (digital economy, budget floor, scorecard; default geographies, both
languages): at most six lines a panel, each labelled at its end in its own colour (no legend entry for a path),
the same scenario the same colour in every report, value axes from 0, no text under 10 px on a 1280 px screen,
and a text alternative that states the chart's message (numbers and the geography), not its title alone.
The scorecard's panels: a report's PNG is the same bytes whether the panel's base was drawn for it or for an
earlier report, and the base is keyed by the panel's content.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402
from PIL import Image  # noqa: E402

from nq57lib import data_package, scorecard  # noqa: E402
from nq57lib.charts import chart_style, scorecard_charts  # noqa: E402
from nq57lib.report_view import figure_alt, figure_png  # noqa: E402
from test_budget_floor import params, run_steps  # noqa: E402
from test_digital_economy import build  # noqa: E402

GEOS = ("vinh-phuc", "phu-tho-2025", "vn")
LANGS = ("en", "vi")
pytestmark = pytest.mark.xdist_group("chart-glance")  # one worker: the module's figures are drawn once
# Monte Carlo paths of the digital-economy reports drawn here (the charts' properties do not depend on it); the
# layout tests (test_chart_layout, same worker) use the same, so each report is built once (notebook_steps).
N_PATHS = 2000


@pytest.fixture(scope="module")
def pkg():
    return data_package.load_package(use_env=False)


@pytest.fixture(scope="module")
def figures(pkg):
    """(notebook, geo, lang, name) -> drawn Figure of every line chart of the default reports."""
    drawn = {}
    with plt.rc_context({"figure.max_open_warning": 0}):  # kept open on purpose: every test reads them
        for geo in GEOS:
            for lang in LANGS:
                report = build(pkg, geo, lang=lang, n_paths=N_PATHS)
                budget = run_steps(params(geo=geo, lang=lang), pkg)
                for notebook, source in (("digital_economy", report), ("budget_floor", budget)):
                    for name in source.figures:
                        fig = source.figure(name)
                        figure_png(fig)  # laid out and drawn as a report shows it (the end labels move apart)
                        drawn[notebook, geo, lang, name] = fig
    yield drawn
    plt.close("all")


def data_lines(ax) -> list[Line2D]:
    """The paths an axes draws: lines of two or more points along x (markers alone and vertical rules aside)."""
    return [line for line in ax.get_lines() if line.get_visible() and line.get_linestyle() not in ("None", "")
            and len(set(np.asarray(line.get_xdata(), dtype=float))) > 1]


def end_label(ax, line: Line2D) -> Annotation | None:
    """The label at ``line``'s end: an annotation anchored at its last point, in its colour."""
    x, y = float(line.get_xdata()[-1]), float(line.get_ydata()[-1])
    for text in ax.texts:
        if isinstance(text, Annotation) and np.allclose(text.xy, (x, y)) and text.get_ha() == "left" \
                and to_hex(text.get_color()) == to_hex(line.get_color()):
            return text
    return None


def legend_names(fig) -> set[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return {t.get_text() for legend in legends for t in legend.get_texts()}


def test_at_most_six_lines_a_panel_each_labelled_at_its_end(figures):
    for key, fig in figures.items():
        if key[-1] in ("sensitivity", "tornado"):  # a heat map and bars: no lines
            continue
        names = legend_names(fig)
        for ax in fig.axes:
            lines = data_lines(ax)
            assert 0 < len(lines) <= chart_style.MAX_LINES_PER_PANEL, (key, len(lines))
            for line in lines:
                labelled = end_label(ax, line)
                # the observed series (history) is named in the legend beside its status markers
                assert labelled is not None or line.get_label() in names, (key, line.get_label())
                if labelled is not None:
                    assert line.get_label().split()[0] in labelled.get_text().replace("\n", " "), key
                    assert line.get_label() not in names, (key, "a labelled path is not in the legend too")
        assert len(names) <= 8, (key, names)


def test_end_labels_never_overlap(figures):
    for key, fig in figures.items():
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            boxes = [a.get_window_extent(renderer) for a in ax.texts
                     if isinstance(a, Annotation) and a.get_ha() == "left" and a.get_va() == "center"]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    assert not a.overlaps(b) or min(a.y1, b.y1) - max(a.y0, b.y0) < 1, key


def colours_by_label(fig) -> dict[str, str]:
    return {line.get_label(): to_hex(line.get_color()) for ax in fig.axes for line in data_lines(ax)}


def test_the_same_scenario_has_the_same_colour_in_every_report(figures):
    # digital economy: scenarios named alike in two geographies' reports (English names, per definition panel)
    shared = 0
    for lang in LANGS:
        for name in ("outlook",):
            a, b = (colours_by_label(figures["digital_economy", geo, lang, name]) for geo in ("vinh-phuc", "vn"))
            common = set(a) & set(b)
            assert common, "the two reports share scenarios"
            assert {k: a[k] for k in common} == {k: b[k] for k in common}
            shared += len(common)
    assert shared >= 4
    # budget: floor, ramp and status quo in every report, the national floor compared in two
    ids = {"Floor": "floor", "Ramp": "ramp", "Status": "status_quo"}
    for geo in GEOS:
        found = colours_by_label(figures["budget_floor", geo, "en", "spending"])
        for label, colour in found.items():
            if label.split()[0] in ids:
                assert colour == to_hex(chart_style.scenario_colour(ids[label.split()[0]])), (geo, label)
    vp, pt = (colours_by_label(figures["budget_floor", geo, "en", "spending"]) for geo in ("vinh-phuc", "phu-tho-2025"))
    national = [k for k in vp if k.startswith("Comparison: floor 3 %")]
    assert national and vp[national[0]] == pt[national[0]] == to_hex(chart_style.scenario_colour("national_floor"))


def test_scenario_colours_come_from_one_mapping():
    assert chart_style.scenario_colour("current_trend") == chart_style.SCENARIO_STYLES["current_trend"]["color"]
    own = chart_style.scenario_style("8 % a year")  # a researcher's own scenario: the same style every time
    assert own == chart_style.scenario_style("8 % a year") and own in chart_style.OTHER_SCENARIO_STYLES
    de = ("target_path", "current_trend", "damped", "logistic", "decomposition", "ets", "relative", "linear")
    budget = ("floor", "ramp", "status_quo", "national_floor", "vinh_phuc_floor", "capacity")
    for ids in (de, budget):  # within a notebook no two scenarios share a colour
        assert len({chart_style.scenario_colour(i) for i in ids}) == len(ids)


def test_value_axes_start_at_zero(figures):
    for key, fig in figures.items():
        if key[-1] in ("sensitivity", "tornado"):  # a heat map; bars around the base outlook
            continue
        for ax in fig.axes:
            assert ax.get_ylim()[0] == 0, key


def small_texts(fig) -> list[str]:
    """Visible texts (ticks, legends, labels, footnotes) under MIN_TEXT_PX on a 1280 px screen."""
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [f"{t.get_text()[:30]!r} {chart_style.screen_px(fig, t.get_fontsize()):.1f} px" for t in texts
            if chart_style.screen_px(fig, t.get_fontsize()) < chart_style.MIN_TEXT_PX]


def test_no_text_under_10_px_on_a_1280_px_screen(figures, pkg):
    for key, fig in figures.items():
        assert small_texts(fig) == [], key
    for lang in LANGS:
        panels = scorecard.cross_province_panels(pkg, "vinh-phuc", lang)
        panels = {k: panels[k] for k in ("dti_rank_basis_63", "grdp_growth")}  # the most rows; values
        for chart in scorecard.panel_charts(pkg, panels, lang):
            fig = chart.figure()
            assert small_texts(fig) == []
            width = Image.open(io.BytesIO(chart.png)).size[0]
            assert width == round(fig.get_figwidth() * fig.dpi)  # the PNG at the figure's own size
            plt.close(fig)


def test_the_text_alternative_states_the_message(figures, pkg):
    for (notebook, geo, lang, name), fig in figures.items():
        alt = figure_alt(fig)
        title = fig.get_suptitle() or fig.axes[0].get_title()
        assert len(alt) > len(title) + 30 and re.search(r"\d", alt.replace(title, "")), (notebook, geo, name, alt)
        if lang == "vi":
            assert not re.search(r"\b(needs|gives|against|from \d|more than)\b", alt), alt
    vp = figure_alt(figures["digital_economy", "vinh-phuc", "en", "outlook"])
    assert "22.87 % in 2022" in vp and "by 2030 needs" in vp and "no fan" in vp
    assert "Năm 2030, mức chi tối thiểu 15%" in figure_alt(figures["budget_floor", "vinh-phuc", "vi", "spending"])
    panels = scorecard.cross_province_panels(pkg, "vinh-phuc", "en")
    alts = [chart.alt for chart in scorecard.panel_charts(pkg, panels, "en")]
    rank = panels["dti_rank_basis_63"]
    place = int(rank.loc[rank["geo_id"] == "vinh-phuc", "place"].iloc[0])
    assert any(f"Vinh Phuc is {place} of 63 listed" in alt for alt in alts), alts


def test_no_fan_where_no_probability_is_given(figures):
    from matplotlib.collections import PolyCollection

    vp = figures["digital_economy", "vinh-phuc", "en", "outlook"]  # one data point: no probability, no fan
    assert not any(isinstance(c, PolyCollection) for ax in vp.axes for c in ax.collections)
    nation = figures["digital_economy", "vn", "en", "outlook"]
    assert any(isinstance(c, PolyCollection) for ax in nation.axes for c in ax.collections)


# ---------------------------------------------------------------------------------------- the panel's base


def test_a_panel_png_does_not_depend_on_the_reports_drawn_before(pkg):
    panels = {geo: scorecard.cross_province_panels(pkg, geo, "en") for geo in ("vinh-phuc", "ha-noi")}
    scorecard_charts._panel_base.cache_clear()
    cold = [c.png for c in scorecard.panel_charts(pkg, panels["vinh-phuc"], "en")]
    scorecard_charts._panel_base.cache_clear()
    other = [c.png for c in scorecard.panel_charts(pkg, panels["ha-noi"], "en")]  # draws the bases
    warm = [c.png for c in scorecard.panel_charts(pkg, panels["vinh-phuc"], "en")]  # reuses them
    assert scorecard_charts._panel_base.cache_info().hits >= len(warm)
    assert warm == cold
    assert all(a != b for a, b in zip(warm, other))  # each report highlights its own rows


def test_the_panel_png_is_the_figure_of_plot_panel(pkg):
    """The base and its overlay give the chart plot_panel draws whole: same size; the bars and the names
    highlighted where the figure has them (a few antialiased edge pixels aside)."""
    panels = scorecard.cross_province_panels(pkg, "phu-tho-2025", "vi")
    panels = {k: panels[k] for k in ("dti_rank_basis_63", "de_share_ministry")}  # three old units; the nation
    for chart in scorecard.panel_charts(pkg, panels, "vi"):
        fig = chart.figure()
        whole = np.asarray(Image.open(io.BytesIO(figure_png(fig))).convert("RGB"), dtype=int)
        png = Image.open(io.BytesIO(chart.png))
        assert png.mode == "P"  # at most 256 colours: a third of the bytes of full colour
        composed = np.asarray(png.convert("RGB"), dtype=int)
        assert whole.shape == composed.shape
        differ = (np.abs(whole - composed).max(axis=2) > 40).mean()
        assert differ < 0.002, differ
        # the flat colours exactly (the page's white background, the bars' grey): no off-white box on the page
        commonest = [sorted(Image.fromarray(a.astype("uint8")).getcolors(1 << 16), reverse=True)[:2]
                     for a in (whole, composed)]
        assert [c for _, c in commonest[0]] == [c for _, c in commonest[1]] and commonest[1][0][1] == (255, 255, 255)
        plt.close(fig)


def test_a_report_draws_only_in_its_boxes_and_puts_the_base_back(pkg, monkeypatch):
    """A report draws its highlight over the kept base's pixels and re-colours only its boxes (the extents of
    what it drew, OVERLAY_PAD wider): with the default settings every pixel it changed lies in a box (so the
    whole image is never quantized), the PNG is that drawing (to the quantization's few levels), and the base's
    pixels are exactly as before afterwards, also after a failure."""
    whole = []
    monkeypatch.setattr(scorecard_charts, "_whole_png", lambda *a: whole.append(a) or b"")
    drawn = []
    overlaid = scorecard_charts._overlaid_png

    def keep(base, parts, dpi):
        composed = base.pixels.copy()
        for box, part in parts:
            composed[box] = part
        drawn.append((base, composed))
        return overlaid(base, parts, dpi)

    monkeypatch.setattr(scorecard_charts, "_overlaid_png", keep)
    pngs = [chart.png for geo in ("phu-tho-2025", "vinh-phuc", "vn") for lang in ("en", "vi")
            for chart in scorecard.panel_charts(pkg, scorecard.cross_province_panels(pkg, geo, lang), lang)]
    assert whole == [] and len(drawn) == len(pngs) >= 30
    for (base, composed), png in zip(drawn, pngs):
        assert (composed != base.pixels).any()  # the highlight is in the boxes
        decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
        assert np.abs(decoded - composed[..., :3]).max() <= 16
        assert np.array_equal(np.asarray(base.renderer.buffer_rgba()), base.pixels)

    table = scorecard.cross_province_panels(pkg, "phu-tho-2025", "en")["dti_rank_basis_63"]
    arguments = dict(kind="rank", title="DTI", unit="rank", lang="en")
    before, _ = scorecard_charts.panel_png(table, **arguments)
    failed = []
    monkeypatch.setattr(scorecard_charts, "_overlaid_png", lambda base, *_: failed.append(base) or 1 / 0)
    with pytest.raises(ZeroDivisionError):  # fails after drawing
        scorecard_charts.panel_png(table, **arguments)
    assert np.array_equal(np.asarray(failed[0].renderer.buffer_rgba()), failed[0].pixels)
    assert all(bar.get_hatch() is None for bar in failed[0].bars)  # the plain style back too
    monkeypatch.setattr(scorecard_charts, "_overlaid_png", overlaid)
    assert scorecard_charts.panel_png(table, **arguments)[0] == before


def test_a_report_that_draws_beyond_its_boxes_is_quantized_whole_and_leaves_the_base_as_it_was(pkg, monkeypatch):
    """Settings that draw beyond the highlighted artists' extents (a legend's shadow): the report's PNG is the whole
    drawing, and the next report's PNG is the same whether or not one was drawn from the same base before it."""
    whole = []
    whole_png = scorecard_charts._whole_png
    monkeypatch.setattr(scorecard_charts, "_whole_png", lambda pixels, dpi: whole.append(pixels.copy()) or
                        whole_png(pixels, dpi))
    tables = {geo: scorecard.cross_province_panels(pkg, geo, "en")["dti_rank_basis_63"]
              for geo in ("vinh-phuc", "ha-noi")}
    arguments = dict(kind="rank", title="DTI", unit="rank", lang="en")
    with plt.rc_context({"legend.shadow": True}):
        scorecard_charts._panel_base.cache_clear()
        cold = scorecard_charts.panel_png(tables["ha-noi"], **arguments)[0]
        scorecard_charts.panel_png(tables["vinh-phuc"], **arguments)
        warm = scorecard_charts.panel_png(tables["ha-noi"], **arguments)[0]
        base = scorecard_charts._panel_base.cache_info()
    assert warm == cold and base.misses == 1 and len(whole) == 3
    shadow = whole[0]
    decoded = np.asarray(Image.open(io.BytesIO(cold)).convert("RGB"), dtype=int)
    assert np.abs(decoded - shadow[..., :3]).max() <= 16


def test_the_panel_base_is_keyed_by_content(pkg):
    table = scorecard.cross_province_panels(pkg, "vinh-phuc", "en")["dti_rank_basis_34"]
    arguments = dict(kind="rank", title="DTI", unit="rank", lang="en", sources=["MIC"])
    scorecard_charts._panel_base.cache_clear()
    first, _ = scorecard_charts.panel_png(table, **arguments)
    changed = table.copy()
    changed.loc[changed.index[0], "value"] = changed["value"].max() + 5  # another figure for one unit
    second, _ = scorecard_charts.panel_png(changed, **arguments)
    assert scorecard_charts._panel_base.cache_info().misses == 2 and first != second
    renamed, _ = scorecard_charts.panel_png(table, **{**arguments, "title": "DTI rank"})
    assert scorecard_charts._panel_base.cache_info().misses == 3 and renamed != first
    with plt.rc_context({"axes.edgecolor": "red"}):  # other matplotlib settings, another base
        scorecard_charts.panel_png(table, **arguments)
    assert scorecard_charts._panel_base.cache_info().misses == 4
    again, _ = scorecard_charts.panel_png(table, **arguments)
    assert again == first and scorecard_charts._panel_base.cache_info().misses == 4
