"""The harvester's own memory: runs, the frontier of each run, and what every URL gave last time.

Why a separate SQLite file (``ARCHIVE_HOME/harvest/state.sqlite3``) and not the store: the store
may be PostgreSQL shared by several web workers, while this is one crawler's bookkeeping, written
after every page so that a killed harvest loses at most the page it was on. Three tables:

- ``runs``: one row per harvest; a run without ``finished`` was interrupted and is resumed by
  the next harvest, which then fetches only what that run had not finished;
- ``frontier``: the URLs a run has queued, at what depth and role, and each one's outcome once
  done (progress for the admin API is read from here, so any web worker can answer it);
- ``pages``: per URL across runs, the validators (ETag, Last-Modified) and content hash of the
  last good response, the saved file, and the links a listing gave — what a later run needs to
  send a conditional request and still follow a listing that answered 304.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    heartbeat TEXT,
    pid INTEGER,
    seeds TEXT NOT NULL DEFAULT '[]',
    current TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS frontier (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    seq INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    role TEXT NOT NULL,
    referrer TEXT NOT NULL DEFAULT '',
    outcome TEXT,
    fetched INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    report_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier (run_id, outcome, seq);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT '',
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT '',
    report_id TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    fetched_at TEXT NOT NULL DEFAULT ''
);
"""

OPEN_RUN = "SELECT {} FROM runs WHERE finished IS NULL ORDER BY id DESC LIMIT 1"
# A run whose heartbeat is older than this is not running any more, whatever its row says.
STALE_SECONDS = 120


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class QueueItem:
    """One URL a run still has to visit."""

    url: str
    depth: int
    role: str  # "seed" | "page" | "pagination" | "attachment" | "redirect"
    referrer: str = ""


@dataclass
class PageRecord:
    """What the last good response of a URL left behind (validators, hash, links)."""

    url: str
    kind: str = ""
    etag: str = ""
    last_modified: str = ""
    sha256: str = ""
    file: str = ""
    report_id: str = ""
    links: list[list] = field(default_factory=list)  # [url, role] pairs a listing gave
    status: str = ""


@dataclass
class RunProgress:
    """A run as the admin API and the summary show it."""

    run_id: int
    started: str
    finished: str | None
    running: bool
    seeds: list[str]
    current: str
    queued: int
    done: int
    fetched: int
    counts: dict[str, int]
    failures: list[dict[str, str]]

    def as_dict(self) -> dict:
        """JSON form (the admin progress endpoint)."""
        return {
            "run": self.run_id, "status": "running" if self.running else ("finished" if self.finished
                                                                           else "interrupted"),
            "started": self.started, "finished": self.finished, "seeds": self.seeds,
            "current": self.current, "queued": self.queued, "done": self.done,
            "fetched": self.fetched, "counts": self.counts, "failures": self.failures,
        }


class HarvestState:
    """The state file, opened per harvest (or per progress request); every write commits."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # ----------------------------------------------------------------------------------- runs

    def open_run(self, seeds: list[str]) -> tuple[int, bool]:
        """The run to work on and whether it resumes an interrupted one (its frontier is kept)."""
        row = self.db.execute(OPEN_RUN.format("id")).fetchone()
        if row is not None:
            self.db.execute("UPDATE runs SET pid = ?, heartbeat = ? WHERE id = ?",
                            (os.getpid(), _now(), row[0]))
            self.db.commit()
            return row[0], True
        cursor = self.db.execute("INSERT INTO runs (started, heartbeat, pid, seeds) VALUES (?, ?, ?, ?)",
                                 (_now(), _now(), os.getpid(), json.dumps(seeds, ensure_ascii=False)))
        self.db.commit()
        return int(cursor.lastrowid or 0), False

    def finish_run(self, run_id: int) -> None:
        """Mark the run complete: the next harvest starts a new one (with conditional requests)."""
        self.db.execute("UPDATE runs SET finished = ?, current = '' WHERE id = ?", (_now(), run_id))
        self.db.commit()

    def running(self) -> bool:
        """Whether some process is harvesting now (an unfinished run with a fresh heartbeat)."""
        row = self.db.execute(OPEN_RUN.format("heartbeat")).fetchone()
        if row is None or not row[0]:
            return False
        age = datetime.now(UTC) - datetime.fromisoformat(row[0])
        return age.total_seconds() < STALE_SECONDS

    def set_current(self, run_id: int, url: str) -> None:
        """The URL being fetched now, and a heartbeat saying the run is alive."""
        self.db.execute("UPDATE runs SET current = ?, heartbeat = ? WHERE id = ?", (url, _now(), run_id))
        self.db.commit()

    # ------------------------------------------------------------------------------- frontier

    def enqueue(self, run_id: int, item: QueueItem) -> bool:
        """Queue ``item`` for the run unless it is already queued or done (True when new)."""
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM frontier WHERE run_id = ?",
                              (run_id,)).fetchone()[0]
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO frontier (run_id, url, seq, depth, role, referrer) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, item.url, seq, item.depth, item.role, item.referrer))
        self.db.commit()
        return cursor.rowcount > 0

    def next_pending(self, run_id: int) -> QueueItem | None:
        """The oldest queued URL the run has not finished (breadth first)."""
        row = self.db.execute(
            "SELECT url, depth, role, referrer FROM frontier WHERE run_id = ? AND outcome IS NULL "
            "ORDER BY seq LIMIT 1", (run_id,)).fetchone()
        return QueueItem(*row) if row else None

    def complete(self, run_id: int, url: str, outcome: str, *, fetched: bool, message: str = "",
                 report_id: str = "") -> None:
        """Record a URL's outcome in this run; only then is it not fetched again on resume."""
        self.db.execute(
            "UPDATE frontier SET outcome = ?, fetched = ?, message = ?, report_id = ? "
            "WHERE run_id = ? AND url = ?",
            (outcome, int(fetched), message, report_id, run_id, url))
        self.db.commit()

    def progress(self, run_id: int | None = None) -> RunProgress | None:
        """Counts of a run (the latest when ``run_id`` is None); None before any harvest."""
        query = "SELECT id, started, finished, heartbeat, seeds, current FROM runs "
        row = (self.db.execute(query + "WHERE id = ?", (run_id,)).fetchone() if run_id is not None
               else self.db.execute(query + "ORDER BY id DESC LIMIT 1").fetchone())
        if row is None:
            return None
        rid, started, finished, heartbeat, seeds, current = row
        rows = self.db.execute("SELECT url, outcome, fetched, message FROM frontier WHERE run_id = ?",
                               (rid,)).fetchall()
        counts = Counter(outcome for _, outcome, _, _ in rows if outcome)
        alive = finished is None and bool(heartbeat) and (
            datetime.now(UTC) - datetime.fromisoformat(heartbeat)).total_seconds() < STALE_SECONDS
        return RunProgress(
            run_id=rid, started=started, finished=finished, running=alive, seeds=json.loads(seeds),
            current=current, queued=len(rows), done=sum(1 for r in rows if r[1]),
            fetched=sum(r[2] for r in rows), counts=dict(sorted(counts.items())),
            failures=[{"url": url, "reason": message} for url, outcome, _, message in rows
                      if outcome == "failed"])

    def outcomes(self, run_id: int) -> dict[str, str]:
        """URL → outcome of every finished URL of the run (for tests and the summary)."""
        rows = self.db.execute("SELECT url, outcome FROM frontier WHERE run_id = ? AND outcome IS NOT NULL",
                               (run_id,)).fetchall()
        return dict(rows)

    # ---------------------------------------------------------------------------------- pages

    def page(self, url: str) -> PageRecord | None:
        """What the last good response of ``url`` left behind, if any."""
        row = self.db.execute(
            "SELECT url, kind, etag, last_modified, sha256, file, report_id, links, status FROM pages "
            "WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        return PageRecord(*row[:7], links=json.loads(row[7]), status=row[8])

    def save_page(self, record: PageRecord, message: str = "") -> None:
        """Remember a URL's validators, hash, file and links (after its file is safely ingested)."""
        self.db.execute(
            "INSERT OR REPLACE INTO pages (url, kind, etag, last_modified, sha256, file, report_id, links, "
            "status, message, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.url, record.kind, record.etag, record.last_modified, record.sha256, record.file,
             record.report_id, json.dumps(record.links, ensure_ascii=False), record.status, message, _now()))
        self.db.commit()
