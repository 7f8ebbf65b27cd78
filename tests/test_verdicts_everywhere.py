"""One question, one answer: each target's verdict is the same in every default report, on the index and in the
results files (issue 21), and the reader's view carries no scenario count, no empty table and no internal id."""

from __future__ import annotations

import csv
import html
import re
from collections import Counter

import pytest

from nq57lib import data_package
from nq57lib.target_verdicts import VERDICTS

pytestmark = pytest.mark.slow

NOTEBOOKS = ("digital_economy", "budget_floor", "scorecard")
GEOS = ("vinh-phuc", "phu-tho-2025", "vn")


def _verdicts(reports_dir, job) -> list[dict]:
    with open(reports_dir / job["results_dir"] / "verdicts.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _badges(fragment: str) -> list[str]:
    """The verdict words of the badges in an HTML fragment, in order."""
    return [html.unescape(m) for m in re.findall(r'class="nq57-badge[^"]*"[^>]*>[^<]*?\s([^<]+)</span>', fragment)]


def _jobs(manifest) -> dict[tuple[str, str], dict]:
    return {(j["notebook"], j["geo"]): j for j in manifest["jobs"] if j["status"] == "ok"}


def test_every_target_has_one_verdict_in_every_report_and_results_file(report_run):
    reports_dir, manifest = report_run
    jobs = _jobs(manifest)
    for geo in GEOS:
        seen: dict[str, tuple[str, str, str]] = {}
        for notebook in NOTEBOOKS:
            rows = _verdicts(reports_dir, jobs[(notebook, geo)])
            assert rows, (notebook, geo)
            for row in rows:
                assert row["verdict"] in VERDICTS
                for target_id in row["target_ids"].split(";"):
                    before = seen.setdefault(target_id, (row["verdict"], row["evidence"], notebook))
                    assert before[:2] == (row["verdict"], row["evidence"]), (geo, target_id, notebook, before)
        # the reports share targets: the digital-economy share's and the S&T share's verdicts meet in the scorecard
        scorecard = {r["target_id"] for r in _verdicts(reports_dir, jobs[("scorecard", geo)])}
        for notebook in ("digital_economy", "budget_floor"):
            assert {r["target_id"] for r in _verdicts(reports_dir, jobs[(notebook, geo)])} <= scorecard


def test_each_report_shows_the_verdicts_it_saved(report_run):
    reports_dir, manifest = report_run
    for (notebook, geo), job in _jobs(manifest).items():
        page = (reports_dir / job["report_html"]).read_text(encoding="utf-8")
        table = page[page.index('class="nq57-reader nq57-verdicts"') if notebook != "scorecard"
                     else page.index("nq57-every-target"):]
        table = table[:table.index("</table>")]
        saved = _verdicts(reports_dir, job)
        words = [r["verdict_text"] for r in saved]
        if notebook == "scorecard":  # grouped by theme, the national targets after the geography's
            assert sorted(_badges(table)) == sorted(words), (notebook, geo)
            # the glance table at the top counts the geography's own verdicts (the nation's: all) in the same words
            glance = page[page.index('class="nq57-reader nq57-verdicts"'):]
            glance = glance[:glance.index("</table>")]
            own = [r for r in saved if r["relation"] == "own"] or saved
            counted = dict(zip(_badges(glance), map(int, re.findall(r'class="nq57-num"[^>]*>(\d+)<', glance))))
            assert counted == dict(Counter(r["verdict_text"] for r in own)), geo
        else:
            assert _badges(table) == words, (notebook, geo)


def _visible_words_before_first_chart(page: str) -> int:
    """Words a reader meets before the first chart: the page's text up to its first image, without the style,
    script and navigation (Vietnamese counted by syllable, as written)."""
    head = page[:page.index("<img")]
    head = re.sub(r"(?s)<(style|script|nav|head|title)\b.*?</\1>", " ", head)
    return len(html.unescape(re.sub(r"<[^>]+>", " ", head)).split())


def test_the_answer_comes_first_in_few_words(report_run, report_run_vi):
    """Title, the verdict table, then the first chart: <= 250 words before it in English, and in Vietnamese
    <= 350 syllables (a Vietnamese word is 1.4 syllables on average, and the page counts syllables)."""
    for (reports_dir, manifest), limit in ((report_run, 250), (report_run_vi, 350)):
        for job in manifest["jobs"]:
            page = (reports_dir / job["report_html"]).read_text(encoding="utf-8")
            first_table = page.index('class="nq57-reader nq57-verdicts"')
            assert first_table < page.index("<img") and 'class="nq57-reader' not in page[:first_table], job["report_html"]
            assert _visible_words_before_first_chart(page) <= limit, job["report_html"]


def test_the_index_shows_the_verdicts_of_the_reports(report_run):
    reports_dir, manifest = report_run
    jobs = _jobs(manifest)
    index = (reports_dir / "index.html").read_text(encoding="utf-8")
    for geo in GEOS:
        section = index[index.index(f'id="geo-{geo}"'):]
        section = section[:section.index("</section>")]
        own = [r for r in _verdicts(reports_dir, jobs[("scorecard", geo)]) if r["relation"] == "own"]
        assert _badges(section[:section.index("</table>")]) == [r["verdict_text"] for r in own], geo
        for row in own:
            assert html.escape(row["evidence"]) in section


def test_no_scenario_count_empty_table_or_internal_id_in_the_verdict_tables(report_run):
    reports_dir, manifest = report_run
    pkg = data_package.load_package(use_env=False)
    ids = set(pkg.targets["target_id"]) | set(pkg.sources["source_id"])
    # every id as a whole word, in one pattern (one pass a page, not one a page and id: 20 s -> 1 s)
    any_id = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")\b")
    for job in manifest["jobs"]:
        page = (reports_dir / job["report_html"]).read_text(encoding="utf-8")
        assert not re.search(r"\b\d+ of \d+ by 20\d\d\b", page), job["report_html"]  # "4 of 6 by 2030"
        answer = page[:page.index("</table>")]
        assert [m.group(0) for m in any_id.finditer(answer)] == [], job["report_html"]
        assert ">nso<" not in answer and "(nso)" not in answer and "'nso'" not in answer
