"""Numbers with a unit in report text: the quantities an indicator can be read from.

Reports write the same figure many ways — ``245件``, ``2万余人次``, ``两万余人次``, ``近千人``,
``10余次``, ``2000多份``, ``99.07%``, ``3至5次``, ``300人/次`` — and a researcher must get the
number a person reads there. Each quantity keeps the text exactly as written (its span in the
passage) and the reading of it:

* ``value``: the number, with 万/千/百 multiplied out (2万 → 20000, 1.2万 → 12000); for a range
  its low end and ``high`` its high end;
* ``unit``: the unit as written, ``人/次`` and ``人\\次`` read as 人次 (a common way of writing it);
  件, 件次 and 人次 stay distinct, a percent is the unit ``%``;
* ``approx``: the word that makes it approximate or a bound (余, 多, 近, 约, 以上, 左右, 不少于 …),
  empty when exact;
* ``vague``: a count that names no number (数十, 上百): kept, never given a value to use.

What is not read as a quantity, because it is not one: years, dates and document numbers (no
unit follows), ordinals (``第四次``, ``第二批``), rates of ``每`` (``每月一次``), numbers inside
a quoted name or a title (“1+2+5”, 《…2021—2025年》, “六进”), and a Chinese numeral that is part
of a word (``三项制度``, ``一次告知``, ``一件事``): a Chinese-numeral quantity must end its clause,
unless an "about" marks it as a count (``十余次深入村组``). Plenary sessions numbered after their
congress (``十四届五次、六次全会``) are ordinals too.
All matching is on ``fold_for_match`` text, which has the offsets of the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Units, longest first so 件次 wins over 件. 人/次 and 人\次 are the 人次 some reports write.
UNIT_SPELLINGS = {"件次": "件次", "人次": "人次", "人/次": "人次", "人\\次": "人次", "场次": "场次",
                  "批次": "批次", "次": "次", "场": "场", "期": "期", "件": "件", "起": "起", "宗": "宗",
                  "项": "项", "份": "份", "册": "册", "本": "本", "人": "人", "名": "名", "批": "批",
                  "%": "%"}
_UNIT = "|".join(re.escape(u) for u in sorted(UNIT_SPELLINGS, key=len, reverse=True))
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_CN = "[零〇一二两三四五六七八九十百千万亿]+"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?[万千]?"
_NUMBER = rf"(?:{_ARABIC}|{_CN})"
_ABOUT_BEFORE = "不少于|不低于|不超过|至少|将近|接近|大约|超过|近|约|超|逾"
_ABOUT_INSIDE = "余万|多万|余|多|以上"
_ABOUT_AFTER = "以上|左右|上下"
_VAGUE = "数十|数百|数千|数万|上百|上千|上万|几十|几百|几千"
QUANTITY = re.compile(
    rf"(?P<before>{_ABOUT_BEFORE})?"
    rf"(?:(?P<vague>{_VAGUE})|(?P<low>{_NUMBER})(?:(?:至|到|-|~)(?P<high>{_NUMBER}))?)"
    rf"(?: ?(?P<inside>{_ABOUT_INSIDE}))? ?(?P<unit>{_UNIT})(?P<after>{_ABOUT_AFTER})?"
)
# What may stand right before a number that starts a quantity: not a digit, a decimal point,
# an ordinal's 第, a frequency's 每, a session's 届 (十四届五次全会: the fifth plenary session), nor
# a Chinese numeral (that would be inside a longer one).
_NOT_BEFORE = re.compile(r"[\d.第每届零〇一二两三四五六七八九十百千万亿]")
# A Chinese-numeral quantity ends its clause (“覆盖群众两万余人次，”); else it is part of a word.
_CLAUSE_END = re.compile(r"$|[,.;:!?)\]\s]")
# 每季度召开1次, 每两个月1次, 每2个月1次: a frequency, not a count of what was done.
_FREQUENCY = re.compile(r"每(?:[\d一两二三四五六半双]个?)?(?:年|季度|季|月|周|星期|天|日)[^,.;:!?]*$")
# 一、二、三、四次全委会: a Chinese numeral after a listed one counts sessions by their number.
_LISTED = re.compile(r"[零〇一二两三四五六七八九十],$")
# Quoted names and titles, whose numbers are part of the name: “…”, 《…》 (folded to "…", <…>).
_QUOTED = re.compile(r'"[^"\n]{0,40}"|<[^<>\n]{0,80}>|\[[^\[\]\n]{0,20}\]')


# Whether a text can hold a quantity at all (a numeral right before a unit): most paragraphs of
# a report hold none, and this test is far cheaper than reading them (``may_hold_quantities``).
_ANY = re.compile(rf"[\d０-９零〇一二两三四五六七八九十百千万亿十余多上][ \u3000]?(?:{_UNIT}|％)")


def may_hold_quantities(text: str) -> bool:
    """False when ``text`` (as written, not folded) certainly holds no quantity."""
    return _ANY.search(text) is not None


@dataclass(frozen=True)
class Quantity:
    """One number with its unit, as written at ``text[start:end]`` of the passage."""

    start: int
    end: int
    value: float | None  # None for a vague count (数十场)
    high: float | None  # the high end of a range (3至5次), else None
    unit: str
    approx: str  # 余, 多, 近, 约, 以上, 左右 … or ""
    vague: bool = False


def masked(folded: str) -> str:
    """``folded`` with the inside of quoted names and titles blanked (same length)."""
    return _QUOTED.sub(lambda m: m.group()[0] + "\u3000" * (len(m.group()) - 2) + m.group()[-1], folded)


def quantities(folded: str) -> list[Quantity]:
    """Every quantity in a folded text, in order (see the module docstring for what is not one)."""
    text = masked(folded)
    found: list[Quantity] = []
    for match in QUANTITY.finditer(text):
        start = match.start()
        before = text[:start].rstrip(" ")  # a text taken from a PDF may space "第 4 次", "36 场次"
        if before and _NOT_BEFORE.match(before[-1]):
            continue
        if _FREQUENCY.search(text, max(0, start - 20), start):
            continue
        low, high = match.group("low"), match.group("high")
        chinese = low is not None and not low[0].isdigit()
        # 十余次深入村组…: an "about" (余, 多) makes a count of it wherever it stands.
        counted = chinese and match.group("inside") is not None
        if (chinese or match.group("vague")) and (
                not (counted or _CLAUSE_END.match(text, match.end())) or _LISTED.search(text, 0, start)):
            continue
        if low is not None and (number := parse_number(low)) is None:
            continue
        approx = "".join(filter(None, (match.group("before"), match.group("inside"), match.group("after"))))
        unit = UNIT_SPELLINGS[match.group("unit")]
        if match.group("vague"):
            found.append(Quantity(start, match.end(), None, None, unit, match.group("vague"), vague=True))
            continue
        value = number
        inside = match.group("inside") or ""
        if inside.endswith("万") and len(inside) == 2:  # 20余万 = 200,000 and more
            value *= 10_000
        upper = parse_number(high) if high else None
        found.append(Quantity(start, match.end(), value, upper, unit, approx.replace("万", "")))
    return found


def parse_number(written: str) -> float | None:
    """The value of a number written in digits (with 万/千/百) or in Chinese numerals; None if
    it is not a well-formed number."""
    if written[0].isdigit():
        scale = _CN_SCALES.get(written[-1], 1)
        digits = written[:-1] if scale != 1 else written
        return float(digits.replace(",", "")) * scale
    return _chinese(written)


def _chinese(written: str) -> float | None:
    """三 → 3, 十二 → 12, 三十五 → 35, 一百二十 → 120, 两万 → 20000, 千 → 1000 (近千)."""
    total, section, digit = 0, 0, None
    for char in written:
        if char in _CN_DIGITS:
            if digit is not None:
                return None  # 二三: not a number
            digit = _CN_DIGITS[char]
        elif char in ("万", "亿"):
            section = (section + (digit or 0)) or 1
            total += section * _CN_SCALES[char]
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _CN_SCALES[char]
            digit = None
    return float(total + section + (digit or 0))
