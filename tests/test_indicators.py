"""The indicator extractor (``indexer.indicators``): the rules one sentence at a time, then the
hand-labelled sample of the shipped corpus (``tests/corpus/indicator_labels.tsv``).

The sentences of the first part are the issue's own examples and the ways reports write figures
(Chinese numerals, 万, 余/多, ranges, 人/次), each with what a person reads there; the second part
measures the extractor against every figure of the 40 shipped reports, labelled by hand before
it existed: precision, recall, and every value, unit, result/target and period among those found.
"""

from __future__ import annotations

import pytest

from archive.normalize import fold_for_match
from bench.indicator_sample import load_labels, locate, score
from indexer.figures import parse_number, quantities
from indexer.indicator_table import table
from indexer.indicators import RESULT, TARGET, Context, extract
from tests.support.archives import sessions_of


def read(text: str, section: str = "主要举措和成效", year: int | None = 2024, doc_type: str = "年度报告"):
    """(figure as written, measure, value, unit, approx, kind) of each sure figure of ``text``."""
    return [(f.text, f.measure, f.value, f.unit, f.approx, f.kind)
            for f in extract(text, Context("r", 1, year, section, doc_type)) if not f.unsure]


def unsure(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.unsure) for f in extract(text, Context("r", 1, 2024, "主要举措和成效", "年度报告"))
            if f.unsure]


# --- numbers and units ----------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "value"), [
    ("245", 245), ("99.07", 99.07), ("2万", 20_000), ("1.2万", 12_000), ("三", 3), ("十二", 12),
    ("三十五", 35), ("一百二十", 120), ("两万", 20_000), ("千", 1000), ("1,200", 1200),
])
def test_numbers_are_read_as_written(written: str, value: float) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize(("text", "expected"), [
    ("受众1.2万人次，", [(12_000.0, None, "人次", "")]),
    ("覆盖群众两万余人次，", [(20_000.0, None, "人次", "余")]),
    ("惠及师生近千人。", [(1000.0, None, "人", "近")]),
    ("培训干部职工300人\\次，", [(300.0, None, "人次", "")]),
    ("接待300人/次。", [(300.0, None, "人次", "")]),
    ("开展3至5次培训", [(3.0, 5.0, "次", "")]),
    ("办结率达90%以上，", [(90.0, None, "%", "以上")]),
    ("受理行政复议三件。", [(3.0, None, "件", "")]),
    ("覆盖20余万人次，", [(200_000.0, None, "人次", "余")]),
])
def test_quantities_keep_value_unit_and_approximation(text: str, expected: list) -> None:
    assert [(q.value, q.high, q.unit, q.approx) for q in quantities(fold_for_match(text))] == expected


@pytest.mark.parametrize("text", [
    "县委十五届一、二、三、四次、五次全委会精神",  # sessions counted by their number
    "坚持一次告知、一窗受理，推行“一件事一次办”",  # numerals inside words
    "落实行政执法“三项制度”，争创第二批示范区，召开第四次会议",  # a name, ordinals
    "依据《实施纲要（2021—2025年）》和〔2023〕2号文，每季度召开1次",  # titles, numbers, a frequency
    "创新“1+2+5”大调解工作机制，利用“3·15”开展宣传",
])
def test_what_is_no_quantity(text: str) -> None:
    assert quantities(fold_for_match(text)) == []


# --- measures: the issue's examples and the ways reports write them ------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("调解矛盾纠纷248件，调解成功率100%。", [("248件", "纠纷调解件数", 248, "件", "", RESULT),
                                        ("100%", "纠纷调解成功率", 100, "%", "", RESULT)]),
    ("行政复议3件、行政诉讼2件（败诉0件）。", [("3件", "行政复议件数", 3, "件", "", RESULT),
                                       ("2件", "行政诉讼件数", 2, "件", "", RESULT),
                                       ("0件", "行政诉讼败诉件数", 0, "件", "", RESULT)]),
    ("法律顾问参与审查合同14件次。", [("14件次", "法律顾问参与件次", 14, "件次", "", RESULT)]),
    ("开展普法宣传活动36场次，受众1.2万人次。", [("36场次", "普法活动场次", 36, "场次", "", RESULT),
                                         ("1.2万人次", "普法受众人次", 12_000, "人次", "", RESULT)]),
    ("组织执法培训2次。", [("2次", "执法培训次数", 2, "次", "", RESULT)]),
    ("办理信访件56件。", [("56件", "信访件数", 56, "件", "", RESULT)]),
    ("重大行政决策3项，合法性审查率100%。", [("3项", "重大行政决策项数", 3, "项", "", RESULT),
                                       ("100%", "合法性审查率", 100, "%", "", RESULT)]),
    ("全年制定规范性文件2件，立案查处违法案件8起。", [("2件", "规范性文件件数", 2, "件", "", RESULT),
                                             ("8起", "执法案件件数", 8, "起", "", RESULT)]),
    ("接待群众来访120批次350人次，办结率100%。", [("120批次", "信访件数", 120, "批次", "", RESULT),
                                           ("350人次", "信访人次", 350, "人次", "", RESULT),
                                           ("100%", "信访化解率", 100, "%", "", RESULT)]),
    ("累计解答群众法律咨询500余次。", [("500余次", "法律咨询人次", 500, "次", "余", RESULT)]),
    ("开展“宪法进万家”活动三场，发放宣传手册3000余册。",
     [("三场", "普法活动场次", 3, "场", "", RESULT), ("3000余册", "普法资料份数", 3000, "册", "余", RESULT)]),
    ("行政机关负责人出庭应诉率达100%。", [("100%", "出庭应诉率", 100, "%", "", RESULT)]),
    ("镇法律顾问全年审查合同21份、出具法律意见书8份，另审查村级合同86份。",
     [("21份", "法律顾问参与件次", 21, "份", "", RESULT), ("8份", "法律顾问参与件次", 8, "份", "", RESULT),
      ("86份", "合法性审查件数", 86, "份", "", RESULT)]),
    ("开展法治讲座进村居40场，受教育群众2000余人次；举办干部法治专题讲座2场。",
     [("40场", "普法活动场次", 40, "场", "", RESULT),
      ("2000余人次", "普法受众人次", 2000, "人次", "余", RESULT),
      ("2场", "法治培训次数", 2, "场", "", RESULT)]),
    ("召开第 4 次会议，开展普法活动 36 场次。", [("36 场次", "普法活动场次", 36, "场次", "", RESULT)]),
    ("受理行政处罚案件23件，其中简易程序15件，一般程序8件。",
     [("23件", "执法案件件数", 23, "件", "", RESULT)]),
    ("组织120名干部参加法治理论考试，参考率、合格率均达100%。",
     [("100%", "法治考试通过率", 100, "%", "", RESULT)]),
])
def test_measures_of_the_issues_examples(text: str, expected: list) -> None:
    assert read(text) == expected


def test_a_breakdown_after_qizhong_is_part_of_its_total() -> None:
    assert read("全年处理信访问题3件，其中省委巡视组2件，县委书记信箱1件。") == [
        ("3件", "信访件数", 3, "件", "", RESULT)]


@pytest.mark.parametrize(("text", "section", "doc_type", "kind"), [
    ("力争全镇矛盾纠纷调解成功率达到98%以上。", "主要举措和成效", "年度报告", TARGET),
    ("计划开展普法宣传活动20场次。", "主要举措和成效", "年度报告", TARGET),
    ("确保重大行政决策合法性审查率达到100%。", "主要举措和成效", "年度报告", TARGET),
    ("全年开展普法宣传活动20场次。", "下一年度工作安排", "年度报告", TARGET),
    ("全年开展普法宣传活动20场次。", "工作任务", "实施方案", TARGET),
    ("制定年度普法计划，全年开展普法宣传活动20场次。", "主要举措和成效", "年度报告", RESULT),
    ("到2026年，普法宣传活动达到30场次。", "主要举措和成效", "年度报告", TARGET),
    ("下一步，将深化人民调解，全年调处纠纷成功率保持在98%以上。", "主要举措和成效", "年度报告", TARGET),
    ("每年开展普法宣传活动不少于12场。", "主要举措和成效", "年度报告", None),  # a standing rule
])
def test_result_or_target(text: str, section: str, doc_type: str, kind: str | None) -> None:
    assert [found[-1] for found in read(text, section=section, doc_type=doc_type)] == ([kind] if kind else [])


def test_a_bound_is_kept_with_its_figure() -> None:
    assert read("全年开展普法宣传活动不少于12场。", section="下一年度工作安排") == [
        ("不少于12场", "普法活动场次", 12, "场", "不少于", TARGET)]


@pytest.mark.parametrize(("text", "period"), [
    ("全年排查矛盾纠纷245件。", (2024, 2024)),
    ("2022年以来共召开党委会议4次研究部署依法治镇工作。", (2022, 2024)),
    ("2023年和2024年连续两年，执法资格考试通过率100%。", (2023, 2024)),
    ("去年受理行政复议3件。", (2023, 2023)),
    ("依据《2021—2025年法治建设规划》，全年受理行政复议3件。", (2024, 2024)),
])
def test_the_period_is_the_reports_year_unless_the_sentence_says(text: str, period: tuple) -> None:
    assert [f.period for f in extract(text, Context("r", 1, 2024, "主要举措和成效", "年度报告"))] == [period]


@pytest.mark.parametrize("text", [
    "全年共排查化解矛盾纠纷和信访问题120件。",  # two subjects joined
    "联动民情热线及智慧信访平台，及时跟进处理案件50余件。",  # the subject of another clause
    "涉及矛盾纠纷30件。",  # which count of disputes?
    "调解成功率达120%。",  # above 100 %
    "开展普法活动数十场。",  # no number
])
def test_unsure_figures_are_kept_apart(text: str) -> None:
    assert read(text) == [] and len(unsure(text)) == 1


def test_a_clause_naming_other_things_takes_no_subject_from_before() -> None:
    text = "审查规范性文件2件，重大执法决定审查10件。"  # the second counts decisions, not documents
    assert read(text) == [("2件", "规范性文件件数", 2, "件", "", RESULT)]
    assert [found for found, _why in unsure(text)] == ["10件"]


@pytest.mark.parametrize("text", [
    "组织开展中心组理论学习扩大会议10次。",  # a meeting, not about law
    "开展行政执法“三项制度”落实专项督查2次，整改问题2个。",  # internal checks
    "办理政府服务热线325件，办件率100%。",  # a hotline
    "全年办理各类便民服务事项1500余件。",
    "2023年红江镇有5人参加行政执法考试。",  # people who sat an exam
    "涉案总金额1007.6万元。",
])
def test_figures_outside_the_vocabulary_are_none(text: str) -> None:
    assert extract(text, Context("r", 1, 2024, "主要举措和成效", "年度报告")) == []


# --- the hand-labelled sample of the shipped corpus ----------------------------------------------

def test_the_labelled_sample(archive_config) -> None:
    """Precision ≥ 0.95, recall ≥ 0.80, and every value, unit, kind and period right among the
    figures found (``tests/corpus/README.md``; ``python -m bench.indicator_sample`` prints them)."""
    labels = load_labels()
    located = locate(labels, sessions_of(archive_config))
    found = table(archive_config)
    assert found is not None
    result = score(located, found.figures(), found.figures(sure=False))
    assert len(result.labelled) == 99 and len({label.report_id for label in result.labelled}) == 27
    assert result.precision >= 0.95, result.false_positives
    assert result.recall >= 0.80, result.misses
    assert result.wrong == [], result.wrong
    assert result.undecidable_given == []
