"""Pasted text as a query (``indexer.matching.pasted``), and searches too long for a URL (``web.params``).

Every expectation is computed from the store, independently of the index: which paragraphs hold a
pasted clause is read from the stored text by substring, so the match set, the counts per report
and the ranking are checked against what is really in the reports.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from archive.config import ArchiveConfig
from archive.errors import QuerySyntaxError
from archive.fields import MAX_QUERY_CHARS
from archive.normalize import fold_for_match
from archive.store.db import Passage, Report
from indexer.analysis.clauses import MIN_CHARS
from indexer.matching import pasted
from indexer.service import SearchService
from tests.support.archives import sessions_of
from web.params import LONG_QUERY_BYTES, SearchParams

QUERIES = ["枫桥经验 调解", '"法治政府建设"', "人民调解 OR 诉源治理", "法律明白人 -培训",
           "(网格员 OR 网格化) 矛盾纠纷", "同句(法律明白人 培训)", "year:2022..2024 county:垫江县",
           'title:"法治政府建设情况报告"', '"坚持和发展新时代枫桥经验" "完善矛盾纠纷多元化解机制"',
           "年份：2024年 县：潢川", "依法行政，推进法治建设"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_query_language_is_never_read_as_pasted_text(query: str) -> None:
    assert pasted.reading(query) is None


def test_clauses_are_cut_at_punctuation_and_line_breaks_folded_and_kept_once() -> None:
    text = ("堅持和發展新時代楓橋經驗，完善矛盾纠纷多元化解机制。\n完善矛盾纠纷多元化解机制；一是（一）\n"
            "强化学法用法工作 全面推进依法行政3.5个百分点")
    assert pasted.clauses(text) == ["坚持和发展新时代枫桥经验", "完善矛盾纠纷多元化解机制",
                                    "强化学法用法工作", "全面推进依法行政3.5个百分点"]
    assert all(len(clause) >= MIN_CHARS for clause in pasted.clauses(text))
    assert pasted.reading(text) == pasted.clauses(text)


def test_passage_yes_and_no_are_obeyed_and_anything_else_refused() -> None:
    text = "坚持和发展新时代枫桥经验，完善矛盾纠纷多元化解机制。"
    assert pasted.reading(text, pasted.choice("no")) is None
    assert pasted.reading("坚持和发展新时代枫桥经验", pasted.choice("yes")) == ["坚持和发展新时代枫桥经验"]
    with pytest.raises(QuerySyntaxError, match="8 字以上"):
        pasted.reading("依法行政", True)
    with pytest.raises(QuerySyntaxError, match="yes"):
        pasted.choice("maybe")
    assert pasted.choice("") is None and pasted.choice(None) is None


# --- over the shipped corpus ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def stored(archive_config: ArchiveConfig) -> dict[str, list[tuple[int, str]]]:
    """Each report's paragraphs (seq, text), from the store."""
    out: dict[str, list[tuple[int, str]]] = {}
    rows = select(Passage.report_id, Passage.seq, Passage.text).order_by(Passage.report_id, Passage.seq)
    with sessions_of(archive_config)() as session:
        for report_id, seq, text in session.execute(rows):
            out.setdefault(report_id, []).append((seq, text))
    return out


@pytest.fixture(scope="module")
def full_texts(archive_config: ArchiveConfig) -> dict[str, str]:
    """Each report's whole text (title and headings too: search finds clauses there), folded."""
    with sessions_of(archive_config)() as session:
        return {rid: fold_for_match(text) for rid, text in session.execute(select(Report.id, Report.text))}


@pytest.fixture(scope="module")
def paragraph(stored: dict[str, list[tuple[int, str]]]) -> tuple[str, str]:
    """(report id, text) of the paragraph whose clauses the most other reports hold."""
    folded = {rid: [fold_for_match(text) for _seq, text in paragraphs] for rid, paragraphs in stored.items()}

    def sharing(rid: str, text: str) -> int:
        found = pasted.clauses(text)
        return sum(any(c in p for c in found for p in texts)
                   for other, texts in folded.items() if other != rid)

    best = max(((sharing(rid, text), rid, text) for rid, paragraphs in stored.items()
                for _seq, text in paragraphs if len(pasted.clauses(text)) >= 3))
    assert best[0] >= 3
    return best[1], best[2]


def test_a_pasted_paragraph_finds_exactly_the_paragraphs_holding_its_clauses(
        archive_config: ArchiveConfig, stored, full_texts, paragraph) -> None:
    source, text = paragraph
    service = SearchService(archive_config)
    found = pasted.clauses(text)
    holding = {(rid, seq) for rid, paragraphs in stored.items() for seq, body in paragraphs
               if any(clause in fold_for_match(body) for clause in found)}
    assert set(service.passage_ids(text)) == holding

    result = service.search(text, per_page=100)
    assert result.clauses == found and result.to_json()["mode"] == "passage"
    shares = {rid: sum(clause in text for clause in found) for rid, text in full_texts.items()}
    shares = {rid: n for rid, n in shares.items() if n}
    assert {g.report_id: g.shared for g in result.groups} == shares
    order = [g.shared for g in result.groups]
    assert order == sorted(order, reverse=True)
    assert result.groups[0].report_id == source and result.groups[0].shared == len(found)
    assert result.reports == len(shares) and len(result.groups) == len(shares)
    for group in result.groups:  # its best passage first: the one holding the most clauses
        assert "<mark>" in group.hits[0].snippet

    as_query = service.search(text, passage=False)
    assert as_query.clauses is None and as_query.to_json()["mode"] == "search"


def test_filters_apply_to_a_pasted_paragraph(archive_config: ArchiveConfig, paragraph) -> None:
    service = SearchService(archive_config)
    everything = service.search(paragraph[1], per_page=100)
    year = next(g.year for g in everything.groups if g.year)
    filtered = service.search(paragraph[1], {"year": [str(year)]}, per_page=100)
    same_year = {g.report_id for g in everything.groups if g.year == year}
    assert {g.report_id for g in filtered.groups} == same_year
    assert filtered.choices["year"] and filtered.clauses == everything.clauses



@pytest.mark.parametrize("control", ["\x00", "\u200b", "\ud800"])
def test_control_characters_in_pasted_text_read_as_spaces(archive_config: ArchiveConfig, paragraph,
                                                           control: str) -> None:
    """A NUL, a zero-width space or a lone surrogate pasted inside a paragraph is a space: the same
    clauses and reports as the clean text (a NUL once cut the FTS5 query short: a 500)."""
    service = SearchService(archive_config)
    text = paragraph[1]
    middle = len(text) // 2
    spaced = service.search(text[:middle] + " " + text[middle:], per_page=100)
    dirty = service.search(text[:middle] + control + text[middle:], per_page=100)
    assert dirty.clauses == spaced.clauses and dirty.clauses
    assert [g.report_id for g in dirty.groups] == [g.report_id for g in spaced.groups]
    assert dirty.total == spaced.total > 0

# --- too long for a URL: posted, and its page posts ----------------------------------------------

def test_overrides_name_only_what_changes() -> None:
    params = SearchParams(q="长" * 500, filters={"year": ("2023", "2024"), "county": ("垫江县",)}, page=3)
    assert params.posted and not SearchParams(q="枫桥经验").posted
    assert parse_qs(params.overrides(page=4)) == {"page": ["4"]}
    dropped = params.overrides(filters=params.dropped("year", "2023"), page=1)
    assert parse_qs(dropped, keep_blank_values=True) == {"year": ["2024"], "page": [""]}
    assert parse_qs(params.overrides(filters={}, page=1), keep_blank_values=True) == {
        "year": [""], "county": [""], "page": [""]}


def test_a_long_search_is_posted_and_its_page_puts_the_text_in_no_url(app: Flask, paragraph) -> None:
    text = (paragraph[1] * 3)[:1000]
    assert len(SearchParams(q=text).query_string()) > LONG_QUERY_BYTES
    client = app.test_client()
    response = client.post("/search", data=MultiDict([("q", text), ("year", "2023"), ("year", "2024")]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    state = soup.select_one("form#search-state")
    assert state["method"] == "post"
    assert [(i["name"], i["value"]) for i in state.select("input")] == [
        ("q", " ".join(text.split())), ("year", "2023"), ("year", "2024")]
    assert soup.select_one("form[data-facet-form]")["method"] == "post"
    for link in soup.select("a[href]"):  # the text is in no link: each would be ≈ 9 KB
        assert "q=" not in urlsplit(link["href"]).query, link["href"]
    nexts = [button for button in soup.select("button[form=search-state]")
             if "year=2024" in button["formaction"]]
    assert nexts, "the 2023 chip's × posts the search with year=2024 alone"
    # the posted state plus a button's URL is the changed search
    posted = MultiDict([(i["name"], i["value"]) for i in state.select("input")])
    follow = client.post(nexts[0]["formaction"], data=posted)
    page = BeautifulSoup(follow.get_data(as_text=True), "html.parser")
    assert [chip.get_text(" ", strip=True) for chip in page.select(".chips .chip")] == ["年份：2024 ×"]


def test_a_posted_search_that_fits_a_url_is_redirected_to_it(app: Flask) -> None:
    response = app.test_client().post("/search", data=MultiDict([("q", "枫桥经验"), ("year", "2023"),
                                                                 ("year", "2024")]))
    assert response.status_code == 303
    location = parse_qs(urlsplit(response.headers["Location"]).query)
    assert location == {"q": ["枫桥经验"], "year": ["2023", "2024"]}


@pytest.mark.parametrize("path", ["/search", "/api/search", "/search.csv"])
def test_over_the_limit_the_message_names_it(app: Flask, path: str) -> None:
    client = app.test_client()
    for response in (client.get(path, query_string={"q": "法" * (MAX_QUERY_CHARS + 1)}),
                     client.post(path, data={"q": "法" * (MAX_QUERY_CHARS + 1)})):
        assert response.status_code == 400
        assert f"上限 {MAX_QUERY_CHARS}" in response.get_data(as_text=True)
    assert client.post(path, data={"q": "法" * MAX_QUERY_CHARS}).status_code in (200, 303)


def test_a_bad_json_body_is_a_clear_400(app: Flask) -> None:
    client = app.test_client()
    for body in ([1, 2], {"q": {"x": 1}}, {"year": [True]}):
        response = client.post("/api/search", json=body)
        assert response.status_code == 400 and response.get_json()["error"]
    assert client.post("/api/search", data=b"{not json", content_type="application/json").status_code == 400



def test_a_syntax_error_in_a_posted_query_is_echoed(app: Flask) -> None:
    response = app.test_client().post("/api/search", json={"q": '"枫桥', "passage": "no"})
    assert response.status_code == 400 and response.get_json()["query"] == '"枫桥'


def test_the_reader_marks_the_pasted_clauses_it_was_opened_with(app: Flask, paragraph) -> None:
    source, text = paragraph
    client = app.test_client()
    page = BeautifulSoup(client.get(f"/reports/{source}", query_string={"q": text}).get_data(as_text=True),
                         "html.parser")
    marked = "".join(mark.get_text() for mark in page.select(".fulltext mark"))
    assert all(fold_for_match(clause) in fold_for_match(marked) for clause in pasted.clauses(text))
    counter = page.select_one("[data-hit-counter]").get_text()
    assert page.select(".passage[data-hit]") and f"/ {len(page.select('[data-hit]'))} 处" in counter


def test_a_quoted_phrase_with_commas_is_one_phrase_not_pasted_text() -> None:
    # A heading cut from a report, quoted as the query language's exact phrase.
    assert pasted.reading('"（一）坚持思想武装，强化法治思维和依法履职能力建设"') is None
    assert pasted.reading("“坚持思想武装，强化法治思维和依法履职能力建设”") is None
