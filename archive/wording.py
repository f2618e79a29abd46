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


def word_hits(text: str, word: str) -> list[int]:
    """Starts of ``word`` in ``text`` where it stands as a word (or a word plus a suffix such as
    县/市), judged by jieba's segmentation: 信阳 in 平安信阳指数 counts, in 诚信阳光 it does not."""
    return [match.start() for match in re.finditer(re.escape(word), text) if stands_as_word(text, match.start(), word)]


def stands_as_word(text: str, start: int, word: str) -> bool:
    """Whether ``word`` at ``start`` of ``text`` is a word of the text (see ``word_hits``)."""
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
    """``gazetteer.find_upper_mentions(text)`` without the names that do not stand as words:
    a name counts where jieba reads it as a word, or where it is a link of a chain of names
    of three characters or more (那曲市色尼区: jieba reads 那曲 / 市色尼区). Two-character names
    (和县, 理县, 城区) must stand as words themselves: they are the ones other words spell."""
    mentions = gazetteer.find_upper_mentions(text)
    links = [(start, end) for start, end, name in mentions if len(name) >= 3]
    chained: set[int] = set()
    for start, end in links:
        for next_start, _next_end in links:
            if next_start == end:
                chained.update((start, next_start))
    return [(start, end, name) for start, end, name in mentions
            if start in chained or stands_as_word(text, start, name)]


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
