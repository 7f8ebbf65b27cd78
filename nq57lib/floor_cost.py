"""S&T budget arithmetic: what a spending floor (a share of budget expenditure) costs, year by year.

Resolution 57-NQ/TW sets a national floor on the share of state budget expenditure spent on science
and technology, innovation and digital transformation, and an R&D target in percent of GDP with a
minimum non-state share; provinces set their own floors. This module turns such a floor into money:
a budget path, the spending each scenario requires, its constant-price value, its share of GRDP,
the gap to the status quo, cumulative totals per period, an absorption check, the R&D target and
its public / non-state split in VND, and a sensitivity table.

It is a pure engine: every figure is an explicit input, and no figure from data/ is written here.
``nq57lib.budget_floor`` reads the data package, derives the inputs and records where each came
from. Every result carries the list of ``Assumption`` records it used, each with its kind
(observed, derived, assumed) and its basis (a source id, a derivation, or why a value was chosen).

Unit conventions, one per quantity:
- money in bn VND (billion dong, "tỷ đồng"), current prices unless the column says ``_const``
  (prices of the base year, converted with the deflator);
- floors and targets in percent, in (0, 100]; a value below 1 (e.g. 0.15) is rejected as a likely
  fraction, since no floor in the sources is below 1 %. Observed shares (the current S&T share,
  GERD) are percent too but are not screened that way: real values below 1 % exist;
- growth rates in percent per year, greater than -100.

Scenarios (share of budget expenditure spent on S&T, year by year):
- ``floor``: the current share before ``start_year``, the floor from ``start_year`` on;
- ``ramp``: the current share up to ``start_year``, then a straight line to the floor, reached
  exactly in ``ramp_year`` and kept afterwards;
- ``status_quo``: the current share every year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from numbers import Integral
from types import MappingProxyType
from typing import Any, ClassVar, Mapping, Sequence

import numpy as np
import pandas as pd

from . import bounds
from .errors import ParameterError, check_choice, check_growth, check_int, check_number
from .provenance import ASSUMED, DERIVED, OBSERVED, Assumption
from .text import Phrase, phrase

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words

SCENARIOS = ("floor", "ramp", "status_quo")
DEFAULT_PERIODS = ((2025, 2030), (2031, 2045))
SENSITIVITY_FLOORS_PCT = (3.0, 5.0, 10.0, 15.0)
# Default grid of round nominal budget growth rates for ``sensitivity_table``: not forecasts.
# Report builders centre their own grid on the run's growth rate.
SENSITIVITY_GROWTHS_PCT = (6.0, 8.0, 10.0, 12.0, 14.0)

_KINDS = (OBSERVED, DERIVED, ASSUMED)
_YEAR_RANGE = (bounds.FIRST_YEAR, bounds.LAST_YEAR)

# ---------------------------------------------------------------------------------------------
# Argument checks shared by the input classes and the functions
# ---------------------------------------------------------------------------------------------

def _check_year(name: str, value: Any) -> int:
    """A calendar year in ``bounds.FIRST_YEAR``–``LAST_YEAR``; numpy integers (as read from a DataFrame) are accepted."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = int(value)
    return check_int(name, value, low=_YEAR_RANGE[0], high=_YEAR_RANGE[1])


def check_floor_pct(name: str, value: Any) -> float:
    """Return a floor or target in percent, in (0, 100]; reject values that look like fractions.

    Floors are percent everywhere in nq57 (15 means 15 %). A value below 1, such as 0.15, is almost
    certainly the fraction convention, and accepting it would understate spending a hundredfold.
    """
    number = check_number(name, value, low=0.0, high=100.0, low_open=True)
    if number < 1.0:
        raise ParameterError(
            name, f"got {number:g}, which looks like a fraction; give percent in (0, 100], "
                  f"e.g. {number * 100:g} for {number * 100:g} %")
    return number


def _check_periods(name: str, periods: Any, first_year: int, last_year: int) -> tuple[tuple[int, int], ...]:
    """Periods are non-overlapping (first, last) year pairs inside the horizon, in order."""
    if isinstance(periods, (str, bytes)) or not isinstance(periods, Sequence) or not periods:
        raise ParameterError(name, f"expected a non-empty sequence of (first, last) years, got {periods!r}")
    checked = []
    for i, pair in enumerate(periods):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ParameterError(f"{name}[{i}]", f"expected a (first, last) pair of years, got {pair!r}")
        first, last = _check_year(f"{name}[{i}]", pair[0]), _check_year(f"{name}[{i}]", pair[1])
        if not first_year <= first <= last <= last_year:
            raise ParameterError(f"{name}[{i}]", f"({first}, {last}) must satisfy "
                                                 f"{first_year} <= first <= last <= {last_year}")
        if checked and first <= checked[-1][1]:
            raise ParameterError(f"{name}[{i}]", f"({first}, {last}) overlaps or precedes {checked[-1]}")
        checked.append((first, last))
    return tuple(checked)


def _check_bases(bases: Any, allowed: Mapping[str, Any]) -> Mapping[str, tuple[str, str]]:
    if not isinstance(bases, Mapping):
        raise ParameterError("bases", f"expected a mapping of input name -> (kind, basis), got {bases!r}")
    for name, entry in bases.items():
        check_choice("bases", name, allowed)
        if (not isinstance(entry, tuple) or len(entry) != 2 or entry[0] not in _KINDS
                or not isinstance(entry[1], str) or not entry[1].strip()):
            raise ParameterError(f"bases[{name!r}]", f"expected (kind, basis) with kind in {_KINDS} and a "
                                                     f"non-empty basis, got {entry!r}")
    return MappingProxyType(dict(bases))


def nominal_growth_pct(real_growth_pct: float, deflator_pct: float) -> float:
    """Nominal growth in percent: (1 + real)(1 + deflator) - 1, the growth of a current-price aggregate."""
    real = check_growth("real_growth_pct", real_growth_pct)
    deflator = check_growth("deflator_pct", deflator_pct)
    return ((1.0 + real / 100.0) * (1.0 + deflator / 100.0) - 1.0) * 100.0


# ---------------------------------------------------------------------------------------------
# Labelled inputs: one frozen dataclass per model, validated in one place
# ---------------------------------------------------------------------------------------------

class _LabelledInputs:
    """Shared behaviour of the input classes: assumption records and relabelling on change.

    ``_INFO`` maps each numeric input to (unit, plain-words label); ``bases`` maps an input to
    (kind, basis). An input without a recorded basis is reported as the caller's assumption.
    """

    _INFO: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def input_assumptions(self) -> list[Assumption]:
        """One ``Assumption`` per numeric input that is set, in a fixed order."""
        records = []
        for name, (unit, text) in self._INFO.items():
            value = getattr(self, name)
            if value is None:
                continue
            kind, basis = self.bases.get(name, (ASSUMED, phrase(_B + "no_basis")))
            if isinstance(text, Phrase):  # built at import: worded again now, for this report's geography (GDP/GRDP)
                text = Phrase(text.key, text.values)
            records.append(Assumption(name, float(value), unit, kind, text, basis))
        return records

    def with_changes(self, **changes: Any):
        """Return a copy with some inputs changed; a changed input becomes the caller's assumption.

        This keeps provenance honest: a default's source no longer applies once its value is edited.
        """
        bases = dict(self.bases)
        for name, value in changes.items():
            if name in self._INFO and value != getattr(self, name):
                old = getattr(self, name)
                was = bases.get(name, (ASSUMED, phrase(_B + "no_basis_recorded")))[1]
                bases[name] = (ASSUMED, phrase(_B + "changed", old=old, was=was))
        return replace(self, bases=bases, **changes)


_BUDGET_INFO = {
    "base_year": ("year", Phrase("common.inputs.budget.base_year")),
    "base_expenditure_bn_vnd": ("bn VND", Phrase("common.inputs.budget.base_expenditure_bn_vnd")),
    "floor_pct": ("% of budget expenditure", Phrase("common.inputs.budget.floor_pct")),
    "current_share_pct": ("% of budget expenditure", Phrase("common.inputs.budget.current_share_pct")),
    "grdp_base_year": ("year", Phrase("common.inputs.budget.grdp_base_year")),
    "grdp_base_bn_vnd": ("bn VND", Phrase("common.inputs.budget.grdp_base_bn_vnd")),
    "real_growth_pct": ("% per year", Phrase("common.inputs.budget.real_growth_pct")),
    "deflator_pct": ("% per year", Phrase("common.inputs.budget.deflator_pct")),
    "budget_growth_pct": ("% per year", Phrase("common.inputs.budget.budget_growth_pct")),
    "start_year": ("year", Phrase("common.inputs.budget.start_year")),
    "ramp_year": ("year", Phrase("common.inputs.budget.ramp_year")),
    "capacity_bn_vnd": ("bn VND per year", Phrase("common.inputs.budget.capacity_bn_vnd")),
    "capacity_growth_pct": ("% per year", Phrase("common.inputs.budget.capacity_growth_pct")),
}


@dataclass(frozen=True)
class BudgetInputs(_LabelledInputs):
    """Everything one budget run needs; checked on construction, so a bad value fails before any work.

    ``budget_growth_pct=None`` means budget expenditure grows with nominal GRDP,
    (1 + real_growth_pct)(1 + deflator_pct) - 1. ``start_year=None`` means the base year.
    ``capacity_bn_vnd=None`` skips the absorption check. ``bases`` records where each value comes
    from: ``{"floor_pct": (OBSERVED, "source id ...")}``.
    """

    _INFO: ClassVar[Mapping[str, tuple[str, str]]] = _BUDGET_INFO

    geography: str
    base_year: int
    base_expenditure_bn_vnd: float
    floor_pct: float
    current_share_pct: float
    grdp_base_year: int
    grdp_base_bn_vnd: float
    real_growth_pct: float
    deflator_pct: float
    budget_growth_pct: float | None = None
    start_year: int | None = None
    ramp_year: int = 2030
    end_year: int = 2045
    capacity_bn_vnd: float | None = None
    capacity_growth_pct: float = 0.0
    periods: tuple[tuple[int, int], ...] = DEFAULT_PERIODS
    bases: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if not isinstance(self.geography, str) or not self.geography.strip():
            raise ParameterError("geography", f"expected a non-empty name, got {self.geography!r}")
        put("base_year", _check_year("base_year", self.base_year))
        put("base_expenditure_bn_vnd", bounds.check_amount("base_expenditure_bn_vnd", check_number(
            "base_expenditure_bn_vnd", self.base_expenditure_bn_vnd, low=0.0)))
        put("floor_pct", check_floor_pct("floor_pct", self.floor_pct))
        put("current_share_pct", check_number("current_share_pct", self.current_share_pct, low=0.0, high=100.0))
        put("grdp_base_year", _check_year("grdp_base_year", self.grdp_base_year))
        if self.grdp_base_year > self.base_year:
            raise ParameterError("grdp_base_year",
                                 f"must be <= base_year ({self.base_year}), got {self.grdp_base_year}")
        put("grdp_base_bn_vnd", bounds.check_amount("grdp_base_bn_vnd", check_number(
            "grdp_base_bn_vnd", self.grdp_base_bn_vnd, low=0.0, low_open=True)))
        put("real_growth_pct", check_growth("real_growth_pct", self.real_growth_pct))
        put("deflator_pct", check_growth("deflator_pct", self.deflator_pct))
        if self.budget_growth_pct is not None:
            put("budget_growth_pct", check_growth("budget_growth_pct", self.budget_growth_pct))
        put("end_year", _check_year("end_year", self.end_year))
        if self.end_year <= self.base_year:
            raise ParameterError("end_year", f"must be after base_year ({self.base_year}), got {self.end_year}")
        start = self.base_year if self.start_year is None else _check_year("start_year", self.start_year)
        if not self.base_year <= start <= self.end_year:
            raise ParameterError("start_year", f"must be within {self.base_year}–{self.end_year}, got {start}")
        put("start_year", start)
        put("ramp_year", _check_year("ramp_year", self.ramp_year))
        if self.ramp_year < self.start_year:
            raise ParameterError("ramp_year",
                                 f"must not be before start_year ({self.start_year}), got {self.ramp_year}")
        if self.ramp_year > self.end_year:
            raise ParameterError("ramp_year", f"must be <= end_year ({self.end_year}), got {self.ramp_year}")
        if self.capacity_bn_vnd is not None:
            put("capacity_bn_vnd", bounds.check_amount("capacity_bn_vnd", check_number(
                "capacity_bn_vnd", self.capacity_bn_vnd, low=0.0, low_open=True)))
        put("capacity_growth_pct", check_growth("capacity_growth_pct", self.capacity_growth_pct))
        put("periods", _check_periods("periods", self.periods, self.base_year, self.end_year))
        put("bases", _check_bases(self.bases, self._INFO))

    @property
    def nominal_grdp_growth_pct(self) -> float:
        return nominal_growth_pct(self.real_growth_pct, self.deflator_pct)

    @property
    def effective_budget_growth_pct(self) -> float:
        """The growth rate the budget path uses: its own rate, or nominal GRDP growth."""
        return self.nominal_grdp_growth_pct if self.budget_growth_pct is None else self.budget_growth_pct

    def assumptions(self) -> list[Assumption]:
        """The inputs as ``Assumption`` records, plus the derived nominal growth and budget rule.

        Without a capacity, its growth rate is no input of the run and is left out.
        """
        records = self.input_assumptions()
        if self.capacity_bn_vnd is None:
            records = [r for r in records if r.name != "capacity_growth_pct"]
        nominal = self.nominal_grdp_growth_pct
        derivation = phrase(_B + "compounded", real=self.real_growth_pct, deflator=self.deflator_pct,
                            nominal=nominal)
        records.append(Assumption("nominal_grdp_growth_pct", nominal, "% per year", DERIVED,
                                  phrase(_L + "nominal_grdp"), derivation))
        if self.budget_growth_pct is None:
            basis = self.bases.get("budget_growth_pct", (ASSUMED, phrase(_B + "no_budget_growth")))[1]
            records.append(Assumption("budget_growth_pct", nominal, "% per year", ASSUMED,
                                      phrase(_L + "budget_following"),
                                      phrase(_B + "with_value", basis=basis, derivation=derivation)))
        return records


_RND_INFO = {
    "gdp_base_year": ("year", Phrase("common.inputs.rnd.gdp_base_year")),
    "gdp_base_bn_vnd": ("bn VND", Phrase("common.inputs.rnd.gdp_base_bn_vnd")),
    "real_growth_pct": ("% per year", Phrase("common.inputs.rnd.real_growth_pct")),
    "deflator_pct": ("% per year", Phrase("common.inputs.rnd.deflator_pct")),
    "gerd_base_year": ("year", Phrase("common.inputs.rnd.gerd_base_year")),
    "gerd_base_pct_gdp": ("% of GDP", Phrase("common.inputs.rnd.gerd_base_pct_gdp")),
    "target_pct_gdp": ("% of GDP", Phrase("common.inputs.rnd.target_pct_gdp")),
    "target_year": ("year", Phrase("common.inputs.rnd.target_year")),
    "nonstate_share_pct": ("% of GERD", Phrase("common.inputs.rnd.nonstate_share_pct")),
}


@dataclass(frozen=True)
class RndInputs(_LabelledInputs):
    """Inputs of the national R&D view: a GDP path, the latest GERD share, the target and its split.

    The required GERD share runs in a straight line from the observed share in ``gerd_base_year`` to
    the target in ``target_year`` and stays at the target afterwards (the resolution sets no later
    level). Years covered: ``first_year``..``end_year``.
    """

    _INFO: ClassVar[Mapping[str, tuple[str, str]]] = _RND_INFO

    gdp_base_year: int
    gdp_base_bn_vnd: float
    real_growth_pct: float
    deflator_pct: float
    gerd_base_year: int
    gerd_base_pct_gdp: float
    target_pct_gdp: float
    target_year: int
    nonstate_share_pct: float
    first_year: int = 2025
    end_year: int = 2045
    bases: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("gdp_base_year", _check_year("gdp_base_year", self.gdp_base_year))
        put("gdp_base_bn_vnd", check_number("gdp_base_bn_vnd", self.gdp_base_bn_vnd, low=0.0, low_open=True))
        put("real_growth_pct", check_growth("real_growth_pct", self.real_growth_pct))
        put("deflator_pct", check_growth("deflator_pct", self.deflator_pct))
        put("gerd_base_year", _check_year("gerd_base_year", self.gerd_base_year))
        put("gerd_base_pct_gdp", check_number("gerd_base_pct_gdp", self.gerd_base_pct_gdp, low=0.0, high=100.0))
        put("target_pct_gdp", check_floor_pct("target_pct_gdp", self.target_pct_gdp))
        put("target_year", _check_year("target_year", self.target_year))
        if self.target_year <= self.gerd_base_year:
            raise ParameterError("target_year", f"must be after gerd_base_year ({self.gerd_base_year}), "
                                                f"got {self.target_year}")
        put("nonstate_share_pct", check_number("nonstate_share_pct", self.nonstate_share_pct, low=0.0, high=100.0))
        put("first_year", _check_year("first_year", self.first_year))
        earliest = max(self.gdp_base_year, self.gerd_base_year)
        if self.first_year < earliest:
            raise ParameterError("first_year", f"must be >= gdp_base_year and gerd_base_year ({earliest}), "
                                               f"got {self.first_year}")
        put("end_year", _check_year("end_year", self.end_year))
        if self.end_year < self.first_year:
            raise ParameterError("end_year", f"must be >= first_year ({self.first_year}), got {self.end_year}")
        put("bases", _check_bases(self.bases, self._INFO))

    def assumptions(self) -> list[Assumption]:
        records = self.input_assumptions()
        nominal = nominal_growth_pct(self.real_growth_pct, self.deflator_pct)
        records.append(Assumption(
            "nominal_gdp_growth_pct", nominal, "% per year", DERIVED, phrase(_L + "nominal_gdp"),
            phrase(_B + "compounded", real=self.real_growth_pct, deflator=self.deflator_pct, nominal=nominal)))
        return records


# ---------------------------------------------------------------------------------------------
# The arithmetic (numpy arrays; one function per quantity)
# ---------------------------------------------------------------------------------------------

def _check_scenarios(scenarios: Any) -> tuple[str, ...]:
    if isinstance(scenarios, str):
        scenarios = (scenarios,)
    if not isinstance(scenarios, Sequence) or not scenarios:
        raise ParameterError("scenarios", f"expected a non-empty sequence of names from {SCENARIOS}, got {scenarios!r}")
    checked = [check_choice("scenarios", name, SCENARIOS) for name in scenarios]
    return tuple(dict.fromkeys(checked))


def _share_path_pct(years: np.ndarray, scenario: str, *, floor_pct: float, current_share_pct: float,
                   start_year: int, ramp_year: int) -> np.ndarray:
    """Share of budget expenditure spent on S&T in each year under ``scenario`` (see module doc).

    The ramp is set to the floor itself from ``ramp_year`` on (not interpolated), so it reaches the
    floor exactly, with no rounding residue.
    """
    scenario = check_choice("scenario", scenario, SCENARIOS)
    years = np.asarray(years)
    current = np.full(years.shape, float(current_share_pct))
    if scenario == "status_quo":
        return current
    if scenario == "floor":
        return np.where(years >= start_year, float(floor_pct), current)
    progress = np.clip((years - start_year) / max(ramp_year - start_year, 1), 0.0, 1.0)
    ramp = current_share_pct + (floor_pct - current_share_pct) * progress
    return np.where(years >= ramp_year, float(floor_pct), ramp)


def _growth_path(base: float, growth_pct: float, years: np.ndarray, base_year: int) -> np.ndarray:
    """``base`` compounded at ``growth_pct`` a year from ``base_year`` to each of ``years``."""
    return base * (1.0 + growth_pct / 100.0) ** (years - base_year)


def _scenario_arrays(inputs: BudgetInputs, scenario: str, years: np.ndarray,
                     expenditure: np.ndarray) -> dict[str, np.ndarray]:
    """Spending, status quo and gap arrays of one scenario (current and base-year prices)."""
    price_index = _growth_path(1.0, inputs.deflator_pct, years, inputs.base_year)
    share = _share_path_pct(years, scenario, floor_pct=inputs.floor_pct, current_share_pct=inputs.current_share_pct,
                           start_year=inputs.start_year, ramp_year=inputs.ramp_year)
    spending = share / 100.0 * expenditure
    status_quo = inputs.current_share_pct / 100.0 * expenditure
    return {"share_of_budget_pct": share, "spending_bn_vnd": spending,
            "spending_const_bn_vnd": spending / price_index, "status_quo_spending_bn_vnd": status_quo,
            "gap_to_status_quo_bn_vnd": spending - status_quo,
            "gap_to_status_quo_const_bn_vnd": (spending - status_quo) / price_index}


def _period_labels(years: np.ndarray, periods: tuple[tuple[int, int], ...]) -> pd.Series:
    labels = pd.Series(pd.NA, index=range(len(years)), dtype="string")
    for first, last in periods:
        labels[(years >= first) & (years <= last)] = f"{first}–{last}"
    return labels


@dataclass(frozen=True)
class BudgetResult:
    """One budget run: the inputs, a tidy yearly table, period totals, and the assumptions used.

    ``yearly`` has one row per (scenario, year); ``periods`` one row per (scenario, period).
    """

    inputs: BudgetInputs
    yearly: pd.DataFrame
    periods: pd.DataFrame
    assumptions: tuple[Assumption, ...]

    @property
    def scenarios(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.yearly["scenario"]))

    def years_above_capacity(self, scenario: str) -> list[int]:
        """Years in which ``scenario`` requires more than the absorptive capacity ([] if none set)."""
        scenario = check_choice("scenario", scenario, self.scenarios)
        rows = self.yearly[(self.yearly["scenario"] == scenario) & self.yearly["is_above_capacity"].fillna(False)]
        return [int(y) for y in rows["year"]]


def run_budget(inputs: BudgetInputs, scenarios: Sequence[str] = SCENARIOS) -> BudgetResult:
    """Compute every scenario's yearly spending and period totals from ``inputs``.

    Columns of ``yearly``: scenario, year, period, expenditure_bn_vnd, grdp_bn_vnd, price_index
    (base year = 1), share_of_budget_pct, spending_bn_vnd, spending_const_bn_vnd (base-year prices),
    share_of_grdp_pct, status_quo_spending_bn_vnd, gap_to_status_quo_bn_vnd,
    gap_to_status_quo_const_bn_vnd, cumulative_spending_bn_vnd and cumulative_gap_bn_vnd (running
    sums from the base year), capacity_bn_vnd, spending_to_capacity_ratio, is_above_capacity.
    """
    if not isinstance(inputs, BudgetInputs):
        raise ParameterError("inputs", f"expected BudgetInputs, got {type(inputs).__name__}")
    scenarios = _check_scenarios(scenarios)
    years = np.arange(inputs.base_year, inputs.end_year + 1)
    expenditure = _growth_path(inputs.base_expenditure_bn_vnd, inputs.effective_budget_growth_pct, years,
                               inputs.base_year)
    grdp = _growth_path(inputs.grdp_base_bn_vnd, inputs.nominal_grdp_growth_pct, years, inputs.grdp_base_year)
    price_index = _growth_path(1.0, inputs.deflator_pct, years, inputs.base_year)
    if inputs.capacity_bn_vnd is None:
        capacity = np.full(years.shape, np.nan)
    else:
        capacity = _growth_path(inputs.capacity_bn_vnd, inputs.capacity_growth_pct, years, inputs.base_year)
    period = _period_labels(years, inputs.periods)

    frames = []
    for scenario in scenarios:
        arrays = _scenario_arrays(inputs, scenario, years, expenditure)
        spending = arrays["spending_bn_vnd"]
        frame = pd.DataFrame({"scenario": scenario, "year": years, "period": period,
                              "expenditure_bn_vnd": expenditure, "grdp_bn_vnd": grdp, "price_index": price_index})
        for name in ("share_of_budget_pct", "spending_bn_vnd", "spending_const_bn_vnd"):
            frame[name] = arrays[name]
        frame["share_of_grdp_pct"] = spending / grdp * 100.0
        for name in ("status_quo_spending_bn_vnd", "gap_to_status_quo_bn_vnd", "gap_to_status_quo_const_bn_vnd"):
            frame[name] = arrays[name]
        frame["cumulative_spending_bn_vnd"] = np.cumsum(spending)
        frame["cumulative_gap_bn_vnd"] = np.cumsum(arrays["gap_to_status_quo_bn_vnd"])
        frame["capacity_bn_vnd"] = capacity
        frame["spending_to_capacity_ratio"] = spending / capacity
        frame["is_above_capacity"] = pd.array(
            [pd.NA if math.isnan(c) else bool(s > c) for s, c in zip(spending, capacity)], dtype="boolean")
        frames.append(frame)
    yearly = pd.concat(frames, ignore_index=True)
    bounds.check_finite("base_expenditure_bn_vnd", float(yearly["cumulative_spending_bn_vnd"].abs().max()),
                        "cumulative spending")
    yearly["scenario"] = yearly["scenario"].astype("string")
    return BudgetResult(inputs=inputs, yearly=yearly, periods=_summarize_periods(yearly, inputs.periods),
                        assumptions=tuple(inputs.assumptions()))


def _summarize_periods(yearly: pd.DataFrame, periods: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Period totals per scenario: sums of the yearly values, and the absorption summary.

    Columns: scenario, period, first_year, last_year, n_years, cumulative_spending_bn_vnd,
    cumulative_spending_const_bn_vnd, cumulative_status_quo_bn_vnd, cumulative_gap_bn_vnd,
    n_years_above_capacity, first_year_above_capacity, max_spending_to_capacity_ratio.
    """
    rows = []
    for scenario, group in yearly.groupby("scenario", sort=False):
        for first, last in periods:
            part = group[(group["year"] >= first) & (group["year"] <= last)]
            has_capacity = part["capacity_bn_vnd"].notna().all()
            above = part.loc[part["is_above_capacity"].fillna(False), "year"]
            rows.append({
                "scenario": scenario, "period": f"{first}–{last}", "first_year": first, "last_year": last,
                "n_years": len(part),
                "cumulative_spending_bn_vnd": part["spending_bn_vnd"].sum(),
                "cumulative_spending_const_bn_vnd": part["spending_const_bn_vnd"].sum(),
                "cumulative_status_quo_bn_vnd": part["status_quo_spending_bn_vnd"].sum(),
                "cumulative_gap_bn_vnd": part["gap_to_status_quo_bn_vnd"].sum(),
                "n_years_above_capacity": len(above) if has_capacity else pd.NA,
                "first_year_above_capacity": int(above.min()) if has_capacity and len(above) else pd.NA,
                "max_spending_to_capacity_ratio": part["spending_to_capacity_ratio"].max() if has_capacity else np.nan,
            })
    table = pd.DataFrame(rows)
    for name in ("n_years_above_capacity", "first_year_above_capacity"):
        table[name] = table[name].astype("Int64")
    table["scenario"] = table["scenario"].astype("string")
    table["period"] = table["period"].astype("string")
    return table


# ---------------------------------------------------------------------------------------------
# Beside the floor: a constant share on the same budget path, and the fiscal space the floor takes
# ---------------------------------------------------------------------------------------------

def constant_share_totals(result: BudgetResult, share_pct: float) -> pd.DataFrame:
    """Spending at a constant ``share_pct`` of budget expenditure on ``result``'s budget path, per period.

    What the status quo would be at another share (e.g. a plan's share beside the observed one), and the
    report's floor's cumulative gap to it. Columns: period, share_pct, cumulative_spending_bn_vnd,
    cumulative_floor_bn_vnd (the ``floor`` scenario), cumulative_gap_bn_vnd (floor minus this share).
    """
    if not isinstance(result, BudgetResult):
        raise ParameterError("result", f"expected BudgetResult, got {type(result).__name__}")
    share = check_number("share_pct", share_pct, low=0.0, high=100.0)
    floor = result.yearly[result.yearly["scenario"] == check_choice("scenario", "floor", result.scenarios)]
    rows = []
    for first, last in result.inputs.periods:
        part = floor[(floor["year"] >= first) & (floor["year"] <= last)]
        at_share = float((part["expenditure_bn_vnd"] * share / 100.0).sum())
        spent = float(part["spending_bn_vnd"].sum())
        rows.append({"period": f"{first}–{last}", "share_pct": share, "cumulative_spending_bn_vnd": at_share,
                     "cumulative_floor_bn_vnd": spent, "cumulative_gap_bn_vnd": spent - at_share})
    return pd.DataFrame(rows)


FISCAL_SPACE_COLUMNS = ("scenario", "year", "expenditure_bn_vnd", "budget_growth_since_base_bn_vnd",
                        "budget_increment_bn_vnd", "extra_spending_bn_vnd", "extra_share_of_growth_pct",
                        "extra_share_of_increment_pct", "extra_share_of_expenditure_pct")


def fiscal_space(result: BudgetResult, scenarios: Sequence[str] = ("floor", "ramp")) -> pd.DataFrame:
    """What the floor's extra spending (above the status quo) takes of the budget, year by year.

    For each scenario and year t (E: budget expenditure, X: spending above the status quo):
    ``budget_growth_since_base`` = E_t - E_base; ``budget_increment`` = E_t - E_(t-1);
    ``extra_share_of_growth_pct`` = X_t / (E_t - E_base) (NaN in the base year or without growth): how much
    of the budget's growth since the base year the floor takes, the rest being left for every other
    spending; ``extra_share_of_increment_pct`` = X_t / (E_t - E_(t-1)) (NaN in the base year);
    ``extra_share_of_expenditure_pct`` = X_t / E_t (the floor minus the status-quo share, in points).
    Above 100 % of growth, the floor cannot be paid from growth alone: other spending must fall.
    """
    if not isinstance(result, BudgetResult):
        raise ParameterError("result", f"expected BudgetResult, got {type(result).__name__}")
    chosen = [check_choice("scenarios", s, result.scenarios) for s in _check_scenarios(scenarios)]
    frames = []
    for scenario in chosen:
        rows = result.yearly[result.yearly["scenario"] == scenario].sort_values("year")
        expenditure = rows["expenditure_bn_vnd"].to_numpy(dtype=float)
        extra = rows["gap_to_status_quo_bn_vnd"].to_numpy(dtype=float)
        growth = expenditure - expenditure[0]
        increment = np.concatenate([[np.nan], np.diff(expenditure)])
        with np.errstate(divide="ignore", invalid="ignore"):
            of_growth = np.where(growth > 0, extra / np.where(growth > 0, growth, 1.0) * 100.0, np.nan)
            of_increment = np.where(increment > 0, extra / np.where(increment > 0, increment, 1.0) * 100.0, np.nan)
        frames.append(pd.DataFrame({
            "scenario": scenario, "year": rows["year"].to_numpy(), "expenditure_bn_vnd": expenditure,
            "budget_growth_since_base_bn_vnd": growth, "budget_increment_bn_vnd": increment,
            "extra_spending_bn_vnd": extra, "extra_share_of_growth_pct": of_growth,
            "extra_share_of_increment_pct": of_increment,
            "extra_share_of_expenditure_pct": extra / expenditure * 100.0}))
    table = pd.concat(frames, ignore_index=True)
    table["scenario"] = table["scenario"].astype("string")
    return table[list(FISCAL_SPACE_COLUMNS)]


# ---------------------------------------------------------------------------------------------
# Sensitivity: floor x budget growth
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SensitivityResult:
    """Period totals for every (floor, budget growth) pair; the other inputs are ``inputs``."""

    inputs: BudgetInputs
    scenario: str
    table: pd.DataFrame
    assumptions: tuple[Assumption, ...]


def _check_grid(name: str, values: Any, check) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ParameterError(name, f"expected a non-empty sequence of numbers, got {values!r}")
    return tuple(dict.fromkeys(check(f"{name}[{i}]", v) for i, v in enumerate(values)))


def sensitivity_table(inputs: BudgetInputs, floors_pct: Sequence[float] = SENSITIVITY_FLOORS_PCT,
                      budget_growths_pct: Sequence[float] = SENSITIVITY_GROWTHS_PCT,
                      scenario: str = "floor") -> SensitivityResult:
    """Period totals of ``scenario`` for each floor (percent) and nominal budget growth (% a year).

    Every other input stays as in ``inputs``. Table columns: floor_pct, budget_growth_pct, period,
    first_year, last_year, cumulative_spending_bn_vnd, cumulative_spending_const_bn_vnd,
    cumulative_gap_bn_vnd, spending_last_year_bn_vnd, n_years_above_capacity.
    """
    if not isinstance(inputs, BudgetInputs):
        raise ParameterError("inputs", f"expected BudgetInputs, got {type(inputs).__name__}")
    floors = _check_grid("floors_pct", floors_pct, check_floor_pct)
    growths = _check_grid("budget_growths_pct", budget_growths_pct, check_growth)
    scenario = check_choice("scenario", scenario, SCENARIOS)

    years = np.arange(inputs.base_year, inputs.end_year + 1)
    capacity = (None if inputs.capacity_bn_vnd is None
                else _growth_path(inputs.capacity_bn_vnd, inputs.capacity_growth_pct, years, inputs.base_year))
    rows = []
    for growth in growths:
        expenditure = _growth_path(inputs.base_expenditure_bn_vnd, growth, years, inputs.base_year)
        for floor in floors:
            arrays = _scenario_arrays(replace(inputs, floor_pct=floor), scenario, years, expenditure)
            for first, last in inputs.periods:
                mask = (years >= first) & (years <= last)
                spending = arrays["spending_bn_vnd"][mask]
                rows.append({
                    "floor_pct": floor, "budget_growth_pct": growth, "period": f"{first}–{last}",
                    "first_year": first, "last_year": last,
                    "cumulative_spending_bn_vnd": spending.sum(),
                    "cumulative_spending_const_bn_vnd": arrays["spending_const_bn_vnd"][mask].sum(),
                    "cumulative_gap_bn_vnd": arrays["gap_to_status_quo_bn_vnd"][mask].sum(),
                    "spending_last_year_bn_vnd": spending[-1],
                    "n_years_above_capacity": pd.NA if capacity is None else int((spending > capacity[mask]).sum()),
                })
    table = pd.DataFrame(rows)
    table["n_years_above_capacity"] = table["n_years_above_capacity"].astype("Int64")
    table["period"] = table["period"].astype("string")
    kept = [a for a in inputs.assumptions()
            if a.name not in ("floor_pct", "budget_growth_pct", "nominal_grdp_growth_pct")]
    return SensitivityResult(inputs=inputs, scenario=scenario, table=table, assumptions=tuple(kept))


# ---------------------------------------------------------------------------------------------
# National view: the R&D target (percent of GDP) and its public / non-state split
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RndResult:
    """The national R&D path: one row per year, and the assumptions used."""

    inputs: RndInputs
    yearly: pd.DataFrame
    assumptions: tuple[Assumption, ...]


def rnd_target_path(inputs: RndInputs) -> RndResult:
    """What the R&D target means in VND each year, and how it splits between public and non-state.

    Columns: year, gdp_bn_vnd, price_index (first_year = 1), gerd_required_pct_gdp (straight line
    from the observed share to the target, then held), gerd_required_bn_vnd,
    gerd_required_const_bn_vnd (first-year prices), nonstate_rnd_min_bn_vnd (the non-state share
    at its minimum), public_rnd_max_bn_vnd (the rest: a ceiling, because the non-state share must
    exceed the minimum), gerd_at_base_share_bn_vnd (if the share stayed at its observed level),
    gerd_gap_bn_vnd (required minus that).
    """
    if not isinstance(inputs, RndInputs):
        raise ParameterError("inputs", f"expected RndInputs, got {type(inputs).__name__}")
    years = np.arange(inputs.first_year, inputs.end_year + 1)
    gdp = _growth_path(inputs.gdp_base_bn_vnd, nominal_growth_pct(inputs.real_growth_pct, inputs.deflator_pct),
                       years, inputs.gdp_base_year)
    price_index = _growth_path(1.0, inputs.deflator_pct, years, inputs.first_year)
    progress = np.clip((years - inputs.gerd_base_year) / (inputs.target_year - inputs.gerd_base_year), 0.0, 1.0)
    share = inputs.gerd_base_pct_gdp + (inputs.target_pct_gdp - inputs.gerd_base_pct_gdp) * progress
    share = np.where(years >= inputs.target_year, inputs.target_pct_gdp, share)
    required = share / 100.0 * gdp
    at_base = inputs.gerd_base_pct_gdp / 100.0 * gdp
    nonstate = inputs.nonstate_share_pct / 100.0 * required
    yearly = pd.DataFrame({
        "year": years, "gdp_bn_vnd": gdp, "price_index": price_index, "gerd_required_pct_gdp": share,
        "gerd_required_bn_vnd": required, "gerd_required_const_bn_vnd": required / price_index,
        "nonstate_rnd_min_bn_vnd": nonstate, "public_rnd_max_bn_vnd": required - nonstate,
        "gerd_at_base_share_bn_vnd": at_base, "gerd_gap_bn_vnd": required - at_base,
    })
    records = inputs.assumptions()
    records.append(Assumption(
        "gerd_after_target_pct_gdp", inputs.target_pct_gdp, "% of GDP", ASSUMED,
        phrase(_L + "gerd_after"), phrase(_B + "held_at_target")))
    return RndResult(inputs=inputs, yearly=yearly, assumptions=tuple(records))


def compare_public_rnd_with_floor(budget: BudgetResult, rnd: RndResult, scenario: str = "floor") -> pd.DataFrame:
    """Set the public R&D ceiling beside the budget floor's spending, year by year.

    The national floor covers S&T, innovation and digital transformation together, so if public R&D alone
    needs a large part of it (``public_rnd_share_of_floor_pct``), the rest of that scope gets little.
    Columns: year, floor_spending_bn_vnd, public_rnd_max_bn_vnd, public_rnd_share_of_floor_pct.
    """
    if not isinstance(budget, BudgetResult):
        raise ParameterError("budget", f"expected BudgetResult, got {type(budget).__name__}")
    if not isinstance(rnd, RndResult):
        raise ParameterError("rnd", f"expected RndResult, got {type(rnd).__name__}")
    scenario = check_choice("scenario", scenario, budget.scenarios)
    floor = budget.yearly.loc[budget.yearly["scenario"] == scenario, ["year", "spending_bn_vnd"]]
    table = floor.rename(columns={"spending_bn_vnd": "floor_spending_bn_vnd"}).merge(
        rnd.yearly[["year", "public_rnd_max_bn_vnd"]], on="year", how="inner")
    table["public_rnd_share_of_floor_pct"] = table["public_rnd_max_bn_vnd"] / table["floor_spending_bn_vnd"] * 100.0
    return table.reset_index(drop=True)
