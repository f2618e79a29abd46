"""A web node's follower: keeps the node's own index current with a store other nodes change too.

Several gunicorn nodes may share one PostgreSQL store, each with its index in its own
``ARCHIVE_HOME``. Every change to a report is a row of the store's change sequence, so each
worker polls it (one indexed ``max(seq)`` query and one read of the index's recorded seq per
``FOLLOW_INTERVAL``) and, when behind, applies the newer changes with the incremental update.
The workers of one node share its index: whichever holds ``recover.lock`` applies, the others
skip that round (``Archive.update_index(wait=False)``).
"""

from __future__ import annotations

import logging
import threading

from .operations import Archive

FOLLOW_INTERVAL = 1.0  # seconds between polls: a change is searchable on every node within ~1 s + its update
FOLLOW_GRACE = 10.0  # a node whose oldest unapplied change is older than this is not ready (/healthz 503)

log = logging.getLogger("fazhi.follow")


class Follower:
    """A daemon thread applying the store's new changes to this node's index."""

    def __init__(self, archive: Archive, interval: float = FOLLOW_INTERVAL) -> None:
        self.archive = archive
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-follower", daemon=True)

    def start(self) -> Follower:
        """Start polling; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current round."""
        self._stop.set()
        self._thread.join()

    def poll(self) -> int | None:
        """One round: apply pending changes if any (None when another worker is applying them)."""
        if self.archive.lag().current:
            return 0
        return self.archive.update_index(wait=False)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                applied = self.poll()
            except Exception:  # a store or index hiccup must not end the follower: try next round
                log.exception("following the store failed; retrying")
                continue
            if applied:
                log.info("index follows the store: %d reports re-read", applied)
