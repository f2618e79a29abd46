"""The Whoosh schema of the ranked passage index: only what BM25F ranking needs.

One Whoosh document per passage. ``text`` is analysed by the jieba tokenizer and keeps term
frequencies and field lengths — all BM25F reads. Nothing else is kept, because everything else
is served by the literal table beside it (``indexer.literal``): matching, the cross-word phrase
test, facet counts, display text and snippets. Positions, character offsets and stored text were
written for every token and passage and read by nothing, and the seven facet columns were
likewise unread (facets are ``GROUP BY``s in SQLite); profiled, they were a large share of the
index build (issue 5: 10,000 reports in ≤ 180 s). ``report_id`` stays an indexed ID because
incremental updates delete by it. Postings are counted by ``JiebaFrequency`` (same terms as the
analyzer, without its per-token objects). ``gid`` is the passage's key in the literal table: the two
structures meet through it (``indexer.ranking.DocMap``).
"""

from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, TEXT, Schema

from .analysis import JiebaFrequency, make_analyzer

# Metadata fields of a passage that can be filtered and counted, in the order the API lists them.
FACET_FIELDS = ("year", "province", "city", "county", "township", "section", "doc_type")


def make_schema() -> Schema:
    """A fresh schema object (analyzers are not shared between indexes)."""
    text = TEXT(analyzer=make_analyzer(), phrase=False)
    text.format = JiebaFrequency(field_boost=text.format.field_boost)
    return Schema(gid=COLUMN(NumericColumn("q")), report_id=ID(), text=text)
