"""What a request costs beyond its search: Flask, the JSON body and the report fields it adds.

    .venv/bin/python -m bench.fixed_cost [--reps 60] [--home DIR]

Ingests the shipped corpus (``data/reports``) into an instance folder of its own, with no kept
answers (``bench.project.shipped_archive``), and times, alternately and in one process, the same
search three ways: the search service alone (``SearchService.search``), the service and the
JSON the API returns (``to_json``), and ``GET /api/search`` through Flask's test client (routing,
parameters, the report fields each group shows, the response). ``/healthz`` gives the floor of a
request that reads almost nothing. The difference between the API and the service is the fixed
cost: what every request pays whatever it matches, and what a bigger corpus does not change.

Not a test; the figures go to bench/LOG.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

# A township named in one report, a word in most, a word in none, and a filter alone.
QUERIES = (("垫江县", {}), ("法治", {}), ("量子纠缠", {}), ("", {"year": ["2023"]}))


def _median_ms(run: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fixed_cost")
    parser.add_argument("--reps", type=int, default=60, help="timed repetitions of each request")
    parser.add_argument("--home", type=Path, default=None, help="instance folder (default: a temporary one)")
    args = parser.parse_args(argv)

    from web import create_app
    from web.services import search_service

    from .project import shipped_archive

    with shipped_archive(args.home) as archive:
        app = create_app({"ARCHIVE_CONFIG": archive.config})
        client = app.test_client()
        with app.app_context():
            service = search_service()
        health = _median_ms(lambda: client.get("/healthz"), args.reps)
        print(f"/healthz: {health:.2f} ms (median of {args.reps})")
        print(f"{'query':16s} {'service':>9s} {'+ JSON':>9s} {'API':>9s} {'API − service':>14s}")
        for words, filters in QUERIES:
            query = {"q": words, **filters}

            def alone(words: str = words, filters: dict = filters) -> object:
                return service.search(words, filters or None)

            def with_json(words: str = words, filters: dict = filters) -> object:
                return service.search(words, filters or None).to_json()

            def over_flask(query: dict = query) -> object:
                response = client.get("/api/search", query_string=query)
                assert response.status_code == 200, response.data[:200]
                return response

            for warm in (alone, with_json, over_flask):
                warm()
            figures = [_median_ms(step, args.reps) for step in (alone, with_json, over_flask)]
            label = words or " ".join(f"{k}={v[0]}" for k, v in filters.items())
            print(f"{label:16s} {figures[0]:9.2f} {figures[1]:9.2f} {figures[2]:9.2f} "
                  f"{figures[2] - figures[0]:14.2f}")


if __name__ == "__main__":
    main()
