"""Errors with one clear line, and the argument checks every public function runs before any work.

Every check names the parameter (or the file, row and column) so that a scheduled run's log says
exactly what to fix. ``ParameterError`` and ``DataError`` are ``ValueError`` subclasses, so callers
that only know the standard library can still catch them.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Iterable


MAX_ECHO = 200  # characters of a user's value repeated in an error line


def shorten(value: Any, width: int = MAX_ECHO) -> Any:
    """``value`` as the user typed it, cut to ``width`` characters when it is a long string.

    Every error that repeats a value goes through this, so a 100,000-character argument gives a
    short line, not a 100 KB one.
    """
    if isinstance(value, str) and len(value) > width:
        return value[:width] + f"… ({len(value)} characters)"
    return value


class Nq57Error(ValueError):
    """Base class: a problem with the user's input, reported in one line."""


class ParameterError(Nq57Error):
    """A parameter (function argument or notebook parameter) is invalid."""

    def __init__(self, name: str, problem: str):
        self.name = name = shorten(name)
        self.problem = problem
        super().__init__(f"parameter '{name}': {problem}")


class DataError(Nq57Error):
    """A data file is invalid: the message names the file and, where known, the row and column."""

    def __init__(self, path: Any, problem: str, row: int | None = None, column: str | None = None):
        self.path, self.row, self.column, self.problem = str(path), row, column, problem
        where = self.path
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f" column '{column}'"
        super().__init__(f"{where}: {problem}")


class OutputError(Nq57Error):
    """A file nq57 must write (manifest, lock, index) cannot be written: disk full, read-only folder."""

    def __init__(self, path: Any, problem: str):
        self.path, self.problem = str(path), problem
        super().__init__(f"cannot write {self.path}: {problem}")


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite real number within the bounds.

    Booleans are rejected (``True`` is an int in Python, but never a meaningful growth rate).
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(name, f"expected a number, got {type(value).__name__} {shorten(value)!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ParameterError(name, f"must be finite, got {value!r}")
    if low is not None and (number <= low if low_open else number < low):
        raise ParameterError(name, f"must be {'>' if low_open else '>='} {low:g}, got {number:g}")
    if high is not None and (number >= high if high_open else number > high):
        raise ParameterError(name, f"must be {'<' if high_open else '<='} {high:g}, got {number:g}")
    return number


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer (not a bool, not a float) in range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, f"expected an integer, got {type(value).__name__} {shorten(value)!r}")
    if low is not None and value < low:
        raise ParameterError(name, f"must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ParameterError(name, f"must be <= {high}, got {value}")
    return value


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise with a "did you mean" hint."""
    options = list(choices)
    if isinstance(value, str) and value in options:
        return value
    import difflib

    hint = difflib.get_close_matches(str(shorten(value)), options, n=1)
    suffix = f"; did you mean '{hint[0]}'?" if hint else ""
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    raise ParameterError(name, f"unknown value {shorten(value)!r} (expected one of: {shown}){suffix}")


def check_growth(name: str, value: Any) -> float:
    """A growth rate in % per year: finite and above -100 % (nothing can shrink by 100 % or more)."""
    return check_number(name, value, low=-100, low_open=True)
