"""``python -m bench.labels FOLDER...``: how much of a labelled corpus the parser reads right.

A labelled folder holds report files and a label table (``INDEX.tsv``, or ``labels.tsv`` as in
the seeds) with the columns of ``tests/corpus/web/INDEX.tsv``: the metadata a correct parser
must extract, an ``unknowable`` list of fields nothing in the text decides, and optionally the
page's published ``url`` (given to the parser as a sidecar would give it). The rules are those of
``tests/corpus/dev/README.md``: an empty cell is not scored (except in ``labels.tsv``, where an
empty ``issue_date`` means "not stated"); an unknowable field is right when empty or equal to
its label.

Why a script and not only the tests: the tests hold the shipped corpora to 100 %; this prints
the figures for any folder, including real reports kept outside the repository, so that a
rule's effect on reports it was not written on can be measured before and after a change. A
*wrong place* — a township, county, city or province filled with another value than the
label's — is counted apart: it is the one error a user must never see.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = ("township", "county", "city", "province", "report_year", "doc_type", "issue_date")
PLACE_FIELDS = ("township", "county", "city", "province")
INDEX_NAMES = ("INDEX.tsv", "labels.tsv")


@dataclass
class Score:
    """Right and scored cells per field, and the misses with what was read."""

    right: Counter = field(default_factory=Counter)
    scored: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)  # file, field, label, read
    wrong_places: list[tuple[str, str, str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of scored cells read right."""
        total = sum(self.scored.values())
        return sum(self.right.values()) / total if total else 1.0


def _index(folder: Path) -> Path:
    for name in INDEX_NAMES:
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"{folder}: no INDEX.tsv or labels.tsv")


def _read_value(metadata, name: str) -> str:
    if name == "report_year":
        return "" if metadata.year is None else str(metadata.year)
    return getattr(metadata, name) or ""


def score_folder(folder: Path) -> Score:
    """Parse every labelled file of ``folder`` and compare it with its labels."""
    from archive.describing.parse import parse_document
    from archive.describing.sidecar import load_overrides
    from archive.errors import UnreadableFile
    from archive.reading.readers import read_file

    index = _index(folder)
    every_cell_labelled = index.name == "labels.tsv"
    score = Score()
    with index.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in rows:
        path = folder / row["file"]
        try:
            _data, raw = read_file(path)
            overrides = load_overrides(path)
            if row.get("url") and "url" not in overrides:
                overrides["url"] = row["url"]
            metadata = parse_document(raw, overrides, filename=path.name).metadata
        except (UnreadableFile, OSError) as error:
            score.failed.append((row["file"], str(error)))
            continue
        unknowable = {name.strip() for name in (row.get("unknowable") or "").split(",") if name.strip()}
        for name in FIELDS:
            label = (row.get(name) or "").strip()
            if not (label or every_cell_labelled or name in unknowable):
                continue
            value = _read_value(metadata, name)
            score.scored[name] += 1
            right = value in ("", label) if name in unknowable else value == label
            if right:
                score.right[name] += 1
                continue
            score.misses.append((row["file"], name, label, value))
            if name in PLACE_FIELDS and value:
                score.wrong_places.append((row["file"], name, label, value))
    return score


def report(folder: Path, score: Score) -> str:
    """The folder's figures as text: accuracy per field, wrong places, every miss."""
    lines = [f"{folder}: {sum(score.right.values())}/{sum(score.scored.values())} fields right "
             f"({score.accuracy:.1%}), {len(score.wrong_places)} wrong places, "
             f"{len(score.failed)} unreadable"]
    for name in FIELDS:
        if score.scored[name]:
            lines.append(f"  {name:12} {score.right[name]:4}/{score.scored[name]:<4}")
    for file, name, label, value in score.wrong_places:
        lines.append(f"  WRONG PLACE {file} {name}: label {label!r}, read {value!r}")
    for file, name, label, value in score.misses:
        if (file, name, label, value) not in score.wrong_places:
            lines.append(f"  miss {file} {name}: label {label!r}, read {value!r}")
    for file, why in score.failed:
        lines.append(f"  unreadable {file}: {why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.labels", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="labelled folders (INDEX.tsv or labels.tsv)")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args(argv)
    scores = {folder: score_folder(folder) for folder in args.folders}
    if args.json:
        payload = {str(folder): {"right": sum(s.right.values()), "scored": sum(s.scored.values()),
                                 "wrong_places": s.wrong_places, "misses": s.misses, "failed": s.failed}
                   for folder, s in scores.items()}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    for folder, score in scores.items():
        print(report(folder, score))


if __name__ == "__main__":
    main()
