"""A reference list: the cited passages grouped by work, numbered, and exported as one file
(text, GB/T 7714—2025/—2015, BibTeX, RIS, CSV, CSL-JSON).

The list numbers works, not quotes: two passages of one report are one entry with both ¶ under
it, and one entry of a .bib or .ris file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .cite import (
    ARCHIVED_COPY,
    DEFAULT_EDITION,
    CitedPassage,
    CitedWork,
    csl_item,
    csl_json_text,
    passage_note,
    permalink_of,
    quote_of,
    remarks_of,
    render,
    report_url_of,
)
from .reference_managers import bibtex, paragraphs_note, ris

SafeCell = Callable[[object], str]


@dataclass(frozen=True)
class ReferenceEntry:
    """One work of a reference list with every passage of it that was cited, in ¶ order."""

    work: CitedWork
    passages: list[CitedPassage]
    report_url: str
    accessed: date

    @property
    def paragraphs(self) -> list[int]:
        """The cited ¶ numbers (GB/T 7714's 引文页码 for a text without pages)."""
        return [p.seq for p in self.passages]

    def csl(self) -> dict:
        """The work's CSL-JSON item."""
        return csl_item(self.work, self.report_url, self.accessed)

    @property
    def remarks(self) -> str:
        """What to know about the entry's reference (``archive.citation.cite.remarks_of``), "" if nothing."""
        return remarks_of(self.work)


def group_by_work(passages: Iterable[CitedPassage], base_url: str, today: date) -> list[ReferenceEntry]:
    """One entry per work, in order of first citation, each with its passages in ¶ order (a ¶
    cited twice is listed once): the reference list numbers works, not quotes."""
    grouped: dict[str, dict[int, CitedPassage]] = {}
    works: dict[str, CitedWork] = {}
    for passage in passages:
        works.setdefault(passage.work.report_id, passage.work)
        grouped.setdefault(passage.work.report_id, {}).setdefault(passage.seq, passage)
    return [ReferenceEntry(works[rid], [by_seq[s] for s in sorted(by_seq)],
                           report_url_of(base_url, rid), today) for rid, by_seq in grouped.items()]


def _reference_blocks(entries: list[ReferenceEntry], edition: str, with_quotes: bool) -> str:
    """The numbered list: each reference, its archived copy, the cited ¶ and what to know about it
    (``remarks_of``: the archive's copy cited, an excerpt, a supplied author or title) under it."""
    strings = render([entry.csl() for entry in entries], edition)
    blocks = []
    for number, (entry, reference) in enumerate(zip(entries, strings, strict=True), start=1):
        lines = [f"[{number}] {reference}", f"    {ARCHIVED_COPY}：{entry.report_url}",
                 f"    {paragraphs_note(entry.paragraphs)}"]
        if entry.remarks:
            lines.append(f"    {entry.remarks}")
        if with_quotes:
            lines += [f"    ¶{p.seq} {quote_of(p.text)}（{passage_note(p)}）" for p in entry.passages]
        blocks.append("\n".join(lines))
    return ("\n\n" if with_quotes else "\n").join(blocks) + "\n"


CSV_COLUMNS = ("entry", "report_id", "paragraph", "reference_gbt7714_2025", "reference_gbt7714_2015",
               "url", "source_url", "archived_copy", "section", "quote", "remarks")


def references_csv(entries: list[ReferenceEntry], safe_cell: SafeCell) -> str:
    """One row per cited passage, numbered by its work's entry; ``safe_cell`` defuses formulas."""
    items = [entry.csl() for entry in entries]
    new, old = render(items, "2025"), render(items, "2015")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for number, (entry, item, ref, ref_old) in enumerate(zip(entries, items, new, old, strict=True), start=1):
        for p in entry.passages:
            row = (number, entry.work.report_id, p.seq, ref, ref_old, item["URL"], entry.work.source_url,
                   permalink_of(entry.report_url, p.seq), " > ".join(p.heading_path), p.text,
                   entry.remarks)
            writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


FORMATS = {  # format → (label, media type, file extension)
    "text": ("引文与参考文献（文本）", "text/plain", "txt"),
    "gbt": ("GB/T 7714—2025 参考文献表", "text/plain", "txt"),
    "gbt2015": ("GB/T 7714—2015 参考文献表", "text/plain", "txt"),
    "bibtex": ("BibTeX", "application/x-bibtex", "bib"),
    "ris": ("RIS（EndNote、Zotero 等）", "application/x-research-info-systems", "ris"),
    "csv": ("CSV（表格）", "text/csv", "csv"),
    "csljson": ("CSL-JSON", "application/vnd.citationstyles.csl+json", "json"),
}


def combine(entries: list[ReferenceEntry], fmt: str, safe_cell: SafeCell) -> tuple[str, str, str]:
    """A reference list as one file: (body, media type, file extension)."""
    _label, mimetype, extension = FORMATS[fmt]
    notes = [(entry.csl(), paragraphs_note(entry.paragraphs)) for entry in entries]
    if fmt == "bibtex":
        body = bibtex(notes) + "\n"
    elif fmt == "ris":
        body = ris(notes) + "\n"
    elif fmt == "csv":
        body = references_csv(entries, safe_cell)
    elif fmt == "csljson":
        body = csl_json_text([item for item, _note in notes])
    else:
        body = _reference_blocks(entries, "2015" if fmt == "gbt2015" else DEFAULT_EDITION, fmt == "text")
    return body, mimetype, extension
