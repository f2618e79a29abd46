"""Search pages: ``/``, ``/search`` (HTML), ``/api/search`` (JSON twin), ``/search.csv`` (export).

A bad query or parameter is the user's to fix, so it is shown on the page with the indexer's
message (and HTTP 400 for the JSON twin) instead of failing or being silently ignored. Every
page goes through the search service: neither words nor filters browse the whole archive,
filters alone (``?year=2024``, ``q=year:2024``) list the matching reports (short place names
resolved, ``地区不详``/``年份不详`` read), words search; the export reads the same match set.
"""

from __future__ import annotations

from itertools import islice

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy import select

from archive.errors import ArchiveError, BadParams
from archive.fields import GROUP, columns
from archive.store import Report
from indexer.query import FIELD_SPECS

from . import export, facet_form
from .params import (
    FACET_LABELS,
    FILTER_PARAMS,
    PER_PAGE,
    SORTS,
    SearchParams,
    refine,
)
from .services import db, search_service

bp = Blueprint("search", __name__)

MAX_JSON_HITS = 100_000  # one JSON document must fit in memory; the CSV export streams and has no cap


def run(params: SearchParams) -> dict:
    """Search (or browse: the same search with neither words nor filters, which lists every
    report) and return the JSON-shaped result.

    Raises ``ArchiveError`` (bad query) or ``IndexUnavailable`` (no index) for the caller.
    """
    per_page = current_app.config.get("SEARCH_PER_PAGE") or PER_PAGE
    result = search_service().search(
        params.q, params.indexer_filters() or None, page=params.page, sort=params.sort, per_page=per_page
    )
    payload = result.to_json()
    if params.is_everything:
        payload["mode"] = "browse"
    add_report_fields(payload["groups"])
    return payload


def add_report_fields(groups: list[dict]) -> None:
    """The page's groups completed with the report fields a result shows (``archive.fields``
    GROUP role) that the index's groups do not carry (the place above county, the type, the
    date), read from the store for this page's reports only."""
    ids = [g["report_id"] for g in groups]
    if not ids:
        return
    missing = [name for name in columns(GROUP) if name not in groups[0]]
    wanted = [getattr(Report, name) for name in missing]
    rows = {row.id: row for row in db().execute(select(Report.id, *wanted).where(Report.id.in_(ids)))}
    for group in groups:
        row = rows.get(group["report_id"])
        if row is not None:
            group.update({name: getattr(row, name) for name in missing})


def _params_or_error() -> tuple[SearchParams | None, str]:
    try:
        return SearchParams.from_args(request.args), ""
    except BadParams as error:
        return None, str(error)


@bp.get("/")
@bp.get("/search")
def index():
    """The search page; without a query, the browsable archive."""
    refined = refine(request.args)
    if refined is not None:
        return redirect(url_for("search.index", **refined))
    params, error = _params_or_error()
    result: dict | None = None
    status = 200
    if params is not None:
        try:
            result = run(params)
        except ArchiveError as failed:  # shown inside the search form, at the error's own status
            error, status = failed.user_message, failed.status
    else:
        status = 400
        params = SearchParams(q=" ".join((request.args.get("q") or "").split())[:200])
    panel = facet_form.sections(params, result) if result else []
    return render_template(
        "search.html", params=params, result=result, error=error, facet_labels=FACET_LABELS,
        sorts=SORTS, filter_keys=FILTER_PARAMS, fields=FIELD_SPECS,
        panel=panel, kept=facet_form.kept_values(params, panel),
    ), status


@bp.get("/api/search")
def api_search():
    """JSON twin of ``/search``; ``all=1`` returns every hit of the query (no pagination, capped)."""
    params = SearchParams.from_args(request.args)  # errors: web.errors answers {"error", "status"}
    if request.args.get("all") == "1":
        hits = list(islice(export.all_hits(params), MAX_JSON_HITS + 1))
        return jsonify({"query": params.q, "filters": params.indexer_filters(),
                        "total": min(len(hits), MAX_JSON_HITS), "truncated": len(hits) > MAX_JSON_HITS,
                        "hits": hits[:MAX_JSON_HITS]})
    return jsonify(run(params))


@bp.get("/search.csv")
def search_csv():
    """Every hit of the query as CSV (UTF-8 with BOM so Excel reads the Chinese), streamed."""
    rows = export.all_hits(SearchParams.from_args(request.args))  # errors: plain text by web.errors
    return Response(stream_with_context(export.hits_csv(rows)), mimetype="text/csv", headers={
        "Content-Disposition": export.content_disposition("attachment", "fazhi-search.csv"),
    })
