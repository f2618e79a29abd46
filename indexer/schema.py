"""The Whoosh schema of the ranked, faceted passage index.

One Whoosh document per passage. ``text`` is analysed by the jieba tokenizer with positions and
character offsets (BM25F, phrase scoring, highlighting); the place/time/type fields are ``ID``
fields with ``sortable=True`` so Whoosh keeps a column per field (fast sorting and faceting
without loading stored fields). ``gid`` is the passage's key in the literal-match table built
beside this index (``indexer.literal``): the two structures talk to each other through it.
"""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from .analysis import make_analyzer

# Metadata fields of a passage that can be filtered and counted, in the order the API lists them.
FACET_FIELDS = ("year", "province", "city", "county", "township", "section", "doc_type")


def make_schema() -> Schema:
    """A fresh schema object (analyzers are not shared between indexes)."""
    return Schema(
        gid=NUMERIC(int, bits=64, stored=True, unique=True, sortable=True),
        report_id=ID(stored=True, sortable=True),
        seq=NUMERIC(int, stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        county=ID(stored=True, sortable=True),
        township=ID(stored=True, sortable=True),
        section=ID(stored=True, sortable=True),
        doc_type=ID(stored=True, sortable=True),
        heading=STORED(),
        text=TEXT(analyzer=make_analyzer(), stored=True, phrase=True, chars=True),
    )
