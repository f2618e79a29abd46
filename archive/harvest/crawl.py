"""The harvester: fetch reports from government portals and ingest each with where it came from.

``python -m fazhi harvest URL…`` starts at a report page or a column listing, follows the
listing's pagination, its links to documents and their attachments within the same site (at most
``depth`` links away from a start URL; pagination does not count), and ingests every document that
the archive's own parser calls a rule-of-law report. Why the parser decides: a column also lists
政府信息公开工作年度报告 and notices, and only ``archive.describing.doctype`` knows them apart; those are
recorded in the harvest state and skipped, never ingested.

Each download is kept under ``ARCHIVE_HOME/harvest/<host>/`` with a ``<file>.meta.json`` sidecar
(``url``, ``retrieved``), and ingested through ``archive.store.ingest`` like any file, so a harvested
report carries its provenance exactly as a hand-saved one with a sidecar does, and re-ingesting
the folder gives the same reports. Politeness (robots.txt, delay, retries, conditional requests)
is ``archive.harvest.fetch``; the links a page offers are ``archive.harvest.links``; the memory
that makes a killed harvest resumable and a second one cheap is ``archive.harvest.state``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.config import ArchiveConfig
from archive.describing.parse import parse_document
from archive.describing.sidecar import SIDECAR_SUFFIX
from archive.document import DOC_TYPES
from archive.errors import ArchiveError, FetchError
from archive.reading.readers import READERS
from archive.store.db import SourceFile
from archive.store.ingest import IngestSummary, ingest_paths

from .fetch import FetchOptions, PoliteFetcher, Response
from .links import PageLinks, clean, download_suffix, page_links
from .state import HarvestState, PageRecord, QueueItem, RunProgress

log = logging.getLogger("archive.harvest.crawl")

HARVEST_DIR = "harvest"
STATE_FILE = "state.sqlite3"
REPORT_TYPES = tuple(kind for kind in DOC_TYPES if kind != "其他")
# A page with attachments and less text than this is a wrapper: the report is the attachment.
WRAPPER_MAX_CHARS = 200
REDIRECTS = (301, 302, 303, 307, 308)
# What each outcome is called in the summary, in the order it is printed.
OUTCOME_LABELS = {
    "new": "新收录", "updated": "更新", "unchanged": "未变", "duplicate": "重复（已收录）",
    "listing": "列表页", "attachments": "附件页", "redirect": "重定向", "not-report": "非报告（跳过）",
    "robots": "robots.txt 禁止", "failed": "失败",
}


@dataclass(frozen=True)
class HarvestOptions:
    """How far to follow links and how politely to fetch."""

    depth: int = 2  # links away from a start URL (listing → report page → attachment)
    max_urls: int = 5000  # a run never queues more than this many URLs
    fetch: FetchOptions = field(default_factory=FetchOptions)


@dataclass
class Visit:
    """What visiting one URL came to."""

    outcome: str
    fetched: bool = False
    message: str = ""
    report_id: str = ""


@dataclass
class HarvestResult:
    """A finished (or stopped) harvest: its run's progress and what the index must refresh."""

    progress: RunProgress
    resumed: bool
    ingest: IngestSummary


ProgressCallback = Callable[[QueueItem, Visit, int, int], None]


def state_path(config: ArchiveConfig) -> Path:
    """The harvest state file of an instance."""
    return config.home / HARVEST_DIR / STATE_FILE


def _cjk_chars(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Harvester:
    """One harvest run over the state file of ``config``'s instance."""

    def __init__(self, config: ArchiveConfig, sessions: sessionmaker[Session], options: HarvestOptions,
                 on_visit: ProgressCallback | None = None) -> None:
        self.config = config
        self.sessions = sessions
        self.options = options
        self.on_visit = on_visit
        self.fetcher = PoliteFetcher(options.fetch)
        self.state = HarvestState(state_path(config))
        self.ingest = IngestSummary()
        self.run_id = 0
        self.queued = 0
        self.done = 0

    def run(self, seeds: list[str]) -> HarvestResult:
        """Visit every queued URL of the (new or resumed) run; a bad URL never stops the run.

        A ``KeyboardInterrupt`` or a kill leaves the run unfinished: the next harvest resumes it.
        """
        self.config.ensure_home()
        starts = [clean(seed, seed) or "" for seed in validate_seeds(seeds)]
        try:
            self.run_id, resumed = self.state.open_run(starts)
            for url in starts:
                self.state.enqueue(self.run_id, QueueItem(url, 0, "seed"))
            progress = self.state.progress(self.run_id)
            self.queued, self.done = (progress.queued, progress.done) if progress else (0, 0)
            while (item := self.state.next_pending(self.run_id)) is not None:
                self.state.set_current(self.run_id, item.url)
                visit = self._visit(item)
                self.state.complete(self.run_id, item.url, visit.outcome, fetched=visit.fetched,
                                    message=visit.message, report_id=visit.report_id)
                self.done += 1
                if self.on_visit:
                    self.on_visit(item, visit, self.done, self.queued)
            self.state.finish_run(self.run_id)
            final = self.state.progress(self.run_id)
            assert final is not None
            return HarvestResult(final, resumed, self.ingest)
        finally:
            self.state.close()

    # ---------------------------------------------------------------------------------- visit

    def _visit(self, item: QueueItem) -> Visit:
        """Fetch one URL and act on what it is; every failure becomes a ``failed`` visit."""
        try:
            return self._fetch_and_handle(item)
        except FetchError as error:
            return Visit("failed", message=str(error))
        except Exception as error:  # a bug or a hostile page must not stop the other URLs
            return Visit("failed", message=f"处理出错：{type(error).__name__}: {error}")

    def _fetch_and_handle(self, item: QueueItem) -> Visit:
        url = item.url
        if not self.fetcher.allowed(url):
            return Visit("robots", message="robots.txt 不允许抓取")
        record = self.state.page(url)
        answer = self.fetcher.get(url, record.etag if record else "", record.last_modified if record else "")
        if answer.status == 304 and record is not None:
            self._follow(item, record.links)
            return Visit("unchanged", message="304 未修改", report_id=record.report_id)
        if answer.status in REDIRECTS:
            location = answer.header("location")
            target = clean(location, url) if location else None
            if target is None:
                return Visit("failed", message=f"重定向到站外或无效地址：{location or '（无 Location）'}")
            self._enqueue(QueueItem(target, item.depth, item.role, url))
            return Visit("redirect", message=f"→ {target}")
        if answer.status != 200:
            return Visit("failed", message=f"HTTP {answer.status}")
        suffix = download_suffix(url, answer.header("content-type"), answer.header("content-disposition"))
        if not suffix:
            kind = answer.header("content-type") or "未知类型"
            return Visit("not-report", True, f"不是报告文件格式（{kind}）")
        links = page_links(answer.body, url) if suffix in (".html", ".htm") else None
        if links is not None and links.is_listing:
            followed = ([[u, "pagination"] for u in links.pagination] + [[u, "page"] for u in links.items]
                        + [[u, "attachment"] for u in links.attachments])
            self._follow(item, followed)
            self._remember(answer, "listing", "listing", links=followed)
            return Visit("listing", True, f"列表页：{len(links.pagination)} 个分页，{len(links.items)} 篇，"
                                          f"{len(links.attachments)} 个附件")
        return self._document(item, answer, suffix, links)

    def _document(self, item: QueueItem, answer: Response, suffix: str, links: PageLinks | None) -> Visit:
        """A report page or an attachment: skip what is held, classify, save and ingest."""
        digest = hashlib.sha256(answer.body).hexdigest()
        record = self.state.page(item.url)
        if record is not None and record.sha256 == digest:
            self._follow(item, record.links)
            self._remember(answer, record.kind, record.status, file=record.file, report_id=record.report_id,
                           links=record.links)
            return Visit("unchanged", True, "内容未变（哈希相同）", record.report_id)
        held = self._held_report(digest)
        if held:
            self._remember(answer, "document", "duplicate", report_id=held)
            return Visit("duplicate", True, f"同样内容已收录（报告 {held}）", held)
        attachments = [[u, "attachment"] for u in (links.attachments if links else [])]
        try:
            parsed = parse_document(READERS[suffix](answer.body), filename=PurePosixPath(item.url).name)
        except ArchiveError as error:
            if attachments:
                return self._wrapper(item, answer, attachments)
            return Visit("failed", True, f"无法读取：{error}")
        if attachments and _cjk_chars(parsed.text) < WRAPPER_MAX_CHARS:
            return self._wrapper(item, answer, attachments)
        kind = parsed.metadata.doc_type
        if kind not in REPORT_TYPES:
            why = parsed.metadata.provenance.get("doc_type", "")
            self._remember(answer, "document", "not-report")
            return Visit("not-report", True, f"不是法治政府建设报告：{kind}（{why}）")
        path = self._save(item, answer, suffix)
        summary = ingest_paths(self.sessions, [path], workers=1)
        outcome = summary.outcomes[-1]
        if outcome.status == "failed":
            for leftover in (path, path.with_name(path.name + SIDECAR_SUFFIX)):
                leftover.unlink(missing_ok=True)
            return Visit("failed", True, f"收录失败：{outcome.message}")
        self.ingest.changed_ids |= summary.changed_ids
        self.ingest.removed_ids |= summary.removed_ids
        self.ingest.changed_ids -= summary.removed_ids
        self._remember(answer, "document", "held", file=str(path), report_id=outcome.report_id)
        status = {"ingested": "new", "updated": "updated"}.get(outcome.status, "duplicate")
        return Visit(status, True, outcome.message, outcome.report_id)

    def _wrapper(self, item: QueueItem, answer: Response, attachments: list[list]) -> Visit:
        """A page that only points at its report's files: follow those, ingest nothing here."""
        self._follow(item, attachments)
        self._remember(answer, "wrapper", "wrapper", links=attachments)
        return Visit("attachments", True, f"正文在附件中：{len(attachments)} 个附件")

    # ------------------------------------------------------------------------------- helpers

    def _enqueue(self, item: QueueItem) -> None:
        if self.queued >= self.options.max_urls:
            return
        if self.state.enqueue(self.run_id, item):
            self.queued += 1

    def _follow(self, item: QueueItem, links: list[list]) -> None:
        """Queue a page's links: pagination at its own depth, documents one step deeper."""
        for url, role in links:
            depth = item.depth if role == "pagination" else item.depth + 1
            if depth <= self.options.depth:
                self._enqueue(QueueItem(url, depth, role, item.url))

    def _remember(self, answer: Response, kind: str, status: str, *, file: str = "", report_id: str = "",
                  links: list[list] | None = None) -> None:
        self.state.save_page(PageRecord(
            url=answer.url, kind=kind, etag=answer.header("etag"),
            last_modified=answer.header("last-modified"),
            sha256=hashlib.sha256(answer.body).hexdigest(), file=file, report_id=report_id,
            links=links or [], status=status))

    def _held_report(self, digest: str) -> str:
        """The report a file with these exact bytes already gave, under any path or URL ('' if none)."""
        with self.sessions() as session:
            held = select(SourceFile.report_id).where(SourceFile.sha256 == digest).limit(1)
            return session.scalar(held) or ""

    def _save(self, item: QueueItem, answer: Response, suffix: str) -> Path:
        """Write the download and its sidecar (url, retrieved) atomically; the name is the
        URL's own file name behind a hash of the URL, so one URL always maps to one file and
        a changed page replaces its report when ingested."""
        parts = urlsplit(item.url)
        folder = self.config.home / HARVEST_DIR / re.sub(r"[^\w.-]", "_", parts.netloc)
        folder.mkdir(parents=True, exist_ok=True)
        stem = PurePosixPath(unquote(parts.path)).stem or "index"
        stem = re.sub(r"[^\w\u4e00-\u9fff-]", "_", stem)[:60]
        path = folder / f"{hashlib.sha1(item.url.encode()).hexdigest()[:10]}-{stem}{suffix}"
        sidecar: dict[str, str] = {"url": item.url, "retrieved": _now()}
        if item.role == "attachment" and item.referrer:
            sidecar["source"] = f"附件，发布页面 {item.referrer}"
        _write_atomic(path, answer.body)
        _write_atomic(path.with_name(path.name + SIDECAR_SUFFIX),
                      json.dumps(sidecar, ensure_ascii=False, indent=1).encode("utf-8"))
        return path


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".harvest-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def harvest(config: ArchiveConfig, sessions: sessionmaker[Session], seeds: list[str],
            options: HarvestOptions | None = None, on_visit: ProgressCallback | None = None) -> HarvestResult:
    """Harvest from ``seeds`` into the store behind ``sessions`` (resuming an interrupted run);
    the caller refreshes the index."""
    return Harvester(config, sessions, options or HarvestOptions(), on_visit).run(seeds)


def summary_lines(progress: RunProgress) -> list[str]:
    """The closing summary: downloads, each outcome, then every failure with its reason."""
    counts = " · ".join(f"{label} {progress.counts.get(key, 0)}" for key, label in OUTCOME_LABELS.items()
                        if progress.counts.get(key) or key in ("new", "unchanged", "robots", "failed"))
    lines = [f"下载 {progress.fetched} · {counts}"]
    lines += [f"  失败 {failure['url']}: {failure['reason']}" for failure in progress.failures]
    return lines


# ----------------------------------------------------------------------------- in the background

_background_lock = threading.Lock()
_background: threading.Thread | None = None


def start_background(config: ArchiveConfig, sessions: sessionmaker[Session], seeds: list[str],
                     options: HarvestOptions, on_done: Callable[[HarvestResult], None] | None = None) -> bool:
    """Start a harvest in a daemon thread (the admin API); False when one is already running,
    in this process or, by its heartbeat, in another."""
    global _background
    with _background_lock:
        if _background is not None and _background.is_alive():
            return False
        state = HarvestState(state_path(config))
        try:
            if state.running():
                return False
        finally:
            state.close()

        def work() -> None:
            try:
                result = harvest(config, sessions, seeds, options)
                if on_done:
                    on_done(result)
            except Exception:  # nobody awaits this thread: the log is where a crash can be seen
                log.exception("harvest of %s failed", seeds)

        _background = threading.Thread(target=work, name="harvest", daemon=True)
        _background.start()
        return True


def current_progress(config: ArchiveConfig) -> RunProgress | None:
    """The latest run's progress, read from the state file (None before any harvest)."""
    if not state_path(config).exists():
        return None
    state = HarvestState(state_path(config))
    try:
        return state.progress()
    finally:
        state.close()


def validate_seeds(urls: list[str]) -> list[str]:
    """The start URLs, or ``ArchiveError`` naming the first that cannot be harvested."""
    bad = [url for url in urls if not isinstance(url, str) or clean(url, url) is None]
    if not urls or bad:
        shown = repr(bad[0]) if bad else "（空）"
        raise ArchiveError(f"不是可抓取的网址：{shown}（需 http:// 或 https:// 开头的网页或文档地址）")
    return [url.strip() for url in urls]



def options_from_json(payload: dict) -> HarvestOptions:
    """Options from an admin request's JSON (``depth``, ``delay``, ``timeout``, each optional);
    ``ArchiveError`` saying which value is wrong, so the API can answer 400 with it."""
    limits = {"depth": (0, 5), "delay": (0.0, 60.0), "timeout": (0.1, 120.0)}
    values: dict[str, float] = {}
    for name, (low, high) in limits.items():
        value = payload.get(name)
        if value is None:
            continue
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            raise ArchiveError(f"{name} 应为 {low} 到 {high} 之间的数：{value!r}")
        values[name] = value
    if "depth" in values and not float(values["depth"]).is_integer():
        raise ArchiveError(f"depth 应为整数：{values['depth']!r}")
    defaults = FetchOptions()
    fetch = FetchOptions(delay=values.get("delay", defaults.delay),
                         timeout=values.get("timeout", defaults.timeout))
    return HarvestOptions(depth=int(values.get("depth", HarvestOptions.depth)), fetch=fetch)


def wait_background(timeout: float | None = None) -> bool:
    """Wait for the background harvest (and its index refresh) to end; False on timeout."""
    thread = _background
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True
