"""Start-up self-repair: a lost, corrupt or stale search index is rebuilt from the store.

Why: the store is the source of truth and the index is derived from it (``indexer.index.build``), so
an index that is missing (``instance/index`` deleted, a fresh deploy), corrupt (a disk error, a
truncated file) or out of date (an ingest killed between its store writes and its index update)
must never turn into empty results or a 500. ``ensure_index`` checks the live generation
cheaply and, when anything is wrong, says so in one clear log line and rebuilds aside.

Following the store: every change to a report is a row of the store's change sequence
(``archive.store.db.Change``), and the index records the last seq it applied. ``catch_up`` applies
the newer ones with the incremental ``update``, so an index follows changes made by any process
on any node sharing the store (several web nodes on one PostgreSQL, each with its own index).

Concurrency: gunicorn workers may all start at once. A separate ``recover.lock`` (not the
writer lock, which ``rebuild`` takes itself) makes one process repair or catch up while the
others wait (or, for a background follower, skip this round) and then find a current index, so
each repair happens once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from archive.config import ArchiveConfig
from archive.store.changes import changes_since, latest_change
from archive.store.db import Change, Report
from indexer.analysis import templates

from . import literal
from .build import rebuild, update
from .generation import LITERAL_DB, WHOOSH_DIR, current_generation, open_whoosh, writer_lock
from .integrity import check_once
from .literal import SCHEMA_VERSION, applied_change, schema_version

T = TypeVar("T")

log = logging.getLogger("indexer.index.recovery")
RECOVER_LOCK = "recover.lock"
IN_CHUNK = 500  # ids per IN (...) list: far below any database's limit on bound parameters


def index_problem(config: ArchiveConfig, sessions: sessionmaker[Session]) -> str | None:
    """What is wrong with the live index generation, in one line; None when it is usable and current."""
    problem, _missing, _extra = _diagnose(config, sessions)
    return problem


@contextlib.contextmanager
def _recover_lock(config: ArchiveConfig, wait: bool = True) -> Iterator[bool]:
    """Hold ``recover.lock`` (True), or yield False at once when ``wait`` is off and it is taken."""
    config.index_dir.mkdir(parents=True, exist_ok=True)
    with open(config.index_dir / RECOVER_LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_index(config: ArchiveConfig, sessions: sessionmaker[Session]) -> str | None:
    """Repair the index if ``index_problem`` finds anything; returns the problem repaired.

    A stale but readable generation gets an incremental update of exactly the reports that
    differ; a missing or unreadable one is rebuilt from the whole store.
    """

    if index_problem(config, sessions) is None:
        return None
    with _recover_lock(config):
        problem, missing, extra = _diagnose(config, sessions)  # another process may have repaired it
        if problem is None:
            return None
        if missing is not None and extra is not None:
            log.warning("search index is stale: %s; updating those reports from the store", problem)
            stats = update(config, sessions, sorted(missing), sorted(extra))
        else:
            log.warning("search index needs rebuilding: %s; rebuilding from the store", problem)
            stats = rebuild(config, sessions)
        log.warning("search index repaired from the store: %d reports, %d passages in %.1f s (%s)",
                    stats.reports, stats.passages, stats.seconds, stats.generation)
        return problem


@dataclass(frozen=True)
class Lag:
    """How far the live index is behind the store's change sequence."""

    applied: int | None  # seq the index reflects (None: no index, or it never recorded one)
    latest: int  # newest seq in the store
    oldest_pending: datetime | None  # when the oldest change not yet applied was made

    @property
    def current(self) -> bool:
        """Whether the index reflects every change the store has."""
        return self.applied is not None and self.applied >= self.latest

    def seconds_behind(self, now: datetime | None = None) -> float:
        """Age of the oldest change not yet applied (0 when current; inf without an index)."""
        if self.current:
            return 0.0
        if self.applied is None or self.oldest_pending is None:
            return float("inf")
        at = self.oldest_pending if self.oldest_pending.tzinfo else self.oldest_pending.replace(tzinfo=UTC)
        return max(0.0, ((now or datetime.now(UTC)) - at).total_seconds())


def _read_live(config: ArchiveConfig, read: Callable[[sqlite3.Connection], T], otherwise: T) -> T:
    """``read`` on the live generation's literal table, read-only; ``otherwise`` without a
    readable one."""
    generation = current_generation(config.index_dir)
    if generation is None:
        return otherwise
    try:
        conn = sqlite3.connect(f"file:{generation / LITERAL_DB}?mode=ro", uri=True)
        try:
            return read(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return otherwise


def applied_seq(config: ArchiveConfig) -> int | None:
    """The change seq the live generation reflects (None without a readable one)."""
    return _read_live(config, applied_change, None)


def marks_pending(config: ArchiveConfig) -> bool:
    """Whether the live generation holds template marking an update did not finish."""
    return _read_live(config, templates.pending, False)


def lag(config: ArchiveConfig, sessions: sessionmaker[Session]) -> Lag:
    """How far the index is behind the store: two indexed queries, cheap enough for every poll."""
    applied = applied_seq(config)
    with sessions() as session:
        latest = latest_change(session)
        oldest = None
        if applied is not None and latest > applied:
            oldest = session.scalar(select(func.min(Change.at)).where(Change.seq > applied))
    return Lag(applied, latest, oldest)


def catch_up(config: ArchiveConfig, sessions: sessionmaker[Session], wait: bool = True) -> int | None:
    """Apply the store's changes the index has not seen (building it when there is none).

    Returns how many reports were re-read, or None when ``wait`` is off and another process is
    already at it (a background follower just tries again on its next round).
    """

    with _recover_lock(config, wait) as held:
        if not held:
            return None
        if current_generation(config.index_dir) is None:
            stats = rebuild(config, sessions)
            log.warning("search index built from the store: %d reports, %d passages in %.1f s (%s)",
                        stats.reports, stats.passages, stats.seconds, stats.generation)
            return stats.reports
        applied = applied_seq(config)
        with sessions() as session:
            latest, report_ids = changes_since(session, applied or 0)
            ids = sorted(report_ids)
            chunks = (ids[start:start + IN_CHUNK] for start in range(0, len(ids), IN_CHUNK))
            held = {rid for chunk in chunks
                    for rid in session.scalars(select(Report.id).where(Report.id.in_(chunk)))}
        if report_ids:  # re-read the reports the store holds, drop those it no longer does
            update(config, sessions, sorted(held), sorted(report_ids - held), change_seq=latest)
        elif applied != latest:  # an index written before it recorded a seq: nothing to re-read
            _write_live(config, lambda conn: literal.remember_change(conn, latest))
        if not report_ids and marks_pending(config):  # an update cut after it made reports searchable
            _write_live(config, templates.complete)
        return len(report_ids)


def _write_live(config: ArchiveConfig, write: Callable[[sqlite3.Connection], object]) -> None:
    """``write`` on the live generation's literal table, committed, under the writer lock."""
    with writer_lock(config.index_dir):
        generation = current_generation(config.index_dir)
        if generation is None:
            return
        conn = literal.connect(generation / LITERAL_DB)
        try:
            write(conn)
            conn.commit()
        finally:
            conn.close()


def _diagnose(config: ArchiveConfig, sessions: sessionmaker[Session],
              ) -> tuple[str | None, set[str] | None, set[str] | None]:
    """(problem, reports to index, reports to drop); the sets are None when only a rebuild helps."""
    generation = current_generation(config.index_dir)
    if generation is None:
        return f"no index generation in {config.index_dir}", None, None
    try:
        indexed_reports, indexed_passages, version = _literal_contents(generation / LITERAL_DB)
        whoosh_docs = _whoosh_doc_count(generation / WHOOSH_DIR)
    except Exception as error:  # any failure to read a structure means it is corrupt
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        return f"generation {generation.name} is unreadable ({reason})", None, None
    if version != SCHEMA_VERSION:
        return (f"generation {generation.name} has an older layout "
                f"(literal schema {version}, this version reads {SCHEMA_VERSION})"), None, None
    if whoosh_docs != indexed_passages:
        return (f"generation {generation.name} is inconsistent "
                f"({whoosh_docs} ranked documents, {indexed_passages} literal passages)"), None, None
    with sessions() as session:
        stored = set(session.scalars(select(Report.id)))
    missing, extra = stored - indexed_reports, indexed_reports - stored
    if missing or extra:
        problem = (f"generation {generation.name} is out of date with the store "
                   f"({len(missing)} reports not indexed, {len(extra)} indexed but no longer stored)")
        return problem, missing, extra
    return None, set(), set()


def _literal_contents(path: Path) -> tuple[set[str], int, int]:
    """Report ids, passage count and layout version of a literal table, after SQLite's own
    integrity check (skipped when this very file already passed it, ``indexer.index.integrity``)."""
    if not path.is_file():
        raise FileNotFoundError(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check_once(conn, path)
        reports = {rid for (rid,) in conn.execute("SELECT report_id FROM reports")}
        (passages,) = conn.execute("SELECT count(*) FROM passages").fetchone()
        version = schema_version(conn)
    finally:
        conn.close()
    return reports, passages, version


def _whoosh_doc_count(folder: Path) -> int:
    """Documents in the Whoosh index, reading every segment's table of contents and postings."""
    ix = open_whoosh(folder)
    with ix.searcher() as searcher:
        count = searcher.doc_count()
        reader = searcher.reader()
        for _ in zip(range(1000), reader.all_terms(), strict=False):  # touch the term dictionary
            pass
    return count

