"""A user's journeys in a real Chromium at 1366 and 375 px: search → read → compare, no dead ends.

What a user must see: the reader opened from a search lands on the first hit with "第 k / n 处",
steps hit by hit (buttons and N/P keys) and goes back to the very result page it came from;
printing a report gives a few A4 pages with ¶ numbers and no buttons; the compare selection is
counted and a bad one gets a page that keeps the ticks and says what to do; a phone gets the
outline above the text and a one-row header; and every page passes axe-core (no serious or
critical violation) and can be used from the keyboard. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_blocking, in_viewport, scrolled_into_view, shot

QUERY = "矛盾纠纷"
MAX_PRINT_PAGES = 8  # the longest seed is 15 KB of text: a handful of A4 pages, never 100


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def result_ids(page) -> list[str]:
    """Report ids of the result list, in order (from its compare checkboxes)."""
    return page.locator("input.pick").evaluate_all("els => els.map(e => e.value)")


def current_hit_number(page) -> int:
    return int(page.locator("[data-hit-counter] b").inner_text())


def test_reader_steps_through_hits_and_returns_to_the_same_results(page):
    page.goto(f"/search?q={QUERY}&sort=year")
    if page.width_name == "phone":
        page.locator("details.facets-fold > summary").click()  # the filters are folded on a phone
    page.locator(".facet input[name=year][value='2023']").check()  # several shipped reports are of 2023
    page.wait_for_url("**year=2023**")
    results_url = page.url
    # The report with the most matching passages, so there is a next hit to step to.
    counts = [int(m.group(1)) if (m := re.search(r"(\d+) 段", text)) else 0
              for text in page.locator(".group > p").all_inner_texts()]
    group = page.locator(".group").nth(counts.index(max(counts)))
    shown = {int(href.split("#p-")[1]) for href in group.locator(".hit-actions a[href*='#p-']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")}
    group.locator("h2 a").click()
    page.wait_for_selector("[data-hit-nav]")
    # The reader's URL carries the whole search, so the way back can rebuild it.
    assert query_of(page.url) == query_of(results_url)

    hits = page.locator("[data-hit]")
    n = hits.count()
    assert n >= 2
    counter = page.locator("[data-hit-counter]")
    expect(counter).to_have_text(f"第 1 / {n} 处")
    anchors = hits.evaluate_all("els => els.map(e => e.id)")
    passage_hits = {int(anchor[2:]) for anchor in anchors if anchor.startswith("p-")}
    assert shown <= passage_hits, "every hit the result page showed is one of the reader's hits"
    first = hits.nth(0).get_attribute("id")
    assert scrolled_into_view(page, f"#{first}") and "is-current-hit" in hits.nth(0).get_attribute("class")
    assert hits.nth(0).locator("mark").count() >= 1
    shot(page, "10-reader-first-hit")

    page.keyboard.press("n")
    expect(counter).to_have_text(f"第 2 / {n} 处")
    second = hits.nth(1).get_attribute("id")
    assert "is-current-hit" in hits.nth(1).get_attribute("class")
    assert "is-current-hit" not in hits.nth(0).get_attribute("class")
    assert scrolled_into_view(page, f"#{second}")
    page.get_by_role("link", name="上一处匹配").click()
    expect(counter).to_have_text(f"第 1 / {n} 处")
    page.keyboard.press("p")  # wraps round to the last hit
    expect(counter).to_have_text(f"第 {n} / {n} 处")
    if page.width_name == "desktop":
        expect(page.locator(".hit-keys")).to_be_visible()
        assert "N" in page.locator(".hit-keys").inner_text() and "P" in page.locator(".hit-keys").inner_text()
    shot(page, "11-reader-last-hit")

    page.get_by_role("link", name="← 返回检索结果").click()
    page.wait_for_selector(".group")
    assert query_of(page.url) == query_of(results_url)
    expect(page.locator(".chip").first).to_be_visible()


def test_back_link_keeps_the_result_page(page):
    page.goto(f"/search?q={QUERY}")
    report_id = result_ids(page)[0]
    page.goto(f"/reports/{report_id}?q={QUERY}&sort=place&page=3")
    back = page.get_by_role("link", name="← 返回检索结果").get_attribute("href")
    assert query_of(back) == {"q": [QUERY], "sort": ["place"], "page": ["3"]}


def test_print_is_a_few_a4_pages_with_paragraph_numbers(page):
    from pypdf import PdfReader

    page.goto("/search?q=付店镇")
    page.locator(".group h2 a").first.click()
    page.wait_for_selector(".passage")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".reader-side", ".cite-actions", "form", "button"):
        assert all(not visible for visible in page.locator(hidden).evaluate_all(
            "els => els.map(e => e.offsetParent !== null)")), hidden
    assert page.locator(".pnum").first.is_visible()
    text_width = page.locator(".fulltext").evaluate("el => el.getBoundingClientRect().width")
    assert text_width > 0.9 * page.viewport_size["width"] - 40, text_width  # one full-width column
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert 1 <= pages <= MAX_PRINT_PAGES, pages
    width_pt, height_pt = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width_pt - 595) < 3 and abs(height_pt - 842) < 3  # A4 in points
    printed = "".join(p.extract_text() for p in reader.pages)
    assert "¶1" in printed and "¶2" in printed
    assert "加入引用清单" not in printed and "并排比较" not in printed
    page.emulate_media(media="screen")


def test_compare_counter_and_selection(page):
    page.goto(f"/search?q={QUERY}")
    button = page.locator("[data-compare-submit]").first
    counter = page.locator("[data-compare-count]").first
    boxes = page.locator("input.pick")
    assert boxes.count() >= 5
    expect(counter).to_contain_text("已选 0 份")
    expect(button).to_be_disabled()
    boxes.nth(0).check()
    expect(counter).to_contain_text("已选 1 份")
    expect(button).to_be_disabled()
    boxes.nth(1).check()
    expect(counter).to_contain_text("已选 2 份")
    expect(button).to_be_enabled()
    for i in range(2, 5):
        boxes.nth(i).check()
    expect(counter).to_contain_text("已选 5 份")
    expect(button).to_be_disabled()
    shot(page, "12-compare-five-ticked")
    boxes.nth(4).uncheck()
    expect(button).to_be_enabled()
    button.click()
    page.wait_for_url("**/compare?ids=*")
    assert len(query_of(page.url)["ids"][0].split(",")) == 4
    assert query_of(page.url)["q"] == [QUERY]
    removes = page.locator(".cg-report .remove")
    assert removes.count() == 4
    for height, line in removes.evaluate_all("els => els.map(e => [e.getBoundingClientRect().height,"
                                             " parseFloat(getComputedStyle(e).lineHeight)])"):
        assert height < 1.5 * line, "移出 wrapped onto two lines"
    shot(page, "13-compare-four")


@pytest.mark.parametrize("count", [1, 5])
def test_compare_error_keeps_query_and_ticks(page, count):
    page.expected_errors.append("status of 400")
    page.goto(f"/search?q={QUERY}")
    ids = result_ids(page)[:count]
    page.goto(f"/compare?ids={','.join(ids)}&q={QUERY}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"当前选择了 {count} 份")
    expect(alert).to_contain_text("再勾选 1 份" if count == 1 else "取消勾选 1 份")
    ticked = page.locator("input.pick:checked").evaluate_all("els => els.map(e => e.value)")
    assert ticked == ids
    assert page.locator("form.compare-form input[name=q]").input_value() == QUERY
    back = page.get_by_role("link", name=f"← 返回“{QUERY}”的检索结果")
    assert query_of(back.get_attribute("href")) == {"q": [QUERY]}
    button = page.locator("[data-compare-submit]")
    expect(button).to_be_disabled()
    shot(page, f"14-compare-error-{count}")
    if count == 1:
        offered = page.locator("input.pick:not(:checked)").evaluate_all("els => els.map(e => e.value)")
        assert offered and offered == [i for i in result_ids_of(page, QUERY) if i not in ids][:len(offered)]
        page.locator("input.pick:not(:checked)").first.check()
    else:
        page.locator("input.pick:checked").last.uncheck()
    expect(button).to_be_enabled()
    button.click()
    page.wait_for_url("**/compare?ids=*")
    assert page.locator(".cg-head .cg-report").count() == (2 if count == 1 else 4)
    assert query_of(page.url)["q"] == [QUERY]


def result_ids_of(page, q: str) -> list[str]:
    """The result order of ``q`` from the JSON twin (what "current hits first" must follow)."""
    return [g["report_id"] for g in page.request.get(f"/api/search?q={q}").json()["groups"]]


def test_add_a_report_offers_hits_first_and_finds(page):
    page.goto(f"/search?q={QUERY}")
    ids = result_ids(page)
    page.goto(f"/compare?ids={ids[0]},{ids[1]}&q={QUERY}")
    hit_options = page.locator("#cmp-select optgroup[label='当前检索结果'] option")
    assert hit_options.evaluate_all("els => els.map(e => e.value)") == ids[2:]
    assert page.locator("#cmp-select option").first.get_attribute("value") == ids[2]
    page.fill("#find-report", "坪山镇")
    page.locator(".find-report button").click()
    page.wait_for_url("**find=**")
    first = page.locator("#cmp-select option").first
    assert "坪山镇" in first.inner_text()
    page.locator(".add-compare button").click()
    page.wait_for_url("**/compare?ids=*")
    expect(page.locator(".cg-head .cg-report")).to_have_count(3)
    assert "坪山镇" in page.locator(".cg-head").inner_text()


def test_phone_and_desktop_layout(page):
    page.goto(f"/search?q={QUERY}")
    page.locator(".group h2 a").first.click()
    page.wait_for_selector(".passage")
    page.locator(".passage .cite-add").first.click()  # the citation badge appears in the header
    expect(page.locator("[data-cite-count]")).to_have_text("1")
    brand, nav = (page.locator(s).bounding_box() for s in (".brand", ".site-nav"))
    header = page.locator(".site-header").bounding_box()
    assert abs((brand["y"] + brand["height"] / 2) - (nav["y"] + nav["height"] / 2)) < 6, "header in one row"
    assert header["height"] < 64 and nav["x"] + nav["width"] <= page.viewport_size["width"]
    _folds_above_on_phone(page, "details.toc", ".fulltext", "ol a", "15-reader-outline-folded")
    shot(page, "16-reader-outline")

    page.goto(f"/search?q={QUERY}")
    _folds_above_on_phone(page, "details.facets-fold", ".results", ".facet label", "17-search-filters-folded")
    shot(page, "18-search-filters")


def _folds_above_on_phone(page, fold: str, content: str, inside: str, folded_shot: str) -> None:
    """On a phone the ``fold`` panel stands above ``content``, closed, and opens on its summary;
    on any width its ``inside`` links end up visible."""
    panel = page.locator(fold)
    if page.width_name == "phone":
        content_top = page.locator(content).bounding_box()["y"]
        assert panel.bounding_box()["y"] < content_top, f"{fold} above {content}"
        assert panel.get_attribute("open") is None, "folded on a phone"
        shot(page, folded_shot)
        panel.locator("> summary").click()
    expect(panel.locator(inside).first).to_be_visible()

    page.goto("/")
    placeholder, fits = page.locator("#q").evaluate("""el => {
        const s = getComputedStyle(el), ctx = document.createElement('canvas').getContext('2d');
        ctx.font = s.font;
        const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return [el.placeholder, ctx.measureText(el.placeholder).width <= room]; }""")
    assert fits, placeholder
    assert placeholder.startswith("输入检索词，如：枫桥经验")


def test_keyboard_skip_link_and_visible_focus(page):
    page.goto(f"/search?q={QUERY}")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert in_viewport(page, ".skip-link") and skip.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert ring[1] != "none" and ring[2] >= 2, ring


def test_every_page_passes_axe(page):
    page.goto(f"/search?q={QUERY}")
    ids = result_ids(page)
    pages = {
        "home": "/",
        "search": f"/search?q={QUERY}",
        "reader": f"/reports/{ids[0]}?q={QUERY}",
        "compare-2": f"/compare?ids={ids[0]},{ids[1]}&q={QUERY}",
        "compare-4": f"/compare?ids={','.join(ids[:4])}&q={QUERY}",
        "cite": f"/reports/{ids[0]}/passages/1/cite",
        "citations": "/citations",
    }
    failures = {}
    for name, url in pages.items():
        page.goto(url)
        if name == "reader":  # so the citation list below has an entry to check
            page.locator(".passage .cite-add").first.click()
            expect(page.locator("[data-cite-count]")).to_have_text("1")
        if found := axe_blocking(page):
            failures[name] = found
    page.expected_errors.extend(["status of 400", "status of 404"])
    errors = {"compare-error": f"/compare?ids={ids[0]}&q={QUERY}", "not-found": "/reports/000000000000"}
    for name, url in errors.items():
        page.goto(url)
        if found := axe_blocking(page):
            failures[name] = found
    assert not failures, failures


def test_template_text_is_muted_and_similar_practices_and_original_only_work(page):
    """The reader mutes template sentences (with how many other townships share a clause of them
    and a link to the copies), each paragraph leads to 类似做法 elsewhere, and 只看特色做法 narrows
    the search; all axe-clean."""
    page.goto("/search?q=" + "习近平法治思想")
    muted_report = None
    for report_id in result_ids(page):
        page.goto(f"/reports/{report_id}")
        labels = page.locator(".tpl-note[data-label*='份报告有相同分句']").evaluate_all(
            "els => els.map(el => el.dataset.label)")
        if any(int(re.search(r"(\d+) 份报告", label).group(1)) >= 2 for label in labels):
            muted_report = report_id
            break
    assert muted_report, "the shipped corpus has template sentences whose clauses others repeat"
    notes = page.locator(".tpl-note[data-label*='份报告有相同分句']")
    counts = [int(re.search(r"(\d+) 份报告", label).group(1)) for label in
              notes.evaluate_all("els => els.map(el => el.dataset.label)")]
    note = notes.nth(counts.index(max(counts)))  # the clause most other reports share
    label = note.get_attribute("data-label")
    assert max(counts) >= 2 and label in note.evaluate("el => getComputedStyle(el, '::after').content")
    shot(page, "19-reader-template-muted")
    assert not axe_blocking(page)
    note.click()
    page.wait_for_url("**/search?**")
    assert page.locator(".group").count() >= 2  # its own report and at least one copy

    page.goto(f"/reports/{muted_report}")
    page.locator(".similar-link").first.click()
    page.wait_for_url("**/similar**")
    shot(page, "20-similar-practices")
    assert not axe_blocking(page)

    def passages_found() -> int:  # "检索结果 31 份报告中的 51 段"
        return int(re.search(r"(\d+) 段", page.locator("#results-heading").inner_text()).group(1))

    page.goto("/search?q=" + "习近平法治思想")  # a phrase templates repeat
    everything = passages_found()
    page.locator("label.original-only input").check()
    page.locator("label.original-only input").evaluate("el => el.form.requestSubmit()")
    page.wait_for_url("**original=yes**")
    shot(page, "21-search-original-only")
    assert not axe_blocking(page)
    assert page.locator("label.original-only input").is_checked()
    assert 0 < passages_found() < everything  # template copies gone, the townships' own wording kept
