"""The practice pages' JSON: similar practice elsewhere, the directory, one practice's lineage, and the
spread of a query (dumped from ``web.spread.Spread``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from indexer.practices.directory import KINDS
from indexer.practices.directory import SORTS as PRACTICE_SORTS

from ..params import MAX_PAGE
from . import base

# --- similar practice elsewhere (web.reader_views) ------------------------------------------------


class SimilarItemSchema(Schema):
    """A passage of another township's report describing the same practice, and why."""

    report_id = base.text()
    seq = base.seq("段落编号")
    title = fields.String(required=True)
    province = fields.String(required=True)
    county = fields.String(required=True)
    township = fields.String(required=True)
    year = base.year()
    text = fields.String(required=True)
    score = fields.Float(required=True, metadata={
        "description": "相似度，越大越相近（点名同一做法的段落在前）"})
    shared = base.count("有其最常见分句的其他报告数（列出的段落都不是通用表述）")
    reason = base.text("为何相似：practice（点名同一做法）或 measure（描述相同举措）",
                  validate=validate.OneOf(["practice", "measure"]))
    practices = base.text_list(fields.String(), "两段都点名的做法（名录中的名称）")
    terms = base.text_list(fields.String(), "两段共有的关键词（页面上高亮）")
    url = base.text("该段在阅读页的链接")


class SimilarSchema(Schema):
    """``/api/reports/<id>/passages/<seq>/similar``: 其他乡镇的类似做法, best first."""

    report_id = base.text()
    seq = base.seq("段落编号")
    similar = base.text_list(SimilarItemSchema)


# --- practices directory (web.practices_views) ----------------------------------------------------

class PracticeSchema(Schema):
    """A directory entry (``indexer.practices.directory.Practice``), counted within the directory's filter."""

    name = base.text("做法名称（各写法中报告用得最多的一种），如 枫桥经验")
    kind = base.text("practice（做法）或 slogan（口号与提法）", validate=validate.OneOf(list(KINDS)))
    spellings = base.text_list(fields.String(), "报告中的各种写法，用得多的在前")
    reports = base.count("点名该做法的报告数")
    townships = base.count("点名该做法的乡镇（街道）数")
    counties = base.count("县（区）数")
    provinces = base.text_list(fields.String(), "省份")
    years = base.text_list(fields.Integer(), "年份，从早到晚")
    passages = base.count("点名该做法的段落数")
    named = base.flag("报告称之为工作法、机制、模式等")
    first_year = fields.Integer(required=True, allow_none=True, metadata={"description": "最早点名的年份"})
    first_reports = base.text_list(fields.String(), "最早一年点名它的报告")


class PracticesSchema(Schema):
    """``/api/practices``: one page of the directory, with the values its filters offer."""

    province = base.text("筛选：省份（空为全部）")
    year = base.year()
    sort = base.text(validate=validate.OneOf(list(PRACTICE_SORTS)))
    kind = base.text(validate=validate.OneOf(list(KINDS)))
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    pages = fields.Integer(required=True, validate=validate.Range(min=1))
    count = base.count("符合筛选的条目数")
    other_count = base.count("同一筛选下另一类（做法或口号与提法）的条目数")
    practices = base.text_list(PracticeSchema)
    provinces = base.text_list(fields.String(), "可选的省份")
    years = base.text_list(fields.Integer(), "可选的年份，从新到旧")


class QuoteSchema(Schema):
    """A paragraph naming the practice: the sentence that names it."""

    seq = base.seq("段落编号")
    spelling = base.text("该处的写法")
    sentence = base.text("点名它的句子")


class LineageSchema(Schema):
    """A report naming the practice, in the order of the lineage (oldest first)."""

    report_id = base.text()
    year = base.year()
    province = base.text()
    county = base.text()
    township = base.text()
    first = base.flag("最早一年点名它的报告之一")
    seqs = base.text_list(fields.Integer(validate=validate.Range(min=1)), "段落编号")
    quotes = base.text_list(QuoteSchema)


class PracticeDetailSchema(PracticeSchema):
    """``/api/practice``: one practice, who named it first and who followed."""

    query = base.text("检索该做法各种写法的检索式（精确短语，任一）")
    lineage = base.text_list(LineageSchema)


PracticesArgsSchema = Schema.from_dict({
    "province": fields.String(metadata={"description": "筛选：省份"}),
    "year": fields.String(metadata={"description": "筛选：年份（四位数字）"}),
    "sort": fields.String(validate=validate.OneOf(list(PRACTICE_SORTS))),
    "kind": fields.String(validate=validate.OneOf(list(KINDS))),
    "page": fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE)),
}, name="PracticesArgsSchema")

PracticeArgsSchema = Schema.from_dict({
    "name": fields.String(required=True, metadata={"description": "做法名称（任一写法）"}),
}, name="PracticeArgsSchema")


# --- spread of a query (web.spread) -------------------------------------------------------------

class SpreadYearSchema(Schema):
    """Reports of the query in one year, of all the year's reports."""

    year = base.year()
    label = base.text("年份或 年份不详")
    reports = base.count("命中报告数（不含其他类文件）")
    all_reports = base.count("该年全部法治政府建设报告数")
    share = base.share("命中报告占全部报告的比例")
    passages = base.count()
    townships = base.count("命中报告的乡镇（街道）数")


class SpreadCountySchema(Schema):
    """Reports of the query in one county, of all its reports."""

    county = base.text(attribute="label")
    reports = base.count()
    all_reports = base.count()
    share = base.share()
    passages = base.count()


class SpreadProvinceSchema(Schema):
    """Reports of the query in one province, of all its reports, and its counties."""

    province = base.text(attribute="label")
    reports = base.count()
    all_reports = base.count()
    share = base.share()
    passages = base.count()
    counties = base.text_list(SpreadCountySchema, attribute="children")


class SpreadSchema(Schema):
    """``/api/spread``: the query's reports as shares of all reports, by year and by province → county."""

    query = base.text(attribute="params.q")
    filters = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                          attribute="params.filters", metadata={"description": "筛选：参数名 → 各值（任一）"})
    reports = base.count("命中报告数（不含其他类文件）")
    all_reports = base.count("筛选下的全部法治政府建设报告数")
    share = base.share()
    total = base.count("命中段落数")
    townships = base.count("乡镇（街道）数")
    years = base.text_list(SpreadYearSchema)
    provinces = base.text_list(SpreadProvinceSchema)
