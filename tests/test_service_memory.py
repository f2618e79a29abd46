"""What a search process keeps in memory of the index (a worker's memory stays ≤ 400 MB at
50,000 reports).

Whoosh's memory-mapped compound segments wrap each segment file in an ``io.BytesIO``, which
copies the mapped bytes into the heap: every worker held its own copy of the postings (≈ 280 MB
at 50,000 reports). Every process opens the index through files instead
(``indexer.index.generation.open_whoosh``).
"""

from __future__ import annotations

import tracemalloc

from archive.config import ArchiveConfig
from indexer.index.generation import WHOOSH_DIR, current_generation
from indexer.service import SearchService


def test_a_search_service_keeps_no_copy_of_the_index_files(archive_config: ArchiveConfig) -> None:
    generation = current_generation(archive_config.index_dir)
    assert generation is not None
    on_disk = sum(path.stat().st_size for path in (generation / WHOOSH_DIR).iterdir())
    tracemalloc.start()
    try:
        service = SearchService(archive_config)
        service.warm()
        result = service.search("法治政府")
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert result.total > 0  # the postings were read
    whoosh_heap = snapshot.filter_traces([tracemalloc.Filter(True, "*/whoosh/*")])
    held = sum(stat.size for stat in whoosh_heap.statistics("filename"))
    assert held < on_disk / 10, f"{held:,} bytes of Whoosh objects for {on_disk:,} bytes of index files"
