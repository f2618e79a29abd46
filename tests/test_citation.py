"""Citations against hand-worked examples, and against the CSL processor they come from.

The expected strings are written out by hand from GB/T 7714—2025 and —2015 (report as an online
resource: 主要责任者. 题名[R/OL]. 出版地：出版者，出版年[引用日期]. URL.; 2015 with ASCII
punctuation: 出版地: 出版者, 出版年[引用日期]), not generated; an online report keeps its 引用日期
in both editions (2025 drops it only for documents that are not online: archive/citation/csl/README.md). The
seed strings use a temporary copy of the seeds with sidecar URLs, never data/reports.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup

from archive.citation import cite as citation
from archive.citation import reference_list
from archive.citation.cite import CitedPassage, CitedWork
from tests.support.archives import make_config, sessions_of
from tests.support.paths import SHIPPED_DIR
from web.export import safe_cell

TODAY = date(2026, 7, 15)
BASE = "https://fazhi.example.cn"


def pingshan(**changes: object) -> CitedWork:
    fields: dict = dict(
        report_id="cde1628b6951", title="关于2023年法治政府建设工作的报告", issuer="垫江县坪山镇人民政府",
        township="坪山镇", county="垫江县", city="重庆市", province="重庆市", year=2023,
        issue_date="2024-01-15",
    )
    fields.update(changes)
    return CitedWork(**fields)


def passage(work: CitedWork, seq: int = 7) -> CitedPassage:
    return CitedPassage(work=work, seq=seq, text="坚持和发展新时代“枫桥经验”。",
                        heading_path=["一、2023年法治政府建设工作开展情况", "（二）坚持依法治理"])


# --- the elements ------------------------------------------------------------------------------

def test_author_is_the_stored_issuer_one_per_body_and_anonymous_only_without_one():
    """The store's issuer is what the reader shows (archive.describing.issuer chose it, the page's 发布机构
    first, or supplied it in brackets): the citation names that, never a second guess."""
    assert citation.authors_of(pingshan(issuer="中共坪山镇委员会、坪山镇人民政府")) == [
        "中共坪山镇委员会", "坪山镇人民政府"]
    by_page = pingshan(issuer="垫江县坪山镇人民政府", page_fields={"发布机构": "本网"})
    assert citation.authors_of(by_page) == ["垫江县坪山镇人民政府"]
    supplied = pingshan(issuer="[垫江县坪山镇人民政府]", author_supplied=True)
    assert citation.authors_of(supplied) == ["[垫江县坪山镇人民政府]"]
    assert citation.authors_of(pingshan(issuer="")) == ["佚名"]


def test_supplied_title_is_bracketed_and_publication_year_always_present():
    supplied = pingshan(title="[坪山镇2023年法治政府建设情况报告]", title_supplied=True)
    assert citation.title_of(supplied) == "[坪山镇2023年法治政府建设情况报告]"
    no_date = citation.csl_item(pingshan(issue_date=""), f"{BASE}/reports/x", TODAY)
    assert no_date["issued"] == {"date-parts": [[2023]]}
    assert citation.gbt7714(no_date) == ("垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
                                         "垫江县：垫江县坪山镇人民政府，2023[2026-07-15]. https://fazhi.example.cn/reports/x.")


def test_non_http_source_url_is_never_cited_or_linked():
    assert citation.http_url("javascript:alert(1)") == ""
    assert citation.http_url(" https://a.gov.cn/x.html ") == "https://a.gov.cn/x.html"


# --- one passage: source URL known, and not known -----------------------------------------------

SOURCE = "http://www.cqdj.gov.cn/zwgk/fzzfjs/202401/t20240115_1.html"


def test_cite_with_source_url_cites_the_government_page_and_keeps_the_archived_copy():
    work = pingshan(source_url=SOURCE, retrieved="2025-02-10T09:30:00+08:00")
    got = citation.cite(passage(work), BASE + "/", TODAY)
    assert got.gbt7714 == ("垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
                           f"垫江县：垫江县坪山镇人民政府，2024[2025-02-10]. {SOURCE}.")
    # 2015: ASCII punctuation and the access date (the day the archive retrieved the cited page).
    assert got.gbt7714_2015 == ("垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
                                f"垫江县: 垫江县坪山镇人民政府, 2024[2025-02-10]. {SOURCE}.")
    assert got.url == got.source_url == SOURCE
    assert got.permalink == "https://fazhi.example.cn/reports/cde1628b6951?p=7#p-7"
    assert got.archived_copy == "存档副本：https://fazhi.example.cn/reports/cde1628b6951?p=7#p-7"
    assert got.text.splitlines() == [got.quote, got.source, got.gbt7714, got.archived_copy]
    assert got.quote == "“坚持和发展新时代‘枫桥经验’。”"
    assert got.locator == {"label": "paragraph", "locator": "7"}


def test_cite_without_source_url_cites_the_archive_and_today():
    got = citation.cite(passage(pingshan()), BASE, TODAY)
    assert got.source_url == "" and got.url == "https://fazhi.example.cn/reports/cde1628b6951"
    assert got.gbt7714_2015.endswith("2024[2026-07-15]. https://fazhi.example.cn/reports/cde1628b6951.")


def test_strings_are_what_citeproc_renders_from_the_citations_own_csl_json():
    """Rendered here straight through citeproc-py, not through archive.citation.cite's helpers."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    got = citation.cite(passage(pingshan(source_url=SOURCE, page_fields={"发文字号": "坪山府发〔2024〕3号"})),
                        BASE, TODAY)
    item = json.loads(json.dumps(got.to_dict()["csl"]))  # as a client receives it
    for edition, string in (("2025", got.gbt7714), ("2015", got.gbt7714_2015)):
        style = CitationStylesStyle(str(citation.STYLES[edition]), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        assert str(bibliography.bibliography()[0]) == "[1]" + string
    assert "：坪山府发〔2024〕3号[R/OL]" in got.gbt7714  # the 发文字号 is the report number


def test_bibtex_and_ris_parse_back_to_the_csl_json():
    work = pingshan(issuer="中共坪山镇委员会、坪山镇人民政府", title="A&B {x} 50% #1", source_url=SOURCE)
    got = citation.cite(passage(work), BASE, TODAY)
    library = bibtexparser.parse_string(got.bibtex)
    assert not library.failed_blocks
    entry = library.entries[0]
    assert entry.entry_type == "techreport" and entry.key == "fazhi-cde1628b6951"
    assert entry["author"] == "{中共坪山镇委员会} and {坪山镇人民政府}"
    assert entry["title"] == "A\\&B \\{x\\} 50\\% \\#1"
    assert (entry["year"], entry["date"], entry["url"], entry["urldate"]) == ("2024", "2024-01-15", SOURCE,
                                                                             "2026-07-15")
    assert entry["note"] == "引文位置：¶7"
    record = rispy.loads(got.ris)[0]
    assert record["authors"] == ["中共坪山镇委员会", "坪山镇人民政府"] and record["title"] == work.title
    assert (record["year"], record["date"], record["urls"]) == ("2024", "2024/01/15", [SOURCE])
    assert record["place_published"] == "垫江县" and record["notes"] == ["引文位置：¶7"]
    assert got.ris.startswith("TY  - RPRT\n") and got.ris.endswith("ER  - ")


# --- a reference list --------------------------------------------------------------------------

def test_two_passages_of_one_report_are_one_entry_with_both_paragraphs():
    one, other = pingshan(), pingshan(report_id="aaaaaaaaaaaa", title="另一份报告")
    entries = reference_list.group_by_work(
        [passage(one, 9), passage(other, 2), passage(one, 7), passage(one, 9)], BASE, TODAY)
    assert [(e.work.report_id, e.paragraphs) for e in entries] == [
        ("cde1628b6951", [7, 9]), ("aaaaaaaaaaaa", [2])]
    gbt, _, _ = reference_list.combine(entries, "gbt", safe_cell)
    assert gbt.splitlines() == [
        "[1] 垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
        "垫江县：垫江县坪山镇人民政府，2024[2026-07-15]. https://fazhi.example.cn/reports/cde1628b6951.",
        "    存档副本：https://fazhi.example.cn/reports/cde1628b6951",
        "    引文位置：¶7、¶9",
        "    说明：原文网址不详，参考文献引用本库存档副本。",
        "[2] 垫江县坪山镇人民政府. 另一份报告[R/OL]. 垫江县：垫江县坪山镇人民政府，2024[2026-07-15]. "
        "https://fazhi.example.cn/reports/aaaaaaaaaaaa.",
        "    存档副本：https://fazhi.example.cn/reports/aaaaaaaaaaaa",
        "    引文位置：¶2",
        "    说明：原文网址不详，参考文献引用本库存档副本。",
    ]
    bib, mimetype, ext = reference_list.combine(entries, "bibtex", safe_cell)
    assert (mimetype, ext) == ("application/x-bibtex", "bib")
    parsed = bibtexparser.parse_string(bib).entries
    assert [(e.key, e["note"]) for e in parsed] == [("fazhi-cde1628b6951", "引文位置：¶7、¶9"),
                                                    ("fazhi-aaaaaaaaaaaa", "引文位置：¶2")]
    assert [r["notes"] for r in rispy.loads(reference_list.combine(entries, "ris", safe_cell)[0])] == [
        ["引文位置：¶7、¶9"], ["引文位置：¶2"]]
    csl = json.loads(reference_list.combine(entries, "csljson", safe_cell)[0])
    assert [item["id"] for item in csl] == ["cde1628b6951", "aaaaaaaaaaaa"]
    rows = reference_list.combine(entries, "csv", safe_cell)[0].lstrip("\ufeff").splitlines()
    assert rows[0].split(",")[:3] == ["entry", "report_id", "paragraph"]
    assert [row.split(",")[:3] for row in rows[1:]] == [
        ["1", "cde1628b6951", "7"], ["1", "cde1628b6951", "9"], ["2", "aaaaaaaaaaaa", "2"]]
    text = reference_list.combine(entries, "text", safe_cell)[0]
    assert ("    ¶9 “坚持和发展新时代‘枫桥经验’。”"
            "（一、2023年法治政府建设工作开展情况 > （二）坚持依法治理，第9段）") in text


def test_csv_cells_never_start_a_formula():
    work = pingshan(title="=HYPERLINK(\"http://x\")")
    entries = reference_list.group_by_work([passage(work)], BASE, TODAY)
    body = reference_list.combine(entries, "csv", safe_cell)[0]
    assert "=HYPERLINK" in body and ",=HYPERLINK" not in body and "\n=" not in body


# --- the seeds, each given a source URL in a temporary copy -------------------------------------

SEED_URLS = {  # file → (url, retrieved) as a harvester's sidecar would give them
    "000_cde1628b69510f98.txt": ("http://www.cqdj.gov.cn/zwgk/fzzfjs/202401/t20240115_12801234.html",
                                 "2025-02-10T09:30:00+08:00"),
    "001_832404b272c0b67c.txt": ("http://www.huangchuan.gov.cn/zfxxgk/fzzfjsnb/202501/t20250117_4567.html",
                                 "2025-02-11"),
    "002_0bd4420a3e9538ce.txt": ("http://www.pengxi.gov.cn/xxgk/fzzfjs/202401/t20240119_998.html",
                                 "2025-02-12T08:00:00+08:00"),
    "003_a9c7216add76d17d.txt": ("http://www.cqck.gov.cn/zwgk/fzzfjs/202302/t20230210_11654321.html",
                                 "2025-02-13"),
    "004_8711e1a2b86376af.txt": ("http://www.cqnc.gov.cn/zwgk/fzzfjs/202307/t20230725_11987654.html",
                                 "2025-02-14"),
}

# Hand-checked: 主要责任者 as the text signs it (坪山镇: two bodies, 、 in the text → ，/, between
# authors; 付店镇 signs nothing → the township government, supplied: in brackets); the 红江镇 text
# has no title → the archive's [label]; 出版地 the county; 出版年 the issue date's year (红江镇 2024,
# 木凉镇 2023), else the report year (坪山镇 2023, 付店镇 2024, 北屏乡 2022); 2015 adds the access date
# in brackets.
SEED_STRINGS = {
    "000_cde1628b69510f98.txt": (
        "中共垫江县坪山镇委员会，垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
        "垫江县：中共垫江县坪山镇委员会，2023[2025-02-10]. "
        "http://www.cqdj.gov.cn/zwgk/fzzfjs/202401/t20240115_12801234.html.",
        "中共垫江县坪山镇委员会, 垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
        "垫江县: 中共垫江县坪山镇委员会, 2023[2025-02-10]. "
        "http://www.cqdj.gov.cn/zwgk/fzzfjs/202401/t20240115_12801234.html."),
    "001_832404b272c0b67c.txt": (
        "[潢川县付店镇人民政府]. 付店镇2024年法治政府建设工作报告[R/OL]. "
        "潢川县：[潢川县付店镇人民政府]，2024[2025-02-11]. http://www.huangchuan.gov.cn/zfxxgk/fzzfjsnb/202501/t20250117_4567.html.",
        "[潢川县付店镇人民政府]. 付店镇2024年法治政府建设工作报告[R/OL]. 潢川县: [潢川县付店镇人民政府], "
        "2024[2025-02-11]. http://www.huangchuan.gov.cn/zfxxgk/fzzfjsnb/202501/t20250117_4567.html."),
    "002_0bd4420a3e9538ce.txt": (
        "中共蓬溪县红江镇委员会. [红江镇2023年法治政府建设情况报告][R/OL]. "
        "蓬溪县：中共蓬溪县红江镇委员会，2024[2025-02-12]. http://www.pengxi.gov.cn/xxgk/fzzfjs/202401/t20240119_998.html.",
        "中共蓬溪县红江镇委员会. [红江镇2023年法治政府建设情况报告][R/OL]. 蓬溪县: 中共蓬溪县红江镇委员会, "
        "2024[2025-02-12]. http://www.pengxi.gov.cn/xxgk/fzzfjs/202401/t20240119_998.html."),
    "003_a9c7216add76d17d.txt": (
        "城口县北屏乡. 城口县北屏乡2022年法治政府建设情况报告[R/OL]. 城口县：城口县北屏乡，2022[2025-02-13]. "
        "http://www.cqck.gov.cn/zwgk/fzzfjs/202302/t20230210_11654321.html.",
        "城口县北屏乡. 城口县北屏乡2022年法治政府建设情况报告[R/OL]. 城口县: 城口县北屏乡, 2022[2025-02-13]. "
        "http://www.cqck.gov.cn/zwgk/fzzfjs/202302/t20230210_11654321.html."),
    "004_8711e1a2b86376af.txt": (
        "重庆市南川区木凉镇人民政府. 关于印发《木凉镇2023年法治政府建设工作实施方案》的通知[R/OL]. "
        "南川区：重庆市南川区木凉镇人民政府，2023[2025-02-14]. "
        "http://www.cqnc.gov.cn/zwgk/fzzfjs/202307/t20230725_11987654.html.",
        "重庆市南川区木凉镇人民政府. 关于印发《木凉镇2023年法治政府建设工作实施方案》的通知[R/OL]. "
        "南川区: 重庆市南川区木凉镇人民政府, 2023[2025-02-14]. "
        "http://www.cqnc.gov.cn/zwgk/fzzfjs/202307/t20230725_11987654.html."),
}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory, app_for):
    """(app, {file name: report id}) over a temporary copy of the seeds with sidecar URLs."""
    from archive.store.changes import make_session_factory
    from archive.store.db import SourceFile, make_engine
    from archive.store.ingest import ingest_paths

    home = tmp_path_factory.mktemp("seedcite")
    folder = home / "reports"
    folder.mkdir()
    for name, (url, retrieved) in SEED_URLS.items():
        shutil.copy(SHIPPED_DIR / name, folder / name)
        sidecar = {"source": "测试用副本", "url": url, "retrieved": retrieved}
        (folder / f"{name}.meta.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    config = make_config(home / "instance")
    summary = ingest_paths(sessions_of(config), sorted(folder.glob("*.txt")), workers=1)
    assert not summary.failures, summary.failures
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        ids = {row.filename: row.report_id for row in session.query(SourceFile)}
    engine.dispose()
    app = app_for(config, TODAY=TODAY, PUBLIC_BASE_URL=BASE)
    return app, ids


@pytest.mark.parametrize("name", sorted(SEED_STRINGS))
def test_seed_gbt7714_strings(seeds, name):
    app, ids = seeds
    got = app.test_client().get(f"/api/reports/{ids[name]}/passages/1/cite").get_json()
    assert (got["gbt7714"], got["gbt7714_2015"]) == SEED_STRINGS[name]
    assert got["permalink"] == f"{BASE}/reports/{ids[name]}?p=1#p-1"
    assert got["archived_copy"] == f"存档副本：{got['permalink']}"


def _stored(client, report_id: str) -> dict:
    return client.get(f"/api/reports/{report_id}").get_json()


@pytest.mark.parametrize("name", sorted(SEED_STRINGS))
def test_seed_meta_tags_and_csl_json_agree_with_stored_metadata(seeds, name):
    """What Zotero reads (meta tags) and imports (CSL-JSON) is what the archive stores."""
    app, ids = seeds
    client = app.test_client()
    stored = _stored(client, ids[name])
    page = BeautifulSoup(client.get(f"/reports/{ids[name]}").get_data(as_text=True), "html.parser")
    tags: dict[str, list[str]] = {}
    for meta in page.head.select("meta[name]"):
        tags.setdefault(meta["name"], []).append(meta["content"])
    authors = [a for a in stored["issuer"].split("、") if a] or [
        f"{stored['county']}{stored['township']}人民政府"]
    year = stored["issue_date"][:4] or str(stored["year"])
    date_tag = stored["issue_date"].replace("-", "/") or year
    assert tags["citation_title"] == tags["DC.title"] == [stored["title"]]
    assert tags["citation_author"] == tags["DC.creator"] == authors
    assert tags["citation_publication_date"] == [date_tag]
    assert tags["DC.date"] == [date_tag.replace("/", "-")]
    assert tags["citation_public_url"] == tags["DC.identifier"] == tags["DC.source"] == [stored["source_url"]]
    assert tags["citation_technical_report_institution"] == tags["DC.publisher"] == [authors[0]]
    assert tags["citation_fulltext_html_url"] == [f"{BASE}/reports/{ids[name]}"]
    csl_link = page.head.select_one("link[type='application/vnd.citationstyles.csl+json']")["href"]
    response = client.get(csl_link)
    assert response.mimetype == "application/vnd.citationstyles.csl+json"
    [item] = response.get_json()
    assert item["title"] == stored["title"] and [a["literal"] for a in item["author"]] == authors
    assert item["URL"] == stored["source_url"] and item["type"] == "report"
    assert str(item["issued"]["date-parts"][0][0]) == year
    assert item["accessed"]["date-parts"][0] == [int(x) for x in stored["retrieved"][:10].split("-")]


def provenance_shown(page: BeautifulSoup) -> dict[str, str]:
    """The reader's 原文出处 list as {label: value}."""
    return {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in page.select("dl.provenance dt")}


@pytest.mark.parametrize("name", sorted(SEED_STRINGS))
def test_seed_reader_shows_provenance(seeds, name):
    app, ids = seeds
    client = app.test_client()
    stored = _stored(client, ids[name])
    page = BeautifulSoup(client.get(f"/reports/{ids[name]}").get_data(as_text=True), "html.parser")
    link = page.select_one(".source-link a")
    assert link.get_text() == "查看原文" and link["href"] == stored["source_url"]
    assert provenance_shown(page)["获取时间"] == stored["retrieved"]


def test_page_fields_shown_and_cited(tmp_path: Path, make_archive, app_for):
    """An HTML page's 发布机构/索引号/发文字号 reach the reader and the reference."""
    page = tmp_path / "in" / "page.html"
    page.parent.mkdir()
    page.write_text("""<html><head><meta charset="utf-8"><title>坪山镇2023年法治政府建设情况报告</title>
</head><body>
<table><tr><td>索引号：</td><td>11500231009317453Q/2024-00012</td><td>发布机构：</td><td>垫江县坪山镇人民政府</td></tr>
<tr><td>成文日期：</td><td>2024-01-15</td><td>发文字号：</td><td>坪山府发〔2024〕3号</td></tr></table>
<h1>坪山镇2023年法治政府建设情况报告</h1>
<p>2023年，坪山镇坚持以习近平法治思想为指导，深入推进法治政府建设，现将有关情况报告如下。</p>
<p>一、2023年法治政府建设工作开展情况</p><p>坚持和发展新时代枫桥经验，化解矛盾纠纷。</p>
<p>二、存在的不足和原因</p><p>部分干部法治意识有待提高。</p>
<p>垫江县坪山镇人民政府</p><p>2024年1月15日</p></body></html>""", encoding="utf-8")
    config = make_archive([page])  # browsing is a search: index it
    app = app_for(config, TODAY=TODAY, PUBLIC_BASE_URL=BASE)
    client = app.test_client()
    report_id = client.get("/api/search").get_json()["groups"][0]["report_id"]
    fields = _stored(client, report_id)["page_fields"]
    assert fields["发文字号"] == "坪山府发〔2024〕3号" and fields["发布机构"] == "垫江县坪山镇人民政府"
    html = BeautifulSoup(client.get(f"/reports/{report_id}").get_data(as_text=True), "html.parser")
    shown = provenance_shown(html)
    for key in ("发布机构", "索引号", "发文字号"):
        assert shown[key] == fields[key]
    cite = client.get(f"/api/reports/{report_id}/passages/1/cite").get_json()
    assert cite["csl"]["number"] == fields["发文字号"] and f"：{fields['发文字号']}[R/OL]" in cite["gbt7714"]
    assert cite["gbt7714"].startswith(f"{fields['发布机构']}. ")
