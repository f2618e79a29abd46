"""Every route of the web app through the Flask test client: HTML pages, JSON twins, errors,
exports, security headers and escaping of hostile report text.

The archive (``web_archive``: the shipped reports plus a hostile one) is built once per session by
the real ingest and index (``tests.support.web_archive``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.fields import MAX_QUERY_CHARS
from tests.support.web_archive import ALIAS_ID, HOSTILE_NAME, HOSTILE_TEXT

TODAY = "2025-03-08"


@pytest.fixture(scope="module")
def app(web_archive, app_for):
    from datetime import date

    return app_for(web_archive, TODAY=date(2025, 3, 8), PUBLIC_BASE_URL="https://fazhi.example.cn")


@pytest.fixture(scope="module")
def ids(app):
    """Report ids: all, the hostile one, and the two containing 枫桥经验 in the shipped data."""
    client = app.test_client()
    everything: list[str] = []
    for page in range(1, 20):  # the shipped reports span several browse pages
        groups = client.get("/api/search", query_string={"page": page}).get_json()["groups"]
        if not groups:
            break
        everything += [g["report_id"] for g in groups]
    found = client.get("/api/search", query_string={"q": "测试镇"}).get_json()
    hostile = next(g["report_id"] for g in found["groups"] if "测试镇" in g["title"])
    return {"all": everything, "hostile": hostile, "other": [i for i in everything if i != hostile]}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# --- security ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/search?q=枫桥经验", "/citations", "/healthz", "/nope"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


def test_pages_have_no_inline_script_or_style(client, ids):
    for path in ["/", "/search?q=枫桥经验", f"/reports/{ids['hostile']}",
                 f"/compare?ids={ids['all'][0]},{ids['all'][1]}", "/citations",
                 f"/reports/{ids['hostile']}/passages/1/cite"]:
        page = soup(client.get(path))
        for script in page.find_all("script"):
            assert script.get("src", "").startswith("/static/"), path
            assert not script.string, path
        assert not page.find_all(style=True), path
        assert not page.find_all("style"), path
        assert "http://" not in str(page.find_all("link")), path


def test_read_only_routes(app):
    """No public route changes data: everything is GET, except the stateless citation export and
    the searches, which also take POST for a query too long for a URL (they only read).

    The token-guarded ``/admin`` routes are the exception by design (``tests/test_admin.py``).
    """
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint.startswith("admin."):
            # POST changes data; the GETs (review list, harvest progress) read — all behind the token
            reads = ("admin.review_list", "admin.harvest_progress")
            expected = {"GET"} if rule.endpoint in reads else {"POST"}
            assert rule.rule.startswith("/admin/") and methods == expected, rule
        elif rule.endpoint == "cite.export":
            assert methods == {"POST"}
        elif rule.endpoint in ("search.api_search", "search.search_csv") or rule.rule == "/search":
            assert methods == {"GET", "POST"}, rule
        else:
            assert methods == {"GET"}, rule


# --- search -----------------------------------------------------------------------------------

def test_browse_lists_every_report_newest_first(client, ids):
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.find("html")["lang"] == "zh-CN"
    titles = page.select(".group h2 a")
    assert len(titles) == min(20, len(ids["all"])) and len(ids["all"]) == len(set(ids["all"])) == 41
    data = client.get("/api/search").get_json()
    years = [g["year"] or 0 for g in data["groups"]]
    assert years == sorted(years, reverse=True)
    assert data["facets"]["year"] and data["reports"] == 41


def test_search_fengqiao_groups_and_marks(client):
    response = client.get("/search?q=枫桥经验")
    assert response.status_code == 200
    page = soup(response)
    assert page.select(".group")
    marks = page.select(".snippet mark")
    assert marks and all(m.get_text() == "枫桥经验" for m in marks)
    assert "份报告中的" in page.select_one("#results-heading").get_text()
    api = client.get("/api/search?q=枫桥经验").get_json()
    assert set(api) >= {"total", "reports", "facets", "groups", "page", "per_page", "pages", "query"}
    assert api["reports"] == len(page.select(".group"))


def test_facet_box_adds_filter_and_chip_removes_it(client):
    page = soup(client.get("/search?q=枫桥经验"))
    form = page.select_one("form[data-facet-form]")
    assert form["action"] == "/search" and form["method"] == "get"
    year = form.select_one(".facet input[name=year]")["value"]
    filtered = client.get("/search", query_string={"q": "枫桥经验", "year": year})
    assert filtered.status_code == 200
    fpage = soup(filtered)
    chip = fpage.select_one(".chip")
    assert year in chip.get_text()
    api = client.get(f"/api/search?q=枫桥经验&year={year}").get_json()
    assert all(str(g["year"]) == year for g in api["groups"])
    remove = chip.select_one("a")["href"]
    assert "year=" not in remove and "q=" in remove


def test_search_within_results_redirects_to_combined_query(client):
    response = client.get("/search?q=调解&prev=枫桥经验&within=1&keep_year=2023")
    assert response.status_code == 302
    args = parse_qs(urlsplit(response.headers["Location"]).query)
    assert args == {"q": ["枫桥经验 调解"], "year": ["2023"]}
    fresh = client.get("/search?q=调解&prev=枫桥经验&keep_year=2023")
    assert parse_qs(urlsplit(fresh.headers["Location"]).query) == {"q": ["调解"]}


def test_sort_and_pagination_links_are_canonical(client):
    page = soup(client.get("/search?q=法治"))
    sort_links = [a["href"] for a in page.select(".sort a")]
    assert any("sort=year" in h for h in sort_links)
    data = client.get("/api/search?q=法治&sort=place&page=1").get_json()
    assert data["sort"] == "place"


@pytest.mark.parametrize("query", ['"枫桥', "year:abc", "(调解", "nosuchfield:1 x"])
def test_bad_query_explains_itself(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 400
    alert = soup(response).select_one(".alert")
    assert alert and len(alert.get_text(strip=True)) > 8
    api = client.get("/api/search", query_string={"q": query})
    assert api.status_code == 400 and api.get_json()["error"]


@pytest.mark.parametrize("args", [{"page": "abc"}, {"page": "0"}, {"sort": "nonsense"},
                                  {"q": "x" * (MAX_QUERY_CHARS + 1)}])
def test_bad_parameters_are_400_not_500(client, args):
    assert client.get("/search", query_string=args).status_code == 400
    assert client.get("/api/search", query_string=args).status_code == 400


def test_page_beyond_last_says_so(client):
    response = client.get("/search?q=枫桥经验&page=999")
    assert response.status_code == 200
    assert "超出范围" in soup(response).select_one(".empty").get_text()


@pytest.mark.slow  # walks every listing two reports a page
def test_pagination_links_walk_all_reports(web_archive, client_for):
    small = client_for(web_archive, SEARCH_PER_PAGE=2)
    seen: list[str] = []
    url = "/search?q=法治"
    for _ in range(40):
        page = soup(small.get(url))
        seen += [a["href"].split("?")[0] for a in page.select(".group h2 a")]
        following = page.select_one(".pagination a[rel=next]")
        if following is None:
            break
        url = following["href"]
    total = small.get("/api/search?q=法治").get_json()["reports"]
    assert len(seen) == len(set(seen)) == total > 2
    browse = soup(small.get("/?page=2"))
    assert len(browse.select(".group")) == 2 and browse.select_one(".pagination a[rel=prev]")


def test_query_is_echoed_escaped(client):
    response = client.get("/search", query_string={"q": '<script>alert(1)</script>"onmouseover='})
    body = response.get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert response.status_code in (200, 400)


def test_search_csv_has_bom_all_hits_and_defused_formulas(client):
    response = client.get("/search.csv?q=矛盾纠纷")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    api = client.get("/api/search?q=矛盾纠纷&all=1").get_json()
    assert len(rows) == api["total"] == len(api["hits"]) and api["truncated"] is False
    assert len(rows) >= client.get("/api/search?q=矛盾纠纷").get_json()["reports"]
    assert all(r["permalink"].startswith("https://fazhi.example.cn/reports/") for r in rows)
    formula = [r["text"] for r in rows if "cmd|" in r["text"]]
    assert formula and all(t.startswith("'=") for t in formula)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_export_bad_query_is_400_before_streaming(client):
    response = client.get("/search.csv", query_string={"q": '"枫桥'})
    assert response.status_code == 400 and "引号" in response.get_data(as_text=True)


def test_csv_export_of_browse_lists_reports(client, ids):
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv").get_data().decode("utf-8-sig"))))
    assert {r["report_id"] for r in rows} == set(ids["all"])


# --- reader -----------------------------------------------------------------------------------

def test_report_page_anchors_outline_and_metadata(client, ids):
    report_id = ids["other"][0]
    page = soup(client.get(f"/reports/{report_id}"))
    anchors = [p["id"] for p in page.select(".passage")]
    assert anchors[:3] == ["p-1", "p-2", "p-3"]
    assert len(anchors) == len(set(anchors))
    api = client.get(f"/api/reports/{report_id}").get_json()
    assert len(anchors) == api["passage_count"]
    assert page.select(".toc a[href^='#s-']")
    for link in page.select(".toc a"):
        assert page.select_one(link["href"]) is not None
    assert page.select_one(".meta-panel dl")
    assert api["source"]["url"].endswith(f"/reports/{report_id}/source")


def test_report_cited_passage_is_marked(client, ids):
    page = soup(client.get(f"/reports/{ids['other'][0]}?p=3"))
    cited = page.select(".passage.is-cited")
    assert [c["id"] for c in cited] == ["p-3"]


def test_report_query_highlight(client, ids):
    hostile = ids["hostile"]
    page = soup(client.get(f"/reports/{hostile}?q=枫桥经验"))
    marks = page.select(".ptext mark")
    assert len(marks) >= 3 and {m.get_text() for m in marks} == {"枫桥经验"}


def test_hostile_report_text_is_escaped_everywhere(client, ids):
    hostile = ids["hostile"]
    paths = [f"/reports/{hostile}", f"/reports/{hostile}?q=枫桥经验", "/search?q=枫桥经验",
             "/search?q=onmouseover",
             f"/compare?ids={hostile},{ids['other'][0]}&q=枫桥经验", f"/reports/{hostile}/passages/1/cite",
             f"/reports/{hostile}/passages/3/cite"]
    for path in paths:
        body = client.get(path).get_data(as_text=True)
        page = BeautifulSoup(body, "html.parser")
        assert "<script>alert" not in body, path
        assert "<img src=x" not in body, path
        assert not page.select("[onmouseover], [onerror]"), path
        assert not page.select("a[href^='javascript']"), path
        assert [s["src"] for s in page.find_all("script")] == ["/static/app.js"], path
    text = client.get(f"/reports/{hostile}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&#34;onmouseover=alert(1)" in text
    snippets = client.get("/api/search?q=onmouseover").get_json()
    for group in snippets["groups"]:
        for hit in group["hits"]:
            assert "<script" not in hit["snippet"] and '"onmouseover' not in hit["snippet"]
            assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0


def test_api_report_json(client, ids):
    report_id = ids["hostile"]
    data = client.get(f"/api/reports/{report_id}").get_json()
    assert data["report_id"] == report_id
    assert data["sections"] and "provenance" in data and "notes" in data
    texts = json.dumps(data, ensure_ascii=False)
    assert "<script>alert(1)</script>" in texts  # JSON keeps the text as it is; it is not HTML


def test_source_download_keeps_bytes_and_chinese_name(client, ids):
    response = client.get(f"/reports/{ids['hostile']}/source")
    assert response.status_code == 200
    assert response.get_data() == HOSTILE_TEXT.encode("utf-8")
    assert response.mimetype == "text/plain"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"")
    assert "filename*=UTF-8''%E6%B5%8B%E8%AF%95%E9%95%87%202023" in disposition
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    ascii_part = disposition.split(";")[1]
    assert ascii_part.isascii()
    assert HOSTILE_NAME.encode("utf-8") not in disposition.encode("utf-8", "replace")


@pytest.mark.parametrize("template", ["/reports/{id}", "/api/reports/{id}", "/reports/{id}/source",
                                      "/reports/{id}/passages/2/cite", "/api/reports/{id}/passages/2/cite"])
def test_alias_redirects_permanently(client, template):
    response = client.get(template.format(id=ALIAS_ID) + "?p=2")
    assert response.status_code == 301
    location = response.headers["Location"]
    assert ALIAS_ID not in location and "p=2" in location
    assert client.get(location).status_code == 200


def _current_id(client) -> str:
    """The report ``ALIAS_ID`` stands for."""
    return client.get(f"/api/reports/{ALIAS_ID}").headers["Location"].split("?")[0].rsplit("/", 1)[1]


@pytest.mark.parametrize("template", ["/reports/{id}", "/api/reports/{id}", "/reports/{id}/passages/2/cite",
                                      "/api/reports/{id}/passages/2/cite", "/reports/{id}/passages/2/similar",
                                      "/api/reports/{id}/passages/2/similar"])
def test_an_alias_redirects_to_the_same_route_of_the_current_report(client, template):
    """A page to its page, a JSON twin to its JSON twin (the similar-practice JSON once went to the page)."""
    location = client.get(template.format(id=ALIAS_ID)).headers["Location"]
    assert urlsplit(location).path == template.format(id=_current_id(client))


@pytest.mark.parametrize("path", ["/reports/000000000000", "/reports/..%2f..%2fetc%2fpasswd",
                                  "/reports/a%20b",
                                  "/reports/000000000000/source", "/nope"])
def test_unknown_is_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "没有找到" in response.get_data(as_text=True) or "没有编号" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/reports/000000000000", "/api/reports/000000000000/passages/1/cite",
                                  "/api/compare?ids=000000000000,111111111111"])
def test_unknown_is_404_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_unknown_passage_is_404(client, ids):
    assert client.get(f"/reports/{ids['hostile']}/passages/9999/cite").status_code == 404
    assert client.get(f"/api/reports/{ids['hostile']}/passages/9999/cite").status_code == 404


# --- compare ----------------------------------------------------------------------------------

def test_compare_aligns_rows_by_kind(client, ids):
    a, b = ids["other"][0], ids["hostile"]
    response = client.get(f"/compare?ids={a},{b}&q=枫桥经验")
    assert response.status_code == 200
    page = soup(response)
    assert len(page.select(".cg-head .cg-report")) == 2
    rows = page.select(".cg-row[data-kind]")
    kinds = [r["data-kind"] for r in rows]
    assert "主要举措和成效" in kinds
    assert all(len(r.select(":scope > .cg-cell")) == 2 for r in rows)
    assert page.select(".cell-scroll mark")
    assert page.select_one("#link-scroll") is not None
    api = client.get(f"/api/compare?ids={a},{b}").get_json()
    assert api["report_ids"] == [a, b]
    assert [r["kind"] for r in api["rows"]] == kinds
    assert all(len(r["cells"]) == 2 for r in api["rows"])


def test_compare_empty_cell_for_missing_kind(client, ids):
    data = client.get(f"/api/compare?ids={ids['hostile']},{ids['other'][0]}").get_json()
    page = soup(client.get(f"/compare?ids={ids['hostile']},{ids['other'][0]}"))
    empty = sum(1 for row in data["rows"] for cell in row["cells"] if not cell)
    assert len(page.select(".empty-cell")) == empty


def test_compare_checkbox_form_redirects_to_canonical(client, ids):
    a, b = ids["all"][:2]
    response = client.get(f"/compare?ids={a}&ids={b}&q=枫桥经验")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"ids": [f"{a},{b}"], "q": ["枫桥经验"]}
    result_page = soup(client.get("/search?q=枫桥经验"))
    form = result_page.select_one("form.compare-form")
    assert form["action"] == "/compare" and form.select("input[name=ids][type=checkbox]")


def test_compare_alias_and_four_columns(client, ids):
    four = [*ids["all"][:3], ALIAS_ID]
    assert client.get("/compare?ids=" + ",".join(four)).status_code == 200


def test_compare_counts_a_report_and_its_alias_once(client, ids):
    """The page and its JSON twin read one selection: an old id beside its report's current one is
    that report once, so two ids of one report are no comparison."""
    current = _current_id(client)
    other = next(report_id for report_id in ids["all"] if report_id != current)
    assert client.get(f"/compare?ids={current},{ALIAS_ID}").status_code == 400
    assert client.get(f"/api/compare?ids={current},{ALIAS_ID}").status_code == 400
    data = client.get(f"/api/compare?ids={current},{ALIAS_ID},{other}").get_json()
    assert data["report_ids"] == [current, other] and len(data["reports"]) == 2


@pytest.mark.parametrize("count", [0, 1, 5])
def test_compare_needs_two_to_four(client, ids, count):
    chosen = (ids["all"] * 2)[:count]
    chosen = [f"{x}{i}" if i >= len(ids["all"]) else x for i, x in enumerate(chosen)]
    response = client.get("/compare?ids=" + ",".join(chosen))
    assert response.status_code == 400
    assert "2–4" in response.get_data(as_text=True)
    assert client.get("/api/compare?ids=" + ",".join(chosen)).status_code == 400


def test_compare_page_offers_a_third_report(client, ids):
    a, b = ids["all"][:2]
    form = soup(client.get(f"/compare?ids={a},{b}&q=调解")).select_one("form.add-compare")
    assert [i["value"] for i in form.select("input[type=hidden][name=ids]")] == [a, b]
    options = [o["value"] for o in form.select("select[name=ids] option")]
    assert len(options) == len(ids["all"]) - 2 and a not in options
    assert form.select_one("input[name=q]")["value"] == "调解"
    location = client.get(f"/compare?ids={a}&ids={b}&ids={options[0]}&q=调解").headers["Location"]
    assert parse_qs(urlsplit(location).query)["ids"] == [f"{a},{b},{options[0]}"]


def test_report_page_offers_add_to_compare(client, ids):
    page = soup(client.get(f"/reports/{ids['hostile']}"))
    form = page.select_one("form.add-compare")
    assert form["action"] == "/compare"
    assert form.select_one("input[type=hidden][name=ids]")["value"] == ids["hostile"]
    assert len(form.select("select[name=ids] option")) == len(ids["all"]) - 1


# --- cite -------------------------------------------------------------------------------------

def test_cite_page_and_json(client, ids):
    report_id = ids["hostile"]
    data = client.get(f"/api/reports/{report_id}/passages/1/cite").get_json()
    permalink = f"https://fazhi.example.cn/reports/{report_id}?p=1#p-1"
    assert data["permalink"] == permalink
    # No source URL: the reference cites the archive's page, accessed today (both editions).
    assert "[R/OL]. 垫江县：" in data["gbt7714"] and data["cites_archived_copy"]
    assert data["gbt7714"].endswith(f"，2023[{TODAY}]. {data['report_url']}.")
    assert data["gbt7714_2015"].endswith(f"2023[{TODAY}]. https://fazhi.example.cn/reports/{report_id}.")
    assert data["bibtex"].startswith("@techreport{") and f"urldate = {{{TODAY}}}" in data["bibtex"]
    assert data["ris"].startswith("TY  - RPRT\n") and data["ris"].endswith("ER  - ")
    assert data["quote"].startswith("“")
    page = soup(client.get(f"/reports/{report_id}/passages/1/cite"))
    assert page.select_one("#c-gbt").get_text() == data["gbt7714"]
    assert page.select_one("#c-bib").get_text() == data["bibtex"]
    assert page.select_one(".permalink a")["href"] == permalink
    assert page.select("button.copy-btn[data-copy]")


def test_cite_buttons_beside_every_passage(client, ids):
    page = soup(client.get(f"/reports/{ids['hostile']}"))
    for passage in page.select(".passage"):
        seq = passage["id"][2:]
        assert passage.select_one(f"a.cite-link[href$='/passages/{seq}/cite']")
    results = soup(client.get("/search?q=枫桥经验"))
    assert len(results.select(".hit a.cite-link")) == len(results.select(".hit"))


def test_citations_page(client, ids):
    response = client.get("/citations")
    assert response.status_code == 200
    assert soup(response).select_one("[data-citations] [data-cite-empty]") is not None
    page = soup(client.get(f"/citations?items={ids['hostile']}:2,{ids['hostile']}:1"))
    assert [li["data-seq"] for li in page.select("[data-cite-list] .cited-paragraphs li")] == ["1", "2"]


@pytest.mark.parametrize("fmt,needle,ext", [("bibtex", "@techreport{", "bib"), ("ris", "TY  - RPRT", "ris"),
                                            ("text", "“", "txt"), ("gbt", "[1] ", "txt")])
def test_citation_export_json(client, ids, fmt, needle, ext):
    items = [{"report_id": ids["hostile"], "seq": 1}, {"report_id": ids["other"][0], "seq": 2}]
    response = client.post("/api/citations/export", json={"items": items, "format": fmt})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert needle in body
    assert f".{ext}" in response.headers["Content-Disposition"]
    content_type = response.headers["Content-Type"]
    assert content_type.lower().count("charset=") == 1 and content_type.endswith("; charset=utf-8")
    if fmt == "bibtex":
        assert body.count("@techreport{") == 2


def test_citation_export_form_post_and_alias(client, ids):
    response = client.post("/api/citations/export", data={"items": f"{ALIAS_ID}:1\n{ids['hostile']}:2",
                                                          "format": "ris"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("TY  - RPRT") == 2


MISSING = [{"report_id": "000000000000", "seq": 1}]


@pytest.mark.parametrize("payload", [
    {"items": []}, {"items": "x"}, {"items": [{"report_id": "x", "seq": "a"}]},
    {"items": MISSING, "format": "text"}, {"items": MISSING, "format": "docx"},
])
def test_citation_export_errors(client, payload):
    response = client.post("/api/citations/export", json=payload)
    assert response.status_code in (400, 404)
    assert response.get_json()["error"]


def test_citation_export_names_the_missing_item(client, ids):
    response = client.post("/api/citations/export", json={"items": [*MISSING, {"report_id": ids["hostile"],
                                                                               "seq": 1}]})
    assert response.status_code == 404 and "000000000000" in response.get_json()["error"]


# --- health -----------------------------------------------------------------------------------

def test_healthz(client, ids):
    data = client.get("/healthz").get_json()
    assert data["ok"] is True
    assert data["reports"] == len(ids["all"])
    assert data["index_generation"]


def test_every_route_is_tested(app):
    """Guard: a new route must be added to this module's tests (admin routes: ``test_admin``)."""
    admin = {"admin.ingest", "admin.rebuild", "admin.delete_report",
             "admin.review_list", "admin.correct_report",  # tests/test_corrections.py
             "admin.start_harvest", "admin.harvest_progress"}  # tests/test_harvest.py
    tested = admin | {"search.index", "search.api_search", "search.search_csv",
              "reader.report", "reader.api_report", "reader.source", "compare.page", "compare.api_compare",
              "cite.page", "cite.api", "cite.csl", "cite.citations", "cite.export", "health.healthz",
              "static"}
    tested.add("api_spec.openapi")  # tests/test_api_spec.py
    tested |= {"reader.similar", "reader.api_similar"}  # tests/test_similar.py
    tested |= {"about.page", "about.api"}  # tests/test_about.py
    tested |= {"practices." + name for name in (  # tests/test_practices.py
        "page", "api_practices", "practices_csv", "practice_page", "api_practice", "practice_csv",
        "spread_page", "api_spread", "spread_csv")}
    tested |= {"indicators." + name for name in (  # tests/test_indicator_pages.py
        "page", "api_indicators", "indicators_csv", "api_figures")}
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == tested


def test_wsgi_module_exposes_app(monkeypatch, web_archive):
    import importlib

    monkeypatch.setenv("ARCHIVE_HOME", str(web_archive.home))
    import wsgi

    module = importlib.reload(wsgi)
    shipped = len(list((Path(__file__).resolve().parents[1] / "data" / "reports").glob("*.txt")))
    assert module.app.test_client().get("/healthz").get_json()["reports"] == shipped + 1  # + the hostile one


# --- hostile input never gives a 500 ----------------------------------------------------------

QUERY_CHARS = list('枫桥经验"()（）:-|*?~^[]{}!+&\\/ OR同句段year:2023..\x00\x07\t\n')
ID_ROUTES = ("/reports/{}", "/api/reports/{}", "/reports/{}/source", "/api/reports/{}/passages/1/cite")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.sampled_from(QUERY_CHARS), max_size=40),
       page=st.sampled_from(["1", "2", "0", "-1", "x", "99999999999"]),
       sort=st.sampled_from(["relevance", "year", "place", "", "bogus"]))
def test_search_fuzz_never_500(client, query, page, sort):
    args = {"q": query, "page": page, "sort": sort}
    for path in ("/search", "/api/search", "/search.csv"):
        response = client.get(path, query_string=args)
        assert response.status_code in (200, 400), (path, args, response.status_code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report_id=st.text(min_size=1, max_size=80).filter(lambda s: "/" not in s and s not in (".", "..")))
def test_report_id_fuzz_never_500(client, report_id):
    for template in ID_ROUTES:
        response = client.get(template.format(quote(report_id, safe="")))
        assert response.status_code in (200, 301, 404), (template, report_id, response.status_code)


@pytest.mark.parametrize("query", ["year:2024..2022 法治", "x" * 10_000, "\x00\x01枫桥", "OR", "-", '""',
                                   "year:", "同句()", "nosuch:field"])
def test_hostile_queries_answer_in_words(client, query):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.get_json()["error"]


def test_a_supplied_title_is_flagged_wherever_it_appears(client):
    # seed 002 (红江镇) has no title line: reader, compare, JSON and citations all say so.
    found = client.get("/api/search", query_string={"q": "红江镇"}).get_json()["groups"]
    report_id = next(g["report_id"] for g in found if g["title"].startswith("[红江镇"))
    data = client.get(f"/api/reports/{report_id}").get_json()
    assert data["title"] == "[红江镇2023年法治政府建设情况报告]" and data["title_supplied"] is True
    reader = soup(client.get(f"/reports/{report_id}"))
    assert "本库拟定" in reader.select_one("#report-title").get_text()
    titled = client.get("/api/search", query_string={"q": "北屏乡"}).get_json()["groups"][0]["report_id"]
    compare = soup(client.get(f"/compare?ids={report_id},{titled}"))
    assert len(compare.select(".supplied-title")) == 1  # the untitled one only
    cite = client.get(f"/api/reports/{report_id}/passages/1/cite").get_json()
    assert cite["title_supplied"] is True and "[红江镇2023年法治政府建设情况报告]" in cite["gbt7714"]
    assert client.get(f"/api/reports/{titled}/passages/1/cite").get_json()["title_supplied"] is False
