"""The SQLAlchemy store: reports, their sections and passages, source files and ingest runs.

SQLite (in the instance folder) by default, any SQLAlchemy URL by configuration. Everything a
reader needs is here; the search index is derived from it and can always be rebuilt.
Every table is declared here, on one ``Base``, so ``make_engine`` creates them all. Sessions,
which record every change for the other nodes' indexes, come from ``archive.store.changes``; a parsed
report becomes rows in ``archive.store.report_rows``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from archive import fields as registry
from archive.document import ParsedSection


def utcnow() -> datetime:
    """Timezone-aware now, so stored times are unambiguous."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base for all tables of the archive."""


class Report(Base):
    """One report: metadata, display text and where it came from."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(Text, default="")
    township: Mapped[str] = mapped_column(String(64), default="", index=True)
    county: Mapped[str] = mapped_column(String(64), default="", index=True)
    city: Mapped[str] = mapped_column(String(64), default="", index=True)
    province: Mapped[str] = mapped_column(String(64), default="", index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    doc_type: Mapped[str] = mapped_column(String(16), default="其他", index=True)
    issue_date: Mapped[str] = mapped_column(String(10), default="")
    # The document has no title of its own: ``title`` is the archive's label, in [brackets].
    title_supplied: Mapped[bool] = mapped_column(Boolean, default=False)
    # Nothing names the issuer: ``issuer`` is the archive's inference, in [brackets].
    author_supplied: Mapped[bool] = mapped_column(Boolean, default=False)
    # The page's record (发布机构, 成文日期, 发布日期, 索引号, 发文字号) as the site gives it.
    page_fields: Mapped[dict] = mapped_column(JSON, default=dict)
    # Where the document was published and when it was fetched (Metadata.source_url/retrieved).
    source_url: Mapped[str] = mapped_column(Text, default="")
    retrieved: Mapped[str] = mapped_column(String(32), default="")
    # The archive holds only part of the document (Metadata.excerpt).
    excerpt: Mapped[bool] = mapped_column(Boolean, default=False)
    division_code: Mapped[str] = mapped_column(String(12), default="")
    provenance: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Section.ordinal"
    )
    passages: Mapped[list[Passage]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Passage.seq"
    )
    source_files: Mapped[list[SourceFile]] = relationship(back_populates="report")

    def metadata_dict(self) -> dict:
        """The public metadata, in the order of the JSON wire form (``show --json`` and the API keep
        it; ``tests/test_fields.py`` checks it holds the registry's JSON fields)."""
        return {
            "report_id": self.id,
            "title": self.title,
            "issuer": self.issuer,
            "township": self.township,
            "county": self.county,
            "city": self.city,
            "province": self.province,
            "year": self.year,
            "doc_type": self.doc_type,
            "issue_date": self.issue_date,
            "title_supplied": bool(self.title_supplied),
            "author_supplied": bool(self.author_supplied),
            "page_fields": dict(self.page_fields or {}),
            "source_url": self.source_url or "",
            "retrieved": self.retrieved or "",
            "excerpt": bool(self.excerpt),
        }


class Section(Base):
    """A heading of a report; ``parent_id`` builds the tree, ``ordinal`` keeps document order."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), nullable=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # End of the heading as written (``ParsedSection.heading_end``): ``text[start:heading_end]`` is
    # what the reader shows and search finds; 0 in stores written before it was recorded.
    heading_end: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    report: Mapped[Report] = relationship(back_populates="sections")

    def written(self, text: str) -> str:
        """The heading as the file writes it (number, title and its full stop), from ``text``."""
        return written_heading(text, self.start, self.heading_end, self.number, self.title)


class Passage(Base):
    """A paragraph of the source: the unit searched, shown and cited (¶ ``seq``).

    ``seq`` is 1-based within the report and is what permalinks use (``#p-<seq>``).
    ``heading_path`` lists the titles of the enclosing headings, outermost first.
    """

    __tablename__ = "passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), nullable=True)
    section_kind: Mapped[str] = mapped_column(String(16), index=True)
    heading_path: Mapped[list] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(16), default="paragraph")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="passages")


class SourceFile(Base):
    """An ingested file, kept byte for byte so users can download exactly what was read.

    ``path`` identifies "the same file" across ingests; ``fingerprint`` covers the bytes and
    any sidecar metadata, so an unchanged file is skipped and a changed one replaces its report.
    """

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text, unique=True)
    filename: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(128))
    encoding: Mapped[str] = mapped_column(String(32), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    report_id: Mapped[str | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), nullable=True, index=True
    )
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report | None] = relationship(back_populates="source_files")


class ReportAlias(Base):
    """Old report id → current id, written when a changed file replaces its report."""

    __tablename__ = "report_aliases"

    old_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(32), index=True)


class Correction(Base):
    """A person's correction of one metadata field: kept apart from the parsed values so that
    re-ingesting or rebuilding never loses it (``archive.store.corrections`` applies the latest one
    per field after every parse), with when and why for the provenance."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(String(32), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IngestRun(Base):
    """One ``ingest`` invocation: its counts and the per-file failures it reported."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    failures: Mapped[list] = mapped_column(JSON, default=list)


class Change(Base):
    """One entry of the change sequence: a report was ingested, corrected or deleted.

    Written in the transaction that makes the change (``archive.store.changes.record_changes``), so
    every node's index can follow the store by applying the changes after the last ``seq`` it
    applied (``indexer.index.recovery.catch_up``). Kinds are informational: applying a change re-reads the
    report, and a report the store no longer holds leaves the index.
    """

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # "ingested" | "corrected" | "deleted"
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets gunicorn readers go on while one writer ingests; foreign keys enforce cascades.

    ``synchronous=NORMAL`` is SQLite's recommended setting with WAL: a commit no longer waits
    for an fsync (only checkpoints do), which was a fixed cost per ingested file (one
    transaction each); the database stays consistent after a crash or power loss, at worst
    losing the last commits, which a re-run of the idempotent ingest redoes.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Engine for ``url`` with the pragmas SQLite needs for concurrent use; creates tables.

    Called once per process, by ``fazhi.operations.Archive`` (tests and tools may make more).
    """
    engine = create_engine(url, json_serializer=lambda obj: json.dumps(obj, ensure_ascii=False))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


# Columns added after the first release: (table, column, DDL type with default). ``create_all``
# does not alter existing tables, and an older store must keep opening.
ADDED_COLUMNS = (
    ("sections", "heading_end", "INTEGER NOT NULL DEFAULT 0"),
    ("reports", "title_supplied", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("reports", "page_fields", "JSON NOT NULL DEFAULT '{}'"),
    ("reports", "source_url", "TEXT NOT NULL DEFAULT ''"),
    ("reports", "retrieved", "VARCHAR(32) NOT NULL DEFAULT ''"),
    ("reports", "excerpt", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("reports", "author_supplied", "BOOLEAN NOT NULL DEFAULT FALSE"),
)


def _add_missing_columns(engine: Engine) -> None:
    """Add ``ADDED_COLUMNS`` missing from an existing store (SQLite and PostgreSQL alike)."""
    inspector = inspect(engine)
    for table, column, ddl in ADDED_COLUMNS:
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            with engine.begin() as conn:
                conn.execute(sql_text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))


def heading_label(section: ParsedSection | Section) -> str:
    """How a heading reads in a path: its number as written, then its title."""
    return heading_label_of(section.number, section.title)


def heading_label_of(number: str, title: str) -> str:
    """``heading_label`` from the two columns (for code reading rows rather than objects)."""
    return f"{number}{title}" if number else title


def written_heading(text: str, start: int, heading_end: int, number: str, title: str) -> str:
    """The heading as written in the report ``text`` (what the reader shows and search finds);
    its label when the store predates ``Section.heading_end``."""
    if heading_end > start:
        return text[start:heading_end]
    return heading_label_of(number, title)


Section.parent = relationship(Section, remote_side=[Section.id], backref="children")  # type: ignore[attr-defined]
Passage.section = relationship(Section)  # type: ignore[attr-defined]


def get_report(session: Session, report_id: str) -> Report | None:
    """A report by id, following aliases left by replaced versions."""
    report = session.get(Report, report_id)
    if report is None:
        alias = session.get(ReportAlias, report_id)
        if alias is not None:
            report = session.get(Report, alias.new_id)
    return report


def report_order(sort: str) -> list:
    """``ORDER BY`` clauses listing reports by ``sort`` (``archive.fields.sort_columns``), id last."""
    clauses = []
    for name, descending in registry.sort_columns(sort):
        column = getattr(Report, name)
        clauses.append(column.desc() if descending else column)
    return [*clauses, Report.id]


def all_reports(session: Session) -> list[Report]:
    """Every report, newest year first, then by place."""
    stmt = select(Report).order_by(*report_order("year"))
    return list(session.scalars(stmt))

