"""The place of a report that names no township: a county's, a city's or a province's own
report, or a township's that calls itself only 我镇.

Two sources, in this order:

1. the report's head (title, organ lines, the addressee it reports to, the page's 发布机构, and
   for an untitled report its opening paragraph with the documents it cites masked): the lowest
   level named there decides — a county (嘉善县人民政府关于…), else a city (金昌市人民政府关于印发…
   的通知), else a province (黑龙江省2024年度…报告); written in full or as documents shorten
   autonomous names (红河州, 金平县);
2. else the documents the report cites by title in its body (按照《中牟县…规定》, 印发《金平县…
   办法》): a township or county follows its own county's and city's documents. Only county and
   city names count there, never a province alone (a report may cite 《浙江省…》 for its 枫桥经验),
   and they must lie on one path: two counties, or a city off the county's path, are conflicting
   clues, and the fields stay empty with the reason in the provenance and the notes.

A name counts only where it stands as a word (``archive.describing.wording``), and a name of several
divisions is decided by the other names beside it (``archive.describing.place_clues``) or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.document import PROV_CITED, PROV_CITED_CONFLICT, PROV_CLUE, PROV_UNIQUE

from .gazetteer import MUNICIPALITY_CODES, Division, Gazetteer, Place
from .place_clues import Resolution, decide_by_clues, mask
from .wording import standing_upper_mentions, stands_as_word

CITED_TITLE = re.compile(r"《([^》\n]{1,80})》")
# How a township's report speaks of itself (我镇, 本乡, 我街道), and a county's (我县, 本区).
SELF_REFERENCE = re.compile(r"(?:我|本)(镇|乡|街道|苏木|县|区|市|旗)")
TOWNSHIP_SELF = ("镇", "乡", "街道", "苏木")
LEVEL_NAMES = {3: "county", 2: "city", 1: "province"}


@dataclass
class Named:
    """A division name as the text writes it, and the divisions it may be."""

    start: int
    written: str
    divisions: list[Division]


def named_divisions(gazetteer: Gazetteer, text: str) -> list[Named]:
    """Every province, city or county name of ``text`` that stands as a word, in text order:
    official names and the short written forms of autonomous ones."""
    found = [Named(start, name, [d for d in gazetteer.by_name[name] if d.level < 4])
             for start, _end, name in standing_upper_mentions(gazetteer, text)]
    found += [Named(start, written, gazetteer.short_written[written])
              for start, _end, written in gazetteer.find_short_mentions(text)
              if stands_as_word(text, start, written)]
    return sorted(found, key=lambda named: named.start)


def resolve_upper(gazetteer: Gazetteer, own: str, addressee: str, text: str) -> Resolution:
    """The place of a report with no township candidate (module docstring): the lowest level
    its own head names; else the level its addressee names, refined by the documents it cites
    to a division under it (中共红河州委:… 印发《金平县…办法》 → 金平县)."""
    named = _lowest(gazetteer, own)
    if named is not None:
        return _resolution(gazetteer, *named)
    superior = _lowest(gazetteer, addressee)
    cited = _from_cited(gazetteer, text)
    if superior is None:
        return cited
    on_path = cited.place.code and superior[0].code in {d.code for d in gazetteer.path(
        gazetteer.by_code[cited.place.code])}
    return cited if on_path else _resolution(gazetteer, *superior)


def _lowest(gazetteer: Gazetteer, text: str) -> tuple[Division, str] | None:
    """The lowest division ``text`` names, with why (county before city before province)."""
    named = named_divisions(gazetteer, text)
    for level in (3, 2, 1):
        for mention in named:
            chosen, why = _one_at_level(gazetteer, mention, level, text)
            if chosen is not None:
                return chosen, why
    return None


def _one_at_level(
    gazetteer: Gazetteer, mention: Named, level: int, context: str
) -> tuple[Division | None, str]:
    """The division of ``level`` that ``mention`` names: the only one, or the one the other names
    of ``context`` decide."""
    candidates = [division for division in mention.divisions if division.level == level]
    if len(candidates) == 1:
        return candidates[0], PROV_UNIQUE.format(mention.written)
    if candidates:
        chosen, clue = decide_by_clues(gazetteer, candidates, mask(context, mention.written))
        if chosen is not None:
            return chosen, PROV_CLUE.format(clue)
    return None, ""


def _from_cited(gazetteer: Gazetteer, text: str) -> Resolution:
    """The county (else city) that the documents cited in ``text`` name, if they agree."""
    cited = "\n".join(f"《{title}》" for title in CITED_TITLE.findall(text))
    named = [mention for mention in named_divisions(gazetteer, cited)
             if any(division.level in (2, 3) for division in mention.divisions)]
    for level in (3, 2):
        chosen: dict[str, tuple[Division, str]] = {}
        for mention in named:
            division, _why = _one_at_level(gazetteer, mention, level, cited)
            if division is not None:
                chosen.setdefault(division.code, (division, mention.written))
        if not chosen:
            continue
        path_codes = {d.code for division, _w in chosen.values() for d in gazetteer.path(division)}
        off_path = [written for mention in named for written in (mention.written,)
                    if not any(d.code in path_codes for d in mention.divisions)]
        if len(chosen) > 1 or off_path:
            names = "、".join(dict.fromkeys([*(w for _d, w in chosen.values()), *off_path]))
            resolution = Resolution()
            resolution.provenance[LEVEL_NAMES[level]] = PROV_CITED_CONFLICT.format(names)
            resolution.notes.append(f"文中所引文件涉及多个不相隶属的区划（{names}），无法判定本报告所属地区，相关字段留空")
            return resolution
        division, written = next(iter(chosen.values()))
        title = next(title for title in CITED_TITLE.findall(cited) if written in title)
        return _resolution(gazetteer, division, PROV_CITED.format(f"《{title}》"))
    return Resolution()


def _resolution(gazetteer: Gazetteer, division: Division, why: str) -> Resolution:
    """A resolution at ``division``'s level, the levels below it empty."""
    place = gazetteer.place(division)
    if division.level == 1 and division.code in MUNICIPALITY_CODES:
        place = Place("", "", place.province, place.province, place.code)
    resolution = Resolution(Place("", place.county, place.city, place.province, place.code))
    resolution.provenance[LEVEL_NAMES[division.level]] = why
    return resolution


def unnamed_township(text: str) -> str:
    """镇, 乡, 街道 or 苏木 when ``text`` speaks of itself as a township more often than as a
    county (我镇 / 本乡 against 我县 / 本区), else "": a township's report that never writes its
    own name is still a township's, not its county's."""
    word, township, county = _self_references(text)
    return word if word in TOWNSHIP_SELF and township > county else ""


def speaks_as_county(text: str) -> bool:
    """Whether ``text`` speaks of itself as a county, district or city (我县, 本区) more often than
    as a township: a county's report names its townships in the body, and none is its place."""
    _word, township, county = _self_references(text)
    return county > township


def _self_references(text: str) -> tuple[str, int, int]:
    """(the most frequent self-reference, township ones, county ones) of ``text``."""
    counts: dict[str, int] = {}
    for match in SELF_REFERENCE.finditer(text):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    if not counts:
        return "", 0, 0
    township = sum(n for word, n in counts.items() if word in TOWNSHIP_SELF)
    return max(counts, key=counts.__getitem__), township, sum(counts.values()) - township
