"""The particulars a sentence of the township's own has (``indexer.particulars``,
``indexer.persons``), class by class, on sentences written for these tests in the way township
reports write them: each class with the stock wording it must not take for a particular.

(``tests/test_wording.py`` checks the rules on sentences of the shipped reports and their
precision and recall on the labelled sample.)
"""

from __future__ import annotations

import pytest

from archive.normalize import fold_for_match
from indexer import wording
from indexer.particulars import particulars


def _kinds(sentence: str, township: str = "龙溪镇") -> list[tuple[str, str]]:
    folded = fold_for_match(sentence)
    return sorted((p.kind, folded[p.start:p.end]) for p in particulars(folded, wording.own_names(township)))


# --- named persons --------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "names"), [
    # a name before its title, a name after it, names jieba knows as one word and names it cuts
    # into single characters
    ("领导小组由彭立武书记任组长,刘晓峰镇长和王德明同志任副组长。", ["刘晓峰", "彭立武", "王德明"]),
    ("今年3月,镇党委书记吴国栋主持召开法治建设专题会议。", ["吴国栋"]),
    ("副镇长孙立分管司法行政工作,每季度听取一次汇报。", ["孙立"]),
    ("由调解员陈桂英、律师赵红共同参与调解,当场达成协议。", ["赵红", "陈桂英"]),
    ("镇长李华任组长,司法所所长许海林具体负责。", ["李华", "许海林"]),
    ("邀请市委党校教授周文斌作专题辅导。", ["周文斌"]),
])
def test_a_person_named_beside_a_title_is_the_townships_own(sentence: str, names: list[str]) -> None:
    assert _kinds(sentence) == [("person", name) for name in names]


@pytest.mark.parametrize("sentence", [
    # offices without their holders
    "成立以镇党委书记为组长、镇长为副组长的法治政府建设领导小组。",
    "由镇党委书记任组长,镇长任副组长,政法副书记为常务副组长。",
    "领导小组实行双组长制,由书记、镇长任双组长,分管领导任副组长。",
    "党委书记、镇长切实履行推进法治建设第一责任人职责,常务副书记具体负责。",
    "区政府主要负责同志严格落实法治建设第一责任人职责,驻村第一书记全程参与。",
    "村(社区)党组织书记、村委会主任、综治办主任和人民调解员参加培训。",
    # the words after a title in stock text
    "党委书记高度重视,亲自部署,镇长严格履行职责,书记任第一责任人。",
    "镇长于今年初主持召开专题会议,书记于近日听取工作汇报。",
    "组织律师向群众讲解法律知识,专职律师、公职律师、金牌调解员驻点服务。",
    # the leaders of the political formulas
    "坚决维护以习近平同志为核心的党中央权威和集中统一领导。",
    "深入学习毛泽东同志、邓小平同志关于法制建设的论述。",
])
def test_stock_offices_and_formulas_name_no_person(sentence: str) -> None:
    assert _kinds(sentence) == []

