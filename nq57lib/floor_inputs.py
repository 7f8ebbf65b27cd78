"""The budget floor's inputs, each read or derived from data/ with its kind and basis (derivation rules).

The engine (``nq57lib.floor_cost``) takes explicit numbers. This module derives each of them from the
data package and records its kind (observed, derived, assumed), its source ids and its derivation,
so every figure in the report traces back to a source, a stated arithmetic or a labelled choice
(:func:`derive`; the ``budget_floor`` notebook's step 1 calls it). ``as_run`` makes the words about an input
from the value the engine runs with. The words of each basis are in the locale files (``budget_floor.basis``).

A parameter of 0 means "derive it from the data" (papermill cannot pass None).

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
  ``series_ranking.merged_series`` (the old units' sum before the merger, else its own published figure).
Real growth: ``real_growth_pct`` if != 0, else ``nq57lib.grdp_growth.growth_assumption`` (the geometric
  mean of the latest observed years up to ``grdp_growth.window_end``, named; a geography without real
  growth borrows the nation's, labelled: the digital-economy report's rule too). Deflator: ``deflator_pct`` (one default, ``config.DEFAULT_DEFLATOR_PCT``:
  the nation's mean GDP deflator implied by the data, rounded; its basis recomputes it and names the
  years, ``nq57lib.grdp_growth.observed_gdp_deflator``). Budget growth: ``budget_growth_pct`` if != 0, else nominal GRDP growth.
Absorptive capacity: ``capacity_bn_vnd`` if > 0, else the geography's absorption forecast in
  targets.csv (the top of its range; a plan's forecast, so ASSUMED, never observed); it grows with prices
  (the deflator); else no check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import pandas as pd

from . import data_texts, geography, grdp_growth, series_ranking
from .config import NATION
from .errors import DataError, ParameterError
from .floor_cost import BudgetInputs, RndInputs, nominal_growth_pct
from .provenance import ASSUMED, DERIVED, OBSERVED
from .report_view import assumptions_frame
from .text import Joined, Names, Phrase, names, phrase

_P = "budget_floor.basis."  # the inputs table's bases (words in the locale files)

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


def level_of(pkg, geo: str) -> str:
    """'nation' or 'province': which budget concept and which word (GDP or GRDP) a geography takes."""
    return "nation" if geography.geo_row(pkg, geo)["level"] == "nation" else "province"


def target_row(pkg, target_id: str) -> pd.Series:
    """The row of targets.csv with ``target_id``; a DataError naming it when the data lack it."""
    rows = pkg.targets[pkg.targets["target_id"] == target_id]
    if rows.empty:
        raise DataError("targets.csv", f"target {target_id!r} is missing; the budget report needs it")
    return rows.iloc[0]


def _target_source(row: pd.Series) -> Joined:
    """'target-id: instrument, source-id' for a basis."""
    return Joined("", (f"{row['target_id']}: ", data_texts.data_names("instrument", row["instrument"]), f", {row['source_id']}"))


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
            word = "GDP" if level_of(pkg, geo) == "nation" else "GRDP"
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
    concept = _BUDGET_CONCEPT[level_of(pkg, geo)]
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
    row = target_row(pkg, NATIONAL_FLOOR_TARGET_ID)
    t = pkg.targets
    same = t[(t["geo_id"] == NATION) & (t["indicator_id"] == row["indicator_id"]) & (t["concept"] == row["concept"])
             & (t["comparator"] == ">=") & (t["value"] == row["value"]) & (t["target_id"] != row["target_id"])]
    cite = _target_source(row)
    basis = phrase(_P + "national_floor", value=float(row["value"]), cite=cite)
    if not same.empty:
        basis = phrase(_P + "same_floor", basis=basis, by=tuple(_target_source(r) for _, r in same.iterrows()))
    return Derived(float(row["value"]), OBSERVED, basis, rule="target",
                   facts={"cite": cite, "target_id": row["target_id"], "instrument": row["instrument"]})


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


def plan_growth(pkg, geo: str, base_year: int) -> tuple[float, str] | None:
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
    if level_of(pkg, geo) == "nation":
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
    concept = _BUDGET_CONCEPT[level_of(pkg, geo)]
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
    concept = _BUDGET_CONCEPT[level_of(pkg, geo)]
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


def derive(pkg, P) -> Derivation:
    """Derive every engine input for ``P`` from ``pkg`` (rules in the module docstring)."""
    _check_years(P)
    geo = P.geo  # resolved once, by validate_parameters
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
    word = "GDP" if level_of(pkg, geo) == "nation" else "GRDP"
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


def rnd_inputs(pkg, P) -> RndInputs:
    """The national R&D inputs (geo must be the nation): GDP, growth, GERD, the 2030 target and split."""
    derivation = derive(pkg, P)
    if derivation.geo != NATION:
        raise ParameterError("geo", f"the R&D view is national: use geo '{NATION}', got {derivation.geo!r}")
    return national_rnd_inputs(pkg, derivation)


def national_gerd(pkg, up_to: int) -> tuple[pd.Series, pd.Series | None]:
    """Latest national GERD (the indicator's default concept, the ministry survey) and the latest UIS value."""
    gerd = _latest(series_ranking.series(pkg, NATION, "gerd_pct_gdp"), up_to)
    if gerd is None:
        raise DataError("observations.csv", "no gerd_pct_gdp for vn; the R&D view needs it")
    uis = None if gerd["concept"] == "uis" else _latest(series_ranking.series(pkg, NATION, "gerd_pct_gdp", concept="uis"), up_to)
    return gerd, uis


def national_rnd_inputs(pkg, derivation: Derivation) -> RndInputs:
    """The national R&D inputs of a derivation of the nation: GDP and growth as derived, GERD, the 2030 target
    and the non-state share target, each with its basis."""
    inputs, items = derivation.inputs, derivation.items
    gerd, uis = national_gerd(pkg, inputs.base_year)
    target, nonstate = target_row(pkg, GERD_TARGET_ID), target_row(pkg, NONSTATE_TARGET_ID)
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


def ratio_is_partial(base: Derived) -> bool:
    """True when a merged unit's base uses the ratio of only some of its old units (the others have no
    budget data): an assumption the title, the answer and the narrative must say plainly."""
    ratio = base.facts.get("ratio")
    return base.rule == "ratio" and ratio is not None and bool(ratio["missing"])


def successor(pkg, geo: str) -> str | None:
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
