"""Load test against a live gunicorn on loopback: ``python -m bench.load --clients 16 --seconds 60``.

Why a tool of its own (not part of ``python -m bench``): it measures the *served* archive —
gunicorn workers, the store, the index generations, the templates — the way readers use it,
and optionally while an ingest writes to the same archive, which is when lock or snapshot bugs
show up as errors.

By default it builds a throw-away archive from ``data/reports`` in a temporary folder, starts
gunicorn on a free 127.0.0.1 port, runs N client threads for T seconds mixing searches, facet
clicks, report pages, comparisons and citations, prints throughput, p50/p95/p99 latency and
the error count, stops the server (by its pid) and exits 1 if any request failed. ``--url``
targets a server that is already running instead; only loopback addresses are accepted, and
every run is bounded by ``--seconds`` and ``--max-requests``.

``--ingest N`` also ingests N new reports (made from the shipped ones) in another process
while the clients run, and reports how long that took.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_DIR = REPO / "data" / "reports"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_CLIENTS = 64
MAX_SECONDS = 600
REQUEST_TIMEOUT = 30.0
# Words users actually type here (domain terms, places, section words), plus operators.
QUERIES = ("枫桥经验", "法律明白人", "矛盾纠纷", "依法行政", "行政执法", "法治政府建设", "人民调解",
           '"法治宣传教育"', "调解 OR 仲裁", "法治 -培训", "同句(法律 培训)", "垫江县", "存在的不足",
           "合法性审查", "行政复议", "普法", "一村一法律顾问", "双随机一公开", "镇", "法")
# Action mix: (name, weight). Searches dominate, as on any archive.
MIX = (("search", 40), ("facet", 20), ("report", 20), ("compare", 10), ("cite", 5), ("api", 5))


# ------------------------------------------------------------------------------------- server


def free_port() -> int:
    """A free TCP port on loopback (bound and released, then handed to gunicorn)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def archive_env(home: Path, store: str | None = None) -> dict[str, str]:
    """Environment for archive subprocesses on ``home`` (never the user's own ARCHIVE_* settings);
    ``store``: a database URL several nodes share."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    shared = {"ARCHIVE_DATABASE_URL": store} if store else {}
    return {**env, "ARCHIVE_HOME": str(home), "PYTHONPATH": str(REPO), **shared}


def build_home(home: Path, sources: Path = SHIPPED_DIR, store: str | None = None) -> None:
    """Ingest ``sources`` and build the index into ``home`` (and ``store``) with the real CLI."""
    result = subprocess.run([sys.executable, "-m", "fazhi", "ingest", str(sources)], cwd=REPO,
                            env=archive_env(home, store), capture_output=True, text=True, timeout=600,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ingest failed:\n{result.stdout}\n{result.stderr}")


@contextlib.contextmanager
def gunicorn(home: Path, workers: int = 3, timeout: float = 60, store: str | None = None) -> Iterator[str]:
    """A gunicorn serving ``home`` (its index; its store unless ``store`` names a shared one) on
    a free loopback port; yields its base URL; stops it by pid. A node with an empty home builds
    its index from the store before it answers (``timeout`` allows for that)."""
    port = free_port()
    log_path = home / "gunicorn.log"
    home.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--preload", "--timeout", "60", "wsgi:app"],
            cwd=REPO, env=archive_env(home, store), stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"gunicorn did not start; log:\n{tail}")
            time.sleep(0.1)
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _healthy(base: str) -> bool:
    try:
        status, _body = _get_once(base, "/healthz", timeout=2)
    except OSError:
        return False
    return status == 200


def _get_once(base: str, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def check_loopback(url: str) -> str:
    """The URL without a trailing slash, or ValueError when it is not an http loopback address."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "http" or parsed.hostname not in LOOPBACK or parsed.port is None:
        raise ValueError(f"refusing {url!r}: only http://127.0.0.1:PORT (loopback) may be load-tested")
    return url.rstrip("/")


# ----------------------------------------------------------------------------------- workload


@dataclass
class Catalogue:
    """What the clients pick from: report ids, passages to cite and facet values, read from the app."""

    report_ids: list[str]
    passages: list[tuple[str, int]]
    facets: dict[str, list[str]]

    @classmethod
    def discover(cls, base: str) -> Catalogue:
        status, body = _get_once(base, "/api/search?q=" + urllib.parse.quote("法治"))
        if status != 200:
            raise RuntimeError(f"/api/search answered {status}: {body[:200]!r}")
        result = json.loads(body)
        # title and heading hits have no ¶ number and cannot be cited as a passage
        passages = [(g["report_id"], h["seq"]) for g in result["groups"] for h in g["hits"]
                    if h.get("seq") is not None]
        facets = {name: [str(value) for value, *_counts in values][:20]
                  for name, values in result["facets"].items() if values}
        _status, body = _get_once(base, "/api/search")
        ids = [g["report_id"] for g in json.loads(body)["groups"]] or [rid for rid, _ in passages]
        if len(ids) < 2:
            raise RuntimeError("the archive needs at least two reports to compare")
        return cls(ids, passages, facets)


FACET_PARAMS = {"doc_type": "type"}


def next_request(rng: random.Random, catalogue: Catalogue) -> tuple[str, str]:
    """(action, path) of one request, drawn from ``MIX``."""
    action = rng.choices([name for name, _ in MIX], weights=[weight for _, weight in MIX])[0]
    q = rng.choice(QUERIES)
    if action == "search":
        args = {"q": q}
        if rng.random() < 0.3:
            args["sort"] = rng.choice(("year", "place"))
        if rng.random() < 0.2:
            args["page"] = "2"
        return action, "/search?" + urllib.parse.urlencode(args)
    if action == "facet":
        name = rng.choice(sorted(catalogue.facets))
        param = FACET_PARAMS.get(name, name)
        args = {"q": q, param: rng.choice(catalogue.facets[name])}
        return action, "/search?" + urllib.parse.urlencode(args)
    if action == "report":
        rid = rng.choice(catalogue.report_ids)
        return action, f"/reports/{rid}" + (f"?q={urllib.parse.quote(q)}" if rng.random() < 0.5 else "")
    if action == "compare":
        ids = rng.sample(catalogue.report_ids, k=min(len(catalogue.report_ids), rng.choice((2, 2, 3, 4))))
        return action, "/compare?" + urllib.parse.urlencode({"ids": ",".join(ids), "q": q})
    if action == "cite" and catalogue.passages:
        rid, seq = rng.choice(catalogue.passages)
        return action, f"/reports/{rid}/passages/{seq}/cite"
    return "api", "/api/search?" + urllib.parse.urlencode({"q": q})


@dataclass
class Results:
    """Every request's (action, latency, outcome), gathered from all client threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[action].append(seconds)
            if error:
                self.errors[error.split(":")[0]] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(error)


def client(base: str, catalogue: Catalogue, results: Results, deadline: float, budget: threading.Semaphore,
           seed: int) -> None:  # one base: a client keeps to one node, as behind a sticky proxy
    """One simulated reader: requests back to back until the deadline or the request budget ends."""
    rng = random.Random(seed)
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=REQUEST_TIMEOUT)
    try:
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            action, path = next_request(rng, catalogue)
            started = time.perf_counter()
            error = None
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    error = f"HTTP {response.status}: {path}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {path}: {exc}"
                conn.close()  # reconnect on the next request
            results.record(action, time.perf_counter() - started, error)
    finally:
        conn.close()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class Report:
    """The figures of one run, ready to print or dump as JSON."""

    clients: int
    seconds: float
    requests: int
    errors: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    by_action: dict[str, dict[str, float]]
    error_kinds: dict[str, int]
    error_samples: list[str]
    ingest: dict[str, object] | None = None

    def text(self) -> str:
        lines = [
            f"{self.clients} clients × {self.seconds:.0f} s: {self.requests} requests, "
            f"{self.throughput:.1f} req/s, p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
            f"p99 {self.p99_ms:.0f} ms, max {self.max_ms:.0f} ms, errors {self.errors}",
        ]
        for action, row in sorted(self.by_action.items()):
            lines.append(f"  {action:8} {row['requests']:6.0f} req  p50 {row['p50_ms']:6.0f} ms  "
                         f"p95 {row['p95_ms']:6.0f} ms")
        if self.ingest:
            lines.append(f"  concurrent ingest: {self.ingest}")
        lines.extend(f"  error: {sample}" for sample in self.error_samples)
        return "\n".join(lines)


def run_load(base: str | list[str], clients: int, seconds: float, max_requests: int = 1_000_000,
             seed: int = 7) -> Report:
    """Run the clients against ``base`` (loopback only; several bases: the clients are spread
    over them, one node each, as a proxy balances) and summarise."""
    bases = [check_loopback(url) for url in ([base] if isinstance(base, str) else base)]
    if not 1 <= clients <= MAX_CLIENTS or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"clients must be 1–{MAX_CLIENTS} and seconds 0–{MAX_SECONDS}")
    catalogue = Catalogue.discover(bases[0])
    results = Results()
    budget = threading.Semaphore(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=client, daemon=True, args=(
        bases[n % len(bases)], catalogue, results, deadline, budget, seed + n)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    every = [value for values in results.latencies.values() for value in values]
    ms = 1000.0
    return Report(
        clients=clients, seconds=elapsed, requests=len(every), errors=sum(results.errors.values()),
        throughput=len(every) / elapsed if elapsed else 0.0,
        p50_ms=percentile(every, 0.50) * ms, p95_ms=percentile(every, 0.95) * ms,
        p99_ms=percentile(every, 0.99) * ms, max_ms=max(every, default=0.0) * ms,
        by_action={action: {"requests": len(values), "p50_ms": percentile(values, 0.5) * ms,
                            "p95_ms": percentile(values, 0.95) * ms}
                   for action, values in results.latencies.items()},
        error_kinds=dict(results.errors), error_samples=results.error_samples,
    )


# ------------------------------------------------------------------------- concurrent ingest


def make_reports(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` new, distinct reports made from the shipped ones (real size and structure)."""
    folder.mkdir(parents=True, exist_ok=True)
    shipped = sorted(SHIPPED_DIR.glob("*.txt"))
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        text = shipped[n % len(shipped)].read_text(encoding="utf-8")
        lines = text.splitlines()
        # A new paragraph after the title makes new content (a new id) without changing the metadata.
        at = min(len(lines), 4)
        lines.insert(at, f"本报告为负载测试副本第{n}号（{rng.randrange(10**6):06d}），内容与原报告相同。")
        path = folder / f"负载测试 {n:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@contextlib.contextmanager
def concurrent_ingest(home: Path, count: int) -> Iterator[dict[str, object]]:
    """Ingest ``count`` new reports into ``home`` in another process while the caller runs.

    Yields a dict filled in on exit with the ingest's exit status and duration.
    """
    info: dict[str, object] = {"reports": count}
    folder = Path(tempfile.mkdtemp(prefix="load-ingest-"))
    try:
        make_reports(folder, count)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "fazhi", "ingest", "--workers", "1", str(folder)],
                                cwd=REPO, env=archive_env(home), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            yield info
        finally:
            try:
                output, _ = proc.communicate(timeout=MAX_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
            info.update(exit_status=proc.returncode, seconds=round(time.monotonic() - started, 1),
                        summary=(output or "").strip().splitlines()[-1:] or [""])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------- several nodes


def measure_nodes(most: int, workers: int, clients: int, seconds: float,
                  max_requests: int) -> dict[int, Report]:
    """The same load on 1, 2 … ``most`` nodes following one store (the README's "Several web
    nodes": each node its own index, built from the store when it starts), one after another:
    what a second node adds on this machine."""
    reports: dict[int, Report] = {}
    with tempfile.TemporaryDirectory(prefix="load-nodes-") as folder:
        root = Path(folder)
        store = f"sqlite:///{root / 'store' / 'archive.sqlite3'}"
        (root / "store").mkdir()
        build_home(root / "first", store=store)
        for count in range(1, most + 1):
            with contextlib.ExitStack() as stack:
                bases = [stack.enter_context(gunicorn(root / f"node-{n}", workers=workers, timeout=600,
                                                      store=store)) for n in range(count)]
                print(f"{count} node(s) on {', '.join(bases)}", file=sys.stderr)
                reports[count] = run_load(bases, clients, seconds, max_requests)
    return reports


# ---------------------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help=f"concurrent clients (1–{MAX_CLIENTS})")
    parser.add_argument("--seconds", type=float, default=60, help=f"duration (≤ {MAX_SECONDS})")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests")
    parser.add_argument("--url", help="target a running server (loopback only) instead of starting one")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers when starting a server")
    parser.add_argument("--ingest", type=int, default=0, metavar="N",
                        help="ingest N new reports in another process during the run")
    parser.add_argument("--nodes", type=int, default=1,
                        help="also measure 2…N nodes sharing one store, each with its own index (beside one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.url and (args.ingest or args.nodes > 1):
        parser.error("--ingest and --nodes need the servers this tool starts")
    if args.nodes > 1:
        reports = measure_nodes(args.nodes, args.workers, args.clients, args.seconds, args.max_requests)
        if args.json:
            print(json.dumps({str(n): report.__dict__ for n, report in reports.items()}, ensure_ascii=False,
                             indent=2))
        else:
            for n, report in reports.items():
                print(f"{n} node(s) × {args.workers} workers, one store:\n{report.text()}")
        return 1 if any(report.errors for report in reports.values()) else 0
    with contextlib.ExitStack() as stack:
        if args.url:
            base = check_loopback(args.url)
            home = None
        else:
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-home-")))
            print(f"building an archive from {SHIPPED_DIR} in {home} …", file=sys.stderr)
            build_home(home)
            base = stack.enter_context(gunicorn(home, workers=args.workers))
            print(f"gunicorn ({args.workers} workers) on {base}", file=sys.stderr)
        ingest_info = None
        if home is not None and args.ingest:
            ingest_info = stack.enter_context(concurrent_ingest(home, args.ingest))
        report = run_load(base, args.clients, args.seconds, args.max_requests)
    if ingest_info is not None:  # filled in when the ingest context closed
        report.ingest = ingest_info
        if ingest_info.get("exit_status") != 0:
            report.errors += 1
            report.error_samples.append(f"concurrent ingest failed: {ingest_info}")
    print(json.dumps(report.__dict__, ensure_ascii=False, indent=2) if args.json else report.text())
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
