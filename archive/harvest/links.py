"""What a portal page links to, as the harvester needs it: pagination, items, attachments.

Government portals (TRS WCM, Hanweb and their kin) publish a column as ``index.html``,
``index_1.html``, … — often written by a script (``createPageHTML(5, 0, "index", "html")``)
rather than as links — with one ``<a>`` per document whose text is the document's title, and a
report page links its attachments (.pdf/.doc/.docx/.wps) the same way. Menus, footers and
breadcrumbs link with short words (首页, 政府信息公开), which the harvester must not wander into,
or one column would become the whole portal. Hence:

- **pagination**: links in the same folder named like ``index_3.html`` or labelled 下一页/尾页/a
  page number, plus the pages a ``createPageHTML`` call generates;
- **items**: links whose text reads like a title (``MIN_TITLE_CHARS`` characters, some Chinese),
  except the index page of another column (``/xxgk/index.html`` from a menu or breadcrumb);
- **attachments**: links to a document format, whatever their text.

URLs are made absolute, normalised and stripped of tracking parameters and fragments by
``courlan``, which also decides what is the same site (``is_external``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup
from courlan import is_external, normalize_url

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps")
PAGE_SUFFIXES = ("", ".html", ".htm", ".shtml", ".jhtml", ".jsp", ".php", ".asp", ".aspx", ".do")
MIN_TITLE_CHARS = 6
PAGE_WORDS = {"下一页", "上一页", "尾页", "末页", "首页", "第一页", "最后一页", ">", ">>", "<", "<<"}
PAGE_FILE = re.compile(r"^(?:index|list|default|more)(?:_\d+)?\.s?html?$", re.IGNORECASE)
CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*"
                         r"['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
# A page whose text is mostly link titles is a list of documents, not a document.
LISTING_LINK_SHARE = 0.35
MIN_LISTING_ITEMS = 3
CJK = re.compile(r"[\u4e00-\u9fff]")
CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "application/wps-office.wps": ".wps",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
}


@dataclass
class PageLinks:
    """The links of one HTML page that the harvester may follow, and whether it is a listing."""

    pagination: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    link_share: float = 0.0

    @property
    def is_listing(self) -> bool:
        """A column page: it paginates, or it is mostly titles of other documents."""
        return bool(self.pagination) or (len(self.items) >= MIN_LISTING_ITEMS
                                         and self.link_share >= LISTING_LINK_SHARE)


def url_suffix(url: str) -> str:
    """The lower-case extension of the URL's path ('' for none)."""
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()


def clean(url: str, base: str) -> str | None:
    """``url`` made absolute against ``base``, normalised, and only if it is on the same site
    and a kind the harvester may want (a page or a document); None otherwise."""
    absolute = urljoin(base, url.strip())
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    try:
        normalised = normalize_url(absolute, strict=True)
    except ValueError:
        return None
    if is_external(normalised, base):
        return None
    if url_suffix(normalised) not in PAGE_SUFFIXES + ATTACHMENT_SUFFIXES:
        return None
    return normalised


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def _same_folder(url: str, base: str) -> bool:
    return PurePosixPath(urlsplit(url).path).parent == PurePosixPath(urlsplit(base).path).parent


def _is_column_index(url: str) -> bool:
    return bool(PAGE_FILE.match(PurePosixPath(urlsplit(url).path).name))


def _generated_pages(html: str, base: str) -> list[str]:
    """Pages of a ``createPageHTML(count, current, "index", "html")`` pager: index.html,
    index_1.html, …, index_{count-1}.html in the listing's folder."""
    found: list[str] = []
    for count, _current, stem, ext in CREATE_PAGE.findall(html):
        for number in range(min(int(count), 500)):
            name = f"{stem}.{ext}" if number == 0 else f"{stem}_{number}.{ext}"
            url = clean(name, base)
            if url:
                found.append(url)
    return found


def page_links(html: bytes | str, base: str) -> PageLinks:
    """The pagination, item and attachment links of the page at ``base`` (bytes in the page's
    own encoding, which lxml reads from its ``<meta charset>``)."""
    soup = BeautifulSoup(html, "lxml")
    script_text = html if isinstance(html, str) else html.decode("latin-1")
    for tag in soup.find_all(["script", "style", "noscript"]):
        tag.decompose()
    links = PageLinks()
    seen = {normalize_url(base, strict=True)}
    link_chars = 0
    for anchor in soup.find_all("a", href=True):
        url = clean(str(anchor["href"]), base)
        text = _compact(anchor.get_text())
        if url is None or url in seen:
            continue
        if url_suffix(url) in ATTACHMENT_SUFFIXES:
            seen.add(url)
            links.attachments.append(url)
        elif _same_folder(url, base) and (text in PAGE_WORDS or text.isdigit() or _is_column_index(url)):
            seen.add(url)
            links.pagination.append(url)
        elif len(text) >= MIN_TITLE_CHARS and CJK.search(text) and not _is_column_index(url):
            seen.add(url)
            links.items.append(url)
            link_chars += len(text)
    for url in _generated_pages(script_text, base):
        if url not in seen:
            seen.add(url)
            links.pagination.append(url)
    body = soup.body or soup
    total = len(_compact(body.get_text()))
    links.link_share = link_chars / total if total else 0.0
    return links


def download_suffix(url: str, content_type: str, disposition: str) -> str:
    """The extension to save a download under: the URL's, else Content-Disposition's file
    name's, else the Content-Type's ('' when none says a format the archive reads)."""
    suffix = url_suffix(url)
    if suffix in ATTACHMENT_SUFFIXES or suffix in (".html", ".htm"):
        return suffix
    named = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition or "", re.IGNORECASE)
    if named:
        named_suffix = PurePosixPath(unquote(named.group(1))).suffix.lower()
        if named_suffix in (*ATTACHMENT_SUFFIXES, ".html", ".htm"):
            return named_suffix
    return CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), "")
