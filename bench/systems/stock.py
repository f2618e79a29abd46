"""The stock baseline: Whoosh with jieba's own ``jieba.analyse.ChineseAnalyzer``.

The schema is the project's otherwise (passages with the same facet fields, sortable), the query
is parsed by Whoosh's stock ``QueryParser`` (AND between words, quotes for phrases, ``field:value``
filters) and the request is answered the stock way: ``search(limit=20, groupedby=facets)``
plus ``highlights()``. Built with one writer process, Whoosh's default.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jieba.analyse import ChineseAnalyzer
from whoosh import index, sorting
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.qparser import QueryParser

from ..passages import FACETS, PassageRecord
from ..queries import BenchQuery
from .base import TOP, Answer

WRITER_MB = 256


def make_schema() -> Schema:
    """Passage text analysed by jieba, facets as sortable IDs (year too, so ``year:2023`` parses)."""
    facets = {name: ID(stored=True, sortable=True) for name in FACETS}
    return Schema(pid=NUMERIC(stored=True, unique=True), report_id=ID(stored=True),
                  body=TEXT(analyzer=ChineseAnalyzer(), stored=True), **facets)


class StockWhoosh:
    """One searcher kept open, as a long-running web worker would."""

    name = "stock"

    def __init__(self, folder: Path) -> None:
        self.index = index.open_dir(str(folder))
        self.searcher = self.index.searcher()
        self.parser = QueryParser("body", self.index.schema)
        self.facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}

    def search(self, query: BenchQuery) -> Answer:
        results = self.searcher.search(self.parser.parse(query.text), limit=TOP, groupedby=self.facets)
        facets = {name: dict(results.groups(name)) for name in FACETS}
        hits = list(results)
        return Answer(len(results), facets, [hit["pid"] for hit in hits],
                      [hit.highlights("body") for hit in hits])

    def matching_ids(self, query: BenchQuery) -> set[int]:
        results = self.searcher.search(self.parser.parse(query.text), limit=None)
        return {hit["pid"] for hit in results}

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


def build(records: list[PassageRecord], workdir: Path) -> StockWhoosh:
    """A fresh index in ``workdir/whoosh`` from the display text of every passage."""
    folder = workdir / "whoosh"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), make_schema())
    writer = ix.writer(limitmb=WRITER_MB)
    for r in records:
        writer.add_document(pid=r.pid, report_id=r.report_id, body=r.text,
                            **{name: r.facet(name) for name in FACETS})
    writer.commit()
    ix.close()
    return StockWhoosh(folder)
