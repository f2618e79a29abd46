"""The measuring loop shared by every system: warm up, check, then time repeated requests."""

from __future__ import annotations

from collections import defaultdict

from .check import judge
from .queries import BenchQuery
from .systems.base import System
from .timing import summary, timed
from .truth import Truth

# Above this, a request is timed once more instead of ``reps`` more times, so that a slow
# baseline cannot make a run last hours; fast requests get repeated samples.
SLOW_S = 1.0


def measure(system: System, queries: list[BenchQuery], truths: list[Truth], reps: int) -> dict:
    """Latency summary (overall and per query family) and one verdict per query.

    The first call of each query is a warm-up and the one checked for correctness; the ``reps``
    calls after it are timed (one call when the warm-up took over ``SLOW_S``: the warm-up itself
    is never a sample, it may pay a one-time load such as a lazily built table). The full id set
    is fetched separately and never timed.
    """
    latencies: list[float] = []
    by_family: dict[str, list[float]] = defaultdict(list)
    per_query: list[dict] = []
    for query, truth in zip(queries, truths, strict=True):
        answer, first = timed(lambda q=query: system.search(q))
        verdict = judge(answer, system.matching_ids(query), truth)
        samples = 1 if first > SLOW_S else reps  # a second-long answer is not cache noise
        times = [timed(lambda q=query: system.search(q))[1] for _ in range(samples)]
        latencies += times
        by_family[query.family.split("-")[0]] += times
        per_query.append({"query": query.text, "family": query.family, **verdict.as_dict(),
                          **summary(times)})
    return {
        "latency": summary(latencies),
        "families": {family: summary(values) for family, values in by_family.items()},
        "exact": sum(item["exact"] for item in per_query),
        "queries": per_query,
    }
