"""Report builder of the "budget_floor" notebook: what an S&T spending floor costs, read from data/.

The engine (``nq57lib.floor_cost``) takes explicit numbers. This module derives each of them from the
data package and records its kind (observed, derived, assumed), its source ids and its derivation,
so every figure in the report traces back to a source, a stated arithmetic or a labelled choice.

Parameters (notebook "budget_floor"): geo, lang, floor_pct, start_year, ramp_year, end_year,
base_expenditure_bn_vnd, current_share_pct, real_growth_pct, deflator_pct, budget_growth_pct,
capacity_bn_vnd (output_dir is not used here). A value of 0 means "derive it from the data".

Derivation rules (the base year is ``start_year``; constant prices are that year's prices):

Budget expenditure in the base year, the first rule that applies:
  a. ``base_expenditure_bn_vnd`` if > 0 (assumed: set by the user);
  b. the geography's S&T plan in targets.csv, i.e. an amount (st_expenditure_bn_vnd, concept
     st_i_dt) and a share of budget spending (st_expenditure_share_pct, st_i_dt) for the same
     period, covering the base year: amount / share (derived; Vĩnh Phúc's QĐ 322/QĐ-UBND). The
     latest observed budget expenditure, if any, is shown beside it as a cross-check;
  c. the latest observation of budget_expenditure_bn_vnd (concept state_total for the nation,
     local_excl_carryover for a province) from base year - 2 to the base year (observed). A floor
     is a share of what is spent, so outturns and estimates (official, preliminary, estimate) are
     taken before plans (dự toán), which are used only when no outturn or estimate exists; among
     them the package's best-observation rule picks one. A figure for an earlier year is grown to
     the base year at the path's growth (then derived). The other figures of that year are named;
  d. for a unit created by the 2025 merger: the budget-to-GRDP ratio of its old unit with an S&T
     plan (rule b; the named proxy, both in the base year) times the unit's own GRDP (assumed);
  otherwise a ParameterError on ``base_expenditure_bn_vnd``.
Status-quo share: ``current_share_pct`` if > 0; else the plan's share (b); else the latest
  st_expenditure_share_pct of the geography (the concept with the latest year, its scope stated);
  else the proxy plan's share (d) or, for any other unit, the national latest share (assumed).
GRDP (GDP for the nation): the latest grdp_current_bn_vnd up to the base year; for a merged unit
  ``data.merged_series`` (the old units' sum before the merger, else its own published figure).
Real growth: ``real_growth_pct`` if != 0, else the latest observed grdp_growth_pct up to the base
  year, held constant every year (a scenario assumption). Deflator: ``deflator_pct`` (assumed round
  planning value). Budget growth: ``budget_growth_pct`` if != 0, else nominal GRDP growth.
Absorptive capacity: ``capacity_bn_vnd`` if > 0, else the geography's absorption forecast in
  targets.csv (target id containing "absorption", covering the base year; the top of its range),
  held flat (assumed); else no check.
Floor: ``floor_pct`` as set (default 15 %: a provincial floor with no public source, see
  data/README.md). The national floor (targets.csv, Resolution 57-NQ/TW, st_i_dt) is always run
  beside it on the same budget path, as the ``national_floor`` scenario, and in the sensitivity table.
National R&D view (geo "vn" only): GDP and growth as above, the latest GERD (default concept: the
  ministry's survey; the UIS value is named), the 2030 GERD target and the non-state share target.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import pandas as pd

from . import data, registry
from .floor_cost import (
    SENSITIVITY_FLOORS_PCT, BudgetInputs, BudgetResult, RndInputs, compare_public_rnd_with_floor,
    nominal_growth_pct, rnd_target_path, run_budget, sensitivity_table,
)
from .formatting import fmt_number, fmt_pct
from .errors import ParameterError
from .provenance import ASSUMED, DERIVED, OBSERVED, Assumption
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .text import pick

NOTEBOOK = "budget_floor"
NATION = "vn"
# Targets read from targets.csv by id: the national floor (Resolution 57's own), the R&D target and split.
NATIONAL_FLOOR_TARGET_ID = "vn-st-budget-floor-res57"
GERD_TARGET_ID = "vn-gerd-2030"
NONSTATE_TARGET_ID = "vn-rnd-nonstate-share-2030"
PLAN_CONCEPT = "st_i_dt"  # Resolution 57's scope: S&T, innovation and digital transformation
ABSORPTION_MARK = "absorption"  # target ids of absorptive-capacity forecasts contain it
OUTTURN_STATUSES = ("official", "preliminary", "estimate")
BASE_LOOKBACK_YEARS = 2
# The sensitivity grid of budget growth: the run's own rate and round steps around it (percentage points).
SENSITIVITY_GROWTH_STEPS_PCT = (-4.0, -2.0, 0.0, 2.0, 4.0)

_BUDGET_CONCEPT = {"nation": "state_total", "province": "local_excl_carryover"}
_CONCEPT_WORDS = {
    "state_total": ("total state budget expenditure", "tổng chi ngân sách nhà nước"),
    "local_excl_carryover": ("local budget expenditure (excluding carry-over)",
                             "chi ngân sách địa phương (không gồm chi chuyển nguồn)"),
}


@dataclass(frozen=True)
class Derived:
    """One input read or derived from the data: value, kind, basis (English, with source ids).

    ``caveats`` are (en, vi) sentences the narrative must say; ``facts`` keeps the numbers the
    narrative cites (e.g. the plan amount, the cross-check observation).
    """

    value: Any
    kind: str
    basis: str
    year: int | None = None
    rule: str = ""
    caveats: tuple[tuple[str, str], ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Derivation:
    """Everything ``build`` needs from the data: the engine inputs and how each was obtained."""

    geo: str
    inputs: BudgetInputs
    national_inputs: BudgetInputs
    items: Mapping[str, Derived]


# --------------------------------------------------------------------------------------------
# Small readers
# --------------------------------------------------------------------------------------------

def _bn(value: float) -> str:
    """bn VND in a basis text (English, no decimals)."""
    return f"{value:,.0f}"


def _cite(row: Mapping[str, Any]) -> str:
    """'status, publisher, source-id' of one observation row."""
    return f"{row['status']}, {row['publisher']}, {row['source_id']}"


def _latest(frame: pd.DataFrame, up_to: int, since: int | None = None) -> pd.Series | None:
    """The last row of a by-year frame with a value, in [since, up_to]."""
    rows = frame[frame["value"].notna() & (frame["year"] <= up_to)]
    if since is not None:
        rows = rows[rows["year"] >= since]
    return None if rows.empty else rows.sort_values("year").iloc[-1]


def _grow(value: float, growth_pct: float, from_year: int, to_year: int) -> float:
    return value * (1.0 + growth_pct / 100.0) ** (to_year - from_year)


def _level(pkg, geo: str) -> str:
    return "nation" if data.geo_row(pkg, geo)["level"] == "nation" else "province"


def _target(pkg, target_id: str) -> pd.Series:
    rows = pkg.targets[pkg.targets["target_id"] == target_id]
    if rows.empty:
        raise data.DataError("targets.csv", f"target {target_id!r} is missing; the budget report needs it")
    return rows.iloc[0]


def _target_source(row: pd.Series) -> str:
    """'target-id: instrument, source-id' for a basis."""
    return f"{row['target_id']}: {row['instrument']}, {row['source_id']}"


# --------------------------------------------------------------------------------------------
# Derivation of each input
# --------------------------------------------------------------------------------------------

def _grdp(pkg, geo: str, base_year: int) -> Derived:
    """Latest GRDP (GDP) level up to the base year; a merged unit's sum of old units or own figure."""
    if data.old_units(pkg, geo):
        merged = data.merged_series(pkg, geo, "grdp_current_bn_vnd")
        row = _latest(merged, base_year)
        if row is not None:
            year, summed = int(row["year"]), row["basis"] == "sum of old units"
            other = row["value_published"] if summed else row["value_sum"]
            also = (f"; the {'published figure' if summed else 'sum of the old units'} for {year} is {_bn(other)}"
                    if pd.notna(other) else "")
            basis = (f"GRDP {year}, current prices, {_bn(row['value'])} bn VND: {row['basis']} "
                     f"({row['status']}; {row['sources'].replace(';', ', ')}){also}")
            return Derived(float(row["value"]), DERIVED if summed else OBSERVED, basis, year, "merged")
    else:
        row = _latest(data.series(pkg, geo, "grdp_current_bn_vnd"), base_year)
        if row is not None:
            word = "GDP" if _level(pkg, geo) == "nation" else "GRDP"
            basis = f"{word} {int(row['year'])}, current prices, {_bn(row['value'])} bn VND ({_cite(row)})"
            return Derived(float(row["value"]), OBSERVED, basis, int(row["year"]), "observed")
    raise ParameterError("geo", f"no GRDP (grdp_current_bn_vnd) for {geo} up to {base_year} in the data; the "
                                f"budget floor needs it (see `nq57 data --geo {geo}`)")


def _real_growth(pkg, geo: str, base_year: int, given_pct: float, end_year: int) -> Derived:
    """The user's real growth, else the latest observed growth held constant (a scenario)."""
    if given_pct != 0:
        return Derived(float(given_pct), ASSUMED, "set by the user (notebook parameter real_growth_pct)",
                       rule="parameter")
    row = _latest(data.series(pkg, geo, "grdp_growth_pct"), base_year)
    if row is None:
        raise ParameterError("real_growth_pct", f"no real GRDP growth for {geo} in the data; set real_growth_pct")
    value, year = float(row["value"]), int(row["year"])
    word = "GDP" if _level(pkg, geo) == "nation" else "GRDP"
    basis = (f"latest observed real {word} growth, {value:g} % in {year} ({_cite(row)}), held constant every "
             f"year: a scenario assumption, not a forecast")
    caveat = (f"Real growth is the latest observed rate ({fmt_pct(value, 'en', 2)} in {year}) held constant "
              f"to {end_year}: a scenario, not a forecast.",
              f"Tăng trưởng thực là tốc độ quan sát gần nhất ({fmt_pct(value, 'vi', 2)} năm {year}) giữ nguyên "
              f"đến {end_year}: một kịch bản, không phải dự báo.")
    return Derived(value, ASSUMED, basis, year, "observed", (caveat,))


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
        row = _latest(data.series(pkg, geo, "budget_expenditure_bn_vnd", concept=concept, statuses=statuses),
                      up_to, since)
        if row is not None:
            every = data.observations_for(pkg, geo, "budget_expenditure_bn_vnd")
            others = every[(every["year"] == row["year"]) & (every["concept"] == concept)
                           & ~((every["source_id"] == row["source_id"]) & (every["status"] == row["status"]))]
            return row, others.sort_values("value")
    return None, pd.DataFrame()


def _plan_base(pkg, geo: str, plan: Mapping[str, pd.Series], base_year: int) -> tuple[float, str]:
    """Rule b: plan amount / plan share, and its basis text."""
    amount, share = float(plan["amount"]["value"]), float(plan["share"]["value"])
    value = amount / (share / 100.0)
    basis = (f"{_bn(amount)} / {share / 100:g} = {_bn(value)} bn VND: the S&T plan of {geo} sets about "
             f"{_bn(amount)} bn VND a year for {_plan_period(plan)} ({_target_source(plan['amount'])}) and "
             f"sizes it at {share:g} % of budget spending ({_target_source(plan['share'])}); the plan's yearly "
             f"average is used as the {base_year} level")
    return value, basis


def _base_expenditure(pkg, geo: str, P, base_year: int, growth_pct: float, grdp: Derived,
                      deflator_pct: float) -> Derived:
    """Budget expenditure in the base year by rules a–d of the module docstring."""
    if P.base_expenditure_bn_vnd > 0:
        return Derived(float(P.base_expenditure_bn_vnd), ASSUMED,
                       "set by the user (notebook parameter base_expenditure_bn_vnd)", base_year, "parameter")
    concept = _BUDGET_CONCEPT[_level(pkg, geo)]
    plan = _plan(pkg, geo, base_year)
    if plan is not None:
        value, basis = _plan_base(pkg, geo, plan, base_year)
        facts: dict[str, Any] = {"amount_bn_vnd": float(plan["amount"]["value"]),
                                 "share_pct": float(plan["share"]["value"]), "period": _plan_period(plan)}
        observed, _ = _budget_observations(pkg, geo, base_year, None)
        if observed is not None:
            grown = _grow(float(observed["value"]), growth_pct, int(observed["year"]), base_year)
            diff = (value / float(observed["value"]) - 1.0) * 100.0
            basis += (f". Cross-check: the latest observed {_CONCEPT_WORDS[concept][0]} is "
                      f"{_bn(observed['value'])} bn VND in {int(observed['year'])} ({_cite(observed)}); the derived "
                      f"base is {diff:+.0f} % from it, or {_bn(grown)} bn VND if that figure is grown to {base_year} "
                      f"at the path's {growth_pct:.2f} % a year")
            facts.update(check_bn_vnd=float(observed["value"]), check_year=int(observed["year"]),
                         check_status=observed["status"], check_grown_bn_vnd=grown, check_diff_pct=diff)
        caveat = (f"The plan's yearly average for {facts['period']} is used as the {base_year} level.",
                  f"Mức bình quân hằng năm của kế hoạch {facts['period']} được dùng làm mức năm {base_year}.")
        return Derived(value, DERIVED, basis, base_year, "plan", (caveat,), facts)

    observed, others = _budget_observations(pkg, geo, base_year, base_year - BASE_LOOKBACK_YEARS)
    if observed is not None:
        return _observed_base(observed, others, concept, base_year, growth_pct)

    proxies = [old for old in data.old_units(pkg, geo) if _plan(pkg, old, base_year) is not None]
    if proxies:
        return _proxy_base(pkg, geo, proxies[0], base_year, grdp, growth_pct, deflator_pct)
    raise ParameterError("base_expenditure_bn_vnd",
                         f"no budget expenditure for {geo} in the data; set base_expenditure_bn_vnd")


def _observed_base(observed: pd.Series, others: pd.DataFrame, concept: str, base_year: int,
                   growth_pct: float) -> Derived:
    """Rule c: an observed figure, grown to the base year if it is older."""
    year, raw = int(observed["year"]), float(observed["value"])
    value = _grow(raw, growth_pct, year, base_year)
    picked = ("outturns and estimates (official, preliminary, estimate) before plans"
              if observed["status"] in OUTTURN_STATUSES else "plans, since no outturn or estimate exists")
    basis = (f"{_CONCEPT_WORDS[concept][0]} {year}, {_bn(raw)} bn VND ({_cite(observed)}), chosen by the "
             f"package's best-observation rule among {picked}")
    if year != base_year:
        basis += f"; grown to {base_year} at the path's {growth_pct:.2f} % a year = {_bn(value)} bn VND"
    caveats = []
    note = observed["note"].rstrip(". ") if isinstance(observed["note"], str) else ""
    if note:
        basis += f"; data note: {note}"
        caveats.append((f"The data notes on the base figure: “{note}”.",
                        f"Ghi chú của dữ liệu về số gốc (tiếng Anh): “{note}”."))
    facts: dict[str, Any] = {"observed_bn_vnd": raw, "status": observed["status"],
                             "publisher": observed["publisher"],
                             "others": [(float(r["value"]), r["status"], r["publisher"]) for _, r in others.iterrows()]}
    if not others.empty:
        listed = "; ".join(f"{_bn(r['value'])} ({r['status']}, {r['publisher']}, {r['source_id']}"
                           f"{': ' + r['note'].rstrip('. ') if isinstance(r['note'], str) and r['note'] else ''})"
                           for _, r in others.iterrows())
        basis += f". Other figures for {year}: {listed}"
    kind = OBSERVED if year == base_year else DERIVED
    return Derived(value, kind, basis, year, "observed", tuple(caveats), facts)


def _proxy_base(pkg, geo: str, proxy: str, base_year: int, grdp: Derived, growth_pct: float,
                deflator_pct: float) -> Derived:
    """Rule d: the proxy's budget-to-GRDP ratio (both in the base year) times the unit's GRDP."""
    proxy_base, proxy_basis = _plan_base(pkg, proxy, _plan(pkg, proxy, base_year), base_year)
    proxy_grdp = _grdp(pkg, proxy, base_year)
    proxy_real = _real_growth(pkg, proxy, base_year, 0.0, base_year)
    proxy_nominal = nominal_growth_pct(proxy_real.value, deflator_pct)
    proxy_grdp_base = _grow(proxy_grdp.value, proxy_nominal, proxy_grdp.year, base_year)
    ratio_pct = proxy_base / proxy_grdp_base * 100.0
    unit_grdp = _grow(grdp.value, growth_pct, grdp.year, base_year)
    value = ratio_pct / 100.0 * unit_grdp
    grown = (f" grown to {base_year} at {proxy_nominal:.2f} % a year (real {proxy_real.value:g} %, "
             f"deflator {deflator_pct:g} %) = {_bn(proxy_grdp_base)}" if proxy_grdp.year != base_year else "")
    unit_grown = (f", grown to {base_year} at {growth_pct:.2f} % a year = {_bn(unit_grdp)}"
                  if grdp.year != base_year else "")
    basis = (f"{geo} has no budget expenditure or S&T plan in the data; assumed to bear the same budget-to-GRDP "
             f"ratio as its old unit {proxy}, which has an S&T plan: {_bn(proxy_base)} / {_bn(proxy_grdp_base)} = "
             f"{ratio_pct:.2f} % ({proxy} budget: {proxy_basis}; {proxy} {proxy_grdp.basis}{grown}); times {geo} "
             f"{grdp.basis}{unit_grown}: {ratio_pct:.2f} % x {_bn(unit_grdp)} = {_bn(value)} bn VND")
    name_en, name_vi = data.geo_name(pkg, proxy, "en"), data.geo_name(pkg, proxy, "vi")
    caveat = (f"Neither a budget figure nor an S&T plan of this unit is in the data: its budget is assumed to "
              f"bear {name_en}'s budget-to-GRDP ratio ({fmt_pct(ratio_pct, 'en', 2)}) and its status quo to be "
              f"{name_en}'s plan share.",
              f"Dữ liệu không có số chi ngân sách hay kế hoạch KH&CN của đơn vị này: giả định chi ngân sách có "
              f"cùng tỷ lệ so với GRDP như {name_vi} ({fmt_pct(ratio_pct, 'vi', 2)}) và tỷ lệ hiện trạng bằng tỷ "
              f"lệ trong kế hoạch của {name_vi}.")
    facts = {"proxy": proxy, "ratio_pct": ratio_pct, "proxy_base_bn_vnd": proxy_base,
             "proxy_grdp_bn_vnd": proxy_grdp_base, "unit_grdp_bn_vnd": unit_grdp}
    return Derived(value, ASSUMED, basis, base_year, "proxy", (caveat,), facts)


def _latest_share(pkg, geo: str, up_to: int) -> pd.Series | None:
    """Latest S&T share of budget expenditure: the concept with the latest year (first concept on ties)."""
    best = None
    for concept in pkg.indicator("st_expenditure_share_pct")["concepts"].split("|"):
        row = _latest(data.series(pkg, geo, "st_expenditure_share_pct", concept=concept), up_to)
        if row is not None and (best is None or row["year"] > best["year"]):
            best = row
    return best


def _current_share(pkg, geo: str, P, base_year: int, base: Derived) -> Derived:
    """Status-quo share of budget expenditure spent on S&T (see the module docstring)."""
    if P.current_share_pct > 0:
        return Derived(float(P.current_share_pct), ASSUMED, "set by the user (notebook parameter current_share_pct)",
                       rule="parameter")
    plan = _plan(pkg, geo, base_year)
    if plan is not None:
        share = plan["share"]
        basis = (f"the S&T plan's share, {share['value']:g} % of budget spending ({_target_source(share)}); "
                 f"a plan, not observed spending: S&T spending outturns for recent years are not in the data")
        caveat = ("The status quo is the plan's own share, not observed spending (recent S&T spending outturns "
                  "are not in the data).",
                  "Hiện trạng là tỷ lệ trong kế hoạch, không phải số chi thực tế (dữ liệu không có số chi KH&CN "
                  "thực tế những năm gần đây).")
        return Derived(float(share["value"]), OBSERVED, basis, rule="plan", caveats=(caveat,))
    row = _latest_share(pkg, geo, base_year)
    if row is not None:
        return _observed_share(row, "")
    if base.rule == "proxy":
        proxy = base.facts["proxy"]
        share = _plan(pkg, proxy, base_year)["share"]
        basis = (f"no S&T share for {geo} in the data; assumed equal to the plan share of its old unit {proxy}, "
                 f"{share['value']:g} % ({_target_source(share)})")
        return Derived(float(share["value"]), ASSUMED, basis, rule="proxy")
    row = _latest_share(pkg, NATION, base_year)
    if row is None or geo == NATION:
        raise ParameterError("current_share_pct", f"no S&T share of budget expenditure for {geo} in the data; "
                                                  f"set current_share_pct")
    share = _observed_share(row, f"no S&T share for {geo} in the data; the national share is used as a proxy: ")
    caveat = ("The status-quo share is the national one, used as a proxy: no share for this unit is in the data.",
              "Tỷ lệ hiện trạng lấy theo cả nước làm đại diện: dữ liệu không có tỷ lệ của đơn vị này.")
    return replace(share, kind=ASSUMED, rule="national", caveats=share.caveats + (caveat,))


def _observed_share(row: pd.Series, prefix: str) -> Derived:
    """An observed S&T share, with a caveat when its scope is narrower than the floor's."""
    value, year = float(row["value"]), int(row["year"])
    basis = f"{prefix}S&T share of budget expenditure {year}, {value:g} % (concept {row['concept']}; {_cite(row)})"
    caveats = ()
    if row["concept"] != PLAN_CONCEPT:
        basis += "; its scope is narrower than the floor's S&T, innovation and digital transformation (st_i_dt)"
        caveats = ((f"The status-quo share ({fmt_pct(value, 'en', 2)} in {year}) has the scope "
                    f"'{row['concept']}', narrower than the floor's S&T, innovation and digital transformation, so "
                    f"the gap to the status quo is overstated.",
                    f"Tỷ lệ hiện trạng ({fmt_pct(value, 'vi', 2)} năm {year}) có phạm vi '{row['concept']}', hẹp "
                    f"hơn phạm vi của mức sàn (KH&CN, đổi mới sáng tạo và chuyển đổi số), nên chênh lệch so với "
                    f"hiện trạng bị phóng đại."),)
    return Derived(value, OBSERVED, basis, year, "observed", caveats)


def _capacity(pkg, geo: str, P, base_year: int, end_year: int) -> Derived | None:
    """Absorptive capacity: the user's value, else the geography's absorption forecast, else None."""
    if P.capacity_bn_vnd > 0:
        return Derived(float(P.capacity_bn_vnd), ASSUMED, "set by the user (notebook parameter capacity_bn_vnd)",
                       rule="parameter")
    t = pkg.targets
    rows = t[(t["geo_id"] == geo) & t["target_id"].str.contains(ABSORPTION_MARK, regex=False)]
    for _, row in rows.iterrows():
        first = row["year"] if pd.isna(row["from_year"]) else row["from_year"]
        if first <= base_year <= row["year"]:
            low = float(row["value"])
            high = float(row["value_high"]) if pd.notna(row["value_high"]) else low
            basis = (f"top of the {_bn(low)}–{_bn(high)} bn VND a year that {row['instrument']} judges realistic "
                     f"to absorb in {int(first)}–{int(row['year'])} ({row['target_id']}, {row['source_id']}); "
                     f"held flat in nominal terms (assumed), so the check after {int(row['year'])} is indicative")
            caveat = (f"Capacity is held flat at {fmt_number(high, 'en', 0)} bn VND a year after "
                      f"{int(row['year'])}, where the source gives no level.",
                      f"Khả năng hấp thụ được giữ nguyên ở {fmt_number(high, 'vi', 0)} tỷ đồng/năm sau năm "
                      f"{int(row['year'])}, khi nguồn không cho số liệu.")
            facts = {"low_bn_vnd": low, "high_bn_vnd": high, "last_year": int(row["year"]),
                     "target_id": row["target_id"]}
            return Derived(high, OBSERVED, basis, rule="target", caveats=(caveat,) if end_year > row["year"] else (),
                           facts=facts)
    return None


def _floor(P, national: Derived) -> Derived:
    """The floor as set; the unsourced default is said to be so."""
    value = float(P.floor_pct)
    sourced = (f"the sourced national floor is {national.value:g} % ({national.facts['cite']}), run beside it "
               f"as a comparison")
    if value == registry.parameter_default(NOTEBOOK, "floor_pct"):
        basis = (f"notebook default: the provincial floor of {value:g} % of the annual budget for research and "
                 f"high-tech application named in the project's mission for Vĩnh Phúc; the research logs found no "
                 f"public source for it (data/README.md, 'What is missing'), so it is an unsourced assumption; "
                 f"{sourced}")
        caveat = (f"The {fmt_pct(value, 'en', 0)} floor has no public source in the research logs (only the "
                  f"project's mission statement): it is a labelled assumption; the national "
                  f"{fmt_pct(national.value, 'en', 0)} floor is the sourced comparison.",
                  f"Mức sàn {fmt_pct(value, 'vi', 0)} chưa có nguồn công khai trong nhật ký nghiên cứu (chỉ có "
                  f"trong tuyên bố nhiệm vụ của dự án): đây là giả định được ghi rõ; mức sàn quốc gia "
                  f"{fmt_pct(national.value, 'vi', 0)} là mức có nguồn để so sánh.")
        return Derived(value, ASSUMED, basis, rule="default", caveats=(caveat,))
    return Derived(value, ASSUMED, f"set by the user (notebook parameter floor_pct); {sourced}", rule="parameter")


def _national_floor(pkg) -> Derived:
    """The national floor of Resolution 57-NQ/TW from targets.csv, with the instruments that repeat it."""
    row = _target(pkg, NATIONAL_FLOOR_TARGET_ID)
    t = pkg.targets
    same = t[(t["geo_id"] == NATION) & (t["indicator_id"] == row["indicator_id"]) & (t["concept"] == row["concept"])
             & (t["comparator"] == ">=") & (t["value"] == row["value"]) & (t["target_id"] != row["target_id"])]
    cite = _target_source(row)
    basis = (f"at least {row['value']:g} % of annual state budget expenditure for S&T, innovation and digital "
             f"transformation ({cite})")
    if not same.empty:
        basis += "; the same floor is set by " + "; ".join(_target_source(r) for _, r in same.iterrows())
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


def _derive(pkg, P) -> Derivation:
    """Derive every engine input for ``P`` from ``pkg`` (rules in the module docstring)."""
    _check_years(P)
    geo = data.resolve_geo(P.geo, pkg)
    base_year, end_year = P.start_year, P.end_year
    grdp = _grdp(pkg, geo, base_year)
    real = _real_growth(pkg, geo, base_year, P.real_growth_pct, end_year)
    deflator = Derived(float(P.deflator_pct), ASSUMED,
                       "round planning value, not a sourced figure: a moderate yearly price rise used to grow "
                       "current-price aggregates and to convert them to base-year prices; vary it",
                       caveats=((f"The deflator ({fmt_pct(P.deflator_pct, 'en', 1)} a year) is a round planning "
                                 f"value, not a sourced figure.",
                                 f"Chỉ số giảm phát ({fmt_pct(P.deflator_pct, 'vi', 1)}/năm) là giá trị quy hoạch "
                                 f"làm tròn, không có nguồn."),))
    nominal = nominal_growth_pct(real.value, deflator.value)
    own_growth = float(P.budget_growth_pct) if P.budget_growth_pct != 0 else None
    growth = nominal if own_growth is None else own_growth
    base = _base_expenditure(pkg, geo, P, base_year, growth, grdp, deflator.value)
    share = _current_share(pkg, geo, P, base_year, base)
    capacity = _capacity(pkg, geo, P, base_year, end_year)
    national = _national_floor(pkg)
    floor = _floor(P, national)
    word = "GDP" if _level(pkg, geo) == "nation" else "GRDP"
    bases = {
        "base_year": (ASSUMED, f"the start year (notebook parameter start_year); constant prices are {base_year} "
                               f"prices"),
        "base_expenditure_bn_vnd": (base.kind, base.basis),
        "floor_pct": (floor.kind, floor.basis),
        "current_share_pct": (share.kind, share.basis),
        "grdp_base_year": (grdp.kind, f"year of the {word} figure ({grdp.basis})"),
        "grdp_base_bn_vnd": (grdp.kind, grdp.basis),
        "real_growth_pct": (real.kind, real.basis),
        "deflator_pct": (deflator.kind, deflator.basis),
        "budget_growth_pct": (ASSUMED, f"budget expenditure grows with nominal {word}" if own_growth is None
                              else "set by the user (notebook parameter budget_growth_pct)"),
        "start_year": (ASSUMED, "notebook parameter start_year: first year the floor applies"),
        "ramp_year": (ASSUMED, "notebook parameter ramp_year: an assumed pace, not a decision in the sources"),
    }
    if capacity is not None:
        bases["capacity_bn_vnd"] = (capacity.kind, capacity.basis)
        bases["capacity_growth_pct"] = (ASSUMED, "no capacity path in the sources: held flat in nominal terms")
    ramp_year = P.ramp_year
    periods = ((base_year, ramp_year), (ramp_year + 1, end_year)) if base_year <= ramp_year < end_year \
        else ((base_year, end_year),)
    inputs = BudgetInputs(
        geography=geo, base_year=base_year, base_expenditure_bn_vnd=base.value, floor_pct=floor.value,
        current_share_pct=share.value, grdp_base_year=grdp.year, grdp_base_bn_vnd=grdp.value,
        real_growth_pct=real.value, deflator_pct=deflator.value, budget_growth_pct=own_growth,
        start_year=P.start_year, ramp_year=ramp_year, end_year=end_year,
        capacity_bn_vnd=None if capacity is None else capacity.value, capacity_growth_pct=0.0,
        periods=periods, bases=bases)
    national_inputs = replace(inputs, floor_pct=national.value,
                              bases={**bases, "floor_pct": (national.kind, national.basis)})
    items = {"base": base, "share": share, "grdp": grdp, "real": real, "deflator": deflator,
             "capacity": capacity, "floor": floor, "national": national}
    return Derivation(geo=geo, inputs=inputs, national_inputs=national_inputs, items=items)


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
    gerd = _latest(data.series(pkg, NATION, "gerd_pct_gdp"), up_to)
    if gerd is None:
        raise data.DataError("observations.csv", "no gerd_pct_gdp for vn; the R&D view needs it")
    uis = None if gerd["concept"] == "uis" else _latest(data.series(pkg, NATION, "gerd_pct_gdp", concept="uis"), up_to)
    return gerd, uis


def _rnd_inputs(pkg, derivation: Derivation) -> RndInputs:
    inputs, items = derivation.inputs, derivation.items
    gerd, uis = _gerd(pkg, inputs.base_year)
    target, nonstate = _target(pkg, GERD_TARGET_ID), _target(pkg, NONSTATE_TARGET_ID)
    gerd_basis = f"GERD {int(gerd['year'])}, {gerd['value']:g} % of GDP (concept {gerd['concept']}; {_cite(gerd)})"
    if uis is not None:
        gerd_basis += (f"; the internationally comparable UIS series gives {uis['value']:g} % for "
                       f"{int(uis['year'])} ({_cite(uis)})")
    bases = {
        "gdp_base_year": (items["grdp"].kind, f"year of the GDP figure ({items['grdp'].basis})"),
        "gdp_base_bn_vnd": (items["grdp"].kind, items["grdp"].basis),
        "real_growth_pct": inputs.bases["real_growth_pct"],
        "deflator_pct": inputs.bases["deflator_pct"],
        "gerd_base_year": (OBSERVED, f"year of the latest GERD observation ({_cite(gerd)})"),
        "gerd_base_pct_gdp": (OBSERVED, gerd_basis),
        "target_pct_gdp": (OBSERVED, f"R&D spending {target['comparator']} {target['value']:g} % of GDP by "
                                     f"{int(target['year'])} ({_target_source(target)})"),
        "target_year": (OBSERVED, f"year of the R&D target ({_target_source(target)})"),
        "nonstate_share_pct": (OBSERVED, f"non-state share of R&D funding {nonstate['comparator']} "
                                         f"{nonstate['value']:g} % by {int(nonstate['year'])} "
                                         f"({_target_source(nonstate)}); the boundary is used, so the public "
                                         f"figure is a ceiling"),
    }
    return RndInputs(
        gdp_base_year=inputs.grdp_base_year, gdp_base_bn_vnd=inputs.grdp_base_bn_vnd,
        real_growth_pct=inputs.real_growth_pct, deflator_pct=inputs.deflator_pct,
        gerd_base_year=int(gerd["year"]), gerd_base_pct_gdp=float(gerd["value"]),
        target_pct_gdp=float(target["value"]), target_year=int(target["year"]),
        nonstate_share_pct=float(nonstate["value"]), first_year=inputs.base_year, end_year=inputs.end_year,
        bases=bases)


# --------------------------------------------------------------------------------------------
# The report
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


def _sensitivity_grids(inputs: BudgetInputs, national_pct: float) -> tuple[list[float], list[float]]:
    """Floors: the standard grid plus the run's and the national floor; growth: the run's rate +- steps."""
    floors = sorted({*SENSITIVITY_FLOORS_PCT, inputs.floor_pct, national_pct})
    growth = inputs.effective_budget_growth_pct
    growths = sorted({round(growth + step, 10) for step in SENSITIVITY_GROWTH_STEPS_PCT if growth + step > -100})
    return floors, growths


def _key_years(inputs: BudgetInputs) -> list[int]:
    return sorted({inputs.start_year, inputs.ramp_year, inputs.end_year})


def _period_labels(inputs: BudgetInputs) -> list[str]:
    return [f"{first}–{last}" for first, last in inputs.periods]


def _scalars(d: Derivation, yearly: pd.DataFrame, periods: pd.DataFrame, main: BudgetResult,
             rnd_table: pd.DataFrame | None, rnd_year: int | None) -> dict[str, Any]:
    inputs, items = d.inputs, d.items
    scalars: dict[str, Any] = {
        "geo_id": d.geo, "base_year": inputs.base_year,
        "base_expenditure_bn_vnd": inputs.base_expenditure_bn_vnd, "base_expenditure_kind": items["base"].kind,
        "base_expenditure_rule": items["base"].rule,
        "floor_pct": inputs.floor_pct, "national_floor_pct": items["national"].value,
        "current_share_pct": inputs.current_share_pct, "current_share_kind": items["share"].kind,
        "grdp_base_year": inputs.grdp_base_year, "grdp_base_bn_vnd": inputs.grdp_base_bn_vnd,
        "real_growth_pct": inputs.real_growth_pct, "deflator_pct": inputs.deflator_pct,
        "nominal_growth_pct": inputs.nominal_grdp_growth_pct,
        "budget_growth_pct": inputs.effective_budget_growth_pct,
        "capacity_bn_vnd": inputs.capacity_bn_vnd,
        "years_above_capacity": main.years_above_capacity("floor"),
        "years_above_capacity_status_quo": main.years_above_capacity("status_quo"),
    }
    for year in _key_years(inputs):
        scalars[f"expenditure_{year}_bn_vnd"] = _value(yearly, "floor", year, "expenditure_bn_vnd")
        scalars[f"required_{year}_bn_vnd"] = _value(yearly, "floor", year, "spending_bn_vnd")
        scalars[f"required_{year}_const_bn_vnd"] = _value(yearly, "floor", year, "spending_const_bn_vnd")
        scalars[f"required_{year}_pct_grdp"] = _value(yearly, "floor", year, "share_of_grdp_pct")
        scalars[f"status_quo_{year}_bn_vnd"] = _value(yearly, "status_quo", year, "spending_bn_vnd")
        scalars[f"national_floor_{year}_bn_vnd"] = _value(yearly, "national_floor", year, "spending_bn_vnd")
    for period in _period_labels(inputs):
        key = period.replace("–", "_")
        scalars[f"cumulative_{key}_bn_vnd"] = _period_value(periods, "floor", period, "cumulative_spending_bn_vnd")
        scalars[f"cumulative_{key}_const_bn_vnd"] = _period_value(periods, "floor", period,
                                                                  "cumulative_spending_const_bn_vnd")
        scalars[f"gap_{key}_bn_vnd"] = _period_value(periods, "floor", period, "cumulative_gap_bn_vnd")
        scalars[f"ramp_cumulative_{key}_bn_vnd"] = _period_value(periods, "ramp", period,
                                                                 "cumulative_spending_bn_vnd")
        scalars[f"national_floor_cumulative_{key}_bn_vnd"] = _period_value(periods, "national_floor", period,
                                                                           "cumulative_spending_bn_vnd")
    if rnd_table is not None and rnd_year is not None:
        row = rnd_table[rnd_table["year"] == rnd_year].iloc[0]
        scalars.update({
            "rnd_year": rnd_year,
            f"gerd_required_{rnd_year}_bn_vnd": float(row["gerd_required_bn_vnd"]),
            f"nonstate_rnd_min_{rnd_year}_bn_vnd": float(row["nonstate_rnd_min_bn_vnd"]),
            f"public_rnd_max_{rnd_year}_bn_vnd": float(row["public_rnd_max_bn_vnd"]),
            f"public_rnd_share_of_national_floor_{rnd_year}_pct": float(row["public_rnd_share_of_national_floor_pct"]),
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


def build(P, pkg=None) -> Report:
    """Everything the budget_floor notebook shows for parameters ``P`` (see the module docstring)."""
    pkg = pkg or data.load_package()
    d = _derive(pkg, P)
    inputs, lang = d.inputs, P.lang
    main = run_budget(inputs)
    national = run_budget(d.national_inputs, scenarios=["floor"])
    floors, growths = _sensitivity_grids(inputs, d.items["national"].value)
    sensitivity = sensitivity_table(inputs, floors_pct=floors, budget_growths_pct=growths)

    yearly = pd.concat([main.yearly, _relabel(national.yearly, "national_floor")], ignore_index=True)
    periods = pd.concat([main.periods, _relabel(national.periods, "national_floor")], ignore_index=True)
    absorption = periods[["scenario", "period", "n_years", "n_years_above_capacity", "first_year_above_capacity",
                          "max_spending_to_capacity_ratio"]].copy()
    absorption.insert(2, "capacity_bn_vnd", inputs.capacity_bn_vnd)
    tables = {"yearly": yearly, "milestones": milestones(yearly, inputs.base_year, inputs.end_year),
              "periods": periods, "sensitivity": sensitivity.table, "absorption": absorption}

    records: list[Assumption] = list(main.assumptions)
    national_floor = next(a for a in national.assumptions if a.name == "floor_pct")
    records.append(replace(national_floor, name="national_floor_pct",
                           label="National S&T, innovation and digital transformation floor (comparison)"))
    rnd_table, rnd_year, rnd = None, None, None
    if d.geo == NATION:
        rnd = rnd_target_path(_rnd_inputs(pkg, d))
        compared = compare_public_rnd_with_floor(national, rnd).rename(
            columns={"floor_spending_bn_vnd": "national_floor_spending_bn_vnd",
                     "public_rnd_share_of_floor_pct": "public_rnd_share_of_national_floor_pct"})
        rnd_table = rnd.yearly.merge(compared.drop(columns=["public_rnd_max_bn_vnd"]), on="year", how="left")
        rnd_year = max(rnd.inputs.target_year, inputs.base_year)
        tables["rnd"] = rnd_table
        records += list(rnd.assumptions)
    for table in tables.values():
        table.insert(0, "geo_id", d.geo)

    assumptions = assumptions_frame(records)
    sources = sources_frame(pkg, source_ids_in(*assumptions["basis"]))
    name = data.geo_name(pkg, d.geo, lang)
    from .charts.budget_floor_charts import plot_cumulative_gap, plot_sensitivity_heatmap, plot_spending_paths

    figures = {
        "spending": lambda: plot_spending_paths(main, lang, geo_name=name, comparison=national),
        "cumulative_gap": lambda: plot_cumulative_gap(main, lang, geo_name=name),
        "sensitivity": lambda: plot_sensitivity_heatmap(sensitivity, lang, geo_name=name),
    }
    scalars = _scalars(d, yearly, periods, main, rnd_table, rnd_year)
    narrative = _narrative(pkg, d, lang, name, yearly, periods, main, rnd_table, rnd_year, records)
    title = pick(lang, "S&T budget floor — ", "Mức sàn chi ngân sách cho KH&CN — ") + name
    return Report(notebook=NOTEBOOK, geo_id=d.geo, lang=lang, title=title, tables=tables, scalars=scalars,
                  assumptions=assumptions, sources=sources, narrative=narrative, figures=figures)


# --------------------------------------------------------------------------------------------
# Narrative: sentences generated from the numbers, in English or Vietnamese
# --------------------------------------------------------------------------------------------

def _money(value: float, lang: str) -> str:
    return f"{fmt_number(value, lang, 0)} {pick(lang, 'bn VND', 'tỷ đồng')}"


def _share(value: float, lang: str) -> str:
    return fmt_pct(value, lang, 2 if abs(value) < 1 else 1)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + pick(lang, " and ", " và ") + items[-1]


def _relative(value: float, reference: float, lang: str) -> str:
    """'17 % lower' / 'thấp hơn 17 %': ``value`` against ``reference``."""
    pct = fmt_pct(abs(value / reference - 1.0) * 100.0, lang, 0)
    lower = value < reference
    return pick(lang, f"{pct} {'lower' if lower else 'higher'}", f"{'thấp' if lower else 'cao'} hơn {pct}")


def _status(status: str, lang: str) -> str:
    return data.label("status", status, lang, default=status)


def _narrative(pkg, d: Derivation, lang: str, name: str, yearly: pd.DataFrame, periods: pd.DataFrame,
               main: BudgetResult, rnd_table: pd.DataFrame | None, rnd_year: int | None,
               records: list[Assumption]) -> list[str]:
    paragraphs = [_budget_paragraph(pkg, d, lang, name, yearly), _floor_paragraph(d, lang, yearly),
                  _cumulative_paragraph(d, lang, periods), _absorption_paragraph(d, lang, name, main),
                  _national_paragraph(d, lang, name, yearly, periods)]
    if rnd_table is not None:
        paragraphs.append(_rnd_paragraph(pkg, d, lang, rnd_table, rnd_year))
    paragraphs.append(_assumptions_paragraph(d, lang, records))
    return paragraphs


def _base_text(pkg, d: Derivation, lang: str) -> tuple[str, str]:
    """How the base expenditure was obtained: a short parenthesis, and a sentence or two to follow."""
    base, concept = d.items["base"], _BUDGET_CONCEPT[_level(pkg, d.geo)]
    words = _CONCEPT_WORDS[concept][1 if lang == "vi" else 0]
    facts, year = base.facts, d.inputs.base_year
    if base.rule == "parameter":
        return pick(lang, "set by the user", "do người dùng đặt"), ""
    if base.rule == "plan":
        short = pick(lang,
                     f"derived: the S&T plan's {_money(facts['amount_bn_vnd'], lang)} a year divided by its "
                     f"{_share(facts['share_pct'], lang)} share of budget spending",
                     f"tính toán: {_money(facts['amount_bn_vnd'], lang)}/năm của kế hoạch KH&CN chia cho tỷ lệ "
                     f"{_share(facts['share_pct'], lang)} tổng chi ngân sách")
        if "check_bn_vnd" not in facts:
            return short, ""
        above = facts["check_diff_pct"] >= 0
        diff = fmt_pct(abs(facts["check_diff_pct"]), lang, 0)
        extra = pick(lang,
                     f" For comparison, the latest observed {words} is {_money(facts['check_bn_vnd'], lang)} in "
                     f"{facts['check_year']} ({_status(facts['check_status'], lang)}); the derived base is {diff} "
                     f"{'above' if above else 'below'} it, and {_money(facts['check_grown_bn_vnd'], lang)} if that "
                     f"figure is grown to {year} at the path's growth.",
                     f" Để so sánh, {words} quan sát gần nhất là {_money(facts['check_bn_vnd'], lang)} năm "
                     f"{facts['check_year']} ({_status(facts['check_status'], lang)}); mức gốc tính toán "
                     f"{'cao' if above else 'thấp'} hơn số này {diff}, và bằng "
                     f"{_money(facts['check_grown_bn_vnd'], lang)} nếu số này tăng theo đường chi đến năm {year}.")
        return short, extra
    if base.rule == "observed":
        grown = base.year != year
        short = pick(lang,
                     f"{'derived from the' if grown else 'observed: the'} {_status(facts['status'], 'en')} figure "
                     f"for {base.year} from {facts['publisher']}"
                     f"{f', grown to {year} at the path growth' if grown else ''}",
                     f"{'tính từ' if grown else 'số liệu công bố:'} số {_status(facts['status'], 'vi')} năm "
                     f"{base.year} theo {facts['publisher']}{f', tăng theo đường chi đến năm {year}' if grown else ''}")
        if facts["status"] in OUTTURN_STATUSES:
            short += pick(lang, "; an estimate of actual spending is taken before plans, since a floor is a share "
                                "of what is spent",
                          "; số ước thực hiện được ưu tiên hơn dự toán, vì mức sàn là tỷ lệ trên số chi thực tế")
        if not facts["others"]:
            return short, ""
        listed = "; ".join(f"{_money(value, lang)} ({_status(status, lang)}, {publisher}; "
                           f"{_relative(value, facts['observed_bn_vnd'], lang)})"
                           for value, status, publisher in facts["others"])
        extra = pick(lang,
                     f" Other figures for {base.year} in the data: {listed}; every amount below scales with the base.",
                     f" Các số khác cho năm {base.year} trong dữ liệu: {listed}; mọi khoản chi dưới đây tỷ lệ thuận "
                     f"với số gốc.")
        return short, extra
    proxy_name = data.geo_name(pkg, facts["proxy"], lang)
    return pick(lang,
                f"assumed: {proxy_name}'s budget-to-GRDP ratio of {fmt_pct(facts['ratio_pct'], lang, 2)} applied to "
                f"this unit's GRDP of {_money(facts['unit_grdp_bn_vnd'], lang)} in {year}",
                f"giả định: tỷ lệ chi ngân sách/GRDP {fmt_pct(facts['ratio_pct'], lang, 2)} của {proxy_name} áp "
                f"dụng cho GRDP {_money(facts['unit_grdp_bn_vnd'], lang)} năm {year} của đơn vị này"), ""


def _budget_paragraph(pkg, d: Derivation, lang: str, name: str, yearly: pd.DataFrame) -> str:
    inputs, real = d.inputs, d.items["real"]
    nation = _level(pkg, d.geo) == "nation"
    word = "GDP" if nation else "GRDP"
    budget_en = "state budget expenditure" if nation else "local budget expenditure"
    budget_vi = "chi ngân sách nhà nước" if nation else "chi ngân sách địa phương"
    later = [y for y in _key_years(inputs) if y != inputs.base_year]
    path = _join([f"{_money(_value(yearly, 'floor', y, 'expenditure_bn_vnd'), lang)} "
                  f"{pick(lang, 'in', 'năm')} {y}" for y in later], lang)
    g = fmt_pct(inputs.effective_budget_growth_pct, lang, 2)
    if inputs.budget_growth_pct is None:
        real_en = (f"observed in {real.year}, held constant" if real.rule == "observed" else "set by the user")
        real_vi = (f"quan sát năm {real.year}, giữ nguyên" if real.rule == "observed" else "do người dùng đặt")
        growth = pick(lang,
                      f"with nominal {word}, {g} a year (real growth {fmt_pct(inputs.real_growth_pct, lang, 2)}, "
                      f"{real_en}; deflator {fmt_pct(inputs.deflator_pct, lang, 1)}, assumed)",
                      f"theo {word} danh nghĩa, {g} mỗi năm (tăng trưởng thực "
                      f"{fmt_pct(inputs.real_growth_pct, lang, 2)}, {real_vi}; chỉ số giảm phát "
                      f"{fmt_pct(inputs.deflator_pct, lang, 1)}, giả định)")
    else:
        growth = pick(lang, f"at {g} a year (set by the user)", f"{g} mỗi năm (do người dùng đặt)")
    short, extra = _base_text(pkg, d, lang)
    return pick(lang,
                f"**Budget path.** {name}: {budget_en} of {_money(inputs.base_expenditure_bn_vnd, lang)} in "
                f"{inputs.base_year} ({short}).{extra} It grows {growth}, reaching {path} (current prices).",
                f"**Đường chi ngân sách.** {name}: {budget_vi} năm {inputs.base_year} là "
                f"{_money(inputs.base_expenditure_bn_vnd, lang)} ({short}).{extra} Chi ngân sách tăng {growth}, đạt "
                f"{path} (giá hiện hành).")


def _floor_paragraph(d: Derivation, lang: str, yearly: pd.DataFrame) -> str:
    inputs = d.inputs
    years = _key_years(inputs)
    word = "GDP" if d.geo == NATION else "GRDP"
    on = pick(lang, "in", "năm")
    nominal = _join([f"{_money(_value(yearly, 'floor', y, 'spending_bn_vnd'), lang)} {on} {y}" for y in years], lang)
    const = _join([_money(_value(yearly, 'floor', y, 'spending_const_bn_vnd'), lang) for y in years], lang)
    shares = [_value(yearly, "floor", y, "share_of_grdp_pct") for y in years]
    if max(shares) - min(shares) < 1e-9 * max(shares):  # the budget follows GRDP: one share for all years
        grdp = pick(lang, f"a constant {fmt_pct(shares[0], lang, 2)}", f"luôn ở mức {fmt_pct(shares[0], lang, 2)}")
    else:
        grdp = _join([fmt_pct(v, lang, 2) for v in shares], lang)
    floor = _share(inputs.floor_pct, lang)
    return pick(lang,
                f"**What the {floor} floor costs.** From {inputs.start_year}, S&T spending must be {nominal} at "
                f"current prices; at {inputs.base_year} prices that is {const}, or {grdp} of {word}.",
                f"**Chi phí của mức sàn {floor}.** Từ năm {inputs.start_year}, chi cho KH&CN phải đạt {nominal} theo "
                f"giá hiện hành; theo giá năm {inputs.base_year} là {const}, tức {grdp} {word}.")


def _cumulative_paragraph(d: Derivation, lang: str, periods: pd.DataFrame) -> str:
    inputs = d.inputs
    current = _share(inputs.current_share_pct, lang)
    sentences = []
    for period in _period_labels(inputs):
        total = _period_value(periods, "floor", period, "cumulative_spending_bn_vnd")
        gap = _period_value(periods, "floor", period, "cumulative_gap_bn_vnd")
        status_quo = _period_value(periods, "floor", period, "cumulative_status_quo_bn_vnd")
        more = gap >= 0
        sentences.append(pick(
            lang,
            f"over {period} the floor requires {_money(total, lang)} in total, {_money(abs(gap), lang)} "
            f"{'more' if more else 'less'} than keeping the {current} status quo ({_money(status_quo, lang)})",
            f"giai đoạn {period}, mức sàn đòi hỏi tổng cộng {_money(total, lang)}, {'nhiều' if more else 'ít'} hơn "
            f"{_money(abs(gap), lang)} so với giữ tỷ lệ hiện trạng {current} ({_money(status_quo, lang)})"))
    first = _period_labels(inputs)[0]
    ramp = _period_value(periods, "ramp", first, "cumulative_spending_bn_vnd")
    text = "; ".join(sentences)
    return pick(lang,
                f"**Cumulative totals.** {text[0].upper() + text[1:]}. The ramp from {current} in "
                f"{inputs.start_year} to {_share(inputs.floor_pct, lang)} in {inputs.ramp_year} requires "
                f"{_money(ramp, lang)} over {first}.",
                f"**Tổng lũy kế.** {text[0].upper() + text[1:]}. Lộ trình tăng dần từ {current} năm "
                f"{inputs.start_year} lên {_share(inputs.floor_pct, lang)} năm {inputs.ramp_year} cần "
                f"{_money(ramp, lang)} trong giai đoạn {first}.")


def _absorption_paragraph(d: Derivation, lang: str, name: str, main: BudgetResult) -> str:
    inputs, capacity = d.inputs, d.items["capacity"]
    if capacity is None:
        return pick(lang,
                    f"**Absorption.** The data has no absorption (capacity) figure for {name}, so no check is made; "
                    f"set capacity_bn_vnd to test one.",
                    f"**Khả năng hấp thụ.** Dữ liệu không có số liệu về khả năng hấp thụ của {name}, nên không kiểm "
                    f"tra; đặt capacity_bn_vnd để kiểm tra.")
    if capacity.rule == "target":
        low, high = capacity.facts["low_bn_vnd"], capacity.facts["high_bn_vnd"]
        source = pick(lang,
                      f"The plan judges {fmt_number(low, lang, 0)}–{_money(high, lang)} a year realistic to absorb; "
                      f"the check uses the top, {_money(high, lang)}, held flat (assumed)",
                      f"Kế hoạch đánh giá {fmt_number(low, lang, 0)}–{_money(high, lang)}/năm là mức khả thi để "
                      f"hấp thụ; phép kiểm tra dùng mức cao, {_money(high, lang)}, giữ nguyên (giả định)")
    else:
        source = pick(lang, f"Capacity set by the user: {_money(capacity.value, lang)} a year, held flat",
                      f"Khả năng hấp thụ do người dùng đặt: {_money(capacity.value, lang)}/năm, giữ nguyên")
    n_years = inputs.end_year - inputs.base_year + 1
    above, above_sq = main.years_above_capacity("floor"), main.years_above_capacity("status_quo")
    ratio = _value(main.yearly, "floor", inputs.start_year, "spending_to_capacity_ratio")
    ratio_text = fmt_number(ratio, lang, 1)
    if above:
        verdict = pick(lang,
                       f"The floor needs {ratio_text} times the capacity in {inputs.start_year} and exceeds it in "
                       f"{len(above)} of {n_years} years (first in {above[0]})",
                       f"Năm {inputs.start_year}, mức sàn cần gấp {ratio_text} lần khả năng hấp thụ và vượt khả "
                       f"năng này trong {len(above)}/{n_years} năm (lần đầu năm {above[0]})")
    else:
        verdict = pick(lang, f"The floor stays within the capacity in all {n_years} years",
                       f"Mức sàn nằm trong khả năng hấp thụ ở cả {n_years} năm")
    status_quo = pick(lang,
                      f"the {_share(inputs.current_share_pct, lang)} status quo exceeds it in {len(above_sq)} of "
                      f"{n_years} years",
                      f"giữ tỷ lệ hiện trạng {_share(inputs.current_share_pct, lang)} vượt trong {len(above_sq)}/"
                      f"{n_years} năm")
    return pick(lang, f"**Absorption.** {source}. {verdict}; {status_quo}.",
                f"**Khả năng hấp thụ.** {source}. {verdict}; {status_quo}.")


def _national_paragraph(d: Derivation, lang: str, name: str, yearly: pd.DataFrame, periods: pd.DataFrame) -> str:
    inputs, national = d.inputs, d.items["national"]
    n = _share(national.value, lang)
    on = pick(lang, "in", "năm")
    path = _join([f"{_money(_value(yearly, 'national_floor', y, 'spending_bn_vnd'), lang)} {on} {y}"
                  for y in _key_years(inputs)], lang)
    totals = _join([f"{_money(_period_value(periods, 'national_floor', p, 'cumulative_spending_bn_vnd'), lang)} "
                    f"{pick(lang, 'over', 'giai đoạn')} {p}" for p in _period_labels(inputs)], lang)
    if inputs.floor_pct == national.value:
        compare = pick(lang, "The floor of this report is the national floor.",
                       "Mức sàn của báo cáo này chính là mức sàn quốc gia.")
    else:
        factor = fmt_number(inputs.floor_pct / national.value, lang, 1)
        compare = pick(lang, f"The {_share(inputs.floor_pct, lang)} floor costs {factor} times as much.",
                       f"Mức sàn {_share(inputs.floor_pct, lang)} tốn gấp {factor} lần.")
    if inputs.current_share_pct >= national.value:
        compare += pick(lang, f" The status quo ({_share(inputs.current_share_pct, lang)}) already meets it.",
                        f" Tỷ lệ hiện trạng ({_share(inputs.current_share_pct, lang)}) đã đạt mức này.")
    instrument = national.facts["instrument"]
    return pick(lang,
                f"**The national {n} floor.** {instrument} sets at least {n} of state budget expenditure for S&T, "
                f"innovation and digital transformation ({national.facts['target_id']}). Applied to the budget path "
                f"of {name}, it means {path}; {totals}. {compare}",
                f"**Mức sàn quốc gia {n}.** {instrument.replace('Resolution', 'Nghị quyết')} quy định dành tối "
                f"thiểu {n} tổng chi "
                f"ngân sách nhà nước cho KH&CN, đổi mới sáng tạo và chuyển đổi số ({national.facts['target_id']}). "
                f"Áp dụng cho đường chi ngân sách của {name}, mức này tương ứng {path}; tổng cộng {totals}. {compare}")


def _rnd_paragraph(pkg, d: Derivation, lang: str, rnd_table: pd.DataFrame, year: int) -> str:
    row = rnd_table[rnd_table["year"] == year].iloc[0]
    gerd, uis = _gerd(pkg, d.inputs.base_year)
    target, nonstate = _target(pkg, GERD_TARGET_ID), _target(pkg, NONSTATE_TARGET_ID)
    concept_en = data.label("concept", gerd["concept"], "en", pkg, default=gerd["concept"])
    concept_vi = data.label("concept", gerd["concept"], "vi", pkg, default=gerd["concept"])
    uis_text = "" if uis is None else pick(
        lang, f"; the internationally comparable UIS series gives {_share(uis['value'], lang)} for {int(uis['year'])}",
        f"; chuỗi UIS so sánh quốc tế cho {_share(uis['value'], lang)} năm {int(uis['year'])}")
    goal, share_floor = _share(float(target["value"]), lang), fmt_pct(row["public_rnd_share_of_national_floor_pct"],
                                                                      lang, 0)
    ns, national = _share(float(nonstate["value"]), lang), _share(d.items["national"].value, lang)
    return pick(lang,
                f"**R&D at {goal} of GDP by {int(target['year'])}.** GERD was {_share(gerd['value'], lang)} of GDP in "
                f"{int(gerd['year'])} ({concept_en}){uis_text}. On a straight line to the target ({GERD_TARGET_ID}), "
                f"GERD must be {_money(row['gerd_required_bn_vnd'], lang)} in {year} (GDP "
                f"{_money(row['gdp_bn_vnd'], lang)}), {_money(row['gerd_gap_bn_vnd'], lang)} more than at the "
                f"observed share. With more than {ns} from non-state sources ({NONSTATE_TARGET_ID}), non-state R&D "
                f"must exceed {_money(row['nonstate_rnd_min_bn_vnd'], lang)}, leaving public R&D at most "
                f"{_money(row['public_rnd_max_bn_vnd'], lang)}: {share_floor} of the national {national} floor "
                f"({_money(row['national_floor_spending_bn_vnd'], lang)} in {year}), which must also pay for "
                f"innovation and digital transformation.",
                f"**R&D đạt {goal} GDP vào năm {int(target['year'])}.** Chi cho R&D (GERD) bằng "
                f"{_share(gerd['value'], lang)} GDP năm {int(gerd['year'])} ({concept_vi}){uis_text}. Theo đường "
                f"thẳng đến mục tiêu ({GERD_TARGET_ID}), GERD năm {year} phải đạt "
                f"{_money(row['gerd_required_bn_vnd'], lang)} (GDP {_money(row['gdp_bn_vnd'], lang)}), nhiều hơn "
                f"{_money(row['gerd_gap_bn_vnd'], lang)} so với giữ tỷ lệ quan sát. Với trên {ns} từ nguồn ngoài "
                f"nhà nước ({NONSTATE_TARGET_ID}), R&D ngoài nhà nước phải vượt "
                f"{_money(row['nonstate_rnd_min_bn_vnd'], lang)}, còn R&D từ ngân sách tối đa "
                f"{_money(row['public_rnd_max_bn_vnd'], lang)}: bằng {share_floor} mức sàn quốc gia {national} "
                f"({_money(row['national_floor_spending_bn_vnd'], lang)} năm {year}), vốn còn phải chi cho đổi mới "
                f"sáng tạo và chuyển đổi số.")


def _assumptions_paragraph(d: Derivation, lang: str, records: list[Assumption]) -> str:
    from .charts.budget_floor_charts import footnote_lines

    unique = list({(a.name, a.value, a.basis): a for a in records}.values())
    lines = footnote_lines(unique, lang)
    caveats = [pair[1 if lang == "vi" else 0] for item in d.items.values() if item is not None
               for pair in item.caveats]
    head = pick(lang, "**What is observed, derived and assumed.**", "**Số liệu công bố, tính toán và giả định.**")
    return " ".join([head, *lines, *caveats])
