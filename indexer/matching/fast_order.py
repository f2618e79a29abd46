"""The result page of a search answered from the match sets (``indexer.matching.fastpath``): the order of
its reports and the pre-rank candidates Whoosh scores, as the SQL path orders them
(``indexer.service._report_order`` and ``_candidates``), then the page's matches written to the
request's temp tables so that the groups, snippets and marks are read as always.

The candidates, by the SQL path's own rules:

* one word of 3+ characters: its build-time pre-rank (``MatchSets.top``, FTS5's bm25 in the
  default scope), filtered by the query's scope and filters — the first ``RANK_CANDIDATES`` of
  what the SQL path reads beside, since a filter does not change bm25's order — plus the places
  it gained since the build (unranked there: Whoosh scores them);
* several words with one of 3+ characters: the pre-rank read beside as the SQL path does, on
  the generation's second connection;
* 1–2 character words only: the shortest matches (over ``COUNT_LIMIT`` matches the SQL path
  orders them so);
* for several words, also the shortest matches holding them side by side as typed.

When a pre-rank cannot supply its share (a filter keeps too few of the build's best), the
caller falls back to the SQL path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from archive.fields import REPORT_FACETS
from indexer.analysis.query_tree import ParsedQuery
from indexer.index import literal, literal_sql
from indexer.ranking import prerank
from indexer.ranking.order import ranked_reports

from . import fastpath
from .fastpath import FastMatches

if TYPE_CHECKING:
    from indexer.ranking.live import LiveGeneration

Candidates = tuple[dict[int, int], list[int]]  # gid → report number; gids holding the words as typed


@dataclass
class FastPage:
    """A search's matches and the first reports of its result order, from the match sets."""

    matches: FastMatches
    order: list[str]  # report ids in result order, as far as the requested page
    numbers: dict[str, int]  # report id → report number, for those
    scores: dict[int, float]  # the scored candidates (gid → score)

    def fill(self, conn: sqlite3.Connection, page_ids: Sequence[str]) -> None:
        """The page's matches into the request's temp tables (``fill_page``)."""
        fill_page(self.matches, conn, [self.numbers[report_id] for report_id in page_ids])


def fast_page(generation: LiveGeneration, parsed: ParsedQuery, sort: str, upto: int) -> FastPage | None:
    """The matches, the first ``upto`` report ids in result order and the candidates' scores,
    from the match sets; None when the SQL path must answer (no sets, a condition they cannot
    decide, a small match set, a pre-rank they cannot supply). Relevance is the SQL path's
    (``indexer.ranking.order.ranked_reports``), over candidates read from the sets."""
    sets = generation.match_sets()
    found = fastpath.match(sets, generation.conn, parsed) if sets is not None else None
    if found is None:
        return None
    conn = generation.conn
    scores: dict[int, float] = {}
    if sort != "relevance":
        numbers = [int(n) for n in found.report_order(sort)[:upto]]
    else:
        words = parsed.positive_literals()
        beside = None
        if len(words) > 1 and literal_sql.rank_match(parsed) is not None:
            job, _by_counts = prerank.rank_beside(generation, parsed, frozenset())
            beside = [gid for gid, *_ in job.rows()] if job is not None else None
        chosen = candidates(found, conn, parsed, prerank.RANK_CANDIDATES, beside)
        if chosen is None:
            return None
        numbers, scores = ranked_reports(generation, words, chosen[0], chosen[1],
                                         lambda count: [int(n) for n in found.by_matches()[:count]], upto)
    ids = report_ids(conn, numbers)
    return FastPage(found, [ids[number] for number in numbers], {ids[number]: number for number in numbers},
                    scores)


def candidates(fast: FastMatches, conn: sqlite3.Connection, parsed: ParsedQuery, limit: int,
               beside: Sequence[int] | None) -> Candidates | None:
    """The matches to score (gid → report number) and the adjacent ones; None when the pre-rank
    cannot be read from the sets (``beside``: the pre-rank read on the second connection, when
    the caller started one)."""
    words = parsed.positive_literals()
    best = _ranked(fast, parsed, limit, beside)
    if best is None:
        return None
    adjacent = _adjacent(fast, conn, words, limit) if len(words) > 1 else np.empty(0, dtype=np.int64)
    report = fast.sets.array("report")
    chosen = {int(gid): int(report[gid]) for gid in np.concatenate([best, adjacent])}
    return chosen, [int(gid) for gid in adjacent]


def _ranked(fast: FastMatches, parsed: ParsedQuery, limit: int,
            beside: Sequence[int] | None) -> np.ndarray | None:
    """The pre-rank's best ``limit`` matches (see the module docstring), None when unknown."""
    words = parsed.positive_literals()
    if beside is not None:
        found = np.asarray(beside, dtype=np.int64)
        kept = found[fast.contains(found)][:limit]
        return None if len(kept) < limit and len(found) == limit * 3 else kept
    if not any(len(word) >= literal.TRIGRAM for word in words):
        chars = fast.sets.array("chars")[fast.gids]
        order = np.lexsort((fast.gids, chars))[:limit]
        return fast.gids[order].astype(np.int64)
    # the build's pre-rank is of the default scope (a heading: search reads inline headings too)
    top = fast.sets.top(words[0]) if len(words) == 1 and parsed.scope is None else None
    if top is None:
        return None
    top = np.asarray(top, dtype=np.int64)
    kept = top[fast.contains(top)]
    ranked = kept[:limit]
    if len(ranked) < limit and not fast.sets.complete_top(words[0]):
        return None
    entry = fast.sets.strings[words[0]]
    gained = fast.sets.added.get(str(entry[0]))
    if gained is not None and len(gained):
        extra = np.asarray(gained, dtype=np.int64)
        ranked = np.unique(np.concatenate([ranked, extra[fast.contains(extra)]]))
    return ranked


def _adjacent(fast: FastMatches, conn: sqlite3.Connection, words: list[str], limit: int) -> np.ndarray:
    """The shortest matches holding the words side by side as typed (``indexer.service``)."""
    sql, args = literal_sql.compile_literal("".join(words))
    rows = conn.execute(f"SELECT p.gid FROM passage_keys p WHERE {sql}", args)
    found = np.fromiter((gid for (gid,) in rows), dtype=np.int64)
    found = found[fast.contains(found)]
    chars = fast.sets.array("chars")[found]
    return found[np.lexsort((found, chars))[:limit]]


def report_ids(conn: sqlite3.Connection, numbers: Sequence[int]) -> dict[int, str]:
    """Report number → report id, for the few reports a page needs."""
    wanted = sorted({int(number) for number in numbers})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(conn.execute(
            f"SELECT report_no, report_id FROM reports WHERE report_no IN ({','.join('?' * len(chunk))})",
            chunk))
    return found


def fill_page(fast: FastMatches, conn: sqlite3.Connection, numbers: Sequence[int]) -> None:
    """Write the matches of the page's reports into ``temp.hits`` and the reports into
    ``temp.hit_reports``, as the SQL path's ``_materialise`` writes every match: what the page's
    groups, scores and marks read."""
    conn.execute("DELETE FROM temp.hits")
    conn.execute("DELETE FROM temp.hit_reports")
    if not numbers:
        return
    wanted = np.asarray(sorted(numbers), dtype=np.int64)
    gids = fast.of_reports(wanted)
    sets = fast.sets
    conn.executemany("INSERT INTO temp.hits VALUES (?, ?, ?, ?)", zip(
        gids.tolist(), sets.array("report")[gids].tolist(), sets.array("section")[gids].tolist(),
        sets.array("chars")[gids].tolist(), strict=True))
    counts = dict(zip(fast.reports.tolist(), fast.counts.tolist(), strict=True))
    facets = ", ".join(f"r.{name}" for name in REPORT_FACETS)
    marks = ",".join("?" * len(wanted))
    for number, report_id, place_no, *values in conn.execute(
            f"SELECT r.report_no, r.report_id, r.place_no, {facets} FROM reports r "
            f"WHERE r.report_no IN ({marks})",
            wanted.tolist()):
        conn.execute(f"INSERT INTO temp.hit_reports VALUES (?, ?, ?, ?, {', '.join('?' * len(values))})",
                     [number, report_id, counts[number], place_no, *values])

