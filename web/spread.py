"""Spread of a query over years and places (issue 13 §5): counts, charts, CSV.

The counts are the search service's own report-level facets (``indexer.facets``: reports and
passages per year, province and county of the whole match set), so the charts always agree
with the search page's sidebar, follow every filter the service knows, and cost no scan of
their own on the search page. Two things the facets do not cross are added here:

* which province a county belongs to, from the live generation's report places
  (``SearchService.county_provinces``); a county name found in two provinces is listed under
  both, as the county filter (by name) selects both;
* townships per year, only for the spread page and its twins (``townships=True``): one search
  per year listed, each with that year's filter, counting its township facet.

Charts are drawn by pygal (server-side SVG, no script needed, printable). Its output carries an
inline ``<style>``, a config ``<script>`` and ``style`` attributes, all of which the site's
Content-Security-Policy forbids; ``chart_svg`` removes them and the look comes from
``static/style.css`` (classes ``color-0`` …, ``value``, ``guide``), and each bar is a link that
adds its filter to the search.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pygal
import pygal.style
from lxml import etree

from indexer.facets import FacetEntry

from .params import SearchParams
from .services import search_service

XLINK = "http://www.w3.org/1999/xlink"
MAX_COUNTIES = 20  # bars in the county chart; the table lists them all
# The sizes static/style.css draws the chart's text at: pygal reserves room for labels by them.
FONT_SIZE = 14
CHART_WIDTH = 480  # drawn at about this width on a desktop, so text keeps its size (70 % on a phone)
CHART_STYLE = pygal.style.Style(label_font_size=FONT_SIZE, major_label_font_size=FONT_SIZE,
                                value_font_size=FONT_SIZE, font_family="sans-serif")
CSV_COLUMNS = ("level", "year", "province", "county", "reports", "passages", "townships")


@dataclass
class Bar:
    """One counted value: its label, counts and the search query string that filters to it."""

    label: str
    reports: int
    passages: int
    filter_qs: str
    townships: int | None = None
    children: list[Bar] = field(default_factory=list)


@dataclass
class Spread:
    """Reports (and passages, townships) of one query by year and by province → county."""

    params: SearchParams
    reports: int
    total: int
    townships: int
    years: list[Bar]
    provinces: list[Bar]

    def to_json(self) -> dict[str, object]:
        """The JSON shape ``web.api_spec.SpreadSchema`` documents; a year is a number or null."""
        return {
            "query": self.params.q, "filters": self.params.filters, "reports": self.reports,
            "total": self.total, "townships": self.townships,
            "years": [{"year": _year(bar.label), "label": bar.label, "reports": bar.reports,
                       "passages": bar.passages, "townships": bar.townships} for bar in self.years],
            "provinces": [{"province": bar.label, "reports": bar.reports, "passages": bar.passages,
                           "counties": [{"county": c.label, "reports": c.reports, "passages": c.passages}
                                        for c in bar.children]} for bar in self.provinces],
        }

    def csv_lines(self) -> str:
        """The table as CSV text (UTF-8 BOM, so a spreadsheet reads the Chinese): one row per bar."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for bar in self.years:
            writer.writerow(("year", bar.label, "", "", bar.reports, bar.passages,
                             "" if bar.townships is None else bar.townships))
        for province in self.provinces:
            writer.writerow(("province", "", province.label, "", province.reports, province.passages, ""))
            for county in province.children:
                writer.writerow(("county", "", province.label, county.label, county.reports,
                                 county.passages, ""))
        return "\ufeff" + buffer.getvalue()


def _year(label: str) -> int | None:
    return int(label) if label.isdigit() else None


def from_result(params: SearchParams, result: dict, townships: bool = False) -> Spread:
    """The spread of a search result (``SearchResult.to_json()``) already computed for the page."""
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
    if townships:
        for bar in years:
            per_year = search_service().search(
                params.q, {**params.indexer_filters(), "year": bar.label}, per_page=1)
            bar.townships = len(per_year.facets.get("township", []))
    return Spread(params=params, reports=result["reports"], total=result["total"],
                  townships=total_townships, years=years, provinces=provinces)


def _bar(params: SearchParams, param: str, entry: FacetEntry) -> Bar:
    value, reports, passages = entry
    return Bar(label=str(value), reports=int(str(reports)), passages=int(str(passages)),
               filter_qs=params.with_filter(param, str(value)))


def chart_svg(title: str, bars: list[Bar], link_base: str, horizontal: bool,
              describe: Callable[[Bar], str] | None = None) -> str:
    """One bar chart as CSP-clean inline SVG: bars are links, counts are printed on them.

    ``link_base`` is the search page's path; each bar links to it with the bar's filter.
    ``describe`` says what a bar counts (its link's name); by default reports and passages.
    """
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
    )
    ordered = list(reversed(bars)) if horizontal else bars  # pygal draws the first row at the bottom
    chart.x_labels = [bar.label for bar in ordered]
    top = max((bar.reports for bar in bars), default=1)
    step = max(1, -(-top // 5))
    chart.y_labels = list(range(0, top + step, step))  # whole reports, never 0.2 of one
    chart.add("报告", [
        {"value": bar.reports, "xlink": {"href": f"{link_base}?{bar.filter_qs}"},
         "label": describe(bar) if describe else f"{bar.label}：{bar.reports} 份报告，{bar.passages} 段"}
        for bar in ordered
    ])
    root = chart.render_tree()
    _clean(root, title)
    return etree.tostring(root, encoding="unicode")


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
