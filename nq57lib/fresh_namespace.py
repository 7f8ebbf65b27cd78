"""What a warm kernel runs before each notebook, so that no state passes from one notebook to the next.

``nq57 run`` keeps one kernel per worker and executes several notebooks in it
(``nq57lib.kernel_pool``); before each notebook the pool runs :func:`start`, silently, in the
kernel. Imported modules stay loaded (that is the time saved); everything a notebook can change
is put back to how the kernel was before its first notebook:

- the user namespace, the output history and the execution counter (IPython's ``reset``; the
  first cell of every notebook is ``[1]`` again), and the last error shown (``sys.last_value``...);
- every cache of nq57lib (``functools.lru_cache``, and the dictionaries of ``CACHE_DICTS``) except
  the validated data package (``KEPT_CACHES``): ``data_package.load_package`` hands each call its own
  copy of the tables, so a notebook that edits them in place cannot change the next one's data;
- matplotlib's ``rcParams`` and its open figures; pandas' options;
- the global random states of ``random`` and ``numpy.random``; numpy's print options and
  floating-point error handling; the recursion limit;
- the warning filters, and the record of warnings already shown, so a warning is printed in
  every notebook that triggers it, as in a fresh kernel;
- ``sys.path``, ``os.environ`` and the working directory (set to the notebook's folder);
- process-wide switches a notebook can flip: IPython's AST and input transformers and custom
  exception handlers, the garbage collector's on/off switch, ``decimal``'s context, the root
  logger's level, and every function of an nq57lib module (a notebook that patched one);
- the report geography's level that ``nq57lib.text`` words GDP or GRDP by (``use_geography_level``).

The ranking of the data package's observations (``series_ranking._ranking_for``) is kept with the cached
package, like the package itself: it is read-only, computed from the cached tables alone, and each use first
checks that the notebook's tables still equal them (an edited copy is ranked on its own).

After the reset, what is left (modules and kept caches) is frozen out of the cyclic garbage
collector (``gc.freeze``), so the reset's full collection scans one notebook's objects, not the
whole kernel.

What cannot be put back (a thread a notebook started, a patched third-party library, a display
formatter) is why ``nq57 run`` gives every notebook that differs from the committed one a kernel of
its own (``nq57lib.shipped``): only the repository's reviewed notebooks share a warm kernel. The pool's tests
check that the results files and every cell's output are byte-identical to fresh-kernel runs.

This module is imported in the kernel only; it must stay light (no papermill, no jupyter_client).
"""

from __future__ import annotations

import gc
import os
import random
import sys
import warnings
from dataclasses import dataclass
from typing import Any


@dataclass
class _State:
    """What :func:`start` restores: the kernel's state before its first notebook."""

    sys_path: list[str]
    environ: dict[str, str]
    warning_filters: list[Any]
    random_state: Any
    numpy_random_state: Any
    rc_params: dict[str, Any]
    numpy_print: dict[str, Any]
    numpy_errors: dict[str, str]
    recursion_limit: int
    shell: dict[str, Any]
    gc_enabled: bool
    decimal_context: Any
    root_log_level: int
    nq57lib_functions: dict[str, Any]


_before_first: _State | None = None


def start(cwd: str, imports: tuple[str, ...] = ()) -> None:
    """Make the kernel as fresh as a new one for the next notebook, whose folder is ``cwd``.

    ``imports``: modules imported before the kernel's state is recorded, at the first call (the registry's
    ``kernel_imports`` of the notebooks the kernel runs: those whose import installs process-wide state).
    """
    global _before_first
    if _before_first is None:
        _before_first = _snapshot(imports)
    else:
        _restore(_before_first)
    os.chdir(cwd)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # names, Out/_ history, execution count back to 1
    # The last error shown stays referenced after the reset (sys.last_* and the traceback printer),
    # with every frame of its traceback: let it go too, or the freeze below would keep it for good.
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            delattr(sys, name)
    if shell is not None and getattr(shell, "InteractiveTB", None) is not None:
        shell.InteractiveTB.tb = None
    # The reset collects garbage before it clears the names, so the last notebook's cycles go now.
    # What survives (modules, kept caches) lives as long as the kernel: it is moved out of the cyclic
    # collector's sight, so the collections of the next reset and during the next notebook scan only
    # what that notebook creates (about 0.15 s a notebook saved). Reference counting still frees
    # these objects; only a cycle among them would stay.
    gc.collect()
    gc.freeze()


# Imported before the first notebook's state is recorded, whatever the notebooks: what the record and the
# restore read (numpy, pandas, pyplot: the inline backend is the kernel's), and nq57lib.params (light: config
# and errors), so its functions are recorded before any notebook could patch them. What the notebooks' own
# imports install (statsmodels' warning filters) comes with ``start``'s ``imports`` (nq57lib.registry).
ALWAYS_IMPORTED = ("numpy", "pandas", "matplotlib.pyplot", "nq57lib.params")


def _snapshot(imports: tuple[str, ...]) -> _State:
    import importlib

    for name in ALWAYS_IMPORTED:
        try:
            importlib.import_module(name)  # matplotlib.pyplot: the inline backend is the kernel's
        except ImportError:
            pass
    for name in imports:  # named by the registry: a name that does not import is an error, not skipped
        importlib.import_module(name)
    import matplotlib.pyplot as plt
    import numpy as np

    import decimal
    import logging

    return _State(sys_path=list(sys.path), environ=dict(os.environ), warning_filters=list(warnings.filters),
                  random_state=random.getstate(), numpy_random_state=np.random.get_state(),
                  rc_params=dict(plt.rcParams.copy()), numpy_print=np.get_printoptions(),
                  numpy_errors=np.geterr(), recursion_limit=sys.getrecursionlimit(), shell=_shell_state(),
                  gc_enabled=gc.isenabled(), decimal_context=decimal.getcontext().copy(),
                  root_log_level=logging.getLogger().level, nq57lib_functions=_nq57lib_functions())


_SHELL_LISTS = ("ast_transformers", "input_transformers_post", "input_transformers_cleanup")


def _shell_state() -> dict[str, Any]:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return {}
    state = {name: list(getattr(shell, name)) for name in _SHELL_LISTS if hasattr(shell, name)}
    state["custom_exc"] = (shell.custom_exceptions, shell.CustomTB)
    return state


def _nq57lib_functions(known: dict[str, Any] | None = None) -> dict[str, Any]:
    """(module, its functions and classes by name) of every loaded nq57lib module not in ``known``.

    A module first imported by a notebook is recorded at the next notebook's start; what that notebook
    defined itself (``__module__`` ``__main__``, a patch) is left out of the record.
    """
    found = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "nq57lib" or name.startswith("nq57lib.")) or name in (known or {}):
            continue
        found[name] = (module, {k: v for k, v in vars(module).items()
                                if callable(v) and getattr(v, "__module__", None) not in (None, "__main__")})
    return found


def _restore(state: _State) -> None:
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    plt.close("all")
    dict.update(plt.rcParams, state.rc_params)  # as matplotlib's rc_context restores them (no re-validation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.reset_option("all")
    sys.path[:] = state.sys_path
    for name in set(os.environ) - set(state.environ):
        del os.environ[name]
    for name, value in state.environ.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
    random.setstate(state.random_state)
    np.random.set_state(state.numpy_random_state)
    np.set_printoptions(**state.numpy_print)
    np.seterr(**state.numpy_errors)
    sys.setrecursionlimit(state.recursion_limit)
    _restore_switches(state)
    warnings.filters[:] = state.warning_filters
    with warnings.catch_warnings():  # entering and leaving marks the filters changed: shown-once records reset
        pass
    clear_caches()
    text = sys.modules.get("nq57lib.text")
    if text is not None:
        text.use_geography_level("province")  # as a fresh import; each report sets its own when it validates


def _restore_switches(state: _State) -> None:
    import decimal
    import logging

    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and state.shell:
        for name in _SHELL_LISTS:
            if name in state.shell:
                getattr(shell, name)[:] = state.shell[name]
        shell.custom_exceptions, shell.CustomTB = state.shell["custom_exc"]
    (gc.enable if state.gc_enabled else gc.disable)()
    decimal.setcontext(state.decimal_context.copy())
    logging.getLogger().setLevel(state.root_log_level)
    for module_name, (module, functions) in state.nq57lib_functions.items():
        if sys.modules.get(module_name) is not module:
            continue  # replaced by a stand-in (the tests' fixtures): not ours to restore
        for name, value in functions.items():
            if vars(module).get(name) is not value:
                setattr(module, name, value)
    state.nq57lib_functions.update(_nq57lib_functions(state.nq57lib_functions))


# Caches kept between notebooks, each with the reason it cannot carry state from one to the next.
KEPT_CACHES = {
    "nq57lib.data_package._load_cached": "keyed by the files' paths, sizes and modification times; load_package copies "
                                 "the tables for each caller",
    "nq57lib.data_files._schema_cache": "pandera schemas built from datapackage.json's text; nothing edits them",
    "nq57lib.charts.scorecard_charts._panel_base": "keyed by a cross-province panel's whole content (rows, words, "
                                                   "notes) and matplotlib's settings, from which alone it is drawn; "
                                                   "never handed to a notebook: each report gets PNG bytes drawn "
                                                   "over its pixels, and its pixels and figure are put back after",
}


# Module-level dictionaries that cache what a notebook computed (cleared like the lru caches).
CACHE_DICTS = ("nq57lib.geography._LOOKUPS",)


def clear_caches() -> None:
    """Clear every ``functools.lru_cache`` of the loaded nq57lib modules, except ``KEPT_CACHES``,
    and the dictionaries of ``CACHE_DICTS``."""
    for qualified in CACHE_DICTS:
        module_name, attribute = qualified.rsplit(".", 1)
        cache = getattr(sys.modules.get(module_name), attribute, None)  # a module replaced by a stand-in has none
        if cache is not None:
            cache.clear()
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "nq57lib" or name.startswith("nq57lib.")):
            continue
        for attribute, value in list(vars(module).items()):
            if (callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name
                    and f"{name}.{attribute}" not in KEPT_CACHES):
                value.cache_clear()
