"""Results of slow searches, kept for the next request with the same query on the same index.

The match sets (``indexer.index.matchsets``) answer searches for the index's frequent words; a string
outside them that turns out frequent (a substring a user pastes, 政府建, a rare combination of
filters) still costs the SQL path's pass over every match. Its answer is exact for the index
version it was computed on, so it is kept in a small SQLite file of the generation, shared by
every worker of the node, and served again while that version is live: the literal table's
``meta`` names the version (the match sets' version, bumped by every incremental update, and
the store's change sequence), read in the request's own snapshot, so an entry never outlives the
data it was counted on. Only answers slower than ``SLOW_SECONDS`` on an index of at least
``MIN_PLACES`` places are kept, at most ``MAX_ENTRIES`` (the least recently used go first); a
cache that cannot be read or written is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

CACHE_FILE = "results.sqlite3"
SLOW_SECONDS = 0.05
# Below this many places every answer is quick: nothing is kept (and a small index, a test's,
# never answers from a cache).
MIN_PLACES = 100_000
MAX_ENTRIES = 5_000
# Bumped when what is pickled changes shape (``indexer.results.answer.SearchResult``).
FORMAT = 1
log = logging.getLogger(__name__)


def cache_key(query: str, filters: Mapping[str, str | Sequence[str]] | None, **options: Any) -> str:
    """One key per request: the query, its filters (values in order given) and its options."""
    normal = {str(name): [value] if isinstance(value, str) else [str(v) for v in value]
              for name, value in (filters or {}).items()}
    text = json.dumps([FORMAT, query, sorted(normal.items()), sorted(options.items())],
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # a lone surrogate is a key too


class ResultCache:
    """The slow answers of one generation (``CACHE_FILE`` in its folder)."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / CACHE_FILE
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(str(self._path), timeout=0.2, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, version TEXT NOT NULL, "
                         "payload BLOB NOT NULL, used REAL NOT NULL)")
            self._conn = conn
        return self._conn

    def get(self, key: str, version: str) -> Any | None:
        """The kept answer for ``key`` at ``version``, or None."""
        try:
            conn = self._connection()
            row = conn.execute("SELECT payload FROM results WHERE key = ? AND version = ?",
                               (key, version)).fetchone()
            if row is None:
                return None
            with conn:
                conn.execute("UPDATE results SET used = ? WHERE key = ?", (time.time(), key))
            return pickle.loads(row[0])
        except (sqlite3.Error, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as error:
            log.debug("result cache skipped: %s", error)
            return None

    def put(self, key: str, version: str, answer: Any) -> None:
        """Keep ``answer`` for ``key`` at ``version`` (the oldest entries go past ``MAX_ENTRIES``)."""
        try:
            conn = self._connection()
            with conn:
                payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                conn.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                             (key, version, payload, time.time()))
                (count,) = conn.execute("SELECT count(*) FROM results").fetchone()
                if count > MAX_ENTRIES:
                    conn.execute("DELETE FROM results WHERE key IN (SELECT key FROM results ORDER BY used "
                                 "LIMIT ?)", (count - MAX_ENTRIES + MAX_ENTRIES // 10,))
        except sqlite3.Error as error:
            log.debug("result not kept: %s", error)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
