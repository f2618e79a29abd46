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
from pathlib import Path

from . import cli

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
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


def _cell(text: object) -> str:
    """A value fit for one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _argument_row(action: argparse.Action) -> str | None:
    """One table row for an argument; None for ``--help``, which every command has."""
    if isinstance(action, argparse._HelpAction):
        return None
    names = action.option_strings or [action.metavar or action.dest]
    name = ", ".join(f"`{option}`" for option in names)
    if action.nargs == 0:
        value = "(flag)"
    elif action.choices:
        value = " \\| ".join(f"`{choice}`" for choice in action.choices if choice != "")
    else:
        value = f"`{action.metavar or action.dest.upper()}`"
    if action.nargs == "+":
        value += " …"
    if isinstance(action, argparse._AppendAction):
        value += " (repeatable: any of)"
    default = "" if action.default in (None, False, "") or action.nargs == 0 else f"`{action.default}`"
    return f"| {name} | {value} | {default} | {_cell(action.help or '')} |"


def render() -> str:
    """The whole reference page."""
    parser = cli.build_parser()
    helps = summaries(parser)
    exit_status = (cli.__doc__ or "").split("\n\n", 1)[-1].strip()
    lines = [HEADER, exit_status.replace("``", "`"), ""]
    for name, command in commands(parser).items():
        lines += [f"## `python -m fazhi {name}`", "", helps.get(name, ""), ""]
        rows = [row for action in command._actions if (row := _argument_row(action)) is not None]
        if rows:
            lines += ["| argument | value | default | meaning |", "|---|---|---|---|", *rows, ""]
        else:
            lines += ["No arguments.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the reference, or write it to ``docs/cli.md`` with ``--write``."""
    options = argparse.ArgumentParser(prog="python -m fazhi.cli_reference", description=__doc__)
    options.add_argument("--write", action="store_true", help=f"write {REFERENCE.name} instead of printing")
    args = options.parse_args(argv)
    text = render()
    if args.write:
        REFERENCE.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
