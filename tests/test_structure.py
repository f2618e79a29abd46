"""Heading tree and passages on every corpus file: offsets exact, nothing lost, kinds canonical."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from archive.describing.header import analyse_header, split_lines
from archive.describing.parse import parse_file
from archive.describing.structure import parse_heading
from archive.document import SECTION_KINDS

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = sorted(CORPUS.glob("seeds/*.txt")) + sorted(CORPUS.glob("dev/*.txt"))


@pytest.fixture(scope="module", params=FILES, ids=lambda path: path.name)
def report(request):
    return parse_file(request.param)[2]


def test_passage_offsets_cut_the_passage_out_of_the_text(report) -> None:
    for _section, _path, passage in report.passages():
        assert report.text[passage.start:passage.end] == passage.text
        assert passage.text == passage.text.strip() and passage.text


def test_every_body_line_is_in_exactly_one_passage(report) -> None:
    """A user must never lose a passage: each non-header line is covered once, except lines that
    are nothing but a heading (they live on as the section title)."""
    header = analyse_header(report.text)
    spans = sorted((p.start, p.end) for _s, _p, p in report.passages())
    for (_a, end), (start, _b) in pairwise(spans):
        assert end <= start, "passages overlap"
    for line in split_lines(report.text):
        if line.start in header.skipped:
            continue
        heading = parse_heading(line.text)
        if heading is not None and heading.bare:
            continue
        covered = [s for s in spans if s[0] < line.end and s[1] > line.start]
        assert covered, f"line lost: {line.text[:40]}"
        text = "".join(report.text[max(a, line.start):min(b, line.end)] for a, b in covered)
        assert text.replace(" ", "") == line.text.strip().replace(" ", "")


def test_kinds_are_canonical_and_inherited(report) -> None:
    for top in report.sections:
        assert top.kind in SECTION_KINDS
        for section in top.walk():
            assert section.kind == top.kind
            assert top.start <= section.start <= section.end <= top.end


def _sections(name: str):
    path = next(p for p in FILES if p.name.startswith(name))
    return parse_file(path)[2].sections


def test_annual_report_parts_map_to_canonical_kinds() -> None:
    kinds = [(s.number, s.kind) for s in _sections("001_")]
    assert kinds == [
        ("", "前言"), ("一、", "第一责任人职责"), ("二、", "主要举措和成效"), ("三、", "存在的不足和原因"),
        ("四、", "下一年度工作安排"), ("五、", "其他"),
    ]


def test_plan_headings_are_work_tasks() -> None:
    sections = _sections("004_")
    assert sections[0].title == "前言"
    assert {s.kind for s in sections[1:]} == {"工作任务"}


def test_heading_with_body_on_the_same_line() -> None:
    """d04's （一） heading and its 一是/二是/三是 items are one line of the file: one passage."""
    sections = _sections("d04")
    sub = sections[1].children[0]
    assert (sub.number, sub.title, sub.level) == ("(一)", "强化组织领导,压实法治建设责任", 2)
    assert len(sub.passages) == 1
    assert sub.passages[0].text.startswith("(一)强化组织领导,压实法治建设责任。一是健全领导机制")
    assert "二是" in sub.passages[0].text and "三是" in sub.passages[0].text


def test_a_long_heading_without_a_full_stop_keeps_its_body() -> None:
    """A heading line over ``MAX_TITLE`` characters with no sentence end (found by the property
    test) is cut for its title, and the rest of the line stays body text: not a bare heading."""
    line = "一、" + "坚持依法行政推进法治政府建设" * 6 + "全年共办理行政复议案件三件"
    heading = parse_heading(line)
    assert heading is not None and not heading.bare
    assert len(heading.title) <= 60 and line[heading.end:].endswith("全年共办理行政复议案件三件")


def _body_lines(report) -> list[tuple[int, str]]:
    """The file's paragraphs as a reader sees them: body lines that are not only a heading."""
    header = analyse_header(report.text)
    out = []
    for line in split_lines(report.text):
        heading = parse_heading(line.text.rstrip())
        if line.start not in header.skipped and not (heading is not None and heading.bare):
            out.append((line.start, line.text.strip()))
    return out


def test_paragraph_n_is_the_files_nth_paragraph(report) -> None:
    """¶ numbers follow the source: one passage per body line, in order, none split or added."""
    assert [(p.start, p.text) for _s, _p, p in report.passages()] == _body_lines(report)


def test_inline_heading_is_styled_inside_its_paragraph_not_repeated(report) -> None:
    """A heading line is a heading; a heading sentence followed by its body is the start of
    that body's passage (``heading_end`` inside it), never a passage of its own."""
    starts = {p.start: p for _s, _p, p in report.passages()}
    for top in report.sections:
        for section in top.walk():
            if not section.number:
                continue
            written = report.text[section.start:section.heading_end]
            assert written.startswith(section.number) and section.title in written
            passage = starts.get(section.start)
            if passage is None:  # a heading line: nothing of it is left for a passage
                line_end = report.text.find("\n", section.start)
                assert report.text[section.heading_end:line_end if line_end >= 0 else None].strip() == ""
            else:  # inline: the heading is the opening of the paragraph, which goes on after it
                assert passage.text.startswith(written) and len(passage.text) > len(written)


def test_inline_and_line_headings_of_seed_001() -> None:
    """Two real cases: （三）压实领导责任 opens ¶4; （一）强化制度建设… is no ¶ of its own."""
    path = next(p for p in FILES if p.name.startswith("001_"))
    report = parse_file(path)[2]
    texts = [p.text for _s, _p, p in report.passages()]
    assert texts[3].startswith("（三）压实领导责任。按照包村领导包案")
    third = report.sections[1].children[2]
    assert report.text[third.start:third.heading_end] == "（三）压实领导责任。"
    assert "（一）强化制度建设，以机制促法制。" not in texts
    assert texts[4].startswith("（一）强化制度建设，以机制促法制。一是进一步完善了依法决策工作制度")
    bare = report.sections[1]
    assert report.text[bare.start:bare.heading_end] == (
        "一、2024年党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况"
    )


def test_level_three_headings() -> None:
    first = _sections("d03")[1].children[0].children
    assert [(s.number, s.title, s.level) for s in first] == [
        ("1.", "优化组织架构", 3), ("2.", "强化责任落实", 3), ("3.", "保障经费投入", 3),
    ]


@pytest.mark.parametrize(
    ("line", "number", "level"),
    [
        ("一、总体情况", "一、", 1), ("（二）加强规划", "（二）", 2), ("(三)规范", "(三)", 2),
        ("四)规范", "四)", 2),
        ("1.优化", "1.", 3), ("2、优化", "2、", 3), ("3．优化", "3．", 3), ("（1）细化", "（1）", 4),
        ("(2)细化", "(2)", 4),
    ],
)
def test_heading_forms(line: str, number: str, level: int) -> None:
    heading = parse_heading(line)
    assert heading is not None and (heading.number, heading.level) == (number, level)


@pytest.mark.parametrize("line", ["2023年，我镇", "3.5亿元投入", "一是加强学习"])
def test_not_headings(line: str) -> None:
    assert parse_heading(line) is None


@pytest.mark.parametrize(
    ("line", "written", "bare"),
    [
        ("（一）强化制度建设，以机制促法制。", "（一）强化制度建设，以机制促法制。", True),
        ("（三）压实领导责任。按照包村领导", "（三）压实领导责任。", False),
        ("二、 存在的问题", "二、 存在的问题", True),
        ("1. 优化组织架构；细化分工", "1. 优化组织架构；", False),
    ],
)
def test_heading_end_covers_the_heading_as_written(line: str, written: str, bare: bool) -> None:
    heading = parse_heading(line)
    assert heading is not None and (line[:heading.end], heading.bare) == (written, bare)
