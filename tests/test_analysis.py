"""The jieba tokenizer: sequential positions, real offsets, domain words kept whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cache import CACHE_DIR_ENV
from archive.normalize import fold_for_match
from indexer.analysis.tokenizer import JiebaTokenizer, make_analyzer, query_words, stop_words, user_words
from tests.support.paths import REPO

TEXT = "坚持和发展新时代“枫桥经验”，培育法律明白人，落实一村一法律顾问和双随机一公开制度。"


def tokens(text: str):
    return [t.copy() for t in make_analyzer()(text, positions=True, chars=True, removestops=False)]


def test_positions_are_sequential_and_offsets_point_into_the_text() -> None:
    toks = tokens(TEXT)
    assert [t.pos for t in toks] == list(range(len(toks)))
    for tok in toks:
        assert fold_for_match(TEXT[tok.startchar:tok.endchar]) == tok.text


def test_domain_terms_are_single_tokens() -> None:
    words = [t.text for t in tokens(TEXT)]
    for term in ("枫桥经验", "法律明白人", "一村一法律顾问", "双随机一公开"):
        assert term in words


@pytest.mark.parametrize("term", [word for word, _ in user_words()])
def test_every_dictionary_term_is_one_token(term: str) -> None:
    assert [t.text for t in tokens(term)] == [term]


def test_punctuation_is_dropped_without_breaking_positions() -> None:
    words = [t.text for t in tokens(TEXT)]
    assert "“" not in words and "，" not in words and "," not in words


def test_stop_words_are_marked_for_ranking_but_keep_their_position() -> None:
    toks = [t.copy() for t in make_analyzer()("坚持和发展", positions=True, removestops=False)]
    assert "和" in stop_words()
    stopped = [t for t in toks if t.text == "和"]
    assert stopped and stopped[0].stopped and stopped[0].pos == 1
    assert "和" not in query_words("坚持和发展")


def test_traditional_text_segments_like_simplified() -> None:
    assert [t.text for t in tokens("矛盾糾紛多元化解")] == [t.text for t in tokens("矛盾纠纷多元化解")]


def test_untokenized_value_is_one_token() -> None:
    toks = [t.copy() for t in JiebaTokenizer()("垫江县", tokenize=False, positions=True, chars=True)]
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in toks] == [("垫江县", 0, 0, 3)]


@pytest.mark.slow  # new Python processes
def test_jieba_is_loaded_from_its_cache_in_a_new_process(tmp_path: Path) -> None:
    # A fresh process each time (in this one jieba is loaded already, so nothing could be
    # measured): the first builds the marshal cache in the folder, the second must read it
    # instead of building and writing it again (jieba replaces the file when it rebuilds).
    env = {**os.environ, CACHE_DIR_ENV: str(tmp_path), "PYTHONPATH": str(REPO)}
    load = [sys.executable, "-c", "from indexer.analysis.tokenizer import ensure_jieba; ensure_jieba()"]
    subprocess.run(load, env=env, cwd=REPO, check=True, timeout=120)
    caches = list(tmp_path.glob("*.cache"))
    assert len(caches) == 1, list(tmp_path.iterdir())
    built = caches[0].stat()
    subprocess.run(load, env=env, cwd=REPO, check=True, timeout=120)
    again = caches[0].stat()
    assert (again.st_ino, again.st_mtime_ns) == (built.st_ino, built.st_mtime_ns)


def test_the_index_its_postings_and_a_query_analyse_alike() -> None:
    """One analysis: the Whoosh analyzer's unstopped tokens, the postings' term counts and a
    query's words are the same words for every line of the shipped corpus."""
    from collections import Counter

    from indexer.analysis.tokenizer import JiebaFrequency, ranking_words
    from tests.support.paths import corpus_files

    analyzer = make_analyzer()
    postings = JiebaFrequency()
    lines = [line for path in corpus_files() for line in path.read_text(encoding="utf-8").splitlines()
             if line]
    assert len(lines) > 400
    for line in lines:
        indexed = [token.text for token in analyzer(line) if not token.stopped]
        assert indexed == query_words(line) == ranking_words(line), line
        counted = {word: count for word, count, _weight, _packed in postings.word_values(line, analyzer)}
        assert counted == dict(Counter(indexed)), line
