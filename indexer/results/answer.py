"""What a search answers, and its wire form, written once: ``SearchResult`` and the groups, hits
and suggestions in it (``to_json`` is the JSON every endpoint sends, described by
``web.schemas``); the API test checks real responses against that description."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from indexer.analysis import templates
from indexer.index.schema import FACET_FIELDS

from .facets import FacetCounts


@dataclass
class Hit:
    """One matching place as shown: a passage (``seq`` is its 1-based paragraph number, permalink
    #p-<seq>, the name every endpoint of the API uses), a heading or the title (``seq`` None: no
    ¶ to cite); ``anchor`` is the reader's fragment for it (``place_kinds.anchor``)."""

    seq: int | None
    section: str
    heading: list[str]
    snippet: str
    text: str
    place: str = "passage"  # "passage" | "heading" | "title"
    anchor: str = ""
    template: bool = False  # every sentence of the passage is template text (``indexer.analysis.wording``)
    shared: templates.Shared = templates.NOT_SHARED  # other reports holding its clauses


@dataclass
class Group:
    """The matching passages of one report, best first; ``more`` = matches not shown."""

    report_id: str
    township: str
    county: str
    year: int | None
    title: str
    hits: list[Hit]
    more: int
    passages: int = 0  # matching passages of the report (all of them for a filter-only listing)
    # pasted text: how many of its clauses the report holds (``indexer.matching.pasted``)
    shared: int | None = None
    # The rest of what a result shows of its report (``archive.fields`` GROUP role), from the index.
    province: str = ""
    city: str = ""
    doc_type: str = ""
    issue_date: str = ""


@dataclass
class Suggestion:
    """A corrected query that finds something: ``query`` with each ``(typed, meant)`` replaced."""

    query: str
    changes: list[tuple[str, str]]
    reports: int
    total: int


@dataclass
class SearchResult:
    """Everything a result page needs; ``to_json`` is the documented wire format.

    ``listing`` is a query of filters only (``year:2024``): there are no words to match, so the
    groups are the filtered reports with no passages shown (like browsing), not every report's
    ¶1 as a pseudo-hit. ``notes`` say how filters were read (``county:潢川`` → 潢川县);
    ``suggestions`` are filled only when nothing was found. ``facets`` count the results;
    ``choices`` has each facet the query filters on counted without its own filter, so the
    values a user may add to it (a filter's values are alternatives) are offered with the
    reports each would select with the other filters kept (``_choices``). ``clauses`` is set
    when the query was read as pasted text (mode ``passage``).
    """

    query: str
    filters: dict[str, str | list[str]]
    sort: str
    page: int
    per_page: int
    total: int = 0
    reports: int = 0
    facets: FacetCounts = field(default_factory=lambda: {name: [] for name in FACET_FIELDS})
    groups: list[Group] = field(default_factory=list)
    listing: bool = False
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    choices: FacetCounts = field(default_factory=dict)
    clauses: list[str] | None = None  # pasted text: the clauses looked for (``indexer.matching.pasted``)

    @property
    def pages(self) -> int:
        """Number of result pages (pages are pages of reports)."""
        return (self.reports + self.per_page - 1) // self.per_page

    def to_json(self) -> dict[str, object]:
        """Plain JSON-ready dict with exactly the keys ``web.schemas.search.SearchResultSchema`` documents
        (the API test validates real responses against it, so a change here must change both)."""
        return {
            "mode": "passage" if self.clauses is not None else "list" if self.listing else "search",
            "clauses": self.clauses or [],
            "total": self.total,
            "reports": self.reports,
            "facets": self.facets,
            "choices": self.choices,
            "notes": self.notes,
            "suggestions": [
                {"query": s.query, "changes": [list(change) for change in s.changes],
                 "reports": s.reports, "total": s.total}
                for s in self.suggestions
            ],
            "groups": [
                {
                    "report_id": g.report_id, "township": g.township, "county": g.county,
                    "year": g.year, "title": g.title, "more": g.more, "passages": g.passages,
                    "shared": g.shared, "province": g.province, "city": g.city, "doc_type": g.doc_type,
                    "issue_date": g.issue_date,
                    "hits": [
                        {"seq": h.seq, "section": h.section, "heading": h.heading,
                         "snippet": h.snippet, "text": h.text, "place": h.place, "anchor": h.anchor,
                         "template": h.template, "shared": h.shared.to_json()}
                        for h in g.hits
                    ],
                }
                for g in self.groups
            ],
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "query": self.query,
            "filters": self.filters,
            "sort": self.sort,
        }


def echo_filters(filters: Mapping[str, str | Sequence[str]] | None) -> dict[str, str | list[str]]:
    """The filters as the request gave them, for the answer to repeat."""
    return {str(k): (v if isinstance(v, str) else [str(x) for x in v]) for k, v in (filters or {}).items()}
