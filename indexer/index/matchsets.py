"""Exact match sets of frequent strings, kept ready beside the literal table.

A search for a word found in hundreds of thousands of places (法治政府: 566,000 at 50,000
reports) must still count exactly — totals, every facet, spread charts, CSV — and counting by a
pass over every match at request time (FTS5 doclist → temp table → GROUP BYs) cost 0.3–0.8 s.
So the match set of every frequent string is computed once, from the literal table itself with
the very FTS5 query a search runs (so it is the same set), and kept current by the incremental
update; ``indexer.matching.fastpath`` answers from it with numpy, equal to the SQL path.

What a generation keeps in ``matchsets/``:

* ``strings.json``: each frequent string → its file number and count, and the build's gid
  ceiling. The strings are the index's own words (jieba tokens, what users type) of two or more
  characters found in at least ``FREQUENT_PLACES`` places, at most ``MAX_STRINGS`` of them;
* ``sets/<n>.npy``: the sorted gids of the places whose folded text contains string n (at build);
* ``top/<n>.npy``: for a string of 3+ characters, its best ``TOP_PLACES`` places in the default
  scope by FTS5's bm25, as the pre-rank of a one-word search orders them (``indexer.service``);
* ``v<version>/``: what an update changes, written whole under a new version number that the
  literal table's ``meta`` names in the same commit as the rows (a reader sees the arrays of the
  snapshot it reads): per gid ``report``, ``section``, ``unit``, ``chars``; per report
  ``place``, ``year``, ``doc_type`` codes and the rank of each report under each sort; per place
  number its four levels' codes; ``values.json`` (the codes' values); ``added.npz`` (the gids
  each string gained since the build). A removed report's places get unit 0 (``DELETED``).

Why numpy arrays, memory-mapped, and not pyroaring bitmaps: pyroaring deserialises a bitmap
into each worker's heap (it has no zero-copy view of a mapped buffer:
https://github.com/Ezibenroc/PyRoaringBitMap/issues/57), while a mapped ``.npy`` is read from
the page cache that every worker shares: the sets cost a worker no memory of its own, however
many there are.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from archive.fields import PLACE_COLUMNS, SORTS, sort_columns

from . import literal, literal_sql, place_kinds

FOLDER = "matchsets"
FREQUENT_PLACES = 5_000  # a word in fewer places never takes the fast path (``fastpath.FAST_MIN``)
MAX_STRINGS = 600
TOP_PLACES = 6_000
META_KEY = "matchsets"
KEEP_VERSIONS = 3
# Unit codes of ``unit.npy`` (0: no place has that gid any more).
DELETED = 0
UNIT_CODES = {unit: code for code, unit in enumerate(place_kinds.UNITS, start=1)}
REPORT_VALUES = ("year", "doc_type")


def folder_of(generation: Path) -> Path:
    """Where a generation keeps its match sets."""
    return generation / FOLDER


# --- building -----------------------------------------------------------------------------------

def build(conn: sqlite3.Connection, generation: Path, words: Iterable[tuple[str, int]]) -> int:
    """Compute the match sets of a new generation from its literal table (``conn``, committed
    rows) and the index's words with their document frequencies; returns how many strings have
    a set. Written before the generation is published; version 1."""
    root = folder_of(generation)
    shutil.rmtree(root, ignore_errors=True)
    (root / "sets").mkdir(parents=True)
    (root / "top").mkdir()
    (places,) = conn.execute("SELECT coalesce(max(gid), 0) FROM passages").fetchone()
    estimates = _estimates(words)
    chosen = sorted(((text, count) for text, count in estimates.items() if count >= FREQUENT_PLACES
                     and literal_sql.indexed(text)), key=lambda item: (-item[1], item[0]))[:MAX_STRINGS]
    strings: dict[str, list[int]] = {}
    for number, (text, _df) in enumerate(chosen):
        sql, args = literal_sql.compile_literal(text)
        rows = conn.execute(f"SELECT p.gid FROM passage_keys p WHERE {sql}", args)
        gids = np.fromiter((gid for (gid,) in rows), dtype=np.uint32)
        gids.sort()
        if len(gids) < FREQUENT_PLACES:
            continue  # the word is frequent, the string (a substring search) not: jieba's count
        np.save(root / "sets" / f"{number}.npy", gids)
        if len(text) >= literal.TRIGRAM:
            np.save(root / "top" / f"{number}.npy", _top(conn, text))
        strings[text] = [number, len(gids)]
    (root / "strings.json").write_text(json.dumps({"ceiling": int(places), "strings": strings},
                                                  ensure_ascii=False), encoding="utf-8")
    write_version(conn, generation, 1, {})
    return len(strings)


def _estimates(words: Iterable[tuple[str, int]]) -> dict[str, int]:
    """How many places each candidate string is in, at most: the index's words, counted by the
    places of every word that contains them. A user types 法治政府, which the segmenter leaves
    inside 法治政府建设: a word's places are its own and those of the longer words around it.
    The candidates are the index's words and the domain dictionary's (``indexer.analysis.tokenizer``);
    the stop words the index leaves out (工作, 开展) are everywhere, and counted as such."""
    from indexer.analysis.tokenizer import stop_words, user_words

    frequencies = {text: df for text, df in words if len(text) >= 2}
    candidates = set(frequencies) | {word for word, _freq in user_words() if len(word) >= 2}
    estimates = dict.fromkeys(candidates, 0)
    estimates.update((word, sys.maxsize) for word in stop_words() if len(word) >= 2)
    for text, df in frequencies.items():
        for size in range(2, len(text) + 1):
            for start in range(len(text) - size + 1):
                piece = text[start:start + size]
                if piece in estimates:
                    estimates[piece] += df
    return estimates


def _top(conn: sqlite3.Connection, text: str) -> np.ndarray:
    """The best ``TOP_PLACES`` places of the default scope for ``text`` by FTS5's bm25, in the
    order of a one-word search's pre-rank (``indexer.ranking.prerank.rank_beside``)."""
    units = ", ".join(repr(unit) for unit in literal_sql.SCOPE_UNITS[None])
    rows = conn.execute(
        "SELECT t.rowid FROM trigrams t JOIN passage_keys p ON p.gid = t.rowid WHERE trigrams MATCH ? "
        f"AND p.unit IN ({units}) ORDER BY t.rank, t.rowid LIMIT ?",
        [literal_sql.fts_phrase(text), TOP_PLACES],
    )
    return np.fromiter((gid for (gid,) in rows), dtype=np.uint32)


GID_ARRAYS = (("report", "report_no", np.int32, -1), ("section", "section_no", np.int32, 0),
              ("chars", "chars", np.int32, 0))
UNIT_SQL = "CASE unit {} ELSE 0 END".format(
    " ".join(f"WHEN {kind!r} THEN {code}" for kind, code in UNIT_CODES.items()))


def write_version(conn: sqlite3.Connection, generation: Path, version: int, added: dict[str, np.ndarray],
                  previous: MatchSets | None = None, removed: Iterable[int] = ()) -> None:
    """Write the arrays of ``version`` from the literal table as ``conn`` sees it (uncommitted
    rows included) and name it in ``meta``: the caller's commit makes it the live one. With
    the ``previous`` version, only what changed is read: the gids above its ceiling (an update
    appends places), and the ``removed`` ones become ``DELETED``."""
    target = folder_of(generation) / f"v{version}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    (ceiling,) = conn.execute("SELECT coalesce(max(gid), 0) FROM passages").fetchone()
    size = max(int(ceiling) + 1, len(previous.array("unit")) if previous is not None else 0)
    start = len(previous.array("unit")) if previous is not None else 0
    where = f"WHERE gid >= {start}"
    gids = _column(conn, "gid", np.int64, where)
    dropped = np.fromiter(removed, dtype=np.int64)
    for name, column, dtype, empty in (*GID_ARRAYS, ("unit", UNIT_SQL, np.uint8, DELETED)):
        array = np.full(size, empty, dtype=dtype)
        if previous is not None:
            array[:start] = previous.array(name)
            array[dropped] = empty
        array[gids] = _column(conn, column, dtype, where)
        np.save(target / f"{name}.npy", array)
    values = _report_arrays(conn, target)
    (target / "values.json").write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    np.savez(target / "added.npz", **{str(key): found for key, found in added.items()})
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, version))


def _column(conn: sqlite3.Connection, expression: str, dtype: type, where: str = "") -> np.ndarray:
    """One column of ``passage_keys`` in gid order, read straight into an array."""
    rows = conn.execute(f"SELECT {expression} FROM passage_keys {where} ORDER BY gid")
    return np.fromiter((value for (value,) in rows), dtype=dtype)


def _report_arrays(conn: sqlite3.Connection, target: Path) -> dict[str, list[str]]:
    """Per report number: its place number, its year and type codes, its rank under each sort;
    per place number: each level's code. Returns each code's values. Read a column at a time
    into arrays (a loop per row cost seconds at 50,000 reports)."""
    (top,) = conn.execute("SELECT coalesce(max(report_no), 0) FROM reports").fetchone()
    values: dict[str, list[str]] = {}
    numbers = _ints(conn, "SELECT report_no FROM reports ORDER BY report_no")
    place = np.full(top + 1, -1, dtype=np.int32)
    place[numbers] = _ints(conn, "SELECT place_no FROM reports ORDER BY report_no")
    np.save(target / "place.npy", place)
    for name in REPORT_VALUES:
        codes = np.full(top + 1, -1, dtype=np.int32)
        codes[numbers], values[name] = _coded(conn, f"SELECT {name} FROM reports ORDER BY report_no")
        np.save(target / f"{name}.npy", codes)
    for sort in SORTS:
        order = ", ".join(f"{column}{' DESC' if desc else ''}" for column, desc in sort_columns(sort))
        rank = np.full(top + 1, np.iinfo(np.int32).max, dtype=np.int32)
        ordered = _ints(conn, f"SELECT report_no FROM reports ORDER BY {order}, report_id")
        rank[ordered] = np.arange(len(ordered))
        np.save(target / f"rank_{sort}.npy", rank)
    (top_place,) = conn.execute("SELECT coalesce(max(place_no), 0) FROM report_places").fetchone()
    places = _ints(conn, "SELECT place_no FROM report_places ORDER BY place_no")
    for name in PLACE_COLUMNS:
        levels = np.full(top_place + 1, -1, dtype=np.int32)
        levels[places], values[name] = _coded(conn, f"SELECT {name} FROM report_places ORDER BY place_no")
        np.save(target / f"place_{name}.npy", levels)
    sections = dict(conn.execute("SELECT section_no, section FROM sections"))
    values["section"] = [sections.get(number, "") for number in range(max(sections, default=-1) + 1)]
    return values


def _ints(conn: sqlite3.Connection, sql: str) -> np.ndarray:
    """One integer column of a query, as an array."""
    return np.fromiter((value for (value,) in conn.execute(sql)), dtype=np.int64)


def _coded(conn: sqlite3.Connection, sql: str) -> tuple[np.ndarray, list[str]]:
    """One text column of a query as codes into its distinct values (and those values)."""
    column = np.array([value for (value,) in conn.execute(sql)], dtype=object)
    if not len(column):
        return np.empty(0, dtype=np.int32), []
    distinct, codes = np.unique(column, return_inverse=True)
    return codes.astype(np.int32), [str(value) for value in distinct]


# --- keeping current ------------------------------------------------------------------------------

def update(conn: sqlite3.Connection, generation: Path, new_rows: Iterable[tuple[int, str]],
           removed: Iterable[int]) -> None:
    """After an incremental update wrote its rows (``conn``, before its commit): the strings'
    sets gain the new places that contain them, and a new version of the arrays, where the
    ``removed`` gids are ``DELETED``, is named in ``meta``. ``new_rows``: (gid, folded text) of
    every place the update added (their gids are above every earlier one: ``literal.next_gid``)."""
    live = current_version(conn)
    if live is None:
        return  # a generation built before match sets: the SQL path answers
    sets = MatchSets.open(generation, live)
    added = {key: list(gids) for key, gids in sets.added.items()}
    rows = list(new_rows)
    for text, (number, _count) in sets.strings.items():
        gained = [gid for gid, folded in rows if text in folded]
        if gained:
            added[str(number)] = [*added.get(str(number), []), *gained]
    write_version(conn, generation, live + 1,
                  {key: np.array(sorted(set(gids)), dtype=np.uint32) for key, gids in added.items()},
                  previous=sets, removed=removed)
    prune_versions(generation, keep=live + 1)


def prune_versions(generation: Path, keep: int) -> None:
    """Remove versions older than the ``KEEP_VERSIONS`` before ``keep`` (a reader that started
    on one re-reads ``meta`` on its next request)."""
    for folder in folder_of(generation).glob("v*"):
        if folder.name[1:].isdigit() and int(folder.name[1:]) <= keep - KEEP_VERSIONS:
            shutil.rmtree(folder, ignore_errors=True)


def current_version(conn: sqlite3.Connection) -> int | None:
    """The version of the arrays the literal table's snapshot names (None: no match sets)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return int(row[0]) if row else None


# --- reading ----------------------------------------------------------------------------------------

@dataclass
class MatchSets:
    """One version of a generation's match sets, memory-mapped."""

    root: Path
    version: int
    strings: dict[str, list[int]]

    @classmethod
    def open(cls, generation: Path, version: int) -> MatchSets:
        root = folder_of(generation)
        described = json.loads((root / "strings.json").read_text(encoding="utf-8"))
        return cls(root, version, described["strings"])

    def array(self, name: str) -> np.ndarray:
        """A per-gid, per-report or per-place array of this version (memory-mapped)."""
        return self._arrays.setdefault(name, np.load(self.root / f"v{self.version}" / f"{name}.npy",
                                                     mmap_mode="r"))

    @cached_property
    def _arrays(self) -> dict[str, np.ndarray]:
        return {}

    @cached_property
    def values(self) -> dict[str, list[str]]:
        """The values of each code of this version."""
        return json.loads((self.root / f"v{self.version}" / "values.json").read_text(encoding="utf-8"))

    @cached_property
    def added(self) -> dict[str, np.ndarray]:
        """Gids each string (by file number) gained since the build."""
        with np.load(self.root / f"v{self.version}" / "added.npz") as found:
            return {key: found[key] for key in found.files}

    def gids(self, text: str) -> np.ndarray | None:
        """The sorted gids of places containing ``text`` (removed ones included: mask by unit),
        or None when ``text`` has no set."""
        entry = self.strings.get(text)
        if entry is None:
            return None
        base = np.load(self.root / "sets" / f"{entry[0]}.npy", mmap_mode="r")
        extra = self.added.get(str(entry[0]))
        return base if extra is None or not len(extra) else np.concatenate([base, extra])

    def top(self, text: str) -> np.ndarray | None:
        """``text``'s pre-rank at build time, with the places it gained since (unranked, last)."""
        entry = self.strings.get(text)
        path = self.root / "top" / f"{entry[0]}.npy" if entry else None
        if path is None or not path.exists():
            return None
        base = np.load(path, mmap_mode="r")
        extra = self.added.get(str(entry[0]))
        return base if extra is None or not len(extra) else np.concatenate([base, extra])

    def complete_top(self, text: str) -> bool:
        """Whether ``top(text)`` holds every place of the default scope containing ``text`` (the
        build's pre-rank stopped short of ``TOP_PLACES``)."""
        entry = self.strings[text]
        return len(np.load(self.root / "top" / f"{entry[0]}.npy", mmap_mode="r")) < TOP_PLACES


def disk_bytes(generation: Path) -> int:
    """What a generation's match sets take on disk (for the benchmark)."""
    return sum(path.stat().st_size for path in folder_of(generation).rglob("*") if path.is_file())


