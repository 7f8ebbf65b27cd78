"""Unit tests of nq57lib.outlook_sensitivity: the tornado table pinned to hand-computed outlooks."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nq57lib import outlook_sensitivity as os_
from nq57lib.errors import ParameterError

BASE = {"base_year": 2022, "base_share_pct": 22.87, "growth_pct": 5.0, "ceiling_pct": 70.0, "target_pct": 60.0}


def test_outlook_summary_by_hand():
    out = os_.outlook_summary(BASE)
    assert out["share_2030_pct"] == pytest.approx(22.87 * 1.05 ** 8)
    assert out["share_2045_pct"] == 70.0  # 22.87 * 1.05^23 = 70.25, capped at the 70 % ceiling
    # 22.87 * 1.05^t >= 60  <=>  t >= ln(60 / 22.87) / ln(1.05) = 19.77 -> 20 years -> 2042
    assert out["attained_year"] == 2042
    assert os_.share_growth_pct({"de_growth_pct": 15, "grdp_growth_pct": 7}) == pytest.approx((1.15 / 1.07 - 1) * 100)


def test_sensitivity_table_sorted_by_swing_with_categorical_and_numeric_ranges():
    ranges = {"ceiling": ({"ceiling_pct": 65.0}, {"ceiling_pct": 75.0}),
              "growth_pct": (4.0, 6.0),
              "definition": ({"growth_pct": 2.0}, {"growth_pct": 15.4}, ("nso pace", "ministry pace"))}
    table = os_.sensitivity_table(BASE, ranges)
    assert table["assumption"].tolist() == ["definition", "growth_pct", "ceiling"]
    definition = table.iloc[0]
    assert (definition["low_label"], definition["high_label"]) == ("nso pace", "ministry pace")
    assert definition["share_2045_low_pct"] == pytest.approx(22.87 * 1.02 ** 23)
    assert definition["share_2045_high_pct"] == 70.0  # capped at the ceiling
    assert definition["swing_2045_pp"] == pytest.approx(70 - 22.87 * 1.02 ** 23)
    pace = table.set_index("assumption").loc["growth_pct"]
    assert pace["share_2030_low_pct"] == pytest.approx(22.87 * 1.04 ** 8)
    assert pace["attained_year_high"] == 2022 + math.ceil(math.log(60 / 22.87) / math.log(1.06))
    # the ceiling binds in 2045 (65 % low; 75 % lets 70.25 % through) but not in 2030
    ceiling = table.set_index("assumption").loc["ceiling"]
    assert ceiling["swing_2045_pp"] == pytest.approx(22.87 * 1.05 ** 23 - 65)
    assert ceiling["swing_2030_pp"] == pytest.approx(0.0)
    assert pd.isna(definition["swing_years"])  # the nso pace never reaches 60 %


def test_grdp_growth_is_an_assumption_of_its_own():
    base = {**{k: v for k, v in BASE.items() if k != "growth_pct"}, "de_growth_pct": 12.0, "grdp_growth_pct": 7.0}
    table = os_.sensitivity_table(base, {"grdp_growth_pct": (6.0, 8.0)})
    row = table.iloc[0]
    assert row["share_2030_low_pct"] == pytest.approx(22.87 * (1.12 / 1.06) ** 8)
    assert row["share_2030_high_pct"] == pytest.approx(22.87 * (1.12 / 1.08) ** 8)


def test_bad_range_names_the_assumption():
    with pytest.raises(ParameterError, match="ranges\\['ceiling_pct'\\]"):
        os_.sensitivity_table(BASE, {"ceiling_pct": (65.0, 170.0)})
    with pytest.raises(ParameterError, match="ranges\\['x'\\]"):
        os_.sensitivity_table(BASE, {"x": (1,)})


@settings(max_examples=50, deadline=None)
@given(share=st.floats(1, 60), growth=st.floats(-10, 30), extra=st.floats(0.1, 10),
       method=st.sampled_from(os_.OUTLOOK_METHODS))
def test_outlook_never_above_the_ceiling_and_monotone_in_the_pace(share, growth, extra, method):
    config = {"base_year": 2022, "base_share_pct": share, "ceiling_pct": 70.0, "method": method, "damping": 0.8}
    slow = os_.outlook_summary({**config, "growth_pct": growth})
    fast = os_.outlook_summary({**config, "growth_pct": growth + extra})
    for key in ("share_2030_pct", "share_2045_pct"):
        assert slow[key] <= 70.0 + 1e-9 and fast[key] <= 70.0 + 1e-9
        assert fast[key] >= slow[key] - 1e-9
