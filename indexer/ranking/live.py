"""The open handles of the live index generation, one set per thread (SQLite connections and
Whoosh searchers are not shared across threads), and what is derived from them and kept while
the index does not change: its place names, its match sets, its did-you-mean tables, the
version its answers are kept under (``indexer.results.result_cache``), the second connection a request
reads its pre-rank on (``indexer.ranking.beside``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from whoosh.searching import Searcher

from archive.fields import PLACE_COLUMNS, REPORT_FACETS
from indexer.analysis import templates
from indexer.index import literal
from indexer.index.generation import LITERAL_DB, WHOOSH_DIR, open_whoosh
from indexer.results import result_cache
from indexer.results.suggest import Suggester

from .beside import Beside, Runner
from .bm25f import DocMap

if TYPE_CHECKING:  # numpy's modules: imported by a worker's warm-up, never by the gunicorn master
    from indexer.index import matchsets

T = TypeVar("T")  # what a generation derives from its index (``LiveGeneration._per_version``)
log = logging.getLogger(__name__)


class LiveGeneration:
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
        """The generation's kept answers (``indexer.results.result_cache``)."""
        return result_cache.ResultCache(self.folder)

    def match_sets(self) -> matchsets.MatchSets | None:
        """The match sets of the version this generation's literal table names (None: none, or
        their files are missing: the SQL path answers)."""
        from indexer.index import matchsets  # numpy: not in a process that never searches (a gunicorn master)

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
        (``indexer.ranking.beside``); a query still running from an earlier request is waited for."""
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
