"""Pasted text as a query: "paste a passage, find where else it appears".

Researchers paste a paragraph or two of one report to find the reports that share its wording.
Read as the query language, such text is one long literal (it has no spaces), found only where
the whole of it is, or a syntax error (an unbalanced “ or （). So pasted text is read as its
clauses instead: the text is cut as template clauses are (``indexer.analysis.clauses.clause_spans``:
at ，。；：！？ and line ends, a point or comma between digits not cutting), then at spaces (a
line break of copied text, which the search box turns into one); each piece of at least
``clauses.MIN_CHARS`` characters is an exact phrase, folded like every query word. A place
matches when it holds any of them, and reports are ranked by how many of the pasted clauses
they hold, then by how many characters those clauses have. Counts, facets and exports are
those of that match set, exact like every other.

When: ``passage=yes`` asks for this reading and ``passage=no`` refuses it; without either, text
holding ``MIN_CLAUSES`` such clauses with clause punctuation between them (，。；！？, which the
query language never uses as syntax) is pasted text. Filters (URL parameters, CLI options) apply
as to any search; field syntax inside pasted text is text.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from archive.errors import QuerySyntaxError
from archive.normalize import fold_for_match
from indexer.analysis.clauses import MIN_CHARS, clause_spans
from indexer.analysis.query import Vocabulary, parse
from indexer.analysis.query_lexer import spaced_controls
from indexer.analysis.query_tree import AnyOf, Literal, ParsedQuery
from indexer.index import literal_sql

MIN_CLAUSES = 2  # clauses with punctuation between them that make text "pasted" without asking
# Punctuation that ends a clause and is no syntax of the query language (folded forms).
CLAUSE_PUNCTUATION = re.compile(r"[;!?]|(?<!\d)[.,]|[.,](?!\d)")
YES = frozenset({"yes", "1", "true", "是"})
NO = frozenset({"no", "0", "false", "否"})


def clauses(text: str) -> list[str]:
    """The folded clauses of ``text`` of at least ``MIN_CHARS`` characters, each once, in order."""
    folded = fold_for_match(spaced_controls(text))
    found: list[str] = []
    for start, end in clause_spans(folded):
        found.extend(piece for piece in folded[start:end].split() if len(piece) >= MIN_CHARS)
    return list(dict.fromkeys(found))


def choice(value: str | None) -> bool | None:
    """``passage=`` as given: True (read as pasted text), False (as a query), None (decide);
    ``QuerySyntaxError`` for anything else."""
    if value is None or not value.strip():
        return None
    word = value.strip().lower()
    if word in YES or word in NO:
        return word in YES
    raise QuerySyntaxError(
        f"passage 只能是 yes（按粘贴的段落查找出处）或 no（按检索式理解），而不是“{value[:20]}”。")


def reading(text: str, asked: bool | None = None) -> list[str] | None:
    """The clauses to look for when ``text`` is read as pasted text, else None (a query).

    ``asked`` is ``choice``'s answer. Asked for, text without a clause long enough is refused
    with a message, rather than silently read as a query.
    """
    if asked is False or not text.strip():
        return None
    found = clauses(text)
    if asked is None and _quoted(text.strip()):
        return None  # "…，…" is one exact phrase, as typed
    if asked is None:
        folded = fold_for_match(text)
        breaks = sum(1 for _ in CLAUSE_PUNCTUATION.finditer(folded.strip().rstrip(".!?;,")))
        return found if len(found) >= MIN_CLAUSES and breaks else None
    if not found:
        raise QuerySyntaxError(f"按段落查找出处需要至少一个 {MIN_CHARS} 字以上的分句（以，。；！？分隔）。")
    return found


def _quoted(text: str) -> bool:
    """Whether ``text`` is one quoted phrase ("…", 「…」, “…”): the query language's exact phrase."""
    return len(text) > 1 and (text[0], text[-1]) in (('"', '"'), ("「", "」"), ("“", "”"))


def as_query(found: Sequence[str], filters: Mapping[str, str | Sequence[str]] | None,
             vocabulary: Vocabulary | None) -> ParsedQuery:
    """The search for the clauses ``found``: any of them, with ``filters`` applied as to any query.
    The query's length limit (``MAX_QUERY_CHARS``) bounds their number (to ≈ 600)."""
    base = parse("", filters, vocabulary)
    parts = tuple(Literal(clause) for clause in found)
    return replace(base, text="。".join(found), match=parts[0] if len(parts) == 1 else AnyOf(parts))


def held(conn: sqlite3.Connection, found: Sequence[str]) -> dict[int, set[int]]:
    """For each place of the match set in ``temp.hits``: the indexes of the clauses it holds.

    A clause the trigram index answers is looked up there and its places kept when they are
    matches (a set in Python): at 2,000 generated reports, 5,000 pasted characters (289 clauses,
    16,000 matching places) take 260 ms so against 793 ms visiting every match once per clause;
    any other clause is read in the matches' text."""
    matches = {gid for (gid,) in conn.execute("SELECT gid FROM temp.hits")}
    out: dict[int, set[int]] = defaultdict(set)
    for index, clause in enumerate(found):
        sql, args = literal_sql.compile_literal(clause)
        source = ("passage_keys p" if literal_sql.indexed(clause)
                  else "temp.hits h CROSS JOIN passages p ON p.gid = h.gid")
        for (gid,) in conn.execute(f"SELECT p.gid FROM {source} WHERE {sql}", args):
            if gid in matches:
                out[gid].add(index)
    return out


def report_shares(conn: sqlite3.Connection, places: Mapping[int, set[int]],
                  found: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Report id → (pasted clauses it holds, their characters), over every place that holds one."""
    report_of = dict(conn.execute(
        "SELECT h.gid, r.report_id FROM temp.hits h JOIN temp.hit_reports r ON r.report_no = h.report_no"))
    clauses_of: dict[str, set[int]] = defaultdict(set)
    for gid, indexes in places.items():
        clauses_of[report_of[gid]] |= indexes
    return {rid: (len(indexes), sum(len(found[i]) for i in indexes)) for rid, indexes in clauses_of.items()}


def ranked(conn: sqlite3.Connection, shares: Mapping[str, tuple[int, int]]) -> list[str]:
    """Every matching report, most pasted clauses first, then most of their characters, newest."""
    years = dict(conn.execute("SELECT report_id, year FROM temp.hit_reports"))
    return sorted(shares, key=lambda rid: (-shares[rid][0], -shares[rid][1], -int(years[rid] or 0), rid))
