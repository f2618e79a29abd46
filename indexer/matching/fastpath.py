"""A search answered from the match sets (``indexer.index.matchsets``): the match set, its totals,
every facet and the order of its reports, by numpy over memory-mapped arrays, equal to what
the SQL path computes (``indexer.service``; tests compare the two on every shipped report).

Taken when it pays and can be exact: the query's words are ANDed, ORed or excluded literals, at
least one of them with a set (the rest, rare words, read from FTS5 as the SQL path would), no
``original:``, ``indicator:`` or same-sentence test (they read the text), and the match set —
after the scope and filters — is bigger than ``FAST_MIN`` places. Below that the SQL path is as
fast, and it alone ranks small sets by BM25 on counts (``indexer.ranking.prerank``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from archive.fields import PLACE_COLUMNS, REPORT_FACETS
from indexer.analysis.query_tree import AllOf, AnyOf, Literal, Node, Not, ParsedQuery
from indexer.index import literal_sql
from indexer.index.matchsets import DELETED, UNIT_CODES, MatchSets
from indexer.index.schema import FACET_FIELDS
from indexer.ranking.prerank import COUNT_LIMIT
from indexer.results.facets import FacetCounts, order_facet

# Smaller match sets go the SQL way, whose pre-rank counts the words of so few matches; the two
# paths rank alike only when this is where the pre-rank stops counting. At 10,000 reports a word
# in 5,000–20,000 places took 100–175 ms the SQL way and takes about 30 ms this way.
FAST_MIN = COUNT_LIMIT


@dataclass
class FastMatches:
    """A query's exact match set and what it counts."""

    sets: MatchSets
    gids: np.ndarray  # sorted
    reports: np.ndarray  # report numbers with a match, ascending
    counts: np.ndarray  # matches per report, aligned with ``reports``

    @property
    def total(self) -> int:
        """Matching places."""
        return len(self.gids)

    def facets(self, names: Sequence[str] = FACET_FIELDS) -> FacetCounts:
        """``[value, reports, passages]`` of each facet of ``names``, as
        ``indexer.results.facets.facet_counts``."""
        out: FacetCounts = {}
        places = self.sets.array("place")[self.reports]
        for name in names:
            if name in PLACE_COLUMNS:
                codes = self.sets.array(f"place_{name}")[places]
                rows = self._by_code(name, codes, self.counts)
            elif name in REPORT_FACETS:
                rows = self._by_code(name, self.sets.array(name)[self.reports], self.counts)
            else:
                rows = self._passage_facet(name)
            out[name] = order_facet(name, rows)
        return out

    def _by_code(self, name: str, codes: np.ndarray, weights: np.ndarray) -> list[tuple[object, int, int]]:
        values = self.sets.values[name]
        reports = np.bincount(codes, minlength=len(values))
        passages = np.bincount(codes, weights=weights, minlength=len(values))
        return [(values[code], int(reports[code]), int(passages[code])) for code in np.flatnonzero(reports)]

    def _passage_facet(self, name: str) -> list[tuple[object, int, int]]:
        """A passage-level facet (section): places per value, and reports holding one."""
        values = self.sets.values[name]
        codes = self.sets.array(name)[self.gids]
        passages = np.bincount(codes, minlength=len(values))
        position = np.zeros(len(self.sets.array("rank_year")), dtype=np.int64)
        position[self.reports] = np.arange(len(self.reports))
        report_index = position[self.sets.array("report")[self.gids]]
        held = np.zeros((len(self.reports), len(values)), dtype=bool)
        held[report_index, codes] = True
        reports = held.sum(axis=0)
        return [(values[code], int(reports[code]), int(passages[code])) for code in np.flatnonzero(passages)]

    def report_order(self, sort: str) -> np.ndarray:
        """Every matching report number in the order of ``sort`` (then report id)."""
        return self.reports[np.argsort(self.sets.array(f"rank_{sort}")[self.reports], kind="stable")]

    def by_matches(self) -> np.ndarray:
        """Report numbers by matches (most first), then as sorted by year: the SQL path's order
        of the reports no candidate ranked (``indexer.service._report_order``)."""
        rank = self.sets.array("rank_year")[self.reports]
        return self.reports[np.lexsort((rank, -self.counts))]

    def of_reports(self, numbers: np.ndarray) -> np.ndarray:
        """The matches of the given reports."""
        return self.gids[np.isin(self.sets.array("report")[self.gids], numbers)]

    def contains(self, gids: np.ndarray) -> np.ndarray:
        """Which of ``gids`` are matches (a boolean per gid)."""
        return self._table[gids]

    @cached_property
    def _table(self) -> np.ndarray:
        """A boolean per gid of the index: whether it is a match (one pass, no sort)."""
        table = np.zeros(len(self.sets.array("unit")), dtype=bool)
        table[self.gids] = True
        return table


def match(sets: MatchSets, conn: sqlite3.Connection, parsed: ParsedQuery) -> FastMatches | None:
    """The query's matches from the sets, or None when the SQL path must answer."""
    if parsed.match is None or parsed.original or parsed.indicators:
        return None
    used: list[bool] = []
    gids = _evaluate(parsed.match, sets, conn, used)
    if gids is None or not any(used):
        return None
    keep = _scope_mask(sets, parsed, gids) & _filter_mask(sets, conn, parsed, gids)
    gids = gids[keep]
    if len(gids) <= FAST_MIN:
        return None
    per_report = np.bincount(sets.array("report")[gids])
    reports = np.flatnonzero(per_report)
    return FastMatches(sets, gids, reports, per_report[reports])


def _evaluate(node: Node, sets: MatchSets, conn: sqlite3.Connection, used: list[bool]) -> np.ndarray | None:
    """Sorted unique gids matching ``node`` (removed places included), None when it needs the text."""
    if isinstance(node, Literal):
        found = sets.gids(node.text)
        if found is not None:
            used.append(True)
            return np.asarray(found)
        if not literal_sql.indexed(node.text) or literal_sql.common_words(conn, [node.text]):
            return None  # read from the text by the SQL path
        sql, args = literal_sql.compile_literal(node.text)
        rows = conn.execute(f"SELECT p.gid FROM passage_keys p WHERE {sql} ORDER BY p.gid", args)
        return np.fromiter((gid for (gid,) in rows), dtype=np.uint32)
    if isinstance(node, AllOf):
        wanted = [part for part in node.parts if not isinstance(part, Not)]
        unwanted = [part.part for part in node.parts if isinstance(part, Not)]
        found = [_evaluate(part, sets, conn, used) for part in wanted]
        excluded = [_evaluate(part, sets, conn, used) for part in unwanted]
        if not found or any(gids is None for gids in found + excluded):
            return None
        result = min(found, key=len)
        for gids in found:
            if gids is not result:
                result = result[_member(sets, gids)(result)]
        for gids in excluded:
            result = result[~_member(sets, gids)(result)]
        return result
    if isinstance(node, AnyOf):
        parts = [_evaluate(part, sets, conn, used) for part in node.parts]
        if any(gids is None for gids in parts):
            return None
        return np.unique(np.concatenate(parts))
    return None  # NOT alone, same-sentence: the SQL path


def _member(sets: MatchSets, gids: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Membership in ``gids`` as a lookup table over every gid (one pass, no sort)."""
    table = np.zeros(len(sets.array("unit")), dtype=bool)
    table[gids] = True
    return lambda others: table[others]


def _scope_mask(sets: MatchSets, parsed: ParsedQuery, gids: np.ndarray) -> np.ndarray:
    """Places of the kinds the query may return, and still in the index."""
    allowed = np.zeros(max(UNIT_CODES.values()) + 1, dtype=bool)
    allowed[[UNIT_CODES[unit] for unit in literal_sql.SCOPE_UNITS[parsed.scope]]] = True
    allowed[DELETED] = False
    return allowed[sets.array("unit")[gids]]


def _filter_mask(
    sets: MatchSets, conn: sqlite3.Connection, parsed: ParsedQuery, gids: np.ndarray
) -> np.ndarray:
    """Places of the reports (and sections) the filters keep, by the same SQL conditions."""
    keep = np.ones(len(gids), dtype=bool)
    clauses, params = literal_sql.report_filters(parsed)
    if clauses:
        numbers = [n for (n,) in conn.execute(
            f"SELECT r.report_no FROM reports r WHERE {' AND '.join(clauses)}", params)]
        allowed = np.zeros(len(sets.array("rank_year")), dtype=bool)
        allowed[numbers] = True
        keep &= allowed[sets.array("report")[gids]]
    sections, section_params = literal_sql.section_filters(parsed)
    if sections:
        numbers = [n for (n,) in conn.execute(
            f"SELECT s.section_no FROM sections s WHERE {' AND '.join(sections)}", section_params)]
        allowed = np.zeros(len(sets.values["section"]) + 1, dtype=bool)
        allowed[numbers] = True
        keep &= allowed[sets.array("section")[gids]]
    return keep
