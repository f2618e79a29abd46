"""Snippets: the part of a passage around its first match, matches wrapped in ``<mark>``.

A snippet that does not start with its passage opens where a reader can start: after the first
clause break in the lead before the match (``，。；：！？`` and line breaks, as template clauses
are cut, ``indexer.analysis.templates``), else at the first jieba word boundary there, never inside a
word (``…子成员`` of 领导班子成员).

Marks come from the literal matcher's own rule (substring of the folded text), not from jieba
offsets, so every highlighted string is exactly a string the user asked for, wherever
segmentation cut it. Folding is length-preserving, so offsets found in the folded text are
offsets in the display text. Everything that is not a ``<mark>`` tag is passed through
``markupsafe.escape``: neither report text nor the query can inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from archive.normalize import fold_for_match
from indexer.analysis.clauses import CLAUSE_END
from indexer.analysis.tokenizer import segment

SNIPPET_CHARS = 160
LEAD_CHARS = 40
# Where a snippet may open: after a clause break (folded punctuation, as clauses are cut) or a space.
CLAUSE_BREAK = re.compile(rf"\s|{CLAUSE_END.pattern}")
# Characters before the lead segmented with it, so the word the lead opens in is seen whole.
WORD_CONTEXT = 8


def match_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of every occurrence of every word in ``text``, both folded.

    The one highlight rule (snippets, the reader, the comparison): overlapping or touching
    occurrences are merged, so 人民调解员 searched as 人民调解 and 调解员 is one mark.
    """
    folded = fold_for_match(text)
    spans: list[tuple[int, int]] = []
    for word in map(fold_for_match, words):
        if not word:
            continue
        start = folded.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = folded.find(word, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, words: Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """HTML: a window of ``text`` of about ``size`` characters around the first match, marked."""
    spans = match_spans(text, words)
    start = 0
    if len(text) > size and spans:
        start = opening(text, max(0, min(spans[0][0] - LEAD_CHARS, len(text) - size)), spans[0][0])
    end = min(len(text), start + size)
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(str(escape(text[cursor:span_start])))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(str(escape(text[cursor:end])))
    pieces.append("…" if end < len(text) else "")
    return str(Markup("".join(pieces)))


def opening(text: str, start: int, match: int) -> int:
    """Where a snippet meant to start at ``start`` (before the first match at ``match``) opens:
    just after the first clause break in ``text[start:match]``, else at the first word boundary
    there (jieba's precise segmentation of the folded text), else at the match itself."""
    if start == 0:
        return 0
    folded = fold_for_match(text)
    found = CLAUSE_BREAK.search(folded, start, match)
    if found:
        return found.end()
    context = max(0, start - WORD_CONTEXT)
    for _word, word_start, _end in segment(folded[context:match]):
        if context + word_start >= start:
            return context + word_start
    return match
