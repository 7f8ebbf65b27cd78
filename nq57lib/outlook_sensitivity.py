"""Which assumption matters most: how far the outlook moves when each assumption crosses its range.

A one-at-a-time (tornado) analysis. Start from a base configuration of the outlook (base share and
year, pace, ceiling, method, target), move one assumption to the low and then the high end of its
plausible range with every other one at its base value, and record the shares in the report years
(2030 and 2045 by default) and the year the target is first met. The table is tidy and sorted by
swing, largest first; a tornado chart draws it (``charts/``).

An assumption's range is a pair (low, high). Each end is either a number, which replaces the
configuration key of the assumption's name, or a mapping of keys to values, for assumptions that move
several keys at once or are categorical (e.g. ``"definition": ({"growth_pct": 2.06, "base_share_pct":
...}, {"growth_pct": 15.4})``). An optional third item per range gives the two ends' labels.

The configuration keys of :func:`outlook_summary`: ``base_year``, ``base_share_pct``, ``growth_pct``
(or ``de_growth_pct`` and ``grdp_growth_pct``: the share then grows by (1 + de) / (1 + grdp) - 1, so
GRDP growth is an assumption of its own), ``ceiling_pct``, ``method`` ('cagr', 'logistic' or
'damped'), ``damping`` (for 'damped'), ``pace_share_pct`` (for 'logistic'), ``target_pct`` and
``end_year``. Every path is capped at the ceiling.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import share_formulas, share_projection
from .errors import ParameterError, check_choice, check_int, check_number

REPORT_YEARS = (2030, 2045)
OUTLOOK_METHODS = ("cagr", "logistic", "damped")
_DEFAULTS = {"ceiling_pct": share_projection.DEFAULT_CEILING_PCT, "method": "cagr", "damping": 1.0,
             "pace_share_pct": None, "target_pct": None, "end_year": 2070}


def share_growth_pct(config: Mapping[str, Any]) -> float:
    """The share's growth (% a year) of a configuration: ``growth_pct``, or DE growth over GRDP growth.

    E.g. digital-economy value added +15 % and GRDP +7 % a year: (1.15 / 1.07 - 1) x 100 = 7.48 % a year.
    """
    if "de_growth_pct" in config and "grdp_growth_pct" in config:
        de = check_number("de_growth_pct", config["de_growth_pct"], low=-100, low_open=True)
        grdp = check_number("grdp_growth_pct", config["grdp_growth_pct"], low=-100, low_open=True)
        return ((1 + de / 100) / (1 + grdp / 100) - 1) * 100
    if "growth_pct" not in config:
        raise ParameterError("config", "needs growth_pct, or de_growth_pct and grdp_growth_pct")
    return check_number("growth_pct", config["growth_pct"], low=-100, low_open=True)


def outlook_summary(config: Mapping[str, Any], years: Sequence[int] = REPORT_YEARS) -> dict:
    """Share in each of ``years`` and the first year the share reaches ``target_pct`` (None if never).

    Returns ``{"share_<year>_pct": ..., "attained_year": ...}``.
    """
    c = {**_DEFAULTS, **dict(config)}
    base_year = check_int("base_year", c.get("base_year"), low=share_projection.FIRST_YEAR, high=share_projection.LAST_YEAR)
    base = check_number("base_share_pct", c.get("base_share_pct"), low=0, low_open=True, high=100)
    ceiling = check_number("ceiling_pct", c["ceiling_pct"], low=0, low_open=True, high=100)
    method = check_choice("method", c["method"], OUTLOOK_METHODS)
    end = check_int("end_year", c["end_year"], low=base_year + 1, high=share_projection.LAST_YEAR)
    growth = share_growth_pct(c)
    steps = np.arange(0, end - base_year + 1, dtype=float)
    if method == "cagr":
        path = share_formulas.cagr_path(base, growth, steps)
    elif method == "damped":
        damping = check_number("damping", c["damping"], low=0, high=1)
        path = share_formulas.damped_path(base, growth, damping, steps)
    else:
        if base >= ceiling:
            path = np.full(steps.shape, base)
        else:
            path = share_formulas.logistic_path(base, growth, ceiling, steps, c["pace_share_pct"])
    path = np.minimum(path, max(ceiling, base))
    out = {}
    for year in years:
        year = check_int("years", year, low=base_year, high=end)
        out[f"share_{year}_pct"] = float(path[year - base_year])
    attained = None
    if c["target_pct"] is not None:
        target = check_number("target_pct", c["target_pct"], low=0, high=100)
        reached = np.flatnonzero(path >= target - 1e-9)
        attained = int(base_year + reached[0]) if len(reached) else None
    out["attained_year"] = attained
    return out


def _apply(base: Mapping[str, Any], name: str, end: Any) -> dict:
    if isinstance(end, Mapping):
        return {**base, **dict(end)}
    return {**base, name: end}


def _end_label(name: str, end: Any) -> str:
    if isinstance(end, Mapping):
        return ", ".join(f"{k}={v:g}" if isinstance(v, (int, float)) else f"{k}={v}" for k, v in end.items())
    return f"{name}={end:g}" if isinstance(end, (int, float)) else f"{name}={end}"


def sensitivity_table(base: Mapping[str, Any], ranges: Mapping[str, Sequence[Any]], *,
                      evaluate: Callable[[Mapping[str, Any]], dict] | None = None,
                      years: Sequence[int] = REPORT_YEARS) -> pd.DataFrame:
    """One row per assumption: the outlook at the low and high ends of its range, sorted by swing.

    Columns: assumption, low_label, high_label, then per report year Y share_Y_base_pct, share_Y_low_pct,
    share_Y_high_pct, swing_Y_pp (|high - low|), then attained_year_base, attained_year_low,
    attained_year_high (nullable Int64), swing_years (|high - low|; <NA> when an end never reaches the
    target). Sorted by the swing of the last report year, then the first, largest first. ``evaluate``
    defaults to :func:`outlook_summary` with ``years``; each configuration is checked as it is evaluated,
    and a bad range raises one ParameterError naming the assumption.
    """
    if not isinstance(base, Mapping):
        raise ParameterError("base", f"expected a mapping of configuration keys, got {type(base).__name__}")
    if not isinstance(ranges, Mapping) or not ranges:
        raise ParameterError("ranges", "expected a non-empty mapping: assumption -> (low, high[, labels])")
    run = evaluate or (lambda config: outlook_summary(config, years))
    reference = run(base)
    rows = []
    for name, spec in ranges.items():
        if not isinstance(spec, Sequence) or isinstance(spec, str) or len(spec) not in (2, 3):
            raise ParameterError(f"ranges[{name!r}]", "expected (low, high) or (low, high, (low_label, high_label))")
        low_end, high_end = spec[0], spec[1]
        labels = spec[2] if len(spec) == 3 else (_end_label(name, low_end), _end_label(name, high_end))
        try:
            low, high = run(_apply(base, name, low_end)), run(_apply(base, name, high_end))
        except ParameterError as error:
            raise ParameterError(f"ranges[{name!r}]", str(error)) from None
        row = {"assumption": name, "low_label": labels[0], "high_label": labels[1]}
        for year in years:
            key = f"share_{year}_pct"
            row[f"share_{year}_base_pct"] = reference[key]
            row[f"share_{year}_low_pct"], row[f"share_{year}_high_pct"] = low[key], high[key]
            row[f"swing_{year}_pp"] = abs(high[key] - low[key])
        row["attained_year_base"] = reference["attained_year"]
        row["attained_year_low"], row["attained_year_high"] = low["attained_year"], high["attained_year"]
        both = low["attained_year"] is not None and high["attained_year"] is not None
        row["swing_years"] = abs(high["attained_year"] - low["attained_year"]) if both else None
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("attained_year_base", "attained_year_low", "attained_year_high", "swing_years"):
        table[column] = table[column].astype("Int64")
    keys = [f"swing_{years[-1]}_pp", f"swing_{years[0]}_pp"]
    return table.sort_values(keys, ascending=False, kind="stable").reset_index(drop=True)
