"""Relevance: BM25F over the jieba field, computed by Whoosh only inside the exact match set.

Matching is decided by the literal table; Whoosh then scores just those passages (the match set
is handed to Whoosh as an ``allow`` filter of document numbers). The scoring query is an OR of
the query's words as jieba segments them, plus a boosted phrase for every multi-word sequence,
so passages that contain the words adjacently, as typed, rank first. Passages that match
literally but share no jieba token with the query (e.g. 山镇 inside the word 坪山镇) get score 0:
they are still results, ranked after the scored ones.

Whoosh's top-N collector with block-quality skipping scores at most ``limit`` passages deeply,
which keeps common-word queries cheap; the pages beyond that depth are ordered by
``indexer.service`` without scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from .analysis import query_words

PHRASE_BOOST = 2.0


class DocMap:
    """gid ↔ Whoosh docnum for one reader (docnums change when segments merge; gids never do)."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        self.to_gid: list[int] = list(reader.column_reader("gid"))
        self.to_docnum: dict[int, int] = {}
        for docnum, gid in enumerate(self.to_gid):
            if not reader.is_deleted(docnum):
                self.to_docnum[gid] = docnum


def scoring_query(literals: Sequence[str]) -> wq.Query | None:
    """Whoosh query scoring passages for ``literals`` (None when no word is rankable)."""
    terms: dict[str, wq.Query] = {}
    phrases: list[wq.Query] = []
    for text in literals:
        words = query_words(text)
        for word in words:
            terms.setdefault(word, wq.Term("text", word))
        if len(words) > 1:
            phrases.append(wq.Phrase("text", words, boost=PHRASE_BOOST))
    if not terms:
        return None
    return wq.Or([*terms.values(), *phrases])


def score(
    searcher: Searcher, docmap: DocMap, literals: Sequence[str], gids: Iterable[int], limit: int | None
) -> list[tuple[int, float]]:
    """(gid, score) of the best ``limit`` passages among ``gids``, best first."""
    query = scoring_query(literals)
    if query is None:
        return []
    allow = {docmap.to_docnum[gid] for gid in gids if gid in docmap.to_docnum}
    if not allow:
        return []
    results = searcher.search(query, filter=allow, limit=limit)
    return [(docmap.to_gid[docnum], float(value)) for docnum, value in results.items()]
