"""Where the archive keeps its data, read from the environment (12-factor style, like flaskr).

``ARCHIVE_HOME`` is the instance folder (default ``instance/``); it holds the SQLite store and
the search index. ``ARCHIVE_DATABASE_URL`` points the store at any SQLAlchemy URL instead,
PostgreSQL included. ``ARCHIVE_RESULT_CACHE=off`` makes every search compute its answer
(``indexer.results.result_cache``), as the benchmark does to time a request that finds none kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ArchiveConfig:
    """Resolved locations of the store and the index."""

    home: Path
    database_url: str
    result_cache: bool = True  # keep slow answers for the next identical request

    @property
    def index_dir(self) -> Path:
        """Folder holding the live search index and its build-aside siblings."""
        return self.home / "index"

    @classmethod
    def from_env(cls, home: str | os.PathLike[str] | None = None) -> ArchiveConfig:
        """Read ``ARCHIVE_HOME`` / ``ARCHIVE_DATABASE_URL``; an explicit ``home`` wins."""
        root = Path(home or os.environ.get("ARCHIVE_HOME") or "instance").resolve()
        url = os.environ.get("ARCHIVE_DATABASE_URL") or f"sqlite:///{root / 'archive.sqlite3'}"
        setting = os.environ.get("ARCHIVE_RESULT_CACHE", "on").strip().lower()
        cache = setting not in {"off", "0", "no", "false"}
        return cls(home=root, database_url=url, result_cache=cache)

    def ensure_home(self) -> None:
        """Create the instance folder on first use."""
        self.home.mkdir(parents=True, exist_ok=True)
