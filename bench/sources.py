"""The pool of real passages the scale corpus is composed from.

Why a pool and not templates: search cost depends on real vocabulary, real paragraph lengths and
real term frequencies (枫桥经验 is rare, 矛盾纠纷 common). So every paragraph and heading of a
generated report is a real one, cut out of the shipped and shared source reports, grouped by the
kind of section it came from so that a composed report keeps the real
一、/（一）/1. structure with fitting content under each heading.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_DIR = REPO / "data" / "reports"
CORPUS = REPO / "tests" / "corpus"  # the labelled corpora, in the repository (a clone has no ../shared)
LABEL_FILES = (CORPUS / "seeds" / "labels.tsv", CORPUS / "dev" / "INDEX.tsv")
SOURCE_DIRS = (SHIPPED_DIR, CORPUS / "seeds", CORPUS / "dev")

# Annual rule-of-law reports only: an information-disclosure report and an implementation plan
# have a different structure and would make the composed reports less, not more, realistic.
ANNUAL_REPORT_TYPES = {"年度报告"}

LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
NOISE = re.compile(r"^(?:[-|]\s|来源)")

# Ordered: the first rule that matches a level-1 heading decides its kind.
KIND_RULES = (
    ("第一责任人职责", ("第一责任人", "主要负责")),
    ("存在的不足和原因", ("不足", "问题", "短板", "差距")),
    ("下一年度工作安排", ("打算", "安排", "下一", "思路", "计划")),
    ("其他", ("其他",)),
)
DEFAULT_KIND = "主要举措和成效"
# Shorter lines under a heading are signatures and dates (中共…委员会 / 2024年1月19日), which the
# generator writes itself at the end; borrowing them would put a signature mid-report.
MIN_PARAGRAPH = 20


@dataclass
class Block:
    """A level-2 heading line (possibly with inline text) and the paragraphs under it."""

    heading: str | None
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class SourceSection:
    """A level-1 section of a real report: its heading, kind and blocks."""

    heading: str
    kind: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class SourceReport:
    """A real report split into preamble paragraphs and level-1 sections, plus its labels."""

    name: str
    township: str
    county: str
    year: int
    preamble: list[str]
    sections: list[SourceSection]


@dataclass
class Pool:
    """Everything the generator draws from, grouped by section kind."""

    reports: list[SourceReport]
    preambles: list[tuple[SourceReport, str]]
    headings: dict[str, list[tuple[SourceReport, str]]]
    blocks: dict[str, list[tuple[SourceReport, Block]]]


def section_kind(heading: str) -> str:
    """Kind of a level-1 heading by the keywords the national reporting rules use."""
    for kind, words in KIND_RULES:
        if any(word in heading for word in words):
            return kind
    return DEFAULT_KIND


def split_report(text: str) -> tuple[list[str], list[SourceSection]]:
    """Preamble paragraphs and level-1 sections of a plain-text report.

    Title lines, salutations, signatures and web-page metadata are dropped (the generator writes its own);
    a preamble paragraph must be a real sentence-bearing paragraph, hence the length floor.
    """
    preamble: list[str] = []
    sections: list[SourceSection] = []
    for raw in text.splitlines():
        line = raw.strip().replace("[bookmark: _GoBack]", "")
        if not line or NOISE.search(line):
            continue
        if LEVEL1.match(line):
            sections.append(SourceSection(line, section_kind(line)))
        elif not sections:
            if len(line) >= 40:
                preamble.append(line)
        elif LEVEL2.match(line):
            sections[-1].blocks.append(Block(line))
        elif len(line) >= MIN_PARAGRAPH:
            if not sections[-1].blocks:
                sections[-1].blocks.append(Block(None))
            sections[-1].blocks[-1].paragraphs.append(line)
    return preamble, sections


def _labels() -> dict[str, dict[str, str]]:
    """File name → label row of the seed and dev corpora."""
    rows: dict[str, dict[str, str]] = {}
    for path in LABEL_FILES:
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                rows[row["file"]] = row
    return rows


def source_files() -> list[Path]:
    """Labelled annual-report files, each distinct text once (seeds duplicate data/reports)."""
    labels = _labels()
    seen: set[str] = set()
    found: list[Path] = []
    for folder in SOURCE_DIRS:
        for path in sorted(folder.glob("*.txt")):
            label = labels.get(path.name)
            if label is None or label.get("doc_type") not in ANNUAL_REPORT_TYPES:
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                found.append(path)
    return found


@lru_cache(maxsize=1)
def load_pool() -> Pool:
    """Split every source report once and group its parts by section kind."""
    labels = _labels()
    reports: list[SourceReport] = []
    for path in source_files():
        label = labels[path.name]
        preamble, sections = split_report(path.read_text(encoding="utf-8"))
        year = int(label.get("report_year") or label.get("year") or 0)
        reports.append(SourceReport(path.name, label["township"], label["county"], year, preamble, sections))
    preambles = [(report, text) for report in reports for text in report.preamble]
    headings: dict[str, list[tuple[SourceReport, str]]] = {}
    blocks: dict[str, list[tuple[SourceReport, Block]]] = {}
    for report in reports:
        for section in report.sections:
            headings.setdefault(section.kind, []).append((report, section.heading))
            blocks.setdefault(section.kind, []).extend((report, block) for block in section.blocks)
    return Pool(reports, preambles, headings, blocks)
