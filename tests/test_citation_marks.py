"""Every citation format names the government's page when the archive knows it, marks an author
the archive supplied ([…], ``author_supplied``) and an excerpt (（节选） in the GB/T strings and
the quote's source line, 节选 in the notes), and says when it cites the archive's own copy.

First one test per format on a hand-built work (the expected strings written out by hand), then
the shipped corpus as ``python -m fazhi ingest data/reports`` stores it: all 29 web reports cite
their published URL with its 引用日期, in JSON and on the cite page.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup

from archive.citation import cite as citation
from archive.citation import reference_list
from archive.citation.cite import UNKNOWN_AUTHOR, CitedPassage, CitedWork
from archive.citation.reference_managers import meta_tags
from archive.describing.issuer import credible_issuer
from tests.support.paths import CORPUS
from tests.support.web_archive import reports_by_file
from web.export import safe_cell

TODAY = date(2026, 12, 1)
BASE = "https://fazhi.example.cn"
URL = "http://www.lianjiang.gov.cn/zwgk/fzbg/content/post_1998394.html"
REPORT_URL = f"{BASE}/reports/994f792aa2bb"
EXCERPT_NOTE = "节选：本库只收录了原文的一部分"


def jishui(**changes: object) -> CitedWork:
    """吉水镇's report as the archive holds it: no issuer named (来源:本网), the page's opening only."""
    fields: dict = dict(
        report_id="994f792aa2bb", title="吉水镇2024年法治政府建设年度报告", issuer="[廉江市吉水镇人民政府]",
        township="吉水镇", county="廉江市", city="湛江市", province="广东省", year=2024,
        issue_date="2025-01-07", source_url=URL, retrieved="2026-11-23", author_supplied=True, excerpt=True,
    )
    fields.update(changes)
    return CitedWork(**fields)


def cited(work: CitedWork, seq: int = 3) -> citation.Citation:
    return citation.cite(CitedPassage(work=work, seq=seq, text="全年调处矛盾纠纷46件。",
                                      heading_path=["一、主要工作"]), BASE, TODAY)


def test_gbt7714_2025_names_the_page_with_its_access_date_and_marks_author_and_excerpt():
    assert cited(jishui()).gbt7714 == (
        "[廉江市吉水镇人民政府]. 吉水镇2024年法治政府建设年度报告（节选）[R/OL]. "
        f"廉江市：[廉江市吉水镇人民政府]，2025[2026-11-23]. {URL}.")


def test_gbt7714_2015_the_same_with_its_punctuation():
    assert cited(jishui()).gbt7714_2015 == (
        "[廉江市吉水镇人民政府]. 吉水镇2024年法治政府建设年度报告（节选）[R/OL]. "
        f"廉江市: [廉江市吉水镇人民政府], 2025[2026-11-23]. {URL}.")


def test_an_author_the_text_names_and_a_whole_report_carry_no_mark():
    got = cited(jishui(issuer="吉水镇人民政府", author_supplied=False, excerpt=False))
    assert got.gbt7714.startswith("吉水镇人民政府. 吉水镇2024年法治政府建设年度报告[R/OL]. ")
    assert "节选" not in got.text + got.bibtex + got.ris + json.dumps(got.csl, ensure_ascii=False)
    assert (got.author_supplied, got.excerpt, got.remarks) == (False, False, "")


def test_csl_json_keeps_the_documents_title_and_carries_the_marks_in_author_and_note():
    got = cited(jishui())
    item = json.loads(json.dumps(got.to_dict()["csl"]))
    assert item["title"] == "吉水镇2024年法治政府建设年度报告"  # Zotero imports no invented title
    assert item["author"] == [{"literal": "[廉江市吉水镇人民政府]"}] and item["note"] == EXCERPT_NOTE
    assert item["URL"] == URL and item["accessed"] == {"date-parts": [[2026, 11, 23]]}
    # The GB/T string is the style's rendering of the item with the excerpt mark after its title.
    assert citation.gbt7714(item) == got.gbt7714
    assert citation.as_rendered(item)["title"] == "吉水镇2024年法治政府建设年度报告（节选）"


def test_bibtex_marks_the_supplied_author_and_notes_the_excerpt():
    entry = bibtexparser.parse_string(cited(jishui()).bibtex).entries[0]
    assert entry["author"] == "{[廉江市吉水镇人民政府]}"
    assert entry["title"] == "吉水镇2024年法治政府建设年度报告"
    assert entry["note"] == f"{EXCERPT_NOTE}；引文位置：¶3"
    assert (entry["url"], entry["urldate"]) == (URL, "2026-11-23")


def test_ris_marks_the_supplied_author_and_notes_the_excerpt():
    record = rispy.loads(cited(jishui()).ris)[0]
    assert record["authors"] == ["[廉江市吉水镇人民政府]"]
    assert record["title"] == "吉水镇2024年法治政府建设年度报告"
    assert record["notes"] == [EXCERPT_NOTE, "引文位置：¶3"]
    assert (record["urls"], record["access_date"]) == ([URL], "2026/11/23")


def test_citation_meta_tags_mark_the_supplied_author_and_describe_the_excerpt():
    work = jishui()
    tags: dict[str, list[str]] = {}
    for name, content in meta_tags(citation.csl_item(work, REPORT_URL, TODAY), work, REPORT_URL):
        tags.setdefault(name, []).append(content)
    assert tags["citation_author"] == tags["DC.creator"] == ["[廉江市吉水镇人民政府]"]
    assert tags["citation_title"] == ["吉水镇2024年法治政府建设年度报告"]
    assert tags["citation_public_url"] == tags["DC.source"] == [URL]
    assert tags["DC.description"] == [EXCERPT_NOTE]


def test_quote_source_line_and_json_say_supplied_and_excerpt():
    got = cited(jishui())
    assert got.source == ("——[廉江市吉水镇人民政府]《吉水镇2024年法治政府建设年度报告》（节选）"
                          "（广东省湛江市廉江市吉水镇，2024年），一、主要工作，第3段")
    data = got.to_dict()
    assert (data["author_supplied"], data["excerpt"], data["cites_archived_copy"]) == (True, True, False)
    assert data["remarks"] == ("说明：本库存档副本为原文节选，段落编号按所收部分计；"
                               "原文未写发文机关，方括号内的责任者为本库拟定。")
    assert got.text.splitlines() == [got.quote, got.source, got.gbt7714, got.archived_copy, got.remarks]


def test_without_a_source_url_the_archives_copy_is_cited_and_said_so():
    got = cited(jishui(source_url="", retrieved=""))
    assert got.cites_archived_copy and got.url == got.report_url == REPORT_URL
    assert got.gbt7714.endswith(f"2025[2026-12-01]. {REPORT_URL}.")
    assert got.remarks.startswith("说明：原文网址不详，参考文献引用本库存档副本；")


def test_reference_list_exports_carry_the_marks():
    entries = reference_list.group_by_work(
        [CitedPassage(jishui(), 3, "全年调处矛盾纠纷46件。", ["一、主要工作"])], BASE, TODAY)
    text = reference_list.combine(entries, "gbt", safe_cell)[0]
    assert "（节选）[R/OL]" in text and text.splitlines()[-1].startswith("    说明：本库存档副本为原文节选")
    table = reference_list.combine(entries, "csv", safe_cell)[0].lstrip("\ufeff")
    rows = list(csv.DictReader(table.splitlines()))
    assert rows[0]["remarks"].startswith("说明：本库存档副本为原文节选")
    [item] = json.loads(reference_list.combine(entries, "csljson", safe_cell)[0])
    assert item["note"] == EXCERPT_NOTE and item["author"] == [{"literal": "[廉江市吉水镇人民政府]"}]


@pytest.mark.parametrize(("number", "cited_number"), [
    ("将镛委〔2025〕5号", "将镛委〔2025〕5号"), ("渝北府发[2024]12号", "渝北府发[2024]12号"), ("2025", ""),
    ("无", ""),
])
def test_only_a_document_number_that_reads_as_one_is_cited(number: str, cited_number: str):
    item = citation.csl_item(jishui(page_fields={"发文字号": number}), REPORT_URL, TODAY)
    assert item.get("number", "") == cited_number
    assert ("：2025[R/OL]" in citation.gbt7714(item)) is False


# --- the shipped corpus, as ingested from data/reports -------------------------------------------

def _published_urls() -> dict[str, str]:
    with (CORPUS / "web" / "INDEX.tsv").open(encoding="utf-8") as handle:
        return {f"web_{row['file']}": row["url"] for row in csv.DictReader(handle, delimiter="\t")}


@pytest.fixture(scope="module")
def shipped(archive_config, client_for):
    client = client_for(archive_config, TODAY=TODAY, PUBLIC_BASE_URL=BASE)
    return client, reports_by_file(client)


def test_every_web_report_cites_its_published_page_with_the_access_date(shipped):
    client, reports = shipped
    urls = _published_urls()
    assert len(urls) == 29
    for name, url in urls.items():
        report = reports[name]
        assert (report["source_url"], report["retrieved"]) == (url, "2026-11-23"), name
        got = client.get(f"/api/reports/{report['report_id']}/passages/1/cite").get_json()
        assert got["gbt7714"].endswith(f"[2026-11-23]. {url}."), got["gbt7714"]
        assert got["gbt7714_2015"].endswith(f"[2026-11-23]. {url}.")
        assert got["csl"]["URL"] == url and not got["cites_archived_copy"]
        assert "（节选）[R/OL]" in got["gbt7714"] and got["excerpt"]  # every web file is a page's opening
        authors = [a["literal"] for a in got["csl"]["author"]]
        assert got["author_supplied"] == report["author_supplied"], name
        for author in authors:  # never a byline or a number; a supplied one in brackets
            assert (author.startswith("[") and author.endswith("]")) == report["author_supplied"], author
            # 佚名 (GB/T 7714's unknown author): a township's report that never names itself
            assert report["author_supplied"] or author == UNKNOWN_AUTHOR or credible_issuer(author), author
        assert got["gbt7714"].startswith(f"{'，'.join(authors)}. ")


def test_cite_page_and_reader_show_the_government_page_and_the_marks(shipped):
    client, reports = shipped
    report = reports["web_r051.txt"]  # 来源:本网 → supplied author; a page's opening
    rid = report["report_id"]
    page = BeautifulSoup(client.get(f"/reports/{rid}/passages/1/cite").get_data(as_text=True), "html.parser")
    assert page.select_one(".source-url a")["href"] == report["source_url"]
    assert "（节选）" in page.select_one(".quote footer").get_text()
    assert page.select_one(".quote footer").get_text().startswith("——[廉江市吉水镇人民政府]")
    remarks = page.select_one(".cite-remarks").get_text()
    assert "节选" in remarks and "方括号内的责任者为本库拟定" in remarks
    assert "[2026-11-23]" in page.select_one("#c-gbt").get_text()
    reader = BeautifulSoup(client.get(f"/reports/{rid}").get_data(as_text=True), "html.parser")
    assert reader.select_one(".source-link a")["href"] == report["source_url"]
    issuer = next(dt.find_next_sibling("dd") for dt in reader.select(".meta-panel dt")
                  if dt.get_text() == "发文机关")
    assert issuer.get_text().split()[0] == "[廉江市吉水镇人民政府]"
    assert "本库拟定" in issuer.select_one(".supplied-title").get_text()
    tags = {m["name"]: m["content"] for m in reader.head.select("meta[name]")}
    assert tags["citation_author"] == "[廉江市吉水镇人民政府]" and tags["DC.description"] == EXCERPT_NOTE
    listing = BeautifulSoup(client.get(f"/citations?items={rid}:1").get_data(as_text=True), "html.parser")
    assert "（节选）[R/OL]" in listing.select_one(".cite-entry .ref").get_text()
    assert "节选" in listing.select_one(".cite-entry .cite-remarks").get_text()


def test_a_report_without_a_known_url_cites_the_archive_and_every_page_says_so(shipped):
    client, reports = shipped
    report = reports["001_832404b272c0b67c.txt"]
    got = client.get(f"/api/reports/{report['report_id']}/passages/1/cite").get_json()
    assert got["cites_archived_copy"] and got["source_url"] == ""
    assert got["gbt7714"].endswith(f"[2026-12-01]. {BASE}/reports/{report['report_id']}.")
    page = client.get(f"/reports/{report['report_id']}/passages/1/cite").get_data(as_text=True)
    assert "原文网址不详，参考文献引用本库存档副本" in page
    html = client.get(f"/reports/{report['report_id']}").get_data(as_text=True)
    reader = BeautifulSoup(html, "html.parser")
    assert reader.select_one(".source-link") is None
    assert "原文网址不详" in reader.select_one(".source-unknown").get_text()


def test_shipped_figures_urls_supplied_authors_excerpts(shipped):
    """The figures the shipped corpus gives: 29 of 40 cite their published page (28 a government
    site's, web/r042 an encyclopedia site's copy), 20 authors are supplied, one is unknown (web/r048,
    a township's report that never writes its name: no government to supply), 35 are excerpts;
    exact, counted from the API."""
    _client, reports = shipped
    assert len(reports) == 40
    assert sum(bool(r["source_url"]) for r in reports.values()) == 29
    assert sum(r["author_supplied"] for r in reports.values()) == 20
    assert [name for name, r in reports.items() if not r["issuer"]] == ["web_r048.txt"]
    assert sum(r["excerpt"] for r in reports.values()) == 35
    assert not [r for r in reports.values() if re.search(r"\d", r["issuer"]) or "本网" in r["issuer"]]
