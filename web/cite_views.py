"""Citing passages: the cite page and its JSON twin, the citation list page and its export.

The formatting lives in ``web.citation`` (pure); this module only fetches the report and
passage and supplies the site root and today's date. The citation list itself is kept in the
browser (localStorage), because the app is read-only and has no user accounts; the export
endpoint only formats the ids it is sent.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request

from archive.errors import ArchiveError
from archive.store import Passage, Report

from . import citation
from .export import content_disposition
from .reports import find_report, load_passage, load_report, place
from .services import base_url, today

bp = Blueprint("cite", __name__)

MAX_EXPORT_ITEMS = 500


def cited_passage(report: Report, passage: Passage) -> citation.CitedPassage:
    """The citation module's plain-data view of a stored passage."""
    return citation.CitedPassage(
        report_id=report.id, title=report.title, issuer=report.issuer, township=report.township,
        county=report.county, city=report.city, province=report.province, year=report.year,
        issue_date=report.issue_date, seq=passage.seq, text=passage.text,
        heading_path=list(passage.heading_path or []), title_supplied=bool(report.title_supplied),
    )


def _citation(report: Report, seq: int) -> tuple[citation.Citation, Passage]:
    passage = load_passage(report, seq)
    return citation.cite(cited_passage(report, passage), base_url(), today()), passage


@bp.get("/reports/<report_id>/passages/<int:seq>/cite")
def page(report_id: str, seq: int):
    """The passage quoted, with every citation format ready to copy."""
    report = load_report(report_id, "cite.page", seq=seq)
    cite, passage = _citation(report, seq)
    return render_template("cite.html", report=report, passage=passage, cite=cite, place=place(report))


@bp.get("/api/reports/<report_id>/passages/<int:seq>/cite")
def api(report_id: str, seq: int):
    """JSON twin of the cite page."""
    report = load_report(report_id, "cite.api", seq=seq)
    return jsonify(_citation(report, seq)[0].to_dict())


@bp.get("/citations")
def citations():
    """The citation list; rendered in the browser from localStorage (needs JavaScript)."""
    return render_template("citations.html", formats=citation.FORMATS)


def _requested_items() -> tuple[list[tuple[str, int]], str]:
    """(report id, seq) pairs and format from a JSON body or a form (``items`` = "id:seq" lines)."""
    if request.is_json:
        body = request.get_json(silent=True) or {}
        raw_items = body.get("items") if isinstance(body, dict) else None
        fmt = str(body.get("format", "text")) if isinstance(body, dict) else "text"
        if not isinstance(raw_items, list):
            abort(400, description="请求体需要 items 列表：[{\"report_id\": …, \"seq\": …}]")
        pairs = []
        for item in raw_items:
            if not isinstance(item, dict):
                abort(400, description="items 的每一项需要 report_id 和 seq")
            pairs.append((str(item.get("report_id", "")), item.get("seq")))
    else:
        fmt = request.form.get("format", "text")
        pairs = [tuple(line.strip().split(":", 1)) for line in request.form.get("items", "").split()
                 if ":" in line]  # type: ignore[misc]
    items: list[tuple[str, int]] = []
    for report_id, seq in pairs:
        try:
            items.append((report_id, int(seq)))
        except (TypeError, ValueError):
            abort(400, description=f"段落编号无效：{str(seq)[:20]}")
    if not items:
        abort(400, description="引用清单是空的")
    if len(items) > MAX_EXPORT_ITEMS:
        abort(400, description=f"一次最多导出 {MAX_EXPORT_ITEMS} 条引用")
    if fmt not in citation.FORMATS:
        abort(400, description=f"不支持的格式：{fmt[:20]}（可用：{'、'.join(citation.FORMATS)}）")
    return items, fmt


@bp.post("/api/citations/export")
def export():
    """The whole list as one downloadable file (text, GB/T 7714 list, BibTeX or RIS)."""
    items, fmt = _requested_items()
    cites: list[citation.Citation] = []
    for report_id, seq in items:
        try:
            report, _aliased = find_report(report_id)
            cites.append(_citation(report, seq)[0])
        except ArchiveError as error:
            abort(404, description=str(error))
    body, mimetype, extension = citation.combine(cites, fmt)
    return Response(body, mimetype=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": content_disposition("attachment", f"引用清单.{extension}"),
    })
