"""Citation strings for one passage of one report: GB/T 7714-2015, BibTeX, RIS, plain text.

Pure functions over plain data (no Flask, no ORM) so the exact strings can be checked against
hand-worked examples: a researcher pastes these into a paper, and a wrong full stop is a bug.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

UNKNOWN_AUTHOR = "佚名"  # GB/T 7714-2015 §8.1.1: a Chinese work without a known author


@dataclass(frozen=True)
class CitedPassage:
    """Everything a citation needs about a report and one of its passages."""

    report_id: str
    title: str
    issuer: str
    township: str
    county: str
    city: str
    province: str
    year: int | None
    issue_date: str  # ISO yyyy-mm-dd or ""
    seq: int
    text: str
    heading_path: list[str] = field(default_factory=list)
    # The report has no title: ``title`` is the archive's label in [brackets], which GB/T 7714
    # and catalogues use for a supplied title, so it is cited as it stands.
    title_supplied: bool = False


@dataclass(frozen=True)
class Citation:
    """All the forms a user may copy; ``to_dict`` is the JSON API's shape."""

    report_id: str
    seq: int
    quote: str
    source: str
    permalink: str
    report_url: str
    gbt7714: str
    bibtex: str
    ris: str
    text: str  # quote + source + permalink, the "copy everything" block
    title_supplied: bool = False  # the cited title is the archive's [label], not the document's

    def to_dict(self) -> dict:
        """JSON-ready dict with every field."""
        return asdict(self)


def issuer_of(cited: CitedPassage) -> str:
    """The responsible body: the stated issuer, else the township government, else 佚名.

    Why the fallback: these reports are issued by the township government even when the
    file does not say so, and GB/T 7714 wants a principal responsibility in every entry.
    """
    if cited.issuer.strip():
        return cited.issuer.strip()
    if cited.township:
        return f"{cited.county}{cited.township}人民政府"
    if cited.county:
        return f"{cited.county}人民政府"
    return UNKNOWN_AUTHOR


def title_of(cited: CitedPassage) -> str:
    """The report's title, or a descriptive one built from place and year when it has none."""
    if cited.title.strip():
        return cited.title.strip()
    year = f"{cited.year}年" if cited.year else ""
    return f"{cited.county}{cited.township}{year}法治政府建设报告"


def join_place(province: str, city: str, county: str, township: str) -> str:
    """Province … township run together the way Chinese addresses are written, without repeats
    (a municipality such as 重庆市 is both province and city)."""
    parts: list[str] = []
    for part in (province, city, county, township):
        if part and part not in parts:
            parts.append(part)
    return "".join(parts)


def place_of(cited: CitedPassage) -> str:
    """The cited report's place as one string."""
    return join_place(cited.province, cited.city, cited.county, cited.township)


def gbt7714(cited: CitedPassage, report_url: str, accessed: date) -> str:
    """``Issuer. Title[R/OL]. (issue date)[access date]. URL.`` (GB/T 7714-2015 §4.1, §8.8).

    The parenthesised update/publication date is left out when the issue date is unknown;
    the bracketed access date is always given, as the standard requires for online resources.
    """
    issued = f"({cited.issue_date})" if cited.issue_date else ""
    return f"{issuer_of(cited)}. {title_of(cited)}[R/OL]. {issued}[{accessed.isoformat()}]. {report_url}."


def _bibtex_escape(value: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially, so a title cannot break the entry."""
    out = value.replace("\\", "\\textbackslash{}")
    for char in "{}":
        out = out.replace(char, "\\" + char)
    for char in "&%$#_":
        out = out.replace(char, "\\" + char)
    return out.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def bibtex_key(cited: CitedPassage) -> str:
    """Unique per passage, so a citation list with two passages of one report stays valid."""
    return f"fazhi-{cited.report_id}-p{cited.seq}"


def bibtex(cited: CitedPassage, report_url: str, accessed: date) -> str:
    """A ``@techreport`` entry (biblatex reads ``urldate``; the author is a corporate name in braces)."""
    fields: list[tuple[str, str]] = [
        ("author", "{" + _bibtex_escape(issuer_of(cited)) + "}"),
        ("title", _bibtex_escape(title_of(cited))),
        ("institution", "{" + _bibtex_escape(issuer_of(cited)) + "}"),
        ("type", "法治政府建设报告"),
    ]
    if place_of(cited):
        fields.append(("address", _bibtex_escape(place_of(cited))))
    year = cited.issue_date[:4] if cited.issue_date else (str(cited.year) if cited.year else "")
    if year:
        fields.append(("year", year))
    if cited.issue_date:
        fields.append(("date", cited.issue_date))
    fields += [
        ("url", report_url),
        ("urldate", accessed.isoformat()),
        ("note", _bibtex_escape(passage_note(cited))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@techreport{{{bibtex_key(cited)},\n{body}\n}}"


def passage_note(cited: CitedPassage) -> str:
    """Where in the report: heading path and paragraph number (第 N 段)."""
    path = " > ".join(cited.heading_path)
    return f"{path}，第{cited.seq}段" if path else f"第{cited.seq}段"


def ris(cited: CitedPassage, report_url: str, accessed: date) -> str:
    """A RIS record (``TY  - RPRT``); tags are two letters, two spaces, a dash and a space."""
    lines = [("TY", "RPRT"), ("AU", issuer_of(cited)), ("TI", title_of(cited))]
    if cited.issue_date:
        lines.append(("PY", cited.issue_date[:4]))
        lines.append(("DA", cited.issue_date.replace("-", "/")))
    elif cited.year:
        lines.append(("PY", str(cited.year)))
    if place_of(cited):
        lines.append(("CY", place_of(cited)))
    lines += [
        ("PB", issuer_of(cited)),
        ("UR", report_url),
        ("Y2", accessed.isoformat().replace("-", "/")),
        ("N1", passage_note(cited)),
        ("ID", bibtex_key(cited)),
        ("ER", ""),
    ]
    return "\n".join(f"{tag}  - {value}".rstrip() + (" " if tag == "ER" else "") for tag, value in lines)


def source_line(cited: CitedPassage) -> str:
    """One human line saying where the quote is from: issuer, 《title》, place and year, section."""
    bits = [f"{issuer_of(cited)}《{title_of(cited)}》"]
    context = "，".join(x for x in (place_of(cited), f"{cited.year}年" if cited.year else "") if x)
    if context:
        bits.append(f"（{context}）")
    return "——" + "".join(bits) + "，" + passage_note(cited)


def cite(cited: CitedPassage, base_url: str, accessed: date) -> Citation:
    """Every citation form for a passage; ``base_url`` is the site root without a trailing slash."""
    root = base_url.rstrip("/")
    report_url = f"{root}/reports/{cited.report_id}"
    permalink = f"{report_url}?p={cited.seq}#p-{cited.seq}"
    # Chinese nesting: double quotes inside a quotation become single ones.
    quote = "“" + cited.text.replace("“", "‘").replace("”", "’") + "”"
    source = source_line(cited)
    return Citation(
        title_supplied=cited.title_supplied,
        report_id=cited.report_id,
        seq=cited.seq,
        quote=quote,
        source=source,
        permalink=permalink,
        report_url=report_url,
        gbt7714=gbt7714(cited, report_url, accessed),
        bibtex=bibtex(cited, report_url, accessed),
        ris=ris(cited, report_url, accessed),
        text=f"{quote}\n{source}\n{permalink}",
    )


def combine(citations: list[Citation], fmt: str) -> tuple[str, str, str]:
    """A citation list as one file: (body, media type, file extension) for ``text|bibtex|ris|gbt``."""
    if fmt == "bibtex":
        return "\n\n".join(c.bibtex for c in citations) + "\n", "application/x-bibtex", "bib"
    if fmt == "ris":
        return "\n".join(c.ris for c in citations) + "\n", "application/x-research-info-systems", "ris"
    if fmt == "gbt":
        body = "\n".join(f"[{i}] {c.gbt7714}" for i, c in enumerate(citations, start=1))
        return body + "\n", "text/plain", "txt"
    blocks = [f"[{i}] {c.text}\n    {c.gbt7714}" for i, c in enumerate(citations, start=1)]
    return "\n\n".join(blocks) + "\n", "text/plain", "txt"


FORMATS = ("text", "gbt", "bibtex", "ris")
