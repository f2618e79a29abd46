"""Facet counts over *all* matching passages, computed in SQLite from the materialised match set.

What is counted: **reports**, the unit a user filters by ("2022 · 2 份报告"), with the number of
matching passages second (issue 10: counting passages alone read as "7 reports" where two
matched). Each entry is ``[value, reports, passages]``. A report whose place or year is not
known is counted under the field's ``unknown`` label (``地区不详``, ``年份不详``), which is also
the value that filters to it (``indexer.query``), so those reports can be selected like any
other. Years are listed newest first (as browsing lists reports), every other field by report
count; the unknown entry always comes last.

Each facet is one ``GROUP BY`` in C. Report-level facets (year, places, doc type) are grouped
over ``temp.hit_reports`` (at most one row per report, with its match count ``n`` and its facet
values copied in when it is filled); only passage-level ones (``section``) group ``temp.hits``.
Searching and browsing both count here (browsing is a search without words). Why not Whoosh's
``groupedby`` or a join per facet: docs/decisions.md.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from archive.fields import PASSAGE_LEVEL, having

from .query import FIELDS
from .schema import FACET_FIELDS

FacetEntry = list[object]  # [value, reports, passages]
FacetCounts = dict[str, list[FacetEntry]]
# Facets whose value belongs to the passage (section); every other facet is a property of the report.
PASSAGE_FACETS = tuple(f.column for f in having(PASSAGE_LEVEL))


def facet_counts(conn: sqlite3.Connection) -> FacetCounts:
    """``{field: [[value, reports, passages], …]}`` for the passages in ``temp.hits``."""
    out: FacetCounts = {}
    for name in FACET_FIELDS:
        if name in PASSAGE_FACETS:
            sql = f"SELECT {name}, count(DISTINCT report_id), count(*) FROM temp.hits GROUP BY {name}"
        else:
            sql = f"SELECT {name}, count(*), sum(n) FROM temp.hit_reports GROUP BY {name}"
        out[name] = order_facet(name, conn.execute(sql))
    return out


def order_facet(name: str, rows: Iterable[tuple[object, int, int]]) -> list[FacetEntry]:
    """Facet entries in display order, empty values under the field's unknown label.

    Years newest first and as numbers (the index and the browse filter hold them as
    text; the API says a year is a number everywhere); others by report count, then value; the
    unknown entry (``年份不详`` for a year, text) last.
    A field without an unknown label (section, type) drops empty values.
    """
    unknown = FIELDS[name].unknown
    known: list[FacetEntry] = []
    missing: list[FacetEntry] = []
    for value, reports, passages in rows:
        if value in (None, ""):
            if unknown:
                missing.append([unknown, reports, passages])
        else:
            known.append([int(str(value)) if name == "year" else value, reports, passages])
    if name == "year":
        known.sort(key=lambda entry: -int(str(entry[0])))
    else:
        known.sort(key=lambda entry: (-int(entry[1]), str(entry[0])))  # type: ignore[call-overload]
    return known + missing
