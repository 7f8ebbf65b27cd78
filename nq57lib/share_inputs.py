"""What the data package holds for one digital-economy report, on each definition (derivation rules): the
history on each definition, the base a merged 2025 unit or a definition without data rests on (labelled
assumptions), the proxy's series, the targets and the definition each is read on, the as-of year.

- **Definitions side by side**: the statistics office's value-added measure (``nso``) and the ministry's broader
  estimate (``ministry``); every definition with data for the geography or its proxy gets its own history.
- **Base on each definition**: the geography's latest own observation. A unit created by the 2025
  merger has none: its base is an explicit assumption, the GRDP-weighted average of its old
  provinces' shares, an old province without one at the median of comparable provinces
  (``COMPARABLE_PROVINCES``; ``assumed_merged_base``, history status 'imputed', never drawn as observed;
  its range enters the tornado). A definition on which the geography has no value but
  its proxy has (e.g. Vĩnh Phúc on the statistics office's measure) gets a **relative-level** base,
  also an assumption: the proxy's value on that definition times the geography's level relative to
  the proxy on the other definition in the same year (``relative_level_base``).
- **Targets that do not state their definition** are read on the definition in use when they were set
  (``nq57lib.target_assessment.target_definitions``; ``target_concept``).
- **Time as of the data**: a target whose year is before the as-of year has passed and is not projected
  (``targets_ahead``; ``share_formulas.target_has_passed``, the scorecard's rule too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import bounds, ceilings, data_package, geography, model_validation, series_ranking, share_formulas
from .config import NATION
from .errors import ParameterError
from .provenance import ASSUMED, Assumption
from .target_assessment import UNSTATED_TARGET_CONCEPT, nso_first_published, target_definitions
from .text import Joined, Names, Phrase, names, phrase

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words

INDICATOR = "de_share_pct"
CONCEPTS = ("nso", "ministry")  # the two definitions: statistics office value added, ministry estimate
HISTORY_COLUMNS = ["year", "value", "unit", "status", "concept", "source_id", "publisher", "segment"]


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
            pieces.append(phrase(_B + "piece_observed", geo=geo_id_words(pkg, p), share=shares[p], year=int(row["year"]),
                                 source=row["source_id"]))
        elif imputed is not None:
            shares[p], lows[p], highs[p], comparables, comparable_sources = imputed
            sources.update(comparable_sources)
            if not national_row.empty:
                sources.add(national_row["source_id"].iloc[0])
            pieces.append(phrase(_B + "piece_imputed", geo=geo_id_words(pkg, p), share=shares[p], year=year,
                                 concept=share_formulas.concept_word(concept),
                                 comparables=Joined(", ", tuple(geo_id_words(pkg, c) for c in comparables)),
                                 low=lows[p], high=highs[p], sources=", ".join(comparable_sources)))
        else:
            shares[p] = lows[p] = highs[p] = float(national_row["value"].iloc[0])
            sources.add(national_row["source_id"].iloc[0])
            pieces.append(phrase(_B + "piece_assumed", geo=geo_id_words(pkg, p), share=shares[p],
                                 concept=share_formulas.concept_word(concept), year=year,
                                 source=national_row["source_id"].iloc[0]))
    total = sum(weights.values())
    value = sum(shares[p] * weights[p] for p in parts) / total
    low = sum(lows[p] * weights[p] for p in parts) / total
    high = sum(highs[p] * weights[p] for p in parts) / total
    weight_text = Joined(", ", tuple(phrase(_B + "weight", geo=geo_id_words(pkg, p), weight=weights[p]) for p in parts))
    basis = phrase(_B + "weighted_base", pieces=tuple(pieces), year=weight_year, weights=weight_text, value=value)
    if low < value or high > value:
        basis = phrase(_B + "weighted_base_range", base=basis, low=low, high=high)
    assumption = Assumption("base_share_pct", value, "%", ASSUMED,
                            phrase(_L + "assumed_share", year=year, geo=geo_id_words(pkg, geo_id),
                                   concept=share_formulas.concept_word(concept)), basis)
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
    basis = phrase(_B + "relative_base", proxy=geo_id_words(pkg, proxy_geo),
                   concept=share_formulas.concept_word(concept), year=year,
                   proxy_share=float(pc["value"].iloc[0]), proxy_source=pc["source_id"].iloc[0],
                   geo=geo_id_words(pkg, geo_id), other=share_formulas.concept_word(other_concept), own=float(row["value"]), proxy_other=float(po["value"].iloc[0]),
                   ratio=ratio, other_source=po["source_id"].iloc[0], value=value)
    assumption = Assumption(f"base_share_pct ({concept})", value, "%", ASSUMED,
                            phrase(_L + "assumed_share", year=year, geo=geo_id_words(pkg, geo_id),
                                   concept=share_formulas.concept_word(concept)), basis)
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


def frame_html(frame: pd.DataFrame, caption: str) -> str:
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
        return frame_html(self.history[HISTORY_COLUMNS], f"{self.name}: {INDICATOR} (as of {self.as_of_year})")


def read_inputs(pkg: data_package.DataPackage, geo: str, proxy: str, lang: str, concept: str) -> ShareInputs:
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


def geo_names(pkg: data_package.DataPackage, geo_id: str) -> Names:
    return names(en=geography.geo_name(pkg, geo_id, "en"), vi=geography.geo_name(pkg, geo_id, "vi"))


def geo_phrase(pkg: data_package.DataPackage, geo_id: str) -> Phrase:
    """A geography's name as a phrase (English name; Vietnamese in a Vietnamese report)."""
    return phrase(_B + "name", name=geo_names(pkg, geo_id))


def geo_id_words(pkg: data_package.DataPackage, geo_id: str) -> Names:
    """A geography's id where the results have always named it, its Vietnamese name for a Vietnamese reader."""
    return names(en=geo_id, vi=geography.geo_name(pkg, geo_id, "vi"))


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
    """The targets to project on ``concept``: year not passed (``share_formulas.target_has_passed``) and after
    its base year."""
    if inputs.targets.empty:
        return inputs.targets
    ahead, _ = share_formulas.split_targets_as_of(inputs.targets, inputs.as_of_year)
    base_year = int(inputs.histories[concept]["year"].iloc[-1])
    return ahead[ahead["year"] > base_year].reset_index(drop=True)


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
