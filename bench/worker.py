"""One measurement in its own process: ``python -m bench.worker SYSTEM WORKDIR``.

Why a process per system: peak memory (``ru_maxrss``) is per process, so each system's figure
is its own, and no system benefits from caches another one warmed. The shared inputs (passage
table, queries, truth) are read from ``WORKDIR/inputs.pkl``; the result is printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import sys
from pathlib import Path
from time import perf_counter

from . import passages
from .measure import measure

BUILDERS = ("scan", "fts5", "stock", "datasette")


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its (waited-for) children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "children_peak_rss_mb": round(children, 1)}


def disk_bytes(path: Path) -> int:
    """Size on disk of a file or of everything under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_builder(name: str, workdir: Path, reps: int) -> dict:
    """Build one baseline over the shared table, then measure it."""
    from .systems import fts5, scan, stock

    with (workdir / "inputs.pkl").open("rb") as handle:
        inputs = pickle.load(handle)
    records = passages.load(workdir / "passages.pkl")
    base_rss = peak_rss_mb()["peak_rss_mb"]
    start = perf_counter()
    if name == "scan":
        system, artefact = scan.build(records), None
    elif name == "fts5":
        system, artefact = fts5.build(records, workdir), workdir / "fts5.sqlite3"
    elif name == "datasette":
        from .project import free_port
        from .systems import datasette  # installed for the bench only (bench/requirements.txt)

        system, artefact = datasette.build(records, workdir, free_port()), workdir / "datasette"
    else:
        system, artefact = stock.build(records, workdir), workdir / "whoosh"
    build_s = perf_counter() - start
    started = {"first_search_s": system.first_s} if name == "datasette" else {}
    if name != "scan":
        del records  # the engine answers from its own index, not from the table
    result = measure(system, inputs["queries"], inputs["truths"], reps)
    system.close()
    return {"system": name, "build_s": build_s, "index_bytes": disk_bytes(artefact) if artefact else 0,
            "table_rss_mb": base_rss, **started, **peak_rss_mb(), **result}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("system")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.system in BUILDERS:
        result = run_builder(args.system, args.workdir, args.reps)
    else:
        from . import project

        result = project.run(args.system, args)
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
