"""Latency statistics: median and nearest-rank p95, the two figures the targets are stated in."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from time import perf_counter
from typing import TypeVar

T = TypeVar("T")


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (no interpolation: a real observed latency)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median and p95 in milliseconds of latencies given in seconds."""
    if not values:
        return {"median_ms": math.nan, "p95_ms": math.nan, "n": 0}
    return {"median_ms": statistics.median(values) * 1000, "p95_ms": p95(values) * 1000, "n": len(values)}


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """Run ``call`` and return its result with the wall time it took, in seconds."""
    start = perf_counter()
    result = call()
    return result, perf_counter() - start
