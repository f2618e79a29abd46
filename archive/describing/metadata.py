"""Metadata of a report from its display text, its page fields and its file name.

Each value records where it came from in ``Metadata.provenance``. A report in traditional
characters is read through its simplified form (``Evidence.reading``) and shown as written. The
rules, field by field:

- **title**: the title lines of the header (``archive.describing.header``), joined when split over lines, a
  repeated title dropped; else the page's 标题/名称 field; without either the report has no
  title, and the archive supplies a label in square brackets ([红江镇2023年法治政府建设情况报告],
  ``Metadata.title_supplied``, provenance ``PROV_COMPOSED``).
- **issuer**: the 发布机构 field, else the organ lines above the title (joined with 、 when a
  party committee and a government issue together), else the organ that signs at the end.
- **place**: ``archive.describing.places`` (never a guess), from the title, organ lines, addressee and
  issuer fields, and for an untitled report its opening paragraph.
- **year** (the year the report *covers*): the year in the title, else the year of
  "现将2023年度工作情况汇报如下", else a paragraph opening "2023年，…", else the first numbered
  heading with a year; a report issued in January 2024 covers 2023, so no date of the page or
  of issue is used.
- **doc_type**: ``archive.describing.doctype``.
- **issue_date**: 成文日期 (the page's 成文日期/公文生成日期/发文日期 field, else a date standing
  alone on a line, as a signature: dates inside sentences and plan periods are not issue dates),
  else the page's 发布日期/发布时间; provenance says which.
- **page_fields**: the page's 发布机构, 成文日期, 发布日期, 索引号, 发文字号 as it gives them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Protocol

from archive.document import (
    PROV_COMPOSED,
    PROV_FIELD,
    PROV_HEADER_LINE,
    PROV_SIGNATURE,
    PROV_SIGNATURE_DATE,
    PROV_TITLE_LINE,
    PROV_TYPE_DISCLOSURE,
    PROV_UNNAMED_TOWNSHIP,
    Metadata,
)
from archive.normalize import simplify
from archive.reading.cleaning import ADDRESS_LABELS

from .doctype import classify
from .evidence import Evidence
from .header import ORGAN_SUFFIX, TITLE_WORDS, Header
from .issuer import SOURCE_FIELDS, credible_issuer, passed_over
from .place_upper import unnamed_township
from .places import resolve_place
from .years import report_year

# The page's record of a document, one name per fact and the labels sites use for it, in order.
RECORD_FIELDS = {
    "发布机构": ("发布机构", "发文机关", "发布单位", "发文机构"),
    "成文日期": ("成文日期", "公文生成日期", "生成日期", "发文日期", "发文时间"),
    "发布日期": ("发布日期", "发布时间", "公开日期", "日期"),
    "索引号": ("索引号",),
    "发文字号": ("发文字号", "文号", "备注/文号", "字号", "文件编号"),
}
WRITTEN_DATE_FIELDS = RECORD_FIELDS["成文日期"]
PUBLISHED_DATE_FIELDS = RECORD_FIELDS["发布日期"]
ISSUER_FIELDS = RECORD_FIELDS["发布机构"]
TITLE_FIELDS = ("标题", "名称")
SUPPLIED_KINDS = {
    "年度报告": "法治政府建设情况报告",
    "述法报告": "述法报告",
    "实施方案": "法治政府建设实施方案",
    "工作要点": "法治政府建设工作要点",
}
CITED_TITLE = re.compile(r"《[^》\n]{0,80}》")
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
DATE_NUMBER = r"[\d〇○零一二三四五六七八九十]"
SIGNATURE_DATE = re.compile(
    rf"^(?:[^，。；,;:：]{{0,40}}\s)?({DATE_NUMBER}{{4}})\s*年\s*({DATE_NUMBER}{{1,3}})\s*月\s*"
    rf"({DATE_NUMBER}{{1,3}})\s*日\s*(?:印发|发布)?\s*$"
)
FIELD_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def extract_metadata(evidence: Evidence) -> Metadata:
    """Everything ``Metadata`` holds, from the evidence of one report."""
    meta = Metadata()
    header = evidence.header
    title, title_source = _title(evidence)
    if title:
        meta.title, meta.provenance["title"] = title, title_source
    reading_title = simplify(title) if evidence.reading is not evidence.text else title
    _set_issuer(meta, header, evidence.fields)
    meta.page_fields = page_fields(evidence.fields)
    meta.source_url, meta.provenance["source_url"] = _own_address(evidence.fields)
    opening = "" if header.title else CITED_TITLE.sub(lambda m: "\u3000" * len(m.group()), evidence.opening)
    resolution = resolve_place(evidence.reading, _place_header(evidence, reading_title), opening=opening,
                               addressee=_addressee(evidence.header),
                               address=evidence.address or meta.source_url)
    place = resolution.place
    meta.township, meta.county = place.township, place.county
    meta.city, meta.province = place.city, place.province
    meta.division_code = place.code
    meta.provenance.update(resolution.provenance)
    meta.notes.extend(resolution.notes)
    if not meta.township and (suffix := unnamed_township(evidence.reading)):
        meta.provenance["township"] = PROV_UNNAMED_TOWNSHIP.format(suffix)
        meta.notes.append(f"文中以“我{suffix}”自称而未写出名称：这是一份乡镇（街道）的报告，"
                          f"不是{meta.county or '县级'}的报告；乡镇名称留空")
    meta.doc_type, meta.provenance["doc_type"] = classify(reading_title, evidence)
    meta.issue_date, meta.provenance["issue_date"] = _issue_date(evidence)
    published, _why = _field_date(evidence.fields, PUBLISHED_DATE_FIELDS)
    meta.year, meta.provenance["year"] = report_year(reading_title, evidence.body, meta.doc_type,
                                                     meta.issue_date, published, evidence.filename)
    if not meta.title:
        meta.title, meta.title_supplied = supplied_title(meta, evidence.filename), True
        meta.provenance["title"] = PROV_COMPOSED
    meta.provenance = {key: value for key, value in meta.provenance.items() if value}
    return meta


# ----------------------------------------------------------------------------------- title


def _title(evidence: Evidence) -> tuple[str, str]:
    """The document's own title: its title lines, else the page's 标题/名称 field."""
    if evidence.header.title:
        return evidence.header.title_in(evidence.text), PROV_TITLE_LINE
    for name in TITLE_FIELDS:
        value = evidence.fields.get(name, "").strip()
        if value and TITLE_WORDS.search(simplify(value)) and not re.search(r"[|>»]|https?:|www\.", value):
            return value, PROV_FIELD.format(name)
    return "", ""


def _place_header(evidence: Evidence, reading_title: str) -> str:
    """The text that speaks of the report itself, for place resolution: title, organ lines and
    the issuer fields. (With no title, the opening paragraph speaks too: see
    ``extract_metadata``; titles of other documents cited there, 《河南省…》, are masked, as they
    name other places.)"""
    header = evidence.header
    lines = [*header.issuer, *header.place]
    parts = [reading_title, *(line.text for line in lines),
             *(simplify(evidence.fields.get(name, "")) for name in ISSUER_FIELDS)]
    return "\n".join(parts)


def _addressee(header: Header) -> str:
    """Whom the report is addressed to: a report goes up to its own county's (or city's) party
    committee and government. A distribution list (各村（社区）…, 永昌县、金川区人民政府，市政府
    各部门:) is the other way: a notice sent down names its subordinates, so it says nothing of
    the sender's place."""
    if header.addressee is None or "各" in header.addressee.text:
        return ""
    return header.addressee.text


# ---------------------------------------------------------------------------------- issuer


def _set_issuer(meta: Metadata, header: Header, fields: dict[str, str]) -> None:
    """The issuer as the page or the text names it; a value that is no organ (a site's byline
    本网, a garbled record with digits: ``archive.describing.issuer``) is passed over for the next, with a
    note saying why."""
    if _issuer_field(meta, fields, ISSUER_FIELDS):
        return
    organs = [line.text.strip() for line in header.issuer] or [line.text.strip() for line in header.place]
    if organs:
        meta.issuer, meta.provenance["issuer"] = "、".join(organs), PROV_HEADER_LINE
        return
    for line in reversed([line for line in header.lines[-4:] if line.start not in header.skipped]):
        value = line.text.strip()
        if ORGAN_SUFFIX.search(value) and len(value) <= 40 and not re.search(r"[，。；,;]", value):
            meta.issuer, meta.provenance["issuer"] = value, PROV_SIGNATURE
            return
    _issuer_field(meta, fields, SOURCE_FIELDS)


def _issuer_field(meta: Metadata, fields: dict[str, str], names: tuple[str, ...]) -> bool:
    """Take the first credible value of the page fields ``names`` as the issuer."""
    for name in names:
        value = fields.get(name, "").strip()
        if value and credible_issuer(value):
            meta.issuer, meta.provenance["issuer"] = value, PROV_FIELD.format(name)
            return True
        if value:
            meta.notes.append(passed_over(PROV_FIELD.format(name), value))
    return False


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


def _field_date(fields: dict[str, str], names: tuple[str, ...]) -> tuple[str, str]:
    for name in names:
        match = FIELD_DATE.search(fields.get(name, ""))
        if match:
            iso = _iso(*match.groups())
            if iso:
                return iso, PROV_FIELD.format(name)
    return "", ""


def _issue_date(evidence: Evidence) -> tuple[str, str]:
    """成文日期: the date the document is signed with, else the page's 成文日期 field, else its
    发布日期. The signature first: it is the document's own 成文日期, while a page's record is
    typed in later and is sometimes wrong (a 2011 plan's page says 2021-12-14)."""
    for line in evidence.reading.split("\n"):
        match = SIGNATURE_DATE.match(line.strip())
        if match:
            iso = _iso(*match.groups())
            if iso:
                return iso, PROV_SIGNATURE_DATE
    iso, why = _field_date(evidence.fields, WRITTEN_DATE_FIELDS)
    if iso:
        return iso, why
    return _field_date(evidence.fields, PUBLISHED_DATE_FIELDS)


# ------------------------------------------------------------------------------- title


class Describable(Protocol):
    """What a supplied title is made of: parsed ``Metadata`` and a stored ``Report`` both have it."""

    township: str
    county: str
    city: str
    province: str
    issuer: str
    year: int | None
    doc_type: str
    provenance: dict[str, str]


def supplied_title(meta: Describable, filename: str = "") -> str:
    """The label the archive supplies for an untitled report, in square brackets as catalogues
    do ([红江镇2023年法治政府建设情况报告]); never shown as the document's own words. The one
    fallback title: the parser's, and a correction's that empties a title. Without a known place
    the file name tells two such reports apart."""
    who = (meta.township or _unnamed_township_label(meta) or meta.county or meta.city or meta.province
           or meta.issuer)
    year = f"{meta.year}年" if meta.year else ""
    kind = SUPPLIED_KINDS.get(meta.doc_type, "文件")
    if meta.provenance.get("doc_type") == PROV_TYPE_DISCLOSURE:
        kind = "政府信息公开工作年度报告"
    source = "" if who else f"（{Path(filename).stem}）" if filename else ""
    return f"[{who}{year}{kind}{source}]"


def _unnamed_township_label(meta: Describable) -> str:
    """某镇 (with its county when known: 合阳县某镇) for a township's report that never writes its
    name, so its supplied title does not pass it off as the county's own report."""
    why = meta.provenance.get("township", "")
    for suffix in ("街道", "苏木", "镇", "乡"):
        if why == PROV_UNNAMED_TOWNSHIP.format(suffix):
            return f"{meta.county or meta.city or meta.province}某{suffix}"
    return ""


def _own_address(fields: dict[str, str]) -> tuple[str, str]:
    """Where the page says it was published (canonical link, og:url, a 网址/URL line)."""
    for name in ADDRESS_LABELS:
        value = fields.get(name, "").strip()
        if re.fullmatch(r"https?://\S+", value):
            return value, PROV_FIELD.format(name)
    return "", ""


def page_fields(fields: dict[str, str]) -> dict[str, str]:
    """The page's record of the document under one name per fact (发文日期 → 成文日期, 文号 →
    发文字号…): 发布机构, 成文日期, 发布日期, 索引号, 发文字号, where the page gives them."""
    record: dict[str, str] = {}
    for canonical, names in RECORD_FIELDS.items():
        for name in names:
            value = fields.get(name, "").strip()
            if value and value not in ("无", "-", "—"):
                record[canonical] = value
                break
    return record
