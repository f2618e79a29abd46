"""Property-based attacks on the readers and the parser (hypothesis).

Why properties and not more examples: a report file can hold anything, and the ingest loop's
contract is that a bad file is *reported*, never a crash of the batch. So for arbitrary bytes
under every supported extension and for arbitrary (report-shaped) text, the only exception
allowed out of the readers and the parser is the project's own ``ArchiveError``; and every
passage's offsets must cut its text back out of the report text, or citations and reader
anchors would point at the wrong words.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.describing.parse import parse_document
from archive.document import ParsedReport, RawDocument
from archive.errors import ArchiveError
from archive.reading.readers import READERS, decode_text, read_file
from tests.support.hostile import docx_bytes, pdf_bytes, report_text

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text that looks like a report often enough to reach the heading, enumeration and metadata
# code: headings of every numbering style, 一是/二是 items, dates, place words, odd whitespace.
REPORT_PIECES = st.sampled_from([
    "一、", "二、", "（一）", "(二)", "三)", "1.", "（1）", "一是", "二是", "三是", "主要举措和成效",
    "存在的不足和原因", "下一年度工作安排", "坪山镇", "垫江县", "重庆市", "2023年", "2024年1月5日",
    "法治政府建设", "实施方案", "工作要点", "报告", "。", "；", "：", "\n", "\n\n", "\r\n", "\t", "\u3000",
    " ", "\xa0", "\u200b", "\ufeff", "[bookmark: _GoBack]", "索引号：", "发布机构：", "成文日期：",
    "　　", "<b>", "&amp;", "=", '"', "枫桥经验", "ａｂｃ", "１２３",
])
REPORTISH_TEXT = st.lists(st.one_of(REPORT_PIECES, st.text(max_size=8)), max_size=80).map("".join)


def _check_offsets(report: ParsedReport) -> None:
    for _section, _path, passage in report.passages():
        assert 0 <= passage.start <= passage.end <= len(report.text)
        assert report.text[passage.start:passage.end] == passage.text, (passage.start, passage.end)
    for section in report.sections:
        assert 0 <= section.start <= section.end <= len(report.text)


@SETTINGS
@given(text=REPORTISH_TEXT)
def test_parser_raises_only_archive_errors_and_offsets_cut_back_out(text: str) -> None:
    """Any text: either a ParsedReport whose passages cut back out of its text, or ArchiveError."""
    try:
        report = parse_document(RawDocument(text=text, media_type="text/plain"), filename="x.txt")
    except ArchiveError:
        return
    _check_offsets(report)


@SETTINGS
@given(text=st.text(max_size=400))
def test_parser_on_arbitrary_unicode(text: str) -> None:
    """Unstructured unicode (surrogates excluded by st.text) never escapes as a foreign error."""
    try:
        report = parse_document(RawDocument(text=report_text(1) + text, media_type="text/plain"))
    except ArchiveError:
        return
    _check_offsets(report)


@SETTINGS
@given(data=st.binary(max_size=4000))
def test_decoder_raises_only_archive_errors(data: bytes) -> None:
    """Arbitrary bytes as a .txt: decoded text or UnreadableFile, nothing else."""
    try:
        text, encoding = decode_text(data)
    except ArchiveError:
        return
    assert isinstance(text, str) and encoding


def _mutate(seed: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    """``seed`` with a few byte ranges overwritten: realistic corruption of a valid file."""
    data = bytearray(seed)
    for position, junk in cuts:
        at = position % max(len(data), 1)
        data[at:at + len(junk)] = junk
    return bytes(data)


CUTS = st.lists(st.tuples(st.integers(min_value=0, max_value=1 << 20), st.binary(min_size=1, max_size=16)),
                max_size=4)
GOOD_DOCX = docx_bytes(report_text(3))
GOOD_PDF = pdf_bytes("Rule of law report of the township government, mediation and legal advice.")


def _read_as(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        raw_bytes, raw = read_file(path)
    except ArchiveError:
        return
    assert raw_bytes == data
    try:
        report = parse_document(raw, filename=path.name)
    except ArchiveError:
        return
    _check_offsets(report)


@SETTINGS
@given(suffix=st.sampled_from(sorted(s for s in READERS if s not in (".doc", ".wps"))),
       data=st.binary(max_size=3000))
def test_every_reader_on_random_bytes(tmp_path: Path, suffix: str, data: bytes) -> None:
    """Random bytes under each extension: read + parse end in a report or an ArchiveError."""
    _read_as(tmp_path, suffix, data)


@SETTINGS
@given(cuts=CUTS, truncate=st.integers(min_value=0, max_value=100))
def test_corrupted_real_docx_and_pdf(tmp_path: Path, cuts: list[tuple[int, bytes]], truncate: int) -> None:
    """Valid files with bytes overwritten and tails cut off: the corruption real downloads have."""
    for suffix, seed in ((".docx", GOOD_DOCX), (".pdf", GOOD_PDF)):
        damaged = _mutate(seed, cuts)
        _read_as(tmp_path, suffix, damaged[: max(1, len(damaged) * (100 - truncate) // 100)])


@SETTINGS
@given(xml=st.text(max_size=300))
def test_docx_with_arbitrary_document_xml(tmp_path: Path, xml: str) -> None:
    """A well-formed zip whose document part is arbitrary text: python-docx's failures are wrapped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(GOOD_DOCX)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = xml.encode("utf-8") if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, body)
    _read_as(tmp_path, ".docx", buffer.getvalue())


@SETTINGS
@given(body=st.text(max_size=600))
def test_html_reader_on_arbitrary_markup(tmp_path: Path, body: str) -> None:
    """Saved pages with arbitrary (often broken) markup around report text."""
    page = f"<html><body><table><tr><td>发布机构：</td><td>{body}</td></tr></table>" \
           f"<div><p>{report_text(4)}</p><p>{body}</p></div></body></html>"
    _read_as(tmp_path, ".html", page.encode("utf-8"))
