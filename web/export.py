"""Exports: every hit of a search as rows, CSV safe for Excel, and download file names.

Why the formula guard: journalists open these files in Excel, and a report (or query) that
starts a cell with ``=`` would run as a formula there (CSV injection). Such cells get a
leading single quote, which Excel shows as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

from flask import url_for

from archive.errors import IndexUnavailable

from .browse import browse
from .params import SearchParams
from .services import archive_config, base_url, db, search_service

# A hit row, in the order of _HIT_SQL's columns (the SQL's ``unit`` becomes ``place`` and
# ``anchor``), then the link; the JSON API's ``all=1`` hits have exactly these keys.
HIT_FIELDS = ("report_id", "province", "city", "county", "township", "year", "doc_type", "title",
              "section", "heading", "seq", "text", "place", "anchor", "permalink")
CSV_COLUMNS = tuple(name for name in HIT_FIELDS if name not in ("place", "anchor"))
HEADING_JOIN = " > "  # a heading path in one spreadsheet cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell's text, defused if a spreadsheet would read it as a formula.

    A heading path (a list in the JSON) is joined into one cell; a missing value is empty.
    """
    if isinstance(value, list):
        value = HEADING_JOIN.join(str(part) for part in value)
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def hits_csv(rows: Iterable[dict]) -> Iterator[str]:
    """CSV, streamed line by line: a UTF-8 BOM, a header row and one row per hit.

    Streamed because "all hits" of a common word can be hundreds of thousands of passages.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(CSV_COLUMNS)
    for row in rows:
        yield line(safe_cell(row.get(name)) for name in CSV_COLUMNS)


def _permalink(root: str, report_id: str, seq: int | None = None, anchor: str = "") -> str:
    """Link to a report, to ¶ ``seq`` of it, or to a heading / the title by its ``anchor``."""
    if seq is None:
        return root + url_for("reader.report", report_id=report_id) + (f"#{anchor}" if anchor else "")
    return f"{root}{url_for('reader.report', report_id=report_id, p=seq)}#p-{seq}"


_HIT_SQL = (
    "SELECT p.report_id, r.province, r.city, r.county, r.township, r.year, r.doc_type, r.title, p.section, "
    "p.heading, p.seq, p.text, p.unit FROM passages p JOIN reports r ON r.report_id = p.report_id "
    "WHERE {where} ORDER BY {order}, p.report_id, p.gid"  # gid: document order, title and headings too
)
_ORDERS = {
    "place": "r.province, r.city, r.county, r.township, r.year DESC",
    "year": "r.year DESC, r.province, r.city, r.county, r.township",
}


def all_hits(params: SearchParams) -> Iterator[dict]:
    """Every matching passage of the query, not just the three per report a result page shows.

    Read straight from the live generation's literal table with the indexer's own parser and
    match compiler, so the export matches exactly what search counts. Rows come ordered by
    place or year (relevance order is for reading, not for a spreadsheet: it falls back to year).
    For an empty query there are no hits to list; the export then lists the reports.
    The query is checked here, before the first row, so a bad one fails before streaming starts.
    """
    root = base_url()
    if params.is_browse:
        return iter(_report_rows(params, root))
    from indexer.generation import LITERAL_DB, current_generation
    from indexer.literal import compile_where

    parsed = search_service().parse(params.q, params.indexer_filters() or None)
    folder = current_generation(archive_config().index_dir)
    if folder is None:
        raise IndexUnavailable("检索索引尚未建立")
    where, args = compile_where(parsed)
    sql = _HIT_SQL.format(where=where, order=_ORDERS.get(params.sort, _ORDERS["year"]))
    return _hit_rows(folder / LITERAL_DB, sql, args, root)


def _report_rows(params: SearchParams, root: str) -> list[dict]:
    """One row per listed report (no words: nothing to point at), ``place`` "report"."""
    rows = []
    for group in browse(db(), params, per_page=10**9)["groups"]:
        record = {name: group.get(name, "") for name in HIT_FIELDS}
        record.update(seq=None, section="", heading=[], text="", place="report", anchor="",
                      permalink=_permalink(root, group["report_id"]))
        rows.append(record)
    return rows


def _hit_rows(database: Path, sql: str, args: list[object], root: str) -> Iterator[dict]:
    """Rows of ``_HIT_SQL`` in the API's vocabulary: a year as a number, the heading path as a
    list, ``seq`` only for a paragraph (a title or heading has no ¶ to cite, issue 10)."""
    from indexer.literal import PASSAGE, PLACE_NAMES, anchor, connect

    names = HIT_FIELDS[:HIT_FIELDS.index("text") + 1]
    conn = connect(database)
    try:
        for *values, unit in conn.execute(sql, args):
            record = dict(zip(names, values, strict=True))
            record["heading"] = json.loads(record["heading"] or "[]")
            record["year"] = int(record["year"]) if str(record["year"]).isdigit() else None
            record["place"], record["anchor"] = PLACE_NAMES[unit], anchor(unit, record["seq"])
            if unit == PASSAGE:
                record["permalink"] = _permalink(root, record["report_id"], record["seq"])
            else:
                record["permalink"] = _permalink(root, record["report_id"], None, record["anchor"])
                record["seq"] = None
            yield record
    finally:
        conn.close()


def content_disposition(kind: str, filename: str) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987).

    The plain ``filename`` is an ASCII stand-in for old clients; browsers use ``filename*``,
    which keeps a Chinese name intact.
    """
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    if not ascii_name.strip("_."):
        ascii_name = "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
