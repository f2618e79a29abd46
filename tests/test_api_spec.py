"""The OpenAPI document (``/api/openapi.json``, ``web.api_spec``) against the real responses.

Why both parts: schemathesis's property-based run sends generated requests to every documented
operation (any query text, filters, page numbers, ids, export bodies) and checks that nothing
is a 500 and that every answer, errors included, has a documented status, content type and
body; but generated ids never name a real report, so the second part sends real requests over
the shipped corpus (every report, a search of each kind, a comparison, a citation, each export
format, and the 400/404 of each endpoint) and validates those responses the same way. The last
tests show the check has teeth: a response that drifts from the document (a renamed field, a
year as text) fails it.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from archive.citation.reference_list import FORMATS
from archive.config import ArchiveConfig
from archive.fields import MAX_QUERY_CHARS
from archive.store.changes import make_session_factory
from archive.store.db import Report, make_engine

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HEADING_PHRASE = "加强执法队伍和综合能力建设"  # only in a heading of seed 000: headings are searched too
MISSPELT = "枫桥精验"  # finds nothing; "did you mean 枫桥经验"


@pytest.fixture(scope="module")
def app(archive_config: ArchiveConfig, app_for) -> Flask:
    return app_for(archive_config, TODAY=date(2025, 3, 8))


@pytest.fixture(scope="module")
def api_schema(app: Flask):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture(scope="module")
def report_ids(archive_config: ArchiveConfig) -> list[str]:
    engine = make_engine(archive_config.database_url)
    try:
        with make_session_factory(engine)() as session:
            return sorted(session.scalars(Report.__table__.select().with_only_columns(Report.id)))
    finally:
        engine.dispose()


def call(api_schema, method: str, path: str, expected: int, **case: object):
    """One real request through schemathesis: documented status, content type and body, or fail."""
    response = api_schema[path][method].Case(**case).call_and_validate(checks=CHECKS)
    assert response.status_code == expected, (path, case, response.text[:300])
    return response


# --- the document itself --------------------------------------------------------------------------

def test_document_is_openapi_and_covers_every_api_route(app: Flask, api_schema) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    routes = {(rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}"), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes <= documented, f"undocumented API routes: {sorted(routes - documented)}"
    assert ("/healthz", "GET") in documented and ("/search.csv", "GET") in documented
    names = set(spec["components"]["schemas"])
    assert {"Report", "SearchResult", "AllHits", "Compare", "Citation", "Error"} <= names
    # One vocabulary: no schema names a report "id" or a paragraph "passage_id".
    for name, schema in spec["components"]["schemas"].items():
        assert not {"id", "passage_id", "ids"} & set(schema.get("properties", {})), name


def test_footer_links_the_api_description(app: Flask) -> None:
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/api/openapi.json"' in page


# --- property-based: generated requests to every operation ---------------------------------------

GENERATED_EXAMPLES = 20  # per operation and mode: ≈ 400 requests, a few seconds on two cores


def _negatable(operation) -> bool:
    """Whether invalid input can be sent at all: a query, a body or a typed path parameter.

    A free-text path segment (``report_id``) has no invalid value that survives being put in a
    URL, and ``/healthz`` takes no input, so only valid input is generated for those.
    """
    return len(operation.body) > 0 or any(
        parameter.location != "path" or parameter.definition.get("schema", {}).get("type") == "integer"
        for parameter in operation.iter_parameters())


@pytest.mark.slow  # a property-based run over every operation
def test_generated_requests_answer_as_documented(api_schema) -> None:
    """Valid and invalid generated input for every operation: never a 500, always documented.

    Driven per operation through ``as_strategy`` rather than ``schemathesis.pytest.from_fixture``
    (whose lazy loader reads a pytest node attribute that pytest 9 no longer has).
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    documented = {f"{method.upper()} {path}" for path, item in api_schema.raw_schema["paths"].items()
                  for method in item}
    # schemathesis leaves out the document's own URL; the real-request tests below fetch it.
    assert {operation.label for operation in operations} == documented - {"GET /api/openapi.json"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[:2 if _negatable(operation) else 1]:
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=GENERATED_EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case) -> None:
                case.call_and_validate(checks=CHECKS)

            try:
                run()
            except Exception as failure:
                failure.add_note(f"operation: {operation.label}, {mode.value} input")
                raise


# --- real requests over the shipped corpus --------------------------------------------------------

def test_every_report_matches_the_document(api_schema, report_ids: list[str]) -> None:
    assert len(report_ids) >= 40
    for report_id in report_ids:
        data = call(api_schema, "GET", "/api/reports/{report_id}", 200,
                    path_parameters={"report_id": report_id}).json()
        assert data["report_id"] == report_id
    call(api_schema, "GET", "/api/reports/{report_id}", 404, path_parameters={"report_id": "000000000000"})


@pytest.mark.parametrize(("query", "mode"), [
    ({}, "browse"),
    ({"sort": "place", "page": 2}, "browse"),
    ({"year": "2024"}, "list"),
    ({"q": "year:年份不详"}, "list"),
    ({"q": "枫桥经验"}, "search"),
    ({"q": "矛盾纠纷 county:潢川", "sort": "year"}, "search"),
    ({"q": HEADING_PHRASE}, "search"),
    ({"q": MISSPELT}, "search"),
])
def test_search_pages_match_the_document(api_schema, query: dict, mode: str) -> None:
    data = call(api_schema, "GET", "/api/search", 200, query=query).json()
    assert data["mode"] == mode
    assert all(isinstance(entry[0], int) or entry[0] == "年份不详" for entry in data["facets"]["year"])
    hits = [hit for group in data["groups"] for hit in group["hits"]]
    if query.get("q") == HEADING_PHRASE:
        assert hits and all(hit["seq"] is None and hit["place"] == "heading" for hit in hits)
    if query.get("q") == MISSPELT:
        assert data["suggestions"] and data["suggestions"][0]["query"] == "枫桥经验"
    if query.get("q") == "枫桥经验":
        assert all(hit["anchor"] == f"p-{hit['seq']}" for hit in hits if hit["place"] == "passage")


@pytest.mark.parametrize("query", [{"q": "枫桥经验", "all": "1"}, {"q": HEADING_PHRASE, "all": "1"},
                                   {"year": "2024", "all": "1"}])
def test_all_hits_match_the_document(api_schema, query: dict) -> None:
    data = call(api_schema, "GET", "/api/search", 200, query=query).json()
    assert data["hits"] and data["total"] == len(data["hits"])


@pytest.mark.parametrize("query", [{"q": "("}, {"q": '"枫桥'}, {"page": "abc"}, {"page": "0"},
                                   {"year": "abcd"}, {"sort": "random"}, {"q": "county:"}])
def test_bad_searches_are_documented_400s(api_schema, query: dict) -> None:
    call(api_schema, "GET", "/api/search", 400, query=query)
    call(api_schema, "GET", "/search.csv", 400, query=query)


PASTED = ("坚持和发展新时代枫桥经验，完善矛盾纠纷多元化解机制。深入开展法治宣传教育，"
          "推进法治乡村建设。加强行政执法监督，规范行政执法行为。")


def test_posted_searches_match_the_document(api_schema) -> None:
    """POST /api/search (JSON and form) for long text, a pasted passage, several values per
    filter; over the length limit a documented 400."""
    data = call(api_schema, "POST", "/api/search", 200, body={"q": PASTED, "year": ["2023", "2024"]},
                media_type="application/json").json()
    assert data["mode"] == "passage" and data["clauses"] and data["filters"] == {"year": ["2023", "2024"]}
    assert data["groups"] and all(group["shared"] >= 1 for group in data["groups"])
    listed = call(api_schema, "POST", "/api/search", 200, body={"q": PASTED, "all": "1"},
                  media_type="application/x-www-form-urlencoded").json()
    assert listed["total"] >= data["total"]
    call(api_schema, "POST", "/api/search", 400, body={"q": "法" * (MAX_QUERY_CHARS + 1)},
         media_type="application/json")
    csv = call(api_schema, "POST", "/search.csv", 200, body={"q": PASTED},
               media_type="application/x-www-form-urlencoded").text
    assert len(csv.strip().splitlines()) - 1 == listed["total"]


def test_several_values_and_choices_match_the_document(api_schema) -> None:
    data = call(api_schema, "GET", "/api/search", 200, query={"q": "信访", "year": ["2023", "2024"]}).json()
    assert set(data["choices"]) == {"year"} and data["groups"] and data["mode"] == "search"
    assert all(group["shared"] is None for group in data["groups"])


def test_csv_export_matches_the_document(api_schema) -> None:
    csv = call(api_schema, "GET", "/search.csv", 200, query={"q": "枫桥经验"}).text
    assert csv.startswith("\ufeffreport_id,") and ",seq," in csv.splitlines()[0]


def test_compare_matches_the_document(api_schema, report_ids: list[str]) -> None:
    for chosen in (report_ids[:2], report_ids[-4:]):
        data = call(api_schema, "GET", "/api/compare", 200, query={"ids": ",".join(chosen)}).json()
        assert data["report_ids"] == chosen
    call(api_schema, "GET", "/api/compare", 400, query={"ids": report_ids[0]})
    call(api_schema, "GET", "/api/compare", 400, query={"ids": ",".join(report_ids[:5])})
    call(api_schema, "GET", "/api/compare", 404, query={"ids": f"{report_ids[0]},000000000000"})


def test_citations_match_the_document(api_schema, report_ids: list[str]) -> None:
    report_id = report_ids[0]
    path = "/api/reports/{report_id}/passages/{seq}/cite"
    cited = call(api_schema, "GET", path, 200, path_parameters={"report_id": report_id, "seq": 1}).json()
    assert (cited["report_id"], cited["seq"]) == (report_id, 1)
    call(api_schema, "GET", path, 404, path_parameters={"report_id": report_id, "seq": 9999})
    call(api_schema, "GET", path, 404, path_parameters={"report_id": "000000000000", "seq": 1})
    for report, status in ((report_id, 200), ("000000000000", 404)):
        call(api_schema, "GET", "/api/reports/{report_id}/csl", status, path_parameters={"report_id": report})
    items = [{"report_id": report_id, "seq": 1}, {"report_id": report_ids[1], "seq": 2}]
    for fmt in FORMATS:
        call(api_schema, "POST", "/api/citations/export", 200, body={"items": items, "format": fmt},
             media_type="application/json")
    call(api_schema, "POST", "/api/citations/export", 400, body={"items": []}, media_type="application/json")
    call(api_schema, "POST", "/api/citations/export", 404, media_type="application/json",
         body={"items": [{"report_id": "000000000000", "seq": 1}]})


def test_about_matches_the_document(api_schema) -> None:
    data = call(api_schema, "GET", "/api/about", 200).json()
    assert data["reports"] >= 40 and data["by_province_year"] and data["doc_types"]


def test_compare_shared_clauses_match_the_document(api_schema) -> None:
    found = call(api_schema, "GET", "/api/search", 200, query={"q": "枫桥经验"}).json()
    ids = [group["report_id"] for group in found["groups"][:3]]
    data = call(api_schema, "GET", "/api/compare", 200, query={"ids": ",".join(ids)}).json()
    shared = [clause for row in data["rows"] for cell in row["cells"] for p in cell for clause in p["shared"]]
    assert shared and all(set(clause["report_ids"]) <= set(ids) for clause in shared)


def test_health_and_the_document_itself(api_schema) -> None:
    assert call(api_schema, "GET", "/healthz", 200).json()["ok"] is True
    assert call(api_schema, "GET", "/api/openapi.json", 200).json()["paths"]


# --- drift fails ----------------------------------------------------------------------------------

def test_a_renamed_field_fails_the_check(api_schema, report_ids: list[str], monkeypatch) -> None:
    original = Report.metadata_dict

    def old_name(self: Report) -> dict:
        data = original(self)
        data["id"] = data.pop("report_id")
        return data

    monkeypatch.setattr(Report, "metadata_dict", old_name)
    with pytest.raises(FailureGroup, match="violates schema") as failed:
        call(api_schema, "GET", "/api/reports/{report_id}", 200, path_parameters={"report_id": report_ids[0]})
    assert "'id' was unexpected" in "".join(str(error) for error in failed.value.exceptions)


def test_a_year_as_text_fails_the_check(api_schema, monkeypatch) -> None:
    from indexer.results import facets

    original = facets.order_facet

    def years_as_text(name: str, rows):
        return [[str(value), *counts] for value, *counts in original(name, rows)]

    monkeypatch.setattr("indexer.results.facets.order_facet", years_as_text)
    with pytest.raises(FailureGroup, match="violates schema"):
        call(api_schema, "GET", "/api/search", 200)


def test_a_hit_row_without_a_documented_field_fails_the_check(app: Flask, api_schema, monkeypatch) -> None:
    """``all=1`` sends every hit by the names of its schema's fields, the values as the indexer
    wrote them: a row that lacks one is an error the check reports, never a row sent without it."""
    from indexer.service import SearchService

    original = SearchService.export_rows

    def renamed(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            yield {("headings" if key == "heading" else key): value for key, value in row.items()}

    monkeypatch.setattr(SearchService, "export_rows", renamed)
    with pytest.raises(FailureGroup):
        call(api_schema, "GET", "/api/search", 200, query={"q": "枫桥经验", "all": "1"})
    assert app.test_client().get("/api/search", query_string={"q": "枫桥经验", "all": "1"}).status_code == 500


@pytest.mark.parametrize("query", [{}, {"measure": "行政诉讼"}, {"measure": "纠纷", "year": "2022..2024"},
                                   {"kind": "result", "county": "城口"},
                                   {"type": "年度报告", "measure": "学法次数"}])
def test_indicators_match_the_document(api_schema, query: dict) -> None:
    table = call(api_schema, "GET", "/api/indicators", 200, query=query).json()
    exported = call(api_schema, "GET", "/api/indicators/figures", 200, query=query).json()
    assert exported["count"] == table["figures"] == len(exported["figures"])
    assert call(api_schema, "GET", "/indicators.csv", 200, query=query).text.startswith("\ufeffmeasure,")
    for bad in ({"measure": "没有这个指标"}, {"kind": "maybe"}, {"year": "abcd"}):
        call(api_schema, "GET", "/api/indicators", 400, query={**query, **bad})
        call(api_schema, "GET", "/api/indicators/figures", 400, query={**query, **bad})
        call(api_schema, "GET", "/indicators.csv", 400, query={**query, **bad})
