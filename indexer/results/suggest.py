"""“Did you mean”: corrections for a search that found nothing, from the index's own words.

Why the index's vocabulary and not a dictionary: a suggestion is only useful if it finds
something, and the words jieba cut from the archive's passages (the Whoosh lexicon of ``text``,
with the domain dictionary's terms such as 枫桥经验 kept whole) are exactly the words that do.
Two kinds of neighbour are looked for, since Chinese typing errors come from the input method:

* **same sound**: a pinyin input method offers every character of a syllable, so 峰桥经验 and
  枫桥精验 are typed as ``fengqiaojingyan`` like 枫桥经验. Keys are toneless pinyin per
  character (``pypinyin``), compared whole;
* **one or two characters off** (Levenshtein distance, ``rapidfuzz``, in C): a wrong character
  picked by shape (wubi, handwriting), one left out or one too many. Two-character words only
  take same-sound neighbours: at distance 1 almost every two-character word is a neighbour.

Candidates are ranked same-sound first, then by distance, then by how many passages contain
them. Building the tables costs one pass over the lexicon, so it is done once per index
generation and only when a search first finds nothing (``indexer.service``); a lookup is a dict
probe plus a C scan over the words of similar length.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh.reading import IndexReader

CJK_WORD = re.compile(r"[\u3400-\u9fff]{2,12}")
MAX_CANDIDATES = 5
# Longest edit distance tried, by the length of the word typed (longer words tolerate more).
EDIT_LIMITS = ((6, 2), (3, 1))


@lru_cache(maxsize=20_000)
def _syllable(char: str) -> str:
    from pypinyin import lazy_pinyin  # its phrase tables take ≈ 0.3 s to import: not at web start-up

    return lazy_pinyin(char)[0]


def sound(word: str) -> str:
    """Toneless pinyin of ``word``, character by character (what a pinyin IME user typed)."""
    return " ".join(_syllable(char) for char in word)


class Suggester:
    """Tables of the index's words by sound and by length, with their passage frequencies."""

    def __init__(self, words: Iterable[tuple[str, int]]) -> None:
        self.frequency: dict[str, int] = {
            word: count for word, count in words if CJK_WORD.fullmatch(word)
        }
        self.by_sound: dict[str, list[str]] = defaultdict(list)
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for word in self.frequency:
            self.by_sound[sound(word)].append(word)
            self.by_length[len(word)].append(word)

    @classmethod
    def from_reader(cls, reader: IndexReader, fieldname: str = "text") -> Suggester:
        """The lexicon of ``fieldname`` with each word's document (passage) frequency."""
        return cls(
            (term.decode("utf-8") if isinstance(term, bytes) else term, info.doc_frequency())
            for term, info in reader.iter_field(fieldname)
        )

    def candidates(self, word: str, limit: int = MAX_CANDIDATES) -> list[str]:
        """Words of the index that ``word`` was probably meant to be, best first ([] if none)."""
        if not CJK_WORD.fullmatch(word) or word in self.frequency:
            return []
        ranked: dict[str, tuple[int, int]] = {}
        for other in self.by_sound.get(sound(word), ()):
            ranked[other] = (0, -self.frequency[other])
        limit_distance = next((d for length, d in EDIT_LIMITS if len(word) >= length), 0)
        for length in range(len(word) - limit_distance, len(word) + limit_distance + 1):
            choices = self.by_length.get(length)
            if not choices:
                continue
            for other, distance, _index in process.extract(
                word, choices, scorer=Levenshtein.distance, score_cutoff=limit_distance, limit=limit * 4
            ):
                ranked.setdefault(other, (int(distance), -self.frequency[other]))
        ranked.pop(word, None)
        return sorted(ranked, key=lambda other: (*ranked[other], other))[:limit]
