"""Relevance: BM25F over the jieba field, computed by Whoosh only inside the exact match set.

Matching is decided by the literal table; Whoosh then scores just those passages (the match set
is handed to Whoosh as an ``allow`` filter of document numbers). The scoring query is an OR of
the query's words as jieba segments them, plus a boosted phrase for every multi-word sequence,
so passages that contain the words adjacently, as typed, rank first. Passages that match
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
    searcher: Searcher, docmap: DocMap, literals: Sequence[str], gids: Iterable[int]
) -> dict[int, float]:
    """BM25F (plus phrase boost) of each of ``gids`` that shares a jieba word with the query.

    Walks the query's matcher segment by segment and ``skip_to``s each candidate: posting
    blocks are skipped whole, so the cost follows the number of candidates, not the length of
    the words' posting lists. (Whoosh's own ``search(filter=…)`` steps through every posting in
    Python: 27,000 per request for 法治 at 2,000 reports, ≈ 0.15 s.)
    """
    query = scoring_query(literals)
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
    query = scoring_query(literals)
    if query is None:
        return {}
    results = searcher.search(query, limit=limit)
    out: dict[int, float] = {}
    for docnum, value in results.items():
        gid = docmap.to_gid[docnum]
        if gid in allowed:
            out[gid] = float(value)
    return out
