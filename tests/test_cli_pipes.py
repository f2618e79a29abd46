"""``python -m fazhi … | head``: a reader that stops early ends a command quietly.

Why a real pipe and a real process: the failure is the interpreter's, when a write (or its last
flush at exit) meets a pipe whose reader has gone; only a child process writing into a pipe whose
read end is closed shows it. The read end is closed before the child writes anything, so every
command meets the broken pipe on its first write, whatever the size of its output.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from archive.config import ArchiveConfig
from fazhi.cli import BROKEN_PIPE_STATUS
from tests.support.archives import open_archive
from tests.support.cli import archive_env
from tests.support.paths import REPO

pytestmark = pytest.mark.slow  # the CLI, in subprocesses


def _first_report(config: ArchiveConfig) -> str:
    from archive.store.db import all_reports

    with open_archive(config).sessions() as session:
        return all_reports(session)[0].id


def _run_into_closed_pipe(config: ArchiveConfig, *argv: str) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "fazhi", *argv], cwd=REPO, env=archive_env(config),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    stderr = proc.stderr.read()
    proc.stderr.close()
    return subprocess.CompletedProcess(proc.args, proc.wait(timeout=60), b"", stderr)


COMMANDS = [("reports", "--json"), ("reports",), ("review", "--json"), ("search", "法治"),
            ("search", "法治", "--json"), ("show", "{id}", "--json")]


@pytest.mark.parametrize("argv", COMMANDS)
def test_a_closed_pipe_ends_the_command_without_a_traceback(archive_config: ArchiveConfig, argv) -> None:
    report_id = _first_report(archive_config)
    done = _run_into_closed_pipe(archive_config, *(arg.format(id=report_id) for arg in argv))
    assert b"Traceback" not in done.stderr and b"BrokenPipeError" not in done.stderr, done.stderr.decode()
    assert done.returncode == BROKEN_PIPE_STATUS


def test_an_open_pipe_still_gets_everything(archive_config: ArchiveConfig) -> None:
    done = subprocess.run([sys.executable, "-m", "fazhi", "reports"], cwd=REPO,
                          env=archive_env(archive_config), capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 and len(done.stdout.decode().splitlines()) >= 40
