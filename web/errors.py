"""Error pages: HTML for pages, JSON for ``/api`` — never a bare 500 trace.

A user who follows a dead link or types a bad id gets a Chinese page saying what happened;
API clients get ``{"error": …}`` with the same status.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from archive.errors import ArchiveError, ReportNotFound
from indexer.service import IndexUnavailable

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求有误",
    404: "没有找到这个页面或报告",
    405: "不支持这种请求方式",
    413: "请求内容太大",
    500: "服务器出错了",
    503: "服务暂时不可用",
}


def wants_json() -> bool:
    """API paths answer in JSON; everything else in HTML."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str):
    """The one place an error becomes a response."""
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=MESSAGES.get(status, "出错了"),
                           message=message), status


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, the archive's own errors and anything unexpected."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        description = error.description if error.code == 400 else MESSAGES.get(error.code, error.name)
        return error_response(error.code, description or MESSAGES.get(error.code, error.name))

    @app.errorhandler(ReportNotFound)
    def not_found(error: ReportNotFound):
        return error_response(404, str(error) or MESSAGES[404])

    @app.errorhandler(IndexUnavailable)
    def unavailable(error: IndexUnavailable):
        log.warning("search unavailable: %s", error)
        return error_response(503, str(error))

    @app.errorhandler(ArchiveError)
    def archive_error(error: ArchiveError):
        return error_response(400, str(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return error_response(500, MESSAGES[500])
