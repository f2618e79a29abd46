"""The real corpus as an indexed archive, for the indexer's tests.

Preferred path: the lead's real pipeline (``archive.ingest.ingest_paths``) into a fresh instance
folder. If that pipeline cannot run in this tree (not merged yet, or failing), the store is filled
directly from the same files with ``archive.store.insert_report``: one passage per non-empty line,
metadata from the corpus label tables. The search engine only reads the store, so its guarantees
(exact literal matching, facets equal to the store) are tested the same way either way; the tests
compute every expectation from the store they run on.
"""

from __future__ import annotations

import csv
from pathlib import Path

from archive.config import ArchiveConfig
from archive.document import Metadata, ParsedPassage, ParsedReport, ParsedSection
from archive.store import insert_report, make_engine, make_session_factory

CORPUS = Path(__file__).resolve().parent / "corpus"
SEEDS = CORPUS / "seeds"
DEV = CORPUS / "dev"


def corpus_files() -> list[Path]:
    """Seed and dev report files (label tables and READMEs excluded)."""
    return sorted(SEEDS.glob("*.txt")) + sorted(DEV.glob("d*.txt"))


def _labels() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for table in (SEEDS / "labels.tsv", DEV / "INDEX.tsv"):
        with table.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                out[row["file"]] = row
    return out


def parse_simple(path: Path, labels: dict[str, str]) -> ParsedReport:
    """A ParsedReport with one passage per non-empty line (the fallback when ingest cannot run)."""
    text = path.read_text(encoding="utf-8")
    passages: list[ParsedPassage] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            passages.append(ParsedPassage(stripped, start, start + len(stripped)))
        offset += len(line)
    year = labels.get("report_year", "")
    meta = Metadata(
        title=text.strip().splitlines()[0][:60],
        township=labels.get("township", ""), county=labels.get("county", ""),
        city=labels.get("city", ""), province=labels.get("province", ""),
        year=int(year) if year.isdigit() else None, doc_type=labels.get("doc_type") or "其他",
    )
    section = ParsedSection("", "前言", "前言", 0, 0, len(text), passages=passages)
    return ParsedReport(text=text, metadata=meta, sections=[section])


def fill_store(
    config: ArchiveConfig, files: list[Path] | None = None, extra: list[ParsedReport] | None = None
) -> str:
    """Fill the store of ``config`` from the corpus; returns which path was used."""
    config.ensure_home()
    files = corpus_files() if files is None else files
    if not extra:
        try:
            from archive.ingest import ingest_paths
            from tests.conftest import sessions_of

            summary = ingest_paths(sessions_of(config), files, workers=1)
            if not summary.failures:
                return "ingest"
        except Exception:  # the pipeline is someone else's work in progress; fall back below
            pass
        for leftover in config.home.glob("archive.sqlite3*"):
            leftover.unlink()  # start the fallback from an empty store
    engine = make_engine(config.database_url)
    labels = _labels()
    with make_session_factory(engine)() as session:
        for path in files:
            insert_report(session, parse_simple(path, labels.get(path.name, {})))
        for parsed in extra or []:
            insert_report(session, parsed)
        session.commit()
    engine.dispose()
    return "direct"


def test_corpus_is_present() -> None:
    assert len(corpus_files()) >= 10
