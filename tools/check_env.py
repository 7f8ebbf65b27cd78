"""Check that the running environment has every dependency of nq57 and its test and lab extras.

``make ... USE_CURRENT_ENV=1`` installs nq57 into the active environment (e.g. conda, from
environment.yml) without letting pip add or replace packages, then runs this: a missing or too old
package is named on one line each, with the exit status 1, instead of an ImportError mid-test.
Versions are compared with ``packaging``; where ``packaging`` itself is missing, every other missing
package is still listed (by name) and ``packaging`` with them, never a traceback.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
wanted = [*project["dependencies"], *(r for extra in ("test", "lab") for r in project["optional-dependencies"][extra])]
try:
    from packaging.requirements import Requirement
except ImportError:  # checked by name below, and named as missing itself
    Requirement = None

problems = [] if Requirement is not None else ["missing packaging (needed to compare versions)"]
for text in wanted:
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text).group(1)
    try:
        found = version(name)
    except PackageNotFoundError:
        problems.append(f"missing {text}")
        continue
    if Requirement is not None:
        requirement = Requirement(text)
        if not requirement.specifier.contains(found, prereleases=True):
            problems.append(f"{requirement.name} {found} installed, need {requirement}")
for problem in problems:
    print(f"nq57: this environment lacks what nq57 needs: {problem} (conda env update -f environment.yml)",
          file=sys.stderr)
sys.exit(1 if problems else 0)
