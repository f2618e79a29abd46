"""Issue 10 §3–6 through the Flask test client: facets, filter-only listings, forgiving fields
and no-hit help, on the shipped + dev corpora plus one report whose year and place are unknown.

Every expectation is computed from another route or from the store, never written down from a
run: a facet count is checked by following its link, a suggestion by running it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from archive.config import ArchiveConfig
from indexer import suggest
from indexer.query import FIELD_SPECS, UNKNOWN_PLACE, UNKNOWN_YEAR
from indexer.service import SearchService
from tests.conftest import corpus_files, make_config, sessions_of
from web import create_app

YEARLESS_TITLE = "关于法治政府建设工作情况的报告"
YEARLESS_TEXT = f"""{YEARLESS_TITLE}

我们坚持依法行政，推进枫桥经验，化解矛盾纠纷。

一、主要举措和成效

开展法律明白人培训，完善调解机制。
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """The real corpora plus a report with no year and no place, ingested and indexed."""
    from archive.ingest import ingest_paths
    from indexer.build import rebuild

    home = tmp_path_factory.mktemp("searchweb")
    yearless = home / "extra" / "无年份无地区.txt"
    yearless.parent.mkdir()
    yearless.write_text(YEARLESS_TEXT, encoding="utf-8")
    config = make_config(home)
    summary = ingest_paths(sessions_of(config), [*corpus_files(), yearless], workers=1)
    assert not summary.failures, summary.failures
    rebuild(config, sessions_of(config))
    return config


@pytest.fixture(scope="module")
def app(config: ArchiveConfig) -> Flask:
    return create_app({"TESTING": True, "ARCHIVE_CONFIG": config, "SEARCH_PER_PAGE": 100})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def api(client: FlaskClient, **args: str) -> dict:
    response = client.get("/api/search", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def ids(data: dict) -> set[str]:
    return {group["report_id"] for group in data["groups"]}


@pytest.fixture(scope="module")
def everything(app: Flask) -> dict:
    """The browse listing (from the store): every report with its metadata."""
    data = app.test_client().get("/api/search").get_json()
    assert data["mode"] == "browse" and data["reports"] == len(data["groups"])
    return data


# --- §3 facets ----------------------------------------------------------------------------------

def test_facet_entries_count_reports_and_their_links_list_that_many(client: FlaskClient) -> None:
    """"矛盾纠纷: year 2022 shows 7, two reports match": the number shown is now the number of
    reports the link lists, labelled 份报告, with the passages second."""
    soup = page(client, "/search?q=矛盾纠纷")
    entries = soup.select("aside.facets .facet li a")
    assert entries
    for link in entries:
        label = link.select_one(".fc").get_text(" ", strip=True)
        counts = re.fullmatch(r"(\d+) 份报告 · (\d+) 段", label)
        assert counts, label
        reports, passages = int(counts[1]), int(counts[2])
        args = {name: values[0] for name, values in parse_qs(urlsplit(link["href"]).query).items()}
        followed = api(client, **args)
        assert (followed["reports"], followed["total"]) == (reports, passages), link["href"]


def test_years_newest_first_and_search_agrees_with_browse(client: FlaskClient, everything: dict) -> None:
    """Browse counts from the store, search from the index: same values, same order, same report
    counts (``-不存在的词`` matches every passage, so every report)."""
    searched = api(client, q="-不存在的词")
    assert searched["reports"] == everything["reports"]
    for name in ("year", "province", "county", "township", "doc_type"):
        browse_rows = [(value, reports) for value, reports, _p in everything["facets"][name]]
        search_rows = [(value, reports) for value, reports, _p in searched["facets"][name]]
        assert browse_rows == search_rows, name
    years = [value for value, _r, _p in everything["facets"]["year"]]
    assert years[-1] == UNKNOWN_YEAR
    assert years[:-1] == sorted(years[:-1], reverse=True)
    year_facet = page(client, "/").select("aside.facets .facet")[0]
    shown = [a.select_one(".fv").get_text() for a in year_facet.select("a")]
    assert shown == [str(year) for year in years[:len(shown)]]


@pytest.mark.parametrize(("field", "label", "column"), [("year", UNKNOWN_YEAR, "year"),
                                                         ("county", UNKNOWN_PLACE, "county"),
                                                         ("province", UNKNOWN_PLACE, "province")])
def test_unknown_year_and_place_are_selectable(client: FlaskClient, everything: dict, field: str, label: str,
                                               column: str) -> None:
    unknown = {g["report_id"] for g in everything["groups"] if not g[column]}
    assert unknown, f"the fixture has a report without {column}"
    link = next(a for a in page(client, "/").select("aside.facets .facet li a")
                if a.select_one(".fv").get_text() == label and f"{field}=" in a["href"])
    assert ids(page_json(client, link["href"])) == unknown
    assert ids(api(client, q=f"{field}:{label}")) == unknown
    assert ids(api(client, **{field: label})) == unknown


def page_json(client: FlaskClient, href: str) -> dict:
    """The JSON twin of a page link."""
    return api(client, **{k: v[0] for k, v in parse_qs(urlsplit(href).query).items()})


# --- §4 filter-only queries -----------------------------------------------------------------------

@pytest.mark.parametrize(("args", "doc_types"), [({"q": "year:2024"}, None), ({"year": "2024"}, None),
                                                ({"q": "年份：2024 type:年度报告"}, {"年度报告"})])
def test_filters_alone_list_reports_not_pseudo_hits(client: FlaskClient, everything: dict, args: dict,
                                                    doc_types: set[str] | None) -> None:
    """``year:2024`` alone used to show ¶1 of every report with nothing marked and "另有 34 处匹配"."""
    expected = {g["report_id"] for g in everything["groups"]
                if g["year"] == 2024 and (doc_types is None or g["doc_type"] in doc_types)}
    assert expected
    data = api(client, **args)
    assert data["mode"] == "list" and ids(data) == expected
    assert all(g["hits"] == [] and g["more"] == 0 and g["passages"] > 0 for g in data["groups"])
    soup = page(client, "/search?" + urlencode(args))
    assert "符合筛选条件的报告" in soup.select_one("#results-heading").get_text()
    assert len(soup.select(".group")) == len(expected)
    assert not soup.select(".hit") and "另有" not in soup.get_text()


# --- §5 forgiving, explained fields ----------------------------------------------------------------

@pytest.mark.parametrize(("short", "full"), [
    ("county:潢川", "county:潢川县"), ("township:坪山", "township:坪山镇"), ("县：潢川", "county:潢川县"),
    ("year:2024年", "year:2024"), ("year:2022年..2024年度", "year:2022..2024"),
])
def test_short_forms_find_what_the_full_form_finds(client: FlaskClient, short: str, full: str) -> None:
    expected = api(client, q=f"法治 {full}")
    assert expected["reports"] > 0
    data = api(client, q=f"法治 {short}")
    assert ids(data) == ids(expected) and data["total"] == expected["total"]


def test_resolution_is_said_on_the_page(client: FlaskClient) -> None:
    note = page(client, "/search?q=法治+county:潢川").select_one(".notes").get_text()
    assert "潢川县" in note and "county:潢川" in note
    assert "坪山镇" in " ".join(api(client, township="坪山")["notes"])


def test_a_place_not_in_the_index_says_so_with_real_examples(client: FlaskClient, everything: dict) -> None:
    data = api(client, q="法治 county:不存在县")
    assert data["reports"] == 0
    counties = {g["county"] for g in everything["groups"] if g["county"]}
    (note,) = data["notes"]
    assert "不存在县" in note and any(f"county:{name}" in note for name in counties)


@pytest.mark.parametrize("url", ["/search?year=abcd", "/?year=abcd", "/search?q=法治&year=20x4"])
def test_bad_url_parameters_are_explained(client: FlaskClient, url: str) -> None:
    alert = page(client, url, status=400).select_one(".alert").get_text()
    assert "看不懂" in alert and "year:2023" in alert
    assert client.get("/api" + url.replace("/?", "/search?")).status_code == 400


@pytest.mark.parametrize("spec", FIELD_SPECS, ids=[spec.name for spec in FIELD_SPECS])
def test_every_field_error_suggests_an_example_of_that_field(client: FlaskClient, spec) -> None:
    for written in (spec.name, spec.aliases[0]):
        message = client.get("/api/search", query_string={"q": f"{written}:"}).get_json()["error"]
        assert f"{written}:{spec.example}" in message
        others = [other.example for other in FIELD_SPECS if other.example != spec.example]
        assert not any(f":{example}" in message for example in others), message
        # the example works: it is no error
        assert client.get("/api/search", query_string={"q": f"{written}:{spec.example}"}).status_code == 200


def test_syntax_help_lists_the_chinese_field_names(client: FlaskClient) -> None:
    help_text = page(client, "/").select_one(".syntax-help").get_text()
    for spec in FIELD_SPECS:
        for alias in spec.aliases:
            assert f"{alias}：{spec.example}" in help_text
            works = client.get("/api/search", query_string={"q": f"{alias}：{spec.example}"})
            assert works.status_code == 200


def test_notes_echo_user_text_escaped(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "法治 county:<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


# --- §6 no-hit help ------------------------------------------------------------------------------

@pytest.mark.parametrize("typo", ["枫桥精验", "峰桥经验", "依法行正"])
def test_did_you_mean_links_to_a_search_that_finds(client: FlaskClient, typo: str) -> None:
    meant = {"枫桥精验": "枫桥经验", "峰桥经验": "枫桥经验", "依法行正": "依法行政"}[typo]
    soup = page(client, f"/search?q={typo}")
    assert "0 份报告中的 0 段" in " ".join(soup.select_one("#results-heading").get_text().split())
    link = soup.select_one(".did-you-mean a")
    assert link.get_text() == meant
    assert not soup.select("aside.facets") and soup.select(".tips li")
    corrected = page(client, link["href"])
    marks = {mark.get_text() for mark in corrected.select(".snippet mark")}
    assert marks == {meant}
    data = api(client, q=typo)
    assert data["suggestions"][0]["query"] == meant
    assert data["suggestions"][0]["reports"] == api(client, q=meant)["reports"] > 0


def test_suggestion_keeps_filters_and_the_rest_of_the_query(client: FlaskClient) -> None:
    data = api(client, q='"峰桥经验" year:2024')
    assert data["suggestions"] and data["suggestions"][0]["query"] == '"枫桥经验" year:2024'
    soup = page(client, "/search?q=峰桥经验&year=2024")
    args = parse_qs(urlsplit(soup.select_one(".did-you-mean a")["href"]).query)
    assert args == {"q": ["枫桥经验"], "year": ["2024"]}


def test_no_suggestion_when_the_words_exist_but_filters_exclude_them(client: FlaskClient) -> None:
    data = api(client, q="枫桥经验 year:1990")
    assert data["total"] == 0 and data["suggestions"] == []
    soup = page(client, "/search?q=枫桥经验&year=1990")
    assert "去掉筛选条件" in soup.select_one(".tips").get_text() and not soup.select("aside.facets")


def test_vocabulary_is_built_once_and_only_for_searches_that_find_nothing(config, monkeypatch) -> None:
    service = SearchService(config)
    built: list[int] = []
    original = suggest.Suggester.from_reader.__func__  # type: ignore[attr-defined]

    def counting(cls, reader, fieldname="text"):
        built.append(1)
        return original(cls, reader, fieldname)

    monkeypatch.setattr(suggest.Suggester, "from_reader", classmethod(counting))
    assert service.search("枫桥经验").total and not built
    for typo in ("枫桥精验", "峰桥经验", "枫桥精验"):
        assert service.search(typo).suggestions
    assert len(built) == 1


def test_suggestions_are_exact_searches(config) -> None:
    """What a suggestion promises is what running it returns (no approximate matching)."""
    service = SearchService(config)
    (suggestion, *_rest) = service.search("峰桥经验").suggestions
    run = service.search(suggestion.query)
    assert (run.reports, run.total) == (suggestion.reports, suggestion.total)
    assert set(service.passage_ids(suggestion.query)) == set(service.passage_ids("枫桥经验"))


def test_yearless_report_is_in_the_corpus(everything: dict) -> None:
    assert any(g["title"] == YEARLESS_TITLE and g["year"] is None for g in everything["groups"])


def test_csv_export_resolves_short_names_like_the_page(client: FlaskClient) -> None:
    short = client.get("/search.csv", query_string={"q": "法治 county:潢川"}).get_data(as_text=True)
    full = client.get("/search.csv", query_string={"q": "法治 county:潢川县"}).get_data(as_text=True)
    assert short == full and len(short.splitlines()) > 1


def test_cli_listing_shows_notes_and_suggestions(config) -> None:
    from fazhi.cli import format_listing

    service = SearchService(config)
    assert "潢川县" in format_listing(service.search("county:潢川"))
    assert "您是不是要找：枫桥经验" in format_listing(service.search("枫桥精验"))


def test_an_incremental_update_refreshes_place_names(tmp_path: Path) -> None:
    """The cached place names follow the index: a county added by ``update`` resolves from its
    short name without a new generation or a restart (``PRAGMA data_version`` changed)."""
    from archive.ingest import ingest_paths
    from indexer.build import rebuild, update

    config = make_config(tmp_path)
    files = corpus_files()
    ingest_paths(sessions_of(config), files[:3], workers=1)
    rebuild(config, sessions_of(config))
    service = SearchService(config)

    def counties() -> set[str]:
        return {value for value, _r, _p in service.search("-不存在的词").facets["county"]} - {UNKNOWN_PLACE}

    before = counties()  # also fills the service's cache of place names
    summary = ingest_paths(sessions_of(config), files[3:], workers=1)
    update(config, sessions_of(config), summary.changed_ids, summary.removed_ids)
    added = sorted(name for name in counties() - before if len(name) > 2)
    assert added
    result = service.search(f"county:{added[0][:-1]}")
    assert result.reports >= 1 and added[0] in result.notes[0]
