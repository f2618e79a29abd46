"""Helpers for the real-browser tests: Debian's Chromium, screenshots for a person to look at,
viewport and axe checks, and waits on what the page does (never on a guessed time).

The fixtures themselves (server, browser, page) are in ``tests/conftest.py``.
"""

from __future__ import annotations

from .paths import REPO
from .waiting import poll

ARTIFACTS = REPO / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = {"desktop": (1366, 900), "phone": (375, 812)}

# Resolves once the element's scroll event has been dispatched and a frame has passed, so the
# page's own scroll handlers (registered before this one) have run; at once when the position
# does not change (then no scroll event comes). ``top`` null means the bottom.
_SCROLL_AND_SETTLE = """(el, top) => new Promise(done => {
    const bottom = el.scrollHeight - el.clientHeight;
    const target = top === null ? bottom : Math.min(top, bottom);
    if (Math.abs(el.scrollTop - target) < 1) { done(false); return; }
    el.addEventListener("scroll", () => requestAnimationFrame(() => done(true)), { once: true });
    el.scrollTop = top === null ? el.scrollHeight : top;
})"""


def shot(page, name: str) -> None:
    """Full-page screenshot into test-artifacts/, named by scenario and width, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.width_name}.png"), full_page=True)


def in_viewport(page, selector: str) -> bool:
    """Whether the element's top edge is on screen (scrolling really happened)."""
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }""")


def axe_blocking(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line per rule.

    axe.min.js comes from the pinned ``axe-playwright-python`` wheel (never from a CDN) and is
    evaluated through the DevTools protocol, which the pages' CSP (no inline script) allows.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} e.g. {v['nodes'][0]['target']}"
        for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]


def scrolled_into_view(page, selector: str, timeout_ms: int = 3000) -> bool:
    """Whether the element comes on screen within the timeout (smooth scrolling takes a moment).

    Polled from Python: ``wait_for_function`` would eval() a string in the page, which the CSP forbids.
    """
    return poll(lambda: in_viewport(page, selector), timeout_ms / 1000, interval=0.1)


def scroll_and_settle(pane, top: int | None) -> None:
    """Scroll the element of locator ``pane`` to ``top`` px (None: to the bottom) and return once
    the page has handled that scroll: what its scroll handlers do is done, nothing is guessed."""
    pane.evaluate(_SCROLL_AND_SETTLE, top)
