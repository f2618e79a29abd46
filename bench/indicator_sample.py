"""The indicator extractor against the hand-labelled sample: ``python -m bench.indicator_sample``.

Ingests the shipped reports (``data/reports``) into a temporary archive through the real
pipeline, reads the indicator table of its index (``indexer.index.indicator_table``) and compares it
with ``tests/corpus/indicator_labels.tsv`` (the rule: ``tests/corpus/README.md``). It prints
every figure found with how it was read, the misses, the figures kept apart, and precision,
recall and the fields of the figures found that are right. ``tests/test_indicators.py`` asserts
the same scoring.

A figure found *matches* a label when it is in the same passage, overlaps the labelled figure
and has its measure; it is then *right* when value, unit, approximation, result/target and
period are the label's too. Figures kept apart (unsure) count neither way: a labelled figure
found only as unsure is a miss. A label of measure ``?`` (not decidable) must not be found.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.store.db import Report, SourceFile
from indexer.analysis.indicators import Figure

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "corpus" / "indicator_labels.tsv"
REPORTS = REPO / "data" / "reports"
UNDECIDABLE = "?"


@dataclass(frozen=True)
class Label:
    """One row of the labelled sample."""

    file: str
    quote: str
    figure: str
    measure: str
    value: float
    unit: str
    approx: str
    kind: str
    period: str  # "" for the report's own year, else "first-last"


@dataclass(frozen=True)
class Located:
    """A label found in its report: passage ¶ ``seq`` holds the figure at ``start:end``."""

    label: Label
    report_id: str
    seq: int
    start: int
    end: int
    year: int | None


@dataclass
class Score:
    """The comparison of the table with the labels."""

    labelled: list[Located] = field(default_factory=list)
    matched: list[tuple[Located, Figure]] = field(default_factory=list)
    false_positives: list[Figure] = field(default_factory=list)
    misses: list[Located] = field(default_factory=list)
    wrong: list[tuple[str, tuple, tuple]] = field(default_factory=list)  # (figure, expected, got)
    undecidable_given: list[Figure] = field(default_factory=list)
    unsure: list[Figure] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = len(self.matched) + len(self.false_positives)
        return len(self.matched) / found if found else 0.0

    @property
    def recall(self) -> float:
        return len(self.matched) / len(self.labelled) if self.labelled else 0.0


def load_labels(path: Path = LABELS) -> list[Label]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [Label(**{**row, "value": float(row["value"])}) for row in rows]


def locate(labels: list[Label], sessions: sessionmaker[Session]) -> list[Located]:
    """Each label's report (by its file name) and passage; a quote must be in exactly one passage."""
    out: list[Located] = []
    with sessions() as session:
        ids = dict(session.execute(select(SourceFile.filename, SourceFile.report_id)).all())
        for label in labels:
            report = session.get(Report, ids[label.file])
            assert report is not None, label.file
            holding = [p for p in report.passages if label.quote in p.text]
            assert len(holding) == 1 and holding[0].text.count(label.quote) == 1, label.quote
            passage = holding[0]
            end = passage.text.index(label.quote) + len(label.quote)
            out.append(Located(label, report.id, passage.seq, end - len(label.figure), end, report.year))
    return out


def score(located: list[Located], figures: list[Figure], unsure: list[Figure]) -> Score:
    """Compare the table's figures (and those kept apart) with the located labels."""
    result = Score(labelled=[item for item in located if item.label.measure != UNDECIDABLE], unsure=unsure)
    undecidable = [item for item in located if item.label.measure == UNDECIDABLE]
    found: set[int] = set()
    for figure in figures:
        if any(_overlaps(item, figure) for item in undecidable):
            result.undecidable_given.append(figure)
            continue
        label = next((item for item in result.labelled if _overlaps(item, figure)), None)
        if label is None or label.label.measure != figure.measure:
            result.false_positives.append(figure)
            continue
        found.add(id(label))
        result.matched.append((label, figure))
        expected = (label.label.value, label.label.unit, label.label.approx, label.label.kind,
                    label.label.period or str(label.year))
        got = (figure.value, figure.unit, figure.approx, figure.kind, period_text(figure))
        if expected != got:
            result.wrong.append((figure.text, expected, got))
    result.misses = [item for item in result.labelled if id(item) not in found]
    return result


def _overlaps(item: Located, figure: Figure) -> bool:
    return (item.report_id, item.seq) == (figure.report_id, figure.seq) and \
        item.start < figure.end and figure.start < item.end


def period_text(figure: Figure) -> str:
    """``2024`` or ``2023-2024`` (the labels' form); "" when unknown."""
    if figure.period is None:
        return ""
    first, last = figure.period
    return str(first) if first == last else f"{first}-{last}"


def main() -> None:
    from indexer.index.indicator_table import table
    from tests.support.archives import build_archive, sessions_of
    from tests.support.paths import corpus_files

    with tempfile.TemporaryDirectory(prefix="fazhi-indicators-") as home:
        config = build_archive(Path(home), corpus_files())
        located = locate(load_labels(), sessions_of(config))
        found = table(config)
        assert found is not None
        result = score(located, found.figures(), found.figures(sure=False))
    print("报告 ¶  原文  →  指标  数值 单位 约数 结果/目标 时期")
    for _label, figure in result.matched:
        print(f"{figure.report_id} ¶{figure.seq:<3} {figure.text:10} → {figure.measure} {figure.number} "
              f"{figure.unit} {figure.approx or '-'} {figure.kind} {period_text(figure)}")
    for figure in result.false_positives:
        print(f"FALSE  {figure.report_id} ¶{figure.seq} {figure.text} → {figure.measure}")
    for item in result.misses:
        print(f"MISSED {item.label.file} {item.label.quote} ({item.label.measure})")
    for figure in result.unsure:
        print(f"APART  {figure.report_id} ¶{figure.seq} {figure.text}: {figure.unsure}")
    for text, expected, got in result.wrong:
        print(f"WRONG  {text}: expected {expected}, got {got}")
    reports = len({item.report_id for item in result.labelled})
    print(f"\nlabelled figures {len(result.labelled)} in {reports} reports; found {len(result.matched)} "
          f"right measure, {len(result.false_positives)} false, {len(result.misses)} missed, "
          f"{len(result.unsure)} kept apart")
    right = len(result.matched) - len(result.wrong)
    print(f"precision {result.precision:.3f}  recall {result.recall:.3f}  "
          f"value/unit/kind/period right {right}/{len(result.matched)}")


if __name__ == "__main__":
    main()
