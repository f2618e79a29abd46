"""Which township, county, city and province a report is about — or honestly "not known".

A wrong place is worse than none: a user filtering by county must never see another county's
report. So a township name only yields a county when the gazetteer makes it certain:

1. candidates are township names of the gazetteer found in the text (title, issuer and metadata
   fields weigh more than the body), plus ``<county><township>`` pairs such as 城口县北屏乡 whose
   township the gazetteer lists under that county, possibly under a newer name (北屏乡 → 北屏镇);
2. a pair written as ``<county><township>`` decides by itself;
3. a name that exists once nationally decides by itself;
4. otherwise, clues anywhere in the text (the full or short name of a county, city or province
   above exactly some of the candidates: 平安信阳指数 → 信阳市) decide when they point to a single
   candidate; the deciding clue is recorded in the provenance;
5. when nothing decides, only the levels shared by every candidate are filled, and a note says so.

A report without a township (a district's own report) gets its county from a county-level name
in its title, issuer or metadata fields, under the same uniqueness rule.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .document import (
    PROV_CLUE,
    PROV_TOWNSHIP_NAMED,
    PROV_UNDECIDED,
    PROV_UNIQUE,
    PROV_WRITTEN_TOGETHER,
)
from .gazetteer import Division, Gazetteer, Place, get_gazetteer, strip_township_suffix

HEADER_WEIGHT = 10
COUNTY_THEN_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:镇|乡|街道|苏木))")
SUFFIX_CHARS = "省市县区州盟旗"


@dataclass
class Resolution:
    """The outcome of place resolution: the place, why, and remarks for the user."""

    place: Place = field(default_factory=lambda: Place("", "", "", "", ""))
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Candidate:
    name: str  # as written in the text
    divisions: list[Division]
    score: int = 0
    first: int = 0
    via_county: Division | None = None  # decided by a "<county><township>" pair


def resolve_place(text: str, header_text: str) -> Resolution:
    """Resolve the place of a report from its display text and its header/fields text."""
    gazetteer = get_gazetteer()
    candidates = _township_candidates(gazetteer, text, header_text)
    if not candidates:
        return _resolve_county_only(gazetteer, header_text)
    best = max(candidates, key=lambda c: (c.score, -c.first))
    return _decide(gazetteer, best, text)


def _township_candidates(gazetteer: Gazetteer, text: str, header_text: str) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    for weight, source in ((HEADER_WEIGHT, header_text), (1, text)):
        offset = 0 if weight == 1 else -len(source)  # header mentions rank first on ties
        for start, _end, name in gazetteer.find_township_mentions(source):
            fresh = _Candidate(name, gazetteer.townships(name), first=start + offset)
            candidate = found.setdefault(name, fresh)
            candidate.score += weight
        for county, name, start in _county_pairs(gazetteer, source):
            variants = gazetteer.township_variants(county, name)
            if len(variants) != 1:
                continue
            candidate = found.get(name)
            if candidate is None or candidate.via_county is None:
                score = candidate.score if candidate else 0
                candidate = _Candidate(name, variants, score, start + offset, county)
                found[name] = candidate
            candidate.score += weight
    return list(found.values())


def _county_pairs(gazetteer: Gazetteer, text: str) -> list[tuple[Division, str, int]]:
    """(county, township name as written, position) for every ``<county><township>`` in text."""
    pairs: list[tuple[Division, str, int]] = []
    for name in _county_names_in(gazetteer, text):
        for match in re.finditer(re.escape(name), text):
            follow = COUNTY_THEN_TOWNSHIP.match(text, match.end())
            if follow is None:
                continue
            for county in gazetteer.counties(name):
                pairs.append((county, follow.group(1), match.start()))
    return pairs


def _county_names_in(gazetteer: Gazetteer, text: str) -> set[str]:
    names = set()
    for match in re.finditer(r"[\u4e00-\u9fff]{1,12}?(?:县|区|市|旗)", text):
        # try every start inside the run so 重庆市南川区 yields 南川区
        run = match.group()
        for i in range(len(run) - 1):
            if gazetteer.counties(run[i:]):
                names.add(run[i:])
                break
    return names


def _decide(gazetteer: Gazetteer, candidate: _Candidate, text: str) -> Resolution:
    name = candidate.name
    if candidate.via_county is not None:
        division = candidate.divisions[0]
        resolution = Resolution(gazetteer.place(division, name))
        written = PROV_WRITTEN_TOGETHER.format(f"{candidate.via_county.name}{name}")
        resolution.provenance["township"] = resolution.provenance["county"] = written
        if division.name != name:
            resolution.notes.append(
                f"{name} 在 2025-12-31 区划表中为 {division.name}（同县同一地名，按原文显示）"
            )
        return resolution
    divisions = candidate.divisions
    if len(divisions) == 1:
        resolution = Resolution(gazetteer.place(divisions[0]))
        resolution.provenance["township"] = PROV_TOWNSHIP_NAMED
        resolution.provenance["county"] = PROV_UNIQUE.format(name)
        return resolution
    chosen, clue = _decide_by_clues(gazetteer, divisions, _mask(text, name))
    if chosen is not None:
        resolution = Resolution(gazetteer.place(chosen))
        resolution.provenance["township"] = PROV_TOWNSHIP_NAMED
        resolution.provenance["county"] = PROV_CLUE.format(clue)
        return resolution
    return _undecided(gazetteer, name, divisions)


def _undecided(gazetteer: Gazetteer, name: str, divisions: list[Division]) -> Resolution:
    """Fill only the levels every candidate agrees on; say why the rest is empty."""
    places = [gazetteer.place(d) for d in divisions]

    def shared(level: str) -> str:
        values = {getattr(place, level) for place in places}
        return values.pop() if len(values) == 1 else ""

    county, city, province = shared("county"), shared("city"), shared("province")
    resolution = Resolution(Place(name, county, city, province, ""))
    resolution.provenance["township"] = PROV_TOWNSHIP_NAMED
    resolution.provenance["county"] = PROV_UNDECIDED.format(len(divisions))
    where = "、".join(place.county or place.city for place in places)
    resolution.notes.append(
        f"{name} 在 {len(divisions)} 个县级区划中都有（{where}），"
        "正文中没有能确定所属县的线索，未能确定的上级区划留空"
        f" / {name} exists in {len(divisions)} counties and nothing in the text decides which"
    )
    return resolution


def _mask(text: str, name: str) -> str:
    """``text`` with the township's own name blanked, so it cannot serve as its own clue."""
    return text.replace(name, "\u3000" * len(name))


def _decide_by_clues(
    gazetteer: Gazetteer, divisions: list[Division], text: str
) -> tuple[Division | None, str]:
    """The single candidate that discriminating clues point to, with the clue as shown."""
    clue_owners: dict[str, set[str]] = {}
    for division in divisions:
        for ancestor in gazetteer.ancestors(division):
            for clue in gazetteer.clue_names(ancestor):
                clue_owners.setdefault(clue, set()).add(division.code)
    everyone = {d.code for d in divisions}
    pointed: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for clue, owners in clue_owners.items():
        if owners == everyone:
            continue
        for start in _word_hits(text, clue):
            for code in owners:
                pointed[code] += 1
                target = gazetteer.by_code[code]
                owner = next(a for a in gazetteer.ancestors(target) if clue in gazetteer.clue_names(a))
                shown.setdefault(code, f"{text[max(0, start - 2):start + len(clue) + 2]} → {owner.name}")
    if len(pointed) != 1:
        return None, ""
    code = next(iter(pointed))
    return gazetteer.by_code[code], shown[code]


def _word_hits(text: str, word: str) -> list[int]:
    """Starts of ``word`` in ``text`` where it stands as a word (or a word plus a suffix such as
    县/市), judged by jieba's segmentation: 信阳 in 平安信阳指数 counts, in 诚信阳光 it does not."""
    hits = [m.start() for m in re.finditer(re.escape(word), text)]
    if not hits:
        return []
    accepted = []
    for start in hits:
        window_start = max(0, start - 20)
        window = text[window_start:start + len(word) + 20]
        tokens = _tokens(window)
        local = start - window_start
        token = tokens.get(local)
        if token is None:
            continue
        with_suffix = token.startswith(word) and len(token) == len(word) + 1 and token[-1] in SUFFIX_CHARS
        split_up = len(token) < len(word) and _covers(tokens, local, local + len(word))
        if token == word or with_suffix or split_up:
            accepted.append(start)
    return accepted


def _covers(tokens: dict[int, str], start: int, end: int) -> bool:
    position = start
    while position < end and position in tokens:
        position += len(tokens[position])
    return position == end


@lru_cache(maxsize=4096)
def _tokens(window: str) -> dict[int, str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return {start: word for word, start, _end in jieba.tokenize(window)}


def _resolve_county_only(gazetteer: Gazetteer, header_text: str) -> Resolution:
    """A report without a township: a county-level name in its title/issuer/fields."""
    names = sorted(_county_names_in(gazetteer, header_text), key=header_text.find)
    for name in names:
        divisions = gazetteer.counties(name)
        chosen: Division | None = divisions[0] if len(divisions) == 1 else None
        clue = PROV_UNIQUE.format(name)
        if chosen is None:
            chosen, clue = _decide_by_clues(gazetteer, divisions, _mask(header_text, name))
            clue = PROV_CLUE.format(clue)
        if chosen is not None:
            place = gazetteer.place(chosen)
            resolution = Resolution(Place("", place.county, place.city, place.province, place.code))
            resolution.provenance["county"] = clue
            return resolution
    return Resolution()


__all__ = ["Resolution", "resolve_place", "strip_township_suffix"]
