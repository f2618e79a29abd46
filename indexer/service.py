"""The search API used by the web app and the CLI: ``SearchService.search`` → ``SearchResult``;
``export_rows`` (every match, for the CSV export), ``passage_ids``, ``similar``.

One request, in order (each step answered by the structure that is fastest at it):

1. parse the query (``indexer.query``) and compile it to an SQL condition (``indexer.literal``);
2. materialise the exact match set into a per-connection temp table ``hits`` (FTS5 + instr, C),
   keyed by report number, while a second connection reads FTS5's best matches for step 4
   (``indexer.beside``);
3. totals and facet counts over all of ``hits`` (``indexer.facets``, GROUP BY, C);
4. order the matching reports, only as far as the requested page: by relevance (Whoosh BM25F
   over a bounded set of candidate matches, ``indexer.ranking``; see ``_candidates``), by
   year, or by place (SQL over the report table);
5. for the reports of the requested page only: their matching passages, best first, with
   snippets (``indexer.snippets``).

A service is cheap to construct; it opens the live generation lazily, per thread (SQLite
connections and Whoosh searchers are not shared across threads), and on every search compares
the generation named in ``CURRENT`` with the one it holds, so a rebuild in another process is
picked up by the next search; an incremental update is picked up by refreshing the searcher.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from whoosh.index import IndexError as WhooshError
from whoosh.searching import Searcher

from archive.config import ArchiveConfig
from archive.errors import IndexUnavailable, QuerySyntaxError
from archive.fields import BY_COLUMN, EXPORT, PASSAGE_LEVEL, REPORT_FACETS, SORTS, columns, sort_columns
from archive.normalize import fold_for_match

from . import literal, pasted, practices, result_cache, spreads, templates, wording
from . import similar as similar_passages
from .beside import Beside, Runner
from .facets import FacetCounts, facet_counts
from .generation import LITERAL_DB, WHOOSH_DIR, current_generation, open_whoosh
from .query import PLACE_COLUMNS, ParsedQuery, parse
from .ranking import DocMap, originality, score
from .schema import FACET_FIELDS
from .shared import ComparedClause, compared_clauses
from .snippets import snippet
from .suggest import Suggester

MAX_PER_PAGE = 100
HITS_PER_GROUP = 3
# Matches scored by Whoosh BM25F per request, per kind of candidate (see ``_candidates``); the
# reports of matches not scored follow the scored ones by match count.
RANK_CANDIDATES = 100
# FTS5's best matches read beside the match set are this many times ``RANK_CANDIDATES``: some of
# them are no match of the query (a heading's opening sentence, indexed apart for ``heading:``).
RANK_BESIDE_FACTOR = 3
# Up to this many matches of 1–2 character words, the pre-rank counts the words; in their text
# up to ``TEXT_COUNT_LIMIT`` (a filter narrowed a word found in many more places), beyond that in
# the index when it can.
COUNT_LIMIT = 20_000
TEXT_COUNT_LIMIT = 1_000
# A match containing all the query's words adjacently, as typed: score × BOOST + BONUS.
PHRASE_BOOST = 2.0
PHRASE_BONUS = 1.0
# Corrected queries counted per search that found nothing (each is one more match-set query).
MAX_SUGGESTIONS = 3


# Export rows (``SearchService.export_rows``): the report's export fields, then the place's.
REPORT_EXPORT = tuple(name for name in columns(EXPORT) if not BY_COLUMN[name].has(PASSAGE_LEVEL))
PASSAGE_EXPORT = tuple(name for name in columns(EXPORT) if BY_COLUMN[name].has(PASSAGE_LEVEL))
EXPORT_FIELDS = ("report_id", *REPORT_EXPORT, *PASSAGE_EXPORT, "heading", "seq", "text", "place", "anchor",
                 "template", "shared_reports")
REPORT_PLACE = "report"  # the ``place`` of an export row listing a report (a query without words)

if TYPE_CHECKING:  # numpy's modules: imported by a worker's warm-up, never by the gunicorn master
    from . import fast_order, matchsets

T = TypeVar("T")  # what a generation derives from its index (``_Generation._per_version``)
log = logging.getLogger(__name__)


@dataclass
class Hit:
    """One matching place as shown: a passage (``seq`` is its 1-based paragraph number, permalink
    #p-<seq>, the name every endpoint of the API uses), a heading or the title (``seq`` None: no
    ¶ to cite); ``anchor`` is the reader's fragment for it (``literal.anchor``)."""

    seq: int | None
    section: str
    heading: list[str]
    snippet: str
    text: str
    place: str = "passage"  # "passage" | "heading" | "title"
    anchor: str = ""
    template: bool = False  # every sentence of the passage is template text (``indexer.wording``)
    shared: templates.Shared = templates.NOT_SHARED  # other reports holding its clauses


@dataclass
class Group:
    """The matching passages of one report, best first; ``more`` = matches not shown."""

    report_id: str
    township: str
    county: str
    year: int | None
    title: str
    hits: list[Hit]
    more: int
    passages: int = 0  # matching passages of the report (all of them for a filter-only listing)
    shared: int | None = None  # pasted text: how many of its clauses the report holds (``indexer.pasted``)
    # The rest of what a result shows of its report (``archive.fields`` GROUP role), from the index.
    province: str = ""
    city: str = ""
    doc_type: str = ""
    issue_date: str = ""


@dataclass
class Suggestion:
    """A corrected query that finds something: ``query`` with each ``(typed, meant)`` replaced."""

    query: str
    changes: list[tuple[str, str]]
    reports: int
    total: int


@dataclass
class SearchResult:
    """Everything a result page needs; ``to_json`` is the documented wire format.

    ``listing`` is a query of filters only (``year:2024``): there are no words to match, so the
    groups are the filtered reports with no passages shown (like browsing), not every report's
    ¶1 as a pseudo-hit. ``notes`` say how filters were read (``county:潢川`` → 潢川县);
    ``suggestions`` are filled only when nothing was found. ``facets`` count the results;
    ``choices`` has each facet the query filters on counted without its own filter, so the
    values a user may add to it (a filter's values are alternatives) are offered with the
    reports each would select with the other filters kept (``_choices``). ``clauses`` is set
    when the query was read as pasted text (mode ``passage``).
    """

    query: str
    filters: dict[str, str | list[str]]
    sort: str
    page: int
    per_page: int
    total: int = 0
    reports: int = 0
    facets: FacetCounts = field(default_factory=lambda: {name: [] for name in FACET_FIELDS})
    groups: list[Group] = field(default_factory=list)
    listing: bool = False
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    choices: FacetCounts = field(default_factory=dict)
    clauses: list[str] | None = None  # pasted text: the clauses looked for (``indexer.pasted``)

    @property
    def pages(self) -> int:
        """Number of result pages (pages are pages of reports)."""
        return (self.reports + self.per_page - 1) // self.per_page

    def to_json(self) -> dict[str, object]:
        """Plain JSON-ready dict with exactly the keys ``web.api_spec.SearchResultSchema`` documents
        (the API test validates real responses against it, so a change here must change both)."""
        return {
            "mode": "passage" if self.clauses is not None else "list" if self.listing else "search",
            "clauses": self.clauses or [],
            "total": self.total,
            "reports": self.reports,
            "facets": self.facets,
            "choices": self.choices,
            "notes": self.notes,
            "suggestions": [
                {"query": s.query, "changes": [list(change) for change in s.changes],
                 "reports": s.reports, "total": s.total}
                for s in self.suggestions
            ],
            "groups": [
                {
                    "report_id": g.report_id, "township": g.township, "county": g.county,
                    "year": g.year, "title": g.title, "more": g.more, "passages": g.passages,
                    "shared": g.shared, "province": g.province, "city": g.city, "doc_type": g.doc_type,
                    "issue_date": g.issue_date,
                    "hits": [
                        {"seq": h.seq, "section": h.section, "heading": h.heading,
                         "snippet": h.snippet, "text": h.text, "place": h.place, "anchor": h.anchor,
                         "template": h.template, "shared": h.shared.to_json()}
                        for h in g.hits
                    ],
                }
                for g in self.groups
            ],
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "query": self.query,
            "filters": self.filters,
            "sort": self.sort,
        }


class _Generation:
    """Open handles on one index generation for one thread."""

    def __init__(self, folder: Path) -> None:
        self.name = folder.name
        self.folder = folder
        self.conn = literal.connect(folder / LITERAL_DB)
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS hits "
            "(gid INTEGER PRIMARY KEY, report_no INTEGER, section_no INTEGER, chars INTEGER)"
        )
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS hit_reports (report_no INTEGER PRIMARY KEY, report_id TEXT, "
            f"n INTEGER, place_no INTEGER, {', '.join(REPORT_FACETS)})"
        )
        self.index = open_whoosh(folder / WHOOSH_DIR)
        self._searcher: Searcher | None = None
        self._docmap: DocMap | None = None
        self._average_chars: float | None = None
        # A second connection for the one query a request runs beside its own (``beside``).
        self._side: Runner | None = None
        self._side_job: Beside | None = None
        # Built from the index, kept until another connection commits (``PRAGMA data_version``
        # changes: an incremental update); never rebuilt per request. Name → (version, value).
        self._derived: dict[str, tuple[int, Any]] = {}

    def _per_version(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()``, kept while the index's data version stays the same."""
        (version,) = self.conn.execute("PRAGMA data_version").fetchone()
        held = self._derived.get(name)
        if held is None or held[0] != version:
            held = self._derived[name] = (version, compute())
        return held[1]

    def vocabulary(self) -> dict[str, list[str]]:
        """Place names present in the index, most reports first: what short names resolve to."""
        return self._per_version("vocabulary", lambda: {
            column: [value for (value,) in self.conn.execute(
                f"SELECT {column} FROM reports WHERE {column} <> '' "
                f"GROUP BY {column} ORDER BY count(*) DESC, {column}"
            )]
            for column in PLACE_COLUMNS
        })

    def county_provinces(self) -> dict[str, set[str]]:
        """County name → the provinces it is found in (a name can be used in two)."""
        def compute() -> dict[str, set[str]]:
            found: dict[str, set[str]] = {}
            for county, province in self.conn.execute(
                "SELECT county, province FROM reports WHERE county <> '' AND province <> '' "
                "GROUP BY county, province"
            ):
                found.setdefault(county, set()).add(province)
            return found
        return self._per_version("county_provinces", compute)

    def result_version(self) -> str | None:
        """The version of the index the request's snapshot reads, for the result cache: the
        match sets' (bumped by every update) and the store's change sequence; None when answers
        are not kept (a small index, no match sets, template marks still being written)."""
        sets = self.match_sets()
        if sets is None or len(sets.array("unit")) < result_cache.MIN_PLACES or templates.pending(self.conn):
            return None
        return f"{sets.version}:{literal.applied_change(self.conn)}"

    @cached_property
    def results(self) -> result_cache.ResultCache:
        """The generation's kept answers (``indexer.result_cache``)."""
        return result_cache.ResultCache(self.folder)

    def match_sets(self) -> matchsets.MatchSets | None:
        """The match sets of the version this generation's literal table names (None: none, or
        their files are missing: the SQL path answers)."""
        from . import matchsets  # numpy: not in a process that never searches (a gunicorn master)

        def load() -> matchsets.MatchSets | None:
            version = matchsets.current_version(self.conn)
            try:
                return matchsets.MatchSets.open(self.folder, version) if version is not None else None
            except (OSError, ValueError):
                log.warning("match sets of %s unreadable; searching without them", self.folder.name)
                return None
        return self._per_version("match_sets", load)

    def suggester(self) -> Suggester:
        """The did-you-mean tables over this generation's words (built on first need)."""
        return self._per_version("suggester", lambda: Suggester.from_reader(self.searcher()[0].reader()))

    def average_chars(self) -> float:
        """Mean passage length in characters (BM25's length norm for the SQL pre-rank)."""
        if self._average_chars is None:
            (value,) = self.conn.execute("SELECT avg(chars) FROM passage_keys").fetchone()
            self._average_chars = float(value or 1.0)
        return self._average_chars

    def searcher(self) -> tuple[Searcher, DocMap]:
        """The Whoosh searcher, refreshed if an update committed since, and its gid map."""
        if self._searcher is None:
            self._searcher = self.index.searcher()
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
            self._docmap = None
        if self._docmap is None:
            self._docmap = DocMap(self._searcher)
        return self._searcher, self._docmap

    def beside(self, sql: str, args: Sequence[object]) -> Beside:
        """Start ``sql`` on this generation's second connection, on a thread of its own
        (``indexer.beside``); a query still running from an earlier request is waited for."""
        self.settle()
        if self._side is None:
            self._side = Runner(literal.connect(self.folder / LITERAL_DB))
        self._side_job = Beside(self._side, sql, args)
        return self._side_job

    def settle(self) -> None:
        """Wait for the query running beside, if any (its connection is then free)."""
        if self._side_job is not None:
            self._side_job.settle()
            self._side_job = None

    def close(self) -> None:
        self.settle()
        if self._side is not None:
            self._side.close()
            self._side.conn.close()
        if self._searcher is not None:
            self._searcher.close()
        if "results" in self.__dict__:
            self.results.close()
        self.conn.close()


class SearchService:
    """Search over the live index generation of one archive (see the module docstring)."""

    def __init__(self, config: ArchiveConfig) -> None:
        self.config = config
        self._local = threading.local()

    def _generation(self) -> _Generation | None:
        folder = current_generation(self.config.index_dir)
        held: _Generation | None = getattr(self._local, "generation", None)
        if folder is None:
            return None
        if held is None or held.name != folder.name:
            if held is not None:
                held.close()
            self._local.generation = None
            try:
                held = _Generation(folder)
            except (OSError, sqlite3.Error, WhooshError) as error:
                raise IndexUnavailable(
                    f"检索索引无法打开（{error}），请运行 python -m fazhi index 重建。"
                ) from error
            self._local.generation = held
        return held

    def _live_generation(self) -> _Generation:
        generation = self._generation()
        if generation is None:
            raise IndexUnavailable("检索索引尚未建立或已丢失，请运行 python -m fazhi index 重建。")
        return generation

    def warm(self) -> None:
        """Open the live generation, load jieba and the gid map now rather than on the first search.

        For a gunicorn ``post_fork`` hook or app start-up: the first user request then costs
        what every later one does (issue 5: first answer ≤ 2 s after a worker starts).
        """
        from .analysis import ensure_jieba

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
        query language (False) or as it looks (None, ``indexer.pasted``).

        Raises ``QuerySyntaxError`` for bad input and ``IndexUnavailable`` when no index is live
        (a missing index must not read as "no hits"); nothing else.
        """
        generation = self._live_generation()
        parsed, clauses = self._read(generation, query, filters, passage)
        _check_sort(sort)
        page, per_page = _positive(page, "页码"), min(_positive(per_page, "每页条数"), MAX_PER_PAGE)
        result = SearchResult(
            query=query or "", filters=_echo_filters(filters), sort=sort, page=page, per_page=per_page,
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
            fast = None if clauses is not None or not words else self._fast(generation, parsed, sort,
                                                                             page * per_page)
            scores: dict[int, float] = {}
            if fast is not None:  # from the match sets: counted and ordered without a pass over every match
                order, scores = fast.order, fast.scores
                result.total, result.reports = fast.matches.total, len(fast.matches.reports)
                result.facets = fast.matches.facets()
            else:
                ranks = sort == "relevance" and words and clauses is None
                matched = _materialise(conn, parsed, generation if ranks else None)
                result.total, result.reports = _totals(conn)
                result.facets = facet_counts(conn)
                if clauses is not None:  # pasted text: ranked by the clauses each place and report holds
                    places = pasted.held(conn, clauses)
                    scores.update((gid, float(len(indexes))) for gid, indexes in places.items())
                    shares = pasted.report_shares(conn, places, clauses)
                    order = (pasted.ranked(conn, shares) if sort == "relevance" else
                             self._report_order(generation, parsed, sort, scores, page * per_page, matched))
                else:
                    order = self._report_order(generation, parsed, sort, scores, page * per_page, matched)
            page_ids = order[(page - 1) * per_page: page * per_page]
            if fast is not None:
                fast.fill(conn, page_ids)
            if page_ids and words and sort != "relevance" and clauses is None:
                scores.update(self._score_page(generation, words, page_ids))
                originality(conn, scores, words)
            result.groups = _groups(conn, page_ids, words, scores, result.listing)
            if clauses is not None:
                for group in result.groups:
                    group.shared = shares[group.report_id][0]
            elif not result.total and words:
                result.suggestions = self._suggestions(generation, parsed, result.query, filters)
            # last: it may fill the match set again
            result.choices = _choices(conn, parsed, generation.match_sets())
        if version is not None and time.perf_counter() - started > result_cache.SLOW_SECONDS:
            generation.results.put(key, version, result)
        return result

    def _fast(self, generation: _Generation, parsed: ParsedQuery, sort: str, upto: int
              ) -> fast_order.FastPage | None:
        """The matches, the first ``upto`` report ids in result order and the candidates' scores,
        from the match sets (``indexer.fastpath``, ``indexer.fast_order``); None when the SQL
        path must answer (no sets, a condition they cannot decide, a small match set, a
        pre-rank they cannot supply)."""
        from . import fast_order, fastpath

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
            if len(words) > 1 and literal.rank_match(parsed) is not None:
                job, _by_counts = _rank_beside(generation, parsed, frozenset())
                beside = [gid for gid, *_ in job.rows()] if job is not None else None
            chosen = fast_order.candidates(found, conn, parsed, RANK_CANDIDATES, beside)
            if chosen is None:
                return None
            candidates, adjacent = chosen
            searcher, docmap = generation.searcher()
            scores.update(score(searcher, docmap, words, candidates))
            for gid in adjacent:
                scores[gid] = scores.get(gid, 0.0) * PHRASE_BOOST + PHRASE_BONUS
            originality(conn, scores, words)
            ranked = sorted(scores, key=lambda gid: (-scores[gid], gid))
            best = list(dict.fromkeys(candidates[gid] for gid in ranked))[:upto]
            chosen_set = set(best)
            rest = [int(n) for n in found.by_matches()[:upto + len(best)] if int(n) not in chosen_set]
            numbers = (best + rest)[:upto]
        ids = fast_order.report_ids(conn, numbers)
        return fast_order.FastPage(found, [ids[number] for number in numbers],
                                   {ids[number]: number for number in numbers}, scores)

    def _suggestions(
        self,
        generation: _Generation,
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
        missing = [word for word in parsed.positive_literals() if not _occurs(conn, word)]
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
                _materialise(conn, parse(corrected, filters, generation.vocabulary()))
            except QuerySyntaxError:
                continue
            total, reports = _totals(conn)
            if total:
                out.append(Suggestion(query=corrected, changes=changes, reports=reports, total=total))
        return out

    def spread(
        self, query: str, filters: Mapping[str, str | Sequence[str]] | None = None
    ) -> spreads.SpreadCounts:
        """The query's reports as shares of all reports by year, province and county
        (``indexer.spreads``); the match set is the search's own, without ranking."""
        generation = self._live_generation()
        parsed = parse(query or "", filters, generation.vocabulary())
        conn = generation.conn
        with conn:
            _materialise(conn, parsed)
            return spreads.counts(conn, parsed)

    def parse(
        self, query: str, filters: Mapping[str, str | Sequence[str]] | None = None
    ) -> ParsedQuery:
        """``indexer.query.parse`` with the live index's place names, so a short name
        (``county:潢川``) means the same for every caller: search, passage lists, exports."""
        return parse(query or "", filters, self._live_generation().vocabulary())

    @staticmethod
    def _read(
        generation: _Generation, query: str, filters: Mapping[str, str | Sequence[str]] | None,
        passage: bool | None,
    ) -> tuple[ParsedQuery, list[str] | None]:
        """The query as parsed, and the pasted clauses when it is read as pasted text: one
        reading for the page, its exports and the reader's marks (``indexer.pasted``)."""
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
        """Every match as one row (``EXPORT_FIELDS``), for the CSV export and ``all=1``; for a
        query without words, every matching report (``place`` "report": nothing to point at).

        Ordered by year or place (``relevance`` lists like ``year``: a spreadsheet is sorted, not
        read top-down). The query is checked now, so a bad one fails before the first row; rows
        are read lazily on a connection of their own, so a long stream holds no search handle.
        """
        generation = self._live_generation()
        parsed, _clauses = self._read(generation, query, filters, passage)
        _check_sort(sort)
        where, args = literal.compile_where(parsed)
        report_columns = ", ".join(f"r.{name}" for name in ("report_id", *REPORT_EXPORT))
        order = order_by(sort, "r")
        if parsed.match is None:
            sql = (f"SELECT {report_columns} FROM reports r WHERE r.report_id IN "
                   f"(SELECT p.report_id FROM passages p WHERE {where}) ORDER BY {order}, r.report_id")
        else:
            place = ", ".join(f"p.{name}" for name in (*PASSAGE_EXPORT, "heading", "seq", "text", "unit"))
            sql = (f"SELECT {report_columns}, {place}, coalesce(w.template, 0), coalesce(m.reports, 0) "
                   "FROM passages p JOIN reports r ON r.report_id = p.report_id "
                   "LEFT JOIN passage_wording w ON w.gid = p.gid LEFT JOIN passage_marks m ON m.gid = p.gid "
                   f"WHERE {where} ORDER BY {order}, p.report_id, p.gid")  # gid: document order
        return _export_rows(generation.folder / LITERAL_DB, sql, args)

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
            _materialise(conn, parsed)
            sql = ("SELECT p.report_id, p.seq FROM temp.hits h JOIN passages p ON p.gid = h.gid "
                   f"WHERE p.unit = '{literal.PASSAGE}'")
            args: list[str] = []
            if report_id is not None:
                sql += " AND p.report_id = ?"
                args.append(report_id)
            return [(rid, seq) for rid, seq in conn.execute(sql + " ORDER BY p.report_id, p.seq", args)]

    def passage_marks(self, report_id: str) -> dict[int, list[wording.TemplateSentence]]:
        """The template sentences of one report's paragraphs by ¶ seq (``indexer.wording``), each
        with its most shared clause (``indexer.templates``), for the reader."""
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
        (``indexer.shared``), for the comparison."""
        return compared_clauses(self._live_generation().conn, report_ids)

    def similar(self, report_id: str, seq: int, limit: int = similar_passages.LIMIT
                ) -> list[similar_passages.SimilarPassage] | None:
        """Passages of other townships' reports describing the practice of ¶ ``seq``, best first,
        each with why (``indexer.similar``); None when the report has no such paragraph."""
        generation = self._live_generation()
        searcher, _docmap = generation.searcher()
        return similar_passages.similar(generation.conn, searcher, practices.directory(self.config),
                                        report_id, seq, limit)

    def _report_order(
        self, generation: _Generation, parsed: ParsedQuery, sort: str, scores: dict[int, float], upto: int,
        matched: Matched,
    ) -> list[str]:
        """The first ``upto`` matching report ids in result order; fills ``scores`` for relevance
        (``matched``: how ``_materialise`` found the matches)."""
        conn = generation.conn
        words = parsed.positive_literals()
        if sort == "relevance" and words:
            searcher, docmap = generation.searcher()
            candidates, adjacent = _candidates(conn, parsed, generation.average_chars(), matched)
            scores.update(score(searcher, docmap, words, candidates))
            for gid in adjacent:
                scores[gid] = scores.get(gid, 0.0) * PHRASE_BOOST + PHRASE_BONUS
            originality(conn, scores, words)
            ranked = sorted(scores, key=lambda gid: (-scores[gid], gid))
            best = list(dict.fromkeys(candidates[gid] for gid in ranked))[:upto]
            rest = conn.execute(
                f"SELECT r.report_id FROM temp.hit_reports r "
                f"ORDER BY r.n DESC, {order_by('year', 'r')}, r.report_id LIMIT ?",
                [upto + len(best)],
            ).fetchall()
            chosen = set(best)
            return (best + [rid for (rid,) in rest if rid not in chosen])[:upto]
        rows = conn.execute(
            "SELECT r.report_id FROM reports r WHERE r.report_no IN (SELECT report_no FROM temp.hit_reports) "
            f"ORDER BY {order_by(sort, 'r')}, r.report_id LIMIT ?",
            [upto],
        ).fetchall()
        return [rid for (rid,) in rows]

    def _score_page(
        self, generation: _Generation, words: list[str], report_ids: list[str]
    ) -> dict[int, float]:
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


def _candidates(
    conn: sqlite3.Connection, parsed: ParsedQuery, average_chars: float, matched: Matched
) -> tuple[dict[int, str], list[int]]:
    """The matches Whoosh scores (gid → report id), and those holding the words as typed.

    A cheap pre-rank in SQLite (C) bounds the BM25F work in Python to at most twice
    ``RANK_CANDIDATES`` passages however many match (scoring every match, or Whoosh's top-N over
    whole posting lists, was ≈ 67 % of a request at 10,000 reports):

    * the best matches by FTS5's own bm25 over the query's words of 3+ characters (term
      frequency and length normalisation, on trigrams), inside the match set (FTS5's best in the
      query's scope and filters are read on a second connection while the first reads the match
      set, ``_rank_beside``, and kept where they are matches). A query of 1–2
      character words only has no trigram to rank by, and one whose filters left few reports
      (``Matched.narrow``) has few matches: then BM25's own formula on the literal
      counts in SQL (k1 = 1.2, b = 0.75, length in characters) when at most ``COUNT_LIMIT``
      passages match (counted in the index, ``literal.count_occurrences``, when every word is a
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
        sql, args = literal.compile_literal(joined, read)
        covering = literal.indexed(joined) and not read
        source = "passage_keys p" if covering else "passages p"
        adjacent = dict(conn.execute(
            # CROSS JOIN: the matches drive (SQLite may otherwise scan every passage to probe them)
            f"SELECT h.gid, h.report_no FROM temp.hits h CROSS JOIN {source} ON p.gid = h.gid WHERE {sql} "
            "ORDER BY h.chars, h.gid LIMIT ?",
            [*args, RANK_CANDIDATES],
        ).fetchall())
    best = _ranked_beside(conn, matched)
    if best is None:
        best = _ranked_in_matches(conn, parsed, average_chars, matched)
    numbers = {**dict(best), **adjacent}
    wanted = sorted(set(numbers.values()))
    marks = ",".join("?" * len(wanted))
    report_ids = dict(conn.execute(
        f"SELECT report_no, report_id FROM temp.hit_reports WHERE report_no IN ({marks})", wanted
    ).fetchall())
    return {gid: report_ids[number] for gid, number in numbers.items()}, list(adjacent)


def _ranked_beside(conn: sqlite3.Connection, matched: Matched) -> list[tuple[int, int]] | None:
    """The best ``RANK_CANDIDATES`` matches (gid, report number) among the best places read
    beside (``Matched.ranking``), in their order: those that are in ``temp.hits``. None when
    nothing was read beside, when fewer than that are in it while more were read (the rest of
    the best may then be further down), or when ``_ranked_in_matches`` would not count in the
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


def _ranked_in_matches(
    conn: sqlite3.Connection, parsed: ParsedQuery, average_chars: float, matched: Matched
) -> list[tuple[int, int]]:
    """The best ``RANK_CANDIDATES`` matches (gid, report number) by a pre-rank over ``temp.hits``."""
    words = parsed.positive_literals()
    rankable = literal.rank_match(parsed)
    if rankable is not None and not matched.narrow:
        return conn.execute(
            "SELECT t.rowid, h.report_no FROM trigrams t JOIN temp.hits h ON h.gid = t.rowid "
            "WHERE trigrams MATCH ? ORDER BY t.rank, t.rowid LIMIT ?",
            [rankable, RANK_CANDIDATES],
        ).fetchall()
    if (matches := conn.execute("SELECT count(*) FROM temp.hits").fetchone()[0]) <= COUNT_LIMIT:
        in_index = matches > TEXT_COUNT_LIMIT and not matched.scanned.intersection(words)
        return conn.execute(*_counted_bm25(words, average_chars, in_index)).fetchall()
    return conn.execute(
        "SELECT gid, report_no FROM temp.hits ORDER BY chars, gid LIMIT ?", [RANK_CANDIDATES]
    ).fetchall()


def _counted_bm25(words: list[str], average_chars: float, in_index: bool) -> tuple[str, list[object]]:
    """SQL of the best ``RANK_CANDIDATES`` matches in ``temp.hits`` by BM25 on the words' counts:
    from the index when ``in_index`` and it can count every word (driven by the counts, each
    match found by its key), else from the text of every match."""
    counted = [found for found in map(literal.count_occurrences, words) if found is not None]
    if in_index and len(counted) == len(words):
        return _counted_in_index(counted, average_chars, "temp.hits p", ("1", []), RANK_CANDIDATES)
    tfs = [f"(h.chars - length(replace(p.folded, ?, ''))) / {len(word)}.0" for word in words]
    bm25 = " + ".join(f"{tf} / ({tf} + 0.3 + 0.9 * h.chars / ?)" for tf in tfs)
    return (f"SELECT h.gid, h.report_no FROM temp.hits h JOIN passages p ON p.gid = h.gid "
            f"ORDER BY {bm25} DESC, h.gid LIMIT ?",
            [arg for word in words for arg in (word, word, average_chars)] + [RANK_CANDIDATES])


def _counted_in_index(
    counted: list[tuple[str, list[object]]], average_chars: float, source: str,
    where: tuple[str, list[object]], limit: int,
) -> tuple[str, list[object]]:
    """SQL of the best ``limit`` rows (gid, report number) of ``source`` (alias ``p``, with
    ``chars``) that meet ``where``, by BM25 on the words' counts read in the index
    (``literal.count_occurrences``): driven by the counts, each row found by its key."""
    union = " UNION ALL ".join(sql for sql, _ in counted)
    condition, params = where
    return (f"SELECT p.gid, p.report_no FROM ({union}) c JOIN {source} ON p.gid = c.gid WHERE {condition} "
            "GROUP BY p.gid ORDER BY sum(c.n / (c.n + 0.3 + 0.9 * p.chars / ?)) DESC, p.gid LIMIT ?",
            [*(arg for _, args in counted for arg in args), *params, average_chars, limit])


class Matched(NamedTuple):
    """How ``_materialise`` found the matches."""

    scanned: frozenset[str]  # words read in the text (``literal.common_words``; all when narrow)
    # The best places in the query's scope and filters by ``_rank_beside``'s pre-rank, read on
    # another connection (possibly another version of the index: only gids in ``temp.hits`` count)
    ranking: Beside | None
    narrow: bool  # the filters left few reports: every word was read in their text (``literal.narrow``)
    ranked_by_counts: bool = False  # ``ranking`` is BM25 on 2-character words' counts, not FTS5's


def _materialise(
    conn: sqlite3.Connection, parsed: ParsedQuery, ranker: _Generation | None = None,
) -> Matched:
    """Fill ``temp.hits`` with exactly the passages matching ``parsed`` (and their section kind),
    and ``temp.hit_reports`` with the number of matches per report.

    When the condition needs no passage text (``literal.covered``) it is answered from the FTS5
    index and the narrow ``passage_keys`` alone, never reading a wide passage row;
    when the filters leave few reports, from those reports' text alone (``literal.narrow``). When
    the caller will rank (``ranker``: the generation, whose second connection is used), the
    pre-rank is read beside meanwhile where it can be (``_rank_beside``).
    The per-report table is what makes facets cheap: six of the seven facets are report-level
    values, copied into it by one join, so they are summed over at most one row per report
    (see ``indexer.facets``).
    """
    narrow = literal.narrow(conn, parsed)
    scanned = (frozenset(parsed.all_literals()) if narrow
               else literal.common_words(conn, parsed.positive_literals()))
    ranking, by_counts = (None, False) if ranker is None or narrow else _rank_beside(ranker, parsed, scanned)
    conn.execute("DELETE FROM temp.hits")
    conn.execute("DELETE FROM temp.hit_reports")
    where, params = literal.compile_where(parsed, scanned)
    source = "passage_keys p" if literal.covered(parsed, scanned) else "passages p"
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


def _rank_beside(
    generation: _Generation, parsed: ParsedQuery, scanned: frozenset[str]
) -> tuple[Beside | None, bool]:
    """Start the pre-rank of ``_ranked_in_matches`` on the generation's second connection, over
    every place in the query's scope and filters (``literal.compile_scope``), while the first
    reads the match set: FTS5's bm25 of the words of 3+ characters, or else BM25 on the counts
    of 2-character words that the index counts (every word such, none scanned). Returns the
    query read beside (None: none can be) and whether it ranks by counts. The rank's time leaves
    the request (依法行政 at 10,000 reports: 148 → 120 ms, 行政执法 125 → 106, before integer keys)."""
    scope = literal.compile_scope(parsed)
    limit = RANK_CANDIDATES * RANK_BESIDE_FACTOR
    rankable = literal.rank_match(parsed)
    if rankable is not None:
        condition, params = scope
        return generation.beside(
            "SELECT t.rowid FROM trigrams t JOIN passage_keys p ON p.gid = t.rowid "
            f"WHERE trigrams MATCH ? AND {condition} ORDER BY t.rank, t.rowid LIMIT ?",
            [rankable, *params, limit],
        ), False
    words = parsed.positive_literals()
    counted = [found for found in map(literal.count_occurrences, words) if found is not None]
    if not words or len(counted) < len(words) or scanned.intersection(words):
        return None, False
    sql, args = _counted_in_index(counted, generation.average_chars(), "passage_keys p",
                                  scope, limit)
    return generation.beside(sql, args), True


def _export_rows(database: Path, sql: str, args: list[object]) -> Iterator[dict[str, object]]:
    """Rows of ``export_rows``' SQL in the API's vocabulary: a year as a number, the heading
    path as a list, ``seq`` only for a paragraph (a title or heading has no ¶ to cite)."""
    conn = literal.connect(database)
    try:
        for values in conn.execute(sql, args):
            row: dict[str, object] = dict(zip(("report_id", *REPORT_EXPORT), values, strict=False))
            row["year"] = int(row["year"]) if str(row["year"]).isdigit() else None
            if len(values) == 1 + len(REPORT_EXPORT):
                row.update({name: "" for name in PASSAGE_EXPORT})
                row.update(heading=[], seq=None, text="", place=REPORT_PLACE, anchor="", template=False,
                           shared_reports=0)
            else:
                *place_values, heading, seq, text, unit, template, shared = values[1 + len(REPORT_EXPORT):]
                row.update(zip(PASSAGE_EXPORT, place_values, strict=True))
                row.update(heading=json.loads(heading or "[]"), seq=seq if unit == literal.PASSAGE else None,
                           text=text, place=literal.PLACE_NAMES[unit], anchor=literal.anchor(unit, seq),
                           template=bool(template), shared_reports=shared)
            yield row
    finally:
        conn.close()


def _groups(
    conn: sqlite3.Connection, report_ids: list[str], words: list[str], scores: dict[int, float],
    listing: bool = False,
) -> list[Group]:
    """Groups for the page's reports, in ``report_ids`` order, best passages first.

    A ``listing`` (filters only) shows no passages: there is nothing to point at in them.
    """
    if not report_ids:
        return []
    marks = ",".join("?" * len(report_ids))
    reports = {row[0]: row for row in conn.execute(
        f"SELECT r.report_id, r.title, r.year, r.county, r.township, h.n, r.province, r.city, r.doc_type, "
        f"r.issue_date FROM reports r "
        f"JOIN temp.hit_reports h ON h.report_no = r.report_no WHERE r.report_id IN ({marks})",
        report_ids,
    )}
    passages: dict[str, list[tuple]] = {rid: [] for rid in report_ids}
    for row in [] if listing else conn.execute(
        "SELECT p.gid, p.report_id, p.seq, p.text, p.heading, p.section, p.unit FROM passages p "
        f"INDEXED BY passages_report JOIN temp.hits h ON h.gid = p.gid WHERE p.report_id IN ({marks})",
        report_ids,
    ):
        passages[row[1]].append(row)
    chosen = {rid: sorted(passages[rid], key=lambda row: (-scores.get(row[0], 0.0), row[2]))
              for rid in report_ids}
    shown_gids = [row[0] for rid in report_ids for row in chosen[rid][:HITS_PER_GROUP]
                  if row[6] == literal.PASSAGE]
    template = {gid for gid, (whole, _spans) in wording.marks(conn, shown_gids).items() if whole}
    shared = templates.shared(conn, shown_gids)
    groups: list[Group] = []
    for rid in report_ids:
        rows = chosen[rid]
        shown = rows[:HITS_PER_GROUP] if words else rows[:1]
        _rid, title, year, county, township, matched, province, city, doc_type, issued = reports[rid]
        groups.append(Group(
            report_id=rid, township=township, county=county, year=int(year) if year else None,
            title=title, more=len(rows) - len(shown), passages=matched, province=province, city=city,
            doc_type=doc_type, issue_date=issued,
            hits=[Hit(seq=seq if unit == literal.PASSAGE else None, section=section,
                      heading=json.loads(heading), snippet=snippet(text, words), text=text,
                      place=literal.PLACE_NAMES[unit], anchor=literal.anchor(unit, seq),
                      template=gid in template, shared=shared.get(gid, templates.NOT_SHARED))
                  for gid, _rid2, seq, text, heading, section, unit in shown],
        ))
    return groups


def _choices(conn: sqlite3.Connection, parsed: ParsedQuery, sets: matchsets.MatchSets | None) -> FacetCounts:
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
        _materialise(conn, wider)
        out[name] = facet_counts(conn, (name,))[name]
    return out


def _totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """(matching passages, matching reports) of the match set in ``temp.hit_reports``."""
    total, reports = conn.execute("SELECT coalesce(sum(n), 0), count(*) FROM temp.hit_reports").fetchone()
    return int(total), int(reports)


def _occurs(conn: sqlite3.Connection, word: str) -> bool:
    """Whether any passage contains ``word`` (one indexed lookup for 3+ characters)."""
    sql, args = literal.compile_literal(word)
    return conn.execute(f"SELECT 1 FROM passages p WHERE {sql} LIMIT 1", args).fetchone() is not None


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


def _echo_filters(filters: Mapping[str, str | Sequence[str]] | None) -> dict[str, str | list[str]]:
    return {str(k): (v if isinstance(v, str) else [str(x) for x in v]) for k, v in (filters or {}).items()}

