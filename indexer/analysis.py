"""Word segmentation for ranking: a Whoosh tokenizer over jieba, with true positions and offsets.

Why not jieba's own ``ChineseAnalyzer``: it runs jieba's *search* mode, which emits overlapping
words (法律 / 明白 / 法律明白人) and gives each token its *character* offset as its position, so
phrase queries find nothing and overlapping sub-words make unrelated passages match.

This tokenizer instead:

* segments in jieba's **precise** mode (no overlaps), so token ``n`` really is the n-th word and
  ``pos`` is sequential (phrase and proximity scoring work), while ``startchar``/``endchar`` are
  real character offsets into the passage (highlighting can use them);
* segments the text after ``fold_for_match``. Folding is length-preserving, so offsets still point
  into the display text, and a query typed in traditional characters or full-width forms is
  segmented exactly like the stored simplified text;
* runs with **HMM off**: the HMM can cut the same place name differently depending on its
  neighbours; dictionary-only segmentation is deterministic per string, which is what ranking
  needs (recall never depends on it, see ``indexer.literal``);
* drops tokens that are only punctuation or spaces (they carry no meaning for BM25F) and marks
  stop words ``stopped`` in place without renumbering, so positions stay true.

jieba's dictionary is loaded once per process from a marshal cache in a fixed folder that
gunicorn workers share. The domain user dictionary and the stop words are data files under
``data/dictionary`` so editors can extend them without code changes. Measurements behind these
choices: docs/decisions.md.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer
from whoosh.analysis.analyzers import Analyzer
from whoosh.analysis.filters import StopFilter
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from archive.normalize import fold_for_match

DICTIONARY_DIR = Path(__file__).resolve().parents[1] / "data" / "dictionary"
USER_DICT = DICTIONARY_DIR / "user_dict.txt"
STOP_WORDS = DICTIONARY_DIR / "stop_words.txt"
CACHE_DIR_ENV = "ARCHIVE_JIEBA_CACHE_DIR"

_init_lock = threading.Lock()
_initialised = False


def _cache_dir() -> Path:
    """Where jieba's marshal cache lives: ``$ARCHIVE_JIEBA_CACHE_DIR`` or a fixed tmp folder."""
    folder = Path(os.environ.get(CACHE_DIR_ENV) or Path(tempfile.gettempdir()) / "fazhi-archive-jieba")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ensure_jieba() -> None:
    """Load jieba's dictionary (from the cache) and the domain user dictionary, once per process."""
    global _initialised
    if _initialised:
        return
    with _init_lock:
        if _initialised:
            return
        jieba.setLogLevel(logging.WARNING)
        jieba.dt.tmp_dir = str(_cache_dir())
        jieba.initialize()
        for word, freq in user_words():
            jieba.add_word(word, freq=freq)
        _initialised = True


@lru_cache(maxsize=1)
def user_words() -> tuple[tuple[str, int], ...]:
    """(word, frequency) pairs of the domain dictionary, folded like the text they must match."""
    words: list[tuple[str, int]] = []
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1000
        words.append((fold_for_match(parts[0]), freq))
    return tuple(words)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Words ignored for ranking (never for matching: literal matching has no stop words)."""
    lines = STOP_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(fold_for_match(line.strip()) for line in lines if line.strip())


def _meaningful(word: str) -> bool:
    """A token worth indexing: it has at least one letter, digit or CJK character."""
    return word.isalnum() or any(char.isalnum() for char in word)  # most words: the C test alone


@lru_cache(maxsize=200_000)
def segment(folded: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) of the meaningful words of an already folded text, in order.

    Cached because real archives repeat boilerplate paragraphs across reports and the
    ranked query path segments the same short query strings again and again.
    """
    ensure_jieba()
    return tuple(
        (word, start, end)
        for word, start, end in jieba.tokenize(folded, mode="default", HMM=False)
        if _meaningful(word)
    )


def query_words(text: str) -> list[str]:
    """The ranking words of a query string: segmented like the index, stop words removed."""
    stops = stop_words()
    return [word for word, _s, _e in segment(fold_for_match(text)) if word not in stops]


class JiebaTokenizer(Tokenizer):
    """Precise-mode jieba tokens with sequential positions and real character offsets."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for index, (word, start, end) in enumerate(segment(fold_for_match(value))):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + index
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def make_analyzer() -> Analyzer:
    """The analyzer of the ranked ``text`` field: jieba tokens, stop words kept in place."""
    return JiebaTokenizer() | StopFilter(stoplist=stop_words(), minsize=1, renumber=False)


class JiebaFrequency(Frequency):
    """Postings format of the ranked field: term frequencies counted straight from ``segment``.

    The same terms and counts as ``make_analyzer`` gives (meaningful words, stop words out),
    without a Whoosh ``Token`` passing through two generators for every word: indexing is
    per-token Python, and that pipeline was about a third of a writer process's time.
    The analyzer stays the field's analyzer for anything that asks for tokens.
    """

    def word_values(
        self, value: str, analyzer: Analyzer, **kwargs
    ) -> Iterator[tuple[str, int, float, bytes]]:
        stops = stop_words()
        counts = Counter(word for word, _start, _end in segment(fold_for_match(value)) if word not in stops)
        boost = self.field_boost
        return ((word, count, count * boost, pack_uint(count)) for word, count in counts.items())
