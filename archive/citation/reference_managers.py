"""What reference managers read about a cited report: Zotero's meta tags, BibTeX and RIS.

All three are written from the work's CSL-JSON item (``archive.citation.cite.csl_item``), so a report
saved with one click, imported from a .bib or a .ris file, or cited as a GB/T 7714 string names
the same authors, title, date and URL; the item's ``note`` (节选 for an excerpt) goes where each
format keeps notes, never into the title. BibTeX and RIS are written by ``bibtexparser`` and
``rispy``: their writers know the syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from archive.fields import place_name


class Published(Protocol):
    """What the meta tags read of a cited work (``archive.citation.cite.CitedWork``) besides its CSL-JSON
    item: where it was published, and its place attributes (``place_name``). A protocol, not an
    import: ``archive.citation.cite`` imports this module to write a citation's BibTeX and RIS."""

    source_url: str


def csl_date(item: dict, variable: str, sep: str) -> str:
    """A CSL-JSON date as yyyy-mm-dd (or with ``sep``); a partial date as far as it goes."""
    parts = item.get(variable, {}).get("date-parts", [[]])[0]
    return sep.join(f"{part:02d}" if i else str(part) for i, part in enumerate(parts))


# --- Highwire Press and Dublin Core tags ------------------------------------------------------

def meta_tags(item: dict, work: Published, report_url: str) -> list[tuple[str, str]]:
    """(name, content) of the reader's ``citation_*`` and ``DC.*`` meta tags, from the CSL-JSON item.

    Why from the item: Zotero's connector reads these tags ("Embedded Metadata"), so a report
    saved with one click must carry the same author, title, date and URL as the CSL-JSON and the
    GB/T strings. ``citation_technical_report_institution`` makes Zotero file it as a report. A
    supplied author is in its [brackets] like everywhere; the item's note (an excerpt's 节选) is
    ``DC.description``, which Zotero keeps as the abstract, not in the title.
    """
    authors = [a["literal"] for a in item["author"]]
    issued = csl_date(item, "issued", "/")
    tags: list[tuple[str, str]] = [("citation_title", item["title"])]
    tags += [("citation_author", name) for name in authors]
    if issued:
        tags.append(("citation_publication_date", issued))
    if publisher := item.get("publisher", ""):
        tags.append(("citation_technical_report_institution", publisher))
    if number := item.get("number", ""):
        tags.append(("citation_technical_report_number", number))
    tags += [("citation_language", "zh"), ("citation_public_url", item["URL"]),
             ("citation_fulltext_html_url", report_url), ("DC.title", item["title"])]
    tags += [("DC.creator", name) for name in authors]
    if publisher:
        tags.append(("DC.publisher", publisher))
    if issued:
        tags.append(("DC.date", issued.replace("/", "-")))
    tags += [("DC.type", "Text"), ("DC.format", "text/html"), ("DC.language", "zh-CN"),
             ("DC.identifier", item["URL"])]
    if work.source_url:
        tags.append(("DC.source", work.source_url))
    if place := place_name(work):
        tags.append(("DC.coverage", place))
    if note := item.get("note", ""):
        tags.append(("DC.description", note))
    return tags


# --- BibTeX and RIS ----------------------------------------------------------------------------

def _bibtex_escape(value: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially, so a title cannot break the entry."""
    out = value.replace("\\", "\\textbackslash{}")
    for char in "{}":
        out = out.replace(char, "\\" + char)
    for char in "&%$#_":
        out = out.replace(char, "\\" + char)
    return out.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def paragraphs_note(paragraphs: Iterable[int]) -> str:
    """The cited paragraphs as 引文位置：¶3、¶7 (the text has no pages; ¶ numbers are the archive's)."""
    return "引文位置：" + "、".join(f"¶{seq}" for seq in paragraphs)


def _notes(item: dict, note: str) -> list[str]:
    """The item's own note (an excerpt's 节选) first, then the citation's (引文位置)."""
    return [text for text in (item.get("note", ""), note) if text]


def bibtex_entry(item: dict, note: str) -> Entry:
    """A biblatex-friendly ``@techreport`` from the CSL-JSON item (corporate authors in braces)."""
    authors = " and ".join("{" + _bibtex_escape(a["literal"]) + "}" for a in item["author"])
    fields = [("author", authors), ("title", _bibtex_escape(item["title"])),
              ("institution", _bibtex_escape(item.get("publisher") or item["author"][0]["literal"])),
              ("address", _bibtex_escape(item["publisher-place"])), ("type", "报告")]
    issued = csl_date(item, "issued", "-")
    if issued:
        fields.append(("year", issued[:4]))
    if len(issued) == 10:
        fields.append(("date", issued))
    if "number" in item:
        fields.append(("number", _bibtex_escape(item["number"])))
    fields += [("url", item["URL"]), ("urldate", csl_date(item, "accessed", "-")),
               ("langid", "chinese"), ("note", _bibtex_escape("；".join(_notes(item, note))))]
    return Entry("techreport", "fazhi-" + item["id"], [Field(name, value) for name, value in fields])


def bibtex(entries: list[tuple[dict, str]]) -> str:
    """A .bib text of (CSL-JSON item, note) pairs, written by bibtexparser."""
    library = bibtexparser.Library([bibtex_entry(item, note) for item, note in entries])
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return bibtexparser.write_string(library, bibtex_format=fmt).strip()


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." counter lines, which are not RIS and confuse importers."""

    def set_header(self, count: int) -> str:
        """No header line before a record."""
        return ""


def ris_record(item: dict, note: str) -> dict:
    """A RIS record (``TY  - RPRT``) in rispy's vocabulary, from the CSL-JSON item."""
    record: dict = {"type_of_reference": "RPRT", "authors": [a["literal"] for a in item["author"]],
                    "title": item["title"]}
    issued = csl_date(item, "issued", "/")
    if issued:
        record["year"] = issued[:4]
    if len(issued) == 10:
        record["date"] = issued
    record["place_published"] = item["publisher-place"]
    if "publisher" in item:
        record["publisher"] = item["publisher"]
    if "number" in item:
        record["number"] = item["number"]
    record.update({"urls": [item["URL"]],
                   "access_date": csl_date(item, "accessed", "/"),
                   "language": "zh-CN", "notes": _notes(item, note), "id": "fazhi-" + item["id"]})
    return record


def ris(entries: list[tuple[dict, str]]) -> str:
    """A RIS text of (CSL-JSON item, note) pairs, written by rispy."""
    records = [ris_record(item, note) for item, note in entries]
    return rispy.dumps(records, implementation=_RisWriter).rstrip("\n")
