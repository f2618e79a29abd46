"""``/healthz``: is the store readable and which index generation is being served.

Load balancers and the README's smoke test call it; it never raises, it says what is wrong.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from archive.store import Report

from .services import archive_config, db

bp = Blueprint("health", __name__)


def index_generation() -> str | None:
    """Name of the live index generation (None when no index has been built or it is unreadable)."""
    try:
        from indexer.generation import current_generation
    except ImportError:
        return None
    try:
        folder = current_generation(archive_config().index_dir)
    except OSError:  # an unreadable pointer is a health fact, not an error
        return None
    return folder.name if folder is not None else None


@bp.get("/healthz")
def healthz():
    """``{"ok": …, "reports": N, "index_generation": …}``; 503 when the store cannot be read."""
    try:
        count = db().scalar(select(func.count()).select_from(Report)) or 0
    except Exception as error:
        return jsonify({"ok": False, "reports": None, "index_generation": None, "error": str(error)}), 503
    return jsonify({"ok": True, "reports": count, "index_generation": index_generation()})
