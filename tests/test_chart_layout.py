"""Every kind of nq57 figure, drawn as a report shows it (``report_view.figure_png``: one layout, one draw,
no tight-bbox crop), keeps every title, tick label, legend, value label and footnote inside the figure, in
both languages; the footnote and bottom legends sit below the axes without overlapping them."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from nq57lib import data_package, scorecard  # noqa: E402
from nq57lib.charts.chart_style import MARGIN_IN, add_footnote, new_figure  # noqa: E402
from nq57lib.charts.digital_economy_charts import plot_share_outlook  # noqa: E402
from nq57lib.report_view import figure_png, show  # noqa: E402
from test_budget_floor import params, run_steps  # noqa: E402
from test_chart_glance import N_PATHS  # noqa: E402
from test_digital_economy import build  # noqa: E402
from test_digital_economy_charts import TARGETS, VINH_PHUC  # noqa: E402

LANGS = ("en", "vi")
# On the worker of test_chart_glance, which runs first: the reports and the scorecard's panel bases it made are
# reused here (notebook_steps keeps reports per test process; scorecard_charts keeps bases by content).
pytestmark = pytest.mark.xdist_group("chart-glance")


@pytest.fixture(scope="module")
def pkg():
    return data_package.load_package(use_env=False)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def drawn_texts(fig) -> list[Text]:
    """The figure's visible, non-empty texts, without the labels of ticks outside their axis' view."""
    off_view = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not low - slack <= loc <= high + slack:
                    off_view.update({id(tick.label1), id(tick.label2)})
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in off_view]


def footnote(fig) -> Text:
    notes = [t for t in fig.texts if t.get_text() != fig.get_suptitle()]
    assert len(notes) == 1, "one footnote per figure"
    return notes[0]


def check_layout(fig) -> bytes:
    """Draw ``fig`` as a report does, then: every drawn text and legend inside the figure (1 px slack),
    the footnote below every axes and bottom legend, the PNG exactly the figure's size. Returns the PNG."""
    png = figure_png(fig)
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    outside = []
    for artist in drawn_texts(fig) + legends:
        extent = artist.get_window_extent(renderer)
        if extent.x0 < box.x0 - 1 or extent.y0 < box.y0 - 1 or extent.x1 > box.x1 + 1 or extent.y1 > box.y1 + 1:
            name = artist.get_text() if isinstance(artist, Text) else type(artist).__name__
            outside.append(f"{name[:60]!r}: {extent.bounds} not in {box.bounds}")
    assert outside == []
    note = footnote(fig).get_window_extent(renderer)
    for ax in fig.axes:
        assert note.y1 <= ax.get_tightbbox(renderer).y0 + 1, "the footnote overlaps an axes' labels"
    for legend in fig.legends:  # a figure legend sits between the axes and the footnote
        extent = legend.get_window_extent(renderer)
        assert note.y1 <= extent.y0 + 1 and all(extent.y1 <= ax.get_tightbbox(renderer).y0 + 1 for ax in fig.axes)
    margin_px = MARGIN_IN * fig.dpi
    assert note.x0 == pytest.approx(margin_px, abs=1) and note.y0 == pytest.approx(margin_px, abs=1)
    width, height = Image.open(io.BytesIO(png)).size
    assert abs(width - box.width) < 1 and abs(height - box.height) < 1  # no crop, no added border
    return png


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("geo", ["vinh-phuc", "phu-tho-2025"])
def test_scorecard_panels_fit_in_their_figures(pkg, geo, lang):
    panels = scorecard.cross_province_panels(pkg, geo, lang)
    charts = scorecard.panel_charts(pkg, panels, lang)
    assert len(charts) >= 3  # value and rank panels
    for chart in charts:
        fig = chart.figure()  # the chart its PNG shows, drawn whole
        png = check_layout(fig)
        assert Image.open(io.BytesIO(chart.png)).size == Image.open(io.BytesIO(png)).size


@pytest.mark.parametrize("lang", LANGS)
def test_digital_economy_figures_fit_in_their_figures(pkg, lang):
    report = build(pkg, "vinh-phuc", lang=lang, n_paths=N_PATHS)
    assert set(report.figures) == {"outlook", "tornado"}
    for make in report.figures.values():
        check_layout(make())
    check_layout(plot_share_outlook(VINH_PHUC, targets=TARGETS, lang=lang, footnotes=["Extra note."]))


@pytest.mark.parametrize("lang", LANGS)
def test_budget_figures_fit_in_their_figures(pkg, lang):
    report = run_steps(params(geo="vinh-phuc", lang=lang), pkg)
    assert set(report.figures) == {"spending", "cumulative_gap", "sensitivity"}
    for make in report.figures.values():
        check_layout(make())


def test_a_long_footnote_wraps_to_a_narrow_figure():
    fig, ax = new_figure(4.0, 3.0)
    ax.plot([0, 1], [0, 1])
    words = "Vĩnh Phúc, Cục Thống kê tỉnh Vĩnh Phúc; Ministry of Information and Communications (DTI portal); "
    add_footnote(fig, [words * 6, "Short line."], "vi")
    check_layout(fig)
    lines = footnote(fig).get_text().split("\n")
    assert len(lines) > 7 and lines[-1] == "Short line."
    assert " ".join(lines[:-1]).split() == (words * 6).split()  # wrapped, no word lost


def test_figure_png_is_savefig_in_one_pass_and_keeps_the_layout_engine():
    def make():
        fig, ax = new_figure()
        ax.plot([2025, 2045], [3, 15], label="floor")
        ax.legend()
        add_footnote(fig, ["Source: test."], "en")
        return fig

    fig = make()
    engine = fig.get_layout_engine()
    png = figure_png(fig)
    assert fig.get_layout_engine() is engine
    other = make()
    buffer = io.BytesIO()
    other.savefig(buffer, format="png", dpi=other.dpi)
    assert png == buffer.getvalue()


def test_show_displays_the_png_once_and_closes_the_figure(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append((objs, kw)))
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    ax.set_title("Share of GRDP, observed and paths to 2045")
    add_footnote(fig, ["Source: test."], "en")
    size = fig.get_size_inches() * fig.dpi
    show(fig)
    [((bundle,), kw)] = shown
    assert kw["raw"] is True and bundle["text/plain"].startswith("<Figure size")
    assert "Share of GRDP, observed and paths to 2045" in kw["metadata"]["image/png"]["alt"]  # not "figure 1"
    image = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert image.format == "PNG" and abs(image.size[0] - size[0]) < 1 and abs(image.size[1] - size[1]) < 1
    assert not plt.fignum_exists(fig.number)


def test_a_blank_footnote_line_is_skipped():
    fig, _ = new_figure()
    add_footnote(fig, ["   ", "Source: somebody."], "en")
    texts = [t.get_text() for t in fig.texts]
    assert texts == ["Source: somebody."]
    plt.close(fig)
