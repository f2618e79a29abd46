"""Several web nodes, one store: two live gunicorn nodes on loopback ports, each with its own index
in its own ARCHIVE_HOME, sharing the throwaway PostgreSQL of the ``postgres_url`` fixture.

A report ingested, corrected or deleted through node A's admin API must show in node B's search
within ``FOLLOW_DEADLINE`` seconds, with nothing but the store between them (each worker follows
the store's change sequence, ``fazhi.follow``); node B starts with an empty ARCHIVE_HOME and
builds its index from the store before it answers.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive.config import ArchiveConfig
from fazhi.operations import Archive
from indexer.index.recovery import RECOVER_LOCK, catch_up
from tests.support.cli import cli_env
from tests.support.paths import SHIPPED_DIR
from tests.support.servers import Gunicorn
from tests.support.waiting import poll

TOKEN = "node-test-token-0123456789"
FOLLOW_DEADLINE = 10.0  # searchable on another node within 10 s
START_DEADLINE = 120.0
SEED_REPORTS = 4
MARKER = "节点同步测试标记"
NEW_REPORT = f"""重庆市垫江县同步镇人民政府
关于同步镇2024年法治政府建设情况的报告

一、主要举措和成效
（一）推进依法行政
全年开展{MARKER}专项行动，化解矛盾纠纷18件，法律明白人培训覆盖全部村（社区）。
二、存在的不足和原因
基层法治力量仍然薄弱。
"""


class Node(Gunicorn):
    """One gunicorn node (2 workers, the project's gunicorn.conf.py) on a free loopback port."""

    def __init__(self, home: Path, database_url: str) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        super().__init__({**cli_env(home, database_url), "ARCHIVE_ADMIN_TOKEN": TOKEN}, home / "gunicorn.log")

    def wait_ready(self, timeout: float = START_DEADLINE) -> None:
        """Until ``/healthz`` answers 200 (the index is current); the log on failure."""
        super().wait_ready(timeout)

    def get(self, path: str, **params: str) -> tuple[int, dict]:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, dict]:
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Authorization": f"Bearer {TOKEN}", "Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def upload(self, name: str, text: str) -> tuple[int, dict]:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                f"Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n").encode()
        return self.post("/admin/ingest", body, f"multipart/form-data; boundary={boundary}")

    def search(self, query: str) -> dict:
        status, data = self.get("/api/search", q=query)
        assert status == 200, (status, data)
        return data


def current(node: Node) -> bool:
    """Whether the node's index has applied every change of the store (``/healthz``)."""
    status, health = node.health()
    return status == 200 and health["index_seq"] == health["store_seq"]


def within(seconds: float, check: Callable[[], bool]) -> float:
    """Poll ``check`` until it holds; the seconds it took (fails after ``seconds``)."""
    started = time.monotonic()
    if not poll(check, seconds, interval=0.1):
        pytest.fail(f"not seen within {seconds} s")
    return time.monotonic() - started


@pytest.fixture(scope="module")
def nodes(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    """Node A (its index built by a first ingest) and node B (started with an empty home)."""
    seed = Archive(ArchiveConfig(home=tmp_path_factory.mktemp("node-a"), database_url=postgres_url))
    summary = seed.ingest(sorted(SHIPPED_DIR.glob("*.txt"))[:SEED_REPORTS], workers=1)
    assert not summary.failures, summary.failures
    seed.close()
    a = Node(seed.config.home, postgres_url)
    b = Node(tmp_path_factory.mktemp("node-b"), postgres_url)
    try:
        a.wait_ready()
        b.wait_ready()
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_a_node_started_empty_builds_its_index_from_the_store(nodes) -> None:
    a, b = nodes
    status, health = b.health()
    assert status == 200 and health["reports"] == SEED_REPORTS
    assert health["index_seq"] == health["store_seq"] > 0
    assert b.search("枫桥经验")["total"] == a.search("枫桥经验")["total"] > 0


def test_ingest_correct_delete_on_one_node_reach_the_other(nodes) -> None:
    a, b = nodes
    assert b.search(f'"{MARKER}"')["total"] == 0
    status, answer = a.upload("同步镇2024年法治政府建设情况报告.txt", NEW_REPORT)
    assert status == 200 and answer["counts"]["ingested"] == 1, answer
    report_id = answer["files"][0]["report_id"]
    assert a.search(f'"{MARKER}"')["reports"] == 1  # the node that ingested answers at once
    seen = within(FOLLOW_DEADLINE, lambda: b.search(f'"{MARKER}"')["reports"] == 1)
    assert b.search(f'"{MARKER}"')["groups"][0]["report_id"] == report_id

    status, corrected = a.post(f"/admin/reports/{report_id}/correct",
                               json.dumps({"fields": {"county": "同步县"}, "reason": "测试"}).encode(),
                               "application/json")
    assert status == 200 and corrected["report"]["county"] == "同步县", corrected
    corrected_in = within(FOLLOW_DEADLINE, lambda: b.search(f'"{MARKER}" county:同步县')["reports"] == 1)

    status, deleted = a.post(f"/admin/reports/{report_id}/delete", b"", "application/json")
    assert status == 200 and deleted["deleted"] == report_id, deleted
    gone_in = within(FOLLOW_DEADLINE, lambda: b.search(f'"{MARKER}"')["total"] == 0 and current(b))
    assert b.get(f"/api/reports/{report_id}")[0] == 404
    print(f"node B followed: ingest {seen:.1f} s, correction {corrected_in:.1f} s, delete {gone_in:.1f} s")


def test_a_node_behind_the_store_is_not_ready_until_it_catches_up(postgres_url: str, tmp_path: Path,
                                                                  client_for, monkeypatch) -> None:
    """/healthz on a node whose index misses a change: 503 once the change is older than the grace."""
    behind = Archive(ArchiveConfig(home=tmp_path / "c", database_url=postgres_url))
    behind.rebuild()
    other = Archive(ArchiveConfig(home=tmp_path / "d", database_url=postgres_url))
    folder = tmp_path / "late"
    folder.mkdir()
    (folder / "迟到镇报告.txt").write_text(NEW_REPORT.replace("同步镇", "迟到镇"), encoding="utf-8")
    assert other.ingest([folder], workers=1, index=False).counts["ingested"] == 1
    client = client_for(behind.config, TESTING=False, ARCHIVE=behind)
    monkeypatch.setattr("web.health_views.FOLLOW_GRACE", 0.0)
    response = client.get("/healthz")
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["index_seq"] < response.get_json()["store_seq"]
    assert behind.update_index() == 1
    assert client.get("/healthz").status_code == 200


def test_workers_of_one_node_never_apply_changes_at_once(postgres_url: str, tmp_path: Path) -> None:
    """The follower takes the node's recover lock without waiting: busy means skip this round."""
    import fcntl

    archive = Archive(ArchiveConfig(home=tmp_path / "e", database_url=postgres_url))
    archive.rebuild()
    with open(archive.config.index_dir / RECOVER_LOCK, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another worker is applying changes
        assert catch_up(archive.config, archive.sessions, wait=False) is None
    assert catch_up(archive.config, archive.sessions, wait=False) == 0


def test_an_index_older_than_the_change_sequence_becomes_current_without_rereading(tmp_path: Path) -> None:
    """An upgraded deployment: store and index written before seqs were recorded."""
    import sqlite3

    from archive.store.db import Change
    from indexer.index.generation import LITERAL_DB, current_generation
    from indexer.index.recovery import applied_seq
    from tests.support.archives import make_config

    archive = Archive(make_config(tmp_path / "old"))
    archive.ingest(sorted(SHIPPED_DIR.glob("*.txt"))[:2], workers=1)
    with archive.sessions.begin() as session:
        session.query(Change).delete()
    generation = current_generation(archive.config.index_dir)
    assert generation is not None
    with sqlite3.connect(generation / LITERAL_DB) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'change_seq'")
    assert applied_seq(archive.config) is None and not archive.lag().current
    assert archive.update_index() == 0
    assert applied_seq(archive.config) == 0 and archive.lag().current


def test_a_ranked_search_after_a_deletion_reads_the_segment_with_deletions(tmp_path: Path) -> None:
    """A deletion alone leaves its Whoosh segment unmerged, with deleted documents (found by
    the two-node test: a follower's first search after applying a deletion answered 500)."""
    from tests.support.archives import make_config

    archive = Archive(make_config(tmp_path / "del"))
    files = sorted(SHIPPED_DIR.glob("*.txt"))[:3]
    ids = [outcome.report_id for outcome in archive.ingest(files, workers=1).outcomes]
    archive.delete(ids[0])
    result = archive.search("法治 建设")
    assert result.reports == 2 and ids[0] not in {group.report_id for group in result.groups}
