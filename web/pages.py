"""One ``data()`` per page, rendered as the HTML page or as its JSON twin under ``/api``.

Why (Datasette's model): a page and its JSON twin must say the same thing, so one function finds
what a page shows and ``twin`` registers it under both URLs. The JSON twin is ``Page.body``
dumped by the page's marshmallow schema, the very schema the OpenAPI document describes the
endpoint with (``web.api_spec`` reads it from the view, ``RESPONSE_SCHEMAS``), so what is sent
cannot drift from what is documented; the HTML page renders its template with
``Page.context()``, computed for the page only (the JSON twin never pays for it).

Errors are raised, never returned: every one is an ``ArchiveError`` that ``web.errors`` answers
in one place (the error page, JSON ``{"error", "status"}``, plain text for a CSV). A page that
shows its error inside itself, under the form that caused it (a search, a filter), says how with
``InPage`` instead of a try/except of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, g, jsonify, render_template
from marshmallow import Schema

from archive.errors import ArchiveError

RESPONSE_SCHEMAS = "response_schemas"  # a JSON view's attribute: the schemas it dumps its answers by
Context = Mapping[str, object]


def _nothing() -> Context:
    return {}


@dataclass(frozen=True)
class Page:
    """What a page's ``data()`` found.

    ``body`` is what the JSON twin sends, dumped by the page's schema (``schema`` when the body
    has another shape: ``/api/search?all=1``); ``context`` gives the HTML page's template
    variables; ``status`` is the answer's HTTP status.
    """

    body: object
    context: Callable[[], Context] = _nothing
    schema: Schema | None = None
    status: int = 200


@dataclass(frozen=True)
class InPage:
    """How a page shows an ``ArchiveError`` inside itself instead of on the error page: its
    template variables without data (besides ``error``, the message), its template when not the
    page's own, its status when not the error's, and which errors (the others, such as a
    missing page, get the error page)."""

    context: Callable[[], Context]
    template: str | None = None
    status: int | None = None
    errors: tuple[type[ArchiveError], ...] = (ArchiveError,)


Data = Callable[..., Page | Response]


def as_json() -> bool:
    """Whether this request is answered in JSON (a ``data()`` whose two renderings differ asks)."""
    return bool(g.get("json_answer"))


def dumped(schema: Schema, found: Page) -> tuple[Response, int]:
    """The JSON answer of ``found``: its body dumped by its schema (or ``schema``)."""
    return jsonify((found.schema or schema).dump(found.body)), found.status


def answers(schema: Schema, *also: Schema, name: str = "") -> Callable[[Data], Callable[..., Any]]:
    """A JSON view of ``data()``: the ``Page`` it returns is dumped by ``schema`` (or one of
    ``also``), the schemas ``web.api_spec`` documents the view with; a response (a redirect) is
    returned as it is. ``name``: the view's name (the endpoint), else ``data()``'s."""

    def wrap(data: Data) -> Callable[..., Any]:
        def view(**kwargs: Any) -> Any:
            g.json_answer = True
            found = data(**kwargs)
            return found if isinstance(found, Response) else dumped(schema, found)

        view.__name__, view.__doc__ = name or data.__name__, data.__doc__
        setattr(view, RESPONSE_SCHEMAS, (schema, *also))
        return view

    return wrap


def twin(bp: Blueprint, rule: str, *, endpoint: str, api_endpoint: str, template: str, schema: Schema,
         also: Sequence[Schema] = (), methods: Sequence[str] = ("GET",), in_page: InPage | None = None,
         aliases: Sequence[tuple[str, Sequence[str]]] = ()) -> Callable[[Data], Data]:
    """Register ``data()`` as the HTML page at ``rule`` and as its JSON twin at ``/api`` + ``rule``,
    under the blueprint's ``endpoint`` and ``api_endpoint``.

    ``also``: the other schemas the twin's answers may be dumped by (``Page.schema``); ``aliases``:
    other URLs of the page, with their methods (``url_for`` builds ``rule``). The twin's
    documentation is ``data()``'s docstring (its first paragraph the summary).
    """

    def register(data: Data) -> Data:
        def html(**kwargs: Any) -> Any:
            try:
                found = data(**kwargs)
            except ArchiveError as error:
                if in_page is None or not isinstance(error, in_page.errors):
                    raise
                shown = render_template(in_page.template or template, error=error.user_message,
                                        **in_page.context())
                return shown, in_page.status or error.status
            if isinstance(found, Response):
                return found
            return render_template(template, **found.context()), found.status

        html.__name__ = endpoint
        api = answers(schema, *also, name=api_endpoint)(data)
        for path, allowed in ((rule, methods), *aliases):
            bp.add_url_rule(path, endpoint, html, methods=list(allowed))
        bp.add_url_rule("/api" + rule, api_endpoint, api, methods=list(methods))
        return data

    return register
