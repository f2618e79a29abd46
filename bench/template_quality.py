"""Template text against the hand-labelled sample: precision and recall, all and held out.

    .venv/bin/python -m bench.template_quality [--home DIR]

Ingests the shipped corpus (``data/reports``) into ``DIR`` (a temporary folder by default) and
builds the index, then compares the template sentences the index marks (``indexer.analysis.wording``)
with the labels of ``tests/corpus/template_labels.tsv`` (rule: ``tests/corpus/README.md``):
sentence by sentence, and paragraph by paragraph (a paragraph is template when every sentence
is), for every labelled report, for the reports parameters may be chosen on, and for the held-out
third (every third report by id). ``tests/test_templates.py`` asserts the figures through
``measure``. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "corpus" / "template_labels.tsv"
TEMPLATE = "通用表述"


@dataclass(frozen=True)
class Label:
    """One labelled sentence: ``report_id`` ¶ ``seq``, characters ``start:end``."""

    report_id: str
    seq: int
    start: int
    end: int
    template: bool
    opening: str


@dataclass(frozen=True)
class Figures:
    """Precision and recall of the template marks on one part of the sample."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        template = self.true_positives + self.false_negatives
        return self.true_positives / template if template else 0.0

    def __str__(self) -> str:
        return (f"precision {self.precision:.3f}  recall {self.recall:.3f}  ({self.true_positives} found, "
                f"{self.false_positives} wrongly, {self.false_negatives} missed)")


def labels() -> list[Label]:
    """The labelled sentences, in file order."""
    with LABELS.open(encoding="utf-8") as handle:
        return [Label(row["report_id"], int(row["seq"]), int(row["start"]), int(row["end"]),
                      row["label"] == TEMPLATE, row["opening"])
                for row in csv.DictReader(handle, delimiter="\t")]


def held_out(report_ids: set[str]) -> set[str]:
    """The held-out reports: every third one by id (the 3rd, 6th, …)."""
    return {rid for n, rid in enumerate(sorted(report_ids)) if n % 3 == 2}


def marked_sentences(conn: sqlite3.Connection) -> dict[tuple[str, int], set[tuple[int, int]]]:
    """The template sentences the index marks, by (report, ¶)."""
    from indexer.analysis import wording

    out: dict[tuple[str, int], set[tuple[int, int]]] = {}
    for report_id, seq, spans in conn.execute(
            "SELECT p.report_id, p.seq, w.spans FROM passage_wording w JOIN passages p ON p.gid = w.gid"):
        out[(report_id, seq)] = set(wording.decode(spans))
    return out


def _figures(pairs: list[tuple[bool, bool]]) -> Figures:
    """Figures of (gold, marked) pairs."""
    return Figures(sum(g and m for g, m in pairs), sum(m and not g for g, m in pairs),
                   sum(g and not m for g, m in pairs))


def measure(conn: sqlite3.Connection) -> dict[str, Figures]:
    """Sentence and paragraph figures on the whole sample, the tuning part and the held-out part."""
    sample = labels()
    marked = marked_sentences(conn)
    held = held_out({label.report_id for label in sample})
    parts = {"all": lambda rid: True, "tuning": lambda rid: rid not in held,
             "held-out": lambda rid: rid in held}
    sentence = [(label, label.template, (label.start, label.end) in marked.get(
                     (label.report_id, label.seq), ()))
                for label in sample]
    paragraphs: dict[tuple[str, int], list[tuple[bool, bool]]] = {}
    for label, gold, mark in sentence:
        paragraphs.setdefault((label.report_id, label.seq), []).append((gold, mark))
    out: dict[str, Figures] = {}
    for name, chosen in parts.items():
        out[f"sentences, {name}"] = _figures([(g, m) for label, g, m in sentence if chosen(label.report_id)])
        out[f"paragraphs, {name}"] = _figures([(all(g for g, _ in pairs), all(m for _, m in pairs))
                                               for (rid, _seq), pairs in paragraphs.items() if chosen(rid)])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.template_quality")
    parser.add_argument("--home", type=Path, default=None, help="instance folder (default: a temporary one)")
    args = parser.parse_args(argv)

    from indexer.index import literal
    from indexer.index.generation import LITERAL_DB, current_generation

    from .project import shipped_archive

    with shipped_archive(args.home) as archive:
        conn = literal.connect(current_generation(archive.config.index_dir) / LITERAL_DB)
        sample = labels()
        print(f"{len(sample)} labelled sentences of {len({label.report_id for label in sample})} reports, "
              f"{sum(label.template for label in sample)} {TEMPLATE}; held out: "
              f"{len(held_out({label.report_id for label in sample}))} reports")
        for name, figures in measure(conn).items():
            print(f"{name:24s} {figures}")
        conn.close()


if __name__ == "__main__":
    main()
