"""Relevance: BM25F over the jieba field, computed by Whoosh only inside the exact match set.

Matching is decided by the literal table; Whoosh then scores just those passages (the match set
is mapped to Whoosh document numbers through ``gid``). The scoring query is an OR of the
query's words as jieba segments them (see ``scoring_query``). Passages that match
literally but share no jieba token with the query (e.g. 山镇 inside the word 坪山镇) get score 0:
they are still results, ranked after the scored ones.

Two ways to get the scores, chosen by the size of the match set (``indexer.service``):

* ``score``: few matches → walk the query's matcher to exactly those passages (cost follows
  the number of matches);
* ``top``: very many matches → Whoosh's own top-N over the whole index, intersected with the
  match set (cost follows the words' posting lists; measured ≈ 140 ms for 法治 at 2,000
  reports, the Whoosh floor for a term in half of all passages). Matches outside that top-N
  are still results, ordered after it.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from .analysis import query_words

COMMON_SHARE = 0.3


class DocMap:
    """gid ↔ Whoosh docnum for one reader (docnums change when segments merge; gids never do).

    Built once per reader generation. The gid column is read a segment at a time as one block of
    big-endian int64 (``array`` + ``byteswap``, C speed) instead of one ``__getitem__`` per
    document (0.17 s at 70,000 passages, which would be seconds at national scale).
    """

    def __init__(self, searcher: Searcher) -> None:
        self.to_gid: array[int] = array("q")
        deleted: set[int] = set()
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            self.to_gid.extend(_gid_column(reader))
            if reader.has_deletions():
                deleted.update(offset + docnum for docnum in reader.deleted_docs_set())
        self.to_docnum: dict[int, int] = dict(zip(self.to_gid, range(len(self.to_gid)), strict=True))
        for docnum in deleted:
            self.to_docnum.pop(self.to_gid[docnum], None)


def _gid_column(reader) -> array[int]:
    """The gid of every document of one segment, deleted ones included, in docnum order."""
    column = reader.column_reader("gid")
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
    """BM25F (plus phrase boost) of each of ``gids`` that shares a jieba word with the query.

    Walks the query's matcher segment by segment and ``skip_to``s each candidate: posting
    blocks are skipped whole, so the cost follows the number of candidates, not the length of
    the words' posting lists. (Whoosh's own ``search(filter=…)`` steps through every posting in
    Python: 27,000 per request for 法治 at 2,000 reports, ≈ 0.15 s.)
    """
    query = scoring_query(searcher, literals)
    if query is None:
        return {}
    wanted = sorted(docmap.to_docnum[gid] for gid in gids if gid in docmap.to_docnum)
    if not wanted:
        return {}
    context = searcher.context()
    out: dict[int, float] = {}
    position = 0
    for subsearcher, offset in searcher.leaf_searchers():
        end = offset + subsearcher.doc_count_all()
        matcher = query.matcher(subsearcher, context)
        while position < len(wanted) and wanted[position] < end:
            docnum = wanted[position]
            position += 1
            local = docnum - offset
            if not matcher.is_active():
                continue
            if matcher.id() < local:
                matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                out[docmap.to_gid[docnum]] = float(matcher.score())
    return out


def top(
    searcher: Searcher, docmap: DocMap, literals: Sequence[str], allowed: set[int], limit: int
) -> dict[int, float]:
    """BM25F scores of the best ``limit`` passages of the index that are in ``allowed`` (gids)."""
    query = scoring_query(searcher, literals)
    if query is None:
        return {}
    results = searcher.search(query, limit=limit)
    out: dict[int, float] = {}
    for docnum, value in results.items():
        gid = docmap.to_gid[docnum]
        if gid in allowed:
            out[gid] = float(value)
    return out
