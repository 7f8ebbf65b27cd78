"""Tests of nq57lib.charts.budget_floor_charts: the figures show the computed numbers, in both languages, with sources."""

from __future__ import annotations

from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nq57lib.floor_cost import BudgetInputs, run_budget, sensitivity_table
from nq57lib.errors import ParameterError
from nq57lib.formatting import format_number
from nq57lib.charts.budget_floor_charts import (
    footnote_lines, plot_cumulative_gap, plot_sensitivity_heatmap, plot_spending_paths,
)
from nq57lib.provenance import ASSUMED, DERIVED, OBSERVED

# Test inputs with source-id-shaped bases: the footnote must carry every id it is given.
PLAN_ID, GRDP_ID, GROWTH_ID, FLOOR_ID = ("plan-0000000a", "grdp-0000000b", "growth-0000000c", "floor-0000000d")
PROVINCE = BudgetInputs(
    geography="vinh-phuc", base_year=2025, base_expenditure_bn_vnd=1000.0 / 0.03, floor_pct=15.0,
    current_share_pct=3.0, grdp_base_year=2024, grdp_base_bn_vnd=173140.0, real_growth_pct=7.52,
    deflator_pct=3.5, start_year=2025, ramp_year=2030, end_year=2045, capacity_bn_vnd=350.0,
    bases={"base_expenditure_bn_vnd": (DERIVED, f"1,000 / 0.03 ({PLAN_ID})"),
           "current_share_pct": (OBSERVED, f"plan share ({PLAN_ID})"),
           "grdp_base_bn_vnd": (OBSERVED, f"GRDP 2024 ({GRDP_ID})"),
           "real_growth_pct": (ASSUMED, f"growth 2024 held constant ({GROWTH_ID})"),
           "deflator_pct": (ASSUMED, "round planning value")})
NATION = BudgetInputs(
    geography="vn", base_year=2025, base_expenditure_bn_vnd=2540000.0, floor_pct=3.0, current_share_pct=0.65,
    grdp_base_year=2022, grdp_base_bn_vnd=9513300.0, real_growth_pct=7.0, deflator_pct=3.5, start_year=2025,
    ramp_year=2030, end_year=2045, bases={"floor_pct": (OBSERVED, f"national floor ({FLOOR_ID})")})
RESULT = run_budget(PROVINCE)
NATIONAL = run_budget(NATION)
SENSITIVITY = sensitivity_table(PROVINCE)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labelled_lines(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def figure_text(fig) -> str:
    return "\n".join(t.get_text() for t in fig.texts)


def test_format_number():
    assert format_number(33333.333, "en") == "33,333"
    assert format_number(33333.333, "vi") == "33.333"
    assert format_number(7.52, "en") == "7.52"
    assert format_number(7.52, "vi") == "7,52"
    assert format_number(15.0, "en") == "15"
    assert format_number(1234.5, "vi", 1) == "1.234,5"


def test_spending_paths_show_the_computed_values():
    fig = plot_spending_paths(RESULT, "en", geo_name="Vĩnh Phúc")
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    assert set(lines) == {"Floor 15 % from 2025", "Ramp to 15 % by 2030", "Status quo 3 %", "Absorptive capacity"}
    floor = RESULT.yearly[RESULT.yearly["scenario"] == "floor"]
    np.testing.assert_allclose(lines["Floor 15 % from 2025"].get_ydata(), floor["spending_bn_vnd"])
    np.testing.assert_allclose(lines["Absorptive capacity"].get_ydata(), 350.0)
    assert ax.get_title() == "Required S&T spending vs status quo, Vĩnh Phúc"
    assert "current prices" in ax.get_ylabel()


def test_spending_paths_in_constant_prices_and_vietnamese():
    fig = plot_spending_paths(RESULT, "vi", constant_prices=True, scenarios=["floor", "status_quo"])
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    assert set(lines) == {"Mức chi tối thiểu 15% từ năm 2025", "Giữ tỷ lệ hiện nay 3%", "Khả năng giải ngân"}
    floor = RESULT.yearly[RESULT.yearly["scenario"] == "floor"]
    np.testing.assert_allclose(lines["Mức chi tối thiểu 15% từ năm 2025"].get_ydata(), floor["spending_const_bn_vnd"])
    assert ax.get_ylabel() == "tỷ đồng, theo giá so sánh năm 2025"
    assert "Chi cho KHCN, ĐMST và CĐS" in ax.get_title()
    assert ax.yaxis.get_major_formatter()(40000, 0) == "40.000"


def test_national_paths_have_no_capacity_line():
    fig = plot_spending_paths(NATIONAL, "en", geo_name="Vietnam")
    assert set(labelled_lines(fig.axes[0])) == {"Floor 3 % from 2025", "Ramp to 3 % by 2030", "Status quo 0.65 %"}
    assert "Vietnam" in fig.axes[0].get_title()


def test_title_falls_back_to_the_geography_id():
    assert plot_spending_paths(NATIONAL, "en").axes[0].get_title().endswith(", vn")


def test_comparison_floor_is_drawn_and_cited():
    comparison = run_budget(replace(PROVINCE, floor_pct=5.0, bases={
        **PROVINCE.bases, "floor_pct": (OBSERVED, f"a floor ({FLOOR_ID})")}), scenarios=["floor"])
    fig = plot_spending_paths(RESULT, "vi", comparison=comparison, geo_name="Vĩnh Phúc")
    lines = labelled_lines(fig.axes[0])
    line = lines["So sánh: mức chi tối thiểu 5% từ năm 2025"]
    np.testing.assert_allclose(line.get_ydata(), comparison.yearly["spending_bn_vnd"])
    text = figure_text(fig)
    assert FLOOR_ID in text and "mức chi tối thiểu so sánh 5% tổng chi ngân sách" in text


def test_comparison_equal_to_the_status_quo_is_one_line_named_in_the_legend():
    # The province's status quo is 3 %: a 3 % comparison would redraw the status quo's line.
    comparison = run_budget(replace(PROVINCE, floor_pct=3.0, bases={
        **PROVINCE.bases, "floor_pct": (OBSERVED, f"national floor ({FLOOR_ID})")}), scenarios=["floor"])
    fig = plot_spending_paths(RESULT, "en", comparison=[comparison])
    lines = labelled_lines(fig.axes[0])
    assert not any(name.startswith("Comparison") for name in lines)
    assert "Status quo 3 % (= the comparison floor of the same share)" in lines
    assert FLOOR_ID in figure_text(fig)  # still cited


def test_footnote_lists_sources_and_assumptions():
    text = figure_text(plot_spending_paths(RESULT, "en"))
    for source in (PLAN_ID, GRDP_ID, GROWTH_ID):
        assert source in text
    assert "base-year budget expenditure 33,333 bn VND" in text
    assert "deflator 3.5 %/yr" in text and "Assumptions:" in text
    vi = footnote_lines(RESULT.assumptions, "vi")
    assert any(line.startswith("Giả định:") and "7,52%/năm" in line for line in vi)
    assert any("33.333 tỷ đồng" in line for line in vi)


def test_cumulative_gap_plots_the_running_gap():
    fig = plot_cumulative_gap(RESULT, "en")
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    assert set(lines) == {"Floor 15 % from 2025", "Ramp to 15 % by 2030"}
    ramp = RESULT.yearly[RESULT.yearly["scenario"] == "ramp"]
    np.testing.assert_allclose(lines["Ramp to 15 % by 2030"].get_ydata(), ramp["cumulative_gap_bn_vnd"])
    value_2030 = ramp.loc[ramp["year"] == 2030, "cumulative_gap_bn_vnd"].iloc[0]
    assert format_number(value_2030, "en", 0) in [t.get_text() for t in ax.texts]
    assert PLAN_ID in figure_text(fig)


def test_cumulative_gap_needs_a_scenario_besides_the_status_quo():
    only = run_budget(PROVINCE, scenarios=["status_quo"])
    with pytest.raises(ParameterError) as caught:
        plot_cumulative_gap(only)
    assert caught.value.name == "result"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_heatmap_cells_are_the_table_values(lang):
    fig = plot_sensitivity_heatmap(SENSITIVITY, lang, period="2031–2045", geo_name="Vĩnh Phúc")
    ax = fig.axes[0]
    table = SENSITIVITY.table[SENSITIVITY.table["period"] == "2031–2045"]
    shown = sorted(t.get_text() for t in ax.texts)
    expected = sorted(format_number(v, lang, 0) for v in table["cumulative_spending_bn_vnd"])
    assert shown == expected
    assert [t.get_text() for t in ax.get_yticklabels()] == ["3", "5", "10", "15"]
    assert "2031–2045" in ax.get_title()
    assert PLAN_ID in figure_text(fig)


def test_heatmap_other_metric():
    fig = plot_sensitivity_heatmap(SENSITIVITY, "en", metric="cumulative_spending_const_bn_vnd")
    assert "2025 prices" in fig.axes[0].get_title()


@pytest.mark.parametrize("call, name", [
    (lambda: plot_spending_paths(RESULT, "fr"), "lang"),
    (lambda: plot_spending_paths(RESULT, "en", constant_prices="yes"), "constant_prices"),
    (lambda: plot_spending_paths(RESULT, "en", scenarios=["flor"]), "scenarios"),
    (lambda: plot_spending_paths(RESULT, "en", scenarios="floor"), "scenarios"),
    (lambda: plot_spending_paths(SENSITIVITY, "en"), "result"),
    (lambda: plot_cumulative_gap(RESULT, "EN"), "lang"),
    (lambda: plot_sensitivity_heatmap(SENSITIVITY, "en", period="2025-2030"), "period"),
    (lambda: plot_sensitivity_heatmap(SENSITIVITY, "en", metric="spending"), "metric"),
    (lambda: plot_sensitivity_heatmap(RESULT, "en"), "sensitivity"),
    (lambda: plot_spending_paths(RESULT, "en", comparison=SENSITIVITY), "comparison"),
    (lambda: plot_spending_paths(RESULT, "en", geo_name=""), "geo_name"),
    (lambda: plot_cumulative_gap(RESULT, "en", geo_name=5), "geo_name"),
])
def test_bad_arguments_fail_before_a_figure_is_made(call, name):
    before = plt.get_fignums()
    with pytest.raises(ParameterError) as caught:
        call()
    assert caught.value.name == name
    assert plt.get_fignums() == before
