"""The heading tree of a report and its passages, with offsets into the display text.

Headings are recognised at the start of a line: ``一、`` (level 1), ``（一）`` ``(一)`` ``一)``
(level 2), ``1.`` ``1、`` ``1．`` (level 3), ``（1）`` ``(1)`` (level 4).

Passages are the source's paragraphs: one per body line, never split and never repeated, so
that ¶ *n* is the *n*-th paragraph a reader sees in the file and a citation of it stays valid
across re-ingest. Two kinds of heading line:

* a line that is only a heading (``（一）强化制度建设，以机制促法制。``) is the section's heading
  and not a passage: citing it as a paragraph would point at a bare heading;
* a heading sentence with its body on the same line (``（三）压实领导责任。按照…``) is an *inline*
  heading: the whole line is one passage, and the section records where the heading part ends
  (``ParsedSection.heading_end``) so the reader styles it inside the paragraph instead of
  showing it twice.

Header lines (title, issuer, addressee) are not passages; every other non-empty line is in
exactly one passage.

Level-1 headings get a canonical kind (``SECTION_KINDS``): for annual reports by keywords
(第一责任人 / 不足·问题 / 下一步·计划·打算 / 举措·成效·开展情况); an unrecognised heading before the
first 不足 or 下一年度 section is 主要举措和成效 (reports open with what they did), after it 其他.
Plans and 工作要点 give task headings the kind 工作任务. Sub-headings inherit their parent's kind;
text before the first heading is a level-0 section 前言.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.document import ParsedPassage, ParsedSection

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
    end: int  # offset in the line where the heading as written ends (its 。 included)


def parse_heading(line: str) -> Heading | None:
    """The heading at the start of ``line``, or None."""
    for level, pattern in HEADING_PATTERNS:
        match = pattern.match(line)
        if match is None:
            continue
        rest = line[match.end():].strip()
        if not rest:
            return None
        offset = line.index(rest, match.end())  # where ``rest`` starts in ``line``
        end = SENTENCE_END.search(rest)
        title = rest[: end.start()] if end else rest
        cut_at = end.end() if end else len(rest)  # the heading sentence with its full stop
        if len(title) > MAX_TITLE:
            cut = re.search(r"[：:，,]", title)
            title = title[: cut.start()] if cut and cut.start() > 0 else title[:MAX_TITLE]
            cut_at = len(title)
        tail = rest[end.end():].strip() if end else ""
        # a title cut for length with no sentence end after it is not the whole line: not bare
        bare = title == rest or (end is not None and not tail and title == rest[: end.start()])
        heading_end = len(line.rstrip()) if bare else offset + cut_at
        return Heading(match.group(1), title.strip(), level, bare, heading_end)
    return None


def heading_kind(title: str, doc_type: str, seen_later_part: bool) -> str:
    """Canonical kind of a level-1 heading (see the module docstring)."""
    if doc_type in ("实施方案", "工作要点"):
        return "其他" if PLAN_OTHER.search(title) else "工作任务"
    for kind, pattern in KIND_RULES:
        if pattern.search(title):
            return kind
    return "主要举措和成效" if doc_type == "年度报告" and not seen_later_part else "其他"


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
                heading.number, heading.title, kind, heading.level, line.start, line.start,
                heading_end=line.start + heading.end,
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
        target.passages.append(ParsedPassage(content, line.start, line.start + len(content)))
    _set_ends(roots, len(text))
    return roots


def _set_ends(sections: list[ParsedSection], limit: int) -> None:
    """Each section ends where the next sibling starts (or where its parent ends)."""
    for i, section in enumerate(sections):
        section.end = sections[i + 1].start if i + 1 < len(sections) else limit
        _set_ends(section.children, section.end)
