"""Review and correct: the reports whose metadata is empty, uncertain or supplied, and corrections
that last.

Review shows every doubt the archive has, each of one ``kind`` (``REVIEW_KINDS``): a field left
empty because the clues do not decide it or contradict each other (its provenance says which, e.g.
同名乡镇全国有 7 处…), a field nothing in the text gives, a title or an author the archive supplied
in [brackets], a value read but unconfirmed (a type no rule knows, a place as written, a county
only the published address chose), and every report the archive holds only an excerpt of.

A correction is stored as a ``Correction`` row (field, value, time, reason), never only on the
report: a report row is rewritten whenever its file is re-ingested (a new parser, a changed
file) and the search index is rebuilt from the store. ``apply_corrections`` is therefore called
after every parse that reaches the store, and ``archive.store.ingest`` moves corrections along when a
changed file replaces its report, so a correction survives re-ingest and rebuild alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive.describing.issuer import supply_author
from archive.describing.metadata import supplied_title
from archive.describing.sidecar import validated_fields
from archive.document import (
    PROV_ADDRESS,
    PROV_CORRECTED,
    PROV_SIDECAR,
    PROV_TYPE_OPENING_OTHER,
    PROV_TYPE_TITLE_OTHER,
)
from archive.errors import ReportNotFound
from archive.fields import PLACE_COLUMNS, REVIEW, columns

from .db import Correction, Report, all_reports, get_report, utcnow

# What review looks at, and the provenance words that mark a filled value as uncertain.
REVIEWED_FIELDS = columns(REVIEW)
# The note on a place recorded as written where today's table has it elsewhere (archive.describing.places).
AS_WRITTEN_MARK = "按原文记录"
CORRECTED_PREFIX = PROV_CORRECTED.split("（")[0]
# A county chosen by the published address alone (the weak clue), not by the text.
ADDRESS_PREFIX = PROV_ADDRESS.split("{")[0]
# Kind of doubt → its label for people (the CLI's summary), in the order the summary counts them.
REVIEW_KINDS = {
    "undecided": "线索不足或矛盾，留空",
    "empty": "空",
    "supplied": "本库拟定",
    "uncertain": "待确认",
    "excerpt": "节选",
}
EXCERPT_WHY = "本库只收录了原文的一部分（节选），段落编号按所收部分计"


@dataclass
class ReviewItem:
    """One field of one report a person should look at, and why."""

    report_id: str
    title: str
    field: str  # a reviewed field (``REVIEWED_FIELDS``), or "excerpt"
    value: str
    why: str
    kind: str  # one of ``REVIEW_KINDS``

    def as_dict(self) -> dict[str, str]:
        """The JSON shape (``archive review --json``, ``GET /admin/review``)."""
        return asdict(self)


def correct(session: Session, report_id: str, changes: dict[str, str], reason: str) -> Report:
    """Record ``changes`` (field → value) for the report and apply them; the caller commits
    and refreshes the index. Unknown report: ``ReportNotFound``; a bad field or value:
    ``UnreadableFile`` (the sidecar rules)."""
    report = get_report(session, report_id)
    if report is None:
        raise ReportNotFound(f"没有编号为 {report_id} 的报告")
    values = validated_fields(changes, "更正")
    now = utcnow()
    for field, value in values.items():
        session.add(Correction(report_id=report.id, field=field, value=value, reason=reason.strip(),
                               corrected_at=now))
    session.flush()
    apply_corrections(session, report)
    return report


def apply_corrections(session: Session, report: Report) -> None:
    """Put the latest correction of each field on ``report``, saying so in its provenance."""
    rows = session.scalars(select(Correction).where(Correction.report_id == report.id)
                           .order_by(Correction.corrected_at, Correction.id))
    latest = {row.field: row for row in rows}
    provenance = dict(report.provenance or {})
    for field, row in latest.items():
        if field == "year":
            report.year = int(row.value) if row.value else None
        else:
            setattr(report, field, row.value)
        if field == "title":
            report.title_supplied = not row.value
            if not row.value:
                report.title = supplied_title(report)
        if field == "issuer":
            report.author_supplied = False  # a person's word; emptied, the supplied one returns below
        provenance[field] = PROV_CORRECTED.format(row.corrected_at.date().isoformat(), row.reason or "未说明")
    if latest:
        report.provenance = provenance
    if latest.keys() & {"issuer", *PLACE_COLUMNS}:
        supply_author(report)  # a supplied author follows a corrected place


def carry_corrections(session: Session, old_id: str, new_id: str) -> None:
    """A changed file replaced report ``old_id`` with ``new_id``: its corrections follow it."""
    session.execute(update(Correction).where(Correction.report_id == old_id).values(report_id=new_id))


def review(session: Session) -> list[ReviewItem]:
    """Every doubt about every report (see the module docstring), with the reason the archive has."""
    items: list[ReviewItem] = []
    for report in all_reports(session):
        for field in REVIEWED_FIELDS:
            kind, why = _why_to_review(report, field)
            if why:
                value = getattr(report, field)
                shown = "" if value is None else str(value)
                items.append(ReviewItem(report.id, report.title, field, shown, why, kind))
        if report.excerpt:
            source = (report.provenance or {}).get("excerpt", PROV_SIDECAR)
            items.append(ReviewItem(report.id, report.title, "excerpt", "是", f"{source}：{EXCERPT_WHY}",
                                    "excerpt"))
    return items


def _why_to_review(report: Report, field: str) -> tuple[str, str]:
    """(kind, why) when ``field`` of ``report`` needs a person, ("", "") when it does not: left
    empty by undecided or contradicting clues, not found, supplied by the archive (a title or an
    author), a type no rule recognised, or a place the gazetteer could not confirm."""
    provenance = report.provenance or {}
    why = provenance.get(field, "")
    if why.startswith(CORRECTED_PREFIX):
        return "", ""
    if field == "title":
        return ("supplied", why) if report.title_supplied else ("", "")
    if field == "issuer" and report.author_supplied:
        return "supplied", why
    if field == "doc_type":
        return ("uncertain", why) if why in (PROV_TYPE_OPENING_OTHER, PROV_TYPE_TITLE_OTHER) else ("", "")
    if getattr(report, field) in (None, ""):
        # An empty upper level is explained by the county's provenance (同名乡镇全国有 7 处…).
        reason = why or (provenance.get("county", "") if field in ("city", "province") else "")
        return ("undecided", reason) if reason else ("empty", "文中未找到")
    if field == "county":
        if why.startswith(ADDRESS_PREFIX):
            return "uncertain", why
        note = next((note for note in report.notes or [] if AS_WRITTEN_MARK in note), "")
        return ("uncertain", note) if note else ("", "")
    return "", ""


def review_counts(items: list[ReviewItem]) -> dict[str, int]:
    """How many items of each kind (every kind present, zeros included): exact, for the summary."""
    return {kind: sum(item.kind == kind for item in items) for kind in REVIEW_KINDS}
