"""The heading tree of a report and its passages, with offsets into the display text.

Headings are recognised at the start of a line: ``一、`` (level 1), ``（一）`` ``(一)`` ``一)``
(level 2), ``1.`` ``1、`` ``1．`` (level 3), ``（1）`` ``(1)`` (level 4). Reports often write a
heading sentence and its body on one line ("（一）健全工作机制。党政主要负责人…"); the section
title is then the first sentence, and the *whole line* is still a passage so no text is lost. A
line that is only a heading is the section's title and not a passage.

Passages are lines. A line with an ``一是…二是…`` enumeration is split into its items (kind
``item``); text before 一是 stays a passage of its own. Header lines (title, issuer, addressee) are
not passages; every other non-empty line is in exactly one passage.

Level-1 headings get a canonical kind (``SECTION_KINDS``): for annual reports by keywords
(第一责任人 / 不足·问题 / 下一步·计划·打算 / 举措·成效·开展情况); an unrecognised heading before the
first 不足 or 下一年度 section is 主要举措和成效 (reports open with what they did), after it 其他.
Plans and 工作要点 give task headings the kind 工作任务. Sub-headings inherit their parent's kind;
text before the first heading is a level-0 section 前言.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import ParsedPassage, ParsedSection
from .header import split_lines

CN_NUM = "一二三四五六七八九十"
HEADING_PATTERNS = (
    (1, re.compile(rf"^([{CN_NUM}]+、)")),
    (2, re.compile(rf"^([（(][{CN_NUM}]+[）)]|[{CN_NUM}]+[）)])")),
    (4, re.compile(r"^([（(]\d{1,2}[）)])")),
    (3, re.compile(r"^(\d{1,2}[.．、])(?!\d)")),
)
SENTENCE_END = re.compile(r"[。；;！!？?]")
MAX_TITLE = 60
ENUM_MARK = re.compile(rf"([{CN_NUM}]+)是")

KIND_RULES = (
    ("其他", re.compile(r"^其他|其它")),
    ("第一责任人职责", re.compile(r"第一责任人")),
    ("存在的不足和原因", re.compile(r"不足|问题|差距|短板|困难|薄弱")),
    ("下一年度工作安排", re.compile(r"下一步|下一年|下步|明年|计划|打算|安排|思路|展望|工作重点|努力方向")),
    ("主要举措和成效", re.compile(
        r"举措|成效|做法|开展情况|推进情况|工作情况|主要工作|进展|成绩|亮点|措施|落实情况"
    )),
)
PLAN_OTHER = re.compile(r"总体要求|指导思想|工作目标|基本原则|保障措施|组织保障|工作要求|组织实施|组织领导")


@dataclass
class Heading:
    """A heading line: its label as written, title and level."""

    number: str
    title: str
    level: int
    bare: bool  # the line is only the heading (no body text after its first sentence)


def parse_heading(line: str) -> Heading | None:
    """The heading at the start of ``line``, or None."""
    for level, pattern in HEADING_PATTERNS:
        match = pattern.match(line)
        if match is None:
            continue
        rest = line[match.end():].strip()
        if not rest:
            return None
        end = SENTENCE_END.search(rest)
        title = rest[: end.start()] if end else rest
        if len(title) > MAX_TITLE:
            cut = re.search(r"[：:，,]", title)
            title = title[: cut.start()] if cut and cut.start() > 0 else title[:MAX_TITLE]
        tail = rest[end.end():].strip() if end else ""
        bare = title == rest or (not tail and title == rest[: end.start()])
        return Heading(match.group(1), title.strip(), level, bare)
    return None


def heading_kind(title: str, doc_type: str, seen_later_part: bool) -> str:
    """Canonical kind of a level-1 heading (see the module docstring)."""
    if doc_type in ("实施方案", "工作要点"):
        return "其他" if PLAN_OTHER.search(title) else "工作任务"
    for kind, pattern in KIND_RULES:
        if pattern.search(title):
            return kind
    return "主要举措和成效" if doc_type == "年度报告" and not seen_later_part else "其他"


def split_items(text: str, start: int) -> list[ParsedPassage]:
    """A line as passages: its 一是/二是… items when it enumerates, else the line itself."""
    marks: list[re.Match[str]] = []
    expected = 1
    for match in ENUM_MARK.finditer(text):
        if expected <= len(CN_NUM) and match.group(1) == CN_NUM[expected - 1]:
            marks.append(match)
            expected += 1
    if not marks or (len(marks) == 1 and marks[0].start() != 0):
        # a line of its own that starts "二是…" is still an enumerated item
        kind = "item" if ENUM_MARK.match(text) else "paragraph"
        return [ParsedPassage(text, start, start + len(text), kind)]
    pieces: list[tuple[int, int, str]] = []
    if marks[0].start() > 0:
        pieces.append((0, marks[0].start(), "paragraph"))
    bounds = [m.start() for m in marks] + [len(text)]
    pieces.extend((bounds[i], bounds[i + 1], "item") for i in range(len(marks)))
    passages = []
    for a, b, kind in pieces:
        chunk = text[a:b]
        stripped = chunk.rstrip()
        lead = len(chunk) - len(chunk.lstrip())
        if stripped.strip():
            passages.append(ParsedPassage(stripped[lead:], start + a + lead, start + a + len(stripped), kind))
    return passages


def build_sections(text: str, skipped: set[int], doc_type: str) -> list[ParsedSection]:
    """The section forest of ``text``; lines starting at an offset in ``skipped`` are left out."""
    roots: list[ParsedSection] = []
    stack: list[ParsedSection] = []
    preamble: ParsedSection | None = None
    seen_later_part = False
    for line in split_lines(text):
        if line.start in skipped:
            continue
        content = line.text.rstrip()
        heading = parse_heading(content)
        if heading is not None:
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            if stack:
                kind = stack[-1].kind
            else:
                kind = heading_kind(heading.title, doc_type, seen_later_part)
                seen_later_part = seen_later_part or kind in ("存在的不足和原因", "下一年度工作安排")
            section = ParsedSection(
                heading.number, heading.title, kind, heading.level, line.start, line.start
            )
            (stack[-1].children if stack else roots).append(section)
            stack.append(section)
            if heading.bare:
                continue
        target = stack[-1] if stack else None
        if target is None:
            if preamble is None:
                preamble = ParsedSection("", "前言", "前言", 0, line.start, line.start)
                roots.insert(0, preamble)
            target = preamble
        target.passages.extend(split_items(content, line.start))
    _set_ends(roots, len(text))
    return roots


def _set_ends(sections: list[ParsedSection], limit: int) -> None:
    """Each section ends where the next sibling starts (or where its parent ends)."""
    for i, section in enumerate(sections):
        section.end = sections[i + 1].start if i + 1 < len(sections) else limit
        _set_ends(section.children, section.end)
