"""The documented matching normalisation, shared by parsing, indexing and querying.

``fold_for_match`` maps a text to the form in which the archive compares strings. It is
*length-preserving* (one character in, one character out), so an offset found in the folded
text is the same offset in the display text: highlighting and citations never drift.

The folding, in order, character by character:
1. full-width ASCII forms (``Ａ``..``～``) and the ideographic space → their half-width forms
   (Unicode NFKC, kept only when it yields exactly one character);
2. punctuation variants that mean the same thing → one form (Chinese/ASCII comma, colon,
   semicolon, brackets, quotes, dashes; see ``PUNCTUATION_FOLDS``);
3. ASCII letters → lower case;
4. traditional characters → simplified (OpenCC ``t2s``, applied per character).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from opencc import OpenCC

PUNCTUATION_FOLDS = {
    "，": ",", "、": ",", "：": ":", "；": ";", "！": "!", "？": "?",
    "（": "(", "）": ")", "【": "[", "】": "]", "〔": "[", "〕": "]", "［": "[", "］": "]",
    "｛": "{", "｝": "}", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
    "『": '"', "』": '"', "—": "-", "–": "-", "－": "-", "―": "-", "〈": "<", "〉": ">",
    "《": "<", "》": ">", "。": ".", "．": ".", "·": ".", "・": ".", "\u3000": " ",
}

_T2S = OpenCC("t2s")


@lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """The folded form of one character (always exactly one character)."""
    if char in PUNCTUATION_FOLDS:
        return PUNCTUATION_FOLDS[char]
    nfkc = unicodedata.normalize("NFKC", char)
    if len(nfkc) == 1:
        char = nfkc
        if char in PUNCTUATION_FOLDS:
            return PUNCTUATION_FOLDS[char]
    if char.isascii():
        return char.lower()
    simplified = _T2S.convert(char)
    return simplified if len(simplified) == 1 else char


class _FoldTable(dict):
    """``str.translate`` table of ``fold_char``, filled on first sight of each character:
    about twice as fast as joining ``fold_char`` per character (index builds fold every text)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_for_match(text: str) -> str:
    """``text`` in matching form, same length as ``text`` (see the module docstring)."""
    return text.translate(_FOLD_TABLE)


def simplify(text: str) -> str:
    """``text`` with traditional characters written in simplified form, nothing else changed.

    Length-preserving like ``fold_for_match``, so offsets carry over. Used to *read* a report
    written in traditional characters (its title, places, type, structure); what users see keeps
    the characters as written. Per-character conversion turns a few simplified place names into
    others (乾县 → 干县), so metadata reads through it only when ``is_traditional`` says the whole
    text is traditional.
    """
    return "".join(map(_simplified_char, text))


@lru_cache(maxsize=65536)
def _simplified_char(char: str) -> str:
    if char.isascii():
        return char
    simplified = _T2S.convert(char)
    return simplified if len(simplified) == 1 else char


TRADITIONAL_SHARE = 0.02


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters: more than 2 % of its Chinese
    characters have a different simplified form (a simplified text has a stray few at most)."""
    chinese = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    changed = sum(1 for char in chinese if _simplified_char(char) != char)
    return len(chinese) > 0 and changed > max(3, TRADITIONAL_SHARE * len(chinese))
