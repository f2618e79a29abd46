"""Whether a place name found in a text is written there as that name, or is characters of
other words that happen to spell it.

A wrong place is the one error a user must never see, and most wrong places come from names
read across word boundaries: 和县 in 坚强领导和县委, 理县 in 办理县人大, 范县 in 示范县, 信阳 in
诚信阳光. jieba's segmentation of the text around a mention decides: the name must be a word of
it, a word plus a suffix (信阳 as 信阳市), or a run of whole words. Names written as a chain of
divisions (那曲市色尼区, 城口县北屏乡) count as well, since a chain is how documents write a place
and jieba's statistics often glue two such names together.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from .gazetteer import UPPER_SUFFIXES, Gazetteer

WINDOW = 20  # characters of context on each side given to the segmenter
# Where a two-character name (和县, 息县) may stand: a line's start, after 中共 (中共渠县县委), or
# after a punctuation mark (中共渠县县委、渠县人民政府; 在县委的坚强领导下，息县人民政府…) — never
# right after another word (领导和县司法局). Before its own committee (渠县县委) it counts
# anywhere: 和县委 is 和 + 县委, 和县县委 is 和县's.
NAME_BEFORE = ("\n", "中共", "、", ":", "：", "，", ",", "。", "；", ";")


def stands_as_word(text: str, start: int, word: str) -> bool:
    """Whether ``word`` at ``start`` of ``text`` is a word of the text, judged by jieba's
    segmentation of the text around it: the word itself, the word plus a suffix such as 县/市
    (信阳 as 信阳市), or a run of whole words — 信阳 in 平安信阳指数 counts, in 诚信阳光 not."""
    window_start = max(0, start - WINDOW)
    window = text[window_start:start + len(word) + WINDOW]
    tokens = _tokens(window)
    local = start - window_start
    token = tokens.get(local)
    if token is None:
        return False
    with_suffix = token[:-1] == word and token.endswith(UPPER_SUFFIXES)
    split_up = len(token) < len(word) and _covers(tokens, local, local + len(word))
    return token == word or with_suffix or split_up


def standing_upper_mentions(gazetteer: Gazetteer, text: str) -> list[tuple[int, int, str]]:
    """``gazetteer.find_upper_mentions(text)`` without the names that do not stand as names.

    A name of three characters or more counts where jieba reads it as a word, or as a link of
    a chain of names (那曲市色尼区: jieba reads 那曲 / 市色尼区). A two-character name (和县, 理县,
    城区) is what other words spell most often, and jieba's dictionary knows 和县 as a word even
    in 坚强领导和县司法局 and after a bracket in 〔2022〕28号)和县委: it counts only after the name
    of a division above it (马鞍山市和县), after a punctuation mark or 中共 at a line's start
    (``NAME_BEFORE``), or before its own committee (渠县县委)."""
    mentions = gazetteer.find_upper_mentions(text)
    ends = {end: name for _start, end, name in mentions}
    chained: set[int] = set()
    for start, _end, name in mentions:
        before = ends.get(start, "")
        if len(before) >= 3 and (len(name) >= 3 or before in gazetteer.upper_names):
            chained.update((start, start - len(before)))
    return [(start, end, name) for start, end, name in mentions
            if start in chained or stands_as_name(gazetteer, text, start, name)]


def name_hits(gazetteer: Gazetteer, text: str, name: str) -> list[int]:
    """Starts of ``name`` (a division's full or short name) in ``text`` where it stands as a
    name (``stands_as_name``)."""
    return [match.start() for match in re.finditer(re.escape(name), text)
            if stands_as_name(gazetteer, text, match.start(), name)]


def stands_as_name(gazetteer: Gazetteer, text: str, start: int, name: str) -> bool:
    """Whether ``name`` at ``start`` is written as that name (see ``standing_upper_mentions``)."""
    if len(name) == 2 and name in gazetteer.upper_names:
        before = text[:start].rstrip(" \t\u3000")
        return not before or before.endswith(NAME_BEFORE) or text.startswith(name[-1] + "委", start + 2)
    return stands_as_word(text, start, name)


def _covers(tokens: dict[int, str], start: int, end: int) -> bool:
    position = start
    while position < end and position in tokens:
        position += len(tokens[position])
    return position == end


@lru_cache(maxsize=4096)
def _tokens(window: str) -> dict[int, str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return {start: word for word, start, _end in jieba.tokenize(window)}
