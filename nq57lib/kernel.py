"""``nq57 kernel install``: register this environment's Python as the Jupyter kernel ``nq57``.

The report notebooks ask for the kernel ``nq57``. A kernel spec is a small ``kernel.json`` whose
command is this environment's Python; whichever Jupyter, papermill or Airflow worker finds the
spec starts that Python, with nq57lib and its pinned dependencies, even from another environment.
Where the spec goes decides who finds it (``jupyter --paths`` lists the places searched):

- ``--user`` (default): ``~/.local/share/jupyter/kernels`` of the user running the command; every
  environment run by that user finds it (an Airflow worker running as that user, cron, conda).
- ``--sys-prefix``: this environment's own ``share/jupyter/kernels``; only Jupyter running from
  this environment finds it (what ``make`` does for ``.venv``, so it never touches your home).
- ``--prefix P``: ``P/share/jupyter/kernels``; a Jupyter whose ``sys.prefix`` is ``P`` (e.g. the
  Airflow environment's folder) finds it, or any Jupyter with ``JUPYTER_PATH=P/share/jupyter``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KERNEL_NAME = "nq57"
DISPLAY_NAME = "Python (nq57)"


def install(user: bool = True, prefix: str | Path | None = None) -> Path:
    """Write the ``nq57`` kernel spec (for the user, or under ``prefix``); return its folder."""
    from ipykernel.kernelspec import install as install_kernel_spec

    return Path(install_kernel_spec(user=user and prefix is None, prefix=None if prefix is None else str(prefix),
                                    kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``nq57 kernel install``."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true",
                       help="for your user: every environment you run finds it (default)")
    where.add_argument("--sys-prefix", action="store_true",
                       help="in this environment only (sys.prefix: %s)" % sys.prefix)
    where.add_argument("--prefix", type=Path, metavar="PREFIX",
                       help="under PREFIX/share/jupyter/kernels: for the Jupyter whose sys.prefix is PREFIX")


def main(args: argparse.Namespace) -> int:
    prefix = sys.prefix if args.sys_prefix else args.prefix
    folder = install(user=prefix is None, prefix=prefix)
    print(f"installed kernel '{KERNEL_NAME}' ({DISPLAY_NAME}) in {folder}")
    print(f"it runs {sys.executable}")
    return 0
