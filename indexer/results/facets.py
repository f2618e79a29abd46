"""Facet counts over *all* matching passages, computed in SQLite from the materialised match set.

What is counted: **reports**, the unit a user filters by ("2022 · 2 份报告"), with the number of
matching passages second (counting passages alone read as "7 reports" where two reports
matched). Each entry is ``[value, reports, passages]``. A report whose place or year is not
known is counted under the field's ``unknown`` label (``地区不详``, ``年份不详``), which is also
the value that filters to it (``indexer.analysis.query``), so those reports can be selected like any
other. Years are listed newest first (as browsing lists reports), every other field by report
count; the unknown entry always comes last.

Report-level facets are counted over ``temp.hit_reports`` (at most one row per report, with its
match count ``n``, its place number and its facet values copied in when it is filled): the
place facets (province … township) all from one ``GROUP BY`` of the place numbers (at most one
row per township, summed up each level here: 依法行政 at 10,000 reports, four facets 21 → 14 ms),
the others (year, doc type) one ``GROUP BY`` each, in C; passage-level ones (``section``) group
``temp.hits`` by the value's number.
Searching and browsing both count here (browsing is a search without words). Why not Whoosh's
``groupedby`` or a join per facet: docs/decisions.md (figures: bench/LOG.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from archive.fields import PASSAGE_LEVEL, PLACE_COLUMNS, REPORT_FACETS, having
from indexer.analysis.query_lexer import FIELDS
from indexer.index.schema import FACET_FIELDS

FacetEntry = list[object]  # [value, reports, passages]
FacetCounts = dict[str, list[FacetEntry]]
# Facets whose value belongs to the passage (section); every other facet is a property of the report.
PASSAGE_FACETS = tuple(f.column for f in having(PASSAGE_LEVEL))
# Report facets that are a place: counted together, per place number (``_place_counts``).
PLACE_FACETS = tuple(column for column in PLACE_COLUMNS if column in REPORT_FACETS)


def facet_counts(conn: sqlite3.Connection, names: Iterable[str] = FACET_FIELDS) -> FacetCounts:
    """``{field: [[value, reports, passages], …]}`` for the passages in ``temp.hits``, for the
    facet fields ``names`` (all by default)."""
    names = tuple(names)
    places = _place_counts(conn) if set(names) & set(PLACE_FACETS) else {}
    out: FacetCounts = {}
    for name in names:
        if name in places:
            rows: Iterable[tuple[object, int, int]] = places[name]
        elif name in PASSAGE_FACETS:  # stored by number (``{name}_no``, named in table ``{name}s``)
            rows = conn.execute(
                f"SELECT n.{name}, g.reports, g.passages FROM (SELECT {name}_no AS number, count(DISTINCT "
                f"report_no) AS reports, count(*) AS passages FROM temp.hits GROUP BY number) g "
                f"JOIN {name}s n ON n.{name}_no = g.number")
        else:
            rows = conn.execute(f"SELECT {name}, count(*), sum(n) FROM temp.hit_reports GROUP BY {name}")
        out[name] = order_facet(name, rows)
    return out


def _place_counts(conn: sqlite3.Connection) -> dict[str, list[tuple[object, int, int]]]:
    """(value, reports, passages) of each place facet: the matching reports counted per place
    number (``report_places``), then per value at each level (a county's are its townships')."""
    totals: dict[str, dict[object, list[int]]] = {name: {} for name in PLACE_FACETS}
    for *values, reports, passages in conn.execute(
        f"SELECT {', '.join(f'pl.{name}' for name in PLACE_FACETS)}, g.reports, g.n FROM "
        "(SELECT place_no, count(*) AS reports, sum(n) AS n FROM temp.hit_reports GROUP BY place_no) g "
        "JOIN report_places pl ON pl.place_no = g.place_no"
    ):
        for name, value in zip(PLACE_FACETS, values, strict=True):
            counts = totals[name].setdefault(value, [0, 0])
            counts[0] += reports
            counts[1] += passages
    return {name: [(value, *counts) for value, counts in found.items()] for name, found in totals.items()}


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
