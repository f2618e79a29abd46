"""WSGI entry point: ``gunicorn --config gunicorn.conf.py wsgi:app`` (configuration from
ARCHIVE_HOME / ARCHIVE_DATABASE_URL).

Before serving, a missing, corrupt or stale search index is repaired from the store
(``indexer.recovery.ensure_index``, one log line saying why), so a lost index never serves
empty results or errors, and jieba's dictionary is loaded. With ``preload_app`` (see
``gunicorn.conf.py``) both run once, in the gunicorn master, and forked workers inherit them.
"""

from archive.config import ArchiveConfig
from indexer.analysis import ensure_jieba
from indexer.recovery import ensure_index
from web import create_app

ensure_index(ArchiveConfig.from_env())
ensure_jieba()
app = create_app()
