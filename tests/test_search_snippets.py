"""Snippets mark exactly the matched strings and escape everything else."""

from __future__ import annotations

import pytest

from archive.document import Metadata, ParsedPassage, ParsedReport, ParsedSection
from indexer.index.build import rebuild
from indexer.results.snippets import match_spans, snippet
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.stores import fill_store

HOSTILE = '坚持“枫桥经验”<script>alert("x")</script>&amp; <b>法律明白人</b> <mark>假标记</mark>'


def hostile_report() -> ParsedReport:
    text = f"某镇2023年法治政府建设工作报告\n{HOSTILE}\n"
    start = text.index(HOSTILE)
    passage = ParsedPassage(HOSTILE, start, start + len(HOSTILE))
    section = ParsedSection("", "前言", "前言", 0, 0, len(text), passages=[passage])
    meta = Metadata(title="<i>某镇</i>报告", township="某镇", county="某县", year=2023, doc_type="年度报告")
    return ParsedReport(text=text, metadata=meta, sections=[section])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    config = make_config(tmp_path_factory.mktemp("snippets"))
    fill_store(config, files=[], extra=[hostile_report()])
    rebuild(config, sessions_of(config))
    return SearchService(config)


def only_marks_are_markup(html: str) -> bool:
    stripped = html.replace("<mark>", "").replace("</mark>", "")
    return "<" not in stripped and ">" not in stripped


@pytest.mark.parametrize("query", ["<script>", '"</script>&amp;"', "枫桥经验", "<mark>", "b>法律"])
def test_report_text_and_query_cannot_inject_markup(service, query: str) -> None:
    result = service.search(query)
    assert result.total == 1, query
    hit = result.groups[0].hits[0]
    assert hit.text == HOSTILE  # the raw text is data; the snippet is the HTML
    assert only_marks_are_markup(hit.snippet), hit.snippet
    assert "<mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_marks_wrap_the_literal_match_even_inside_a_jieba_word() -> None:
    html = snippet("垫江县坪山镇人民政府", ["山镇"])
    assert html == "垫江县坪<mark>山镇</mark>人民政府"


def test_traditional_text_is_marked_for_a_simplified_query() -> None:
    assert snippet("化解矛盾糾紛", ["矛盾纠纷"]) == "化解<mark>矛盾糾紛</mark>"


def test_overlapping_matches_merge_and_long_text_is_windowed() -> None:
    assert match_spans("人民调解员", ["人民调解", "调解员"]) == [(0, 5)]
    text = "甲" * 300 + "枫桥经验" + "乙" * 300
    html = snippet(text, ["枫桥经验"])
    assert html.startswith("…") and html.endswith("…") and "<mark>枫桥经验</mark>" in html
    assert len(html) < 200


# --- where a snippet opens ---------------------------------------------------------------------

def test_a_snippet_opens_after_a_clause_break_in_its_lead() -> None:
    text = "全镇" * 40 + "，领导班子成员带头学法，坚持和发展新时代枫桥经验" + "。" * 200
    html = snippet(text, ["枫桥经验"])
    assert html.startswith("…领导班子成员带头学法，"), html[:30]


def test_without_a_clause_break_a_snippet_opens_at_a_word_boundary() -> None:
    # 40 characters before the match is "…子成员" (inside 领导班子成员): it opens at 成员 instead.
    lead = "党委领导班子成员深入学习法治政府建设要求深入贯彻落实习近平法治思想并带头坚持和发展新时代的"
    text = "一" * 100 + lead + "枫桥经验" + "二" * 200
    assert text[text.index("枫桥经验") - 40:].startswith("子成员")  # where the old rule opened
    html = snippet(text, ["枫桥经验"])
    assert html.startswith("…成员深入学习"), html[:30]


OPENING_QUERIES = ["枫桥经验", "信访", "调解", "法治", "学法", "依法行政", "述法"]


@pytest.mark.parametrize("query", OPENING_QUERIES)
def test_shipped_snippets_never_open_inside_a_word(archive_config, query: str) -> None:
    """Every snippet of the shipped reports that opens inside its passage opens after a clause
    break or at a jieba word boundary of the passage (``…子成员`` came from 枫桥经验)."""
    from archive.normalize import fold_for_match
    from indexer.analysis.tokenizer import segment
    from indexer.results.snippets import CLAUSE_BREAK

    opened = 0
    for group in SearchService(archive_config).search(query, per_page=100).groups:
        for hit in group.hits:
            if not hit.snippet.startswith("…"):
                continue
            shown = hit.snippet[1:].replace("<mark>", "").replace("</mark>", "")
            plain = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")[:20]
            at = hit.text.index(plain)
            folded = fold_for_match(hit.text)
            starts = {start for _word, start, _end in segment(folded)}
            around = hit.text[max(0, at - 6):at + 6]
            assert CLAUSE_BREAK.match(folded, at - 1) or at in starts, (query, around)
            opened += 1
    assert opened, f"{query}: no snippet opens inside its passage, the test would show nothing"
