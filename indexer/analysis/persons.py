"""Named persons in a sentence: a person's name beside a title (书记, 镇长, 同志, 律师 …).

A person the report names is the township's own (``indexer.analysis.particulars``): ``彭立武书记``,
``乡长曹昌明``, ``调解员陈桂英``, ``特约研究员丁祖年``: no other report could say it by changing the
place. Stock text names offices, never their holders (``镇党委书记任组长``, ``主要负责同志``,
``常务副书记``), and names one person only: the leader of its political formulas
(``以习近平同志为核心的党中央``).

How a name is read, from the sentence alone and cheaply (it runs on every sentence of an index
build, 50,000–200,000 reports): a title word of jieba's cut, then 2–3 characters right before or
after it that

* begin with one of the common surnames (``SURNAMES``: the first 120 or so of the published
  rankings of Chinese surnames by population, 公安部户政管理研究中心《全国姓名报告》 and the
  census-based 新百家姓, which agree on nearly all of them; the first hundred alone cover about
  85 % of people), less those that are also function characters (向);
* are cut by jieba into single characters or words rare in general Chinese (the same notion as a
  body's proper name in ``indexer.analysis.particulars``): a name such as 陈桂英 is no common word, while
  the words that follow a title in stock text are (``书记高度重视``, ``书记任第一责任人``);
* hold no function, numeral or rank character (``镇长于今年``, ``书记任副组长``, ``常务副``), and,
  after a title, are not followed by an office (``书记、镇长任双组长``).

What it misses: a name without a title beside it, a rare surname, and a given name that is a
common word (``许光明``: 光明 is as common as the words stock text puts after a title).

jieba's part-of-speech tags (``nr``) were measured and not used: its tagger with the HMM (which
finds unknown names) costs about 12 times the plain cut, makes a cut depend on its neighbours,
and its tag table adds ≈ 3 s and ≈ 70 MB to every process that loads it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .tokenizer import clause_words, rare_word

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔汤常易乔赖文康欧牛温施洪殷樊庞兰颜倪鲁葛伍")
# Titles a named person is written with, as jieba cuts them (党委书记 and 副镇长 are one word).
TITLES = frozenset({
    "书记", "副书记", "党委书记", "党委副书记", "纪委书记", "支书", "村支书", "镇长", "副镇长", "乡长",
    "副乡长", "主任", "副主任", "主席", "副主席", "同志", "局长", "副局长", "所长", "副所长", "站长",
    "庭长", "院长", "队长", "部长", "委员", "律师", "调解员", "人民调解员", "法官", "检察官", "民警",
    "警官", "网格员", "教授", "研究员", "专家",
})
# The titles no other title contains (书记 for 党委书记 …): a sentence without one names nobody.
_TITLE_TEXT = re.compile("|".join(sorted(t for t in TITLES if not any(o != t and o in t for o in TITLES))))
# Words of an office that follow a rank, not a name (书记任双组长, 主任任副组长).
_OFFICES = TITLES | {"组长", "副组长", "常务副组长", "成员", "负责人", "责任人", "第一责任人"}
# The leaders whose names the political formulas of every report carry (以习近平同志为核心 …).
FORMULA_LEADERS = frozenset({"毛泽东", "邓小平", "江泽民", "胡锦涛", "习近平"})
# Characters no given name holds after a title: function words, numerals, ranks and office words.
_NOT_IN_NAME = frozenset(
    "由均和与及的在等对向将把被为从到了并或各该本其此每全镇乡村区县市省所也又就都还已即再来去是有"
    "要会能着过给让使以于之而且则今近日前后中内外上下零〇一二两三四五六七八九十百千万副长员委办部"
    "局站队组院庭室处科股")
Words = Sequence[tuple[str, int, int]]  # jieba's cut of a clause: (word, start, end)


def named_persons(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each person named beside a title in a folded sentence."""
    found: list[tuple[int, int]] = []
    done = -1  # end of the last clause cut: most sentences have no title and cut nothing
    for title in _TITLE_TEXT.finditer(folded):
        if title.start() < done:
            continue
        offset, words = clause_words(folded, title.start())
        done = offset + (words[-1][2] if words else 0)
        for index, (word, _start, _end) in enumerate(words):
            if word in TITLES:
                for span in (_name_before(words, index), _name_after(words, index)):
                    if span:
                        found.append((offset + span[0], offset + span[1]))
    return found


def _name_before(words: Words, title: int) -> tuple[int, int] | None:
    """The span of the longest name right before ``words[title]`` (``彭立武书记``), or None."""
    for size in (3, 2, 1):
        if size <= title and _is_name(words[title - size:title]):
            return words[title - size][1], words[title - 1][2]
    return None


def _name_after(words: Words, title: int) -> tuple[int, int] | None:
    """The span of the longest name right after ``words[title]`` (``乡长曹昌明``), or None; not an
    office's rank (``镇长任双组长``: 任 is "serves as" there, and an office word follows)."""
    for size in (3, 2, 1):
        chosen = words[title + 1:title + 1 + size]
        if len(chosen) == size and _is_name(chosen):
            following = words[title + 1 + size][0] if title + 1 + size < len(words) else ""
            return None if following in _OFFICES else (chosen[0][1], chosen[-1][2])
    return None


def _is_name(words: Words) -> bool:
    """Whether these adjacent words of jieba's cut spell a person's name (see the module doc)."""
    name = "".join(word for word, _start, _end in words)
    if not 2 <= len(name) <= 3 or name[0] not in SURNAMES or name in FORMULA_LEADERS:
        return False
    if any(char in _NOT_IN_NAME for char in name[1:]):
        return False
    if len(words) == 1:
        return len(name) == 3 and rare_word(name)  # a full name jieba knows
    return all(len(word) == 1 or rare_word(word) for word, _start, _end in words)
