"""The head of a report: which opening lines are title, issuing organ and addressee.

Metadata needs these lines (title, issuer) and structure needs to leave them out of the passages,
so both read the same ``Header``. Only the first few lines are examined and the scan stops at the
first line that reads like body text (a numbered heading, a long or punctuated sentence), so a
report body can never be mistaken for a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER_SCAN_LINES = 8
MAX_TITLE_LINE = 60
ORGAN_SUFFIX = re.compile(r"(委员会|人民政府|政府|办公室|党委|办事处|管委会|管理委员会)$")
TITLE_WORDS = re.compile(r"报告|方案|要点|情况|通知|总结|计划|意见|年报|办法|安排")
BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,16}(镇|乡|街道|县|区|市)$")
ADDRESSEE = re.compile(r"^[^。；;]{2,60}[:：]$")
HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[)）]|\d{1,2}[.．、])"
)
SENTENCE_PUNCT = re.compile(r"[，,。；;！？]")


@dataclass
class Line:
    """One non-empty line of the display text with its offsets."""

    start: int
    end: int
    text: str


@dataclass
class Header:
    """The opening block of a report. Lists hold lines in document order."""

    lines: list[Line]
    title: list[Line] = field(default_factory=list)
    issuer: list[Line] = field(default_factory=list)
    place: list[Line] = field(default_factory=list)  # a bare place line that prefixes the title
    addressee: Line | None = None

    @property
    def skipped(self) -> set[int]:
        """Start offsets of the lines that are not report body (never passages)."""
        lines = [*self.title, *self.issuer, *self.place]
        if self.addressee is not None:
            lines.append(self.addressee)
        return {line.start for line in lines}

    @property
    def title_text(self) -> str:
        """The title as one string: a bare place line, then the title lines joined (a title split
        over lines, like 关于印发《…工作 / 实施方案》的通知, reads as one)."""
        if not self.title:
            return ""
        return "".join(line.text for line in [*self.place, *self.title])


def split_lines(text: str) -> list[Line]:
    """Non-empty lines of ``text`` with their offsets."""
    lines: list[Line] = []
    position = 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(Line(position, position + len(raw), raw))
        position += len(raw) + 1
    return lines


def _is_body(text: str) -> bool:
    return bool(HEADING_START.match(text)) or len(text) > MAX_TITLE_LINE or (
        bool(SENTENCE_PUNCT.search(text)) and len(text) > 30
    )


def analyse_header(text: str) -> Header:
    """Classify the opening lines of the display text ``text``."""
    lines = split_lines(text)
    header = Header(lines=lines)
    pending_place: list[Line] = []
    for line in lines[:HEADER_SCAN_LINES]:
        value = line.text.strip()
        if ADDRESSEE.match(value) and not TITLE_WORDS.search(value):
            header.addressee = line
            break
        if _is_body(value) or re.search(r"[。；;]", value):
            break
        if ORGAN_SUFFIX.search(value) and not TITLE_WORDS.search(value):
            header.issuer.append(line)
        elif BARE_PLACE.match(value) and not TITLE_WORDS.search(value):
            pending_place.append(line)
        else:
            header.title.append(line)
            header.place.extend(pending_place)
            pending_place = []
    header.issuer.extend(pending_place)  # a place line with no title after it names the organ
    return header
