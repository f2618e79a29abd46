"""A parsed query as SQL over the literal table (``indexer.index.literal``): exactly the places holding it.

Why a module of its own: the archive promises that every phrase of one or more characters finds
every place that holds it, and that every count is exact. The table only stores trigrams; this
module keeps the promise, turning each word, whatever its length, into a condition the table
answers without missing a place or adding one, and the query's scope and filters into conditions
on the same rows, so that counts and facets are taken over exactly the matches.

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
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Collection, Iterable

from indexer.analysis import wording
from indexer.analysis.query_tree import AllOf, AnyOf, Literal, Node, Not, ParsedQuery, SameSentence

from .literal import PASSAGE_COLUMNS, REPORT_COLUMNS, SENTINEL, TRIGRAM
from .place_kinds import HEADING, INLINE, PASSAGE, TITLE

# 2-character words are answered by the trigrams they begin (``PREFIX``), 1-character words by a
# scan with instr().
PREFIX = 2
# A 2-character word whose trigrams are in more than this share of all places is scanned.
COMMON_SHARE = 0.3
# Filters leaving at most this many reports (≈ 2,600 places): every word is scanned in them.
NARROW_REPORTS = 100
# Which rows a query may return: plain words, ``title:``, ``heading:``, and a query of filters
# only (then the report's passages, as before titles and headings were indexed).
SCOPE_UNITS = {None: (PASSAGE, HEADING, TITLE), "title": (TITLE,), "heading": (HEADING, INLINE),
               "filters": (PASSAGE,)}
# The FTS5 query "t1" OR "t2" … of every trigram in [?, ?); '""' (matches nothing) when none.
PREFIX_QUERY = (
    "coalesce((SELECT group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') "
    "FROM temp.trigram_terms WHERE term >= ? AND term < ?), '\"\"')"
)


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
    figure of its measures (``indexer.index.indicator_table``)."""
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
