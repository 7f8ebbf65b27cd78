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

DEFAULT_GEO = "vinh-phuc"
DEFAULT_REPORT_GEOS = ("vinh-phuc", "phu-tho-2025", "vn")
