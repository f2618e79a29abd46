"""The comparison's shared wording (``indexer.analysis.shared``, ``web.compare_marks``) on the
shipped reports.

The inverted-index computation is checked against a brute force over every pair of the compared
reports' clauses, with the template marks' own rule (``indexer.analysis.nearcopies``' shingle size and
threshold, which the module must keep); the page is checked to mark what the API says, name the
right columns, and count each report's shared and own clauses.
"""

from __future__ import annotations

import sqlite3
from itertools import combinations

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from archive.config import ArchiveConfig
from indexer.analysis import nearcopies, shared
from indexer.index.generation import LITERAL_DB, current_generation


def test_the_rule_is_the_template_marks_rule() -> None:
    assert (shared.SHINGLE, shared.SIMILARITY) == (nearcopies.SHINGLE, nearcopies.SIMILARITY)


@pytest.fixture(scope="module")
def compared_ids(app: Flask) -> list[str]:
    """Three reports the query 枫桥经验 finds (the comparison users open from that search)."""
    groups = app.test_client().get("/api/search?q=枫桥经验").get_json()["groups"]
    return [group["report_id"] for group in groups[:3]]


@pytest.fixture(scope="module")
def conn(archive_config: ArchiveConfig):
    connection = sqlite3.connect(current_generation(archive_config.index_dir) / LITERAL_DB)
    yield connection
    connection.close()


def brute_force(conn: sqlite3.Connection, report_ids: list[str]) -> set[tuple[str, int, int, str]]:
    """(report, seq, start, other report) for every clause pair of two reports that are the same
    wording: equal keys or shingle Jaccard ≥ the threshold, compared pair by pair."""
    rows = conn.execute(
        "SELECT p.report_id, p.seq, s.start, k.key FROM passages p JOIN sentence_marks s ON s.gid = p.gid "
        f"JOIN clause_keys k ON k.key_id = s.key_id WHERE p.unit = 'p' AND p.report_id IN "
        f"({','.join('?' * len(report_ids))})", report_ids).fetchall()

    def grams(key: str) -> set[str]:
        return {key[i:i + nearcopies.SHINGLE] for i in range(max(len(key) - nearcopies.SHINGLE + 1, 1))}

    out: set[tuple[str, int, int, str]] = set()
    for (r1, s1, a1, k1), (r2, s2, a2, k2) in combinations(rows, 2):
        if r1 == r2:
            continue
        g1, g2 = grams(k1), grams(k2)
        if k1 == k2 or len(g1 & g2) >= nearcopies.SIMILARITY * len(g1 | g2):
            out |= {(r1, s1, a1, r2), (r2, s2, a2, r1)}
    return out


def test_shared_clauses_are_exactly_the_pairs_a_brute_force_finds(conn, compared_ids: list[str]) -> None:
    found = shared.compared_clauses(conn, compared_ids)
    marked = {(rid, c.seq, c.start, other) for rid, clauses in found.items() for c in clauses
              for other in c.shared_with}
    assert marked == brute_force(conn, compared_ids)
    assert marked, "three reports naming 枫桥经验 share some wording"
    (total,) = conn.execute(
        "SELECT count(*) FROM sentence_marks s JOIN passages p ON p.gid = s.gid WHERE p.unit = 'p' AND "
        f"p.report_id IN ({','.join('?' * len(compared_ids))})", compared_ids).fetchone()
    assert sum(len(clauses) for clauses in found.values()) == total  # every clause, shared or own


def test_the_page_marks_what_the_api_says_and_names_the_columns(app: Flask, compared_ids: list[str]) -> None:
    client = app.test_client()
    ids = ",".join(compared_ids)
    data = client.get(f"/api/compare?ids={ids}").get_json()
    page = BeautifulSoup(client.get(f"/compare?ids={ids}").get_data(as_text=True), "html.parser")
    names = "甲乙丙"
    for column, report_id in enumerate(compared_ids):
        cells = page.select(f".cg-cell[data-col='{column + 1}']")
        notes = [note.get_text() for cell in cells for note in cell.select(".shared-note")]
        expected = [f"同{'、'.join(names[compared_ids.index(o)] for o in clause['report_ids'])}"
                    for row in data["rows"] for p in row["cells"][column] for clause in p["shared"]]
        assert notes == expected, report_id
        for cell in cells:
            for note in cell.select(".shared-note"):
                assert note.find_previous_sibling(class_="shared") is not None
    facts = [p.get_text(" ", strip=True) for p in page.select(".col-facts .col-shared")]
    assert len(facts) == 3 and all(fact.startswith("相同 ") and "自有" in fact for fact in facts)


def test_each_column_lists_its_hits_in_reading_order(app: Flask, compared_ids: list[str]) -> None:
    client = app.test_client()
    response = client.get(f"/compare?ids={','.join(compared_ids)}&q=枫桥经验")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for column in range(1, 4):
        hits = page.select(f".cg-cell[data-col='{column}'] .passage[data-hit]")
        assert hits, column
        assert [int(hit["data-hit"]) for hit in hits] == list(range(1, len(hits) + 1))
        assert all(hit["id"].startswith(f"c{column}-p-") and hit.select("mark") for hit in hits)
        nav = page.select_one(f"[data-col-nav='{column}']")
        assert f"/ {len(hits)} 处" in nav.get_text()
        assert nav.select("a[data-col-step]")[1]["href"] == f"#{hits[0]['id']}"
    ids = [element["id"] for element in page.select("[id]")]
    assert len(ids) == len(set(ids)), "no id twice on the page"
