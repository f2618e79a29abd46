"""WSGI entry point: ``gunicorn --config gunicorn.conf.py wsgi:app`` (configuration from
ARCHIVE_HOME / ARCHIVE_DATABASE_URL).

Before serving, a missing, corrupt or stale search index is repaired from the store
(``indexer.index.recovery.ensure_index``, one log line saying why) and brought up to the store's
change sequence, so a lost index never serves empty results or errors and a node started empty
serves only once it is current; and jieba is made ready to segment queries, lazily
(``ensure_jieba(lazy=True)``): its dictionary is read from an SQLite table on demand instead of
being loaded whole (``indexer.analysis.tokenizer.DiskFreq``), which takes milliseconds; the first start
after the dictionary changed loads it whole once, to write the table. With ``preload_app`` (see
``gunicorn.conf.py``) this runs once, in the gunicorn master, and forked workers inherit the
result; each worker then follows the store (``fazhi.follow``, started in ``post_fork``).
"""

from fazhi.operations import Archive
from indexer.analysis.tokenizer import ensure_jieba
from web import create_app

archive = Archive()
archive.ensure_index()
archive.update_index()
ensure_jieba(lazy=True)
app = create_app({"ARCHIVE": archive})
