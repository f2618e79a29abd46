"""The particulars a sentence of the township's own has (``indexer.analysis.particulars``,
``indexer.analysis.persons``), class by class, on sentences written for these tests in the way township
reports write them: each class with the stock wording it must not take for a particular.

(``tests/test_wording.py`` checks the rules on sentences of the shipped reports and their
precision and recall on the labelled sample.)
"""

from __future__ import annotations

import pytest

from archive.normalize import fold_for_match
from indexer.analysis import wording
from indexer.analysis.particulars import particulars


def _kinds(sentence: str, township: str = "龙溪镇") -> list[tuple[str, str]]:
    folded = fold_for_match(sentence)
    return sorted((p.kind, folded[p.start:p.end]) for p in particulars(folded, wording.own_names(township)))


# Sentences of the township's own and the particulars each has, class by class.
OWN = [
    # named persons: a name before its title or after it, names jieba knows as one word and names
    # it cuts into single characters
    ("领导小组由彭立武书记任组长,刘晓峰镇长和王德明同志任副组长。",
     [("person", "刘晓峰"), ("person", "彭立武"), ("person", "王德明")]),
    ("今年3月,镇党委书记吴国栋主持召开法治建设专题会议。", [("person", "吴国栋")]),
    ("副镇长孙立分管司法行政工作,每季度听取一次汇报。", [("person", "孙立")]),
    ("由调解员陈桂英、律师赵红共同参与调解,当场达成协议。", [("person", "赵红"), ("person", "陈桂英")]),
    ("镇长李华任组长,司法所所长许海林具体负责。", [("person", "李华"), ("person", "许海林")]),
    ("邀请市委党校教授周文斌作专题辅导。", [("person", "周文斌")]),
    # named villages, estates and projects: a name jieba knows as a rare word, one it cuts into
    # single characters, a quoted event named on its village (no practice word after it: the
    # place is enough), an account of its own
    ("青柳村的土地流转和长宁安置房的分房方案,均经村民代表会议表决。",
     [("place", "长宁安置房"), ("place", "青柳村")]),
    ("在金沙湾小区、白鹭社区开展“法律进小区”专场咨询。", [("place", "白鹭社区"), ("place", "金沙湾小区")]),
    ("元宵节期间,“石桥村晚”把法治小品搬上舞台。", [("place", "石桥村")]),
    ("“石桥普法”微信公众号全年推送以案释法文章。", [("name", "石桥普法")]),
    # coined names: a play on single characters or numbers, beside the domain's words or not
    ("创新“老杨说法”调解工作室,就地化解邻里纠纷。", [("name", "老杨说法")]),
    ("推行“法律顾问+1”服务机制。", [("name", "法律顾问+1")]),
    # honours given in a year the sentence names
    ("2022年,我镇被评为省级民主法治示范镇。", [("honour", "2022年,我镇被评为")]),
    ("街道2021年获评市级平安街道,2023年入选全省法治宣传教育基地名单。",
     [("honour", "2021年获评"), ("honour", "2023年入选")]),
]

# Stock wording of the same classes: no particular at all.
STOCK = [
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
    # "the villages" after a verb, a negation or a numeral
    "指导村(社区)法律顾问聘请,督促村法律顾问尽职履责。",
    "做到小事不出村、大事不出镇,矛盾不上交。",
    "充分发挥村(社区)党组织作用,不断完善村(居)民自治章程。",
    "组织律师进村入户、送法进社区,驻村律师定期走访村民。",
    "各为民业务下沉社区,全镇村(社区)干部全员参训。",
    "督查村、巡查社区、对接社区、走访村组。",
    "2024年大村乡深入推进法治政府建设。",
    # kinds of place every report names
    "整顿软弱涣散村党组织,推进集体经济空壳村清零和脱贫村巩固提升。",
    "积极推动无讼村(社区)创建,打造平安社区、和谐社区,推进老旧小区改造。",
    "做好易地扶贫搬迁安置点和安置小区的矛盾纠纷排查。",
    "机关科室、社区网格层层压实责任,科室社区联动排查风险隐患。",
    "争创民主法治示范村,推进乡村振兴示范村建设。",
    # quoted names said in the domain's stock words: nobody's coinage
    "依托“公共法律服务工作站”为群众提供法律咨询。",
    "健全“人民调解+法律援助”联动机制,推行“网格员+法律顾问”联动模式。",
    "落实“重大行政决策合法性审查”工作机制。",
    # honours aimed at, or without a year of their own
    "力争2025年被评为全国民主法治示范村。",
    "积极争创“全国民主法治示范村”,确保2024年获评省级示范。",
    "对获评先进的集体和个人予以通报表扬。",
    "按照《2023年度先进集体评选办法》,被评为先进的单位予以通报表扬。",
    "对照《法治政府建设实施纲要(2021-2025年)》,被确定为试点的村先行先试。",
]


@pytest.mark.parametrize(("sentence", "found"), OWN)
def test_an_own_sentence_has_its_particulars(sentence: str, found: list[tuple[str, str]]) -> None:
    assert _kinds(sentence) == found


@pytest.mark.parametrize("sentence", STOCK)
def test_stock_wording_has_no_particular(sentence: str) -> None:
    assert _kinds(sentence) == []
