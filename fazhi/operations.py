"""The operations on an archive, once: ``Archive`` owns the store's one engine per process, its
sessions and the search service, and every change goes store first, then index.

Why a layer above ``archive`` and ``indexer``: ingest, correct, delete and harvest change the
store (``archive``), and each must then bring the index up to date (``indexer``); written in the
CLI, the admin API and the bench separately, the sequence drifted (one path skipped the repair of
an index left stale by a killed run). Here every change is followed by the same
``indexer.index.recovery.catch_up``, which applies the store's change sequence (``archive.store.db.Change``,
written in the change's own transaction) — the same call a web node's follower makes for changes
made on other nodes (``fazhi.follow``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.config import ArchiveConfig
from archive.errors import ReportNotFound
from archive.harvest.crawl import HarvestOptions, HarvestResult, ProgressCallback, harvest, start_background
from archive.store.changes import make_session_factory
from archive.store.corrections import ReviewItem, correct, review
from archive.store.db import Report, ReportAlias, SourceFile, make_engine
from archive.store.ingest import FileOutcome, IngestSummary, ingest_paths
from indexer.index.build import BuildStats, rebuild
from indexer.index.recovery import Lag, catch_up, ensure_index, index_problem, lag
from indexer.service import SearchResult, SearchService


class Archive:
    """One archive (store + index) and everything done to it."""

    def __init__(self, config: ArchiveConfig | None = None) -> None:
        self.config = config or ArchiveConfig.from_env()
        self.config.ensure_home()
        self.engine = make_engine(self.config.database_url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self._search: SearchService | None = None

    def close(self) -> None:
        """Close the store's connections (a new one opens on the next use)."""
        self.engine.dispose()

    def after_fork(self) -> None:
        """In a forked child: forget the parent's connections without closing them under it."""
        self.engine.dispose(close=False)

    # ------------------------------------------------------------------------------- changes

    def ingest(self, paths: Iterable[str | os.PathLike[str]], workers: int | None = None,
               on_file: Callable[[FileOutcome], None] | None = None, index: bool = True) -> IngestSummary:
        """Ingest files and folders; then (unless ``index`` is off) bring the index up to date."""
        summary = ingest_paths(self.sessions, paths, workers=workers, on_file=on_file)
        if index:
            self.update_index()
        return summary

    def correct(self, report_id: str, fields: Mapping[str, str], reason: str = "") -> Report:
        """Record and apply a correction, then re-index the report; ``ReportNotFound`` or
        ``UnreadableFile`` (a bad field or value) when refused. The report stays readable."""
        with self.sessions.begin() as session:
            report = correct(session, report_id, dict(fields), reason)
        self.update_index()
        return report

    def delete(self, report_id: str) -> int:
        """Remove a report, its original files and its aliases in one transaction, then from the
        index; the number of files removed. ``ReportNotFound`` for an unknown id."""
        with self.sessions.begin() as session:
            report = session.get(Report, report_id)
            if report is None:
                raise ReportNotFound(f"没有编号为 {report_id} 的报告")
            files = session.scalars(select(SourceFile).where(SourceFile.report_id == report_id)).all()
            for source in files:
                session.delete(source)
            session.execute(sql_delete(ReportAlias).where(ReportAlias.new_id == report_id))
            session.delete(report)
        self.update_index()
        return len(files)

    def harvest(self, seeds: list[str], options: HarvestOptions | None = None,
                on_visit: ProgressCallback | None = None, index: bool = True) -> HarvestResult:
        """Harvest reports from government sites (``archive.harvest.crawl``), then update the index."""
        result = harvest(self.config, self.sessions, seeds, options, on_visit)
        if index:
            self.update_index()
        return result

    def harvest_in_background(self, seeds: list[str], options: HarvestOptions) -> bool:
        """Start a harvest in a thread that updates the index when it ends; False if one runs."""
        return start_background(self.config, self.sessions, seeds, options,
                                on_done=lambda _result: self.update_index())

    # --------------------------------------------------------------------------------- index

    def update_index(self, wait: bool = True) -> int | None:
        """Apply every store change the index has not seen — this process's, a run killed before
        indexing, another node's — building the index if there is none (``catch_up``)."""
        return catch_up(self.config, self.sessions, wait=wait)

    def rebuild(self, procs: int | None = None) -> BuildStats:
        """Build the whole index aside from the store and swap it in."""
        return rebuild(self.config, self.sessions, procs)

    def ensure_index(self) -> str | None:
        """Repair a missing, corrupt or stale index (``indexer.index.recovery``); the problem repaired."""
        return ensure_index(self.config, self.sessions)

    def index_problem(self) -> str | None:
        """What is wrong with the index, in one line; None when it is usable and current."""
        return index_problem(self.config, self.sessions)

    def lag(self) -> Lag:
        """How far the index is behind the store's change sequence."""
        return lag(self.config, self.sessions)

    # ---------------------------------------------------------------------------------- read

    @property
    def search_service(self) -> SearchService:
        """The search service over this archive's index (opened lazily, per thread)."""
        if self._search is None:
            self._search = SearchService(self.config)
        return self._search

    def search(self, query: str, filters: Mapping[str, str | Sequence[str]] | None = None, page: int = 1,
               sort: str = "relevance", per_page: int = 20, passage: bool | None = None) -> SearchResult:
        """One search request (``SearchService.search``; ``passage``: read ``query`` as pasted text)."""
        return self.search_service.search(query, filters, page=page, sort=sort, per_page=per_page,
                                          passage=passage)

    def review(self) -> list[ReviewItem]:
        """Reports with an empty or uncertain field, and why."""
        with self.sessions() as session:
            return review(session)
