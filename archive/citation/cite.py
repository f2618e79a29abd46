"""Citations of reports and their passages: GB/T 7714—2025 (default) and —2015, CSL-JSON, and
(through ``archive.citation.reference_managers``) BibTeX and RIS; a reference list is
``archive.citation.reference_list``.

Why a CSL processor and not string templates: the GB/T 7714 strings are what ``citeproc-py``
renders with the community-maintained styles vendored in ``archive/citation/csl/`` from the report's own
CSL-JSON, so a user who imports that CSL-JSON into Zotero and picks the same style gets the same
string, and a change of edition is a change of style file, not of code.

Everything here is pure (no Flask, no ORM) so the exact strings can be checked against
hand-worked examples: a researcher pastes these into a paper, and a wrong full stop is a bug.

A researcher cites the government's page, not this archive: the URL in a citation is the
report's source URL when the archive knows it, the archive's permalink otherwise (and the
citation says so, ``remarks``); the permalink is always given too, as the "archived copy".

What the archive supplies is marked as supplied, in square brackets as catalogues do: a title
([红江镇2023年法治政府建设情况报告]) and an author ([潢川县付店镇人民政府], ``archive.describing.issuer``), in
every format alike, and the JSON says ``title_supplied`` / ``author_supplied``.

An excerpt (the archive holds only the opening of a page) is said so in every form, and the
choice of where keeps a Zotero library clean: the CSL-JSON, BibTeX, RIS and the meta tags keep
the title as the document writes it and carry 节选 in their note fields (CSL ``note``, which
Zotero imports into Extra; BibTeX ``note``; RIS ``N1``; ``DC.description``), so no reference
manager holds an invented title. The GB/T 7714 strings, which have no note element, put （节选）
after the title, where Chinese references mark an excerpt (《…》（节选））; so does the quote's
source line. Rendering the archive's CSL-JSON elsewhere gives the same string without the mark.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from archive.fields import place_name

from .reference_managers import bibtex, paragraphs_note, ris

UNKNOWN_AUTHOR = "佚名"  # GB/T 7714 §8.1.1: a Chinese work without a known author
UNKNOWN_PLACE = "[出版地不详]"  # GB/T 7714 §8.4.1.3
CSL_DIR = Path(__file__).resolve().parent / "csl"
# Edition → vendored CSL style (licences and origin in archive/citation/csl/README.md).
STYLES = {
    "2025": CSL_DIR / "gb-t-7714-2025-numeric-bilingual.csl",
    "2015": CSL_DIR / "china-national-standard-gb-t-7714-2015-numeric.csl",
}
DEFAULT_EDITION = "2025"
ARCHIVED_COPY = "存档副本"  # label of the line that always carries the archive's permalink
# The note (CSL-JSON, BibTeX, RIS, DC.description) of a work the archive holds only part of.
EXCERPT = "节选：本库只收录了原文的一部分"
EXCERPT_MARK = "（节选）"  # after the title in the GB/T strings and the source line
# A 发文字号 as GB/T 9704 writes one: 机关代字〔年份〕序号号 (坪山府发〔2024〕3号); a page's record
# holding anything else (a bare "2025") is not cited.
DOCUMENT_NUMBER = re.compile(
    r"[\u4e00-\u9fff][^\s〔\[［(（]*\s*[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*第?\s*\d{1,5}\s*号")
_SEPARATORS = re.compile(r"[、，,；;]")
_NUMBER_PREFIX = re.compile(r"^\[\d+\]\s*")


@dataclass(frozen=True)
class CitedWork:
    """What a citation needs about a report (the cited work), as stored."""

    report_id: str
    title: str
    issuer: str
    township: str
    county: str
    city: str
    province: str
    year: int | None
    issue_date: str  # ISO yyyy-mm-dd or ""
    # The report has no title: ``title`` is the archive's label in [brackets], which GB/T 7714
    # and catalogues use for a supplied title, so it is cited as it stands.
    title_supplied: bool = False
    source_url: str = ""  # where the government published it ("" when unknown)
    retrieved: str = ""  # ISO date or date-time the source was fetched
    page_fields: dict[str, str] = field(default_factory=dict)  # 发布机构, 索引号, 发文字号 … of the page
    # Nothing names the issuer: ``issuer`` is the archive's inference in [brackets]
    # (archive.describing.issuer).
    author_supplied: bool = False
    excerpt: bool = False  # the archive holds only part of the document


@dataclass(frozen=True)
class CitedPassage:
    """One passage of a cited work: the quote and where it stands (¶ number, headings)."""

    work: CitedWork
    seq: int
    text: str
    heading_path: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Citation:
    """All the forms a user may copy for one passage; ``to_dict`` is the JSON API's shape."""

    report_id: str
    seq: int
    quote: str
    source: str
    permalink: str  # the archive's link to this passage: always given, the "archived copy"
    report_url: str  # the archive's page of the report
    url: str  # the URL the reference cites: the source URL, else report_url
    source_url: str  # the government's page ("" when unknown)
    gbt7714: str  # GB/T 7714—2025
    gbt7714_2015: str
    csl: dict  # the work's CSL-JSON item, from which both GB/T strings are rendered
    locator: dict  # CSL locator of the passage: {"label": "paragraph", "locator": "7"}
    bibtex: str
    ris: str
    text: str  # quote + source + reference + archived copy + remarks, the "copy everything" block
    archived_copy: str  # "存档副本：permalink"
    title_supplied: bool = False  # the cited title is the archive's [label], not the document's
    author_supplied: bool = False  # the cited author is the archive's [inference], not the document's
    excerpt: bool = False  # the archive holds only part of the document: its ¶ count from that part
    cites_archived_copy: bool = False  # no source URL is known: the reference cites the archive's copy
    remarks: str = ""  # what the user should know about the reference above ("" when nothing)

    def to_dict(self) -> dict:
        """JSON-ready dict with every field."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --- the elements of a reference -------------------------------------------------------------

def _split_bodies(value: str) -> list[str]:
    """Jointly issued documents name several bodies ("中共…委员会、…人民政府"): one author each."""
    return [part.strip() for part in _SEPARATORS.split(value) if part.strip()]


def authors_of(work: CitedWork) -> list[str]:
    """主要责任者: the issuer as stored, one author per body of a joint issue, and 佚名 only when
    there is none. The store's issuer is the one the reader shows: as the document or its page
    writes it (the page's 发布机构 first, never a site's byline), or the archive's supplied
    [author] (``archive.describing.issuer``), so the citation and the reader name the same author."""
    return _split_bodies(work.issuer) or [UNKNOWN_AUTHOR]


def issuer_of(work: CitedWork) -> str:
    """The responsible bodies as one string (、-joined), for the human source line."""
    return "、".join(authors_of(work))


def title_of(work: CitedWork) -> str:
    """The report's title as stored: an untitled report's is the archive's supplied label in square
    brackets (``archive.describing.metadata.supplied_title``), which GB/T 7714 §8.2.2 cites as it stands."""
    return work.title.strip()


def place_of(work: CitedWork) -> str:
    """The cited report's place as one string (``archive.fields.place_name``)."""
    return place_name(work)


def publisher_of(work: CitedWork) -> tuple[str, str]:
    """(出版地, 出版者): the seat of the issuing body and the first body named.

    GB/T 7714 §8.4: the place is the town the publisher sits in (for a township or county
    government, its county; else the city or province), unknown as [出版地不详]; of several
    publishers the first is given. The anonymous case has no publisher to name.
    """
    authors = authors_of(work)
    publisher = "" if authors == [UNKNOWN_AUTHOR] else authors[0]
    place = work.county or work.city or work.province or UNKNOWN_PLACE
    return place, publisher


def document_number(work: CitedWork) -> str:
    """The page's 发文字号 when it reads as one (``DOCUMENT_NUMBER``), else "": a garbled record
    must not enter the title part of a reference (题名：2025[R/OL])."""
    value = work.page_fields.get("发文字号", "").strip()
    return value if DOCUMENT_NUMBER.fullmatch(value) else ""


def http_url(value: str) -> str:
    """``value`` when it is an http(s) URL, else "": only such a URL may be cited or linked."""
    value = (value or "").strip()
    return value if re.fullmatch(r"https?://\S+", value, flags=re.IGNORECASE) else ""


def _date_parts(iso: str) -> list[int]:
    """``2024-01-15`` (or a date-time) → [2024, 1, 15]; an unreadable value → []."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return []
    return [day.year, day.month, day.day]



def accessed_on(work: CitedWork, today: date) -> date:
    """The 引用日期: the day the cited source was retrieved when the source URL is cited (that is
    the text the archive holds), else today (the archive's copy is being accessed now)."""
    if work.source_url and (parts := _date_parts(work.retrieved)):
        return date(*parts)
    return today


def csl_item(work: CitedWork, report_url: str, today: date) -> dict:
    """The work as a CSL-JSON item (type ``report``): what citeproc renders, and what Zotero imports.

    出版年 is always present: the issue date (its year is what the styles print for a report
    with a publisher), else the report year. The URL is the source's, else the archive's. An
    excerpt carries ``note`` 节选 (see the module docstring).
    """
    place, publisher = publisher_of(work)
    item: dict = {
        "id": work.report_id,
        "type": "report",
        "language": "zh-CN",
        "author": [{"literal": name} for name in authors_of(work)],
        "title": title_of(work),
        "publisher-place": place,
        "URL": work.source_url or report_url,
        "accessed": {"date-parts": [_date_parts(accessed_on(work, today).isoformat())]},
    }
    if publisher:
        item["publisher"] = publisher
    if parts := _date_parts(work.issue_date):
        item["issued"] = {"date-parts": [parts]}
    elif work.year:
        item["issued"] = {"date-parts": [[work.year]]}
    if number := document_number(work):
        item["number"] = number
    if index_no := work.page_fields.get("索引号", "").strip():
        item["archive_location"] = index_no
    if work.excerpt:
        item["note"] = EXCERPT
    return item


@lru_cache(maxsize=len(STYLES))
def _style(edition: str) -> CitationStylesStyle:
    """The parsed style (parsing is the slow part; a style object is read-only once built)."""
    return CitationStylesStyle(str(STYLES[edition]), validate=False)


def as_rendered(item: dict) -> dict:
    """The item the GB/T strings are rendered from: an excerpt's title followed by （节选）, the
    CSL-JSON itself left as the document writes it (see the module docstring)."""
    if item.get("note") == EXCERPT:
        return {**item, "title": item["title"] + EXCERPT_MARK}
    return item


def render(items: list[dict], edition: str = DEFAULT_EDITION) -> list[str]:
    """GB/T 7714 reference strings of CSL-JSON ``items``, in order, without the [n] numbers
    (the lists number them themselves), rendered by citeproc-py with the edition's style."""
    rendered = [as_rendered(item) for item in items]
    bibliography = CitationStylesBibliography(_style(edition), CiteProcJSON(rendered), formatter.plain)
    for item in items:
        bibliography.register(CslCitation([CitationItem(item["id"])]))
    return [_NUMBER_PREFIX.sub("", str(entry)) for entry in bibliography.bibliography()]


def csl_json_text(items: list[dict]) -> str:
    """CSL-JSON as a file holds it: a list of items, Chinese left readable."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def gbt7714(item: dict, edition: str = DEFAULT_EDITION) -> str:
    """One reference string for one CSL-JSON item."""
    return render([item], edition)[0]


# --- one passage -------------------------------------------------------------------------------

def passage_note(cited: CitedPassage) -> str:
    """Where in the report: heading path and paragraph number (第 N 段)."""
    path = " > ".join(cited.heading_path)
    return f"{path}，第{cited.seq}段" if path else f"第{cited.seq}段"


def source_line(cited: CitedPassage) -> str:
    """One human line saying where the quote is from: issuer, 《title》 (（节选） for an excerpt),
    place and year, section; a supplied author or title in its [brackets]."""
    work = cited.work
    bits = [f"{issuer_of(work)}《{title_of(work)}》{EXCERPT_MARK if work.excerpt else ''}"]
    context = "，".join(x for x in (place_of(work), f"{work.year}年" if work.year else "") if x)
    if context:
        bits.append(f"（{context}）")
    return "——" + "".join(bits) + "，" + passage_note(cited)


def remarks_of(work: CitedWork) -> str:
    """What a user should know before pasting the reference: that it cites the archive's copy (no
    source URL known), that the archive holds an excerpt, that an author or title in brackets is
    the archive's; "" when none of these."""
    said = []
    if not work.source_url:
        said.append("原文网址不详，参考文献引用本库存档副本")
    if work.excerpt:
        said.append("本库存档副本为原文节选，段落编号按所收部分计")
    if work.author_supplied:
        said.append("原文未写发文机关，方括号内的责任者为本库拟定")
    if work.title_supplied:
        said.append("原文无标题，方括号内的题名为本库拟定")
    return "说明：" + "；".join(said) + "。" if said else ""


def quote_of(text: str) -> str:
    """The passage in Chinese quotation marks; inner double quotes become single ones."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def report_url_of(base_url: str, report_id: str) -> str:
    """The archive's page of a report; ``base_url`` is the site root."""
    return f"{base_url.rstrip('/')}/reports/{report_id}"


def permalink_of(report_url: str, seq: int) -> str:
    """The archive's link to one passage of a report."""
    return f"{report_url}?p={seq}#p-{seq}"


def cite(cited: CitedPassage, base_url: str, today: date) -> Citation:
    """Every citation form for a passage; ``base_url`` is the site root."""
    work = cited.work
    report_url = report_url_of(base_url, work.report_id)
    permalink = permalink_of(report_url, cited.seq)
    item = csl_item(work, report_url, today)
    reference = gbt7714(item)
    note = paragraphs_note([cited.seq])
    quote, source = quote_of(cited.text), source_line(cited)
    archived = f"{ARCHIVED_COPY}：{permalink}"
    remarks = remarks_of(work)
    return Citation(
        report_id=work.report_id, seq=cited.seq, quote=quote, source=source, permalink=permalink,
        report_url=report_url, url=item["URL"], source_url=work.source_url,
        gbt7714=reference, gbt7714_2015=gbt7714(item, "2015"), csl=item,
        locator={"label": "paragraph", "locator": str(cited.seq)},
        bibtex=bibtex([(item, note)]), ris=ris([(item, note)]),
        text="\n".join(line for line in (quote, source, reference, archived, remarks) if line),
        archived_copy=archived, title_supplied=work.title_supplied, author_supplied=work.author_supplied,
        excerpt=work.excerpt, cites_archived_copy=not work.source_url, remarks=remarks,
    )
