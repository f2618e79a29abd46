"""The named practices directory (做法名录, issue 13 §4): practice names reports single out.

A township names a practice it wants noticed in one of two ways: it puts the name in quotation
marks (``“枫桥经验”``, ``“一村一法律顾问”``, ``“1+2+5”大调解工作机制``), or it calls it a
工作法 / 调解法 (``推行院坝调解法``). Those are the names extracted here, with the reports and
townships that name each one.

What is noise, and why each rule (measured on the shipped corpus, where about half the quoted
strings are not practices):

* titles of laws and documents are in 《…》, which is not a quotation mark here: never read;
* a quoted string in the 存在的不足 section is a problem the report admits (“信访不信法”), not a
  practice: that section is skipped;
* quoted plain words and political vocabulary (“一把手”, “关键少数”, “八五” of 八五普法) are not
  practices a township can adopt: two-character names count only when a practice word follows
  them, and ``STOPWORDS`` lists the common rest;
* a quoted document title (“2023年法治上城建设工作要点”, “…职责情况”) is not one either: a name
  holding a year or ending as titles end (要点, 方案, 情况 …) is dropped (``DOCUMENT``);
* quoted figures (“3·15”) and strings without two Chinese characters are dropped; enumerations
  of slogans (“马上办、网上办…”) are kept but say little: they are usually one report's own and so
  rank low by spread, as the issue asks.

Where it is computed: from the literal table of the live index generation (every passage's text
and its report's place and year are there), in one pass of two regular expressions, and cached
per generation and per change of that file, so the index build is not touched and an
incremental update shows on the next request. Counting is by the reports that *name* the
practice; its search (linked from the directory) finds every mention, named or not.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archive.config import ArchiveConfig
from archive.normalize import fold_for_match

from . import literal
from .generation import LITERAL_DB, current_generation

# Words that make the name before them a practice: “1+2+5”大调解工作机制, “法治体检”机制.
PRACTICE_WORDS = ("工作法", "调解法", "工作机制", "机制", "模式", "经验", "做法", "品牌", "工程")
# A quoted name: ASCII, curly or corner quotes (the reports use all three), 2–24 characters,
# and what follows it (to see whether a practice word does).
QUOTED = re.compile(r"[\"“「『]([^\"“”「」『』\n]{2,24})[\"”」』]([\u4e00-\u9fff]{0,6})")
# An unquoted 工作法/调解法 after the verbs that introduce it (all of them: 总结推广院坝调解法).
NAMED = re.compile(
    r"(?:推行|推广|创新|探索|总结|运用|采用|实行|首创|打造|形成|实施)+([\u4e00-\u9fff]{2,8}(?:工作法|调解法))"
)
# Quoted words that are vocabulary, not practices a township adopts (see the module docstring).
STOPWORDS = frozenset({
    "一把手", "关键少数", "八五", "七五", "两委", "学习强国", "主题教育", "高质量发展", "宪法日",
    "第一保障", "最优解", "一盘棋", "跑路", "跑腿", "明白人", "十三五", "十四五", "十五五",
})
# A quoted name that is a document's or a report's own title, not a practice: it holds a year
# (“2023年法治上城建设工作要点”) or ends as document titles do.
DOCUMENT = re.compile(r"(?:19|20)\d\d年|(?:要点|方案|意见|办法|条例|规定|通知|情况|报告|决定)$")
# The section whose quoted strings are admitted problems, not practices.
DEFICIENCIES = "存在的不足和原因"
HAN = re.compile(r"[\u4e00-\u9fff]")
SORTS = ("spread", "reports", "recent", "name")


@dataclass
class Practice:
    """One named practice and where it is named (within the directory's filter)."""

    name: str
    reports: int
    townships: int
    counties: int
    provinces: list[str]
    years: list[int]
    passages: int
    named: bool  # said with a practice word (工作法, 机制 …), not only quoted

    def to_json(self) -> dict[str, object]:
        """The JSON shape ``web.api_spec.PracticeSchema`` documents."""
        return {"name": self.name, "reports": self.reports, "townships": self.townships,
                "counties": self.counties, "provinces": self.provinces, "years": self.years,
                "passages": self.passages, "named": self.named}


@dataclass(frozen=True)
class ReportPlace:
    """A report's year and place, as the literal table holds them ('' when unknown)."""

    year: str
    province: str
    county: str
    township: str

    @property
    def township_key(self) -> tuple[str, ...]:
        """What counts as one township: its full place; a report of unknown township is its own."""
        return (self.province, self.county, self.township)


@dataclass
class Directory:
    """Every named practice of one index generation: name → report → ¶ numbers naming it."""

    occurrences: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    places: dict[str, ReportPlace] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)

    def practices(self, province: str = "", year: str = "", sort: str = "spread") -> list[Practice]:
        """The practices named in the reports of ``province`` / ``year`` (either may be ''), sorted.

        ``spread``: most townships, then reports, named ones first; ``reports``: most reports;
        ``recent``: latest year named; ``name``: by name.
        """
        if sort not in SORTS:
            raise ValueError(sort)
        out: list[Practice] = []
        for name, by_report in self.occurrences.items():
            chosen = {rid: seqs for rid, seqs in by_report.items() if self._selected(rid, province, year)}
            if chosen:
                out.append(self._summary(name, chosen))
        keys = {
            "spread": lambda p: (-p.townships, -p.reports, not p.named, -p.passages, p.name),
            "reports": lambda p: (-p.reports, -p.townships, not p.named, p.name),
            "recent": lambda p: (-(p.years[-1] if p.years else 0), -p.townships, p.name),
            "name": lambda p: (p.name,),
        }
        return sorted(out, key=keys[sort])

    def practice(self, name: str) -> tuple[Practice, list[tuple[str, ReportPlace, list[int]]]] | None:
        """One practice and its reports (id, place, ¶ numbers), newest first; None if unknown."""
        by_report = self.occurrences.get(name)
        if not by_report:
            return None
        rows = sorted(by_report.items(), key=lambda item: (self.places[item[0]].year, item[0]), reverse=True)
        return self._summary(name, by_report), [(rid, self.places[rid], seqs) for rid, seqs in rows]

    def provinces(self) -> list[str]:
        """Provinces with at least one named practice, for the filter."""
        return sorted({self.places[rid].province for by in self.occurrences.values() for rid in by} - {""})

    def years(self) -> list[int]:
        """Years with at least one named practice, newest first."""
        found = {self.places[rid].year for by in self.occurrences.values() for rid in by} - {""}
        return sorted((int(y) for y in found), reverse=True)

    def _selected(self, report_id: str, province: str, year: str) -> bool:
        place = self.places[report_id]
        return (not province or place.province == province) and (not year or place.year == year)

    def _summary(self, name: str, by_report: dict[str, list[int]]) -> Practice:
        places = [self.places[rid] for rid in by_report]
        return Practice(
            name=name, reports=len(by_report), townships=len({p.township_key for p in places}),
            counties=len({(p.province, p.county) for p in places if p.county}),
            provinces=sorted({p.province for p in places if p.province}),
            years=sorted({int(p.year) for p in places if p.year}),
            passages=sum(len(seqs) for seqs in by_report.values()), named=name in self.named,
        )


def names_in(text: str) -> list[tuple[str, bool]]:
    """The practice names a passage gives, each with whether a practice word calls it one.

    ``(name, named)``; a name is returned as written (not folded), trimmed of spaces.
    """
    found: list[tuple[str, bool]] = []
    for match in QUOTED.finditer(text):
        name, after = match.group(1).strip(), match.group(2)
        named = after.startswith(PRACTICE_WORDS) or name.endswith(PRACTICE_WORDS)
        if _is_practice(name, named):
            found.append((name, named))
    found.extend((match.group(1), True) for match in NAMED.finditer(text))
    return found


def _is_practice(name: str, named: bool) -> bool:
    """The noise rules of the module docstring for one quoted string."""
    han = len(HAN.findall(name))
    if han < 2 or name in STOPWORDS or DOCUMENT.search(name):
        return False
    return named or han >= 3


def extract(rows: Iterable[tuple[str, int, str, str]], places: dict[str, ReportPlace]) -> Directory:
    """The directory from passages ``(report_id, seq, text, section)`` and the reports' places.

    Names are grouped by their folded form (full/half width, traditional/simplified), shown as
    first written.
    """
    directory = Directory(places=places)
    shown: dict[str, str] = {}
    occurrences: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for report_id, seq, text, section in rows:
        if section == DEFICIENCIES or report_id not in places:
            continue
        for name, named in names_in(text):
            key = fold_for_match(name)
            display = shown.setdefault(key, name)
            seqs = occurrences[display][report_id]
            if not seqs or seqs[-1] != seq:
                seqs.append(seq)
            if named:
                directory.named.add(display)
    directory.occurrences = {name: dict(by) for name, by in occurrences.items()}
    return directory


def read_directory(path: Path) -> Directory:
    """Extract the directory from one generation's literal table (read only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        places = {rid: ReportPlace(year, province, county, township) for rid, year, province, county, township
                  in conn.execute("SELECT report_id, year, province, county, township FROM reports")}
        rows = conn.execute(
            "SELECT report_id, seq, text, section FROM passages WHERE unit = ? ORDER BY report_id, seq",
            [literal.PASSAGE],
        )
        return extract(rows, places)
    finally:
        conn.close()


_cache: dict[Path, tuple[tuple[str, int, int], Directory]] = {}
_lock = threading.Lock()


def directory(config: ArchiveConfig) -> Directory | None:
    """The directory of the live generation, cached until the generation or its table changes.

    None when no index is live. The cache key is the generation's name and the literal table's
    modification time and size (its WAL too): an incremental update writes the file, a rebuild
    publishes a new generation; either makes the next call extract again.
    """
    folder = current_generation(config.index_dir)
    if folder is None:
        return None
    path = folder / LITERAL_DB
    stamps = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    mtime = max((p.stat().st_mtime_ns for p in stamps if p.exists()), default=0)
    size = sum(p.stat().st_size for p in stamps if p.exists())
    key = (folder.name, mtime, size)
    with _lock:
        held = _cache.get(config.index_dir)
        if held is not None and held[0] == key:
            return held[1]
    found = read_directory(path)
    with _lock:
        _cache[config.index_dir] = (key, found)
    return found
