"""The passage table every measured system indexes: one list, one set of ids, one truth.

Why read it back from the project's store: only then do all systems see exactly the passages,
ids and facet values the product itself serves, so a correctness check compares like with like.
Before the parser existed (and as a fallback) the generated files are split the simple way:
one passage per paragraph line, section kind from the enclosing level-1 heading.
"""

from __future__ import annotations

import pickle
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

    def facet(self, name: str) -> str:
        """Facet value as a string key (year included), "" when unknown."""
        value = getattr(self, name)
        return "" if value is None else str(value)


def from_store(database_url: str) -> list[PassageRecord]:
    """Every passage of the project's store, in id order, joined with its report's metadata."""
    from sqlalchemy import select

    from archive.store import Passage, Report, make_engine

    engine = make_engine(database_url)
    stmt = (
        select(Passage.id, Passage.report_id, Passage.seq, Report.year, Report.province, Report.city,
               Report.county, Report.township, Passage.section_kind, Report.doc_type, Passage.heading_path,
               Passage.text)
        .join(Report, Report.id == Passage.report_id)
        .order_by(Passage.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    engine.dispose()
    return [
        PassageRecord(pid, rid, seq, year, province or "", city or "", county or "", township or "",
                      section or "", doc_type or "", " / ".join(path or []), text, fold_for_match(text))
        for pid, rid, seq, year, province, city, county, township, section, doc_type, path, text in rows
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
                                         heading, line, fold_for_match(line)))
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
