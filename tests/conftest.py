"""Shared fixtures: where the real corpora live, and a session-wide archive built from them.

The archive fixture ingests the shipped reports (data/reports: the seeds plus the dev and web
corpora of tests/corpus, each with a sidecar naming its source) through the real pipeline into
a temporary instance folder, then builds the real search index, so every test exercises what users get.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from archive.config import ArchiveConfig
from fazhi.operations import Archive

REPO = Path(__file__).resolve().parents[1]
SHIPPED_DIR = REPO / "data" / "reports"
CORPUS = REPO / "tests" / "corpus"  # copies of ../shared/corpus: the suite runs from a clone alone
SEEDS_DIR = CORPUS / "seeds"
DEV_DIR = CORPUS / "dev"


def corpus_files() -> list[Path]:
    """Every report file shipped in data/reports: the seeds and the dev and web corpora."""
    return sorted(SHIPPED_DIR.glob("*.txt"))


def make_config(home: Path) -> ArchiveConfig:
    """An isolated instance folder (created) with its own SQLite store: the one way tests make one,
    so every test archive has the layout the CLI and the web app expect."""
    home.mkdir(parents=True, exist_ok=True)
    return ArchiveConfig(home=home, database_url=f"sqlite:///{home / 'archive.sqlite3'}")


@functools.cache
def open_archive(config: ArchiveConfig) -> Archive:
    """The one ``Archive`` (one engine) of this test process for ``config``'s store."""
    return Archive(config)


def sessions_of(config: ArchiveConfig) -> sessionmaker[Session]:
    """Sessions on ``config``'s store, through its one engine (``open_archive``)."""
    return open_archive(config).sessions


def build_archive(home: Path, files: Iterable[Path], workers: int = 1) -> ArchiveConfig:
    """Ingest ``files`` through the real pipeline and build the real index; returns the config."""
    archive = open_archive(make_config(home))
    summary = archive.ingest(list(files), workers=workers, index=False)
    assert not summary.failures, summary.failures
    archive.rebuild()
    return archive.config


def write_reports(folder: Path, reports: dict[str, str]) -> list[Path]:
    """Write ``{file name: text}`` as UTF-8 files in ``folder``: a fixture corpus whose every
    sentence the test chose, so the expected ranking or place is known before the search runs."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in reports.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def archive_config(tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """A read-only archive of the shipped + dev corpora, ingested and indexed once per session.

    Tests must not modify it; tests that ingest or delete make their own with ``make_config``.
    """
    return build_archive(tmp_path_factory.mktemp("archive"), corpus_files())


PG_PORT = 5433  # only on the socket in the server's own temporary folder: no TCP listener at all


def _postgres_bin() -> Path:
    """Debian installs the server outside PATH, under /usr/lib/postgresql/<major>/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        pytest.fail("no PostgreSQL server: run scripts/setup.sh --for-tests (Debian package postgresql)")
    return Path(candidates[-1]).parent


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root, so drop to Debian's ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server and database for the module using it (``test_postgres``,
    ``test_nodes``): Debian's ``postgresql`` package, on a Unix socket in a temporary folder;
    stopped and deleted afterwards."""
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
