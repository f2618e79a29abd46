"""What marking template sentences (``indexer.analysis.wording``) adds to an index build, per report.

    .venv/bin/python -m bench.wording_cost --size 2000 [--seed 7] [--out bench/out] [--reps 2]

Generates (or reuses) the benchmark corpus of ``--size`` reports and ingests it once into an
instance folder of its own (the same one ``bench.template_cost`` uses), then:

* times the sentence marking alone over every paragraph of the built index (the work
  ``literal.insert`` adds), per report;
* times ``indexer.index.build.rebuild`` alternately without and with it (without: the marking replaced
  by nothing in this process), best of ``--reps``, in the same process on the same store.

Not a test; the figures go to bench/LOG.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from unittest import mock

from .corpus import generate
from .project import config_for


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wording_cost")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args(argv)

    from fazhi.operations import Archive
    from indexer.analysis import wording
    from indexer.analysis.tokenizer import ensure_jieba
    from indexer.index import literal
    from indexer.index.generation import LITERAL_DB, current_generation

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
        for label in ("without", "with"):
            if label == "without":
                with mock.patch.object(wording, "rows", lambda *_args, **_kwargs: []):
                    stats = archive.rebuild()
            else:
                stats = archive.rebuild()
            timings[label].append(stats.seconds)
            print(f"{label:8s} {stats.reports} reports {stats.passages} passages {stats.seconds:.1f} s",
                  flush=True)

    ensure_jieba()
    conn = literal.connect(current_generation(archive.config.index_dir) / LITERAL_DB)
    passages = conn.execute("SELECT p.gid, p.text, p.folded, r.township FROM passages p JOIN reports r "
                            "ON r.report_id = p.report_id WHERE p.unit = 'p'").fetchall()
    (reports,) = conn.execute("SELECT count(*) FROM reports").fetchone()
    names = {gid: wording.own_names(township) for gid, _text, _folded, township in passages}
    started = time.process_time()
    marked = wording.rows(((gid, text, folded) for gid, text, folded, _township in passages), names)
    cpu = time.process_time() - started
    best = {label: min(values) for label, values in timings.items()}
    print(json.dumps({
        "size": args.size, "reports": reports, "paragraphs": len(passages), "marked_rows": len(marked),
        "marking_cpu_s": round(cpu, 2), "marking_ms_per_report": round(1000 * cpu / reports, 3),
        "rebuild_s": best, "growth_percent": round((best["with"] / best["without"] - 1) * 100, 1),
    }))


if __name__ == "__main__":
    main()
