"""Side by side as the API sends it: ``/api/compare`` and its parameters."""

from __future__ import annotations

from marshmallow import Schema, fields

from . import base
from .indicators import CompareIndicatorSchema
from .report import ReportMetadataSchema


class SharedClauseSchema(Schema):
    """A clause of a compared paragraph that other compared reports also have."""

    start = base.count("在 text 中的起始字符位置")
    end = base.count("结束字符位置")
    report_ids = base.text_list(fields.String(), "有相同表述的其他所比报告")


class CompareCellSchema(Schema):
    """A paragraph in a comparison cell."""

    seq = base.seq("段落编号")
    heading = base.text_list(fields.String())
    text = base.text()
    shared = base.text_list(SharedClauseSchema, "与其他所比报告相同的分句（其余为本报告自己的表述）")


class CompareRowSchema(Schema):
    """One section kind across the compared reports (one cell per report, maybe empty)."""

    kind = base.text()
    cells = base.text_list(fields.List(fields.Nested(CompareCellSchema)))


class CompareSchema(Schema):
    """``/api/compare``: 2–4 reports side by side by section kind."""

    report_ids = base.text_list(fields.String(), "报告编号（按请求顺序，旧编号已换成现编号）")
    reports = base.text_list(ReportMetadataSchema)
    rows = base.text_list(CompareRowSchema)
    indicators = base.text_list(CompareIndicatorSchema, "至少两份报告给出的指标，每份报告的数字")


CompareArgsSchema = Schema.from_dict({
    "ids": fields.String(metadata={"description": "2–4 个报告编号，以逗号分隔"}),
}, name="CompareArgsSchema")
