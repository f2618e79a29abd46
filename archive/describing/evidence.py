"""What a report's metadata is read from, in one value: the display text, its simplified reading,
the header, the page's labelled fields and breadcrumb, the file name and the page's address.

Its own module because both the field readers (``archive.describing.metadata``) and the type rules
(``archive.describing.doctype``) take it, and neither should import the other to name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .header import Header


@dataclass
class Evidence:
    """Everything metadata is read from.

    ``reading`` has the offsets of ``text`` (the display text) and is the simplified form of a
    report written in traditional characters (``archive.normalize.simplify``), else ``text``
    itself: titles, places, years and types are read from it, what users see is cut from
    ``text``. ``fields`` are the page's labelled values (索引号, 发布机构…) and ``crumbs`` its
    breadcrumb, both from ``archive.reading.cleaning.clean_page``.
    """

    text: str
    reading: str
    header: Header
    fields: dict[str, str] = field(default_factory=dict)
    crumbs: list[str] = field(default_factory=list)
    filename: str = ""
    # Where the page was published, when known from outside the text (a harvest, a sidecar's
    # ``url``): a weak place clue (``archive.describing.domain``).
    address: str = ""

    @cached_property
    def body(self) -> list[str]:
        """The lines of the reading that are report body, in order."""
        return [line.text.strip() for line in self.header.lines if line.start not in self.header.skipped]

    @cached_property
    def opening(self) -> str:
        """The report's first paragraph: where an untitled report says what it is and whose."""
        return next(iter(self.body), "")
