"""Loading, validation, the best-observation rule, user files, merger sums, geography lookup."""

from __future__ import annotations


import pandas as pd
import pytest

from nq57lib import coverage, data_package, geography, series_ranking
from nq57lib.errors import DataError, ParameterError

from conftest import HEADERS, OBSERVATIONS, _obs, write_csv

N_OBS = len(HEADERS["observations"])  # the observations schema's number of columns


def load(root, **kw):
    return data_package.load_package(root, use_env=False, **kw)


# ---------------------------------------------------------------- loading and types

def test_loads_typed_tables(mini_root):
    pkg = load(mini_root)
    assert len(pkg.observations) == len(OBSERVATIONS)
    assert str(pkg.observations["year"].dtype) == "Int64"
    assert str(pkg.observations["value"].dtype) == "Float64"
    assert str(pkg.indicators["is_additive"].dtype) == "boolean"
    assert pkg.geography.loc[pkg.geography["geo_id"] == "vinh-phuc", "valid_to"].iloc[0] == pd.Timestamp("2025-06-30")
    assert len(pkg.checksum) == 64


def test_checksum_changes_with_data(mini_root):
    before = data_package.data_checksum(mini_root)
    with open(mini_root / "observations.csv", "a", encoding="utf-8") as fh:
        fh.write("vn,grdp_growth_pct,2024,7.09,% y/y,official,standard,2025-01,src-gso,,,,\n")
    assert data_package.data_checksum(mini_root) != before


# ---------------------------------------------------------------- best observation

def test_statistics_office_beats_newer_press(mini_root):
    s = series_ranking.series(load(mini_root), "vinh-phuc", "grdp_current_bn_vnd")
    row = s[s["year"] == 2024].iloc[0]
    assert row["value"] == 173140
    assert row["source_id"] == "src-gso"
    assert row["n_candidates"] == 2


def test_attributed_tier_then_newer_release(mini_root):
    # Both 2022 nso values are statistics-office figures (one relayed by the press); the newer release wins.
    s = series_ranking.series(load(mini_root), "vn", "de_share_pct", concept="nso")
    assert s.loc[s["year"] == 2022, "value"].item() == 12.83
    assert s.loc[s["year"] == 2022, "tier"].item() == "statistics_office"


def test_newer_release_wins_within_a_tier(mini_root):
    extra = mini_root / "extra.csv"
    write_csv(extra, "observations", [
        _obs("vn", "de_share_pct", 2022, 12.90, "% of GRDP", concept="nso", published="2025-06", source="src-gso",
             status="estimate"),
    ])
    # Same key as a shipped row except status; the newer release (2025-06 > 2025-01) wins despite weaker status.
    s = series_ranking.series(load(mini_root, extra_observations=extra), "vn", "de_share_pct", concept="nso")
    assert s.loc[s["year"] == 2022, "value"].item() == 12.90


def test_definitions_are_never_mixed(mini_root):
    pkg = load(mini_root)
    nso = series_ranking.series(pkg, "vn", "de_share_pct")  # default concept: the first declared (nso)
    ministry = series_ranking.series(pkg, "vn", "de_share_pct", concept="ministry")
    assert set(nso["concept"]) == {"nso"} and nso["value"].tolist() == [12.83]
    assert ministry["value"].tolist() == [14.26]
    # Vinh Phuc has only the ministry measure, so that is its default.
    assert series_ranking.series(pkg, "vinh-phuc", "de_share_pct")["concept"].tolist() == ["ministry"]


def test_series_break_segments(mini_root):
    s = series_ranking.series(load(mini_root), "vinh-phuc", "grdp_current_bn_vnd")
    assert dict(zip(s["year"], s["segment"])) == {2018: 0, 2019: 1, 2024: 1}


def test_statuses_filter(mini_root):
    s = series_ranking.series(load(mini_root), "vinh-phuc", "grdp_current_bn_vnd", statuses=["estimate"])
    assert s["value"].tolist() == [172500]


def test_unknown_concept_is_rejected(mini_root):
    with pytest.raises(ParameterError, match="parameter 'concept'"):
        series_ranking.series(load(mini_root), "vn", "de_share_pct", concept="gso")


def test_unknown_indicator_suggests(mini_root):
    with pytest.raises(ParameterError, match="did you mean 'de_share_pct'"):
        series_ranking.series(load(mini_root), "vn", "de_share_pc")


# ---------------------------------------------------------------- user-supplied files

def test_user_csv_is_merged(mini_root):
    extra = write_csv(mini_root / "mine.csv", "observations", [
        _obs("hoa-binh", "grdp_growth_pct", 2024, 9.0, "% y/y", status="estimate", source="src-press"),
    ])
    pkg = load(mini_root, extra_observations=extra)
    assert len(pkg.observations) == len(OBSERVATIONS) + 1
    assert series_ranking.series(pkg, "hoa-binh", "grdp_growth_pct")["value"].tolist() == [9.0]
    assert pkg.extra_files == (str(extra),)


def test_user_excel_with_own_sources(mini_root):
    obs = pd.DataFrame([_obs("ha-noi", "grdp_growth_pct", 2024, 6.5, "% y/y", source="my-report")],
                       columns=HEADERS["observations"])
    src = pd.DataFrame([dict(source_id="my-report", publisher="Me", title="Field notes", url="https://example.org/me",
                             published="2025", tier="other", kind="other", language="en")])
    path = mini_root / "mine.xlsx"
    with pd.ExcelWriter(path) as writer:
        obs.to_excel(writer, sheet_name="observations", index=False)
    src_path = mini_root / "mine_sources.csv"
    write_csv(src_path, "sources", src.to_dict("records"))
    pkg = load(mini_root, extra_observations=path, extra_sources=src_path)
    assert series_ranking.series(pkg, "ha-noi", "grdp_growth_pct")["source_id"].tolist() == ["my-report"]


def test_user_file_from_environment(mini_root, monkeypatch):
    extra = write_csv(mini_root / "env.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y")])
    monkeypatch.setenv("NQ57_EXTRA_OBSERVATIONS", str(extra))
    pkg = data_package.load_package(mini_root)
    assert 2023 in series_ranking.series(pkg, "ha-noi", "grdp_growth_pct")["year"].tolist()


def test_user_file_with_markup_is_rejected(mini_root):
    extra = write_csv(mini_root / "xss.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", note="<script>alert(1)</script>")])
    with pytest.raises(DataError, match=r"xss\.csv row 2 column 'note': text looks like HTML markup"):
        load(mini_root, extra_observations=extra)


def test_user_file_duplicating_shipped_key_is_rejected(mini_root):
    extra = write_csv(mini_root / "dup.csv", "observations", [OBSERVATIONS[0]])
    with pytest.raises(DataError, match=r"dup\.csv row 2: duplicate key"):
        load(mini_root, extra_observations=extra)


def test_user_file_with_unknown_source_names_its_row(mini_root):
    extra = write_csv(mini_root / "bad.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", source="nowhere")])
    with pytest.raises(DataError, match=r"bad\.csv row 2 column 'source_id': unknown source id 'nowhere'"):
        load(mini_root, extra_observations=extra)


# ---------------------------------------------------------------- bad files

def _rewrite(path, transform):
    text = path.read_text(encoding="utf-8")
    path.write_text(transform(text), encoding="utf-8")


@pytest.mark.parametrize("mutate, pattern", [
    (lambda t: t.replace("geo_id,indicator_id", "geo,indicator_id", 1),
     r"observations\.csv row 1 column 'geo_id': missing column"),
    (lambda t: t.replace(",note_vi\n", ",note_vi,extra\n", 1).replace("\n", ",\n").replace(",note_vi,extra,\n", ",note_vi,extra\n", 1),
     r"observations\.csv row 1 column 'extra': unexpected column"),
    (lambda t: t.replace(",2024,,173140,", ",2024,,lots,", 1), r"row \d+ column 'value': expected a number, got 'lots'"),
    (lambda t: t.replace(",2024,,173140,", ",20x4,,173140,", 1), r"row \d+ column 'year': expected an integer"),
    (lambda t: t.replace(",official,", ",final,", 1), r"row 2 column 'status': 'final' is not one of"),
    (lambda t: t.replace(",12.83,", ",112.83,", 1), r"row 2 column 'value': value 112.83 is outside the bounds of de_share_pct \[0, 100\]"),
    (lambda t: t.replace(",12.83,", ",inf,", 1), r"row 2 column 'value': .*finite"),
    (lambda t: t.replace(",src-gso,", ",src-gzo,", 1), r"row 2 column 'source_id': unknown source id 'src-gzo'; did you mean 'src-gso'"),
    (lambda t: t.replace("vinh-phuc,de_share_pct", "vinh-phucc,de_share_pct", 1), r"column 'geo_id': unknown geography id 'vinh-phucc'"),
    (lambda t: t.replace("% of GRDP", "percent", 1), r"row 2 column 'unit': unit 'percent' differs from indicator de_share_pct"),
    (lambda t: t.replace(",nso,", ",gso,", 1), r"row 2 column 'concept': concept 'gso' is not one of"),
    (lambda t: t + t.splitlines()[1] + "\n", r"row 16: duplicate key .*same key is on row 2"),
    (lambda t: t[: t.rindex(",")], rf"row \d+: expected {N_OBS} fields, found {N_OBS - 1}; is the file truncated"),
    (lambda t: t + '"vn,unclosed\n', rf"observations\.csv.*(malformed CSV|expected {N_OBS} fields)"),
    (lambda t: t.replace(",2025-01,", ",Jan 2025,", 1), r"row 2 column 'published': 'Jan 2025' does not match"),
])
def test_bad_observation_files(mini_root, mutate, pattern):
    _rewrite(mini_root / "observations.csv", mutate)
    with pytest.raises(DataError, match=pattern):
        load(mini_root)


def test_empty_file(mini_root):
    (mini_root / "observations.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"observations\.csv: file is empty"):
        load(mini_root)


def test_bad_encoding_names_the_row(mini_root):
    raw = (mini_root / "observations.csv").read_bytes()
    lines = raw.split(b"\n")
    lines[3] = lines[3].replace(b"estimate", "estimaté".encode("cp1258"))
    (mini_root / "observations.csv").write_bytes(b"\n".join(lines))
    with pytest.raises(DataError, match=r"observations\.csv row 4: not valid UTF-8"):
        load(mini_root)


def test_bad_boolean_in_indicators(mini_root):
    _rewrite(mini_root / "indicators.csv", lambda t: t.replace(",false,0,100,", ",nope,0,100,", 1))
    with pytest.raises(DataError, match=r"indicators\.csv row 2 column 'is_additive': expected true or false"):
        load(mini_root)


def test_bad_target_between(mini_root):
    _rewrite(mini_root / "targets.csv", lambda t: t.replace(",>=,30,", ",between,30,", 1))
    with pytest.raises(DataError, match=r"targets\.csv row 2 column 'value_high': comparator 'between' needs"):
        load(mini_root)


def test_checksum_mismatch(mini_root):
    data_package.rehash(mini_root)
    load(mini_root)  # consistent after rehash
    _rewrite(mini_root / "targets.csv", lambda t: t.replace(",30,", ",31,", 1))
    with pytest.raises(DataError, match=r"targets\.csv: contents do not match the sha256 checksum"):
        load(mini_root)


def test_nothing_loaded_half_way(mini_root):
    good = load(mini_root)
    _rewrite(mini_root / "targets.csv", lambda t: t.replace("vp-de-2030,vinh-phuc", "vp-de-2030,atlantis", 1))
    with pytest.raises(DataError):
        load(mini_root)
    assert len(good.targets) == 2  # an earlier result is untouched; no partial package is returned


# ---------------------------------------------------------------- merger

def test_merger_sum_when_every_old_unit_reports(mini_root):
    m = series_ranking.merged_series(load(mini_root), "phu-tho-2025", "grdp_current_bn_vnd")
    row = m[m["year"] == 2024].iloc[0]
    assert row["value_sum"] == 173140 + 107300 + 72180
    assert row["value_published"] == 354600
    assert row["value"] == row["value_sum"] and row["basis"] == "sum of old units"
    assert row["status"] == "preliminary"


def test_merger_year_missing_with_reason(mini_root):
    m = series_ranking.merged_series(load(mini_root), "phu-tho-2025", "grdp_current_bn_vnd")
    row = m[m["year"] == 2019].iloc[0]
    assert pd.isna(row["value"])
    assert "missing for phu-tho" in row["reason"]


def test_merger_post_merger_year_uses_published(mini_root):
    m = series_ranking.merged_series(load(mini_root), "phu-tho-2025", "grdp_current_bn_vnd")
    row = m[m["year"] == 2025].iloc[0]
    assert row["value"] == 412400 and row["basis"] == "published for the new unit"


def test_share_combined_only_through_parts(mini_root):
    m = series_ranking.merged_series(load(mini_root), "phu-tho-2025", "de_share_pct")
    assert m["value"].isna().all()
    assert "only through its parts" in m.attrs["reason"] or m["reason"].str.contains("only through its parts").all()


def test_share_from_parts_when_available(mini_root):
    extra = write_csv(mini_root / "parts.csv", "observations", [
        _obs(g, "de_value_added_bn_vnd", 2024, v, "bn VND", concept="ministry", status="estimate")
        for g, v in (("vinh-phuc", 40000), ("phu-tho", 10000), ("hoa-binh", 5000))])
    m = series_ranking.merged_series(load(mini_root, extra_observations=extra), "phu-tho-2025", "de_share_pct",
                           concept="ministry")
    row = m[m["year"] == 2024].iloc[0]
    assert row["value"] == pytest.approx(100 * 55000 / (173140 + 107300 + 72180))
    assert row["status"] == "estimate"


def test_non_additive_not_combined(mini_root):
    m = series_ranking.merged_series(load(mini_root), "phu-tho-2025", "grdp_growth_pct")
    assert m.empty and "not additive" in m.attrs["reason"]


# ---------------------------------------------------------------- geography

@pytest.mark.parametrize("text, expected", [
    ("vinh-phuc", "vinh-phuc"), ("Vĩnh Phúc", "vinh-phuc"), ("VINH PHUC", "vinh-phuc"), ("Hoà Bình", "hoa-binh"),
    ("phu-tho", "phu-tho"), ("phu-tho-2025", "phu-tho-2025"), ("TP. Hà Nội", "ha-noi"), ("Viet Nam", "vn"),
])
def test_resolve_geo(mini_root, text, expected):
    assert geography.resolve_geo(text, load(mini_root)) == expected


@pytest.mark.parametrize("text", ["vinh-phuk", "Vinh Phu"])
def test_resolve_geo_suggests(mini_root, text):
    with pytest.raises(ParameterError, match=r"parameter 'geo': unknown geography .*did you mean 'vinh-phuc'"):
        geography.resolve_geo(text, load(mini_root))


@pytest.mark.parametrize("text", ["../etc/passwd", "/abs", "a\x00b", "", 7])
def test_resolve_geo_rejects_non_ids(mini_root, text):
    with pytest.raises(ParameterError, match="parameter 'geo'"):
        geography.resolve_geo(text, load(mini_root))


def test_units_and_successors(mini_root):
    pkg = load(mini_root)
    assert geography.old_units(pkg, "phu-tho-2025") == ["hoa-binh", "phu-tho", "vinh-phuc"]
    assert geography.successor(pkg, "vinh-phuc") == "phu-tho-2025"
    assert geography.units(pkg, "63") == ["ha-noi", "hoa-binh", "phu-tho", "vinh-phuc"]
    assert geography.units(pkg, "34") == ["ha-noi", "phu-tho-2025"]


def test_available_geos(mini_root):
    from nq57lib import registry

    avail = registry.available_geos("digital_economy", load(mini_root))
    assert avail["vinh-phuc"] is None and avail["phu-tho-2025"] is None  # via its old unit
    assert "no observations of de_share_pct" in avail["ha-noi"]


def test_coverage_summary(mini_root):
    summary = coverage.coverage_summary(load(mini_root))
    row = summary[(summary["geo_id"] == "vinh-phuc") & (summary["indicator_id"] == "grdp_current_bn_vnd")].iloc[0]
    assert (row["n_obs"], row["first_year"], row["last_year"], row["n_years"]) == (4, 2018, 2024, 3)
    assert row["n_sources"] == 2 and row["sources"] == "src-gso;src-press"


# ---------------------------------------------------------------- issue 11: rule steps, dates, bounds

SRC_BLOG = dict(source_id="src-blog", publisher="Blog", title="Repost", url="https://example.org/blog",
                published="2026-02", tier="other", kind="other", language="vi")
SRC_UNDATED = dict(source_id="src-undated", publisher="Portal", title="Page", url="https://example.org/page",
                   tier="government_portal", kind="official_portal", language="vi")


def _with(mini_root, observations, sources=()):
    src = write_csv(mini_root / "more_sources.csv", "sources", list(sources)) if sources else None
    obs = write_csv(mini_root / "more.csv", "observations", observations)
    return load(mini_root, extra_observations=obs, extra_sources=src)


def test_later_revision_of_the_same_producer_wins_whoever_reposts_it(mini_root):
    # A press repost of a newer statistics-office figure supersedes the office's own older release.
    # (Issue 23: a figure that contradicts a known one of the same status must state the revision.)
    pkg = _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2019, 119100, "bn VND", source="src-press",
                                 published="2026-01-05", attributed_to="statistics_office",
                                 note="Revises src-gso: the office's revised 2019 level.")])
    row = series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd").set_index("year").loc[2019]
    assert (row["value"], row["chosen_by"]) == (119100, "later revision by the same producer")


def test_producer_beats_a_newer_unattributed_repost(mini_root):
    # Issue 23: the yearbook (published by the statistics office) now wins at the attribution step,
    # which comes before the kind of publication.
    pkg = _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2019, 118000, "bn VND", status="estimate",
                                 source="src-blog", published="2026-02")], [SRC_BLOG])
    row = series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd").set_index("year").loc[2019]
    assert (row["value"], row["chosen_by"]) == (118958, "attributed to a producer")


def test_kind_of_publication_decides_between_figures_of_the_same_attribution(mini_root):
    # Neither attributed: the official portal beats the newer blog post.
    portal = dict(SRC_UNDATED, source_id="src-portal", published="2025-03")
    pkg = _with(mini_root, [
        _obs("ha-noi", "grdp_growth_pct", 2024, 6.52, "% y/y", status="estimate", source="src-portal",
             published="2025-03"),
        _obs("ha-noi", "grdp_growth_pct", 2024, 6.50, "% y/y", status="estimate", source="src-blog",
             published="2026-02")], [portal, SRC_BLOG])
    row = series_ranking.series(pkg, "ha-noi", "grdp_growth_pct").set_index("year").loc[2024]
    assert (row["value"], row["chosen_by"]) == (6.52, "kind of publication")


def test_figure_attributed_to_a_producer_beats_an_unattributed_one_whatever_the_outlet(mini_root):
    # Issue 23 (old Phú Thọ 2024): an aggregator quoting the statistics office's preliminary figure
    # beats a newspaper's unattributed figure, although the newspaper is the better kind of outlet.
    def blog_attributed_to(who: str):
        """The blog's 107,300 attributed to ``who`` against the newspaper's unattributed 109,200."""
        pkg = _with(mini_root, [
            _obs("ha-noi", "grdp_current_bn_vnd", 2024, 107300, "bn VND", status="preliminary", source="src-blog",
                 published="2025-04", attributed_to=who),
            _obs("ha-noi", "grdp_current_bn_vnd", 2024, 109200, "bn VND", status="preliminary", source="src-press",
                 published="2025-06")], [SRC_BLOG])
        return pkg, series_ranking.series(pkg, "ha-noi", "grdp_current_bn_vnd").set_index("year").loc[2024]

    pkg, row = blog_attributed_to("statistics_office")
    assert (row["value"], row["chosen_by"]) == (107300, "attributed to a producer")
    table = series_ranking.audit(pkg, "ha-noi", "grdp_current_bn_vnd")
    assert table["attributed_to"].fillna("").tolist() == ["statistics_office", ""]
    assert table["why"].tolist() == ["attributed to a producer", "lost on: attributed to a producer"]
    # attribution to a non-producer (a portal) does not count as a producer's figure
    _, row = blog_attributed_to("government_portal")
    assert (row["value"], row["chosen_by"]) == (109200, "kind of publication")


def test_unrounded_figure_beats_its_rounded_highlight(mini_root):
    pkg = _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2019, 119000, "bn VND", status="preliminary",
                                 published="2020", is_rounded="true")])
    s = series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd").set_index("year")
    assert (s.loc[2019, "value"], s.loc[2019, "chosen_by"]) == (118958, "unrounded figure over its rounded highlight")


def test_point_value_beats_a_bound_and_a_lone_bound_says_so(mini_root):
    pkg = _with(mini_root, [
        _obs("vinh-phuc", "grdp_current_bn_vnd", 2019, 118000, "bn VND", published="2020", comparator=">",
             status="preliminary"),
        _obs("vinh-phuc", "grdp_current_bn_vnd", 2021, 135000, "bn VND", published="2021-11", comparator=">",
             status="estimate"),
    ])
    s = series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd").set_index("year")
    assert (s.loc[2019, "value"], s.loc[2019, "chosen_by"]) == (118958, "point value over a bound")
    assert pd.isna(s.loc[2019, "comparator"])
    assert (s.loc[2021, "value"], s.loc[2021, "comparator"]) == (135000, ">")


def test_audit_lists_every_candidate_with_why(mini_root):
    table = series_ranking.audit(load(mini_root), "vinh-phuc", "grdp_current_bn_vnd")
    year = table[table["year"] == 2024]
    assert year["rank"].tolist() == [1, 2]
    # the statistics office's figure wins at the attribution step (issue 23), before the kind of outlet
    assert year["why"].tolist() == ["attributed to a producer", "lost on: attributed to a producer"]
    assert year["chosen"].tolist() == [True, False]
    assert table.loc[table["year"] == 2018, "why"].item() == "only candidate"


def test_undated_source_needs_a_reason(mini_root):
    obs = [_obs("ha-noi", "grdp_growth_pct", 2024, 6.5, "% y/y", status="estimate", source="src-undated",
                published="")]
    with pytest.raises(DataError, match=r"more_sources\.csv row 2 column 'published': .*no publication date"):
        _with(mini_root, obs, [SRC_UNDATED])
    dated = _with(mini_root, obs, [dict(SRC_UNDATED, date_note="Listing page without a date.")])
    assert "src-undated" in set(dated.observations["source_id"])


@pytest.mark.parametrize("status, ok", [("official", False), ("preliminary", False), ("estimate", True),
                                        ("plan", True)])
def test_no_observed_figure_for_a_year_after_its_release(mini_root, status, ok):
    # 2025: after the source's release (2024) but not a future year (issue 24 refuses future estimates;
    # this test used 2028, which is now refused for every status but plan)
    obs = [_obs("ha-noi", "grdp_growth_pct", 2025, 6.5, "% y/y", status=status, source="src-press-old",
                published="")]
    if ok:
        assert len(_with(mini_root, obs).observations) == len(OBSERVATIONS) + 1
    else:
        with pytest.raises(DataError, match=r"more\.csv row 2 column 'year': .*2025 but its source was released in 2024"):
            _with(mini_root, obs)


def test_merged_growth_is_not_computed_across_a_change_of_basis(mini_root):
    m = series_ranking.merged_series(load(mini_root), "phu-tho-2025", "grdp_current_bn_vnd").set_index("year")
    assert m.loc[2024, "basis"] == "sum of old units"
    assert m.loc[2025, "basis"] == "published for the new unit"
    assert pd.isna(m.loc[2025, "growth_pct"])
    assert "basis changes from sum of old units (2024) to published for the new unit (2025)" in m.loc[2025, "reason"]


def test_user_file_without_the_new_optional_columns_still_loads(mini_root):
    # A researcher's file written before comparator / is_rounded / is_concept_inferred existed: they read as empty.
    header = [h for h in HEADERS["observations"] if h not in ("comparator", "is_rounded", "is_concept_inferred", "note_vi")]
    path = mini_root / "old.csv"
    path.write_text(",".join(header) + "\n" + "ha-noi,grdp_growth_pct,2024,6.5,% y/y,estimate,standard,2025,src-gso,,,,\n",
                    encoding="utf-8")
    pkg = load(mini_root, extra_observations=path)
    row = series_ranking.series(pkg, "ha-noi", "grdp_growth_pct").iloc[0]
    assert row["value"] == 6.5 and pd.isna(row["comparator"])


def test_an_inferred_concept_is_flagged_and_must_say_how(mini_root):
    # A figure whose source does not state its scope: flagged, with the note saying how the concept was read.
    flagged = _obs("hoa-binh", "budget_expenditure_bn_vnd", 2019, 11255.69, "bn VND", status="estimate",
                   concept="local_excl_carryover", published="2020", is_concept_inferred="true",
                   note="The page does not say how carry-over is treated.")
    pkg = _with(mini_root, [flagged])
    row = series_ranking.observations_for(pkg, "hoa-binh", "budget_expenditure_bn_vnd").iloc[0]
    assert bool(row["is_concept_inferred"])
    with pytest.raises(DataError, match=r"more\.csv row 2 column 'note': is_concept_inferred is true but the note "
                                        r"is empty"):
        _with(mini_root, [{**flagged, "note": ""}])
    with pytest.raises(DataError, match=r"more\.csv row 2 column 'is_concept_inferred': .*grdp_growth_pct has one "
                                        r"concept only"):
        _with(mini_root, [_obs("ha-noi", "grdp_growth_pct", 2024, 6.5, "% y/y", status="estimate",
                               is_concept_inferred="true", note="Read as the standard concept.")])


def test_shipped_figures_whose_scope_the_source_does_not_state_are_flagged():
    obs = data_package.load_package().observations
    flagged = obs[obs["is_concept_inferred"].fillna(False).astype(bool)]
    keys = set(zip(flagged["geo_id"], flagged["indicator_id"], flagged["year"]))
    assert ("hoa-binh", "budget_expenditure_bn_vnd", 2019) in keys  # the new Phu Tho's default base rests on it
    assert ("vinh-phuc", "budget_expenditure_bn_vnd", 2023) in keys
    says_so = obs["note"].fillna("").str.contains("does not say how carry-over")
    assert flagged.index.isin(obs[says_so].index).sum() == says_so.sum()


def _rank_alone(cands: pd.DataFrame) -> pd.DataFrame:
    """The ranking as it was computed before the whole package was ranked at once (one series' candidates,
    a Python loop for chosen_by): an independent reference for rank_observations."""
    keys = series_ranking._rule_keys(cands)
    order = [col for col, _ in series_ranking.RULE_STEPS]
    groups = ["geo_id", "concept", "year"]
    ranked = keys.sort_values([*groups, *order], kind="mergesort")
    ranked["rank"] = ranked.groupby(groups).cumcount() + 1
    ranked["chosen_by"] = ""
    for _, group in ranked.groupby(groups, sort=False):
        first = group.index[0]
        if len(group) == 1:
            ranked.loc[first, "chosen_by"] = series_ranking.ONLY_CANDIDATE
            continue
        second = group.index[1]
        ranked.loc[first, "chosen_by"] = next(
            (words for col, words in series_ranking.RULE_STEPS if ranked.loc[first, col] != ranked.loc[second, col]),
            "source id (tie)")
    return ranked.drop(columns=order[:-1])


def _series_ranked_alone(pkg, geo_id, indicator_id, concept, statuses, provenance):
    """series as it was computed before the whole package was ranked at once: its own candidates only
    (``provenance``: every observation with its provenance, row by row, from which they are taken)."""
    picked = (provenance["geo_id"] == geo_id) & (provenance["indicator_id"] == indicator_id)
    cands = provenance[picked.to_numpy()].reset_index(drop=True)
    if statuses is not None:
        cands = cands[cands["status"].isin(list(statuses))]
    cands = cands[cands["concept"] == concept]
    if cands.empty:  # nothing to rank (most series under the plan filter)
        return pd.DataFrame(columns=series_ranking.SERIES_COLUMNS)
    ranked = _rank_alone(cands)
    best = ranked[ranked["rank"] == 1].copy()
    best["n_candidates"] = best["year"].map(ranked.groupby("year").size())
    best["published"] = best["released"]
    brk = pkg.indicator(indicator_id)["series_break_year"]
    best["segment"] = 0 if pd.isna(brk) else (best["year"] >= int(brk)).astype(int)
    best["segment"] = best["segment"] + series_ranking.method_break_segments(pkg, best)  # a figure flagged 'Method break:'
    best["value"] = best["value"].astype(float)
    return best[series_ranking.SERIES_COLUMNS].reset_index(drop=True)


RANKING_SHARDS = 2  # every series is checked; the shards only let two workers share the work


@pytest.mark.parametrize("shard", range(RANKING_SHARDS))
@pytest.mark.parametrize("statuses", [None, ("official", "preliminary", "estimate"), ("plan",)])
def test_whole_package_ranking_ranks_each_series_as_alone(statuses, shard):
    """series ranks the whole package at once; every series must be what ranking its own candidates alone
    gives (contests never cross indicators that share a concept name), for each status filter."""
    pkg = data_package.load_package()
    pairs = list(pkg.observations[["geo_id", "indicator_id", "concept"]].drop_duplicates().itertuples(index=False))
    assert len(pairs) > 100
    provenance = series_ranking.with_provenance(pkg, pkg.observations)  # row by row: one series' rows are its own
    for geo_id, indicator_id, _ in pairs[shard::RANKING_SHARDS * 8]:  # its slices are each series' own candidates
        own = (provenance["geo_id"] == geo_id) & (provenance["indicator_id"] == indicator_id)
        assert provenance[own].reset_index(drop=True).equals(series_ranking.observations_for(pkg, geo_id, indicator_id))
    for geo_id, indicator_id, concept in pairs[shard::RANKING_SHARDS]:
        got = series_ranking.series(pkg, geo_id, indicator_id, concept, statuses)
        expected = _series_ranked_alone(pkg, geo_id, indicator_id, concept, statuses, provenance)
        if expected.empty:
            assert got.empty
            continue
        pd.testing.assert_frame_equal(got, expected, obj=f"{geo_id} {indicator_id} {concept} {statuses}")


def test_shared_concept_names_do_not_compete_across_indicators():
    """Several indicators use the concept 'standard': ranked together, each keeps its own winners."""
    pkg = data_package.load_package()
    everything = series_ranking.rank_observations(series_ranking.with_provenance(pkg, pkg.observations))
    winners = everything[everything["rank"] == 1]
    assert not winners.duplicated(["geo_id", "indicator_id", "concept", "year"]).any()
    per_contest = everything.groupby(["geo_id", "indicator_id", "concept", "year"])["rank"].agg(["min", "max", "size"])
    assert (per_contest["min"] == 1).all() and (per_contest["max"] == per_contest["size"]).all()
    shared = pkg.observations.groupby("concept")["indicator_id"].nunique()
    assert (shared > 1).any()  # the case this test is about exists in the shipped data


def test_an_edited_table_is_seen_by_the_next_lookup():
    """Rankings are kept per package object, but an edit of its tables (in place) is never hidden."""
    pkg = data_package.load_package()
    before = series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")
    year = int(before["year"].iloc[-1])
    obs = pkg.observations
    rows = obs.index[(obs["geo_id"] == "vinh-phuc") & (obs["indicator_id"] == "grdp_current_bn_vnd")
                     & (obs["year"] == year) & (obs["source_id"] == before["source_id"].iloc[-1])]
    pkg.observations.loc[rows, "value"] = 1.5  # in place, the same DataFrame object
    after = series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")
    assert after["value"].iloc[-1] == 1.5
    pkg.sources.loc[pkg.sources["source_id"] == after["source_id"].iloc[-1], "publisher"] = "Edited publisher"
    assert series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")["publisher"].iloc[-1] == "Edited publisher"
    # a write through the array itself (not seen by copy-on-write) is seen too
    values = pkg.observations["value"].array
    values[int(pkg.observations.index.get_loc(rows[0]))] = 2.5
    assert series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")["value"].iloc[-1] == 2.5
    # the next package is unaffected (its own copy)
    assert series_ranking.series(data_package.load_package(), "vinh-phuc", "grdp_current_bn_vnd")["value"].iloc[-1] == before["value"].iloc[-1]


def test_an_unedited_copy_matches_its_snapshot_without_comparing_values_and_every_edit_is_seen(monkeypatch):
    """A snapshot matches a table of the same bytes and labels without comparing values (the cost no longer grows
    with the tables, issue 26); any edit, also one into the shared arrays after making them writable, is seen."""
    snapshot = data_package.TableSnapshot.of(data_package.load_package())
    assert all(layout is not None for layout in snapshot.layouts)
    compared = []
    real_equals = pd.DataFrame.equals
    monkeypatch.setattr(pd.DataFrame, "equals", lambda self, other: compared.append(1) or real_equals(self, other))
    assert snapshot.matches(data_package.load_package()) and compared == []

    def edited(edit):
        pkg = data_package.load_package()
        edit(pkg)
        return pkg

    def forced(pkg):  # the read-only hint's way round, misapplied: writable again, then written into
        values = pkg.sources["publisher"].to_numpy()
        values.setflags(write=True)
        values[0] = "edited in place"

    edits = {
        "a value (.loc)": lambda p: p.observations.loc.__setitem__((0, "value"), -1.0),
        "a text column": lambda p: p.sources.__setitem__("publisher", "edited"),
        "a column dropped": lambda p: p.observations.__delitem__("note"),
        "a column inserted": lambda p: p.targets.insert(0, "extra", 1),
        "the column names": lambda p: setattr(p.geography, "columns", [*p.geography.columns[:-1], "renamed"]),
        "the row labels": lambda p: setattr(p.indicators, "index", p.indicators.index + 1),
    }
    for what, edit in edits.items():
        assert not snapshot.matches(edited(edit)), what
    assert compared, "a table whose bytes differ is compared value by value"
    with pytest.raises(ValueError):  # a write into the shared arrays themselves is refused (read-only)
        data_package.load_package().observations["value"].array[0] = 2.5
    writable = data_package.load_package()
    forced(writable)  # reaches the cached package's own array (its buffer is the owner's)
    assert not snapshot.matches(writable)
    assert data_package.shared_package().sources["publisher"].iloc[0] == "edited in place"  # the cache was hit
    again = data_package.load_package()  # ... and is read again from the files: no later notebook gets the edit
    assert snapshot.matches(again) and again.sources["publisher"].iloc[0] != "edited in place"


def test_a_step_compares_the_tables_once_and_a_lookup_outside_one_each_time(monkeypatch):
    """A library step (here the scorecard's latest values) checks each kept result against the package once,
    however many series it looks up; a lookup outside a step checks every time, so an edit between two is seen."""
    from nq57lib import target_assessment

    pkg = data_package.load_package()
    targets = target_assessment.select_targets(pkg, "vinh-phuc")
    target_assessment.latest_values(pkg, targets, "en")  # the kept results made
    calls = []
    real = data_package.TableSnapshot.matches
    monkeypatch.setattr(data_package.TableSnapshot, "matches", lambda self, p: calls.append(1) or real(self, p))
    target_assessment.latest_values(pkg, targets, "en")
    assert len(targets) > 5 and 1 <= len(calls) <= 3, len(calls)
    calls.clear()
    for _ in range(3):
        series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")
    assert len(calls) == 3


def test_indicator_row_and_geo_row():
    pkg = data_package.load_package()
    row = pkg.indicator("de_share_pct")
    assert row.name == "de_share_pct" and "indicator_id" not in row.index and row["unit"] == "% of GRDP"
    assert geography.geo_row(pkg, "vinh-phuc")["name_vi"] == "Vĩnh Phúc"
    with pytest.raises(ParameterError, match="did you mean 'de_share_pct'"):
        pkg.indicator("de-share")


@pytest.mark.parametrize("statuses, pattern", [
    ("official", "expected a list of statuses"),
    (["official", None], "expected a list of statuses"),
    (["oficial"], "unknown status 'oficial'"),
])
def test_bad_statuses_are_refused_with_the_parameter_named(statuses, pattern):
    with pytest.raises(ParameterError, match=f"'statuses'.*{pattern}"):
        series_ranking.series(data_package.load_package(), "vinh-phuc", "grdp_current_bn_vnd", statuses=statuses)


# ---------------------------------------------------------------- issue 23: coverage matrix

def test_coverage_matrix_counts_own_figures_and_complete_old_units(mini_root):
    pkg = load(mini_root)
    m = coverage.coverage_matrix(pkg, years=[2019, 2024])
    assert set(m["geo_id"]) == {"vn", "ha-noi", "phu-tho-2025"}
    cell = m.set_index(["geo_id", "indicator_id", "year"])
    assert cell.loc[("phu-tho-2025", "grdp_current_bn_vnd", 2024), "basis"] == "own"
    assert cell.loc[("phu-tho-2025", "grdp_current_bn_vnd", 2024), "n_obs"] == 1
    # 2019: Vĩnh Phúc and Hòa Bình report, old Phú Thọ does not
    row = cell.loc[("phu-tho-2025", "grdp_current_bn_vnd", 2019)]
    assert (row["basis"], row["n_old"], row["n_old_with_data"]) == ("some old units", 3, 2)
    assert cell.loc[("ha-noi", "grdp_current_bn_vnd", 2024), "basis"] == ""
    counts = coverage.coverage_counts(m)
    assert counts.loc["grdp_current_bn_vnd", "2024"] == "1" and counts.loc["grdp_current_bn_vnd", "2019"] == "0"
    # every old province reports 2024: a unit without its own figure counts in brackets
    pkg = _with(mini_root, [_obs("phu-tho", "grdp_growth_pct", 2024, 9.53, "% y/y", status="preliminary"),
                            _obs("hoa-binh", "grdp_growth_pct", 2024, 8.1, "% y/y", status="preliminary")])
    counts = coverage.coverage_counts(coverage.coverage_matrix(pkg, years=[2024]))
    assert counts.loc["grdp_growth_pct", "2024"] == "0 (+1)"
    assert coverage.target_coverage(pkg) == {"any": 1, "de_share_pct": 1}


def test_cli_coverage_writes_the_matrix(tmp_path, capsys):
    from nq57lib.cli import main

    out = tmp_path / "coverage.csv"
    assert main(["data", "--coverage", "--years", "2024-2025", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "grdp_current_bn_vnd" in printed and "targets:" in printed
    matrix = pd.read_csv(out, keep_default_na=False)
    assert set(matrix["year"]) == {2024, 2025} and matrix["geo_id"].nunique() == 35
    assert main(["data", "--coverage", "--years", "2025-2019"]) == 2
    assert "--years" in capsys.readouterr().err


def test_point_value_beats_a_bound_from_a_better_outlet(mini_root):
    # Issue 23 (the nation's 2026 central budget): a portal's "more than 1.8 million billion" must not
    # beat the press's exact figure from the same vote: a bound yields to any point value.
    portal = dict(SRC_UNDATED, source_id="src-portal", published="2025-11-14")
    pkg = _with(mini_root, [
        _obs("vn", "budget_expenditure_bn_vnd", 2026, 1800000, "bn VND", status="plan", concept="central",
             source="src-portal", published="2025-11-14", comparator=">"),
        _obs("vn", "budget_expenditure_bn_vnd", 2026, 1809056, "bn VND", status="plan", concept="central",
             source="src-press", published="2025-11-13")], [portal])
    row = series_ranking.series(pkg, "vn", "budget_expenditure_bn_vnd", concept="central").set_index("year").loc[2026]
    assert (row["value"], row["chosen_by"]) == (1809056, "point value over a bound") and pd.isna(row["comparator"])


# ---------------------------------------------------------------- issue 23: a new year must not contradict silently

def test_new_figure_contradicting_a_known_one_needs_a_stated_revision(mini_root):
    row = dict(status="preliminary", source="src-press", published="2026-01-05")
    with pytest.raises(DataError, match=r"more\.csv row 2 column 'value': value 173500 contradicts 173140 of source "
                                        r"src-gso .*'Revises src-gso: why'"):
        _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 173500, "bn VND", **row)])
    pkg = _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 173500, "bn VND",
                                 note="Revises src-gso: the office's revised release.", **row)])
    assert 173500 in set(pkg.observations["value"])
    # the same value from another outlet, another status, or a bound is no contradiction
    _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 173140, "bn VND", **row)])
    _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 170000, "bn VND", status="plan",
                           source="src-press", published="2023-12")])
    _with(mini_root, [_obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 170000, "bn VND", comparator=">", **row)])


def test_revises_must_name_a_source_of_the_same_figure(mini_root):
    with pytest.raises(DataError, match=r"column 'note': the note revises 'src-gso', but that source has no other "
                                        r"observation of ha-noi grdp_growth_pct 2024"):
        _with(mini_root, [_obs("ha-noi", "grdp_growth_pct", 2024, 6.5, "% y/y", status="preliminary",
                               source="src-press", published="2026-01-05", note="Revises src-gso: a misprint.")])


def test_new_year_template_covers_every_unit_and_loads_once_filled(tmp_path):
    import csv

    from nq57lib import config

    template = config.DATA_DIR / "templates" / "new_year_observations.csv"
    with open(template, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == HEADERS["observations"]
    pkg = data_package.load_package(use_env=False)
    growth = {r["geo_id"] for r in rows if r["indicator_id"] == "grdp_growth_pct"}
    assert growth == {"vn", *geography.units(pkg, "34")} and len(growth) == 35
    assert all(r["value"] == "" and r["source_id"] == "" for r in rows)  # nothing pre-filled but the keys
    # a blank template is refused (no value), a filled row of it loads against the shipped data
    with pytest.raises(DataError, match="value"):
        data_package.load_package(extra_observations=template, use_env=False)
    filled = dict(rows[1], value="7.5", status="estimate", source_id="vietnamplus-fc02397e", published="2026-12")
    path = tmp_path / "mine.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADERS["observations"])
        writer.writeheader()
        writer.writerow(filled)
    pkg = data_package.load_package(extra_observations=path, use_env=False)
    assert ((pkg.observations["year"] == 2026) & (pkg.observations["value"] == 7.5)).sum() == 1
