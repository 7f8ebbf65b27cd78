"""Cross-province panel figure of the scorecard: one sorted horizontal bar chart per table.

The reader's question is "where does my province stand?", so the report's geography and the units
related to it (old provinces of a merged unit, the successor of an old province) are drawn in their
own colours and hatching (distinguishable in colour-blind vision and in greyscale print), their names in
bold, the best unit is at the top, and the footnote names the sources. The bars are drawn with seaborn
(``barplot``, one bar a unit, coloured by role).

A panel is the same for every geography but for its highlighted rows, and drawing 60 or 200 labelled bars
is most of a scorecard's time (issue 26). So :func:`panel_png` draws a panel's *base* once per content
(every unit in its plain colour: the nation blue, the others grey) and keeps it (``_panel_base``, an
``lru_cache`` keyed by the panel's whole content and matplotlib's settings, from which alone it is drawn;
kept between the notebooks of a warm kernel, ``fresh_namespace.KEPT_CACHES``) with its pixels and those pixels
quantized to a palette. Each report then draws over the base's pixels only its highlighted bars, their names in
bold and the legend, quantizes only the boxes it drew in (a few rows and the legend, whatever the panel's size)
into a copy of the base's quantized image, and puts the base's pixels back, checking that it drew nowhere else
(else, as under settings such as a legend shadow, the whole image is quantized). The layout is set with every
name in bold, so a bold name always has room. The same content and settings give the same base, so a report's
PNG is the same bytes whether the base was drawn for it or for an earlier report.
:func:`plot_panel` returns the same chart as a matplotlib Figure.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd
from matplotlib.patches import Patch

from ..errors import ParameterError, check_choice
from ..formatting import format_number
from ..text import bilingual
from .chart_style import LANGS, PALETTE, add_footnote, apply_style, figure_title, label, set_message

_LABELS = bilingual("charts.scorecard")
_ALT = bilingual("charts.alt")
# Role -> bar style. Vermillion and orange differ in hue and lightness; hatching keeps them apart in print.
_STYLES = {
    "geography": {"color": PALETTE["vermillion"], "hatch": ""},
    "old unit": {"color": PALETTE["orange"], "hatch": "//"},
    "successor": {"color": PALETTE["orange"], "hatch": "//"},
    "nation": {"color": PALETTE["blue"], "hatch": ""},
    "other": {"color": PALETTE["grey"], "hatch": ""},
}
HIGHLIGHTS = ("geography", "old unit", "successor")
_REQUIRED = ("geo_id", "name", "value", "highlight")
NAME_PT, VALUE_PT, LEGEND_PT = 8.0, 7.0, 9.0  # 12.2, 10.7 and 13.8 px at the figure's own size (110 dpi)


def _text(key: str, lang: str) -> str:
    return label(key, lang, _LABELS)


def _role(row) -> str:
    if row.highlight:
        return row.highlight
    return "nation" if getattr(row, "level", "") == "nation" else "other"


@dataclass(frozen=True)
class _Content:
    """Everything a panel's base is drawn from (hashable: the cache key)."""

    kind: str
    title: str
    axis_label: str
    lang: str
    rows: tuple  # (geo_id, name, value, is_nation) per row, best first
    footnote: tuple
    settings: str  # digest of matplotlib's rcParams when drawn


def _check(table: pd.DataFrame, kind: str, lang: str) -> tuple[str, str]:
    lang = check_choice("lang", lang, LANGS)
    kind = check_choice("kind", kind, ("rank", "value"))
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in _REQUIRED):
        raise ParameterError("table", f"expected a DataFrame with columns {', '.join(_REQUIRED)}")
    if table.empty:
        raise ParameterError("table", "has no rows to draw")
    return kind, lang


def _content(table: pd.DataFrame, kind: str, title: str, unit: str, lang: str, sources: Iterable[str],
             footnotes: Iterable[str]) -> tuple[_Content, pd.DataFrame]:
    import matplotlib as mpl

    rows = table.sort_values("value", ascending=(kind == "rank"), kind="mergesort").reset_index(drop=True)
    levels = rows["level"] if "level" in rows.columns else pd.Series("", index=rows.index)
    if kind == "rank":
        out_of = table["rank_out_of"].dropna() if "rank_out_of" in table else pd.Series(dtype=float)
        axis_label = (_text("rank_axis", lang).format(n=int(out_of.max())) if not out_of.empty
                      else _text("rank_axis_plain", lang))
    else:
        axis_label = _text("value_axis", lang).format(unit=unit)
    items = [s for s in sources if s]
    lines = [f"{label('sources' if len(items) > 1 else 'source', lang)}: {'; '.join(items)}."] if items else []
    apply_style()
    settings = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in mpl.rcParams.items())).encode()).hexdigest()
    content = _Content(kind, str(title), axis_label, lang,
                       tuple((str(g), str(n), float(v), lv == "nation")
                             for g, n, v, lv in zip(rows["geo_id"], rows["name"], rows["value"], levels)),
                       tuple(lines + [str(f) for f in footnotes]), settings)
    return content, rows


# Palette entries a report's highlighted rows and legend may take, beside the base's (at most 256 in all).
OVERLAY_COLOURS = 64


@dataclass
class _Base:
    """A panel drawn once in its plain colours, and kept: each report draws its highlight over ``renderer``'s
    pixels and puts them back from ``pixels`` after. Used by one thread at a time (a kernel runs one cell)."""

    figure: Any
    bars: list
    names: list
    renderer: Any  # the drawn base (matplotlib RendererAgg)
    pixels: Any  # a copy of its RGBA pixels (numpy, rows top first)
    indices: Any  # the pixels in at most 256 - OVERLAY_COLOURS colours: palette indices (numpy); None if not opaque
    palette: list | None  # their palette (flat R, G, B list)


def _draw(content: _Content):
    """The panel's figure (outside pyplot: never shown by a notebook by itself), every bar in its plain
    colour, laid out with every name in bold; returns ``(figure, bars, name labels)``, rows in order."""
    import seaborn as sns
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(content.rows)
    height = max(2.6, 0.9 + 0.19 * n)
    fig = Figure(figsize=(8.0, height), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    frame = pd.DataFrame({"row": [str(i) for i in range(n)], "value": [r[2] for r in content.rows],
                          "role": ["nation" if r[3] else "other" for r in content.rows]})
    sns.barplot(frame, x="value", y="row", hue="role", palette={k: _STYLES[k]["color"] for k in ("nation", "other")},
                order=frame["row"], orient="h", dodge=False, legend=False, errorbar=None, width=0.72,
                edgecolor=PALETTE["black"], linewidth=0.4, saturation=1.0, ax=ax)
    by_row = {}
    for bar in ax.patches:  # seaborn draws the bars of each colour in turn: find each row's bar by its place
        if pd.notna(bar.get_width()):
            by_row.setdefault(int(round(bar.get_y() + bar.get_height() / 2)), bar)
    bars = [by_row[i] for i in range(n)]
    ax.set_yticks(range(n), [r[1] for r in content.rows], fontsize=NAME_PT)
    ax.set_ylabel("")
    top = max(r[2] for r in content.rows)
    for i, row in enumerate(content.rows):
        ax.text(row[2] + top * 0.01, i, format_number(row[2], content.lang, 0 if content.kind == "rank" else 2),
                va="center", fontsize=VALUE_PT)
    ax.set_xlim(0, top * 1.1)
    ax.set_ylim(n - 0.3, -0.7)  # the first row (the best) at the top
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)  # grid under the bars: a bar highlighted over the base covers it, as in the whole figure
    ax.set_xlabel(content.axis_label)
    figure_title(fig, content.title)
    add_footnote(fig, list(content.footnote), content.lang)
    names = [tick.label1 for tick in ax.yaxis.get_major_ticks()[:n]]
    for name in names:  # the layout leaves room for any name in bold
        name.set_fontweight("bold")
    engine = fig.get_layout_engine()
    engine.execute(fig)
    fig.set_layout_engine(None)
    for name in names:
        name.set_fontweight("normal")
    return fig, bars, names


@functools.lru_cache(maxsize=16)
def _panel_base(content: _Content) -> _Base:
    """The panel drawn once for ``content`` (its cache key): the figure, its renderer, a copy of its pixels and
    those pixels quantized."""
    import numpy as np
    from matplotlib.backends.backend_agg import RendererAgg

    fig, bars, names = _draw(content)
    renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    fig.draw(renderer)
    pixels = np.asarray(renderer.buffer_rgba()).copy()
    if not (pixels[..., 3] == 255).all():
        return _Base(fig, bars, names, renderer, pixels, None, None)
    image = _quantized(pixels, 256 - OVERLAY_COLOURS)
    return _Base(fig, bars, names, renderer, pixels, np.asarray(image), image.getpalette())


def _highlight(fig, bars, names, roles: list[str], lang: str, kind: str) -> list:
    """Give the highlighted rows their role's colour, hatching and bold name, add the legend of the roles
    shown; returns the artists changed (bars, names, legend), to draw."""
    changed = []
    for bar, name, role in zip(bars, names, roles):
        if role in HIGHLIGHTS:
            bar.set_facecolor(_STYLES[role]["color"])
            bar.set_hatch(_STYLES[role]["hatch"])
            name.set_fontweight("bold")
            changed += [bar, name]
    present = list(dict.fromkeys(roles))
    handles = [Patch(facecolor=_STYLES[r]["color"], hatch=_STYLES[r]["hatch"], edgecolor=PALETTE["black"],
                     linewidth=0.4, label=_text(r, lang)) for r in (*HIGHLIGHTS, "nation", "other") if r in present]
    # Short bars leave room: at the top for ranks (rank 1 first), at the bottom for values.
    legend = fig.axes[0].legend(handles=handles, loc="upper right" if kind == "rank" else "lower right",
                                frameon=True, framealpha=0.9, fontsize=LEGEND_PT)
    return changed + [legend]


def _plain(bars, names, content: _Content) -> None:
    """Back to the base's plain style (after a report's highlight)."""
    for bar, name, row in zip(bars, names, content.rows):
        bar.set_facecolor(_STYLES["nation" if row[3] else "other"]["color"])
        bar.set_hatch(None)
        name.set_fontweight("normal")
    legend = bars[0].axes.get_legend()
    if legend is not None:
        legend.remove()


def _roles(rows: pd.DataFrame) -> list[str]:
    return [_role(r) for r in rows.itertuples()]


def plot_panel(table: pd.DataFrame, *, kind: str, title: str, unit: str = "", lang: str = "en",
               sources: Iterable[str] = (), footnotes: Iterable[str] = ()):
    """Draw one cross-province table as a sorted horizontal bar chart and return the Figure.

    ``table`` has the scorecard panel columns (``geo_id``, ``name``, ``value``, ``highlight``, and
    optionally ``level`` and ``rank_out_of``). ``kind`` is 'rank' (bar length = rank, rank 1 at the
    top) or 'value' (highest at the top). ``highlight`` holds 'geography', 'old unit', 'successor'
    or '' per row; the nation's row (``level`` 'nation') has its own colour. The figure's text
    alternative says where the highlighted units stand (``chart_style.set_message``).
    """
    kind, lang = _check(table, kind, lang)
    content, rows = _content(table, kind, title, unit, lang, sources, footnotes)
    fig, bars, names = _draw(content)
    _highlight(fig, bars, names, _roles(rows), lang, kind)
    set_message(fig, panel_message(rows, kind, title, lang))
    return fig


def panel_png(table: pd.DataFrame, *, kind: str, title: str, unit: str = "", lang: str = "en",
              sources: Iterable[str] = (), footnotes: Iterable[str] = ()) -> tuple[bytes, str]:
    """The chart of :func:`plot_panel` as PNG bytes, and its text alternative: the panel's base drawn once per
    content and kept (``_panel_base``), its highlighted rows and legend drawn over the base's pixels, which are
    put back after. Only the boxes those are drawn in are quantized, into a copy of the base's quantized image,
    so a report's cost barely grows with the panel's rows (issue 26; what still grows is the PNG's compression
    and one comparison of the pixels). Where the drawing reached beyond its boxes (matplotlib settings such as a
    legend shadow or wide edge lines), the whole image is quantized instead."""
    import numpy as np

    kind, lang = _check(table, kind, lang)
    content, rows = _content(table, kind, title, unit, lang, sources, footnotes)
    base = _panel_base(content)
    fig, renderer = base.figure, base.renderer
    pixels = np.asarray(renderer.buffer_rgba())
    clean = False  # whether ``pixels`` are the base's again
    try:
        changed = _highlight(fig, base.bars, base.names, _roles(rows), lang, kind)
        changed += [spine for spine in fig.axes[0].spines.values() if spine.get_visible()]  # over the bars, as drawn
        boxes = [_box(artist.get_window_extent(renderer), pixels.shape, OVERLAY_PAD) for artist in changed]
        face = np.round(np.array(fig.get_facecolor()) * 255).astype(np.uint8)
        for artist in changed:
            if artist in base.names:  # the plain name goes (the page over the bold one's wider box) before it is drawn
                pixels[_box(artist.get_window_extent(renderer), pixels.shape, 1)] = face
        for artist in changed:
            artist.draw(renderer)
        drawn = [(box, pixels[box].copy()) for box in boxes if pixels[box].size]
        for box, _ in drawn:
            pixels[box] = base.pixels[box]
        clean = np.array_equal(pixels.view(np.uint32), base.pixels.view(np.uint32))  # nothing drawn outside them
        if clean and base.indices is not None:
            png = _overlaid_png(base, drawn, fig.dpi)
        else:
            clean = False
            for box, part in drawn:
                pixels[box] = part
            png = _whole_png(pixels, fig.dpi)
    finally:
        if not clean:
            pixels[...] = base.pixels
        _plain(base.bars, base.names, content)
    return png, panel_message(rows, kind, title, lang)


# Pixels around an artist's extent that its drawing may reach with matplotlib's default settings (antialiasing,
# edge lines); tests/test_chart_glance.py checks that the default reports' highlights draw nowhere else.
OVERLAY_PAD = 3


def _box(extent, shape: tuple, pad: int) -> tuple[slice, slice]:
    """The rows (top first) and columns of pixels of a display-space extent, ``pad`` pixels wider each way."""
    import math

    height, width = shape[:2]
    top, bottom = height - math.ceil(extent.y1) - pad, height - math.floor(extent.y0) + pad
    left, right = math.floor(extent.x0) - pad, math.ceil(extent.x1) + pad
    return (slice(max(top, 0), max(min(bottom, height), 0)), slice(max(left, 0), max(min(right, width), 0)))


def _overlaid_png(base: _Base, drawn: list, dpi: float) -> bytes:
    """The PNG of the base's quantized image with the pixels ``drawn`` ((box, RGBA pixels) where a report drew)
    in at most ``OVERLAY_COLOURS`` colours of their own: a panel's flat bars, text and hatching need about as
    many in all as a palette holds, so a few antialiased edge pixels move to the nearest colour. About a third
    of the bytes of full colour, and quicker."""
    import numpy as np
    from PIL import Image

    indices, palette = base.indices.copy(), list(base.palette)
    if drawn:
        overlay = _quantized(np.concatenate([part.reshape(-1, 4) for _, part in drawn])[None], OVERLAY_COLOURS)
        offset = len(palette) // 3
        assert offset + len(overlay.getpalette()) // 3 <= 256, "palette over 256 colours"
        placed, start = np.asarray(overlay)[0] + offset, 0
        for box, part in drawn:
            end = start + part.shape[0] * part.shape[1]
            indices[box] = placed[start:end].reshape(part.shape[:2])
            start = end
        palette += overlay.getpalette()
    image = Image.fromarray(indices)  # one byte a pixel ("L"); its palette makes it "P"
    image.putpalette(palette)
    return _palette_png(image, dpi)


def _whole_png(pixels, dpi: float) -> bytes:
    """The PNG of the whole image: at most 256 colours when opaque (as :func:`_overlaid_png`), else full colour."""
    if (pixels[..., 3] == 255).all():
        return _palette_png(_quantized(pixels, 256), dpi)
    import io

    import matplotlib.image

    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, pixels, format="png", dpi=dpi)
    return buffer.getvalue()


def _palette_png(image, dpi: float) -> bytes:
    """A palette image's PNG bytes, at zlib level 3: as small as zlib's default for these panels, and quicker."""
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="png", dpi=(dpi, dpi), compress_level=3)
    return buffer.getvalue()


def _quantized(pixels, colours: int):
    """Opaque RGB(A) pixels in at most ``colours`` colours: a "P" PIL image, its flat colours exact."""
    import numpy as np
    from PIL import Image

    rgb = Image.fromarray(np.ascontiguousarray(pixels[..., :3]))
    image = rgb.quantize(colours, method=Image.Quantize.FASTOCTREE)
    _exact_flat_colours(image, rgb)
    return image


def _exact_flat_colours(image, rgb) -> None:
    """Give each palette entry of ``image`` that lies within 3 levels of one of ``rgb``'s 64 commonest colours
    the commonest of them, exactly: the octree averages its buckets, which turned the white background 254 (a grey
    box on a white page), the bars' grey and the text's black each one level off."""
    import numpy as np

    colours = rgb.getcolors(1 << 16)  # (count, colour) of each colour; None beyond 65,536 colours
    if not colours:
        return
    common = np.array([colour for _, colour in sorted(colours, reverse=True)[:64]], dtype=int)
    palette = np.array(image.getpalette(), dtype=int).reshape(-1, 3)
    near = np.abs(palette[:, None, :] - common[None, :, :]).max(axis=2) <= 3
    close = near.any(axis=1)
    palette[close] = common[near.argmax(axis=1)[close]]  # the commonest near colour (``common`` is by count)
    image.putpalette(palette.astype("uint8").ravel().tolist())


def panel_message(rows: pd.DataFrame, kind: str, title: str, lang: str) -> str:
    """A panel's text alternative: where each highlighted unit stands (place among those listed, value), the
    first and last unit listed, and the nation's value where it is listed."""
    def value(v: float) -> str:
        return format_number(float(v), lang, 0 if kind == "rank" else 2)

    rows = rows.sort_values("value", ascending=(kind == "rank"), kind="mergesort").reset_index(drop=True)
    levels = rows["level"] if "level" in rows.columns else pd.Series("", index=rows.index)
    units = rows[levels != "nation"].reset_index(drop=True)
    parts = [str(title)]
    marked = units[units["highlight"].isin(HIGHLIGHTS)]
    parts += [_ALT["panel_place"][lang].format(name=r.name, place=i + 1, n=len(units), value=value(r.value))
              for i, r in zip(marked.index, marked.itertuples())]
    if not units.empty:
        first, last = units.iloc[0], units.iloc[-1]
        parts.append(_ALT["panel_ends"][lang].format(first=first["name"], first_value=value(first["value"]),
                                                    last=last["name"], last_value=value(last["value"])).rstrip("."))
    nation = rows[levels == "nation"]
    if not nation.empty:
        parts.append(_ALT["panel_nation"][lang].format(value=value(nation["value"].iloc[0])).rstrip("."))
    return ". ".join(parts) + "."
