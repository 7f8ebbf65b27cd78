"""Complete Vietnamese (issue 13 item 4): a ``lang=vi`` report of every notebook for each of the three default
geographies (Vĩnh Phúc, the new Phú Thọ, the nation) shows no English text of the English locale. The
scorecard's scan of its own locale sections is also in ``test_scorecard_notebook.py``.

What a reader sees is scanned (tags, styles and link targets removed), the inputs (assumptions) table
included: its labels and bases are phrases of the locale files rendered in the report's language. One
table is data, not locale, and is left out: the sources (publishers' names and their own titles).
"""

from __future__ import annotations

import html
import re
import string

import pytest

from nq57lib import text

pytestmark = pytest.mark.slow


def english_fragments() -> list[str]:
    """Literal pieces (>= 8 characters, placeholders removed) of every English locale text that differs from
    its Vietnamese text and does not also occur in it (e.g. 'Monte Carlo')."""
    en, vi = text.catalog("en"), text.catalog("vi")
    pieces = set()
    for key, value in en.items():
        if value == vi.get(key):
            continue
        for literal, *_ in string.Formatter().parse(value):
            for piece in re.split(r"[*`()]", literal):
                piece = piece.strip(" .,:;'")
                if len(piece) >= 8 and piece not in vi.get(key, ""):
                    pieces.add(piece)
    return sorted(pieces)


def visible_text(page: str) -> str:
    visible = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    caption = text.t("report.captions.sources", "vi")
    visible = re.sub(rf"<table><caption>{re.escape(caption)}</caption>.*?</table>", " ", visible, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", visible))


NOTEBOOKS = ("digital_economy", "budget_floor", "scorecard")
GEOS = ("vinh-phuc", "phu-tho-2025", "vn")  # the default geographies of ``nq57 run``


@pytest.fixture(scope="module")
def vietnamese_run(report_run_vi):
    """The default reports with lang=vi, once a test run (conftest.report_run_vi): (reports folder, manifest)."""
    return report_run_vi


def test_the_scan_finds_english_in_an_english_text():
    fragments = english_fragments()
    sample = text.t("budget_floor.answer.lead", "en", name="X", share="1 %", floor="3", spend="1", year=2030,
                    total="2", period="2025–2030", gap="1")
    assert len(fragments) > 300 and [p for p in fragments if p in sample]


# An input label each report's inputs table must show in Vietnamese.
INPUT_LABEL = {"digital_economy": "common.inputs.label.trend_pace", "budget_floor": "common.inputs.budget.floor_pct"}


@pytest.mark.parametrize("geo", GEOS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_vietnamese_report_has_no_english_locale_text(vietnamese_run, notebook, geo):
    reports, manifest = vietnamese_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == notebook and j["geo"] == geo)
    page = (reports / job["report_html"]).read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    words = visible_text(page)
    found = [p for p in english_fragments() if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", words)]
    assert found == []
    if notebook == "scorecard":  # no one-minute answer and no inputs table of its own: the status table
        assert text.t("scorecard.table_heading", "vi") in words and "nq57-badge" in page
        return
    assert text.t(f"{notebook}.answer.caption", "vi") in words  # the one-minute answer is there, in Vietnamese
    inputs = re.search(rf"<caption>{re.escape(text.t('report.captions.assumptions', 'vi'))}</caption>.*?</table>",
                       page, flags=re.S).group(0)
    assert ">giả định<" in inputs and ">assumed<" not in inputs and ">observed<" not in inputs
    label = text.t(INPUT_LABEL[notebook], "vi")
    assert html.escape(label, quote=False) in inputs and html.escape(text.t(INPUT_LABEL[notebook], "en"),
                                                                        quote=False) not in inputs


@pytest.mark.parametrize("geo", GEOS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_report_shows_no_source_or_target_id(vietnamese_run, notebook, geo):
    """Readers see publishers and instruments; the ids stay in the results files."""
    from nq57lib import data

    reports, manifest = vietnamese_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == notebook and j["geo"] == geo)
    words = visible_text((reports / job["report_html"]).read_text(encoding="utf-8"))
    pkg = data.load_package()
    ids = [*pkg.sources["source_id"], *pkg.targets["target_id"]]
    assert [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", words)] == []
