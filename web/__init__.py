"""The Fazhi Archive web app: search, read, compare and cite township rule-of-law reports.

Built like Flask's flaskr tutorial: an application factory reading its configuration from
the environment (``ARCHIVE_HOME`` / ``ARCHIVE_DATABASE_URL`` via ``ArchiveConfig``), one
blueprint per page family. Like Datasette, every HTML page has a JSON twin under ``/api``: one
``data()`` rendered both ways (``web.pages``), the JSON dumped by the schemas the OpenAPI
document is generated from (``web.schemas``, ``web.api_spec``); errors are answered in one place
(``web.errors``).
The public routes are read-only; the only routes that change data (``web.admin``: upload and
ingest, rebuild, delete) answer 404 unless an admin token is configured, and 403 without it.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from markupsafe import Markup

from archive.config import ArchiveConfig
from archive.fields import SIDECAR, having, place_name

from . import (
    about,
    admin,
    api_spec,
    cite_views,
    compare_views,
    errors,
    health_views,
    indicators_views,
    practices_views,
    reader_views,
    search_views,
    security,
    services,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` overrides settings (``ARCHIVE_HOME``, ``SEARCH_SERVICE`` …)."""
    app = Flask(__name__)
    app.config.from_mapping(
        ARCHIVE_HOME=os.environ.get("ARCHIVE_HOME") or None,
        PUBLIC_BASE_URL=os.environ.get("ARCHIVE_PUBLIC_URL", ""),
        MAX_CONTENT_LENGTH=1024 * 1024,  # the only POST (citation export) is a small id list
        SEARCH_SERVICE=None,
        SEARCH_PER_PAGE=20,
        TODAY=None,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    config = app.config.get("ARCHIVE_CONFIG") or ArchiveConfig.from_env(app.config["ARCHIVE_HOME"])
    services.init_app(app, config)
    security.init_app(app)
    errors.init_app(app)

    for module in (search_views, reader_views, compare_views, cite_views, health_views, practices_views,
                   indicators_views, about, admin, api_spec):
        app.register_blueprint(module.bp)
    app.add_template_filter(indexer_snippet)
    app.add_template_global(place_name)
    app.add_template_global(having(SIDECAR), "report_fields")  # the reader's metadata table
    return app


def indexer_snippet(snippet: str) -> Markup:
    """Trust a search snippet as HTML: the indexer escapes the text and adds only ``<mark>``.

    This is the one place report text is rendered without autoescaping; ``test_web`` checks
    that a report containing ``<script>`` comes out of it escaped.
    """
    return Markup(snippet or "")
