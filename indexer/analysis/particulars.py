"""What in a sentence is the township's own: the particulars that make it more than template text.

Township reports are mostly the stock wording of the upper-level documents they all quote (纲要,
实施方案, 工作要点 phrasing, political formulas) and of each other, with the township's name put in.
What a reader trusts as the township's *own* is what no other report could say by changing the
place and the year (the rule the sample in ``tests/corpus/template_labels.tsv`` is labelled by):

* a **figure** of its own work — a count with its measure word (``召开专题会议4次``,
  ``覆盖380余人次``, ``两万余人次``) or a share (``100%``); years, dates, ordinals (``第四次``,
  ``二十届``, ``县十五次党代会``) and numbers inside quotes or document titles are not counts;
* a **coined name** in quotation marks, given as a practice (``"湾事芜优"诉源治理工作站``,
  ``"1+2+5"大调解工作机制``, ``"说法评理"平台``) or to an account (``"石桥普法"微信公众号``): the
  practice word must follow it directly (not ``…"的工作格局``, not ``…"等``); a name jieba's
  dictionary knows as one word (``枫桥经验``, ``一村一法律顾问``: the domain dictionary lists the
  stock ones) or says in the domain's stock words (``"公共法律服务工作站"``, ``"人民调解+法律援助"``)
  is nobody's own coinage;
* a **named body or place** (``大观司法所``, ``镇和为贵调解室``, ``吴山广场``, ``诚中成律师事务所``): a
  body word with a proper name before it, not a generic one (``镇司法所``, ``公共法律服务工作站``);
  likewise a village, community, estate or resettlement project (``石桥村``, ``白鹭社区``,
  ``长宁安置房``, ``"石桥村晚"``), not a kind of place (``软弱涣散村``, ``无讼社区``) nor "the
  villages" of stock text (``督促村法律顾问``, ``小事不出村``);
* a **named person** beside a title (``彭立武书记``, ``调解员陈桂英``, ``特约研究员丁祖年``; not
  ``镇党委书记任组长`` nor ``以习近平同志为核心``): ``indexer.analysis.persons``;
* a **document of its own** on a matter of its own (``《龙溪镇行政执法全过程记录实施细则》``): its
  title names the report's own place and is not the routine document every government issues
  under an upper-level one (a year, 年度, 实施方案, 工作要点, 规划, 计划, 报告, 纲要, 总结);
* a claim to be **first** (``首家``, ``首创``), a **dated event** of its own (``2023年第四次工委会议``),
  an **honour** given in a year it names (``2022年被评为省级民主法治示范村``; not ``力争2025年获评``),
  or a notice's **date line** alone.

A sentence without any is template text (``indexer.analysis.wording``). These rules read the sentence
alone (and jieba's dictionary), never other reports: a report's marks do not change when another
report is added, and a single report is judged as it would be in a large archive. Measured on the
labelled sample: bench/LOG.md, "Template text by particulars".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.normalize import fold_for_match

from .persons import named_persons
from .tokenizer import (
    DICTIONARY_DIR,
    clause_words,
    rare_predicates,
    rare_word,
    segment,
    user_words,
    word_frequency,
)

GENERIC_PLACES = DICTIONARY_DIR / "generic_places.txt"

_CN = "零〇一二两三四五六七八九十百千万"
# Measure words a count of work done takes (次, 场, 人次 …); 年, 月, 日, 届, 号 are not among them.
_COUNTER = (r"(?:人次|场次|件次|户次|个百分点|个月|次|场|人|名|件|条|个|份|项|起|家|期|篇|门|元|户|位|批"
            r"|座|处|类|卷|宗|所|支|天|小时)")
FIGURE = re.compile(
    # Arabic: 4次, 380余人次, 1.5万元, 2万余人次 (not after 第 or inside a longer number)
    rf"(?<![\d.第])\d+(?:\.\d+)?\s*[余多]?\s*[万千百亿]?\s*[余多]?\s*{_COUNTER}"
    r"|\d+(?:\.\d+)?\s*%"
    # Chinese numerals: only as counts are written (四十七起, 两万余人次, 近千人), never a bare
    # 三项/四个, which is how formulas are numbered (三项制度, 四个意识)
    rf"|(?:[近约逾]|(?<![第\d{_CN}]))[{_CN}]*[十百千万][{_CN}]*[余多]?{_COUNTER}"
    rf"|[{_CN}]+[余多]{_COUNTER}"
    rf"|[近约逾][{_CN}]+{_COUNTER}"
)
# A count followed by these is an ordinal of a congress or meeting (县十五次党代会).
_ORDINAL_AFTER = re.compile(r"党代会|全会|全委会|代表大会|次会议")
# Quoted text in the folded form (every quotation mark folds to ``"``), not across a title.
_QUOTED = re.compile(r'"([^"\n<>]{1,24})"')
# Words that make the quoted name before them a practice's name (tokens of jieba's cut).
_PRACTICE_TOKENS = frozenset({
    "工作法", "调解法", "机制", "工作机制", "模式", "工作模式", "品牌", "服务品牌", "工程", "平台",
    "工作站", "工作室", "调解室", "室", "站", "制", "论坛", "讲堂", "大讲堂", "服务队", "小程序",
})
_PRACTICE_ENDINGS = ("工作法", "调解法", "机制", "模式", "品牌", "中心", "工作站", "工作室", "调解室",
                     "服务队", "平台", "论坛")
# An account of its own a quoted name is given to ("石桥普法"微信公众号): a medium, as a practice.
_OWN_MEDIUM = re.compile(r"(?:微信)?公众号|视频号|抖音号")
# Tokens after which a quoted name is described, not named (…"的工作格局", …"等形式).
_NOT_NAMING = frozenset({"的", "等", "和", "与", "及"})
_BODY = re.compile(r"律师事务所|调解工作室|调解室|工作室|司法所|派出所|人民法庭|法庭|新村|广场|小程序")
# A body word (司法所, 调解室 …) names a body of its own when a proper name precedes it: a word
# rare in general Chinese (大观, 和为贵: ``analysis.rare_word``) or a run of characters no word
# covers (诚中成, 鲁源); not a common word (要求司法所, 法治文化广场), a domain word every report
# uses, or a function character.
_DOMAIN_GENERIC = frozenset({"矛调", "一站式", "便民", "镇级", "村级", "派驻", "专职", "微信", "乡镇"})
_FUNCTION_CHARS = frozenset("由均和与及的在等对向将把被为从到了并或各该本其此每全镇乡村区县市省所")
# A place word: a village, community, housing estate or resettlement project is named by the
# proper name of 2–3 characters before it (石桥村, 白鹭社区, 长宁安置房, "石桥村晚"), as a body is.
# Stock text puts 村 and 社区 after far more words than 司法所 — as "the villages" (督促村法律顾问,
# 小事不出村, 充分发挥村(社区)党组织作用) and as kinds of place (软弱涣散村, 无讼社区, 老旧小区) — so
# a place name must also not be a kind of place (``GENERIC_PLACES``) nor a word jieba's dictionary
# tags as a verb or adjective (督促, 涣散: ``analysis.rare_predicates``), not begin with a function,
# negation, numeral or movement character (不出村, 3个村, 下沉社区, 驻村), and the place word must not
# be the generic ``村(社区)`` / ``村(居)``.
# (Cheap first: a place word after a character no name ends in — 乡村, 农村, 各村, 3个村 — or 村 as
# the first character of a word or inside a township's name — 村民, 村委会, 大村乡 — is not cut
# into words at all.)
_PLACE = re.compile(r"(?:安置小区|安置房|安置点|社区|小区|村(?![民委级务规干居乡镇]))(?!\()")
_NO_NAME_ENDS = frozenset("乡农镇各全本该每一个进入驻包到下出")
_NOT_IN_PLACE_NAME = _FUNCTION_CHARS | frozenset("不零〇一二两三四五六七八九十百千万个年月日"
                                                 "进入驻包联挂到下回")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffa-z0-9]+$")
_NAME_RUN = re.compile(r"[\u4e00-\u9fffa-z0-9]+")
_FIRST = re.compile(r"首家|首创|首个|首批")
_DATED_EVENT = re.compile(r"\d{4}年第[一二三四五六七八九十\d]{1,3}次")
# An honour it was given in a year it names (2022年被评为…, 在2023年荣获"…"称号); not one a plan
# aims at (力争2025年获评…), nor a year of a span (2021-2025年) or of a document title.
_HONOUR = re.compile(r"获评|荣获|被评为|被授予|被命名为|被认定为|被确定为|被表彰为|入选")
_YEAR = re.compile(r"(?<![\d\-~至])\d{4}年(?!度?[\-~至]\d)")
_PLANNED = re.compile(r"力争|争取|确保|争创|力求|努力|目标|计划|预计|有望|拟")
_DATE_LINE = re.compile(r"\s*\d{4}年\d{1,2}月\d{1,2}日\s*")
# A document title in the folded form (《》 fold to <>); nested titles give the inner one.
_TITLE = re.compile(r"<([^<>]{2,60})>")
_OTHER_LEVELS = frozenset("县区市省州旗盟")  # after a place stem: another place than the township
_ROUTINE_DOCUMENT = re.compile(r"\d{4}|年度|实施方案|工作要点|规划|计划|报告|纲要|总结")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Particular:
    """One thing of the township's own in a sentence: its kind and ``text[start:end]``."""

    kind: str  # figure | name | body | place | person | document | first | event | honour | date
    start: int
    end: int


def particulars(folded: str, own_names: tuple[str, ...] = ()) -> list[Particular]:
    """The particulars of one sentence (``fold_for_match`` text), in the order of the rules above.

    ``own_names``: the report's own place names, folded (``indexer.analysis.wording.own_names``), which a
    document of its own names in its title.
    """
    titles = [(m.start(), m.end()) for m in _TITLE.finditer(folded)]
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(folded) if not _within(m.start(), titles)]
    found: list[Particular] = []
    for match in FIGURE.finditer(folded):
        if not _within(match.start(), titles + quotes) and not _ORDINAL_AFTER.match(folded, match.end()):
            found.append(Particular("figure", match.start(), match.end()))
    for start, end in quotes:
        if _coined_practice(folded, start, end):
            found.append(Particular("name", start + 1, end - 1))
    found.extend(_named_bodies(folded))
    found.extend(_named_places(folded))
    found.extend(Particular("person", start, end) for start, end in named_persons(folded))
    for pattern, kind in ((_FIRST, "first"), (_DATED_EVENT, "event")):
        found.extend(Particular(kind, m.start(), m.end()) for m in pattern.finditer(folded))
    found.extend(_dated_honours(folded, titles))
    if _DATE_LINE.fullmatch(folded):
        found.append(Particular("date", 0, len(folded)))
    for match in _TITLE.finditer(folded):
        title = match.group(1)
        if _names_own_place(title, own_names) and not _ROUTINE_DOCUMENT.search(title):
            found.append(Particular("document", match.start(1), match.end(1)))
    return found


def _dated_honours(folded: str, titles: list[tuple[int, int]]) -> list[Particular]:
    """Honours given in a year the sentence names before them (see ``_HONOUR``): from the year
    to the honour's verb."""
    found: list[Particular] = []
    for verb in _HONOUR.finditer(folded):
        years = [year for year in _YEAR.finditer(folded, 0, verb.start())
                 if not _within(year.start(), titles)]
        if years and not _PLANNED.search(folded, 0, verb.start()):
            found.append(Particular("honour", years[-1].start(), verb.end()))
    return found


def _names_own_place(title: str, own_names: tuple[str, ...]) -> bool:
    """Whether a title names the township (``平安奔牛`` too), not a county of the same stem."""
    for name in own_names:
        start = title.find(name)
        while start >= 0:
            if title[start + len(name):start + len(name) + 1] not in _OTHER_LEVELS:
                return True
            start = title.find(name, start + 1)
    return False


def _within(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _coined_practice(folded: str, start: int, end: int) -> bool:
    """Whether the quoted text at ``folded[start:end]`` (quotes included) names a practice of
    the township's own coining (see the module docstring)."""
    name = folded[start + 1:end - 1].strip()
    words = segment(name)
    if len(words) == 1 and words[0][0] == name:
        return False  # a word of the dictionary: stock vocabulary, not a coinage
    if _stock_words([word for word, _start, _end in words]):
        return False
    if len(_HAN.findall(name)) < 2 and not any(char.isdigit() for char in name):
        return False
    if name.endswith(_PRACTICE_ENDINGS) or _OWN_MEDIUM.match(folded, end):
        return True
    following = _NAME_RUN.match(folded, end)  # up to the next punctuation
    for word, _start, _end in segment(following.group(0)[:10] if following else "")[:4]:
        if word in _NOT_NAMING:
            return False
        if word in _PRACTICE_TOKENS:
            return True
    return False


def _stock_words(words: list[str]) -> bool:
    """Whether a quoted name is said in the domain's stock words ("公共法律服务工作站", "法律顾问全程
    参与", "承办单位初审+法律顾问论证"): a domain dictionary word among words of jieba's dictionary,
    none a single character or a number — what a coinage plays on ("湾事芜优", "1+2+5", "最优解")."""
    return (any(word in _domain_words() for word in words)
            and all(len(word) >= 2 and _HAN_WORD.fullmatch(word) and word_frequency(word) for word in words))


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    """The words of the domain dictionary (``data/dictionary/user_dict.txt``), folded."""
    return frozenset(word for word, _freq in user_words())


def _named_bodies(folded: str) -> list[Particular]:
    """Body words (司法所, 调解室 …) preceded by a proper name rather than a generic word."""
    found: list[Particular] = []
    for match in _BODY.finditer(folded):
        before = _NAME_CHARS.search(folded[max(0, match.start() - 6):match.start()])
        if before and _proper_name([word for word, _start, _end in segment(before.group(0))]):
            found.append(Particular("body", before.start() + max(0, match.start() - 6), match.end()))
    return found


def _named_places(folded: str) -> list[Particular]:
    """Place words (村, 社区, 安置房 …) that are words of their clause, after a proper name."""
    found: list[Particular] = []
    for match in _PLACE.finditer(folded):
        last = folded[match.start() - 1] if match.start() else ""
        if not last or last in _NO_NAME_ENDS or not _HAN.match(last):
            continue
        offset, words = clause_words(folded, match.start())
        starts = {start + offset: index for index, (_word, start, _end) in enumerate(words)}
        index = starts.get(match.start())
        if not index or match.end() - offset not in {end for _word, _start, end in words}:
            continue  # not a word of its own (村民, 农村, 村居) or nothing before it
        before = [word for word, _start, _end in words[max(0, index - 3):index]]
        name = 1 if len(before[-1]) >= 2 else 2  # the words of the name: a rare one, or 2 singles
        if (len(before) >= name and len(before[-1]) <= 3 and before[-name][0] not in _NOT_IN_PLACE_NAME
                and before[-1] not in rare_predicates()
                and _proper_name(before, _generic_places(), _NOT_IN_PLACE_NAME)):
            found.append(Particular("place", offset + words[index - name][1], match.end()))
    return found


@lru_cache(maxsize=1)
def _generic_places() -> frozenset[str]:
    """The words that name a kind of place, not a place (``GENERIC_PLACES``), and the domain's
    generic words."""
    lines = GENERIC_PLACES.read_text(encoding="utf-8").splitlines()
    return _DOMAIN_GENERIC | frozenset(fold_for_match(line.strip()) for line in lines
                                       if line.strip() and not line.startswith("#"))


def _proper_name(words: list[str], generic: frozenset[str] = _DOMAIN_GENERIC,
                 function: frozenset[str] = _FUNCTION_CHARS) -> bool:
    """Whether the words before a body or place word end in a proper name: a rare word, or two
    single characters no word covers, not a ``generic`` word nor ``function`` characters."""
    if not words:
        return False
    last = words[-1]
    if len(last) >= 2:
        return last not in generic and rare_word(last)
    singles = words[-2:]
    return (len(singles) == 2 and all(len(word) == 1 and word not in function for word in singles)
            and "".join(singles) not in generic)
