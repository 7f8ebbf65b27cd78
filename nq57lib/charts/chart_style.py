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


def add_footnote(fig, lines: Iterable[str], lang: str) -> None:
    """Write a source footnote under the axes (wrapped, small, left-aligned)."""
    import textwrap

    text = "\n".join(textwrap.fill(line, 150) for line in lines if line)
    if text:
        fig.text(0.0, -0.01, text, ha="left", va="top", fontsize=7, color="#333333", wrap=True)
