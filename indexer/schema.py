"""The Whoosh schema of the ranked passage index.

One Whoosh document per place (``indexer.literal.UNITS``: passage, heading, title). ``text`` is
analysed by the jieba tokenizer and keeps term frequencies and field lengths — all BM25F reads;
positions, character offsets and stored text are not kept, because matching, the cross-word
phrase test, display text and snippets are served by the literal table beside it
(``indexer.literal``), and writing them for every token was a large share of the index build
(issue 5: 10,000 reports in ≤ 180 s). Postings are counted by ``JiebaFrequency`` (same terms as
the analyzer, without its per-token objects).

Each document also carries its identity (stored ``report_id``, ``unit``, ``seq``, ``heading``) and the
seven facet values as sortable, groupable *columns* (``whoosh.sorting.FieldFacet``; issue 3 §2).
Measured at 2,000 reports they cost nothing noticeable to build (24.0 s vs 24.1 s). The search
service counts facets with ``GROUP BY`` in SQLite, which is faster; the columns keep the Whoosh
index self-describing and ``tests/test_index_build.py`` checks them against the store.
``report_id`` is an indexed ID because incremental updates delete by it. ``gid`` is the
passage's key in the literal table: the two structures meet through it
(``indexer.ranking.DocMap``).
"""

from __future__ import annotations

from whoosh.columns import NumericColumn, RefBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from archive.fields import FACET_COLUMNS

from .analysis import JiebaFrequency, make_analyzer

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
