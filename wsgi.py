"""WSGI entry point: ``gunicorn --config gunicorn.conf.py wsgi:app`` (configuration from
ARCHIVE_HOME / ARCHIVE_DATABASE_URL).

Before serving, a missing, corrupt or stale search index is repaired from the store
(``indexer.recovery.ensure_index``, one log line saying why) and brought up to the store's
change sequence, so a lost index never serves empty results or errors and a node started empty
serves only once it is current; and jieba's dictionary is loaded. The two are independent and
run side by side: the index check is mostly SQLite's integrity check, C code that releases the
GIL, while jieba unmarshals its dictionary (together ≈ 1 s at 10,000 reports, most of a worker's
time to first answer, issue 5). With ``preload_app`` (see ``gunicorn.conf.py``) this runs once,
in the gunicorn master, and forked workers inherit the result; each worker then follows the
store (``fazhi.follow``, started in ``post_fork``).
"""

from concurrent.futures import ThreadPoolExecutor

from fazhi.operations import Archive
from indexer.analysis import ensure_jieba
from web import create_app


def _current(archive: Archive) -> None:
    archive.ensure_index()
    archive.update_index()


archive = Archive()
with ThreadPoolExecutor(max_workers=1) as _pool:
    _checked = _pool.submit(_current, archive)
    ensure_jieba()
    _checked.result()
app = create_app({"ARCHIVE": archive})
