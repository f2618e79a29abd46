"""Which main-content extractor reads saved government pages best.

    python -m bench.html_extract portal SQL_FILE... OUT    # real gov.cn pages from a crawler's SQL dump
    python -m bench.html_extract wrap OUT [TXT_DIR...]    # the project's real reports in portal chrome
    python -m bench.html_extract measure DIR...            # per-page and overall figures

A page is ``NAME.html`` with ``NAME.expected.txt`` beside it (the report's paragraphs, one a
line) and ``NAME.expected.json`` (``title``, ``date``; either may be empty). For every extractor of
``archive.reading.html_page.EXTRACTORS`` ``measure`` prints:

- ``recall``: share of expected paragraphs whose text is in the output (whitespace ignored);
- ``lines``: share of expected paragraphs that are an output line of their own (what
  ``archive.reading.cleaning`` and the section tree need);
- ``junk``: share of output characters on lines that are not report text (navigation, footer,
  metadata table, share widgets);
- ``title``: pages whose expected title is in the first lines of the output;
- ``date``: pages whose expected date is found: from the page's metadata table
  (``page_fields``: 成文日期, else 发布日期) and, separately, by htmldate.

Third-party pages are written outside the repository (OUT is any folder you choose); only the
wrapped reports of ``tests/corpus`` may be shipped, and the tests build them on the fly.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from archive.describing.parse import parse_file
from archive.reading.html_page import EXTRACTORS, block_text, compact, page_fields, parse

ROOT = Path(__file__).resolve().parent.parent
WEB_CORPUS = ROOT / "tests" / "corpus" / "web"
TITLE_LINES = 5
DATE_FIELDS = ("成文日期", "发布日期")
# Chrome of a county portal, as such pages carry it. Every string here is navigation, widget or
# footer text that must never reach a report (tests check each of them).
TOP_LINKS = ("无障碍浏览", "长者模式")
MENU = ("网站首页", "政务公开", "政务服务", "互动交流", "走进县情")
CRUMB = "当前位置：首页 > 政务公开 > 法定主动公开内容 > 法治政府建设"
TOOLS = ("【字体：大 中 小】", "【打印本页】", "【关闭窗口】", "分享到：微信 微博 QQ空间",
         "扫一扫在手机打开当前页")
SIDEBAR = ("相关链接", "关于开展2023年度安全生产大检查的通知", "县人民政府关于公布行政许可事项清单的公告",
           "我要留言", "政策解读")
FOOTER = ("网站地图", "联系我们", "主办单位：县人民政府办公室", "网站标识码：5113250001",
          "蜀ICP备05012345号-1", "公安机关备案号：51132502000123", "技术支持：县大数据中心")
INDEX_NUMBER = "11511325MB1234567X/2024-00031"  # the table's 索引号 when the report's text has none
CHROME_TEXT = (*TOP_LINKS, *MENU, CRUMB, *TOOLS, *SIDEBAR, *FOOTER)



def _sql_rows(text: str):
    """Value tuples of ``INSERT … VALUES (…)`` statements (MySQL quoting: ``''`` and ``\\x``)."""
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
    start = re.compile(r"values\s*\(", re.IGNORECASE)
    position = 0
    while match := start.search(text, position):
        position, values = match.end(), []
        while True:
            while text[position] in " \n\r\t,":
                position += 1
            if text[position] == ")":
                position += 1
                break
            if text[position] != "'":
                end = min(text.index(",", position), text.index(")", position))
                raw = text[position:end].strip()
                values.append(None if raw.lower() == "null" else raw)
                position = end
                continue
            position += 1
            chars: list[str] = []
            while True:
                char = text[position]
                if char == "\\":
                    chars.append(escapes.get(text[position + 1], text[position + 1]))
                    position += 2
                elif char == "'" and text[position + 1] == "'":
                    chars.append("'")
                    position += 2
                elif char == "'":
                    position += 1
                    break
                else:
                    chars.append(char)
                    position += 1
            values.append("".join(chars))
        yield values


def _iso_date(text: str) -> str:
    match = re.search(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", text or "")
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


def export_portal(sql_files: list[Path], out: Path) -> int:
    """Pages of a crawler's ``ge_policy_raw`` dump (one row per gov.cn policy page, ``html`` column
    as saved), each with its expected text: the paragraphs of the page's own content cell
    ``#UCAP-CONTENT``; title and date from its metadata table (标题, 成文日期)."""
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for sql in sql_files:
        text = sql.read_text(encoding="utf-8")
        header = re.search(r"\(([^()]*)\)\s*values", text, re.IGNORECASE)
        columns = [name.strip() for name in header[1].split(",")] if header else []
        for values in _sql_rows(text):
            row = dict(zip(columns, values, strict=True))
            page = row.get("html") or ""
            if row["crawl_url"] in seen or "UCAP-CONTENT" not in page:
                continue
            seen.add(row["crawl_url"])
            soup = parse(page)
            fields = page_fields(soup)
            content = soup.find(id="UCAP-CONTENT")
            assert content is not None
            number = re.search(r"content_(\d+)", row["crawl_url"])
            name = f"govcn-{number[1] if number else len(seen)}"
            document = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
                        f"{html.escape(fields.get('标题', ''))}</title></head><body>{page}</body></html>")
            _write_page(out, name, document, block_text(content) + "\n", fields.get("标题", ""),
                        _iso_date(fields.get("成文日期", "")))
    return len(seen)


# How a CMS marks paragraphs up: ``<p>``; ``<br>`` breaks in one block (older CMS, pasted Word
# text); ``<div>`` per paragraph with the text in nested ``<span>``/``<font>``.
LAYOUTS = ("p", "br", "div")


def _article(lines: list[str], layout: str) -> str:
    escaped = [html.escape(line) for line in lines]
    if layout == "br":
        return "<div class=\"TRS_Editor\"><font size=\"3\">" + "<br>\n".join(escaped) + "</font></div>"
    if layout == "div":
        return "\n".join(f"<div style=\"text-indent:2em\"><span><font face=\"仿宋\">{line}</font></span>"
                         "</div>" for line in escaped)
    return "\n".join(f"<p style=\"text-indent:2em\">{line}</p>" for line in escaped)


def portal_page(
    report_text: str, title: str = "", fields: dict[str, str] | None = None, layout: str = "p"
) -> str:
    """``report_text`` (a line per paragraph) as a county portal publishes it: site header and
    menu, breadcrumb, title, 索引号 table, the article, print/share widgets, related links in a
    sidebar, footer. ``fields`` fills the table (only values the report itself carries, so the
    HTML version says no more than the text version)."""
    fields = {"索引号": INDEX_NUMBER, **(fields or {})}
    cells = "".join(f"<tr><td class=\"label\"><b>{html.escape(label)}：</b></td>"
                    f"<td>{html.escape(value)}</td></tr>" for label, value in fields.items())
    paragraphs = _article([line.strip() for line in report_text.splitlines() if line.strip()], layout)
    heading = f"<h1 class=\"article-title\">{html.escape(title)}</h1>" if title else ""
    menu = "".join(f"<li><a href=\"/col{number}/\">{item}</a></li>" for number, item in enumerate(MENU))
    related = "".join(f"<li><a href=\"/art/{number}.html\">{item}</a><span>2023-06-0{number}</span></li>"
                      for number, item in enumerate(SIDEBAR[1:3], start=1))
    footer = "".join(f"<p>{item}</p>" for item in FOOTER[2:])  # footers use <p> too
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title or "政务公开")}</title>
<meta name="keywords" content="政务公开,法治政府建设"></head>
<body>
<div class="top"><div class="wrap"><a href="/wza/">{TOP_LINKS[0]}</a> |
<a href="/old/">{TOP_LINKS[1]}</a></div></div>
<div class="header"><div class="logo"><img src="/images/logo.png" alt=""></div>
<ul class="menu">{menu}</ul></div>
<div class="wrap main">
<div class="crumb">{html.escape(CRUMB)}</div>
<div class="left-col">
<div class="xxgk-table"><table>{cells}</table></div>
<div class="article">{heading}
<div class="tools">{TOOLS[0]}</div>
<div class="article-content" id="zoom">
{paragraphs}
</div>
<div class="article-tools"><a href="javascript:window.print()">{TOOLS[1]}</a>
<a href="javascript:window.close()">{TOOLS[2]}</a><div class="share">{TOOLS[3]}</div>
<div class="qr">{TOOLS[4]}</div></div>
</div></div>
<div class="right-col"><div class="box"><div class="box-title">{SIDEBAR[0]}</div><ul>{related}</ul></div>
<div class="box"><a href="/liuyan/">{SIDEBAR[3]}</a> <a href="/jiedu/">{SIDEBAR[4]}</a></div></div>
</div>
<div class="footer"><div class="links"><a href="/map.html">{FOOTER[0]}</a> |
<a href="/lx.html">{FOOTER[1]}</a></div>
{footer}</div>
</body></html>"""


def _write_page(out: Path, name: str, page: str, paragraphs: str, title: str, date: str) -> None:
    (out / f"{name}.html").write_text(page, encoding="utf-8")
    (out / f"{name}.expected.txt").write_text(paragraphs, encoding="utf-8")
    (out / f"{name}.expected.json").write_text(json.dumps({"title": title, "date": date}, ensure_ascii=False),
                                               encoding="utf-8")


def wrapped_report(path: Path, layout: str = "p") -> tuple[str, str]:
    """A real report ``.txt`` as a portal page, and its own title (empty when it has none): the
    title goes to ``<title>`` and ``<h1>``, the metadata fields its text carries to the table."""
    from archive.reading.readers import read_file

    raw = read_file(path)[1]
    metadata = parse_file(path)[2].metadata
    title = "" if metadata.title_supplied else metadata.title
    return portal_page(raw.text, title, raw.fields, layout), title


def export_wrapped(out: Path, folders: list[Path]) -> int:
    """Every ``.txt`` report of ``folders`` wrapped by ``wrapped_report`` in each of ``LAYOUTS``;
    expected text: its lines."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for layout in LAYOUTS:
                page, title = wrapped_report(path, layout)
                name = f"{folder.name}-{path.stem}-{layout}"
                _write_page(out, name, page, "\n".join(lines) + "\n", title, "")
                count += 1
    return count


@dataclass
class Score:
    """One extractor on one page (shares in 0..1; ``None`` where nothing was expected)."""

    recall: float
    lines: float
    junk: float
    title: bool | None


def score(output: str, expected: list[str], title: str) -> Score:
    """How ``output`` (one block a line) compares with the expected paragraphs and title."""
    wanted = [compact(line) for line in expected if compact(line)]
    out_lines = [compact(line) for line in output.splitlines() if compact(line)]
    everything, body = "".join(out_lines), "".join(wanted)
    own_lines = set(out_lines)
    found = sum(paragraph in everything for paragraph in wanted)
    intact = sum(paragraph in own_lines for paragraph in wanted)
    junk = sum(len(line) for line in out_lines if line not in body)
    head = "".join(out_lines[:TITLE_LINES])
    return Score(
        recall=found / len(wanted) if wanted else 1.0,
        lines=intact / len(wanted) if wanted else 1.0,
        junk=junk / len(everything) if everything else 0.0,
        title=(compact(title) in head) if title else None,
    )


def _dates(page: str) -> tuple[str, str, str]:
    """The page's date from its metadata table (成文日期, else 发布日期), its 发布日期, and
    htmldate's guess (which on portals finds the publication date, or a sidebar link's date)."""
    from htmldate import find_date

    fields = page_fields(parse(page))
    table = next((_iso_date(fields[label]) for label in DATE_FIELDS if fields.get(label)), "")
    published = _iso_date(fields.get("发布日期", ""))
    return table, published, find_date(page, extensive_search=True, original_date=True) or ""


def measure(folders: list[Path], out=sys.stdout) -> dict[str, dict[str, float]]:
    """Per-page and overall figures for every extractor; returns the overall ones."""
    totals: dict[str, list[Score]] = {name: [] for name in EXTRACTORS}
    date_hits = {"table": 0, "htmldate": 0, "htmldate = 发布日期": 0}
    dated = 0
    pages = sorted(path for folder in folders for path in folder.glob("*.html"))
    print(f"{'page':<28}" + "".join(f"{name:>34}" for name in EXTRACTORS), file=out)
    print(f"{'':<28}" + "".join(f"{'recall lines  junk title':>34}"
                                                                     for _ in EXTRACTORS), file=out)
    for page_path in pages:
        stem = page_path.name.removesuffix(".html")
        page = page_path.read_text(encoding="utf-8")
        expected = page_path.with_name(f"{stem}.expected.txt").read_text(encoding="utf-8").splitlines()
        info = json.loads(page_path.with_name(f"{stem}.expected.json").read_text(encoding="utf-8"))
        row = f"{stem[:27]:<28}"
        for name, extract in EXTRACTORS.items():
            result = score(extract(page), expected, info.get("title", ""))
            totals[name].append(result)
            mark = "-" if result.title is None else "yes" if result.title else "NO"
            row += f"{result.recall:>14.1%}{result.lines:>7.1%}{result.junk:>7.1%}{mark:>6}"
        if info.get("date"):
            dated += 1
            table, published, guessed = _dates(page)
            date_hits["table"] += table == info["date"]
            date_hits["htmldate"] += guessed == info["date"]
            date_hits["htmldate = 发布日期"] += bool(published) and guessed == published
        print(row, file=out)
    overall = {name: _overall(scores) for name, scores in totals.items()}
    print(f"\n{len(pages)} pages", file=out)
    for name, figures in overall.items():
        print(f"{name:<12} " + "  ".join(f"{key} {value:.1%}" for key, value in figures.items()), file=out)
    if dated:
        print(f"date = expected 成文日期 on {dated} pages: metadata table {date_hits['table']}, "
              f"htmldate {date_hits['htmldate']} (htmldate = the table's 发布日期 on "
              f"{date_hits['htmldate = 发布日期']})", file=out)
    return overall


def _overall(scores: list[Score]) -> dict[str, float]:
    titled = [result.title for result in scores if result.title is not None]
    return {
        "recall": statistics.fmean(result.recall for result in scores),
        "complete pages": statistics.fmean(result.recall == 1.0 for result in scores),
        "lines": statistics.fmean(result.lines for result in scores),
        "junk": statistics.fmean(result.junk for result in scores),
        "junk-free pages": statistics.fmean(result.junk == 0.0 for result in scores),
        "title": statistics.fmean(titled) if titled else float("nan"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.html_extract", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    portal = sub.add_parser("portal", help="export gov.cn pages of a ge_policy_raw SQL dump")
    portal.add_argument("sql", type=Path, nargs="+")
    portal.add_argument("out", type=Path)
    wrap = sub.add_parser("wrap", help="wrap the project's real reports in portal chrome")
    wrap.add_argument("out", type=Path)
    wrap.add_argument("folders", type=Path, nargs="*", default=[WEB_CORPUS])
    run = sub.add_parser("measure", help="score every extractor on the pages of DIR")
    run.add_argument("dirs", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "portal":
        print(f"{export_portal(args.sql, args.out)} pages written to {args.out}")
    elif args.command == "wrap":
        print(f"{export_wrapped(args.out, args.folders)} pages written to {args.out}")
    else:
        measure(args.dirs)


if __name__ == "__main__":
    main()
