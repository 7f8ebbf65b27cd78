"""The ceiling of a geography's digital-economy share, from its own sector structure.

Both definitions of the digital economy measure value added. Taxes on products are no sector's value added
and agriculture is almost undigitised in both measures, so the share cannot exceed 100 - agriculture -
taxes on products (each % of GRDP including taxes on products; :func:`share_formulas.sector_ceiling_pct`).
The ceiling caps every path of a report (scenarios, Monte Carlo, back-test, tornado) and is the logistic
scenario's saturation level; it is one value with one owner (:class:`Ceiling`), passed from the notebook to
every step that uses it.

Which bound a geography gets (:func:`geography_ceiling`), stated in the report:

1. **own** -- its latest year with both an agriculture share and a product-tax share in the data: the
   agriculture share on the basis including taxes on products, or on the basis excluding them converted
   (agriculture_incl = agriculture_excl x (1 - taxes / 100), since the three sectors' value added is GRDP
   less taxes on products). E.g. Vĩnh Phúc 2023: 100 - 5.36 - 23.18 = 71.46 %.
2. **merged** -- a unit formed in the 2025 merger without its own structure: the GRDP-weighted mean of its
   old provinces' own bounds (each its latest year; weights: GRDP at current prices in the latest year
   every old province reports it). Exact for shares of GRDP when the years agree; the report names the years.
3. **fallback** -- no structure in the data: ``FALLBACK_CEILING_PCT`` (70 %, Vĩnh Phúc's bound: 68.1 % in
   2020, 71.5 % in 2023), labelled as a fallback borrowed from another province.

A value the user sets (``ceiling_pct`` > 0) replaces it and is labelled as set by the user.

The range (the tornado's ends): the lowest and highest bound over the years (own) or old provinces (merged)
behind the value, never narrower than ``MIN_HALF_RANGE_PP`` either side of it (about the 3.3 pp Vĩnh Phúc's
bound moved between 2020 and 2023).
"""

from __future__ import annotations

from dataclasses import dataclass, field


from . import data_package, geography, series_ranking
from .errors import ParameterError, check_number
from .provenance import ASSUMED, DERIVED, Assumption
from .share_formulas import sector_ceiling_pct
from .share_projection import DEFAULT_CEILING_PCT
from .text import Joined, Phrase, names, phrase

_L, _B = "common.inputs.label.", "common.inputs.basis."

FALLBACK_CEILING_PCT = DEFAULT_CEILING_PCT  # Vĩnh Phúc's 2020-2023 bound, only where a geography has none
FALLBACK_RANGE_PCT = (100 - 6.11 - 25.77, 100 - 5.36 - 23.18)  # Vĩnh Phúc 2020 and 2023 (the fallback's basis)
MIN_HALF_RANGE_PP = 2.5
OWN, MERGED, FALLBACK, SET = "own", "merged", "fallback", "set"
AGRICULTURE, TAXES = "agriculture_share_pct", "product_taxes_share_pct"
INCL, EXCL = "incl_product_taxes", "excl_product_taxes"


@dataclass(frozen=True)
class Bound:
    """One year's sector bound of one geography: 100 - agriculture - taxes (% of GRDP)."""

    geo_id: str
    year: int
    agriculture_pct: float  # on the basis including taxes on products
    taxes_pct: float
    value_pct: float
    agriculture_excl_pct: float | None = None  # set when converted from the basis excluding taxes
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ceiling:
    """The ceiling of every path of one report: value, range, how it was obtained and its words.

    ``kind``: 'own', 'merged', 'fallback' or 'set' (module docstring). ``float(ceiling)`` is the value.
    """

    geo_id: str
    value_pct: float
    low_pct: float
    high_pct: float
    kind: str
    basis: Phrase
    year: int | None = None
    sources: tuple[str, ...] = ()
    bounds: tuple[Bound, ...] = field(default=(), repr=False)

    def __float__(self) -> float:
        return float(self.value_pct)

    @property
    def is_derived(self) -> bool:
        """True when the value comes from the geography's own (or its old provinces') sector structure."""
        return self.kind in (OWN, MERGED)

    def assumption(self) -> Assumption:
        """The inputs table's row: derived from the data (own, merged) or assumed (fallback, set)."""
        return Assumption("ceiling_pct", self.value_pct, "%", DERIVED if self.is_derived else ASSUMED,
                          phrase(_L + "ceiling"), self.basis)

    def _repr_html_(self) -> str:
        return (f"<p><b>ceiling</b>: {self.value_pct:.2f} % ({self.kind}; range {self.low_pct:.2f}-"
                f"{self.high_pct:.2f} %)<br>{self.basis}</p>")


def _geo_words(pkg: data_package.DataPackage, geo_id: str):
    return names(en=geo_id, vi=geography.geo_name(pkg, geo_id, "vi"))


def sector_bounds(pkg: data_package.DataPackage, geo_id: str) -> list[Bound]:
    """Every year in which ``geo_id`` has a product-tax share and an agriculture share (the basis including
    taxes on products, else the basis excluding them, converted), oldest first."""
    taxes = series_ranking.series(pkg, geo_id, TAXES, concept=INCL)
    if taxes.empty:
        return []
    incl = series_ranking.series(pkg, geo_id, AGRICULTURE, concept=INCL).set_index("year")
    excl = series_ranking.series(pkg, geo_id, AGRICULTURE, concept=EXCL).set_index("year")
    out = []
    for row in taxes.to_dict("records"):
        year, tax = int(row["year"]), float(row["value"])
        if year in incl.index:
            agri, agri_excl, source = float(incl.loc[year, "value"]), None, str(incl.loc[year, "source_id"])
        elif year in excl.index:
            agri_excl, source = float(excl.loc[year, "value"]), str(excl.loc[year, "source_id"])
            agri = agri_excl * (1 - tax / 100)
        else:
            continue
        out.append(Bound(geo_id, year, agri, tax, sector_ceiling_pct(agri, tax), agri_excl,
                         tuple(sorted({source, str(row["source_id"])}))))
    return out


def _range(value: float, values: list[float]) -> tuple[float, float]:
    return (min([*values, value - MIN_HALF_RANGE_PP]), min(100.0, max([*values, value + MIN_HALF_RANGE_PP])))


def _bound_phrase(pkg: data_package.DataPackage, bound: Bound) -> Phrase:
    if bound.agriculture_excl_pct is None:
        return phrase(_B + "ceiling_bound", geo=_geo_words(pkg, bound.geo_id), year=bound.year,
                      agriculture=bound.agriculture_pct, taxes=bound.taxes_pct, value=bound.value_pct,
                      sources=", ".join(bound.sources))
    return phrase(_B + "ceiling_bound_converted", geo=_geo_words(pkg, bound.geo_id), year=bound.year,
                  excl=bound.agriculture_excl_pct, agriculture=bound.agriculture_pct, taxes=bound.taxes_pct,
                  value=bound.value_pct, sources=", ".join(bound.sources))


def geography_ceiling(pkg: data_package.DataPackage, geo_id: str, set_pct: float = 0.0) -> Ceiling:
    """The ceiling of ``geo_id`` (module docstring): its own latest sector bound, else its old provinces'
    GRDP-weighted bounds (a 2025 unit), else the labelled 70 % fallback; ``set_pct`` > 0 replaces the value."""
    set_pct = check_number("ceiling_pct", set_pct, low=0, high=100)
    own = sector_bounds(pkg, geo_id)
    if set_pct > 0:
        low, high = _range(set_pct, [])
        return Ceiling(geo_id, set_pct, low, high, SET, phrase(_B + "ceiling_set"))
    if own:
        latest = own[-1]
        low, high = _range(latest.value_pct, [b.value_pct for b in own])
        years = f"{own[0].year}-{own[-1].year}" if len(own) > 1 else str(own[0].year)
        basis = phrase(_B + "ceiling_own", bound=_bound_phrase(pkg, latest), low=low, high=high, years=years)
        return Ceiling(geo_id, latest.value_pct, low, high, OWN, basis, latest.year,
                       tuple(sorted({s for b in own for s in b.sources})), tuple(own))
    merged = _merged_ceiling(pkg, geo_id)
    if merged is not None:
        return merged
    low, high = _range(FALLBACK_CEILING_PCT, list(FALLBACK_RANGE_PCT))
    return Ceiling(geo_id, FALLBACK_CEILING_PCT, low, high, FALLBACK,
                   phrase(_B + "ceiling_fallback", geo=_geo_words(pkg, geo_id), low=low, high=high))


def _merged_ceiling(pkg: data_package.DataPackage, geo_id: str) -> Ceiling | None:
    parts = geography.old_units(pkg, geo_id)
    if not parts:
        return None
    latest = {}
    for part in parts:
        bounds = sector_bounds(pkg, part)
        if not bounds:
            return None  # one old province without a structure: no weighted bound
        latest[part] = bounds[-1]
    grdp = {p: series_ranking.series(pkg, p, "grdp_current_bn_vnd") for p in parts}
    common = set.intersection(*[set(g["year"].astype(int)) for g in grdp.values()])
    if not common:
        return None
    year = max(common)
    weights = {p: float(grdp[p].loc[grdp[p]["year"] == year, "value"].iloc[0]) for p in parts}
    value = sum(latest[p].value_pct * weights[p] for p in parts) / sum(weights.values())
    low, high = _range(value, [b.value_pct for b in latest.values()])
    sources = {s for b in latest.values() for s in b.sources}
    sources |= {str(grdp[p].loc[grdp[p]["year"] == year, "source_id"].iloc[0]) for p in parts}
    weight_text = Joined(", ", tuple(phrase(_B + "weight", geo=_geo_words(pkg, p), weight=weights[p]) for p in parts))
    basis = phrase(_B + "ceiling_merged", pieces=tuple(_bound_phrase(pkg, latest[p]) for p in parts), year=year,
                   weights=weight_text, value=value, low=low, high=high)
    return Ceiling(geo_id, value, low, high, MERGED, basis, max(b.year for b in latest.values()),
                   tuple(sorted(sources)), tuple(latest.values()))


def check_above(ceiling: Ceiling, latest_pct: float, what: str) -> None:
    """A ceiling the user set must lie above the latest share (else every path is flat at the start); a derived
    one below it is refused too, naming ``ceiling_pct`` so the user can set one."""
    if not ceiling.value_pct > latest_pct:
        raise ParameterError("ceiling_pct", f"must be above {what} {latest_pct:g} %, got {ceiling.value_pct:g}"
                             + ("" if ceiling.kind == SET else f" ({ceiling.kind} sector bound of {ceiling.geo_id}; "
                                                               "set ceiling_pct)"))


def as_pct(ceiling: Ceiling | float) -> float:
    """The ceiling's value from a :class:`Ceiling` or a plain number (a notebook edit)."""
    if isinstance(ceiling, Ceiling):
        return ceiling.value_pct
    if isinstance(ceiling, (int, float)) and not isinstance(ceiling, bool):
        return check_number("ceiling_pct", float(ceiling), low=0, low_open=True, high=100)
    raise ParameterError("ceiling", f"expected a Ceiling or a number, got {type(ceiling).__name__}")


def as_ceiling(ceiling: Ceiling | float, geo_id: str) -> Ceiling:
    """A :class:`Ceiling` from a Ceiling or a plain number (a notebook edit: labelled as set by the user)."""
    if isinstance(ceiling, Ceiling):
        return ceiling
    value = as_pct(ceiling)
    low, high = _range(value, [])
    return Ceiling(geo_id, value, low, high, SET, phrase(_B + "ceiling_set"))


__all__ = ["Bound", "Ceiling", "FALLBACK_CEILING_PCT", "as_ceiling", "as_pct", "check_above", "geography_ceiling",
           "sector_bounds"]
