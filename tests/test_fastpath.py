"""The match sets (``indexer.index.matchsets``) answer a search exactly as the SQL path does: every
total, facet, choice, page and hit of the shipped corpus's searches, with the sets' threshold
lowered so that the corpus's frequent words have sets, compared with the same searches with the
fast path switched off — after a rebuild, after a report is added and after one is removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index import matchsets
from indexer.index.generation import current_generation
from indexer.matching import fastpath
from indexer.ranking import prerank
from indexer.results import result_cache
from indexer.service import SearchService
from tests.support.archives import build_archive, open_archive, write_reports
from tests.support.paths import corpus_files

QUERIES = [
    ("法治政府", {}), ("依法行政", {"year": ["2024"]}), ("法治", {}), ("建设", {"year": ["2023", "2024"]}),
    ("矛盾纠纷 调解", {}), ("法治 -法治政府", {}), ("人民调解 OR 矛盾纠纷", {}), ("title:法治政府", {}),
    ("heading:法治", {}), ("法治 工作", {"type": ["年度报告"]}), ("依法", {"section": ["主要举措和成效"]}),
    ("政府", {"province": ["重庆市"]}), ("法治政府建设", {}), ("法治 合法性审查", {}), ("法治 调解", {}),
]
SORTS = ("relevance", "year", "place")
# The module builds an archive of its own (thresholds lowered) and updates it: the slow lane.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fast_archive(tmp_path_factory: pytest.TempPathFactory):
    patch = pytest.MonkeyPatch()
    patch.setattr(matchsets, "FREQUENT_PLACES", 15)
    patch.setattr(fastpath, "FAST_MIN", 5)
    # the SQL path ranks 1–2 character words by their counts up to this many matches, the fast
    # path is taken above it (``fastpath.FAST_MIN``): lowered together, both paths rank alike
    patch.setattr(prerank, "COUNT_LIMIT", 5)
    config = build_archive(tmp_path_factory.mktemp("fast"), corpus_files())
    yield config, patch
    patch.undo()


def _both(config, patch: pytest.MonkeyPatch, query: str, filters: dict, **options) -> tuple[dict, dict]:
    service = SearchService(config)
    taken: list[bool] = []
    real = fastpath.match

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        taken.append(found is not None)
        return found

    patch.setattr(fastpath, "match", spy)
    fast = service.search(query, filters, **options).to_json()
    patch.setattr(fastpath, "match", real)
    patch.setattr(fastpath, "FAST_MIN", 10 ** 9)
    slow = SearchService(config).search(query, filters, **options).to_json()
    patch.setattr(fastpath, "FAST_MIN", 5)
    assert taken and taken[0], f"the fast path was not taken for {query!r}"
    return fast, slow


def test_the_build_keeps_sets_of_the_frequent_words(fast_archive) -> None:
    config, _patch = fast_archive
    generation = current_generation(config.index_dir)
    sets = matchsets.MatchSets.open(generation, 1)
    assert {"法治", "法治政府", "依法行政", "建设"} <= set(sets.strings)
    assert all(count >= matchsets.FREQUENT_PLACES for _number, count in sets.strings.values())


@pytest.mark.parametrize(("query", "filters"), QUERIES, ids=[q for q, _ in QUERIES])
def test_every_count_and_page_equals_the_sql_path(fast_archive, query: str, filters: dict) -> None:
    config, patch = fast_archive
    for sort in SORTS:
        for page in (1, 2):
            fast, slow = _both(config, patch, query, filters, sort=sort, page=page, per_page=5)
            assert fast == slow, (query, filters, sort, page)


def _add_and_remove(config, folder: Path) -> list[str]:
    archive = open_archive(config)
    paths = write_reports(folder, {"extra.txt": (
        "城口县北屏乡2025年法治政府建设情况报告\n2025年，北屏乡深入推进法治政府建设，依法行政水平不断提高。\n"
        "一、主要举措和成效\n法治政府建设扎实推进，矛盾纠纷调解成功率100%。\n二、存在的不足\n法治建设仍有短板。")})
    summary = archive.ingest(paths)
    return [outcome.report_id for outcome in summary.outcomes]


def test_the_sets_follow_an_added_and_a_removed_report(fast_archive, tmp_path: Path) -> None:
    config, patch = fast_archive
    added = _add_and_remove(config, tmp_path)
    for query, filters in QUERIES[:6]:
        fast, slow = _both(config, patch, query, filters, sort="year")
        assert fast == slow, query
    assert any(group["report_id"] in added for group in SearchService(config).search(
        "北屏乡 法治政府", {}, sort="year").to_json()["groups"])
    open_archive(config).delete(added[0])
    for query, filters in QUERIES[:6]:
        fast, slow = _both(config, patch, query, filters, sort="year")
        assert fast == slow, query


def test_a_slow_answer_is_kept_for_its_index_version_only(fast_archive, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The result cache (``indexer.results.result_cache``), with its thresholds lowered: the second
    request is served from it, equal to the first; after an update the version is new and the
    answer is computed again, counting the new report."""
    config, _patch = fast_archive
    monkeypatch.setattr(result_cache, "MIN_PLACES", 0)
    monkeypatch.setattr(result_cache, "SLOW_SECONDS", 0.0)
    kept: list[object] = []
    real_get = result_cache.ResultCache.get

    def spy(self, key, version):
        found = real_get(self, key, version)
        kept.append(found is not None)
        return found

    monkeypatch.setattr(result_cache.ResultCache, "get", spy)
    service = SearchService(config)
    first = service.search("矛盾纠纷", {}, per_page=5).to_json()
    second = service.search("矛盾纠纷", {}, per_page=5).to_json()
    assert kept == [False, True] and first == second
    added = _add_and_remove(config, tmp_path)
    third = SearchService(config).search("矛盾纠纷", {}, per_page=5).to_json()
    assert kept[-1] is False and third["reports"] == first["reports"] + 1
    open_archive(config).delete(added[0])


class Cut(BaseException):
    """A build killed between two stages (not an error: the build is kept to resume)."""


@pytest.mark.parametrize("recorded", [True, False], ids=["after-its-record", "before-its-record"])
def test_a_rebuild_cut_between_stages_resumes_and_equals_a_whole_one(fast_archive, monkeypatch,
                                                                     recorded: bool) -> None:
    """Cut after a stage was recorded, or after it was committed but before its record (then the
    resumed build removes what the stage wrote and writes it again): the finished index answers
    every search as a build that was never cut."""
    config, _patch = fast_archive
    from indexer.index import build

    open_archive(config).rebuild()  # the whole build to compare with (earlier tests updated the index)
    whole = {(query, sort): SearchService(config).search(query, filters, sort=sort).to_json()
             for query, filters in QUERIES[:5] for sort in ("relevance", "year")}
    monkeypatch.setattr(build, "STAGE_REPORTS", 7)
    written: list[dict] = []
    real = build._write_progress

    def cut_at_the_third(generation, progress):
        if len(written) == 2 and not recorded:
            raise Cut
        real(generation, progress)
        written.append(dict(progress))
        if len(written) == 3 and recorded:
            raise Cut

    monkeypatch.setattr(build, "_write_progress", cut_at_the_third)
    with pytest.raises(Cut):
        open_archive(config).rebuild()
    assert build.unfinished_generation(config.index_dir) is not None
    monkeypatch.setattr(build, "_write_progress", real)
    open_archive(config).rebuild()
    assert build.unfinished_generation(config.index_dir) is None
    for (query, sort), answer in whole.items():
        filters = dict(QUERIES[:5])[query]
        assert SearchService(config).search(query, filters, sort=sort).to_json() == answer, (query, sort)
