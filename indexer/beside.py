"""One read-only query run on a second connection, on a thread of its own, while the request's
own connection works.

Python's ``sqlite3`` lets go of the GIL while SQLite computes, so on a machine with two cores
two connections really run at once. A request uses this for work that needs nothing from its
connection's temp tables: the pre-rank of the matches by FTS5's bm25 (``indexer.service``),
which otherwise ran after the match set was read (依法行政 at 10,000 reports: ≈ 40 ms of a
150 ms request). The thread is started per query, not taken from a pool: a pool made before
gunicorn forks its workers would have no threads in them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence


class Beside:
    """The rows of ``sql`` on ``conn``, computed on a thread started at once; ``rows()`` waits.

    ``conn`` must not be used by anyone else until ``rows()`` (or ``settle()``) returned: the
    owner of the connection runs one query beside at a time (``_Generation.beside``).
    """

    def __init__(self, conn: sqlite3.Connection, sql: str, args: Sequence[object]) -> None:
        self._conn = conn
        self._rows: list[tuple] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(conn, sql, args), daemon=True,
                                        name="fazhi-beside")
        self._thread.start()

    def _run(self, conn: sqlite3.Connection, sql: str, args: Sequence[object]) -> None:
        try:
            self._rows = conn.execute(sql, args).fetchall()
        except BaseException as error:  # handed to the waiting request thread, raised there
            self._error = error

    def rows(self) -> list[tuple]:
        """The query's rows, once it finished; its error, raised here, if it failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._rows

    def cancel(self) -> None:
        """Stop the query (SQLite's interrupt: it ends at its next step) and wait for its thread;
        its rows are not wanted. A query that already finished is left as it is."""
        if self._thread.is_alive():
            self._conn.interrupt()
        self._thread.join()

    def settle(self) -> None:
        """Wait until the query finished, whatever came of it (its connection is free again)."""
        self._thread.join()
