"""Per-app and per-request handles on the store and the search service.

Why here and not in the views: the engine is created once per process (gunicorn worker),
sessions once per request and closed on teardown, and the search service is built lazily so
the app still starts (and serves reports) when the index is missing or being rebuilt.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from archive.config import ArchiveConfig
from archive.store import make_engine, make_session_factory
from indexer.service import SearchService

CHINA_TZ = timezone(timedelta(hours=8))
EXTENSION = "fazhi"


def init_app(app: Flask, config: ArchiveConfig) -> None:
    """Create the engine and register the per-request session teardown."""
    engine = make_engine(config.database_url)
    # gunicorn --preload builds the app before forking: drop the connection make_engine opened so
    # no SQLite connection is ever shared between worker processes (each opens its own on demand).
    engine.dispose()
    app.extensions[EXTENSION] = {
        "config": config,
        "engine": engine,
        "sessions": make_session_factory(engine),
        "search": app.config.get("SEARCH_SERVICE"),
    }
    app.teardown_appcontext(_close_session)


def archive_config() -> ArchiveConfig:
    """The resolved instance folder and database URL."""
    return current_app.extensions[EXTENSION]["config"]


def db() -> Session:
    """This request's session (read-only use), opened on first need."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION]["sessions"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def search_service() -> SearchService:
    """The indexer's ``SearchService``, opened once per process."""
    ext = current_app.extensions[EXTENSION]
    if ext["search"] is None:
        ext["search"] = SearchService(ext["config"])  # cheap: opens the index lazily, per thread
    return ext["search"]


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
