"""The JSON API's description: an OpenAPI 3.1 document generated from the code, ``/api/openapi.json``.

Why generated and not written by hand: a hand-kept file drifts from what the endpoints send.
Here the paths and their parameters come from the app's own URL rules (``apispec``'s Flask
plugin; path parameters typed from the rule's converters), the query parameters of a search
from ``web.params`` / ``indexer.analysis.query_lexer.FIELD_SPECS``, the export formats from
``archive.citation.reference_list.FORMATS``; a JSON answer is described by the very schemas its view dumps it
by (``web.schemas``, read from the view: ``web.pages.RESPONSE_SCHEMAS``), turned into JSON Schema
by ``apispec``'s marshmallow plugin. ``tests/test_api_spec.py`` checks every documented
endpoint's real responses (success and error) against this document with schemathesis, and that
every ``/api`` route is in it, so neither side can change alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter, Rule

from archive.citation import reference_list
from archive.fields import MAX_QUERY_CHARS
from indexer.analysis.query_lexer import FIELD_SPECS

from . import schemas
from .pages import RESPONSE_SCHEMAS
from .schemas.base import json_schema_extras
from .schemas.cite import CitationExportSchema
from .schemas.compare import CompareArgsSchema
from .schemas.indicators import indicators_args
from .schemas.practices import PracticeArgsSchema, PracticesArgsSchema
from .schemas.search import SearchArgsSchema, SearchBodySchema
from .schemas.status import ErrorSchema

bp = Blueprint("api_spec", __name__)

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
JSON = "application/json"
CSL_JSON = "application/vnd.citationstyles.csl+json"
CSL_ITEMS = {"type": "array", "items": {"type": "object"}}
TEXT = {"type": "string"}
FORM = "application/x-www-form-urlencoded"
SEARCH_BODY = {"required": False,
               "description": ("与网址参数相同（筛选的多个值写成列表），"
                               f"用于网址放不下的长检索式（至多 {MAX_QUERY_CHARS} 字）"),
               "content": {JSON: {"schema": SearchBodySchema}, FORM: {"schema": SearchBodySchema}}}
SEARCH_FORM = {**SEARCH_BODY, "content": {FORM: {"schema": SearchBodySchema}}}


# --- operations ---------------------------------------------------------------------------------

def _json(schema: object, description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(ErrorSchema, description)


BAD_REQUEST = _error("请求有误（检索式、参数）：说明原因")
NOT_FOUND = _error("没有这个报告或段落")
UNAVAILABLE = _error("检索索引尚未建立或无法打开")
MOVED = {"description": "旧编号：永久转到报告的现编号"}


Response = dict | str  # a response object, or what the view's own JSON answer is (its schemas)


@dataclass
class Operation:
    """What the docs say about one endpoint beyond its URL rule and docstring: its responses (a
    description alone for a JSON answer the view dumps by its own schemas), query and body."""

    responses: dict[int, Response]
    query: type[Schema] | None = None
    body: dict | None = None
    method: str = "get"
    tags: list[str] = field(default_factory=list)
    post_body: dict | None = None  # the endpoint also answers POST with this body (and no query)


def _export_responses() -> dict[int, Response]:
    media = sorted({mimetype for _label, mimetype, _ext in reference_list.FORMATS.values()})
    # A JSON format (CSL-JSON) is a list of items; every other format is text.
    content = {m: {"schema": CSL_ITEMS if m.endswith("json") else TEXT} for m in media}
    return {200: {"description": "引用清单文件（按 format）", "content": content},
            400: BAD_REQUEST, 404: NOT_FOUND}


def _plain(media: str, schema: dict, description: str) -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _csv(description: str, refused: int, why: str) -> dict[int, Response]:
    """A CSV download: the file, or the reason it was refused (``refused``) and no index (503)."""
    return {200: _plain("text/csv", TEXT, f"{description}（CSV，UTF-8 BOM）"),
            refused: _plain("text/plain", TEXT, why), 503: _plain("text/plain", TEXT, "检索索引不可用")}


def operations() -> dict[str, Operation]:
    """Endpoint name → its documentation; built on call so late changes (formats) are seen."""
    indicator_args = indicators_args(
        {spec.name: fields.String(metadata={"description": f"筛选：{spec.label}"}) for spec in FIELD_SPECS})
    return {
        "search.api_search": Operation(
            {200: "一页结果；all=1 时为全部命中", 400: BAD_REQUEST, 503: UNAVAILABLE},
            query=SearchArgsSchema, tags=["检索"], post_body=SEARCH_BODY),
        "search.search_csv": Operation(
            _csv("全部命中", 400, "检索式有误"), query=SearchArgsSchema, tags=["检索"],
            post_body=SEARCH_FORM),
        "reader.api_report": Operation({200: "报告全文与元数据", 301: MOVED, 404: NOT_FOUND}, tags=["阅读"]),
        "reader.api_similar": Operation(
            {200: "其他乡镇的类似做法", 301: MOVED, 404: NOT_FOUND, 503: UNAVAILABLE}, tags=["阅读"]),
        "compare.api_compare": Operation({200: "并排比较", 400: BAD_REQUEST, 404: NOT_FOUND},
                                         query=CompareArgsSchema, tags=["比较"]),
        "cite.api": Operation({200: "该段的各种引用格式", 301: MOVED, 404: NOT_FOUND}, tags=["引用"]),
        "cite.csl": Operation({200: _plain(CSL_JSON, CSL_ITEMS, "该报告的 CSL-JSON 条目"), 301: MOVED,
                               404: NOT_FOUND}, tags=["引用"]),
        "cite.export": Operation(_export_responses(), method="post", tags=["引用"], body={
            "required": True, "content": {JSON: {"schema": CitationExportSchema}}}),
        "practices.api_practices": Operation({200: "做法名录的一页", 400: BAD_REQUEST, 503: UNAVAILABLE},
                                             query=PracticesArgsSchema, tags=["做法"]),
        "practices.api_practice": Operation(
            {200: "一个做法及点名它的段落", 404: _error("没有报告点名这个做法"), 503: UNAVAILABLE},
            query=PracticeArgsSchema, tags=["做法"]),
        "practices.practices_csv": Operation(_csv("做法名录", 400, "参数有误"), query=PracticesArgsSchema,
                                             tags=["做法"]),
        "practices.practice_csv": Operation(_csv("一个做法的源流", 404, "没有报告点名这个做法"),
                                            query=PracticeArgsSchema, tags=["做法"]),
        "practices.api_spread": Operation({200: "按年份、省份→县的报告数与占比", 400: BAD_REQUEST,
                                           503: UNAVAILABLE}, query=SearchArgsSchema, tags=["检索"]),
        "practices.spread_csv": Operation(_csv("分布表", 400, "检索式有误"), query=SearchArgsSchema,
                                          tags=["检索"]),
        "indicators.api_indicators": Operation({200: "指标表：每个指标各地各年的数字", 400: BAD_REQUEST,
                                                503: UNAVAILABLE}, query=indicator_args, tags=["指标"]),
        "indicators.api_figures": Operation({200: "全部数字及其段落", 400: BAD_REQUEST, 503: UNAVAILABLE},
                                            query=indicator_args, tags=["指标"]),
        "indicators.indicators_csv": Operation(_csv("全部数字", 400, "筛选条件有误"), query=indicator_args,
                                               tags=["指标"]),
        "about.api": Operation({200: "收录概况、来源与取回时间"}, tags=["运行"]),
        "health.healthz": Operation(
            {200: "存储可读", 503: "存储不可读，或检索索引缺失、未跟上存储"}, tags=["运行"]),
        "api_spec.openapi": Operation(
            {200: _json({"type": "object"}, "本文档（OpenAPI 3.1）")}, tags=["运行"]),
    }


def _answer(view: Callable[..., object], description: str) -> dict:
    """A JSON answer described by the schemas ``view`` dumps it by (any one of them)."""
    dumped_by = getattr(view, RESPONSE_SCHEMAS)
    schema = dumped_by[0] if len(dumped_by) == 1 else {"oneOf": list(dumped_by)}
    return _json(schema, description)


def _path_parameters(rule: Rule) -> list[dict]:
    """A parameter per ``<…>`` of the URL rule, typed by its converter (``<int:seq>``)."""
    params = []
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)  # werkzeug keeps the converters only here
        schema = ({"type": "integer", "minimum": 0} if isinstance(converter, IntegerConverter)
                  else {"type": "string", "minLength": 1})
        params.append({"in": "path", "name": name, "required": True, "schema": schema})
    return params


def _summary(view: Callable[..., object]) -> tuple[str, str]:
    """The view's docstring as (summary: its first paragraph on one line, description: the rest)."""
    first, _, rest = (view.__doc__ or "").strip().partition("\n\n")
    return " ".join(first.split()), rest.strip()


def build_spec(app: Flask) -> dict:
    """The OpenAPI document of ``app``'s documented endpoints (see the module docstring)."""
    marshmallow = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(title="法治政府建设报告检索库 API", version=API_VERSION, openapi_version=OPENAPI_VERSION,
                   plugins=[FlaskPlugin(), marshmallow],
                   info={"description": (schemas.__doc__ or "").split("\n\n", 1)[1].strip()})
    marshmallow.converter.add_attribute_function(json_schema_extras)
    documented = operations()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = documented.get(rule.endpoint)
        if op is None:
            continue
        view = app.view_functions[rule.endpoint]
        summary, description = _summary(view)
        query = [{"in": "query", "schema": op.query}] if op.query else []
        operation: dict[str, Any] = {
            "summary": summary, "operationId": rule.endpoint, "tags": op.tags,
            "parameters": [*_path_parameters(rule), *query],
            "responses": {str(code): _answer(view, response) if isinstance(response, str) else response
                          for code, response in op.responses.items()},
        }
        if description:
            operation["description"] = description
        if op.body:
            operation["requestBody"] = op.body
        by_method = {op.method: operation}
        if op.post_body:
            by_method["post"] = {**operation, "operationId": f"{rule.endpoint}.post",
                                 "parameters": _path_parameters(rule), "requestBody": op.post_body}
        spec.path(view=view, app=app, operations=by_method)
    return spec.to_dict()


def _schema_name(schema: object) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


@bp.get("/api/openapi.json")
def openapi():
    """The API description (OpenAPI 3.1), generated from the code once per process."""
    cached = current_app.extensions.get("openapi")
    if cached is None:
        cached = current_app.extensions["openapi"] = build_spec(current_app)
    return jsonify(cached)
