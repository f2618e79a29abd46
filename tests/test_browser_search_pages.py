"""From a query to its results with no surprises, in a real Chromium against a live gunicorn.

Long text: a pasted passage is searched (the search box posts it when it is too long for a URL)
and its page works by posting; a query over the documented limit, typed, pasted or put in a URL,
gets the archive's own error naming the limit, never the server's "414 URI Too Long" (the live
gunicorn runs with the project's gunicorn.conf.py). Filters: ticking two years lists both,
counted as the two one-year searches add up. The small ones: facet labels are shown whole, the
empty-result tips use the page's width. Every page looked at passes axe-core.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from archive.fields import MAX_QUERY_CHARS
from archive.normalize import fold_for_match
from indexer.matching import pasted
from tests.support.browser import axe_blocking, shot

TOO_LONG = "依法行政" * (10_000 // 4)  # 10,000 characters: twice the limit
LIMIT_SAID = f"上限 {MAX_QUERY_CHARS}"


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, content type, body) of a request to the live server, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode("utf-8")


def api_json(server: str, path: str, **params: str | list[str]) -> dict:
    status, _type, body = fetch(f"{server}{path}?{urllib.parse.urlencode(params, doseq=True)}")
    assert status == 200, body[:300]
    return json.loads(body)


@pytest.fixture(scope="module")
def reports(server: str) -> dict[str, dict]:
    """Every report the server holds, as its JSON twin."""
    ids = [g["report_id"] for g in api_json(server, "/api/search", all="1")["hits"]]
    return {rid: api_json(server, f"/api/reports/{rid}") for rid in dict.fromkeys(ids)}


@pytest.fixture(scope="module")
def shared_passage(reports: dict[str, dict]) -> tuple[str, str, int]:
    """(text, report id, reports sharing a clause) of the shipped paragraph whose clauses are found
    in the most other reports: what a researcher pastes to find its copies."""
    texts = reports
    folded = {rid: fold_for_match(report_text(data)) for rid, data in texts.items()}
    best: tuple[int, str, str] = (0, "", "")
    for rid, data in texts.items():
        for text in paragraphs(data):
            found = pasted.clauses(text)
            if len(found) < 3:
                continue
            sharing = sum(1 for other, body in folded.items()
                          if other != rid and any(clause in body for clause in found))
            best = max(best, (sharing, text, rid))
    assert best[0] >= 3, "a shipped paragraph shares clauses with several other reports"
    return best[1], best[2], best[0]


def paragraphs(report: dict) -> list[str]:
    out: list[str] = []

    def walk(sections: list[dict]) -> None:
        for section in sections:
            out.extend(p["text"] for p in section["passages"])
            walk(section["children"])

    walk(report["sections"])
    return out


def report_text(report: dict) -> str:
    return "\n".join([report["title"], *paragraphs(report)])


# --- a query over the limit, by every way in ------------------------------------------------------

@pytest.mark.parametrize("path", ["/search", "/api/search", "/search.csv"])
def test_a_10000_character_url_gets_the_archives_error_not_414(server: str, path: str) -> None:
    status, content_type, body = fetch(f"{server}{path}?" + urllib.parse.urlencode({"q": TOO_LONG}))
    assert status == 400 and "URI Too Long" not in body
    assert LIMIT_SAID in body
    if path == "/api/search":
        assert content_type.startswith("application/json") and json.loads(body)["status"] == 400
    elif path == "/search":
        assert "法治政府建设报告检索库" in body and 'role="alert"' in body


def test_the_longest_query_works_by_url_and_by_post(server: str, reports: dict[str, dict]) -> None:
    longest = "".join(text for data in reports.values() for text in paragraphs(data))[:MAX_QUERY_CHARS]
    assert len(longest) == MAX_QUERY_CHARS
    status, _type, body = fetch(f"{server}/api/search?" + urllib.parse.urlencode({"q": longest}))
    assert status == 200, body[:300]
    by_url = json.loads(body)
    status, _type, body = fetch(f"{server}/api/search", json.dumps({"q": longest}).encode(),
                                {"Content-Type": "application/json"})
    assert status == 200 and json.loads(body)["total"] == by_url["total"] > 0
    assert by_url["mode"] == "passage"
    status, _type, body = fetch(f"{server}/api/search", json.dumps({"q": longest + "法"}).encode(),
                                {"Content-Type": "application/json"})
    assert status == 400 and LIMIT_SAID in json.loads(body)["error"]


def test_pasting_too_much_in_the_box_gets_the_archives_error(page) -> None:
    page.expected_errors.append("status of 400")
    page.goto("/")
    page.fill("#q", TOO_LONG)
    page.press("#q", "Enter")
    alert = page.locator(".alert[role=alert]")
    expect(alert).to_contain_text(LIMIT_SAID)
    assert page.url.endswith("/search")  # posted: the text is in no URL
    assert "URI Too Long" not in page.content()
    assert not axe_blocking(page)
    shot(page, "25-query-too-long")


def test_without_script_a_long_query_still_gets_the_archives_page(browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=server, locale="zh-CN")
    try:
        tab = context.new_page()
        tab.goto("/")
        tab.fill("#q", TOO_LONG)
        tab.press("#q", "Enter")  # a GET of ≈ 90 KB: gunicorn passes it, the archive answers
        tab.wait_for_load_state()
        assert LIMIT_SAID in tab.locator(".alert").inner_text()
        assert "URI Too Long" not in tab.content()
    finally:
        context.close()


# --- paste a passage, find where else it appears ----------------------------------------------------

def test_a_pasted_passage_lists_the_reports_sharing_its_clauses(page, shared_passage, server: str) -> None:
    text, source, sharing = shared_passage
    found = pasted.clauses(text)
    long_text = text + text[: max(0, 200 - len(text))]  # at least 200 characters: posted by the box
    page.goto("/")
    page.fill("#q", long_text)
    page.press("#q", "Enter")
    expect(page.locator("#results-heading")).to_contain_text("出处查找")
    assert page.url.endswith("/search")
    counts = [int(m.group(1)) for m in map(re.compile(r"共有 (\d+) / (\d+)").search,
                                            page.locator(".group .shared-count").all_inner_texts()) if m]
    assert counts == sorted(counts, reverse=True) and counts[0] == len(found)
    first = page.locator(".group input.pick").first.get_attribute("value")
    assert first == source
    assert page.locator(".group").count() >= 1 + min(sharing, 3)
    assert page.locator(".group .snippet mark").count() >= len(counts)
    assert not axe_blocking(page)
    shot(page, "26-pasted-passage")

    # the posted page works by posting: tick a year, then sort by year
    if page.width_name == "phone":
        page.locator("details.facets-fold > summary").click()
    year_box = page.locator(".facet input[name=year]").first
    year = year_box.get_attribute("value")
    year_box.check()
    expect(page.locator(".chip").first).to_contain_text(year)
    expect(page.locator("#results-heading")).to_contain_text("出处查找")
    metas = page.locator(".group .meta").all_inner_texts()
    assert metas and all(f"{year} 年" in meta for meta in metas)
    page.locator(".sort button", has_text="年份").click()
    expect(page.locator(".sort strong")).to_contain_text("年份")
    expect(page.locator(".chip").first).to_contain_text(year)
    api = json.loads(fetch(f"{server}/api/search", json.dumps({"q": long_text, "year": [year]}).encode(),
                           {"Content-Type": "application/json"})[2])
    assert page.locator(".group").count() == api["reports"]


# --- several values of one filter, and the small ones ------------------------------------------------

def test_ticking_two_years_lists_both_with_exact_counts(page, server: str) -> None:
    both = api_json(server, "/api/search", q="信访", year=["2023", "2024"])
    singles = [api_json(server, "/api/search", q="信访", year=year) for year in ("2023", "2024")]
    assert both["reports"] == sum(one["reports"] for one in singles) > singles[0]["reports"] > 0
    page.goto("/search?q=信访")
    if page.width_name == "phone":
        page.locator("details.facets-fold > summary").click()
    page.locator(".facet input[name=year][value='2023']").check()
    page.wait_for_url("**year=2023**")
    if page.width_name == "phone":
        page.locator("details.facets-fold > summary").click()
    page.locator(".facet input[name=year][value='2024']").check()  # still offered with 2023 ticked
    page.wait_for_url("**year=2024**")
    assert sorted(urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["year"]) == ["2023", "2024"]
    assert page.locator(".group").count() == both["reports"]
    heading = page.locator("#results-heading").inner_text()
    assert f"{both['reports']} 份报告中的 {both['total']} 段" in heading
    expect(page.locator(".chip")).to_have_count(2)
    assert not axe_blocking(page)
    shot(page, "27-two-years")


def test_facet_labels_are_shown_whole(page) -> None:
    page.goto("/search?q=法治")
    if page.width_name == "phone":
        page.locator("details.facets-fold > summary").click()
    page.locator(".facet details").evaluate_all("els => els.forEach(e => { e.open = true; })")
    labels = page.locator(".facet .fv")
    assert labels.count() > 10
    cut = labels.evaluate_all("""els => els.filter(e => e.scrollWidth > e.clientWidth + 1
        || getComputedStyle(e).textOverflow === 'ellipsis').map(e => e.textContent)""")
    assert not cut, cut
    long_ones = [text for text in labels.all_inner_texts() if len(text) >= 6]
    assert long_ones, "the shipped corpus has long values (主要举措和成效, …自治州)"
    for label in page.locator(".facet li label").all()[:60]:
        value = label.locator(".fv").inner_text()
        assert label.get_attribute("title").startswith(value + "：")
    shot(page, "28-facet-labels")


def test_empty_result_tips_use_the_page_width(page) -> None:
    page.goto("/search?q=" + urllib.parse.quote("没有这样的词语组合xyz"))
    tips = page.locator(".no-hits")
    expect(tips).to_be_visible()
    width = tips.evaluate("el => el.getBoundingClientRect().width")
    main = page.locator("main").evaluate("el => el.clientWidth")
    assert width > 0.7 * main, (width, main)
    if page.width_name == "desktop":
        assert width > 600
    assert not axe_blocking(page)
    shot(page, "29-no-hits")
