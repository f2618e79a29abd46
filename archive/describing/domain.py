"""The address a report was published at, as a weak clue to its place.

County and district governments publish their townships' reports on their own sites, and the
site's host name is usually the county's name in pinyin or its initials, often after the
province's or city's initials: luqu.gov.cn (碌曲县), heyang.gov.cn (合阳县), psx.gov.cn (彭水县),
ybq.gov.cn (渝北区), bjmy.gov.cn (北京 密云区), hzsc.gov.cn (杭州 上城区), ynlf.gov.cn (云南 禄丰市).

Why only weak: a host name is a handful of letters, and among 2,845 counties some county's
initials match almost any short label — a mirror site's ``jzzz`` or ``yqfq`` included. So an
address never names a place by itself. It may only choose among the places the text already
offers (the counties a township name of the text exists in), and only when exactly one of
them matches; the text's own clues are always weighed first (``archive.describing.places``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from .gazetteer import Division, Gazetteer, short_name

# Host labels that say nothing about a place.
GENERIC_LABELS = frozenset(
    {"www", "gov", "cn", "com", "net", "org", "edu", "public", "xxgk", "zwgk", "m", "wap"}
)
MIN_FORM = 3  # a two-letter form (sc, lq) matches too many counties to mean anything
_SUFFIX_INITIALS = {"县": "x", "区": "q", "市": "s", "旗": "q"}


def host_of(url: str) -> str:
    """The host of ``url``, lower case ("" for no URL or one without a host)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def host_labels(url: str) -> tuple[str, ...]:
    """The labels of ``url``'s host that may name a place, lower case: ``http://www.luqu.gov.cn/…``
    → ("luqu",); "" or a URL without a host → ()."""
    return tuple(label for label in host_of(url).split(".") if label and label not in GENERIC_LABELS
                 and re.fullmatch(r"[a-z]+", label))


@lru_cache(maxsize=8192)
def _spellings(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a division's short name, or of the name itself."""
    from pypinyin import Style, lazy_pinyin

    stem = short_name(name) or name
    return "".join(lazy_pinyin(stem)), "".join(lazy_pinyin(stem, style=Style.FIRST_LETTER))


def division_forms(gazetteer: Gazetteer, county: Division) -> frozenset[str]:
    """The host labels a county-level division's site may use: its name in pinyin or initials
    (with its 县/区/市 initial: psx, ybq), alone or after its city's or province's initials
    (hzsc, bjmy, ynlf)."""
    full, initials = _spellings(county.name)
    forms = {full, initials, initials + _SUFFIX_INITIALS.get(county.name[-1], "")}
    for ancestor in gazetteer.ancestors(county):
        upper_full, upper_initials = _spellings(ancestor.name)
        forms.update({upper_initials + initials, upper_initials + full, upper_full + full})
    return frozenset(form for form in forms if len(form) >= MIN_FORM)


def county_of(division: Division, gazetteer: Gazetteer) -> Division | None:
    """The county-level division at or above ``division`` (None for a township directly under a
    city without counties, such as 东莞市's)."""
    for ancestor in [division, *gazetteer.ancestors(division)]:
        if ancestor.level == 3:
            return ancestor
    return None


def choose_by_address(
    gazetteer: Gazetteer, divisions: list[Division], url: str
) -> tuple[Division | None, str]:
    """The one candidate whose county the published address ``url`` names, with the host and
    the county as shown (www.bjmy.gov.cn → 密云区); (None, "") when none or several match."""
    labels = host_labels(url)
    if not labels:
        return None, ""
    matched: dict[str, tuple[Division, str]] = {}
    for division in divisions:
        county = county_of(division, gazetteer)
        if county is None:
            continue
        forms = division_forms(gazetteer, county)
        for label in labels:
            if label in forms:
                matched[division.code] = (division, f"{host_of(url)} → {county.name}")
                break
    if len(matched) != 1:
        return None, ""
    return next(iter(matched.values()))
