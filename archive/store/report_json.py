"""The JSON shape of a report (CLI ``show --json`` and the web API share it).

Keys: ``report_id``, the report fields of the registry's JSON role (``archive.fields``: title,
places, year, type, dates…), ``title_supplied, author_supplied, page_fields, source_url,
retrieved, excerpt, sections`` (``title_supplied``: the document has no title and ``title`` is the
archive's label in [brackets]; ``author_supplied``: nothing names the issuer and ``issuer`` is the
archive's inference in [brackets]; ``page_fields``: the page's 发布机构, 成文日期, 发布日期, 索引号, 发文字号;
``source_url``/``retrieved``: where it was published and when it was fetched, "" when unknown;
``excerpt``: the archive holds only part of the document, so its ¶ numbers and text are of that
part);
each section ``number, title, kind, children, passages``; each passage ``seq, text, start, end``
where ``seq`` is the paragraph's 1-based number (its permalink anchor is ``#p-<seq>``, the name
every endpoint uses: search hits, comparison cells, citations) and ``start``/``end`` are
character offsets into the report text.
The field names and types are the API's vocabulary (``web.api_spec`` documents them).
"""

from __future__ import annotations

from collections import defaultdict

from .db import Passage, Report, Section


def _passage_json(passage: Passage) -> dict:
    return {"seq": passage.seq, "text": passage.text, "start": passage.start, "end": passage.end}


def report_to_json(report: Report) -> dict:
    """Metadata plus the nested section tree with its passages."""
    by_section: dict[int | None, list[Passage]] = defaultdict(list)
    for passage in report.passages:
        by_section[passage.section_id].append(passage)
    children: dict[int | None, list[Section]] = defaultdict(list)
    for section in report.sections:
        children[section.parent_id].append(section)

    def section_json(section: Section) -> dict:
        return {
            "number": section.number,
            "title": section.title,
            "kind": section.kind,
            "children": [section_json(child) for child in children[section.id]],
            "passages": [_passage_json(p) for p in by_section[section.id]],
        }

    payload = report.metadata_dict()
    payload["sections"] = [section_json(top) for top in children[None]]
    return payload


def sections_to_text(sections: list[dict], depth: int = 0) -> str:
    """An indented outline with each passage's number and text, for the terminal."""
    lines: list[str] = []
    for section in sections:
        indent = "  " * depth
        lines.append(f"{indent}{section['number']}{section['title']}  [{section['kind']}]")
        for passage in section["passages"]:
            lines.append(f"{indent}  ¶{passage['seq']} {passage['text']}")
        if section["children"]:
            lines.append(sections_to_text(section["children"], depth + 1))
    return "\n".join(lines)
