"""Small stores for the indexer's tests: the seed and dev corpora, or reports whose every sentence
the test wrote, put in the store and indexed without the web app.

``fill_store``'s preferred path is the real pipeline (``archive.store.ingest.ingest_paths``) into a
fresh instance folder. If that pipeline cannot run on the files, the store is filled directly
from the same files with ``archive.store.report_rows.insert_report``: one passage per non-empty line,
metadata from the corpus label tables. The search engine only reads the store, so its guarantees
(exact literal matching, facets equal to the store) are tested the same way either way; the tests
compute every expectation from the store they run on.
"""

from __future__ import annotations

import csv
from pathlib import Path

from archive.config import ArchiveConfig
from archive.document import Metadata, ParsedPassage, ParsedReport, ParsedSection
from archive.store.changes import make_session_factory
from archive.store.db import make_engine
from archive.store.report_rows import insert_report

from .archives import sessions_of
from .paths import DEV_DIR, SEEDS_DIR


def seed_and_dev_files() -> list[Path]:
    """Seed and dev report files (label tables and READMEs excluded)."""
    return sorted(SEEDS_DIR.glob("*.txt")) + sorted(DEV_DIR.glob("d*.txt"))


def _labels() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for table in (SEEDS_DIR / "labels.tsv", DEV_DIR / "INDEX.tsv"):
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
    files = seed_and_dev_files() if files is None else files
    if not extra:
        try:
            from archive.store.ingest import ingest_paths

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


def one_passage_report(text: str, township: str = "测试镇") -> ParsedReport:
    """A 2025 annual report of ``township`` whose only passage is ``text``."""
    body = f"{township}2025年法治政府建设工作报告\n{text}\n"
    start = body.index(text)
    section = ParsedSection("", "前言", "前言", 0, 0, len(body),
                            passages=[ParsedPassage(text, start, start + len(text))])
    meta = Metadata(
        title=f"{township}报告", township=township, county="测试县", year=2025, doc_type="年度报告"
    )
    return ParsedReport(text=body, metadata=meta, sections=[section])


def add_to_store(config: ArchiveConfig, parsed: ParsedReport) -> str:
    """Insert ``parsed`` into ``config``'s store (no index update); its report id."""
    engine = make_engine(config.database_url)
    with make_session_factory(engine).begin() as session:
        report_id = insert_report(session, parsed).id
    engine.dispose()
    return report_id
