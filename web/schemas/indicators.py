"""The indicator table's JSON: a figure, the table page's twin, the export, and the ``figures`` of a
report and of a comparison (``web.schemas.report``, ``web.schemas.compare`` list them).

Lists of figures are ``Rows``: a figure is the indexer's record of it (``indexer.index.indicator_table
.record``) with its links, and an export lists every figure of the selection.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from indexer.analysis.indicators import RESULT, TARGET
from indexer.analysis.measures import MEASURES
from indexer.index.indicator_table import KINDS

from .base import count as _count
from .base import filters as _filters
from .base import rows
from .base import seq as _seq
from .base import text as _text
from .base import text_list as _list
from .base import year as _year

NUMBER = {"allow_none": True, "required": True}


class FigureSchema(Schema):
    """One figure read from a report: its measure, value and unit, and where it stands."""

    measure = _text("指标名称；读不准的数字可为空",
                    validate=validate.OneOf(["", *(m.name for m in MEASURES)]))
    value = fields.Float(**NUMBER,
                         metadata={"description": "数值（2万 → 20000；百分比为百分数）；无确切数字时为 null"})
    high = fields.Float(**NUMBER, metadata={"description": "区间的上限（3至5次 → 5），否则 null"})
    unit = _text("单位，如原文：件、件次、人次、场次、%")
    approx = _text("约数或界限的字眼（余、多、近、以上、不少于…），确数为空")
    kind = _text("result（结果）或 target（目标、计划）", validate=validate.OneOf([RESULT, TARGET]))
    text = _text("原文中的写法，如 2万余人次")
    period = fields.List(fields.Integer(), required=True, allow_none=True, validate=validate.Length(equal=2),
                         metadata={"description": "[起始年, 结束年]：句中所说，否则报告年份；不详为 null"})
    report_id = _text("报告编号")
    seq = _seq("段落编号：阅读页锚点 #p-<seq>")
    start = _count("数字在该段中的起始位置（字符）")
    end = _count("结束位置")
    section = _text("所在章节类别")
    title = _text("报告标题")
    year = _year()
    province = _text()
    city = _text()
    county = _text()
    township = _text()
    doc_type = _text("文件类型")
    unsure = _text("读不准的原因；表中的数字为空")
    report_url = _text("报告阅读页")
    url = _text("阅读页中该段的链接，该数字高亮（?p=<seq>&fig=<start>-<end>#p-<seq>）")


class ExportFigureSchema(FigureSchema):
    """A figure of the export, with its paragraph's text."""

    passage = _text("数字所在段落的原文")


class IndicatorRowSchema(Schema):
    """One place (a township, or a report whose township is not known) and its figures."""

    label = _text("地区名称")
    province = _text()
    city = _text()
    county = _text()
    township = _text()
    figures = rows(FigureSchema)


class IndicatorMeasureSchema(Schema):
    """One measure of the table: its places (rows) and years (columns)."""

    name = _text()
    family = _text("指标类别")
    description = _text()
    units = _list(fields.String(), "可能的单位")
    figures = _count("数字个数")
    reports = _count("报告数")
    townships = _count("地区数")
    more = _count("未列出的地区数（见导出）")
    years = _list(fields.String(), "年份列，从新到旧；年份不详 在最后")
    rows = _list(IndicatorRowSchema)


class IndicatorsSchema(Schema):
    """``/api/indicators``: the table page's data."""

    filters = _filters()
    measure = _text("筛选：指标（空为全部）")
    kind = _text(validate=validate.OneOf(list(KINDS)))
    notes = _list(fields.String(), "筛选条件是如何理解的")
    figures = _count("表中的数字个数")
    reports = _count("报告数")
    years = _list(fields.String())
    measures = _list(IndicatorMeasureSchema)
    unsure = rows(FigureSchema, "读不准、未列入表格的数字（至多 200 个）")
    unsure_more = _count("未列出的读不准的数字个数")


class IndicatorFiguresSchema(Schema):
    """``/api/indicators/figures``: every figure of the selection, with its paragraph."""

    filters = _filters()
    measure = _text()
    kind = _text(validate=validate.OneOf(list(KINDS)))
    count = _count()
    figures = rows(ExportFigureSchema)


class CompareIndicatorSchema(Schema):
    """A measure at least two of the compared reports give: each report's figures of it."""

    measure = _text()
    cells = _list(rows(FigureSchema), "每份报告一格（按请求顺序）")


def indicators_args(search_fields: dict[str, fields.Field]) -> type[Schema]:
    """The table's query parameters: the search's filters and the measure and kind."""
    return Schema.from_dict({
        **search_fields,
        "measure": fields.String(metadata={"description": "指标名称或其中的词，如 行政诉讼"}),
        "kind": fields.String(validate=validate.OneOf([RESULT, TARGET]),
                              metadata={"description": "result（结果）或 target（目标）"}),
    }, name="IndicatorsArgsSchema")
