"""The change log other index nodes follow: every report ingested, corrected or deleted adds a
``Change`` (the table is among the store's models), in the transaction that makes the change.

Several web nodes share one store, each with its own index; a report added on one must be found
on all. Each node applies the changes after the last ``seq`` it applied
(``indexer.index.recovery.catch_up``). The store's sessions are made here (``make_session_factory``),
next to the hook they run on every flush, so no write through a session can miss the log.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .db import Change, Report, utcnow

# Any constant: the PostgreSQL advisory lock that orders writers of ``changes`` (see record_changes).
CHANGES_LOCK = 0x6661_7A68


def record_changes(session: Session, _context: object = None, _instances: object = None) -> None:
    """``before_flush`` hook: add a ``Change`` for every report this flush inserts, modifies or
    deletes through the ORM. A write that bypasses the unit of work (a Core ``insert`` of report
    rows) must call ``add_changes`` itself, or no other node's index will see it."""
    kinds = [(obj.id, "ingested") for obj in session.new if isinstance(obj, Report)]
    kinds += [(obj.id, "deleted") for obj in session.deleted if isinstance(obj, Report)]
    kinds += [(obj.id, "corrected") for obj in session.dirty
              if isinstance(obj, Report) and session.is_modified(obj, include_collections=False)]
    add_changes(session, kinds)


def add_changes(session: Session, changes: Iterable[tuple[str, str]]) -> None:
    """Add ``(report_id, kind)`` entries to the change sequence, in ``session``'s transaction.

    A follower reads "changes after the last seq I applied", so seqs must become visible in
    order. On PostgreSQL a sequence hands out numbers at insert, not at commit, so two writers
    could commit 6 before 5 and a follower that saw 6 would skip 5 forever; a transaction-scoped
    advisory lock, held from the first change to the commit, makes writers of changes take
    turns. SQLite has one writer at a time anyway.
    """
    now = utcnow()
    rows = [Change(report_id=report_id, kind=kind, at=now) for report_id, kind in changes]
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGES_LOCK})
    session.add_all(rows)


def latest_change(session: Session) -> int:
    """The newest seq of the change sequence (0 when nothing was ever recorded)."""
    return session.scalar(select(func.max(Change.seq))) or 0


def changes_since(session: Session, seq: int) -> tuple[int, set[str]]:
    """(newest seq, the reports changed after ``seq``); ``seq`` itself when nothing changed."""
    rows = session.execute(select(Change.seq, Change.report_id).where(Change.seq > seq)).all()
    return max((row.seq for row in rows), default=seq), {row.report_id for row in rows}


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose objects stay readable after commit (no lazy reload surprises), and
    whose every change to a report is recorded in the change sequence (``record_changes``)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", record_changes)
    return factory
