"""Compare that shows its hits, a home page and /about that say what is inside, a quiet 移除:
in a real Chromium at desktop and phone widths against a live gunicorn, each page axe-clean.

Compare: with 枫桥经验 and three reports whose hits lie deep in long cells, every cell opens at its
first hit, each column steps through its own hits, and wording two reports share is marked in
both columns. Home and /about: the table of reports by province and year is there and its numbers
lead to that many reports. Citations: removing a paragraph is a small grey control, the
references lead.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_blocking, shot

QUERY = "枫桥经验"


def api(server: str, path: str, **params: str) -> dict:
    with urllib.request.urlopen(f"{server}{path}?{urllib.parse.urlencode(params)}", timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


@pytest.fixture(scope="module")
def deep_hits(server: str) -> list[str]:
    """Three reports of the query whose first hit is furthest into its comparison cell."""
    ids = [g["report_id"] for g in api(server, "/api/search", q=QUERY)["groups"]][:8]
    depth: dict[str, int] = {}
    for rid in ids:
        other = next(i for i in ids if i != rid)
        rows = api(server, "/api/compare", ids=f"{rid},{other}")["rows"]
        depth[rid] = max((sum(len(p["text"]) for p in cell[:k])
                          for row in rows for cell in row["cells"][:1]
                          for k, p in enumerate(cell) if QUERY in p["text"]), default=0)
    chosen = sorted(ids, key=lambda rid: -depth[rid])[:3]
    assert depth[chosen[0]] > 600, "a hit lies deeper than a cell shows at first"
    return chosen


def pane_shows(page, selector: str) -> bool:
    """Whether the element is inside the visible part of its scrolling cell."""
    return page.eval_on_selector(selector, """el => { const pane = el.closest('.cell-scroll');
        const r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
        return r.top >= p.top - 1 && r.top < p.bottom - 10; }""")


def test_compare_opens_every_cell_at_its_first_hit_and_steps_per_column(page, deep_hits) -> None:
    page.goto(f"/compare?ids={','.join(deep_hits)}&q={QUERY}")
    page.wait_for_selector("[data-col-nav]")
    scrolled = 0
    for column in (1, 2, 3):
        cells = page.locator(f".cg-cell[data-col='{column}'] .cell-scroll")
        for i in range(cells.count()):
            first = cells.nth(i).locator("[data-hit]").first
            if first.count():
                hit_id = first.get_attribute("id")
                assert pane_shows(page, f"#{hit_id}"), hit_id
                scrolled += cells.nth(i).evaluate("el => el.scrollTop > 0")
    assert scrolled, "at least one cell had to scroll to show its first hit"
    shot(page, "30-compare-first-hits")

    nav = page.locator("[data-col-nav='1']")
    hits = page.locator(".cg-cell[data-col='1'] [data-hit]")
    n = hits.count()
    expect(nav).to_contain_text(f"第 1 / {n} 处")
    nav.locator("[data-col-step='1']").click()
    expected = 2 if n > 1 else 1
    expect(nav.locator("[data-col-counter]")).to_have_text(str(expected))
    current = hits.nth(expected - 1)
    expect(current).to_have_class(re.compile("is-current-hit"))
    assert pane_shows(page, f"#{current.get_attribute('id')}")
    nav.locator("[data-col-step='-1']").click()
    expect(nav.locator("[data-col-counter]")).to_have_text("1")
    # the other columns did not move their counters
    expect(page.locator("[data-col-nav='2'] [data-col-counter]")).to_have_text("1")
    assert not axe_blocking(page)


def test_compare_marks_wording_two_reports_share(page, deep_hits, server: str) -> None:
    data = api(server, "/api/compare", ids=",".join(deep_hits))
    pairs = [(column, p["text"][c["start"]:c["end"]], c["report_ids"]) for row in data["rows"]
             for column, cell in enumerate(row["cells"]) for p in cell for c in p["shared"]]
    assert pairs, "the three reports share some wording"
    page.goto(f"/compare?ids={','.join(deep_hits)}")
    legend = page.locator(".shared-legend")
    expect(legend).to_contain_text("自己的表述")
    for column, text, others in pairs[:5]:
        spans = page.locator(f".cg-cell[data-col='{column + 1}'] .shared")
        shown = "".join(spans.all_inner_texts())
        assert text[:4] in shown, text
        for other in others:  # the other report's column has shared wording too
            assert page.locator(f".cg-cell[data-col='{deep_hits.index(other) + 1}'] .shared").count()
    facts = page.locator(".col-facts .col-shared").all_inner_texts()
    assert len(facts) == 3 and all(re.fullmatch(r"相同 \d+ 句 · 自有 \d+ 句", fact) for fact in facts)
    assert not axe_blocking(page)
    shot(page, "31-compare-shared")


def test_home_and_about_say_what_is_inside(page, server: str) -> None:
    about = api(server, "/api/about")
    page.goto("/")
    summary = page.locator("section.about-home")
    expect(summary.locator(".about-lead strong")).to_have_text(str(about["reports"]))
    if page.width_name == "phone":  # the table is folded under the summary line, a tap away
        assert summary.locator("details.place-year-fold").get_attribute("open") is None
        summary.locator("details.place-year-fold > summary").click()
    expect(summary.locator("table.place-year")).to_be_visible()
    assert not axe_blocking(page)
    shot(page, "32-home")
    cell = summary.locator("table.place-year td a").first
    expected = int(cell.inner_text())
    cell.click()
    page.wait_for_url("**/search?**")
    expect(page.locator("#results-heading .count")).to_have_text(f"{expected} 份")

    page.goto("/")
    page.locator(".site-nav a[href='/about']").click()
    page.wait_for_url("**/about")
    for heading in ("收录了什么", "来源与取回时间", "节选与摘录", "如何引用", "数据许可"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert not axe_blocking(page)
    shot(page, "33-about")


def test_removing_a_citation_is_quiet_beside_the_references(page) -> None:
    page.goto(f"/search?q={QUERY}")
    for button in page.locator("button.cite-add").all()[:2]:
        button.click()
    expect(page.locator("[data-cite-count]")).to_have_text("2")
    page.goto("/citations")
    page.wait_for_selector("[data-cite-list] li")
    remove = page.locator("[data-cite-remove]").first
    style = remove.evaluate("""el => { const s = getComputedStyle(el),
        q = getComputedStyle(el.closest('.cite-entry').querySelector('blockquote'));
        return {bg: s.backgroundColor, color: s.color, size: parseFloat(s.fontSize),
                text: parseFloat(q.fontSize)}; }""")
    assert style["bg"] == "rgb(255, 255, 255)", style  # no red fill
    assert style["size"] < style["text"], style
    red = tuple(int(v) for v in re.findall(r"\d+", style["color"])[:3])
    assert red != (158, 27, 27), style  # the accent red is for hover only
    assert not axe_blocking(page)
    shot(page, "34-citations-remove")
