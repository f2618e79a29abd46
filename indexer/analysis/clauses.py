"""Clauses of the literal table's paragraphs, keyed for finding copies (``indexer.analysis.templates``).

The unit compared across reports is the clause (分句): text between 。！？；，： and line ends
(folded to ASCII; a point or comma between digits does not end one). Template wording is copied
clause by clause into sentences of the township's own, so whole sentences are rarely shared
verbatim. A clause is compared on a *key*, the folded text without punctuation and spaces; its
*folded* key also writes the report's own place names (township, county, with and without
镇/县…), its self-references (我镇/全乡) and numbers as placeholders, so that variants of one
template clause can be compared as one wording (``indexer.analysis.templates``, ``FOLD_REPORTS``).
"""

from __future__ import annotations

import re
import sqlite3
from collections import deque
from collections.abc import Collection, Iterator
from typing import NamedTuple

from archive.normalize import fold_for_match

MIN_CHARS = 8  # shorter clauses are not marked
CLAUSE_END = re.compile(r"[!?;:\n\r]|(?<!\d)[.,]|[.,](?!\d)")
# Characters that do not make two clauses different (folded punctuation, spaces, quotes).
_NOISE = re.compile(r"[\s\"'()\[\]<>《》、“”‘’]")
PLACE = "□"
_SELF_REFERENCE = re.compile(r"(?<=[我全本])(?:镇|乡|街道)")
_DIGITS = re.compile(r"\d+")
_PLACE_SUFFIXES = ("街道", "镇", "乡", "县", "区", "市", "旗")
_JOIN = ";"  # ends a clause, so no clause holds one: clauses of a passage are keyed in one string
_CHUNK = 500  # values per SQL ``IN (…)``


class Clause(NamedTuple):
    """One markable clause: ``folded[start:end]`` of passage ``gid`` of ``report``, compared on
    its ``raw`` key (the folded text without punctuation and spaces) or its ``folded`` key."""

    gid: int
    report: str
    start: int
    end: int
    raw: str
    folded: str


def clause_spans(folded: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each markable clause of a folded passage, leading/trailing spaces cut.

    Folding is length-preserving, so the spans index the display text as well.
    """
    start = 0
    for match in [*CLAUSE_END.finditer(folded), None]:
        end = match.start() if match else len(folded)
        clause = folded[start:end]
        kept = clause.strip()
        if len(kept) >= MIN_CHARS:
            left = start + len(clause) - len(clause.lstrip())
            yield left, left + len(kept)
        start = match.end() if match else len(folded)


def rows(conn: sqlite3.Connection, sql: str, values: Collection[object]) -> Iterator[tuple]:
    """The rows of ``sql`` (one ``{}`` where ``IN ({})`` takes ``values``), a chunk at a time."""
    ordered = list(values)
    for first in range(0, len(ordered), _CHUNK):
        chunk = ordered[first:first + _CHUNK]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def execute(conn: sqlite3.Connection, sql: str, values: Collection[object]) -> None:
    """Run a statement without result rows (one ``{}`` for ``values``), a chunk at a time."""
    deque(rows(conn, sql, values), maxlen=0)


def place_names(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Each report's own place names (township, county or city, each also without its 镇/县…),
    folded, longest first: what its folded keys write as ``PLACE``."""
    out: dict[str, tuple[str, ...]] = {}
    for report_id, city, county, township in conn.execute(
            "SELECT report_id, city, county, township FROM reports"):
        names: set[str] = set()
        for name in (township, county or city):
            if not name:
                continue
            name = fold_for_match(name)
            stem = name.removesuffix(next((s for s in _PLACE_SUFFIXES if name.endswith(s)), ""))
            names.update(n for n in (name, stem) if len(n) >= 2)
        out[report_id] = tuple(sorted(names, key=len, reverse=True))
    return out


def fold(raw: str, places: tuple[str, ...]) -> str:
    """``raw`` key(s) with the place names ``places``, self-references and numbers as placeholders."""
    for name in places:
        raw = raw.replace(name, PLACE)
    return _DIGITS.sub("0", _SELF_REFERENCE.sub(PLACE, raw))


def clauses(conn: sqlite3.Connection, report_ids: Collection[str] | None) -> list[Clause]:
    """The markable clauses of every paragraph (or of the paragraphs of ``report_ids``)."""
    places = place_names(conn)
    sql = "SELECT gid, report_id, folded FROM passages WHERE unit = 'p'"
    found = (conn.execute(sql) if report_ids is None
             else rows(conn, sql + " AND report_id IN ({})", report_ids))
    out: list[Clause] = []
    for gid, report_id, folded in found:
        spans = list(clause_spans(folded))
        if not spans:
            continue
        raw = _NOISE.sub("", _JOIN.join(folded[start:end] for start, end in spans))
        for (start, end), key, folded_key in zip(
                spans, raw.split(_JOIN), fold(raw, places.get(report_id, ())).split(_JOIN), strict=True):
            if len(key) >= MIN_CHARS:
                out.append(Clause(gid, report_id, start, end, key, folded_key))
    return out
