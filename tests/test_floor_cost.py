"""Tests of nq57lib.floor_cost: arithmetic pinned to hand-computed examples, properties, bad input.

Expected values are computed here independently of the implementation: literal numbers worked out by
hand, or closed forms (geometric sums) where the library uses running sums.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nq57lib import floor_cost as budget
from nq57lib.floor_cost import (
    SCENARIOS, BudgetInputs, RndInputs, compare_public_rnd_with_floor, nominal_growth_pct, rnd_target_path,
    run_budget, sensitivity_table,
)
from nq57lib.errors import ParameterError
from nq57lib.provenance import ASSUMED, DERIVED, OBSERVED


def toy_inputs(**changes) -> BudgetInputs:
    """A small case worked out by hand below: budget 1,000 growing 10 %/yr, floor 10 %, current 2 %."""
    values = dict(geography="toy", base_year=2025, base_expenditure_bn_vnd=1000.0, floor_pct=10.0,
                  current_share_pct=2.0, grdp_base_year=2024, grdp_base_bn_vnd=10000.0, real_growth_pct=5.0,
                  deflator_pct=5.0, budget_growth_pct=10.0, start_year=2025, ramp_year=2029, end_year=2030,
                  capacity_bn_vnd=120.0, periods=((2025, 2027), (2028, 2030)))
    values.update(changes)
    return BudgetInputs(**values)


def column(result, scenario: str, name: str) -> np.ndarray:
    rows = result.yearly[result.yearly["scenario"] == scenario]
    return rows[name].to_numpy(dtype=float)


def period_row(result, scenario: str, period: str) -> pd.Series:
    table = result.periods
    return table[(table["scenario"] == scenario) & (table["period"] == period)].iloc[0]


# ------------------------------------------------------------------ worked examples, by hand

class TestToyExample:
    """Expenditure 1000, 1100, 1210, 1331, 1464.1, 1610.51 (2025–2030)."""

    result = run_budget(toy_inputs())

    def test_expenditure_path(self):
        assert column(self.result, "floor", "expenditure_bn_vnd") == pytest.approx(
            [1000, 1100, 1210, 1331, 1464.1, 1610.51], rel=1e-12)

    def test_floor_spending(self):
        assert column(self.result, "floor", "spending_bn_vnd") == pytest.approx(
            [100, 110, 121, 133.1, 146.41, 161.051], rel=1e-12)

    def test_ramp_shares_and_spending(self):
        # 2 % in 2025, +2 points a year, 10 % in 2029, then held.
        assert column(self.result, "ramp", "share_of_budget_pct") == pytest.approx([2, 4, 6, 8, 10, 10], rel=1e-12)
        assert column(self.result, "ramp", "spending_bn_vnd") == pytest.approx(
            [20, 44, 72.6, 106.48, 146.41, 161.051], rel=1e-12)

    def test_status_quo_and_gap(self):
        assert column(self.result, "status_quo", "spending_bn_vnd") == pytest.approx(
            [20, 22, 24.2, 26.62, 29.282, 32.2102], rel=1e-12)
        assert column(self.result, "floor", "gap_to_status_quo_bn_vnd") == pytest.approx(
            [80, 88, 96.8, 106.48, 117.128, 128.8408], rel=1e-12)
        assert column(self.result, "status_quo", "gap_to_status_quo_bn_vnd") == pytest.approx([0] * 6, abs=1e-12)

    def test_constant_prices(self):
        # Base-year (2025) prices with a 5 % deflator: divide by 1.05 ** (year - 2025).
        assert column(self.result, "floor", "spending_const_bn_vnd") == pytest.approx(
            [100, 110 / 1.05, 121 / 1.1025, 133.1 / 1.157625, 146.41 / 1.21550625, 161.051 / 1.2762815625],
            rel=1e-12)
        assert column(self.result, "floor", "gap_to_status_quo_const_bn_vnd")[2] == pytest.approx(96.8 / 1.1025)

    def test_share_of_grdp(self):
        # GRDP 10,000 in 2024 growing at (1.05)(1.05) - 1 = 10.25 %: 11,025 in 2025, 12,155.0625 in 2026.
        assert column(self.result, "floor", "grdp_bn_vnd")[:2] == pytest.approx([11025, 12155.0625], rel=1e-12)
        assert column(self.result, "floor", "share_of_grdp_pct")[:2] == pytest.approx(
            [100 / 11025 * 100, 110 / 12155.0625 * 100], rel=1e-12)

    def test_period_totals(self):
        assert period_row(self.result, "floor", "2025–2027")["cumulative_spending_bn_vnd"] == pytest.approx(331)
        assert period_row(self.result, "floor", "2028–2030")["cumulative_spending_bn_vnd"] == pytest.approx(440.561)
        assert period_row(self.result, "ramp", "2025–2027")["cumulative_spending_bn_vnd"] == pytest.approx(136.6)
        assert period_row(self.result, "ramp", "2028–2030")["cumulative_spending_bn_vnd"] == pytest.approx(413.941)
        assert period_row(self.result, "floor", "2025–2027")["cumulative_gap_bn_vnd"] == pytest.approx(264.8)
        assert period_row(self.result, "floor", "2025–2027")["cumulative_spending_const_bn_vnd"] == pytest.approx(
            100 + 110 / 1.05 + 121 / 1.1025)
        assert column(self.result, "floor", "cumulative_spending_bn_vnd")[-1] == pytest.approx(771.561)

    def test_absorption(self):
        assert self.result.years_above_capacity("floor") == [2027, 2028, 2029, 2030]
        assert self.result.years_above_capacity("ramp") == [2029, 2030]
        assert self.result.years_above_capacity("status_quo") == []
        assert column(self.result, "floor", "spending_to_capacity_ratio")[0] == pytest.approx(100 / 120)
        row = period_row(self.result, "floor", "2025–2027")
        assert (row["n_years_above_capacity"], row["first_year_above_capacity"]) == (1, 2027)
        assert row["max_spending_to_capacity_ratio"] == pytest.approx(121 / 120)

    def test_spending_equal_to_capacity_is_not_above_it(self):
        exact = run_budget(toy_inputs(capacity_bn_vnd=100.0), scenarios=["floor"])  # 2025 needs exactly 100
        assert exact.years_above_capacity("floor") == [2026, 2027, 2028, 2029, 2030]

    def test_capacity_growth(self):
        grown = run_budget(toy_inputs(capacity_growth_pct=10.0), scenarios=["floor"])
        assert column(grown, "floor", "capacity_bn_vnd")[:3] == pytest.approx([120, 132, 145.2])
        assert grown.years_above_capacity("floor") == []

    def test_floor_from_a_later_start(self):
        late = run_budget(toy_inputs(start_year=2027, ramp_year=2027), scenarios=["floor", "ramp"])
        assert column(late, "floor", "share_of_budget_pct") == pytest.approx([2, 2, 10, 10, 10, 10])
        # A ramp that starts and ends in the same year is the floor scenario.
        assert column(late, "ramp", "spending_bn_vnd") == pytest.approx(column(late, "floor", "spending_bn_vnd"))

    def test_tidy_layout(self):
        yearly = self.result.yearly
        assert len(yearly) == 3 * 6 and not yearly.duplicated(["scenario", "year"]).any()
        assert list(dict.fromkeys(yearly["scenario"])) == list(SCENARIOS)
        assert {"spending_bn_vnd", "spending_const_bn_vnd", "share_of_grdp_pct"} <= set(yearly.columns)
        assert len(self.result.periods) == 3 * 2


def test_nominal_growth():
    assert nominal_growth_pct(7.52, 3.5) == pytest.approx(11.2832, rel=1e-12)
    assert nominal_growth_pct(0, 0) == 0
    assert nominal_growth_pct(-50, 100) == pytest.approx(0, abs=1e-12)


def test_budget_follows_nominal_grdp_when_no_own_rate():
    result = run_budget(toy_inputs(budget_growth_pct=None), scenarios=["floor"])
    assert column(result, "floor", "expenditure_bn_vnd")[:3] == pytest.approx([1000, 1102.5, 1215.50625])
    # Constant-price spending then grows at the real rate (5 %).
    assert column(result, "floor", "spending_const_bn_vnd")[:3] == pytest.approx([100, 105, 110.25])
    # ... and the share of GRDP is constant.
    shares = column(result, "floor", "share_of_grdp_pct")
    assert shares == pytest.approx(np.full(6, shares[0]))


# ------------------------------------------------------------------ examples on the scale of Vĩnh Phúc and the nation
# The engine takes explicit numbers; these inputs are test cases with round, province- and nation-sized
# values (the builder in nq57lib.budget_floor reads the real ones from data/, tested separately).

PROVINCE_BASES = {
    "base_expenditure_bn_vnd": (DERIVED, "1,000 / 0.03 = 33,333 bn VND (plan amount over plan share; test basis)"),
    "grdp_base_bn_vnd": (OBSERVED, "GRDP of the base year (test basis)"),
    "deflator_pct": (ASSUMED, "round planning value (test basis)"),
}


def province_inputs(**changes) -> BudgetInputs:
    """Budget 1,000 / 0.03 in 2025 following GRDP 173,140 (2024) at 7.52 % real and 3.5 % prices;
    floor 15 %, current share 3 %, capacity 350 bn VND a year."""
    values = dict(geography="province", base_year=2025, base_expenditure_bn_vnd=1000.0 / 0.03, floor_pct=15.0,
                  current_share_pct=3.0, grdp_base_year=2024, grdp_base_bn_vnd=173140.0, real_growth_pct=7.52,
                  deflator_pct=3.5, budget_growth_pct=None, start_year=2025, ramp_year=2030, end_year=2045,
                  capacity_bn_vnd=350.0, capacity_growth_pct=0.0, bases=PROVINCE_BASES)
    values.update(changes)
    return BudgetInputs(**values)


def nation_inputs(**changes) -> BudgetInputs:
    """State budget 2,540,000 in 2025 following GDP 9,513,300 (2022) at 7 % real and 3.5 % prices;
    floor 3 %, current share 0.65 %, no capacity."""
    values = dict(geography="nation", base_year=2025, base_expenditure_bn_vnd=2540000.0, floor_pct=3.0,
                  current_share_pct=0.65, grdp_base_year=2022, grdp_base_bn_vnd=9513300.0, real_growth_pct=7.0,
                  deflator_pct=3.5, budget_growth_pct=None, start_year=2025, ramp_year=2030, end_year=2045,
                  capacity_bn_vnd=None)
    values.update(changes)
    return BudgetInputs(**values)


def rnd_inputs(**changes) -> RndInputs:
    """GDP 9,513,300 (2022), GERD 0.53 % of GDP in 2019, target 2 % by 2030, non-state share 60 %."""
    values = dict(gdp_base_year=2022, gdp_base_bn_vnd=9513300.0, real_growth_pct=7.0, deflator_pct=3.5,
                  gerd_base_year=2019, gerd_base_pct_gdp=0.53, target_pct_gdp=2.0, target_year=2030,
                  nonstate_share_pct=60.0, first_year=2025, end_year=2045,
                  bases={"gerd_base_pct_gdp": (OBSERVED, "survey value (test basis)")})
    values.update(changes)
    return RndInputs(**values)


class TestProvincialExample:
    inputs = province_inputs()
    result = run_budget(inputs)
    g = 1.0752 * 1.035  # nominal GRDP growth factor

    def test_status_quo_is_the_plan(self):
        assert self.inputs.base_expenditure_bn_vnd == pytest.approx(33333.333333, rel=1e-9)
        status_quo_2025 = column(self.result, "status_quo", "spending_bn_vnd")[0]
        assert status_quo_2025 == pytest.approx(1000.0)  # 3 % of 1,000 / 0.03

    def test_required_spending(self):
        floor = column(self.result, "floor", "spending_bn_vnd")
        assert floor[0] == pytest.approx(5000.0)
        assert floor[5] == pytest.approx(5000 * self.g ** 5)  # 2030
        assert floor[20] == pytest.approx(5000 * self.g ** 20)  # 2045
        # In 2025 prices, the floor grows at the real rate, 7.52 %.
        assert column(self.result, "floor", "spending_const_bn_vnd")[5] == pytest.approx(5000 * 1.0752 ** 5)

    def test_cumulative_totals_are_geometric_sums(self):
        first = period_row(self.result, "floor", "2025–2030")["cumulative_spending_bn_vnd"]
        second = period_row(self.result, "floor", "2031–2045")["cumulative_spending_bn_vnd"]
        assert first == pytest.approx(5000 * (self.g ** 6 - 1) / (self.g - 1))
        assert second == pytest.approx(5000 * self.g ** 6 * (self.g ** 15 - 1) / (self.g - 1))

    def test_share_of_grdp(self):
        # 5,000 over GRDP 2025 = 173,140 x 1.112832.
        assert column(self.result, "floor", "share_of_grdp_pct")[0] == pytest.approx(5000 / (173140 * self.g) * 100)

    def test_every_year_is_above_the_capacity(self):
        # Even the status quo (1,000 bn VND in 2025) exceeds 350 bn VND a year.
        assert self.result.years_above_capacity("floor") == list(range(2025, 2046))
        assert self.result.years_above_capacity("status_quo") == list(range(2025, 2046))
        assert column(self.result, "floor", "spending_to_capacity_ratio")[0] == pytest.approx(5000 / 350)

    def test_assumptions_carry_the_given_bases(self):
        by_name = {a.name: a for a in self.result.assumptions}
        for name, (kind, basis) in PROVINCE_BASES.items():
            assert (by_name[name].kind, by_name[name].basis) == (kind, basis)
        assert by_name["grdp_base_bn_vnd"].value == 173140
        assert by_name["nominal_grdp_growth_pct"].kind == DERIVED
        assert by_name["nominal_grdp_growth_pct"].value == pytest.approx(11.2832)
        # An input without a basis is reported as the caller's assumption, never silently as data.
        assert by_name["floor_pct"].kind == ASSUMED and "no basis recorded" in by_name["floor_pct"].basis
        # Budget growth follows nominal GRDP: recorded with its value and rule.
        assert by_name["budget_growth_pct"].value == pytest.approx(11.2832)
        for record in self.result.assumptions:
            assert record.kind in (OBSERVED, DERIVED, ASSUMED) and record.basis


class TestNationalExample:
    result = run_budget(nation_inputs())
    rnd = rnd_target_path(rnd_inputs())
    gdp_factor = 1.07 * 1.035

    def test_floor_and_status_quo(self):
        assert column(self.result, "floor", "spending_bn_vnd")[0] == pytest.approx(76200.0)
        assert column(self.result, "status_quo", "spending_bn_vnd")[0] == pytest.approx(16510.0)
        assert self.result.years_above_capacity("floor") == []  # no capacity given
        assert self.result.periods["n_years_above_capacity"].isna().all()

    def test_rnd_target_in_vnd(self):
        table = self.rnd.yearly.set_index("year")
        gdp_2030 = 9513300 * self.gdp_factor ** 8
        assert table.loc[2030, "gdp_bn_vnd"] == pytest.approx(gdp_2030)
        assert table.loc[2030, "gerd_required_bn_vnd"] == pytest.approx(0.02 * gdp_2030)
        assert table.loc[2030, "public_rnd_max_bn_vnd"] == pytest.approx(0.4 * 0.02 * gdp_2030)
        assert table.loc[2030, "nonstate_rnd_min_bn_vnd"] == pytest.approx(0.6 * 0.02 * gdp_2030)
        # The required share runs straight from 0.53 % (2019) to 2 % (2030), then stays there.
        assert table.loc[2025, "gerd_required_pct_gdp"] == pytest.approx(0.53 + 1.47 * 6 / 11)
        assert table.loc[2045, "gerd_required_pct_gdp"] == 2.0
        assert table.loc[2026, "gerd_gap_bn_vnd"] == pytest.approx(
            (0.53 + 1.47 * 7 / 11 - 0.53) / 100 * 9513300 * self.gdp_factor ** 4)
        assert table.loc[2030, "gerd_required_const_bn_vnd"] == pytest.approx(0.02 * gdp_2030 / 1.035 ** 5)

    def test_public_rnd_beside_the_floor(self):
        table = compare_public_rnd_with_floor(self.result, self.rnd).set_index("year")
        budget_2030 = 2540000 * self.gdp_factor ** 5
        gdp_2030 = 9513300 * self.gdp_factor ** 8
        assert table.loc[2030, "floor_spending_bn_vnd"] == pytest.approx(0.03 * budget_2030)
        assert table.loc[2030, "public_rnd_share_of_floor_pct"] == pytest.approx(
            0.008 * gdp_2030 / (0.03 * budget_2030) * 100)

    def test_rnd_assumptions(self):
        names = {a.name: a for a in self.rnd.assumptions}
        gerd = names["gerd_base_pct_gdp"]
        assert (gerd.kind, gerd.basis) == (OBSERVED, "survey value (test basis)")
        assert names["gerd_after_target_pct_gdp"].kind == ASSUMED
        assert names["nominal_gdp_growth_pct"].value == pytest.approx((self.gdp_factor - 1) * 100)


def test_rnd_target_has_no_default():
    # The target and its split are data (read by the report builder), never engine defaults.
    with pytest.raises(TypeError):
        RndInputs(gdp_base_year=2022, gdp_base_bn_vnd=1.0, real_growth_pct=7.0, deflator_pct=3.5,
                  gerd_base_year=2019, gerd_base_pct_gdp=0.5)


def test_with_changes_relabels_the_changed_input():
    inputs = province_inputs().with_changes(floor_pct=10.0, deflator_pct=3.5)
    by_name = {a.name: a for a in inputs.assumptions()}
    assert by_name["floor_pct"].kind == ASSUMED and by_name["floor_pct"].basis.startswith("set by the caller")
    assert by_name["deflator_pct"].basis == PROVINCE_BASES["deflator_pct"][1]  # unchanged value keeps its basis
    assert by_name["grdp_base_bn_vnd"].kind == OBSERVED
    changed = province_inputs().with_changes(grdp_base_bn_vnd=180000.0)
    record = {a.name: a for a in changed.assumptions()}["grdp_base_bn_vnd"]
    assert record.kind == ASSUMED and "GRDP of the base year (test basis)" in record.basis


def test_inputs_without_bases_are_labelled_as_the_callers():
    records = toy_inputs().assumptions()
    assert all(r.kind in (ASSUMED, DERIVED) for r in records)
    assert any("no basis recorded" in r.basis for r in records)


# ------------------------------------------------------------------ sensitivity

def test_sensitivity_cell_and_grid():
    result = sensitivity_table(province_inputs())
    table = result.table
    assert len(table) == 4 * 5 * 2
    cell = table[(table["floor_pct"] == 3) & (table["budget_growth_pct"] == 6) & (table["period"] == "2025–2030")]
    base = 1000 / 0.03
    assert cell["cumulative_spending_bn_vnd"].iloc[0] == pytest.approx(0.03 * base * (1.06 ** 6 - 1) / 0.06)
    assert cell["cumulative_gap_bn_vnd"].iloc[0] == pytest.approx(0.0, abs=1e-9)  # 3 % is the status quo
    assert cell["spending_last_year_bn_vnd"].iloc[0] == pytest.approx(1000 * 1.06 ** 5)
    assert not {a.name for a in result.assumptions} & {"floor_pct", "budget_growth_pct"}


def test_sensitivity_agrees_with_run_budget():
    inputs = toy_inputs()
    table = sensitivity_table(inputs, floors_pct=[7.0], budget_growths_pct=[4.0]).table
    direct = run_budget(inputs.with_changes(floor_pct=7.0, budget_growth_pct=4.0), scenarios=["floor"]).periods
    assert table["cumulative_spending_bn_vnd"].to_numpy() == pytest.approx(
        direct["cumulative_spending_bn_vnd"].to_numpy(), rel=1e-12)
    assert table["n_years_above_capacity"].tolist() == direct["n_years_above_capacity"].tolist()


# ------------------------------------------------------------------ properties

floors = st.floats(min_value=1.0, max_value=50.0, allow_nan=False)
growths = st.floats(min_value=-20.0, max_value=30.0, allow_nan=False)


@st.composite
def budget_inputs(draw) -> BudgetInputs:
    base_year = draw(st.integers(2020, 2030))
    end_year = draw(st.integers(base_year + 1, base_year + 25))
    start_year = draw(st.integers(base_year, end_year))
    ramp_year = draw(st.integers(start_year, end_year))
    split = draw(st.integers(base_year, end_year - 1))
    return BudgetInputs(
        geography="test", base_year=base_year,
        base_expenditure_bn_vnd=draw(st.floats(1.0, 1e7)), floor_pct=draw(floors),
        current_share_pct=draw(st.floats(0.0, 60.0)), grdp_base_year=base_year - draw(st.integers(0, 3)),
        grdp_base_bn_vnd=draw(st.floats(1.0, 1e8)), real_growth_pct=draw(growths), deflator_pct=draw(growths),
        budget_growth_pct=draw(st.one_of(st.none(), growths)), start_year=start_year, ramp_year=ramp_year,
        end_year=end_year, capacity_bn_vnd=draw(st.floats(1.0, 1e6)),
        periods=((base_year, split), (split + 1, end_year)))


@settings(max_examples=60, deadline=None)
@given(inputs=budget_inputs(), factor=st.floats(1.0, 2.0))
def test_spending_scales_linearly_with_the_floor(inputs, factor):
    low = run_budget(inputs, scenarios=["floor"])
    high = run_budget(inputs.with_changes(floor_pct=inputs.floor_pct * factor), scenarios=["floor"])
    years = column(low, "floor", "year")
    on = years >= inputs.start_year
    assert column(high, "floor", "spending_bn_vnd")[on] == pytest.approx(
        factor * column(low, "floor", "spending_bn_vnd")[on], rel=1e-9)
    # Before the start year the floor does not apply: both equal the status quo.
    assert column(high, "floor", "spending_bn_vnd")[~on] == pytest.approx(
        column(low, "floor", "status_quo_spending_bn_vnd")[~on], rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(inputs=budget_inputs())
def test_cumulative_totals_are_sums_of_yearly_values(inputs):
    result = run_budget(inputs)
    for scenario in SCENARIOS:
        rows = result.yearly[result.yearly["scenario"] == scenario]
        assert rows["cumulative_spending_bn_vnd"].to_numpy() == pytest.approx(
            np.cumsum(rows["spending_bn_vnd"].to_numpy()), rel=1e-9)
        totals = 0.0
        for first, last in inputs.periods:
            part = rows[(rows["year"] >= first) & (rows["year"] <= last)]
            row = period_row(result, scenario, f"{first}–{last}")
            assert row["n_years"] == last - first + 1
            for total, yearly in (("cumulative_spending_bn_vnd", "spending_bn_vnd"),
                                  ("cumulative_spending_const_bn_vnd", "spending_const_bn_vnd"),
                                  ("cumulative_gap_bn_vnd", "gap_to_status_quo_bn_vnd")):
                assert row[total] == pytest.approx(math.fsum(part[yearly]), rel=1e-9, abs=1e-6)
            totals += row["cumulative_spending_bn_vnd"]
        assert totals == pytest.approx(rows["cumulative_spending_bn_vnd"].iloc[-1], rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(inputs=budget_inputs())
def test_ramp_reaches_the_floor_exactly_in_the_ramp_year(inputs):
    result = run_budget(inputs, scenarios=["ramp", "floor"])
    years = column(result, "ramp", "year")
    share = column(result, "ramp", "share_of_budget_pct")
    at_ramp = years == inputs.ramp_year
    assert share[at_ramp][0] == inputs.floor_pct
    assert column(result, "ramp", "spending_bn_vnd")[years >= inputs.ramp_year].tolist() == \
        column(result, "floor", "spending_bn_vnd")[years >= inputs.ramp_year].tolist()
    # Before the ramp year the share lies between the current share and the floor.
    low, high = sorted((inputs.current_share_pct, inputs.floor_pct))
    before = share[years < inputs.ramp_year]
    assert np.all((before >= low - 1e-12) & (before <= high + 1e-12))


@settings(max_examples=60, deadline=None)
@given(inputs=budget_inputs())
def test_constant_prices_undo_the_deflator(inputs):
    rows = run_budget(inputs, scenarios=["floor"]).yearly
    deflator = (1 + inputs.deflator_pct / 100) ** (rows["year"] - inputs.base_year)
    assert (rows["spending_const_bn_vnd"] * deflator).to_numpy() == pytest.approx(
        rows["spending_bn_vnd"].to_numpy(), rel=1e-9)
    assert rows["spending_const_bn_vnd"].iloc[0] == pytest.approx(rows["spending_bn_vnd"].iloc[0], rel=1e-12)


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("change, name, fragment", [
    ({"floor_pct": 0}, "floor_pct", "> 0"),
    ({"floor_pct": -5}, "floor_pct", "> 0"),
    ({"floor_pct": 100.5}, "floor_pct", "<= 100"),
    ({"floor_pct": 0.15}, "floor_pct", "e.g. 15 for 15 %"),
    ({"floor_pct": float("nan")}, "floor_pct", "finite"),
    ({"floor_pct": "15"}, "floor_pct", "expected a number"),
    ({"floor_pct": True}, "floor_pct", "expected a number"),
    ({"base_expenditure_bn_vnd": -1.0}, "base_expenditure_bn_vnd", ">= 0"),
    ({"base_expenditure_bn_vnd": float("inf")}, "base_expenditure_bn_vnd", "finite"),
    ({"base_expenditure_bn_vnd": float("nan")}, "base_expenditure_bn_vnd", "finite"),
    ({"grdp_base_bn_vnd": 0.0}, "grdp_base_bn_vnd", "> 0"),
    ({"current_share_pct": 101}, "current_share_pct", "<= 100"),
    ({"ramp_year": 2026, "start_year": 2027}, "ramp_year", "before start_year"),
    ({"start_year": 2024}, "start_year", "within"),
    ({"ramp_year": 2031}, "ramp_year", "end_year"),
    ({"real_growth_pct": -100.0}, "real_growth_pct", "> -100"),
    ({"deflator_pct": -150.0}, "deflator_pct", "> -100"),
    ({"budget_growth_pct": -100.0}, "budget_growth_pct", "> -100"),
    ({"capacity_growth_pct": -100.0}, "capacity_growth_pct", "> -100"),
    ({"capacity_bn_vnd": 0.0}, "capacity_bn_vnd", "> 0"),
    ({"base_year": 2025.0}, "base_year", "integer"),
    ({"end_year": 2025}, "end_year", "after base_year"),
    ({"grdp_base_year": 2026}, "grdp_base_year", "<= base_year"),
    ({"geography": ""}, "geography", "non-empty"),
    ({"periods": ((2025, 2031),)}, "periods[0]", "<= 2030"),
    ({"periods": ((2025, 2027), (2027, 2030))}, "periods[1]", "overlaps"),
    ({"periods": "2025-2030"}, "periods", "sequence"),
    ({"bases": {"floor_pct": ("sourced", "x")}}, "bases['floor_pct']", "kind"),
    ({"bases": {"colour": (ASSUMED, "x")}}, "bases", "unknown value"),
])
def test_bad_budget_inputs(change, name, fragment):
    with pytest.raises(ParameterError) as caught:
        toy_inputs(**change)
    assert caught.value.name == name
    assert fragment in str(caught.value)


@pytest.mark.parametrize("change, name", [
    ({"target_year": 2019}, "target_year"),
    ({"target_pct_gdp": 0.02}, "target_pct_gdp"),
    ({"nonstate_share_pct": 101}, "nonstate_share_pct"),
    ({"first_year": 2018}, "first_year"),
    ({"end_year": 2024}, "end_year"),
    ({"gdp_base_bn_vnd": -1}, "gdp_base_bn_vnd"),
    ({"real_growth_pct": -100}, "real_growth_pct"),
    ({"gerd_base_pct_gdp": float("nan")}, "gerd_base_pct_gdp"),
])
def test_bad_rnd_inputs(change, name):
    with pytest.raises(ParameterError) as caught:
        rnd_inputs().with_changes(**change)
    assert caught.value.name == name


def test_bad_function_arguments_fail_before_any_computation(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("computed before validating")

    monkeypatch.setattr(budget, "_growth_path", must_not_run)
    inputs = toy_inputs()
    cases = [
        (lambda: run_budget(inputs, scenarios=["flor"]), "scenarios"),
        (lambda: run_budget(inputs, scenarios=[]), "scenarios"),
        (lambda: run_budget({"floor_pct": 15}), "inputs"),
        (lambda: sensitivity_table(inputs, floors_pct=[3, 0.15]), "floors_pct[1]"),
        (lambda: sensitivity_table(inputs, floors_pct=[]), "floors_pct"),
        (lambda: sensitivity_table(inputs, budget_growths_pct=[5, -100]), "budget_growths_pct[1]"),
        (lambda: sensitivity_table(inputs, scenario="floors"), "scenario"),
        (lambda: rnd_target_path(inputs), "inputs"),
        (lambda: nominal_growth_pct(-100, 3), "real_growth_pct"),
        (lambda: nominal_growth_pct(3, float("inf")), "deflator_pct"),
    ]
    for call, name in cases:
        with pytest.raises(ParameterError) as caught:
            call()
        assert caught.value.name == name


def test_bad_scenario_in_result_methods():
    result = run_budget(toy_inputs(), scenarios=["floor"])
    with pytest.raises(ParameterError) as caught:
        result.years_above_capacity("ramp")
    assert caught.value.name == "scenario"
    with pytest.raises(ParameterError):
        compare_public_rnd_with_floor(result, rnd_target_path(rnd_inputs()), scenario="ramp")
    with pytest.raises(ParameterError) as caught:
        compare_public_rnd_with_floor(result, "rnd")
    assert caught.value.name == "rnd"


def test_numpy_years_are_accepted():
    inputs = toy_inputs(base_year=np.int64(2025), ramp_year=np.int64(2029))
    assert type(inputs.base_year) is int and inputs.ramp_year == 2029


# ------------------------------------------------------------------ beside the floor (issue 22, item 8)

def test_constant_share_totals_worked_example():
    # Budget 1,000, 1,100, 1,210 in 2025-2027: a 5 % share spends 165.5; the 10 % floor 331, 165.5 more.
    result = run_budget(toy_inputs())
    table = budget.constant_share_totals(result, 5.0).set_index("period")
    assert table.loc["2025–2027", "cumulative_spending_bn_vnd"] == pytest.approx(165.5)
    assert table.loc["2025–2027", "cumulative_floor_bn_vnd"] == pytest.approx(331.0)
    assert table.loc["2025–2027", "cumulative_gap_bn_vnd"] == pytest.approx(165.5)
    # at the status quo's own share the gap is the engine's own gap to the status quo
    own = budget.constant_share_totals(result, 2.0).set_index("period")
    assert own.loc["2028–2030", "cumulative_gap_bn_vnd"] == pytest.approx(
        period_row(result, "floor", "2028–2030")["cumulative_gap_bn_vnd"])
    with pytest.raises(ParameterError, match="share_pct"):
        budget.constant_share_totals(result, 120.0)


def test_fiscal_space_worked_example():
    """Floor 10 %, status quo 2 %, budget +10 % a year from 1,000: in 2029 the floor's extra 8 % of 1,464.1
    (117.128) takes 117.128 / 464.1 of the growth since 2025 and (0.08 x 1.1 / 0.1) = 88 % of that year's growth."""
    space = budget.fiscal_space(run_budget(toy_inputs()))
    floor = space[space["scenario"] == "floor"].set_index("year")
    assert floor.loc[2029, "extra_spending_bn_vnd"] == pytest.approx(117.128)
    assert floor.loc[2029, "budget_growth_since_base_bn_vnd"] == pytest.approx(464.1)
    assert floor.loc[2029, "extra_share_of_growth_pct"] == pytest.approx(117.128 / 464.1 * 100)
    assert floor.loc[2029, "extra_share_of_increment_pct"] == pytest.approx(88.0)
    assert floor.loc[2029, "extra_share_of_expenditure_pct"] == pytest.approx(8.0)
    assert math.isnan(floor.loc[2025, "extra_share_of_growth_pct"])  # no growth in the base year
    assert math.isnan(floor.loc[2025, "budget_increment_bn_vnd"])
    ramp = space[space["scenario"] == "ramp"].set_index("year")
    assert ramp.loc[2025, "extra_spending_bn_vnd"] == pytest.approx(0.0)  # the ramp starts at the status quo
    assert ramp.loc[2027, "extra_share_of_growth_pct"] == pytest.approx(0.04 * 1210 / 210 * 100)  # share 6 %
    assert list(space.columns) == list(budget.FISCAL_SPACE_COLUMNS)
    # A budget that does not grow leaves no space: the shares of growth are missing, never infinite.
    flat = budget.fiscal_space(run_budget(toy_inputs(budget_growth_pct=0.0)))
    assert flat["extra_share_of_growth_pct"].isna().all() and np.isfinite(flat["extra_spending_bn_vnd"]).all()
    with pytest.raises(ParameterError, match="scenarios"):
        budget.fiscal_space(run_budget(toy_inputs(), scenarios=["floor"]), ["ramp"])
