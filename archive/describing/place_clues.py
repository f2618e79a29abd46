"""What place resolution shares: its result, and the clues that decide among several divisions
of one name — the names of their ancestors in the text (平安信阳指数 → 信阳市), each counted only
where it stands as a word (``archive.describing.wording``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import Division, Gazetteer, Place
from .wording import name_hits


@dataclass
class Resolution:
    """The outcome of place resolution: the place, why, and remarks for the user."""

    place: Place = field(default_factory=lambda: Place("", "", "", "", ""))
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def mask(text: str, name: str) -> str:
    """``text`` with the township's own name blanked, so it cannot serve as its own clue."""
    return text.replace(name, "\u3000" * len(name))


def decide_by_clues(
    gazetteer: Gazetteer, divisions: list[Division], text: str
) -> tuple[Division | None, str]:
    """The candidate the clues point to, with the deciding clues as shown.

    The chosen candidate must be named by every clue that names another candidate, and by more:
    in 山东省枣庄市市中区 all three point to the 永安镇 of 枣庄's 市中区, while only 市中区 points to
    乐山's and only 山东省 to another 永安镇 of 山东省. Clues pointing different ways (信阳 and 南阳
    both) decide nothing. Shown are the clues naming the chosen candidate alone.
    """
    hits = clue_hits(gazetteer, divisions, text)
    for code, found in hits.items():
        others = [other.keys() for other_code, other in hits.items() if other_code != code]
        if all(other < found.keys() for other in others):
            own = [clue for clue in found if not any(clue in other for other in others)]
            shown = dict.fromkeys(found[clue] for clue in own or found)
            return gazetteer.by_code[code], "；".join(shown)
    return None, ""


def clue_hits(gazetteer: Gazetteer, divisions: list[Division], text: str) -> dict[str, dict[str, str]]:
    """Candidate code → {clue: the clue in context → the division it names}, for every clue in
    ``text`` naming an ancestor of some but not all candidates (nearest ancestors first)."""
    owners: dict[str, list[tuple[Division, Division]]] = {}
    for division in divisions:
        for ancestor in gazetteer.ancestors(division):
            for clue in gazetteer.clue_names(ancestor):
                owners.setdefault(clue, []).append((division, ancestor))
    hits: dict[str, dict[str, str]] = {}
    for clue, pairs in owners.items():
        if len({division.code for division, _ancestor in pairs}) == len(divisions):
            continue
        starts = name_hits(gazetteer, text, clue)
        if not starts:
            continue
        context = re.sub(r"\s", "", text[max(0, starts[0] - 2):starts[0] + len(clue) + 2])
        for division, ancestor in pairs:
            hits.setdefault(division.code, {}).setdefault(clue, f"{context} → {ancestor.name}")
    return hits
