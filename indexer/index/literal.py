"""Exact literal matching: an SQLite FTS5 trigram table built beside the Whoosh index.

The archive promises that *any* string of one or more characters in a passage finds it. Word
segmentation cannot keep that (jieba cuts 坪山镇 as one word, so "山镇" is no token), so matching
is literal: a passage matches a word iff the word is a substring of ``fold_for_match(passage)``.
FTS5 rather than Whoosh n-grams: C, on disk (page cache shared by every worker), deletes for
incremental updates, and a file of its own inside the index generation, so it works whatever the
store is (the decision: docs/decisions.md; its measurements: bench/LOG.md, "Literal path").

This module is the table: its layout, the rows written to it and their bookkeeping. Every text
it indexes ends with ``END``, so that every character of it, the last ones too, begins a trigram;
how a query's words become exact conditions on it is ``indexer.index.literal_sql``.

Rows are *places* a reader sees (``indexer.index.place_kinds``): passages, each report's title and
its headings. An inline heading (``（三）压实领导责任。按照…``) belongs to its passage for plain
searches and has a row of its own (unit ``i``) only for ``heading:``, so no occurrence
counts twice. ``seq`` is the ¶ number, the section's ordinal for a heading (anchor
``s-<seq>``), 0 for a title. Each row also carries display text, heading path and facet
values, so counts, facets and snippets come from this one file; ``SCHEMA_VERSION`` in
``meta`` lets ``indexer.index.recovery`` rebuild an older layout.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.fields import FACET_COLUMNS, INDEXED, PLACE_COLUMNS, columns
from indexer.analysis import templates, wording
from indexer.analysis.query_tree import sentences_contain_all

from .place_kinds import PASSAGE

# Trigrams need three characters (shorter words: ``indexer.index.literal_sql``).
TRIGRAM = 3
# Appended to every text the trigram index holds, so that the last characters of a text begin
# trigrams too. A noncharacter: no text or query word has it (one that does is scanned).
SENTINEL = "\uffff"
END = SENTINEL * (TRIGRAM - 1)
# Bumped whenever the layout below changes; stored in ``meta`` under ``schema``.
# 4: template marks (indexer.analysis.templates); 5: texts end with ``END``; 6: clause keys;
SCHEMA_VERSION = 9
# 7: report, place and section numbers, the narrow ``passage_keys``; 8: template sentences (``wording``);
# 9: each report's issue date, so a result page needs nothing from the store
# Columns of ``passage_keys`` (besides gid), a narrow copy of ``passages``: what ``literal_sql.covered``
# queries read, once per match, so integers found by rowid (行政执法 at 10,000 reports, 31,000
# matches, match set and section facet: 37 → 28 ms against a covering index with the section's
# name; 45 ms against the earlier index of every facet column, whose report-level filters now
# go through ``reports``).
KEYS = ("report_no", "section_no", "chars", "unit")

SCHEMA_TEMPLATE = """
CREATE TABLE IF NOT EXISTS passages (
    gid INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL,
    report_no INTEGER NOT NULL,
    section_no INTEGER NOT NULL,
    unit TEXT NOT NULL,
    seq INTEGER NOT NULL,
    folded TEXT NOT NULL,
    text TEXT NOT NULL,
    chars INTEGER NOT NULL,
    heading TEXT NOT NULL,
    {facet_columns}
);
CREATE INDEX IF NOT EXISTS passages_report ON passages(report_id, seq);
CREATE TABLE IF NOT EXISTS passage_keys (
    gid INTEGER PRIMARY KEY,
    report_no INTEGER NOT NULL,
    section_no INTEGER NOT NULL,
    chars INTEGER NOT NULL,
    unit TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sections (section_no INTEGER PRIMARY KEY, section TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS reports (
    report_no INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL UNIQUE,
    place_no INTEGER NOT NULL,
    {report_columns}
);
CREATE TABLE IF NOT EXISTS report_places (
    place_no INTEGER PRIMARY KEY,
    {place_columns},
    UNIQUE ({place_list})
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);
CREATE VIRTUAL TABLE IF NOT EXISTS trigrams USING fts5(
    folded, content='', tokenize='trigram case_sensitive 1', detail=full
);
CREATE TRIGGER IF NOT EXISTS passages_ad AFTER DELETE ON passages BEGIN
    INSERT INTO trigrams(trigrams, rowid, folded) VALUES ('delete', old.gid, old.folded || '{end}');
    DELETE FROM passage_keys WHERE gid = old.gid;
    DELETE FROM passage_wording WHERE gid = old.gid;
END;
"""
SCHEMA = SCHEMA_TEMPLATE.format(
    end=END,
    facet_columns=",\n    ".join(f"{name} TEXT NOT NULL" for name in FACET_COLUMNS),
    report_columns=",\n    ".join(f"{name} TEXT NOT NULL" for name in columns(INDEXED)),
    place_columns=",\n    ".join(f"{name} TEXT NOT NULL" for name in PLACE_COLUMNS),
    place_list=", ".join(PLACE_COLUMNS),
)
# The index's vocabulary (one row per distinct trigram), per connection: what a 2-character word
# is expanded to (``literal_sql.compile_literal``). Created before the table exists in a new file;
# read lazily.
VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.trigram_terms USING fts5vocab(main, trigrams, 'row')"
# Every occurrence of every trigram (term, doc, col, offset), per connection: counts of a
# 2-character word per text (``literal_sql.count_occurrences``) without reading the text.
INSTANCES = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.trigram_instances "
             "USING fts5vocab(main, trigrams, 'instance')")


PASSAGE_COLUMNS = ("gid", "report_id", "unit", "seq", "folded", "text", "heading", *FACET_COLUMNS)
FOLDED = PASSAGE_COLUMNS.index("folded")
UNIT = PASSAGE_COLUMNS.index("unit")
REPORT_COLUMNS = ("report_id", *columns(INDEXED))


@dataclass(frozen=True)
class PassageRow:
    """One place as the literal table stores it (``folded`` is ``fold_for_match(text)``)."""

    gid: int
    report_id: str
    unit: str  # one of ``UNITS``
    seq: int
    folded: str
    text: str
    heading: str  # JSON list of heading labels, outermost first
    section: str
    year: str
    province: str
    city: str
    county: str
    township: str
    doc_type: str


@dataclass(frozen=True)
class ReportRow:
    """Report-level fields needed to group, sort and title results."""

    report_id: str
    title: str
    year: str
    province: str
    city: str
    county: str
    township: str
    doc_type: str
    issue_date: str = ""


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the SQL functions the match expressions use (WAL: readers never block)."""
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.create_function("same_sentence", 2, _same_sentence_sql, deterministic=True)
    conn.create_function("indicator_gids", 1, functools.partial(_indicator_gids, path), deterministic=True)
    conn.create_function("own_match", 3, wording.own_match, deterministic=True)
    conn.execute(VOCABULARY)
    conn.execute(INSTANCES)
    return conn


def create(conn: sqlite3.Connection) -> None:
    """Create the tables of an empty literal index, stamped with ``SCHEMA_VERSION``."""
    wording.create(conn)  # before the passages' delete trigger names it
    conn.executescript(SCHEMA)
    templates.create(conn)
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))


def schema_version(conn: sqlite3.Connection) -> int:
    """Layout version of an existing literal index (1: before the version was recorded)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return int(row[0]) if row else 1


def insert(conn: sqlite3.Connection, passages: Iterable[PassageRow], reports: Iterable[ReportRow]) -> None:
    """Add reports and their passages (rows and trigrams); the caller commits.

    Each report's place (``PLACE_COLUMNS``) is numbered once in ``report_places``: place facets
    are counted per place number, then summed per level (``indexer.results.facets``). A report already
    stored keeps its ``report_no`` (its fields, place included, are updated); a passage of a
    report that is neither in ``reports`` nor stored is refused (``ValueError``): counted under
    no report, it would be a match no result lists.
    """
    stored = [(tuple(getattr(row, name) for name in PLACE_COLUMNS),
                tuple(getattr(row, name) for name in REPORT_COLUMNS)) for row in reports]
    conn.executemany(
        f"INSERT OR IGNORE INTO report_places({', '.join(PLACE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(PLACE_COLUMNS))})",
        sorted({place for place, _ in stored}),
    )
    place_no = ("(SELECT place_no FROM report_places WHERE "
                + " AND ".join(f"{name} = ?" for name in PLACE_COLUMNS) + ")")
    updated = ", ".join(f"{name} = excluded.{name}" for name in ("place_no", *REPORT_COLUMNS[1:]))
    conn.executemany(
        f"INSERT INTO reports(place_no, {', '.join(REPORT_COLUMNS)}) "
        f"VALUES ({place_no}, {', '.join('?' * len(REPORT_COLUMNS))}) "
        f"ON CONFLICT(report_id) DO UPDATE SET {updated}",
        [(*place, *row) for place, row in stored],
    )
    passage_rows = list(passages)
    report_ids = {row.report_id for row in passage_rows}
    report_numbers = _numbers(conn, "reports", "report_id", "report_no", report_ids)
    if missing := report_ids - report_numbers.keys():
        raise ValueError(f"passages of reports not in the index's report table: {sorted(missing)[:5]}")
    sections = {row.section for row in passage_rows}
    conn.executemany("INSERT OR IGNORE INTO sections(section) VALUES (?)",
                     [(name,) for name in sorted(sections)])
    section_numbers = _numbers(conn, "sections", "section", "section_no", sections)
    rows = [(*(getattr(row, name) for name in PASSAGE_COLUMNS), report_numbers[row.report_id],
             section_numbers[row.section], len(row.text)) for row in passage_rows]
    conn.executemany(
        f"INSERT INTO passages({', '.join(PASSAGE_COLUMNS)}, report_no, section_no, chars) "
        f"VALUES ({', '.join('?' * (len(PASSAGE_COLUMNS) + 3))})",
        rows,
    )
    conn.executemany(
        f"INSERT INTO passage_keys(gid, {', '.join(KEYS)}) VALUES (?, {', '.join('?' * len(KEYS))})",
        [(row[0], *row[-3:], row[UNIT]) for row in rows],
    )
    conn.executemany(
        "INSERT INTO trigrams(rowid, folded) VALUES (?, ?)", [(row[0], row[FOLDED] + END) for row in rows]
    )
    places = {row.report_id: wording.own_names(row.township) for row in passage_rows}
    conn.executemany("INSERT INTO passage_wording(gid, template, spans) VALUES (?, ?, ?)", wording.rows(
        ((row.gid, row.text, row.folded) for row in passage_rows if row.unit == PASSAGE),
        {row.gid: places[row.report_id] for row in passage_rows}))


def _numbers(
    conn: sqlite3.Connection, table: str, name: str, number: str, values: set[str]
) -> dict[str, int]:
    """``{value: number}`` of the stored ``values`` of column ``name`` in ``table``."""
    wanted = sorted(values)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):  # SQLite's limit on bound variables
        chunk = wanted[start:start + 500]
        found.update(conn.execute(
            f"SELECT {name}, {number} FROM {table} WHERE {name} IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall())
    return found


def delete_reports(conn: sqlite3.Connection, report_ids: Iterable[str]) -> list[int]:
    """Remove reports and their passages; returns the gids removed (for the Whoosh side)."""
    removed: list[int] = []
    for report_id in report_ids:
        gids = [gid for (gid,) in conn.execute("SELECT gid FROM passages WHERE report_id = ?", (report_id,))]
        conn.execute("DELETE FROM passages WHERE report_id = ?", (report_id,))
        conn.execute("DELETE FROM reports WHERE report_id = ?", (report_id,))
        removed.extend(gids)
    return removed


def next_gid(conn: sqlite3.Connection) -> int:
    """First unused passage key. Keys are never reused, so a stale Whoosh doc cannot alias a new one."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'last_gid'").fetchone()
    (top,) = conn.execute("SELECT max(gid) FROM passages").fetchone()
    return max(top or 0, row[0] if row else 0) + 1


def remember_gid(conn: sqlite3.Connection, last_gid: int) -> None:
    """Persist the highest gid ever handed out (deleting the newest passages must not free it)."""
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('last_gid', ?)", (last_gid,))


def remember_change(conn: sqlite3.Connection, seq: int) -> None:
    """Record the store's change sequence number this index reflects (``archive.store.db.Change``)."""
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('change_seq', ?)", (seq,))


def applied_change(conn: sqlite3.Connection) -> int | None:
    """The change sequence number recorded by ``remember_change`` (None: never recorded)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()
    return row[0] if row else None


def heading_json(path: list[str]) -> str:
    """How a heading path is stored in the literal table."""
    return json.dumps(list(path), ensure_ascii=False)


def _indicator_gids(path: Path, measures: str) -> str:
    """SQL function ``indicator_gids``: the passages of this literal file giving a figure of the
    measures (JSON list in, JSON list out), from the indicator table kept for the file."""
    from .indicator_table import figure_gids  # imported here: that module reads this one

    return json.dumps(figure_gids(path, json.loads(measures)))



def _same_sentence_sql(folded: str, words_json: str) -> int:
    """SQL function: 1 when every word occurs inside one sentence of the passage."""
    return int(sentences_contain_all(folded, json.loads(words_json)))
