"""The scorecard notebook as steps: editing a step changes the results ("steps are live"), and a
Vietnamese scorecard page holds no English text of the scorecard's locale section."""

from __future__ import annotations

import html
import re
import string

import nbformat
import pytest

from nq57lib import config, data_package, report_html, scorecard, text
from nq57lib.params import Parameters

from notebook_steps import run_notebook_steps

NOTEBOOK = config.NOTEBOOKS_DIR / "scorecard.ipynb"


def test_the_notebook_is_steps_calling_public_functions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    after = code[code.index(next(s for s in code if "validate_parameters" in s)) + 1:]
    assert not any("build(" in s for s in code)
    assert not any(re.search(r"\.\s*_[a-z]", s) for s in code), "a notebook calls no private function"
    calls = [s for s in after if re.search(r"\b(scorecard|reader_tables)\.[a-z]\w*\(", s)]
    assert len(calls) >= 6


def test_steps_are_live_removing_targets_from_the_selection_changes_the_results():
    """The researcher's edit of the targets step (drop every digital-economy share target), run through the
    notebook's own step cells (``notebook_steps``, read from the paired notebooks/scorecard.py): the tables
    its last step saves, the counts and the reader's table follow it. The notebook file itself runs through plain papermill
    in tests/test_render.py and in kept kernels in the default batches."""
    pkg = data_package.load_package(use_env=False)
    P = Parameters("scorecard", {"geo": "vinh-phuc", "lang": "en", "output_dir": ""})
    drop = {"targets": lambda ns: ns["targets"][ns["targets"]["indicator_id"] != "de_share_pct"]}
    steps = run_notebook_steps(P, pkg, edits=drop)
    targets, national = steps["results"].tables["targets"], steps["results"].tables["national_targets"]
    assert len(targets) > 0 and "de_share_pct" not in set(targets["indicator_id"])
    assert "de_share_pct" not in set(national["indicator_id"])
    assert steps["results"].scalars["n_targets"] == (targets["relation"] == "own").sum()
    # The data hold such targets (the edit, not the data, removed them; the unedited notebook's
    # results are checked against main's by scripts/compare_results.py and in tests/test_notebooks.py).
    registered = pkg.targets
    dropped = registered[registered["geo_id"].isin(["vinh-phuc", "phu-tho-2025", "vn"])
                         & (registered["indicator_id"] == "de_share_pct")]
    assert len(dropped) >= 3
    assert len(targets) + len(national) + len(dropped) == len(
        registered[registered["geo_id"].isin(["vinh-phuc", "phu-tho-2025", "vn"])])

    def badges(ns) -> int:  # the verdict badges of the reader's table
        return scorecard.reader_table(pkg, ns["verdicts"], ns["themes"], ns["as_of"], P.lang)._repr_html_().count(
            '<span class="nq57-badge ')

    assert 0 < badges(steps) < badges(run_notebook_steps(P, pkg))


def _english_fragments() -> list[str]:
    """Literal pieces (placeholders removed) of every English text of the scorecard's locale sections
    that differs from its Vietnamese text; short pieces (< 8 characters, e.g. 'met') are left out
    because they occur inside other words."""
    en, vi = text.catalog("en"), text.catalog("vi")
    keys = [k for k in en if k.startswith(("scorecard.", "charts.scorecard.")) and en[k] != vi[k]]
    pieces = set()
    for key in keys:
        for literal, *_ in string.Formatter().parse(en[key]):
            for piece in re.split(r"[*`()]", literal):
                piece = piece.strip(" .,:;'")
                if len(piece) >= 8:
                    pieces.add(piece)
    return sorted(pieces)


@pytest.mark.slow
def test_vietnamese_scorecard_page_has_no_english_scorecard_text(report_run_vi):
    # The unedited scorecard for the new Phu Tho in Vietnamese, as executed by the shared lang=vi batch
    reports, manifest = report_run_vi
    job = next(j for j in manifest["jobs"] if (j["notebook"], j["geo"]) == ("scorecard", "phu-tho-2025"))
    executed = nbformat.read(reports / job["executed_notebook"], as_version=4)
    assert executed.metadata.papermill.parameters["lang"] == "vi"
    page = report_html.notebook_to_html(executed, "Bảng theo dõi", "", lang="vi")
    assert '<html lang="vi">' in page
    # Only what a reader sees: the sources' own titles (some are English publications) are data.
    visible = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    caption = re.escape(text.t("report.captions.sources", "vi"))
    visible = re.sub(rf"<table><caption>{caption}</caption>.*?</table>", " ", visible, flags=re.S)
    words = html.unescape(re.sub(r"<[^>]+>", " ", visible))  # text only: URLs in links are not prose
    found = [p for p in _english_fragments() if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", words)]
    assert _english_fragments() and found == []
    assert "nq57-badge" in visible and "Toàn bộ mục tiêu" in visible
