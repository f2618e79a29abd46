"""Template text, sentence by sentence: which sentences of a paragraph are the township's own.

A paragraph is cut into sentences (between 。！？； and line ends, at least ``MIN_CHARS``
characters); a sentence with no particular of the township's own (``indexer.analysis.particulars``:
figures of its work, names it coined, named bodies, places and persons, documents and honours
of its own …) is **template text** — stock wording of the upper-level documents and of other
reports, whatever the place name put in. A paragraph all of whose sentences are template is a
*template passage*.

What uses it:

* ``original:yes`` (只看特色做法): a passage matches when the query holds in its own sentences,
  its template sentences left out (``own_match``) — ``original:yes 以习近平新时代中国特色社会主义
  思想为指导`` finds nothing, as that formula is in no township's own sentence; a template passage
  has no own sentence, so it never matches;
* ranking (``indexer.ranking.bm25f.originality``): a passage whose matching words are in its own
  sentences first, then one that has own sentences but matches in stock ones, then template
  passages;
* every hit's ``template`` flag, the reader's muted sentences, the similar-practice query (its
  own wording only).

Stored in the literal table, one row per paragraph that has a template sentence
(``passage_wording``: whether all its sentences are, and their spans), written with the passage
and deleted with it (trigger in ``indexer.index.literal``): the rules read one sentence and its
report's place, never other reports, so an incremental update needs no recount.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from archive.normalize import fold_for_match

from .particulars import particulars
from .query_tree import AllOf, AnyOf, Literal, Node, Not, SameSentence, sentences_contain_all

MIN_CHARS = 8  # shorter sentences (fragments, numbering) are neither own nor template
SENTENCE_END = re.compile(r"[。！？；!?;\n\r]")
BLANK = "\uffff"  # stands for a template sentence's characters in a passage's own text
_KEPT = frozenset(".!?;\n\r")  # sentence ends, as folded: kept in the own text
_PLACE_SUFFIXES = ("街道", "镇", "乡")

SCHEMA = """
CREATE TABLE IF NOT EXISTS passage_wording (
    gid INTEGER PRIMARY KEY,
    template INTEGER NOT NULL,
    spans TEXT NOT NULL
);
"""
# SQL condition on ``passages p`` (or ``passage_keys p``): not a template passage.
NOT_TEMPLATE_SQL = "NOT EXISTS (SELECT 1 FROM passage_wording w WHERE w.gid = p.gid AND w.template = 1)"
# SQL condition on ``passages p`` for ``original:yes`` (one parameter: ``node_json`` of the match).
ORIGINAL_SQL = ("NOT EXISTS (SELECT 1 FROM passage_wording w WHERE w.gid = p.gid "
                "AND (w.template = 1 OR NOT own_match(p.folded, w.spans, ?)))")


@dataclass(frozen=True)
class TemplateSentence:
    """A template sentence of a paragraph, ``text[start:end]``, as the reader shows it: how many
    other reports hold a copy of its most shared clause, ``text[clause[0]:clause[1]]`` (none: stock
    wording that no report repeats closely)."""

    start: int
    end: int
    reports: int = 0
    clause: tuple[int, int] | None = None


def create(conn: sqlite3.Connection) -> None:
    """Create the table (idempotent)."""
    conn.executescript(SCHEMA)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` long enough to judge, surrounding spaces cut.

    Cut on the display text, where 。 is not the · of ``奔牛事·牛盾解`` (both fold to ``.``).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*SENTENCE_END.finditer(text), None]:
        end = match.end() if match else len(text)
        piece = text[start:end]
        kept = piece.strip()
        if len(kept) >= MIN_CHARS:
            left = start + len(piece) - len(piece.lstrip())
            spans.append((left, left + len(kept)))
        start = end
    return spans


def own_names(township: str) -> tuple[str, ...]:
    """The report's township, folded, with and without its 镇/乡/街道: what a document of its own
    names in its title. Not its county: a township report cites the county's documents as
    upper-level ones, and a report whose township is not known cannot tell them apart."""
    name = fold_for_match(township or "")
    return tuple(dict.fromkeys(n for n in (name, township_stem(township)) if len(n) >= 2))


def township_stem(township: str) -> str:
    """The township's name without its 镇/乡/街道, folded ('' when that leaves one character)."""
    name = fold_for_match(township or "")
    suffix = next((s for s in _PLACE_SUFFIXES if name.endswith(s)), "")
    stem = name[:len(name) - len(suffix)] if suffix else ""
    return stem if len(stem) >= 2 else ""


def template_spans(text: str, folded: str, names: tuple[str, ...]) -> tuple[list[tuple[int, int]], bool]:
    """The spans of the template sentences of a paragraph, and whether every sentence is one."""
    spans = sentences(text)
    template = [(start, end) for start, end in spans if not particulars(folded[start:end], names)]
    return template, bool(spans) and len(template) == len(spans)


def rows(passages: Iterable[tuple[int, str, str]], names: dict[int, tuple[str, ...]]
         ) -> list[tuple[int, int, str]]:
    """``passage_wording`` rows for paragraphs ``(gid, text, folded)``; ``names`` by gid."""
    out: list[tuple[int, int, str]] = []
    for gid, text, folded in passages:
        spans, template = template_spans(text, folded, names.get(gid, ()))
        if spans:
            out.append((gid, int(template), encode(spans)))
    return out


def encode(spans: Sequence[tuple[int, int]]) -> str:
    """Spans as stored: ``start-end`` joined by commas."""
    return ",".join(f"{start}-{end}" for start, end in spans)


@lru_cache(maxsize=4096)
def decode(stored: str) -> tuple[tuple[int, int], ...]:
    """Stored spans back as (start, end) pairs."""
    if not stored:
        return ()
    return tuple((int(a), int(b)) for a, b in (part.split("-") for part in stored.split(",")))


def own_text(folded: str, stored: str | None) -> str:
    """``folded`` with its template sentences blanked (same length: offsets still hold); their
    closing punctuation stays, so the own sentences around one are still two sentences."""
    if not stored:
        return folded
    chars = list(folded)
    for start, end in decode(stored):
        for index in range(start, end):
            if chars[index] not in _KEPT:
                chars[index] = BLANK
    return "".join(chars)


def node_json(node: Node) -> str:
    """A match tree as the JSON ``own_match`` reads (``Not`` parts are left to the plain match)."""
    return json.dumps(_plain(node), ensure_ascii=False)


def _plain(node: Node) -> object:
    if isinstance(node, Literal):
        return node.text
    if isinstance(node, AllOf | AnyOf):
        return {"all" if isinstance(node, AllOf) else "any": [_plain(part) for part in node.parts]}
    if isinstance(node, SameSentence):
        return {"sentence": list(node.words)}
    if isinstance(node, Not):
        return {"all": []}  # true: the exclusion is tested on the whole passage
    raise TypeError(f"unknown query node {node!r}")


def _holds(tree: object, text: str) -> bool:
    if isinstance(tree, str):
        return tree in text
    assert isinstance(tree, dict)
    if "sentence" in tree:
        return sentences_contain_all(text, tree["sentence"])
    if "all" in tree:
        return all(_holds(part, text) for part in tree["all"])
    return any(_holds(part, text) for part in tree["any"])


@lru_cache(maxsize=256)
def _tree(tree_json: str) -> object:
    return json.loads(tree_json)


def own_match(folded: str, stored: str | None, tree_json: str) -> int:
    """SQL function: 1 when the match (``node_json``) holds in the passage's own sentences."""
    return int(_holds(_tree(tree_json), own_text(folded, stored)))


def marks(conn: sqlite3.Connection, gids: Iterable[int]) -> dict[int, tuple[bool, str]]:
    """(template, stored spans) of those of ``gids`` that have a template sentence."""
    wanted = list(gids)
    found: dict[int, tuple[bool, str]] = {}
    for first in range(0, len(wanted), 500):
        chunk = wanted[first:first + 500]
        found.update((gid, (bool(template), spans)) for gid, template, spans in conn.execute(
            f"SELECT gid, template, spans FROM passage_wording WHERE gid IN ({','.join('?' * len(chunk))})",
            chunk))
    return found
