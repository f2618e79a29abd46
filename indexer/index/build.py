"""Build the index from the store: full rebuild aside + atomic swap, or incremental update.

Both structures of a generation (Whoosh for ranking/facet columns, ``literal.sqlite3`` for exact
matching, counts and snippets) are written together, from the same rows, with the same passage
keys (``gid``), under the one-writer lock of ``indexer.index.generation``.

Why Whoosh's ``MpWriter`` for a rebuild: jieba segmentation is most of the indexing time
(≈ 250 k chars/s per core), and MpWriter runs the analyzer in worker processes that each write
a segment, so both cores segment while the parent streams rows from the store and fills the
literal table. Workers are forked after jieba is loaded, so they do not reload the dictionary.
Small incremental updates use a plain writer: a process pool would cost more than it saves.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from whoosh import index as whoosh_index

from archive.config import ArchiveConfig
from archive.store.changes import latest_change
from archive.store.db import Passage, Report
from indexer.analysis import templates
from indexer.analysis.tokenizer import ensure_jieba

from . import build_rows, literal
from .generation import (
    BUILD_PROGRESS,
    LITERAL_DB,
    WHOOSH_DIR,
    current_generation,
    new_generation,
    open_whoosh,
    prune,
    publish,
    writer_lock,
)
from .integrity import verify_literal
from .schema import make_schema

# A rebuild commits this many reports at a time, recording its progress in ``PROGRESS``: a build
# cut short resumes after its last stage (each stage adds a Whoosh segment per writer process).
STAGE_REPORTS = 50_000
PROGRESS = BUILD_PROGRESS
# Below this many passages a multi-process writer costs more than it saves.
PARALLEL_THRESHOLD = 5_000
# Up to this many reports, an update segments with the dictionary looked up on demand
# (``analysis.DiskFreq``, what a web process has); more load the whole dictionary first.
LAZY_UPDATE_REPORTS = 20
WRITER_MB = 128
# Template marks (``indexer.analysis.templates``) on every build and update; ``bench.template_cost`` turns
# them off to measure what they cost.
TEMPLATE_MARKS = True


@dataclass(frozen=True)
class BuildStats:
    """What a build or update did, for the CLI and the benchmark."""

    reports: int
    passages: int
    seconds: float
    generation: str


def rebuild(config: ArchiveConfig, sessions: sessionmaker[Session], procs: int | None = None) -> BuildStats:
    """Build a new generation from the whole store behind ``sessions``, then make it live
    atomically. A build cut short (the process killed) is resumed by the next rebuild from its
    last finished stage (``_build_generation``); one that failed with an error starts afresh."""
    started = time.perf_counter()
    index_dir = config.index_dir
    with writer_lock(index_dir):
        generation = unfinished_generation(index_dir) or new_generation(index_dir)
        try:
            reports, passages = _build_generation(sessions, generation, procs)
            verify_literal(generation / LITERAL_DB)  # here, not at the next server start
        except Exception:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        for record in (generation / PROGRESS, *generation.glob(_kept_toc("*"))):
            record.unlink()
        publish(index_dir, generation)
    return BuildStats(reports, passages, time.perf_counter() - started, generation.name)


def update(
    config: ArchiveConfig,
    sessions: sessionmaker[Session],
    changed_report_ids: Iterable[str],
    removed_report_ids: Iterable[str] = (),
    change_seq: int | None = None,
) -> BuildStats:
    """Re-index changed reports (a changed id the store no longer holds is dropped) and drop
    removed ones in the live generation; ``change_seq`` is recorded as the store's change
    sequence number the index now reflects (``literal.remember_change``), in the same commit.

    The reports are searchable once the first commit is made; their template marks, and those
    of the reports they copy, follow in a second (``templates.defer``/``complete``; an update cut
    between the two leaves the marking recorded, and the next update or ``recovery.catch_up`` does it).
    Readers keep searching meanwhile: Whoosh readers see the previous commit until they
    refresh, and SQLite WAL readers see the previous transaction. The literal table is
    committed last, so a reader never matches a passage Whoosh does not know yet for long;
    if it does, the passage is still returned (matching is decided by the literal table).
    """
    changed = sorted(set(changed_report_ids))
    removed = sorted(set(removed_report_ids) | set(changed))
    index_dir = config.index_dir
    if current_generation(index_dir) is None:
        return rebuild(config, sessions)
    started = time.perf_counter()
    ensure_jieba(lazy=len(changed) <= LAZY_UPDATE_REPORTS)
    with writer_lock(index_dir):
        generation = current_generation(index_dir)
        assert generation is not None
        conn = literal.connect(generation / LITERAL_DB)
        try:
            forgotten = templates.forget(conn, removed) if TEMPLATE_MARKS else set()
            gone = literal.delete_reports(conn, removed)
            ix = open_whoosh(generation / WHOOSH_DIR)
            writer = ix.writer(limitmb=WRITER_MB)
            try:
                for report_id in removed:
                    writer.delete_by_term("report_id", report_id)
                reports, passages = build_rows.fill(sessions, conn, writer, changed)
                if TEMPLATE_MARKS:
                    templates.defer(conn, changed, forgotten)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            if change_seq is not None:
                literal.remember_change(conn, change_seq)
            marks = ",".join("?" * len(changed))
            from . import matchsets  # numpy, for the updating process only

            matchsets.update(conn, generation, conn.execute(
                f"SELECT gid, folded FROM passages WHERE report_id IN ({marks})", changed).fetchall(), gone)
            conn.commit()  # searchable from here
            if TEMPLATE_MARKS:
                # a report changes the marks of those it copies: the clauses near its own are
                # recounted, after the commit that made it searchable (``templates.defer``)
                templates.complete(conn)
                conn.commit()
        finally:
            conn.close()
        prune(index_dir, keep=generation)
    return BuildStats(reports, passages, time.perf_counter() - started, generation.name)


def _build_generation(sessions: sessionmaker[Session], generation: Path, procs: int | None,
                      ) -> tuple[int, int]:
    """Fill ``generation`` from the store in stages, each committed and recorded in its
    ``PROGRESS`` file, so that a build cut short resumes where it stopped: the reports in id
    order, ``STAGE_REPORTS`` at a time (what a cut stage left half-written is removed first),
    then the template marks, the FTS5 merge and the match sets."""
    ensure_jieba()  # forked writer processes inherit the loaded dictionary
    progress = _read_progress(generation)
    conn = literal.connect(generation / LITERAL_DB)
    try:
        conn.execute("PRAGMA synchronous=OFF")  # a generation nobody reads yet; WAL keeps a cut commit whole
        if progress is None:
            literal.create(conn)
            created = whoosh_index.create_in(str(generation / WHOOSH_DIR), make_schema())
            with sessions() as session:
                # read before the reports: a change committed meanwhile is applied again, never missed
                progress = {"change_seq": latest_change(session), "last": "", "reports": 0, "passages": 0,
                            "stage": "rows", "whoosh": created.latest_generation()}
            _keep_toc(generation, progress["whoosh"])
            _write_progress(generation, progress)
        if progress["stage"] == "rows":
            _drop_after(conn, generation, progress)
            _fill_stages(sessions, conn, open_whoosh(generation / WHOOSH_DIR), generation, progress, procs)
        if progress["stage"] == "marks":
            if TEMPLATE_MARKS:
                templates.mark(conn)
            conn.commit()
            _advance(generation, progress, "optimize")
        if progress["stage"] == "optimize":
            conn.execute("INSERT INTO trigrams(trigrams) VALUES ('optimize')")
            conn.commit()
            _advance(generation, progress, "matchsets")
        if progress["stage"] == "matchsets":
            from . import matchsets  # numpy, for the building process only

            matchsets.build(conn, generation, _word_frequencies(generation))
            conn.commit()
            _advance(generation, progress, "done")
    finally:
        conn.close()
    return progress["reports"], progress["passages"]


def _fill_stages(sessions: sessionmaker[Session], conn, ix, generation: Path, progress: dict,
                 procs: int | None) -> None:
    """The reports after ``progress["last"]``, a stage at a time; the last stage's template
    marking overlaps with the writer processes still segmenting."""
    with sessions() as session:
        remaining = list(session.scalars(select(Report.id).where(Report.id > progress["last"])
                                         .order_by(Report.id)))
        total = session.query(Passage).count()
    procs = procs or os.cpu_count() or 1
    stages = [remaining[start:start + STAGE_REPORTS] for start in range(0, len(remaining), STAGE_REPORTS)]
    for number, stage in enumerate(stages, start=1):
        parallel = procs > 1 and total >= PARALLEL_THRESHOLD
        writer = (ix.writer(procs=procs, multisegment=True, limitmb=WRITER_MB) if parallel
                  else ix.writer(limitmb=WRITER_MB))
        try:
            reports, passages = build_rows.fill(sessions, conn, writer, None, after=progress["last"],
                                                upto=stage[-1])
            last_stage = number == len(stages)
            if last_stage:
                literal.remember_change(conn, progress["change_seq"])
                if TEMPLATE_MARKS:
                    # before the commit: a multi-process writer's workers are still segmenting, so
                    # the marking overlaps with them on the other core
                    templates.mark(conn)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)  # a merge would delete segments a kept table of contents names
        conn.commit()
        progress.update(last=stage[-1], reports=progress["reports"] + reports,
                        passages=progress["passages"] + passages, whoosh=ix.latest_generation())
        _keep_toc(generation, progress["whoosh"])
        _advance(generation, progress, "optimize" if last_stage and TEMPLATE_MARKS else
                 "marks" if last_stage else "rows")
    if not stages:
        literal.remember_change(conn, progress["change_seq"])
        conn.commit()
        _advance(generation, progress, "marks")


def _drop_after(conn, generation: Path, progress: dict) -> None:
    """Undo what a cut stage wrote after the last recorded one: Whoosh goes back to the commit
    the record names (its table of contents restored from the copy kept at the record, later
    ones removed; stages commit without merging, so every segment it names is still there, and
    the next commit cleans the files nobody names), and the literal table loses the rows of
    reports after ``progress["last"]`` (a commit that went through before the record)."""
    whoosh = generation / WHOOSH_DIR
    kept = generation / _kept_toc(progress["whoosh"])
    if kept.exists():
        for path in whoosh.glob("_MAIN_*.toc"):
            path.unlink()
        shutil.copyfile(kept, whoosh / f"_MAIN_{progress['whoosh']}.toc")
    cut = [rid for (rid,) in conn.execute("SELECT report_id FROM reports WHERE report_id > ?",
                                          (progress["last"],))]
    if cut:
        literal.delete_reports(conn, cut)
        conn.commit()


def _keep_toc(generation: Path, whoosh_generation: int) -> None:
    """Keep a copy of the Whoosh table of contents a record names (a later commit deletes it)."""
    shutil.copyfile(generation / WHOOSH_DIR / f"_MAIN_{whoosh_generation}.toc",
                    generation / _kept_toc(whoosh_generation))


def _kept_toc(whoosh_generation: int) -> str:
    return f"whoosh-{whoosh_generation}.toc"


def unfinished_generation(index_dir: Path) -> Path | None:
    """The newest generation whose build was cut short (it still has its ``PROGRESS`` file)."""
    found = sorted(path.parent for path in index_dir.glob(f"*/{PROGRESS}"))
    return found[-1] if found else None


def _read_progress(generation: Path) -> dict | None:
    path = generation / PROGRESS
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _write_progress(generation: Path, progress: dict) -> None:
    """Record ``progress`` atomically (a cut write never leaves half a record)."""
    tmp = generation / f"{PROGRESS}.tmp"
    tmp.write_text(json.dumps(progress, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, generation / PROGRESS)


def _advance(generation: Path, progress: dict, stage: str) -> None:
    progress["stage"] = stage
    _write_progress(generation, progress)


def _word_frequencies(generation: Path) -> Iterator[tuple[str, int]]:
    """The index's words with the number of places holding each (Whoosh's document frequency):
    where the match sets' frequent strings are chosen from."""
    with open_whoosh(generation / WHOOSH_DIR).reader() as reader:
        for term, info in reader.iter_field("text"):
            yield (term.decode("utf-8") if isinstance(term, bytes) else term), info.doc_frequency()
