"""Side by side: ``/compare?ids=a,b[,c,d]`` (HTML) and ``/api/compare`` (JSON).

Rows are canonical section kinds (前言, 主要举措和成效 …) so like is next to like whatever the
reports call their headings; a report without that part shows an empty cell. Ids come either
comma-joined or as repeated ``ids`` (the result list's checkboxes), and are redirected to the
canonical comma form so the URL can be shared.

A selection that cannot be compared (one report, five, an unknown id) is the user's to fix, so
it gets a page that keeps the query and the ticks, says what to do and offers the current hits
to tick — never a bare "400". Wherever a report can be added, the hits of the query come first.

Each column says where its hits are (``web.compare_marks``: "第 k / n 处" with previous/next, and
app.js opens every cell at its first hit) and marks the clauses another compared report shares.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from archive.document import SECTION_KINDS
from archive.errors import ArchiveError, ReportNotFound
from archive.fields import MAX_QUERY_CHARS
from archive.store import Report

from . import compare_marks
from .highlight import highlight, query_terms
from .indicators_views import shared_indicators
from .reports import compare_choices, find_report, passages_by_kind, place, report_label
from .services import search_service

bp = Blueprint("compare", __name__)

MIN_REPORTS, MAX_REPORTS = 2, 4
MAX_HIT_CHOICES = 20  # the best hits are offered first; the rest of the archive follows in the list


@dataclass
class Choices:
    """Reports offered for adding to a comparison: the query's hits first, then the rest."""

    hits: list[tuple[str, str]] = field(default_factory=list)
    others: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.hits or self.others)


def hits_first(q: str, exclude: list[str]) -> Choices:
    """Choices for "add a report": reports matching ``q`` in result order, then every other one.

    Why: a user comparing from a search wants the reports that search found, not a flat list of
    the whole archive. A query the index refuses (or a lost index) just means no hit group.
    """
    hits: list[tuple[str, str]] = []
    if q.strip():
        try:
            result = search_service().search(q, per_page=MAX_HIT_CHOICES + len(exclude))
            hits = [(g.report_id, report_label(g))
                    for g in result.groups if g.report_id not in exclude][:MAX_HIT_CHOICES]
        except ArchiveError:
            hits = []
    shown = {rid for rid, _ in hits}
    return Choices(hits, [c for c in compare_choices(exclude) if c[0] not in shown])


def _requested_ids() -> list[str]:
    ids: list[str] = []
    for value in request.args.getlist("ids"):
        for part in value.replace("，", ",").split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    return ids


def _query() -> str:
    return " ".join((request.args.get("q") or "").split())[:MAX_QUERY_CHARS]


def _count_ok(ids: list[str]) -> bool:
    return MIN_REPORTS <= len(ids) <= MAX_REPORTS


def _load_all(ids: list[str]) -> list[Report]:
    """Reports in the order asked; an aliased id silently stands for its current report."""
    return [find_report(report_id)[0] for report_id in ids]


def _resolve(ids: list[str]) -> tuple[list[Report], list[str]]:
    """(reports found, ids not found), for the selection page."""
    found: list[Report] = []
    missing: list[str] = []
    for report_id in ids:
        try:
            report = find_report(report_id)[0]
        except ReportNotFound:
            missing.append(report_id[:64])
            continue
        if report not in found:
            found.append(report)
    return found, missing


def rows_for(reports: list[Report]) -> list[tuple[str, list[list]]]:
    """(kind, one passage list per report) for every kind at least one report has."""
    grouped = [passages_by_kind(r) for r in reports]
    present = [kind for kind in SECTION_KINDS if any(kind in g for g in grouped)]
    return [(kind, [g.get(kind, []) for g in grouped]) for kind in present]


def _selection_page(ids: list[str], q: str):
    """HTTP 400 page for a selection that cannot be compared, keeping query and ticks."""
    reports, missing = _resolve(ids)
    find = _query_for_choices(q)
    return render_template(
        "compare_error.html", reports=reports, missing=missing, q=q, find=find, requested=len(ids),
        min_reports=MIN_REPORTS, max_reports=MAX_REPORTS, choices=hits_first(find, [r.id for r in reports]),
    ), 400


def _query_for_choices(q: str) -> str:
    """What the "find a report" box searched for, else the comparison's own query."""
    return " ".join((request.args.get("find") or "").split())[:MAX_QUERY_CHARS] or q


@bp.get("/compare")
def page():
    """The comparison page (works without JavaScript; JS adds linked scrolling)."""
    ids = _requested_ids()
    canonical = ",".join(ids)
    if ids and (len(request.args.getlist("ids")) > 1 or (request.args.get("ids") or "") != canonical):
        args = {k: v for k, v in request.args.items() if k != "ids"}
        return redirect(url_for("compare.page", ids=canonical, **args))
    q = _query()
    if not _count_ok(ids):
        return _selection_page(ids, q)
    reports, missing = _resolve(ids)
    if missing or not _count_ok(reports):
        return _selection_page(ids, q)
    terms = query_terms(q)
    find = _query_for_choices(q)
    rows = rows_for(reports)
    clauses = compare_marks.compared([r.id for r in reports])
    return render_template(
        "compare.html", reports=reports, places=[place(r) for r in reports], rows=rows,
        indicators=shared_indicators([r.id for r in reports]),
        q=q, find=find, ids=[r.id for r in reports], mark=lambda text: highlight(text, terms),
        marks=compare_marks.markers(reports, terms, clauses),
        columns=compare_marks.columns(reports, rows, terms, clauses), max_reports=MAX_REPORTS,
        choices=hits_first(find, [r.id for r in reports]) if len(reports) < MAX_REPORTS else Choices(),
    )


@bp.get("/api/compare")
def api_compare():
    """JSON twin: the reports' metadata and, per kind, each report's passages.

    In the API's vocabulary (``web.api_spec``): ``report_ids`` in the order asked (an alias
    resolved), ``seq`` for a paragraph number, ``heading`` the passage's heading path; ``shared``
    the paragraph's clauses another compared report also has (``[start, end]`` of ``text`` and
    those reports' ids).
    """
    ids = _requested_ids()
    if not _count_ok(ids):
        abort(400, description=f"并排比较需要 {MIN_REPORTS}–{MAX_REPORTS} 份报告，当前选择了 {len(ids)} 份。")
    reports = _load_all(ids)
    clauses = compare_marks.compared([r.id for r in reports])
    shared: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for rid, found in clauses.items():
        for c in found:
            if c.shared_with:
                shared[rid, c.seq].append({"start": c.start, "end": c.end, "report_ids": list(c.shared_with)})
    return jsonify({
        "report_ids": [r.id for r in reports],
        "reports": [r.metadata_dict() for r in reports],
        "rows": [
            {"kind": kind, "cells": [
                [{"seq": p.seq, "heading": list(p.heading_path or []), "text": p.text,
                  "shared": shared.get((report.id, p.seq), [])} for p in cell]
                for report, cell in zip(reports, cells, strict=True)
            ]}
            for kind, cells in rows_for(reports)
        ],
        "indicators": shared_indicators([r.id for r in reports]),
    })
