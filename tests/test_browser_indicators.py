"""The indicator table in a real Chromium at 1366 and 375 px: table, a measure's charts, a figure
opened in the reader.

What a user must see: the table of figures by measure, place and year, readable on a phone
(the wide table scrolls inside its own region, never the page); choosing a measure draws its
charts (bars with their counts, each bar a link that filters the table); a figure clicked
opens the report at its passage with that figure highlighted and on screen. Every page free of
serious or critical axe-core violations and of console errors (a CSP violation from the SVG
would be one). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.support.browser import axe_blocking, scrolled_into_view, shot


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_table(page):
    page.goto("/indicators")
    sections = page.locator("section.indicator")
    assert sections.count() >= 20  # most measures of the vocabulary have figures in the corpus
    first = sections.first
    assert first.locator("h2").inner_text().startswith("法治专题会议次数")
    assert first.locator("table tbody tr").count() >= 10
    assert first.locator("a.figure-link").first.is_visible()
    assert no_sideways_scroll(page)  # a wide table scrolls in its region
    assert page.locator(".indicator-unsure").is_visible()
    assert axe_blocking(page) == []
    shot(page, "indicators")


def test_a_measures_charts_filter_the_table(page):
    page.goto("/indicators")
    page.select_option("select[name=measure]", "纠纷调解件数")
    page.locator(".indicators-filter button").click()
    page.wait_for_url("**/indicators?*measure=*")
    charts = page.locator("svg.spread-chart")
    assert charts.count() == 2
    page.locator(".indicator-charts").scroll_into_view_if_needed()
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 250 and box["height"] > 100, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    bars = charts.first.locator("a[href] rect")
    assert bars.count() >= 2
    fill = bars.first.evaluate("el => getComputedStyle(el).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)"), fill
    values = charts.first.locator("text.value").all_text_contents()
    assert values and all(value.isdigit() for value in values)
    assert no_sideways_scroll(page)
    assert axe_blocking(page) == []
    shot(page, "indicators-measure")

    bar = charts.first.locator("a[href]").first
    year = bar.get_attribute("aria-label").split("：")[0]
    bar.click()
    page.wait_for_url(f"**year={year}**")
    args = parse_qs(urlsplit(page.url).query)
    assert args["year"] == [year] and args["measure"] == ["纠纷调解件数"]
    header = page.locator("section.indicator table thead th").all_inner_texts()
    assert header[1:] == [year]


def test_a_figure_opens_in_the_reader_highlighted(page):
    page.goto("/indicators?measure=信访件数")
    link = page.locator("a.figure-link").first
    figure = link.inner_text()
    href = link.get_attribute("href")
    seq = parse_qs(urlsplit(href).query)["p"][0]
    link.click()
    page.wait_for_selector(f"#p-{seq}")
    current = page.locator(f"#p-{seq} span.figure.is-current")
    assert current.count() == 1 and current.inner_text() == figure
    assert scrolled_into_view(page, f"#p-{seq} span.figure.is-current")
    background = current.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    assert page.locator("span.figure").count() > 1  # the report's other figures are marked too
    assert axe_blocking(page) == []
    shot(page, "indicators-reader")
