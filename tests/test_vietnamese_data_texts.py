"""Vietnamese data texts (issue 27 item 2, issue 21 item 7): the data's titles, publishers, instruments, notes and
unverified reasons have Vietnamese texts (``title_vi`` ... ``note_vi``), a load refuses a shipped row without one,
and a Vietnamese report shows them, never the English.

The English strings a Vietnamese page must not show (``english_data_texts``): every English ``title``,
``publisher``, ``instrument``, ``note`` and ``unverified_reason`` of the shipped data, except a text that is
itself part of a Vietnamese text of the data (a proper name with no Vietnamese form, e.g. "CafeF" in "CafeF", or
"VnExpress" in "Báo VnExpress"; a Vietnamese source's original title, which is its own Vietnamese text) and
texts shorter than 4 characters.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from conftest import write_csv
from nq57lib import data_package, data_texts, text
from nq57lib.errors import DataError

ENGLISH_COLUMNS = {"sources": ("title", "publisher"), "targets": ("instrument", "note", "unverified_reason"),
                   "observations": ("note",)}


def english_data_texts(pkg=None) -> list[tuple[str, str, str]]:
    """(table, column, English text) of every data text a Vietnamese page must not show (module docstring)."""
    pkg = pkg or data_package.load_package()
    vietnamese = [str(v) for name, columns in data_package.VI_TEXT_COLUMNS.items() for vi in columns.values()
                  for v in getattr(pkg, name)[vi].dropna() if str(v).strip()]
    found = {}
    for name, columns in ENGLISH_COLUMNS.items():
        for column in columns:
            for value in getattr(pkg, name)[column].dropna():
                value = str(value).strip()
                if len(value) >= 4 and not any(value in v for v in vietnamese):
                    found.setdefault(value, (name, column, value))
    return sorted(found.values())


def page_words(page: str) -> str:
    """What a reader sees (tags, styles, scripts and link targets removed), the sources table included."""
    visible = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", visible)))


def english_in(words: str, texts) -> list[str]:
    return [t for _, _, t in texts if re.sub(r"\s+", " ", t) in words]


# --------------------------------------------------------------------------------------------------------------
# The shipped data and its validation
# --------------------------------------------------------------------------------------------------------------

def test_every_shipped_text_a_report_can_show_has_its_vietnamese_text():
    pkg = data_package.load_package()
    for name, columns in data_package.VI_TEXT_COLUMNS.items():
        frame = getattr(pkg, name)
        for english, vietnamese in columns.items():
            shown = frame[english].fillna("").str.strip() != ""
            assert (frame.loc[shown, vietnamese].fillna("").str.strip() != "").all(), (name, vietnamese)
    # an instrument is cited in full: Resolution 57 with its date and issuing body
    res57 = pkg.targets.loc[pkg.targets["instrument"] == "Resolution 57-NQ/TW", "instrument_vi"]
    assert set(res57) == {"Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, "
                          "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"}


def test_the_scan_list_holds_the_english_texts_and_spares_proper_names():
    texts = {t for _, _, t in english_data_texts()}
    assert "Resolution 57-NQ/TW" in texts and "Definition not stated." in texts  # English: must not be shown
    assert "CafeF" not in texts and "VnExpress" not in texts  # names the Vietnamese texts use as they are
    assert "Vĩnh Phúc phấn đấu có 300 doanh nghiệp công nghệ số vào năm 2025" not in texts  # an original title


@pytest.mark.parametrize("table, rows, column", [
    ("targets", [dict(target_id="vn-de-2030", geo_id="vn", indicator_id="de_share_pct", comparator=">=", value=30,
                      year=2030, unit="% of GRDP", instrument="Resolution 57-NQ/TW", instrument_vi="",
                      source_id="src-press")], "instrument_vi"),
    ("targets", [dict(target_id="vn-de-2030", geo_id="vn", indicator_id="de_share_pct", comparator=">=", value=30,
                      year=2030, unit="% of GRDP", instrument="Resolution 57-NQ/TW", note="About 30 %.", note_vi="",
                      source_id="src-press")], "note_vi"),
])
def test_a_shipped_row_without_its_vietnamese_text_is_refused(mini_root, table, rows, column):
    write_csv(mini_root / f"{table}.csv", table, rows)
    with pytest.raises(DataError) as error:
        data_package.load_package(mini_root, use_env=False)
    message = str(error.value)
    assert f"{table}.csv row 2 column '{column}'" in message and "Vietnamese" in message
    assert "\n" not in message


def test_a_shipped_source_without_its_vietnamese_title_is_refused(mini_root):
    from conftest import SOURCES

    sources = [dict(s) for s in SOURCES]
    sources[1]["title_vi"] = ""
    write_csv(mini_root / "sources.csv", "sources", sources)
    with pytest.raises(DataError, match=r"sources.csv row 3 column 'title_vi'"):
        data_package.load_package(mini_root, use_env=False)


def test_a_researchers_note_without_vietnamese_is_accepted_and_labelled(mini_root, tmp_path):
    extra = write_csv(tmp_path / "mine.csv", "observations", [dict(
        geo_id="vinh-phuc", indicator_id="grdp_current_bn_vnd", year=2023, value=150000, unit="bn VND",
        status="estimate", concept="standard", published="2024-01", source_id="src-press",
        note="My own reading of the page", note_vi="")])
    pkg = data_package.load_package(mini_root, extra_observations=[extra], use_env=False)
    shown = data_texts.text_in(pkg, "note", "My own reading of the page", "vi")
    assert shown == text.t("data_text.untranslated", "vi", text="My own reading of the page")
    assert "chưa có bản tiếng Việt" in shown
    assert data_texts.text_in(pkg, "note", "My own reading of the page", "en") == "My own reading of the page"


def test_vietnamese_texts_replace_the_english_ones_in_a_vietnamese_table():
    pkg = data_package.load_package()
    sources = pkg.sources.set_index("source_id")
    frame = pd.DataFrame({"publisher": [sources.at["vietnamplus-8dae7026", "publisher"], "Not a data text"],
                          "title": [sources.at["vietnamplus-8dae7026", "title"], sources.at["afamily-76351b2b",
                                                                                          "title"]]})
    shown = data_texts.texts_in(pkg, frame, "vi")
    assert shown["publisher"].tolist() == [sources.at["vietnamplus-8dae7026", "publisher_vi"], "Not a data text"]
    # another language's title is a translation and says so; a Vietnamese source's description stays in brackets
    assert shown["title"].tolist() == [text.t("data_text.translated_title", "vi", title=sources.at[
        "vietnamplus-8dae7026", "title_vi"]), sources.at["afamily-76351b2b", "title_vi"]]
    assert shown["title"][1].startswith("[") and data_texts.texts_in(pkg, frame, "en").equals(frame)


def test_the_judged_document_does_not_depend_on_the_language():
    """A Vietnamese citation names more than the English one (Resolution 03/NQ-CP's says it implements Resolution
    57): the rule that puts Resolution 57's documents first reads the English, so both languages judge alike."""
    from nq57lib import target_assessment, target_verdicts

    pkg = data_package.load_package()
    as_of = data_package.as_of_year(pkg)
    verdicts = {}
    for lang in ("en", "vi"):
        targets = target_assessment.select_targets(pkg, "vn")
        assessed = target_assessment.assess_targets(pkg, target_assessment.required_paces(
            pkg, target_assessment.latest_values(pkg, targets, lang), as_of, lang), as_of, lang)
        table = target_verdicts.verdict_table(pkg, assessed, as_of, lang)
        verdicts[lang] = table[["target_ids", "verdict"]].reset_index(drop=True)
    assert verdicts["en"].equals(verdicts["vi"])
    vi_documents = " ".join(target_verdicts.verdict_table(pkg, assessed, as_of, "vi")["documents"])
    assert "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị" in vi_documents


# --------------------------------------------------------------------------------------------------------------
# The Vietnamese default reports and index (slow: one lang=vi run, shared with test_vietnamese_reports)
# --------------------------------------------------------------------------------------------------------------

from test_vietnamese_reports import GEOS, NOTEBOOKS, vietnamese_run  # noqa: E402,F401  (the shared run fixture)


@pytest.mark.slow
@pytest.mark.parametrize("geo", GEOS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_vietnamese_report_shows_no_english_data_text(vietnamese_run, notebook, geo):  # noqa: F811
    reports, manifest = vietnamese_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == notebook and j["geo"] == geo)
    words = page_words((reports / job["report_html"]).read_text(encoding="utf-8"))
    assert english_in(words, english_data_texts()) == []
    if notebook == "scorecard" and geo == "vn":  # the documents are named, in Vietnamese and in full
        assert "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị" in words


@pytest.mark.slow
def test_the_vietnamese_index_shows_no_english_data_text(vietnamese_run):  # noqa: F811
    reports, _ = vietnamese_run
    words = page_words((reports / "index.vi.html").read_text(encoding="utf-8"))
    assert english_in(words, english_data_texts()) == []


def test_the_scan_finds_an_english_data_text_in_a_page():
    texts = english_data_texts()
    page = "<p>Đặt tại <b>Resolution 57-NQ/TW</b>; Báo VnExpress</p>"
    assert english_in(page_words(page), texts) == ["Resolution 57-NQ/TW"]
