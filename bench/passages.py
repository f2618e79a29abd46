"""The passage table every measured system indexes: one list, one set of ids, one truth.

Why read it back from what the project built: only then do all systems see exactly the texts,
ids and facet values the product itself serves, so a correctness check compares like with like.
What a plain search promises to find is every *place* a reader sees: each paragraph,
each heading line and each report's title (``indexer.index.literal_sql.SCOPE_UNITS[None]``), so the
table holds those, read from the live index generation's place table with their reader anchor
(``p-<seq>``, ``s-<n>``, ``report-title``), the key a hit of the API is mapped back by, and
the facet values the index holds for them.
Before the parser existed (and as a fallback) the generated files are split the simple way:
one passage per paragraph line, section kind from the enclosing level-1 heading.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from archive.normalize import fold_for_match

from .corpus import read_manifest
from .sources import LEVEL1, LEVEL2, MIN_PARAGRAPH, section_kind

FACETS = ("year", "province", "county", "township", "section")


@dataclass(slots=True)
class PassageRecord:
    """A searchable passage with the facet values of its report and its folded match text."""

    pid: int
    report_id: str
    seq: int
    year: int | None
    province: str
    city: str
    county: str
    township: str
    section: str
    doc_type: str
    heading: str
    text: str
    folded: str
    anchor: str  # the reader's fragment: p-<seq> for a paragraph, s-<n> a heading, report-title

    @property
    def paragraph(self) -> bool:
        """Whether this place is a paragraph (the only kind the fallback split has)."""
        return self.anchor.startswith("p-")

    def facet(self, name: str) -> str:
        """Facet value as a string key (year included), "" when unknown."""
        value = getattr(self, name)
        return "" if value is None else str(value)


def from_index(index_dir: Path) -> list[PassageRecord]:
    """Every place a plain search covers, from the live generation's literal table, in gid order."""
    from indexer.index.generation import LITERAL_DB, current_generation
    from indexer.index.literal_sql import SCOPE_UNITS
    from indexer.index.place_kinds import anchor

    generation = current_generation(index_dir)
    if generation is None:
        raise FileNotFoundError(f"no index generation in {index_dir}")
    units = SCOPE_UNITS[None]
    conn = sqlite3.connect(f"file:{generation / LITERAL_DB}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT gid, report_id, unit, seq, year, province, city, county, township, section, doc_type, "
            f"heading, text, folded FROM passages WHERE unit IN ({', '.join('?' * len(units))}) ORDER BY gid",
            units).fetchall()
    finally:
        conn.close()
    return [
        PassageRecord(gid, rid, seq, int(year) if year else None, province, city, county, township, section,
                      doc_type, " / ".join(json.loads(heading)), text, folded, anchor(unit, seq))
        for gid, rid, unit, seq, year, province, city, county, township, section, doc_type, heading, text,
        folded in rows
    ]


def from_files(corpus: Path) -> list[PassageRecord]:
    """Fallback split of a generated corpus, placed by its manifest (no parser needed)."""
    records: list[PassageRecord] = []
    for planned in read_manifest(corpus):
        kind, heading, seq = "前言", "", 0
        lines = (corpus / planned.file).read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            if LEVEL1.match(line):
                kind, heading = section_kind(line), line
                continue
            if len(line) < MIN_PARAGRAPH or (LEVEL2.match(line) and len(line) < 40):
                continue
            seq += 1
            records.append(PassageRecord(len(records) + 1, planned.file, seq, planned.year, planned.province,
                                         planned.city, planned.county, planned.township, kind, "年度报告",
                                         heading, line, fold_for_match(line), f"p-{seq}"))
    return records


def save(records: list[PassageRecord], path: Path) -> None:
    """Pickle the table for the measuring subprocesses (fast to load, folding done once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(records, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path) -> list[PassageRecord]:
    """The table written by :func:`save`."""
    with path.open("rb") as handle:
        return pickle.load(handle)
