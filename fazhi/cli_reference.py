"""``docs/cli.md``, the command-line reference, written from the argument parser itself
(``fazhi.cli.build_parser``) and the exit statuses from ``fazhi.cli``'s docstring, so the page
cannot name an option the program lacks or miss one it has; ``tests/test_cli_reference.py``
fails when the page and the parser differ.

Each command is a table of its arguments (name, value, default, meaning), read from the parser's
actions rather than copied from ``--help``, whose layout changes between Python versions.

Regenerate with ``python -m fazhi.cli_reference --write``.
"""

from __future__ import annotations

import argparse
import sys

from . import cli, reference_page
from .reference_page import DOCS, prose, table

REFERENCE = DOCS / "cli.md"
HEADER = """# Command-line reference

Generated from the argument parser by `python -m fazhi.cli_reference --write`; a test fails
when this page and the program differ. Run any command with `--help` for the same text.
"""


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's name and parser, in the order the program declares them."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:  # argparse offers no public walk over subparsers
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each subcommand's one-line help, as ``python -m fazhi --help`` lists it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {choice.dest: choice.help or "" for choice in action._choices_actions}
    return {}


def _argument_row(action: argparse.Action) -> tuple[str, str, str, str] | None:
    """One table row for an argument (name, value, default, meaning); None for ``--help``,
    which every command has."""
    if isinstance(action, argparse._HelpAction):
        return None
    names = action.option_strings or [action.metavar or action.dest]
    name = ", ".join(f"`{option}`" for option in names)
    if action.nargs == 0:
        value = "(flag)"
    elif action.choices:
        value = " | ".join(f"`{choice}`" for choice in action.choices if choice != "")
    else:
        value = f"`{action.metavar or action.dest.upper()}`"
    if action.nargs == "+":
        value += " …"
    if isinstance(action, argparse._AppendAction):
        value += " (repeatable: any of)"
    default = "" if action.default in (None, False, "") or action.nargs == 0 else f"`{action.default}`"
    return name, value, default, action.help or ""


def render() -> str:
    """The whole reference page."""
    parser = cli.build_parser()
    helps = summaries(parser)
    exit_status = (cli.__doc__ or "").split("\n\n", 1)[-1].strip()
    lines = [HEADER, prose(exit_status), ""]
    for name, command in commands(parser).items():
        lines += [f"## `python -m fazhi {name}`", "", helps.get(name, ""), ""]
        rows = [row for action in command._actions if (row := _argument_row(action)) is not None]
        if rows:
            lines += [*table(["argument", "value", "default", "meaning"], rows), ""]
        else:
            lines += ["No arguments.", ""]
    return "\n".join(lines)


if __name__ == "__main__":  # print the page, or write it with --write
    sys.exit(reference_page.main(sys.argv[1:], prog="python -m fazhi.cli_reference", description=__doc__,
                                 page=REFERENCE, render=render))
