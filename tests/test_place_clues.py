"""Each class of place clue, on short texts written the way real reports write (the names are real
divisions of the gazetteer): what decides a place, what may not, and that conflicting clues leave
a field empty with the reason recorded. The labelled corpora (test_metadata.py) check the same
rules on whole real reports."""

from __future__ import annotations

from archive.document import RawDocument
from archive.domain import host_labels
from archive.parse import parse_document

BODY = (
    "一、主要举措和成效\n（一）加强组织领导。镇党委书记履行推进法治建设第一责任人职责，全年召开专题会议4次。\n"
    "二、存在的不足和原因\n学法用法不够深入。\n三、下一年度工作安排\n继续加强学习。"
)


def _parse(text: str, url: str = ""):
    overrides = {"url": url} if url else {}
    return parse_document(RawDocument(text, "text/plain"), overrides, filename="clue.txt").metadata


def test_host_labels_keep_only_words_that_may_name_a_place() -> None:
    assert host_labels("https://www.bjmy.gov.cn/zwgk/a.html") == ("bjmy",)
    assert host_labels("http://public.guancheng.gov.cn/D04X/1.jhtml") == ("guancheng",)
    assert host_labels("not a url") == ()


def test_published_address_chooses_among_the_townships_of_that_name() -> None:
    # 鼓楼街道 exists in many districts; nothing in the text says which.
    text = "2025年，鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + BODY
    assert _parse(text).county == ""
    meta = _parse(text, "https://www.bjmy.gov.cn/zwgk/202602/t1.html")
    assert (meta.township, meta.county, meta.city, meta.province) == ("鼓楼街道", "密云区", "北京市", "北京市")
    assert "bjmy" in meta.provenance["county"]


def test_an_address_that_names_no_candidate_decides_nothing() -> None:
    text = "2025年，鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + BODY
    meta = _parse(text, "http://www.021jzzz.com/gongkai/doc_1.html")
    assert (meta.township, meta.county) == ("鼓楼街道", "")


def test_the_text_outweighs_the_address() -> None:
    # The text writes the township under 海曙区; the address would say 密云区: the text wins.
    text = "2025年，海曙区鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + BODY
    meta = _parse(text, "https://www.bjmy.gov.cn/zwgk/t1.html")
    assert (meta.county, meta.city) == ("海曙区", "宁波市")


def test_the_address_never_decides_against_a_place_the_head_writes() -> None:
    # 南京市鼓楼区 has no 鼓楼街道 in the table: the text names a place, so the address may not
    # pick another one; the upper levels stay empty.
    text = "2025年，南京市鼓楼区鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + BODY
    meta = _parse(text, "https://www.bjmy.gov.cn/zwgk/t1.html")
    assert (meta.township, meta.county, meta.city, meta.province) == ("鼓楼街道", "", "", "")


def test_a_county_name_counts_only_where_its_characters_form_that_word() -> None:
    # 和县 is a county of 安徽省, but here 和 joins 领导 and 县委.
    text = "2023年，在县委、县政府的坚强领导和县委依法治县办的精心指导下，我镇深入推进法治政府建设，现将有关情况报告如下：\n" + BODY
    meta = _parse(text)
    assert (meta.county, meta.city, meta.province) == ("", "", "")


def test_a_sentence_that_introduces_the_report_is_not_its_title() -> None:
    text = "2023年，我镇深入推进法治政府建设，现将有关情况报告如下：\n" + BODY
    meta = _parse(text)
    assert meta.title_supplied
