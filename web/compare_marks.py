"""What the comparison marks in each column: the query's hits, and wording the reports share.

Why a module of its own: the comparison's columns scroll apart, so a hit or a copied clause is
only seen if the page says where it is. Each column gets its hits in reading order (row by row,
as the page lists them) with an id per hit for "第 k / n 处" and its previous/next links, and each
paragraph's clauses that another compared report also has (``indexer.analysis.shared``) are wrapped with
a note naming those reports by their column name (甲 乙 丙 丁); the rest is the township's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from archive.errors import ArchiveError
from archive.store.db import Passage, Report
from indexer.analysis.shared import ComparedClause
from indexer.results.snippets import match_spans

from .highlight import highlight
from .services import search_service

COLUMN_NAMES = "甲乙丙丁"  # one per compared report, in the order asked
SHARED_CLASS = "shared"


@dataclass
class Column:
    """One compared report's column: its name, hits (paragraph seq → hit number, anchors in
    order) and how many of its clauses another compared report shares, and how many it has."""

    name: str
    hit_number: dict[int, int] = field(default_factory=dict)
    anchors: list[str] = field(default_factory=list)
    shared: int = 0
    clauses: int = 0

    @property
    def own(self) -> int:
        """Clauses no other compared report has: the township's own wording."""
        return self.clauses - self.shared

    @property
    def prefix(self) -> str:
        """The id prefix of this column's paragraphs (``macros.passage`` id_prefix)."""
        return f"c{COLUMN_NAMES.index(self.name) + 1}-"


def columns(reports: Sequence[Report], rows: list[tuple[str, list[list[Passage]]]], terms: list[str],
            clauses: dict[str, list[ComparedClause]]) -> list[Column]:
    """The columns of ``reports`` laid out in ``rows`` (kind, one cell per report)."""
    out = [Column(COLUMN_NAMES[i]) for i in range(len(reports))]
    for _kind, cells in rows:
        for column, cell in zip(out, cells, strict=True):
            for passage in cell:
                if terms and match_spans(passage.text, terms):
                    column.hit_number[passage.seq] = len(column.anchors) + 1
                    column.anchors.append(f"{column.prefix}p-{passage.seq}")
    for column, report in zip(out, reports, strict=True):
        found = clauses.get(report.id, [])
        column.clauses = len(found)
        column.shared = sum(1 for clause in found if clause.shared_with)
    return out


def compared(report_ids: Sequence[str]) -> dict[str, list[ComparedClause]]:
    """The compared reports' clauses from the index; none when it cannot answer (the comparison
    must still work without its marks)."""
    try:
        return search_service().compared_clauses(report_ids)
    except ArchiveError:
        return {}


def markers(reports: Sequence[Report], terms: list[str],
            clauses: dict[str, list[ComparedClause]]) -> list[Callable[[str], Markup]]:
    """Per report, the ``mark`` its paragraphs are rendered with: the query's words marked, the
    clauses another compared report shares wrapped and followed by "同乙、丙"."""
    names = {report.id: COLUMN_NAMES[i] for i, report in enumerate(reports)}
    out: list[Callable[[str], Markup]] = []
    for report in reports:
        by_seq: dict[int, list[tuple[int, int, Markup]]] = {}
        for clause in clauses.get(report.id, []):
            if clause.shared_with:
                note = Markup('<span class="shared-note">同{}</span>').format(
                    "、".join(names[other] for other in clause.shared_with))
                by_seq.setdefault(clause.seq, []).append((clause.start, clause.end, note))
        by_text = {p.text: by_seq[p.seq] for p in report.passages if p.seq in by_seq}
        out.append(lambda text, *lead, spans=by_text: highlight(
            text, terms, *lead, muted=spans.get(text, ()), muted_class=SHARED_CLASS))
    return out
