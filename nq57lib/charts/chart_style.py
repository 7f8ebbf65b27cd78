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

def label(key: str, lang: str, extra: dict | None = None) -> str:
    """Return the label ``key`` in ``lang`` ('en' or 'vi'): from ``extra`` first, then the ``[charts]``
    section of the locale files, then the status labels of the data package (official, plan, ...)."""
    check_choice("lang", lang, LANGS)
    if extra and key in extra:
        return extra[key][lang]
    shared = section("charts", lang)
    if key in shared:
        return shared[key]
    from ..data import label as data_label  # lazy: the data package loads pandas

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
