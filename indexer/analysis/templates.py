"""Copies across reports: which clauses of a paragraph other townships' reports repeat.

Township reports copy clauses from upper-level documents and from each other
(``深入学习贯彻习近平法治思想…``). A clause (``indexer.analysis.clauses``) is *shared* with another report
when that report holds a near-verbatim copy: the Jaccard similarity of the two clauses' shingle
sets is at least ``nearcopies.SIMILARITY``, candidates from a MinHash LSH, each confirmed by the
MinHash estimate (``indexer.analysis.nearcopies``). A folded wording (place names, 我镇 and numbers as
placeholders) found in ``FOLD_REPORTS`` reports or more is one template clause, and all its
variants are compared as that one key; a rarer wording keeps its own key: folding it would make
two townships' openings (``现将尼山镇2024年度…报告如下``) copies of each other on the strength of
the placeholders alone.

What the counts are for: *which other reports share a passage's wording* — the reader's
"N 份报告有相同表述" beside a template sentence, and every search hit's ``shared`` (the count,
and the earliest reports holding the same clause). Whether text is template is decided sentence
by sentence from the text itself (``indexer.analysis.wording``); a copy detector finds only copies.

Counting. A clause's mark is the number of *other* reports holding a copy, reports of the same
township (its other years) not counted; a passage's is the largest among its clauses. Clauses
shorter than ``clauses.MIN_CHARS`` are not marked. Why these numbers: bench/LOG.md,
"Template marks".

Storage, in the literal table's SQLite file: each key once, with its MinHash once clauses are
compared on it (``clause_keys``); every markable clause with its raw, folded and compared key
and its mark (``sentence_marks``); every passage with a shared clause (``passage_marks``).
``mark`` computes all of it for a new generation. An incremental update calls ``forget`` then
``add``, which recount only the clauses whose compared key is near a key that gained or lost a
clause (a folded wording crossing ``FOLD_REPORTS`` changes its clauses' key): ``mark``'s
computation on fewer clauses, so the marks are those a rebuild gives. The update first commits
the reports searchable, with what ``add`` must do recorded (``defer``, ``marks_pending``), and
``complete`` runs it in a second commit: a new report is found within a second, its marks follow
(≈ 12 s at 10,000 generated reports), and an update cut between the two commits leaves the work
recorded for the next ``complete``.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clauses import clauses, execute, rows

if TYPE_CHECKING:
    from . import nearcopies

MIN_REPORTS = 2  # from this many other reports on, a wording is counted as common to many
FOLD_REPORTS = MIN_REPORTS + 1  # a folded wording this common stands for all its variants
_COLUMNS = "gid, start, end, raw_id, fold_id, key_id, reports"
EXAMPLES = 5  # reports named as sharing a hit's wording (the oldest first)
EXAMPLE_ROWS = 50  # holders of its clauses looked at to choose them

SCHEMA = """
CREATE TABLE IF NOT EXISTS clause_keys (
    key_id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    minhash BLOB
);
CREATE TABLE IF NOT EXISTS sentence_marks (
    gid INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    raw_id INTEGER NOT NULL,
    fold_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (gid, start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passage_marks (
    gid INTEGER PRIMARY KEY,
    reports INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS marks_pending (
    report_id TEXT,
    fold_id INTEGER,
    key_id INTEGER
);
"""
# For ``add``: the clauses of a key, of a folded wording. ``mark`` builds them after its inserts.
INDEXES = """
CREATE INDEX IF NOT EXISTS sentence_marks_key ON sentence_marks(key_id);
CREATE INDEX IF NOT EXISTS sentence_marks_fold ON sentence_marks(fold_id);
"""


@dataclass(frozen=True)
class SentenceMark:
    """A shared clause of a passage: ``text[start:end]``, copied by ``reports`` other reports."""

    start: int
    end: int
    reports: int


@dataclass(frozen=True)
class Shared:
    """Other reports sharing a passage's wording: how many hold a copy of its most shared clause
    (near copies included), and the oldest of those holding that very clause (``EXAMPLES``)."""

    reports: int
    examples: tuple[tuple[str, str, str, int | None, str], ...]  # report_id, township, county, year, title

    def to_json(self) -> dict[str, object]:
        """The documented wire form (``web.schemas.search.SharedSchema``)."""
        return {"reports": self.reports, "examples": [
            {"report_id": rid, "township": township, "county": county, "year": year, "title": title}
            for rid, township, county, year, title in self.examples]}


NOT_SHARED = Shared(0, ())


def create(conn: sqlite3.Connection) -> None:
    """Create the mark tables and their indexes (idempotent)."""
    conn.executescript(SCHEMA + INDEXES)


def _key_ids(conn: sqlite3.Connection, keys: Collection[str]) -> dict[str, int]:
    """The ``clause_keys`` id of each of ``keys`` (new ones are stored, not yet hashed)."""
    ids = dict(rows(conn, "SELECT key, key_id FROM clause_keys WHERE key IN ({})", keys))
    (top,) = conn.execute("SELECT coalesce(max(key_id), 0) FROM clause_keys").fetchone()
    new = {key: top + 1 + n for n, key in enumerate(sorted(set(keys) - ids.keys()))}
    conn.executemany("INSERT INTO clause_keys(key_id, key) VALUES (?, ?)",
                     [(key_id, key) for key, key_id in new.items()])
    return ids | new


def _hash(conn: sqlite3.Connection, key_ids: Collection[int]) -> None:
    """Store the MinHash of those of ``key_ids`` that have none yet (the keys clauses are compared on)."""
    from . import nearcopies  # numpy + scipy: imported by the builder only, never by a search process

    unhashed = list(rows(conn, "SELECT key_id, key FROM clause_keys WHERE minhash IS NULL AND key_id IN ({})",
                         key_ids))
    conn.executemany("UPDATE clause_keys SET minhash = ? WHERE key_id = ?",
                     [(signature, key_id) for (key_id, _key), signature
                      in zip(unhashed, nearcopies.signatures([key for _id, key in unhashed]), strict=True)])


def _neighbours(conn: sqlite3.Connection) -> nearcopies.Neighbours:
    """Every hashed key, to look up near copies in."""
    from . import nearcopies

    return nearcopies.Neighbours(conn.execute(
        "SELECT key_id, minhash FROM clause_keys WHERE minhash IS NOT NULL ORDER BY key_id"))


def _counts(clauses: list[tuple[int, str, int]], near: dict[int, list[int]],
            reports_of: dict[int, set[str]], places: dict[str, tuple[str, str, str]]) -> list[int]:
    """For each clause (gid, report, key id), the number of other townships' reports holding a
    copy: the reports holding a key near its key, less its own report and its township's others."""
    united: dict[tuple[int, ...], frozenset[str]] = {}
    holders: dict[int, frozenset[str]] = {}
    for key, copies in near.items():
        signature = tuple(sorted(copies))
        if signature not in united:
            united[signature] = frozenset().union(*(reports_of.get(other, ()) for other in signature))
        holders[key] = united[signature]
    same_place: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for report_id, place in places.items():
        same_place[place].append(report_id)
    siblings = {report_id: [other for other in same_place[place] if other != report_id]
                for report_id, place in places.items()}
    out: list[int] = []
    for _gid, report_id, key in clauses:
        held = holders[key]
        out.append(len(held) - 1 - sum(other in held for other in siblings.get(report_id, ())))
    return out


def _places(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """Each report's township (a report without one is a place of its own)."""
    return {rid: (province, county, township) if township else ("", "", rid)
            for rid, province, county, township in conn.execute(
                "SELECT report_id, province, county, township FROM reports")}


def mark(conn: sqlite3.Connection) -> int:
    """Compute every clause's and passage's mark from the passages in ``conn`` (a new generation);
    the caller commits. Returns the number of passages with a shared clause."""
    conn.executescript(SCHEMA)
    conn.executescript("DROP INDEX IF EXISTS sentence_marks_key; DROP INDEX IF EXISTS sentence_marks_fold;")
    for table in ("clause_keys", "sentence_marks", "passage_marks"):
        conn.execute(f"DELETE FROM {table}")
    found = clauses(conn, None)
    holding: dict[str, set[str]] = defaultdict(set)
    for clause in found:
        holding[clause.folded].add(clause.report)
    ids = _key_ids(conn, {clause.raw for clause in found} | holding.keys())
    keys = [ids[c.folded] if len(holding[c.folded]) >= FOLD_REPORTS else ids[c.raw] for c in found]
    keyed = [(c.gid, c.report, key) for c, key in zip(found, keys, strict=True)]
    reports_of: dict[int, set[str]] = defaultdict(set)
    for _gid, report_id, key in keyed:
        reports_of[key].add(report_id)
    _hash(conn, reports_of.keys())
    neighbours = _neighbours(conn)
    counts = _counts(keyed, {key: neighbours.near(key) for key in reports_of}, reports_of, _places(conn))
    conn.executemany(
        f"INSERT INTO sentence_marks({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.gid, c.start, c.end, ids[c.raw], ids[c.folded], key, n)
         for c, key, n in zip(found, keys, counts, strict=True)])
    conn.executescript(INDEXES)
    by_passage: dict[int, int] = defaultdict(int)
    for clause, reports in zip(found, counts, strict=True):
        by_passage[clause.gid] = max(by_passage[clause.gid], reports)
    return _write_passage_marks(conn, by_passage)


def forget(conn: sqlite3.Connection, report_ids: Collection[str]) -> set[tuple[int, int]]:
    """Drop the clauses of reports about to be removed from the literal table; returns their
    (fold id, key id) pairs, for ``add`` to recount the clauses near them."""
    gids = [gid for (gid,) in rows(conn, "SELECT gid FROM passages WHERE report_id IN ({})", report_ids)]
    keys = set(rows(conn, "SELECT fold_id, key_id FROM sentence_marks WHERE gid IN ({})", gids))
    for table in ("sentence_marks", "passage_marks"):
        execute(conn, f"DELETE FROM {table} WHERE gid IN ({{}})", gids)
    return keys


def add(conn: sqlite3.Connection, report_ids: Collection[str],
        forgotten: Collection[tuple[int, int]] = ()) -> int:
    """Mark the clauses of reports just added (``report_ids``) and recount every clause whose
    mark can have changed, given the clauses ``forget`` dropped: the same computation as
    ``mark``'s, on those clauses only. The caller commits. Returns the number of passages re-marked."""
    create(conn)
    found = clauses(conn, report_ids)
    ids = _key_ids(conn, {c.raw for c in found} | {c.folded for c in found})
    conn.executemany(  # key -1 until the folded wordings are counted below
        f"INSERT INTO sentence_marks({_COLUMNS}) VALUES (?, ?, ?, ?, ?, -1, 0)",
        [(c.gid, c.start, c.end, ids[c.raw], ids[c.folded]) for c in found])
    touched = {key for _fold, key in forgotten}
    # a folded wording that reached or left FOLD_REPORTS reports: its clauses change key
    for fold in {fold for fold, _key in forgotten} | {ids[c.folded] for c in found}:
        (holding,) = conn.execute("SELECT count(DISTINCT p.report_id) FROM sentence_marks s JOIN passages p "
                                  "ON p.gid = s.gid WHERE s.fold_id = ?", (fold,)).fetchone()
        target = "fold_id" if holding >= FOLD_REPORTS else "raw_id"
        touched.update(key for (key,) in conn.execute(
            f"SELECT DISTINCT key_id FROM sentence_marks WHERE fold_id = ? AND key_id != {target}", (fold,)))
        conn.execute(f"UPDATE sentence_marks SET key_id = {target} WHERE fold_id = ? AND key_id != {target}",
                     (fold,))
        touched.update(key for (key,) in conn.execute(
            "SELECT DISTINCT key_id FROM sentence_marks WHERE fold_id = ?", (fold,)))
    touched.discard(-1)
    _hash(conn, touched)
    neighbours = _neighbours(conn)
    affected = {near for key in touched for near in neighbours.near(key)}
    near = {key: neighbours.near(key) for key in affected}
    reports_of: dict[int, set[str]] = defaultdict(set)
    for key, report_id in rows(conn, "SELECT DISTINCT s.key_id, p.report_id FROM sentence_marks s "
                                      "JOIN passages p ON p.gid = s.gid WHERE s.key_id IN ({})",
                                {other for copies in near.values() for other in copies}):
        reports_of[key].add(report_id)
    recount = list(rows(conn, "SELECT s.gid, p.report_id, s.key_id, s.start, s.reports "
                               "FROM sentence_marks s JOIN passages p ON p.gid = s.gid "
                               "WHERE s.key_id IN ({})", affected))
    counts = _counts([row[:3] for row in recount], near, reports_of, _places(conn))
    changed = [(n, gid, start) for (gid, _rid, _key, start, old), n in zip(recount, counts, strict=True)
               if n != old]
    conn.executemany("UPDATE sentence_marks SET reports = ? WHERE gid = ? AND start = ?", changed)
    gids = {gid for _n, gid, _start in changed} | {clause.gid for clause in found}
    by_passage: dict[int, int] = defaultdict(int)
    for gid, reports in rows(conn, "SELECT gid, reports FROM sentence_marks WHERE gid IN ({})", gids):
        by_passage[gid] = max(by_passage[gid], reports)
    execute(conn, "DELETE FROM passage_marks WHERE gid IN ({})", gids)
    _write_passage_marks(conn, by_passage)
    return len(gids)


def defer(
    conn: sqlite3.Connection, report_ids: Collection[str], forgotten: Collection[tuple[int, int]]
) -> None:
    """Record what ``add`` must do for an update (its reports, the clause keys ``forget``
    dropped), in the update's own transaction, for ``complete`` to do after it commits."""
    create(conn)
    conn.executemany("INSERT INTO marks_pending(report_id) VALUES (?)", [(rid,) for rid in report_ids])
    conn.executemany("INSERT INTO marks_pending(fold_id, key_id) VALUES (?, ?)", list(forgotten))


def pending(conn: sqlite3.Connection) -> bool:
    """Whether ``defer`` recorded work ``complete`` has not done (a cut update leaves it); reads
    only, so a read-only connection can ask (a generation older than the table has none)."""
    try:
        return conn.execute("SELECT 1 FROM marks_pending LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return False
        raise


def complete(conn: sqlite3.Connection) -> int:
    """Do everything ``defer`` recorded, as one ``add``, and clear it; the caller commits.
    Returns the number of passages re-marked."""
    if not pending(conn):
        return 0
    rows = conn.execute("SELECT report_id, fold_id, key_id FROM marks_pending").fetchall()
    report_ids = {rid for rid, _fold, _key in rows if rid is not None}
    forgotten = {(fold, key) for rid, fold, key in rows if rid is None}
    marked = add(conn, report_ids, forgotten)
    conn.execute("DELETE FROM marks_pending")
    return marked


def _write_passage_marks(conn: sqlite3.Connection, by_passage: dict[int, int]) -> int:
    """Store the marks of the passages in ``by_passage`` (largest clause count) that have a
    shared clause; returns how many."""
    shared = [(gid, reports) for gid, reports in by_passage.items() if reports]
    conn.executemany("INSERT INTO passage_marks(gid, reports) VALUES (?, ?)", shared)
    return len(shared)


def report_marks(conn: sqlite3.Connection, report_id: str) -> dict[int, tuple[SentenceMark, ...]]:
    """The shared clauses of one report's passages, by ¶ ``seq`` (in text order)."""
    found: dict[int, list[SentenceMark]] = defaultdict(list)
    for seq, start, end, reports in conn.execute(
        "SELECT p.seq, s.start, s.end, s.reports FROM passages p JOIN sentence_marks s ON s.gid = p.gid "
        "WHERE p.report_id = ? AND p.unit = 'p' AND s.reports > 0 ORDER BY p.seq, s.start", (report_id,)
    ):
        found[seq].append(SentenceMark(start, end, reports))
    return {seq: tuple(marks) for seq, marks in found.items()}


def shared(conn: sqlite3.Connection, gids: Collection[int]) -> dict[int, Shared]:
    """Who shares the wording of each of ``gids`` (passages without a shared clause absent): the
    count of other townships' reports holding a copy of its most shared clause, and up to
    ``EXAMPLES`` of them — those holding that clause with the same compared key — oldest first
    (looked for among the first ``EXAMPLE_ROWS`` holders: a stock clause has thousands)."""
    counts = dict(rows(conn, "SELECT gid, reports FROM passage_marks WHERE gid IN ({})", gids))
    out: dict[int, Shared] = {}
    for gid, reports in counts.items():
        (own,) = conn.execute(
            "SELECT r.report_no, r.province, r.county, r.township FROM passages p "
            "JOIN reports r ON r.report_id = p.report_id WHERE p.gid = ?", (gid,)).fetchall()
        holders = [number for (number,) in conn.execute(
            "SELECT DISTINCT p.report_no FROM sentence_marks o JOIN passage_keys p ON p.gid = o.gid "
            "WHERE o.key_id = (SELECT key_id FROM sentence_marks WHERE gid = ? "
            "ORDER BY reports DESC, start LIMIT 1) AND p.report_no != ? LIMIT ?",
            (gid, own[0], EXAMPLE_ROWS))]
        found = sorted(
            (row for row in rows(conn, "SELECT report_id, township, county, year, title, province "
                                       "FROM reports WHERE report_no IN ({})", holders)
             if not own[3] or (row[5], row[2], row[1]) != own[1:]),
            key=lambda row: (not row[3], row[3], row[0]))[:EXAMPLES]
        out[gid] = Shared(reports, tuple((rid, township, county, int(year) if year else None, title)
                                         for rid, township, county, year, title, _province in found))
    return out
