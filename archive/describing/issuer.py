"""The issuer (发文机关) of a report, which citations name as its author: as the document or its
page writes it, or supplied by the archive and marked so.

Why a rule of its own: a page's 来源 or 发布机构 field sometimes names the website (本网, 本站,
××网) and a garbled page record can put a number there; neither is who issued the report, and a
citation must never name them as its author. So a value is taken as an issuer only when
``credible_issuer`` says so. A 来源 field says where a page came from, while a title that opens
with an organ (虎跳峡镇人民政府2025年…报告) says who issues the document, so the title's organ is
preferred to a 来源 field. Where nothing credible names an issuer, the archive supplies the
government of the report's township (for a 街道 its 街道办事处) or county, in square brackets as
catalogues mark supplied information ([垫江县坪山镇人民政府]), and flags it ``author_supplied``
so that the reader, the JSON and every citation format can say so.
"""

from __future__ import annotations

import re
from typing import Protocol

from archive.document import (
    PROV_AUTHOR_SUPPLIED,
    PROV_FIELD,
    PROV_SIDECAR,
    PROV_TITLE_ORGAN,
    PROV_UNNAMED_TOWNSHIP,
    Metadata,
)
from archive.normalize import simplify

from .header import ORGAN_SUFFIX, TITLE_WORDS

# The page fields that say where a page came from (来源), the issuer's last resort.
SOURCE_FIELDS = ("来源", "信息来源")
# A site's byline or a publishing medium, never an issuing organ: 本网/本站/本单位 (a page speaking
# of itself; 本溪市 is a city), a name ending in 网, a website, platform, account or newspaper.
SITE_LABEL = re.compile(
    r"^本(?:网|站|平台|报|刊|单位|机关|部门)|^(?:原创|转载|综合|整理|编辑|管理员|佚名|未知|不详)"
    r"|网$|网站|门户|平台|客户端|公众号|微信|微博|头条|融媒体|新闻中心|电视台|广播|日报|晚报|报社"
    r"|www\.|https?:|\.(?:cn|com|net|org)\b",
    re.IGNORECASE,
)
DIGITS = re.compile(r"[0-9０-９]")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Where the organ a title opens with ends: 关于…, or the year the report is about.
TITLE_ORGAN_END = re.compile(r"关于|[0-9０-９]{4}|[〇○零一二三四五六七八九]{4}年")
# The party committee of a joint issue (中共××镇委员会××镇人民政府关于…) ends here.
JOINT_BREAK = re.compile(r"委员会|党委")
SOURCE_PROVENANCE = frozenset(PROV_FIELD.format(name) for name in SOURCE_FIELDS)


def why_not_issuer(value: str) -> str:
    """Why ``value`` cannot be an issuer ("" when it can): a site's label, or digits in it."""
    value = value.strip()
    if DIGITS.search(value):
        return "含数字"
    if not CJK.search(value):
        return "不是机关名称"
    if SITE_LABEL.search(simplify(value)):
        return "是网站署名"
    return ""


def passed_over(source: str, value: str) -> str:
    """The note saying why ``value`` from ``source`` (网页“来源”栏, 原文) is not the issuer."""
    return f"{source}的“{value}”{why_not_issuer(value)}，不作发文机关"


def credible_issuer(value: str) -> bool:
    """Whether ``value`` may be cited as an issuer (an organ's name, not a byline or a number)."""
    return not why_not_issuer(value)


def _organs(prefix: str) -> list[str]:
    """A joint issue's organs in order: 中共××镇委员会 | ××镇人民政府."""
    for match in JOINT_BREAK.finditer(prefix):
        rest = prefix[match.end():]
        if len(rest) >= 4 and ORGAN_SUFFIX.search(rest) and not rest.startswith("办公室"):
            return [prefix[:match.end()], *_organs(rest)]
    return [prefix]


def title_organ(title: str) -> str:
    """The organ(s) a title opens with, as written and 、-joined (虎跳峡镇人民政府2025年…报告 →
    虎跳峡镇人民政府); "" when the title opens otherwise (关于…, 城口县北屏乡2022年…)."""
    reading = simplify(title)
    end = TITLE_ORGAN_END.search(reading)
    if end is None:
        return ""
    prefix = reading[:end.start()].strip()
    if not (4 <= len(prefix) <= 40 and ORGAN_SUFFIX.search(prefix)) or "法治" in prefix or (
            TITLE_WORDS.search(prefix)) or not credible_issuer(prefix):
        return ""
    written = title.strip()[:len(prefix)]  # simplify keeps lengths: cut the characters as written
    parts, start = [], 0
    for organ in _organs(prefix):
        parts.append(written[start:start + len(organ)])
        start += len(organ)
    return "、".join(parts)


class Placed(Protocol):
    """What a supplied author is made of: parsed ``Metadata`` and a stored ``Report`` both have it."""

    issuer: str
    author_supplied: bool
    township: str
    county: str
    provenance: dict[str, str]


def supplied_author(place: Placed) -> str:
    """The issuer the archive infers, in [brackets]: the township's government (a 街道's
    街道办事处), else the county's; "" when the report's place is not known, or when it is a
    township's report that never writes its name (我镇): its county's government did not issue it."""
    if any(place.provenance.get("township") == PROV_UNNAMED_TOWNSHIP.format(suffix)
           for suffix in ("镇", "乡", "街道", "苏木")):
        return ""
    if place.township:
        organ = "办事处" if place.township.endswith("街道") else "人民政府"
        return f"[{place.county}{place.township}{organ}]"
    if place.county:
        return f"[{place.county}人民政府]"
    return ""


def supply_author(holder: Placed) -> None:
    """Give ``holder`` the supplied author when it has no issuer of its own, or when its supplied
    one must follow a changed place; take it away when the place is no longer known."""
    if holder.issuer and not holder.author_supplied:
        return
    provenance = dict(holder.provenance or {})
    holder.issuer = supplied_author(holder)
    holder.author_supplied = bool(holder.issuer)
    if holder.issuer:
        provenance["issuer"] = PROV_AUTHOR_SUPPLIED
    elif provenance.get("issuer") == PROV_AUTHOR_SUPPLIED:
        del provenance["issuer"]
    holder.provenance = provenance


def settle_issuer(meta: Metadata) -> None:
    """The parsed issuer made citable: a byline or a value with digits is dropped (a note says
    which and why), the organ a title opens with replaces a 来源 field or an empty issuer, and a
    report still without one gets the supplied author. A sidecar's issuer is a person's word and
    stands as given."""
    why = meta.provenance.get("issuer", "")
    if why == PROV_SIDECAR:
        return
    if meta.issuer and why_not_issuer(meta.issuer):
        meta.notes.append(passed_over(why or "原文", meta.issuer))
        meta.issuer, why = "", ""
        meta.provenance.pop("issuer", None)
    organ = "" if meta.title_supplied else title_organ(meta.title)
    if organ and (not meta.issuer or why in SOURCE_PROVENANCE):
        meta.issuer, meta.provenance["issuer"] = organ, PROV_TITLE_ORGAN
    supply_author(meta)
