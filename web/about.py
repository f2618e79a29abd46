"""What the archive holds: ``/about`` (HTML), ``/api/about`` (JSON twin), and the home page's summary.

Why: a new user must see what is inside before searching it — which provinces and years, which
kinds of document, where the files came from and when, that many are excerpts of the published
page, how to cite them and under what terms the data may be used. Every number is counted in the
store (exact, like every count of the archive), once per change of the store: the inventory is
kept per process and recounted when the store's change sequence moves (``latest_change``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import Blueprint, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from archive.describing.parse import SOURCE_NOTE
from archive.document import DOC_TYPES
from archive.fields import UNKNOWN_PLACE, UNKNOWN_YEAR
from archive.store.changes import latest_change
from archive.store.db import Passage, Report
from indexer.results.snippets import SNIPPET_CHARS

from .pages import Page, twin
from .schemas.about import AboutSchema
from .services import db

bp = Blueprint("about", __name__)

EXTENSION = "fazhi.about"  # app.extensions key: (change seq, Inventory)
MAX_SOURCES = 20  # source descriptions listed one by one; the rest are counted together
TABLE_LABELS = {"unknown_place": UNKNOWN_PLACE, "unknown_year": UNKNOWN_YEAR}  # about_summary.html's


@dataclass
class Counted:
    """A value with the number of reports having it."""

    value: str
    reports: int


@dataclass
class Host:
    """A website reports were retrieved from: reports, and the first and last retrieval dates."""

    host: str
    reports: int
    first: str
    last: str


class YearCount(NamedTuple):
    """Reports of one year (None: not known)."""

    year: int | None
    reports: int


class ProvinceYears(NamedTuple):
    """Reports of one province (None: not known): the years it has reports of, and its total."""

    province: str | None
    years: list[YearCount]
    reports: int


class Span(NamedTuple):
    """The first and the last date of something ("" when there is none)."""

    first: str
    last: str


NO_SPAN = Span("", "")


@dataclass
class Inventory:
    """Counts of the store's reports (see the module docstring)."""

    reports: int = 0
    passages: int = 0
    provinces: int = 0
    counties: int = 0
    townships: int = 0
    years: list[int | None] = field(default_factory=list)  # the table's columns, None = unknown
    by_place_year: list[tuple[str, list[int], int]] = field(default_factory=list)  # province, per year, total
    year_totals: list[int] = field(default_factory=list)
    types: list[Counted] = field(default_factory=list)
    sources: list[Counted] = field(default_factory=list)
    other_sources: int = 0  # reports whose source description is not among ``sources``
    without_source: int = 0
    hosts: list[Host] = field(default_factory=list)
    ingested: Span = NO_SPAN  # first and last ingest dates

    @property
    def year_span(self) -> str:
        known = [year for year in self.years if year is not None]
        return f"{known[0]}–{known[-1]}" if known else ""

    @property
    def province_years(self) -> list[ProvinceYears]:
        """``by_place_year`` as the API lists it: each province's years with reports."""
        return [ProvinceYears(province or None, [YearCount(year, n) for year, n in
                                                 zip(self.years, counts, strict=True) if n], total)
                for province, counts, total in self.by_place_year]


def count_inventory() -> Inventory:
    """Count everything ``Inventory`` holds from the store."""
    session = db()
    out = Inventory()
    out.reports = session.scalar(select(func.count()).select_from(Report)) or 0
    out.passages = session.scalar(select(func.count()).select_from(Passage)) or 0
    out.provinces = _distinct(Report.province)
    out.counties = _distinct(Report.province, Report.county)  # one county name may be in two provinces
    out.townships = _distinct(Report.province, Report.county, Report.township)
    cells = Counter({(province, year): n for province, year, n in session.execute(
        select(Report.province, Report.year, func.count()).group_by(Report.province, Report.year))})
    years = sorted({year for _p, year in cells if year is not None})
    out.years = [*years, *([None] if any(year is None for _p, year in cells) else [])]
    provinces: Counter[str] = Counter()
    for (province, _year), n in cells.items():
        provinces[province] += n
    ordered = sorted(provinces, key=lambda p: (not p, -provinces[p], p))  # unknown place last
    out.by_place_year = [(p, [cells.get((p, y), 0) for y in out.years], provinces[p]) for p in ordered]
    out.year_totals = [sum(cells.get((p, y), 0) for p in provinces) for y in out.years]
    types = dict(session.execute(select(Report.doc_type, func.count()).group_by(Report.doc_type)).all())
    in_order = (*DOC_TYPES, *sorted(set(types) - set(DOC_TYPES)))  # the registry's order, then any other
    out.types = [Counted(name, types[name]) for name in in_order if types.get(name)]
    _count_sources(out, session.execute(select(Report.notes, Report.source_url, Report.retrieved)).all())
    first, last = session.execute(select(func.min(Report.ingested_at), func.max(Report.ingested_at))).one()
    out.ingested = Span(str(first or "")[:10], str(last or "")[:10])
    return out


def _distinct(*columns: InstrumentedAttribute) -> int:
    """Distinct known values of the last of ``columns`` (the ones before tell equal names apart)."""
    rows = select(*columns).where(columns[-1] != "").distinct().subquery()
    return db().scalar(select(func.count()).select_from(rows)) or 0


def _count_sources(out: Inventory, rows: list[tuple[list, str, str]]) -> None:
    """Source descriptions (sidecars' ``source``, kept as a note) and the sites reports were
    retrieved from (``source_url``), with their retrieval dates."""
    descriptions: Counter[str] = Counter()
    hosts: dict[str, list[str]] = {}
    for notes, url, retrieved in rows:
        said = [note.removeprefix(SOURCE_NOTE) for note in notes or [] if note.startswith(SOURCE_NOTE)]
        descriptions.update(said[-1:])
        out.without_source += not said
        if url:
            hosts.setdefault(urlsplit(url).hostname or url, []).append(retrieved[:10])
    listed = descriptions.most_common(MAX_SOURCES)
    out.sources = [Counted(text, n) for text, n in listed]
    out.other_sources = sum(descriptions.values()) - sum(n for _t, n in listed)
    out.hosts = [Host(host, len(dates), min(filter(None, dates), default=""), max(dates))
                 for host, dates in sorted(hosts.items(), key=lambda item: (-len(item[1]), item[0]))]


def current() -> Inventory:
    """The inventory of the store as it is now, counted again only after a change."""
    seq = latest_change(db())
    held = current_app.extensions.get(EXTENSION)
    if held is None or held[0] != seq:
        held = current_app.extensions[EXTENSION] = (seq, count_inventory())
    return held[1]


@twin(bp, "/about", endpoint="page", api_endpoint="api", template="about.html",
      schema=AboutSchema())
def about() -> Page:
    """What the archive holds: the counts by province and year, types, sources and retrieval dates.

    The page adds where the files came from, what an excerpt is, how to cite and the data's terms."""
    inventory = current()
    return Page(inventory, lambda: {"inventory": inventory, "snippet_chars": SNIPPET_CHARS, **TABLE_LABELS})
