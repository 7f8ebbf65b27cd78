"""The bounds the engines enforce, defined once: the engines and the runner's pre-kernel check both call these.

A value that an engine would refuse inside a kernel (exit 1, after minutes) must be refused before
any kernel starts (exit 2, one line naming the parameter). So each bound lives here, and both
``monte_carlo.simulate`` / ``floor_cost`` and the notebooks' input checks (``registry.input_error``)
call the same function with the parameter's name. README "Limits" lists them.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from .errors import ParameterError, check_int

# Years: every year an engine takes lies in [FIRST_YEAR, LAST_YEAR] (one bound for every engine; a year outside
# is a typo, and a horizon beyond LAST_YEAR is a typo, not a policy question).
FIRST_YEAR = 1900
LAST_YEAR = 2100

# Monte Carlo: fewer paths give meaningless 5 % / 95 % quantiles; the simulation holds a float32 cube
# of paths x years x path shapes plus one temporary of the same size, so peak memory is about 8 bytes
# per cell: the cap of 60 million cells is ~0.5 GB.
MIN_PATHS = 100
MAX_PATHS = 1_000_000
MAX_SIM_CELLS = 60_000_000


# Budget amounts: far above any real budget (world GDP is ~3e9 bn VND), low enough that every path,
# compounded to 2100 at the largest allowed growth and summed, stays a finite float.
MAX_AMOUNT_BN_VND = 1e12


def check_amount(name: str, value: float) -> float:
    """A budget amount in bn VND no larger than ``MAX_AMOUNT_BN_VND``."""
    if value > MAX_AMOUNT_BN_VND:
        raise ParameterError(name, f"must be <= {MAX_AMOUNT_BN_VND:g} bn VND, got {value:g}")
    return value


def check_paths(name: str, n_paths: Any) -> int:
    """``n_paths`` within [MIN_PATHS, MAX_PATHS]."""
    return check_int(name, n_paths, low=MIN_PATHS, high=MAX_PATHS)


def check_sim_size(name: str, n_paths: int, n_years: int, n_shapes: int) -> int:
    """The Monte Carlo memory guard: paths x years x path shapes must not exceed ``MAX_SIM_CELLS``."""
    cells = n_paths * n_years * n_shapes
    if cells > MAX_SIM_CELLS:
        raise ParameterError(name, f"{n_paths} paths x {n_years} years x {n_shapes} path shapes = {cells:,} cells "
                                   f"exceeds the memory guard of {MAX_SIM_CELLS:,} (fewer paths or an earlier "
                                   "horizon)")
    return cells


def check_horizon(name: str, end_year: int, targets: Iterable[tuple[str, int]]) -> int:
    """``end_year`` reaches the year of every target (``(target_id, year)`` pairs) it must score."""
    for target_id, year in targets:
        if int(year) > end_year:
            raise ParameterError(name, f"must reach target '{target_id}' year {int(year)}, got {end_year}")
    return end_year


def check_ceiling(name: str, ceiling_pct: float, base_share_pct: float, what: str = "the base share") -> float:
    """A ceiling must lie above the share it starts from (else every path is flat at the start)."""
    if not ceiling_pct > base_share_pct:
        raise ParameterError(name, f"must be above {what} {base_share_pct:g} %, got {ceiling_pct:g}")
    return ceiling_pct


def check_finite(name: str, value: float, what: str) -> float:
    """``value`` (a result computed from parameter ``name``) must be a finite number."""
    if not math.isfinite(value):
        raise ParameterError(name, f"gives a non-finite {what} ({value}); use a realistic value")
    return value
