"""The "budget_floor" notebook's steps: what an S&T spending floor costs, read from data/.

The engine (``nq57lib.floor_cost``) takes explicit numbers. This module derives each of them from the
data package and records its kind (observed, derived, assumed), its source ids and its derivation,
so every figure in the report traces back to a source, a stated arithmetic or a labelled choice.
The notebook calls the steps in order: ``derive_inputs`` -> ``default_floors`` (an editable list of
``Floor``) -> ``budget_paths`` -> ``cumulative_totals``, ``absorption_check``, ``rnd_view``,
``sensitivity``, ``sensitivity_by_input`` -> ``narrative`` -> ``report`` (saved by
``nq57lib.report.save_results``). Every user-facing word is in the locale files, section [budget_floor].

Parameters (notebook "budget_floor"): geo, lang, floor_pct, start_year, ramp_year, end_year,
base_expenditure_bn_vnd, current_share_pct, real_growth_pct, deflator_pct, budget_growth_pct,
capacity_bn_vnd (output_dir is not used here). A value of 0 means "derive it from the data" (papermill
cannot pass None).

Derivation rules (the base year is ``start_year``; constant prices are that year's prices):

Floor (``floor_pct`` 0 = the geography's default): Vinh Phuc: 15 %, as reported from its provincial
  steering committee meeting (primary text not found); the new Phu Tho (its successor): that 15 %
  carried over as a labelled scenario; the nation: the sourced 3 % of Resolution 57-NQ/TW; any other
  province: its own sourced floor (a ">=" S&T share target in targets.csv), else the national 3 %.
  The floors list always holds the 15 % and the 3 % side by side.
Budget expenditure in the base year, the first rule that applies:
  a. ``base_expenditure_bn_vnd`` if > 0 (assumed: set by the user);
  b. the nation: the state budget estimate (plan status, state_total) for the base year, the
     package's best observation among point values without a scope warning (rows printed as bounds
     or noted "check scope" are left out and named); else its latest outturn, grown to the base year;
  c. a province: the mean observed ratio of local budget expenditure (excluding carry-over; outturns
     and estimates) to GRDP over the latest ``BASE_RATIO_YEARS`` years with both figures (from GRDP's
     2019 series break: earlier levels are on another basis), naming them, times GRDP in the base year
     (derived). A unit created by the 2025 merger without its own
     figures sums its old units' budgets and GRDP in years when all report, else uses the old units
     that do report (assumed, the others named), among the years at most ``MERGED_RATIO_WINDOW_YEARS``
     before the base year (the years left out are named). The plan-derived figure (the geography's own S&T
     plan amount / its stated share) is shown beside it as an alternative;
  d. the plan-derived figure when no ratio can be formed; otherwise a ParameterError.
Status-quo share, from OBSERVED spending (issue 22, item 8): ``current_share_pct`` if > 0; else the
  geography's latest observed st_expenditure_share_pct (its scope stated); else the nation's latest observed
  share, named as such (assumed); only when no observed share exists at all, the plan's share (the
  geography's own, else an old unit's), labelled a plan. A plan's share is shown beside the observed one
  (``plan_share``: e.g. QD 322's 3 % for Vinh Phuc and, as an old unit's plan, for the new Phu Tho), with the
  floor's gap measured from each.
Beside the floor (``reality_tables``, ``reality_paragraph``): the plan-to-outturn rate of budget expenditure
  where the data hold both for one year (the nation's 2024 outturn against its 2024 plan; applied to a plan
  base as a sensitivity case, never to the base itself); the same-scope plan for the year after the base
  year against each floor's requirement (the nation's 2026 plan for S&T, innovation and digital
  transformation; a province's plan average); the fiscal space (``floor_cost.fiscal_space``: the floor's
  spending above the status quo as a share of the budget's growth since the base year and of total
  spending, in the ramp year).
GRDP (GDP for the nation): the latest grdp_current_bn_vnd up to the base year; for a merged unit
  ``data.merged_series`` (the old units' sum before the merger, else its own published figure).
Real growth: ``real_growth_pct`` if != 0, else ``nq57lib.grdp_growth.growth_assumption`` (the geometric
  mean of the latest observed years up to ``grdp_growth.window_end``, named; a geography without real
  growth borrows the nation's, labelled: the digital-economy report's rule too). Deflator: ``deflator_pct`` (one default, ``config.DEFAULT_DEFLATOR_PCT``:
  the nation's mean GDP deflator implied by the data, rounded; its basis recomputes it and names the
  years, ``nq57lib.grdp_growth.observed_gdp_deflator``). Budget growth: ``budget_growth_pct`` if != 0, else nominal GRDP growth.
Absorptive capacity: ``capacity_bn_vnd`` if > 0, else the geography's absorption forecast in
  targets.csv (the top of its range; a plan's forecast, so ASSUMED, never observed); it grows with prices
  (the deflator); else no check.
National R&D view (geo "vn" only): GDP and growth as above, the latest GERD (default concept: the
  ministry's survey; the UIS value is named), the 2030 GERD target and the non-state share target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import pandas as pd

from . import data_package, data_texts, geography, grdp_growth, series_ranking, target_verdicts
from .config import NATION
from .floor_cost import (
    SCENARIOS, SENSITIVITY_FLOORS_PCT, BudgetInputs, BudgetResult, RndInputs, RndResult, SensitivityResult,
    check_floor_pct, compare_public_rnd_with_floor, constant_share_totals, fiscal_space, nominal_growth_pct,
    rnd_target_path, run_budget, sensitivity_table,
)
from .formatting import fmt_number, fmt_pct, format_number, trim_zeros
from .errors import DataError, ParameterError
from .provenance import ASSUMED, DERIVED, OBSERVED, Assumption
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .text import Joined, Names, Phrase, bilingual, names, phrase, plain, section, t

_P = "budget_floor.basis."  # the inputs table's bases (words in the locale files)

NOTEBOOK = "budget_floor"
# Targets read from targets.csv by id: the national floor (Resolution 57's own), the R&D target and split.
NATIONAL_FLOOR_TARGET_ID = "vn-st-budget-floor-res57"
GERD_TARGET_ID = "vn-gerd-2030"
NONSTATE_TARGET_ID = "vn-rnd-nonstate-share-2030"
PLAN_CONCEPT = "st_i_dt"  # Resolution 57's scope: S&T, innovation and digital transformation
ABSORPTION_MARK = "absorption"  # target ids of absorptive-capacity forecasts contain it
OUTTURN_STATUSES = ("official", "preliminary", "estimate")
BASE_LOOKBACK_YEARS = 2
BASE_RATIO_YEARS = 3  # the budget-to-GRDP ratio is the mean over the latest (up to) three observed years
# A merged 2025 unit without its own budget figures uses the widest set of its old units reporting together, but
# only in years at most this many years before the base year: without a bound, one old year in which every old
# unit reported would beat every recent year. A choice, not a sourced figure: 8 years reach back to the start of
# the previous five-year budget plan (2016-2020 from a 2025 base) and keep 2019, the latest year in which two of
# the new Phu Tho's old units report, within reach up to base year 2027; a ratio older than that describes
# another budget structure (and, before 2019, another GRDP basis).
MERGED_RATIO_WINDOW_YEARS = 8
MISSION_GEO = "vinh-phuc"  # the province whose 15 % floor is the project's mission
PROVINCIAL_FLOOR_PCT = 15.0
PROVINCIAL_FLOOR_BASIS = phrase("budget_floor.basis.provincial_floor")  # words in the locale files
# A floor is "far above" observed spending when it exceeds this multiple of the highest S&T share of budget
# expenditure observed for any province in the data (for the nation when no province has one).
FAR_ABOVE_FACTOR = 3.0
# One-way sensitivity: each input moved alone, the others at the run's values.
SENSITIVITY_BASE_STEP = 0.2  # base expenditure x (1 -+ 20 %)
SENSITIVITY_REAL_STEP_PCT = 2.0  # real growth -+ 2 percentage points
SENSITIVITY_DEFLATOR_STEP_PCT = 1.5  # deflator -+ 1.5 percentage points
# The sensitivity grid of budget growth: the run's own rate and round steps around it (percentage points).
SENSITIVITY_GROWTH_STEPS_PCT = (-4.0, -2.0, 0.0, 2.0, 4.0)

_BUDGET_CONCEPT = {"nation": "state_total", "province": "local_excl_carryover"}


@dataclass(frozen=True)
class Derived:
    """One input read or derived from the data: value, kind, basis (English, with source ids).

    ``caveats`` are sentences the narrative must say, as (locale key under ``budget_floor.``, values)
    pairs rendered in the report's language by :func:`caveat_text`; ``facts`` keeps the numbers the
    narrative cites (e.g. the plan amount, the cross-check observation).
    """

    value: Any
    kind: str
    basis: str
    year: int | None = None
    rule: str = ""
    caveats: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Derivation:
    """Step 1's result: the engine inputs and how each was obtained (``items``: each input's ``Derived``)."""

    geo: str
    inputs: BudgetInputs
    items: Mapping[str, Derived]

    def _repr_html_(self) -> str:
        """In a notebook a derivation shows as its inputs table (value, kind, basis)."""
        return inputs_table(self)._repr_html_()


# --------------------------------------------------------------------------------------------
# Small readers
# --------------------------------------------------------------------------------------------

def _bn(value: float) -> str:
    """bn VND in a basis text (English, no decimals)."""
    return f"{value:,.0f}"


def _geo_names(pkg, geo: str) -> Names:
    """A geography's name in each language, for a phrase."""
    return names(en=geography.geo_name(pkg, geo, "en"), vi=geography.geo_name(pkg, geo, "vi"))


def _geos_joined(pkg, geos: Sequence[str], sep: str = ", ") -> Joined:
    """Geographies' names in each language, joined by ``sep``, for a phrase (ids stay in the results)."""
    return Joined(sep, tuple(_geo_names(pkg, g) for g in geos))


def _status_names(status: str) -> Names:
    """An observation's status in each language (labels.csv), for a phrase."""
    return names(en=status, vi=data_texts.label("status", status, "vi", default=status))


def _cite(row: Mapping[str, Any]) -> str:
    """'status, publisher, source-id' of one observation row."""
    return phrase(_P + "cite", status=_status_names(row["status"]), publisher=data_texts.data_names("publisher", row["publisher"]),
                  source=row["source_id"])


def _latest(frame: pd.DataFrame, up_to: int, since: int | None = None) -> pd.Series | None:
    """The last row of a by-year frame with a value, in [since, up_to]."""
    rows = frame[frame["value"].notna() & (frame["year"] <= up_to)]
    if since is not None:
        rows = rows[rows["year"] >= since]
    return None if rows.empty else rows.sort_values("year").iloc[-1]


def _grow(value: float, growth_pct: float, from_year: int, to_year: int) -> float:
    return value * (1.0 + growth_pct / 100.0) ** (to_year - from_year)


def _level(pkg, geo: str) -> str:
    return "nation" if geography.geo_row(pkg, geo)["level"] == "nation" else "province"


def _target(pkg, target_id: str) -> pd.Series:
    rows = pkg.targets[pkg.targets["target_id"] == target_id]
    if rows.empty:
        raise DataError("targets.csv", f"target {target_id!r} is missing; the budget report needs it")
    return rows.iloc[0]


def _target_source(row: pd.Series) -> Joined:
    """'target-id: instrument, source-id' for a basis."""
    return Joined("", (f"{row['target_id']}: ", data_texts.data_names("instrument", row["instrument"]), f", {row['source_id']}"))


# --------------------------------------------------------------------------------------------
# Derivation of each input
# --------------------------------------------------------------------------------------------

def _grdp(pkg, geo: str, base_year: int) -> Derived:
    """Latest GRDP (GDP) level up to the base year; a merged unit's sum of old units or own figure."""
    if geography.old_units(pkg, geo):
        merged = series_ranking.merged_series(pkg, geo, "grdp_current_bn_vnd")
        row = _latest(merged, base_year)
        if row is not None:
            year, summed = int(row["year"]), row["basis"] == "sum of old units"
            other = row["value_published"] if summed else row["value_sum"]
            how = phrase(_P + ("merged_sum" if summed else "merged_published"))
            basis = phrase(_P + "grdp_merged", year=year, value=float(row["value"]), how=how,
                           status=_status_names(row["status"]), sources=row["sources"].replace(";", ", "))
            if pd.notna(other):
                basis = phrase(_P + ("grdp_also_published" if summed else "grdp_also_sum"), basis=basis, year=year,
                               value=float(other))
            return Derived(float(row["value"]), DERIVED if summed else OBSERVED, basis, year, "merged")
    else:
        row = _latest(series_ranking.series(pkg, geo, "grdp_current_bn_vnd"), base_year)
        if row is not None:
            word = "GDP" if _level(pkg, geo) == "nation" else "GRDP"
            basis = phrase(_P + "grdp", word=word, year=int(row["year"]), value=float(row["value"]), cite=_cite(row))
            return Derived(float(row["value"]), OBSERVED, basis, int(row["year"]), "observed")
    raise ParameterError("geo", f"no GRDP (grdp_current_bn_vnd) for {geo} up to {base_year} in the data; the "
                                f"budget floor needs it (see `nq57 data --geo {geo}`)")


def _plan(pkg, geo: str, year: int) -> dict[str, pd.Series] | None:
    """The geography's S&T plan covering ``year``: an amount and a share target of one period."""
    t = pkg.targets
    mine = t[(t["geo_id"] == geo) & (t["concept"] == PLAN_CONCEPT)
             & ~t["target_id"].str.contains(ABSORPTION_MARK, regex=False)]
    amounts = mine[(mine["indicator_id"] == "st_expenditure_bn_vnd") & (mine["comparator"] != "between")]
    shares = mine[mine["indicator_id"] == "st_expenditure_share_pct"]
    for _, amount in amounts.iterrows():
        first = amount["year"] if pd.isna(amount["from_year"]) else amount["from_year"]
        if not first <= year <= amount["year"]:
            continue
        for _, share in shares.iterrows():
            if (share["year"] == amount["year"]
                    and (pd.isna(share["from_year"]) and pd.isna(amount["from_year"])
                         or share["from_year"] == amount["from_year"])):
                return {"amount": amount, "share": share}
    return None


def _plan_period(plan: Mapping[str, pd.Series]) -> str:
    amount = plan["amount"]
    first = amount["year"] if pd.isna(amount["from_year"]) else amount["from_year"]
    return f"{int(first)}–{int(amount['year'])}"


def _budget_observations(pkg, geo: str, up_to: int, since: int | None) -> tuple[pd.Series | None, pd.DataFrame]:
    """Best budget-expenditure observation in [since, up_to] (outturns first) and the other figures of its year."""
    concept = _BUDGET_CONCEPT[_level(pkg, geo)]
    for statuses in (OUTTURN_STATUSES, None):
        row = _latest(series_ranking.series(pkg, geo, "budget_expenditure_bn_vnd", concept=concept, statuses=statuses),
                      up_to, since)
        if row is not None:
            every = series_ranking.observations_for(pkg, geo, "budget_expenditure_bn_vnd")
            others = every[(every["year"] == row["year"]) & (every["concept"] == concept)
                           & ~((every["source_id"] == row["source_id"]) & (every["status"] == row["status"]))]
            return row, others.sort_values("value")
    return None, pd.DataFrame()


def _plan_base(pkg, geo: str, plan: Mapping[str, pd.Series], base_year: int) -> tuple[float, str]:
    """Rule b: plan amount / plan share, and its basis text."""
    amount, share = float(plan["amount"]["value"]), float(plan["share"]["value"])
    value = amount / (share / 100.0)
    basis = phrase(_P + "plan_base", amount=amount, fraction=share / 100, value=value, geo=_geo_names(pkg, geo),
                   period=_plan_period(plan), amount_source=_target_source(plan["amount"]), share=share,
                   share_source=_target_source(plan["share"]), year=base_year)
    return value, basis


def _observed_base(observed: pd.Series, others: pd.DataFrame, concept: str, base_year: int,
                   growth_pct: float) -> Derived:
    """Rule c: an observed figure, grown to the base year if it is older."""
    year, raw = int(observed["year"]), float(observed["value"])
    value = _grow(raw, growth_pct, year, base_year)
    picked = phrase(_P + ("picked_outturns" if observed["status"] in OUTTURN_STATUSES else "picked_plans"))
    basis = phrase(_P + "observed_base", concept=phrase("budget_floor.concept." + concept), year=year, raw=raw,
                   cite=_cite(observed), picked=picked)
    if year != base_year:
        basis = phrase(_P + "grown", basis=basis, year=base_year, growth=growth_pct, value=value)
    caveats = []
    note = data_texts.data_names("note", observed["note"].rstrip(". ")) if isinstance(observed["note"], str) \
        and observed["note"].strip() else ""
    if note:
        basis = phrase(_P + "data_note", basis=basis, note=note)
        caveats.append(("caveat.data_note", {"note": note}))
    facts: dict[str, Any] = {"observed_bn_vnd": raw, "status": observed["status"],
                             "publisher": observed["publisher"],
                             "others": [(float(r["value"]), r["status"], r["publisher"]) for _, r in others.iterrows()]}
    if not others.empty:
        listed = tuple(phrase(_P + "other_figure", value=float(r["value"]), status=_status_names(r["status"]),
                              publisher=data_texts.data_names("publisher", r["publisher"]), source=r["source_id"],
                              note=Joined("", (": ", data_texts.data_names("note", r["note"].rstrip(". "))))
                              if isinstance(r["note"], str) and r["note"] else "")
                       for _, r in others.iterrows())
        basis = phrase(_P + "other_figures", basis=basis, year=year, listed=listed)
    kind = OBSERVED if year == base_year else DERIVED
    return Derived(value, kind, basis, year, "observed", tuple(caveats), facts)


def _latest_share(pkg, geo: str, up_to: int) -> pd.Series | None:
    """Latest S&T share of budget expenditure: the concept with the latest year (first concept on ties)."""
    best = None
    for concept in pkg.indicator("st_expenditure_share_pct")["concepts"].split("|"):
        row = _latest(series_ranking.series(pkg, geo, "st_expenditure_share_pct", concept=concept), up_to)
        if row is not None and (best is None or row["year"] > best["year"]):
            best = row
    return best


def _concept_words(concept: str):
    """A concept code of the data (e.g. 'total') in each language's words (``labels.csv``)."""
    return names(**{lang: data_texts.label("concept", concept, lang, default=concept) for lang in ("en", "vi")})


def _observed_share(row: pd.Series, prefix: str | Phrase) -> Derived:
    """An observed S&T share, with a caveat when its scope is narrower than the floor's."""
    value, year = float(row["value"]), int(row["year"])
    basis = phrase(_P + "observed_share", prefix=prefix, year=year, value=value,
                   concept=_concept_words(row["concept"]),
                   cite=_cite(row))
    caveats = ()
    if row["concept"] != PLAN_CONCEPT:
        basis = phrase(_P + "narrower", basis=basis)
        caveats = (("caveat.narrow_scope", {"share": ("pct", value, 2), "year": year,
                                            "concept": ("concept", row["concept"])}),)
    return Derived(value, OBSERVED, basis, year, "observed", caveats)


def _national_floor(pkg) -> Derived:
    """The national floor of Resolution 57-NQ/TW from targets.csv, with the instruments that repeat it."""
    row = _target(pkg, NATIONAL_FLOOR_TARGET_ID)
    t = pkg.targets
    same = t[(t["geo_id"] == NATION) & (t["indicator_id"] == row["indicator_id"]) & (t["concept"] == row["concept"])
             & (t["comparator"] == ">=") & (t["value"] == row["value"]) & (t["target_id"] != row["target_id"])]
    cite = _target_source(row)
    basis = phrase(_P + "national_floor", value=float(row["value"]), cite=cite)
    if not same.empty:
        basis = phrase(_P + "same_floor", basis=basis, by=tuple(_target_source(r) for _, r in same.iterrows()))
    return Derived(float(row["value"]), OBSERVED, basis, rule="target",
                   facts={"cite": cite, "target_id": row["target_id"], "instrument": row["instrument"]})


# --------------------------------------------------------------------------------------------
# Public derivation API
# --------------------------------------------------------------------------------------------

def _check_years(P) -> None:
    """start_year <= ramp_year <= end_year, start_year < end_year: checked before any data is read."""
    if P.end_year <= P.start_year:
        raise ParameterError("end_year", f"must be after start_year ({P.start_year}), got {P.end_year}")
    if not P.start_year <= P.ramp_year <= P.end_year:
        raise ParameterError("ramp_year", f"must be within start_year–end_year ({P.start_year}–{P.end_year}), "
                                          f"got {P.ramp_year}")


def _growth(pkg, geo: str, P) -> tuple[Derived, Derived]:
    """Real growth and the deflator, both from ``nq57lib.grdp_growth`` (the rules the digital-economy report
    uses too): the user's rate, else the medium-term mean over the window ending at ``grdp_growth.window_end``,
    else (no rates for ``geo``) the nation's, borrowed and labelled."""
    assumption = grdp_growth.growth_assumption(pkg, geo, grdp_growth.window_end(pkg, P.start_year),
                                               real_growth_pct=P.real_growth_pct, deflator_pct=P.deflator_pct,
                                               deflator_set="deflator_pct" in P.given)
    if assumption.rule == grdp_growth.PARAMETER:
        real = Derived(assumption.real_pct, ASSUMED, phrase(_P + "user", parameter="real_growth_pct"),
                       rule="parameter")
    else:
        years = assumption.years
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        caveats: tuple = (("caveat.real_growth", {"rate": ("pct", assumption.real_pct, 2), "years": span,
                                                  "end": P.end_year}),)
        if assumption.rule == grdp_growth.BORROWED:
            caveats += (("caveat.real_growth_borrowed", {"geo": ("geo", geo), "nation": ("geo", NATION)}),)
        real = Derived(assumption.real_pct, assumption.real_kind, assumption.real_basis, years[-1], assumption.rule,
                       caveats, {"years": years, "span": span, "borrowed_from": assumption.borrowed_from,
                                 "window_end": assumption.window_end})
    return real, _deflator(pkg, P)


def _deflator(pkg, P) -> Derived:
    """The deflator labelled by ``grdp_growth.deflator_choice`` (the default, DERIVED when the mean GDP deflator
    the data imply, rounded, equals it; else ASSUMED; the user's when they gave it), with the budget report's
    caveat."""
    rate = float(P.deflator_pct)
    choice = grdp_growth.deflator_choice(pkg, rate, grdp_growth.window_end(pkg, P.start_year),
                                         user_set="deflator_pct" in P.given)
    observed = choice.observed
    if choice.rule == "parameter":
        return Derived(rate, ASSUMED, phrase(_P + "user", parameter="deflator_pct"), rule="parameter",
                       caveats=(("caveat.deflator_user", {"rate": ("pct", rate, 1)}),))
    caveat = ("caveat.deflator_default", {"rate": ("pct", rate, 1)})
    if observed is None:
        return Derived(rate, ASSUMED, choice.basis, rule="default", caveats=(caveat,))
    facts = {"mean_pct": observed.mean_pct, "span": observed.span}
    if choice.kind != DERIVED:
        return Derived(rate, ASSUMED, choice.basis, observed.last_year, "default", (caveat,), facts)
    return Derived(rate, DERIVED, choice.basis, observed.last_year, "observed_mean",
                   (("caveat.deflator", {"rate": ("pct", rate, 1), "span": observed.span}),), facts)


def _plan_growth(pkg, geo: str, base_year: int) -> tuple[float, str] | None:
    """The geography's own GRDP growth target for a year after the base year: (midpoint, its year)."""
    t = pkg.targets
    rows = t[(t["geo_id"] == geo) & (t["indicator_id"] == "grdp_growth_pct") & (t["year"] > base_year)]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[-1]
    value = float(row["value"]) if pd.isna(row["value_high"]) else (float(row["value"]) + float(row["value_high"])) / 2
    return value, str(int(row["year"]))


def _national_estimate(pkg, year: int) -> tuple[pd.Series | None, pd.DataFrame]:
    """The state budget estimate (plan, state_total) for ``year``: the package's best observation among
    plans that are point values without a scope warning (bounds and rows noted "check scope" are left out).

    Returns the chosen row and the rows left out (named in the basis).
    """
    rows = pkg.observations
    mine = ((rows["geo_id"] == NATION) & (rows["indicator_id"] == "budget_expenditure_bn_vnd")
            & (rows["concept"] == "state_total") & (rows["status"] == "plan") & (rows["year"] == year))
    note = rows["note"].fillna("").str.lower()
    flagged = note.str.contains("check scope") | note.str.contains("lower bound")
    if "comparator" in rows.columns:
        flagged |= rows["comparator"].fillna("").isin(["<", "<=", ">", ">="])
    left_out = rows[mine & flagged]
    kept = replace(pkg, observations=rows[~(mine & flagged)])
    series = series_ranking.series(kept, NATION, "budget_expenditure_bn_vnd", concept="state_total", statuses=["plan"])
    chosen = series[series["year"] == year]
    return (None if chosen.empty else chosen.iloc[0]), left_out


def _ratio_years(pkg, geo: str, base_year: int) -> list[dict[str, Any]]:
    """Years (up to the base year, from GRDP's series break) with an observed local budget outturn and GRDP
    of ``geo``: ratio rows."""
    budget = series_ranking.series(pkg, geo, "budget_expenditure_bn_vnd", concept=_BUDGET_CONCEPT["province"],
                         statuses=list(OUTTURN_STATUSES)) if _has(pkg, geo, "budget_expenditure_bn_vnd") \
        else pd.DataFrame(columns=["year", "value"])
    grdp = series_ranking.series(pkg, geo, "grdp_current_bn_vnd").set_index("year") \
        if _has(pkg, geo, "grdp_current_bn_vnd") else pd.DataFrame(columns=["value"])
    inferred = _inferred_concepts(pkg, geo, "budget_expenditure_bn_vnd")
    # GRDP levels before the series break (the 2019 re-evaluation) are on another basis: no ratio across it.
    since = pkg.indicator("grdp_current_bn_vnd")["series_break_year"]
    since = int(since) if pd.notna(since) else None
    out = []
    for row in budget.itertuples():
        year = int(row.year)
        if (year <= base_year and (since is None or year >= since) and year in grdp.index
                and pd.notna(row.value)):
            out.append({"year": year, "geo": geo, "budget": float(row.value), "grdp": float(grdp.loc[year, "value"]),
                        "sources": [row.source_id, grdp.loc[year, "source_id"]],
                        "inferred": [geo] if (year, row.concept, row.status, row.source_id) in inferred else []})
    return out


def _inferred_concepts(pkg, geo: str, indicator: str) -> set[tuple]:
    """(year, concept, status, source_id) of ``geo``'s observations whose concept the source does not state
    (``is_concept_inferred`` in the data: e.g. a budget figure that may or may not include carry-over)."""
    obs = pkg.observations
    rows = obs[(obs["geo_id"] == geo) & (obs["indicator_id"] == indicator)
               & obs["is_concept_inferred"].fillna(False).astype(bool)]
    return set(zip(rows["year"].astype(int), rows["concept"], rows["status"], rows["source_id"]))


def _has(pkg, geo: str, indicator: str) -> bool:
    obs = pkg.observations
    return bool(((obs["geo_id"] == geo) & (obs["indicator_id"] == indicator)).any())


def _observed_ratio(pkg, geo: str, base_year: int) -> dict[str, Any] | None:
    """Mean budget-expenditure-to-GRDP ratio over the latest ``BASE_RATIO_YEARS`` years with both figures.

    A unit created by the 2025 merger without its own figures uses its old units: the ratio of their
    summed budgets to their summed GRDP in years when all of them report; else, labelled, the same
    ratio over the largest set of old units that report together (``partial`` names the others), in
    the years when exactly that set reports, so that every year's ratio covers the same area (one
    unit's 2023 ratio is never averaged with two units' 2019 ratio). Only years at most
    ``MERGED_RATIO_WINDOW_YEARS`` before the base year compete; ``left_out`` names the years not used and why.
    """
    own = _ratio_years(pkg, geo, base_year)
    parts, partial, missing, left_out = [geo], False, [], []
    if not own and geography.old_units(pkg, geo):
        parts = list(geography.old_units(pkg, geo))
        by_unit = {u: {r["year"]: r for r in _ratio_years(pkg, u, base_year)} for u in parts}
        every = sorted(set().union(*(set(v) for v in by_unit.values())))
        years = [y for y in every if y >= base_year - MERGED_RATIO_WINDOW_YEARS]  # the recency window first
        reporting_in = {y: frozenset(u for u in parts if y in by_unit[u]) for y in years}
        # the largest set of reporting units (on a tie, the one reporting latest) and its years only
        widest = max(reporting_in.values(), key=lambda s: (len(s), max(y for y in years if reporting_in[y] == s)),
                     default=frozenset())
        partial = len(widest) < len(parts)
        use = [y for y in years if reporting_in[y] == widest]
        left_out = ([{"year": y, "reason": "window", "geos": []} for y in every if y not in years]
                    + [{"year": y, "reason": "units", "geos": sorted(reporting_in[y])} for y in years if y not in use])
        own = []
        for y in use:
            rows = [by_unit[u][y] for u in parts if y in by_unit[u]]
            own.append({"year": y, "geo": "+".join(r["geo"] for r in rows), "budget": sum(r["budget"] for r in rows),
                        "grdp": sum(r["grdp"] for r in rows), "sources": [i for r in rows for i in r["sources"]],
                        "inferred": [g for r in rows for g in r["inferred"]]})
        reporting = {u for u in parts if any(y in by_unit[u] for y in use)}
        missing = [u for u in parts if u not in reporting]
        parts = [u for u in parts if u in reporting]
    if not own:
        return None
    chosen = sorted(own, key=lambda r: r["year"])[-BASE_RATIO_YEARS:]
    for r in chosen:
        r["ratio_pct"] = r["budget"] / r["grdp"] * 100.0
    mean = sum(r["ratio_pct"] for r in chosen) / len(chosen)
    return {"rows": chosen, "mean_pct": mean, "years": [r["year"] for r in chosen], "parts": parts,
            "partial": partial, "missing": missing, "left_out": left_out,
            "low_pct": min(r["ratio_pct"] for r in chosen), "high_pct": max(r["ratio_pct"] for r in chosen)}


def _plan_alternative(pkg, geo: str, base_year: int) -> dict[str, Any] | None:
    """The plan-derived base of ``geo`` (its S&T plan's amount / the plan's share), or None.

    Only the geography's own plan: an old unit's plan says nothing about the budget of the unit it
    merged into.
    """
    plan = _plan(pkg, geo, base_year)
    if plan is None:
        return None
    value, basis = _plan_base(pkg, geo, plan, base_year)
    return {"value": value, "basis": basis, "geo": geo, "amount_bn_vnd": float(plan["amount"]["value"]),
            "share_pct": float(plan["share"]["value"]), "period": _plan_period(plan)}


def _base_expenditure(pkg, geo: str, P, base_year: int, growth_pct: float, grdp: Derived) -> Derived:
    """Budget expenditure in the base year: the user's value; the nation's budget estimate; else the
    observed budget-to-GRDP ratio times base-year GRDP; else the plan-derived figure (see the module docstring)."""
    alternative = _plan_alternative(pkg, geo, base_year)
    facts: dict[str, Any] = {"plan": alternative}
    if P.base_expenditure_bn_vnd > 0:
        return Derived(float(P.base_expenditure_bn_vnd), ASSUMED,
                       phrase(_P + "user", parameter="base_expenditure_bn_vnd"), base_year, "parameter",
                       facts=facts)
    grdp_base = _grow(grdp.value, growth_pct, grdp.year, base_year)
    if _level(pkg, geo) == "nation":
        row, left_out = _national_estimate(pkg, base_year)
        if row is not None:
            basis = phrase(_P + "national_estimate", year=base_year, value=float(row["value"]), cite=_cite(row))
            if not left_out.empty:
                basis = phrase(_P + "left_out", basis=basis, listed=tuple(
                    phrase(_P + "left_out_one", value=float(r["value"]), status=_status_names(r["status"]),
                           source=r["source_id"]) for _, r in left_out.iterrows()))
            facts.update(status=row["status"], publisher=row["publisher"], source_id=row["source_id"],
                         left_out=[float(v) for v in left_out["value"]])
            return Derived(float(row["value"]), OBSERVED, basis, base_year, "estimate", facts=facts)
        observed, others = _budget_observations(pkg, geo, base_year, base_year - BASE_LOOKBACK_YEARS)
        if observed is not None:
            return _observed_base(observed, others, "state_total", base_year, growth_pct)
        raise ParameterError("base_expenditure_bn_vnd",
                             f"no budget expenditure for {geo} in the data; set base_expenditure_bn_vnd")
    ratio = _observed_ratio(pkg, geo, base_year)
    if ratio is not None:
        value = ratio["mean_pct"] / 100.0 * grdp_base
        listed = tuple(phrase(_P + "ratio_row", year=r["year"], budget=float(r["budget"]), grdp=float(r["grdp"]),
                              ratio=float(r["ratio_pct"]), geo=_geos_joined(pkg, r["geo"].split("+"), " + "),
                              sources=", ".join(dict.fromkeys(r["sources"]))) for r in ratio["rows"])
        grown = (phrase(_P + "grdp_grown", year=grdp.year, base_year=base_year, growth=growth_pct,
                        value=float(grdp_base)) if grdp.year != base_year else "")
        years = (str(ratio["years"][0]) if len(ratio["years"]) == 1
                 else phrase("budget_floor.base.years_mean", years=", ".join(str(y) for y in ratio["years"])))
        basis = phrase(_P + "ratio", years=years, mean=float(ratio["mean_pct"]),
                       listed=listed, grdp=grdp.basis, grown=grown, grdp_base=float(grdp_base), value=float(value))
        kind = DERIVED
        caveats: tuple = ()
        if ratio["parts"] != [geo]:
            basis = phrase(_P + "summed", basis=basis, parts=_geos_joined(pkg, ratio["parts"]))
        if ratio["partial"]:
            kind = ASSUMED
            basis = phrase(_P + "partial", basis=basis, missing=_geos_joined(pkg, ratio["missing"]),
                           parts=_geos_joined(pkg, ratio["parts"]))
            caveats = (("caveat.partial_ratio", {"parts": ("geos", tuple(ratio["parts"])),
                                                 "missing": ("geos", tuple(ratio["missing"]))}),)
        if ratio["left_out"]:
            basis = phrase(_P + "merged_left_out", basis=basis, listed=tuple(
                phrase(_P + "left_out_window", year=r["year"], window=MERGED_RATIO_WINDOW_YEARS, base_year=base_year)
                if r["reason"] == "window" else
                phrase(_P + "left_out_units", year=r["year"], geos=_geos_joined(pkg, r["geos"]))
                for r in ratio["left_out"]))
        for r in ratio["rows"]:  # a figure whose scope its source does not state (flagged in the data)
            for g in r["inferred"]:
                basis = phrase(_P + "inferred_carryover", basis=basis, year=r["year"], geo=_geo_names(pkg, g))
                caveats += (("caveat.inferred_carryover", {"year": r["year"], "geo": ("geo", g)}),)
        if alternative is not None:
            diff = (alternative["value"] / value - 1.0) * 100.0
            basis = phrase(_P + "alternative", basis=basis, geo=_geo_names(pkg, alternative["geo"]),
                           plan=alternative["basis"],
                           diff=float(diff))
        facts.update(ratio=ratio, grdp_base_bn_vnd=grdp_base)
        return Derived(value, kind, basis, base_year, "ratio", caveats, facts)
    if alternative is not None:
        caveat = ("caveat.plan_average", {"period": alternative["period"], "year": base_year})
        return Derived(alternative["value"], DERIVED, alternative["basis"], base_year, "plan", (caveat,), facts)
    raise ParameterError("base_expenditure_bn_vnd",
                         f"no budget expenditure for {geo} in the data; set base_expenditure_bn_vnd")


def _current_share(pkg, geo: str, P, base_year: int) -> Derived:
    """Status-quo share of budget expenditure spent on S&T, from OBSERVED spending (issue 22, item 8): the
    user's; else the geography's own latest observed share; else the nation's latest observed share, named
    as such (ASSUMED to hold for ``geo``); only when no observed share exists at all, the plan's share
    (the geography's own, else an old unit's), labelled a plan. A plan's share is never the status quo
    while an observation exists: it is shown beside it (:func:`_plan_share`)."""
    if P.current_share_pct > 0:
        return Derived(float(P.current_share_pct), ASSUMED, phrase(_P + "user", parameter="current_share_pct"),
                       rule="parameter")
    row = _latest_share(pkg, geo, base_year)
    if row is not None:
        return _observed_share(row, "")
    national = _latest_share(pkg, NATION, base_year) if geo != NATION else None
    if national is not None:
        share = _observed_share(national, phrase(_P + "national_share", geo=_geo_names(pkg, geo)))
        return replace(share, kind=ASSUMED, rule="national",
                       caveats=share.caveats + (("caveat.national_share", {}),),
                       facts={"geo": NATION, "year": int(national["year"]), "concept": national["concept"]})
    plan = _plan(pkg, geo, base_year)
    if plan is not None:
        share = plan["share"]
        basis = phrase(_P + "plan_share", value=float(share["value"]), source=_target_source(share))
        return Derived(float(share["value"]), ASSUMED, basis, rule="plan", caveats=(("caveat.plan_share", {}),))
    proxies = [old for old in geography.old_units(pkg, geo) if _plan(pkg, old, base_year) is not None]
    if proxies:
        share = _plan(pkg, proxies[0], base_year)["share"]
        basis = phrase(_P + "proxy_share", geo=_geo_names(pkg, geo), old=_geo_names(pkg, proxies[0]),
                       value=float(share["value"]),
                       source=_target_source(share))
        return Derived(float(share["value"]), ASSUMED, basis, rule="proxy",
                       caveats=(("caveat.proxy_share", {"proxy": ("geo", proxies[0])}),), facts={"proxy": proxies[0]})
    raise ParameterError("current_share_pct", f"no S&T share of budget expenditure for {geo} in the data; "
                                              f"set current_share_pct")


def _plan_share(pkg, geo: str, base_year: int) -> Derived | None:
    """The S&T plan's share of budget spending beside the observed status quo: the geography's own plan
    covering the base year, else (a unit created by the 2025 merger) an old unit's plan, named; None without
    one. A plan, not spending: ASSUMED if it were used as the status quo, shown here only for comparison."""
    own = _plan(pkg, geo, base_year)
    olds = [old for old in geography.old_units(pkg, geo) if _plan(pkg, old, base_year) is not None]
    if own is None and not olds:
        return None
    holder = geo if own is not None else olds[0]
    plan = own if own is not None else _plan(pkg, holder, base_year)
    share = plan["share"]
    basis = phrase(_P + "plan_beside", value=float(share["value"]), source=_target_source(share),
                   geo=_geo_names(pkg, holder))
    return Derived(float(share["value"]), ASSUMED, basis, rule="plan" if own is not None else "old_unit_plan",
                   facts={"geo": holder, "instrument": share["instrument"], "target_id": share["target_id"],
                          "source_id": share["source_id"], "period": _plan_period(plan)})


def _plan_row(pkg, geo: str, year: int) -> pd.Series | None:
    """The budget-expenditure plan (estimate) of ``geo`` for ``year``: a point value without a scope warning."""
    if geo == NATION:
        return _national_estimate(pkg, year)[0]
    concept = _BUDGET_CONCEPT[_level(pkg, geo)]
    rows = series_ranking.series(pkg, geo, "budget_expenditure_bn_vnd", concept=concept, statuses=["plan"]) \
        if _has(pkg, geo, "budget_expenditure_bn_vnd") else pd.DataFrame(columns=["year", "value"])
    rows = rows[(rows["year"] == year) & rows["value"].notna()]
    return None if rows.empty else rows.iloc[0]


def _plan_outturn(pkg, geo: str, base_year: int) -> Derived | None:
    """Plan-to-outturn rate of budget expenditure: the latest year up to the base year in which the data hold
    both an outturn (official, preliminary or estimate) and a plan of the same concept; outturn / plan. None
    when no year has both (e.g. the provinces in the shipped data)."""
    if not _has(pkg, geo, "budget_expenditure_bn_vnd"):
        return None
    concept = _BUDGET_CONCEPT[_level(pkg, geo)]
    outturns = series_ranking.series(pkg, geo, "budget_expenditure_bn_vnd", concept=concept, statuses=list(OUTTURN_STATUSES))
    for row in outturns[outturns["value"].notna() & (outturns["year"] <= base_year)].sort_values(
            "year", ascending=False).itertuples():
        plan = _plan_row(pkg, geo, int(row.year))
        if plan is None:
            continue
        rate = float(row.value) / float(plan["value"]) * 100.0
        basis = phrase(_P + "plan_outturn", year=int(row.year), outturn=float(row.value), plan=float(plan["value"]),
                       rate=rate, outturn_cite=_cite(row._asdict()), plan_cite=_cite(plan))
        return Derived(rate, DERIVED, basis, int(row.year), "plan_outturn",
                       facts={"outturn_bn_vnd": float(row.value), "plan_bn_vnd": float(plan["value"]),
                              "outturn_status": row.status, "outturn_publisher": row.publisher,
                              "plan_publisher": plan["publisher"],
                              "sources": [row.source_id, plan["source_id"]]})
    return None


def _coming_plan(pkg, geo: str, base_year: int) -> Derived | None:
    """The same-scope plan (S&T, innovation and digital transformation) for the year after the base year:
    a plan figure of ``st_expenditure_bn_vnd`` for that year in the observations (the nation's 2026
    allocation), else the geography's own S&T plan amount covering that year (a yearly average over its
    period). A plan, not spending: its kind says where it was read, its basis that it is a plan."""
    year = base_year + 1
    if _has(pkg, geo, "st_expenditure_bn_vnd"):
        rows = series_ranking.series(pkg, geo, "st_expenditure_bn_vnd", concept=PLAN_CONCEPT, statuses=["plan"])
        rows = rows[(rows["year"] == year) & rows["value"].notna()]
        if not rows.empty:
            row = rows.iloc[0]
            basis = phrase(_P + "coming_plan", year=year, value=float(row["value"]), cite=_cite(row))
            return Derived(float(row["value"]), OBSERVED, basis, year, "plan_figure",
                           facts={"publisher": row["publisher"], "status": row["status"],
                                  "sources": [row["source_id"]]})
    plan = _plan(pkg, geo, year)
    if plan is not None:
        amount = plan["amount"]
        basis = phrase(_P + "coming_plan_average", year=year, value=float(amount["value"]),
                       period=_plan_period(plan), source=_target_source(amount))
        return Derived(float(amount["value"]), OBSERVED, basis, year, "plan_average",
                       facts={"instrument": amount["instrument"], "period": _plan_period(plan),
                              "sources": [amount["source_id"]]})
    return None


def _capacity(pkg, geo: str, P, base_year: int, deflator_pct: float) -> Derived | None:
    """Absorptive capacity in the base year: the user's value, else the geography's absorption forecast."""
    if P.capacity_bn_vnd > 0:
        return Derived(float(P.capacity_bn_vnd), ASSUMED, phrase(_P + "user", parameter="capacity_bn_vnd"),
                       rule="parameter", facts={"growth_pct": deflator_pct})
    t = pkg.targets
    rows = t[(t["geo_id"] == geo) & t["target_id"].str.contains(ABSORPTION_MARK, regex=False)]
    for _, row in rows.iterrows():
        first = row["year"] if pd.isna(row["from_year"]) else row["from_year"]
        if first <= base_year <= row["year"]:
            low = float(row["value"])
            high = float(row["value_high"]) if pd.notna(row["value_high"]) else low
            basis = phrase(_P + "capacity", low=low, high=high, instrument=data_texts.data_names("instrument", row["instrument"]),
                           first=int(first),
                           last=int(row["year"]), target=row["target_id"], source=row["source_id"], year=base_year)
            facts = {"low_bn_vnd": low, "high_bn_vnd": high, "last_year": int(row["year"]),
                     "target_id": row["target_id"], "growth_pct": deflator_pct}
            basis = phrase(_P + "capacity_forecast", basis=basis)  # a plan's forecast, never an observation
            return Derived(high, ASSUMED, basis, rule="target",
                           caveats=(("caveat.capacity_prices", {"year": int(row["year"])}),), facts=facts)
    return None


def _vinh_phuc_floor(pkg) -> Derived:
    """Vinh Phuc's 15 % floor, as reported in the news (research log); no primary text found."""
    return Derived(PROVINCIAL_FLOOR_PCT, ASSUMED, PROVINCIAL_FLOOR_BASIS, rule="as_reported",
                   caveats=(("caveat.as_reported_floor", {"floor": ("pct", PROVINCIAL_FLOOR_PCT, 0)}),))


def _own_floor(pkg, geo: str) -> Derived | None:
    """A province's own sourced floor: a '>=' share target of budget expenditure for S&T in targets.csv."""
    t = pkg.targets
    rows = t[(t["geo_id"] == geo) & (t["indicator_id"] == "st_expenditure_share_pct") & (t["comparator"] == ">=")]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[-1]
    return Derived(float(row["value"]), OBSERVED, phrase(_P + "own_floor", value=float(row["value"]),
                                                          source=_target_source(row)), rule="own", facts={"target_id": row["target_id"]})


def _floor(pkg, geo: str, P, national: Derived) -> Derived:
    """The run's floor: ``floor_pct`` if > 0, else the geography's default (see the module docstring)."""
    if P.floor_pct > 0:
        return Derived(float(P.floor_pct), ASSUMED, phrase(_P + "user", parameter="floor_pct"), rule="parameter")
    if geo == NATION:
        return replace(national, rule="national")
    if geo == MISSION_GEO:
        return _vinh_phuc_floor(pkg)
    if MISSION_GEO in geography.old_units(pkg, geo):
        carried = _vinh_phuc_floor(pkg)
        basis = phrase(_P + "carried_floor", geo=_geo_names(pkg, geo), basis=carried.basis)
        return Derived(carried.value, ASSUMED, basis, rule="carried",
                       caveats=(("caveat.carried_floor", {"floor": ("pct", carried.value, 0)}),))
    own = _own_floor(pkg, geo)
    if own is not None:
        return own
    return replace(national, rule="national")


def _derive(pkg, P) -> Derivation:
    """Derive every engine input for ``P`` from ``pkg`` (rules in the module docstring)."""
    _check_years(P)
    geo = P.geo  # the id validate_parameters resolved: decided once, not resolved again
    base_year, end_year = P.start_year, P.end_year
    grdp = _grdp(pkg, geo, base_year)
    real, deflator = _growth(pkg, geo, P)
    nominal = nominal_growth_pct(real.value, deflator.value)
    own_growth = float(P.budget_growth_pct) if P.budget_growth_pct != 0 else None
    growth = nominal if own_growth is None else own_growth
    base = _base_expenditure(pkg, geo, P, base_year, growth, grdp)
    share = _current_share(pkg, geo, P, base_year)
    capacity = _capacity(pkg, geo, P, base_year, deflator.value)
    national = _national_floor(pkg)
    floor = _floor(pkg, geo, P, national)
    word = "GDP" if _level(pkg, geo) == "nation" else "GRDP"
    plan_share, outturn = _plan_share(pkg, geo, base_year), _plan_outturn(pkg, geo, base_year)
    base_basis, share_basis = base.basis, share.basis
    if outturn is not None and base.rule in ("estimate", "plan"):  # a plan base: say how plans turned out
        base_basis = phrase(_P + "with_outturn", basis=base_basis, outturn=outturn.basis,
                            value=base.value * outturn.value / 100.0)
    if plan_share is not None and share.rule not in ("plan", "proxy"):  # the plan beside the observed share
        share_basis = phrase(_P + "with_plan_beside", basis=share_basis, plan=plan_share.basis)
    bases = {
        "base_year": (ASSUMED, phrase(_P + "base_year", year=base_year)),
        "base_expenditure_bn_vnd": (base.kind, base_basis),
        "floor_pct": (floor.kind, floor.basis),
        "current_share_pct": (share.kind, share_basis),
        "grdp_base_year": (grdp.kind, phrase(_P + "year_of", word=word, basis=grdp.basis)),
        "grdp_base_bn_vnd": (grdp.kind, grdp.basis),
        "real_growth_pct": (real.kind, real.basis),
        "deflator_pct": (deflator.kind, deflator.basis),
        "budget_growth_pct": (ASSUMED, phrase(_P + "budget_growth", word=word) if own_growth is None
                              else phrase(_P + "user", parameter="budget_growth_pct")),
        "start_year": (ASSUMED, phrase(_P + "start_year")),
        "ramp_year": (ASSUMED, phrase(_P + "ramp_year")),
    }
    if capacity is not None:
        bases["capacity_bn_vnd"] = (capacity.kind, capacity.basis)
        bases["capacity_growth_pct"] = (ASSUMED, phrase(_P + "capacity_growth"))
    ramp_year = P.ramp_year
    periods = ((base_year, ramp_year), (ramp_year + 1, end_year)) if base_year <= ramp_year < end_year \
        else ((base_year, end_year),)
    inputs = BudgetInputs(
        geography=geo, base_year=base_year, base_expenditure_bn_vnd=base.value, floor_pct=floor.value,
        current_share_pct=share.value, grdp_base_year=grdp.year, grdp_base_bn_vnd=grdp.value,
        real_growth_pct=real.value, deflator_pct=deflator.value, budget_growth_pct=own_growth,
        start_year=P.start_year, ramp_year=ramp_year, end_year=end_year,
        capacity_bn_vnd=None if capacity is None else capacity.value,
        capacity_growth_pct=0.0 if capacity is None else deflator.value,
        periods=periods, bases=bases)
    items = {"base": base, "share": share, "grdp": grdp, "real": real, "deflator": deflator,
             "capacity": capacity, "floor": floor, "national": national,
             "plan_share": plan_share, "plan_outturn": outturn, "coming_plan": _coming_plan(pkg, geo, base_year)}
    return Derivation(geo=geo, inputs=inputs, items=items)


def budget_inputs(pkg, P) -> BudgetInputs:
    """The engine inputs for notebook parameters ``P``, each derived from ``pkg`` with its basis."""
    return _derive(pkg, P).inputs


def rnd_inputs(pkg, P) -> RndInputs:
    """The national R&D inputs (geo must be the nation): GDP, growth, GERD, the 2030 target and split."""
    derivation = _derive(pkg, P)
    if derivation.geo != NATION:
        raise ParameterError("geo", f"the R&D view is national: use geo '{NATION}', got {derivation.geo!r}")
    return _rnd_inputs(pkg, derivation)


def _gerd(pkg, up_to: int) -> tuple[pd.Series, pd.Series | None]:
    """Latest national GERD (the indicator's default concept, the ministry survey) and the latest UIS value."""
    gerd = _latest(series_ranking.series(pkg, NATION, "gerd_pct_gdp"), up_to)
    if gerd is None:
        raise DataError("observations.csv", "no gerd_pct_gdp for vn; the R&D view needs it")
    uis = None if gerd["concept"] == "uis" else _latest(series_ranking.series(pkg, NATION, "gerd_pct_gdp", concept="uis"), up_to)
    return gerd, uis


def _rnd_inputs(pkg, derivation: Derivation) -> RndInputs:
    inputs, items = derivation.inputs, derivation.items
    gerd, uis = _gerd(pkg, inputs.base_year)
    target, nonstate = _target(pkg, GERD_TARGET_ID), _target(pkg, NONSTATE_TARGET_ID)
    gerd_basis = phrase(_P + "gerd", year=int(gerd["year"]), value=float(gerd["value"]),
                        concept=_concept_words(gerd["concept"]),
                        cite=_cite(gerd))
    if uis is not None:
        gerd_basis = phrase(_P + "uis", basis=gerd_basis, value=float(uis["value"]), year=int(uis["year"]),
                            cite=_cite(uis))
    bases = {
        "gdp_base_year": (items["grdp"].kind, phrase(_P + "year_of", word="GDP", basis=items["grdp"].basis)),
        "gdp_base_bn_vnd": (items["grdp"].kind, items["grdp"].basis),
        "real_growth_pct": inputs.bases["real_growth_pct"],
        "deflator_pct": inputs.bases["deflator_pct"],
        "gerd_base_year": (OBSERVED, phrase(_P + "gerd_year", cite=_cite(gerd))),
        "gerd_base_pct_gdp": (OBSERVED, gerd_basis),
        "target_pct_gdp": (OBSERVED, phrase(_P + "rnd_target", comparator=target["comparator"],
                                            value=float(target["value"]), year=int(target["year"]),
                                            source=_target_source(target))),
        "target_year": (OBSERVED, phrase(_P + "rnd_target_year", source=_target_source(target))),
        "nonstate_share_pct": (OBSERVED, phrase(_P + "nonstate", comparator=nonstate["comparator"],
                                                value=float(nonstate["value"]), year=int(nonstate["year"]),
                                                source=_target_source(nonstate))),
    }
    return RndInputs(
        gdp_base_year=inputs.grdp_base_year, gdp_base_bn_vnd=inputs.grdp_base_bn_vnd,
        real_growth_pct=inputs.real_growth_pct, deflator_pct=inputs.deflator_pct,
        gerd_base_year=int(gerd["year"]), gerd_base_pct_gdp=float(gerd["value"]),
        target_pct_gdp=float(target["value"]), target_year=int(target["year"]),
        nonstate_share_pct=float(nonstate["value"]), first_year=inputs.base_year, end_year=inputs.end_year,
        bases=bases)


# --------------------------------------------------------------------------------------------
# The notebook's steps: each returns what its cell shows
# --------------------------------------------------------------------------------------------

def derive_inputs(pkg, P) -> Derivation:
    """Step 1: every engine input for parameters ``P``, read or derived from ``pkg`` with its kind and basis.

    The result shows as the table of base-year inputs (value, observed / derived / assumed, basis).
    """
    return _derive(pkg, P)


def inputs_table(derivation: Derivation) -> pd.DataFrame:
    """The base-year inputs of a derivation as a table: name, value, unit, kind, label, basis."""
    return assumptions_frame(as_run(derivation).inputs.assumptions())


# The derivation item behind each engine input a notebook may edit, and the caveat a user's value carries.
EDITABLE_INPUTS = {"base": "base_expenditure_bn_vnd", "share": "current_share_pct", "real": "real_growth_pct",
                   "deflator": "deflator_pct"}
_USER_CAVEATS = {"deflator": "caveat.deflator_user"}


def as_run(derivation: Derivation) -> Derivation:
    """The derivation with its words made from the values the engine runs with: an engine input edited in the
    notebook after step 1 (e.g. ``dataclasses.replace(inputs.inputs, deflator_pct=5.0)``) is the user's value,
    and its item, basis and caveats say so; the words derived for the old value are dropped, never kept beside
    the new number. A derivation nobody edited is returned as it is."""
    items, bases, edited = dict(derivation.items), dict(derivation.inputs.bases), False
    for key, name in EDITABLE_INPUTS.items():
        value = getattr(derivation.inputs, name)
        if items.get(key) is None or items[key].value == value:
            continue
        edited = True
        basis = phrase(_P + "user", parameter=name)
        caveats = ((_USER_CAVEATS[key], {"rate": ("pct", value, 1)}),) if key in _USER_CAVEATS else ()
        items[key] = Derived(value, ASSUMED, basis, rule="parameter", caveats=caveats)
        bases[name] = (ASSUMED, basis)
    if not edited:
        return derivation
    return replace(derivation, inputs=replace(derivation.inputs, bases=bases), items=items)



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


def default_floors(derivation: Derivation) -> list[Floor]:
    """Step 2: the floors to compare: the run's floor first (the geography's default unless floor_pct is
    set), then the national 3 % and Vinh Phuc's 15 % beside it, so every report shows both.

    Edit the list in the notebook to add, drop or change a floor; later steps run every floor in it.
    """
    items = derivation.items
    floor, national = items["floor"], items["national"]
    floors = [Floor("floor", floor.value, floor.kind, floor.basis, phrase("common.inputs.budget.floor_pct"))]
    if floor.rule != "national":
        floors.append(Floor("national_floor", national.value, national.kind, national.basis,
                            phrase(_P + "national_floor_label")))
    if floor.rule not in ("as_reported", "carried") and floor.value != PROVINCIAL_FLOOR_PCT:
        floors.append(Floor("vinh_phuc_floor", PROVINCIAL_FLOOR_PCT, ASSUMED, PROVINCIAL_FLOOR_BASIS,
                            phrase(_P + "vinh_phuc_floor_label")))
    return floors


def _check_floors(floors: Any) -> list[Floor]:
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


def budget_paths(derivation: Derivation, floors: Sequence[Floor]) -> BudgetPaths:
    """Step 3: the budget path and each floor's yearly spending on it (``nq57lib.floor_cost.run_budget``); the
    words about each input come from the value it runs with (:func:`as_run`)."""
    floors = _check_floors(floors)
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


def cumulative_totals(paths: BudgetPaths) -> pd.DataFrame:
    """Step 4: cumulative spending, status quo and gap per scenario and period (current and base-year prices)."""
    return paths.periods


def absorption_check(paths: BudgetPaths) -> pd.DataFrame:
    """Step 5: per scenario and period, the years above the absorptive capacity and the largest ratio."""
    absorption = paths.periods[["scenario", "period", "n_years", "n_years_above_capacity",
                                "first_year_above_capacity", "max_spending_to_capacity_ratio"]].copy()
    absorption.insert(2, "capacity_bn_vnd", paths.derivation.inputs.capacity_bn_vnd)
    return absorption


@dataclass(frozen=True)
class RndView:
    """Step 6's result (the nation only): the R&D target path beside the national floor's spending."""

    result: RndResult
    table: pd.DataFrame
    year: int

    def _repr_html_(self) -> str:
        return self.table._repr_html_()


def _national_run(paths: BudgetPaths) -> BudgetResult | None:
    """The run (the report's floor or a comparison) whose floor is the national floor, if any."""
    national = paths.derivation.items["national"].value
    for run in (paths.main, *paths.comparisons.values()):
        if run.inputs.floor_pct == national:
            return run
    return None


def rnd_view(pkg, paths: BudgetPaths) -> RndView | None:
    """Step 6: for the nation, what the R&D target costs and how much of the national floor public R&D needs.

    None for any other geography (the R&D target is national), or when the national floor is not
    among the floors compared.
    """
    d = paths.derivation
    run = _national_run(paths)
    if d.geo != NATION or run is None:
        return None
    rnd = rnd_target_path(_rnd_inputs(pkg, d))
    compared = compare_public_rnd_with_floor(run, rnd, scenario="floor").rename(
        columns={"floor_spending_bn_vnd": "national_floor_spending_bn_vnd",
                 "public_rnd_share_of_floor_pct": "public_rnd_share_of_national_floor_pct"})
    table = rnd.yearly.merge(compared.drop(columns=["public_rnd_max_bn_vnd"]), on="year", how="left")
    return RndView(rnd, table, max(rnd.inputs.target_year, d.inputs.base_year))


def sensitivity(paths: BudgetPaths) -> SensitivityResult:
    """Step 7: period totals over a grid of floors (the standard grid and every compared floor) x budget growth."""
    inputs = paths.main.inputs
    floors = sorted({*SENSITIVITY_FLOORS_PCT, *(f.floor_pct for f in paths.floors)})
    growth = inputs.effective_budget_growth_pct
    growths = sorted({round(growth + step, 10) for step in SENSITIVITY_GROWTH_STEPS_PCT if growth + step > -100})
    return sensitivity_table(inputs, floors_pct=floors, budget_growths_pct=growths)


def sensitivity_by_input(pkg, paths: BudgetPaths, lang: str = "en") -> pd.DataFrame:
    """Step 7b: each input moved alone (base, real growth, deflator, floor), the others at the run's values.

    Real growth also takes the latest observed year's rate and the geography's own growth target
    where targets.csv has one (its midpoint), each labelled. Columns: input, case (ids), input_label,
    case_label (words in ``lang``), value, period, cumulative_spending_bn_vnd,
    cumulative_spending_const_bn_vnd, change_from_run_pct (the report's floor scenario; current and
    base-year prices).
    """
    inputs, d = paths.main.inputs, paths.derivation
    base, real, deflator = inputs.base_expenditure_bn_vnd, inputs.real_growth_pct, inputs.deflator_pct
    cases = [("base_expenditure_bn_vnd", "low", base * (1 - SENSITIVITY_BASE_STEP)),
             ("base_expenditure_bn_vnd", "run", base),
             ("base_expenditure_bn_vnd", "high", base * (1 + SENSITIVITY_BASE_STEP)),
             ("real_growth_pct", "low", real - SENSITIVITY_REAL_STEP_PCT), ("real_growth_pct", "run", real),
             ("real_growth_pct", "high", real + SENSITIVITY_REAL_STEP_PCT)]
    rates = grdp_growth.yearly_real_growth(pkg, d.geo)
    latest = [r for r in rates if r.year <= inputs.base_year]
    labels = {"low": _w("case.low", lang), "run": _w("case.run", lang), "high": _w("case.high", lang)}
    if latest:
        cases.append(("real_growth_pct", "latest_year", latest[-1].rate_pct))
        labels["latest_year"] = _w("case.latest_year", lang, year=latest[-1].year)
    outturn = d.items.get("plan_outturn")
    if outturn is not None and d.items["base"].rule in ("estimate", "plan"):  # a plan base at the outturn rate
        cases.insert(3, ("base_expenditure_bn_vnd", "plan_outturn", base * outturn.value / 100.0))
        labels["plan_outturn"] = _w("case.plan_outturn", lang, year=outturn.year, rate=fmt_pct(outturn.value, lang, 1))
    plan = _plan_growth(pkg, d.geo, inputs.base_year)
    if plan is not None:
        cases.append(("real_growth_pct", "plan_target", plan[0]))
        labels["plan_target"] = _w("case.plan_target", lang, target=plan[1])
    cases += [("deflator_pct", "low", deflator - SENSITIVITY_DEFLATOR_STEP_PCT), ("deflator_pct", "run", deflator),
              ("deflator_pct", "high", deflator + SENSITIVITY_DEFLATOR_STEP_PCT)]
    for f in paths.floors:
        case = "run" if f.floor_pct == inputs.floor_pct else f.scenario
        cases.append(("floor_pct", case, f.floor_pct))
        labels.setdefault(case, _floor_why(pkg, f, d, lang))
    names = bilingual("charts.budget_floor.input_names")
    rows = []
    for name, case, value in cases:
        run = run_budget(replace(inputs, **{name: value}), scenarios=["floor"])
        for _, period in run.periods.iterrows():
            rows.append({"input": name, "case": case, "input_label": names[name][lang], "case_label": labels[case],
                         "value": float(value), "period": period["period"],
                         "cumulative_spending_bn_vnd": float(period["cumulative_spending_bn_vnd"]),
                         "cumulative_spending_const_bn_vnd": float(period["cumulative_spending_const_bn_vnd"])})
    table = pd.DataFrame(rows)
    centre = table[(table["case"] == "run") & (table["input"] == "base_expenditure_bn_vnd")].set_index("period")
    table["change_from_run_pct"] = [
        (row.cumulative_spending_bn_vnd / centre.loc[row.period, "cumulative_spending_bn_vnd"] - 1.0) * 100.0
        for row in table.itertuples()]
    return table


def spending_figure(pkg, paths: BudgetPaths, lang: str):
    """Figure: required spending per scenario, the floors compared beside it, and the capacity.

    A comparison floor equal to the status-quo share is not drawn again: the status quo's legend
    names it, and the narrative says so in one sentence.
    """
    from .charts.budget_floor_charts import plot_spending_paths

    return plot_spending_paths(paths.main, lang, geo_name=geography.geo_name(pkg, paths.derivation.geo, lang),
                               comparison=paths.comparisons or None, source_names=source_names(pkg, lang))


def cumulative_gap_figure(pkg, paths: BudgetPaths, lang: str):
    """Figure: the running total of each scenario's spending above the status quo."""
    from .charts.budget_floor_charts import plot_cumulative_gap

    return plot_cumulative_gap(paths.main, lang, geo_name=geography.geo_name(pkg, paths.derivation.geo, lang),
                               source_names=source_names(pkg, lang))


def sensitivity_figure(pkg, result: SensitivityResult, lang: str):
    """Figure: the sensitivity table's first period as a heat map (floor x budget growth)."""
    from .charts.budget_floor_charts import plot_sensitivity_heatmap

    return plot_sensitivity_heatmap(result, lang, geo_name=geography.geo_name(pkg, result.inputs.geography, lang),
                                    source_names=source_names(pkg, lang))


@dataclass(frozen=True)
class Narrative:
    """Step 8's result: the title and the paragraphs written from the numbers, shown as Markdown."""

    title: str
    paragraphs: tuple[str, ...]

    def markdown(self) -> str:
        return "\n\n".join([f"## {self.title}", *self.paragraphs])

    def _repr_markdown_(self) -> str:
        return self.markdown()


def why(answer: "Answer", text: Narrative) -> Any:
    """Step 9b, below the first chart: the answer in plain sentences, how the verdict is decided, then the
    narrative's paragraphs (Markdown; the title is the page's)."""
    from IPython.display import Markdown

    return Markdown("\n\n".join([answer.paragraph, t("verdict.rule_text", answer.lang), *text.paragraphs]))


def _records(paths: BudgetPaths, rnd: RndView | None) -> list[Assumption]:
    records: list[Assumption] = list(paths.main.assumptions)
    for floor in paths.floors[1:]:
        run = paths.comparisons[floor.scenario]
        record = next(a for a in run.assumptions if a.name == "floor_pct")
        records.append(replace(record, name=f"{floor.scenario}_pct", label=floor.label))
    if rnd is not None:
        records += list(rnd.result.assumptions)
    return records


def narrative(pkg, paths: BudgetPaths, rnd: RndView | None, by_input: pd.DataFrame | None, lang: str) -> Narrative:
    """Step 8: the one-minute answer: the floors and why, the budget path, what the floor costs and how
    plausible it is, totals, absorption, the floors beside it, what the assumptions change, R&D, the inputs."""
    d = replace(paths.derivation, inputs=paths.main.inputs)  # the list's first floor is the report's floor
    name = geography.geo_name(pkg, d.geo, lang)
    yearly, periods, main = paths.yearly, paths.periods, paths.main
    paragraphs = [_floors_paragraph(pkg, paths, lang, name), _budget_paragraph(pkg, d, lang, name, yearly),
                  _floor_paragraph(pkg, d, lang, yearly), _cumulative_paragraph(d, lang, periods),
                  _absorption_paragraph(d, lang, name, main), *filter(None, [reality_paragraph(pkg, paths, lang)])]
    paragraphs += [_comparison_paragraph(pkg, paths, floor, lang, name) for floor in paths.floors[1:]]
    if by_input is not None:
        paragraphs.append(_growth_paragraph(d, lang, by_input))
    if rnd is not None:
        paragraphs.append(_rnd_paragraph(pkg, d, lang, rnd.table, rnd.year))
    paragraphs.append(_assumptions_paragraph(pkg, d, lang, _records(paths, rnd)))
    title = t("budget_floor.title", lang, geo=name)
    if _successor(pkg, d.geo) is not None:
        title = t("budget_floor.title_counterfactual", lang, geo=name)
    if ratio_is_partial(d.items["base"]):
        ratio = d.items["base"].facts["ratio"]
        title = t("budget_floor.title_partial_base", lang, geo=name,
                  parts=_join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang))
    return Narrative(title, tuple(paragraphs))


def report(pkg, paths: BudgetPaths, absorption: pd.DataFrame, rnd: RndView | None,
           sensitivity_result: SensitivityResult, by_input: pd.DataFrame | None, text: Narrative,
           verdicts: pd.DataFrame, lang: str) -> Report:
    """Step 9: the results to save: tables, scalars, assumptions, sources, narrative and figures."""
    d = paths.derivation
    tables = {"yearly": paths.yearly, "milestones": paths.milestones(), "periods": paths.periods,
              "sensitivity": sensitivity_result.table, "absorption": absorption}
    if by_input is not None:
        tables["sensitivity_inputs"] = by_input
    if rnd is not None:
        tables["rnd"] = rnd.table
    tables = {key: table.copy() for key, table in tables.items()}
    for table in tables.values():
        table.insert(0, "geo_id", d.geo)
    tables["verdicts"] = verdicts.reset_index(drop=True)
    records = _records(paths, rnd)
    assumptions = assumptions_frame(records, lang)
    tables.update({key: table.assign(geo_id=d.geo)[["geo_id", *table.columns]]
                   for key, table in reality_tables(paths, lang).items()})
    sources = sources_frame(pkg, source_ids_in(*(a.basis for a in records), *reality_bases(d)))
    figures = {
        "spending": lambda: spending_figure(pkg, paths, lang),
        "cumulative_gap": lambda: cumulative_gap_figure(pkg, paths, lang),
        "sensitivity": lambda: sensitivity_figure(pkg, sensitivity_result, lang),
    }
    return Report(notebook=NOTEBOOK, geo_id=d.geo, lang=lang, title=text.title, tables=tables,
                  scalars=_scalars(pkg, paths, rnd), assumptions=assumptions, sources=sources,
                  narrative=list(text.paragraphs), figures=figures)


# --------------------------------------------------------------------------------------------
# Helpers of the steps
# --------------------------------------------------------------------------------------------

def _relabel(frame: pd.DataFrame, scenario: str) -> pd.DataFrame:
    out = frame.copy()
    out["scenario"] = pd.array([scenario] * len(out), dtype="string")
    return out


def _value(yearly: pd.DataFrame, scenario: str, year: int, column: str) -> float:
    rows = yearly[(yearly["scenario"] == scenario) & (yearly["year"] == year)]
    return float(rows[column].iloc[0])


def _period_value(periods: pd.DataFrame, scenario: str, period: str, column: str) -> float:
    rows = periods[(periods["scenario"] == scenario) & (periods["period"] == period)]
    return float(rows[column].iloc[0])


def _key_years(inputs: BudgetInputs) -> list[int]:
    return sorted({inputs.start_year, inputs.ramp_year, inputs.end_year})


def _period_labels(inputs: BudgetInputs) -> list[str]:
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
    return dict(zip(PERIODS, _period_labels(inputs)))


def _scalars(pkg, paths: BudgetPaths, rnd: RndView | None) -> dict[str, Any]:
    d, yearly, periods, main = paths.derivation, paths.yearly, paths.periods, paths.main
    inputs, items = main.inputs, d.items
    base = items["base"]
    ratio, plan = base.facts.get("ratio"), base.facts.get("plan")
    floor_rows = yearly[yearly["scenario"] == "floor"]
    reference = reference_share(pkg)
    scalars: dict[str, Any] = {
        "floor_rule": items["floor"].rule if paths.floors[0].floor_pct == items["floor"].value else "edited",
        "is_counterfactual": _successor(pkg, d.geo) is not None,
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
        scalars[f"expenditure_at_{at}_bn_vnd"] = _value(yearly, "floor", year, "expenditure_bn_vnd")
        scalars[f"required_at_{at}_bn_vnd"] = _value(yearly, "floor", year, "spending_bn_vnd")
        scalars[f"required_at_{at}_const_bn_vnd"] = _value(yearly, "floor", year, "spending_const_bn_vnd")
        scalars[f"required_at_{at}_pct_grdp"] = _value(yearly, "floor", year, "share_of_grdp_pct")
        scalars[f"status_quo_at_{at}_bn_vnd"] = _value(yearly, "status_quo", year, "spending_bn_vnd")
        for other in others:
            scalars[f"{other}_at_{at}_bn_vnd"] = _value(yearly, other, year, "spending_bn_vnd")
    for key, period in period_keys(inputs).items():
        scalars[f"cumulative_{key}_bn_vnd"] = _period_value(periods, "floor", period, "cumulative_spending_bn_vnd")
        scalars[f"cumulative_{key}_const_bn_vnd"] = _period_value(periods, "floor", period,
                                                                  "cumulative_spending_const_bn_vnd")
        scalars[f"gap_{key}_bn_vnd"] = _period_value(periods, "floor", period, "cumulative_gap_bn_vnd")
        scalars[f"ramp_cumulative_{key}_bn_vnd"] = _period_value(periods, "ramp", period,
                                                                 "cumulative_spending_bn_vnd")
        for other in others:
            scalars[f"{other}_cumulative_{key}_bn_vnd"] = _period_value(periods, other, period,
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


# --------------------------------------------------------------------------------------------
# Beside the floor: observed spending, plans, plan-to-outturn, the coming year's plan and fiscal space
# (issue 22, item 8). The floor stays what it is; these say what it is compared with.
# --------------------------------------------------------------------------------------------

def _outturn_run(paths: BudgetPaths) -> BudgetResult | None:
    """The report's floor on a base scaled by the plan-to-outturn rate (a plan base only), else None."""
    d, inputs = paths.derivation, paths.main.inputs
    outturn = d.items.get("plan_outturn")
    if outturn is None or d.items["base"].rule not in ("estimate", "plan"):
        return None
    return run_budget(replace(inputs, base_expenditure_bn_vnd=inputs.base_expenditure_bn_vnd * outturn.value / 100.0),
                      scenarios=["floor"])


def _coming_plan_rows(paths: BudgetPaths) -> pd.DataFrame:
    """The same-scope plan for the year after the base year against each floor's requirement that year."""
    d = paths.derivation
    plan = d.items.get("coming_plan")
    columns = ["scenario", "floor_pct", "year", "required_bn_vnd", "plan_bn_vnd", "plan_to_required_pct",
               "expenditure_bn_vnd", "plan_share_of_expenditure_pct", "plan_rule"]
    if plan is None or plan.year > paths.main.inputs.end_year:
        return pd.DataFrame(columns=columns)
    rows = []
    for floor in paths.floors:
        required = _value(paths.yearly, floor.scenario, plan.year, "spending_bn_vnd")
        spending = _value(paths.yearly, floor.scenario, plan.year, "expenditure_bn_vnd")
        rows.append({"scenario": floor.scenario, "floor_pct": floor.floor_pct, "year": plan.year,
                     "required_bn_vnd": required, "plan_bn_vnd": plan.value,
                     "plan_to_required_pct": plan.value / required * 100.0, "expenditure_bn_vnd": spending,
                     "plan_share_of_expenditure_pct": plan.value / spending * 100.0, "plan_rule": plan.rule})
    frame = pd.DataFrame(rows, columns=columns)
    frame["scenario"] = frame["scenario"].astype("string")
    return frame


def reality_tables(paths: BudgetPaths, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The tables beside the floor: ``fiscal_space`` (``floor_cost.fiscal_space`` of the report's floor and
    its ramp, in the milestone years: the base year, every fifth year, the ramp year and the last year),
    ``status_quo_shares`` (the status quo and the plan's share on the same budget path, per period; ids in
    ``share_basis``, words in ``label``) and ``coming_plan`` (the next year's same-scope plan against each
    floor's requirement)."""
    d, main, inputs = paths.derivation, paths.main, paths.main.inputs
    share, plan = d.items["share"], d.items.get("plan_share")
    shares = [(share.rule, main.inputs.current_share_pct)]
    if plan is not None and share.rule not in ("plan", "proxy"):
        shares.append(("plan", plan.value))
    words = {"observed": "share_observed", "national": "share_national", "plan": "share_plan"}
    frames = [constant_share_totals(main, value).assign(
        share_basis=name, label=_w("reality." + words.get(name, "share_other"), lang, share=_share(value, lang)))
        for name, value in shares]
    status = pd.concat(frames, ignore_index=True)[["share_basis", "label", "share_pct", "period",
                                                   "cumulative_spending_bn_vnd", "cumulative_floor_bn_vnd",
                                                   "cumulative_gap_bn_vnd"]]
    years = {*milestones(main.yearly, inputs.base_year, inputs.end_year)["year"], inputs.ramp_year}
    space = fiscal_space(main)
    space = space[space["year"].isin(years)].reset_index(drop=True)
    return {"fiscal_space": space, "status_quo_shares": status, "coming_plan": _coming_plan_rows(paths)}


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
    run = _outturn_run(paths)
    if run is not None:
        out["base_expenditure_at_outturn_rate_bn_vnd"] = run.inputs.base_expenditure_bn_vnd
        for key, period in period_keys(inputs).items():
            out[f"cumulative_{key}_at_outturn_rate_bn_vnd"] = _period_value(
                run.periods, "floor", period, "cumulative_spending_bn_vnd")
    rows = _coming_plan_rows(paths)
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


def reality_paragraph(pkg, paths: BudgetPaths, lang: str) -> str:
    """What the floor is compared with, in a paragraph: the observed status quo (named: the geography's own or
    the nation's), the plan's share beside it, the plan-to-outturn rate of a plan base, the coming year's
    same-scope plan against the requirement, the capacity as a plan forecast, and the fiscal space."""
    d, inputs = paths.derivation, paths.main.inputs
    key = "reality."
    name = geography.geo_name(pkg, d.geo, lang)
    share, plan = d.items["share"], d.items.get("plan_share")
    first = _period_labels(inputs)[0]
    text = []
    if share.rule == "observed":
        text.append(_w(key + "status_quo_own", lang, name=name, share=_share(share.value, lang), year=share.year))
    elif share.rule == "national":
        text.append(_w(key + "status_quo_national", lang, name=name, share=_share(share.value, lang),
                       year=share.year))
    if plan is not None and share.rule not in ("plan", "proxy"):
        status = reality_tables(paths, lang)["status_quo_shares"].set_index(["share_basis", "period"])
        text.append(_w(key + "plan_beside", lang, holder=geography.geo_name(pkg, plan.facts["geo"], lang),
                       instrument=plain(data_texts.text_in(pkg, "instrument", plan.facts["instrument"], lang)), plan=_share(plan.value, lang), period=first,
                       gap_plan=_money(status.loc[("plan", first), "cumulative_gap_bn_vnd"], lang),
                       gap=_money(status.loc[(share.rule, first), "cumulative_gap_bn_vnd"], lang)))
    run, outturn = _outturn_run(paths), d.items.get("plan_outturn")
    if run is not None:
        text.append(_w(key + "outturn", lang, year=outturn.year, rate=fmt_pct(outturn.value, lang, 1),
                       outturn=_money(outturn.facts["outturn_bn_vnd"], lang),
                       plan=_money(outturn.facts["plan_bn_vnd"], lang), base_year=inputs.base_year,
                       value=_money(run.inputs.base_expenditure_bn_vnd, lang), period=first,
                       cost=_money(_period_value(run.periods, "floor", first, "cumulative_spending_bn_vnd"), lang),
                       cost_run=_money(_period_value(paths.periods, "floor", first, "cumulative_spending_bn_vnd"),
                                       lang)))
    rows = _coming_plan_rows(paths)
    coming = d.items.get("coming_plan")
    if not rows.empty:
        row = rows.iloc[0]
        words = dict(year=int(row["year"]), plan=_money(row["plan_bn_vnd"], lang),
                     ratio=fmt_pct(row["plan_to_required_pct"], lang, 0), floor=_share(row["floor_pct"], lang),
                     required=_money(row["required_bn_vnd"], lang),
                     share=fmt_pct(row["plan_share_of_expenditure_pct"], lang, 2))
        if coming.rule == "plan_figure":
            text.append(_w(key + "coming_plan", lang, publisher=plain(data_texts.text_in(pkg, "publisher", coming.facts["publisher"], lang)), **words))
        else:
            text.append(_w(key + "coming_plan_average", lang, instrument=plain(data_texts.text_in(pkg, "instrument", coming.facts["instrument"], lang)),
                           period=coming.facts["period"], **words))
    elif inputs.base_year + 1 <= inputs.end_year:
        text.append(_w(key + "coming_plan_none", lang, name=name, year=inputs.base_year + 1))
    capacity = d.items["capacity"]
    if capacity is not None and capacity.rule == "target":
        text.append(_w(key + "capacity", lang, capacity=_money(capacity.value, lang)))
    space = fiscal_space(paths.main, ["floor"]).set_index("year")
    year = inputs.ramp_year
    if year in space.index and year != inputs.base_year and space.loc[year, "extra_spending_bn_vnd"] > 0:
        row = space.loc[year]
        of_growth = float(row["extra_share_of_growth_pct"])
        text.append(_w(key + ("fiscal_over" if of_growth > 100 else "fiscal"), lang, ramp_year=year,
                       extra=_money(row["extra_spending_bn_vnd"], lang),
                       of_growth=fmt_pct(of_growth, lang, 1 if of_growth < 10 else 0),
                       base_year=inputs.base_year, growth=_money(row["budget_growth_since_base_bn_vnd"], lang),
                       of_total=fmt_pct(row["extra_share_of_expenditure_pct"], lang, 1),
                       total=_money(row["expenditure_bn_vnd"], lang)))
    return _w("paragraph.reality", lang, text=" ".join(text)) if text else ""


# --------------------------------------------------------------------------------------------
# Narrative: sentences generated from the numbers; the words are in the locale files ([budget_floor])
# --------------------------------------------------------------------------------------------

def _w(key: str, lang: str, **fmt: Any) -> str:
    """The text ``budget_floor.<key>`` in ``lang``."""
    return t(f"budget_floor.{key}", lang, **fmt)


def _money(value: float, lang: str) -> str:
    return f"{fmt_number(value, lang, 0)} {t('budget_floor.unit_bn', lang)}"


def _share(value: float, lang: str) -> str:
    return fmt_pct(value, lang, 2 if abs(value) < 1 else 1)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _w("and", lang) + items[-1]


def _relative(value: float, reference: float, lang: str) -> str:
    """'17 % lower': ``value`` against ``reference``."""
    pct = fmt_pct(abs(value / reference - 1.0) * 100.0, lang, 0)
    return _w("lower" if value < reference else "higher", lang, pct=pct)


def _status(status: str, lang: str) -> str:
    return data_texts.label("status", status, lang, default=status)


def caveat_text(pkg, caveat: tuple[str, Mapping[str, Any]], lang: str) -> str:
    """One caveat of a derived input in ``lang``: its locale key, its values formatted for the language.

    A value given as ("pct", x, decimals) or ("num", x, decimals) is formatted as a percentage or a
    number; ("geo", id) becomes the geography's name, ("geos", ids) their names joined, ("concept", code) the
    concept's label.
    """
    key, values = caveat
    fmt = {}
    for name, value in values.items():
        if isinstance(value, tuple) and value[0] == "pct":
            fmt[name] = fmt_pct(value[1], lang, value[2])
        elif isinstance(value, tuple) and value[0] == "num":
            fmt[name] = fmt_number(value[1], lang, value[2])
        elif isinstance(value, tuple) and value[0] == "geo":
            fmt[name] = geography.geo_name(pkg, value[1], lang)
        elif isinstance(value, tuple) and value[0] == "geos":
            fmt[name] = _join([geography.geo_name(pkg, g, lang) for g in value[1]], lang)
        elif isinstance(value, (Names, Joined, Phrase)):  # a data text in both languages (data.data_names)
            fmt[name] = value.render(lang)
        elif isinstance(value, tuple) and value[0] == "concept":
            fmt[name] = data_texts.label("concept", value[1], lang, pkg, default=value[1])
        else:
            fmt[name] = value
    return _w(key, lang, **fmt)


def source_names(pkg, lang: str = "en") -> dict[str, str]:
    """Source id -> its publisher in ``lang``, the name a reader sees in footnotes (ids stay in the results CSVs)."""
    return {str(r.source_id): str(data_texts.text_in(pkg, "publisher", r.publisher, lang)) for r in pkg.sources.itertuples()}


def ratio_is_partial(base: Derived) -> bool:
    """True when a merged unit's base uses the ratio of only some of its old units (the others have no
    budget data): an assumption the title, the answer and the narrative must say plainly."""
    ratio = base.facts.get("ratio")
    return base.rule == "ratio" and ratio is not None and bool(ratio["missing"])


def _successor(pkg, geo: str) -> str | None:
    """The unit ``geo`` was merged into in 2025, or None."""
    rows = pkg.mergers[pkg.mergers["old_geo_id"] == geo]
    return None if rows.empty else str(rows.iloc[0]["new_geo_id"])


def reference_share(pkg) -> tuple[float, str, int] | None:
    """The highest observed S&T share of budget expenditure of any province (else of the nation):
    (value %, geography id, year), the yardstick of the "far above" warning."""
    obs = pkg.observations[pkg.observations["indicator_id"] == "st_expenditure_share_pct"]
    levels = pkg.geography.set_index("geo_id")["level"]
    provinces = obs[obs["geo_id"].map(levels) != "nation"]
    pool = provinces if not provinces.empty else obs
    if pool.empty:
        return None
    row = pool.sort_values(["value", "year"]).iloc[-1]
    return float(row["value"]), str(row["geo_id"]), int(row["year"])


def _floor_why(pkg, floor: Floor, d: Derivation, lang: str) -> str:
    """Why a floor of the list is what it is, in a few words."""
    national = d.items["national"]
    if floor.scenario == "floor":
        rule = d.items["floor"].rule if floor.floor_pct == d.inputs.floor_pct else "edited"
    elif floor.scenario == "national_floor":
        rule = "national"
    elif floor.scenario == "vinh_phuc_floor":
        rule = "as_reported"
    else:
        rule = "edited"
    own = d.items["floor"].facts.get("target_id")
    return _w(f"why.{rule}", lang, instrument=plain(data_texts.text_in(pkg, "instrument", national.facts["instrument"], lang)), label=floor.label,
              own=plain(data_texts.text_in(pkg, "instrument", _target(pkg, own)["instrument"], lang)) if own else "", mission=geography.geo_name(pkg, MISSION_GEO, lang))


def _floors_paragraph(pkg, paths: BudgetPaths, lang: str, name: str) -> str:
    d = paths.derivation
    first, others = paths.floors[0], paths.floors[1:]
    beside = _join([f"{_share(f.floor_pct, lang)} ({_floor_why(pkg, f, d, lang)})" for f in others], lang)
    text = _w("floors.default", lang, floor=_share(first.floor_pct, lang), why=_floor_why(pkg, first, d, lang))
    if beside:
        text += " " + _w("floors.beside", lang, beside=beside)
    successor = _successor(pkg, d.geo)
    if successor is not None:
        together = _join([geography.geo_name(pkg, g, lang) for g in geography.old_units(pkg, successor)], lang)
        text += " " + _w("floors.counterfactual", lang, name=name, names=together,
                         successor=geography.geo_name(pkg, successor, lang))
    return _w("paragraph.floors", lang, text=text)


def _base_text(pkg, d: Derivation, lang: str) -> tuple[str, str]:
    """How the base expenditure was obtained: a short parenthesis, and a sentence or two to follow."""
    base = d.items["base"]
    facts, year = base.facts, d.inputs.base_year
    extra = ""
    if base.rule == "parameter":
        short = _w("set_by_user", lang)
    elif base.rule == "estimate":
        short = _w("base.estimate", lang, status=_status(facts["status"], lang), publisher=plain(data_texts.text_in(pkg, "publisher", facts["publisher"], lang)),
                   year=year)
        if facts["left_out"]:
            extra = " " + _w("base.left_out", lang, listed=_join([_money(v, lang) for v in facts["left_out"]], lang))
    elif base.rule == "ratio" and ratio_is_partial(base):
        ratio = facts["ratio"]
        short = _w("base.ratio_partial", lang, n=len(ratio["missing"]), total=len(ratio["parts"]) + len(ratio["missing"]),
                   missing=_join([geography.geo_name(pkg, g, lang) for g in ratio["missing"]], lang),
                   parts=_join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang),
                   ratio=fmt_pct(ratio["mean_pct"], lang, 2), years=_years_text(ratio["years"], lang),
                   grdp=_money(facts["grdp_base_bn_vnd"], lang), year=year)
    elif base.rule == "ratio":
        ratio = facts["ratio"]
        years = _join([str(y) for y in ratio["years"]], lang)
        short = _w("base.ratio", lang, ratio=fmt_pct(ratio["mean_pct"], lang, 2), years=years,
                   low=fmt_pct(ratio["low_pct"], lang, 1), high=fmt_pct(ratio["high_pct"], lang, 1),
                   grdp=_money(facts["grdp_base_bn_vnd"], lang), year=year)
        if ratio["parts"] != [d.geo]:
            parts = _join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang)
            short += _w("base.ratio_parts", lang, parts=parts)
            if ratio["missing"]:
                short += _w("base.ratio_missing", lang,
                            missing=_join([geography.geo_name(pkg, g, lang) for g in ratio["missing"]], lang))
    elif base.rule == "plan":
        short = _w("base.plan", lang, amount=_money(facts["plan"]["amount_bn_vnd"], lang),
                   share=_share(facts["plan"]["share_pct"], lang))
    else:  # an observed outturn (the nation without a budget estimate)
        grown = base.year != year
        short = _w("base.observed_grown" if grown else "base.observed", lang, status=_status(facts["status"], lang),
                   year=base.year, publisher=plain(data_texts.text_in(pkg, "publisher", facts["publisher"], lang)), base_year=year)
    plan = facts.get("plan")
    if plan is not None and base.rule != "plan":
        extra += " " + _w("base.alternative", lang, geo=geography.geo_name(pkg, plan["geo"], lang),
                          value=_money(plan["value"], lang), amount=_money(plan["amount_bn_vnd"], lang),
                          share=_share(plan["share_pct"], lang),
                          relative=_relative(plan["value"], d.inputs.base_expenditure_bn_vnd, lang))
    return short, extra


def _years_text(years, lang: str) -> str:
    """"2019" for one year, "mean of 2019, 2023" for several (the ratio's years, in the report's language)."""
    joined = _join([str(y) for y in years], lang)
    return joined if len(years) == 1 else _w("base.years_mean", lang, years=joined)


def _budget_paragraph(pkg, d: Derivation, lang: str, name: str, yearly: pd.DataFrame) -> str:
    inputs, real = d.inputs, d.items["real"]
    level = _level(pkg, d.geo)
    later = [y for y in _key_years(inputs) if y != inputs.base_year]
    path = _join([_w("money_in", lang, money=_money(_value(yearly, "floor", y, "expenditure_bn_vnd"), lang), year=y)
                  for y in later], lang)
    g = fmt_pct(inputs.effective_budget_growth_pct, lang, 2)
    if inputs.budget_growth_pct is None:
        how = (_w("growth.medium_term", lang, span=real.facts["span"]) if real.rule == "medium_term"
               else _w("growth.borrowed", lang, span=real.facts["span"]) if real.rule == "borrowed"
               else _w("set_by_user", lang))
        deflator = d.items["deflator"]
        deflator_how = (_w("growth.deflator_mean", lang, span=deflator.facts["span"])
                        if deflator.rule == "observed_mean" else
                        _w("set_by_user", lang) if deflator.rule == "parameter" else _w("growth.deflator_assumed", lang))
        growth = _w("growth.nominal", lang, word=_w(f"word.{level}", lang), rate=g,
                    real=fmt_pct(inputs.real_growth_pct, lang, 2), how=how,
                    deflator=fmt_pct(inputs.deflator_pct, lang, 1), deflator_how=deflator_how)
    else:
        growth = _w("growth.own", lang, rate=g)
    short, extra = _base_text(pkg, d, lang)
    return _w("paragraph.budget", lang, name=name, budget=_w(f"budget_word.{level}", lang),
              base=_money(inputs.base_expenditure_bn_vnd, lang), year=inputs.base_year, how=short, extra=extra,
              growth=growth, path=path)


def _floor_paragraph(pkg, d: Derivation, lang: str, yearly: pd.DataFrame) -> str:
    inputs = d.inputs
    years = _key_years(inputs)
    word = _w("word.nation" if d.geo == NATION else "word.province", lang)
    nominal = _join([_w("money_in", lang, money=_money(_value(yearly, "floor", y, "spending_bn_vnd"), lang), year=y)
                     for y in years], lang)
    const = _join([_money(_value(yearly, "floor", y, "spending_const_bn_vnd"), lang) for y in years], lang)
    shares = [_value(yearly, "floor", y, "share_of_grdp_pct") for y in years]
    if max(shares) - min(shares) < 1e-9 * max(shares):  # the budget follows GRDP: one share for all years
        grdp = _w("constant_share", lang, share=fmt_pct(shares[0], lang, 2))
    else:
        grdp = _join([fmt_pct(v, lang, 2) for v in shares], lang)
    text = _w("paragraph.floor", lang, floor=_share(inputs.floor_pct, lang), start=inputs.start_year,
              nominal=nominal, base_year=inputs.base_year, const=const, grdp=grdp, word=word)
    gerd, _uis = _gerd(pkg, inputs.base_year)
    text += " " + _w("plausibility.gerd", lang, share=fmt_pct(shares[0], lang, 2), word=word,
                     start=inputs.start_year, gerd=_share(gerd["value"], lang), gerd_year=int(gerd["year"]))
    reference = reference_share(pkg)
    if reference is not None and inputs.floor_pct > FAR_ABOVE_FACTOR * reference[0]:
        text += " " + _w("plausibility.far_above", lang, floor=_share(inputs.floor_pct, lang),
                         times=fmt_number(inputs.floor_pct / reference[0], lang, 0),
                         reference=_share(reference[0], lang), where=geography.geo_name(pkg, reference[1], lang),
                         year=reference[2], factor=fmt_number(FAR_ABOVE_FACTOR, lang, 0))
    return text


def _cumulative_paragraph(d: Derivation, lang: str, periods: pd.DataFrame) -> str:
    inputs = d.inputs
    current = _share(inputs.current_share_pct, lang)
    sentences = []
    for period in _period_labels(inputs):
        gap = _period_value(periods, "floor", period, "cumulative_gap_bn_vnd")
        sentences.append(_w("cumulative.more" if gap >= 0 else "cumulative.less", lang, period=period,
                            total=_money(_period_value(periods, "floor", period, "cumulative_spending_bn_vnd"), lang),
                            gap=_money(abs(gap), lang), current=current,
                            status_quo=_money(_period_value(periods, "floor", period,
                                                            "cumulative_status_quo_bn_vnd"), lang)))
    first = _period_labels(inputs)[0]
    text = "; ".join(sentences)
    out = _w("paragraph.cumulative", lang, text=text[0].upper() + text[1:], current=current,
             start=inputs.start_year, floor=_share(inputs.floor_pct, lang), ramp_year=inputs.ramp_year,
             ramp=_money(_period_value(periods, "ramp", first, "cumulative_spending_bn_vnd"), lang), period=first)
    return out


def _absorption_paragraph(d: Derivation, lang: str, name: str, main: BudgetResult) -> str:
    inputs, capacity = d.inputs, d.items["capacity"]
    if capacity is None:
        return _w("paragraph.absorption_none", lang, name=name)
    growth = fmt_pct(inputs.capacity_growth_pct, lang, 1)
    if capacity.rule == "target":
        source = _w("absorption.plan", lang, low=fmt_number(capacity.facts["low_bn_vnd"], lang, 0),
                    high=_money(capacity.facts["high_bn_vnd"], lang), growth=growth)
    else:
        source = _w("absorption.user", lang, capacity=_money(capacity.value, lang), growth=growth)
    n_years = inputs.end_year - inputs.base_year + 1
    above, above_sq = main.years_above_capacity("floor"), main.years_above_capacity("status_quo")
    floor_rows = main.yearly[main.yearly["scenario"] == "floor"]
    ratio = _value(main.yearly, "floor", inputs.start_year, "spending_to_capacity_ratio")
    if above:
        verdict = _w("absorption.above", lang, ratio=fmt_number(ratio, lang, 1), start=inputs.start_year,
                     most=fmt_number(float(floor_rows["spending_to_capacity_ratio"].max()), lang, 1),
                     n=len(above), total=n_years, first=above[0])
    else:
        verdict = _w("absorption.within", lang, total=n_years)
    status_quo = _w("absorption.status_quo", lang, current=_share(inputs.current_share_pct, lang),
                    n=len(above_sq), total=n_years)
    return _w("paragraph.absorption", lang, source=source, verdict=verdict, status_quo=status_quo)


def _comparison_paragraph(pkg, paths: BudgetPaths, floor: Floor, lang: str, name: str) -> str:
    d, yearly, periods = paths.derivation, paths.yearly, paths.periods
    inputs = d.inputs
    path = _join([_w("money_in", lang, money=_money(_value(yearly, floor.scenario, y, "spending_bn_vnd"), lang),
                     year=y) for y in _key_years(inputs)], lang)
    totals = _join([_w("money_over", lang, period=p, money=_money(
        _period_value(periods, floor.scenario, p, "cumulative_spending_bn_vnd"), lang))
        for p in _period_labels(inputs)], lang)
    main_floor = paths.floors[0].floor_pct
    more = main_floor >= floor.floor_pct
    factor = fmt_number(main_floor / floor.floor_pct if more else floor.floor_pct / main_floor, lang, 1)
    compare = _w("compare.factor" if more else "compare.factor_less", lang, floor=_share(main_floor, lang),
                 factor=factor)
    if inputs.current_share_pct == floor.floor_pct:
        compare += " " + _w("compare.is_status_quo", lang, current=_share(inputs.current_share_pct, lang))
    elif inputs.current_share_pct > floor.floor_pct:
        compare += " " + _w("compare.met", lang, current=_share(inputs.current_share_pct, lang))
    return _w("paragraph.comparison", lang, floor=_share(floor.floor_pct, lang), why=_floor_why(pkg, floor, d, lang),
              name=name, path=path, totals=totals, compare=compare)


def _growth_paragraph(d: Derivation, lang: str, by_input: pd.DataFrame) -> str:
    """What the growth, base and deflator choices change: the one-way sensitivity in a sentence."""
    last = _period_labels(d.inputs)[-1]
    rows = by_input[by_input["period"] == last]

    def change(name: str, case: str) -> str:
        row = rows[(rows["input"] == name) & (rows["case"] == case)]
        return "" if row.empty else fmt_pct(float(row["change_from_run_pct"].iloc[0]), lang, 0)

    plan = rows[(rows["input"] == "real_growth_pct") & rows["case"].str.startswith("plan")]
    text = _w("sensitivity.one_way", lang, period=last, real_low=change("real_growth_pct", "low"),
              real_high=change("real_growth_pct", "high"), step=fmt_number(SENSITIVITY_REAL_STEP_PCT, lang, 0),
              base_low=change("base_expenditure_bn_vnd", "low"), base_high=change("base_expenditure_bn_vnd", "high"),
              base_step=fmt_pct(SENSITIVITY_BASE_STEP * 100, lang, 0),
              defl_low=change("deflator_pct", "low"), defl_high=change("deflator_pct", "high"),
              defl_step=fmt_number(SENSITIVITY_DEFLATOR_STEP_PCT, lang, 1))
    if not plan.empty:
        text += " " + _w("sensitivity.plan", lang, rate=fmt_pct(float(plan["value"].iloc[0]), lang, 2),
                         change=fmt_pct(float(plan["change_from_run_pct"].iloc[0]), lang, 0))
    return _w("paragraph.sensitivity", lang, text=text)


def _rnd_paragraph(pkg, d: Derivation, lang: str, rnd_table: pd.DataFrame, year: int) -> str:
    row = rnd_table[rnd_table["year"] == year].iloc[0]
    gerd, uis = _gerd(pkg, d.inputs.base_year)
    target, nonstate = _target(pkg, GERD_TARGET_ID), _target(pkg, NONSTATE_TARGET_ID)
    uis_text = "" if uis is None else _w("rnd.uis", lang, share=_share(uis["value"], lang), year=int(uis["year"]))
    return _w("paragraph.rnd", lang, goal=_share(float(target["value"]), lang), target_year=int(target["year"]),
              gerd=_share(gerd["value"], lang), gerd_year=int(gerd["year"]),
              concept=data_texts.label("concept", gerd["concept"], lang, pkg, default=gerd["concept"]), uis=uis_text,
              instrument=plain(data_texts.text_in(pkg, "instrument", target["instrument"], lang)), year=year, required=_money(row["gerd_required_bn_vnd"], lang),
              gdp=_money(row["gdp_bn_vnd"], lang), gap=_money(row["gerd_gap_bn_vnd"], lang),
              ns=_share(float(nonstate["value"]), lang), nonstate_instrument=plain(data_texts.text_in(pkg, "instrument", nonstate["instrument"], lang)),
              nonstate=_money(row["nonstate_rnd_min_bn_vnd"], lang), public=_money(row["public_rnd_max_bn_vnd"], lang),
              share_floor=fmt_pct(row["public_rnd_share_of_national_floor_pct"], lang, 0),
              national=_share(d.items["national"].value, lang),
              floor_spending=_money(row["national_floor_spending_bn_vnd"], lang))


def _assumptions_paragraph(pkg, d: Derivation, lang: str, records: list[Assumption]) -> str:
    from .charts.budget_floor_charts import footnote_lines

    unique = list({(a.name, a.value, a.basis): a for a in records}.values())
    caveats = [caveat_text(pkg, c, lang) for item in d.items.values() if item is not None for c in item.caveats]
    return " ".join([_w("paragraph.assumptions", lang), *footnote_lines(
        unique, lang, {k: plain(v) for k, v in source_names(pkg, lang).items()}), *caveats])


# --------------------------------------------------------------------------------------------
# Step 7b: the one-minute answer
# --------------------------------------------------------------------------------------------

SHARE_INDICATOR = "st_expenditure_share_pct"  # the floor's targets: S&T spending as a share of the budget


def verdicts(pkg, paths: BudgetPaths, lang: str) -> pd.DataFrame:
    """Step 7a: the verdict of each S&T-share target of the geography, its related units and the nation
    (``target_verdicts``: the rule every report, the index and the results files read), one row per target."""
    return target_verdicts.verdicts_for(pkg, paths.derivation.geo, data_package.as_of_year(pkg), lang,
                                        indicators=(SHARE_INDICATOR,))


def _floor_verdict(verdicts: pd.DataFrame, floor_pct: float, lang: str) -> tuple[str, str]:
    """The badge of a floor: the verdict of the registered target with that floor (the geography's own first,
    then its related units', then the nation's); 'not assessed' where no registered target sets it."""
    order = {"own": 0, "old unit": 1, "successor": 1, "national": 2}
    hits = verdicts[(verdicts["target_value"] - floor_pct).abs() < 1e-9] if not verdicts.empty else verdicts
    if hits.empty:
        return "not assessed", t("budget_floor.answer.no_target", lang)
    best = hits.assign(_o=hits["relation"].map(order).fillna(3)).sort_values("_o", kind="stable").iloc[0]
    return target_verdicts.verdict_badge(best["verdict"], lang)


@dataclass
class Answer:
    """Step 7b's result: the paragraph, the verdicts of the S&T-share targets and the cost of each floor."""

    paragraph: str
    verdicts: Any  # reader_tables.ReaderTable
    table: Any  # reader_tables.ReaderTable
    frame: pd.DataFrame
    lang: str = "en"

    def _repr_html_(self) -> str:
        return f'<div class="nq57-answer">{self.verdicts.html}{self.table.html}</div>'


def one_minute_answer(pkg, paths: BudgetPaths, by_input: pd.DataFrame | None, verdicts: pd.DataFrame,
                      lang: str) -> Answer:
    """Step 7b: the answer first. The verdict of each S&T-share target (``verdicts``, the one rule), then one
    row per floor compared (the report's floor first): the floor, today's S&T share of budget (observed, or
    assumed: said so), spending in the ramp year, cumulative totals per period, and the verdict of the
    registered target that sets that floor ('not assessed' where none does). The paragraph adds the range of
    the first period's total when each input is moved alone (``sensitivity_by_input``)."""
    from .reader_tables import Column, reader_table

    key = "budget_floor.answer."
    d = paths.derivation
    inputs = paths.main.inputs
    current = d.items["share"]
    observed = current.rule == "observed"  # a plan, proxy or user's share is no observation of spending
    word = {"plan": "share_planned", "observed": "share"}.get(current.rule, "share_assumed")
    share_text = t(key + word, lang, value=format_number(float(current.value), lang, 2))
    periods, yearly = paths.periods, paths.yearly
    labels = _period_labels(inputs)
    words = section("report.scenario", lang)
    rows = []
    chosen = d.items["floor"]
    rule = chosen.rule if paths.floors[0].floor_pct == chosen.value else "edited"
    for i, floor in enumerate(paths.floors):
        scenario = floor.scenario
        name = (t(key + "floor_name." + rule, lang, geo=geography.geo_name(pkg, d.geo, lang)) if i == 0
                else words.get(scenario, scenario))  # the report's floor says where it comes from
        row = {"floor": t(key + "floor", lang, name=name, value=trim_zeros(format_number(floor.floor_pct, lang, 1), lang)),
               "today": share_text,
               "ramp_year": _value(yearly, scenario, inputs.ramp_year, "spending_bn_vnd"),
               "first": _period_value(periods, scenario, labels[0], "cumulative_spending_bn_vnd"),
               "second": _period_value(periods, scenario, labels[-1], "cumulative_spending_bn_vnd")
               if len(labels) > 1 else math.nan}
        row["status"] = _floor_verdict(verdicts, floor.floor_pct, lang)
        rows.append(row)
    frame = pd.DataFrame(rows)
    columns = [Column("floor", t(key + "col_floor", lang)), Column("today", t(key + "col_today", lang), "number_text"),
               Column("ramp_year", t(key + "col_year", lang, year=inputs.ramp_year), "money"),
               Column("first", t(key + "col_period", lang, period=labels[0]), "money"),
               *([Column("second", t(key + "col_period", lang, period=labels[-1]), "money")] if len(labels) > 1 else []),
               Column("status", t(key + "col_status", lang), "badge")]
    table = reader_table(frame, columns, lang, caption=t(key + "caption", lang))
    main = rows[0]
    lead = {"plan": "lead_plan", "observed": "lead"}.get(current.rule, "lead_assumed")
    plain_share = t(key + "share", lang, value=format_number(float(current.value), lang, 2))
    text = [t(key + lead, lang, name=geography.geo_name(pkg, d.geo, lang), share=share_text if observed else plain_share,
              floor=format_number(paths.floors[0].floor_pct, lang, 1),
              year=inputs.ramp_year, spend=format_number(main["ramp_year"], lang, 0), period=labels[0],
              total=format_number(main["first"], lang, 0),
              gap=format_number(_period_value(periods, "floor", labels[0], "cumulative_gap_bn_vnd"), lang, 0))]
    if by_input is not None and not by_input.empty:
        first = by_input[by_input["period"] == labels[0]]["cumulative_spending_bn_vnd"]
        if not first.empty:
            text.append(t(key + "range", lang, period=labels[0], low=format_number(first.min(), lang, 0),
                          high=format_number(first.max(), lang, 0)))
    if ratio_is_partial(d.items["base"]):
        ratio = d.items["base"].facts["ratio"]
        text.append(t(key + "partial_base", lang, n=len(ratio["missing"]),
                      total=len(ratio["parts"]) + len(ratio["missing"]),
                      missing=_join([geography.geo_name(pkg, g, lang) for g in ratio["missing"]], lang),
                      parts=_join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang)))
    if len(rows) > 1:
        text.append(t(key + "others", lang, n=len(rows) - 1))
    verdict_table = target_verdicts.answer_table(verdicts, lang, t(key + "verdicts_caption", lang),
                                                 target_verdicts.target_labels(pkg, verdicts, lang))
    return Answer(" ".join(text), verdict_table, table, frame, lang)
