"""Judge one system's answer against the ground truth.

"Exact" means all of it: the full matching set (when the system can list it), the total, every
facet count, and no shown hit outside the truth. A fast wrong answer is reported as wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .passages import FACETS
from .systems.base import Answer
from .truth import Facets, Truth


@dataclass
class Verdict:
    """Per-query correctness figures, kept in the JSON output for any later look."""

    exact: bool
    expected: int
    total: int
    missing: int | None
    extra: int | None
    facets_ok: bool
    hits_ok: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _clean(facets: Facets) -> Facets:
    """Facet counts by string key, without empty values (an unresolved place is not listed)
    and without zero rows some engines emit."""
    return {name: {str(key): count for key, count in facets.get(name, {}).items() if count and key}
            for name in FACETS}


def judge(answer: Answer, ids: set[int] | None, truth: Truth) -> Verdict:
    """Compare an answer (and the full id set, if known) with the truth."""
    missing = extra = None
    if ids is not None:
        missing, extra = len(truth.ids - ids), len(ids - truth.ids)
    facets_ok = _clean(answer.facets) == _clean(truth.facets)
    # The project pages by report (20 reports, best passages of each), the others by passage.
    hits_ok = set(answer.hits) <= truth.ids and bool(answer.hits) == bool(truth.ids)
    exact = (answer.total == len(truth.ids) and facets_ok and hits_ok
             and (ids is None or (missing == 0 and extra == 0)))
    return Verdict(exact, len(truth.ids), answer.total, missing, extra, facets_ok, hits_ok)
