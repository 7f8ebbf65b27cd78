"""The administration's words and the Vietnamese formats (issue 27 items 1 and 3), without kernels: numbers,
percentages and dates by the locale (CLDR marks through Babel), the report geography's aggregate (GDP for the
nation, GRDP for a province), the 2025 merger in the resolution's wording, and every text of the budget
report's charts in Vietnamese formats. The executed Vietnamese reports are scanned in test_vietnamese_reports.py.
"""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import pytest

from nq57lib import data_package, geography, text
from nq57lib.formatting import fmt_pct, format_date, format_number, number_marks, percent_text
from nq57lib.text import prose_date

# A number written the English way, one Vietnamese readers would misread: '0.6', '20,000', '28351', '35,0%',
# '35 %', an ISO date.
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")
UNGROUPED = re.compile(r"(?<![\d.,\w-])\d{5,}(?![\d.,\w-])")
SPACED_PERCENT = re.compile(r"\d %")
NEEDLESS_DECIMAL = re.compile(r"\d,0+%")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def format_faults(words: str) -> list[str]:
    """The pieces of ``words`` not written in Vietnamese formats."""
    faults = []
    for rule in (ENGLISH_DECIMAL, UNGROUPED, SPACED_PERCENT, NEEDLESS_DECIMAL, ISO_DATE):
        faults += rule.findall(words)
    return faults


def test_the_rules_find_english_formats():
    assert format_faults("0.6 và 28351 và 35 % và 35,0% và 2023-09-14") == ["0.6", "28351", "5 %", "5,0%",
                                                                            "2023-09-14"]
    assert format_faults("0,6 và 28.351 và 35% và 0,65% ngày 14/9/2023, năm 2030") == []


def test_numbers_percentages_and_dates_follow_the_locale():
    assert number_marks("vi") == (",", ".") and number_marks("en") == (".", ",")
    assert format_number(28351.0, "vi") == "28.351" and format_number(0.6, "vi") == "0,6"
    assert fmt_pct(35.0, "vi") == "35%" and fmt_pct(0.65, "vi", 2) == "0,65%" and fmt_pct(12.5, "vi") == "12,5%"
    assert fmt_pct(35.0, "en") == "35.0 %"  # English keeps the project's style
    assert percent_text("≥ 3,0", "vi") == "≥ 3%" and percent_text("1.000", "vi") == "1.000%"
    assert format_date("2023-09-14", "vi") == "14/9/2023" and prose_date("2023-09-14", "vi") == "ngày 14/9/2023"
    assert prose_date("2024-12", "vi") == "tháng 12/2024" and format_date("2024", "vi") == "2024"
    assert prose_date("2024-12", "en") == "2024-12" and prose_date("2024", "vi") == "2024"
    assert format_date("2023-09-14", "en") == "2023-09-14" and format_date("n.d.", "vi") == "n.d."


def test_a_whole_number_in_a_phrase_gets_the_languages_marks():
    note = text.phrase("charts.digital_economy.mc_note", n=format_number(20000, "vi", 0), seed=57)
    assert "20.000 đường mô phỏng" in note.render("vi")
    assert text.phrase("index.older", n=12000).render("vi").startswith("12000 ")  # no spec: as written
    assert text.Phrase("common.notes.scenario", (("name", "x"), ("note", "y"))).render("vi") == "x: y"


@pytest.fixture
def nation_level():
    yield text.use_geography_level
    text.use_geography_level("province")


def test_the_nation_has_gdp_and_a_province_grdp(nation_level):
    nation_level("nation")
    assert text.t("digital_economy.answer.stand", "vi", values="x") == \
        "Tỷ trọng kinh tế số (KTS) trong tổng sản phẩm trong nước (GDP) mới nhất: x."
    assert text.section("report.columns", "vi")["grdp_bn_vnd"] == "GDP, tỷ đồng"
    assert text.bilingual("charts.digital_economy")["ylabel"]["vi"] == "Tỷ trọng trong GDP (%)"
    nation_level("vn-province-level-name-is-not-nation")
    assert text.t("digital_economy.answer.stand", "vi", values="x") == \
        "Tỷ trọng kinh tế số (KTS) trong tổng sản phẩm trên địa bàn (GRDP) mới nhất: x."
    assert "GRDP" in text.t("charts.digital_economy.title", "en")


def test_validating_a_reports_parameters_sets_its_geographys_level(nation_level):
    from nq57lib.params import validate_parameters, spec_for

    names = {s.name: s.default for s in spec_for("scorecard")}
    validate_parameters("scorecard", {**names, "geo": "vn", "output_dir": "/tmp/nq57-level-test"})
    assert text.t("report.columns.grdp_bn_vnd", "vi") == "GDP, tỷ đồng"
    validate_parameters("scorecard", {**names, "geo": "vinh-phuc", "output_dir": "/tmp/nq57-level-test"})
    assert text.t("report.columns.grdp_bn_vnd", "vi") == "GRDP, tỷ đồng"


def test_the_merger_in_the_resolutions_wording():
    pkg = data_package.load_package()
    assert geography.geo_name(pkg, "vinh-phuc", "vi") == "Vĩnh Phúc (cũ)"
    assert geography.geo_name(pkg, "phu-tho-2025", "vi") == "Phú Thọ (mới)"
    assert geography.geo_name(pkg, "vinh-phuc", "en") == "Vinh Phuc (until 06/2025)"  # English unchanged
    from nq57lib.scorecard import _related_paragraph
    import pandas as pd

    said = _related_paragraph(pkg, "vinh-phuc", pd.DataFrame(), "vi")
    assert said.startswith("Từ ngày 01/7/2025, Hòa Bình (cũ), Phú Thọ (cũ) và Vĩnh Phúc (cũ) hợp nhất thành "
                           "Phú Thọ (mới).")
    for wrong in ("sáp nhập", "hợp nhất vào", "kế thừa"):
        assert wrong not in said


def test_every_text_of_a_vietnamese_budget_reports_charts_is_in_vietnamese_formats():
    """Titles, labels, legends, footnotes, annotations and tick labels of every figure, after drawing."""
    from test_budget_floor import params, run_steps

    matplotlib.use("Agg")
    report = run_steps(params(geo="vinh-phuc", lang="vi"), data_package.load_package())
    seen = []
    for name in report.figures:
        fig = report.figure(name)
        fig.canvas.draw()
        for artist in fig.findobj(matplotlib.text.Text):
            if artist.get_visible() and artist.get_text():
                seen.append(artist.get_text())
        plt.close(fig)
    words = "\n".join(seen)
    assert len(seen) > 50 and "tỷ đồng" in words
    assert format_faults(words) == []
    assert "mức sàn" not in words and "hấp thụ" not in words
