"""The named practices directory (做法名录): practices reports name, their spellings merged, with
the passages that name them and a lineage — who named each first, who followed, by year and place.

Names and slogans are read from every paragraph by ``indexer.practices.names`` (what counts as a
practice, what as a slogan, which spellings are one name). The directory lists practices; slogans
and political formulas are kept apart (``kind=slogan``), never mixed in. Counting is by the reports
that *name* the practice; its search (linked from the directory) finds every mention, named or not.

Left out: reports that are no rule-of-law report (``doc_type`` 其他: 政府信息公开年报, notices),
and the 存在的不足 section, whose quoted strings are problems a report admits (“信访不信法”).

Where it is computed: from the literal table of the live index generation (every passage's text
and its report's place, year and type are there), in one pass, and cached per generation and per
change of that file, so the index build is not touched and an incremental update shows on the
next request.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archive.config import ArchiveConfig
from archive.normalize import simplify
from indexer.analysis import wording
from indexer.index import place_kinds
from indexer.index.generation import LITERAL_DB, current_generation

from .names import PRACTICE, SLOGAN, Mention, key, mentions, merge

# The section whose quoted strings are admitted problems, not practices.
DEFICIENCIES = "存在的不足和原因"
OTHER_TYPE = "其他"  # reports of this type are no rule-of-law report
SORTS = ("spread", "reports", "recent", "first", "name")
KINDS = (PRACTICE, SLOGAN)


@dataclass(frozen=True)
class ReportPlace:
    """A report's year and place, as the literal table holds them ('' when unknown)."""

    year: str
    province: str
    county: str
    township: str

    @property
    def township_key(self) -> tuple[str, ...]:
        """What counts as one township: its full place; a report of unknown township is its own."""
        return (self.province, self.county, self.township)

    def to_json(self) -> dict[str, object]:
        return {"year": int(self.year) if self.year else None, "province": self.province,
                "county": self.county, "township": self.township}


@dataclass(frozen=True)
class Quote:
    """A paragraph naming a practice: its ¶, the spelling it uses, and the sentence naming it."""

    seq: int
    spelling: str
    sentence: str


@dataclass
class Practice:
    """One directory entry (within the directory's filter)."""

    name: str
    kind: str
    spellings: list[str]
    reports: int
    townships: int
    counties: int
    provinces: list[str]
    years: list[int]
    passages: int
    named: bool  # called a 工作法, 机制 … somewhere, not only quoted
    first: list[str]  # the reports of the earliest year naming it

    def to_json(self) -> dict[str, object]:
        """The JSON shape ``web.schemas.practices.PracticeSchema`` documents."""
        return {"name": self.name, "kind": self.kind, "spellings": self.spellings, "reports": self.reports,
                "townships": self.townships, "counties": self.counties, "provinces": self.provinces,
                "years": self.years, "passages": self.passages, "named": self.named,
                "first_year": self.years[0] if self.years else None, "first_reports": self.first}


@dataclass
class Entry:
    """Everything known of one merged name: its mentions by report."""

    key: str
    kind: str = SLOGAN
    named: bool = False
    spellings: Counter[str] = field(default_factory=Counter)  # spelling → reports using it
    quotes: dict[str, list[Quote]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Directory:
    """Every practice and slogan of one index generation."""

    entries: dict[str, Entry] = field(default_factory=dict)  # merged key → entry
    places: dict[str, ReportPlace] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # any spelling's key → merged key

    def practices(self, province: str = "", year: str = "", sort: str = "spread",
                  kind: str = PRACTICE) -> list[Practice]:
        """The entries of ``kind`` named in the reports of ``province`` / ``year`` (either may be
        ''), sorted: ``spread`` most townships, then reports, named ones first; ``reports`` most
        reports; ``recent`` latest year named; ``first`` earliest year named; ``name`` by name."""
        if sort not in SORTS:
            raise ValueError(sort)
        out = [self._summary(entry, chosen) for entry in self.entries.values() if entry.kind == kind
               if (chosen := {rid: quotes for rid, quotes in entry.quotes.items()
                              if self._selected(rid, province, year)})]
        keys = {
            "spread": lambda p: (-p.townships, -p.reports, not p.named, -p.passages, p.name),
            "reports": lambda p: (-p.reports, -p.townships, not p.named, p.name),
            "recent": lambda p: (-(p.years[-1] if p.years else 0), -p.townships, p.name),
            "first": lambda p: (p.years[0] if p.years else 10_000, -p.townships, p.name),
            "name": lambda p: (p.name,),
        }
        return sorted(out, key=keys[sort])

    def find(self, name: str) -> Entry | None:
        """The entry of a name, by any of its spellings."""
        merged = self.keys.get(key(name))
        return self.entries.get(merged) if merged else None

    def practice(self, name: str) -> tuple[Practice, list[tuple[str, ReportPlace, list[Quote]]]] | None:
        """One entry and its lineage: the reports naming it (id, place, quotes), oldest first —
        the first year's reports first, then those that followed. None if no report names it."""
        entry = self.find(name)
        if entry is None:
            return None
        rows = sorted(entry.quotes.items(), key=lambda item: (not self.places[item[0]].year,
                                                               self.places[item[0]].year, item[0]))
        return self._summary(entry, entry.quotes), [(rid, self.places[rid], quotes) for rid, quotes in rows]

    def provinces(self) -> list[str]:
        """Provinces with at least one entry, for the filter."""
        return sorted({self.places[rid].province for e in self.entries.values() for rid in e.quotes} - {""})

    def years(self) -> list[int]:
        """Years with at least one entry, newest first."""
        found = {self.places[rid].year for e in self.entries.values() for rid in e.quotes} - {""}
        return sorted((int(y) for y in found), reverse=True)

    def _selected(self, report_id: str, province: str, year: str) -> bool:
        place = self.places[report_id]
        return (not province or place.province == province) and (not year or place.year == year)

    def _summary(self, entry: Entry, by_report: dict[str, list[Quote]]) -> Practice:
        places = [self.places[rid] for rid in by_report]
        years = sorted({int(p.year) for p in places if p.year})
        spellings = Counter(quote.spelling for quotes in by_report.values() for quote in quotes)
        return Practice(
            name=display_name(entry), kind=entry.kind,
            spellings=sorted(spellings, key=lambda s: (-spellings[s], s)), reports=len(by_report),
            townships=len({p.township_key for p in places}),
            counties=len({(p.province, p.county) for p in places if p.county}),
            provinces=sorted({p.province for p in places if p.province}), years=years,
            passages=sum(len({quote.seq for quote in quotes}) for quotes in by_report.values()),
            named=entry.named,
            first=sorted(rid for rid in by_report if years and self.places[rid].year == str(years[0])),
        )


def display_name(entry: Entry) -> str:
    """The spelling an entry is listed under: the one most reports use, then the fullest, then one
    in simplified characters (誰執法誰普法 and 谁执法谁普法 are listed as the latter)."""
    return min(entry.spellings, key=lambda s: (-entry.spellings[s], -len(key(s)), simplify(s) != s, s))


def extract(rows: Iterable[tuple[str, int, str, str]], places: dict[str, ReportPlace],
            own_stems: dict[str, tuple[str, ...]] | None = None) -> Directory:
    """The directory from paragraphs ``(report_id, seq, text, section)`` of the reports in
    ``places`` (others are left out), their townships' name stems in ``own_stems``."""
    found: list[tuple[str, int, str, Mention]] = []
    for report_id, seq, text, section in rows:
        if section == DEFICIENCIES or report_id not in places:
            continue
        found.extend((report_id, seq, text, mention)
                     for mention in mentions(text, (own_stems or {}).get(report_id, ())))
    merged = merge(mention.key for *_, mention in found)
    directory = Directory(places=places, keys=merged)
    spelled: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for report_id, seq, text, mention in found:
        entry = directory.entries.setdefault(merged[mention.key], Entry(merged[mention.key]))
        if mention.kind == PRACTICE:
            entry.kind = PRACTICE
        entry.named = entry.named or mention.named
        entry.quotes[report_id].append(Quote(seq, mention.name, _sentence(text, mention.start)))
        spelled[entry.key].add((mention.name, report_id))
    for entry_key, pairs in spelled.items():
        directory.entries[entry_key].spellings = Counter(spelling for spelling, _rid in pairs)
    return directory


def _sentence(text: str, position: int) -> str:
    """The sentence of ``text`` around ``position`` (the whole text if it has none)."""
    return next((text[a:b] for a, b in wording.sentences(text) if a <= position < b), text.strip())


def read_directory(path: Path) -> Directory:
    """Extract the directory from one generation's literal table (read only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        places: dict[str, ReportPlace] = {}
        stems: dict[str, tuple[str, ...]] = {}
        for rid, year, province, county, township, doc_type in conn.execute(
                "SELECT report_id, year, province, county, township, doc_type FROM reports"):
            if doc_type != OTHER_TYPE:
                places[rid] = ReportPlace(year, province, county, township)
                stems[rid] = tuple(filter(None, [wording.township_stem(township)]))
        rows = conn.execute(
            "SELECT report_id, seq, text, section FROM passages WHERE unit = ? ORDER BY report_id, seq",
            [place_kinds.PASSAGE],
        )
        return extract(rows, places, stems)
    finally:
        conn.close()


_cache: dict[Path, tuple[tuple[str, int, int], Directory]] = {}
_lock = threading.Lock()


def directory(config: ArchiveConfig) -> Directory | None:
    """The directory of the live generation, cached until the generation or its table changes.

    None when no index is live. The cache key is the generation's name and the literal table's
    modification time and size (its WAL too): an incremental update writes the file, a rebuild
    publishes a new generation; either makes the next call extract again.
    """
    folder = current_generation(config.index_dir)
    if folder is None:
        return None
    path = folder / LITERAL_DB
    stamps = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    mtime = max((p.stat().st_mtime_ns for p in stamps if p.exists()), default=0)
    size = sum(p.stat().st_size for p in stamps if p.exists())
    cache_key = (folder.name, mtime, size)
    with _lock:
        held = _cache.get(config.index_dir)
        if held is not None and held[0] == cache_key:
            return held[1]
    found = read_directory(path)
    with _lock:
        _cache[config.index_dir] = (cache_key, found)
    return found
