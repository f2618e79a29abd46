"""Ground truth: the passages a correct engine must return, and their facet counts.

Defined by the documented normalisation alone (a passage matches when its ``fold_for_match``
text contains every query word and it carries every filter value), so no engine's own
analysis can make itself look right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .passages import FACETS, PassageRecord
from .queries import BenchQuery

Facets = dict[str, dict[str, int]]


@dataclass
class Truth:
    """The exact answer to one query."""

    ids: frozenset[int]
    facets: Facets
    reports: int


def matches(record: PassageRecord, query: BenchQuery) -> bool:
    """True when the passage contains every word and carries every filter value."""
    return all(record.facet(name) == value for name, value in query.filters) and all(
        word in record.folded for word in query.words
    )


def facet_counts(records: Iterable[PassageRecord]) -> Facets:
    """Passages per facet value, for every facet the web page shows."""
    counters = {name: Counter() for name in FACETS}
    for record in records:
        for name, counter in counters.items():
            counter[record.facet(name)] += 1
    return {name: dict(counter) for name, counter in counters.items()}


def truth_for(records: list[PassageRecord], query: BenchQuery) -> Truth:
    """The matching passages, their facet counts and how many reports they come from."""
    hits = [record for record in records if matches(record, query)]
    return Truth(frozenset(r.pid for r in hits), facet_counts(hits), len({r.report_id for r in hits}))
