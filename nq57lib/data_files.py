"""Read one table file of the data package (CSV or Excel) and check it against its schema.

The single source of truth for every table's columns, types and constraints is
``data/datapackage.json`` (a Frictionless data package). This module builds its pandera schemas
from that descriptor, so ``frictionless validate`` and ``data_package.load_package`` enforce the same rules.
A file is refused before it is parsed when it is too large, not UTF-8, or holds formulas, markup or
invisible characters.

Row numbers in errors count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataError, shorten
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


def read_descriptor(root: Path | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of ``root`` (default: the shipped ``data/``)."""
    path = Path(root or config.DATA_DIR) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path, f"not valid UTF-8 JSON ({exc})") from None


def table_resource(descriptor: dict, name: str) -> dict:
    """The resource (path, schema, hash) of the table ``name`` in ``datapackage.json``."""
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


def verify_hash(path: Path, resource: dict) -> None:
    """Refuse a shipped file whose contents differ from the sha256 recorded in ``datapackage.json``."""
    expected = resource.get("hash")
    if not expected:
        return
    algorithm, _, digest = expected.partition(":")
    if algorithm != "sha256":
        raise DataError(path, f"unsupported hash {expected!r} in datapackage.json (use sha256:<hex>)")
    if sha256_file(path) != digest:
        raise DataError(path, "contents do not match the sha256 checksum in datapackage.json; if you edited "
                              "the file on purpose, run `nq57 data --rehash`")
