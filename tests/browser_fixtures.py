"""Real-browser fixtures: a live gunicorn on loopback, Debian's Chromium, pages at two widths.

Why a plugin module: two test modules drive the browser (``test_browser`` for the basic
scenarios, ``test_browser_journeys`` for issue 10's journeys) and must not carry two copies of
these fixtures. Each declares ``pytest_plugins = ["tests.browser_fixtures"]`` (so pytest also
rewrites the asserts here) and gets its own module-scoped server (a few seconds to start).
Helpers that tests call directly are in ``tests.browser_support``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web_fixtures import build_instance

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = {"desktop": (1366, 900), "phone": (375, 812)}


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn serving a fresh instance on a free loopback port with the project's settings
    (``gunicorn.conf.py``: preload, warm-up, no request-line limit); stopped by its pid afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    config = build_instance(tmp_path_factory.mktemp("browser"))
    port = free_port()
    env = {**os.environ, "ARCHIVE_HOME": str(config.home), "ARCHIVE_PUBLIC_URL": ""}
    log = open(config.home / "gunicorn.log", "wb")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(  # the project's own settings (gunicorn.conf.py), as scripts/serve.sh
        [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py", "-w", "2",
         "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((config.home / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(server: str):
    """One headless Chromium per module (launching one per test would dominate the run time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser, server: str):
    """A page at one of the two widths; fails the test on console errors or JS dialogs."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  base_url=server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("dialog", lambda dialog: (problems.append("dialog: " + dialog.message), dialog.dismiss()))
    tab.width_name = request.param  # type: ignore[attr-defined]
    # A test that opens an error page on purpose lists the console line it expects (Chromium logs
    # every 4xx document as an error); anything else still fails the test.
    tab.expected_errors = []  # type: ignore[attr-defined]
    yield tab
    context.close()
    unexpected = [p for p in problems if not any(expected in p for expected in tab.expected_errors)]
    assert not unexpected, unexpected
