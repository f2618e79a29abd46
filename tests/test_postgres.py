"""The store on PostgreSQL: same reports, same passages, same exact search as on SQLite.

The store takes any SQLAlchemy URL (PostgreSQL included) and results stay exact in every
configuration, PostgreSQL included. So this module starts a throwaway PostgreSQL
server (``postgres_url`` in conftest: Debian's ``postgresql`` package, installed by
``scripts/setup.sh --for-tests``, on a Unix socket in a temporary folder), and runs the real
pipeline: ingest the shipped + dev corpora, build the index from the PostgreSQL store, search
the generated query set, serve pages through the Flask test client, replace a changed file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.config import ArchiveConfig
from archive.store.changes import make_session_factory
from archive.store.db import Passage, Report, ReportAlias, make_engine
from archive.store.ingest import ingest_paths
from indexer.index.build import rebuild
from indexer.service import SearchService
from tests.support.archives import sessions_of
from tests.support.oracles import Oracle, found, generated_queries
from tests.support.paths import SHIPPED_DIR, corpus_files


@pytest.fixture(scope="module")
def pg_config(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """The shipped + dev corpora in the PostgreSQL store, indexed from it."""
    config = ArchiveConfig(home=tmp_path_factory.mktemp("pg-home"), database_url=postgres_url)
    summary = ingest_paths(sessions_of(config), corpus_files(), workers=2)
    assert not summary.failures, [(o.path, o.message) for o in summary.failures]
    rebuild(config, sessions_of(config))
    return config


def _store_contents(config: ArchiveConfig) -> dict:
    """Every report's metadata and every passage, keyed by the content-derived ids."""
    engine = make_engine(config.database_url)
    try:
        with make_session_factory(engine)() as session:
            reports = {
                r.id: (r.title, r.issuer, r.township, r.county, r.city, r.province, r.year, r.doc_type,
                       r.issue_date, r.provenance)
                for r in session.scalars(select(Report))
            }
            passages = sorted(tuple(row) for row in session.execute(
                select(Passage.report_id, Passage.seq, Passage.text, Passage.start, Passage.end,
                       Passage.section_kind, Passage.heading_path)
            ))
    finally:
        engine.dispose()
    return {"reports": reports, "passages": passages}


def test_postgres_store_holds_exactly_what_sqlite_holds(pg_config, archive_config) -> None:
    assert pg_config.database_url.startswith("postgresql+psycopg://")
    on_postgres, on_sqlite = _store_contents(pg_config), _store_contents(archive_config)
    assert len(on_postgres["reports"]) == len(corpus_files())
    assert on_postgres == on_sqlite


def test_postgres_ingest_is_idempotent(pg_config) -> None:
    again = ingest_paths(sessions_of(pg_config), corpus_files(), workers=1)
    assert again.counts == {"ingested": 0, "updated": 0, "unchanged": len(corpus_files()), "skipped": 0,
                            "failed": 0}


def test_search_from_a_postgres_store_is_exact(pg_config) -> None:
    service, oracle = SearchService(pg_config), Oracle(pg_config)
    misses = []
    for query in generated_queries(oracle, count=150):
        expected, got = oracle.containing(query), found(service, '"' + query + '"')
        if got != expected:
            misses.append(f"{query!r}: missing {len(expected - got)}, extra {len(got - expected)}")
    assert not misses, misses[:10]
    assert found(service, "枫桥经验") == oracle.containing("枫桥经验") != set()


def test_web_pages_read_from_postgres(pg_config, client_for) -> None:
    client = client_for(pg_config, TESTING=False)
    group = client.get("/api/search?q=枫桥经验").get_json()["groups"][0]
    report_id = group["report_id"]
    assert client.get(f"/reports/{report_id}").status_code == 200
    passage = client.get(f"/api/reports/{report_id}").get_json()
    assert passage["report_id"] == report_id and passage["sections"]
    original = client.get(f"/reports/{report_id}/source")
    assert original.status_code == 200
    assert original.get_data() in {path.read_bytes() for path in corpus_files()}


def test_changed_file_replaces_its_report_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """Same replacement semantics as on SQLite, in a second database of the same server."""
    engine = make_engine(postgres_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("CREATE DATABASE fazhi_replace")
    engine.dispose()
    config = ArchiveConfig(home=tmp_path, database_url=postgres_url.replace("/fazhi?", "/fazhi_replace?"))
    folder = tmp_path / "in"
    folder.mkdir()
    seed = sorted(SHIPPED_DIR.glob("*.txt"))[0]
    target = folder / seed.name
    shutil.copy(seed, target)
    old_id = ingest_paths(sessions_of(config), [folder], workers=1).outcomes[0].report_id
    target.write_text(seed.read_text(encoding="utf-8") + "\n补充一段新的内容。\n", encoding="utf-8")
    second = ingest_paths(sessions_of(config), [folder], workers=1)
    new_id = second.outcomes[0].report_id
    assert second.counts["updated"] == 1 and new_id != old_id
    engine = make_engine(config.database_url)
    try:
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count(Report.id))) == 1
            assert session.get(ReportAlias, old_id).new_id == new_id
    finally:
        engine.dispose()
