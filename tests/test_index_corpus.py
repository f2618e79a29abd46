"""The seed and dev corpora the indexer's small stores are filled from (``tests.support.stores``)."""

from __future__ import annotations

from tests.support.stores import seed_and_dev_files


def test_corpus_is_present() -> None:
    assert len(seed_and_dev_files()) >= 10
