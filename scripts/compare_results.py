"""Compare the results of two report directories: are the default runs' results identical?

Usage:  .venv/bin/python scripts/compare_results.py BASE_REPORTS_DIR NEW_REPORTS_DIR

For every (notebook, geography) in each directory's ``latest.json`` (the latest run of each), it
compares every ``results/*.csv`` byte for byte and ``results.json`` after removing run metadata
(timestamps, run ids, durations, package version, paths; the data checksum is printed, not compared,
because a data-package change that adds no figure, such as a labels resource, changes it). It prints
one line per report and exits 1 on any difference, 0 when every report is identical.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# Keys that describe the run rather than its results; removed at any depth before comparing.
METADATA_KEYS = frozenset({
    "nq57lib_version", "run_id", "started_utc", "finished_utc", "duration_s", "execute_s", "export_s",
    "executed_notebook", "report_html", "results_dir", "notebook_sha256", "checksum", "created_utc",
    "python", "platform", "hostname",
})


def strip_metadata(value: Any) -> Any:
    """``value`` (parsed JSON) without run metadata keys, at any depth."""
    if isinstance(value, dict):
        return {k: strip_metadata(v) for k, v in value.items() if k not in METADATA_KEYS}
    if isinstance(value, list):
        return [strip_metadata(v) for v in value]
    return value


def latest_results(reports_dir: Path) -> dict[tuple[str, str], Path]:
    """(notebook, geo) -> results directory of the latest run, from ``latest.json``."""
    index = json.loads((reports_dir / "latest.json").read_text(encoding="utf-8"))
    return {(r["notebook"], r["geo"]): reports_dir / r["results_dir"] for r in index["reports"]}


def compare_dirs(base: Path, new: Path) -> list[str]:
    """Differences between two results directories (empty when identical)."""
    problems = []
    base_files = {p.name for p in base.glob("*.csv")}
    new_files = {p.name for p in new.glob("*.csv")}
    for name in sorted(base_files ^ new_files):
        problems.append(f"{name} only in {'base' if name in base_files else 'new'}")
    for name in sorted(base_files & new_files):
        if (base / name).read_bytes() != (new / name).read_bytes():
            problems.append(f"{name} differs")
    base_json = strip_metadata(json.loads((base / "results.json").read_text(encoding="utf-8")))
    new_json = strip_metadata(json.loads((new / "results.json").read_text(encoding="utf-8")))
    if base_json != new_json:
        keys = sorted(k for k in set(base_json) | set(new_json) if base_json.get(k) != new_json.get(k))
        problems.append(f"results.json differs in {', '.join(keys)}")
    return problems


def data_checksum(results_dir: Path) -> str:
    meta = json.loads((results_dir / "results.json").read_text(encoding="utf-8"))
    return str(meta.get("data", {}).get("checksum", ""))[:12]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="reports directory of the reference run")
    parser.add_argument("new", type=Path, help="reports directory of the run to check")
    args = parser.parse_args(argv)
    base, new = latest_results(args.base), latest_results(args.new)
    failed = False
    print(f"{'notebook':<16} {'geo':<14} {'files':>5}  result")
    for key in sorted(set(base) | set(new)):
        if key not in base or key not in new:
            print(f"{key[0]:<16} {key[1]:<14} {'':>5}  only in {'base' if key in base else 'new'}")
            failed = True
            continue
        problems = compare_dirs(base[key], new[key])
        n_files = len(list(base[key].glob("*.csv"))) + 1
        print(f"{key[0]:<16} {key[1]:<14} {n_files:>5}  {'identical' if not problems else '; '.join(problems)}")
        failed = failed or bool(problems)
    checksums = {data_checksum(p) for p in base.values()}, {data_checksum(p) for p in new.values()}
    print(f"data checksum (not compared): base {', '.join(sorted(checksums[0]))}; "
          f"new {', '.join(sorted(checksums[1]))}")
    print("DIFFERENT" if failed else "IDENTICAL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
