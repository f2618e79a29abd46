"""The report inside a saved government web page: main text (one paragraph per line) and fields.

Portal pages wrap a report in a site header, menus, breadcrumbs, a 索引号/发布机构/成文日期 table,
share and print widgets, related-link sidebars and a footer. ``main_text`` keeps only the article.
Three extractors are offered so that ``bench/html_extract.py`` can measure them on the same pages:

- ``heuristic``: the project's first rule (the element with the most ``<p>`` text directly
  inside it), kept as the fallback when a library extractor finds nothing;
- ``trafilatura`` and ``readability``: well-kept main-content extractors.

Each returns HTML or an element; ``block_text`` turns it into text with a line per block so the
report's paragraphs stay paragraphs (``archive.reading.cleaning`` then drops leftover breadcrumb and
metadata lines). The page's metadata table is read separately (``page_fields``) from the whole
page, because a good extractor rightly leaves that table out of the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

from .cleaning import METADATA_LABELS, extract_fields

BLOCK_TAGS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table",
              "section", "article", "blockquote", "pre", "dd", "dt", "head", "item", "row", "cell",
              "list")
NOISE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select",
              "template", "canvas")


def compact(text: str) -> str:
    """``text`` without any whitespace: Chinese text compares the same however it was wrapped."""
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def parse(data: bytes | str) -> BeautifulSoup:
    """The page as a tree (lxml, encoding from the page's own declaration or detection)."""
    return BeautifulSoup(data, "lxml")


def page_fields(soup: BeautifulSoup) -> dict[str, str]:
    """Labelled values of the page's metadata block: ``<td>发布机构：</td><td>…</td>`` or
    ``<span>发布机构：…</span>``."""
    fields: dict[str, str] = {}
    for element in soup.find_all(["td", "th", "span", "li", "p", "dt", "div", "label", "b", "strong"]):
        if element.find(["td", "table", "div", "p", "li"]):
            continue  # only leaf-ish elements: containers repeat their children's text
        own = compact(element.get_text())
        if not own:
            continue
        label = own.rstrip(":：")
        if label in METADATA_LABELS and label not in fields:
            sibling = element.find_next_sibling()
            if sibling is not None:
                value = sibling.get_text(" ", strip=True)
                if value and value.rstrip(":：") not in METADATA_LABELS:
                    fields[label] = value
            continue
        for label_text, value in extract_fields(element.get_text(" ", strip=True)).items():
            fields.setdefault(label_text, value)
    address = own_address(soup)
    if address:
        fields.setdefault("网址", address)
    return fields


def own_address(soup: BeautifulSoup) -> str:
    """The address the page gives for itself (``<link rel="canonical">``, ``og:url``): where a
    saved page was published, so a citation can point at the government's page."""
    link = soup.find("link", rel=lambda value: value and "canonical" in value)
    meta = soup.find("meta", attrs={"property": "og:url"})
    for candidate in ((link.get("href") if link else None), (meta.get("content") if meta else None)):
        if isinstance(candidate, str) and candidate.strip().startswith(("http://", "https://")):
            return candidate.strip()
    return ""


def block_text(element: Tag) -> str:
    """The element's text with a line break around every block, so one paragraph is one line."""
    for tag in element.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in element.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def _without_noise(html: str) -> BeautifulSoup:
    soup = parse(html)
    for tag in soup.find_all(NOISE_TAGS):
        tag.decompose()
    return soup


def heuristic_text(html: str) -> str:
    """The project's own rule: the element with the most paragraph text directly inside, and the
    page's first ``<h1>``/``<h2>`` in front when the container lacks it (titles often sit above
    the article's ``<div>``)."""
    soup = _without_noise(html)
    best, best_score = None, 0
    for element in soup.find_all(["div", "article", "section", "td", "body"]):
        score = sum(len(p.get_text(strip=True)) for p in element.find_all("p", recursive=False))
        if score > best_score:
            best, best_score = element, score
    return block_text(best or soup.body or soup)


def trafilatura_text(html: str) -> str:
    """trafilatura's main content, tables kept (reports carry tables), recall favoured: losing
    a paragraph of a report costs more than keeping a stray line that cleaning removes."""
    import trafilatura

    out = trafilatura.extract(html, output_format="html", include_tables=True, include_comments=False,
                              include_images=False, favor_recall=True, deduplicate=False)
    return block_text(parse(out)) if out else ""


def readability_text(html: str) -> str:
    """readability-lxml's article (Mozilla Readability's scoring of candidate containers)."""
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return block_text(parse(summary)) if summary else ""


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "heuristic": heuristic_text,
    "trafilatura": trafilatura_text,
    "readability": readability_text,
}

