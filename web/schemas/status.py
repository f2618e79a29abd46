"""What the service says about itself: ``/healthz``, and every error of the API."""

from __future__ import annotations

from marshmallow import Schema, fields

from . import base


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

    error = base.text("出了什么错、怎么改")
    status = fields.Integer(required=True)
    query = fields.String(metadata={"description": "检索式有误时：原样返回的检索式"})
