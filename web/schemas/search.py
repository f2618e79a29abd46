"""A search as the API sends it (``/api/search``: a page of reports with facets, or with ``all=1``
every hit) and the parameters it takes (the URL's, or a posted form or JSON object)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from archive import fields as report_fields
from archive.fields import MAX_QUERY_CHARS, SORTS, UNKNOWN_YEAR
from indexer.analysis.query_lexer import FIELD_SPECS, FIELDS, ORIGINAL
from indexer.index.place_kinds import PLACE_NAMES
from indexer.index.schema import FACET_FIELDS

from ..params import MAX_PAGE
from . import base

PLACES = sorted(set(PLACE_NAMES.values()))  # where a hit is: passage, heading, title


class SharedExampleSchema(Schema):
    """A report of another township holding the passage's most shared clause."""

    report_id = base.text("报告编号")
    township = base.text("乡镇（街道）")
    county = base.text("县（区）")
    year = base.year()
    title = base.text("报告标题")


class SharedSchema(Schema):
    """Who shares a passage's wording (``indexer.analysis.templates.Shared``)."""

    reports = base.count("有其最常见分句（相近即算）的其他乡镇报告数；0 表示没有")
    examples = base.text_list(SharedExampleSchema, "其中逐字相同的几份，年份早的在前（至多 5 份）")


class SearchHitSchema(Schema):
    """One matching place of a report: a paragraph, a heading or the title."""

    seq = base.seq("段落编号；标题或小标题命中时为 null（没有可引用的段落）", nullable=True)
    section = base.text("章节类别")
    heading = base.text_list(fields.String(), "所在的各级标题")
    snippet = base.text("带 <mark> 的 HTML 摘要（已转义）")
    text = base.text("命中处原文")
    place = base.text("命中处：passage / heading / title", validate=validate.OneOf(PLACES))
    anchor = base.text("阅读页锚点：p-<seq>、s-<n> 或 report-title")
    template = base.flag(
        "通用表述：段落的每一句都没有本乡镇自己的数字、名称、文件或事件（标题、小标题为 false）")
    shared = fields.Nested(SharedSchema, required=True)


class GroupSchema(Schema.from_dict(base.registry_fields(report_fields.GROUP))):  # type: ignore[misc]
    """A report on the result page with its best hits."""

    passages = base.count("命中段落数（浏览时为全部段落数）")
    more = base.count("未显示的命中数")
    shared = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=1), metadata={
        "description": "按粘贴的段落查找时：该报告含有的所粘贴分句数（否则为 null）"})
    hits = base.rows(SearchHitSchema)


class SuggestionSchema(Schema):
    """"您是不是要找": a corrected query that finds something."""

    query = base.text()
    changes = base.text_list(fields.List(fields.String(), validate=validate.Length(equal=2)),
                             "[输入的词, 改成的词]")
    reports = base.count()
    total = base.count()


def _facet(field_name: str, required: bool) -> fields.Raw:
    """A facet's entries, ``[value, reports, passages]`` each, as the indexer counts them; a year's
    value is a number (or its 'unknown' label)."""
    unknown = FIELDS[field_name].unknown
    value: dict[str, Any] = {"type": "string"}
    if field_name == "year":
        value = {"anyOf": [{"type": "integer"}, {"const": UNKNOWN_YEAR}]}
    elif unknown:
        value = {"type": "string", "description": f"值；{unknown} 选出该项不详的报告"}
    counts = {"type": "integer", "minimum": 0}
    entry = {"type": "array", "prefixItems": [value, counts, counts], "minItems": 3, "maxItems": 3,
             "description": "[值, 报告数, 段落数]"}
    return base.as_given({"type": "array", "items": entry}, required=required)


FacetsSchema = Schema.from_dict({name: _facet(name, True) for name in FACET_FIELDS}, name="FacetsSchema")
ChoicesSchema = Schema.from_dict({name: _facet(name, False) for name in FACET_FIELDS}, name="ChoicesSchema")


class SearchResultSchema(Schema):
    """``/api/search``: one page of reports (search, filter-only list or browse) with facets."""

    mode = base.text("search（检索词）/ passage（按粘贴的段落查找出处）/ list（仅筛选）/ browse（全部）",
                     validate=validate.OneOf(["search", "passage", "list", "browse"]))
    clauses = base.text_list(fields.String(), "passage 模式下逐句精确查找的分句（其他模式为空）")
    total = base.count("命中段落数")
    reports = base.count("命中报告数")
    facets = fields.Nested(FacetsSchema, required=True)
    choices = fields.Nested(ChoicesSchema, required=True, metadata={"description": (
        "检索带筛选的各项：不计该项自身的筛选（其他筛选照旧）时各值的计数，即该项可再勾选的值；"
        "同一项的多个值表示“任一”")})
    notes = base.text_list(fields.String(), "筛选条件是如何理解的")
    suggestions = base.text_list(SuggestionSchema)
    groups = base.text_list(GroupSchema)
    page = base.page_number()
    per_page = base.page_number()
    pages = base.count()
    query = base.text()
    filters = base.filters()
    sort = base.text(validate=validate.OneOf(list(SORTS)))


class HitRowSchema(Schema.from_dict(base.registry_fields(report_fields.EXPORT))):  # type: ignore[misc]
    """``all=1``: one hit per row, as in the CSV export (``web.export.HIT_FIELDS``)."""

    heading = base.text_list(fields.String())
    seq = base.seq("段落编号；标题、小标题或仅列报告时为 null", nullable=True)
    text = base.text()
    place = base.text("passage / heading / title；不带检索词时每行一份报告：report",
                      validate=validate.OneOf([*PLACES, "report"]))
    anchor = base.text()
    template = base.flag("通用表述（见检索结果的 template）")
    shared_reports = base.count("有其最常见分句的其他乡镇报告数（见检索结果的 shared.reports）")
    permalink = base.text("阅读页中该处的永久链接")


class AllHitsSchema(Schema):
    """``/api/search?all=1``: every hit of the query, unpaginated (capped)."""

    query = base.text()
    filters = base.filters()
    total = base.count()
    truncated = fields.Boolean(required=True)
    hits = base.rows(HitRowSchema)


SEARCH_FIELDS: dict[str, fields.Field] = {
    "q": fields.String(metadata={"description": (
        f"检索式（语法见 indexer/analysis/query.py），至多 {MAX_QUERY_CHARS} 字；粘贴的一段原文（两个以上以，"
        "。；！？"
        "分隔的长分句）按段落查找出处（indexer/matching/pasted.py）")}),
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
