"""Helpers for the real-browser tests: screenshots for a person to look at, viewport and axe checks.

The fixtures themselves (server, browser, page) are in ``tests.browser_fixtures``.
"""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}


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
    for _ in range(timeout_ms // 100):
        if in_viewport(page, selector):
            return True
        page.wait_for_timeout(100)
    return in_viewport(page, selector)
