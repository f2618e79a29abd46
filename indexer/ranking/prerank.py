"""The pre-rank: which of a search's matches Whoosh's BM25F scores (``indexer.ranking.bm25f``), read
cheaply in SQLite however many match, so that scoring costs the same for 10 or 500,000 matches.

* the best matches by FTS5's own bm25 over the query's words of 3+ characters, read on the
  generation's second connection while the first reads the match set (``rank_beside``) and
  kept where they are matches (``ranked_beside``), else inside the match set
  (``ranked_in_matches``);
* a query of 1–2 character words only: BM25's formula on the words' counts (in the index when
  it can, else in the text) up to ``COUNT_LIMIT`` matches, beyond that the shortest matches;
* for several words, also the shortest matches holding them side by side as typed.

``candidates`` has the details; the figures behind the numbers: bench/LOG.md.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, NamedTuple

from indexer.analysis.query_tree import ParsedQuery
from indexer.index import literal_sql

from .beside import Beside

if TYPE_CHECKING:
    from .live import LiveGeneration

# Matches scored by Whoosh BM25F per request, per kind of candidate (see ``candidates``); the
# reports of matches not scored follow the scored ones by match count.
RANK_CANDIDATES = 100
# FTS5's best matches read beside the match set are this many times ``RANK_CANDIDATES``: some of
# them are no match of the query (a heading's opening sentence, indexed apart for ``heading:``).
RANK_BESIDE_FACTOR = 3
# Up to this many matches of 1–2 character words, the pre-rank counts the words; in their text
# up to ``TEXT_COUNT_LIMIT`` (a filter narrowed a word found in many more places), beyond that in
# the index when it can. Above it a word with a match set takes the fast path
# (``indexer.matching.fastpath.FAST_MIN`` is this number), which ranks its matches alike.
COUNT_LIMIT = 5_000
TEXT_COUNT_LIMIT = 1_000
log = logging.getLogger(__name__)


class Matched(NamedTuple):
    """How ``indexer.matching.hits.materialise`` found the matches, which decides how the pre-rank
    reads them: beside (``ranking``), by counts, or in the text of few reports (``narrow``)."""

    scanned: frozenset[str]  # words read in the text (``literal_sql.common_words``; all when narrow)
    # The best places in the query's scope and filters by ``rank_beside``'s pre-rank, read on
    # another connection (possibly another version of the index: only gids in ``temp.hits`` count)
    ranking: Beside | None
    narrow: bool  # the filters left few reports: every word was read in their text (``literal_sql.narrow``)
    ranked_by_counts: bool = False  # ``ranking`` is BM25 on 2-character words' counts, not FTS5's


def candidates(
    conn: sqlite3.Connection, parsed: ParsedQuery, average_chars: float, matched: Matched
) -> tuple[dict[int, str], list[int]]:
    """The matches Whoosh scores (gid → report id), and those holding the words as typed.

    A cheap pre-rank in SQLite (C) bounds the BM25F work in Python to at most twice
    ``RANK_CANDIDATES`` passages however many match (scoring every match, or Whoosh's top-N over
    whole posting lists, was ≈ 67 % of a request at 10,000 reports):

    * the best matches by FTS5's own bm25 over the query's words of 3+ characters (term
      frequency and length normalisation, on trigrams), inside the match set (FTS5's best in the
      query's scope and filters are read on a second connection while the first reads the match
      set, ``rank_beside``, and kept where they are matches). A query of 1–2
      character words only has no trigram to rank by, and one whose filters left few reports
      (``Matched.narrow``) has few matches: then BM25's own formula on the literal
      counts in SQL (k1 = 1.2, b = 0.75, length in characters) when at most ``COUNT_LIMIT``
      passages match (counted in the index, ``literal_sql.count_occurrences``, when every word is a
      2-character one that was looked up and over ``TEXT_COUNT_LIMIT`` passages match; else in
      their text), else the shortest matches (BM25 normalises by length and every match
      contains every word; length is in the covering index);
    * for several words, the shortest matches that contain them side by side as typed (an FTS5
      phrase match of the words joined, inside the match set): ranked first (score × BOOST +
      BONUS), exactly, so they are never crowded out by other matches.
    """
    words = parsed.positive_literals()
    adjacent: dict[int, str] = {}
    if len(words) > 1:
        joined = "".join(words)
        read = {joined} if matched.narrow else set()  # few matches: their text, not the whole index
        sql, args = literal_sql.compile_literal(joined, read)
        covering = literal_sql.indexed(joined) and not read
        source = "passage_keys p" if covering else "passages p"
        adjacent = dict(conn.execute(
            # CROSS JOIN: the matches drive (SQLite may otherwise scan every passage to probe them)
            f"SELECT h.gid, h.report_no FROM temp.hits h CROSS JOIN {source} ON p.gid = h.gid WHERE {sql} "
            "ORDER BY h.chars, h.gid LIMIT ?",
            [*args, RANK_CANDIDATES],
        ).fetchall())
    best = ranked_beside(conn, matched)
    if best is None:
        best = ranked_in_matches(conn, parsed, average_chars, matched)
    numbers = {**dict(best), **adjacent}
    wanted = sorted(set(numbers.values()))
    marks = ",".join("?" * len(wanted))
    report_ids = dict(conn.execute(
        f"SELECT report_no, report_id FROM temp.hit_reports WHERE report_no IN ({marks})", wanted
    ).fetchall())
    return {gid: report_ids[number] for gid, number in numbers.items()}, list(adjacent)


def ranked_beside(conn: sqlite3.Connection, matched: Matched) -> list[tuple[int, int]] | None:
    """The best ``RANK_CANDIDATES`` matches (gid, report number) among the best places read
    beside (``Matched.ranking``), in their order: those that are in ``temp.hits``. None when
    nothing was read beside, when fewer than that are in it while more were read (the rest of
    the best may then be further down), or when ``ranked_in_matches`` would not count in the
    index (then the reading beside is stopped), or when the reading beside failed."""
    ranking = matched.ranking
    if ranking is None:
        return None
    if matched.ranked_by_counts:
        (matches,) = conn.execute("SELECT count(*) FROM temp.hits").fetchone()
        if not TEXT_COUNT_LIMIT < matches <= COUNT_LIMIT:
            ranking.cancel()
            return None
    try:
        gids = [gid for gid, *_ in ranking.rows()]
    except sqlite3.Error as error:  # the pre-rank inside the match set answers instead
        log.warning("the pre-rank read beside failed: %s", error)
        return None
    found = dict(conn.execute(
        f"SELECT gid, report_no FROM temp.hits WHERE gid IN ({','.join('?' * len(gids))})", gids
    ).fetchall()) if gids else {}
    best = [(gid, found[gid]) for gid in gids if gid in found][:RANK_CANDIDATES]
    if len(best) < RANK_CANDIDATES and len(gids) == RANK_CANDIDATES * RANK_BESIDE_FACTOR:
        return None
    return best


def ranked_in_matches(
    conn: sqlite3.Connection, parsed: ParsedQuery, average_chars: float, matched: Matched
) -> list[tuple[int, int]]:
    """The best ``RANK_CANDIDATES`` matches (gid, report number) by a pre-rank over ``temp.hits``."""
    words = parsed.positive_literals()
    rankable = literal_sql.rank_match(parsed)
    if rankable is not None and not matched.narrow:
        return conn.execute(
            "SELECT t.rowid, h.report_no FROM trigrams t JOIN temp.hits h ON h.gid = t.rowid "
            "WHERE trigrams MATCH ? ORDER BY t.rank, t.rowid LIMIT ?",
            [rankable, RANK_CANDIDATES],
        ).fetchall()
    if (matches := conn.execute("SELECT count(*) FROM temp.hits").fetchone()[0]) <= COUNT_LIMIT:
        in_index = matches > TEXT_COUNT_LIMIT and not matched.scanned.intersection(words)
        return conn.execute(*counted_bm25(words, average_chars, in_index)).fetchall()
    return conn.execute(
        "SELECT gid, report_no FROM temp.hits ORDER BY chars, gid LIMIT ?", [RANK_CANDIDATES]
    ).fetchall()


def counted_bm25(words: list[str], average_chars: float, in_index: bool) -> tuple[str, list[object]]:
    """SQL of the best ``RANK_CANDIDATES`` matches in ``temp.hits`` by BM25 on the words' counts:
    from the index when ``in_index`` and it can count every word (driven by the counts, each
    match found by its key), else from the text of every match."""
    counted = [found for found in map(literal_sql.count_occurrences, words) if found is not None]
    if in_index and len(counted) == len(words):
        return counted_in_index(counted, average_chars, "temp.hits p", ("1", []), RANK_CANDIDATES)
    tfs = [f"(h.chars - length(replace(p.folded, ?, ''))) / {len(word)}.0" for word in words]
    bm25 = " + ".join(f"{tf} / ({tf} + 0.3 + 0.9 * h.chars / ?)" for tf in tfs)
    return (f"SELECT h.gid, h.report_no FROM temp.hits h JOIN passages p ON p.gid = h.gid "
            f"ORDER BY {bm25} DESC, h.gid LIMIT ?",
            [arg for word in words for arg in (word, word, average_chars)] + [RANK_CANDIDATES])


def counted_in_index(
    counted: list[tuple[str, list[object]]], average_chars: float, source: str,
    where: tuple[str, list[object]], limit: int,
) -> tuple[str, list[object]]:
    """SQL of the best ``limit`` rows (gid, report number) of ``source`` (alias ``p``, with
    ``chars``) that meet ``where``, by BM25 on the words' counts read in the index
    (``literal_sql.count_occurrences``): driven by the counts, each row found by its key."""
    union = " UNION ALL ".join(sql for sql, _ in counted)
    condition, params = where
    return (f"SELECT p.gid, p.report_no FROM ({union}) c JOIN {source} ON p.gid = c.gid WHERE {condition} "
            "GROUP BY p.gid ORDER BY sum(c.n / (c.n + 0.3 + 0.9 * p.chars / ?)) DESC, p.gid LIMIT ?",
            [*(arg for _, args in counted for arg in args), *params, average_chars, limit])


def rank_beside(
    generation: LiveGeneration, parsed: ParsedQuery, scanned: frozenset[str]
) -> tuple[Beside | None, bool]:
    """Start the pre-rank of ``ranked_in_matches`` on the generation's second connection, over
    every place in the query's scope and filters (``literal_sql.compile_scope``), while the first
    reads the match set: FTS5's bm25 of the words of 3+ characters, or else BM25 on the counts
    of 2-character words that the index counts (every word such, none scanned). Returns the
    query read beside (None: none can be) and whether it ranks by counts. The rank's time leaves
    the request (依法行政 at 10,000 reports: 148 → 120 ms, 行政执法 125 → 106, before integer keys)."""
    scope = literal_sql.compile_scope(parsed)
    limit = RANK_CANDIDATES * RANK_BESIDE_FACTOR
    rankable = literal_sql.rank_match(parsed)
    if rankable is not None:
        condition, params = scope
        return generation.beside(
            "SELECT t.rowid FROM trigrams t JOIN passage_keys p ON p.gid = t.rowid "
            f"WHERE trigrams MATCH ? AND {condition} ORDER BY t.rank, t.rowid LIMIT ?",
            [rankable, *params, limit],
        ), False
    words = parsed.positive_literals()
    counted = [found for found in map(literal_sql.count_occurrences, words) if found is not None]
    if not words or len(counted) < len(words) or scanned.intersection(words):
        return None, False
    sql, args = counted_in_index(counted, generation.average_chars(), "passage_keys p",
                                  scope, limit)
    return generation.beside(sql, args), True
