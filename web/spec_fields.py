"""Field helpers of the API's response schemas (``web.api_spec``, ``web.practice_schemas``): every
field is required, nullable only when said, so a renamed or retyped field fails the API test."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate


def text(description: str = "", **kwargs: Any) -> fields.String:
    return fields.String(required=True, metadata={"description": description}, **kwargs)


def count(description: str = "") -> fields.Integer:
    return fields.Integer(required=True, validate=validate.Range(min=0),
                          metadata={"description": description})


def seq(description: str, nullable: bool = False) -> fields.Integer:
    return fields.Integer(required=True, allow_none=nullable, validate=validate.Range(min=1),
                          metadata={"description": description})


def year() -> fields.Integer:
    return fields.Integer(required=True, allow_none=True,
                          metadata={"description": "年份（数字）；不详时为 null"})


def text_list(inner: fields.Field | type[Schema], description: str = "") -> fields.List:
    item = fields.Nested(inner) if isinstance(inner, type) else inner
    return fields.List(item, required=True, metadata={"description": description})


def share(description: str = "") -> fields.Float:
    return fields.Float(required=True, allow_none=True, validate=validate.Range(min=0, max=1),
                        metadata={"description": description})


def flag(description: str) -> fields.Boolean:
    return fields.Boolean(required=True, metadata={"description": description})
