"""The layers import downwards only, and the store's engine is made in one place.

archive (files → store) ← indexer (store → search) ← fazhi (operations) ← web. An import back up
(``archive/cli.py`` once imported ``indexer``) and engines made here and there (13 call sites of
``make_engine``, each creating tables) are what ``fazhi.operations.Archive`` replaced.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from archive.fields import FACET, having
from fazhi.cli import build_parser
from tests.support.paths import REPO

ABOVE = {"archive": {"indexer", "fazhi", "web", "bench"}, "indexer": {"fazhi", "web", "bench"},
         "fazhi": {"web", "bench"}}


def _imports(path: Path) -> set[str]:
    """Top-level package of every module ``path`` imports (relative imports stay in its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ABOVE))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    upward = {f"{path.relative_to(REPO)}: {sorted(_imports(path) & ABOVE[package])}"
              for path in sorted((REPO / package).rglob("*.py")) if _imports(path) & ABOVE[package]}
    assert not upward


def test_the_engine_is_made_by_the_operations_layer_alone() -> None:
    callers = []
    for path in [*REPO.glob("wsgi.py"), *(p for d in ("archive", "indexer", "fazhi", "web")
                                             for p in (REPO / d).rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
                    "make_engine", "create_engine"}:
                callers.append(str(path.relative_to(REPO)))
    # create_engine inside make_engine
    assert sorted(callers) == ["archive/store/db.py", "fazhi/operations.py"]


def test_search_filter_options_are_the_registry_facets() -> None:
    parser = build_parser()
    for field in having(FACET):
        args = parser.parse_args(["search", "枫桥经验", f"--{field.name}", field.example or "值"])
        assert getattr(args, field.column) == [field.example or "值"], field.name


@pytest.mark.slow  # a new Python process
def test_a_web_process_does_not_import_the_builders_numerics() -> None:
    """numpy and scipy (through datasketch's LSH) cost ≈ 0.35 s to import and only the index
    builder's template marks use them (``indexer.analysis.nearcopies``): a gunicorn master importing the
    app must not pay for them (launch → first search stays short)."""
    code = ("import sys\nimport fazhi.operations, indexer.service, web\n"
            "print(sorted(m for m in ('numpy', 'scipy', 'datasketch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_gunicorn_hooks_keep_long_lived_objects_out_of_collections() -> None:
    """The master freezes its objects before each fork (``pre_fork``): a worker's collections
    then neither walk them on a request's time nor copy the pages they share with the master."""
    import gc
    import runpy

    hooks = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["pre_fork"](None, None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
