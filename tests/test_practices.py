"""The practices directory and a query's spread (issue 13 §4–5) on the shipped corpus.

What must hold: the names extracted are practices (quoted or called 工作法/机制…), not law
titles, plain words, document titles or admitted problems; each count is of real reports whose
cited paragraphs really name it; the filters and sorts do what they say; the spread's numbers
are the search's own (facets) and its bars link to searches that find exactly that many
reports; the charts carry nothing the CSP forbids; an incremental ingest shows at once.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from archive.normalize import fold_for_match
from indexer.practices import DEFICIENCIES, STOPWORDS, names_in
from tests.web_fixtures import build_instance
from web import create_app


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return build_instance(tmp_path_factory.mktemp("practices"))


@pytest.fixture(scope="module")
def app(config):
    return create_app({"TESTING": True, "ARCHIVE_CONFIG": config, "TODAY": date(2025, 3, 8)})


@pytest.fixture()
def client(app):
    return app.test_client()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def paragraphs(sections: list[dict]):
    """(seq, text) of every paragraph in a report's section tree (``/api/reports/<id>``)."""
    for section in sections:
        yield from ((p["seq"], p["text"]) for p in section["passages"])
        yield from paragraphs(section["children"])


# --- extraction rules ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("坚持和发展新时代“枫桥经验”，化解纠纷", [("枫桥经验", True)]),
    ('推行"一村一法律顾问"制度', [("一村一法律顾问", False)]),
    ("建立“1+2+5”大调解工作机制", []),  # no two Chinese characters: a figure, not a name
    ("建立企业“法治体检”机制", [("法治体检", True)]),
    ("按照「四议两公开」工作法办理", [("四议两公开", True)]),
    ("学习《中华人民共和国行政处罚法》和“八五”普法规划", []),  # a law title, a plan's number
    ("抓住“关键少数”和“一把手”", []),  # plain vocabulary
    ("“六进”活动", []),  # two characters without a practice word
    ("“法律”机制", [("法律", True)]),  # … with one
    ("印发“2023年法治上城建设工作要点”", []),  # a document's title
    ("总结推广院坝调解法，成效明显", [("院坝调解法", True)]),
])
def test_names_in_keeps_practices_and_drops_noise(text, expected):
    assert names_in(text) == expected


# --- the directory on the shipped corpus --------------------------------------------------------

def test_directory_lists_fengqiao_with_real_counts(client):
    data = client.get("/api/practices").get_json()
    names = {p["name"]: p for p in data["practices"]}
    fengqiao = names["枫桥经验"]
    assert fengqiao["townships"] >= 4 and fengqiao["reports"] >= fengqiao["townships"]
    assert fengqiao["named"] and len(fengqiao["provinces"]) >= 4
    detail = client.get("/api/practice", query_string={"name": "枫桥经验"}).get_json()
    assert len(detail["occurrences"]) == fengqiao["reports"]
    assert sum(len(o["seqs"]) for o in detail["occurrences"]) == fengqiao["passages"]
    places = {(o["province"], o["county"], o["township"]) for o in detail["occurrences"]}
    assert len(places) == fengqiao["townships"]
    for occurrence in detail["occurrences"]:  # every ¶ cited really names it, in the report of that place
        report = client.get(f"/api/reports/{occurrence['report_id']}").get_json()
        assert (report["province"], report["county"], report["year"]) == (
            occurrence["province"], occurrence["county"], occurrence["year"])
        texts = dict(paragraphs(report["sections"]))
        assert all("枫桥经验" in fold_for_match(texts[seq]) for seq in occurrence["seqs"])


def test_directory_has_no_noise(client):
    practices = client.get("/api/practices").get_json()["practices"]
    assert len(practices) >= 30  # the shipped corpus quotes dozens of practices
    for practice in practices:
        name = practice["name"]
        assert "《" not in name and name not in STOPWORDS, name
        assert not any(str(year) in name for year in range(2015, 2030)), name
    # a problem quoted in the 不足 section is not a practice
    names = {p["name"] for p in practices}
    assert "信访不信法" not in names
    assert DEFICIENCIES  # the rule's section name is the one the structure parser gives


def test_spread_sort_filters_and_pages(client):
    everything = client.get("/api/practices").get_json()
    spread = [(p["townships"], p["reports"]) for p in everything["practices"]]
    assert spread == sorted(spread, reverse=True) and everything["count"] == len(everything["practices"])
    names = [p["name"] for p in client.get("/api/practices?sort=name").get_json()["practices"]]
    assert names == sorted(names)
    by_recent = client.get("/api/practices?sort=recent").get_json()["practices"]
    recent = [p["years"][-1] for p in by_recent if p["years"]]
    assert recent == sorted(recent, reverse=True)
    in_2023 = client.get("/api/practices?year=2023").get_json()
    assert 0 < in_2023["count"] < everything["count"]
    assert all(p["years"] == [2023] for p in in_2023["practices"])
    sichuan = client.get("/api/practices", query_string={"province": "四川省"}).get_json()
    assert sichuan["practices"] and all(p["provinces"] == ["四川省"] for p in sichuan["practices"])
    assert client.get("/api/practices?sort=bogus").status_code == 400
    assert client.get("/api/practices?year=abc").status_code == 400
    assert client.get("/api/practices?page=0").status_code == 400
    assert client.get("/api/practices?page=999").get_json()["practices"] == []
    assert client.get("/api/practice?name=没有这个做法").status_code == 404


def test_directory_page_links_search_passages_and_spread(client):
    response = client.get("/practices?year=2023")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("select[name=year] option[selected]")["value"] == "2023"
    row = next(r for r in page.select(".practices-table tbody tr") if r.th.a.get_text() == "枫桥经验")
    links = {a.get_text(): a["href"] for a in row.select(".links a")}
    assert set(links) == {"检索", "段落", "分布"}
    search = client.get(links["检索"])
    assert search.status_code == 200 and "枫桥经验" in soup(search).select_one("#q")["value"]
    passages = soup(client.get(links["段落"]))
    paragraph_links = [a["href"] for a in passages.select(".data-table a")]
    assert paragraph_links and all("#p-" in href for href in paragraph_links)
    assert client.get(links["分布"]).status_code == 200
    assert soup(client.get("/practices?sort=x")).select_one(".alert") is not None


def test_user_text_in_the_directory_is_escaped(client):
    response = client.get("/practices", query_string={"province": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in response.get_data(as_text=True)


# --- spread of a query --------------------------------------------------------------------------

def test_spread_numbers_are_the_search_facets(client):
    search = client.get("/api/search", query_string={"q": "枫桥经验"}).get_json()
    spread = client.get("/api/spread", query_string={"q": "枫桥经验"}).get_json()
    assert spread["reports"] == search["reports"] >= 4
    by_year = {entry[0]: entry[1] for entry in search["facets"]["year"]}
    assert {y["year"]: y["reports"] for y in spread["years"]} == by_year
    assert [y["year"] for y in spread["years"]] == sorted(by_year)  # chronological: 2023, 2024, 2025
    assert sum(y["reports"] for y in spread["years"]) == spread["reports"]
    by_province = {entry[0]: entry[1] for entry in search["facets"]["province"]}
    assert {p["province"]: p["reports"] for p in spread["provinces"]} == by_province
    for province in spread["provinces"]:  # the counties of a province add up to it (names are unique here)
        assert sum(c["reports"] for c in province["counties"]) == province["reports"], province
    for year in spread["years"]:  # townships per year: the distinct townships of that year's reports
        filtered = client.get("/api/search", query_string={"q": "枫桥经验", "year": year["year"],
                                                             "per_page": 100}).get_json()
        assert year["townships"] == len(filtered["facets"]["township"]) == len(
            {(g["county"], g["township"]) for g in filtered["groups"]})


def test_spread_csv_is_the_json_table(client):
    spread = client.get("/api/spread", query_string={"q": "枫桥经验"}).get_json()
    response = client.get("/spread.csv", query_string={"q": "枫桥经验"})
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    years = [(r["year"], int(r["reports"]), int(r["townships"])) for r in rows if r["level"] == "year"]
    assert years == [(y["label"], y["reports"], y["townships"]) for y in spread["years"]]
    counties = {r["county"]: int(r["reports"]) for r in rows if r["level"] == "county"}
    assert counties == {c["county"]: c["reports"] for p in spread["provinces"] for c in p["counties"]}
    assert client.get("/spread.csv").status_code == 400  # nothing asked
    assert client.get("/api/spread", query_string={"q": '"unclosed'}).status_code in (200, 400)


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
    assert soup(client.get("/search")).select_one("#spread") is None  # browsing: no query, no chart


def test_incremental_ingest_shows_in_directory(tmp_path):
    from archive.ingest import ingest_paths
    from indexer.build import update
    from tests.conftest import sessions_of

    config = build_instance(tmp_path / "home")
    client = create_app({"TESTING": True, "ARCHIVE_CONFIG": config}).test_client()
    before = client.get("/api/practice", query_string={"name": "院坝调解法"})
    assert before.status_code == 404
    new = tmp_path / "新增镇2024年法治政府建设情况报告.txt"
    new.write_text("重庆市垫江县新增镇人民政府\n关于新增镇2024年法治政府建设情况的报告\n\n"
                   "一、主要举措和成效\n总结推广院坝调解法，全年化解纠纷30件。\n", encoding="utf-8")
    summary = ingest_paths(sessions_of(config), [Path(new)], workers=1)
    update(config, sessions_of(config), summary.changed_ids, summary.removed_ids)
    after = client.get("/api/practice", query_string={"name": "院坝调解法"}).get_json()
    assert after["reports"] == 1 and after["occurrences"][0]["year"] == 2024
