"""`nq57 run` on the real notebooks and data: bad input exits 2 with one line before any kernel starts,
and geographies a report cannot serve are skipped with the reason.

The command's own process (the console script: its exit status, everything it writes to stderr) is run
by the last two tests; the table of bad inputs calls the same ``nq57lib.cli.main`` in this process
(the console script exits with its return value), sparing a Python start and the imports (~2 s each)."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

NQ57 = str(Path(sys.executable).with_name("nq57"))


def run_here(*args, reports_dir, monkeypatch):
    """``nq57 run ARGS`` through ``cli.main`` in this process: (exit status, stderr)."""
    from nq57lib import cli, runner

    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(["run", "--reports-dir", str(reports_dir), *args])
    return code, err.getvalue()


def run(*args, reports_dir):
    start = time.perf_counter()
    out = subprocess.run([NQ57, "run", "--reports-dir", str(reports_dir), *args], capture_output=True, text=True,
                         timeout=300)
    return out, time.perf_counter() - start


@pytest.mark.parametrize("args, name", [
    (["--geo", "vinh-phuk"], "geo"),
    (["--geo", "../../etc"], "geo"),
    (["--notebook", "digital_economy", "-p", "n_paths=0"], "n_paths"),
    (["--notebook", "digital_economy", "-p", "horizon_year=2045.5"], "horizon_year"),
    (["--notebook", "digital_economy", "-p", "proxy=<b>x</b>"], "proxy"),
    (["--notebook", "budget_floor", "-p", "floor_pct=0.15"], "floor_pct"),  # a fraction, not percent
    (["--notebook", "budget_floor", "-p", "floor_pct=nan"], "floor_pct"),
    (["--notebook", "budget_floor", "-p", "ramp_year=2020"], "ramp_year"),
    (["--notebook", "scorecard", "-p", "lang=de"], "lang"),
    (["--notebook", "budget_floor", "-p", "flor_pct=3"], "flor_pct"),
    (["--notebook", "digital_economy", "-p", "output_dir=/tmp/x\x01"], "output_dir"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(args, name, tmp_path, monkeypatch):
    code, stderr = run_here(*args, reports_dir=tmp_path, monkeypatch=monkeypatch)
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and f"parameter '{name}'" in lines[0], stderr
    assert not list(tmp_path.glob("runs/*")), "nothing is written for a rejected run"


def test_fraction_floor_message_says_what_to_write(tmp_path):
    out, _ = run("--notebook", "budget_floor", "-p", "floor_pct=0.15", reports_dir=tmp_path)
    assert "looks like a fraction" in out.stderr and "15" in out.stderr


@pytest.mark.slow
def test_geography_without_inputs_is_skipped_with_reason(tmp_path):
    # Issue 22, item 9: the only report skipped means nothing ran: exit 2 with the reason on one line
    # (this run used to exit 0 with an empty manifest), nothing written.
    out, _ = run("--notebook", "budget_floor", "--geo", "cao-bang", reports_dir=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert "nothing to run" in lines[0] and "budget_floor / cao-bang: " in lines[0]
    assert not list(tmp_path.glob("runs/*"))
