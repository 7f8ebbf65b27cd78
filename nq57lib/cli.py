"""The ``nq57`` command: check the data, run reports, render executed notebooks, install the kernel.

``nq57 data`` (coverage, validation, geographies), ``nq57 run`` (reports), ``nq57 render``
(reports from notebooks papermill executed elsewhere), ``nq57 prune`` (old runs), ``nq57 kernel install``.

Every user error prints one line to stderr and exits with status 2; nothing is written first.
"""

from __future__ import annotations

import argparse
import gc
import sys

from .errors import Nq57Error, OutputError


def _data_command(args: argparse.Namespace) -> int:
    from . import coverage, data_package, geography

    if args.rehash:
        changed = data_package.rehash()
        print("checksums updated: " + (", ".join(changed) or "none changed"))
    pkg = data_package.load_package(extra_observations=args.extra_observations, extra_sources=args.extra_sources)
    if args.audit:
        return _audit(pkg, args)
    if args.coverage:
        return _coverage(pkg, args)
    if args.geos:
        geo = pkg.geography.copy()
        geo["system"] = [("34 (from 2025-07-01)" if str(vf) != "NaT" else "63 (until 2025-06-30)" if str(vt) != "NaT"
                          else ("nation" if lvl == "nation" else "63 and 34"))
                         for vf, vt, lvl in zip(geo["valid_from"], geo["valid_to"], geo["level"])]
        print(geo[["geo_id", "code", "name_vi", "name_en", "system"]].to_string(index=False))
        return 0
    summary = coverage.coverage_summary(pkg)
    if args.geo:
        geo_id = geography.resolve_geo(args.geo, pkg)
        summary = summary[summary["geo_id"] == geo_id]
    print(f"nq57 data package {pkg.version}  sha256 {pkg.checksum[:16]}  "
          f"{len(pkg.observations)} observations, {len(pkg.targets)} targets, {len(pkg.sources)} sources, "
          f"{len(pkg.indicators)} indicators, {len(pkg.geography)} geographies")
    if pkg.extra_files:
        print("merged with: " + ", ".join(pkg.extra_files))
    if args.format == "csv":
        summary.to_csv(sys.stdout, index=False)
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 60):
            print(summary.to_string(index=False, formatters={"sources": _shorten}))
    return 0


def _audit(pkg, args: argparse.Namespace) -> int:
    """Every candidate per year of one geography and indicator, which one won, and why."""
    from . import series_ranking
    from .errors import ParameterError

    if not args.geo or not args.indicator:
        raise ParameterError("--audit", "needs --geo and --indicator (e.g. nq57 data --audit --geo vinh-phuc "
                                        "--indicator grdp_current_bn_vnd)")
    table = series_ranking.audit(pkg, args.geo, args.indicator)
    table["chosen"] = table["chosen"].map({True: "*", False: ""})
    table = table.astype(object).where(table.notna(), "")
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.width", 250, "display.max_colwidth", 40):
            print(table.to_string(index=False))
    return 0


def _coverage(pkg, args: argparse.Namespace) -> int:
    """The unit x indicator x year matrix of the 34 units and the nation: counts per indicator and
    year on the screen, the whole matrix as CSV with --output."""
    import pandas as pd

    from . import coverage
    from .errors import ParameterError

    years = coverage.COVERAGE_YEARS
    if args.years:
        first, _, last = args.years.partition("-")
        if not (first.isdigit() and (not last or last.isdigit())) or int(last or first) < int(first):
            raise ParameterError("--years", f"expected a year or a range such as 2019-2025, got {args.years!r}")
        years = range(int(first), int(last or first) + 1)
    matrix = coverage.coverage_matrix(pkg, years)
    if args.output:
        from .errors import OutputError

        try:
            matrix.to_csv(args.output, index=False)
        except OSError as exc:
            raise OutputError(args.output, str(exc.strerror or exc)) from exc
    counts = coverage.coverage_counts(matrix)
    n_units = matrix["geo_id"].nunique()
    print(f"coverage of the nation and the 34 units ({n_units} geographies), {years[0]}-{years[-1]}: units with "
          f"a point value of their own (+ units covered by all their old provinces) /units with only a bound")
    if args.format == "csv":
        counts.to_csv(sys.stdout)
    else:
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(counts.to_string())
    tc = coverage.target_coverage(pkg)
    print(f"targets: {tc['any']} of {n_units} with any target of their own, {tc['de_share_pct']} with a "
          f"digital-economy share target")
    if args.output:
        print(f"matrix written to {args.output}")
    return 0


def _prune_command(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from . import run_record
    from .params import default_reports_dir

    reports_dir = default_reports_dir(args.reports_dir)
    removed = run_record.prune_runs(reports_dir, args.keep, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    print(f"removed {len(removed)} run(s)" + (": " + ", ".join(removed) if removed else ""))
    return 0


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def build_parser(only_data: bool = False) -> argparse.ArgumentParser:
    """The ``nq57`` parser; ``only_data``: just the ``data`` command (``nq57 data`` then skips
    importing the runner, ~0.05 s of a command that should take well under a second)."""
    parser = argparse.ArgumentParser(prog="nq57", description=__doc__.splitlines()[0])
    from . import __version__

    parser.add_argument("--version", action="version", version=f"nq57 {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p_data = sub.add_parser("data", help="validate the data package and print its coverage")
    p_data.add_argument("--geo", help="only this geography (id or name)")
    p_data.add_argument("--geos", action="store_true", help="list the geographies and their ids")
    p_data.add_argument("--indicator", help="indicator id (with --audit)")
    p_data.add_argument("--audit", action="store_true",
                        help="with --geo and --indicator: every candidate observation per year, which won, and why")
    p_data.add_argument("--coverage", action="store_true",
                        help="the unit x indicator x year matrix of the 34 units and the nation: counts per "
                             "indicator and year (--output FILE writes the matrix as CSV)")
    p_data.add_argument("--years", help="with --coverage: a year or a range (default 2019-2025)")
    p_data.add_argument("--output", metavar="FILE", help="with --coverage: write the matrix to this CSV file")
    p_data.add_argument("--format", choices=("table", "csv"), default="table")
    p_data.add_argument("--extra-observations", action="append", metavar="FILE",
                        help="your own observations (CSV or Excel, same schema); repeatable")
    p_data.add_argument("--extra-sources", action="append", metavar="FILE",
                        help="sources cited by your observations (CSV or Excel); repeatable")
    p_data.add_argument("--rehash", action="store_true",
                        help="recompute the checksums in data/datapackage.json after editing data files")
    p_data.set_defaults(func=_data_command)
    if only_data:
        return parser

    try:
        from . import runner
    except ImportError:  # the runner is optional until the report notebooks exist
        runner = None
    if runner is not None:
        p_run = sub.add_parser("run", help="run report notebooks into reports/")
        runner.add_arguments(p_run)
        p_run.set_defaults(func=runner.main)

        from . import render

        p_render = sub.add_parser("render", help="publish notebooks executed by papermill (any route) as reports")
        render.add_arguments(p_render)
        p_render.set_defaults(func=render.main)

    p_prune = sub.add_parser("prune", help="remove old runs from reports/ (never a latest report, never a run "
                                           "in progress)")
    p_prune.add_argument("--keep", type=int, required=True, metavar="N", help="keep the N newest finished runs")
    p_prune.add_argument("--reports-dir", default=None, help="reports folder (default: reports/)")
    p_prune.set_defaults(func=_prune_command)

    from . import kernel

    p_kernel = sub.add_parser("kernel", help="the Jupyter kernel 'nq57' the report notebooks run on")
    kernel_sub = p_kernel.add_subparsers(dest="kernel_command", required=True)
    p_install = kernel_sub.add_parser("install", help="register this environment's Python as the kernel 'nq57'")
    kernel.add_arguments(p_install)
    p_install.set_defaults(func=kernel.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``nq57`` command with ``argv`` (default: the process's arguments); return the exit status."""
    if argv is None:  # the command itself, about to exit (not a caller that goes on, such as the tests)
        # Nothing of a finished command needs collecting before exit: without this, Python's last
        # garbage collection of pandas' objects takes ~0.15 s of a 0.5 s `nq57 data` (measured).
        try:
            return _main(sys.argv[1:])
        finally:
            gc.freeze()
    return _main(list(argv))


def _main(argv: list[str]) -> int:
    parser = build_parser(only_data=argv[:1] == ["data"])
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except OutputError as exc:  # the work ran but a file could not be written: disk full, read-only folder
        print(f"nq57: error: {exc}", file=sys.stderr)
        return 1
    except Nq57Error as exc:
        print(f"nq57: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`
        return 0
    except KeyboardInterrupt:
        print("nq57: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
