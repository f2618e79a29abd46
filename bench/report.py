"""The printed table: every system's figures side by side, ratios, targets, correctness, growth.

Rendered once as rows of cells, then printed as aligned text and written as markdown, so the
terminal and the file can never disagree.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable

from .targets import evaluate

SYSTEMS = (("project", "ours (service)"), ("http", "ours (HTTP)"), ("fts5", "FTS5 trigram"),
           ("datasette", "Datasette (HTTP)"), ("stock", "stock Whoosh+jieba"), ("scan", "linear scan"))
# Ratio columns (numerator, denominator, header): in process against the in-process floor, over
# HTTP against the floor (the target: within 2×) and against the HTTP peer, and against stock Whoosh.
RATIOS = (("project", "fts5", "service/FTS5"), ("http", "fts5", "HTTP/FTS5"),
          ("http", "datasette", "HTTP/Datasette"), ("project", "stock", "service/stock"))
FAMILIES = ("term", "rare", "literal", "multi", "filtered")
Row = list[str]


def _num(value: object, digits: int = 1) -> str:
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return f"{value:,.{digits}f}"
    return "–"


def _ratio(a: object, b: object) -> str:
    if isinstance(a, int | float) and isinstance(b, int | float) and b:
        return f"{a / b:.2f}×"
    return "–"


def _lookup(system: dict, path: str) -> object:
    value: object = system
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _metric_rows(result: dict) -> list[Row]:
    """One row per figure: a cell per system, then the ``RATIOS``."""
    systems = result["systems"]
    build = result.get("build", {})
    project = {**systems.get("project", {}), "build_s": build.get("build_s"),
               "index_mb": (build.get("index_bytes", 0) + build.get("store_bytes", 0)) / 2**20 or None,
               "peak_rss_mb": build.get("peak_rss_mb")}
    columns = {"project": project, **{name: systems.get(name, {}) for name, _ in SYSTEMS[1:]}}
    for name in ("fts5", "datasette", "stock"):
        if "index_bytes" in columns[name]:
            columns[name] = {**columns[name], "index_mb": columns[name]["index_bytes"] / 2**20}
    metrics: list[tuple[str, str, int]] = [
        ("build (ingest+index) s", "build_s", 1), ("index on disk MB (ours: store+index)", "index_mb", 1),
        ("peak RSS MB (build process)", "peak_rss_mb", 0),
        ("latency median ms", "latency.median_ms", 1), ("latency p95 ms", "latency.p95_ms", 1),
        *[(f"  {family} median ms", f"families.{family}.median_ms", 1) for family in FAMILIES],
        ("exact queries", "exact", 0),
    ]
    rows: list[Row] = []
    for label, path, digits in metrics:
        values = {name: _lookup(columns[name], path) for name, _ in SYSTEMS}
        rows.append([label, *[_num(values[name], digits) for name, _ in SYSTEMS],
                     *[_ratio(values[top], values[bottom]) for top, bottom, _ in RATIOS]])
    return rows


def _extra_rows(result: dict) -> list[Row]:
    """Figures only this project has (service start, HTTP start, worker memory, add one)."""
    systems = result["systems"]
    build = result.get("build", {})
    pairs = [
        ("ingest s / index s", f"{_num(build.get('ingest_s'))} / {_num(build.get('index_s'))}"
                               + (" (build of an earlier run, reused)" if build.get("reused") else "")),
        ("reports placed at planned township+year",
         f"{_lookup(build, 'placed.right')} of {_lookup(build, 'placed.of')}"),
        ("service cold start → first search s", _num(_lookup(systems, "project.first_search_s"), 2)),
        ("gunicorn launch → first search s", _num(_lookup(systems, "http.first_search_s"), 2)),
        ("Datasette launch → first answer s", _num(_lookup(systems, "datasette.first_search_s"), 2)),
        ("gunicorn worker RSS MB (now / peak / own)",
         f"{_num(_lookup(systems, 'http.workers_rss_mb'), 0)} / "
         f"{_num(_lookup(systems, 'http.workers_peak_rss_mb'), 0)} / "
         f"{_num(_lookup(systems, 'http.workers_private_mb'), 0)}"),
        ("add one report → searchable s (ingest / whole update, marks included)",
         f"{_num(_lookup(systems, 'add.add_s'), 2)} ({_num(_lookup(systems, 'add.ingest_s'), 2)} / "
         f"{_num(_lookup(systems, 'add.update_s'), 2)})"),
    ]
    return [[label, value] for label, value in pairs]


def _failures(result: dict) -> list[str]:
    """Steps that died, each with the last line it printed: a column of dashes must say why (a
    refused ``--reuse-build`` once left the project's columns empty without a word)."""
    steps = [result.get("build", {}), *result["systems"].values()]
    return [f"!! {step['system']} failed: {' '.join(step['error'])}" for step in steps if "error" in step]


def _query_rows(result: dict) -> list[Row]:
    """Per query: expected passages, then each system's total and ✓ (exact) or ✗."""
    systems = result["systems"]
    rows: list[Row] = []
    for index, query in enumerate(result["queries"]):
        cells = [query["text"], query["family"], f"{query['expected']:,}"]
        for name, _ in SYSTEMS:
            checks = systems.get(name, {}).get("queries")
            if not checks:
                cells.append("–")
                continue
            check = checks[index]
            cells.append(f"{'✓' if check['exact'] else '✗'} {check['total']:,} {check['median_ms']:.0f}ms")
        rows.append(cells)
    return rows


GROWTH = (("latency.median_ms", "median ms"), ("latency.p95_ms", "p95 ms"), ("build_s", "build s"))


def _pick(result: dict, name: str, path: str) -> object:
    """A figure of one system; the project's build lives beside the systems."""
    if name == "project" and path == "build_s":
        return result.get("build", {}).get("build_s")
    return _lookup(result["systems"].get(name, {}), path)


def _growth_rows(results: list[dict]) -> list[Row]:
    """Each system's build time, median and p95 at every size, and the growth factor."""
    rows: list[Row] = []
    for name, label in SYSTEMS:
        for path, what in GROWTH:
            values = [_pick(result, name, path) for result in results]
            rows.append([f"{label} {what}", *[_num(v) for v in values], _ratio(values[-1], values[0])])
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text_table(header: Row, rows: list[Row]) -> str:
    widths = [max(_width(row[i]) if i < len(row) else 0 for row in [header, *rows])
              for i in range(len(header))]

    def line(row: Row) -> str:
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def _md_table(header: Row, rows: list[Row]) -> str:

    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")
    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(map(esc, row)) + " |" for row in rows])


def render(results: list[dict], table: Callable[[Row, list[Row]], str]) -> str:
    """The whole report for one or more sizes, using ``table`` to lay out each table."""
    parts: list[str] = []
    names = [label for _, label in SYSTEMS]
    for result in results:
        parts.append(
            f"== {result['size']:,} reports (seed {result['seed']}): {result['reports']:,} reports, "
            f"{result['passages']:,} passages, {result['chars'] / 1e6:.1f} M chars; passages from "
            f"{result['passages_from']}; corpus ready in {result['generate_s']:.1f} s")
        if failures := _failures(result):
            parts.append("\n".join(failures))
        parts.append(table(["figure", *names, *[header for _, _, header in RATIOS]], _metric_rows(result)))
        parts.append(table(["this project only", "value"], _extra_rows(result)))
        verdicts = evaluate(result)
        parts.append(table(["target", "figure", "status"],
                           [[v.target, v.figure, v.status] for v in verdicts]))
        parts.append(table(["query", "family", "expected", *names], _query_rows(result)))
    if len(results) > 1:
        sizes = [f"{r['size']:,}" for r in results]
        parts.append("== cost growth")
        parts.append(table(["figure", *sizes, f"{sizes[-1]}/{sizes[0]}"], _growth_rows(results)))
    return "\n\n".join(parts) + "\n"


def as_text(results: list[dict]) -> str:
    """Aligned plain-text tables for the terminal."""
    return render(results, _text_table)


def as_markdown(results: list[dict]) -> str:
    """The same tables in markdown, for bench/out/."""
    return render(results, _md_table)
