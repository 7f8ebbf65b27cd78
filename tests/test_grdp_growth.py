"""The shared GRDP growth assumption: medium-term mean, merged units, nominal compounding."""

from __future__ import annotations

import math

import pytest

from conftest import OBSERVATIONS, _obs, write_csv
from nq57lib import data_package, geography, grdp_growth
from nq57lib.provenance import ASSUMED, DERIVED


def test_geometric_mean_worked_example():
    # 1.10 * 1.00 = 1.10 over two years -> sqrt(1.1) - 1 = 4.8809 %
    assert grdp_growth.geometric_mean_pct([10.0, 0.0]) == pytest.approx(4.880884817, abs=1e-9)
    assert grdp_growth.geometric_mean_pct([7.0]) == pytest.approx(7.0)
    with pytest.raises(ValueError):
        grdp_growth.geometric_mean_pct([])


def test_nominal_compounds_real_and_deflator():
    g = grdp_growth.GrowthAssumption("vn", 6.0, 4.0, ASSUMED, "x", "y")
    assert g.nominal_pct == pytest.approx(10.24)
    names = [a.name for a in g.assumptions()]
    assert names == ["real_growth_pct", "deflator_pct", "nominal_growth_pct"]


def _package(mini_root, extra):
    write_csv(mini_root / "observations.csv", "observations", OBSERVATIONS + extra)
    return data_package.load_package(mini_root)


def test_medium_term_mean_names_the_latest_years(mini_root):
    rates = {2019: 7.0, 2020: 2.9, 2021: 2.6, 2022: 8.0, 2023: 5.0, 2024: 7.1}
    extra = [_obs("vn", "grdp_growth_pct", y, v, "% y/y") for y, v in rates.items()]
    pkg = _package(mini_root, extra)
    g = grdp_growth.growth_assumption(pkg, "vn", 2024, deflator_pct=3.5)
    assert g.real_kind == DERIVED
    assert g.years == (2020, 2021, 2022, 2023, 2024)
    expected = (math.prod(1 + rates[y] / 100 for y in g.years) ** 0.2 - 1) * 100
    assert g.real_pct == pytest.approx(expected)
    assert "2020-2024" in g.real_basis
    # the base year bounds the window
    assert grdp_growth.growth_assumption(pkg, "vn", 2022, deflator_pct=3.5).years == (2019, 2020, 2021, 2022)


def test_user_value_wins_and_is_labelled_assumed(mini_root):
    pkg = _package(mini_root, [])
    g = grdp_growth.growth_assumption(pkg, "vn", 2024, real_growth_pct=6.5, deflator_pct=3.0)
    assert (g.real_pct, g.real_kind, g.years) == (6.5, ASSUMED, ())


def test_merged_unit_weights_old_units_by_grdp(mini_root):
    # 2024: every old unit has growth and current GRDP in the fixture or here
    extra = [_obs("phu-tho", "grdp_growth_pct", 2024, 9.5, "% y/y", status="preliminary"),
             _obs("hoa-binh", "grdp_growth_pct", 2024, 9.0, "% y/y", status="preliminary")]
    pkg = _package(mini_root, extra)
    rates = grdp_growth.yearly_real_growth(pkg, "phu-tho-2025")
    assert [r.year for r in rates] == [2024]
    weights = {"vinh-phuc": 173140, "phu-tho": 107300, "hoa-binh": 72180}
    expected = (7.52 * weights["vinh-phuc"] + 9.5 * weights["phu-tho"] + 9.0 * weights["hoa-binh"]) / sum(
        weights.values())
    assert rates[0].rate_pct == pytest.approx(expected)
    assert "weighted" in rates[0].basis


def test_no_growth_anywhere_is_a_parameter_error(mini_root):
    pkg = _package(mini_root, [])  # the fixture has no real growth of the nation either: nothing to borrow
    with pytest.raises(Exception, match="real_growth_pct.*ha-noi.*nor for the nation"):
        grdp_growth.growth_assumption(pkg, "ha-noi", 2024, deflator_pct=3.5)


def test_a_geography_without_growth_borrows_the_nation_s_labelled(mini_root):
    """Issue 22, item 9: one rule for both reports. A missing real-growth series is borrowed from the
    nation (it used to be borrowed by the digital-economy report and refused by the budget report),
    labelled ASSUMED with the geography's name and the nation's years; never "set by the run"."""
    rates = {2022: 8.0, 2023: 5.0, 2024: 7.1}
    pkg = _package(mini_root, [_obs("vn", "grdp_growth_pct", y, v, "% y/y") for y, v in rates.items()])
    national = grdp_growth.growth_assumption(pkg, "vn", 2024, deflator_pct=3.5)
    g = grdp_growth.growth_assumption(pkg, "ha-noi", 2024, deflator_pct=3.5)
    assert (g.rule, g.borrowed_from, g.real_kind) == (grdp_growth.BORROWED, "vn", ASSUMED)
    assert national.rule == grdp_growth.MEDIUM_TERM and national.borrowed_from is None
    assert g.real_pct == pytest.approx(national.real_pct) and g.years == national.years == (2022, 2023, 2024)
    basis = g.real_basis.render("en")
    assert f"no real GRDP growth of {geography.geo_name(pkg, 'ha-noi', 'en')} in" in basis and "ha-noi" not in basis
    assert "2022-2024" in basis
    assert geography.geo_name(pkg, "ha-noi", "vi") in g.real_basis.render("vi")
    assert g.assumptions()[0].kind == ASSUMED
    user = grdp_growth.growth_assumption(pkg, "ha-noi", 2024, real_growth_pct=6.0, deflator_pct=3.5)
    assert (user.rule, user.real_kind) == (grdp_growth.PARAMETER, ASSUMED)


def test_the_growth_window_ends_at_the_as_of_year_or_an_earlier_base_year(mini_root):
    pkg = _package(mini_root, [])
    as_of = data_package.as_of_year(pkg)
    assert grdp_growth.window_end(pkg) == as_of
    assert grdp_growth.window_end(pkg, as_of - 3) == as_of - 3
    assert grdp_growth.window_end(pkg, as_of + 5) == as_of  # a later base year sees no more data than exists


def test_one_deflator_label(mini_root):
    """Issue 22, item 9: the deflator is DERIVED where the data confirm the default (the rounded mean GDP
    deflator they imply), ASSUMED otherwise; the kind is the one the assumptions table prints."""
    levels = {2021: 1000.0, 2023: 1000.0 * 1.05 * 1.06 * 1.04 ** 2}
    rates = {2022: 5.0, 2023: 6.0}
    pkg = _package(mini_root, [_obs("vn", "grdp_current_bn_vnd", y, v, "bn VND") for y, v in levels.items()]
                   + [_obs("vn", "grdp_growth_pct", y, v, "% y/y") for y, v in rates.items()])
    assert grdp_growth.observed_gdp_deflator(pkg, 2023).mean_pct == pytest.approx(4.0)
    derived = grdp_growth.deflator_choice(pkg, 4.0, 2023, default_pct=4.0)
    assert (derived.kind, derived.rule) == (DERIVED, "observed_mean") and "2022–2023" in derived.basis.render("en")
    assert grdp_growth.growth_assumption(pkg, "vn", 2023, deflator_pct=4.0, default_deflator_pct=4.0
                                         ).assumptions()[1].kind == DERIVED
    differs = grdp_growth.deflator_choice(pkg, 3.5, 2023, default_pct=3.5)
    assert (differs.kind, differs.rule) == (ASSUMED, "default") and "no longer equals" in differs.basis.render("en")
    user = grdp_growth.deflator_choice(pkg, 4.5, 2023, default_pct=4.0)
    assert (user.kind, user.rule) == (ASSUMED, "parameter")
    none = grdp_growth.deflator_choice(pkg, 4.0, 2020, default_pct=4.0)
    assert (none.kind, none.observed) == (ASSUMED, None)


def test_merged_unit_weights_from_the_nearest_year_within_two(mini_root):
    # 2023: growth for every old unit, GRDP only in 2024 -> weights of 2024, named in the basis.
    # 2020: growth for every old unit, but old Phu Tho's GRDP is 4 years away -> no derived rate.
    extra = [_obs(p, "grdp_growth_pct", y, v, "% y/y")
             for p, y, v in (("vinh-phuc", 2023, 2.0), ("phu-tho", 2023, 7.0), ("hoa-binh", 2023, 1.0),
                             ("vinh-phuc", 2020, 3.0), ("phu-tho", 2020, 3.5), ("hoa-binh", 2020, 4.0))]
    pkg = _package(mini_root, extra)
    rates = {r.year: r for r in grdp_growth.yearly_real_growth(pkg, "phu-tho-2025")}
    assert 2020 not in rates
    weights = {"vinh-phuc": 173140, "phu-tho": 107300, "hoa-binh": 72180}
    expected = (2.0 * weights["vinh-phuc"] + 7.0 * weights["phu-tho"] + 1.0 * weights["hoa-binh"]) / sum(
        weights.values())
    assert rates[2023].rate_pct == pytest.approx(expected)
    assert "Vinh Phuc (until 06/2025) 2024" in rates[2023].basis and "Phu Tho (until 06/2025) 2024" in rates[2023].basis
