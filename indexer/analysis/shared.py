"""What a few compared reports write alike: their clauses that one or more of the others share.

The side-by-side comparison marks, in each report, the clauses (分句) another compared report
also has, and leaves the rest as the township's own wording. The clauses are the template
marks' own (``indexer.analysis.templates``: every markable clause of a passage with its span and the key
it is compared on, stored at index time), and so is the rule: two clauses are the same wording
when their keys are equal or the Jaccard similarity of their ``SHINGLE``-character shingle sets
is at least ``SIMILARITY`` (``indexer.analysis.nearcopies``' numbers; ``tests/test_compare_shared.py``
checks they agree). Between a handful of reports the similarity is computed exactly, through an
inverted index of their shingles, rather than estimated by MinHash: a few hundred clauses, and
no numpy or datasketch to import in a web process.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE = 3  # characters per shingle, as ``nearcopies.SHINGLE``
SIMILARITY = 0.5  # Jaccard from which two clauses are the same wording, as ``nearcopies.SIMILARITY``


@dataclass(frozen=True)
class ComparedClause:
    """A markable clause of a compared report: ``text[start:end]`` of paragraph ``seq``, and the
    other compared reports (ids) that have the same wording (empty: the township's own)."""

    seq: int
    start: int
    end: int
    shared_with: tuple[str, ...]


def _shingles(key: str) -> frozenset[str]:
    return frozenset(key[i:i + SHINGLE] for i in range(max(len(key) - SHINGLE + 1, 1)))


def compared_clauses(conn: sqlite3.Connection, report_ids: Sequence[str]) -> dict[str, list[ComparedClause]]:
    """Each report's markable clauses in document order, each with the reports of ``report_ids``
    sharing its wording. A report without stored clauses (none long enough) maps to ``[]``."""
    marks = ",".join("?" * len(report_ids))
    rows = conn.execute(
        "SELECT p.report_id, p.seq, s.start, s.end, k.key FROM passages p "
        "JOIN sentence_marks s ON s.gid = p.gid JOIN clause_keys k ON k.key_id = s.key_id "
        f"WHERE p.unit = 'p' AND p.report_id IN ({marks}) ORDER BY p.report_id, p.seq, s.start",
        list(report_ids),
    ).fetchall()
    shingles = {key: _shingles(key) for key in {row[4] for row in rows}}
    holders: dict[str, set[str]] = defaultdict(set)
    for report_id, *_span, key in rows:
        holders[key].add(report_id)
    by_shingle: dict[str, list[str]] = defaultdict(list)
    for key, grams in shingles.items():
        for gram in grams:
            by_shingle[gram].append(key)
    near: dict[str, set[str]] = {}
    for key, grams in shingles.items():
        overlap = Counter(other for gram in grams for other in by_shingle[gram])
        near[key] = {other for other, common in overlap.items()
                     if common >= SIMILARITY * (len(grams) + len(shingles[other]) - common)}
    out: dict[str, list[ComparedClause]] = {report_id: [] for report_id in report_ids}
    for report_id, seq, start, end, key in rows:
        others = set().union(*(holders[other] for other in near[key])) - {report_id}
        out[report_id].append(ComparedClause(seq, start, end, tuple(r for r in report_ids if r in others)))
    return out
