"""The bench's truth is what the product promises (exact at any scale): every place a plain search covers —
paragraphs, headings, titles — read from the index, and the project judged exact against it.

On the shipped corpus's archive: queries whose matches include titles and headings (the places
the bench once left out, which made an exact answer look wrong), 2-character words and filters.
"""

from __future__ import annotations

from archive.config import ArchiveConfig
from bench import passages
from bench.check import judge
from bench.project import ServiceSystem
from bench.queries import BenchQuery
from bench.truth import truth_for
from indexer.index import place_kinds

QUERIES = (
    BenchQuery("term", "法治建设", ("法治建设",)),
    BenchQuery("term", "信访", ("信访",)),
    BenchQuery("literal", '"年度"', ("年度",)),
    BenchQuery("multi", "普法 宪法", ("普法", "宪法")),
    BenchQuery("filtered", "法治 year:2023", ("法治",), (("year", "2023"),)),
)


def test_the_truth_holds_every_place_a_search_covers(archive_config: ArchiveConfig) -> None:
    records = passages.from_index(archive_config.index_dir)
    kinds = {record.anchor.split("-")[0] for record in records}
    assert kinds == {"p", "s", "report"}  # paragraphs, headings, titles
    assert len({(r.report_id, r.anchor) for r in records}) == len(records)
    titles = [r.report_id for r in records if r.anchor == place_kinds.anchor(place_kinds.TITLE, 0)]
    assert titles and len(titles) == len(set(titles))  # at most one title per report


def test_the_project_is_exact_against_the_truth(archive_config: ArchiveConfig) -> None:
    records = passages.from_index(archive_config.index_dir)
    system = ServiceSystem(archive_config, {(r.report_id, r.anchor): r.pid for r in records})
    places_found = set()
    for query in QUERIES:
        truth = truth_for(records, query)
        verdict = judge(system.search(query), system.matching_ids(query), truth)
        assert verdict.exact, (query.text, verdict)
        places_found |= {r.anchor.split("-")[0] for r in records if r.pid in truth.ids}
    assert places_found == {"p", "s", "report"}  # the queries reach headings and titles too
