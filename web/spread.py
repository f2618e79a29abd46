"""Spread of a query over years and places: charts, tables, CSV.

Two views of it:

* the **spread page** (``/spread`` and its JSON and CSV twins, ``shares``): per year, province
  and county, the rule-of-law reports matching the query, all such reports, and the share
  (``indexer.matching.spreads``: reports of type 其他 are left out of both); the charts show the shares,
  since a year with eleven reports is not eleven times a year with one;
* the **charts under a search** (``from_result``): the search service's own report-level facets
  (``indexer.results.facets``), so they agree with the page's sidebar and cost no scan of their own; each
  links to the spread page for the shares. Which province a county belongs to comes from the
  live generation's report places (``SearchService.county_provinces``); a county name found in
  two provinces is listed under both, as the county filter (by name) selects both.

Charts are drawn by pygal (server-side SVG, no script needed, printable). Its output carries an
inline ``<style>``, a config ``<script>`` and ``style`` attributes, all of which the site's
Content-Security-Policy forbids; ``chart_svg`` removes them and the look comes from
``static/style.css`` (classes ``color-0`` …, ``value``, ``guide``), and each bar is a link that
adds its filter to the search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pygal
import pygal.style
from flask import url_for
from lxml import etree
from markupsafe import Markup

from archive.fields import UNKNOWN_YEAR
from indexer.matching.spreads import Cell
from indexer.results.facets import FacetEntry

from .export import table_csv
from .params import SearchParams
from .services import search_service

XLINK = "http://www.w3.org/1999/xlink"
MAX_COUNTIES = 20  # bars in the county chart; the table lists them all
# The sizes static/style.css draws the chart's text at: pygal reserves room for labels by them.
FONT_SIZE = 14
CHART_WIDTH = 480  # drawn at about this width on a desktop, so text keeps its size (70 % on a phone)
CHART_STYLE = pygal.style.Style(label_font_size=FONT_SIZE, major_label_font_size=FONT_SIZE,
                                value_font_size=FONT_SIZE, font_family="sans-serif")
CSV_COLUMNS = ("level", "year", "province", "county", "reports", "all_reports", "share", "passages",
               "townships")


@dataclass
class Bar:
    """One counted value: its label, counts and the search query string that filters to it."""

    label: str
    reports: int
    passages: int
    filter_qs: str
    townships: int | None = None
    children: list[Bar] = field(default_factory=list)
    all_reports: int | None = None  # all reports of the year or place (the spread page only)

    @property
    def share(self) -> float | None:
        """``reports`` / ``all_reports``, when known."""
        return _share(self.reports, self.all_reports)

    @property
    def year(self) -> int | None:
        """A year bar's year as a number (None for 年份不详)."""
        return int(self.label) if self.label.isdigit() else None


@dataclass
class Spread:
    """Reports (and passages, townships) of one query by year and by province → county."""

    params: SearchParams
    reports: int
    total: int
    townships: int
    years: list[Bar]
    provinces: list[Bar]
    all_reports: int | None = None  # the spread page: all rule-of-law reports under the filters

    @property
    def shares(self) -> bool:
        """Whether the bars carry shares of all reports (the spread page)."""
        return self.all_reports is not None

    @property
    def share(self) -> float | None:
        """``reports`` / ``all_reports``, when known (the spread page)."""
        return _share(self.reports, self.all_reports)

    def csv_lines(self) -> str:
        """The table as CSV text (UTF-8 BOM, so a spreadsheet reads the Chinese): one row per bar."""
        rows: list[tuple[object, ...]] = []
        for bar in self.years:
            townships = "" if bar.townships is None else bar.townships
            rows.append(("year", bar.label, "", "", *_cells(bar), townships))
        for province in self.provinces:
            rows.append(("province", "", province.label, "", *_cells(province), ""))
            rows.extend(("county", "", province.label, county.label, *_cells(county), "")
                        for county in province.children)
        return table_csv(CSV_COLUMNS, rows)


def _share(part: int, whole: int | None) -> float | None:
    """``part / whole``; None when ``whole`` is not known (the API and the CSV round it to four places)."""
    if whole is None:
        return None
    return part / whole if whole else 0.0


def _cells(bar: Bar) -> tuple[object, ...]:
    """reports, all reports, share and passages of a bar, as CSV cells."""
    share = "" if bar.share is None else round(bar.share, 4)
    return (bar.reports, "" if bar.all_reports is None else bar.all_reports, share, bar.passages)


def shares(params: SearchParams) -> Spread:
    """The spread page's spread of ``params``: matching and all reports, by year (every year of
    the archive under the filters), by province and by county (those with a matching report)."""
    counts = search_service().spread(params.q, params.indexer_filters() or None)
    years = [_share_bar(params, "year", label or UNKNOWN_YEAR, cell)
             for label, cell in sorted(counts.years.items(), key=lambda item: (not item[0], item[0]))]
    provinces = []
    for province, cell in sorted(counts.provinces.items(), key=lambda item: (-item[1].reports, item[0])):
        if not cell.reports:
            continue
        bar = _share_bar(params, "province", province, cell)
        counties = sorted(counts.counties.items(), key=lambda item: (-item[1].reports, item[0]))
        bar.children = [_share_bar(params, "county", county, sub)
                        for (where, county), sub in counties if where == province and sub.reports]
        provinces.append(bar)
    return Spread(params=params, reports=counts.whole.reports, total=counts.whole.passages,
                  townships=len(counts.whole.townships), years=years, provinces=provinces,
                  all_reports=counts.whole.all_reports)


def _share_bar(params: SearchParams, param: str, label: str, cell: Cell) -> Bar:
    value = "" if label == UNKNOWN_YEAR else label
    return Bar(label=label, reports=cell.reports, passages=cell.passages,
               filter_qs=params.with_filter(param, value or UNKNOWN_YEAR), townships=len(cell.townships),
               all_reports=cell.all_reports)


def from_result(params: SearchParams, result: dict) -> Spread:
    """The charts' spread of a search result (``SearchResult.to_json()``) already computed for the
    page: its facets, counted as the search counts (reports of every type)."""
    facets = result["facets"]
    years = [_bar(params, "year", entry) for entry in sorted(
        facets.get("year", []), key=lambda entry: (not isinstance(entry[0], int), str(entry[0])))]
    provinces = [_bar(params, "province", entry) for entry in facets.get("province", [])]
    in_province = search_service().county_provinces()
    for county in facets.get("county", []):
        for province in provinces:
            if province.label in in_province.get(str(county[0]), {province.label} if len(provinces) == 1
                                                  else set()):
                province.children.append(_bar(params, "county", county))
    total_townships = len(facets.get("township", []))
    return Spread(params=params, reports=result["reports"], total=result["total"],
                  townships=total_townships, years=years, provinces=provinces)


def _bar(params: SearchParams, param: str, entry: FacetEntry) -> Bar:
    value, reports, passages = entry
    return Bar(label=str(value), reports=int(str(reports)), passages=int(str(passages)),
               filter_qs=params.with_filter(param, str(value)))


def chart_svg(title: str, bars: list[Bar], link_base: str, horizontal: bool,
              describe: Callable[[Bar], str] | None = None) -> str:
    """One bar chart as CSP-clean inline SVG: bars are links, counts (or, for bars that carry
    all reports, shares in per cent) are printed on them.

    ``link_base`` is the search page's path; each bar links to it with the bar's filter.
    ``describe`` says what a bar counts (its link's name); by default reports and passages.
    """
    shares = bool(bars) and all(bar.share is not None for bar in bars)
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(140, 30 * len(bars) + 50) if horizontal else 260
    # pygal sizes label room for Latin text (≈ 0.6 em a character); a Chinese character is a
    # full em, so the room for the longest label is given as the left margin.
    longest = max((len(bar.label) for bar in bars), default=1)
    chart = chart_class(
        style=CHART_STYLE, width=CHART_WIDTH, height=height, show_legend=False, print_values=True,
        js=[], css=[], no_prefix=True, disable_xml_declaration=True, margin=8, spacing=6,
        margin_left=8 + (longest * FONT_SIZE // 2 if horizontal else 0),
        show_y_guides=not horizontal, show_x_guides=horizontal, truncate_label=-1,
        print_values_position="center" if horizontal else "top",
        formatter=(lambda value: f"{value:g}%") if shares else None,
    )
    ordered = list(reversed(bars)) if horizontal else bars  # pygal draws the first row at the bottom
    chart.x_labels = [bar.label for bar in ordered]
    values = [round(100 * (bar.share or 0.0), 1) if shares else bar.reports for bar in bars]
    top = max(values, default=1) or 1
    step = max(1, -(-int(top) // 5)) if not shares else max(5, 5 * -(-int(top) // 25))
    chart.y_labels = list(range(0, int(top) + step, step))  # whole reports (per cents), never 0.2 of one
    chart.add("报告", [
        {"value": round(100 * (bar.share or 0.0), 1) if shares else bar.reports,
         "xlink": {"href": f"{link_base}?{bar.filter_qs}"},
         "label": describe(bar) if describe else _bar_label(bar)}
        for bar in ordered
    ])
    root = chart.render_tree()
    _clean(root, title)
    return etree.tostring(root, encoding="unicode")


def _bar_label(bar: Bar) -> str:
    """What a bar's link says: its reports (of all reports, with the share) and passages."""
    if bar.share is None:
        return f"{bar.label}：{bar.reports} 份报告，{bar.passages} 段"
    share = f"{100 * bar.share:.1f}%"
    return f"{bar.label}：{bar.reports} / {bar.all_reports} 份报告（{share}），{bar.passages} 段"


def _clean(root: etree._Element, title: str) -> None:
    """Strip what the CSP forbids or screen readers stumble on; name the chart and its links.

    pygal keeps a bar's label in a ``<desc class="label">`` for its script's tooltip: it becomes
    the link's ``aria-label`` (and a ``<title>``, the tooltip browsers show without script).
    """
    for link in root.iter("a"):
        label = link.find("desc[@class='label']")
        href = link.attrib.pop(f"{{{XLINK}}}href", None)
        if href:
            link.set("href", href)  # SVG 2's plain attribute, which browsers and axe read
        if label is not None and label.text:
            link.set("aria-label", label.text)
            tooltip = etree.SubElement(link, "title")
            tooltip.text = label.text
    strip = [node for node in root.iter() if not isinstance(node.tag, str)]  # generator comments
    strip += root.iter("style", "script", "desc")
    strip += [g for g in root.iter("g") if "tooltip-overlay" in (g.get("class") or "")]
    strip += [t for t in root.iter("title") if t.getparent().tag != "a"]
    for node in strip:
        node.getparent().remove(node)
    for element in root.iter(tag=etree.Element):
        element.attrib.pop("style", None)
    root.attrib.pop("id", None)
    root.set("class", "pygal-chart spread-chart")
    root.set("role", "group")
    root.set("aria-label", title)


def charts(spread: Spread) -> dict[str, Markup]:
    """The year chart, the province chart and the county chart (largest ``MAX_COUNTIES``)."""
    base = url_for("search.index")
    counties = sorted(
        ((county, province) for province in spread.provinces for county in province.children),
        key=lambda pair: -pair[0].reports,
    )[:MAX_COUNTIES]
    county_bars = [replace(county, label=f"{county.label}（{province.label}）")
                   for county, province in counties]
    what = "报告占比" if spread.shares else "报告数"
    return {
        "years": Markup(chart_svg(f"按年份的{what}", spread.years, base, horizontal=False)),
        "provinces": Markup(chart_svg(f"按省份的{what}", spread.provinces, base, horizontal=True)),
        "counties": Markup(chart_svg(f"按县（区）的{what}", county_bars, base, horizontal=True)),
    }
