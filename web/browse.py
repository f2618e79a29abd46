"""The browsable archive (empty query): every report, newest first, with facet counts.

Why from the store and not the index: with no words there is nothing to rank, and the store can
list the archive while the index is missing or being rebuilt. Filters go through the indexer's
parser (``indexer.query.parse``, resolved against the names present here), and facets through
the indexer's ordering (``indexer.facets.order_facet``), so a URL means the same and a facet
reads the same ("n 份报告", passages second, years newest first, ``地区不详`` last) whether the
page is a search or a browse. The result has the same JSON shape as a search so the page and
its twin need one template and one schema.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.store import Passage, Report
from indexer.facets import order_facet
from indexer.query import PLACE_COLUMNS, ParsedQuery, parse

from .params import FACET_LABELS, SearchParams

_COLUMNS = (Report.id, Report.title, Report.township, Report.county, Report.city, Report.province,
            Report.year, Report.doc_type, Report.issue_date)
_SORT_KEYS = {
    "year": lambda r: (-(r["year"] or 0), r["province"], r["county"], r["township"]),
    "relevance": lambda r: (-(r["year"] or 0), r["province"], r["county"], r["township"]),
    "place": lambda r: (r["province"], r["city"], r["county"], r["township"], -(r["year"] or 0)),
}


def _rows(session: Session) -> list[dict]:
    """Metadata of every report plus its passage count per section kind (no text loaded)."""
    rows = [dict(zip(("report_id", "title", "township", "county", "city", "province", "year",
                      "doc_type", "issue_date"), values, strict=True))
            for values in session.execute(select(*_COLUMNS))]
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    per_kind = select(Passage.report_id, Passage.section_kind, func.count()).group_by(
        Passage.report_id, Passage.section_kind)
    for report_id, kind, count in session.execute(per_kind):
        kinds[report_id][kind] += count
    for row in rows:
        row["section"] = kinds[row["report_id"]]
        row["passages"] = row["section"].total()
    return rows


def _stored(row: dict, key: str) -> str:
    """A report's value as the index stores it (text, '' when not known)."""
    return "" if row[key] is None else str(row[key])


def _selected(row: dict, parsed: ParsedQuery) -> bool:
    """Whether a report passes every filter (for ``section``: has passages of that kind)."""
    for key, values in parsed.filters.items():
        if key == "section":
            if not any(row["section"][kind] for kind in values):
                return False
        elif _stored(row, key) not in values:
            return False
    if parsed.year_range is not None:
        low, high = parsed.year_range
        return row["year"] is not None and low <= int(row["year"]) <= high
    return True


def _facets(rows: list[dict]) -> dict[str, list[list[object]]]:
    """``{field: [[value, reports, passages], …]}`` over the listed reports."""
    facets: dict[str, list[list[object]]] = {}
    for key in FACET_LABELS:
        reports: Counter[str] = Counter()
        passages: Counter[str] = Counter()
        for row in rows:
            counts = row["section"] if key == "section" else {_stored(row, key): row["passages"]}
            for value, count in counts.items():
                reports[value] += 1
                passages[value] += count
        facets[key] = order_facet(key, ((value, reports[value], passages[value]) for value in reports))
    return facets


def browse(session: Session, params: SearchParams, per_page: int) -> dict:
    """Filtered, sorted, paginated report list with report-count facets, search-result shaped.

    Raises ``QuerySyntaxError`` for a filter that cannot mean anything (``year=abcd``).
    """
    everything = _rows(session)
    present = {key: sorted({_stored(row, key) for row in everything} - {""}) for key in PLACE_COLUMNS}
    parsed = parse("", params.indexer_filters() or None, present)
    rows = [row for row in everything if _selected(row, parsed)]
    rows.sort(key=_SORT_KEYS[params.sort])
    pages = max(1, -(-len(rows) // per_page))
    chunk = rows[(params.page - 1) * per_page: params.page * per_page]
    groups = [{"report_id": r["report_id"], "township": r["township"], "county": r["county"],
               "city": r["city"], "province": r["province"], "year": r["year"], "title": r["title"],
               "doc_type": r["doc_type"], "issue_date": r["issue_date"], "passages": r["passages"],
               "hits": [], "more": 0} for r in chunk]
    return {
        "mode": "browse",
        "total": sum(r["passages"] for r in rows),
        "reports": len(rows),
        "facets": _facets(rows),
        "notes": parsed.notes,
        "suggestions": [],
        "groups": groups,
        "page": params.page,
        "per_page": per_page,
        "pages": pages,
        "query": "",
        "filters": params.indexer_filters(),
        "sort": params.sort,
    }
