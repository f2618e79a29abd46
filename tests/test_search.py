"""Exactness of search on the real seed + dev corpora: every expectation is computed from the store.

The oracle is deliberately independent of the index: passages are read from the store with
SQLAlchemy and matched with Python's ``in`` on ``fold_for_match`` text.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from archive.fields import UNKNOWN_PLACE, UNKNOWN_YEAR
from archive.normalize import fold_for_match
from indexer.analysis.query_lexer import FIELDS
from indexer.index.build import rebuild
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.oracles import Key, Oracle, PlaceKey, Places, found, generated_queries
from tests.support.stores import fill_store


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    config = make_config(tmp_path_factory.mktemp("search"))
    fill_store(config)
    rebuild(config, sessions_of(config))
    return config


@pytest.fixture(scope="module")
def service(archive) -> SearchService:
    return SearchService(archive)


@pytest.fixture(scope="module")
def oracle(archive) -> Oracle:
    return Oracle(archive)


@pytest.fixture(scope="module")
def places(archive) -> Places:
    """Titles, headings and passages: what a search total counts: every place a plain search covers."""
    return Places(archive)


def reports_of(keys: set[Key] | set[PlaceKey]) -> set[str]:
    return {key[0] for key in keys}


# --- the traps a stock Chinese analyzer falls into ----------------------------------------------------------

def test_oracle_knows_the_five_seed_reports(oracle) -> None:
    assert len(oracle.seed_reports) == 5


def test_phrase_fengqiao_finds_every_report_that_says_it(service, oracle) -> None:
    expected = oracle.containing("枫桥经验")
    result = service.search('"枫桥经验"', per_page=100)
    assert found(service, '"枫桥经验"') == expected
    assert {g.report_id for g in result.groups} == reports_of(expected)
    assert result.total == len(expected)
    assert len(reports_of(expected) & oracle.seed_reports) == 2  # stock Whoosh + jieba found 0 of 2


def test_maodun_jiufen_in_all_five_seed_reports(service, oracle) -> None:
    expected = oracle.containing("矛盾纠纷")
    assert found(service, '"矛盾纠纷"') == expected == found(service, "矛盾纠纷")
    assert len(reports_of(expected) & oracle.seed_reports) == 5


def test_unquoted_falv_mingbairen_only_where_it_is_written(service, oracle) -> None:
    expected = oracle.containing("法律明白人")
    assert found(service, "法律明白人") == expected
    assert len(reports_of(expected) & oracle.seed_reports) == 1  # stock analyzer: 2


@pytest.mark.parametrize(("whole", "part"), [("坪山镇", "山镇"), ("人民调解", "调解")])
def test_segmentation_never_loses_a_substring(service, oracle, whole: str, part: str) -> None:
    assert found(service, whole) == oracle.containing(whole) != set()
    assert found(service, part) == oracle.containing(part)
    assert found(service, whole) <= found(service, part)


# --- generated query set -------------------------------------------------------------------------

def test_every_generated_query_returns_exactly_the_passages_containing_it(service, oracle) -> None:
    misses: list[str] = []
    for query in generated_queries(oracle):
        expected = oracle.containing(query)
        got = found(service, '"' + query + '"')
        if got != expected:
            misses.append(f"{query!r}: missing {len(expected - got)}, extra {len(got - expected)}")
    assert not misses, misses[:10]


def test_unquoted_multi_word_queries_are_exact_and(service, oracle) -> None:
    rng = random.Random(7)
    words = ["法治", "调解", "培训", "镇", "2023", "矛盾纠纷", "宪法", "法律顾问", "山镇", "依法"]
    for _ in range(60):
        picked = rng.sample(words, rng.randint(2, 3))
        assert found(service, " ".join(picked)) == oracle.containing(*picked), picked


def test_traditional_and_full_width_queries_find_simplified_text(service, oracle) -> None:
    expected = oracle.containing("矛盾纠纷")
    assert expected
    assert found(service, "矛盾糾紛") == expected
    assert found(service, "「矛盾糾紛」") == expected
    year_hits = oracle.containing("2023年")
    assert found(service, "２０２３年") == year_hits


# --- operators and filters --------------------------------------------------------------------

def test_or_and_exclude(service, oracle) -> None:
    a, b = oracle.containing("人民调解"), oracle.containing("诉源治理")
    assert found(service, "人民调解 OR 诉源治理") == a | b
    assert found(service, "人民调解 -诉源治理") == a - b
    assert found(service, "法治 (人民调解 OR 诉源治理)") == (a | b) & oracle.containing("法治")
    everything = set(oracle.folded)
    assert found(service, "-法治") == everything - oracle.containing("法治")


def test_field_filters_and_year_ranges(service, oracle) -> None:
    law = oracle.containing("法治")
    for year in ("2023", "2024"):
        expected = {k for k in law if oracle.meta[k]["year"] == year}
        assert found(service, f"法治 year:{year}") == expected
        assert found(service, "法治", year=year) == expected
    in_range = {k for k in law if oracle.meta[k]["year"] and 2022 <= int(oracle.meta[k]["year"]) <= 2024}
    assert found(service, "法治 year:2022..2024") == in_range
    assert found(service, "法治 year:2024..2022") == in_range  # reversed range is swapped
    county = Counter(oracle.meta[k]["county"] for k in law if oracle.meta[k]["county"]).most_common(1)[0][0]
    expected = {k for k in law if oracle.meta[k]["county"] == county}
    assert found(service, f"法治 county:{county}") == expected
    assert found(service, "法治", county=[county]) == expected


def test_same_sentence_is_stricter_than_same_passage(service, oracle) -> None:
    passage = found(service, "同段(法律明白人 培训)")
    assert passage == oracle.containing("法律明白人", "培训")
    sentence = found(service, "同句(法律明白人 培训)")
    assert sentence <= passage
    for key in sentence:
        text = oracle.folded[key]
        assert any("法律明白人" in s and "培训" in s for s in text.replace("!", ".").split("."))


# --- results ----------------------------------------------------------------------------------

def test_facet_counts_equal_counts_from_the_store(service, places) -> None:
    """Facets count reports first and passages second; a report with no known place or year is
    counted under the field's unknown label (the value that filters to it), listed last."""
    meta = places.meta  # titles and headings are places a search covers too
    for query, words, without in (("法治", ["法治"], []), ("调解", ["调解"], []), ("", None, None),
                                  ("矛盾纠纷 -培训", ["矛盾纠纷"], ["培训"])):
        result = service.search(query)
        keys = places.matching(words, without) if query else {k for k in meta if k[1] == "passage"}
        assert result.total == len(keys)
        assert result.reports == len(reports_of(keys))
        for name, entries in result.facets.items():
            unknown = FIELDS[name].unknown
            passages = Counter(meta[k][name] or unknown for k in keys if meta[k][name] or unknown)
            reports = {value: len({k[0] for k in keys if (meta[k][name] or unknown) == value})
                       for value in passages}
            # The oracle keeps a year as text; the API gives it as a number (年份不详 stays text).
            assert all(isinstance(value, int) or value == unknown for value, _r, _p in entries
                       if name == "year"), entries
            assert {str(value): (r, p) for value, r, p in entries} == {
                value: (reports[value], passages[value]) for value in passages}, name
            values = [value for value, _r, _p in entries]
            if unknown in values:
                assert values[-1] == unknown, name
                values.pop()
            if name == "year":
                assert values == sorted(values, reverse=True)
            else:
                counts = [r for value, r, _p in entries if value != unknown]
                assert counts == sorted(counts, reverse=True), name


def test_unknown_place_and_year_are_selectable(service, oracle) -> None:
    placeless = {k for k, meta in oracle.meta.items() if not meta["county"]}
    assert placeless, "the corpus has a report whose county is not known"
    assert found(service, "county:地区不详") == placeless
    assert found(service, "", county=UNKNOWN_PLACE) == placeless
    assert found(service, "法治 县:不详") == placeless & oracle.containing("法治")
    yearless = {k for k, meta in oracle.meta.items() if not meta["year"]}
    assert found(service, f"year:{UNKNOWN_YEAR}") == yearless


def test_groups_pages_and_json_shape(service, oracle, places) -> None:
    result = service.search("法治", per_page=3)
    data = result.to_json()
    assert set(data) == {"mode", "total", "reports", "facets", "choices", "clauses", "notes", "suggestions",
                         "groups", "page", "per_page", "pages", "query", "filters", "sort"}
    assert data["mode"] == "search" and data["notes"] == [] and data["suggestions"] == []
    assert data["choices"] == {} and data["clauses"] == []
    assert set(data["facets"]) == {"year", "province", "city", "county", "township", "section", "doc_type"}
    assert data["pages"] == -(-result.reports // 3)
    seen: set[str] = set()
    shown = 0
    for page in range(1, data["pages"] + 1):
        for group in service.search("法治", page=page, per_page=3).to_json()["groups"]:
            assert set(group) == {"report_id", "township", "county", "year", "title", "hits", "more",
                                  "passages", "shared", "province", "city", "doc_type", "issue_date"}
            assert group["shared"] is None  # a query, not pasted text
            assert group["passages"] == len(group["hits"]) + group["more"]
            assert group["report_id"] not in seen
            seen.add(group["report_id"])
            shown += len(group["hits"]) + group["more"]
            for hit in group["hits"]:
                assert set(hit) == {"seq", "section", "heading", "snippet", "text", "place", "anchor",
                                    "template", "shared"}
                assert "<mark>法治</mark>" in hit["snippet"]
                if hit["place"] == "passage":
                    assert oracle.text[(group["report_id"], hit["seq"])] == hit["text"]
                    assert hit["anchor"] == f"p-{hit['seq']}"
    assert seen == reports_of(places.matching(["法治"]))
    assert shown == result.total


@pytest.mark.parametrize("sort", ["year", "place", "relevance"])
def test_sorts_list_every_matching_report_once(service, oracle, sort: str) -> None:
    result = service.search("调解", sort=sort, per_page=100)
    ids = [g.report_id for g in result.groups]
    assert len(ids) == len(set(ids)) == len(reports_of(oracle.containing("调解")))
    if sort == "year":
        years = [g.year or 0 for g in result.groups]
        assert years == sorted(years, reverse=True)


def test_browse_mode_lists_every_report(service, oracle) -> None:
    result = service.search("", per_page=100)
    assert {g.report_id for g in result.groups} == reports_of(set(oracle.folded))
    assert result.total == len(oracle.folded)


def test_many_matches_path_still_lists_every_report_once(service, places, monkeypatch) -> None:
    import indexer.ranking.prerank as prerank

    full = [g.report_id for g in service.search("法治", per_page=100).groups]
    monkeypatch.setattr(prerank, "RANK_CANDIDATES", 5)  # force Whoosh top-N ∩ matches
    result = service.search("法治", per_page=100)
    ids = [g.report_id for g in result.groups]
    assert len(ids) == len(set(ids)) and set(ids) == set(full) == reports_of(places.matching(["法治"]))
    assert result.total == len(places.matching(["法治"]))
    assert sum(len(g.hits) + g.more for g in result.groups) == result.total


def test_words_typed_side_by_side_rank_first(service, oracle) -> None:
    result = service.search("依法 行政")
    adjacent = reports_of(oracle.containing("依法行政"))
    assert adjacent and result.groups[0].report_id in adjacent
    assert "依法行政" in fold_for_match(result.groups[0].hits[0].text)


@pytest.mark.parametrize(("query", "kept"), [
    ("法治政府", True), ("矛盾纠纷", True), ("矛盾纠纷 人民调解", True), ("依法行政 year:2023", True),
    ("法治政府 依法行政", True), ("heading:法治政府", True), ("法治政府 -信访", True),
    ("法治政府 -法治政府建设", False), ("依法行政 法治", False),  # the best read are mostly no match
    ("信访", True), ("调解 纠纷", True),  # 2-character words: by their counts
    ("信访 COUNT_LIMIT=0", False),  # too many matches to count: the reading beside is stopped
])
def test_best_places_read_beside_rank_as_inside_the_matches(
    service, monkeypatch, query: str, kept: bool
) -> None:
    """The pre-rank read on a second connection while the first reads the match set
    (``Matched.ranking``: FTS5's bm25, or BM25 on 2-character words' counts) gives the pages,
    passages and counts of the pre-rank inside the match set; when too few of the places read
    are matches (the query's other words), or there are too many matches to count, that one is
    used, and the connection beside serves the next search."""
    import indexer.index.literal_sql as literal_sql_module
    import indexer.ranking.prerank as prerank

    query, _, setting = query.partition(" COUNT_LIMIT=")
    if setting:
        monkeypatch.setattr(prerank, "COUNT_LIMIT", int(setting))
    monkeypatch.setattr(prerank, "RANK_CANDIDATES", 2)  # the pre-rank decides what is scored
    monkeypatch.setattr(prerank, "TEXT_COUNT_LIMIT", 0)  # counted in the index, here too
    monkeypatch.setattr(literal_sql_module, "NARROW_REPORTS", 0)  # a filter here leaves few reports

    def shown(result) -> list[tuple[str, list[int | None], int]]:
        return [(g.report_id, [hit.seq for hit in g.hits], g.more) for g in result.groups]

    started: list[tuple[object, bool]] = []
    start = prerank.rank_beside
    monkeypatch.setattr(prerank, "rank_beside",
                        lambda *args: started.append(start(*args)) or started[-1])
    read: list[list[tuple[int, int]] | None] = []
    real = prerank.ranked_beside
    monkeypatch.setattr(prerank, "ranked_beside", lambda *args: read.append(real(*args)) or read[-1])
    beside = [service.search(query, page=page, per_page=1) for page in (1, 2, 3)]
    assert started and all(job is not None for job, _ in started)  # read beside every time,
    assert read and all((best is not None) is kept for best in read)  # and kept (or not) as meant
    assert service.search("法治政府").total and read[-1] is not None  # the next search reads beside
    monkeypatch.setattr(prerank, "ranked_beside", lambda *args: None)
    inside = [service.search(query, page=page, per_page=1) for page in (1, 2, 3)]
    assert beside[0].reports >= 2
    for first, second in zip(beside, inside, strict=True):
        assert shown(first) == shown(second) and first.facets == second.facets


def test_a_failed_reading_beside_leaves_the_pre_rank_to_the_match_set(service, monkeypatch) -> None:
    """A pre-rank that fails on the second connection costs the request nothing but time: the
    pre-rank inside the match set answers, with the same page."""
    import indexer.ranking.prerank as prerank

    def broken(generation, parsed, scanned):
        return generation.beside("SELECT no_such_column FROM passage_keys", []), False

    monkeypatch.setattr(prerank, "rank_beside", broken)
    failed = service.search("法治政府")
    monkeypatch.setattr(prerank, "rank_beside", lambda *args: (None, False))
    inside = service.search("法治政府")
    assert failed.total == inside.total > 0
    assert [g.report_id for g in failed.groups] == [g.report_id for g in inside.groups]


@pytest.mark.parametrize("limit", [None, 0], ids=["few reports: their text read", "the index looked up"])
def test_filtered_queries_are_exact_however_the_words_are_found(service, oracle, monkeypatch, limit) -> None:
    """Filters that leave few reports make every word be read in their text (``literal_sql.narrow``);
    with the limit at 0 the same queries go through the index. Both find exactly the oracle's
    passages, and a ranked search counts and lists the same."""
    import indexer.index.literal_sql as literal_sql_module

    if limit is not None:
        monkeypatch.setattr(literal_sql_module, "NARROW_REPORTS", limit)
    law = oracle.containing("法治")
    county = Counter(oracle.meta[k]["county"] for k in law if oracle.meta[k]["county"]).most_common(1)[0][0]

    def where(keys: set[Key], **values: str) -> set[Key]:
        return {k for k in keys if all(oracle.meta[k][name] == value for name, value in values.items())}

    cases = {
        f"法治 county:{county}": where(law, county=county),
        f"矛盾纠纷 -培训 county:{county}": where(oracle.containing("矛盾纠纷") - oracle.containing("培训"),
                                             county=county),
        "行政执法 OR 法律顾问 year:2023": where(oracle.containing("行政执法") | oracle.containing("法律顾问"),
                                          year="2023"),
        f"依法行政 法治政府 county:{county}": where(oracle.containing("依法行政", "法治政府"), county=county),
    }
    for query, expected in cases.items():
        assert expected and found(service, query) == expected, query
        result = service.search(query, per_page=100)
        assert {g.report_id for g in result.groups} == reports_of(expected) and result.groups, query
    parsed = service.parse(f"法治 county:{county}")
    conn = service._live_generation().conn
    assert literal_sql_module.narrow(conn, parsed) is (limit is None)  # each path is the one tested
