"""What the generated reference pages under ``docs/`` share: ``docs/cli.md`` (from the argument
parser, ``fazhi.cli_reference``) and ``docs/api.md`` (from the OpenAPI document,
``web.api_reference``). Each page is written from the program itself so that it cannot describe
an option or an endpoint the program lacks; a test per page compares it with its generator.

Shared here: Markdown table rows, docstring text as Markdown, and the command that prints a
page or writes it (``--write``), so each generator only says what its page holds.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def cell(text: object) -> str:
    """A value fit for one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown table's lines: the header, its rule and one line per row, every cell escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def prose(docstring: str) -> str:
    """Docstring text as Markdown: its indentation removed, ``literal`` marked as `literal`."""
    return inspect.cleandoc(docstring).replace("``", "`")


def main(argv: list[str] | None, *, prog: str, description: str | None, page: Path,
         render: Callable[[], str]) -> int:
    """Print the page ``render`` writes, or write it to ``page`` with ``--write``."""
    options = argparse.ArgumentParser(prog=prog, description=description)
    options.add_argument("--write", action="store_true", help=f"write {page.name} instead of printing")
    args = options.parse_args(argv)
    text = render()
    if args.write:
        page.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
