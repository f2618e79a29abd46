"""``/healthz``: is the store readable, which index generation is served, and is it current.

Load balancers and the README's smoke test call it; it never raises, it says what is wrong. A
node whose index is missing, or behind the store's change sequence by a change older than
``FOLLOW_GRACE`` (a node started empty and still building, a follower that cannot keep up),
answers 503, so a reverse proxy sends searches only to nodes that are current.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import func, select

from archive.store.db import Report
from fazhi.follow import FOLLOW_GRACE
from indexer.index.generation import current_generation

from .pages import Page, answers
from .schemas.status import HealthSchema
from .services import archive_config, current_archive, db

bp = Blueprint("health", __name__)


def index_generation() -> str | None:
    """Name of the live index generation (None when no index has been built or it is unreadable)."""
    try:
        folder = current_generation(archive_config().index_dir)
    except OSError:  # an unreadable pointer is a health fact, not an error
        return None
    return folder.name if folder is not None else None


@bp.get("/healthz")
@answers(HealthSchema())
def healthz() -> Page:
    """``{"ok": …, "reports": N, "index_generation": …, "index_seq": …, "store_seq": …}``; 503 when
    the store cannot be read or the index is missing or not current."""
    try:
        count = db().scalar(select(func.count()).select_from(Report)) or 0
        lag = current_archive().lag()
    except Exception as error:
        return Page({"ok": False, "reports": None, "index_generation": None, "error": str(error)}, status=503)
    generation = index_generation()
    body = {"ok": True, "reports": count, "index_generation": generation, "index_seq": lag.applied,
            "store_seq": lag.latest}
    if generation is None:
        return Page({**body, "ok": False, "error": "检索索引尚未建立"}, status=503)
    if lag.seconds_behind() > FOLLOW_GRACE:
        return Page({**body, "ok": False, "error": f"检索索引落后于存储（已应用 {lag.applied}，"
                                                  f"存储 {lag.latest}）"}, status=503)
    return Page(body)
