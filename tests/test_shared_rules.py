"""One rule for what the digital-economy and budget reports share (issue 22, item 9): growth borrowing, the
deflator's label, the as-of year of the growth window, and when a target's year has passed.

Each test runs both reports' own steps on the shipped data and checks they say the same thing.
"""

from __future__ import annotations

import pytest

from nq57lib import budget_floor as B
from nq57lib import data_package, grdp_growth
from nq57lib import digital_economy as share
from nq57lib import target_assessment as sc
from nq57lib import share_formulas
from nq57lib.formatting import fmt_pct
from nq57lib.params import Parameters
from nq57lib.provenance import ASSUMED, DERIVED
from nq57lib.config import DEFAULT_DEFLATOR_PCT

from test_budget_floor import params, run_steps
from test_digital_economy import build


@pytest.fixture(scope="module")
def pkg():
    return data_package.load_package(use_env=False)


def _de_growth(pkg, geo: str, **kw):
    P = Parameters("digital_economy", {"geo": geo, "lang": "en", "concept": "both", "horizon_year": 2045,
                                       "n_paths": 2000, "seed": 57, "proxy": "", "ceiling_pct": 70.0,
                                       "g_grdp_pct": 0.0, "deflator_pct": DEFAULT_DEFLATOR_PCT,
                                       "de_growth_pct": 12.0, "output_dir": "", **kw})
    return share.grdp_growth_assumption(pkg, share.load_inputs(pkg, P), P)


def test_bac_ninh_borrows_the_nation_s_growth_in_both_reports_and_neither_says_set_by_the_run(pkg):
    """Bac Ninh has no real growth in the data: the digital-economy report borrowed the nation's and called it
    "set by the run"; the budget report refused to run. Now both borrow, label it, and agree."""
    assert not grdp_growth.yearly_real_growth(pkg, "bac-ninh")
    de = _de_growth(pkg, "bac-ninh")
    budget = B.derive_inputs(pkg, params(geo="bac-ninh", base_expenditure_bn_vnd=50000.0))
    real = budget.items["real"]
    assert (de.rule, de.real_kind) == (grdp_growth.BORROWED, ASSUMED)
    assert (real.rule, real.kind) == ("borrowed", ASSUMED)
    assert real.value == pytest.approx(de.real_pct) and real.facts["years"] == de.years
    assert real.value == pytest.approx(grdp_growth.growth_assumption(pkg, "vn", 2025, deflator_pct=3.7).real_pct)
    report = run_steps(params(geo="bac-ninh", base_expenditure_bn_vnd=50000.0), pkg)
    growth = next(p for p in report.narrative if p.startswith("**Budget path.**"))
    rate = fmt_pct(real.value, "en", 2)
    assert f"real growth {rate}, borrowed: the nation's geometric mean" in growth
    assert f"real growth {rate}, set by the user" not in growth
    assert "nation's medium-term mean stands in" in report.narrative_markdown()
    text = build(pkg, "bac-ninh", deflator_pct=DEFAULT_DEFLATOR_PCT).narrative_markdown()
    assert "set by the run" not in text and "the nation's real growth" in text
    vi = build(pkg, "bac-ninh", deflator_pct=DEFAULT_DEFLATOR_PCT, lang="vi").narrative_markdown()
    assert "do người dùng đặt" not in vi and "dùng tốc độ của cả nước" in vi  # borrowed, said so


@pytest.mark.parametrize("geo", ["vinh-phuc", "vn", "phu-tho-2025"])
def test_one_deflator_label_and_one_growth_window_in_both_reports(pkg, geo):
    de = _de_growth(pkg, geo)
    budget = B.derive_inputs(pkg, params(geo=geo))
    de_deflator = next(a for a in de.assumptions() if a.name == "deflator_pct")
    budget_deflator = budget.inputs.bases["deflator_pct"]
    assert de_deflator.kind == budget_deflator[0] == DERIVED  # was "assumed" in one report, "derived" in the other
    assert de_deflator.basis == budget_deflator[1]
    # The window ends at the data's as-of year (capped by the budget's base year): the same years here.
    as_of = data_package.as_of_year(pkg)
    assert de.window_end == as_of and budget.items["real"].facts["window_end"] == min(as_of, 2025)
    assert budget.items["real"].facts["years"] == de.years
    assert budget.inputs.real_growth_pct == pytest.approx(de.real_pct)
    # A user's deflator is the user's in both.
    user = _de_growth(pkg, geo, deflator_pct=4.5)
    assert next(a for a in user.assumptions() if a.name == "deflator_pct").kind == ASSUMED
    assert B.derive_inputs(pkg, params(geo=geo, deflator_pct=4.5)).items["deflator"].kind == ASSUMED


def test_a_target_due_in_the_as_of_year_is_open_in_every_report(pkg):
    """One function decides (share_formulas.target_has_passed): a target due in the as-of year has not
    passed (the digital-economy report counted it as passed, the scorecard did not)."""
    as_of = data_package.as_of_year(pkg)
    assert not share_formulas.target_has_passed(as_of, as_of)
    assert share_formulas.target_has_passed(as_of - 1, as_of)
    targets = pkg.targets[pkg.targets["indicator_id"] == "de_share_pct"].copy()
    due_now = targets.iloc[[0]].assign(target_id="due-now", year=as_of)
    ahead, passed = share_formulas.split_targets_as_of(due_now, as_of)
    assert list(ahead["target_id"]) == ["due-now"] and passed.empty
    # The scorecard reads the new Phu Tho's growth target due in the as-of year as open, not passed.
    assert int(pkg.targets.set_index("target_id").loc["phu-tho-2025-grdp-growth-2026", "year"]) == as_of
    selection = sc.select_targets(pkg, "phu-tho-2025")
    assessed = sc.assess_targets(pkg, sc.required_paces(pkg, sc.latest_values(pkg, selection, "en"), as_of, "en"),
                                 as_of, "en")
    row = assessed.set_index("target_id").loc["phu-tho-2025-grdp-growth-2026"]
    assert "no value for the target year" not in str(row["assessment"])
    # ... and the digital-economy report projects (does not pass) every target not before the as-of year.
    r = build(pkg, "vn")
    assert (r.tables["targets_due"]["target_year"] < as_of).all()
