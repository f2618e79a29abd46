"""Load against a live gunicorn on loopback, with and without a concurrent ingest (bench.load).

What is proved here (load gives no errors), in a short bounded form of the documented run
(``python -m bench.load --clients 16 --seconds 60``): 8 clients for 10 s mixing searches,
facet clicks, report pages, comparisons and citations get zero errors; the same holds while
another process ingests new reports into the served archive, and when the ingest is done every
gunicorn worker serves the new reports. The tool refuses anything but loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from bench.load import (
    REPO,
    _get_once,
    build_home,
    check_loopback,
    concurrent_ingest,
    gunicorn,
    run_load,
)

pytestmark = pytest.mark.slow

CLIENTS, SECONDS = 8, 10


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(ARCHIVE_HOME, base URL) of a gunicorn serving data/reports, stopped after the module."""
    home = tmp_path_factory.mktemp("load")
    build_home(home)
    with gunicorn(home, workers=3) as base:
        yield home, base


def _assert_clean(report) -> None:
    assert report.errors == 0, report.text()
    assert report.requests >= CLIENTS * 5, report.text()
    assert {"search", "facet", "report", "compare"} <= set(report.by_action), report.text()


def test_mixed_load_has_no_errors(served: tuple[Path, str]) -> None:
    _home, base = served
    report = run_load(base, CLIENTS, SECONDS)
    print(report.text())
    _assert_clean(report)


def test_load_during_an_ingest_has_no_errors_and_the_new_reports_appear(served: tuple[Path, str]) -> None:
    home, base = served
    with concurrent_ingest(home, 40) as ingest:
        report = run_load(base, CLIENTS, SECONDS)
    print(report.text(), ingest)
    _assert_clean(report)
    assert ingest["exit_status"] == 0, ingest
    # Every worker (several requests spread over them) now finds all 40 new reports.
    for _ in range(6):
        status, body = _get_once(base, "/api/search?q=" + quote("负载测试副本"))
        assert status == 200
        assert json.loads(body)["reports"] == 40
    status, body = _get_once(base, "/api/search")  # the browsable archive counts them too
    shipped = len(list((REPO / "data" / "reports").glob("*.txt")))
    assert status == 200 and json.loads(body)["reports"] == shipped + 40


@pytest.mark.parametrize("url", ["http://example.com:80", "http://10.0.0.1:8000", "https://127.0.0.1:8000",
                                 "http://127.0.0.1", "http://127.0.0.1.example.com:80"])
def test_only_loopback_can_be_targeted(url: str) -> None:
    with pytest.raises(ValueError):
        check_loopback(url)


def test_command_line_run_is_bounded_and_reports_figures(served: tuple[Path, str]) -> None:
    _home, base = served
    result = subprocess.run([sys.executable, "-m", "bench.load", "--url", base, "--clients", "2",
                             "--seconds", "2", "--max-requests", "40", "--json"],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout)
    assert 0 < figures["requests"] <= 40
    assert figures["errors"] == 0 and figures["p95_ms"] >= figures["p50_ms"] > 0
