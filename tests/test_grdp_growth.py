"""The shared GRDP growth assumption: medium-term mean, merged units, nominal compounding."""

from __future__ import annotations

import math

import pytest

from conftest import OBSERVATIONS, _obs, write_csv
from nq57lib import data, grdp_growth
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
    return data.load_package(mini_root)


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


def test_no_growth_is_a_parameter_error(mini_root):
    pkg = _package(mini_root, [])
    with pytest.raises(Exception, match="real_growth_pct"):
        grdp_growth.growth_assumption(pkg, "ha-noi", 2024, deflator_pct=3.5)


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
