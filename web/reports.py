"""Loading reports for the views: validated ids, alias redirects (301), 404s.

Why one helper: every route under ``/reports/<id>`` (page, JSON, source, cite, similar) must
follow a replaced report's alias the same way, so an old permalink keeps working wherever it
points: to the same route under the report's current id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import request, url_for
from sqlalchemy import select
from werkzeug.routing import RequestRedirect

from archive.errors import ReportNotFound
from archive.fields import COUNTY_LEVEL, PLACE_COLUMNS, place_name
from archive.store.db import Passage, Report, ReportAlias, Section, heading_label, report_order

from .services import db

ID_PATTERN = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def find_report(report_id: str) -> tuple[Report, bool]:
    """The report for ``report_id`` and whether it was reached through an alias.

    Raises ``ReportNotFound`` (→ 404 page) for a malformed or unknown id.
    """
    if not ID_PATTERN.match(report_id):
        raise ReportNotFound(f"报告编号无效：{report_id[:64]}")
    session = db()
    report = session.get(Report, report_id)
    if report is not None:
        return report, False
    alias = session.get(ReportAlias, report_id)
    if alias is not None:
        current = session.get(Report, alias.new_id)
        if current is not None:
            return current, True
    raise ReportNotFound(f"没有编号为 {report_id} 的报告")


class Moved(RequestRedirect):
    """The report was replaced: the same route under its current id, for good (301). Raised like
    an error, but no error: Flask answers a routing redirect itself, before any error handler."""

    code = 301


def load_report(report_id: str) -> Report:
    """The report, or ``Moved`` to this request's route under its current id when ``report_id``
    is an alias (the query string and the other path values kept)."""
    report, aliased = find_report(report_id)
    if aliased:
        values = {**request.args.to_dict(), **(request.view_args or {}), "report_id": report.id}
        raise Moved(url_for(request.endpoint or "reader.report", **values))
    return report


def load_passage(report: Report, seq: int) -> Passage:
    """Passage ``seq`` of ``report`` or ``ReportNotFound``."""
    passage = db().scalar(select(Passage).where(Passage.report_id == report.id, Passage.seq == seq))
    if passage is None:
        raise ReportNotFound(f"报告 {report.id} 没有第 {seq} 段")
    return passage


@dataclass
class OutlineNode:
    """A heading in the table of contents, with its anchor and children."""

    anchor: str
    label: str
    kind: str
    level: int
    children: list[OutlineNode] = field(default_factory=list)


def section_anchor(section: Section) -> str:
    """Stable in-page anchor of a heading (by document order)."""
    return f"s-{section.ordinal}"


def outline(report: Report) -> list[OutlineNode]:
    """The section tree as nested nodes, the untitled preamble left out."""
    nodes: dict[int, OutlineNode] = {}
    roots: list[OutlineNode] = []
    for section in report.sections:
        node = OutlineNode(section_anchor(section), heading_label(section), section.kind, section.level)
        nodes[section.id] = node
        if section.parent_id is not None and section.parent_id in nodes:
            nodes[section.parent_id].children.append(node)
        elif section.level > 0 or section.number:
            roots.append(node)
    return roots


@dataclass
class Block:
    """One item of the reading view: a heading or a passage, in document order.

    ``text`` is a heading as the file writes it. A passage that opens with an inline heading
    (``（三）压实领导责任。按照…``) carries that ``section`` and ``lead``, the heading's length:
    the reader styles those characters inside the paragraph instead of repeating them above it.
    """

    kind: str  # "heading" | "passage"
    section: Section | None = None
    passage: Passage | None = None
    text: str = ""
    lead: int = 0


def reading_order(report: Report) -> list[Block]:
    """Headings and passages interleaved by their offset in the text; inline headings inside."""
    items: list[tuple[int, int, int, Block]] = []
    opening = {passage.start: passage for passage in report.passages}
    blocks = {passage.seq: Block("passage", passage=passage) for passage in report.passages}
    for section in report.sections:
        if not (section.level > 0 or section.number):
            continue
        written = section.written(report.text)
        passage = opening.get(section.start)
        if passage is not None and passage.text.startswith(written):
            blocks[passage.seq].section, blocks[passage.seq].lead = section, len(written)
        else:
            items.append((section.start, 0, section.ordinal, Block("heading", section=section, text=written)))
    items.extend((passage.start, 1, passage.seq, blocks[passage.seq]) for passage in report.passages)
    items.sort(key=lambda item: item[:3])
    return [item[3] for item in items]


def passages_by_kind(report: Report) -> dict[str, list[Passage]]:
    """Passages grouped by canonical section kind, document order kept (for the comparison)."""
    grouped: dict[str, list[Passage]] = {}
    for passage in report.passages:
        grouped.setdefault(passage.section_kind, []).append(passage)
    return grouped


def place(report: Report) -> str:
    """The report's place as one string (``archive.fields.place_name``)."""
    return place_name(report)


def report_label(report: object) -> str:
    """"year county-township title" of a report (stored, or a search group), for a select."""
    year, title = getattr(report, "year", None), getattr(report, "title", "")
    return f"{year or '—'} {place_name(report, COUNTY_LEVEL)} {title}"[:80]


MAX_COMPARE_CHOICES = 500


def compare_choices(exclude: list[str]) -> list[tuple[str, str]]:
    """Reports offered by the "add a report to compare" select: (id, "year place title")."""
    shown = [Report.id, Report.year, Report.title, *(getattr(Report, name) for name in PLACE_COLUMNS)]
    rows = db().execute(select(*shown).where(Report.id.not_in(exclude)).order_by(*report_order("year"))
                        .limit(MAX_COMPARE_CHOICES))
    return [(row.id, report_label(row)) for row in rows]
