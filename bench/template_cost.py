"""What template marking (``indexer.analysis.templates``) adds to an index rebuild.

    .venv/bin/python -m bench.template_cost --size 2000 [--seed 7] [--out bench/out] [--reps 1]

Generates (or reuses) the benchmark corpus of ``--size`` reports, ingests it once into an
instance folder of its own, then times ``indexer.index.build.rebuild`` alternately without and with
template marking, in the same process on the same store, so the two figures are comparable
(the marks may add at most +30 % at 10,000 reports). Not a test.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .corpus import generate
from .project import config_for


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.template_cost")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args(argv)

    from fazhi.operations import Archive
    from indexer.index import build

    folder = generate(args.out, args.size, args.seed)
    home = args.out / f"template-cost-{args.size}-{args.seed}"
    archive = Archive(config_for(home))
    marker = home / "ingested"
    if not marker.exists():
        started = time.perf_counter()
        archive.ingest(sorted(folder.glob("*.txt")), workers=2, index=False)
        marker.write_text(f"{time.perf_counter() - started:.1f}", encoding="utf-8")
    timings: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(args.reps):
        for label, enabled in (("without", False), ("with", True)):
            build.TEMPLATE_MARKS = enabled
            stats = archive.rebuild()
            timings[label].append(stats.seconds)
            print(f"{label:8s} {stats.reports} reports {stats.passages} passages {stats.seconds:.1f} s",
                  flush=True)
    best = {label: min(values) for label, values in timings.items()}
    growth = (best["with"] / best["without"] - 1) * 100
    print(json.dumps({"size": args.size, "seconds": best, "growth_percent": round(growth, 1)}))


if __name__ == "__main__":
    main()
