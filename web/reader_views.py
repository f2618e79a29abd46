"""The report reader: ``/reports/<id>`` (HTML), ``/api/reports/<id>`` (JSON), ``/reports/<id>/source``.

Every passage carries ``id="p-<seq>"`` so a permalink ``?p=<seq>#p-<seq>`` scrolls to it and
marks it (CSS ``:target`` plus a server-side class, which also works when the fragment is lost).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from sqlalchemy import select

from archive.errors import ReportNotFound
from archive.report_json import report_to_json
from archive.store import Report, SourceFile

from .export import content_disposition
from .highlight import highlight, query_terms
from .reports import compare_choices, load_report, outline, place, reading_order
from .services import base_url, db

bp = Blueprint("reader", __name__)

def _cited_seq() -> int | None:
    raw = request.args.get("p", "")
    return int(raw) if raw.isdigit() else None


def _source(report: Report) -> SourceFile | None:
    """The most recently ingested file that produced this report."""
    return db().scalar(
        select(SourceFile).where(SourceFile.report_id == report.id).order_by(SourceFile.ingested_at.desc())
    )


@bp.get("/reports/<report_id>")
def report(report_id: str):
    """The full report with metadata, outline and anchored passages."""
    found = load_report(report_id, "reader.report")
    q = (request.args.get("q") or "")[:500]
    terms = query_terms(q)
    source = _source(found)
    return render_template(
        "report.html", report=found, place=place(found), outline=outline(found), blocks=reading_order(found),
        cited=_cited_seq(), q=q, mark=lambda text, *lead: highlight(text, terms, *lead), source=source,
        compare_choices=compare_choices([found.id]),
    )


@bp.get("/api/reports/<report_id>")
def api_report(report_id: str):
    """JSON twin: metadata, provenance, notes, section tree with passages, links."""
    found = load_report(report_id, "reader.api_report")
    payload = report_to_json(found)
    source = _source(found)
    root = base_url()
    payload.update({
        "division_code": found.division_code,
        "provenance": found.provenance or {},
        "notes": found.notes or [],
        "passage_count": len(found.passages),
        "url": root + url_for("reader.report", report_id=found.id),
        "source": None if source is None else {
            "filename": source.filename, "media_type": source.media_type, "size": source.size,
            "sha256": source.sha256, "url": root + url_for("reader.source", report_id=found.id),
        },
    })
    return jsonify(payload)


@bp.get("/reports/<report_id>/source")
def source(report_id: str):
    """The original file, byte for byte, under its original (possibly Chinese) name."""
    found = load_report(report_id, "reader.source")
    original = _source(found)
    if original is None:
        raise ReportNotFound(f"报告 {found.id} 没有保存原始文件")
    mimetype = original.media_type or "application/octet-stream"
    if mimetype.startswith("text/") and original.encoding and "charset" not in mimetype:
        mimetype = f"{mimetype}; charset={original.encoding}"
    return Response(original.data, headers={
        "Content-Type": mimetype,
        # An original may be a saved web page: never let it run as this site, even if opened inline.
        "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
        "Content-Disposition": content_disposition("attachment", original.filename or f"{found.id}.bin"),
        "Content-Length": str(len(original.data)),
    })
