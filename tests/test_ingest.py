"""Ingest behaviour on real files: idempotency, replacement, bad files, interruption."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from archive.store.changes import make_session_factory
from archive.store.db import Passage, Report, ReportAlias, SourceFile, get_report, make_engine
from archive.store.ingest import ingest_paths
from tests.support.archives import make_config, sessions_of
from tests.support.cli import cli_env, run_cli, run_interrupted
from tests.support.paths import REPO, SEEDS_DIR, SHIPPED_DIR

SHIPPED = len(list(SHIPPED_DIR.glob("*.txt")))  # each with its sidecar, which is skipped as such


def store_snapshot(config) -> dict:
    """Everything that identifies the store's state: report ids, passage and source counts."""
    session_factory = make_session_factory(make_engine(config.database_url))
    with session_factory() as session:
        return {
            "reports": sorted(session.scalars(select(Report.id))),
            "passages": session.scalar(select(func.count(Passage.id))),
            "sources": sorted(
                tuple(row) for row in session.execute(select(SourceFile.path, SourceFile.fingerprint))
            ),
        }


def test_same_files_twice_changes_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path / "home")
    first = ingest_paths(sessions_of(config), [SHIPPED_DIR], workers=1)
    assert first.counts == {"ingested": SHIPPED, "updated": 0, "unchanged": 0, "skipped": SHIPPED,
                            "failed": 0}
    before = store_snapshot(config)
    second = ingest_paths(sessions_of(config), [SHIPPED_DIR], workers=1)
    assert second.counts == {"ingested": 0, "updated": 0, "unchanged": SHIPPED, "skipped": SHIPPED,
                             "failed": 0}
    assert not second.changed_ids and not second.removed_ids
    assert store_snapshot(config) == before


@pytest.mark.slow  # ingests the shipped corpus twice
def test_report_ids_are_derived_from_content(tmp_path: Path) -> None:
    """Two independent builds give the same ids, whatever the order of the files."""
    files = sorted(SHIPPED_DIR.glob("*.txt"))
    one = make_config(tmp_path / "one")
    two = make_config(tmp_path / "two")
    ingest_paths(sessions_of(one), files, workers=1)
    ingest_paths(sessions_of(two), list(reversed(files)), workers=1)
    assert store_snapshot(one)["reports"] == store_snapshot(two)["reports"]


def test_changed_file_replaces_its_report_and_keeps_the_old_permalink(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    seed = sorted(SHIPPED_DIR.glob("*.txt"))[0]
    target = folder / seed.name
    shutil.copy(seed, target)
    config = make_config(tmp_path / "home")
    first = ingest_paths(sessions_of(config), [folder], workers=1)
    old_id = first.outcomes[0].report_id

    changed = seed.read_text(encoding="utf-8") + "\n补充一段新的内容，用于检验替换。\n"
    target.write_text(changed, encoding="utf-8")
    second = ingest_paths(sessions_of(config), [folder], workers=1)
    assert second.counts["updated"] == 1
    new_id = second.outcomes[0].report_id
    assert new_id != old_id
    assert second.removed_ids == {old_id} and new_id in second.changed_ids

    session_factory = make_session_factory(make_engine(config.database_url))
    with session_factory() as session:
        assert session.scalar(select(func.count(Report.id))) == 1
        assert session.get(ReportAlias, old_id).new_id == new_id
        assert get_report(session, old_id).id == new_id
        assert "补充一段新的内容" in get_report(session, new_id).passages[-1].text


def test_a_bad_file_is_reported_by_name_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sorted(SHIPPED_DIR.glob("*.txt"))[0], folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.txt").write_bytes(os.urandom(4096))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    (folder / "table.xlsx").write_bytes(b"whatever")
    named = tmp_path / "named.xlsx"  # named by the user, so tried and refused, not skipped
    named.write_bytes(b"whatever")
    config = make_config(tmp_path / "home")
    summary = ingest_paths(sessions_of(config), [folder, tmp_path / "missing.txt", named], workers=1)
    failed = {Path(outcome.path).name: outcome.message for outcome in summary.failures}
    assert set(failed) == {"empty.txt", "junk.txt", "broken.docx", "named.xlsx", "missing.txt"}
    assert [Path(o.path).name for o in summary.outcomes if o.status == "skipped"] == ["table.xlsx"]
    assert all(message.strip() for message in failed.values())
    assert summary.counts["ingested"] == 1
    assert len(store_snapshot(config)["reports"]) == 1


@pytest.mark.slow  # the CLI, in subprocesses
def test_cli_exit_status_and_show_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = run_cli("ingest", "--no-index", str(SHIPPED_DIR), str(bad), home=home)
    assert result.returncode == 1
    assert "bad.txt" in result.stderr
    assert "失败 1" in result.stdout

    listing = json.loads(run_cli("reports", "--json", home=home).stdout)
    assert len(listing) == SHIPPED
    shown = json.loads(run_cli("show", listing[0]["report_id"], "--json", home=home).stdout)
    assert list(shown)[:17] == ["report_id", "title", "issuer", "township", "county", "city", "province",
                                 "year", "doc_type", "issue_date", "title_supplied", "author_supplied",
                                 "page_fields", "source_url", "retrieved", "excerpt", "sections"]
    section = shown["sections"][0]
    assert set(section) == {"number", "title", "kind", "children", "passages"}
    passages = [p for s in shown["sections"] for p in s["passages"]]
    assert passages and set(passages[0]) == {"seq", "text", "start", "end"}

    missing = run_cli("show", "nosuchid", home=home)
    assert missing.returncode == 1 and "nosuchid" in missing.stderr


@pytest.mark.slow  # the CLI, in subprocesses
def test_an_interrupted_ingest_leaves_no_half_written_report(tmp_path: Path) -> None:
    """Kill ingest mid-batch several times; every stored report is whole, and a rerun finishes.

    Each run is killed (SIGKILL, by its own per-file hook: ``tests.support.interrupt``) right
    after the store holds 3, then 12, then 25 of the batch's 120 reports."""
    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(24):
        for seed in sorted(SEEDS_DIR.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{copy}_{seed.name}").write_text(text + f"\n第{copy}份副本。\n", encoding="utf-8")
    total = len(list(folder.iterdir()))
    home = tmp_path / "home"
    config = make_config(home)
    for stored_before_kill in (3, 12, 25):
        run_interrupted(cli_env(home), "ingest", "--no-index", "--workers", "1", str(folder),
                        after_stored=stored_before_kill - stored_reports_so_far(config))
        assert report_count(config) < total, "the ingest finished before it could be interrupted"
        assert_store_consistent(config)
    assert run_cli("ingest", "--no-index", str(folder), home=home).returncode == 0
    assert report_count(config) == total
    assert_store_consistent(config)


def stored_reports_so_far(config) -> int:
    """Report count of a store a killed process may have left half-created (0 until it exists)."""
    if not (config.home / "archive.sqlite3").exists():
        return 0
    try:
        return report_count(config)
    except OperationalError:  # tables being created by the ingest process right now
        return 0


def report_count(config) -> int:
    session_factory = make_session_factory(make_engine(config.database_url))
    with session_factory() as session:
        return session.scalar(select(func.count(Report.id)))


def assert_store_consistent(config) -> None:
    """Every report has its passages, each passage cuts back out of the report text."""
    session_factory = make_session_factory(make_engine(config.database_url))
    with session_factory() as session:
        for report in session.scalars(select(Report)):
            assert report.passages, report.id
            for passage in report.passages:
                assert report.text[passage.start:passage.end] == passage.text
        for source in session.scalars(select(SourceFile)):
            assert source.report_id is not None and session.get(Report, source.report_id) is not None


@pytest.mark.slow  # the CLI, in a subprocess
def test_a_folder_as_users_keep_it_skips_what_is_not_a_report(tmp_path: Path) -> None:
    # The web corpus folder as shared: 29 reports beside README.md and INDEX.tsv; plus the other
    # things people keep there: a sidecar, a hidden file, a notes file and a spreadsheet.
    folder = tmp_path / "web"
    shutil.copytree(REPO / "tests" / "corpus" / "web", folder)
    (folder / "r003.txt.meta.json").write_text('{"county": "禄丰市"}', encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "README.txt").write_text("这些是网页保存的报告。", encoding="utf-8")
    (folder / "来源.csv").write_text("file,url\nr003.txt,http://example.invalid\n", encoding="utf-8")
    result = run_cli("ingest", "--no-index", str(folder), home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已收录 29 · 已更新 0 · 未变 0 · 跳过（非报告文件）6 · 失败 0" in result.stdout
    summary = ingest_paths(sessions_of(make_config(tmp_path / "again")), [folder], workers=1)
    skipped = {Path(o.path).name: o.message for o in summary.outcomes if o.status == "skipped"}
    assert skipped == {
        "README.md": "说明文件", "INDEX.tsv": "说明文件", "README.txt": "说明文件",
        "r003.txt.meta.json": "元数据文件（sidecar）", ".DS_Store": "隐藏文件",
        "来源.csv": "不是报告文件格式（.csv）",
    }
