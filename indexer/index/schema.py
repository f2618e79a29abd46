"""The Whoosh schema of the ranked passage index.

One Whoosh document per place (``indexer.index.place_kinds.UNITS``: passage, heading, title). ``text`` is
analysed by the jieba tokenizer and keeps only what BM25F reads (term frequencies, field
lengths); matching, phrases, display text and snippets are served by the literal table beside it
(``indexer.index.literal``). Postings are counted by ``JiebaFrequency`` (the analyzer's terms without
its per-token objects).

Each document carries its identity (stored ``report_id``, ``unit``, ``seq``, ``heading``) and the
facet values (``archive.fields``) as columns, which keep the index self-describing
(``tests/test_index_build.py`` checks them against the store); the service counts facets in
SQLite. ``report_id`` is an indexed ID because incremental updates delete by it; ``gid`` is the
passage's key in the literal table, where the two structures meet (``indexer.ranking.bm25f.DocMap``).
Why positions are not kept and what the columns cost: docs/decisions.md.
"""

from __future__ import annotations

from whoosh.columns import NumericColumn, RefBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from archive.fields import FACET_COLUMNS
from indexer.analysis.tokenizer import JiebaFrequency, make_analyzer

# Metadata fields of a passage that can be filtered and counted, in the order the API lists them.
FACET_FIELDS = FACET_COLUMNS


def make_schema() -> Schema:
    """A fresh schema object (analyzers are not shared between indexes)."""
    text = TEXT(analyzer=make_analyzer(), phrase=False)
    text.format = JiebaFrequency(field_boost=text.format.field_boost)
    facets = {name: COLUMN(RefBytesColumn()) for name in FACET_FIELDS}
    return Schema(gid=COLUMN(NumericColumn("q")), report_id=ID(stored=True), unit=STORED(), seq=STORED(),
                  heading=STORED(), text=text, **facets)


def column_value(value: str) -> bytes:
    """How a facet value is written into its Whoosh column."""
    return value.encode("utf-8")
