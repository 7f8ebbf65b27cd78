"""Load the data package with its provenance and validate it as a whole.

- ``load_package()`` -> ``DataPackage`` with typed DataFrames (observations, sources, indicators,
  targets, geography, mergers, labels), each file checked by ``data_files``, the tables checked against
  each other, and merged with any researcher-supplied observations (environment ``NQ57_EXTRA_*``).
- ``shared_package()`` the cached, read-only package; ``data_checksum()``, ``rehash()``.

Questions about the loaded package live beside it: ``geography`` (names, ids, the 2025 mergers),
``series_ranking`` (which observation a series shows), ``data_texts`` (labels and Vietnamese data texts),
``coverage`` (what the package covers).
"""

from __future__ import annotations

import difflib
import dataclasses
import functools
import json
import os
import re
import weakref
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from . import config
from .text import t
from .errors import DataError
from .provenance import sha256_file
from .data_files import read_descriptor, read_table, table_resource, verify_hash


TABLES = ("geography", "mergers", "sources", "indicators", "observations", "targets", "labels")


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
    if not _AS_LOADED[cached].matches(cached):  # written into (an array made writable again): read anew
        _load_cached.cache_clear()
        cached = shared_package(root, extra_observations=extra_observations, extra_sources=extra_sources,
                                 use_env=use_env)
    # Copy-on-write (pandas 3) makes a shallow copy independent: an edit on either side copies first.
    copy = dataclasses.replace(cached, **{f.name: getattr(cached, f.name).copy(deep=False)
                                          for f in dataclasses.fields(cached)
                                          if isinstance(getattr(cached, f.name), pd.DataFrame)})
    _COPIED_FROM[copy] = cached
    return copy


# Each package load_package handed out -> the cached package it copied (weak keys: it goes with the copy).
_COPIED_FROM: "weakref.WeakKeyDictionary[DataPackage, DataPackage]" = weakref.WeakKeyDictionary()


def copied_from(pkg: DataPackage) -> DataPackage | None:
    """The cached package ``pkg`` was copied from by ``load_package`` (None for any other package).

    The copy may have been edited since: a result kept for the cached package applies to the copy only
    while the copy's tables equal what the result was made from (``series_ranking`` checks)."""
    return _COPIED_FROM.get(pkg)


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
        resource = table_resource(descriptor, name)
        path = root_path / resource["path"]
        if path.is_file():
            verify_hash(path, resource)
        tables[name] = read_table(path, resource)
    _check_vietnamese_texts(tables)  # the shipped rows only: a researcher's file may leave them empty
    for kind, files in (("sources", extra_src), ("observations", extra_obs)):
        resource = table_resource(descriptor, kind)
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
    pkg = DataPackage(**tables, version=str(descriptor.get("version", "")),
                      checksum=data_checksum(root_path, extra_obs + extra_src), extra_files=extra_obs + extra_src)
    _AS_LOADED[pkg] = TableSnapshot.of(pkg)
    return pkg


# The cached packages' tables as read: read-only, yet a notebook can make an array writable again (``setflags``)
# and write into it; ``load_package`` then reads the files again, so no later notebook (nor the next notebook of a
# warm kernel) gets the edit.
_AS_LOADED: "weakref.WeakKeyDictionary[DataPackage, TableSnapshot]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True, eq=False)
class TableSnapshot:
    """Some tables of a data package as they are now, to tell later whether any has been edited.

    Each table is copied deep (a few hundred rows, once per kept result): a shallow copy would share its
    arrays with the table, and a write through ``Series.array`` bypasses copy-on-write. A table then matches
    its copy when its column blocks hold the same bytes (a CRC-32 of each array: numbers as stored, texts as
    the addresses of their string objects, which the deep copy keeps alive, so an address cannot be reused
    for another string) and its labels are equal: a scan of memory, not a comparison value by value, so the
    cost barely grows with the tables (issue 26). A table the checksums do not vouch for is compared with
    its copy value by value (``DataFrame.equals``). A result derived from a package may be kept while the
    package ``matches`` it.
    """

    tables: tuple[tuple[str, pd.DataFrame | None], ...]
    layouts: tuple[tuple | None, ...]  # per table: its blocks' columns, dtypes and checksums when taken

    @classmethod
    def of(cls, pkg: DataPackage, names: Sequence[str] = TABLES) -> "TableSnapshot":
        tables = tuple((name, None if getattr(pkg, name) is None else getattr(pkg, name).copy(deep=True))
                       for name in names)
        return cls(tables, tuple(_block_layout(getattr(pkg, name)) for name in names))

    def matches(self, pkg: DataPackage) -> bool:
        """Whether each table of ``pkg`` still equals its copy (values, labels and dtypes)."""
        for (name, kept), layout in zip(self.tables, self.layouts, strict=True):
            table = getattr(pkg, name)
            if (table is None) != (kept is None):
                return False
            if table is None or (layout is not None and _block_layout(table) == layout
                                 and all(axis.equals(other) for axis, other in zip(table.axes, kept.axes))):
                continue  # the same bytes in the same columns, the same labels
            if not table.equals(kept):
                return False
        return True


def _block_layout(table: pd.DataFrame | None) -> tuple | None:
    """Per column block of ``table``: its columns, dtype, and the shape, strides and CRC-32 of each array
    holding its values (None for a table with a block of another kind, e.g. Arrow-backed)."""
    if table is None:
        return None
    layout = []
    for block in table._mgr.blocks:
        values = block.values
        buffers = [values] if isinstance(values, np.ndarray) else \
            [b for b in (getattr(values, n, None) for n in ("_ndarray", "_data", "_mask")) if isinstance(b, np.ndarray)]
        if not buffers:
            return None
        layout.append((tuple(block.mgr_locs.as_array.tolist()), str(values.dtype),
                       tuple((b.shape, b.dtype.str, _crc32(b)) for b in buffers)))
    return tuple(layout)


def _crc32(array: np.ndarray) -> int:
    """CRC-32 of an array's bytes as stored (an object array's: the addresses of its objects)."""
    array = np.ascontiguousarray(array)
    return zlib.crc32(memoryview(array).cast("B") if array.dtype.hasobject else array.reshape(-1).view(np.uint8))


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


def check_indicator(pkg: DataPackage, indicator_id: str, *, name: str = "indicator") -> str:
    """Return ``indicator_id`` if known, else raise ParameterError with a suggestion."""
    from .errors import check_choice

    return check_choice(name, indicator_id, list(pkg.indicators["indicator_id"]))


# --------------------------------------------------------------------------------------------
# Vietnamese data texts (issue 27)
# --------------------------------------------------------------------------------------------

# The column a Vietnamese report shows for each English data text a report can show.
VI_TEXT_COLUMNS = {
    "sources": {"title": "title_vi", "publisher": "publisher_vi"},
    "targets": {"instrument": "instrument_vi", "note": "note_vi", "unverified_reason": "unverified_reason_vi"},
    "observations": {"note": "note_vi"},
}


def filled_text(value) -> bool:
    """Whether a data text cell holds words (not empty, not only spaces, not missing)."""
    return isinstance(value, str) and bool(value.strip())


def _check_vietnamese_texts(tables: dict[str, pd.DataFrame]) -> None:
    """A shipped row whose English text a report can show has its Vietnamese text (data/README.md)."""
    for name, columns in VI_TEXT_COLUMNS.items():
        frame = tables[name]
        for english, vietnamese in columns.items():
            if vietnamese not in frame.columns:
                continue
            missing = frame[frame[english].map(filled_text) & ~frame[vietnamese].map(filled_text)]
            if not missing.empty:
                row = missing.iloc[0]
                raise DataError(row["_file"], f"{vietnamese} is empty but {english} is not: a Vietnamese report "
                                              f"shows this text; write it in Vietnamese (data/README.md)",
                                row=int(row["_row"]), column=vietnamese)


def as_of_year(pkg: DataPackage) -> int:
    """The year the data speak for: that of the newest publication date among the observations.

    A target whose year is not after it has passed: it is assessed on the data, not projected.
    """
    published = pkg.observations["published"].dropna().astype(str)
    return int(max(p[:4] for p in published))
