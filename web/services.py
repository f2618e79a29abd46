"""Per-app and per-request handles on the archive: its store sessions and search service.

Why here and not in the views: the app holds one ``fazhi.operations.Archive`` (the process's one
engine), sessions are opened once per request and closed on teardown, and the search service is
built lazily so the app still starts (and serves reports) when the index is missing or being rebuilt.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from archive.config import ArchiveConfig
from fazhi.operations import Archive
from indexer.service import SearchService

CHINA_TZ = timezone(timedelta(hours=8))
EXTENSION = "fazhi"


def init_app(app: Flask, config: ArchiveConfig) -> None:
    """Open the archive (``ARCHIVE`` in the app config, else one for ``config``) and register the
    per-request session teardown."""
    archive = app.config.get("ARCHIVE") or Archive(config)
    # gunicorn --preload builds the app before forking: drop the connection creating the store
    # opened so no connection is ever shared between worker processes (each opens its own).
    archive.close()
    app.extensions[EXTENSION] = {
        "archive": archive,
        "search": app.config.get("SEARCH_SERVICE"),
    }
    app.teardown_appcontext(_close_session)


def current_archive() -> Archive:
    """The app's archive: every operation that changes it (``web.admin``) goes through this."""
    return current_app.extensions[EXTENSION]["archive"]


def archive_config() -> ArchiveConfig:
    """The resolved instance folder and database URL."""
    return current_archive().config


def db() -> Session:
    """This request's session (read-only use), opened on first need."""
    if "db_session" not in g:
        g.db_session = current_archive().sessions()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def search_service() -> SearchService:
    """The indexer's ``SearchService`` (``SEARCH_SERVICE`` in the app config, else the archive's)."""
    return current_app.extensions[EXTENSION]["search"] or current_archive().search_service


def today() -> date:
    """Access date for citations: the date in China, where the users and the archive are."""
    override = current_app.config.get("TODAY")
    if override is not None:
        return override() if callable(override) else override
    return datetime.now(CHINA_TZ).date()


def base_url() -> str:
    """Site root for absolute permalinks: configured public URL, else the request's host."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    return configured.rstrip("/") if configured else request.host_url.rstrip("/")
