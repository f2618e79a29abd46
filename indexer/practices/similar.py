"""其他乡镇的类似做法: passages of other townships' reports describing the practice of a given one,
each saying why it is listed.

In order:

1. passages **naming the same practice** (``reason`` ``practice``): the practices the paragraph
   names, as the directory merges them (``indexer.practices.directory``: ``一村(社区)一顾问`` and
   ``一村一法律顾问`` are one), and every other report's paragraph naming one of them — most
   shared practices first, then by their key terms' score;
2. then passages **describing the same measure** (``reason`` ``measure``): the paragraph's key
   terms (Whoosh's tf-idf ``key_terms_from_text`` over the jieba field) taken from its own
   sentences only — its template sentences left out (``indexer.analysis.wording``), so that 深入学习贯彻…
   does not make every report look alike — searched with BM25F.

Each passage carries the practices and key terms it shares with the given one (``terms``: what
the page highlights). Left out: template passages (every sentence stock wording: "pure template
matches"), other years of the same township (not "elsewhere"), and reports of type 其他
(政府信息公开年报 and notices are no rule-of-law reports). At most one passage per report.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from whoosh import query as whoosh_query
from whoosh.searching import Searcher

from archive.normalize import fold_for_match
from indexer.analysis import wording
from indexer.index import place_kinds
from indexer.matching.spreads import OTHER_TYPE

from .directory import Directory, display_name

TERMS = 12  # key terms taken from the passage
CANDIDATES = 300  # Whoosh hits looked at for passages describing the same measure
LIMIT = 10
PRACTICE = "practice"
MEASURE = "measure"


@dataclass
class SimilarPassage:
    """A passage of another township's report describing the same practice as a given one."""

    report_id: str
    seq: int
    title: str
    province: str
    county: str
    township: str
    year: int | None
    text: str
    score: float
    shared: int  # other reports sharing its most shared clause (``indexer.analysis.templates``)
    reason: str = MEASURE  # PRACTICE: it names a practice the given one names; MEASURE: key terms
    practices: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The documented wire form (``web.practice_schemas.SimilarItemSchema``)."""
        return {"report_id": self.report_id, "seq": self.seq, "title": self.title, "province": self.province,
                "county": self.county, "township": self.township, "year": self.year, "text": self.text,
                "score": round(self.score, 4), "shared": self.shared, "reason": self.reason,
                "practices": self.practices, "terms": self.terms}


def similar(conn: sqlite3.Connection, searcher: Searcher, directory: Directory | None, report_id: str,
            seq: int, limit: int = LIMIT) -> list[SimilarPassage] | None:
    """The similar passages of ¶ ``seq`` of ``report_id``, best first (see the module docstring);
    None when the report has no such paragraph."""
    row = conn.execute(
        "SELECT p.gid, p.text, r.province, r.county, r.township FROM passages p JOIN reports r "
        "ON r.report_id = p.report_id WHERE p.report_id = ? AND p.unit = ? AND p.seq = ?",
        (report_id, place_kinds.PASSAGE, seq)).fetchone()
    if row is None:
        return None
    gid, text, *own_place = row
    stored = wording.marks(conn, [gid]).get(gid, (False, ""))[1]
    own = wording.own_text(text, stored).replace(wording.BLANK, " ").strip() or text
    terms = [term for term, _weight in searcher.key_terms_from_text("text", own, numterms=TERMS)
             if len(term) >= 2]  # a single character says nothing to a reader
    candidates: dict[tuple[str, int], tuple[float, list[str]]] = {
        place: (score, []) for place, score in _measure_scores(searcher, terms).items()}
    for place, names in _named_elsewhere(directory, report_id, seq).items():
        candidates[place] = (1000.0 * len(names) + candidates.get(place, (0.0, []))[0], names)
    best: dict[str, SimilarPassage] = {}
    for item in _passages(conn, candidates, report_id, tuple(own_place), terms, directory):
        if item.report_id not in best or item.score > best[item.report_id].score:
            best[item.report_id] = item
    return sorted(best.values(), key=lambda item: (-item.score, item.report_id))[:limit]


def _measure_scores(searcher: Searcher, terms: list[str]) -> dict[tuple[str, int], float]:
    """BM25F of the paragraphs found by the key terms (report, ¶) → score."""
    if not terms:
        return {}
    query = whoosh_query.Or([whoosh_query.Term("text", term) for term in terms])
    return {(hit["report_id"], hit["seq"]): hit.score for hit in searcher.search(query, limit=CANDIDATES)
            if hit["unit"] == place_kinds.PASSAGE}


def _named_elsewhere(directory: Directory | None, report_id: str, seq: int
                     ) -> dict[tuple[str, int], list[str]]:
    """The paragraphs of other reports naming a practice ¶ ``seq`` names → the practices' names."""
    if directory is None:
        return {}
    out: dict[tuple[str, int], list[str]] = {}
    for entry in directory.entries.values():
        if entry.kind != PRACTICE or not any(q.seq == seq for q in entry.quotes.get(report_id, ())):
            continue
        name = display_name(entry)
        for other, quotes in entry.quotes.items():
            for other_seq in {q.seq for q in quotes}:
                if other != report_id:
                    out.setdefault((other, other_seq), []).append(name)
    return out


def _passages(conn: sqlite3.Connection, candidates: dict[tuple[str, int], tuple[float, list[str]]],
              report_id: str, own_place: tuple[str, ...], terms: list[str], directory: Directory | None
              ) -> list[SimilarPassage]:
    """The candidate passages (report, ¶) → (score, practices) that may be listed, with what they
    share with the given one (see the module docstring for what may not)."""
    reports = sorted({rid for rid, _seq in candidates} - {report_id})
    if not reports:
        return []
    rows = conn.execute(
        "SELECT p.report_id, p.seq, p.text, p.folded, r.title, r.province, r.county, r.township, r.year, "
        "r.doc_type, coalesce(m.reports, 0), coalesce(w.template, 0) FROM passages p "
        "JOIN reports r ON r.report_id = p.report_id LEFT JOIN passage_marks m ON m.gid = p.gid "
        f"LEFT JOIN passage_wording w ON w.gid = p.gid WHERE p.unit = '{place_kinds.PASSAGE}' "
        f"AND p.report_id IN ({','.join('?' * len(reports))})", reports)
    out: list[SimilarPassage] = []
    for rid, seq, text, folded, title, province, county, township, year, doc_type, shared, template in rows:
        if (rid, seq) not in candidates or template or doc_type == OTHER_TYPE:
            continue
        if township and (province, county, township) == own_place:
            continue  # another year of the same township: not "elsewhere"
        score, practices = candidates[(rid, seq)]
        spellings = [spelling for name in practices for spelling in _spellings(directory, name)
                     if fold_for_match(spelling) in folded]
        out.append(SimilarPassage(
            rid, seq, title, province, county, township, int(year) if year else None, text, score, shared,
            PRACTICE if practices else MEASURE, practices,
            list(dict.fromkeys([*spellings, *(term for term in terms if term in folded)]))))
    return out


def _spellings(directory: Directory | None, name: str) -> list[str]:
    entry = directory.find(name) if directory else None
    return list(entry.spellings) if entry else [name]
