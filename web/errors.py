"""Error responses: HTML for pages, JSON for ``/api``, plain text for CSV — never a bare 500 trace.

Why one module: every error a user can cause is an ``archive.errors.ArchiveError`` that carries
its HTTP status and message, so views just raise and this is the one place that turns errors
into responses. The JSON shape ``{"error": …, "status": …}`` (plus ``query`` for a query that
cannot be understood) is dumped by the API's ``ErrorSchema`` (``web.schemas.status``).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from archive.errors import ArchiveError, QuerySyntaxError

from .schemas.status import ErrorSchema

log = logging.getLogger(__name__)
ERROR_SCHEMA = ErrorSchema()

MESSAGES = {
    400: "请求有误",
    404: "没有找到这个页面或报告",
    405: "不支持这种请求方式",
    413: "请求内容太大",
    500: "服务器出错了",
    503: "服务暂时不可用",
}


def wants_json() -> bool:
    """API paths (and the admin API) answer in JSON; everything else in HTML."""
    return request.path.startswith(("/api/", "/admin/")) or request.path == "/healthz"


def error_response(status: int, message: str, **extra: str) -> tuple[Response, int] | tuple[str, int]:
    """The one place an error becomes a response: JSON for the API (``extra`` keys added), plain
    text for a CSV download (a spreadsheet cannot show a page), else the HTML error page."""
    if wants_json():
        return jsonify(ERROR_SCHEMA.dump({"error": message, "status": status, **extra})), status
    if request.path.endswith(".csv"):
        return Response(message, status=status, mimetype="text/plain"), status
    return render_template("error.html", status=status, title=MESSAGES.get(status, "出错了"),
                           message=message), status


def archive_error_response(error: ArchiveError) -> tuple[Response, int] | tuple[str, int]:
    """The response for one of the archive's own errors, at the status its type carries."""
    if error.status >= 500:
        log.warning("%s on %s: %s", type(error).__name__, request.path, error)
    extra = {"query": _query_sent()} if isinstance(error, QuerySyntaxError) else {}
    return error_response(error.status, error.user_message, **extra)


def _query_sent() -> str:
    """The ``q`` of the request: in the URL, a posted form or a posted JSON object."""
    body = request.get_json(silent=True) if request.is_json else None
    posted = body.get("q") if isinstance(body, dict) else None
    return request.values.get("q") or (posted if isinstance(posted, str) else "")


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, the archive's own errors and anything unexpected."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        description = error.description if error.code == 400 else MESSAGES.get(error.code, error.name)
        return error_response(error.code, description or MESSAGES.get(error.code, error.name))

    app.register_error_handler(ArchiveError, archive_error_response)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return error_response(500, MESSAGES[500])
