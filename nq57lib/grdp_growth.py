"""GRDP growth assumptions shared by the digital-economy and budget-floor reports.

Both reports need one nominal GRDP growth rate per geography: the digital-economy report to turn a
share path into value-added growth, the budget report to grow GRDP and the budget. They take it
from here, so the two reports never disagree about the economy they describe.

The default real growth is a *medium-term mean*: the geometric mean of the latest
``MEDIUM_TERM_YEARS`` observed annual rates up to the base year, naming the years, not one year's
rate held for two decades. A unit created by the 2025 merger uses its own published rates and, for
earlier years, the mean of its old units' rates weighted by their GRDP in current prices of the same
year (a derived figure that says so). Nominal growth compounds real growth with a deflator:
``(1 + real) * (1 + deflator) - 1``.

The default deflator (``config.DEFAULT_DEFLATOR_PCT``) is the nation's GDP deflator as the data
imply it: :func:`observed_gdp_deflator` divides the change of GDP at current prices between the
first and last year of the medium-term window by the real growth compounded over the same years.
Provinces publish no deflator series in the data, so every geography uses the nation's.

One rule for the shared things, used by both reports (issue 22, item 9):

- **Window.** The growth window ends at :func:`window_end`: the data's as-of year
  (``data.as_of_year``, the newest publication date), or a run's base year when that is earlier
  (a budget report based in 2025 never sees later years).
- **Borrowing.** A geography without real growth in the data borrows the nation's medium-term mean,
  labelled ASSUMED with the nation's years named (``GrowthAssumption.rule == "borrowed"``); a
  report never says "set by the run" for it. Only when the nation has none either is it an error.
- **Deflator label.** :func:`deflator_choice`: the default deflator is DERIVED when the rounded mean the
  data imply (:func:`observed_gdp_deflator`) equals it, ASSUMED when the data no longer confirm it or
  hold too little, ASSUMED (set by the run) when the user set it: a parameter the user gave (``Parameters.given``:
  passed with papermill ``-p`` or ``nq57 run -p``, or edited in the parameters cell), even at the default's value.
  Both reports print that kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import data_package, geography, series_ranking
from .config import DEFAULT_DEFLATOR_PCT, NATION
from .floor_cost import nominal_growth_pct
from .errors import ParameterError
from .provenance import ASSUMED, DERIVED, Assumption
from .text import Joined, Phrase, names, phrase

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words
_D = "budget_floor.basis."  # the deflator's bases (written for the budget report first; both reports use them)

MEDIUM_TERM_YEARS = 5  # a plan period: long enough to smooth one shock year (2020, 2023), short enough to be current
GROWTH_INDICATOR = "grdp_growth_pct"
LEVEL_INDICATOR = "grdp_current_bn_vnd"
WEIGHT_YEAR_DISTANCE = 2  # years between a growth rate and the GRDP that weights it, at most
DEFLATOR_GEO = NATION  # whose GDP deflator the default is: the nation's (no provincial deflator in the data)
# How the real growth was obtained (GrowthAssumption.rule): the words differ, so a report must not conflate them.
MEDIUM_TERM, BORROWED, PARAMETER = "medium_term", "borrowed", "parameter"


@dataclass(frozen=True)
class YearRate:
    """One year's real growth rate and where it came from."""

    year: int
    rate_pct: float
    basis: str | Phrase  # "observed (source-id)" or the weighting that derived it


@dataclass(frozen=True)
class GrowthAssumption:
    """Real growth, deflator and the nominal growth they imply, with their bases."""

    geo_id: str
    real_pct: float
    deflator_pct: float
    real_kind: str  # DERIVED (a mean of observed rates) or ASSUMED (set by the user)
    real_basis: str | Phrase  # text, or a ``text.Phrase`` shown in the report's language
    deflator_basis: str | Phrase
    years: tuple[int, ...] = ()  # the observed years averaged; empty when set by the user
    deflator_kind: str = ASSUMED  # DERIVED when the data confirm the default (``deflator_choice``)
    rule: str = MEDIUM_TERM  # MEDIUM_TERM (own observed rates), BORROWED (the nation's), PARAMETER (the user's)
    borrowed_from: str | None = None  # the geography whose rates stand in (rule BORROWED)
    window_end: int | None = None  # the last year the window could use (``window_end``)

    @property
    def nominal_pct(self) -> float:
        return nominal_growth_pct(self.real_pct, self.deflator_pct)

    def assumptions(self) -> list[Assumption]:
        """The three labelled inputs (real, deflator, nominal) for an assumptions table."""
        nominal_basis = phrase(_B + "nominal", real=self.real_pct, deflator=self.deflator_pct)
        return [
            Assumption("real_growth_pct", self.real_pct, "% per year", self.real_kind,
                       phrase(_L + "real_growth"), self.real_basis),
            Assumption("deflator_pct", self.deflator_pct, "% per year", self.deflator_kind, phrase(_L + "deflator"),
                       self.deflator_basis),
            Assumption("nominal_growth_pct", self.nominal_pct, "% per year", DERIVED,
                       phrase(_L + "nominal_growth"), nominal_basis),
        ]


@dataclass(frozen=True)
class ObservedDeflator:
    """The mean yearly GDP deflator implied by GDP at current prices and real growth."""

    mean_pct: float
    first_year: int  # the year of the first current-price level (the deflator's changes start after it)
    last_year: int
    first_level_bn_vnd: float
    last_level_bn_vnd: float
    real_rates: tuple[YearRate, ...]  # the real growth of every year after first_year up to last_year
    sources: tuple[str, ...]  # the two levels' sources

    @property
    def span(self) -> str:
        """The years whose price changes are averaged, e.g. "2022–2025"."""
        return f"{self.first_year + 1}" if self.last_year == self.first_year + 1 else \
            f"{self.first_year + 1}–{self.last_year}"


def observed_gdp_deflator(pkg: data_package.DataPackage, up_to_year: int, *, geo_id: str = DEFLATOR_GEO,
                          n_years: int = MEDIUM_TERM_YEARS) -> ObservedDeflator | None:
    """Mean GDP deflator change over the latest ``n_years`` up to ``up_to_year``, implied by the data.

    ``((L_last / L_first) / prod(1 + g_t)) ** (1 / (last - first)) - 1``: the nominal change between the
    earliest current-price level in the window (the year ``up_to_year - n_years`` or later) and the
    latest one, over the real growth of every year between them. Years without a level in between are
    fine (a ratio of two levels needs only its ends); a missing real rate is not (returns None), nor
    are fewer than two levels.
    """
    levels = series_ranking.series(pkg, geo_id, LEVEL_INDICATOR).dropna(subset=["value"])
    levels = levels[(levels["year"] >= up_to_year - n_years) & (levels["year"] <= up_to_year)]
    if len(levels) < 2:
        return None
    first, last = levels.iloc[0], levels.iloc[-1]
    rates = {r.year: r for r in yearly_real_growth(pkg, geo_id)}
    between = range(int(first["year"]) + 1, int(last["year"]) + 1)
    if any(y not in rates for y in between):
        return None
    real = math.prod(1.0 + rates[y].rate_pct / 100.0 for y in between)
    nominal = float(last["value"]) / float(first["value"])
    mean = ((nominal / real) ** (1.0 / len(between)) - 1.0) * 100.0
    return ObservedDeflator(mean, int(first["year"]), int(last["year"]), float(first["value"]),
                            float(last["value"]), tuple(rates[y] for y in between),
                            (str(first["source_id"]), str(last["source_id"])))


def geometric_mean_pct(rates_pct) -> float:
    """The constant rate that compounds to the same total as ``rates_pct`` (in % a year)."""
    rates = [float(r) for r in rates_pct]
    if not rates:
        raise ValueError("no rates to average")
    total = math.prod(1.0 + r / 100.0 for r in rates)
    return (total ** (1.0 / len(rates)) - 1.0) * 100.0


def yearly_real_growth(pkg: data_package.DataPackage, geo_id: str) -> list[YearRate]:
    """Every year's real growth of a geography: observed, or derived from a merged unit's old units.

    A year with the unit's own observation uses it. For a unit created by the 2025 merger, a year
    without one uses the mean of the old units' rates weighted by their current-price GRDP, when every
    old unit reports its growth that year. Each weight is the unit's GRDP of that year, or of the
    nearest year within ``WEIGHT_YEAR_DISTANCE`` that it reports (a provincial economy's share of the
    merged one moves slowly; the basis names every year used).
    """
    own = series_ranking.series(pkg, geo_id, GROWTH_INDICATOR)
    rates = {int(r.year): YearRate(int(r.year), float(r.value), phrase(_B + "rate_observed",
                                                                                        source=r.source_id))
             for r in own.itertuples() if pd.notna(r.value)}
    parts = geography.old_units(pkg, geo_id)
    if parts:
        growth = {p: series_ranking.series(pkg, p, GROWTH_INDICATOR).set_index("year")["value"].dropna() for p in parts}
        level = {p: series_ranking.series(pkg, p, LEVEL_INDICATOR).set_index("year")["value"].dropna() for p in parts}
        years = set.intersection(*(set(int(y) for y in growth[p].index) for p in parts))
        for year in sorted(y for y in years if y not in rates):
            weight_years = {p: _nearest_year(level[p].index, year) for p in parts}
            if any(w is None for w in weight_years.values()):
                continue
            weights = {p: float(level[p][weight_years[p]]) for p in parts}
            mean = sum(float(growth[p][year]) * w for p, w in weights.items()) / sum(weights.values())
            named = Joined(", ", tuple(Joined(" ", (names(en=geography.geo_name(pkg, p, "en"), vi=geography.geo_name(pkg, p, "vi")),
                                                    str(weight_years[p]))) for p in parts))  # names, not ids
            rates[year] = YearRate(year, mean, phrase(_B + "rate_weighted", parts=named))
    return [rates[y] for y in sorted(rates)]


def _nearest_year(years, year: int) -> int | None:
    """The year of ``years`` nearest to ``year`` (the earlier on a tie), within WEIGHT_YEAR_DISTANCE."""
    near = sorted((abs(int(y) - year), int(y)) for y in years if abs(int(y) - year) <= WEIGHT_YEAR_DISTANCE)
    return near[0][1] if near else None


def medium_term_real_growth(pkg: data_package.DataPackage, geo_id: str, up_to_year: int,
                            n_years: int = MEDIUM_TERM_YEARS) -> tuple[float, list[YearRate]]:
    """Geometric mean of the latest ``n_years`` annual real growth rates up to ``up_to_year``.

    Fewer years are used when fewer exist (at least one); the years used are returned so that the
    report can name them.
    """
    rates = [r for r in yearly_real_growth(pkg, geo_id) if r.year <= up_to_year][-n_years:]
    if not rates:
        raise ParameterError("real_growth_pct", f"no real GRDP growth for {geo_id} up to {up_to_year} in the "
                                                f"data; set real_growth_pct")
    return geometric_mean_pct(r.rate_pct for r in rates), rates


def window_end(pkg: data_package.DataPackage, base_year: int | None = None) -> int:
    """The last year a growth window may use: the data's as-of year, or ``base_year`` when that is earlier.

    The one rule of both reports: the digital-economy report passes no base year (its as-of year is the
    data's), the budget report its ``start_year``.
    """
    as_of = data_package.as_of_year(pkg)
    return as_of if base_year is None else min(as_of, int(base_year))


@dataclass(frozen=True)
class DeflatorChoice:
    """The run's deflator with its kind and basis (the same in both reports)."""

    rate_pct: float
    kind: str  # DERIVED (the data confirm the default) or ASSUMED
    rule: str  # "observed_mean", "default" (not confirmed by the data) or "parameter" (set by the user)
    basis: str | Phrase
    observed: ObservedDeflator | None = None


def deflator_choice(pkg: data_package.DataPackage, deflator_pct: float, up_to_year: int,
                    default_pct: float | None = None, user_set: bool = False) -> DeflatorChoice:
    """Label the run's deflator: DERIVED when it is the default and the data's rounded mean deflator
    (``observed_gdp_deflator`` up to ``up_to_year``) equals it; ASSUMED otherwise, saying why.

    ``default_pct``: the notebooks' default (``config.DEFAULT_DEFLATOR_PCT`` when None). ``user_set``: the user
    gave the value (``"deflator_pct" in P.given``), so it is the user's also when it equals the default; a value
    other than the default is the user's in any case.
    """
    rate = float(deflator_pct)
    if user_set or rate != float(DEFAULT_DEFLATOR_PCT if default_pct is None else default_pct):
        return DeflatorChoice(rate, ASSUMED, "parameter", phrase(_B + "deflator_run"))
    observed = observed_gdp_deflator(pkg, up_to_year)
    if observed is None:
        return DeflatorChoice(rate, ASSUMED, "default", phrase(_D + "deflator_no_data"))
    listed = tuple(phrase(_D + "deflator_rate", year=r.year, rate=r.rate_pct) for r in observed.real_rates)
    basis = phrase(_D + "deflator", rate=rate, mean=observed.mean_pct, span=observed.span,
                   first_year=observed.first_year, last_year=observed.last_year,
                   first=observed.first_level_bn_vnd, last=observed.last_level_bn_vnd, listed=listed,
                   sources=", ".join(observed.sources))
    if round(observed.mean_pct, 1) != rate:
        return DeflatorChoice(rate, ASSUMED, "default", phrase(_D + "deflator_differs", basis=basis), observed)
    return DeflatorChoice(rate, DERIVED, "observed_mean", basis, observed)


def growth_assumption(pkg: data_package.DataPackage, geo_id: str, up_to_year: int, *, real_growth_pct: float = 0.0,
                      deflator_pct: float, n_years: int = MEDIUM_TERM_YEARS,
                      default_deflator_pct: float | None = None, deflator_set: bool = False) -> GrowthAssumption:
    """The run's growth assumption: the user's real growth if non-zero, else the medium-term mean; a
    geography without real growth in the data borrows the nation's (ASSUMED, rule BORROWED, named).

    ``real_growth_pct`` 0 means "from data" (a papermill parameters cell cannot hold None). The deflator
    is labelled by :func:`deflator_choice` over the same window. Callers pass ``up_to_year`` from
    :func:`window_end`.
    """
    deflator = deflator_choice(pkg, deflator_pct, up_to_year, default_deflator_pct, deflator_set)
    common = {"deflator_kind": deflator.kind, "window_end": int(up_to_year)}
    if real_growth_pct != 0:
        return GrowthAssumption(geo_id, float(real_growth_pct), float(deflator_pct), ASSUMED,
                                phrase(_B + "real_user"), deflator.basis, rule=PARAMETER, **common)
    try:
        mean, rates = medium_term_real_growth(pkg, geo_id, up_to_year, n_years)
    except ParameterError:
        if geo_id == NATION:
            raise
        if not yearly_real_growth(pkg, NATION) or yearly_real_growth(pkg, NATION)[0].year > up_to_year:
            raise ParameterError("real_growth_pct", f"no real GRDP growth for {geo_id} up to {up_to_year} in the data, "
                                                    f"nor for the nation ({NATION}), whose would stand in; set "
                                                    f"real_growth_pct") from None
        national = growth_assumption(pkg, NATION, up_to_year, deflator_pct=deflator_pct, n_years=n_years,
                                     default_deflator_pct=default_deflator_pct, deflator_set=deflator_set)
        basis = phrase(_B + "nation_stands_in", geo=names(en=geography.geo_name(pkg, geo_id, "en"),
                                                          vi=geography.geo_name(pkg, geo_id, "vi")),
                       basis=national.real_basis)
        return GrowthAssumption(geo_id, national.real_pct, float(deflator_pct), ASSUMED, basis, deflator.basis,
                                national.years, rule=BORROWED, borrowed_from=NATION, **common)
    listed = tuple(phrase(_B + "rate", year=r.year, rate=r.rate_pct, basis=r.basis) for r in rates)
    span = f"{rates[0].year}" if len(rates) == 1 else f"{rates[0].year}-{rates[-1].year}"
    basis = phrase(_B + "real_mean", span=span, listed=listed)
    if len(rates) < n_years:
        basis = phrase(_B + "real_fewer", basis=basis, n=len(rates), intended=n_years)
    return GrowthAssumption(geo_id, mean, float(deflator_pct), DERIVED, basis, deflator.basis,
                            tuple(r.year for r in rates), **common)
