"""The steps of the ``digital_economy`` notebook: data, history on each definition, calibration,
scenarios, projection, required paths and attainment, simulation, assessments, back-test, sensitivity,
narrative, results.

The notebook answers, for one geography and on each definition of the digital economy that has data
for it or its proxy: where does the share stand (from which source), what pace do its targets need,
in which years would the scenarios reach them, how likely that is (only where the data support a
probability), how progress is assessed (Eurostat and UNSD methods), how well the methods did on past
data (back-test) and which assumption matters most (tornado). Each step below is one public function
the notebook calls in its own cell; the steps read the data package and call the pure engines
(``share_projection``, ``monte_carlo``, ``progress_assessment``, ``backtest``, ``outlook_sensitivity``).
The scenarios are a list the researcher edits in the notebook (``current_trend(...)``, ``logistic(...)``
and their siblings build its entries).

Choices, each stated in the report:

- **Definitions side by side** (parameter ``concept``: ``both`` by default). Two definitions exist:
  the statistics office's value-added measure (``nso``) and the ministry's broader estimate
  (``ministry``). Every definition with data for the geography or its proxy gets its own history,
  calibration, paths and fan; no path mixes them.
- **Base on each definition**: the geography's latest own observation. A unit created by the 2025
  merger has none: its base is an explicit assumption, the GRDP-weighted average of its old
  provinces' shares, an old province without one at the median of comparable provinces
  (``COMPARABLE_PROVINCES``; ``assumed_merged_base``, history status 'imputed', never drawn as observed;
  its range enters the tornado). A definition on which the geography has no value but
  its proxy has (e.g. Vĩnh Phúc on the statistics office's measure) gets a **relative-level** base,
  also an assumption: the proxy's value on that definition times the geography's level relative to
  the proxy on the other definition in the same year (``relative_level_base``).
- **Calibration**: the geography's own series when it has two or more observations of the
  definition, else the ``proxy`` geography's series of the same definition (default: the nation).
- **Targets that do not state their definition** (``compared_on_definition``): a target is read on the
  definition in use when it was set. A provincial target (any geography but the nation) is read on the
  ministry's measure, the only one published for provinces. A national target is read on the
  statistics office's value-added measure when its source was published on or after the office first
  published that measure (the earliest publication date of ANY ``nso`` observation in the data, every
  vintage: ``nso_first_published``), else on the ministry's measure (``UNSTATED_TARGET_CONCEPT``), the
  only one published before; an undated source borrows the date of a dated source of the same
  instrument, and a target whose date stays unknown or straddles that date is read on the ministry's
  measure, and says so. The report shows the other definition beside it, always, and where the two
  definitions give a target different statuses the one-minute answer says it depends on the definition.
- **Time as of the data**: the as-of year is the year of the newest publication date in the data
  (``data.as_of_year``). A target whose year is before it has passed
  (``share_projection.target_has_passed``, the scorecard's rule too): it is not projected and reads
  "target year passed" with the latest value (and met / not met where the target year itself is observed).
- **Probabilities only from a model that earned them** (:mod:`nq57lib.model_validation`): with fewer than 3 own
  observations on a definition (``monte_carlo.MIN_OBS_FOR_PROBABILITY``) there is no probability, and with 3 or
  more a probability is printed only where the Monte Carlo set-up was back-tested on the data as first published
  (at least 5 held-out points, 90 % band coverage consistent with 90 %). Otherwise the report gives the pace-gap
  table (pace needed, paces observed, damped pace) and P as a range across stated priors, labelled as not
  validated; no fan is drawn and ``bands.csv`` is empty with its reason.
- **Paths may slow**: each path draws its own damping of the pace (``model_validation.damping_prior``), so every
  horizon (2030, 2045) has its own spread from one model, not a pace averaged to the first target.
- **One ceiling** (``ceiling``, :mod:`nq57lib.ceilings`): the geography's own sector bound (100 -
  agriculture - taxes on products), a merged unit's old provinces' GRDP-weighted bounds, else 70 % as a
  labelled fallback; ``ceiling_pct`` > 0 sets it. The notebook passes the one value to every step that caps a
  path, and the results and the words read it from there.
- **Nominal GRDP growth** (``g_grdp_pct``; 0 = from data) is the one the budget report uses
  (``nq57lib.grdp_growth``): the medium-term geometric mean of observed real growth compounded with
  the deflator ``deflator_pct`` (same default as the budget report's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from . import (backtest, bounds, ceilings, data_package, data_texts, geography, grdp_growth, model_validation, monte_carlo, outlook_sensitivity, progress_assessment, series_ranking, share_projection, target_verdicts)
from .config import NATION
from .errors import ParameterError, check_number
from .formatting import (LANGS, comparator_text, fmt_number, fmt_pct, format_date, format_number, localize_marks,
                         percent_text)
from .provenance import ASSUMED, Assumption
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .target_assessment import (UNSTATED_TARGET_CONCEPT, nso_first_published, target_definitions)
from .text import Joined, Names, Phrase, catalog, names, phrase, plain, prose_date, render, section, t

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words

INDICATOR = "de_share_pct"
CONCEPTS = ("nso", "ministry")  # the two definitions: statistics office value added, ministry estimate
HISTORY_COLUMNS = ["year", "value", "unit", "status", "concept", "source_id", "publisher", "segment"]
# Error of an assumed starting level (merged unit, relative level), sd in log points x100: a round prior,
# not estimated (no second measurement exists); an observed base is taken as published (no error drawn).
ASSUMED_BASE_SD_PCT = 10.0
# Plausible ranges of the tornado (which assumption matters most); each is stated in the report.
PACE_Z = 1.645  # pace: the 5-95 % range of the Monte Carlo's pace distribution
BASE_RANGE_PCT = 10.0  # base value: +-10 % (the assumed-base error prior)
GRDP_RANGE_PP = 2.0  # nominal GRDP growth +-2 pp, digital-economy value-added growth held
REPORT_YEARS = (2030, 2045)


# --------------------------------------------------------------------------------------------
# Inputs from the data package
# --------------------------------------------------------------------------------------------

# Provinces of the ministry's 2022 panel comparable in structure to an old province without a share of its own
# (imputation of a merged unit's starting share, :func:`assumed_merged_base`): the panel's provinces with neither an
# electronics-manufacturing cluster nor a metropolitan centre -- the economy of Hòa Bình and of the old Phú Thọ
# (agriculture about a fifth of GRDP in the data, no electronics cluster). The panel's other provinces (Bắc Ninh,
# Thái Nguyên, Bắc Giang, Hải Phòng, Vĩnh Phúc: electronics and motor-vehicle FDI; Hà Nội, Ho Chi Minh City,
# Đà Nẵng: metropolitan centres) sit at 17-57 %, these at 4-6 %. A labelled assumption; the report states it.
COMPARABLE_PROVINCES = ("bac-lieu", "binh-thuan", "quang-ngai", "tay-ninh", "tien-giang")
IMPUTED_STATUS = "imputed"  # the history status of a starting share built from imputed parts (never "observed")
ASSUMED_STATUS = "assumed"  # the history status of a starting share carried across definitions


def imputed_share(pkg: data_package.DataPackage, concept: str, year: int, national: pd.DataFrame
                  ) -> tuple[float, float, float, list[str], list[str]] | None:
    """(median, low, high, comparable provinces, their source ids) of the comparable provinces' shares on
    ``concept`` in ``year`` (:data:`COMPARABLE_PROVINCES`): the median is the imputed share; the range runs from
    the lowest comparable share to the national share of that year (the former assumption, an upper end: the
    national mean includes the electronics and metropolitan provinces), or the highest comparable share when
    the nation has none. None when no comparable province has a share that year."""
    values, geos, sources = [], [], []
    for geo in COMPARABLE_PROVINCES:
        series = series_ranking.series(pkg, geo, INDICATOR, concept=concept)
        hit = series[series["year"] == year]
        if not hit.empty:
            values.append(float(hit["value"].iloc[0]))
            geos.append(geo)
            sources.append(str(hit["source_id"].iloc[0]))
    if not values:
        return None
    national_row = national[national["year"] == year]
    high = float(national_row["value"].iloc[0]) if not national_row.empty else max(values)
    return float(np.median(values)), min(values), max(high, max(values)), geos, sorted(set(sources))


def assumed_merged_base(pkg: data_package.DataPackage, geo_id: str, lang: str = "en") -> tuple[pd.DataFrame, Assumption]:
    """A one-row history for a merged 2025 unit, built as a labelled assumption (status 'imputed').

    share = sum_i(w_i * s_i) / sum_i(w_i) over the old provinces i, where s_i is the province's
    observed share (its latest year, on the definition most of them report) or, where it has none, an
    imputed share: the median of the comparable provinces' shares of that definition and year
    (:data:`COMPARABLE_PROVINCES`, :func:`imputed_share`), else the national share (a proxy, said so); w_i is the
    province's GRDP at current prices in the latest year every old province reports it. The history's
    ``attrs['base_range']`` holds the share with every imputed part at the low and at the high end of its range
    (the tornado's range). Raises ParameterError when no old province has an observed share.
    """
    parts = geography.old_units(pkg, geo_id)
    observed = {p: series_ranking.series(pkg, p, INDICATOR) for p in parts}
    observed = {p: s for p, s in observed.items() if not s.empty}
    if not parts or not observed:
        raise ParameterError("geo", f"no digital-economy share is observed for {geo_id!r} or the provinces it was "
                                    "formed from; choose another geography")
    concept = pd.Series([s["concept"].iloc[-1] for s in observed.values()]).mode().iloc[0]
    observed = {p: s for p, s in observed.items() if s["concept"].iloc[-1] == concept}
    year = max(int(s["year"].iloc[-1]) for s in observed.values())
    national = series_ranking.series(pkg, NATION, INDICATOR, concept=concept)
    national_row = national[national["year"] == year]
    imputed = imputed_share(pkg, concept, year, national) if len(observed) < len(parts) else None
    grdp = {p: series_ranking.series(pkg, p, "grdp_current_bn_vnd") for p in parts}
    common_years = set.intersection(*[set(g["year"].astype(int)) for g in grdp.values()]) if grdp else set()
    if not common_years or (len(observed) < len(parts) and national_row.empty and imputed is None):
        raise ParameterError("geo", f"cannot weight the old provinces of {geo_id!r}: GRDP of every province in one "
                                    "year and comparable provinces' or a national share to stand in are both needed")
    weight_year = max(common_years)
    shares, lows, highs, weights, pieces, sources = {}, {}, {}, {}, [], set()
    for p in parts:
        g = grdp[p][grdp[p]["year"] == weight_year].iloc[0]
        weights[p] = float(g["value"])
        sources.add(g["source_id"])
        if p in observed:
            row = observed[p].iloc[-1]
            shares[p] = lows[p] = highs[p] = float(row["value"])
            sources.add(row["source_id"])
            pieces.append(phrase(_B + "piece_observed", geo=_geo_id_words(pkg, p), share=shares[p], year=int(row["year"]),
                                 source=row["source_id"]))
        elif imputed is not None:
            shares[p], lows[p], highs[p], comparables, comparable_sources = imputed
            sources.update(comparable_sources)
            if not national_row.empty:
                sources.add(national_row["source_id"].iloc[0])
            pieces.append(phrase(_B + "piece_imputed", geo=_geo_id_words(pkg, p), share=shares[p], year=year,
                                 concept=share_projection.concept_word(concept),
                                 comparables=Joined(", ", tuple(_geo_id_words(pkg, c) for c in comparables)),
                                 low=lows[p], high=highs[p], sources=", ".join(comparable_sources)))
        else:
            shares[p] = lows[p] = highs[p] = float(national_row["value"].iloc[0])
            sources.add(national_row["source_id"].iloc[0])
            pieces.append(phrase(_B + "piece_assumed", geo=_geo_id_words(pkg, p), share=shares[p],
                                 concept=share_projection.concept_word(concept), year=year,
                                 source=national_row["source_id"].iloc[0]))
    total = sum(weights.values())
    value = sum(shares[p] * weights[p] for p in parts) / total
    low = sum(lows[p] * weights[p] for p in parts) / total
    high = sum(highs[p] * weights[p] for p in parts) / total
    weight_text = Joined(", ", tuple(phrase(_B + "weight", geo=_geo_id_words(pkg, p), weight=weights[p]) for p in parts))
    basis = phrase(_B + "weighted_base", pieces=tuple(pieces), year=weight_year, weights=weight_text, value=value)
    if low < value or high > value:
        basis = phrase(_B + "weighted_base_range", base=basis, low=low, high=high)
    assumption = Assumption("base_share_pct", value, "%", ASSUMED,
                            phrase(_L + "assumed_share", year=year, geo=_geo_id_words(pkg, geo_id),
                                   concept=share_projection.concept_word(concept)), basis)
    history = pd.DataFrame([{"year": year, "value": value, "unit": "% of GRDP", "status": IMPUTED_STATUS,
                             "concept": concept, "source_id": "", "publisher": "nq57 assumption", "segment": 0}])
    history.attrs["sources"] = sorted(sources)
    history.attrs["base_range"] = (low, high)
    return history, assumption


def _history_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in HISTORY_COLUMNS + ["published", "tier", "url", "note"] if c in frame]].copy()


def relative_level_base(pkg: data_package.DataPackage, geo_id: str, concept: str, other: pd.DataFrame,
                        proxy_geo: str) -> tuple[pd.DataFrame, Assumption] | None:
    """A one-row history on ``concept`` for a geography with a base only on the other definition.

    share = proxy's ``concept`` share in year Y x (geography's other-definition share in Y / proxy's
    other-definition share in Y), Y the year of the geography's base on the other definition: its level
    relative to the proxy, carried across definitions. An assumption, labelled; None when the proxy
    lacks either definition in Y.
    """
    row = other.iloc[-1]
    year, other_concept = int(row["year"]), str(row["concept"])
    proxy_c = series_ranking.series(pkg, proxy_geo, INDICATOR, concept=concept)
    proxy_o = series_ranking.series(pkg, proxy_geo, INDICATOR, concept=other_concept)
    pc, po = proxy_c[proxy_c["year"] == year], proxy_o[proxy_o["year"] == year]
    if pc.empty or po.empty or float(po["value"].iloc[0]) <= 0:
        return None
    ratio = float(row["value"]) / float(po["value"].iloc[0])
    value = float(pc["value"].iloc[0]) * ratio
    basis = phrase(_B + "relative_base", proxy=_geo_id_words(pkg, proxy_geo),
                   concept=share_projection.concept_word(concept), year=year,
                   proxy_share=float(pc["value"].iloc[0]), proxy_source=pc["source_id"].iloc[0],
                   geo=_geo_id_words(pkg, geo_id), other=share_projection.concept_word(other_concept), own=float(row["value"]), proxy_other=float(po["value"].iloc[0]),
                   ratio=ratio, other_source=po["source_id"].iloc[0], value=value)
    assumption = Assumption(f"base_share_pct ({concept})", value, "%", ASSUMED,
                            phrase(_L + "assumed_share", year=year, geo=_geo_id_words(pkg, geo_id),
                                   concept=share_projection.concept_word(concept)), basis)
    history = pd.DataFrame([{"year": year, "value": value, "unit": "% of GRDP", "status": ASSUMED_STATUS,
                             "concept": concept, "source_id": "", "publisher": "nq57 assumption", "segment": 0}])
    history.attrs["sources"] = sorted({str(pc["source_id"].iloc[0]), str(po["source_id"].iloc[0]),
                                       *other.attrs.get("sources", []),
                                       *[s for s in [row.get("source_id", "")] if s]})
    return history, assumption


def definition_histories(pkg: data_package.DataPackage, geo_id: str, proxy_geo: str
                         ) -> tuple[dict[str, pd.DataFrame], dict[str, list[Assumption]], dict[str, int]]:
    """(history, base assumptions, own observation count) on every definition with data for the
    geography or its proxy. Raises ParameterError when the geography has no base on any definition."""
    histories, assumptions, n_own = {}, {}, {}
    for concept in CONCEPTS:
        own = series_ranking.series(pkg, geo_id, INDICATOR, concept=concept)
        n_own[concept] = len(own)
        if not own.empty:
            histories[concept], assumptions[concept] = _history_rows(own), []
    if not histories and geography.old_units(pkg, geo_id):
        history, assumption = assumed_merged_base(pkg, geo_id)
        concept = str(history["concept"].iloc[0])
        histories[concept], assumptions[concept] = history, [assumption]
    if not histories:
        raise ParameterError("geo", f"no digital-economy share is observed for {geo_id!r}; provinces with one: "
                                    + ", ".join(sorted(set(pkg.observations.loc[
                                        pkg.observations["indicator_id"] == INDICATOR, "geo_id"]))))
    if proxy_geo != geo_id:
        for concept in CONCEPTS:
            if concept in histories:
                continue
            source = next(iter(histories))
            made = relative_level_base(pkg, geo_id, concept, histories[source], proxy_geo)
            if made is not None:
                histories[concept] = made[0]
                assumptions[concept] = [*assumptions[source], made[1]]
    return histories, assumptions, n_own


def share_history(pkg: data_package.DataPackage, geo_id: str) -> tuple[pd.DataFrame, list[Assumption]]:
    """The history the projection starts from on the indicator's default definition, and its assumptions."""
    history = series_ranking.series(pkg, geo_id, INDICATOR)
    if not history.empty:
        return _history_rows(history), []
    histories, assumptions, _ = definition_histories(pkg, geo_id, geo_id)
    concept = next(iter(histories))
    return histories[concept], assumptions[concept]


def share_history_for(pkg: data_package.DataPackage, P) -> pd.DataFrame:
    """The histories of a run's parameters (the runner's cheap input check): raises ParameterError
    naming ``geo`` or ``concept`` when the report cannot run, and the parameter whose value an engine
    would refuse later (:func:`check_bounds`)."""
    inputs = _inputs(pkg, P.geo, P.proxy, P.lang, getattr(P, "concept", "both"))
    check_bounds(inputs, P, ceiling(pkg, inputs, P))
    return inputs.history


def check_bounds(inputs: ShareInputs, P, ceiling: ceilings.Ceiling) -> None:
    """Every bound the engines enforce, checked from the parameters before any kernel starts.

    The same functions of ``nq57lib.bounds`` the engines call: paths, the Monte Carlo memory guard
    (paths x years x fans, an upper bound of the engine's path shapes), the horizon against every
    target ahead, and the ceiling above the latest share on each definition shown (the simulation
    would otherwise cap every path at the current share while the report still printed the ceiling).
    """
    bounds.check_paths("n_paths", P.n_paths)
    base_years = [int(inputs.histories[c]["year"].iloc[-1]) for c in inputs.concepts]
    for concept in inputs.concepts:
        latest = float(inputs.histories[concept]["value"].iloc[-1])
        ceilings.check_above(ceiling, latest, f"the latest share on '{concept}' ({inputs.geo_id})")
        ahead = targets_ahead(inputs, concept)
        bounds.check_horizon("horizon_year", P.horizon_year, zip(ahead["target_id"], ahead["year"]))
    fans = len(inputs.concepts) + (1 if len(inputs.concepts) > 1 else 0)
    bounds.check_sim_size("n_paths", P.n_paths, P.horizon_year - min(base_years) + 1, fans)


def _proxy_history(pkg: data_package.DataPackage, proxy_geo: str, concept: str) -> pd.DataFrame | None:
    proxy = series_ranking.series(pkg, proxy_geo, INDICATOR, concept=concept)
    return None if proxy.empty else proxy[HISTORY_COLUMNS]


def calibration_for(pkg: data_package.DataPackage, geo: str, proxy: str = ""):
    """(history, base assumptions, calibration, proxy history) on the indicator's default definition
    for the geography (``share_history``: the statistics office's where it has data).

    Used by the Monte Carlo benchmark, so it simulates what the report shows on that definition.
    """
    inputs = _inputs(pkg, geo, proxy, "en", "both")
    concept = str(share_history(pkg, geo)[0]["concept"].iloc[-1])
    cal = calibrate(pkg, inputs).by_concept[concept]
    return inputs.histories[concept], inputs.base_assumptions[concept], cal, inputs.proxy_histories.get(concept)


# --------------------------------------------------------------------------------------------
# Step 1: the data
# --------------------------------------------------------------------------------------------

def _frame_html(frame: pd.DataFrame, caption: str) -> str:
    return f"<p><b>{caption}</b></p>" + frame.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}")


@dataclass
class ShareInputs:
    """What the data package holds for one run, on each definition shown.

    ``histories``: per definition, the best observation per year (or the assumed base);
    ``base_assumptions``: per definition, the assumptions its base rests on; ``n_own``: own
    observations per definition; ``targets``: every registered target; ``as_of_year``: the year of
    the newest publication date in the data; ``proxy_histories``: the proxy's series per definition.
    """

    geo_id: str
    name: str
    lang: str
    concepts: tuple[str, ...]
    histories: dict[str, pd.DataFrame]
    base_assumptions: dict[str, list[Assumption]]
    n_own: dict[str, int]
    targets: pd.DataFrame
    as_of_year: int
    proxy_geo: str
    proxy_name: str
    proxy_histories: dict[str, pd.DataFrame]
    national: pd.DataFrame
    nso_first_published: str
    base_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # an imputed base's range
    # the geography's own series as published at each release, per definition (the real-time back-test)
    vintages: dict[str, model_validation.Vintages] = field(default_factory=dict)

    @property
    def history(self) -> pd.DataFrame:
        """Every definition's history in one table (a ``concept`` column tells them apart)."""
        frame = pd.concat([self.histories[c] for c in self.concepts], ignore_index=True)
        frame.attrs["sources"] = sorted({s for c in self.concepts for s in self.histories[c].attrs.get("sources", [])})
        return frame

    def is_assumed(self, concept: str) -> bool:
        """True when the base on ``concept`` is an assumption, not an observation."""
        return self.n_own.get(concept, 0) == 0

    def _repr_html_(self) -> str:
        return _frame_html(self.history[HISTORY_COLUMNS], f"{self.name}: {INDICATOR} (as of {self.as_of_year})")


def load_inputs(pkg: data_package.DataPackage, P) -> ShareInputs:
    """Step 1: the histories on each definition, targets, proxy series, as-of year, national position."""
    return _inputs(pkg, P.geo, P.proxy, P.lang, P.concept)


def _inputs(pkg: data_package.DataPackage, geo: str, proxy: str, lang: str, concept: str) -> ShareInputs:
    proxy_geo = proxy or NATION
    histories, assumptions, n_own = definition_histories(pkg, geo, proxy_geo)
    wanted = CONCEPTS if concept == "both" else (concept,)
    missing = [c for c in wanted if c not in histories]
    if concept != "both" and missing:
        raise ParameterError("concept", f"no '{concept}' share for {geo!r} or its proxy {proxy_geo!r}; "
                                        f"available: {', '.join(histories)}")
    order = sorted((c for c in wanted if c in histories), key=lambda c: c != UNSTATED_TARGET_CONCEPT)
    first = nso_first_published(pkg)
    targets = target_definitions(pkg, geo, first)
    proxies = {c: _proxy_history(pkg, proxy_geo, c) for c in order} if proxy_geo != geo else {}
    return ShareInputs(geo_id=geo, name=geography.geo_name(pkg, geo, lang), lang=lang, concepts=tuple(order),
                       histories={c: histories[c] for c in order},
                       base_assumptions={c: assumptions[c] for c in order}, n_own={c: n_own[c] for c in order},
                       targets=targets, as_of_year=data_package.as_of_year(pkg), proxy_geo=proxy_geo,
                       proxy_name=geography.geo_name(pkg, proxy_geo, lang),
                       proxy_histories={c: h for c, h in proxies.items() if h is not None},
                       national=_national_position(pkg) if geo != NATION else pd.DataFrame(),
                       nso_first_published=first,
                       base_ranges={c: histories[c].attrs["base_range"] for c in order
                                    if "base_range" in histories[c].attrs},
                       vintages={c: model_validation.read_vintages(pkg, geo, INDICATOR, c) for c in order
                                 if n_own[c] >= model_validation.REALTIME_MIN_TRAIN})


# --------------------------------------------------------------------------------------------
# Step 2: the history on each definition
# --------------------------------------------------------------------------------------------

def history_by_definition(inputs: ShareInputs) -> pd.DataFrame:
    """Step 2: on each definition, the geography's own observations, its base and the proxy's series.

    Columns: concept, n_own_obs, base_year, base_share_pct, base_kind ('observed' or 'assumed'),
    proxy_geo, proxy_n_obs, proxy_first_year, proxy_last_year.
    """
    rows = []
    for concept in inputs.concepts:
        history = inputs.histories[concept]
        proxy = inputs.proxy_histories.get(concept)
        rows.append({"concept": concept, "n_own_obs": inputs.n_own[concept],
                     "base_year": int(history["year"].iloc[-1]), "base_share_pct": float(history["value"].iloc[-1]),
                     "base_kind": "assumed" if inputs.is_assumed(concept) else "observed",
                     "proxy_geo": inputs.proxy_geo if proxy is not None else "",
                     "proxy_n_obs": 0 if proxy is None else len(proxy),
                     "proxy_first_year": pd.NA if proxy is None else int(proxy["year"].iloc[0]),
                     "proxy_last_year": pd.NA if proxy is None else int(proxy["year"].iloc[-1])})
    out = pd.DataFrame(rows)
    for column in ("proxy_first_year", "proxy_last_year"):
        out[column] = out[column].astype("Int64")
    return out


# --------------------------------------------------------------------------------------------
# Step 3: the calibration, and the GRDP growth assumption
# --------------------------------------------------------------------------------------------

@dataclass
class Calibrations:
    """The calibration of each definition (base and pace) and, where the series allows, its damped pace."""

    by_concept: dict[str, share_projection.Calibration]
    damped: dict[str, share_projection.DampedFit | None]

    def table(self) -> pd.DataFrame:
        """One row per definition: base, pace, where the pace comes from, the damped fit."""
        rows = []
        for concept, c in self.by_concept.items():
            fit = self.damped.get(concept)
            rows.append({"concept": concept, "base_year": c.base_year, "base_share_pct": c.base_share_pct,
                         "pace_source": c.source, "pace_label": c.pace_label,
                         "pace_years": f"{c.pace_first_year}-{c.pace_last_year}", "pace_n_obs": c.pace_n_obs,
                         "growth_pct": c.growth_pct, "pp_per_year": c.pp_per_year,
                         "trend_sd_pct": c.trend_sd_pct, "damping": None if fit is None else fit.damping})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return _frame_html(self.table(), "calibration")


def _geo_names(pkg: data_package.DataPackage, geo_id: str) -> Names:
    return names(en=geography.geo_name(pkg, geo_id, "en"), vi=geography.geo_name(pkg, geo_id, "vi"))


def _geo_phrase(pkg: data_package.DataPackage, geo_id: str) -> Phrase:
    """A geography's name as a phrase (English name; Vietnamese in a Vietnamese report)."""
    return phrase(_B + "name", name=_geo_names(pkg, geo_id))


def _geo_id_words(pkg: data_package.DataPackage, geo_id: str) -> Names:
    """A geography's id where the results have always named it, its Vietnamese name for a Vietnamese reader."""
    return names(en=geo_id, vi=geography.geo_name(pkg, geo_id, "vi"))


def calibrate(pkg: data_package.DataPackage, inputs: ShareInputs) -> Calibrations:
    """Step 3: base observation and pace on each definition, and the damped pace where it can be fitted.

    The pace comes from the geography's own series when it has >= 2 observations of the definition,
    else from the proxy (default: the nation) on the same definition. The damped pace is fitted to the
    same series (>= 3 observations).
    """
    by_concept, damped = {}, {}
    # names as phrases: the English names (the results files' words), the Vietnamese ones in a Vietnamese report
    label = _geo_phrase(pkg, inputs.geo_id)
    for concept in inputs.concepts:
        proxy = inputs.proxy_histories.get(concept)
        proxy_label = phrase(_B + "series", name=_geo_names(pkg, inputs.proxy_geo),
                             concept=share_projection.concept_word(concept))
        cal = share_projection.calibrate(inputs.histories[concept][HISTORY_COLUMNS], concept=concept, label=label,
                                         proxy=proxy, proxy_label=proxy_label,
                                         base_is_assumed=inputs.is_assumed(concept))  # never count it as one
        by_concept[concept] = cal
        fitted = inputs.histories[concept] if cal.source == "own" else proxy
        fit_label = label if cal.source == "own" else proxy_label
        damped[concept] = (share_projection.fit_damped_pace(fitted[HISTORY_COLUMNS], concept=concept, label=fit_label)
                           if fitted is not None and len(fitted) >= share_projection.DAMPED_MIN_OBS else None)
    return Calibrations(by_concept, damped)


def grdp_growth_assumption(pkg: data_package.DataPackage, inputs: ShareInputs, P) -> grdp_growth.GrowthAssumption:
    """Step 3b: the nominal GRDP growth of the implied digital-economy growth and the decomposition.

    ``g_grdp_pct`` 0 means "from data": :func:`nq57lib.grdp_growth.growth_assumption`, the one the budget
    report uses, over the window ending at ``grdp_growth.window_end`` (the data's as-of year): the
    medium-term geometric mean of observed real growth compounded with ``deflator_pct`` (labelled by
    ``grdp_growth.deflator_choice``); a geography without real growth in the data borrows the nation's,
    labelled (rule ``borrowed``). A non-zero ``g_grdp_pct`` is the nominal rate itself (a scenario), deflator 0.
    """
    if P.g_grdp_pct != 0:
        return grdp_growth.GrowthAssumption(inputs.geo_id, float(P.g_grdp_pct), 0.0, ASSUMED,
                                            phrase(_B + "nominal_run"), phrase(_B + "in_g_grdp"),
                                            rule=grdp_growth.PARAMETER)
    return grdp_growth.growth_assumption(pkg, inputs.geo_id, grdp_growth.window_end(pkg),
                                         deflator_pct=P.deflator_pct, deflator_set="deflator_pct" in P.given)


# --------------------------------------------------------------------------------------------
# Step 4: the scenarios (the notebook's editable list is built from these)
# --------------------------------------------------------------------------------------------

RELATIVE, DECOMPOSITION = "relative", "decomposition"  # this report's own scenario ids (words: [digital_economy.scenario])


@dataclass(frozen=True)
class DefinitionScenario:
    """A scenario projected on one definition (``concept``) only."""

    concept: str
    scenario: share_projection.Scenario


def _default(calibrations: Calibrations, concept: str, scenario_id: str, **kw) -> list[DefinitionScenario]:
    """The engine's default scenario ``scenario_id`` (``share_projection.TARGET_PATH``, ...) for ``concept``, if it
    applies."""
    cal = calibrations.by_concept[concept]
    for scenario in share_projection.default_scenarios(cal, **kw):
        if scenario.id == scenario_id:
            return [DefinitionScenario(concept, scenario)]
    return []


def current_trend(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The calibrated pace held constant (CAGR), on each definition; capped at the ceiling."""
    return [s for c in calibrations.by_concept for s in _default(calibrations, c, share_projection.CURRENT_TREND)]


def linear_trend(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The calibrated change in percentage points a year held constant, on each definition."""
    return [DefinitionScenario(c, share_projection.linear_scenario(cal)) for c, cal in calibrations.by_concept.items()]


def damped_pace(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The pace slowing as the series' own growth slowed (fitted damping), where it can be fitted."""
    return [DefinitionScenario(c, share_projection.damped_scenario(fit)) for c, fit in calibrations.damped.items()
            if fit is not None and fit.damping < 1]


def relative_level(calibrations: Calibrations, inputs: ShareInputs) -> list[DefinitionScenario]:
    """On each definition calibrated on the proxy: the proxy's observed path after the base year, then
    its damped pace where its growth slowed (else its constant pace), scaled by the level relative to
    the proxy."""
    out = []
    for concept, cal in calibrations.by_concept.items():
        proxy = inputs.proxy_histories.get(concept)
        if cal.source != "proxy" or proxy is None or cal.base_year not in set(proxy["year"].astype(int)):
            continue
        last_year, last = int(proxy["year"].iloc[-1]), float(proxy["value"].iloc[-1])
        fit = calibrations.damped.get(concept)
        steps = np.arange(1, share_projection.LAST_YEAR - last_year + 1)
        slowing = fit is not None and fit.damping < 1  # as damped_pace: only a pace seen to slow is damped
        path = (share_projection.damped_path(last, fit.start_growth_pct, fit.damping, steps) if slowing
                else share_projection.cagr_path(last, cal.growth_pct, steps))
        table = pd.concat([proxy.rename(columns={"value": "share_pct"})[["year", "share_pct"]],
                           pd.DataFrame({"year": steps + last_year, "share_pct": path})], ignore_index=True)
        table = table[table["year"] >= cal.base_year]
        label = cal.pace_label
        # the proxy in the report's language when it is Vietnamese (the English label stays in the results)
        label_vi = (f"{inputs.proxy_name} ({t(f'digital_economy.view.short_{cal.pace_concept}', 'vi')})"
                    if inputs.lang == "vi" else label)
        out.append(DefinitionScenario(concept, share_projection.relative_level_scenario(
            t("digital_economy.scenario.relative", "en", proxy=label), cal.base_year, cal.base_share_pct, table,
            label, name_vi=t("digital_economy.scenario.relative", "vi", proxy=label_vi), scenario_id=RELATIVE)))
    return out


def ceiling(pkg: data_package.DataPackage, inputs: ShareInputs, P) -> ceilings.Ceiling:
    """Step 3c: the ceiling of every path (one owner: pass it to every step below that caps a path). From the
    geography's own sector structure, else its old provinces' (a 2025 unit), else Vĩnh Phúc's 70 % as a
    labelled fallback; ``P.ceiling_pct`` > 0 sets it (:func:`nq57lib.ceilings.geography_ceiling`)."""
    return ceilings.geography_ceiling(pkg, inputs.geo_id, P.ceiling_pct)


def logistic(calibrations: Calibrations, ceiling_pct: ceilings.Ceiling | float) -> list[DefinitionScenario]:
    """The current pace slowing as the share nears the ceiling (skipped where the base is at it)."""
    ceiling = ceilings.as_pct(ceiling_pct)
    return [s for c in calibrations.by_concept
            for s in _default(calibrations, c, share_projection.LOGISTIC, ceiling_pct=ceiling)]


def target_path(calibrations: Calibrations, inputs: ShareInputs) -> list[DefinitionScenario]:
    """The constant-growth path through every target ahead (as of the data), on each definition."""
    out = []
    for concept, cal in calibrations.by_concept.items():
        ahead = targets_ahead(inputs, concept)
        if not ahead.empty:
            out += _default(calibrations, concept, share_projection.TARGET_PATH, targets=ahead)
    return out


def damped_trend_ets(calibrations: Calibrations) -> list[DefinitionScenario]:
    """Damped-trend exponential smoothing, on each definition with >= 6 own observations."""
    return [s for c in calibrations.by_concept for s in _default(calibrations, c, share_projection.ETS)]


DE_GROWTH_INDICATOR = "de_va_nominal_growth_pct"


@dataclass(frozen=True)
class DigitalGrowth:
    """Growth of digital-economy value added at current prices, % a year (the decomposition's rate): observed
    (the geography's latest, else the nation's, named) or set by the user (a labelled what-if)."""

    value_pct: float
    kind: str  # "observed", "borrowed" (the nation's) or "set"
    basis: Phrase
    year: int | None = None
    sources: tuple[str, ...] = ()

    def __float__(self) -> float:
        return float(self.value_pct)


def digital_growth(pkg: data_package.DataPackage, inputs: ShareInputs, P) -> DigitalGrowth:
    """Step 3d: the decomposition's digital-economy value-added growth. ``P.de_growth_pct`` 0 means "from
    data": the latest observed growth of digital-economy value added at current prices (indicator
    ``de_va_nominal_growth_pct``) of the geography, else the nation's, named as borrowed (e.g. 14.6 % in 2025,
    the statistics office's measure). A non-zero value is a what-if set by the user, labelled as such."""
    if P.de_growth_pct != 0:
        return DigitalGrowth(float(P.de_growth_pct), "set", phrase(_B + "de_growth_set", value=float(P.de_growth_pct)))
    for geo in dict.fromkeys((inputs.geo_id, NATION)):
        series = series_ranking.series(pkg, geo, DE_GROWTH_INDICATOR)
        if series.empty:
            continue
        last = series.iloc[-1]
        kind = "observed" if geo == inputs.geo_id else "borrowed"
        basis = phrase(_B + f"de_growth_{kind}", value=float(last["value"]), year=int(last["year"]),
                       source=str(last["source_id"]), geo=_geo_id_words(pkg, inputs.geo_id))
        return DigitalGrowth(float(last["value"]), kind, basis, int(last["year"]), (str(last["source_id"]),))
    raise ParameterError("de_growth_pct", "no observed growth of digital-economy value added in the data for "
                                          f"{inputs.geo_id!r} or the nation; set de_growth_pct")


def decomposition(calibrations: Calibrations, de_growth_pct: DigitalGrowth | float,
                  grdp: grdp_growth.GrowthAssumption) -> list[DefinitionScenario]:
    """Digital-economy value added growing at ``de_growth_pct`` (:func:`digital_growth`: observed, or a
    number: a what-if) and GRDP at the nominal growth assumption."""
    if not isinstance(de_growth_pct, DigitalGrowth):
        value = check_number("de_growth_pct", de_growth_pct, low=-100, low_open=True)
        de_growth_pct = DigitalGrowth(value, "set", phrase(_B + "de_growth_set", value=value))
    scenario = share_projection.Scenario(
        t("digital_economy.scenario.decomposition", "en"), "decomposition",
        {"de_growth_pct": de_growth_pct.value_pct, "grdp_growth_pct": grdp.nominal_pct},
        phrase(_B + "decomposition", growth=de_growth_pct.basis, nominal=grdp.nominal_pct),
        t("digital_economy.scenario.decomposition", "vi"), DECOMPOSITION)
    return [DefinitionScenario(c, scenario) for c in calibrations.by_concept]


# --------------------------------------------------------------------------------------------
# Step 5: the projection
# --------------------------------------------------------------------------------------------

MILESTONE_YEARS = (2025, 2030, 2035, 2040, 2045)


@dataclass
class Projection:
    """The scenario paths of each definition (``share_projection.ProjectionResult`` per concept)."""

    by_concept: dict[str, share_projection.ProjectionResult]

    @property
    def table(self) -> pd.DataFrame:
        """Every path, one row per definition, scenario and year."""
        return pd.concat([p.table.assign(concept=c) for c, p in self.by_concept.items()], ignore_index=True)

    @property
    def caps(self) -> pd.DataFrame:
        """Per definition and scenario: the cap (ceiling) and the first year a path sits on it."""
        return pd.concat([p.caps.assign(concept=c) for c, p in self.by_concept.items()], ignore_index=True)

    def _repr_html_(self) -> str:
        table = self.table
        wide = table[table["year"].isin(MILESTONE_YEARS)].pivot_table(index=["concept", "scenario"], columns="year",
                                                                      values="share_pct", sort=False)
        return _frame_html(wide.reset_index(), "share_pct")


def _scenarios_of(scenarios, concept: str) -> list[share_projection.Scenario]:
    """The scenarios to project on ``concept``: a plain Scenario applies to every definition."""
    if not isinstance(scenarios, (list, tuple)):
        raise ParameterError("scenarios", "expected a list of scenarios (see the notebook's scenarios cell)")
    out = []
    for i, item in enumerate(scenarios):
        if isinstance(item, DefinitionScenario):
            if item.concept == concept:
                out.append(item.scenario)
        elif isinstance(item, share_projection.Scenario):
            out.append(item)
        else:
            raise ParameterError(f"scenarios[{i}]", f"expected a Scenario, got {type(item).__name__}")
    return out


def ceiling_for(calibration: share_projection.Calibration, ceiling_pct: float) -> float:
    """The cap of every path: the ceiling, or the base share when a geography already sits above it."""
    return max(float(ceiling_pct), calibration.base_share_pct)


def project(inputs: ShareInputs, calibrations: Calibrations, scenarios, P,
            ceiling: ceilings.Ceiling | float) -> Projection:
    """Step 5: every scenario of the list, year by year to ``P.horizon_year``, on each definition;
    every path capped at ``ceiling`` (the ``caps`` table says when each one reaches it)."""
    out = {}
    for concept, cal in calibrations.by_concept.items():
        chosen = _scenarios_of(scenarios, concept)
        if not chosen:
            continue
        out[concept] = share_projection.project(inputs.histories[concept][HISTORY_COLUMNS], chosen, P.horizon_year,
                                                concept=concept,
                                                ceiling_pct=ceiling_for(cal, ceilings.as_pct(ceiling)))
    if not out:
        raise ParameterError("scenarios", "no scenario to project: the list is empty")
    return Projection(out)


# --------------------------------------------------------------------------------------------
# Step 6: required paths and attainment
# --------------------------------------------------------------------------------------------

def target_concept(target: dict | pd.Series) -> str:
    """The definition a target is compared on: ``compared_concept`` where the rule placed it
    (:func:`compared_on_definition`), else its own, or ``UNSTATED_TARGET_CONCEPT`` when unstated."""
    placed = target.get("compared_concept")
    if isinstance(placed, str) and placed:
        return placed
    concept = target.get("concept")
    return UNSTATED_TARGET_CONCEPT if concept is None or (isinstance(concept, float) and math.isnan(concept)) \
        else str(concept)


def compared_concepts(inputs: ShareInputs) -> dict[str, str]:
    """target_id -> the definition each registered target is compared on (:func:`target_concept`)."""
    return {r["target_id"]: target_concept(r) for r in inputs.targets.to_dict("records")}


def targets_ahead(inputs: ShareInputs, concept: str) -> pd.DataFrame:
    """The targets to project on ``concept``: year not passed (``share_projection.target_has_passed``) and after
    its base year."""
    if inputs.targets.empty:
        return inputs.targets
    ahead, _ = share_projection.split_targets_as_of(inputs.targets, inputs.as_of_year)
    base_year = int(inputs.histories[concept]["year"].iloc[-1])
    return ahead[ahead["year"] > base_year].reset_index(drop=True)


def required_paths(inputs: ShareInputs, calibrations: Calibrations,
                   grdp: grdp_growth.GrowthAssumption) -> pd.DataFrame:
    """Step 6a: the pace each target ahead needs from the base on each definition (% and pp a year).

    Adds ``concept`` and ``compared_on`` (True on the definition the target is read on: its own, or
    the documented rule's for a target that does not state one).
    """
    frames = []
    for concept in calibrations.by_concept:
        ahead = targets_ahead(inputs, concept)
        if ahead.empty:
            continue
        frame = share_projection.required_paths(inputs.histories[concept][HISTORY_COLUMNS], ahead, concept=concept,
                                                grdp_growth_pct=grdp.nominal_pct)
        rule = compared_concepts(inputs)
        frame["concept"] = concept
        frame["compared_on"] = frame["target_id"].map(rule) == concept
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def attainment(inputs: ShareInputs, projection: Projection) -> pd.DataFrame:
    """Step 6b: the first year each scenario reaches each target ahead, on each definition.

    A year before the as-of year is not observed by the data (a path from an old base may cross a level
    in a year whose value was never published): it reads as the as-of year, the first year a projection
    can claim."""
    frames = []
    for concept, result in projection.by_concept.items():
        ahead = targets_ahead(inputs, concept)
        if not ahead.empty:
            years = share_projection.attainment_years(result, ahead)
            years["attained_year"] = years["attained_year"].where(
                years["attained_year"].isna() | (years["attained_year"] >= inputs.as_of_year), inputs.as_of_year)
            frames.append(years.assign(concept=concept))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------------------------
# Step 7: the simulation
# --------------------------------------------------------------------------------------------

POOLED_FAN = "pooled"


@dataclass
class Simulation:
    """The Monte Carlo result (None when not run) and the sentence describing it, by language.

    One fan per definition (``fan`` = the concept) plus a pooled one over both definitions' paces
    (``fan`` = 'pooled', on the first definition's base), so parameter and definition uncertainty stay
    apart. ``coverage``: per definition, the gate's reading of the real-time back-test
    (:class:`model_validation.Coverage`); ``points``: that back-test's held-out points; ``ranges``: P across
    stated priors where a probability is withheld (not a validated probability).
    """

    result: monte_carlo.SimulationResult | None
    note: dict[str, str]
    coverage: dict[str, model_validation.Coverage] = field(default_factory=dict)
    points: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=model_validation.POINT_COLUMNS))
    ranges: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["target_id", "fan", "p_low", "p_high", "p_low_text", "p_high_text", "n_priors", "priors"]))

    @property
    def p_meet(self) -> pd.DataFrame:
        return self.result.p_meet if self.result is not None else pd.DataFrame()

    @property
    def bands(self) -> pd.DataFrame:
        return self.result.bands if self.result is not None else pd.DataFrame()

    def earned(self, fan: str) -> bool:
        """Whether the fan's model earned a probability (the pooled fan: every definition's)."""
        if fan == POOLED_FAN:
            return bool(self.coverage) and all(c.earned for c in self.coverage.values())
        cov = self.coverage.get(fan)
        return cov is not None and cov.earned

    def coverage_table(self) -> pd.DataFrame:
        return pd.DataFrame([c.row() for c in self.coverage.values()],
                            columns=["concept", "n", "inside", "coverage_pct", "wilson_low_pct", "wilson_high_pct",
                                     "p_value", "earned", "reason", "min_points"])

    def _repr_html_(self) -> str:
        return _frame_html(self.p_meet, self.note["en"])


NOT_VALIDATED = "not validated"  # the start of p_meet's reason where the gate withholds a probability


def _gate(sim: monte_carlo.SimulationResult, simulation_coverage: dict, earned) -> monte_carlo.SimulationResult:
    """The result with every probability of a fan whose model did not earn one withheld (p_meet NaN, no text,
    ``reason`` 'not validated: <gate reason>'); the raw probabilities are not kept."""
    p = sim.p_meet.copy()
    for i, row in p.iterrows():
        if row["p_meet_text"] and not earned(row["fan"]):
            cov = simulation_coverage.get(row["fan"])
            why = "pooled" if row["fan"] == POOLED_FAN else (cov.reason if cov is not None else "no_points")
            p.loc[i, ["p_meet", "p_meet_text", "reason"]] = [math.nan, "", f"{NOT_VALIDATED}: {why}"]
    return replace(sim, p_meet=p)


def simulate(inputs: ShareInputs, calibrations: Calibrations, P, ceiling: ceilings.Ceiling | float) -> Simulation:
    """Step 7: Monte Carlo fans of the share on each definition and pooled, with each path's pace slowing by its
    own damping draw (``model_validation.fan_input``), and P(meet) only where the data support one (>= 3 own
    observations) and the model earned it (``model_validation``: its back-test on the data as first published).
    Otherwise ``p_meet`` is empty with the reason, and ``ranges`` gives P across stated priors."""
    rows, targets, fits = [], [], {}
    cap_pct = ceilings.as_pct(ceiling)
    for concept, cal in calibrations.by_concept.items():
        if cal.trend_sd_pct is None or cal.shock_sd_pct is None:
            continue
        fits[concept] = calibrations.damped.get(concept)
        rows.append(model_validation.fan_input(
            cal, fits[concept], inputs.geo_id, cap_pct, fan=concept, n_obs=inputs.n_own[concept],
            base_sd_pct=ASSUMED_BASE_SD_PCT if inputs.is_assumed(concept) else 0.0))
        targets.append(targets_ahead(inputs, concept))
    if not rows:
        return Simulation(None, {lang: t("digital_economy.simulation.not_run", lang) for lang in LANGS})
    points = [model_validation.realtime_points(inputs.vintages[c], inputs.geo_id, cap_pct, seed=P.seed)
              for c in inputs.concepts if c in inputs.vintages]
    points = pd.concat(points, ignore_index=True) if points else pd.DataFrame(columns=model_validation.POINT_COLUMNS)
    coverage = {r["fan"]: model_validation.coverage(points[points["concept"] == r["fan"]], r["fan"]) for r in rows}
    own_rows = list(rows)
    if len(rows) > 1:
        pooled = monte_carlo.pooled_input(rows, fan=POOLED_FAN)
        pooled["damping_low"] = min(r["damping_low"] for r in rows)
        rows.append(pooled)
    ceiling = rows[0]["ceiling_pct"]
    # The engine scores every target on every fan of the geography: the targets ahead of every base year.
    ahead = pd.concat(targets, ignore_index=True).drop_duplicates("target_id")
    ahead = ahead[ahead["year"] > max(int(r["base_year"]) for r in rows)]
    sim = monte_carlo.simulate(rows, P.horizon_year, n_paths=P.n_paths, seed=P.seed,
                               targets=ahead if not ahead.empty else None)
    out = Simulation(sim, {lang: t("digital_economy.simulation.ran", lang, n=format_number(P.n_paths, lang, 0),
                                   seed=P.seed, ceiling=format_number(ceiling, lang))
                           for lang in LANGS}, coverage=coverage, points=points)
    withheld = [r for r in own_rows if not out.earned(r["fan"])
                and (r.get("n_obs") or 0) >= monte_carlo.MIN_OBS_FOR_PROBABILITY]
    if withheld and not ahead.empty:
        out.ranges = model_validation.probability_range(withheld, fits, P.horizon_year, ahead, n_paths=P.n_paths,
                                                        seed=P.seed)
    out.result = _gate(sim, coverage, out.earned)
    return out


# --------------------------------------------------------------------------------------------
# Step 8: the assessments: progress, targets whose year has passed, back-test, sensitivity
# --------------------------------------------------------------------------------------------

ASSESSMENT_COLUMNS = ["target_id", "concept", "method", "category", "score", "base_year", "projected_pct", "note"]


def assess_progress(inputs: ShareInputs) -> pd.DataFrame:
    """Step 8a: Eurostat (short- and long-term windows) and UNSD progress-chart assessment (2023 edition: the
    projected value in the target year and r; the 2022 edition beside it, labelled) of every target ahead, on
    each definition with the geography's own observations."""
    rows = []
    for concept in inputs.concepts:
        own = inputs.histories[concept]
        for target in targets_ahead(inputs, concept).to_dict("records"):
            base = {"target_id": target["target_id"], "concept": concept}
            if inputs.is_assumed(concept):  # an assumed base is not an observation: nothing to assess
                rows.append({**base, "method": "eurostat / unsd", "category": "insufficient data", "score": math.nan,
                             "base_year": pd.NA, "projected_pct": math.nan,
                             "note": "the base share is an assumption, not an observation"})
                continue
            args = (own["year"].astype(int).tolist(), own["value"].astype(float).tolist(), target["value"],
                    int(target["year"]))
            kw = {"comparator": target["comparator"], "value_high": target["value_high"]}
            results = [*progress_assessment.assess_eurostat_windows(*args, **kw),
                       progress_assessment.assess_unsd_chart(*args, **kw),
                       progress_assessment.assess_unsd_chart_2022(*args, **kw)]
            for result in results:
                rows.append({**base, "method": result.method, "category": result.category,
                             "score": math.nan if result.score is None else result.score,
                             "base_year": pd.NA if result.base_year is None else result.base_year,
                             "projected_pct": math.nan if result.projected_pct is None else result.projected_pct,
                             "note": result.note})
    out = pd.DataFrame(rows, columns=ASSESSMENT_COLUMNS)
    out["base_year"] = out["base_year"].astype("Int64")
    return out


def targets_passed(inputs: ShareInputs) -> pd.DataFrame:
    """Step 8b: targets whose year is before the as-of year: "target year passed", with the latest
    value on each definition, and met / not met where the target year itself is observed."""
    rows = []
    if inputs.targets.empty:
        return pd.DataFrame(columns=["target_id", "target_year", "concept", "compared_on", "status", "latest_pct",
                                     "latest_year", "observed_pct", "verdict"])
    _, passed = share_projection.split_targets_as_of(inputs.targets, inputs.as_of_year)
    for target in passed.to_dict("records"):
        for concept in inputs.concepts:
            own = inputs.histories[concept]
            observed = own if not inputs.is_assumed(concept) else own.iloc[0:0]
            hit = observed[observed["year"] == target["year"]]
            if hit.empty:
                verdict, value = "no observation for the target year", math.nan
            else:
                value = float(hit["value"].iloc[0])
                ok = share_projection.meets_target(value, target["comparator"], target["value"], target["value_high"])
                verdict = "met" if bool(ok) else "not met"
            latest = observed.iloc[-1] if not observed.empty else None
            rows.append({"target_id": target["target_id"], "target_year": target["year"], "concept": concept,
                         "compared_on": compared_concepts(inputs).get(target["target_id"], target_concept(target))
                         == concept, "status": "target year passed",
                         "latest_pct": math.nan if latest is None else float(latest["value"]),
                         "latest_year": pd.NA if latest is None else int(latest["year"]),
                         "observed_pct": value, "verdict": verdict})
    out = pd.DataFrame(rows, columns=["target_id", "target_year", "concept", "compared_on", "status", "latest_pct",
                                      "latest_year", "observed_pct", "verdict"])
    out["latest_year"] = out["latest_year"].astype("Int64")
    return out


def backtest_table(inputs: ShareInputs, P, ceiling: ceilings.Ceiling | float) -> pd.DataFrame:
    """Step 8c: rolling-origin back-test of the methods on each definition with >= 4 own observations
    (errors in pp per method and horizon, Monte Carlo band coverage; ``nq57lib.backtest``)."""
    frames = []
    for concept in inputs.concepts:
        own = inputs.histories[concept]
        if inputs.n_own[concept] and len(own[own["segment"] == own["segment"].max()]) >= backtest.BACKTEST_MIN_OBS:
            frames.append(backtest.backtest(inputs.histories[concept][HISTORY_COLUMNS], concept=concept,
                                            ceiling_pct=ceilings.as_pct(ceiling), seed=P.seed).assign(concept=concept))
    if not frames:
        return pd.DataFrame(columns=["concept", *backtest.SUMMARY_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["concept", *backtest.SUMMARY_COLUMNS]]


def simulation_pace(inputs: ShareInputs, calibrations: Calibrations, concept: str, horizon_year: int
                    ) -> tuple[float, float | None]:
    """The pace the Monte Carlo centres on for ``concept`` (:func:`simulate`), as a constant % a year, and its sd
    in log points x100 (the calibrated pace's parameter sd, None when it has none). Each path starts at the
    calibrated pace and slows by its damping draw (``model_validation.damping_prior``); the centre is the mean
    yearly pace of the path at the calibrated pace and the middle of the damping prior, from the base year to the
    first target ahead (else ``horizon_year``): a tornado's neutral outlook, not the simulation's spread."""
    cal = calibrations.by_concept[concept]
    low, high = model_validation.damping_prior(calibrations.damped.get(concept))
    ahead = targets_ahead(inputs, concept)
    year = int(ahead["year"].min()) if not ahead.empty else int(horizon_year)
    k = max(1, year - int(cal.base_year))
    phi = (low + high) / 2
    mu = math.log1p(cal.growth_pct / 100)
    total = mu * (k if phi >= 1 else (1 - phi ** k) / (1 - phi))
    return math.expm1(total / k) * 100, cal.trend_sd_pct


PACE_GAP_COLUMNS = ["target_id", "concept", "compared_on", "target_year", "needed_growth_pct", "observed_paces",
                    "latest_growth_pct", "recent_pace_pct", "damped_pace_pct", "pace_series"]


def pace_gap(inputs: ShareInputs, calibrations: Calibrations, required: pd.DataFrame) -> pd.DataFrame:
    """The pace-gap table (what the report gives where no model earned a probability): per target ahead and
    definition, the pace needed (% a year from the base), the paces observed in the last years (each year-on-year
    growth of the calibration's series, latest segment, the last three), the mean pace of that segment (the
    calibrated pace) and the damped pace (the fitted damped path's mean yearly pace from the base to the target
    year; empty where fewer than 3 observations show no slowing or speeding). ``pace_series`` names the series."""
    rows = []
    if required is None or required.empty:
        return pd.DataFrame(columns=PACE_GAP_COLUMNS)
    for r in required.drop_duplicates(["target_id", "concept"]).to_dict("records"):
        cal = calibrations.by_concept.get(r["concept"])
        if cal is None:
            continue
        own = cal.source != "proxy"
        series = (inputs.histories if own else inputs.proxy_histories).get(r["concept"])
        if series is None or series.empty:
            growths = []
        else:
            latest = series[series["segment"] == series["segment"].max()] if "segment" in series else series
            growths = model_validation.yearly_growths(latest)[-3:]
        fit = calibrations.damped.get(r["concept"])
        rows.append({"target_id": r["target_id"], "concept": r["concept"], "compared_on": bool(r["compared_on"]),
                     "target_year": int(r["target_year"]), "needed_growth_pct": float(r["required_growth_pct"]),
                     "observed_paces": "; ".join(f"{a}-{b}: {g:.1f}" for a, b, g in growths),
                     "latest_growth_pct": growths[-1][2] if growths else math.nan,
                     "recent_pace_pct": float(cal.growth_pct),
                     "damped_pace_pct": model_validation.damped_mean_pace(fit, int(cal.base_year), int(r["target_year"])),
                     "pace_series": cal.pace_label})
    return pd.DataFrame(rows, columns=PACE_GAP_COLUMNS)


NEUTRAL_CENTRE = "simulation central pace"


def sensitivity(inputs: ShareInputs, calibrations: Calibrations, grdp: grdp_growth.GrowthAssumption,
                P, ceiling: ceilings.Ceiling | float) -> pd.DataFrame:
    """Step 8d: which assumption matters most (tornado): the 2030 and 2045 shares and the year the last
    target is reached, with each assumption at the low and high end of its plausible range and the others at
    a stated neutral outlook that does not depend on the scenario list: on the first definition, the constant
    pace the Monte Carlo centres on (:func:`simulation_pace`: the log mean of the slowing-pace prior where the
    growth is seen to slow, else the calibrated pace), capped at ``ceiling``. The ``centre`` column names it
    ('simulation central pace'), ``centre_growth_pct`` gives it.

    Ranges (stated in the report): definition (the first vs the other definition's base and central pace);
    proxy series (the proxy's pace on this definition vs on the other, when the pace is borrowed); pace form
    (the fitted damped pace vs the constant calibrated pace, where the growth is seen to slow: the neutral pace
    is their log mean); ceiling (the ceiling's own range, :class:`nq57lib.ceilings.Ceiling`); pace: the 5-95 %
    range of the Monte Carlo's pace, the same mean and sd as the simulation; base value +-10 % of an observed
    base, or the range of an imputed one; nominal GRDP growth +-2 pp with digital-economy value-added growth held.
    """
    concept = inputs.concepts[0]
    cal = calibrations.by_concept[concept]
    cap = ceilings.as_ceiling(ceiling, inputs.geo_id)
    ahead = targets_ahead(inputs, concept)
    target = None
    if not ahead.empty:
        last = ahead[ahead["year"] == ahead["year"].max()].iloc[0]
        target = share_projection.target_level(last["comparator"], last["value"], last["value_high"],
                                               cal.base_share_pct)
    top = ceiling_for(cal, cap.value_pct)
    end = max(P.horizon_year, max(REPORT_YEARS))
    centre_pct, spread = simulation_pace(inputs, calibrations, concept, P.horizon_year)
    base = {"base_year": cal.base_year, "base_share_pct": cal.base_share_pct, "growth_pct": centre_pct,
            "ceiling_pct": top, "method": "cagr", "target_pct": target, "end_year": end}
    lang = inputs.lang
    pct = lambda v: fmt_pct(v, lang, 1)  # noqa: E731
    a_year = lambda v: t("digital_economy.view.per_year", lang, value=fmt_pct(v, lang, 1))  # noqa: E731
    ranges: dict[str, tuple] = {}
    for other, oc in calibrations.by_concept.items():
        if other != concept:
            ranges["definition"] = ({}, {"base_year": oc.base_year, "base_share_pct": oc.base_share_pct,
                                         "growth_pct": simulation_pace(inputs, calibrations, other, P.horizon_year)[0],
                                         "ceiling_pct": max(top, oc.base_share_pct)},
                                    (t(f"digital_economy.view.short_{concept}", lang),
                                     t(f"digital_economy.view.short_{other}", lang)))
    if cal.source == "proxy":
        others = [c for c in calibrations.by_concept.values() if c.concept != concept]
        if others:
            names = tuple(f"{inputs.proxy_name} ({t(f'digital_economy.view.short_{c}', lang)})"
                          for c in (concept, others[0].concept))
            ranges["proxy"] = ({}, {"growth_pct": simulation_pace(inputs, calibrations, others[0].concept,
                                                                  P.horizon_year)[0]}, names)
    fit = calibrations.damped.get(concept)
    if fit is not None and fit.damping < 1:
        ranges["pace form"] = ({"method": "damped", "growth_pct": fit.start_growth_pct, "damping": fit.damping},
                               {"growth_pct": cal.growth_pct},
                               (t("digital_economy.view.pace_damped", lang, damping=format_number(fit.damping, lang, 2)),
                                t("digital_economy.view.pace_constant", lang, pace=fmt_pct(cal.growth_pct, lang, 1))))
    low_ceiling, high_ceiling = max(cal.base_share_pct + 1e-6, cap.low_pct), min(100.0, max(cap.high_pct, top))
    ranges["ceiling"] = ({"ceiling_pct": low_ceiling}, {"ceiling_pct": high_ceiling},
                         (pct(low_ceiling), pct(high_ceiling)))
    if spread is not None:
        mu = math.log1p(centre_pct / 100)
        low, high = (math.expm1(mu - PACE_Z * spread / 100) * 100, math.expm1(mu + PACE_Z * spread / 100) * 100)
    else:
        low, high = centre_pct * 0.5, centre_pct * 1.5
    ranges["pace"] = ({"growth_pct": low}, {"growth_pct": high}, (a_year(low), a_year(high)))
    low_base, high_base = base_range(inputs, concept, cal.base_share_pct)
    high_base = min(top, high_base)
    ranges["base value"] = ({"base_share_pct": low_base}, {"base_share_pct": high_base}, (pct(low_base), pct(high_base)))
    de = ((1 + centre_pct / 100) * (1 + grdp.nominal_pct / 100) - 1) * 100
    fast, slow = grdp.nominal_pct + GRDP_RANGE_PP, grdp.nominal_pct - GRDP_RANGE_PP
    ranges["GRDP growth"] = ({"de_growth_pct": de, "grdp_growth_pct": fast},
                             {"de_growth_pct": de, "grdp_growth_pct": slow}, (a_year(fast), a_year(slow)))
    table = outlook_sensitivity.sensitivity_table(base, ranges, years=REPORT_YEARS)
    return table.assign(concept=concept, centre=NEUTRAL_CENTRE, centre_growth_pct=centre_pct)


def base_range(inputs: ShareInputs, concept: str, base_share_pct: float) -> tuple[float, float]:
    """The tornado's range of the starting share on ``concept``: an imputed base's own range (the comparable
    provinces', :func:`assumed_merged_base`), else +-``BASE_RANGE_PCT`` % of it."""
    imputed = inputs.base_ranges.get(concept)
    if imputed is not None:
        return imputed
    return base_share_pct * (1 - BASE_RANGE_PCT / 100), base_share_pct * (1 + BASE_RANGE_PCT / 100)


def _national_position(pkg: data_package.DataPackage) -> pd.DataFrame:
    """The nation's latest share on each definition, for the narrative's comparison."""
    rows = []
    for concept in CONCEPTS:
        s = series_ranking.series(pkg, NATION, INDICATOR, concept=concept)
        if not s.empty:
            last = s.iloc[-1]
            rows.append({"concept": concept, "year": int(last["year"]), "share_pct": float(last["value"]),
                         "status": last["status"], "source_id": last["source_id"]})
    return pd.DataFrame(rows, columns=["concept", "year", "share_pct", "status", "source_id"])


# --------------------------------------------------------------------------------------------
# Step 9: the report (tables, assumptions, sources, figures) and its narrative
# --------------------------------------------------------------------------------------------

def collect_report(pkg: data_package.DataPackage, P, inputs: ShareInputs, calibrations: Calibrations,
                   grdp: grdp_growth.GrowthAssumption, projection: Projection, required: pd.DataFrame,
                   attained: pd.DataFrame, simulation: Simulation, assessment: pd.DataFrame, passed: pd.DataFrame,
                   backtested: pd.DataFrame, tornado: pd.DataFrame, ceiling: ceilings.Ceiling | float,
                   verdicts: pd.DataFrame) -> Report:
    """Step 9a: the results of the steps above as one ``Report``: tables, scalars, every assumption
    (observed, derived or assumed, with its basis), every cited source, the narrative and the figures.
    ``ceiling`` is the one passed to the steps (its value, kind and basis reach the scalars and the words)."""
    cap = ceilings.as_ceiling(ceiling, inputs.geo_id)
    first = inputs.concepts[0]
    cal = calibrations.by_concept[first]
    history, targets = inputs.history, inputs.targets
    records = [a for c in inputs.concepts for a in inputs.base_assumptions[c]]
    for concept, c in calibrations.by_concept.items():
        records += [_tagged(a, concept) for a in c.assumptions
                    if not (a.name == "base_share_pct" and inputs.is_assumed(concept))]
    for concept, p in projection.by_concept.items():
        records += [_tagged(a, concept) for a in p.assumptions if a.name not in ("base_share_pct", "ceiling_pct")]
    records.append(cap.assumption())
    records += simulation.result.assumptions if simulation.result is not None else []
    records += grdp.assumptions()
    if simulation.result is not None and any(inputs.is_assumed(c) for c in inputs.concepts):
        records.append(Assumption("base_sd_pct", ASSUMED_BASE_SD_PCT, "% (log points)", ASSUMED,
                                  phrase(_L + "base_sd"), phrase(_B + "base_sd")))
    assumptions = assumptions_frame(records, inputs.lang)
    cited = set(history["source_id"]) | set(targets["source_id"]) | set(history.attrs.get("sources", []))
    for proxy in inputs.proxy_histories.values():
        cited |= set(proxy["source_id"])
    cited |= source_ids_in(*(a.basis for a in records)) | set(cap.sources)

    report = Report(notebook="digital_economy", geo_id=inputs.geo_id, lang=inputs.lang,
                    title=t("digital_economy.title", inputs.lang, name=inputs.name))
    report.tables = {
        "history": history.drop(columns=[c for c in ("url",) if c in history]).reset_index(drop=True),
        "definitions": history_by_definition(inputs), "calibration": calibrations.table(),
        "targets": targets, "scenarios": projection.table, "caps": projection.caps, "required_paths": required,
        "attainment": attained, "assessment": assessment, "targets_due": passed,
        "bands": fans_with_probability(simulation),
        "probabilities": simulation.p_meet, "national": inputs.national, "backtest": backtested,
        "validation": simulation.points, "coverage": simulation.coverage_table(),
        "pace_gap": pace_gap(inputs, calibrations, required), "probability_range": simulation.ranges,
        "method_breaks": method_breaks_table(pkg, inputs),
        "sensitivity": tornado, "verdicts": verdicts,
    }
    report.scalars = {
        "concepts": ",".join(inputs.concepts), "concept": first, "as_of_year": inputs.as_of_year,
        "unstated_target_concept": UNSTATED_TARGET_CONCEPT, "base_year": cal.base_year,
        "base_share_pct": cal.base_share_pct, "base_is_assumed": inputs.is_assumed(first),
        "calibration_source": cal.source, "pace_label": cal.pace_label, "current_trend_growth_pct": cal.growth_pct,
        "nominal_grdp_growth_pct": grdp.nominal_pct, "ceiling_pct": cap.value_pct,
        "ceiling_kind": cap.kind, "n_paths": P.n_paths,
        "seed": P.seed, "simulation_note": simulation.note["en"],
        "bands_note": bands_note(simulation),
    }
    report.assumptions = assumptions
    report.sources = sources_frame(pkg, cited)
    notes = [n for p in projection.by_concept.values() for n in p.notes]
    report.narrative = _narrative(report, inputs, calibrations, grdp, notes, simulation.note[inputs.lang])
    report.figures = {"outlook": lambda: outlook_figure(report, inputs, projection, simulation, required),
                      "tornado": lambda: tornado_figure(report, tornado)}
    return report


def _tagged(assumption: Assumption, concept: str) -> Assumption:
    """An assumption named with its definition, so the two definitions' inputs stay apart."""
    return replace(assumption, name=f"{assumption.name} ({concept})")


def narrative(report: Report) -> Any:
    """Step 9b: below the first chart, the answer in three plain sentences, how the verdict is decided, and the
    narrative (Markdown, in the report's language)."""
    from IPython.display import Markdown

    paragraph = _answer_paragraph(report, report.tables["verdicts"])
    return Markdown("\n\n".join([paragraph, t("verdict.rule_text", report.lang), report.narrative_markdown()]))


def outlook_figure(report: Report, inputs: ShareInputs, projection: Projection, simulation: Simulation,
                   required: pd.DataFrame):
    """The outlook figure: one panel per definition with its history, scenarios, fan, targets and
    required paths."""
    from .charts.digital_economy_charts import plot_share_outlooks

    lang = report.lang
    panels = []
    bands = fans_with_probability(simulation)
    for concept, result in projection.by_concept.items():
        ahead = targets_ahead(inputs, concept)
        req = required[required["concept"] == concept] if not required.empty else required
        panels.append({"concept": concept, "history": inputs.histories[concept][HISTORY_COLUMNS],
                       "projection": result,
                       "bands": bands[bands["fan"] == concept] if not bands.empty else None,
                       "targets": ahead if not ahead.empty else None,
                       "required": req if not req.empty else None,
                       "assumed": inputs.is_assumed(concept),
                       "title": t("digital_economy.panel_assumed" if inputs.is_assumed(concept)
                                  else "digital_economy.panel", lang, concept=data_texts.label("concept", concept, lang))})
    notes = [t("digital_economy.base_assumed_note", lang)] if any(p["assumed"] for p in panels) else []
    if simulation.result is not None:
        notes.append(t("charts.digital_economy.mc_note", lang, n=format_number(simulation.result.n_paths, lang, 0),
                       seed=simulation.result.seed))
    return plot_share_outlooks(panels, geo_id=inputs.geo_id, lang=lang, title=report.title, footnotes=notes)


def bands_note(simulation: Simulation) -> str:
    """Why ``bands.csv`` is empty ('' when a fan is saved): no simulation or too few own observations, or no
    model earned a probability in its back-test on the data as first published (the points each had)."""
    if not fans_with_probability(simulation).empty:
        return ""
    probs = simulation.p_meet
    if simulation.result is None or probs.empty or not probs["reason"].astype(str).str.startswith(NOT_VALIDATED).any():
        return "no band: the data support no probability on any definition (fewer than 3 own observations)"
    points = ", ".join(f"{c}: {cov.inside} of {cov.n} inside the 90 % band" for c, cov in simulation.coverage.items())
    return (f"no band: no model earned a probability (back-test on the data as first published needs >= "
            f"{model_validation.MIN_HELD_OUT_POINTS} held-out points and a 90 % band coverage consistent with 90 %; "
            f"{points})")


def method_breaks_table(pkg: data_package.DataPackage, inputs: ShareInputs) -> pd.DataFrame:
    """The likely method breaks flagged in the data on the series this report reads (the geography's and the
    nation's, each definition): geo_id, concept, year, value, note."""
    breaks = series_ranking.method_breaks(pkg)
    breaks = breaks[(breaks["indicator_id"] == INDICATOR) & breaks["geo_id"].isin({inputs.geo_id, NATION})]
    rows = []
    for b in breaks.itertuples():
        s = series_ranking.series(pkg, b.geo_id, INDICATOR, concept=b.concept)
        hit = s[s["year"] == b.year]
        other = [c for c in CONCEPTS if c != b.concept][0]
        o = series_ranking.series(pkg, b.geo_id, INDICATOR, concept=other)
        o = o[o["year"] == b.year]
        rows.append({"geo_id": b.geo_id, "name": geography.geo_name(pkg, b.geo_id, inputs.lang), "concept": b.concept,
                     "year": int(b.year),
                     "value": float(hit["value"].iloc[0]) if not hit.empty else math.nan, "other_concept": other,
                     "other_value": float(o["value"].iloc[0]) if not o.empty else math.nan, "note": b.note})
    return pd.DataFrame(rows, columns=["geo_id", "name", "concept", "year", "value", "other_concept", "other_value",
                                       "note"])


def fans_with_probability(simulation: Simulation) -> pd.DataFrame:
    """The Monte Carlo bands of the fans that give a probability (the pooled fan only when every definition
    does): where the data withhold a probability, no fan or band is drawn or saved."""
    bands, probs = simulation.bands, simulation.p_meet
    if bands.empty:
        return bands
    given = set(probs.loc[probs["p_meet_text"].fillna("").astype(str) != "", "fan"]) if not probs.empty else set()
    fans = set(bands["fan"])
    if fans - {POOLED_FAN} and (fans - {POOLED_FAN}) <= given:
        given.add(POOLED_FAN)
    return bands[bands["fan"].isin(given)].reset_index(drop=True)


def tornado_figure(report: Report, tornado: pd.DataFrame):
    """The tornado chart of the sensitivity table: the 2030 and 2045 shares at each end of every range."""
    from .charts.digital_economy_charts import plot_tornado

    labels = {a: t(f"digital_economy.assumption.{a.replace(' ', '_')}", report.lang) for a in tornado["assumption"]}
    return plot_tornado(tornado, years=REPORT_YEARS, labels=labels, lang=report.lang)


# --------------------------------------------------------------------------------------------
# Narrative (generated from the numbers)
# --------------------------------------------------------------------------------------------

REACH_EXCLUDED_SCENARIO = share_projection.TARGET_PATH  # reaches every target by construction: not evidence


def _category(text: str, lang: str) -> str:
    key = f"common.assessment.{text.replace(' ', '_')}"
    return t(key, lang) if key in catalog(lang) else text


def _years_range(years: list[int], lang: str) -> str:
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _narrative(report: Report, inputs: ShareInputs, calibrations: Calibrations, grdp, notes: list[str],
               sim_note: str) -> list[str]:
    """Markdown paragraphs in the report's language describing the results in ``report``."""
    lang, tables = report.lang, report.tables
    key = "digital_economy.narrative."
    concept_name = {c: data_texts.label("concept", c, lang) for c in CONCEPTS}
    out = []
    # Where it stands, on each definition.
    parts = []
    for concept in inputs.concepts:
        history = inputs.histories[concept]
        last = history.iloc[-1]
        if inputs.is_assumed(concept):
            parts.append(t(key + "stand_assumed", lang, concept=concept_name[concept],
                           value=fmt_pct(last["value"], lang, 2), year=int(last["year"])))
        else:
            parts.append(t(key + "stand_observed", lang, concept=concept_name[concept],
                           value=fmt_pct(last["value"], lang, 2), year=int(last["year"]),
                           status=data_texts.label("status", last["status"], lang, default=last["status"]),
                           source=plain(data_texts.text_in(None, "publisher", last["publisher"], lang)), n=inputs.n_own[concept]))
    out.append(t(key + "where", lang, name=inputs.name) + " " + " ".join(parts))
    nat = tables["national"]
    if not nat.empty:
        items = [f"{fmt_pct(r.share_pct, lang, 2)} ({concept_name[r.concept]}, {r.year})" for r in nat.itertuples()]
        out.append(t(key + "national", lang, parts=t(key + "and", lang).join(items)))
    out.append(t(key + "definition_rule", lang, concept=concept_name[UNSTATED_TARGET_CONCEPT],
                 published=prose_date(inputs.nso_first_published, lang) if inputs.nso_first_published
                 else "–"))
    # What the targets require, on each definition.
    req, att, prob = tables["required_paths"], tables["attainment"], tables["probabilities"]
    thin = [c for c in inputs.concepts if inputs.n_own[c] < monte_carlo.MIN_OBS_FOR_PROBABILITY]
    if req.empty:
        out.append(t(key + "no_targets", lang, year=inputs.as_of_year))
    else:
        lines = []
        order = {">=": 0, ">": 1, "between": 2, "=": 3, "<=": 4, "<": 5}
        stated = inputs.targets.set_index("target_id")
        for (year, _), group in req.groupby(["target_year", "target_pct"], sort=True):
            group = group.sort_values("comparator", key=lambda c: c.map(order))
            r = group.iloc[0]
            ids = list(dict.fromkeys(group["target_id"]))
            docs = "" if len(ids) == 1 else t(key + "documents", lang, n=len(ids))
            target = stated.loc[ids[0]]
            head = t(key + "target_head", lang, year=int(year), docs=docs,
                     target=percent_text(comparator_text(r.comparator, target["value"], target["value_high"], lang), lang))
            per = []
            for concept in sorted(group["concept"].unique(), key=lambda c: list(inputs.concepts).index(c)):
                row = group[group["concept"] == concept].iloc[0]
                reached = att[(att["target_id"] == ids[0]) & (att["concept"] == concept)
                              & (att["scenario_id"] != REACH_EXCLUDED_SCENARIO)]
                years = sorted(int(y) for y in reached["attained_year"].dropna())
                n_never = int(reached["attained_year"].isna().sum())
                p = prob[(prob["target_id"] == ids[0]) & (prob["fan"] == concept)] if not prob.empty else prob
                prob_text = ""
                if not p.empty and p["p_meet_text"].iloc[0]:
                    prob_text = t(key + "probability", lang, p=p["p_meet_text"].iloc[0].replace(".", "," if lang == "vi" else "."))
                else:
                    prob_text = _range_text(tables.get("probability_range"), ids[0], concept, lang)
                per.append(t(key + "target_on", lang, concept=concept_name[concept],
                             rule=t(key + "compared_on", lang) if bool(row["compared_on"]) else "",
                             growth=fmt_pct(row["required_growth_pct"], lang, 2),
                             pp=fmt_number(row["required_pp_per_year"], lang, 2),
                             base=fmt_pct(row["base_share_pct"], lang, 2), base_year=int(row["base_year"]),
                             reach=t(key + "reach_range", lang, years=_years_range(years, lang), n_reach=len(years),
                                     n_scenarios=len(reached), never=t(key + "never", lang, n=n_never) if n_never else "")
                             if years else t(key + "reach_none", lang), probability=prob_text))
            pooled = prob[(prob["target_id"] == ids[0]) & (prob["fan"] == POOLED_FAN)] if not prob.empty else prob
            if not pooled.empty and pooled["p_meet_text"].iloc[0]:
                per.append(t(key + "pooled", lang, concept=concept_name[inputs.concepts[0]],
                             p=pooled["p_meet_text"].iloc[0].replace(".", "," if lang == "vi" else ".")))
            lines.append(head + "\n" + "\n".join(per))
        out.append(t(key + "requirements", lang) + "\n\n" + "\n".join(lines))
        if thin:
            out.append(t(key + "thin", lang, concepts=t(key + "and", lang).join(concept_name[c] for c in thin),
                         n=monte_carlo.MIN_OBS_FOR_PROBABILITY))
    out += _validation_paragraphs(tables, lang, concept_name)
    passed = tables["targets_due"]
    if not passed.empty:
        words = _target_words(inputs.targets, lang)
        items = []
        for target_id, group in passed.groupby("target_id", sort=False):
            group = group.sort_values("compared_on", ascending=False, kind="stable")  # its own definition first
            values = []
            for row in group.itertuples():
                if pd.isna(row.latest_pct):
                    continue
                verdict = "" if row.verdict == "no observation for the target year" else \
                    f", {_category(row.verdict, lang)}"
                values.append(t(key + "latest", lang, value=fmt_pct(row.latest_pct, lang, 2), year=int(row.latest_year),
                                concept=concept_name[row.concept]) + verdict)
            items.append(f"**{words.get(target_id, target_id)}**: {t(key + 'passed', lang)}"
                         + (" (" + "; ".join(values) + ")" if values else ""))
        out.append(t(key + "due", lang, year=inputs.as_of_year) + "; ".join(items) + ".")
    assess = tables["assessment"]
    if not assess.empty:
        cats = sorted({_category(c, lang) for c in assess["category"]})
        out.append(t(key + "assessment", lang, categories=", ".join(cats)))
    bt = tables["backtest"]
    if not bt.empty:
        one = bt[bt["horizon_years"] == bt["horizon_years"].min()]
        best = one[one["n"] == one["n"].max()].sort_values("mae_pp", kind="stable").iloc[0]  # most held-out points
        out.append(t(key + "backtest", lang, method=backtest.method_word(best["method"], lang),
                     concept=concept_name[best["concept"]],
                     mae=fmt_number(best["mae_pp"], lang, 2), horizon=int(best["horizon_years"]), n=int(best["n"])))
    tornado = tables["sensitivity"]
    if not tornado.empty:
        top = tornado.iloc[0]
        out.append(t(key + "sensitivity", lang, assumption=t(f"digital_economy.assumption.{top['assumption'].replace(' ', '_')}", lang),
                     swing=fmt_number(top[f"swing_{REPORT_YEARS[-1]}_pp"], lang, 1), year=REPORT_YEARS[-1],
                     centre=t(key + "centre_simulation", lang, ceiling=fmt_pct(report.scalars["ceiling_pct"], lang, 1),
                              pace=fmt_pct(top.get("centre_growth_pct", math.nan), lang, 1))))
    n_assumed = int((report.assumptions["kind"] == ASSUMED).sum())
    grdp_key = {grdp_growth.MEDIUM_TERM: "grdp_derived", grdp_growth.BORROWED: "grdp_borrowed"}.get(grdp.rule,
                                                                                                  "grdp_assumed")
    grdp_text = t(key + grdp_key, lang,
                  nominal=fmt_pct(grdp.nominal_pct, lang, 2), real=fmt_pct(grdp.real_pct, lang, 2),
                  deflator=fmt_pct(grdp.deflator_pct, lang, 1),
                  years=f"{grdp.years[0]}–{grdp.years[-1]}" if grdp.years else "–")
    out.append(t(key + "assumptions", lang, n=n_assumed, sim_note=sim_note, grdp=grdp_text,
                 ceiling=fmt_pct(report.scalars["ceiling_pct"], lang, 1)))
    if notes:
        out.append(t(key + "notes", lang) + " ".join(render(n, lang) for n in notes))
    return out


# --------------------------------------------------------------------------------------------
# Reader views: the report's tables with human headers, targets in words, no ids
# --------------------------------------------------------------------------------------------

def _p_text(text: str, lang: str) -> str:
    return str(text).replace(".", ",") if lang == "vi" else str(text)


def _range_text(ranges: pd.DataFrame | None, target_id: str, fan: str, lang: str) -> str:
    """'; not a validated probability: P 0.31-0.84 across 3 stated priors' where the table has the row, else ''."""
    if ranges is None or ranges.empty:
        return ""
    hit = ranges[(ranges["target_id"] == target_id) & (ranges["fan"] == fan)]
    if hit.empty:
        return ""
    r = hit.iloc[0]
    if r["p_low_text"] == r["p_high_text"]:
        return t("digital_economy.narrative.p_range_same", lang, p=_p_text(r["p_low_text"], lang), n=int(r["n_priors"]))
    return t("digital_economy.narrative.p_range", lang, low=_p_text(r["p_low_text"], lang),
             high=_p_text(r["p_high_text"], lang),
             n=int(r["n_priors"]))


def _validation_paragraphs(tables: dict, lang: str, concept_name: dict) -> list[str]:
    """The likely method break (one sentence) and whether a probability was earned, from the report's tables."""
    key = "digital_economy.narrative."
    out = []
    breaks = tables.get("method_breaks")
    if breaks is not None and not breaks.empty:
        for b in breaks.itertuples():
            out.append(t(key + "method_break", lang, name=b.name, concept=concept_name[b.concept], year=int(b.year),
                         value=fmt_pct(b.value, lang, 2), other=concept_name[b.other_concept],
                         other_value=fmt_pct(b.other_value, lang, 2)))
    cov = tables.get("coverage")
    if cov is not None and not cov.empty:
        parts = []
        for r in cov.to_dict("records"):
            if r["n"] == 0:
                parts.append(t(key + "coverage_none", lang, concept=concept_name.get(r["concept"], r["concept"])))
            else:
                parts.append(t(key + "coverage_part", lang, concept=concept_name.get(r["concept"], r["concept"]),
                               inside=int(r["inside"]), n=int(r["n"]), low=fmt_pct(r["wilson_low_pct"], lang, 0),
                               high=fmt_pct(r["wilson_high_pct"], lang, 0),
                               verdict=t(key + ("coverage_earned" if r["earned"] else
                                                "coverage_" + str(r["reason"])), lang)))
        out.append(t(key + "validation", lang, minimum=model_validation.MIN_HELD_OUT_POINTS,
                     parts=" ".join(parts)))
    return out


def _target_words(targets: pd.DataFrame, lang: str) -> dict[str, str]:
    """target_id -> "≥ 35.0 % by 2030" in ``lang`` (what a reader sees instead of the id); targets that
    would read the same (one level set by several documents) carry their instrument, so a reader can
    tell them apart: "≈ 35.0 % by 2030 (QĐ 843/QĐ-UBND ...)"."""
    words = {r["target_id"]: t("digital_economy.view.target", lang, year=int(r["year"]),
                               target=percent_text(comparator_text(r["comparator"], r["value"], r["value_high"], lang), lang))
             for r in targets.to_dict("records")}
    counts = pd.Series(list(words.values())).value_counts()
    instruments = ({i: data_texts.text_in(None, "instrument", v, lang) for i, v in zip(targets["target_id"], targets["instrument"])}
                   if "instrument" in targets else {})  # in the report's language (data texts, issue 27)
    for target_id, text in words.items():
        instrument = instruments.get(target_id)
        if counts[text] > 1 and isinstance(instrument, str) and instrument:
            words[target_id] = f"{text} ({instrument.split(' (')[0]})"  # the instrument's name, not its gloss
    return words


def _reader_frame(report: Report, name: str) -> pd.DataFrame:
    lang, tables = report.lang, report.tables
    words = _target_words(tables["targets"], lang)
    concept = lambda c: data_texts.label("concept", c, lang) if c in CONCEPTS else t("digital_economy.view.pooled", lang)  # noqa: E731
    yes_no = lambda v: t("digital_economy.view.yes", lang) if bool(v) else ""  # noqa: E731
    frame = tables[name]
    if frame.empty:
        return frame
    if name == "required_paths":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           compared_on=frame["compared_on"].map(yes_no))
        cols = ["target", "concept", "compared_on", "base_year", "base_share_pct", "required_growth_pct",
                "required_pp_per_year", "implied_de_growth_pct"]
        out = out[cols].drop_duplicates(subset=["target", "concept"])
    elif name == "attainment":
        cell = frame["attained_year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           year_text=cell.where(cell != "", t("digital_economy.view.not_within", lang)))
        out = out.drop_duplicates(subset=["concept", "scenario", "target"])
        out = out.pivot(index=["concept", "scenario"], columns="target", values="year_text")
        out = out[list(dict.fromkeys(w for w in words.values() if w in out.columns))].reset_index()
        names = dict(zip(tables["scenarios"]["scenario"], tables["scenarios"]["scenario_vi"]))
        if lang == "vi":
            out["scenario"] = out["scenario"].map(lambda s: names.get(s, s))
    elif name == "probabilities":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["fan"].map(concept))
        covered = {r["concept"]: r for r in tables["coverage"].to_dict("records")} if "coverage" in tables else {}
        out = out.assign(reason=[_probability_reason(r, lang, covered.get(f)) for r, f in zip(frame["reason"],
                                                                                            frame["fan"])])
        out = out.assign(p_meet_text=out["p_meet_text"].map(lambda p: localize_marks(p, lang) if isinstance(p, str) else p))
        out = out[["target", "concept", "p_meet_text", "reason"]].drop_duplicates(subset=["target", "concept"])
    elif name == "targets_due":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           compared_on=frame["compared_on"].map(yes_no),
                           status=frame["status"].map(lambda s: _category(s, lang)),
                           verdict=frame["verdict"].map(lambda s: _category(s, lang)))
        out = out[["target", "concept", "compared_on", "status", "latest_pct", "latest_year", "observed_pct",
                   "verdict"]]
    elif name == "assessment":
        methods = section("digital_economy.method", lang)
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           category=frame["category"].map(lambda s: _category(s, lang)),
                           method=frame["method"].map(lambda m: methods.get(m.replace(" ", "_"), m)))
        out = out[["target", "concept", "method", "category", "score", "base_year", "projected_pct"]]
    elif name == "sensitivity":
        out = frame.assign(assumption=frame["assumption"].map(
            lambda a: t(f"digital_economy.assumption.{a.replace(' ', '_')}", lang)))
        out = out[["assumption", "low_label", "high_label", *[c for c in frame.columns if c.startswith("share_")],
                   "attained_year_low", "attained_year_high"]]
    elif name == "backtest":
        out = frame.assign(concept=frame["concept"].map(concept),
                           method=frame["method"].map(lambda m: backtest.method_word(m, lang)),
                           band_note=[backtest.band_note(n, lang) if isinstance(note, str) and note else ""
                                      for n, note in zip(frame["n_band"], frame["band_note"])])
        out = out[["concept", "method", "horizon_years", "n", "mean_error_pp", "mae_pp", "in_band50_pct",
                   "in_band90_pct", "band_note"]]
    elif name == "validation":
        yes = t("digital_economy.view.yes", lang)
        out = frame.assign(concept=frame["concept"].map(concept),
                           in_band90=frame["in_band90"].map(lambda v: yes if bool(v) else t("digital_economy.view.no", lang)))
        out = out.assign(origin_release=out["origin_release"].map(lambda d: format_date(d, lang)),
                         train=out["train"].map(lambda text: localize_marks(str(text), lang)))
        out = out[["concept", "origin_release", "train", "year", "predicted_pct", "band90_lo_pct", "band90_hi_pct",
                   "first_published_pct", "in_band90"]]  # the horizon, release dates and today's value: validation.csv
    elif name == "coverage":
        out = frame.assign(concept=frame["concept"].map(concept),
                           earned=frame["earned"].map(lambda v: t("digital_economy.view.yes" if bool(v) else
                                                                  "digital_economy.view.no", lang)))
        out = out[["concept", "n", "inside", "coverage_pct", "wilson_low_pct", "wilson_high_pct", "p_value", "earned"]]
    elif name == "pace_gap":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           compared_on=frame["compared_on"].map(yes_no))
        if lang == "vi":  # decimal commas
            out = out.assign(observed_paces=out["observed_paces"].str.replace(".", ",", regex=False))
        out = out[["target", "concept", "compared_on", "needed_growth_pct", "observed_paces", "recent_pace_pct",
                   "damped_pace_pct"]]  # the series' name (English) stays in the results file
    elif name == "probability_range":
        prior = lambda text: ", ".join(t("digital_economy.view.prior_" + p.replace(" ", "_"), lang)  # noqa: E731
                                       for p in str(text).split(", "))
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["fan"].map(concept),
                           priors=frame["priors"].map(prior))
        out = out[["target", "concept", "p_low_text", "p_high_text", "n_priors", "priors"]]
    elif name == "history":
        out = frame.assign(concept=frame["concept"].map(concept),
                           status=frame["status"].map(lambda s: t(f"digital_economy.status.{s}", lang)
                                                      if f"digital_economy.status.{s}" in catalog(lang)
                                                      else data_texts.label("status", s, lang, default=s)))
        out = data_texts.texts_in(None, out[["year", "concept", "value", "status", "publisher", "source_id"]], lang)
    else:
        out = frame
    return out


def _probability_reason(reason: Any, lang: str, coverage: dict | None = None) -> str:
    """The Monte Carlo's English reason for withholding a probability, in ``lang`` (its count kept); a probability
    the gate withheld says how many held-out points the model had (``coverage``: the fan's coverage row)."""
    import re

    if str(reason or "").startswith(NOT_VALIDATED):
        why = str(reason).split(": ", 1)[-1]
        if coverage is None or why == "pooled":
            return t("digital_economy.view.not_validated_pooled", lang)
        return t(f"digital_economy.view.not_validated_{why}", lang, n=int(coverage["n"]), inside=int(coverage["inside"]),
                 minimum=model_validation.MIN_HELD_OUT_POINTS)
    match = re.match(r"(\d+) own observation", str(reason or ""))
    if not match:
        return "" if reason is None or (isinstance(reason, float) and math.isnan(reason)) else str(reason)
    return t("digital_economy.view.no_probability", lang, n=int(match.group(1)),
             minimum=monte_carlo.MIN_OBS_FOR_PROBABILITY)


def _headers(lang: str) -> dict[str, str]:
    return section("digital_economy.columns", lang)


def view(report: Report, name: str) -> Any:
    """A reader's view of the result table ``name``: targets in words, definitions by name, human
    headers and caption in the report's language, no ids (every column stays in the results files)."""
    from .report_view import table_view

    shown = Report(notebook=report.notebook, geo_id=report.geo_id, lang=report.lang, title=report.title,
                   tables={name: _reader_frame(report, name)})
    return table_view(shown, name, caption=t(f"digital_economy.captions.{name}", report.lang),
                      headers={**section("report.columns", report.lang), **_headers(report.lang)})


# --------------------------------------------------------------------------------------------
# Step 9a: the one-minute answer
# --------------------------------------------------------------------------------------------



def verdicts(pkg: data_package.DataPackage, inputs: ShareInputs) -> pd.DataFrame:
    """Step 8b: the verdict of each of the geography's share targets (``target_verdicts``: the rule every report,
    the index and the results files read), one row per target, as of the data."""
    table = target_verdicts.verdicts_for(pkg, inputs.geo_id, inputs.as_of_year, inputs.lang, indicators=(INDICATOR,))
    return table[table["relation"] == "own"].reset_index(drop=True)


@dataclass
class Answer:
    """Step 9a's result: the verdict table (each target, its verdict and the one line of evidence it rests on,
    the other definition beside it), shown first; the short paragraph answering the report's question is
    shown below the first chart (``narrative``)."""

    paragraph: str
    table: Any  # reader_tables.ReaderTable
    frame: pd.DataFrame

    def _repr_html_(self) -> str:
        return f'<div class="nq57-answer">{self.table.html}</div>'


def one_minute_answer(report: Report) -> Answer:
    """Step 9a: the answer first. One row per target (documents that set the same target are one row): its
    verdict from ``target_verdicts`` and why, in one line (the value and year it rests on, the pace needed,
    the paces observed), the other definition beside it. No scenario count is evidence: the scenarios and
    their years are in the details below."""
    lang = report.lang
    verdicts = report.tables["verdicts"]
    table = target_verdicts.answer_table(verdicts, lang, t("digital_economy.answer.caption", lang),
                                         _target_words(report.tables["targets"], lang))
    frame = verdicts[["target_id", "verdict", "evidence"]]
    return Answer(_answer_paragraph(report, report.tables["verdicts"]), table, frame)


def _latest_text(report: Report, concept: str, value: float, year: int) -> str:
    """'22.87 % (2022, ministry)', or 'assumed 16.61 % (2022, ...)' where the definition's base is assumed."""
    defs = report.tables.get("definitions")
    kind = "observed"
    if defs is not None and not defs.empty and concept in set(defs["concept"]):
        kind = defs.set_index("concept").at[concept, "base_kind"]
    return t("digital_economy.answer." + ("assumed" if kind == "assumed" else "latest"), report.lang,
             value=fmt_number(value, report.lang, 2), year=int(year),
             definition=data_texts.label("concept", concept, report.lang))


def _answer_paragraph(report: Report, verdicts: pd.DataFrame) -> str:
    """Three plain sentences: where the share stands on each definition, the verdicts, and what the data allow
    (a probability, or the pace needed against the paces observed)."""
    lang, tables = report.lang, report.tables
    key = "digital_economy.answer."
    defs = tables.get("definitions")
    parts = [] if defs is None else [_latest_text(report, r["concept"], r["base_share_pct"], r["base_year"])
                                     for r in defs.to_dict("records") if not pd.isna(r["base_share_pct"])]
    text = [t(key + "stand", lang, values=t("digital_economy.narrative.and", lang).join(parts))
            if parts else t(key + "no_value", lang)]
    if not verdicts.empty:
        counts = target_verdicts.counts(verdicts)
        text.append(t(key + "verdicts", lang, n=counts["n_targets"], counts=", ".join(
            f"{counts['n_' + v.replace(' ', '_')]} {target_verdicts.verdict_word(v, lang)}"
            for v in target_verdicts.VERDICTS if counts["n_" + v.replace(" ", "_")])))
    probs = tables["probabilities"]
    shown = probs[probs["p_meet_text"].fillna("").astype(str) != ""] if not probs.empty else probs
    thin = verdicts["reason"].isin(["one_point", "few_points", "stale"]).any() if not verdicts.empty else False
    gated = not probs.empty and probs["reason"].astype(str).str.startswith(NOT_VALIDATED).any()
    text.append(t(key + "probability", lang) if not shown.empty else
                t(key + "not_validated", lang, minimum=model_validation.MIN_HELD_OUT_POINTS) if gated else
                t(key + "thin", lang) if thin else t(key + "no_probability", lang))
    return " ".join(text)
