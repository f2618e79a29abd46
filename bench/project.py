"""This project, measured the way users meet it: ingest + index, the service, and HTTP.

Steps (each run by ``bench.worker`` in its own process):

- ``project-build``: ``ingest_paths`` with both cores, then ``indexer.index.build.rebuild``;
  wall and CPU time, store and index size on disk, peak memory (this process and its pool
  workers), recorded in ``BUILD_RECORD``; ``project-reuse`` gives that record instead when the
  store and index it describes are still current (``--reuse-build``);
- ``project``: ``SearchService.search`` in-process, cold start included;
- ``http``: a live ``gunicorn -w 2`` on loopback: time from launch to the first answered search,
  latency of ``/api/search``, resident memory of its workers;
- ``add``: one new report file → ingest → ``indexer.index.build.update``, searched for meanwhile: the time
  until a search finds it, and until the update (template marking included) ends.

The service reports places (paragraphs, headings, titles) by report id and reader anchor; they
are mapped to the ids of the shared table and the truth (``bench.passages``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pickle
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from time import perf_counter, sleep, time_ns
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from archive.config import ArchiveConfig
from archive.fields import UNKNOWN_PLACE, UNKNOWN_YEAR

from . import passages
from .corpus import compose, plan, read_manifest
from .measure import measure
from .queries import BenchQuery
from .systems.base import Answer
from .worker import disk_bytes, peak_rss_mb

if TYPE_CHECKING:
    from fazhi.operations import Archive

REPO = Path(__file__).resolve().parents[1]
GUNICORN_WORKERS = 2
BOOT_TIMEOUT_S = 120.0
WARM_QUERY = "法治"
BUILD_RECORD = "build.json"  # a build's figures, beside its instance folder (``reuse``)


def config_for(home: Path) -> ArchiveConfig:
    """An instance folder of its own, SQLite store inside it; every search computed (no answer
    kept from an earlier identical request: ``indexer.results.result_cache``), so each timing is a
    request's own work."""
    return ArchiveConfig(home=home.resolve(), database_url=f"sqlite:///{home.resolve() / 'archive.sqlite3'}",
                         result_cache=False)


@contextlib.contextmanager
def shipped_archive(home: Path | None = None) -> Iterator[Archive]:
    """The shipped corpus (``data/reports``) ingested and indexed in ``home``, or in a temporary
    folder removed afterwards: what the measures of the shipped reports (template text, practice
    ranking, a request's fixed cost) read."""
    from fazhi.operations import Archive

    with tempfile.TemporaryDirectory() as scratch:
        archive = Archive(config_for(home or Path(scratch) / "archive"))
        archive.ingest(sorted((REPO / "data" / "reports").glob("*.txt")), index=False)
        archive.rebuild()
        yield archive


def _inputs(workdir: Path) -> dict:
    with (workdir / "inputs.pkl").open("rb") as handle:
        return pickle.load(handle)


def _pid_map(workdir: Path) -> dict[tuple[str, str], int]:
    """(report id, anchor) → id of the place in the shared table."""
    return {(r.report_id, r.anchor): r.pid for r in passages.load(workdir / "passages.pkl")}


def to_answer(payload: dict, pids: dict[tuple[str, str], int]) -> Answer:
    """The documented JSON (or ``SearchResult.to_json()``) reduced to what the check compares."""
    # Entries are [value, reports, passages]; the truth counts passages and lists no unknown place.
    facets = {name: {str(value): passages for value, _reports, passages in rows
                     if value not in (UNKNOWN_PLACE, UNKNOWN_YEAR)}
              for name, rows in payload["facets"].items()}
    hits = [(group["report_id"], hit) for group in payload["groups"] for hit in group["hits"]]
    return Answer(payload["total"], facets, [pids.get((rid, hit["anchor"]), -1) for rid, hit in hits],
                  [hit["snippet"] for _, hit in hits])


class ServiceSystem:
    """``SearchService`` in this process, as a web worker holds it."""

    name = "project"

    def __init__(self, config: ArchiveConfig, pids: dict[tuple[str, str], int]) -> None:
        from indexer.service import SearchService

        self.service = SearchService(config)
        self.pids = pids

    def search(self, query: BenchQuery) -> Answer:
        return to_answer(self.service.search(query.text).to_json(), self.pids)

    def matching_ids(self, query: BenchQuery) -> set[int]:
        rows = self.service.export_rows(query.text)
        return {self.pids.get((row["report_id"], row["anchor"]), -1) for row in rows}

    def close(self) -> None:
        self.service = None  # type: ignore[assignment]


class HttpSystem:
    """``GET /api/search`` on a live gunicorn; the full match set is not exposed over HTTP."""

    name = "http"

    def __init__(self, base: str, pids: dict[tuple[str, str], int]) -> None:
        self.base = base
        self.pids = pids

    def fetch(self, text: str) -> dict:
        url = f"{self.base}/api/search?{urllib.parse.urlencode({'q': text})}"
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.loads(response.read())

    def search(self, query: BenchQuery) -> Answer:
        return to_answer(self.fetch(query.text), self.pids)

    def matching_ids(self, query: BenchQuery) -> None:
        return None

    def close(self) -> None:
        pass


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (parse pool, index writers): what a
    build costs whatever else shares the machine, beside its wall time."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(args: argparse.Namespace) -> dict:
    """Fresh instance folder; ingest the corpus with both cores, then a full index rebuild."""
    from archive.store.db import Report, SourceFile
    from fazhi.operations import Archive

    shutil.rmtree(args.home, ignore_errors=True)
    config = config_for(args.home)
    archive = Archive(config)
    start, cpu = perf_counter(), cpu_s()
    # The report files only: the corpus folder also holds the generator's manifest.
    summary = archive.ingest(sorted(args.corpus.glob("*.txt")), workers=2, index=False)
    ingest_s, ingest_cpu_s = perf_counter() - start, cpu_s() - cpu
    start, cpu = perf_counter(), cpu_s()
    stats = archive.rebuild()
    index_s, index_cpu_s = perf_counter() - start, cpu_s() - cpu
    placed = _placement(archive.engine, args.corpus, Report, SourceFile)
    result = {"system": "project-build", "ingest_s": ingest_s, "index_s": index_s,
              "build_s": ingest_s + index_s, "ingest_cpu_s": ingest_cpu_s, "index_cpu_s": index_cpu_s,
              "counts": summary.counts, "index_passages": stats.passages, "placed": placed,
              "store_bytes": disk_bytes(config.home / "archive.sqlite3"),
              "index_bytes": disk_bytes(config.index_dir), **peak_rss_mb()}
    (args.workdir / BUILD_RECORD).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result


def reuse(args: argparse.Namespace) -> dict:
    """The figures of the build an earlier run recorded (``BUILD_RECORD``), when its store and
    index are still there, hold the corpus's reports and are current: so that a size whose build
    takes most of an hour (50,000 reports) can be measured again without building it again.
    Refused, with the reason, when any of that does not hold."""
    from sqlalchemy import func, select

    from archive.store.db import Report
    from fazhi.operations import Archive
    from indexer.index.recovery import index_problem

    record_path = args.workdir / BUILD_RECORD
    if not record_path.exists():
        raise SystemExit(f"no build to reuse: {record_path} is missing (run once without --reuse-build)")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    archive = Archive(config_for(args.home))
    with archive.sessions() as session:
        reports = session.scalar(select(func.count()).select_from(Report))
    expected = len(read_manifest(args.corpus))
    if reports != expected:
        raise SystemExit(f"the store holds {reports} reports, the corpus {expected}: build again")
    problem = index_problem(archive.config, archive.sessions)
    if problem is not None:
        raise SystemExit(f"the index is not current ({problem}): build again")
    return {**record, "reused": True}


def _placement(engine: Engine, corpus: Path, report_table: type, source_table: type) -> dict[str, int]:
    """How many reports the parser placed at the planned township and year (a sanity figure)."""
    from sqlalchemy import select

    planned = {item.file: item for item in read_manifest(corpus)}
    stmt = select(source_table.filename, report_table.township, report_table.county, report_table.year).join(
        report_table, report_table.id == source_table.report_id)
    right = total = 0
    with engine.connect() as conn:
        for filename, township, county, year in conn.execute(stmt):
            item = planned.get(filename)
            total += 1
            right += bool(item and (item.township, item.county, item.year) == (township, county, year))
    engine.dispose()
    return {"right": right, "of": total}


def service(args: argparse.Namespace) -> dict:
    """Cold start (import, open, first search) then the measured query set."""
    start = perf_counter()
    system = ServiceSystem(config_for(args.home), _pid_map(args.workdir))
    system.service.search(WARM_QUERY)
    first_s = perf_counter() - start
    inputs = _inputs(args.workdir)
    result = measure(system, inputs["queries"], inputs["truths"], args.reps)
    return {"system": "project", "first_search_s": first_s, **peak_rss_mb(), **result}


def free_port() -> int:
    """A free loopback port for this run's gunicorn."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _workers_rss_mb(master: int) -> list[dict[str, float]]:
    """Current and peak resident memory of the master's worker processes, and the part of it
    that is the worker's own (``Private_*`` of smaps_rollup: RSS also counts the pages of
    memory-mapped index files and those shared with the master, which cost no extra RAM)."""
    found: list[dict[str, float]] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:
                continue
            status, rollup = _sizes_mb(stat.parent / "status"), _sizes_mb(stat.parent / "smaps_rollup")
        except (OSError, ValueError, IndexError):
            continue
        found.append({"VmRSS": status["VmRSS"], "VmHWM": status["VmHWM"],
                      "Private": rollup["Private_Clean"] + rollup["Private_Dirty"]})
    return found


def _sizes_mb(path: Path) -> dict[str, float]:
    """The ``Name:  N kB`` lines of a /proc file, in MB."""
    out: dict[str, float] = {}
    for line in path.read_text().splitlines():
        name, _, value = line.partition(":")
        if value.strip().endswith(" kB"):
            out[name] = int(value.split()[0]) / 1024
    return out


def _wait_first(call: Callable[[], object]) -> float:
    """Seconds until ``call`` first succeeds (connection refused while gunicorn boots)."""
    start = perf_counter()
    while perf_counter() - start < BOOT_TIMEOUT_S:
        try:
            call()
            return perf_counter() - start
        except OSError:
            sleep(0.02)
    raise TimeoutError("gunicorn did not answer")


def http(args: argparse.Namespace) -> dict:
    """Launch gunicorn, time its first answer, measure the query set over HTTP, stop it."""
    port = free_port()
    env = {"ARCHIVE_HOME": str(args.home.resolve()), "PATH": str(Path(sys.executable).parent),
           "PYTHONHASHSEED": "0", "ARCHIVE_RESULT_CACHE": "off"}  # every request's own work (config_for)
    # The command of scripts/serve.sh (same config file: preload + per-worker warm-up).
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "-w", str(GUNICORN_WORKERS),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    system = HttpSystem(f"http://127.0.0.1:{port}", _pid_map(args.workdir))
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        first_s = _wait_first(lambda: system.fetch(WARM_QUERY))
        second_worker_s = _wait_first(lambda: system.fetch(WARM_QUERY + " 建设"))
        inputs = _inputs(args.workdir)
        result = measure(system, inputs["queries"], inputs["truths"], args.reps)
        workers = _workers_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"system": "http", "first_search_s": first_s, "next_search_s": second_worker_s,
            "workers_rss_mb": max((w["VmRSS"] for w in workers), default=0.0),
            "workers_peak_rss_mb": max((w["VmHWM"] for w in workers), default=0.0),
            "workers_private_mb": max((w["Private"] for w in workers), default=0.0), **result}


def add_one(args: argparse.Namespace) -> dict:
    """One new report, with a marker no other text has, until a search finds it; then removed."""
    from fazhi.operations import Archive

    archive = Archive(config_for(args.home))
    size = len(read_manifest(args.corpus))
    planned = plan(size + 1, args.seed)[size]
    marker = "基准新增标记" + str(time_ns())[-9:]
    text = compose(planned, args.seed).replace("\n一、", f"\n本报告编号{marker}。\n一、", 1)
    folder = args.workdir / "added"
    folder.mkdir(exist_ok=True)
    path = folder / f"{marker}.txt"
    path.write_text(text, encoding="utf-8")
    searcher = archive.search_service
    searcher.search(WARM_QUERY)  # a warm web worker, as in production
    start = perf_counter()
    summary = archive.ingest([path], workers=1, index=False)
    ingest_s = perf_counter() - start
    # The update runs as the admin's request would, while a "web worker" (this thread) searches
    # for the marker: searchable is when it is found, before the update's template marking ends.
    with ThreadPoolExecutor(max_workers=1) as pool:
        updating = pool.submit(archive.update_index)
        found = 0
        while not updating.done():
            found = searcher.search(f'"{marker}"').total
            if found:
                break
            sleep(0.02)
        searchable_s = perf_counter() - start
        updating.result()
    update_s = perf_counter() - start - ingest_s
    result = searcher.search(f'"{marker}"')
    # Leave the store as the corpus made it, so that a later ``--reuse-build`` can measure this
    # build again on a quiet machine instead of right after building it.
    for group in result.groups:
        archive.delete(group.report_id)
    return {"system": "add", "add_s": searchable_s, "ingest_s": ingest_s, "update_s": update_s,
            "found": found or result.total, "counts": summary.counts}


STEPS: dict[str, Callable[[argparse.Namespace], dict]] = {
    "project-build": build, "project-reuse": reuse, "project": service, "http": http, "add": add_one,
}


def run(step: str, args: argparse.Namespace) -> dict:
    """Entry from ``bench.worker`` for the project's steps."""
    if step not in STEPS:
        raise SystemExit(f"unknown step {step!r}; known: {', '.join(STEPS)}")
    return STEPS[step](args)
