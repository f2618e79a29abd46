"""The practices directory, a practice's lineage, similar practices and the spread charts in a
real Chromium at 1366 and 375 px.

What a user must see: the directory as a table that fits the screen, filterable by year, with the
slogans on a table of their own; a practice's lineage with the sentences quoted, the first reports
marked; similar practices with the shared terms highlighted and the reason given; the search
page's charts drawn (bars with their counts), inside the screen on a phone, each bar a link that
filters the search; the spread page's charts of shares; the charts still there and readable when
printed; and every page free of serious or critical axe-core violations and of console errors (a
CSP violation from an inline style in the SVG would be one). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

from tests.support.browser import ARTIFACTS, axe_blocking, shot


def chart_shot(page, name: str) -> None:
    """The spread section alone (a full page at 375 px is too tall to judge the charts by)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#spread").screenshot(path=str(ARTIFACTS / f"{name}-{page.width_name}.png"))


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_directory_page(page):
    page.goto("/practices")
    rows = page.locator(".practices-table tbody tr")
    assert rows.count() >= 20
    assert rows.first.locator("th a").inner_text() == "枫桥经验"  # the widest spread comes first
    assert no_sideways_scroll(page)
    assert axe_blocking(page) == []
    shot(page, "practices")
    page.select_option("select[name=year]", "2023")
    page.locator(".practices-filter button").click()
    page.wait_for_url("**/practices?*year=2023*")
    years = page.locator(".practices-table tbody td:nth-of-type(3)").all_inner_texts()
    assert years and set(years) == {"2023"}
    page.locator(".practices-table tbody tr th a", has_text="枫桥经验").click()
    page.wait_for_selector(".lineage-quote a[href*='#p-']")
    quotes = page.locator(".lineage-quote p").all_inner_texts()
    assert quotes and all("枫桥经验" in quote for quote in quotes)
    assert page.locator(".lineage-item.first").count() >= 1
    assert page.locator(".lineage-item").first.evaluate("el => el.classList.contains('first')")
    assert no_sideways_scroll(page)
    assert axe_blocking(page) == []
    shot(page, "practice-detail")
    page.goto("/practices?kind=slogan")
    assert "四个意识" in page.locator(".practices-table").inner_text()
    assert axe_blocking(page) == []


def test_similar_practices_say_why(page):
    page.goto("/reports/7365bbf97c5f/passages/4/similar")
    items = page.locator(".similar-list li")
    assert items.count() >= 3
    assert "同样点名“枫桥经验”" in items.first.locator(".similar-why").inner_text()
    marks = items.first.locator(".similar-text mark")
    assert marks.count() and "枫桥经验" in marks.all_inner_texts()
    background = marks.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("", "rgba(0, 0, 0, 0)"), background  # the highlight is visible
    assert no_sideways_scroll(page)
    assert axe_blocking(page) == []
    shot(page, "similar-practices")


def test_search_page_charts_filter_and_print(page):
    from pypdf import PdfReader

    page.goto("/search?q=枫桥经验")
    charts = page.locator("#spread svg.spread-chart")
    assert charts.count() == 3
    page.locator("#spread").scroll_into_view_if_needed()
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 250 and box["height"] > 100, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    bars = charts.first.locator("a[href] rect")
    assert bars.count() == 3  # 2023, 2024, 2025
    fill = bars.first.evaluate("el => getComputedStyle(el).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)"), fill  # the stylesheet colours the bars
    values = charts.first.locator("text.value").all_text_contents()
    assert values == ["2", "2", "1"], values  # the counts are printed on the bars, no hover needed
    assert no_sideways_scroll(page)
    assert axe_blocking(page) == []
    shot(page, "search-spread")
    chart_shot(page, "search-spread-charts")

    page.emulate_media(media="print")
    assert charts.first.is_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    printed = "".join(p.extract_text() for p in pdf.pages)
    assert "按年份" in printed and "2024" in printed
    page.emulate_media(media="screen")

    charts.first.locator("a[href]").nth(1).click()  # the 2024 bar
    page.wait_for_url("**/search?*year=2024*")
    assert parse_qs(urlsplit(page.url).query)["year"] == ["2024"]
    assert "2 份报告" in page.locator("#results-heading").inner_text()


def test_spread_page(page):
    page.goto("/spread?q=枫桥经验")
    charts = page.locator("svg.spread-chart")
    assert charts.count() == 3
    values = charts.first.locator("text.value").all_text_contents()
    assert values and all(value.endswith("%") for value in values), values  # shares, not counts
    assert "全部报告" in page.locator(".spread-table").inner_text()
    assert page.locator(".spread-table table").first.is_visible()  # unfolded on its own page
    assert no_sideways_scroll(page)
    assert axe_blocking(page) == []
    shot(page, "spread")
