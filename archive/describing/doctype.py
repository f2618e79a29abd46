"""What kind of document a report is, with the reason users see in its provenance.

The kinds (``archive.document.DOC_TYPES``):

- **年度报告**: the government's annual report on building a rule-of-law government, whatever
  its wording (情况报告, 工作报告, 工作情况报告, 关于…情况的报告, 年度报告, 年报); an untitled
  one is known by its opening ("现将…情况报告如下" in a paragraph about 法治政府建设), by the
  column it is published in (breadcrumb or 组配分类 法治政府建设年度报告), or by its structure:
  the parts the national rules require (主要举措和成效, 存在的不足, 下一年度工作安排), of which
  an excerpt (the opening of a page) may show only the first, after an opening that reviews a
  year of 法治政府建设;
- **述法报告**: a leader's report on performing the duties of 第一责任人 for the rule of law
  (述法), which is about a person, not the government: its title or opening says so, or it
  speaks in the first person (本人, 个人) of those duties, or its first part is 履职情况;
- **实施方案** / **工作要点** (工作安排 counts as 工作要点): plans, including a notice that issues one
  and an untitled plan that says 特制定本方案;
- **其他**: anything else — notably the 政府信息公开工作年度报告 (on disclosure, not on the rule
  of law, though it mentions 行政复议), a page that explains (解读) a report, and a 法治工作
  report that never speaks of 法治政府.
"""

from __future__ import annotations

import re

from archive.document import (
    PROV_TYPE_COLUMN,
    PROV_TYPE_DISCLOSURE,
    PROV_TYPE_INTERPRETATION,
    PROV_TYPE_KIND,
    PROV_TYPE_OPENING,
    PROV_TYPE_OPENING_OTHER,
    PROV_TYPE_PARTS,
    PROV_TYPE_PLAN_OPENING,
    PROV_TYPE_RULE_OF_LAW,
    PROV_TYPE_SHUFA,
    PROV_TYPE_SHUFA_DUTIES,
    PROV_TYPE_TITLE_OTHER,
    PROV_TYPE_YEAR_REVIEW,
)

from .evidence import Evidence

DISCLOSURE = "政府信息公开"
INTERPRETATION = "解读"  # 政策解读 / 议题解读: a page about a report, not the report
RULE_OF_LAW_GOVERNMENT = re.compile(r"法治政府|依法行政")
# A title may name the report after the township's whole rule-of-law work (法治建设工作报告,
# 依法治镇工作情况报告); an untitled text must speak of 法治政府 itself, or a leadership team's
# 法治工作 report would pass for the government's.
RULE_OF_LAW_TITLE = re.compile(r"法治政府|依法行政|法治建设|依法治(?:镇|乡|街|县|区|市)")
REPORT_WORDS = re.compile(r"报告|情况|总结|年报")
SHUFA = re.compile(r"述法|第一责任人职责")
DUTIES = re.compile(r"第一责任人")
# The speaker is a person: 本人 / 个人 (我 alone is 我镇, 我乡… in government reports).
FIRST_PERSON = re.compile(r"本人|个人履行|个人落实|我(?:认真|切实|始终|坚持|带头|严格|履行|作为)")
# An annual report may open with the leaders' duties (履行推进法治建设第一责任人职责情况) as its
# first part; a 述法 report opens with the speaker's own record: 履职情况.
DUTIES_FIRST = re.compile(r"^(?:个人|本人)?履职情况")
PLAN_KINDS = {"实施方案": "实施方案", "工作要点": "工作要点", "工作安排": "工作要点"}
# A rule-of-law plan under other names: 依法行政五年规划, 法治政府建设实施纲要, 示范创建行动计划,
# 工作计划.
OTHER_PLAN_KINDS = {"规划": "实施方案", "纲要": "实施方案", "行动计划": "实施方案", "行动方案": "实施方案",
                    "工作计划": "工作要点"}
# 特制定本方案 / 特制定如下实施方案 / 制定本工作要点: an untitled plan saying what it is.
PLAN_OPENING = re.compile(r"(?:特|现)?制定(?:本|如下|以下)?(实施方案|工作方案|方案|工作要点|要点|工作安排)")
SELF_DESCRIPTION = re.compile(r"(?:汇报|报告|总结)如下")
ANNUAL_COLUMN = re.compile(r"法治政府建设.{0,4}(?:年度报告|年报|情况报告)")
STATUTORY_PARTS = (
    re.compile(r"主要举措|举措和成效|主要做法|主要工作|主要成效|工作成效|取得的成效"
               r"|(?:法治政府建设|法治建设|依法治[镇乡县区市])(?:工作)?(?:推进|开展)?情况"),
    re.compile(r"存在的?(?:主要)?(?:问题|不足|困难)|不足和原因|短板"),
    re.compile(r"下一年度|下一步|\d{4}年(?:度)?(?:工作)?(?:打算|计划|安排|思路)|工作打算"),
)
# A paragraph that reviews a year: 2023年，… / 2023年以来，… / 今年以来，…
YEAR_REVIEW = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年?(?:度)?\s*(?:以来)?|今年以来|一年来)\s*[，,]|^(?:19|20)\d{2}年是"
)
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、\s*")


def classify(title: str, evidence: Evidence) -> tuple[str, str]:
    """The kind of the report titled ``title`` (in its reading form, "" when untitled)."""
    if title:
        return _from_title(title)
    return _from_body(evidence)


def _from_title(title: str) -> tuple[str, str]:
    if DISCLOSURE in title:
        return "其他", PROV_TYPE_DISCLOSURE
    if INTERPRETATION in title:
        return "其他", PROV_TYPE_INTERPRETATION
    for word, kind in PLAN_KINDS.items():
        if word in title:
            return kind, PROV_TYPE_KIND.format(word)
    if SHUFA.search(title):
        return "述法报告", PROV_TYPE_SHUFA
    for word, kind in OTHER_PLAN_KINDS.items():
        if word in title and RULE_OF_LAW_TITLE.search(title):
            return kind, PROV_TYPE_KIND.format(word)
    if RULE_OF_LAW_TITLE.search(title) and REPORT_WORDS.search(title):
        return "年度报告", PROV_TYPE_RULE_OF_LAW
    return "其他", PROV_TYPE_TITLE_OTHER


def _from_body(evidence: Evidence) -> tuple[str, str]:
    """An untitled report: its opening paragraph says what it is (the plans it cites, …工作要点》,
    must not make it one), helped by the page's column and the report's parts."""
    opening = _first_paragraph(evidence.body)
    if DISCLOSURE in opening or DISCLOSURE in evidence.opening:
        return "其他", PROV_TYPE_DISCLOSURE
    top_headings = [TOP_HEADING.sub("", line) for line in evidence.body if TOP_HEADING.match(line)]
    described = _self_description(opening)
    if "述法" in described or DUTIES.search(described):
        return "述法报告", PROV_TYPE_SHUFA  # 现将…第一责任人职责情况报告如下
    if DUTIES.search(opening) and FIRST_PERSON.search(opening):
        return "述法报告", PROV_TYPE_SHUFA_DUTIES
    if top_headings and DUTIES_FIRST.search(top_headings[0]):
        return "述法报告", PROV_TYPE_SHUFA_DUTIES
    if plan := PLAN_OPENING.search(opening):
        kind = "工作要点" if "要点" in plan.group(1) or "安排" in plan.group(1) else "实施方案"
        return kind, PROV_TYPE_PLAN_OPENING
    speaks_of_government = bool(RULE_OF_LAW_GOVERNMENT.search(opening))
    # Described as a report, by the government or township itself on its 法治政府 or its whole
    # 法治建设 work; not a leadership team's own report (领导班子…年度法治工作情况).
    own_work = speaks_of_government or (bool(RULE_OF_LAW_TITLE.search(opening)) and "领导班子" not in opening)
    first_part = bool(top_headings) and bool(STATUTORY_PARTS[0].search(top_headings[0]))
    if described and (own_work or first_part):  # 现将有关情况报告如下 / 一、2023年主要举措和成效
        return "年度报告", PROV_TYPE_OPENING
    column = "＞".join([*evidence.crumbs, *(evidence.fields.get(name, "") for name in ("组配分类", "分类"))])
    match = ANNUAL_COLUMN.search(column)
    if match and speaks_of_government:
        return "年度报告", PROV_TYPE_COLUMN.format(match.group())
    headings = "\n".join(line for line in evidence.body if HEADING.match(line))
    if speaks_of_government and sum(bool(part.search(headings)) for part in STATUTORY_PARTS) >= 2:
        return "年度报告", PROV_TYPE_PARTS
    # The first statutory part after a year's review is the annual report's structure, whether
    # its opening says 法治政府 or the township's 依法治镇 work as a whole.
    if own_work and first_part:
        # An excerpt of an annual report: a year reviewed, or the text starts at its first part.
        starts_at_first_part = bool(TOP_HEADING.match(evidence.body[0]))
        if YEAR_REVIEW.match(opening) or starts_at_first_part:
            return "年度报告", PROV_TYPE_YEAR_REVIEW
    if speaks_of_government and top_headings and YEAR_REVIEW.match(opening):
        # A year of 法治政府建设 reviewed, then told in numbered parts (2025年，鹤岗市人民政府…).
        return "年度报告", PROV_TYPE_YEAR_REVIEW
    return "其他", PROV_TYPE_OPENING_OTHER


def _first_paragraph(body: list[str]) -> str:
    """The first line of the body that is a paragraph: not a heading (an excerpt may open with
    一、主要举措和成效), not a document number or addressee line (区柳委发〔2016〕34号)."""
    return next((line for line in body if not HEADING.match(line) and len(line) >= 20
                 and re.search(r"[，,。]", line)), "")


def _self_description(opening: str) -> str:
    """The sentence in which the opening says what follows (…情况报告如下), "" when it has none."""
    for sentence in re.split(r"[。！!]", opening):
        if found := SELF_DESCRIPTION.search(sentence):
            clauses = re.split(r"[，,；;]", sentence[:found.start()])
            return clauses[-1] + sentence[found.start():]
    return ""
