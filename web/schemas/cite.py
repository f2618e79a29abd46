"""A citation as the API sends it (``/api/reports/<id>/passages/<seq>/cite``) and the body of the
reference list's export."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable

from marshmallow import Schema, fields, validate

from archive.citation import cite as citation
from archive.citation import reference_list

from . import base

_DATACLASS_FIELDS: dict[object, Callable[[], fields.Field]] = {
    str: lambda: fields.String(required=True),
    int: lambda: fields.Integer(required=True),
    bool: lambda: fields.Boolean(required=True),
    dict: lambda: fields.Dict(keys=fields.String(), required=True),
}


def dataclass_schema(cls: type, name: str) -> type[Schema]:
    """A schema with the fields of a dataclass of plain values (``citation.Citation``).

    Why: the citation is that dataclass, kept by its own module; reading the fields here means
    the schema (and so the JSON and its description) follows it without a second list to keep in step.
    """
    hints = typing.get_type_hints(cls)
    return Schema.from_dict({f.name: _DATACLASS_FIELDS[hints[f.name]]() for f in dataclasses.fields(cls)},
                            name=name)


CitationSchema = dataclass_schema(citation.Citation, "CitationSchema")


class CitationItemSchema(Schema):
    """One entry of the citation list to export."""

    report_id = base.text()
    seq = base.seq("段落编号")


class CitationExportSchema(Schema):
    """The body of ``POST /api/citations/export``."""

    items = fields.List(fields.Nested(CitationItemSchema), required=True)
    format = fields.String(validate=validate.OneOf(list(reference_list.FORMATS)), load_default="text")
