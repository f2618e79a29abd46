"""Index generations on disk: build aside, swap atomically, one writer at a time.

Layout of ``config.index_dir``::

    CURRENT            name of the live generation (replaced with os.replace, never edited)
    write.lock         flock'ed by the one process that builds or updates
    gen-<time>-<pid>/  one generation: whoosh/ (ranked, faceted) + literal.sqlite3 (exact match)

Why a pointer file and not a symlink: ``os.replace`` of a small file is atomic on every POSIX
filesystem and trivially portable; readers read it on each search (one tiny read) and notice a
new generation without any signalling. Old generations are not removed at swap time, because a
reader in another process may be in the middle of a search on one; the swap prunes only those
older than the last ``KEEP_OLD`` previous generations (a reader re-reads CURRENT on its next
search, so by then nobody can hold them).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh.index import Index

POINTER = "CURRENT"
LOCK = "write.lock"
PREFIX = "gen-"
KEEP_OLD = 2
WHOOSH_DIR = "whoosh"
LITERAL_DB = "literal.sqlite3"
BUILD_PROGRESS = "BUILDING.json"  # a rebuild's record of its finished stages (``indexer.index.build``)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when no index has been built yet."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = index_dir / name
    return folder if name and folder.is_dir() else None


def open_whoosh(folder: Path) -> Index:
    """The Whoosh index in ``folder`` (a generation's ``whoosh/``), read through files, never
    through Whoosh's memory map: it hands each file of a compound segment to an ``io.BytesIO``,
    which copies the mapped bytes into the heap, so every process that opened the index held a
    private copy of its postings (≈ 280 MB at 50,000 reports). Through files the big queries
    cost the same CPU, a rare word a Python call per block header read (+4–7 ms), and the page
    cache is shared by every process."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder), supports_mmap=False).open_index()


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty generation folder (not yet live)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f"{PREFIX}{time.time_ns():020d}-{os.getpid()}"
    folder.mkdir()
    (folder / WHOOSH_DIR).mkdir()
    return folder


def publish(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` live atomically, then prune generations nobody can still be reading."""
    tmp = index_dir / f"{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(generation.name, encoding="utf-8")
    os.replace(tmp, index_dir / POINTER)
    prune(index_dir, keep=generation)


def prune(index_dir: Path, keep: Path) -> None:
    """Remove generations older than the ``KEEP_OLD`` that preceded ``keep`` (and failed builds)."""
    others = sorted(p for p in index_dir.glob(f"{PREFIX}*") if p.is_dir() and p.name != keep.name)
    older = [p for p in others if p.name < keep.name]
    newer_unpublished = [p for p in others if p.name > keep.name]
    for folder in older[:-KEEP_OLD] if KEEP_OLD else older:
        shutil.rmtree(folder, ignore_errors=True)
    for folder in newer_unpublished:
        # A newer folder that is not live is a build that died before publishing (we hold the
        # lock); one that recorded its progress is resumed by the next rebuild (``indexer.index.build``).
        if not (folder / BUILD_PROGRESS).exists():
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive lock for builders and updaters; readers never take it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
