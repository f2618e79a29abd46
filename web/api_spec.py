"""The JSON API's description: an OpenAPI 3.1 document generated from the code, ``/api/openapi.json``.

Why generated and not written by hand: a hand-kept file drifts from what the endpoints send.
Here the paths and their parameters come from the app's own URL rules (``apispec``'s Flask
plugin; path parameters typed from the rule's converters), the query parameters of a search
from ``web.params`` / ``indexer.query.FIELD_SPECS``, the facet fields from the indexer's schema,
the citation from ``web.citation.Citation``'s dataclass fields and the export formats from
``web.reference_list.FORMATS``; the response bodies are marshmallow schemas below, turned into
JSON Schema by ``apispec``'s marshmallow plugin. ``tests/test_api_spec.py`` checks every documented
endpoint's real responses (success and error) against this document with schemathesis, and that
every ``/api`` route is in it, so neither side can change alone.

The vocabulary, the same in every endpoint: a report is ``report_id`` (never ``id``); a
paragraph's number is ``seq`` (its reader anchor ``#p-<seq>``, its cite URL
``/passages/<seq>/cite``); a year is a number or null (a year facet's value too, except the
``年份不详`` entry that selects reports without one); a heading is the list of headings above a
passage; report metadata has the names of ``Report.metadata_dict``, and the report fields of
every schema come from the field registry (``archive.fields``). Every schema lists all its
fields as required and allows no others, so a renamed or retyped field fails the test.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema, fields, validate
from werkzeug.routing import IntegerConverter, Rule

from archive import fields as report_fields
from archive.fields import MAX_QUERY_CHARS, SORTS
from indexer.literal import PLACE_NAMES
from indexer.query import FIELD_SPECS, FIELDS, ORIGINAL, UNKNOWN_YEAR
from indexer.schema import FACET_FIELDS

from . import citation, reference_list
from .params import MAX_PAGE
from .practice_schemas import (
    PracticeArgsSchema,
    PracticeDetailSchema,
    PracticesArgsSchema,
    PracticesSchema,
    SimilarSchema,
    SpreadSchema,
)
from .spec_fields import count as _count
from .spec_fields import seq as _seq
from .spec_fields import text as _text
from .spec_fields import text_list as _list
from .spec_fields import year as _year

bp = Blueprint("api_spec", __name__)

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
JSON = "application/json"
CSL_JSON = "application/vnd.citationstyles.csl+json"
CSL_ITEMS = {"type": "array", "items": {"type": "object"}}
TEXT = {"type": "string"}


def _json_schema_extras(self: Any, field: fields.Field, ret: dict, **_kwargs: Any) -> dict:
    """JSON Schema keywords apispec has no marshmallow spelling for (``prefixItems``, ``const``),
    taken from a field's ``metadata["json_schema"]``."""
    return dict(field.metadata.get("json_schema", {}))


# --- report metadata and the report document ----------------------------------------------------

def _report_fields(role: str) -> dict[str, fields.Field]:
    """``report_id`` and the report fields playing ``role`` in the registry (``archive.fields``)."""
    return {"report_id": _text("报告编号（12 位十六进制）"),
            **{f.column: _year() if f.kind == "year" else _text(f.description or f.label)
               for f in report_fields.having(role)}}


class ReportMetadataSchema(Schema.from_dict(_report_fields(report_fields.JSON))):  # type: ignore[misc]
    """A report's public metadata: the keys of ``Report.metadata_dict``."""

    title_supplied = fields.Boolean(required=True, metadata={"description": "标题为本库拟定"})
    author_supplied = fields.Boolean(required=True, metadata={
        "description": "原文未写发文机关，issuer 为本库据地名拟定（方括号内）"})
    page_fields = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                              metadata={"description": "网页上的 发布机构、成文日期、索引号 等"})
    source_url = _text("原文网址或空")
    retrieved = _text("取回时间或空")
    excerpt = fields.Boolean(required=True, metadata={"description": "本库只收录了原文的一部分（节选）"})


class PassageSchema(Schema):
    """A paragraph of the report."""

    seq = _seq("段落编号（从 1 起）：阅读页锚点 #p-<seq>")
    text = _text("段落原文")
    start = _count("在全文中的起始字符位置")
    end = _count("结束字符位置")


class SectionSchema(Schema):
    """A heading with its paragraphs and subsections."""

    number = _text("标题序号，如 一、")
    title = _text("标题文字")
    kind = _text("规范的章节类别，如 主要举措和成效")
    children = fields.List(fields.Nested(lambda: SectionSchema()), required=True)
    passages = _list(PassageSchema)


class SourceFileSchema(Schema):
    """The original file the report was read from."""

    filename = _text()
    media_type = _text()
    size = _count("字节数")
    sha256 = _text()
    url = _text("原始文件下载地址")


class ReportSchema(ReportMetadataSchema):
    """``/api/reports/<report_id>``: metadata, provenance, notes and the section tree."""

    sections = _list(SectionSchema)
    division_code = _text("行政区划代码或空")
    provenance = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                             metadata={"description": "每个字段的来由"})
    notes = _list(fields.String(), "说明")
    passage_count = _count("段落数")
    url = _text("阅读页地址")
    source = fields.Nested(SourceFileSchema, required=True, allow_none=True)
    # by name: ``web.indicator_schemas`` builds on this module's field helpers
    figures = fields.List(fields.Nested("FigureSchema"), required=True,
                          metadata={"description": "从正文读出的指标数字（阅读页中标出）"})


# --- search -------------------------------------------------------------------------------------

class SharedExampleSchema(Schema):
    """A report of another township holding the passage's most shared clause."""

    report_id = _text("报告编号")
    township = _text("乡镇（街道）")
    county = _text("县（区）")
    year = _year()
    title = _text("报告标题")


class SharedSchema(Schema):
    """Who shares a passage's wording (``indexer.templates.Shared``)."""

    reports = _count("有其最常见分句（相近即算）的其他乡镇报告数；0 表示没有")
    examples = _list(SharedExampleSchema, "其中逐字相同的几份，年份早的在前（至多 5 份）")


class SearchHitSchema(Schema):
    """One matching place of a report: a paragraph, a heading or the title."""

    seq = _seq("段落编号；标题或小标题命中时为 null（没有可引用的段落）", nullable=True)
    section = _text("章节类别")
    heading = _list(fields.String(), "所在的各级标题")
    snippet = _text("带 <mark> 的 HTML 摘要（已转义）")
    text = _text("命中处原文")
    place = _text("命中处：passage / heading / title",
                  validate=validate.OneOf(sorted(set(PLACE_NAMES.values()))))
    anchor = _text("阅读页锚点：p-<seq>、s-<n> 或 report-title")
    template = fields.Boolean(required=True, metadata={"description": (
        "通用表述：段落的每一句都没有本乡镇自己的数字、名称、文件或事件（标题、小标题为 false）")})
    shared = fields.Nested(SharedSchema, required=True)


class GroupSchema(Schema.from_dict(_report_fields(report_fields.GROUP))):  # type: ignore[misc]
    """A report on the result page with its best hits."""

    passages = _count("命中段落数（浏览时为全部段落数）")
    more = _count("未显示的命中数")
    shared = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=1), metadata={
        "description": "按粘贴的段落查找时：该报告含有的所粘贴分句数（否则为 null）"})
    hits = _list(SearchHitSchema)


class SuggestionSchema(Schema):
    """"您是不是要找": a corrected query that finds something."""

    query = _text()
    changes = _list(fields.List(fields.String(), validate=validate.Length(equal=2)), "[输入的词, 改成的词]")
    reports = _count()
    total = _count()


def _facet_entry(field_name: str) -> fields.List:
    """``[value, reports, passages]``; a year's value is a number (or its 'unknown' label)."""
    unknown = FIELDS[field_name].unknown
    value: dict[str, Any] = {"type": "string"}
    if field_name == "year":
        value = {"anyOf": [{"type": "integer"}, {"const": UNKNOWN_YEAR}]}
    elif unknown:
        value = {"type": "string", "description": f"值；{unknown} 选出该项不详的报告"}
    counts = {"type": "integer", "minimum": 0}
    return fields.List(fields.Raw(), metadata={"json_schema": {
        "prefixItems": [value, counts, counts], "minItems": 3, "maxItems": 3,
        "description": "[值, 报告数, 段落数]"}})


FacetsSchema = Schema.from_dict(
    {name: fields.List(_facet_entry(name), required=True) for name in FACET_FIELDS}, name="FacetsSchema")
ChoicesSchema = Schema.from_dict(
    {name: fields.List(_facet_entry(name)) for name in FACET_FIELDS}, name="ChoicesSchema")


class SearchResultSchema(Schema):
    """``/api/search``: one page of reports (search, filter-only list or browse) with facets."""

    mode = _text("search（检索词）/ passage（按粘贴的段落查找出处）/ list（仅筛选）/ browse（全部）",
                 validate=validate.OneOf(["search", "passage", "list", "browse"]))
    clauses = _list(fields.String(), "passage 模式下逐句精确查找的分句（其他模式为空）")
    total = _count("命中段落数")
    reports = _count("命中报告数")
    facets = fields.Nested(FacetsSchema, required=True)
    choices = fields.Nested(ChoicesSchema, required=True, metadata={"description": (
        "检索带筛选的各项：不计该项自身的筛选（其他筛选照旧）时各值的计数，即该项可再勾选的值；"
        "同一项的多个值表示“任一”")})
    notes = _list(fields.String(), "筛选条件是如何理解的")
    suggestions = _list(SuggestionSchema)
    groups = _list(GroupSchema)
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(min=1))
    pages = _count()
    query = _text()
    filters = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    sort = _text(validate=validate.OneOf(list(SORTS)))


class HitRowSchema(Schema.from_dict(_report_fields(report_fields.EXPORT))):  # type: ignore[misc]
    """``all=1``: one hit per row, as in the CSV export (``web.export.HIT_FIELDS``)."""

    heading = _list(fields.String())
    seq = _seq("段落编号；标题、小标题或仅列报告时为 null", nullable=True)
    text = _text()
    place = _text("passage / heading / title；不带检索词时每行一份报告：report",
                  validate=validate.OneOf([*sorted(set(PLACE_NAMES.values())), "report"]))
    anchor = _text()
    template = fields.Boolean(required=True, metadata={"description": "通用表述（见检索结果的 template）"})
    shared_reports = _count("有其最常见分句的其他乡镇报告数（见检索结果的 shared.reports）")
    permalink = _text("阅读页中该处的永久链接")


class AllHitsSchema(Schema):
    """``/api/search?all=1``: every hit of the query, unpaginated (capped)."""

    query = _text()
    filters = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    total = _count()
    truncated = fields.Boolean(required=True)
    hits = _list(HitRowSchema)


# --- compare, citation, health, errors ----------------------------------------------------------

class SharedClauseSchema(Schema):
    """A clause of a compared paragraph that other compared reports also have."""

    start = _count("在 text 中的起始字符位置")
    end = _count("结束字符位置")
    report_ids = _list(fields.String(), "有相同表述的其他所比报告")


class CompareCellSchema(Schema):
    """A paragraph in a comparison cell."""

    seq = _seq("段落编号")
    heading = _list(fields.String())
    text = _text()
    shared = _list(SharedClauseSchema, "与其他所比报告相同的分句（其余为本报告自己的表述）")


class CompareRowSchema(Schema):
    """One section kind across the compared reports (one cell per report, maybe empty)."""

    kind = _text()
    cells = _list(fields.List(fields.Nested(CompareCellSchema)))


class CompareSchema(Schema):
    """``/api/compare``: 2–4 reports side by side by section kind."""

    report_ids = _list(fields.String(), "报告编号（按请求顺序，旧编号已换成现编号）")
    reports = _list(ReportMetadataSchema)
    rows = _list(CompareRowSchema)
    indicators = fields.List(fields.Nested("CompareIndicatorSchema"), required=True,
                             metadata={"description": "至少两份报告给出的指标，每份报告的数字"})


_DATACLASS_FIELDS: dict[object, Callable[[], fields.Field]] = {
    str: lambda: fields.String(required=True),
    int: lambda: fields.Integer(required=True),
    bool: lambda: fields.Boolean(required=True),
    dict: lambda: fields.Dict(keys=fields.String(), required=True),
}


def dataclass_schema(cls: type, name: str) -> type[Schema]:
    """A schema with the fields of a dataclass of plain values (``citation.Citation``).

    Why: the citation's JSON is ``asdict`` of that dataclass, kept by its own module; reading
    the fields here means the description follows it without a second list to keep in step.
    """
    hints = typing.get_type_hints(cls)
    return Schema.from_dict({f.name: _DATACLASS_FIELDS[hints[f.name]]() for f in dataclasses.fields(cls)},
                            name=name)


CitationSchema = dataclass_schema(citation.Citation, "CitationSchema")


class CitationItemSchema(Schema):
    """One entry of the citation list to export."""

    report_id = _text()
    seq = _seq("段落编号")


class CitationExportSchema(Schema):
    """The body of ``POST /api/citations/export``."""

    items = fields.List(fields.Nested(CitationItemSchema), required=True)
    format = fields.String(validate=validate.OneOf(list(reference_list.FORMATS)), load_default="text")


class HealthSchema(Schema):
    """``/healthz``."""

    ok = fields.Boolean(required=True)
    reports = fields.Integer(required=True, allow_none=True)
    index_generation = fields.String(required=True, allow_none=True)
    index_seq = fields.Integer(allow_none=True,
                               metadata={"description": "索引已应用到的存储变更序号（null：未记录）"})
    store_seq = fields.Integer(metadata={"description": "存储的最新变更序号"})
    error = fields.String(metadata={"description": "存储不可读或索引缺失、落后时的原因"})


class ErrorSchema(Schema):
    """Every error of the API: the message (Chinese, for people) and the HTTP status."""

    error = _text("出了什么错、怎么改")
    status = fields.Integer(required=True)
    query = fields.String(metadata={"description": "检索式有误时：原样返回的检索式"})


SEARCH_FIELDS: dict[str, fields.Field] = {
    "q": fields.String(metadata={"description": (
        f"检索式（语法见 indexer/query.py），至多 {MAX_QUERY_CHARS} 字；粘贴的一段原文（两个以上以，。；！？"
        "分隔的长分句）按段落查找出处（indexer/pasted.py）")}),
    **{spec.name: fields.List(fields.String(), metadata={"description": (
        f"筛选：{spec.label}；可重复，表示任一（{spec.name}={spec.example}&{spec.name}=…），"
        "不同筛选之间表示同时满足")}) for spec in FIELD_SPECS},
    ORIGINAL: fields.String(metadata={"description": "yes：只看特色做法（去掉通用表述段落）"}),
    "sort": fields.String(validate=validate.OneOf(list(SORTS)), metadata={"description": "、".join(
        f"{key}（{label}）" for key, label in SORTS.items())}),
    "page": fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE)),
    "passage": fields.String(validate=validate.OneOf(["yes", "no"]), metadata={
        "description": "yes：按粘贴的段落查找出处；no：按检索式理解；不写则按文字自动判断"}),
    "all": fields.String(validate=validate.OneOf(["1"]), metadata={"description": "1：全部命中（不分页）"}),
}
SearchArgsSchema = Schema.from_dict(SEARCH_FIELDS, name="SearchArgsSchema")
# POST: the same parameters in the body, for a query too long for a URL.
SearchBodySchema = Schema.from_dict(SEARCH_FIELDS, name="SearchBodySchema")
FORM = "application/x-www-form-urlencoded"
SEARCH_BODY = {"required": False,
               "description": ("与网址参数相同（筛选的多个值写成列表），"
                               f"用于网址放不下的长检索式（至多 {MAX_QUERY_CHARS} 字）"),
               "content": {JSON: {"schema": SearchBodySchema}, FORM: {"schema": SearchBodySchema}}}
SEARCH_FORM = {**SEARCH_BODY, "content": {FORM: {"schema": SearchBodySchema}}}

CompareArgsSchema = Schema.from_dict({
    "ids": fields.String(metadata={"description": "2–4 个报告编号，以逗号分隔"}),
}, name="CompareArgsSchema")


# --- what the archive holds (web.about) -----------------------------------------------------------

class AboutYearSchema(Schema):
    """Reports of one province in one year."""

    year = _year()
    reports = _count()


class AboutProvinceSchema(Schema):
    """Reports of one province (null: not known), by year."""

    province = fields.String(required=True, allow_none=True, metadata={"description": "省份；不详时为 null"})
    years = _list(AboutYearSchema, "有报告的年份")
    reports = _count()


class AboutSourceSchema(Schema):
    """A source description of the files (a sidecar's ``source``) and its reports."""

    source = _text()
    reports = _count()


class AboutHostSchema(Schema):
    """A website reports were retrieved from."""

    host = _text()
    reports = _count()
    first_retrieved = _text("最早取回日期（YYYY-MM-DD）或空")
    last_retrieved = _text("最近取回日期或空")


class AboutIngestedSchema(Schema):
    """When the reports were ingested."""

    first = _text("最早收录日期或空")
    last = _text("最近收录日期或空")


class AboutDocTypeSchema(Schema):
    """Reports of one document type."""

    doc_type = _text()
    reports = _count()


class AboutSchema(Schema):
    """``/api/about``: what the archive holds, counted in the store."""

    reports = _count("报告数")
    passages = _count("段落数")
    provinces = _count("省份数")
    counties = _count("县（区）数")
    townships = _count("乡镇（街道）数")
    by_province_year = _list(AboutProvinceSchema, "各省份各年份的报告数")
    doc_types = _list(AboutDocTypeSchema, "各文件类型的报告数")
    sources = _list(AboutSourceSchema, "来源说明（最常见的若干种）")
    other_sources = _count("其余来源说明的报告数")
    without_source = _count("未附来源说明的报告数")
    hosts = _list(AboutHostSchema, "取自各网站的报告与取回时间")
    ingested = fields.Nested(AboutIngestedSchema, required=True)


# --- operations ---------------------------------------------------------------------------------

def _json(schema: object, description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(ErrorSchema, description)


BAD_REQUEST = _error("请求有误（检索式、参数）：说明原因")
NOT_FOUND = _error("没有这个报告或段落")
UNAVAILABLE = _error("检索索引尚未建立或无法打开")
MOVED = {"description": "旧编号：永久转到报告的现编号"}


@dataclass
class Operation:
    """What the docs say about one endpoint beyond its URL rule and docstring."""

    responses: dict[int, dict]
    query: type[Schema] | None = None
    body: dict | None = None
    method: str = "get"
    tags: list[str] = field(default_factory=list)
    post_body: dict | None = None  # the endpoint also answers POST with this body (and no query)


def _export_responses() -> dict[int, dict]:
    media = sorted({mimetype for _label, mimetype, _ext in reference_list.FORMATS.values()})
    # A JSON format (CSL-JSON) is a list of items; every other format is text.
    content = {m: {"schema": CSL_ITEMS if m.endswith("json") else TEXT} for m in media}
    return {200: {"description": "引用清单文件（按 format）", "content": content},
            400: BAD_REQUEST, 404: NOT_FOUND}


def operations() -> dict[str, Operation]:
    """Endpoint name → its documentation; built on call so late changes (formats) are seen."""
    from .indicator_schemas import IndicatorFiguresSchema, IndicatorsSchema, indicators_args

    def plain(media: str, schema: dict, description: str) -> dict:
        return {"description": description, "content": {media: {"schema": schema}}}

    indicator_args = indicators_args(
        {spec.name: fields.String(metadata={"description": f"筛选：{spec.label}"}) for spec in FIELD_SPECS})

    return {
        "search.api_search": Operation(
            {200: _json({"oneOf": [SearchResultSchema, AllHitsSchema]}, "一页结果；all=1 时为全部命中"),
             400: BAD_REQUEST, 503: UNAVAILABLE},
            query=SearchArgsSchema, tags=["检索"], post_body=SEARCH_BODY),
        "search.search_csv": Operation(
            {200: plain("text/csv", TEXT, "全部命中（CSV，UTF-8 BOM）"),
             400: plain("text/plain", TEXT, "检索式有误"), 503: plain("text/plain", TEXT, "检索索引不可用")},
            query=SearchArgsSchema, tags=["检索"], post_body=SEARCH_FORM),
        "reader.api_report": Operation({200: _json(ReportSchema, "报告全文与元数据"), 301: MOVED,
                                        404: NOT_FOUND}, tags=["阅读"]),
        "reader.api_similar": Operation({200: _json(SimilarSchema, "其他乡镇的类似做法"), 404: NOT_FOUND,
                                         503: UNAVAILABLE}, tags=["阅读"]),
        "compare.api_compare": Operation({200: _json(CompareSchema, "并排比较"), 400: BAD_REQUEST,
                                          404: NOT_FOUND}, query=CompareArgsSchema, tags=["比较"]),
        "cite.api": Operation({200: _json(CitationSchema, "该段的各种引用格式"), 301: MOVED, 404: NOT_FOUND},
                              tags=["引用"]),
        "cite.csl": Operation({200: plain(CSL_JSON, CSL_ITEMS, "该报告的 CSL-JSON 条目"),
                               301: MOVED, 404: NOT_FOUND}, tags=["引用"]),
        "cite.export": Operation(_export_responses(), method="post", tags=["引用"], body={
            "required": True, "content": {JSON: {"schema": CitationExportSchema}}}),
        "practices.api_practices": Operation(
            {200: _json(PracticesSchema, "做法名录的一页"), 400: BAD_REQUEST, 503: UNAVAILABLE},
            query=PracticesArgsSchema, tags=["做法"]),
        "practices.api_practice": Operation(
            {200: _json(PracticeDetailSchema, "一个做法及点名它的段落"), 404: _error("没有报告点名这个做法"),
             503: UNAVAILABLE}, query=PracticeArgsSchema, tags=["做法"]),
        "practices.practices_csv": Operation(
            {200: plain("text/csv", TEXT, "做法名录（CSV，UTF-8 BOM）"),
             400: plain("text/plain", TEXT, "参数有误"), 503: plain("text/plain", TEXT, "检索索引不可用")},
            query=PracticesArgsSchema, tags=["做法"]),
        "practices.practice_csv": Operation(
            {200: plain("text/csv", TEXT, "一个做法的源流（CSV，UTF-8 BOM）"),
             404: plain("text/plain", TEXT, "没有报告点名这个做法"),
             503: plain("text/plain", TEXT, "检索索引不可用")},
            query=PracticeArgsSchema, tags=["做法"]),
        "practices.api_spread": Operation(
            {200: _json(SpreadSchema, "按年份、省份→县的报告数与占比"), 400: BAD_REQUEST, 503: UNAVAILABLE},
            query=SearchArgsSchema, tags=["检索"]),
        "practices.spread_csv": Operation(
            {200: plain("text/csv", TEXT, "分布表（CSV，UTF-8 BOM）"),
             400: plain("text/plain", TEXT, "检索式有误"), 503: plain("text/plain", TEXT, "检索索引不可用")},
            query=SearchArgsSchema, tags=["检索"]),
        "indicators.api_indicators": Operation(
            {200: _json(IndicatorsSchema, "指标表：每个指标各地各年的数字"), 400: BAD_REQUEST,
             503: UNAVAILABLE},
            query=indicator_args, tags=["指标"]),
        "indicators.api_figures": Operation(
            {200: _json(IndicatorFiguresSchema, "全部数字及其段落"), 400: BAD_REQUEST, 503: UNAVAILABLE},
            query=indicator_args, tags=["指标"]),
        "indicators.indicators_csv": Operation(
            {200: plain("text/csv", TEXT, "全部数字（CSV，UTF-8 BOM）"),
             400: plain("text/plain", TEXT, "筛选条件有误"),
             503: plain("text/plain", TEXT, "检索索引不可用")},
            query=indicator_args, tags=["指标"]),
        "about.api": Operation({200: _json(AboutSchema, "收录概况、来源与取回时间")}, tags=["运行"]),
        "health.healthz": Operation({200: _json(HealthSchema, "存储可读"),
                                     503: _json(HealthSchema, "存储不可读，或检索索引缺失、未跟上存储")},
                                    tags=["运行"]),
        "api_spec.openapi": Operation({200: _json({"type": "object"}, "本文档（OpenAPI 3.1）")},
                                      tags=["运行"]),
    }


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
    doc = (view.__doc__ or "").strip()
    first, _, rest = doc.partition("\n")
    return first.strip(), rest.strip()


def build_spec(app: Flask) -> dict:
    """The OpenAPI document of ``app``'s documented endpoints (see the module docstring)."""
    marshmallow = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(title="法治政府建设报告检索库 API", version=API_VERSION, openapi_version=OPENAPI_VERSION,
                   plugins=[FlaskPlugin(), marshmallow],
                   info={"description": __doc__.split("\n\n", 2)[2].strip()})
    marshmallow.converter.add_attribute_function(_json_schema_extras)
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
            "responses": {str(code): response for code, response in op.responses.items()},
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
