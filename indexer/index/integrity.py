"""SQLite's integrity check of a literal table, paid once per state of the file.

The check reads the whole file and would be most of a server's start if every start ran it (the
first search must come soon after launch), so a pass is recorded beside the file and stands until
the file changes. The builder runs it on what it has just written (``verify_literal``); the
start-up check (``indexer.index.recovery``) runs it on whatever it finds (``check_once``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

CHECKED_SUFFIX = ".checked"


def verify_literal(path: Path) -> None:
    """SQLite's integrity check of a literal table the builder has just written and closed, so
    that the server started next finds the pass recorded (``already_checked``) instead of
    paying for it (≈ 0.65 s of a 1.9 s start at 10,000 reports); raises ``sqlite3.DatabaseError``
    when it fails."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check_once(conn, path)
    finally:
        conn.close()


def check_once(conn: sqlite3.Connection, path: Path) -> None:
    """``quick_check`` on ``path`` unless this very file already passed it; records a pass."""
    if already_checked(path):
        return
    verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"quick_check: {verdict}")
    _mark_checked(path)


def _file_state(path: Path) -> str:
    state = path.stat()
    return f"{state.st_size}:{state.st_mtime_ns}"


def already_checked(path: Path) -> bool:
    """Whether ``quick_check`` already passed on this file as it is now (same size and mtime).

    The check reads the whole file (≈ 0.3 s at 10,000 reports, growing with the corpus) and
    is most of a gunicorn start (the first search must come within 1.5 s of launch). A
    generation is written once and then only read, so a pass recorded beside it stays valid
    until the file changes; truncation or an overwrite changes size or mtime and brings the
    full check back.
    """
    marker = path.with_name(path.name + CHECKED_SUFFIX)
    try:
        return marker.read_text(encoding="ascii") == _file_state(path)
    except OSError:
        return False


def _mark_checked(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only index folder just means checking again next start
        path.with_name(path.name + CHECKED_SUFFIX).write_text(_file_state(path), encoding="ascii")
