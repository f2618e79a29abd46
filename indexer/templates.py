"""Template detection (issue 13 §1): which passages and clauses other townships' reports share.

Township reports copy clauses from upper-level documents (``深入学习贯彻习近平法治思想…``). A
clause is *shared* with another report when that report holds a near-verbatim copy: the Jaccard
similarity of the two clauses' shingle sets is at least ``nearcopies.SIMILARITY``, candidates
from a MinHash LSH, each confirmed by the MinHash estimate (``indexer.nearcopies``). Clauses are
compared on a *key*, the folded text without punctuation. Its *folded* form writes the report's
own place names (township, county, with and without 镇/县…), its self-references (我镇/全乡) and
numbers as placeholders; a folded wording found in ``FOLD_REPORTS`` reports or more is one
template clause, and all its variants are compared as that one key. A rarer wording keeps its
own key: folding it would make two townships' openings (``现将尼山镇2024年度…报告如下``) copies
of each other on the strength of the placeholders alone.

Counting. A clause's mark is the number of *other* reports holding a copy, reports of the same
township (its other years) not counted. A passage's mark is the largest ``N`` such that its
clauses shared by at least ``N`` other reports cover ``COVERAGE`` of its markable characters;
from ``MIN_REPORTS`` on it is a template passage (通用表述): ranking demotes it, ``original:yes``
drops it. Clauses shorter than ``MIN_CHARS`` are not marked. Why these numbers, and what they
measure on the labelled sample (``tests/corpus/template_labels.tsv``): docs/decisions.md,
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

import re
import sqlite3
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from archive.normalize import fold_for_match

if TYPE_CHECKING:
    from . import nearcopies

MIN_CHARS = 8  # shorter clauses are not marked
MIN_REPORTS = 2  # a passage / clause shared by at least this many other reports is 通用表述
COVERAGE = 0.3  # share of a passage's markable characters its template clauses must cover
# The unit marked is the clause (分句): text between 。！？；，： and line ends (folded to ASCII;
# a point or comma between digits does not end one). Template wording is copied clause by clause
# into sentences of the township's own, so whole sentences are rarely shared verbatim.
SENTENCE_END = re.compile(r"[!?;:\n\r]|(?<!\d)[.,]|[.,](?!\d)")
# Characters that do not make two clauses different (folded punctuation, spaces, quotes).
_NOISE = re.compile(r"[\s\"'()\[\]<>《》、“”‘’]")
# A *folded* key writes the report's own place names, 我镇/全乡/本街道 (``PLACE``) and numbers (``0``)
# as placeholders; a folded wording found in ``FOLD_REPORTS`` reports stands for all its variants.
PLACE = "□"
FOLD_REPORTS = MIN_REPORTS + 1  # a wording this common is 通用表述 by itself
_SELF_REFERENCE = re.compile(r"(?<=[我全本])(?:镇|乡|街道)")
_DIGITS = re.compile(r"\d+")
_PLACE_SUFFIXES = ("街道", "镇", "乡", "县", "区", "市", "旗")
_JOIN = ";"  # ends a clause, so no clause holds one: clauses of a passage are keyed in one string
_CHUNK = 500  # values per SQL ``IN (…)``
_COLUMNS = "gid, start, end, raw_id, fold_id, key_id, reports"

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
    reports INTEGER NOT NULL,
    template INTEGER NOT NULL
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
# SQL condition on ``passages p``: the passage is not 通用表述 (``original:yes``).
ORIGINAL_SQL = "p.gid NOT IN (SELECT gid FROM passage_marks WHERE template = 1)"


@dataclass(frozen=True)
class SentenceMark:
    """A shared clause of a passage: ``text[start:end]``, copied by ``reports`` other reports."""

    start: int
    end: int
    reports: int

    @property
    def template(self) -> bool:
        """Whether this clause is 通用表述 (shared by ``MIN_REPORTS`` or more other reports)."""
        return self.reports >= MIN_REPORTS


@dataclass(frozen=True)
class PassageMark:
    """A passage's mark and its shared clauses (in text order)."""

    reports: int
    template: bool
    sentences: tuple[SentenceMark, ...]


class Clause(NamedTuple):
    """One markable clause: ``folded[start:end]`` of passage ``gid`` of ``report``, compared on
    its ``raw`` key (the folded text without punctuation and spaces) or its ``folded`` key."""

    gid: int
    report: str
    start: int
    end: int
    raw: str
    folded: str


def create(conn: sqlite3.Connection) -> None:
    """Create the mark tables and their indexes (idempotent)."""
    conn.executescript(SCHEMA + INDEXES)


def sentence_spans(folded: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each markable clause of a folded passage, leading/trailing spaces cut.

    Folding is length-preserving, so the spans index the display text as well.
    """
    start = 0
    for match in [*SENTENCE_END.finditer(folded), None]:
        end = match.start() if match else len(folded)
        clause = folded[start:end]
        kept = clause.strip()
        if len(kept) >= MIN_CHARS:
            left = start + len(clause) - len(clause.lstrip())
            yield left, left + len(kept)
        start = match.end() if match else len(folded)


def _rows(conn: sqlite3.Connection, sql: str, values: Collection[object]) -> Iterator[tuple]:
    """The rows of ``sql`` (one ``{}`` where ``IN ({})`` takes ``values``), a chunk at a time."""
    ordered = list(values)
    for first in range(0, len(ordered), _CHUNK):
        chunk = ordered[first:first + _CHUNK]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def _execute(conn: sqlite3.Connection, sql: str, values: Collection[object]) -> None:
    """Run a statement without result rows (one ``{}`` for ``values``), a chunk at a time."""
    deque(_rows(conn, sql, values), maxlen=0)


def _place_names(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Each report's own place names (township, county or city, each also without its 镇/县…),
    folded, longest first: what its folded keys write as ``PLACE``."""
    out: dict[str, tuple[str, ...]] = {}
    for report_id, city, county, township in conn.execute(
            "SELECT report_id, city, county, township FROM reports"):
        names: set[str] = set()
        for name in (township, county or city):
            if not name:
                continue
            name = fold_for_match(name)
            stem = name.removesuffix(next((s for s in _PLACE_SUFFIXES if name.endswith(s)), ""))
            names.update(n for n in (name, stem) if len(n) >= 2)
        out[report_id] = tuple(sorted(names, key=len, reverse=True))
    return out


def _fold(raw: str, places: tuple[str, ...]) -> str:
    """``raw`` key(s) with the place names ``places``, self-references and numbers as placeholders."""
    for name in places:
        raw = raw.replace(name, PLACE)
    return _DIGITS.sub("0", _SELF_REFERENCE.sub(PLACE, raw))


def _clauses(conn: sqlite3.Connection, report_ids: Collection[str] | None) -> list[Clause]:
    """The markable clauses of every passage (or of the passages of ``report_ids``)."""
    places = _place_names(conn)
    sql = "SELECT gid, report_id, folded FROM passages WHERE unit = 'p'"
    rows = (conn.execute(sql) if report_ids is None
            else _rows(conn, sql + " AND report_id IN ({})", report_ids))
    out: list[Clause] = []
    for gid, report_id, folded in rows:
        spans = list(sentence_spans(folded))
        if not spans:
            continue
        raw = _NOISE.sub("", _JOIN.join(folded[start:end] for start, end in spans))
        for (start, end), key, folded_key in zip(
                spans, raw.split(_JOIN), _fold(raw, places.get(report_id, ())).split(_JOIN), strict=True):
            if len(key) >= MIN_CHARS:
                out.append(Clause(gid, report_id, start, end, key, folded_key))
    return out


def _key_ids(conn: sqlite3.Connection, keys: Collection[str]) -> dict[str, int]:
    """The ``clause_keys`` id of each of ``keys`` (new ones are stored, not yet hashed)."""
    ids = dict(_rows(conn, "SELECT key, key_id FROM clause_keys WHERE key IN ({})", keys))
    (top,) = conn.execute("SELECT coalesce(max(key_id), 0) FROM clause_keys").fetchone()
    new = {key: top + 1 + n for n, key in enumerate(sorted(set(keys) - ids.keys()))}
    conn.executemany("INSERT INTO clause_keys(key_id, key) VALUES (?, ?)",
                     [(key_id, key) for key, key_id in new.items()])
    return ids | new


def _hash(conn: sqlite3.Connection, key_ids: Collection[int]) -> None:
    """Store the MinHash of those of ``key_ids`` that have none yet (the keys clauses are compared on)."""
    from . import nearcopies  # numpy + scipy: imported by the builder only, never by a search process

    rows = list(_rows(conn, "SELECT key_id, key FROM clause_keys WHERE minhash IS NULL AND key_id IN ({})",
                      key_ids))
    conn.executemany("UPDATE clause_keys SET minhash = ? WHERE key_id = ?",
                     [(signature, key_id) for (key_id, _key), signature
                      in zip(rows, nearcopies.signatures([key for _id, key in rows]), strict=True)])


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
    the caller commits. Returns the number of template passages."""
    conn.executescript(SCHEMA)
    conn.executescript("DROP INDEX IF EXISTS sentence_marks_key; DROP INDEX IF EXISTS sentence_marks_fold;")
    for table in ("clause_keys", "sentence_marks", "passage_marks"):
        conn.execute(f"DELETE FROM {table}")
    clauses = _clauses(conn, None)
    holding: dict[str, set[str]] = defaultdict(set)
    for clause in clauses:
        holding[clause.folded].add(clause.report)
    ids = _key_ids(conn, {clause.raw for clause in clauses} | holding.keys())
    keys = [ids[c.folded] if len(holding[c.folded]) >= FOLD_REPORTS else ids[c.raw] for c in clauses]
    keyed = [(c.gid, c.report, key) for c, key in zip(clauses, keys, strict=True)]
    reports_of: dict[int, set[str]] = defaultdict(set)
    for _gid, report_id, key in keyed:
        reports_of[key].add(report_id)
    _hash(conn, reports_of.keys())
    neighbours = _neighbours(conn)
    counts = _counts(keyed, {key: neighbours.near(key) for key in reports_of}, reports_of, _places(conn))
    conn.executemany(
        f"INSERT INTO sentence_marks({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.gid, c.start, c.end, ids[c.raw], ids[c.folded], key, n)
         for c, key, n in zip(clauses, keys, counts, strict=True)])
    conn.executescript(INDEXES)
    by_passage: dict[int, list[SentenceMark]] = defaultdict(list)
    for clause, reports in zip(clauses, counts, strict=True):
        by_passage[clause.gid].append(SentenceMark(clause.start, clause.end, reports))
    return _write_passage_marks(conn, by_passage)


def forget(conn: sqlite3.Connection, report_ids: Collection[str]) -> set[tuple[int, int]]:
    """Drop the clauses of reports about to be removed from the literal table; returns their
    (fold id, key id) pairs, for ``add`` to recount the clauses near them."""
    gids = [gid for (gid,) in _rows(conn, "SELECT gid FROM passages WHERE report_id IN ({})", report_ids)]
    keys = set(_rows(conn, "SELECT fold_id, key_id FROM sentence_marks WHERE gid IN ({})", gids))
    for table in ("sentence_marks", "passage_marks"):
        _execute(conn, f"DELETE FROM {table} WHERE gid IN ({{}})", gids)
    return keys


def add(conn: sqlite3.Connection, report_ids: Collection[str],
        forgotten: Collection[tuple[int, int]] = ()) -> int:
    """Mark the clauses of reports just added (``report_ids``) and recount every clause whose
    mark can have changed, given the clauses ``forget`` dropped: the same computation as
    ``mark``'s, on those clauses only. The caller commits. Returns the number of passages re-marked."""
    create(conn)
    clauses = _clauses(conn, report_ids)
    ids = _key_ids(conn, {c.raw for c in clauses} | {c.folded for c in clauses})
    conn.executemany(  # key -1 until the folded wordings are counted below
        f"INSERT INTO sentence_marks({_COLUMNS}) VALUES (?, ?, ?, ?, ?, -1, 0)",
        [(c.gid, c.start, c.end, ids[c.raw], ids[c.folded]) for c in clauses])
    touched = {key for _fold, key in forgotten}
    # a folded wording that reached or left FOLD_REPORTS reports: its clauses change key
    for fold in {fold for fold, _key in forgotten} | {ids[c.folded] for c in clauses}:
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
    for key, report_id in _rows(conn, "SELECT DISTINCT s.key_id, p.report_id FROM sentence_marks s "
                                      "JOIN passages p ON p.gid = s.gid WHERE s.key_id IN ({})",
                                {other for copies in near.values() for other in copies}):
        reports_of[key].add(report_id)
    recount = list(_rows(conn, "SELECT s.gid, p.report_id, s.key_id, s.start, s.reports "
                               "FROM sentence_marks s JOIN passages p ON p.gid = s.gid "
                               "WHERE s.key_id IN ({})", affected))
    counts = _counts([row[:3] for row in recount], near, reports_of, _places(conn))
    changed = [(n, gid, start) for (gid, _rid, _key, start, old), n in zip(recount, counts, strict=True)
               if n != old]
    conn.executemany("UPDATE sentence_marks SET reports = ? WHERE gid = ? AND start = ?", changed)
    gids = {gid for _n, gid, _start in changed} | {clause.gid for clause in clauses}
    by_passage: dict[int, list[SentenceMark]] = defaultdict(list)
    for gid, start, end, reports in _rows(conn, "SELECT gid, start, end, reports FROM sentence_marks "
                                                "WHERE gid IN ({})", gids):
        by_passage[gid].append(SentenceMark(start, end, reports))
    _execute(conn, "DELETE FROM passage_marks WHERE gid IN ({})", gids)
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


def _write_passage_marks(conn: sqlite3.Connection, by_passage: dict[int, list[SentenceMark]]) -> int:
    """Store the marks of the passages in ``by_passage`` (those with a shared clause); returns
    how many are template passages."""
    rows = [(gid, *passage_mark(marks)) for gid, marks in by_passage.items()]
    conn.executemany("INSERT INTO passage_marks(gid, reports, template) VALUES (?, ?, ?)",
                     [row for row in rows if row[1]])
    return sum(row[2] for row in rows)


def passage_mark(sentences: Iterable[SentenceMark]) -> tuple[int, int]:
    """(reports, template) of a passage from its markable sentences (see the module docstring):
    the largest N whose sentences shared by ≥ N other reports cover ``COVERAGE`` of it."""
    ordered = sorted(sentences, key=lambda m: -m.reports)
    total = sum(m.end - m.start for m in ordered)
    covered = 0
    for sentence in ordered:
        covered += sentence.end - sentence.start
        if covered >= COVERAGE * total:
            return sentence.reports, int(sentence.reports >= MIN_REPORTS)
    return 0, 0


def report_marks(conn: sqlite3.Connection, report_id: str) -> dict[int, PassageMark]:
    """The marks of one report's passages, by ¶ ``seq`` (passages without a shared sentence absent)."""
    marks: dict[int, PassageMark] = {}
    rows = conn.execute(
        "SELECT p.seq, m.reports, m.template FROM passages p JOIN passage_marks m ON m.gid = p.gid "
        "WHERE p.report_id = ? AND p.unit = 'p'", (report_id,))
    heads = {seq: (reports, bool(template)) for seq, reports, template in rows}
    found: dict[int, list[SentenceMark]] = defaultdict(list)
    for seq, start, end, reports in conn.execute(
        "SELECT p.seq, s.start, s.end, s.reports FROM passages p JOIN sentence_marks s ON s.gid = p.gid "
        "WHERE p.report_id = ? AND p.unit = 'p' AND s.reports > 0 ORDER BY p.seq, s.start", (report_id,)
    ):
        found[seq].append(SentenceMark(start, end, reports))
    for seq in heads.keys() | found.keys():
        reports, template = heads.get(seq, (0, False))
        marks[seq] = PassageMark(reports, template, tuple(found.get(seq, ())))
    return marks


def template_gids(conn: sqlite3.Connection, gids: Iterable[int]) -> set[int]:
    """Which of ``gids`` are template passages (for ranking)."""
    return {gid for (gid,) in _rows(conn, "SELECT gid FROM passage_marks WHERE template = 1 AND gid IN ({})",
                                    list(gids))}


def original_text(conn: sqlite3.Connection, gid: int, text: str) -> str:
    """``text`` (passage ``gid``) without its template sentences: the township's own wording."""
    cuts = [(start, end) for start, end in conn.execute(
        "SELECT start, end FROM sentence_marks WHERE gid = ? AND reports >= ? ORDER BY start",
        (gid, MIN_REPORTS))]
    pieces: list[str] = []
    cursor = 0
    for start, end in cuts:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces).strip()
