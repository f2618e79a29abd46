"""The bulk write path of ingest (``report_rows.insert_report``) stores exactly what an ORM graph of
the same rows (``_orm_graph``, the write path it replaced) stores, on every shipped report: same
reports, same section tree, same passages in the same id order. And the ``str.translate`` fold
equals ``fold_char`` per character on every shipped and dev text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from archive.describing.parse import parse_file
from archive.normalize import fold_char, fold_for_match
from archive.store.changes import make_session_factory
from archive.store.db import Passage, Report, Section, make_engine
from archive.store.report_rows import insert_report, new_report, report_rows
from tests.support.archives import make_config
from tests.support.paths import DEV_DIR, corpus_files


def _orm_graph(parsed) -> Report:
    """The report as ORM objects (sections linked to parents, passages to sections), for the
    unit of work to write: the reference the bulk path is compared with."""
    report = new_report(parsed)
    section_rows, passage_rows = report_rows(parsed)
    sections: list[Section] = []
    for row in section_rows:
        section = Section(**row.columns)
        if row.parent is not None:
            section.parent = sections[row.parent]
        sections.append(section)
        report.sections.append(section)
    for index, columns in passage_rows:
        passage = Passage(**columns)
        passage.section = sections[index]
        report.passages.append(passage)
    return report


def store_rows(url: str) -> dict[str, list[tuple]]:
    """Every stored column of reports, sections and passages, with ids replaced by what they point
    at (a section's parent and a passage's section by ordinal), and passages in id order."""
    parent = aliased(Section)
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        reports = sorted(tuple(row) for row in session.execute(select(
            Report.id, Report.title, Report.township, Report.county, Report.year, Report.doc_type,
            Report.provenance, Report.notes, Report.page_fields, Report.text)))
        sections = sorted(tuple(row) for row in session.execute(
            select(Section.report_id, Section.ordinal, Section.level, Section.number, Section.title,
                   Section.kind, Section.start, Section.end, Section.heading_end, parent.ordinal)
            .outerjoin(parent, parent.id == Section.parent_id)))
        passages = [tuple(row) for row in session.execute(
            select(Passage.report_id, Passage.seq, Passage.section_kind, Passage.heading_path, Passage.kind,
                   Passage.start, Passage.end, Passage.text, Section.ordinal)
            .join(Section, Section.id == Passage.section_id).order_by(Passage.id))]
    return {"reports": reports, "sections": sections, "passages": passages}


@pytest.mark.slow  # parses every shipped report and stores them twice
def test_bulk_insert_stores_what_the_orm_graph_stores(tmp_path: Path) -> None:
    parsed = [parse_file(path)[2] for path in corpus_files()]
    urls = []
    for name, write in (("orm", lambda session, report: session.add(_orm_graph(report))),
                        ("bulk", insert_report)):
        config = make_config(tmp_path / name)
        factory = make_session_factory(make_engine(config.database_url))
        for report in parsed:
            with factory.begin() as session:
                write(session, report)
        urls.append(config.database_url)
    orm, bulk = (store_rows(url) for url in urls)
    assert len(orm["reports"]) == len(parsed) and len(orm["passages"]) > 4 * len(parsed)
    assert any(row[-1] is not None for row in orm["sections"])  # nested headings are covered
    assert bulk == orm


def test_translate_fold_is_fold_char_per_character() -> None:
    for path in [*corpus_files(), *sorted(DEV_DIR.glob("*.txt"))]:
        text = path.read_text(encoding="utf-8")
        assert fold_for_match(text) == "".join(map(fold_char, text)), path.name
