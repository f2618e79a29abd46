"""Command-line interface: ingest files, list, show, review and correct reports, and (via indexer)
index and search.

Exit status is 0 on success, 1 when any file failed, a requested report does not exist or a
correction is refused, 2 for usage errors (argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from .config import ArchiveConfig
from .corrections import correct, review
from .errors import ArchiveError
from .ingest import FileOutcome, IngestSummary, expand_inputs, ingest_paths
from .report_json import report_to_json, sections_to_text
from .store import all_reports, get_report, make_engine, make_session_factory

if TYPE_CHECKING:
    from .harvest import Visit
    from .harvest_state import QueueItem

# Below this many files a progress bar is noise; per-file lines are shown instead.
PROGRESS_BAR_MIN_FILES = 20


def _print_json(payload: object) -> None:
    """JSON on stdout, Chinese kept readable (UTF-8, not \\u escapes)."""
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest files/folders, refresh the index, print a summary; 1 if any file failed."""
    config = ArchiveConfig.from_env()
    files, skipped = expand_inputs(args.paths)
    total = len(files) + len(skipped)
    bar = tqdm(total=total, unit="file", disable=total < PROGRESS_BAR_MIN_FILES, file=sys.stderr)

    def on_file(outcome: FileOutcome) -> None:
        bar.update(1)
        if outcome.status == "failed":
            bar.write(f"失败 {outcome.path}: {outcome.message}", file=sys.stderr)
        elif bar.disable:
            print(f"{outcome.status:9} {outcome.report_id:12} {outcome.path}")

    summary = ingest_paths(config, args.paths, workers=args.workers, on_file=on_file)
    bar.close()
    if not args.no_index:
        _refresh_index(config, summary)
    counts = summary.counts
    print(
        f"已收录 {counts['ingested']} · 已更新 {counts['updated']} · 未变 {counts['unchanged']}"
        f" · 跳过（非报告文件）{counts['skipped']} · 失败 {counts['failed']}"
    )
    return 1 if summary.failures else 0


def _refresh_index(config: ArchiveConfig, summary: IngestSummary) -> None:
    """Bring the search index up to date with what this ingest changed (building it if absent)."""
    from indexer.build import update
    from indexer.generation import current_generation
    from indexer.recovery import ensure_index

    if summary.changed_ids or summary.removed_ids or current_generation(config.index_dir) is None:
        update(config, sorted(summary.changed_ids), sorted(summary.removed_ids))
    # Reports an earlier ingest committed but was killed before indexing are "unchanged" now,
    # so they are not in this summary: reconcile the index with the store.
    ensure_index(config)


def _store(config: ArchiveConfig) -> sessionmaker[Session]:
    """Sessions on the configured store (created if new)."""
    return make_session_factory(make_engine(config.database_url))


def cmd_reports(args: argparse.Namespace) -> int:
    """List every report (id, year, place, type, title)."""
    session_factory = _store(ArchiveConfig.from_env())
    with session_factory() as session:
        reports = all_reports(session)
        if args.json:
            _print_json([report.metadata_dict() for report in reports])
            return 0
        for report in reports:
            place = "".join(part for part in (report.county, report.township) if part) or "（地点未定）"
            print(f"{report.id}  {report.year or '----'}  {place}  {report.doc_type}  {report.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Metadata, section tree and passages of one report; 1 if the id is unknown."""
    session_factory = _store(ArchiveConfig.from_env())
    with session_factory() as session:
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
    session_factory = _store(ArchiveConfig.from_env())
    with session_factory() as session:
        items = review(session)
    if args.json:
        _print_json([item.as_dict() for item in items])
        return 0
    for item in items:
        print(f"{item.report_id}  {item.field:9} {item.value or '（空）'}  {item.why}  《{item.title}》")
    print(f"共 {len(items)} 项待核，涉及 {len({item.report_id for item in items})} 份报告")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    """Record a correction, apply it and refresh the index for that report; 1 if refused."""
    changes: dict[str, str] = {}
    for assignment in args.assignments:
        field, equals, value = assignment.partition("=")
        if not equals:
            print(f"应写作 字段=值：{assignment}", file=sys.stderr)
            return 1
        changes[field.strip()] = value.strip()
    config = ArchiveConfig.from_env()
    session_factory = _store(config)
    try:
        with session_factory.begin() as session:
            report = correct(session, args.id, changes, args.reason)
            report_id, shown = report.id, report.metadata_dict()
    except ArchiveError as error:
        print(str(error), file=sys.stderr)
        return 1
    _refresh_index(config, IngestSummary(changed_ids={report_id}))
    for key in changes:
        print(f"{key:10} {shown.get(key)}")
    return 0


def cmd_harvest(args: argparse.Namespace) -> int:
    """Harvest reports from government sites (``archive.harvest``), refresh the index, print a
    summary; 1 if any URL failed, 2 for a URL that cannot be harvested at all."""
    from .harvest import HarvestOptions, harvest, summary_lines
    from .harvest_fetch import FetchOptions

    if args.delay < 0 or args.depth < 0:
        print("--delay 与 --depth 不能为负数", file=sys.stderr)
        return 2
    config = ArchiveConfig.from_env()
    options = HarvestOptions(depth=args.depth, fetch=FetchOptions(delay=args.delay, timeout=args.timeout))
    bar = tqdm(total=0, unit="url", file=sys.stderr, disable=args.quiet)

    def on_visit(item: QueueItem, visit: Visit, done: int, queued: int) -> None:
        bar.total = queued
        bar.update(done - bar.n)
        if visit.outcome == "failed":
            bar.write(f"失败 {item.url}: {visit.message}", file=sys.stderr)

    try:
        result = harvest(config, args.urls, options, on_visit)
    except ArchiveError as error:
        bar.close()
        print(str(error), file=sys.stderr)
        return 2
    bar.close()
    if not args.no_index:
        _refresh_index(config, result.ingest)
    if result.resumed:
        print(f"继续了上次中断的抓取（第 {result.progress.run_id} 次）")
    print("\n".join(summary_lines(result.progress)))
    return 1 if result.progress.failures else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand, the indexer's included."""
    parser = argparse.ArgumentParser(prog="python -m archive", description="法治政府建设报告检索库")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="收录文件或文件夹")
    ingest.add_argument("paths", nargs="+", help="files or folders (txt, docx, html, pdf, doc, wps)")
    ingest.add_argument("--workers", type=int, default=None, help="parser processes (default: cores)")
    ingest.add_argument("--no-index", action="store_true", help="do not refresh the search index")
    ingest.set_defaults(func=cmd_ingest)

    reports = sub.add_parser("reports", help="列出全部报告")
    reports.add_argument("--json", action="store_true")
    reports.set_defaults(func=cmd_reports)

    show = sub.add_parser("show", help="显示一份报告")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    review_parser = sub.add_parser("review", help="列出元数据为空或不确定的报告及原因")
    review_parser.add_argument("--json", action="store_true")
    review_parser.set_defaults(func=cmd_review)

    correct_parser = sub.add_parser("set", help="更正一份报告的元数据（重新收录、重建索引后仍然有效）")
    correct_parser.add_argument("id")
    correct_parser.add_argument("assignments", nargs="+", metavar="field=value",
                                help="e.g. county=潢川县 year=2024 (an empty value clears the field)")
    correct_parser.add_argument("--reason", default="", help="why (shown in the report's provenance)")
    correct_parser.set_defaults(func=cmd_set)

    harvest_parser = sub.add_parser("harvest", help="从政府网站抓取报告并收录（遵守 robots.txt）")
    harvest_parser.add_argument("urls", nargs="+", metavar="URL", help="a report page or a column listing")
    harvest_parser.add_argument("--depth", type=int, default=2,
                                help="links to follow from a start URL, pagination not counted (default 2)")
    harvest_parser.add_argument("--delay", type=float, default=1.0,
                                help="seconds between requests to one host, at least (default 1)")
    harvest_parser.add_argument("--timeout", type=float, default=20.0,
                                help="seconds per request (default 20)")
    harvest_parser.add_argument("--no-index", action="store_true", help="do not refresh the search index")
    harvest_parser.add_argument("--quiet", action="store_true", help="no progress bar")
    harvest_parser.set_defaults(func=cmd_harvest)

    from indexer.cli import register

    register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m archive``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
