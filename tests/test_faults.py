"""Faults: processes killed mid-write, indexes lost or corrupted — nothing lost, nothing half-done.

What is proved here (a killed process loses nothing):
* ``python -m fazhi index`` killed with SIGKILL at several moments of a rebuild (as soon as the
  new generation exists, while its literal table grows, while Whoosh writes, and at seeded
  random times) leaves the previous generation live and answering exactly as before, and the
  next run completes and leaves no pile of dead generations;
* ``python -m fazhi ingest`` killed mid-batch (by its own per-file hook, right after a stored
  file: ``tests.support.interrupt``) leaves only whole reports in the store (per-file
  transactions), the interrupted run visible, and the next run completes the batch;
* a deleted or corrupted index is rebuilt from the store when the app starts (``wsgi``), with
  one clear log line, and answers correctly afterwards.
Progress is detected by polling the file system and the store, never by fixed sleeps.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from archive.config import ArchiveConfig
from archive.store.ingest import ingest_paths
from indexer.index.build import rebuild
from indexer.index.generation import KEEP_OLD, LITERAL_DB, PREFIX, WHOOSH_DIR, current_generation
from indexer.index.recovery import index_problem
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.cli import archive_env, run_archive, run_interrupted
from tests.support.hostile import assert_store_and_index_agree, report_text
from tests.support.paths import REPO, SHIPPED_DIR

pytestmark = pytest.mark.slow

QUERIES = ("枫桥经验", "矛盾纠纷", '"编号00042"', "法治 -培训", "依法行政 year:2023")
EXTRA_REPORTS = 400  # enough passages that a rebuild lasts long enough to be interrupted


def answers(config: ArchiveConfig) -> dict[str, list[tuple[str, int]]]:
    """What the live index says for a fixed set of queries (a fresh service: no cached handles)."""
    service = SearchService(config)
    return {q: service.passage_ids(q) for q in QUERIES}


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen, timeout: float = 120) -> bool:
    """Poll ``condition`` until true (True), or until ``proc`` exits first (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    raise AssertionError("no progress within the time limit")


def _write_reports(folder: Path, count: int, first: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(first, first + count):
        path = folder / f"生成 {n:05d}.txt"
        path.write_text(report_text(n) * 3, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> ArchiveConfig:
    """Shipped reports + generated ones, ingested and indexed once for this module."""
    home = tmp_path_factory.mktemp("faults")
    files = [*sorted(SHIPPED_DIR.glob("*.txt")), *_write_reports(home / "gen", EXTRA_REPORTS)]
    config = make_config(home / "archive")
    summary = ingest_paths(sessions_of(config), files, workers=2)
    assert not summary.failures, summary.failures
    rebuild(config, sessions_of(config))
    return config


def _new_generation(config: ArchiveConfig, live: str) -> Path | None:
    found = [p for p in config.index_dir.glob(f"{PREFIX}*") if p.is_dir() and p.name > live]
    return max(found) if found else None


def _moments(config: ArchiveConfig, live: str, rng: random.Random) -> list[tuple[str, Callable[[], bool]]]:
    """Named progress conditions of a rebuild, early to late, plus seeded random delays."""

    def new_folder() -> bool:
        return _new_generation(config, live) is not None

    def literal_growing() -> bool:
        folder = _new_generation(config, live)
        path = folder / LITERAL_DB if folder is not None else None
        return path is not None and path.exists() and path.stat().st_size > 200_000

    def whoosh_writing() -> bool:
        folder = _new_generation(config, live)
        return folder is not None and any(p.suffix != ".lock" for p in (folder / WHOOSH_DIR).glob("*"))

    def after(seconds: float) -> Callable[[], bool]:
        start = time.monotonic()
        return lambda: time.monotonic() - start >= seconds

    return [("new generation folder", new_folder), ("literal table growing", literal_growing),
            ("whoosh segment written", whoosh_writing),
            *[(f"random {delay:.2f}s", after(delay)) for delay in (rng.uniform(0.2, 4.0) for _ in range(2))]]


def test_rebuild_killed_at_any_moment_keeps_the_previous_generation(indexed: ArchiveConfig) -> None:
    config = indexed
    expected = answers(config)
    assert all(expected[q] for q in QUERIES[:3]), expected
    rng = random.Random(6)
    killed = 0
    for index in range(5):
        live = current_generation(config.index_dir)
        assert live is not None
        name, condition = _moments(config, live.name, rng)[index]
        proc = subprocess.Popen([sys.executable, "-m", "fazhi", "index"], cwd=REPO,
                                env=archive_env(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            reached = wait_for(condition, proc)
            if reached and proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
        finally:
            proc.wait(timeout=60)
        # Whether killed or finished first, what is live must be whole and answer as before.
        assert index_problem(config, sessions_of(config)) is None, name
        assert answers(config) == expected, f"answers changed after a kill at: {name}"
    assert killed >= 3, "the rebuild finished before most kill moments: make the corpus bigger"
    assert_store_and_index_agree(config, probe_limit=100)
    finished = run_archive(config, "index")
    assert finished.returncode == 0, finished.stderr
    assert answers(config) == expected
    generations = [p for p in config.index_dir.glob(f"{PREFIX}*") if p.is_dir()]
    names = sorted(p.name for p in generations)
    assert len(generations) <= 1 + KEEP_OLD, f"dead generations pile up: {names}"


def _count_sources(config: ArchiveConfig) -> int:
    path = config.database_url.removeprefix("sqlite:///")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM source_files").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_ingest_killed_mid_batch_keeps_whole_reports_and_the_next_run_completes(tmp_path: Path) -> None:
    config = make_config(tmp_path / "archive")
    summary = ingest_paths(sessions_of(config), sorted(SHIPPED_DIR.glob("*.txt")), workers=1)
    assert not summary.failures
    rebuild(config, sessions_of(config))
    before = answers(config)
    batch = _write_reports(tmp_path / "batch", 150, first=1000)
    shipped = _count_sources(config)
    # killed right after its 10th stored file (no clean-up: as the OOM killer would)
    run_interrupted(archive_env(config), "ingest", "--workers", "1", str(tmp_path / "batch"), after_stored=10)
    # Only whole reports: each stored file has its report, each report its passages.
    conn = sqlite3.connect(config.database_url.removeprefix("sqlite:///"))
    try:
        orphans = conn.execute("SELECT count(*) FROM source_files s LEFT JOIN reports r "
                               "ON r.id = s.report_id WHERE r.id IS NULL").fetchone()[0]
        empty = conn.execute("SELECT count(*) FROM reports r WHERE NOT EXISTS "
                             "(SELECT 1 FROM passages p WHERE p.report_id = r.id)").fetchone()[0]
        unfinished = conn.execute("SELECT count(*) FROM ingest_runs WHERE finished_at IS NULL").fetchone()[0]
        partial = conn.execute("SELECT count(*) FROM source_files").fetchone()[0] - shipped
    finally:
        conn.close()
    assert (orphans, empty) == (0, 0)
    assert unfinished == 1, "the interrupted run stays visible"
    assert 10 <= partial < len(batch)
    assert answers(config) == before, "the index still serves the previous consistent state"
    rerun = run_archive(config, "ingest", str(tmp_path / "batch"))
    assert rerun.returncode == 0, rerun.stderr
    assert _count_sources(config) == shipped + len(batch)
    # The rerun indexes what it ingested *and* what the killed run committed but never indexed.
    assert index_problem(config, sessions_of(config)) is None
    assert_store_and_index_agree(config)


def test_rerun_of_a_killed_ingest_alone_leaves_the_index_complete(tmp_path: Path) -> None:
    """Regression: the CLI used to index only the ids changed in its own run."""
    config = make_config(tmp_path / "archive")
    first = _write_reports(tmp_path / "batch", 12, first=2000)
    ingest_paths(sessions_of(config), first[:6], workers=1)  # a run whose index update never happened
    rebuild(config, sessions_of(config))
    ingest_paths(sessions_of(config), first[6:], workers=1)  # … committed to the store, then SIGKILL
    rerun = run_archive(config, "ingest", str(tmp_path / "batch"))
    assert rerun.returncode == 0, rerun.stderr
    assert index_problem(config, sessions_of(config)) is None


def _corrupt_whoosh(config: ArchiveConfig) -> None:
    generation = current_generation(config.index_dir)
    assert generation is not None
    segment = next((generation / WHOOSH_DIR).glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])


def _corrupt_literal(config: ArchiveConfig) -> None:
    generation = current_generation(config.index_dir)
    assert generation is not None
    path = generation / LITERAL_DB
    data = bytearray(path.read_bytes())
    data[:100] = b"\xff" * 100
    path.write_bytes(bytes(data))


def _corrupt_literal_after_a_passed_check(config: ArchiveConfig) -> None:
    """Same size, pages in the middle overwritten, after a start-up check recorded a pass: the
    recorded pass must not hide the damage (the skip is keyed to the file's size and mtime)."""
    assert index_problem(config, sessions_of(config)) is None  # records the pass beside the file
    generation = current_generation(config.index_dir)
    assert generation is not None
    path = generation / LITERAL_DB
    data = bytearray(path.read_bytes())
    quarter = len(data) // 4
    data[quarter: 3 * quarter] = b"\xff" * (2 * quarter)
    path.write_bytes(bytes(data))


def _lose_index(config: ArchiveConfig) -> None:
    shutil.rmtree(config.index_dir)


def _stale_index(config: ArchiveConfig) -> None:
    ingest_paths(sessions_of(config), _write_reports(config.home / "late", 3, first=3000), workers=1)


@pytest.mark.parametrize("damage", [_lose_index, _corrupt_whoosh, _corrupt_literal,
                                    _corrupt_literal_after_a_passed_check, _stale_index],
                         ids=["deleted", "whoosh-truncated", "literal-overwritten", "literal-pages",
                              "stale"])
def test_damaged_index_is_repaired_on_start_with_a_log_line(make_archive, damage) -> None:
    config = make_archive(sorted(SHIPPED_DIR.glob("*.txt")))
    expected = answers(config)
    damage(config)
    assert index_problem(config, sessions_of(config)) is not None
    started = subprocess.run([sys.executable, "-c", "import wsgi; print(len(wsgi.app.url_map._rules))"],
                             cwd=REPO, env=archive_env(config), capture_output=True, text=True, timeout=300,
                             check=False)
    assert started.returncode == 0, started.stderr[-2000:]
    lines = [line for line in started.stderr.splitlines() if "search index" in line]
    assert lines and ("rebuilding" in lines[0] or "updating" in lines[0]), started.stderr[-2000:]
    assert "repaired" in lines[-1]
    assert index_problem(config, sessions_of(config)) is None
    if damage is not _stale_index:
        assert answers(config) == expected
    assert_store_and_index_agree(config)


def test_index_lost_while_serving_is_reported_not_zero_hits(make_archive, client_for) -> None:
    config = make_archive(sorted(SHIPPED_DIR.glob("*.txt")))
    client = client_for(config, TESTING=False)
    assert client.get("/api/search?q=枫桥经验").get_json()["total"] > 0
    _lose_index(config)
    response = client.get("/api/search?q=枫桥经验")
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True)[:200])
