"""What kind of document a report is, with the reason users see in its provenance.

The kinds (``archive.document.DOC_TYPES``):

- **年度报告**: the government's annual report on building a rule-of-law government, whatever
  its wording (情况报告, 工作报告, 工作情况报告, 关于…情况的报告, 年度报告, 年报); an untitled
  one is known by its opening ("现将…情况报告如下" in a paragraph about 法治政府建设), by the
  column it is published in (breadcrumb or 组配分类 法治政府建设年度报告), or by the parts the
  national rules require (主要举措和成效, 存在的不足, 下一年度工作安排);
- **述法报告**: a leader's report on performing the duties of 第一责任人 for the rule of law
  (述法), which is about a person, not the government;
- **实施方案** / **工作要点** (工作安排 counts as 工作要点): plans, including a notice that issues one;
- **其他**: anything else — notably the 政府信息公开工作年度报告 (on disclosure, not on the rule
  of law, though it mentions 行政复议), and a 法治工作 report that never speaks of 法治政府.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .document import (
    PROV_TYPE_COLUMN,
    PROV_TYPE_DISCLOSURE,
    PROV_TYPE_KIND,
    PROV_TYPE_OPENING,
    PROV_TYPE_OPENING_OTHER,
    PROV_TYPE_PARTS,
    PROV_TYPE_RULE_OF_LAW,
    PROV_TYPE_SHUFA,
    PROV_TYPE_TITLE_OTHER,
)

if TYPE_CHECKING:
    from .metadata import Evidence

DISCLOSURE = "政府信息公开"
RULE_OF_LAW_GOVERNMENT = re.compile(r"法治政府|依法行政")
# A title may name the report after the township's whole rule-of-law work (法治建设工作报告,
# 依法治镇工作情况报告); an untitled text must speak of 法治政府 itself, or a leadership team's
# 法治工作 report would pass for the government's.
RULE_OF_LAW_TITLE = re.compile(r"法治政府|依法行政|法治建设|依法治(?:镇|乡|街|县|区|市)")
REPORT_WORDS = re.compile(r"报告|情况|总结|年报")
SHUFA = re.compile(r"述法|第一责任人职责")
PLAN_KINDS = {"实施方案": "实施方案", "工作要点": "工作要点", "工作安排": "工作要点"}
SELF_DESCRIPTION = re.compile(r"(?:汇报|报告|总结)如下")
ANNUAL_COLUMN = re.compile(r"法治政府建设.{0,4}(?:年度报告|年报|情况报告)")
STATUTORY_PARTS = (
    re.compile(r"主要举措|举措和成效|主要做法|主要工作"),
    re.compile(r"存在的?(?:主要)?(?:问题|不足|困难)|不足和原因|短板"),
    re.compile(r"下一年度|下一步|\d{4}年(?:度)?(?:工作)?(?:打算|计划|安排|思路)|工作打算"),
)
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def classify(title: str, evidence: Evidence) -> tuple[str, str]:
    """The kind of the report titled ``title`` (in its reading form, "" when untitled)."""
    if title:
        return _from_title(title)
    return _from_body(evidence)


def _from_title(title: str) -> tuple[str, str]:
    if DISCLOSURE in title:
        return "其他", PROV_TYPE_DISCLOSURE
    for word, kind in PLAN_KINDS.items():
        if word in title:
            return kind, PROV_TYPE_KIND.format(word)
    if SHUFA.search(title):
        return "述法报告", PROV_TYPE_SHUFA
    if RULE_OF_LAW_TITLE.search(title) and REPORT_WORDS.search(title):
        return "年度报告", PROV_TYPE_RULE_OF_LAW
    return "其他", PROV_TYPE_TITLE_OTHER


def _from_body(evidence: Evidence) -> tuple[str, str]:
    """An untitled report: only its opening says what it is (the plans it cites, …工作要点》,
    must not make it one), helped by the page's column and the report's parts."""
    opening = evidence.opening
    if DISCLOSURE in opening:
        return "其他", PROV_TYPE_DISCLOSURE
    if "述法" in opening and SELF_DESCRIPTION.search(opening):  # 第一责任人职责 alone is r069's kind: 其他
        return "述法报告", PROV_TYPE_SHUFA
    speaks_of_government = bool(RULE_OF_LAW_GOVERNMENT.search(opening))
    if speaks_of_government and SELF_DESCRIPTION.search(opening):
        return "年度报告", PROV_TYPE_OPENING
    column = "＞".join([*evidence.crumbs, *(evidence.fields.get(name, "") for name in ("组配分类", "分类"))])
    match = ANNUAL_COLUMN.search(column)
    if match and speaks_of_government:
        return "年度报告", PROV_TYPE_COLUMN.format(match.group())
    headings = "\n".join(line for line in evidence.body if HEADING.match(line))
    if speaks_of_government and sum(bool(part.search(headings)) for part in STATUTORY_PARTS) >= 2:
        return "年度报告", PROV_TYPE_PARTS
    return "其他", PROV_TYPE_OPENING_OTHER
