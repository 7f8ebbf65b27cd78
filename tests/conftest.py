"""Shared fixtures: a small, hand-made data package in the shipped schema.

Tests of loading rules use this package (not the shipped data) so that they pin behaviour to
values written here, and keep passing when the shipped data grows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest

from nq57lib import config, runner

# pytest keeps the test modules it rewrote (for its assert messages) in tests/__pycache__, also where
# PYTHONDONTWRITEBYTECODE is set (CI, this machine): else each worker rewrote all of them at every run, ~2 s of CPU
# (collection 5.5 s -> 3.5 s of CPU in a repeat run; a first run, as CI's clean clone, still rewrites them). Only
# this process: kernels and commands the tests start keep the variable (make test compiles nq57lib first).
sys.dont_write_bytecode = False

# As in `nq57 run` (runner.skip_slow_optional_imports): nbformat, imported by a dozen test modules, imports
# jsonschema, which would import the optional rfc3987_syntax and build its grammar (1.3 s of CPU measured in each
# worker, before the first test); nothing here checks the one string format it serves.
runner.skip_slow_optional_imports()


@pytest.fixture(autouse=True)
def _a_province_report_s_words_unless_a_test_validates_another(request):
    """Each test starts with the words of a province report (GRDP): validating the nation's parameters sets
    the process-wide level (``text.use_geography_level``) a later test in the same worker would inherit.
    A test that patches something (``monkeypatch``) builds its reports itself (``notebook_steps.unedited_result``)."""
    import notebook_steps
    from nq57lib import text

    text.use_geography_level("province")
    notebook_steps.reuse_allowed = "monkeypatch" not in request.fixturenames



HEADERS = {}
for _res in json.loads((config.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
    HEADERS[_res["name"]] = [f["name"] for f in _res["schema"]["fields"]]

GEOGRAPHY = [
    dict(geo_id="vn", code="", level="nation", kind="nation", name_vi="Việt Nam", name_en="Vietnam", slug="vn",
         aliases="Viet Nam", source_id="src-geo"),
    dict(geo_id="vinh-phuc", code="26", level="province", kind="province", name_vi="Vĩnh Phúc", name_en="Vinh Phuc",
         slug="vinh-phuc", valid_to="2025-06-30", source_id="src-geo"),
    dict(geo_id="phu-tho", code="25", level="province", kind="province", name_vi="Phú Thọ", name_en="Phu Tho",
         slug="phu-tho", valid_to="2025-06-30", source_id="src-geo"),
    dict(geo_id="hoa-binh", code="17", level="province", kind="province", name_vi="Hòa Bình", name_en="Hoa Binh",
         slug="hoa-binh", valid_to="2025-06-30", aliases="Hoà Bình", source_id="src-geo"),
    dict(geo_id="phu-tho-2025", code="25", level="province", kind="province", name_vi="Phú Thọ", name_en="Phu Tho",
         slug="phu-tho", valid_from="2025-07-01", source_id="src-geo"),
    dict(geo_id="ha-noi", code="01", level="province", kind="city", name_vi="Hà Nội", name_en="Hanoi", slug="ha-noi",
         aliases="TP. Hà Nội|Ha Noi", source_id="src-geo"),
]
MERGERS = [dict(new_geo_id="phu-tho-2025", old_geo_id=o, source_id="src-geo")
           for o in ("hoa-binh", "phu-tho", "vinh-phuc")]
SOURCES = [
    dict(source_id="src-geo", publisher="NA", title="Resolution 202/2025/QH15", url="https://example.org/202",
         published="2025-06-12", tier="government_portal", kind="official_portal", language="vi"),
    dict(source_id="src-gso", publisher="GSO", title="Yearbook", url="https://example.org/gso", published="2025-01",
         tier="statistics_office", kind="statistical_publication", language="vi"),
    dict(source_id="src-mic", publisher="MIC", title="DE report", url="https://example.org/mic", published="2023-09",
         tier="ministry", kind="statistical_publication", language="vi"),
    dict(source_id="src-press", publisher="Paper", title="News", url="https://example.org/news", published="2026-01-05",
         tier="major_newspaper", kind="press", language="vi"),
    dict(source_id="src-press-old", publisher="Paper", title="Old news", url="https://example.org/old",
         published="2024-12", tier="major_newspaper", kind="press", language="vi"),
]


def _obs(geo, ind, year, value, unit, status="official", concept="standard", source="src-gso", published="2025-01",
         **extra):
    return dict(geo_id=geo, indicator_id=ind, year=year, value=value, unit=unit, status=status, concept=concept,
                published=published, source_id=source, **extra)


OBSERVATIONS = [
    # National DE share, statistics-office concept, and a ministry estimate of another definition.
    _obs("vn", "de_share_pct", 2022, 12.83, "% of GRDP", concept="nso"),
    _obs("vn", "de_share_pct", 2022, 12.63, "% of GRDP", concept="nso", status="preliminary", source="src-press-old",
         published="2024-01", attributed_to="statistics_office"),
    _obs("vn", "de_share_pct", 2022, 14.26, "% of GRDP", concept="ministry", status="estimate", source="src-mic",
         published="2023-09"),
    _obs("vinh-phuc", "de_share_pct", 2022, 22.87, "% of GRDP", concept="ministry", status="estimate",
         source="src-mic", published="2023-09"),
    # GRDP: a newer press figure vs an older statistics-office figure (the tier wins).
    _obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 173140, "bn VND", status="preliminary", published="2025-04"),
    _obs("vinh-phuc", "grdp_current_bn_vnd", 2024, 172500, "bn VND", status="estimate", source="src-press",
         published="2026-01-05"),
    _obs("vinh-phuc", "grdp_current_bn_vnd", 2018, 94498, "bn VND", published="2019"),
    _obs("vinh-phuc", "grdp_current_bn_vnd", 2019, 118958, "bn VND", published="2020"),
    _obs("phu-tho", "grdp_current_bn_vnd", 2024, 107300, "bn VND", status="preliminary", published="2025-04"),
    _obs("hoa-binh", "grdp_current_bn_vnd", 2024, 72180, "bn VND", status="preliminary", published="2025-04"),
    _obs("hoa-binh", "grdp_current_bn_vnd", 2019, 50993, "bn VND", published="2020"),
    _obs("phu-tho-2025", "grdp_current_bn_vnd", 2024, 354600, "bn VND", status="estimate", source="src-press",
         published="2026-01-05"),
    _obs("phu-tho-2025", "grdp_current_bn_vnd", 2025, 412400, "bn VND", status="estimate", source="src-press",
         published="2026-01-05"),
    _obs("vinh-phuc", "grdp_growth_pct", 2024, 7.52, "% y/y", status="preliminary"),
]
TARGETS = [
    dict(target_id="vn-de-2030", geo_id="vn", indicator_id="de_share_pct", comparator=">=", value=30, year=2030,
         unit="% of GRDP", instrument="Resolution 57-NQ/TW", source_id="src-press"),
    dict(target_id="vp-de-2030", geo_id="vinh-phuc", indicator_id="de_share_pct", comparator=">=", value=35,
         year=2030, unit="% of GRDP", instrument="Provincial programme", source_id="src-press"),
]


VI_TEXTS = {"title_vi", "publisher_vi", "instrument_vi", "note_vi", "unverified_reason_vi"}


def write_csv(path: Path, table: str, rows: list[dict]) -> Path:
    """Write ``rows`` under the table's header (missing keys become empty cells). In a package's own table file
    (``<table>.csv``) a missing Vietnamese text ``X_vi`` of a filled ``X`` repeats ``X``, as a shipped row must
    have one (``data._check_vietnamese_texts``); a researcher's file (any other name) leaves it empty."""
    shipped = Path(path).name == f"{table}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS[table])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, row.get(k[:-3], "") if shipped and k in VI_TEXTS else "")
                             for k in HEADERS[table]})
    return path


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A small valid data package in ``tmp_path/data`` (no checksums recorded)."""
    root = tmp_path / "data"
    root.mkdir()
    descriptor = json.loads((config.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource.pop("hash", None)
        resource.pop("bytes", None)
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    shutil.copy(config.DATA_DIR / "indicators.csv", root / "indicators.csv")
    shutil.copy(config.DATA_DIR / "labels.csv", root / "labels.csv")
    write_csv(root / "geography.csv", "geography", GEOGRAPHY)
    write_csv(root / "mergers.csv", "mergers", MERGERS)
    write_csv(root / "sources.csv", "sources", SOURCES)
    write_csv(root / "observations.csv", "observations", OBSERVATIONS)
    write_csv(root / "targets.csv", "targets", TARGETS)
    return root


@contextlib.contextmanager
def _exclusive(lock_file: Path):
    """Hold an exclusive lock on ``lock_file`` (every pytest-xdist worker of the run waits on the same file)."""
    import fcntl

    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_wide_dir(tmp_path_factory, name: str) -> Path:
    """A folder shared by every worker of this test run (pytest-xdist gives each worker its own
    temporary folder under the run's; a session fixture alone is built once per worker)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def report_run(tmp_path_factory):
    """One real `nq57 run` of the default report set into a temporary reports folder.

    Returns (reports_dir, manifest). Shared by the tests that inspect real reports (browser,
    determinism, HTML provenance, Airflow) so the kernels start once per test run: the first worker
    to need it runs the batch under a file lock, the others wait and read the same folder (treat it
    as read-only). A failed batch fails every test that needs it, with the same message.

    One worker (``--jobs 1``), as in ``report_run_vi``: its one kept kernel runs all nine reports in turn, the
    longest sequence in which a report could see what an earlier one left (tests/test_kernel_pool.py compares six
    of them with reports made in fresh kernels). Two workers cost the batch about 6 s more CPU (a second kernel
    and its first report's imports, beside the other pytest worker: issue 26). Batches of two workers run the
    runner's fixture notebooks (tests/test_runner.py, tests/test_hardening.py), not the real reports.
    """
    from nq57lib.cli import main

    shared = run_wide_dir(tmp_path_factory, "default-report-run")
    reports_dir, done = shared / "reports", shared / "exit-status.json"
    with _exclusive(shared / ".lock"):
        if not done.exists():
            status = main(["run", "--reports-dir", str(reports_dir), "--jobs", "1"])
            done.write_text(json.dumps(status), encoding="utf-8")
    status = json.loads(done.read_text(encoding="utf-8"))
    assert status == 0, "the default report run failed; see the executed notebooks under " + str(reports_dir)
    manifests = sorted(reports_dir.glob("runs/*/manifest.json"))
    assert len(manifests) == 1
    return reports_dir, json.loads(manifests[0].read_text(encoding="utf-8"))



def _vietnamese_run(reports):
    from nq57lib.cli import main

    status = main(["run", "-p", "lang=vi", "--reports-dir", str(reports), "--jobs", "1"])
    assert status == 0, "the Vietnamese default report run failed; see the executed notebooks under " + str(reports)
    manifest = json.loads(next(reports.glob("runs/*/manifest.json")).read_text(encoding="utf-8"))
    return reports, manifest


@pytest.fixture(scope="session")
def report_run_vi(tmp_path_factory):
    """The default report set with ``lang=vi`` (every notebook, the default geographies), once a test run
    (``run_once``): (reports folder, manifest). Read-only."""
    return run_once(tmp_path_factory, "vietnamese-run", _vietnamese_run)


# Six real reports of the default run (every notebook, a province and the nation), each in a fresh kernel:
# tests/test_kernel_pool.py compares them with the default run's, made in kept kernels (conftest.report_run),
# and tests/test_reports_real.py with another run's (same parameters and seeds).
SIX_REPORTS = ["--notebook", "digital_economy", "--notebook", "budget_floor", "--notebook", "scorecard",
               "--geo", "vinh-phuc", "--geo", "vn", "--jobs", "1", "--force"]


def _fresh_six(folder: Path) -> Path:
    """``nq57 run --fresh-kernels`` of ``SIX_REPORTS`` in this process, as ``report_run`` (a command of its own
    started Python, pandas and the planning's imports again: about 3 s of CPU); each report's kernel is new. The
    ``nq57`` command itself runs as a process in tests/test_cli_real.py, test_shipped_data.py and test_kernel.py."""
    from nq57lib.cli import main

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(["run", "--reports-dir", str(folder), "--fresh-kernels", *SIX_REPORTS])
    assert status == 0, err.getvalue()[-3000:]
    return next((folder / "runs").iterdir())


@pytest.fixture(scope="session")
def warm_and_fresh_runs(tmp_path_factory, report_run):
    """(the default run's folder, whose reports were made in kept kernels; the folder of ``nq57 run
    --fresh-kernels`` of ``SIX_REPORTS``, made once a test run: ``run_once``). Read-only."""
    reports_dir, manifest = report_run
    return reports_dir / "runs" / manifest["run_id"], run_once(tmp_path_factory, "fresh-six-run", _fresh_six)


def run_once(tmp_path_factory, name: str, build):
    """``build(folder)``'s value, computed once a test run: by the first pytest-xdist worker that needs it
    (under a file lock, in a folder every worker sees), then read (unpickled) by every other worker that
    needs it. For a module fixture that starts kernels or Airflow: xdist spreads one module's tests over
    its workers, and each would build the fixture again. Treat the value and its files as read-only. A
    failed build fails every test that needs it, with the error.
    """
    shared = run_wide_dir(tmp_path_factory, name)
    result = shared / "result.pickle"
    with _exclusive(shared / ".lock"):
        if not result.exists():
            work = shared / "work"
            work.mkdir()
            try:
                value = ("ok", build(work))
            except Exception as error:
                result.write_bytes(pickle.dumps(("error", f"{type(error).__name__}: {error}")))
                raise
            result.write_bytes(pickle.dumps(value))
    kind, value = pickle.loads(result.read_bytes())
    if kind == "error":
        pytest.fail(f"{name}: the shared fixture failed in the worker that built it: {value}")
    return value


def keep_groups_together(config, items) -> None:
    """Name each test of an ``xdist_group`` ``<node id>@<group>``, as pytest-xdist's ``--dist loadgroup`` does, so
    the group's tests run on one worker. pytest-xdist 3.8 renames them through ``item._nodeid``, which pytest 9.2
    no longer reads (a node's id is ``item._id``): without this, the tests of a group went to whichever worker
    was free, and each worker built the group's module fixture again. Nothing to do once xdist's own
    renaming works (the id already ends in ``@<group>``), nor in a run without workers."""
    if not getattr(config.option, "loadgroup", False):  # set on the workers of a --dist loadgroup run
        return
    try:
        from _pytest.nodeid import coerce_node_id  # pytest >= 9.2, where a node's id is item._id
    except ImportError:  # an older pytest reads item._nodeid, which xdist renames itself
        return
    for item in items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        nodeid = item.nodeid
        if groups and nodeid.rfind("@") <= nodeid.rfind("]") and hasattr(item, "_id"):
            item._id = coerce_node_id(f"{nodeid}@{'_'.join(groups)}")


def pytest_collection_modifyitems(config, items):
    keep_groups_together(config, items)
    # The slow tests and the groups kept on one worker (xdist_group: a costly module fixture) first, stable
    # order otherwise: the quick ones then fill both workers to the end, instead of one worker finishing a
    # multi-minute test alone.
    items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("xdist_group")))
