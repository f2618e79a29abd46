"""Where the time goes: ``python -m bench profile --size N [--seed S]`` after a run at that size.

Profiles (cProfile, one process, no pool, so the figures add up) the two costs the targets are
about, on the corpus and index a ``run`` left behind:

- ``search``: this project's ``SearchService.search`` over the whole query set;
- ``ingest``: parsing + storing a sample of the corpus files (what ``ingest_paths`` does per file)
  and an index build of them, in a scratch instance folder.

Prints the functions with the most cumulative time, so a missed target can be traced to code.
"""

from __future__ import annotations

import cProfile
import io
import pickle
import pstats
import shutil
from pathlib import Path

from .corpus import corpus_dir
from .project import config_for

TOP_FUNCTIONS = 30
INGEST_SAMPLE = 100


def _print(profile: cProfile.Profile, title: str) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(TOP_FUNCTIONS)
    return f"== profile: {title}\n{out.getvalue()}"


def profile_search(workdir: Path) -> str:
    """cProfile of one pass of the query set through the service (after one warm-up pass)."""
    from indexer.service import SearchService

    with (workdir / "inputs.pkl").open("rb") as handle:
        queries = pickle.load(handle)["queries"]
    service = SearchService(config_for(workdir / "home"))
    for query in queries:
        service.search(query.text)
    profile = cProfile.Profile()
    profile.enable()
    for query in queries:
        service.search(query.text)
    profile.disable()
    return _print(profile, f"SearchService.search × {len(queries)} queries")


def profile_ingest(corpus: Path, scratch: Path) -> str:
    """cProfile of ingesting and indexing ``INGEST_SAMPLE`` files in one process."""
    from fazhi.operations import Archive

    shutil.rmtree(scratch, ignore_errors=True)
    archive = Archive(config_for(scratch))
    files = sorted(corpus.glob("*.txt"))[:INGEST_SAMPLE]
    profile = cProfile.Profile()
    profile.enable()
    archive.ingest(files, workers=1, index=False)
    archive.rebuild(procs=1)
    profile.disable()
    archive.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return _print(profile, f"ingest_paths + rebuild of {len(files)} files, one process")


def run_profiles(out: Path, size: int, seed: int, which: list[str]) -> str:
    """The requested profiles as one printable text."""
    workdir = out / f"run-{size}-{seed}"
    parts: list[str] = []
    if "search" in which:
        parts.append(profile_search(workdir))
    if "ingest" in which:
        parts.append(profile_ingest(corpus_dir(out, size, seed), workdir / "profile-home"))
    return "\n".join(parts)
