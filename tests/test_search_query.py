"""The query language: what parses to what, and malformed input → QuerySyntaxError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.document import DOC_TYPES
from archive.errors import ArchiveError, QuerySyntaxError
from indexer.analysis.query import parse
from indexer.analysis.query_tree import AllOf, AnyOf, Literal, Not, SameSentence
from indexer.index.build import rebuild
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.stores import fill_store, seed_and_dev_files


def test_plain_words_are_and() -> None:
    assert parse("枫桥经验 调解").match == AllOf((Literal("枫桥经验"), Literal("调解")))


@pytest.mark.parametrize("quoted", ['"法治 政府"', "「法治 政府」", "“法治 政府”", "『法治 政府』"])
def test_quotes_keep_a_phrase_with_its_spaces(quoted: str) -> None:
    assert parse(quoted).match == Literal("法治 政府")


def test_or_binds_tighter_than_and_and_minus_excludes() -> None:
    assert parse("法治 人民调解 OR 诉源治理 -培训").match == AllOf((
        Literal("法治"), AnyOf((Literal("人民调解"), Literal("诉源治理"))), Not(Literal("培训")),
    ))
    assert parse("a | b").match == AnyOf((Literal("a"), Literal("b")))


def test_words_are_folded_like_the_text() -> None:
    assert parse("矛盾糾紛 ＡＢＣ").match == AllOf((Literal("矛盾纠纷"), Literal("abc")))


def test_field_filters_and_year_ranges() -> None:
    parsed = parse("法治 year:2023 county:垫江县 县:梁平区 type:报告 section:不足 township:\"坪山镇\"")
    assert parsed.match == Literal("法治")
    assert parsed.filters == {
        "year": ("2023",), "county": ("垫江县", "梁平区"),
        "doc_type": tuple(name for name in DOC_TYPES if "报告" in name),  # a part names every type with it
        "section": ("存在的不足和原因",), "township": ("坪山镇",),
    }
    assert parse("year:2024..2022").year_range == (2022, 2024)
    assert parse("year:2022..").year_range == (2022, 9999)
    assert parse("年份：2021-2023").year_range == (2021, 2023)
    assert parse("year:2021年..2023年度").year_range == (2021, 2023)
    assert parse("year:2024年").filters == {"year": ("2024",)}
    assert parse("county:地区不详 year:年份不详").filters == {"county": ("",), "year": ("",)}


def test_short_place_names_resolve_against_the_names_present() -> None:
    present = {"county": ["潢川县", "潢川区", "垫江县"], "township": ["坪山镇", "坪山街道", "山镇乡"]}
    parsed = parse("county:潢川 township:坪山", vocabulary=present)
    assert parsed.filters == {"county": ("潢川县", "潢川区"), "township": ("坪山镇", "坪山街道")}
    assert any("潢川县、潢川区" in note for note in parsed.notes)
    assert parse("township:山镇", vocabulary=present).filters == {"township": ("山镇乡",)}  # prefix first
    assert parse("county:江县", vocabulary=present).filters == {"county": ("垫江县",)}  # then contained
    unknown = parse("county:无此县", vocabulary=present)
    assert unknown.filters == {"county": ("无此县",)} and "county:潢川县" in unknown.notes[0]
    assert parse("county:潢川").filters == {"county": ("潢川",)}  # no index: kept as written


def test_filters_argument_merges_with_query_fields() -> None:
    parsed = parse("法治 county:垫江县", {"county": "梁平区", "year": ["2023", "2024"], "type": "年度报告"})
    assert parsed.filters["county"] == ("垫江县", "梁平区")
    assert parsed.filters["year"] == ("2023", "2024")
    assert parsed.filters["doc_type"] == ("年度报告",)


def test_proximity() -> None:
    assert parse("同句(法律明白人 培训)").match == SameSentence(("法律明白人", "培训"))
    assert parse("同段（法律明白人 培训）").match == AllOf((Literal("法律明白人"), Literal("培训")))
    assert parse("同句(法律明白人)").match == Literal("法律明白人")


def test_sensible_interpretations() -> None:
    assert parse("时间:2023").match == Literal("时间:2023")  # not a field: an ordinary word
    assert parse("http://example.org").match == Literal("http://example.org")
    assert parse("法治\x00\x07政府").match == AllOf((Literal("法治"), Literal("政府")))
    assert parse("2021-2025年").match == Literal("2021-2025年")
    assert parse("法治 AND 政府").match == AllOf((Literal("法治"), Literal("政府")))
    assert parse("").match is None and parse("   ").match is None
    assert parse("-培训").match == Not(Literal("培训"))


@pytest.mark.parametrize(
    "query",
    [
        '"枫桥经验', "「枫桥经验", "OR", "法治 OR", "OR 法治", "法治 OR OR 调解", "-", "法治 -", '""',
        "(法治", "法治)", "()", "foo:bar", "year:二〇二三", "year:abc..", "同句()", "同句(a OR b)",
        "county:", "(year:2023)", "a OR year:2023", "x" * 10_000, " ".join(["词"] * 100),
    ],
)
def test_malformed_queries_raise_a_clear_chinese_message(query: str) -> None:
    with pytest.raises(QuerySyntaxError) as error:
        parse(query)
    assert isinstance(error.value, ArchiveError)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(error.value))


def test_unknown_filter_key_sort_and_page_are_reported(service) -> None:
    for call in (
        lambda: service.search("法治", {"colour": "red"}),
        lambda: service.search("法治", sort="random"),
        lambda: service.search("法治", page=0),
        lambda: service.search("法治", page="x"),  # type: ignore[arg-type]
    ):
        with pytest.raises(QuerySyntaxError):
            call()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    config = make_config(tmp_path_factory.mktemp("query"))
    fill_store(config, seed_and_dev_files()[:2])
    rebuild(config, sessions_of(config))
    return SearchService(config)


QUERY_ALPHABET = st.sampled_from(
    list('法治调解枫桥经验 "「」“”()（）-－|:：ORyear2023..同句段县\x00\t\n<>&\\%_*\'年')
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_ALPHABET, max_size=30).map("".join))
def test_any_input_gives_a_result_or_a_query_syntax_error(service, query: str) -> None:
    try:
        result = service.search(query)
    except QuerySyntaxError:
        return
    assert result.total >= 0
