"""The rows a generation is filled from: each report's title, headings and passages, read from
the store and written to both structures under the same passage keys.

Why a module of its own: exact matching (the literal table) and ranking (Whoosh) must hold the
same places under the same ``gid``, or a match would be ranked, counted or shown as another
place. Both get their rows here, from one read of the store, whether a rebuild or an update asks
(``indexer.index.build`` decides which reports, in what stages, and when to commit).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from whoosh.writing import IndexWriter

from archive.normalize import fold_for_match
from archive.store.db import Passage, Report, Section, heading_label_of, written_heading

from . import literal, place_kinds
from .schema import FACET_FIELDS, column_value

# Reports read from the store at a time: bounded memory at any size.
REPORTS_PER_BATCH = 100


def fill(sessions: sessionmaker[Session], conn, writer: IndexWriter, report_ids: list[str] | None,
         after: str = "", upto: str | None = None) -> tuple[int, int]:
    """Stream reports (``report_ids``, or those with ids in (``after``, ``upto``]) from the
    store into both structures."""
    gid = literal.next_gid(conn)
    n_reports = n_passages = 0
    with sessions() as session:
        for report_rows, passage_rows in _batches(session, report_ids, gid, after, upto):
            literal.insert(conn, passage_rows, report_rows)
            for row in passage_rows:
                writer.add_document(**_whoosh_doc(row))
            n_reports += len(report_rows)
            n_passages += sum(row.unit == place_kinds.PASSAGE for row in passage_rows)
            gid += len(passage_rows)
    literal.remember_gid(conn, gid - 1)
    return n_reports, n_passages


def _batches(
    session: Session, report_ids: list[str] | None, first_gid: int, after: str = "", upto: str | None = None,
) -> Iterator[tuple[list[literal.ReportRow], list[literal.PassageRow]]]:
    """Rows for the literal table, a batch of reports at a time (bounded memory at any size):
    each report's title, headings and passages (``place_kinds.UNITS``), in document order.

    Plain column selects, three per batch, not ORM objects with a lazy load of each report's
    passages: building those objects was ≈ 30 % of the parent process's time in a rebuild,
    and the parent shares the two cores with the segmenting writer processes.
    """
    stmt = select(Report.id).order_by(Report.id)
    if report_ids is not None:
        if not report_ids:
            return
        stmt = stmt.where(Report.id.in_(report_ids))
    else:
        stmt = stmt.where(Report.id > after)
        if upto is not None:
            stmt = stmt.where(Report.id <= upto)
    gid = first_gid
    reports = list(session.scalars(stmt))
    report_columns = (Report.id, Report.title, Report.year, Report.province, Report.city, Report.county,
                      Report.township, Report.doc_type, Report.issue_date, Report.text, Report.title_supplied)
    section_columns = (Section.report_id, Section.id, Section.parent_id, Section.ordinal, Section.number,
                       Section.title, Section.kind, Section.start, Section.heading_end)
    passage_columns = (Passage.report_id, Passage.seq, Passage.start, Passage.text, Passage.heading_path,
                       Passage.section_kind)
    for start in range(0, len(reports), REPORTS_PER_BATCH):
        chunk = reports[start:start + REPORTS_PER_BATCH]
        report_rows: list[literal.ReportRow] = []
        places: dict[str, list[_Place]] = {}
        texts: dict[str, str] = {}
        rows = session.execute(select(*report_columns).where(Report.id.in_(chunk)).order_by(Report.id))
        for rid, title, year, province, city, county, township, doc_type, issued, text, supplied in rows:
            report_rows.append(literal.ReportRow(
                rid, title or "", str(year) if year is not None else "", province or "", city or "",
                county or "", township or "", doc_type or "", issued or "",
            ))
            texts[rid] = text or ""
            # A supplied label ([红江镇2023年…]) is the archive's words, not the document's: not searchable.
            places[rid] = [_Place(-1, place_kinds.TITLE, 0, title, [], "")] if title and not supplied else []
        passage_starts: dict[str, set[int]] = {rid: set() for rid in chunk}
        for rid, seq, offset, text, heading, section in session.execute(
            select(*passage_columns).where(Passage.report_id.in_(chunk))
        ):
            places[rid].append(_Place(offset, place_kinds.PASSAGE, seq, text, heading or [], section or ""))
            passage_starts[rid].add(offset)
        paths: dict[int, list[str]] = {}
        for rid, sid, parent, ordinal, number, title, kind, offset, end in session.execute(
            select(*section_columns).where(Section.report_id.in_(chunk)).order_by(Section.ordinal)
        ):
            label = heading_label_of(number, title)
            paths[sid] = [*paths.get(parent, []), label] if parent is not None else [label]
            if not number:
                continue  # the preamble 前言 has no heading on the page
            unit = place_kinds.INLINE if offset in passage_starts[rid] else place_kinds.HEADING
            written = written_heading(texts[rid], offset, end, number, title)
            # an inline heading shares its passage's offset and sorts before it ("i" < "p")
            places[rid].append(_Place(offset, unit, ordinal, written, paths[sid][:-1], kind or ""))
        by_id = {row.report_id: row for row in report_rows}
        rows: list[literal.PassageRow] = []
        for rid in sorted(places):
            report = by_id[rid]
            for place in sorted(places[rid], key=lambda place: (place.offset, place.unit)):
                rows.append(literal.PassageRow(
                    gid=gid, report_id=rid, unit=place.unit, seq=place.seq, folded=fold_for_match(place.text),
                    text=place.text, heading=literal.heading_json(place.heading), section=place.section,
                    year=report.year, province=report.province, city=report.city, county=report.county,
                    township=report.township, doc_type=report.doc_type,
                ))
                gid += 1
        yield report_rows, rows


class _Place(NamedTuple):
    """A searchable text of a report before it gets its gid."""

    offset: int  # in the display text; -1 for the title, which precedes it
    unit: str
    seq: int
    text: str
    heading: list[str]
    section: str


def _whoosh_doc(row: literal.PassageRow) -> dict[str, object]:
    doc: dict[str, object] = {
        "gid": row.gid, "report_id": row.report_id, "unit": row.unit, "seq": row.seq, "heading": row.heading,
        "text": row.text,
    }
    for name in FACET_FIELDS:
        doc[name] = column_value(getattr(row, name))
    return doc
