"""Waiting on a condition, never for a guessed time: a test that sleeps a fixed time is slow on a
quiet machine and flaky on a busy one."""

from __future__ import annotations

import time
from collections.abc import Callable


def poll(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Whether ``condition`` holds within ``timeout`` seconds (checked every ``interval``, and once
    more at the deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
