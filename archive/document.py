"""In-memory shape of one parsed report: the contract between parsing, storing and indexing.

Parsing (``archive.describing.parse``) produces a ``ParsedReport``; the store (``archive.store.db``) persists
it; nothing downstream re-reads the original file. Offsets are character offsets into
``ParsedReport.text`` (the display text), so a passage can always be cut back out of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = ("年度报告", "述法报告", "实施方案", "工作要点", "其他")

# Provenance: where a metadata value came from. Users read it in the report reader (来源：…) and
# in JSON, so it is Chinese like the rest of the interface. Templates take the text's own words
# (a field name, a clue as written) and are filled with ``str.format``.
PROV_TITLE_LINE = "标题行"
PROV_COMPOSED = "原文无标题，据地名、年份与文件类型拟定（方括号内为本库所加）"
PROV_FIELD = "网页“{}”栏"
PROV_HEADER_LINE = "文头发文机关"
PROV_SIGNATURE = "文末落款"
PROV_TITLE_ORGAN = "标题开头的发文机关"
PROV_AUTHOR_SUPPLIED = "原文未写发文机关，据所属乡镇（街道）或县拟定（方括号内为本库所加）"
PROV_SIGNATURE_DATE = "落款日期"
PROV_SIDECAR = "随附元数据文件"  # a report.txt.meta.json or metadata.csv row (archive.describing.sidecar)
PROV_CORRECTED = "人工更正（{}；理由：{}）"  # date, reason
PROV_YEAR_TITLE = "标题中的年份"
PROV_YEAR_REPORTED = "“现将…年…情况汇报如下”一句"
PROV_YEAR_OPENING = "首段开头的“…年，”"
PROV_YEAR_HEADING = "第一个含年份的一级标题"
PROV_YEAR_FILENAME = "文件名中的年份"
PROV_YEAR_ISSUED_PLAN = "计划类文件的印发年份（成文日期或文号）"
PROV_YEAR_BODY = "正文中最常提到的年份（不含所引文件标题、起止年份与计划语句）"
PROV_YEAR_PLAN_FOLLOWED = "正文所执行的年度工作方案（要点）的年份"
PROV_TYPE_DISCLOSURE = "标题：政府信息公开工作年度报告"
PROV_TYPE_KIND = "标题含“{}”"
PROV_TYPE_RULE_OF_LAW = "标题：法治（依法）工作报告"
PROV_TYPE_TITLE_OTHER = "标题：非已知文件类型"
PROV_TYPE_OPENING = "首段：“现将…汇报如下”"
PROV_TYPE_OPENING_OTHER = "首段：非已知文件类型"
PROV_TYPE_SHUFA = "述法：履行推进法治建设第一责任人职责情况"
PROV_TYPE_SHUFA_DUTIES = "无标题；以个人身份（本人）或以“履职情况”开篇，讲述履行法治建设第一责任人职责"
PROV_TYPE_INTERPRETATION = "标题：对报告的解读，不是报告本身"
PROV_TYPE_PLAN_OPENING = "无标题；首段：“特制定本方案（要点）”"
PROV_TYPE_YEAR_REVIEW = (
    "无标题；首段回顾一年的法治（政府）建设，第一部分为主要举措和成效（网页节选常只有这一部分）"
)
PROV_TYPE_COLUMN = "网页栏目：{}"
PROV_TYPE_PARTS = "无标题；首段谈法治政府建设，且有年度报告的法定部分（举措成效、不足、下一年度安排）"
PROV_TOWNSHIP_NAMED = "文中乡镇名（见于行政区划库）"
PROV_WRITTEN_TOGETHER = "文中写明：{}"  # <county><township> as written, e.g. 城口县北屏乡
PROV_UNIQUE = "行政区划库：{} 在全国唯一"
PROV_CLUE = "文中线索：{}"  # e.g. 平安信阳指数 → 信阳市
PROV_UNNAMED_TOWNSHIP = "文中以“我{}”自称，未写出乡镇名称"  # 镇 / 乡 / 街道
PROV_CITED = "文中所引本地文件：{}"  # e.g. 《中牟县法治政府建设年度报告工作规定的通知》
PROV_CITED_CONFLICT = "文中所引文件涉及不相隶属的区划（{}），未能确定，留空"
PROV_ADDRESS = "发布网址：{}（文中同名乡镇无法判定时的弱线索）"  # e.g. www.luqu.gov.cn → 碌曲县
PROV_UNDECIDED = "同名乡镇全国有 {} 处，文中无可判定线索，未能确定的上级区划留空"
PROV_CONTRADICTED = "文头所写的 {} 不是该乡镇在行政区划库中的上级区划，上级区划留空"

# Canonical section kinds. Annual reports use the five parts the national rules require
# (plus 前言 for the preamble); plans use 工作任务 for their task headings.
SECTION_KINDS = (
    "前言",
    "主要举措和成效",
    "第一责任人职责",
    "存在的不足和原因",
    "下一年度工作安排",
    "工作任务",
    "其他",
)


@dataclass
class Metadata:
    """Everything known about a report besides its text.

    ``provenance`` maps a field name to where its value came from (``PROV_*`` above, e.g.
    ``"标题行"``, ``"文中线索：平安信阳指数 → 信阳市"``) so a user can see why a place was chosen;
    ``notes`` holds human-readable remarks such as why a county was left empty.
    """

    title: str = ""
    issuer: str = ""
    township: str = ""
    county: str = ""
    city: str = ""
    province: str = ""
    year: int | None = None
    doc_type: str = "其他"
    issue_date: str = ""  # ISO yyyy-mm-dd, empty when the text does not state it
    # True when the document has no title and ``title`` is the archive's label in [brackets].
    title_supplied: bool = False
    # True when nothing names the issuer and ``issuer`` is the one the archive infers from the
    # place, in [brackets] (``archive.describing.issuer``): citations name it as a supplied author.
    author_supplied: bool = False
    # The page's record: 发布机构, 成文日期, 发布日期, 索引号, 发文字号 as the site gives them.
    page_fields: dict[str, str] = field(default_factory=dict)
    # Where the document was published (the government's page, not this archive) and when it was
    # fetched from there (ISO date or date-time): what a citation points at.
    source_url: str = ""
    retrieved: str = ""
    # The file holds only part of the document (the opening of a page, say): the sidecar's
    # ``excerpt``. Shown above the text and in every quote and citation (节选).
    excerpt: bool = False
    division_code: str = ""  # official code of the most precise place resolved
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ParsedPassage:
    """A paragraph of the source (one body line): the unit that is searched and cited."""

    text: str
    start: int
    end: int
    kind: str = "paragraph"


@dataclass
class ParsedSection:
    """One heading and what lies under it. The preamble is a section titled 前言 with no number."""

    number: str  # the label as written with its punctuation: "一、", "（一）", "1.", "一是"; "" for preamble
    title: str
    kind: str
    level: int  # 0 for preamble, 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）
    start: int
    end: int
    passages: list[ParsedPassage] = field(default_factory=list)
    children: list[ParsedSection] = field(default_factory=list)
    # Where the heading as written ends: the end of its line, or of its first sentence when the
    # paragraph goes on after it (an inline heading, styled inside its passage); 0 for 前言.
    heading_end: int = 0

    def walk(self):
        """Yield this section and all its descendants in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class RawDocument:
    """What a reader got out of a file before any interpretation.

    ``fields`` carries labelled values found outside the body text, such as the
    索引号/发布机构/成文日期 table of a saved government web page.
    """

    text: str
    media_type: str
    encoding: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the reader had to repair, for the user


@dataclass
class ParsedReport:
    """A report ready to store: display text, metadata and section tree."""

    text: str
    metadata: Metadata
    sections: list[ParsedSection]

    def passages(self) -> list[tuple[ParsedSection, list[ParsedSection], ParsedPassage]]:
        """All passages in document order with their section and heading path (root first)."""
        out: list[tuple[ParsedSection, list[ParsedSection], ParsedPassage]] = []

        def visit(section: ParsedSection, path: list[ParsedSection]) -> None:
            here = [*path, section]
            for passage in section.passages:
                out.append((section, here, passage))
            for child in section.children:
                visit(child, here)

        for top in self.sections:
            visit(top, [])
        out.sort(key=lambda item: item[2].start)
        return out
