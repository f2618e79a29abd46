"""WSGI entry point: ``gunicorn wsgi:app`` (configuration from ARCHIVE_HOME / ARCHIVE_DATABASE_URL).

Before serving, a missing, corrupt or stale search index is repaired from the store
(``indexer.recovery.ensure_index``, one log line saying why), so a lost index never serves
empty results or errors. With ``--preload`` this runs once, in the gunicorn master.
"""

from archive.config import ArchiveConfig
from indexer.recovery import ensure_index
from web import create_app

ensure_index(ArchiveConfig.from_env())
app = create_app()
