"""In-memory shape of one parsed report: the contract between parsing, storing and indexing.

Parsing (``archive.parse``) produces a ``ParsedReport``; the store (``archive.store``) persists
it; nothing downstream re-reads the original file. Offsets are character offsets into
``ParsedReport.text`` (the display text), so a passage can always be cut back out of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = ("年度报告", "实施方案", "工作要点", "其他")

# Canonical section kinds. Annual reports use the five parts the national rules require
# (plus 前言 for the preamble); plans use 工作任务 for their task headings.
SECTION_KINDS = (
    "前言",
    "主要举措和成效",
    "第一责任人职责",
    "存在的不足和原因",
    "下一年度工作安排",
    "工作任务",
    "其他",
)


@dataclass
class Metadata:
    """Everything known about a report besides its text.

    ``provenance`` maps a field name to where its value came from (e.g. ``"title line"``,
    ``"sidecar"``, ``"gazetteer: 平安信阳指数 → 信阳市"``) so a user can see why a place was chosen;
    ``notes`` holds human-readable remarks such as why a county was left empty.
    """

    title: str = ""
    issuer: str = ""
    township: str = ""
    county: str = ""
    city: str = ""
    province: str = ""
    year: int | None = None
    doc_type: str = "其他"
    issue_date: str = ""  # ISO yyyy-mm-dd, empty when the text does not state it
    division_code: str = ""  # official code of the most precise place resolved
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ParsedPassage:
    """A paragraph, or one ``一是…`` item of a paragraph: the unit that is searched and cited."""

    text: str
    start: int
    end: int
    kind: str = "paragraph"  # "paragraph" | "item"


@dataclass
class ParsedSection:
    """One heading and what lies under it. The preamble is a section titled 前言 with no number."""

    number: str  # the label as written with its punctuation: "一、", "（一）", "1.", "一是"; "" for preamble
    title: str
    kind: str
    level: int  # 0 for preamble, 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）
    start: int
    end: int
    passages: list[ParsedPassage] = field(default_factory=list)
    children: list[ParsedSection] = field(default_factory=list)

    def walk(self):
        """Yield this section and all its descendants in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class RawDocument:
    """What a reader got out of a file before any interpretation.

    ``fields`` carries labelled values found outside the body text, such as the
    索引号/发布机构/成文日期 table of a saved government web page.
    """

    text: str
    media_type: str
    encoding: str = ""
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedReport:
    """A report ready to store: display text, metadata and section tree."""

    text: str
    metadata: Metadata
    sections: list[ParsedSection]

    def passages(self) -> list[tuple[ParsedSection, list[ParsedSection], ParsedPassage]]:
        """All passages in document order with their section and heading path (root first)."""
        out: list[tuple[ParsedSection, list[ParsedSection], ParsedPassage]] = []

        def visit(section: ParsedSection, path: list[ParsedSection]) -> None:
            here = [*path, section]
            for passage in section.passages:
                out.append((section, here, passage))
            for child in section.children:
                visit(child, here)

        for top in self.sections:
            visit(top, [])
        out.sort(key=lambda item: item[2].start)
        return out
