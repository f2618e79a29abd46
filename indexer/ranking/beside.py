"""One read-only query run on a second connection, on a thread of its own, while the request's
own connection works.

Python's ``sqlite3`` lets go of the GIL while SQLite computes, so on a machine with two cores
two connections really run at once. A request uses this for work that needs nothing from its
connection's temp tables: the pre-rank of the matches by FTS5's bm25 (``indexer.service``),
which otherwise ran after the match set was read (依法行政 at 10,000 reports: ≈ 40 ms of a
150 ms request).

One thread per second connection, started on its first query, in the process that uses it (a
thread made before gunicorn forks its workers would not exist in them), and kept: starting a
thread per query cost 0.2–6 ms of every request, the larger figure when the cores are busy.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Sequence


class Beside:
    """The rows of ``sql`` on ``conn``, computed on the connection's thread; ``rows()`` waits.

    ``conn`` must not be used by anyone else until ``rows()`` (or ``settle()``) returned: the
    owner of the connection runs one query beside at a time (``_Generation.beside``).
    """

    def __init__(self, runner: Runner, sql: str, args: Sequence[object]) -> None:
        self._conn = runner.conn
        self._rows: list[tuple] = []
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._started = threading.Event()
        runner.submit(self, sql, args)

    def run(self, sql: str, args: Sequence[object]) -> None:
        """Run the query (on the runner's thread)."""
        self._started.set()
        try:
            self._rows = self._conn.execute(sql, args).fetchall()
        except BaseException as error:  # handed to the waiting request thread, raised there
            self._error = error
        finally:
            self._done.set()

    def rows(self) -> list[tuple]:
        """The query's rows, once it finished; its error, raised here, if it failed."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._rows

    def cancel(self) -> None:
        """Stop the query (SQLite's interrupt: it ends at its next step) and wait for it; its
        rows are not wanted. A query that already finished is left as it is."""
        if self._started.is_set() and not self._done.is_set():
            self._conn.interrupt()
        self._done.wait()

    def settle(self) -> None:
        """Wait until the query finished, whatever came of it (its connection is free again)."""
        self._done.wait()


class Runner:
    """The thread that runs a second connection's queries, one at a time. Started on the first
    query and kept while queries come; it ends after ``IDLE_SECONDS`` without one (a process
    that made many services, as a test run does, keeps no idle threads) and starts again on the
    next."""

    IDLE_SECONDS = 60.0

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._jobs: queue.SimpleQueue[tuple[Beside, str, Sequence[object]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, job: Beside, sql: str, args: Sequence[object]) -> None:
        """Queue ``job``: its query runs as soon as the thread is free."""
        with self._lock:
            self._jobs.put((job, sql, args))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, daemon=True, name="fazhi-beside")
                self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                item = self._jobs.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            if item is None:
                return
            job, sql, args = item
            job.run(sql, args)

    def close(self) -> None:
        """Stop the thread after the queued queries (the caller then closes the connection)."""
        with self._lock:
            thread = self._thread
            if thread is not None and thread.is_alive():
                self._jobs.put(None)
        if thread is not None:
            thread.join()
