"""Facet counts over *all* matching passages, computed in SQLite from the materialised match set.

Why not Whoosh's ``groupedby``: it walks the column of every matching document in Python, one
call per document per facet (seven facets × every match), while here each facet is one
``GROUP BY`` in C over the ``hits`` temp table the search already filled, which carries the
facet values of each match (joining back to the wide passage rows cost 0.44 s per request at
2,000 reports; grouping the temp table costs a few ms). The values are the
same ones indexed in the Whoosh columns (both are written from the same rows by
``indexer.build``). Counts are passage counts, like ``total``; empty values (a place the parser
could not resolve) are not listed.
"""

from __future__ import annotations

import sqlite3

from .schema import FACET_FIELDS

FacetCounts = dict[str, list[list[object]]]


def facet_counts(conn: sqlite3.Connection) -> FacetCounts:
    """``{field: [[value, count], …]}`` for the passages in ``temp.hits``, count desc then value."""
    out: FacetCounts = {}
    for name in FACET_FIELDS:
        rows = conn.execute(
            f"SELECT {name}, count(*) FROM temp.hits WHERE {name} <> '' "
            f"GROUP BY {name} ORDER BY count(*) DESC, {name}"
        ).fetchall()
        out[name] = [[value, count] for value, count in rows]
    return out
