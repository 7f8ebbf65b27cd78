"""Reports open offline in a real browser: headless Chromium loads the index and one report of each
notebook from disk with the network off, every figure renders, and no request leaves the machine.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Outside CI the test
is skipped when they are missing; in CI (``CI`` set) their absence is a failure.
One screenshot per notebook is saved under ``reports/test-artifacts/`` (or ``$NQ57_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from nq57lib import config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # one worker: one Chromium for the module

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium and chromium-driver (see .ci/run)")
    pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,2000",
                # the network is off: any name resolves nowhere and any proxy connection is refused
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
    yield driver
    driver.quit()


def _requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _open(driver, path: Path) -> dict:
    driver.get_log("performance")  # drop earlier entries
    driver.get(path.resolve().as_uri())
    images = driver.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src.slice(0, 22)]);")
    return {"images": images, "urls": _requested_urls(driver), "title": driver.title}


def _assert_offline(result: dict) -> None:
    remote = [u for u in result["urls"] if not u.startswith(("file:", "data:", "about:", "blob:"))]
    assert remote == [], f"requests left the machine: {remote[:5]}"


_WIDTHS = ("const t = Array.from(document.querySelectorAll('.nq57-reader table'));"
           "return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
           " Math.max(0, ...t.map(e => e.getBoundingClientRect().right)), t.length];")
_IMAGES = ("return Array.from(document.images).map(i => [i.naturalWidth, i.getBoundingClientRect().width,"
           " i.parentElement.getBoundingClientRect().width]);")
_VERDICT_BOX = ("const cells = Array.from(document.querySelectorAll('.nq57-reader td.nq57-badge-cell')).slice(0, 40);"
                "return [cells.length, Math.max(0, ...cells.map(c => c.getBoundingClientRect().right)),"
                " Math.min(...cells.map(c => c.getBoundingClientRect().left)), window.innerWidth];")


def _artifacts(*parts: str) -> Path:
    folder = Path(os.environ.get("NQ57_TEST_ARTIFACTS") or config.REPORTS_DIR / "test-artifacts", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def laid_out(browser, report_run):
    """Every default report opened once at 390 px and once at 1280 px wide: (job, width) -> what the page's
    layout measures (``_WIDTHS``, ``_IMAGES``, ``_VERDICT_BOX``), read by the layout tests below (one page load
    serves them all). The top of each report at both widths is kept as a test artefact
    (``reports/test-artifacts/verdicts/``)."""
    reports_dir, manifest = report_run
    artifacts = _artifacts("verdicts")
    measured = {}
    try:
        for width in (390, 1280):
            browser.set_window_size(width, 1000)
            for job in (j for j in manifest["jobs"] if j["status"] == "ok"):
                _open(browser, reports_dir / job["report_html"])
                measured[job["notebook"], job["geo"], width] = {
                    name: browser.execute_script(script)
                    for name, script in (("widths", _WIDTHS), ("images", _IMAGES), ("verdicts", _VERDICT_BOX))}
                browser.save_screenshot(str(artifacts / f"{job['notebook']}-{job['geo']}-{width}.png"))
    finally:
        browser.set_window_size(1280, 2000)
    return measured


@pytest.fixture(scope="module")
def printed(browser, report_run):
    """Every default report printed by Chromium to A4 PDF once: (notebook, geo) -> the PDF's bytes (kept as
    test artefacts, ``reports/test-artifacts/verdicts/``)."""
    import base64

    from selenium.webdriver.common.print_page_options import PrintOptions

    reports_dir, manifest = report_run
    artifacts = _artifacts("verdicts")
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, cm
    pdfs = {}
    for job in (j for j in manifest["jobs"] if j["status"] == "ok"):
        _open(browser, reports_dir / job["report_html"])
        pdfs[job["notebook"], job["geo"]] = pdf = base64.b64decode(browser.print_page(options))
        (artifacts / f"{job['notebook']}-{job['geo']}.pdf").write_bytes(pdf)
    return pdfs


def test_index_and_reports_render_offline(browser, report_run):
    reports_dir, manifest = report_run
    index = _open(browser, reports_dir / "index.html")
    _assert_offline(index)
    links = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'));")
    assert any(link and link.endswith("report.html") for link in links)

    artifacts = Path(os.environ.get("NQ57_TEST_ARTIFACTS") or config.REPORTS_DIR / "test-artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    seen = set()
    for job in manifest["jobs"]:
        if job["notebook"] in seen or job["status"] != "ok":
            continue
        seen.add(job["notebook"])
        page = reports_dir / job["report_html"]
        result = _open(browser, page)
        _assert_offline(result)
        assert result["images"], f"{page}: no figure"
        broken = [i for i in result["images"] if not (i[0] and i[1] > 0)]
        assert broken == [], f"{page}: figures that did not render: {broken}"
        assert all(i[2].startswith("data:image/") for i in result["images"])  # embedded, not linked
        body = browser.find_element("tag name", "body").text
        assert "Traceback" not in body and "def " not in body  # no code, no errors shown
        browser.save_screenshot(str(artifacts / f"{job['notebook']}.png"))
    assert seen == {"digital_economy", "budget_floor", "scorecard"}


def test_no_default_report_scrolls_sideways_at_desktop_or_phone_width(laid_out):
    """Every default report at 1280 px and at 390 px: the page never scrolls horizontally; at 1280 px every
    reader table fits the page (at 390 px a wide table scrolls inside its own box)."""
    assert {width for *_, width in laid_out} == {1280, 390} and len(laid_out) == 2 * 9
    for (notebook, geo, width), measured in laid_out.items():
        page_width, view_width, table_right, n_tables = measured["widths"]
        where = (notebook, geo, width)
        assert n_tables > 0, where
        assert page_width <= view_width, (where, page_width, view_width)
        if width == 1280:
            assert 0 < table_right <= view_width, (where, table_right, view_width)


def test_figures_have_the_width_the_charts_assume_at_1280_px(laid_out):
    """chart_style.screen_px assumes a figure is shown at its own size up to REPORT_IMAGE_WIDTH_PX (wider ones
    scaled to it): at a 1280 px window every figure's box is at least that wide and no figure is shrunk more."""
    from nq57lib.charts.chart_style import REPORT_IMAGE_WIDTH_PX

    for (notebook, geo, width), measured in laid_out.items():
        if width != 1280:
            continue
        for natural, shown, box in measured["images"]:
            assert box >= REPORT_IMAGE_WIDTH_PX, (notebook, box)
            assert shown >= min(natural, REPORT_IMAGE_WIDTH_PX) - 0.5, (notebook, natural, shown)


def test_a_report_prints_to_a4_pages_with_content(printed, report_run):
    """The print stylesheet: Chromium prints a budget report to A4 PDF; every page has text or a figure."""
    import io

    from pypdf import PdfReader

    _, manifest = report_run
    job = next(j for j in manifest["jobs"] if j["notebook"] == "budget_floor" and j["status"] == "ok")
    pdf = printed[job["notebook"], job["geo"]]
    (_artifacts() / "budget_floor.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, 1):
        width_mm, height_mm = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
        assert abs(width_mm - 210) < 2 and abs(height_mm - 297) < 2, (number, width_mm, height_mm)
        has_text, has_figure = len(page.extract_text().strip()) > 40, len(page.images) > 0
        assert has_text or has_figure, f"page {number} of {len(reader.pages)} is (nearly) empty"
    assert sum(len(page.images) for page in reader.pages) >= 2  # the figures are printed


def test_the_verdict_column_is_on_screen_and_on_paper_in_every_default_report(laid_out, printed, report_run):
    """Issue 21: at 390 px and 1280 px the verdict column of every default report is visible without scrolling
    sideways (below 600 px each row is a card); printed to A4, every verdict word and the scorecard's source
    columns are on the paper. The top of each report at both widths and each PDF are kept as test
    artefacts (``reports/test-artifacts/verdicts/``, by the fixtures ``laid_out`` and ``printed``)."""
    import csv
    import io
    import unicodedata

    from pypdf import PdfReader

    reports_dir, manifest = report_run
    jobs = [j for j in manifest["jobs"] if j["status"] == "ok"]
    for width in (390, 1280):
        for job in jobs:
            n_cells, right, left, view = laid_out[job["notebook"], job["geo"], width]["verdicts"]
            where = (job["notebook"], job["geo"], width)
            assert n_cells > 0, where
            assert 0 <= left and right <= view, (where, left, right, view)
    for job in jobs:
        with open(reports_dir / job["results_dir"] / "verdicts.csv", encoding="utf-8", newline="") as handle:
            words = {row["verdict_text"] for row in csv.DictReader(handle)}
        wanted = words | ({"Target set in", "Data from"} if job["notebook"] == "scorecard" else set())
        text = ""
        for page in PdfReader(io.BytesIO(printed[job["notebook"], job["geo"]])).pages:  # read until all are found
            text += " " + unicodedata.normalize("NFKC", " ".join(page.extract_text().split()))  # ligatures as letters
            if all(word in text for word in wanted):
                break
        assert words and all(word in text for word in wanted), (job["notebook"], job["geo"], wanted)
