"""Every list of report fields agrees with the registry (``archive.fields``).

Each check reads the real structure that must hold the field (the store's table, the Whoosh
schema, the literal table, the query parser, the URL parameters, the CSV header, the OpenAPI
schemas), so a field added to the registry but missing from one of them fails here by name.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from archive import fields
from archive.describing.sidecar import load_overrides
from archive.errors import UnreadableFile
from archive.fields import EXPORT, FACET, FIELDS, GROUP, INDEXED, JSON, REVIEW, SIDECAR, columns, having
from archive.store.db import Report
from tests.support.archives import sessions_of
from tests.support.paths import SEEDS_DIR


def test_registry_names_are_unique_and_places_have_levels() -> None:
    assert len({f.column for f in FIELDS}) == len({f.name for f in FIELDS}) == len(FIELDS)
    aliases = [alias for f in FIELDS for alias in (f.name, *f.aliases) if f.has(FACET)]
    assert len(aliases) == len(set(aliases))
    assert fields.PLACE_COLUMNS == ("province", "city", "county", "township")
    for sort in fields.SORTS:
        assert {column for column, _desc in fields.sort_columns(sort)} == {"year", *fields.PLACE_COLUMNS}


def test_every_stored_field_is_a_store_column() -> None:
    stored = {column.key for column in inspect(Report).columns}
    for role in (SIDECAR, REVIEW, JSON):
        missing = set(columns(role)) - stored
        assert not missing, f"{role} fields without a column in the reports table: {missing}"


def test_index_schema_and_facets_hold_every_facet_field() -> None:
    from indexer.index.literal import SCHEMA
    from indexer.index.schema import FACET_FIELDS, make_schema
    from indexer.results.facets import facet_counts  # noqa: F401  (the module derives its lists at import)

    schema = make_schema()
    literal = sqlite3.connect(":memory:")
    literal.executescript(SCHEMA)
    passage_table = {row[1] for row in literal.execute("PRAGMA table_info(passages)")}
    report_table = {row[1] for row in literal.execute("PRAGMA table_info(reports)")}
    assert columns(FACET) == FACET_FIELDS
    for name in columns(FACET):
        assert name in schema.names() and schema[name].column_type is not None, name
        assert name in passage_table, f"the literal table lacks facet column {name}"
    assert set(columns(INDEXED)) <= report_table, "the literal report table lacks an indexed field"


def test_query_language_reads_every_name_and_alias() -> None:
    from indexer.analysis.query import parse
    from indexer.analysis.query_lexer import FIELD_SPECS

    assert tuple(FIELD_SPECS) == having(FACET)
    for spec in having(FACET):
        for written in (spec.name, *spec.aliases):
            parsed = parse(f"{written}:{spec.example}")
            assert set(parsed.filters) | ({"year"} if parsed.year_range else set()) == {spec.column}, written


def test_url_parameters_and_labels_cover_every_facet() -> None:
    from web.params import FACET_LABELS, FILTER_PARAMS

    for spec in having(FACET):
        assert FILTER_PARAMS[spec.name] == spec.column
        assert FACET_LABELS[spec.column] == spec.label


def test_one_sort_vocabulary_and_one_query_limit() -> None:
    from indexer import service
    from web import params

    assert service.SORTS is params.SORTS is fields.SORTS
    assert params.MAX_QUERY_CHARS == fields.MAX_QUERY_CHARS
    from indexer.analysis import query
    assert query.MAX_QUERY_CHARS == fields.MAX_QUERY_CHARS


@pytest.mark.parametrize("spec", having(SIDECAR), ids=lambda spec: spec.column)
def test_a_sidecar_may_set_every_sidecar_field(tmp_path: Path, spec: fields.Field) -> None:
    seed = sorted(SEEDS_DIR.glob("*.txt"))[0]
    report = tmp_path / seed.name
    report.write_bytes(seed.read_bytes())
    value = {"year": "2023", "date": "2023-12-01"}.get(spec.kind) or spec.example or "某值"
    (tmp_path / f"{report.name}.meta.json").write_text(json.dumps({spec.column: value}), encoding="utf-8")
    assert load_overrides(report) == {spec.column: value}


def test_a_sidecar_field_outside_the_registry_is_refused(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("正文", encoding="utf-8")
    (tmp_path / "r.txt.meta.json").write_text(json.dumps({"village": "某村"}), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="village"):
        load_overrides(report)


def test_csv_and_api_schemas_carry_the_export_and_json_fields() -> None:
    from web.export import CSV_COLUMNS, HIT_FIELDS
    from web.schemas import report, search

    for name in columns(EXPORT):
        assert name in CSV_COLUMNS and name in HIT_FIELDS, name
        assert name in search.HitRowSchema().fields, name
    for name in columns(JSON):
        assert name in report.ReportMetadataSchema().fields, name
    for name in columns(GROUP):
        assert name in search.GroupSchema().fields, name
    assert set(search.FacetsSchema().fields) == set(columns(FACET))


def test_report_json_holds_every_json_field(archive_config) -> None:
    from archive.store.db import all_reports

    with sessions_of(archive_config)() as session:
        keys = set(all_reports(session)[0].metadata_dict())
    assert set(columns(JSON)) <= keys, set(columns(JSON)) - keys


def test_review_and_the_readers_metadata_table_follow_the_registry() -> None:
    from archive.store.corrections import REVIEWED_FIELDS

    assert set(REVIEWED_FIELDS) == set(columns(REVIEW))


@pytest.mark.parametrize("sort", ["year", "place"])
def test_every_listing_orders_reports_by_the_registrys_sort(archive_config, client_for, sort: str) -> None:
    """Browse, the export and the compare select list reports in one order: the registry's."""
    client = client_for(archive_config, SEARCH_PER_PAGE=100)
    listed = client.get("/api/search", query_string={"sort": sort}).get_json()["groups"]
    assert len(listed) > 20

    def key(group: dict) -> tuple:
        return tuple(-(group[c] or 0) if c == "year" else group[c] for c, _desc in fields.sort_columns(sort))

    assert [key(g) for g in listed] == sorted(key(g) for g in listed)
    exported = client.get("/api/search", query_string={"sort": sort, "all": "1"}).get_json()["hits"]
    assert [row["report_id"] for row in exported] == [g["report_id"] for g in listed]


def test_place_name_writes_a_municipality_once() -> None:
    chongqing = {"province": "重庆市", "city": "重庆市", "county": "垫江县", "township": "坪山镇"}
    assert fields.place_name(chongqing) == "重庆市垫江县坪山镇"
    assert fields.place_name(chongqing, fields.COUNTY_LEVEL) == "垫江县坪山镇"
    assert fields.place_name({"province": "", "city": "", "county": "", "township": ""}) == ""
