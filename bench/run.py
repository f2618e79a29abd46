"""One benchmark run at one corpus size: generate, build the project, measure every system.

Order matters: the project ingests first so that the passage table every other system indexes
is read back from the project's own store (same passages, same ids, same facet values).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter

from . import passages
from .corpus import generate
from .project import config_for
from .queries import build_queries
from .truth import truth_for

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# A step that has not answered by then is cut (its figures are reported as an error); the
# project's build gets longer: ≈ 50 min at 50,000 reports on two cores, which an hour cut once.
STEP_TIMEOUT_S = 3600
BUILD_TIMEOUT_S = 4 * 3600


def worker(system: str, workdir: Path, reps: int, *extra: str, timeout: float = STEP_TIMEOUT_S) -> dict:
    """Run one measurement subprocess and return its JSON (or the error it died with).

    The previous step's writes are flushed first: the build and the FTS5 floor write gigabytes,
    and a system timed while the kernel writes them back shares the disk and a core with it."""
    os.sync()
    command = [PYTHON, "-m", "bench.worker", system, str(workdir), "--reps", str(reps), *extra]
    print(f"  … {system}", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode != 0:
        return {"system": system, "error": done.stderr.strip().splitlines()[-1:] or ["died"]}
    return json.loads(done.stdout)


def project_available() -> bool:
    """Whether the parser and the indexer of this project exist yet (they are built in parallel)."""
    needed = ("archive/describing/parse.py", "indexer/index/build.py", "indexer/service.py")
    return all((REPO / name).exists() for name in needed)


def run_size(size: int, seed: int, out: Path, reps: int, systems: list[str],
             checkpoint: Callable[[dict], None] = lambda result: None, reuse_build: bool = False) -> dict:
    """Every figure for one corpus size, as a JSON-ready dict (handed to ``checkpoint`` after
    every system, so a run cut short still leaves what it measured). With ``reuse_build`` the
    project's build an earlier run left is measured again (its recorded figures are reported,
    marked reused) and not modified: no report is added to it."""
    workdir = out / f"run-{size}-{seed}"
    workdir.mkdir(parents=True, exist_ok=True)
    start = perf_counter()
    corpus = generate(out, size, seed)
    result: dict = {"size": size, "seed": seed, "generate_s": perf_counter() - start, "systems": {}}
    home = workdir / "home"
    use_project = project_available() and "project" in systems
    project_args = ("--home", str(home), "--corpus", str(corpus), "--seed", str(seed))
    if use_project:
        result["build"] = worker("project-reuse" if reuse_build else "project-build", workdir, reps,
                                 *project_args, timeout=BUILD_TIMEOUT_S)
    built = use_project and "error" not in result.get("build", {})
    records = passages.from_index(config_for(home).index_dir) if built else passages.from_files(corpus)
    result["passages_from"] = "project index (paragraphs, headings, titles)" if built else \
        "generated files (simple split)"
    result["passages"] = len(records)
    result["paragraphs"] = sum(r.paragraph for r in records)
    result["reports"] = len({r.report_id for r in records})
    result["chars"] = sum(len(r.text) for r in records)
    # sampled from the paragraphs in a fixed order, so the set does not depend on headings or ids
    queries = build_queries(sorted((r for r in records if r.paragraph), key=lambda r: (r.report_id, r.seq)),
                            seed)
    truths = [truth_for(records, query) for query in queries]
    result["queries"] = [{"text": q.text, "family": q.family, "expected": len(t.ids), "reports": t.reports}
                         for q, t in zip(queries, truths, strict=True)]
    passages.save(records, workdir / "passages.pkl")
    with (workdir / "inputs.pkl").open("wb") as handle:
        pickle.dump({"queries": queries, "truths": truths}, handle)
    del records
    # The floor and this project first, then the peers with the slowest builds last: the targets
    # are stated against the floor.
    steps = [(name, ()) for name in ("fts5",) if name in systems]
    steps += [(name, project_args) for name in ("project", "http", "add")
              if built and not (reuse_build and name == "add")]
    steps += [(name, ()) for name in ("datasette", "scan", "stock") if name in systems]
    for name, extra in steps:
        result["systems"][name] = worker(name, workdir, reps, *extra)
        checkpoint(result)
    return result
