"""gunicorn settings, used by ``scripts/serve.sh`` and the benchmark (``--config gunicorn.conf.py``).

Issue 14 §4: a worker must answer its first search ≤ 1.5 s after launch. So everything that
can be shared is done once, in the master, before workers are forked (``preload_app``:
importing ``wsgi`` repairs the index if needed and opens jieba's dictionary table, which
forked workers then share); the imports of the app are most of what is left. What cannot
cross a fork — SQLite connections, Whoosh file handles and the gid map read through them — is
opened by each worker in ``post_fork``, before it accepts its first request, so that request
costs what every later one does.
"""

from __future__ import annotations

import logging

preload_app = True


def post_fork(server, worker) -> None:
    """Open the live index generation in the new worker (``SearchService.warm``), and start the
    worker's follower of the store's change sequence (``fazhi.follow``)."""
    from archive.errors import ArchiveError
    from fazhi.follow import Follower
    from web.services import current_archive, search_service

    app = worker.app.wsgi()
    with app.app_context():
        current_archive().after_fork()
        try:
            search_service().warm()
        except ArchiveError as error:  # no usable index yet: the worker still serves reports
            logging.getLogger("gunicorn.error").warning("search not warmed: %s", error)
        Follower(current_archive()).start()
