"""Each class of clue to a report's place, type and year, on short texts written the way real
reports write (the names are real divisions of the gazetteer): what decides, what may not, and
that conflicting clues leave a field empty with the reason recorded. The labelled corpora
(test_metadata.py) check the same rules on whole real reports."""

from __future__ import annotations

import pytest

from archive.describing.domain import host_labels
from archive.describing.gazetteer import get_gazetteer, short_name
from archive.describing.parse import parse_document
from archive.document import (
    PROV_CITED_CONFLICT,
    PROV_TYPE_INTERPRETATION,
    PROV_TYPE_SHUFA_DUTIES,
    PROV_TYPE_YEAR_REVIEW,
    PROV_UNNAMED_TOWNSHIP,
    PROV_YEAR_BODY,
    RawDocument,
)

PARTS = (
    "一、主要举措和成效\n（一）加强组织领导。镇党委书记履行推进法治建设第一责任人职责，全年召开专题会议4次。\n"
    "二、存在的不足和原因\n学法用法不够深入。\n三、下一年度工作安排\n继续加强学习。"
)
OPENING = "2025年，我镇深入推进法治政府建设，现将有关情况报告如下：\n"


def _parse(text: str, url: str = ""):
    overrides = {"url": url} if url else {}
    return parse_document(RawDocument(text, "text/plain"), overrides, filename="clue.txt").metadata


def _place(meta) -> tuple[str, str, str, str]:
    return meta.township, meta.county, meta.city, meta.province


# --- the published address: a weak clue -------------------------------------------------------

def test_host_labels_keep_only_words_that_may_name_a_place() -> None:
    assert host_labels("https://www.bjmy.gov.cn/zwgk/a.html") == ("bjmy",)
    assert host_labels("http://public.guancheng.gov.cn/D04X/1.jhtml") == ("guancheng",)
    assert host_labels("not a url") == ()


def test_published_address_chooses_among_the_townships_of_that_name() -> None:
    # 鼓楼街道 exists in many districts; nothing in the text says which.
    text = "2025年，鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS
    assert _parse(text).county == ""
    meta = _parse(text, "https://www.bjmy.gov.cn/zwgk/202602/t1.html")
    assert _place(meta) == ("鼓楼街道", "密云区", "北京市", "北京市")
    assert "www.bjmy.gov.cn" in meta.provenance["county"]


def test_an_address_that_names_no_candidate_decides_nothing() -> None:
    text = "2025年，鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS
    meta = _parse(text, "http://www.021jzzz.com/gongkai/doc_1.html")
    assert (meta.township, meta.county) == ("鼓楼街道", "")


def test_the_text_outweighs_the_address() -> None:
    # The text writes the township under 海曙区; the address would say 密云区: the text wins.
    text = "2025年，海曙区鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS
    meta = _parse(text, "https://www.bjmy.gov.cn/zwgk/t1.html")
    assert (meta.county, meta.city) == ("海曙区", "宁波市")


def test_the_address_never_decides_against_a_place_the_head_writes() -> None:
    # 南京市鼓楼区 has no 鼓楼街道 in the table: the text names a place, so the address may not
    # pick another one; the upper levels stay empty.
    text = "2025年，南京市鼓楼区鼓楼街道深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS
    meta = _parse(text, "https://www.bjmy.gov.cn/zwgk/t1.html")
    assert _place(meta) == ("鼓楼街道", "", "", "")


# --- names only where their characters form that name ------------------------------------------

@pytest.mark.parametrize("trap", [
    "在县委、县政府的坚强领导和县委依法治县办的精心指导下，",  # 和县 (安徽)
    "根据（合政办〔2022〕28号)和县委依法治县办的部署，",  # 和县 after a bracket
    "认真办理县人大代表建议，",  # 理县 (四川)
    "争创省级法治示范县，",  # 范县 (河南)
])
def test_a_county_name_spelled_by_other_words_is_no_clue(trap: str) -> None:
    meta = _parse(f"2023年，{trap}我镇深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS)
    assert _place(meta)[1:] == ("", "", "")


def test_a_two_character_county_written_as_a_title_still_counts() -> None:
    meta = _parse("和县2023年法治政府建设情况报告\n2023年，我县深入推进法治政府建设。\n" + PARTS)
    assert _place(meta) == ("", "和县", "马鞍山市", "安徽省")


def test_a_sentence_that_introduces_the_report_is_not_its_title() -> None:
    assert _parse("2023年，我镇深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS).title_supplied


# --- a township named in the body, in short, or by its brand ---------------------------------

def test_a_township_named_once_in_the_body_is_its_place() -> None:
    text = OPENING + "一、主要举措和成效\n将习近平法治思想列入鹿角镇委党校培训课程，全年培训120人次。"
    assert _place(_parse(text)) == ("鹿角镇", "彭水苗族土家族自治县", "重庆市", "重庆市")


def test_a_street_written_without_its_dao_in_the_opening() -> None:
    text = "2024年，鹤龙街坚持以习近平法治思想为指导，推进法治政府建设，现将有关情况报告如下：\n" + PARTS
    assert _place(_parse(text)) == ("鹤龙街道", "白云区", "广州市", "广东省")


def test_a_brand_on_the_townships_stem_with_its_self_reference() -> None:
    text = OPENING.replace("深入推进", "以建设“法治西仓”为目标，深入推进") + PARTS
    assert _place(_parse(text)) == ("西仓镇", "碌曲县", "甘南藏族自治州", "甘肃省")


def test_a_brand_on_a_common_word_is_no_township() -> None:
    # 建设镇 is a township of the table; 法治建设 is an everyday phrase.
    text = OPENING.replace("深入推进", "统筹推进法治建设，深入推进") + PARTS
    assert _parse(text).township == ""


def test_a_county_report_naming_its_townships_is_the_countys() -> None:
    text = ("桃源县人民政府2017年度法治政府建设情况报告\n2017年，我县深入推进法治政府建设。"
            "陬市镇建成公共法律服务工作站。\n" + PARTS)
    assert _place(_parse(text)) == ("", "桃源县", "常德市", "湖南省")


# --- a report that names no township ----------------------------------------------------------

def test_a_county_named_in_a_document_the_report_follows() -> None:
    text = ("根据《中牟县法治政府建设年度报告工作规定的通知》要求，现将我镇2024年法治政府建设情况报告如下。\n"
            + PARTS)
    meta = _parse(text)
    assert _place(meta) == ("", "中牟县", "郑州市", "河南省")
    assert "中牟县" in meta.provenance["county"]


def test_a_township_that_never_writes_its_name_is_not_filed_as_its_county() -> None:
    text = ("根据《中牟县法治政府建设年度报告工作规定的通知》要求，"
            "现将我镇2024年法治政府建设情况报告如下。\n" + PARTS)
    meta = _parse(text)
    assert meta.provenance["township"] == PROV_UNNAMED_TOWNSHIP.format("镇")
    assert meta.title == "[中牟县某镇2024年法治政府建设情况报告]"


def test_documents_of_two_counties_are_conflicting_clues() -> None:
    text = ("2024年，我镇按照《中牟县法治政府建设实施方案》和《合阳县法治政府建设工作要点》，"
            "深入推进法治政府建设，现将有关情况报告如下：\n" + PARTS)
    meta = _parse(text)
    assert _place(meta) == ("", "", "", "")
    assert meta.provenance["county"] == PROV_CITED_CONFLICT.format("中牟县、合阳县")


def test_a_province_cited_alone_is_no_place() -> None:
    # A report may cite another province's document (浙江 for 枫桥经验).
    text = ("2024年，我镇学习《浙江省“枫桥经验”实践案例汇编》，深入推进法治政府建设，"
            "现将有关情况报告如下：\n" + PARTS)
    assert _place(_parse(text)) == ("", "", "", "")


def test_the_addressee_bounds_the_place_and_a_cited_county_refines_it() -> None:
    text = ("中共红河州委、红河州人民政府：\n"
            "2025年，县委、县政府扎实推进法治政府建设，现将工作开展情况报告如下。\n"
            "一、主要做法和成效\n印发《金平县党政主要负责人履行推进法治建设第一责任人职责实施办法》。")
    assert _place(_parse(text)) == ("", "金平苗族瑶族傣族自治县", "红河哈尼族彝族自治州", "云南省")


def test_a_notice_sent_down_is_placed_by_its_issuer_not_its_recipients() -> None:
    text = ("金昌市人民政府关于印发《金昌市创建全国法治政府建设示范市实施方案》的通知\n"
            "永昌县、金川区人民政府，市政府各部门：\n现将方案印发给你们，请认真抓好贯彻落实。")
    assert _place(_parse(text)) == ("", "", "金昌市", "甘肃省")


def test_a_province_report_is_placed_at_the_province() -> None:
    meta = _parse("黑龙江省2024年度法治政府建设情况报告\n2024年，黑龙江省忠诚践行习近平法治思想。\n" + PARTS)
    assert _place(meta) == ("", "", "", "黑龙江省")


def test_short_written_autonomous_names() -> None:
    gazetteer = get_gazetteer()
    assert short_name("黔东南苗族侗族自治州") == "黔东南"
    assert short_name("内蒙古自治区") == "内蒙古"
    assert [d.name for d in gazetteer.short_written["屏边县"]] == ["屏边苗族自治县"]


# --- types and years ----------------------------------------------------------------------------

def test_a_leaders_first_person_report_on_the_duties_is_a_shufa_report() -> None:
    text = ("2024以来，在县委、县政府的精心指导下，本人切实履行推进法治政府建设第一责任人职责，"
            "现将个人履行推进法治政府建设工作情况汇报如下：\n一、履职情况\n（一）完善治理体系。")
    meta = _parse(text)
    assert (meta.doc_type, meta.provenance["doc_type"]) == ("述法报告", PROV_TYPE_SHUFA_DUTIES)
    assert meta.year == 2024


def test_an_annual_report_may_open_with_the_leaders_duties_part() -> None:
    text = ("2025年，我镇深入推进法治政府建设，现将本年度工作情况报告如下：\n"
            "一、履行推进法治建设第一责任人职责情况\n健全领导机制。")
    assert _parse(text).doc_type == "年度报告"


def test_an_excerpt_of_an_annual_report_without_its_self_description() -> None:
    text = ("2019年，在省委、省政府的正确领导下，我县全面落实法治政府建设实施纲要，法治政府建设迈上新台阶。\n"
            "一、2019年推进法治政府建设情况\n（一）依法全面履行政府职能。")
    meta = _parse(text)
    assert (meta.doc_type, meta.provenance["doc_type"]) == ("年度报告", PROV_TYPE_YEAR_REVIEW)


def test_a_page_that_explains_a_report_is_not_the_report() -> None:
    meta = _parse("【政策解读】关于《清水县2023年度法治政府建设工作总结的报告》的政策解读\n"
                  "一、起草背景\n按照要求起草。")
    assert (meta.doc_type, meta.provenance["doc_type"]) == ("其他", PROV_TYPE_INTERPRETATION)


def test_an_untitled_plan_says_what_it_is_and_takes_its_issue_year() -> None:
    text = ("区柳委发〔2016〕34号\n各村（社区）党支部：\n"
            "为进一步增强群众法治意识，结合我镇实际，特制定如下实施方案：\n"
            "一、指导思想\n深入开展法治宣传。")
    meta = _parse(text)
    assert (meta.doc_type, meta.year) == ("实施方案", 2016)


def test_the_year_an_excerpt_names_most_is_its_year_not_a_plan_or_a_cited_year() -> None:
    text = ("一、主要举措和成效\n"
            "全镇法治政府建设工作始终坚持以习近平法治思想为指导，落实《2019年法治工作要点》。\n"
            "2022年我镇新制发规范性文件1件。2022年共办理行政复议案件2件。\n二、下一步打算\n2023年计划开展普法活动10场。")
    meta = _parse(text)
    assert (meta.year, meta.provenance["year"]) == (2022, PROV_YEAR_BODY)


# --- more of what real pages do -------------------------------------------------------------------

def test_a_two_character_county_in_an_addressee_counts() -> None:
    # 三汇镇 is in 合川区, 忠县 and 渠县: the addressee names 渠县 (中共渠县县委、渠县人民政府).
    text = ("中共渠县县委、渠县人民政府：\n2024年，在县委、县政府的坚强领导下，三汇镇扎实推进法治政府建设，"
            "现将2024年法治政府建设工作情况汇报如下：\n" + PARTS)
    assert _place(_parse(text)) == ("三汇镇", "渠县", "达州市", "四川省")


def test_a_common_word_that_is_a_township_name_needs_its_organ_in_the_body() -> None:
    # 建设街道 exists; 法治建设街道领导层 is 法治建设 + 街道领导层, while 鹿角镇委 is a town's committee.
    text = OPENING + "一、主要举措和成效\n推动法治建设街道领导层积极贯彻各项规定。"
    assert _parse(text).township == ""


def test_a_township_name_inside_the_word_xiangzhen_is_no_township() -> None:
    # 苏木乡镇 is Inner Mongolia's 苏木 and 乡镇, not the 苏木乡 of 河南.
    text = ("为全面建设法治政府，结合自治区实际，制定本方案。\n一、健全机构职能\n"
            "探索建立苏木乡镇（街道）综合执法机构。")
    assert _place(_parse(text)) == ("", "", "", "")


def test_inline_pinyin_of_a_converter_site_is_not_the_reports_text() -> None:
    meta = _parse("2024年，三角鎮(zhèn)堅(jiān)持法治政府建設，現(xiàn)將有关情况報(bào)告如下：\n" + PARTS)
    assert (meta.township, meta.doc_type) == ("三角镇", "年度报告")


def test_a_page_record_with_labels_and_values_on_separate_lines() -> None:
    page = ("• 发文字号:\n\n镇政发〔2024〕7号\n• 发文日期:\n\n2024年04月06日 16:40\n"
            "镇巴县人民政府工作规则\n第一章总则\n一、根据《中华人民共和国宪法》，结合本县实际，制定本规则。")
    meta = _parse(page)
    assert (meta.county, meta.doc_type, meta.issue_date) == ("镇巴县", "其他", "2024-04-06")
    assert meta.page_fields["发文字号"] == "镇政发〔2024〕7号"


def test_a_table_row_whose_cells_hold_label_and_value() -> None:
    page = ("| 发文字号: | 发文时间:2025-12-22 | |\n"
            "| 标题:中共黎侯镇委员会 黎侯镇人民政府关于2025年度法治政府建设情况的报告 | |\n"
            "2025年，黎侯镇深入推进法治政府建设，现将本年度工作情况报告如下。\n" + PARTS)
    meta = _parse(page)
    assert meta.issue_date == "2025-12-22"
    assert "发文字号" not in meta.page_fields
    assert meta.title.startswith("中共黎侯镇委员会")


def test_the_signature_date_outweighs_the_pages_record() -> None:
    page = ("成文日期：2021-12-14\n荣成市人民政府关于印发《荣成市全面推进依法行政第五个五年规划》的通知\n"
            "各镇人民政府：\n现将规划印发给你们，请认真贯彻施行。\n二〇一一年十一月二十五日\n")
    meta = _parse(page)
    assert (meta.issue_date, meta.doc_type) == ("2011-11-25", "实施方案")


def test_the_year_of_the_annual_plan_a_report_follows() -> None:
    text = ("为贯彻落实县委、县政府《2025年全县法治政府建设工作要点》文件精神，镇党委政府推进法治政府建设，"
            "现将有关情况报告如下：\n" + PARTS)
    assert _parse(text).year == 2025


def test_a_report_on_the_whole_rule_of_law_work_described_as_such_is_annual() -> None:
    text = ("2024年，在区委、区政府的坚强引领下，都里镇法治建设工作扎实推进。"
            "现将本年度法治建设工作情况总结如下：\n"
            "一、工作开展情况\n（一）强化组织引领。")
    assert _parse(text).doc_type == "年度报告"


def test_a_leadership_teams_own_report_is_not_the_governments() -> None:
    text = ("2025年，中都街道领导班子始终以习近平法治思想为统领，扎实履行法治建设领导职责。"
            "现将年度法治工作情况报告如下：\n"
            "一、上一年度法治建设问题整改“回头看”\n全部整改到位。")
    assert _parse(text).doc_type == "其他"


def test_a_two_character_county_after_a_comma_is_the_reports_own() -> None:
    text = ("2024年，在市委、市政府和县委的坚强领导下，息县人民政府深入推进法治政府建设，"
            "现将有关情况报告如下。\n" + PARTS)
    assert _place(_parse(text)) == ("", "息县", "信阳市", "河南省")


def test_an_ethnic_township_written_without_its_nationalities() -> None:
    text = "铁石乡2024年度法治政府建设工作情况报告\n2024年，铁石乡坚持依法行政。\n" + PARTS
    assert _place(_parse(text)) == ("铁石苗族彝族乡", "黔西市", "毕节市", "贵州省")


def test_a_report_on_the_leaders_duties_part_is_no_shufa_report() -> None:
    # The duties are one part of the annual report; the sentence describing it says 法治政府建设.
    text = ("2021年度,在县委、县政府领导下,东溪镇认真落实党政主要负责人推进法治建设第一责任人职责,"
            "现就2021年度法治政府建设工作报告如下。\n" + PARTS)
    assert _parse(text).doc_type == "年度报告"


def test_a_described_report_whose_first_part_is_the_statutory_one_is_annual() -> None:
    text = ("2023年，西城区持续推进法治中国首善之区示范区建设。现将有关情况报告如下。\n"
            "一、2023年主要举措和成效\n（一）完善顶层设计。")
    assert _parse(text).doc_type == "年度报告"


def test_an_action_plan_of_rule_of_law_is_a_plan() -> None:
    meta = _parse("榆林市人民政府办公室关于印发《榆林市法治政府建设示范创建行动计划(2024—2025年)》的通知\n"
                  "各县市区人民政府：\n现印发你们，请认真抓好贯彻落实。")
    assert meta.doc_type == "实施方案"
