"""Relevance: BM25F over the jieba field, computed by Whoosh only inside the exact match set.

Matching is decided by the literal table; Whoosh then scores just those passages (the match set
is mapped to Whoosh document numbers through ``gid``). The scoring query is an OR of the
query's words as jieba segments them (see ``scoring_query``). Passages that match
literally but share no jieba token with the query (e.g. 山镇 inside the word 坪山镇) get score 0:
they are still results, ranked after the scored ones.

Only a bounded set of candidates is scored (``indexer.service`` picks them from the literal
table: the adjacent-as-typed and the shortest matches, at most ``RANK_CANDIDATES`` each), and
``score`` walks the query's matcher to exactly those passages, so the cost follows the number
of candidates, never the words' posting lists (measurements: bench/LOG.md).
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import islice
from operator import ge

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.analysis.tokenizer import query_words
from indexer.analysis.wording import own_text

COMMON_SHARE = 0.3
# Original practice first ("枫桥经验" should first show what townships did, not the sentence every
# report copies): a score is multiplied by how much of the township's own the match is
# (``originality``). Demotions rather than filters, so template text still ranks among itself and
# is still found (``original:yes`` is the filter). A passage all of whose sentences are template
# text (``indexer.analysis.wording``) is demoted most; one that has sentences of its own but holds the query
# only in stock ones less; a match in the township's own sentences keeps its score.
TEMPLATE_DEMOTION = 0.1
GENERIC_DEMOTION = 0.35


class DocMap:
    """gid → Whoosh docnum for one reader (docnums change when segments merge; gids never do).

    Built once per reader generation, kept as one sorted ``array`` of gids per segment (8 bytes
    a passage) and looked up by bisection: a dict of Python ints cost ≈ 110 bytes a passage
    (≈ 30 MB per worker at 10,000 reports, ≈ 150 MB at 50,000, against a 400 MB budget) and
    0.3 s to build at start-up. Segments written by one writer hold ascending gids; a merged
    segment may not, and then also keeps the permutation back to its docnums. The gid column is
    read a segment at a time as one block of big-endian int64 (``array`` + ``byteswap``, C speed)
    instead of one ``__getitem__`` per document.
    """

    def __init__(self, searcher: Searcher) -> None:
        self._segments: list[tuple[int, array[int], array[int] | None, frozenset[int]]] = []
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            gids = _gid_column(reader)
            order: array[int] | None = None
            if any(map(ge, gids, islice(gids, 1, None))):
                order = array("q", sorted(range(len(gids)), key=gids.__getitem__))
                gids = array("q", (gids[i] for i in order))
            # a cached property of a segment reader, not a method
            deleted = frozenset(reader.deleted_docs_set) if reader.has_deletions() else frozenset()
            self._segments.append((offset, gids, order, deleted))

    def docnum(self, gid: int) -> int | None:
        """The live Whoosh document of passage ``gid``, or None when Whoosh does not hold it."""
        for offset, gids, order, deleted in self._segments:
            index = bisect_left(gids, gid)
            if index < len(gids) and gids[index] == gid:
                local = order[index] if order is not None else index
                if local not in deleted:
                    return offset + local
        return None


def _gid_column(reader) -> array[int]:
    """The gid of every document of one segment, deleted ones included, in docnum order."""
    column = reader.column_reader("gid", translate=False)  # the raw NumericColumn reader
    values = array("q")
    raw = getattr(column, "_dbfile", None)
    if raw is not None and getattr(column, "_fixedlen", 0) == values.itemsize:
        values.frombytes(raw.get(column._basepos, column._count * values.itemsize))
        if sys.byteorder == "little":
            values.byteswap()  # Whoosh writes NumericColumn values big-endian ("!q")
    if len(values) != reader.doc_count_all():
        values = array("q", column)  # layout not as expected: the slow, sure way
    return values


def scoring_query(searcher: Searcher, literals: Sequence[str]) -> wq.Query | None:
    """Whoosh query scoring passages for ``literals`` (None when no word is rankable).

    An OR of the query's jieba words. Words found in more than ``COMMON_SHARE`` of all passages
    are left out when rarer words remain: their BM25 idf is near zero, yet walking their posting
    lists was most of the ranking time (年 / 法治 in 2023年法治政府建设: 0.65 s at 2,000 reports).
    No phrase query: every match contains each literal already (the cross-word phrase boost is
    applied exactly, from the literal table, by ``indexer.service``), and Whoosh phrase matching
    unpickles positions per posting.
    """
    words = list(dict.fromkeys(word for text in literals for word in query_words(text)))
    if not words:
        return None
    limit = COMMON_SHARE * max(searcher.doc_count(), 1)
    rare = [word for word in words if searcher.doc_frequency("text", word) <= limit]
    if not rare:
        rare = [min(words, key=lambda word: searcher.doc_frequency("text", word))]
    return wq.Or([wq.Term("text", word) for word in rare])


def score(
    searcher: Searcher, docmap: DocMap, literals: Sequence[str], gids: Iterable[int]
) -> dict[int, float]:
    """BM25F of each of ``gids`` that shares a jieba word with the query (the boost for a match
    holding the words as typed is the service's, ``indexer.ranking.order.PHRASE_BOOST``).

    Walks the query's matcher segment by segment and ``skip_to``s each candidate: posting
    blocks are skipped whole, so the cost follows the number of candidates, not the length of
    the words' posting lists (Whoosh's own ``search(filter=…)`` steps through every posting in
    Python; see bench/LOG.md).
    """
    query = scoring_query(searcher, literals)
    if query is None:
        return {}
    wanted = sorted((docnum, gid) for gid in gids if (docnum := docmap.docnum(gid)) is not None)
    if not wanted:
        return {}
    context = searcher.context()
    out: dict[int, float] = {}
    position = 0
    for subsearcher, offset in searcher.leaf_searchers():
        end = offset + subsearcher.doc_count_all()
        matcher = query.matcher(subsearcher, context)
        while position < len(wanted) and wanted[position][0] < end:
            docnum, gid = wanted[position]
            position += 1
            local = docnum - offset
            if not matcher.is_active():
                continue
            if matcher.id() < local:
                matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                out[gid] = float(matcher.score())
    return out



def originality(conn: sqlite3.Connection, scores: dict[int, float], words: Sequence[str]) -> None:
    """Scale the scores of the places among ``scores`` by where the query's ``words`` are: in a
    sentence of the township's own (×1), only in template sentences of a passage that has own
    ones, or in a heading or title (``GENERIC_DEMOTION``: the report treats the subject, in stock
    words or as a label), in a template passage (``TEMPLATE_DEMOTION``)."""
    wanted = list(scores)
    for first in range(0, len(wanted), 500):
        chunk = wanted[first:first + 500]
        marks = ",".join("?" * len(chunk))
        for gid, unit, folded, template, spans in conn.execute(
            "SELECT p.gid, p.unit, p.folded, w.template, w.spans FROM passages p "
            f"LEFT JOIN passage_wording w ON w.gid = p.gid WHERE p.gid IN ({marks}) "
            "AND (p.unit != 'p' OR w.gid IS NOT NULL)", chunk
        ):
            if template or unit != "p":
                scores[gid] *= TEMPLATE_DEMOTION
            elif not all(word in own_text(folded, spans) for word in words):
                scores[gid] *= GENERIC_DEMOTION
