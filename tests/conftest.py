"""The suite's fixtures, all in one place, and the lanes their use puts a test in.

Archives, built by the real ingest and index (``tests.support.archives``):
``archive_config`` is the shipped corpus (data/reports), built once per session and only read;
``web_archive`` the same plus the web tests' hostile report and id alias, also once and only
read; ``make_archive(files)`` builds a test an archive of its own — a test that changes an
archive must use it (or its own instance folder), never change the shared ones.

The web app: ``app_for(config, **settings)`` is the real Flask app on any archive (``TESTING`` on
unless a setting says otherwise), ``client_for`` its test client; ``app`` and ``client`` are the
app on the session archive. A module that needs another archive or other settings overrides
``app`` with ``app_for`` and keeps ``client``.

Live processes: ``server`` (gunicorn on the web archive, one per module), ``browser`` (Chromium,
one per module) and ``page`` (a page at each of two widths); ``postgres_url`` (a throwaway
PostgreSQL server per module); ``harvest_site`` (the harvester's county portal on loopback).

Lanes: ``pytest_collection_modifyitems`` marks each test by the fixtures it uses (``LANES``):
``browser`` for a live gunicorn or Chromium, ``postgres`` for PostgreSQL, ``slow`` for an archive of
its own or the live portal. What no fixture shows (a CLI run in a subprocess, a long property run,
a load test) is marked ``slow`` in its module. ``bash scripts/test.sh --fast`` runs what none of
them marks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from archive.config import ArchiveConfig
from tests.support.archives import build_archive
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, WIDTHS
from tests.support.cli import archive_env
from tests.support.harvest_site import FixtureSite, RunningSite, build_site
from tests.support.paths import corpus_files
from tests.support.postgres import postgres_server
from tests.support.servers import Gunicorn
from tests.support.web_archive import build_instance

# marker → the fixtures whose use puts a test in that lane
LANES = {
    "browser": {"server", "browser", "page"},
    "postgres": {"postgres_url"},
    "slow": {"make_archive", "harvest_site"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test by the fixtures it uses, directly or through other fixtures (``LANES``)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in LANES.items():
            if used & fixtures:
                item.add_marker(marker)


# --------------------------------------------------------------------------------------- archives


@pytest.fixture(scope="session")
def archive_config(tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """The shipped corpus (data/reports), ingested and indexed once per session; read-only."""
    return build_archive(tmp_path_factory.mktemp("archive"), corpus_files())


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """The shipped corpus plus the web tests' hostile report and an id alias (``build_instance``),
    built once per session and shared by the web, practice, indicator and browser tests; read-only."""
    return build_instance(tmp_path_factory.mktemp("web"))


@pytest.fixture
def make_archive(tmp_path: Path) -> Callable[..., ArchiveConfig]:
    """``make_archive(files, workers=1)``: a new archive of ``files`` for this test alone, through
    the real ingest and index (each call a new instance folder under the test's ``tmp_path``)."""
    numbers = itertools.count()

    def make(files: list[Path], workers: int = 1) -> ArchiveConfig:
        return build_archive(tmp_path / f"archive-{next(numbers)}", files, workers)

    return make


# ---------------------------------------------------------------------------------------- web app


@pytest.fixture(scope="session")
def app_for() -> Callable[..., Flask]:
    """``app_for(config, **settings)``: the real app on ``config``'s archive; ``TESTING`` is on
    unless ``settings`` say otherwise (an app as production runs it: ``TESTING=False``)."""
    from web import create_app

    def make(config: ArchiveConfig, **settings: object) -> Flask:
        return create_app({"TESTING": True, "ARCHIVE_CONFIG": config, **settings})

    return make


@pytest.fixture(scope="session")
def client_for(app_for: Callable[..., Flask]) -> Callable[..., FlaskClient]:
    """``client_for(config, **settings)``: a test client of ``app_for(config, **settings)``."""
    return lambda config, **settings: app_for(config, **settings).test_client()


@pytest.fixture(scope="module")
def app(archive_config: ArchiveConfig, app_for: Callable[..., Flask]) -> Flask:
    """The app on the session archive; a module needing another archive or settings overrides it."""
    return app_for(archive_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the module's ``app`` (a new one per test: no cookies carried over)."""
    return app.test_client()


# ------------------------------------------------------------------------------- live processes


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server and empty database for the module using it."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def harvest_site() -> Iterator[FixtureSite]:
    """The harvester's county portal (``tests.support.harvest_site``), served on loopback."""
    running = RunningSite(build_site())
    try:
        yield running.site
    finally:
        running.stop()


@pytest.fixture(scope="module")
def server(web_archive: ArchiveConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn serving the web archive on a free loopback port with the project's settings
    (``gunicorn.conf.py``: preload, warm-up, no request-line limit); its base URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    env = {**archive_env(web_archive), "ARCHIVE_PUBLIC_URL": ""}
    gunicorn = Gunicorn(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    gunicorn.wait_ready(timeout=30)
    yield gunicorn.base
    gunicorn.stop()


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
