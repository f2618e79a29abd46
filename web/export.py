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

from .browse import browse
from .params import SearchParams
from .services import base_url, db, search_service

CSV_COLUMNS = ("report_id", "province", "city", "county", "township", "year", "doc_type", "title",
               "section", "heading", "passage_id", "text", "permalink")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_PAGE = 100
MAX_EXPORT_PAGES = 500  # 50,000 reports: a bound, so a huge export cannot run forever


def safe_cell(value: object) -> str:
    """A cell's text, defused if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def hits_csv(rows: Iterable[dict]) -> str:
    """CSV text with a UTF-8 BOM, a header row and one row per hit."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row.get(name)) for name in CSV_COLUMNS])
    return buffer.getvalue()


def _hit_row(group: dict, hit: dict, root: str) -> dict:
    seq = hit["passage_id"]
    return {
        "report_id": group["report_id"], "province": group.get("province", ""), "city": group.get("city", ""),
        "county": group.get("county", ""), "township": group.get("township", ""), "year": group.get("year"),
        "doc_type": group.get("doc_type", ""), "title": group.get("title", ""),
        "section": hit.get("section", ""), "heading": hit.get("heading", ""), "passage_id": seq,
        "text": hit.get("text", ""),
        "permalink": f"{root}{url_for('reader.report', report_id=group['report_id'], p=seq)}#p-{seq}",
    }


def all_hits(params: SearchParams) -> Iterator[dict]:
    """Every matching passage (all pages, all passages of each report), as flat rows.

    For an empty query there are no hits to list; the export then lists the reports.
    """
    root = base_url()
    if params.is_browse:
        first = browse(db(), params, per_page=10**9)
        for group in first["groups"]:
            yield {**_hit_row(group, {"passage_id": 1}, root), "passage_id": "", "permalink":
                   root + url_for("reader.report", report_id=group["report_id"])}
        return
    service = search_service()
    collect = getattr(service, "all_hits", None)
    if callable(collect):  # the indexer can hand over everything in one pass
        for group, hit in collect(params.q, params.indexer_filters() or None, sort=params.sort):
            yield _hit_row(group, hit, root)
        return
    page = 1
    while page <= MAX_EXPORT_PAGES:
        result = service.search(params.q, params.indexer_filters() or None, page=page, sort=params.sort,
                                per_page=EXPORT_PAGE).to_json()
        for group in result["groups"]:
            for hit in group["hits"]:
                yield _hit_row(group, hit, root)
        if page >= result.get("pages", 1):
            break
        page += 1


def content_disposition(kind: str, filename: str) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987).

    The plain ``filename`` is an ASCII stand-in for old clients; browsers use ``filename*``,
    which keeps a Chinese name intact.
    """
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    if not ascii_name.strip("_."):
        ascii_name = "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
