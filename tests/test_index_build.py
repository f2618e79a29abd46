"""Build aside + atomic swap, incremental updates, and searching while another process rebuilds."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting

from archive.store.changes import make_session_factory
from archive.store.db import Report, make_engine
from indexer.index import build as build_module
from indexer.index import build_rows, integrity
from indexer.index.build import rebuild, update
from indexer.index.generation import LITERAL_DB, PREFIX, WHOOSH_DIR, current_generation
from indexer.index.schema import FACET_FIELDS
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.stores import add_to_store, fill_store, one_passage_report, seed_and_dev_files


def remove_from_store(config, report_id: str) -> None:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        session.execute(delete(Report).where(Report.id == report_id))
        session.commit()
    engine.dispose()


@pytest.fixture
def small_archive(make_archive):
    """Three seed reports, ingested and indexed for this test alone (it changes them)."""
    return make_archive(seed_and_dev_files()[:3])


def test_update_adds_changes_and_removes_reports(small_archive) -> None:
    service = SearchService(small_archive)
    assert service.search("独一无二的短语").total == 0
    report_id = add_to_store(small_archive, one_passage_report("这是独一无二的短语，用于检验增量索引。"))
    started = time.perf_counter()
    update(small_archive, sessions_of(small_archive), [report_id], [])
    assert service.passage_ids("独一无二的短语") == [(report_id, 1)]
    assert time.perf_counter() - started < 2.0  # a report added is searchable within 2 s
    assert service.search("独一无二").facets["township"] == [["测试镇", 1, 1]]  # reports, passages

    remove_from_store(small_archive, report_id)
    new_id = add_to_store(small_archive, one_passage_report("改写之后的另一段文字。"))
    update(small_archive, sessions_of(small_archive), [new_id], [report_id])
    assert service.search("独一无二的短语").total == 0
    assert service.passage_ids("改写之后") == [(new_id, 1)]


def test_rebuild_swaps_generations_and_prunes_old_ones(small_archive) -> None:
    index_dir = small_archive.index_dir
    first = current_generation(index_dir)
    for _ in range(4):
        rebuild(small_archive, sessions_of(small_archive))
    assert current_generation(index_dir) != first
    assert len(list(index_dir.glob(f"{PREFIX}*"))) <= 3  # live + KEEP_OLD previous


def test_a_failed_rebuild_leaves_the_live_index_alone(small_archive, monkeypatch) -> None:
    live = current_generation(small_archive.index_dir)
    expected = SearchService(small_archive).passage_ids("法治")

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_rows, "fill", explode)
    with pytest.raises(RuntimeError):
        rebuild(small_archive, sessions_of(small_archive))
    assert current_generation(small_archive.index_dir) == live
    assert len(list(small_archive.index_dir.glob(f"{PREFIX}*"))) == 1
    assert SearchService(small_archive).passage_ids("法治") == expected


def _rebuild_repeatedly(config, times: int) -> None:
    for _ in range(times):
        rebuild(config, sessions_of(config))


@pytest.mark.slow
def test_searches_stay_correct_while_another_process_rebuilds(small_archive) -> None:
    service = SearchService(small_archive)
    queries = ["法治", "枫桥经验", "调解 -培训", "镇"]
    expected = {query: service.passage_ids(query) for query in queries}
    totals = {query: service.search(query).total for query in queries}  # titles and headings too
    before = current_generation(small_archive.index_dir)
    context = multiprocessing.get_context("fork")
    worker = context.Process(target=_rebuild_repeatedly, args=(small_archive, 3))
    worker.start()
    searches = 0
    generations = set()
    while worker.is_alive() or searches < 20:
        for query in queries:
            assert service.passage_ids(query) == expected[query]
            result = service.search(query)
            assert result.total == totals[query]
            searches += 1
        generations.add(service._local.generation.name)
    worker.join(timeout=60)
    assert worker.exitcode == 0
    assert current_generation(small_archive.index_dir) != before
    assert len(generations) >= 2  # the searches really did move to a new generation


def test_parallel_rebuild_gives_the_same_answers(small_archive, monkeypatch) -> None:
    service = SearchService(small_archive)
    queries = ["法治", "枫桥经验", "矛盾纠纷 -培训", "山镇"]
    expected = {query: service.passage_ids(query) for query in queries}
    ranked = [g.report_id for g in service.search("法治政府建设").groups]
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 0)
    rebuild(small_archive, sessions_of(small_archive), procs=2)
    assert {query: service.passage_ids(query) for query in queries} == expected
    assert [g.report_id for g in service.search("法治政府建设").groups] == ranked


def test_searching_without_a_live_index_says_so(tmp_path) -> None:
    from archive.errors import IndexUnavailable

    config = make_config(tmp_path)
    fill_store(config, seed_and_dev_files()[:1])
    service = SearchService(config)
    with pytest.raises(IndexUnavailable):
        service.search("法治")
    rebuild(config, sessions_of(config))
    assert service.search("法治").total > 0


def test_a_broken_live_generation_is_reported_as_unavailable(small_archive) -> None:
    import shutil

    from archive.errors import IndexUnavailable

    live = current_generation(small_archive.index_dir)
    shutil.rmtree(live / "whoosh")
    (live / "whoosh").mkdir()
    with pytest.raises(IndexUnavailable):
        SearchService(small_archive).search("法治")
    rebuild(small_archive, sessions_of(small_archive))
    assert SearchService(small_archive).search("法治").total > 0


def test_whoosh_documents_carry_identity_and_facet_columns(archive_config) -> None:
    """Every Whoosh document carries its report, place (passage, heading, title), number,
    heading path and the seven facet values as sortable columns, and they agree with the
    store, value for value."""
    from indexer.index.place_kinds import HEADING, INLINE, PASSAGE, TITLE
    from tests.support.oracles import Places

    places = Places(archive_config)
    units = {"passage": {PASSAGE}, "title": {TITLE}, "heading": {HEADING, INLINE}}
    engine = make_engine(archive_config.database_url)
    with make_session_factory(engine)() as session:
        reports = {r.id: r for r in session.scalars(select(Report))}
        expected = {name: Counter() for name in FACET_FIELDS}
        for place in places.places:
            report = reports[place.key[0]]
            values = {"year": str(report.year or ""), "province": report.province, "city": report.city,
                      "county": report.county, "township": report.township, "section": place.section,
                      "doc_type": report.doc_type}
            for name in FACET_FIELDS:
                expected[name][values[name]] += 1
    engine.dispose()

    folder = current_generation(archive_config.index_dir) / WHOOSH_DIR
    with whoosh_index.open_dir(str(folder)).searcher() as searcher:
        assert searcher.doc_count() == len(places.places)
        stored = {(f["report_id"], next(k for k, v in units.items() if f["unit"] in v), f["seq"])
                  for f in searcher.all_stored_fields()}
        assert stored == {place.key for place in places.places}
        for name in FACET_FIELDS:
            results = searcher.search(wq.Every(), limit=None, groupedby=sorting.FieldFacet(name))
            counts = {key.decode("utf-8"): len(docs) for key, docs in results.groups(name).items()}
            assert counts == {value: n for value, n in expected[name].items()}, name


def test_a_rebuild_leaves_its_literal_table_checked_for_the_next_start(tmp_path) -> None:
    """The builder runs SQLite's integrity check on the generation it wrote (launch → first search: the
    check was ≈ 0.65 s of the first server start after a build at 10,000 reports); the pass is
    recorded against the file's size and mtime, so a later change still brings the check back."""
    config = make_config(tmp_path)
    add_to_store(config, one_passage_report("本镇开展法治宣传进万家活动。", township="甲镇"))
    rebuild(config, sessions_of(config))
    path = Path(current_generation(config.index_dir)) / LITERAL_DB
    assert integrity.already_checked(path)
    path.touch()
    assert not integrity.already_checked(path)
