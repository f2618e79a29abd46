"""Admin endpoints: upload-and-ingest, rebuild the index, delete a report, review and correct
metadata — behind a token.

Why this shape: the public archive is read-only; anything that changes data is
reachable only with an admin credential set in configuration (``ADMIN_TOKEN`` in the app
config, else the ``ARCHIVE_ADMIN_TOKEN`` environment variable). Without one, this blueprint
answers 404 to everything, as if it did not exist.

* The token travels only in the ``Authorization: Bearer …`` header: never in a URL (it would
  end up in logs and browser history) and never in a cookie, so a hostile page cannot make a
  logged-in browser send it (no CSRF: custom headers need a CORS preflight nobody grants).
* Tokens are compared with ``hmac.compare_digest`` (constant time), and a configured token
  shorter than ``MIN_TOKEN_CHARS`` disables admin instead of inviting guesses.
* Uploads keep their (Chinese) file names but are reduced to a bare name in one folder under
  the instance (``uploads/``), so no name can write outside it; re-uploading a name replaces
  that file's report the way re-ingesting a changed file does.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import tempfile
import unicodedata
from functools import wraps
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from archive.harvest.crawl import current_progress, options_from_json, validate_seeds
from archive.reading.readers import MAX_FILE_BYTES
from archive.store.corrections import review_counts

from .errors import error_response
from .reports import ID_PATTERN
from .services import archive_config, current_archive

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger("web.admin")

MIN_TOKEN_CHARS = 16
MAX_UPLOAD_FILES = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_FILES * MAX_FILE_BYTES
UPLOAD_DIR = "uploads"


def configured_token() -> str:
    """The admin token from the app config or the environment ('' = admin disabled)."""
    token = current_app.config.get("ADMIN_TOKEN") or os.environ.get("ARCHIVE_ADMIN_TOKEN") or ""
    if token and len(token) < MIN_TOKEN_CHARS:
        log.warning("admin disabled: the configured token is shorter than %d characters", MIN_TOKEN_CHARS)
        return ""
    return token


def _error(status: int, message: str):
    """A refusal that is no ArchiveError (token, upload form, a 409), shaped by ``web.errors``."""
    return error_response(status, message)


def require_token(view):
    """404 when admin is not configured, 403 unless the request carries the token."""

    @wraps(view)
    def guarded(*args, **kwargs):
        token = configured_token()
        if not token:
            return _error(404, "没有找到这个页面")
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            log.warning("admin: refused %s %s from %s", request.method, request.path, request.remote_addr)
            return _error(403, "需要管理员凭据（Authorization: Bearer …）")
        log.warning("admin: %s %s from %s", request.method, request.path, request.remote_addr)
        return view(*args, **kwargs)

    return guarded


@bp.before_request
def _allow_uploads() -> None:
    """Report files are bigger than the public app's 1 MB request limit."""
    request.max_content_length = MAX_UPLOAD_BYTES


def safe_filename(name: str) -> str:
    """A bare file name that keeps Chinese, spaces and quotes but cannot leave the upload folder."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[:200] or "upload.bin"


@bp.post("/ingest")
@require_token
def ingest():
    """Multipart upload (field ``files``): ingest each file, refresh the index, report per file."""
    uploads = request.files.getlist("files")
    if not uploads:
        return _error(400, "请用 multipart 字段 files 上传至少一个文件")
    if len(uploads) > MAX_UPLOAD_FILES:
        return _error(400, f"一次最多上传 {MAX_UPLOAD_FILES} 个文件")
    config = archive_config()
    folder = config.home / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for upload in uploads:
        target = folder / safe_filename(upload.filename or "")
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            upload.save(out)
        os.replace(temporary, target)
        paths.append(target)
    summary = current_archive().ingest(paths, workers=1)
    return jsonify({
        "counts": summary.counts,
        "files": [{"filename": Path(o.path).name, "status": o.status, "report_id": o.report_id,
                   "message": o.message} for o in summary.outcomes],
    }), (200 if not summary.failures else 422)


@bp.post("/rebuild")
@require_token
def rebuild():
    """Rebuild the whole index aside and swap it in (readers keep searching meanwhile)."""
    stats = current_archive().rebuild()
    return jsonify({"reports": stats.reports, "passages": stats.passages, "seconds": round(stats.seconds, 2),
                    "generation": stats.generation})


@bp.get("/review")
@require_token
def review_list():
    """Every doubt about the reports' metadata, field by field, with its kind and reason
    (``archive.store.corrections.review``), and how many of each kind."""
    items = current_archive().review()
    return jsonify({"items": [item.as_dict() for item in items], "counts": review_counts(items)})


@bp.post("/reports/<report_id>/correct")
@require_token
def correct_report(report_id: str):
    """JSON ``{"fields": {"county": "潢川县"}, "reason": "…"}``: record the correction (it survives
    re-ingest and rebuild), apply it and refresh the index, so search shows it at once."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict) or not payload["fields"]:
        return _error(400, '请以 JSON 提交 {"fields": {"字段": "值"}, "reason": "理由"}')
    reason = payload.get("reason", "")
    if not isinstance(reason, str):
        return _error(400, "reason 应为文字")
    # ReportNotFound (404) / UnreadableFile (400) go to web.errors
    report = current_archive().correct(report_id, payload["fields"], reason)
    why = {key: report.provenance.get(key) for key in payload["fields"]}
    return jsonify({"report": report.metadata_dict(), "provenance": why})


@bp.post("/reports/<report_id>/delete")
@require_token
def delete_report(report_id: str):
    """Remove a report, its original files and its aliases in one transaction, then from the index."""
    if not ID_PATTERN.match(report_id):
        return _error(404, "报告编号无效")
    files = current_archive().delete(report_id)  # ReportNotFound (404) goes to web.errors
    return jsonify({"deleted": report_id, "source_files": files})


@bp.post("/harvest")
@require_token
def start_harvest():
    """JSON ``{"urls": ["https://…"], "depth": 2, "delay": 1, "timeout": 20}``: start a harvest in
    the background (202) and refresh the index when it ends; 409 while one runs. A request
    cannot wait for a crawl that politely takes minutes, so progress is ``GET /admin/harvest``."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("urls"), list):
        return _error(400, '请以 JSON 提交 {"urls": ["https://…"], "depth": 2, "delay": 1}')
    options = options_from_json(payload)  # a bad value raises ArchiveError: 400 by web.errors
    seeds = validate_seeds(payload["urls"])
    if not current_archive().harvest_in_background(seeds, options):
        return _error(409, "已有抓取任务在进行，请稍后再试（GET /admin/harvest 查看进度）")
    return jsonify({"status": "started", "urls": seeds, "progress": "/admin/harvest"}), 202


@bp.get("/harvest")
@require_token
def harvest_progress():
    """The latest harvest: running/finished/interrupted, URLs queued and done, outcome counts,
    failures with their reasons (read from the harvest state, so any worker can answer)."""
    progress = current_progress(archive_config())
    return jsonify(progress.as_dict() if progress else {"status": "none"})
