"""The practices directory and a query's spread on the shipped corpus.

What must hold: the names listed are practices (quoted and called a 工作法/机制…, or done:
推行/开展 “…”), not law titles, plain words, document titles, admitted problems, slogans or
political formulas — those are kept apart as slogans, never lost; spellings of one practice are
one entry; each count is of real reports (never of type 其他) whose quoted sentences really name
it, and the lineage starts with the earliest reports; the CSV twins are the JSON; the spread's
shares are exact (matching reports of all reports of the year or place); the charts carry nothing
the CSP forbids; an incremental ingest shows at once.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from archive.normalize import fold_for_match
from indexer.practices.directory import DEFICIENCIES
from indexer.practices.names import PRACTICE, SLOGAN, STOPWORDS, key, mentions, merge
from tests.support.web_archive import build_instance

# Spellings of one practice in the shipped reports, which the directory must list as one entry.
VARIANT_PAIRS = [
    ("一村一法律顾问", "一村(社区)一顾问"),
    ("民主法治示范村", "民主法治示范村（社区）"),
    ("谁执法谁普法", "誰執法誰普法"),
]
# Slogans and political formulas the shipped reports quote: never a directory entry, each kept
# apart as a slogan.
SLOGANS = [
    "四个意识", "庸、懒、散、软、拖、推", "加快建设国家乡村振兴示范县和‘锂电之都’拓展区", "法治古镛",
    "平安红江", "马上办、网上办、就近办、一次办、自主办", "党委领导、政府负责、部门协同、村居联动", "三到位",
]


@pytest.fixture(scope="module")
def app(web_archive, app_for):
    return app_for(web_archive, TODAY=date(2025, 3, 8))


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def paragraphs(sections: list[dict]):
    """(seq, text) of every paragraph in a report's section tree (``/api/reports/<id>``)."""
    for section in sections:
        yield from ((p["seq"], p["text"]) for p in section["passages"])
        yield from paragraphs(section["children"])


def csv_rows(response) -> list[dict[str, str]]:
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


# --- extraction rules, on sentences of real reports ---------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("坚持和发展新时代“枫桥经验”，化解纠纷", [("枫桥经验", PRACTICE, True)]),
    ('推行"一村一法律顾问"制度', [("一村一法律顾问", PRACTICE, False)]),
    ("建立“1+2+5”大调解工作机制", []),  # no two Chinese characters: a figure, not a name
    ("建立企业“法治体检”机制", [("法治体检", PRACTICE, True)]),
    ("按照「四议两公开」工作法办理", [("四议两公开", PRACTICE, True)]),
    ("学习《中华人民共和国行政处罚法》和“八五”普法规划", []),  # a law title, a plan's number
    ("抓住“关键少数”和“一把手”", []),  # plain vocabulary
    ("“六进”活动", []),  # two characters without a practice word
    ("“法律”机制", [("法律", PRACTICE, True)]),  # … with one
    ("印发“2023年法治上城建设工作要点”", []),  # a document's title
    ("总结推广院坝调解法，成效明显", [("院坝调解法", PRACTICE, True)]),
    ("依托周溪乡的“线上小院家、线下说事室”工作模式", [("线上小院家、线下说事室", PRACTICE, True)]),
    ("扎实开展“民主法治示范村(社区)”创建活动", [("民主法治示范村(社区)", PRACTICE, False)]),
    # slogans and formulas: said, not done
    ("牢固树立“四个意识”，始终在思想上与党中央保持高度一致", [("四个意识", SLOGAN, False)]),
    ("有效解决“庸、懒、散、软、拖、推”等问题", [("庸、懒、散、软、拖、推", SLOGAN, False)]),
    ("构建“党委领导、政府负责、部门协同、村居联动”的工作网络",
     [("党委领导、政府负责、部门协同、村居联动", SLOGAN, False)]),
    ("聚焦县委“加快建设国家乡村振兴示范县和‘锂电之都’拓展区”的工作要求",
     [("加快建设国家乡村振兴示范县和‘锂电之都’拓展区", SLOGAN, False)]),
    ("全面提升社会治理“一张网”的格局", [("一张网", SLOGAN, False)]),
])
def test_mentions_tell_practices_from_slogans_and_drop_noise(text, expected):
    assert [(m.name, m.kind, m.named) for m in mentions(text)] == expected


def test_a_slogan_built_on_the_townships_own_name_is_no_practice():
    (mention,) = mentions("为“法治古镛”建设提供强有力的法治保障", own_stems=("古镛",))
    assert mention.kind == SLOGAN
    (mention,) = mentions("为“法治古镛”建设提供强有力的法治保障")  # another township's report: a measure
    assert mention.kind == PRACTICE


@pytest.mark.parametrize(("spellings", "merged"), [
    (("一村一法律顾问", "一村(社区)一顾问"), True),
    (("民主法治示范村", "民主法治示范村（社区）"), True),
    (("枫桥经验", "新时代枫桥经验"), True),
    (("谁执法谁普法", "誰執法誰普法"), True),
    (("法律进村", "法治进校园"), False),
    (("小事不出村,大事不出镇", "小事不出社区、大事不出街道"), False),
    (("法治体检", "法治"), False),
])
def test_spellings_of_one_name_share_a_key(spellings, merged):
    keys = [key(spelling) for spelling in spellings]
    roots = merge(keys)
    assert (len({roots[k] for k in keys}) == 1) == merged


# --- the directory on the shipped corpus --------------------------------------------------------

def test_variant_pairs_are_one_entry_listing_both_spellings(client):
    practices = client.get("/api/practices").get_json()["practices"]
    for pair in VARIANT_PAIRS:
        entries = [p for p in practices if {fold_for_match(s) for s in p["spellings"]}
                   & {fold_for_match(s) for s in pair}]
        assert len(entries) == 1, (pair, [p["name"] for p in entries])
        (entry,) = entries
        assert {fold_for_match(s) for s in pair} <= {fold_for_match(s) for s in entry["spellings"]}, entry
        for spelling in pair:  # either spelling finds the entry
            detail = client.get("/api/practice", query_string={"name": spelling}).get_json()
            assert detail["name"] == entry["name"] and detail["reports"] == entry["reports"]
    # no two entries are spellings of one name
    keys = [key(p["name"]) for p in practices]
    roots = merge(keys)
    assert len({roots[k] for k in keys}) == len(keys)


def test_slogans_are_kept_apart_not_lost(client):
    practices = {key(p["name"]) for p in client.get("/api/practices").get_json()["practices"]}
    slogans = client.get("/api/practices", query_string={"kind": "slogan"}).get_json()
    assert slogans["kind"] == "slogan" and slogans["count"] == len(slogans["practices"])
    kept = {key(s) for p in slogans["practices"] for s in p["spellings"]}
    for slogan in SLOGANS:
        assert key(slogan) not in practices, slogan
        assert key(slogan) in kept, slogan


def test_directory_lists_fengqiao_with_its_lineage(client):
    data = client.get("/api/practices").get_json()
    names = {p["name"]: p for p in data["practices"]}
    fengqiao = names["枫桥经验"]
    assert fengqiao["townships"] >= 3 and fengqiao["reports"] >= fengqiao["townships"]
    assert fengqiao["named"] and len(fengqiao["provinces"]) >= 3
    detail = client.get("/api/practice", query_string={"name": "枫桥经验"}).get_json()
    lineage = detail["lineage"]
    assert len(lineage) == fengqiao["reports"]
    assert sum(len(o["seqs"]) for o in lineage) == fengqiao["passages"]
    years = [o["year"] for o in lineage]
    assert years == sorted(years) and years[0] == fengqiao["first_year"] == fengqiao["years"][0]
    assert {o["report_id"] for o in lineage if o["first"]} == set(fengqiao["first_reports"])
    assert all(o["first"] == (o["year"] == years[0]) for o in lineage)
    for occurrence in lineage:  # every quoted sentence is in the report of that place, naming it
        report = client.get(f"/api/reports/{occurrence['report_id']}").get_json()
        assert report["doc_type"] != "其他"
        assert (report["province"], report["county"], report["year"]) == (
            occurrence["province"], occurrence["county"], occurrence["year"])
        texts = dict(paragraphs(report["sections"]))
        for quote in occurrence["quotes"]:
            assert quote["sentence"] in texts[quote["seq"]] and quote["spelling"] in quote["sentence"]
            assert "枫桥经验" in fold_for_match(quote["spelling"])


def test_no_report_of_type_other_is_counted(client, web_archive):
    from indexer.index import literal
    from indexer.index.generation import LITERAL_DB, current_generation

    conn = literal.connect(Path(current_generation(web_archive.index_dir)) / LITERAL_DB)
    other = {rid for (rid,) in conn.execute("SELECT report_id FROM reports WHERE doc_type = '其他'")}
    assert other  # the shipped corpus has such reports (政府信息公开年报 …)
    for kind in ("practice", "slogan"):
        for practice in client.get("/api/practices", query_string={"kind": kind}).get_json()["practices"]:
            detail = client.get("/api/practice", query_string={"name": practice["name"]}).get_json()
            assert not {o["report_id"] for o in detail["lineage"]} & other, practice["name"]


def test_directory_has_no_noise(client):
    practices = client.get("/api/practices").get_json()["practices"]
    assert len(practices) >= 20  # the shipped corpus names dozens of practices
    for practice in practices:
        name = practice["name"]
        assert "《" not in name and name not in STOPWORDS, name
        assert not any(str(year) in name for year in range(2015, 2030)), name
    names = {p["name"] for p in practices}
    assert "信访不信法" not in names  # a problem quoted in the 不足 section
    assert DEFICIENCIES  # the rule's section name is the one the structure parser gives


def test_sort_filters_kinds_and_pages(client):
    everything = client.get("/api/practices").get_json()
    spread = [(p["townships"], p["reports"]) for p in everything["practices"]]
    assert spread == sorted(spread, reverse=True) and everything["count"] == len(everything["practices"])
    names = [p["name"] for p in client.get("/api/practices?sort=name").get_json()["practices"]]
    assert names == sorted(names)
    by_recent = client.get("/api/practices?sort=recent").get_json()["practices"]
    recent = [p["years"][-1] for p in by_recent if p["years"]]
    assert recent == sorted(recent, reverse=True)
    first = [p["first_year"] for p in client.get("/api/practices?sort=first").get_json()["practices"]]
    assert first == sorted(first)
    in_2023 = client.get("/api/practices?year=2023").get_json()
    assert 0 < in_2023["count"] < everything["count"]
    assert all(p["years"] == [2023] for p in in_2023["practices"])
    sichuan = client.get("/api/practices", query_string={"province": "四川省"}).get_json()
    assert sichuan["practices"] and all(p["provinces"] == ["四川省"] for p in sichuan["practices"])
    slogans = client.get("/api/practices?kind=slogan").get_json()
    assert slogans["other_count"] == everything["count"] and everything["other_count"] == slogans["count"]
    for bad in ("sort=bogus", "year=abc", "page=0", "kind=bogus"):
        assert client.get(f"/api/practices?{bad}").status_code == 400, bad
    assert client.get("/api/practices?page=999").get_json()["practices"] == []
    assert client.get("/api/practice?name=没有这个做法").status_code == 404


def test_csv_twins_are_the_json(client):
    data = client.get("/api/practices", query_string={"kind": "practice", "sort": "name"}).get_json()
    rows = csv_rows(client.get("/practices.csv", query_string={"kind": "practice", "sort": "name"}))
    assert [(r["name"], int(r["reports"]), int(r["townships"])) for r in rows] == [
        (p["name"], p["reports"], p["townships"]) for p in data["practices"]]
    assert all(r["kind"] == "practice" for r in rows)
    detail = client.get("/api/practice", query_string={"name": "一村一法律顾问"}).get_json()
    lineage = csv_rows(client.get("/practice.csv", query_string={"name": "一村一法律顾问"}))
    assert [(r["report_id"], r["first"] == "yes") for r in lineage] == [
        (o["report_id"], o["first"]) for o in detail["lineage"]]
    assert client.get("/practice.csv", query_string={"name": "没有这个做法"}).status_code == 404
    assert client.get("/practices.csv", query_string={"sort": "bogus"}).status_code == 400


def test_directory_page_links_search_passages_and_spread(client):
    response = client.get("/practices?year=2023")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("select[name=year] option[selected]")["value"] == "2023"
    row = next(r for r in page.select(".practices-table tbody tr") if r.th.a.get_text() == "一村一法律顾问")
    assert "一村(社区)一顾问" in row.select_one(".spellings").get_text()
    links = {a.get_text(): a["href"] for a in row.select(".links a")}
    assert set(links) == {"检索", "段落", "分布"}
    search = client.get(links["检索"].replace("/search?", "/api/search?")).get_json()
    assert search["reports"] >= 2  # every spelling is searched
    passages = soup(client.get(links["段落"]))
    quotes = passages.select(".lineage-quote")
    assert quotes and all("#p-" in q.select_one("footer a")["href"] for q in quotes)
    assert client.get(links["分布"]).status_code == 200
    assert soup(client.get("/practices?sort=x")).select_one(".alert") is not None
    slogans = soup(client.get("/practices?kind=slogan"))
    assert "四个意识" in slogans.select_one(".practices-table").get_text()


def test_user_text_in_the_directory_is_escaped(client):
    response = client.get("/practices", query_string={"province": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in response.get_data(as_text=True)


# --- spread of a query, as shares ---------------------------------------------------------------

def _rule_of_law_reports(client, **filters) -> dict[object, int]:
    """Reports per year of the archive (a listing), less those of type 其他."""
    listing = client.get("/api/search", query_string={**filters, "per_page": 100}).get_json()
    other = client.get("/api/search", query_string={**filters, "type": "其他", "per_page": 100}).get_json()
    counts = {year: reports for year, reports, _passages in listing["facets"]["year"]}
    for year, reports, _passages in other["facets"]["year"]:
        counts[year] -= reports
    return counts


def test_spread_shares_are_exact(client):
    spread = client.get("/api/spread", query_string={"q": "枫桥经验"}).get_json()
    search = client.get("/api/search", query_string={"q": "枫桥经验", "per_page": 100}).get_json()
    matching = [g for g in search["groups"]
                if client.get(f"/api/reports/{g['report_id']}").get_json()["doc_type"] != "其他"]
    assert spread["reports"] == len(matching) >= 3
    everything = _rule_of_law_reports(client, year="")
    assert spread["all_reports"] == sum(everything.values())
    assert {y["year"]: y["all_reports"] for y in spread["years"]} == {
        year: n for year, n in everything.items() if n}
    by_year = {}
    for group in matching:
        by_year[group["year"]] = by_year.get(group["year"], 0) + 1
    assert {y["year"]: y["reports"] for y in spread["years"] if y["reports"]} == by_year
    for entry in [spread, *spread["years"], *spread["provinces"]]:
        assert entry["share"] == round(entry["reports"] / entry["all_reports"], 4)
    for province in spread["provinces"]:  # the counties of a province add up to it (names are unique here)
        assert sum(c["reports"] for c in province["counties"]) == province["reports"], province
        assert province["all_reports"] >= province["reports"] > 0


def test_spread_csv_is_the_json_table(client):
    spread = client.get("/api/spread", query_string={"q": "枫桥经验"}).get_json()
    rows = csv_rows(client.get("/spread.csv", query_string={"q": "枫桥经验"}))
    years = [(r["year"], int(r["reports"]), int(r["all_reports"]), float(r["share"]), int(r["townships"]))
             for r in rows if r["level"] == "year"]
    assert years == [(y["label"], y["reports"], y["all_reports"], y["share"], y["townships"])
                     for y in spread["years"]]
    counties = {r["county"]: (int(r["reports"]), int(r["all_reports"]))
                for r in rows if r["level"] == "county"}
    assert counties == {c["county"]: (c["reports"], c["all_reports"]) for p in spread["provinces"]
                        for c in p["counties"]}
    assert client.get("/spread.csv").status_code == 400  # nothing asked
    assert client.get("/api/spread", query_string={"q": '"unclosed'}).status_code in (200, 400)


def test_spread_page_charts_shares(client):
    page = soup(client.get("/spread", query_string={"q": "枫桥经验"}))
    charts = page.select("svg.spread-chart")
    assert len(charts) == 3 and "占比" in charts[0]["aria-label"]
    for chart in charts:  # nothing the CSP (no inline style or script) would block
        assert not chart.select("style, script") and not chart.select("[style]")
    bars = charts[0].select("a[href]")
    labels = [bar["aria-label"] for bar in bars]
    assert all(" / " in label and "%" in label for label in labels)


def test_search_page_charts_link_each_bar_to_its_filter(client):
    page = soup(client.get("/search", query_string={"q": "枫桥经验"}))
    section = page.select_one("#spread")
    charts = section.select("svg.spread-chart")
    assert len(charts) == 3
    for chart in charts:  # nothing the CSP (no inline style or script) would block
        assert not chart.select("style, script") and not chart.select("[style]")
        assert chart.get("aria-label")
    bars = charts[0].select("a[href]")
    assert [bar["aria-label"].split("：")[0] for bar in bars] == ["2023", "2024", "2025"]
    for bar in bars:  # clicking a bar filters: its search finds exactly the reports the bar counts
        reports = int(bar["aria-label"].split("：")[1].split(" ")[0])
        args = dict(pair.split("=") for pair in bar["href"].split("?")[1].split("&"))
        assert "year" in args
        target = client.get(bar["href"].replace("/search?", "/api/search?")).get_json()
        assert target["reports"] == reports
    assert section.select(".spread-table tbody tr")  # the table beside the charts
    assert section.select_one("a[href^='/spread']")  # and the shares, on the spread page
    assert soup(client.get("/search")).select_one("#spread") is None  # browsing: no query, no chart


@pytest.mark.slow  # builds a web archive of its own, to change it
def test_incremental_ingest_shows_in_directory(tmp_path, client_for):
    from archive.store.ingest import ingest_paths
    from indexer.index.build import update
    from tests.support.archives import sessions_of

    config = build_instance(tmp_path / "home")
    client = client_for(config)
    before = client.get("/api/practice", query_string={"name": "院坝调解法"})
    assert before.status_code == 404
    new = tmp_path / "新增镇2024年法治政府建设情况报告.txt"
    new.write_text("重庆市垫江县新增镇人民政府\n关于新增镇2024年法治政府建设情况的报告\n\n"
                   "一、主要举措和成效\n总结推广院坝调解法，全年化解纠纷30件。\n", encoding="utf-8")
    summary = ingest_paths(sessions_of(config), [Path(new)], workers=1)
    update(config, sessions_of(config), summary.changed_ids, summary.removed_ids)
    after = client.get("/api/practice", query_string={"name": "院坝调解法"}).get_json()
    assert after["reports"] == 1 and after["lineage"][0]["year"] == 2024 and after["lineage"][0]["first"]
