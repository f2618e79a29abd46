"""Deterministic generator of a scale corpus of township rule-of-law reports.

Each generated report is a plain-text file the real ingest pipeline reads like any other: a title
line naming province/city/county/township and year (so the parser can place it), the issuer, a
real preamble, then 一、… level-1 sections in the order real reports use, each under a real
heading of that kind, filled with real （一）… blocks drawn from the same section kind across
the source reports. Place names, years and counts inside the borrowed text are rewritten for the
target township, so the township name is a rare term and the counts vary as in real archives.

Report ``i`` depends only on ``(seed, i)``: the 2,000-report corpus is a prefix of the
10,000-report one, so cost growth between sizes compares like with like.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .places import Township, townships
from .sources import Block, Pool, SourceReport, load_pool

YEARS = tuple(range(2020, 2026))
REPORTS_PER_TOWNSHIP = 3  # a township files several annual reports; facets by township see >1
LEVEL1_NUMBERS = "一二三四五六七八九十"
LEVEL2_LABEL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
LEVEL1_LABEL = re.compile(r"^[一二三四五六七八九十]+、")
# A year in running text ("2023年"), not one inside a span such as "（2021-2025年）".
YEAR_IN_TEXT = re.compile(r"(?<![-–—\d])(20\d\d)(?=年)")
COUNT_IN_TEXT = re.compile(r"(?<![\d.%])(\d{1,4})(?=[次件场名个条余户份期家起项篇])")
SELF_REFERENCE = re.compile(r"(?<=[我全本])(?:镇|乡|街道)")
# Sections after the achievements, in the order real reports use; each appears with this chance.
TAIL_KINDS = (("第一责任人职责", 0.5), ("存在的不足和原因", 0.9), ("下一年度工作安排", 0.95))
MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class PlannedReport:
    """Where and when a generated report is placed: what the parser is expected to find."""

    file: str
    code: str
    township: str
    county: str
    city: str
    province: str
    year: int


def plan(size: int, seed: int) -> list[PlannedReport]:
    """Townships and years for ``size`` reports; no township gets the same year twice.

    Sizes up to 3 × 38,567 townships are covered, far above the 50,000 the benchmark uses.
    """
    places = list(townships())
    random.Random(seed).shuffle(places)
    planned: list[PlannedReport] = []
    for index in range(size):
        place = places[(index // REPORTS_PER_TOWNSHIP) % len(places)]
        years = random.Random(f"{seed}:years:{place.code}").sample(YEARS, REPORTS_PER_TOWNSHIP)
        year = years[index % REPORTS_PER_TOWNSHIP]
        planned.append(PlannedReport(f"r{index:06d}.txt", place.code, place.township, place.county,
                                     place.city, place.province, year))
    return planned


def rewriter(source: SourceReport, place: Township, year: int, rng: random.Random) -> Callable[[str], str]:
    """A function that moves a borrowed paragraph to ``place`` and ``year``.

    Full names are replaced before short ones (坪山镇 before 坪山) so a name is never half-moved;
    counts get a fresh value so that numbers differ between reports as they do in reality.
    """
    names: list[tuple[str, str]] = []
    target_county = place.county or place.city
    for old, new, suffixes in ((source.township, place.township, ("镇", "乡", "街道")),
                               (source.county, target_county, ("县", "区", "市"))):
        if not old:
            continue
        names.append((old, new))
        short_old = old.removesuffix(next((s for s in suffixes if old.endswith(s)), ""))
        short_new = new.removesuffix(next((s for s in suffixes if new.endswith(s)), ""))
        if len(short_old) >= 2 and short_old != old:
            names.append((short_old, short_new))

    def shift_year(match: re.Match[str]) -> str:
        offset = int(match.group(1)) - source.year
        return str(year + offset) if abs(offset) <= 1 else match.group(1)

    def new_count(match: re.Match[str]) -> str:
        value = int(match.group(1))
        return str(rng.randint(max(1, value // 2), value * 2 + 1))

    def rewrite(text: str) -> str:
        for old, new in names:
            text = text.replace(old, new)
        text = YEAR_IN_TEXT.sub(shift_year, text)
        text = COUNT_IN_TEXT.sub(new_count, text)
        return SELF_REFERENCE.sub(place.suffix, text)

    return rewrite


def _relabel(line: str, pattern: re.Pattern[str], label: str) -> str:
    """Replace a heading's own number with the number it gets in the composed report."""
    return pattern.sub(label, line, count=1)


def _section_lines(pool: Pool, kind: str, number: int, place: Township, year: int,
                   rng: random.Random) -> list[str]:
    """One level-1 section: a real heading of ``kind`` and 1–6 real blocks of the same kind."""
    source, heading = rng.choice(pool.headings[kind])
    lines = [_relabel(rewriter(source, place, year, rng)(heading), LEVEL1_LABEL,
                      f"{LEVEL1_NUMBERS[number]}、")]
    candidates = pool.blocks[kind]
    chosen: list[tuple[SourceReport, Block]] = rng.sample(candidates, min(len(candidates), rng.randint(1, 6)))
    labelled = sum(block.heading is not None for _, block in chosen)
    sub = 0
    for block_source, block in sorted(chosen, key=lambda item: item[1].heading is not None):
        rewrite = rewriter(block_source, place, year, rng)
        if block.heading is not None and labelled > 1:
            lines.append(_relabel(rewrite(block.heading), LEVEL2_LABEL, f"（{LEVEL1_NUMBERS[sub % 10]}）"))
            sub += 1
        elif block.heading is not None:
            lines.append(rewrite(LEVEL2_LABEL.sub("", block.heading)))
        lines.extend(rewrite(paragraph) for paragraph in block.paragraphs)
    return lines


def compose(planned: PlannedReport, seed: int, pool: Pool | None = None) -> str:
    """The full text of one generated report."""
    pool = pool or load_pool()
    rng = random.Random(f"{seed}:{planned.file}")
    place = Township(planned.code, planned.township, planned.county, planned.city, planned.province)
    year = planned.year
    issuer = f"{place.county}{place.township}{'办事处' if place.suffix == '街道' else '人民政府'}"
    source, preamble = rng.choice(pool.preambles)
    lines = [f"{place.place_prefix}{place.township}{year}年法治政府建设情况报告", "", issuer,
             rewriter(source, place, year, rng)(preamble)]
    kinds = ["主要举措和成效"] + [kind for kind, chance in TAIL_KINDS if rng.random() < chance]
    for number, kind in enumerate(kinds):
        lines.extend(_section_lines(pool, kind, number, place, year, rng))
    lines += ["", issuer, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    return "\n".join(lines) + "\n"


def corpus_dir(out: Path, size: int, seed: int) -> Path:
    """Cache folder of one (size, seed) corpus."""
    return out / f"corpus-{size}-{seed}"


def generate(out: Path, size: int, seed: int) -> Path:
    """Write the corpus once; later runs reuse it (the manifest is written last, as a marker)."""
    folder = corpus_dir(out, size, seed)
    manifest = folder / MANIFEST
    if manifest.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    pool = load_pool()
    planned = plan(size, seed)
    for item in planned:
        (folder / item.file).write_text(compose(item, seed, pool), encoding="utf-8")
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(asdict(item), ensure_ascii=False) + "\n" for item in planned),
                   encoding="utf-8")
    tmp.replace(manifest)
    return folder


def read_manifest(folder: Path) -> list[PlannedReport]:
    """The placement of every report of a generated corpus."""
    with (folder / MANIFEST).open(encoding="utf-8") as handle:
        return [PlannedReport(**json.loads(line)) for line in handle]
