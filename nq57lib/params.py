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
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import config
from .errors import ParameterError, check_choice, shorten
from .param_spec import GEO, ParamSpec, protected_target
from .registry import SPECS, parameter_default


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


class Parameters(Mapping):
    """Validated parameters of one notebook run, read as ``P.geo`` or ``P["geo"]``.

    ``given``: the names of the parameters the user gave (``validate_parameters``: passed as keywords or with
    papermill ``-p``, or set in the parameters cell to another value than the default). A value the user gave is
    the user's, also when it equals the default; by default, the parameters whose values differ from their
    notebook's defaults.
    """

    def __init__(self, notebook: str, values: Mapping[str, Any], given: Iterable[str] | None = None):
        self.__dict__["notebook"] = notebook
        self.__dict__["_values"] = dict(values)
        if given is None:
            given = [k for k, v in values.items() if notebook in SPECS and v != parameter_default(notebook, k)]
        self.__dict__["given"] = frozenset(given)

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
        return (Parameters, (self.notebook, self._values, self.given))


def spec_for(notebook: str) -> tuple[ParamSpec, ...]:
    """The parameter specs of ``notebook`` (from ``nq57lib.registry``); an unknown name gets a "did you mean"."""
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
    ``Parameters.given`` names what the user gave: the keywords, the values papermill injected and the
    parameters cell's values that differ from the defaults.
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
    given_names = set(values) | set(injected_names(namespace) if namespace is not None else ())
    given_names |= {spec.name for spec in specs if namespace is not None and checked[spec.name] != spec.default}
    shipped_geo = any(spec.name == "geo" and spec.kind == GEO for spec in specs)  # a geography of the data
    if namespace is not None and shipped_geo:  # a report's words: GDP for the nation, GRDP for a province
        from .data_package import shared_package
        from .geography import geo_row
        from .text import use_geography_level

        use_geography_level(str(geo_row(shared_package(), checked["geo"])["level"]))
    return Parameters(notebook, checked, given_names & set(names))


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

