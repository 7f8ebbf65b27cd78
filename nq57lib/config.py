"""Project paths, derived from this file's location (never hard-coded in notebooks).

``NQ57_REPORTS_DIR`` may point report output elsewhere (e.g. a scheduler's artefact folder).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJ_ROOT / "data"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get("NQ57_REPORTS_DIR") or PROJ_ROOT / "reports")

# Researchers' own observations, merged with the shipped data on every load (os.pathsep-separated).
ENV_EXTRA_OBSERVATIONS = "NQ57_EXTRA_OBSERVATIONS"
ENV_EXTRA_SOURCES = "NQ57_EXTRA_SOURCES"

NATION = "vn"  # the nation's geography id (every module that means the nation reads this one)
DEFAULT_GEO = "vinh-phuc"
DEFAULT_REPORT_GEOS = ("vinh-phuc", "phu-tho-2025", NATION)

# The one default deflator (GRDP price growth, % a year) of every notebook that needs one: the nation's mean
# GDP deflator over 2022-2025 implied by the data (GDP at current prices 2021 and 2025 over real growth
# 2022-2025: 3.65 %, rounded; grdp_growth.observed_gdp_deflator). A parameters cell holds literals, so it is
# written here; the budget report recomputes the mean, names the years and says so if the two part, and
# tests/test_budget_floor.py checks this literal against the data. It replaced an unsourced round 3.5.
DEFAULT_DEFLATOR_PCT = 3.7
