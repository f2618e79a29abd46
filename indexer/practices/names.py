"""Practice names in a passage: which quoted names are practices, which are slogans, and which
spellings are one name (for the 做法名录, ``indexer.practices.directory``).

A township names a practice it wants noticed in one of two ways: it puts the name in quotation
marks (``“枫桥经验”``, ``“一村一法律顾问”``, ``“1+2+5”大调解工作机制``), or it calls it a
工作法 / 调解法 (``推行院坝调解法``). Not every quoted string is a practice — a report also quotes
its slogans and political formulas. What tells them apart is what the report *does* with the name:

* a **practice** is something it does: the name is called a practice (a practice word follows
  it directly: ``“法治体检”机制``, ``“湾事芜优”诉源治理工作站``), something is done with it (a
  doing verb before it: ``推行“一件事一次办”``, ``开展“法律进村”活动``) or it is made a measure of
  (``“民主法治示范村(社区)”创建活动``, ``“谁执法谁普法”责任制``);
* a **slogan** is something it says, and is kept apart: an enumeration of parallel phrases
  (``“庸、懒、散、软、拖、推”``, ``“党委领导、政府负责、部门协同、村居联动”``) unless a practice
  word follows it directly; a numbered formula (``“四个意识”``, ``“三到位”``, ``“十二个坚持”``);
  a slogan built on the township's own name (``“法治古镛”``, ``“平安红江”``); a quoted sentence
  of more than ``LONG`` characters (a county's development slogan ``“加快建设国家乡村振兴示范县
  和‘锂电之都’拓展区”``, a line quoted from a plan); a name neither called a practice nor acted on
  (``紧紧围绕“高质量发展”中心任务``, ``构建…“一张网”的格局``).

Noise is dropped as before: text in 《》 (titles of laws and documents), plain vocabulary
(``STOPWORDS``), document titles in quotes (a year, or ending as titles end), figures, and
problems a report admits in its 存在的不足 section (skipped by ``indexer.practices.directory``).

Spellings of one practice are merged under one *key* (``key``): folded (full/half width,
traditional/simplified), without insertions in brackets (``民主法治示范村（社区）`` →
``民主法治示范村``, ``一村(社区)一顾问`` → ``一村一顾问``), separators and a leading ``新时代``;
and two keys are one when the longer is the shorter with one run of at most ``INSERTION``
characters inserted inside it (``一村一顾问`` / ``一村一法律顾问``), see ``merge``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archive.normalize import fold_for_match

# Words that make the name before them a practice: “1+2+5”大调解工作机制, “法治体检”机制.
PRACTICE_WORDS = ("工作法", "调解法", "工作机制", "机制", "模式", "经验", "做法", "品牌", "工程")
NAMING_REACH = 6  # characters after a name within which a practice word calls it one (…”大调解工作机制)
# Words after a name that make it a measure the township takes (besides ``PRACTICE_WORDS``).
MEASURE_WORDS = ("活动", "行动", "制度", "责任制", "制", "创建", "建设", "服务", "平台", "中心", "工作站",
                 "工作室", "调解室", "清单", "改革", "试点", "论坛", "讲堂", "载体", "诉源治理")
# Verbs before a name that make it something the township does.
DOING = re.compile(r"(?:推行|推广|开展|实施|实行|建立|打造|创建|创新|深化|落实|推进|探索|运用|采用|发展|"
                   r"组建|成立|建成|依托|用好|做实|做亮|做优|利用|搭建|启动|举办|组织|制定|修订)"
                   r"[\u4e00-\u9fff]{0,2}$")
# A quoted name: ASCII, curly or corner quotes (the reports use all three), 2–24 characters.
QUOTED = re.compile(r"[\"“「『]([^\"“”「」『』\n]{2,40})[\"”」』]")
# An unquoted 工作法/调解法 after the verbs that introduce it (all of them: 总结推广院坝调解法).
NAMED = re.compile(
    r"(?:推行|推广|创新|探索|总结|运用|采用|实行|首创|打造|形成|实施)+([\u4e00-\u9fff]{2,8}(?:工作法|调解法))"
)
# Quoted words that are vocabulary, not practices a township adopts.
STOPWORDS = frozenset({
    "一把手", "关键少数", "八五", "七五", "两委", "学习强国", "主题教育", "高质量发展", "宪法日",
    "第一保障", "最优解", "一盘棋", "跑路", "跑腿", "明白人", "十三五", "十四五", "十五五",
})
# A quoted name that is a document's or a report's own title, not a practice: it holds a year
# (“2023年法治上城建设工作要点”) or ends as document titles do.
DOCUMENT = re.compile(r"(?:19|20)\d\d年|(?:要点|方案|意见|办法|条例|规定|通知|情况|报告|决定)$")
HAN = re.compile(r"[\u4e00-\u9fff]")
SEPARATORS = re.compile(r"[、,，;；/\s]")
NUMBERED = re.compile(r"^[一二两三四五六七八九十]+(?:个|项|大|条|到位)")
PLACE_SLOGAN = ("法治", "平安", "美丽", "幸福", "和谐", "智慧", "数字", "阳光", "新")
LONG = 12  # Chinese characters from which a quoted string is a quoted sentence, not a name
INSERTION = 3  # characters one spelling may insert inside another and still be the same name
_BRACKETED = re.compile(r"\([^()]*\)")  # folded （） and () alike
_KEY_NOISE = re.compile(r"[^\u4e00-\u9fffa-z0-9+]")

PRACTICE = "practice"
SLOGAN = "slogan"


@dataclass(frozen=True)
class Mention:
    """One practice name or slogan in a passage: as written, ``text[start:end]``."""

    name: str
    key: str
    kind: str  # PRACTICE | SLOGAN
    named: bool  # called a 工作法, 机制 … (a practice word follows it or ends it)
    start: int
    end: int


def key(name: str) -> str:
    """The merging key of a spelling (see the module docstring)."""
    folded = _BRACKETED.sub("", fold_for_match(name))
    return _KEY_NOISE.sub("", folded).removeprefix("新时代")


def mentions(text: str, own_stems: Iterable[str] = ()) -> list[Mention]:
    """The practice names and slogans of one passage (display text), in text order.

    ``own_stems``: the township's name without 镇/乡/街道 (what a place slogan is built on).
    """
    folded = fold_for_match(text)
    titles = [(m.start(), m.end()) for m in re.finditer(r"<[^<>]*>", folded)]
    quotes = [m for m in QUOTED.finditer(text) if not any(a < m.start() < b for a, b in titles)]
    found: list[Mention] = []
    for group in _adjacent(quotes, text):
        before = folded[max(0, group[0].start() - 8):group[0].start()]
        after = re.match(r"[\u4e00-\u9fff]{0,8}", folded[group[-1].end():]).group(0)
        for match in group:
            name = match.group(1).strip()
            if not _is_name(name):
                continue
            kind, named = _classify(name, before, after, tuple(own_stems))
            if len(HAN.findall(name)) == 2 and not named:
                continue  # two characters are a word (“两委”, “六进”) unless called a practice
            found.append(Mention(name, key(name), kind, named, match.start(1), match.end(1)))
    for match in NAMED.finditer(text):
        name = match.group(1)
        found.append(Mention(name, key(name), PRACTICE, True, match.start(1), match.end(1)))
    return sorted(found, key=lambda mention: mention.start)


def _adjacent(quotes: list[re.Match[str]], text: str) -> list[list[re.Match[str]]]:
    """Quotes that follow each other directly or with 、 between (“法律保障”“经济创新”) as groups:
    what comes before the first and after the last says what they all are."""
    groups: list[list[re.Match[str]]] = []
    for match in quotes:
        if groups and text[groups[-1][-1].end():match.start()] in ("", "、", ","):
            groups[-1].append(match)
        else:
            groups.append([match])
    return groups


def _is_name(name: str) -> bool:
    """The noise rules: vocabulary, document titles, figures."""
    return len(HAN.findall(name)) >= 2 and name not in STOPWORDS and not DOCUMENT.search(name)


def _classify(name: str, before: str, after: str, own_stems: tuple[str, ...]) -> tuple[str, bool]:
    """(kind, named) of a quoted name from the words around it (see the module docstring)."""
    reach = "" if after.startswith("的") else after[:NAMING_REACH]
    if name.endswith(PRACTICE_WORDS) or any(word in reach for word in PRACTICE_WORDS):
        return PRACTICE, True
    compact = SEPARATORS.sub("", name)
    place_slogans = {form for stem in own_stems for prefix in PLACE_SLOGAN
                     for form in (prefix + stem, stem + prefix)}
    slogan = (bool(SEPARATORS.search(name)) or NUMBERED.match(name) is not None
              or len(HAN.findall(name)) > LONG or compact in place_slogans)
    if slogan:
        return SLOGAN, False
    if after.startswith(MEASURE_WORDS) or (
            after.startswith("的") and any(word in after[1:] for word in PRACTICE_WORDS + MEASURE_WORDS)):
        return PRACTICE, False
    if DOING.search(before) and not after.startswith("的"):
        return PRACTICE, False
    return SLOGAN, False


def merge(keys: Iterable[str]) -> dict[str, str]:
    """Each key → the key of the name it is merged into: the shortest of the keys it is one with
    (one has the other with one run of at most ``INSERTION`` characters inserted inside it, the
    first and last characters kept), transitively."""
    ordered = sorted(set(keys), key=lambda k: (len(k), k))
    parent = {k: k for k in ordered}

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    by_length: dict[int, list[str]] = {}
    for k in ordered:
        by_length.setdefault(len(k), []).append(k)
    for longer in ordered:
        for extra in range(1, INSERTION + 1):
            for shorter in by_length.get(len(longer) - extra, ()):
                if len(shorter) >= 3 and _inserted(shorter, longer):
                    parent[root(longer)] = root(shorter)
    return {k: root(k) for k in ordered}


def _inserted(shorter: str, longer: str) -> bool:
    """Whether ``longer`` is ``shorter`` with one run inserted strictly inside it."""
    head = 0
    while head < len(shorter) and shorter[head] == longer[head]:
        head += 1
    tail = len(shorter) - head
    return 0 < head < len(shorter) and longer.endswith(shorter[head:]) and tail > 0
