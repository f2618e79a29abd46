"""gunicorn settings, used by ``scripts/serve.sh`` and the benchmark (``--config gunicorn.conf.py``).

A worker must answer its first search within 1.5 s of launch. So everything that
can be shared is done once, in the master, before workers are forked (``preload_app``:
importing ``wsgi`` repairs the index if needed and opens jieba's dictionary table, which
forked workers then share); the imports of the app are most of what is left. What cannot
cross a fork — SQLite connections, Whoosh file handles and the gid map read through them — is
opened by each worker in ``post_fork``, before it accepts its first request, so that request
costs what every later one does.
"""

from __future__ import annotations

import gc
import logging

preload_app = True
# No request-line limit of gunicorn's own (0 = none; its largest limit is 8190 bytes): a search
# carries its text in the URL, up to ``archive.fields.MAX_QUERY_CHARS`` characters of 9 bytes
# each, and a longer one must get the archive's message naming that limit, not gunicorn's
# English "414 URI Too Long" page. The search box posts long text instead (web/params.py), so
# only a typed or shared URL is this long. A reverse proxy in front sets its own cap
# (nginx: ``large_client_header_buffers 4 64k`` lets a 5,000-character query through).
limit_request_line = 0


def pre_fork(server, worker) -> None:
    """Move the master's objects out of the garbage collector's reach (``gc.freeze``) before a
    worker is forked: they live as long as the process, and a worker's collections walking them
    wrote to their pages, so each worker copied pages it could have shared with the master."""
    gc.freeze()


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
    # What the warm-up made lives as long as the worker too. A full collection walked it on a
    # request's time: 20–36 ms, once every nine searches or so (at 10,000 reports 普法 took 90 ms,
    # one sample in three 162 ms); frozen, a full collection takes 0.5 ms.
    gc.freeze()
