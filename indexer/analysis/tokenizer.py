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
  needs (recall never depends on it, see ``indexer.index.literal``);
* drops tokens that are only punctuation or spaces (they carry no meaning for BM25F) and marks
  stop words ``stopped`` in place without renumbering, so positions stay true.

jieba's dictionary is loaded once per process from a marshal cache in a fixed folder that
gunicorn workers share, or, in a web process, not loaded at all: its words are looked up on
demand in an SQLite copy of the loaded dictionary (``DiskFreq``). The domain user dictionary
and the stop words are data files under ``data/dictionary`` so editors can extend them without
code changes. The decisions: docs/decisions.md; the measurements behind them: bench/LOG.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer
from whoosh.analysis.analyzers import Analyzer
from whoosh.analysis.filters import StopFilter
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from archive.cache import cache_dir
from archive.normalize import fold_for_match

DICTIONARY_DIR = Path(__file__).resolve().parents[2] / "data" / "dictionary"
USER_DICT = DICTIONARY_DIR / "user_dict.txt"
STOP_WORDS = DICTIONARY_DIR / "stop_words.txt"

# Lookups a lazily loaded process keeps in memory (prefixes and misses included).
LOOKUP_MEMO = 500_000
# Segmented texts a process keeps: query strings repeat; an index build's passages seldom do.
TEXT_MEMO = 20_000
# Segmented blocks (clauses) a process keeps: enough for the distinct clauses of a large build.
BLOCK_MEMO = 200_000
# jieba dictionary frequency from which a word is common in general Chinese (``rare_word``).
COMMON_WORD = 1000
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
# jieba's part-of-speech tags of verbs (v vn vd vi vg), adjectives (a ad an ag), adverbs (d dg),
# prepositions (p) and conjunctions (c).
_PREDICATE_TAGS = frozenset({"v", "vn", "vd", "vi", "vg", "a", "ad", "an", "ag", "d", "dg", "p", "c"})
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")

_init_lock = threading.Lock()
# The archive's own segmenter (``ensure_jieba``): jieba's dictionary plus the domain words.
SEGMENTER = jieba.Tokenizer()
_loaded = ""  # "" (nothing yet), "table" (``DiskFreq``) or "full" (jieba's whole dictionary)


def table_path() -> Path:
    """The on-disk prefix dictionary of this jieba version, dictionary file and user dictionary."""
    dictionary = Path(jieba.__file__).with_name("dict.txt").stat()
    key = repr((jieba.__version__, dictionary.st_size, dictionary.st_mtime_ns, user_words()))
    return cache_dir() / f"prefix-dict-{hashlib.sha256(key.encode()).hexdigest()[:16]}.sqlite3"


class DiskFreq:
    """jieba's prefix dictionary (word or word prefix → frequency, 0 for a prefix that is no word)
    answered from an SQLite table on demand, as far as jieba's ``Tokenizer`` uses its ``FREQ``
    (``in``, ``[]``, ``get``).

    Why: unmarshalling the whole dictionary (≈ 500 k entries) was most of a web process's start-up
    (launch → first answer must take ≤ 1.5 s), while the process only ever segments queries and
    the odd updated report: a few hundred lookups, each a B-tree probe in C. The table holds the
    dictionary after the domain words were added, so every lookup answers what the loaded
    dictionary answers and segmentation is identical (``tests/test_analysis_table.py``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self.total = int(self._query("SELECT total FROM meta")[0])
        self._lookup = lru_cache(maxsize=LOOKUP_MEMO)(self._frequency)

    def _query(self, sql: str, *args: object) -> tuple | None:
        with self._lock:
            if self._pid != os.getpid():  # a connection must not cross a fork
                self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                self._pid = os.getpid()
            assert self._conn is not None
            return self._conn.execute(sql, args).fetchone()

    def _frequency(self, word: str) -> int | None:
        row = self._query("SELECT freq FROM freq WHERE word = ?", word)
        return None if row is None else row[0]

    def __contains__(self, word: str) -> bool:
        return self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self._lookup(word)
        if value is None:
            raise KeyError(word)
        return value

    def get(self, word: str, default: int | None = None) -> int | None:
        value = self._lookup(word)
        return default if value is None else value


def write_table(path: Path, freq: dict[str, int], total: int) -> None:
    """Write a loaded prefix dictionary as the table ``DiskFreq`` reads, atomically."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    with closing(sqlite3.connect(temporary)) as conn:
        conn.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
        conn.execute("CREATE TABLE meta (total INTEGER NOT NULL)")
        conn.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
        conn.execute("INSERT INTO meta VALUES (?)", (total,))
        conn.commit()
    os.replace(temporary, path)


def ensure_jieba(lazy: bool = False) -> None:
    """Load jieba's dictionary and the domain user dictionary into the archive's own segmenter
    (``SEGMENTER``), once per process.

    ``lazy``: any dictionary will do, and if none is loaded yet, look words up in the table of
    ``DiskFreq`` (written by the first full load) instead of loading the whole dictionary: what a
    web process wants. Otherwise (bulk segmentation: index builds) the whole dictionary, from
    jieba's marshal cache, which then also writes the table if it is missing.

    The archive's segmenter is a ``jieba.Tokenizer`` of its own, never jieba's global one: the
    domain words it adds must not change how other code segments (``archive.describing.wording`` judges
    place names with jieba's plain dictionary, the same in every process, whether or not that
    process also indexed).
    """
    global _loaded
    if _loaded == "full" or (lazy and _loaded):
        return
    with _init_lock:
        if _loaded == "full" or (lazy and _loaded):
            return
        jieba.setLogLevel(logging.WARNING)
        table = table_path()
        if lazy and table.exists():
            freq = DiskFreq(table)
            SEGMENTER.FREQ, SEGMENTER.total, SEGMENTER.initialized = freq, freq.total, True
            _loaded = "table"
            return
        SEGMENTER.tmp_dir = str(cache_dir())
        if _loaded == "table":
            SEGMENTER.initialized = False  # the whole dictionary replaces the table
        SEGMENTER.initialize()
        for word, freq in user_words():
            _add_word(word, freq)
        if not table.exists():
            write_table(table, SEGMENTER.FREQ, SEGMENTER.total)
        _loaded = "full"


def _add_word(word: str, freq: int) -> None:
    """``jieba.Tokenizer.add_word`` without its one global side effect (a frequency-0 word made
    a forced split of jieba's shared HMM, which segmentation without the HMM never uses)."""
    SEGMENTER.FREQ[word] = freq
    SEGMENTER.total += freq
    for end in range(1, len(word)):
        SEGMENTER.FREQ.setdefault(word[:end], 0)


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


@lru_cache(maxsize=TEXT_MEMO)
def segment(folded: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) of the meaningful words of an already folded text, in order.

    Cached because the ranked query path segments the same short query strings again and again.
    Segmented block by block: jieba itself cuts a text into runs of CJK characters, letters and
    digits (``jieba.re_han_default``) and the runs between them, and segments each on its own,
    so the words of the text are the words of its blocks, in order. A block is a clause between
    two punctuation marks, and clauses repeat across reports far more often than whole
    paragraphs do (boilerplate, ``indexer.analysis.templates``), so their cache saves most of the work of
    an index build.
    """
    ensure_jieba(lazy=True)
    words: list[tuple[str, int, int]] = []
    offset = 0
    for block in jieba.re_han_default.split(folded):
        words.extend((word, offset + start, offset + end) for word, start, end in _block_words(block))
        offset += len(block)
    return tuple(words)


@lru_cache(maxsize=BLOCK_MEMO)
def _block_words(block: str) -> tuple[tuple[str, int, int], ...]:
    """``segment`` of one block of jieba's (offsets within the block)."""
    return tuple(
        (word, start, end)
        for word, start, end in SEGMENTER.tokenize(block, mode="default", HMM=False)
        if _meaningful(word)
    )


def word_frequency(word: str) -> int:
    """How common ``word`` is in jieba's dictionary of general Chinese (0: not a word of it)."""
    ensure_jieba(lazy=True)
    return SEGMENTER.FREQ.get(word) or 0


def ranking_words(text: str) -> list[str]:
    """The words a text is ranked by, in order: folded (``archive.normalize.fold_for_match``),
    segmented (``segment``), stop words left out. The one analysis every ranked use shares —
    the index's analyzer (``make_analyzer``, the Whoosh form of it), its postings
    (``JiebaFrequency``) and a query (``query_words``); tests/test_analysis.py checks they agree."""
    stops = stop_words()
    return [word for word, _s, _e in segment(fold_for_match(text)) if word not in stops]


def rare_word(word: str) -> bool:
    """Whether ``word`` is rare in general Chinese (below ``COMMON_WORD``, or no word at all): what
    a proper name is made of (大观, 和为贵, 王德明), not the words around it."""
    return word_frequency(word) < COMMON_WORD


@lru_cache(maxsize=1)
def rare_predicates() -> frozenset[str]:
    """The rare words of 1–3 characters jieba's dictionary tags as verbs, adjectives, adverbs,
    prepositions or conjunctions (督促, 下沉, 涣散, 薄弱): rare, yet no proper name.

    Read from jieba's dictionary file once per process, on first use (≈ 48,000 words, ≈ 7 MB,
    under a second): only a sentence with a candidate place name asks, and jieba's own tagger
    would load every word's tag (≈ 70 MB)."""
    found: set[str] = set()
    with Path(jieba.__file__).with_name("dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, freq, tag = line.split()
            if len(word) <= 3 and int(freq) < COMMON_WORD and tag in _PREDICATE_TAGS:
                found.add(fold_for_match(word))
    return frozenset(found)


def clause_words(folded: str, position: int) -> tuple[int, tuple[tuple[str, int, int], ...]]:
    """Where the clause (run of Chinese characters) holding ``folded[position]`` begins, and its
    words (``segment``, offsets within the clause): the words beside a title or a place word are
    those of its clause, cut as the index cuts them (the clause is a block of its cache)."""
    start = position
    while start > 0 and _HAN_CHAR.match(folded[start - 1]):
        start -= 1
    clause = _HAN_RUN.match(folded, start)
    return start, segment(clause.group(0)) if clause else ()


def query_words(text: str) -> list[str]:
    """The ranking words of a query string (``ranking_words``)."""
    return ranking_words(text)


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
        counts = Counter(ranking_words(value))
        boost = self.field_boost
        return ((word, count, count * boost, pack_uint(count)) for word, count in counts.items())
