"""The command-line reference (``docs/cli.md``) is the program's: written from its argument
parser, every command and option in it is one the program accepts, and the README's command
summary names only commands that exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi import cli, cli_reference

ROOT = Path(__file__).resolve().parent.parent


def test_the_reference_page_is_what_the_parser_says() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == cli_reference.render(), "run: python -m fazhi.cli_reference --write"


def test_every_command_and_option_of_the_page_is_accepted_by_the_program() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    documented = re.findall(r"^## `python -m fazhi (\w+)`", page, flags=re.M)
    assert documented == list(cli_reference.commands(parser))
    assert {"ingest", "search", "harvest", "indicators", "set"} <= set(documented)
    for name, command in cli_reference.commands(parser).items():
        section = page.split(f"## `python -m fazhi {name}`", 1)[1].split("\n## ", 1)[0]
        for option in re.findall(r"`(--[\w-]+)`", section):
            assert any(option in action.option_strings for action in command._actions), (name, option)


@pytest.mark.parametrize("argv", [
    ["search", "枫桥经验", "--year", "2023", "--year", "2024", "--sort", "year", "--json"],
    ["indicators", "--measure", "行政诉讼", "--kind", "result", "--county", "潢川县"],
    ["set", "r001", "county=潢川县", "--reason", "原文落款"],
])
def test_commands_written_as_the_page_shows_parse(argv: list[str]) -> None:
    args = cli.build_parser().parse_args(argv)
    assert args.command == argv[0]


def test_the_readme_names_only_commands_the_program_has() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"python -m fazhi (\w+)", readme)) - {"cli_reference"}
    assert named and named <= set(cli_reference.commands(cli.build_parser()))


def test_the_generator_prints_the_page() -> None:
    printed = subprocess.run([sys.executable, "-m", "fazhi.cli_reference"], cwd=ROOT, capture_output=True,
                             text=True, encoding="utf-8", check=True).stdout
    assert printed == cli_reference.render()
