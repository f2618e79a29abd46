"""The speed and memory targets (listed in bench/README.md), evaluated on one run's figures.

Each target is stated at a corpus size (10,000 reports unless said otherwise). At
another size the figure is still shown, marked "indicative", so a small development run reads
honestly: it neither claims nor denies a target it did not measure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Verdict:
    """One target line of the closing table."""

    target: str
    figure: str
    status: str  # "met" | "NOT MET" | "indicative: …" | "not measured"


def _status(ok: bool, stated_at: int | tuple[int, ...] | None, size: int) -> str:
    word = "met" if ok else "NOT MET"
    sizes = (stated_at,) if isinstance(stated_at, int) else stated_at
    if sizes is None or size in sizes:
        return word
    stated = " and ".join(f"{each:,}" for each in sizes)
    return f"indicative ({word} at {size:,}; target stated at {stated})"


def _get(result: dict, system: str, *keys: str) -> float | None:
    value: object = result.get("systems", {}).get(system, {})
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, int | float) else None


def evaluate(result: dict) -> list[Verdict]:
    """Met / not met for every target that this run has figures for."""
    size = result["size"]
    out: list[Verdict] = []
    queries = len(result.get("queries", []))
    exact = _get(result, "project", "exact")
    if exact is not None:
        out.append(Verdict("ours exact on every query", f"{exact:.0f}/{queries}",
                           _status(exact == queries, None, size)))
    ours_med = _get(result, "project", "latency", "median_ms")
    ours_p95 = _get(result, "project", "latency", "p95_ms")
    fts_med = _get(result, "fts5", "latency", "median_ms")
    fts_p95 = _get(result, "fts5", "latency", "p95_ms")
    if None not in (ours_med, fts_med):
        ratio = ours_med / fts_med
        out.append(Verdict("median ≤ 1.0× FTS5", f"{ours_med:.1f} / {fts_med:.1f} ms = {ratio:.2f}×",
                           _status(ratio <= 1.0, 10_000, size)))
    if None not in (ours_p95, fts_p95):
        ratio = ours_p95 / fts_p95
        out.append(Verdict("p95 ≤ 2× FTS5", f"{ours_p95:.1f} / {fts_p95:.1f} ms = {ratio:.2f}×",
                           _status(ratio <= 2.0, 10_000, size)))
    if ours_p95 is not None:
        out.append(Verdict("p95 ≤ 150 ms", f"{ours_p95:.1f} ms", _status(ours_p95 <= 150, 50_000, size)))
    out += _http_targets(result, fts_med, fts_p95)
    build = result.get("build", {})
    if "build_s" in build:
        estimate = build["build_s"] * 10_000 / size
        figure = f"{build['build_s']:.1f} s"
        if size != 10_000:
            figure += f" (≈{estimate:.0f} s at 10,000, linear)"
        out.append(Verdict("ingest+index 10,000 ≤ 180 s", figure, _status(estimate <= 180, 10_000, size)))
    add = _get(result, "add", "add_s")
    if add is not None:
        found = _get(result, "add", "found") or 0
        out.append(Verdict("add one report → searchable ≤ 2 s", f"{add:.2f} s (found: {found:.0f})",
                           _status(add <= 2.0 and found > 0, (10_000, 50_000), size)))
    first = _get(result, "http", "first_search_s")
    if first is not None:
        out.append(Verdict("gunicorn first search ≤ 1.5 s after start", f"{first:.2f} s",
                           _status(first <= 1.5, 10_000, size)))
        out.append(Verdict("gunicorn first search ≤ 3 s after start", f"{first:.2f} s",
                           _status(first <= 3.0, 200_000, size)))
    rss = _get(result, "http", "workers_peak_rss_mb")
    if rss is not None:
        own = _get(result, "http", "workers_private_mb")
        figure = f"{rss:.0f} MB peak RSS" + (f" ({own:.0f} MB its own)" if own is not None else "")
        out.append(Verdict("worker memory ≤ 400 MB", figure, _status(rss <= 400, 50_000, size)))
        if own is not None:
            out.append(Verdict("worker's own memory ≤ 400 MB", f"{own:.0f} MB",
                               _status(own <= 400, 200_000, size)))
    return out


def _http_targets(result: dict, fts_med: float | None, fts_p95: float | None) -> list[Verdict]:
    """The full ``/api/search`` within 2× the in-process FTS5 floor at every size, and its
    latency in milliseconds at the sizes the archive is held to: p95 ≤ 100 then ≤ 60 ms at
    10,000, median ≤ 50 and p95 ≤ 150 ms at 50,000, p95 ≤ 300 ms at 200,000."""
    size = result["size"]
    out: list[Verdict] = []
    http_med = _get(result, "http", "latency", "median_ms")
    http_p95 = _get(result, "http", "latency", "p95_ms")
    for label, ours, floor in (("median", http_med, fts_med), ("p95", http_p95, fts_p95)):
        if ours is not None and floor:
            ratio = ours / floor
            out.append(Verdict(f"HTTP {label} ≤ 2× FTS5", f"{ours:.1f} / {floor:.1f} ms = {ratio:.2f}×",
                               _status(ratio <= 2.0, None, size)))
    limits = (("p95", http_p95, 100, 10_000), ("p95", http_p95, 60, 10_000),
              ("median", http_med, 50, 50_000), ("p95", http_p95, 150, 50_000),
              ("p95", http_p95, 300, 200_000))
    for label, ours, limit, stated_at in limits:
        if ours is not None:
            out.append(Verdict(f"HTTP {label} ≤ {limit} ms at {stated_at:,}", f"{ours:.1f} ms",
                               _status(ours <= limit, stated_at, size)))
    return out
