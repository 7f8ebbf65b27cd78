"""Fast loading: ``nq57lib.data_files`` imports pandera without hypothesis, and validates exactly as before.

The test process has hypothesis imported (the property tests), so pandera is imported as usual here;
a fresh process (as ``nq57 data`` and every report kernel) takes the fast path. Both must give the
same errors on bad files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from nq57lib import data_package
from nq57lib.errors import DataError

# (file, old text, new text): each makes a different check fail (type, enum, finiteness, bounds,
# reference, markup, formula, pattern)
MUTATIONS = [
    ("observations.csv", ",2024,,173140,", ",2024,,lots,"),
    ("observations.csv", ",official,", ",final,"),
    ("observations.csv", ",12.83,", ",inf,"),
    ("observations.csv", ",12.83,", ",112.83,"),
    ("observations.csv", ",src-gso,", ",src-gzo,"),
    ("observations.csv", ",2025-01,", ",Jan 2025,"),
    ("sources.csv", ",Yearbook,", ",<b>Yearbook</b>,"),
    ("sources.csv", ",Yearbook,", ",=Yearbook,"),
]

SCRIPT = """
import json, sys
from pathlib import Path
from nq57lib import data_package
assert "hypothesis" not in sys.modules, "imported before nq57lib.data_package"
package = data_package.load_package(use_env=False)
errors = []
for root in sys.argv[1:]:
    try:
        data_package.load_package(root, use_env=False)
        errors.append(None)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
hidden = "hypothesis" not in sys.modules
import hypothesis  # still importable afterwards
print(json.dumps({"hidden": hidden, "rows": len(package.observations), "errors": errors}))
"""


def mutated_roots(mini_root, tmp_path):
    roots = []
    for i, (name, old, new) in enumerate(MUTATIONS):
        root = tmp_path / f"bad{i}"
        shutil.copytree(mini_root, root)
        text = (root / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")
        roots.append(root)
    return roots


@pytest.mark.slow
def test_a_fresh_process_skips_hypothesis_and_validates_like_this_one(mini_root, tmp_path):
    roots = mutated_roots(mini_root, tmp_path)
    here = []
    for root in roots:
        with pytest.raises(DataError) as caught:
            data_package.load_package(root, use_env=False)
        here.append(f"DataError: {caught.value}")
    out = subprocess.run([sys.executable, "-c", SCRIPT, *map(str, roots)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    fresh = json.loads(out.stdout)
    assert fresh["hidden"] is True
    assert fresh["rows"] == len(data_package.load_package(use_env=False).observations)
    assert fresh["errors"] == here
