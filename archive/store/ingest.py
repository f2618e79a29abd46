"""Ingest files into the store: one file at a time, each in its own transaction.

Why per-file transactions: one unreadable file must never abort a batch, and an interrupted
ingest (Ctrl-C, a killed process) must leave no half-written report. Parsing runs before the
transaction opens (in worker processes when the batch is large, to use every core); only the
short write of an already-parsed report happens inside it.

Idempotency: a file is identified by its resolved path and fingerprinted by its bytes plus
any sidecar overrides. Same fingerprint → nothing changes. Different fingerprint → the new
report replaces the old one in the same transaction, and an alias keeps old permalinks working.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from archive.describing.parse import parse_file
from archive.describing.sidecar import SIDECAR_SUFFIX, SIDECAR_TABLE, load_overrides
from archive.document import ParsedReport, RawDocument
from archive.errors import ArchiveError, UnreadableFile
from archive.fields import SIDECAR, columns
from archive.reading.readers import MAX_FILE_BYTES, READERS

from .corrections import apply_corrections, carry_corrections
from .db import Correction, IngestRun, Report, ReportAlias, SourceFile, utcnow
from .report_rows import insert_report, new_report, report_id_for

# Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 16
STATUSES = ("ingested", "updated", "unchanged", "skipped", "failed")
# Files people keep beside their reports: notes about a folder, never reports themselves.
NOTE_STEMS = ("readme", "license", "licence", "index", "changelog", "notes", "说明", "索引")


@dataclass
class FileOutcome:
    """What happened to one input file."""

    path: str
    status: str  # "ingested" | "updated" | "unchanged" | "skipped" | "failed"
    report_id: str = ""
    message: str = ""


@dataclass
class IngestSummary:
    """Per-file outcomes of one run, plus the report ids the search index must refresh."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    changed_ids: set[str] = field(default_factory=set)
    removed_ids: set[str] = field(default_factory=set)

    @property
    def counts(self) -> dict[str, int]:
        """Number of files per status, every status present (zeros included)."""
        counted = Counter(outcome.status for outcome in self.outcomes)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def failures(self) -> list[FileOutcome]:
        """The outcomes of files that could not be ingested."""
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


def is_sidecar(path: Path) -> bool:
    """Sidecar metadata files describe reports; they are not reports themselves."""
    return path.name.endswith(SIDECAR_SUFFIX) or path.name == SIDECAR_TABLE


def not_a_report(path: Path, relative: Path) -> str:
    """Why a file found in a folder is not a report ("" when it may be one): hidden files,
    sidecars, notes such as README.md or INDEX.tsv, and formats no reader takes."""
    if any(part.startswith(".") for part in relative.parts):
        return "隐藏文件"
    if is_sidecar(path):
        return "元数据文件（sidecar）"
    if path.stem.lower() in NOTE_STEMS:
        return "说明文件"
    if path.suffix.lower() not in READERS:
        return f"不是报告文件格式（{path.suffix or '无扩展名'}）"
    return ""


def expand_inputs(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileOutcome]]:
    """Files named directly, plus every report file under named folders, in a stable order;
    and the files of those folders that are not reports, as ``skipped`` outcomes.

    A file named directly is always tried (the user asked for it); a path that does not exist
    is kept so that it is reported as a failure by name instead of vanishing silently.
    """
    found: list[Path] = []
    skipped: list[FileOutcome] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.append(path)
            continue
        for child in sorted(path.rglob("*")):
            if not child.is_file():
                continue
            reason = not_a_report(child, child.relative_to(path))
            if reason:
                skipped.append(FileOutcome(str(child), "skipped", message=reason))
            else:
                found.append(child)
    return found, skipped


def fingerprint(path: Path) -> str:
    """Hash of the file's bytes and its sidecar overrides: what decides "unchanged"."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{size} 字节，上限 {MAX_FILE_BYTES} 字节）")
    digest = hashlib.sha256(path.read_bytes())
    overrides = load_overrides(path)
    digest.update(json.dumps(overrides, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


@dataclass
class _Parsed:
    """A parsed file on its way from a worker process to the writing process."""

    path: Path
    fingerprint: str
    data: bytes
    raw: RawDocument
    report: ParsedReport


def _parse_one(job: tuple[Path, str]) -> _Parsed | FileOutcome:
    """Worker entry point: parse one file, turning any failure into a failed outcome."""
    path, file_fingerprint = job
    try:
        data, raw, report = parse_file(path)
    except ArchiveError as error:
        return FileOutcome(str(path), "failed", message=str(error))
    except Exception as error:  # a parser bug must not abort the batch; report it by name
        return FileOutcome(str(path), "failed", message=f"解析出错：{type(error).__name__}: {error}")
    return _Parsed(path, file_fingerprint, data, raw, report)


def _parse_all(jobs: list[tuple[Path, str]], workers: int) -> Iterator[_Parsed | FileOutcome]:
    """Parse in a process pool for big batches (both cores), in-process for small ones."""
    if workers <= 1 or len(jobs) < POOL_THRESHOLD:
        yield from map(_parse_one, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_parse_one, jobs, chunksize=8)


def _store_parsed(session: Session, parsed: _Parsed, summary: IngestSummary, corrected: bool) -> FileOutcome:
    """Write one parsed file inside the caller's transaction; returns its outcome.

    ``corrected``: whether the store held any correction when the run started; when it held
    none (a bulk ingest into a fresh archive) the per-report lookup of corrections is skipped.
    """
    key = str(parsed.path.resolve())
    source = session.scalar(select(SourceFile).where(SourceFile.path == key))
    old_id = source.report_id if source is not None else None
    report_id = report_id_for(parsed.report.text)
    current = session.get(Report, report_id)
    if current is None:
        stored = insert_report(session, parsed.report)
        summary.changed_ids.add(report_id)
    else:
        stored = current
        if old_id == report_id:
            # Same text with new sidecar metadata: refresh the fields, keep text and structure.
            _refresh_metadata(current, new_report(parsed.report))
            summary.changed_ids.add(report_id)
    if source is None:
        source = SourceFile(path=key)
        session.add(source)
    source.filename = parsed.path.name
    source.fingerprint = parsed.fingerprint
    source.sha256 = hashlib.sha256(parsed.data).hexdigest()
    source.size = len(parsed.data)
    source.media_type = parsed.raw.media_type
    source.encoding = parsed.raw.encoding
    source.data = parsed.data
    source.report_id = report_id
    source.ingested_at = utcnow()
    if old_id is not None and old_id != report_id:
        session.flush()
        _retire(session, old_id, report_id, summary)
    if corrected:
        apply_corrections(session, stored)  # a person's correction outlives every re-parse
    if old_id is not None:
        return FileOutcome(str(parsed.path), "updated", report_id)
    if current is not None:
        return FileOutcome(str(parsed.path), "unchanged", report_id, "与已收录的报告内容相同")
    return FileOutcome(str(parsed.path), "ingested", report_id)


def _refresh_metadata(target: Report, fresh: Report) -> None:
    """Copy metadata (not text or structure, which are identical) from a re-parse."""
    for name in (*columns(SIDECAR), "title_supplied", "author_supplied", "page_fields", "source_url",
                 "retrieved", "excerpt", "provenance", "notes"):
        setattr(target, name, getattr(fresh, name))


def _retire(session: Session, old_id: str, new_id: str, summary: IngestSummary) -> None:
    """Drop a replaced report unless another file still holds it; keep its permalink alive."""
    still_used = session.scalar(select(SourceFile.id).where(SourceFile.report_id == old_id))
    if still_used is not None:
        return
    carry_corrections(session, old_id, new_id)
    old = session.get(Report, old_id)
    if old is not None:
        session.delete(old)
        summary.removed_ids.add(old_id)
    for alias in session.scalars(select(ReportAlias).where(ReportAlias.new_id == old_id)):
        alias.new_id = new_id
    # A file changed back to an earlier text: that text is a live report again, not an alias.
    session.execute(delete(ReportAlias).where(ReportAlias.old_id == new_id))
    session.merge(ReportAlias(old_id=old_id, new_id=new_id))


def _plan(session_factory: sessionmaker[Session], files: list[Path], summary: IngestSummary,
          ) -> list[tuple[Path, str]]:
    """Fingerprint every file; unchanged ones are settled now, the rest are parsing jobs."""
    with session_factory() as session:
        known = {path: fp for path, fp in session.execute(select(SourceFile.path, SourceFile.fingerprint))}
    jobs: list[tuple[Path, str]] = []
    for path in files:
        try:
            file_fingerprint = fingerprint(path)
        except (OSError, ArchiveError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            summary.outcomes.append(FileOutcome(str(path), "failed", message=reason))
            continue
        if known.get(str(path.resolve())) == file_fingerprint:
            summary.outcomes.append(FileOutcome(str(path), "unchanged"))
        else:
            jobs.append((path, file_fingerprint))
    return jobs


def ingest_paths(
    session_factory: sessionmaker[Session],
    paths: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into the store behind ``session_factory``; never raises for a
    bad file.

    ``on_file`` is called after each file (for a progress bar). The search index is not
    touched here: ``fazhi.operations.Archive.ingest`` brings it up to date afterwards.
    """
    summary = IngestSummary()
    files, skipped = expand_inputs(paths)
    summary.outcomes.extend(skipped)
    run_id = _start_run(session_factory)
    jobs = _plan(session_factory, files, summary)
    with session_factory() as session:
        corrected = session.scalar(select(Correction.id).limit(1)) is not None
    if on_file:
        for outcome in summary.outcomes:
            on_file(outcome)
    try:
        for item in _parse_all(jobs, workers if workers is not None else (os.cpu_count() or 1)):
            if isinstance(item, FileOutcome):
                outcome = item
            else:
                outcome = _write(session_factory, item, summary, corrected)
            summary.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
    finally:
        _finish_run(session_factory, run_id, summary)
    return summary


def _write(session_factory: sessionmaker[Session], parsed: _Parsed, summary: IngestSummary,
           corrected: bool) -> FileOutcome:
    """One file's transaction; a database error fails that file only."""
    pending = IngestSummary()
    try:
        with session_factory.begin() as session:
            outcome = _store_parsed(session, parsed, pending, corrected)
    except Exception as error:  # the transaction rolled back: report the file, keep going
        return FileOutcome(str(parsed.path), "failed", message=f"写入失败：{type(error).__name__}: {error}")
    summary.changed_ids |= pending.changed_ids
    summary.removed_ids |= pending.removed_ids
    summary.changed_ids -= pending.removed_ids
    return outcome


def _start_run(session_factory: sessionmaker[Session]) -> int:
    """Record the start of a run so an interrupted one is visible afterwards."""
    with session_factory.begin() as session:
        run = IngestRun()
        session.add(run)
        session.flush()
        return run.id


def _finish_run(session_factory: sessionmaker[Session], run_id: int, summary: IngestSummary) -> None:
    """Store the run's counts and failures."""
    with session_factory.begin() as session:
        run = session.get(IngestRun, run_id)
        if run is not None:
            run.finished_at = utcnow()
            run.counts = summary.counts
            run.failures = [{"path": f.path, "message": f.message} for f in summary.failures]
