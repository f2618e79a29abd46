"""What the archive holds as the API sends it (``/api/about``), dumped from ``web.about.Inventory``."""

from __future__ import annotations

from marshmallow import Schema, fields

from . import base


class AboutYearSchema(Schema):
    """Reports of one province in one year."""

    year = base.year()
    reports = base.count()


class AboutProvinceSchema(Schema):
    """Reports of one province (null: not known), by year."""

    province = fields.String(required=True, allow_none=True, metadata={"description": "省份；不详时为 null"})
    years = base.text_list(AboutYearSchema, "有报告的年份")
    reports = base.count()


class AboutSourceSchema(Schema):
    """A source description of the files (a sidecar's ``source``) and its reports."""

    source = base.text(attribute="value")
    reports = base.count()


class AboutHostSchema(Schema):
    """A website reports were retrieved from."""

    host = base.text()
    reports = base.count()
    first_retrieved = base.text("最早取回日期（YYYY-MM-DD）或空", attribute="first")
    last_retrieved = base.text("最近取回日期或空", attribute="last")


class AboutIngestedSchema(Schema):
    """When the reports were ingested."""

    first = base.text("最早收录日期或空")
    last = base.text("最近收录日期或空")


class AboutDocTypeSchema(Schema):
    """Reports of one document type."""

    doc_type = base.text(attribute="value")
    reports = base.count()


class AboutSchema(Schema):
    """``/api/about``: what the archive holds, counted in the store."""

    reports = base.count("报告数")
    passages = base.count("段落数")
    provinces = base.count("省份数")
    counties = base.count("县（区）数")
    townships = base.count("乡镇（街道）数")
    by_province_year = base.text_list(AboutProvinceSchema, "各省份各年份的报告数", attribute="province_years")
    doc_types = base.text_list(AboutDocTypeSchema, "各文件类型的报告数", attribute="types")
    sources = base.text_list(AboutSourceSchema, "来源说明（最常见的若干种）")
    other_sources = base.count("其余来源说明的报告数")
    without_source = base.count("未附来源说明的报告数")
    hosts = base.text_list(AboutHostSchema, "取自各网站的报告与取回时间")
    ingested = fields.Nested(AboutIngestedSchema, required=True)
