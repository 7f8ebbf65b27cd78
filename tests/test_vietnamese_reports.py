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
    from nq57lib import data_package

    reports, manifest = vietnamese_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == notebook and j["geo"] == geo)
    words = visible_text((reports / job["report_html"]).read_text(encoding="utf-8"))
    pkg = data_package.load_package()
    ids = [*pkg.sources["source_id"], *pkg.targets["target_id"]]
    assert [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", words)] == []


# ------------------------------------------------------------------------------------------------
# Issue 27: the administration's terms, the project's words in Vietnamese, Vietnamese formats
# ------------------------------------------------------------------------------------------------

# Words no Vietnamese report may use: the merger as an annexation or a succession, a charged status word, a
# budget term that is not the resolution's, calques the review flagged, the English word for the tool, the
# old marks of merged units.
FORBIDDEN = ("sáp nhập vào", "hợp nhất vào", "tỉnh kế thừa", "đơn vị kế thừa", "chệch hướng", "mức sàn",
             "Trả lời trong một phút", "lốc xoáy", "kiểm định ngược", "phân rã", "hạt giống", "phản thực tế",
             "QD ", "notebook", "(đến 06/2025)", "(từ 07/2025)")


def body_text(page: str) -> str:
    """What a reader sees before the technical annex (or, in a report without one, before the run record),
    the sources table left out (data)."""
    words = visible_text(page)
    for heading in (text.t("report.headings.data", "vi"), text.t("report.page.record", "vi")):
        if heading in words:
            return words[:words.index(heading)]
    return words


def data_english_texts() -> list[str]:
    """The data's own English texts (titles, publishers, instruments, notes, names): the other side of issue 27
    (Vietnamese data texts), left out of the scan of the project's words, the longest first."""
    from nq57lib import data_package

    pkg = data_package.load_package()
    found = set()
    for table in (pkg.sources, pkg.targets, pkg.observations, pkg.indicators, pkg.geography):
        for column in ("title", "publisher", "instrument", "note", "unverified_reason", "name_en", "definition"):
            if column in table.columns:
                found.update(str(v) for v in table[column].dropna() if str(v).strip())
    found |= {re.sub(r"\s*\([^()]*\)$", "", v) for v in found}  # shown without a closing remark in brackets
    return sorted((v for v in found if v.strip()), key=len, reverse=True)


def _load_counter():
    import importlib.util

    from nq57lib import config

    spec = importlib.util.spec_from_file_location("count_english_vi", config.PROJ_ROOT / "scripts" / "count_english_vi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


count_english_vi = _load_counter()  # scripts/count_english_vi.py: the words and runs it counts


def project_english_words() -> set[str]:
    """English words of the project's catalogue (``en.toml``) that the Vietnamese side never writes (so 'Monte
    Carlo', 'seed', 'Eurostat' and names pass)."""
    english = count_english_vi._words([count_english_vi._literal(v) for v in text.catalog("en").values()],
                                      lowercase_only=True)
    return english - count_english_vi.vocabularies()[1]


def test_the_word_scan_finds_the_projects_english():
    words = project_english_words()
    assert count_english_vi.strings_in("Kết luận: the report is a counterfactual", words) == \
        ["report", "counterfactual"]  # words of two letters ('is', 'a') are not evidence on their own
    assert count_english_vi.strings_in("mô phỏng Monte Carlo, giá trị khởi tạo ngẫu nhiên (seed) 57", words) == []
    assert count_english_vi.strings_in("tham số capacity_bn_vnd", words) == ["capacity_bn_vnd"]


@pytest.mark.parametrize("geo", GEOS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_vietnamese_report_uses_the_administrations_terms_and_no_english_of_the_project(vietnamese_run, notebook,
                                                                                           geo):
    reports, manifest = vietnamese_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == notebook and j["geo"] == geo)
    page = (reports / job["report_html"]).read_text(encoding="utf-8")
    words = body_text(page)
    assert [w for w in FORBIDDEN if w in visible_text(page)] == []
    if geo == "vn":  # the nation has GDP; GRDP only where provinces are compared (the scorecard's panels)
        assert "% GRDP" not in words and "trong GRDP" not in words.replace("trong GRDP theo tỉnh", "")
        if notebook != "scorecard":
            assert "GRDP" not in words
    for piece in data_english_texts():  # the data's own English is issue 27's other half (data/*.csv)
        words = words.replace(piece, " ")
    words = re.sub(r"\[[^\]]*\]", " ", words)  # a source's title in brackets is data too
    assert count_english_vi.strings_in(words, project_english_words()) == []


def test_a_vietnamese_reports_tables_and_captions_are_in_vietnamese_formats(vietnamese_run):
    """Every table (cells and caption) of the budget report of Vĩnh Phúc before the run record, the sources'
    own titles aside: numbers with Vietnamese marks, grouped; percentages '35%'; no ISO date (charts:
    test_vietnamese_words)."""
    from test_vietnamese_words import format_faults

    reports, manifest = vietnamese_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == "budget_floor" and j["geo"] == "vinh-phuc")
    page = (reports / job["report_html"]).read_text(encoding="utf-8")
    page = page[:page.index(text.t("report.page.record", "vi"))] if text.t("report.page.record", "vi") in page \
        else page
    sources = f"<caption>{html.escape(text.t('report.captions.sources', 'vi'), quote=False)}</caption>"
    tables = [t for t in re.findall(r"<table\b.*?</table>", page, flags=re.S) if sources not in t]  # data titles
    assert len(tables) >= 6
    faults = {}
    for table in tables:
        words = html.unescape(re.sub(r"<[^>]+>", "\n", table))
        words = re.sub(r"\[[^\]]*\]", " ", words)  # a source's own title (data)
        found = format_faults(words)
        if found:
            faults[re.sub(r"<[^>]+>", "", re.search(r"<caption>(.*?)</caption>", table, flags=re.S).group(1))
                   if "<caption>" in table else table[:80]] = found
    assert faults == {}
    assert re.search(r"\b\d{1,2}/\d{1,2}/20\d\d\b", page)  # the sources' dates in the administrative form
