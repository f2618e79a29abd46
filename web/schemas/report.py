"""A report as the API sends it: its metadata (``/api/compare`` lists it too) and the reader's JSON
twin, ``/api/reports/<report_id>``."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump

from archive import fields as report_fields
from archive.store.report_json import report_to_json

from . import base
from .indicators import FigureSchema


class ReportMetadataSchema(Schema.from_dict(base.registry_fields(report_fields.JSON))):  # type: ignore[misc]
    """A report's public metadata: the keys of ``Report.metadata_dict``."""

    title_supplied = fields.Boolean(required=True, metadata={"description": "标题为本库拟定"})
    author_supplied = fields.Boolean(required=True, metadata={
        "description": "原文未写发文机关，issuer 为本库据地名拟定（方括号内）"})
    page_fields = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                              metadata={"description": "网页上的 发布机构、成文日期、索引号 等"})
    source_url = base.text("原文网址或空")
    retrieved = base.text("取回时间或空")
    excerpt = fields.Boolean(required=True, metadata={"description": "本库只收录了原文的一部分（节选）"})


class PassageSchema(Schema):
    """A paragraph of the report."""

    seq = base.seq("段落编号（从 1 起）：阅读页锚点 #p-<seq>")
    text = base.text("段落原文")
    start = base.count("在全文中的起始字符位置")
    end = base.count("结束字符位置")


class SectionSchema(Schema):
    """A heading with its paragraphs and subsections."""

    number = base.text("标题序号，如 一、")
    title = base.text("标题文字")
    kind = base.text("规范的章节类别，如 主要举措和成效")
    children = fields.List(fields.Nested(lambda: SectionSchema()), required=True)
    passages = base.text_list(PassageSchema)


class SourceFileSchema(Schema):
    """The original file the report was read from."""

    filename = base.text()
    media_type = base.text()
    size = base.count("字节数")
    sha256 = base.text()
    url = base.text("原始文件下载地址")


class ReportSchema(ReportMetadataSchema):
    """``/api/reports/<report_id>``: metadata, provenance, notes and the section tree.

    The metadata and the section tree go out as the archive writes them (``archive.store.report_json``,
    what ``fazhi show --json`` prints too, so the two cannot differ); the fields below them are the
    reader's, dumped from the view's answer (a dict holding the ``report`` and those fields).
    """

    sections = base.text_list(SectionSchema)
    division_code = base.text("行政区划代码或空")
    provenance = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                             metadata={"description": "每个字段的来由"})
    notes = base.text_list(fields.String(), "说明")
    passage_count = base.count("段落数")
    figures = base.rows(FigureSchema, "从正文读出的指标数字（阅读页中标出）")
    url = base.text("阅读页地址")
    source = fields.Nested(SourceFileSchema, required=True, allow_none=True)

    @post_dump(pass_original=True)
    def _archive_json_first(self, added: dict[str, Any], answer: dict[str, Any], **_kwargs: Any) -> dict:
        return {**report_to_json(answer["report"]), **added}
