"""Segmentation is jieba's, exactly: ``segment`` (cut and cached clause by clause) gives jieba's
own tokens of every line of the shipped and dev corpora, and so does the on-disk prefix
dictionary (``indexer.analysis.tokenizer.DiskFreq``) a web process segments with instead of loading jieba's
whole dictionary; a fresh process started lazily uses it and segments as a fully loaded one does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from archive.normalize import fold_for_match
from indexer.analysis.tokenizer import (
    SEGMENTER,
    DiskFreq,
    _meaningful,
    ensure_jieba,
    segment,
    user_words,
    write_table,
)
from tests.support.paths import DEV_DIR, REPO, corpus_files


def corpus_lines() -> list[str]:
    """Every non-empty line of the shipped and dev reports, folded as the index folds it."""
    lines = []
    for path in [*corpus_files(), *sorted(DEV_DIR.glob("*.txt"))]:
        text = path.read_text(encoding="utf-8")
        lines += [fold_for_match(line) for line in text.splitlines() if line.strip()]
    return lines


def test_segment_gives_jiebas_own_tokens_of_whole_lines() -> None:
    ensure_jieba()
    for line in corpus_lines():
        expected = [token for token in SEGMENTER.tokenize(line, HMM=False) if _meaningful(token[0])]
        assert list(segment(line)) == expected, line


@pytest.mark.slow  # a new Python process segmenting the corpus
def test_table_segments_like_the_loaded_dictionary(tmp_path: Path) -> None:
    ensure_jieba()
    write_table(tmp_path / "table.sqlite3", SEGMENTER.FREQ, SEGMENTER.total)
    from_table = jieba.Tokenizer()
    from_table.FREQ = DiskFreq(tmp_path / "table.sqlite3")
    from_table.total, from_table.initialized = from_table.FREQ.total, True
    lines = corpus_lines()
    assert sum(map(len, lines)) > 40_000
    assert from_table.total == SEGMENTER.total
    for line in lines:
        assert list(from_table.tokenize(line, HMM=False)) == list(SEGMENTER.tokenize(line, HMM=False)), line
    # the HMM mode sees the same dictionary too
    for line in lines[::20]:
        assert list(from_table.tokenize(line)) == list(SEGMENTER.tokenize(line)), line


def test_the_archives_words_stay_out_of_jiebas_shared_segmenter() -> None:
    """Place names are judged with jieba's plain dictionary (``archive.describing.wording``), the same in a
    process that indexed as in one that did not: loading the domain words changes only the
    archive's own segmenter."""
    ensure_jieba()
    jieba.dt.initialize()  # the shared segmenter, loaded as any caller of jieba.tokenize loads it
    domain = [word for word, freq in user_words() if freq and word not in jieba.dt.FREQ]
    assert len(domain) > 10 and all(word in SEGMENTER.FREQ for word in domain)


SEGMENT = """
import json, sys, jieba
from indexer.analysis.tokenizer import ensure_jieba, segment
ensure_jieba(lazy=True)
from indexer.analysis.tokenizer import SEGMENTER
print(json.dumps({"table": type(SEGMENTER.FREQ).__name__,
                  "words": [segment(line) for line in json.loads(sys.stdin.read())]}))
"""


def run_lazily(cache: Path, lines: list[str]) -> dict:
    """A fresh process that loads jieba lazily and segments ``lines``."""
    env = {**os.environ, "ARCHIVE_JIEBA_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", SEGMENT], input=json.dumps(lines), capture_output=True,
                          text=True, cwd=REPO, env=env, check=True)
    return json.loads(done.stdout)


@pytest.mark.slow  # new Python processes
def test_a_lazy_process_reads_the_table_written_by_the_first_full_load(tmp_path: Path) -> None:
    lines = corpus_lines()[:400]
    first = run_lazily(tmp_path, lines)  # no table yet: loads the whole dictionary and writes it
    assert first["table"] == "dict" and list(tmp_path.glob("prefix-dict-*.sqlite3"))
    second = run_lazily(tmp_path, lines)
    assert second["table"] == "DiskFreq"
    assert second["words"] == first["words"]
