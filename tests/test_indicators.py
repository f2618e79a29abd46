"""The indicator extractor (``indexer.analysis.indicators``): the rules one sentence at a time, then the
hand-labelled sample of the shipped corpus (``tests/corpus/indicator_labels.tsv``).

The sentences of the first part are the issue's own examples and the ways reports write figures
(Chinese numerals, 万, 余/多, ranges, 人/次), each with what a person reads there; the second part
measures the extractor against every figure of the 40 shipped reports, labelled by hand before
it existed: precision, recall, and every value, unit, result/target and period among those found.
"""

from __future__ import annotations

import pytest

from archive.normalize import fold_for_match
from archive.reading.cleaning import clean_page
from bench.indicator_sample import load_labels, locate, score
from indexer.analysis.figures import parse_number, quantities
from indexer.analysis.indicators import RESULT, TARGET, Context, extract
from indexer.analysis.measures import KEYWORD, family_at
from indexer.index.indicator_table import table
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
    ("解答法律咨询 150 余人次，", [(150.0, None, "人次", "余")]),  # a space before 余 too
    ("班子成员十余次深入村组调研", [(10.0, None, "次", "余")]),  # an "about" makes it a count
])
def test_quantities_keep_value_unit_and_approximation(text: str, expected: list) -> None:
    assert [(q.value, q.high, q.unit, q.approx) for q in quantities(fold_for_match(text))] == expected


@pytest.mark.parametrize("text", [
    "县委十五届一、二、三、四次、五次全委会精神",  # sessions counted by their number
    "坚持一次告知、一窗受理，推行“一件事一次办”",  # numerals inside words
    "落实行政执法“三项制度”，争创第二批示范区，召开第四次会议",  # a name, ordinals
    "依据《实施纲要（2021—2025年）》和〔2023〕2号文，每季度召开1次",  # titles, numbers, a frequency
    "创新“1+2+5”大调解工作机制，利用“3·15”开展宣传",
    "深入学习贯彻市委十四届五次、六次全会精神",  # plenary sessions numbered after their congress
    "以每两个月1次的频次开展学习，每2个月开展1次测试",  # frequencies
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


# --- the ways reports write figures beyond the sample ---------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("镇党校把民法典列入干部课程，全年讲授3次。", [("3次", "法治培训次数", 3, "次", "", RESULT)]),
    ("邀请律师为机关干部讲课2次，讲解民法典，参训人员90人次。",
     [("2次", "法治培训次数", 2, "次", "", RESULT), ("90人次", "法治培训人次", 90, "人次", "", RESULT)]),
    ("组织机关干部集中观看法治警示教育片6次。", [("6次", "学法次数", 6, "次", "", RESULT)]),
    ("领导班子成员结合分管领域以案述法4场次。", [("4场次", "学法次数", 4, "场次", "", RESULT)]),
    ("召开法治政府建设推进大会1次。", [("1次", "法治专题会议次数", 1, "次", "", RESULT)]),
    ("党委会十余次听取法治建设工作汇报。", [("十余次", "法治专题会议次数", 10, "次", "余", RESULT)]),
    ("利用农村集日开展“法律赶大集”9场，现场答复咨询60余人次。",
     [("9场", "普法活动场次", 9, "场", "", RESULT), ("60余人次", "法律咨询人次", 60, "人次", "余", RESULT)]),
    ("依法采取行政强制措施12件，作出行政处罚35件。",
     [("12件", "执法案件件数", 12, "件", "", RESULT), ("35件", "执法案件件数", 35, "件", "", RESULT)]),
    ("党委会集体决策“三重一大”事项56项。", [("56项", "重大行政决策项数", 56, "项", "", RESULT)]),
    ("解答法律咨询 150 余人次。", [("150 余人次", "法律咨询人次", 150, "人次", "余", RESULT)]),
])
def test_subject_words_beyond_the_sample(text: str, expected: list) -> None:
    assert read(text) == expected


def test_an_institution_set_up_is_no_case_filed() -> None:
    """立案 (a case filed) is an enforcement word; 建立案件… (a procedure for cases set up) is not."""
    assert [family_at(m) for m in KEYWORD.finditer("全年立案12起")] == ["执法案件"]
    assert [family_at(m) for m in KEYWORD.finditer("建立案件协调备案制度")] == []
    assert read("建立案件评查制度，全年评查卷宗2次。") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("机关干部每周五集中学习行政处罚法，全年共开展18次。", [("18次", "学法次数", 18, "次", "", RESULT)]),
    ("全年受理行政复议3件，组织学习行政复议法2次。",
     [("3件", "行政复议件数", 3, "件", "", RESULT), ("2次", "学法次数", 2, "次", "", RESULT)]),
])
def test_a_law_named_without_book_marks_is_no_activity(text: str, expected: list) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("镇政府每次常务会前安排学法，全年累计14场次。", [("14场次", "学法次数", 14, "场次", "", RESULT)]),
    ("分3批次对全镇执法人员开展执法证件培训。", [("3批次", "执法培训次数", 3, "批次", "", RESULT)]),
    ("开展普法活动3批次。", []),  # a batch is a unit of trainings and petitions, not of events
])
def test_units_of_study_sessions_and_trainings(text: str, expected: list) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(("text", "measure"), [
    ("组织机关干部参加法治讲座8场。", "法治培训次数"),  # the audience: cadres
    ("开展法治讲座进村居40场。", "普法活动场次"),  # the audience: villagers
    ("“法治小课堂”在各村巡回开展12次。", "普法活动场次"),  # where it was held
    ("围绕反诈主题举办法治讲座5场，张贴宣传海报300张。", "普法活动场次"),  # its sentence
    ("机关干部轮流上台讲法律知识，全年共6场。", "法治培训次数"),
    ("深入村组宣讲法治3场。", "普法活动场次"),  # 宣讲法治 is 宣讲, not 讲法
])
def test_a_lecture_goes_by_its_audience(text: str, measure: str) -> None:
    assert [found[1] for found in read(text)][:1] == [measure]


@pytest.mark.parametrize(("text", "expected"), [
    ("镇领导深入村组开展法治宣讲4场，在辖区中学开展3场。",
     [("4场", "普法活动场次", 4, "场", "", RESULT), ("3场", "普法活动场次", 3, "场", "", RESULT)]),
    ("机关干部每周五集中学习民法典，全年共开展18次。", [("18次", "学法次数", 18, "次", "", RESULT)]),
    ("镇村干部收看上级法治专题讲座直播6期，参加人员达900余人次。",
     [("6期", "法治培训次数", 6, "期", "", RESULT),
      ("900余人次", "法治培训人次", 900, "人次", "余", RESULT)]),
    ("法治宣讲团走进企业宣讲12场，职工参加学习1500人次。",
     [("12场", "普法活动场次", 12, "场", "", RESULT),
      ("1500人次", "普法受众人次", 1500, "人次", "", RESULT)]),
    # …but a clause of an activity of its own, or of people at a study, takes nothing from before
    ("开展法治宣传5场，开展安全生产督查2次。", [("5场", "普法活动场次", 5, "场", "", RESULT)]),
    ("组织中心组学法12次，参与学习200人次。", [("12次", "学法次数", 12, "次", "", RESULT)]),
])
def test_a_plain_held_goes_on_counting_the_activity_before(text: str, expected: list) -> None:
    assert read(text) == expected


def test_people_after_two_kinds_of_activity_are_kept_apart() -> None:
    text = "全年集中学法6次，另请律师讲座3场，干部参加学习共400人次。"
    assert [found[1] for found in read(text)] == ["学法次数", "法治培训次数"]
    assert [found for found, _why in unsure(text)] == ["400人次"]


@pytest.mark.parametrize(("text", "expected"), [
    ("举办新任执法人员岗前培训，及格率100%。", [("100%", "法治考试通过率", 100, "%", "", RESULT)]),
    ("开展普法考试1场，参考率和及格率均为100%。", [("100%", "法治考试通过率", 100, "%", "", RESULT)]),
    ("开展行政执法案卷评查，合格率98%。", []),  # an internal check, no exam
])
def test_rate_names_that_hold_ji_or_yu(text: str, expected: list) -> None:
    assert read(text) == expected


def test_a_converter_sites_pinyin_does_not_split_the_words() -> None:
    page = clean_page("2024年，鎮(zhèn)黨委組織中心組學(xué)法12次，"
                      "開(kāi)展普法宣傳(chuán)活動(dòng)8場(chǎng)，認真落實(shí)區委全會(huì )精神。").text
    assert "(" not in page and "學法12次" in page
    assert [found[:2] for found in read(page)] == [("12次", "学法次数"), ("8場", "普法活动场次")]


@pytest.mark.parametrize(("text", "expected"), [
    # a subject carried into a clause that counts something else
    ("全年应诉行政诉讼案件5件，收到法院司法建议2件。", [("5件", "行政诉讼件数", 5, "件", "", RESULT)]),
    ("办理行政处罚案件20件，收到检察建议1件。", [("20件", "执法案件件数", 20, "件", "", RESULT)]),
    ("法律顾问审核村级合同15份，帮助化解经营风险3起。", [("15份", "法律顾问参与件次", 15, "份", "", RESULT)]),
    ("召开党委会研究法治建设2次，对法治建设作出3次批示。",
     [("2次", "法治专题会议次数", 2, "次", "", RESULT)]),
    # head-counts of staff, against people trained or reached
    ("开展执法人员法治培训2次，目前全镇有执法证的人员35人。", [("2次", "执法培训次数", 2, "次", "", RESULT)]),
    ("举办执法业务培训3场，镇综合执法队现有队员12人。", [("3场", "执法培训次数", 3, "场", "", RESULT)]),
    ("执法培训覆盖全镇执法队员65名。", [("65名", "法治培训人次", 65, "名", "", RESULT)]),
    ("开展普法宣传活动3场，现场群众300余人。",
     [("3场", "普法活动场次", 3, "场", "", RESULT), ("300余人", "普法受众人次", 300, "人", "余", RESULT)]),
    ("组织法治专题培训2期，200余人。",
     [("2期", "法治培训次数", 2, "期", "", RESULT), ("200余人", "法治培训人次", 200, "人", "余", RESULT)]),
    # documents in force or repealed are no work done on documents
    ("清理后现行有效的规范性文件11件，本年度失效2件；新制定规范性文件3件。",
     [("3件", "规范性文件件数", 3, "件", "", RESULT)]),
])
def test_figures_of_something_else_are_none(text: str, expected: list) -> None:
    assert read(text) == expected


def test_general_political_study_is_not_law_study() -> None:
    text = ("镇党委把习近平法治思想作为中心组学习重要内容。全年开展中心组专题学习8次；"
            "各党支部开展主题教育学习30次，学习“第一议题”内容24次。")
    assert read(text) == [("8次", "学法次数", 8, "次", "", RESULT)]


@pytest.mark.parametrize(("text", "expected"), [
    ("办理行政处罚案件23件（其中当场处罚15件），另查处无证经营4起。",
     [("23件", "执法案件件数", 23, "件", "", RESULT), ("4起", "执法案件件数", 4, "起", "", RESULT)]),
    ("全年调解矛盾纠纷56件。其中，调解婚姻家庭纠纷12件。", [("56件", "纠纷调解件数", 56, "件", "", RESULT)]),
])
def test_a_breakdown_ends_with_its_bracket_and_goes_on_after_a_full_stop(text: str, expected: list) -> None:
    assert read(text) == expected


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
