"""Search through the Flask test client: facets, filter-only listings, forgiving fields
and no-hit help, on the shipped + dev corpora plus one report whose year and place are unknown.

Every expectation is computed from another route or from the store, never written down from a
run: a facet count is checked by following its link, a suggestion by running it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from archive.config import ArchiveConfig
from archive.fields import UNKNOWN_PLACE, UNKNOWN_YEAR
from indexer.analysis.query_lexer import FIELD_SPECS
from indexer.results import suggest
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.paths import corpus_files

YEARLESS_TITLE = "关于法治政府建设工作情况的报告"
YEARLESS_TEXT = f"""{YEARLESS_TITLE}

我们坚持依法行政，推进枫桥经验，化解矛盾纠纷。

一、主要举措和成效

开展法律明白人培训，完善调解机制。
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """The real corpora plus a report with no year and no place, ingested and indexed."""
    from archive.store.ingest import ingest_paths
    from indexer.index.build import rebuild

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
def app(config: ArchiveConfig, app_for) -> Flask:
    return app_for(config, SEARCH_PER_PAGE=100)


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

def boxes(soup: BeautifulSoup) -> list:
    """The filter panel's checkboxes."""
    return soup.select("aside.facets form[data-facet-form] .facet li input[type=checkbox]")


def submitted(box, ticked: bool = True) -> list[tuple[str, str]]:
    """The panel's form as the browser submits it with ``box`` ticked (or unticked)."""
    form = box.find_parent("form")
    pairs = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    pairs += [(i["name"], i["value"]) for i in boxes(form) if i is not box and i.has_attr("checked")]
    return [*pairs, (box["name"], box["value"])] if ticked else pairs


def test_facet_entries_count_reports_and_their_boxes_select_that_many(client: FlaskClient) -> None:
    """"矛盾纠纷: year 2022 shows 7, two reports match": the number shown is the number of
    reports ticking the box lists, labelled 份报告, with the passages second."""
    soup = page(client, "/search?q=矛盾纠纷")
    found = boxes(soup)
    assert found
    for box in found:
        label = box.find_parent("label").select_one(".fc").get_text(" ", strip=True)
        counts = re.fullmatch(r"(\d+) 份报告 · (\d+) 段", label)
        assert counts, label
        reports, passages = int(counts[1]), int(counts[2])
        followed = client.get("/api/search?" + urlencode(submitted(box))).get_json()
        assert (followed["reports"], followed["total"]) == (reports, passages), (box["name"], box["value"])


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
    shown = [label.get_text() for label in year_facet.select(".fv")]
    assert shown == [str(year) for year in years[:len(shown)]]


@pytest.mark.parametrize(("field", "label", "column"), [("year", UNKNOWN_YEAR, "year"),
                                                         ("county", UNKNOWN_PLACE, "county"),
                                                         ("province", UNKNOWN_PLACE, "province")])
def test_unknown_year_and_place_are_selectable(client: FlaskClient, everything: dict, field: str, label: str,
                                               column: str) -> None:
    unknown = {g["report_id"] for g in everything["groups"] if not g[column]}
    assert unknown, f"the fixture has a report without {column}"
    box = next(box for box in boxes(page(client, "/")) if (box["name"], box["value"]) == (field, label))
    assert ids(client.get("/api/search?" + urlencode(submitted(box))).get_json()) == unknown
    assert ids(api(client, q=f"{field}:{label}")) == unknown
    assert ids(api(client, **{field: label})) == unknown


# --- several values per filter: any of them; different filters: all -----------------------------

def api_args(client: FlaskClient, args: dict[str, str | list[str]], path: str = "/api/search") -> dict:
    response = client.get(path, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def two_values(client: FlaskClient, q: str, field: str) -> list[str]:
    """The two values of ``field`` with the most reports among the results of ``q``."""
    name = next(spec.column for spec in FIELD_SPECS if spec.name == field)
    values = [str(value) for value, _r, _p in api(client, q=q)["facets"][name]][:2]
    assert len(values) == 2, (q, field)
    return values


def test_two_years_count_both_the_sum_of_each(client: FlaskClient) -> None:
    both = client.get("/api/search?q=信访&year=2023&year=2024").get_json()
    singles = [api(client, q="信访", year=year) for year in ("2023", "2024")]
    assert both["total"] == sum(one["total"] for one in singles) > singles[0]["total"] > 0
    assert both["reports"] == sum(one["reports"] for one in singles)
    assert ids(both) == ids(singles[0]) | ids(singles[1])
    assert both["filters"] == {"year": ["2023", "2024"]}


@pytest.mark.parametrize(("q", "field"), [("矛盾纠纷", "province"), ("法治", "type"), ("", "year"),
                                          ("依法行政", "county"), ("调解", "section")])
def test_several_values_of_one_filter_mean_any_of_them(client: FlaskClient, q: str, field: str) -> None:
    values = two_values(client, q, field)
    both = api_args(client, {"q": q, field: values})
    singles = [api_args(client, {"q": q, field: value}) for value in values]
    assert ids(both) == ids(singles[0]) | ids(singles[1])
    if field != "section":  # a report has one year, place and type: the two sets are apart
        assert both["reports"] == sum(one["reports"] for one in singles)
        assert both["total"] == sum(one["total"] for one in singles)
    else:  # a passage has one section: the passages are apart, a report may have both
        assert both["total"] == sum(one["total"] for one in singles)
    listed = api_args(client, {"q": q, field: values, "all": "1"})
    assert listed["total"] == sum(api_args(client, {"q": q, field: v, "all": "1"})["total"] for v in values)
    csv = client.get("/search.csv", query_string={"q": q, field: values}).get_data(as_text=True)
    assert len(csv.strip().splitlines()) - 1 == listed["total"]


def test_different_filters_must_all_hold(client: FlaskClient, everything: dict) -> None:
    years = two_values(client, "法治", "year")
    province = two_values(client, "法治", "province")[0]
    both = api_args(client, {"q": "法治", "year": years, "province": province})
    union = api_args(client, {"q": "法治", "year": years})
    in_province = {g["report_id"] for g in everything["groups"] if g["province"] == province}
    assert ids(both) == ids(union) & in_province and ids(both)


def test_choices_offer_a_filtered_fields_other_values_with_exact_counts(client: FlaskClient) -> None:
    """Filtered on 2023, the year facet counts the results (2023 only); ``choices`` offers every
    year of the query, each counted as if it alone were ticked."""
    data = api(client, q="法治", year="2023")
    assert [entry[0] for entry in data["facets"]["year"]] == [2023]
    offered = data["choices"]["year"]
    assert len(offered) > 1 and set(data["choices"]) == {"year"}
    for value, reports, passages in offered:
        alone = api(client, q="法治", year=str(value))
        assert (alone["reports"], alone["total"]) == (reports, passages), value
    assert api(client, q="法治")["choices"] == {}


def test_the_panel_ticks_every_value_and_a_chip_drops_one(client: FlaskClient) -> None:
    years = two_values(client, "法治", "year")
    soup = page(client, "/search?" + urlencode([("q", "法治"), *(("year", y) for y in years)]))
    ticked = [(box["name"], box["value"]) for box in boxes(soup) if box.has_attr("checked")]
    assert ticked == [("year", year) for year in sorted(years, reverse=True)]
    assert len(boxes(soup)) > len(ticked)  # the other years are still on offer
    chips = soup.select(".chips .chip")
    assert [chip.get_text(" ", strip=True).split("：")[1].split()[0] for chip in chips] == years
    for chip, year in zip(chips, years, strict=True):
        kept = parse_qs(urlsplit(chip.select_one("a")["href"]).query)
        assert kept == {"q": ["法治"], "year": [y for y in years if y != year]}
    # unticking one box and submitting the panel keeps the other value
    box = next(box for box in boxes(soup) if box.has_attr("checked"))
    left = dict(submitted(box, ticked=False))
    assert left == {"q": "法治", "year": next(y for y in years if y != box["value"])}


def test_a_value_the_panel_does_not_list_is_kept_when_it_is_submitted(client: FlaskClient) -> None:
    soup = page(client, "/search?q=法治&county=无此县&original=yes")
    form = soup.select_one("form[data-facet-form]")
    assert form is not None, "the other counties are offered though nothing was found"
    kept = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
    assert {("county", "无此县"), ("original", "yes"), ("q", "法治")} <= kept


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
    assert "去掉筛选条件" in soup.select_one(".tips").get_text()
    # the panel offers the years the words are found in, each to tick instead
    years = [box for box in boxes(soup) if box["name"] == "year"]
    assert years and not any(box.has_attr("checked") for box in years)
    assert {box["value"] for box in years} == {str(e[0]) for e in api(client, q="枫桥经验")["facets"]["year"]}


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


def test_an_incremental_update_refreshes_place_names(make_archive) -> None:
    """The cached place names follow the index: a county added by ``update`` resolves from its
    short name without a new generation or a restart (``PRAGMA data_version`` changed)."""
    from archive.store.ingest import ingest_paths
    from indexer.index.build import update

    files = corpus_files()
    config = make_archive(files[:3])
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
