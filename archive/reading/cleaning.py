"""Display normalisation: the text a user reads, cites and downloads excerpts from.

``clean_page`` turns what a reader extracted into the display text (``ParsedReport.text``).
Every passage offset points into its result, so it is applied exactly once, before metadata and
structure. Matching-form folding (full/half width, punctuation variants, traditional →
simplified) is *not* done here: it lives in ``archive.normalize.fold_for_match`` and the display
text keeps every character as written.

The transformations, in order:

1. line breaks: CRLF and lone CR → LF (files come from Windows editors and web pages);
2. DOCX conversion leftovers ``[bookmark: _GoBack]`` (and any other ``[bookmark: …]``) are
   removed: they are Word's "last edit position" marker, never part of the report; so is the
   pinyin that converter sites print after characters (``鎮(zhèn)``: a bracketed syllable with a
   tone mark right after a Chinese character, ``會(huì )`` too), a reading aid that no document
   writes, and one that splits the words a search or the indicator table looks for (學(xué)法);
3. invisible characters: zero-width space/joiners and stray BOMs (U+200B-U+200D, U+2060, U+FEFF)
   are removed; NBSP and the other fixed-width spaces (U+00A0, U+2000-U+200A, U+202F, U+205F)
   become an ordinary space, so a search for two words is not defeated by an invisible character;
4. each line loses its leading indentation (spaces, tabs, ideographic spaces U+3000: Chinese
   documents indent paragraphs with two full-width spaces) and its trailing whitespace;
   spaces *inside* a line are kept as written;
5. web metadata lines (the 索引号/发布机构/成文日期… table of a saved government page, written as
   ``| 索 引 号 | … |`` rows, ``- 发布机构: …`` items, ``[ 成文日期 ] 2025-01-22``, ``来源:…
   发布时间:…`` lines, ``发布机构某镇人民政府`` with no colon in the page's head, or a label
   alone on a line with its value on the next) are dropped from
   the body; ``clean_page`` returns their values as ``CleanPage.fields``;
6. page furniture at the edges (breadcrumbs, the site's name, widgets, footer: see
   ``archive.reading.page_chrome``) is dropped; the breadcrumb's crumbs are kept in ``CleanPage.crumbs``;
7. blank lines: runs of blank lines become one blank line; leading/trailing blank lines go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from archive.normalize import simplify

from .page_chrome import breadcrumb, head_end, is_site_banner, strip_chrome

# Labels under which a page gives its own address (read as the report's source URL).
ADDRESS_LABELS = ("网址", "原文链接", "原文地址", "链接", "URL", "url")
# Labels of the metadata block that government web pages put above a document. A line made only
# of these label/value pairs is page furniture, not report text.
METADATA_LABELS = (
    "索引号", "发布机构", "成文日期", "发布日期", "公文生成日期", "生成日期", "发布时间", "来源",
    "信息来源", "文号", "备注/文号", "发文字号", "发文机关", "公开方式", "公开范围", "公开时限",
    "组配分类", "主题分类", "体裁分类", "服务对象分类", "废止日期", "有效性", "时效", "所属机构",
    "信息分类", "发布单位", "浏览次数", "字号", "发文日期", "公开日期", "日期", "作者", "点击", "浏览",
    "点击数", "点击率", "阅读次数", "访问量", "标题", "名称", "分类", "文件分类", "主题词", "生效时间",
    "终止时间", "生效日期", "失效日期", "字体大小", "责任编辑", "编辑", "发布人", "文件编号", "时效性",
    "发文机构", "发文时间", "文件有效性",
    *ADDRESS_LABELS,
)

# Labels a page may print glued to their value, with no colon (``索引号pbxx/2026-00001``,
# ``发布机构屏边县新华乡人民政府``): only these long, unmistakable ones, and only as a short line
# that is no sentence, so a body line opening with a word like 日期 or 来源 stays text.
GLUED_LABELS = ("索引号", "发布机构", "发文机关", "成文日期", "发布日期", "公文生成日期", "发文字号",
                "主题分类", "组配分类", "体裁分类", "所属机构", "时效性", "有效性", "发布时间")
GLUED_VALUE = re.compile(r"[^，。；,;：:]{1,40}")

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
# A converter site's reading aid after a character: 鎮(zhèn), 現(xiàn), 會(huì ) — one pinyin syllable
# with its tone mark (the marked vowel is a letter of the syllable), a space before the bracket.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,6}} ?[)）]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
_LEADING = re.compile("^[ \t\u3000]+")
_BULLET = re.compile(r"^[-*•·]\s*")


def _spaced_labels() -> str:
    """Any known label, tolerating the spaces pages put between its characters (索 引 号)."""
    spaced = [r"\s*".join(map(re.escape, label)) for label in sorted(METADATA_LABELS, key=len, reverse=True)]
    return "(" + "|".join(spaced) + ")"


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    """A label and its colon (``发布机构：``)."""
    return re.compile(_spaced_labels() + r"\s*[:：]\s*")


@lru_cache(maxsize=1)
def _bracketed_label() -> re.Pattern[str]:
    """A label in brackets instead of before a colon: ``[ 成文日期 ] 2025-01-22``, ``【发布机构】…``."""
    return re.compile(r"[\[【]\s*" + _spaced_labels() + r"\s*[\]】]\s*")


def _compact(label: str) -> str:
    return re.sub(r"\s+", "", label)


def parse_metadata_line(line: str) -> dict[str, str] | None:
    """The label → value pairs of a metadata line, or None when the line is report text.

    Recognised shapes: a markdown-ish table row whose first cell is a known label
    (``| 发布机构 | 兖州区新驿镇 | 组配分类 | … |``), a list item ``- 发布机构: 古镛镇人民政府``,
    and a line made only of ``label:value`` pairs (``来源:静海区人民政府办公室 发布时间:2024-03-28``).
    """
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.startswith("|"):
        return _table_row(stripped)
    body = _bracketed_label().sub(r"\1:", _BULLET.sub("", stripped))
    # Labels are matched in simplified form (發布時間 is 发布时间: same length, same offsets);
    # values keep their characters as written.
    matches = list(_label_pattern().finditer(simplify(body)))
    if not matches or matches[0].start() != 0:
        return _glued_pair(body)
    pairs: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        pairs[_compact(match.group(1))] = body[match.end():end].strip()
    return pairs


def _table_row(row: str) -> dict[str, str] | None:
    """The pairs of a table row whose first cell is a label: label and value in cells of their
    own (``| 发布机构 | 兖州区新驿镇 |``), or a cell that holds both (``| 标题:关于…的报告 | |``)."""
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    pairs: dict[str, str] = {}
    index = 0
    while index < len(cells):
        cell = cells[index]
        inline = _label_pattern().match(simplify(cell))
        if inline and inline.end() < len(cell):
            pairs.setdefault(_compact(inline.group(1)), cell[inline.end():].strip())
            index += 1
            continue
        label = _compact(simplify(cell)).rstrip(":：")
        if label in METADATA_LABELS:
            following = cells[index + 1] if index + 1 < len(cells) else ""
            if _label_pattern().match(simplify(following)):  # | 发文字号: | 发文时间:2025-12-22 |
                following = ""
                index -= 1
            pairs.setdefault(label, following)
            index += 2
        elif not pairs and cell:
            return None  # a table of the report's own, not the page's record
        else:
            index += 1
    return pairs or None


def _glued_pair(line: str) -> dict[str, str] | None:
    """``{label: value}`` of a line that is one of ``GLUED_LABELS`` glued to a short value."""
    reading = simplify(line)
    for label in GLUED_LABELS:
        if reading.startswith(label) and GLUED_VALUE.fullmatch(line, len(label)):
            return {label: line[len(label):].strip()}
    return None


def extract_fields(text: str) -> dict[str, str]:
    """Non-empty labelled values of every metadata line in ``text`` (first occurrence wins)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        for label, value in (parse_metadata_line(line) or {}).items():
            if value and label not in fields:
                fields[label] = value
    return fields


def _label_alone(line: str) -> str:
    """The label when ``line`` is nothing but a metadata label (``索 引 号``, ``来 源：``,
    ``• 发文日期:``)."""
    label = _compact(simplify(_BULLET.sub("", line.strip()))).rstrip(":：")
    return label if label in METADATA_LABELS else ""


def _join_split_labels(lines: list[str]) -> list[str]:
    """``label`` / ``value`` on consecutive lines (a table copied cell by cell, maybe with a blank
    line between) → ``label:value``.

    A label followed by another label had no value; a value is short and not a sentence.
    """
    joined: list[str] = []
    index = 0
    while index < len(lines):
        label = _label_alone(lines[index])
        if not label:
            joined.append(lines[index])
            index += 1
            continue
        after = index + 1
        if after < len(lines) and not lines[after].strip() and after + 1 < len(lines):
            after += 1  # one blank line between a label and its value
        following = lines[after].strip() if after < len(lines) else ""
        if following and not _label_alone(following) and len(following) <= 40 and not re.search(
            r"[。，；]", following
        ):
            joined.append(f"{label}:{following}")
            index = after + 1
        else:
            joined.append(f"{label}:")
            index += 1
    return joined


def _split_trailing_fields(line: str) -> list[str]:
    """A navigation or banner line with metadata glued on (``…> 年度报告日期:2025-02-28 字体:``,
    ``某县人民政府门户网站 www.… 发布时间:…``) → the furniture part and the metadata part."""
    for match in _label_pattern().finditer(simplify(line)):
        if match.start() == 0:
            return [line]
        head, tail = line[:match.start()].rstrip(), line[match.start():]
        if parse_metadata_line(tail) is not None and (breadcrumb(head) is not None or is_site_banner(head)):
            return [head, tail]
    return [line]


@dataclass
class CleanPage:
    """The display text of a page, with the metadata values and breadcrumb taken out of it."""

    text: str
    fields: dict[str, str] = field(default_factory=dict)
    crumbs: list[str] = field(default_factory=list)


def _normalised_lines(text: str) -> list[str]:
    """Steps 1–4 of the module docstring, line by line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BOOKMARK.sub("", text)
    text = _PINYIN.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    return [_LEADING.sub("", raw_line).rstrip() for raw_line in text.split("\n")]


def _is_metadata(line: str) -> bool:
    return parse_metadata_line(line) is not None


def clean_page(text: str) -> CleanPage:
    """The display text of ``text`` and what its page furniture said (module docstring)."""
    split = [part for line in _normalised_lines(text) for part in _split_trailing_fields(line)]
    lines = _join_split_labels(split)
    chrome = strip_chrome(lines, _is_metadata)
    page = CleanPage(text="", crumbs=chrome.crumbs)
    lines = chrome.text.split("\n")
    head = head_end(lines, _is_metadata)
    kept: list[str] = []
    for index, line in enumerate(lines):
        pairs = parse_metadata_line(line)
        # In the body only an unmistakable metadata line goes (a table row, or two labelled
        # values): a sentence that happens to open with 日期: or 名称: is report text.
        if pairs is not None and (index < head or line.lstrip().startswith("|") or len(pairs) > 1):
            for label, value in pairs.items():
                if value and label not in page.fields:
                    page.fields[label] = value
            continue
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    page.text = "\n".join(kept)
    return page
