"""The folder where processes keep what they derive from installed data files, so that the next
process reads it instead of deriving it again: jieba's dictionary (``indexer.analysis.tokenizer``), the
gazetteer's common words (``archive.describing.gazetteer``). ``$ARCHIVE_JIEBA_CACHE_DIR`` or a fixed
temporary folder, shared by every worker of a machine; each entry is named by a hash of what it
was derived from, so a changed data file is never read through a stale entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_DIR_ENV = "ARCHIVE_JIEBA_CACHE_DIR"


def cache_dir() -> Path:
    """``$ARCHIVE_JIEBA_CACHE_DIR`` or a fixed tmp folder (created)."""
    folder = Path(os.environ.get(CACHE_DIR_ENV) or Path(tempfile.gettempdir()) / "fazhi-archive-jieba")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def entry_path(name: str, key: object, suffix: str) -> Path:
    """The cache file for ``name`` derived from ``key`` (its repr is hashed)."""
    return cache_dir() / f"{name}-{hashlib.sha256(repr(key).encode()).hexdigest()[:16]}{suffix}"


def cached_json(name: str, key: object, compute: Callable[[], list]) -> list:
    """``compute()``'s JSON-able list, read from the cache when an earlier process wrote it."""
    path = entry_path(name, key, ".json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return value
