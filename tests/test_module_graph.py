"""The product's modules and packages form no import circle, and no module is long enough to be two.

A circle (A imports B, B imports A, even inside a function or for type hints only) means neither
module can be read, tested or moved without the other. The packages by role (``archive.reading``,
``indexer.index`` …) are layers: each imports only those below it, a module at a package's top
level counting as a layer of its own. A module past ~400 lines does more than one job. All of it
is read from the source with ``ast``, so the check holds for code no test imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import REPO

PACKAGES = ("archive", "indexer", "fazhi", "web")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Dotted name → file of every module of the product's packages."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The product modules ``name`` imports anywhere in its file. ``from p import m`` names the
    module ``p.m`` when there is one; importing a package's submodule is no import of the
    package's own code beyond what Python runs anyway."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            submodules = {f"{base}.{alias.name}" for alias in node.names}
            targets |= submodules & modules.keys() or {base}
            if submodules - modules.keys():
                targets.add(base)
    return {target for target in targets if target in modules and target != name}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_the_finder_sees_a_circle_when_there_is_one() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imported(name, path, modules) for name, path in modules.items()}


def _package(module: str) -> str:
    """The layer a module belongs to: its role package (``indexer.index``), or itself when it
    stands at a top package's level (``indexer.service``, ``archive.fields``)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def test_no_import_circle_among_the_product_modules() -> None:
    graph = _graph()
    assert sum(len(targets) for targets in graph.values()) > 300  # the graph was read at all
    assert _circles(graph) == []


def test_no_import_circle_among_the_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        packages.setdefault(_package(module), set()).update(
            _package(target) for target in targets if _package(target) != _package(module))
    assert {"archive.describing", "indexer.index", "indexer.ranking"} <= packages.keys()
    assert _circles(packages) == []


def test_no_module_is_long_enough_to_be_two() -> None:
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: lines for name, lines in lengths.items() if lines > MAX_LINES} == {}
