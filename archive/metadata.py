"""Metadata of a report from its display text, its page fields and its file name.

Each value records where it came from in ``Metadata.provenance``. The rules, field by field:

- **title**: the title lines of the header (``archive.header``), joined when split over lines;
  without one, a title is composed from place, year and type (红江镇2023年法治政府建设工作报告),
  provenance ``PROV_COMPOSED``.
- **issuer**: the 发布机构 field, else the organ lines above the title (joined with 、 when a
  party committee and a government issue together), else the organ that signs at the end.
- **place**: ``archive.places`` (never a guess).
- **year** (the year the report *covers*): the year in the title, else the year of
  "现将2023年度工作情况汇报如下", else a paragraph opening "2023年，…", else the first numbered
  heading with a year; a report issued in January 2024 covers 2023, so the issue date is not used.
- **doc_type**: from the title (or, without one, the opening paragraph): 政府信息公开工作年度报告
  is 其他 (it reports on disclosure, not on the rule of law); a notice that issues a 实施方案 is a
  实施方案; 工作要点 likewise; a report/情况/总结 on 法治/依法 is a 年度报告.
- **issue_date**: the 成文日期/公文生成日期/发布日期/发布时间 field, else a date standing alone
  (or after the signing organ, or before 印发) on a line: a signature. Dates inside sentences
  (2021年以来…) and plan periods (2021-2025年) are not issue dates, so a report without a
  signature block has none.
"""

from __future__ import annotations

import re
from datetime import date

from .document import (
    PROV_COMPOSED,
    PROV_FIELD,
    PROV_HEADER_LINE,
    PROV_SIGNATURE,
    PROV_SIGNATURE_DATE,
    PROV_TITLE_LINE,
    PROV_TYPE_DISCLOSURE,
    PROV_TYPE_KIND,
    PROV_TYPE_OPENING,
    PROV_TYPE_OPENING_OTHER,
    PROV_TYPE_RULE_OF_LAW,
    PROV_TYPE_TITLE_OTHER,
    PROV_YEAR_FILENAME,
    PROV_YEAR_HEADING,
    PROV_YEAR_OPENING,
    PROV_YEAR_REPORTED,
    PROV_YEAR_TITLE,
    Metadata,
)
from .header import ORGAN_SUFFIX, Header
from .places import resolve_place

DATE_FIELDS = ("成文日期", "公文生成日期", "生成日期", "发布日期", "发布时间")
ISSUER_FIELDS = ("发布机构", "发文机关", "发布单位")
SOURCE_FIELDS = ("来源", "信息来源")
YEAR = r"((?:19|20)\d{2})"
TITLE_YEAR = re.compile(rf"(?<![\d\-—－~～至到]){YEAR}\s*年(?!\s*[\-—－~～至到])")
REPORTED_YEAR = re.compile(rf"现将[^。]{{0,20}}?{YEAR}\s*年")
OPENING_YEAR = re.compile(rf"^{YEAR}\s*年(?:度)?\s*[，,以来]")
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
DATE_NUMBER = r"[\d〇○零一二三四五六七八九十]"
SIGNATURE_DATE = re.compile(
    rf"^(?:[^，。；,;:：]{{0,40}}\s)?({DATE_NUMBER}{{4}})\s*年\s*({DATE_NUMBER}{{1,3}})\s*月\s*"
    rf"({DATE_NUMBER}{{1,3}})\s*日\s*(?:印发|发布)?\s*$"
)
FIELD_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def extract_metadata(text: str, header: Header, fields: dict[str, str], filename: str = "") -> Metadata:
    """Everything ``Metadata`` holds, from the display text, header, page fields and file name."""
    meta = Metadata()
    title = header.title_text
    if title:
        meta.title, meta.provenance["title"] = title, PROV_TITLE_LINE
    _set_issuer(meta, header, fields)
    header_text = "\n".join([title, *(line.text for line in header.issuer + header.place),
                             *(fields.get(name, "") for name in ISSUER_FIELDS)])
    resolution = resolve_place(text, header_text)
    place = resolution.place
    meta.township, meta.county = place.township, place.county
    meta.city, meta.province = place.city, place.province
    meta.division_code = place.code
    meta.provenance.update(resolution.provenance)
    meta.notes.extend(resolution.notes)
    meta.year, meta.provenance["year"] = _year(title, text, header, filename)
    meta.doc_type, meta.provenance["doc_type"] = _doc_type(title, text, header)
    meta.issue_date, meta.provenance["issue_date"] = _issue_date(text, fields)
    if not meta.title:
        meta.title, meta.provenance["title"] = _compose_title(meta), PROV_COMPOSED
    meta.provenance = {key: value for key, value in meta.provenance.items() if value}
    return meta


# ---------------------------------------------------------------------------------- issuer


def _set_issuer(meta: Metadata, header: Header, fields: dict[str, str]) -> None:
    for name in ISSUER_FIELDS:
        if fields.get(name):
            meta.issuer, meta.provenance["issuer"] = fields[name], PROV_FIELD.format(name)
            return
    organs = [line.text.strip() for line in header.issuer] or [line.text.strip() for line in header.place]
    if organs:
        meta.issuer, meta.provenance["issuer"] = "、".join(organs), PROV_HEADER_LINE
        return
    for line in reversed(header.lines[-4:]):
        value = line.text.strip()
        if ORGAN_SUFFIX.search(value) and len(value) <= 40 and not re.search(r"[，。；,;]", value):
            meta.issuer, meta.provenance["issuer"] = value, PROV_SIGNATURE
            return
    for name in SOURCE_FIELDS:
        if fields.get(name):
            meta.issuer, meta.provenance["issuer"] = fields[name], PROV_FIELD.format(name)
            return


# ------------------------------------------------------------------------------------ year


def _year(title: str, text: str, header: Header, filename: str) -> tuple[int | None, str]:
    match = TITLE_YEAR.search(title)
    if match:
        return int(match.group(1)), PROV_YEAR_TITLE
    body = [line.text.strip() for line in header.lines if line.start not in header.skipped]
    opening = "\n".join(body[:3])
    match = REPORTED_YEAR.search(opening)
    if match:
        return int(match.group(1)), PROV_YEAR_REPORTED
    for line in body[:3]:
        match = OPENING_YEAR.match(line)
        if match:
            return int(match.group(1)), PROV_YEAR_OPENING
    for line in body:
        if re.match(r"^[一二三四五六七八九十]+、", line):
            match = TITLE_YEAR.search(line)
            if match:
                return int(match.group(1)), PROV_YEAR_HEADING
    match = TITLE_YEAR.search(filename)
    if match:
        return int(match.group(1)), PROV_YEAR_FILENAME
    return None, ""


# -------------------------------------------------------------------------------- doc type


def _doc_type(title: str, text: str, header: Header) -> tuple[str, str]:
    if title:
        if "政府信息公开" in title:
            return "其他", PROV_TYPE_DISCLOSURE
        for kind in ("实施方案", "工作要点"):
            if kind in title:
                return kind, PROV_TYPE_KIND.format(kind)
        if re.search(r"法治|依法", title) and re.search(r"报告|情况|总结|年报", title):
            return "年度报告", PROV_TYPE_RULE_OF_LAW
        return "其他", PROV_TYPE_TITLE_OTHER
    # Without a title only the opening sentence says what the text is; the plans it cites
    # (…工作要点》) must not make it one.
    body = [line.text for line in header.lines if line.start not in header.skipped]
    opening = "\n".join(body[:2])
    if "政府信息公开" not in opening and re.search(r"法治|依法", opening) and re.search(
        r"(?:汇报|报告|总结)如下", opening
    ):
        return "年度报告", PROV_TYPE_OPENING
    return "其他", PROV_TYPE_OPENING_OTHER


# ------------------------------------------------------------------------------ issue date


def _cn_number(value: str) -> int:
    """Arabic or Chinese numerals (二〇二四, 十九) as an int."""
    if value.isdigit():
        return int(value)
    if "十" in value:
        tens, _, units = value.partition("十")
        return CN_DIGITS.get(tens, 1) * 10 + (CN_DIGITS[units] if units else 0)
    return int("".join(str(CN_DIGITS[char]) for char in value))


def _iso(year: str, month: str, day: str) -> str:
    try:
        return date(_cn_number(year), _cn_number(month), _cn_number(day)).isoformat()
    except (ValueError, KeyError):
        return ""


def _issue_date(text: str, fields: dict[str, str]) -> tuple[str, str]:
    for name in DATE_FIELDS:
        match = FIELD_DATE.search(fields.get(name, ""))
        if match:
            iso = _iso(*match.groups())
            if iso:
                return iso, PROV_FIELD.format(name)
    for line in text.split("\n"):
        match = SIGNATURE_DATE.match(line.strip())
        if match:
            iso = _iso(*match.groups())
            if iso:
                return iso, PROV_SIGNATURE_DATE
    return "", ""


# ------------------------------------------------------------------------------- title


def _compose_title(meta: Metadata) -> str:
    """A title for a file that has none, from what is known (never from guesses)."""
    who = meta.township or meta.county or meta.issuer
    year = f"{meta.year}年" if meta.year else ""
    kind = {
        "年度报告": "法治政府建设工作报告",
        "实施方案": "法治政府建设实施方案",
        "工作要点": "法治政府建设工作要点",
    }.get(meta.doc_type, "法治政府建设相关文件")
    return f"{who}{year}{kind}"
