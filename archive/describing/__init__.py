"""Describing: what a report is, from its display text — header, metadata (title, issuer,
type, year, place through the gazetteer), section tree and passages, sidecars; ``parse``
runs them in order into a ``ParsedReport``.
"""
