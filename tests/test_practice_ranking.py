"""Original practice first, measured on the graded practice queries of the shipped corpus.

``tests/corpus/practice_grades.tsv`` grades every paragraph matching each of 14 queries (2 concrete
practice / 1 generic / 0 template, rule in ``tests/corpus/README.md``, graded before the ranking
was changed); ``bench.practice_ranking`` computes nDCG@10 and the share of top-5 reports whose
first hit is template text. The bar is the one set for the archive: nDCG@10 ≥ 0.85, ≤ 5 %
template first. Without the originality scaling (BM25F alone) the same queries fail it, so this
test fails when the original-first ranking is broken.
"""

from __future__ import annotations

import pytest

from bench import practice_ranking
from indexer.ranking import bm25f as ranking
from indexer.service import SearchService

NDCG = 0.85
TEMPLATE_FIRST = 0.05


def _figures(service: SearchService) -> tuple[float, float]:
    figures = practice_ranking.measure(service)
    assert len(figures) >= 10
    return sum(item.ndcg for item in figures) / len(figures), practice_ranking.template_on_top(figures)


def test_every_graded_paragraph_matches_its_query_and_every_match_is_graded(archive_config) -> None:
    service = SearchService(archive_config)
    for query, graded in practice_ranking.grades().items():
        matches = {(rid, seq) for rid, seq in service.passage_ids(query)}
        assert set(graded) == matches, query  # the exact match set, nothing ungraded


def test_concrete_practice_ranks_first_on_the_graded_queries(archive_config) -> None:
    ndcg, template_first = _figures(SearchService(archive_config))
    assert ndcg >= NDCG and template_first <= TEMPLATE_FIRST, (ndcg, template_first)


def test_without_the_originality_the_ranking_fails_the_bar(
    archive_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking, "TEMPLATE_DEMOTION", 1.0)
    monkeypatch.setattr(ranking, "GENERIC_DEMOTION", 1.0)
    ndcg, template_first = _figures(SearchService(archive_config))
    assert ndcg < NDCG or template_first > TEMPLATE_FIRST, (ndcg, template_first)
