"""A throwaway PostgreSQL server for the store's tests: Debian's ``postgresql`` package (installed by
``scripts/setup.sh --for-tests``), on a Unix socket in a temporary folder, with no TCP listener
at all; stopped and deleted afterwards."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_PORT = 5433  # only names the socket in the server's own temporary folder: no TCP listener at all


def _postgres_bin() -> Path:
    """Debian installs the server outside PATH, under /usr/lib/postgresql/<major>/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        pytest.fail("no PostgreSQL server: run scripts/setup.sh --for-tests (Debian package postgresql)")
    return Path(candidates[-1]).parent


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root, so drop to Debian's ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh server with an empty database ``fazhi``; its SQLAlchemy URL."""
    bin_dir = _postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="fazhi-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    run = lambda *args: subprocess.run(_as_server_user([str(a) for a in args]),  # noqa: E731
                                       check=True, capture_output=True, timeout=120)
    run(bin_dir / "initdb", "-D", data, "-U", "fazhi", "--auth=trust", "-E", "UTF8", "--no-locale")
    run(bin_dir / "pg_ctl", "-D", data, "-w", "-l", folder / "server.log", "-o",
        f"-c listen_addresses='' -k {folder} -p {PG_PORT} -c fsync=off", "start")
    try:
        run(bin_dir / "createdb", "-h", folder, "-p", PG_PORT, "-U", "fazhi", "fazhi")
        yield f"postgresql+psycopg://fazhi@/fazhi?host={folder}&port={PG_PORT}"
    finally:
        run(bin_dir / "pg_ctl", "-D", data, "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)
