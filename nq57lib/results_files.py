"""The files a notebook's results are written to: ``results.json`` and one CSV per table, deterministic
(sorted keys, rounded floats, no timestamps), plus the atomic writes and the lock every run output uses.

Every file is written atomically (a temporary file in the same folder, then ``os.replace``), so
a run killed at any moment never leaves a half-written file at a path where a finished one is
expected. The results schema is documented in ``reports/README.md``.

Heavy libraries (pandas) are imported inside the functions that need them: the runner imports this
module before any notebook runs, and a notebook imports it for ``save_results``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterator

from .errors import OutputError, ParameterError


RESULTS_SCHEMA = "nq57-results/1"
RESULTS_JSON = "results.json"
FLOAT_DIGITS = 12  # significant digits of every float in results: stable text, far below data precision
_TABLE_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")

# ---------------------------------------------------------------------------------------------
# Atomic writes


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Readers see either the old file or the complete new one, never a prefix; if the process dies
    before the rename, only a hidden ``.<name>.*.tmp`` file is left, never the final path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)  # NamedTemporaryFile creates 0600; reports are meant to be shared
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """``atomic_write_bytes`` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def dumps_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


@contextlib.contextmanager
def locked(lock_path: str | Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if needed) for the ``with`` block."""
    lock_path = Path(lock_path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")
    except OSError as exc:
        raise OutputError(lock_path, f"cannot take the lock ({exc.strerror or exc}); is the folder writable?") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------
# Provenance


def data_vintage() -> dict[str, Any]:
    """Version and checksum of the data the notebooks read, as recorded in every output.

    Taken from the loaded package, so researcher-supplied observation files (environment
    variables ``NQ57_EXTRA_*``) are part of the checksum and listed by name.
    """
    from .data_package import load_package  # lazy: nq57lib.data_package imports pandas; the load is cached

    package = load_package()
    return {"version": package.version, "checksum": package.checksum,
            "extra_files": [Path(p).name for p in package.extra_files]}


def package_version() -> str:
    from . import __version__

    return __version__


# ---------------------------------------------------------------------------------------------
# Machine-readable results


def save_results(P: Mapping[str, Any], tables: Mapping[str, Any] | None = None,
                 scalars: Mapping[str, Any] | None = None) -> None:
    """Write a notebook's results into ``P.output_dir``: ``results.json`` plus one CSV per table.

    ``P`` is the ``Parameters`` from ``validate_parameters``; ``tables`` maps a name (lower-case
    slug, it becomes ``<name>.csv``) to a pandas DataFrame; ``scalars`` maps names to numbers,
    strings, booleans, None, or lists/dicts of them (numpy scalars are converted; NaN becomes
    null). The files are deterministic: sorted keys, floats to ``FLOAT_DIGITS`` significant
    digits, no timestamps, so the same parameters and seed give byte-identical files. Returns
    None, so a notebook's last line ``save_results(...)`` shows nothing in the report.
    Schema: ``reports/README.md``.
    """
    from .params import default_output_dir

    csv_texts, table_meta = {}, {}
    for name in sorted(tables or {}):
        if not isinstance(name, str) or not _TABLE_NAME.match(name) or name == "results":
            raise ParameterError("tables", f"table name {name!r} must be a lower-case slug other than 'results'")
        frame = _tidy_frame(name, tables[name])
        csv_texts[name] = frame.to_csv(index=False, float_format=f"%.{FLOAT_DIGITS}g", lineterminator="\n")
        table_meta[name] = {
            "path": f"{name}.csv",
            "columns": [str(c) for c in frame.columns],
            "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
            "n_rows": int(len(frame)),
        }
    document = {
        "schema": RESULTS_SCHEMA,
        "notebook": getattr(P, "notebook", ""),
        "parameters": {k: plain_value(k, v) for k, v in P.items() if k != "output_dir"},
        "nq57lib_version": package_version(),
        "data": data_vintage(),
        "scalars": {str(k): plain_value(str(k), v) for k, v in (scalars or {}).items()},
        "tables": table_meta,
    }
    text = dumps_json(document)  # everything is checked before the first file is written
    out_dir = Path(P["output_dir"]) if P["output_dir"] else default_output_dir(P)
    for name, csv_text in csv_texts.items():
        atomic_write_text(out_dir / f"{name}.csv", csv_text)
    atomic_write_text(out_dir / RESULTS_JSON, text)


def _tidy_frame(name: str, frame: Any) -> Any:
    """The frame as written: a named index (e.g. ``geo_id``) becomes columns, an unnamed one is dropped."""
    if not hasattr(frame, "to_csv") or not hasattr(frame, "columns"):
        raise ParameterError("tables", f"table {name!r} must be a pandas DataFrame, got {type(frame).__name__}")
    if any(level is not None for level in frame.index.names):
        frame = frame.reset_index()
    return frame


def plain_value(name: str, value: Any) -> Any:
    """``value`` as plain JSON data with floats rounded to ``FLOAT_DIGITS`` significant digits."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy scalar
        return plain_value(name, value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ParameterError("scalars", f"{name!r} is infinite; results must be finite")
        return float(f"{value:.{FLOAT_DIGITS}g}")
    if isinstance(value, Mapping):
        return {str(k): plain_value(f"{name}.{k}", v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_value(f"{name}[{i}]", v) for i, v in enumerate(value)]
    raise ParameterError("scalars", f"{name!r} has type {type(value).__name__}; use numbers, text, lists or dicts")
