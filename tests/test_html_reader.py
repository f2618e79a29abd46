"""HTML pages: the project's real web-corpus reports, wrapped in portal chrome, read back whole.

Each report of ``tests/corpus/web`` becomes a county-portal page (``bench.html_extract.portal_page``:
menu, breadcrumb, 索引号 table, print/share widgets, related-link sidebar, footer) in each of the
paragraph markups CMSs use (``<p>``, ``<br>``, ``<div><span><font>``). Reading the page must give
every paragraph of the report on a line of its own, none of the chrome, the table's fields, and
the same title, place, year and type as the ``.txt``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.describing.parse import parse_document, parse_file
from archive.document import RawDocument
from archive.reading import html_page
from archive.reading.readers import read_file
from bench.html_extract import CHROME_TEXT, INDEX_NUMBER, LAYOUTS, WEB_CORPUS, score, wrapped_report

REPORTS = sorted(WEB_CORPUS.glob("*.txt"))
COMPARED = ("title", "title_supplied", "township", "county", "city", "province", "year", "doc_type")


def _read_page(tmp_path: Path, report: Path, layout: str) -> RawDocument:
    page, _title = wrapped_report(report, layout)
    path = tmp_path / f"{report.stem}.html"
    path.write_text(page, encoding="utf-8")
    return read_file(path)[1]


def test_the_web_corpus_is_there() -> None:
    assert len(REPORTS) == 29


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.stem)
def test_wrapped_report_keeps_every_paragraph_and_no_chrome(
    tmp_path: Path, report: Path, layout: str
) -> None:
    raw = _read_page(tmp_path, report, layout)
    lines = {html_page.compact(line) for line in raw.text.splitlines()}
    missing = [line for line in report.read_text(encoding="utf-8").splitlines()
               if html_page.compact(line) and html_page.compact(line) not in lines]
    assert not missing, f"paragraphs lost or merged: {missing[:3]}"
    text = html_page.compact(raw.text)
    source = html_page.compact(report.read_text(encoding="utf-8"))
    leaked = [chrome for chrome in CHROME_TEXT if html_page.compact(chrome) in text
              and html_page.compact(chrome) not in source]
    assert not leaked, f"page chrome in the report text: {leaked}"
    assert raw.fields["索引号"] == read_file(report)[1].fields.get("索引号", INDEX_NUMBER)


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.stem)
def test_wrapped_report_parses_like_the_text(tmp_path: Path, report: Path) -> None:
    from_txt = parse_file(report)[2].metadata
    for layout in LAYOUTS:
        from_html = parse_document(_read_page(tmp_path, report, layout)).metadata
        for field in COMPARED:
            assert getattr(from_html, field) == getattr(from_txt, field), (layout, field)


def test_fields_the_text_carries_reach_the_table_and_the_metadata(tmp_path: Path) -> None:
    """r003's 日期/作者/来源 line is copied into the page's table: RawDocument.fields has them."""
    report = WEB_CORPUS / "r003.txt"
    raw = _read_page(tmp_path, report, "br")
    assert raw.fields == {**read_file(report)[1].fields, "索引号": INDEX_NUMBER}
    assert len(raw.fields) > 1


GOVCN_PAGE = """<div class="wrap"><table><tbody><tr><td>
<table class="bd1"><tbody>
<tr><td><b>索 引 号：</b></td><td>000014349/2019-00002</td>
<td><b>主题分类：</b></td><td>科技、教育\\教育</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2019年01月09日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2019〕3号</td><td><b>发布日期：</b></td><td>2019年01月22日</td></tr>
</tbody></table></td></tr></tbody></table>
<table><tbody><tr><td valign="top"><table><tbody><tr><td class="b12c" id="UCAP-CONTENT">
<p><span>国务院办公厅关于开展</span></p><p><span>城镇小区配套幼儿园治理工作的通知</span></p>
<p><span>国办发〔2019〕3号</span></p><p><br></p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>城镇小区配套建设幼儿园是城镇公共服务设施建设的重要内容，是扩大普惠性学前教育资源的重要途径，是保障和改善民生的重要举措。</p>
<p><span>一、总体要求</span></p>
<p>以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、三中全会精神，落实全国教育大会部署。</p>
<p>国务院办公厅</p><p>2019年1月9日</p></td></tr></tbody></table>
<div id="div_div"><div id="qr_container">扫一扫在手机打开当前页</div></div>
<table><tbody><tr><td><a href="#" onclick="window.print()"><img src="openpage.gif"></a></td></tr>
</tbody></table>
</td><td valign="top"><iframe src="related.htm"></iframe></td></tr></tbody></table></div>"""


def test_layout_table_page_gives_the_document_first_and_its_fields(tmp_path: Path) -> None:
    """A gov.cn policy page as saved (layout tables, metadata table above the content cell,
    QR-code widget below): the document's lines open the text, the table only in ``fields``."""
    path = tmp_path / "govcn.html"
    path.write_text(GOVCN_PAGE, encoding="utf-8")
    raw = read_file(path)[1]
    lines = raw.text.splitlines()
    assert lines[:3] == ["国务院办公厅关于开展", "城镇小区配套幼儿园治理工作的通知", "国办发〔2019〕3号"]
    assert lines[-2:] == ["国务院办公厅", "2019年1月9日"]
    assert "扫一扫" not in raw.text and "000014349" not in raw.text
    assert raw.fields["成文日期"] == "2019年01月09日" and raw.fields["发文机关"] == "国务院办公厅"
    assert raw.fields["索引号"] == "000014349/2019-00002"


def test_page_without_an_article_falls_back_to_the_heuristic(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """When readability returns nothing, the heuristic container is read: never an empty report."""
    monkeypatch.setattr(html_page, "readability_text", lambda _page: "")
    page, _title = wrapped_report(WEB_CORPUS / "r003.txt", "p")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    raw = read_file(path)[1]
    assert "一、2022年度推进法治政府建设的主要举措和成效" in raw.text.splitlines()


def test_score_counts_lost_paragraphs_merged_lines_and_junk() -> None:
    """The bench's measure itself: a paragraph merged into another line is found but not a line of
    its own; a menu line is junk; the title must open the text."""
    expected = ["第一段正文。", "第二段正文。", "第三段正文。"]
    result = score("网站首页\n第一段正文。第二段正文。\n", expected, "第一段")
    assert (round(result.recall, 3), round(result.lines, 3)) == (0.667, 0.0)
    assert round(result.junk, 3) == round(4 / 16, 3)
    assert result.title is True
    assert score("\n".join(expected), expected, "").title is None
