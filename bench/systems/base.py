"""What every measured system answers, and the small interface the measuring loop drives.

One request shape for all, because the web page needs all of it at once: the total, facet counts
over every match (not just the shown page), and the top 20 hits with snippets. A system that is
fast only because it skips part of this would not be a fair comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..queries import BenchQuery
from ..truth import Facets

TOP = 20


@dataclass
class Answer:
    """One full search request's result, reduced to what the correctness check compares."""

    total: int
    facets: Facets
    hits: list[int] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)


class System(Protocol):
    """A search system under test, already built over the shared passage table."""

    name: str

    def search(self, query: BenchQuery) -> Answer:
        """The full request, timed by the caller."""
        ...

    def matching_ids(self, query: BenchQuery) -> set[int] | None:
        """Every matching passage id (untimed, for the correctness check); None if unknowable."""
        ...

    def close(self) -> None:
        """Release files, connections and processes."""
        ...
