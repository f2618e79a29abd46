"""``python -m bench run --size 2000 [--size 10000] [--seed 7] [--out bench/out]``.

``python -m bench profile --size 2000`` then shows where the project's time goes.

Runs every system at each size, prints the tables and writes them to ``OUT/results-*.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .report import as_markdown, as_text
from .run import run_size

ALL_SYSTEMS = ("project", "fts5", "datasette", "stock", "scan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="generate the corpus (cached), measure every system, print the table")
    run.add_argument("--size", type=int, action="append", help="reports in the corpus (repeat for growth)")
    run.add_argument("--seed", type=int, default=7)
    run.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    run.add_argument("--reps", type=int, default=3, help="timed repetitions of each query")
    run.add_argument("--systems", default=",".join(ALL_SYSTEMS),
                     help="comma-separated subset of: " + ", ".join(ALL_SYSTEMS))
    run.add_argument("--reuse-build", action="store_true",
                     help="measure the project's build an earlier run left (if current) instead of building")
    prof = sub.add_parser("profile", help="cProfile the project's search and ingest on a run's corpus")
    prof.add_argument("--size", type=int, default=2000)
    prof.add_argument("--seed", type=int, default=7)
    prof.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    prof.add_argument("--what", default="search,ingest", help="comma-separated: search, ingest")
    args = parser.parse_args(argv)
    if args.command == "profile":
        from .profile import run_profiles

        text = run_profiles(args.out, args.size, args.seed, args.what.split(","))
        (args.out / f"profile-{args.size}-{args.seed}.txt").write_text(text, encoding="utf-8")
        print(text)
        return
    sizes = args.size or [2000]
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    results: list[dict] = []
    stem = args.out / f"results-{'-'.join(map(str, sizes))}-{args.seed}"

    def save(current: list[dict]) -> None:
        text = json.dumps(current, ensure_ascii=False, indent=1)
        stem.with_suffix(".json").write_text(text, encoding="utf-8")

    for size in sizes:
        print(f"[bench] {size:,} reports …", file=sys.stderr, flush=True)
        results.append(run_size(size, args.seed, args.out, args.reps, systems,
                                checkpoint=lambda result: save([*results, result]),
                                reuse_build=args.reuse_build))
    save(results)
    stem.with_suffix(".md").write_text(as_markdown(results), encoding="utf-8")
    print(as_text(results))
    print(f"written: {stem}.json, {stem}.md")


if __name__ == "__main__":
    main()
