"""Page furniture on saved government pages (archive.reading.page_chrome, archive.reading.cleaning): removed
from the edges of the text, its values read, and nothing of the report itself ever lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.describing.parse import parse_document
from archive.document import RawDocument
from archive.reading.cleaning import clean_page

WEB = Path(__file__).resolve().parent / "corpus" / "web"
BODY = ("2024年，红江镇坚持以习近平法治思想为指导，深入推进法治政府建设，现将有关情况报告如下：\n"
        "一、主要举措和成效")


@pytest.mark.parametrize("block", [
    "[ 索引号 ] 11510000/2025-00012 [ 主题分类 ] 政务公开\n"
    "[ 发布机构 ] 红江镇人民政府 [ 成文日期 ] 2025-01-22",
    "| 索 引 号 | 11510000/2025-00012 | 主题分类 | 政务公开 |\n"
    "| 发布机构 | 红江镇人民政府 | 成文日期 | 2025-01-22 |",
    "- 索引号: 11510000/2025-00012\n- 发布机构: 红江镇人民政府\n- 成文日期: 2025-01-22",
    "索引号\n11510000/2025-00012\n发布机构\n红江镇人民政府\n成文日期\n2025-01-22",
    "【索引号】11510000/2025-00012\n【发布机构】红江镇人民政府\n【成文日期】2025-01-22",
], ids=["bracketed", "table", "items", "label-per-line", "lenticular"])
def test_metadata_block_in_every_rendering_is_read_and_removed(block: str) -> None:
    page = clean_page(f"{block}\n红江镇2024年法治政府建设情况报告\n{BODY}")
    assert page.fields["索引号"] == "11510000/2025-00012"
    assert page.fields["发布机构"] == "红江镇人民政府"
    assert page.fields["成文日期"] == "2025-01-22"
    assert page.text == f"红江镇2024年法治政府建设情况报告\n{BODY}"
    report = parse_document(RawDocument(text=f"{block}\n{BODY}", media_type="text/plain"))
    assert (report.metadata.issue_date, report.metadata.provenance["issue_date"]) == (
        "2025-01-22", "网页“成文日期”栏")
    assert report.metadata.page_fields["索引号"] == "11510000/2025-00012"


@pytest.mark.parametrize("top", [
    "您当前的位置：首页 > 政务公开 > 法治政府建设年度报告",
    "当前位置:首页>>信息公开>>法定主动公开内容",
    "您现在所在的位置 :\n首页 > 某县人民政府门户网站 > 专题专栏 > 2025年",
    "某县人民政府\n首页 » 政务公开 » 规划计划",
    "某县人民政府门户网站 www.mouxian.gov.cn 发布时间：2025-01-23 10:00",
    "- 设为首页\n- 加入收藏\n- 无障碍阅读",
    "【打印】 【字体：大 中 小】 【关闭窗口】",
    "语音播报 00:00 播放",
])
def test_navigation_and_widgets_above_the_report_are_removed(top: str) -> None:
    page = clean_page(f"{top}\n红江镇2024年法治政府建设情况报告\n{BODY}")
    assert page.text == f"红江镇2024年法治政府建设情况报告\n{BODY}"


def test_breadcrumb_column_is_kept_for_the_type_of_an_untitled_report() -> None:
    page = clean_page(f"您当前的位置：首页 > 专题专栏 > 法治政府建设年度报告\n{BODY}")
    assert page.crumbs == ["首页", "专题专栏", "法治政府建设年度报告"]


def test_footer_after_the_report_is_removed_but_report_lines_are_not() -> None:
    text = f"{BODY}\n三、下一年度工作安排\n继续深化法治宣传。\n\n相關詞條\n\n熱門詞條\n\n聯絡我們"
    assert clean_page(text).text == f"{BODY}\n三、下一年度工作安排\n继续深化法治宣传。"


@pytest.mark.parametrize("line", [
    "日期：2023年5月11日，镇党委召开专题会议研究法治政府建设工作。",  # a sentence, not a field
    "名称：镇公共法律服务工作站，服务群众1200余人次。",
    "首页 > 不是导航，因为这一行写在正文中间",
])
def test_a_body_line_that_looks_like_furniture_is_kept(line: str) -> None:
    text = f"红江镇2024年法治政府建设情况报告\n{BODY}\n{line}\n二、存在的不足"
    assert line in clean_page(text).text.split("\n")


def test_every_web_corpus_paragraph_survives_cleaning() -> None:
    # Whatever furniture goes, every long line of every real page (report sentences) stays.
    for path in sorted(WEB.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        kept = clean_page(raw).text
        for line in raw.splitlines():
            line = line.strip()
            if len(line) > 60 and "。" in line and "|" not in line:
                assert line in kept, (path.name, line[:40])


@pytest.mark.parametrize("text", [
    "红江镇2024年法治政府建设情况报告\n网址：https://www.pengxi.gov.cn/zwgk/2025/01/22.html\n" + BODY,
    "URL: https://www.pengxi.gov.cn/zwgk/2025/01/22.html\n红江镇2024年法治政府建设情况报告\n" + BODY,
])
def test_the_pages_own_address_becomes_the_source_url(text: str) -> None:
    report = parse_document(RawDocument(text=text, media_type="text/plain"))
    assert report.metadata.source_url == "https://www.pengxi.gov.cn/zwgk/2025/01/22.html"
    assert "https://" not in report.text


def test_an_html_pages_canonical_address_becomes_the_source_url() -> None:
    from archive.reading.readers import read_html

    page = (f'<html><head><link rel="canonical" href="http://www.pengxi.gov.cn/a/1.html"></head><body>'
            f'<h1>红江镇2024年法治政府建设情况报告</h1>{"".join(f"<p>{line}</p>" for line in BODY.split())}'
            "</body></html>")
    report = parse_document(read_html(page.encode("utf-8")))
    assert report.metadata.source_url == "http://www.pengxi.gov.cn/a/1.html"
    assert report.metadata.provenance["source_url"] == "网页“网址”栏"


def test_a_title_above_the_breadcrumb_is_kept() -> None:
    page = clean_page(f"某县人民政府\n红江镇2024年法治政府建设情况报告\n当前位置：首页 > 政务公开\n{BODY}")
    assert page.text == f"红江镇2024年法治政府建设情况报告\n{BODY}"


def test_a_page_title_field_with_a_web_address_is_not_a_title() -> None:
    text = f"| 标题: | www.example.gov.cn 法治政府建设情况报告 | |\n{BODY}"
    report = parse_document(RawDocument(text=text, media_type="text/plain"))
    assert report.metadata.title_supplied
