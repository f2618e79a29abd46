"""Turning a parsed report into the store's rows: the ``Report`` row, its sections and passages
numbered as the reader shows and cites them, written in bulk.

Apart from the models (``archive.store.db``) because this is the ingest's write path, and the one
that decides a report's id (``report_id_for``), so permalinks survive a rebuild.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from archive.document import Metadata, ParsedReport, ParsedSection

from .db import Passage, Report, Section, heading_label


def report_id_for(text: str) -> str:
    """Stable report id derived from the display text, so permalinks survive a rebuild."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def new_report(parsed: ParsedReport) -> Report:
    """The ``Report`` row of a parsed report: metadata and text, no sections or passages yet."""
    meta: Metadata = parsed.metadata
    return Report(
        id=report_id_for(parsed.text),
        title=meta.title,
        issuer=meta.issuer,
        township=meta.township,
        county=meta.county,
        city=meta.city,
        province=meta.province,
        year=meta.year,
        doc_type=meta.doc_type,
        issue_date=meta.issue_date,
        title_supplied=meta.title_supplied,
        author_supplied=meta.author_supplied,
        page_fields=dict(meta.page_fields),
        source_url=meta.source_url,
        retrieved=meta.retrieved,
        excerpt=meta.excerpt,
        division_code=meta.division_code,
        provenance=dict(meta.provenance),
        notes=list(meta.notes),
        text=parsed.text,
    )


@dataclass
class _SectionRow:
    """A section's columns, its parent's index in the same list (None at the top) and depth."""

    columns: dict
    parent: int | None
    depth: int


def report_rows(parsed: ParsedReport) -> tuple[list[_SectionRow], list[tuple[int, dict]]]:
    """The columns of a report's sections, in document order (``ordinal``), and of its passages
    as (index of their section, columns), numbered ``seq`` 1… in text order."""
    sections: list[_SectionRow] = []
    passages: list[tuple[int, dict]] = []

    def add(parsed_section: ParsedSection, parent: int | None, path: list[str], depth: int) -> None:
        index = len(sections)
        sections.append(_SectionRow({
            "ordinal": index + 1, "level": parsed_section.level, "number": parsed_section.number,
            "title": parsed_section.title, "kind": parsed_section.kind, "start": parsed_section.start,
            "end": parsed_section.end, "heading_end": parsed_section.heading_end,
        }, parent, depth))
        here = [*path, heading_label(parsed_section)]
        for parsed_passage in parsed_section.passages:
            passages.append((index, {
                "section_kind": parsed_section.kind, "heading_path": here, "kind": parsed_passage.kind,
                "start": parsed_passage.start, "end": parsed_passage.end, "text": parsed_passage.text,
            }))
        for child in parsed_section.children:
            add(child, index, here, depth + 1)

    for top in parsed.sections:
        add(top, None, [], 0)
    passages.sort(key=lambda row: row[1]["start"])
    for seq, (_index, columns) in enumerate(passages, start=1):
        columns["seq"] = seq
    return sections, passages


def insert_report(session: Session, parsed: ParsedReport) -> Report:
    """Store a parsed report whose id the store does not hold yet, in the caller's transaction.

    The rows of ``report_rows``, written as bulk inserts: the ``Report`` row through the unit of
    work (so flush hooks see it), then the sections one depth at a time and the passages in one
    executemany. Section ids come back from the database (``RETURNING``, in parameter
    order), never from a guess such as max(id) + 1, so concurrent writers cannot collide; a
    child is inserted once its parent's id is known. Building and flushing the ORM graph of
    sections and passages was most of the writing process's time in a bulk ingest.
    """
    report = new_report(parsed)
    session.add(report)
    session.flush()
    section_rows, passage_rows = report_rows(parsed)
    by_depth: dict[int, list[int]] = {}
    for index, row in enumerate(section_rows):
        by_depth.setdefault(row.depth, []).append(index)  # depth 0 first: parents come before children
    ids: dict[int | None, int] = {}
    returning = insert(Section).returning(Section.id, sort_by_parameter_order=True)
    for level in by_depth.values():
        values = [{**section_rows[index].columns, "report_id": report.id,
                   "parent_id": ids.get(section_rows[index].parent)} for index in level]
        ids.update(zip(level, session.scalars(returning, values), strict=True))
    if passage_rows:
        session.execute(insert(Passage), [{**columns, "report_id": report.id, "section_id": ids[index]}
                                          for index, columns in passage_rows])
    return report
