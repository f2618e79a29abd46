"""Hostile files through the real ingest: every file gets a clear verdict, and nothing else breaks.

What is proved here (one bad file never aborts a batch): empty, truncated and corrupt DOCX/PDF, zip
bombs (honest and lying headers), binary junk named .txt, mixed and invalid encodings, a 200 MB file
and 10,000 tiny files are each either ingested correctly or refused with a reason naming the
problem; the rest of the batch goes on; memory stays bounded (measured in a subprocess, so pytest's
own heap does not blur it); and afterwards the store and the index hold exactly the same passages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.reading.readers import MAX_FILE_BYTES, read_file
from archive.store.changes import make_session_factory
from archive.store.db import IngestRun, Report, SourceFile, make_engine
from archive.store.ingest import ingest_paths
from indexer.index.build import rebuild, update
from tests.support.archives import make_config, sessions_of
from tests.support.cli import run_archive
from tests.support.hostile import (
    assert_store_and_index_agree,
    docx_bytes,
    lying_zip_bomb,
    pdf_bytes,
    report_text,
    sparse_file,
    zip_bomb,
)
from tests.support.paths import REPO

GOOD_DOCX = docx_bytes(report_text(1))
GOOD_PDF = pdf_bytes("Township rule of law report: mediation of disputes, legal advisers in every village.")

# name → (bytes, substring the per-file failure message must contain; None = must be ingested).
# The zip bombs are made when a test writes them (deflating 256 MB takes seconds): collecting the
# suite must not pay for them.
CASES: dict[str, tuple[bytes | Callable[[], bytes], str | None]] = {
    "空文件.txt": (b"", "empty"),
    "empty.docx": (b"", "empty"),
    "empty.pdf": (b"", "empty"),
    "truncated.docx": (GOOD_DOCX[: len(GOOD_DOCX) // 2], "docx"),
    "corrupt.docx": (b"PK\x03\x04" + os.urandom(4000), "docx"),
    "not-a-zip.docx": (b"this is plain text pretending to be a docx", "docx"),
    "bomb.docx": (zip_bomb, "zip bomb"),
    "lying bomb.docx": (lying_zip_bomb, ".docx"),
    "truncated.pdf": (GOOD_PDF[: len(GOOD_PDF) // 3], ".pdf"),
    "corrupt.pdf": (b"%PDF-1.7\n" + os.urandom(3000), ".pdf"),
    "junk.txt": (os.urandom(20_000), "binary"),
    "junk.html": (os.urandom(20_000), "binary"),
    "nul-padded.txt": ("法治政府建设报告".encode() + b"\0" * 5000, "binary"),
    "mixed utf8+gbk.txt": (report_text(2).encode("utf-8") + report_text(3).encode("gbk"), "binary"),
    "too short.txt": ("短".encode(), "no usable text"),
    # In a folder a format no reader takes is not a report: skipped, with the reason.
    "unknown.xyz": (b"whatever", "不是报告文件格式（.xyz）"),
    # Ingested correctly, whatever their names and encodings:
    "good gbk 报告.txt": (report_text(4).encode("gb18030"), None),
    "good utf8-bom.txt": (b"\xef\xbb\xbf" + report_text(5).encode("utf-8"), None),
    "good utf16.txt": (report_text(6).encode("utf-16"), None),
    "带 空格 和 \"双引号\" 与 '单引号' 的报告.txt": (report_text(7).encode("utf-8"), None),
    "good.docx": (GOOD_DOCX, None),
    "good.pdf": (GOOD_PDF, None),
}
SKIPPED = {"unknown.xyz"}
FAILING = {name for name, (_data, expected) in CASES.items() if expected and name not in SKIPPED}


def _write_cases(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (data, _expected) in CASES.items():
        (folder / name).write_bytes(data() if callable(data) else data)


def _outcomes_by_name(summary) -> dict[str, tuple[str, str]]:
    return {Path(o.path).name: (o.status, o.message) for o in summary.outcomes}


@pytest.mark.slow  # deflates two 256 MB zip bombs, then builds an index
def test_each_hostile_file_gets_its_own_verdict_and_the_batch_goes_on(tmp_path: Path) -> None:
    """One batch of every hostile kind plus good files: per-file verdicts, consistent archive."""
    folder = tmp_path / "in"
    _write_cases(folder)
    config = make_config(tmp_path / "home")
    started = time.monotonic()
    summary = ingest_paths(sessions_of(config), [folder], workers=1)
    assert time.monotonic() - started < 60, "hostile files must be refused quickly"
    outcomes = _outcomes_by_name(summary)
    assert set(outcomes) == set(CASES), "every file is accounted for by name"
    for name, (_data, expected) in CASES.items():
        status, message = outcomes[name]
        if expected is None:
            assert status == "ingested", (name, message)
        else:
            assert status == ("skipped" if name in SKIPPED else "failed"), (name, status)
            assert expected.lower() in message.lower(), (name, message)
    rebuild(config, sessions_of(config))
    assert assert_store_and_index_agree(config) > 0
    # The good files' text is what a user reads back, whatever the encoding was.
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        texts = "\n".join(r.text for r in session.query(Report))
        names = {s.filename for s in session.query(SourceFile)}
        run = session.query(IngestRun).order_by(IngestRun.id.desc()).first()
    engine.dispose()
    for n in (4, 5, 6, 7):
        assert f"编号{n:05d}的报告" in texts
    assert "带 空格 和 \"双引号\" 与 '单引号' 的报告.txt" in names
    assert run is not None and run.finished_at is not None
    assert {Path(f["path"]).name for f in run.failures} == FAILING


@pytest.mark.slow  # the CLI, in a subprocess
def test_cli_names_every_bad_file_and_exits_1_then_keeps_index_current(tmp_path: Path) -> None:
    """The user's path: ``python -m fazhi ingest FOLDER`` prints each failure by name."""
    folder = tmp_path / "in"
    _write_cases(folder)
    config = make_config(tmp_path / "home")
    result = run_archive(config, "ingest", str(folder))
    assert result.returncode == 1, result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("失败 ")]
    bad = sorted(FAILING)
    assert len(failed) == len(bad), result.stderr
    for name in bad:
        assert any(name in line for line in failed), (name, result.stderr)
    assert f"失败 {len(bad)}" in result.stdout
    # The CLI refreshed the index incrementally: it must already agree with the store.
    assert_store_and_index_agree(config)


_RSS_PROBE = """
import json, resource, sys
from pathlib import Path
from archive.errors import ArchiveError
from archive.store.ingest import ingest_paths
from tests.support.archives import make_config, sessions_of
config = make_config(Path(sys.argv[1]))
ingest_paths(sessions_of(config), [sys.argv[2]], workers=1)  # warm up: imports, gazetteer, store
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summary = ingest_paths(sessions_of(config), sys.argv[3:], workers=1)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": after - before, "outcomes": [[o.path, o.status, o.message]
                  for o in summary.outcomes]}))
"""


def _ingest_measuring_rss(tmp_path: Path, files: list[Path]) -> tuple[int, list[list[str]]]:
    """Peak-RSS growth (kB) of ingesting ``files`` in a fresh process, and the outcomes."""
    warm = tmp_path / "warm.txt"
    warm.write_text(report_text(99), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(tmp_path / "home"), str(warm), *map(str, files)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
        timeout=120, check=True,
    )
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return payload["growth_kb"], payload["outcomes"]


@pytest.mark.slow  # measured in a fresh process
def test_a_200_mb_file_is_refused_by_size_without_being_read(tmp_path: Path) -> None:
    """200 MB (sparse, so the test is instant) of .txt and of .docx: refused, RSS stays flat."""
    big_txt = sparse_file(tmp_path / "巨大 的 报告.txt", 200 * 1024 * 1024, report_text(1).encode())
    big_docx = sparse_file(tmp_path / "huge.docx", 200 * 1024 * 1024, GOOD_DOCX)
    growth_kb, outcomes = _ingest_measuring_rss(tmp_path, [big_txt, big_docx])
    assert [o[1] for o in outcomes] == ["failed", "failed"], outcomes
    assert all(str(MAX_FILE_BYTES) in o[2] for o in outcomes), outcomes
    assert growth_kb < 32 * 1024, f"peak RSS grew by {growth_kb} kB: the file was read"


@pytest.mark.slow  # measured in a fresh process
def test_zip_bombs_are_refused_with_bounded_memory(tmp_path: Path) -> None:
    """300 MB-inflating members, honest or lying about their size, never get inflated whole."""
    honest = tmp_path / "bomb.docx"
    honest.write_bytes(zip_bomb())
    lying = tmp_path / "lying.docx"
    lying.write_bytes(lying_zip_bomb())
    growth_kb, outcomes = _ingest_measuring_rss(tmp_path, [honest, lying])
    assert [o[1] for o in outcomes] == ["failed", "failed"], outcomes
    assert growth_kb < 64 * 1024, f"peak RSS grew by {growth_kb} kB while refusing zip bombs"


def test_reader_refuses_a_file_that_vanishes_or_is_a_directory(tmp_path: Path) -> None:
    """Races with the file system are per-file errors too, not crashes of the batch."""
    config = make_config(tmp_path / "home")
    good = tmp_path / "good.txt"
    good.write_text(report_text(1), encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    summary = ingest_paths(sessions_of(config), [tmp_path / "missing.txt", good], workers=1)
    assert [o.status for o in summary.outcomes] == ["failed", "ingested"]
    assert "missing.txt" in summary.outcomes[0].path
    with pytest.raises(ArchiveError):  # not IsADirectoryError
        read_file(tmp_path / "folder.txt")


@pytest.mark.slow
def test_ten_thousand_tiny_files_in_one_batch(tmp_path: Path) -> None:
    """10,000 files: 500 small reports among 9,500 tiny rejects, two worker processes.

    Proves the batch scales without one failure stopping it, that every file is accounted
    for, and that the index built afterwards and refreshed by an incremental update agrees
    with the store passage for passage.
    """
    folder = tmp_path / "many"
    folder.mkdir()
    rejects = (b"", "短".encode(), b"\x00\x01\x02binary", "。，、".encode())
    for i in range(10_000):
        name = folder / f"{i:05d} 第{i}号.txt"
        if i % 20 == 0:
            name.write_text(report_text(i), encoding="utf-8")
        else:
            name.write_bytes(rejects[i % len(rejects)])
    config = make_config(tmp_path / "home")
    started = time.monotonic()
    summary = ingest_paths(sessions_of(config), [folder], workers=2)
    assert time.monotonic() - started < 120
    assert summary.counts["ingested"] == 500, summary.counts
    assert summary.counts["failed"] == 9_500, summary.counts
    assert all(o.message for o in summary.failures)
    rebuild(config, sessions_of(config))
    # A second batch changes 10 files; the incremental update must leave no ghost passages.
    changed = [folder / f"{i:05d} 第{i}号.txt" for i in range(0, 200, 20)]
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "补充内容。\n", encoding="utf-8")
    second = ingest_paths(sessions_of(config), changed, workers=2)
    assert second.counts["updated"] == 10, second.counts
    update(config, sessions_of(config), second.changed_ids, second.removed_ids)
    assert assert_store_and_index_agree(config, probe_limit=300) == 300
