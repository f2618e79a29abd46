"""The indicator table of the live index generation: every figure of every report's passages.

Where it is computed, and why there: from the literal table of the live generation (each
passage's text, ¶ number and section, each report's place, year and type are there), like the
practices directory (``indexer.practices.directory``), so the index build is untouched and every reader
of the table — the ``/indicators`` page, its CSV and JSON, the reader's marks, the comparison,
the search's ``indicator:`` filter (``figure_gids``) and the CLI — sees the same figures.

It is kept per generation and brought up to date when the file changes: passage keys (gids)
are never reused and a changed report is re-inserted under new ones, so only the passages with
keys above the last one read are extracted again and those whose keys vanished are dropped. An
incremental ingest therefore costs the extraction of its own reports, not of the archive.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from archive.config import ArchiveConfig
from archive.errors import QuerySyntaxError
from archive.fields import PLACE_COLUMNS
from indexer.analysis.indicators import RESULT, TARGET, Context, Figure, extract
from indexer.analysis.measures import MEASURES, Measure, resolve
from indexer.analysis.query_tree import ParsedQuery

from . import place_kinds
from .generation import LITERAL_DB, current_generation

KINDS = {"": "结果和目标", RESULT: "结果", TARGET: "目标（计划）"}


@dataclass(frozen=True)
class ReportInfo:
    """A report as the table shows it ('' for what is not known)."""

    report_id: str
    title: str
    year: str
    province: str
    city: str
    county: str
    township: str
    doc_type: str

    @property
    def year_number(self) -> int | None:
        return int(self.year) if self.year.isdigit() else None


REPORT_FIELDS = ("report_id", "title", "year", "province", "city", "county", "township", "doc_type")


@dataclass
class Table:
    """Every figure of one generation, by passage key, and the reports they are in."""

    by_gid: dict[int, list[Figure]] = field(default_factory=dict)
    reports: dict[str, ReportInfo] = field(default_factory=dict)
    last_gid: int = 0

    def figures(self, sure: bool = True) -> list[Figure]:
        """The figures of the table (``sure``) or those kept apart, in report and text order."""
        return self._sure if sure else self._unsure

    @cached_property
    def _sure(self) -> list[Figure]:
        return self._ordered(sure=True)

    @cached_property
    def _unsure(self) -> list[Figure]:
        return self._ordered(sure=False)

    def _ordered(self, sure: bool) -> list[Figure]:
        found = [f for figures in self.by_gid.values() for f in figures if (not f.unsure) == sure]
        return sorted(found, key=lambda f: (f.report_id, f.seq, f.start))

    @cached_property
    def _by_report(self) -> dict[str, list[Figure]]:
        grouped: dict[str, list[Figure]] = defaultdict(list)
        for figure in self._sure:
            grouped[figure.report_id].append(figure)
        return dict(grouped)

    def of_report(self, report_id: str) -> list[Figure]:
        """One report's figures (sure ones), in text order."""
        return self._by_report.get(report_id, [])

    def gids(self, measures: Iterable[str]) -> list[int]:
        """Keys of the passages holding a (sure) figure of any of ``measures``."""
        wanted = set(measures)
        return sorted(gid for gid, figures in self.by_gid.items()
                      if any(f.measure in wanted and not f.unsure for f in figures))


@dataclass
class Chosen:
    """The figures a filter keeps: the measures it names, the sure figures and those kept apart."""

    measures: list[Measure]
    figures: list[Figure]
    unsure: list[Figure]


def choose(table: Table, parsed: ParsedQuery, measure: str = "", kind: str = "") -> Chosen:
    """The figures of ``table`` that the search filters of ``parsed`` (place, year, type, section;
    the search's own reading of them), the measure name (``measures.resolve``) and the kind
    (result / target, "" for both) keep. ``QuerySyntaxError`` for a measure or kind of none."""
    if kind not in KINDS:
        raise QuerySyntaxError(f"kind 只能是 {RESULT}（结果）或 {TARGET}（目标），而不是“{kind[:20]}”")
    chosen = resolve(measure) if measure.strip() else list(MEASURES)
    if not chosen:
        raise QuerySyntaxError(f"没有指标“{measure[:20]}”。可选：{'、'.join(m.name for m in MEASURES)}")
    names = {m.name for m in chosen}

    def kept(figure: Figure) -> bool:
        info = table.reports.get(figure.report_id)
        return info is not None and _matches(parsed, info, figure)

    figures = [f for f in table.figures() if f.measure in names and (not kind or f.kind == kind) and kept(f)]
    unsure = [f for f in table.figures(sure=False) if (not measure.strip() or f.measure in names) and kept(f)]
    return Chosen(chosen, figures, unsure)


def _matches(parsed: ParsedQuery, info: ReportInfo, figure: Figure) -> bool:
    values = {**{column: getattr(info, column) for column in ("year", *PLACE_COLUMNS, "doc_type")},
              "section": figure.section}
    for column, allowed in parsed.filters.items():
        if column in values and values[column] not in allowed:
            return False
    if parsed.year_range is not None:
        low, high = parsed.year_range
        return info.year_number is not None and low <= info.year_number <= high
    return True


def record(figure: Figure, info: ReportInfo) -> dict[str, object]:
    """One figure with its report's place, year and type: the fields every listing of figures
    has (the API adds its links, ``web.indicator_grid.figure_json``)."""
    return {
        "measure": figure.measure, "value": _number(figure.value), "high": _number(figure.high),
        "unit": figure.unit, "approx": figure.approx, "kind": figure.kind, "text": figure.text,
        "period": list(figure.period) if figure.period else None,
        "report_id": figure.report_id, "seq": figure.seq, "start": figure.start, "end": figure.end,
        "section": figure.section, "title": info.title, "year": info.year_number,
        **{column: getattr(info, column) for column in PLACE_COLUMNS}, "doc_type": info.doc_type,
        "unsure": figure.unsure,
    }


def _number(value: float | None) -> int | float | None:
    """245.0 → 245 (a count reads as one); 99.07 stays."""
    return int(value) if value is not None and value == int(value) else value


def _report(row: tuple[str, ...]) -> ReportInfo:
    return ReportInfo(*row)


def _refresh(conn: sqlite3.Connection, table: Table) -> Table:
    """``table`` brought up to the file: new passages extracted, vanished ones dropped."""
    reports = {row[0]: _report(row) for row in conn.execute(
        f"SELECT {', '.join(REPORT_FIELDS)} FROM reports")}
    present = {gid for (gid,) in conn.execute("SELECT gid FROM passage_keys WHERE unit = ?",
                                              [place_kinds.PASSAGE])}
    by_gid = {gid: figures for gid, figures in table.by_gid.items() if gid in present}
    last = table.last_gid
    for gid, report_id, seq, text, section in conn.execute(
        "SELECT gid, report_id, seq, text, section FROM passages WHERE unit = ? AND gid > ? ORDER BY gid",
        [place_kinds.PASSAGE, table.last_gid],
    ):
        last = max(last, gid)
        info = reports.get(report_id)
        if info is None:
            continue
        figures = extract(text, Context(report_id, seq, info.year_number, section, info.doc_type))
        if figures:
            by_gid[gid] = figures
    return Table(by_gid=by_gid, reports=reports, last_gid=last)


_cache: dict[Path, tuple[tuple[str, int, int], Table]] = {}
_lock = threading.Lock()


def table_at(path: Path) -> Table:
    """The table of the literal file at ``path``, brought up to date when the file changed.

    The key is the file's (and its WAL's) modification time and size: an incremental update
    writes the file, a rebuild makes a new generation (another path).
    """
    stamps = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    key = (str(path), max((p.stat().st_mtime_ns for p in stamps if p.exists()), default=0),
           sum(p.stat().st_size for p in stamps if p.exists()))
    with _lock:
        held = _cache.get(path)
        if held is not None and held[0] == key:
            return held[1]
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            table = _refresh(conn, held[1] if held else Table())
        finally:
            conn.close()
        for old in [p for p in _cache if p.parent.parent == path.parent.parent and p != path]:
            del _cache[old]  # an older generation of the same index is gone
        _cache[path] = (key, table)
        return table


def table(config: ArchiveConfig) -> Table | None:
    """The table of the live generation; None when no index is live."""
    folder = current_generation(config.index_dir)
    return None if folder is None else table_at(folder / LITERAL_DB)


def figure_gids(path: Path, measures: Iterable[str]) -> list[int]:
    """Passage keys with a figure of ``measures`` in the literal file at ``path`` (for search)."""
    return table_at(path).gids(measures)
