"""The CLI as a user runs it: ``python -m fazhi …`` in a subprocess, on one archive.

Also the one way a test interrupts a CLI run at a known point (``run_interrupted``): the run
kills itself from the ingest's own per-file callback (``tests.support.interrupt``), so the kill
lands mid-batch every time instead of racing a poll of the store.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from archive.config import ArchiveConfig

from .paths import REPO


def cli_env(home: Path, database_url: str | None = None) -> dict[str, str]:
    """Environment for a subprocess (CLI, gunicorn) that must use the archive at ``home``: this
    process's environment without its own ``ARCHIVE_*`` settings, so nothing leaks in from the shell;
    the store is ``database_url``, or the default SQLite file in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    env.update(ARCHIVE_HOME=str(home), PYTHONPATH=str(REPO))
    if database_url:
        env["ARCHIVE_DATABASE_URL"] = database_url
    return env


def archive_env(config: ArchiveConfig) -> dict[str, str]:
    """Environment for a subprocess (CLI, gunicorn) that must use ``config``'s archive."""
    return cli_env(config.home, config.database_url)


def run_archive(config: ArchiveConfig, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m fazhi ARGS`` on ``config``, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "fazhi", *args], cwd=REPO, env=archive_env(config),
                          capture_output=True, text=True, timeout=timeout, check=False)


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -m fazhi ARGS`` with ``ARCHIVE_HOME=home`` and its default SQLite store."""
    return subprocess.run([sys.executable, "-m", "fazhi", *args], cwd=REPO, env=cli_env(home),
                          capture_output=True, text=True, timeout=300, check=False)


def run_interrupted(env: dict[str, str], *args: str, after_stored: int) -> None:
    """``python -m fazhi ARGS`` (an ingest) killed by SIGKILL right after its ``after_stored``-th
    stored file (see ``tests.support.interrupt``); fails if the run ended before that."""
    command = [sys.executable, "-m", "tests.support.interrupt", "--after-stored", str(after_stored), *args]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == -signal.SIGKILL, (
        f"the ingest ended (status {done.returncode}) before {after_stored} files were stored: "
        f"{done.stderr[-2000:]}")
