"""Shared figure style: colour-blind-safe palette, labels in the report's language, source footnotes.

Every nq57 figure uses ``new_figure`` and ``add_footnote`` so that units, titles and sources look
the same in every report, in print (greyscale-distinguishable line styles) and on screen.
"""

from __future__ import annotations

from typing import Iterable

import matplotlib.pyplot as plt  # the backend is the caller's: inline in a notebook, Agg when headless

from ..errors import check_choice
from ..formatting import LANGS
from ..text import section

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#8C8C8C",
}
# Cycle used for scenario lines: colour and dash pattern both differ, so print in greyscale still works.
SERIES_STYLES = [
    {"color": PALETTE["blue"], "linestyle": "-"},
    {"color": PALETTE["vermillion"], "linestyle": "--"},
    {"color": PALETTE["green"], "linestyle": "-."},
    {"color": PALETTE["purple"], "linestyle": ":"},
    {"color": PALETTE["orange"], "linestyle": (0, (5, 1, 1, 1))},
    {"color": PALETTE["sky"], "linestyle": (0, (3, 1, 1, 1, 1, 1))},
]
# Marker per source status, so history points show how firm each figure is.
STATUS_MARKERS = {"official": "o", "preliminary": "s", "estimate": "^", "plan": "D"}

# One style per scenario id, the same in every report, panel and language (issue 21): the one place that
# maps a scenario to its colour. Within a notebook no two scenarios share a colour; colour and dash both
# differ, so print in greyscale still tells them apart. Ids: the digital-economy report's scenario methods
# (``digital_economy_charts.scenario_id``) and the budget report's scenarios (``floor_cost.SCENARIOS`` and
# the floors compared beside them, ``budget_floor.default_floors``).
SCENARIO_STYLES = {
    # digital-economy share
    "target_path": {"color": PALETTE["vermillion"], "linestyle": "--"},
    "current_trend": {"color": PALETTE["blue"], "linestyle": "-"},
    "damped": {"color": PALETTE["green"], "linestyle": "-."},
    "logistic": {"color": PALETTE["purple"], "linestyle": ":"},
    "decomposition": {"color": PALETTE["orange"], "linestyle": (0, (5, 1, 1, 1))},
    "ets": {"color": PALETTE["sky"], "linestyle": (0, (3, 1, 1, 1, 1, 1))},
    "relative": {"color": PALETTE["black"], "linestyle": (0, (1, 1))},
    "linear": {"color": PALETTE["grey"], "linestyle": (0, (4, 2))},
    "median": {"color": "#0B3C5D", "linestyle": (0, (2, 1))},  # the fan's median: darker than its bands
    # S&T budget floor
    "floor": {"color": PALETTE["blue"], "linestyle": "-"},
    "ramp": {"color": PALETTE["vermillion"], "linestyle": "--"},
    "status_quo": {"color": PALETTE["green"], "linestyle": "-."},
    "national_floor": {"color": PALETTE["purple"], "linestyle": ":"},
    "vinh_phuc_floor": {"color": PALETTE["orange"], "linestyle": (0, (5, 1, 1, 1))},
    "capacity": {"color": PALETTE["grey"], "linestyle": (0, (1, 2))},
}
# A scenario of the researcher's own (an id not above) gets one of these, chosen by its id's checksum: the
# same id, the same style in every report.
OTHER_SCENARIO_STYLES = [
    {"color": PALETTE["sky"], "linestyle": (0, (3, 1, 1, 1, 1, 1))},
    {"color": PALETTE["black"], "linestyle": (0, (1, 1))},
    {"color": PALETTE["yellow"], "linestyle": "--"},
    {"color": PALETTE["grey"], "linestyle": "-"},
    {"color": PALETTE["green"], "linestyle": (0, (5, 2))},
    {"color": PALETTE["purple"], "linestyle": "-"},
]


def scenario_style(scenario_id: str) -> dict:
    """The line style (``color``, ``linestyle``) of a scenario, by its id: the same in every report."""
    import zlib

    if scenario_id in SCENARIO_STYLES:
        return dict(SCENARIO_STYLES[scenario_id])
    return dict(OTHER_SCENARIO_STYLES[zlib.crc32(str(scenario_id).encode("utf-8")) % len(OTHER_SCENARIO_STYLES)])


def scenario_colour(scenario_id: str) -> str:
    """The colour of a scenario, by its id (:func:`scenario_style`)."""
    return scenario_style(scenario_id)["color"]


# What a chart may hold, so it reads at a glance (issue 21): at most this many lines a panel, each labelled
# at its end, and no text smaller than MIN_TEXT_PX on a 1280 px screen.
MAX_LINES_PER_PANEL = 6
MIN_TEXT_PX = 10.0
# The width, in CSS px, an image may take in a report at a 1280 px window (measured in headless Chromium:
# the lab template's output area, code and prompts hidden); a wider PNG is scaled down to it
# (``max-width: 100%``), a narrower one is shown at its own size (one PNG px a CSS px).
REPORT_IMAGE_WIDTH_PX = 1200.0  # measured: 1,219 px (Chromium, 1280 × 1000 window); 1,200 leaves a margin


def screen_scale(fig) -> float:
    """CSS px a PNG px of ``fig`` takes in a report at a 1280 px window (1, or less for a wide figure)."""
    return min(1.0, REPORT_IMAGE_WIDTH_PX / (fig.get_figwidth() * fig.dpi))


def screen_px(fig, size_pt: float) -> float:
    """How tall ``size_pt`` (a font size in points) is on a 1280 px screen, in CSS px."""
    return size_pt * fig.dpi / 72.0 * screen_scale(fig)


def set_message(fig, text: str) -> None:
    """Give ``fig`` its text alternative: what the chart says, in the report's language (read by
    ``report_view.figure_alt``)."""
    fig.nq57_message = " ".join(str(text).split())


def message(fig) -> str:
    """The text alternative set by :func:`set_message` ('' if none)."""
    return getattr(fig, "nq57_message", "")

def label(key: str, lang: str, extra: dict | None = None) -> str:
    """Return the label ``key`` in ``lang`` ('en' or 'vi'): from ``extra`` first, then the ``[charts]``
    section of the locale files, then the status labels of the data package (official, plan, ...)."""
    check_choice("lang", lang, LANGS)
    if extra and key in extra:
        return extra[key][lang]
    shared = section("charts", lang)
    if key in shared:
        return shared[key]
    from ..data_texts import label as data_label  # lazy: the data package loads pandas

    return data_label("status", key, lang)


def apply_style() -> None:
    """Set rcParams for readable print output (sizes in points, light grid, no top/right spines)."""
    plt.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 200, "font.size": 10, "axes.titlesize": 12,
        "axes.labelsize": 10, "legend.fontsize": 9, "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none",
    })


def new_figure(width: float = 8.0, height: float = 4.8):
    """Return ``(fig, ax)`` with the nq57 style applied."""
    apply_style()
    return plt.subplots(figsize=(width, height), layout="constrained")


# The figure's content keeps this white margin on every side (what ``savefig(bbox_inches='tight')`` gave
# with its default pad); a figure legend placed by ``add_footnote`` sits this far above the footnote.
MARGIN_IN = 0.1
LEGEND_GAP_IN = 0.05
FOOTNOTE_WIDTH_CHARS = 150  # at most this many characters a line, fewer where the figure is narrower
FOOTNOTE_STYLE = {"fontsize": 7, "color": "#333333"}


def add_footnote(fig, lines: Iterable[str], lang: str, legend=None) -> None:
    """Write a source footnote under the axes (wrapped to the figure's width, small, left-aligned), inside
    the figure, and lay the figure out around it.

    The figure grows by the footnote's height (the axes keep their height), its constrained layout is
    confined above the footnote, and its content keeps a margin of ``MARGIN_IN`` on every side: one
    layout and one draw show everything, without a ``bbox_inches='tight'`` pass
    (``report_view.figure_png``). ``legend``, a figure legend (``loc="lower center", borderaxespad=0``),
    is placed centred between the axes and the footnote. Call it last, when everything else is on the figure.
    """
    check_choice("lang", lang, LANGS)
    from matplotlib.backends.backend_agg import RendererAgg

    engine = fig.get_layout_engine()
    if engine is None or "w_pad" not in engine.get():
        raise ValueError("add_footnote expects a figure with constrained layout (new_figure)")
    width_in, height_in = fig.get_size_inches()
    renderer = RendererAgg(1, 1, fig.dpi)  # measures text; text sizes do not depend on the canvas size
    bottom = 0.0  # inches from the bottom edge up to the layout area
    paragraphs = [line for line in lines if line and line.strip()]
    if paragraphs:
        note = fig.text(MARGIN_IN, MARGIN_IN, "", ha="left", va="bottom", transform=fig.dpi_scale_trans,
                        **FOOTNOTE_STYLE)
        usable = (width_in - 2 * MARGIN_IN) * fig.dpi
        note.set_text("\n".join(_wrap(note, paragraph, usable, renderer) for paragraph in paragraphs))
        bottom = MARGIN_IN + note.get_window_extent(renderer).height / fig.dpi
    if legend is not None:
        bottom += LEGEND_GAP_IN if paragraphs else MARGIN_IN
        legend.set_bbox_to_anchor((width_in / 2, bottom), transform=fig.dpi_scale_trans)
        bottom += legend.get_window_extent(renderer).height / fig.dpi
    new_height = height_in + bottom
    fig.set_size_inches(width_in, new_height)
    side = (MARGIN_IN - float(engine.get()["w_pad"])) / width_in  # the layout keeps w_pad inside its area
    engine.set(h_pad=MARGIN_IN, rect=(side, bottom / new_height, 1 - 2 * side, 1 - bottom / new_height))


def figure_title(fig, text: str) -> None:
    """A title over all the figure's axes, left-aligned at the margin ``add_footnote`` keeps."""
    fig.suptitle(text, x=MARGIN_IN / fig.get_figwidth(), ha="left")


def _wrap(note, paragraph: str, width_px: float, renderer) -> str:
    """``paragraph`` in lines of at most FOOTNOTE_WIDTH_CHARS characters, each narrower than ``width_px``
    as ``note`` draws it: a paragraph too wide is wrapped again in as many lines as it needs, of about
    even length (no one-word stub left over)."""
    import math
    import textwrap

    def width(line: str) -> float:
        note.set_text(line)
        return note.get_window_extent(renderer).width

    chars = FOOTNOTE_WIDTH_CHARS
    while True:
        lines = textwrap.wrap(paragraph, chars)
        widest = max(lines, key=width)
        if chars <= 20 or width(widest) <= width_px:
            return "\n".join(lines)
        capacity = int(len(widest) * width_px / width(widest))  # characters a line holds, about
        even = math.ceil(len(paragraph) / math.ceil(len(paragraph) / capacity)) + 8  # lines of even length
        chars = max(20, min(chars - 1, capacity, even))


END_LABEL_PT = 9.0  # labels at line ends (13.75 px at a figure's own size, 110 dpi)


def label_line_ends(ax, ends, fontsize: float = END_LABEL_PT) -> list:
    """Label lines at their ends instead of in a legend: ``ends`` holds ``(x, y, text, colour)`` per line, the
    line's last point, its label and colour. Each label sits just right of its point in the line's colour;
    labels of ends that lie close are moved apart vertically when the figure is drawn (never off the axes'
    height), so none covers another. Returns the labels (matplotlib Annotations)."""
    from matplotlib.artist import Artist

    labels = [ax.annotate(text, (x, y), xytext=(9, 0), textcoords="offset points", ha="left", va="center",
                          fontsize=fontsize, color=colour, annotation_clip=False)
              for x, y, text, colour in ends]

    class _Apart(Artist):
        """Drawn before the labels (lowest zorder): sets each label's vertical offset from its final
        on-screen position, which is known only once the layout has run."""

        zorder = -100

        def draw(self, renderer):
            spread_labels(labels, renderer)

        def get_window_extent(self, renderer=None):
            from matplotlib.transforms import Bbox

            return Bbox.null()

    if labels:
        apart = _Apart()
        apart.set_in_layout(False)
        ax.add_artist(apart)
    return labels


def spread_labels(labels, renderer, pad_px: float = 1.0) -> None:
    """Offset ``labels`` (annotations anchored at line ends, ``va='center'``) vertically so that no two
    overlap: in the order of their anchors, each at least half their heights plus ``pad_px`` apart,
    all within the axes' height."""
    if not labels:
        return
    ax = labels[0].axes
    to_pt = 72.0 / renderer.dpi
    anchors = [float(ax.transData.transform(label.xy)[1]) for label in labels]
    heights = []
    for label in labels:
        label.xyann = (label.xyann[0], 0.0)
        heights.append(label.get_window_extent(renderer).height)
    order = sorted(range(len(labels)), key=lambda i: anchors[i])
    low, high = ax.bbox.y0, ax.bbox.y1
    y = {}
    for k, i in enumerate(order):  # upwards: never below the one under it
        want = max(anchors[i], low + heights[i] / 2)
        if k:
            j = order[k - 1]
            want = max(want, y[j] + (heights[i] + heights[j]) / 2 + pad_px)
        y[i] = want
    for k in range(len(order) - 1, -1, -1):  # then down from the top: never above the axes
        i = order[k]
        cap = high - heights[i] / 2
        if k < len(order) - 1:
            j = order[k + 1]
            cap = min(cap, y[j] - (heights[i] + heights[j]) / 2 - pad_px)
        y[i] = min(y[i], cap)
    for i, label in enumerate(labels):
        label.xyann = (label.xyann[0], (y[i] - anchors[i]) * to_pt)
