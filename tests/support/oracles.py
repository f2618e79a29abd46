"""Oracles for exact search: what the store says a search must find, read with SQLAlchemy and
matched with Python's ``in`` on ``fold_for_match`` text — never through the index.

``Oracle`` holds every passage; ``Places`` every searchable place (titles, headings, passages),
which is what a search total counts. Both compute the expectation from the store the test runs
on, so a test never writes an answer down.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from archive.describing.header import analyse_header, split_lines
from archive.normalize import fold_for_match
from archive.store.changes import make_session_factory
from archive.store.db import Passage, Report, SourceFile, make_engine
from indexer.analysis.tokenizer import user_words
from indexer.service import SearchService

from .paths import SEEDS_DIR

Key = tuple[str, int]  # (report id, seq)
PlaceKey = tuple[str, str, int]  # (report id, "title" | "heading" | "passage", seq or ordinal)


class Oracle:
    """All passages of the store, folded, with their report metadata."""

    def __init__(self, config) -> None:
        engine = make_engine(config.database_url)
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(Passage.report_id, Passage.seq, Passage.text, Passage.section_kind,
                       Report.year, Report.province, Report.city, Report.county, Report.township,
                       Report.doc_type).join(Report, Report.id == Passage.report_id)
            ).all()
            seed_texts = {path.read_text(encoding="utf-8") for path in SEEDS_DIR.glob("*.txt")}
            self.seed_reports = {
                report.id for report in session.scalars(select(Report))
                if report.text in seed_texts
                or any(Path(f.path).resolve().parent == SEEDS_DIR.resolve() for f in report.source_files)
            }
        engine.dispose()
        self.folded: dict[Key, str] = {(r[0], r[1]): fold_for_match(r[2]) for r in rows}
        self.text: dict[Key, str] = {(r[0], r[1]): r[2] for r in rows}
        self.meta: dict[Key, dict[str, str]] = {
            (r[0], r[1]): {
                "section": r[3], "year": str(r[4]) if r[4] is not None else "", "province": r[5],
                "city": r[6], "county": r[7], "township": r[8], "doc_type": r[9],
            }
            for r in rows
        }

    def containing(self, *words: str) -> set[Key]:
        folded = [fold_for_match(word) for word in words]
        return {key for key, text in self.folded.items() if all(word in text for word in folded)}


def found(service: SearchService, query: str, **filters) -> set[Key]:
    """The passages the index finds for ``query``: what is compared with ``Oracle.containing``."""
    return set(service.passage_ids(query, filters or None))


def generated_queries(oracle: Oracle, count: int = 300, seed: int = 20240601) -> list[str]:
    """The analyser's own words, then ``count`` seeded random cuts (1–12 characters) of passages."""
    rng = random.Random(seed)
    keys = sorted(oracle.text)
    queries = [word for word, _freq in user_words()]
    while len(queries) < len(user_words()) + count:
        text = oracle.text[rng.choice(keys)]
        length = rng.randint(1, 12)
        if len(text) < length:
            continue
        start = rng.randrange(0, len(text) - length + 1)
        piece = text[start:start + length]
        if piece.strip() and '"' not in piece and "”" not in piece:
            queries.append(piece)
    return queries


@dataclass(frozen=True)
class Place:
    """One searchable text of a report, as the oracle sees it."""

    key: PlaceKey
    text: str
    section: str
    inline: bool  # a heading sentence inside its paragraph (found as the paragraph)

    @property
    def folded(self) -> str:
        return fold_for_match(self.text)


class Places:
    """Every title, heading and passage of the store, with the file each report came from."""

    def __init__(self, config) -> None:
        engine = make_engine(config.database_url)
        self.places: list[Place] = []
        self.files: dict[str, set[str]] = {}  # report id → names of the files that hold it
        self.texts: dict[str, str] = {}
        facets: dict[str, dict[str, str]] = {}
        with make_session_factory(engine)() as session:
            for report in session.scalars(select(Report)):
                self.texts[report.id] = report.text
                facets[report.id] = {
                    "year": str(report.year or ""), "province": report.province, "city": report.city,
                    "county": report.county, "township": report.township, "doc_type": report.doc_type,
                }
                starts = {p.start for p in report.passages}
                if report.title and not report.title_supplied:  # a supplied [label] is not the text's
                    self.places.append(Place((report.id, "title", 0), report.title, "", False))
                for section in report.sections:
                    if section.number:
                        self.places.append(Place((report.id, "heading", section.ordinal),
                                                 section.written(report.text), section.kind,
                                                 section.start in starts))
            for rid, seq, text, kind in session.execute(
                select(Passage.report_id, Passage.seq, Passage.text, Passage.section_kind)
            ):
                self.places.append(Place((rid, "passage", seq), text, kind, False))
            for rid, path in session.execute(select(SourceFile.report_id, SourceFile.path)):
                self.files.setdefault(rid, set()).add(Path(path).name)
        engine.dispose()
        self.bodies = {rid: _body(text) for rid, text in self.texts.items()}
        # facet values of each place: its report's, and its own section kind
        self.meta = {place.key: {**facets[place.key[0]], "section": place.section} for place in self.places}

    def matching(self, words: list[str], without: list[str] = (), scope: str | None = None) -> set[PlaceKey]:
        """Places holding every word and none of ``without``: plain search (inline headings are
        found as their paragraph), or only titles / only headings (inline ones included)."""
        words = [fold_for_match(w) for w in words]
        without = [fold_for_match(w) for w in without]
        return {
            place.key for place in self.places
            if (place.key[1] == scope if scope else not place.inline)
            and all(w in place.folded for w in words) and not any(w in place.folded for w in without)
        }


def _body(text: str) -> str:
    """``text`` below its header, folded, line by line (a phrase never spans two lines)."""
    skipped = analyse_header(text).skipped
    return "\n".join(fold_for_match(line.text) for line in split_lines(text) if line.start not in skipped)
