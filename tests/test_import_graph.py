"""The import graph of nq57lib has no circle and no import from a lower layer up to a higher one (issue 25).

The graph is built with ``ast`` from every module's imports, the lazy ones inside functions included, plus the
modules the registry loads by name (each notebook's steps module): a loop the import statements cannot show.
The layers are the README code map's table (bottom up); a module imports from its own layer or below, and no
notebook's steps module imports another's (shared logic lives below both).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import nq57lib
from nq57lib import config, registry
import source_trees

PACKAGE = Path(nq57lib.__file__).resolve().parent
STEPS_LAYER = "steps"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The nq57lib modules ``path`` imports, at the top or inside a function (``from . import x``,
    ``from .x import y``, ``import nq57lib.x``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in source_trees.nodes(path):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in modules and m not in (name, "nq57lib")}


def module_paths() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph(by_name: bool = True) -> dict[str, set[str]]:
    """module -> the nq57lib modules it imports, with (``by_name``) the registry's by-name loads of the steps
    modules."""
    paths = module_paths()
    graph = {name: imports_of(path, set(paths)) for name, path in paths.items()}
    if by_name:
        graph["nq57lib.registry"] |= {entry.steps_module for entry in registry.NOTEBOOKS.values()}
    return graph


def readme_layers() -> dict[str, str]:
    """module -> layer, from the README code map's layer table (``| n name | `module`, ... |``)."""
    text = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("Layers, bottom up", 1)[1].split("\n\n", 2)[1]
    layers = {}
    for order, line in enumerate(line for line in block.splitlines() if re.match(r"^\| \d", line)):
        name, modules = (cell.strip() for cell in line.strip("|").split("|"))
        for module in re.findall(r"`([a-z_.]+)`", modules):
            layers[f"nq57lib.{module}"] = (order, name.split(" ", 1)[1])
    return layers


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, each once (strongly connected components of more than one module)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward_imports(graph: dict[str, set[str]], layers: dict[str, tuple[int, str]]) -> list[str]:
    """Imports from a lower layer up to a higher one, and between two notebooks' steps modules."""
    found = []
    for module, imported in sorted(graph.items()):
        for other in sorted(imported):
            (mine, my_layer), (theirs, their_layer) = layers[module], layers[other]
            if theirs > mine or (my_layer == their_layer == STEPS_LAYER):
                found.append(f"{module} ({my_layer}) imports {other} ({their_layer})")
    return found


def test_every_module_has_a_layer_in_the_readme_code_map():
    layers = readme_layers()
    assert sorted(set(import_graph()) - set(layers) - {"nq57lib", "nq57lib.charts"}) == []
    assert sorted(set(layers) - set(import_graph())) == []  # no layer names a module that is gone


def test_no_import_circle_including_lazy_imports_and_modules_loaded_by_name():
    assert cycles(import_graph()) == []


def test_no_import_from_a_lower_layer_up_and_no_steps_module_imports_another():
    graph = import_graph()
    graph.pop("nq57lib", None), graph.pop("nq57lib.charts", None)
    assert upward_imports(graph, readme_layers()) == []


@pytest.mark.parametrize("source, expected", [
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d2"}, "d2": {"d"}}, [["a", "b", "c"], ["d", "d2"]]),
])
def test_the_check_finds_circles(source, expected):
    assert sorted(cycles(source)) == expected


def test_the_check_finds_an_upward_import_a_lazy_import_and_a_steps_module_importing_another(tmp_path):
    module = tmp_path / "nq57lib" / "engine.py"
    module.parent.mkdir()
    module.write_text("from . import data\n\ndef f():\n    from .runner import go\n    from .steps_b import x\n")
    modules = {"nq57lib.engine", "nq57lib.data", "nq57lib.runner", "nq57lib.steps_b"}
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "nq57lib"
    try:
        found = imports_of(module, modules)
    finally:
        PACKAGE = saved
    assert found == {"nq57lib.data", "nq57lib.runner", "nq57lib.steps_b"}
    layers = {"nq57lib.data": (0, "data"), "nq57lib.engine": (1, STEPS_LAYER), "nq57lib.runner": (2, "run"),
              "nq57lib.steps_b": (1, STEPS_LAYER)}
    assert upward_imports({"nq57lib.engine": found}, layers) == [
        "nq57lib.engine (steps) imports nq57lib.runner (run)", "nq57lib.engine (steps) imports nq57lib.steps_b (steps)"]


# Libraries whose import installs process-wide state (warning filters) that a kept kernel must record before its
# first notebook (nq57lib.registry, kernel_imports).
STATEFUL_LIBRARIES = ("scipy", "seaborn", "statsmodels")


def libraries_of(path: Path) -> set[str]:
    """The STATEFUL_LIBRARIES ``path`` imports, at the top or inside a function."""
    found = set()
    for node in source_trees.nodes(path):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else \
            [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        found |= {name.split(".")[0] for name in names} & set(STATEFUL_LIBRARIES)
    return found


def test_a_kept_kernel_imports_first_exactly_the_libraries_a_notebook_s_steps_can_reach():
    """Every stateful library a notebook's steps module reaches through nq57lib (lazy imports included) is among
    its registry kernel_imports, and the registry names none it cannot reach (a budget report's kernel with
    statsmodels' filters would differ from a fresh one)."""
    paths, graph = module_paths(), import_graph(by_name=False)  # what a steps module itself reaches
    for entry in registry.NOTEBOOKS.values():
        reached, todo = set(), [entry.steps_module]
        while todo:
            module = todo.pop()
            if module not in reached:
                reached.add(module)
                todo.extend(graph[module])
        libraries = set().union(*(libraries_of(paths[module]) for module in reached))
        assert libraries == {name.split(".")[0] for name in entry.kernel_imports}, entry.name
