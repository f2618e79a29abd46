"""The report reader: ``/reports/<id>`` (HTML), ``/api/reports/<id>`` (JSON), ``/reports/<id>/source``.

Every passage carries ``id="p-<seq>"`` so a permalink ``?p=<seq>#p-<seq>`` scrolls to it and
marks it (CSS ``:target`` plus a server-side class, which also works when the fragment is lost).

Opened from a search, the URL also carries that search (``q``, filters, ``sort``, ``page``, in
the search page's own vocabulary): ``q`` is marked and its hits are numbered "第 k / n 处" with
previous/next links, and "返回检索结果" rebuilds the exact result page the reader came from.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from archive.errors import ArchiveError, BadParams, ReportNotFound
from archive.fields import MAX_QUERY_CHARS
from archive.store.db import Report, SourceFile
from indexer.practices.similar import SimilarPassage
from indexer.results.snippets import match_spans, snippet

from .compare_views import hits_first
from .export import content_disposition
from .highlight import highlight, query_terms
from .indicators_views import figure_marks, report_figures_json
from .pages import Page, twin
from .params import SearchParams
from .reports import Block, load_report, outline, place, reading_order
from .schemas.practices import SimilarSchema
from .schemas.report import ReportSchema
from .services import base_url, db, search_service

bp = Blueprint("reader", __name__)
MAX_READER_QUERY = MAX_QUERY_CHARS
# A template sentence links to a search for its opening words (a whole clause can pass the
# query length limit and its copies differ a little further on).
TEMPLATE_QUERY_CHARS = 24


def _cited_seq() -> int | None:
    raw = request.args.get("p", "")
    return int(raw) if raw.isdigit() else None


def _source(report: Report) -> SourceFile | None:
    """The most recently ingested file that produced this report."""
    return db().scalar(
        select(SourceFile).where(SourceFile.report_id == report.id).order_by(SourceFile.ingested_at.desc())
    )


def search_context() -> SearchParams:
    """The search this page was opened from, read exactly as the search page reads its URL.

    A parameter the search page would refuse (``page=abc``) must not break reading a report, so
    then only the (shortened) query is kept.
    """
    try:
        return SearchParams.from_args(request.args)
    except BadParams:
        return SearchParams(q=" ".join((request.args.get("q") or "").split())[:MAX_READER_QUERY])


def hit_anchors(report: Report, search: SearchParams, blocks: list[Block], terms: list[str]) -> list[str]:
    """In-page anchors of the query's hits in document order, for "第 k / n 处".

    Passages are the ones search itself counts as hits (same query, same filters), so n agrees
    with the result page's "另有 N 处"; the title and a heading count when they hold every
    marked word (search finds those places too, but by anchor, not passage number). When
    the index cannot answer (lost, or a query it refuses) the marked passages stand in, because
    the reader must still work.
    """
    if not terms:
        return []
    try:
        matched = {seq for _, seq in search_service().passage_ids(
            search.q, search.indexer_filters() or None, report_id=report.id, passage=search.passage)}
    except ArchiveError:  # IndexUnavailable is one too
        matched = {p.seq for p in report.passages if match_spans(p.text, terms)}
    anchors = ["report-title"] if report.title and _holds_all(report.title, terms) else []
    for block in blocks:
        if block.kind == "passage" and block.passage.seq in matched:
            anchors.append(f"p-{block.passage.seq}")
        elif block.kind == "heading" and _holds_all(block.text, terms):
            anchors.append(f"s-{block.section.ordinal}")
    return anchors


def template_notes(report: Report) -> dict[str, list[tuple[int, int, Markup]]]:
    """Muted spans for ``highlight``: each template sentence of the report's passages
    (``indexer.analysis.wording``); one that other reports repeat is followed by its note — "通用表述", how
    many other reports hold a copy of its most shared clause — linking to a search for that
    clause. Keyed by passage text (what the passage macro hands to ``mark``). Empty when the
    index cannot answer: the reader must still work."""
    try:
        marks = search_service().passage_marks(report.id)
    except ArchiveError:
        return {}
    out: dict[str, list[tuple[int, int, Markup]]] = {}
    for passage in report.passages:
        mark = marks.get(passage.seq)
        if mark is None:
            continue
        spans = [(s.start, s.end, _template_note(passage.text[slice(*s.clause)], s.reports) if s.clause
                  else Markup("")) for s in mark]
        if spans:
            out[passage.text] = spans
    return out


def _template_note(clause: str, reports: int) -> Markup:
    """The note after a template sentence: a link searching the opening of ``clause`` (its most
    shared clause), labelled with how many other reports hold that clause."""
    words = clause[:TEMPLATE_QUERY_CHARS].replace("」", "")
    href = url_for("search.index", q=f"「{words}」")
    label = f"通用表述，{reports} 份报告有相同分句"
    # The words come from CSS (``content: attr(data-label)``) and the link's name from aria-label:
    # the paragraph's text stays the document's own (copying or quoting it picks up no note).
    return Markup('<a class="tpl-note" href="{}" title="检索这句通用表述" data-label="{}" '
                  'aria-label="{}"></a>').format(href, label, label)


def _holds_all(text: str, terms: list[str]) -> bool:
    return all(match_spans(text, [term]) for term in terms)


@twin(bp, "/reports/<report_id>", endpoint="report", api_endpoint="api_report",
      template="report.html", schema=ReportSchema())
def report(report_id: str) -> Page:
    """A report: metadata, provenance, notes, the section tree with its passages, and links.

    The page shows it with its outline, anchored passages and the hits of the search it was
    opened from (``q`` and the filters, marked and numbered "第 k / n 处")."""
    found = load_report(report_id)
    source = _source(found)
    root = base_url()
    return Page({
        "report": found, "division_code": found.division_code, "provenance": found.provenance or {},
        "notes": found.notes or [], "passage_count": len(found.passages),
        "figures": report_figures_json(found.id),
        "url": root + url_for("reader.report", report_id=found.id),
        "source": None if source is None else {
            "filename": source.filename, "media_type": source.media_type, "size": source.size,
            "sha256": source.sha256, "url": root + url_for("reader.source", report_id=found.id),
        },
    }, lambda: _reading(found, source))


def _reading(found: Report, source: SourceFile | None) -> dict[str, object]:
    """The reader page's template variables: the report in reading order, its outline, and the
    marks of the search it was opened from, the template sentences and the figures."""
    search = search_context()
    q = search.q[:MAX_READER_QUERY]
    terms = query_terms(q, search.passage)
    blocks = reading_order(found)
    hits = hit_anchors(found, search, blocks, terms)
    cited = _cited_seq()
    # Open at the cited passage when it is a hit (a result's "在原文中查看 ¶n"), else at the first hit.
    current = hits.index(f"p-{cited}") if f"p-{cited}" in hits else 0
    context = search.to_args()
    back = url_for("search.index") + "?" + search.query_string() if context else None
    notes = template_notes(found)
    figures = figure_marks(found, cited, request.args.get("fig", ""))
    return dict(
        report=found, place=place(found), outline=outline(found), blocks=blocks, cited=cited, q=q,
        source=source,
        mark=lambda text, *lead: highlight(text, terms, *lead, muted=notes.get(text, ()),
                                           figures=figures.get(text, ())),
        hits=hits, hit_number={anchor: k for k, anchor in enumerate(hits, 1)}, current_hit=current,
        link_params=context, back_url=back, compare_choices=hits_first(q, [found.id]),
        permalink=base_url() + url_for("reader.report", report_id=found.id), muted=bool(notes),
    )


@bp.get("/reports/<report_id>/source")
def source(report_id: str):
    """The original file, byte for byte, under its original (possibly Chinese) name."""
    found = load_report(report_id)
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


@twin(bp, "/reports/<report_id>/passages/<int:seq>/similar", endpoint="similar", api_endpoint="api_similar",
      template="similar.html", schema=SimilarSchema())
def similar(report_id: str, seq: int) -> Page:
    """其他乡镇的类似做法: passages of other townships' reports describing the practice of ¶ seq."""
    found = load_report(report_id)
    alike = search_service().similar(found.id, seq)
    if alike is None:
        raise ReportNotFound(f"报告 {found.id} 没有第 {seq} 段")
    root = base_url()
    return Page({"report_id": found.id, "seq": seq,
                 "similar": [{**item.to_json(), "url": _passage_url(root, item)} for item in alike]},
                lambda: dict(report=found, place=place(found), similar=alike, escape=escape, snippet=snippet,
                             passage=next(p for p in found.passages if p.seq == seq)))


def _passage_url(root: str, item: SimilarPassage) -> str:
    return root + url_for("reader.report", report_id=item.report_id, p=item.seq) + f"#p-{item.seq}"
