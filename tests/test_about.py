"""What the archive holds (``/about``, ``/api/about``, the home page's summary) against the search.

The inventory is counted in the store; the search counts the same reports in the index, so each
number is checked against the browse listing's facets or by following its link, never written
down. Sources and retrieval dates are checked on reports ingested with sidecars made for it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from flask import Flask

from archive.fields import UNKNOWN_PLACE, UNKNOWN_YEAR
from tests.support.archives import open_archive
from tests.support.paths import SHIPPED_DIR


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def facet(browse: dict, name: str) -> dict[object, int]:
    return {value: reports for value, reports, _p in browse["facets"][name]}


def test_the_counts_are_the_browse_listings(app: Flask) -> None:
    client = app.test_client()
    about = client.get("/api/about").get_json()
    browse = client.get("/api/search").get_json()
    assert about["reports"] == browse["reports"] >= 40
    provinces = {row["province"] or UNKNOWN_PLACE: row["reports"] for row in about["by_province_year"]}
    assert provinces == facet(browse, "province")
    years: dict[object, int] = {}
    for row in about["by_province_year"]:
        assert sum(cell["reports"] for cell in row["years"]) == row["reports"]
        for cell in row["years"]:
            key = cell["year"] if cell["year"] is not None else UNKNOWN_YEAR
            years[key] = years.get(key, 0) + cell["reports"]
    assert years == facet(browse, "year")
    assert {t["doc_type"]: t["reports"] for t in about["doc_types"]} == facet(browse, "doc_type")
    assert about["townships"] == len([v for v in facet(browse, "township") if v != UNKNOWN_PLACE])
    # every shipped report has a sidecar saying where it came from
    assert sum(s["reports"] for s in about["sources"]) + about["other_sources"] == about["reports"]
    assert about["without_source"] == 0 and about["ingested"]["first"]


def test_every_number_of_the_table_links_to_that_many_reports(app: Flask) -> None:
    client = app.test_client()
    table = soup(client.get("/about")).select_one("table.place-year")
    links = table.select("td a")
    assert len(links) > 20
    for link in links:
        args = {k: v[0] for k, v in parse_qs(urlsplit(link["href"]).query).items()}
        listed = client.get("/api/search", query_string=args).get_json()["reports"]
        assert listed == int(link.get_text()), args


def test_the_about_page_says_what_an_excerpt_is_how_to_cite_and_the_licence(app: Flask) -> None:
    page = soup(app.test_client().get("/about"))
    headings = [h.get_text() for h in page.select("h2")]
    assert headings == ["收录了什么", "来源与取回时间", "节选与摘录", "如何引用", "数据许可"]
    text = page.get_text()
    assert "GB/T 7714" in text and "著作权法" in text and "节选" in text
    assert page.select_one("link[rel=alternate]")["href"] == "/api/about"


def test_the_home_page_says_what_is_inside(app: Flask) -> None:
    client = app.test_client()
    home = soup(client.get("/"))
    summary = home.select_one("section.about-home")
    assert summary is not None and summary.select_one("table.place-year")
    assert summary.select_one("a[href='/about']")
    about = client.get("/api/about").get_json()
    assert summary.select_one(".about-lead strong").get_text() == str(about["reports"])
    for url in ("/search?q=枫桥经验", "/search?year=2024", "/?page=2"):
        assert soup(client.get(url)).select_one("section.about-home") is None, url
    assert soup(client.get("/")).select_one(".site-nav a[href='/about']")


def test_sources_and_retrieval_dates_come_from_the_sidecars(tmp_path: Path, make_archive, client_for) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    shipped = sorted(SHIPPED_DIR.glob("*.txt"))[:3]
    sidecars = [{"source": "某县政府网站（节选）", "url": "https://www.example.gov.cn/a/1.html",
                 "retrieved": "2025-03-01"},
                {"source": "某县政府网站（节选）", "url": "https://www.example.gov.cn/a/2.html",
                 "retrieved": "2025-04-02T10:00:00+08:00"},
                None]
    for source, sidecar in zip(shipped, sidecars, strict=True):
        shutil.copy(source, folder / source.name)
        if sidecar:
            (folder / f"{source.name}.meta.json").write_text(json.dumps(sidecar, ensure_ascii=False), "utf-8")
    config = make_archive(sorted(folder.glob("*.txt")))
    client = client_for(config)
    about = client.get("/api/about").get_json()
    assert about["sources"] == [{"source": "某县政府网站（节选）", "reports": 2}]
    assert about["without_source"] == 1 and about["other_sources"] == 0
    assert about["hosts"] == [{"host": "www.example.gov.cn", "reports": 2, "first_retrieved": "2025-03-01",
                               "last_retrieved": "2025-04-02"}]
    page = soup(client.get("/about"))
    assert "www.example.gov.cn" in page.select_one("#about-sources").find_parent("section").get_text()

    # a change of the store is counted at once: one more report
    more = tmp_path / "more"
    more.mkdir()
    extra = sorted(SHIPPED_DIR.glob("*.txt"))[5]
    shutil.copy(extra, more / extra.name)
    open_archive(config).ingest([more], workers=1)
    assert client.get("/api/about").get_json()["reports"] == 4
