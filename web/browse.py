"""The browsable archive (empty query): every report, newest first, with facet counts.

Why from the store and not the index: with no words there is nothing to rank, and counting
reports (not passages) is what a browsing user wants to see beside "2023 (12)". The result has
the same JSON shape as a search so the page and its twin need one template and one schema.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.store import Passage, Report

from .params import FACET_LABELS, SearchParams

_COLUMNS = (Report.id, Report.title, Report.township, Report.county, Report.city, Report.province,
            Report.year, Report.doc_type, Report.issue_date)
_SORT_KEYS = {
    "year": lambda r: (-(r["year"] or 0), r["province"], r["county"], r["township"]),
    "relevance": lambda r: (-(r["year"] or 0), r["province"], r["county"], r["township"]),
    "place": lambda r: (r["province"], r["city"], r["county"], r["township"], -(r["year"] or 0)),
}


def _rows(session: Session) -> list[dict]:
    """Metadata of every report plus the set of section kinds it contains (no text loaded)."""
    rows = [dict(zip(("report_id", "title", "township", "county", "city", "province", "year",
                      "doc_type", "issue_date"), values, strict=True))
            for values in session.execute(select(*_COLUMNS))]
    kinds: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    per_kind = select(Passage.report_id, Passage.section_kind, func.count()).group_by(
        Passage.report_id, Passage.section_kind)
    for report_id, kind, count in session.execute(per_kind):
        kinds[report_id].add(kind)
        counts[report_id] += count
    for row in rows:
        row["section"] = kinds[row["report_id"]]
        row["passages"] = counts[row["report_id"]]
    return rows


def _matches(row: dict, key: str, value: str) -> bool:
    if key == "section":
        return value in row["section"]
    return str(row[key] if row[key] is not None else "") == value


def browse(session: Session, params: SearchParams, per_page: int) -> dict:
    """Filtered, sorted, paginated report list with report-count facets, search-result shaped."""
    filters = params.indexer_filters()
    rows = [r for r in _rows(session) if all(_matches(r, k, v) for k, v in filters.items())]
    facets: dict[str, list[list]] = {}
    for key in FACET_LABELS:
        counter: Counter = Counter()
        for row in rows:
            values = row["section"] if key == "section" else [row[key]]
            counter.update(v for v in values if v not in (None, ""))
        ordered = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
        if key == "year":
            ordered = sorted(counter.items(), key=lambda kv: -int(kv[0]))
        facets[key] = [[value, count] for value, count in ordered]
    rows.sort(key=_SORT_KEYS[params.sort])
    pages = max(1, -(-len(rows) // per_page))
    chunk = rows[(params.page - 1) * per_page: params.page * per_page]
    groups = [{"report_id": r["report_id"], "township": r["township"], "county": r["county"],
               "city": r["city"], "province": r["province"], "year": r["year"], "title": r["title"],
               "doc_type": r["doc_type"], "issue_date": r["issue_date"], "passages": r["passages"],
               "hits": [], "more": 0} for r in chunk]
    return {
        "total": sum(r["passages"] for r in rows),
        "reports": len(rows),
        "facets": facets,
        "groups": groups,
        "page": params.page,
        "per_page": per_page,
        "pages": pages,
        "query": "",
        "filters": filters,
        "sort": params.sort,
        "mode": "browse",
    }
