"""Readers on real files generated in tmp_path from the seed corpus, and on broken ones."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from archive.describing.parse import parse_document, parse_file
from archive.errors import UnreadableFile, UnsupportedFormat
from archive.reading import readers
from archive.reading.readers import read_file

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = CORPUS / "seeds" / "002_0bd4420a3e9538ce.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_encodings_give_the_identical_text(tmp_path: Path, encoding: str) -> None:
    original = read_file(SEED)[1].text
    _data, raw = read_file(_write(tmp_path, "copy.txt", SEED_TEXT.encode(encoding)))
    assert raw.text == original


def test_gbk_report_parses_like_the_utf8_one(tmp_path: Path) -> None:
    seed = CORPUS / "seeds" / "001_832404b272c0b67c.txt"
    copy = _write(tmp_path, "gbk.txt", seed.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    assert parse_file(copy)[2].metadata.county == parse_file(seed)[2].metadata.county == "潢川县"


def test_docx_paragraphs_and_tables_in_order_without_bookmarks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("城口县北屏乡")
    document.add_paragraph("2022年法治政府建设情况报告")
    document.add_paragraph(
        "[bookmark: _GoBack]2022年，我乡在县委全面依法治县委员会的领导下，认真开展法治政府建设各项工作。"
    )
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "一、主要做法和成效"
    table.cell(0, 1).text = "（一）加强组织领导。一是整体谋划。二是强化队伍建设。"
    document.add_paragraph("二、存在的问题")
    buffer = io.BytesIO()
    document.save(buffer)
    _data, raw = read_file(_write(tmp_path, "r.docx", buffer.getvalue()))
    lines = [line for line in raw.text.split("\n") if line]
    assert lines[0] == "城口县北屏乡" and lines[3] == "一、主要做法和成效" and lines[-1] == "二、存在的问题"
    report = parse_document(raw)
    assert "[bookmark" not in report.text
    assert report.metadata.county == "城口县"
    assert [s.kind for s in report.sections] == ["前言", "主要举措和成效", "存在的不足和原因"]


HTML_PAGE = """<html><head><meta charset="gbk"><title>古镛镇政府</title></head><body>
<div class="nav">首页 &gt; 政务公开</div>
<table class="meta"><tr><td>索 引 号：</td><td>sm09901-1800-2025-00003</td>
<td>发布机构：</td><td>古镛镇人民政府</td></tr>
<tr><td>成文日期：</td><td>2025-02-07</td></tr></table>
<div class="article"><h1>古镛镇2024年法治政府建设工作报告</h1>
<p>2024年，古镛镇法治政府建设工作在县委、县政府的有力指导下，扎实推进。现将古镛镇2024年法治建设工作情况总结如下：</p>
<p>一、2024年度推进法治政府建设的主要举措和成效</p>
<p>（一）坚持学习重要思想，提升思想素质。</p>
<p>推进法治政府建设工作，关键在组织领导。</p></div>
<script>var x = "不应出现";</script></body></html>"""


def test_html_page_gives_body_and_labelled_fields(tmp_path: Path) -> None:
    _data, raw = read_file(_write(tmp_path, "page.html", HTML_PAGE.encode("gbk")))
    assert raw.fields["索引号"] == "sm09901-1800-2025-00003"
    assert raw.fields["发布机构"] == "古镛镇人民政府"
    assert raw.fields["成文日期"] == "2025-02-07"
    assert "不应出现" not in raw.text and "首页" not in raw.text
    metadata = parse_document(raw).metadata
    assert metadata.title == "古镛镇2024年法治政府建设工作报告"
    assert metadata.issuer == "古镛镇人民政府"
    assert (metadata.issue_date, metadata.county) == ("2025-02-07", "将乐县")


def test_txt_with_markdown_metadata_table_fills_fields() -> None:
    _data, raw = read_file(CORPUS / "dev" / "d04.txt")
    assert raw.fields["发布机构"] == "兖州区新驿镇" and raw.fields["成文日期"] == "2026-02-10"
    assert "索 引 号" not in parse_document(raw).text


def _cjk_pdf(lines: list[str]) -> bytes:
    """A minimal PDF whose text layer uses the standard Adobe-GB1 font STSong-Light (no font file
    is embedded, so no font tool is needed; pdfminer maps the CIDs back to Unicode)."""
    content = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(
        f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in lines
    ) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 6 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [5 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] "
        "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_text_layer(tmp_path: Path) -> None:
    pdf = _cjk_pdf(["付店镇2024年法治政府建设工作报告", "一、主要举措和成效"])
    _data, raw = read_file(_write(tmp_path, "r.pdf", pdf))
    assert "付店镇2024年法治政府建设工作报告" in raw.text and "主要举措和成效" in raw.text


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"文字层|no text"):
        read_file(_write(tmp_path, "scan.pdf", _cjk_pdf([])))


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "空"),
        ("junk.txt", bytes(range(256)) * 40, "二进制|binary"),
        ("truncated.docx", b"PK\x03\x04" + b"\x00" * 100, "docx|zip"),
        ("notzip.docx", "这不是一个 docx 文件".encode(), "docx|zip"),
        ("bomb.docx", _zip({"word/document.xml": b"0" * 30_000_000}), "压缩炸弹|zip bomb"),
        ("nodocument.docx", _zip({"hello.txt": b"hi"}), "corrupt|unreadable"),
        ("broken.pdf", b"%PDF-1.4\n this is not a pdf", "pdf|PDF"),
        ("image.png", b"\x89PNG\r\n", "unsupported"),
    ],
)
def test_bad_files_are_unreadable_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        read_file(_write(tmp_path, name, data))


def test_oversized_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "big.txt", SEED_TEXT.encode("utf-8"))
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before the size check"))
    with pytest.raises(UnreadableFile, match=r"过大|too large"):
        read_file(path)


def test_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat):
        read_file(_write(tmp_path, "report.xlsx", b"data"))


def test_legacy_word_without_converter_names_the_package(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(readers.shutil, "which", lambda _name: None)
    with pytest.raises(UnsupportedFormat, match="antiword"):
        read_file(_write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600))


@pytest.mark.skipif(not readers.shutil.which("antiword") and not readers.shutil.which("catdoc"),
                    reason="needs antiword or catdoc")
def test_legacy_word_garbage_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile):
        read_file(_write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600))


LEGACY_DOC = Path(__file__).parent / "fixtures" / "城口县北屏乡2022年法治政府建设情况报告.doc"
LEGACY_SEED = CORPUS / "seeds" / "003_a9c7216add76d17d.txt"


def _without_spaces(text: str) -> str:
    return "".join(text.split())


def _only_converter(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not readers.shutil.which(name):
        pytest.fail(f"{name} is not installed: run scripts/setup.sh (Debian package {name})")
    only = tuple(entry for entry in readers.LEGACY_CONVERTERS if entry[0] == name)
    monkeypatch.setattr(readers, "LEGACY_CONVERTERS", only)


def test_legacy_word_file_gives_the_seed_text_and_metadata(monkeypatch) -> None:
    """A real Word 97 file of seed 003 through antiword: the same text and the same place."""
    _only_converter("antiword", monkeypatch)
    _data, raw = read_file(LEGACY_DOC)
    assert raw.media_type == "application/msword"
    assert _without_spaces(raw.text) == _without_spaces(LEGACY_SEED.read_text(encoding="utf-8"))
    from_doc, from_txt = parse_file(LEGACY_DOC)[2].metadata, parse_file(LEGACY_SEED)[2].metadata
    for field in ("township", "county", "city", "province", "year", "doc_type"):
        assert getattr(from_doc, field) == getattr(from_txt, field), field
    assert (from_doc.township, from_doc.county, from_doc.year) == ("北屏乡", "城口县", 2022)


def test_garbled_conversion_is_refused_not_stored(monkeypatch) -> None:
    """catdoc drops half of this file and leaves debris (专˜˜ xvz): refused, never ingested."""
    _only_converter("catdoc", monkeypatch)
    with pytest.raises(UnreadableFile, match="catdoc: garbled"):
        read_file(LEGACY_DOC)
    assert not readers.looks_garbled(LEGACY_SEED.read_text(encoding="utf-8"))
    assert not readers.looks_garbled("气温 25°C，面积 3×4 米，马克思·韦伯。" * 50)


def test_utf8_with_a_cut_character_keeps_the_report(tmp_path: Path) -> None:
    """One bad byte must not lose a whole report: the rest is kept exactly, the damage shown and noted.

    (A stray byte *between* characters is already dropped by charset-normalizer; a character cut
    in half is what makes it give up.)
    """
    data = SEED.read_bytes()
    cut = data.index("。".encode(), len(data) // 2)  # drop the first of its three bytes
    _data, raw = read_file(_write(tmp_path, "damaged.txt", data[:cut] + data[cut + 1:]))
    assert raw.encoding == "utf_8"
    assert raw.text == data[:cut].decode("utf-8") + "\ufffd" * 2 + data[cut + 3:].decode("utf-8")
    report = parse_document(raw)
    assert "原文件含损坏的 UTF-8 字节，已在 2 处显示为 �" in report.metadata.notes
    assert report.metadata.township == parse_document(read_file(SEED)[1]).metadata.township == "红江镇"


def test_many_broken_bytes_are_still_refused(tmp_path: Path) -> None:
    """GBK bytes read as UTF-8 break everywhere: that is a wrong guess, not a damaged file."""
    data = SEED_TEXT.encode("gbk")
    broken = data[:2000] + b"\x80\x80" + data[2000:]
    with pytest.raises(UnreadableFile, match="编码"):
        read_file(_write(tmp_path, "gbk-damaged.txt", broken))


def test_text_without_content_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"正文|text"):
        parse_file(_write(tmp_path, "blank.txt", b"\n\n   \n--\n"))
