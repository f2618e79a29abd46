"""``docs/api.md``, the HTTP API reference, written from the OpenAPI document the app serves
(``/api/openapi.json``, ``web.api_spec.build_spec``), so the page cannot name an endpoint, a
parameter or a schema the app lacks, or miss one it has; ``tests/test_api_reference.py`` fails
when the page and the document differ, and sends a request to every path the page lists.

Each operation, grouped by its tag: its summary and description (the view's docstring), its
parameters (name, where, type, required, meaning), its request body and its responses (status,
meaning, media type and schema). The schemas' fields are in the document itself, which the page
names: a page that copied them would be a second, longer description of the same thing.

Regenerate with ``python -m web.api_reference --write``.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archive.config import ArchiveConfig
from fazhi import reference_page
from fazhi.reference_page import DOCS, prose, table

from . import api_spec, create_app
from .services import current_archive

REFERENCE = DOCS / "api.md"
HEADER = """# HTTP API reference

Generated from the OpenAPI document the app serves at `/api/openapi.json` by
`python -m web.api_reference --write`; a test fails when this page and the app differ. Every
schema named below is defined, field by field, in that document (`components.schemas`).
"""
METHODS = ("get", "post")


def document() -> dict:
    """The OpenAPI document, from an app on an empty instance folder of its own: the document
    describes the code (routes, views, schemas), never the data, so no archive is read."""
    with tempfile.TemporaryDirectory(prefix="fazhi-api-reference-") as folder:
        home = Path(folder)
        config = ArchiveConfig(home=home, database_url=f"sqlite:///{home / 'store.sqlite3'}")
        app = create_app({"ARCHIVE_CONFIG": config})
        try:
            return api_spec.build_spec(app)
        finally:
            with app.app_context():
                current_archive().close()


def operations(spec: dict) -> Iterator[tuple[str, str, dict]]:
    """(method, path, operation) for every operation, in the document's order of paths."""
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def type_of(schema: dict) -> str:
    """A schema in a few words: a named schema, an enumeration, or a JSON type."""
    if "$ref" in schema:
        return f"`{schema['$ref'].rsplit('/', 1)[-1]}`"
    if "oneOf" in schema:
        return " or ".join(type_of(option) for option in schema["oneOf"])
    if "enum" in schema:
        return " | ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{kind} {low}–{high}"
    return f"{kind} ≥ {low}" if low is not None else kind


def _tag(operation: dict) -> str:
    return (operation.get("tags") or ["其他"])[0]


def _bodies(content: dict) -> str:
    """Each media type of a body with its schema."""
    kinds = [f"`{media}`: {type_of(entry.get('schema', {}))}" for media, entry in content.items()]
    return "; ".join(kinds) or "—"


def _operation(method: str, path: str, operation: dict) -> list[str]:
    lines = [f"### `{method} {path}`", "", prose(operation.get("summary", "")), ""]
    if operation.get("description"):
        lines += [prose(operation["description"]), ""]
    parameters = operation.get("parameters", [])
    if parameters:
        rows = [(f"`{p['name']}`", p["in"], type_of(p.get("schema", {})), "yes" if p.get("required") else "",
                 p.get("description", "")) for p in parameters]
        lines += [*table(["parameter", "in", "type", "required", "meaning"], rows), ""]
    body = operation.get("requestBody")
    if body:
        needed = "required" if body.get("required") else "optional"
        meaning = f" {body['description']}" if body.get("description") else ""
        lines += [f"Request body ({needed}): {_bodies(body['content'])}.{meaning}", ""]
    rows = [(status, response.get("description", ""), _bodies(response.get("content", {})))
            for status, response in operation["responses"].items()]
    return [*lines, *table(["status", "meaning", "body"], rows), ""]


def render(spec: dict | None = None) -> str:
    """The whole reference page, of ``spec`` or of the app's own document."""
    spec = spec or document()
    found = list(operations(spec))
    lines = [HEADER, f"{spec['info']['title']}, version {spec['info']['version']} "
                     f"(OpenAPI {spec['openapi']}).", "", prose(spec["info"].get("description", "")), ""]
    index = [(method, f"`{path}`", prose(operation.get("summary", ""))) for method, path, operation in found]
    lines += [*table(["method", "path", "summary"], index), ""]
    # The areas in the order the app declares its endpoints (search first), then any other.
    declared = [tag for documented in api_spec.operations().values() for tag in documented.tags]
    for tag in dict.fromkeys([*declared, *(_tag(operation) for _m, _p, operation in found)]):
        here = [(method, path, operation) for method, path, operation in found if _tag(operation) == tag]
        if here:
            lines += [f"## {tag}", ""]
            for method, path, operation in here:
                lines += _operation(method, path, operation)
    return "\n".join(lines)


if __name__ == "__main__":  # print the page, or write it with --write
    sys.exit(reference_page.main(sys.argv[1:], prog="python -m web.api_reference", description=__doc__,
                                 page=REFERENCE, render=render))
