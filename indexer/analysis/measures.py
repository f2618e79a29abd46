"""The vocabulary of indicators (指标): which measures a figure in a report can be a figure of.

A measure is one thing researchers compare across townships and years (``纠纷调解件数``,
``行政诉讼件数``, ``普法受众人次`` …), with the units its figures come in. Measures are grouped
in *families* by their subject (disputes, petitions, trainings …); the family of a figure is
told by the subject words near it (``KEYWORDS``), the measure within the family by its unit,
the action words of its clause (排查, 调解, 成功 …) or, for a percentage, the rate it names
(调解成功率, 出庭应诉率 …). ``tests/corpus/README.md`` gives the same vocabulary as the rule
the hand-labelled sample was labelled by.

To add a measure: one ``Measure`` below (its family, units and the words that choose it within
the family); to add a family, its subject words in ``KEYWORDS`` too. Nothing else changes: the
extractor, the table page, its filters and the search's ``indicator:`` read this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.normalize import fold_for_match

TIMES = frozenset({"次", "场", "场次", "期"})
TRAININGS = TIMES | {"批次"}  # 分3批次开展培训: a training given to one group after another
CASES = frozenset({"件", "件次", "起", "宗"})
PEOPLE = frozenset({"人次", "人", "名"})
COPIES = frozenset({"份", "册", "本"})
RATE = frozenset({"%"})


@dataclass(frozen=True)
class Measure:
    """One indicator: its name, family, units and how it is told from its family's others."""

    name: str
    family: str
    units: frozenset[str]
    description: str
    # Words in the figure's own clause that pick this measure within its family (None: any);
    # for a rate, the rate's own name (…率) must match.
    words: re.Pattern[str] | None = None
    # The words qualify the figure wherever they stand in its clause (调解成功, 执法…培训, 败诉);
    # otherwise the action word nearest before the figure decides (排查 vs 调解 vs 化解).
    qualifier: bool = False
    # Words in the figure's clause that make it no figure of this measure (废止规范性文件2件: a
    # document repealed is not one drafted, reviewed or issued).
    excluded: re.Pattern[str] | None = None


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


MEASURES: tuple[Measure, ...] = (
    Measure("法治专题会议次数", "会议", frozenset({"次", "场", "场次"}),
            "党委、政府或法治建设议事机构专题研究、部署法治工作的会议"),
    Measure("学法次数", "学法", TIMES,
            "中心组学法、会前学法、集体学法等学习法律和习近平法治思想的次数"),
    Measure("执法培训次数", "培训", TRAININGS, "行政执法人员培训、执法规范化培训的次数", _words("执法"),
            qualifier=True),
    Measure("法治培训次数", "培训", TRAININGS, "干部职工法治培训、专题讲座、授课、法治课程、法治党课的次数"),
    Measure("法治培训人次", "培训", PEOPLE, "参加法治或执法培训的人数（人次）"),
    Measure("法治考试通过率", "考试", RATE, "学法考法、法律知识考试、执法资格考试的通过（合格）率",
            _words("通过率|合格率|及格率")),
    Measure("普法活动场次", "普法", TIMES, "面向群众的普法宣传、法律进村、法治进校园、宣讲等活动的场次"),
    Measure("普法受众人次", "普法", PEOPLE, "普法活动覆盖、惠及的群众人数（人次）"),
    Measure("普法资料份数", "普法", COPIES, "发放的普法宣传资料份数"),
    Measure("法律咨询人次", "咨询", PEOPLE | {"次", "件"}, "解答群众法律咨询的人次"),
    Measure("纠纷调解成功率", "纠纷", RATE, "矛盾纠纷调解（化解）成功率",
            _words("成功率|化解率|调解率|调处率|解决率")),
    Measure("纠纷调解成功件数", "纠纷", CASES, "调解成功、成功化解的矛盾纠纷件数", _words("成功"),
            qualifier=True),
    Measure("纠纷调解件数", "纠纷", CASES, "调解、调处、化解、受理调处的矛盾纠纷件数",
            _words("调解|调处|化解|受理|处理|办理|解决|处置")),
    Measure("纠纷排查件数", "纠纷", CASES, "排查（摸排）出的矛盾纠纷件数", _words("排查|摸排")),
    Measure("信访化解率", "信访", RATE, "信访事项化解率、办结率", _words("化解率|办结率|结案率|息访率")),
    Measure("信访人次", "信访", frozenset({"人次", "人"}), "接待信访群众的人次"),
    Measure("信访件数", "信访", CASES | {"项", "批", "批次"}, "受理、办理、化解的信访件（事项）数"),
    Measure("行政复议件数", "复议", CASES, "行政复议案件数"),
    Measure("出庭应诉率", "诉讼", RATE, "行政机关负责人出庭应诉率", _words("出庭")),
    Measure("行政诉讼败诉件数", "诉讼", CASES, "行政诉讼败诉案件数", _words("败诉"), qualifier=True),
    Measure("行政诉讼件数", "诉讼", CASES, "行政诉讼（应诉）案件数"),
    Measure("法律顾问参与件次", "法律顾问", CASES | {"次", "份", "项"},
            "法律顾问参与决策、审查合同和文件等的件次"),
    Measure("合法性审查率", "合法性审查", RATE, "合法性审查（审核）率", _words("审查率|审核率")),
    Measure("合法性审查件数", "合法性审查", CASES | {"份", "项", "次"},
            "合法性审查、法制审核（合同、文件、决策、重大执法决定）的件数"),
    Measure("重大行政决策项数", "重大决策", frozenset({"项", "件"}), "作出的重大行政决策（重大事项）数"),
    Measure("规范性文件件数", "规范性文件", frozenset({"件", "份"}),
            "制定、审议、备案、审查的规范性文件件数", excluded=_words("废止|失效|现行有效|有效的")),
    Measure("执法检查次数", "执法检查", frozenset({"次", "场"}),
            "行政检查、专项执法行动、联合执法行动的次数"),
    Measure("执法案件件数", "执法案件", CASES | {"次"}, "行政处罚、查处违法行为等执法案件数"),
)

# Subject words → family. The family of a figure is that of the subject word nearest before it
# in its sentence (``indexer.analysis.indicators``); the alternatives are tried longest first.
KEYWORDS: dict[str, str] = {
    "会议": r"会议|党委会|常务会|办公会|专题会|例会|推进会|联席会|大会|研究|听取[^,.;]{0,12}?汇报",
    # 以案述法: cadres explaining the law through their own cases; 观看…视频: a study session.
    "学法": r"学法|学习|研讨|研学|以案述法|观看[^,.;]{0,10}?(?:视频|专题片|警示片|教育片|纪录片|影片|录像)",
    # 讲座, 课堂, 讲堂 and 讲法 go by their audience (``indexer.analysis.indicators``); 宣讲法治 is 宣讲.
    "培训": r"培训|讲座|授课|讲课|党课|法治课|课程|课堂|讲堂|(?<!宣)讲法|参训|轮训|辅导|教学",
    "考试": r"考试|考法|测试|执法资格|资格考",
    "普法": r"普法|法治宣传|法制宣传|宣传|宣讲|法律进|法治进|法进|典进|送法|以案释法|以案说法|"
          r"赶大?集|法治集市|普法集市|法治大集",
    "咨询": r"咨询",
    "纠纷": r"纠纷|矛盾|调解|调处",
    "信访": r"信访|上访|接访|下访|来访",
    "复议": r"行政复议|复议",
    "诉讼": r"行政诉讼|行政应诉|应诉|败诉|出庭|被诉",
    "法律顾问": r"法律顾问",
    "合法性审查": r"合法性审查|合法性审核|法制审核|法制审查|法律审核|合规性审查|"
             r"审[查核][^,.;]{0,6}?合同|合同[^,.;]{0,6}?审[查核]",
    "重大决策": r"重大行政决策|重大决策|重大[^,.;]{0,10}?事项|三重一大",
    "规范性文件": r"规范性文件",
    "执法检查": r"行政检查|执法检查|执法行动|联合执法|专项执法|执法巡查",
    # 立案 but not 建立案件…, 成立案件… (an institution set up, not a case filed).
    "执法案件": r"行政处罚|处罚|查处|(?<![建成设树])立案|执法案件|违法案件|行政强制|强制措施",
}
KEYWORD = re.compile("|".join(f"(?P<f{i}>{pattern})" for i, pattern in enumerate(KEYWORDS.values())))
FAMILIES = tuple(KEYWORDS)
# Families whose subject word is not itself about the law (学习, 会议, 培训, 宣传 …): their figures
# count only in a sentence about law or in a paragraph about studying it (see ``indicators``).
NEED_LAW = frozenset({"会议", "学法", "培训", "咨询"})
# The laws a report names without 《》 (学习行政处罚法): about law, but no activity of the vocabulary.
LAW_NAMES = re.compile(r"(?:行政处罚|行政复议|行政诉讼|行政强制|行政许可|人民调解|治安管理处罚|信访工作|信访)"
                       r"(?:法|条例)")
LAW = re.compile(r"法治|法律|法制|法规|学法|普法|执法|依法|宪法|法典|法>|考法|述法|" + LAW_NAMES.pattern)
# Subject words that are about the law themselves (a 普法 event needs no other law word).
LAW_SUBJECT = re.compile(r"普法|法治|法制|法律|法进|典进|送法|以案")


def family_at(match: re.Match[str]) -> str:
    """The family of a ``KEYWORD`` match."""
    return FAMILIES[int(next(name for name, value in match.groupdict().items() if value)[1:])]


def counts(family: str, unit: str) -> bool:
    """Whether some measure of ``family`` comes in ``unit``."""
    return any(m.family == family and unit in m.units for m in MEASURES)


def measure_for(
    family: str, unit: str, clause: str, tail: str, rate_names: list[str]
) -> tuple[Measure | None, bool]:
    """The measure of a figure of ``family`` in ``unit``, and whether it was decided.

    ``clause`` is the figure's own clause up to it and ``tail`` the rest of that clause (their
    action words: 调解成功243件, 组织开展4次执法培训), ``rate_names`` the rates a percentage is
    given for (``办结率、满意率均90%``). ``(None, True)``: no measure of the vocabulary (not a
    figure); ``(None, False)``: the family has measures for this unit but the clause does not
    say which (kept apart as unsure).
    """
    candidates = [m for m in MEASURES if m.family == family and unit in m.units and not (
        m.excluded and m.excluded.search(clause + tail))]
    if not candidates:
        return None, True
    if unit in RATE:
        for measure in candidates:
            if any(measure.words and measure.words.search(name) for name in rate_names):
                return measure, True
        return None, True  # a rate of something else (受理率, 满意率, 持证率 …)
    worded = [m for m in candidates if m.words is not None]
    for measure in worded:
        if measure.qualifier and measure.words and measure.words.search(clause + tail):
            return measure, True
    actions = [m for m in worded if not m.qualifier]
    before = [(ends[-1], m) for m in actions if (ends := [w.end() for w in m.words.finditer(clause)])]
    if before:  # the action word nearest before the figure
        return max(before, key=lambda pair: pair[0])[1], True
    after = [(w.start(), m) for m in actions if (w := m.words.search(tail)) is not None]
    if after:  # else the first one after it (组织开展4次…)
        return min(after, key=lambda pair: pair[0])[1], True
    plain = [m for m in candidates if m.words is None]
    if plain:
        return plain[0], True
    return None, False


def resolve(value: str) -> list[Measure]:
    """The measures an ``indicator:`` filter value names: the measure itself, or every measure
    whose name contains the value (``行政诉讼`` → 行政诉讼件数, 行政诉讼败诉件数), or of the
    family it names (``纠纷``); folded, so full-width and traditional forms work too."""
    folded = fold_for_match(value.strip())
    if not folded:
        return []
    exact = [m for m in MEASURES if fold_for_match(m.name) == folded]
    return exact or [m for m in MEASURES if folded in fold_for_match(m.name) or folded == m.family]
