"""Template detection (issue 13 §1): which passages and sentences other townships' reports share.

Township reports copy whole sentences from upper-level documents (``深入学习贯彻习近平法治思想…``).
A sentence is *shared* with another report when that report holds a near-verbatim copy of it:
the Jaccard similarity of their sets of ``SHINGLE``-character shingles (of the folded text) is at
least ``SIMILARITY``. Candidates come from ``datasketch``'s MinHash LSH (``NUM_PERM`` permutations)
and each candidate is confirmed by the MinHash estimate of its Jaccard similarity, so a few
changed characters (a place name, a number, 的/地) still count as a copy and a sentence on the
same topic in other words does not.

Counting. A sentence's mark is the number of *other* reports that contain a copy of it, a report
of the same township (another year of the same place) not counted: a township repeating its own
wording is not a template. A passage's mark is the largest ``N`` such that the sentences shared
by at least ``N`` other reports cover ``COVERAGE`` of the passage's markable characters: "N other
reports repeat (nearly) the template part of this passage". A passage whose mark reaches
``MIN_REPORTS`` is a template passage (通用表述): ranking demotes it and ``original:yes`` drops
it. Clauses shorter than ``MIN_CHARS`` (``一是加强领导``) are not marked: too short to tell a
copy from a coincidence.

Why these numbers (measured on 116 hand-labelled passages of the shipped corpus,
``tests/corpus/template_labels.tsv``, rule in ``tests/corpus/README.md``; chosen on that same
sample, there is no held-out set). ``MIN_REPORTS = 2``: one other report sharing a clause is as
often two townships of one county describing one county-wide measure as template text; from two
other townships on, the clause was almost always copied from a common upper-level source.
``SIMILARITY = 0.5``: 0.7 (strictly near-verbatim) found almost no copies among 40 reports,
because townships splice their own words into the template clause (``我镇始终坚持以…为指导``).
``COVERAGE = 0.3``: at 0.8 no passage of the sample is flagged at all (real paragraphs are long
and mixed); at 0.3, precision 1.00 and recall 0.25 against the labels (0.83 / 0.29 with 64
permutations; at coverage 0.5, 0.80 / 0.06). Recall stays low on a corpus of 40 reports:
most generic paragraphs are paraphrased boilerplate that no other report repeats, which copy
detection cannot see and the mark does not claim to. ``tests/test_templates.py`` keeps the
figures from falling.

Why whole-corpus marking: a mark depends on every other report, so a report added later changes
the marks of the reports it copies. ``mark`` recomputes all marks from the literal table's
folded passages (the rebuild and the incremental update both call it), hashing each *distinct*
sentence once; template text repeats across reports, so distinct sentences are far fewer than
sentence occurrences. Marks live in the literal table's SQLite file beside the passages
(``passage_marks``, ``sentence_marks``), keyed by ``gid``: search filters and demotes with one
indexed lookup and the reader reads a report's marks with one query.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy
from datasketch import MinHash, MinHashLSH

SHINGLE = 3  # characters per shingle: an 8-character clause still has 6
NUM_PERM = 32  # MinHash permutations: Jaccard estimate ± 0.09; fewer LSH bands to query (build time)
SIMILARITY = 0.5  # Jaccard (3-shingles) from which a clause counts as a copy (see below)
MIN_CHARS = 8  # shorter clauses are not marked
MIN_REPORTS = 2  # a passage / sentence shared by at least this many other reports is 通用表述
COVERAGE = 0.3  # share of a passage's markable characters its template clauses must cover (see below)
# The unit marked is the clause (分句): text between 。！？；，： and line ends (folded to ASCII;
# a point or comma between digits does not end one). Template wording is copied clause by clause
# into sentences of the township's own (``2025年，皇城镇人民政府坚持以习近平新时代…为指导，深入
# 学习贯彻习近平法治思想，…``): whole sentences are rarely shared verbatim, their clauses are.
SENTENCE_END = re.compile(r"[!?;:\n\r]|(?<!\d)[.,]|[.,](?!\d)")
# Characters that do not make two sentences different (folded punctuation, spaces, quotes).
_NOISE = re.compile(r"[\s\"'()\[\]<>《》、“”‘’]")

SCHEMA = """
CREATE TABLE IF NOT EXISTS passage_marks (
    gid INTEGER PRIMARY KEY,
    reports INTEGER NOT NULL,
    template INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sentence_marks (
    gid INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (gid, start)
) WITHOUT ROWID;
"""
# SQL condition on ``passages p``: the passage is not 通用表述 (``original:yes``).
ORIGINAL_SQL = "p.gid NOT IN (SELECT gid FROM passage_marks WHERE template = 1)"


@dataclass(frozen=True)
class SentenceMark:
    """A shared sentence of a passage: ``text[start:end]``, copied by ``reports`` other reports."""

    start: int
    end: int
    reports: int

    @property
    def template(self) -> bool:
        """Whether this sentence is 通用表述 (shared by ``MIN_REPORTS`` or more other reports)."""
        return self.reports >= MIN_REPORTS


@dataclass(frozen=True)
class PassageMark:
    """A passage's mark and its shared sentences (in text order)."""

    reports: int
    template: bool
    sentences: tuple[SentenceMark, ...]


def create(conn: sqlite3.Connection) -> None:
    """Create the mark tables (idempotent)."""
    conn.executescript(SCHEMA)


def sentence_spans(folded: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each markable sentence of a folded passage, leading/trailing spaces cut.

    Folding is length-preserving, so the spans index the display text as well.
    """
    start = 0
    for match in [*SENTENCE_END.finditer(folded), None]:
        end = match.start() if match else len(folded)
        left, right = start, end
        while left < right and folded[left].isspace():
            left += 1
        while right > left and folded[right - 1].isspace():
            right -= 1
        if right - left >= MIN_CHARS:
            yield left, right
        start = match.end() if match else len(folded)


def _key(sentence: str) -> str:
    """What two sentences are compared on: the folded text without punctuation and spaces."""
    return _NOISE.sub("", sentence)


def _shingles(key: str) -> list[bytes]:
    """The key's overlapping ``SHINGLE``-character shingles, as bytes for the hash function.

    Hashed with CRC-32 (zlib, C) rather than datasketch's default SHA-1 in Python: ≈ 4× faster,
    and a 32-bit hash is all MinHash's permutations take; marks are computed in one pass, so no
    hash needs to stay comparable across processes.
    """
    return [key[i:i + SHINGLE].encode("utf-8") for i in range(max(len(key) - SHINGLE + 1, 1))]


def near_copies(keys: list[str]) -> list[list[int]]:
    """For each distinct sentence key, the indexes of the keys that are near-verbatim copies of
    it (itself included): LSH candidates confirmed by the MinHash Jaccard estimate."""
    hashes = MinHash.bulk([_shingles(key) for key in keys], num_perm=NUM_PERM, hashfunc=zlib.crc32)
    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for index, minhash in enumerate(hashes):
            session.insert(index, minhash, check_duplication=False)
    # The Jaccard estimate of every candidate at once (numpy): a template sentence whose place
    # name varies has thousands of variants, and a pairwise Python check would be quadratic.
    signatures = numpy.vstack([minhash.hashvalues for minhash in hashes])
    out: list[list[int]] = []
    for index, minhash in enumerate(hashes):
        candidates = numpy.fromiter(lsh.query(minhash), dtype=numpy.int64)
        agree = (signatures[candidates] == signatures[index]).mean(axis=1)
        out.append(candidates[agree >= SIMILARITY].tolist())
    return out


def mark(conn: sqlite3.Connection) -> int:
    """Recompute every passage's and sentence's mark from the passages in ``conn``; the caller
    commits. Returns the number of template passages."""
    create(conn)
    places = {rid: (province, county, township) if township else ("", "", rid)
              for rid, province, county, township in conn.execute(
                  "SELECT report_id, province, county, township FROM reports")}
    key_ids: dict[str, int] = {}
    occurrences: list[tuple[int, str, int, int, int]] = []  # gid, report, start, end, key id
    rows = conn.execute("SELECT gid, report_id, folded FROM passages WHERE unit = 'p'")
    for gid, report_id, folded in rows:
        for start, end in sentence_spans(folded):
            key = _key(folded[start:end])
            if len(key) < MIN_CHARS:
                continue
            occurrences.append((gid, report_id, start, end, key_ids.setdefault(key, len(key_ids))))
    keys = list(key_ids)
    reports_of: list[set[str]] = [set() for _ in keys]
    for _gid, report_id, _start, _end, key in occurrences:
        reports_of[key].add(report_id)
    # Per key, the reports holding a copy; "other townships" then subtracts the few reports of
    # the occurrence's own township (its other years). The members of a cluster of copies often
    # have the same copies, so each distinct set of copies is united once.
    united: dict[tuple[int, ...], frozenset[str]] = {}
    holders: list[frozenset[str]] = []
    for copies in near_copies(keys) if keys else []:
        signature = tuple(sorted(copies))
        if signature not in united:
            united[signature] = frozenset().union(*(reports_of[other] for other in signature))
        holders.append(united[signature])
    same_place: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for rid, place in places.items():
        same_place[place].append(rid)
    # The other reports of an occurrence's own township (its other years); most townships have
    # one report, and then only the report itself is subtracted — counted without a scan.
    siblings = {rid: [other for other in same_place[place] if other != rid] for rid, place in places.items()}
    sentences: dict[int, list[SentenceMark]] = defaultdict(list)
    for gid, report_id, start, end, key in occurrences:
        copies_held = holders[key]
        own = 1 + sum(rid in copies_held for rid in siblings.get(report_id, ()))
        sentences[gid].append(SentenceMark(start, end, len(copies_held) - own))
    conn.execute("DELETE FROM passage_marks")
    conn.execute("DELETE FROM sentence_marks")
    rows = [(gid, *passage_mark(marks)) for gid, marks in sentences.items()]
    conn.executemany("INSERT INTO passage_marks(gid, reports, template) VALUES (?, ?, ?)",
                     [row for row in rows if row[1] or row[2]])
    conn.executemany(
        "INSERT INTO sentence_marks(gid, start, end, reports) VALUES (?, ?, ?, ?)",
        [(gid, m.start, m.end, m.reports) for gid, marks in sentences.items() for m in marks if m.reports],
    )
    return sum(row[2] for row in rows)


def passage_mark(sentences: Iterable[SentenceMark]) -> tuple[int, int]:
    """(reports, template) of a passage from its markable sentences (see the module docstring):
    the largest N whose sentences shared by ≥ N other reports cover ``COVERAGE`` of it."""
    ordered = sorted(sentences, key=lambda m: -m.reports)
    total = sum(m.end - m.start for m in ordered)
    covered = 0
    for sentence in ordered:
        covered += sentence.end - sentence.start
        if covered >= COVERAGE * total:
            return sentence.reports, int(sentence.reports >= MIN_REPORTS)
    return 0, 0


def report_marks(conn: sqlite3.Connection, report_id: str) -> dict[int, PassageMark]:
    """The marks of one report's passages, by ¶ ``seq`` (passages without a shared sentence absent)."""
    marks: dict[int, PassageMark] = {}
    rows = conn.execute(
        "SELECT p.seq, m.reports, m.template FROM passages p JOIN passage_marks m ON m.gid = p.gid "
        "WHERE p.report_id = ? AND p.unit = 'p'", (report_id,))
    heads = {seq: (reports, bool(template)) for seq, reports, template in rows}
    found: dict[int, list[SentenceMark]] = defaultdict(list)
    for seq, start, end, reports in conn.execute(
        "SELECT p.seq, s.start, s.end, s.reports FROM passages p JOIN sentence_marks s ON s.gid = p.gid "
        "WHERE p.report_id = ? AND p.unit = 'p' ORDER BY p.seq, s.start", (report_id,)
    ):
        found[seq].append(SentenceMark(start, end, reports))
    for seq in heads.keys() | found.keys():
        reports, template = heads.get(seq, (0, False))
        marks[seq] = PassageMark(reports, template, tuple(found.get(seq, ())))
    return marks


def template_gids(conn: sqlite3.Connection, gids: Iterable[int]) -> set[int]:
    """Which of ``gids`` are template passages (for ranking)."""
    wanted = list(gids)
    if not wanted:
        return set()
    out: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        out.update(gid for (gid,) in conn.execute(
            f"SELECT gid FROM passage_marks WHERE template = 1 AND gid IN ({','.join('?' * len(chunk))})",
            chunk))
    return out


def original_text(conn: sqlite3.Connection, gid: int, text: str) -> str:
    """``text`` (passage ``gid``) without its template sentences: the township's own wording."""
    cuts = [(start, end) for start, end in conn.execute(
        "SELECT start, end FROM sentence_marks WHERE gid = ? AND reports >= ? ORDER BY start",
        (gid, MIN_REPORTS))]
    pieces: list[str] = []
    cursor = 0
    for start, end in cuts:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces).strip()
