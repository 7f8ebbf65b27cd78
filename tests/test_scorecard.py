"""Tests of the Resolution 57 scorecard steps on the shipped data package.

Expected numbers are recomputed here from the raw observations (not through the builder's code
path), so a change in the rules or the data shows up as a failing, explainable assertion.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from nq57lib import data_package, geography, series_ranking  # noqa: E402
from nq57lib import target_assessment, target_verdicts  # noqa: E402
from nq57lib import progress_assessment as pa  # noqa: E402
from nq57lib import scorecard as sc  # noqa: E402
from nq57lib.errors import ParameterError  # noqa: E402
from nq57lib.params import Parameters  # noqa: E402
from nq57lib.charts.chart_style import PALETTE  # noqa: E402
from nq57lib.charts.scorecard_charts import plot_panel  # noqa: E402

from notebook_steps import run_notebook_steps  # noqa: E402


@pytest.fixture(scope="module")
def pkg():
    return data_package.load_package()


class Scorecard:
    """The scorecard's own step cells in order (``notebook_steps``), and its summary (tests only)."""

    def __init__(self, pkg, geo: str, lang: str):
        P = Parameters("scorecard", {"geo": geo, "lang": lang, "output_dir": ""})
        steps = run_notebook_steps(P, pkg)
        self.pkg, self.geo, self.lang = pkg, P.geo, P.lang
        self.selection, self.as_of, self.assessed = steps["targets"], steps["as_of"], steps["assessed"]
        self.verdicts, self.panels, self.results = steps["verdicts"], steps["panels"], steps["results"]
        self.summary = sc.summary(pkg, P.geo, self.verdicts, self.as_of, P.lang)
        self.tables, self.scalars = self.results.tables, self.results.scalars
        self.below_charts = sc.panel_summary(pkg, P.geo, self.panels, P.lang)
        self.narrative = [*self.summary.paragraphs, *self.below_charts.data.split("\n\n")]
        self.title = self.summary.title
        self.sources, self.assumptions = self.tables["sources"], self.tables["assumptions"]

    def narrative_markdown(self) -> str:
        return "\n\n".join(self.narrative)

    def reader_html(self) -> str:
        return sc.reader_table(self.pkg, self.verdicts, sc.default_themes(), self.as_of, self.lang).html

    def charts(self):
        return sc.panel_charts(self.pkg, self.panels, self.lang)


@pytest.fixture(scope="module")
def build(pkg):
    built = {}

    def _build(geo: str, lang: str = "en"):
        if (geo, lang) not in built:
            built[geo, lang] = Scorecard(pkg, geo, lang)
        return built[geo, lang]

    return _build


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def row(report, target_id: str, table: str = "targets") -> pd.Series:
    frame = report.tables[table]
    hit = frame[frame["target_id"] == target_id]
    assert len(hit) == 1, f"{target_id} not exactly once in {table}"
    return hit.iloc[0]


def raw(pkg, geo: str, indicator: str, concept: str | None = None) -> pd.DataFrame:
    obs = pkg.observations
    out = obs[(obs["geo_id"] == geo) & (obs["indicator_id"] == indicator) & (obs["status"] != "plan")]
    return out if concept is None else out[out["concept"] == concept]


# ------------------------------------------------------------------------------------------------
# Pure rules, pinned to worked examples
# ------------------------------------------------------------------------------------------------


def test_required_pace_share_matches_hand_computation():
    pace = target_assessment.required_pace("share", 22.87, 2022, 35.0, 2030)
    assert pace["growth_pct"] == pytest.approx(((35 / 22.87) ** (1 / 8) - 1) * 100, rel=1e-12)
    assert pace["change_per_year"] == pytest.approx((35 - 22.87) / 8, rel=1e-12)
    assert pace["places_per_year"] is None


def test_required_pace_level_and_rank():
    level = target_assessment.required_pace("level", 52_000, 2025, 85_000, 2030)
    assert level["growth_pct"] == pytest.approx(((85_000 / 52_000) ** (1 / 5) - 1) * 100, rel=1e-12)
    assert level["change_per_year"] == pytest.approx(33_000 / 5)
    rank = target_assessment.required_pace("rank", 18, 2022, 15, 2030)
    assert rank == {"growth_pct": None, "change_per_year": None, "places_per_year": pytest.approx(3 / 8)}
    with pytest.raises(ParameterError, match="target_year"):
        target_assessment.required_pace("share", 10, 2030, 20, 2030)


def test_assess_rank_pace_categories():
    # 55th (2020) -> 18th (2022), target top 15 by 2030: actual 18.5 places/yr, required 4/yr.
    result = target_assessment.assess_rank_pace([2020, 2021, 2022], [55, 12, 18], 15, 2030)
    assert result.score == pytest.approx(((55 - 18) / 2) / ((55 - 15) / 10))
    assert result.category == "significant progress"
    assert target_assessment.assess_rank_pace([2020, 2022], [30, 29], 10, 2030).category == "insufficient progress"  # 0.5 vs 2
    assert target_assessment.assess_rank_pace([2020, 2022], [30, 32], 10, 2030).category == "moving away"
    assert target_assessment.assess_rank_pace([2020, 2022], [30, 25], 10, 2030).score == pytest.approx(2.5 / 2)
    assert target_assessment.assess_rank_pace([2020, 2022], [20, 9], 10, 2030).category == "target already met"
    assert target_assessment.assess_rank_pace([2020, 2022], [8, 12], 10, 2030).category == "moving away"  # base met, latest not
    assert target_assessment.assess_rank_pace([2022], [18], 15, 2030).category == "insufficient data"
    with pytest.raises(ParameterError, match="ranks"):
        target_assessment.assess_rank_pace([2020, 2022], [0, 3], 1, 2030)


def test_level_assessment_is_the_eurostat_ratio_on_compound_growth():
    result = target_assessment.assess_progress("level", [2020, 2024], [100.0, 200.0], ">=", 1000.0, None, 2030)
    actual = 2 ** (1 / 4) - 1
    required = 10 ** (1 / 10) - 1
    assert result.score == pytest.approx(actual / required)
    assert result.category == ("significant progress" if actual / required >= 0.95 else "moderate progress")
    # Unit-free: the same shape scaled into shares gives the same result as assess_eurostat itself.
    share = pa.assess_eurostat([2020, 2024], [1.0, 2.0], 10.0, 2030)
    assert result.score == pytest.approx(share.score) and result.category == share.category
    assert target_assessment.assess_progress("level", [2020, 2024], [0.0, 5.0], ">=", 10, None, 2030).category == "insufficient data"


def test_indicator_kind_and_effective_comparator(pkg):
    def kind(indicator_id):
        meta = pkg.indicator(indicator_id)
        return target_assessment.indicator_kind(meta["unit"], meta["direction"], meta["lower_bound"], meta["upper_bound"])

    assert [kind(i) for i in ("dti_rank", "grdp_growth_pct", "de_share_pct", "st_enterprises_count",
                              "grdp_per_capita_mn_vnd")] == ["rank", "rate", "share", "level", "level"]
    assert target_assessment.effective_comparator("=", 35, "higher_is_better", 40) == ">="
    assert target_assessment.effective_comparator("=", 3, "lower_is_better", 1) == "<="
    assert target_assessment.effective_comparator("=", 4.2e6, "neutral", 3.9e6) == ">="
    assert target_assessment.effective_comparator("=", 4.2e6, "neutral", 4.5e6) == "<="
    assert target_assessment.effective_comparator("between", 8, "higher_is_better", 1) == "between"


def test_panel_year_is_the_most_complete_year(pkg):
    obs = pkg.observations
    for indicator, concept in (("pii_rank", "basis_63"), ("pii_rank", "basis_34"), ("dti_rank", "basis_63")):
        sub = obs[(obs["indicator_id"] == indicator) & (obs["concept"] == concept)]
        counts = sub.groupby("year")["geo_id"].nunique()
        expected = max(counts[counts == counts.max()].index)
        assert sc.panel_year(sc.panel_candidates(pkg, indicator, concept)) == expected
    assert sc.panel_year(sc.panel_candidates(pkg, "pii_rank", "basis_63")) == 2023
    assert sc.panel_year(sc.panel_candidates(pkg, "pii_rank", "basis_34")) == 2025


# ------------------------------------------------------------------------------------------------
# Vĩnh Phúc (an old province with a successor)
# ------------------------------------------------------------------------------------------------


def test_vinh_phuc_lists_its_targets_and_its_successors(pkg, build):
    report = build("vinh-phuc")
    table = report.tables["targets"]
    own = set(pkg.targets.loc[pkg.targets["geo_id"] == "vinh-phuc", "target_id"])
    successor = set(pkg.targets.loc[pkg.targets["geo_id"] == "phu-tho-2025", "target_id"])
    assert set(table.loc[table["relation"] == "own", "target_id"]) == own
    assert set(table.loc[table["relation"] == "successor", "target_id"]) == successor
    assert (table.loc[table["relation"] == "successor", "relation_note"].str.contains("successor")).all()
    verdicts = report.tables["verdicts"]
    mine = verdicts[verdicts["relation"] == "own"]
    # one row per target: documents that set the same target are one row (issue 21)
    assert report.scalars["n_targets"] == len(mine) < len(own)
    assert {t for ids in mine["target_ids"] for t in ids.split(";")} == own
    national = report.tables["national_targets"]
    assert set(national["target_id"]) == set(pkg.targets.loc[pkg.targets["geo_id"] == "vn", "target_id"])
    assert "Phu Tho" in report.narrative_markdown() and "merged into" in report.narrative_markdown()


def test_vinh_phuc_de_share_2030(pkg, build):
    r = row(build("vinh-phuc"), "vinh-phuc-de-share-2030")
    observed = raw(pkg, "vinh-phuc", "de_share_pct", "ministry")
    assert set(observed["year"]) == {2022} and set(observed["value"]) == {22.87}
    assert (r["latest_value"], r["latest_year"], r["series_concept"]) == (22.87, 2022, "ministry")
    assert r["latest_source_id"] in set(observed["source_id"])
    assert r["definition_status"] == "unstated" and "unstated definition" in r["definition_note"]
    assert r["required_growth_pct_per_year"] == pytest.approx(((35 / 22.87) ** (1 / 8) - 1) * 100, rel=1e-12)
    assert r["required_change_per_year"] == pytest.approx((35 - 22.87) / 8, rel=1e-12)
    assert r["assessment"] == "insufficient data" and r["n_obs"] == 1
    r45 = row(build("vinh-phuc"), "vinh-phuc-de-share-2045")
    assert r45["required_growth_pct_per_year"] == pytest.approx(((60 / 22.87) ** (1 / 23) - 1) * 100, rel=1e-12)


def test_vinh_phuc_pii_target_has_no_data_and_says_so(build):
    report = build("vinh-phuc")
    r = row(report, "vinh-phuc-st-innovation-top15-2030")
    assert r["assessment"] == "no data" and pd.isna(r["latest_value"]) and r["target"] == "rank ≤ 15"
    page = report.reader_html()
    cells = re.findall(r"<tr>(.*?)</tr>", page)
    hit = [c for c in cells if "rank ≤ 15" in c and r["indicator"] in c and ">2030<" in c]
    assert len(hit) == 1 and "nq57-badge-cannot-tell" in hit[0] and "cannot tell" in hit[0] and "no data" in hit[0]
    assert "vinh-phuc-st-innovation-top15-2030" not in page  # ids stay in the results, out of the reader's view


def test_vinh_phuc_met_and_not_met_from_the_target_year_value(pkg, build):
    report = build("vinh-phuc")
    dti_2022 = raw(pkg, "vinh-phuc", "dti_rank", "basis_63").set_index("year")["value"]
    r = row(report, "vinh-phuc-dti-top20-2022")
    assert r["target_year_value"] == dti_2022[2022] and (r["assessment"] == "met") == (dti_2022[2022] <= 20)
    growth = series_ranking.series(pkg, "vinh-phuc", "grdp_growth_pct").set_index("year")["value"]
    r23 = row(report, "vinh-phuc-grdp-growth-2023")
    assert r23["target_year_value"] == growth[2023]
    assert r23["assessment"] == ("met" if 8 <= growth[2023] <= 9.5 else "not met")
    # A 2025 target of a province that ceased to exist mid-2025: the year passed without a value.
    assert row(report, "vinh-phuc-dti-top10-2025")["assessment"] == "no value for the target year"
    assert row(report, "vinh-phuc-grdp-growth-to-2030")["assessment"] == "not assessed (growth-rate target)"


def test_vinh_phuc_rank_and_level_paces(pkg, build):
    report = build("vinh-phuc")
    dti = raw(pkg, "vinh-phuc", "dti_rank", "basis_63").sort_values("year")
    first, last = dti.iloc[0], dti.iloc[-1]
    r = row(report, "vinh-phuc-dti-top15-2030")
    assert r["required_places_per_year"] == pytest.approx((last["value"] - 15) / (2030 - last["year"]))
    expected_ratio = ((first["value"] - last["value"]) / (last["year"] - first["year"])) / (
        (first["value"] - 15) / (2030 - first["year"]))
    assert r["assessment_ratio"] == pytest.approx(expected_ratio)
    hightech = raw(pkg, "vinh-phuc", "hightech_enterprises_count").iloc[0]
    h = row(report, "vinh-phuc-hightech-enterprises-2030")
    years = 2030 - int(hightech["year"])
    assert h["required_growth_pct_per_year"] == pytest.approx(((10 / hightech["value"]) ** (1 / years) - 1) * 100)
    assert h["required_change_per_year"] == pytest.approx((10 - hightech["value"]) / years)


def test_progress_is_measured_after_the_series_break(pkg, build):
    # GRDP per capita breaks in 2019 (GDP re-evaluation): the Eurostat base is the first value from 2019.
    assert int(pkg.indicator("grdp_per_capita_mn_vnd")["series_break_year"]) == 2019
    s = series_ranking.series(pkg, "vinh-phuc", "grdp_per_capita_mn_vnd", statuses=target_assessment.OUTCOME_STATUSES)
    after = s[s["year"] >= 2019].sort_values("year")
    base, latest = after.iloc[0], after.iloc[-1]
    actual = (latest["value"] / base["value"]) ** (1 / (latest["year"] - base["year"])) - 1
    required = (325 / base["value"]) ** (1 / (2030 - base["year"])) - 1
    r = row(build("vinh-phuc"), "vinh-phuc-grdp-per-capita-2030")
    assert r["n_obs"] == len(after) < len(s)
    assert r["assessment_ratio"] == pytest.approx(actual / required)


def test_vinh_phuc_panels_highlight_it_and_its_successor(pkg, build):
    report = build("vinh-phuc")
    de = report.tables["panel_de_share_ministry"]
    assert dict(zip(de.loc[de["highlight"] != "", "geo_id"], de.loc[de["highlight"] != "", "highlight"])) == {
        "vinh-phuc": "geography"}
    ministry = pkg.observations[(pkg.observations["indicator_id"] == "de_share_pct")
                                & (pkg.observations["concept"] == "ministry") & (pkg.observations["year"] == 2022)]
    provinces = ministry[ministry["geo_id"] != "vn"].drop_duplicates("geo_id")
    expected_place = int((provinces["value"] > 22.87).sum()) + 1
    assert report.scalars["de_share_ministry_place"] == expected_place
    assert report.scalars["de_share_ministry_n_listed"] == provinces["geo_id"].nunique()
    assert "vn" in set(de["geo_id"]) and de.loc[de["geo_id"] == "vn", "place"].isna().all()
    dti = report.tables["panel_dti_rank_basis_63"]
    assert len(dti) == 63 and list(dti["value"]) == sorted(dti["value"])
    assert report.scalars["dti_rank_basis_63_value"] == raw(pkg, "vinh-phuc", "dti_rank", "basis_63").set_index(
        "year")["value"][2022]
    pii34 = report.tables["panel_pii_rank_basis_34"]
    assert dict(zip(pii34.loc[pii34["highlight"] != "", "geo_id"], pii34.loc[pii34["highlight"] != "", "highlight"])) \
        == {"phu-tho-2025": "successor"}
    assert report.scalars["pii_rank_basis_63_value"] is None  # Vĩnh Phúc is not in the published PII lists


def test_panel_rows_are_the_best_observation_per_unit(pkg, build):
    panel = build("vinh-phuc").tables["panel_pii_rank_basis_63"]
    for geo_id in panel["geo_id"]:
        best = series_ranking.series(pkg, geo_id, "pii_rank", "basis_63", statuses=target_assessment.OUTCOME_STATUSES)
        best = best[best["year"] == panel["year"].iloc[0]].iloc[0]
        got = panel[panel["geo_id"] == geo_id].iloc[0]
        assert (got["value"], got["source_id"]) == (best["value"], best["source_id"])


# ------------------------------------------------------------------------------------------------
# The nation, the merged Phú Thọ, a province without targets
# ------------------------------------------------------------------------------------------------


def test_nation_has_one_table_and_reads_its_targets(pkg, build):
    report = build("vn")
    assert "national_targets" not in report.tables
    table = report.tables["targets"]
    assert set(table["target_id"]) == set(pkg.targets.loc[pkg.targets["geo_id"] == "vn", "target_id"])
    nso = series_ranking.series(pkg, "vn", "de_share_pct", "nso", statuses=target_assessment.OUTCOME_STATUSES)
    ministry = series_ranking.series(pkg, "vn", "de_share_pct", "ministry", statuses=target_assessment.OUTCOME_STATUSES)
    verdicts = report.tables["verdicts"].set_index("target_id")
    # set before the statistics office's measure existed: read on the ministry's, which has no 2025 value; judged
    # on 2024 (a year before), the statistics office's 2025 value beside it, never instead of it
    r = row(report, "vn-de-share-2025-d749")
    assert r["series_concept"] == "ministry" and r["assessment"] == "no value for the target year"
    v = verdicts.loc["vn-de-share-2025-d749"]
    last = ministry.set_index("year")["value"]
    assert v["verdict"] == ("met" if last[2024] >= 20 else "not met") and (v["value"], v["value_year"]) == (last[2024], 2024)
    assert "statistics office" in v["beside"] and "vn-de-share-2025-res52" in v["target_ids"]
    r30 = row(report, "vn-de-share-2030")
    expected = pa.assess_headline(nso["year"].tolist(), nso["value"].tolist(), 30, 2030)
    assert r30["assessment_ratio"] == pytest.approx(expected.score)
    assert r30["definition_status"] == "unstated" and r30["series_concept"] == "nso"
    # Resolution 57 (set after the office first published its measure) is read on it: off track there; the
    # ministry's reading is beside it ("on track"), and the older documents of the same target share its row.
    assert expected.category == "insufficient progress" and r30["assessment"] == "insufficient progress"
    v30 = verdicts.loc["vn-de-share-2030"]
    assert v30["verdict"] == "off track" and "on track" in v30["beside"] and "ministry" in v30["beside"]
    assert set(v30["target_ids"].split(";")) == {"vn-de-share-2030", "vn-de-share-2030-d2289", "vn-de-share-2030-res52"}
    # A Southeast-Asian rank target is never compared with world ranks.
    assert row(report, "vn-egdi-rank-sea-2030")["assessment"] == "no data on the target's definition"
    de = report.tables["panel_de_share_ministry"]
    assert de.loc[de["highlight"] == "geography", "geo_id"].tolist() == ["vn"]


def test_merged_phu_tho_lists_own_and_old_units_targets(pkg, build):
    report = build("phu-tho-2025")
    table = report.tables["targets"]
    targets = pkg.targets
    assert set(table.loc[table["relation"] == "own", "target_id"]) == set(
        targets.loc[targets["geo_id"] == "phu-tho-2025", "target_id"])
    olds = geography.old_units(pkg, "phu-tho-2025")
    assert set(table.loc[table["relation"] == "old unit", "target_id"]) == set(
        targets.loc[targets["geo_id"].isin(olds), "target_id"])
    vp = row(report, "vinh-phuc-de-share-2030")
    assert vp["relation"] == "old unit" and "Vinh Phuc" in vp["relation_note"] and vp["latest_value"] == 22.87
    de = row(report, "phu-tho-2025-de-share-2030")
    assert de["assessment"] == "no data" and "old provinces" in de["data_reason"]
    revenue = row(report, "phu-tho-2025-budget-revenue-2030")
    observed = raw(pkg, "phu-tho-2025", "budget_revenue_bn_vnd")
    assert revenue["latest_value"] in set(observed["value"])
    years = 2030 - int(revenue["latest_year"])
    assert revenue["required_growth_pct_per_year"] == pytest.approx(
        ((85_000 / revenue["latest_value"]) ** (1 / years) - 1) * 100)
    assert row(report, "phu-tho-2025-grdp-x2-2030")["definition_status"] == "different"
    dti = report.tables["panel_dti_rank_basis_63"]
    assert dict(zip(dti.loc[dti["highlight"] != "", "geo_id"], dti.loc[dti["highlight"] != "", "highlight"])) == {
        g: "old unit" for g in olds if g in set(dti["geo_id"])}
    pii34 = report.tables["panel_pii_rank_basis_34"]
    assert pii34.loc[pii34["highlight"] == "geography", "geo_id"].tolist() == ["phu-tho-2025"]
    assert report.scalars["pii_rank_basis_34_value"] == raw(pkg, "phu-tho-2025", "pii_rank", "basis_34").set_index(
        "year")["value"][2025]
    verdicts = report.tables["verdicts"]
    related = verdicts[verdicts["relation"] == "old unit"]
    assert report.scalars["n_targets"] == 7 and report.scalars["related_counts"]["n_targets"] == len(related)
    assert {t for ids in related["target_ids"] for t in ids.split(";")} == set(
        targets.loc[targets["geo_id"].isin(olds), "target_id"])


def test_merged_unit_without_own_data_uses_the_sum_of_its_old_provinces(pkg):
    # Hide the new unit's own GRDP so the merged series (sum of the old provinces) must be used.
    obs = pkg.observations
    own = (obs["geo_id"] == "phu-tho-2025") & (obs["indicator_id"] == "grdp_current_bn_vnd")
    hidden = dataclasses.replace(pkg, observations=obs[~own].reset_index(drop=True), checksum="test-merged-grdp")
    target = pd.Series({"target_id": "t", "geo_id": "phu-tho-2025", "indicator_id": "grdp_current_bn_vnd",
                        "concept": None})
    found = target_assessment.target_data(hidden, "phu-tho-2025", target, target_assessment.SeriesCache(hidden))
    assert found.basis == "merged series" and found.concept == "standard"
    expected = {}
    for old in geography.old_units(pkg, "phu-tho-2025"):
        for year, value in series_ranking.series(pkg, old, "grdp_current_bn_vnd").set_index("year")["value"].items():
            expected.setdefault(year, []).append(value)
    sums = {y: sum(v) for y, v in expected.items() if len(v) == 3}
    assert sums and dict(zip(found.history["year"], found.history["value"])) == pytest.approx(sums)


def test_province_without_targets_still_builds(pkg, build):
    # Issue 23 gave Bắc Kạn's successor (Thái Nguyên) targets: old Nam Định's (Ninh Bình) has none.
    assert pkg.targets[pkg.targets["geo_id"].isin(["nam-dinh", "ninh-binh-2025"])].empty
    report = build("nam-dinh")
    assert report.tables["targets"].empty and list(report.tables["targets"].columns) == target_assessment.TARGET_COLUMNS
    assert report.scalars["n_targets"] == 0
    assert "no registered targets" in report.narrative[0]
    assert len(report.tables["national_targets"]) == len(pkg.targets[pkg.targets["geo_id"] == "vn"])
    dti = report.tables["panel_dti_rank_basis_63"]
    assert dti.loc[dti["highlight"] == "geography", "geo_id"].tolist() == ["nam-dinh"]


# ------------------------------------------------------------------------------------------------
# Language, counts, sources, figures, results
# ------------------------------------------------------------------------------------------------


def test_vietnamese_report(pkg, build):
    report = build("vinh-phuc", "vi")
    text = report.narrative_markdown()
    assert "mục tiêu được ghi nhận" in text and "22,87" in text and "không thể đánh giá" in text
    assert "không thể đánh giá</span>" in report.reader_html() and "không có số liệu" in report.reader_html()
    names = pkg.indicators.set_index("indicator_id")["name_vi"]
    table = report.tables["targets"]
    assert (table["indicator"] == table["indicator_id"].map(names)).all()
    assert row(report, "vinh-phuc-de-share-2030")["target"] == "≥ 35% GRDP"
    assert report.title.startswith("Theo dõi thực hiện các mục tiêu")
    english = build("vinh-phuc").narrative_markdown()
    assert "registered targets" in english and "mục tiêu" not in english


@pytest.mark.parametrize("geo", ["vinh-phuc", "phu-tho-2025", "vn", "bac-kan"])
def test_counts_partition_the_targets(build, geo):
    report = build(geo)
    s = report.scalars
    verdicts = report.tables["verdicts"]
    own = verdicts[verdicts["relation"] == "own"]
    assert sum(s["n_" + v.replace(" ", "_")] for v in target_verdicts.VERDICTS) == s["n_targets"] == len(own)
    targets = report.tables["targets"]
    assert {t for ids in own["target_ids"] for t in ids.split(";")} == set(targets.loc[targets["relation"] == "own", "target_id"])
    assert str(s["n_targets"]) in report.narrative[0]


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("geo", ["vn", "vinh-phuc", "phu-tho-2025"])
def test_summary_counts_equal_the_badges_in_the_table(pkg, build, geo, lang):
    """The summary counts what the table shows: per relation, its counts are the rows' badges, and each
    count is written in the summary; over all rows, the counts are the badges in the rendered table."""
    from collections import Counter

    report = build(geo, lang)
    scalars = report.scalars
    counted = {"own": scalars, "old unit": scalars["related_counts"], "successor": scalars["related_counts"],
               "national": scalars.get("national_counts")}
    shown = Counter()
    verdicts = report.verdicts
    for relation in verdicts["relation"].unique():
        rows = verdicts[verdicts["relation"] == relation]
        badges = Counter(rows["verdict"])
        shown += badges
        counts = {k[2:]: v for k, v in counted[relation].items() if k.startswith("n_") and k != "n_targets" and v}
        assert counts == {badge.replace(" ", "_"): n for badge, n in badges.items()}, relation
        for badge, n in badges.items():
            assert f"{n} {target_verdicts.verdict_word(badge, lang)}" in report.narrative_markdown()
    rendered = Counter(re.findall(r'class="nq57-badge nq57-badge-([a-z-]+)"', report.reader_html()))
    assert rendered == {badge.replace(" ", "-"): n for badge, n in shown.items()}


@pytest.mark.parametrize("geo", ["vinh-phuc", "phu-tho-2025", "vn"])
def test_every_source_id_resolves(pkg, build, geo):
    report = build(geo)
    known = set(pkg.sources["source_id"])
    shown = set(report.sources["source_id"])
    for name, table in report.tables.items():
        for column in ("target_source_id", "latest_source_id", "source_id"):
            if column in table:
                ids = {s for v in table[column].dropna() for s in str(v).split(";")}
                assert ids <= shown, f"{name}.{column}: {sorted(ids - shown)} not in sources"
    # No ids in the reader's view: the summary names no source id, the table links each source.
    assert not re.search(r"[a-z0-9]-[0-9a-f]{8}\b", report.narrative_markdown())
    links = {html.unescape(u) for u in re.findall(r'<a href="([^"]+)"', report.reader_html())}
    assert links and links <= set(report.sources["url"])
    assert shown <= known
    assert report.sources["url"].str.match(r"^https?://").all()


def test_assumptions_table_is_short_and_says_so(build):
    report = build("vinh-phuc")
    assert list(report.assumptions["name"]) == ["as_of_year"]
    assert report.assumptions["kind"].tolist() == ["derived"]
    assert report.narrative[-1] == target_verdicts.t("verdict.rule_text", "en")  # the one rule, stated once


def test_figures_highlight_the_right_bars(pkg, build):
    report = build("phu-tho-2025")
    assert list(report.panels) == [p.key for p in sc.PANELS] and all(not t.empty for t in report.panels.values())
    charts = report.charts()
    assert len(charts) == len(sc.PANELS)
    chart = charts[[p.key for p in sc.PANELS].index("dti_rank_basis_63")]
    assert chart.png.startswith(b"\x89PNG") and "Phu Tho is" in chart.alt
    fig = chart.figure()  # the chart the PNG shows, as a Figure
    bars = fig.axes[0].patches
    table = report.tables["panel_dti_rank_basis_63"]
    orange = [b for b in bars if to_hex(b.get_facecolor()) == PALETTE["orange"].lower()]
    assert len(bars) == len(table) and len(orange) == (table["highlight"] == "old unit").sum() == 3
    publisher = pkg.sources.set_index("source_id").at["dti-4a6c02a2", "publisher"]
    assert "Source" in fig.texts[-1].get_text() and publisher in fig.texts[-1].get_text()
    assert "dti-4a6c02a2" not in fig.texts[-1].get_text()  # publishers' names, not ids, in the reader's view
    vi = build("vinh-phuc", "vi").charts()[[p.key for p in sc.PANELS].index("pii_rank_basis_34")].figure()
    assert "Thứ hạng" in vi.axes[0].get_xlabel() and "Nguồn" in vi.texts[-1].get_text()
    de = build("vinh-phuc", "vi").charts()[0].figure()
    assert "22,87" in {t.get_text() for t in de.axes[0].texts}  # the Vietnamese decimal mark on the bars


def test_plot_panel_rejects_bad_input():
    with pytest.raises(ParameterError, match="table"):
        plot_panel(pd.DataFrame({"geo_id": []}), kind="rank", title="t")
    with pytest.raises(ParameterError, match="kind"):
        plot_panel(pd.DataFrame({"geo_id": ["a"], "name": ["A"], "value": [1.0], "highlight": [""]}), kind="bar",
                   title="t")


def test_results_save_as_json(build, tmp_path):
    from nq57lib.results_files import save_results

    report = build("vinh-phuc")
    params = Parameters("scorecard", {"geo": "vinh-phuc", "lang": "en", "output_dir": str(tmp_path)})
    save_results(params, report.results.tables, report.results.scalars)
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved["scalars"]["de_share_latest_pct"] == 22.87
    assert {"targets", "national_targets", "panel_dti_rank_basis_63", "sources"} <= set(saved["tables"])


def test_reader_table_shows_the_value_the_verdict_uses_and_says_other_definition(pkg, build):
    """A target whose year has passed shows its target-year value and year (what met / not met judged),
    not the latest; a target with data only on another definition says 'other definition', not 'no data'."""
    import re

    from nq57lib.formatting import fmt_number

    report = build("vinh-phuc")
    r23 = row(report, "vinh-phuc-grdp-growth-2023")
    assert r23["assessment"] in ("met", "not met") and r23["latest_year"] != 2023
    html = report.reader_html()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert any(c.startswith(f"{fmt_number(r23['target_year_value'], 'en', 2)} % (2023") for c in cells)
    nation = build("vn")
    assert row(nation, "vn-egdi-rank-sea-2030")["assessment"] == "no data on the target's definition"
    assert "no data on the target&#x27;s definition" in nation.reader_html() or \
        "no data on the target's definition" in nation.reader_html()
    assert "không có số liệu theo cách tính của mục tiêu" in build("vn", "vi").reader_html()


@pytest.mark.parametrize("geo", ["vn", "vinh-phuc", "phu-tho-2025"])
def test_a_share_target_reads_the_same_in_the_scorecard_and_the_digital_economy_report(pkg, build, geo):
    """One verdict per target: the scorecard's verdict of each digital-economy share target is the verdict and
    evidence of the digital-economy report's answer (one rule: ``target_verdicts``)."""
    from test_digital_economy import build as build_digital_economy

    from nq57lib import digital_economy as de

    report = build_digital_economy(pkg, geo, n_paths=2000)
    answer = de.one_minute_answer(report)
    answered = {r["target_id"]: (r["verdict"], r["evidence"]) for r in report.tables["verdicts"].to_dict("records")}
    assert answer.frame["target_id"].tolist() == list(answered)
    card = build(geo).tables["verdicts"]
    shares = card[card["indicator_id"] == "de_share_pct"]
    verdicts = {r["target_id"]: (r["verdict"], r["evidence"]) for r in shares.to_dict("records")}
    assert answered and {t: verdicts[t] for t in answered} == answered


def test_steps_see_an_edit_of_the_package_between_them():
    """The steps share one series cache per package object; an edit of the tables between steps is seen."""
    pkg = data_package.load_package()
    selection = target_assessment.select_targets(pkg, "vinh-phuc")
    first = target_assessment.latest_values(pkg, selection, "en").set_index("target_id")
    row = first.dropna(subset=["latest_source_id"]).iloc[0]
    obs = pkg.observations
    hit = ((obs["geo_id"] == row["set_by_geo_id"]) & (obs["indicator_id"] == row["indicator_id"])
           & (obs["year"] == row["latest_year"]) & (obs["source_id"] == row["latest_source_id"]))
    pkg.observations.loc[hit, "value"] = 12.5
    again = target_assessment.latest_values(pkg, selection, "en").set_index("target_id")
    assert again.loc[row.name, "latest_value"] == 12.5 != row["latest_value"]


def test_panels_list_the_34_units_from_2024_and_keep_a_named_basis(pkg):
    # Issue 23: a 2024-onward panel lists the 34 units (and the nation), never an old province; a
    # basis_63 concept keeps the 63 provinces; a rank known only as a bound is not placed.
    units_34 = set(geography.units(pkg, "34"))
    growth = sc.cross_province_panels(pkg, "vinh-phuc", "en")["grdp_growth"]
    assert growth["year"].iloc[0] == 2025 and set(growth["geo_id"]) - {"vn"} <= units_34
    assert len(growth) >= 30 and "vn" in set(growth["geo_id"])
    assert growth.loc[growth["highlight"] == "successor", "geo_id"].tolist() == ["phu-tho-2025"]
    candidates = sc.panel_candidates(pkg, "grdp_growth_pct", "standard")
    old = set(geography.units(pkg, "63")) - units_34
    assert not (candidates["geo_id"].isin(old) & (candidates["year"] >= sc.PANEL_34_FROM)).any()
    assert (candidates["geo_id"].isin(old) & (candidates["year"] < sc.PANEL_34_FROM)).any()
    dti63 = sc.panel_candidates(pkg, "dti_rank", "basis_63")
    assert set(dti63.loc[dti63["year"] == 2024, "geo_id"]) & old  # old provinces ranked among 63 in 2024
    dti34 = sc.cross_province_panels(pkg, "hung-yen-2025", "en")["dti_rank_basis_34"]
    assert dti34["year"].iloc[0] == 2024 and "hung-yen-2025" not in set(dti34["geo_id"])  # ">= 32" only
    assert set(dti34["geo_id"]) <= units_34
