"""What a user would pick for an embedded archive: SQLite FTS5 with the ``trigram`` tokenizer.

One FTS5 table holds the folded passage text (the same documented normalisation the project uses,
so both are judged on the same definition of "contains") with the facet values as UNINDEXED
columns. Trigram MATCH needs words of at least 3 characters; shorter words fall back to
``LIKE '%w%'`` (a scan of the candidate rows, or of the whole table when no longer word narrows
it). Without a MATCH there is no bm25() rank and no snippet(): hits come in rowid order with a
substr() excerpt.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..passages import FACETS, PassageRecord
from ..queries import BenchQuery
from .base import TOP, Answer

# The trigram tokenizer matches words of at least this many characters; shorter ones are scanned.
TRIGRAM = 3
COLUMNS = ", ".join(f"{name} UNINDEXED" for name in (*FACETS, "report_id"))
SCHEMA = f"CREATE VIRTUAL TABLE passages USING fts5(body, {COLUMNS}, tokenize='trigram')"
FACET_SQL = " UNION ALL ".join(f"SELECT '{name}', {name}, count(*) FROM m GROUP BY {name}" for name in FACETS)


def _like_escape(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def where_clause(query: BenchQuery) -> tuple[str, list[str], bool]:
    """SQL condition and parameters for a query, and whether it uses MATCH (so bm25 exists)."""
    long_words = [word for word in query.words if len(word) >= TRIGRAM]
    clauses: list[str] = []
    params: list[str] = []
    if long_words:
        clauses.append("passages MATCH ?")
        params.append(" AND ".join('"' + word.replace('"', '""') + '"' for word in long_words))
    for word in query.words:
        if len(word) < TRIGRAM:
            clauses.append("body LIKE ? ESCAPE '\\'")
            params.append(_like_escape(word))
    for name, value in query.filters:
        clauses.append(f"{name} = ?")
        params.append(value)
    return " AND ".join(clauses) or "1", params, bool(long_words)


class Fts5Trigram:
    """Answers the full request with one GROUP BY statement and one top-20 statement."""

    name = "fts5"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)

    def search(self, query: BenchQuery) -> Answer:
        where, params, ranked = where_clause(query)
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        rows = self.conn.execute(
            f"WITH m AS MATERIALIZED (SELECT {', '.join(FACETS)} FROM passages WHERE {where}) {FACET_SQL}",
            params).fetchall()
        for name, value, count in rows:
            facets[name]["" if value is None else str(value)] = count
        total = sum(facets["year"].values())
        if ranked:
            top_sql = (f"SELECT rowid, snippet(passages, 0, '<b>', '</b>', '…', 16) FROM passages "
                       f"WHERE {where} ORDER BY bm25(passages) LIMIT {TOP}")
            top = self.conn.execute(top_sql, params).fetchall()
        else:
            top_sql = (f"SELECT rowid, substr(body, max(1, instr(body, ?) - 24), 60) FROM passages "
                       f"WHERE {where} ORDER BY rowid LIMIT {TOP}")
            top = self.conn.execute(top_sql, [query.words[0], *params]).fetchall()
        return Answer(total, facets, [row[0] for row in top], [row[1] for row in top])

    def matching_ids(self, query: BenchQuery) -> set[int]:
        where, params, _ = where_clause(query)
        return {row[0] for row in self.conn.execute(f"SELECT rowid FROM passages WHERE {where}", params)}

    def close(self) -> None:
        self.conn.close()


def build(records: list[PassageRecord], workdir: Path) -> Fts5Trigram:
    """A fresh database: bulk insert in one transaction, then merge segments (``optimize``)."""
    path = workdir / "fts5.sqlite3"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute(SCHEMA)
    with conn:
        conn.executemany(
            f"INSERT INTO passages(rowid, body, {', '.join(FACETS)}, report_id) VALUES (?{', ?' * 7})",
            ((r.pid, r.folded, r.facet("year"), r.province, r.county, r.township, r.section, r.report_id)
             for r in records))
        conn.execute("INSERT INTO passages(passages) VALUES ('optimize')")
    conn.close()
    return Fts5Trigram(path)
