"""Exact matching: a search's match set in SQL (``hits``) or from the match sets of frequent
words (``fastpath``, ordered by ``fast_order``), pasted text read as its clauses, and
the spread of a match set over years and places.
"""
