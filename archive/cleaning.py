"""Display normalisation: the text a user reads, cites and downloads excerpts from.

``clean_text`` turns what a reader extracted into the display text (``ParsedReport.text``).
Every passage offset points into its result, so it is applied exactly once, before metadata and
structure. Matching-form folding (full/half width, punctuation variants, traditional →
simplified) is *not* done here: it lives in ``archive.normalize.fold_for_match`` and the display
text keeps every character as written.

The transformations, in order:

1. line breaks: CRLF and lone CR → LF (files come from Windows editors and web pages);
2. DOCX conversion leftovers ``[bookmark: _GoBack]`` (and any other ``[bookmark: …]``) are
   removed: they are Word's "last edit position" marker, never part of the report;
3. invisible characters: zero-width space/joiners and stray BOMs (U+200B-U+200D, U+2060, U+FEFF)
   are removed; NBSP and the other fixed-width spaces (U+00A0, U+2000-U+200A, U+202F, U+205F)
   become an ordinary space, so a search for two words is not defeated by an invisible character;
4. each line loses its leading indentation (spaces, tabs, ideographic spaces U+3000: Chinese
   documents indent paragraphs with two full-width spaces) and its trailing whitespace;
   spaces *inside* a line are kept as written;
5. web metadata lines (the 索引号/发布机构/成文日期… table of a saved government page, written as
   ``| 索 引 号 | … |`` rows, ``- 发布机构: …`` items or ``来源:… 发布时间:…`` lines) are dropped
   from the body; ``extract_fields`` returns their values for ``RawDocument.fields``;
6. blank lines: runs of blank lines become one blank line; leading/trailing blank lines go.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Labels of the metadata block that government web pages put above a document. A line made only
# of these label/value pairs is page furniture, not report text.
METADATA_LABELS = (
    "索引号", "发布机构", "成文日期", "发布日期", "公文生成日期", "生成日期", "发布时间", "来源",
    "信息来源", "文号", "备注/文号", "发文字号", "发文机关", "公开方式", "公开范围", "公开时限",
    "组配分类", "主题分类", "体裁分类", "服务对象分类", "废止日期", "有效性", "时效", "所属机构",
    "信息分类", "发布单位", "浏览次数", "字号",
)

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
_LEADING = re.compile("^[ \t\u3000]+")
_BULLET = re.compile(r"^[-*•·]\s*")


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    """Any known label, tolerating the spaces pages put between its characters (索 引 号)."""
    spaced = [r"\s*".join(map(re.escape, label)) for label in sorted(METADATA_LABELS, key=len, reverse=True)]
    return re.compile("(" + "|".join(spaced) + r")\s*[:：]\s*")


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
        cells = [cell.strip() for cell in stripped.strip("|").split("|")]
        labels = [_compact(cell) for cell in cells[0::2]]
        if not labels or labels[0] not in METADATA_LABELS:
            return None
        values = [*cells[1::2], *[""] * len(labels)]
        return {label: values[i] for i, label in enumerate(labels) if label}
    body = _BULLET.sub("", stripped)
    matches = list(_label_pattern().finditer(body))
    if not matches or matches[0].start() != 0:
        return None
    pairs: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        pairs[_compact(match.group(1))] = body[match.end():end].strip()
    return pairs


def extract_fields(text: str) -> dict[str, str]:
    """Non-empty labelled values of every metadata line in ``text`` (first occurrence wins)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        for label, value in (parse_metadata_line(line) or {}).items():
            if value and label not in fields:
                fields[label] = value
    return fields


def clean_text(text: str) -> str:
    """The display text of ``text`` (see the module docstring for every step)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BOOKMARK.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    lines: list[str] = []
    for raw_line in text.split("\n"):
        line = _LEADING.sub("", raw_line).rstrip()
        if parse_metadata_line(line) is not None:
            continue
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
