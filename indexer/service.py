"""The search API used by the web app and the CLI: ``SearchService.search`` → ``SearchResult``;
``export_rows`` (every match, for the CSV export), ``passage_ids``, ``similar``.

One request, in order, each step in a module of its own:

1. parse the query (``indexer.analysis.query``; pasted text: ``indexer.matching.pasted``);
2. its exact match set and every count over it: from the match sets kept for frequent words
   (``indexer.matching.fastpath``), else in SQL (``indexer.matching.hits``: FTS5 + instr into the request's
   temp tables, the facets by ``indexer.results.facets``);
3. the order of the matching reports, only as far as the requested page
   (``indexer.ranking.order``, whose candidates come from ``indexer.ranking.prerank``;
   ``indexer.matching.fast_order`` for the match sets);
4. for the reports of the requested page only: their matching passages, best first, with
   snippets and marks (``indexer.results.groups``); the answer's wire form is ``indexer.results.answer``.

A slow answer is kept for the next identical request on the same index version
(``indexer.results.result_cache``). A service is cheap to construct; it opens the live generation
lazily, per thread (``indexer.ranking.live``), and on every search compares the generation named in
``CURRENT`` with the one it holds, so a rebuild in another process is picked up by the next
search; an incremental update is picked up by refreshing the searcher.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence

from whoosh.index import IndexError as WhooshError

from archive.config import ArchiveConfig
from archive.errors import IndexUnavailable, QuerySyntaxError
from archive.fields import SORTS
from archive.normalize import fold_for_match
from indexer.analysis import templates, wording
from indexer.analysis.query import parse
from indexer.analysis.query_tree import ParsedQuery
from indexer.analysis.shared import ComparedClause, compared_clauses
from indexer.index import place_kinds
from indexer.index.generation import LITERAL_DB, current_generation
from indexer.matching import pasted, spreads
from indexer.matching.hits import choices, materialise, occurs, totals
from indexer.practices import directory as practices
from indexer.practices import similar as similar_passages
from indexer.ranking.bm25f import originality
from indexer.ranking.live import LiveGeneration
from indexer.ranking.order import page_scores, report_order
from indexer.results import result_cache
from indexer.results.answer import SearchResult, Suggestion, echo_filters
from indexer.results.facets import facet_counts
from indexer.results.groups import page_groups

from . import exports

MAX_PER_PAGE = 100
# Corrected queries counted per search that found nothing (each is one more match-set query).
MAX_SUGGESTIONS = 3
# The names this module's callers import from it (the answer's types, the export's columns).
EXPORT_FIELDS = exports.EXPORT_FIELDS
__all__ = ["EXPORT_FIELDS", "SORTS", "SearchResult", "SearchService", "replace_word"]


class SearchService:
    """Search over the live index generation of one archive (see the module docstring)."""

    def __init__(self, config: ArchiveConfig) -> None:
        self.config = config
        self._local = threading.local()

    def _generation(self) -> LiveGeneration | None:
        folder = current_generation(self.config.index_dir)
        held: LiveGeneration | None = getattr(self._local, "generation", None)
        if folder is None:
            return None
        if held is None or held.name != folder.name:
            if held is not None:
                held.close()
            self._local.generation = None
            try:
                held = LiveGeneration(folder)
            except (OSError, sqlite3.Error, WhooshError) as error:
                raise IndexUnavailable(
                    f"检索索引无法打开（{error}），请运行 python -m fazhi index 重建。"
                ) from error
            self._local.generation = held
        return held

    def _live_generation(self) -> LiveGeneration:
        generation = self._generation()
        if generation is None:
            raise IndexUnavailable("检索索引尚未建立或已丢失，请运行 python -m fazhi index 重建。")
        return generation

    def warm(self) -> None:
        """Open the live generation, load jieba and the gid map now rather than on the first search.

        For a gunicorn ``post_fork`` hook or app start-up: the first user request then costs
        what every later one does (a worker's first answer must come within 1.5 s of its launch).
        """
        from indexer.analysis.tokenizer import ensure_jieba

        ensure_jieba(lazy=True)
        generation = self._generation()
        if generation is not None:
            generation.searcher()
            generation.average_chars()
            generation.match_sets()  # and numpy, which the master never imports

    def search(
        self,
        query: str,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        page: int = 1,
        sort: str = "relevance",
        per_page: int = 20,
        passage: bool | None = None,
    ) -> SearchResult:
        """Run one search request; ``passage`` reads the query as pasted text (True), as the
        query language (False) or as it looks (None, ``indexer.matching.pasted``).

        Raises ``QuerySyntaxError`` for bad input and ``IndexUnavailable`` when no index is live
        (a missing index must not read as "no hits"); nothing else.
        """
        generation = self._live_generation()
        parsed, clauses = self._read(generation, query, filters, passage)
        _check_sort(sort)
        page, per_page = _positive(page, "页码"), min(_positive(per_page, "每页条数"), MAX_PER_PAGE)
        result = SearchResult(
            query=query or "", filters=echo_filters(filters), sort=sort, page=page, per_page=per_page,
            listing=parsed.match is None, notes=parsed.notes, clauses=clauses,
        )
        conn = generation.conn
        key = result_cache.cache_key(query or "", filters, page=page, sort=sort, per_page=per_page,
                                     passage=passage)
        with conn:  # one transaction: counts, facets and pages see the same snapshot
            conn.execute("DELETE FROM temp.hits")  # (its first write opens the transaction)
            version = generation.result_version() if self.config.result_cache else None
            if version is not None and (kept := generation.results.get(key, version)) is not None:
                return kept
            started = time.perf_counter()
            words = parsed.positive_literals()
            from indexer.matching.fast_order import (
                fast_page,  # numpy: loaded by a worker's first search, never the master
            )

            fast = None if clauses is not None or not words else fast_page(generation, parsed, sort,
                                                                           page * per_page)
            scores: dict[int, float] = {}
            if fast is not None:  # from the match sets: counted and ordered without a pass over every match
                order, scores = fast.order, fast.scores
                result.total, result.reports = fast.matches.total, len(fast.matches.reports)
                result.facets = fast.matches.facets()
            else:
                ranks = sort == "relevance" and words and clauses is None
                matched = materialise(conn, parsed, generation if ranks else None)
                result.total, result.reports = totals(conn)
                result.facets = facet_counts(conn)
                if clauses is not None:  # pasted text: ranked by the clauses each place and report holds
                    places = pasted.held(conn, clauses)
                    scores.update((gid, float(len(indexes))) for gid, indexes in places.items())
                    shares = pasted.report_shares(conn, places, clauses)
                    order = (pasted.ranked(conn, shares) if sort == "relevance" else
                             report_order(generation, parsed, sort, scores, page * per_page, matched))
                else:
                    order = report_order(generation, parsed, sort, scores, page * per_page, matched)
            page_ids = order[(page - 1) * per_page: page * per_page]
            if fast is not None:
                fast.fill(conn, page_ids)
            if page_ids and words and sort != "relevance" and clauses is None:
                scores.update(page_scores(generation, words, page_ids))
                originality(conn, scores, words)
            result.groups = page_groups(conn, page_ids, words, scores, result.listing)
            if clauses is not None:
                for group in result.groups:
                    group.shared = shares[group.report_id][0]
            elif not result.total and words:
                result.suggestions = self._suggestions(generation, parsed, result.query, filters)
            # last: it may fill the match set again
            result.choices = choices(conn, parsed, generation.match_sets())
        if version is not None and time.perf_counter() - started > result_cache.SLOW_SECONDS:
            generation.results.put(key, version, result)
        return result

    def _suggestions(
        self,
        generation: LiveGeneration,
        parsed: ParsedQuery,
        query: str,
        filters: Mapping[str, str | Sequence[str]] | None,
    ) -> list[Suggestion]:
        """Corrected queries that find something, for a search that found nothing.

        Only the words that occur nowhere are corrected (a word that exists but not together
        with the others is no typo); the k-th suggestion takes every such word's k-th
        candidate. Each is checked by counting its matches (same filters), so a suggestion
        never leads to another empty page. Runs inside the caller's transaction.
        """
        conn = generation.conn
        missing = [word for word in parsed.positive_literals() if not occurs(conn, word)]
        if not missing:
            return []
        suggester = generation.suggester()
        options = [suggester.candidates(word) for word in missing]
        out: list[Suggestion] = []
        for rank in range(min(MAX_SUGGESTIONS, max(len(found) for found in options))):
            changes = [(word, found[min(rank, len(found) - 1)])
                       for word, found in zip(missing, options, strict=True) if found]
            corrected = query
            for typed, meant in changes:
                corrected = replace_word(corrected, typed, meant)
            if corrected == query or any(s.query == corrected for s in out):
                continue
            try:
                materialise(conn, parse(corrected, filters, generation.vocabulary()))
            except QuerySyntaxError:
                continue
            total, reports = totals(conn)
            if total:
                out.append(Suggestion(query=corrected, changes=changes, reports=reports, total=total))
        return out

    def spread(
        self, query: str, filters: Mapping[str, str | Sequence[str]] | None = None
    ) -> spreads.SpreadCounts:
        """The query's reports as shares of all reports by year, province and county
        (``indexer.matching.spreads``); the match set is the search's own, without ranking."""
        generation = self._live_generation()
        parsed = parse(query or "", filters, generation.vocabulary())
        conn = generation.conn
        with conn:
            materialise(conn, parsed)
            return spreads.counts(conn, parsed)

    def parse(
        self, query: str, filters: Mapping[str, str | Sequence[str]] | None = None
    ) -> ParsedQuery:
        """``indexer.analysis.query.parse`` with the live index's place names, so a short name
        (``county:潢川``) means the same for every caller: search, passage lists, exports."""
        return parse(query or "", filters, self._live_generation().vocabulary())

    @staticmethod
    def _read(
        generation: LiveGeneration, query: str, filters: Mapping[str, str | Sequence[str]] | None,
        passage: bool | None,
    ) -> tuple[ParsedQuery, list[str] | None]:
        """The query as parsed, and the pasted clauses when it is read as pasted text: one
        reading for the page, its exports and the reader's marks (``indexer.matching.pasted``)."""
        clauses = pasted.reading(query or "", passage)
        if clauses is None:
            return parse(query or "", filters, generation.vocabulary()), None
        return pasted.as_query(clauses, filters, generation.vocabulary()), clauses

    def county_provinces(self) -> dict[str, set[str]]:
        """County name → the provinces it is found in, among the live generation's reports."""
        return self._live_generation().county_provinces()

    def export_rows(
        self, query: str, filters: Mapping[str, str | Sequence[str]] | None = None, sort: str = "year",
        passage: bool | None = None,
    ) -> Iterator[dict[str, object]]:
        """Every match as one row (``exports.EXPORT_FIELDS``), for the CSV export and ``all=1``.

        Ordered by year or place (``relevance`` lists like ``year``: a spreadsheet is sorted, not
        read top-down). The query is checked now, so a bad one fails before the first row; rows
        are read lazily on a connection of their own, so a long stream holds no search handle.
        """
        generation = self._live_generation()
        parsed, _clauses = self._read(generation, query, filters, passage)
        _check_sort(sort)
        sql, args = exports.export_sql(parsed, sort)
        return exports.export_rows(generation.folder / LITERAL_DB, sql, args)

    def passage_ids(
        self,
        query: str,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        report_id: str | None = None,
        passage: bool | None = None,
    ) -> list[tuple[str, int]]:
        """Every matching paragraph as (report_id, seq), in report and document order.

        The reader (``web.reader_views``) asks for one report's (``report_id``) to mark the
        paragraphs a search matched; tests compare the whole match set with the store.
        """
        generation = self._live_generation()
        parsed, _clauses = self._read(generation, query, filters, passage)
        conn = generation.conn
        with conn:
            materialise(conn, parsed)
            sql = ("SELECT p.report_id, p.seq FROM temp.hits h JOIN passages p ON p.gid = h.gid "
                   f"WHERE p.unit = '{place_kinds.PASSAGE}'")
            args: list[str] = []
            if report_id is not None:
                sql += " AND p.report_id = ?"
                args.append(report_id)
            return [(rid, seq) for rid, seq in conn.execute(sql + " ORDER BY p.report_id, p.seq", args)]

    def passage_marks(self, report_id: str) -> dict[int, list[wording.TemplateSentence]]:
        """The template sentences of one report's paragraphs by ¶ seq (``indexer.analysis.wording``), each
        with its most shared clause (``indexer.analysis.templates``), for the reader."""
        conn = self._live_generation().conn
        copies = templates.report_marks(conn, report_id)
        out: dict[int, list[wording.TemplateSentence]] = {}
        for seq, stored in conn.execute(
            "SELECT p.seq, w.spans FROM passages p JOIN passage_wording w ON w.gid = p.gid "
            "WHERE p.report_id = ? AND p.unit = 'p'", (report_id,)
        ):
            out[seq] = []
            for start, end in wording.decode(stored):
                inside = [c for c in copies.get(seq, ()) if start <= c.start and c.end <= end]
                top = max(inside, key=lambda c: c.reports, default=None)
                out[seq].append(wording.TemplateSentence(start, end, top.reports, (top.start, top.end))
                                if top else wording.TemplateSentence(start, end))
        return out

    def compared_clauses(self, report_ids: Sequence[str]) -> dict[str, list[ComparedClause]]:
        """The clauses of reports compared side by side, each with the others sharing its wording
        (``indexer.analysis.shared``), for the comparison."""
        return compared_clauses(self._live_generation().conn, report_ids)

    def similar(self, report_id: str, seq: int, limit: int = similar_passages.LIMIT
                ) -> list[similar_passages.SimilarPassage] | None:
        """Passages of other townships' reports describing the practice of ¶ ``seq``, best first,
        each with why (``indexer.practices.similar``); None when the report has no such paragraph."""
        generation = self._live_generation()
        searcher, _docmap = generation.searcher()
        return similar_passages.similar(generation.conn, searcher, practices.directory(self.config),
                                        report_id, seq, limit)


def replace_word(query: str, word: str, replacement: str) -> str:
    """``query`` with the first occurrence of the folded ``word`` replaced as typed.

    Folding is length-preserving, so the position found in the folded query is the position
    in what the user typed; everything else they wrote (filters, quotes, operators) stays.
    """
    start = fold_for_match(query).find(word)
    if start < 0:
        return query
    return query[:start] + replacement + query[start + len(word):]


def _check_sort(sort: str) -> None:
    if sort not in SORTS:
        choices = "、".join(f"{key}（{label}）" for key, label in SORTS.items())
        raise QuerySyntaxError(f"排序方式“{sort}”无效，可选：{choices}。")


def _positive(value: object, label: str) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise QuerySyntaxError(f"{label}必须是正整数。") from None
    if number < 1:
        raise QuerySyntaxError(f"{label}必须是正整数。")
    return number
