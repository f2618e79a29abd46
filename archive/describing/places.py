"""Which township, county, city and province a report is about — or honestly "not known".

A wrong place is worse than none: a user filtering by county must never see another county's
report. So a township name only yields a county when the gazetteer makes it certain:

1. candidates are township names of the gazetteer found in the text (title, issuer and metadata
   fields weigh more than the body), plus ``<county><township>`` pairs such as 城口县北屏乡 whose
   township the gazetteer lists under that county, possibly under a newer name (北屏乡 → 北屏镇);
   a city without counties stands for the county (东莞市东城街道);
2. a pair written as ``<county><township>`` decides by itself;
3. a name that exists once nationally decides by itself;
4. otherwise clues — the full or short name of a county, city or province above some of the
   candidates (平安信阳指数 → 信阳市) — decide when one candidate is named by every clue that names
   any other, and by more (河南省…社旗县 beats 河南省 alone); the header's clues are weighed
   before the body's, and the deciding clues are recorded in the provenance;
5. when nothing decides, only the levels shared by every candidate are filled, and a note says so;
6. a decision the header contradicts (it names a province, city or county off the resolved path)
   keeps only the township.

A report without a township (a district's own report) gets its county from a county-level name
in its title, issuer or metadata fields, under the same uniqueness rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.document import (
    PROV_ADDRESS,
    PROV_CLUE,
    PROV_CONTRADICTED,
    PROV_TOWNSHIP_NAMED,
    PROV_UNDECIDED,
    PROV_UNIQUE,
    PROV_WRITTEN_TOGETHER,
)

from .domain import choose_by_address
from .gazetteer import (
    MUNICIPALITY_CODES,
    TOWNSHIP_SUFFIXES,
    Division,
    Gazetteer,
    Place,
    common_words,
    get_gazetteer,
    strip_township_suffix,
)
from .place_clues import Resolution, decide_by_clues, mask
from .place_upper import resolve_upper, speaks_as_county, unnamed_township
from .wording import standing_upper_mentions, stands_as_word

HEADER_WEIGHT = 10
# A county-level name as written between a city and a township (渝北区 of 重庆市渝北区古路镇).
WRITTEN_COUNTY = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:自治县|县|区|市|旗)")
TOWNSHIP_WORD = re.compile(r"[\u4e00-\u9fff]{2,14}")
# 鹤龙街坚持…: a 街道 written without its 道 (the stem, 2–6 characters, is tried longest first).
SHORT_STREET = re.compile(r"([\u4e00-\u9fff]{2,6})街(?!道|头|巷|区|面|市|边|上|口)")
# A township's own organ right after its name: what makes a name that is also a common word
# (鹿角, 建设) a place in running text.
TOWNSHIP_ORGAN = re.compile(r"(?:党?委|人民政府|政府|办事处|党工委|人大|司法所|派出所)")
# 打造“法治西仓”品牌: a township's own rule-of-law brand on its name's stem.
BRAND = re.compile(r"法治([\u4e00-\u9fff]{2,4})")


@dataclass
class _Candidate:
    name: str  # as written in the text
    divisions: list[Division]
    score: int = 0
    first: int = 0
    via_parent: Division | None = None  # decided by a "<county><township>" pair


def resolve_place(
    text: str, header_text: str, *, opening: str = "", addressee: str = "", address: str = ""
) -> Resolution:
    """Resolve the place of a report from its text and its header/fields text.

    ``header_text`` is what the report calls itself (title, organ lines, the page's issuer
    fields); ``addressee`` whom it reports to, which names its superior (中共合阳县委、合阳县人民
    政府:), so it decides a township's county but is not the level of a report with no township.
    ``opening`` is the first paragraph of a report without a title ("" otherwise): it says
    whose report it is (2022年,管城回族区法治政府建设工作…), so it weighs like the header when
    finding and deciding a place, but it runs on into general words (领导和县司法局), so it
    cannot contradict one. ``address`` is the page's published URL (``archive.describing.domain``): a weak
    clue, heard only after every clue of the text.
    """
    gazetteer = get_gazetteer()
    own = "\n".join(part for part in (header_text, opening) if part)
    header_text = "\n".join(part for part in (header_text, addressee) if part)
    speaking = "\n".join(part for part in (header_text, opening) if part)
    candidates = _township_candidates(gazetteer, text, speaking) or _short_form_candidates(
        gazetteer, text, speaking)
    best = max(candidates, key=lambda c: (c.score, -c.first), default=None)
    if best is None or (best.score < HEADER_WEIGHT and _county_speaking(gazetteer, own, text)):
        return resolve_upper(gazetteer, own, addressee, text)
    if best.via_parent is None:
        written = _written_off_table(gazetteer, best, header_text)
        if written is not None:
            return written
    resolution = _decide(gazetteer, best, text, speaking, address)
    return _checked(gazetteer, resolution, mask(header_text, best.name))


def _county_speaking(gazetteer: Gazetteer, own: str, text: str) -> bool:
    """A county's own report, whose body names its townships (陬市镇 in 桃源县人民政府's report):
    its head names a county and no township, or it speaks of itself as 我县/本区."""
    counties = [name for _start, _end, name in standing_upper_mentions(gazetteer, own)
                if name in gazetteer.county_names]
    return bool(counties) or speaks_as_county(text)


def _written_off_table(gazetteer: Gazetteer, candidate: _Candidate, header_text: str) -> Resolution | None:
    """The place as the report writes it, ``<county><township>`` in its title or organ lines
    (重庆市渝北区古路镇人民政府), when today's table lists that township elsewhere: divisions
    change every year (古路镇 is now administered by 两江新区), and the archive records what the
    document says, with a note on where the table puts it today. The county must be one
    division, by its name alone or by the province/city written before it."""
    for start, end, county_name in gazetteer.find_county_mentions(header_text):
        if not header_text.startswith(candidate.name, end):
            continue
        counties = gazetteer.counties(county_name)
        county = counties[0] if len(counties) == 1 else None
        if county is None:
            county, _clue = decide_by_clues(gazetteer, counties, header_text[:start])
        if county is None or gazetteer.township_variants(county, candidate.name):
            return None  # undecided, or the table agrees with the text: the usual rules decide
        place = gazetteer.place(county)
        return _as_written(gazetteer, candidate, Place(candidate.name, place.county, place.city,
                                                        place.province, place.code))
    return _under_written_city(gazetteer, candidate, header_text)


def _under_written_city(gazetteer: Gazetteer, candidate: _Candidate, header_text: str) -> Resolution | None:
    """``<city or province><county><township>`` where today's table no longer has the county
    (重庆市渝北区古路镇: the 2025 table files 古路镇 under 两江新区): the county as written, the
    levels above from the table's own division written before it."""
    for _start, end, upper_name in gazetteer.find_upper_mentions(header_text):
        match = WRITTEN_COUNTY.match(header_text, end)
        if not match or not header_text.startswith(candidate.name, match.end()):
            continue
        uppers = [d for d in gazetteer.by_name.get(upper_name, ()) if d.level in (1, 2)]
        if len(uppers) != 1 or gazetteer.counties(match.group()):
            return None
        upper = gazetteer.place(uppers[0])
        city = upper.city or (upper.province if uppers[0].code in MUNICIPALITY_CODES else "")
        written = Place(candidate.name, match.group(), city, upper.province, "")
        return _as_written(gazetteer, candidate, written)
    return None


def _as_written(gazetteer: Gazetteer, candidate: _Candidate, place: Place) -> Resolution:
    """A place recorded as the report writes it, with a note on where the table puts it today."""
    written = f"{place.county}{candidate.name}"
    resolution = Resolution(place)
    resolution.provenance["township"] = PROV_WRITTEN_TOGETHER.format(written)
    resolution.provenance["county"] = PROV_WRITTEN_TOGETHER.format(written)
    today = "、".join(dict.fromkeys(
        gazetteer.place(division).county or gazetteer.place(division).city for division in candidate.divisions
    ))
    resolution.notes.append(
        f"原文写作 {written}；2025-12-31 区划表中 {candidate.name} 现属 {today}，按原文记录"
    )
    return resolution


def _township_candidates(gazetteer: Gazetteer, text: str, header_text: str) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    for weight, source in ((HEADER_WEIGHT, header_text), (1, text)):
        offset = 0 if weight == 1 else -len(source)  # header mentions rank first on ties
        for start, end, name in gazetteer.find_township_mentions(source):
            if weight == 1 and strip_township_suffix(name) in common_words() and not TOWNSHIP_ORGAN.match(
                    source, end):
                continue  # 法治建设街道领导层: in the body, 建设街道 is 建设 + 街道 (鹿角镇委 is a town's)
            fresh = _Candidate(name, gazetteer.townships(name), first=start + offset)
            candidate = found.setdefault(name, fresh)
            candidate.score += weight
        for parent, name, township, start in _parent_pairs(gazetteer, source):
            candidate = found.get(name)
            if candidate is None or candidate.via_parent is None:
                score = candidate.score if candidate else 0
                candidate = _Candidate(name, [township], score, start + offset, parent)
                found[name] = candidate
            candidate.score += weight
    return list(found.values())


def _short_form_candidates(gazetteer: Gazetteer, text: str, speaking: str) -> list[_Candidate]:
    """A township the report names only in short, when it names none in full: 鹤龙街 for
    鹤龙街道 where the report speaks of itself (head or opening), or its brand 法治西仓 with the
    self-reference 我镇 (西仓镇). Each must be a word of the text and a township of the table."""
    found: dict[str, _Candidate] = {}
    for match in SHORT_STREET.finditer(speaking):
        for stem_start in range(max(0, match.start(1)), match.end(1) - 1):
            name = speaking[stem_start:match.end(1)] + "街道"
            if name in gazetteer.township_names and stands_as_word(speaking, stem_start, name[:-1]):
                found.setdefault(name, _Candidate(name, gazetteer.townships(name), HEADER_WEIGHT, stem_start))
                break
    suffix = unnamed_township(text)
    for match in BRAND.finditer(text) if suffix else ():
        stem = match.group(1)
        for end in range(len(stem), 1, -1):
            name = stem[:end] + suffix
            if (name in gazetteer.township_names and stem[:end] not in common_words()
                    and stands_as_word(text, match.start(1), stem[:end])):  # 法治建设 is no 建设镇
                found.setdefault(name, _Candidate(name, gazetteer.townships(name), 1, match.start(1)))
                break
    return list(found.values())


def _parent_pairs(gazetteer: Gazetteer, text: str) -> list[tuple[Division, str, Division, int]]:
    """(county, township as written, township, position) for every ``<county><township>`` in
    ``text`` (社旗县桥头镇; 东莞市东城街道 where no county exists) that names exactly one township."""
    pairs: list[tuple[Division, str, Division, int]] = []
    for start, end, parent_name in gazetteer.find_parent_mentions(text):
        for written in _township_words(text, end):
            matches = [
                (parent, township)
                for parent in gazetteer.township_parents(parent_name)
                for township in gazetteer.township_variants(parent, written)
            ]
            if len(matches) == 1:
                parent, township = matches[0]
                pairs.append((parent, written, township, start))
            if matches:
                break
    return pairs


def _township_words(text: str, start: int) -> list[str]:
    """Words at ``start`` that end like a township name, longest first, so that 滑县道口镇街道 is
    read as 道口镇街道 before 道口镇."""
    match = TOWNSHIP_WORD.match(text, start)
    run = match.group() if match else ""
    return [run[:end] for end in range(len(run), 1, -1) if run[:end].endswith(TOWNSHIP_SUFFIXES)]


def _decide(
    gazetteer: Gazetteer, candidate: _Candidate, text: str, header_text: str, address: str
) -> Resolution:
    """The place of ``candidate``: by its pair, its uniqueness, or clues — those of the header
    first, since the title and issuer speak of the report itself while the body may cite other
    places (《重庆市…条例》 in a 山东 report) — and last by the published address."""
    name = candidate.name
    if candidate.via_parent is not None:
        division = candidate.divisions[0]
        written = PROV_WRITTEN_TOGETHER.format(f"{candidate.via_parent.name}{name}")
        resolution = _decided(gazetteer.place(division, name), written, written)
        if division.name != name:
            resolution.notes.append(
                f"{name} 在 2025-12-31 区划表中为 {division.name}（同县同一地名，按原文显示）"
            )
        return resolution
    divisions = candidate.divisions
    if len(divisions) == 1:
        return _decided(gazetteer.place(divisions[0]), PROV_TOWNSHIP_NAMED, PROV_UNIQUE.format(name))
    for source in (header_text, text):
        chosen, clue = decide_by_clues(gazetteer, divisions, mask(source, name))
        if chosen is not None:
            return _decided(gazetteer.place(chosen), PROV_TOWNSHIP_NAMED, PROV_CLUE.format(clue))
    chosen, label = choose_by_address(gazetteer, divisions, address)
    # Weak: it may not decide against a place the report's head writes (南京市鼓楼区…).
    if chosen is not None and not _foreign_names(gazetteer, gazetteer.place(chosen), mask(header_text, name)):
        return _decided(gazetteer.place(chosen), PROV_TOWNSHIP_NAMED, PROV_ADDRESS.format(label))
    return _undecided(gazetteer, name, divisions)


def _decided(place: Place, township_why: str, county_why: str) -> Resolution:
    """A resolved township; the reason for its upper levels goes with the county, or with the
    city where the township has no county (东莞市东城街道)."""
    resolution = Resolution(place)
    resolution.provenance["township"] = township_why
    resolution.provenance["county" if place.county else "city"] = county_why
    return resolution


def _checked(gazetteer: Gazetteer, resolution: Resolution, header_text: str) -> Resolution:
    """``resolution``, unless its header names a province, city or county off the resolved path
    (a title 四川省乐山市市中区永安镇 while the only 市中区永安镇 is 内江's, or a township that has
    since moved county): a contradiction, so only the township is kept."""
    place = resolution.place
    if not place.code:
        return resolution
    foreign = _foreign_names(gazetteer, place, header_text)
    if not foreign:
        return resolution
    checked = Resolution(Place(place.township, "", "", "", ""))
    checked.provenance["township"] = resolution.provenance["township"]
    checked.provenance["county"] = PROV_CONTRADICTED.format(foreign)
    where = "".join(dict.fromkeys(name for name in (place.province, place.city, place.county) if name))
    checked.notes.append(f"{place.township} 在行政区划库中属 {where}，与文头所写的 {foreign} 不符，"
                         "上级区划留空")
    return checked


def _foreign_names(gazetteer: Gazetteer, place: Place, text: str) -> str:
    """The province, city and county names ``text`` writes (as words: 和县 in 领导和县司法局 is no
    county) that are not on ``place``'s path, 、-joined; "" when there are none."""
    path = {place.county, place.city, place.province}
    return "、".join(dict.fromkeys(
        name for _start, _end, name in standing_upper_mentions(gazetteer, text) if name not in path
    ))


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
    )
    return resolution


__all__ = ["Resolution", "resolve_place", "strip_township_suffix"]
