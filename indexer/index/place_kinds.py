"""The kinds of place a search covers and a result names: a paragraph, a heading, the heading
sentence that opens a paragraph, a report's title.

They are the ``unit`` column of the literal table (``indexer.index.literal``) and of everything read
from it — hits, exports, the match sets, the indicator table — so they live in a module that
imports nothing, which any of those can import without importing the table itself.
"""

from __future__ import annotations

# The kinds of place a row is (column ``unit``).
PASSAGE = "p"  # a paragraph: ¶ ``seq``
HEADING = "h"  # a heading line, which is no paragraph: anchor ``s-<seq>``
INLINE = "i"  # the heading sentence opening a paragraph: only for ``heading:``, the paragraph has it
TITLE = "t"  # the report's title
UNITS = (PASSAGE, HEADING, INLINE, TITLE)
# What a result page calls each kind of place.
PLACE_NAMES = {PASSAGE: "passage", HEADING: "heading", INLINE: "heading", TITLE: "title"}


def anchor(unit: str, seq: int) -> str:
    """The reader's fragment for a place: ``p-<seq>`` (¶), ``s-<ordinal>`` (heading), the title."""
    if unit == PASSAGE:
        return f"p-{seq}"
    return f"s-{seq}" if unit in (HEADING, INLINE) else "report-title"
