"""The figures of a report (指标): each number the text gives for a measure of the vocabulary.

A figure is a quantity (``indexer.analysis.figures``) that a sentence gives for one measure
(``indexer.analysis.measures``), with its period and whether it is a result or a target. How each is read,
in terms a reader of the report would use:

* **measure**: the subject word nearest before the figure in its own clause (纠纷, 信访, 培训 …)
  gives the family; failing that the rest of its clause (``开展4次普法队伍培训``), then the
  earlier clauses of the sentence, then the figure before it (``排查矛盾纠纷84起，化解84起，
  化解率100%``). A 法律顾问 who 参与s is the subject of what follows. Within the family the unit
  and the clause's action words decide; a percentage is the rate it names (化解率, 出庭应诉率;
  a training's 合格率 is its exam's). A lecture (讲座, 课堂, 讲堂, 讲法) goes by its audience.
  学习, 会议, 培训 and 宣传 count only in a sentence about law (or in a paragraph about studying it,
  unless the text names the study as general political study: 第一议题, 支部学习, 主题教育 …).
* **a subject from before** does not reach a clause that starts an activity of its own
  (``开展…督查2次``), counts something else (司法建议, 经营风险, ``作出3次批示``) — but a plain
  开展/参加 with nothing after it goes on counting the activity before (``在辖区中学开展3场``).
  A people count of a family that counts none (``走进企业宣讲12场，职工参加学习1500人次``) is the
  audience of the figure before. A count in 人 or 名 whose clause says nobody took part is a
  head-count of staff (``执法队现有队员12人``), not a figure.
* **breakdowns**: after 其中, a figure of the same measure as the total before it is part of that
  total (``信访问题3件，其中省委巡视组2件``, also in a sentence that opens with 其中) and not given
  again; a breakdown in brackets ends at its closing bracket.
* **period**: the year the sentence names before the figure (``2023年以来``, ``2023年和2024年``,
  ``去年``); else the report's own year. Years inside titles and document numbers do not count.
* **target**: said with 力争, 争取, 计划…, 拟, 预计, 确保/将…达到, 下一步, 明年, or for a later
  year; or standing in the part about next year's work, or in a plan (实施方案, 工作要点).
* **unsure**: kept apart with the reason, never put in the table: a count whose family is known
  but not which of its measures (``矛盾纠纷30件``), two subjects joined (``纠纷和信访问题120件``),
  a subject from an earlier clause while the figure's own clause names other cases
  (``…信访平台，及时跟进处理案件50余件``), people after two kinds of activity (``集中学法6次，律师讲座3场，
  干部参加学习共400人次``), a rate above 100 %, a count that names no number (数十场).

The figure keeps its exact span in the passage (``start``, ``end``): the reader marks it there,
and ``tests/test_indicators.py`` checks each against the text and the hand-labelled sample.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from archive.normalize import fold_for_match

from .figures import Quantity, masked, may_hold_quantities, quantities
from .measures import (
    KEYWORD,
    LAW,
    LAW_NAMES,
    LAW_SUBJECT,
    NEED_LAW,
    PEOPLE,
    RATE,
    counts,
    family_at,
    measure_for,
)
from .query_tree import SENTENCE_BREAK

RESULT, TARGET = "result", "target"
PLAN_SECTIONS = frozenset({"下一年度工作安排", "工作任务"})
PLAN_TYPES = frozenset({"实施方案", "工作要点"})
# Clauses end at commas and colons; 、 joins the items of one clause (read on the original text,
# where 、 and ， differ: folding makes both a comma). What follows a figure in brackets is a note.
CLAUSE_BREAK = re.compile(r"[，,：:]")
TAIL_BREAK = re.compile(r"[，,：:（(]")
TITLES = re.compile(r"<[^<>\n]{0,80}>|\[[^\[\]\n]{0,20}\]")  # 《…》 and 〔…〕, folded
# A paragraph about studying law makes its 学习 / 培训 figures law's even in a sentence without it.
STUDY_THEME = re.compile(r"学法|法治思想|法治学习|法治培训|法律知识|法治教育")
# …but not to a study the text names as the Party's general political study (第一议题, 支部学习 …).
GENERAL_STUDY = re.compile(r"第一议题|支部|主题教育|党建|党史|党纪|党章|二十大|全会精神|讲话精神")
COUNSEL = re.compile(r"法律顾问[^,.;]*?(?:参与|审查|审核|出具|提供|列席|办理|代理)")
# Things a clause can count that no subject word before it names (…决定审查10件, 处理案件50余件).
CASE_NOUNS = re.compile(r"案件|事项|问题|线索|决定|合同|协议|申请|项目|隐患")
# …and things no measure counts (司法建议, 检察建议, 经营风险): such a clause gives no figure.
OTHER_COUNTS = re.compile(r"建议|风险")
# …作出3次批示: a word after a count names what it counts (after 12名 it names the people).
OWN_NOUN = re.compile(r"\s*[\u4e00-\u9fff]")
JOINED = re.compile(r"^(?:和|及|与|以及|,)[^,.;]{0,4}$")
# A clause that starts an activity of its own (开展…督查2次) takes no subject from before it.
ACTIVITY = re.compile(r"开展|组织|举办|召开|进行|参加|实施|完成|落实|建立|建成|新建|制定|出台|印发|发布|签订|"
                      r"聘请|设立|整改|通报|督查|处理|办理")
# …unless its verb is a plain "held" with nothing after it: 在辖区中学开展3场, 全年共开展18次,
# 参加人员达900余人次 go on counting the activity before.
CONTINUED = re.compile(r"(?:开展|组织|举办|召开|进行|参加|举行)"
                       r"(?:了|共|共计|累计|合计|各类|人数|人员|达到|达|为|\s)*$")
# A count in 人 or 名 is of people taking part only when its clause says so (or names the public
# reached); 执法队现有队员12人, 有执法证的人员35人 are head-counts of staff.
# A bare number (，200余人) goes on.
TAKING_PART = re.compile(r"参加|参训|参与|参会|培训|受训|轮训|覆盖|惠及|受益|受众|受教育|听众|学员|接受|接待|"
                         r"咨询|出席|观看|旁听|到场|人数|来访|上访|群众|村民|居民|师生|学生")
HEADS = frozenset({"人", "名"})
BARE = re.compile(r"(?:共|累计|共计|合计|总计|达|约|全年|\s)*")
STUDY_FAMILIES = frozenset({"学法", "培训"})
# A lecture (讲座, 课堂, 讲堂, 讲法) goes by its audience: for the public it is legal publicity, for
# cadres a training; when its clause names neither, by where it was held (在各村开展: publicity),
# then by its sentence (横幅, 进村庄 …: publicity).
LECTURE = re.compile(r"讲座|课堂|讲堂|讲法")
PUBLIC = re.compile(r"进(?:村|社区|校|企|家|万家|基层)|群众|村民|居民|师生|学生|企业|商户|百姓")
CADRES = re.compile(r"干部|职工|公职人员|执法人员|党员|班子|领导|中心组|工作人员")
VILLAGES = re.compile(r"[个各]村|行政村|自然村|村组|村居|村\((?:社区|居)\)")
PUBLICITY = re.compile(r"宣传|普法(?:活动|资料|阵地|志愿)|" + PUBLIC.pattern + "|" + VILLAGES.pattern)
RATE_VERBS = re.compile(r"(?:均|都|分别|全部)?(?:达到|达|为|是|保持在|保持|稳定在|提高到|提升到|"
                        r"提高至|提升至|提高|提升|超过|在)?\s*$")
RATE_NAMES = re.compile(r"[\u4e00-\u9fff]{1,10}率(?:(?:,|和|及|与)[\u4e00-\u9fff]{1,10}率)*$")
# Target words: 下一步, 明年 … make a whole sentence a plan; 力争, 计划 … the clause they stand in
# and the next; 确保/将/要 … 达到 only their own.
PLANNED_SENTENCE = re.compile(r"下一步|明年|来年|下一年度|今后")
PLANNED = re.compile(r"力争|争取|计划(?=[在于到全完开举组实新将再培发接办建])|拟(?![定订])|预计|"
                     r"目标[是为]|预期")
PLANNED_LEVEL = re.compile(r"(?:确保|将|要)[^,.;]{0,16}(?:达到|达|提高到|提升到|提高至|提升至|实现|控制在|"
                           r"保持在|不低于|不少于|超过)\s*$")
YEAR = re.compile(r"(?<![\d-])(\d{4})年度?(?:(?:和|至|到|-|~|,)(\d{4})年度?)?(以来|来)?|"
                  r"(今年|本年度|全年|年内|当年)|(去年|上年|上一年)|(明年|来年|下一年度)")


@dataclass(frozen=True)
class Context:
    """What a passage's figures need to know about where it stands."""

    report_id: str
    seq: int
    year: int | None  # the report's year
    section: str  # the passage's section kind (``archive.document.SECTION_KINDS``)
    doc_type: str


@dataclass(frozen=True)
class Figure:
    """One figure: ``text[start:end]`` of passage ``seq`` read as ``value`` ``unit`` of ``measure``."""

    report_id: str
    seq: int
    start: int
    end: int
    text: str  # the figure as written
    measure: str  # "" when the extractor could not tell (then ``unsure`` says why)
    value: float | None
    high: float | None
    unit: str
    approx: str
    kind: str  # RESULT or TARGET
    period: tuple[int, int] | None
    section: str = ""  # the passage's section kind
    unsure: str = ""  # why it is kept apart; "" for a figure of the table

    @property
    def number(self) -> str:
        """The value as people write it: 245, 99.07, 20000; a range 3–5."""
        shown = _plain(self.value)
        return f"{shown}–{_plain(self.high)}" if self.high is not None else shown


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:g}"


@dataclass
class _Sentence:
    """The reading state of one sentence: the family of the figure before and the 其中 total."""

    start: int
    end: int
    family: str | None = None
    activities: set[str] = field(default_factory=set)  # families counted since the last people count
    total: str = ""  # the measure of the last figure before 其中
    parts_from: int | None = None  # where 其中 starts, once seen
    parts_to: int = 0  # where its breakdown ends: the closing bracket of （其中…）, else the sentence's end


def extract(text: str, context: Context) -> list[Figure]:
    """Every figure of one passage (the unsure ones too, marked), in text order."""
    if not may_hold_quantities(text):
        return []
    folded = fold_for_match(text)
    words = LAW_NAMES.sub(_blank, TITLES.sub(_blank, folded))  # a law's name names no activity
    found = quantities(folded)
    out: list[Figure] = []
    total = ""
    for start, end in _sentences(folded):
        sentence = _Sentence(start, end)
        if folded[start:end].lstrip().startswith("其中"):  # 。其中，…: the breakdown of the total before
            sentence.total, sentence.parts_from, sentence.parts_to = total, start, end
        previous_end = start
        inside = [q for q in found if start <= q.start < end]
        for index, quantity in enumerate(inside):
            next_start = inside[index + 1].start if index + 1 < len(inside) else end
            figure = _figure(text, folded, words, quantity, previous_end, next_start, sentence, context)
            previous_end = quantity.end
            if figure is not None:
                out.append(figure)
        total = sentence.total
    return out


def _blank(match: re.Match[str]) -> str:
    return "\u3000" * len(match.group())


def _sentences(folded: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in SENTENCE_BREAK.finditer(folded):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(folded):
        yield start, len(folded)


def _figure(text: str, folded: str, words: str, quantity: Quantity, previous_end: int, next_start: int,
            sentence: _Sentence, context: Context) -> Figure | None:
    """The figure ``quantity`` gives, or None when it is no figure of the vocabulary."""
    own_start = max(_clause_start(text, sentence.start, quantity.start), previous_end)
    own = words[own_start:quantity.start]
    tail_end = _clause_end(text, quantity.end, min(next_start, sentence.end))
    tail = words[quantity.end:tail_end]
    family, keyword, unsure = _family(words, own, tail, previous_end, own_start, sentence, quantity.unit)
    lead = words[previous_end:quantity.start]
    _note_breakdown(words, sentence, lead, previous_end, quantity.start)
    if family is None:
        return None
    if LECTURE.fullmatch(keyword):
        family = _audience(own + tail, words[sentence.start:sentence.end])
    if quantity.unit in PEOPLE and not counts(family, quantity.unit) and sentence.family and \
            counts(sentence.family, quantity.unit):
        family = sentence.family  # 宣讲12场，职工参加学习1500人次: the people of the activity before
        if len(sentence.activities) > 1:  # 学法6次，讲座3场，参加学习400人次: whose people?
            joined = "和".join(f"“{name}”" for name in sorted(sentence.activities))
            unsure = f"人数跟在{joined}之后，不能确定是哪一项"
    if quantity.unit in PEOPLE:
        sentence.activities.clear()
    else:
        sentence.activities.add(family)
    sentence.family = family
    if family in NEED_LAW or (family == "普法" and not LAW_SUBJECT.search(keyword)):
        about_law = LAW.search(folded[sentence.start:sentence.end]) or (
            family in STUDY_FAMILIES and STUDY_THEME.search(folded[:sentence.start])
            and not GENERAL_STUDY.search(lead))
        if not about_law:
            return None
    if quantity.unit in HEADS and not TAKING_PART.search(own + tail) and BARE.fullmatch(own + tail) is None:
        return None  # a head-count of staff, not of people taking part
    rate_names = _rate_names(lead) if quantity.unit in RATE else []
    measure, decided = measure_for(family, quantity.unit, own, tail, rate_names)
    if measure is None and decided and rate_names and family in STUDY_FAMILIES:
        measure, decided = measure_for("考试", quantity.unit, own, tail, rate_names)  # a training's 合格率
    if measure is None and decided:
        return None
    name = measure.name if measure else ""
    if sentence.parts_from is not None and name and name == sentence.total:
        return None  # a part of the total given before 其中
    if sentence.parts_from is None:
        sentence.total = name
    if not decided:
        unsure = unsure or f"“{family}”的数字，但没有说明是哪一项指标"
    elif quantity.vague:
        unsure = "没有给出确切数字"
    elif quantity.unit in RATE and (quantity.value or 0) > 100:
        unsure = "比率超过 100%"
    kind = _kind(words, sentence, quantity.start, context)
    return Figure(
        report_id=context.report_id, seq=context.seq, start=quantity.start, end=quantity.end,
        text=text[quantity.start:quantity.end], measure=name, value=quantity.value, high=quantity.high,
        unit=quantity.unit, approx=quantity.approx, kind=kind,
        period=_period(masked(words[sentence.start:quantity.start]), context.year, kind, context),
        section=context.section, unsure=unsure,
    )


def _note_breakdown(words: str, sentence: _Sentence, lead: str, previous_end: int, position: int) -> None:
    """Start the 其中 breakdown when ``lead`` (the text before the figure at ``position``) opens it,
    and end one written in brackets at its closing bracket (``（其中…），另查处…4起`` counts again)."""
    if sentence.parts_from is not None and position >= sentence.parts_to:
        sentence.parts_from = None
    if sentence.parts_from is None and (at := lead.find("其中")) >= 0:
        sentence.parts_from = position
        opened = lead[:at].rstrip().endswith("(")
        closing = words.find(")", previous_end + at, sentence.end) if opened else -1
        sentence.parts_to = closing if closing >= 0 else sentence.end


def _clause_start(text: str, floor: int, position: int) -> int:
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(text, floor, position)]
    return breaks[-1] if breaks else floor


def _clause_end(text: str, position: int, ceiling: int) -> int:
    found = TAIL_BREAK.search(text, position, ceiling)
    return found.start() if found else ceiling


def _family(words: str, own: str, tail: str, previous_end: int, own_start: int,
            sentence: _Sentence, unit: str) -> tuple[str | None, str, str]:
    """(family, the subject word that told it, why unsure or "") of a figure."""
    if COUNSEL.search(own):
        return "法律顾问", "法律顾问", ""
    hits = list(KEYWORD.finditer(own))
    if hits:
        nearest = max(hits, key=lambda m: (m.end(), len(m.group())))
        family = family_at(nearest)
        others = [m for m in hits if family_at(m) != family and m.end() <= nearest.start()]
        if others and JOINED.match(own[others[-1].end():nearest.start()]):
            return family, nearest.group(), f"“{family_at(others[-1])}”和“{family}”连在一起，不能确定是哪一项"
        return family, nearest.group(), ""
    after = list(KEYWORD.finditer(tail))
    if after:
        return family_at(after[-1]), after[-1].group(), ""
    earlier = list(KEYWORD.finditer(words, previous_end, own_start))
    subject = earlier[-1].group() if earlier else ""
    family = family_at(earlier[-1]) if earlier else sentence.family
    if family is None:
        return None, "", ""
    if OTHER_COUNTS.search(own) or (unit not in PEOPLE | RATE and OWN_NOUN.match(tail)):
        return None, "", ""  # it counts something else (司法建议, 经营风险, 作出3次批示)
    if (cases := CASE_NOUNS.search(own)) is not None:
        return family, subject, f"主语“{subject or family}”在前，本分句另说“{cases.group()}”"
    if ACTIVITY.search(own) and not CONTINUED.search(own):
        return None, "", ""  # a new activity of its own, outside the vocabulary
    return family, subject, ""


def _audience(clause: str, sentence: str) -> str:
    """The family of a lecture: 普法 for the public, 培训 for cadres (see ``LECTURE``)."""
    if PUBLIC.search(clause):
        return "普法"
    if CADRES.search(clause):
        return "培训"
    return "普法" if VILLAGES.search(clause) or PUBLICITY.search(sentence) else "培训"


def _rate_names(lead: str) -> list[str]:
    """The rates a percentage is given for: ``化解率达96.8%`` → [化解率]; ``参考率、合格率均达`` → both."""
    stripped = RATE_VERBS.sub("", lead)
    found = RATE_NAMES.search(stripped)
    # Split only after a 率: 及格率 and 参与率 hold a 及 and a 与 of their own.
    return re.split(r"(?<=率)(?:,|和|及|与)", found.group()) if found else []


def _kind(words: str, sentence: _Sentence, position: int, context: Context) -> str:
    """TARGET for a planned figure (see the module docstring), else RESULT."""
    if context.section in PLAN_SECTIONS or context.doc_type in PLAN_TYPES:
        return TARGET
    before = words[sentence.start:position]
    clauses = CLAUSE_BREAK.split(before)
    if PLANNED_SENTENCE.search(before) or PLANNED.search(",".join(clauses[-2:])) or \
            PLANNED_LEVEL.search(clauses[-1]):
        return TARGET
    later = [int(m.group(1)) for m in YEAR.finditer(before) if m.group(1)]
    return TARGET if later and context.year and later[-1] > context.year else RESULT


def _period(before: str, year: int | None, kind: str, context: Context) -> tuple[int, int] | None:
    """The years a figure is for: the last year the sentence names before it, else the report's."""
    named = list(YEAR.finditer(before))
    if named:
        last = named[-1]
        if last.group(1):
            first = int(last.group(1))
            if last.group(2):
                return first, int(last.group(2))
            if last.group(3) and year and first < year:
                return first, year
            return first, first
        if year is not None:
            shift = 0 if last.group(4) else -1 if last.group(5) else 1
            return year + shift, year + shift
    if year is None:
        return None
    if kind == TARGET and context.section in PLAN_SECTIONS and context.doc_type not in PLAN_TYPES:
        return year + 1, year + 1
    return year, year
