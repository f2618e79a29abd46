"""The practices directory and the spread of a query (issue 13 §4–5), each with JSON twins.

``/practices`` lists the named practices (``indexer.practices``) with a province / year filter
and a sort; ``/practice?name=…`` shows the reports and paragraphs that name one; ``/spread``
charts a query's reports by year and by province → county (``web.spread``), with
``/api/spread`` and ``/spread.csv``. The search page shows the same charts through the
``spread_charts`` template global, so ``web.search_views`` needs no change.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from markupsafe import Markup

from archive.errors import ArchiveError, BadParams, IndexUnavailable
from indexer.practices import SORTS, Directory, directory

from . import export
from .params import SearchParams
from .services import archive_config, search_service
from .spread import MAX_COUNTIES, Spread, chart_svg, from_result

bp = Blueprint("practices", __name__)

PER_PAGE = 100
SORT_LABELS = {"spread": "传播范围（乡镇数）", "reports": "报告数", "recent": "最近年份", "name": "名称"}
assert tuple(SORT_LABELS) == SORTS


def _directory() -> Directory:
    found = directory(archive_config())
    if found is None:
        raise IndexUnavailable("检索索引尚未建立或已丢失，请运行 python -m fazhi index 重建。")
    return found


def _listing() -> dict:
    """The directory page's data from ``request.args`` (province, year, sort, page)."""
    found = _directory()
    province = (request.args.get("province") or "").strip()
    year = (request.args.get("year") or "").strip()
    sort = request.args.get("sort") or "spread"
    if sort not in SORTS:
        raise BadParams(f"不支持的排序方式：{sort[:20]}（可用：{'、'.join(SORTS)}）")
    if year and not year.isdigit():
        raise BadParams(f"年份必须是四位数字，而不是“{year[:20]}”")
    try:
        page = int(request.args.get("page") or "1")
    except ValueError:
        raise BadParams("页码必须是正整数") from None
    if page < 1:
        raise BadParams("页码必须是正整数")
    practices = found.practices(province=province, year=year, sort=sort)
    shown = practices[(page - 1) * PER_PAGE: page * PER_PAGE]
    return {"province": province, "year": int(year) if year else None, "sort": sort, "page": page,
            "pages": max(1, -(-len(practices) // PER_PAGE)), "count": len(practices),
            "practices": [p.to_json() for p in shown],
            "provinces": found.provinces(), "years": found.years()}


def practice_query(name: str) -> str:
    """The search for a practice: its name as an exact phrase (quotes inside it cannot occur)."""
    return f'"{name}"'


@bp.get("/practices")
def page():
    """The directory as HTML; a bad parameter is shown with a 400, no index with a 503."""
    try:
        data, error, status = _listing(), "", 200
    except ArchiveError as failed:  # shown on the page, at the error's own status
        data, error, status = None, failed.user_message, failed.status
    return render_template("practices.html", data=data, error=error, sort_labels=SORT_LABELS,
                           practice_query=practice_query), status


@bp.get("/api/practices")
def api_practices():
    """JSON twin of ``/practices``."""
    return jsonify(_listing())


def _practice(name: str) -> dict:
    """One practice and the paragraphs that name it; 404 if no report names it."""
    found = _directory()
    entry = found.practice(name)
    if entry is None:
        abort(404)
    practice, rows = entry
    return {**practice.to_json(), "query": practice_query(practice.name), "occurrences": [
        {"report_id": rid, "year": int(place.year) if place.year else None, "province": place.province,
         "county": place.county, "township": place.township, "seqs": seqs}
        for rid, place, seqs in rows
    ]}


@bp.get("/practice")
def practice_page():
    """The reports and paragraphs naming one practice, each linked to its place in the reader."""
    try:
        data = _practice((request.args.get("name") or "").strip())
    except ArchiveError as failed:
        return render_template("practices.html", data=None, error=failed.user_message,
                               sort_labels=SORT_LABELS, practice_query=practice_query), failed.status
    return render_template("practice.html", practice=data)


@bp.get("/api/practice")
def api_practice():
    """JSON twin of ``/practice``."""
    return jsonify(_practice((request.args.get("name") or "").strip()))


def _spread(townships: bool) -> Spread:
    """The spread of the search in ``request.args`` (raises ``BadParams``/``ArchiveError``)."""
    params = SearchParams.from_args(request.args)
    if not params.q and not params.filters:
        raise BadParams("请给出检索词或筛选条件，例如 q=枫桥经验")
    result = search_service().search(params.q, params.indexer_filters() or None, per_page=1)
    return from_result(params, result.to_json(), townships=townships)


@bp.get("/spread")
def spread_page():
    """Charts and table of one query's reports by year and by province → county."""
    try:
        spread, error, status = _spread(townships=True), "", 200
    except ArchiveError as failed:  # shown on the page, at the error's own status
        spread, error, status = None, failed.user_message, failed.status
    params = spread.params if spread else SearchParams(q=(request.args.get("q") or "")[:200])
    return render_template("spread.html", spread=spread, error=error, params=params,
                           charts=charts(spread) if spread else None), status


@bp.get("/api/spread")
def api_spread():
    """JSON twin of ``/spread``."""
    return jsonify(_spread(townships=True).to_json())


@bp.get("/spread.csv")
def spread_csv():
    """The spread table as CSV (reports, passages and townships per year; per province, county)."""
    spread = _spread(townships=True)  # errors: plain text by web.errors
    return Response(spread.csv_lines(), mimetype="text/csv", headers={
        "Content-Disposition": export.content_disposition("attachment", "fazhi-spread.csv"),
    })


@bp.app_template_global()
def spread_charts(params: SearchParams, result: dict) -> tuple[Spread, dict[str, Markup]] | None:
    """The year and place charts for a search page's result (its facets), or None for none.

    Called from ``templates/spread_charts.html``; the SVG is built by pygal from numbers and
    escaped labels (lxml escapes text and attributes), so it is safe to mark up.
    """
    if not result or result.get("mode") != "search" or not result.get("reports"):
        return None
    spread = from_result(params, result)
    return spread, charts(spread)


def charts(spread: Spread) -> dict[str, Markup]:
    """The year chart, the province chart and the county chart (largest ``MAX_COUNTIES``)."""
    base = url_for("search.index")
    counties = sorted(
        ((county, province) for province in spread.provinces for county in province.children),
        key=lambda pair: -pair[0].reports,
    )[:MAX_COUNTIES]
    county_bars = [replace(county, label=f"{county.label}（{province.label}）")
                   for county, province in counties]
    return {
        "years": Markup(chart_svg("按年份的报告数", spread.years, base, horizontal=False)),
        "provinces": Markup(chart_svg("按省份的报告数", spread.provinces, base, horizontal=True)),
        "counties": Markup(chart_svg("按县（区）的报告数", county_bars, base, horizontal=True)),
    }
