"""Every match of a search as rows, for the CSV export and the API's ``all=1``: streamed from a
connection of its own, ordered by year or place, in the API's vocabulary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from archive.fields import BY_COLUMN, EXPORT, PASSAGE_LEVEL, columns
from indexer.analysis.query_tree import ParsedQuery
from indexer.index import literal, literal_sql, place_kinds
from indexer.ranking.order import order_by

# Export rows: the report's export fields, then the place's.
REPORT_EXPORT = tuple(name for name in columns(EXPORT) if not BY_COLUMN[name].has(PASSAGE_LEVEL))
PASSAGE_EXPORT = tuple(name for name in columns(EXPORT) if BY_COLUMN[name].has(PASSAGE_LEVEL))
EXPORT_FIELDS = ("report_id", *REPORT_EXPORT, *PASSAGE_EXPORT, "heading", "seq", "text", "place", "anchor",
                 "template", "shared_reports")
REPORT_PLACE = "report"  # the ``place`` of an export row listing a report (a query without words)


def export_sql(parsed: ParsedQuery, sort: str) -> tuple[str, list[object]]:
    """The SQL of every match of ``parsed`` as export rows, ordered by ``sort``; for a query
    without words, every matching report (nothing to point at in it)."""
    where, args = literal_sql.compile_where(parsed)
    report_columns = ", ".join(f"r.{name}" for name in ("report_id", *REPORT_EXPORT))
    order = order_by(sort, "r")
    if parsed.match is None:
        sql = (f"SELECT {report_columns} FROM reports r WHERE r.report_id IN "
               f"(SELECT p.report_id FROM passages p WHERE {where}) ORDER BY {order}, r.report_id")
    else:
        place = ", ".join(f"p.{name}" for name in (*PASSAGE_EXPORT, "heading", "seq", "text", "unit"))
        sql = (f"SELECT {report_columns}, {place}, coalesce(w.template, 0), coalesce(m.reports, 0) "
               "FROM passages p JOIN reports r ON r.report_id = p.report_id "
               "LEFT JOIN passage_wording w ON w.gid = p.gid LEFT JOIN passage_marks m ON m.gid = p.gid "
               f"WHERE {where} ORDER BY {order}, p.report_id, p.gid")  # gid: document order
    return sql, args


def export_rows(database: Path, sql: str, args: list[object]) -> Iterator[dict[str, object]]:
    """Rows of ``export_rows``' SQL in the API's vocabulary: a year as a number, the heading
    path as a list, ``seq`` only for a paragraph (a title or heading has no ¶ to cite)."""
    conn = literal.connect(database)
    try:
        for values in conn.execute(sql, args):
            row: dict[str, object] = dict(zip(("report_id", *REPORT_EXPORT), values, strict=False))
            row["year"] = int(row["year"]) if str(row["year"]).isdigit() else None
            if len(values) == 1 + len(REPORT_EXPORT):
                row.update({name: "" for name in PASSAGE_EXPORT})
                row.update(heading=[], seq=None, text="", place=REPORT_PLACE, anchor="", template=False,
                           shared_reports=0)
            else:
                *place_values, heading, seq, text, unit, template, shared = values[1 + len(REPORT_EXPORT):]
                row.update(zip(PASSAGE_EXPORT, place_values, strict=True))
                row.update(heading=json.loads(heading or "[]"),
                           seq=seq if unit == place_kinds.PASSAGE else None, text=text,
                           place=place_kinds.PLACE_NAMES[unit], anchor=place_kinds.anchor(unit, seq),
                           template=bool(template), shared_reports=shared)
            yield row
    finally:
        conn.close()
