"""Benchmark: drawing the reports' figures to PNG, the way the notebooks show them.

Run with the project's interpreter:  .venv/bin/python benchmarks/bench_charts.py [--repeat N]

What it times, per figure (median over ``--repeat`` fresh figures, after one warm-up round):

- *build*: the chart function that returns the Figure (``scorecard.panel_charts`` for the 4 cross-province
  panels; the digital-economy report's ``outlook`` and ``tornado``; the budget report's ``spending``,
  ``cumulative_gap`` and ``sensitivity``), for the default geographies of ``nq57 run`` (Vĩnh Phúc, the new
  Phú Thọ, the nation);
- *tight*: the PNG as IPython's inline formatter printed it when a notebook called ``display(fig)`` before
  (``IPython.core.pylabtools.print_figure`` with ``bbox_inches='tight'``: a layout pass, then the figure
  resized to the tight box and drawn again with a new renderer, so every label is measured twice);
- *one pass*: the PNG ``nq57lib.report_view.show`` displays now (``report_view.figure_png``: the layout
  engine run once and one draw, with one renderer, the footnote inside the figure).

The "before" code (footnote below the figure, drawn by matplotlib's ``wrap=True`` at draw time) is not
in this version: run this script on an older checkout's ``nq57lib`` (``PYTHONPATH=...``) for its times;
there *one pass* falls back to a plain ``savefig`` that cuts the footnote off.

Then, on the scorecard panels, what the PNG compression level and ``chart_style.apply_style`` cost.
The digital-economy and budget figures are taken from their notebooks, executed in-process up to the
report (the same cells papermill runs; ``show`` and ``display`` do nothing here).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

GEOS = ("vinh-phuc", "phu-tho-2025", "vn")  # the default geographies of nq57 run
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def tight_png(fig) -> bytes:
    """The PNG of ``display(fig)`` under matplotlib-inline's default settings (bbox_inches='tight')."""
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, fmt="png", bbox_inches="tight")


def one_pass_png(fig) -> bytes:
    try:
        from nq57lib.report_view import figure_png
    except ImportError:  # a version before figure_png: its footnote hangs below the figure, cut off here
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=fig.dpi)
        return buffer.getvalue()
    return figure_png(fig)


def notebook_figures(name: str, geo: str, report_name: str) -> dict:
    """The figure functions of a report notebook run in-process for ``geo`` (cells up to the report)."""
    import IPython.display
    import jupytext

    from nq57lib import report_view

    namespace: dict = {}
    saved = IPython.display.display, report_view.show
    IPython.display.display, report_view.show = (lambda *a, **k: None), (lambda fig: plt.close(fig))
    try:
        for cell in jupytext.read(NOTEBOOKS / f"{name}.py").cells:
            if cell.cell_type != "code":
                continue
            if "save_results(" in cell.source:
                break
            exec(cell.source, namespace)  # noqa: S102 - our own notebook
            if "parameters" in cell.metadata.get("tags", []):
                namespace["geo"] = geo
    finally:
        IPython.display.display, report_view.show = saved
    return namespace[report_name].figures


def time_figure(factory, render, repeat: int) -> tuple[float, float, int]:
    """(build ms, render ms, PNG bytes): medians over ``repeat`` fresh figures."""
    builds, renders, size = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        figures = factory()
        built = time.perf_counter()
        size = sum(len(render(fig)) for fig in figures)
        renders.append(time.perf_counter() - built)
        builds.append(built - start)
        for fig in figures:
            plt.close(fig)
    return statistics.median(builds) * 1e3, statistics.median(renders) * 1e3, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh figures timed per kind (median)")
    args = parser.parse_args()

    from nq57lib import data_package, scorecard
    from nq57lib.charts import chart_style

    pkg = data_package.load_package(use_env=False)
    kinds: list[tuple[str, str, object]] = []  # (geo, kind, function returning a list of figures)
    for geo in GEOS:
        panels = scorecard.cross_province_panels(pkg, geo, "en")
        kinds.append((geo, "scorecard 4 panels", lambda panels=panels: list(scorecard.panel_charts(pkg, panels, "en"))))
    for geo in GEOS:
        for name, report_name in (("digital_economy", "report"), ("budget_floor", "R")):
            for key, factory in notebook_figures(name, geo, report_name).items():
                kinds.append((geo, f"{name}.{key}", lambda factory=factory: [factory()]))

    for _geo, _kind, factory in kinds:  # warm-up: fonts, caches, imports
        for fig in factory():
            one_pass_png(fig)
            plt.close(fig)

    print(f"ms per figure kind (median of {args.repeat} fresh figures; build, then PNG; 'tight' = display(fig) "
          "before, 'one pass' = report_view.show now)")
    print(f"{'geography':14} {'figure':26} {'build':>7} {'tight':>7} {'1 pass':>7} {'ratio':>6} {'PNG kB':>7}")
    totals = {"build": 0.0, "tight": 0.0, "one": 0.0}
    for geo, kind, factory in kinds:
        build, tight, _ = time_figure(factory, tight_png, args.repeat)
        _, one, size = time_figure(factory, one_pass_png, args.repeat)
        totals["build"] += build
        totals["tight"] += tight
        totals["one"] += one
        print(f"{geo:14} {kind:26} {build:7.0f} {tight:7.0f} {one:7.0f} {tight / one:5.2f}x {size / 1e3:7.0f}")
    before, after = totals["build"] + totals["tight"], totals["build"] + totals["one"]
    print(f"all figures, build + PNG: {before:.0f} ms before -> {after:.0f} ms now ({before / after:.2f}x)")

    panels = scorecard.cross_province_panels(pkg, "vinh-phuc", "en")
    factory = lambda: list(scorecard.panel_charts(pkg, panels, "en"))  # noqa: E731
    print("scorecard panels (vinh-phuc), PNG compression level (Pillow zlib; the report embeds the bytes):")
    for level in (1, 3, 6, 9):
        def render(fig, level=level):
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": level})
            return buffer.getvalue()
        _, ms, _ = time_figure(factory, render, args.repeat)
        sizes = [len(render(fig)) for fig in factory()]
        plt.close("all")
        print(f"  level {level}: {ms:6.0f} ms for 4 panels, {sum(sizes) / 1e3:6.0f} kB")
    start = time.perf_counter()
    for _ in range(100):
        chart_style.apply_style()
    print(f"chart_style.apply_style: {(time.perf_counter() - start) * 10:.2f} ms a call")


if __name__ == "__main__":
    main()
