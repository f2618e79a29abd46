"""The groups of a result page: each report's matching places, best first, with snippets, the
template mark and who shares the wording (``indexer.analysis.wording``, ``indexer.analysis.templates``); read
for the page's reports only, from the match set in the request's temp tables."""

from __future__ import annotations

import json
import sqlite3

from indexer.analysis import templates, wording
from indexer.index import place_kinds

from .answer import Group, Hit
from .snippets import snippet

HITS_PER_GROUP = 3


def page_groups(
    conn: sqlite3.Connection, report_ids: list[str], words: list[str], scores: dict[int, float],
    listing: bool = False,
) -> list[Group]:
    """Groups for the page's reports, in ``report_ids`` order, best passages first.

    A ``listing`` (filters only) shows no passages: there is nothing to point at in them.
    """
    if not report_ids:
        return []
    marks = ",".join("?" * len(report_ids))
    reports = {row[0]: row for row in conn.execute(
        f"SELECT r.report_id, r.title, r.year, r.county, r.township, h.n, r.province, r.city, r.doc_type, "
        f"r.issue_date FROM reports r "
        f"JOIN temp.hit_reports h ON h.report_no = r.report_no WHERE r.report_id IN ({marks})",
        report_ids,
    )}
    passages: dict[str, list[tuple]] = {rid: [] for rid in report_ids}
    for row in [] if listing else conn.execute(
        "SELECT p.gid, p.report_id, p.seq, p.text, p.heading, p.section, p.unit FROM passages p "
        f"INDEXED BY passages_report JOIN temp.hits h ON h.gid = p.gid WHERE p.report_id IN ({marks})",
        report_ids,
    ):
        passages[row[1]].append(row)
    chosen = {rid: sorted(passages[rid], key=lambda row: (-scores.get(row[0], 0.0), row[2]))
              for rid in report_ids}
    shown_gids = [row[0] for rid in report_ids for row in chosen[rid][:HITS_PER_GROUP]
                  if row[6] == place_kinds.PASSAGE]
    template = {gid for gid, (whole, _spans) in wording.marks(conn, shown_gids).items() if whole}
    shared = templates.shared(conn, shown_gids)
    groups: list[Group] = []
    for rid in report_ids:
        rows = chosen[rid]
        shown = rows[:HITS_PER_GROUP] if words else rows[:1]
        _rid, title, year, county, township, matched, province, city, doc_type, issued = reports[rid]
        groups.append(Group(
            report_id=rid, township=township, county=county, year=int(year) if year else None,
            title=title, more=len(rows) - len(shown), passages=matched, province=province, city=city,
            doc_type=doc_type, issue_date=issued,
            hits=[Hit(seq=seq if unit == place_kinds.PASSAGE else None, section=section,
                      heading=json.loads(heading), snippet=snippet(text, words), text=text,
                      place=place_kinds.PLACE_NAMES[unit], anchor=place_kinds.anchor(unit, seq),
                      template=gid in template, shared=shared.get(gid, templates.NOT_SHARED))
                  for gid, _rid2, seq, text, heading, section, unit in shown],
        ))
    return groups
