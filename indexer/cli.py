"""``python -m archive index`` and ``python -m archive search``: registered by ``archive.cli``."""

from __future__ import annotations

import argparse
import json
import sys

from archive.config import ArchiveConfig
from archive.errors import ArchiveError, IndexUnavailable

from .service import SearchResult, SearchService

FILTER_OPTIONS = (
    ("--year", "year", "年份，或范围 2022..2024"),
    ("--province", "province", "省"),
    ("--city", "city", "市"),
    ("--county", "county", "区县"),
    ("--township", "township", "乡镇/街道"),
    ("--section", "section", "章节类别，如 存在的不足和原因"),
    ("--type", "doc_type", "文种：年度报告 / 实施方案 / 工作要点 / 其他"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``index`` and ``search`` subcommands to ``subparsers``."""
    index = subparsers.add_parser("index", help="重建检索索引（在旁边建好后原子切换）")
    index.set_defaults(func=cmd_index)

    search = subparsers.add_parser("search", help="检索（语法见 indexer.query）")
    search.add_argument("query", help='检索式，例如 "枫桥经验" county:垫江县 year:2022..2024')
    for flag, dest, label in FILTER_OPTIONS:
        search.add_argument(flag, dest=dest, action="append", metavar="V", help=label)
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--per-page", type=int, default=20)
    search.add_argument("--sort", choices=("relevance", "year", "place"), default="relevance")
    search.add_argument("--json", action="store_true", help="输出 JSON")
    search.set_defaults(func=cmd_search)


def cmd_index(args: argparse.Namespace) -> int:
    """Rebuild the index of the configured archive."""
    from .build import rebuild

    stats = rebuild(ArchiveConfig.from_env())
    print(f"索引完成：{stats.reports} 份报告，{stats.passages} 个段落，用时 {stats.seconds:.1f} 秒")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Search and print a listing (or the JSON result); 2 on a malformed query."""
    filters = {dest: getattr(args, dest) for _flag, dest, _label in FILTER_OPTIONS if getattr(args, dest)}
    try:
        result = SearchService(ArchiveConfig.from_env()).search(
            args.query, filters, page=args.page, sort=args.sort, per_page=args.per_page
        )
    except IndexUnavailable as error:
        print(str(error), file=sys.stderr)
        return 3
    except ArchiveError as error:
        print(f"检索式有误：{error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_listing(result))
    return 0


def format_listing(result: SearchResult) -> str:
    """A human-readable listing: totals, then each report with its best passages."""
    pages = max(result.pages, 1)
    lines = [f"共 {result.total} 个段落，{result.reports} 份报告（第 {result.page}/{pages} 页）"]
    lines.extend(f"注：{note}" for note in result.notes)
    if result.suggestions:
        offers = (f"{s.query}（{s.reports} 份报告）" for s in result.suggestions)
        lines.append("您是不是要找：" + "、".join(offers))
    for group in result.groups:
        place = "".join(part for part in (group.county, group.township) if part) or "（地点未定）"
        lines.append("")
        lines.append(f"■ {group.year or '----'} {place}  {group.title}  [{group.report_id}]")
        for hit in group.hits:
            heading = " › ".join(hit.heading)
            lines.append(f"  #{hit.anchor} {heading}")  # p-<n>, or a heading's s-<n> / the title
            lines.append(f"    {_plain(hit.snippet)}")
        if group.more:
            lines.append(f"  …本报告另有 {group.more} 处")
    return "\n".join(lines)


def _plain(snippet_html: str) -> str:
    """Snippet for a terminal: marks as 【】, HTML entities decoded."""
    import html

    return html.unescape(snippet_html.replace("<mark>", "【").replace("</mark>", "】"))
