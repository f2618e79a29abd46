"""Search pages: ``/``, ``/search`` (HTML), ``/api/search`` (JSON twin), ``/search.csv`` (export).

A bad query or parameter is the user's to fix, so it is shown on the page with the indexer's
message (and HTTP 400 for the JSON twin) instead of failing or being silently ignored. Every
page goes through the search service: neither words nor filters browse the whole archive,
filters alone (``?year=2024``, ``q=year:2024``) list the matching reports (short place names
resolved, ``地区不详``/``年份不详`` read), words search; the export reads the same match set.

Each also answers POST, for a query too long for a URL (a pasted passage, up to
``MAX_QUERY_CHARS``): the same parameters as a form, or for the API a JSON object. A posted
search that fits a URL after all is redirected to it, so what can be shared is; a longer one is
answered in place (``web.params``: its page's controls post its form again).
"""

from __future__ import annotations

from itertools import islice

from flask import Blueprint, Response, current_app, redirect, request, stream_with_context, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from archive.errors import BadParams
from archive.fields import GROUP, MAX_QUERY_CHARS, columns
from archive.store.db import Report
from indexer.analysis.clauses import MIN_CHARS
from indexer.analysis.query_lexer import FIELD_SPECS

from . import about, export, facet_form
from .pages import InPage, Page, as_json, twin
from .params import (
    FACET_LABELS,
    FILTER_PARAMS,
    LONG_QUERY_BYTES,
    PER_PAGE,
    SORTS,
    SearchParams,
    refine,
)
from .schemas.search import AllHitsSchema, SearchResultSchema
from .services import db, search_service

bp = Blueprint("search", __name__)

MAX_JSON_HITS = 100_000  # one JSON document must fit in memory; the CSV export streams and has no cap
ALL_HITS = AllHitsSchema()


def run(params: SearchParams) -> dict:
    """Search (or browse: the same search with neither words nor filters, which lists every
    report) and return the JSON-shaped result.

    Raises ``ArchiveError`` (bad query) or ``IndexUnavailable`` (no index) for the caller.
    """
    per_page = current_app.config.get("SEARCH_PER_PAGE") or PER_PAGE
    result = search_service().search(
        params.q, params.indexer_filters() or None, page=params.page, sort=params.sort, per_page=per_page,
        passage=params.passage,
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
    missing = [name for name in columns(GROUP) if groups and name not in groups[0]]
    if not missing:
        return  # the index carries them all (``indexer.index.literal`` report table)
    wanted = [getattr(Report, name) for name in missing]
    rows = {row.id: row for row in db().execute(select(Report.id, *wanted).where(Report.id.in_(ids)))}
    for group in groups:
        row = rows.get(group["report_id"])
        if row is not None:
            group.update({name: getattr(row, name) for name in missing})


def search_args() -> MultiDict[str, str]:
    """The search's parameters: the URL's; for a POST the form's (or the API's JSON object's),
    each overridden by the same parameter in the URL (a posted page's controls post its state
    form to a URL naming what they change, ``SearchParams.overrides``)."""
    if request.method != "POST":
        return request.args
    merged = MultiDict(request.form) if request.form else _json_args()
    for key in request.args:
        merged.setlist(key, request.args.getlist(key))
    return merged


def _json_args() -> MultiDict[str, str]:
    """A JSON body (``{"q": "…", "year": [2023, 2024]}``) as parameters; an empty body is none."""
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise BadParams("请求体应为 JSON 对象，如 {\"q\": \"枫桥经验\", \"year\": [2023, 2024]}")
    out: MultiDict[str, str] = MultiDict()
    for key, value in body.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in values):
            raise BadParams(f"参数 {str(key)[:20]} 的值应为文字、数字或它们的列表")
        out.setlist(str(key), [str(item) for item in values])
    return out


def _page_args() -> MultiDict[str, str]:
    """The search's parameters as the page reads them: a posted search-box submission carrying
    context (``refine``) is read as the canonical search it stands for (a GET one is redirected)."""
    args = search_args()
    refined = refine(args) if request.method == "POST" else None
    if refined is None:
        return args
    return MultiDict([(key, item) for key, value in refined.items()
                      for item in (value if isinstance(value, list) else [value])])


def _page_context(params: SearchParams, result: dict | None) -> dict[str, object]:
    """The search page's template variables (``result`` None: the page shows an error instead)."""
    panel = facet_form.sections(params, result) if result else []
    home = params.is_everything and params.page == 1 and result is not None
    return dict(
        params=params, result=result, facet_labels=FACET_LABELS, sorts=SORTS, filter_keys=FILTER_PARAMS,
        fields=FIELD_SPECS, panel=panel, kept=facet_form.kept_values(params, panel),
        long_query_bytes=LONG_QUERY_BYTES, max_query_chars=MAX_QUERY_CHARS, min_clause_chars=MIN_CHARS,
        inventory=about.current() if home else None, **about.TABLE_LABELS,
    )


def _refused() -> dict[str, object]:
    """The page of a search that failed, shown inside the search form: the search as asked when it
    could be read (the index failed), else its words alone (a parameter was refused)."""
    args = _page_args()
    try:
        params = SearchParams.from_args(args)
    except BadParams:
        params = SearchParams(q=" ".join((args.get("q") or "").split())[:200])
    return _page_context(params, None)


@twin(bp, "/search", aliases=[("/", ("GET",))], endpoint="index", api_endpoint="api_search",
      template="search.html", schema=SearchResultSchema(), also=[ALL_HITS], methods=("GET", "POST"),
      in_page=InPage(_refused))
def search() -> Page | Response:
    """A page of reports matching the query (a search, a filter-only list, or without either the
    whole archive) with its facets; ``all=1`` returns every hit of the query (no pagination, capped).

    POST takes the same parameters as a JSON object (a filter's values as a list) or a form, for
    a query too long for a URL (up to the documented length, a pasted passage). The page redirects
    a search box's submission (``prev``, ``within``) to its canonical URL, and a posted search that
    fits a URL to that URL, so what can be shared is.
    """
    if as_json():
        args = search_args()
        params = SearchParams.from_args(args)
        if args.get("all") == "1":
            hits = list(islice(export.all_hits(params), MAX_JSON_HITS + 1))
            return Page({"query": params.q, "filters": params.indexer_filters(),
                         "total": min(len(hits), MAX_JSON_HITS), "truncated": len(hits) > MAX_JSON_HITS,
                         "hits": hits[:MAX_JSON_HITS]}, schema=ALL_HITS)
        return Page(run(params))
    if request.method == "GET" and (refined := refine(request.args)) is not None:
        return redirect(url_for("search.index", **refined))
    params = SearchParams.from_args(_page_args())
    if request.method == "POST" and not params.posted:
        return redirect(url_for("search.index") + "?" + params.query_string(), 303)
    result = run(params)
    return Page(result, lambda: _page_context(params, result))


@bp.route("/search.csv", methods=["GET", "POST"])
def search_csv():
    """Every hit of the query as CSV (UTF-8 with BOM so Excel reads the Chinese), streamed;
    POST takes the parameters as a form (a posted result page's export button)."""
    rows = export.all_hits(SearchParams.from_args(search_args()))  # errors: plain text by web.errors
    return Response(stream_with_context(export.hits_csv(rows)), mimetype="text/csv", headers={
        "Content-Disposition": export.content_disposition("attachment", "fazhi-search.csv"),
    })
