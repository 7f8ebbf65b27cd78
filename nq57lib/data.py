"""Load the data package with its provenance, validate it, and answer questions about it.

The single source of truth for every table's columns, types and constraints is
``data/datapackage.json`` (a Frictionless data package). This module builds its pandera schemas
from that descriptor, so ``frictionless validate`` and ``load_package`` enforce the same rules.

Row numbers in errors count the header as row 1, as a spreadsheet shows them.

Main entry points:

- ``load_package()`` -> ``DataPackage`` with typed DataFrames (observations, sources, indicators,
  targets, geography, mergers), validated and merged with any researcher-supplied observations.
- ``series(pkg, geo_id, indicator_id)`` -> the best observation per year, with provenance,
  series-break segments and the step of the best-observation rule that chose it.
- ``audit(pkg, geo_id, indicator_id)`` -> every candidate per year, ranked, with the winner and why.
- ``merged_series(pkg, new_geo_id, indicator_id)`` -> a boundary-consistent series for a unit
  created by the 2025 merger: the computed sum of its old units beside the published aggregate.
- ``resolve_geo(text)``, ``data_checksum()``, ``coverage_summary()``.
"""

from __future__ import annotations

import csv
import difflib
import dataclasses
import functools
import io
import json
import math
import os
import re
import unicodedata
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import sys

import numpy as np
import pandas as pd

from . import config
from .text import t
from .errors import DataError, ParameterError, shorten
from .provenance import sha256_file


def _import_pandera():
    """``pandera.pandas`` with its pandas check backends, without importing hypothesis.

    pandera's built-in checks import its data-synthesis strategies, which import hypothesis when it
    is installed (a test dependency here): ~0.6 s of a 1 s ``nq57 data``, for a feature (generating
    example data from a schema) nq57 never uses. Validation is the same without it. When hypothesis
    is not imported yet, it is hidden while pandera's check modules load, so pandera records it as
    absent in this process; a later ``import hypothesis`` works as usual. In a process that already
    imported hypothesis (the test suite), pandera is imported as is.
    """
    hide = "hypothesis" not in sys.modules
    if hide:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]  # makes `import hypothesis` fail
    try:
        import pandera.backends.pandas.builtin_checks  # noqa: F401 - the module that imports the strategies
        import pandera.pandas
    finally:
        if hide and sys.modules.get("hypothesis", 0) is None:
            del sys.modules["hypothesis"]
    return pandera.pandas


pa = _import_pandera()

TABLES = ("geography", "mergers", "sources", "indicators", "observations", "targets", "labels")

# The best-observation rule (data/README.md, ``series``): an outcome over a plan, a later revision
# of the same producer, a point value over a bound, a figure attributed to a producer over an
# unattributed one, then the kind of publication, an unrounded figure over its rounded highlight,
# the newer release, the producer's tier, the firmer status; the source id breaks remaining ties.
KIND_ORDER = ("statistical_publication", "official_portal", "press", "other")
TIER_ORDER = ("statistics_office", "ministry", "government_portal", "major_newspaper", "other")
STATUS_ORDER = ("official", "preliminary", "estimate", "plan")
# Producers of figures (the tiers of ``attributed_to`` that name one): a figure attributed to one
# (or published by one) beats an unattributed figure whatever the outlet.
PRODUCER_TIERS = ("statistics_office", "ministry")
# (sort column, words saying why the winner beat the runner-up at that step)
RULE_STEPS = (
    ("_plan", "outcome over plan"),
    ("_superseded", "later revision by the same producer"),
    ("_bound", "point value over a bound"),
    ("_attributed", "attributed to a producer"),
    ("_kind", "kind of publication"),
    ("_rounded", "unrounded figure over its rounded highlight"),
    ("_release", "newer release"),
    ("_tier", "producer's tier"),
    ("_status", "firmer status"),
    ("source_id", "source id (tie)"),
)
ONLY_CANDIDATE = "only candidate"
MERGER_DATE = pd.Timestamp("2025-07-01")
MERGER_YEAR = 2025  # years before this are pre-merger for annual figures of the new units


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: steps may cache per package (weakly)
class DataPackage:
    """The validated tables of the data package, plus where they came from."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    geography: pd.DataFrame
    mergers: pd.DataFrame
    version: str
    checksum: str
    extra_files: tuple[str, ...] = ()
    labels: pd.DataFrame | None = None  # reader-facing labels of statuses, concepts and units (labels.csv)

    def indicator(self, indicator_id: str) -> pd.Series:
        """Metadata row of one indicator (raises ParameterError if unknown)."""
        table = self.indicators
        hits = np.flatnonzero(table["indicator_id"].to_numpy() == indicator_id)
        if not hits.size:
            check_indicator(self, indicator_id)  # raises, with a suggestion
        row = table.iloc[hits[0]].drop("indicator_id")
        row.name = indicator_id
        return row


# --------------------------------------------------------------------------------------------
# Reading and validating files
# --------------------------------------------------------------------------------------------

def read_descriptor(root: Path | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of ``root`` (default: the shipped ``data/``)."""
    path = Path(root or config.DATA_DIR) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path, f"not valid UTF-8 JSON ({exc})") from None


def _resource(descriptor: dict, name: str) -> dict:
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource
    raise DataError("datapackage.json", f"no resource named {name!r}")


def _decode(path: Path, raw: bytes) -> str:
    if not raw.strip():
        raise DataError(path, "file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                        row=row) from None
    return text.removeprefix("\ufeff")


# One cell of a table file holds at most this many characters (the csv module's own field limit; a
# spreadsheet's is 32,767): a longer one is refused with what it is, not as a damaged file.
MAX_CELL_CHARS = 131_072


def _rows_from_csv(path: Path, text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = [rec for rec in reader]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise DataError(path, f"a cell holds more than {MAX_CELL_CHARS:,} characters, the limit for one cell",
                            row=reader.line_num) from None
        raise DataError(path, f"malformed CSV ({exc}); is the file truncated?", row=reader.line_num) from None
    records = [rec for rec in records if rec]  # tolerate blank lines
    return records[0], records[1:]


# An Excel workbook is a zip of XML files: its uncompressed size is checked before it is parsed (a 158 KB
# workbook that unpacks to hundreds of MB once took 11 s to read). README "Limits".
MAX_EXCEL_UNCOMPRESSED_BYTES = 50 * 2**20


def _check_excel_container(path: Path) -> None:
    """Refuse a workbook that is not a zip or unpacks to more than ``MAX_EXCEL_UNCOMPRESSED_BYTES``
    (the sizes its zip directory declares, read without unpacking anything)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(path, f"not an Excel workbook (.xlsx is a zip file: {type(exc).__name__})") from None
    if unpacked > MAX_EXCEL_UNCOMPRESSED_BYTES:
        raise DataError(path, f"workbook unpacks to {unpacked / 2**20:.0f} MB, above the limit of "
                              f"{MAX_EXCEL_UNCOMPRESSED_BYTES / 2**20:g} MB; save only the sheet you need, or as CSV")


def _check_no_formulas(path: Path, sheet: str) -> None:
    """Refuse formula cells in ``sheet``: their values are whatever a spreadsheet last computed (or nothing
    at all, read as empty), not data. openpyxl with ``data_only=False`` sees the formulas themselves."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged workbook
        raise DataError(path, f"cannot read Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        if sheet not in book.sheetnames:
            return  # named in the caller's error
        header: list[str] = []
        for number, row in enumerate(book[sheet].iter_rows(), start=1):
            if number == 1:
                header = [str(c.value or "").strip() for c in row]
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    index = (getattr(cell, "column", None) or 1) - 1
                    name = header[index] if index < len(header) and header[index] else get_column_letter(index + 1)
                    raise DataError(path, f"cell {get_column_letter(index + 1)}{number} is a formula "
                                          f"({shorten(str(cell.value))!r}); type its value instead",
                                    row=number, column=name)
    finally:
        book.close()


def _rows_from_excel(path: Path, sheet: str) -> tuple[list[str], list[list[str]]]:
    _check_excel_container(path)
    _check_no_formulas(path, sheet)
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=object, header=None, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise DataError(path, f"cannot read Excel workbook ({type(exc).__name__}: {exc})") from None
    frame = book.get(sheet)
    if frame is None:
        raise DataError(path, f"no sheet named {sheet!r} (sheets: {', '.join(map(str, book))}); "
                              f"name the sheet {sheet!r}")
    if frame.empty:
        raise DataError(path, "sheet is empty")
    values = [[_excel_text(v) for v in row] for row in frame.values.tolist()]
    return [str(c).strip() for c in values[0]], values[1:]


def _excel_text(value) -> str:
    """An Excel cell as the text a CSV would hold: a date cell is YYYY-MM-DD (with its time if it has one)."""
    import datetime as dt

    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# A table file larger than this is refused before it is parsed (the shipped tables are < 0.1 MB; a
# 200 MB file once made one report kernel use 4 GB). README "Limits".
MAX_TABLE_BYTES = 20 * 2**20


def read_table(path: str | Path, resource: dict) -> pd.DataFrame:
    """Read one table file (CSV, or an Excel sheet named like the resource) and validate it.

    Returns a typed DataFrame with extra ``_row`` (the file's row number, header = 1) and ``_file``
    columns, kept so cross-table errors can name the file and row. Raises ``DataError`` naming file, row and column.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise DataError(path, f"file is {size / 2**20:.1f} MB, above the limit of {MAX_TABLE_BYTES / 2**20:g} MB "
                              "for one table file; split it or keep only the rows you need")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, records = _rows_from_excel(path, resource["name"])
    else:
        header, records = _rows_from_csv(path, _decode(path, path.read_bytes()))
    optional = {f["name"] for f in fields if not f.get("constraints", {}).get("required")}
    # An optional column may be left out (files written before it existed); it reads as empty.
    missing = [n for n in names if n not in header and n not in optional]
    extra = [h for h in header if h not in names]
    if missing:
        raise DataError(path, f"missing column(s): {', '.join(missing)}", row=1, column=missing[0])
    if extra:
        raise DataError(path, f"unexpected column(s): {', '.join(extra)} (expected: {', '.join(names)})",
                        row=1, column=extra[0])
    if len(set(header)) != len(header):
        raise DataError(path, "duplicate column names in header", row=1)
    for number, record in enumerate(records, start=2):
        if len(record) != len(header):
            raise DataError(path, f"expected {len(header)} fields, found {len(record)}; is the file truncated?",
                            row=number)
    frame = pd.DataFrame(records, columns=header, dtype=object).reindex(columns=names, fill_value="")
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v).replace({"": None})
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    for field in fields:  # booleans first: pandas would turn the string "false" into True
        if field["type"] == "boolean":
            frame[field["name"]] = _coerce_bool(path, frame[field["name"]], field["name"])
    try:
        typed = _pandera_schema(resource).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(path, exc.failure_cases, names) from None
    _check_primary_key(path, typed, resource["schema"].get("primaryKey") or [])
    _check_plain_text(path, typed, [f["name"] for f in fields if f["type"] == "string"],
                      free=[f["name"] for f in fields if "enum" not in f.get("constraints", {})])
    typed = typed.copy()
    typed["_row"] = typed.index.to_numpy()
    typed["_file"] = str(path)
    return typed.reset_index(drop=True)


_MARKUP = r"<\s*[A-Za-z/!?]"
# Markdown that would make a link or an image: [text](target), ![alt](src), [text][ref], <scheme:...>.
_MARKDOWN_LINK = r"\][(\[]|!\["
# A cell a spreadsheet program would run as a formula (text cells are stripped, so a leading tab or
# carriage return reaches this check as the character after it). Negative numbers live in number columns.
# Their fullwidth forms (＝ ＋ － ＠) count too: spreadsheet programs may fold them to the ASCII ones.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) reorder how text
# is shown ("Trojan source"): data text never needs them.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_CONTROL = f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f{_BIDI}]"


def _check_plain_text(path: Path, frame: pd.DataFrame, columns: list[str], free: list[str]) -> None:
    """Data text is plain text: refuse control characters (NUL...), HTML, Markdown links or images, and
    text a spreadsheet would run as a formula, when the file is loaded (never after a kernel ran).

    Reports escape what they print and make their own links from the ``url`` column (http(s) only),
    but a figure's text should never be markup in the first place (a '<' before a number, as in
    '<5 %', is fine). Columns of a fixed vocabulary (``free`` lists the others) may hold '='
    (a comparator). Refusing formulas here keeps the results CSVs safe to open in a spreadsheet.
    """
    if not _any_suspect_text(frame, columns, free):
        return  # the common case, in one vectorised pass; otherwise find and name the first problem
    for column in columns:
        text = frame[column].astype("string")
        problems = (
            (text.str.contains(_CONTROL, regex=True, na=False),
             "contains a control character (NUL, a bidirectional control or similar)"),
            (text.str.contains(_MARKUP, regex=True, na=False), "looks like HTML markup"),
            (text.str.contains(_MARKDOWN_LINK, regex=True, na=False),
             "looks like a Markdown link or image (data text is plain text; the report makes the links)"),
            (text.str.startswith(FORMULA_START, na=False) & (column in free),
             "starts with =, +, -, @ (or their fullwidth forms), a tab or a carriage return (a spreadsheet "
             "would run it as a formula)"),
        )
        for hits, why in problems:
            if hits.any():
                row = hits[hits].index[0]
                raise DataError(path, f"text {why}: {shorten(frame.loc[row, column])!r}", row=int(row),
                                column=column)


_ANY_SUSPECT = f"{_CONTROL}|{_MARKUP}|{_MARKDOWN_LINK}"


def _any_suspect_text(frame: pd.DataFrame, columns: list[str], free: list[str]) -> bool:
    """Whether any of ``_check_plain_text``'s problems may be present: one regex and one prefix pass over
    all text cells at once (a superset of the per-column checks, which then say which cell and why)."""
    cells = [frame[c] for c in columns]
    if not cells:
        return False
    text = pd.concat(cells, ignore_index=True).dropna().astype("string")
    if text.str.contains(_ANY_SUSPECT, regex=True).any():
        return True
    formula_cells = [frame[c] for c in columns if c in free]
    if not formula_cells:
        return False
    starts = pd.concat(formula_cells, ignore_index=True).dropna().astype("string")
    return bool(starts.str.startswith(FORMULA_START).any())


def _check_primary_key(path: Path, frame: pd.DataFrame, key: list[str]) -> None:
    """Reject a row whose key repeats an earlier row's, naming both rows."""
    if len(key) < 2:  # single-column keys are declared unique and checked by pandera
        return
    dupes = frame[frame.duplicated(subset=key, keep="first")]
    if not dupes.empty:
        later = dupes.index[0]
        values = tuple(frame.loc[later, key])
        first = frame.index[(frame[key] == frame.loc[later, key]).all(axis=1)][0]
        raise DataError(path, f"duplicate key ({', '.join(key)}) = {values}; the same key is on row {first}",
                        row=int(later))


def _coerce_bool(path: Path, column: pd.Series, name: str) -> pd.Series:
    mapping = {"true": True, "false": False}
    for row, value in column.items():
        if value is not None and str(value).lower() not in mapping:
            raise DataError(path, f"expected true or false, got {value!r}", row=int(row), column=name)
    return column.map(lambda v: None if v is None else mapping[str(v).lower()]).astype("boolean")


_DTYPES = {"string": str, "integer": "Int64", "number": "Float64", "date": "datetime64[ns]"}


@functools.lru_cache(maxsize=None)
def _schema_cache(resource_json: str) -> pa.DataFrameSchema:
    resource = json.loads(resource_json)
    columns = {}
    for field in resource["schema"]["fields"]:
        cons = field.get("constraints", {})
        checks = []
        if "enum" in cons:
            checks.append(pa.Check.isin(cons["enum"]))
        if "pattern" in cons:
            checks.append(pa.Check.str_matches(cons["pattern"]))
        if "minimum" in cons:
            checks.append(pa.Check.ge(cons["minimum"]))
        if "maximum" in cons:
            checks.append(pa.Check.le(cons["maximum"]))
        if field.get("format") == "uri":
            checks.append(pa.Check.str_matches(r"^https?://\S+$", error="must be an http(s) URL"))
        if field["type"] == "number":
            checks.append(pa.Check(lambda s: np.isfinite(s.astype("float64")), element_wise=False,
                                   error="must be a finite number"))
        dtype = "boolean" if field["type"] == "boolean" else _DTYPES[field["type"]]
        columns[field["name"]] = pa.Column(dtype, checks=checks, nullable=not cons.get("required", False),
                                           unique=cons.get("unique", False), coerce=True)
    return pa.DataFrameSchema(columns, strict=True, name=resource["name"])


def _pandera_schema(resource: dict) -> pa.DataFrameSchema:
    return _schema_cache(json.dumps(resource, sort_keys=True))


def _explain(check: str, case) -> str:
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        kind = {"Int64": "an integer", "Float64": "a number", "datetime64[ns]": "a date (YYYY-MM-DD)"}
        wanted = next((v for k, v in kind.items() if k in check), check)
        return f"expected {wanted}, got {case!r}"
    if check == "not_nullable":
        return "a value is required"
    if check.startswith("isin"):
        return f"{case!r} is not one of {check[5:-1]}"
    if check.startswith("str_matches"):
        return f"{case!r} does not match the pattern {check[12:-1]}"
    if check in ("field_uniqueness", "unique") or "uniqueness" in check:
        return f"duplicate value {case!r} (must be unique)"
    if check.startswith("greater_than_or_equal_to"):
        return f"{case!r} is below the minimum {check.split('(')[1][:-1]}"
    if check.startswith("less_than_or_equal_to"):
        return f"{case!r} is above the maximum {check.split('(')[1][:-1]}"
    return f"{check}: {case!r}"


def _first_failure(path: Path, cases: pd.DataFrame, names: list[str]) -> DataError:
    located = cases[cases["index"].notna()].copy()
    if located.empty:
        first = cases.iloc[0]
        return DataError(path, _explain(str(first["check"]), first["failure_case"]),
                         column=None if first["column"] is None else str(first["column"]))
    order = {n: i for i, n in enumerate(names)}
    located["_col"] = located["column"].map(lambda c: order.get(c, -1))
    located["_idx"] = located["index"].astype(int)
    first = located.sort_values(["_idx", "_col"]).iloc[0]
    more = len(located) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    column = first["column"] if first["column"] in order else None
    if first["schema_context"] == "DataFrameSchema" and "uniqueness" in str(first["check"]):
        return DataError(path, f"duplicate key: another row has the same values in the key columns{suffix}",
                         row=int(first["_idx"]), column=column)
    return DataError(path, _explain(str(first["check"]), first["failure_case"]) + suffix,
                     row=int(first["_idx"]), column=column)


def _verify_hash(path: Path, resource: dict) -> None:
    expected = resource.get("hash")
    if not expected:
        return
    algorithm, _, digest = expected.partition(":")
    if algorithm != "sha256":
        raise DataError(path, f"unsupported hash {expected!r} in datapackage.json (use sha256:<hex>)")
    if sha256_file(path) != digest:
        raise DataError(path, "contents do not match the sha256 checksum in datapackage.json; if you edited "
                              "the file on purpose, run `nq57 data --rehash`")


# --------------------------------------------------------------------------------------------
# Cross-table checks
# --------------------------------------------------------------------------------------------

def _check_refs(frame: pd.DataFrame, column: str, known: Iterable[str], what: str) -> None:
    known = set(known)
    bad = frame[frame[column].notna() & ~frame[column].isin(known)]
    if not bad.empty:
        row = bad.iloc[0]
        hint = difflib.get_close_matches(str(row[column]), sorted(known), n=1)
        tip = f"; did you mean {hint[0]!r}?" if hint else ""
        raise DataError(row["_file"], f"unknown {what} {row[column]!r}{tip}", row=int(row["_row"]), column=column)


def _check_against_indicators(frame: pd.DataFrame, indicators: pd.DataFrame, value_cols: Sequence[str]) -> None:
    meta = indicators.set_index("indicator_id")
    joined = frame.join(meta[["unit", "concepts", "lower_bound", "upper_bound"]]
                        .rename(columns={"unit": "unit_indicator"}), on="indicator_id")
    bad_unit = joined[joined["unit"] != joined["unit_indicator"]]
    if not bad_unit.empty:
        row = bad_unit.iloc[0]
        raise DataError(row["_file"], f"unit {row['unit']!r} differs from indicator {row['indicator_id']}'s unit "
                              f"{row['unit_indicator']!r}", row=int(row["_row"]), column="unit")
    allowed = joined["concepts"].str.split("|")
    has_concept = joined["concept"].notna()
    bad_concept = joined[has_concept & ~pd.Series([c in a for c, a in zip(joined["concept"], allowed)],
                                                  index=joined.index)]
    if not bad_concept.empty:
        row = bad_concept.iloc[0]
        raise DataError(row["_file"], f"concept {row['concept']!r} is not one of indicator {row['indicator_id']}'s "
                              f"concepts ({row['concepts']})", row=int(row["_row"]), column="concept")
    for column in value_cols:
        values = joined[column].astype("Float64")
        low, high = joined["lower_bound"].astype("Float64"), joined["upper_bound"].astype("Float64")
        outside = values.notna() & ((low.notna() & (values < low)) | (high.notna() & (values > high)))
        if outside.any():
            row = joined[outside.fillna(False)].iloc[0]
            raise DataError(row["_file"], f"value {row[column]:g} is outside the bounds of {row['indicator_id']} "
                                  f"[{_fmt_bound(row['lower_bound'])}, {_fmt_bound(row['upper_bound'])}]",
                            row=int(row["_row"]), column=column)


def _check_dates(sources: pd.DataFrame, observations: pd.DataFrame) -> None:
    """Every source is dated or says why not; no official or preliminary figure for a year after its release."""
    undated = sources[sources["published"].isna() & sources["date_note"].isna()]
    if not undated.empty:
        row = undated.iloc[0]
        raise DataError(row["_file"], f"source {row['source_id']!r} has no publication date; give published "
                                      "(at least the year) or say in date_note why it is unknown",
                        row=int(row["_row"]), column="published")
    released = observations["published"].fillna(
        observations["source_id"].map(sources.drop_duplicates("source_id").set_index("source_id")["published"]))
    release_year = pd.to_numeric(released.str[:4], errors="coerce")
    early = observations[observations["status"].isin(["official", "preliminary"])
                         & release_year.notna() & (observations["year"] > release_year)]
    if not early.empty:
        row = early.iloc[0]
        raise DataError(row["_file"], f"{row['status']} figure for {row['year']} but its source was released in "
                                      f"{int(release_year[early.index[0]])}: a figure cannot be observed before it "
                                      "exists (use status estimate or plan, or fix the year)",
                        row=int(row["_row"]), column="year")
    this_year = pd.Timestamp.now(tz="UTC").year
    future = observations[observations["status"].isin(["official", "preliminary", "estimate"])
                          & (observations["year"] > this_year)]
    if not future.empty:  # an estimate of a year still to come is a projection: nq57 makes those itself
        row = future.iloc[0]
        what = ("an estimate for a future year is a projection, never an observation (the reports make their "
                "own projections)" if row["status"] == "estimate" else "a figure cannot be observed before it exists")
        raise DataError(row["_file"], f"{row['status']} figure for {row['year']}, a future year (it is {this_year}): "
                                      f"{what}; use status plan for a planned figure, or fix the year",
                        row=int(row["_row"]), column="year")


def _check_inferred_concepts(observations: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """A figure whose concept is inferred (``is_concept_inferred``) says how in its note, and its indicator
    has several concepts to choose from (with one concept there is nothing to infer)."""
    inferred = observations[observations["is_concept_inferred"].fillna(False).astype(bool)]
    silent = inferred[inferred["note"].isna()]
    if not silent.empty:
        row = silent.iloc[0]
        raise DataError(row["_file"], "is_concept_inferred is true but the note is empty; say in the note how the "
                                      f"concept {row['concept']!r} was inferred", row=int(row["_row"]), column="note")
    n_concepts = inferred["indicator_id"].map(indicators.set_index("indicator_id")["concepts"].str.count(r"\|") + 1)
    single = inferred[n_concepts == 1]
    if not single.empty:
        row = single.iloc[0]
        raise DataError(row["_file"], f"is_concept_inferred is true but indicator {row['indicator_id']} has one "
                                      "concept only: there is nothing to infer", row=int(row["_row"]),
                        column="is_concept_inferred")


def _fmt_bound(value) -> str:
    return "" if pd.isna(value) else f"{value:g}"


def _check_package(t: dict[str, pd.DataFrame]) -> None:
    """Checks across tables: ids resolve, units and concepts match the indicator, values within bounds."""
    source_ids = set(t["sources"]["source_id"])
    geo_ids = set(t["geography"]["geo_id"])
    indicator_ids = set(t["indicators"]["indicator_id"])
    ind = t["indicators"]
    for col in ("numerator_id", "denominator_id"):
        _check_refs(ind, col, indicator_ids, "indicator")
    for concepts, row in zip(ind["concepts"], ind["_row"]):
        if not all(c and c.replace("_", "").isalnum() and c == c.lower() for c in concepts.split("|")):
            raise DataError(ind["_file"].iloc[0], f"concepts {concepts!r} must be lowercase ids separated by |",
                            row=int(row), column="concepts")
    _check_refs(t["geography"], "source_id", source_ids, "source id")
    for col in ("new_geo_id", "old_geo_id"):
        _check_refs(t["mergers"], col, geo_ids, "geography id")
    _check_refs(t["mergers"], "source_id", source_ids, "source id")
    for name in ("observations", "targets"):
        frame = t[name]
        _check_refs(frame, "geo_id", geo_ids, "geography id")
        _check_refs(frame, "indicator_id", indicator_ids, "indicator id")
        _check_refs(frame, "source_id", source_ids, "source id")
    _check_dates(t["sources"], t["observations"])
    _check_against_indicators(t["observations"], ind, ["value"])
    _check_inferred_concepts(t["observations"], ind)
    _check_revises(t["observations"])
    _check_against_indicators(t["targets"], ind, ["value", "value_high"])
    targets = t["targets"]
    between = targets["comparator"] == "between"
    bad = targets[between & (targets["value_high"].isna() | (targets["value_high"] < targets["value"]))]
    if not bad.empty:
        raise DataError(bad.iloc[0]["_file"], "comparator 'between' needs value_high >= value",
                        row=int(bad.iloc[0]["_row"]), column="value_high")
    bad = targets[targets["from_year"].notna() & (targets["from_year"] > targets["year"])]
    if not bad.empty:
        raise DataError(bad.iloc[0]["_file"], "from_year is after year", row=int(bad.iloc[0]["_row"]),
                        column="from_year")


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

FIGURE_KEY = ["geo_id", "indicator_id", "year", "concept", "status"]
# A stated revision, in an observation's note: "Revises <source_id>[|<source_id>...]: why".
REVISES = re.compile(r"\bRevises ([a-z0-9][a-z0-9_.-]*(?:\|[a-z0-9][a-z0-9_.-]*)*)")


def revised_sources(note) -> set[str]:
    """The source ids an observation's note says it revises ("Revises <source_id>: ...")."""
    if not isinstance(note, str):
        return set()
    return {sid.rstrip(".") for m in REVISES.finditer(note) for sid in m.group(1).split("|")}


def _check_contradictions(file, known: pd.DataFrame, new: pd.DataFrame) -> None:
    """A new point value that differs from a known one of the same (geography, indicator, year,
    concept, status) is refused unless its note states the revision ("Revises <source_id>: why"):
    a new year of figures must not silently contradict the package (data/README.md, "Adding a year")."""
    points = known[known["comparator"].isna()]
    merged = new.reset_index(drop=True).merge(
        points[FIGURE_KEY + ["value", "source_id"]], on=FIGURE_KEY, how="inner", suffixes=("", "_known"))
    merged = merged[merged["comparator"].isna()]
    differs = ~np.isclose(merged["value"].astype(float), merged["value_known"].astype(float), rtol=1e-9, atol=0)
    for _, row in merged[np.asarray(differs, dtype=bool)].iterrows():
        if row["source_id_known"] not in revised_sources(row["note"]):
            raise DataError(file, f"value {row['value']:g} contradicts {row['value_known']:g} of source "
                                  f"{row['source_id_known']} for the same geography, indicator, year, concept and "
                                  f"status; if it is a revision, say so in the note: 'Revises "
                                  f"{row['source_id_known']}: why'", row=int(row["_row"]), column="value")


def _check_revises(observations: pd.DataFrame) -> None:
    """A note's "Revises <source_id>" names another source with an observation of the same figure key."""
    stated = observations[observations["note"].fillna("").map(lambda n: REVISES.search(n) is not None).astype(bool)]
    if stated.empty:
        return
    keys = set(map(tuple, observations[FIGURE_KEY + ["source_id"]].itertuples(index=False)))
    for _, row in stated.iterrows():
        for target in sorted(revised_sources(row["note"])):
            if target == row["source_id"] or (*(row[c] for c in FIGURE_KEY), target) not in keys:
                raise DataError(row["_file"], f"the note revises {target!r}, but that source has no other "
                                              f"observation of {row['geo_id']} {row['indicator_id']} {row['year']} "
                                              f"({row['concept']}, {row['status']})", row=int(row["_row"]),
                                column="note")


def _split_env(name: str) -> tuple[str, ...]:
    return tuple(p for p in os.environ.get(name, "").split(os.pathsep) if p.strip())


def _as_tuple(paths) -> tuple[str, ...]:
    if paths is None:
        return ()
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return tuple(str(Path(p)) for p in paths)


def load_package(root: str | Path | None = None, *, extra_observations=None, extra_sources=None,
                 use_env: bool = True) -> DataPackage:
    """Load and validate the data package, merged with researcher-supplied files.

    ``extra_observations`` / ``extra_sources``: path(s) to CSV or Excel files in the schema of
    ``observations`` / ``sources``; with ``use_env`` the environment variables
    ``NQ57_EXTRA_OBSERVATIONS`` and ``NQ57_EXTRA_SOURCES`` (os.pathsep-separated) add more.
    Extra files are validated exactly like the shipped ones; a key that duplicates a shipped
    observation is an error. Nothing is returned unless everything validates.
    Results are cached per (files, modification times), so repeated calls are cheap; each call
    returns its own copy of the tables, so editing them in one notebook (or one warm kernel's
    notebook, ``nq57lib.fresh_namespace``) never changes what the next call returns.

    The copies share their memory with the cached package, which is read-only: an edit through
    pandas (``.loc``, ``.iloc``, ``pkg.observations[col] = ...``) copies first (copy-on-write) and
    changes only this call's table; a write into the shared arrays themselves (``.array``,
    ``.values``, ``.to_numpy()``) raises ``ValueError`` saying to copy the table first
    (``READ_ONLY_HINT``).
    """
    install_read_only_hint()
    cached = shared_package(root, extra_observations=extra_observations, extra_sources=extra_sources,
                             use_env=use_env)
    # Copy-on-write (pandas 3) makes a shallow copy independent: an edit on either side copies first.
    return dataclasses.replace(cached, **{f.name: getattr(cached, f.name).copy(deep=False)
                                          for f in dataclasses.fields(cached)
                                          if isinstance(getattr(cached, f.name), pd.DataFrame)})


def shared_package(root: str | Path | None = None, *, extra_observations=None, extra_sources=None,
                    use_env: bool = True) -> DataPackage:
    """The cached package itself, not a copy: for read-only lookups (``label``, ``resolve_geo``, the
    reader's source names). Never edit it; ``load_package`` gives a copy to edit."""
    root = Path(root or config.DATA_DIR).resolve()
    obs = _as_tuple(extra_observations) + (_split_env(config.ENV_EXTRA_OBSERVATIONS) if use_env else ())
    src = _as_tuple(extra_sources) + (_split_env(config.ENV_EXTRA_SOURCES) if use_env else ())
    stamp = tuple(_mtime(p) for p in (root / "datapackage.json", *[root / f"{t}.csv" for t in TABLES], *obs, *src))
    return _load_cached(str(root), obs, src, stamp)


def _mtime(path) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
        return str(path), st.st_mtime_ns, st.st_size
    except OSError:
        return str(path), -1, -1


@functools.lru_cache(maxsize=8)
def _load_cached(root: str, extra_obs: tuple[str, ...], extra_src: tuple[str, ...], _stamp) -> DataPackage:
    root_path = Path(root)
    descriptor = read_descriptor(root_path)
    tables = {}
    for name in TABLES:
        resource = _resource(descriptor, name)
        path = root_path / resource["path"]
        if path.is_file():
            _verify_hash(path, resource)
        tables[name] = read_table(path, resource)
    _check_vietnamese_texts(tables)  # the shipped rows only: a researcher's file may leave them empty
    for kind, files in (("sources", extra_src), ("observations", extra_obs)):
        resource = _resource(descriptor, kind)
        for file in files:
            extra = read_table(file, resource)
            key = resource["schema"]["primaryKey"]
            combined = pd.concat([tables[kind], extra], ignore_index=True)
            dupes = combined[combined.duplicated(subset=key, keep="first")]
            dupes = dupes[dupes.index >= len(tables[kind])]
            if not dupes.empty:
                raise DataError(file, f"duplicate key ({', '.join(key)}) already in the data",
                                row=int(dupes.iloc[0]["_row"]))
            if kind == "observations":
                _check_contradictions(file, tables[kind], extra)
            tables[kind] = combined
    _check_package(tables)
    for table in tables.values():
        if isinstance(table, pd.DataFrame):
            read_only(table)
    return DataPackage(**tables, version=str(descriptor.get("version", "")),
                       checksum=data_checksum(root_path, extra_obs + extra_src),
                       extra_files=extra_obs + extra_src)


READ_ONLY_HINT = ("the data package's tables are shared by every load_package() call (and every notebook of a "
                  "warm kernel) and are read-only: copy first, e.g. observations = pkg.observations.copy(), "
                  "or edit with .loc")
_READ_ONLY_MESSAGES = ("Cannot modify read-only array", "assignment destination is read-only")


def read_only(frame: pd.DataFrame) -> pd.DataFrame:
    """Make every array of ``frame`` (columns and index) read-only, in place; return it.

    pandas 3's extension arrays (``Float64``, ``Int64``, ``boolean``, ``str``) refuse writes when
    flagged read-only; their numpy buffers and plain numpy columns get ``flags.writeable = False``.
    A write then raises ``ValueError``; pandas' own edits (``.loc``...) copy first instead.
    """
    def freeze(values) -> None:
        if isinstance(values, np.ndarray):
            values.flags.writeable = False
            return
        values._readonly = True
        for name in ("_ndarray", "_data", "_mask"):
            buffer = getattr(values, name, None)
            if isinstance(buffer, np.ndarray):
                buffer.flags.writeable = False

    for block in frame._mgr.blocks:
        freeze(block.values)
    index_values = getattr(frame.index, "_data", None)
    if isinstance(index_values, np.ndarray):
        index_values.flags.writeable = False
    return frame


def install_read_only_hint() -> None:
    """In an IPython kernel, add ``READ_ONLY_HINT`` to the error a write into the shared tables raises.

    pandas and numpy word it "Cannot modify read-only array" / "assignment destination is read-only",
    without saying why or what to do. The hint is added to such a ``ValueError`` when a cell fails with
    it (IPython's custom exception handler; one that a notebook installed itself is left alone).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "custom_exceptions", None) == ():  # none yet: not ours, nor the notebook's
        shell.set_custom_exc((ValueError,), _read_only_handler)


def _read_only_handler(shell, etype, value, tb, tb_offset=None):
    if value.args and isinstance(value.args[0], str) and value.args[0] in _READ_ONLY_MESSAGES:
        value.args = (f"{value.args[0]}: {READ_ONLY_HINT}", *value.args[1:])
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)  # as IPython shows any other error


def data_checksum(root: str | Path | None = None, extra_files: Sequence[str] = ()) -> str:
    """SHA-256 over datapackage.json and every table file (and any extra files), in a fixed order.

    This is the data vintage fingerprint printed in every report header and run manifest.
    """
    import hashlib

    root = Path(root or config.DATA_DIR)
    digest = hashlib.sha256()
    files = [root / "datapackage.json"] + [root / f"{t}.csv" for t in TABLES] + [Path(p) for p in extra_files]
    for path in files:
        digest.update(path.name.encode())
        digest.update(bytes.fromhex(sha256_file(path)) if path.is_file() else b"missing")
    return digest.hexdigest()


def rehash(root: str | Path | None = None) -> dict[str, str]:
    """Recompute each resource's ``hash`` (and ``bytes``) in datapackage.json after an edit."""
    root = Path(root or config.DATA_DIR)
    descriptor = read_descriptor(root)
    changed = {}
    for resource in descriptor["resources"]:
        path = root / resource["path"]
        new = f"sha256:{sha256_file(path)}"
        if resource.get("hash") != new:
            changed[resource["name"]] = new
        resource["hash"], resource["bytes"] = new, path.stat().st_size
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    tmp = root / ".datapackage.json.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, root / "datapackage.json")
    return changed


# --------------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Lowercase ASCII form for matching names: 'Vĩnh Phúc' -> 'vinh-phuc', 'TP.HCM' -> 'tp-hcm'."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())


_LOOKUPS: dict[tuple, dict[str, str]] = {}


def _geo_lookup(pkg: DataPackage) -> dict[str, set[str]]:
    """Folded name/alias/slug/id -> the geo_ids it names, built once per data vintage (lookups are frequent)."""
    key = (pkg.checksum, pkg.extra_files)
    if key not in _LOOKUPS:
        _LOOKUPS.clear()  # one vintage at a time is enough
        _LOOKUPS[key] = _build_geo_lookup(pkg)
    return _LOOKUPS[key]


def _build_geo_lookup(pkg: DataPackage) -> dict[str, set[str]]:
    lookup: dict[str, set[str]] = {}
    columns = ["aliases", "name_vi", "name_en", "slug", "geo_id"]
    for aliases, name_vi, name_en, slug, geo_id in pkg.geography[columns].itertuples(index=False):
        for text in (*(aliases if isinstance(aliases, str) else "").split("|"), name_vi, name_en, slug, geo_id):
            if isinstance(text, str) and text.strip():
                lookup.setdefault(_fold(text), set()).add(geo_id)
    return lookup


def check_geo_text(text: str, name: str = "geo") -> str:
    """Refuse invisible, control and compatibility (fullwidth, ligature...) characters in a geography.

    They are never folded away silently: 'ｖｎ' or 'vn' with a zero-width space is a typo or a trick.
    """
    for ch in text:
        category = unicodedata.category(ch)
        if (category in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp") or (category == "Zs" and ch != " ")
                or unicodedata.decomposition(ch).startswith("<")):
            raise ParameterError(name, f"geography {shorten(text)!r} contains the character U+{ord(ch):04X} "
                                       f"({unicodedata.name(ch, 'unnamed')}); type plain letters")
    return text


def resolve_geo(text, pkg: DataPackage | None = None, *, name: str = "geo") -> str:
    """Return the geo_id for an id, slug, or name (any case, with or without diacritics).

    Raises ``ParameterError`` naming ``name`` with a "did you mean" suggestion otherwise, and when a
    name is shared by an old and a new unit ("Bắc Ninh", "Phu Tho"): the error lists both ids.
    An exact id always wins: 'phu-tho' is the old province, 'phu-tho-2025' the new one.
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(name, f"expected a geography id or name, got {shorten(text)!r}")
    if "\x00" in text or "/" in text or "\\" in text:
        raise ParameterError(name, f"not a geography id: {shorten(text)!r}")
    check_geo_text(text, name)
    pkg = pkg or shared_package()
    if text in set(pkg.geography["geo_id"]):
        return text
    lookup = _geo_lookup(pkg)
    key = _fold(text)
    found = sorted(lookup.get(key, ()))
    if len(found) == 1:
        return found[0]
    if found:
        raise ParameterError(name, f"{shorten(text)!r} names several units: {', '.join(found)}; pass one of these ids")
    hint = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6)
    suggestion = (f"; did you mean '{', '.join(sorted(lookup[hint[0]]))}'?" if hint
                  else "; run `nq57 data --geos` for the list")
    raise ParameterError(name, f"unknown geography {shorten(text)!r}{suggestion}")


def check_indicator(pkg: DataPackage, indicator_id: str, *, name: str = "indicator") -> str:
    """Return ``indicator_id`` if known, else raise ParameterError with a suggestion."""
    from .errors import check_choice

    return check_choice(name, indicator_id, list(pkg.indicators["indicator_id"]))


def geo_row(pkg: DataPackage, geo_id: str) -> pd.Series:
    """Geography metadata of one unit."""
    hits = np.flatnonzero(pkg.geography["geo_id"].to_numpy() == geo_id)
    if not hits.size:
        resolve_geo(geo_id, pkg)  # raises with a suggestion
    return pkg.geography.iloc[hits[0]]


def geo_name(pkg: DataPackage, geo_id: str, lang: str = "en") -> str:
    """Display name: Vietnamese with diacritics for 'vi', English otherwise; new units marked."""
    row = geo_row(pkg, geo_id)
    name = row["name_vi"] if lang == "vi" else row["name_en"]
    if pd.notna(row["valid_from"]):
        name += t("common.geo.new_unit_mark", lang)
    elif pd.notna(row["valid_to"]) and row["geo_id"] in set(pkg.mergers["old_geo_id"]):
        name += t("common.geo.old_unit_mark", lang)
    return name


def old_units(pkg: DataPackage, new_geo_id: str) -> list[str]:
    """The old provinces merged into a 2025 unit (empty for units not created by a merger)."""
    m = pkg.mergers
    return sorted(m.loc[m["new_geo_id"] == new_geo_id, "old_geo_id"])


def successor(pkg: DataPackage, old_geo_id: str) -> str | None:
    """The 2025 unit an old province was merged into, if any."""
    m = pkg.mergers
    hit = m.loc[m["old_geo_id"] == old_geo_id, "new_geo_id"]
    return None if hit.empty else str(hit.iloc[0])


def units(pkg: DataPackage, system: str) -> list[str]:
    """geo_ids of the provinces in one system: '63' (until 30 June 2025) or '34' (from 1 July 2025)."""
    geo = pkg.geography[pkg.geography["level"] == "province"]
    if system == "63":
        return sorted(geo.loc[geo["valid_from"].isna(), "geo_id"])
    if system == "34":
        return sorted(geo.loc[geo["valid_to"].isna(), "geo_id"])
    raise ParameterError("system", f"expected '63' or '34', got {system!r}")


# --------------------------------------------------------------------------------------------
# Observations and series
# --------------------------------------------------------------------------------------------

def observations_for(pkg: DataPackage, geo_id: str, indicator_id: str) -> pd.DataFrame:
    """Every observation (all vintages and sources) of one geography and indicator, with provenance.

    Adds the source's publisher, title, url, kind and ``producer`` (the source's producer, else
    'statistics_office' for the office's own releases and figures attributed to it, else the publisher),
    ``tier`` (the tier the figure is attributed to, else the publisher's) and ``released`` (the
    observation's ``published``, else its source's).
    """
    check_indicator(pkg, indicator_id)
    obs = pkg.observations
    return with_provenance(pkg, obs[(obs["geo_id"] == geo_id) & (obs["indicator_id"] == indicator_id)])


def with_provenance(pkg: DataPackage, picked: pd.DataFrame) -> pd.DataFrame:
    """Observation rows (any selection of ``pkg.observations``) with the columns the rule needs.

    See ``observations_for``; ``rank_observations`` ranks the result per (geography, year).
    """
    src = pkg.sources[["source_id", "publisher", "title", "url", "tier", "kind", "producer", "published"]].rename(
        columns={"tier": "publisher_tier", "published": "source_published"})
    out = picked.merge(src, on="source_id", how="left")
    out["tier"] = out["attributed_to"].fillna(out["publisher_tier"])
    # One statistical system per geography: the statistics office's own releases and the figures
    # attributed to it are vintages of one producer.
    office = out["tier"].where(out["tier"] == "statistics_office")
    out["producer"] = out["producer"].fillna(office).fillna(out["publisher"])
    out["released"] = out["published"].fillna(out["source_published"])
    return out.drop(columns=["_row"]).reset_index(drop=True)


def rank_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Order candidate observations best-first per year by the documented rule (see ``series``).

    ``frame`` is ``observations_for`` / ``with_provenance`` output, of one series or of many:
    candidates compete per (geography, indicator, concept, year). Adds ``rank`` (1 = best) and
    ``chosen_by`` on the winner of each year: the first rule step at which it beats the runner-up
    (``"only candidate"`` when alone; empty on the other rows).
    """
    keys = _rule_keys(frame)
    order = [col for col, _ in RULE_STEPS]
    groups = _competition(frame)
    ranked = keys.sort_values([*groups, *order], kind="mergesort")
    ranked["rank"] = ranked.groupby(groups).cumcount() + 1
    ranked["chosen_by"] = _chosen_by(ranked)
    return ranked.drop(columns=order[:-1])


def _competition(frame: pd.DataFrame) -> list[str]:
    """The columns whose values the candidates of one contest share."""
    return [c for c in ("geo_id", "indicator_id", "concept", "year") if c in frame.columns]


def _chosen_by(ranked: pd.DataFrame) -> np.ndarray:
    """Per row of ``ranked`` (sorted best-first within each contest): for a winner, the first rule step
    at which it differs from the runner-up (the next row), ``"only candidate"`` when alone; else ''."""
    rank = ranked["rank"].to_numpy()
    winner = rank == 1
    has_runner_up = winner & np.append(rank[1:] == 2, False)
    why = np.full(len(ranked), "source id (tie)", dtype=object)
    for col, words in reversed(RULE_STEPS):  # the earliest differing step is written last
        values = ranked[col].to_numpy()
        differs = np.append(values[:-1] != values[1:], False) if len(values) else np.zeros(0, dtype=bool)
        why = np.where(differs, words, why)
    return np.where(has_runner_up, why, np.where(winner, ONLY_CANDIDATE, ""))


@dataclass(frozen=True, eq=False)
class TableSnapshot:
    """Some tables of a data package as they are now, to tell later whether any has been edited.

    The copies are deep (a few hundred rows each, copied once per kept result): a shallow copy would
    share its arrays with the table, and a write through ``Series.array`` bypasses copy-on-write.
    A result derived from a package may be kept while the package ``matches`` it.
    """

    tables: tuple[tuple[str, pd.DataFrame | None], ...]

    @classmethod
    def of(cls, pkg: DataPackage, names: Sequence[str] = TABLES) -> "TableSnapshot":
        return cls(tuple((name, None if getattr(pkg, name) is None else getattr(pkg, name).copy(deep=True))
                         for name in names))

    def matches(self, pkg: DataPackage) -> bool:
        """Whether each table of ``pkg`` still equals its copy (values, labels and dtypes)."""
        for name, kept in self.tables:
            table = getattr(pkg, name)
            if (table is None) != (kept is None) or (table is not None and not table.equals(kept)):
                return False
        return True


SERIES_COLUMNS = ["year", "value", "comparator", "unit", "status", "concept", "published", "source_id", "publisher",
                  "kind", "tier", "url", "note", "derivation", "rank_out_of", "is_rounded", "n_candidates",
                  "chosen_by", "segment"]


@dataclass(frozen=True, eq=False)
class _Ranked:
    """The package's observations of some statuses, ranked, and the best of each contest."""

    candidates: pd.DataFrame  # rank_observations output, whole package
    candidates_of: dict  # (geo_id, indicator_id) -> row positions in candidates
    across_geographies: dict  # (indicator_id, concept) -> row positions in candidates
    best: pd.DataFrame  # the winners, in the columns of ``series``
    best_of: dict  # (geo_id, indicator_id, concept) -> row positions in best


@dataclass(eq=False)
class _Ranking:
    """The rankings made of a package's tables, while they are unedited."""

    snapshot: TableSnapshot  # the tables the rankings read: observations, sources, indicators
    by_statuses: dict  # statuses key -> _Ranked


# One ranking per data package object (weak keys: it goes with its package, so nothing outlives a notebook).
_RANKINGS: "weakref.WeakKeyDictionary[DataPackage, _Ranking]" = weakref.WeakKeyDictionary()


def _statuses_key(statuses: Sequence[str]) -> tuple[str, ...]:
    """``statuses`` as a sorted tuple of known statuses (ParameterError naming the first unknown one)."""
    if isinstance(statuses, str) or not all(isinstance(st, str) for st in statuses):
        raise ParameterError("statuses", f"expected a list of statuses ({', '.join(STATUS_ORDER)}), "
                                         f"got {shorten(repr(statuses))}")
    for st in statuses:
        if st not in STATUS_ORDER:
            raise ParameterError("statuses", f"unknown status {shorten(st)!r} (expected: {', '.join(STATUS_ORDER)})")
    return tuple(sorted(set(statuses)))


def _ranked(pkg: DataPackage, statuses: Sequence[str] | None) -> _Ranked:
    """The whole package ranked once per package object and ``statuses``, kept while its tables are unedited.

    Contests (geography, indicator, concept, year) are independent, so a row ranks as it would among
    its own series' candidates alone. The tables are compared with the kept copies on every call,
    so an edit of a package's tables is always seen.
    """
    key = None if statuses is None else _statuses_key(statuses)
    ranking = _RANKINGS.get(pkg)
    if ranking is None or not ranking.snapshot.matches(pkg):
        ranking = _Ranking(TableSnapshot.of(pkg, ("observations", "sources", "indicators")), {})
        _RANKINGS[pkg] = ranking
    if key not in ranking.by_statuses:
        obs = pkg.observations
        if key is not None:
            obs = obs[obs["status"].isin(list(key))]
        ranked = rank_observations(with_provenance(pkg, obs)).reset_index(drop=True)
        winner = ranked["rank"] == 1
        best = ranked[winner].copy()
        best["n_candidates"] = ranked.groupby(_competition(ranked))["rank"].transform("size")[winner].astype("Int64")
        best["published"] = best["released"]
        brk = best["indicator_id"].map(pkg.indicators.set_index("indicator_id")["series_break_year"]).astype(float)
        best["segment"] = np.where(brk.isna(), 0, best["year"] >= brk).astype(int) + method_break_segments(pkg, best)
        best["value"] = best["value"].astype(float)
        best = best.reset_index(drop=True)
        ranking.by_statuses[key] = _Ranked(ranked, ranked.groupby(["geo_id", "indicator_id"], sort=False).indices,
                                           ranked.groupby(["indicator_id", "concept"], sort=False).indices,
                                           best[SERIES_COLUMNS],
                                           best.groupby(["geo_id", "indicator_id", "concept"], sort=False).indices)
    return ranking.by_statuses[key]


def ranked_across_geographies(pkg: DataPackage, indicator_id: str, concept: str,
                              statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Every geography's candidates of one indicator and concept (restricted to ``statuses``), ranked
    per (geography, year) by the rule of ``series``: the rows with ``rank`` 1 are what ``series`` returns.
    Kept like the rankings ``series`` reads (``_ranked``)."""
    check_indicator(pkg, indicator_id)
    ranked = _ranked(pkg, statuses)
    return ranked.candidates.iloc[ranked.across_geographies.get((indicator_id, concept), [])]


def _rule_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort keys of the rule, one column per step (smaller is better)."""
    out = frame.copy()
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KIND_ORDER)}).fillna(len(KIND_ORDER))
    released = out["released"].fillna("").map(_period_start)
    # A release is superseded when its producer released the same kind of figure (plan or outcome)
    # for that year later; an undated release yields to its producer's dated ones.
    is_plan = out["status"] == "plan"
    out["_plan"] = is_plan.astype(int)
    group = [out[c] for c in _competition(out)] + [out["producer"]]
    latest = released.groupby([*group, is_plan]).transform("max")
    out["_superseded"] = (released < latest).astype(int)
    out["_attributed"] = (~out["tier"].isin(PRODUCER_TIERS)).astype(int)
    rounded = out["is_rounded"].fillna(False).astype(bool)
    # A rounded figure yields only to an unrounded one of the same producer and release ("its" highlight).
    has_exact = (~rounded).groupby([*group, released]).transform("any")
    out["_rounded"] = (rounded & has_exact).astype(int)
    out["_bound"] = out["comparator"].notna().astype(int)
    out["_release"] = released.map(_release_key)
    out["_tier"] = out["tier"].map({t: i for i, t in enumerate(TIER_ORDER)}).fillna(len(TIER_ORDER))
    out["_status"] = out["status"].map({st: i for i, st in enumerate(STATUS_ORDER)})
    return out


METHOD_BREAK_NOTE = "Method break:"  # a note starting so flags a figure as (likely) on another method


def method_breaks(pkg: DataPackage) -> pd.DataFrame:
    """The observations flagged as a (likely) method break: geo_id, indicator_id, concept, year, note.

    A figure whose ``note`` starts with ``Method break:`` (then why) is on another method than the later
    figures of its series (one geography, indicator and concept): a new segment starts after its year, so no
    trend is fitted across it (``series``' ``segment``). It stays in the data and in its segment; it is not
    corrected. E.g. the ministry's 2021 national share (11.91 %), below the statistics office's narrower 12.87 %.
    """
    obs = pkg.observations
    flagged = obs[obs["note"].fillna("").astype(str).str.startswith(METHOD_BREAK_NOTE)]
    return flagged[["geo_id", "indicator_id", "concept", "year", "note"]].drop_duplicates(
        ["geo_id", "indicator_id", "concept", "year"]).reset_index(drop=True)


def method_break_segments(pkg: DataPackage, rows: pd.DataFrame) -> np.ndarray:
    """Per row of ``rows`` (geo_id, indicator_id, concept, year): how many flagged method breaks of its series
    lie before its year (:func:`method_breaks`), added to the indicator's series-break segment."""
    out = np.zeros(len(rows), dtype=int)
    for brk in method_breaks(pkg).itertuples():
        out += ((rows["geo_id"] == brk.geo_id) & (rows["indicator_id"] == brk.indicator_id)
                & (rows["concept"] == brk.concept) & (rows["year"] > brk.year)).to_numpy(dtype=int)
    return out


def releases(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str) -> pd.DataFrame:
    """Every dated release of one series (a geography, indicator and concept; outcomes, not plans; point
    values, not bounds), with provenance and ``release_date`` (the observation's ``published``, else its
    source's, a date of lower precision at the start of its period). An undated figure cannot be placed in
    time and is left out. The vintages the back-test reads (:func:`real_time_series`, :func:`first_releases`);
    :func:`series` keeps choosing the best observation of today."""
    geo_id = resolve_geo(geo_id, pkg)
    frame = observations_for(pkg, geo_id, indicator_id)
    frame = frame[(frame["concept"] == concept) & (frame["status"] != "plan")
                  & frame["comparator"].fillna("").astype(str).eq("")]
    frame = frame.assign(release_date=frame["released"].fillna("").astype(str).map(_period_start))
    return frame[frame["release_date"] != ""].reset_index(drop=True)


def real_time_series(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str, as_of: str) -> pd.DataFrame:
    """The series as it could be read on the date ``as_of`` ('YYYY-MM-DD'): the best observation per year
    (the rule of :func:`series`) among the releases published on or before that date. Columns: year, value,
    status, source_id, release_date, segment (method breaks flagged in the data, indicator breaks)."""
    frame = releases(pkg, geo_id, indicator_id, concept)
    frame = frame[frame["release_date"] <= str(as_of)]
    columns = ["year", "value", "status", "source_id", "release_date", "segment"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    ranked = rank_observations(frame.assign(_order=np.arange(len(frame))))
    best = frame.iloc[ranked.loc[ranked["rank"] == 1, "_order"].to_numpy()].sort_values("year")
    brk = pkg.indicator(indicator_id)["series_break_year"]
    best = best.assign(segment=(0 if pd.isna(brk) else (best["year"] >= int(brk)).astype(int))
                       + method_break_segments(pkg, best), value=best["value"].astype(float))
    return best[columns].reset_index(drop=True)


def first_releases(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str) -> pd.DataFrame:
    """Per year, the value as first published and the value today: year, first_value, first_release_date,
    first_status, first_source_id, current_value, current_source_id, revision (current - first, in the
    indicator's unit), n_releases (distinct release dates). "First published" is the earliest dated release
    (the best of that date's releases by the rule); "today" is :func:`series`."""
    frame = releases(pkg, geo_id, indicator_id, concept)
    columns = ["year", "first_value", "first_release_date", "first_status", "first_source_id", "current_value",
               "current_source_id", "revision", "n_releases"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    current = series(pkg, geo_id, indicator_id, concept=concept).set_index("year")
    rows = []
    for year, group in frame.groupby("year", sort=True):
        first_date = group["release_date"].min()
        first = real_time_series(pkg, geo_id, indicator_id, concept, first_date)
        first = first[first["year"] == year].iloc[0]
        now = current.loc[year] if year in current.index else None
        rows.append({"year": int(year), "first_value": float(first["value"]), "first_release_date": first_date,
                     "first_status": first["status"], "first_source_id": first["source_id"],
                     "current_value": math.nan if now is None else float(now["value"]),
                     "current_source_id": "" if now is None else now["source_id"],
                     "revision": math.nan if now is None else float(now["value"]) - float(first["value"]),
                     "n_releases": int(group["release_date"].nunique())})
    return pd.DataFrame(rows, columns=columns)


def _period_start(date: str) -> str:
    """'2021' -> '2021-01-01', '2021-12' -> '2021-12-01': a date of lower precision is the start of its period."""
    if not date:
        return ""
    parts = date.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _release_key(date: str) -> str:
    """Sort key making newer releases smaller; unknown dates sort last."""
    if not date:
        return "~"
    return "".join(chr(ord("9") - int(ch) + ord("0")) if ch.isdigit() else ch for ch in date)


def default_concept(pkg: DataPackage, indicator_id: str, available: Iterable[str]) -> str | None:
    """The first of the indicator's declared concepts that has data."""
    present = set(available)
    for concept in pkg.indicator(indicator_id)["concepts"].split("|"):
        if concept in present:
            return concept
    return None


def series(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str | None = None,
           statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """One geography's indicator by year: the best observation per year, provenance kept.

    ``concept`` defaults to the first of the indicator's concepts that has data (definitions are
    never mixed in one series). ``statuses`` restricts the candidates (e.g. exclude 'plan').

    The best-observation rule (data/README.md) compares the candidates of a year step by step;
    the first step that separates them decides:

    0. an outcome (official, preliminary, estimate) beats a plan (a budget estimate is an intention;
       pass ``statuses=["plan"]`` for the plan series);
    1. a later revision by the same producer supersedes its earlier (and undated) releases of the
       same kind of figure (plan or outcome), whoever reposts it. The producer is
       ``sources.producer``, else the statistics office for its own releases and for figures
       ``attributed_to`` it (a paper quoting the office reports the office's figure), else the
       publisher;
    2. a point value beats a bound (``comparator`` set: "more than ..."), whatever its source: a
       bound is never used as a value;
    3. attribution: a figure attributed to a producer (``attributed_to`` the statistics office or a
       ministry) or published by one (the publisher's tier) beats an unattributed one, whatever the
       outlet;
    4. kind of publication, between figures of the same attribution: the producer's own statistical
       publication (yearbook, statistics-office release, an index's own results) > official portal >
       press > other sites;
    5. an unrounded figure beats its rounded highlight (same producer and release, ``is_rounded``);
    6. the newer release (``published`` of the observation, else of its source; unknown last);
    7. the producer's tier (``attributed_to``, else the publisher's tier);
    8. the firmer status (official > preliminary > estimate > plan);
    9. the source id, so the choice is deterministic.

    Columns: year, value, comparator, unit, status, concept, published (the release used by the
    rule), source_id, publisher, kind, tier, url, note, derivation, rank_out_of, is_rounded,
    n_candidates, chosen_by (the step that chose the row, or "only candidate"), segment.
    ``comparator`` is empty for a point value and '>', '>=', '<' or '<=' when the only figure is a
    bound: never treat such a row as a point value. ``segment`` increases at each known series
    break (indicator ``series_break_year``, or after a figure flagged as a likely method break of its series,
    :func:`method_breaks`): fit no trend across segments.
    """
    geo_id = resolve_geo(geo_id, pkg)
    check_indicator(pkg, indicator_id)
    ranked = _ranked(pkg, statuses)
    if concept is None:
        concept = default_concept(pkg, indicator_id, ranked.candidates["concept"].iloc[
            ranked.candidates_of.get((geo_id, indicator_id), [])])
    elif concept not in pkg.indicator(indicator_id)["concepts"].split("|"):
        raise ParameterError("concept", f"{concept!r} is not a concept of {indicator_id} "
                                        f"({pkg.indicator(indicator_id)['concepts']})")
    rows = ranked.best_of.get((geo_id, indicator_id, concept))
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SERIES_COLUMNS})
    return ranked.best.iloc[rows].reset_index(drop=True)


def audit(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str | None = None) -> pd.DataFrame:
    """Every candidate observation per (concept, year), ranked by the rule of ``series``, with why.

    One row per observation: concept, year, rank (1 = the one ``series`` returns), value,
    comparator, status, released, source_id, kind, attributed_to (the producer the source attributes
    the figure to, if any), producer, tier, is_rounded, chosen (bool) and
    ``why``: for the winner the step that chose it, for the others the step at which they lost to
    the winner. ``concept`` restricts to one definition (default: all, each ranked separately).
    """
    geo_id = resolve_geo(geo_id, pkg)
    cands = observations_for(pkg, geo_id, indicator_id)
    if concept is not None:
        cands = cands[cands["concept"] == concept]
    columns = ["concept", "year", "rank", "value", "comparator", "status", "released", "source_id", "kind",
               "attributed_to", "producer", "tier", "is_rounded", "chosen", "why"]
    frames = []
    for _, group in cands.groupby("concept", sort=True):
        keyed = _rule_keys(group)
        ranked = rank_observations(group)
        ranked["chosen"] = ranked["rank"] == 1
        why = []
        for index, row in ranked.iterrows():
            if row["chosen"]:
                why.append(row["chosen_by"])
                continue
            winner = ranked[(ranked["year"] == row["year"]) & ranked["chosen"]].index[0]
            step = next((words for col, words in RULE_STEPS if keyed.loc[index, col] != keyed.loc[winner, col]),
                        "source id (tie)")
            why.append(f"lost on: {step}")
        ranked["why"] = why
        frames.append(ranked)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(frames).sort_values(["concept", "year", "rank"], kind="mergesort")
    out["value"] = out["value"].astype(float)
    return out[columns].reset_index(drop=True)


_STATUS_WEAKEST = {s: i for i, s in enumerate(STATUS_ORDER)}


def merged_series(pkg: DataPackage, new_geo_id: str, indicator_id: str, concept: str | None = None,
                  statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Boundary-consistent series for a unit created by the 2025 merger.

    For each year, ``value_sum`` is the sum of the old units' best observations when the
    indicator is additive and every old unit reports that year on the same concept; a ratio
    (e.g. a share) is recomputed from its additive numerator and denominator, never averaged.
    Otherwise ``value_sum`` is missing and ``reason`` says why. ``value_published`` is the new
    unit's own best observation (e.g. a published 2024 aggregate). ``value`` is the computed sum
    for years before the merger when available (boundary-consistent with the old units' series),
    else the published value; ``basis`` says which. ``growth_pct`` is the change of ``value`` on the
    previous listed year (% a year) only when both years are consecutive and on the same basis: across a
    change of basis it is missing and ``reason`` says so (the sum of the old units and the new
    unit's published aggregate are different measurements).
    """
    new_geo_id = resolve_geo(new_geo_id, pkg)
    parts = old_units(pkg, new_geo_id)
    meta = pkg.indicator(indicator_id)
    own = series(pkg, new_geo_id, indicator_id, concept, statuses)
    if concept is None and not own.empty:
        concept = own["concept"].iloc[0]
    rows = {}
    if parts:
        if meta["is_additive"]:
            rows = _sum_parts(pkg, parts, indicator_id, concept, statuses)
        elif pd.notna(meta["numerator_id"]) and pd.notna(meta["denominator_id"]):
            num = _sum_parts(pkg, parts, meta["numerator_id"], concept, statuses)
            den = _sum_parts(pkg, parts, meta["denominator_id"], None, statuses)
            for year in sorted(set(num) | set(den)):
                n, d = num.get(year), den.get(year)
                if n and d and n["value"] is not None and d["value"] not in (None, 0):
                    rows[year] = {"value": 100.0 * n["value"] / d["value"], "status": _weaker(n["status"], d["status"]),
                                  "sources": n["sources"] + ";" + d["sources"], "reason": ""}
                else:
                    missing = (n or {}).get("reason") or (d or {}).get("reason") or "parts missing"
                    rows[year] = {"value": None, "status": None, "sources": "",
                                  "reason": f"share combined only through its parts "
                                            f"({meta['numerator_id']} / {meta['denominator_id']}): {missing}"}
            if not rows:
                rows = {None: {"reason": f"share combined only through its parts ({meta['numerator_id']} / "
                                         f"{meta['denominator_id']}), which the old units do not report"}}
        else:
            rows = {None: {"reason": f"{indicator_id} is not additive and has no additive parts: "
                                     "it cannot be combined across the merged provinces"}}
    years = sorted({y for y in rows if y is not None} | set(own["year"].astype(int)))
    general_reason = rows.get(None, {}).get("reason", "")
    out = []
    for year in years:
        computed = rows.get(year, {})
        published = own[own["year"] == year]
        value_sum = computed.get("value")
        value_pub = float(published["value"].iloc[0]) if not published.empty else None
        use_sum = value_sum is not None and (year < MERGER_YEAR or value_pub is None)
        out.append({
            "year": year,
            "value": value_sum if use_sum else value_pub,
            "basis": "sum of old units" if use_sum else ("published for the new unit" if value_pub is not None else ""),
            "value_sum": value_sum,
            "value_published": value_pub,
            "status": computed.get("status") if use_sum else (published["status"].iloc[0] if not published.empty else None),
            "sources": computed.get("sources", "") if use_sum else (published["source_id"].iloc[0] if not published.empty else ""),
            "reason": computed.get("reason") or ("" if year in rows else general_reason),
        })
    frame = pd.DataFrame(out, columns=["year", "value", "basis", "value_sum", "value_published", "status",
                                       "sources", "reason"])
    for col in ("value", "value_sum", "value_published"):
        frame[col] = frame[col].astype(float)
    _growth_on_one_basis(frame)
    frame.attrs["components"] = parts
    frame.attrs["reason"] = general_reason
    return frame


def _growth_on_one_basis(frame: pd.DataFrame) -> None:
    """Add ``growth_pct`` between consecutive years of one basis; name a change of basis in ``reason``."""
    growth = [np.nan] * len(frame)
    for i in range(1, len(frame)):
        prev, cur = frame.iloc[i - 1], frame.iloc[i]
        if cur["year"] != prev["year"] + 1 or pd.isna(cur["value"]) or pd.isna(prev["value"]) or not prev["value"]:
            continue
        if cur["basis"] != prev["basis"]:
            note = (f"basis changes from {prev['basis']} ({int(prev['year'])}) to {cur['basis']} ({int(cur['year'])}): "
                    "growth across the change is not computed")
            frame.iloc[i, frame.columns.get_loc("reason")] = "; ".join(x for x in (cur["reason"], note) if x)
            continue
        growth[i] = 100.0 * (cur["value"] / prev["value"] - 1.0)
    frame.insert(frame.columns.get_loc("basis") + 1, "growth_pct", pd.Series(growth, index=frame.index, dtype=float))


def _weaker(a: str, b: str) -> str:
    return a if _STATUS_WEAKEST[a] >= _STATUS_WEAKEST[b] else b


def _sum_parts(pkg: DataPackage, parts: list[str], indicator_id: str, concept: str | None,
               statuses) -> dict[int, dict]:
    per_part = {p: series(pkg, p, indicator_id, concept, statuses) for p in parts}
    concepts = {s["concept"].iloc[0] for s in per_part.values() if not s.empty}
    years = sorted({int(y) for s in per_part.values() for y in s["year"]})
    result = {}
    for year in years:
        values, statuses_seen, sources, missing = [], [], [], []
        for part, s in per_part.items():
            hit = s[s["year"] == year]
            if hit.empty:
                missing.append(part)
            else:
                values.append(float(hit["value"].iloc[0]))
                statuses_seen.append(hit["status"].iloc[0])
                sources.append(hit["source_id"].iloc[0])
        if missing:
            result[year] = {"value": None, "status": None, "sources": "",
                            "reason": f"{indicator_id} {year} missing for {', '.join(missing)}"}
        elif len(concepts) > 1:
            result[year] = {"value": None, "status": None, "sources": "",
                            "reason": f"old units report different concepts ({', '.join(sorted(concepts))})"}
        else:
            weakest = max(statuses_seen, key=_STATUS_WEAKEST.get)
            result[year] = {"value": float(np.sum(values)), "status": weakest, "sources": ";".join(sources),
                            "reason": ""}
    return result


# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------

def coverage_summary(pkg: DataPackage) -> pd.DataFrame:
    """Per geography and indicator: observation count, years covered, concepts, number of sources and their ids."""
    obs = pkg.observations
    grouped = obs.groupby(["geo_id", "indicator_id"], sort=True)
    out = grouped.agg(n_obs=("value", "size"), first_year=("year", "min"), last_year=("year", "max"),
                      n_years=("year", "nunique"),
                      concepts=("concept", lambda s: "|".join(sorted(set(s)))),
                      n_sources=("source_id", "nunique"),
                      sources=("source_id", lambda s: ";".join(sorted(set(s)))))
    return out.reset_index()


COVERAGE_YEARS = range(2019, 2026)


def coverage_matrix(pkg: DataPackage, years: Iterable[int] = COVERAGE_YEARS,
                    geos: Sequence[str] | None = None) -> pd.DataFrame:
    """The unit x indicator x year matrix of the 34 units of 1 July 2025 and the nation (or ``geos``).

    One row per (geo_id, indicator_id, year) for every indicator with an observation of these
    units or their old provinces in ``years``: ``n_obs`` the unit's own observations (every
    concept, status and vintage), ``n_points`` how many of them are point values (not bounds),
    ``n_old`` and ``n_old_with_data`` its old provinces (a unit created by the merger) and how many
    of them have a point value that year, and ``basis``: 'own' (a point value of its own), 'own
    bound' (only a "more than ..." bound of its own), 'old units' (none of its own, but every old
    province has a point value, as ``merged_series`` sums them), 'some old units' or '' (nothing).
    """
    years = sorted({int(y) for y in years})
    if geos is None:
        geos = [config.NATION, *units(pkg, "34")]
    olds = {g: old_units(pkg, g) for g in geos}
    obs = pkg.observations[pkg.observations["year"].isin(years)]
    counts = obs.groupby(["geo_id", "indicator_id", "year"]).size()
    points = obs[obs["comparator"].isna()].groupby(["geo_id", "indicator_id", "year"]).size()
    wanted = set(geos) | {o for parts in olds.values() for o in parts}
    indicators = sorted(set(obs.loc[obs["geo_id"].isin(wanted), "indicator_id"]))
    rows = []
    for ind in indicators:
        for geo in geos:
            for year in years:
                own = int(counts.get((geo, ind, year), 0))
                own_points = int(points.get((geo, ind, year), 0))
                parts = olds[geo]
                with_data = sum(points.get((o, ind, year), 0) > 0 for o in parts)
                basis = ("own" if own_points else "own bound" if own
                         else "old units" if parts and with_data == len(parts)
                         else "some old units" if with_data else "")
                rows.append((geo, ind, year, own, own_points, len(parts), with_data, basis))
    return pd.DataFrame(rows, columns=["geo_id", "indicator_id", "year", "n_obs", "n_points", "n_old",
                                       "n_old_with_data", "basis"])


def coverage_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and year of a ``coverage_matrix``: the units with a point value of their own; in
    brackets how many more are covered by every one of their old provinces ("12 (+20)"), and after a
    slash how many more have only a bound of their own ("12 (+20) /3b"), out of the units of the matrix."""
    n_units = matrix["geo_id"].nunique()
    by = [matrix["indicator_id"], matrix["year"]]
    table = pd.DataFrame({"own": (matrix["basis"] == "own").groupby(by).sum(),
                          "old": (matrix["basis"] == "old units").groupby(by).sum(),
                          "bound": (matrix["basis"] == "own bound").groupby(by).sum()}).reset_index()
    table["cell"] = [f"{a}" + (f" (+{b})" if b else "") + (f" /{c}b" if c else "")
                     for a, b, c in zip(table["own"], table["old"], table["bound"])]
    out = table.pivot(index="indicator_id", columns="year", values="cell")
    out.columns = [str(c) for c in out.columns]
    out.index.name = f"indicator (units of {n_units})"
    return out


def target_coverage(pkg: DataPackage, geos: Sequence[str] | None = None) -> dict[str, int]:
    """How many of ``geos`` (default: the nation and the 34 units) have targets of their own: any
    target, and a digital-economy share target (``de_share_pct``)."""
    geos = set(geos if geos is not None else [config.NATION, *units(pkg, "34")])
    tg = pkg.targets[pkg.targets["geo_id"].isin(geos)]
    return {"any": int(tg["geo_id"].nunique()),
            "de_share_pct": int(tg.loc[tg["indicator_id"] == "de_share_pct", "geo_id"].nunique())}


def label(kind: str, key: str, lang: str, pkg: DataPackage | None = None, default: str | None = None) -> str:
    """The reader-facing label of a code in ``lang`` (``labels.csv``): e.g. ``label("status", "plan", "vi")``.

    Returns ``default`` for a code without a label when one is given; otherwise raises KeyError.
    """
    from .errors import check_choice

    check_choice("lang", lang, ("en", "vi"))
    labels = (pkg or shared_package()).labels
    rows = labels[(labels["kind"] == kind) & (labels["key"] == key)] if labels is not None else labels
    if rows is None or rows.empty:
        if default is not None:
            return default
        raise KeyError(f"no {kind} label for {key!r} in labels.csv")
    return str(rows.iloc[0][f"label_{lang}"])


# --------------------------------------------------------------------------------------------
# Vietnamese data texts (issue 27)
# --------------------------------------------------------------------------------------------

# The column a Vietnamese report shows for each English data text a report can show.
VI_TEXT_COLUMNS = {
    "sources": {"title": "title_vi", "publisher": "publisher_vi"},
    "targets": {"instrument": "instrument_vi", "note": "note_vi", "unverified_reason": "unverified_reason_vi"},
    "observations": {"note": "note_vi"},
}
_VI_TEXTS: "weakref.WeakKeyDictionary[DataPackage, dict]" = weakref.WeakKeyDictionary()


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_vietnamese_texts(tables: dict[str, pd.DataFrame]) -> None:
    """A shipped row whose English text a report can show has its Vietnamese text (data/README.md)."""
    for name, columns in VI_TEXT_COLUMNS.items():
        frame = tables[name]
        for english, vietnamese in columns.items():
            if vietnamese not in frame.columns:
                continue
            missing = frame[frame[english].map(_filled) & ~frame[vietnamese].map(_filled)]
            if not missing.empty:
                row = missing.iloc[0]
                raise DataError(row["_file"], f"{vietnamese} is empty but {english} is not: a Vietnamese report "
                                              f"shows this text; write it in Vietnamese (data/README.md)",
                                row=int(row["_row"]), column=vietnamese)


def _is_description(title: str) -> bool:
    """A Vietnamese title that describes its source in square brackets (or names a file and describes it) rather
    than giving or translating its title."""
    return title.startswith("[") or re.match(r"^[\w./-]+ \[", title) is not None


def _vi_texts(pkg: DataPackage) -> dict[str, dict[str, str]]:
    """{English column: {English text: the text a Vietnamese report shows}}, made once per package.

    A source title keeps its own words where the source is Vietnamese (the original title, or a description in
    square brackets); another language's title is shown as a translation, labelled so."""
    texts = _VI_TEXTS.get(pkg)
    if texts is None:
        texts = {}
        for name, columns in VI_TEXT_COLUMNS.items():
            frame = getattr(pkg, name)
            for english, vietnamese in columns.items():
                if vietnamese not in frame.columns:
                    continue
                pairs = texts.setdefault(english, {})
                language = frame["language"] if "language" in frame.columns else pd.Series("vi", index=frame.index)
                for en, vi, lang in zip(frame[english], frame[vietnamese], language):
                    if not _filled(en):
                        continue
                    if not _filled(vi):  # a researcher's row: known, shown with the fallback (text_in)
                        pairs.setdefault(str(en), "")
                        continue
                    if english == "title" and lang != "vi" and not _is_description(vi):
                        vi = t("data_text.translated_title", "vi", title=vi)
                    if not pairs.get(str(en)):
                        pairs[str(en)] = vi
        _VI_TEXTS[pkg] = texts
    return texts


def text_in(pkg: DataPackage | None, column: str, english, lang: str):
    """The data text ``english`` of ``column`` (a source's ``title`` or ``publisher``, a target's
    ``instrument`` or ``unverified_reason``, a target's or observation's ``note``) in ``lang``.

    English: unchanged. Vietnamese: the row's ``_vi`` text. A researcher's own file may leave it empty
    (the shipped rows cannot: ``_check_vietnamese_texts``): a title or publisher is then shown as written (a
    name), any other text in its English words, labelled as such."""
    if lang != "vi" or not _filled(english):
        return english
    vi = _vi_texts(pkg if pkg is not None else shared_package()).get(column, {}).get(str(english))
    if vi:
        return vi
    if column in ("title", "publisher"):
        return english
    return t("data_text.untranslated", "vi", text=str(english).rstrip(". "))


def data_names(column: str, english, pkg: DataPackage | None = None):
    """A data text in both languages for a phrase (``text.Names``): the English text and what a Vietnamese
    report shows (``text_in``; ``pkg`` None: the shared package). Not text: returned as it is."""
    from .text import names

    if not _filled(english):
        return english
    return names(en=str(english), vi=text_in(pkg, column, english, "vi"))


def texts_in(pkg: DataPackage | None, frame: pd.DataFrame, lang: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``frame`` with its data-text columns (``title``, ``publisher``, ``instrument``, ``note``,
    ``unverified_reason``, and those named in ``columns`` as ``{shown column: data column}``) in ``lang``."""
    if lang != "vi":
        return frame
    out = frame.copy()
    mapping = dict(columns or {c: c for c in ("title", "publisher", "instrument", "note", "unverified_reason")})
    known = _vi_texts(pkg if pkg is not None else shared_package())
    for shown, column in mapping.items():
        if shown in out.columns:  # only the data's own texts: a note the project wrote is already in the language
            out[shown] = [text_in(pkg, column, v, lang) if isinstance(v, str) and v in known.get(column, {}) else v
                          for v in out[shown]]
    return out


def as_of_year(pkg: DataPackage) -> int:
    """The year the data speak for: that of the newest publication date among the observations.

    A target whose year is not after it has passed: it is assessed on the data, not projected.
    """
    published = pkg.observations["published"].dropna().astype(str)
    return int(max(p[:4] for p in published))
