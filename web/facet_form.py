"""The result page's filter panel: a checkbox per facet value, in a form that states the search.

Why a form of checkboxes rather than a link per value: a filter may hold several values (a
report with any of them is meant), so values are ticked and unticked, several at a time without
script; the form carries the query, the sort and the filters' other values, so submitting it is
the same search with the boxes as they stand. A field the search filters on lists its
``choices`` (``SearchResult.choices``: each value counted as if chosen alone, the other filters
kept), so its other values stay on offer with exact counts; every other field lists the
result's own facets.
"""

from __future__ import annotations

from dataclasses import dataclass

from .params import FACET_LABELS, SearchParams, param_for_facet

SHOWN = 8  # entries shown per facet; the rest fold under 更多
LISTED = 200  # entries listed per facet at most (a value ticked beyond them is kept, hidden)


@dataclass(frozen=True)
class Entry:
    """One value of a facet with the reports and passages it selects, and whether it is ticked."""

    value: str
    reports: int
    passages: int
    checked: bool


@dataclass(frozen=True)
class Section:
    """One facet of the panel: its URL parameter, label and entries in display order."""

    param: str
    label: str
    entries: list[Entry]

    @property
    def shown(self) -> list[Entry]:
        return self.entries[:SHOWN]

    @property
    def folded(self) -> list[Entry]:
        return self.entries[SHOWN:LISTED]


def sections(params: SearchParams, result: dict) -> list[Section]:
    """The panel's facets with entries (``result`` is ``SearchResult.to_json()``)."""
    out: list[Section] = []
    for key, label in FACET_LABELS.items():
        param = param_for_facet(key)
        ticked = params.filters.get(param, ())
        rows = result["choices"].get(key) or result["facets"].get(key) or []
        entries = [Entry(str(value), int(reports), int(passages), str(value) in ticked)
                   for value, reports, passages in rows]
        if entries:
            out.append(Section(param, label, entries))
    return out


def kept_values(params: SearchParams, panel: list[Section]) -> list[tuple[str, str]]:
    """(param, value) of filter values the panel shows no box for (a value matching nothing, one
    beyond ``LISTED``, ``original``): hidden inputs, so submitting the panel keeps them."""
    boxed = {(section.param, entry.value) for section in panel for entry in section.entries[:LISTED]}
    return [pair for pair in params.chips() if pair not in boxed]
