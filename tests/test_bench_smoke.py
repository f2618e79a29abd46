"""Smoke test of the benchmark's corpus generator (the benchmark itself is not a test).

Why: every figure of the benchmark rests on the corpus being reproducible and realistic; a
generator that drifted between runs or invented places would make the figures meaningless.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench import project, report
from bench.corpus import generate, read_manifest
from bench.places import townships
from fazhi.operations import Archive

SIZE = 20


def _files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}


def test_generator_is_deterministic_and_uses_real_townships(tmp_path: Path) -> None:
    first = _files(generate(tmp_path / "a", SIZE, 7))
    second = _files(generate(tmp_path / "b", SIZE, 7))
    assert len(first) == SIZE
    assert first == second
    assert first != _files(generate(tmp_path / "c", SIZE, 8))

    known = {(t.code, t.township, t.county, t.city, t.province) for t in townships()}
    for planned in read_manifest(tmp_path / "a" / f"corpus-{SIZE}-7"):
        assert (planned.code, planned.township, planned.county, planned.city, planned.province) in known
        assert 2020 <= planned.year <= 2025
        title = first[planned.file].splitlines()[0]
        assert f"{planned.county}{planned.township}{planned.year}年" in title
        assert "\n一、" in first[planned.file]


def test_plan_scales_to_the_50000_report_run() -> None:
    """``bench run --size 50000``: every report a file of its own, at a real township, and no
    township reporting twice for one year (the generator wraps around the gazetteer at 3 reports
    per township)."""
    from bench.corpus import plan

    planned = plan(50_000, 7)
    assert len({item.file for item in planned}) == 50_000
    assert len({(item.code, item.year) for item in planned}) == 50_000
    assert len({item.code for item in planned}) > 16_000
    assert {item.code for item in planned} <= {place.code for place in townships()}


@pytest.mark.slow  # builds and checks a benchmark archive
def test_a_recorded_build_is_reused_only_while_its_store_and_index_are_current(tmp_path: Path) -> None:
    """``bench run --reuse-build``: the 50,000-report build takes most of an hour, so a run may
    measure the one an earlier run left (the add-one step leaves it as it found it); its recorded
    figures come back marked reused, and a store that no longer matches the corpus is refused
    rather than measured."""
    corpus = generate(tmp_path, SIZE, 7)
    workdir = tmp_path / "run"
    workdir.mkdir()
    args = argparse.Namespace(home=workdir / "home", corpus=corpus, seed=7, workdir=workdir, reps=1)
    built = project.build(args)
    added = project.add_one(args)  # measures one report added, then removes it
    assert added["found"] == 1 and added["add_s"] > 0
    reused = project.reuse(args)
    assert reused.pop("reused") is True and reused == built
    assert built["placed"] == {"right": SIZE, "of": SIZE}
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extra.txt").write_text(next(iter(_files(corpus).values())).replace("2", "3"), encoding="utf-8")
    Archive(project.config_for(args.home)).ingest([extra / "extra.txt"])
    with pytest.raises(SystemExit, match="reports"):
        project.reuse(args)


def test_a_step_that_died_is_named_with_its_reason_in_the_report() -> None:
    """A refused ``--reuse-build`` (or any step that died) is printed with its last line, not
    left as columns of dashes."""
    reason = "the store holds 10001 reports, the corpus 10000: build again"
    result = {"size": 10_000, "seed": 7, "reports": 0, "passages": 0, "chars": 0, "generate_s": 0.0,
              "passages_from": "generated files (simple split)", "queries": [],
              "build": {"system": "project-reuse", "error": [reason]},
              "systems": {"fts5": {"system": "fts5", "error": ["died"]}}}
    for text in (report.as_text([result]), report.as_markdown([result])):
        assert f"!! project-reuse failed: {reason}" in text and "!! fts5 failed: died" in text
