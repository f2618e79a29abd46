"""The harvester against a county portal on loopback (tests/support/harvest_site.py): every report once
with its URL, robots.txt obeyed, non-reports skipped, failures named, a killed run resumed without
refetching, a second run answered by 304s, --delay kept, and the admin API."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.harvest.crawl import HarvestOptions, harvest, state_path, wait_background
from archive.harvest.fetch import USER_AGENT, FetchOptions
from archive.harvest.state import HarvestState
from archive.store.changes import make_session_factory
from archive.store.db import Report, make_engine
from fazhi.cli import main
from tests.support.archives import make_config, sessions_of
from tests.support.cli import cli_env
from tests.support.harvest_site import (
    ATTACHMENT_PATH,
    ATTACHMENT_REPORT,
    COLUMN,
    DISCLOSURE_PATH,
    DUPLICATE_PATH,
    FORBIDDEN_PATH,
    MISSING_PATH,
    OLD_PATH,
    REPORT_PAGES,
    SLOW_PATH,
    FixtureSite,
)
from tests.support.paths import REPO, WEB_DIR
from tests.support.waiting import poll

KILLED_AT = 8  # the request during which the killed harvest dies
FAST = HarvestOptions(fetch=FetchOptions(delay=0, timeout=0.4, retries=1, backoff=0))
START = COLUMN + "index.html"
# Where each report must end up coming from (the 301 leads to its new address; r030 is the .docx).
EXPECTED_SOURCES = {**REPORT_PAGES, ATTACHMENT_REPORT: ATTACHMENT_PATH}
# Links the harvester must never follow: menus, breadcrumbs, another column, a report page's 上一篇.
NOT_FOLLOWED = ("/index.html", "/xxgk/index.html", "/hdjl/index.html", "/art/2022/1/5/art_101_777.html")


def stored(config) -> dict[str, Report]:
    """Reports in the store by source URL."""
    with make_session_factory(make_engine(config.database_url))() as session:
        reports = list(session.scalars(select(Report)))
        session.expunge_all()
    return {report.source_url: report for report in reports}


def distinctive_line(name: str) -> str:
    """The longest line of a corpus report: text its ingested report must contain."""
    return max((WEB_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines(), key=len).strip()[:40]


def test_harvest_ingests_every_report_once_with_its_url(tmp_path: Path, harvest_site: FixtureSite) -> None:
    config = make_config(tmp_path / "home")
    started = time.monotonic()
    result = harvest(config, sessions_of(config), [harvest_site.url(START)], FAST)
    seconds = time.monotonic() - started
    reports = stored(config)
    assert sorted(reports) == sorted(harvest_site.url(path) for path in EXPECTED_SOURCES.values())
    for name, path in EXPECTED_SOURCES.items():
        report = reports[harvest_site.url(path)]
        assert distinctive_line(name) in report.text.replace("\n", ""), name  # GBK page decoded right
        assert report.retrieved.startswith(time.strftime("%Y-"))
        assert report.doc_type == "年度报告"
    counts = result.progress.counts
    assert counts["new"] == len(EXPECTED_SOURCES) == 6
    assert counts["duplicate"] == 1 and counts["not-report"] == 1 and counts["robots"] == 1
    assert counts["listing"] == 3 and counts["attachments"] == 1 and counts["redirect"] == 1
    failures = {item["url"]: item["reason"] for item in result.progress.failures}
    assert failures == {harvest_site.url(MISSING_PATH): "HTTP 404",
                        harvest_site.url(SLOW_PATH): "超时（timeout）"}
    assert FORBIDDEN_PATH not in harvest_site.paths()  # robots.txt: recorded, never requested
    assert not set(NOT_FOLLOWED) & set(harvest_site.paths())
    assert {DISCLOSURE_PATH, DUPLICATE_PATH, OLD_PATH} <= set(harvest_site.paths())
    assert {hit.user_agent for hit in harvest_site.log} == {USER_AGENT}
    assert result.progress.fetched == 12 and seconds < 15, (result.progress.fetched, seconds)
    # Re-ingesting the harvest folder gives the same reports: the sidecars carry the provenance.
    files = sorted((config.home / "harvest").rglob("*.meta.json"))
    assert len(files) == 6


def test_second_run_downloads_nothing_unchanged_and_replaces_a_changed_page(
        tmp_path: Path, harvest_site: FixtureSite) -> None:
    config = make_config(tmp_path / "home")
    harvest(config, sessions_of(config), [harvest_site.url(START)], FAST)
    before = stored(config)
    changed = REPORT_PAGES["r018"]
    harvest_site.change(changed, "本报告于次年补充：全年共开展法治宣传活动四十二场次。")
    harvest_site.log.clear()
    result = harvest(config, sessions_of(config), [harvest_site.url(START)], FAST)
    downloaded = set(harvest_site.paths(200)) - {"/robots.txt", SLOW_PATH}  # the slow page never arrives
    assert downloaded == {changed}
    # 3 listings, the 5 unchanged reports, the wrapper page, the duplicate URL, the disclosure report
    assert len(harvest_site.paths(304)) == 11
    assert result.progress.counts["updated"] == 1 and result.progress.fetched == 1
    after = stored(config)
    assert sorted(after) == sorted(before)
    assert "四十二场次" in after[harvest_site.url(changed)].text
    assert after[harvest_site.url(changed)].id != before[harvest_site.url(changed)].id  # replaced, not added


def test_killed_harvest_resumes_fetching_only_what_is_missing(tmp_path: Path,
                                                              harvest_site: FixtureSite) -> None:
    config = make_config(tmp_path / "home")
    process = subprocess.Popen(
        [sys.executable, "-m", "fazhi", "harvest", harvest_site.url(START), "--delay", "0.15",
         "--timeout", "0.4", "--no-index", "--quiet"],
        cwd=REPO, env=cli_env(config.home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Killed by the site as its 8th request arrives: mid-fetch, after 7 answered requests, every time.
    harvest_site.on_request = lambda number: process.kill() if number == KILLED_AT else None
    process.wait(60)
    assert process.returncode == -signal.SIGKILL, "the harvest ended before the site stopped it"
    assert poll(lambda: len(harvest_site.log) >= KILLED_AT, timeout=10)  # the site logged that request
    state = HarvestState(state_path(config))
    try:
        done_before = set(state.outcomes(1))
    finally:
        state.close()
    assert 3 <= len(done_before) < 15, done_before  # killed halfway
    first_requests = list(harvest_site.paths())
    harvest_site.log.clear()
    result = harvest(config, sessions_of(config), [harvest_site.url(START)], FAST)
    assert result.resumed and result.progress.run_id == 1
    refetched = {harvest_site.url(path) for path in harvest_site.paths()} & done_before
    assert not refetched  # nothing the killed run finished is fetched again
    unfinished = ({path for path in first_requests if harvest_site.url(path) not in done_before}
                  - {"/robots.txt"})
    assert unfinished <= set(harvest_site.paths())  # the page being fetched when killed is fetched again
    reports = stored(config)
    assert sorted(reports) == sorted(harvest_site.url(path) for path in EXPECTED_SOURCES.values())


def test_delay_spaces_the_requests_to_a_host(tmp_path: Path, harvest_site: FixtureSite) -> None:
    delay = 0.08
    options = HarvestOptions(depth=1, fetch=FetchOptions(delay=delay, timeout=0.4, retries=0, backoff=0))
    config = make_config(tmp_path / "home")
    harvest(config, sessions_of(config), [harvest_site.url(START)], options)
    starts = [hit.at for hit in harvest_site.log]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) >= 10 and min(gaps) >= delay, gaps


def test_cli_harvest_prints_a_summary_and_rejects_bad_urls(tmp_path: Path, harvest_site: FixtureSite,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    del harvest_site.resources[SLOW_PATH]  # the CLI retries three times with backoff: keep the test fast
    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ARCHIVE_DATABASE_URL", raising=False)
    code = main(["harvest", harvest_site.url(START), "--delay", "0", "--timeout", "1", "--no-index",
                 "--quiet"])
    out = capsys.readouterr().out
    assert code == 1  # two dead links
    assert ("新收录 6" in out and "robots.txt 禁止 1" in out
            and f"{harvest_site.url(MISSING_PATH)}: HTTP 404" in out)
    assert main(["harvest", "ftp://example.org/report.pdf", "--quiet"]) == 2
    assert "不是可抓取的网址" in capsys.readouterr().err


def test_admin_starts_a_harvest_and_reports_its_progress(tmp_path: Path, harvest_site: FixtureSite,
                                                         app_for) -> None:
    del harvest_site.resources[SLOW_PATH]
    config = make_config(tmp_path / "home")
    config.ensure_home()
    token = "t" * 32
    app = app_for(config, ADMIN_TOKEN=token)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/admin/harvest", headers=auth).get_json() == {"status": "none"}
    assert client.post("/admin/harvest", json={"urls": [harvest_site.url(START)]}).status_code == 403
    bad = client.post("/admin/harvest", json={"urls": [harvest_site.url(START)], "depth": -1}, headers=auth)
    assert bad.status_code == 400 and "depth" in bad.get_json()["error"]
    script = client.post("/admin/harvest", json={"urls": ["javascript:alert(1)"]}, headers=auth)
    assert script.status_code == 400 and "不是可抓取的网址" in script.get_json()["error"]
    body = {"urls": [harvest_site.url(START)], "delay": 0, "timeout": 1}
    started = client.post("/admin/harvest", json=body, headers=auth)
    assert started.status_code == 202
    assert client.post("/admin/harvest", json=body, headers=auth).status_code == 409
    assert wait_background(60)
    progress = client.get("/admin/harvest", headers=auth).get_json()
    assert progress["status"] == "finished" and progress["counts"]["new"] == 6
    assert progress["done"] == progress["queued"] == 16
    assert [failure["reason"] for failure in progress["failures"]] == ["HTTP 404", "HTTP 404"]
    from indexer.index.generation import current_generation

    assert current_generation(config.index_dir) is not None  # the harvest thread built the index
