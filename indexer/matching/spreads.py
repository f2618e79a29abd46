"""How far a query spread, as shares: the rule-of-law reports matching it / all such reports, per
year, province and county.

Raw counts mislead where the archive holds eleven reports of one year and one of another; a share
says how common a practice was among the reports of its year or province. Both counts are exact:
the matching reports are those of the search's own match set (``temp.hit_reports``, filled by
``SearchService``), the denominators those of the reports table under the same report filters
(year, place, type; a passage-level filter such as a section narrows the matches only).

Left out of both: reports of type ``其他`` (政府信息公开年报, notices) — they are no rule-of-law
report, and would count a practice "named" in a disclosure table.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from indexer.analysis.query_tree import ParsedQuery
from indexer.index import literal_sql

OTHER_TYPE = "其他"


@dataclass
class Cell:
    """Matching reports (their passages and townships) and all reports of one year or place."""

    reports: int = 0
    passages: int = 0
    all_reports: int = 0
    townships: set[tuple[str, ...]] = field(default_factory=set)

    @property
    def share(self) -> float:
        """Matching reports / all reports (0 when there are none)."""
        return self.reports / self.all_reports if self.all_reports else 0.0


@dataclass
class SpreadCounts:
    """A query's reports by year (``''`` unknown), province and (province, county)."""

    whole: Cell
    years: dict[str, Cell]
    provinces: dict[str, Cell]
    counties: dict[tuple[str, str], Cell]


def counts(conn: sqlite3.Connection, parsed: ParsedQuery) -> SpreadCounts:
    """The spread of the match set in ``temp.hit_reports`` (see the module docstring)."""
    out = SpreadCounts(Cell(), defaultdict(Cell), defaultdict(Cell), defaultdict(Cell))
    conditions, params = literal_sql.report_filters(parsed)
    where = " AND ".join(["r.doc_type != ?", *conditions])
    for year, province, county, reports in conn.execute(
            f"SELECT r.year, r.province, r.county, count(*) FROM reports r WHERE {where} GROUP BY 1, 2, 3",
            [OTHER_TYPE, *params]):
        for cell in _cells(out, year, province, county):
            cell.all_reports += reports
    for year, province, county, township, report_id, passages in conn.execute(
            "SELECT year, province, county, township, report_id, n FROM temp.hit_reports WHERE doc_type != ?",
            [OTHER_TYPE]):
        place = (province, county, township) if township else (report_id,)
        for cell in _cells(out, year, province, county):
            cell.reports += 1
            cell.passages += passages
            cell.townships.add(place)
    return out


def _cells(out: SpreadCounts, year: str, province: str, county: str) -> list[Cell]:
    """The cells a report of ``year``, ``province`` and ``county`` counts in."""
    cells = [out.whole, out.years[year]]
    if province:
        cells.append(out.provinces[province])
        if county:
            cells.append(out.counties[(province, county)])
    return cells
