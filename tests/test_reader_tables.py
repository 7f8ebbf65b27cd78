"""nq57lib.reader_tables (formatting by kind, badges, links, footnotes) and the scorecard's table,
including the data helper's "unverified" mark of a target (a fixture with the column)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from nq57lib import data_package
from nq57lib import target_assessment, target_verdicts  # noqa: E402
from nq57lib import reader_tables as rt
from nq57lib import scorecard as sc
from nq57lib.errors import ParameterError


@pytest.mark.parametrize("value, kind, lang, decimals, expected", [
    (18.0, "int", "en", None, "18"),
    (20_000.0, "int", "en", None, "20,000"),
    (20_000.0, "int", "vi", None, "20.000"),
    (5_000.0, "int", "en", None, "5,000"),
    (2030.0, "year", "en", None, "2030"),
    (22.873, "share", "en", None, "22.9"),
    (22.873, "share", "vi", 2, "22,87"),
    (1_234_567.8, "money", "en", None, "1,234,568"),
    (1_234_567.8, "money", "vi", None, "1.234.568"),
    (0.125, "number", "vi", 3, "0,125"),
    (None, "share", "en", None, ""),
    (float("nan"), "int", "en", None, ""),
    ("Hà Nội", "text", "vi", None, "Hà Nội"),
])
def test_format_value_by_kind(value, kind, lang, decimals, expected):
    assert rt.format_value(value, kind, lang, decimals) == expected


def test_badge_has_a_colour_a_symbol_and_a_word_and_refuses_unknown_statuses():
    html = rt.badge_html("off track", "off <track>")
    assert rt.BADGE_COLOURS["off track"] in html and rt.BADGE_SYMBOLS["off track"] in html
    assert "off &lt;track&gt;" in html  # the word is escaped
    assert set(rt.BADGE_COLOURS) == set(rt.BADGE_SYMBOLS) and len(set(rt.BADGE_COLOURS.values())) >= 7
    with pytest.raises(ParameterError, match="badge"):
        rt.badge_html("green", "green")


def test_links_only_for_http_urls_and_footnotes_numbered_once():
    assert rt.link_html("A & B", "https://x.vn/?a=1&b=2") == '<a href="https://x.vn/?a=1&amp;b=2">A &amp; B</a>'
    assert rt.link_html("A", "javascript:alert(1)") == "A"
    marks, notes = rt.footnote_marks(["x", "", "y", "x", None])
    assert marks == ["1", "", "2", "1", ""] and notes == ["x", "y"]


def test_reader_table_groups_aligns_and_escapes():
    frame = pd.DataFrame({"group": ["G1", "G1", "G2"], "name": ["a<b", "c", "d"], "n": [1.0, 20_000.0, 3.0],
                          "mark": ["1", "", "1"]})
    table = rt.reader_table(frame, [rt.Column("name", "Name"), rt.Column("n", "Count", "int")], "en",
                            group="group", marks="mark", footnotes=["a note"], caption="Cap")
    html = table.html
    assert html.count('class="nq57-group"') == 2 and "a&lt;b<sup>1</sup>" in html
    assert re.search(r'<td class="nq57-num" data-label="[^"]*">20,000</td>', html) and "<li>a note</li>" in html
    assert "<caption>Cap</caption>" in html and table._repr_html_() == html
    with pytest.raises(ParameterError, match="columns"):
        rt.reader_table(frame, [rt.Column("nope", "Nope")], "en")


@pytest.fixture(scope="module")
def marked():
    """The shipped package with the data helper's column: one Vĩnh Phúc target marked unverified."""
    pkg = data_package.load_package()
    targets = pkg.targets.copy()
    targets["unverified_reason"] = None
    targets.loc[targets["target_id"] == "vinh-phuc-de-share-2045", "unverified_reason"] = "source not found"
    targets["unverified_reason_vi"] = None  # and its Vietnamese text, which a Vietnamese report shows (issue 27)
    targets.loc[targets["target_id"] == "vinh-phuc-de-share-2045", "unverified_reason_vi"] = "không tìm thấy nguồn"
    return dataclasses.replace(pkg, targets=targets, checksum="test-unverified")


def _steps(pkg, geo: str, lang: str):
    as_of = data_package.as_of_year(pkg)
    latest = target_assessment.latest_values(pkg, target_assessment.select_targets(pkg, geo), lang)
    assessed = target_assessment.assess_targets(pkg, target_assessment.required_paces(pkg, latest, as_of, lang), as_of, lang)
    return assessed, target_verdicts.verdict_table(pkg, assessed, as_of, lang), as_of


@pytest.mark.parametrize("lang, word, note, reason", [
    ("en", "unverified", "Unverified target: source not found", "source not found"),
    ("vi", "chưa kiểm chứng", "Mục tiêu chưa kiểm chứng: không tìm thấy nguồn", "không tìm thấy nguồn"),
])
def test_an_unverified_target_keeps_its_verdict_and_says_why_it_is_unverified(marked, lang, word, note, reason):
    """Unverified is a flag beside the verdict, never instead of it (issue 21): the row keeps the verdict the
    rule gives and its footnote gives the reason, in the report's language (issue 27: ``unverified_reason_vi``)."""
    assessed, verdicts, as_of = _steps(marked, "vinh-phuc", lang)
    row = assessed[assessed["target_id"] == "vinh-phuc-de-share-2045"].iloc[0]
    assert row["target_unverified_reason"] == reason and row["assessment"] == "insufficient data"
    verdict = verdicts.set_index("target_id").loc["vinh-phuc-de-share-2045"]
    assert verdict["verdict"] == "cannot tell" and verdict["unverified_reason"] == reason
    html = sc.reader_table(marked, verdicts, sc.default_themes(), as_of, lang).html
    assert "nq57-badge-unverified" not in html
    assert f"<li>{note}</li>" in html
    results = sc.results(marked, "vinh-phuc", assessed, verdicts, {}, as_of, lang)
    saved = results.tables["targets"].set_index("target_id")["target_unverified_reason"]
    assert saved["vinh-phuc-de-share-2045"] == reason and saved.drop("vinh-phuc-de-share-2045").isna().all()


def test_without_the_column_no_target_is_unverified():
    pkg = data_package.load_package()
    assert "unverified_reason" not in pkg.targets.columns or pkg.targets["unverified_reason"].notna().any()
    assessed, verdicts, as_of = _steps(pkg, "vn", "en")
    html = sc.reader_table(pkg, verdicts, sc.default_themes(), as_of, "en").html
    if "unverified_reason" not in pkg.targets.columns:
        assert "Unverified target" not in html
        assert "target_unverified_reason" not in sc.results(pkg, "vn", assessed, verdicts, {}, as_of, "en").tables["targets"]


def test_badges_cover_every_verdict_and_category_and_themes_every_target_indicator():
    assert set(target_verdicts.VERDICTS) <= set(rt.BADGE_COLOURS) and set(target_verdicts.VERDICTS) <= set(rt.BADGE_SYMBOLS)
    assert set(target_assessment.BADGES.values()) | {"unverified"} <= set(rt.BADGE_COLOURS)
    themed = {i for ids in sc.default_themes().values() for i in ids}
    assert set(data_package.load_package().targets["indicator_id"]) <= themed


def test_results_columns_are_formatted_by_the_unit_in_their_name():
    import pandas as pd

    from nq57lib.reader_tables import kind_of, results_table

    frame = pd.DataFrame({"geo_id": ["vn", "vn"], "year": [2025, 2030], "n_years": [6.0, 15.0],
                          "required_pp_per_year": [1.51625, 2.0], "spending_bn_vnd": [1234567.8, 5.0],
                          "share_pct": [3.14159, 15.0], "note": ["same", "same"],
                          "url": ["https://example.org/a", "ftp://x"], "title": ["A <b>", "B"]})
    assert [kind_of(c, frame[c]) for c in frame.columns] == [
        "text", "year", "int", "share", "money", "share", "text", "link", "text"]
    page = results_table(frame, {"year": "Năm"}, "vi", caption="C").html
    assert "vn" not in page.replace("vnd", "")  # the id column is hidden
    assert ">2025<" in page and ">15<" in page and ">1,52<" in page and ">1.234.568<" in page and ">3,14<" in page
    assert page.count("same") == 1 and "<sup>1</sup>" in page  # the repeated note: one footnote
    assert '<a href="https://example.org/a">A &lt;b&gt;</a>' in page  # the title links to its URL
    assert "ftp://x" not in page and ">B<" in page  # not an http(s) URL: the title alone
    assert ">Năm<" in page and ">spending bn vnd<" in page


def test_a_year_token_anywhere_in_the_name_is_a_year():
    import pandas as pd

    from nq57lib.reader_tables import kind_of, results_table

    years = pd.Series([2029, 2045], dtype="Int64")
    assert kind_of("attained_year_low", years) == "year" and kind_of("attained_year_high", years) == "year"
    assert kind_of("required_pp_per_year", pd.Series([1.5])) != "year"
    html = results_table(pd.DataFrame({"attained_year_low": years}), {}, "en").html
    assert "2029" in html and "2,029" not in html


@pytest.mark.parametrize("lang, expected", [
    ("en", ["2025", "20,000", "15.39", "2,577,200", "0.77", "350"]),
    ("vi", ["2025", "20.000", "15,39", "2.577.200", "0,77", "350"]),
])
def test_the_inputs_table_formats_each_value_by_its_unit(lang, expected):
    """A year is not money ("2,025.00") and a path count has no decimals ("20,000.00"): each row of the
    inputs table's value column is formatted by its own unit, in both languages."""
    from nq57lib.provenance import ASSUMED, Assumption
    from nq57lib.report_view import Report, assumptions_frame, table_view

    records = [Assumption("base_year", 2025.0, "year", ASSUMED, "base year"),
               Assumption("n_paths", 20000.0, "paths", ASSUMED, "paths"),
               Assumption("growth_pct", 15.3930828, "% per year", ASSUMED, "pace"),
               Assumption("base_expenditure_bn_vnd", 2577200.0, "bn VND", ASSUMED, "expenditure"),
               Assumption("damping", 0.770360, "", ASSUMED, "damping"),
               Assumption("capacity_bn_vnd", 350.0, "bn VND per year", ASSUMED, "capacity")]
    report = Report("budget_floor", "vn", lang, "T", assumptions=assumptions_frame(records, lang))
    page = table_view(report, "assumptions").html
    cells = re.findall(r'<td class="nq57-num"[^>]*>([^<]*)</td>', page)
    assert cells == expected
    assert rt.kind_of_unit("years") == "int" and rt.kind_of_unit("pp per year") == "share"


def test_the_sensitivity_by_input_formats_each_value_by_the_unit_in_the_input_name():
    from nq57lib.report_view import Report, table_view

    frame = pd.DataFrame({"input": ["base_expenditure_bn_vnd", "real_growth_pct"], "input_label": ["base", "growth"],
                          "case_label": ["low", "low"], "value": [2061760.0, 5.5], "period": ["2025–2030"] * 2,
                          "cumulative_spending_bn_vnd": [475301.5, 1.0], "change_from_run_pct": [-20.0, -1.0]})
    report = Report("budget_floor", "vn", "en", "T", tables={"sensitivity_inputs": frame})
    page = table_view(report, "sensitivity_inputs").html
    assert ">2,061,760<" in page and ">5.50<" in page and "2,061,760.00" not in page


def test_a_basis_for_readers_names_publishers_not_source_or_target_ids():
    from nq57lib import data_package
    from nq57lib.report_view import publishers_for_ids

    pkg = data_package.load_package()
    publisher = dict(zip(pkg.sources["source_id"], pkg.sources["publisher"]))
    a, b = sorted(publisher)[:2]
    target = pkg.targets["target_id"].iloc[0]
    text = f"16.88 % (2019; {a}, {b}, {a}); {target}: Resolution 57, {a}; ({target}, {b}); not-{a}x"
    out = publishers_for_ids(text)
    assert out == (f"16.88 % (2019; {', '.join(dict.fromkeys([publisher[a], publisher[b]]))}); Resolution 57, "
                   f"{publisher[a]}; ({publisher[b]}); not-{a}x")
    assert publishers_for_ids(None) is None and publishers_for_ids("") == ""


@pytest.mark.parametrize("lang,expected", [("en", "8.45 × 10⁻⁶"), ("vi", "8,45 × 10⁻⁶")])
def test_a_tiny_fitted_parameter_keeps_its_significant_figures(lang, expected):
    from nq57lib.reader_tables import format_value

    assert format_value(8.4512e-06, "number", lang) == expected
    assert format_value(-0.0012, "number", lang, 2) == ("-1.20 × 10⁻³" if lang == "en" else "-1,20 × 10⁻³")
    assert format_value(0.0, "number", lang) == "0" and format_value(0.25, "number", lang, 2) in ("0.25", "0,25")
