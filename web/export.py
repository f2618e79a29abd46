"""Exports: every hit of a search as rows, CSV safe for Excel, and download file names.

Why the formula guard: journalists open these files in Excel, and a report (or query) that
starts a cell with ``=`` would run as a formula there (CSV injection). Such cells get a
leading single quote, which Excel shows as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from flask import url_for

from indexer.service import EXPORT_FIELDS

from .params import SearchParams
from .services import base_url, search_service

# A hit row: the service's export fields (``archive.fields`` EXPORT role), then the link; the
# JSON API's ``all=1`` hits have exactly these keys.
HIT_FIELDS = (*EXPORT_FIELDS, "permalink")
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


def all_hits(params: SearchParams) -> Iterator[dict]:
    """Every matching passage of the query, not just the three per report a result page shows
    (for no words: every listed report), each with its permalink.

    Rows come from the search service (``SearchService.export_rows``: the same parser, place
    names and match set as the result page), ordered by place or year. The query is checked
    before the first row, so a bad one fails before streaming starts.
    """
    rows = search_service().export_rows(params.q, params.indexer_filters() or None, params.sort,
                                        passage=params.passage)
    return _with_permalinks(rows, base_url())


def _with_permalinks(rows: Iterable[dict], root: str) -> Iterator[dict]:
    """Each row with the link to its report, its ¶ ``seq``, or its heading / title ``anchor``.

    The report's URL is built once per report (``url_for`` per row was half of a large export).
    """
    reports: dict[str, str] = {}
    for row in rows:
        rid = row["report_id"]
        if rid not in reports:
            reports[rid] = root + url_for("reader.report", report_id=rid)
        seq, anchor = row["seq"], row["anchor"]
        link = reports[rid] + (f"?p={seq}#p-{seq}" if seq is not None else f"#{anchor}" if anchor else "")
        yield {**row, "permalink": link}


def table_csv(columns: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A small table as CSV text (UTF-8 BOM, so a spreadsheet reads the Chinese), cells defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def csv_response_headers(filename: str) -> dict[str, str]:
    """The headers of a CSV download named ``filename``."""
    return {"Content-Disposition": content_disposition("attachment", filename)}


def content_disposition(kind: str, filename: str) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987).

    The plain ``filename`` is an ASCII stand-in for old clients; browsers use ``filename*``,
    which keeps a Chinese name intact.
    """
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    if not ascii_name.strip("_."):
        ascii_name = "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
