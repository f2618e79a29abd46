"""Field helpers of the response schemas: every field is required, nullable only when said, so a
renamed or retyped field fails the API test; and the two fields that serialise without
marshmallow's per-value work (a lower layer's rows, the facet counts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from archive import fields as report_fields


def _described(description: str) -> dict[str, str]:
    return {"description": description} if description else {}


def text(description: str = "", **kwargs: Any) -> fields.String:
    return fields.String(required=True, metadata=_described(description), **kwargs)


def count(description: str = "", **kwargs: Any) -> fields.Integer:
    return fields.Integer(required=True, validate=validate.Range(min=0),
                          metadata=_described(description), **kwargs)


def seq(description: str, nullable: bool = False) -> fields.Integer:
    return fields.Integer(required=True, allow_none=nullable, validate=validate.Range(min=1),
                          metadata=_described(description))


def year(**kwargs: Any) -> fields.Integer:
    return fields.Integer(required=True, allow_none=True,
                          metadata={"description": "年份（数字）；不详时为 null"}, **kwargs)


def text_list(inner: fields.Field | type[Schema], description: str = "", **kwargs: Any) -> fields.List:
    item = fields.Nested(inner) if isinstance(inner, type) else inner
    return fields.List(item, required=True, metadata=_described(description), **kwargs)


def flag(description: str = "", **kwargs: Any) -> fields.Boolean:
    return fields.Boolean(required=True, metadata=_described(description), **kwargs)


def page_number() -> fields.Integer:
    return fields.Integer(required=True, validate=validate.Range(min=1))


def filters(description: str = "") -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Raw(), required=True,
                       metadata=_described(description))


class Share(fields.Float):
    """A share of all reports, rounded to four places (0.1234); null when the whole is not known."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> float | None:
        return None if value is None else round(float(value), 4)


def share(description: str = "", **kwargs: Any) -> Share:
    return Share(required=True, allow_none=True, validate=validate.Range(min=0, max=1),
                 metadata=_described(description), **kwargs)


def registry_fields(role: str) -> dict[str, fields.Field]:
    """``report_id`` and the report fields playing ``role`` in the registry (``archive.fields``), so
    every schema naming report fields follows the registry."""
    return {"report_id": text("报告编号（12 位十六进制）"),
            **{f.column: year() if f.kind == "year" else text(f.description or f.label)
               for f in report_fields.having(role)}}


class Rows(fields.List):
    """A list of flat rows that may be long (every hit of a query, every figure of a selection),
    documented as a list of ``schema`` and serialised by its field names alone: each row (a dict
    a lower layer wrote: the indexer's export rows, a figure's record) gives exactly the schema's
    keys, in its order, with the values as given. Why: marshmallow's per-value dump costs tens of
    microseconds a row, seconds for the 100,000 hits ``/api/search?all=1`` may send; and a row
    without a documented key fails at once (KeyError) instead of going out incomplete."""

    def __init__(self, schema: type[Schema], **kwargs: Any) -> None:
        super().__init__(fields.Nested(schema), required=True, **kwargs)
        self.keys = tuple(field.data_key or name for name, field in schema().dump_fields.items())

    def _serialize(self, value: Iterable[Mapping[str, object]] | None, attr: str | None, obj: Any,
                   **kwargs: Any) -> list[dict[str, object]] | None:
        if value is None:
            return None
        keys = self.keys
        return [{key: row[key] for key in keys} for row in value]


def rows(schema: type[Schema], description: str = "", **kwargs: Any) -> Rows:
    return Rows(schema, metadata=_described(description), **kwargs)


def as_given(json_schema: dict[str, Any], description: str = "", required: bool = True) -> fields.Raw:
    """A value a lower layer counted (a facet's ``[value, reports, passages]`` entries), sent as it
    is and documented by ``json_schema`` (keywords apispec has no marshmallow spelling for, such as
    ``prefixItems``, go through ``json_schema_extras``)."""
    return fields.Raw(required=required, metadata={**_described(description), "json_schema": json_schema})


def json_schema_extras(self: Any, field: fields.Field, ret: dict, **_kwargs: Any) -> dict:
    """An apispec attribute function: the JSON Schema keywords of a field's ``metadata["json_schema"]``."""
    return dict(field.metadata.get("json_schema", {}))
