"""Page furniture around a report saved from a government web site, told apart from the report.

Pages saved from county and township portals carry, above and below the document: the site's
name (often with its address), a breadcrumb (``您当前的位置:首页 > 政务公开 > …``), the
column's metadata block, widget text (``【打印】 【字体: 大 中 小】``, ``设为首页``, an audio
player), and after the text the site's footer (``相关词条``, ``联系我们``). None of it is the
report, and left in place it becomes the report's "title" and first "paragraph".

``strip_chrome`` removes such lines from the *edges* of the text only: the top region (before the
first line that reads as report body) and the trailing short lines. A line in the middle of a
report is never touched, so no passage can be lost to these rules. What the breadcrumb says is
kept (``Chrome.crumbs``): its last crumbs name the column, such as 法治政府建设年度报告, which
tells the type of an untitled report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from archive.normalize import simplify

# A line that starts like this is a breadcrumb even with a single crumb (您当前的位置:法治政府建设年度报告).
_LOCATION_LEAD = re.compile(r"^[\dA-Za-z]{0,2}\s*(?:您)?(?:当前|现在)?(?:所在|的)*位置\s*[:：]?\s*")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|»|＞|›|>|→)\s*")
_SENTENCE = re.compile(r"[。，；！？,;]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|com|net|org|edu)(?:\.cn)?\b|\b[\w-]+\.cn\b",
                  re.IGNORECASE)
_SITE_NAME = re.compile(r"门户网站|政府网站|官方网站|政务网|人民政府网$")
# Words that only ever appear as page controls; a line made of nothing else is a widget.
_WIDGET_WORDS = (
    "设为首页", "加入收藏", "无障碍阅读", "无障碍", "长者版", "关怀版", "适老化", "繁体", "简体", "繁體",
    "打印本页", "打印", "关闭窗口", "关闭本页", "关闭", "返回顶部", "收藏", "分享到", "分享", "字体大小",
    "字体", "字号", "大", "中", "小", "默认", "扫一扫", "在手机打开", "手机版", "语音播报", "朗读",
    "播放", "暂停", "听全文", "视力保护色", "保护色", "纠错", "登录", "注册", "搜索",
)
_WIDGET_LINE = re.compile(
    r"^(?:[\s\[\]【】()（）:：|·\-_/*•]|\d{1,2}:\d{2}|"
    + "|".join(sorted(_WIDGET_WORDS, key=len, reverse=True))
    + r")+$"
)
_FOOTER_WORDS = (
    "相关词条", "热门词条", "联系我们", "网站地图", "关于我们", "版权所有", "主办单位", "承办单位",
    "网站标识码", "技术支持", "返回顶部", "相关链接", "相关文章", "相关阅读", "扫一扫在手机打开当前页",
    "联络我们", "上一篇", "下一篇",
)
_TITLE_WORD = re.compile(r"报告|方案|要点|情况|通知|总结|计划|意见|年报|办法|安排")
_ORGAN_OR_PLACE = re.compile(r"(?:委员会|人民政府|政府|办公室|党委|办事处|管委会|镇|乡|街道|县|区|市)$")
# Labels written alone on a line, their value on the next (a table flattened by copying).
TOP_REGION_LINES = 16
MAX_CHROME_LINE = 160


@dataclass
class Chrome:
    """What ``strip_chrome`` found: the text without the furniture, and the breadcrumb's crumbs."""

    text: str
    crumbs: list[str] = field(default_factory=list)


def breadcrumb(line: str) -> list[str] | None:
    """The crumbs of a navigation line (``首页 > 政务公开 > 年度报告``), or None for other lines."""
    value = simplify(line.strip())
    if not value or len(value) > MAX_CHROME_LINE or _SENTENCE.search(value):
        return None
    lead = _LOCATION_LEAD.match(value)
    rest = value[lead.end():] if lead else value
    parts = _CRUMB_SEPARATOR.split(rest)
    if not lead and len(parts) < 2:
        return None
    crumbs = [part.strip() for part in parts if part.strip()]
    if any(len(crumb) > 40 for crumb in crumbs):
        return None
    return crumbs


def is_widget(line: str) -> bool:
    """A line made only of page controls (打印, 字体:[ 大 中 小 ], 设为首页, 00:00 播放…)."""
    value = simplify(line.strip())
    return bool(value) and bool(_WIDGET_LINE.match(value))


def is_site_banner(line: str) -> bool:
    """The site's own name or address (湘潭县人民政府门户网站 www.…), not a document line."""
    value = simplify(line.strip())
    if not value or len(value) > 80 or _SENTENCE.search(value) or _TITLE_WORD.search(value):
        return False
    return bool(_URL.search(value) or _SITE_NAME.search(value))


def is_footer(line: str) -> bool:
    """A site footer line (相关词条, 联系我们, 版权所有 …)."""
    value = simplify(line.strip())
    return bool(value) and len(value) <= 60 and any(word in value for word in _FOOTER_WORDS)


def _looks_like_body(line: str) -> bool:
    """The report has begun: a sentence, an addressee, or a numbered heading."""
    value = line.strip()
    addressee = (bool(re.search(r"[\u4e00-\u9fff]{2}[^:：]*[:：]$", value)) and breadcrumb(value) is None
                 and not is_widget(value))
    return (len(value) > 60 and bool(_SENTENCE.search(value))) or bool(
        re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])", value)
    ) or addressee


def is_stray(line: str) -> bool:
    """A short top line that is neither title, organ nor place (a spam banner, a column name):
    removed only when page furniture follows it, so a report's own first line is never lost."""
    value = simplify(line.strip())
    return (0 < len(value) <= 24 and not _SENTENCE.search(value) and not _TITLE_WORD.search(value)
            and not _ORGAN_OR_PLACE.search(value) and not re.search(r"\d{4}\s*年", value))


def head_end(lines: list[str], is_metadata: Callable[[str], bool]) -> int:
    """How many lines the page's head spans: those before the first line of report body."""
    end = 0
    for index, line in enumerate(lines[:TOP_REGION_LINES]):
        if line.strip() and _looks_like_body(line) and not is_metadata(line):
            break
        end = index + 1
    return end


def strip_chrome(lines: list[str], is_metadata: Callable[[str], bool]) -> Chrome:
    """``lines`` without the page furniture at their edges (see the module docstring).

    ``is_metadata`` tells a metadata line (索引号/发布机构… block) from others: furniture too,
    but removed by the caller, which also reads its values; here it only marks where the page's
    head ends, so that a stray line above it (a spam banner) can go.
    """
    top_end = head_end(lines, is_metadata)
    crumbs: list[str] = []
    drop: set[int] = set()
    last_furniture = -1
    for index in range(top_end):
        line = lines[index]
        if is_metadata(line):  # read by the caller (a 网址: line is the page's address, not a banner)
            last_furniture = index
        elif (found := breadcrumb(line)) is not None:
            crumbs.extend(found)
            drop.add(index)
            # Everything above a breadcrumb is the site's header — but a title line stays.
            drop.update(above for above in range(index) if not _TITLE_WORD.search(simplify(lines[above])))
            last_furniture = index
        elif is_widget(line) or is_site_banner(line):
            drop.add(index)
            last_furniture = index
    for index in range(last_furniture):
        if is_stray(lines[index]) and not is_metadata(lines[index]):
            drop.add(index)
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or is_footer(lines[end - 1]) or is_widget(lines[end - 1])):
        end -= 1
        if lines[end].strip():
            drop.add(end)
    kept = [line for index, line in enumerate(lines) if index not in drop]
    return Chrome(text="\n".join(kept), crumbs=crumbs)
