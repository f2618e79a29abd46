"""``python -m tests.support.interrupt --after-stored N ARGS…``: ``python -m fazhi ARGS`` that
kills itself with SIGKILL right after the N-th file it stores.

Why: the tests of an interrupted ingest must interrupt it mid-batch, every time. A kill sent from
outside when a poll of the store sees progress races the ingest (it may store more files, or
finish, before the signal lands). Here the kill comes from the product's own hook, the per-file
callback of ``Archive.ingest`` (``on_file``, called once the file's transaction has committed),
wrapped around whatever callback the CLI passes: the process dies after exactly N stored files,
between two transactions, with no clean-up — as the OOM killer or a power cut would leave it.
"""

from __future__ import annotations

import inspect
import os
import signal
import sys
from collections.abc import Callable

from archive.store.ingest import FileOutcome
from fazhi.operations import Archive

STORED = ("ingested", "updated")  # outcomes that wrote a report; unchanged, skipped and failed did not


def kill_after_stored(count: int) -> None:
    """Make every ``Archive.ingest`` of this process SIGKILL it after ``count`` stored files."""
    if count < 1:
        raise ValueError("the process must store at least one file before it is killed")
    ingest = Archive.ingest
    signature = inspect.signature(ingest)
    stored = 0

    def ingest_then_die(*args: object, **kwargs: object):
        bound = signature.bind(*args, **kwargs)
        reported: Callable[[FileOutcome], None] | None = bound.arguments.get("on_file")  # type: ignore[assignment]

        def on_file(outcome: FileOutcome) -> None:
            nonlocal stored
            if reported is not None:
                reported(outcome)
            if outcome.status in STORED:
                stored += 1
                if stored >= count:
                    sys.stdout.flush()
                    os.kill(os.getpid(), signal.SIGKILL)

        bound.arguments["on_file"] = on_file
        return ingest(*bound.args, **bound.kwargs)

    Archive.ingest = ingest_then_die  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    """``--after-stored N`` then the arguments of ``python -m fazhi``."""
    if len(argv) < 3 or argv[0] != "--after-stored":
        print("usage: python -m tests.support.interrupt --after-stored N ARGS…", file=sys.stderr)
        return 2
    kill_after_stored(int(argv[1]))
    from fazhi.cli import main as fazhi

    return fazhi(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
