"""Notebook parameters: one declarative spec per report notebook, and the check that enforces it.

Each report notebook has one cell tagged ``parameters`` of simple annotated literals (so
``papermill --help-notebook`` lists them) and, right after it, one call::

    P = validate_parameters("digital_economy", globals())

which coerces and checks every value and returns them as ``P.geo``, ``P.horizon_year``, ... The
runner calls the same function on the defaults plus the ``-p`` overrides *before* any kernel
starts, so a bad value fails in well under a second with one line naming the parameter, instead of
a traceback deep inside an executed notebook.

The specs in ``nq57lib.registry`` are the single source of truth: ``parameters_cell(name)`` prints the parameters
cell a notebook should carry, and ``compare_with_notebook`` reports any drift between a notebook's
parameters cell and its spec (a test runs it on every notebook).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

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


def check_reports_dir(name: str, value: str | Path) -> Path:
    """The reports folder ``value``, resolved, unless it is a project folder (``protected_target``).

    Every route checks it before any kernel starts and before anything is written: ``nq57 run
    --reports-dir``, ``nq57 render --reports-dir``, ``nq57 prune --reports-dir``, the Airflow DAG's
    ``reports_dir`` and ``NQ57_REPORTS_DIR`` (also where plain papermill writes ``scratch/``).
    """
    problem = protected_target(value)
    if problem:
        raise ParameterError(name, f"{shorten(str(value))!r} {problem}; reports go in a reports folder "
                                   "(e.g. reports/ or a folder outside the clone)")
    return Path(value).expanduser().resolve()


def default_reports_dir(given: str | Path | None = None, name: str = "reports-dir") -> Path:
    """``given`` (an option) or else ``NQ57_REPORTS_DIR`` / ``reports/``, checked by ``check_reports_dir``."""
    if given:
        return check_reports_dir(name, given)
    return check_reports_dir("NQ57_REPORTS_DIR", config.REPORTS_DIR)


def injected_names(namespace: Mapping[str, Any]) -> list[str]:
    """Names papermill injected into ``namespace`` (an IPython kernel's globals), in order.

    papermill injects ``-p`` values as a cell whose first line is ``# Parameters`` (its Python
    translator's comment), right after the ``parameters`` cell; IPython keeps every executed
    cell's source in ``_ih``. The newest such cell is parsed, never executed again. Outside a
    kernel (no ``_ih``) nothing was injected.
    """
    import ast

    history = namespace.get("_ih")
    if not isinstance(history, list):
        return []
    for source in reversed(history):
        if isinstance(source, str) and source.startswith("# Parameters\n"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            return [target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(target, ast.Name)]
    return []


def resolve_geo_param(name: str, text: str) -> str:
    """Canonical geography id for ``text``; the error names ``name`` (``geo`` or ``proxy``)."""
    from .data import resolve_geo  # lazy: loading the geography table imports pandas

    geo_id = resolve_geo(text, name=name)
    if not _SAFE_NAME.match(geo_id):  # canonical ids are slugs; anything else must not reach a path
        raise ParameterError(name, f"geography id {geo_id!r} is not a plain slug")
    return geo_id


class Parameters(Mapping):
    """Validated parameters of one notebook run, read as ``P.geo`` or ``P["geo"]``."""

    def __init__(self, notebook: str, values: Mapping[str, Any]):
        self.__dict__["notebook"] = notebook
        self.__dict__["_values"] = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(f"notebook '{self.notebook}' has no parameter {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Parameters are read-only; change the parameters cell or pass -p instead")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Parameters({self.notebook!r}, {inner})"

    def __reduce__(self):  # picklable despite __getattr__
        return (Parameters, (self.notebook, self._values))


def spec_for(notebook: str) -> tuple[ParamSpec, ...]:
    """The parameter specs of ``notebook`` (from ``nq57lib.registry``); an unknown name gets a "did you mean"."""
    from .registry import SPECS  # the registry imports this module for ParamSpec

    if notebook not in SPECS:
        check_choice("notebook", notebook, sorted(SPECS))
    return SPECS[notebook]


def validate_parameters(notebook: str, namespace: Mapping[str, Any] | None = None, /,
                        **values: Any) -> Parameters:
    """Check and coerce the parameters of ``notebook``; return them as a read-only ``Parameters``.

    ``namespace`` (usually ``globals()`` in a notebook) supplies the value of every parameter of
    the spec and is otherwise ignored, so a notebook cannot forget to pass one. Keyword ``values``
    override it; an unknown keyword is an error (with a "did you mean"). Parameters given by
    neither take their default. Raises ``ParameterError`` naming the first bad parameter.
    """
    specs = spec_for(notebook)
    names = [spec.name for spec in specs]
    for name in values:
        if name not in names:
            hint = difflib.get_close_matches(name, names, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(names)})"
            raise ParameterError(name, f"unknown parameter of notebook '{notebook}'{suffix}")
    if namespace is not None:
        for name in injected_names(namespace):
            if name not in names:
                hint = difflib.get_close_matches(name, names, n=1)
                suffix = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(names)})"
                raise ParameterError(name, f"unknown parameter of notebook '{notebook}' (passed with papermill -p)"
                                           f"{suffix}")
        missing = [name for name in names if name not in namespace]
        if missing:
            raise ParameterError(missing[0], f"missing from the parameters cell of notebook '{notebook}'")
    given = {name: namespace[name] for name in names} if namespace is not None else {}
    given.update(values)
    checked: dict[str, Any] = {}
    for spec in specs:
        checked[spec.name] = spec.check(given.get(spec.name, spec.default))
    for spec in specs:
        if spec.not_before is not None and checked[spec.name] < checked[spec.not_before]:
            raise ParameterError(spec.name, f"must not be before {spec.not_before} ({checked[spec.not_before]}), "
                                            f"got {checked[spec.name]}")
        if spec.after is not None and not checked[spec.name] > checked[spec.after]:
            raise ParameterError(spec.name, f"must be after {spec.after} ({checked[spec.after]}), "
                                            f"got {checked[spec.name]}")
    if namespace is not None and checked.get("output_dir", None) == "":
        default_reports_dir()  # results will go to reports/scratch/: refuse a project folder before any work
    if namespace is not None and checked.get("geo"):  # a report's words: GDP for the nation, GRDP for a province
        from .data import geo_row, shared_package
        from .text import use_geography_level

        use_geography_level(str(geo_row(shared_package(), checked["geo"])["level"]))
    return Parameters(notebook, checked)


def default_output_dir(params: Parameters) -> Path:
    """Where results go when ``output_dir`` is "" (an interactive run in JupyterLab)."""
    return default_reports_dir() / "scratch" / params.notebook / params.geo


def parameters_cell(notebook: str) -> str:
    """The text of the ``parameters`` cell ``notebook`` should carry, generated from its spec."""
    lines = []
    for spec in spec_for(notebook):
        literal = json.dumps(spec.default, ensure_ascii=False) if spec.type is str else repr(spec.default)
        lines.append(f"{spec.name}: {spec.type.__name__} = {literal}  # {spec.help}")
    return "\n".join(lines)


def compare_with_notebook(notebook: str, path: str | Path) -> list[str]:
    """Differences between the parameters cell of the notebook at ``path`` and the spec (empty: in sync).

    Uses papermill's own inspection, i.e. exactly what ``papermill --help-notebook`` shows, and
    checks names and order, declared types, defaults and help comments (the spec's help, word for word).
    """
    import ast

    import papermill

    found = papermill.inspect_notebook(str(path))
    specs = spec_for(notebook)
    problems = []
    if list(found) != [spec.name for spec in specs]:
        problems.append(f"parameter names {list(found)} != spec {[s.name for s in specs]}")
    for spec in specs:
        info = found.get(spec.name)
        if info is None:
            continue
        if info["inferred_type_name"] != spec.type.__name__:
            problems.append(f"{spec.name}: type {info['inferred_type_name']!r} != spec {spec.type.__name__!r}")
        try:
            default = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            problems.append(f"{spec.name}: default {info['default']!r} is not a simple literal")
            continue
        if default != spec.default or type(default) is not type(spec.default):
            problems.append(f"{spec.name}: default {default!r} != spec {spec.default!r}")
        if info["help"].strip() != spec.help:
            problems.append(f"{spec.name}: help comment {info['help'].strip()!r} != spec {spec.help!r} "
                            f"(regenerate the cell with parameters_cell)")
    return problems


def parse_override(text: str) -> tuple[str, Any]:
    """Parse one ``-p name=value`` the way papermill's ``-p`` does, plus quotes for literal strings.

    ``True``/``False`` (any case) are booleans, ``None`` is None, integers and floats are numbers
    (so ``nan`` and ``inf`` are floats, rejected later as non-finite), a value in matching single
    or double quotes is that string verbatim (``-p horizon_year='"2030"'`` passes the string
    "2030"), anything else is a string.
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ParameterError(shorten(name or text), f"expected name=value, got {shorten(text)!r}")
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return name, raw[1:-1]
    if raw.lower() in ("true", "false"):
        return name, raw.lower() == "true"
    if raw == "None":
        return name, None
    for convert in (int, float):
        try:
            return name, convert(raw)
        except ValueError:
            pass
    return name, raw

