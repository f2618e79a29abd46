"""The indicator table as pages and files: the figures of the live index (``indexer.index.indicator_table``)
filtered like a search, grouped measure → township → year, with their JSON, CSV and charts.

Why one module for all of them: the page, its JSON twin, the CSV and the JSON export must list
exactly the same figures, so they all go through ``select`` (the filters) and ``figure_json``
(one figure's fields and links). Filters are the search's own (``web.params.SearchParams``, read
by the search service's parser, so ``county=潢川`` and ``year=2022..2024`` mean what they mean
in search), plus the measure (``indexer.analysis.measures.resolve``) and result/target.

Charts count reports, never add figures up: two figures of one measure in one report may
overlap (信访 received 96, resolved 38), so a sum would be no count at all. Each year's or
province's bar is the number of reports giving a figure of the measure, and links to the table
filtered to it; the values are in the table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import url_for
from markupsafe import Markup

from archive.errors import BadParams, QuerySyntaxError
from archive.fields import PLACE_COLUMNS, UNKNOWN_PLACE, UNKNOWN_YEAR, place_name
from indexer.analysis.indicators import Figure
from indexer.analysis.measures import Measure
from indexer.analysis.query_tree import ParsedQuery
from indexer.index.indicator_table import ReportInfo, Table, choose, record

from .export import safe_cell
from .params import SearchParams
from .spread import Bar, chart_svg

MAX_ROWS = 200  # places listed per measure (and unsure figures) on the page; the exports hold all
CSV_COLUMNS = ("measure", "value", "high", "unit", "approx", "kind", "period", "figure", "report_id", "seq",
               "start", "end", "title", "year", "province", "city", "county", "township", "doc_type",
               "section", "report_url", "url", "passage")


@dataclass
class Selection:
    """The figures a request asks for, and what it asked."""

    params: SearchParams
    measure: str
    kind: str
    notes: list[str]
    measures: list[Measure]  # those the measure filter names; every measure when it is empty
    figures: list[Figure]
    unsure: list[Figure]
    reports: dict[str, ReportInfo]

    def query_string(self, **changes: str) -> str:
        """The table's URL parameters with ``changes`` (a chart bar's filter, a measure link)."""
        args = {**self.params.filters, "measure": self.measure, "kind": self.kind, **changes}
        return urlencode({key: value for key, value in args.items() if value})


@dataclass
class Row:
    """One township (or a report whose township is not known) and its figures of a measure."""

    label: str
    place: dict[str, str]
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Grid:
    """One measure's figures by township (rows) and year (columns)."""

    measure: Measure
    rows: list[Row]
    townships: int
    reports: int
    figures: int


def select(table: Table, params: SearchParams, parsed: ParsedQuery, measure: str, kind: str) -> Selection:
    """The figures of ``table`` that the filters (``parsed``), the measure and the kind keep."""
    try:
        chosen = choose(table, parsed, measure, kind)
    except QuerySyntaxError as error:
        raise BadParams(str(error)) from None
    return Selection(params, measure.strip(), kind, list(parsed.notes), chosen.measures, chosen.figures,
                     chosen.unsure, table.reports)


def grids(selection: Selection) -> list[Grid]:
    """Per measure with figures (vocabulary order): its townships, most figures first."""
    out: list[Grid] = []
    for measure in selection.measures:
        figures = [f for f in selection.figures if f.measure == measure.name]
        if not figures:
            continue
        rows: dict[tuple[str, ...], Row] = {}
        for figure in figures:
            info = selection.reports[figure.report_id]
            place = {column: getattr(info, column) for column in PLACE_COLUMNS}
            key = tuple(place.values()) if info.township else (*place.values(), info.report_id)
            row = rows.setdefault(key, Row(place_name(place) or info.title or UNKNOWN_PLACE, place))
            row.figures.append(figure)
        ordered = sorted(rows.values(), key=lambda row: (tuple(row.place.values()), row.label))
        reports = len({f.report_id for f in figures})
        out.append(Grid(measure, ordered[:MAX_ROWS], len(rows), reports, len(figures)))
    return out


def year_of(selection: Selection, figure: Figure) -> str:
    """The table column of a figure: its report's year."""
    return selection.reports[figure.report_id].year or UNKNOWN_YEAR


def years(selection: Selection, measure: str = "") -> list[str]:
    """The year columns (of one measure's figures, or all), newest first, 年份不详 last."""
    found = {year_of(selection, f) for f in selection.figures if not measure or f.measure == measure}
    return sorted(found, key=lambda y: (not y.isdigit(), -int(y) if y.isdigit() else 0))


def figure_url(figure: Figure, root: str = "") -> str:
    """The reader at the figure's passage, the figure highlighted (``fig=start-end``)."""
    return root + url_for("reader.report", report_id=figure.report_id, p=figure.seq,
                          fig=f"{figure.start}-{figure.end}") + f"#p-{figure.seq}"


def figure_json(figure: Figure, info: ReportInfo, root: str = "") -> dict[str, object]:
    """One figure as ``web.schemas.indicators.FigureSchema`` documents it: its record and its links."""
    return {**record(figure, info), "report_url": root + url_for("reader.report", report_id=figure.report_id),
            "url": figure_url(figure, root)}


def csv_lines(selection: Selection, passages: dict[tuple[str, int], str], root: str) -> Iterator[str]:
    """Every figure of the selection as CSV (UTF-8 BOM), with its passage and links."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(value) for value in values])
        return buffer.getvalue()

    yield "\ufeff" + line(list(CSV_COLUMNS))
    for figure in selection.figures:
        data = figure_json(figure, selection.reports[figure.report_id], root)
        data.update(period=period_text(figure), figure=figure.text,
                    passage=passages.get((figure.report_id, figure.seq), ""))
        data["year"] = data["year"] if data["year"] is not None else ""
        yield line([data[name] for name in CSV_COLUMNS])


def period_text(figure: Figure) -> str:
    if figure.period is None:
        return ""
    first, last = figure.period
    return str(first) if first == last else f"{first}–{last}"


def charts(selection: Selection, grid: Grid) -> dict[str, Markup]:
    """A measure's charts: reports giving it by year, and by province (each bar filters the table)."""
    base = url_for("indicators.page")
    mine = [f for f in selection.figures if f.measure == grid.measure.name]

    def bars(column: str) -> list[Bar]:
        counted: dict[str, tuple[set[str], int]] = {}
        for figure in mine:
            value = getattr(selection.reports[figure.report_id], column)
            reports, figures = counted.get(value, (set(), 0))
            counted[value] = (reports | {figure.report_id}, figures + 1)
        keys = sorted(counted, key=lambda v: (not v, v)) if column == "year" else \
            sorted(counted, key=lambda v: (-len(counted[v][0]), not v, v))
        unknown = UNKNOWN_YEAR if column == "year" else UNKNOWN_PLACE
        return [Bar(label=value or unknown, reports=len(counted[value][0]), passages=counted[value][1],
                    filter_qs=selection.query_string(measure=grid.measure.name, **{column: value or unknown}))
                for value in keys]

    def describe(bar: Bar) -> str:
        return f"{bar.label}：{bar.reports} 份报告给出{grid.measure.name}（{bar.passages} 个数字）"

    return {
        "years": Markup(chart_svg(f"{grid.measure.name}：按年份的报告数", bars("year"), base,
                                  horizontal=False, describe=describe)),
        "provinces": Markup(chart_svg(f"{grid.measure.name}：按省份的报告数", bars("province"), base,
                                      horizontal=True, describe=describe)),
    }
