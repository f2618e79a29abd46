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
TITLE_WORDS = re.compile(
    r"报告|方案|要点|情况|通知|总结|计划|意见|年报|办法|安排|解读|通报|汇报|规则|规定|细则|规划"
)
TITLE_END = re.compile(
    r"(?:报告|方案|要点|情况|通知|总结|计划|意见|年报|办法|安排|决定|函|解读|通报|汇报|规则|规定|细则|规划)"
    r"[》」”\"]?$"
)
# The second line of a title split after its subject (柳城县龙头镇2025年法治政府建设 / 年度报告):
# a short run of title words with no year of its own.
TITLE_TAIL = re.compile(r"^[^\d\s]{0,8}(?:报告|方案|要点|情况|通知|总结|计划|年报|通报|汇报)$")
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
    # Lines of the head that are not the report's words: a title printed twice (a site's list
    # title above the document's own), a column name above the title.
    repeats: list[Line] = field(default_factory=list)

    @property
    def skipped(self) -> set[int]:
        """Start offsets of the lines that are not report body (never passages)."""
        lines = [*self.title, *self.issuer, *self.place, *self.repeats]
        if self.addressee is not None:
            lines.append(self.addressee)
        return {line.start for line in lines}

    def title_in(self, text: str) -> str:
        """The title as one string cut from ``text`` (the display text, whose offsets these
        lines share): a bare place line, then the title lines joined (a title split over lines,
        like 关于印发《…工作 / 实施方案》的通知, reads as one)."""
        return "".join(text[line.start:line.end].strip() for line in [*self.place, *self.title])

    @property
    def title_text(self) -> str:
        """The title in the form the header was read in."""
        return "".join(line.text.strip() for line in [*self.place, *self.title])


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


def _is_organ(text: str) -> bool:
    """An issuing organ's name on its own line (某镇人民政府); not the first half of a title split
    after 政府 (关于那曲市色尼区2025年度法治政府 / 建设情况的报告), which has a year or opens with 关于."""
    return bool(ORGAN_SUFFIX.search(text)) and not TITLE_WORDS.search(text) and not (
        text.startswith("关于") or re.search(r"\d", text)
    )


def _is_complete_title(text: str) -> bool:
    """A title that has ended: its document kind last, its 《》 closed (关于印发《…工作 is not)."""
    return bool(TITLE_END.search(text)) and text.count("《") <= text.count("》")


def _starts_title(text: str) -> bool:
    """A line that opens a title continued on the next line (关于…, 关于印发《…)."""
    return text.startswith("关于") or text.count("《") > text.count("》")


def _adjacent(first: Line, second: Line) -> bool:
    """No blank line between the two: a letterhead stands apart, a title's parts do not."""
    return second.start == first.end + 1


def analyse_header(text: str) -> Header:
    """Classify the opening lines of ``text`` (the display text, or its simplified reading)."""
    lines = split_lines(text)
    header = Header(lines=lines)
    pending_place: list[Line] = []
    pending_other: list[Line] = []
    for line in lines[:HEADER_SCAN_LINES]:
        value = line.text.strip()
        if ADDRESSEE.match(value) and not TITLE_WORDS.search(value):
            header.addressee = line
            break
        if _is_body(value) or re.search(r"[。；;]", value) or value.endswith((":", "：")):
            break  # a line that introduces what follows (…报告如下：) is body, never a title
        complete = bool(header.title) and _is_complete_title(header.title_text)
        if _is_organ(value):
            header.issuer.append(line)
        elif BARE_PLACE.match(value) and not TITLE_WORDS.search(value):
            pending_place.append(line)
        elif complete:
            header.repeats.append(line)  # the same title again, or a second wording of it
        elif TITLE_WORDS.search(value) or _starts_title(value) or header.title:
            if not header.title and value.startswith("关于") and len(header.issuer) == 1 and _adjacent(
                header.issuer[0], line
            ):
                # 尼山镇人民政府 / 关于…的情况报告: the organ opens the title and is still its issuer
                header.title.append(header.issuer[0])
            split_title = pending_other and TITLE_TAIL.match(value) and _adjacent(pending_other[-1], line)
            if not header.title and split_title:
                header.title.append(pending_other.pop())  # the subject half of a split title
            header.title.append(line)
            header.place.extend(pending_place)
            header.repeats.extend(pending_other)
            pending_place, pending_other = [], []
        else:
            pending_other.append(line)
    header.issuer.extend(pending_place)  # a place line with no title after it names the organ
    if header.title:
        header.repeats.extend(pending_other)
    return header
