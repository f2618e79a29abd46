"""``python -m fazhi``: ingest, list, show, review, correct and delete reports, harvest them from
government sites, index, search and list the figures of the reports (indicators) — every command
through ``fazhi.operations.Archive``.

Exit status is 0 on success, 1 when any file failed, a requested report does not exist or a
correction is refused, 2 for usage errors (argparse's convention) and a malformed query, 3 when
there is no index to search, 141 (a shell's "killed by SIGPIPE") when the reader of the output
went away (``python -m fazhi reports --json | head``): quietly, without a traceback.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tqdm import tqdm

from archive.config import ArchiveConfig
from archive.errors import ArchiveError, IndexUnavailable
from archive.fields import COUNTY_LEVEL, FACET, SORTS, having, place_name
from archive.store.corrections import REVIEW_KINDS, review_counts
from archive.store.db import all_reports, get_report
from archive.store.ingest import FileOutcome
from archive.store.report_json import report_to_json, sections_to_text
from indexer.matching import pasted
from indexer.service import MAX_PER_PAGE, SearchResult

from .operations import Archive

if TYPE_CHECKING:
    from archive.harvest.crawl import Visit
    from archive.harvest.state import QueueItem

REPORT_ID_HELP = "报告编号（reports 命令列出）"
JSON_HELP = "输出 JSON"
# Below this many files a progress bar is noise; per-file lines are shown instead.
PROGRESS_BAR_MIN_FILES = 20
# Exit status when stdout's reader closed the pipe: what a shell reports for a command that
# SIGPIPE ended (128 + 13), as ``cat big | head`` does.
BROKEN_PIPE_STATUS = 141


def _print_json(payload: object) -> None:
    """JSON on stdout, Chinese kept readable (UTF-8, not \\u escapes)."""
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _archive() -> Archive:
    """The archive ``ARCHIVE_HOME`` / ``ARCHIVE_DATABASE_URL`` name (its store created if new)."""
    return Archive(ArchiveConfig.from_env())


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest files/folders, update the index, print a summary; 1 if any file failed."""
    from archive.store.ingest import expand_inputs

    files, skipped = expand_inputs(args.paths)
    total = len(files) + len(skipped)
    bar = tqdm(total=total, unit="file", disable=total < PROGRESS_BAR_MIN_FILES, file=sys.stderr)

    def on_file(outcome: FileOutcome) -> None:
        bar.update(1)
        if outcome.status == "failed":
            bar.write(f"失败 {outcome.path}: {outcome.message}", file=sys.stderr)
        elif bar.disable:
            print(f"{outcome.status:9} {outcome.report_id:12} {outcome.path}")

    try:
        summary = _archive().ingest(args.paths, args.workers, on_file, index=not args.no_index)
    finally:
        bar.close()
    counts = summary.counts
    print(
        f"已收录 {counts['ingested']} · 已更新 {counts['updated']} · 未变 {counts['unchanged']}"
        f" · 跳过（非报告文件）{counts['skipped']} · 失败 {counts['failed']}"
    )
    return 1 if summary.failures else 0


def cmd_reports(args: argparse.Namespace) -> int:
    """List every report (id, year, place, type, title)."""
    with _archive().sessions() as session:
        reports = all_reports(session)
        if args.json:
            _print_json([report.metadata_dict() for report in reports])
            return 0
        for report in reports:
            place = place_name(report, COUNTY_LEVEL) or "（地点未定）"
            print(f"{report.id}  {report.year or '----'}  {place}  {report.doc_type}  {report.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Metadata, section tree and passages of one report; 1 if the id is unknown."""
    with _archive().sessions() as session:
        report = get_report(session, args.id)
        if report is None:
            print(f"没有编号为 {args.id} 的报告", file=sys.stderr)
            return 1
        payload = report_to_json(report)
        if args.json:
            _print_json(payload)
        else:
            for key, value in report.metadata_dict().items():
                print(f"{key:10} {value if value not in (None, '') else '—'}")
            print()
            print(sections_to_text(payload["sections"]))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Reports with an empty or uncertain field, and why (0 even when there are some)."""
    items = _archive().review()
    if args.json:
        _print_json([item.as_dict() for item in items])
        return 0
    for item in items:
        print(f"{item.report_id}  {item.field:9} {item.value or '（空）'}  【{REVIEW_KINDS[item.kind]}】"
              f"{item.why}  《{item.title}》")
    counts = "、".join(f"{REVIEW_KINDS[kind]} {n} 项" for kind, n in review_counts(items).items())
    print(f"共 {len(items)} 项待核，涉及 {len({item.report_id for item in items})} 份报告（{counts}）")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    """Record a correction, apply it and update the index; 1 if refused."""
    changes: dict[str, str] = {}
    for assignment in args.assignments:
        field, equals, value = assignment.partition("=")
        if not equals:
            print(f"应写作 字段=值：{assignment}", file=sys.stderr)
            return 1
        changes[field.strip()] = value.strip()
    try:
        shown = _archive().correct(args.id, changes, args.reason).metadata_dict()
    except ArchiveError as error:
        print(str(error), file=sys.stderr)
        return 1
    for key in changes:
        print(f"{key:10} {shown.get(key)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Remove a report and its original files from the store and the index; 1 if unknown."""
    try:
        files = _archive().delete(args.id)
    except ArchiveError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"已删除 {args.id}（原始文件 {files} 个）")
    return 0


def cmd_harvest(args: argparse.Namespace) -> int:
    """Harvest reports from government sites (``archive.harvest.crawl``), update the index, print a
    summary; 1 if any URL failed, 2 for a URL that cannot be harvested at all."""
    from archive.harvest.crawl import HarvestOptions, summary_lines
    from archive.harvest.fetch import FetchOptions

    if args.delay < 0 or args.depth < 0:
        print("--delay 与 --depth 不能为负数", file=sys.stderr)
        return 2
    options = HarvestOptions(depth=args.depth, fetch=FetchOptions(delay=args.delay, timeout=args.timeout))
    bar = tqdm(total=0, unit="url", file=sys.stderr, disable=args.quiet)

    def on_visit(item: QueueItem, visit: Visit, done: int, queued: int) -> None:
        bar.total = queued
        bar.update(done - bar.n)
        if visit.outcome == "failed":
            bar.write(f"失败 {item.url}: {visit.message}", file=sys.stderr)

    try:
        result = _archive().harvest(args.urls, options, on_visit, index=not args.no_index)
    except ArchiveError as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        bar.close()
    if result.resumed:
        print(f"继续了上次中断的抓取（第 {result.progress.run_id} 次）")
    print("\n".join(summary_lines(result.progress)))
    return 1 if result.progress.failures else 0


def cmd_index(_args: argparse.Namespace) -> int:
    """Rebuild the index of the configured archive."""
    stats = _archive().rebuild()
    print(f"索引完成：{stats.reports} 份报告，{stats.passages} 个段落，用时 {stats.seconds:.1f} 秒")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Search and print a listing (or the JSON result); 2 on a malformed query, 3 without an index."""
    filters = {f.column: getattr(args, f.column) for f in having(FACET) if getattr(args, f.column)}
    try:
        result = _archive().search(args.query, filters, page=args.page, sort=args.sort,
                                   per_page=args.per_page, passage=pasted.choice(args.passage))
    except IndexUnavailable as error:
        print(str(error), file=sys.stderr)
        return 3
    except ArchiveError as error:
        print(f"检索式有误：{error}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(result.to_json())
    else:
        print(format_listing(result))
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    """The indicator table (the figures read from the reports, ``indexer.index.indicator_table``) as text
    or JSON, filtered like search; 2 for a bad filter or measure, 3 without an index."""
    from indexer.index.indicator_table import choose, record, table

    archive = _archive()
    filters = {f.column: getattr(args, f.column) for f in having(FACET) if getattr(args, f.column)}
    try:
        found = table(archive.config)
        if found is None:
            raise IndexUnavailable("检索索引尚未建立或已丢失，请运行 python -m fazhi index 重建。")
        chosen = choose(found, archive.search_service.parse("", filters), args.measure, args.kind)
    except IndexUnavailable as error:
        print(str(error), file=sys.stderr)
        return 3
    except ArchiveError as error:
        print(f"筛选条件有误：{error}", file=sys.stderr)
        return 2
    if args.json:
        _print_json({"figures": [record(f, found.reports[f.report_id]) for f in chosen.figures],
                     "unsure": [record(f, found.reports[f.report_id]) for f in chosen.unsure]})
        return 0
    lines: list[str] = []
    for measure in chosen.measures:
        figures = [f for f in chosen.figures if f.measure == measure.name]
        if figures:
            reports = len({f.report_id for f in figures})
            lines += ["", f"■ {measure.name}（{len(figures)} 个数字，{reports} 份报告）"]
        for figure in figures:
            info = found.reports[figure.report_id]
            target = "（目标）" if figure.kind == "target" else ""
            lines.append(f"  {info.year or '----'}  {place_name(info, COUNTY_LEVEL) or '（地点未定）'}  "
                         f"{figure.text}{target}  [{figure.report_id} ¶{figure.seq}]")
    lines.extend(f"读不准：{f.text}（{f.unsure}）[{f.report_id} ¶{f.seq}]" for f in chosen.unsure)
    print(f"共 {len(chosen.figures)} 个数字" + "\n".join(lines))
    return 0


def format_listing(result: SearchResult) -> str:
    """A human-readable listing: totals, then each report with its best passages."""
    pages = max(result.pages, 1)
    lines = [f"共 {result.total} 个段落，{result.reports} 份报告（第 {result.page}/{pages} 页）"]
    if result.clauses is not None:
        lines.append(f"按粘贴的段落查找出处：{len(result.clauses)} 个分句逐句精确匹配，按共有分句数排序")
    lines.extend(f"注：{note}" for note in result.notes)
    if result.suggestions:
        offers = (f"{s.query}（{s.reports} 份报告）" for s in result.suggestions)
        lines.append("您是不是要找：" + "、".join(offers))
    for group in result.groups:
        place = place_name(group, COUNTY_LEVEL) or "（地点未定）"
        lines.append("")
        shared = f"  共有 {group.shared} 句" if group.shared is not None else ""
        lines.append(f"■ {group.year or '----'} {place}  {group.title}  [{group.report_id}]{shared}")
        for hit in group.hits:
            heading = " › ".join(hit.heading)
            lines.append(f"  #{hit.anchor} {heading}")  # p-<n>, or a heading's s-<n> / the title
            lines.append(f"    {_plain(hit.snippet)}")
        if group.more:
            lines.append(f"  …本报告另有 {group.more} 处")
    return "\n".join(lines)


def _plain(snippet_html: str) -> str:
    """Snippet for a terminal: marks as 【】, HTML entities decoded."""
    return html.unescape(snippet_html.replace("<mark>", "【").replace("</mark>", "】"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m fazhi", description="法治政府建设报告检索库")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="收录文件或文件夹")
    ingest.add_argument("paths", nargs="+", help="files or folders (txt, docx, html, pdf, doc, wps)")
    ingest.add_argument("--workers", type=int, default=None, help="parser processes (default: cores)")
    ingest.add_argument("--no-index", action="store_true", help="do not update the search index")
    ingest.set_defaults(func=cmd_ingest)

    for name, help_text, func, positionals in (
        ("reports", "列出全部报告", cmd_reports, ()),
        ("show", "显示一份报告", cmd_show, ("id",)),
        ("review", "列出元数据为空或不确定的报告及原因", cmd_review, ()),
    ):
        listing = sub.add_parser(name, help=help_text)
        for positional in positionals:
            listing.add_argument(positional, help=REPORT_ID_HELP)
        listing.add_argument("--json", action="store_true", help=JSON_HELP)
        listing.set_defaults(func=func)

    correct_parser = sub.add_parser("set", help="更正一份报告的元数据（重新收录、重建索引后仍然有效）")
    correct_parser.add_argument("id", help=REPORT_ID_HELP)
    correct_parser.add_argument("assignments", nargs="+", metavar="field=value",
                                help="e.g. county=潢川县 year=2024 (an empty value clears the field)")
    correct_parser.add_argument("--reason", default="", help="why (shown in the report's provenance)")
    correct_parser.set_defaults(func=cmd_set)

    delete_parser = sub.add_parser("delete", help="删除一份报告及其原始文件")
    delete_parser.add_argument("id", help=REPORT_ID_HELP)
    delete_parser.set_defaults(func=cmd_delete)

    harvest_parser = sub.add_parser("harvest", help="从政府网站抓取报告并收录（遵守 robots.txt）")
    harvest_parser.add_argument("urls", nargs="+", metavar="URL", help="a report page or a column listing")
    harvest_parser.add_argument("--depth", type=int, default=2,
                                help="links to follow from a start URL, pagination not counted (default 2)")
    harvest_parser.add_argument("--delay", type=float, default=1.0,
                                help="seconds between requests to one host, at least (default 1)")
    harvest_parser.add_argument("--timeout", type=float, default=20.0,
                                help="seconds per request (default 20)")
    harvest_parser.add_argument("--no-index", action="store_true", help="do not update the search index")
    harvest_parser.add_argument("--quiet", action="store_true", help="no progress bar")
    harvest_parser.set_defaults(func=cmd_harvest)

    index = sub.add_parser("index", help="重建检索索引（在旁边建好后原子切换）")
    index.set_defaults(func=cmd_index)

    search = sub.add_parser("search", help="检索（语法见 indexer.analysis.query）")
    search.add_argument("query", help='检索式，例如 "枫桥经验" county:垫江县 year:2022..2024')
    _filter_options(search)
    search.add_argument("--page", type=int, default=1, help="页码")
    search.add_argument("--per-page", type=int, default=20, help=f"每页报告数（至多 {MAX_PER_PAGE}）")
    search.add_argument("--sort", choices=tuple(SORTS), default="relevance", help="排序：相关度、年份或地区")
    search.add_argument("--passage", choices=("yes", "no"), default=None,
                        help="yes：按粘贴的段落逐句查找出处；no：按检索式理解（默认按文字自动判断）")
    search.add_argument("--json", action="store_true", help=JSON_HELP)
    search.set_defaults(func=cmd_search)

    indicators = sub.add_parser("indicators", help="指标：报告中的数字（按指标、地区、年份）")
    indicators.add_argument("--measure", default="", help="指标名称或其中的词，如 行政诉讼、纠纷调解件数")
    indicators.add_argument("--kind", default="", choices=("", "result", "target"), help="只看结果或目标")
    _filter_options(indicators)
    indicators.add_argument("--json", action="store_true", help=JSON_HELP)
    indicators.set_defaults(func=cmd_indicators)
    return parser


def _filter_options(command: argparse.ArgumentParser) -> None:
    """--year --province … --section --type, from the field registry (search's filters)."""
    for field in having(FACET):
        example = f"，如 {field.example}" if field.example else ""
        command.add_argument(f"--{field.name}", dest=field.column, action="append", metavar="V",
                             help=f"{field.label}{example}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m fazhi``.

    A reader that stops early (``| head``) closes the pipe: what it read is what the user asked
    for, so that ends the command quietly. stdout is pointed at /dev/null first, as the Python
    documentation advises, so the interpreter's last flush at exit cannot fail a second time.
    """
    args = build_parser().parse_args(argv)
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return BROKEN_PIPE_STATUS
    return status
