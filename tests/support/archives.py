"""Archives built the way users build them: the real ingest into an instance folder, then the real
index, so every test exercises what users get.

``tests/conftest.py`` wraps these in fixtures (the session archive of the shipped corpus, and
``make_archive`` for a test that needs its own); module fixtures that need a different corpus
call ``build_archive`` once per module.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from archive.config import ArchiveConfig
from fazhi.operations import Archive


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
