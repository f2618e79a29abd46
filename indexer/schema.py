"""The Whoosh schema of the ranked passage index, with per-document facet columns.

One Whoosh document per passage. ``text`` is analysed by the jieba tokenizer with positions and
character offsets (BM25F, phrase scoring, highlighting). Place/time/type values are *columns*
(Whoosh ``COLUMN`` fields: sortable, groupable with ``whoosh.sorting.FieldFacet``), not indexed
terms: filtering by them is done exactly in the literal table, and indexing them cost more than
half of the build. Profiled on 7,000 passages: for every posting of a field without a length
column Whoosh-Reloaded's ``doc_field_length`` stats the filesystem (``has_column`` →
``file_exists``), 224,000 stats and 8.7 s of a 48 s build, for seven ID fields nothing queries.
``report_id`` stays an indexed ID because incremental updates delete by it. ``gid`` is the
passage's key in the literal table (``indexer.literal``): the two structures meet through it.
"""

from __future__ import annotations

from whoosh.columns import NumericColumn, RefBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from .analysis import make_analyzer

# Metadata fields of a passage that can be filtered and counted, in the order the API lists them.
FACET_FIELDS = ("year", "province", "city", "county", "township", "section", "doc_type")


def make_schema() -> Schema:
    """A fresh schema object (analyzers are not shared between indexes)."""
    facets = {name: COLUMN(RefBytesColumn()) for name in FACET_FIELDS}
    return Schema(
        gid=COLUMN(NumericColumn("q")),
        report_id=ID(stored=True),
        seq=STORED(),
        heading=STORED(),
        text=TEXT(analyzer=make_analyzer(), stored=True, phrase=True, chars=True),
        **facets,
    )


def column_value(value: str) -> bytes:
    """How a facet value is written into its Whoosh column."""
    return value.encode("utf-8")
