"""The floors compared and what they cost on one budget path: spending paths, totals, the R&D view, the
sensitivity cases and the results (scalars and the tables beside the floor).

Pure functions of a derivation (``nq57lib.floor_inputs``) and a list of floors; they run the engine
(``nq57lib.floor_cost``) and hold no words: labels a reader sees come from ``nq57lib.budget_floor_prose``,
put together by the ``budget_floor`` notebook's steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import pandas as pd

from . import data_package, grdp_growth
from .config import NATION
from .errors import ParameterError
from .floor_cost import (
    SCENARIOS, SENSITIVITY_FLOORS_PCT, BudgetInputs, BudgetResult, RndResult, SensitivityResult, check_floor_pct,
    compare_public_rnd_with_floor, constant_share_totals, fiscal_space, rnd_target_path, run_budget,
    sensitivity_table,
)
from .floor_inputs import (
    FAR_ABOVE_FACTOR, PROVINCIAL_FLOOR_BASIS, PROVINCIAL_FLOOR_PCT, Derivation, as_run, national_rnd_inputs,
    plan_growth, reference_share, successor,
)
from .provenance import ASSUMED, Assumption
from .text import phrase

# One-way sensitivity: each input moved alone, the others at the run's values.
SENSITIVITY_BASE_STEP = 0.2  # base expenditure x (1 -+ 20 %)
SENSITIVITY_REAL_STEP_PCT = 2.0  # real growth -+ 2 percentage points
SENSITIVITY_DEFLATOR_STEP_PCT = 1.5  # deflator -+ 1.5 percentage points
# The sensitivity grid of budget growth: the run's own rate and round steps around it (percentage points).
SENSITIVITY_GROWTH_STEPS_PCT = (-4.0, -2.0, 0.0, 2.0, 4.0)


@dataclass(frozen=True)
class Floor:
    """One floor to compare, as a share of budget expenditure, with where it comes from.

    The first floor of the list given to :func:`budget_paths` is the report's floor: it is run with
    the ramp and the status quo (scenarios ``floor``, ``ramp``, ``status_quo``). Every other floor is
    run on the same budget path as one more scenario named ``scenario`` (e.g. ``national_floor``).
    """

    scenario: str
    floor_pct: float
    kind: str
    basis: str
    label: str = "S&T floor"

    def __post_init__(self) -> None:
        if not isinstance(self.scenario, str) or not self.scenario.isidentifier():
            raise ParameterError("scenario", f"expected a short identifier such as 'national_floor', got "
                                             f"{self.scenario!r}")
        object.__setattr__(self, "floor_pct", check_floor_pct("floor_pct", self.floor_pct))


def check_floors(floors: Any) -> list[Floor]:
    """The list of floors a step was given, checked: a non-empty list of ``Floor``, every scenario name after the
    first unique and none of the engine's own (``floor_cost.SCENARIOS``)."""
    if isinstance(floors, (str, bytes)) or not isinstance(floors, Sequence) or not floors:
        raise ParameterError("floors", f"expected a non-empty list of Floor, got {floors!r}")
    for i, floor in enumerate(floors):
        if not isinstance(floor, Floor):
            raise ParameterError(f"floors[{i}]", f"expected a Floor, got {type(floor).__name__}")
    names = [f.scenario for f in floors[1:]]
    clash = [n for n in names if n in SCENARIOS or names.count(n) > 1]
    if clash:
        raise ParameterError("floors", f"scenario names must be unique and not one of {SCENARIOS}: {clash[0]!r}")
    return list(floors)


@dataclass(frozen=True)
class BudgetPaths:
    """Step 3's result: the budget path and every floor's spending on it.

    ``main`` is the first floor's run (floor, ramp, status quo); ``comparisons`` the other floors'
    runs by scenario name; ``yearly`` and ``periods`` stack them (tidy, one row per scenario and
    year or period). Shows as the milestones table (first year, every fifth year, last year).
    """

    derivation: Derivation
    floors: tuple[Floor, ...]
    main: BudgetResult
    comparisons: Mapping[str, BudgetResult]
    yearly: pd.DataFrame
    periods: pd.DataFrame

    def milestones(self) -> pd.DataFrame:
        inputs = self.derivation.inputs
        return milestones(self.yearly, inputs.base_year, inputs.end_year)

    def _repr_html_(self) -> str:
        return self.milestones()._repr_html_()


def default_floors(derivation: Derivation) -> list[Floor]:
    """The floors to compare: the run's floor first (the geography's default unless floor_pct is set), then the
    national 3 % and Vinh Phuc's 15 % beside it, so every report shows both."""
    items = derivation.items
    floor, national = items["floor"], items["national"]
    floors = [Floor("floor", floor.value, floor.kind, floor.basis, phrase("common.inputs.budget.floor_pct"))]
    if floor.rule != "national":
        floors.append(Floor("national_floor", national.value, national.kind, national.basis,
                            phrase("budget_floor.basis.national_floor_label")))
    if floor.rule not in ("as_reported", "carried") and floor.value != PROVINCIAL_FLOOR_PCT:
        floors.append(Floor("vinh_phuc_floor", PROVINCIAL_FLOOR_PCT, ASSUMED, PROVINCIAL_FLOOR_BASIS,
                            phrase("budget_floor.basis.vinh_phuc_floor_label")))
    return floors


def spending_paths(derivation: Derivation, floors: Sequence[Floor]) -> BudgetPaths:
    """The budget path and each floor's yearly spending on it (``nq57lib.floor_cost.run_budget``); the words
    about each input come from the value it runs with (:func:`nq57lib.floor_inputs.as_run`)."""
    floors = check_floors(floors)
    derivation = as_run(derivation)
    first, others = floors[0], floors[1:]
    bases = dict(derivation.inputs.bases)
    main_inputs = replace(derivation.inputs, floor_pct=first.floor_pct,
                          bases={**bases, "floor_pct": (first.kind, first.basis)})
    main = run_budget(main_inputs)
    comparisons = {f.scenario: run_budget(replace(main_inputs, floor_pct=f.floor_pct,
                                                  bases={**bases, "floor_pct": (f.kind, f.basis)}),
                                          scenarios=["floor"]) for f in others}
    yearly = pd.concat([main.yearly, *(_relabel(r.yearly, name) for name, r in comparisons.items())],
                       ignore_index=True)
    periods = pd.concat([main.periods, *(_relabel(r.periods, name) for name, r in comparisons.items())],
                        ignore_index=True)
    return BudgetPaths(derivation, tuple(floors), main, comparisons, yearly, periods)


def absorption_table(paths: BudgetPaths) -> pd.DataFrame:
    """Per scenario and period, the years above the absorptive capacity and the largest ratio."""
    absorption = paths.periods[["scenario", "period", "n_years", "n_years_above_capacity",
                                "first_year_above_capacity", "max_spending_to_capacity_ratio"]].copy()
    absorption.insert(2, "capacity_bn_vnd", paths.derivation.inputs.capacity_bn_vnd)
    return absorption


def national_rnd_view(pkg, paths: BudgetPaths) -> RndView | None:
    """For the nation, what the R&D target costs and how much of the national floor public R&D needs; None for
    any other geography (the R&D target is national), or when the national floor is not among the floors."""
    d = paths.derivation
    run = national_run(paths)
    if d.geo != NATION or run is None:
        return None
    rnd = rnd_target_path(national_rnd_inputs(pkg, d))
    compared = compare_public_rnd_with_floor(run, rnd, scenario="floor").rename(
        columns={"floor_spending_bn_vnd": "national_floor_spending_bn_vnd",
                 "public_rnd_share_of_floor_pct": "public_rnd_share_of_national_floor_pct"})
    table = rnd.yearly.merge(compared.drop(columns=["public_rnd_max_bn_vnd"]), on="year", how="left")
    return RndView(rnd, table, max(rnd.inputs.target_year, d.inputs.base_year))


def sensitivity_grid(paths: BudgetPaths) -> SensitivityResult:
    """Period totals over a grid of floors (the standard grid and every compared floor) x budget growth."""
    inputs = paths.main.inputs
    floors = sorted({*SENSITIVITY_FLOORS_PCT, *(f.floor_pct for f in paths.floors)})
    growth = inputs.effective_budget_growth_pct
    growths = sorted({round(growth + step, 10) for step in SENSITIVITY_GROWTH_STEPS_PCT if growth + step > -100})
    return sensitivity_table(inputs, floors_pct=floors, budget_growths_pct=growths)


def input_cases(pkg, paths: BudgetPaths) -> tuple[list[tuple[str, str, float]], dict[str, Any]]:
    """The one-way sensitivity's cases, each input moved alone (base, real growth, deflator, floor): a list of
    (input, case id, value) and, per case id, what its label says: a (locale key under ``budget_floor.``, values)
    pair, or the ``Floor`` whose reason names the case (``budget_floor_prose.case_label`` words it). Real growth
    also takes the latest observed year's rate and the geography's own growth target where targets.csv has one
    (its midpoint); a plan base also the plan-to-outturn rate."""
    inputs, d = paths.main.inputs, paths.derivation
    base, real, deflator = inputs.base_expenditure_bn_vnd, inputs.real_growth_pct, inputs.deflator_pct
    cases = [("base_expenditure_bn_vnd", "low", base * (1 - SENSITIVITY_BASE_STEP)),
             ("base_expenditure_bn_vnd", "run", base),
             ("base_expenditure_bn_vnd", "high", base * (1 + SENSITIVITY_BASE_STEP)),
             ("real_growth_pct", "low", real - SENSITIVITY_REAL_STEP_PCT), ("real_growth_pct", "run", real),
             ("real_growth_pct", "high", real + SENSITIVITY_REAL_STEP_PCT)]
    rates = grdp_growth.yearly_real_growth(pkg, d.geo)
    latest = [r for r in rates if r.year <= inputs.base_year]
    labels: dict[str, Any] = {"low": ("case.low", {}), "run": ("case.run", {}), "high": ("case.high", {})}
    if latest:
        cases.append(("real_growth_pct", "latest_year", latest[-1].rate_pct))
        labels["latest_year"] = ("case.latest_year", {"year": latest[-1].year})
    outturn = d.items.get("plan_outturn")
    if outturn is not None and d.items["base"].rule in ("estimate", "plan"):  # a plan base at the outturn rate
        cases.insert(3, ("base_expenditure_bn_vnd", "plan_outturn", base * outturn.value / 100.0))
        labels["plan_outturn"] = ("case.plan_outturn", {"year": outturn.year, "rate": ("pct", outturn.value, 1)})
    plan = plan_growth(pkg, d.geo, inputs.base_year)
    if plan is not None:
        cases.append(("real_growth_pct", "plan_target", plan[0]))
        labels["plan_target"] = ("case.plan_target", {"target": plan[1]})
    cases += [("deflator_pct", "low", deflator - SENSITIVITY_DEFLATOR_STEP_PCT), ("deflator_pct", "run", deflator),
              ("deflator_pct", "high", deflator + SENSITIVITY_DEFLATOR_STEP_PCT)]
    for f in paths.floors:
        case = "run" if f.floor_pct == inputs.floor_pct else f.scenario
        cases.append(("floor_pct", case, f.floor_pct))
        labels.setdefault(case, f)
    return cases, labels


def input_sensitivity(paths: BudgetPaths, cases: Sequence[tuple[str, str, float]], case_labels: Mapping[str, str],
                      input_labels: Mapping[str, str]) -> pd.DataFrame:
    """Each case of :func:`input_cases` run on the report's floor: columns input, case (ids), input_label,
    case_label (the words given), value, period, cumulative_spending_bn_vnd, cumulative_spending_const_bn_vnd,
    change_from_run_pct (current and base-year prices)."""
    inputs = paths.main.inputs
    rows = []
    for name, case, value in cases:
        run = run_budget(replace(inputs, **{name: value}), scenarios=["floor"])
        for _, period in run.periods.iterrows():
            rows.append({"input": name, "case": case, "input_label": input_labels[name], "case_label": case_labels[case],
                         "value": float(value), "period": period["period"],
                         "cumulative_spending_bn_vnd": float(period["cumulative_spending_bn_vnd"]),
                         "cumulative_spending_const_bn_vnd": float(period["cumulative_spending_const_bn_vnd"])})
    table = pd.DataFrame(rows)
    centre = table[(table["case"] == "run") & (table["input"] == "base_expenditure_bn_vnd")].set_index("period")
    table["change_from_run_pct"] = [
        (row.cumulative_spending_bn_vnd / centre.loc[row.period, "cumulative_spending_bn_vnd"] - 1.0) * 100.0
        for row in table.itertuples()]
    return table


@dataclass(frozen=True)
class RndView:
    """Step 6's result (the nation only): the R&D target path beside the national floor's spending."""

    result: RndResult
    table: pd.DataFrame
    year: int

    def _repr_html_(self) -> str:
        return self.table._repr_html_()


def national_run(paths: BudgetPaths) -> BudgetResult | None:
    """The run (the report's floor or a comparison) whose floor is the national floor, if any."""
    national = paths.derivation.items["national"].value
    for run in (paths.main, *paths.comparisons.values()):
        if run.inputs.floor_pct == national:
            return run
    return None


def assumption_records(paths: BudgetPaths, rnd: RndView | None) -> list[Assumption]:
    records: list[Assumption] = list(paths.main.assumptions)
    for floor in paths.floors[1:]:
        run = paths.comparisons[floor.scenario]
        record = next(a for a in run.assumptions if a.name == "floor_pct")
        records.append(replace(record, name=f"{floor.scenario}_pct", label=floor.label))
    if rnd is not None:
        records += list(rnd.result.assumptions)
    return records


def _relabel(frame: pd.DataFrame, scenario: str) -> pd.DataFrame:
    out = frame.copy()
    out["scenario"] = pd.array([scenario] * len(out), dtype="string")
    return out


def path_value(yearly: pd.DataFrame, scenario: str, year: int, column: str) -> float:
    rows = yearly[(yearly["scenario"] == scenario) & (yearly["year"] == year)]
    return float(rows[column].iloc[0])


def period_value(periods: pd.DataFrame, scenario: str, period: str, column: str) -> float:
    rows = periods[(periods["scenario"] == scenario) & (periods["period"] == period)]
    return float(rows[column].iloc[0])


def key_year_list(inputs: BudgetInputs) -> list[int]:
    return sorted({inputs.start_year, inputs.ramp_year, inputs.end_year})


def period_labels(inputs: BudgetInputs) -> list[str]:
    return [f"{first}–{last}" for first, last in inputs.periods]


# Result names never embed a parameter's value (issue 25): a year is named by its role, and the year itself is a
# field of its own (``start_year``, ``ramp_year``, ``end_year``, ``periods``), so ``-p ramp_year=2028`` keeps every
# name and the index finds its headline numbers.
KEY_YEARS = ("start", "ramp", "end")


PERIODS = ("to_ramp", "after_ramp")  # start year to ramp year, the year after the ramp to the end year


def key_years(inputs: BudgetInputs) -> dict[str, int]:
    """{"start": start year, "ramp": ramp year, "end": end year}: the years the results name by role."""
    return dict(zip(KEY_YEARS, (inputs.start_year, inputs.ramp_year, inputs.end_year)))


def period_keys(inputs: BudgetInputs) -> dict[str, str]:
    """{"to_ramp": "2025–2030", "after_ramp": "2031–2045"}: each period's name in the results and its label
    in the tables (one period, "to_ramp", when the ramp year is the end year)."""
    return dict(zip(PERIODS, period_labels(inputs)))


def result_scalars(pkg, paths: BudgetPaths, rnd: RndView | None) -> dict[str, Any]:
    d, yearly, periods, main = paths.derivation, paths.yearly, paths.periods, paths.main
    inputs, items = main.inputs, d.items
    base = items["base"]
    ratio, plan = base.facts.get("ratio"), base.facts.get("plan")
    floor_rows = yearly[yearly["scenario"] == "floor"]
    reference = reference_share(pkg)
    scalars: dict[str, Any] = {
        "floor_rule": items["floor"].rule if paths.floors[0].floor_pct == items["floor"].value else "edited",
        "is_counterfactual": successor(pkg, d.geo) is not None,
        "base_ratio_pct": None if ratio is None else ratio["mean_pct"],
        "base_ratio_years": None if ratio is None else ratio["years"],
        "base_ratio_low_pct": None if ratio is None else ratio["low_pct"],
        "base_ratio_high_pct": None if ratio is None else ratio["high_pct"],
        "base_ratio_inferred_scope": None if ratio is None else [[g, r["year"]] for r in ratio["rows"]
                                                                 for g in r["inferred"]],
        "base_expenditure_plan_bn_vnd": None if plan is None else plan["value"],
        "real_growth_years": list(items["real"].facts.get("years", ())),
        "capacity_growth_pct": inputs.capacity_growth_pct if inputs.capacity_bn_vnd is not None else None,
        "max_spending_to_capacity_ratio": (float(floor_rows["spending_to_capacity_ratio"].max())
                                           if inputs.capacity_bn_vnd is not None else None),
        "reference_st_share_pct": None if reference is None else reference[0],
        "is_floor_far_above_observed": bool(reference is not None
                                            and inputs.floor_pct > FAR_ABOVE_FACTOR * reference[0]),
        "geo_id": d.geo, "base_year": inputs.base_year,
        "base_expenditure_bn_vnd": inputs.base_expenditure_bn_vnd, "base_expenditure_kind": items["base"].kind,
        "base_expenditure_rule": items["base"].rule,
        "floor_pct": inputs.floor_pct,
        **{f"{f.scenario}_pct": f.floor_pct for f in paths.floors[1:]},
        "current_share_pct": inputs.current_share_pct, "current_share_kind": items["share"].kind,
        "grdp_base_year": inputs.grdp_base_year, "grdp_base_bn_vnd": inputs.grdp_base_bn_vnd,
        "real_growth_pct": inputs.real_growth_pct, "deflator_pct": inputs.deflator_pct,
        "nominal_growth_pct": inputs.nominal_grdp_growth_pct,
        "budget_growth_pct": inputs.effective_budget_growth_pct,
        "capacity_bn_vnd": inputs.capacity_bn_vnd,
        "years_above_capacity": main.years_above_capacity("floor"),
        "years_above_capacity_status_quo": main.years_above_capacity("status_quo"),
    }
    scalars.update(_reality_scalars(pkg, paths))
    others = [f.scenario for f in paths.floors[1:]]
    years = key_years(inputs)
    scalars.update({f"{at}_year": year for at, year in years.items()})
    scalars["periods"] = {key: [first, last] for key, (first, last) in zip(PERIODS, inputs.periods)}
    for at, year in years.items():
        scalars[f"expenditure_at_{at}_bn_vnd"] = path_value(yearly, "floor", year, "expenditure_bn_vnd")
        scalars[f"required_at_{at}_bn_vnd"] = path_value(yearly, "floor", year, "spending_bn_vnd")
        scalars[f"required_at_{at}_const_bn_vnd"] = path_value(yearly, "floor", year, "spending_const_bn_vnd")
        scalars[f"required_at_{at}_pct_grdp"] = path_value(yearly, "floor", year, "share_of_grdp_pct")
        scalars[f"status_quo_at_{at}_bn_vnd"] = path_value(yearly, "status_quo", year, "spending_bn_vnd")
        for other in others:
            scalars[f"{other}_at_{at}_bn_vnd"] = path_value(yearly, other, year, "spending_bn_vnd")
    for key, period in period_keys(inputs).items():
        scalars[f"cumulative_{key}_bn_vnd"] = period_value(periods, "floor", period, "cumulative_spending_bn_vnd")
        scalars[f"cumulative_{key}_const_bn_vnd"] = period_value(periods, "floor", period,
                                                                  "cumulative_spending_const_bn_vnd")
        scalars[f"gap_{key}_bn_vnd"] = period_value(periods, "floor", period, "cumulative_gap_bn_vnd")
        scalars[f"ramp_cumulative_{key}_bn_vnd"] = period_value(periods, "ramp", period,
                                                                 "cumulative_spending_bn_vnd")
        for other in others:
            scalars[f"{other}_cumulative_{key}_bn_vnd"] = period_value(periods, other, period,
                                                                        "cumulative_spending_bn_vnd")
    if rnd is not None:
        row = rnd.table[rnd.table["year"] == rnd.year].iloc[0]
        year = rnd.year
        scalars.update({
            "rnd_year": year,
            "gerd_required_at_rnd_year_bn_vnd": float(row["gerd_required_bn_vnd"]),
            "nonstate_rnd_min_at_rnd_year_bn_vnd": float(row["nonstate_rnd_min_bn_vnd"]),
            "public_rnd_max_at_rnd_year_bn_vnd": float(row["public_rnd_max_bn_vnd"]),
            "public_rnd_share_of_national_floor_at_rnd_year_pct": float(row["public_rnd_share_of_national_floor_pct"]),
        })
    return scalars


MILESTONE_COLUMNS = ["scenario", "year", "share_of_budget_pct", "spending_bn_vnd", "spending_const_bn_vnd",
                     "share_of_grdp_pct", "gap_to_status_quo_bn_vnd", "spending_to_capacity_ratio"]


def milestones(yearly: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """The yearly table at the first year, every fifth year and the last year: what a reader scans.

    The full yearly table stays in the machine-readable results.
    """
    years = sorted({first_year, last_year, *range(first_year - first_year % 5 + 5, last_year, 5)})
    rows = yearly[yearly["year"].isin(years)]
    return rows[[c for c in MILESTONE_COLUMNS if c in rows]].reset_index(drop=True)


def outturn_run(paths: BudgetPaths) -> BudgetResult | None:
    """The report's floor on a base scaled by the plan-to-outturn rate (a plan base only), else None."""
    d, inputs = paths.derivation, paths.main.inputs
    outturn = d.items.get("plan_outturn")
    if outturn is None or d.items["base"].rule not in ("estimate", "plan"):
        return None
    return run_budget(replace(inputs, base_expenditure_bn_vnd=inputs.base_expenditure_bn_vnd * outturn.value / 100.0),
                      scenarios=["floor"])


def coming_plan_rows(paths: BudgetPaths) -> pd.DataFrame:
    """The same-scope plan for the year after the base year against each floor's requirement that year."""
    d = paths.derivation
    plan = d.items.get("coming_plan")
    columns = ["scenario", "floor_pct", "year", "required_bn_vnd", "plan_bn_vnd", "plan_to_required_pct",
               "expenditure_bn_vnd", "plan_share_of_expenditure_pct", "plan_rule"]
    if plan is None or plan.year > paths.main.inputs.end_year:
        return pd.DataFrame(columns=columns)
    rows = []
    for floor in paths.floors:
        required = path_value(paths.yearly, floor.scenario, plan.year, "spending_bn_vnd")
        spending = path_value(paths.yearly, floor.scenario, plan.year, "expenditure_bn_vnd")
        rows.append({"scenario": floor.scenario, "floor_pct": floor.floor_pct, "year": plan.year,
                     "required_bn_vnd": required, "plan_bn_vnd": plan.value,
                     "plan_to_required_pct": plan.value / required * 100.0, "expenditure_bn_vnd": spending,
                     "plan_share_of_expenditure_pct": plan.value / spending * 100.0, "plan_rule": plan.rule})
    frame = pd.DataFrame(rows, columns=columns)
    frame["scenario"] = frame["scenario"].astype("string")
    return frame


def reality_tables(paths: BudgetPaths) -> dict[str, pd.DataFrame]:
    """The tables beside the floor: ``fiscal_space`` (``floor_cost.fiscal_space`` of the report's floor and
    its ramp, in the milestone years: the base year, every fifth year, the ramp year and the last year),
    ``status_quo_shares`` (the status quo and the plan's share on the same budget path, per period; ids in
    ``share_basis``; the step adds the words, ``budget_floor_prose.share_label``) and ``coming_plan`` (the next
    year's same-scope plan against each floor's requirement)."""
    d, main, inputs = paths.derivation, paths.main, paths.main.inputs
    share, plan = d.items["share"], d.items.get("plan_share")
    shares = [(share.rule, main.inputs.current_share_pct)]
    if plan is not None and share.rule not in ("plan", "proxy"):
        shares.append(("plan", plan.value))
    frames = [constant_share_totals(main, value).assign(share_basis=name) for name, value in shares]
    status = pd.concat(frames, ignore_index=True)[["share_basis", "share_pct", "period", "cumulative_spending_bn_vnd",
                                                   "cumulative_floor_bn_vnd", "cumulative_gap_bn_vnd"]]
    years = {*milestones(main.yearly, inputs.base_year, inputs.end_year)["year"], inputs.ramp_year}
    space = fiscal_space(main)
    space = space[space["year"].isin(years)].reset_index(drop=True)
    return {"fiscal_space": space, "status_quo_shares": status, "coming_plan": coming_plan_rows(paths)}


def reality_bases(d: Derivation) -> list[str]:
    """The bases of the figures set beside the floor, for the sources table."""
    return [item.basis for key in ("plan_share", "plan_outturn", "coming_plan")
            if (item := d.items.get(key)) is not None]


def _reality_scalars(pkg, paths: BudgetPaths) -> dict[str, Any]:
    """The headline figures beside the floor (results.json)."""
    d, inputs = paths.derivation, paths.main.inputs
    share, plan, outturn, coming = (d.items["share"], d.items.get("plan_share"), d.items.get("plan_outturn"),
                                    d.items.get("coming_plan"))
    out: dict[str, Any] = {
        "as_of_year": data_package.as_of_year(pkg), "growth_window_end": d.items["real"].facts.get("window_end"),
        "real_growth_rule": d.items["real"].rule, "deflator_kind": d.items["deflator"].kind,
        "current_share_rule": share.rule,
        "current_share_from_geo": share.facts.get("geo", d.geo) if share.rule in ("observed", "national") else None,
        "current_share_year": share.year,
        "plan_share_pct": None if plan is None else plan.value,
        "plan_share_geo": None if plan is None else plan.facts["geo"],
        "capacity_kind": None if d.items["capacity"] is None else d.items["capacity"].kind,
        "plan_to_outturn_pct": None if outturn is None else outturn.value,
        "plan_to_outturn_year": None if outturn is None else outturn.year,
        "coming_plan_year": None if coming is None else coming.year,
        "coming_plan_bn_vnd": None if coming is None else coming.value,
        "coming_plan_rule": None if coming is None else coming.rule,
    }
    status = reality_tables(paths)["status_quo_shares"]
    key_of = {period: key for key, period in period_keys(inputs).items()}
    for row in status[status["share_basis"] == "plan"].itertuples():
        out[f"gap_{key_of[row.period]}_vs_plan_share_bn_vnd"] = float(row.cumulative_gap_bn_vnd)
    run = outturn_run(paths)
    if run is not None:
        out["base_expenditure_at_outturn_rate_bn_vnd"] = run.inputs.base_expenditure_bn_vnd
        for key, period in period_keys(inputs).items():
            out[f"cumulative_{key}_at_outturn_rate_bn_vnd"] = period_value(
                run.periods, "floor", period, "cumulative_spending_bn_vnd")
    rows = coming_plan_rows(paths)
    main = rows[rows["scenario"] == "floor"]
    if not main.empty:
        out["coming_plan_required_bn_vnd"] = float(main["required_bn_vnd"].iloc[0])
        out["coming_plan_to_required_pct"] = float(main["plan_to_required_pct"].iloc[0])
        out["coming_plan_share_of_expenditure_pct"] = float(main["plan_share_of_expenditure_pct"].iloc[0])
    space = fiscal_space(paths.main, ["floor"]).set_index("year")
    year = inputs.ramp_year
    if year in space.index and year != inputs.base_year:
        row = space.loc[year]
        out.update({"fiscal_year": year, "fiscal_extra_bn_vnd": float(row["extra_spending_bn_vnd"]),
                    "fiscal_budget_growth_bn_vnd": float(row["budget_growth_since_base_bn_vnd"]),
                    "fiscal_extra_share_of_growth_pct": float(row["extra_share_of_growth_pct"]),
                    "fiscal_extra_share_of_expenditure_pct": float(row["extra_share_of_expenditure_pct"])})
    return out
