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

from flask import Blueprint, Response, redirect, request, url_for

from archive.document import SECTION_KINDS
from archive.errors import ArchiveError, BadParams, ReportNotFound
from archive.fields import MAX_QUERY_CHARS
from archive.store.db import Report

from . import compare_marks
from .highlight import highlight, query_terms
from .indicators_views import shared_indicators
from .pages import InPage, Page, as_json, twin
from .reports import compare_choices, find_report, passages_by_kind, place, report_label
from .schemas.compare import CompareSchema
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


def _count_ok(ids: list[str] | list[Report]) -> bool:
    return MIN_REPORTS <= len(ids) <= MAX_REPORTS


def _resolve(ids: list[str]) -> tuple[list[Report], dict[str, ReportNotFound]]:
    """(reports found, each once, in the order asked; each id not found with why): an aliased id
    stands for its current report."""
    found: list[Report] = []
    missing: dict[str, ReportNotFound] = {}
    for report_id in ids:
        try:
            report = find_report(report_id)[0]
        except ReportNotFound as error:
            missing[report_id[:64]] = error
            continue
        if report not in found:
            found.append(report)
    return found, missing


def rows_for(reports: list[Report]) -> list[tuple[str, list[list]]]:
    """(kind, one passage list per report) for every kind at least one report has."""
    grouped = [passages_by_kind(r) for r in reports]
    present = [kind for kind in SECTION_KINDS if any(kind in g for g in grouped)]
    return [(kind, [g.get(kind, []) for g in grouped]) for kind in present]


def _selection() -> dict[str, object]:
    """The page of a selection that cannot be compared (HTTP 400): it keeps the query and the
    ticks, says what to do and offers the query's hits to tick."""
    ids = _requested_ids()
    reports, missing = _resolve(ids)
    q = _query()
    find = _query_for_choices(q)
    return dict(reports=reports, missing=list(missing), q=q, find=find, requested=len(ids),
                min_reports=MIN_REPORTS, max_reports=MAX_REPORTS,
                choices=hits_first(find, [r.id for r in reports]))


def _query_for_choices(q: str) -> str:
    """What the "find a report" box searched for, else the comparison's own query."""
    return " ".join((request.args.get("find") or "").split())[:MAX_QUERY_CHARS] or q


@twin(bp, "/compare", endpoint="page", api_endpoint="api_compare", template="compare.html",
      schema=CompareSchema(), in_page=InPage(_selection, template="compare_error.html", status=400))
def compare() -> Page | Response:
    """2–4 reports side by side: their metadata and, per section kind, each report's passages.

    In the API's vocabulary: ``report_ids`` in the order asked (an alias resolved, each report
    once), ``seq`` for a paragraph number, ``heading`` the passage's heading path; ``shared`` the
    paragraph's clauses another compared report also has (``[start, end]`` of ``text`` and those
    reports' ids); ``indicators`` the measures two or more of them give. The page (which works
    without JavaScript; JS adds linked scrolling) redirects ticked ids to the canonical comma form.
    """
    ids = _requested_ids()
    canonical = ",".join(ids)
    ticked = len(request.args.getlist("ids")) > 1 or request.args.get("ids") != canonical
    if not as_json() and ids and ticked:
        args = {k: v for k, v in request.args.items() if k != "ids"}
        return redirect(url_for("compare.page", ids=canonical, **args))
    if not _count_ok(ids):
        raise BadParams(f"并排比较需要 {MIN_REPORTS}–{MAX_REPORTS} 份报告，当前选择了 {len(ids)} 份。")
    reports, missing = _resolve(ids)
    if missing:
        raise next(iter(missing.values()))
    if not _count_ok(reports):
        raise BadParams(f"并排比较需要 {MIN_REPORTS}–{MAX_REPORTS} 份不同的报告，"
                        f"当前只有 {len(reports)} 份。")
    report_ids = [r.id for r in reports]
    rows = rows_for(reports)
    clauses = compare_marks.compared(report_ids)
    indicators = shared_indicators(report_ids)
    shared: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for rid, found in clauses.items():
        for c in found:
            if c.shared_with:
                shared[rid, c.seq].append({"start": c.start, "end": c.end, "report_ids": list(c.shared_with)})
    body = {
        "report_ids": report_ids, "reports": [r.metadata_dict() for r in reports],
        "rows": [{"kind": kind, "cells": [
            [{"seq": p.seq, "heading": list(p.heading_path or []), "text": p.text,
              "shared": shared.get((report.id, p.seq), [])} for p in cell]
            for report, cell in zip(reports, cells, strict=True)]} for kind, cells in rows],
        "indicators": indicators,
    }
    return Page(body, lambda: _side_by_side(reports, rows, clauses, indicators))


def _side_by_side(reports: list[Report], rows: list[tuple[str, list[list]]],
                  clauses: dict[str, list], indicators: list[dict]) -> dict[str, object]:
    """The comparison page's template variables: the columns with the query's hits marked and
    the clauses another compared report shares."""
    q = _query()
    terms = query_terms(q)
    find = _query_for_choices(q)
    return dict(
        reports=reports, places=[place(r) for r in reports], rows=rows, indicators=indicators,
        q=q, find=find, ids=[r.id for r in reports], mark=lambda text: highlight(text, terms),
        marks=compare_marks.markers(reports, terms, clauses),
        columns=compare_marks.columns(reports, rows, terms, clauses), max_reports=MAX_REPORTS,
        choices=hits_first(find, [r.id for r in reports]) if len(reports) < MAX_REPORTS else Choices(),
    )
