"""The floor: a linear scan of every passage in memory with Python's ``in``.

No index at all, so it is exact by construction and its cost grows linearly with the corpus:
an engine slower than this on a query has no reason to exist for that query.
"""

from __future__ import annotations

from html import escape

from ..passages import PassageRecord
from ..queries import BenchQuery
from ..truth import facet_counts, matches
from .base import TOP, Answer

CONTEXT = 24


def snippet(record: PassageRecord, word: str) -> str:
    """Display text around the first occurrence of ``word``, the match marked, HTML-escaped."""
    at = max(record.folded.find(word), 0)
    start = max(at - CONTEXT, 0)
    text = record.text
    return (escape(text[start:at]) + "<b>" + escape(text[at:at + len(word)]) + "</b>"
            + escape(text[at + len(word):at + len(word) + CONTEXT]))


class LinearScan:
    """Scan the shared table; hits in table order (no ranking: this is the floor, not a rival)."""

    name = "scan"

    def __init__(self, records: list[PassageRecord]) -> None:
        self.records = records

    def _matching(self, query: BenchQuery) -> list[PassageRecord]:
        return [record for record in self.records if matches(record, query)]

    def search(self, query: BenchQuery) -> Answer:
        found = self._matching(query)
        top = found[:TOP]
        return Answer(len(found), facet_counts(found), [r.pid for r in top],
                      [snippet(r, query.words[0]) for r in top])

    def matching_ids(self, query: BenchQuery) -> set[int]:
        return {record.pid for record in self._matching(query)}

    def close(self) -> None:
        self.records = []


def build(records: list[PassageRecord]) -> LinearScan:
    """Nothing to build: the folded table is already in memory."""
    return LinearScan(records)
