"""Side by side: ``/compare?ids=a,b[,c,d]`` (HTML) and ``/api/compare`` (JSON).

Rows are canonical section kinds (前言, 主要举措和成效 …) so like is next to like whatever the
reports call their headings; a report without that part shows an empty cell. Ids come either
comma-joined or as repeated ``ids`` (the result list's checkboxes), and are redirected to the
canonical comma form so the URL can be shared.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from archive.document import SECTION_KINDS
from archive.store import Report

from .highlight import highlight, query_terms
from .reports import compare_choices, find_report, passages_by_kind, place

bp = Blueprint("compare", __name__)

MIN_REPORTS, MAX_REPORTS = 2, 4


def _requested_ids() -> list[str]:
    ids: list[str] = []
    for value in request.args.getlist("ids"):
        for part in value.replace("，", ",").split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    return ids


def _check_count(ids: list[str]) -> None:
    if not MIN_REPORTS <= len(ids) <= MAX_REPORTS:
        abort(400, description=f"并排比较需要 {MIN_REPORTS}–{MAX_REPORTS} 份报告，当前选择了 {len(ids)} 份。")


def _load_all(ids: list[str]) -> list[Report]:
    """Reports in the order asked; an aliased id silently stands for its current report."""
    return [find_report(report_id)[0] for report_id in ids]


def rows_for(reports: list[Report]) -> list[tuple[str, list[list]]]:
    """(kind, one passage list per report) for every kind at least one report has."""
    grouped = [passages_by_kind(r) for r in reports]
    present = [kind for kind in SECTION_KINDS if any(kind in g for g in grouped)]
    return [(kind, [g.get(kind, []) for g in grouped]) for kind in present]


@bp.get("/compare")
def page():
    """The comparison page (works without JavaScript; JS adds linked scrolling)."""
    ids = _requested_ids()
    _check_count(ids)
    canonical = ",".join(ids)
    if len(request.args.getlist("ids")) > 1 or (request.args.get("ids") or "") != canonical:
        args = {k: v for k, v in request.args.items() if k != "ids"}
        return redirect(url_for("compare.page", ids=canonical, **args))
    reports = _load_all(ids)
    q = (request.args.get("q") or "")[:500]
    terms = query_terms(q)
    return render_template(
        "compare.html", reports=reports, places=[place(r) for r in reports], rows=rows_for(reports),
        q=q, ids=[r.id for r in reports], mark=lambda text: highlight(text, terms), max_reports=MAX_REPORTS,
        choices=compare_choices([r.id for r in reports]) if len(reports) < MAX_REPORTS else [],
    )


@bp.get("/api/compare")
def api_compare():
    """JSON twin: the reports' metadata and, per kind, each report's passages."""
    ids = _requested_ids()
    _check_count(ids)
    reports = _load_all(ids)
    return jsonify({
        "ids": [r.id for r in reports],
        "reports": [r.metadata_dict() for r in reports],
        "rows": [
            {"kind": kind, "cells": [
                [{"id": p.seq, "heading": p.heading_path, "text": p.text} for p in cell] for cell in cells
            ]}
            for kind, cells in rows_for(reports)
        ],
    })
