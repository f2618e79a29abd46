"""Citations in a real Chromium: the reference list (passages collected in one browser become one
entry per work with its cited ¶, and the share URL rebuilds the same list in a fresh browser
context, no shared localStorage, where it can be exported and edited), and what a reader sees of
an excerpt and a supplied author on the reader and the cite page, at both widths, axe-clean.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser import axe_blocking, shot


def _two_reports(server: str) -> list[str]:
    url = server + "/api/search?q=" + urllib.parse.quote("矛盾纠纷")
    with urllib.request.urlopen(url, timeout=10) as response:
        groups = json.load(response)["groups"]
    return [group["report_id"] for group in groups[:2]]


def _context(browser, server: str) -> tuple[BrowserContext, Page, list[str]]:
    """A fresh context (its own localStorage) whose page records console errors."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", base_url=server)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return context, page, problems


def _entries(page: Page) -> list[tuple[str, list[str]]]:
    """(report id, cited ¶ numbers) of each entry shown."""
    return [(entry.get_attribute("data-report") or "",
             [li.get_attribute("data-seq") or "" for li in entry.locator(".cited-paragraphs li").all()])
            for entry in page.locator("[data-cite-list] > li").all()]


def test_share_url_rebuilds_the_list_in_a_fresh_browser(browser, server):
    first, second = _two_reports(server)
    mine, page, problems = _context(browser, server)
    for report_id, seq in ((first, 2), (second, 1), (first, 1)):
        page.goto(f"/reports/{report_id}/passages/{seq}/cite")
        page.locator("button.cite-add").click()
        expect(page.locator("button.cite-add")).to_have_text("已在引用清单")
    expect(page.locator("[data-cite-count]")).to_have_text("3")

    page.goto("/citations")  # this browser's list is put into the URL and rendered from it
    page.wait_for_url("**/citations?items=*")
    expected = [(first, ["1", "2"]), (second, ["1"])]
    assert _entries(page) == expected
    references = page.locator("[data-cite-list] .ref").all_inner_texts()
    share_url = page.input_value("#c-share")
    assert share_url.startswith(server + "/citations?items=")
    assert not problems, problems
    mine.close()

    fresh, page, problems = _context(browser, server)
    page.goto(share_url)
    assert _entries(page) == expected
    assert page.locator("[data-cite-list] .ref").all_inner_texts() == references
    expect(page.locator("[data-cite-shared]")).to_be_hidden()  # nothing here yet: adopted as this browser's
    expect(page.locator("[data-cite-count]")).to_have_text("3")

    with page.expect_download() as download:
        page.select_option("#fmt", "csv")
        page.locator("[data-cite-export] button[type=submit]").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [row[:3] for row in rows[1:]] == [["1", first, "1"], ["1", first, "2"], ["2", second, "1"]]

    page.locator(f"[data-cite-remove='{first}:2']").click()
    page.wait_for_load_state()
    assert _entries(page) == [(first, ["1"]), (second, ["1"])]
    expect(page.locator("[data-cite-count]")).to_have_text("2")
    page.goto("/citations")  # the stored list follows the edit
    page.wait_for_url("**/citations?items=*")
    assert _entries(page) == [(first, ["1"]), (second, ["1"])]
    assert not problems, problems
    fresh.close()


def _report_of_file(server: str, filename: str) -> dict:
    """The JSON of the report read from ``filename`` (a shipped file), through the live API."""
    with urllib.request.urlopen(server + "/api/search?all=1", timeout=10) as response:
        ids = {row["report_id"] for row in json.load(response)["hits"]}
    for report_id in sorted(ids):
        with urllib.request.urlopen(f"{server}/api/reports/{report_id}", timeout=10) as response:
            report = json.load(response)
        if report["source"]["filename"] == filename:
            return report
    raise AssertionError(f"{filename} is not in the archive")


def test_excerpt_and_supplied_author_are_marked_on_reader_and_cite_page(page, server):
    """吉水镇's page names no issuer (its 来源 is the site's 本网) and the archive holds its opening."""
    report = _report_of_file(server, "web_r051.txt")
    assert report["excerpt"] and report["author_supplied"]
    page.goto(f"/reports/{report['report_id']}")
    note = page.locator("article.reader .excerpt-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("节选")
    expect(note.locator("a")).to_have_attribute("href", report["source_url"])
    first = page.locator(".fulltext .passage").first
    assert note.bounding_box()["y"] < first.bounding_box()["y"]  # above the text, where reading starts
    issuer = page.locator(".meta-panel dd", has=page.locator(".supplied-title")).first
    issuer.scroll_into_view_if_needed()
    expect(issuer).to_contain_text("[廉江市吉水镇人民政府]")
    expect(issuer.locator(".supplied-title")).to_be_visible()
    expect(page.locator(".source-link a")).to_have_attribute("href", report["source_url"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert axe_blocking(page) == []
    shot(page, "reader-excerpt-supplied-author")

    page.goto(f"/reports/{report['report_id']}/passages/1/cite")
    footer = page.locator(".quote footer")
    expect(footer).to_contain_text("——[廉江市吉水镇人民政府]《吉水镇2024年法治政府建设年度报告》（节选）")
    expect(page.locator(".cite-remarks")).to_contain_text("方括号内的责任者为本库拟定")
    reference = page.input_value("#c-gbt")
    assert reference.startswith("[廉江市吉水镇人民政府]. 吉水镇2024年法治政府建设年度报告（节选）[R/OL]. ")
    assert reference.endswith(f"[2026-11-23]. {report['source_url']}.")
    assert "节选：本库只收录了原文的一部分" in page.input_value("#c-bib")
    # The government's long address wraps: the page never scrolls sideways, on a phone neither.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert axe_blocking(page) == []
    shot(page, "cite-excerpt-supplied-author")
