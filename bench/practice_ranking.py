"""Original practice first: nDCG@10 of the graded practice queries, and template text on top.

    .venv/bin/python -m bench.practice_ranking [--home DIR]

Ingests the shipped corpus (``data/reports``) into ``DIR`` (a temporary folder by default),
builds the index and runs each query of ``tests/corpus/practice_grades.tsv`` (every matching
paragraph graded 2 concrete practice / 1 generic / 0 template; rule: ``tests/corpus/README.md``)
through the search service. The ranked list is the result's reports, each standing for its
first hit (what a reader sees first; a heading or title hit, never graded, counts 0); the ideal
list orders the matching reports by their best grade. Gain 2^grade − 1, discount log2(rank + 1).
Also printed: the share of top-5 reports whose first hit is graded 0 (template text as their best
passage). ``tests/test_practice_ranking.py`` asserts the figures through ``measure``. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GRADES = REPO / "tests" / "corpus" / "practice_grades.tsv"
DEPTH = 10
TOP = 5


@dataclass(frozen=True)
class QueryFigures:
    """One query's figures: nDCG@``DEPTH`` and its top ``TOP`` reports' first-hit grades."""

    query: str
    ndcg: float
    top_grades: tuple[int, ...]


def grades() -> dict[str, dict[tuple[str, int], int]]:
    """query → (report, ¶) → grade."""
    out: dict[str, dict[tuple[str, int], int]] = defaultdict(dict)
    with GRADES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            out[row["query"]][(row["report_id"], int(row["seq"]))] = int(row["grade"])
    return dict(out)


def _dcg(gains: list[int]) -> float:
    return sum((2 ** grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(gains[:DEPTH]))


def measure(service) -> list[QueryFigures]:
    """The figures of every graded query, run through ``service`` (a ``SearchService``)."""
    out: list[QueryFigures] = []
    for query, graded in grades().items():
        result = service.search(query, per_page=DEPTH)
        firsts = [graded.get((group.report_id, group.hits[0].seq), 0) if group.hits[0].seq else 0
                  for group in result.groups]
        best: dict[str, int] = defaultdict(int)
        for (report_id, _seq), grade in graded.items():
            best[report_id] = max(best[report_id], grade)
        ideal = _dcg(sorted(best.values(), reverse=True))
        out.append(QueryFigures(query, _dcg(firsts) / ideal if ideal else 1.0, tuple(firsts[:TOP])))
    return out


def template_on_top(figures: list[QueryFigures]) -> float:
    """Share of the top-``TOP`` reports, over all queries, whose first hit is graded 0."""
    top = [grade for item in figures for grade in item.top_grades]
    return sum(grade == 0 for grade in top) / len(top)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.practice_ranking")
    parser.add_argument("--home", type=Path, default=None, help="instance folder (default: a temporary one)")
    args = parser.parse_args(argv)

    from indexer.service import SearchService

    from .project import shipped_archive

    with shipped_archive(args.home) as archive:
        figures = measure(SearchService(archive.config))
        for item in figures:
            print(f"{item.query:8s}\tnDCG@{DEPTH} {item.ndcg:.3f}\t"
                  f"top-{TOP} first hits graded {item.top_grades}")
        mean = sum(item.ndcg for item in figures) / len(figures)
        print(f"mean nDCG@{DEPTH} {mean:.3f} over {len(figures)} queries; "
              f"top-{TOP} reports with template text first: {template_on_top(figures):.1%}")


if __name__ == "__main__":
    main()
