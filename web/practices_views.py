"""The practices directory and the spread of a query, each with JSON and CSV twins.

``/practices`` lists the named practices (``indexer.practices.directory``: spellings merged, slogans and
political formulas apart under ``kind=slogan``) with a province / year filter and a sort;
``/practice?name=…`` shows one practice's lineage — the first reports naming it, those that
followed, by year and place — with the sentences that name it; ``/spread`` charts a query's
reports as shares of all reports by year and by province (``web.spread``), with ``/api/spread``
and ``/spread.csv``. The search page shows the same charts through the ``spread_charts``
template global, so ``web.search_views`` needs no change.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from markupsafe import Markup

from archive.errors import BadParams, IndexUnavailable, ReportNotFound
from indexer.practices.directory import KINDS, SORTS, Directory, directory

from . import export
from .pages import InPage, Page, twin
from .params import SearchParams
from .schemas.practices import PracticeDetailSchema, PracticesSchema, SpreadSchema
from .services import archive_config
from .spread import Spread, charts, from_result, shares

bp = Blueprint("practices", __name__)

PER_PAGE = 100
SORT_LABELS = {"spread": "传播范围（乡镇数）", "reports": "报告数", "recent": "最近年份", "first": "最早年份",
               "name": "名称"}
KIND_LABELS = {"practice": "做法", "slogan": "口号与提法"}
assert tuple(SORT_LABELS) == SORTS and tuple(KIND_LABELS) == KINDS
DIRECTORY_CSV = ("kind", "name", "spellings", "townships", "reports", "counties", "provinces", "years",
                 "first_year", "first_reports")
LINEAGE_CSV = ("order", "year", "province", "county", "township", "report_id", "first", "seqs", "spellings",
               "sentences")
LIST_JOIN = "；"  # several values in one CSV cell


def _directory() -> Directory:
    found = directory(archive_config())
    if found is None:
        raise IndexUnavailable("检索索引尚未建立或已丢失，请运行 python -m fazhi index 重建。")
    return found


def _choices() -> tuple[str, str, str, str]:
    """The directory's filter and sort from ``request.args`` (raises ``BadParams``)."""
    province = (request.args.get("province") or "").strip()
    year = (request.args.get("year") or "").strip()
    sort = request.args.get("sort") or "spread"
    kind = request.args.get("kind") or "practice"
    if sort not in SORTS:
        raise BadParams(f"不支持的排序方式：{sort[:20]}（可用：{'、'.join(SORTS)}）")
    if kind not in KINDS:
        raise BadParams(f"不支持的类别：{kind[:20]}（可用：{'、'.join(KINDS)}）")
    if year and not year.isdigit():
        raise BadParams(f"年份必须是四位数字，而不是“{year[:20]}”")
    return province, year, sort, kind


def _listing() -> dict:
    """The directory page's data from ``request.args`` (province, year, sort, kind, page)."""
    found = _directory()
    province, year, sort, kind = _choices()
    try:
        page = int(request.args.get("page") or "1")
    except ValueError:
        raise BadParams("页码必须是正整数") from None
    if page < 1:
        raise BadParams("页码必须是正整数")
    practices = found.practices(province=province, year=year, sort=sort, kind=kind)
    other = "slogan" if kind == "practice" else "practice"
    shown = practices[(page - 1) * PER_PAGE: page * PER_PAGE]
    return {"province": province, "year": int(year) if year else None, "sort": sort, "kind": kind,
            "page": page, "pages": max(1, -(-len(practices) // PER_PAGE)), "count": len(practices),
            "other_count": len(found.practices(province=province, year=year, kind=other)),
            "practices": [p.to_json() for p in shown],
            "provinces": found.provinces(), "years": found.years()}


def practice_query(spellings: list[str] | str) -> str:
    """The search for a practice: each of its spellings as an exact phrase, any of them."""
    names = [spellings] if isinstance(spellings, str) else spellings
    return " OR ".join(f'"{name}"' for name in names)


def _labels() -> dict[str, object]:
    """What the directory page shows besides its data (and all it shows when it has none)."""
    return {"data": None, "sort_labels": SORT_LABELS, "kind_labels": KIND_LABELS,
            "practice_query": practice_query}


@twin(bp, "/practices", endpoint="page", api_endpoint="api_practices",
      template="practices.html", schema=PracticesSchema(), in_page=InPage(_labels))
def practices() -> Page:
    """The directory of practices (or of slogans, ``kind=slogan``): one page under a province and
    year filter and a sort, with the values its filters offer; a bad parameter is a 400 (shown on
    the page), no index a 503."""
    listing = _listing()
    return Page(listing, lambda: {**_labels(), "data": listing})


@bp.get("/practices.csv")
def practices_csv():
    """The directory as CSV: every entry of the kind and filter asked, one row each."""
    province, year, sort, kind = _choices()  # errors: plain text by web.errors
    rows = [(p.kind, p.name, LIST_JOIN.join(p.spellings), p.townships, p.reports, p.counties,
             LIST_JOIN.join(p.provinces), LIST_JOIN.join(map(str, p.years)), p.years[0] if p.years else "",
             LIST_JOIN.join(p.first))
            for p in _directory().practices(province=province, year=year, sort=sort, kind=kind)]
    return Response(export.table_csv(DIRECTORY_CSV, rows), mimetype="text/csv",
                    headers=export.csv_response_headers("fazhi-practices.csv"))


def _practice(name: str) -> dict:
    """One practice and its lineage; 404 if no report names it."""
    entry = _directory().practice(name)
    if entry is None:
        raise ReportNotFound()
    practice, rows = entry
    first = set(practice.first)
    return {**practice.to_json(), "query": practice_query(practice.spellings), "lineage": [
        {"report_id": rid, **place.to_json(), "first": rid in first,
         "seqs": sorted({quote.seq for quote in quotes}),
         "quotes": [{"seq": q.seq, "spelling": q.spelling, "sentence": q.sentence} for q in quotes]}
        for rid, place, quotes in rows
    ]}


def _name() -> str:
    return (request.args.get("name") or "").strip()


@twin(bp, "/practice", endpoint="practice_page", api_endpoint="api_practice",
      template="practice.html", schema=PracticeDetailSchema(),
      in_page=InPage(_labels, template="practices.html", errors=(IndexUnavailable,)))
def practice() -> Page:
    """One practice: who named it first, who followed (by year and place), and the sentences naming it.

    A name no report uses is a missing page (404, the error page); without an index the directory
    page says so (503)."""
    detail = _practice(_name())
    return Page(detail, lambda: {"practice": detail})


@bp.get("/practice.csv")
def practice_csv():
    """One practice's lineage as CSV: a row per report naming it, oldest first."""
    data = _practice(_name())
    rows = [(order, item["year"] or "", item["province"], item["county"], item["township"], item["report_id"],
             "yes" if item["first"] else "", LIST_JOIN.join(map(str, item["seqs"])),
             LIST_JOIN.join(dict.fromkeys(q["spelling"] for q in item["quotes"])),
             LIST_JOIN.join(dict.fromkeys(q["sentence"] for q in item["quotes"])))
            for order, item in enumerate(data["lineage"], 1)]
    return Response(export.table_csv(LINEAGE_CSV, rows), mimetype="text/csv",
                    headers=export.csv_response_headers("fazhi-practice.csv"))


def _spread() -> Spread:
    """The spread page's shares for the search in ``request.args`` (raises ``BadParams`` or
    ``ArchiveError``)."""
    params = SearchParams.from_args(request.args)
    if not params.q and not params.filters:
        raise BadParams("请给出检索词或筛选条件，例如 q=枫桥经验")
    return shares(params)


def _no_spread() -> dict[str, object]:
    """The spread page of a search it cannot chart: its words and the reason (the message)."""
    return {"spread": None, "params": SearchParams(q=(request.args.get("q") or "")[:200]), "charts": None}


@twin(bp, "/spread", endpoint="spread_page", api_endpoint="api_spread",
      template="spread.html", schema=SpreadSchema(), in_page=InPage(_no_spread))
def spread() -> Page:
    """A query's reports as shares of all rule-of-law reports, by year and by province → county."""
    found = _spread()
    return Page(found, lambda: {"spread": found, "params": found.params, "charts": charts(found)})


@bp.get("/spread.csv")
def spread_csv():
    """The spread table as CSV: per year, province and county, matching and all reports, the share."""
    spread = _spread()  # errors: plain text by web.errors
    return Response(spread.csv_lines(), mimetype="text/csv",
                    headers=export.csv_response_headers("fazhi-spread.csv"))


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
