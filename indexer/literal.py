"""Exact literal matching: an SQLite FTS5 trigram table built beside the Whoosh index.

The archive promises that *any* string of one or more characters in a passage finds it. Word
segmentation cannot keep that (jieba cuts 坪山镇 as one word, so "山镇" is no token), so matching
is literal: a passage matches a word iff the word is a substring of ``fold_for_match(passage)``.
FTS5 rather than Whoosh n-grams: C, on disk (page cache shared by every worker), deletes for
incremental updates, and a file of its own inside the index generation, so it works whatever the
store is (the decision: docs/decisions.md; its measurements: bench/LOG.md, "Literal path").

How a word is matched (always exact):

* ≥ 3 characters: an FTS5 trigram phrase match. With ``case_sensitive 1`` every character starts
  a trigram at its own position, so the phrase matches exactly the texts containing the word; no
  re-check, and the wide passage row is never read (``passage_keys`` covers what a match needs).
* 2 characters: each indexed text ends with ``END`` (two ``SENTINEL`` characters no word
  contains), so every occurrence starts a trigram; the trigrams beginning with the word come
  from the index's own vocabulary (``fts5vocab``) and are ORed into one FTS5 query. A word in
  more than ``COMMON_SHARE`` of all places (法治, 建设) is scanned instead (``common_words``):
  ORing its hundreds of doclists costs more than reading every text.
* 1 character: ``instr`` scans the folded column (a prefix walk costs more for common ones).

Rows are *places* a reader sees (``UNITS``): passages, each report's title and its headings. An
inline heading (``（三）压实领导责任。按照…``) belongs to its passage for plain searches and has a
row of its own (unit ``i``) only for ``heading:``, so no occurrence counts twice. ``seq`` is the
¶ number, the section's ordinal for a heading (anchor ``s-<seq>``), 0 for a title. Each row also
carries display text, heading path and facet values, so counts, facets and snippets come from
this one file; ``SCHEMA_VERSION`` in ``meta`` lets ``indexer.recovery`` rebuild an older layout.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.fields import FACET_COLUMNS, INDEXED, PLACE_COLUMNS, columns

from . import templates, wording
from .query_tree import AllOf, AnyOf, Literal, Node, Not, ParsedQuery, SameSentence, sentences_contain_all

# Trigrams need three characters; 2-character words are answered by the trigrams they begin
# (``PREFIX``), 1-character words by a scan with instr().
TRIGRAM = 3
PREFIX = 2
# A 2-character word whose trigrams are in more than this share of all places is scanned.
COMMON_SHARE = 0.3
# Filters leaving at most this many reports (≈ 2,600 places): every word is scanned in them.
NARROW_REPORTS = 100
# Appended to every text the trigram index holds, so that the last characters of a text begin
# trigrams too. A noncharacter: no text or query word has it (one that does is scanned).
SENTINEL = "\uffff"
END = SENTINEL * (TRIGRAM - 1)
# Bumped whenever the layout below changes; stored in ``meta`` under ``schema``.
SCHEMA_VERSION = 9  # 4: template marks (indexer.templates); 5: texts end with ``END``; 6: clause keys;
# 7: report, place and section numbers, the narrow ``passage_keys``; 8: template sentences (``wording``);
# 9: each report's issue date, so a result page needs nothing from the store
# Columns of ``passage_keys`` (besides gid), a narrow copy of ``passages``: what ``covered``
# queries read, once per match, so integers found by rowid (行政执法 at 10,000 reports, 31,000
# matches, match set and section facet: 37 → 28 ms against a covering index with the section's
# name; 45 ms against the earlier index of every facet column, whose report-level filters now
# go through ``reports``).
KEYS = ("report_no", "section_no", "chars", "unit")

# The kinds of place a row is (column ``unit``).
PASSAGE = "p"  # a paragraph: ¶ ``seq``
HEADING = "h"  # a heading line, which is no paragraph: anchor ``s-<seq>``
INLINE = "i"  # the heading sentence opening a paragraph: only for ``heading:``, the paragraph has it
TITLE = "t"  # the report's title
UNITS = (PASSAGE, HEADING, INLINE, TITLE)
# Which rows a query may return: plain words, ``title:``, ``heading:``, and a query of filters
# only (then the report's passages, as before titles and headings were indexed).
SCOPE_UNITS = {None: (PASSAGE, HEADING, TITLE), "title": (TITLE,), "heading": (HEADING, INLINE),
               "filters": (PASSAGE,)}
# What a result page calls each kind of place.
PLACE_NAMES = {PASSAGE: "passage", HEADING: "heading", INLINE: "heading", TITLE: "title"}


def anchor(unit: str, seq: int) -> str:
    """The reader's fragment for a place: ``p-<seq>`` (¶), ``s-<ordinal>`` (heading), the title."""
    if unit == PASSAGE:
        return f"p-{seq}"
    return f"s-{seq}" if unit in (HEADING, INLINE) else "report-title"

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
# is expanded to (``compile_literal``). Created before the table exists in a new file; read lazily.
VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.trigram_terms USING fts5vocab(main, trigrams, 'row')"
# Every occurrence of every trigram (term, doc, col, offset), per connection: counts of a
# 2-character word per text (``count_occurrences``) without reading the text.
INSTANCES = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.trigram_instances "
             "USING fts5vocab(main, trigrams, 'instance')")
# The FTS5 query "t1" OR "t2" … of every trigram in [?, ?); '""' (matches nothing) when none.
PREFIX_QUERY = (
    "coalesce((SELECT group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') "
    "FROM temp.trigram_terms WHERE term >= ? AND term < ?), '\"\"')"
)


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
    are counted per place number, then summed per level (``indexer.facets``). A report already
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
    """Record the store's change sequence number this index reflects (``archive.store.Change``)."""
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('change_seq', ?)", (seq,))


def applied_change(conn: sqlite3.Connection) -> int | None:
    """The change sequence number recorded by ``remember_change`` (None: never recorded)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()
    return row[0] if row else None


def heading_json(path: list[str]) -> str:
    """How a heading path is stored in the literal table."""
    return json.dumps(list(path), ensure_ascii=False)


# --- match expressions ------------------------------------------------------------------------

def common_words(conn: sqlite3.Connection, words: Iterable[str]) -> frozenset[str]:
    """The 2-character ``words`` to scan rather than look up: those whose trigrams are in more
    than ``COMMON_SHARE`` of all places, by the index's own per-trigram row counts (summed: an
    upper bound, and the number of postings a lookup would merge)."""
    (places,) = conn.execute("SELECT coalesce(max(gid), 0) FROM passages").fetchone()
    common: set[str] = set()
    for word in filter(_prefix_word, set(words)):
        (postings,) = conn.execute("SELECT coalesce(sum(doc), 0) FROM temp.trigram_terms "
                                   "WHERE term >= ? AND term < ?", (word, prefix_end(word))).fetchone()
        if postings > COMMON_SHARE * places:
            common.add(word)
    return frozenset(common)


def covered(parsed: ParsedQuery, scanned: Collection[str] = ()) -> bool:
    """Whether ``compile_where(parsed, scanned)`` can be answered from ``passage_keys`` without
    the rows: every word is answered by the trigram index and no same-sentence test reads the
    text (its filters are then on the keys, or on ``reports``)."""
    if parsed.original:
        return False  # its own sentences are read in the text
    return parsed.match is None or _covered(parsed.match, scanned)


def _covered(node: Node, scanned: Collection[str]) -> bool:
    if isinstance(node, Literal):
        return indexed(node.text) and node.text not in scanned
    if isinstance(node, AllOf | AnyOf):
        return all(_covered(part, scanned) for part in node.parts)
    if isinstance(node, Not):
        return _covered(node.part, scanned)
    return False


def compile_where(parsed: ParsedQuery, scanned: Collection[str] = ()) -> tuple[str, list[object]]:
    """SQL condition on ``passages`` (alias ``p``) selecting exactly the matching passages; the
    words in ``scanned`` (``common_words``) are matched by reading the text. When ``covered``,
    it reads the columns of ``passage_keys`` only."""
    clauses, params = _place_kinds(parsed, on_keys=False)
    if parsed.match is not None:
        sql, args = _compile_node(parsed.match, scanned)
        clauses.append(sql)
        params.extend(args)
    filters, filter_params = _filter_clauses(parsed, on_keys=covered(parsed, scanned))
    return " AND ".join(f"({clause})" for clause in clauses + filters), params + filter_params


def compile_scope(parsed: ParsedQuery) -> tuple[str, list[object]]:
    """``compile_where`` without the words, on the columns of ``passage_keys``: which kinds of
    place, of which reports, the query may return (for a query that joins the words' FTS5 match)."""
    kinds, params = _place_kinds(parsed, on_keys=True)
    filters, filter_params = _filter_clauses(parsed, on_keys=True)
    return " AND ".join(f"({clause})" for clause in kinds + filters), params + filter_params


def _place_kinds(parsed: ParsedQuery, on_keys: bool) -> tuple[list[str], list[object]]:
    """Conditions on a place's kind, with their parameters: the query's scope; ``original:yes``
    — on the keys, only that the passage is no template passage; on the rows, that the query
    holds in its own sentences (``wording.own_match``); ``indicator:``, the passages giving a
    figure of its measures (``indexer.indicator_table``)."""
    units = SCOPE_UNITS[parsed.scope if parsed.match is not None else "filters"]
    if parsed.original:  # only passages of the township's own wording: fewer matches, never others
        units = tuple(unit for unit in units if unit == PASSAGE)
    clauses = [f"p.unit IN ({', '.join(repr(unit) for unit in units) or 'NULL'})"]
    params: list[object] = []
    if parsed.indicators:
        clauses.append("p.gid IN (SELECT value FROM json_each(indicator_gids(?)))")
        params.append(json.dumps(list(parsed.indicators), ensure_ascii=False))
    if not parsed.original:
        return clauses, params
    if on_keys or parsed.match is None:
        clauses.append(wording.NOT_TEMPLATE_SQL)
        return clauses, params
    clauses.append(wording.ORIGINAL_SQL)
    return clauses, [*params, wording.node_json(parsed.match)]


def report_filters(parsed: ParsedQuery) -> tuple[list[str], list[object]]:
    """The query's report-level filters (year, places, type) as conditions on ``reports r``."""
    return _compile_filters(parsed, "r", REPORT_COLUMNS)


def section_filters(parsed: ParsedQuery) -> tuple[list[str], list[object]]:
    """The query's passage-level filters (section) as conditions on ``sections s``."""
    return _compile_filters(parsed, "s", ("section",))


def _indicator_gids(path: Path, measures: str) -> str:
    """SQL function ``indicator_gids``: the passages of this literal file giving a figure of the
    measures (JSON list in, JSON list out), from the indicator table kept for the file."""
    from .indicator_table import figure_gids  # imported here: that module reads this one

    return json.dumps(figure_gids(path, json.loads(measures)))


def _filter_clauses(parsed: ParsedQuery, on_keys: bool) -> tuple[list[str], list[object]]:
    """The query's filters as conditions on ``p``. On the keys: by number, the values found in
    ``reports`` (report-level ones) and in ``sections``; ``+``: tested on each match's entry,
    never made into one lookup per match and number (依法行政 year:2023 took 14.7 s that way).
    On the rows: on their own columns, with only the filtered reports' passages visited."""
    on_reports, report_params = _compile_filters(parsed, "r", REPORT_COLUMNS)
    reports = " AND ".join(on_reports)
    if on_keys:
        on_sections, params = section_filters(parsed)
        clauses: list[str] = []
        if on_sections:
            sections = " AND ".join(on_sections)
            clauses.append(f"+p.section_no IN (SELECT s.section_no FROM sections s WHERE {sections})")
        if on_reports:
            clauses.append(f"+p.report_no IN (SELECT r.report_no FROM reports r WHERE {reports})")
            params += report_params
        return clauses, params
    clauses, params = _compile_filters(parsed, "p", PASSAGE_COLUMNS)
    if on_reports:
        # The text is read: visit only the filtered reports' passages (``passages_report``) rather
        # than every row (法治 county:万州区 at 10,000 reports: 166 → 2 ms). Redundant with the
        # passage columns above, which stay for the section filter (a passage-level value).
        clauses.append(f"p.report_id IN (SELECT r.report_id FROM reports r WHERE {reports})")
        params += report_params
    return clauses, params


def _compile_filters(
    parsed: ParsedQuery, table: str, columns: Collection[str]
) -> tuple[list[str], list[object]]:
    """SQL conditions of the query's filters on the ``columns`` of ``table`` that it has."""
    clauses: list[str] = []
    params: list[object] = []
    for name, values in parsed.filters.items():
        if name == "year_range" or name not in columns:
            continue
        clauses.append(f"{table}.{name} IN ({', '.join('?' * len(values))})")
        params.extend(values)
    if parsed.year_range is not None and "year" in columns:
        low, high = parsed.year_range
        clauses.append(f"({table}.year <> '' AND CAST({table}.year AS INTEGER) BETWEEN ? AND ?)")
        params.extend([low, high])
    return clauses, params


def _compile_node(node: Node, scanned: Collection[str]) -> tuple[str, list[object]]:
    if isinstance(node, Literal):
        return compile_literal(node.text, scanned)
    if isinstance(node, AllOf | AnyOf):
        joiner = " AND " if isinstance(node, AllOf) else " OR "
        looked_up = [part for part in node.parts if _trigram_literal(part) and part.text not in scanned]
        long_words = [part.text for part in looked_up if isinstance(part, Literal)]
        parts = [_compile_node(part, scanned) for part in node.parts if part not in looked_up]
        if long_words:  # one FTS5 query: the doclists are intersected / merged inside FTS5, in C
            parts.insert(0, ("p.gid IN (SELECT rowid FROM trigrams WHERE trigrams MATCH ?)",
                             [joiner.join(fts_phrase(word) for word in long_words)]))
        return joiner.join(f"({sql})" for sql, _ in parts), [arg for _, args in parts for arg in args]
    if isinstance(node, Not):
        sql, args = _compile_node(node.part, scanned)
        return f"NOT ({sql})", args
    if isinstance(node, SameSentence):
        parts = [compile_literal(word, scanned) for word in node.words]
        sql = " AND ".join(f"({part})" for part, _ in parts)
        args = [arg for _, part_args in parts for arg in part_args]
        return f"{sql} AND same_sentence(p.folded, ?)", [*args, json.dumps(list(node.words))]
    raise TypeError(f"unknown query node {node!r}")


def rank_match(parsed: ParsedQuery) -> str | None:
    """FTS5 query ranking the matches by bm25: the query's positive words of ``TRIGRAM``+
    characters, ANDed when the query requires every one of them (FTS5 then intersects before
    scoring, far fewer rows), else ORed. None when the query has no such word."""
    words = [word for word in parsed.positive_literals() if len(word) >= TRIGRAM]
    if not words:
        return None
    match = parsed.match
    if isinstance(match, AllOf):
        required = {part.text for part in match.parts if isinstance(part, Literal)}
    else:
        required = {match.text} if isinstance(match, Literal) else set()
    joiner = " AND " if set(words) <= required else " OR "
    return joiner.join(fts_phrase(word) for word in words)


def _trigram_literal(node: Node) -> bool:
    return isinstance(node, Literal) and _phrase_word(node.text)


def narrow(conn: sqlite3.Connection, parsed: ParsedQuery) -> bool:
    """Whether the query's report filters leave at most ``NARROW_REPORTS`` reports: then every
    word is read from those reports' passages (``compile_where`` drives from them) rather than
    looked up in the whole index (行政执法 township:知木林镇 at 50,000 reports: 158 → 6 ms, plus
    5 ms for this count; a rare word costs a few ms more than its lookup)."""
    on_reports, params = _compile_filters(parsed, "r", REPORT_COLUMNS)
    if parsed.match is None or not on_reports:
        return False
    (count,) = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM reports r WHERE {' AND '.join(on_reports)} LIMIT ?)",
        [*params, NARROW_REPORTS + 1],
    ).fetchone()
    return count <= NARROW_REPORTS


def indexed(word: str) -> bool:
    """Whether ``compile_literal(word)`` is answered from the trigram index alone (no text read)."""
    return _phrase_word(word) or _prefix_word(word)


def _phrase_word(word: str) -> bool:
    """Whether the trigram index answers ``word`` as a phrase of its trigrams."""
    return len(word) >= TRIGRAM and SENTINEL not in word


def _prefix_word(word: str) -> bool:
    """Whether the trigram index answers ``word`` by the trigrams it begins (``prefix_end``
    needs a last character below the highest code point)."""
    return len(word) == PREFIX and SENTINEL not in word and word[-1] < chr(sys.maxunicode)


def compile_literal(word: str, scanned: Collection[str] = ()) -> tuple[str, list[object]]:
    """SQL condition on ``passages`` (alias ``p``): the folded text contains ``word`` (read from
    the text for a word in ``scanned``)."""
    if _phrase_word(word) and word not in scanned:
        return "p.gid IN (SELECT rowid FROM trigrams WHERE trigrams MATCH ?)", [fts_phrase(word)]
    if _prefix_word(word) and word not in scanned:
        return (f"p.gid IN (SELECT rowid FROM trigrams WHERE trigrams MATCH {PREFIX_QUERY})",
                [word, prefix_end(word)])
    return "instr(p.folded, ?) > 0", [word]


def count_occurrences(word: str) -> tuple[str, list[object]] | None:
    """SQL of ``(gid, n)``: how often a 2-character ``word`` occurs in each text holding it, read
    from the index (each occurrence begins exactly one trigram); None for a word it cannot count."""
    if not _prefix_word(word):
        return None
    return ("SELECT doc AS gid, count(*) AS n FROM temp.trigram_instances WHERE term >= ? AND term < ? "
            "GROUP BY doc", [word, prefix_end(word)])


def prefix_end(word: str) -> str:
    """The least string above every string that begins with ``word`` (its last character + 1):
    terms are compared as UTF-8 bytes, which order as code points do (surrogates are skipped:
    no text has them, and UTF-8 cannot bind them)."""
    above = ord(word[-1]) + 1
    return word[:-1] + chr(0xE000 if 0xD800 <= above < 0xE000 else above)


def fts_phrase(word: str) -> str:
    """``word`` as an FTS5 phrase (a word of ``TRIGRAM`` characters or more): exact substring."""
    return '"' + word.replace('"', '""') + '"'


def _same_sentence_sql(folded: str, words_json: str) -> int:
    """SQL function: 1 when every word occurs inside one sentence of the passage."""
    return int(sentences_contain_all(folded, json.loads(words_json)))
