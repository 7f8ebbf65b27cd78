"""Parameter specs: one notebook parameter's type, default, help line and bounds, and the checks a value meets.

The specs of every report notebook are in ``nq57lib.registry``; ``nq57lib.params`` validates a run's values
against them. This module sits below both, so the registry and the parameter machinery never import each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import config
from .errors import ParameterError, check_choice, check_int, check_number, shorten

# How a string parameter is checked. Values that end up in file or folder names must be plain names.
TEXT = "text"            # free text shown in a report: no markup, no control characters
CHOICE = "choice"        # one of ``choices``
GEO = "geo"              # a geography, resolved to its canonical id (with a "did you mean")
GEO_OR_EMPTY = "geo_or_empty"  # a geography, or "" for "let the engine choose"
PATH = "path"            # a folder on disk (``output_dir``): no NUL or line breaks
STRING_KINDS = (TEXT, CHOICE, GEO, GEO_OR_EMPTY, PATH)

_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_MAX_TEXT = 200


@dataclass(frozen=True)
class ParamSpec:
    """One notebook parameter: its type, default, help line and the bounds or choices it must meet.

    ``low``/``high`` bound numbers (``low_open``/``high_open`` make a bound strict); ``after`` names
    another parameter this one must be strictly greater than (the end year after the start year),
    ``not_before`` one it must not be smaller than (a ramp year not before the start year).
    ``kind`` says how a ``str`` parameter is checked (see the module constants).
    """

    name: str
    type: type
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] | None = None
    kind: str = TEXT
    after: str | None = None
    not_before: str | None = None

    def __post_init__(self):
        """Catch mistakes in a spec when it is written, not when a notebook runs."""
        if self.type not in (bool, int, float, str) or (self.type is str and self.kind not in STRING_KINDS):
            raise ValueError(f"ParamSpec {self.name!r}: type must be bool, int, float or str (with a known kind)")
        if self.kind == CHOICE and not self.choices:
            raise ValueError(f"ParamSpec {self.name!r}: a choice needs its choices")
        # papermill --help-notebook skips a parameters-cell line holding more than one '='.
        if "=" in self.help or "\n" in self.help or (isinstance(self.default, str) and "=" in self.default):
            raise ValueError(f"ParamSpec {self.name!r}: help and default must not contain '=' or a line break")

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ``ParameterError``."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise ParameterError(self.name, f"expected True or False, got {type(value).__name__} {shorten(value)!r}")
            return value
        if self.type is int:
            return check_int(self.name, value, low=_as_int(self.low), high=_as_int(self.high))
        if self.type is float:
            return check_number(self.name, value, low=self.low, high=self.high,
                                low_open=self.low_open, high_open=self.high_open)
        return self._check_str(value)

    def _check_str(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ParameterError(self.name, f"expected a string, got {type(value).__name__} {shorten(value)!r}")
        if "\x00" in value:
            raise ParameterError(self.name, "must not contain a NUL character")
        if self.kind == PATH:
            if "\n" in value or "\r" in value:
                raise ParameterError(self.name, "must not contain a line break")
            return check_output_dir(self.name, value)
        if any(ord(ch) < 32 for ch in value):
            raise ParameterError(self.name, "must not contain control characters")
        if len(value) > _MAX_TEXT:
            raise ParameterError(self.name, f"must be at most {_MAX_TEXT} characters, got {len(value)}")
        if self.kind == TEXT:
            if "<" in value or ">" in value:
                raise ParameterError(self.name, "must not contain '<' or '>' (no markup in report text)")
            return value
        if self.kind == CHOICE:
            return check_choice(self.name, value, self.choices)
        if self.kind == GEO_OR_EMPTY and value == "":
            return value
        check_plain_name(self.name, value)
        return resolve_geo_param(self.name, value)


def _as_int(bound: float | None) -> int | None:
    return None if bound is None else int(bound)


def check_plain_name(name: str, value: str) -> str:
    """Reject values that could escape a folder when used in a file name (``../``, ``/abs``, NUL)."""
    if (not value or "/" in value or "\\" in value or "\x00" in value or ".." in value
            or value.startswith(".") or value != value.strip()):
        raise ParameterError(name, f"must be a plain name (no '/', '\\', '..', NUL or leading dot), got {shorten(value)!r}")
    return value


def protected_dirs() -> tuple[Path, ...]:
    """The project's folders no run may write into: its data, its notebooks and its code."""
    return (Path(config.DATA_DIR), Path(config.NOTEBOOKS_DIR), Path(config.PROJ_ROOT) / "nq57lib")


def check_output_dir(name: str, value: str) -> str:
    """``value`` unless it resolves into ``data/``, ``notebooks/`` or ``nq57lib/``, or is the
    project's root itself (checked before any write).

    A relative path is resolved from the current folder, as the notebook's own ``save_results``
    resolves it (papermill's ``--cwd``), so ``../data`` from ``notebooks/`` is refused.
    """
    if not value:
        return value
    problem = protected_target(value)
    if problem:
        raise ParameterError(name, f"{shorten(str(value))!r} {problem}; results must go elsewhere (e.g. reports/)")
    return value


def protected_target(value: str | Path) -> str | None:
    """Why no run may write to the folder ``value`` (a project folder, or inside one), or None.

    Refused: the project's root itself and ``data/``, ``notebooks/``, ``nq57lib/`` with everything in
    them; ``reports/`` (or any other folder inside the clone) is fine. Links are resolved first.
    """
    target = Path(value).expanduser().resolve()
    if target == Path(config.PROJ_ROOT).resolve():
        return "is the project's root folder"
    for folder in protected_dirs():
        folder = folder.resolve()
        if target == folder or folder in target.parents:
            return f"resolves into the project's {folder.name}/ folder"
    return None


def resolve_geo_param(name: str, text: str) -> str:
    """Canonical geography id for ``text``; the error names ``name`` (``geo`` or ``proxy``)."""
    from .geography import resolve_geo  # lazy: loading the geography table imports pandas

    geo_id = resolve_geo(text, name=name)
    if not _SAFE_NAME.match(geo_id):  # canonical ids are slugs; anything else must not reach a path
        raise ParameterError(name, f"geography id {geo_id!r} is not a plain slug")
    return geo_id
