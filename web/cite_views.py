"""Citing passages: the cite page and its JSON twin, a report's CSL-JSON, the reference list and its export.

The formatting lives in ``archive.citation.cite``, ``archive.citation.reference_managers`` and
``archive.citation.reference_list``
(pure); this module only fetches reports and passages
and supplies the site root and today's date.

Why the reference list lives in the URL: the app is read-only and has no user accounts, so the
list is kept in the browser (localStorage) and mirrored in ``/citations?items=id:seq,…``, which
the server renders by itself. That URL is the list: sent to a colleague, it rebuilds the same
list in any browser, with or without JavaScript.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template, request, url_for

from archive.citation import cite as citation
from archive.citation import reference_list
from archive.citation.reference_managers import meta_tags
from archive.errors import ArchiveError, BadParams
from archive.store.db import Passage, Report

from .export import content_disposition, safe_cell
from .pages import Page, twin
from .reports import find_report, load_passage, load_report, place
from .schemas.cite import CitationSchema
from .services import base_url, today

bp = Blueprint("cite", __name__)

MAX_EXPORT_ITEMS = 500
_ITEM = re.compile(r"^([0-9A-Za-z_-]{1,64}):(\d{1,9})$")


def cited_work(report: Report) -> citation.CitedWork:
    """The citation module's plain-data view of a stored report."""
    return citation.CitedWork(
        report_id=report.id, title=report.title, issuer=report.issuer, township=report.township,
        county=report.county, city=report.city, province=report.province, year=report.year,
        issue_date=report.issue_date, title_supplied=bool(report.title_supplied),
        source_url=citation.http_url(report.source_url), retrieved=report.retrieved or "",
        page_fields={str(k): str(v) for k, v in (report.page_fields or {}).items()},
        author_supplied=bool(report.author_supplied), excerpt=bool(report.excerpt),
    )


def cited_passage(report: Report, passage: Passage) -> citation.CitedPassage:
    """The citation module's plain-data view of a stored passage."""
    return citation.CitedPassage(work=cited_work(report), seq=passage.seq, text=passage.text,
                                 heading_path=list(passage.heading_path or []))


def _citation(report: Report, seq: int) -> tuple[citation.Citation, Passage]:
    passage = load_passage(report, seq)
    return citation.cite(cited_passage(report, passage), base_url(), today()), passage


@bp.app_template_global()
def citation_meta(report: Report) -> list[tuple[str, str]]:
    """The reader's ``citation_*`` / ``DC.*`` meta tags (a template global: report.html's head)."""
    work = cited_work(report)
    report_url = citation.report_url_of(base_url(), report.id)
    return meta_tags(citation.csl_item(work, report_url, today()), work, report_url)


@bp.app_template_global()
def source_link(report: Report) -> str:
    """The report's source URL when it may be linked (http or https only), else ""."""
    return citation.http_url(report.source_url)


@twin(bp, "/reports/<report_id>/passages/<int:seq>/cite", endpoint="page", api_endpoint="api",
      template="cite.html", schema=CitationSchema())
def cite(report_id: str, seq: int) -> Page:
    """The passage quoted, with every citation format ready to copy."""
    report = load_report(report_id)
    found, passage = _citation(report, seq)
    return Page(found.to_dict(), lambda: dict(report=report, passage=passage, cite=found, place=place(report),
                                              csl_json=citation.csl_json_text([found.csl])))


@bp.get("/api/reports/<report_id>/csl")
def csl(report_id: str):
    """The report as a CSL-JSON item list (what Zotero, citeproc and pandoc import)."""
    report = load_report(report_id)
    item = citation.csl_item(cited_work(report), citation.report_url_of(base_url(), report.id), today())
    return Response(citation.csl_json_text([item]),
                    mimetype="application/vnd.citationstyles.csl+json; charset=utf-8")


def parse_items(raw: str) -> list[tuple[str, int]]:
    """``id:seq`` pairs separated by commas or white space, duplicates dropped, order kept.

    Malformed pairs are a ``BadParams`` (400): a list that silently lost an item would be cited wrongly.
    """
    items: list[tuple[str, int]] = []
    for token in re.split(r"[\s,]+", raw.strip()):
        if not token:
            continue
        match = _ITEM.match(token)
        if match is None:
            raise BadParams(f"引用条目无效：{token[:40]}（应为 报告编号:段落编号）")
        pair = (match.group(1), int(match.group(2)))
        if pair not in items:
            items.append(pair)
    if len(items) > MAX_EXPORT_ITEMS:
        raise BadParams(f"一次最多 {MAX_EXPORT_ITEMS} 条引用")
    return items


def items_param(items: list[tuple[str, int]]) -> str:
    """The ``items`` value of a share URL."""
    return ",".join(f"{report_id}:{seq}" for report_id, seq in items)


def _load_passages(items: list[tuple[str, int]],
                   strict: bool) -> tuple[list[citation.CitedPassage], list[str]]:
    """The cited passages (an alias resolves to the current report) and the items not found.

    ``strict``: a missing item is raised (``ReportNotFound``, 404: an export must be complete),
    else it is reported.
    """
    found: list[citation.CitedPassage] = []
    missing: list[str] = []
    for report_id, seq in items:
        try:
            report, _aliased = find_report(report_id)
            found.append(cited_passage(report, load_passage(report, seq)))
        except ArchiveError:
            if strict:
                raise
            missing.append(f"{report_id}:{seq}")
    return found, missing


@bp.get("/citations")
def citations():
    """The reference list of ``?items=id:seq,…``: one entry per work with its cited ¶ under it.

    Without ``items`` the page is empty and app.js fills the URL from this browser's list.
    """
    items = parse_items(request.args.get("items", ""))
    passages, missing = _load_passages(items, strict=False)
    entries = reference_list.group_by_work(passages, base_url(), today())
    references = citation.render([entry.csl() for entry in entries])
    kept = [(p.work.report_id, p.seq) for entry in entries for p in entry.passages]
    share_url = base_url() + url_for("cite.citations", items=items_param(kept)) if kept else ""
    removals = {(p.work.report_id, p.seq): url_for("cite.citations", items=items_param(
        [pair for pair in kept if pair != (p.work.report_id, p.seq)]) or None)
        for entry in entries for p in entry.passages}
    return render_template("citations.html", entries=list(zip(entries, references, strict=True)),
                           formats=reference_list.FORMATS, items=items_param(kept), share_url=share_url,
                           missing=missing, removals=removals)


def _requested_items() -> tuple[list[tuple[str, int]], str]:
    """(report id, seq) pairs and format from a JSON body or a form (``items`` = "id:seq" list)."""
    if request.is_json:
        body = request.get_json(silent=True) or {}
        raw_items = body.get("items") if isinstance(body, dict) else None
        fmt = str(body.get("format", "text")) if isinstance(body, dict) else "text"
        if not isinstance(raw_items, list):
            raise BadParams("请求体需要 items 列表：[{\"report_id\": …, \"seq\": …}]")
        tokens = []
        for item in raw_items:
            if not isinstance(item, dict):
                raise BadParams("items 的每一项需要 report_id 和 seq")
            tokens.append(f"{item.get('report_id', '')}:{item.get('seq', '')}")
        items = parse_items(",".join(tokens))
    else:
        fmt = request.form.get("format", "text")
        items = parse_items(request.form.get("items", ""))
    if not items:
        raise BadParams("引用清单是空的")
    if fmt not in reference_list.FORMATS:
        raise BadParams(f"不支持的格式：{fmt[:20]}（可用：{'、'.join(reference_list.FORMATS)}）")
    return items, fmt


@bp.post("/api/citations/export")
def export():
    """The whole list as one downloadable file: text, GB/T 7714—2025/2015, BibTeX, RIS, CSV, CSL-JSON."""
    items, fmt = _requested_items()
    passages, _missing = _load_passages(items, strict=True)
    entries = reference_list.group_by_work(passages, base_url(), today())
    body, mimetype, extension = reference_list.combine(entries, fmt, safe_cell)
    # content_type, not mimetype: werkzeug adds "; charset=utf-8" to a text/* mimetype itself,
    # so a charset written into one came out twice.
    return Response(body, content_type=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": content_disposition("attachment", f"引用清单.{extension}"),
    })
