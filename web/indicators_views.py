"""The indicator table (指标): ``/indicators`` and its JSON twin, the CSV and JSON exports, and the
figures the reader marks and the comparison lines up.

``/indicators`` lists, per measure, each township's figures by year; every figure links to its
passage in the reader with the figure highlighted. ``?measure=…`` narrows it to the measures a
name stands for (``行政诉讼`` → 行政诉讼件数, 行政诉讼败诉件数) and adds each one's charts; the
search's filters (``year``, ``province`` … ``type``) narrow it as they narrow a search, and
``kind`` to results or targets. Figures the extractor could not place are listed apart.
``/indicators.csv`` and ``/api/indicators/figures`` export every figure of the selection with
its passage and links (the page lists at most ``MAX_ROWS`` townships per measure).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from flask import Blueprint, Response, request, stream_with_context
from sqlalchemy import select as sql_select

from archive.document import DOC_TYPES
from archive.errors import ArchiveError, IndexUnavailable
from archive.store.db import Passage, Report
from indexer.analysis.indicators import TARGET, Figure
from indexer.analysis.measures import MEASURES
from indexer.index.indicator_table import KINDS, Table, table

from . import export
from .indicator_grid import (
    MAX_ROWS,
    Selection,
    charts,
    csv_lines,
    figure_json,
    grids,
    select,
    years,
)
from .pages import InPage, Page, answers, twin
from .params import SearchParams
from .schemas.indicators import IndicatorFiguresSchema, IndicatorsSchema
from .services import archive_config, base_url, db, search_service

bp = Blueprint("indicators", __name__)


def live_table() -> Table:
    """The live generation's indicator table; ``IndexUnavailable`` (503) without an index."""
    found = table(archive_config())
    if found is None:
        raise IndexUnavailable("检索索引尚未建立或已丢失，请运行 python -m fazhi index 重建。")
    return found


def _selection() -> Selection:
    """The figures ``request.args`` asks for (raises ``BadParams``/``QuerySyntaxError``/503)."""
    params = SearchParams.from_args(request.args)
    found = live_table()
    parsed = search_service().parse("", params.indexer_filters() or None)
    return select(found, params, parsed, request.args.get("measure") or "", request.args.get("kind") or "")


def _listing(selection: Selection) -> dict:
    """The page's data (``web.schemas.indicators.IndicatorsSchema``)."""
    root = base_url()

    def listed(figures: Iterable[Figure]) -> list[dict]:
        return [figure_json(f, selection.reports[f.report_id], root) for f in figures]

    tables = grids(selection)
    return {
        "filters": selection.params.filters, "measure": selection.measure, "kind": selection.kind,
        "notes": selection.notes, "figures": len(selection.figures),
        "reports": len({f.report_id for f in selection.figures}), "years": years(selection),
        "measures": [{
            "name": grid.measure.name, "family": grid.measure.family, "description": grid.measure.description,
            "units": sorted(grid.measure.units), "figures": grid.figures, "reports": grid.reports,
            "townships": grid.townships, "more": grid.townships - len(grid.rows),
            "years": years(selection, grid.measure.name),
            "rows": [{"label": row.label, **row.place, "figures": listed(row.figures)} for row in grid.rows],
        } for grid in tables],
        "unsure": listed(selection.unsure[:MAX_ROWS]),
        "unsure_more": max(0, len(selection.unsure) - MAX_ROWS),
    }


def _form() -> dict[str, object]:
    """What the table page shows besides its data (and all it shows when it has none): the filter form."""
    return {"data": None, "selection": None, "charts": {}, "measures": MEASURES, "kinds": KINDS,
            "doc_types": DOC_TYPES, "args": request.args}


@twin(bp, "/indicators", endpoint="page", api_endpoint="api_indicators",
      template="indicators.html", schema=IndicatorsSchema(), in_page=InPage(_form))
def indicators() -> Page:
    """Measures × townships × years: per measure, each township's figures (each linked to its
    passage); the page charts a chosen measure."""
    selection = _selection()
    listing = _listing(selection)

    def page() -> dict[str, object]:
        drawn = {grid.measure.name: charts(selection, grid)
                 for grid in grids(selection)} if selection.measure else {}
        return {**_form(), "data": listing, "selection": selection, "charts": drawn}

    return Page(listing, page)


def _passages(selection: Selection) -> dict[tuple[str, int], str]:
    """The text of each passage holding a figure of the selection, from the store."""
    report_ids = sorted({f.report_id for f in selection.figures})
    found: dict[tuple[str, int], str] = {}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        for report_id, seq, text in db().execute(
            sql_select(Passage.report_id, Passage.seq, Passage.text).where(Passage.report_id.in_(chunk))
        ):
            found[(report_id, seq)] = text
    return found


@bp.get("/indicators.csv")
def indicators_csv():
    """Every figure of the selection as CSV (UTF-8 BOM): value, unit, period, place, passage, links."""
    selection = _selection()  # errors: plain text by web.errors
    lines = csv_lines(selection, _passages(selection), base_url())
    return Response(stream_with_context(lines), mimetype="text/csv", headers={
        "Content-Disposition": export.content_disposition("attachment", "fazhi-indicators.csv"),
    })


@bp.get("/api/indicators/figures")
@answers(IndicatorFiguresSchema())
def api_figures() -> Page:
    """Every figure of the selection as JSON, with its passage and links (the CSV's twin)."""
    selection = _selection()
    passages = _passages(selection)
    root = base_url()
    return Page({
        "filters": selection.params.filters, "measure": selection.measure, "kind": selection.kind,
        "count": len(selection.figures),
        "figures": [{**figure_json(f, selection.reports[f.report_id], root),
                     "passage": passages.get((f.report_id, f.seq), "")} for f in selection.figures],
    })


def _live_or_none() -> Table | None:
    """The table for the reader and the comparison: None when the index cannot answer (those
    pages must still work without it)."""
    try:
        return table(archive_config())
    except (ArchiveError, OSError, sqlite3.Error):
        return None


def report_figures(report_id: str) -> list[Figure]:
    """One report's figures (none without an index)."""
    found = _live_or_none()
    return found.of_report(report_id) if found is not None else []


def report_figures_json(report_id: str) -> list[dict]:
    """One report's figures as the API lists them (``FigureSchema``)."""
    found = _live_or_none()
    if found is None or report_id not in found.reports:
        return []
    info, root = found.reports[report_id], base_url()
    return [figure_json(f, info, root) for f in found.of_report(report_id)]


def shared_indicators(report_ids: list[str]) -> list[dict]:
    """The measures at least two of the compared reports give: per measure, each report's figures
    (``CompareIndicatorSchema``); [] without an index."""
    found = _live_or_none()
    if found is None:
        return []
    root = base_url()
    given = [found.of_report(report_id) for report_id in report_ids]
    rows = []
    for measure in MEASURES:
        cells = [[f for f in figures if f.measure == measure.name] for figures in given]
        if sum(1 for cell in cells if cell) >= 2:
            rows.append({"measure": measure.name, "cells": [
                [figure_json(f, found.reports[f.report_id], root) for f in cell] for cell in cells]})
    return rows


def figure_label(figure: Figure) -> str:
    """What a marked figure says on hover: its measure and reading (``纠纷调解件数：248 件``)."""
    approx = f"（{figure.approx}）" if figure.approx else ""
    target = "，目标" if figure.kind == TARGET else ""
    return f"{figure.measure}：{figure.number} {figure.unit}{approx}{target}"


Marks = dict[str, list[tuple[int, int, str, bool]]]


def figure_marks(report: Report, cited: int | None, current: str) -> Marks:
    """Spans for ``web.highlight.highlight``: each figure of the report, keyed by its passage's
    text (what the passage macro hands to ``mark``); ``current`` (``start-end`` of ¶ ``cited``,
    the ``fig`` a table cell links with) is the one to show. A figure whose text is no longer at
    its place (an index behind the store) is not marked."""
    texts = {p.seq: p.text for p in report.passages}
    marks: Marks = defaultdict(list)
    for figure in report_figures(report.id):
        text = texts.get(figure.seq)
        if text is None or text[figure.start:figure.end] != figure.text:
            continue
        now = figure.seq == cited and current == f"{figure.start}-{figure.end}"
        marks[text].append((figure.start, figure.end, figure_label(figure), now))
    return dict(marks)
