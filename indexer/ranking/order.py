"""The order of a search's reports, as far as the requested page: by relevance — Whoosh's BM25F
over the pre-rank's candidates (``indexer.ranking.prerank``), a match holding the words side by side as
typed boosted, template text demoted (``indexer.ranking.bm25f.originality``), the reports no candidate
ranked after them by their matches — or by year or place (the report table's order). One
relevance order serves both ways a match set is read: the SQL path's temp tables and the match
sets' arrays (``indexer.matching.fast_order``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

from archive.fields import sort_columns
from indexer.analysis.query_tree import ParsedQuery

from .bm25f import originality, score
from .prerank import Matched, candidates

if TYPE_CHECKING:
    from .live import LiveGeneration

# A match containing all the query's words adjacently, as typed: score × BOOST + BONUS.
PHRASE_BOOST = 2.0
PHRASE_BONUS = 1.0
K = TypeVar("K", bound=Hashable)  # what a report is known by: its id, or its number in the index


def ranked_reports(generation: LiveGeneration, words: list[str], chosen: dict[int, K], adjacent: list[int],
                   rest: Callable[[int], list[K]], upto: int) -> tuple[list[K], dict[int, float]]:
    """The first ``upto`` reports by relevance and the scores of their candidates: ``chosen``
    (candidate gid → its report) scored, ``adjacent`` boosted, the best report of each candidate
    first, then ``rest(n)``'s reports (the first n by their matches) not among them."""
    searcher, docmap = generation.searcher()
    scores = score(searcher, docmap, words, chosen)
    for gid in adjacent:
        scores[gid] = scores.get(gid, 0.0) * PHRASE_BOOST + PHRASE_BONUS
    originality(generation.conn, scores, words)
    ranked = sorted(scores, key=lambda gid: (-scores[gid], gid))
    best = list(dict.fromkeys(chosen[gid] for gid in ranked))[:upto]
    taken = set(best)
    return (best + [report for report in rest(upto + len(best)) if report not in taken])[:upto], scores


def report_order(generation: LiveGeneration, parsed: ParsedQuery, sort: str, scores: dict[int, float],
                 upto: int, matched: Matched) -> list[str]:
    """The first ``upto`` matching report ids in result order, from the match set in the temp
    tables; fills ``scores`` for relevance (``matched``: how the match set was read)."""
    conn = generation.conn
    words = parsed.positive_literals()
    if sort == "relevance" and words:
        chosen, adjacent = candidates(conn, parsed, generation.average_chars(), matched)

        def rest(count: int) -> list[str]:
            return [rid for (rid,) in conn.execute(
                f"SELECT r.report_id FROM temp.hit_reports r ORDER BY r.n DESC, {order_by('year', 'r')}, "
                "r.report_id LIMIT ?", [count])]

        order, found = ranked_reports(generation, words, chosen, adjacent, rest, upto)
        scores.update(found)
        return order
    rows = conn.execute(
        "SELECT r.report_id FROM reports r WHERE r.report_no IN (SELECT report_no FROM temp.hit_reports) "
        f"ORDER BY {order_by(sort, 'r')}, r.report_id LIMIT ?",
        [upto],
    ).fetchall()
    return [rid for (rid,) in rows]


def page_scores(generation: LiveGeneration, words: list[str], report_ids: list[str]) -> dict[int, float]:
    """Scores of the matching passages of the reports on this page (to order passages within)."""
    searcher, docmap = generation.searcher()
    gids = [gid for (gid,) in generation.conn.execute(
        "SELECT p.gid FROM passages p INDEXED BY passages_report JOIN temp.hits h ON h.gid = p.gid "
        f"WHERE p.report_id IN ({','.join('?' * len(report_ids))})", report_ids
    )]
    return score(searcher, docmap, words, gids)


def order_by(sort: str, table: str) -> str:
    """SQL ``ORDER BY`` terms for a listing by ``sort`` (``archive.fields.sort_columns``) over the
    report columns of ``table`` (text: an unknown year, '', sorts after every known one)."""
    return ", ".join(f"{table}.{column}{' DESC' if desc else ''}" for column, desc in sort_columns(sort))

