"""The year a report covers, read from its own words; never a page's date or an index number,
which tell when, not what about (a report issued in January 2024 covers 2023).

In order, the first that speaks:

1. the year in the title;
2. the sentence that says what follows (现将2023年度工作情况汇报如下, 汇报我镇2023年…工作);
3. a paragraph opening 2023年，… / 2023年以来，… (also 2023以来, the 年 lost);
4. the first numbered heading with a year (一、2023年法治政府建设主要举措), not a plan's
   heading (三、2025年工作打算 speaks of the next year);
5. a plan (实施方案, 工作要点) is for the year it is issued in: its 成文日期 or its own number
   (区柳委发〔2016〕34号);
6. the year the body names most often, outside ranges (2021—2025年), the titles it cites and
   plan sentences — an excerpt that starts mid-report still says 2022年我镇新制发规范性文件1件;
   or the year of the one annual plan it follows (今年以来…按照《…2021年度法治政府建设工作方案》).
   Never a year after the page was published;
7. the year in the file name.

Each rule returns its provenance (``archive.document.PROV_YEAR_*``).
"""

from __future__ import annotations

import re
from collections import Counter

from archive.document import (
    PROV_YEAR_BODY,
    PROV_YEAR_FILENAME,
    PROV_YEAR_HEADING,
    PROV_YEAR_ISSUED_PLAN,
    PROV_YEAR_OPENING,
    PROV_YEAR_PLAN_FOLLOWED,
    PROV_YEAR_REPORTED,
    PROV_YEAR_TITLE,
)

YEAR = r"((?:19|20)\d{2})"
RANGE_MARKS = r"\-—－–~～至到"
TITLE_YEAR = re.compile(rf"(?<![\d{RANGE_MARKS}]){YEAR}\s*年(?!\s*[{RANGE_MARKS}])")
# 现将2023年度工作情况汇报如下 / 现对2023年所做工作总结如下 / 汇报我镇2023年政府信息公开工作
REPORTED_YEAR = re.compile(
    rf"(?:现(?:将|对|就|把)|(?:汇报|报告|总结)(?=[^。，]{{0,12}}?{YEAR}))[^。]{{0,20}}?{YEAR}\s*年"
)
OPENING_YEAR = re.compile(rf"^{YEAR}\s*(?:年(?:度)?\s*(?:以来)?|以来)\s*[，,]")
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
PLAN_WORDS = re.compile(r"下一年|下一步|明年|计划|打算|安排|思路|力争|将进一步|要点")
OWN_NUMBER = re.compile(rf"^[\u4e00-\u9fff]{{1,12}}[〔\[［(（]{YEAR}[〕\]］)）]\s*\d+\s*号$")
CITED = re.compile(r"《[^》\n]{0,80}》")
FOLLOWED_PLAN = re.compile(
    rf"《[^》\n]{{0,40}}?{YEAR}\s*年(?:度)?[^》\n]{{0,40}}?(?:工作方案|工作要点|实施方案|工作计划)》"
)
DATE_YEAR = re.compile(rf"^{YEAR}\b")


def report_year(title: str, body: list[str], doc_type: str, issue_date: str, published: str,
                filename: str) -> tuple[int | None, str]:
    """(year, provenance) of the year a report covers (module docstring); (None, "")."""
    if match := TITLE_YEAR.search(title):
        return int(match.group(1)), PROV_YEAR_TITLE
    if match := REPORTED_YEAR.search("\n".join(body[:3])):
        return int(match.group(match.lastindex or 1)), PROV_YEAR_REPORTED
    for line in body[:3]:
        if match := OPENING_YEAR.match(line):
            return int(match.group(1)), PROV_YEAR_OPENING
    for line in body:
        if TOP_HEADING.match(line) and not PLAN_WORDS.search(line) and (match := TITLE_YEAR.search(line)):
            return int(match.group(1)), PROV_YEAR_HEADING
    if doc_type in ("实施方案", "工作要点") and (year := _issue_year(body, issue_date)):
        return year, PROV_YEAR_ISSUED_PLAN
    latest = int(match.group(1)) if (match := DATE_YEAR.match(published)) else None
    if (year := _most_named(body, latest)) is not None:
        return year, PROV_YEAR_BODY
    if (year := _plan_followed(body, latest)) is not None:
        return year, PROV_YEAR_PLAN_FOLLOWED
    if match := TITLE_YEAR.search(filename):
        return int(match.group(1)), PROV_YEAR_FILENAME
    return None, ""


def _issue_year(body: list[str], issue_date: str) -> int | None:
    """The year a plan was issued: its 成文日期, else its own document number at its head."""
    if match := DATE_YEAR.match(issue_date):
        return int(match.group(1))
    for line in body[:3]:
        if match := OWN_NUMBER.match(line.strip()):
            return int(match.group(1))
    return None


def _most_named(body: list[str], latest: int | None) -> int | None:
    """The year the body names most often, when one year is named more than any other."""
    counts: Counter[int] = Counter()
    for line in body:
        if TOP_HEADING.match(line) and PLAN_WORDS.search(line):
            continue
        for sentence in re.split(r"[。；;]", CITED.sub("", line)):
            if PLAN_WORDS.search(sentence):
                continue
            counts.update(int(match.group(1)) for match in TITLE_YEAR.finditer(sentence))
    ranked = [(year, n) for year, n in counts.most_common() if latest is None or year <= latest]
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _plan_followed(body: list[str], latest: int | None) -> int | None:
    """The year of the one annual plan the text follows (按照《2025年全县法治政府建设工作要点》),
    outside its plan sentences (a next year's plan is no year reported on)."""
    text = "\n".join(sentence for line in body for sentence in re.split(r"[。；;]", line)
                     if not PLAN_WORDS.search(CITED.sub("", sentence)))
    years = {int(match.group(1)) for match in FOLLOWED_PLAN.finditer(text)}
    years = {year for year in years if latest is None or year <= latest}
    return years.pop() if len(years) == 1 else None
