"""Count the English and code strings a reader sees in Vietnamese reports (issue 27's before/after measure).

    .venv/bin/python scripts/count_english_vi.py reports/          # every lang=vi default report.html under it
    .venv/bin/python scripts/count_english_vi.py a/report.html b/report.html --list

What is counted: the visible text of each page (tags, styles and scripts removed; images' alt text kept),
cut into runs of words inside one element. A run is an *English string* when it holds a word of the
English vocabulary (every word of ``en.toml`` and of the data's English text columns: titles, publishers,
instruments, notes, names) that the Vietnamese side never uses (``vi.toml`` and the data's ``*_vi`` columns:
so accepted terms such as "Monte Carlo", "seed" or "Eurostat" are not counted) and that is written in lower
case somewhere (a word always capitalised is a name: publishers' names are not counted), or a *code string* when it
holds an identifier (``capacity_bn_vnd``), a source id (``gso-1a2b3c4d``) or an ISO date (``2023-09-14``).
Numbers and acronyms joined to such words belong to the run. Distinct strings are counted once (case
folded); occurrences are counted per page. "Body" is the text before the report's data/annex heading (the
technical annex and the folded run record after it are counted apart).
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import string
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"[0-9A-Za-zÀ-ỹĐđ_][0-9A-Za-zÀ-ỹĐđ_&'’./\-]*")
CODE = re.compile(r"^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{8}|\d{4}-\d{2}(?:-\d{2})?)$")
ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z'’\-]*$")
# Headings that start the closing section (old and new wording), where the technical annex begins.
ANNEX_HEADINGS = ("Phụ lục kỹ thuật", "Số liệu và giả định")


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _literal(text: str) -> str:
    return " ".join(lit for lit, *_ in string.Formatter().parse(text.replace("{{", "(").replace("}}", ")")))


def _words(texts, lowercase_only: bool = False) -> set[str]:
    """The ASCII words of ``texts`` (case folded); with ``lowercase_only`` only those written in lower case
    somewhere (a word always capitalised is a name: "VnEconomy", "Politburo")."""
    found: set[str] = set()
    for text in texts:
        for token in TOKEN.findall(str(text)):
            token = token.strip("'’.-/&")
            if ASCII_WORD.match(token) and (not lowercase_only or token.islower()):
                found.add(token.lower())
    return found


def vocabularies(root: Path = ROOT) -> tuple[set[str], set[str]]:
    """(English words, words the Vietnamese side also writes), from the locale files and the data texts."""
    def locale(lang: str) -> list[str]:
        with open(root / "nq57lib" / "locale" / f"{lang}.toml", "rb") as handle:
            return [_literal(v) for v in _flat(tomllib.load(handle)).values()]

    english, vietnamese = locale("en"), locale("vi")
    for path in sorted((root / "data").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    if not value or column is None:
                        continue
                    if column.endswith("_vi"):
                        vietnamese.append(value)
                    elif column in ("title", "publisher", "instrument", "note", "name_en", "label_en", "definition",
                                    "unverified_reason", "name"):
                        english.append(value)
    vi_words = _words(vietnamese)
    return _words(english, lowercase_only=True) - vi_words, vi_words


def visible_segments(page: str) -> list[str]:
    """The text a reader sees, one string per element (alt texts included)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    alts = re.findall(r'<img\b[^>]*\balt="([^"]*)"', page, flags=re.I)
    parts = re.split(r"<[^>]+>", page)
    return [html.unescape(p) for p in [*parts, *alts] if p.strip()]


def strings_in(segment: str, english: set[str]) -> list[str]:
    """The English or code runs of one segment."""
    runs, current, strong = [], [], False

    def close():
        nonlocal current, strong
        while current and not _strong(current[-1], english):
            current.pop()
        if strong and current:
            runs.append(" ".join(current))
        current, strong = [], False

    for token in TOKEN.findall(segment):
        token = token.strip("'’.-/&")
        if not token:
            continue
        if _strong(token, english):
            current.append(token)
            strong = True
        elif current and (token.isdigit() or token.isupper()):
            current.append(token)
        else:
            close()
    close()
    return runs


def _strong(token: str, english: set[str]) -> bool:
    return bool(CODE.match(token)) or (ASCII_WORD.match(token) is not None and len(token) > 2
                                        and token.lower() in english)


def count_page(page: str, english: set[str]) -> tuple[Counter, Counter]:
    """(English/code strings of the body, of the closing annex and run record) with their occurrences."""
    body, annex, in_annex = Counter(), Counter(), False
    for segment in visible_segments(page):
        if any(segment.strip().startswith(h) for h in ANNEX_HEADINGS):
            in_annex = True
        for run in strings_in(segment, english):
            (annex if in_annex else body)[run.lower()] += 1
    return body, annex


def vietnamese_default_reports(folder: Path) -> list[Path]:
    """The newest lang=vi report.html of each (notebook, geography) among the runs under ``folder``."""
    found: dict[tuple[str, str], tuple[str, Path]] = {}
    for manifest_path in sorted(folder.glob("runs/*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for job in manifest.get("jobs", []):
            if job.get("parameters", {}).get("lang") != "vi" or not job.get("report_html"):
                continue
            key = (job["notebook"], job["geo"])
            stamp = manifest.get("run_id", manifest_path.parent.name)
            if key not in found or stamp > found[key][0]:
                found[key] = (stamp, folder / job["report_html"])
    return [path for _, path in sorted(found.values(), key=lambda item: str(item[1]))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="report.html files, or reports folders")
    parser.add_argument("--list", action="store_true", help="print every distinct string with its count")
    args = parser.parse_args(argv)
    pages = []
    for path in args.paths:
        pages += vietnamese_default_reports(path) if path.is_dir() else [path]
    if not pages:
        print("no Vietnamese report found", file=sys.stderr)
        return 2
    english, _ = vocabularies()
    body, annex = Counter(), Counter()
    for page in pages:
        b, a = count_page(page.read_text(encoding="utf-8"), english)
        body.update(b)
        annex.update(a)
    total = body + annex
    print(f"{len(pages)} pages; distinct English or code strings: {len(total)} ({sum(total.values())} occurrences); "
          f"in the body: {len(body)} ({sum(body.values())}); only in the annex and run record: "
          f"{len(set(annex) - set(body))}")
    if args.list:
        for run, n in sorted(total.items(), key=lambda item: (-item[1], item[0])):
            print(f"{n:5d}  {'body ' if run in body else 'annex'}  {run}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
