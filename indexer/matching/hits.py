"""A search's exact match set in SQL: every place matching the query, written into the request's
temp tables (``temp.hits``, ``temp.hit_reports``) for the counts, facets and page that read it;
and the counts that need nothing but the match set (totals, a filter's other values, whether a
word occurs at all). The match sets kept ready for frequent words answer most of this without
SQL (``indexer.matching.fastpath``)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from archive.fields import REPORT_FACETS
from indexer.analysis.query_tree import ParsedQuery
from indexer.index import literal_sql
from indexer.index.schema import FACET_FIELDS
from indexer.ranking import prerank
from indexer.ranking.prerank import Matched
from indexer.results.facets import FacetCounts, facet_counts

if TYPE_CHECKING:
    from indexer.index import matchsets
    from indexer.ranking.live import LiveGeneration


def materialise(
    conn: sqlite3.Connection, parsed: ParsedQuery, ranker: LiveGeneration | None = None,
) -> Matched:
    """Fill ``temp.hits`` with exactly the passages matching ``parsed`` (and their section kind),
    and ``temp.hit_reports`` with the number of matches per report.

    When the condition needs no passage text (``literal_sql.covered``) it is answered from the FTS5
    index and the narrow ``passage_keys`` alone, never reading a wide passage row;
    when the filters leave few reports, from those reports' text alone (``literal_sql.narrow``). When
    the caller will rank (``ranker``: the generation, whose second connection is used), the
    pre-rank is read beside meanwhile where it can be (``rank_beside``).
    The per-report table is what makes facets cheap: six of the seven facets are report-level
    values, copied into it by one join, so they are summed over at most one row per report
    (see ``indexer.results.facets``).
    """
    narrow = literal_sql.narrow(conn, parsed)
    scanned = (frozenset(parsed.all_literals()) if narrow
               else literal_sql.common_words(conn, parsed.positive_literals()))
    ranking, by_counts = ((None, False) if ranker is None or narrow
                          else prerank.rank_beside(ranker, parsed, scanned))
    conn.execute("DELETE FROM temp.hits")
    conn.execute("DELETE FROM temp.hit_reports")
    where, params = literal_sql.compile_where(parsed, scanned)
    source = "passage_keys p" if literal_sql.covered(parsed, scanned) else "passages p"
    conn.execute(
        f"INSERT INTO temp.hits SELECT p.gid, p.report_no, p.section_no, p.chars FROM {source} WHERE {where}",
        params,
    )
    facets = ", ".join(f"r.{name}" for name in REPORT_FACETS)
    conn.execute(
        f"INSERT INTO temp.hit_reports SELECT g.report_no, r.report_id, g.n, r.place_no, {facets} "
        "FROM (SELECT report_no, count(*) AS n FROM temp.hits GROUP BY report_no) g "
        "JOIN reports r ON r.report_no = g.report_no"
    )
    return Matched(scanned, ranking, narrow, by_counts)


def choices(conn: sqlite3.Connection, parsed: ParsedQuery, sets: matchsets.MatchSets | None) -> FacetCounts:
    """For each facet field ``parsed`` filters on, its counts over the match set without that
    field's filter (the other filters kept): each value with the reports it selects alone, the
    entries a user picks more values of the field from. Exact, like every count: each is a
    match set of its own, from the match sets when they answer it, else filled into
    ``temp.hits`` (the caller is done with the page's)."""
    out: FacetCounts = {}
    for name in FACET_FIELDS:
        if name not in parsed.filters and not (name == "year" and parsed.year_range):
            continue
        others = {key: values for key, values in parsed.filters.items() if key != name}
        wider = replace(parsed, filters=others, year_range=None if name == "year" else parsed.year_range)
        found = None
        if sets is not None and wider.positive_literals():
            from . import fastpath

            found = fastpath.match(sets, conn, wider)
        if found is not None:
            out[name] = found.facets((name,))[name]
            continue
        materialise(conn, wider)
        out[name] = facet_counts(conn, (name,))[name]
    return out


def totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """(matching passages, matching reports) of the match set in ``temp.hit_reports``."""
    total, reports = conn.execute("SELECT coalesce(sum(n), 0), count(*) FROM temp.hit_reports").fetchone()
    return int(total), int(reports)


def occurs(conn: sqlite3.Connection, word: str) -> bool:
    """Whether any passage contains ``word`` (one indexed lookup for 3+ characters)."""
    sql, args = literal_sql.compile_literal(word)
    return conn.execute(f"SELECT 1 FROM passages p WHERE {sql} LIMIT 1", args).fetchone() is not None
