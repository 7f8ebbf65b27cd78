"""Source files as syntax trees, each parsed and walked once a test process (tests only).

Several tests read the project's code (the import graph, module boundaries, declared dependencies, the kept
kernel's caches), and each parsed every module again: about 700 parses a run (issue 26: the suite's time). A tree
is kept by the file's text, so a file that changes is parsed again. Read-only: a test never edits what it gets.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path


def tree(path: Path) -> ast.Module:
    """The module ``path`` holds, parsed."""
    return _parsed(path.read_text(encoding="utf-8"))


def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of ``tree(path)``, in ``ast.walk``'s order."""
    return _walked(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _parsed(source: str) -> ast.Module:
    return ast.parse(source)


@functools.lru_cache(maxsize=None)
def _walked(source: str) -> tuple[ast.AST, ...]:
    return tuple(ast.walk(_parsed(source)))
