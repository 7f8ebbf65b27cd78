"""Unit tests of nq57lib.backtest: the rolling-origin back-test pinned to a hand-computed example."""

from __future__ import annotations

import math

import pytest

from nq57lib import backtest as bt
from nq57lib.errors import ParameterError

from test_share_projection import NATION, VINH_PHUC, history  # noqa: E402

SERIES = history({2020: 10.0, 2021: 11.0, 2022: 12.0, 2023: 13.0}, "nso")


def test_rolling_origin_errors_by_hand():
    points = bt.backtest_points(SERIES).set_index(["method", "origin_year", "year"])
    # origin 2021 (10, 11): CAGR 10 % -> 12.1 in 2022 and 13.31 in 2023; linear 1 pp a year -> exact
    assert points.loc[("current trend", 2021, 2022), "error_pp"] == pytest.approx(0.1)
    assert points.loc[("current trend", 2021, 2023), "error_pp"] == pytest.approx(0.31)
    assert points.loc[("linear", 2021, 2023), "error_pp"] == pytest.approx(0.0)
    # origin 2022 (10, 11, 12): CAGR sqrt(1.2) - 1 -> 12 * 1.2 ** 0.5 in 2023
    assert points.loc[("current trend", 2022, 2023), "predicted_pct"] == pytest.approx(12 * 1.2 ** 0.5)
    # damped pace: growths ln 1.1 and ln(12/11), phi = ratio of the two -> 12 exp(r1 * phi)
    r0, r1 = math.log(1.1), math.log(12 / 11)
    assert points.loc[("damped pace", 2022, 2023), "predicted_pct"] == pytest.approx(12 * math.exp(r1 * r1 / r0))
    assert ("damped pace", 2021, 2022) not in points.index  # two training points cannot show slowing
    assert "ets" not in points.index.get_level_values("method")  # needs 6 training observations


def test_summary_per_method_and_horizon_and_band_note():
    table = bt.backtest(SERIES).set_index(["method", "horizon_years"])
    row = table.loc[("current trend", 1)]
    assert row["n"] == 2 and row["mean_error_pp"] == pytest.approx((0.1 + 12 * 1.2 ** 0.5 - 13) / 2)
    assert row["mae_pp"] == pytest.approx(row["mean_error_pp"])
    assert table.loc[("current trend", 2), "n"] == 1
    mc = table.loc[("monte carlo", 1)]
    assert mc["n_band"] == 1 and "too few to judge the band widths" in mc["band_note"]
    assert list(bt.backtest(SERIES).columns) == bt.SUMMARY_COLUMNS


def test_backtest_runs_on_both_national_definitions_and_refuses_thin_series():
    for concept in ("nso", "ministry"):
        table = bt.backtest(NATION, concept=concept)
        assert {"current trend", "linear", "logistic", "monte carlo"} <= set(table["method"])
    with pytest.raises(ParameterError, match=">= 4 observations"):
        bt.backtest(VINH_PHUC)
